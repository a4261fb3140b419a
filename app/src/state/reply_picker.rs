//! The saved-reply picker's text work: when a slash command opens it, which
//! replies match what is typed, and where the chosen reply goes in the text.

use crate::model::SavedReplySummary;

/// What follows a slash that starts the text, while it is a command: one
/// line, the slash first. `"/tax"` → `Some("tax")`.
pub fn slash_query(draft: &str) -> Option<&str> {
    draft.strip_prefix('/').filter(|rest| !rest.contains('\n'))
}

/// The replies whose title (or, failing that, text) holds every word of
/// `query`, ignoring case; all of them for an empty query.
pub fn matching_replies<'a>(
    replies: &'a [SavedReplySummary],
    query: &str,
) -> Vec<&'a SavedReplySummary> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let holds = |haystack: &str| {
        let haystack = haystack.to_lowercase();
        words.iter().all(|w| haystack.contains(w.as_str()))
    };
    let mut by_title: Vec<&SavedReplySummary> =
        replies.iter().filter(|r| holds(&r.title)).collect();
    // Titles first: they are what a person remembers a reply by.
    by_title.extend(
        replies
            .iter()
            .filter(|r| !holds(&r.title) && holds(&r.text)),
    );
    by_title
}

/// The text with `reply` put in: in place of the slash command that asked
/// for it, or at `cursor` (in UTF-16 code units, as the browser counts
/// them) when picked from the button. Answers the new text and where the
/// cursor goes after the reply, in UTF-16 code units.
pub fn insert_reply(
    draft: &str,
    reply: &str,
    by_slash: bool,
    cursor: Option<u32>,
) -> (String, u32) {
    if by_slash && slash_query(draft).is_some() {
        return (reply.to_string(), utf16_len(reply));
    }
    let at = cursor.map_or(draft.len(), |c| byte_offset(draft, c));
    let mut text = String::with_capacity(draft.len() + reply.len());
    text.push_str(&draft[..at]);
    text.push_str(reply);
    text.push_str(&draft[at..]);
    (text, utf16_len(&draft[..at]) + utf16_len(reply))
}

fn utf16_len(s: &str) -> u32 {
    s.encode_utf16().count() as u32
}

/// The byte offset of a UTF-16 position, on a character boundary.
fn byte_offset(s: &str, utf16: u32) -> usize {
    let mut units = 0;
    for (at, c) in s.char_indices() {
        if units >= utf16 {
            return at;
        }
        units += c.len_utf16() as u32;
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(title: &str, text: &str) -> SavedReplySummary {
        SavedReplySummary {
            id: title.into(),
            title: title.into(),
            text: text.into(),
            is_shared: false,
            files: Vec::new(),
        }
    }

    #[test]
    fn a_slash_at_the_start_of_one_line_is_a_command() {
        assert_eq!(slash_query("/"), Some(""));
        assert_eq!(slash_query("/tax check"), Some("tax check"));
        assert_eq!(slash_query("a/b"), None);
        assert_eq!(slash_query("/tax\nmore"), None);
        assert_eq!(slash_query(""), None);
    }

    #[test]
    fn replies_match_by_every_word_titles_first() {
        let replies = [
            reply("Welcome pack", "Hello and welcome"),
            reply("Tax checklist", "Send us your welcome letter"),
            reply("Invoice reminder", "Please pay"),
        ];
        let titles = |q: &str| {
            matching_replies(&replies, q)
                .into_iter()
                .map(|r| r.title.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(titles("").len(), 3);
        assert_eq!(titles("TAX"), vec!["Tax checklist"]);
        assert_eq!(titles("welcome"), vec!["Welcome pack", "Tax checklist"]);
        assert_eq!(titles("check tax"), vec!["Tax checklist"]);
        assert!(titles("nothing like it").is_empty());
    }

    #[test]
    fn a_reply_replaces_its_slash_command_or_goes_in_at_the_cursor() {
        assert_eq!(
            insert_reply("/tax", "Hi Ann", true, Some(4)),
            ("Hi Ann".into(), 6)
        );
        assert_eq!(
            insert_reply("Dear Ann, . Bye", "see below", false, Some(10)),
            ("Dear Ann, see below. Bye".into(), 19)
        );
        assert_eq!(
            insert_reply("Hi ", "there", false, None),
            ("Hi there".into(), 8)
        );
        // The browser counts 😀 as two units; the reply goes after it, not inside.
        assert_eq!(insert_reply("😀x", "!", false, Some(2)), ("😀!x".into(), 3));
        // A command edited away meanwhile: the reply goes in at the cursor.
        assert_eq!(insert_reply("Hi", "!", true, Some(2)), ("Hi!".into(), 3));
    }
}
