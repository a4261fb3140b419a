//! The saved-reply picker, for staff: opened by its button or by typing `/`
//! at the start of the text, filtered by what is typed, used with the
//! arrows, Enter and Escape (or the mouse). The chosen reply comes back
//! from the server filled in for the conversation, its files as fresh
//! uploads, and goes to whoever opened the picker (`on_insert`).
//!
//! Kept out of the composer so that the composer only wires it in: the
//! text box hands it its input and keys, it hands back what to insert.

use leptos::prelude::*;

use crate::model::{InsertedReply, SavedReplySummary};
use crate::problem::reason;
use crate::state::{matching_replies, slash_query};
use crate::{api, browser};

/// A chosen reply, and whether a slash command asked for it (it then
/// replaces the command; otherwise it goes in at the cursor).
pub type Inserted = (InsertedReply, bool);

/// The picker's state, shared by its button, its list and the text box
/// it serves. Copy, like the signals it holds.
#[derive(Clone, Copy)]
pub struct ReplyPicker {
    open: RwSignal<bool>,
    by_slash: RwSignal<bool>,
    /// Escape closed a slash command's picker: it stays closed until the
    /// text stops being a command.
    dismissed: RwSignal<bool>,
    query: RwSignal<String>,
    highlighted: RwSignal<usize>,
    replies: RwSignal<Option<Result<Vec<SavedReplySummary>, String>>>,
    problem: RwSignal<Option<String>>,
    /// The conversation replies are filled in for; none for a mass message,
    /// whose template is filled in for each client when it is sent.
    channel: Signal<Option<String>>,
    on_insert: Callback<Inserted>,
    /// Where the keyboard goes back to when the picker closes.
    text_box: NodeRef<leptos::html::Textarea>,
}

impl ReplyPicker {
    pub fn new(
        channel: Signal<Option<String>>,
        text_box: NodeRef<leptos::html::Textarea>,
        on_insert: Callback<Inserted>,
    ) -> ReplyPicker {
        ReplyPicker {
            open: RwSignal::new(false),
            by_slash: RwSignal::new(false),
            dismissed: RwSignal::new(false),
            query: RwSignal::new(String::new()),
            highlighted: RwSignal::new(0),
            replies: RwSignal::new(None),
            problem: RwSignal::new(None),
            channel,
            on_insert,
            text_box,
        }
    }

    pub fn is_open(self) -> bool {
        self.open.get()
    }

    /// Opens the picker, reading the replies afresh (a colleague may have
    /// shared one since).
    fn show(self, by_slash: bool, query: String) {
        self.highlighted.set(0);
        if !self.open.get_untracked() {
            let replies = self.replies;
            browser::spawn(async move {
                let loaded = api::load_saved_replies()
                    .await
                    .map(|r| r.replies)
                    .map_err(|e| reason(&e));
                replies.set(Some(loaded));
            });
        }
        self.problem.set(None);
        self.by_slash.set(by_slash);
        self.query.set(query);
        self.open.set(true);
    }

    fn close(self) {
        let was_open = self.open.get_untracked();
        self.open.set(false);
        self.query.set(String::new());
        if was_open && !self.by_slash.get_untracked() {
            if let Some(text_box) = self.text_box.get_untracked() {
                #[cfg(feature = "hydrate")]
                let _ = text_box.focus();
                #[cfg(not(feature = "hydrate"))]
                let _ = text_box;
            }
        }
    }

    /// The button: opens the picker with a filter box of its own, or
    /// closes it.
    pub fn toggle(self) {
        if self.open.get_untracked() {
            self.close();
        } else {
            self.show(false, String::new());
        }
    }

    /// The text box changed: a slash command opens (and filters) the
    /// picker; text that stops being one closes it.
    pub fn follow(self, draft: &str) {
        match slash_query(draft) {
            Some(query) if !self.dismissed.get_untracked() => self.show(true, query.to_string()),
            Some(_) => {}
            None => {
                self.dismissed.set(false);
                if self.by_slash.get_untracked() {
                    self.close();
                }
            }
        }
    }

    /// A key pressed in the text box or the filter box; true when the
    /// picker used it (the text box must then not act on it, Enter must
    /// not send).
    pub fn key(self, ev: &leptos::ev::KeyboardEvent) -> bool {
        if !self.open.get_untracked() || ev.is_composing() {
            return false;
        }
        let count = self.visible().len();
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => self.highlighted.update(|h| *h = (*h + 1) % count),
            "ArrowUp" if count > 0 => self.highlighted.update(|h| *h = (*h + count - 1) % count),
            "Enter" if !ev.shift_key() => {
                let chosen = self
                    .visible()
                    .get(
                        self.highlighted
                            .get_untracked()
                            .min(count.saturating_sub(1)),
                    )
                    .map(|r| r.id.clone());
                // Nothing to choose: Enter does nothing rather than send "/xyz".
                if let Some(id) = chosen {
                    self.choose(id);
                }
            }
            "Escape" => {
                if self.by_slash.get_untracked() {
                    self.dismissed.set(true);
                }
                self.close();
            }
            _ => return false,
        }
        ev.prevent_default();
        true
    }

    /// The replies matching the filter, in the order shown.
    fn visible(self) -> Vec<SavedReplySummary> {
        let query = self.query.get();
        self.replies.with(|loaded| match loaded {
            Some(Ok(replies)) => matching_replies(replies, &query)
                .into_iter()
                .cloned()
                .collect(),
            _ => Vec::new(),
        })
    }

    /// Asks the server for the reply filled in and hands it on.
    fn choose(self, id: String) {
        let by_slash = self.by_slash.get_untracked();
        let channel = self.channel.get_untracked().unwrap_or_default();
        let (problem, on_insert) = (self.problem, self.on_insert);
        self.close();
        browser::spawn(async move {
            match api::insert_saved_reply(id, channel).await {
                Ok(inserted) => on_insert.run((inserted, by_slash)),
                Err(e) => problem.set(Some(reason(&e))),
            }
        });
    }
}

/// The button that opens the picker.
#[component]
pub fn SavedRepliesButton(picker: ReplyPicker) -> impl IntoView {
    view! {
        <button
            type="button"
            class="saved-replies-button"
            aria-label="Saved replies"
            title="Saved replies (or type / at the start)"
            aria-haspopup="listbox"
            aria-expanded=move || if picker.is_open() { "true" } else { "false" }
            on:click=move |_| picker.toggle()
        >
            <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                <path d="M4 5h16v11H9l-5 4z M8 9h8 M8 12h5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" />
            </svg>
        </button>
    }
}

/// The list of replies, above the text box while open, and why a reply
/// could not be inserted.
#[component]
pub fn SavedReplyList(picker: ReplyPicker) -> impl IntoView {
    let filter = NodeRef::<leptos::html::Input>::new();
    // Opened by the button: typing goes to the filter box.
    Effect::new(move |_| {
        if picker.open.get() && !picker.by_slash.get_untracked() {
            if let Some(input) = filter.get() {
                #[cfg(feature = "hydrate")]
                let _ = input.focus();
                #[cfg(not(feature = "hydrate"))]
                let _ = input;
            }
        }
    });
    let options = move || {
        let highlighted = picker.highlighted.get();
        let visible = picker.visible();
        let chosen = highlighted.min(visible.len().saturating_sub(1));
        visible
            .into_iter()
            .enumerate()
            .map(|(at, reply)| {
                let id = reply.id.clone();
                let files = reply.files.len();
                let first_line = reply.text.lines().next().unwrap_or_default().to_string();
                view! {
                    <li
                        role="option"
                        id=format!("saved-reply-{at}")
                        aria-selected=if at == chosen { "true" } else { "false" }
                        class:highlighted=at == chosen
                        // Keeps the focus in the text box, where the keys go.
                        on:mousedown=|ev| ev.prevent_default()
                        on:mousemove=move |_| picker.highlighted.set(at)
                        on:click=move |_| picker.choose(id.clone())
                    >
                        <span class="title">{reply.title}</span>
                        {reply.is_shared.then(|| view! { <span class="badge">"Shared"</span> })}
                        {(files > 0).then(|| view! { <span class="files">{format!("📎 {files}")}</span> })}
                        <span class="preview">{first_line}</span>
                    </li>
                }
            })
            .collect_view()
    };
    let empty = move || {
        let query = picker.query.get();
        picker.replies.with(|loaded| match loaded {
            None => Some(view! { <p class="loading">"Loading…"</p> }.into_any()),
            Some(Err(why)) => Some(view! { <p class="error" role="alert">{why.clone()}</p> }.into_any()),
            Some(Ok(all)) if all.is_empty() => Some(view! {
                <p class="notice">"No saved replies yet. Add them under " <a href="/settings/saved-replies">"Settings → Saved replies"</a> "."</p>
            }.into_any()),
            Some(Ok(all)) if matching_replies(all, &query).is_empty() => Some(view! {
                <p class="notice">{format!("No saved reply matches “{query}”.")}</p>
            }.into_any()),
            Some(Ok(_)) => None,
        })
    };
    view! {
        <Show when=move || picker.open.get()>
            <div class="reply-picker" role="dialog" aria-label="Saved replies">
                <Show when=move || !picker.by_slash.get()>
                    <input
                        type="search"
                        class="reply-filter"
                        aria-label="Filter saved replies"
                        placeholder="Filter saved replies"
                        autocomplete="off"
                        node_ref=filter
                        prop:value=move || picker.query.get()
                        on:input=move |ev| {
                            picker.highlighted.set(0);
                            picker.query.set(event_target_value(&ev));
                        }
                        on:keydown=move |ev| { picker.key(&ev); }
                    />
                </Show>
                // An empty listbox is no list at all to a screen reader.
                <Show when=move || !picker.visible().is_empty()>
                    <ul role="listbox" aria-label="Saved replies">{options}</ul>
                </Show>
                {empty}
            </div>
        </Show>
        {move || picker.problem.get().map(|why| view! { <p class="error" role="alert">{why}</p> })}
    }
}

/// A picker for a conversation's composer (staff only: None for a client),
/// filling replies in for the conversation on screen and adding their
/// files to the composer's uploads.
pub fn for_composer(
    text_box: NodeRef<leptos::html::Textarea>,
    draft: ReadSignal<String>,
    set_draft: WriteSignal<String>,
    uploads: RwSignal<crate::state::Uploads>,
) -> Option<ReplyPicker> {
    let session = expect_context::<super::shell::Session>();
    if !session.me.with_untracked(|me| me.is_staff) {
        return None;
    }
    let channel = session.open_channel;
    let on_insert = Callback::new(move |(inserted, by_slash): Inserted| {
        put_in(text_box, draft, set_draft, &inserted.text, by_slash);
        uploads.update(|u| {
            for file in inserted.attachments {
                u.add_stored(file);
            }
        });
    });
    Some(ReplyPicker::new(channel.into(), text_box, on_insert))
}

/// A picker for the mass message form: the template as written (it is
/// filled in for each client as it is sent), its files into `files`.
pub fn for_mass_message(
    text_box: NodeRef<leptos::html::Textarea>,
    draft: ReadSignal<String>,
    set_draft: WriteSignal<String>,
    files: RwSignal<Vec<crate::model::Attachment>>,
) -> ReplyPicker {
    let on_insert = Callback::new(move |(inserted, by_slash): Inserted| {
        put_in(text_box, draft, set_draft, &inserted.text, by_slash);
        files.update(|f| f.extend(inserted.attachments));
    });
    ReplyPicker::new(Signal::stored(None), text_box, on_insert)
}

/// Puts a reply's text into the text box, in place of its slash command or
/// at the cursor, and leaves the cursor after it.
fn put_in(
    text_box: NodeRef<leptos::html::Textarea>,
    draft: ReadSignal<String>,
    set_draft: WriteSignal<String>,
    reply: &str,
    by_slash: bool,
) {
    let element = text_box.get_untracked();
    #[cfg(feature = "hydrate")]
    let cursor = element
        .as_ref()
        .and_then(|e| e.selection_start().ok().flatten());
    #[cfg(not(feature = "hydrate"))]
    let cursor = None;
    let (text, after) = crate::state::insert_reply(&draft.get_untracked(), reply, by_slash, cursor);
    set_draft.set(text.clone());
    if let Some(element) = element {
        #[cfg(feature = "hydrate")]
        {
            element.set_value(&text);
            let _ = element.focus();
            let _ = element.set_selection_range(after, after);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (element, after);
    }
}
