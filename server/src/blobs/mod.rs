//! The blob store: file contents by key, in a local directory (the default)
//! or in a bucket of any S3-compatible service.
//!
//! Keys are 256 random bits in hex, never derived from a file's name or
//! content, so they cannot be guessed and cannot escape the store. A blob is
//! written once, becomes visible only when finished, and never changes.
//! Which blobs exist is tracked in the database (`storage/attachments.rs`);
//! this module only moves bytes.

mod local;
mod s3;

use std::ops::Range;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use rand::RngCore;

use crate::config::BlobLocation;

/// The bytes of a blob, read as they arrive.
pub type ByteStream = BoxStream<'static, std::io::Result<Bytes>>;

#[derive(Clone)]
pub struct BlobStore(Arc<Backend>);

/// Two backends behind one set of methods. An enum rather than a trait
/// object: there are exactly two, and their writers hold async state.
enum Backend {
    Local(local::LocalStore),
    S3(s3::S3Store),
}

impl BlobStore {
    pub fn open(location: &BlobLocation) -> anyhow::Result<BlobStore> {
        let backend = match location {
            BlobLocation::Local(dir) => Backend::Local(local::LocalStore::open(dir)?),
            BlobLocation::S3(s3) => Backend::S3(s3::S3Store::open(s3)?),
        };
        Ok(BlobStore(Arc::new(backend)))
    }

    /// A fresh, unguessable key.
    pub fn new_key() -> String {
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Starts writing a blob; nothing is visible under `key` until `finish`.
    pub async fn create(&self, key: &str) -> anyhow::Result<BlobWriter> {
        check_key(key)?;
        Ok(BlobWriter(match self.0.as_ref() {
            Backend::Local(store) => Writer::Local(store.create(key).await?),
            Backend::S3(store) => Writer::S3(store.create(key)),
        }))
    }

    /// Reads a blob, or the byte range of it.
    pub async fn read(&self, key: &str, range: Option<Range<u64>>) -> anyhow::Result<ByteStream> {
        check_key(key)?;
        match self.0.as_ref() {
            Backend::Local(store) => store.read(key, range).await,
            Backend::S3(store) => store.read(key, range).await,
        }
    }

    /// Deletes a blob and any unfinished write of it; a missing blob is fine.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        check_key(key)?;
        match self.0.as_ref() {
            Backend::Local(store) => store.delete(key).await,
            Backend::S3(store) => store.delete(key).await,
        }
    }

    /// Whether the store answers: its directory is there, or the bucket
    /// answers a request (a missing object is an answer).
    pub async fn check(&self) -> anyhow::Result<()> {
        match self.0.as_ref() {
            Backend::Local(store) => store.check().await,
            Backend::S3(store) => store.check().await,
        }
    }

    /// The keys of every finished blob (for checks and tests; it lists all).
    pub async fn keys(&self) -> anyhow::Result<Vec<String>> {
        let mut keys = match self.0.as_ref() {
            Backend::Local(store) => store.keys().await?,
            Backend::S3(store) => store.keys().await?,
        };
        keys.sort();
        Ok(keys)
    }
}

fn check_key(key: &str) -> anyhow::Result<()> {
    anyhow::ensure!(
        key.len() == 64
            && key
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "not a blob key: {key:?}"
    );
    Ok(())
}

/// A blob being written. Dropped unfinished, it leaves nothing behind.
pub struct BlobWriter(Writer);

enum Writer {
    Local(local::Writer),
    S3(s3::Writer),
}

impl BlobWriter {
    pub async fn write(&mut self, chunk: Bytes) -> anyhow::Result<()> {
        match &mut self.0 {
            Writer::Local(writer) => writer.write(chunk).await,
            Writer::S3(writer) => writer.write(chunk).await,
        }
    }

    /// Makes the blob durable and visible under its key.
    pub async fn finish(self) -> anyhow::Result<()> {
        match self.0 {
            Writer::Local(writer) => writer.finish().await,
            Writer::S3(writer) => writer.finish().await,
        }
    }

    /// Throws the partial blob away.
    pub async fn abort(self) {
        match self.0 {
            Writer::Local(writer) => writer.abort().await,
            Writer::S3(writer) => writer.abort().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_random_hex() {
        let (a, b) = (BlobStore::new_key(), BlobStore::new_key());
        assert_ne!(a, b);
        assert!(check_key(&a).is_ok());
        for bad in [
            "",
            "../../etc/passwd",
            &a[..63],
            &a.to_uppercase(),
            &format!("{}/", &a[..63]),
        ] {
            assert!(check_key(bad).is_err(), "{bad:?} must not pass as a key");
        }
    }
}
