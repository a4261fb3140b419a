//! The Clients page (staff): find, add and invite clients, and open one
//! client to see only their conversations.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::shell::PageTitle;
use crate::api::{self, AddClient, InviteClient};
use crate::model::{ClientSummary, CompanySummary};
use crate::problem::reason;
use crate::state::matching_clients;

#[component]
pub fn ClientsPage() -> impl IntoView {
    let directory = Resource::new(|| (), |_| api::load_directory());
    let add = ServerAction::<AddClient>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = add.value().get() {
            directory.refetch();
        }
    });
    let (search, set_search) = signal(String::new());
    let error = move || add.value().get().and_then(|r| r.err()).map(|e| reason(&e));
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
                    let clients = StoredValue::new(directory.clients);
                    view! {
                        <details class="add-client">
                            <summary class="primary">"Add client"</summary>
                            <ActionForm action=add>
                                <label>"Given name" <input name="client[givenName]" required /></label>
                                <label>"Family name" <input name="client[familyName]" required /></label>
                                <label>"E-mail" <input type="email" name="client[email]" required /></label>
                                <label>
                                    "Company"
                                    <select name="client[companyId]">
                                        <option value="">"No company"</option>
                                        {company_options(companies)}
                                    </select>
                                </label>
                                <p class="error" role="alert">{error}</p>
                                <button type="submit" disabled=move || add.pending().get()>"Save client"</button>
                            </ActionForm>
                        </details>
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

/// A client in the list. Until they choose a password they can be invited
/// (again): that e-mails them a new link, which an admin also gets to copy;
/// the link is a credential, so it is shown only in that answer.
#[component]
fn ClientRow(client: ClientSummary) -> impl IntoView {
    let (copied, set_copied) = signal(false);
    let invite = ServerAction::<InviteClient>::new();
    let invited = move || invite.value().get().and_then(Result::ok);
    let link = move || invited().and_then(|c| c.invite_url);
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        if let (Some(url), Some(window)) = (link(), web_sys::window()) {
            let _ = window.navigator().clipboard().write_text(&url);
        }
        set_copied.set(true);
    };
    let initial_status = client.status.clone();
    let status = move || {
        let now = invited().map_or(initial_status.clone(), |c| c.status);
        match now.as_str() {
            "active" => "Active",
            "invited" => "Invited",
            _ => "Not invited",
        }
    };
    let error = move || {
        invite
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| reason(&e))
    };
    let may_invite = client.status != "active";
    let invite_label = format!("Invite {}", client.name);
    let copy_label = format!("Copy invite link for {}", client.name);
    let id = client.id.clone();
    view! {
        <li class="client">
            <A href=format!("/clients/{}", client.id)>
                <span class="title">{client.name.clone()}</span>
                <span class="preview">{client.email.clone()} " · " {client.company_names.join(", ")}</span>
            </A>
            <span class="status">{status}</span>
            {may_invite.then(|| view! {
                <button
                    class="link"
                    aria-label=invite_label
                    disabled=move || invite.pending().get()
                    on:click=move |_| { invite.dispatch(InviteClient { client_id: id.clone() }); }
                >
                    "Send invitation"
                </button>
            })}
            {move || link().map(|url| view! {
                <button
                    class="link"
                    aria-label=copy_label.clone()
                    data-invite-url=url
                    on:click=copy
                >
                    {move || if copied.get() { "Copied" } else { "Copy invite link" }}
                </button>
            })}
            <span class="error" role="alert">{error}</span>
        </li>
    }
}

#[component]
pub fn ClientPage() -> impl IntoView {
    let params = use_params_map();
    let client_id = move || params.with(|p| p.get("id").unwrap_or_default());
    let data = Resource::new(client_id, api::load_client_channels);
    let navigate = use_navigate();
    let message =
        Action::new(move |client_id: &String| api::start_conversation(vec![client_id.clone()]));
    Effect::new(move |_| {
        if let Some(Ok(channel_id)) = message.value().get() {
            navigate(&format!("/messages/{channel_id}"), Default::default());
        }
    });
    view! {
        <section class="page">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(found) => {
                            let id = found.client.id.clone();
                            view! {
                                <PageTitle name=found.client.name.clone() />
                                <h1>{found.client.name.clone()}</h1>
                                <p class="preview">{found.client.email.clone()} " · " {found.client.company_names.join(", ")}</p>
                                <button class="primary" on:click=move |_| { message.dispatch(id.clone()); }>
                                    {format!("Message {}", found.client.name)}
                                </button>
                                <h2>"Conversations"</h2>
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
                            }.into_any()
                        }
                        Err(e) => view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
