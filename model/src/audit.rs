//! The audit log as Settings → Audit log shows it: each entry in words.

use serde::{Deserialize, Serialize};

/// One entry: who did what, to what, when and from where.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub id: String,
    /// RFC 3339.
    pub created_at: String,
    /// The action's name, e.g. `settings.updated`.
    pub action: String,
    /// What happened, in words: "Changed settings".
    pub what: String,
    /// Who, by their name when they did it: "Olivia Owner", "API key tests".
    pub who: String,
    /// What kind of actor: "Team member", "Client", "API key", …
    pub who_kind: String,
    /// The internal user, client or API key, to show only what they did.
    pub actor_id: Option<String>,
    /// What it was done to, in words: "Client Ann Rivera"; empty for nothing.
    pub target: String,
    /// Where from: the address and the door, e.g. "198.51.100.7 · web app".
    pub place: String,
    /// The browser or program, when known.
    pub user_agent: String,
    /// What else there is to know, a line each: "brandName: Ledger → Ledger & Co".
    pub details: Vec<String>,
}

/// One choice of a filter: its value and its label.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditChoice {
    pub value: String,
    pub label: String,
}

/// A page of the audit log, newest first, and what it may be filtered by.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditLog {
    pub entries: Vec<AuditEntry>,
    /// Where the older entries continue; none on the last page.
    pub next_token: Option<String>,
    /// Every action.
    pub actions: Vec<AuditChoice>,
    /// The team, the API keys, and whoever else acted on this page.
    pub people: Vec<AuditChoice>,
}
