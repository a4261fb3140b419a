//! What a fan-out delivered and what delivering cost, whoever served it:
//! Parlor (`fanout`) or nats-server (`broker`), counted, measured and
//! reported alike so that the two can be set side by side.

use std::collections::BTreeMap;

use hdrhistogram::Histogram;
use serde_json::json;

pub struct Delivery {
    pub messages: usize,
    pub rate: u32,
    pub achieved_rate: f64,
    pub expected: u64,
    pub deliveries: u64,
    pub lost: u64,
    /// Deliveries beyond one per member: repeats, and any to a socket
    /// outside the channel.
    pub duplicated: u64,
    pub latencies: Latencies,
    /// From the first send to the last delivery (or giving up).
    pub window_seconds: f64,
    /// The server's CPU time over that window.
    pub server_cpu_seconds: f64,
}

/// Delivery latency, in µs: of every frame, and by the number of sockets
/// its message went to.
pub struct Latencies {
    pub all: Histogram<u64>,
    pub by_channel_size: BTreeMap<u64, Histogram<u64>>,
}

impl Latencies {
    pub fn new() -> anyhow::Result<Latencies> {
        Ok(Latencies {
            all: Histogram::new(3)?,
            by_channel_size: BTreeMap::new(),
        })
    }

    /// A frame of a message to `members` sockets, delivered after `us`.
    pub fn record(&mut self, members: u64, us: u64) -> anyhow::Result<()> {
        self.all.record(us)?;
        let by_size = match self.by_channel_size.entry(members) {
            std::collections::btree_map::Entry::Occupied(h) => h.into_mut(),
            std::collections::btree_map::Entry::Vacant(slot) => slot.insert(Histogram::new(3)?),
        };
        by_size.record(us)?;
        Ok(())
    }
}

impl Delivery {
    pub fn ms(&self, quantile: f64) -> f64 {
        self.latencies.all.value_at_quantile(quantile) as f64 / 1000.0
    }

    pub fn max_ms(&self) -> f64 {
        self.latencies.all.max() as f64 / 1000.0
    }

    pub fn frames_per_second(&self) -> f64 {
        self.deliveries as f64 / self.window_seconds.max(f64::EPSILON)
    }

    /// Server CPU time per delivered frame, in µs (taking in the message
    /// included).
    pub fn cpu_us_per_frame(&self) -> f64 {
        self.server_cpu_seconds * 1e6 / self.deliveries.max(1) as f64
    }

    /// These figures as JSON fields, into `into` (an object).
    pub fn add_json(&self, into: &mut serde_json::Value) {
        let fields = json!({
            "messages": self.messages, "rate": self.rate, "achieved_rate": self.achieved_rate,
            "expected_deliveries": self.expected, "deliveries": self.deliveries,
            "lost": self.lost, "duplicated": self.duplicated,
            "frames_per_s": self.frames_per_second(), "server_cpu_us_per_frame": self.cpu_us_per_frame(),
            "window_s": self.window_seconds,
            "p50_ms": self.ms(0.5), "p99_ms": self.ms(0.99), "p999_ms": self.ms(0.999),
            "max_ms": self.max_ms(),
            "by_channel_size": self.latencies.by_channel_size.iter().map(|(members, h)| json!({
                "members": members, "deliveries": h.len(),
                "p50_ms": h.value_at_quantile(0.5) as f64 / 1000.0,
                "p99_ms": h.value_at_quantile(0.99) as f64 / 1000.0,
            })).collect::<Vec<_>>(),
        });
        if let (Some(into), serde_json::Value::Object(fields)) = (into.as_object_mut(), fields) {
            into.extend(fields);
        }
    }
}
