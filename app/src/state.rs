//! The browser's view of the conversation and the channel list, as pure
//! data: what the realtime socket and the user's own sends do to them. Kept
//! free of signals and the DOM so it is tested as plain Rust.

use crate::clock::{self, Zone};
use crate::markdown;
use crate::model::{Attachment, ChannelSummary, ClientSummary, Message};

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

    fn contains(&self, id: &str) -> bool {
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
        // Our own send, echoed before its acknowledgement: keep one line,
        // where the user already sees it.
        let echoed = self.entries.iter_mut().find(|e| {
            matches!(e.delivery, Delivery::Sending | Delivery::Waiting)
                && e.message.sender_id == message.sender_id
                && e.message.text == message.text
        });
        match echoed {
            Some(entry) => {
                entry.message = message;
                entry.delivery = Delivery::Sent;
                entry.key = None;
            }
            None => self.entries.push(Entry {
                message,
                delivery: Delivery::Sent,
                key: None,
            }),
        }
    }

    /// An edit or a delete: the message keeps its place in history.
    pub fn replaced(&mut self, message: Message) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.message.id == message.id) {
            entry.message = message;
        }
    }
}

/// One line of the conversation as drawn: a day heading, the "new
/// messages" line, or a message (with "Seen" on the newest of the user's own
/// messages that someone else has read).
#[derive(Clone, Debug, PartialEq)]
pub enum Row {
    Day(String),
    NewMessages,
    Line {
        entry: Box<Entry>,
        seen: bool,
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
                continued,
            } => format!(
                "{} {} {:?} {seen} {continued} {}",
                entry.message.id,
                entry.message.updated_at,
                entry.delivery,
                entry.message.deleted_at.is_some()
            ),
        }
    }
}

impl Timeline {
    /// The rows to draw, with days and times in `zone`.
    pub fn rows(
        &self,
        me: &str,
        seen_up_to: Option<&str>,
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

/// Files being attached to the next message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Uploads {
    pub files: Vec<Upload>,
    next: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Upload {
    pub local_id: u32,
    pub name: String,
    /// From 0 to 1.
    pub progress: f64,
    pub outcome: Option<Result<Attachment, String>>,
}

impl Uploads {
    /// A file starts uploading; returns its local id.
    pub fn add(&mut self, name: String) -> u32 {
        self.next += 1;
        self.files.push(Upload {
            local_id: self.next,
            name,
            progress: 0.0,
            outcome: None,
        });
        self.next
    }

    pub fn progress(&mut self, local_id: u32, fraction: f64) {
        if let Some(file) = self.files.iter_mut().find(|f| f.local_id == local_id) {
            file.progress = fraction.clamp(0.0, 1.0);
        }
    }

    pub fn finish(&mut self, local_id: u32, outcome: Result<Attachment, String>) {
        if let Some(file) = self.files.iter_mut().find(|f| f.local_id == local_id) {
            file.progress = 1.0;
            file.outcome = Some(outcome);
        }
    }

    pub fn remove(&mut self, local_id: u32) {
        self.files.retain(|f| f.local_id != local_id);
    }

    /// Still sending bytes: the message waits for them.
    pub fn busy(&self) -> bool {
        self.files.iter().any(|f| f.outcome.is_none())
    }

    /// The stored files, for the message.
    pub fn ready(&self) -> Vec<Attachment> {
        self.files
            .iter()
            .filter_map(|f| f.outcome.clone()?.ok())
            .collect()
    }

    /// Sent: the next message starts without files.
    pub fn clear(&mut self) {
        self.files.clear();
    }
}

/// "1.5 MB" and the like, for file cards.
pub fn file_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

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

/// What the channel list shows of a message: its text as plain words (no
/// Markdown), or its files when it has no text.
pub fn message_preview(message: &Message) -> String {
    let files: Vec<&str> = message
        .attachments
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    preview_of(&message.text, &files, message.deleted_at.is_some())
}

/// The same, from a message's parts (the server has no app `Message`).
pub fn preview_of(text: &str, file_names: &[&str], deleted: bool) -> String {
    if deleted {
        return "This message was deleted.".into();
    }
    let words = preview(text);
    match file_names {
        _ if !words.is_empty() => words,
        [] => String::new(),
        [one] => shorten(&format!("📎 {one}")),
        [first, rest @ ..] => shorten(&format!(
            "📎 {first} and {} more {}",
            rest.len(),
            if rest.len() == 1 { "file" } else { "files" }
        )),
    }
}

/// A message's text as one short line of plain words (no Markdown), for
/// lists and notifications.
pub fn preview(text: &str) -> String {
    shorten(&markdown::plain(text))
}

fn shorten(line: &str) -> String {
    const MAX: usize = 80;
    if line.chars().count() > MAX {
        let cut: String = line.chars().take(MAX - 1).collect();
        format!("{cut}…")
    } else {
        line.to_string()
    }
}

/// Where a client begins after signing in: the conversation waiting for
/// them (on a first sign-in, the one holding their welcome message), however
/// many they have; with nothing unread, their only conversation if they
/// have one. `None` leaves them at the list.
pub fn landing(channels: &[ChannelSummary]) -> Option<String> {
    let list = ChannelList::new(channels.to_vec());
    let waiting = list.channels.iter().find(|c| c.unread_count > 0);
    let only = match list.channels.as_slice() {
        [only] => Some(only),
        _ => None,
    };
    waiting
        .or(only)
        .map(|channel| format!("/messages/{}", channel.id))
}

/// Where to go after signing in: the page that asked for it (a link from an
/// e-mail, say) when it is one of ours, else Messages. Only a plain path of
/// this site is followed: anything a browser could read as another host
/// (`//host`, `/\\host`, absolute URLs), and anything it would clean up
/// into one (backslashes, control characters, which browsers drop from
/// URLs, and encoded slashes, backslashes and controls) is ignored.
pub fn after_sign_in(next: Option<&str>) -> String {
    match next {
        Some(path) if is_own_page(path) => path.to_string(),
        _ => "/messages".to_string(),
    }
}

/// The sign-in page that leads back to `here` (a path of this site, with
/// its query if any) once the person has signed in again; `after_sign_in`
/// decides whether it is followed. Escaped so that `here` comes back whole
/// from the query: `%`, `&`, `+` and `#` would otherwise be read as an
/// escape, the next parameter, a space or a fragment.
pub fn sign_in_returning_to(here: &str) -> String {
    let mut next = String::with_capacity(here.len());
    for c in here.chars() {
        match c {
            '%' => next.push_str("%25"),
            '&' => next.push_str("%26"),
            '+' => next.push_str("%2B"),
            '#' => next.push_str("%23"),
            c => next.push(c),
        }
    }
    format!("/sign-in?next={next}")
}

fn is_own_page(path: &str) -> bool {
    let plain = path.starts_with('/')
        && !path.starts_with("//")
        && path.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    let lower = path.to_ascii_lowercase();
    // Percent-escapes of `/`, `\`, `%` (a second round of decoding) and
    // control characters (`%00`–`%1f`, `%7f`).
    let encoded_trick = ["%2f", "%5c", "%25", "%7f", "%0", "%1"]
        .iter()
        .any(|escape| lower.contains(escape));
    plain && !encoded_trick && !path.starts_with("/sign-in")
}

/// What a desktop notification says about a message.
pub fn notification_body(message: &Message) -> String {
    match (message.text.trim().is_empty(), message.attachments.len()) {
        (false, _) => preview(&message.text),
        (true, 1) => "Sent a file".into(),
        (true, n) => format!("Sent {n} files"),
    }
}

/// Why these clients cannot be one group, if they cannot: the clients of a
/// group must share a company. Checked before submitting; the server checks
/// again.
pub fn group_problem(clients: &[ClientSummary]) -> Option<String> {
    let (first, rest) = clients.split_first()?;
    if rest.is_empty() {
        return None;
    }
    let shared = first
        .company_ids
        .iter()
        .any(|company| rest.iter().all(|c| c.company_ids.contains(company)));
    if shared {
        return None;
    }
    let names: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
    Some(format!(
        "{} are not in the same company. The clients of a group conversation must all belong to one company.",
        names.join(", ")
    ))
}

/// Clients whose name, e-mail or company matches the search, ignoring case.
pub fn matching_clients<'a>(clients: &'a [ClientSummary], search: &str) -> Vec<&'a ClientSummary> {
    let search = search.trim().to_lowercase();
    clients
        .iter()
        .filter(|c| {
            search.is_empty()
                || c.name.to_lowercase().contains(&search)
                || c.email.to_lowercase().contains(&search)
                || c.company_names
                    .iter()
                    .any(|n| n.to_lowercase().contains(&search))
        })
        .collect()
}

/// Up to two initials for an avatar.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// How many avatar colours the stylesheet has (`.avatar.tone-N`). Colours
/// are classes, not inline styles: the pages' Content-Security-Policy
/// allows no inline style.
pub const AVATAR_TONES: u32 = 12;

/// A stable colour for someone's avatar, from their id: one of the
/// stylesheet's `AVATAR_TONES`.
pub fn avatar_tone(id: &str) -> u32 {
    id.bytes().fold(7u32, |hash, b| {
        hash.wrapping_mul(31).wrapping_add(u32::from(b))
    }) % AVATAR_TONES
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: &str, sender: &str, text: &str, at: &str) -> Message {
        Message {
            id: id.into(),
            channel_id: "c1".into(),
            sender_id: sender.into(),
            text: text.into(),
            created_at: at.into(),
            updated_at: at.into(),
            deleted_at: None,
            is_welcome: false,
            attachments: vec![],
        }
    }

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
        timeline.created(message("m2", "me", "hello", "2"));
        timeline.confirm("k1", message("m2", "me", "hello", "2"));
        assert_eq!(ids(&timeline), ["m2"]);
        // Acknowledgement before echo.
        let mut timeline = Timeline::default();
        timeline.add_pending(message("local", "me", "again", "3"), "k2".into());
        timeline.confirm("k2", message("m3", "me", "again", "3"));
        timeline.created(message("m3", "me", "again", "3"));
        assert_eq!(ids(&timeline), ["m3"]);
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

    fn drawn(rows: &[Row]) -> Vec<String> {
        rows.iter()
            .map(|row| match row {
                Row::Day(day) => format!("[{day}]"),
                Row::NewMessages => "--new--".into(),
                Row::Line {
                    entry,
                    seen,
                    continued,
                } => format!(
                    "{}{}{}",
                    if *continued { "  " } else { "" },
                    entry.message.id,
                    if *seen { " (seen)" } else { "" }
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
        let rows = timeline.rows("me", Some("m3"), first_unread.as_deref(), Zone::Utc);
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
        let plain = drawn(&timeline.rows("me", None, None, Zone::Utc));
        assert!(!plain.iter().any(|r| r.contains("seen") || r == "--new--"));
    }

    fn stored(id: &str) -> Attachment {
        Attachment {
            id: id.into(),
            name: format!("{id}.pdf"),
            size: 10,
            content_type: "application/pdf".into(),
            width: None,
            height: None,
            download_url: format!("/v1/attachments/{id}/content"),
            thumbnail_url: None,
        }
    }

    #[test]
    fn a_message_waits_for_its_uploads_and_takes_only_stored_files() {
        let mut uploads = Uploads::default();
        let tax = uploads.add("tax.pdf".into());
        let huge = uploads.add("huge.iso".into());
        uploads.progress(tax, 0.5);
        assert!(uploads.busy());
        uploads.finish(tax, Ok(stored("a1")));
        uploads.finish(huge, Err("too large".into()));
        assert!(!uploads.busy());
        assert_eq!(uploads.ready(), vec![stored("a1")]);
        uploads.remove(huge);
        assert_eq!(uploads.files.len(), 1);
        uploads.clear();
        assert!(uploads.ready().is_empty());
    }

    #[test]
    fn file_sizes_read_naturally() {
        assert_eq!(file_size(999), "999 B");
        assert_eq!(file_size(1_500), "1.5 KB");
        assert_eq!(file_size(209_715_200), "209.7 MB");
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
            drawn(&timeline.rows("me", None, None, Zone::Utc)),
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
            drawn(&timeline.rows("me", None, Some("m2"), Zone::Utc))[1..4],
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
            drawn(&timeline.rows("me", None, None, Zone::Utc)),
            ["[25 Nov 2026]", "m1", "  local"]
        );
    }

    fn channel(id: &str, title: &str, last: Option<&str>) -> ChannelSummary {
        ChannelSummary {
            id: id.into(),
            membership_type: "individual".into(),
            title: title.into(),
            last_message_date: last.map(Into::into),
            preview: None,
            last_message_id: None,
            unread_count: 0,
            member_ids: vec![],
        }
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

    fn client(name: &str, companies: &[&str]) -> ClientSummary {
        ClientSummary {
            id: name.to_lowercase(),
            name: name.into(),
            email: format!("{}@example.com", name.to_lowercase()),
            status: "active".into(),
            company_ids: companies.iter().map(|c| c.to_string()).collect(),
            company_names: companies.iter().map(|c| format!("{c} Ltd")).collect(),
            invite_url: None,
        }
    }

    #[test]
    fn a_group_needs_one_company_shared_by_every_client() {
        let ann = client("Ann", &["acme"]);
        let bob = client("Bob", &["acme", "globex"]);
        let cat = client("Cat", &["globex"]);
        assert_eq!(group_problem(&[]), None);
        assert_eq!(group_problem(std::slice::from_ref(&ann)), None);
        assert_eq!(group_problem(&[ann.clone(), bob.clone()]), None);
        assert_eq!(group_problem(&[bob.clone(), cat.clone()]), None);
        let problem = group_problem(&[ann, bob, cat]).unwrap();
        assert!(
            problem.starts_with("Ann, Bob, Cat are not in the same company"),
            "{problem}"
        );
    }

    #[test]
    fn clients_are_found_by_name_email_or_company() {
        let clients = [client("Ann", &["acme"]), client("Bob", &["globex"])];
        let names = |search: &str| -> Vec<String> {
            matching_clients(&clients, search)
                .into_iter()
                .map(|c| c.name.clone())
                .collect()
        };
        assert_eq!(names("ann"), ["Ann"]);
        assert_eq!(names("BOB@"), ["Bob"]);
        assert_eq!(names("globex ltd"), ["Bob"]);
        assert_eq!(names(" ").len(), 2);
    }

    #[test]
    fn avatars_have_initials_and_a_stable_colour() {
        assert_eq!(initials("ann   de la cruz"), "AD");
        assert_eq!(initials(""), "");
        assert_eq!(avatar_tone("user-1"), avatar_tone("user-1"));
        assert!(avatar_tone("user-1") < AVATAR_TONES);
        let stylesheet = include_str!("../../style/parlor.css");
        for tone in 0..AVATAR_TONES {
            assert!(
                stylesheet.contains(&format!(".avatar.tone-{tone} {{")),
                "the stylesheet has no colour for avatar tone {tone}"
            );
        }
    }

    #[test]
    fn a_client_lands_in_the_conversation_waiting_for_them() {
        let mut welcome = channel("w", "Ledger & Co", Some("2026-01-01T00:00:00.000Z"));
        welcome.unread_count = 1;
        let group = channel("g", "Ann, Bob", Some("2026-01-02T00:00:00.000Z"));
        let company = channel("c", "Acme", None);
        assert_eq!(
            landing(&[group.clone(), welcome.clone(), company.clone()]).as_deref(),
            Some("/messages/w")
        );
        welcome.unread_count = 0;
        assert_eq!(landing(&[group.clone(), welcome]), None);
        assert_eq!(landing(&[group]).as_deref(), Some("/messages/g"));
        assert_eq!(landing(&[]), None);
    }

    #[test]
    fn the_sign_in_page_carries_the_page_to_come_back_to() {
        assert_eq!(
            sign_in_returning_to("/messages/ch_1"),
            "/sign-in?next=/messages/ch_1"
        );
        // A query of its own stays in `next` rather than becoming the
        // sign-in page's parameters; escapes stay escapes.
        assert_eq!(
            sign_in_returning_to("/clients?q=a&b+c"),
            "/sign-in?next=/clients?q=a%26b%2Bc"
        );
        assert_eq!(
            sign_in_returning_to("/messages/caf%C3%A9"),
            "/sign-in?next=/messages/caf%25C3%25A9"
        );
    }

    #[test]
    fn signing_in_returns_to_the_page_that_asked_but_never_off_the_site() {
        assert_eq!(after_sign_in(Some("/messages/ch_1")), "/messages/ch_1");
        assert_eq!(
            after_sign_in(Some("/clients/c_1?tab=files#top")),
            "/clients/c_1?tab=files#top"
        );
        assert_eq!(after_sign_in(None), "/messages");
        for outside in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "/sign-in",
            "/sign-in?next=/messages",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/%2Fevil.example",
            "/%2fevil.example",
            "/%5Cevil.example",
            "/%09/evil.example",
            "/%252F%252Fevil.example",
            "/messages\\..\\..\\evil",
            " //evil.example",
            "/\u{0}",
            "/messages/\u{202e}x",
            "https:/evil.example",
            "/messages/ch_1#\r\n",
        ] {
            assert_eq!(after_sign_in(Some(outside)), "/messages", "{outside}");
        }
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

    #[test]
    fn a_files_only_message_previews_as_its_files() {
        assert_eq!(preview_of("", &["tax.pdf"], false), "📎 tax.pdf");
        assert_eq!(
            preview_of(" ", &["a.pdf", "b.png", "c.txt"], false),
            "📎 a.pdf and 2 more files"
        );
        assert_eq!(preview_of("see this", &["a.pdf"], false), "see this");
        assert_eq!(preview_of("", &[], false), "");
    }

    #[test]
    fn previews_are_one_short_line() {
        assert_eq!(preview("short"), "short");
        let long = "x".repeat(200);
        assert_eq!(preview(&long).chars().count(), 80);
        assert!(preview(&long).ends_with('…'));
    }
}
