//! Sending a message: shown at once, then delivered, and safe to retry.

use leptos::prelude::*;

use super::scroll::{Pane, Scroll};
use crate::model::{Message, Person};
use crate::problem::{self, reason};
use crate::state::{Timeline, Uploads};
use crate::{api, browser};

/// What the composer does with a message the user wrote: it shows in the
/// conversation at once, with the files uploaded for it, and goes out.
pub(super) fn send_from(
    channel_id: String,
    me: String,
    timeline: RwSignal<Timeline>,
    uploads: RwSignal<Uploads>,
    pane: Pane,
    note: Option<RwSignal<bool>>,
    staff: Vec<Person>,
) -> impl Fn(String) + Clone + Send + Sync + 'static {
    move |text: String| {
        let mentions = mentioned(&text, &staff);
        let key = new_key();
        let pending = Message {
            id: format!("pending-{key}"),
            channel_id: channel_id.clone(),
            sender_id: me.clone(),
            text,
            created_at: String::new(),
            updated_at: String::new(),
            deleted_at: None,
            edited_at: None,
            deleted_by: None,
            is_welcome: false,
            sent_via: None,
            is_internal: note.is_some_and(|note| note.get_untracked()),
            idempotency_key: Some(key.clone()),
            attachments: uploads.with_untracked(Uploads::ready),
            reactions: Vec::new(),
        };
        uploads.update(Uploads::clear);
        pane.scroll.set_value(Scroll::Bottom);
        timeline.update(|t| t.add_pending(pending.clone(), key.clone()));
        deliver_mentioning(timeline, pending, key, mentions);
    }
}

/// The staff whose "@Name" the text holds.
pub(in crate::pages) fn mentioned(text: &str, staff: &[Person]) -> Vec<String> {
    staff
        .iter()
        .filter(|p| text.contains(&format!("@{}", p.name)))
        .map(|p| p.id.clone())
        .collect()
}

/// Sends (or re-sends) a message; the key makes a retry safe. Offline, the
/// message waits and goes when the network is back.
pub(in crate::pages) fn deliver(timeline: RwSignal<Timeline>, message: Message, key: String) {
    deliver_mentioning(timeline, message, key, Vec::new());
}

fn deliver_mentioning(
    timeline: RwSignal<Timeline>,
    message: Message,
    key: String,
    mentions: Vec<String>,
) {
    let files = message.attachments.iter().map(|a| a.id.clone()).collect();
    browser::spawn(async move {
        let sent = api::send_message(
            message.channel_id,
            message.text,
            files,
            key.clone(),
            message.is_internal,
            mentions.clone(),
        );
        match sent.await {
            Ok(message) => timeline.update(|t| t.confirm(&key, message)),
            Err(e) if problem::is_offline(&e) => {
                timeline.update(|t| t.wait(&key));
                browser::when_back_online(move || {
                    if let Some(message) = timeline.try_update(|t| t.resume(&key)).flatten() {
                        deliver_mentioning(timeline, message, key, mentions);
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
