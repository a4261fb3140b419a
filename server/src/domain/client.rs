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
///
/// Other clients see only a client's public face (names, colour, avatar):
/// the fields marked "private" are then left out, and the nullable ones
/// are null.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Client {
    pub id: String,
    #[schema(value_type = String, example = "client")]
    pub object: &'static str,
    pub given_name: String,
    pub family_name: String,
    pub fallback_color: String,
    pub avatar_image_url: Option<String>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Private. The first of `companyIds` (kept for older integrations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_id: Option<String>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_ids: Option<Vec<String>>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ClientStatus>,
    /// Single-use link that lets the client set a password. A credential:
    /// only in an admin's answer to creating the client or to re-inviting
    /// them (`sendInvite=true`), while they have not chosen a password.
    pub invite_url: Option<String>,
    /// Private.
    pub first_login_date: Option<Timestamp>,
    /// Private.
    pub last_login_date: Option<Timestamp>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, example = "internalUser")]
    pub creation_method: Option<&'static str>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
}

impl Client {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }

    /// What another client may see: who they are, not how to reach them.
    pub fn into_public_face(self) -> Client {
        Client {
            id: self.id,
            object: self.object,
            given_name: self.given_name,
            family_name: self.family_name,
            fallback_color: self.fallback_color,
            avatar_image_url: self.avatar_image_url,
            email: None,
            company_id: None,
            company_ids: None,
            status: None,
            invite_url: None,
            first_login_date: None,
            last_login_date: None,
            creation_method: None,
            created_at: None,
            updated_at: None,
        }
    }
}
