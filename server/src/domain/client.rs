use serde::Serialize;
use utoipa::ToSchema;

use super::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ClientStatus {
    NotInvited,
    Invited,
    Active,
}

impl ClientStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ClientStatus::NotInvited => "notInvited",
            ClientStatus::Invited => "invited",
            ClientStatus::Active => "active",
        }
    }

    pub fn from_stored(value: &str) -> ClientStatus {
        match value {
            "active" => ClientStatus::Active,
            "invited" => ClientStatus::Invited,
            _ => ClientStatus::NotInvited,
        }
    }
}

/// A person outside the business who talks with it through the portal.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Client {
    pub id: String,
    #[schema(value_type = String, example = "client")]
    pub object: &'static str,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    /// The first of `companyIds` (kept for older integrations).
    pub company_id: String,
    pub company_ids: Vec<String>,
    pub status: ClientStatus,
    pub fallback_color: String,
    /// Single-use link that lets the client set a password; present until they do.
    pub invite_url: Option<String>,
    pub avatar_image_url: Option<String>,
    pub first_login_date: Option<Timestamp>,
    pub last_login_date: Option<Timestamp>,
    pub creation_method: &'static str,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Client {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}
