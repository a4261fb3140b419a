//! `parlor-bench`: starts release Parlor servers on fresh data directories
//! (and a fresh PostgreSQL database) and measures them: send throughput,
//! fan-out, idle sockets and history. Prints one set of tables and writes
//! them as JSON, Markdown and an SVG chart under `bench/results/`.

mod broker;
mod cluster;
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
    /// Messages per second in the fan-out scenario.
    #[arg(long)]
    rate: Option<u32>,
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
    /// Only the fan-out against nats-server, a broker that does nothing
    /// but fan out, in the stress shape at `--sockets`, `--rate` and
    /// `--fanout-seconds`; prints its table and JSON, writes nothing.
    #[arg(long)]
    broker_only: bool,
    /// The nats-server binary for `--broker-only`.
    #[arg(long, default_value = "/usr/sbin/nats-server")]
    nats_server: PathBuf,
    /// Bytes of each payload the broker delivers: about the size of
    /// Parlor's `message.created` frame in the fan-out.
    #[arg(long, default_value_t = 480)]
    broker_frame_bytes: usize,
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
    if args.broker_only {
        // The broker, which inherits the limit, holds the other end of each.
        raise_fd_limit(sizes.sockets + 2_000)?;
        return tokio::select! {
            outcome = broker_only(&args, &sizes) => outcome,
            _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
            _ = terminate.recv() => Err(anyhow::anyhow!("terminated")),
        };
    }
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
        fanout: None,
        idle: None,
        history: None,
        search: Vec::new(),
        cluster: None,
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
    if let Some(c) = &results.cluster {
        let x = &c.cross;
        anyhow::ensure!(
            x.lost == 0 && x.duplicated == 0,
            "several nodes: {} deliveries lost, {} duplicated",
            x.lost,
            x.duplicated
        );
    }
    if let Some(f) = &results.fanout {
        anyhow::ensure!(
            f.lost == 0 && f.duplicated == 0 && f.send_errors == 0,
            "fan-out: {} deliveries lost, {} duplicated, {} sends failed",
            f.lost,
            f.duplicated,
            f.send_errors
        );
    }
    Ok(())
}

/// The stress fan-out served by nats-server instead of Parlor.
async fn broker_only(args: &Args, sizes: &Sizes) -> anyhow::Result<()> {
    let layout = seed::Layout::plan(sizes.sockets);
    let shape = broker::Shape::stress(&layout, args.broker_frame_bytes);
    let loads = [broker::Load {
        rate: sizes.rate,
        seconds: sizes.fanout_seconds,
    }];
    let runs = broker::run(&args.nats_server, &shape, &loads).await?;
    println!();
    for line in broker::BrokerRun::TABLE_HEADER {
        println!("{line}");
    }
    for run in &runs {
        println!("{}", run.table_row());
    }
    let json: Vec<_> = runs.iter().map(broker::BrokerRun::to_json).collect();
    println!("\n{}", serde_json::to_string_pretty(&json)?);
    for run in &runs {
        anyhow::ensure!(
            run.lost == 0 && run.duplicated == 0,
            "broker: {} deliveries lost, {} duplicated",
            run.lost,
            run.duplicated
        );
    }
    Ok(())
}

/// Parlor's scenarios, then the peer's (unless switched off or quick).
async fn run_all(
    args: &Args,
    sizes: &Sizes,
    idle_note: Option<String>,
    results: &mut Results,
) -> anyhow::Result<()> {
    run(args, sizes, idle_note, results).await?;
    let Some(options) = args.peer.options().filter(|_| !args.quick) else {
        return Ok(());
    };
    let peer = synapse::run(&options).await?;
    results.peer = Some(peer_results(&peer, results));
    Ok(())
}

/// The peer's figures next to Parlor's: its send throughput against Parlor's
/// on SQLite (both on SQLite), its `/sync` delivery latency against Parlor's
/// fan-out (Parlor's at the far larger load; see docs/performance.md).
fn peer_results(peer: &synapse::PeerResults, parlor: &Results) -> report::PeerResults {
    let sqlite = parlor.send.iter().find(|s| s.backend == "SQLite");
    let fanout = parlor.fanout.as_ref();
    let figures = synapse::ParlorFigures {
        msgs_per_s: sqlite.map(|s| s.per_second()),
        send_p50_ms: sqlite.map(|s| s.ms(0.5)),
        send_p99_ms: sqlite.map(|s| s.ms(0.99)),
        delivery_p50_ms: fanout.map(|f| f.ms(0.5)),
        delivery_p99_ms: fanout.map(|f| f.ms(0.99)),
        delivery_p999_ms: fanout.map(|f| f.ms(0.999)),
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

    // 2. Several nodes on PostgreSQL and NATS.
    if let (Some(url), false) = (&args.postgres_url, args.quick) {
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

    // 3–5. One large seeded workspace on SQLite for idle sockets, fan-out
    // and history.
    let prepared = Prepared::init(&args.parlor, None)?;
    let layout = seed::Layout::plan(sizes.sockets);
    eprintln!(
        "seeding {} clients, {} channels, {} messages",
        layout.individual.len(),
        layout.channel_count(),
        sizes.history_messages
    );
    let started = std::time::Instant::now();
    seed::seed(&prepared.database_url(), &layout, sizes.history_messages).await?;
    eprintln!("seeded in {:.1} s", started.elapsed().as_secs_f64());
    let server = Arc::new(prepared.serve().await?);
    let outcome = async {
        if !sizes.idle.is_empty() {
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
        results.fanout =
            Some(fanout::run(&server, &layout, sizes.rate, sizes.fanout_seconds).await?);
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

    // 6. Search over the same workspace on PostgreSQL.
    if let (Some(url), false) = (&args.postgres_url, args.quick) {
        let database = postgres::Database::create(url).await?;
        let outcome = async {
            let prepared = Prepared::init(&args.parlor, Some(&database.url))?;
            eprintln!(
                "seeding PostgreSQL with {} messages",
                sizes.history_messages
            );
            let started = std::time::Instant::now();
            seed::seed(&prepared.database_url(), &layout, sizes.history_messages).await?;
            eprintln!("seeded in {:.1} s", started.elapsed().as_secs_f64());
            let server = prepared.serve().await?;
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
