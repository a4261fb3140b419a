//! Sends measured by a load generator neither server was written against:
//! `wrk`, the same binary and the same settings against Parlor and against
//! Synapse, one after the other on the same machine.
//!
//! Why: this harness's own senders (send.rs, synapse.rs) are a Rust client
//! written alongside Parlor, and the ratio to Synapse they gave (112×) was
//! not what a plain HTTP load generator saw (45×). wrk keeps 16 connections
//! busy for 10 s; a Lua script, written to a temporary file for each run,
//! numbers every message and spreads them round-robin over a set of
//! channels (Parlor) or rooms (Synapse), and counts the answers: a send is
//! acknowledged only on a 2xx, and any other answer fails the run.
//!
//! * Parlor on SQLite and on PostgreSQL, each a fresh workspace:
//!   `POST /v1/messages` with the harness's API key.
//! * Synapse set up as its documentation recommends for real use: on a
//!   fresh PostgreSQL database (its docs call SQLite fit for testing only),
//!   with the cache factor its admin FAQ suggests
//!   (`scripts/synapse-bench-server`): `PUT
//!   /_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}` with a
//!   transaction id unique to each request, as one user who created the
//!   rooms.
//!
//! For every run: acknowledged sends per second, latency p50 and p99 from
//! wrk's `--latency` distribution, and what a send costs the server: its
//! process's CPU time (all threads, user and system, from /proc) over the
//! run, divided by the sends acknowledged. On PostgreSQL the database's
//! backends do part of the work in processes of their own; their CPU is
//! given apart. Afterwards the messages stored are counted, so that
//! "acknowledged" is checked to mean durable.

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;

use anyhow::Context;
use futures_util::{StreamExt, TryStreamExt};
use serde_json::json;
use sqlx::Connection;
use tokio::process::Command;

use crate::server::Prepared;
use crate::synapse::Synapse;

/// The command-line flags of the wrk runs, flattened into parlor-bench's.
#[derive(Debug, Clone, clap::Args)]
pub struct WrkArgs {
    /// wrk's threads (`-t`).
    #[arg(long, default_value_t = 2)]
    pub wrk_threads: usize,
    /// wrk's open connections (`-c`), shared among its threads.
    #[arg(long, default_value_t = 16)]
    pub wrk_connections: usize,
    /// Seconds wrk sends for (`-d`), on each server.
    #[arg(long, default_value_t = 10)]
    pub wrk_seconds: u64,
    /// Channels (Parlor) and rooms (Synapse) the sends are spread over.
    #[arg(long, default_value_t = 50)]
    pub wrk_channels: usize,
}

impl WrkArgs {
    pub fn shape(&self) -> Shape {
        Shape {
            threads: self.wrk_threads.max(1),
            connections: self.wrk_connections.max(self.wrk_threads).max(1),
            seconds: self.wrk_seconds.max(1),
            channels: self.wrk_channels.max(1),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub threads: usize,
    pub connections: usize,
    pub seconds: u64,
    pub channels: usize,
}

/// The requests a wrk run sends: one target (a path and a body) per channel,
/// taken in turn; `{n}` in either stands for a tag unique to the request
/// (wrk's thread, then the thread's count).
#[derive(Debug, Clone)]
pub struct Script {
    pub method: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub targets: Vec<(String, String)>,
}

impl Script {
    pub fn parlor(api_key: &str, channels: &[String]) -> Script {
        Script {
            method: "POST",
            headers: vec![
                ("Content-Type", "application/json".into()),
                ("X-API-Key", api_key.into()),
            ],
            targets: channels
                .iter()
                .map(|channel| {
                    let body = json!({ "channelId": channel, "text": "wrk {n}" });
                    ("/v1/messages".to_string(), body.to_string())
                })
                .collect(),
        }
    }

    pub fn synapse(token: &str, rooms: &[String]) -> Script {
        Script {
            method: "PUT",
            headers: vec![
                ("Content-Type", "application/json".into()),
                ("Authorization", format!("Bearer {token}")),
            ],
            targets: rooms
                .iter()
                .map(|room| {
                    let path = format!(
                        "/_matrix/client/v3/rooms/{}/send/m.room.message/wrk{{n}}",
                        crate::synapse::encode(room)
                    );
                    let body = json!({ "msgtype": "m.text", "body": "wrk {n}" });
                    (path, body.to_string())
                })
                .collect(),
        }
    }

    /// The Lua script for `wrk -s`. Each wrk thread runs it in a Lua state
    /// of its own, so the counters are per thread; `setup` (in the main
    /// state) gives each thread its number and keeps it, so that `done` can
    /// add up what the threads counted and print it on one line that
    /// [`Output::parse`] reads.
    pub fn lua(&self) -> String {
        let mut lua = String::from("-- Written by parlor-bench (bench/src/wrk.rs) for one run.\n");
        lua.push_str(&format!("wrk.method = {}\n", lua_string(self.method)));
        for (name, value) in &self.headers {
            lua.push_str(&format!(
                "wrk.headers[{}] = {}\n",
                lua_string(name),
                lua_string(value)
            ));
        }
        lua.push_str("local targets = {\n");
        for (path, body) in &self.targets {
            lua.push_str(&format!(
                "  {{ {}, {} }},\n",
                lua_string(path),
                lua_string(body)
            ));
        }
        lua.push_str(
            r#"}

local threads = {}
function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

thread_id = 0
sent, ok, failed = 0, 0, 0
first_failure = nil

function request()
  sent = sent + 1
  -- Threads start at different targets, so that all of them are busy at once.
  local target = targets[(sent + thread_id * 7) % #targets + 1]
  local tag = thread_id .. "-" .. sent
  return wrk.format(nil, (target[1]:gsub("{n}", tag)), nil, (target[2]:gsub("{n}", tag)))
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    failed = failed + 1
    if first_failure == nil then
      first_failure = status .. " " .. string.sub(body or "", 1, 200):gsub("%s+", " ")
    end
  end
end

function done(summary, latency, requests)
  local ok, failed, first = 0, 0, nil
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("ok")
    failed = failed + thread:get("failed")
    first = first or thread:get("first_failure")
  end
  local e = summary.errors
  io.write(string.format("parlor-bench: ok=%d failed=%d socket_errors=%d duration_us=%d first_failure=%s\n",
    ok, failed, e.connect + e.read + e.write + e.timeout, summary.duration, first or ""))
end
"#,
        );
        lua
    }
}

/// A Lua string literal of `text`.
fn lua_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            c if c.is_ascii_control() => quoted.push_str(&format!("\\{:03}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

/// What one wrk run printed: its latency distribution and the script's
/// counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// Answered 2xx.
    pub ok: u64,
    /// Answered anything else.
    pub failed: u64,
    /// The first of those, its status and the start of its body.
    pub first_failure: Option<String>,
    /// Connect, read and write errors and timeouts.
    pub socket_errors: u64,
    pub seconds: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl Output {
    pub fn parse(text: &str) -> anyhow::Result<Output> {
        let percentile = |label: &str| -> anyhow::Result<f64> {
            let value = text
                .lines()
                .map(str::trim)
                .find_map(|line| line.strip_prefix(label))
                .with_context(|| {
                    format!("no {label} latency in wrk's output (run with --latency)")
                })?;
            duration_ms(value.trim())
        };
        let counts = text
            .lines()
            .find_map(|line| line.strip_prefix("parlor-bench: "))
            .context("the script's counts are missing from wrk's output")?;
        let (fields, first_failure) = counts
            .split_once(" first_failure=")
            .context("no first_failure in the script's counts")?;
        let fields: HashMap<&str, u64> = fields
            .split_whitespace()
            .filter_map(|field| {
                let (name, value) = field.split_once('=')?;
                Some((name, value.parse().ok()?))
            })
            .collect();
        let field = |name: &str| {
            fields
                .get(name)
                .copied()
                .with_context(|| format!("no {name} in the script's counts"))
        };
        Ok(Output {
            ok: field("ok")?,
            failed: field("failed")?,
            first_failure: Some(first_failure.trim())
                .filter(|f| !f.is_empty())
                .map(str::to_string),
            socket_errors: field("socket_errors")?,
            seconds: field("duration_us")? as f64 / 1e6,
            p50_ms: percentile("50%")?,
            p99_ms: percentile("99%")?,
        })
    }
}

/// A duration as wrk prints it (`812.00us`, `1.23ms`, `2.01s`, `1.00m`),
/// in milliseconds.
fn duration_ms(text: &str) -> anyhow::Result<f64> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .with_context(|| format!("no unit in wrk's duration {text:?}"))?;
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .with_context(|| format!("wrk's duration {text:?}"))?;
    let ms_per_unit = match unit {
        "us" => 0.001,
        "ms" => 1.0,
        "s" => 1_000.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        _ => anyhow::bail!("unknown unit in wrk's duration {text:?}"),
    };
    Ok(number * ms_per_unit)
}

/// One server measured by one wrk run.
pub struct Run {
    /// `Parlor`, or `Synapse <version>`.
    pub server: String,
    pub backend: String,
    pub output: Output,
    /// The server process's CPU time over the run.
    pub cpu_seconds: f64,
    /// Its PostgreSQL backends' CPU time over the run (PostgreSQL only).
    pub database_cpu_seconds: Option<f64>,
    /// Messages in the database afterwards that were not there before.
    pub stored: u64,
}

impl Run {
    pub fn is_parlor(&self) -> bool {
        self.server == "Parlor"
    }

    pub fn per_second(&self) -> f64 {
        self.output.ok as f64 / self.output.seconds.max(f64::EPSILON)
    }

    pub fn cpu_us_per_send(&self) -> f64 {
        self.cpu_seconds * 1e6 / self.output.ok.max(1) as f64
    }

    pub fn database_cpu_us_per_send(&self) -> Option<f64> {
        self.database_cpu_seconds
            .map(|seconds| seconds * 1e6 / self.output.ok.max(1) as f64)
    }

    fn to_json(&self) -> serde_json::Value {
        let o = &self.output;
        json!({
            "server": self.server, "backend": self.backend,
            "acknowledged": o.ok, "failed": o.failed, "first_failure": o.first_failure,
            "socket_errors": o.socket_errors, "stored": self.stored, "seconds": o.seconds,
            "messages_per_second": self.per_second(),
            "p50_ms": o.p50_ms, "p99_ms": o.p99_ms,
            "server_cpu_us_per_send": self.cpu_us_per_send(),
            "database_cpu_us_per_send": self.database_cpu_us_per_send(),
        })
    }
}

/// Every wrk run of one benchmark run.
pub struct Wrk {
    pub shape: Shape,
    pub runs: Vec<Run>,
}

impl Wrk {
    pub fn parlor(&self, backend: &str) -> Option<&Run> {
        self.runs
            .iter()
            .find(|r| r.is_parlor() && r.backend == backend)
    }

    pub fn peer(&self) -> Option<&Run> {
        self.runs.iter().find(|r| !r.is_parlor())
    }

    /// Parlor's sends per second on `backend` ÷ the peer's.
    pub fn ratio(&self, backend: &str) -> Option<f64> {
        let peer = self.peer()?.per_second();
        Some(self.parlor(backend)?.per_second() / peer).filter(|_| peer > 0.0)
    }

    pub fn title(&self) -> String {
        format!(
            "Sends with wrk ({} connections, {} s)",
            self.shape.connections, self.shape.seconds
        )
    }

    pub const TABLE_HEADER: [&'static str; 2] = [
        "| server | acknowledged | stored | msg/s | p50 ms | p99 ms | server CPU µs per send | database CPU µs per send | Parlor / Synapse |",
        "|---|---|---|---|---|---|---|---|---|",
    ];

    pub fn table_rows(&self) -> Vec<String> {
        self.runs
            .iter()
            .map(|r| {
                let ratio = r
                    .is_parlor()
                    .then(|| self.ratio(&r.backend))
                    .flatten()
                    .map_or("–".into(), |ratio| format!("{ratio:.1}×"));
                format!(
                    "| {}, {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.1} | {} | {ratio} |",
                    r.server,
                    r.backend,
                    r.output.ok,
                    r.stored,
                    r.per_second(),
                    r.output.p50_ms,
                    r.output.p99_ms,
                    r.cpu_us_per_send(),
                    r.database_cpu_us_per_send()
                        .map_or("–".into(), |us| format!("{us:.1}")),
                )
            })
            .collect()
    }

    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "threads": self.shape.threads, "connections": self.shape.connections,
            "seconds": self.shape.seconds, "channels": self.shape.channels,
            "runs": self.runs.iter().map(Run::to_json).collect::<Vec<_>>(),
            "ratios_parlor_over_peer": {
                "sqlite": self.ratio("SQLite"), "postgres": self.ratio("PostgreSQL"),
            },
        })
    }
}

/// Parlor on SQLite, then on PostgreSQL (with `postgres_url`), then the peer
/// (Synapse on PostgreSQL, with `peer_script` and `postgres_url`), one at a
/// time; each run is added to `wrk` as it ends, so a failure keeps the
/// runs before it.
pub async fn run(
    parlor: &Path,
    postgres_url: Option<&str>,
    peer_script: Option<&Path>,
    wrk: &mut Wrk,
) -> anyhow::Result<()> {
    let shape = wrk.shape;
    check_installed().await?;
    let run = parlor_run(parlor, None, &shape).await?;
    check(&mut wrk.runs, run)?;
    if let Some(url) = postgres_url {
        let database = crate::postgres::Database::create(url).await?;
        let run = parlor_run(parlor, Some(&database.url), &shape).await;
        database.drop_it().await?;
        check(&mut wrk.runs, run?)?;
    }
    match (peer_script, postgres_url) {
        (Some(script), Some(url)) => {
            let database = crate::postgres::Database::create_for_synapse(url).await?;
            let run = synapse_run(script, &database.url, &shape).await;
            database.drop_it().await?;
            check(&mut wrk.runs, run?)?;
        }
        (Some(_), None) => {
            eprintln!("wrk: no --postgres-url, so no Synapse run (its docs recommend PostgreSQL)");
        }
        (None, _) => {}
    }
    Ok(())
}

async fn check_installed() -> anyhow::Result<()> {
    let found = Command::new("wrk")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .await
        .is_ok();
    anyhow::ensure!(
        found,
        "wrk is not installed (`apt-get install wrk`; `make bench` installs it)"
    );
    Ok(())
}

/// Keeps the run, then fails if a send was not acknowledged or an
/// acknowledged one was not stored.
fn check(runs: &mut Vec<Run>, run: Run) -> anyhow::Result<()> {
    let name = format!("{} on {}", run.server, run.backend);
    let o = run.output.clone();
    let stored = run.stored;
    runs.push(run);
    anyhow::ensure!(
        o.failed == 0,
        "wrk against {name}: {} sends not acknowledged, the first: {}",
        o.failed,
        o.first_failure.unwrap_or_default()
    );
    anyhow::ensure!(
        o.socket_errors == 0,
        "wrk against {name}: {} socket errors",
        o.socket_errors
    );
    anyhow::ensure!(o.ok > 0, "wrk against {name}: no send acknowledged");
    anyhow::ensure!(
        stored >= o.ok,
        "wrk against {name}: {} sends acknowledged, {stored} stored",
        o.ok
    );
    Ok(())
}

async fn parlor_run(
    parlor: &Path,
    database_url: Option<&str>,
    shape: &Shape,
) -> anyhow::Result<Run> {
    let backend = if database_url.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let prepared = Prepared::init(parlor, database_url)?;
    let database = prepared.database_url();
    let server = prepared.serve().await?;
    let outcome = async {
        eprintln!(
            "wrk (Parlor, {backend}): making {} channels",
            shape.channels
        );
        let channels = crate::send::channels(&server, shape.channels).await?;
        let script = Script::parlor(&server.api_key, &channels);
        let pid = server.pid().context("the server is not running")?;
        let count = "SELECT count(*) FROM messages";
        let before = count_rows(&database, count).await?;
        eprintln!("wrk (Parlor, {backend}): sending");
        let measured = measure(shape, &server.base, &script, pid, database_url).await?;
        let stored = count_rows(&database, count).await? - before;
        anyhow::Ok(Run {
            server: "Parlor".into(),
            backend: backend.into(),
            output: measured.output,
            cpu_seconds: measured.cpu_seconds,
            database_cpu_seconds: measured.database_cpu_seconds,
            stored,
        })
    }
    .await;
    server.stop().await;
    outcome
}

async fn synapse_run(script: &Path, database_url: &str, shape: &Shape) -> anyhow::Result<Run> {
    eprintln!("wrk (Synapse, PostgreSQL): starting Synapse");
    let data_dir = Path::new("target/synapse-bench-wrk");
    let synapse = Synapse::start_with_retries(script, data_dir, Some(database_url)).await?;
    let outcome = async {
        let admin = synapse.register("bench-admin", true).await?;
        let version = synapse.version(&admin.token).await?;
        let sender = synapse.register("wrk-sender", false).await?;
        eprintln!(
            "wrk (Synapse {version}, PostgreSQL): creating {} rooms",
            shape.channels
        );
        let rooms: Vec<String> = futures_util::stream::iter(0..shape.channels)
            .map(|i| synapse.create_room(&sender, format!("wrk {i}")))
            .buffered(crate::synapse::SETUP_CONCURRENCY)
            .try_collect()
            .await?;
        let script = Script::synapse(&sender.token, &rooms);
        let pid = synapse.pid().context("Synapse is not running")?;
        let count = "SELECT count(*) FROM events WHERE type = 'm.room.message'";
        let before = count_rows(database_url, count).await?;
        eprintln!("wrk (Synapse {version}, PostgreSQL): sending");
        let measured = measure(shape, synapse.base(), &script, pid, Some(database_url)).await?;
        let stored = count_rows(database_url, count).await? - before;
        anyhow::Ok(Run {
            server: format!("Synapse {version}"),
            backend: "PostgreSQL".into(),
            output: measured.output,
            cpu_seconds: measured.cpu_seconds,
            database_cpu_seconds: measured.database_cpu_seconds,
            stored,
        })
    }
    .await;
    synapse.stop().await;
    outcome
}

struct Measured {
    output: Output,
    cpu_seconds: f64,
    database_cpu_seconds: Option<f64>,
}

/// One wrk run against the server at `base` (process `pid`, with its
/// PostgreSQL database at `database_url` if it has one).
async fn measure(
    shape: &Shape,
    base: &str,
    script: &Script,
    pid: u32,
    database_url: Option<&str>,
) -> anyhow::Result<Measured> {
    let file = tempfile::Builder::new()
        .prefix("parlor-bench-")
        .suffix(".lua")
        .tempfile()?;
    std::fs::write(file.path(), script.lua())?;
    settle(pid).await?;
    let backends_before = match database_url {
        Some(url) => Some(crate::postgres::backend_cpu_seconds(url).await?),
        None => None,
    };
    let cpu_before = crate::server::cpu_seconds(pid)?;
    let output = Command::new("wrk")
        .arg(format!("-t{}", shape.threads))
        .arg(format!("-c{}", shape.connections))
        .arg(format!("-d{}s", shape.seconds))
        .arg("--latency")
        .arg("-s")
        .arg(file.path())
        .arg(format!("{base}/"))
        .stdin(Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .context("running wrk")?;
    let cpu_seconds = crate::server::cpu_seconds(pid)? - cpu_before;
    let database_cpu_seconds = match (database_url, backends_before) {
        (Some(url), Some(before)) => {
            let after = crate::postgres::backend_cpu_seconds(url).await?;
            // A backend that started during the run counts from zero; one
            // that ended during it is lost (the servers' pools keep theirs).
            Some(
                after
                    .iter()
                    .map(|(pid, cpu)| cpu - before.get(pid).copied().unwrap_or(0.0))
                    .sum(),
            )
        }
        _ => None,
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    eprint!("{stdout}");
    anyhow::ensure!(
        output.status.success(),
        "wrk failed ({}): {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(Measured {
        output: Output::parse(&stdout)?,
        cpu_seconds,
        database_cpu_seconds,
    })
}

/// Waits (up to 30 s) until process `pid` is nearly idle, so that work
/// left over from setting up (Synapse updates its statistics and user
/// directory after rooms are made) is not charged to the sends.
async fn settle(pid: u32) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    while started.elapsed() < std::time::Duration::from_secs(30) {
        let before = crate::server::cpu_seconds(pid)?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        if crate::server::cpu_seconds(pid)? - before < 0.025 {
            break;
        }
    }
    eprintln!(
        "wrk: the server settled in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The single count `sql` returns, from the database at `url`.
async fn count_rows(url: &str, sql: &str) -> anyhow::Result<u64> {
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await?;
    let count: i64 = sqlx::query_scalar(sql).fetch_one(&mut conn).await?;
    conn.close().await?;
    Ok(count.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// wrk 4.1.0's output against Synapse in a real run (`--wrk-only`, on
    /// two busy cores), the script's counts last.
    const SYNAPSE_OUTPUT: &str = "Running 10s test @ http://127.0.0.1:46509/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   540.56ms  176.72ms   1.87s    82.21%
    Req/Sec    15.33      7.05    40.00     86.34%
  Latency Distribution
     50%  525.76ms
     75%  580.38ms
     90%  719.88ms
     99%    1.31s \n  294 requests in 10.05s, 151.02KB read
Requests/sec:     29.27
Transfer/sec:     15.03KB
parlor-bench: ok=294 failed=0 socket_errors=0 duration_us=10045792 first_failure=
";

    #[test]
    fn wrk_output_gives_the_acknowledged_sends_and_the_latency_distribution() {
        let output = Output::parse(SYNAPSE_OUTPUT).unwrap();
        assert_eq!(
            output,
            Output {
                ok: 294,
                failed: 0,
                first_failure: None,
                socket_errors: 0,
                seconds: 10.045792,
                p50_ms: 525.76,
                p99_ms: 1310.0,
            }
        );
    }

    #[test]
    fn wrk_output_keeps_the_first_failure_and_needs_the_scripts_counts() {
        let failing = SYNAPSE_OUTPUT.replace(
            "failed=0 socket_errors=0 duration_us=10045792 first_failure=",
            "failed=3 socket_errors=1 duration_us=10045792 first_failure=500 {\"errcode\": \"M_UNKNOWN\"}",
        );
        let output = Output::parse(&failing).unwrap();
        assert_eq!((output.failed, output.socket_errors), (3, 1));
        assert_eq!(
            output.first_failure.as_deref(),
            Some("500 {\"errcode\": \"M_UNKNOWN\"}")
        );
        let without_script = SYNAPSE_OUTPUT
            .lines()
            .filter(|line| !line.starts_with("parlor-bench:"))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            Output::parse(&without_script).is_err(),
            "wrk run without the script cannot tell 2xx from other answers"
        );
        let without_latency = SYNAPSE_OUTPUT.replace("     99%    1.31s \n", "");
        assert!(
            Output::parse(&without_latency).is_err(),
            "no p99 without --latency"
        );
    }

    #[test]
    fn durations_are_read_in_every_unit_wrk_prints() {
        let cases = [
            ("812.00us", 0.812),
            ("1.23ms", 1.23),
            ("2.01s", 2010.0),
            ("1.50m", 90_000.0),
        ];
        for (text, ms) in cases {
            let got = duration_ms(text).unwrap();
            assert!((got - ms).abs() < 1e-9, "{text}: {got} ms, not {ms}");
        }
        assert!(duration_ms("12").is_err(), "a duration without a unit");
        assert!(duration_ms("12parsecs").is_err(), "an unknown unit");
    }

    #[test]
    fn the_script_numbers_each_send_and_escapes_what_it_quotes() {
        let script = Script::parlor("key\"with\\quote", &["c1".into(), "c2".into()]);
        let lua = script.lua();
        assert!(lua.contains(r#"wrk.method = "POST""#), "{lua}");
        assert!(
            lua.contains(r#"wrk.headers["X-API-Key"] = "key\"with\\quote""#),
            "{lua}"
        );
        assert!(
            lua.contains(r#"{ "/v1/messages", "{\"channelId\":\"c1\",\"text\":\"wrk {n}\"}" },"#),
            "{lua}"
        );
        assert!(
            lua.contains(r#"\"c2\""#),
            "every channel is a target: {lua}"
        );
        assert!(lua.contains("function done("), "{lua}");
    }

    #[test]
    fn the_synapse_script_puts_to_a_fresh_transaction_in_each_room() {
        let script = Script::synapse("tok", &["!abc:bench.localhost".into()]);
        assert_eq!(script.method, "PUT");
        assert_eq!(
            script.targets[0].0,
            "/_matrix/client/v3/rooms/%21abc%3Abench.localhost/send/m.room.message/wrk{n}"
        );
        assert!(script
            .headers
            .contains(&("Authorization", "Bearer tok".to_string())));
    }
}
