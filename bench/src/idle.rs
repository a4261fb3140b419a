//! Idle sockets: how much server memory each connected, idle socket costs.
//! The server's resident set (`VmRSS` of /proc/<pid>/status) is read before
//! any socket connects and again once every socket has had its `ready`
//! frame and the server has settled; the difference over the number of
//! sockets is the cost of one. Then the sockets stay open and quiet for a
//! while, and the server's CPU time over that while (/proc/<pid>/stat) is
//! what holding them costs: pings, and the checks that each socket's
//! sign-in still holds. The kernel's share is read beside it: the pages of
//! TCP buffers in /proc/net/sockstat, for the machine as a whole, so for
//! both ends of each loopback socket (the harness's too).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::{stream, StreamExt};
use parlor::domain::UserType;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

use crate::seed::Layout;
use crate::server::Server;
use crate::ws::{self, Frame};

pub struct Level {
    pub sockets: usize,
    pub rss_kib: u64,
    pub bytes_per_socket: f64,
    pub connect_seconds: f64,
    /// Server CPU time while the sockets were idle, as a share of one core.
    pub idle_cpu_percent: f64,
    /// The kernel's TCP buffer memory per socket, both ends together.
    pub kernel_bytes_per_socket: f64,
}

pub struct Idle {
    /// Why fewer sockets were measured than asked for, if they were.
    pub note: Option<String>,
    pub baseline_kib: u64,
    pub baseline_kernel_bytes: u64,
    pub levels: Vec<Level>,
}

impl Idle {
    pub fn to_json(&self) -> serde_json::Value {
        json!({
            "baseline_rss_kib": self.baseline_kib,
            "baseline_kernel_tcp_bytes": self.baseline_kernel_bytes,
            "note": self.note,
            "levels": self.levels.iter().map(|l| json!({
                "sockets": l.sockets, "rss_kib": l.rss_kib,
                "bytes_per_socket": l.bytes_per_socket, "connect_seconds": l.connect_seconds,
                "idle_cpu_percent": l.idle_cpu_percent,
                "kernel_bytes_per_socket": l.kernel_bytes_per_socket,
            })).collect::<Vec<_>>(),
        })
    }
}

/// Connects up to each of `levels` sockets in turn (clients of the layout,
/// several sockets per client when there are more sockets than clients),
/// measuring at each; `cpu_window` is how long the sockets stay idle while
/// the server's CPU time is measured.
pub async fn run(
    server: &Arc<Server>,
    layout: &Layout,
    levels: &[usize],
    cpu_window: Duration,
) -> anyhow::Result<Idle> {
    tokio::time::sleep(Duration::from_secs(1)).await;
    let baseline_kib = server.rss_kib()?;
    let baseline_kernel_bytes = kernel_tcp_bytes()?;
    let ready = Arc::new(AtomicUsize::new(0));
    let mut readers = Vec::new();
    let mut result = Idle {
        note: None,
        baseline_kib,
        baseline_kernel_bytes,
        levels: Vec::new(),
    };
    for &level in levels {
        let from = readers.len();
        eprintln!("idle: connecting sockets {from}..{level}");
        let started = Instant::now();
        let mut connects = stream::iter(from..level)
            .map(|n| {
                let client = &layout.individual[n % layout.individual.len()].0;
                ws::connect(server, UserType::Client, client, n)
            })
            .buffer_unordered(128);
        while let Some(socket) = connects.next().await {
            let socket = socket?;
            let ready = ready.clone();
            // Read (and so answer pings) but keep nothing.
            readers.push(tokio::spawn(async move {
                let (_sink, mut stream) = socket.split();
                while let Some(Ok(message)) = stream.next().await {
                    if let Message::Text(text) = message {
                        if serde_json::from_str::<Frame>(&text).is_ok_and(|f| f.kind == "ready") {
                            ready.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }));
        }
        drop(connects);
        let deadline = Instant::now() + Duration::from_secs(120);
        while ready.load(Ordering::Relaxed) < level {
            anyhow::ensure!(
                Instant::now() < deadline,
                "only {} of {level} idle sockets got their ready frame",
                ready.load(Ordering::Relaxed)
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let connect_seconds = started.elapsed().as_secs_f64();
        tokio::time::sleep(Duration::from_secs(2)).await;
        let rss_kib = server.rss_kib()?;
        let bytes_per_socket = (rss_kib.saturating_sub(baseline_kib) * 1024) as f64 / level as f64;
        let kernel_bytes_per_socket =
            kernel_tcp_bytes()?.saturating_sub(baseline_kernel_bytes) as f64 / level as f64;
        eprintln!(
            "idle: {level} sockets, server RSS {rss_kib} KiB, {bytes_per_socket:.0} bytes per socket; \
             kernel TCP buffers {kernel_bytes_per_socket:.0} bytes per socket (both ends)"
        );
        let (cpu_before, since) = (server.cpu_seconds()?, Instant::now());
        tokio::time::sleep(cpu_window).await;
        let idle_cpu_percent =
            100.0 * (server.cpu_seconds()? - cpu_before) / since.elapsed().as_secs_f64();
        eprintln!(
            "idle: {level} sockets, server CPU {idle_cpu_percent:.1}% of a core over {:.0} s",
            cpu_window.as_secs_f64()
        );
        result.levels.push(Level {
            sockets: level,
            rss_kib,
            bytes_per_socket,
            connect_seconds,
            idle_cpu_percent,
            kernel_bytes_per_socket,
        });
    }
    for reader in readers {
        reader.abort();
    }
    Ok(result)
}

/// The machine's TCP buffer memory: the `mem` pages of the `TCP:` line of
/// /proc/net/sockstat.
fn kernel_tcp_bytes() -> anyhow::Result<u64> {
    let sockstat = std::fs::read_to_string("/proc/net/sockstat")?;
    let pages = tcp_pages(&sockstat)
        .ok_or_else(|| anyhow::anyhow!("no TCP memory in /proc/net/sockstat: {sockstat}"))?;
    // SAFETY: sysconf has no preconditions.
    let page_size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(1) as u64;
    Ok(pages * page_size)
}

fn tcp_pages(sockstat: &str) -> Option<u64> {
    let line = sockstat.lines().find(|l| l.starts_with("TCP:"))?;
    let mut words = line.split_whitespace();
    words.find(|w| *w == "mem")?;
    words.next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_tcp_pages_are_read_from_sockstat() {
        let sockstat =
            "sockets: used 250\nTCP: inuse 12 orphan 0 tw 3 alloc 14 mem 37\nUDP: inuse 2 mem 4\n";
        assert_eq!(super::tcp_pages(sockstat), Some(37));
        assert_eq!(super::tcp_pages("UDP: inuse 2 mem 4\n"), None);
    }
}
