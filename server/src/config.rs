//! Runtime configuration of a server, built from the command line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rand::RngCore;

use crate::cli::StorageArgs;

/// Where the database is.
#[derive(Debug, Clone)]
pub enum DatabaseLocation {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseLocation {
    pub fn from_args(args: &StorageArgs) -> anyhow::Result<Self> {
        match &args.database_url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Self::Postgres(url.clone()))
            }
            Some(url) => anyhow::bail!(
                "unsupported --database-url {url:?}: use postgres://… or leave it out for SQLite"
            ),
            None => Ok(Self::Sqlite(args.data_dir.join("parlor.db"))),
        }
    }
}

/// Where `make web` puts the browser files, relative to the project.
pub const DEFAULT_SITE_DIR: &str = "target/site";

#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database: DatabaseLocation,
    /// Base URL for links in invitations and setup, without a trailing slash.
    pub public_url: String,
    /// Signs invitation links and other tokens; read from the data directory.
    pub secret_key: SecretKey,
    /// Longest accepted message text, in characters.
    pub max_message_chars: usize,
    /// Frames queued for one realtime socket before it counts as too slow.
    pub realtime_queue: usize,
    /// How long one frame may take to send before the socket counts as stalled.
    pub realtime_send_timeout: std::time::Duration,
    /// How long events stay in the log; older cursors get `resync.required`.
    pub event_retention: std::time::Duration,
    /// The built web app's browser files (`make web` writes them).
    pub site_dir: PathBuf,
}

impl Config {
    pub fn new(
        listen: SocketAddr,
        storage: &StorageArgs,
        public_url: Option<String>,
    ) -> anyhow::Result<Self> {
        let public_url = public_url
            .unwrap_or_else(|| format!("http://{listen}"))
            .trim_end_matches('/')
            .to_string();
        Ok(Config {
            listen,
            data_dir: storage.data_dir.clone(),
            database: DatabaseLocation::from_args(storage)?,
            public_url,
            secret_key: SecretKey::load_or_create(&storage.data_dir)?,
            max_message_chars: 10_000,
            realtime_queue: 4096,
            realtime_send_timeout: std::time::Duration::from_secs(10),
            event_retention: std::time::Duration::from_secs(7 * 24 * 60 * 60),
            site_dir: PathBuf::from(DEFAULT_SITE_DIR),
        })
    }
}

/// A 32-byte server secret. `PARLOR_SECRET_KEY` (hex) wins over the file
/// `secret.key` in the data directory, so several nodes can share one.
#[derive(Clone)]
pub struct SecretKey(pub [u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl SecretKey {
    pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Self> {
        if let Ok(hex) = std::env::var("PARLOR_SECRET_KEY") {
            return Self::from_hex(hex.trim()).context("PARLOR_SECRET_KEY must be 64 hex digits");
        }
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating data directory {}", data_dir.display()))?;
        let path = data_dir.join("secret.key");
        match std::fs::read_to_string(&path) {
            Ok(hex) => {
                Self::from_hex(hex.trim()).with_context(|| format!("reading {}", path.display()))
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                rand::thread_rng().fill_bytes(&mut key);
                let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
                write_private(&path, &hex)?;
                Ok(SecretKey(key))
            }
            Err(err) => Err(err).with_context(|| format!("reading {}", path.display())),
        }
    }

    fn from_hex(hex: &str) -> anyhow::Result<Self> {
        anyhow::ensure!(hex.len() == 64, "expected 64 hex digits");
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16)?;
        }
        Ok(SecretKey(key))
    }
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    Ok(())
}
