//! Small value types that cannot hold invalid input; built by `parse` at the
//! edge, so the rest of the code never re-checks them.

use serde::{Serialize, Serializer};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{RefOr, Schema};

use crate::error::{Error, Result};

/// A normalised (trimmed, lower-case) e-mail address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// The longest address, in bytes (RFC 5321's path limit less the brackets).
    pub const MAX_LEN: usize = 254;

    pub fn parse(field: &str, raw: &str) -> Result<Email> {
        let value = raw.trim().to_lowercase();
        if value.len() > Self::MAX_LEN || !email_address::EmailAddress::is_valid(&value) {
            return Err(Error::invalid(format!(
                "{field} is not a valid e-mail address"
            )));
        }
        Ok(Email(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's or company's name: trimmed, non-empty, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(field: &str, raw: &str) -> Result<Name> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(Error::invalid(format!("{field} must not be empty")));
        }
        if value.chars().count() > Self::MAX_CHARS {
            return Err(Error::invalid(format!(
                "{field} must be at most {} characters",
                Self::MAX_CHARS
            )));
        }
        if value.chars().any(char::is_control) {
            return Err(Error::invalid(format!(
                "{field} must not contain control characters"
            )));
        }
        if value.chars().any(is_bidi_control) {
            return Err(Error::invalid(format!(
                "{field} must not contain bidirectional embedding, override or isolate \
                 characters (U+202A–U+202E, U+2066–U+2069)"
            )));
        }
        Ok(Name(value.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// The characters that make text show in another order than it is stored
/// ("Ann\u{202e}gnp.exe" shows as "Annexe.png"): fine inside a message, a
/// disguise in a name.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Checks free text (messages, notification bodies, templates): anything a
/// person can write, except NUL, which PostgreSQL cannot store and which no
/// one means to send. (Unpaired surrogates cannot reach here: JSON holding
/// one is refused as malformed, and a Rust string cannot hold one.)
pub fn check_free_text(field: &str, raw: &str) -> Result<()> {
    if raw.contains('\0') {
        return Err(Error::invalid(format!(
            "{field} must not contain NUL characters (\\u0000)"
        )));
    }
    Ok(())
}

/// A new password, checked for length only: long passphrases beat rules.
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: &str) -> Result<Password> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(Error::invalid(format!(
                "password must be at least {} characters",
                Self::MIN_CHARS
            )));
        }
        if chars > Self::MAX_CHARS {
            return Err(Self::too_long());
        }
        Ok(Password(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn too_long() -> Error {
        Error::invalid(format!(
            "password must be at most {} characters",
            Self::MAX_CHARS
        ))
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// A colour written `#RRGGBB`, stored upper-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexColor(String);

impl HexColor {
    pub fn parse(field: &str, raw: &str) -> Result<HexColor> {
        let value = raw.trim();
        let ok = value.len() == 7
            && value.starts_with('#')
            && value[1..].chars().all(|c| c.is_ascii_hexdigit());
        if !ok {
            return Err(Error::invalid(format!(
                "{field} must be a colour like #2F4AC0"
            )));
        }
        Ok(HexColor(value.to_uppercase()))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// An image's address: http(s), bounded, with a host, and nothing in it that
/// could end an HTML attribute or a header (no whitespace, quotes, angle
/// brackets or control characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUrl(String);

impl ImageUrl {
    pub const MAX_LEN: usize = 2048;

    pub fn parse(field: &str, raw: &str) -> Result<ImageUrl> {
        let value = raw.trim();
        let rest = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"));
        let ok = value.len() <= Self::MAX_LEN
            && rest.is_some_and(|rest| !rest.is_empty() && !rest.starts_with('/'))
            && !value
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>'));
        if !ok {
            return Err(Error::invalid(format!(
                "{field} must be an http(s) URL of at most {} characters",
                Self::MAX_LEN
            )));
        }
        Ok(ImageUrl(value.to_string()))
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A moment, stored as milliseconds since the epoch and shown as RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub i64);

/// A moment as filters and expiries take it: an RFC 3339 date and time, or
/// a plain date (its midnight, UTC). The milliseconds since the epoch, and
/// whether it was a plain date (a whole day, to some callers).
pub fn moment_or_date(raw: &str) -> Option<(i64, bool)> {
    use time::format_description::well_known::Rfc3339;
    let (moment, is_date) = match time::OffsetDateTime::parse(raw, &Rfc3339) {
        Ok(moment) => (moment, false),
        Err(_) => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            let day = time::Date::parse(raw, &format).ok()?;
            (day.midnight().assume_utc(), true)
        }
    };
    let ms = i64::try_from(moment.unix_timestamp_nanos() / 1_000_000).ok()?;
    Some((ms, is_date))
}

impl Timestamp {
    pub fn to_rfc3339(self) -> String {
        let nanos = i128::from(self.0) * 1_000_000;
        let moment = time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
        let format = time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        );
        moment.format(&format).unwrap_or_default()
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

impl utoipa::PartialSchema for Timestamp {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .into()
    }
}

impl utoipa::ToSchema for Timestamp {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("email", "  Ann@Example.COM ")
                .unwrap()
                .as_str(),
            "ann@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for raw in ["", "ann", "ann@", "@example.com", "a b@example.com"] {
            assert!(
                Email::parse("email", raw).is_err(),
                "{raw:?} should be refused"
            );
        }
    }

    #[test]
    fn names_must_be_printable_and_bounded() {
        assert_eq!(Name::parse("name", "  Ann ").unwrap().as_str(), "Ann");
        assert!(Name::parse("name", "   ").is_err());
        assert!(Name::parse("name", "Ann\u{7}").is_err());
        assert!(Name::parse("name", &"x".repeat(Name::MAX_CHARS + 1)).is_err());
        assert!(Name::parse("name", "Ann\0").is_err());
        for disguise in ['\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}'] {
            let err = Name::parse("name", &format!("Ann{disguise}gnp.exe")).unwrap_err();
            assert!(err.to_string().contains("bidirectional"), "{err}");
        }
        assert_eq!(
            Name::parse("name", "אביב כהן").unwrap().as_str(),
            "אביב כהן"
        );
    }

    #[test]
    fn free_text_may_hold_anything_but_nul() {
        assert!(check_free_text("text", "שלום \u{202e}abc\n\ttabs").is_ok());
        assert!(check_free_text("text", "a\0b").is_err());
    }

    #[test]
    fn colours_are_hex_triplets() {
        assert_eq!(
            HexColor::parse("brandColor", " #2f4ac0 ")
                .unwrap()
                .into_string(),
            "#2F4AC0"
        );
        for raw in ["", "2F4AC0", "#2F4AC", "#2F4AC0F", "#GGGGGG", "red"] {
            let err = HexColor::parse("brandColor", raw).unwrap_err();
            assert_eq!(err.to_string(), "brandColor must be a colour like #2F4AC0");
        }
    }

    #[test]
    fn image_urls_are_http_with_a_host_and_nothing_that_breaks_out() {
        assert_eq!(
            ImageUrl::parse("logoImageUrl", "https://cdn.example.com/logo.png")
                .unwrap()
                .into_string(),
            "https://cdn.example.com/logo.png"
        );
        assert!(ImageUrl::parse("logoImageUrl", "http://example.com").is_ok());
        let long = format!("https://example.com/{}", "a".repeat(ImageUrl::MAX_LEN));
        for raw in [
            "",
            "javascript:alert(1)",
            "ftp://example.com/a.png",
            "https://",
            "https:///path",
            "https://example.com/a b.png",
            "https://example.com/\"><script>",
            long.as_str(),
        ] {
            let err = ImageUrl::parse("logoImageUrl", raw).unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("logoImageUrl must be an http(s) URL"),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn timestamps_render_as_utc_with_milliseconds() {
        assert_eq!(
            Timestamp(1_700_000_000_123).to_rfc3339(),
            "2023-11-14T22:13:20.123Z"
        );
    }
}
