//! What the browser shows outside the page when messages wait: the tab's
//! title and its icon carry the unread count. Plain Rust, tested here; the
//! browser side (and desktop notifications) is in `desktop`.

/// The tab title: the count first, so that it stays visible in a narrow
/// tab, then the page or conversation, then the workspace.
pub fn tab_title(unread: i64, page: Option<&str>, workspace: &str) -> String {
    let named = match page {
        Some(page) if !page.is_empty() => format!("{page} · {workspace}"),
        _ => workspace.to_string(),
    };
    if unread > 0 {
        format!("({}) {named}", count_label(unread))
    } else {
        named
    }
}

/// Parlor's icon with a red badge carrying the count, as a data URL for
/// `<link rel="icon">`; the plain icon when nothing is unread.
pub fn favicon(unread: i64) -> String {
    const ICON: &str = r##"<rect width="512" height="512" rx="112" fill="#2f4ac0"/><path d="M128 150h256a40 40 0 0 1 40 40v120a40 40 0 0 1-40 40H236l-76 58v-58h-32a40 40 0 0 1-40-40V190a40 40 0 0 1 40-40z" fill="#fff"/>"##;
    let badge = if unread > 0 {
        let label = count_label(unread);
        let size = if label.len() > 2 { 150 } else { 190 };
        format!(
            r##"<circle cx="372" cy="140" r="140" fill="#d93025"/><text x="372" y="140" dy=".35em" text-anchor="middle" font-family="Arial,sans-serif" font-weight="bold" font-size="{size}" fill="#fff">{label}</text>"##
        )
    } else {
        String::new()
    };
    let svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">{ICON}{badge}</svg>"#
    );
    format!("data:image/svg+xml,{}", percent_encode(&svg))
}

fn count_label(unread: i64) -> String {
    if unread > 99 {
        "99+".into()
    } else {
        unread.to_string()
    }
}

/// Enough escaping for an SVG inside a data URL.
fn percent_encode(svg: &str) -> String {
    svg.chars()
        .map(|c| match c {
            '%' => "%25".into(),
            '#' => "%23".into(),
            '<' => "%3C".into(),
            '>' => "%3E".into(),
            '"' => "'".into(),
            '+' => "%2B".into(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(url: &str) -> String {
        url.trim_start_matches("data:image/svg+xml,")
            .replace("%3C", "<")
            .replace("%3E", ">")
            .replace("%23", "#")
            .replace("%2B", "+")
            .replace("%25", "%")
    }

    #[test]
    fn the_tab_title_leads_with_the_unread_count_then_names_the_page() {
        assert_eq!(tab_title(0, None, "Ledger & Co"), "Ledger & Co");
        assert_eq!(tab_title(3, None, "Ledger & Co"), "(3) Ledger & Co");
        assert_eq!(tab_title(250, None, "Ledger & Co"), "(99+) Ledger & Co");
        assert_eq!(
            tab_title(3, Some("Ann Archer"), "Ledger & Co"),
            "(3) Ann Archer · Ledger & Co"
        );
        assert_eq!(
            tab_title(0, Some("Settings"), "Ledger & Co"),
            "Settings · Ledger & Co"
        );
    }

    #[test]
    fn the_icon_gets_a_badge_with_the_count_only_when_something_is_unread() {
        let plain = decoded(&favicon(0));
        assert!(plain.starts_with("<svg") && !plain.contains("<circle"));
        let five = decoded(&favicon(5));
        assert!(
            five.contains("<circle") && five.contains(">5</text>"),
            "{five}"
        );
        assert!(decoded(&favicon(100)).contains(">99+</text>"));
    }

    #[test]
    fn the_data_url_has_no_characters_that_end_it_early() {
        let url = favicon(12);
        assert!(!url.contains('#') && !url.contains('"') && !url.contains('<'));
    }
}
