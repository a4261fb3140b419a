//! `parlor-bench`: starts release Parlor servers on fresh data directories
//! (and a fresh PostgreSQL database) and measures them: send throughput,
//! fan-out, idle sockets and history, and sends under wrk next to
//! Synapse's. Prints one set of tables and writes them as JSON, Markdown and
//! an SVG chart under `bench/results/`.

mod broker;
mod cluster;
mod delivery;
mod fanout;
mod history;
mod idle;
mod postgres;
mod report;
mod search;
mod seed;
mod send;
mod server;
mod synapse;
mod words;
mod wrk;
mod ws;

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use serde_json::json;

use crate::report::Results;
use crate::server::Prepared;

#[derive(Debug, Parser)]
#[command(about = "Benchmarks for Parlor")]
struct Args {
    /// The `parlor` binary to measure.
    #[arg(long, default_value = "target/release/parlor")]
    parlor: PathBuf,
    /// Small sizes for a smoke test (`make bench-quick`); flags given
    /// explicitly still win.
    #[arg(long)]
    quick: bool,
    /// PostgreSQL server for the send scenario (a fresh database is created
    /// and dropped); leave out to measure SQLite only.
    #[arg(long)]
    postgres_url: Option<String>,
    /// NATS server for the several-node scenario (run with --postgres-url).
    #[arg(long, default_value = "nats://127.0.0.1:4222")]
    nats_url: String,
    /// Seconds of sending per node count in the several-node scenario.
    #[arg(long)]
    cluster_seconds: Option<f64>,
    /// Messages per second for the cross-node delivery latency.
    #[arg(long, default_value_t = 1000)]
    cross_node_rate: u32,
    /// Concurrent senders in the send scenario.
    #[arg(long)]
    senders: Option<usize>,
    /// Channels the senders spread over.
    #[arg(long)]
    send_channels: Option<usize>,
    /// Seconds of sending per backend.
    #[arg(long)]
    send_seconds: Option<f64>,
    /// Clients in the seeded workspace, one fan-out socket each.
    #[arg(long)]
    sockets: Option<usize>,
    /// Messages per second in the stress fan-out scenario.
    #[arg(long)]
    rate: Option<u32>,
    /// Staff sockets (admins, who see every channel) in the client-portal
    /// fan-out scenario, beside one socket per client.
    #[arg(long)]
    staff: Option<usize>,
    /// Messages per second in the client-portal fan-out scenario, one run
    /// each on the same sockets; the first is the headline.
    #[arg(long, value_delimiter = ',')]
    portal_rates: Option<Vec<u32>>,
    /// Only the fan-out scenarios (no sends, idle, history or search).
    #[arg(long)]
    fanout_only: bool,
    /// Seconds of sending in the fan-out scenario.
    #[arg(long)]
    fanout_seconds: Option<f64>,
    /// Idle socket counts to measure memory at, comma-separated.
    #[arg(long, value_delimiter = ',')]
    idle: Option<Vec<usize>>,
    /// Seconds the idle sockets stay open and quiet while the server's CPU
    /// time is measured.
    #[arg(long)]
    idle_cpu_seconds: Option<f64>,
    /// Messages in the seeded workspace.
    #[arg(long)]
    history_messages: Option<usize>,
    /// Pages of history to read back.
    #[arg(long)]
    history_pages: Option<usize>,
    /// Directory for the results (`<name>.json`, `.md`, `.svg`).
    #[arg(long, default_value = "bench/results")]
    out_dir: PathBuf,
    /// File name (without extension) of the results.
    #[arg(long)]
    name: Option<String>,
    /// Only the send scenario: to compare two builds of Parlor
    /// (`--parlor`), also one from before the search index.
    #[arg(long)]
    send_only: bool,
    /// Runs of each send variant (with and without the search index),
    /// taken in turn so that drift in the machine's speed hits both alike.
    #[arg(long)]
    send_repeats: Option<usize>,
    /// What the first-load browser test wrote (`make bench` runs it first:
    /// end2end/tests/first-load.spec.js); reported when the file is there.
    #[arg(long, default_value = "target/first-load.json")]
    first_load: PathBuf,
    /// Only the sends under wrk, Parlor's and the peer's (wrk.rs).
    #[arg(long)]
    wrk_only: bool,
    /// Only the idle sockets (idle.rs), on a workspace without history: to
    /// compare two builds' memory per socket.
    #[arg(long)]
    idle_only: bool,
    /// Sends under wrk, against Parlor and the peer alike; never in a
    /// `--quick` or `--send-only` run.
    #[command(flatten)]
    wrk: wrk::WrkArgs,
    /// The peer for fan-out: nats-server, a broker that does nothing but
    /// fan out, run through the same shapes and loads as Parlor's fan-out
    /// right after it, its subscribers speaking NATS over WebSocket.
    #[arg(long, default_value = "/usr/sbin/nats-server")]
    nats_server: PathBuf,
    /// Leave the nats-server fan-out out.
    #[arg(long)]
    no_broker: bool,
    /// The peer (Synapse), measured after Parlor; never in a `--quick` run.
    #[command(flatten)]
    peer: synapse::PeerArgs,
}

/// The sizes of one run.
struct Sizes {
    senders: usize,
    send_channels: usize,
    send_seconds: f64,
    sockets: usize,
    rate: u32,
    staff: usize,
    portal_rates: Vec<u32>,
    fanout_seconds: f64,
    idle: Vec<usize>,
    idle_cpu_seconds: f64,
    history_messages: usize,
    history_pages: usize,
}

impl Args {
    fn sizes(&self) -> Sizes {
        let q = self.quick;
        Sizes {
            senders: self.senders.unwrap_or(if q { 16 } else { 64 }),
            send_channels: self.send_channels.unwrap_or(if q { 20 } else { 200 }),
            send_seconds: self.send_seconds.unwrap_or(if q { 3.0 } else { 10.0 }),
            sockets: self.sockets.unwrap_or(if q { 400 } else { 10_000 }),
            rate: self.rate.unwrap_or(if q { 200 } else { 2000 }),
            staff: self.staff.unwrap_or(if q { 20 } else { 200 }),
            portal_rates: self.portal_rates.clone().unwrap_or(if q {
                vec![200]
            } else {
                vec![2000, 1000, 4000]
            }),
            fanout_seconds: self.fanout_seconds.unwrap_or(if q { 3.0 } else { 10.0 }),
            idle: self
                .idle
                .clone()
                .unwrap_or(if q { vec![1000] } else { vec![10_000, 50_000] }),
            idle_cpu_seconds: self.idle_cpu_seconds.unwrap_or(if q { 5.0 } else { 60.0 }),
            history_messages: self
                .history_messages
                .unwrap_or(if q { 20_000 } else { 1_000_000 }),
            history_pages: self.history_pages.unwrap_or(if q { 20 } else { 100 }),
        }
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let mut sizes = args.sizes();
    // On Ctrl-C or SIGTERM the run is dropped, and with it every server it
    // started (they are killed on drop) and their data directories.
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let fd_limit = raise_fd_limit(sizes.idle.iter().copied().max().unwrap_or(0) + 2_000)?;
    // This process holds every client socket and the server (which inherits
    // the limit) the other end of each: a level beyond the limit is measured
    // as far as the limit allows, and says so.
    let socket_cap = fd_limit.saturating_sub(1_000) as usize;
    let mut idle_note = None;
    for level in &mut sizes.idle {
        if *level > socket_cap {
            idle_note = Some(format!(
                "{level} sockets asked for; the open-file limit ({fd_limit}, and this \
                 process may not raise its hard limit) allows {socket_cap}"
            ));
            eprintln!("idle: {}", idle_note.as_deref().unwrap_or_default());
            *level = socket_cap;
        }
    }
    sizes.idle.dedup();
    let mut results = Results {
        machine: machine(),
        quick: args.quick,
        send: Vec::new(),
        fanout: Vec::new(),
        idle: None,
        history: None,
        search: Vec::new(),
        cluster: None,
        wrk: None,
        broker: Vec::new(),
        // The peer server (e.g. Synapse) plugs in here.
        peer: None,
        first_load: read_first_load(&args.first_load),
    };
    let outcome = tokio::select! {
        outcome = run_all(&args, &sizes, idle_note, &mut results) => outcome,
        _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
        _ = terminate.recv() => Err(anyhow::anyhow!("terminated")),
    };

    let table = results.table();
    println!("\n{table}");
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| if args.quick { "quick" } else { "latest" }.into());
    std::fs::create_dir_all(&args.out_dir)?;
    let base = args.out_dir.join(&name);
    std::fs::write(
        base.with_extension("json"),
        serde_json::to_string_pretty(&results.to_json())?,
    )?;
    std::fs::write(
        base.with_extension("md"),
        format!(
            "# Parlor benchmark results\n\nMachine: {}\n\n{table}",
            describe(&results.machine)
        ),
    )?;
    std::fs::write(base.with_extension("svg"), results.svg())?;
    println!("written to {}.{{json,md,svg}}", base.display());

    outcome?;
    for s in &results.send {
        anyhow::ensure!(s.errors == 0, "{} sends failed on {}", s.errors, s.backend);
        anyhow::ensure!(s.acknowledged > 0, "no send acknowledged on {}", s.backend);
    }
    for b in &results.broker {
        anyhow::ensure!(
            b.delivered.lost == 0 && b.delivered.duplicated == 0,
            "nats-server fan-out ({} at {}/s): {} deliveries lost, {} duplicated",
            b.shape,
            b.delivered.rate,
            b.delivered.lost,
            b.delivered.duplicated
        );
    }
    if let Some(c) = &results.cluster {
        let x = &c.cross;
        anyhow::ensure!(
            x.lost == 0 && x.duplicated == 0,
            "several nodes: {} deliveries lost, {} duplicated",
            x.lost,
            x.duplicated
        );
    }
    for f in &results.fanout {
        anyhow::ensure!(
            f.delivered.lost == 0 && f.delivered.duplicated == 0 && f.send_errors == 0,
            "fan-out ({} at {}/s): {} deliveries lost, {} duplicated, {} sends failed",
            f.scenario,
            f.delivered.rate,
            f.delivered.lost,
            f.delivered.duplicated,
            f.send_errors
        );
    }
    Ok(())
}

/// Parlor's scenarios, then the sends under wrk (Parlor's, then the
/// peer's), then the peer's own scenarios (the peer unless switched off or
/// quick).
async fn run_all(
    args: &Args,
    sizes: &Sizes,
    idle_note: Option<String>,
    results: &mut Results,
) -> anyhow::Result<()> {
    if args.idle_only {
        return run_idle(args, sizes, idle_note, results).await;
    }
    if !args.wrk_only {
        run(args, sizes, idle_note, results).await?;
    }
    let peer = args.peer.options().filter(|_| !args.quick);
    if args.wrk_only || !(args.quick || args.send_only || args.fanout_only) {
        let wrk = results.wrk.insert(wrk::Wrk {
            shape: args.wrk.shape(),
            runs: Vec::new(),
        });
        let script = peer.as_ref().map(|options| options.script.as_path());
        wrk::run(&args.parlor, args.postgres_url.as_deref(), script, wrk).await?;
    }
    let Some(options) = peer.filter(|_| !(args.wrk_only || args.fanout_only)) else {
        return Ok(());
    };
    let peer = synapse::run(&options).await?;
    results.peer = Some(peer_results(&peer, results));
    Ok(())
}

/// The idle sockets alone, on the layout of the stress scenario.
async fn run_idle(
    args: &Args,
    sizes: &Sizes,
    idle_note: Option<String>,
    results: &mut Results,
) -> anyhow::Result<()> {
    let layout = seed::Layout::plan(sizes.sockets);
    let server = Arc::new(seeded(args, None, &layout, 0).await?);
    let quiet = std::time::Duration::from_secs_f64(sizes.idle_cpu_seconds);
    let outcome = idle::run(&server, &layout, &sizes.idle, quiet).await;
    stop(server).await;
    let mut idle = outcome?;
    idle.note = idle_note;
    results.idle = Some(idle);
    Ok(())
}

/// The peer's figures next to Parlor's: its send throughput against Parlor's
/// on SQLite (both on SQLite), its `/sync` delivery latency against Parlor's
/// fan-out (Parlor's at the far larger load; see docs/performance.md).
fn peer_results(peer: &synapse::PeerResults, parlor: &Results) -> report::PeerResults {
    let sqlite = parlor.send.iter().find(|s| s.backend == "SQLite");
    let fanout = parlor.fanout.iter().find(|f| f.scenario == "portal");
    let figures = synapse::ParlorFigures {
        msgs_per_s: sqlite.map(|s| s.per_second()),
        send_p50_ms: sqlite.map(|s| s.ms(0.5)),
        send_p99_ms: sqlite.map(|s| s.ms(0.99)),
        delivery_p50_ms: fanout.map(|f| f.delivered.ms(0.5)),
        delivery_p99_ms: fanout.map(|f| f.delivered.ms(0.99)),
        delivery_p999_ms: fanout.map(|f| f.delivered.ms(0.999)),
    };
    let mut json = peer.to_json();
    json["ratios_parlor_over_peer"] = peer.ratios(&figures);
    report::PeerResults {
        name: format!("Synapse {}", peer.version),
        headline: report::Headline {
            sqlite_send_per_s: Some(peer.throughput.msgs_per_s),
            fanout_p99_ms: Some(peer.delivery.p99_ms()),
            ..report::Headline::default()
        },
        rows: peer.table_rows(),
        json,
    }
}

async fn run(
    args: &Args,
    sizes: &Sizes,
    idle_note: Option<String>,
    results: &mut Results,
) -> anyhow::Result<()> {
    // 1. Send throughput, SQLite then PostgreSQL, each with the search
    // index and without it (what keeping it costs), in turn.
    let repeats = args.send_repeats.unwrap_or(if args.quick { 1 } else { 3 });
    let databases: Vec<Option<&str>> = std::iter::once(None)
        .chain(args.postgres_url.as_deref().map(Some))
        .filter(|_| !args.fanout_only)
        .collect();
    for database in databases {
        let name = if database.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        };
        let mut variants: [Option<send::Send>; 2] = [None, None];
        for _ in 0..repeats {
            for (indexed, merged) in [true, false].into_iter().zip(&mut variants) {
                let backend = if indexed {
                    name.to_string()
                } else {
                    report::unindexed(name)
                };
                let run = match database {
                    None => send_on(args, sizes, None, backend, indexed).await?,
                    Some(url) => {
                        let fresh = postgres::Database::create(url).await?;
                        let run = send_on(args, sizes, Some(&fresh.url), backend, indexed).await;
                        fresh.drop_it().await?;
                        run?
                    }
                };
                *merged = Some(match merged.take() {
                    None => run,
                    Some(sum) => sum.merge(run)?,
                });
            }
        }
        results.send.extend(variants.into_iter().flatten());
    }

    if args.send_only {
        return Ok(());
    }
    let everything = !args.fanout_only;

    // 2. Several nodes on PostgreSQL and NATS.
    if let (Some(url), false, true) = (&args.postgres_url, args.quick, everything) {
        let cluster_sizes = cluster::Sizes {
            senders: sizes.senders,
            channels: sizes.send_channels,
            seconds: args.cluster_seconds.unwrap_or(sizes.send_seconds),
            rate: args.cross_node_rate,
            cross_seconds: args.cluster_seconds.unwrap_or(sizes.send_seconds),
        };
        results.cluster =
            Some(cluster::run(&args.parlor, url, &args.nats_url, &cluster_sizes).await?);
    }

    // 3. A client portal's fan-out, on a workspace of its own.
    let portal = seed::Layout::portal(sizes.sockets, sizes.staff);
    let loads: Vec<fanout::Load> = sizes
        .portal_rates
        .iter()
        .map(|&rate| fanout::Load {
            rate,
            seconds: sizes.fanout_seconds,
        })
        .collect();
    let server = Arc::new(seeded(args, None, &portal, 0).await?);
    let outcome = fanout::run(&server, &portal, fanout::Scenario::Portal, &loads).await;
    stop(server).await;
    results.fanout.extend(outcome?);
    broker_fanout(args, fanout::Scenario::Portal, &portal, &loads, results).await?;

    // 4–7. One large seeded workspace on SQLite for idle sockets, the
    // stress fan-out, history and search.
    let layout = seed::Layout::plan(sizes.sockets);
    let messages = if everything {
        sizes.history_messages
    } else {
        0
    };
    let server = Arc::new(seeded(args, None, &layout, messages).await?);
    let load = fanout::Load {
        rate: sizes.rate,
        seconds: sizes.fanout_seconds,
    };
    let outcome = async {
        if !sizes.idle.is_empty() && everything {
            let mut idle = idle::run(
                &server,
                &layout,
                &sizes.idle,
                std::time::Duration::from_secs_f64(sizes.idle_cpu_seconds),
            )
            .await?;
            idle.note = idle_note;
            results.idle = Some(idle);
            // Let the server see the idle sockets go.
            tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        }
        results
            .fanout
            .extend(fanout::run(&server, &layout, fanout::Scenario::Stress, &[load]).await?);
        if !everything {
            return anyhow::Ok(());
        }
        results.history = Some(
            history::run(
                &server,
                &layout,
                sizes.history_messages,
                sizes.history_pages,
            )
            .await?,
        );
        results.search.push(
            search::run(
                &server,
                "SQLite",
                sizes.history_messages,
                search_rounds(args),
            )
            .await?,
        );
        anyhow::Ok(())
    }
    .await;
    stop(server).await;
    outcome?;
    broker_fanout(args, fanout::Scenario::Stress, &layout, &[load], results).await?;
    if !everything {
        return Ok(());
    }

    // 8. Search over the same workspace on PostgreSQL.
    if let (Some(url), false) = (&args.postgres_url, args.quick) {
        let database = postgres::Database::create(url).await?;
        let outcome = async {
            let server = seeded(args, Some(&database.url), &layout, sizes.history_messages).await?;
            let outcome = search::run(
                &server,
                "PostgreSQL",
                sizes.history_messages,
                search_rounds(args),
            )
            .await;
            server.stop().await;
            outcome
        }
        .await;
        database.drop_it().await?;
        results.search.push(outcome?);
    }
    Ok(())
}

/// The fan-out `scenario` over `layout` at `loads`, with the frames of
/// Parlor's run of it, served by nats-server (unless left out).
async fn broker_fanout(
    args: &Args,
    scenario: fanout::Scenario,
    layout: &seed::Layout,
    loads: &[fanout::Load],
    results: &mut Results,
) -> anyhow::Result<()> {
    if args.no_broker {
        return Ok(());
    }
    let frame_bytes = results
        .fanout
        .iter()
        .filter(|f| f.scenario == scenario.name())
        .map(|f| f.frame_bytes)
        .max()
        .unwrap_or(0);
    // Enough targets for every message the broker may be sent; they cycle.
    let messages: usize = loads
        .iter()
        .map(|l| (f64::from(l.rate) * l.seconds) as usize + 1)
        .sum();
    let shape = broker::Shape::of(scenario, layout, frame_bytes, messages);
    let runs = broker::run(&args.nats_server, &shape, loads).await?;
    results.broker.extend(runs);
    Ok(())
}

/// A server on a fresh workspace (SQLite, or the database at
/// `database_url`) seeded with `layout` and `messages` messages.
async fn seeded(
    args: &Args,
    database_url: Option<&str>,
    layout: &seed::Layout,
    messages: usize,
) -> anyhow::Result<server::Server> {
    let prepared = Prepared::init(&args.parlor, database_url)?;
    eprintln!(
        "seeding {} clients, {} staff, {} channels, {messages} messages",
        layout.individual.len(),
        layout.staff.len(),
        layout.channel_count(),
    );
    let started = std::time::Instant::now();
    seed::seed(&prepared.database_url(), layout, messages).await?;
    eprintln!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    prepared.serve().await
}

fn search_rounds(args: &Args) -> usize {
    if args.quick {
        20
    } else {
        200
    }
}

/// One send scenario on a fresh workspace (on SQLite, or in the database at
/// `database_url`), with or without the search index.
async fn send_on(
    args: &Args,
    sizes: &Sizes,
    database_url: Option<&str>,
    backend: String,
    indexed: bool,
) -> anyhow::Result<send::Send> {
    let prepared = Prepared::init(&args.parlor, database_url)?;
    if !indexed {
        prepared.drop_search_index().await?;
    }
    let server = Arc::new(prepared.serve().await?);
    let outcome = send::run_on(
        std::slice::from_ref(&server),
        backend,
        sizes.senders,
        sizes.send_channels,
        sizes.send_seconds,
    )
    .await;
    stop(server).await;
    outcome
}

async fn stop(server: Arc<server::Server>) {
    match Arc::try_unwrap(server) {
        Ok(server) => {
            server.stop().await;
        }
        // Someone still holds it (a task that failed); dropping the last
        // reference kills the process.
        Err(server) => drop(server),
    }
}

/// Lets this process and the server it starts (which inherits the limit)
/// hold tens of thousands of sockets; returns the limit it got.
fn raise_fd_limit(wanted: usize) -> anyhow::Result<u64> {
    let get = || {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit writes into the struct we own.
        let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
        (rc == 0).then_some(limit)
    };
    let set = |soft: u64, hard: u64| {
        let limit = libc::rlimit {
            rlim_cur: soft,
            rlim_max: hard,
        };
        // SAFETY: setrlimit only reads the struct.
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 }
    };
    let wanted = wanted as u64;
    let current = get().ok_or_else(|| anyhow::anyhow!("getrlimit failed"))?;
    if current.rlim_cur >= wanted {
        return Ok(current.rlim_cur);
    }
    // Root may raise the hard limit too (up to fs.nr_open) if it has
    // CAP_SYS_RESOURCE.
    if set(wanted, wanted.max(current.rlim_max)) {
        return Ok(wanted);
    }
    let hard = current.rlim_max;
    if set(hard, hard) {
        eprintln!("could only raise the open-file limit to {hard}");
        return Ok(hard);
    }
    Ok(current.rlim_cur)
}

/// The machine in one line of prose.
fn describe(machine: &serde_json::Value) -> String {
    format!(
        "{} cores ({}), {} GiB of memory, {} {}; the harness and the server share the cores.",
        machine["cores"],
        machine["cpu"].as_str().unwrap_or("unknown CPU"),
        machine["memory_gib"],
        machine["os"].as_str().unwrap_or(""),
        machine["kernel"].as_str().unwrap_or(""),
    )
}

fn machine() -> serde_json::Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        });
    let memory_kib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
        m.lines()
            .find_map(|l| l.strip_prefix("MemTotal:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    });
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .ok()
        .map(|s| s.trim().to_string());
    json!({
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "cpu": cpu,
        "memory_gib": memory_kib.map(|k| (k as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0),
        "os": std::env::consts::OS,
        "kernel": kernel,
        "note": "harness and server share the machine's cores",
    })
}

/// The first-load test's numbers, if it has run.
fn read_first_load(path: &std::path::Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(path).ok()?;
    match serde_json::from_str(&text) {
        Ok(value) => Some(value),
        Err(error) => {
            eprintln!(
                "first load: {} is not JSON ({error}); not reported",
                path.display()
            );
            None
        }
    }
}
