//! A message in one short line: in the channel list, in notifications.

use crate::markdown;
use crate::model::Message;

/// What the channel list shows of a message: its text as plain words (no
/// Markdown), or its files when it has no text.
pub fn message_preview(message: &Message) -> String {
    let files: Vec<&str> = message
        .attachments
        .iter()
        .map(|a| a.name.as_str())
        .collect();
    preview_of(&message.text, &files, message.deleted_at.is_some())
}

/// The same, from a message's parts (the server has no app `Message`).
pub fn preview_of(text: &str, file_names: &[&str], deleted: bool) -> String {
    if deleted {
        return "This message was deleted.".into();
    }
    let words = preview(text);
    match file_names {
        _ if !words.is_empty() => words,
        [] => String::new(),
        [one] => shorten(&format!("📎 {one}")),
        [first, rest @ ..] => shorten(&format!(
            "📎 {first} and {} more {}",
            rest.len(),
            if rest.len() == 1 { "file" } else { "files" }
        )),
    }
}

/// A message's text as one short line of plain words (no Markdown), for
/// lists and notifications.
pub fn preview(text: &str) -> String {
    shorten(&markdown::plain(text))
}

fn shorten(line: &str) -> String {
    const MAX: usize = 80;
    if line.chars().count() > MAX {
        let cut: String = line.chars().take(MAX - 1).collect();
        format!("{cut}…")
    } else {
        line.to_string()
    }
}

/// What a desktop notification says about a message.
pub fn notification_body(message: &Message) -> String {
    match (message.text.trim().is_empty(), message.attachments.len()) {
        (false, _) => preview(&message.text),
        (true, 1) => "Sent a file".into(),
        (true, n) => format!("Sent {n} files"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_files_only_message_previews_as_its_files() {
        assert_eq!(preview_of("", &["tax.pdf"], false), "📎 tax.pdf");
        assert_eq!(
            preview_of(" ", &["a.pdf", "b.png", "c.txt"], false),
            "📎 a.pdf and 2 more files"
        );
        assert_eq!(preview_of("see this", &["a.pdf"], false), "see this");
        assert_eq!(preview_of("", &[], false), "");
    }

    #[test]
    fn previews_are_one_short_line() {
        assert_eq!(preview("short"), "short");
        let long = "x".repeat(200);
        assert_eq!(preview(&long).chars().count(), 80);
        assert!(preview(&long).ends_with('…'));
    }
}
