//! Parlor as separate processes, for the tests that kill, restart or run
//! several of them: storage that outlives a server, a running `parlor
//! serve`, and a small client of its REST API.

// Each test binary that includes this uses only part of it.
#![allow(dead_code)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde_json::Value;
use tokio::process::{Child, Command};

use crate::postgres::PostgresDatabase;

/// Where servers keep their data: a data directory, and a throw-away
/// PostgreSQL database when the suite runs on PostgreSQL.
pub struct Storage {
    pub data_dir: tempfile::TempDir,
    pub postgres: Option<PostgresDatabase>,
}

impl Storage {
    pub async fn fresh() -> Storage {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let postgres = match std::env::var("PARLOR_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                Some(PostgresDatabase::create(&admin_url, "parlor_crash").await)
            }
            _ => None,
        };
        Storage { data_dir, postgres }
    }

    pub fn storage_args(&self) -> Vec<String> {
        let mut args = vec!["--data-dir".to_string(), path(self.data_dir.path())];
        if let Some(url) = self.postgres.as_ref().map(PostgresDatabase::url) {
            args.extend(["--database-url".to_string(), url]);
        }
        args
    }

    /// Makes the workspace and an API key acting as its owner; the key.
    pub fn workspace_with_key(&self) -> String {
        self.admin(&[
            "init",
            "--workspace-name",
            "Crash Co",
            "--owner-email",
            "owner@example.com",
            "--owner-password",
            "correct horse battery",
        ]);
        let created = self.admin(&["api-key", "create", "--name", "crash"]);
        created
            .lines()
            .last()
            .expect("api-key create prints the key")
            .trim()
            .to_string()
    }

    /// Runs `parlor admin …` to completion and returns what it printed.
    pub fn admin(&self, args: &[&str]) -> String {
        let output = std::process::Command::new(parlor())
            .arg("admin")
            .args(args)
            .args(self.storage_args())
            .output()
            .expect("parlor admin runs");
        assert!(
            output.status.success(),
            "parlor admin {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Starts `parlor serve` on a free port and waits until it is healthy.
    pub async fn serve(&self) -> Server {
        self.serve_with(&[]).await
    }

    /// `parlor serve` with these flags too.
    pub async fn serve_with(&self, flags: &[&str]) -> Server {
        self.serve_node("server", flags).await
    }

    /// `parlor serve` with these flags, logging to `<name>.log` in the data
    /// directory: one of several nodes sharing this storage.
    pub async fn serve_node(&self, name: &str, flags: &[&str]) -> Server {
        let port = free_port();
        let log_path = self.data_dir.path().join(format!("{name}.log"));
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .unwrap();
        let child = Command::new(parlor())
            .arg("serve")
            .args(self.storage_args())
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(flags)
            .stdout(Stdio::null())
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .expect("parlor serve starts");
        let server = Server {
            base: format!("http://127.0.0.1:{port}"),
            child,
            log: log_path,
        };
        server.wait_until_healthy().await;
        server
    }
}

/// A running `parlor serve`; killed when dropped, so no test leaves one behind.
pub struct Server {
    pub base: String,
    pub child: Child,
    /// Where it logs.
    pub log: PathBuf,
}

impl Server {
    pub async fn wait_until_healthy(&self) {
        let http = reqwest::Client::new();
        for _ in 0..300 {
            let healthy = http
                .get(format!("{}/healthz", self.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if healthy {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        panic!("parlor serve did not become healthy within 30 s:\n{log}");
    }

    /// SIGTERM, as a service manager stops it; how it exited.
    pub async fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().expect("the server runs").to_string();
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "SIGTERM sent");
        tokio::time::timeout(Duration::from_secs(60), self.child.wait())
            .await
            .expect("the server exits within a minute of SIGTERM")
            .expect("server reaped")
    }

    /// SIGKILL: no shutdown hook, no flush, nothing gets to finish.
    pub async fn kill_9(mut self) {
        self.child.start_kill().expect("SIGKILL sent");
        self.child.wait().await.expect("server reaped");
    }
}

#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl Api {
    pub fn new(base: &str, key: &str) -> Api {
        Api {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            base: base.to_string(),
            key: key.to_string(),
        }
    }

    pub async fn get(&self, path: &str) -> Result<Value, String> {
        let request = self.http.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        let request = self.http.post(format!("{}{path}", self.base)).json(&body);
        self.send(request).await
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, String> {
        let response = request
            .header("X-API-Key", &self.key)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let body: Value = response.json().await.map_err(|e| e.to_string())?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(format!("{status}: {body}"))
        }
    }

    /// The ids of every message in a channel, through all its pages.
    pub async fn message_ids(&self, channel_id: &str) -> HashSet<String> {
        let mut ids = HashSet::new();
        let mut next_token: Option<String> = None;
        loop {
            let mut path = format!("/v1/messages?channelId={channel_id}&limit=1000");
            if let Some(token) = &next_token {
                path.push_str(&format!("&nextToken={token}"));
            }
            let page = self.get(&path).await.expect("messages listed");
            for message in page["data"].as_array().unwrap() {
                ids.insert(message["id"].as_str().unwrap().to_string());
            }
            match page["nextToken"].as_str() {
                Some(token) => next_token = Some(token.to_string()),
                None => return ids,
            }
        }
    }
}

pub fn parlor() -> &'static str {
    env!("CARGO_BIN_EXE_parlor")
}

pub fn path(p: &Path) -> String {
    PathBuf::from(p).to_string_lossy().into_owned()
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
