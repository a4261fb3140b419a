//! The workspace's settings, API keys and each person's e-mail preferences.

use serde::{Deserialize, Serialize};

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
    /// Messages older than this many months are deleted; `None`: kept.
    #[serde(default)]
    pub retention_months: Option<u64>,
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

/// How someone hears by e-mail about unread messages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailPreferences {
    /// `every`, `digest` or `off`.
    pub unread_messages: String,
}

/// The workspace's name and look.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Brand {
    pub brand_name: String,
    /// The accent colour, `#rrggbb`.
    pub brand_color: String,
    /// Empty: no logo.
    #[serde(default)]
    pub logo_image_url: String,
}

/// How the workspace's e-mails are sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailSender {
    /// Empty: the workspace's name.
    #[serde(default)]
    pub email_sender_name: String,
    /// Empty: no `Reply-To`.
    #[serde(default)]
    pub email_reply_to: String,
    /// Whether e-mails about unread messages quote the messages' text.
    #[serde(default)]
    pub email_includes_message_text: bool,
}

/// The Settings page's "Workspace & brand" and "E-mail" sections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSettings {
    pub brand: Brand,
    pub email: EmailSender,
}
