//! An acknowledged message survives `kill -9` of the server: the real binary
//! runs under load from concurrent senders, is killed without warning,
//! restarts on the same storage, and every message it acknowledged is there.
//!
//! Runs on SQLite, or on a fresh PostgreSQL database when
//! PARLOR_TEST_DATABASE_URL is set.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/processes.rs"]
mod processes;
use processes::{Api, Storage};

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
    let stored = api.message_ids(&channel_id).await;
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
    let webhook = api
        .post(
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
    // Killing only once the failure is recorded: a kill between the attempt
    // and its record leaves the claim to run out its lease (minutes), which
    // is right for a crash but not what this test is about.
    receiver.wait_for(1, Duration::from_secs(10)).await;
    let deliveries = format!(
        "/v1/webhooks/{}/deliveries",
        webhook["id"].as_str().unwrap()
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while api.get(&deliveries).await.expect("deliveries listed")["data"]
        .as_array()
        .is_none_or(|recorded| recorded.is_empty())
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the failed attempt was not recorded"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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
