use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Timestamp;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    Admin,
    Staff,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
        }
    }

    pub fn from_stored(value: &str) -> Role {
        if value == "admin" {
            Role::Admin
        } else {
            Role::Staff
        }
    }
}

/// How a stored row's role is read back.
impl From<String> for Role {
    fn from(stored: String) -> Role {
        Role::from_stored(&stored)
    }
}

/// A member of the service business's team.
///
/// Clients see only a team member's public face (names, colour, avatar):
/// the fields marked "private" are then left out.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InternalUser {
    pub id: String,
    #[schema(value_type = String, example = "internalUser")]
    pub object: &'static str,
    pub given_name: String,
    pub family_name: String,
    pub fallback_color: String,
    pub avatar_image_url: Option<String>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Private. When true, the user sees only clients of the companies in `companyAccessList`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_client_access_limited: Option<bool>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company_access_list: Option<Vec<String>>,
    /// Private. True until they accept their invitation and choose a
    /// password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation_pending: Option<bool>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// Private.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    /// The link where a new member chooses their password; only in the
    /// answer to the admin who created (or re-invited) them. It is also
    /// e-mailed to them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_url: Option<String>,
}

impl InternalUser {
    /// What a client may see: who they are talking with, not how to reach
    /// them, their standing, or what they may see.
    pub fn into_public_face(self) -> InternalUser {
        InternalUser {
            id: self.id,
            object: self.object,
            given_name: self.given_name,
            family_name: self.family_name,
            fallback_color: self.fallback_color,
            avatar_image_url: self.avatar_image_url,
            email: None,
            role: None,
            is_client_access_limited: None,
            company_access_list: None,
            invitation_pending: None,
            created_at: None,
            updated_at: None,
            invite_url: None,
        }
    }
}
