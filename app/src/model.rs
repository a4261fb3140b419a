//! What the web app shows, as it travels between server and browser. The
//! shapes follow the /v1 API's JSON, so realtime frames decode into them too;
//! fields the app does not use are ignored.

use serde::{Deserialize, Serialize};

/// The signed-in person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: String,
    pub name: String,
    /// Staff see the Clients page and the + menu; clients do not.
    pub is_staff: bool,
    pub is_admin: bool,
    pub workspace_name: String,
    /// Sent as `X-CSRF-Token` with the page's own /v1 calls (file uploads).
    #[serde(default)]
    pub csrf_token: String,
    /// Where a sign-in lands when no page asked for it.
    #[serde(default)]
    pub landing: Option<String>,
}

/// Who is signed in and their channels: what every signed-in page starts
/// from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionStart {
    pub me: Me,
    pub channels: Vec<ChannelSummary>,
}

/// What the server found about the session before rendering a page (put
/// into the request's extensions): `None` when nobody is signed in.
#[derive(Clone, Debug)]
pub struct Preloaded(pub Option<SessionStart>);

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
    #[serde(default)]
    pub is_welcome: bool,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
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
}

/// Whom an invitation greets, before they choose a password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub given_name: String,
    pub email: String,
    pub workspace_name: String,
}

/// First-run setup: the workspace and its first admin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Setup {
    pub workspace_name: String,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub password: String,
}

/// A client as the Clients page lists them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientSummary {
    pub id: String,
    pub name: String,
    pub email: String,
    /// `notInvited`, `invited` or `active`.
    pub status: String,
    pub company_ids: Vec<String>,
    /// The client's companies, by name, placeholders left out.
    pub company_names: Vec<String>,
    pub invite_url: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanySummary {
    pub id: String,
    pub name: String,
    pub is_placeholder: bool,
}

/// Everyone a staff member may reach.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Directory {
    pub clients: Vec<ClientSummary>,
    pub companies: Vec<CompanySummary>,
}

/// A client added from the Clients page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewClient {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    /// An existing company; none gives the client a placeholder company.
    #[serde(default)]
    pub company_id: Option<String>,
}

/// One client and the channels they are in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientChannels {
    pub client: ClientSummary,
    pub channels: Vec<ChannelSummary>,
}

/// The workspace's messaging settings, all saved together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// `individual` or `company`.
    pub default_channel_type: String,
    pub welcome_message: String,
    /// Bytes one person may keep uploaded (sent and not yet sent); `None`:
    /// no limit. Admins only may change it.
    #[serde(default)]
    pub person_file_quota_bytes: Option<u64>,
    /// Bytes the whole workspace may store; `None`: no limit.
    #[serde(default)]
    pub workspace_file_quota_bytes: Option<u64>,
}

/// An API key as the Settings page lists it (the API's shape).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyInfo {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    pub expired: bool,
    pub last_used_at: Option<String>,
    pub read_only: bool,
    pub send_as_others: bool,
    /// The secret: only in the answer that made the key.
    pub key: Option<String>,
}

/// An API key to make from the Settings page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewApiKey {
    pub name: String,
    pub expires_in_days: Option<i64>,
    pub read_only: bool,
    pub send_as_others: bool,
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

/// How someone hears by e-mail about unread messages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailPreferences {
    /// `every`, `digest` or `off`.
    pub unread_messages: String,
}

/// A failure the app can explain: the API's status and message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppError {
    pub status: u16,
    pub message: String,
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
