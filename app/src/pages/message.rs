//! One message of a conversation: who wrote it and when, its text and
//! files, how its sending goes, whether it was edited (for staff, with its
//! earlier versions a click away), and (for its author) a menu to edit or
//! delete it.

use leptos::prelude::*;

use super::conversation::{deliver, People};
use super::message_history::{DeletedNote, EditedMark, HistoryToggle, Versions};
use super::reactions::ReactionBar;
use crate::model::{Attachment, ClientRead};
use crate::problem::SEND_WHEN_BACK;
use crate::state::{avatar_tone, file_size, initials, Delivery, Entry, Timeline};
use crate::{api, browser, clock, markdown};

#[component]
pub fn MessageLine(
    entry: Entry,
    seen: bool,
    /// The clients who read up to this message (staff only).
    seen_by: Vec<ClientRead>,
    /// Drawn under the name of the message before it.
    continued: bool,
    sender: Option<String>,
    me: String,
    /// Staff see who deleted a message and its earlier versions.
    is_staff: bool,
    people: People,
    timeline: RwSignal<Timeline>,
) -> impl IntoView {
    let mine = entry.message.sender_id == me;
    let zone = clock::use_zone();
    let sender = sender.unwrap_or_else(|| if mine { "You".into() } else { "Someone".into() });
    let tone = avatar_tone(&entry.message.sender_id);
    let deleted = entry.message.deleted_at.is_some();
    let edited = !deleted && entry.message.edited_at.is_some();
    let history = HistoryToggle::default();
    let editing = RwSignal::new(false);
    let draft = RwSignal::new(entry.message.text.clone());
    let message_id = entry.message.id.clone();
    let created_at = entry.message.created_at.clone();
    let status =
        match &entry.delivery {
            Delivery::Sent => None,
            Delivery::Sending => Some(view! { <span class="status">"Sending…"</span> }.into_any()),
            Delivery::Waiting => Some(
                view! { <span class="status waiting" role="status">{SEND_WHEN_BACK}</span> }
                    .into_any(),
            ),
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
            browser::spawn(async move {
                if let Ok(message) = api::edit_message(message_id, text).await {
                    timeline.update(|t| t.replaced(message));
                }
            });
        }
    };
    let can_change = mine && !deleted && entry.delivery == Delivery::Sent;
    let can_react = !deleted && entry.delivery == Delivery::Sent;
    let seen_by_line = (!seen_by.is_empty()).then(|| {
        let line = move || {
            let who: Vec<String> = seen_by
                .iter()
                .map(|read| {
                    let at = clock::moment(&read.read_at, zone.get())
                        .map(|m| m.time())
                        .unwrap_or_default();
                    format!("{} · {at}", read.name)
                })
                .collect();
            format!("Seen by {}", who.join(", "))
        };
        view! { <span class="seen seen-by">{line}</span> }
    });
    let seen = seen && seen_by_line.is_none();
    let body = if deleted {
        view! { <DeletedNote message=entry.message.clone() is_staff me=me.clone() people toggle=history /> }
            .into_any()
    } else {
        let html = markdown::render(&entry.message.text);
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
    let edited_mark = edited.then(|| view! { <EditedMark is_staff toggle=history /> });
    let versions = is_staff.then(|| {
        let (message_id, me) = (message_id.clone(), me.clone());
        view! {
            <Show when=move || history.open.get()>
                <Versions message_id=message_id.clone() me=me.clone() people toggle=history />
            </Show>
        }
    });
    let by_email = entry.message.sent_via.as_deref() == Some("email");
    let is_note = entry.message.is_internal;
    let menu_open = RwSignal::new(false);
    // A long press (a right click with a mouse) opens the author's menu.
    let long_press = move |ev: leptos::ev::MouseEvent| {
        if can_change {
            ev.prevent_default();
            menu_open.set(true);
        }
    };
    view! {
        <li class="message" class:mine=mine class:continued=continued class:note=is_note data-id=message_id.clone() on:contextmenu=long_press>
            {if continued {
                view! { <Time at=created_at.clone() class="gutter" /> }.into_any()
            } else {
                view! {
                    <span class=format!("avatar tone-{tone}") aria-hidden="true">
                        {initials(&sender)}
                    </span>
                }.into_any()
            }}
            <div class="bubble">
                {(!continued).then(|| view! {
                    <p class="meta">
                        <span class="sender">{sender.clone()}</span>
                        " "
                        <Time at=created_at.clone() class="when" />
                    </p>
                })}
                {is_note.then(|| view! {
                    <p class="note-label" title="Only staff see internal notes, never a client">"Internal note"</p>
                })}
                {body}
                <Files attachments=entry.message.attachments.clone() />
                {status}
                {can_react.then(|| view! { <ReactionBar message=entry.message.clone() me=me.clone() timeline /> })}
                {(edited || seen || by_email || seen_by_line.is_some()).then(|| view! {
                    <p class="footnote">
                        {by_email.then(|| view! { <span class="via">"via e-mail"</span> })}
                        {edited_mark}
                        {seen.then(|| view! { <span class="seen">"Seen"</span> })}
                        {seen_by_line}
                    </p>
                })}
                {versions}
            </div>
            {can_change.then(|| view! { <MessageMenu message_id=message_id.clone() open=menu_open editing timeline /> })}
        </li>
    }
}

/// When a message was sent: "14:05", with the full date on hover. The
/// server renders UTC; the browser switches to local time once hydrated.
#[component]
fn Time(at: String, class: &'static str) -> impl IntoView {
    let zone = clock::use_zone();
    let label = |at: &String, show: fn(&clock::Moment) -> String| {
        let at = at.clone();
        move || {
            clock::moment(&at, zone.get())
                .map(|m| show(&m))
                .unwrap_or_default()
        }
    };
    let (short, full) = (
        label(&at, clock::Moment::time),
        label(&at, clock::Moment::full),
    );
    // A message being sent has no time yet.
    (!at.is_empty()).then(|| view! { <time class=class datetime=at title=full>{short}</time> })
}

/// The author's menu on their own message: Edit, and Delete after asking.
/// Opens from its button (shown on hover or focus) or a long press.
#[component]
fn MessageMenu(
    message_id: String,
    open: RwSignal<bool>,
    editing: RwSignal<bool>,
    timeline: RwSignal<Timeline>,
) -> impl IntoView {
    let confirming = RwSignal::new(false);
    let remove = move |_| {
        confirming.set(false);
        let message_id = message_id.clone();
        browser::spawn(async move {
            if let Ok(message) = api::delete_message(message_id).await {
                timeline.update(|t| t.replaced(message));
            }
        });
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            open.set(false);
            confirming.set(false);
        }
    };
    view! {
        <div
            class="message-actions"
            class:open=move || open.get() || confirming.get()
            on:keydown=on_key
        >
            <button
                class="more"
                aria-label="Message actions"
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                    <circle cx="5" cy="12" r="2" /><circle cx="12" cy="12" r="2" /><circle cx="19" cy="12" r="2" />
                </svg>
            </button>
            <Show when=move || open.get()>
                <div class="menu" role="menu" aria-label="Message actions">
                    <button role="menuitem" on:click=move |_| { open.set(false); editing.set(true); }>"Edit"</button>
                    <button role="menuitem" class="danger" on:click=move |_| { open.set(false); confirming.set(true); }>"Delete"</button>
                </div>
            </Show>
            <Show when=move || confirming.get()>
                <div class="menu confirm" role="alertdialog" aria-label="Delete this message?">
                    <p>"Delete this message for everyone?"</p>
                    <button class="danger" on:click=remove.clone()>"Delete"</button>
                    <button class="link" on:click=move |_| confirming.set(false)>"Cancel"</button>
                </div>
            </Show>
        </div>
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
                                // The size reserves the image's place, so the
                                // list does not jump when it loads.
                                <img src=src alt=file.name.clone() loading="lazy" width=file.width height=file.height />
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
