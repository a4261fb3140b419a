//! Saved replies: templates with the welcome message's variables, and files,
//! that staff insert into a message instead of typing it again.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::settings::validate_template;
use super::values::Name;
use super::Timestamp;
use crate::domain::attachment::Attachment;
use crate::error::{Error, Result};

/// Longest title, in characters: it names the reply in a short list.
pub const MAX_TITLE_CHARS: usize = 100;
/// Longest template, in characters; leaves room under the message limit
/// for the names filled in.
pub const MAX_TEXT_CHARS: usize = 5_000;
/// Most saved replies the shared list, or one person's own list, may hold.
pub const MAX_PER_LIST: i64 = 200;

/// A saved reply as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SavedReply {
    pub id: String,
    #[schema(value_type = String, example = "savedReply")]
    pub object: &'static str,
    /// What the picker shows.
    pub title: String,
    /// The template: Markdown with the welcome message's variables
    /// (`{{client.givenName}}`, `{{client.familyName}}`, `{{company.name}}`,
    /// `{{workspace.name}}`).
    pub text: String,
    /// Shared with every internal user (admins manage it); otherwise it is
    /// `ownerId`'s alone.
    pub is_shared: bool,
    /// The internal user a personal reply belongs to; null when shared.
    pub owner_id: Option<String>,
    /// The files inserted with it, in order.
    pub attachments: Vec<SavedReplyFile>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A file of a saved reply. Inserting the reply makes a fresh upload of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SavedReplyFile {
    /// Names the file in `attachmentIds` of `PATCH /v1/saved-replies/{id}`
    /// to keep it.
    pub id: String,
    pub name: String,
    pub size: u64,
    pub content_type: String,
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateSavedReply {
    pub title: String,
    /// May be empty when the reply has files.
    #[serde(default)]
    pub text: String,
    /// A shared reply (admins) rather than the caller's own.
    #[serde(default)]
    pub is_shared: bool,
    /// Files uploaded with `POST /v1/attachments` by the caller and not sent;
    /// they become the reply's.
    pub attachment_ids: Option<Vec<String>>,
}

/// Changes to a saved reply; absent fields stay as they are. Whether it is
/// shared does not change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateSavedReply {
    pub title: Option<String>,
    pub text: Option<String>,
    /// The reply's files from now on, in order: ids of its present files to
    /// keep, and of the caller's unsent uploads to add. Files left out are
    /// removed.
    pub attachment_ids: Option<Vec<String>>,
}

/// Where a saved reply is inserted: its variables are filled in for that
/// channel or client. With neither, the template comes back as it is, for
/// a mass message sent with `renderVariables`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenderSavedReply {
    pub channel_id: Option<String>,
    pub client_id: Option<String>,
}

/// A saved reply ready to send: the text, and fresh unsent uploads of the
/// caller's with the reply's files, for `attachmentIds`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenderedSavedReply {
    #[schema(value_type = String, example = "renderedSavedReply")]
    pub object: &'static str,
    pub text: String,
    pub attachment_ids: Vec<String>,
    /// The same uploads as `attachmentIds`, described.
    pub attachments: Vec<Attachment>,
}

/// A title: a name of at most `MAX_TITLE_CHARS` characters.
pub fn title(raw: &str) -> Result<String> {
    let title = Name::parse("title", raw)?.into_string();
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(Error::invalid(format!(
            "title must be at most {MAX_TITLE_CHARS} characters"
        )));
    }
    Ok(title)
}

/// A template, as the welcome message's are checked; blank only when the
/// reply has files.
pub fn text(raw: &str, has_files: bool) -> Result<String> {
    validate_template("text", raw, MAX_TEXT_CHARS)?;
    if raw.trim().is_empty() && !has_files {
        return Err(Error::invalid(
            "text must not be empty unless the reply has files",
        ));
    }
    Ok(raw.to_string())
}

/// The file ids of a request: at most `max`, each once.
pub fn file_ids(requested: &[String], max: usize) -> Result<Vec<String>> {
    if requested.len() > max {
        return Err(Error::invalid(format!(
            "attachmentIds: a saved reply carries at most {max} files; {} given",
            requested.len()
        )));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = requested.iter().find(|id| !seen.insert(id.as_str())) {
        return Err(Error::invalid(format!("attachmentIds lists {twice} twice")));
    }
    Ok(requested.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_short_single_line_names() {
        assert_eq!(title("  Tax checklist ").unwrap(), "Tax checklist");
        for bad in ["", "   ", "Two\nlines", &"x".repeat(MAX_TITLE_CHARS + 1)] {
            let refused = title(bad).unwrap_err().to_string();
            assert!(refused.starts_with("title"), "{bad:?}: {refused}");
        }
    }

    #[test]
    fn texts_are_templates_with_known_variables() {
        assert!(text("Hi {{client.givenName}}, see {{company.name}}", false).is_ok());
        assert!(text("", true).is_ok(), "files alone are a reply");
        for (bad, why) in [
            ("", "must not be empty"),
            ("Hi {{client.password}}", "unknown variable"),
            ("Hi {{client.givenName", "without a closing"),
            ("https://{{company.name}}.example.com", "inside a link"),
            ("a\0b", "NUL"),
        ] {
            let refused = text(bad, false).unwrap_err().to_string();
            assert!(
                refused.starts_with("text") && refused.contains(why),
                "{bad:?}: {refused}"
            );
        }
        assert!(text(&"x".repeat(MAX_TEXT_CHARS + 1), false).is_err());
    }

    #[test]
    fn file_ids_are_bounded_and_each_named_once() {
        let ids = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>();
        assert_eq!(file_ids(&ids(3), 3).unwrap().len(), 3);
        assert!(file_ids(&ids(4), 3).is_err());
        assert!(file_ids(&["a".into(), "a".into()], 3).is_err());
    }
}
