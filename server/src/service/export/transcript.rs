//! One conversation as a person reads it: a self-contained HTML page (the
//! message text rendered as the web app renders it) and a PDF of the same,
//! set in the PDF standard fonts so that nothing needs embedding.
//!
//! The standard fonts cover Western European text (Windows-1252); anything
//! else shows as `?` in the PDF. The HTML page shows every character, and
//! it is the transcript to read when they differ (docs/decisions.md).

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};
use time::macros::format_description;
use time::OffsetDateTime;

use crate::mail::templates::escape_html;

/// A message as a transcript shows it.
pub struct Entry<'a> {
    pub sender: &'a str,
    /// Milliseconds since the epoch.
    pub at: i64,
    pub text: &'a str,
    pub edited: bool,
    /// Its files: the name and where the file is in the archive, relative
    /// to the transcript.
    pub files: Vec<(&'a str, &'a str)>,
}

/// `2026-11-28 17:05 UTC`.
pub fn when(at_ms: i64) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(at_ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}

/// The HTML page, written in parts so a long conversation is never held
/// whole: `head`, then `entry` for each message, then `FOOT`.
pub mod html {
    use super::*;

    pub fn head(title: &str, subtitle: &str) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title}</title>\n<style>\
             body{{font-family:system-ui,sans-serif;color:#1f2328;max-width:760px;margin:0 auto;padding:24px;line-height:1.45}}\
             article{{border-top:1px solid #d0d7de;padding:10px 0}}\
             header{{font-size:.9em;color:#57606a}} header strong{{color:#1f2328}}\
             ul.files{{margin:.4em 0;padding-left:1.2em}}\
             </style></head>\n<body>\n<h1>{title}</h1>\n<p>{subtitle}</p>\n",
            title = escape_html(title),
            subtitle = escape_html(subtitle),
        )
    }

    pub fn entry(entry: &Entry<'_>) -> String {
        let mut out = format!(
            "<article><header><strong>{}</strong> · <time>{}</time>{}</header>\n",
            escape_html(entry.sender),
            when(entry.at),
            if entry.edited { " · edited" } else { "" }
        );
        if !entry.text.trim().is_empty() {
            out.push_str("<div>");
            out.push_str(&parlor_app::markdown::render(entry.text));
            out.push_str("</div>\n");
        }
        if !entry.files.is_empty() {
            out.push_str("<ul class=\"files\">");
            for (name, path) in &entry.files {
                out.push_str(&format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    escape_html(&href(path)),
                    escape_html(name)
                ));
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</article>\n");
        out
    }

    /// An item of a list of links, for the archive's index.
    pub fn link(path: &str, text: &str) -> String {
        format!(
            "<li><a href=\"{}\">{}</a></li>\n",
            escape_html(&href(path)),
            escape_html(text)
        )
    }

    pub const EMPTY: &str = "<p>No messages.</p>\n";
    pub const FOOT: &str = "</body></html>\n";

    /// A relative link to a path in the archive, each segment escaped.
    fn href(path: &str) -> String {
        path.split('/')
            .map(|segment| {
                segment
                    .bytes()
                    .map(|b| match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                            (b as char).to_string()
                        }
                        _ => format!("%{b:02X}"),
                    })
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("/")
    }
}

/// A4, in points.
const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 50.0;
const SIZE: f32 = 10.0;
const LEADING: f32 = 13.0;
/// Courier is 0.6 em wide for every character, so lines are cut by count.
const COLUMNS: usize = ((PAGE.0 - 2.0 * MARGIN) / (SIZE * 0.6)) as usize;

/// The PDF transcript, one line at a time.
pub struct Pdf {
    pages: Vec<Vec<Operation>>,
    y: f32,
}

impl Pdf {
    pub fn new(title: &str, subtitle: &str) -> Pdf {
        let mut pdf = Pdf {
            pages: Vec::new(),
            y: 0.0,
        };
        pdf.new_page();
        pdf.line("F2", 14.0, title);
        pdf.y -= 4.0;
        for line in wrap(subtitle, COLUMNS) {
            pdf.line("F1", SIZE, &line);
        }
        pdf.y -= LEADING;
        pdf
    }

    pub fn entry(&mut self, entry: &Entry<'_>) {
        let header = format!(
            "{} - {}{}",
            entry.sender,
            when(entry.at),
            if entry.edited { " (edited)" } else { "" }
        );
        for line in wrap(&header, COLUMNS) {
            self.line("F2", SIZE, &line);
        }
        for paragraph in entry.text.lines() {
            for line in wrap(paragraph, COLUMNS - 2) {
                self.line("F1", SIZE, &format!("  {line}"));
            }
        }
        for (name, _) in &entry.files {
            for line in wrap(&format!("[file] {name}"), COLUMNS - 2) {
                self.line("F1", SIZE, &format!("  {line}"));
            }
        }
        self.y -= LEADING / 2.0;
    }

    pub fn empty(&mut self) {
        self.line("F1", SIZE, "No messages.");
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = PAGE.1 - MARGIN;
    }

    fn line(&mut self, font: &str, size: f32, text: &str) {
        if self.y - LEADING < MARGIN {
            self.new_page();
        }
        self.y -= LEADING.max(size + 3.0);
        let ops = self.pages.last_mut().expect("a page is always open");
        ops.extend([
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec![font.into(), size.into()]),
            Operation::new("Td", vec![MARGIN.into(), self.y.into()]),
            Operation::new("Tj", vec![Object::string_literal(win_ansi(text))]),
            Operation::new("ET", vec![]),
        ]);
    }

    /// The finished document.
    pub fn finish(self) -> anyhow::Result<Vec<u8>> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font = |name: &str| {
            dictionary! {
                "Type" => "Font",
                "Subtype" => "Type1",
                "BaseFont" => name.to_string(),
                "Encoding" => "WinAnsiEncoding",
            }
        };
        let regular = doc.add_object(font("Courier"));
        let bold = doc.add_object(font("Courier-Bold"));
        let resources = doc.add_object(dictionary! {
            "Font" => dictionary! { "F1" => regular, "F2" => bold },
        });
        let mut kids = Vec::with_capacity(self.pages.len());
        for operations in self.pages {
            let content = Content { operations }.encode()?;
            let mut stream = Stream::new(dictionary! {}, content);
            // Text compresses well; a failure only leaves it uncompressed.
            let _ = stream.compress();
            let content_id = doc.add_object(stream);
            kids.push(Object::Reference(doc.add_object(dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => content_id,
            })));
        }
        let count = kids.len() as i64;
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => kids,
                "Count" => count,
                "Resources" => resources,
                "MediaBox" => vec![0.into(), 0.into(), PAGE.0.into(), PAGE.1.into()],
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes)?;
        Ok(bytes)
    }
}

/// Lines of at most `width` characters, broken between words where it can.
fn wrap(text: &str, width: usize) -> Vec<String> {
    textwrap::wrap(text, width)
        .into_iter()
        .map(|line| line.into_owned())
        .collect()
}

/// The text in the standard fonts' encoding (Windows-1252); what it cannot
/// hold becomes `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c as u8,
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '\t' => b' ',
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry<'a>(text: &'a str, files: Vec<(&'a str, &'a str)>) -> Entry<'a> {
        Entry {
            sender: "Ann <Route>",
            at: 1_764_349_500_000,
            text,
            edited: false,
            files,
        }
    }

    #[test]
    fn html_escapes_names_and_renders_text_as_the_app_does() {
        let html = html::entry(&entry(
            "See **this** <script>alert(1)</script>",
            vec![("a b&c.pdf", "files/a b&c.pdf")],
        ));
        assert!(html.contains("Ann &lt;Route&gt;"), "{html}");
        assert!(html.contains("<strong>this</strong>"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
        assert!(
            html.contains("href=\"files/a%20b%26c.pdf\">a b&amp;c.pdf</a>"),
            "{html}"
        );
        assert!(html.contains("2025-11-28 17:05 UTC"), "{html}");
    }

    #[test]
    fn the_pdf_holds_every_line_and_breaks_pages() {
        let mut pdf = Pdf::new("Conversation with Ann", "Exported from Acme");
        let long = "word ".repeat(60);
        for i in 0..200 {
            pdf.entry(&entry(&format!("message number {i}\n{long}"), vec![]));
        }
        let pages = pdf.pages.len();
        assert!(pages > 5, "200 long entries fill more than five pages");
        let bytes = pdf.finish().unwrap();
        let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
        assert!(text.contains("Conversation with Ann"), "{text}");
        assert!(text.contains("message number 0"), "{text}");
        assert!(text.contains("message number 199"), "{text}");
    }

    #[test]
    fn characters_beyond_the_standard_fonts_become_question_marks() {
        assert_eq!(win_ansi("Café – “ok” 日本"), b"Caf\xe9 \x96 \x93ok\x94 ??");
    }
}
