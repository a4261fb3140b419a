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

/// A member of the service business's team.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InternalUser {
    pub id: String,
    #[schema(value_type = String, example = "internalUser")]
    pub object: &'static str,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub role: Role,
    pub fallback_color: String,
    /// When true, the user sees only clients of the companies in `companyAccessList`.
    pub is_client_access_limited: bool,
    pub company_access_list: Vec<String>,
    pub avatar_image_url: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The link where a new member chooses their password; only in the
    /// answer to the admin who created (or re-invited) them. It is also
    /// e-mailed to them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_url: Option<String>,
}
