//! Search results, as the search page shows them.

use serde::{Deserialize, Serialize};

use crate::Message;

/// What the search page asks: the words, and the filters set (empty:
/// not set).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchQuery {
    pub q: String,
    #[serde(default)]
    pub channel_id: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub company_id: String,
    /// A date (`2024-01-31`), the first day searched.
    #[serde(default)]
    pub since: String,
    /// A date, the last day searched.
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub has_files: bool,
    /// Where the previous page ended.
    #[serde(default)]
    pub next_token: String,
}

/// A piece of a result's snippet: the words around a hit, or the hit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnippetPart {
    pub text: String,
    pub is_match: bool,
}

/// A message found, with where it is and who wrote it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub message: Message,
    /// The conversation's title, as the channel list shows it.
    pub channel_title: String,
    pub sender_name: String,
    pub snippet: Vec<SnippetPart>,
}

/// A page of results, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    pub data: Vec<SearchHit>,
    pub next_token: Option<String>,
}
