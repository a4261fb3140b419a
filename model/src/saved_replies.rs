//! Saved replies as Settings → Saved replies and the composer's picker show
//! them, and what staff ask there.

use serde::{Deserialize, Serialize};

use crate::Attachment;

/// One saved reply: its template as written, not filled in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedReplySummary {
    pub id: String,
    pub title: String,
    pub text: String,
    pub is_shared: bool,
    pub files: Vec<SavedReplyFileSummary>,
}

/// A file of a saved reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedReplyFileSummary {
    pub id: String,
    pub name: String,
    pub size: u64,
}

/// The saved replies a person may use, and whether they may share new ones.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedReplies {
    pub replies: Vec<SavedReplySummary>,
    /// Admins make and change the shared replies.
    pub may_share: bool,
    /// Most files one reply carries.
    pub max_files: usize,
}

/// A reply being saved: a new one when `id` is absent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedReplyDraft {
    #[serde(default)]
    pub id: Option<String>,
    pub title: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub is_shared: bool,
    /// Its files: ids of files it has, and of the person's new uploads. An
    /// empty list is left out of the form encoding.
    #[serde(default)]
    pub attachment_ids: Vec<String>,
}

/// A saved reply as it goes into a message: its text filled in for the
/// conversation, and its files as the person's fresh uploads.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InsertedReply {
    pub text: String,
    pub attachments: Vec<Attachment>,
}
