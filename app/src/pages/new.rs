//! The + menu's pages: a new conversation with one or more clients, and a
//! mass message to many clients at once.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::clients::company_options;
use super::reply_picker::{self, SavedRepliesButton, SavedReplyList};
use super::shell::PageTitle;
use crate::api;
use crate::model::{Attachment, ClientSummary, Directory};
use crate::problem::reason;
use crate::state::{group_problem, matching_clients};

/// Search and tick clients by name.
#[component]
fn ClientPicker(
    clients: StoredValue<Vec<ClientSummary>>,
    selected: RwSignal<Vec<String>>,
) -> impl IntoView {
    let (search, set_search) = signal(String::new());
    view! {
        <input
            type="search"
            aria-label="Find clients"
            placeholder="Type a client's name"
            on:input=move |ev| set_search.set(event_target_value(&ev))
        />
        <ul class="picker" aria-label="Clients">
            {move || clients.with_value(|all| {
                matching_clients(all, &search.get())
                    .into_iter()
                    .map(|client| {
                        let id = client.id.clone();
                        let checked = {
                            let id = id.clone();
                            move || selected.with(|s| s.contains(&id))
                        };
                        let toggle = move |_| {
                            selected.update(|s| match s.iter().position(|x| *x == id) {
                                Some(i) => {
                                    s.remove(i);
                                }
                                None => s.push(id.clone()),
                            })
                        };
                        view! {
                            <li>
                                <label>
                                    <input type="checkbox" prop:checked=checked on:change=toggle />
                                    {client.name.clone()}
                                    <span class="preview">{client.company_names.join(", ")}</span>
                                </label>
                            </li>
                        }
                    })
                    .collect_view()
            })}
        </ul>
    }
}

fn chosen(clients: &StoredValue<Vec<ClientSummary>>, selected: &[String]) -> Vec<ClientSummary> {
    clients.with_value(|all| {
        all.iter()
            .filter(|c| selected.contains(&c.id))
            .cloned()
            .collect()
    })
}

/// Loads the directory, then shows `page` with it.
#[component]
fn WithDirectory<V: IntoView + 'static>(page: fn(Directory) -> V) -> impl IntoView {
    let directory = Resource::new(|| (), |_| api::load_directory());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match directory.await {
                    Ok(directory) => page(directory).into_any(),
                    Err(e) => view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn NewConversation() -> impl IntoView {
    view! {
        <section class="page" aria-label="New conversation">
            <PageTitle name="New conversation" />
            <h1>"New conversation"</h1>
            <WithDirectory page=conversation_form />
        </section>
    }
}

fn conversation_form(directory: Directory) -> impl IntoView {
    let clients = StoredValue::new(directory.clients);
    let selected = RwSignal::new(Vec::<String>::new());
    let problem = move || group_problem(&chosen(&clients, &selected.get()));
    let start = Action::new(|ids: &Vec<String>| api::start_conversation(ids.clone()));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(channel_id)) = start.value().get() {
            navigate(&format!("/messages/{channel_id}"), Default::default());
        }
    });
    let refused = move || {
        start
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| reason(&e))
    };
    view! {
        <ClientPicker clients selected />
        <p class="error" role="alert">{move || problem().or_else(refused)}</p>
        <button
            class="primary"
            disabled=move || selected.with(Vec::is_empty) || problem().is_some() || start.pending().get()
            on:click=move |_| { start.dispatch(selected.get_untracked()); }
        >
            "Start conversation"
        </button>
    }
}

#[component]
pub fn NewMassMessage() -> impl IntoView {
    view! {
        <section class="page" aria-label="New mass message">
            <PageTitle name="New mass message" />
            <h1>"New mass message"</h1>
            <p class="preview">"Each client receives it in their own conversation; no one sees who else got it."</p>
            <WithDirectory page=mass_message_form />
        </section>
    }
}

fn mass_message_form(directory: Directory) -> impl IntoView {
    let companies = directory.companies.clone();
    let clients = StoredValue::new(directory.clients);
    let selected = RwSignal::new(Vec::<String>::new());
    let (text, set_text) = signal(String::new());
    // A saved reply's files, inserted with it.
    let files = RwSignal::new(Vec::<Attachment>::new());
    let text_box = NodeRef::<leptos::html::Textarea>::new();
    let replies = reply_picker::for_mass_message(text_box, text, set_text, files);
    let send = Action::new(|(ids, text, files): &(Vec<String>, String, Vec<String>)| {
        // A template's variables are filled in for each client.
        let render_variables = text.contains("{{");
        api::send_mass_message(ids.clone(), text.clone(), files.clone(), render_variables)
    });
    let add_company = move |ev: leptos::ev::Event| {
        let company = event_target_value(&ev);
        let members: Vec<String> = clients.with_value(|all| {
            all.iter()
                .filter(|c| c.company_ids.contains(&company))
                .map(|c| c.id.clone())
                .collect()
        });
        selected.update(|s| {
            for id in members {
                if !s.contains(&id) {
                    s.push(id);
                }
            }
        });
    };
    // Sent: start again from an empty form, so nothing is sent twice.
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            selected.set(Vec::new());
            set_text.set(String::new());
            files.set(Vec::new());
        }
    });
    let outcome = move || {
        match send.value().get() {
        Some(Ok(reached)) => Some(view! {
            <p class="notice" role="status">{format!("Sent to {reached} {}.", if reached == 1 { "client" } else { "clients" })}</p>
        }.into_any()),
        Some(Err(e)) => Some(view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any()),
        None => None,
    }
    };
    view! {
        <label>
            "Add a whole company"
            <select on:change=add_company>
                <option value="">"Choose a company"</option>
                {company_options(companies)}
            </select>
        </label>
        <ClientPicker clients selected />
        <SavedReplyList picker=replies />
        <label class="stacked">
            "Message"
            <textarea
                rows="4"
                node_ref=text_box
                prop:value=text
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    replies.follow(&value);
                    set_text.set(value);
                }
                on:keydown=move |ev| { replies.key(&ev); }
            ></textarea>
        </label>
        <p class="preview">
            <SavedRepliesButton picker=replies />
            " Variables such as {{client.givenName}} are filled in for each client."
        </p>
        <ul class="uploads" aria-label="Files to send">
            <For each=move || files.get() key=|f| f.id.clone() let:file>
                <li class="upload">
                    <span class="name">{file.name.clone()}</span>
                    <span class="status">"Ready"</span>
                    <button
                        type="button"
                        class="link"
                        aria-label=format!("Remove {}", file.name)
                        on:click=move |_| files.update(|f| f.retain(|x| x.id != file.id))
                    >"×"</button>
                </li>
            </For>
        </ul>
        {outcome}
        <button
            class="primary"
            disabled=move || selected.with(Vec::is_empty)
                || (text.with(|t| t.trim().is_empty()) && files.with(Vec::is_empty))
                || send.pending().get()
            on:click=move |_| {
                let ids = files.with_untracked(|f| f.iter().map(|a| a.id.clone()).collect());
                send.dispatch((selected.get_untracked(), text.get_untracked(), ids));
            }
        >
            {move || format!("Send to {} clients", selected.with(Vec::len))}
        </button>
    }
}
