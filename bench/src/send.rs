//! Send throughput: many concurrent senders post messages over the REST API
//! into many channels for a fixed time. A message counts when the server has
//! answered 200, which it does only after the commit (acknowledged =
//! durable). Reports acknowledged messages per second and the latency of
//! each send.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use hdrhistogram::Histogram;
use serde_json::json;

use crate::server::Server;

pub struct Send {
    pub backend: String,
    /// Runs of the scenario this sums up (`merge`).
    pub runs: usize,
    pub senders: usize,
    pub channels: usize,
    pub acknowledged: u64,
    pub errors: u64,
    pub seconds: f64,
    pub latency_us: Histogram<u64>,
}

impl Send {
    pub fn per_second(&self) -> f64 {
        self.acknowledged as f64 / self.seconds
    }

    /// The two runs' sends as one: throughput over both runs' time.
    pub fn merge(mut self, other: Send) -> anyhow::Result<Send> {
        self.runs += other.runs;
        self.acknowledged += other.acknowledged;
        self.errors += other.errors;
        self.seconds += other.seconds;
        self.latency_us.add(other.latency_us)?;
        Ok(self)
    }

    pub fn ms(&self, quantile: f64) -> f64 {
        self.latency_us.value_at_quantile(quantile) as f64 / 1000.0
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "backend": self.backend, "runs": self.runs, "senders": self.senders, "channels": self.channels,
            "acknowledged": self.acknowledged, "errors": self.errors, "seconds": self.seconds,
            "messages_per_second": self.per_second(),
            "p50_ms": self.ms(0.5), "p99_ms": self.ms(0.99),
            "max_ms": self.latency_us.max() as f64 / 1000.0,
        })
    }
}

/// Makes `channels` channels (each a client's individual channel, as
/// creating a client makes one).
pub async fn channels(server: &Server, channels: usize) -> anyhow::Result<Vec<String>> {
    let server_ref = &server;
    let clients: Vec<String> = stream::iter(0..channels)
        .map(|i| async move {
            let client = server_ref
                .post(
                    "/v1/clients",
                    json!({ "givenName": format!("Sender{i}"), "familyName": "Bench", "email": format!("s{i}@bench.test") }),
                )
                .await?;
            anyhow::Ok(client["id"].as_str().unwrap_or_default().to_string())
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    let mut ids = Vec::with_capacity(channels);
    for client in clients {
        let page = server
            .get(&format!("/v1/message-channels?clientId={client}"))
            .await?;
        let id = page["data"][0]["id"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("no channel for client {client}: {page}"))?;
        ids.push(id.to_string());
    }
    Ok(ids)
}

/// Senders spread over the nodes (one or several) of one workspace.
pub async fn run_on(
    servers: &[Arc<Server>],
    backend: String,
    senders: usize,
    channel_count: usize,
    seconds: f64,
) -> anyhow::Result<Send> {
    eprintln!("send ({backend}): making {channel_count} channels");
    let channels = Arc::new(channels(&servers[0], channel_count).await?);
    eprintln!("send ({backend}): {senders} senders for {seconds} s");
    let started = Instant::now();
    let until = started + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::with_capacity(senders);
    for s in 0..senders {
        let (server, channels) = (servers[s % servers.len()].clone(), channels.clone());
        let backend = backend.clone();
        tasks.push(tokio::spawn(async move {
            let mut latency_us = Histogram::<u64>::new(3)?;
            let (mut acknowledged, mut errors) = (0u64, 0u64);
            let mut i = s;
            while Instant::now() < until {
                let channel = &channels[i % channels.len()];
                i += senders;
                let start = Instant::now();
                let result = server
                    .post(
                        "/v1/messages",
                        json!({ "channelId": channel, "text": format!("throughput {i}") }),
                    )
                    .await;
                match result {
                    Ok(_) => {
                        latency_us.record(start.elapsed().as_micros() as u64)?;
                        acknowledged += 1;
                    }
                    Err(err) => {
                        if errors < 3 {
                            eprintln!("send ({backend}): {err:#}");
                        }
                        errors += 1;
                    }
                }
            }
            anyhow::Ok((latency_us, acknowledged, errors))
        }));
    }
    let mut result = Send {
        backend: backend.clone(),
        runs: 1,
        senders,
        channels: channel_count,
        acknowledged: 0,
        errors: 0,
        seconds: 0.0,
        latency_us: Histogram::<u64>::new(3)?,
    };
    for task in tasks {
        let (latency_us, acknowledged, errors) = task.await??;
        result.latency_us.add(latency_us)?;
        result.acknowledged += acknowledged;
        result.errors += errors;
    }
    result.seconds = started.elapsed().as_secs_f64();
    Ok(result)
}
