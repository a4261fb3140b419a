//! The e-mails' words: a plain-text and an HTML body for each, carrying the
//! workspace's brand name. Every value put into HTML is escaped.

use super::Email;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Wraps an e-mail's content in the shared HTML layout.
fn layout(brand: &str, content: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{brand}</title></head>\n\
         <body style=\"font-family: sans-serif; color: #1f2328; max-width: 560px; margin: 0 auto; padding: 24px;\">\n\
         <p style=\"font-weight: bold; font-size: 18px;\">{brand}</p>\n{content}\n</body></html>\n",
        brand = escape_html(brand),
    )
}

fn button(url: &str, label: &str) -> String {
    format!(
        "<p><a href=\"{url}\" style=\"display: inline-block; background: #2f6feb; color: #ffffff; \
         padding: 10px 18px; border-radius: 6px; text-decoration: none;\">{label}</a></p>",
        url = escape_html(url),
        label = escape_html(label),
    )
}

/// An e-mail that hands one person a link to act on once: what it says,
/// the action, and how long the link lasts.
struct LinkEmail<'a> {
    brand: &'a str,
    to: &'a str,
    given_name: &'a str,
    subject: String,
    /// The paragraph after the greeting, plain text.
    lead: String,
    /// The action, as a sentence ("Choose your password here") and a button label.
    action: &'a str,
    button: &'a str,
    url: &'a str,
    /// When the link stops working, e.g. "in 7 days".
    expiry: &'a str,
    /// A closing line, plain text, if any.
    footer: Option<&'a str>,
}

fn link_email(e: LinkEmail<'_>) -> Email {
    let footer = e.footer.map(|f| format!("\n{f}\n")).unwrap_or_default();
    let text = format!(
        "Hello {name},\n\n{lead}\n\n{action}:\n{url}\n\nThe link works once and expires {expiry}.\n{footer}",
        name = e.given_name,
        lead = e.lead,
        action = e.action,
        url = e.url,
        expiry = e.expiry,
    );
    let footer_html = e
        .footer
        .map(|f| {
            format!(
                "\n<p style=\"color: #59636e; font-size: 13px;\">{}</p>",
                escape_html(f)
            )
        })
        .unwrap_or_default();
    let content = format!(
        "<p>Hello {name},</p>\n<p>{lead}</p>\n{button}\n\
         <p style=\"color: #59636e; font-size: 13px;\">The link works once and expires {expiry}. \
         If the button does not work, copy this address into your browser:<br>{url}</p>{footer_html}",
        name = escape_html(e.given_name),
        lead = escape_html(&e.lead),
        button = button(e.url, e.button),
        expiry = escape_html(e.expiry),
        url = escape_html(e.url),
    );
    Email {
        to: e.to.to_string(),
        subject: e.subject,
        text,
        html: layout(e.brand, &content),
        headers: Vec::new(),
    }
}

/// The invitation to a new client's portal.
pub fn invitation(brand: &str, to: &str, given_name: &str, invite_url: &str) -> Email {
    link_email(LinkEmail {
        brand,
        to,
        given_name,
        subject: format!("{brand} invited you to their client portal"),
        lead: format!(
            "{brand} invited you to their client portal, where you can message them and share files securely."
        ),
        action: "Accept the invitation and choose your password here",
        button: "Accept the invitation",
        url: invite_url,
        expiry: "in 7 days",
        footer: None,
    })
}

/// The invitation of a new member of the team: they choose their password.
pub fn staff_invitation(brand: &str, to: &str, given_name: &str, invite_url: &str) -> Email {
    link_email(LinkEmail {
        brand,
        to,
        given_name,
        subject: format!("You have been added to the {brand} team"),
        lead: format!(
            "You have been added to the {brand} team on its client portal, where you message clients and share files with them."
        ),
        action: "Choose your password here",
        button: "Choose your password",
        url: invite_url,
        expiry: "in 7 days",
        footer: None,
    })
}

/// A link to choose a new password, asked for on the sign-in page or sent
/// by an admin.
pub fn password_reset(brand: &str, to: &str, given_name: &str, reset_url: &str) -> Email {
    link_email(LinkEmail {
        brand,
        to,
        given_name,
        subject: format!("Choose a new password for {brand}"),
        lead: format!("Someone asked for a new password for your {brand} account."),
        action: "Choose a new password here",
        button: "Choose a new password",
        url: reset_url,
        expiry: "in 1 hour",
        footer: Some(
            "If you did not ask for this, ignore this e-mail: your password stays as it is.",
        ),
    })
}

/// What an unread digest sums up: who wrote how many of the messages.
pub struct DigestSummary<'a> {
    pub brand: &'a str,
    pub to: &'a str,
    pub given_name: &'a str,
    /// Sender names with how many unread messages each wrote, in order.
    pub senders: &'a [(String, usize)],
    /// The messages themselves (sender name, text), oldest first, when the
    /// workspace chose e-mails that include the text; None: counts only.
    pub messages: Option<&'a [(String, String)]>,
    /// The recipient's reply address for this channel, when replies by
    /// e-mail are on: it becomes the `Reply-To`.
    pub reply_to: Option<&'a str>,
    pub channel_url: &'a str,
    pub unsubscribe_url: &'a str,
}

/// Longest message text quoted in an e-mail, in characters; the rest is in
/// the portal.
const QUOTED_CHARS: usize = 2_000;

/// A message's text cut to what an e-mail quotes.
fn quoted(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// The line that invites a reply by e-mail.
const REPLY_HINT: &str = "Reply to this e-mail to answer in the portal.";

/// The e-mail about messages waiting unread in one channel. It names the
/// senders and counts; the text only when the workspace chose so (by
/// default the portal is where messages are read).
pub fn unread_digest(summary: &DigestSummary<'_>) -> Email {
    let DigestSummary {
        brand,
        to,
        given_name,
        senders,
        messages,
        reply_to,
        channel_url,
        unsubscribe_url,
    } = summary;
    let total: usize = senders.iter().map(|(_, count)| count).sum();
    let plural = if total == 1 { "" } else { "s" };
    let subject = format!("{total} unread message{plural} in {brand}");
    let lines: String = senders
        .iter()
        .map(|(name, count)| format!("  - {count} from {name}\n"))
        .collect();
    let quotes: String = messages
        .unwrap_or_default()
        .iter()
        .map(|(name, text)| format!("{name}:\n{}\n\n", quoted(text)))
        .collect();
    let hint = if reply_to.is_some() {
        format!("{REPLY_HINT}\n")
    } else {
        String::new()
    };
    let text = format!(
        "Hello {given_name},\n\n\
         You have {total} unread message{plural} in {brand}:\n{lines}\n{quotes}\
         Read and reply here:\n{channel_url}\n{hint}\n\
         --\nYou get this e-mail because messages waited unread for you. \
         To stop e-mails about unread messages, open:\n{unsubscribe_url}\n"
    );
    let items: String = senders
        .iter()
        .map(|(name, count)| format!("<li>{count} from {}</li>", escape_html(name)))
        .collect();
    let quotes_html: String = messages
        .unwrap_or_default()
        .iter()
        .map(|(name, text)| {
            format!(
                "<p style=\"margin-bottom: 4px;\"><strong>{}</strong></p>\n\
                 <blockquote style=\"margin: 0 0 12px; padding-left: 12px; border-left: 3px solid #d0d7de;\">{}</blockquote>\n",
                escape_html(name),
                escape_html(&quoted(text)).replace('\n', "<br>")
            )
        })
        .collect();
    let hint_html = if reply_to.is_some() {
        format!("<p>{}</p>\n", escape_html(REPLY_HINT))
    } else {
        String::new()
    };
    let content = format!(
        "<p>Hello {name},</p>\n\
         <p>You have {total} unread message{plural} in {brand_html}:</p>\n<ul>{items}</ul>\n\
         {quotes_html}{button}\n{hint_html}\
         <p style=\"color: #59636e; font-size: 13px;\">You get this e-mail because messages waited \
         unread for you. <a href=\"{unsubscribe}\">Stop e-mails about unread messages</a>.</p>",
        name = escape_html(given_name),
        brand_html = escape_html(brand),
        button = button(channel_url, "Read and reply"),
        unsubscribe = escape_html(unsubscribe_url),
    );
    let mut headers = vec![
        ("List-Unsubscribe".into(), format!("<{unsubscribe_url}>")),
        (
            "List-Unsubscribe-Post".into(),
            "List-Unsubscribe=One-Click".into(),
        ),
    ];
    if let Some(address) = reply_to {
        headers.push((REPLY_TO.into(), address.to_string()));
    }
    Email {
        to: to.to_string(),
        subject,
        text,
        html: layout(brand, &content),
        headers,
    }
}

/// The extra header that gives an e-mail a `Reply-To` of its own, in place
/// of the workspace's (see `worker::build`).
pub const REPLY_TO: &str = "Reply-To";

/// The notice to a person that an e-mail sent to their reply address came
/// from another address and was refused. Only the person the address
/// belongs to gets it, never the sender of the refused e-mail.
pub fn reply_refused(
    brand: &str,
    to: &str,
    given_name: &str,
    claimed_from: &str,
    channel_url: &str,
) -> Email {
    let subject = format!("An e-mail reply to {brand} was refused");
    let text = format!(
        "Hello {given_name},\n\n\
         {brand} received an e-mail sent to your personal reply address, but from \
         another address ({claimed_from}). To keep your conversation safe, it was not \
         posted.\n\n\
         If you sent it, reply from {to}, or answer in the portal:\n{channel_url}\n\n\
         If you did not, you need do nothing: nobody else can post as you.\n\
         You get at most one such notice a day.\n"
    );
    let content = format!(
        "<p>Hello {name},</p>\n\
         <p>{brand_html} received an e-mail sent to your personal reply address, but from \
         another address ({from}). To keep your conversation safe, it was not posted.</p>\n\
         <p>If you sent it, reply from {to_html}, or answer in the portal.</p>\n{button}\n\
         <p style=\"color: #59636e; font-size: 13px;\">If you did not, you need do nothing: \
         nobody else can post as you. You get at most one such notice a day.</p>",
        name = escape_html(given_name),
        brand_html = escape_html(brand),
        from = escape_html(claimed_from),
        to_html = escape_html(to),
        button = button(channel_url, "Open the conversation"),
    );
    Email {
        to: to.to_string(),
        subject,
        text,
        html: layout(brand, &content),
        headers: Vec::new(),
    }
}

/// What a notification e-mail says, as the integrator wrote it.
pub struct NotificationEmail<'a> {
    pub brand: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub header: &'a str,
    pub body: Option<&'a str>,
    /// The call-to-action button's label.
    pub cta_label: &'a str,
    pub cta_url: &'a str,
}

/// A notification sent through the API with the e-mail delivery target. The
/// body is plain text: its paragraphs become HTML paragraphs, escaped.
pub fn notification(n: &NotificationEmail<'_>) -> Email {
    let body = n.body.unwrap_or_default();
    let text = format!(
        "{header}\n\n{body}{gap}{label}:\n{url}\n",
        header = n.header,
        gap = if body.is_empty() { "" } else { "\n\n" },
        label = n.cta_label,
        url = n.cta_url,
    );
    let paragraphs: String = body
        .split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(|p| format!("<p>{}</p>\n", escape_html(p).replace('\n', "<br>")))
        .collect();
    let content = format!(
        "<h2 style=\"font-size: 20px;\">{header}</h2>\n{paragraphs}{button}\n\
         <p style=\"color: #59636e; font-size: 13px;\">If the button does not work, copy this address \
         into your browser:<br>{url}</p>",
        header = escape_html(n.header),
        button = button(n.cta_url, n.cta_label),
        url = escape_html(n.cta_url),
    );
    Email {
        to: n.to.to_string(),
        subject: n.subject.to_string(),
        text,
        html: layout(n.brand, &content),
        headers: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_special_characters_are_escaped() {
        assert_eq!(
            escape_html(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn an_invitation_carries_the_link_and_escapes_names_in_html() {
        let email = invitation(
            "Ledger & Co",
            "ann@example.com",
            "<b>Ann</b>",
            "http://x/invite/a.b.c",
        );
        assert!(email.text.contains("http://x/invite/a.b.c"));
        assert!(email.text.contains("Ledger & Co"));
        assert!(email.html.contains("Ledger &amp; Co"));
        assert!(email.html.contains("&lt;b&gt;Ann&lt;/b&gt;"));
        assert!(
            !email.html.contains("<b>Ann</b>"),
            "names must not become markup"
        );
        assert!(email.html.contains("href=\"http://x/invite/a.b.c\""));
    }

    #[test]
    fn a_notification_email_escapes_what_the_integrator_wrote() {
        let email = notification(&NotificationEmail {
            brand: "Ledger & Co",
            to: "ann@example.com",
            subject: "Your <b>return</b>",
            header: "Return <ready>",
            body: Some("Line one\nline two\n\n<script>x</script>"),
            cta_label: "Open it",
            cta_url: "http://x/notifications?a=1&b=2",
        });
        assert_eq!(email.subject, "Your <b>return</b>");
        assert!(email.text.contains("Return <ready>"));
        assert!(email.text.contains("http://x/notifications?a=1&b=2"));
        assert!(email.html.contains("Return &lt;ready&gt;"));
        assert!(email.html.contains("<p>Line one<br>line two</p>"));
        assert!(email.html.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(!email.html.contains("<script>"));
        assert!(email
            .html
            .contains("href=\"http://x/notifications?a=1&amp;b=2\""));
        assert!(email.html.contains("Ledger &amp; Co"));
    }

    #[test]
    fn a_digest_counts_per_sender_and_offers_one_click_unsubscribe() {
        let senders = vec![("<i>Ann</i>".to_string(), 2), ("Bob".to_string(), 1)];
        let email = unread_digest(&DigestSummary {
            brand: "Ledger & Co",
            to: "olivia@example.com",
            given_name: "Olivia",
            senders: &senders,
            messages: None,
            reply_to: None,
            channel_url: "http://x/messages/ch1",
            unsubscribe_url: "http://x/v1/email-preferences/unsubscribe?token=t",
        });
        assert_eq!(email.subject, "3 unread messages in Ledger & Co");
        assert!(!email.text.contains("Reply to this e-mail"));
        assert!(!email.headers.iter().any(|(name, _)| name == REPLY_TO));
        assert!(email.text.contains("2 from <i>Ann</i>"));
        assert!(email.html.contains("2 from &lt;i&gt;Ann&lt;/i&gt;"));
        assert!(email.text.contains("http://x/messages/ch1"));
        assert!(email.headers.contains(&(
            "List-Unsubscribe".to_string(),
            "<http://x/v1/email-preferences/unsubscribe?token=t>".to_string()
        )));
    }

    #[test]
    fn a_digest_with_a_reply_address_invites_a_reply_and_quotes_text_when_asked() {
        let senders = vec![("Ann".to_string(), 1)];
        let messages = vec![(
            "Ann".to_string(),
            "Figures <b>ready</b>\nline two".to_string(),
        )];
        let email = unread_digest(&DigestSummary {
            brand: "Ledger & Co",
            to: "olivia@example.com",
            given_name: "Olivia",
            senders: &senders,
            messages: Some(&messages),
            reply_to: Some("reply+abc@replies.example"),
            channel_url: "http://x/messages/ch1",
            unsubscribe_url: "http://x/u",
        });
        assert!(email
            .text
            .contains("Reply to this e-mail to answer in the portal."));
        assert!(email
            .html
            .contains("Reply to this e-mail to answer in the portal."));
        assert!(email.text.contains("Figures <b>ready</b>\nline two"));
        assert!(email
            .html
            .contains("Figures &lt;b&gt;ready&lt;/b&gt;<br>line two"));
        assert!(!email.html.contains("<b>ready"));
        assert!(email.headers.contains(&(
            REPLY_TO.to_string(),
            "reply+abc@replies.example".to_string()
        )));
    }

    #[test]
    fn quoted_text_is_cut_at_the_limit() {
        let long = "é".repeat(QUOTED_CHARS + 10);
        let cut = quoted(&long);
        assert_eq!(cut.chars().count(), QUOTED_CHARS + 1);
        assert!(cut.ends_with('…'));
        assert_eq!(quoted("short"), "short");
    }

    #[test]
    fn a_refusal_notice_names_the_claimed_sender_escaped() {
        let email = reply_refused(
            "Ledger & Co",
            "ann@example.com",
            "Ann",
            "<mallory@evil.example>",
            "http://x/messages/ch1",
        );
        assert_eq!(email.to, "ann@example.com");
        assert!(email.text.contains("<mallory@evil.example>"));
        assert!(email.html.contains("&lt;mallory@evil.example&gt;"));
    }
}
