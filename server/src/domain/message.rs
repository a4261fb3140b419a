use serde::Serialize;
use utoipa::ToSchema;

use super::attachment::Attachment;
use super::reaction::Reaction;
use super::{Timestamp, UserType};
use crate::error::{Error, Result};

/// A message in a channel. A deleted message stays as a tombstone with empty
/// text so history keeps its order. What it said before an edit or a delete
/// is kept as its earlier versions (`message_version`), for staff only.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: String,
    #[schema(value_type = String, example = "message")]
    pub object: &'static str,
    pub channel_id: String,
    pub sender_id: String,
    pub sender_type: UserType,
    /// May be empty when the message carries files.
    pub text: String,
    pub is_attachment_included: bool,
    /// The files sent with the message, in the order they were listed.
    pub attachments: Vec<Attachment>,
    /// True for the welcome message that opens every channel.
    pub is_welcome: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
    /// When its text was last edited; null when it never was, and on a
    /// deleted message. Everyone who sees the message sees that it was
    /// edited; internal users may read what it said before
    /// (`GET /v1/messages/{id}/versions`).
    pub edited_at: Option<Timestamp>,
    /// Who deleted it. Only for internal users, and only in what they read
    /// (never in realtime frames or webhooks, which may reach clients).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_by: Option<String>,
    /// `email` when the message arrived as a reply by e-mail; absent when it
    /// was sent in the portal or through the API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_via: Option<SentVia>,
    /// An internal note: only the internal users who see the channel see it.
    pub is_internal: bool,
    /// The `Idempotency-Key` it was sent with, if any: a sender's own copy
    /// shown before the answer came is matched by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// Who reacted with what: each emoji once, in the order first used,
    /// with the people who chose it, first to react first.
    pub reactions: Vec<Reaction>,
}

/// How a message other than one sent in the portal or the API arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum SentVia {
    /// A reply to one of Parlor's e-mails.
    Email,
}

impl SentVia {
    pub fn as_str(self) -> &'static str {
        match self {
            SentVia::Email => "email",
        }
    }

    /// The stored value; anything unknown reads as the portal.
    pub fn from_stored(stored: Option<&str>) -> Option<SentVia> {
        match stored {
            Some("email") => Some(SentVia::Email),
            _ => None,
        }
    }
}

/// Message text: bounded in length, and not blank unless the message
/// carries files.
#[derive(Debug, Clone)]
pub struct MessageText(String);

impl MessageText {
    pub fn parse(raw: &str, max_chars: usize) -> Result<MessageText> {
        Self::parse_with_files(raw, max_chars, false)
    }

    pub fn parse_with_files(raw: &str, max_chars: usize, has_files: bool) -> Result<MessageText> {
        super::values::check_free_text("text", raw)?;
        if raw.trim().is_empty() {
            if has_files {
                return Ok(MessageText(String::new()));
            }
            return Err(Error::invalid("text must not be empty"));
        }
        let chars = raw.chars().count();
        if chars > max_chars {
            return Err(Error::PayloadTooLarge(format!(
                "text is {chars} characters long; the limit is {max_chars}"
            )));
        }
        Ok(MessageText(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_text_is_refused() {
        assert!(MessageText::parse(" \n\t", 10).is_err());
    }

    #[test]
    fn blank_text_is_fine_next_to_files() {
        assert_eq!(
            MessageText::parse_with_files(" ", 10, true)
                .unwrap()
                .as_str(),
            ""
        );
    }

    #[test]
    fn text_over_the_limit_is_too_large() {
        let err = MessageText::parse("ééééé", 4).unwrap_err();
        assert!(matches!(err, Error::PayloadTooLarge(_)), "{err:?}");
        assert!(
            MessageText::parse("éééé", 4).is_ok(),
            "the limit counts characters, not bytes"
        );
    }
}
