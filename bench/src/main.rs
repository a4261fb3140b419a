//! `parlor-bench`: starts a release Parlor on a fresh data directory and
//! measures it. Each scenario prints a line of the results table; the whole
//! run is also written as JSON under `bench/results/`.

mod fanout;
mod server;
mod synapse;

use std::path::PathBuf;

use clap::Parser;
use serde_json::json;

#[derive(Debug, Parser)]
#[command(about = "Benchmarks for Parlor")]
struct Args {
    /// The `parlor` binary to measure.
    #[arg(long, default_value = "target/release/parlor")]
    parlor: PathBuf,
    /// Connected client sockets in the fan-out scenario.
    #[arg(long, default_value_t = 2000)]
    sockets: usize,
    /// Messages sent in the fan-out scenario.
    #[arg(long, default_value_t = 200)]
    messages: usize,
    /// Messages per second in the fan-out scenario.
    #[arg(long, default_value_t = 50)]
    rate: u32,
    /// Where to write the results as JSON.
    #[arg(long, default_value = "bench/results/latest.json")]
    out: PathBuf,
    // ---- peer (Synapse), see synapse.rs ----
    #[command(flatten)]
    peer: synapse::PeerArgs,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let server = server::Server::start(&args.parlor).await?;
    let fanout = fanout::run(&server, args.sockets, args.messages, args.rate).await;
    server.stop().await;
    let fanout = fanout?;
    // ---- peer (Synapse): measured after Parlor has stopped ----
    let peer = match args.peer.options() {
        Some(options) => Some(synapse::run(&options).await?),
        None => None,
    };
    // ---- end peer ----

    println!();
    println!("| scenario | sockets | messages | deliveries | lost | duplicated | p50 ms | p99 ms | p99.9 ms | max ms |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!("{}", fanout.table_row());
    let mut results = json!({ "machine": machine(), "fanout": fanout.to_json() });
    // ---- peer (Synapse) ----
    if let Some(peer) = &peer {
        let parlor = synapse::ParlorFigures {
            // TODO(merge): fill from Parlor's send-throughput scenario.
            msgs_per_s: None,
            send_p50_ms: None,
            send_p99_ms: None,
            delivery_p50_ms: results["fanout"]["p50_ms"].as_f64(),
            delivery_p99_ms: results["fanout"]["p99_ms"].as_f64(),
            delivery_p999_ms: results["fanout"]["p999_ms"].as_f64(),
        };
        let ratios = peer.ratios(&parlor);
        println!();
        for line in synapse::PeerResults::TABLE_HEADER {
            println!("{line}");
        }
        for row in peer.table_rows() {
            println!("{row}");
        }
        println!("\nParlor ÷ Synapse: {ratios}");
        results["peer"] = peer.to_json();
        results["peer"]["ratios_parlor_over_peer"] = ratios;
    }
    // ---- end peer ----
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&args.out, serde_json::to_string_pretty(&results)?)?;
    println!("\nwritten to {}", args.out.display());
    anyhow::ensure!(
        fanout.lost == 0 && fanout.duplicated == 0,
        "messages were lost or duplicated"
    );
    Ok(())
}

fn machine() -> serde_json::Value {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        });
    json!({
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "cpu": cpu,
        "os": std::env::consts::OS,
    })
}
