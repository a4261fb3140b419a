//! Reading an incoming e-mail (MIME, with `mail-parser`): who it says it is
//! from, whether a machine sent it, its reply text and its files.

use mail_parser::{Message, MessageParser, MimeHeaders};

use super::quotes;

/// An incoming e-mail, as much of it as a reply needs.
#[derive(Debug)]
pub struct IncomingEmail {
    /// The `From` address, in lower case; None when missing or unreadable.
    pub from: Option<String>,
    /// The `Message-ID`, which makes a second delivery of the same e-mail
    /// one message; else a digest of the whole e-mail.
    pub message_id: String,
    /// Why the e-mail counts as sent by a machine (an auto-reply, a bounce,
    /// a mailing list), if it does.
    pub automatic: Option<String>,
    /// The reply: the text part (or the HTML part turned into text), with
    /// quoted history and signature taken off.
    pub text: String,
    pub files: Vec<IncomingFile>,
}

#[derive(Debug)]
pub struct IncomingFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Reads an e-mail; None when it is not one (no headers at all).
pub fn parse(raw: &[u8]) -> Option<IncomingEmail> {
    let message = MessageParser::default().parse(raw)?;
    let from = sender(&message);
    let message_id = match message.message_id() {
        Some(id) if !id.trim().is_empty() => id.trim().to_string(),
        _ => {
            use sha2::{Digest, Sha256};
            format!("sha256:{:x}", Sha256::digest(raw))
        }
    };
    // A reply is short; whatever is past this is quoted history, and no
    // text is stripped that could not be posted anyway.
    let body: Option<String> = message
        .body_text(0)
        .map(|text| text.chars().take(MAX_BODY_CHARS).collect());
    Some(IncomingEmail {
        from,
        message_id,
        automatic: automatic(&message),
        text: quotes::strip(body.as_deref().unwrap_or_default()),
        files: files(&message),
    })
}

/// The most of a body's text that is read.
const MAX_BODY_CHARS: usize = 100_000;

/// The sender's address, only when the e-mail names one sender without
/// ambiguity: exactly one `From` header, holding one mailbox, whose address
/// is written out in the header (not assembled from encoded words or
/// comments). Readers differ on which of two `From`s counts, or which of two
/// mailboxes; an e-mail that leaves room for that is treated as forged.
fn sender(message: &Message<'_>) -> Option<String> {
    let from_headers = message
        .headers()
        .iter()
        .filter(|h| h.name().eq_ignore_ascii_case("From"))
        .count();
    if from_headers != 1 {
        return None;
    }
    let from = message.from()?;
    if from.iter().count() != 1 {
        return None;
    }
    let address = from.first()?.address()?.trim().to_ascii_lowercase();
    let raw = header(message, "From")?.to_ascii_lowercase();
    (!address.is_empty() && raw.contains(&address)).then_some(address)
}

/// A header's value, trimmed, if present.
fn header<'a>(message: &'a Message<'a>, name: &'static str) -> Option<&'a str> {
    message.header_raw(name).map(str::trim)
}

/// Why an e-mail was sent by a machine rather than typed as a reply: the
/// headers RFC 3834 and the common auto-responders set, the mailing-list
/// headers, and delivery reports (bounces).
fn automatic(message: &Message<'_>) -> Option<String> {
    if let Some(value) = header(message, "Auto-Submitted") {
        if !value.eq_ignore_ascii_case("no") {
            return Some(format!("Auto-Submitted: {}", excerpt(value)));
        }
    }
    if let Some(value) = header(message, "Precedence") {
        let value = value.to_ascii_lowercase();
        if ["bulk", "list", "junk", "auto_reply"].contains(&value.as_str()) {
            return Some(format!("Precedence: {}", excerpt(&value)));
        }
    }
    for name in ["X-Autoreply", "X-Autorespond", "X-Autoresponder"] {
        if header(message, name).is_some() {
            return Some(format!("{name} header"));
        }
    }
    if header(message, "List-Id").is_some() {
        return Some("a mailing list (List-Id)".into());
    }
    let report = message.content_type().is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    if report {
        return Some("a delivery report (multipart/report)".into());
    }
    None
}

/// A header value as logged: short, on one line.
fn excerpt(value: &str) -> String {
    value
        .chars()
        .take(40)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The files sent with the reply. Images placed inside an HTML body (a
/// `Content-ID` without `Content-Disposition: attachment`: signature
/// logos, mostly) are part of the layout, not files the person sent.
fn files(message: &Message<'_>) -> Vec<IncomingFile> {
    message
        .attachments()
        .filter(|part| {
            let attached = part
                .content_disposition()
                .is_some_and(|cd| cd.is_attachment());
            // A forwarded e-mail carries its own headers (addresses,
            // perhaps other reply addresses): it is not posted.
            (attached || part.content_id().is_none()) && part.message().is_none()
        })
        .enumerate()
        .filter_map(|(index, part)| {
            let bytes = part.contents().to_vec();
            if bytes.is_empty() {
                return None;
            }
            let name = part
                .attachment_name()
                .map(str::to_string)
                .unwrap_or_else(|| format!("attachment-{}", index + 1));
            Some(IncomingFile { name, bytes })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> IncomingEmail {
        let path = format!("{}/tests/fixtures/email/{name}", env!("CARGO_MANIFEST_DIR"));
        let raw = std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
        parse(&raw).expect("an e-mail")
    }

    #[test]
    fn a_gmail_reply_keeps_the_answer_and_its_file() {
        let email = fixture("gmail-reply.eml");
        assert_eq!(email.from.as_deref(), Some("ann.client@gmail.com"));
        assert_eq!(
            email.text,
            "Thanks Olivia, the signed engagement letter is attached.\n\n\
             Could we move Thursday's call to 3pm?"
        );
        assert_eq!(
            email.message_id,
            "CAH7rXk2b6Yq9pN0mZ=3sZ1o+Lw@mail.gmail.com"
        );
        assert_eq!(email.automatic, None);
        assert_eq!(email.files.len(), 1);
        assert_eq!(email.files[0].name, "engagement-letter-signed.pdf");
        assert!(email.files[0].bytes.starts_with(b"%PDF-1.4"));
    }

    #[test]
    fn an_outlook_reply_loses_the_original_message_block_and_its_logo() {
        let email = fixture("outlook-reply.eml");
        assert_eq!(email.from.as_deref(), Some("bob.builder@contoso.com"));
        assert_eq!(
            email.text,
            "Hi Olivia,\n\nPlease find the Q3 receipts attached. The VAT figure for \
             September is final.\n\nKind regards,\nBob"
        );
        let names: Vec<&str> = email.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Q3-receipts.csv"], "the inline logo is no file");
    }

    #[test]
    fn an_apple_mail_reply_from_an_iphone_loses_the_device_line_and_the_quote() {
        let email = fixture("apple-mail-reply.eml");
        assert_eq!(email.from.as_deref(), Some("cara@icloud.com"));
        assert_eq!(
            email.text,
            "Yes, Thursday works. I’ll bring the bank statements."
        );
        assert!(email.files.is_empty());
    }

    #[test]
    fn an_html_only_reply_is_turned_into_text() {
        let email = fixture("html-only-reply.eml");
        assert_eq!(email.text, "Received, thank you!");
    }

    #[test]
    fn an_out_of_office_reply_counts_as_automatic() {
        let email = fixture("out-of-office.eml");
        assert_eq!(
            email.automatic.as_deref(),
            Some("Auto-Submitted: auto-replied")
        );
    }

    #[test]
    fn machine_headers_mark_an_email_as_automatic() {
        let with = |header: &str| {
            let raw = format!(
                "From: a@example.com\r\nTo: b@example.com\r\nSubject: x\r\n{header}\r\n\r\nHello\r\n"
            );
            parse(raw.as_bytes()).unwrap().automatic
        };
        assert!(with("Auto-Submitted: auto-generated").is_some());
        assert!(with("Auto-Submitted: no").is_none());
        assert!(with("Precedence: bulk").is_some());
        assert!(with("Precedence: list").is_some());
        assert!(with("Precedence: junk").is_some());
        assert!(with("X-Autoreply: yes").is_some());
        assert!(with("X-Autorespond: Out of office").is_some());
        assert!(with("List-Id: <team.lists.example.com>").is_some());
        assert!(with("X-Mailer: Thunderbird").is_none());
        let bounce = "From: MAILER-DAEMON@example.com\r\nContent-Type: multipart/report; \
                      report-type=delivery-status; boundary=b\r\n\r\n--b\r\n\r\nfailed\r\n--b--\r\n";
        assert!(parse(bounce.as_bytes()).unwrap().automatic.is_some());
    }

    #[test]
    fn an_email_without_a_message_id_gets_one_from_its_content() {
        let raw = b"From: a@example.com\r\nSubject: x\r\n\r\nHello\r\n";
        let email = parse(raw).unwrap();
        assert!(email.message_id.starts_with("sha256:"));
        assert_eq!(email.message_id, parse(raw).unwrap().message_id);
    }
}
