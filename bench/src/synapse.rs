//! The peer: the same two measurements, taken from Synapse (the Matrix
//! homeserver) on the same machine in the same run, so each Parlor figure can
//! be given as a ratio to Synapse's.
//!
//! `scripts/synapse-bench-server` installs the pinned `matrix-synapse` into
//! target/synapse-venv and runs it on a fresh data directory: SQLite (or a
//! PostgreSQL database, for the sends under wrk: `wrk.rs`), plain HTTP on a
//! loopback port, rate limits raised. This module starts it (in a
//! process group of its own, killed when the [`Synapse`] value is dropped, so
//! an error or a panic leaves no process behind) and speaks the Matrix
//! client-server API to it directly:
//!
//! * send throughput: `senders` users, each with an access token, in `rooms`
//!   rooms (sender i in room i mod rooms), every sender sending one message
//!   after the other (`PUT /rooms/{room}/send/m.room.message/{txn}`) for
//!   `seconds`; acknowledged messages per second and the latency of each send
//!   from request to response, as Parlor's REST senders are measured.
//! * delivery latency: `receivers` users long-polling `/sync` (a filter that
//!   keeps only the room's `m.room.message` timeline, `timeout=30000`, the
//!   `since` token of their previous answer) in one room while one sender
//!   sends `messages` at `rate` a second; latency from the start of the send
//!   to the arrival of the `/sync` answer that carries it, as Parlor's
//!   fan-out measures send to WebSocket frame. Each message carries its
//!   sequence number (and its wall-clock send time) in its content, so losses
//!   and duplicates are counted per receiver.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use futures_util::{StreamExt, TryStreamExt};
use hdrhistogram::Histogram;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use tokio::process::{Child, Command};

/// The registration secret the script configures (its default).
const SHARED_SECRET: &str = "parlor-bench-registration-secret";
const PASSWORD: &str = "bench password";
/// Setup requests (registrations, room creations, joins) in flight at once.
pub const SETUP_CONCURRENCY: usize = 8;

/// The command-line flags of the peer, flattened into parlor-bench's.
#[derive(Debug, Clone, clap::Args)]
pub struct PeerArgs {
    /// The peer measured after Parlor, in the same run: `synapse` or `none`.
    #[arg(long, default_value = "synapse", value_parser = ["synapse", "none"])]
    pub peer: String,
    /// Skip the peer (same as `--peer none`).
    #[arg(long)]
    pub no_peer: bool,
    /// The script that installs and runs Synapse.
    #[arg(long, default_value = "scripts/synapse-bench-server")]
    pub synapse_script: PathBuf,
    /// Peer send throughput: concurrent senders.
    #[arg(long, default_value_t = 50)]
    pub peer_senders: usize,
    /// Peer send throughput: rooms the senders are spread over.
    #[arg(long, default_value_t = 50)]
    pub peer_rooms: usize,
    /// Peer send throughput: seconds of sending.
    #[arg(long, default_value_t = 20)]
    pub peer_seconds: u64,
    /// Peer delivery latency: receivers long-polling /sync in one room.
    #[arg(long, default_value_t = 100)]
    pub peer_receivers: usize,
    /// Peer delivery latency: messages sent.
    #[arg(long, default_value_t = 200)]
    pub peer_messages: usize,
    /// Peer delivery latency: messages per second.
    #[arg(long, default_value_t = 20)]
    pub peer_rate: u32,
    /// Peer delivery latency: stop sending after this many seconds even if
    /// not all messages are sent (Synapse may not keep up with the rate).
    #[arg(long, default_value_t = 60)]
    pub peer_send_cap_seconds: u64,
}

impl PeerArgs {
    /// The options of the peer run, or `None` when it is switched off.
    pub fn options(&self) -> Option<Options> {
        (!self.no_peer && self.peer == "synapse").then(|| Options {
            script: self.synapse_script.clone(),
            senders: self.peer_senders,
            rooms: self.peer_rooms,
            seconds: self.peer_seconds,
            receivers: self.peer_receivers,
            messages: self.peer_messages,
            rate: self.peer_rate,
            send_cap_seconds: self.peer_send_cap_seconds,
            ..Options::default()
        })
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    /// `scripts/synapse-bench-server`.
    pub script: PathBuf,
    /// Synapse's data directory, wiped before and removed after the run.
    pub data_dir: PathBuf,
    pub senders: usize,
    pub rooms: usize,
    pub seconds: u64,
    pub receivers: usize,
    pub messages: usize,
    pub rate: u32,
    pub send_cap_seconds: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            script: "scripts/synapse-bench-server".into(),
            data_dir: "target/synapse-bench".into(),
            senders: 50,
            rooms: 50,
            seconds: 20,
            receivers: 100,
            messages: 200,
            rate: 20,
            send_cap_seconds: 60,
        }
    }
}

pub struct Throughput {
    pub senders: usize,
    pub rooms: usize,
    pub seconds: f64,
    pub acked: u64,
    pub errors: u64,
    pub msgs_per_s: f64,
    latency_us: Histogram<u64>,
}

impl Throughput {
    pub fn p50_ms(&self) -> f64 {
        ms(&self.latency_us, 0.5)
    }
    pub fn p99_ms(&self) -> f64 {
        ms(&self.latency_us, 0.99)
    }
}

pub struct Delivery {
    pub receivers: usize,
    pub messages: usize,
    /// Messages actually sent before the send cap.
    pub sent: usize,
    pub rate: u32,
    /// From the first send to the last acknowledgement: the sender sends one
    /// message after the other, so a slow send lowers the rate achieved.
    pub send_seconds: f64,
    pub deliveries: u64,
    pub lost: u64,
    pub duplicated: u64,
    latency_us: Histogram<u64>,
}

impl Delivery {
    pub fn p50_ms(&self) -> f64 {
        ms(&self.latency_us, 0.5)
    }
    pub fn p99_ms(&self) -> f64 {
        ms(&self.latency_us, 0.99)
    }
    pub fn p999_ms(&self) -> f64 {
        ms(&self.latency_us, 0.999)
    }
    pub fn max_ms(&self) -> f64 {
        self.latency_us.max() as f64 / 1000.0
    }
}

/// What the peer measured: every figure that Parlor's is divided by.
pub struct PeerResults {
    /// `matrix-synapse`'s version, as the running server reports it.
    pub version: String,
    pub throughput: Throughput,
    pub delivery: Delivery,
}

/// Parlor's figures for the same measurements, where this run has them.
#[derive(Debug, Default, Clone, Copy)]
pub struct ParlorFigures {
    pub msgs_per_s: Option<f64>,
    pub send_p50_ms: Option<f64>,
    pub send_p99_ms: Option<f64>,
    pub delivery_p50_ms: Option<f64>,
    pub delivery_p99_ms: Option<f64>,
    pub delivery_p999_ms: Option<f64>,
}

impl PeerResults {
    pub const TABLE_HEADER: [&'static str; 2] = [
        "| peer scenario | shape | count | lost | duplicated | p50 ms | p99 ms | p99.9 ms | msgs/s |",
        "|---|---|---|---|---|---|---|---|---|",
    ];

    pub fn table_rows(&self) -> Vec<String> {
        let t = &self.throughput;
        let d = &self.delivery;
        vec![
            format!(
                "| Synapse {}, send throughput | {} senders over {} rooms, {:.0} s | {} acked, {} errors | | | {:.2} | {:.2} | | {:.1} |",
                self.version, t.senders, t.rooms, t.seconds, t.acked, t.errors,
                t.p50_ms(), t.p99_ms(), t.msgs_per_s
            ),
            format!(
                "| Synapse {}, delivery over /sync | {} receivers, {} of {} messages sent at {}/s (achieved {:.1}/s) | {} deliveries | {} | {} | {:.2} | {:.2} | {:.2} | |",
                self.version, d.receivers, d.sent, d.messages, d.rate,
                d.sent as f64 / d.send_seconds.max(f64::EPSILON), d.deliveries, d.lost, d.duplicated,
                d.p50_ms(), d.p99_ms(), d.p999_ms()
            ),
        ]
    }

    pub fn to_json(&self) -> Value {
        let t = &self.throughput;
        let d = &self.delivery;
        json!({
            "name": "synapse",
            "version": self.version,
            "database": "sqlite",
            "throughput": {
                "senders": t.senders, "rooms": t.rooms, "seconds": t.seconds,
                "acked": t.acked, "errors": t.errors, "msgs_per_s": t.msgs_per_s,
                "send_p50_ms": t.p50_ms(), "send_p99_ms": t.p99_ms(),
                "send_max_ms": t.latency_us.max() as f64 / 1000.0,
            },
            "delivery": {
                "receivers": d.receivers, "messages": d.messages, "rate": d.rate,
                "send_seconds": d.send_seconds,
                "sent": d.sent,
                "achieved_rate": d.sent as f64 / d.send_seconds.max(f64::EPSILON),
                "deliveries": d.deliveries, "lost": d.lost, "duplicated": d.duplicated,
                "p50_ms": d.p50_ms(), "p99_ms": d.p99_ms(), "p999_ms": d.p999_ms(),
                "max_ms": d.max_ms(),
            },
        })
    }

    /// Parlor ÷ Synapse for each figure both have. Above 1 is better for
    /// Parlor for msgs/s; below 1 is better for Parlor for every latency.
    pub fn ratios(&self, parlor: &ParlorFigures) -> Value {
        let ratio = |p: Option<f64>, s: f64| p.filter(|_| s > 0.0).map(|p| p / s);
        json!({
            "msgs_per_s": ratio(parlor.msgs_per_s, self.throughput.msgs_per_s),
            "send_p50": ratio(parlor.send_p50_ms, self.throughput.p50_ms()),
            "send_p99": ratio(parlor.send_p99_ms, self.throughput.p99_ms()),
            "delivery_p50": ratio(parlor.delivery_p50_ms, self.delivery.p50_ms()),
            "delivery_p99": ratio(parlor.delivery_p99_ms, self.delivery.p99_ms()),
            "delivery_p999": ratio(parlor.delivery_p999_ms, self.delivery.p999_ms()),
        })
    }
}

fn ms(histogram: &Histogram<u64>, quantile: f64) -> f64 {
    histogram.value_at_quantile(quantile) as f64 / 1000.0
}

/// A running Synapse. Dropping it kills its whole process group.
pub struct Synapse {
    child: Child,
    pgid: Option<u32>,
    data_dir: PathBuf,
    base: String,
    http: reqwest::Client,
}

impl Synapse {
    /// Starts Synapse on SQLite, or in the PostgreSQL database at
    /// `postgres` (postgres://user@host:port/name) when given.
    pub async fn start(
        script: &Path,
        data_dir: &Path,
        postgres: Option<&str>,
    ) -> anyhow::Result<Synapse> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        if let Some(parent) = data_dir.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let log_path = data_dir.with_extension("log");
        let log = std::fs::File::create(&log_path)?;
        let mut command = Command::new(script);
        command
            .arg("--port")
            .arg(port.to_string())
            .arg("--data-dir")
            .arg(data_dir)
            .args(postgres.into_iter().flat_map(|url| ["--postgres", url]))
            .env("SYNAPSE_BENCH_SECRET", SHARED_SECRET)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log)
            .kill_on_drop(true);
        #[cfg(unix)]
        command.process_group(0);
        let child = command
            .spawn()
            .with_context(|| format!("running {}", script.display()))?;
        let pgid = child.id();
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(512)
            .timeout(Duration::from_secs(120))
            .build()?;
        let mut synapse = Synapse {
            child,
            pgid,
            data_dir: data_dir.to_path_buf(),
            base,
            http,
        };
        // The first run installs the virtualenv before Synapse starts.
        let deadline = Instant::now() + Duration::from_secs(600);
        loop {
            if synapse
                .http
                .get(format!("{}/_matrix/client/versions", synapse.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(synapse);
            }
            if let Some(status) = synapse.child.try_wait()? {
                anyhow::bail!(
                    "synapse exited with {status} before it answered; see {}",
                    log_path.display()
                );
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "synapse did not answer; see {}",
                log_path.display()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Starts Synapse as [`Synapse::start`] does, on another port if the
    /// first was taken.
    pub async fn start_with_retries(
        script: &Path,
        data_dir: &Path,
        postgres: Option<&str>,
    ) -> anyhow::Result<Synapse> {
        // The port is picked free, then handed to Synapse: another socket may
        // take it in between, so a failed start is tried again on a new port.
        let mut attempt = 1;
        loop {
            match Synapse::start(script, data_dir, postgres).await {
                Ok(synapse) => return Ok(synapse),
                Err(error) if attempt < 3 => {
                    eprintln!("synapse: start failed ({error}); trying again");
                    attempt += 1;
                }
                Err(error) => return Err(error),
            }
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Synapse's process (the script execs it).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Stops Synapse (SIGTERM, then SIGKILL) and removes its data directory.
    pub async fn stop(mut self) {
        signal_group(self.pgid, "-TERM");
        if tokio::time::timeout(Duration::from_secs(10), self.child.wait())
            .await
            .is_err()
        {
            signal_group(self.pgid, "-KILL");
            let _ = self.child.wait().await;
        }
        self.pgid = None;
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }

    pub async fn version(&self, token: &str) -> anyhow::Result<String> {
        let body = self
            .call(
                reqwest::Method::GET,
                "/_synapse/admin/v1/server_version",
                token,
                None,
            )
            .await?;
        let full = body["server_version"].as_str().unwrap_or("unknown");
        // Synapse appends the git branch and commit of whatever repository
        // its files sit in (here: ours, since the venv is under target/).
        Ok(full.split(" (").next().unwrap_or(full).to_string())
    }

    /// Creates a user through the shared-secret registration API.
    pub async fn register(&self, username: &str, admin: bool) -> anyhow::Result<User> {
        let url = format!("{}/_synapse/admin/v1/register", self.base);
        let nonce: Value = self.http.get(&url).send().await?.json().await?;
        let nonce = nonce["nonce"].as_str().context("no nonce")?;
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(SHARED_SECRET.as_bytes())?;
        mac.update(nonce.as_bytes());
        mac.update(b"\0");
        mac.update(username.as_bytes());
        mac.update(b"\0");
        mac.update(PASSWORD.as_bytes());
        mac.update(b"\0");
        mac.update(if admin { b"admin" } else { b"notadmin" });
        let mac = hex::encode(mac.finalize().into_bytes());
        let response = self
            .http
            .post(&url)
            .json(&json!({ "nonce": nonce, "username": username, "password": PASSWORD, "admin": admin, "mac": mac }))
            .send()
            .await?;
        let status = response.status();
        let body: Value = response.json().await?;
        anyhow::ensure!(
            status.is_success(),
            "registering {username}: {status} {body}"
        );
        Ok(User {
            token: body["access_token"]
                .as_str()
                .context("no access token")?
                .to_string(),
        })
    }

    async fn register_many(&self, prefix: &str, n: usize) -> anyhow::Result<Vec<User>> {
        futures_util::stream::iter(0..n)
            .map(|i| async move { self.register(&format!("{prefix}{i}"), false).await })
            .buffered(SETUP_CONCURRENCY)
            .try_collect()
            .await
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status();
        let body: Value = response.json().await?;
        anyhow::ensure!(status.is_success(), "{method} {path}: {status} {body}");
        Ok(body)
    }

    pub async fn create_room(&self, owner: &User, name: String) -> anyhow::Result<String> {
        let room = self
            .call(
                reqwest::Method::POST,
                "/_matrix/client/v3/createRoom",
                &owner.token,
                Some(json!({ "preset": "public_chat", "name": name })),
            )
            .await?;
        Ok(room["room_id"].as_str().context("no room_id")?.to_string())
    }

    async fn join(&self, user: &User, room: &str) -> anyhow::Result<()> {
        self.call(
            reqwest::Method::POST,
            &format!("/_matrix/client/v3/rooms/{}/join", encode(room)),
            &user.token,
            Some(json!({})),
        )
        .await?;
        Ok(())
    }
}

impl Drop for Synapse {
    fn drop(&mut self) {
        signal_group(self.pgid.take(), "-KILL");
    }
}

/// Signals the process group the script (and so Synapse, which it execs,
/// and pip, while it installs) runs in.
fn signal_group(pgid: Option<u32>, signal: &str) {
    if let Some(pgid) = pgid {
        let _ = std::process::Command::new("kill")
            .args([signal, "--", &format!("-{pgid}")])
            .stderr(Stdio::null())
            .status();
    }
}

pub struct User {
    pub token: String,
}

/// Percent-encodes a room id for a path segment.
pub fn encode(id: &str) -> String {
    id.replace('!', "%21")
        .replace(':', "%3A")
        .replace('#', "%23")
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

pub async fn run(options: &Options) -> anyhow::Result<PeerResults> {
    // Synapse runs in a process group of its own, out of reach of the
    // terminal's Ctrl-C: on SIGINT or SIGTERM the run is dropped, and with it
    // the [`Synapse`] value, which kills the group.
    tokio::select! {
        result = start_and_measure(options) => result,
        () = interrupted() => anyhow::bail!("interrupted; Synapse stopped"),
    }
}

async fn interrupted() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

async fn start_and_measure(options: &Options) -> anyhow::Result<PeerResults> {
    eprintln!("synapse: starting");
    let synapse = Synapse::start_with_retries(&options.script, &options.data_dir, None).await?;
    let result = measure(&synapse, options).await;
    synapse.stop().await;
    result
}

async fn measure(synapse: &Synapse, options: &Options) -> anyhow::Result<PeerResults> {
    let admin = synapse.register("bench-admin", true).await?;
    let version = synapse.version(&admin.token).await?;
    eprintln!("synapse: version {version}");
    let throughput = throughput(synapse, options).await?;
    let delivery = delivery(synapse, options).await?;
    Ok(PeerResults {
        version,
        throughput,
        delivery,
    })
}

async fn throughput(synapse: &Synapse, options: &Options) -> anyhow::Result<Throughput> {
    let senders_n = options.senders.max(1);
    let rooms_n = options.rooms.clamp(1, senders_n);
    eprintln!("synapse: throughput: registering {senders_n} senders, creating {rooms_n} rooms");
    let senders = synapse.register_many("sender", senders_n).await?;
    let rooms: Vec<String> = futures_util::stream::iter(0..rooms_n)
        .map(|i| synapse.create_room(&senders[i], format!("Throughput {i}")))
        .buffered(SETUP_CONCURRENCY)
        .try_collect()
        .await?;
    futures_util::stream::iter(rooms_n..senders_n)
        .map(|i| synapse.join(&senders[i], &rooms[i % rooms_n]))
        .buffer_unordered(SETUP_CONCURRENCY)
        .try_collect::<()>()
        .await?;

    eprintln!(
        "synapse: throughput: {senders_n} senders sending for {} s",
        options.seconds
    );
    let start = Instant::now();
    let deadline = start + Duration::from_secs(options.seconds);
    let mut tasks = Vec::with_capacity(senders_n);
    for (i, sender) in senders.into_iter().enumerate() {
        let http = synapse.http.clone();
        let url = format!(
            "{}/_matrix/client/v3/rooms/{}/send/m.room.message/",
            synapse.base,
            encode(&rooms[i % rooms_n])
        );
        tasks.push(tokio::spawn(async move {
            let mut latency_us = Histogram::<u64>::new(3)?;
            let (mut acked, mut errors) = (0u64, 0u64);
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let sent = Instant::now();
                let response = http
                    .put(format!("{url}t{i}-{n}"))
                    .bearer_auth(&sender.token)
                    .json(&json!({ "msgtype": "m.text", "body": format!("bench {i} {n}") }))
                    .send()
                    .await;
                let ok = match response {
                    Ok(response) => {
                        let status = response.status();
                        response.bytes().await.is_ok() && status.is_success()
                    }
                    Err(_) => false,
                };
                if ok {
                    acked += 1;
                    latency_us.record(sent.elapsed().as_micros() as u64)?;
                } else {
                    errors += 1;
                }
            }
            anyhow::Ok((acked, errors, latency_us))
        }));
    }
    let mut latency_us = Histogram::<u64>::new(3)?;
    let (mut acked, mut errors) = (0, 0);
    for task in tasks {
        let (a, e, h) = task.await??;
        acked += a;
        errors += e;
        latency_us.add(h)?;
    }
    let seconds = start.elapsed().as_secs_f64();
    Ok(Throughput {
        senders: senders_n,
        rooms: rooms_n,
        seconds,
        acked,
        errors,
        msgs_per_s: acked as f64 / seconds,
        latency_us,
    })
}

async fn delivery(synapse: &Synapse, options: &Options) -> anyhow::Result<Delivery> {
    let receivers_n = options.receivers.max(1);
    eprintln!("synapse: delivery: registering {receivers_n} receivers, joining them to one room");
    let sender = synapse.register("fanout-sender", false).await?;
    let room = synapse.create_room(&sender, "Fan-out".into()).await?;
    let receivers = synapse.register_many("receiver", receivers_n).await?;
    futures_util::stream::iter(&receivers)
        .map(|user| synapse.join(user, &room))
        .buffer_unordered(SETUP_CONCURRENCY)
        .try_collect::<()>()
        .await?;

    let filter = json!({
        "presence": { "types": [] },
        "account_data": { "types": [] },
        "room": {
            "rooms": [room],
            "state": { "types": [], "lazy_load_members": true },
            "ephemeral": { "types": [] },
            "account_data": { "types": [] },
            "timeline": { "limit": 100, "types": ["m.room.message"] },
        },
    })
    .to_string();

    eprintln!("synapse: delivery: {receivers_n} receivers long-polling /sync");
    let received: Arc<Mutex<Vec<(u64, Instant)>>> = Arc::default();
    let sync_url = format!("{}/_matrix/client/v3/sync", synapse.base);
    // Each receiver's first /sync (no `since`) sets its starting point; they
    // are taken before any message is sent, a few at a time.
    let since: Vec<String> = futures_util::stream::iter(&receivers)
        .map(|user| {
            let request = synapse
                .http
                .get(&sync_url)
                .bearer_auth(&user.token)
                .query(&[("filter", filter.as_str()), ("timeout", "0")]);
            async move {
                let body: Value = request.send().await?.error_for_status()?.json().await?;
                anyhow::Ok(
                    body["next_batch"]
                        .as_str()
                        .context("no next_batch")?
                        .to_string(),
                )
            }
        })
        .buffered(SETUP_CONCURRENCY)
        .try_collect()
        .await?;
    let mut readers = Vec::with_capacity(receivers_n);
    for (user, mut since) in receivers.into_iter().zip(since) {
        let http = synapse.http.clone();
        let (sync_url, filter, room, received) = (
            sync_url.clone(),
            filter.clone(),
            room.clone(),
            received.clone(),
        );
        readers.push(tokio::spawn(async move {
            loop {
                let Ok(response) = http
                    .get(&sync_url)
                    .bearer_auth(&user.token)
                    .query(&[
                        ("filter", filter.as_str()),
                        ("timeout", "30000"),
                        ("since", since.as_str()),
                    ])
                    .send()
                    .await
                else {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                };
                let Ok(bytes) = response.bytes().await else {
                    continue;
                };
                let now = Instant::now();
                let Ok(body) = serde_json::from_slice::<Value>(&bytes) else {
                    continue;
                };
                if let Some(next) = body["next_batch"].as_str() {
                    since = next.to_string();
                }
                let timeline = &body["rooms"]["join"][room.as_str()]["timeline"]["events"];
                let mut received = received.lock().unwrap();
                for event in timeline.as_array().into_iter().flatten() {
                    if let Some(seq) = event["content"]["parlor_bench_seq"].as_u64() {
                        received.push((seq, now));
                    }
                }
            }
        }));
    }
    // Let every receiver's long poll reach Synapse before the first send.
    tokio::time::sleep(Duration::from_secs(2)).await;

    eprintln!(
        "synapse: delivery: sending {} messages at {}/s",
        options.messages, options.rate
    );
    let url = format!(
        "{}/_matrix/client/v3/rooms/{}/send/m.room.message/",
        synapse.base,
        encode(&room)
    );
    let mut sent_at: HashMap<u64, Instant> = HashMap::new();
    let sending = Instant::now();
    let cap = sending + Duration::from_secs(options.send_cap_seconds);
    let mut tick = tokio::time::interval(Duration::from_secs_f64(
        1.0 / f64::from(options.rate.max(1)),
    ));
    for seq in 0..options.messages as u64 {
        tick.tick().await;
        let start = Instant::now();
        if start > cap {
            eprintln!("synapse: delivery: send cap reached after {seq} messages");
            break;
        }
        sent_at.insert(seq, start);
        let body = json!({
            "msgtype": "m.text",
            "body": format!("bench {seq}"),
            "parlor_bench_seq": seq,
            "parlor_bench_sent_at_ms": unix_ms(),
        });
        let response = synapse
            .http
            .put(format!("{url}f{seq}"))
            .bearer_auth(&sender.token)
            .json(&body)
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        anyhow::ensure!(status.is_success(), "sending {seq}: {status} {text}");
    }
    let send_seconds = sending.elapsed().as_secs_f64();
    let sent = sent_at.len();
    let expected = (sent * receivers_n) as u64;
    let deadline = Instant::now() + Duration::from_secs(30);
    while (received.lock().unwrap().len() as u64) < expected && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for reader in readers {
        reader.abort();
    }

    let received = received.lock().unwrap();
    let mut latency_us = Histogram::<u64>::new(3)?;
    let mut counts: HashMap<u64, u64> = HashMap::new();
    for (seq, at) in received.iter() {
        if let Some(start) = sent_at.get(seq) {
            latency_us.record(at.duration_since(*start).as_micros() as u64)?;
        }
        *counts.entry(*seq).or_default() += 1;
    }
    let per_message = receivers_n as u64;
    let lost = sent_at
        .keys()
        .map(|seq| per_message.saturating_sub(*counts.get(seq).unwrap_or(&0)))
        .sum();
    let duplicated = counts.values().map(|n| n.saturating_sub(per_message)).sum();
    Ok(Delivery {
        receivers: receivers_n,
        messages: options.messages,
        sent,
        rate: options.rate,
        send_seconds,
        deliveries: received.len() as u64,
        lost,
        duplicated,
        latency_us,
    })
}
