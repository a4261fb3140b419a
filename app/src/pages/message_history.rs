//! A message's history as staff see it: "(edited)" opens its earlier
//! versions, and a deleted message reads "Deleted by Ann Lee at 14:02",
//! with a way to see what it said. Clients see "(edited)" and "This
//! message was deleted." only: the server gives them nothing more.

use leptos::html::{Button, Div};
use leptos::prelude::*;

use super::conversation::People;
use crate::model::{Message, MessageVersion};
use crate::problem::reason;
use crate::state::{deleted_line, version_caption, who};
use crate::{api, browser, clock, markdown};

/// Whether a message's earlier versions are shown, and the button that
/// shows them (the keyboard goes back to it when they close).
#[derive(Clone, Copy)]
pub struct HistoryToggle {
    pub open: RwSignal<bool>,
    pub button: NodeRef<Button>,
}

impl Default for HistoryToggle {
    fn default() -> HistoryToggle {
        HistoryToggle {
            open: RwSignal::new(false),
            button: NodeRef::new(),
        }
    }
}

impl HistoryToggle {
    fn flip(self) {
        self.open.update(|open| *open = !*open);
    }

    fn close(self) {
        self.open.set(false);
        if let Some(button) = self.button.get_untracked() {
            let _ = button.focus();
        }
    }
}

/// "(edited)": for staff, the button that shows what it said before.
#[component]
pub fn EditedMark(is_staff: bool, toggle: HistoryToggle) -> impl IntoView {
    if !is_staff {
        return view! { <span class="edited">"(edited)"</span> }.into_any();
    }
    view! {
        <button
            type="button"
            class="link edited"
            node_ref=toggle.button
            aria-haspopup="dialog"
            aria-expanded=move || toggle.open.get().to_string()
            title="See earlier versions"
            on:click=move |_| toggle.flip()
        >
            "(edited)"
        </button>
    }
    .into_any()
}

/// In place of a deleted message: for staff, who deleted it and when, and
/// the button that shows what it said.
#[component]
pub fn DeletedNote(
    message: Message,
    is_staff: bool,
    me: String,
    people: People,
    toggle: HistoryToggle,
) -> impl IntoView {
    if !is_staff {
        return view! { <p class="text deleted">"This message was deleted."</p> }.into_any();
    }
    let zone = clock::use_zone();
    let by = message
        .deleted_by
        .as_deref()
        .map(|id| who(id, &me, people.name_of(id)));
    let deleted_at = message.deleted_at.clone().unwrap_or_default();
    let line = move || {
        let at = clock::moment(&deleted_at, zone.get())
            .map(|m| m.time())
            .unwrap_or_default();
        deleted_line(by.as_deref(), &at)
    };
    view! {
        <p class="text deleted">
            {line}
            " "
            <button
                type="button"
                class="link"
                node_ref=toggle.button
                aria-haspopup="dialog"
                aria-expanded=move || toggle.open.get().to_string()
                on:click=move |_| toggle.flip()
            >
                "Show what it said"
            </button>
        </p>
    }
    .into_any()
}

/// The earlier versions of a message, oldest first, each with what
/// replaced it. Read from the server each time it opens, so an edit made
/// meanwhile is there; the keyboard goes into it, and Escape or Close
/// gives it back to the button that opened it.
#[component]
pub fn Versions(
    message_id: String,
    me: String,
    people: People,
    toggle: HistoryToggle,
) -> impl IntoView {
    let zone = clock::use_zone();
    let loaded = RwSignal::new(None::<Result<Vec<MessageVersion>, String>>);
    browser::spawn(async move {
        let answer = api::message_versions(message_id).await;
        // The message may have been drawn anew (and this closed) meanwhile.
        let _ = loaded.try_set(Some(answer.map_err(|e| reason(&e))));
    });
    let panel = NodeRef::<Div>::new();
    Effect::new(move |_| {
        if let Some(panel) = panel.get() {
            let _ = panel.focus();
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.stop_propagation();
            toggle.close();
        }
    };
    let entries = move || {
        loaded.with(|loaded| match loaded {
            None => view! { <p class="loading">"Loading…"</p> }.into_any(),
            Some(Err(why)) => view! { <p class="error" role="alert">{why.clone()}</p> }.into_any(),
            Some(Ok(versions)) if versions.is_empty() => {
                view! { <p class="notice">"No earlier versions."</p> }.into_any()
            }
            Some(Ok(versions)) => {
                let items = versions
                    .iter()
                    .map(|version| {
                        let moment = clock::moment(&version.edited_at, zone.get());
                        let at = moment.map(|m| m.time()).unwrap_or_default();
                        let full = moment.map(|m| m.full()).unwrap_or_default();
                        let by = who(&version.edited_by, &me, people.name_of(&version.edited_by));
                        let caption = version_caption(&version.change, &by, &at);
                        let text = if version.text.trim().is_empty() {
                            view! { <p class="text empty">"(no text)"</p> }.into_any()
                        } else {
                            view! { <div class="text" inner_html=markdown::render(&version.text)></div> }
                                .into_any()
                        };
                        view! {
                            <li>
                                {text}
                                <p class="caption" title=full>{caption}</p>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ol>{items}</ol> }.into_any()
            }
        })
    };
    view! {
        <div
            class="versions"
            role="dialog"
            aria-label="Earlier versions"
            tabindex="-1"
            node_ref=panel
            on:keydown=on_key
        >
            <header>
                <h3>"Earlier versions"</h3>
                <button type="button" class="link" on:click=move |_| toggle.close()>"Close"</button>
            </header>
            {entries}
        </div>
    }
}
