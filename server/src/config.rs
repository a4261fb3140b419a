//! Runtime configuration of a server, built from the command line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rand::RngCore;

use crate::cli::{BlobStoreKind, FileArgs, MailArgs, SmtpTls, StorageArgs};

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
    /// How often an open realtime socket checks that the session or API key
    /// it was opened with still holds; it closes within this once it ends.
    pub realtime_credential_check: std::time::Duration,
    /// How long events stay in the log; older cursors get `resync.required`.
    pub event_retention: std::time::Duration,
    /// The built web app's browser files (`make web` writes them).
    pub site_dir: PathBuf,
    /// Uploaded files: where they are stored and their limits.
    pub files: FileConfig,
    /// Outgoing e-mail.
    pub mail: MailConfig,
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
            realtime_credential_check: std::time::Duration::from_secs(3),
            event_retention: std::time::Duration::from_secs(7 * 24 * 60 * 60),
            site_dir: PathBuf::from(DEFAULT_SITE_DIR),
            files: FileConfig::local(storage.data_dir.join("blobs")),
            mail: MailConfig::default(),
        })
    }

    /// Applies the e-mail flags of `parlor serve`.
    pub fn with_mail(mut self, args: &MailArgs) -> anyhow::Result<Self> {
        let from: lettre::message::Mailbox = args.mail_from.parse().with_context(|| {
            format!("--mail-from {:?} is not an e-mail address", args.mail_from)
        })?;
        self.mail.from = from.to_string();
        self.mail.unread_delay = std::time::Duration::from_secs(args.email_delay_secs);
        self.mail.smtp = args.smtp_host.as_ref().map(|host| SmtpConfig {
            host: host.clone(),
            port: args.smtp_port.unwrap_or(match args.smtp_tls {
                SmtpTls::None => 25,
                SmtpTls::Starttls => 587,
                SmtpTls::Tls => 465,
            }),
            tls: args.smtp_tls,
            username: args.smtp_username.clone(),
            password: args.smtp_password.clone(),
        });
        Ok(self)
    }

    /// Applies the file-store flags of `parlor serve`.
    pub fn with_files(mut self, args: &FileArgs) -> anyhow::Result<Self> {
        let store = match args.blob_store {
            BlobStoreKind::Local => BlobLocation::Local(
                args.blob_dir
                    .clone()
                    .unwrap_or_else(|| self.data_dir.join("blobs")),
            ),
            BlobStoreKind::S3 => BlobLocation::S3(S3Location {
                endpoint: args.s3_endpoint.clone(),
                bucket: args
                    .s3_bucket
                    .clone()
                    .context("--blob-store s3 needs --s3-bucket (PARLOR_S3_BUCKET)")?,
                region: args.s3_region.clone(),
                access_key_id: args.s3_access_key_id.clone(),
                secret_access_key: args.s3_secret_access_key.clone(),
                prefix: args.s3_prefix.clone(),
            }),
        };
        anyhow::ensure!(args.max_file_bytes > 0, "--max-file-bytes must be above 0");
        anyhow::ensure!(
            args.max_files_per_message > 0,
            "--max-files-per-message must be above 0"
        );
        self.files = FileConfig {
            store,
            max_file_bytes: args.max_file_bytes,
            max_files_per_message: args.max_files_per_message,
            unsent_ttl: std::time::Duration::from_secs(args.unsent_file_hours * 3600),
            ..self.files
        };
        Ok(self)
    }
}

/// Outgoing e-mail: where it is sent and how the outbox worker paces itself.
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// The SMTP server; without one, e-mail stays queued in the outbox.
    pub smtp: Option<SmtpConfig>,
    /// The `From` of every e-mail.
    pub from: String,
    /// How often the worker looks for due e-mail when nothing wakes it.
    pub poll_interval: std::time::Duration,
    /// The wait after the first failed attempt; it doubles with each failure.
    pub retry_base: std::time::Duration,
    /// The longest wait between attempts.
    pub retry_max: std::time::Duration,
    /// How long a claimed e-mail is reserved for the worker that claimed it.
    pub claim_lease: std::time::Duration,
    /// How long a message waits unread before its recipient is e-mailed.
    pub unread_delay: std::time::Duration,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp: None,
            from: "Parlor <parlor@localhost>".into(),
            poll_interval: std::time::Duration::from_secs(5),
            retry_base: std::time::Duration::from_secs(30),
            retry_max: std::time::Duration::from_secs(3600),
            claim_lease: std::time::Duration::from_secs(300),
            unread_delay: std::time::Duration::from_secs(300),
        }
    }
}

#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: SmtpTls,
    pub username: Option<String>,
    pub password: Option<String>,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// Uploaded files: where they live and how much is accepted.
#[derive(Debug, Clone)]
pub struct FileConfig {
    pub store: BlobLocation,
    /// Largest accepted file, in bytes.
    pub max_file_bytes: u64,
    /// Most files on one message, and in one upload request.
    pub max_files_per_message: usize,
    /// How long an uploaded file may wait for its message before it is deleted.
    pub unsent_ttl: std::time::Duration,
    /// Thumbnails fit in a square of this many pixels.
    pub thumbnail_px: u32,
    /// Images up to this size are decoded for a thumbnail; larger ones get none.
    pub max_thumbnail_source_bytes: usize,
}

impl FileConfig {
    /// The defaults, with files in a local directory.
    pub fn local(dir: PathBuf) -> FileConfig {
        FileConfig {
            store: BlobLocation::Local(dir),
            max_file_bytes: 100 * 1024 * 1024,
            max_files_per_message: 10,
            unsent_ttl: std::time::Duration::from_secs(24 * 3600),
            thumbnail_px: 400,
            max_thumbnail_source_bytes: 20 * 1024 * 1024,
        }
    }
}

/// Where file contents are kept.
#[derive(Debug, Clone)]
pub enum BlobLocation {
    /// A directory on this machine.
    Local(PathBuf),
    /// A bucket of an S3-compatible service.
    S3(S3Location),
}

#[derive(Clone)]
pub struct S3Location {
    /// The service's URL; AWS itself when absent.
    pub endpoint: Option<String>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    /// Prepended to every object key.
    pub prefix: String,
}

impl std::fmt::Debug for S3Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Location")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "<redacted>"),
            )
            .field("prefix", &self.prefix)
            .finish()
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
