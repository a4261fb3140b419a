//! A message's history: each text it no longer says, with the change that
//! replaced it. Kept for the firm's record; only staff read it
//! (`authz::sees_history`).

use serde::Serialize;
use utoipa::ToSchema;

use super::Timestamp;

/// One earlier text of a message.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MessageVersion {
    #[schema(value_type = String, example = "messageVersion")]
    pub object: &'static str,
    pub message_id: String,
    /// 1 for the text the message was sent with, then one more per change.
    pub version: i64,
    /// What the message said until this change.
    pub text: String,
    /// The change that replaced this text.
    pub change: VersionChange,
    /// Who made the change: an internal user's or a client's id.
    pub edited_by: String,
    pub edited_at: Timestamp,
}

/// How a text stopped being the message's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum VersionChange {
    /// Its author wrote something else.
    Edit,
    /// The message was deleted: this is what it said last.
    Delete,
}

impl VersionChange {
    pub fn as_str(self) -> &'static str {
        match self {
            VersionChange::Edit => "edit",
            VersionChange::Delete => "delete",
        }
    }

    /// The stored value; anything unknown reads as an edit, which claims
    /// the least about what happened.
    pub fn from_stored(stored: &str) -> VersionChange {
        match stored {
            "delete" => VersionChange::Delete,
            _ => VersionChange::Edit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_change_reads_back_as_itself() {
        for change in [VersionChange::Edit, VersionChange::Delete] {
            assert_eq!(VersionChange::from_stored(change.as_str()), change);
        }
        assert_eq!(VersionChange::from_stored("moved"), VersionChange::Edit);
    }
}
