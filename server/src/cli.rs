//! The command line: `parlor serve` and the `parlor admin` tools. Every flag
//! also reads a `PARLOR_*` environment variable.

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
    Serve(ServeArgs),
    /// Administer a Parlor deployment.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create the workspace and its first admin (the owner).
    Init(InitArgs),
    /// Manage API keys.
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create an API key acting as the workspace owner; prints the key as the last line.
    Create(ApiKeyCreateArgs),
}

/// Where the data lives; shared by every command.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Directory for the SQLite database, the secret key and local files.
    #[arg(long, env = "PARLOR_DATA_DIR", default_value = "./parlor-data")]
    pub data_dir: PathBuf,
    /// PostgreSQL URL (postgres://…); when absent, SQLite in the data directory is used.
    #[arg(long, env = "PARLOR_DATABASE_URL")]
    pub database_url: Option<String>,
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
    /// Log format: `pretty` for people, `json` for log collectors.
    #[arg(long, env = "PARLOR_LOG_FORMAT", default_value = "pretty")]
    pub log_format: LogFormat,
    /// The web app's built browser files (wasm, CSS, icons), as `make web` writes them.
    #[arg(long, env = "PARLOR_SITE_DIR", default_value = crate::config::DEFAULT_SITE_DIR)]
    pub site_dir: PathBuf,
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
    /// Password of the first admin (at least 8 characters).
    #[arg(long, env = "PARLOR_OWNER_PASSWORD")]
    pub owner_password: String,
    /// Given name of the first admin.
    #[arg(long, env = "PARLOR_OWNER_GIVEN_NAME", default_value = "Workspace")]
    pub owner_given_name: String,
    /// Family name of the first admin.
    #[arg(long, env = "PARLOR_OWNER_FAMILY_NAME", default_value = "Owner")]
    pub owner_family_name: String,
}

#[derive(Debug, Clone, Args)]
pub struct ApiKeyCreateArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
    /// A name to recognise the key by.
    #[arg(long, env = "PARLOR_API_KEY_NAME")]
    pub name: String,
}
