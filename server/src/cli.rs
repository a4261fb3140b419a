//! The command line: `parlor serve` and the `parlor admin` tools. Every flag
//! also reads a `PARLOR_*` environment variable. Every secret can also come
//! from a file (`--…-file`): a command line is visible to every user of the
//! machine, a file readable by the server's user alone is not.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "parlor",
    version,
    about = "Parlor: a self-hostable messaging server for client portals"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the server (API, realtime socket and web app).
    Serve(Box<ServeArgs>),
    /// Administer a Parlor deployment.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create the workspace and its first admin (the owner).
    Init(Box<InitArgs>),
    /// Manage API keys.
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Write a consistent copy of the SQLite database to a new file, while the server runs.
    /// (On PostgreSQL, back up with pg_dump; see docs/deploy.md.)
    Backup(BackupArgs),
    /// Put a backup in place of the SQLite database; the server must be stopped. The
    /// database it replaces is kept beside it.
    Restore(RestoreArgs),
}

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    /// The file to write; it must not exist yet.
    #[arg(long)]
    pub to: PathBuf,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Debug, Clone, Args)]
pub struct RestoreArgs {
    /// A file written by `parlor admin backup`.
    #[arg(long)]
    pub from: PathBuf,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create an API key acting as the workspace owner; prints the key as the last line.
    Create(ApiKeyCreateArgs),
    /// List the API keys: name, created, expires, last used, permissions (never the keys).
    List(ApiKeyListArgs),
    /// Revoke an API key: it is refused from the next request on.
    Revoke(ApiKeyRevokeArgs),
}

/// Where the data lives; shared by every command.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Directory for the SQLite database, the secret key and local files.
    #[arg(long, env = "PARLOR_DATA_DIR", default_value = "./parlor-data")]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (postgres://…); when absent, SQLite in the data directory is used.
    /// One with a password belongs in the environment or in --database-url-file.
    #[arg(long, env = "PARLOR_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// A file holding the PostgreSQL URL, instead of --database-url.
    #[arg(
        long,
        env = "PARLOR_DATABASE_URL_FILE",
        conflicts_with = "database_url"
    )]
    pub database_url_file: Option<PathBuf>,
    /// A file holding the secret key that signs links and tokens (64 hex digits), for
    /// nodes that share one [default: DATA_DIR/secret.key, made on first start;
    /// PARLOR_SECRET_KEY gives the key itself].
    #[arg(long, env = "PARLOR_SECRET_KEY_FILE")]
    pub secret_key_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "PARLOR_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub storage: StorageArgs,
    /// The URL people use to reach this server (for invite and setup links).
    #[arg(long, env = "PARLOR_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Log format: `pretty` for people, `json` for log collectors (every line logged
    /// while a request is served carries its `request_id`, also sent back in the
    /// `x-request-id` header).
    #[arg(long, env = "PARLOR_LOG_FORMAT", default_value = "pretty")]
    pub log_format: LogFormat,
    /// Address of a second listener that serves Prometheus metrics at `/metrics` and
    /// nothing else, e.g. 127.0.0.1:9090; keep it off the public network. Without it,
    /// no metrics are kept.
    #[arg(long, env = "PARLOR_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// The web app's built browser files (wasm, CSS, icons), as `make web` writes them.
    #[arg(long, env = "PARLOR_SITE_DIR", default_value = crate::config::DEFAULT_SITE_DIR)]
    pub site_dir: PathBuf,
    #[command(flatten)]
    pub files: FileArgs,
    #[command(flatten)]
    pub mail: MailArgs,
    #[command(flatten)]
    pub inbound: InboundArgs,
    #[command(flatten)]
    pub sign_in: SignInArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
    #[command(flatten)]
    pub webhooks: WebhookArgs,
    #[command(flatten)]
    pub cluster: ClusterArgs,
}

/// Several nodes serving one workspace (docs/deploy.md).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Several nodes")]
pub struct ClusterArgs {
    /// NATS server(s) the nodes share, e.g. `nats://10.0.0.5:4222` (comma-separated for
    /// several). With it, each node passes its committed events, typing and presence to
    /// the others at once; the database's event log stays the truth and fills any gap.
    /// Without it, other nodes' events are read from the database every quarter second.
    #[arg(long, env = "PARLOR_NATS_URL", hide_env_values = true)]
    pub nats_url: Option<String>,
    /// Prefix of the NATS subjects, so that several Parlor installations can share one
    /// NATS server: every node of one installation must use the same.
    #[arg(long, env = "PARLOR_NATS_SUBJECT_PREFIX", default_value = "parlor")]
    pub nats_subject_prefix: String,
    /// How often, in milliseconds, the database's event log is read for what other nodes
    /// committed [default: 250 without NATS; 2000 with NATS, where it only finds what NATS
    /// lost].
    #[arg(long, env = "PARLOR_LOG_CHECK_MS", value_parser = clap::value_parser!(u64).range(10..))]
    pub log_check_ms: Option<u64>,
}

/// Webhooks: where deliveries may go.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Webhooks")]
pub struct WebhookArgs {
    /// Let webhooks deliver to private, loopback and link-local addresses (a receiver on
    /// the same machine or network). Without it only public internet addresses are
    /// reached, checked again after every DNS lookup.
    #[arg(long, env = "PARLOR_ALLOW_PRIVATE_WEBHOOK_TARGETS")]
    pub allow_private_webhook_targets: bool,
}

/// Signing in behind a reverse proxy.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Sign-in")]
pub struct SignInArgs {
    /// A reverse proxy whose `X-Forwarded-For` names the client (an address or a CIDR
    /// network; repeat or separate with commas). Without one, the connecting address is
    /// the client's, and sign-in limits count per connecting address.
    #[arg(long, env = "PARLOR_TRUSTED_PROXY", value_delimiter = ',')]
    pub trusted_proxy: Vec<String>,
}

/// What one person, or a flood of requests, may use. The defaults suit a
/// firm's server; raise them for a large one.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Limits")]
pub struct LimitArgs {
    /// Images with more pixels than this get no thumbnail (they are still stored).
    #[arg(
        long,
        env = "PARLOR_THUMBNAIL_MAX_PIXELS",
        default_value_t = 32_000_000
    )]
    pub thumbnail_max_pixels: u64,
    /// Uploaded files decoded at once, for thumbnails and for the text search
    /// finds them by [default: half the CPU cores, at least 1].
    #[arg(long, env = "PARLOR_THUMBNAIL_WORKERS")]
    pub thumbnail_workers: Option<usize>,
    /// Files one person may upload per minute; more get 429 with Retry-After.
    #[arg(long, env = "PARLOR_UPLOADS_PER_MINUTE", default_value_t = 60)]
    pub uploads_per_minute: u32,
    /// Realtime sockets one person may hold open; more are refused with 429.
    #[arg(long, env = "PARLOR_SOCKETS_PER_PERSON", default_value_t = 20)]
    pub sockets_per_person: usize,
    /// Realtime sockets this server holds open in all; more are refused with 503.
    #[arg(long, env = "PARLOR_SOCKETS_TOTAL", default_value_t = 50_000)]
    pub sockets_total: usize,
    /// Frames a client may send per second on one realtime socket; more are dropped.
    #[arg(long, env = "PARLOR_SOCKET_FRAMES_PER_SECOND", default_value_t = 10)]
    pub socket_frames_per_second: u32,
    /// Frames a client may send at once on one realtime socket before the rate applies.
    #[arg(long, env = "PARLOR_SOCKET_FRAME_BURST", default_value_t = 30)]
    pub socket_frame_burst: u32,
    /// Most events replayed to a resuming socket; further behind, it is told to reload.
    #[arg(long, env = "PARLOR_REPLAY_MAX_EVENTS", default_value_t = 10_000)]
    pub replay_max_events: i64,
    /// Seconds between the server's pings on a realtime socket.
    #[arg(long, env = "PARLOR_SOCKET_PING_SECS", default_value_t = 30)]
    pub socket_ping_secs: u64,
    /// Seconds without a word (not even a pong) after which a realtime socket is closed.
    #[arg(long, env = "PARLOR_SOCKET_IDLE_SECS", default_value_t = 75)]
    pub socket_idle_secs: u64,
    /// Seconds a request body may send nothing before the request is cut off (408).
    #[arg(long, env = "PARLOR_BODY_READ_TIMEOUT_SECS", default_value_t = 30)]
    pub body_read_timeout_secs: u64,
    /// Seconds a connection may take to send a request's headers (or, kept alive, to
    /// start its next request) before it is closed.
    #[arg(long, env = "PARLOR_HEADER_READ_TIMEOUT_SECS", default_value_t = 30)]
    pub header_read_timeout_secs: u64,
}

/// Outgoing e-mail (invitations, unread digests). Without `--smtp-host` e-mails are queued
/// in the database and sent once a host is configured.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "E-mail")]
pub struct MailArgs {
    /// SMTP server to send e-mail through; none keeps e-mail queued.
    #[arg(long, env = "PARLOR_SMTP_HOST")]
    pub smtp_host: Option<String>,
    /// SMTP port [default: 25 for none, 587 for starttls, 465 for tls].
    #[arg(long, env = "PARLOR_SMTP_PORT")]
    pub smtp_port: Option<u16>,
    /// How the SMTP connection is encrypted.
    #[arg(long, env = "PARLOR_SMTP_TLS", default_value = "starttls")]
    pub smtp_tls: SmtpTls,
    /// SMTP user name, when the server wants one.
    #[arg(long, env = "PARLOR_SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    /// SMTP password; better in the environment or in --smtp-password-file.
    #[arg(long, env = "PARLOR_SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// A file holding the SMTP password, instead of --smtp-password.
    #[arg(
        long,
        env = "PARLOR_SMTP_PASSWORD_FILE",
        conflicts_with = "smtp_password"
    )]
    pub smtp_password_file: Option<PathBuf>,
    /// The sender of Parlor's e-mail, e.g. `Ledger & Co <portal@example.com>`; once
    /// the workspace exists, its sender name (else brand name) replaces the name.
    #[arg(
        long,
        env = "PARLOR_MAIL_FROM",
        default_value = "Parlor <parlor@localhost>"
    )]
    pub mail_from: String,
    /// Seconds a message waits unread before its recipients get an e-mail about it.
    #[arg(long, env = "PARLOR_EMAIL_DELAY_SECS", default_value_t = 300)]
    pub email_delay_secs: u64,
}

/// Replies by e-mail: e-mails about a conversation carry a Reply-To address of
/// their recipient and channel, and a reply sent to it lands in the conversation.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Replies by e-mail")]
pub struct InboundArgs {
    /// The domain of reply addresses (`reply+TOKEN@DOMAIN`) put in the Reply-To of
    /// e-mails about conversations. Its MX record, or a forwarding rule, must lead to
    /// --inbound-smtp-listen. Without it, e-mails carry no reply address.
    #[arg(long, env = "PARLOR_REPLY_DOMAIN")]
    pub reply_domain: Option<String>,
    /// Address of the SMTP listener that receives replies, e.g. 0.0.0.0:2525 (plain
    /// SMTP; no STARTTLS). Without it, Parlor receives no e-mail.
    #[arg(long, env = "PARLOR_INBOUND_SMTP_LISTEN")]
    pub inbound_smtp_listen: Option<SocketAddr>,
    /// Largest incoming e-mail accepted, in bytes (announced with SIZE and enforced
    /// while the e-mail is read).
    #[arg(long, env = "PARLOR_INBOUND_MAX_BYTES", default_value_t = 30 * 1024 * 1024)]
    pub inbound_max_bytes: usize,
}

/// How the SMTP connection is encrypted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SmtpTls {
    /// Plain text (only for a relay on the same machine or network).
    None,
    /// Plain connection upgraded with STARTTLS (required).
    Starttls,
    /// TLS from the first byte (often port 465).
    Tls,
}

/// Where uploaded files live, and how large they may be.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Files")]
pub struct FileArgs {
    /// Where files are stored: `local` (a directory) or `s3` (any S3-compatible service).
    #[arg(long, env = "PARLOR_BLOB_STORE", default_value = "local")]
    pub blob_store: BlobStoreKind,
    /// Directory of the local file store [default: DATA_DIR/blobs].
    #[arg(long, env = "PARLOR_BLOB_DIR")]
    pub blob_dir: Option<PathBuf>,
    /// S3 endpoint URL, e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000.
    #[arg(long, env = "PARLOR_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// S3 bucket (it must exist).
    #[arg(long, env = "PARLOR_S3_BUCKET")]
    pub s3_bucket: Option<String>,
    /// S3 region.
    #[arg(long, env = "PARLOR_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    /// S3 access key id [default: the AWS_* environment or the instance's role].
    #[arg(long, env = "PARLOR_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,
    /// S3 secret access key; better in the environment or in --s3-secret-access-key-file.
    #[arg(long, env = "PARLOR_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// A file holding the S3 secret access key, instead of --s3-secret-access-key.
    #[arg(
        long,
        env = "PARLOR_S3_SECRET_ACCESS_KEY_FILE",
        conflicts_with = "s3_secret_access_key"
    )]
    pub s3_secret_access_key_file: Option<PathBuf>,
    /// Prefix for every object key, to share a bucket with other data.
    #[arg(long, env = "PARLOR_S3_PREFIX", default_value = "")]
    pub s3_prefix: String,
    /// Largest accepted file, in bytes.
    #[arg(long, env = "PARLOR_MAX_FILE_BYTES", default_value_t = 100 * 1024 * 1024)]
    pub max_file_bytes: u64,
    /// Most files on one message (and in one upload request).
    #[arg(long, env = "PARLOR_MAX_FILES_PER_MESSAGE", default_value_t = 10)]
    pub max_files_per_message: usize,
    /// Hours an uploaded file may wait to be sent in a message before it is deleted.
    #[arg(long, env = "PARLOR_UNSENT_FILE_HOURS", default_value_t = 24)]
    pub unsent_file_hours: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BlobStoreKind {
    Local,
    S3,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// The workspace's brand name.
    #[arg(long, env = "PARLOR_WORKSPACE_NAME")]
    pub workspace_name: String,
    /// E-mail of the first admin.
    #[arg(long, env = "PARLOR_OWNER_EMAIL")]
    pub owner_email: String,
    /// Password of the first admin (at least 8 characters); better in the environment
    /// or in --owner-password-file.
    #[arg(
        long,
        env = "PARLOR_OWNER_PASSWORD",
        hide_env_values = true,
        required_unless_present = "owner_password_file"
    )]
    pub owner_password: Option<String>,
    /// A file holding the first admin's password, instead of --owner-password.
    #[arg(
        long,
        env = "PARLOR_OWNER_PASSWORD_FILE",
        conflicts_with = "owner_password"
    )]
    pub owner_password_file: Option<PathBuf>,
    /// Given name of the first admin.
    #[arg(long, env = "PARLOR_OWNER_GIVEN_NAME", default_value = "Workspace")]
    pub owner_given_name: String,
    /// Family name of the first admin.
    #[arg(long, env = "PARLOR_OWNER_FAMILY_NAME", default_value = "Owner")]
    pub owner_family_name: String,
}

impl InitArgs {
    /// The first admin's password, from the flag or its file.
    pub fn password(&self) -> anyhow::Result<String> {
        crate::config::secret(
            self.owner_password.as_deref(),
            self.owner_password_file.as_deref(),
            "--owner-password-file",
        )?
        .ok_or_else(|| anyhow::anyhow!("--owner-password or --owner-password-file is needed"))
    }
}

#[derive(Debug, Clone, Args)]
pub struct ApiKeyCreateArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// A name to recognise the key by (unique).
    #[arg(long, env = "PARLOR_API_KEY_NAME")]
    pub name: String,
    /// Days until the key stops working (1 to 3650) [default: never].
    #[arg(long, value_name = "DAYS", conflicts_with = "expires_at")]
    pub expires_in: Option<i64>,
    /// When the key stops working: a date (2027-01-31, 00:00 UTC) or an RFC 3339 date-time.
    #[arg(long, value_name = "DATE")]
    pub expires_at: Option<String>,
    /// Refuse every write made with the key (403).
    #[arg(long)]
    pub read_only: bool,
    /// Refuse messages that name another sender (senderId) than the key's own user.
    #[arg(long)]
    pub no_send_as_others: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ApiKeyListArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Debug, Clone, Args)]
pub struct ApiKeyRevokeArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// The name of the key to revoke.
    #[arg(long)]
    pub name: String,
}
