//! Channels, messages and what happens in them.

use serde::{Deserialize, Serialize};

/// Someone who can appear in a conversation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Person {
    pub id: String,
    pub name: String,
    pub is_staff: bool,
}

/// A channel as the channel list shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelSummary {
    pub id: String,
    /// `individual`, `group` or `company`.
    pub membership_type: String,
    /// The client's name, the company's name, or the group's members.
    pub title: String,
    pub last_message_date: Option<String>,
    /// The newest message's text, shortened.
    pub preview: Option<String>,
    /// The newest message, whose edits and deletes the preview follows.
    #[serde(default)]
    pub last_message_id: Option<String>,
    pub unread_count: i64,
    pub member_ids: Vec<String>,
    /// Staff only: the internal user who owns the conversation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<String>,
    /// Staff only: `open`, `waiting` or `done`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Staff only: since when a client has waited for an answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub awaiting_reply_since: Option<String>,
    /// Staff only: until when it is snoozed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<String>,
}

/// A message, as the /v1 API and the realtime socket send it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: String,
    pub channel_id: String,
    pub sender_id: String,
    pub text: String,
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default)]
    pub deleted_at: Option<String>,
    /// When its text was last edited: shown as "edited" to everyone.
    #[serde(default)]
    pub edited_at: Option<String>,
    /// Staff only: who deleted it. Realtime frames never carry it; the
    /// staff's app asks for the message when one says it was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_by: Option<String>,
    #[serde(default)]
    pub is_welcome: bool,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// `email` for a reply by e-mail; absent for the portal and the API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_via: Option<String>,
    /// An internal note, which only staff see.
    #[serde(default)]
    pub is_internal: bool,
    /// The key it was sent with: the sender's own copy, shown before the
    /// server answered, is found by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// Who reacted with what, each emoji once, in the order first used.
    #[serde(default)]
    pub reactions: Vec<Reaction>,
}

/// Staff only: one earlier text of a message, and the change that
/// replaced it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageVersion {
    pub text: String,
    /// `edit`, or `delete` for what a deleted message said last.
    pub change: String,
    /// Who made the change.
    pub edited_by: String,
    /// When (RFC 3339).
    pub edited_at: String,
}

/// The reactions Parlor offers, in the order the picker shows them. The
/// server refuses any other (`domain::reaction`); the app offers these.
pub const REACTIONS: [&str; 6] = ["👍", "❤️", "😂", "🎉", "😮", "🙏"];

/// One emoji on a message: how many reacted with it, and who.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    pub emoji: String,
    pub count: u32,
    pub user_ids: Vec<String>,
}

/// A file on a message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    pub id: String,
    pub name: String,
    pub size: u64,
    pub content_type: String,
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    pub download_url: String,
    #[serde(default)]
    pub thumbnail_url: Option<String>,
}

/// A page of history, newest first as the API pages it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessagePage {
    pub data: Vec<Message>,
    pub next_token: Option<String>,
}

/// An opened channel: its summary, its newest messages and who is in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    pub channel: ChannelSummary,
    pub history: MessagePage,
    pub people: Vec<Person>,
    /// The newest message someone else has read.
    pub seen_up_to: Option<String>,
    /// Staff only: how far each client of the channel has read, and when
    /// ("Seen by Ann · 14:02"). Empty for clients.
    #[serde(default)]
    pub client_reads: Vec<ClientRead>,
    /// The realtime cursor as it stood before the history was read: a page
    /// whose socket heard of later events while this was on its way reads
    /// the newest messages again.
    pub cursor: String,
}

/// A client's read marker in a channel, as staff see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientRead {
    pub user_id: String,
    pub name: String,
    /// The newest message they have read.
    pub message_id: String,
    /// When they last read the channel (RFC 3339).
    pub read_at: String,
}

/// A channel where clients wrote, for the staff's notification centre.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientActivity {
    pub channel_id: String,
    /// Messages from clients there that the staff member has not read.
    pub unread_count: i64,
    /// The newest message a client sent there.
    pub message_id: String,
    pub sender_id: String,
    pub sender_name: String,
    pub text: String,
    pub created_at: String,
}

/// A notification an integration sent to this person (`/v1/notifications`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub id: String,
    pub title: String,
    pub body: Option<String>,
    pub is_read: bool,
    pub created_at: String,
}

/// A message its author scheduled, waiting to be sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scheduled {
    pub id: String,
    pub channel_id: String,
    pub text: String,
    pub is_internal: bool,
    /// When it goes (RFC 3339, UTC).
    pub scheduled_at: String,
    /// The time zone its author chose the time in.
    pub time_zone: String,
    /// Why it could not be sent, if it could not.
    pub failure: Option<String>,
}
