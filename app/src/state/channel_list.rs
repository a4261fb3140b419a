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
        sort_newest_first(&mut self.channels);
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

    pub fn total_unread(&self) -> i64 {
        self.channels.iter().map(|c| c.unread_count).sum()
    }

    /// Channels whose title matches the search box, ignoring case.
    pub fn matching(&self, search: &str) -> Vec<ChannelSummary> {
        let search = search.trim().to_lowercase();
        self.channels
            .iter()
            .filter(|c| search.is_empty() || c.title.to_lowercase().contains(&search))
            .cloned()
            .collect()
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
