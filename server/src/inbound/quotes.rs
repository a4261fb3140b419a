//! Taking quoted history and signatures off a reply, so that only what the
//! person wrote lands in the conversation.
//!
//! The rules cover what the common clients put below a reply (the fixtures
//! in `tests/fixtures/email/` are examples): Gmail's and Apple Mail's
//! "On … wrote:" line (Gmail wraps it over two lines when it is long),
//! Outlook's "-----Original Message-----" and its "From: … Sent: …" header
//! block (often after a line of underscores), the `-- ` signature
//! delimiter, mobile clients' "Sent from my iPhone" lines, and `>` quotes at
//! the end. Everything from the first such marker on is dropped. Quotes in
//! the middle of a reply (answers written between quoted lines) stay: they
//! are part of what the person wrote.

/// The reply without quoted history and signature; line ends are `\n`.
pub fn strip(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    // Outlook's stand-ins for images placed in the body ("[cid:image001.png@…]")
    // mean nothing once the images are gone.
    let lines: Vec<&str> = text
        .lines()
        .filter(|line| !is_image_placeholder(line.trim()))
        .collect();
    let end = (0..lines.len())
        .find(|&index| starts_history(&lines, index))
        .unwrap_or(lines.len());
    let mut kept = &lines[..end];
    // Trailing `>` quotes (and the blank lines around them).
    while let Some((last, rest)) = kept.split_last() {
        let line = last.trim();
        if line.is_empty() || line.starts_with('>') {
            kept = rest;
        } else {
            break;
        }
    }
    while let Some((first, rest)) = kept.split_first() {
        if first.trim().is_empty() {
            kept = rest;
        } else {
            break;
        }
    }
    kept.iter()
        .map(|line| line.trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_image_placeholder(line: &str) -> bool {
    line.starts_with("[cid:") && line.ends_with(']')
}

/// Whether quoted history or a signature begins at `lines[index]`.
fn starts_history(lines: &[&str], index: usize) -> bool {
    let raw = lines[index];
    // A signature delimiter is "-- " exactly; many clients drop the space.
    if raw == "-- " || raw == "--" {
        return true;
    }
    // Apple Mail on iOS quotes its own attribution line.
    let line = raw.trim().trim_start_matches('>').trim();
    is_device_signature(line)
        || is_original_message(line)
        || is_attribution(lines, index, line)
        || is_outlook_header(lines, index, line)
}

/// "Sent from my iPhone", "Get Outlook for iOS" and their kin.
fn is_device_signature(line: &str) -> bool {
    let lower = line.to_lowercase();
    [
        "sent from my ",
        "get outlook for ",
        "sent from outlook for ",
        "sent from mail for windows",
    ]
    .iter()
    .any(|start| lower.starts_with(start))
        && line.chars().count() <= 60
}

/// Outlook's "-----Original Message-----" (with any number of dashes).
fn is_original_message(line: &str) -> bool {
    let inner = line.trim_matches('-').trim();
    line.starts_with("---") && inner.eq_ignore_ascii_case("original message")
}

/// "On Tue, 4 Nov 2025 at 09:14, Ledger & Co <…> wrote:", on this line or
/// wrapped onto the next one or two, in the languages clients use most.
fn is_attribution(lines: &[&str], index: usize, line: &str) -> bool {
    const STARTS: [&str; 5] = ["on ", "le ", "am ", "el ", "op "];
    const ENDS: [&str; 6] = [
        "wrote:",
        "a écrit :",
        "a écrit:",
        "schrieb:",
        "escribió:",
        "schreef:",
    ];
    let lower = line.to_lowercase();
    if !STARTS.iter().any(|start| lower.starts_with(start)) {
        return false;
    }
    // German and Dutch put the name after the verb: "… Uhr schrieb Ledger &
    // Co <…>:", "… om 09:14 schreef Ledger & Co <…>:".
    let verb = if lower.starts_with("am ") {
        Some(" schrieb ")
    } else if lower.starts_with("op ") {
        Some(" schreef ")
    } else {
        None
    };
    let ends = |text: &str| {
        let text = text.trim().to_lowercase();
        ENDS.iter().any(|end| text.ends_with(end))
            || verb.is_some_and(|verb| text.ends_with(':') && text.contains(verb))
    };
    if ends(line) {
        return true;
    }
    // Wrapped: the next line or two finish it, with no blank line between.
    lines[index + 1..]
        .iter()
        .take(2)
        .map(|next| next.trim().trim_start_matches('>').trim())
        .take_while(|next| !next.is_empty())
        .any(ends)
}

/// Outlook's header block: "From: …" with "Sent: …" or "Date: …" within the
/// next few lines, or a line of underscores right before such a block.
fn is_outlook_header(lines: &[&str], index: usize, line: &str) -> bool {
    if line.len() >= 10 && line.chars().all(|c| c == '_') {
        // Only the line right after: no recursion down a run of such lines.
        return lines
            .get(index + 1)
            .is_some_and(|next| is_from_block(lines, index + 1, next.trim()));
    }
    is_from_block(lines, index, line)
}

/// "From: …" with "Sent: …" or "Date: …" within the next few lines.
fn is_from_block(lines: &[&str], index: usize, line: &str) -> bool {
    let starts = |text: &str, label: &str| {
        text.get(..label.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(label))
    };
    if !starts(line, "from:") && !starts(line, "*from:*") {
        return false;
    }
    lines[index + 1..].iter().take(4).any(|next| {
        let next = next.trim().trim_start_matches('*');
        starts(next, "sent:") || starts(next, "date:")
    })
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn a_long_run_of_underscore_lines_is_cut_in_linear_time_without_recursing() {
        let body = format!("Thanks!\n{}", "__________\n".repeat(200_000));
        assert!(strip(&body).starts_with("Thanks!"));
    }

    #[test]
    fn a_dutch_attribution_ends_the_reply() {
        assert_eq!(
            strip("Prima, dank je.\n\nOp di 4 nov 2025 om 09:14 schreef Ledger & Co <x@y.z>:\n> Hallo"),
            "Prima, dank je."
        );
    }

    #[test]
    fn gmail_s_attribution_and_quote_go() {
        let reply = "Sounds good.\n\nOn Tue, Nov 4, 2025 at 9:14 AM Ledger & Co <reply+abc@replies.example> wrote:\n\n> Hello Ann,\n> You have 1 unread message.\n";
        assert_eq!(strip(reply), "Sounds good.");
    }

    #[test]
    fn a_wrapped_gmail_attribution_goes() {
        let reply = "Sounds good.\n\nOn Tue, Nov 4, 2025 at 9:14 AM Ledger & Co <\nreply+abc@replies.example> wrote:\n\n> Hello Ann,\n";
        assert_eq!(strip(reply), "Sounds good.");
    }

    #[test]
    fn apple_mail_s_quoted_attribution_goes() {
        let reply = "Yes.\n\n> On 4 Nov 2025, at 09:14, Ledger & Co <reply+abc@replies.example> wrote:\n> \n> Hello Ann,\n";
        assert_eq!(strip(reply), "Yes.");
    }

    #[test]
    fn outlook_s_original_message_block_goes() {
        let reply = "Attached.\r\n\r\n-----Original Message-----\r\nFrom: Ledger & Co\r\nSent: Tuesday\r\n\r\nHello\r\n";
        assert_eq!(strip(reply), "Attached.");
    }

    #[test]
    fn outlook_s_header_block_goes_with_its_underscores() {
        let reply = "Attached.\n\n________________________________\nFrom: Ledger & Co <reply+abc@replies.example>\nSent: Tuesday, November 4, 2025 9:14 AM\nTo: Bob\nSubject: 1 unread message\n\nHello Bob,\n";
        assert_eq!(strip(reply), "Attached.");
        let bare = "Attached.\n\nFrom: Ledger & Co <reply+abc@replies.example>\nDate: Tuesday, November 4, 2025\nTo: Bob\n\nHello\n";
        assert_eq!(strip(bare), "Attached.");
    }

    #[test]
    fn the_signature_delimiter_and_what_follows_go() {
        assert_eq!(strip("Done.\n\n-- \nAnn Client\nAcme Ltd\n"), "Done.");
        assert_eq!(strip("Done.\n--\nAnn\n"), "Done.");
    }

    #[test]
    fn device_signatures_go() {
        assert_eq!(strip("OK!\n\nSent from my iPhone\n"), "OK!");
        assert_eq!(strip("OK!\n\nGet Outlook for Android\n"), "OK!");
    }

    #[test]
    fn trailing_quotes_go_but_answers_between_quotes_stay() {
        assert_eq!(strip("Fine.\n\n> earlier\n> text\n\n"), "Fine.");
        let inline = "> Can you send the receipts?\nYes, attached.\n> And the invoice?\nTomorrow.\n\n> Thanks\n";
        assert_eq!(
            strip(inline),
            "> Can you send the receipts?\nYes, attached.\n> And the invoice?\nTomorrow."
        );
    }

    #[test]
    fn ordinary_text_is_kept_whole() {
        let text = "On Monday I sent the forms.\nFrom: the bank, the statements arrived.\nSent them on.\n\n-- not a signature, a dash line\nMore text";
        assert_eq!(strip(text), text);
        assert_eq!(strip("  \n\nHello\n\n"), "Hello");
        assert_eq!(strip(""), "");
    }

    #[test]
    fn french_and_german_attributions_go() {
        assert_eq!(
            strip(
                "Merci.\n\nLe mar. 4 nov. 2025 à 09:14, Ledger & Co <x@y> a écrit :\n> Bonjour\n"
            ),
            "Merci."
        );
        assert_eq!(
            strip(
                "Danke.\n\nAm Di., 4. Nov. 2025 um 09:14 Uhr schrieb Ledger & Co <x@y>:\n> Hallo\n"
            ),
            "Danke."
        );
    }
}
