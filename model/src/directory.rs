//! The clients and companies staff work with.

use serde::{Deserialize, Serialize};

use crate::conversations::ChannelSummary;

/// A client as the Clients page lists them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientSummary {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub given_name: String,
    #[serde(default)]
    pub family_name: String,
    pub email: String,
    /// `notInvited`, `invited` or `active`.
    pub status: String,
    pub company_ids: Vec<String>,
    /// The client's companies, by name, placeholders left out.
    pub company_names: Vec<String>,
    pub invite_url: Option<String>,
    /// When the client last signed in (RFC 3339), if ever.
    #[serde(default)]
    pub last_sign_in: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanySummary {
    pub id: String,
    pub name: String,
    pub is_placeholder: bool,
    /// How many of the caller's visible clients belong to the company (0 where
    /// a screen offers companies only as choices and does not count them).
    #[serde(default)]
    pub client_count: usize,
    #[serde(default)]
    pub icon_image_url: Option<String>,
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
    /// Existing companies, besides `company_id`.
    #[serde(default)]
    pub company_ids: Vec<String>,
    /// A company to put the client in, made if none has this name yet.
    #[serde(default)]
    pub new_company: Option<String>,
}

/// A client's name and companies, as edited on their page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientChanges {
    pub given_name: String,
    pub family_name: String,
    /// Replaces the client's companies; none gives them a placeholder.
    #[serde(default)]
    pub company_ids: Vec<String>,
}

/// A company made on the Companies page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewCompany {
    pub name: String,
}

/// A company's name and icon, as edited on its page. An empty icon
/// address leaves the icon as it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyChanges {
    pub name: String,
    #[serde(default)]
    pub icon_image_url: Option<String>,
}

/// One company and its clients, as its page shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyPage {
    pub company: CompanySummary,
    pub clients: Vec<ClientSummary>,
}

/// One client and the channels they are in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientChannels {
    pub client: ClientSummary,
    pub channels: Vec<ChannelSummary>,
}
