//! The composer: the text box (Enter sends, Shift+Enter starts a new line),
//! the files being attached, and the buttons to attach and send.

use leptos::prelude::*;

use super::reply_picker::{self, SavedRepliesButton, SavedReplyList};
use crate::state::Uploads;

#[component]
pub fn Composer(
    on_send: impl Fn(String) + Clone + Send + Sync + 'static,
    on_typing: impl Fn() + Clone + Send + Sync + 'static,
    uploads: RwSignal<Uploads>,
    csrf_token: StoredValue<String>,
    /// The text box, for the conversation to focus.
    textarea: NodeRef<leptos::html::Textarea>,
) -> impl IntoView {
    let (draft, set_draft) = signal(String::new());
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
        {replies.map(|picker| view! { <SavedReplyList picker /> })}
        <form class="composer" on:submit=move |ev| { ev.prevent_default(); submit(); }>
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
                placeholder="Write a message"
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
            <button type="submit" disabled=move || uploads.with(Uploads::busy)>"Send"</button>
        </form>
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
