//! The clients and companies staff work with.

use serde::{Deserialize, Serialize};

use crate::conversations::ChannelSummary;

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
