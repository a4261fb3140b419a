//! @mentions while writing: the "@…" being typed at the end of the draft,
//! the staff it may name, and the draft once one is picked.

use crate::model::Person;

/// The people an "@" being typed at the end of `draft` may name, best
/// first; empty when the draft does not end in one.
pub fn candidates(draft: &str, staff: &[Person]) -> Vec<Person> {
    let Some(query) = typed_query(draft) else {
        return Vec::new();
    };
    let query = query.to_lowercase();
    staff
        .iter()
        .filter(|p| {
            let name = p.name.to_lowercase();
            name.starts_with(&query) || name.split(' ').any(|part| part.starts_with(&query))
        })
        .take(8)
        .cloned()
        .collect()
}

/// The draft with the "@…" at its end replaced by `person`'s name.
pub fn pick(draft: &str, person: &Person) -> String {
    match draft.rfind('@') {
        Some(at) if typed_query(draft).is_some() => format!("{}@{} ", &draft[..at], person.name),
        _ => draft.to_string(),
    }
}

/// What follows the last "@" when it starts a word and runs to the end of
/// the draft on one line, short enough to be a name being typed.
fn typed_query(draft: &str) -> Option<&str> {
    let at = draft.rfind('@')?;
    let starts_word = draft[..at]
        .chars()
        .next_back()
        .is_none_or(char::is_whitespace);
    let query = &draft[at + 1..];
    (starts_word && !query.contains('\n') && query.chars().count() <= 30).then_some(query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: &str, name: &str) -> Person {
        Person {
            id: id.into(),
            name: name.into(),
            is_staff: true,
        }
    }

    #[test]
    fn an_at_sign_at_the_end_offers_the_staff_whose_name_starts_so() {
        let staff = [person("s", "Sam Stone"), person("o", "Olivia Owner")];
        let names = |draft: &str| -> Vec<String> {
            candidates(draft, &staff)
                .into_iter()
                .map(|p| p.name)
                .collect()
        };
        assert_eq!(names("Ask @"), ["Sam Stone", "Olivia Owner"]);
        assert_eq!(names("Ask @st"), ["Sam Stone"], "by any part of the name");
        assert_eq!(names("Ask @ol"), ["Olivia Owner"]);
        assert!(
            names("mail me at ann@example.com").is_empty(),
            "not inside a word"
        );
        assert!(
            names("Ask @sam\nthanks").is_empty(),
            "not on an earlier line"
        );
        assert!(names("no mention").is_empty());
    }

    #[test]
    fn picking_completes_the_name() {
        let sam = person("s", "Sam Stone");
        assert_eq!(pick("Ask @sa", &sam), "Ask @Sam Stone ");
        assert_eq!(pick("@", &sam), "@Sam Stone ");
        assert_eq!(pick("no mention", &sam), "no mention");
    }
}
