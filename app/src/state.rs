//! The browser's view of the conversation and the channel list, as pure
//! data: what the realtime socket and the user's own sends do to them. Kept
//! free of signals and the DOM so it is tested as plain Rust.

use crate::model::{Attachment, ChannelSummary, ClientSummary, Message};

/// How a message the user sent is doing.
#[derive(Clone, Debug, PartialEq)]
pub enum Delivery {
    /// Acknowledged by the server.
    Sent,
    /// Shown at once, not yet acknowledged.
    Sending,
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
            e.delivery == Delivery::Sending
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
    Line { entry: Box<Entry>, seen: bool },
}

impl Row {
    /// A key that changes whenever the row must be redrawn.
    pub fn key(&self) -> String {
        match self {
            Row::Day(day) => format!("day {day}"),
            Row::NewMessages => "new".into(),
            Row::Line { entry, seen } => format!(
                "{} {} {:?} {seen} {}",
                entry.message.id,
                entry.message.updated_at,
                entry.delivery,
                entry.message.deleted_at.is_some()
            ),
        }
    }
}

impl Timeline {
    pub fn rows(&self, me: &str, seen_up_to: Option<&str>, first_unread: Option<&str>) -> Vec<Row> {
        let seen_index =
            seen_up_to.and_then(|id| self.entries.iter().position(|e| e.message.id == id));
        let seen_line = seen_index.and_then(|limit| {
            self.entries[..=limit]
                .iter()
                .rposition(|e| e.message.sender_id == me)
        });
        let mut rows = Vec::with_capacity(self.entries.len() + 4);
        let mut day = None;
        for (index, entry) in self.entries.iter().enumerate() {
            // Pending lines have no time yet: they belong to the day before them.
            let this_day = day_label(&entry.message.created_at);
            if this_day.is_some() && this_day != day {
                rows.push(Row::Day(this_day.clone().unwrap_or_default()));
                day = this_day;
            }
            if first_unread == Some(entry.message.id.as_str()) {
                rows.push(Row::NewMessages);
            }
            rows.push(Row::Line {
                entry: Box::new(entry.clone()),
                seen: seen_line == Some(index),
            });
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

/// "25 Nov 2026" for an RFC 3339 time (UTC, as the API sends it).
pub fn day_label(created_at: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let year = created_at.get(0..4)?;
    let month: usize = created_at.get(5..7)?.parse().ok()?;
    let day: u32 = created_at.get(8..10)?.parse().ok()?;
    Some(format!(
        "{day} {} {year}",
        MONTHS.get(month.checked_sub(1)?)?
    ))
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
        channel.preview = Some(preview(&message.text));
        channel.last_message_date = Some(message.created_at.clone());
        if message.sender_id != me && open_channel != Some(channel.id.as_str()) {
            channel.unread_count += 1;
        }
        sort_newest_first(&mut self.channels);
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

/// The first line of a message, short enough for the channel list.
pub fn preview(text: &str) -> String {
    const MAX: usize = 80;
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > MAX {
        let cut: String = line.chars().take(MAX - 1).collect();
        format!("{cut}…")
    } else {
        line.to_string()
    }
}

/// Where to go after signing in: the page that asked for it (a link from an
/// e-mail, say) when it is one of ours, else Messages. Anything that could
/// leave the site (`//host`, `/\host`, absolute URLs) is ignored.
pub fn after_sign_in(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.starts_with("/sign-in") =>
        {
            path.to_string()
        }
        _ => "/messages".to_string(),
    }
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

/// A stable colour for someone's avatar, from their id.
pub fn avatar_hue(id: &str) -> u32 {
    id.bytes().fold(7u32, |hash, b| {
        hash.wrapping_mul(31).wrapping_add(u32::from(b))
    }) % 360
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
                Row::Line { entry, seen } => {
                    format!("{}{}", entry.message.id, if *seen { " (seen)" } else { "" })
                }
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
        let rows = timeline.rows("me", Some("m3"), first_unread.as_deref());
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
        let plain = drawn(&timeline.rows("me", None, None));
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
    fn day_labels_come_from_the_date() {
        assert_eq!(
            day_label("2026-01-05T00:00:00.000Z").as_deref(),
            Some("5 Jan 2026")
        );
        assert_eq!(day_label(""), None);
        assert_eq!(day_label("2026-13-05T00:00:00.000Z"), None);
    }

    fn channel(id: &str, title: &str, last: Option<&str>) -> ChannelSummary {
        ChannelSummary {
            id: id.into(),
            membership_type: "individual".into(),
            title: title.into(),
            last_message_date: last.map(Into::into),
            preview: None,
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
        assert_eq!(list.channels[0].preview.as_deref(), Some("Can we talk?"));
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
        assert_eq!(avatar_hue("user-1"), avatar_hue("user-1"));
        assert!(avatar_hue("user-1") < 360);
    }

    #[test]
    fn signing_in_returns_to_the_page_that_asked_but_never_off_the_site() {
        assert_eq!(after_sign_in(Some("/messages/ch_1")), "/messages/ch_1");
        assert_eq!(after_sign_in(None), "/messages");
        for outside in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "/sign-in",
        ] {
            assert_eq!(after_sign_in(Some(outside)), "/messages", "{outside}");
        }
    }

    #[test]
    fn previews_are_one_short_line() {
        assert_eq!(preview("short"), "short");
        let long = "x".repeat(200);
        assert_eq!(preview(&long).chars().count(), 80);
        assert!(preview(&long).ends_with('…'));
    }
}
