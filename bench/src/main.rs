//! `parlor-bench`: starts a release Parlor on a fresh data directory and
//! measures it. Each scenario prints a line of the results table; the whole
//! run is also written as JSON under `bench/results/`.

mod fanout;
mod server;

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
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let server = server::Server::start(&args.parlor).await?;
    let fanout = fanout::run(&server, args.sockets, args.messages, args.rate).await;
    server.stop().await;
    let fanout = fanout?;

    println!();
    println!("| scenario | sockets | messages | deliveries | lost | duplicated | p50 ms | p99 ms | p99.9 ms | max ms |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    println!("{}", fanout.table_row());
    let results = json!({ "machine": machine(), "fanout": fanout.to_json() });
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
