//! The one error a server function answers with: the status and message the
//! /v1 API would give, so the app can tell a refusal ("email must be an
//! e-mail address") from a call that never reached the server.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppError {
    /// The HTTP status; [`AppError::NOT_REACHED`] when there was no answer.
    pub status: u16,
    pub message: String,
}

impl AppError {
    /// The status of a call that got no answer: offline, or the server down.
    pub const NOT_REACHED: u16 = 0;

    pub fn new(status: u16, message: impl Into<String>) -> AppError {
        AppError {
            status,
            message: message.into(),
        }
    }

    /// The request never got an answer.
    pub fn is_offline(&self) -> bool {
        self.status == Self::NOT_REACHED
    }

    /// Whether a refusal is about one field of a form. The API names the
    /// field first ("email must be an e-mail address", "givenName must not
    /// be empty"), so a form can show it next to that field.
    pub fn concerns(&self, field: &str) -> bool {
        self.status != Self::NOT_REACHED
            && self
                .message
                .strip_prefix(field)
                .is_some_and(|rest| rest.starts_with([' ', ':']))
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Failures of the call itself, not refusals by Parlor.
    fn from_server_fn_error(error: ServerFnErrorErr) -> AppError {
        match error {
            ServerFnErrorErr::Request(message) => AppError::new(Self::NOT_REACHED, message),
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                AppError::new(400, message)
            }
            other => AppError::new(500, other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_concerns_the_field_it_names_first() {
        let refused = AppError::new(422, "email must be an e-mail address");
        assert!(refused.concerns("email"));
        assert!(!refused.concerns("givenName"));
        // A field whose name starts another's is not confused with it.
        assert!(!AppError::new(422, "emailReplyTo must be an e-mail address").concerns("email"));
        assert!(!AppError::new(AppError::NOT_REACHED, "email x").concerns("email"));
    }

    #[test]
    fn a_call_that_got_no_answer_is_offline_and_other_failures_are_not() {
        let offline = AppError::from_server_fn_error(ServerFnErrorErr::Request("Failed".into()));
        assert!(offline.is_offline());
        let garbled =
            AppError::from_server_fn_error(ServerFnErrorErr::Deserialization("bad".into()));
        assert!(!garbled.is_offline());
        assert_eq!(garbled.status, 500);
        let missing = AppError::from_server_fn_error(ServerFnErrorErr::MissingArg("text".into()));
        assert_eq!(missing.status, 400);
    }
}
