//! Where the message list scrolls: reading goes on where it stopped, older
//! history loads above without moving what the reader sees, and the list
//! follows new messages only while the reader is at the bottom.

use leptos::html::Div;
use leptos::prelude::*;

/// Where the message list should scroll after its next change.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Scroll {
    /// Just opened: to the "New messages" line, or to the newest message.
    Open,
    /// Older messages went on top: keep the message the reader sees
    /// (by id) where it was on screen.
    KeepPlace { id: String, offset: f64 },
    /// The reader sent a message: show it.
    Bottom,
    /// Opened from a search result: show this message, in the middle of
    /// the pane, marked.
    To(String),
    /// Something else changed: stay at the bottom if the reader was there.
    Follow,
}

/// Close enough to the bottom to count as reading the newest messages.
const BOTTOM_SLACK: i32 = 48;
/// Older history loads this close to the top.
pub(super) const LOAD_OLDER_AT: i32 = 300;

/// The scrolling message list, and what its next change should do to it.
#[derive(Clone, Copy)]
pub(super) struct Pane {
    pub list: NodeRef<Div>,
    pub scroll: StoredValue<Scroll>,
    pub at_bottom: StoredValue<bool>,
    /// Messages from others that arrived below while the reader was above.
    pub unseen: RwSignal<usize>,
}

impl Pane {
    pub fn new() -> Pane {
        Pane {
            list: NodeRef::new(),
            scroll: StoredValue::new(Scroll::Open),
            at_bottom: StoredValue::new(true),
            unseen: RwSignal::new(0_usize),
        }
    }
}

/// The first message at least partly in view, and how far below the
/// list's top edge it starts.
pub(super) fn first_in_view(list: &leptos::web_sys::HtmlDivElement) -> Option<(String, f64)> {
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
pub(super) fn offset_of(list: &leptos::web_sys::HtmlDivElement, id: &str) -> Option<f64> {
    let line = list
        .query_selector(&format!(".message[data-id=\"{id}\"]"))
        .ok()??;
    Some(line.get_bounding_client_rect().top() - list.get_bounding_client_rect().top())
}

/// Brings the message `id` to the middle of the pane, marks it as the one
/// looked for, and gives it the keyboard; false when it is not drawn (yet).
pub(super) fn show_message(list: &leptos::web_sys::HtmlDivElement, id: &str) -> bool {
    let Ok(Some(line)) = list.query_selector(&format!(".message[data-id=\"{id}\"]")) else {
        return false;
    };
    let offset = line.get_bounding_client_rect().top() - list.get_bounding_client_rect().top();
    let middle = (list.client_height() as f64 - line.get_bounding_client_rect().height()) / 2.0;
    list.set_scroll_top(list.scroll_top() + (offset - middle.max(0.0)) as i32);
    let _ = line.class_list().add_1("hit");
    let _ = line.set_attribute("tabindex", "-1");
    if let Ok(line) = leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(line) {
        let _ = line.focus();
    }
    true
}

pub(super) fn is_at_bottom(list: &leptos::web_sys::HtmlDivElement) -> bool {
    list.scroll_height() - list.scroll_top() - list.client_height() < BOTTOM_SLACK
}

/// A conversation opens where reading continues: the "New messages" line
/// near the top of the pane, with a line of what came before; else the
/// newest message.
pub(super) fn open_at_first_unread(list: &leptos::web_sys::HtmlDivElement) {
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
