//! What staff read of a message's history: who deleted it and when, in
//! its place, and a caption under each earlier text saying what replaced
//! it. Clients never have any of this to show (the server keeps it from
//! them); they see "edited" and "This message was deleted." only.

/// Who did something, as the line names them: "you", their name, or
/// "someone" for a person no longer in the workspace.
pub fn who(id: &str, me: &str, name: Option<String>) -> String {
    if id == me {
        "you".into()
    } else {
        name.unwrap_or_else(|| "someone".into())
    }
}

/// In place of a deleted message, for staff: "Deleted by Ann Lee at
/// 14:02"; a message deleted before Parlor kept who deleted it says only
/// when.
pub fn deleted_line(by: Option<&str>, at: &str) -> String {
    match (by, at.is_empty()) {
        (Some(by), false) => format!("Deleted by {by} at {at}"),
        (Some(by), true) => format!("Deleted by {by}"),
        (None, false) => format!("Deleted at {at}"),
        (None, true) => "This message was deleted.".into(),
    }
}

/// Under an earlier text: what replaced it, by whom and when ("Changed by
/// Ann Lee at 14:02", or "Deleted by …" for what a deleted message said
/// last).
pub fn version_caption(change: &str, by: &str, at: &str) -> String {
    let what = if change == "delete" {
        "Deleted"
    } else {
        "Changed"
    };
    format!("{what} by {by} at {at}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_read_who_deleted_a_message_and_when() {
        assert_eq!(
            deleted_line(Some("Ann Lee"), "14:02"),
            "Deleted by Ann Lee at 14:02"
        );
        assert_eq!(deleted_line(None, "14:02"), "Deleted at 14:02");
        assert_eq!(deleted_line(None, ""), "This message was deleted.");
    }

    #[test]
    fn the_reader_is_you_and_someone_gone_is_someone() {
        assert_eq!(who("me", "me", Some("Olive Owner".into())), "you");
        assert_eq!(who("ann", "me", Some("Ann Lee".into())), "Ann Lee");
        assert_eq!(who("gone", "me", None), "someone");
    }

    #[test]
    fn each_earlier_text_says_what_replaced_it() {
        assert_eq!(
            version_caption("edit", "Ann Lee", "14:02"),
            "Changed by Ann Lee at 14:02"
        );
        assert_eq!(
            version_caption("delete", "you", "14:05"),
            "Deleted by you at 14:05"
        );
    }
}
