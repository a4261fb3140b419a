//! Runtime configuration of a server, built from the command line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use rand::RngCore;

use crate::cli::{
    BlobStoreKind, ClusterArgs, FileArgs, InboundArgs, LimitArgs, MailArgs, SignInArgs, SmtpTls,
    StorageArgs, WebhookArgs,
};

/// Where the database is.
#[derive(Debug, Clone)]
pub enum DatabaseLocation {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseLocation {
    pub fn from_args(args: &StorageArgs) -> anyhow::Result<Self> {
        let url = secret(
            args.database_url.as_deref(),
            args.database_url_file.as_deref(),
            "--database-url-file",
        )?;
        match &url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Ok(Self::Postgres(url.clone()))
            }
            // Not repeated: it may hold a password.
            Some(_) => anyhow::bail!(
                "unsupported database URL: use postgres://… or leave it out for SQLite"
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
    /// Where `/metrics` is served, apart from the public listener; None: nowhere.
    pub metrics_listen: Option<SocketAddr>,
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
    /// How often the server checks that the sessions and API keys its open
    /// realtime sockets were opened with still hold (all of them in one
    /// pass); a socket closes within this once its credential ends.
    pub realtime_credential_check: std::time::Duration,
    /// How long events stay in the log; older cursors get `resync.required`.
    pub event_retention: std::time::Duration,
    /// The built web app's browser files (`make web` writes them).
    pub site_dir: PathBuf,
    /// Uploaded files: where they are stored and their limits.
    pub files: FileConfig,
    /// Outgoing e-mail.
    pub mail: MailConfig,
    /// Replies by e-mail: reply addresses and the SMTP listener.
    pub inbound: InboundConfig,
    /// Signing in: whose `X-Forwarded-For` is believed, throttling, hashing.
    pub sign_in: SignInConfig,
    /// What one person or a flood of requests may use (issue 15).
    pub limits: Limits,
    /// Webhook deliveries: where they may go and how they are retried.
    pub webhooks: WebhookConfig,
    /// Other nodes, when several serve one workspace.
    pub cluster: ClusterConfig,
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
            metrics_listen: None,
            data_dir: storage.data_dir.clone(),
            database: DatabaseLocation::from_args(storage)?,
            public_url,
            secret_key: SecretKey::load_or_create(storage)?,
            max_message_chars: 10_000,
            realtime_queue: 4096,
            realtime_send_timeout: std::time::Duration::from_secs(10),
            realtime_credential_check: std::time::Duration::from_secs(3),
            event_retention: std::time::Duration::from_secs(7 * 24 * 60 * 60),
            site_dir: PathBuf::from(DEFAULT_SITE_DIR),
            files: FileConfig::local(storage.data_dir.join("blobs")),
            mail: MailConfig::default(),
            inbound: InboundConfig::default(),
            sign_in: SignInConfig::default(),
            limits: Limits::default(),
            webhooks: WebhookConfig::default(),
            cluster: ClusterConfig::default(),
        })
    }

    /// Applies the cluster flags of `parlor serve`.
    pub fn with_cluster(mut self, args: &ClusterArgs) -> anyhow::Result<Self> {
        let prefix = args.nats_subject_prefix.trim();
        anyhow::ensure!(
            !prefix.is_empty()
                && prefix.split('.').all(|token| !token.is_empty()
                    && token
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')),
            "--nats-subject-prefix must be dot-separated words of letters, digits, '-' and '_'"
        );
        self.cluster.nats_url = args.nats_url.clone().filter(|url| !url.trim().is_empty());
        self.cluster.subject_prefix = prefix.to_string();
        self.cluster.log_check = match (args.log_check_ms, &self.cluster.nats_url) {
            (Some(ms), _) => std::time::Duration::from_millis(ms),
            (None, Some(_)) => std::time::Duration::from_secs(2),
            (None, None) => std::time::Duration::from_millis(250),
        };
        Ok(self)
    }

    /// Applies the webhook flags of `parlor serve`.
    pub fn with_webhooks(mut self, args: &WebhookArgs) -> Self {
        self.webhooks.allow_private_targets = args.allow_private_webhook_targets;
        self
    }

    /// Applies the sign-in flags of `parlor serve`.
    pub fn with_sign_in(mut self, args: &SignInArgs) -> anyhow::Result<Self> {
        self.sign_in.trusted_proxies = args
            .trusted_proxy
            .iter()
            .map(|proxy| parse_proxy(proxy))
            .collect::<anyhow::Result<_>>()?;
        Ok(self)
    }

    /// Applies the limit flags of `parlor serve`.
    pub fn with_limits(mut self, args: &LimitArgs) -> anyhow::Result<Self> {
        self.limits = Limits::from_args(args)?;
        Ok(self)
    }

    /// Applies the e-mail flags of `parlor serve`.
    pub fn with_mail(mut self, args: &MailArgs) -> anyhow::Result<Self> {
        let from: lettre::message::Mailbox = args.mail_from.parse().with_context(|| {
            format!("--mail-from {:?} is not an e-mail address", args.mail_from)
        })?;
        self.mail.from = from.to_string();
        self.mail.unread_delay = std::time::Duration::from_secs(args.email_delay_secs);
        self.mail.smtp = args
            .smtp_host
            .as_ref()
            .map(|host| -> anyhow::Result<_> {
                Ok(SmtpConfig {
                    host: host.clone(),
                    port: args.smtp_port.unwrap_or(match args.smtp_tls {
                        SmtpTls::None => 25,
                        SmtpTls::Starttls => 587,
                        SmtpTls::Tls => 465,
                    }),
                    tls: args.smtp_tls,
                    username: args.smtp_username.clone(),
                    password: secret(
                        args.smtp_password.as_deref(),
                        args.smtp_password_file.as_deref(),
                        "--smtp-password-file",
                    )?,
                })
            })
            .transpose()?;
        Ok(self)
    }

    /// Applies the replies-by-e-mail flags of `parlor serve`.
    pub fn with_inbound(mut self, args: &InboundArgs) -> anyhow::Result<Self> {
        self.inbound.reply_domain = args
            .reply_domain
            .as_deref()
            .map(parse_reply_domain)
            .transpose()?;
        self.inbound.smtp_listen = args.inbound_smtp_listen;
        anyhow::ensure!(
            args.inbound_max_bytes >= 1024,
            "--inbound-max-bytes must be at least 1024"
        );
        self.inbound.max_message_bytes = args.inbound_max_bytes;
        if self.inbound.smtp_listen.is_some() && self.inbound.reply_domain.is_none() {
            tracing::warn!(
                "--inbound-smtp-listen without --reply-domain: e-mails carry no reply address, \
                 so no reply can arrive"
            );
        }
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
                secret_access_key: secret(
                    args.s3_secret_access_key.as_deref(),
                    args.s3_secret_access_key_file.as_deref(),
                    "--s3-secret-access-key-file",
                )?,
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

/// Signing in: which proxies are believed about the client's address, how
/// often an account or address may try, and how much password hashing runs.
#[derive(Debug, Clone, Default)]
pub struct SignInConfig {
    /// Peers whose `X-Forwarded-For` names the client; others' is ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub throttle: ThrottleLimits,
    pub hashing: HashLimits,
}

/// Sign-in attempts allowed per window (docs/decisions.md, "Sign-in limits").
#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    /// Per account, from addresses it has not signed in from; and separately
    /// per account from each address it has signed in from.
    pub per_account: u32,
    /// Per client address (an IPv6 address counts by its /64 prefix).
    pub per_address: u32,
    pub window: std::time::Duration,
    /// How long a successful sign-in makes its address known to the account.
    pub known_address_for: std::time::Duration,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        ThrottleLimits {
            per_account: 10,
            per_address: 60,
            window: std::time::Duration::from_secs(60),
            known_address_for: std::time::Duration::from_secs(90 * 24 * 3600),
        }
    }
}

/// Limits that keep one person, or a flood of requests, from taking the
/// server down: image decoding, upload rate, realtime sockets, slow headers
/// and slow bodies.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Images with more pixels than this are stored without a thumbnail
    /// (checked from the header, before anything is decoded).
    pub thumbnail_max_pixels: u64,
    /// Uploaded files decoded at once (thumbnails, text for search); the
    /// others wait their turn.
    pub thumbnail_workers: usize,
    /// Files one person may upload per minute.
    pub uploads_per_minute: u32,
    /// Realtime sockets one person may hold open.
    pub sockets_per_person: usize,
    /// Realtime sockets the server holds open in all.
    pub sockets_total: usize,
    /// Frames a client may send per second on one socket, on average…
    pub socket_frames_per_second: u32,
    /// …and in a burst.
    pub socket_frame_burst: u32,
    /// Most events replayed to a resuming socket; further behind, it gets
    /// `resync.required` and reloads.
    pub replay_max_events: i64,
    /// How often the server pings a realtime socket.
    pub socket_ping_every: Duration,
    /// A socket the server has not heard from (not even a pong) for this long is closed.
    pub socket_idle_timeout: Duration,
    /// A request body that sends nothing for this long is cut off.
    pub body_read_timeout: Duration,
    /// A connection whose request headers have not all arrived this long
    /// after the server began waiting for them is closed; a kept-alive
    /// connection waits for its next request's headers this long at most.
    pub header_read_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Limits {
            thumbnail_max_pixels: 32_000_000,
            thumbnail_workers: (cores / 2).max(1),
            uploads_per_minute: 60,
            sockets_per_person: 20,
            sockets_total: 50_000,
            socket_frames_per_second: 10,
            socket_frame_burst: 30,
            replay_max_events: 10_000,
            socket_ping_every: Duration::from_secs(30),
            socket_idle_timeout: Duration::from_secs(75),
            body_read_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(30),
        }
    }
}

/// The password-hashing pool: hashes that run at once, and hashes that may
/// wait for one of them before requests are refused with 503. One pool per
/// process; the first server built sets its size.
#[derive(Debug, Clone, Copy)]
pub struct HashLimits {
    pub workers: usize,
    pub queue: usize,
}

impl Default for HashLimits {
    fn default() -> Self {
        // Half the cores: a flood of sign-ins leaves the rest to everything
        // else. Each running hash holds about 19 MiB (argon2id's default).
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let workers = (cores / 2).max(1);
        HashLimits {
            workers,
            queue: workers * 32,
        }
    }
}

/// A `--trusted-proxy` entry: an address or a network in CIDR notation.
fn parse_proxy(raw: &str) -> anyhow::Result<ipnet::IpNet> {
    let raw = raw.trim();
    raw.parse::<ipnet::IpNet>()
        .or_else(|_| raw.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .with_context(|| {
            format!("--trusted-proxy {raw:?} is neither an IP address nor a CIDR network")
        })
}

impl Limits {
    pub fn from_args(args: &LimitArgs) -> anyhow::Result<Self> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let limits = Limits {
            thumbnail_max_pixels: args.thumbnail_max_pixels,
            thumbnail_workers: args.thumbnail_workers.unwrap_or((cores / 2).max(1)),
            uploads_per_minute: args.uploads_per_minute,
            sockets_per_person: args.sockets_per_person,
            sockets_total: args.sockets_total,
            socket_frames_per_second: args.socket_frames_per_second,
            socket_frame_burst: args.socket_frame_burst.max(args.socket_frames_per_second),
            replay_max_events: args.replay_max_events,
            socket_ping_every: Duration::from_secs(args.socket_ping_secs),
            socket_idle_timeout: Duration::from_secs(args.socket_idle_secs),
            body_read_timeout: Duration::from_secs(args.body_read_timeout_secs),
            header_read_timeout: Duration::from_secs(args.header_read_timeout_secs),
        };
        for (flag, value) in [
            ("--thumbnail-workers", limits.thumbnail_workers as u64),
            ("--uploads-per-minute", u64::from(limits.uploads_per_minute)),
            ("--sockets-per-person", limits.sockets_per_person as u64),
            ("--sockets-total", limits.sockets_total as u64),
            (
                "--socket-frames-per-second",
                u64::from(limits.socket_frames_per_second),
            ),
            ("--socket-ping-secs", args.socket_ping_secs),
            ("--body-read-timeout-secs", args.body_read_timeout_secs),
            ("--header-read-timeout-secs", args.header_read_timeout_secs),
        ] {
            anyhow::ensure!(value > 0, "{flag} must be above 0");
        }
        anyhow::ensure!(
            args.socket_idle_secs > args.socket_ping_secs,
            "--socket-idle-secs must be longer than --socket-ping-secs"
        );
        Ok(limits)
    }
}

/// Webhook deliveries (docs/webhooks.md).
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Deliver to private, loopback and link-local addresses too.
    pub allow_private_targets: bool,
    /// How long one delivery may take, connecting included.
    pub timeout: std::time::Duration,
    /// The wait after the first failed attempt; it doubles with each failure.
    pub retry_base: std::time::Duration,
    /// The longest wait between attempts.
    pub retry_max: std::time::Duration,
    /// A webhook failing for this long is disabled and admins are told.
    pub give_up_after: std::time::Duration,
    /// How often the dispatcher looks for due events when nothing wakes it
    /// (events written by other nodes).
    pub poll_interval: std::time::Duration,
    /// How long a claimed webhook is reserved for the node that claimed it.
    pub claim_lease: std::time::Duration,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            allow_private_targets: false,
            timeout: std::time::Duration::from_secs(10),
            retry_base: std::time::Duration::from_secs(15),
            retry_max: std::time::Duration::from_secs(3600),
            give_up_after: std::time::Duration::from_secs(24 * 60 * 60),
            poll_interval: std::time::Duration::from_secs(1),
            claim_lease: std::time::Duration::from_secs(120),
        }
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

/// Replies by e-mail (issue 17; docs/decisions.md, "Replies by e-mail").
#[derive(Debug, Clone)]
pub struct InboundConfig {
    /// The domain of `reply+TOKEN@DOMAIN` addresses, lower case; None: e-mails
    /// carry no reply address.
    pub reply_domain: Option<String>,
    /// Where the SMTP listener for replies binds; None: no listener.
    pub smtp_listen: Option<SocketAddr>,
    /// Largest incoming e-mail, in bytes.
    pub max_message_bytes: usize,
    /// How long the listener waits for a client's next command or data.
    pub idle_timeout: Duration,
    /// SMTP sessions served at once; more are told to try later (421).
    pub max_sessions: usize,
}

impl Default for InboundConfig {
    fn default() -> Self {
        InboundConfig {
            reply_domain: None,
            smtp_listen: None,
            max_message_bytes: 30 * 1024 * 1024,
            idle_timeout: Duration::from_secs(300),
            max_sessions: 64,
        }
    }
}

/// A `--reply-domain`: a plain domain name, kept in lower case.
fn parse_reply_domain(raw: &str) -> anyhow::Result<String> {
    let domain = raw.trim().trim_end_matches('.').to_ascii_lowercase();
    let valid = !domain.is_empty()
        && domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    anyhow::ensure!(
        valid,
        "--reply-domain {raw:?} is not a domain name such as replies.example.com"
    );
    Ok(domain)
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
    /// Files up to this size have their text read for search; larger ones
    /// are found by their name only.
    pub max_text_source_bytes: usize,
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
            max_text_source_bytes: 20 * 1024 * 1024,
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

/// A 32-byte server secret. `PARLOR_SECRET_KEY` (hex) wins over
/// `--secret-key-file`, which wins over the file `secret.key` in the data
/// directory, so several nodes can share one.
#[derive(Clone)]
pub struct SecretKey(pub [u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

impl SecretKey {
    pub fn load_or_create(storage: &StorageArgs) -> anyhow::Result<Self> {
        if let Ok(hex) = std::env::var("PARLOR_SECRET_KEY") {
            return Self::from_hex(hex.trim()).context("PARLOR_SECRET_KEY must be 64 hex digits");
        }
        if let Some(path) = &storage.secret_key_file {
            let hex = read_secret(path, "--secret-key-file")?;
            return Self::from_hex(&hex).context("--secret-key-file must hold 64 hex digits");
        }
        let data_dir = &storage.data_dir;
        crate::private_files::create_dir_all(data_dir)
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

/// A secret given directly (a flag or its environment variable) or in a
/// file (`flag` names it in errors), such as a container's or systemd's
/// credential.
pub fn secret(
    value: Option<&str>,
    file: Option<&Path>,
    flag: &str,
) -> anyhow::Result<Option<String>> {
    match file {
        Some(path) => read_secret(path, flag).map(Some),
        None => Ok(value.map(str::to_string)),
    }
}

/// A secret file's contents, without the line end editors add.
fn read_secret(path: &Path, flag: &str) -> anyhow::Result<String> {
    let contents = std::fs::read_to_string(path)
        .with_context(|| format!("reading {flag} {}", path.display()))?;
    let secret = contents.trim_end_matches(['\r', '\n']);
    anyhow::ensure!(!secret.is_empty(), "{flag} {} is empty", path.display());
    Ok(secret.to_string())
}

fn write_private(path: &Path, contents: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut file = crate::private_files::new_file()
        .write(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn serve(args: &[&str]) -> anyhow::Result<Config> {
        let cli = Cli::try_parse_from(["parlor", "serve"].iter().chain(args))?;
        let Command::Serve(args) = cli.command else {
            unreachable!("parsed `serve`")
        };
        Config::new(args.listen, &args.storage, args.public_url.clone())?
            .with_files(&args.files)?
            .with_mail(&args.mail)
    }

    #[test]
    fn every_secret_can_come_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, contents: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, contents).unwrap();
            path.to_string_lossy().into_owned()
        };
        let smtp = file("smtp", "smtp secret\n");
        let s3 = file("s3", "s3 secret\r\n");
        let database = file("database", "postgres://parlor:db%20secret@db/parlor\n");
        let key = file("key", &format!("{}\n", "ab".repeat(32)));
        let data_dir = dir.path().join("data");
        let config = serve(&[
            "--data-dir",
            &data_dir.to_string_lossy(),
            "--smtp-host",
            "mail.example",
            "--smtp-password-file",
            &smtp,
            "--blob-store",
            "s3",
            "--s3-bucket",
            "parlor",
            "--s3-secret-access-key-file",
            &s3,
            "--database-url-file",
            &database,
            "--secret-key-file",
            &key,
        ])
        .unwrap();
        let smtp = config.mail.smtp.expect("an SMTP server");
        assert_eq!(smtp.password.as_deref(), Some("smtp secret"));
        let BlobLocation::S3(s3) = config.files.store else {
            panic!("files in S3")
        };
        assert_eq!(s3.secret_access_key.as_deref(), Some("s3 secret"));
        let DatabaseLocation::Postgres(url) = config.database else {
            panic!("PostgreSQL")
        };
        assert_eq!(url, "postgres://parlor:db%20secret@db/parlor");
        assert_eq!(config.secret_key.0, [0xab; 32]);
        assert!(
            !data_dir.join("secret.key").exists(),
            "no key of its own when one is given"
        );
    }

    #[test]
    fn replies_by_e_mail_take_a_plain_domain_and_a_listening_address() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().to_string_lossy().into_owned();
        let cli = Cli::try_parse_from([
            "parlor",
            "serve",
            "--data-dir",
            &data_dir,
            "--reply-domain",
            "Replies.Ledger.Example.",
            "--inbound-smtp-listen",
            "0.0.0.0:2525",
        ])
        .unwrap();
        let Command::Serve(args) = cli.command else {
            unreachable!("parsed `serve`")
        };
        let config = Config::new(args.listen, &args.storage, None)
            .unwrap()
            .with_inbound(&args.inbound)
            .unwrap();
        assert_eq!(
            config.inbound.reply_domain.as_deref(),
            Some("replies.ledger.example")
        );
        assert_eq!(
            config.inbound.smtp_listen,
            Some("0.0.0.0:2525".parse().unwrap())
        );
        for wrong in ["reply@ledger.example", "", "-x.example", "a..b"] {
            assert!(parse_reply_domain(wrong).is_err(), "{wrong:?}");
        }
        let off = Config::new(args.listen, &args.storage, None).unwrap();
        assert!(off.inbound.reply_domain.is_none() && off.inbound.smtp_listen.is_none());
    }

    #[test]
    fn a_secret_and_its_file_together_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("smtp");
        std::fs::write(&path, "secret").unwrap();
        let both = serve(&[
            "--smtp-password",
            "secret",
            "--smtp-password-file",
            &path.to_string_lossy(),
        ]);
        assert!(both.is_err());
        let missing = serve(&[
            "--data-dir",
            &dir.path().to_string_lossy(),
            "--smtp-host",
            "mail.example",
            "--smtp-password-file",
            &dir.path().join("nothing").to_string_lossy(),
        ]);
        let error = format!("{:#}", missing.err().expect("a missing file is an error"));
        assert!(error.contains("--smtp-password-file"), "{error}");
    }

    #[test]
    fn the_first_admin_password_can_come_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("owner");
        std::fs::write(&path, "a long passphrase\n").unwrap();
        let cli = Cli::try_parse_from([
            "parlor",
            "admin",
            "init",
            "--workspace-name",
            "Ledger & Co",
            "--owner-email",
            "owner@example.com",
            "--owner-password-file",
            &path.to_string_lossy(),
        ])
        .unwrap();
        let Command::Admin {
            command: crate::cli::AdminCommand::Init(args),
        } = cli.command
        else {
            unreachable!("parsed `admin init`")
        };
        assert_eq!(args.password().unwrap(), "a long passphrase");
    }
}

/// Several nodes serving one workspace.
#[derive(Debug, Clone)]
pub struct ClusterConfig {
    /// The NATS server(s) the nodes share; `None` for a single node.
    pub nats_url: Option<String>,
    pub subject_prefix: String,
    /// How often the log is read for other nodes' events: without NATS,
    /// the only way they arrive; with it, what finds those NATS lost.
    pub log_check: std::time::Duration,
    /// How often a node tells the others who is connected to it, and after
    /// how long without word a node counts as gone (its people offline).
    pub presence_every: std::time::Duration,
    pub node_gone_after: std::time::Duration,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            nats_url: None,
            subject_prefix: "parlor".into(),
            log_check: std::time::Duration::from_millis(250),
            presence_every: std::time::Duration::from_secs(5),
            node_gone_after: std::time::Duration::from_secs(16),
        }
    }
}
