//! Messages: the channel list and the open conversation.

use leptos::prelude::*;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;

use super::shell::Session;
use super::welcome::reason;
use crate::api;
use crate::live::Event;
use crate::markdown;
use crate::model::{Attachment, Message};
use crate::state::{avatar_hue, file_size, initials, Delivery, Entry, Row, Timeline, Uploads};

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
    let me = session.me.get_untracked().id;
    let initial = Timeline::from_newest_first(conversation.history.data);
    let first_unread =
        StoredValue::new(initial.first_unread(&me, conversation.channel.unread_count));
    let timeline = RwSignal::new(initial);
    let older = RwSignal::new(conversation.history.next_token);
    let seen_up_to = RwSignal::new(conversation.seen_up_to);
    let typing = RwSignal::new(None::<String>);
    let uploads = RwSignal::new(Uploads::default());
    let dragging = RwSignal::new(false);
    let csrf_token = StoredValue::new(session.me.with_untracked(|me| me.csrf_token.clone()));
    let people = StoredValue::new(conversation.people);
    let name_of = move |id: &str| {
        people.with_value(|people| people.iter().find(|p| p.id == id).map(|p| p.name.clone()))
    };
    session.open_channel.set(Some(channel_id.clone()));
    session
        .channels
        .update(|list| list.set_unread(&channel_id, 0));
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
        let me = me.clone();
        Effect::new(move |_| match session.event.get() {
            Some(Event::MessageCreated(message)) if message.channel_id == channel_id => {
                let from_other = message.sender_id != me;
                if from_other && typing.get_untracked().is_some() {
                    typing.set(None);
                }
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
            Some(Event::Read {
                channel_id: read_in,
                user_id,
                message_id,
                ..
            }) if read_in == channel_id && user_id != me => {
                seen_up_to.set(message_id);
            }
            Some(Event::Typing {
                channel_id: typed_in,
                user_id,
            }) if typed_in == channel_id && user_id != me => {
                typing.set(Some(name_of(&user_id).unwrap_or_else(|| "Someone".into())));
                set_timeout(move || typing.set(None), std::time::Duration::from_secs(4));
            }
            _ => {}
        });
    }

    // Follow the conversation: stay at the bottom while the reader is there,
    // and keep their place when older messages load above.
    let list = NodeRef::<leptos::html::Ol>::new();
    let follow = StoredValue::new(true);
    let height_before = StoredValue::new(0);
    Effect::new(move |_| {
        timeline.track();
        if let Some(list) = list.get() {
            if follow.get_value() {
                list.set_scroll_top(list.scroll_height());
            } else if height_before.get_value() > 0 {
                list.set_scroll_top(list.scroll_height() - height_before.get_value());
                height_before.set_value(0);
            }
        }
    });
    let send = {
        let channel_id = channel_id.clone();
        let me = me.clone();
        move |text: String| {
            let key = new_key();
            let pending = Message {
                id: format!("pending-{key}"),
                channel_id: channel_id.clone(),
                sender_id: me.clone(),
                text,
                created_at: String::new(),
                updated_at: String::new(),
                deleted_at: None,
                is_welcome: false,
                attachments: uploads.with_untracked(Uploads::ready),
            };
            uploads.update(Uploads::clear);
            timeline.update(|t| t.add_pending(pending.clone(), key.clone()));
            deliver(timeline, pending, key);
        }
    };
    let typed = {
        let channel_id = channel_id.clone();
        move || announce_typing(&channel_id)
    };
    let load_older = {
        let channel_id = channel_id.clone();
        move || {
            let Some(token) = older.get_untracked() else {
                return;
            };
            older.set(None);
            let channel_id = channel_id.clone();
            leptos::task::spawn_local(async move {
                if let Ok(page) = api::older_messages(channel_id, token).await {
                    timeline.update(|t| t.prepend_older(page.data));
                    older.set(page.next_token);
                }
            });
        }
    };
    let on_scroll = {
        let load_older = load_older.clone();
        move |ev: leptos::ev::Event| {
            let list = event_target::<leptos::web_sys::Element>(&ev);
            let (top, height) = (list.scroll_top(), list.scroll_height());
            follow.set_value(height - top - list.client_height() < 60);
            if top < 40 && older.with_untracked(Option::is_some) {
                height_before.set_value(height);
                load_older();
            }
        }
    };
    let rows = {
        let me = me.clone();
        move || {
            timeline.with(|t| {
                t.rows(
                    &me,
                    seen_up_to.get().as_deref(),
                    first_unread.get_value().as_deref(),
                )
            })
        }
    };

    view! {
        <section
            class="conversation"
            class:dragging=move || dragging.get()
            aria-label=conversation.channel.title.clone()
            on:dragover=move |ev| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                #[cfg(feature = "hydrate")]
                if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
                    attach(uploads, csrf_token.get_value(), files);
                }
            }
        >
            <div class="drop-zone" aria-hidden="true">"Drop files to attach them"</div>
            <header><h2>{conversation.channel.title.clone()}</h2></header>
            <ol class="messages" aria-label="Messages" node_ref=list on:scroll=on_scroll>
                <Show when=move || older.with(Option::is_some)>
                    <li class="older">
                        <button class="link" on:click={
                            let load_older = load_older.clone();
                            move |_| load_older()
                        }>"Load older messages"</button>
                    </li>
                </Show>
                <For each=rows key=Row::key let:row>
                    {match row {
                        Row::Day(day) => view! { <li class="day" role="separator" aria-label=day.clone()>{day.clone()}</li> }.into_any(),
                        Row::NewMessages => view! { <li class="new-line" role="separator" aria-label="New messages">"New messages"</li> }.into_any(),
                        Row::Line { entry, seen } => {
                            let sender = name_of(&entry.message.sender_id);
                            view! { <MessageLine entry=*entry seen sender me=me.clone() timeline /> }.into_any()
                        }
                    }}
                </For>
            </ol>
            <p class="typing" aria-live="polite">
                {move || typing.get().map(|name| format!("{name} is typing…"))}
            </p>
            <Composer on_send=send on_typing=typed uploads csrf_token />
        </section>
    }
}

/// Starts uploading the files a user picked or dropped.
#[cfg(feature = "hydrate")]
fn attach(uploads: RwSignal<Uploads>, csrf_token: String, files: leptos::web_sys::FileList) {
    for file in gloo_file::FileList::from(files).iter() {
        let local_id = uploads
            .try_update(|u| u.add(file.name()))
            .unwrap_or_default();
        crate::upload::upload(
            file,
            &csrf_token,
            move |fraction| uploads.update(|u| u.progress(local_id, fraction)),
            move |outcome| uploads.update(|u| u.finish(local_id, outcome)),
        );
    }
}

/// Tells the others this user is typing, at most every two seconds.
fn announce_typing(channel_id: &str) {
    #[cfg(feature = "hydrate")]
    {
        thread_local! {
            static LAST: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
        }
        let now = js_sys::Date::now();
        if LAST.with(|last| now - last.get() > 2_000.0) {
            LAST.with(|last| last.set(now));
            let frame = serde_json::json!({ "type": "typing", "channelId": channel_id });
            crate::socket::send(&frame.to_string());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = channel_id;
}

/// Sends (or re-sends) a message; the key makes a retry safe.
fn deliver(timeline: RwSignal<Timeline>, message: Message, key: String) {
    let files = message.attachments.iter().map(|a| a.id.clone()).collect();
    leptos::task::spawn_local(async move {
        match api::send_message(message.channel_id, message.text, files, key.clone()).await {
            Ok(message) => timeline.update(|t| t.confirm(&key, message)),
            Err(e) => timeline.update(|t| t.fail(&key, reason(&e))),
        }
    });
}

#[component]
fn MessageLine(
    entry: Entry,
    seen: bool,
    sender: Option<String>,
    me: String,
    timeline: RwSignal<Timeline>,
) -> impl IntoView {
    let mine = entry.message.sender_id == me;
    let sender = sender.unwrap_or_else(|| if mine { "You".into() } else { "Someone".into() });
    let hue = avatar_hue(&entry.message.sender_id);
    let deleted = entry.message.deleted_at.is_some();
    let edited = !deleted
        && !entry.message.updated_at.is_empty()
        && entry.message.updated_at != entry.message.created_at;
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(entry.message.text.clone());
    let message_id = entry.message.id.clone();
    let status =
        match &entry.delivery {
            Delivery::Sent => None,
            Delivery::Sending => Some(view! { <span class="status">"Sending…"</span> }.into_any()),
            Delivery::Failed(why) => {
                let key = entry.key.clone().unwrap_or_default();
                let retry = move |_| {
                    if let Some(message) = timeline.try_update(|t| t.retry(&key)).flatten() {
                        deliver(timeline, message, key.clone());
                    }
                };
                Some(view! {
                <span class="status failed" role="alert">{format!("Not sent: {why} ")}</span>
                <button class="link" on:click=retry>"Retry"</button>
            }.into_any())
            }
        };
    let save = {
        let message_id = message_id.clone();
        move || {
            let (message_id, text) = (message_id.clone(), draft.get_untracked());
            editing.set(false);
            leptos::task::spawn_local(async move {
                if let Ok(message) = api::edit_message(message_id, text).await {
                    timeline.update(|t| t.replaced(message));
                }
            });
        }
    };
    let remove = {
        let message_id = message_id.clone();
        move |_| {
            let message_id = message_id.clone();
            leptos::task::spawn_local(async move {
                if let Ok(message) = api::delete_message(message_id).await {
                    timeline.update(|t| t.replaced(message));
                }
            });
        }
    };
    let can_change = mine && !deleted && entry.delivery == Delivery::Sent;
    let body = if deleted {
        view! { <p class="text deleted">"This message was deleted."</p> }.into_any()
    } else {
        let html = markdown::render(&entry.message.text);
        let save = save.clone();
        view! {
            <Show
                when=move || editing.get()
                fallback=move || view! { <div class="text" inner_html=html.clone()></div> }
            >
                <form class="edit" on:submit={
                    let save = save.clone();
                    move |ev| { ev.prevent_default(); save(); }
                }>
                    <textarea aria-label="Edit message text" prop:value=draft on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                    <button type="submit">"Save"</button>
                    <button type="button" class="link" on:click=move |_| editing.set(false)>"Cancel"</button>
                </form>
            </Show>
        }.into_any()
    };
    view! {
        <li class="message" class:mine=mine data-id=message_id>
            <span class="avatar" aria-hidden="true" style=format!("background: hsl({hue} 55% 45%)")>
                {initials(&sender)}
            </span>
            <div class="bubble">
                <p class="meta">
                    <span class="sender">{sender.clone()}</span>
                    {edited.then(|| view! { <span class="edited">" (edited)"</span> })}
                </p>
                {body}
                <Files attachments=entry.message.attachments.clone() />
                {status}
                {seen.then(|| view! { <span class="seen">"Seen"</span> })}
                {can_change.then(|| view! {
                    <span class="actions">
                        <button class="link" aria-label="Edit message" on:click=move |_| editing.set(true)>"Edit"</button>
                        <button class="link" aria-label="Delete message" on:click=remove>"Delete"</button>
                    </span>
                })}
            </div>
        </li>
    }
}

#[component]
fn Composer(
    on_send: impl Fn(String) + Clone + Send + Sync + 'static,
    on_typing: impl Fn() + Clone + Send + Sync + 'static,
    uploads: RwSignal<Uploads>,
    csrf_token: StoredValue<String>,
) -> impl IntoView {
    let (draft, set_draft) = signal(String::new());
    let picker = NodeRef::<leptos::html::Input>::new();
    let submit = {
        let on_send = on_send.clone();
        move || {
            let text = draft.get_untracked();
            let files = uploads.with_untracked(|u| u.ready().len());
            if uploads.with_untracked(Uploads::busy) || (text.trim().is_empty() && files == 0) {
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
    let picked = move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(input) = picker.get() {
            if let Some(files) = input.files() {
                attach(uploads, csrf_token.get_value(), files);
            }
            input.set_value("");
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = csrf_token;
    };
    view! {
        <ul class="uploads" aria-label="Files to send">
            <For each=move || uploads.with(|u| u.files.clone()) key=|f| (f.local_id, (f.progress * 100.0) as u32, f.outcome.is_some()) let:file>
                <li class="upload">
                    <span class="name">{file.name.clone()}</span>
                    {match file.outcome.clone() {
                        None => view! {
                            <progress max="1" value=file.progress aria-label=format!("Uploading {}", file.name)></progress>
                        }.into_any(),
                        Some(Ok(_)) => view! { <span class="status">"Ready"</span> }.into_any(),
                        Some(Err(why)) => view! { <span class="status failed" role="alert">{why}</span> }.into_any(),
                    }}
                    <button
                        type="button"
                        class="link"
                        aria-label=format!("Remove {}", file.name)
                        on:click=move |_| uploads.update(|u| u.remove(file.local_id))
                    >"×"</button>
                </li>
            </For>
        </ul>
        <form class="composer" on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <input type="file" multiple class="file-picker" node_ref=picker on:change=picked tabindex="-1" aria-hidden="true" />
            <button
                type="button"
                class="attach"
                on:click=move |_| {
                    if let Some(input) = picker.get() {
                        input.click();
                    }
                }
            >"Attach files"</button>
            <textarea
                aria-label="Message"
                placeholder="Write a message"
                rows="2"
                prop:value=draft
                on:input=move |ev| {
                    set_draft.set(event_target_value(&ev));
                    on_typing();
                }
                on:keydown=on_key
            ></textarea>
            <button type="submit" disabled=move || uploads.with(Uploads::busy)>"Send"</button>
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

/// A message's files: images as previews, everything else as a card.
#[component]
fn Files(attachments: Vec<Attachment>) -> impl IntoView {
    (!attachments.is_empty()).then(|| view! {
        <ul class="files" aria-label="Files">
            {attachments.into_iter().map(|file| {
                let size = file_size(file.size);
                view! {
                    <li class="file">
                        {file.thumbnail_url.clone().map(|src| view! {
                            <a href=file.download_url.clone() target="_blank" rel="noopener">
                                <img src=src alt=file.name.clone() loading="lazy" />
                            </a>
                        })}
                        <a class="file-card" href=file.download_url.clone() download=file.name.clone()>
                            <span class="name">{file.name.clone()}</span>
                            <span class="preview">{size}</span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    })
}
