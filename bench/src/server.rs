//! A Parlor server process for one benchmark run: fresh data directory, a
//! workspace, an API key, and a known secret key so the harness can mint
//! realtime tokens for thousands of clients without signing each one in.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use parlor::config::SecretKey;
use tokio::process::{Child, Command};

const SECRET_HEX: &str = "6b6579206f6620746865206265756e63686d61726b2068617273736e657373";

pub struct Server {
    child: Child,
    _data: tempfile::TempDir,
    pub base: String,
    pub api_key: String,
    pub http: reqwest::Client,
    pub secret: SecretKey,
}

impl Server {
    pub async fn start(parlor: &Path) -> anyhow::Result<Server> {
        let data = tempfile::tempdir()?;
        let secret_hex = format!("{SECRET_HEX}{}", "0".repeat(64 - SECRET_HEX.len()));
        let run = |args: &[&str]| {
            let mut command = std::process::Command::new(parlor);
            command
                .args(args)
                .arg("--data-dir")
                .arg(data.path())
                .env("PARLOR_SECRET_KEY", &secret_hex);
            command
        };
        let init = run(&[
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
        let key = run(&["admin", "api-key", "create", "--name", "bench"]).output()?;
        let api_key = String::from_utf8(key.stdout)?
            .lines()
            .last()
            .context("no API key printed")?
            .to_string();

        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new(parlor)
            .args([
                "serve",
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--log-format",
                "json",
            ])
            .arg("--data-dir")
            .arg(data.path())
            .env("PARLOR_SECRET_KEY", &secret_hex)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()?;
        for _ in 0..200 {
            if http
                .get(format!("{base}/healthz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                let secret = SecretKey(hex_bytes(&secret_hex));
                return Ok(Server {
                    child,
                    _data: data,
                    base,
                    api_key,
                    http,
                    secret,
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!("parlor did not become healthy")
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

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
    }
}

fn hex_bytes(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap_or(0);
    }
    out
}
