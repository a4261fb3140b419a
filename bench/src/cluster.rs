//! Several nodes on one PostgreSQL database, joined by NATS: send
//! throughput with 1, 2 and 3 nodes (senders spread over them), the CPU
//! each node spends per message, and how much later a message reaches a
//! socket on another node than a socket on the node that took it.
//!
//! On a machine with fewer cores than nodes the throughput cannot grow
//! with the nodes; the CPU per message says what more cores would give.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde_json::json;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

use crate::postgres::Database;
use crate::send::{self, Send};
use crate::server::{Prepared, Server};

pub struct Nodes {
    pub nodes: usize,
    pub send: Send,
    /// CPU time of all nodes together per acknowledged message…
    pub cpu_ms_per_message: f64,
    /// …and of each node.
    pub cpu_ms_per_message_by_node: Vec<f64>,
    /// Messages per committed transaction (the group commit's batches).
    pub messages_per_commit: f64,
    /// Sessions waiting on a lock, on average while sending: the event
    /// counter row is the lock every send transaction takes.
    pub lock_waiters: f64,
}

/// Delivery latency (send request start → frame) to a socket on the node
/// that took the message and to one on another node, at a fixed rate.
pub struct CrossNode {
    pub rate: u32,
    pub messages: u64,
    pub same_node_us: Histogram<u64>,
    pub other_node_us: Histogram<u64>,
    pub lost: u64,
    pub duplicated: u64,
}

pub struct Cluster {
    pub runs: Vec<Nodes>,
    pub cross: CrossNode,
}

pub struct Sizes {
    pub senders: usize,
    pub channels: usize,
    pub seconds: f64,
    pub rate: u32,
    pub cross_seconds: f64,
}

pub async fn run(
    parlor: &Path,
    postgres_url: &str,
    nats_url: &str,
    sizes: &Sizes,
) -> anyhow::Result<Cluster> {
    let mut runs = Vec::new();
    let mut cross = None;
    for count in 1..=3 {
        let database = Database::create(postgres_url).await?;
        let outcome = async {
            let prepared = Prepared::init(parlor, Some(&database.url))?;
            let flags = vec![
                "--nats-url".to_string(),
                nats_url.to_string(),
                "--nats-subject-prefix".to_string(),
                format!("bench{}", std::process::id()),
            ];
            let mut nodes = Vec::new();
            for _ in 0..count {
                nodes.push(Arc::new(prepared.serve_node(&flags).await?));
            }
            let label = format!(
                "PostgreSQL, {count} node{}",
                if count > 1 { "s" } else { "" }
            );
            let cpu_before: Vec<f64> = nodes
                .iter()
                .map(|n| n.cpu_seconds())
                .collect::<Result<_, _>>()?;
            let (sending, finished) = tokio::sync::oneshot::channel::<()>();
            let watching = database.watch(async {
                let _ = finished.await;
            });
            let sent = async {
                let send =
                    send::run_on(&nodes, label, sizes.senders, sizes.channels, sizes.seconds).await;
                let _ = sending.send(());
                send
            };
            let (send, contention) = tokio::join!(sent, watching);
            let (send, contention) = (send?, contention?);
            let per_message =
                |cpu_seconds: f64| cpu_seconds * 1000.0 / send.acknowledged.max(1) as f64;
            let cpu_ms_per_message_by_node = nodes
                .iter()
                .zip(&cpu_before)
                .map(|(node, before)| node.cpu_seconds().map(|after| per_message(after - before)))
                .collect::<anyhow::Result<Vec<f64>>>()?;
            let cpu_ms_per_message = cpu_ms_per_message_by_node.iter().sum();
            if count == 3 {
                cross = Some(cross_node(&nodes, sizes.rate, sizes.cross_seconds).await?);
            }
            for node in nodes {
                if let Ok(node) = Arc::try_unwrap(node) {
                    node.stop().await;
                }
            }
            drop(prepared);
            anyhow::Ok(Nodes {
                nodes: count,
                messages_per_commit: send.acknowledged as f64 / contention.commits.max(1) as f64,
                lock_waiters: contention.lock_waiters,
                send,
                cpu_ms_per_message,
                cpu_ms_per_message_by_node,
            })
        }
        .await;
        database.drop_it().await?;
        runs.push(outcome?);
    }
    Ok(Cluster {
        runs,
        cross: cross.expect("measured with three nodes"),
    })
}

/// Sends at `rate` through node 0 into one channel, with a staff socket on
/// node 0 and one on node 1, and times each message to each.
async fn cross_node(nodes: &[Arc<Server>], rate: u32, seconds: f64) -> anyhow::Result<CrossNode> {
    let sender = &nodes[0];
    let client = sender
        .post(
            "/v1/clients",
            json!({ "givenName": "Cross", "familyName": "Node", "email": "cross@bench.test" }),
        )
        .await?;
    let page = sender
        .get(&format!(
            "/v1/message-channels?clientId={}",
            client["id"].as_str().unwrap_or_default()
        ))
        .await?;
    let channel = page["data"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let started = Instant::now();
    let same = Arrivals::open(&nodes[0], started).await?;
    let other = Arrivals::open(&nodes[1], started).await?;

    let total = (rate as f64 * seconds) as u64;
    let every = Duration::from_secs_f64(1.0 / rate as f64);
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let sent_at: Arc<Mutex<HashMap<String, u64>>> = Arc::default();
    let mut sends = Vec::with_capacity(total as usize);
    for n in 0..total {
        tick.tick().await;
        let (server, channel, sent_at) = (sender.clone(), channel.clone(), sent_at.clone());
        let at = started.elapsed().as_micros() as u64;
        sends.push(tokio::spawn(async move {
            let message = server
                .post(
                    "/v1/messages",
                    json!({ "channelId": channel, "text": format!("cross {n}") }),
                )
                .await?;
            let id = message["id"].as_str().unwrap_or_default().to_string();
            sent_at.lock().unwrap().insert(id, at);
            anyhow::Ok(())
        }));
    }
    for send in sends {
        send.await??;
    }
    // Let the last ones arrive.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let sent_at = sent_at.lock().unwrap().clone();
    let (same_node_us, lost_same, dup_same) = same.latencies(&sent_at)?;
    let (other_node_us, lost_other, dup_other) = other.latencies(&sent_at)?;
    Ok(CrossNode {
        rate,
        messages: sent_at.len() as u64,
        same_node_us,
        other_node_us,
        lost: lost_same + lost_other,
        duplicated: dup_same + dup_other,
    })
}

/// When each message arrived at one socket, in µs since the run started.
struct Arrivals {
    arrived: Arc<Mutex<Vec<(String, u64)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Arrivals {
    async fn open(node: &Server, started: Instant) -> anyhow::Result<Arrivals> {
        let mut request =
            format!("ws://127.0.0.1:{}/v1/realtime", node.port()).into_client_request()?;
        request
            .headers_mut()
            .insert("x-api-key", node.api_key.parse()?);
        let (socket, _) = tokio_tungstenite::connect_async(request).await?;
        let (mut sink, mut stream) = socket.split();
        let arrived: Arc<Mutex<Vec<(String, u64)>>> = Arc::default();
        let into = arrived.clone();
        let task = tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                match message {
                    Message::Text(text) => {
                        let at = started.elapsed().as_micros() as u64;
                        let Ok(frame) = serde_json::from_str::<crate::ws::Frame>(&text) else {
                            continue;
                        };
                        if frame.kind == "message.created" {
                            if let Some(id) = frame.data.and_then(|d| d.id) {
                                into.lock().unwrap().push((id.to_string(), at));
                            }
                        }
                    }
                    Message::Ping(payload) => {
                        let _ = sink.send(Message::Pong(payload)).await;
                    }
                    _ => {}
                }
            }
        });
        Ok(Arrivals { arrived, task })
    }

    /// Latencies of the sent messages, and how many never arrived or arrived twice.
    fn latencies(
        &self,
        sent_at: &HashMap<String, u64>,
    ) -> anyhow::Result<(Histogram<u64>, u64, u64)> {
        let mut histogram = Histogram::<u64>::new(3)?;
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let arrived = self.arrived.lock().unwrap();
        for (id, at) in arrived.iter() {
            if let Some(sent) = sent_at.get(id) {
                *seen.entry(id).or_default() += 1;
                histogram.record(at.saturating_sub(*sent).max(1))?;
            }
        }
        let lost = sent_at
            .keys()
            .filter(|id| !seen.contains_key(id.as_str()))
            .count() as u64;
        let duplicated = seen.values().filter(|n| **n > 1).count() as u64;
        Ok((histogram, lost, duplicated))
    }
}

impl Drop for Arrivals {
    fn drop(&mut self) {
        self.task.abort();
    }
}
