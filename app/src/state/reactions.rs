//! A message's reactions as the reaction bar shows them: which are the
//! reader's own, and what a click on one does.

use crate::model::{Message, Reaction};

/// Whether the reader has put `emoji` on the message.
pub fn reacted(message: &Message, emoji: &str, me: &str) -> bool {
    message
        .reactions
        .iter()
        .any(|r| r.emoji == emoji && r.user_ids.iter().any(|id| id == me))
}

/// What a screen reader hears for one reaction: "👍 2, you reacted".
pub fn reaction_label(reaction: &Reaction, me: &str) -> String {
    let people = if reaction.count == 1 {
        "1 person".to_string()
    } else {
        format!("{} people", reaction.count)
    };
    if reaction.user_ids.iter().any(|id| id == me) {
        format!(
            "{} {people}, including you; remove your reaction",
            reaction.emoji
        )
    } else {
        format!("{} {people}; react with {}", reaction.emoji, reaction.emoji)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::fixtures::message;

    #[test]
    fn a_reaction_is_the_readers_when_they_are_among_its_people() {
        let mut m = message("m1", "ann", "hi", "1");
        m.reactions = vec![Reaction {
            emoji: "👍".into(),
            count: 2,
            user_ids: vec!["ann".into(), "me".into()],
        }];
        assert!(reacted(&m, "👍", "me"));
        assert!(!reacted(&m, "🎉", "me"));
        assert!(!reacted(&m, "👍", "bob"));
        assert_eq!(
            reaction_label(&m.reactions[0], "me"),
            "👍 2 people, including you; remove your reaction"
        );
        assert_eq!(
            reaction_label(&m.reactions[0], "bob"),
            "👍 2 people; react with 👍"
        );
    }
}
