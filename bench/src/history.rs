//! History: reading a large workspace. Pages back through the biggest
//! channel's messages, opens the first page of many individual channels,
//! and pages through the list of every channel, as the API key (the
//! workspace owner, who sees everything), recording the latency of each
//! request.

use std::time::Instant;

use hdrhistogram::Histogram;
use serde_json::json;

use crate::seed::Layout;
use crate::server::Server;

pub struct Op {
    pub name: &'static str,
    pub requests: u64,
    pub latency_us: Histogram<u64>,
}

impl Op {
    pub fn ms(&self, quantile: f64) -> f64 {
        self.latency_us.value_at_quantile(quantile) as f64 / 1000.0
    }

    pub fn record(&mut self, took: std::time::Duration) -> anyhow::Result<()> {
        self.latency_us.record(took.as_micros() as u64)?;
        self.requests += 1;
        Ok(())
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "name": self.name, "requests": self.requests,
            "p50_ms": self.ms(0.5), "p99_ms": self.ms(0.99),
            "max_ms": self.latency_us.max() as f64 / 1000.0,
        })
    }
}

pub struct History {
    pub messages: usize,
    pub clients: usize,
    pub channels: usize,
    pub ops: Vec<Op>,
}

impl History {
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "messages": self.messages, "clients": self.clients, "channels": self.channels,
            "operations": self.ops.iter().map(Op::to_json).collect::<Vec<_>>(),
        })
    }
}

async fn timed(server: &Server, op: &mut Op, path: &str) -> anyhow::Result<serde_json::Value> {
    let start = Instant::now();
    let page = server.get(path).await?;
    op.record(start.elapsed())?;
    Ok(page)
}

pub fn op(name: &'static str) -> anyhow::Result<Op> {
    Ok(Op {
        name,
        requests: 0,
        latency_us: Histogram::new(3)?,
    })
}

pub async fn run(
    server: &Server,
    layout: &Layout,
    messages: usize,
    pages: usize,
) -> anyhow::Result<History> {
    eprintln!("history: paging {pages} pages of the biggest channel");
    let mut paging = op("page a channel (50 messages)")?;
    let mut token: Option<String> = None;
    for _ in 0..pages {
        let mut path = format!(
            "/v1/messages?channelId={}&limit=50",
            layout.big().channel_id
        );
        if let Some(t) = &token {
            path.push_str(&format!("&nextToken={}", encode(t)));
        }
        let page = timed(server, &mut paging, &path).await?;
        anyhow::ensure!(
            page["data"].as_array().is_some_and(|d| !d.is_empty()),
            "empty page of history"
        );
        token = page["nextToken"].as_str().map(str::to_string);
        if token.is_none() {
            break;
        }
    }

    let opened = pages.min(layout.individual.len());
    eprintln!("history: opening {opened} individual channels");
    let mut opening = op("open a channel (first 50)")?;
    let step = (layout.individual.len() / opened.max(1)).max(1);
    for (_, channel) in layout.individual.iter().step_by(step).take(opened) {
        timed(
            server,
            &mut opening,
            &format!("/v1/messages?channelId={channel}&limit=50"),
        )
        .await?;
    }

    eprintln!("history: listing every channel");
    let mut listing = op("list channels (100 per page)")?;
    let mut token: Option<String> = None;
    let mut listed = 0usize;
    loop {
        let mut path = "/v1/message-channels?limit=100".to_string();
        if let Some(t) = &token {
            path.push_str(&format!("&nextToken={}", encode(t)));
        }
        let page = timed(server, &mut listing, &path).await?;
        listed += page["data"].as_array().map_or(0, Vec::len);
        token = page["nextToken"].as_str().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    anyhow::ensure!(
        listed >= layout.channel_count(),
        "listed {listed} channels, expected at least {}",
        layout.channel_count()
    );
    Ok(History {
        messages,
        clients: layout.individual.len(),
        channels: layout.channel_count(),
        ops: vec![paging, opening, listing],
    })
}

/// Percent-encodes the characters of a base64 token that a query string
/// would misread.
fn encode(token: &str) -> String {
    token
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D")
}
