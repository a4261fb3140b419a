//! The open conversation as others change it: their messages, edits,
//! reading and typing, as the live connection reports them; and this
//! person's reading, reported back.

use leptos::prelude::*;

use super::lookers::announce_viewing;
use super::scroll::{Pane, Scroll};
use super::{People, Reads};
use crate::live::Event;
use crate::pages::shell::Session;
use crate::state::{client_read, Lookers, Timeline};
use crate::{api, browser};

/// Opened: read it (in the browser only; rendering on the server reads nothing).
pub(super) fn read_on_open(session: Session, channel_id: String) {
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

/// Live updates for this channel.
// Each argument is a separate piece of the conversation's state; bundling
// them would only rename them.
#[allow(clippy::too_many_arguments)]
pub(super) fn follow(
    session: Session,
    channel_id: String,
    timeline: RwSignal<Timeline>,
    older: RwSignal<Option<String>>,
    reads: Reads,
    typing: RwSignal<Option<String>>,
    lookers: Option<RwSignal<Lookers>>,
    people: People,
    pane: Pane,
) {
    let (me, is_staff) = session.me.with_untracked(|me| (me.id.clone(), me.is_staff));
    let Pane {
        scroll,
        at_bottom,
        unseen,
        ..
    } = pane;
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
            let id = message.id.clone();
            let unknown = timeline.try_update(|t| {
                t.replaced(message);
                t.deleter_unknown(&id)
            });
            // Frames reach clients too, so they never say who deleted a
            // message: staff ask for the message as they see it.
            if is_staff && unknown == Some(true) {
                browser::spawn(async move {
                    if let Ok(message) = api::read_message(id).await {
                        let _ = timeline.try_update(|t| t.replaced(message));
                    }
                });
            }
        }
        Some(Event::Read {
            channel_id: read_in,
            user_id,
            message_id,
            read_at,
            ..
        }) if read_in == channel_id && user_id != me => {
            // Staff follow each client's reading; clients keep a plain "Seen".
            if let Some(name) = is_staff.then(|| people.client(&user_id)).flatten() {
                reads.client_reads.update(|list| {
                    client_read(
                        list,
                        &user_id,
                        name,
                        message_id.clone(),
                        read_at.unwrap_or_default(),
                    )
                });
            }
            reads.seen_up_to.set(message_id);
        }
        Some(Event::Typing {
            channel_id: typed_in,
            user_id,
        }) if typed_in == channel_id && user_id != me => {
            typing.set(Some(
                people.name_of(&user_id).unwrap_or_else(|| "Someone".into()),
            ));
            browser::after(std::time::Duration::from_secs(4), move || typing.set(None));
        }
        Some(Event::Viewing {
            channel_id: viewed,
            user_id,
            viewing,
        }) if viewed == channel_id && user_id != me => {
            let Some(lookers) = lookers else { return };
            if !viewing {
                lookers.update(|l| l.left(&user_id));
            } else if lookers.try_update(|l| l.heard(&user_id, browser::now_ms())) == Some(true) {
                // A newcomer learns at once who was already here.
                announce_viewing(Some(&channel_id));
            }
        }
        // The socket (re)connected: whoever we told before may not know.
        Some(Event::Ready) if lookers.is_some() => announce_viewing(Some(&channel_id)),
        // Away longer than the server replays: what was missed is unknown.
        Some(Event::Resync) => catch_up(channel_id.clone(), timeline, older, reads),
        _ => {}
    });
}

/// Opened after a read made at `cursor`: when the socket has told of later
/// changes meanwhile (they came before this page was there to hear them),
/// the newest messages are read again.
pub(super) fn catch_up_after(
    cursor: &str,
    channel_id: String,
    timeline: RwSignal<Timeline>,
    older: RwSignal<Option<String>>,
    reads: Reads,
) {
    #[cfg(feature = "hydrate")]
    if crate::socket::heard_after(cursor) {
        catch_up(channel_id, timeline, older, reads);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (cursor, channel_id, timeline, older, reads);
}

/// Reads the newest messages again and merges them into what is shown.
fn catch_up(
    channel_id: String,
    timeline: RwSignal<Timeline>,
    older: RwSignal<Option<String>>,
    reads: Reads,
) {
    browser::spawn(async move {
        let Ok(Some(fresh)) = api::open_conversation(channel_id).await else {
            return;
        };
        let page = fresh.history;
        let more_before = page.next_token.is_some();
        if timeline.try_update(|t| t.caught_up(page.data, more_before)) == Some(true) {
            older.try_set(page.next_token);
        }
        reads.seen_up_to.try_set(fresh.seen_up_to);
        reads.client_reads.try_set(fresh.client_reads);
    });
}
