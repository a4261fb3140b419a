use serde::Serialize;
use utoipa::ToSchema;

use super::Timestamp;

/// The accent colour of a workspace that has not chosen one.
pub const DEFAULT_BRAND_COLOR: &str = "#2F4AC0";

/// The one workspace of a deployment.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    pub id: String,
    #[schema(value_type = String, example = "workspace")]
    pub object: &'static str,
    pub brand_name: String,
    /// Where clients and staff sign in.
    pub portal_url: String,
    pub is_companies_enabled: bool,
    /// The accent colour of the web app and e-mails, `#RRGGBB`.
    #[schema(example = "#2F4AC0")]
    pub brand_color: String,
    /// The workspace's logo, an http(s) URL; `null`: none (the brand name shows).
    pub logo_image_url: Option<String>,
    /// The sender's name on e-mails; `null`: the brand name.
    pub email_sender_name: Option<String>,
    /// Where replies to e-mails go (`Reply-To`); `null`: no `Reply-To`, so
    /// replies go to the server's sending address.
    pub email_reply_to: Option<String>,
    /// Whether e-mails about unread messages quote the messages' text;
    /// `false` (the default): they name the senders and count the messages.
    pub email_includes_message_text: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
