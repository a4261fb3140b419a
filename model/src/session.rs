//! Who is signed in, and the ways in: sign-in, invitations, first-run setup.

use serde::{Deserialize, Serialize};

use crate::conversations::ChannelSummary;

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
    /// The workspace's accent colour, `#rrggbb`, set on the page's root.
    #[serde(default)]
    pub brand_color: String,
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
    /// The realtime cursor as it stood before anything here was read: the
    /// page's socket resumes from it, so what happens while the page loads
    /// (before its socket is open) still reaches it.
    pub cursor: String,
}

/// What the server found about the session before rendering a page (put
/// into the request's extensions): `None` when nobody is signed in.
#[derive(Clone, Debug)]
pub struct Preloaded(pub Option<SessionStart>);

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
