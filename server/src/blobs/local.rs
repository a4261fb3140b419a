//! Blobs as files in a directory: `ab/abcd…` for finished blobs, and
//! `tmp/abcd…` while one is written, renamed into place when complete.

use std::io::SeekFrom;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use bytes::Bytes;
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufWriter};

use super::ByteStream;

pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    pub fn open(root: &Path) -> anyhow::Result<LocalStore> {
        crate::private_files::create_dir_all(&root.join("tmp"))
            .with_context(|| format!("creating the file store {}", root.display()))?;
        Ok(LocalStore {
            root: root.to_path_buf(),
        })
    }

    pub async fn check(&self) -> anyhow::Result<()> {
        let tmp = tokio::fs::metadata(self.root.join("tmp"))
            .await
            .with_context(|| format!("reading the file store {}", self.root.display()))?;
        anyhow::ensure!(tmp.is_dir(), "{} is not a file store", self.root.display());
        Ok(())
    }

    fn path(&self, key: &str) -> PathBuf {
        self.root.join(&key[..2]).join(key)
    }

    fn temp_path(&self, key: &str) -> PathBuf {
        self.root.join("tmp").join(key)
    }

    pub async fn create(&self, key: &str) -> anyhow::Result<Writer> {
        let temp = self.temp_path(key);
        let file = tokio::fs::OpenOptions::from(crate::private_files::new_file())
            .write(true)
            .open(&temp)
            .await
            .with_context(|| format!("creating {}", temp.display()))?;
        Ok(Writer {
            file: Some(BufWriter::with_capacity(256 * 1024, file)),
            temp,
            dest: self.path(key),
        })
    }

    pub async fn read(&self, key: &str, range: Option<Range<u64>>) -> anyhow::Result<ByteStream> {
        let path = self.path(key);
        let mut file = tokio::fs::File::open(&path)
            .await
            .with_context(|| format!("opening {}", path.display()))?;
        let stream = match range {
            Some(range) => {
                file.seek(SeekFrom::Start(range.start)).await?;
                let limited = file.take(range.end - range.start);
                tokio_util::io::ReaderStream::with_capacity(limited, 64 * 1024).boxed()
            }
            None => tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024).boxed(),
        };
        Ok(stream)
    }

    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        for path in [self.path(key), self.temp_path(key)] {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => {
                    return Err(err).with_context(|| format!("deleting {}", path.display()))
                }
            }
        }
        Ok(())
    }

    pub async fn keys(&self) -> anyhow::Result<Vec<String>> {
        let root = self.root.clone();
        tokio::task::spawn_blocking(move || {
            let mut keys = Vec::new();
            for dir in std::fs::read_dir(&root)? {
                let dir = dir?;
                let name = dir.file_name().to_string_lossy().into_owned();
                if name.len() != 2 || !dir.file_type()?.is_dir() {
                    continue;
                }
                for file in std::fs::read_dir(dir.path())? {
                    keys.push(file?.file_name().to_string_lossy().into_owned());
                }
            }
            Ok(keys)
        })
        .await?
    }
}

pub struct Writer {
    file: Option<BufWriter<tokio::fs::File>>,
    temp: PathBuf,
    dest: PathBuf,
}

impl Writer {
    pub async fn write(&mut self, chunk: Bytes) -> anyhow::Result<()> {
        let file = self.file.as_mut().context("blob writer already closed")?;
        file.write_all(&chunk).await?;
        Ok(())
    }

    pub async fn finish(mut self) -> anyhow::Result<()> {
        let mut file = self.file.take().context("blob writer already closed")?;
        file.flush().await?;
        file.get_mut().sync_all().await?;
        drop(file);
        let dir = self.dest.parent().context("a blob path has a parent")?;
        crate::private_files::create_dir_all_async(dir).await?;
        tokio::fs::rename(&self.temp, &self.dest)
            .await
            .with_context(|| format!("moving {} into place", self.temp.display()))?;
        // The rename is durable once the directory is.
        tokio::fs::File::open(dir).await?.sync_all().await?;
        self.temp = PathBuf::new();
        Ok(())
    }

    pub async fn abort(mut self) {
        self.file.take();
        let temp = std::mem::take(&mut self.temp);
        let _ = tokio::fs::remove_file(temp).await;
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        // An unfinished write (an upload cut off midway) leaves nothing.
        if !self.temp.as_os_str().is_empty() {
            self.file.take();
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}
