//! Limits as an admin reads and types them on the Settings page: upload
//! limits in MiB, the unit the server's refusals name ("your quota of
//! 50 MiB"), and how many months messages are kept; an empty field is no
//! limit.

const MIB: u64 = 1024 * 1024;

/// Why a limit's text is refused, shown next to its field.
pub const NOT_A_SIZE: &str =
    "Enter a size in MiB, such as 50 or 0.5, or leave it empty for no limit.";
const TOO_LARGE: &str = "That is more than any server can store; enter a smaller size.";

/// A limit of `bytes` as its field shows it: MiB with at most three
/// decimals, or empty for no limit.
pub fn shown(bytes: Option<u64>) -> String {
    let Some(bytes) = bytes else {
        return String::new();
    };
    let whole = bytes / MIB;
    // Thousandths of a MiB, rounded; a remainder rounding up to a whole
    // MiB carries over.
    let thousandths = ((bytes % MIB) * 1000 + MIB / 2) / MIB;
    let (whole, thousandths) = if thousandths == 1000 {
        (whole + 1, 0)
    } else {
        (whole, thousandths)
    };
    if thousandths == 0 {
        return whole.to_string();
    }
    let decimals = format!("{thousandths:03}");
    format!("{whole}.{}", decimals.trim_end_matches('0'))
}

/// The bytes a field's text asks for: `None` when it is empty (no limit).
pub fn parse(text: &str) -> Result<Option<u64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return Err(NOT_A_SIZE.into());
    }
    let whole_bytes = match whole {
        "" => Some(0),
        whole => whole.parse::<u64>().ok().and_then(|n| n.checked_mul(MIB)),
    };
    // Finer than a byte means nothing: nine decimals are plenty.
    let fraction: String = fraction
        .chars()
        .chain("000000000".chars())
        .take(9)
        .collect();
    let billionths: u64 = fraction.parse().map_err(|_| NOT_A_SIZE.to_string())?;
    let fraction_bytes = (billionths * MIB + 500_000_000) / 1_000_000_000;
    whole_bytes
        .and_then(|bytes| bytes.checked_add(fraction_bytes))
        // The server keeps limits as signed 64-bit numbers.
        .filter(|&bytes| i64::try_from(bytes).is_ok())
        .map(Some)
        .ok_or_else(|| TOO_LARGE.into())
}

/// Why a retention period's text is refused.
pub const NOT_MONTHS: &str =
    "Enter a number of months from 1 to 1200, or leave it empty to keep messages forever.";

/// The months a retention field's text asks for: `None` when it is empty
/// (keep forever).
pub fn parse_months(text: &str) -> Result<Option<u64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u64>() {
        Ok(months) if (1..=1200).contains(&months) => Ok(Some(months)),
        _ => Err(NOT_MONTHS.into()),
    }
}

/// One limit's field: what it showed when the page loaded, so that saving
/// other settings never changes a limit set more finely than the field
/// shows (through the API, in bytes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LimitField {
    loaded: Option<u64>,
}

impl LimitField {
    pub fn new(loaded: Option<u64>) -> Self {
        LimitField { loaded }
    }

    /// The text the field starts with.
    pub fn text(&self) -> String {
        shown(self.loaded)
    }

    /// The limit to save for the field's current `text`.
    pub fn bytes(&self, text: &str) -> Result<Option<u64>, String> {
        if text.trim() == self.text() {
            return Ok(self.loaded);
        }
        parse(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_in_mib_and_empty_is_none() {
        assert_eq!(shown(None), "");
        assert_eq!(shown(Some(50 * MIB)), "50");
        assert_eq!(shown(Some(MIB / 2)), "0.5");
        assert_eq!(shown(Some(MIB + MIB / 4)), "1.25");
        assert_eq!(shown(Some(10 * 1024)), "0.01");
        assert_eq!(shown(Some(1)), "0");
        assert_eq!(shown(Some(2 * MIB - 1)), "2");
        assert_eq!(shown(Some(0)), "0");
    }

    #[test]
    fn retention_is_whole_months_or_forever() {
        assert_eq!(parse_months(""), Ok(None));
        assert_eq!(parse_months(" 24 "), Ok(Some(24)));
        assert_eq!(parse_months("1200"), Ok(Some(1200)));
        for wrong in ["0", "1201", "1.5", "-3", "a year"] {
            assert_eq!(parse_months(wrong), Err(NOT_MONTHS.to_string()), "{wrong}");
        }
    }

    #[test]
    fn typed_sizes_become_bytes() {
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse("  "), Ok(None));
        assert_eq!(parse("50"), Ok(Some(50 * MIB)));
        assert_eq!(parse(" 1 "), Ok(Some(MIB)));
        assert_eq!(parse("0.5"), Ok(Some(MIB / 2)));
        assert_eq!(parse(".5"), Ok(Some(MIB / 2)));
        assert_eq!(parse("2."), Ok(Some(2 * MIB)));
        assert_eq!(parse("0"), Ok(Some(0)));
        assert_eq!(parse("0.000000001"), Ok(Some(0)));
        for typed in ["50", "0.5", "1.25", "0.01", "1024"] {
            assert_eq!(shown(parse(typed).unwrap()), typed, "{typed}");
        }
    }

    #[test]
    fn anything_else_is_refused_with_the_reason() {
        for bad in [
            "-1", "lots", "1,5", "1.2.3", ".", "1e3", "50 MB", "+5", "NaN", "½",
        ] {
            assert_eq!(parse(bad), Err(NOT_A_SIZE.to_string()), "{bad:?}");
        }
        for huge in ["9000000000000", "99999999999999999999999"] {
            assert_eq!(parse(huge), Err(TOO_LARGE.to_string()), "{huge}");
        }
        assert_eq!(parse("8796093022207"), Ok(Some(8_796_093_022_207 * MIB)));
    }

    #[test]
    fn a_limit_left_as_shown_is_saved_to_the_byte() {
        let odd = LimitField::new(Some(1000));
        assert_eq!(odd.text(), "0.001");
        assert_eq!(odd.bytes("0.001"), Ok(Some(1000)));
        assert_eq!(odd.bytes(" 0.001 "), Ok(Some(1000)));
        assert_eq!(odd.bytes("0.002"), Ok(Some(2097)));
        assert_eq!(odd.bytes(""), Ok(None));
        assert_eq!(LimitField::new(None).bytes(""), Ok(None));
        assert_eq!(LimitField::new(None).bytes("x"), Err(NOT_A_SIZE.into()));
    }
}
