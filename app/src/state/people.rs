//! People as the pages show them: avatars, finding clients, and whether
//! clients can share a group conversation.

use crate::model::ClientSummary;

/// Why these clients cannot be one group, if they cannot: the clients of a
/// group must share a company. Checked before submitting; the server checks
/// again.
pub fn group_problem(clients: &[ClientSummary]) -> Option<String> {
    let (first, rest) = clients.split_first()?;
    if rest.is_empty() {
        return None;
    }
    let shared = first
        .company_ids
        .iter()
        .any(|company| rest.iter().all(|c| c.company_ids.contains(company)));
    if shared {
        return None;
    }
    let names: Vec<&str> = clients.iter().map(|c| c.name.as_str()).collect();
    Some(format!(
        "{} are not in the same company. The clients of a group conversation must all belong to one company.",
        names.join(", ")
    ))
}

/// Clients whose name, e-mail or company matches the search, ignoring case.
pub fn matching_clients<'a>(clients: &'a [ClientSummary], search: &str) -> Vec<&'a ClientSummary> {
    let search = search.trim().to_lowercase();
    clients
        .iter()
        .filter(|c| {
            search.is_empty()
                || c.name.to_lowercase().contains(&search)
                || c.email.to_lowercase().contains(&search)
                || c.company_names
                    .iter()
                    .any(|n| n.to_lowercase().contains(&search))
        })
        .collect()
}

/// Up to two initials for an avatar.
pub fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// How many avatar colours the stylesheet has (`.avatar.tone-N`). Colours
/// are classes, not inline styles: the pages' Content-Security-Policy
/// allows no inline style.
pub const AVATAR_TONES: u32 = 12;

/// A stable colour for someone's avatar, from their id: one of the
/// stylesheet's `AVATAR_TONES`.
pub fn avatar_tone(id: &str) -> u32 {
    id.bytes().fold(7u32, |hash, b| {
        hash.wrapping_mul(31).wrapping_add(u32::from(b))
    }) % AVATAR_TONES
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(name: &str, companies: &[&str]) -> ClientSummary {
        ClientSummary {
            id: name.to_lowercase(),
            name: name.into(),
            given_name: name.into(),
            family_name: String::new(),
            email: format!("{}@example.com", name.to_lowercase()),
            status: "active".into(),
            company_ids: companies.iter().map(|c| c.to_string()).collect(),
            company_names: companies.iter().map(|c| format!("{c} Ltd")).collect(),
            invite_url: None,
            last_sign_in: None,
        }
    }

    #[test]
    fn a_group_needs_one_company_shared_by_every_client() {
        let ann = client("Ann", &["acme"]);
        let bob = client("Bob", &["acme", "globex"]);
        let cat = client("Cat", &["globex"]);
        assert_eq!(group_problem(&[]), None);
        assert_eq!(group_problem(std::slice::from_ref(&ann)), None);
        assert_eq!(group_problem(&[ann.clone(), bob.clone()]), None);
        assert_eq!(group_problem(&[bob.clone(), cat.clone()]), None);
        let problem = group_problem(&[ann, bob, cat]).unwrap();
        assert!(
            problem.starts_with("Ann, Bob, Cat are not in the same company"),
            "{problem}"
        );
    }

    #[test]
    fn clients_are_found_by_name_email_or_company() {
        let clients = [client("Ann", &["acme"]), client("Bob", &["globex"])];
        let names = |search: &str| -> Vec<String> {
            matching_clients(&clients, search)
                .into_iter()
                .map(|c| c.name.clone())
                .collect()
        };
        assert_eq!(names("ann"), ["Ann"]);
        assert_eq!(names("BOB@"), ["Bob"]);
        assert_eq!(names("globex ltd"), ["Bob"]);
        assert_eq!(names(" ").len(), 2);
    }

    #[test]
    fn avatars_have_initials_and_a_stable_colour() {
        assert_eq!(initials("ann   de la cruz"), "AD");
        assert_eq!(initials(""), "");
        assert_eq!(avatar_tone("user-1"), avatar_tone("user-1"));
        assert!(avatar_tone("user-1") < AVATAR_TONES);
        let stylesheet = include_str!("../../../style/parlor.css");
        for tone in 0..AVATAR_TONES {
            assert!(
                stylesheet.contains(&format!(".avatar.tone-{tone} {{")),
                "the stylesheet has no colour for avatar tone {tone}"
            );
        }
    }
}
