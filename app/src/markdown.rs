//! Message text as safe HTML: a small Markdown subset (emphasis, links,
//! lists, quotes, code), never any HTML written by a user. Raw HTML in a
//! message is shown as the text it is; links go only to web and mail
//! addresses and open in a new tab without access to this page.

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Renders a message's text. Single line breaks are kept, as people expect
/// in chat.
pub fn render(text: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_link = false;
    let events = Parser::new_ext(text, options).filter_map(|event| match event {
        // Whatever looks like HTML is shown as text.
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::SoftBreak => Some(Event::HardBreak),
        // Images would load from anywhere: show their description instead.
        Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            unsafe_link = !is_safe_url(&dest_url);
            if unsafe_link {
                None
            } else {
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))
            }
        }
        Event::End(TagEnd::Link) if unsafe_link => {
            unsafe_link = false;
            None
        }
        // Headings are too loud for a chat line: keep them as bold text.
        Event::Start(Tag::Heading { .. }) => Some(Event::Start(Tag::Strong)),
        Event::End(TagEnd::Heading(_)) => Some(Event::End(TagEnd::Strong)),
        other => Some(other),
    });
    let mut out = String::with_capacity(text.len() * 2);
    html::push_html(&mut out, events);
    // Every link leaves the app in a new tab, without a handle on it.
    out.trim_end().replace(
        "<a href=",
        "<a target=\"_blank\" rel=\"noopener noreferrer nofollow\" href=",
    )
}

fn is_safe_url(url: &CowStr<'_>) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn emphasis_lists_and_code() {
        assert_eq!(
            render("**bold** and _it_"),
            "<p><strong>bold</strong> and <em>it</em></p>"
        );
        assert!(render("- one\n- two").contains("<li>one</li>"));
        assert!(render("`x < y`").contains("<code>x &lt; y</code>"));
    }

    #[test]
    fn html_from_users_is_shown_as_text() {
        let out = render("<script>alert(1)</script> <img src=x onerror=alert(1)>");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
        let block = render("<div onclick=\"steal()\">hi</div>");
        assert!(!block.contains("<div"), "{block}");
    }

    #[test]
    fn only_web_and_mail_links_survive() {
        let good = render("[docs](https://example.com/a?b=1)");
        assert!(
            good.contains("href=\"https://example.com/a?b=1\""),
            "{good}"
        );
        assert!(
            good.contains("rel=\"noopener noreferrer nofollow\""),
            "{good}"
        );
        for hostile in [
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x](data:text/html,hi)",
            "[x](vbscript:x)",
        ] {
            let out = render(hostile);
            assert!(!out.contains("href"), "{hostile} gave {out}");
            assert!(out.contains('x'), "the link text stays: {out}");
        }
        assert!(!render("![pixel](https://tracker.example/p.gif)").contains("<img"));
        let auto = render("<https://example.com>");
        assert!(auto.contains("href=\"https://example.com\""), "{auto}");
    }

    #[test]
    fn line_breaks_are_kept() {
        assert_eq!(render("one\ntwo"), "<p>one<br />\ntwo</p>");
    }
}
