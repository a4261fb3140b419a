//! Files in messages: how they are named, what they are, and how they may be
//! shown. Nothing here trusts what the uploader said about a file.

use serde::Serialize;
use utoipa::ToSchema;

use super::Timestamp;

/// A file as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    pub id: String,
    #[schema(value_type = String, example = "attachment")]
    pub object: &'static str,
    /// The file's name, made safe to show and to save (see `FileName`).
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// The type found in the file's first bytes, not the one the uploader claimed.
    pub content_type: String,
    /// Pixel width, for images.
    pub width: Option<u32>,
    /// Pixel height, for images.
    pub height: Option<u32>,
    /// Where members of the message's channel download it.
    pub download_url: String,
    /// A preview of at most 400×400 pixels, for images.
    pub thumbnail_url: Option<String>,
    /// The message carrying the file; null until it is sent.
    pub message_id: Option<String>,
    pub created_at: Timestamp,
}

/// A file's display name. Built from whatever the uploader sent, it never
/// fails: it keeps the last path component only, drops control and
/// direction-changing characters, replaces characters that are not allowed
/// in file names on common systems, and stays under 255 bytes. It is only
/// ever shown and offered as a download name; storage keys never derive
/// from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileName(String);

/// Longest name kept, in UTF-8 bytes (the limit of most file systems).
pub const MAX_NAME_BYTES: usize = 255;

impl FileName {
    pub fn parse(raw: &str) -> FileName {
        let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let cleaned: String = last
            .chars()
            .filter(|c| !c.is_control() && !is_invisible_format(*c))
            .map(|c| match c {
                '<' | '>' | ':' | '"' | '|' | '?' | '*' => '_',
                other => other,
            })
            .collect();
        let trimmed = cleaned
            .trim()
            .trim_end_matches(['.', ' '])
            .trim_start_matches(' ');
        if trimmed.is_empty() || trimmed.chars().all(|c| c == '.') {
            return FileName("file".into());
        }
        FileName(shorten(trimmed))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Zero-width and bidirectional controls, used to disguise `exe` as `pdf`.
fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}')
}

/// Cuts a name to `MAX_NAME_BYTES`, keeping a short extension.
fn shorten(name: &str) -> String {
    if name.len() <= MAX_NAME_BYTES {
        return name.to_string();
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, ext)| ext)
        .filter(|ext| !ext.is_empty() && ext.len() <= 16);
    let keep = MAX_NAME_BYTES - extension.map_or(0, |ext| ext.len() + 1);
    let mut stem = String::new();
    for c in name.chars() {
        if stem.len() + c.len_utf8() > keep {
            break;
        }
        stem.push(c);
    }
    match extension {
        Some(ext) => format!("{}.{ext}", stem.trim_end_matches('.')),
        None => stem,
    }
}

/// How many leading bytes are read to tell what a file is.
pub const SNIFF_BYTES: usize = 8192;

/// The content type of a file, from its first bytes.
pub fn sniff(head: &[u8]) -> String {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_string();
    }
    if looks_like_text(head) {
        return "text/plain".into();
    }
    "application/octet-stream".into()
}

/// UTF-8 without NUL bytes (a multi-byte character cut at the end is fine).
fn looks_like_text(head: &[u8]) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(err) => err.error_len().is_none() && head.len() - err.valid_up_to() < 4,
    }
}

/// Raster images every browser shows safely, the only files served inline.
pub fn is_inline_image(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// The Content-Type a download is served with: types a browser could run
/// as a page or script (HTML, XML, SVG, JavaScript) become an opaque
/// `application/octet-stream`.
pub fn served_type(content_type: &str) -> &str {
    let active = (content_type.starts_with("text/") && content_type != "text/plain")
        || ["html", "xml", "svg", "script"]
            .iter()
            .any(|word| content_type.contains(word));
    if active {
        "application/octet-stream"
    } else {
        content_type
    }
}

/// A `Content-Disposition` value with an ASCII `filename` for old clients
/// and the exact name in `filename*` (RFC 6266, RFC 8187).
pub fn content_disposition(inline: bool, name: &FileName) -> String {
    let ascii: String = name
        .as_str()
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' && c != '%' => c,
            _ => '_',
        })
        .collect();
    let mut encoded = String::with_capacity(name.as_str().len() * 3);
    for byte in name.as_str().bytes() {
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    let kind = if inline { "inline" } else { "attachment" };
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_paths_controls_and_spoofing() {
        let cases = [
            ("../../etc/passwd", "passwd", "path components are dropped"),
            ("..\\..\\windows\\win.ini", "win.ini", "backslash paths too"),
            ("report\r\n.pdf", "report.pdf", "line breaks are dropped"),
            ("nul\0byte.txt", "nulbyte.txt", "NUL is dropped"),
            (
                "invoice\u{202E}fdp.exe",
                "invoicefdp.exe",
                "direction overrides are dropped",
            ),
            (
                "a<b>:c\"d|e?f*.txt",
                "a_b__c_d_e_f_.txt",
                "reserved characters are replaced",
            ),
            ("..", "file", "dot names become file"),
            ("   ", "file", "blank names become file"),
            ("", "file", "missing names become file"),
            (
                "trailing dots...",
                "trailing dots",
                "trailing dots are dropped",
            ),
            (
                "résumé 2024.pdf",
                "résumé 2024.pdf",
                "ordinary Unicode stays",
            ),
        ];
        for (raw, expected, why) in cases {
            assert_eq!(FileName::parse(raw).as_str(), expected, "{why}");
        }
    }

    #[test]
    fn long_names_are_cut_keeping_the_extension() {
        let name = FileName::parse(&format!("{}.pdf", "é".repeat(500)));
        assert!(
            name.as_str().len() <= MAX_NAME_BYTES,
            "{}",
            name.as_str().len()
        );
        assert!(name.as_str().ends_with("é.pdf"), "{}", name.as_str());
        let plain = FileName::parse(&"x".repeat(1000));
        assert_eq!(plain.as_str().len(), MAX_NAME_BYTES);
    }

    #[test]
    fn random_names_always_come_out_safe() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(5);
        let alphabet: Vec<char> = "ab./\\\0\r\n\t\u{202E}\u{200B}é😀<>\"' %;"
            .chars()
            .collect();
        for _ in 0..2000 {
            let len = rng.gen_range(0..400);
            let raw: String = (0..len)
                .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                .collect();
            let name = FileName::parse(&raw);
            let s = name.as_str();
            assert!(
                !s.is_empty() && s.len() <= MAX_NAME_BYTES,
                "{raw:?} → {s:?}"
            );
            assert!(!s.contains(['/', '\\']), "{raw:?} → {s:?}");
            assert!(!s.chars().any(|c| c.is_control() || is_invisible_format(c)));
            assert!(s != "." && s != "..");
            let header = content_disposition(false, &name);
            assert!(
                header.bytes().all(|b| (b' '..=b'~').contains(&b)),
                "header must be visible ASCII: {header:?}"
            );
            assert_eq!(header.matches('"').count(), 2, "{header}");
        }
    }

    #[test]
    fn disposition_carries_an_ascii_and_an_exact_name() {
        let name = FileName::parse("résumé \"final\".pdf");
        assert_eq!(
            content_disposition(false, &name),
            "attachment; filename=\"r_sum_ _final_.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%20_final_.pdf"
        );
    }

    #[test]
    fn content_is_sniffed_not_trusted() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), "image/png");
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF\0"), "image/jpeg");
        assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(
            sniff(b"<!DOCTYPE html><script>alert(1)</script>"),
            "text/html"
        );
        assert_eq!(sniff("plain words, é".as_bytes()), "text/plain");
        assert_eq!(sniff(b"\0\x01\x02binary"), "application/octet-stream");
    }

    #[test]
    fn only_raster_images_are_inline_and_active_types_are_neutralised() {
        assert!(is_inline_image("image/png"));
        assert!(!is_inline_image("image/svg+xml"));
        for active in [
            "text/html",
            "image/svg+xml",
            "text/xml",
            "application/xhtml+xml",
            "text/javascript",
        ] {
            assert_eq!(served_type(active), "application/octet-stream", "{active}");
        }
        assert_eq!(served_type("application/pdf"), "application/pdf");
        assert_eq!(served_type("text/plain"), "text/plain");
    }
}
