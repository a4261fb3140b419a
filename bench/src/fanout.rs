//! Fan-out: many client sockets in one company channel; one sender posts at a
//! steady rate; every socket records when each message arrives. Reports
//! delivery latency from send to receipt and proves nothing was lost or
//! duplicated.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use hdrhistogram::Histogram;
use parlor::auth::tokens::RealtimeToken;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::server::Server;

pub struct Fanout {
    sockets: usize,
    messages: usize,
    deliveries: u64,
    pub lost: u64,
    pub duplicated: u64,
    latency_us: Histogram<u64>,
}

impl Fanout {
    fn ms(&self, quantile: f64) -> f64 {
        self.latency_us.value_at_quantile(quantile) as f64 / 1000.0
    }

    pub fn table_row(&self) -> String {
        format!(
            "| fan-out, one company channel | {} | {} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            self.sockets, self.messages, self.deliveries, self.lost, self.duplicated,
            self.ms(0.5), self.ms(0.99), self.ms(0.999), self.latency_us.max() as f64 / 1000.0
        )
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "sockets": self.sockets, "messages": self.messages, "deliveries": self.deliveries,
            "lost": self.lost, "duplicated": self.duplicated,
            "p50_ms": self.ms(0.5), "p99_ms": self.ms(0.99), "p999_ms": self.ms(0.999),
            "max_ms": self.latency_us.max() as f64 / 1000.0,
        })
    }
}

pub async fn run(
    server: &Server,
    sockets: usize,
    messages: usize,
    rate: u32,
) -> anyhow::Result<Fanout> {
    let company = server
        .post("/v1/companies", json!({ "name": "Fan-out Ltd" }))
        .await?;
    let company_id = company["id"].as_str().unwrap_or_default().to_string();
    eprintln!("fan-out: creating {sockets} clients");
    let mut clients = Vec::with_capacity(sockets);
    for i in 0..sockets {
        let client = server
            .post("/v1/clients", json!({ "givenName": format!("Client{i}"), "familyName": "Bench", "email": format!("c{i}@bench.test"), "companyId": company_id }))
            .await?;
        clients.push(client["id"].as_str().unwrap_or_default().to_string());
    }
    let channel = server
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "company", "companyId": company_id }),
        )
        .await?;
    let channel_id = channel["id"].as_str().unwrap_or_default().to_string();

    eprintln!("fan-out: connecting {sockets} sockets");
    let sent_at: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let received: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let ws = server.base.replacen("http", "ws", 1);
    let mut readers = Vec::with_capacity(sockets);
    for client in &clients {
        let token = RealtimeToken {
            user_type: "client".into(),
            user_id: client.clone(),
            expires_at_ms: i64::MAX,
        }
        .token(&server.secret);
        let (stream, _) =
            tokio_tungstenite::connect_async(format!("{ws}/v1/realtime?token={token}")).await?;
        let received = received.clone();
        let channel_id = channel_id.clone();
        readers.push(tokio::spawn(async move {
            let (_, mut stream) = stream.split();
            while let Some(Ok(message)) = stream.next().await {
                if let Message::Text(text) = message {
                    let now = Instant::now();
                    let Ok(frame) = serde_json::from_str::<serde_json::Value>(&text) else {
                        continue;
                    };
                    if frame["type"] == "message.created"
                        && frame["data"]["channelId"] == channel_id.as_str()
                    {
                        let id = frame["data"]["id"].as_str().unwrap_or_default().to_string();
                        received.lock().unwrap().push((id, now));
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    received.lock().unwrap().clear();

    eprintln!("fan-out: sending {messages} messages at {rate}/s");
    let interval = Duration::from_secs_f64(1.0 / f64::from(rate.max(1)));
    let mut tick = tokio::time::interval(interval);
    for i in 0..messages {
        tick.tick().await;
        let start = Instant::now();
        let message = server
            .post(
                "/v1/messages",
                json!({ "channelId": channel_id, "text": format!("bench {i}") }),
            )
            .await?;
        sent_at.lock().unwrap().insert(
            message["id"].as_str().unwrap_or_default().to_string(),
            start,
        );
    }
    let expected = (messages * sockets) as u64;
    let deadline = Instant::now() + Duration::from_secs(30);
    while (received.lock().unwrap().len() as u64) < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for reader in readers {
        reader.abort();
    }

    let sent_at = sent_at.lock().unwrap();
    let received = received.lock().unwrap();
    let mut latency_us = Histogram::<u64>::new(3)?;
    let mut counts: HashMap<&str, u64> = HashMap::new();
    for (id, at) in received.iter() {
        if let Some(start) = sent_at.get(id) {
            latency_us.record(at.duration_since(*start).as_micros() as u64)?;
        }
        *counts.entry(id.as_str()).or_default() += 1;
    }
    let per_message = sockets as u64;
    let lost = sent_at
        .keys()
        .map(|id| per_message.saturating_sub(*counts.get(id.as_str()).unwrap_or(&0)))
        .sum();
    let duplicated = counts.values().map(|n| n.saturating_sub(per_message)).sum();
    Ok(Fanout {
        sockets,
        messages,
        deliveries: received.len() as u64,
        lost,
        duplicated,
        latency_us,
    })
}
