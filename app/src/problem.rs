//! What went wrong, in sentences for people. The server's refusals carry
//! the API's message ("text must not be empty"); everything else a server
//! function can fail with means the server was not reached or answered
//! nonsense, which a person can only act on as "you are offline" or "try
//! again".

use crate::model::AppError;

/// Shown when the server cannot be reached.
pub const OFFLINE: &str = "You are offline. Check your connection and try again.";

/// A message that waits for the network to come back.
pub const SEND_WHEN_BACK: &str = "You are offline — the message will be sent when you are back.";

/// Shown for a conversation that was deleted or is no longer yours to see.
pub const CONVERSATION_GONE: &str = "This conversation no longer exists.";

/// The reason to show for a failed call.
pub fn reason(error: &AppError) -> String {
    if error.is_offline() {
        OFFLINE.into()
    } else if error.status == 500 {
        "Something went wrong on our side. Please try again.".into()
    } else {
        sentence(&error.message)
    }
}

/// The request never got an answer: no network, or the server is down.
pub fn is_offline(error: &AppError) -> bool {
    error.is_offline()
}

/// The reason to show next to one field of a form, when the refusal names
/// that field (its name in the API, such as `givenName`).
pub fn about_field(error: &AppError, field: &str) -> Option<String> {
    error.concerns(field).then(|| reason(error))
}

/// "text must not be empty" as "Text must not be empty."
fn sentence(message: &str) -> String {
    let message = message.trim();
    let mut chars = message.chars();
    let Some(first) = chars.next() else {
        return "Something went wrong. Please try again.".into();
    };
    let mut out: String = first.to_uppercase().chain(chars).collect();
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_read_as_sentences_and_failures_never_name_the_framework() {
        let refused = AppError::new(422, "text must not be empty");
        assert_eq!(reason(&refused), "Text must not be empty.");
        let asked = AppError::new(422, "Which company?");
        assert_eq!(reason(&asked), "Which company?");
        let offline = AppError::new(AppError::NOT_REACHED, "Failed to fetch");
        assert_eq!(reason(&offline), OFFLINE);
        assert!(is_offline(&offline));
        let garbled = AppError::new(500, "error deserializing server function results");
        assert!(!is_offline(&garbled));
        for error in [offline, garbled, AppError::new(400, " ")] {
            let shown = reason(&error);
            assert!(!shown.contains("server function"), "{shown}");
            assert!(shown.ends_with('.'), "{shown}");
        }
    }
}

#[cfg(test)]
mod field_tests {
    use super::*;

    #[test]
    fn a_refusal_is_shown_next_to_the_field_it_names() {
        let refused = AppError::new(422, "email must be an e-mail address");
        assert_eq!(
            about_field(&refused, "email").as_deref(),
            Some("Email must be an e-mail address.")
        );
        assert_eq!(about_field(&refused, "givenName"), None);
    }
}
