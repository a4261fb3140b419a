//! The Companies pages (staff): the firm's companies with how many clients
//! each has, and one company: rename it, set its icon, open its
//! conversation, see its clients, delete it. The server decides who may
//! change what; a refusal is shown where it applies.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::shell::PageTitle;
use crate::api::{self, CreateCompany, DeleteCompany, UpdateCompany};
use crate::model::{AppError, CompanyChanges, NewCompany};
use crate::problem::{about_field, reason};

/// The refusal of a form's call, if any, for the fields it names.
pub fn refusal<T: Clone + Send + Sync + 'static>(
    value: impl Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
) -> Signal<Option<AppError>> {
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// The refusal next to `field` when it names that field.
pub fn field_error(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> impl Fn() -> Option<String> {
    move || error.get().and_then(|e| about_field(&e, field))
}

/// The refusal shown under a form when it names none of its `fields`.
pub fn form_error(
    error: Signal<Option<AppError>>,
    fields: &'static [&'static str],
) -> impl Fn() -> Option<String> {
    move || {
        error
            .get()
            .filter(|e| !fields.iter().any(|f| e.concerns(f)))
            .map(|e| reason(&e))
    }
}

/// A destructive action's second step: says what will happen, and waits
/// for Delete or Cancel (Escape cancels). Focus moves to Cancel, so a
/// stray Enter does no harm.
#[component]
pub fn ConfirmStep(
    /// What the action will do, in full.
    explanation: String,
    /// The confirming button's text.
    confirm_label: String,
    confirming: RwSignal<bool>,
    pending: Signal<bool>,
    on_confirm: Callback<()>,
) -> impl IntoView {
    let cancel_ref = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = cancel_ref.get() {
            let _ = button.focus();
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            confirming.set(false);
        }
    };
    let label = confirm_label.clone();
    view! {
        <div class="confirm" role="alertdialog" aria-label=label on:keydown=on_key>
            <p>{explanation}</p>
            <div class="actions">
                <button class="danger" disabled=move || pending.get() on:click=move |_| on_confirm.run(())>
                    {confirm_label}
                </button>
                <button node_ref=cancel_ref on:click=move |_| confirming.set(false)>"Cancel"</button>
            </div>
        </div>
    }
}

#[component]
pub fn CompaniesPage() -> impl IntoView {
    let directory = Resource::new(|| (), |_| api::load_directory());
    let create = ServerAction::<CreateCompany>::new();
    let name = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
            directory.refetch();
        }
    });
    let error = refusal(create.value());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateCompany {
            company: NewCompany {
                name: name.get_untracked(),
            },
        });
    };
    view! {
        <section class="page" aria-label="Companies">
            <PageTitle name="Companies" />
            <h1>"Companies"</h1>
            <form class="inline-form" on:submit=submit>
                <label>
                    "New company"
                    <input
                        name="name"
                        required
                        prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))
                    />
                </label>
                <button type="submit" disabled=move || create.pending().get()>"Create company"</button>
                <p class="error" role="alert">{field_error(error, "name")}</p>
                <p class="error" role="alert">{form_error(error, &["name"])}</p>
            </form>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let directory = match directory.await {
                        Ok(directory) => directory,
                        Err(e) => return view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                    };
                    let companies: Vec<_> = directory.companies.into_iter().filter(|c| !c.is_placeholder).collect();
                    if companies.is_empty() {
                        return view! {
                            <p class="empty">"No companies yet — create one above, or type a new company's name when you add a client."</p>
                        }.into_any();
                    }
                    view! {
                        <ul class="company-list" aria-label="Company list">
                            {companies.into_iter().map(|c| {
                                let count = match c.client_count {
                                    1 => "1 client".to_string(),
                                    n => format!("{n} clients"),
                                };
                                view! {
                                    <li>
                                        <A href=format!("/companies/{}", c.id)>
                                            <span class="title">{c.name}</span>
                                            <span class="preview">{count}</span>
                                        </A>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn CompanyPage() -> impl IntoView {
    let params = use_params_map();
    let company_id = move || params.with(|p| p.get("id").unwrap_or_default());
    let data = Resource::new(company_id, api::load_company);
    let update = ServerAction::<UpdateCompany>::new();
    let remove = ServerAction::<DeleteCompany>::new();
    let navigate = use_navigate();
    let open = Action::new(move |id: &String| api::open_company_conversation(id.clone()));
    let go = navigate.clone();
    Effect::new(move |_| {
        if let Some(Ok(channel_id)) = open.value().get() {
            go(&format!("/messages/{channel_id}"), Default::default());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            navigate("/companies", Default::default());
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = update.value().get() {
            data.refetch();
        }
    });
    let update_error = refusal(update.value());
    let remove_error = refusal(remove.value());
    let open_error = move || open.value().get().and_then(|r| r.err()).map(|e| reason(&e));
    let confirming = RwSignal::new(false);
    view! {
        <section class="page">
            <p><A href="/companies">"← Companies"</A></p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let found = match data.await {
                        Ok(found) => found,
                        Err(e) => return view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                    };
                    let company = found.company;
                    let id = company.id.clone();
                    let name = RwSignal::new(company.name.clone());
                    let icon = RwSignal::new(company.icon_image_url.clone().unwrap_or_default());
                    let save_id = id.clone();
                    let save = move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        update.dispatch(UpdateCompany {
                            company_id: save_id.clone(),
                            company: CompanyChanges {
                                name: name.get_untracked(),
                                icon_image_url: Some(icon.get_untracked()),
                            },
                        });
                    };
                    let open_id = id.clone();
                    let delete_id = id.clone();
                    let explanation = format!(
                        "Delete {}? Its company conversation and its group conversations are deleted, with their messages and files. \
                         Its clients are not deleted: a client in no other company moves to a company of their own and keeps their own conversation. \
                         This cannot be undone.",
                        company.name
                    );
                    view! {
                        <PageTitle name=company.name.clone() />
                        <h1>
                            {company.icon_image_url.clone().map(|url| view! { <img class="company-icon" src=url alt="" /> })}
                            {company.name.clone()}
                        </h1>
                        <button class="primary" disabled=move || open.pending().get() on:click=move |_| { open.dispatch(open_id.clone()); }>
                            "Open company conversation"
                        </button>
                        <p class="error" role="alert">{open_error}</p>
                        <h2>"Details"</h2>
                        <form class="stacked company-form" on:submit=save>
                            <label>
                                "Name"
                                <input name="name" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                            </label>
                            <p class="error" role="alert">{field_error(update_error, "name")}</p>
                            <label>
                                "Icon (image address)"
                                <input type="url" name="iconImageUrl" placeholder="https://…" prop:value=move || icon.get() on:input=move |ev| icon.set(event_target_value(&ev)) />
                            </label>
                            <p class="error" role="alert">{field_error(update_error, "iconImageUrl")}</p>
                            <p class="error" role="alert">{form_error(update_error, &["name", "iconImageUrl"])}</p>
                            <button type="submit" disabled=move || update.pending().get()>"Save company"</button>
                            <Show when=move || matches!(update.value().get(), Some(Ok(_)))>
                                <p class="notice" role="status">"Saved."</p>
                            </Show>
                        </form>
                        <h2>"Clients"</h2>
                        {if found.clients.is_empty() {
                            view! { <p class="empty">"No clients in this company yet — add one on the Clients page."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="company-clients" aria-label="Clients of this company">
                                    {found.clients.into_iter().map(|c| view! {
                                        <li>
                                            <A href=format!("/clients/{}", c.id)>
                                                <span class="title">{c.name}</span>
                                                <span class="preview">{c.email}</span>
                                            </A>
                                        </li>
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <h2>"Delete"</h2>
                        <Show
                            when=move || confirming.get()
                            fallback=move || view! {
                                <button class="danger" on:click=move |_| confirming.set(true)>"Delete company…"</button>
                            }
                        >
                            <ConfirmStep
                                explanation=explanation.clone()
                                confirm_label="Delete company".to_string()
                                confirming
                                pending=remove.pending().into()
                                on_confirm=Callback::new({
                                    let id = delete_id.clone();
                                    move |_| { remove.dispatch(DeleteCompany { company_id: id.clone() }); }
                                })
                            />
                        </Show>
                        <p class="error" role="alert">{move || remove_error.get().map(|e| reason(&e))}</p>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}
