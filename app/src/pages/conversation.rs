//! One open conversation: its history, read like a chat (it opens at the
//! newest message or at the "New messages" line, and scrolls inside its own
//! pane), live updates, and the composer.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::composer::Composer;
use super::message::MessageLine;
use super::shell::{PageTitle, Session};
use crate::live::Event;
use crate::model::{Conversation, Message};
use crate::problem::{self, reason, CONVERSATION_GONE};
use crate::state::{Row, Timeline, Uploads};
use crate::{api, browser, clock};

#[component]
pub fn ConversationView() -> impl IntoView {
    let params = use_params_map();
    let channel_id = move || params.with(|p| p.get("id").unwrap_or_default());
    let conversation = Resource::new(channel_id, api::open_conversation);
    view! {
        <Suspense fallback=|| view! { <section class="conversation"><p class="loading">"Loading…"</p></section> }>
            {move || Suspend::new(async move {
                match conversation.await {
                    Ok(Some(conversation)) => view! { <Thread conversation /> }.into_any(),
                    Ok(None) => view! {
                        <section class="conversation gone">
                            <PageTitle name="Conversation not found" />
                            <p class="error" role="alert">{CONVERSATION_GONE}</p>
                            <A href="/messages">"Back to your conversations"</A>
                        </section>
                    }.into_any(),
                    Err(e) => view! {
                        <section class="conversation gone">
                            <p class="error" role="alert">{reason(&e)}</p>
                        </section>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Where the message list should scroll after its next change.
#[derive(Clone, Debug, PartialEq)]
enum Scroll {
    /// Just opened: to the "New messages" line, or to the newest message.
    Open,
    /// Older messages went on top: keep the message the reader sees
    /// (by id) where it was on screen.
    KeepPlace { id: String, offset: f64 },
    /// The reader sent a message: show it.
    Bottom,
    /// Something else changed: stay at the bottom if the reader was there.
    Follow,
}

/// Close enough to the bottom to count as reading the newest messages.
const BOTTOM_SLACK: i32 = 48;
/// Older history loads this close to the top.
const LOAD_OLDER_AT: i32 = 300;

#[component]
fn Thread(conversation: Conversation) -> impl IntoView {
    let session = expect_context::<Session>();
    let zone = clock::use_zone();
    let channel_id = conversation.channel.id.clone();
    let title = conversation.channel.title.clone();
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
    {
        let channel_id = channel_id.clone();
        on_cleanup(move || {
            session.open_channel.update(|open| {
                if open.as_deref() == Some(channel_id.as_str()) {
                    *open = None;
                }
            })
        });
    }

    let scroller = NodeRef::<leptos::html::Div>::new();
    let composer = NodeRef::<leptos::html::Textarea>::new();
    let heading = NodeRef::<leptos::html::H2>::new();
    let scroll = StoredValue::new(Scroll::Open);
    let at_bottom = StoredValue::new(true);
    // Messages from others that arrived below while the reader was above.
    let unseen = RwSignal::new(0_usize);

    // Opened: read it (in the browser only; rendering on the server reads nothing).
    {
        let channel_id = channel_id.clone();
        Effect::new(move |_| {
            session
                .channels
                .update(|list| list.set_unread(&channel_id, 0));
            let channel_id = channel_id.clone();
            browser::spawn(async move {
                let _ = api::mark_read(channel_id).await;
            });
        });
    }

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
                if from_other && !at_bottom.get_value() {
                    unseen.update(|n| *n += 1);
                }
                scroll.set_value(if from_other {
                    Scroll::Follow
                } else {
                    Scroll::Bottom
                });
                timeline.update(|t| t.created(message));
                if from_other {
                    let channel_id = channel_id.clone();
                    browser::spawn(async move {
                        let _ = api::mark_read(channel_id).await;
                    });
                }
            }
            Some(Event::MessageChanged(message)) if message.channel_id == channel_id => {
                scroll.set_value(Scroll::Follow);
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
                browser::after(std::time::Duration::from_secs(4), move || typing.set(None));
            }
            _ => {}
        });
    }

    // After every change of the list, scroll as the change asks: in the
    // next frame, once the list is drawn and before it is painted.
    Effect::new(move |_| {
        timeline.track();
        zone.track();
        let Some(list) = scroller.get() else {
            return;
        };
        let intent = scroll.get_value();
        scroll.set_value(Scroll::Follow);
        // The conversation may be gone by the next frame (the reader moved
        // on): nothing below may insist its values are still there.
        request_animation_frame(move || match intent {
            Scroll::Open => {
                open_at_first_unread(&list);
                at_bottom.set_value(is_at_bottom(&list));
                if browser::is_narrow() {
                    heading.try_get_untracked().flatten().map(|h| h.focus());
                } else {
                    composer.try_get_untracked().flatten().map(|c| c.focus());
                }
            }
            Scroll::KeepPlace { id, offset } => {
                if let Some(now) = offset_of(&list, &id) {
                    list.set_scroll_top(list.scroll_top() + (now - offset).round() as i32);
                }
            }
            Scroll::Bottom => {
                list.set_scroll_top(list.scroll_height());
                at_bottom.set_value(true);
                unseen.set(0);
            }
            Scroll::Follow if at_bottom.try_get_value() == Some(true) => {
                list.set_scroll_top(list.scroll_height())
            }
            Scroll::Follow => {}
        });
    });

    let loading_older = RwSignal::new(false);
    let load_older = {
        let channel_id = channel_id.clone();
        move || {
            let Some(token) = older.get_untracked() else {
                return;
            };
            // The button stays while the page loads, so nothing above the
            // reader's place changes height until the older messages arrive.
            if loading_older.get_untracked() {
                return;
            }
            loading_older.set(true);
            let channel_id = channel_id.clone();
            browser::spawn(async move {
                if let Ok(page) = api::older_messages(channel_id, token).await {
                    if let Some((id, offset)) = scroller
                        .try_get_untracked()
                        .flatten()
                        .and_then(|l| first_in_view(&l))
                    {
                        scroll.set_value(Scroll::KeepPlace { id, offset });
                    }
                    timeline.update(|t| t.prepend_older(page.data));
                    older.set(page.next_token);
                }
                loading_older.set(false);
            });
        }
    };
    let last_top = StoredValue::new(0);
    let on_scroll = {
        let load_older = load_older.clone();
        move |_| {
            let Some(list) = scroller.get_untracked() else {
                return;
            };
            let bottom = is_at_bottom(&list);
            at_bottom.set_value(bottom);
            // Older history loads when the reader scrolls up towards it, not
            // when the page itself scrolls down to where reading continues.
            let top = list.scroll_top();
            let upwards = top < last_top.get_value();
            last_top.set_value(top);
            if bottom && unseen.get_untracked() > 0 {
                unseen.set(0);
            }
            if upwards && top < LOAD_OLDER_AT && older.with_untracked(Option::is_some) {
                load_older();
            }
        }
    };
    let jump_to_newest = move |_| {
        if let Some(list) = scroller.get_untracked() {
            list.set_scroll_top(list.scroll_height());
        }
        at_bottom.set_value(true);
        unseen.set(0);
    };

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
            scroll.set_value(Scroll::Bottom);
            timeline.update(|t| t.add_pending(pending.clone(), key.clone()));
            deliver(timeline, pending, key);
        }
    };
    let typed = {
        let channel_id = channel_id.clone();
        move || announce_typing(&channel_id)
    };
    let rows = {
        let me = me.clone();
        move || {
            timeline.with(|t| {
                t.rows(
                    &me,
                    seen_up_to.get().as_deref(),
                    first_unread.get_value().as_deref(),
                    zone.get(),
                )
            })
        }
    };

    view! {
        <PageTitle name=title.clone() />
        <section
            class="conversation"
            class:dragging=move || dragging.get()
            aria-label=title.clone()
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
                    super::composer::attach(uploads, csrf_token.get_value(), files);
                }
            }
        >
            <div class="drop-zone" aria-hidden="true">"Drop files to attach them"</div>
            <header>
                <A href="/messages" attr:class="back" attr:aria-label="Back to conversations">"‹"</A>
                <h2 tabindex="-1" node_ref=heading>{title.clone()}</h2>
            </header>
            <div class="history">
            <div class="messages" role="log" aria-label="Conversation history" node_ref=scroller on:scroll=on_scroll>
                <ol aria-label="Messages">
                    <Show when=move || older.with(Option::is_some)>
                        <li class="older">
                            <button class="link" disabled=move || loading_older.get() on:click={
                                let load_older = load_older.clone();
                                move |_| load_older()
                            }>"Load older messages"</button>
                        </li>
                    </Show>
                    <For each=rows key=Row::key let:row>
                        {match row {
                            Row::Day(day) => view! { <li class="day" role="separator" aria-label=day.clone()>{day.clone()}</li> }.into_any(),
                            Row::NewMessages => view! { <li class="new-line" role="separator" aria-label="New messages">"New messages"</li> }.into_any(),
                            Row::Line { entry, seen, continued } => {
                                let sender = name_of(&entry.message.sender_id);
                                view! { <MessageLine entry=*entry seen continued sender me=me.clone() timeline /> }.into_any()
                            }
                        }}
                    </For>
                </ol>
            </div>
            <Show when=move || { unseen.get() > 0 }>
                <button class="new-pill" on:click=jump_to_newest>"New messages ↓"</button>
            </Show>
            </div>
            <p class="typing" aria-live="polite">
                {move || typing.get().map(|name| format!("{name} is typing…"))}
            </p>
            <Composer on_send=send on_typing=typed uploads csrf_token textarea=composer />
        </section>
    }
}

/// The first message at least partly in view, and how far below the
/// list's top edge it starts.
fn first_in_view(list: &leptos::web_sys::HtmlDivElement) -> Option<(String, f64)> {
    let top = list.get_bounding_client_rect().top();
    let lines = list.query_selector_all(".message[data-id]").ok()?;
    (0..lines.length())
        .filter_map(|i| lines.item(i))
        .filter_map(|node| {
            leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::Element>(node).ok()
        })
        .find(|line| line.get_bounding_client_rect().bottom() > top)
        .and_then(|line| {
            Some((
                line.get_attribute("data-id")?,
                line.get_bounding_client_rect().top() - top,
            ))
        })
}

/// How far below the list's top edge the message `id` starts now.
fn offset_of(list: &leptos::web_sys::HtmlDivElement, id: &str) -> Option<f64> {
    let line = list
        .query_selector(&format!(".message[data-id=\"{id}\"]"))
        .ok()??;
    Some(line.get_bounding_client_rect().top() - list.get_bounding_client_rect().top())
}

fn is_at_bottom(list: &leptos::web_sys::HtmlDivElement) -> bool {
    list.scroll_height() - list.scroll_top() - list.client_height() < BOTTOM_SLACK
}

/// A conversation opens where reading continues: the "New messages" line
/// near the top of the pane, with a line of what came before; else the
/// newest message.
fn open_at_first_unread(list: &leptos::web_sys::HtmlDivElement) {
    let new_line = list.query_selector(".new-line").ok().flatten();
    match new_line {
        Some(line) => {
            let offset =
                line.get_bounding_client_rect().top() - list.get_bounding_client_rect().top();
            list.set_scroll_top(list.scroll_top() + offset as i32 - BOTTOM_SLACK);
        }
        None => list.set_scroll_top(list.scroll_height()),
    }
}

/// Tells the others this user is typing, at most every two seconds.
fn announce_typing(channel_id: &str) {
    #[cfg(feature = "hydrate")]
    {
        thread_local! {
            static LAST: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
        }
        let now = browser::now_ms();
        if LAST.with(|last| now - last.get() > 2_000.0) {
            LAST.with(|last| last.set(now));
            let frame = serde_json::json!({ "type": "typing", "channelId": channel_id });
            crate::socket::send(&frame.to_string());
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = channel_id;
}

/// Sends (or re-sends) a message; the key makes a retry safe. Offline, the
/// message waits and goes when the network is back.
pub(super) fn deliver(timeline: RwSignal<Timeline>, message: Message, key: String) {
    let files = message.attachments.iter().map(|a| a.id.clone()).collect();
    browser::spawn(async move {
        match api::send_message(message.channel_id, message.text, files, key.clone()).await {
            Ok(message) => timeline.update(|t| t.confirm(&key, message)),
            Err(e) if problem::is_offline(&e) => {
                timeline.update(|t| t.wait(&key));
                browser::when_back_online(move || {
                    if let Some(message) = timeline.try_update(|t| t.resume(&key)).flatten() {
                        deliver(timeline, message, key);
                    }
                });
            }
            Err(e) => timeline.update(|t| t.fail(&key, reason(&e))),
        }
    });
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
