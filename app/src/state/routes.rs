//! Where a person goes around signing in: the page they land on, and the
//! page they come back to.

use super::ChannelList;
use crate::model::ChannelSummary;

/// Where a client begins after signing in: the conversation waiting for
/// them (on a first sign-in, the one holding their welcome message), however
/// many they have; with nothing unread, their only conversation if they
/// have one. `None` leaves them at the list.
pub fn landing(channels: &[ChannelSummary]) -> Option<String> {
    let list = ChannelList::new(channels.to_vec());
    let waiting = list.channels.iter().find(|c| c.unread_count > 0);
    let only = match list.channels.as_slice() {
        [only] => Some(only),
        _ => None,
    };
    waiting
        .or(only)
        .map(|channel| format!("/messages/{}", channel.id))
}

/// Where to go after signing in: the page that asked for it (a link from an
/// e-mail, say) when it is one of ours, else Messages. Only a plain path of
/// this site is followed: anything a browser could read as another host
/// (`//host`, `/\\host`, absolute URLs), and anything it would clean up
/// into one (backslashes, control characters, which browsers drop from
/// URLs, and encoded slashes, backslashes and controls) is ignored.
pub fn after_sign_in(next: Option<&str>) -> String {
    match next {
        Some(path) if is_own_page(path) => path.to_string(),
        _ => "/messages".to_string(),
    }
}

/// The sign-in page that leads back to `here` (a path of this site, with
/// its query if any) once the person has signed in again; `after_sign_in`
/// decides whether it is followed. Escaped so that `here` comes back whole
/// from the query: `%`, `&`, `+` and `#` would otherwise be read as an
/// escape, the next parameter, a space or a fragment.
pub fn sign_in_returning_to(here: &str) -> String {
    let mut next = String::with_capacity(here.len());
    for c in here.chars() {
        match c {
            '%' => next.push_str("%25"),
            '&' => next.push_str("%26"),
            '+' => next.push_str("%2B"),
            '#' => next.push_str("%23"),
            c => next.push(c),
        }
    }
    format!("/sign-in?next={next}")
}

fn is_own_page(path: &str) -> bool {
    let plain = path.starts_with('/')
        && !path.starts_with("//")
        && path.chars().all(|c| c.is_ascii_graphic() && c != '\\');
    let lower = path.to_ascii_lowercase();
    // Percent-escapes of `/`, `\`, `%` (a second round of decoding) and
    // control characters (`%00`–`%1f`, `%7f`).
    let encoded_trick = ["%2f", "%5c", "%25", "%7f", "%0", "%1"]
        .iter()
        .any(|escape| lower.contains(escape));
    plain && !encoded_trick && !path.starts_with("/sign-in")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::fixtures::channel;

    #[test]
    fn a_client_lands_in_the_conversation_waiting_for_them() {
        let mut welcome = channel("w", "Ledger & Co", Some("2026-01-01T00:00:00.000Z"));
        welcome.unread_count = 1;
        let group = channel("g", "Ann, Bob", Some("2026-01-02T00:00:00.000Z"));
        let company = channel("c", "Acme", None);
        assert_eq!(
            landing(&[group.clone(), welcome.clone(), company.clone()]).as_deref(),
            Some("/messages/w")
        );
        welcome.unread_count = 0;
        assert_eq!(landing(&[group.clone(), welcome]), None);
        assert_eq!(landing(&[group]).as_deref(), Some("/messages/g"));
        assert_eq!(landing(&[]), None);
    }

    #[test]
    fn the_sign_in_page_carries_the_page_to_come_back_to() {
        assert_eq!(
            sign_in_returning_to("/messages/ch_1"),
            "/sign-in?next=/messages/ch_1"
        );
        // A query of its own stays in `next` rather than becoming the
        // sign-in page's parameters; escapes stay escapes.
        assert_eq!(
            sign_in_returning_to("/clients?q=a&b+c"),
            "/sign-in?next=/clients?q=a%26b%2Bc"
        );
        assert_eq!(
            sign_in_returning_to("/messages/caf%C3%A9"),
            "/sign-in?next=/messages/caf%25C3%25A9"
        );
    }

    #[test]
    fn signing_in_returns_to_the_page_that_asked_but_never_off_the_site() {
        assert_eq!(after_sign_in(Some("/messages/ch_1")), "/messages/ch_1");
        assert_eq!(
            after_sign_in(Some("/clients/c_1?tab=files#top")),
            "/clients/c_1?tab=files#top"
        );
        assert_eq!(after_sign_in(None), "/messages");
        for outside in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "/sign-in",
            "/sign-in?next=/messages",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/%2Fevil.example",
            "/%2fevil.example",
            "/%5Cevil.example",
            "/%09/evil.example",
            "/%252F%252Fevil.example",
            "/messages\\..\\..\\evil",
            " //evil.example",
            "/\u{0}",
            "/messages/\u{202e}x",
            "https:/evil.example",
            "/messages/ch_1#\r\n",
        ] {
            assert_eq!(after_sign_in(Some(outside)), "/messages", "{outside}");
        }
    }
}
