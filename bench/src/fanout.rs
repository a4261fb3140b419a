//! Fan-out: one socket per client (and staff member) of a seeded workspace,
//! in one of two shapes (`Scenario`): the stress test, whose channels go up
//! to 5,000 members, and a client portal's, with channels of 1 to 20
//! clients and admins who see every channel. Messages go out over the REST
//! API at a steady rate, at one or more loads on the same sockets; each
//! socket records when each message arrives. Reports delivery latency from the start of
//! the send request to receipt, and counts every message that did not reach
//! each member exactly once; and what delivering costs: frames a second
//! over the window from the first send to the last delivery, and the
//! server's CPU time (sending and delivering) per delivered frame.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use hdrhistogram::Histogram;
use parlor::domain::UserType;
use serde_json::json;
use tokio::sync::{watch, Semaphore};
use tokio_tungstenite::tungstenite::Message;

use crate::delivery::{Delivery, Latencies};
use crate::seed::{Group, Layout};
use crate::server::Server;
use crate::ws;

/// The first socket number of the fan-out (see `ws::connect`), past any the
/// idle scenario uses.
const FANOUT_SOURCE: usize = 200_000;

pub struct Fanout {
    pub scenario: &'static str,
    pub sockets: usize,
    /// Of those, staff who see every channel.
    pub staff_sockets: usize,
    /// The length of a delivered `message.created` frame.
    pub frame_bytes: usize,
    pub send_errors: u64,
    /// From the start of each send request to its answer: how much of the
    /// delivery latency the send path itself accounts for.
    pub send_latency_us: Histogram<u64>,
    /// Latency from the start of the send request to the frame; a message
    /// to 5,000 sockets is written out one socket after another.
    pub delivered: Delivery,
}

impl Fanout {
    pub fn send_ms(&self, quantile: f64) -> f64 {
        self.send_latency_us.value_at_quantile(quantile) as f64 / 1000.0
    }

    pub fn to_json(&self) -> serde_json::Value {
        let mut json = json!({
            "scenario": self.scenario, "staff_sockets": self.staff_sockets,
            "frame_bytes": self.frame_bytes, "sockets": self.sockets,
            "send_errors": self.send_errors,
            "send_p50_ms": self.send_ms(0.5), "send_p99_ms": self.send_ms(0.99),
        });
        self.delivered.add_json(&mut json);
        json
    }
}

/// Which fan-out: who is connected, and where each message goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// The stress test: per thousand messages, one to the 5,000-member
    /// company channel, twenty over the medium ones, the rest round the
    /// individual channels; clients only.
    Stress,
    /// A client portal: one message in four to a company channel of 2 to 20
    /// clients, the rest to individual channels, and every message also to
    /// every online admin (`seed::Layout::portal`).
    Portal,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Stress => "stress",
            Scenario::Portal => "portal",
        }
    }

    /// The channel the `i`th message goes to, and how many of the
    /// layout's clients are in it.
    pub fn target(self, layout: &Layout, i: usize) -> (&str, u64) {
        let individual = |i: usize| (&*layout.individual[i % layout.individual.len()].1, 1);
        fn company(g: &Group) -> (&str, u64) {
            (&g.channel_id, g.clients.len() as u64)
        }
        match self {
            Scenario::Stress => match i % 1000 {
                0 => company(layout.big()),
                k @ 1..=20 => {
                    let medium = &layout.companies[1..];
                    company(&medium[(i / 1000 * 20 + k) % medium.len()])
                }
                _ => individual(i),
            },
            Scenario::Portal if i.is_multiple_of(4) => {
                company(&layout.companies[(i / 4) % layout.companies.len()])
            }
            Scenario::Portal => individual(i),
        }
    }
}

/// A steady rate of sending for a while.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub rate: u32,
    pub seconds: f64,
}

/// What one socket's reader saw: `message.created` frames by message
/// number (the text the harness sent), and when each arrived.
#[derive(Default)]
struct Arrivals {
    frames: Vec<(u32, Instant)>,
}

/// Every socket of the layout (clients, then staff), connected and read
/// until dropped; each load is measured on the same sockets.
struct Sockets {
    count: usize,
    /// The length of a `message.created` frame, as last seen.
    frame_bytes: Arc<AtomicUsize>,
    arrivals: Vec<Arc<Mutex<Arrivals>>>,
    stop: watch::Sender<bool>,
    readers: Vec<tokio::task::JoinHandle<()>>,
}

impl Sockets {
    async fn connect(server: &Arc<Server>, layout: &Layout) -> anyhow::Result<Sockets> {
        let users: Vec<(UserType, &str)> = layout
            .individual
            .iter()
            .map(|(client, _)| (UserType::Client, client.as_str()))
            .chain(
                layout
                    .staff
                    .iter()
                    .map(|s| (UserType::InternalUser, s.as_str())),
            )
            .collect();
        let count = users.len();
        eprintln!(
            "fan-out: connecting {count} sockets ({} staff)",
            layout.staff.len()
        );
        let ready = Arc::new(AtomicUsize::new(0));
        let frame_bytes = Arc::new(AtomicUsize::new(0));
        let (stop, stopped) = watch::channel(false);
        let connected: Vec<ws::Socket> = stream::iter(users.iter().enumerate())
            // Source addresses of their own: the idle scenario's closed
            // sockets may still hold 127.0.0.1's ports in TIME_WAIT.
            .map(|(n, (kind, user))| ws::connect(server, *kind, user, FANOUT_SOURCE + n))
            .buffer_unordered(128)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<anyhow::Result<_>>()?;
        let mut arrivals = Vec::with_capacity(count);
        let mut readers = Vec::with_capacity(count);
        for socket in connected {
            let mine = Arc::new(Mutex::new(Arrivals::default()));
            arrivals.push(mine.clone());
            let (ready, bytes) = (ready.clone(), frame_bytes.clone());
            let mut stopped = stopped.clone();
            readers.push(tokio::spawn(async move {
                let (_sink, mut stream) = socket.split();
                loop {
                    let message = tokio::select! {
                        _ = stopped.changed() => break,
                        message = stream.next() => message,
                    };
                    let text = match message {
                        Some(Ok(Message::Text(text))) => text,
                        Some(Ok(_)) => continue,
                        None | Some(Err(_)) => break,
                    };
                    let now = Instant::now();
                    match sent_number(&text) {
                        Some(n) => {
                            mine.lock().unwrap().frames.push((n, now));
                            bytes.store(text.len(), Ordering::Relaxed);
                        }
                        None if text.contains(r#""type":"ready""#) => {
                            ready.fetch_add(1, Ordering::Relaxed);
                        }
                        None => {}
                    }
                }
            }));
        }
        let wait_until = Instant::now() + Duration::from_secs(120);
        while ready.load(Ordering::Relaxed) < count {
            anyhow::ensure!(
                Instant::now() < wait_until,
                "only {} of {count} sockets got their ready frame",
                ready.load(Ordering::Relaxed)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Let the presence frames of the connection storm drain.
        tokio::time::sleep(Duration::from_secs(1)).await;
        Ok(Sockets {
            count,
            frame_bytes,
            arrivals,
            stop,
            readers,
        })
    }

    fn arrived(&self) -> usize {
        self.arrivals
            .iter()
            .map(|a| a.lock().unwrap().frames.len())
            .sum()
    }

    /// What each socket received since the last take.
    fn take(&self) -> Vec<Vec<(u32, Instant)>> {
        self.arrivals
            .iter()
            .map(|a| std::mem::take(&mut a.lock().unwrap().frames))
            .collect()
    }

    async fn close(self) {
        let _ = self.stop.send(true);
        for reader in self.readers {
            let _ = reader.await;
        }
    }
}

/// The harness's number of a `message.created` frame, from the text it
/// sent ("fan-out <n>"): found without parsing the frame, so that reading
/// hundreds of thousands of frames a second leaves the cores to the server.
fn sent_number(frame: &str) -> Option<u32> {
    const MARK: &str = "\"text\":\"fan-out ";
    if !frame.contains(r#""type":"message.created""#) {
        return None;
    }
    let at = frame.find(MARK)? + MARK.len();
    let digits = &frame[at..];
    let end = digits
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(digits.len());
    digits[..end].parse().ok()
}

/// A send the server answered.
struct Sent {
    start: Instant,
    /// Sockets the message should reach.
    members: u64,
    answered_after: Duration,
}

/// Connects every socket of `layout`, then sends at each load in turn over
/// the REST API and measures the deliveries.
pub async fn run(
    server: &Arc<Server>,
    layout: &Layout,
    scenario: Scenario,
    loads: &[Load],
) -> anyhow::Result<Vec<Fanout>> {
    let sockets = Sockets::connect(server, layout).await?;
    let mut runs = Vec::with_capacity(loads.len());
    let mut first = 0usize;
    for load in loads {
        let outcome = measure(server, layout, scenario, *load, &sockets, first).await;
        match outcome {
            Ok(run) => {
                first += run.delivered.messages;
                runs.push(run);
            }
            Err(err) => {
                sockets.close().await;
                return Err(err);
            }
        }
    }
    sockets.close().await;
    Ok(runs)
}

/// One load on connected sockets; its messages are numbered from `first`.
async fn measure(
    server: &Arc<Server>,
    layout: &Layout,
    scenario: Scenario,
    load: Load,
    sockets: &Sockets,
    first: usize,
) -> anyhow::Result<Fanout> {
    let Load { rate, seconds } = load;
    let staff = layout.staff.len() as u64;
    // Sending stops after `seconds` even if the server could not take `rate`
    // messages a second; the achieved rate is reported.
    eprintln!(
        "fan-out ({}): sending at {rate}/s for {seconds} s",
        scenario.name()
    );
    sockets.take();
    let sent: Arc<Mutex<HashMap<u32, Sent>>> = Arc::default();
    let errors = Arc::new(AtomicUsize::new(0));
    let in_flight = Arc::new(Semaphore::new(256));
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
    let cpu_before = server.cpu_seconds()?;
    let started = Instant::now();
    let mut senders = Vec::new();
    let until = started + Duration::from_secs_f64(seconds);
    for i in first.. {
        tick.tick().await;
        if Instant::now() >= until {
            break;
        }
        let (channel, clients) = scenario.target(layout, i);
        let members = clients + staff;
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
                Ok(_) => {
                    let answered_after = start.elapsed();
                    sent.lock().unwrap().insert(
                        i as u32,
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
    while (sockets.arrived() as u64) < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let window_seconds = started.elapsed().as_secs_f64();
    let server_cpu_seconds = server.cpu_seconds()? - cpu_before;
    // Anything still arriving now would be a duplicate or a stray.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut counts: HashMap<u32, u64> = HashMap::with_capacity(sent.len());
    let mut latencies = Latencies::new()?;
    let mut deliveries = 0u64;
    let mut duplicated = 0u64;
    for mut received in sockets.take() {
        received.sort_unstable_by_key(|(n, _)| *n);
        let before = received.len();
        received.dedup_by_key(|(n, _)| *n);
        duplicated += (before - received.len()) as u64;
        for (n, at) in received {
            deliveries += 1;
            if let Some(s) = sent.get(&n) {
                latencies.record(s.members, at.duration_since(s.start).as_micros() as u64)?;
                *counts.entry(n).or_default() += 1;
            }
        }
    }
    let mut lost = 0u64;
    for (n, s) in &sent {
        let got = counts.get(n).copied().unwrap_or(0);
        lost += s.members.saturating_sub(got);
        // Frames to sockets that should not have had them.
        duplicated += got.saturating_sub(s.members);
    }
    Ok(Fanout {
        scenario: scenario.name(),
        sockets: sockets.count,
        frame_bytes: sockets.frame_bytes.load(Ordering::Relaxed),
        staff_sockets: layout.staff.len(),
        send_errors: errors.load(Ordering::Relaxed) as u64,
        send_latency_us,
        delivered: Delivery {
            messages,
            rate,
            achieved_rate,
            expected,
            deliveries,
            lost,
            duplicated,
            latencies,
            window_seconds,
            server_cpu_seconds,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_frame_is_known_by_the_number_in_its_text() {
        let frame = r#"{"type":"message.created","seq":9,"data":{"id":"m1","text":"fan-out 4711","channelId":"c"}}"#;
        assert_eq!(sent_number(frame), Some(4711));
        let other = r#"{"type":"message.updated","data":{"text":"fan-out 4711"}}"#;
        assert_eq!(sent_number(other), None);
        assert_eq!(sent_number(r#"{"type":"ready"}"#), None);
    }

    #[test]
    fn the_portal_sends_one_message_in_four_to_a_company_and_the_rest_to_one_client() {
        let layout = Layout::portal(400, 3);
        let companies: Vec<u64> = (0..400)
            .map(|i| Scenario::Portal.target(&layout, i).1)
            .collect();
        assert!(companies.iter().step_by(4).all(|&n| (2..=20).contains(&n)));
        assert_eq!(companies.iter().filter(|&&n| n == 1).count(), 300);
    }
}
