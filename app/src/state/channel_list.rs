//! The list of conversations: newest activity first, with unread counts
//! and a preview of each one's newest message.

use super::message_preview;
use crate::model::{ChannelSummary, Message};

/// The channel list: newest activity first.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ChannelList {
    pub channels: Vec<ChannelSummary>,
}

impl ChannelList {
    pub fn new(mut channels: Vec<ChannelSummary>) -> ChannelList {
        sort_newest_first(&mut channels);
        ChannelList { channels }
    }

    /// A new message moves its channel to the top; it counts as unread
    /// unless the user wrote it or is reading that channel.
    pub fn message_created(&mut self, message: &Message, me: &str, open_channel: Option<&str>) {
        let Some(channel) = self
            .channels
            .iter_mut()
            .find(|c| c.id == message.channel_id)
        else {
            return;
        };
        channel.preview = Some(message_preview(message));
        channel.last_message_id = Some(message.id.clone());
        channel.last_message_date = Some(message.created_at.clone());
        if message.sender_id != me && open_channel != Some(channel.id.as_str()) {
            channel.unread_count += 1;
        }
        // The staff's view of who waits, as the server keeps it: a client's
        // message opens the conversation and starts the wait, an answer
        // ends it, a note is no answer.
        if channel.state.is_some() {
            if channel.member_ids.contains(&message.sender_id) {
                channel.state = Some("open".into());
                channel.snoozed_until = None;
                channel
                    .awaiting_reply_since
                    .get_or_insert_with(|| message.created_at.clone());
            } else if !message.is_internal {
                channel.awaiting_reply_since = None;
            }
        }
        sort_newest_first(&mut self.channels);
    }

    /// Staff: the open conversations whose client waits for an answer,
    /// who has waited longest first.
    pub fn needs_reply(&self) -> Vec<ChannelSummary> {
        let mut waiting: Vec<ChannelSummary> = self
            .channels
            .iter()
            .filter(|c| c.state.as_deref() == Some("open") && c.awaiting_reply_since.is_some())
            .cloned()
            .collect();
        waiting.sort_by(|a, b| a.awaiting_reply_since.cmp(&b.awaiting_reply_since));
        waiting
    }

    /// Staff: the conversations someone owns, newest activity first.
    pub fn assigned_to(&self, user_id: &str) -> Vec<ChannelSummary> {
        self.channels
            .iter()
            .filter(|c| c.assignee_id.as_deref() == Some(user_id))
            .cloned()
            .collect()
    }

    /// An edit or a delete: the preview follows when it shows that message.
    pub fn message_changed(&mut self, message: &Message) {
        if let Some(channel) = self
            .channels
            .iter_mut()
            .find(|c| c.last_message_id.as_deref() == Some(message.id.as_str()))
        {
            channel.preview = Some(message_preview(message));
        }
    }

    /// The user read the channel, or marked it unread again.
    pub fn set_unread(&mut self, channel_id: &str, unread_count: i64) {
        if let Some(channel) = self.channels.iter_mut().find(|c| c.id == channel_id) {
            channel.unread_count = unread_count;
        }
    }

    /// The conversation `step` places below (or, negative, above) the open
    /// one among those `shown`, wrapping around; the first (or last) when
    /// none is open. What Alt+↓ and Alt+↑ move to.
    pub fn neighbour(shown: &[ChannelSummary], open: Option<&str>, step: isize) -> Option<String> {
        let count = isize::try_from(shown.len()).ok().filter(|n| *n > 0)?;
        let at = open.and_then(|id| shown.iter().position(|c| c.id == id));
        let next = match at.and_then(|i| isize::try_from(i).ok()) {
            Some(i) => (i + step).rem_euclid(count),
            None if step > 0 => 0,
            None => count - 1,
        };
        shown.get(usize::try_from(next).ok()?).map(|c| c.id.clone())
    }

    pub fn title_of(&self, channel_id: &str) -> Option<String> {
        self.channels
            .iter()
            .find(|c| c.id == channel_id)
            .map(|c| c.title.clone())
    }

    /// Every channel of the list, in its order.
    pub fn summaries(&self) -> impl Iterator<Item = &ChannelSummary> {
        self.channels.iter()
    }

    pub fn total_unread(&self) -> i64 {
        self.channels.iter().map(|c| c.unread_count).sum()
    }

    /// Channels whose title matches the search box, ignoring case.
    pub fn matching(&self, search: &str) -> Vec<ChannelSummary> {
        matching(self.channels.clone(), search)
    }

    /// What one of the staff's views of the list shows, searched.
    pub fn view(&self, view: ListView, me: &str, search: &str) -> Vec<ChannelSummary> {
        let shown = match view {
            ListView::All => self.channels.clone(),
            ListView::NeedsReply => self.needs_reply(),
            ListView::Mine => self.assigned_to(me),
        };
        matching(shown, search)
    }
}

/// The staff's views of the channel list: what a firm works from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ListView {
    #[default]
    All,
    /// Clients waiting for an answer, longest first.
    NeedsReply,
    /// Assigned to me.
    Mine,
}

fn matching(channels: Vec<ChannelSummary>, search: &str) -> Vec<ChannelSummary> {
    let search = search.trim().to_lowercase();
    channels
        .into_iter()
        .filter(|c| search.is_empty() || c.title.to_lowercase().contains(&search))
        .collect()
}

/// How long someone has waited since `since`, at `now_seconds`: "5 min",
/// "3 h", "2 days".
pub fn waited(since: &str, now_seconds: i64) -> String {
    let Some(since) = crate::clock::epoch_seconds(since) else {
        return String::new();
    };
    let minutes = (now_seconds - since).max(0) / 60;
    match minutes {
        0 => "just now".into(),
        1..=59 => format!("{minutes} min"),
        60..=2879 => format!("{} h", minutes / 60),
        _ => format!("{} days", minutes / 1440),
    }
}

fn sort_newest_first(channels: &mut [ChannelSummary]) {
    // RFC 3339 timestamps in UTC sort as text; channels without messages last.
    channels.sort_by(|a, b| b.last_message_date.cmp(&a.last_message_date));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::fixtures::{channel, message};

    #[test]
    fn alt_arrows_move_to_the_next_and_previous_conversation_wrapping_around() {
        let shown = vec![
            channel("a", "Ann", None),
            channel("b", "Bob", None),
            channel("c", "Cy", None),
        ];
        let next = |open: Option<&str>, step| ChannelList::neighbour(&shown, open, step);
        assert_eq!(next(Some("a"), 1).as_deref(), Some("b"));
        assert_eq!(next(Some("c"), 1).as_deref(), Some("a"));
        assert_eq!(next(Some("a"), -1).as_deref(), Some("c"));
        assert_eq!(next(None, 1).as_deref(), Some("a"));
        assert_eq!(next(None, -1).as_deref(), Some("c"));
        // The open one is hidden by a search: start from the top again.
        assert_eq!(next(Some("z"), 1).as_deref(), Some("a"));
        assert_eq!(ChannelList::neighbour(&[], Some("a"), 1), None);
    }

    #[test]
    fn new_messages_move_their_channel_up_and_count_as_unread_for_others() {
        let mut list = ChannelList::new(vec![
            channel("a", "Ann", Some("2026-01-02T00:00:00.000Z")),
            channel("b", "Bob", Some("2026-01-01T00:00:00.000Z")),
        ]);
        let mut incoming = message(
            "m",
            "bob",
            "Can we talk?\nIt's about taxes",
            "2026-01-03T00:00:00.000Z",
        );
        incoming.channel_id = "b".into();
        list.message_created(&incoming, "me", Some("a"));
        assert_eq!(list.channels[0].id, "b");
        assert_eq!(
            list.channels[0].preview.as_deref(),
            Some("Can we talk? It's about taxes")
        );
        assert_eq!(list.total_unread(), 1);
        // Our own message, or one in the open channel, is not unread.
        let mut own = incoming.clone();
        own.sender_id = "me".into();
        list.message_created(&own, "me", None);
        list.message_created(&incoming, "me", Some("b"));
        assert_eq!(list.total_unread(), 1);
        list.set_unread("b", 0);
        assert_eq!(list.total_unread(), 0);
    }

    fn handled(id: &str, state: &str, waiting_since: Option<&str>) -> ChannelSummary {
        ChannelSummary {
            state: Some(state.into()),
            awaiting_reply_since: waiting_since.map(Into::into),
            member_ids: vec![format!("client-{id}")],
            ..channel(id, id, Some("2026-01-01T00:00:00.000Z"))
        }
    }

    #[test]
    fn waits_read_in_minutes_hours_and_days() {
        let since = "2026-01-01T00:00:00.000Z";
        let start = crate::clock::epoch_seconds(since).unwrap();
        assert_eq!(waited(since, start + 30), "just now");
        assert_eq!(waited(since, start + 5 * 60), "5 min");
        assert_eq!(waited(since, start + 3 * 3600 + 59), "3 h");
        assert_eq!(waited(since, start + 3 * 86_400), "3 days");
    }

    #[test]
    fn needs_reply_lists_open_conversations_whose_client_waits_longest_first() {
        let list = ChannelList::new(vec![
            handled("recent", "open", Some("2026-01-03T00:00:00.000Z")),
            handled("answered", "open", None),
            handled("oldest", "open", Some("2026-01-01T00:00:00.000Z")),
            handled("done", "done", Some("2025-12-01T00:00:00.000Z")),
            handled("middle", "open", Some("2026-01-02T00:00:00.000Z")),
        ]);
        let ids: Vec<String> = list.needs_reply().into_iter().map(|c| c.id).collect();
        assert_eq!(ids, ["oldest", "middle", "recent"]);
    }

    #[test]
    fn a_clients_message_reopens_and_waits_and_only_a_public_answer_ends_the_wait() {
        let mut list = ChannelList::new(vec![handled("a", "done", None)]);
        let mut asked = message("m1", "client-a", "Hello?", "2026-01-05T00:00:00.000Z");
        asked.channel_id = "a".into();
        list.message_created(&asked, "me", None);
        assert_eq!(list.channels[0].state.as_deref(), Some("open"));
        assert_eq!(
            list.channels[0].awaiting_reply_since.as_deref(),
            Some("2026-01-05T00:00:00.000Z")
        );
        let mut again = asked.clone();
        again.created_at = "2026-01-06T00:00:00.000Z".into();
        list.message_created(&again, "me", None);
        let mut note = message("m2", "me", "mine", "2026-01-07T00:00:00.000Z");
        note.channel_id = "a".into();
        note.is_internal = true;
        list.message_created(&note, "me", None);
        assert_eq!(
            list.channels[0].awaiting_reply_since.as_deref(),
            Some("2026-01-05T00:00:00.000Z"),
            "the wait runs from the first unanswered message, and a note is no answer"
        );
        note.is_internal = false;
        list.message_created(&note, "me", None);
        assert_eq!(list.channels[0].awaiting_reply_since, None);
        assert_eq!(list.needs_reply().len(), 0);
    }

    #[test]
    fn the_search_box_filters_by_title_ignoring_case() {
        let list = ChannelList::new(vec![
            channel("a", "Ann Archer", None),
            channel("b", "Bob Baker", None),
        ]);
        let found: Vec<_> = list.matching("  bAk ").into_iter().map(|c| c.id).collect();
        assert_eq!(found, ["b"]);
        assert_eq!(list.matching("").len(), 2);
    }

    #[test]
    fn the_preview_follows_edits_and_deletes_of_the_newest_message() {
        let mut list = ChannelList::new(vec![channel("a", "Ann", None)]);
        let mut newest = message(
            "m1",
            "ann",
            "**Invoice** attached",
            "2026-01-03T00:00:00.000Z",
        );
        newest.channel_id = "a".into();
        list.message_created(&newest, "me", None);
        assert_eq!(
            list.channels[0].preview.as_deref(),
            Some("Invoice attached")
        );
        let mut older = newest.clone();
        older.id = "m0".into();
        older.text = "an older line, edited".into();
        list.message_changed(&older);
        assert_eq!(
            list.channels[0].preview.as_deref(),
            Some("Invoice attached")
        );
        newest.text = "Invoice *corrected*".into();
        list.message_changed(&newest);
        assert_eq!(
            list.channels[0].preview.as_deref(),
            Some("Invoice corrected")
        );
        newest.deleted_at = Some("2026-01-04T00:00:00.000Z".into());
        list.message_changed(&newest);
        assert_eq!(
            list.channels[0].preview.as_deref(),
            Some("This message was deleted.")
        );
    }
}
