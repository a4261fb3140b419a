//! A ZIP archive sent while it is written. Entries are written one after
//! another in streaming form (sizes after the data), so nothing needs
//! seeking back to; the bytes written go out in chunks over a small bounded
//! channel, so a slow download slows the writer down instead of filling
//! memory, and a download given up stops it.

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use zip::write::{SimpleFileOptions, StreamWriter};
use zip::{CompressionMethod, ZipWriter};

use crate::blobs::ByteStream;
use crate::domain::attachment::FileName;

/// Bytes are sent once this many are waiting.
const CHUNK: usize = 64 * 1024;
/// Chunks in flight between the writer and the connection.
const IN_FLIGHT: usize = 4;

/// The receiving end went away: the download was given up.
#[derive(Debug, thiserror::Error)]
#[error("the download was given up")]
pub struct Abandoned;

/// Where the ZIP writer puts its bytes until they are sent.
#[derive(Clone, Default)]
struct Spool(Arc<Mutex<Vec<u8>>>);

impl Spool {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

impl Write for Spool {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The archive being written.
pub struct Archive {
    zip: ZipWriter<StreamWriter<Spool>>,
    spool: Spool,
    out: mpsc::Sender<std::io::Result<Bytes>>,
}

/// How an entry is stored: text is compressed, files (often compressed
/// already: images, PDFs, Office files) are stored as they are.
#[derive(Clone, Copy)]
pub enum Packing {
    Compressed,
    Stored,
}

impl Archive {
    /// An archive and the stream of its bytes, for a response body.
    pub fn new() -> (
        Archive,
        impl futures_util::Stream<Item = std::io::Result<Bytes>> + Send + 'static,
    ) {
        let (out, receiver) = mpsc::channel(IN_FLIGHT);
        let spool = Spool::default();
        let archive = Archive {
            zip: ZipWriter::new_stream(spool.clone()),
            spool,
            out,
        };
        let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
            receiver.recv().await.map(|chunk| (chunk, receiver))
        });
        (archive, stream)
    }

    /// Starts the entry `name`; what is written next goes into it.
    pub fn start(&mut self, name: &str, packing: Packing) -> anyhow::Result<()> {
        let method = match packing {
            Packing::Compressed => CompressionMethod::Deflated,
            Packing::Stored => CompressionMethod::Stored,
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            // Sizes are not known before the data: ZIP64 sizes, so that a
            // file over 4 GiB is written right too.
            .large_file(true)
            .unix_permissions(0o644);
        self.zip.start_file(name, options)?;
        Ok(())
    }

    /// Writes into the current entry.
    pub async fn write(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        self.zip.write_all(bytes)?;
        if self.spool.len() >= CHUNK {
            self.send().await?;
        }
        Ok(())
    }

    /// A whole entry at once.
    pub async fn entry(
        &mut self,
        name: &str,
        packing: Packing,
        bytes: &[u8],
    ) -> anyhow::Result<()> {
        self.start(name, packing)?;
        self.write(bytes).await
    }

    /// An entry with the bytes of a stream, as they arrive.
    pub async fn copy(&mut self, name: &str, mut bytes: ByteStream) -> anyhow::Result<()> {
        self.start(name, Packing::Stored)?;
        while let Some(chunk) = bytes.next().await {
            self.write(&chunk?).await?;
        }
        Ok(())
    }

    /// Ends the archive (its central directory) and sends what is left.
    pub async fn finish(self) -> anyhow::Result<()> {
        let Archive { zip, spool, out } = self;
        zip.finish()?;
        send(&spool, &out).await
    }

    /// What ends the download with an error if the writing fails.
    pub fn failure(&self) -> Failure {
        Failure(self.out.clone())
    }

    async fn send(&mut self) -> anyhow::Result<()> {
        send(&self.spool, &self.out).await
    }
}

/// Sends what the spool holds, if anything.
async fn send(spool: &Spool, out: &mpsc::Sender<std::io::Result<Bytes>>) -> anyhow::Result<()> {
    let chunk = spool.take();
    if !chunk.is_empty() {
        out.send(Ok(Bytes::from(chunk)))
            .await
            .map_err(|_| Abandoned)?;
    }
    Ok(())
}

/// Ends a download with an error, so the browser reports it failed rather
/// than saving a truncated archive as if it were whole.
pub struct Failure(mpsc::Sender<std::io::Result<Bytes>>);

impl Failure {
    pub async fn report(self, err: &anyhow::Error) {
        let _ = self
            .0
            .send(Err(std::io::Error::other(format!("{err:#}"))))
            .await;
    }
}

/// Names in the archive: readable, safe to unpack anywhere (no folders
/// climbed out of, no characters a file system refuses), and unique.
#[derive(Default)]
pub struct Names(std::collections::HashSet<String>);

impl Names {
    /// `folder/name`, with `name` made safe and, if taken, numbered:
    /// `report.pdf`, `report (2).pdf`.
    pub fn claim(&mut self, folder: &str, name: &str) -> String {
        let name = safe_segment(name);
        let (stem, extension) = match name.rfind('.') {
            Some(dot) if dot > 0 => name.split_at(dot),
            _ => (name.as_str(), ""),
        };
        let path = |n: usize| match (folder, n) {
            ("", 1) => name.clone(),
            ("", n) => format!("{stem} ({n}){extension}"),
            (folder, 1) => format!("{folder}/{name}"),
            (folder, n) => format!("{folder}/{stem} ({n}){extension}"),
        };
        let mut n = 1;
        while self.0.contains(&path(n).to_lowercase()) {
            n += 1;
        }
        let claimed = path(n);
        self.0.insert(claimed.to_lowercase());
        claimed
    }
}

/// One path segment: a file's name made safe as uploads' names are
/// (`FileName`), with separators kept inside it and no leading dots (no
/// `..`, no hidden files).
pub fn safe_segment(name: &str) -> String {
    let name = FileName::parse(&name.replace(['/', '\\'], "_"));
    match name.as_str().trim_start_matches('.') {
        "" => "file".into(),
        rest => rest.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe_and_unique() {
        let mut names = Names::default();
        assert_eq!(
            names.claim("files", "../../etc/passwd"),
            "files/_.._etc_passwd"
        );
        assert_eq!(names.claim("files", "report.pdf"), "files/report.pdf");
        assert_eq!(names.claim("files", "Report.PDF"), "files/Report (2).PDF");
        assert_eq!(names.claim("files", "report.pdf"), "files/report (3).pdf");
        assert_eq!(names.claim("", "..."), "file");
        assert_eq!(names.claim("", "a\u{0}b:c"), "ab_c");
        assert_eq!(names.claim("", "Acme / Co"), "Acme _ Co");
    }

    #[tokio::test]
    async fn an_archive_streams_and_opens() {
        let (mut archive, stream) = Archive::new();
        let writer = tokio::spawn(async move {
            archive
                .entry("a.txt", Packing::Compressed, b"hello")
                .await?;
            archive.start("big.bin", Packing::Stored)?;
            for _ in 0..40 {
                archive.write(&[7u8; 10_000]).await?;
            }
            archive.finish().await
        });
        let chunks: Vec<Bytes> = stream.map(|c| c.unwrap()).collect().await;
        writer.await.unwrap().unwrap();
        assert!(chunks.len() > 3, "sent in several chunks, not at the end");
        let bytes: Vec<u8> = chunks.concat();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("a.txt").unwrap(), &mut text).unwrap();
        assert_eq!(text, "hello");
        assert_eq!(zip.by_name("big.bin").unwrap().size(), 400_000);
    }
}
