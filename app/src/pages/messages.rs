//! Messages: the channel list and the open conversation.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;

use super::shell::Session;
use crate::api;
use crate::live::Event;
use crate::model::{Message, Person};
use crate::state::{avatar_hue, initials, Delivery, Entry, Timeline};

#[component]
pub fn MessagesPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let (search, set_search) = signal(String::new());
    let shown = move || session.channels.with(|list| list.matching(&search.get()));
    view! {
        <section class="channels" aria-label="Channels">
            <header class="channels-header">
                <h1>"Messages"</h1>
                <Show when=move || session.me.with(|me| me.is_staff)>
                    <details class="new-menu">
                        <summary aria-label="New">"+"</summary>
                        <ul role="menu">
                            <li role="none"><A href="/new/conversation" attr:role="menuitem">"New conversation"</A></li>
                            <li role="none"><A href="/new/mass-message" attr:role="menuitem">"New mass message"</A></li>
                        </ul>
                    </details>
                </Show>
            </header>
            <input
                type="search"
                placeholder="Search"
                aria-label="Search conversations"
                on:input=move |ev| set_search.set(event_target_value(&ev))
            />
            <ul>
                <For each=shown key=|c| (c.id.clone(), c.unread_count, c.preview.clone()) let:channel>
                    <li>
                        <A href=format!("/messages/{}", channel.id)>
                            <span class="title">{channel.title.clone()}</span>
                            <span class="preview">{channel.preview.clone().unwrap_or_default()}</span>
                            <Show when=move || { channel.unread_count > 0 }>
                                <span class="badge" aria-label=format!("{} unread", channel.unread_count)>
                                    {channel.unread_count}
                                </span>
                            </Show>
                        </A>
                    </li>
                </For>
            </ul>
        </section>
        <Outlet />
    }
}

/// Nothing open yet. A client with a single conversation (the usual case)
/// goes straight into it, so a new client is greeted by the welcome message.
#[component]
pub fn NoConversation() -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if session.me.with(|me| me.is_staff) {
            return;
        }
        let only = session
            .channels
            .with(|list| match list.channels.as_slice() {
                [only] => Some(only.id.clone()),
                _ => None,
            });
        if let Some(id) = only {
            navigate(
                &format!("/messages/{id}"),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    view! { <section class="conversation empty"><p>"Choose a conversation."</p></section> }
}

#[component]
pub fn ConversationView() -> impl IntoView {
    let params = use_params_map();
    let channel_id = move || params.with(|p| p.get("id").unwrap_or_default());
    let conversation = Resource::new(channel_id, api::open_conversation);
    view! {
        <Suspense fallback=|| view! { <section class="conversation"><p class="loading">"Loading…"</p></section> }>
            {move || Suspend::new(async move {
                match conversation.await {
                    Ok(conversation) => view! { <Thread conversation /> }.into_any(),
                    Err(e) => view! {
                        <section class="conversation"><p class="error" role="alert">{e.to_string()}</p></section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Thread(conversation: crate::model::Conversation) -> impl IntoView {
    let session = expect_context::<Session>();
    let channel_id = conversation.channel.id.clone();
    let timeline = RwSignal::new(Timeline::from_newest_first(conversation.history.data));
    let people = StoredValue::new(conversation.people);
    let me = session.me.get_untracked().id;
    session.open_channel.set(Some(channel_id.clone()));
    session.channels.update(|list| list.read(&channel_id));
    {
        let channel_id = channel_id.clone();
        leptos::task::spawn_local(async move {
            let _ = api::mark_read(channel_id).await;
        });
    }
    on_cleanup(move || session.open_channel.set(None));

    // Live updates for this channel.
    {
        let channel_id = channel_id.clone();
        Effect::new(move |_| match session.event.get() {
            Some(Event::MessageCreated(message)) if message.channel_id == channel_id => {
                let from_other = message.sender_id != session.me.get_untracked().id;
                timeline.update(|t| t.created(message));
                if from_other {
                    let channel_id = channel_id.clone();
                    leptos::task::spawn_local(async move {
                        let _ = api::mark_read(channel_id).await;
                    });
                }
            }
            Some(Event::MessageChanged(message)) if message.channel_id == channel_id => {
                timeline.update(|t| t.replaced(message));
            }
            _ => {}
        });
    }

    let send = {
        let channel_id = channel_id.clone();
        let me = me.clone();
        move |text: String| {
            let key = new_key();
            let pending = Message {
                id: format!("pending-{key}"),
                channel_id: channel_id.clone(),
                sender_id: me.clone(),
                text: text.clone(),
                created_at: String::new(),
                updated_at: String::new(),
                deleted_at: None,
                is_welcome: false,
            };
            timeline.update(|t| t.add_pending(pending, key.clone()));
            deliver(timeline, channel_id.clone(), text, key);
        }
    };

    view! {
        <section class="conversation" aria-label=conversation.channel.title.clone()>
            <header><h2>{conversation.channel.title.clone()}</h2></header>
            <ol class="messages" aria-label="Messages" aria-live="polite">
                <For
                    each=move || timeline.with(|t| t.entries.clone())
                    key=|entry| (entry.message.id.clone(), entry.message.updated_at.clone(), format!("{:?}", entry.delivery))
                    let:entry
                >
                    <MessageLine entry people=people.get_value() me=me.clone() timeline />
                </For>
            </ol>
            <Composer on_send=send />
        </section>
    }
}

/// Sends (or re-sends) a message; the key makes a retry safe.
fn deliver(timeline: RwSignal<Timeline>, channel_id: String, text: String, key: String) {
    leptos::task::spawn_local(async move {
        match api::send_message(channel_id, text, key.clone()).await {
            Ok(message) => timeline.update(|t| t.confirm(&key, message)),
            Err(e) => timeline.update(|t| t.fail(&key, e.to_string())),
        }
    });
}

#[component]
fn MessageLine(
    entry: Entry,
    people: Vec<Person>,
    me: String,
    timeline: RwSignal<Timeline>,
) -> impl IntoView {
    let sender = people
        .iter()
        .find(|p| p.id == entry.message.sender_id)
        .map(|p| p.name.clone())
        .unwrap_or_else(|| {
            if entry.message.sender_id == me {
                "You".into()
            } else {
                "Someone".into()
            }
        });
    let hue = avatar_hue(&entry.message.sender_id);
    let mine = entry.message.sender_id == me;
    let status = match &entry.delivery {
        Delivery::Sent => None,
        Delivery::Sending => Some(view! { <span class="status">"Sending…"</span> }.into_any()),
        Delivery::Failed(_) => {
            let key = entry.key.clone().unwrap_or_default();
            let channel_id = entry.message.channel_id.clone();
            let retry = move |_| {
                if let Some(message) = timeline.try_update(|t| t.retry(&key)).flatten() {
                    deliver(timeline, channel_id.clone(), message.text, key.clone());
                }
            };
            Some(
                view! {
                    <span class="status failed" role="alert">"Not sent. "</span>
                    <button class="link" on:click=retry>"Retry"</button>
                }
                .into_any(),
            )
        }
    };
    view! {
        <li class="message" class:mine=mine data-id=entry.message.id.clone()>
            <span class="avatar" aria-hidden="true" style=format!("background: hsl({hue} 55% 45%)")>
                {initials(&sender)}
            </span>
            <div>
                <p class="meta"><span class="sender">{sender.clone()}</span></p>
                <p class="text">{entry.message.text.clone()}</p>
                {status}
            </div>
        </li>
    }
}

#[component]
fn Composer(on_send: impl Fn(String) + Clone + Send + Sync + 'static) -> impl IntoView {
    let (draft, set_draft) = signal(String::new());
    let submit = {
        let on_send = on_send.clone();
        move || {
            let text = draft.get_untracked();
            if text.trim().is_empty() {
                return;
            }
            set_draft.set(String::new());
            on_send(text);
        }
    };
    let on_key = {
        let submit = submit.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            // Enter sends; Shift+Enter starts a new line.
            if ev.key() == "Enter" && !ev.shift_key() && !ev.is_composing() {
                ev.prevent_default();
                submit();
            }
        }
    };
    view! {
        <form class="composer" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <textarea
                aria-label="Message"
                placeholder="Write a message"
                rows="2"
                prop:value=draft
                on:input=move |ev| set_draft.set(event_target_value(&ev))
                on:keydown=on_key
            ></textarea>
            <button type="submit">"Send"</button>
        </form>
    }
}

/// A fresh idempotency key for one send.
fn new_key() -> String {
    #[cfg(feature = "hydrate")]
    {
        let a = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        let b = (js_sys::Math::random() * 4_294_967_296.0) as u64;
        format!("web-{a:08x}{b:08x}")
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::from("web-server-rendered")
    }
}
