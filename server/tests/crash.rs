//! An acknowledged message survives `kill -9` of the server: the real binary
//! runs under load from concurrent senders, is killed without warning,
//! restarts on the same storage, and every message it acknowledged is there.
//!
//! Runs on SQLite, or on a fresh PostgreSQL database when
//! PARLOR_TEST_DATABASE_URL is set.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::process::{Child, Command};

#[path = "support/postgres.rs"]
mod postgres;
use postgres::PostgresDatabase;

const SENDERS: usize = 8;
/// Enough acknowledged messages that the kill lands among writes in flight.
const ACKS_BEFORE_KILL: usize = 300;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_messages_survive_kill_9() {
    let storage = Storage::fresh().await;
    let key = storage.workspace_with_key();

    let server = storage.serve().await;
    let api = Api::new(&server.base, &key);
    let client = api
        .post(
            "/v1/clients",
            json!({ "givenName": "Cora", "familyName": "Crash", "email": "cora@example.com" }),
        )
        .await
        .expect("client created");
    let channels = api
        .get(&format!(
            "/v1/message-channels?clientId={}",
            client["id"].as_str().unwrap()
        ))
        .await
        .expect("channels listed");
    let channel_id = channels["data"][0]["id"].as_str().unwrap().to_string();

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let senders: Vec<_> = (0..SENDERS)
        .map(|sender| {
            let (api, channel_id, acknowledged) =
                (api.clone(), channel_id.clone(), acknowledged.clone());
            tokio::spawn(async move {
                for n in 0.. {
                    let body = json!({ "channelId": channel_id, "text": format!("sender {sender} message {n}") });
                    // Once the server is gone, sends fail: the sender stops.
                    let Ok(message) = api.post("/v1/messages", body).await else {
                        return;
                    };
                    let id = message["id"].as_str().unwrap().to_string();
                    acknowledged.lock().unwrap().push(id);
                }
            })
        })
        .collect();

    while acknowledged.lock().unwrap().len() < ACKS_BEFORE_KILL {
        assert!(
            !senders.iter().all(|s| s.is_finished()),
            "every sender stopped before the kill; see {}",
            storage.data_dir.path().join("server.log").display()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill_9().await;
    for sender in senders {
        sender.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();

    let restarted = storage.serve().await;
    let api = Api::new(&restarted.base, &key);
    let stored = all_message_ids(&api, &channel_id).await;
    let lost: Vec<_> = acknowledged
        .iter()
        .filter(|id| !stored.contains(*id))
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged messages were lost: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
    // The restarted server takes writes again.
    api.post(
        "/v1/messages",
        json!({ "channelId": channel_id, "text": "after the crash" }),
    )
    .await
    .expect("send after restart");
}

/// A webhook event waiting for its receiver when the server is killed is
/// delivered by the restarted server: the event log and the webhook's place
/// in it are in storage, not in memory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_delivery_waiting_at_a_kill_9_is_sent_after_the_restart() {
    let storage = Storage::fresh().await;
    let key = storage.workspace_with_key();
    let receiver = Receiver::start().await;

    let server = storage
        .serve_with(&["--allow-private-webhook-targets"])
        .await;
    let api = Api::new(&server.base, &key);
    api.post(
        "/v1/webhooks",
        json!({ "url": receiver.url, "eventTypes": ["client.created"] }),
    )
    .await
    .expect("webhook made");
    api.post(
        "/v1/clients",
        json!({ "givenName": "Cora", "familyName": "Crash", "email": "cora@example.com" }),
    )
    .await
    .expect("client created");
    // The receiver is down: the first attempt fails and a retry is due later.
    receiver.wait_for(1, Duration::from_secs(10)).await;
    server.kill_9().await;

    receiver.answer_ok();
    let _restarted = storage
        .serve_with(&["--allow-private-webhook-targets"])
        .await;
    // The first retry is due 15 s after the failed attempt.
    let got = receiver.wait_for(2, Duration::from_secs(60)).await;
    let last = &got[got.len() - 1];
    assert_eq!(last["eventType"], "client.created");
    assert_eq!(last["data"]["givenName"], "Cora");
    assert_eq!(
        last["id"], got[0]["id"],
        "the same event, to deduplicate on"
    );
}

/// A webhook receiver that answers 503 until told to answer 200.
struct Receiver {
    url: String,
    state: Arc<(Mutex<Vec<Value>>, std::sync::atomic::AtomicBool)>,
    server: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start() -> Receiver {
        let state = Arc::new((
            Mutex::new(Vec::new()),
            std::sync::atomic::AtomicBool::new(false),
        ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let shared = state.clone();
        let router = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |body: axum::body::Bytes| {
                let shared = shared.clone();
                async move {
                    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    shared.0.lock().unwrap().push(body);
                    if shared.1.load(std::sync::atomic::Ordering::SeqCst) {
                        axum::http::StatusCode::OK
                    } else {
                        axum::http::StatusCode::SERVICE_UNAVAILABLE
                    }
                }
            }),
        );
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Receiver { url, state, server }
    }

    fn answer_ok(&self) {
        self.state
            .1
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    async fn wait_for(&self, count: usize, within: Duration) -> Vec<Value> {
        let deadline = std::time::Instant::now() + within;
        loop {
            let got = self.state.0.lock().unwrap().clone();
            if got.len() >= count {
                return got;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{count} deliveries did not arrive; got {got:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn all_message_ids(api: &Api, channel_id: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    let mut next_token: Option<String> = None;
    loop {
        let mut path = format!("/v1/messages?channelId={channel_id}&limit=1000");
        if let Some(token) = &next_token {
            path.push_str(&format!("&nextToken={token}"));
        }
        let page = api.get(&path).await.expect("messages listed");
        for message in page["data"].as_array().unwrap() {
            ids.insert(message["id"].as_str().unwrap().to_string());
        }
        match page["nextToken"].as_str() {
            Some(token) => next_token = Some(token.to_string()),
            None => return ids,
        }
    }
}

/// Where the killed server keeps its data: a data directory, and a throw-away
/// PostgreSQL database when the suite runs on PostgreSQL.
struct Storage {
    data_dir: tempfile::TempDir,
    postgres: Option<PostgresDatabase>,
}

impl Storage {
    async fn fresh() -> Storage {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let postgres = match std::env::var("PARLOR_TEST_DATABASE_URL") {
            Ok(admin_url) if !admin_url.is_empty() => {
                Some(PostgresDatabase::create(&admin_url, "parlor_crash").await)
            }
            _ => None,
        };
        Storage { data_dir, postgres }
    }

    fn storage_args(&self) -> Vec<String> {
        let mut args = vec!["--data-dir".to_string(), path(self.data_dir.path())];
        if let Some(url) = self.postgres.as_ref().map(PostgresDatabase::url) {
            args.extend(["--database-url".to_string(), url]);
        }
        args
    }

    /// Makes the workspace and an API key acting as its owner; the key.
    fn workspace_with_key(&self) -> String {
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
    fn admin(&self, args: &[&str]) -> String {
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
    async fn serve(&self) -> Server {
        self.serve_with(&[]).await
    }

    /// `parlor serve` with these flags too.
    async fn serve_with(&self, flags: &[&str]) -> Server {
        let port = free_port();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.data_dir.path().join("server.log"))
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
        };
        server.wait_until_healthy(self.data_dir.path()).await;
        server
    }
}

/// A running `parlor serve`; killed when dropped, so no test leaves one behind.
struct Server {
    base: String,
    child: Child,
}

impl Server {
    async fn wait_until_healthy(&self, data_dir: &Path) {
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
        let log = std::fs::read_to_string(data_dir.join("server.log")).unwrap_or_default();
        panic!("parlor serve did not become healthy within 30 s:\n{log}");
    }

    /// SIGKILL: no shutdown hook, no flush, nothing gets to finish.
    async fn kill_9(mut self) {
        self.child.start_kill().expect("SIGKILL sent");
        self.child.wait().await.expect("server reaped");
    }
}

#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl Api {
    fn new(base: &str, key: &str) -> Api {
        Api {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            base: base.to_string(),
            key: key.to_string(),
        }
    }

    async fn get(&self, path: &str) -> Result<Value, String> {
        let request = self.http.get(format!("{}{path}", self.base));
        self.send(request).await
    }

    async fn post(&self, path: &str, body: Value) -> Result<Value, String> {
        let request = self.http.post(format!("{}{path}", self.base)).json(&body);
        self.send(request).await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Result<Value, String> {
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
}

fn parlor() -> &'static str {
    env!("CARGO_BIN_EXE_parlor")
}

fn path(p: &Path) -> String {
    PathBuf::from(p).to_string_lossy().into_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
