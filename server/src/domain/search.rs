//! Search: what a person types in the search box, read once into terms that
//! each storage backend writes in its own full-text language (SQLite FTS5,
//! PostgreSQL `tsquery`), and the highlighted snippet that comes back.
//!
//! The language is small on purpose: words (all must appear), `"a phrase"`
//! (the words in that order, side by side), and `word*` (any word starting
//! so). Everything else is punctuation: `2024-return` is the phrase
//! "2024 return", as the indexes split it. Only letters and digits reach
//! the backends, so nothing typed can change the shape of their query.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::message::Message;
use crate::error::{Error, Result};

/// Longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 500;
/// Most terms in one query: each is one more index lookup.
pub const MAX_TERMS: usize = 16;

/// Marks around a hit in the snippets the backends write; never in text a
/// person can type into a query, and taken out before the snippet is shown.
pub const HIT_START: char = '\u{2}';
pub const HIT_END: char = '\u{3}';

/// One thing every result must contain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// These words, side by side and in this order (one word: just it).
    Phrase(Vec<String>),
    /// A word starting with this.
    Prefix(String),
}

/// A parsed query: every term must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    terms: Vec<Term>,
}

impl Query {
    pub fn parse(typed: &str) -> Result<Query> {
        if typed.chars().count() > MAX_QUERY_CHARS {
            return Err(Error::BadRequest(format!(
                "q is longer than {MAX_QUERY_CHARS} characters"
            )));
        }
        let mut terms = Vec::new();
        // Odd pieces between double quotes are phrases; the rest are words.
        for (i, piece) in typed.split('"').enumerate() {
            if i % 2 == 1 {
                let words = words_of(piece);
                if !words.is_empty() {
                    terms.push(Term::Phrase(words));
                }
                continue;
            }
            for token in piece.split_whitespace() {
                let words = words_of(token);
                match words.as_slice() {
                    [] => {}
                    [word] if token.trim_end_matches(is_punctuation).ends_with('*') => {
                        terms.push(Term::Prefix(word.clone()))
                    }
                    _ => terms.push(Term::Phrase(words)),
                }
            }
        }
        terms.dedup();
        if terms.is_empty() {
            return Err(Error::BadRequest(
                "q has no words to search for: type letters or digits".into(),
            ));
        }
        if terms.len() > MAX_TERMS {
            return Err(Error::BadRequest(format!(
                "q has more than {MAX_TERMS} words or phrases; search for fewer"
            )));
        }
        Ok(Query { terms })
    }

    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The query in SQLite FTS5's language: each word quoted, so none is
    /// read as an operator (`AND`, `NEAR`, a column name).
    pub fn to_fts5(&self) -> String {
        self.terms
            .iter()
            .map(|term| match term {
                Term::Phrase(words) => format!("\"{}\"", words.join(" ")),
                Term::Prefix(word) => format!("\"{word}\" *"),
            })
            .collect::<Vec<_>>()
            .join(" AND ")
    }

    /// The query as a PostgreSQL `tsquery` (for `to_tsquery('simple', …)`):
    /// each word quoted as a lexeme.
    pub fn to_tsquery(&self) -> String {
        self.terms
            .iter()
            .map(|term| match term {
                Term::Phrase(words) if words.len() == 1 => format!("'{}'", words[0]),
                Term::Phrase(words) => {
                    let lexemes: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
                    format!("({})", lexemes.join(" <-> "))
                }
                Term::Prefix(word) => format!("'{word}':*"),
            })
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

fn is_punctuation(c: char) -> bool {
    !c.is_alphanumeric() && c != '*'
}

/// The words of `text` as the indexes split it: runs of letters and digits,
/// lower-cased.
fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// One message found: the message as `GET /v1/messages/{id}` shows it, and
/// the words around what was searched for (from its text, or from its files'
/// names and contents).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    pub message: Message,
    pub snippet: Vec<SnippetPart>,
}

/// The `since` and `until` of a search as milliseconds: each a date and time
/// (RFC 3339) or a plain date, which means the whole day (UTC) for both, so
/// `until=2024-12-31` includes New Year's Eve.
pub fn date_range(since: Option<&str>, until: Option<&str>) -> Result<(Option<i64>, Option<i64>)> {
    const DAY_MS: i64 = 86_400_000;
    let read = |field: &str, raw: &str, day_end: bool| -> Result<i64> {
        match super::values::moment_or_date(raw) {
            Some((start, true)) if day_end => Ok(start + DAY_MS),
            Some((ms, _)) => Ok(ms),
            None => Err(Error::BadRequest(format!(
                "{field} must be a date like 2024-12-31 or a date and time like 2024-12-31T09:00:00Z"
            ))),
        }
    };
    let since = since.map(|raw| read("since", raw, false)).transpose()?;
    let until = until.map(|raw| read("until", raw, true)).transpose()?;
    if let (Some(since), Some(until)) = (since, until) {
        if since >= until {
            return Err(Error::BadRequest("since must come before until".into()));
        }
    }
    Ok((since, until))
}

/// A piece of a snippet: the words around a hit, or the hit itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SnippetPart {
    pub text: String,
    /// Whether this piece is what was searched for (shown highlighted).
    pub is_match: bool,
}

/// Splits a snippet marked with `HIT_START`/`HIT_END` into its pieces.
pub fn snippet_parts(marked: &str) -> Vec<SnippetPart> {
    let mut parts: Vec<SnippetPart> = Vec::new();
    let mut is_match = false;
    let mut text = String::new();
    let flush = |text: &mut String, is_match: bool, parts: &mut Vec<SnippetPart>| {
        if !text.is_empty() {
            parts.push(SnippetPart {
                text: std::mem::take(text),
                is_match,
            });
        }
    };
    for c in marked.chars() {
        match c {
            HIT_START => {
                flush(&mut text, is_match, &mut parts);
                is_match = true;
            }
            HIT_END => {
                flush(&mut text, is_match, &mut parts);
                is_match = false;
            }
            c => text.push(c),
        }
    }
    flush(&mut text, is_match, &mut parts);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(typed: &str) -> Vec<Term> {
        Query::parse(typed).unwrap().terms
    }

    fn phrase(words: &[&str]) -> Term {
        Term::Phrase(words.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn words_phrases_and_prefixes() {
        assert_eq!(
            parsed("Acme  return"),
            vec![phrase(&["acme"]), phrase(&["return"])]
        );
        assert_eq!(
            parsed(r#"what about "the 2024 return" tax*"#),
            vec![
                phrase(&["what"]),
                phrase(&["about"]),
                phrase(&["the", "2024", "return"]),
                Term::Prefix("tax".into())
            ]
        );
        assert_eq!(parsed("2024-return"), vec![phrase(&["2024", "return"])]);
        assert_eq!(
            parsed("Zoë café"),
            vec![phrase(&["zoë"]), phrase(&["café"])]
        );
        // An unclosed quote is a phrase to the end.
        assert_eq!(parsed(r#""due date"#), vec![phrase(&["due", "date"])]);
    }

    #[test]
    fn nothing_typed_can_become_an_operator() {
        let query = Query::parse(r#"a OR b NEAR(c) title:x "d" -e ^f 'g' & h | !i"#).unwrap();
        assert_eq!(
            query.to_fts5(),
            r#""a" AND "or" AND "b" AND "near c" AND "title x" AND "d" AND "e" AND "f" AND "g" AND "h" AND "i""#
        );
        assert_eq!(
            query.to_tsquery(),
            "'a' & 'or' & 'b' & ('near' <-> 'c') & ('title' <-> 'x') & 'd' & 'e' & 'f' & 'g' & 'h' & 'i'"
        );
        let prefix = Query::parse("invo* \"2024 return\"").unwrap();
        assert_eq!(prefix.to_fts5(), r#""invo" * AND "2024 return""#);
        assert_eq!(prefix.to_tsquery(), "'invo':* & ('2024' <-> 'return')");
    }

    #[test]
    fn a_query_without_words_or_too_long_is_refused() {
        for typed in ["", "   ", "\"\"", "*** -- ??", "\u{2}"] {
            assert!(Query::parse(typed).is_err(), "{typed:?}");
        }
        assert!(Query::parse(&"a".repeat(MAX_QUERY_CHARS + 1)).is_err());
        let many: Vec<String> = (0..=MAX_TERMS).map(|i| format!("w{i}")).collect();
        assert!(Query::parse(&many.join(" ")).is_err());
    }

    #[test]
    fn dates_cover_whole_days_and_times_are_exact() {
        assert_eq!(
            date_range(Some("1970-01-02"), Some("1970-01-02")).unwrap(),
            (Some(86_400_000), Some(2 * 86_400_000))
        );
        assert_eq!(
            date_range(Some("1970-01-01T00:00:01Z"), None).unwrap(),
            (Some(1_000), None)
        );
        assert!(date_range(Some("yesterday"), None).is_err());
        assert!(date_range(Some("1970-01-03"), Some("1970-01-02")).is_err());
    }

    #[test]
    fn snippets_come_apart_into_hits_and_context() {
        assert_eq!(
            snippet_parts("…the \u{2}2024\u{3} \u{2}return\u{3} is due"),
            vec![
                SnippetPart {
                    text: "…the ".into(),
                    is_match: false
                },
                SnippetPart {
                    text: "2024".into(),
                    is_match: true
                },
                SnippetPart {
                    text: " ".into(),
                    is_match: false
                },
                SnippetPart {
                    text: "return".into(),
                    is_match: true
                },
                SnippetPart {
                    text: " is due".into(),
                    is_match: false
                },
            ]
        );
        assert_eq!(snippet_parts(""), vec![]);
    }
}
