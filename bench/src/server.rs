//! A Parlor server process for one benchmark run: fresh data directory (and,
//! on PostgreSQL, a fresh database), a workspace, an API key, and a known
//! secret key so the harness can mint realtime tokens for thousands of
//! clients without signing each one in.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use parlor::config::SecretKey;
use tokio::process::{Child, Command};

const SECRET_HEX: &str = "6b6579206f6620746865206265756e63686d61726b2068617273736e657373";

/// A workspace made with `parlor admin init`, not yet served.
pub struct Prepared {
    parlor: PathBuf,
    data: tempfile::TempDir,
    database_url: Option<String>,
    secret_hex: String,
    pub api_key: String,
}

pub struct Server {
    child: Option<Child>,
    /// The workspace, when this server alone serves it.
    prepared: Option<Prepared>,
    pub base: String,
    pub api_key: String,
    pub http: reqwest::Client,
    pub secret: SecretKey,
}

impl Prepared {
    /// Initialises a workspace in a fresh data directory (and in
    /// `database_url` when given). Migrations run here, so the database has
    /// its schema when this returns.
    pub fn init(parlor: &Path, database_url: Option<&str>) -> anyhow::Result<Prepared> {
        let data = tempfile::Builder::new().prefix("parlor-bench-").tempdir()?;
        let secret_hex = format!("{SECRET_HEX}{}", "0".repeat(64 - SECRET_HEX.len()));
        let mut prepared = Prepared {
            parlor: parlor.to_path_buf(),
            data,
            database_url: database_url.map(str::to_string),
            secret_hex,
            api_key: String::new(),
        };
        let init = prepared
            .command(&[
                "admin",
                "init",
                "--workspace-name",
                "Bench & Co",
                "--owner-email",
                "owner@bench.test",
                "--owner-password",
                "bench password",
            ])
            .output()
            .with_context(|| format!("running {}", parlor.display()))?;
        anyhow::ensure!(
            init.status.success(),
            "parlor admin init failed: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        let key = prepared
            .command(&["admin", "api-key", "create", "--name", "bench"])
            .output()?;
        anyhow::ensure!(key.status.success(), "parlor admin api-key create failed");
        prepared.api_key = String::from_utf8(key.stdout)?
            .lines()
            .last()
            .context("no API key printed")?
            .to_string();
        Ok(prepared)
    }

    fn command(&self, args: &[&str]) -> std::process::Command {
        let mut command = std::process::Command::new(&self.parlor);
        command
            .args(args)
            .arg("--data-dir")
            .arg(self.data.path())
            .env("PARLOR_SECRET_KEY", &self.secret_hex);
        if let Some(url) = &self.database_url {
            command.arg("--database-url").arg(url);
        }
        command
    }

    /// The database of this workspace, as sqlx's `Any` driver opens it.
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data.path().join("parlor.db").display()))
    }

    /// Takes the search index away, so that a send scenario measures what
    /// keeping it costs: SQLite's FTS5 triggers, or PostgreSQL's generated
    /// `tsvector` column and its GIN index. Nothing on the send path reads
    /// either.
    pub async fn drop_search_index(&self) -> anyhow::Result<()> {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&self.database_url()).await?;
        // `IF EXISTS`: a build from before search has nothing to drop.
        let statements: &[&str] = if self.database_url.is_some() {
            &["ALTER TABLE messages DROP COLUMN IF EXISTS search"]
        } else {
            &[
                "DROP TRIGGER IF EXISTS message_search_insert",
                "DROP TRIGGER IF EXISTS message_search_update",
                "DROP TRIGGER IF EXISTS message_search_delete",
            ]
        };
        for statement in statements {
            sqlx::query(statement).execute(&mut conn).await?;
        }
        conn.close().await?;
        Ok(())
    }

    /// Starts `parlor serve` on a free port and waits until it is healthy.
    pub async fn serve(self) -> anyhow::Result<Server> {
        let mut server = self.serve_node(&[]).await?;
        server.prepared = Some(self);
        Ok(server)
    }

    /// One more `parlor serve` of this workspace, with these flags too: a
    /// node of several sharing its database.
    pub async fn serve_node(&self, extra: &[String]) -> anyhow::Result<Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut command = Command::new(&self.parlor);
        command
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--log-format",
                "json",
            ])
            .args(extra)
            .arg("--data-dir")
            .arg(self.data.path())
            .env("PARLOR_SECRET_KEY", &self.secret_hex)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .kill_on_drop(true);
        if let Some(url) = &self.database_url {
            command.arg("--database-url").arg(url);
        }
        let child = command.spawn()?;
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .build()?;
        let secret = SecretKey(hex_bytes(&self.secret_hex));
        let server = Server {
            child: Some(child),
            api_key: self.api_key.clone(),
            prepared: None,
            base,
            http,
            secret,
        };
        for _ in 0..400 {
            if server
                .http
                .get(format!("{}/healthz", server.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(server);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("parlor did not become healthy")
    }
}

impl Server {
    pub fn port(&self) -> u16 {
        self.base
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    /// The server's resident memory in KiB (`VmRSS` in /proc/<pid>/status).
    pub fn rss_kib(&self) -> anyhow::Result<u64> {
        let pid = self.pid().context("the server is not running")?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .context("no VmRSS in /proc/<pid>/status")
    }

    /// CPU time the server has used so far, user and system, in seconds.
    pub fn cpu_seconds(&self) -> anyhow::Result<f64> {
        cpu_seconds_of(self.pid().context("the server is not running")?)
    }

    pub async fn post(
        &self,
        path: &str,
        body: serde_json::Value,
    ) -> anyhow::Result<serde_json::Value> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("X-API-Key", &self.api_key)
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        let body: serde_json::Value = response.json().await?;
        anyhow::ensure!(status.is_success(), "POST {path}: {status} {body}");
        Ok(body)
    }

    pub async fn get(&self, path_and_query: &str) -> anyhow::Result<serde_json::Value> {
        self.get_with(path_and_query, ("X-API-Key", &self.api_key))
            .await
    }

    /// A GET with this credential header (a session cookie, say).
    pub async fn get_with(
        &self,
        path_and_query: &str,
        (name, value): (&str, &str),
    ) -> anyhow::Result<serde_json::Value> {
        let response = self
            .http
            .get(format!("{}{path_and_query}", self.base))
            .header(name, value)
            .send()
            .await?;
        let status = response.status();
        let body: serde_json::Value = response.json().await?;
        anyhow::ensure!(status.is_success(), "GET {path_and_query}: {status} {body}");
        Ok(body)
    }

    /// Stops the server and waits for it to exit, so no process is left
    /// behind; returns the workspace (if this server alone served it) so it
    /// can be served again.
    pub async fn stop(mut self) -> Option<Prepared> {
        if let Some(mut child) = self.child.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
        self.prepared
    }
}

/// CPU time process `pid` has used so far, user and system, in seconds
/// (`utime` + `stime` of /proc/<pid>/stat).
pub fn cpu_seconds_of(pid: u32) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // The command name in parentheses may hold spaces; fields count from
    // after its closing parenthesis, where the third field (state) starts.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .context("no command name in /proc/<pid>/stat")?
        .1
        .split_whitespace()
        .collect();
    let ticks = |n: usize| -> anyhow::Result<u64> {
        fields
            .get(n)
            .and_then(|field| field.parse().ok())
            .context("no CPU times in /proc/<pid>/stat")
    };
    // utime and stime are fields 14 and 15; fields[0] is field 3.
    let used = ticks(11)? + ticks(12)?;
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1);
    Ok(used as f64 / per_second as f64)
}

fn hex_bytes(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap_or(0);
    }
    out
}
