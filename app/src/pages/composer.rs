//! The composer: the text box (Enter sends, Shift+Enter starts a new line),
//! the files being attached, and the buttons to attach and send.

use leptos::prelude::*;

use super::conversation::later::{SendLater, WaitingList};
use super::reply_picker::{self, SavedRepliesButton, SavedReplyList};
use crate::model::{Person, Scheduled};
use crate::state::{mentions, Uploads};

#[component]
pub fn Composer(
    on_send: impl Fn(String) + Clone + Send + Sync + 'static,
    on_typing: impl Fn() + Clone + Send + Sync + 'static,
    uploads: RwSignal<Uploads>,
    csrf_token: StoredValue<String>,
    /// The text box, for the conversation to focus.
    textarea: NodeRef<leptos::html::Textarea>,
    /// For staff: whether what they write is an internal note.
    note: Option<RwSignal<bool>>,
    /// The staff who may be @mentioned here.
    staff: Vec<Person>,
    /// Send later: the channel, and what waits to be sent in it.
    #[prop(optional)]
    later: Option<(String, RwSignal<Vec<Scheduled>>)>,
) -> impl IntoView {
    let is_note = move || note.is_some_and(|note| note.get());
    let (draft, set_draft) = signal(String::new());
    let staff = StoredValue::new(staff);
    let offered = move || staff.with_value(|staff| mentions::candidates(&draft.get(), staff));
    let highlighted = RwSignal::new(0_usize);
    let pick = move |person: &Person| {
        set_draft.update(|draft| *draft = mentions::pick(draft, person));
        highlighted.set(0);
        if let Some(textarea) = textarea.get_untracked() {
            let _ = textarea.focus();
        }
    };
    let picker = NodeRef::<leptos::html::Input>::new();
    let replies = reply_picker::for_composer(textarea, draft, set_draft, uploads);
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
            // While names are offered, the arrows choose one and Enter or
            // Tab takes it.
            let names = offered();
            if !names.is_empty() && !ev.is_composing() {
                let at = highlighted.get_untracked().min(names.len() - 1);
                match ev.key().as_str() {
                    "ArrowDown" => highlighted.set((at + 1) % names.len()),
                    "ArrowUp" => highlighted.set((at + names.len() - 1) % names.len()),
                    "Enter" | "Tab" if !ev.shift_key() => pick(&names[at]),
                    _ => return,
                }
                ev.prevent_default();
                return;
            }
            if replies.is_some_and(|r| r.key(&ev)) {
                return;
            }
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
        {note.map(|note| view! {
            <label class="note-toggle" title="Only your colleagues see internal notes, never a client">
                <input
                    type="checkbox"
                    prop:checked=move || note.get()
                    on:change=move |ev| note.set(event_target_checked(&ev))
                />
                "Internal note"
            </label>
        })}
        <Show when=move || !offered().is_empty()>
            <ul class="mentions" role="listbox" aria-label="Mention someone">
                <For each=offered key=|p| p.id.clone() let:person>
                    {
                        let id = person.id.clone();
                        let selected = move || {
                            offered().get(highlighted.get()).is_some_and(|p| p.id == id)
                        };
                        let chosen = person.clone();
                        view! {
                            <li
                                role="option"
                                aria-selected=move || selected().to_string()
                                on:mousedown=move |ev| { ev.prevent_default(); pick(&chosen); }
                            >
                                {format!("@{}", person.name)}
                            </li>
                        }
                    }
                </For>
            </ul>
        </Show>
        {replies.map(|picker| view! { <SavedReplyList picker /> })}
        {later.clone().map(|(_, waiting)| view! { <WaitingList waiting set_draft /> })}
        <form class="composer" class:note=is_note on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <input type="file" multiple class="file-picker" node_ref=picker on:change=picked tabindex="-1" aria-hidden="true" />
            <button
                type="button"
                class="attach"
                aria-label="Attach files"
                title="Attach files"
                on:click=move |_| {
                    if let Some(input) = picker.get() {
                        input.click();
                    }
                }
            >
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                    <path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
                </svg>
            </button>
            {replies.map(|picker| view! { <SavedRepliesButton picker /> })}
            <textarea
                aria-label="Message"
                placeholder=move || if is_note() { "Write a note only your colleagues see" } else { "Write a message" }
                rows="2"
                node_ref=textarea
                prop:value=draft
                on:input=move |ev| {
                    let value = event_target_value(&ev);
                    if let Some(replies) = replies {
                        replies.follow(&value);
                    }
                    set_draft.set(value);
                    on_typing();
                }
                on:keydown=on_key
            ></textarea>
            <button type="submit" disabled=move || uploads.with(Uploads::busy)>
                {move || if is_note() { "Add note" } else { "Send" }}
            </button>
        </form>
        {later.map(|(channel_id, waiting)| view! {
            <div class="later-bar">
                <SendLater channel_id waiting draft set_draft note />
            </div>
        })}
    }
}

/// Starts uploading the files a user picked or dropped.
#[cfg(feature = "hydrate")]
pub fn attach(uploads: RwSignal<Uploads>, csrf_token: String, files: leptos::web_sys::FileList) {
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
