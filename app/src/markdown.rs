//! Message text as safe HTML: a small Markdown subset (emphasis, links,
//! lists, quotes, code), never any HTML written by a user. Raw HTML in a
//! message is shown as the text it is; links go only to web and mail
//! addresses and open in a new tab without access to this page.

use linkify::{LinkFinder, LinkKind};
use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

/// Renders a message's text. Single line breaks are kept, as people expect
/// in chat, and bare web and mail addresses become links.
pub fn render(text: &str) -> String {
    let mut events = Vec::new();
    let mut unsafe_link = false;
    // Inside a link or a code block, addresses stay as written.
    let mut in_link = false;
    let mut in_code = false;
    for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH) {
        match event {
            // Whatever looks like HTML is shown as text.
            Event::Html(raw) | Event::InlineHtml(raw) => events.push(Event::Text(raw)),
            Event::SoftBreak => events.push(Event::HardBreak),
            // Images would load from anywhere: show their description instead.
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => {}
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                in_link = true;
                unsafe_link = !is_safe_url(&dest_url);
                if !unsafe_link {
                    events.push(Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }));
                }
            }
            Event::End(TagEnd::Link) => {
                in_link = false;
                if !std::mem::take(&mut unsafe_link) {
                    events.push(Event::End(TagEnd::Link));
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                in_code = true;
                events.push(Event::Start(Tag::CodeBlock(kind)));
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code = false;
                events.push(Event::End(TagEnd::CodeBlock));
            }
            Event::Text(text) if !in_link && !in_code => link_bare_addresses(text, &mut events),
            // Headings are too loud for a chat line: keep them as bold text.
            Event::Start(Tag::Heading { .. }) => events.push(Event::Start(Tag::Strong)),
            Event::End(TagEnd::Heading(_)) => events.push(Event::End(TagEnd::Strong)),
            other => events.push(other),
        }
    }
    let mut out = String::with_capacity(text.len() * 2);
    html::push_html(&mut out, events.into_iter());
    // Every link leaves the app in a new tab, without a handle on it.
    out.trim_end().replace(
        "<a href=",
        "<a target=\"_blank\" rel=\"noopener noreferrer nofollow\" href=",
    )
}

/// Splits text around the web addresses (with their scheme) and e-mail
/// addresses in it, each made a link.
fn link_bare_addresses<'a>(text: CowStr<'a>, events: &mut Vec<Event<'a>>) {
    let finder = LinkFinder::new();
    for span in finder.spans(&text) {
        let shown = CowStr::from(span.as_str().to_string());
        let target = match span.kind() {
            Some(LinkKind::Url) if is_safe_url(&shown) => shown.to_string(),
            Some(LinkKind::Email) => format!("mailto:{shown}"),
            _ => {
                events.push(Event::Text(shown));
                continue;
            }
        };
        events.push(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: target.into(),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }));
        events.push(Event::Text(shown));
        events.push(Event::End(TagEnd::Link));
    }
}

/// A message's words without its Markdown, on one line: for previews and
/// notifications, where markup would show as stray symbols.
pub fn plain(text: &str) -> String {
    let mut words = String::with_capacity(text.len());
    for event in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                words.push_str(&t)
            }
            // Inline markup ends mid-sentence; everything else ends a line.
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_) => words.push(' '),
            _ => {}
        }
    }
    words.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_safe_url(url: &CowStr<'_>) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

#[cfg(test)]
mod tests {
    use super::{plain, render};

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
    fn bare_addresses_become_links_but_not_inside_code_or_links() {
        let out = render("see https://example.com/a?b=1, or mail ann@example.com");
        assert!(
            out.contains(r#"href="https://example.com/a?b=1">https://example.com/a?b=1</a>,"#),
            "{out}"
        );
        assert!(out.contains(r#"href="mailto:ann@example.com""#), "{out}");
        let code = render("```\nhttps://example.com\n```\n`https://example.org`");
        assert!(!code.contains("href"), "{code}");
        let linked = render("[https://a.example](https://b.example)");
        assert_eq!(linked.matches("href").count(), 1, "{linked}");
        assert!(!render("javascript:alert(1)").contains("href"));
    }

    #[test]
    fn plain_text_drops_the_markup() {
        assert_eq!(
            plain("**Hi** _Ann_,\n- one\n- `two`\n> quoted"),
            "Hi Ann, one two quoted"
        );
        assert_eq!(plain("<b>not html</b>"), "<b>not html</b>");
        assert_eq!(plain("   "), "");
    }

    #[test]
    fn line_breaks_are_kept() {
        assert_eq!(render("one\ntwo"), "<p>one<br />\ntwo</p>");
    }
}
