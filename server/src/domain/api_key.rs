//! API keys as admins see them, and when a new one expires.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Timestamp;
use crate::error::{Error, Result};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// The longest expiry given in days: ten years.
pub const MAX_EXPIRY_DAYS: i64 = 3650;

/// An API key: never the key itself, except once in the answer that made it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ApiKey {
    pub id: String,
    #[schema(value_type = String, example = "apiKey")]
    pub object: &'static str,
    /// Unique; `parlor admin api-key revoke --name` finds the key by it.
    pub name: String,
    pub created_at: Timestamp,
    /// When the key stops working; absent for a key that never expires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Timestamp>,
    pub expired: bool,
    /// The last request made with the key, to within about a minute; absent
    /// if it was never used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<Timestamp>,
    /// Every write made with the key is refused.
    pub read_only: bool,
    /// Messages sent with the key may name another sender (`senderId`).
    pub send_as_others: bool,
    /// The secret to send in `X-API-Key`: only in the answer to creating the
    /// key, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

/// A new API key. It acts as the workspace owner.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateApiKey {
    pub name: String,
    /// When the key stops working: a date-time (RFC 3339) or a date
    /// (`2027-01-31`, meaning 00:00 UTC that day). Not with `expiresInDays`.
    pub expires_at: Option<String>,
    /// Days until the key stops working, 1 to 3650. Not with `expiresAt`.
    pub expires_in_days: Option<i64>,
    /// Refuse every write made with the key (default false).
    #[serde(default)]
    pub read_only: bool,
    /// Let messages sent with the key name another sender (default true).
    #[serde(default = "yes")]
    pub send_as_others: bool,
}

fn yes() -> bool {
    true
}

/// When a key made at `now` expires, from a date or a number of days; at
/// most one of them may be given.
pub fn expiry(
    expires_at: Option<&str>,
    expires_in_days: Option<i64>,
    now: i64,
) -> Result<Option<i64>> {
    let at = match (expires_at.map(str::trim).filter(|s| !s.is_empty()), expires_in_days) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                "give the expiry as a date or as a number of days, not both",
            ))
        }
        (None, None) => return Ok(None),
        (None, Some(days)) if (1..=MAX_EXPIRY_DAYS).contains(&days) => now + days * DAY_MS,
        (None, Some(days)) => {
            return Err(Error::invalid(format!(
                "the expiry must be 1 to {MAX_EXPIRY_DAYS} days away, not {days}"
            )))
        }
        (Some(date), None) => parse_moment(date).ok_or_else(|| {
            Error::invalid(format!(
                "the expiry {date:?} is neither a date (2027-01-31) nor a date-time (2027-01-31T12:00:00Z)"
            ))
        })?,
    };
    if at <= now {
        return Err(Error::invalid("the expiry must be in the future"));
    }
    Ok(Some(at))
}

/// Milliseconds since the epoch of an RFC 3339 date-time or a plain date
/// (00:00 UTC).
fn parse_moment(text: &str) -> Option<i64> {
    super::values::moment_or_date(text).map(|(ms, _)| ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    #[test]
    fn an_expiry_is_a_date_a_date_time_or_a_number_of_days() {
        assert_eq!(expiry(None, None, NOW).unwrap(), None);
        assert_eq!(expiry(None, Some(2), NOW).unwrap(), Some(NOW + 2 * DAY_MS));
        assert_eq!(
            expiry(Some("2030-01-31"), None, NOW).unwrap(),
            Some(1_896_048_000_000)
        );
        assert_eq!(
            expiry(Some("2030-01-31T12:00:00+01:00"), None, NOW).unwrap(),
            Some(1_896_048_000_000 + 11 * 60 * 60 * 1000)
        );
    }

    #[test]
    fn a_wrong_or_past_expiry_is_refused() {
        for (at, days) in [
            (Some("2020-01-01"), None),
            (Some("next tuesday"), None),
            (Some("2030-02-30"), None),
            (None, Some(0)),
            (None, Some(-3)),
            (None, Some(MAX_EXPIRY_DAYS + 1)),
            (Some("2030-01-31"), Some(3)),
        ] {
            let refused = expiry(at, days, NOW);
            assert!(
                matches!(refused, Err(Error::Unprocessable(_))),
                "{at:?} / {days:?} gave {refused:?}"
            );
        }
    }
}
