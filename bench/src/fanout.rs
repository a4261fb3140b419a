//! Fan-out: one socket per client of the seeded workspace, spread over
//! channels of different sizes (one company channel of up to 5,000 members,
//! ten medium company channels, and every client's individual channel).
//! Messages go out over the REST API at a steady rate; each socket records
//! when each message arrives. Reports delivery latency from the start of
//! the send request to receipt, and counts every message that did not reach
//! each member exactly once; and what delivering costs: frames a second
//! over the window from the first send to the last delivery, and the
//! server's CPU time (sending and delivering) per delivered frame.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use hdrhistogram::Histogram;
use serde_json::json;
use tokio::sync::{watch, Semaphore};
use tokio_tungstenite::tungstenite::Message;

use crate::seed::Layout;
use crate::server::Server;
use crate::ws::{self, Frame};

/// The first socket number of the fan-out (see `ws::connect`), past any the
/// idle scenario uses.
const FANOUT_SOURCE: usize = 200_000;

pub struct Fanout {
    pub sockets: usize,
    pub messages: usize,
    pub rate: u32,
    pub achieved_rate: f64,
    pub expected: u64,
    pub deliveries: u64,
    pub lost: u64,
    pub duplicated: u64,
    pub send_errors: u64,
    pub latency_us: Histogram<u64>,
    /// From the start of each send request to its answer: how much of the
    /// delivery latency the send path itself accounts for.
    pub send_latency_us: Histogram<u64>,
    /// Delivery latency by the number of sockets a message went to: a
    /// message to 5,000 sockets is written out one socket after another.
    pub by_channel_size: BTreeMap<u64, Histogram<u64>>,
    /// From the first send to the last delivery (or giving up).
    pub window_seconds: f64,
    /// The server's CPU time over that window.
    pub server_cpu_seconds: f64,
}

impl Fanout {
    pub fn ms(&self, quantile: f64) -> f64 {
        self.latency_us.value_at_quantile(quantile) as f64 / 1000.0
    }

    pub fn frames_per_second(&self) -> f64 {
        self.deliveries as f64 / self.window_seconds.max(f64::EPSILON)
    }

    /// Server CPU time per delivered frame, sending included, in µs.
    pub fn cpu_us_per_frame(&self) -> f64 {
        self.server_cpu_seconds * 1e6 / self.deliveries.max(1) as f64
    }

    pub fn send_ms(&self, quantile: f64) -> f64 {
        self.send_latency_us.value_at_quantile(quantile) as f64 / 1000.0
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "sockets": self.sockets, "messages": self.messages, "rate": self.rate,
            "achieved_rate": self.achieved_rate, "expected_deliveries": self.expected,
            "deliveries": self.deliveries, "lost": self.lost, "duplicated": self.duplicated,
            "send_errors": self.send_errors,
            "frames_per_s": self.frames_per_second(), "server_cpu_us_per_frame": self.cpu_us_per_frame(),
            "p50_ms": self.ms(0.5), "p99_ms": self.ms(0.99), "p999_ms": self.ms(0.999),
            "max_ms": self.latency_us.max() as f64 / 1000.0,
            "send_p50_ms": self.send_ms(0.5), "send_p99_ms": self.send_ms(0.99),
            "by_channel_size": self.by_channel_size.iter().map(|(members, h)| json!({
                "members": members, "deliveries": h.len(),
                "p50_ms": h.value_at_quantile(0.5) as f64 / 1000.0,
                "p99_ms": h.value_at_quantile(0.99) as f64 / 1000.0,
            })).collect::<Vec<_>>(),
        })
    }
}

/// A send the server answered.
struct Sent {
    start: Instant,
    /// Sockets the message should reach.
    members: u64,
    answered_after: Duration,
}

/// Which channel the `i`th message goes to: per thousand messages, one to
/// the big company channel, twenty over the medium ones, the rest round the
/// individual channels. Returns the channel and how many sockets are in it.
pub fn target(layout: &Layout, i: usize) -> (&str, u64) {
    match i % 1000 {
        0 => (&layout.big.channel_id, layout.big.clients.len() as u64),
        k @ 1..=20 => {
            let g = &layout.medium[(i / 1000 * 20 + k) % layout.medium.len()];
            (&g.channel_id, g.clients.len() as u64)
        }
        _ => (&layout.individual[i % layout.individual.len()].1, 1),
    }
}

pub async fn run(
    server: &Arc<Server>,
    layout: &Layout,
    rate: u32,
    seconds: f64,
) -> anyhow::Result<Fanout> {
    let sockets = layout.individual.len();
    eprintln!("fan-out: connecting {sockets} sockets");
    let ready = Arc::new(AtomicUsize::new(0));
    let arrived = Arc::new(AtomicUsize::new(0));
    let (stop, stopped) = watch::channel(false);
    let connected: Vec<ws::Socket> = stream::iter(layout.individual.iter().enumerate())
        // Source addresses of their own: the idle scenario's closed
        // sockets may still hold 127.0.0.1's ports in TIME_WAIT.
        .map(|(n, (client, _))| ws::connect(server, client, FANOUT_SOURCE + n))
        .buffer_unordered(128)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    let mut readers = Vec::with_capacity(sockets);
    for socket in connected {
        let (ready, arrived) = (ready.clone(), arrived.clone());
        let mut stopped = stopped.clone();
        readers.push(tokio::spawn(async move {
            let (_sink, mut stream) = socket.split();
            let mut seen: HashSet<Box<str>> = HashSet::new();
            let mut received: Vec<(Box<str>, Instant)> = Vec::new();
            let mut duplicated = 0u64;
            loop {
                let message = tokio::select! {
                    _ = stopped.changed() => break,
                    message = stream.next() => message,
                };
                let Some(Ok(Message::Text(text))) = message else {
                    if message.is_none() || matches!(message, Some(Err(_))) {
                        break;
                    }
                    continue;
                };
                let now = Instant::now();
                let Ok(frame) = serde_json::from_str::<Frame>(&text) else {
                    continue;
                };
                match frame.kind {
                    "ready" => {
                        ready.fetch_add(1, Ordering::Relaxed);
                    }
                    "message.created" => {
                        if let Some(id) = frame.data.and_then(|d| d.id) {
                            if seen.insert(id.into()) {
                                arrived.fetch_add(1, Ordering::Relaxed);
                                received.push((id.into(), now));
                            } else {
                                duplicated += 1;
                            }
                        }
                    }
                    _ => {}
                }
            }
            (received, duplicated)
        }));
    }
    let wait_until = Instant::now() + Duration::from_secs(120);
    while ready.load(Ordering::Relaxed) < sockets {
        anyhow::ensure!(
            Instant::now() < wait_until,
            "only {} of {sockets} sockets got their ready frame",
            ready.load(Ordering::Relaxed)
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Let the presence frames of the connection storm drain.
    tokio::time::sleep(Duration::from_secs(1)).await;

    // Sending stops after `seconds` even if the server could not take `rate`
    // messages a second; the achieved rate is reported.
    eprintln!("fan-out: sending at {rate}/s for {seconds} s");
    let sent: Arc<Mutex<HashMap<String, Sent>>> = Arc::default();
    let errors = Arc::new(AtomicUsize::new(0));
    let in_flight = Arc::new(Semaphore::new(256));
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
    let cpu_before = server.cpu_seconds()?;
    let started = Instant::now();
    let mut senders = Vec::new();
    let until = started + Duration::from_secs_f64(seconds);
    for i in 0.. {
        tick.tick().await;
        if Instant::now() >= until {
            break;
        }
        let (channel, members) = target(layout, i);
        let channel = channel.to_string();
        let permit = in_flight.clone().acquire_owned().await?;
        let (server, sent, errors) = (server.clone(), sent.clone(), errors.clone());
        senders.push(tokio::spawn(async move {
            let start = Instant::now();
            match server
                .post(
                    "/v1/messages",
                    json!({ "channelId": channel, "text": format!("fan-out {i}") }),
                )
                .await
            {
                Ok(message) => {
                    let id = message["id"].as_str().unwrap_or_default().to_string();
                    let answered_after = start.elapsed();
                    sent.lock().unwrap().insert(
                        id,
                        Sent {
                            start,
                            members,
                            answered_after,
                        },
                    );
                }
                Err(err) => {
                    if errors.fetch_add(1, Ordering::Relaxed) < 5 {
                        eprintln!("fan-out: send failed: {err:#}");
                    }
                }
            }
            drop(permit);
        }));
    }
    let messages = senders.len();
    for sender in senders {
        sender.await?;
    }
    let achieved_rate = messages as f64 / started.elapsed().as_secs_f64();
    let sent = std::mem::take(&mut *sent.lock().unwrap());
    let expected: u64 = sent.values().map(|s| s.members).sum();
    let mut send_latency_us = Histogram::<u64>::new(3)?;
    for s in sent.values() {
        send_latency_us.record(s.answered_after.as_micros() as u64)?;
    }

    // Wait for the deliveries to arrive (or give up after a while).
    let deadline = Instant::now() + Duration::from_secs(20);
    while (arrived.load(Ordering::Relaxed) as u64) < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let window_seconds = started.elapsed().as_secs_f64();
    let server_cpu_seconds = server.cpu_seconds()? - cpu_before;
    // Anything still arriving now would be a duplicate or a stray.
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.send(true)?;
    let mut counts: HashMap<Box<str>, u64> = HashMap::with_capacity(sent.len());
    let mut latency_us = Histogram::<u64>::new(3)?;
    let mut by_channel_size: BTreeMap<u64, Histogram<u64>> = BTreeMap::new();
    let mut deliveries = 0u64;
    let mut duplicated = 0u64;
    for reader in readers {
        let (received, dups) = reader.await?;
        duplicated += dups;
        for (id, at) in received {
            deliveries += 1;
            if let Some(s) = sent.get(&*id) {
                let us = at.duration_since(s.start).as_micros() as u64;
                latency_us.record(us)?;
                match by_channel_size.entry(s.members) {
                    Entry::Occupied(mut h) => h.get_mut().record(us)?,
                    Entry::Vacant(slot) => slot.insert(Histogram::new(3)?).record(us)?,
                }
                *counts.entry(id).or_default() += 1;
            }
        }
    }
    let mut lost = 0u64;
    for (id, s) in &sent {
        let got = counts.get(id.as_str()).copied().unwrap_or(0);
        lost += s.members.saturating_sub(got);
        duplicated += got.saturating_sub(s.members);
    }
    Ok(Fanout {
        sockets,
        messages,
        rate,
        achieved_rate,
        expected,
        deliveries,
        lost,
        duplicated,
        send_errors: errors.load(Ordering::Relaxed) as u64,
        latency_us,
        send_latency_us,
        by_channel_size,
        window_seconds,
        server_cpu_seconds,
    })
}
