//! A dedicated message broker on the same fan-out: `nats-server` with its
//! WebSocket listener, the subscribers speaking NATS over WebSocket from
//! this harness, the same channels, frame sizes and rates as Parlor's
//! fan-out. It is the best a server that does nothing but fan out reaches
//! on this machine, so Parlor's delivered frames a second and its p99 are
//! read against it.
//!
//! One subject per channel (`ch.<n>`); a subscriber subscribes to the
//! subjects of its channels, a subscriber who sees everything to `ch.>`
//! once, so each message reaches each member once. One publisher, a plain
//! TCP NATS client, publishes at a steady rate; each payload is about the
//! size of Parlor's `message.created` frame and carries the message number,
//! and each subscriber records when each number arrives. Latency runs from
//! just before the publish to receipt (one process, so the instants
//! compare); frames a second and the broker's CPU per frame are taken over
//! the window from the first publish to the last delivery, as the fan-out
//! takes Parlor's.
//!
//! The subscribers are tokio-tungstenite sockets reading the NATS text
//! protocol themselves, not async-nats clients: async-nats's `websockets`
//! feature is not in the lockfile (it brings tokio-websockets and a TLS
//! stack of its own), each of its clients is a full connection with a
//! handler task, ping timer and reconnect logic, and above all Parlor's
//! sockets are tokio-tungstenite ones: with the same socket code on both
//! sides, the harness takes the same share of the two cores it shares with
//! the server under test.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::Ipv4Addr;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use futures_util::{stream, SinkExt, StreamExt};
use serde_json::json;
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use crate::delivery::{Delivery, Latencies};
use crate::fanout::{Load, Scenario};
use crate::seed::Layout;

/// What a fan-out scenario looks like, whoever serves it.
pub struct Shape {
    pub name: String,
    /// Number of subscriber sockets.
    pub subscribers: usize,
    /// For each channel, the subscriber numbers in it.
    pub channels: Vec<Vec<u32>>,
    /// Subscribers that receive every channel's messages (staff who see all
    /// channels); in no channel's list, or they would get messages twice.
    pub everything: Vec<u32>,
    /// Channel of the i-th message, cycled: `targets[i % targets.len()]`.
    pub targets: Vec<u32>,
    /// Bytes of each delivered payload (at least the few a message number
    /// needs).
    pub frame_bytes: usize,
}

impl Shape {
    /// Parlor's fan-out `scenario` over `layout`, for its first `messages`
    /// messages: subscriber n is the layout's n-th client, then its staff
    /// (who see everything), and message i goes to the channel
    /// `Scenario::target` picks for Parlor's message i.
    pub fn of(scenario: Scenario, layout: &Layout, frame_bytes: usize, messages: usize) -> Shape {
        let clients = layout.individual.len();
        let numbers: HashMap<&str, u32> = layout
            .individual
            .iter()
            .enumerate()
            .map(|(n, (client, _))| (client.as_str(), n as u32))
            .collect();
        let mut channel_numbers: HashMap<&str, u32> = HashMap::new();
        let mut channels = Vec::with_capacity(layout.channel_count());
        for group in &layout.companies {
            channel_numbers.insert(&group.channel_id, channels.len() as u32);
            channels.push(group.clients.iter().map(|c| numbers[c.as_str()]).collect());
        }
        for (n, (_, channel)) in layout.individual.iter().enumerate() {
            channel_numbers.insert(channel, channels.len() as u32);
            channels.push(vec![n as u32]);
        }
        let targets = (0..messages.max(1))
            .map(|i| channel_numbers[scenario.target(layout, i).0])
            .collect();
        Shape {
            name: scenario.name().into(),
            subscribers: clients + layout.staff.len(),
            channels,
            everything: (clients..clients + layout.staff.len())
                .map(|n| n as u32)
                .collect(),
            targets,
            frame_bytes,
        }
    }

    /// Sockets the i-th message should reach.
    fn members(&self, i: usize) -> u64 {
        let channel = self.targets[i % self.targets.len()] as usize;
        (self.channels[channel].len() + self.everything.len()) as u64
    }

    /// The subjects each subscriber subscribes to.
    fn subjects(&self) -> anyhow::Result<Vec<Vec<String>>> {
        let mut subjects = vec![Vec::new(); self.subscribers];
        let mut add = |n: u32, subject: String| {
            subjects
                .get_mut(n as usize)
                .with_context(|| format!("subscriber {n} of {}", self.subscribers))
                .map(|s: &mut Vec<String>| s.push(subject))
        };
        for (c, members) in self.channels.iter().enumerate() {
            for &n in members {
                add(n, format!("ch.{c}"))?;
            }
        }
        for &n in &self.everything {
            add(n, "ch.>".into())?;
        }
        anyhow::ensure!(
            self.everything
                .iter()
                .all(|&n| subjects[n as usize].len() == 1),
            "a subscriber who sees everything is also in a channel"
        );
        anyhow::ensure!(!self.targets.is_empty(), "no targets");
        anyhow::ensure!(
            self.targets
                .iter()
                .all(|&c| (c as usize) < self.channels.len()),
            "a target names no channel"
        );
        Ok(subjects)
    }
}

/// One load on the broker.
pub struct BrokerRun {
    /// `nats-server v2.9.10`, say.
    pub server: String,
    /// The shape's name.
    pub shape: String,
    pub sockets: usize,
    /// Of the subscribers who see everything, the fewest messages one got
    /// (every message, when none was lost); `None` without such
    /// subscribers.
    pub everything_fewest: Option<u64>,
    /// Clients the broker cut off as too slow to read (its log says so);
    /// what they missed is in `lost`.
    pub slow_consumers: usize,
    /// Latency from just before the publish to receipt.
    pub delivered: Delivery,
}

impl BrokerRun {
    pub fn to_json(&self) -> serde_json::Value {
        let mut json = json!({
            "server": self.server, "shape": self.shape, "sockets": self.sockets,
            "everything_fewest": self.everything_fewest, "slow_consumers": self.slow_consumers,
        });
        self.delivered.add_json(&mut json);
        json
    }
}

/// Starts nats-server, connects every subscriber once, runs each load in
/// turn on the same connections, and stops the server.
pub async fn run(
    nats_server: &Path,
    shape: &Shape,
    loads: &[Load],
) -> anyhow::Result<Vec<BrokerRun>> {
    let subjects = shape.subjects()?;
    let broker = Broker::start(nats_server, shape.frame_bytes).await?;
    eprintln!(
        "broker: {}, {} fan-out, connecting {} subscribers",
        broker.version, shape.name, shape.subscribers
    );
    let arrived = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(AtomicUsize::new(0));
    let ws_port = broker.ws_port;
    let connected: Vec<(usize, Socket, Protocol)> = stream::iter(subjects.into_iter().enumerate())
        .map(|(n, subjects)| async move {
            let (socket, protocol) =
                tokio::time::timeout(Duration::from_secs(60), subscribe(ws_port, &subjects))
                    .await
                    .context("subscribing took over a minute")??;
            anyhow::Ok((n, socket, protocol))
        })
        .buffer_unordered(128)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<anyhow::Result<_>>()?;
    // In the order they connected; the tally wants the subscribers' own.
    let mut arrivals = Vec::with_capacity(connected.len());
    let mut readers = Vec::with_capacity(connected.len());
    for (n, socket, protocol) in connected {
        let received: Received = Arc::default();
        arrivals.push((n, received.clone()));
        readers.push(tokio::spawn(read(
            socket,
            protocol,
            received,
            arrived.clone(),
            errors.clone(),
        )));
    }
    arrivals.sort_by_key(|(n, _)| *n);
    let arrivals: Vec<_> = arrivals.into_iter().map(|(_, r)| r).collect();

    let publisher = async_nats::connect(format!("nats://127.0.0.1:{}", broker.port)).await?;
    let mut runs = Vec::with_capacity(loads.len());
    let mut base = 0u32;
    for load in loads {
        let run = measure(&broker, &publisher, shape, load, base, &arrivals, &arrived).await?;
        base += run.delivered.messages as u32;
        runs.push(run);
    }
    for reader in readers {
        reader.abort();
    }
    Ok(runs)
}

/// One load: publishes, waits for the deliveries, tallies them.
async fn measure(
    broker: &Broker,
    publisher: &async_nats::Client,
    shape: &Shape,
    load: &Load,
    base: u32,
    arrivals: &[Received],
    arrived: &AtomicUsize,
) -> anyhow::Result<BrokerRun> {
    let (rate, seconds) = (load.rate, load.seconds);
    eprintln!("broker: publishing at {rate}/s for {seconds} s");
    let arrived_before = arrived.load(Ordering::Relaxed) as u64;
    let slow_before = broker.slow_consumers();
    let mut starts: Vec<Instant> = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate.max(1))));
    let cpu_before = broker.cpu_seconds()?;
    let started = Instant::now();
    let until = started + Duration::from_secs_f64(seconds);
    for i in 0.. {
        tick.tick().await;
        if Instant::now() >= until {
            break;
        }
        let channel = shape.targets[i % shape.targets.len()];
        let payload = payload(base + i as u32, shape.frame_bytes);
        starts.push(Instant::now());
        publisher
            .publish(format!("ch.{channel}"), payload.into())
            .await?;
    }
    let messages = starts.len();
    let achieved_rate = messages as f64 / started.elapsed().as_secs_f64();
    // Not per message: the client writes as it goes; this only makes sure
    // the last few are out.
    publisher.flush().await?;
    let expected: u64 = (0..messages).map(|i| shape.members(i)).sum();

    let deadline = Instant::now() + Duration::from_secs(20);
    while (arrived.load(Ordering::Relaxed) as u64 - arrived_before) < expected
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let window_seconds = started.elapsed().as_secs_f64();
    let server_cpu_seconds = broker.cpu_seconds()? - cpu_before;
    // Anything still arriving now would be a duplicate or a stray.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let range = base..base + messages as u32;
    let mut latencies = Latencies::new()?;
    let mut deliveries = 0u64;
    let mut repeats = 0u64;
    // Each subscriber's message numbers, sorted, once each.
    let mut got: Vec<Vec<u32>> = Vec::with_capacity(arrivals.len());
    for received in arrivals {
        let mut received = std::mem::take(&mut *received.lock().unwrap());
        received.retain(|(n, _)| range.contains(n));
        // Stable, so the first receipt of a number stays first.
        received.sort_by_key(|(n, _)| *n);
        let all = received.len();
        received.dedup_by_key(|(n, _)| *n);
        repeats += (all - received.len()) as u64;
        for &(n, at) in &received {
            let i = (n - base) as usize;
            let us = at.duration_since(starts[i]).as_micros() as u64;
            latencies.record(shape.members(i), us)?;
        }
        deliveries += received.len() as u64;
        got.push(received.into_iter().map(|(n, _)| n).collect());
    }
    let has = |subscriber: u32, n: u32| got[subscriber as usize].binary_search(&n).is_ok();
    let mut lost = 0u64;
    for i in 0..messages {
        let n = base + i as u32;
        let channel = shape.targets[i % shape.targets.len()] as usize;
        let members = shape.channels[channel].iter().chain(&shape.everything);
        lost += members.filter(|&&s| !has(s, n)).count() as u64;
    }
    let everything_fewest = shape
        .everything
        .iter()
        .map(|&s| got[s as usize].len() as u64)
        .min();
    Ok(BrokerRun {
        server: broker.version.clone(),
        shape: shape.name.clone(),
        sockets: shape.subscribers,
        everything_fewest,
        slow_consumers: broker.slow_consumers() - slow_before,
        delivered: Delivery {
            messages,
            rate,
            achieved_rate,
            expected,
            deliveries,
            lost,
            // Receipts beyond those of members are strays.
            duplicated: repeats + deliveries.saturating_sub(expected - lost),
            latencies,
            window_seconds,
            server_cpu_seconds,
        },
    })
}

/// A `message.created`-like frame of `bytes` bytes (or the few more its
/// number needs) carrying message number `n`.
fn payload(n: u32, bytes: usize) -> Vec<u8> {
    let mut frame = format!(r#"{{"type":"message.created","data":{{"id":"{n}","text":""#);
    const END: &str = r#""}}"#;
    let padding = bytes.saturating_sub(frame.len() + END.len());
    frame.extend(std::iter::repeat_n('x', padding));
    frame.push_str(END);
    frame.into_bytes()
}

/// The message number in a payload made by `payload`.
fn message_number(payload: &[u8]) -> Option<u32> {
    const ID: &[u8] = br#""id":""#;
    let start = payload.windows(ID.len()).position(|w| w == ID)? + ID.len();
    let digits = payload[start..].iter().take_while(|b| b.is_ascii_digit());
    let end = start + digits.count();
    std::str::from_utf8(&payload[start..end]).ok()?.parse().ok()
}

/// A running nats-server on free loopback ports (not 4222: a NATS service
/// may run there), with its configuration and log in a directory of its
/// own. Dropping it kills the process and removes the directory, so an
/// error or Ctrl-C leaves nothing behind.
struct Broker {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
    ws_port: u16,
    version: String,
}

impl Broker {
    async fn start(nats_server: &Path, frame_bytes: usize) -> anyhow::Result<Broker> {
        let version = std::process::Command::new(nats_server)
            .arg("--version")
            .output()
            .with_context(|| format!("running {}", nats_server.display()))?;
        let version = String::from_utf8_lossy(&version.stdout)
            .trim()
            .replace(": ", " ");
        let dir = tempfile::Builder::new()
            .prefix("parlor-bench-nats-")
            .tempdir()?;
        let free_port = || -> anyhow::Result<u16> {
            Ok(std::net::TcpListener::bind("127.0.0.1:0")?
                .local_addr()?
                .port())
        };
        let (port, ws_port) = (free_port()?, free_port()?);
        anyhow::ensure!(port != ws_port, "the same free port twice");
        let mut config = format!(
            "listen: \"127.0.0.1:{port}\"\n\
             websocket {{\n  listen: \"127.0.0.1:{ws_port}\"\n  no_tls: true\n}}\n"
        );
        // Its default (1 MiB) is far above a chat message's frame.
        if frame_bytes > 1 << 20 {
            let _ = writeln!(config, "max_payload: {}", frame_bytes + 1024);
        }
        let config_path = dir.path().join("nats.conf");
        std::fs::write(&config_path, config)?;
        let log = std::fs::File::create(dir.path().join("nats.log"))?;
        let child = Command::new(nats_server)
            .arg("--config")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("running {}", nats_server.display()))?;
        let mut broker = Broker {
            child,
            dir,
            port,
            ws_port,
            version,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let listening = TcpStream::connect((Ipv4Addr::LOCALHOST, port))
                .await
                .is_ok()
                && TcpStream::connect((Ipv4Addr::LOCALHOST, ws_port))
                    .await
                    .is_ok();
            if listening {
                return Ok(broker);
            }
            if let Some(status) = broker.child.try_wait()? {
                anyhow::bail!("nats-server exited with {status}: {}", broker.log());
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "nats-server did not listen within 10 s: {}",
                broker.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("nats.log")).unwrap_or_default()
    }

    fn slow_consumers(&self) -> usize {
        self.log().matches("Slow Consumer Detected").count()
    }

    fn cpu_seconds(&self) -> anyhow::Result<f64> {
        crate::server::cpu_seconds(self.child.id().context("nats-server is not running")?)
    }
}

type Socket = WebSocketStream<TcpStream>;

/// What one subscriber has received: message numbers, and when each
/// arrived. The tally drains it after each load.
type Received = Arc<Mutex<Vec<(u32, Instant)>>>;

const CONNECT: &str =
    "CONNECT {\"verbose\":false,\"pedantic\":false,\"protocol\":1,\"echo\":false}\r\n";

/// Opens a WebSocket to the broker, subscribes to `subjects`, and returns
/// once the broker has taken the subscriptions: it answers the PING sent
/// after them only when it has processed them.
async fn subscribe(ws_port: u16, subjects: &[String]) -> anyhow::Result<(Socket, Protocol)> {
    let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, ws_port)).await?;
    stream.set_nodelay(true)?;
    let (mut socket, _) =
        tokio_tungstenite::client_async(format!("ws://127.0.0.1:{ws_port}"), stream).await?;
    let mut protocol = Protocol::default();
    let mut hello = String::from(CONNECT);
    for (sid, subject) in subjects.iter().enumerate() {
        let _ = write!(hello, "SUB {subject} {}\r\n", sid + 1);
    }
    hello.push_str("PING\r\n");
    let mut greeted = false;
    while let Some(message) = socket.next().await {
        protocol.push(&message?.into_data());
        while let Some(op) = protocol.next()? {
            match op {
                Op::Info if !greeted => {
                    greeted = true;
                    socket.send(Message::binary(hello.clone())).await?;
                }
                Op::Pong => return Ok((socket, protocol)),
                Op::Ping => socket.send(Message::binary(&b"PONG\r\n"[..])).await?,
                Op::Err(error) => anyhow::bail!("nats-server refused a subscriber: {error}"),
                _ => {}
            }
        }
    }
    anyhow::bail!("nats-server closed a subscriber's socket before its subscriptions were live")
}

/// A subscriber's socket, read until it closes (or the run aborts it).
async fn read(
    mut socket: Socket,
    mut protocol: Protocol,
    received: Received,
    arrived: Arc<AtomicUsize>,
    errors: Arc<AtomicUsize>,
) {
    let mut batch = Vec::new();
    while let Some(Ok(message)) = socket.next().await {
        let now = Instant::now();
        protocol.push(&message.into_data());
        loop {
            match protocol.next() {
                Ok(None) => break,
                Ok(Some(Op::Msg(payload))) => {
                    if let Some(n) = message_number(&payload) {
                        batch.push((n, now));
                    }
                }
                Ok(Some(Op::Ping)) => {
                    if socket
                        .send(Message::binary(&b"PONG\r\n"[..]))
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
                Ok(Some(Op::Err(error))) => {
                    if errors.fetch_add(1, Ordering::Relaxed) < 5 {
                        eprintln!("broker: a subscriber got -ERR {error}");
                    }
                }
                Ok(Some(_)) => {}
                Err(error) => {
                    eprintln!("broker: a subscriber could not read the protocol: {error:#}");
                    return;
                }
            }
        }
        if !batch.is_empty() {
            arrived.fetch_add(batch.len(), Ordering::Relaxed);
            received.lock().unwrap().append(&mut batch);
        }
    }
}

/// One NATS protocol operation, as a subscriber sees it.
#[derive(Debug, PartialEq)]
enum Op {
    Info,
    Msg(Vec<u8>),
    Ping,
    Pong,
    Ok,
    Err(String),
}

/// The NATS text protocol from WebSocket messages: the broker may put
/// several operations in one message or split one over several.
#[derive(Default)]
struct Protocol {
    buffer: Vec<u8>,
    /// How much of `buffer` has been read.
    read: usize,
}

impl Protocol {
    fn push(&mut self, data: &[u8]) {
        self.buffer.drain(..self.read);
        self.read = 0;
        self.buffer.extend_from_slice(data);
    }

    /// The next whole operation, if the buffer holds one.
    fn next(&mut self) -> anyhow::Result<Option<Op>> {
        let rest = &self.buffer[self.read..];
        let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") else {
            return Ok(None);
        };
        let line = std::str::from_utf8(&rest[..eol]).context("a line that is not UTF-8")?;
        let (verb, args) = line.split_once(' ').unwrap_or((line, ""));
        let op = match verb.to_ascii_uppercase().as_str() {
            "MSG" => {
                // MSG <subject> <sid> [reply-to] <#bytes>
                let size: usize = args
                    .rsplit(' ')
                    .next()
                    .and_then(|s| s.parse().ok())
                    .with_context(|| format!("no size in {line:?}"))?;
                let start = eol + 2;
                if rest.len() < start + size + 2 {
                    return Ok(None);
                }
                let payload = rest[start..start + size].to_vec();
                self.read += start + size + 2;
                return Ok(Some(Op::Msg(payload)));
            }
            "INFO" => Op::Info,
            "PING" => Op::Ping,
            "PONG" => Op::Pong,
            "+OK" => Op::Ok,
            "-ERR" => Op::Err(args.trim().to_string()),
            _ => anyhow::bail!("unexpected {line:?}"),
        };
        self.read += eol + 2;
        Ok(Some(op))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(protocol: &mut Protocol) -> Vec<Op> {
        std::iter::from_fn(|| protocol.next().unwrap()).collect()
    }

    #[test]
    fn operations_are_read_whole_however_the_messages_split_them() {
        let wire =
            b"INFO {\"x\":1}\r\nMSG ch.1 1 5\r\nab\r\nc\r\nPING\r\nMSG ch.2 2 r 3\r\nxyz\r\n";
        let expected = vec![
            Op::Info,
            Op::Msg(b"ab\r\nc".to_vec()),
            Op::Ping,
            Op::Msg(b"xyz".to_vec()),
        ];
        for cut in [1, 2, 7, 20, 27, wire.len()] {
            let mut protocol = Protocol::default();
            let mut got = Vec::new();
            for part in wire.chunks(cut) {
                protocol.push(part);
                got.extend(ops(&mut protocol));
            }
            assert_eq!(got, expected, "in pieces of {cut} bytes");
        }
    }

    #[test]
    fn a_payload_carries_its_number_at_the_size_asked_for() {
        let frame = payload(1234, 480);
        assert_eq!(frame.len(), 480);
        assert!(serde_json::from_slice::<serde_json::Value>(&frame).is_ok());
        assert_eq!(message_number(&frame), Some(1234));
        assert_eq!(message_number(&payload(7, 0)), Some(7), "too small to pad");
    }

    #[tokio::test]
    async fn every_subscriber_gets_each_message_of_its_channels_once_from_nats_server() {
        // 0–19 in one channel, 20–29 in another, 30–47 each alone; 48 and
        // 49 see everything.
        let mut channels = vec![(0..20).collect::<Vec<u32>>(), (20..30).collect()];
        channels.extend((30..48).map(|n| vec![n]));
        let shape = Shape {
            name: "test".into(),
            subscribers: 50,
            targets: (0..channels.len() as u32).collect(),
            channels,
            everything: vec![48, 49],
            frame_bytes: 480,
        };
        let loads = [Load {
            rate: 200,
            seconds: 1.0,
        }];

        let runs = run(Path::new("/usr/sbin/nats-server"), &shape, &loads)
            .await
            .unwrap();

        let [run] = &runs[..] else {
            panic!("one run per load, got {}", runs.len())
        };
        let everything_fewest = run.everything_fewest;
        let run = &run.delivered;
        assert!(
            run.messages > 100,
            "only {} messages published",
            run.messages
        );
        assert!(run.expected > run.messages as u64);
        assert_eq!(run.lost, 0, "lost");
        assert_eq!(run.duplicated, 0, "duplicated");
        assert_eq!(run.deliveries, run.expected);
        assert_eq!(everything_fewest, Some(run.messages as u64));
        assert!(run.frames_per_second() > 0.0);
        assert_eq!(run.latencies.all.len(), run.deliveries);
    }
}
