//! The retention rule: how long a workspace keeps its messages, in months,
//! and the moment before which a message has expired.

use serde::Serialize;
use time::{Month, OffsetDateTime};
use utoipa::ToSchema;

use super::Timestamp;
use crate::error::{Error, Result};

/// A hundred years: beyond that "keep" means forever, which is `null`.
pub const MAX_MONTHS: u64 = 1200;

/// `retentionMonths` as sent: between 1 and `MAX_MONTHS`.
pub fn parse_months(months: u64) -> Result<i64> {
    if (1..=MAX_MONTHS).contains(&months) {
        Ok(months as i64)
    } else {
        Err(Error::invalid(format!(
            "retentionMonths must be between 1 and {MAX_MONTHS}, or null to keep messages forever; not {months}"
        )))
    }
}

/// The same moment `months` calendar months before `now_ms` (UTC), on the
/// month's last day when it has no such day (31 March less one month is
/// 28 or 29 February): messages sent before it have expired.
pub fn cutoff(now_ms: i64, months: i64) -> i64 {
    let Ok(now) = OffsetDateTime::from_unix_timestamp_nanos(i128::from(now_ms) * 1_000_000) else {
        return i64::MIN;
    };
    let index = i64::from(now.year()) * 12 + i64::from(u8::from(now.month())) - 1 - months;
    let year = index.div_euclid(12) as i32;
    let Ok(month) = Month::try_from(index.rem_euclid(12) as u8 + 1) else {
        return i64::MIN;
    };
    let day = now.day().min(time::util::days_in_month(month, year));
    match time::Date::from_calendar_date(year, month, day) {
        Ok(date) => (now.replace_date(date).unix_timestamp_nanos() / 1_000_000) as i64,
        Err(_) => i64::MIN,
    }
}

/// A client's conversations held from retention.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LegalHold {
    #[schema(value_type = String, example = "legalHold")]
    pub object: &'static str,
    pub client_id: String,
    /// The admin who placed it.
    pub placed_by_id: String,
    pub placed_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn ms(t: OffsetDateTime) -> i64 {
        (t.unix_timestamp_nanos() / 1_000_000) as i64
    }

    #[test]
    fn the_cutoff_is_the_same_moment_months_earlier() {
        let now = ms(datetime!(2026-11-28 17:05:09.250 UTC));
        assert_eq!(cutoff(now, 1), ms(datetime!(2026-10-28 17:05:09.250 UTC)));
        assert_eq!(cutoff(now, 12), ms(datetime!(2025-11-28 17:05:09.250 UTC)));
        assert_eq!(cutoff(now, 11), ms(datetime!(2025-12-28 17:05:09.250 UTC)));
        assert_eq!(
            cutoff(now, 1200),
            ms(datetime!(1926-11-28 17:05:09.250 UTC))
        );
    }

    #[test]
    fn a_day_the_earlier_month_lacks_is_its_last() {
        let now = ms(datetime!(2024-03-31 08:00 UTC));
        assert_eq!(cutoff(now, 1), ms(datetime!(2024-02-29 08:00 UTC)));
        assert_eq!(cutoff(now, 13), ms(datetime!(2023-02-28 08:00 UTC)));
    }

    #[test]
    fn months_are_between_one_and_a_hundred_years() {
        assert_eq!(parse_months(1).unwrap(), 1);
        assert_eq!(parse_months(1200).unwrap(), 1200);
        assert!(matches!(parse_months(0), Err(Error::Unprocessable(_))));
        assert!(matches!(parse_months(1201), Err(Error::Unprocessable(_))));
    }
}
