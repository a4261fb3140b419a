//! Search: one box over every conversation the person may read (their
//! messages, file names and the text inside files), with a few filters.
//! The words and filters live in the address (`/search?q=…`), so a search
//! can be reloaded, shared with a colleague, and works before the app has
//! loaded (the form is a plain GET). Each result opens its conversation at
//! the message (`/messages/{id}?at={message}`).

use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

use super::shell::{PageTitle, Session};
use crate::model::{SearchHit, SearchQuery};
use crate::problem::reason;
use crate::{api, clock};

/// What the address asks for.
fn asked(query: &leptos_router::params::ParamsMap) -> SearchQuery {
    let get = |name: &str| query.get(name).unwrap_or_default();
    SearchQuery {
        q: get("q"),
        channel_id: get("channelId"),
        client_id: get("clientId"),
        company_id: get("companyId"),
        since: get("since"),
        until: get("until"),
        has_files: query.get("files").is_some_and(|v| v == "on" || v == "true"),
        next_token: String::new(),
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let is_staff = session.me.with_untracked(|me| me.is_staff);
    let query = use_query_map();
    let wanted = Memo::new(move |_| query.with(asked));
    let first = Resource::new(
        move || wanted.get(),
        |wanted| async move {
            if wanted.q.trim().is_empty() {
                return Ok(None);
            }
            api::search_messages(wanted).await.map(Some)
        },
    );
    // Pages after the first, loaded by "More results"; a new search starts over.
    let more = RwSignal::new(Vec::<SearchHit>::new());
    let next = RwSignal::new(None::<String>);
    let loading_more = RwSignal::new(false);
    Effect::new(move |_| {
        wanted.track();
        more.set(Vec::new());
    });
    let load_more = move |_| {
        let Some(token) = next.get_untracked() else {
            return;
        };
        loading_more.set(true);
        let mut asking = wanted.get_untracked();
        asking.next_token = token;
        crate::browser::spawn(async move {
            if let Ok(page) = api::search_messages(asking).await {
                more.update(|hits| hits.extend(page.data));
                next.set(page.next_token);
            }
            loading_more.set(false);
        });
    };
    let has_files = move || query.with(|q| q.get("files").is_some());
    let field = move |name: &'static str| move || query.with(|q| q.get(name).unwrap_or_default());
    // Kept as hidden fields, so a search from a client's page stays theirs.
    let narrowed = move || {
        query.with(|q| {
            ["clientId", "companyId"]
                .into_iter()
                .filter_map(|name| q.get(name).filter(|v| !v.is_empty()).map(|v| (name, v)))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="page search" aria-label="Search">
            <PageTitle name="Search" />
            <h1>"Search"</h1>
            <Form method="GET" action="/search" attr:role="search" attr:class="search-form">
                <input
                    type="search"
                    name="q"
                    aria-label="Search messages and files"
                    placeholder="Words, \"a phrase\", or prefix*"
                    value=field("q")
                    prop:value=field("q")
                    autofocus
                />
                <button type="submit">"Search"</button>
                <details class="filters">
                    <summary>"Filters"</summary>
                    <label>"From" <input type="date" name="since" value=field("since") prop:value=field("since") /></label>
                    <label>"To" <input type="date" name="until" value=field("until") prop:value=field("until") /></label>
                    <label class="check">
                        <input type="checkbox" name="files" checked=has_files prop:checked=has_files />
                        "Only messages with files"
                    </label>
                    <ConversationFilter selected=field("channelId") />
                </details>
                <For each=narrowed key=|(name, _)| *name let:kept>
                    <input type="hidden" name=kept.0 value=kept.1 />
                </For>
            </Form>
            <Transition fallback=|| view! { <p class="loading">"Searching…"</p> }>
                {move || Suspend::new(async move {
                    match first.await {
                        Ok(None) => view! {
                            <p class="empty">{if is_staff {
                                "Find any message or file in the conversations you can see, notes included."
                            } else {
                                "Find any message or file in your conversations."
                            }}</p>
                        }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{reason(&e)}</p> }.into_any(),
                        Ok(Some(page)) => {
                            next.set(page.next_token.clone());
                            let found = page.data;
                            if found.is_empty() {
                                return view! { <p class="empty" role="status">"Nothing found."</p> }.into_any();
                            }
                            view! {
                                <ol class="results" aria-label="Results">
                                    {found.into_iter().map(|hit| view! { <Result hit /> }).collect_view()}
                                    <For each=move || more.get() key=|hit| hit.message.id.clone() let:hit>
                                        <Result hit />
                                    </For>
                                </ol>
                                <Show when=move || next.with(Option::is_some)>
                                    <button class="link" disabled=move || loading_more.get() on:click=load_more>
                                        "More results"
                                    </button>
                                </Show>
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// Narrows the search to one conversation of the person's list.
#[component]
fn ConversationFilter(
    selected: impl Fn() -> String + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let options = move || {
        session.channels.with(|list| {
            list.summaries()
                .map(|c| (c.id.clone(), c.title.clone()))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <label>
            "Conversation"
            <select name="channelId">
                <option value="">"All conversations"</option>
                <For each=options key=|(id, _)| id.clone() let:option>
                    <option value=option.0.clone() selected=move || selected() == option.0>{option.1.clone()}</option>
                </For>
            </select>
        </label>
    }
}

/// One message found: where, who, when, and the words around the hit.
#[component]
fn Result(hit: SearchHit) -> impl IntoView {
    let zone = clock::use_zone();
    let at = hit.message.created_at.clone();
    let when = move || {
        clock::moment(&at, zone.get())
            .map(|m| m.full())
            .unwrap_or_default()
    };
    let href = format!("/messages/{}?at={}", hit.message.channel_id, hit.message.id);
    let files: Vec<String> = hit
        .message
        .attachments
        .iter()
        .map(|a| a.name.clone())
        .collect();
    view! {
        <li class="result" class:note=hit.message.is_internal>
            <A href=href>
                <span class="where">{hit.channel_title}</span>
                <span class="who">{hit.sender_name}</span>
                <time datetime=hit.message.created_at.clone()>{when}</time>
                {hit.message.is_internal.then(|| view! { <span class="note-label">"Internal note"</span> })}
                <span class="snippet">
                    {hit
                        .snippet
                        .into_iter()
                        .map(|part| {
                            if part.is_match {
                                view! { <mark>{part.text}</mark> }.into_any()
                            } else {
                                view! { <span>{part.text}</span> }.into_any()
                            }
                        })
                        .collect_view()}
                </span>
                {(!files.is_empty()).then(|| view! { <span class="files">{format!("📎 {}", files.join(", "))}</span> })}
            </A>
        </li>
    }
}
