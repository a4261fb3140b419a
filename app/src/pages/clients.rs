//! The Clients pages (staff): find, add and invite clients; open one client
//! to see their status and conversations, edit, invite, export or delete
//! them, and for admins, put them under legal hold.

use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_navigate, use_params_map};

use super::companies::{field_error, form_error, refusal, ConfirmStep};
use super::shell::{PageTitle, Session};
use crate::api::{self, AddClient, DeleteClient, InviteClient, UpdateClient};
use crate::clock;
use crate::model::{ClientChanges, ClientSummary, CompanySummary, NewClient};
use crate::problem::reason;
use crate::state::matching_clients;

const CLIENT_FIELDS: &[&str] = &["givenName", "familyName", "email", "name"];

#[component]
pub fn ClientsPage() -> impl IntoView {
    let directory = Resource::new(|| (), |_| api::load_directory());
    let add = ServerAction::<AddClient>::new();
    let given = RwSignal::new(String::new());
    let family = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<String>::new());
    let new_company = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            for field in [given, family, email, new_company] {
                field.set(String::new());
            }
            chosen.set(Vec::new());
            directory.refetch();
        }
    });
    let error = refusal(add.value());
    let added = move || {
        add.value()
            .get()
            .and_then(Result::ok)
            .map(|c| format!("Added {}.", c.name))
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = new_company.get_untracked();
        add.dispatch(AddClient {
            client: NewClient {
                given_name: given.get_untracked(),
                family_name: family.get_untracked(),
                email: email.get_untracked(),
                company_id: None,
                company_ids: chosen.get_untracked(),
                new_company: (!typed.trim().is_empty()).then_some(typed),
            },
        });
    };
    let (search, set_search) = signal(String::new());
    view! {
        <section class="page" aria-label="Clients">
            <PageTitle name="Clients" />
            <h1>"Clients"</h1>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let directory = match directory.await {
                        Ok(directory) => directory,
                        Err(e) => return view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                    };
                    let companies = directory.companies.clone();
                    let empty = directory.clients.is_empty();
                    let clients = StoredValue::new(directory.clients);
                    view! {
                        <details class="add-client">
                            <summary class="primary">"Add client"</summary>
                            <form on:submit=submit>
                                <label>"Given name" <TextInput value=given name="givenName" /></label>
                                <p class="error" role="alert">{field_error(error, "givenName")}</p>
                                <label>"Family name" <TextInput value=family name="familyName" /></label>
                                <p class="error" role="alert">{field_error(error, "familyName")}</p>
                                <label>"E-mail" <TextInput value=email name="email" kind="email" /></label>
                                <p class="error" role="alert">{field_error(error, "email")}</p>
                                <CompanyChoice companies chosen />
                                <label>
                                    "Or a new company"
                                    <input
                                        name="newCompany"
                                        placeholder="Type a name to create it"
                                        prop:value=move || new_company.get()
                                        on:input=move |ev| new_company.set(event_target_value(&ev))
                                    />
                                </label>
                                <p class="error" role="alert">{field_error(error, "name")}</p>
                                <p class="error" role="alert">{form_error(error, CLIENT_FIELDS)}</p>
                                <button type="submit" disabled=move || add.pending().get()>"Save client"</button>
                                <p class="notice" role="status">{added}</p>
                            </form>
                        </details>
                        {if empty {
                            view! { <p class="empty">"No clients yet — add your first client above."</p> }.into_any()
                        } else {
                            view! {
                                <input
                                    type="search"
                                    aria-label="Search clients"
                                    placeholder="Search by name, e-mail or company"
                                    on:input=move |ev| set_search.set(event_target_value(&ev))
                                />
                                <ul class="client-list" aria-label="Client list">
                                    {move || {
                                        clients.with_value(|all| {
                                            matching_clients(all, &search.get())
                                                .into_iter()
                                                .cloned()
                                                .map(|client| view! { <ClientRow client /> })
                                                .collect_view()
                                        })
                                    }}
                                </ul>
                            }.into_any()
                        }}
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

/// The real companies (not clients' placeholders) as choices of a select.
pub fn company_options(companies: Vec<CompanySummary>) -> impl IntoView {
    companies
        .into_iter()
        .filter(|c| !c.is_placeholder)
        .map(|c| view! { <option value=c.id>{c.name}</option> })
        .collect_view()
}

/// A text input bound to a signal, so that the form can clear it.
#[component]
fn TextInput(
    value: RwSignal<String>,
    name: &'static str,
    #[prop(default = "text")] kind: &'static str,
) -> impl IntoView {
    view! {
        <input
            type=kind
            name=name
            required
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}

/// The real companies (not clients' placeholders) as checkboxes.
#[component]
fn CompanyChoice(companies: Vec<CompanySummary>, chosen: RwSignal<Vec<String>>) -> impl IntoView {
    let companies: Vec<_> = companies
        .into_iter()
        .filter(|c| !c.is_placeholder)
        .collect();
    view! {
        <fieldset class="company-choice">
            <legend>"Companies"</legend>
            {if companies.is_empty() {
                view! { <p class="preview">"No companies yet — type one below."</p> }.into_any()
            } else {
                companies.into_iter().map(|c| {
                    let id = c.id.clone();
                    let checked_id = c.id.clone();
                    view! {
                        <label>
                            <input
                                type="checkbox"
                                prop:checked=move || chosen.with(|ids| ids.contains(&checked_id))
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|ids| {
                                        ids.retain(|x| x != &id);
                                        if on { ids.push(id.clone()); }
                                    });
                                }
                            />
                            {c.name}
                        </label>
                    }
                }).collect_view().into_any()
            }}
        </fieldset>
    }
}

fn status_label(status: &str) -> &'static str {
    match status {
        "active" => "Active",
        "invited" => "Invited",
        _ => "Not invited",
    }
}

/// A client in the list.
#[component]
fn ClientRow(client: ClientSummary) -> impl IntoView {
    let status = RwSignal::new(client.status.clone());
    let companies = if client.company_names.is_empty() {
        "No company".to_string()
    } else {
        client.company_names.join(", ")
    };
    let (id, name) = (client.id.clone(), client.name.clone());
    view! {
        <li class="client">
            <A href=format!("/clients/{}", client.id)>
                <span class="title">{client.name.clone()}</span>
                <span class="preview">{client.email.clone()} " · " {companies}</span>
            </A>
            <span class="status">{move || status_label(&status.get())}</span>
            <Invitation client_id=id name status />
        </li>
    }
}

/// Until a client chooses a password they can be invited (again): that
/// e-mails them a new link, which an admin also gets to copy; the link is a
/// credential, so it is shown only in that answer.
#[component]
fn Invitation(client_id: String, name: String, status: RwSignal<String>) -> impl IntoView {
    let (copied, set_copied) = signal(false);
    let invite = ServerAction::<InviteClient>::new();
    let invited = move || invite.value().get().and_then(Result::ok);
    Effect::new(move |_| {
        if let Some(client) = invited() {
            status.set(client.status);
        }
    });
    let link = move || invited().and_then(|c| c.invite_url);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let (Some(url), Some(window)) = (link(), web_sys::window()) {
            let _ = window.navigator().clipboard().write_text(&url);
        }
        set_copied.set(true);
    };
    let error = move || {
        invite
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| reason(&e))
    };
    let invite_label = format!("Invite {name}");
    let copy_label = format!("Copy invite link for {name}");
    view! {
        <Show when=move || status.get() != "active">
            <button
                class="link"
                aria-label=invite_label.clone()
                disabled=move || invite.pending().get()
                on:click={
                    let id = client_id.clone();
                    move |_| { invite.dispatch(InviteClient { client_id: id.clone() }); }
                }
            >
                {move || if status.get() == "invited" { "Send invitation again" } else { "Send invitation" }}
            </button>
        </Show>
        {move || link().map(|url| view! {
            <button class="link" aria-label=copy_label.clone() data-invite-url=url on:click=copy>
                {move || if copied.get() { "Copied" } else { "Copy invite link" }}
            </button>
        })}
        <span class="error" role="alert">{error}</span>
    }
}

#[component]
pub fn ClientPage() -> impl IntoView {
    let params = use_params_map();
    let client_id = move || params.with(|p| p.get("id").unwrap_or_default());
    let data = Resource::new(client_id, api::load_client_channels);
    let directory = Resource::new(|| (), |_| api::load_directory());
    // Only admins may read a hold: nobody else asks.
    let is_admin = expect_context::<Session>()
        .me
        .with_untracked(|me| me.is_admin);
    let hold = Resource::new(
        move || (client_id(), is_admin),
        |(id, admin)| async move {
            match admin {
                true => api::legal_hold(id).await.map(|since| Some(Hold { since })),
                false => Ok(None),
            }
        },
    );
    let navigate = use_navigate();
    let message =
        Action::new(move |client_id: &String| api::start_conversation(vec![client_id.clone()]));
    let go = navigate.clone();
    Effect::new(move |_| {
        if let Some(Ok(channel_id)) = message.value().get() {
            go(&format!("/messages/{channel_id}"), Default::default());
        }
    });
    let update = ServerAction::<UpdateClient>::new();
    let remove = ServerAction::<DeleteClient>::new();
    let editing = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(_)) = update.value().get() {
            editing.set(false);
            data.refetch();
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = remove.value().get() {
            navigate("/clients", Default::default());
        }
    });
    let update_error = refusal(update.value());
    let remove_error = refusal(remove.value());
    let confirming = RwSignal::new(false);
    let zone = clock::use_zone();
    view! {
        <section class="page">
            <p><A href="/clients">"← Clients"</A></p>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (found, directory, hold) = (data.await, directory.await, hold.await);
                    let found = match found {
                        Ok(found) => found,
                        Err(e) => return view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                    };
                    let companies = directory.map(|d| d.companies).unwrap_or_default();
                    let client = found.client;
                    let id = client.id.clone();
                    let status = RwSignal::new(client.status.clone());
                    let given = RwSignal::new(client.given_name.clone());
                    let family = RwSignal::new(client.family_name.clone());
                    let chosen = RwSignal::new(client.company_ids.clone());
                    let save_id = id.clone();
                    let save = move |ev: leptos::ev::SubmitEvent| {
                        ev.prevent_default();
                        update.dispatch(UpdateClient {
                            client_id: save_id.clone(),
                            client: ClientChanges {
                                given_name: given.get_untracked(),
                                family_name: family.get_untracked(),
                                company_ids: chosen.get_untracked(),
                            },
                        });
                    };
                    let last = client.last_sign_in.clone();
                    let last_sign_in = move || {
                        last.as_deref()
                            .and_then(|at| clock::moment(at, zone.get()))
                            .map_or("never".to_string(), |m| m.full())
                    };
                    let companies_text = if client.company_names.is_empty() {
                        "No company".to_string()
                    } else {
                        client.company_names.join(", ")
                    };
                    let explanation = format!(
                        "Delete {}? They lose access to this portal at once and are signed out. \
                         Their own conversation is deleted with its messages and files, and they leave every group conversation. \
                         This cannot be undone.",
                        client.name
                    );
                    let message_id = id.clone();
                    let delete_id = id.clone();
                    let export_href = format!("/v1/clients/{id}/export");
                    let export_label = format!("Export {}'s conversations", client.name);
                    let (hold_id, hold_name) = (id.clone(), client.name.clone());
                    view! {
                        <PageTitle name=client.name.clone() />
                        <h1>{client.name.clone()}</h1>
                        <dl class="facts">
                            <dt>"E-mail"</dt><dd>{client.email.clone()}</dd>
                            <dt>"Status"</dt><dd class="status">{move || status_label(&status.get())}</dd>
                            <dt>"Last sign-in"</dt><dd>{last_sign_in}</dd>
                            <dt>"Companies"</dt><dd class="companies">{companies_text}</dd>
                        </dl>
                        <div class="actions">
                            <button class="primary" on:click=move |_| { message.dispatch(message_id.clone()); }>
                                {format!("Message {}", client.name)}
                            </button>
                            <button on:click=move |_| editing.update(|e| *e = !*e) aria-expanded=move || editing.get().to_string()>
                                "Edit"
                            </button>
                            <Invitation client_id=id.clone() name=client.name.clone() status />
                        </div>
                        <p class="error" role="alert">{field_error(update_error, "givenName")}</p>
                        <p class="error" role="alert">{field_error(update_error, "familyName")}</p>
                        <p class="error" role="alert">{form_error(update_error, &["givenName", "familyName"])}</p>
                        <Show when=move || editing.get()>
                            <form class="stacked client-form" on:submit=save.clone()>
                                <label>"Given name" <TextInput value=given name="givenName" /></label>
                                <label>"Family name" <TextInput value=family name="familyName" /></label>
                                <CompanyChoice companies=companies.clone() chosen />
                                <div class="actions">
                                    <button type="submit" disabled=move || update.pending().get()>"Save client"</button>
                                    <button type="button" on:click=move |_| editing.set(false)>"Cancel"</button>
                                </div>
                            </form>
                        </Show>
                        <h2>"Conversations"</h2>
                        <Form method="GET" action="/search" attr:role="search" attr:class="search-form">
                            <input type="hidden" name="clientId" value=id.clone() />
                            <input type="search" name="q" aria-label=format!("Search {}'s conversations", client.name) placeholder="Search their messages and files" />
                            <button type="submit">"Search"</button>
                        </Form>
                        <ul class="channels-of-client" aria-label="Conversations">
                            {found.channels.into_iter().map(|c| view! {
                                <li>
                                    <A href=format!("/messages/{}", c.id)>
                                        <span class="title">{c.title}</span>
                                        <span class="preview">{c.preview.unwrap_or_default()}</span>
                                    </A>
                                </li>
                            }).collect_view()}
                        </ul>
                        <p class="export">
                            // A download, not a page of the app.
                            <a href=export_href download rel="external">{export_label}</a>
                            " (a ZIP: each conversation as a page and a PDF, with its files)"
                        </p>
                        {match hold {
                            Ok(Some(Hold { since })) => view! { <LegalHold client_id=hold_id name=hold_name since /> }.into_any(),
                            Ok(None) => ().into_any(),
                            Err(e) => view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                        }}
                        <h2>"Delete"</h2>
                        <Show
                            when=move || confirming.get()
                            fallback=move || view! {
                                <button class="danger" on:click=move |_| confirming.set(true)>"Delete client…"</button>
                            }
                        >
                            <ConfirmStep
                                explanation=explanation.clone()
                                confirm_label="Delete client".to_string()
                                confirming
                                pending=remove.pending().into()
                                on_confirm=Callback::new({
                                    let id = delete_id.clone();
                                    move |_| { remove.dispatch(DeleteClient { client_id: id.clone() }); }
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

/// A client's legal hold as an admin's page loads it: a struct, since
/// `Some(None)` ("not held") would travel to the browser as `null`, which
/// reads back as `None` ("not an admin").
#[derive(Clone, serde::Serialize, serde::Deserialize)]
struct Hold {
    since: Option<String>,
}

/// Admins: whether retention may delete what the client can see, and the
/// button that changes it. `since` is when the hold was placed, if it is.
#[component]
fn LegalHold(client_id: String, name: String, since: Option<String>) -> impl IntoView {
    let since = RwSignal::new(since);
    let id = StoredValue::new(client_id);
    let change = Action::new(move |held: &bool| {
        let held = *held;
        async move {
            let changed = api::set_legal_hold(id.get_value(), held).await;
            if let Ok(now) = &changed {
                since.set(now.clone());
            }
            changed
        }
    });
    let zone = clock::use_zone();
    let state = move || match since.get() {
        Some(at) => format!(
            "Under legal hold since {}: retention deletes nothing {name} can see.",
            clock::moment(&at, zone.get()).map_or(at.clone(), |m| m.full()),
        ),
        None => "Not under legal hold: retention applies as set in Settings.".to_string(),
    };
    let held = move || since.with(Option::is_some);
    view! {
        <section class="legal-hold" aria-labelledby="legal-hold-heading">
            <h2 id="legal-hold-heading">"Legal hold"</h2>
            <p role="status">{state}</p>
            <button disabled=move || change.pending().get() on:click=move |_| { change.dispatch(!held()); }>
                {move || if held() { "Lift the legal hold" } else { "Place a legal hold" }}
            </button>
            <p class="error" role="alert">{move || match change.value().get() {
                Some(Err(e)) => Some(reason(&e)),
                _ => None,
            }}</p>
        </section>
    }
}
