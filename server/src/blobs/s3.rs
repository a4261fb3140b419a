//! Blobs as objects in an S3-compatible bucket. Small blobs go up in one PUT;
//! larger ones in a multipart upload of bounded parts, so memory stays flat
//! whatever the file size. An object appears only when its upload completes.

use std::ops::Range;

use anyhow::Context as _;
use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, PutPayload, WriteMultipart};

use super::ByteStream;
use crate::config::S3Location;

/// Size of one multipart part (S3's minimum is 5 MiB).
const PART_BYTES: usize = 8 * 1024 * 1024;
/// Parts uploaded at once; with the part being filled, memory per upload
/// stays under (PARTS_IN_FLIGHT + 1) × PART_BYTES.
const PARTS_IN_FLIGHT: usize = 2;

pub struct S3Store {
    store: std::sync::Arc<AmazonS3>,
    prefix: String,
}

impl S3Store {
    pub fn open(location: &S3Location) -> anyhow::Result<S3Store> {
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(&location.bucket)
            .with_region(&location.region);
        if let Some(endpoint) = &location.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        if let Some(id) = &location.access_key_id {
            builder = builder.with_access_key_id(id);
        }
        if let Some(secret) = &location.secret_access_key {
            builder = builder.with_secret_access_key(secret);
        }
        let store = builder.build().context("configuring the S3 file store")?;
        let prefix = location.prefix.trim_matches('/');
        Ok(S3Store {
            store: std::sync::Arc::new(store),
            prefix: if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}/")
            },
        })
    }

    pub async fn check(&self) -> anyhow::Result<()> {
        match self.store.head(&self.path("readiness-probe")).await {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(err).context("reaching the S3 file store"),
        }
    }

    fn path(&self, key: &str) -> Path {
        Path::from(format!("{}{key}", self.prefix))
    }

    pub fn create(&self, key: &str) -> Writer {
        Writer {
            store: self.store.clone(),
            path: self.path(key),
            state: State::Buffering(Vec::new(), 0),
        }
    }

    pub async fn read(&self, key: &str, range: Option<Range<u64>>) -> anyhow::Result<ByteStream> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let result = self.store.get_opts(&self.path(key), options).await?;
        Ok(result.into_stream().map_err(std::io::Error::other).boxed())
    }

    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.store.delete(&self.path(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(err.into()),
        }
    }

    pub async fn keys(&self) -> anyhow::Result<Vec<String>> {
        let prefix = (!self.prefix.is_empty()).then(|| Path::from(self.prefix.as_str()));
        let objects: Vec<_> = self.store.list(prefix.as_ref()).try_collect().await?;
        Ok(objects
            .into_iter()
            .filter_map(|meta| meta.location.filename().map(str::to_string))
            .collect())
    }
}

enum State {
    /// Chunks held until they fill a part; a small blob never leaves this.
    Buffering(Vec<Bytes>, usize),
    Multipart(WriteMultipart),
    Closed,
}

pub struct Writer {
    store: std::sync::Arc<AmazonS3>,
    path: Path,
    state: State,
}

impl Writer {
    pub async fn write(&mut self, chunk: Bytes) -> anyhow::Result<()> {
        match &mut self.state {
            State::Buffering(chunks, size) => {
                *size += chunk.len();
                chunks.push(chunk);
                if *size >= PART_BYTES {
                    let chunks = std::mem::take(chunks);
                    let upload = self.store.put_multipart(&self.path).await?;
                    let mut multipart = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
                    for chunk in chunks {
                        multipart.put(chunk);
                    }
                    self.state = State::Multipart(multipart);
                }
            }
            State::Multipart(multipart) => {
                multipart.wait_for_capacity(PARTS_IN_FLIGHT).await?;
                multipart.put(chunk);
            }
            State::Closed => anyhow::bail!("blob writer already closed"),
        }
        Ok(())
    }

    pub async fn finish(mut self) -> anyhow::Result<()> {
        match std::mem::replace(&mut self.state, State::Closed) {
            State::Buffering(chunks, _) => {
                self.store
                    .put(&self.path, PutPayload::from_iter(chunks))
                    .await?;
            }
            State::Multipart(multipart) => {
                multipart.finish().await?;
            }
            State::Closed => anyhow::bail!("blob writer already closed"),
        }
        Ok(())
    }

    pub async fn abort(mut self) {
        if let State::Multipart(multipart) = std::mem::replace(&mut self.state, State::Closed) {
            if let Err(err) = multipart.abort().await {
                tracing::warn!(error = %err, "aborting a multipart upload failed");
            }
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // An upload cut off midway: drop the parts already sent.
        if let State::Multipart(multipart) = std::mem::replace(&mut self.state, State::Closed) {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    let _ = multipart.abort().await;
                });
            }
        }
    }
}
