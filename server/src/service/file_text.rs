//! The text inside an uploaded file, read out once when it is uploaded so
//! that search finds the file by what it says: plain text, PDF, and the
//! Office and OpenDocument formats (Word, Excel, PowerPoint, Writer, Calc,
//! Impress). Anything else, or a file that cannot be read, is found by its
//! name only.
//!
//! Files come from anyone, so reading them is bounded: only files up to
//! `--max-text-source-bytes` are read, a few at a time (`Context::text_pool`),
//! each on a blocking thread, and at most `MAX_CHARS` of text is kept.

use std::io::{Cursor, Read};

/// Most text kept from one file, in characters.
pub const MAX_CHARS: usize = 100_000;
/// Most bytes read out of one part of an Office file once uncompressed
/// (a zip bomb stops here).
const MAX_PART_BYTES: u64 = 32 * 1024 * 1024;

/// The kinds of file whose text is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plain,
    Pdf,
    /// Office Open XML or OpenDocument: a zip of XML parts, whose text is
    /// in elements of these names.
    Zipped(Format),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Word,
    Excel,
    PowerPoint,
    OpenDocument,
}

impl Kind {
    fn of(content_type: &str, name: &str) -> Option<Kind> {
        let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        let by_type = match content_type {
            "text/plain" | "text/csv" | "text/markdown" => Some(Kind::Plain),
            "application/pdf" => Some(Kind::Pdf),
            t if t.ends_with("wordprocessingml.document") => Some(Kind::Zipped(Format::Word)),
            t if t.ends_with("spreadsheetml.sheet") => Some(Kind::Zipped(Format::Excel)),
            t if t.ends_with("presentationml.presentation") => {
                Some(Kind::Zipped(Format::PowerPoint))
            }
            t if t.starts_with("application/vnd.oasis.opendocument.") => {
                Some(Kind::Zipped(Format::OpenDocument))
            }
            _ => None,
        };
        // A zip's first bytes do not always say which Office file it is.
        by_type.or(match (content_type, extension.as_deref()) {
            ("application/zip", Some("docx")) => Some(Kind::Zipped(Format::Word)),
            ("application/zip", Some("xlsx")) => Some(Kind::Zipped(Format::Excel)),
            ("application/zip", Some("pptx")) => Some(Kind::Zipped(Format::PowerPoint)),
            ("application/zip", Some("odt" | "ods" | "odp")) => {
                Some(Kind::Zipped(Format::OpenDocument))
            }
            _ => None,
        })
    }
}

/// Whether `extract` reads files of this type and name at all (so that
/// others are not even read back from the blob store).
pub fn is_readable(content_type: &str, name: &str) -> bool {
    Kind::of(content_type, name).is_some()
}

/// The text of a file, with runs of white space made one space, cut at
/// `MAX_CHARS`; `None` when it has none that could be read.
pub fn extract(bytes: &[u8], content_type: &str, name: &str) -> Option<String> {
    let raw = match Kind::of(content_type, name)? {
        Kind::Plain => String::from_utf8_lossy(bytes).into_owned(),
        Kind::Pdf => pdf(bytes)?,
        Kind::Zipped(format) => zipped(bytes, format)?,
    };
    let text = tidy(&raw);
    (!text.is_empty()).then_some(text)
}

/// PDF reading can panic on a malformed file; a panic here is a file that
/// cannot be read, not a server error.
fn pdf(bytes: &[u8]) -> Option<String> {
    std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes).ok())
        .ok()
        .flatten()
}

fn zipped(bytes: &[u8], format: Format) -> Option<String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut parts: Vec<String> = archive
        .file_names()
        .filter_map(|name| name.ok())
        .filter(|name| holds_text(format, name))
        .map(|name| name.into_owned())
        .collect();
    // Slides and sheets in their order (slide2 before slide10).
    parts.sort_by_key(|name| (name.len(), name.clone()));
    let mut text = String::new();
    for part in parts {
        let Ok(file) = archive.by_name(&part) else {
            continue;
        };
        let mut xml = Vec::new();
        if file.take(MAX_PART_BYTES).read_to_end(&mut xml).is_err() {
            continue;
        }
        text_of_xml(&xml, &mut text);
        if text.chars().count() >= MAX_CHARS {
            break;
        }
    }
    Some(text)
}

/// The parts of each format that hold what a person wrote.
fn holds_text(format: Format, part: &str) -> bool {
    match format {
        Format::Word => {
            part == "word/document.xml"
                || part.starts_with("word/header")
                || part.starts_with("word/footer")
                || part == "word/footnotes.xml"
        }
        Format::Excel => part == "xl/sharedStrings.xml",
        Format::PowerPoint => part.starts_with("ppt/slides/slide") && part.ends_with(".xml"),
        Format::OpenDocument => part == "content.xml",
    }
}

/// Appends the character data of an XML part, a space between elements so
/// that cells and paragraphs do not run together.
fn text_of_xml(xml: &[u8], out: &mut String) {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(quick_xml::events::Event::Text(text)) => {
                if let Ok(decoded) = text.decode() {
                    out.push_str(&decoded);
                }
            }
            // `&amp;` and `&#233;` arrive on their own.
            Ok(quick_xml::events::Event::GeneralRef(reference)) => {
                if let Ok(Some(c)) = reference.resolve_char_ref() {
                    out.push(c);
                } else if let Some(resolved) = reference
                    .decode()
                    .ok()
                    .and_then(|name| quick_xml::escape::resolve_xml_entity(&name))
                {
                    out.push_str(resolved);
                }
            }
            Ok(quick_xml::events::Event::End(_)) => out.push(' '),
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buffer.clear();
    }
}

/// One space for each run of white space (and control characters), cut at
/// `MAX_CHARS`.
fn tidy(raw: &str) -> String {
    let mut text = String::with_capacity(raw.len().min(MAX_CHARS));
    let mut kept = 0;
    for word in raw
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
    {
        if kept > 0 {
            text.push(' ');
            kept += 1;
        }
        for c in word.chars() {
            if kept >= MAX_CHARS {
                return text;
            }
            text.push(c);
            kept += 1;
        }
    }
    text
}

/// Small files of each kind, made here, for the tests.
#[cfg(test)]
pub(crate) mod samples {
    use std::io::Write;

    /// A zip holding these parts.
    pub fn zip(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, body) in parts {
            out.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(body.as_bytes()).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    pub fn docx(paragraphs: &[&str]) -> Vec<u8> {
        let body: String = paragraphs
            .iter()
            .map(|p| format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"))
            .collect();
        zip(&[
            ("[Content_Types].xml", "<Types/>"),
            (
                "word/document.xml",
                &format!(r#"<w:document xmlns:w="w"><w:body>{body}</w:body></w:document>"#),
            ),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_read_and_tidied() {
        let text = extract(b"Invoice\n\n  for   Acme\t2024\0", "text/plain", "a.txt");
        assert_eq!(text.as_deref(), Some("Invoice for Acme 2024"));
        assert_eq!(extract(b" \n ", "text/plain", "blank.txt"), None);
    }

    #[test]
    fn office_files_are_read_by_their_parts() {
        let docx = samples::docx(&["Quarterly return", "Due &amp; payable"]);
        let word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        assert_eq!(
            extract(&docx, word, "r.docx").as_deref(),
            Some("Quarterly return Due & payable")
        );
        // Sniffed only as a zip: the name says which.
        assert_eq!(
            extract(&docx, "application/zip", "r.docx").as_deref(),
            Some("Quarterly return Due & payable")
        );
        let xlsx = samples::zip(&[(
            "xl/sharedStrings.xml",
            "<sst><si><t>Revenue</t></si><si><t>Caf&#233; expenses</t></si></sst>",
        )]);
        assert_eq!(
            extract(&xlsx, "application/zip", "book.xlsx").as_deref(),
            Some("Revenue Café expenses")
        );
        let pptx = samples::zip(&[
            ("ppt/slides/slide10.xml", "<p><a>ten</a></p>"),
            ("ppt/slides/slide2.xml", "<p><a>two</a></p>"),
        ]);
        assert_eq!(
            extract(&pptx, "application/zip", "deck.pptx").as_deref(),
            Some("two ten")
        );
    }

    #[test]
    fn a_pdf_is_read() {
        let pdf = include_bytes!("../../tests/fixtures/tax-return-2024.pdf");
        let text = extract(pdf, "application/pdf", "return.pdf").expect("the PDF's text");
        assert!(text.contains("tax return for 2024"), "{text}");
        assert!(text.contains("Depreciation schedule"), "{text}");
    }

    #[test]
    fn what_cannot_be_read_gives_nothing() {
        assert_eq!(
            extract(b"%PDF-1.7 broken", "application/pdf", "x.pdf"),
            None
        );
        assert_eq!(extract(b"PK not a zip", "application/zip", "x.docx"), None);
        assert_eq!(
            extract(&[0, 1, 2], "application/octet-stream", "x.bin"),
            None
        );
        assert!(!is_readable("image/png", "photo.png"));
    }

    #[test]
    fn text_is_cut_at_the_cap() {
        let long = "word ".repeat(MAX_CHARS);
        let text = extract(long.as_bytes(), "text/plain", "long.txt").unwrap();
        assert_eq!(text.chars().count(), MAX_CHARS);
    }
}
