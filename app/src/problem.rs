//! What went wrong, in sentences for people. The server's refusals carry
//! the API's message ("text must not be empty"); everything else a server
//! function can fail with means the server was not reached or answered
//! nonsense, which a person can only act on as "you are offline" or "try
//! again".

use leptos::prelude::ServerFnError;

/// Shown when the server cannot be reached.
pub const OFFLINE: &str = "You are offline. Check your connection and try again.";

/// A message that waits for the network to come back.
pub const SEND_WHEN_BACK: &str = "You are offline — the message will be sent when you are back.";

/// Shown for a conversation that was deleted or is no longer yours to see.
pub const CONVERSATION_GONE: &str = "This conversation no longer exists.";

/// The reason to show for a failed call.
pub fn reason(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => sentence(message),
        _ if is_offline(error) => OFFLINE.into(),
        _ => "Something went wrong on our side. Please try again.".into(),
    }
}

/// The request never got an answer: no network, or the server is down.
pub fn is_offline(error: &ServerFnError) -> bool {
    matches!(error, ServerFnError::Request(_))
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
        let refused = ServerFnError::ServerError("text must not be empty".into());
        assert_eq!(reason(&refused), "Text must not be empty.");
        let asked = ServerFnError::ServerError("Which company?".into());
        assert_eq!(reason(&asked), "Which company?");
        let offline = ServerFnError::Request("Failed to fetch".into());
        assert_eq!(reason(&offline), OFFLINE);
        assert!(is_offline(&offline));
        let garbled = ServerFnError::Deserialization("expected value".into());
        assert!(!is_offline(&garbled));
        for error in [offline, garbled, ServerFnError::ServerError(" ".into())] {
            let shown = reason(&error);
            assert!(!shown.contains("server function"), "{shown}");
            assert!(shown.ends_with('.'), "{shown}");
        }
    }
}
