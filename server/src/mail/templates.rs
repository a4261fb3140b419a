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

/// The invitation to a new client's portal.
pub fn invitation(brand: &str, to: &str, given_name: &str, invite_url: &str) -> Email {
    let subject = format!("{brand} invited you to their client portal");
    let text = format!(
        "Hello {given_name},\n\n\
         {brand} invited you to their client portal, where you can message them and share files securely.\n\n\
         Accept the invitation and choose your password here:\n{invite_url}\n\n\
         The link works once and expires in 7 days.\n"
    );
    let content = format!(
        "<p>Hello {name},</p>\n\
         <p>{brand_html} invited you to their client portal, where you can message them and share files securely.</p>\n\
         {button}\n\
         <p style=\"color: #59636e; font-size: 13px;\">The link works once and expires in 7 days. \
         If the button does not work, copy this address into your browser:<br>{url}</p>",
        name = escape_html(given_name),
        brand_html = escape_html(brand),
        button = button(invite_url, "Accept the invitation"),
        url = escape_html(invite_url),
    );
    Email {
        to: to.to_string(),
        subject,
        text,
        html: layout(brand, &content),
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
}
