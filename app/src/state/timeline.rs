//! A conversation's history as the reader sees it: each message once, in
//! order, with the user's own sends shown at once and followed until the
//! server has them; and the rows drawn from it (days, the "New messages"
//! line, "Seen" and, for staff, "Seen by Ann", lines grouped under one name).

use crate::clock::{self, Zone};
use crate::model::{ClientRead, Message};

/// Messages from one person this close together share one name and avatar.
const GROUPING_SECONDS: i64 = 5 * 60;

/// How a message the user sent is doing.
#[derive(Clone, Debug, PartialEq)]
pub enum Delivery {
    /// Acknowledged by the server.
    Sent,
    /// Shown at once, not yet acknowledged.
    Sending,
    /// The network is gone; sent again with the same key when it is back.
    Waiting,
    /// The send failed; the user may retry with the same key.
    Failed(String),
}

/// One line of the conversation.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub message: Message,
    pub delivery: Delivery,
    /// The idempotency key of a message sent from this page.
    pub key: Option<String>,
}

/// A channel's history, oldest first, each message once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    pub entries: Vec<Entry>,
}

impl Timeline {
    /// From a page of the API, which lists newest first.
    pub fn from_newest_first(messages: Vec<Message>) -> Timeline {
        let mut timeline = Timeline::default();
        timeline.prepend_older(messages);
        timeline
    }

    /// Older history loaded while scrolling up (newest first, as paged).
    pub fn prepend_older(&mut self, messages: Vec<Message>) {
        let older: Vec<Entry> = messages
            .into_iter()
            .rev()
            .filter(|m| !self.contains(&m.id))
            .map(|message| Entry {
                message,
                delivery: Delivery::Sent,
                key: None,
            })
            .collect();
        self.entries.splice(0..0, older);
    }

    pub fn contains(&self, id: &str) -> bool {
        self.entries.iter().any(|e| e.message.id == id)
    }

    /// Shows a message the user is sending before the server answers.
    pub fn add_pending(&mut self, message: Message, key: String) {
        self.entries.push(Entry {
            message,
            delivery: Delivery::Sending,
            key: Some(key),
        });
    }

    /// The server acknowledged the send made with `key`.
    pub fn confirm(&mut self, key: &str, message: Message) {
        // The realtime echo may have arrived first: then drop the duplicate.
        if self.contains(&message.id) {
            self.entries.retain(|e| e.key.as_deref() != Some(key));
            return;
        }
        if let Some(entry) = self.by_key(key) {
            entry.message = message;
            entry.delivery = Delivery::Sent;
        }
    }

    pub fn fail(&mut self, key: &str, reason: String) {
        if let Some(entry) = self.by_key(key) {
            entry.delivery = Delivery::Failed(reason);
        }
    }

    /// The send never reached the server; it waits for the network.
    pub fn wait(&mut self, key: &str) {
        if let Some(entry) = self.by_key(key) {
            entry.delivery = Delivery::Waiting;
        }
    }

    /// The network is back: the waiting message to send again, once (a
    /// message already on its way or confirmed is not sent twice).
    pub fn resume(&mut self, key: &str) -> Option<Message> {
        let entry = self.by_key(key)?;
        if entry.delivery != Delivery::Waiting {
            return None;
        }
        entry.delivery = Delivery::Sending;
        Some(entry.message.clone())
    }

    /// A message about to be sent again after a failure.
    pub fn retry(&mut self, key: &str) -> Option<Message> {
        let entry = self.by_key(key)?;
        entry.delivery = Delivery::Sending;
        Some(entry.message.clone())
    }

    fn by_key(&mut self, key: &str) -> Option<&mut Entry> {
        self.entries
            .iter_mut()
            .find(|e| e.key.as_deref() == Some(key))
    }

    /// A message created anywhere, as the socket reports it.
    pub fn created(&mut self, message: Message) {
        if self.contains(&message.id) {
            return;
        }
        if let Some(message) = self.echoed(message) {
            self.entries.push(Entry {
                message,
                delivery: Delivery::Sent,
                key: None,
            });
        }
    }

    /// Our own send, echoed before its acknowledgement: keep one line,
    /// where the user already sees it. The key it was sent with tells it
    /// apart from the same words sent twice. Gives the message back when
    /// it is no echo.
    fn echoed(&mut self, message: Message) -> Option<Message> {
        let key = message.idempotency_key.as_deref();
        let pending = self.entries.iter_mut().find(|e| {
            key.is_some()
                && e.key.as_deref() == key
                && e.message.sender_id == message.sender_id
                && e.delivery != Delivery::Sent
        });
        match pending {
            Some(entry) => {
                entry.message = message;
                entry.delivery = Delivery::Sent;
                entry.key = None;
                None
            }
            None => Some(message),
        }
    }

    /// The newest page read again (newest first, as paged), after news may
    /// have passed this page by: while it loaded, or while its socket was
    /// away for longer than the server replays. Each message missing takes
    /// its place in time, and the others are refreshed. A page that does
    /// not reach back to a message shown, with older ones before it, leaves
    /// a stretch unknown: it replaces the history then (messages still on
    /// their way stay), and `true` says older pages now load from its token.
    pub fn caught_up(&mut self, newest_first: Vec<Message>, more_before: bool) -> bool {
        let reaches_shown = newest_first.last().is_some_and(|m| self.contains(&m.id));
        if more_before && !reaches_shown {
            let unsent: Vec<Entry> = self
                .entries
                .drain(..)
                .filter(|e| e.delivery != Delivery::Sent)
                .collect();
            self.prepend_older(newest_first);
            self.entries.extend(unsent);
            return true;
        }
        for message in newest_first.into_iter().rev() {
            if self.contains(&message.id) {
                self.replaced(message);
            } else if let Some(message) = self.echoed(message) {
                self.insert_in_time(message);
            }
        }
        false
    }

    /// Before the first message shown that came later; messages not yet
    /// acknowledged stay last.
    fn insert_in_time(&mut self, message: Message) {
        let later = |e: &Entry| {
            e.delivery == Delivery::Sent
                && (&e.message.created_at, &e.message.id) > (&message.created_at, &message.id)
        };
        let at = self.entries.iter().position(later).unwrap_or_else(|| {
            self.entries
                .iter()
                .rposition(|e| e.delivery == Delivery::Sent)
                .map_or(0, |last| last + 1)
        });
        self.entries.insert(
            at,
            Entry {
                message,
                delivery: Delivery::Sent,
                key: None,
            },
        );
    }

    /// An edit, a delete or new reactions: the message keeps its place in
    /// history. Who deleted it (staff only) is never in the socket's frames,
    /// which clients get too: a frame without it keeps the one already known.
    pub fn replaced(&mut self, mut message: Message) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.message.id == message.id) {
            if message.deleted_at.is_some() && message.deleted_by.is_none() {
                message.deleted_by = entry.message.deleted_by.take();
            }
            entry.message = message;
        }
    }

    /// Whether a deleted message on screen does not say who deleted it yet.
    pub fn deleter_unknown(&self, id: &str) -> bool {
        self.entries.iter().any(|e| {
            e.message.id == id && e.message.deleted_at.is_some() && e.message.deleted_by.is_none()
        })
    }
}

/// A client's marker moved (staff's "Seen by"): they now read up to
/// `message_id` at `read_at`; with no message (marked unread before any),
/// they are seen nowhere.
pub fn client_read(
    reads: &mut Vec<ClientRead>,
    user_id: &str,
    name: String,
    message_id: Option<String>,
    read_at: String,
) {
    reads.retain(|r| r.user_id != user_id);
    if let Some(message_id) = message_id {
        reads.push(ClientRead {
            user_id: user_id.to_string(),
            name,
            message_id,
            read_at,
        });
    }
}

/// One line of the conversation as drawn: a day heading, the "new
/// messages" line, or a message (with "Seen" on the newest of the user's own
/// messages that someone else has read, and for staff the clients who read
/// up to it).
#[derive(Clone, Debug, PartialEq)]
pub enum Row {
    Day(String),
    NewMessages,
    Line {
        entry: Box<Entry>,
        seen: bool,
        /// The clients whose reading stops at this message (staff only).
        seen_by: Vec<ClientRead>,
        /// Follows a message of the same person within a few minutes: drawn
        /// under that one's name, without a name and avatar of its own.
        continued: bool,
    },
}

impl Row {
    /// A key that changes whenever the row must be redrawn.
    pub fn key(&self) -> String {
        match self {
            Row::Day(day) => format!("day {day}"),
            Row::NewMessages => "new".into(),
            Row::Line {
                entry,
                seen,
                seen_by,
                continued,
            } => {
                let reactions: Vec<String> = entry
                    .message
                    .reactions
                    .iter()
                    .map(|r| format!("{}:{}", r.emoji, r.user_ids.join("+")))
                    .collect();
                let readers: Vec<String> = seen_by
                    .iter()
                    .map(|r| format!("{}@{}", r.user_id, r.read_at))
                    .collect();
                format!(
                    "{} {} {:?} {seen} {continued} {} {:?} {} {}",
                    entry.message.id,
                    entry.message.updated_at,
                    entry.delivery,
                    entry.message.deleted_at.is_some(),
                    entry.message.deleted_by,
                    reactions.join(","),
                    readers.join(",")
                )
            }
        }
    }
}

impl Timeline {
    /// The rows to draw, with days and times in `zone`; `readers` are the
    /// clients' read markers (for staff; empty for clients).
    pub fn rows(
        &self,
        me: &str,
        seen_up_to: Option<&str>,
        readers: &[ClientRead],
        first_unread: Option<&str>,
        zone: Zone,
    ) -> Vec<Row> {
        let seen_index =
            seen_up_to.and_then(|id| self.entries.iter().position(|e| e.message.id == id));
        let seen_line = seen_index.and_then(|limit| {
            self.entries[..=limit]
                .iter()
                .rposition(|e| e.message.sender_id == me)
        });
        let mut rows = Vec::with_capacity(self.entries.len() + 4);
        let mut day = None;
        // The sender and time of the line before, while a group can go on.
        let mut group: Option<(&str, Option<i64>)> = None;
        for (index, entry) in self.entries.iter().enumerate() {
            let message = &entry.message;
            // Pending lines have no time yet: they belong to the day before them.
            let this_day = clock::moment(&message.created_at, zone).map(|m| m.day());
            if this_day.is_some() && this_day != day {
                rows.push(Row::Day(this_day.clone().unwrap_or_default()));
                day = this_day;
                group = None;
            }
            if first_unread == Some(message.id.as_str()) {
                rows.push(Row::NewMessages);
                group = None;
            }
            let at = clock::epoch_seconds(&message.created_at);
            let continued = group.is_some_and(|(sender, before)| {
                sender == message.sender_id
                    && match (before, at) {
                        (Some(before), Some(at)) => at - before <= GROUPING_SECONDS,
                        // A pending line follows on from what is above it.
                        (_, None) => true,
                        (None, Some(_)) => false,
                    }
            });
            rows.push(Row::Line {
                entry: Box::new(entry.clone()),
                seen: seen_line == Some(index),
                seen_by: readers
                    .iter()
                    .filter(|r| r.message_id == message.id)
                    .cloned()
                    .collect(),
                continued,
            });
            group = Some((&message.sender_id, at.or(group.and_then(|g| g.1))));
        }
        rows
    }

    /// The first message of others after the last `unread` ones: where the
    /// "new messages" line goes when a conversation opens.
    pub fn first_unread(&self, me: &str, unread: i64) -> Option<String> {
        if unread <= 0 {
            return None;
        }
        // More unread than loaded: the line goes above the oldest loaded one.
        self.entries
            .iter()
            .rev()
            .filter(|e| e.message.sender_id != me)
            .take(usize::try_from(unread).ok()?)
            .last()
            .map(|e| e.message.id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::fixtures::{message, sent_with};

    fn ids(timeline: &Timeline) -> Vec<&str> {
        timeline
            .entries
            .iter()
            .map(|e| e.message.id.as_str())
            .collect()
    }

    #[test]
    fn history_reads_oldest_first_and_older_pages_go_on_top() {
        let mut timeline = Timeline::from_newest_first(vec![
            message("m3", "a", "three", "3"),
            message("m2", "a", "two", "2"),
        ]);
        timeline.prepend_older(vec![
            message("m2", "a", "two", "2"),
            message("m1", "a", "one", "1"),
        ]);
        assert_eq!(ids(&timeline), ["m1", "m2", "m3"]);
    }

    #[test]
    fn a_sent_message_shows_at_once_and_is_confirmed_in_place() {
        let mut timeline = Timeline::from_newest_first(vec![message("m1", "b", "hi", "1")]);
        timeline.add_pending(message("local", "me", "hello", "2"), "k1".into());
        assert_eq!(timeline.entries[1].delivery, Delivery::Sending);
        timeline.confirm("k1", message("m2", "me", "hello", "2"));
        assert_eq!(ids(&timeline), ["m1", "m2"]);
        assert_eq!(timeline.entries[1].delivery, Delivery::Sent);
    }

    #[test]
    fn the_socket_echo_of_an_own_send_never_doubles_it() {
        // Echo before acknowledgement.
        let mut timeline = Timeline::default();
        timeline.add_pending(message("local", "me", "hello", "2"), "k1".into());
        timeline.created(sent_with("k1", "m2", "me", "hello", "2"));
        timeline.confirm("k1", sent_with("k1", "m2", "me", "hello", "2"));
        assert_eq!(ids(&timeline), ["m2"]);
        // Acknowledgement before echo.
        let mut timeline = Timeline::default();
        timeline.add_pending(message("local", "me", "again", "3"), "k2".into());
        timeline.confirm("k2", sent_with("k2", "m3", "me", "again", "3"));
        timeline.created(sent_with("k2", "m3", "me", "again", "3"));
        assert_eq!(ids(&timeline), ["m3"]);
    }

    #[test]
    fn the_same_words_sent_twice_are_matched_to_their_own_sends_by_key() {
        let mut timeline = Timeline::default();
        timeline.add_pending(message("local-1", "me", "ok", "2"), "k1".into());
        timeline.add_pending(message("local-2", "me", "ok", "2"), "k2".into());
        // The second send's echo arrives first: it replaces its own line.
        timeline.created(sent_with("k2", "m2", "me", "ok", "2"));
        assert_eq!(ids(&timeline), ["local-1", "m2"]);
        assert_eq!(timeline.entries[0].delivery, Delivery::Sending);
        timeline.confirm("k1", sent_with("k1", "m1", "me", "ok", "2"));
        timeline.confirm("k2", sent_with("k2", "m2", "me", "ok", "2"));
        assert_eq!(ids(&timeline), ["m1", "m2"]);
        // Someone else's words, with a key of theirs, are a line of their own.
        timeline.created(sent_with("k1", "m3", "you", "ok", "3"));
        assert_eq!(ids(&timeline), ["m1", "m2", "m3"]);
    }

    #[test]
    fn a_failed_send_is_marked_and_can_be_retried_with_its_key() {
        let mut timeline = Timeline::default();
        timeline.add_pending(message("local", "me", "hello", "2"), "k1".into());
        timeline.fail("k1", "offline".into());
        assert_eq!(
            timeline.entries[0].delivery,
            Delivery::Failed("offline".into())
        );
        let again = timeline.retry("k1").unwrap();
        assert_eq!(again.text, "hello");
        assert_eq!(timeline.entries[0].delivery, Delivery::Sending);
    }

    #[test]
    fn a_message_sent_offline_waits_and_goes_once_when_the_network_is_back() {
        let mut timeline = Timeline::default();
        timeline.add_pending(message("local", "me", "hello", ""), "k1".into());
        timeline.wait("k1");
        assert_eq!(timeline.entries[0].delivery, Delivery::Waiting);
        assert_eq!(
            timeline.resume("k1").map(|m| m.text).as_deref(),
            Some("hello")
        );
        // The "online" event and the fallback timer both fire: one send.
        assert_eq!(timeline.resume("k1"), None);
        timeline.confirm("k1", message("m1", "me", "hello", "2"));
        assert_eq!(timeline.resume("k1"), None);
        assert_eq!(ids(&timeline), ["m1"]);
    }

    #[test]
    fn edits_and_deletes_keep_the_place_in_history() {
        let mut timeline = Timeline::from_newest_first(vec![
            message("m2", "a", "two", "2"),
            message("m1", "a", "one", "1"),
        ]);
        let mut edited = message("m1", "a", "one, edited", "1");
        edited.updated_at = "5".into();
        timeline.replaced(edited);
        assert_eq!(ids(&timeline), ["m1", "m2"]);
        assert_eq!(timeline.entries[0].message.text, "one, edited");
    }

    #[test]
    fn a_frame_saying_a_message_was_deleted_keeps_who_deleted_it_for_staff() {
        let mut timeline = Timeline::from_newest_first(vec![message("m1", "me", "oops", "1")]);
        let key = |t: &Timeline| t.rows("me", None, &[], None, Zone::Utc)[0].key();
        let mut tombstone = message("m1", "me", "", "1");
        tombstone.deleted_at = Some("2".into());
        timeline.replaced(tombstone.clone());
        assert!(timeline.deleter_unknown("m1"), "the frame never says who");
        let before = key(&timeline);
        // The staff's own answer, or the message asked for, says who.
        timeline.replaced(Message {
            deleted_by: Some("me".into()),
            ..tombstone.clone()
        });
        assert!(!timeline.deleter_unknown("m1"));
        assert_ne!(key(&timeline), before, "the line is drawn anew with it");
        // The frame arriving after the answer takes nothing away.
        timeline.replaced(tombstone);
        assert_eq!(
            timeline.entries[0].message.deleted_by.as_deref(),
            Some("me")
        );
    }

    fn drawn(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|row| match row {
                Row::Day(day) => format!("[{day}]"),
                Row::NewMessages => "--new--".into(),
                Row::Line {
                    entry,
                    seen,
                    seen_by,
                    continued,
                } => format!(
                    "{}{}{}{}",
                    if *continued { "  " } else { "" },
                    entry.message.id,
                    if *seen { " (seen)" } else { "" },
                    seen_by
                        .iter()
                        .map(|r| format!(" (seen by {})", r.name))
                        .collect::<String>()
                ),
            })
            .collect()
    }

    #[test]
    fn days_new_messages_and_seen_are_drawn_in_place() {
        let timeline = Timeline::from_newest_first(vec![
            message("m4", "ann", "and now", "2026-11-25T09:00:00.000Z"),
            message("m3", "ann", "hello?", "2026-11-25T08:00:00.000Z"),
            message("m2", "me", "sent", "2026-11-24T18:00:00.000Z"),
            message("m1", "me", "first", "2026-11-24T17:00:00.000Z"),
        ]);
        let first_unread = timeline.first_unread("me", 2);
        assert_eq!(first_unread.as_deref(), Some("m3"));
        let rows = timeline.rows("me", Some("m3"), &[], first_unread.as_deref(), Zone::Utc);
        assert_eq!(
            drawn(&rows),
            [
                "[24 Nov 2026]",
                "m1",
                "m2 (seen)",
                "[25 Nov 2026]",
                "--new--",
                "m3",
                "m4"
            ]
        );
        // More unread than loaded, and nothing unread.
        assert_eq!(timeline.first_unread("me", 40).as_deref(), Some("m3"));
        assert_eq!(timeline.first_unread("me", 0), None);
        let plain = drawn(&timeline.rows("me", None, &[], None, Zone::Utc));
        assert!(!plain.iter().any(|r| r.contains("seen") || r == "--new--"));
    }

    #[test]
    fn staff_see_each_client_under_the_last_message_they_read() {
        let timeline = Timeline::from_newest_first(vec![
            message("m3", "me", "anything else?", "2026-11-25T09:02:00.000Z"),
            message("m2", "ann", "thanks", "2026-11-25T09:01:00.000Z"),
            message("m1", "me", "your return", "2026-11-25T09:00:00.000Z"),
        ]);
        let read = |user: &str, name: &str, at: &str| ClientRead {
            user_id: user.into(),
            name: name.into(),
            message_id: at.into(),
            read_at: "2026-11-25T09:05:00.000Z".into(),
        };
        let readers = [
            read("ann", "Ann Lee", "m3"),
            read("bob", "Bob Day", "m1"),
            read("cat", "Cat Poe", "m3"),
            read("dan", "Dan Roe", "not loaded"),
        ];
        assert_eq!(
            drawn(&timeline.rows("me", Some("m3"), &readers, None, Zone::Utc)),
            [
                "[25 Nov 2026]",
                "m1 (seen by Bob Day)",
                "m2",
                "m3 (seen) (seen by Ann Lee) (seen by Cat Poe)"
            ]
        );
    }

    #[test]
    fn a_clients_new_read_moves_their_seen_by() {
        let mut reads = Vec::new();
        client_read(
            &mut reads,
            "ann",
            "Ann".into(),
            Some("m1".into()),
            "t1".into(),
        );
        client_read(
            &mut reads,
            "bob",
            "Bob".into(),
            Some("m1".into()),
            "t2".into(),
        );
        client_read(
            &mut reads,
            "ann",
            "Ann".into(),
            Some("m2".into()),
            "t3".into(),
        );
        let at: Vec<(&str, &str, &str)> = reads
            .iter()
            .map(|r| {
                (
                    r.user_id.as_str(),
                    r.message_id.as_str(),
                    r.read_at.as_str(),
                )
            })
            .collect();
        assert_eq!(at, [("bob", "m1", "t2"), ("ann", "m2", "t3")]);
        client_read(&mut reads, "bob", "Bob".into(), None, "t4".into());
        assert_eq!(reads.len(), 1);
    }

    #[test]
    fn a_change_of_reactions_redraws_the_line() {
        let mut timeline = Timeline::from_newest_first(vec![message("m1", "a", "hi", "1")]);
        let key = |t: &Timeline| t.rows("me", None, &[], None, Zone::Utc)[0].key();
        let before = key(&timeline);
        let mut reacted = message("m1", "a", "hi", "1");
        reacted.reactions = vec![crate::model::Reaction {
            emoji: "👍".into(),
            count: 1,
            user_ids: vec!["me".into()],
        }];
        timeline.replaced(reacted);
        assert_ne!(key(&timeline), before);
    }

    #[test]
    fn one_persons_messages_minutes_apart_share_one_name() {
        let timeline = Timeline::from_newest_first(vec![
            message("m6", "ann", "next day", "2026-11-26T09:01:00.000Z"),
            message("m5", "ann", "much later", "2026-11-25T10:00:00.000Z"),
            message("m4", "me", "mine", "2026-11-25T09:06:00.000Z"),
            message("m3", "ann", "third", "2026-11-25T09:05:00.000Z"),
            message("m2", "ann", "second", "2026-11-25T09:01:00.000Z"),
            message("m1", "ann", "first", "2026-11-25T09:00:00.000Z"),
        ]);
        assert_eq!(
            drawn(&timeline.rows("me", None, &[], None, Zone::Utc)),
            [
                "[25 Nov 2026]",
                "m1",
                "  m2",
                "  m3",
                "m4",
                "m5",
                "[26 Nov 2026]",
                "m6"
            ]
        );
        // The new-messages line starts a group of its own.
        assert_eq!(
            drawn(&timeline.rows("me", None, &[], Some("m2"), Zone::Utc))[1..4],
            ["m1", "--new--", "m2"]
        );
    }

    #[test]
    fn a_message_being_sent_joins_the_group_above_it() {
        let mut timeline = Timeline::from_newest_first(vec![message(
            "m1",
            "me",
            "hi",
            "2026-11-25T09:00:00.000Z",
        )]);
        timeline.add_pending(message("local", "me", "again", ""), "k".into());
        assert_eq!(
            drawn(&timeline.rows("me", None, &[], None, Zone::Utc)),
            ["[25 Nov 2026]", "m1", "  local"]
        );
    }

    #[test]
    fn messages_missed_while_loading_take_their_place_in_time_once() {
        // Shown: m1 and m2 from the page, m5 heard live; m3 and m4 passed by.
        let mut timeline = Timeline::from_newest_first(vec![
            message("m2", "a", "two", "2"),
            message("m1", "a", "one", "1"),
        ]);
        timeline.created(message("m5", "a", "five", "5"));
        timeline.add_pending(message("local", "me", "mine", "9"), "k".into());
        let edited = Message {
            edited_at: Some("6".into()),
            ..message("m2", "a", "two, edited", "2")
        };
        let restart = timeline.caught_up(
            vec![
                message("m5", "a", "five", "5"),
                message("m4", "a", "four", "4"),
                message("m3", "a", "three", "3"),
                edited,
                message("m1", "a", "one", "1"),
            ],
            true,
        );
        assert!(!restart);
        assert_eq!(ids(&timeline), ["m1", "m2", "m3", "m4", "m5", "local"]);
        assert_eq!(timeline.entries[1].message.text, "two, edited");
        assert_eq!(timeline.entries[5].delivery, Delivery::Sending);
    }

    #[test]
    fn our_own_send_found_in_the_page_is_confirmed_where_it_is() {
        let mut timeline = Timeline::from_newest_first(vec![message("m1", "b", "hi", "1")]);
        timeline.add_pending(message("local", "me", "hello", "2"), "k1".into());
        timeline.caught_up(
            vec![
                sent_with("k1", "m2", "me", "hello", "2"),
                message("m1", "b", "hi", "1"),
            ],
            false,
        );
        assert_eq!(ids(&timeline), ["m1", "m2"]);
        assert_eq!(timeline.entries[1].delivery, Delivery::Sent);
    }

    #[test]
    fn a_page_that_does_not_reach_what_is_shown_replaces_the_history() {
        let mut timeline = Timeline::from_newest_first(vec![message("m1", "a", "one", "1")]);
        timeline.created(message("m90", "a", "ninety", "90"));
        timeline.add_pending(message("local", "me", "mine", "99"), "k".into());
        let restart = timeline.caught_up(
            vec![
                message("m91", "a", "ninety-one", "91"),
                message("m90", "a", "ninety", "90"),
                message("m89", "a", "eighty-nine", "89"),
            ],
            true,
        );
        // m2 to m88 are unknown: scrolling up loads them from the page's token.
        assert!(restart);
        assert_eq!(ids(&timeline), ["m89", "m90", "m91", "local"]);
    }
}
