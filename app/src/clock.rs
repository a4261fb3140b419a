//! Times as people read them: "14:05" beside a message, "Friday 27 November
//! 2026, 14:05" on hover, "27 Nov 2026" between days.
//!
//! The API sends UTC (RFC 3339). The server renders UTC, since it cannot
//! know the reader's zone; once the page is hydrated the browser switches
//! every label to its local time (`Zone::Local`). Rendering both passes with
//! the same zone keeps hydration exact.

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Which clock the labels follow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Zone {
    /// The server's rendering, and the browser's until it hydrates.
    #[default]
    Utc,
    /// The reader's own time zone (the browser only).
    Local,
}

/// Makes every label of the app follow UTC while the page is rendered and
/// hydrated, then the reader's zone (an effect runs only in the browser,
/// after hydration).
pub fn provide_zone() {
    use leptos::prelude::*;
    let zone = RwSignal::new(Zone::Utc);
    provide_context(zone);
    Effect::new(move |_| zone.set(Zone::Local));
}

/// The zone the labels follow now.
pub fn use_zone() -> leptos::prelude::Signal<Zone> {
    use leptos::prelude::*;
    use_context::<RwSignal<Zone>>()
        .map(|zone| zone.read_only().into())
        .unwrap_or_else(|| Signal::stored(Zone::Utc))
}

/// A point in time, broken down in some zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
    pub day: u32,
    /// 0 is Monday.
    pub weekday: u32,
    pub hour: u32,
    pub minute: u32,
}

impl Moment {
    /// "14:05".
    pub fn time(&self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }

    /// "27 Nov 2026".
    pub fn day(&self) -> String {
        let month = MONTHS[(self.month - 1) as usize];
        format!("{} {} {}", self.day, &month[..3], self.year)
    }

    /// "Friday 27 November 2026, 14:05".
    pub fn full(&self) -> String {
        format!(
            "{} {} {} {}, {}",
            WEEKDAYS[self.weekday as usize],
            self.day,
            MONTHS[(self.month - 1) as usize],
            self.year,
            self.time()
        )
    }
}

/// Seconds since the Unix epoch of an RFC 3339 time in UTC ("…Z"), as the
/// API writes them.
pub fn epoch_seconds(iso: &str) -> Option<i64> {
    let (date, time) = iso.split_once('T')?;
    let mut date = date.splitn(3, '-');
    let year: i64 = date.next()?.parse().ok()?;
    let month: u32 = date.next()?.parse().ok()?;
    let day: u32 = date.next()?.parse().ok()?;
    let hour: i64 = time.get(0..2)?.parse().ok()?;
    let minute: i64 = time.get(3..5)?.parse().ok()?;
    let second: i64 = time.get(6..8)?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// An RFC 3339 UTC time broken down in UTC.
pub fn utc(iso: &str) -> Option<Moment> {
    let seconds = epoch_seconds(iso)?;
    let days = seconds.div_euclid(86_400);
    let of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    Some(Moment {
        year: i32::try_from(year).ok()?,
        month,
        day,
        // 1 January 1970 was a Thursday.
        weekday: u32::try_from((days + 3).rem_euclid(7)).ok()?,
        hour: u32::try_from(of_day / 3_600).ok()?,
        minute: u32::try_from(of_day % 3_600 / 60).ok()?,
    })
}

/// An RFC 3339 UTC time broken down in `zone`.
pub fn moment(iso: &str, zone: Zone) -> Option<Moment> {
    match zone {
        Zone::Utc => utc(iso),
        Zone::Local => local(iso),
    }
}

#[cfg(feature = "hydrate")]
fn local(iso: &str) -> Option<Moment> {
    let millis = epoch_seconds(iso)? as f64 * 1000.0;
    let date = js_sys::Date::new(&millis.into());
    Some(Moment {
        year: i32::try_from(date.get_full_year()).ok()?,
        month: date.get_month() + 1,
        day: date.get_date(),
        // JavaScript counts from Sunday.
        weekday: (date.get_day() + 6) % 7,
        hour: date.get_hours(),
        minute: date.get_minutes(),
    })
}

/// Outside a browser there is no reader's zone to follow.
#[cfg(not(feature = "hydrate"))]
fn local(iso: &str) -> Option<Moment> {
    utc(iso)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_times_read_as_people_write_them() {
        let m = utc("2026-11-27T14:05:09.123Z").unwrap();
        assert_eq!(m.time(), "14:05");
        assert_eq!(m.day(), "27 Nov 2026");
        assert_eq!(m.full(), "Friday 27 November 2026, 14:05");
        assert_eq!(
            utc("2024-02-29T00:00:00Z").unwrap().full(),
            "Thursday 29 February 2024, 00:00"
        );
        assert_eq!(
            utc("1970-01-01T00:00:00Z").unwrap().full(),
            "Thursday 1 January 1970, 00:00"
        );
    }

    #[test]
    fn the_calendar_round_trips_over_centuries() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }

    #[test]
    fn epoch_seconds_count_from_1970_and_refuse_nonsense() {
        assert_eq!(epoch_seconds("1970-01-01T00:01:40.000Z"), Some(100));
        assert_eq!(epoch_seconds("2026-11-27T00:00:00Z"), Some(1_795_737_600));
        for bad in [
            "",
            "2026-11-27",
            "2026-13-01T00:00:00Z",
            "2026-11-27T25:00:00Z",
            "pending",
        ] {
            assert_eq!(epoch_seconds(bad), None, "{bad}");
        }
    }
}
