//! Reactions: a small fixed set of emoji that anyone who sees a message may
//! put on it, each at most once per person.

use std::collections::BTreeMap;

use parlor_model::REACTIONS;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{Error, Result};

/// One of the reactions Parlor offers (`parlor_model::REACTIONS`, which the
/// web app's picker shows too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Emoji(&'static str);

/// The emoji presentation selector: "❤" and "❤️" are the same reaction.
const PRESENTATION: char = '\u{FE0F}';

impl Emoji {
    /// Anything outside the set is a bad request, whatever else is wrong
    /// with it: the set is part of the API, like a path's shape.
    pub fn parse(raw: &str) -> Result<Emoji> {
        let bare = |s: &str| s.replace(PRESENTATION, "");
        let wanted = bare(raw.trim());
        REACTIONS
            .iter()
            .find(|emoji| bare(emoji) == wanted)
            .map(|emoji| Emoji(emoji))
            .ok_or_else(|| {
                Error::BadRequest(format!(
                    "{raw:?} is not a reaction Parlor offers; use one of {}",
                    REACTIONS.join(" ")
                ))
            })
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// Its place in the picker, which breaks ties in a message's order.
    fn rank(emoji: &str) -> usize {
        REACTIONS
            .iter()
            .position(|e| *e == emoji)
            .unwrap_or(REACTIONS.len())
    }
}

/// One emoji on a message, as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Reaction {
    /// One of 👍 ❤️ 😂 🎉 😮 🙏.
    pub emoji: String,
    /// How many people reacted with it.
    pub count: u32,
    /// Who they are (clients and internal users), first to react first.
    pub user_ids: Vec<String>,
}

/// A stored reaction: who put which emoji on a message, and when.
#[derive(Debug, Clone)]
pub struct Reacted {
    pub user_id: String,
    pub emoji: String,
    pub created_at: i64,
}

/// A message's reactions grouped by emoji, in a stable order: each emoji
/// where it was first used (a new one goes at the end, so the bar does not
/// reshuffle as people react), ties in the picker's order; within one,
/// people in the order they reacted.
pub fn summarise(mut reacted: Vec<Reacted>) -> Vec<Reaction> {
    reacted.sort_by(|a, b| {
        (a.created_at, &a.user_id, Emoji::rank(&a.emoji)).cmp(&(
            b.created_at,
            &b.user_id,
            Emoji::rank(&b.emoji),
        ))
    });
    let mut first_used: BTreeMap<&str, (i64, usize)> = BTreeMap::new();
    for r in &reacted {
        first_used
            .entry(&r.emoji)
            .or_insert((r.created_at, Emoji::rank(&r.emoji)));
    }
    let mut order: Vec<(&str, (i64, usize))> = first_used.into_iter().collect();
    order.sort_by_key(|(_, first)| *first);
    order
        .into_iter()
        .map(|(emoji, _)| {
            let user_ids: Vec<String> = reacted
                .iter()
                .filter(|r| r.emoji == emoji)
                .map(|r| r.user_id.clone())
                .collect();
            Reaction {
                emoji: emoji.to_string(),
                count: user_ids.len() as u32,
                user_ids,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reacted(user: &str, emoji: &str, at: i64) -> Reacted {
        Reacted {
            user_id: user.into(),
            emoji: emoji.into(),
            created_at: at,
        }
    }

    #[test]
    fn only_the_offered_emoji_are_reactions() {
        for emoji in REACTIONS {
            assert_eq!(Emoji::parse(emoji).unwrap().as_str(), emoji);
        }
        assert_eq!(
            Emoji::parse("❤").unwrap().as_str(),
            "❤️",
            "with or without the presentation selector"
        );
        for refused in ["", "💩", "👍👍", "+1", "thumbsup", "👍🏽", "<script>"] {
            let error = Emoji::parse(refused).unwrap_err();
            assert!(
                matches!(error, Error::BadRequest(_)),
                "{refused}: {error:?}"
            );
            assert!(error.to_string().contains("👍 ❤️"), "{error}");
        }
    }

    #[test]
    fn reactions_group_by_emoji_in_the_order_first_used() {
        let summary = summarise(vec![
            reacted("bob", "🎉", 30),
            reacted("ann", "👍", 20),
            reacted("cat", "🎉", 10),
            reacted("ann", "🎉", 40),
        ]);
        assert_eq!(
            summary,
            [
                Reaction {
                    emoji: "🎉".into(),
                    count: 3,
                    user_ids: vec!["cat".into(), "bob".into(), "ann".into()],
                },
                Reaction {
                    emoji: "👍".into(),
                    count: 1,
                    user_ids: vec!["ann".into()],
                },
            ]
        );
    }

    #[test]
    fn reactions_at_the_same_moment_keep_the_pickers_order() {
        let summary = summarise(vec![reacted("ann", "🙏", 5), reacted("ann", "👍", 5)]);
        let emoji: Vec<&str> = summary.iter().map(|r| r.emoji.as_str()).collect();
        assert_eq!(emoji, ["👍", "🙏"]);
        assert!(summarise(Vec::new()).is_empty());
    }
}
