//! Keeping what every page shares up to date: reloading the channel list,
//! the clients' activity and the notices, and following the live
//! connection. In the browser only: the server renders what it loaded.

use leptos::prelude::*;

use super::Session;
use crate::live::Event;
use crate::model::{ClientActivity, Notice};
use crate::state::ChannelList;
use crate::{api, browser};

/// Loads again what the server changed.
#[derive(Clone, Copy)]
struct Refresh {
    channels: RwSignal<ChannelList>,
    client_activity: RwSignal<Option<Vec<ClientActivity>>>,
    notices: RwSignal<Option<Vec<Notice>>>,
    is_staff: bool,
    /// Later answers must not be overwritten by earlier, slower ones.
    asked: StoredValue<u64>,
}

impl Refresh {
    fn new(session: Session) -> Refresh {
        Refresh {
            channels: session.channels,
            client_activity: session.client_activity,
            notices: session.notices,
            is_staff: session.me.with_untracked(|me| me.is_staff),
            asked: StoredValue::new(0_u64),
        }
    }

    /// Channels appear, change members or go: reload the list.
    fn channels(self) {
        let channels = self.channels;
        browser::spawn(async move {
            if let Ok(list) = api::list_channels().await {
                channels.set(ChannelList::new(list));
            }
        });
    }

    fn client_activity(self) {
        if !self.is_staff {
            return;
        }
        let Refresh {
            asked,
            client_activity,
            ..
        } = self;
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        browser::spawn(async move {
            if let Ok(list) = api::load_client_activity().await {
                if asked.get_value() == this {
                    client_activity.set(Some(list));
                }
            }
        });
    }

    fn notices(self) {
        let notices = self.notices;
        browser::spawn(async move {
            if let Ok(list) = api::load_notices().await {
                notices.set(Some(list));
            }
        });
    }
}

/// Loads what the shell shows, then follows the live connection: keeps the
/// shared state current, tells the person of new messages, and hands every
/// event on to the pages.
///
/// The connection starts from `cursor`, where the page's data was read: it
/// replays what happened while the page loaded, some of which the channel
/// list may already hold and count; if it replays any message, the list is
/// read again once the connection has caught up.
pub(super) fn follow_live(session: Session, set_event: WriteSignal<Option<Event>>, cursor: String) {
    let refresh = Refresh::new(session);
    let me = session.me.with_untracked(|me| me.id.clone());
    let channels = session.channels;
    let open_channel = session.open_channel;
    refresh.client_activity();
    refresh.notices();
    Effect::new(move |_| crate::desktop::show_count_on_icon(channels.with(|c| c.total_unread())));
    // Until the first `ready`: whether a message was replayed.
    let catching_up = StoredValue::new(Some(false));
    crate::socket::connect(cursor, move |event| {
        if let Some(replayed) = catching_up.get_value() {
            match &event {
                Event::MessageCreated(_) => catching_up.set_value(Some(true)),
                Event::Ready => {
                    if replayed {
                        refresh.channels();
                    }
                    catching_up.set_value(None);
                }
                _ => {}
            }
        }
        match &event {
            Event::ChannelsChanged => {
                refresh.channels();
                refresh.client_activity();
            }
            Event::Resync => {
                refresh.channels();
                refresh.client_activity();
                refresh.notices();
            }
            Event::NoticesChanged => refresh.notices(),
            Event::MessageCreated(message) => {
                let open = open_channel.get_untracked();
                channels.update(|list| list.message_created(message, &me, open.as_deref()));
                if message.sender_id != me {
                    refresh.client_activity();
                    let title = channels.with_untracked(|list| list.title_of(&message.channel_id));
                    crate::desktop::notify(
                        &title.unwrap_or_else(|| "New message".into()),
                        &crate::state::notification_body(message),
                        &message.channel_id,
                        &format!("/messages/{}", message.channel_id),
                    );
                }
            }
            Event::MessageChanged(message) => {
                channels.update(|list| list.message_changed(message));
            }
            Event::Read {
                channel_id,
                user_id,
                unread_count,
                ..
            } if *user_id == me => {
                channels.update(|list| list.set_unread(channel_id, *unread_count));
                refresh.client_activity();
            }
            _ => {}
        }
        set_event.set(Some(event));
    });
}
