//! The team (admins and staff) as the Team page shows it, and the changes
//! an admin makes there.

use serde::{Deserialize, Serialize};

use crate::directory::CompanySummary;

/// One member of the team.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamMember {
    pub id: String,
    pub name: String,
    pub email: String,
    /// `admin` or `staff`.
    pub role: String,
    /// `invited` (has not chosen a password yet) or `active`.
    pub status: String,
    /// When true, they see only the clients of `company_ids`.
    pub is_client_access_limited: bool,
    pub company_ids: Vec<String>,
    /// The companies of `company_ids`, by name.
    pub company_names: Vec<String>,
    /// The one looking at the page.
    pub is_me: bool,
}

/// The Team page: everyone, and the companies access may be limited to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    pub members: Vec<TeamMember>,
    pub companies: Vec<CompanySummary>,
    /// Whether the viewer may invite, change and remove (admins).
    pub may_manage: bool,
}

/// Who an admin invites: they get an e-mail and choose their own password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamInvite {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    /// `admin` or `staff`.
    pub role: String,
    #[serde(default)]
    pub is_client_access_limited: bool,
    #[serde(default)]
    pub company_ids: Vec<String>,
}

/// A member's role and which clients they see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamAccess {
    /// `admin` or `staff`.
    pub role: String,
    #[serde(default)]
    pub is_client_access_limited: bool,
    #[serde(default)]
    pub company_ids: Vec<String>,
}
