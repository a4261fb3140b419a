//! How the staff handle a conversation: its state, and the rules of moving
//! between states. Staff only; a client never sees any of it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::{Error, Result};

/// Where a conversation stands for the staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum ConversationState {
    /// Someone on staff should look at it.
    Open,
    /// The staff answered; the next move is the client's.
    Waiting,
    /// Nothing more to do, until the client writes again.
    Done,
}

impl ConversationState {
    pub fn as_str(self) -> &'static str {
        match self {
            ConversationState::Open => "open",
            ConversationState::Waiting => "waiting",
            ConversationState::Done => "done",
        }
    }

    /// A stored state; anything unknown reads as open, which keeps it in
    /// front of the staff rather than hiding it.
    pub fn from_stored(stored: &str) -> ConversationState {
        match stored {
            "waiting" => ConversationState::Waiting,
            "done" => ConversationState::Done,
            _ => ConversationState::Open,
        }
    }
}

/// The longest a conversation may be snoozed.
pub const MAX_SNOOZE_MS: i64 = 366 * 24 * 60 * 60 * 1000;

/// A snooze must end in the future, within a year.
pub fn snooze_until(until: i64, now: i64) -> Result<i64> {
    if until <= now {
        return Err(Error::invalid("snoozedUntil must be in the future"));
    }
    if until - now > MAX_SNOOZE_MS {
        return Err(Error::invalid("snoozedUntil may be at most a year away"));
    }
    Ok(until)
}

/// Reads an RFC 3339 moment (`2026-12-01T09:00:00Z`) as milliseconds.
pub fn parse_moment(field: &str, raw: &str) -> Result<i64> {
    let moment = time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
        .map_err(|err| {
        Error::invalid(format!(
            "{field} must be a date and time like 2026-12-01T09:00:00Z ({err})"
        ))
    })?;
    Ok((moment.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_back_and_unknown_is_open() {
        for state in [
            ConversationState::Open,
            ConversationState::Waiting,
            ConversationState::Done,
        ] {
            assert_eq!(ConversationState::from_stored(state.as_str()), state);
        }
        assert_eq!(
            ConversationState::from_stored("??"),
            ConversationState::Open
        );
    }

    #[test]
    fn a_snooze_ends_in_the_future_within_a_year() {
        assert!(snooze_until(1_000, 1_000).is_err());
        assert_eq!(snooze_until(2_000, 1_000).unwrap(), 2_000);
        assert!(snooze_until(MAX_SNOOZE_MS + 2_000, 1_000).is_err());
    }

    #[test]
    fn moments_are_rfc_3339() {
        assert_eq!(parse_moment("at", "1970-01-01T00:00:01.5Z").unwrap(), 1_500);
        assert_eq!(parse_moment("at", "1970-01-01T01:00:00+01:00").unwrap(), 0);
        assert!(parse_moment("at", "tomorrow")
            .unwrap_err()
            .to_string()
            .contains("at must be"));
    }
}
