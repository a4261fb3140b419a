//! The results of a run: one table on stdout (Markdown), the same as JSON,
//! and an SVG bar chart of the headline numbers against their goals. A peer
//! server's results (another implementation run through the same
//! scenarios) get a column and a ratio of their own when present.

use std::fmt::Write as _;

use serde_json::json;

use crate::broker::BrokerRun;
use crate::delivery::Delivery;
use crate::fanout::Fanout;
use crate::history::History;
use crate::idle::Idle;
use crate::send::Send;

/// The numbers the goals are about, for one server.
#[derive(Debug, Clone, Default)]
pub struct Headline {
    pub sqlite_send_per_s: Option<f64>,
    pub postgres_send_per_s: Option<f64>,
    /// The portal scenario at its headline rate.
    pub fanout_p99_ms: Option<f64>,
    pub stress_fanout_p99_ms: Option<f64>,
    pub idle_bytes_per_socket: Option<f64>,
    pub max_idle_sockets: Option<usize>,
    pub history_page_p99_ms: Option<f64>,
    pub channel_list_p99_ms: Option<f64>,
    pub sqlite_search_p99_ms: Option<f64>,
    pub postgres_search_p99_ms: Option<f64>,
    /// What keeping the search index costs sends: the share of the send
    /// rate without it that is lost with it, in per cent.
    pub sqlite_index_cost_pct: Option<f64>,
    pub postgres_index_cost_pct: Option<f64>,
    /// The web app's first load on a slow phone network
    /// (`end2end/tests/first-load.spec.js`).
    pub first_paint_ms: Option<f64>,
    pub first_interactive_ms: Option<f64>,
    pub first_wasm_kb: Option<f64>,
    /// Sends under wrk (wrk.rs): Parlor's on SQLite and on PostgreSQL; the
    /// peer's one run (on PostgreSQL, as its docs recommend) fills both.
    pub wrk_sqlite_per_s: Option<f64>,
    pub wrk_postgres_per_s: Option<f64>,
    /// Parlor on SQLite ÷ the peer, under wrk.
    pub wrk_ratio: Option<f64>,
    /// The server process's CPU per send under wrk (Parlor's on SQLite).
    pub wrk_cpu_us_per_send: Option<f64>,
}

/// Another server measured by the same scenarios (filled in by a peer
/// module; `None` until one exists).
#[derive(Debug, Clone)]
pub struct PeerResults {
    pub name: String,
    pub headline: Headline,
    /// Its own table's rows (`synapse::PeerResults::TABLE_HEADER`).
    pub rows: Vec<String>,
    pub json: serde_json::Value,
}

pub struct Results {
    pub machine: serde_json::Value,
    pub quick: bool,
    pub send: Vec<Send>,
    /// Both scenarios, each at the loads it was run at.
    pub fanout: Vec<Fanout>,
    /// The same fan-outs served by nats-server.
    pub broker: Vec<BrokerRun>,
    pub idle: Option<Idle>,
    pub history: Option<History>,
    /// One per backend searched.
    pub search: Vec<crate::search::Search>,
    pub cluster: Option<crate::cluster::Cluster>,
    /// Sends under wrk, Parlor's and the peer's.
    pub wrk: Option<crate::wrk::Wrk>,
    pub peer: Option<PeerResults>,
    /// What the first-load browser test wrote (`target/first-load.json`).
    pub first_load: Option<serde_json::Value>,
}

struct Metric {
    name: &'static str,
    unit: &'static str,
    goal: Option<f64>,
    higher_is_better: bool,
    get: fn(&Headline) -> Option<f64>,
}

const METRICS: &[Metric] = &[
    Metric {
        name: "first load on slow 4G: first contentful paint",
        unit: "ms",
        goal: Some(1500.0),
        higher_is_better: false,
        get: |h| h.first_paint_ms,
    },
    Metric {
        name: "first load on slow 4G: interactive",
        unit: "ms",
        goal: Some(4000.0),
        higher_is_better: false,
        get: |h| h.first_interactive_ms,
    },
    Metric {
        name: "first load: wasm over the network",
        unit: "KB",
        goal: Some(600.0),
        higher_is_better: false,
        get: |h| h.first_wasm_kb,
    },
    Metric {
        name: "send, SQLite",
        unit: "msg/s",
        goal: Some(20_000.0),
        higher_is_better: true,
        get: |h| h.sqlite_send_per_s,
    },
    Metric {
        name: "send, PostgreSQL",
        unit: "msg/s",
        goal: None,
        higher_is_better: true,
        get: |h| h.postgres_send_per_s,
    },
    Metric {
        name: "wrk sends, SQLite (peer: PostgreSQL)",
        unit: "msg/s",
        goal: None,
        higher_is_better: true,
        get: |h| h.wrk_sqlite_per_s,
    },
    Metric {
        name: "wrk sends, PostgreSQL",
        unit: "msg/s",
        goal: None,
        higher_is_better: true,
        get: |h| h.wrk_postgres_per_s,
    },
    Metric {
        name: "wrk sends, SQLite: ratio to Synapse",
        unit: "×",
        goal: Some(100.0),
        higher_is_better: true,
        get: |h| h.wrk_ratio,
    },
    Metric {
        name: "server CPU per wrk send",
        unit: "µs",
        goal: Some(40.0),
        higher_is_better: false,
        get: |h| h.wrk_cpu_us_per_send,
    },
    Metric {
        name: "fan-out delivery p99, client portal",
        unit: "ms",
        goal: Some(25.0),
        higher_is_better: false,
        get: |h| h.fanout_p99_ms,
    },
    Metric {
        name: "fan-out delivery p99, stress",
        unit: "ms",
        goal: None,
        higher_is_better: false,
        get: |h| h.stress_fanout_p99_ms,
    },
    Metric {
        name: "memory per idle socket",
        unit: "bytes",
        goal: Some(8.0 * 1024.0),
        higher_is_better: false,
        get: |h| h.idle_bytes_per_socket,
    },
    Metric {
        name: "idle sockets held",
        unit: "sockets",
        goal: Some(50_000.0),
        higher_is_better: true,
        get: |h| h.max_idle_sockets.map(|n| n as f64),
    },
    Metric {
        name: "history page p99",
        unit: "ms",
        goal: None,
        higher_is_better: false,
        get: |h| h.history_page_p99_ms,
    },
    Metric {
        name: "channel list page p99",
        unit: "ms",
        goal: Some(5.0),
        higher_is_better: false,
        get: |h| h.channel_list_p99_ms,
    },
    Metric {
        name: "search p99, SQLite (slowest kind)",
        unit: "ms",
        goal: Some(50.0),
        higher_is_better: false,
        get: |h| h.sqlite_search_p99_ms,
    },
    Metric {
        name: "search p99, PostgreSQL (slowest kind)",
        unit: "ms",
        goal: Some(50.0),
        higher_is_better: false,
        get: |h| h.postgres_search_p99_ms,
    },
    Metric {
        name: "search index's cost on sends, SQLite",
        unit: "%",
        goal: Some(10.0),
        higher_is_better: false,
        get: |h| h.sqlite_index_cost_pct,
    },
    Metric {
        name: "search index's cost on sends, PostgreSQL",
        unit: "%",
        goal: Some(10.0),
        higher_is_better: false,
        get: |h| h.postgres_index_cost_pct,
    },
];

/// The backend name of a send run on a server without the search index.
pub fn unindexed(backend: &str) -> String {
    format!("{backend}, no search index")
}

fn fmt(value: Option<f64>) -> String {
    match value {
        None => "–".into(),
        Some(v) if v >= 100.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.2}"),
    }
}

impl Results {
    /// A scenario's run at its headline rate: the first of its loads.
    fn headline_fanout(&self, scenario: &str) -> Option<&Fanout> {
        self.fanout.iter().find(|f| f.scenario == scenario)
    }

    pub fn headline(&self) -> Headline {
        let send = |backend: &str| {
            self.send
                .iter()
                .find(|s| s.backend == backend)
                .map(Send::per_second)
        };
        let index_cost = |backend: &str| {
            let with = send(backend)?;
            let without = send(&unindexed(backend))?;
            Some((without - with) / without * 100.0)
        };
        let first_visit = |field: &str| self.first_load.as_ref()?["firstVisit"][field].as_f64();
        let search = |backend: &str| {
            self.search
                .iter()
                .find(|s| s.backend == backend)
                .map(crate::search::Search::p99_ms)
        };
        let wrk = |backend: &str| self.wrk.as_ref()?.parlor(backend);
        Headline {
            sqlite_send_per_s: send("SQLite"),
            postgres_send_per_s: send("PostgreSQL"),
            fanout_p99_ms: self.headline_fanout("portal").map(|f| f.delivered.ms(0.99)),
            stress_fanout_p99_ms: self.headline_fanout("stress").map(|f| f.delivered.ms(0.99)),
            idle_bytes_per_socket: self
                .idle
                .as_ref()
                .and_then(|i| i.levels.last())
                .map(|l| l.bytes_per_socket),
            max_idle_sockets: self
                .idle
                .as_ref()
                .and_then(|i| i.levels.last())
                .map(|l| l.sockets),
            history_page_p99_ms: self.history.as_ref().map(|h| h.ops[0].ms(0.99)),
            channel_list_p99_ms: self.history.as_ref().map(|h| h.ops[2].ms(0.99)),
            sqlite_search_p99_ms: search("SQLite"),
            postgres_search_p99_ms: search("PostgreSQL"),
            sqlite_index_cost_pct: index_cost("SQLite"),
            postgres_index_cost_pct: index_cost("PostgreSQL"),
            first_paint_ms: first_visit("firstContentfulPaintMs"),
            first_interactive_ms: first_visit("interactiveMs"),
            first_wasm_kb: first_visit("wasmBytes").map(|bytes| bytes / 1000.0),
            wrk_sqlite_per_s: wrk("SQLite").map(crate::wrk::Run::per_second),
            wrk_postgres_per_s: wrk("PostgreSQL").map(crate::wrk::Run::per_second),
            wrk_ratio: self.wrk.as_ref().and_then(|w| w.ratio("SQLite")),
            wrk_cpu_us_per_send: wrk("SQLite").map(crate::wrk::Run::cpu_us_per_send),
        }
    }

    /// The peer's name and headline numbers: those of its own scenarios and
    /// of its run under wrk (which a `--wrk-only` run has alone).
    fn peer_headline(&self) -> Option<(String, Headline)> {
        let wrk = self.wrk.as_ref().and_then(crate::wrk::Wrk::peer);
        let (name, mut headline) = match (&self.peer, wrk) {
            (Some(peer), _) => (peer.name.clone(), peer.headline.clone()),
            (None, Some(run)) => (run.server.clone(), Headline::default()),
            (None, None) => return None,
        };
        if let Some(run) = wrk {
            headline.wrk_sqlite_per_s = Some(run.per_second());
            headline.wrk_postgres_per_s = Some(run.per_second());
            headline.wrk_cpu_us_per_send = Some(run.cpu_us_per_send());
        }
        Some((name, headline))
    }

    /// Parlor's fan-out next to nats-server's, scenario by scenario and
    /// load by load; then, per scenario, each server's most frames a
    /// second at an equal p99: the higher of the two p99s at the lowest
    /// load, which both servers reach there.
    fn broker_table(&self, out: &mut String) {
        let ratio = |a: f64, b: f64| ratio(Some(a), Some(b));
        let _ = writeln!(
            out,
            "\nFan-out against nats-server (the same shapes, loads and frame sizes; its \
             subscribers speak NATS over WebSocket; CPU per delivered frame, receiving the \
             message included):\n"
        );
        let _ = writeln!(out, "| scenario | rate msg/s | frames/s Parlor | frames/s nats-server | Parlor / nats-server | p99 ms Parlor | p99 ms nats-server | Parlor / nats-server (goal ≤ 1.5) | CPU µs/frame Parlor | CPU µs/frame nats-server |");
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
        let pairs: Vec<(&Fanout, &BrokerRun)> = self
            .fanout
            .iter()
            .filter_map(|f| {
                let b = self
                    .broker
                    .iter()
                    .find(|b| b.shape == f.scenario && b.delivered.rate == f.delivered.rate)?;
                Some((f, b))
            })
            .collect();
        for (f, b) in &pairs {
            let _ = writeln!(
                out,
                "| {} | {} | {:.0} | {:.0} | {} | {:.2} | {:.2} | {} | {:.2} | {:.2} |",
                f.scenario,
                f.delivered.rate,
                f.delivered.frames_per_second(),
                b.delivered.frames_per_second(),
                ratio(
                    f.delivered.frames_per_second(),
                    b.delivered.frames_per_second()
                ),
                f.delivered.ms(0.99),
                b.delivered.ms(0.99),
                ratio(f.delivered.ms(0.99), b.delivered.ms(0.99)),
                f.delivered.cpu_us_per_frame(),
                b.delivered.cpu_us_per_frame()
            );
        }
        let mut scenarios: Vec<&str> = pairs.iter().map(|(f, _)| f.scenario).collect();
        scenarios.dedup();
        for scenario in scenarios {
            let of: Vec<&(&Fanout, &BrokerRun)> = pairs
                .iter()
                .filter(|(f, _)| f.scenario == scenario)
                .collect();
            let Some((low_f, low_b)) = of.iter().min_by_key(|(f, _)| f.delivered.rate) else {
                continue;
            };
            let bound = low_f.delivered.ms(0.99).max(low_b.delivered.ms(0.99));
            // One server's most frames a second among its runs within the bound.
            let best = |runs: &mut dyn Iterator<Item = &Delivery>| {
                runs.filter(|d| d.ms(0.99) <= bound)
                    .map(Delivery::frames_per_second)
                    .fold(0.0, f64::max)
            };
            let parlor = best(&mut of.iter().map(|(f, _)| &f.delivered));
            let nats = best(&mut of.iter().map(|(_, b)| &b.delivered));
            let _ = writeln!(
                out,
                "\n{scenario}: at an equal p99 of at most {bound:.1} ms (the higher of the two at \
                 the lowest load), Parlor delivered up to {parlor:.0} frames/s and nats-server up \
                 to {nats:.0}: Parlor / nats-server {} (goal ≥ 1).",
                ratio(parlor, nats)
            );
        }
    }

    /// Every scenario's numbers as Markdown tables.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let parlor = self.headline();
        let peer = self.peer_headline();
        let peer_name = peer.as_ref().map_or("peer", |(name, _)| name.as_str());
        let _ = writeln!(
            out,
            "| goal | target | Parlor | {peer_name} | Parlor / {peer_name} |"
        );
        let _ = writeln!(out, "|---|---|---|---|---|");
        for m in METRICS {
            let ours = (m.get)(&parlor);
            let theirs = peer.as_ref().and_then(|(_, p)| (m.get)(p));
            let ratio = ratio(ours, theirs);
            let target = m.goal.map_or("–".into(), |g| {
                format!(
                    "{} {} {}",
                    if m.higher_is_better { "≥" } else { "≤" },
                    fmt(Some(g)),
                    m.unit
                )
            });
            let _ = writeln!(
                out,
                "| {} ({}) | {target} | {} | {} | {ratio} |",
                m.name,
                m.unit,
                fmt(ours),
                fmt(theirs)
            );
        }

        let _ = writeln!(
            out,
            "\nSend throughput (REST `POST /v1/messages`, acknowledged = committed; \
             a row sums its runs, taken in turn with the other rows of its backend):\n"
        );
        let _ = writeln!(out, "| backend | runs | senders | channels | acknowledged | errors | msg/s | p50 ms | p99 ms | max ms |");
        let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|");
        for s in &self.send {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} |",
                s.backend,
                s.runs,
                s.senders,
                s.channels,
                s.acknowledged,
                s.errors,
                s.per_second(),
                s.ms(0.5),
                s.ms(0.99),
                s.latency_us.max() as f64 / 1000.0
            );
        }
        if !self.fanout.is_empty() {
            let _ = writeln!(
                out,
                "\nFan-out (send request start → frame received; frames/s from the first send \
                 to the last delivery; server CPU per delivered frame, sending included):\n"
            );
            let _ = writeln!(out, "| scenario | sockets (staff) | rate msg/s (achieved) | messages | expected deliveries | delivered | lost | duplicated | p50 ms | p99 ms | p99.9 ms | max ms | send answered p99 ms | frames/s | server CPU µs per frame |");
            let _ = writeln!(
                out,
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
            );
            for f in &self.fanout {
                let _ = writeln!(
                    out,
                    "| {} | {} ({}) | {} ({:.0}) | {} | {} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} | {:.2} |",
                    f.scenario,
                    f.sockets,
                    f.staff_sockets,
                    f.delivered.rate,
                    f.delivered.achieved_rate,
                    f.delivered.messages,
                    f.delivered.expected,
                    f.delivered.deliveries,
                    f.delivered.lost,
                    f.delivered.duplicated,
                    f.delivered.ms(0.5),
                    f.delivered.ms(0.99),
                    f.delivered.ms(0.999),
                    f.delivered.max_ms(),
                    f.send_ms(0.99),
                    f.delivered.frames_per_second(),
                    f.delivered.cpu_us_per_frame()
                );
            }
            if let Some(f) = self.fanout.iter().find(|f| f.scenario == "stress") {
                let _ = writeln!(
                    out,
                    "\nStress scenario by channel size:\n\n| sockets per message | deliveries | p50 ms | p99 ms |"
                );
                let _ = writeln!(out, "|---|---|---|---|");
                for (members, h) in &f.delivered.latencies.by_channel_size {
                    let _ = writeln!(
                        out,
                        "| {members} | {} | {:.2} | {:.2} |",
                        h.len(),
                        h.value_at_quantile(0.5) as f64 / 1000.0,
                        h.value_at_quantile(0.99) as f64 / 1000.0
                    );
                }
            }
        }
        if !self.broker.is_empty() {
            self.broker_table(&mut out);
        }
        if let Some(i) = &self.idle {
            let _ = writeln!(
                out,
                "\nIdle sockets (server VmRSS; baseline {} KiB; kernel: TCP buffer pages of \
                 /proc/net/sockstat, both ends of each loopback socket):\n",
                i.baseline_kib
            );
            let _ = writeln!(
                out,
                "| sockets | server RSS KiB | bytes per socket | kernel bytes per socket | seconds to connect | server CPU while idle (% of a core) |"
            );
            let _ = writeln!(out, "|---|---|---|---|---|---|");
            for l in &i.levels {
                let _ = writeln!(
                    out,
                    "| {} | {} | {:.0} | {:.0} | {:.1} | {:.1} |",
                    l.sockets,
                    l.rss_kib,
                    l.bytes_per_socket,
                    l.kernel_bytes_per_socket,
                    l.connect_seconds,
                    l.idle_cpu_percent
                );
            }
        }
        if let Some(h) = &self.history {
            let _ = writeln!(
                out,
                "\nHistory ({} messages, {} clients, {} channels):\n",
                h.messages, h.clients, h.channels
            );
            ops_table(&mut out, "operation", &h.ops);
        }
        for s in &self.search {
            let _ = writeln!(
                out,
                "\nSearch, {} ({} messages; first page of 20, newest first):\n",
                s.backend, s.messages
            );
            ops_table(&mut out, "query", &s.ops);
        }
        if let Some(c) = &self.cluster {
            let _ = writeln!(
                out,
                "\nSeveral nodes (PostgreSQL and NATS; senders spread over the nodes, which share the machine's cores):\n"
            );
            let _ = writeln!(out, "| nodes | senders | acknowledged | errors | msg/s | p50 ms | p99 ms | CPU ms per message (all nodes) | CPU ms per message, each node | messages per commit | sessions waiting on a lock |");
            let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|---|---|");
            for r in &c.runs {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.3} | {} | {:.1} | {:.2} |",
                    r.nodes,
                    r.send.senders,
                    r.send.acknowledged,
                    r.send.errors,
                    r.send.per_second(),
                    r.send.ms(0.5),
                    r.send.ms(0.99),
                    r.cpu_ms_per_message,
                    r.cpu_ms_per_message_by_node
                        .iter()
                        .map(|ms| format!("{ms:.3}"))
                        .collect::<Vec<_>>()
                        .join(" / "),
                    r.messages_per_commit,
                    r.lock_waiters
                );
            }
            let x = &c.cross;
            let ms =
                |h: &hdrhistogram::Histogram<u64>, q: f64| h.value_at_quantile(q) as f64 / 1000.0;
            let _ = writeln!(
                out,
                "\nDelivery across nodes (three nodes, {} msg/s into one channel through node 1; send request start → frame; {} messages, {} lost, {} duplicated):\n",
                x.rate, x.messages, x.lost, x.duplicated
            );
            let _ = writeln!(out, "| socket on | p50 ms | p99 ms | max ms |");
            let _ = writeln!(out, "|---|---|---|---|");
            for (name, h) in [
                ("the same node", &x.same_node_us),
                ("another node", &x.other_node_us),
            ] {
                let _ = writeln!(
                    out,
                    "| {name} | {:.2} | {:.2} | {:.2} |",
                    ms(h, 0.5),
                    ms(h, 0.99),
                    h.max() as f64 / 1000.0
                );
            }
        }
        if let Some(w) = &self.wrk {
            let _ = writeln!(
                out,
                "\n{}, {} threads, {} channels or rooms (acknowledged = answered 2xx; stored = \
                 counted in the database afterwards; CPU per acknowledged send, of the server's \
                 process and apart of its PostgreSQL backends):\n",
                w.title(),
                w.shape.threads,
                w.shape.channels
            );
            for line in crate::wrk::Wrk::TABLE_HEADER {
                let _ = writeln!(out, "{line}");
            }
            for row in w.table_rows() {
                let _ = writeln!(out, "{row}");
            }
        }
        if let Some(peer) = &self.peer {
            let _ = writeln!(out, "\n{} (the peer):\n", peer.name);
            for line in crate::synapse::PeerResults::TABLE_HEADER {
                let _ = writeln!(out, "{line}");
            }
            for row in &peer.rows {
                let _ = writeln!(out, "{row}");
            }
        }
        out
    }

    pub fn to_json(&self) -> serde_json::Value {
        let h = self.headline();
        json!({
            "machine": self.machine,
            "quick": self.quick,
            "headline": headline_json(&h),
            "send": self.send.iter().map(Send::to_json).collect::<Vec<_>>(),
            "fanout": self.fanout.iter().map(Fanout::to_json).collect::<Vec<_>>(),
            "broker": self.broker.iter().map(BrokerRun::to_json).collect::<Vec<_>>(),
            "idle": self.idle.as_ref().map(Idle::to_json),
            "history": self.history.as_ref().map(History::to_json),
            "search": self.search.iter().map(crate::search::Search::to_json).collect::<Vec<_>>(),
            "first_load": self.first_load,
            "wrk": self.wrk.as_ref().map(crate::wrk::Wrk::to_json),
            "cluster": self.cluster.as_ref().map(|c| {
                let q = |h: &hdrhistogram::Histogram<u64>, q: f64| h.value_at_quantile(q) as f64 / 1000.0;
                json!({
                    "runs": c.runs.iter().map(|r| json!({
                        "nodes": r.nodes, "send": r.send.to_json(), "cpu_ms_per_message": r.cpu_ms_per_message,
                        "cpu_ms_per_message_by_node": r.cpu_ms_per_message_by_node,
                        "messages_per_commit": r.messages_per_commit, "lock_waiters": r.lock_waiters,
                    })).collect::<Vec<_>>(),
                    "cross_node": {
                        "rate": c.cross.rate, "messages": c.cross.messages,
                        "lost": c.cross.lost, "duplicated": c.cross.duplicated,
                        "same_node_p50_ms": q(&c.cross.same_node_us, 0.5), "same_node_p99_ms": q(&c.cross.same_node_us, 0.99),
                        "other_node_p50_ms": q(&c.cross.other_node_us, 0.5), "other_node_p99_ms": q(&c.cross.other_node_us, 0.99),
                    },
                })
            }),
            "peer": self.peer_headline().map(|(name, headline)| json!({
                "name": name, "headline": headline_json(&headline),
                "results": self.peer.as_ref().map(|p| &p.json),
            })),
        })
    }

    /// A bar per headline number, drawn as a share of its goal (the dashed
    /// line) where it has one, so bars left of the line miss the goal for
    /// "at least" numbers and meet it for "at most" ones. Numbers without a
    /// goal are drawn against the larger of the two servers.
    pub fn svg(&self) -> String {
        let parlor = self.headline();
        let peer = self.peer_headline();
        let (label_w, bar_w, row_h) = (230.0, 420.0, if peer.is_some() { 44.0 } else { 30.0 });
        let width = label_w + bar_w + 150.0;
        let height = 60.0 + row_h * METRICS.len() as f64 + 30.0;
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">"#
        );
        let _ = writeln!(
            svg,
            r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
        );
        let title = format!(
            "Parlor benchmarks{} — bars are a share of the goal (dashed line)",
            if self.quick { " (quick sizes)" } else { "" }
        );
        let _ = writeln!(
            svg,
            r#"<text x="10" y="22" font-size="14" font-weight="bold">{}</text>"#,
            escape(&title)
        );
        let goal_x = label_w + bar_w * 0.5;
        let top = 40.0;
        for (row, m) in METRICS.iter().enumerate() {
            let y = top + row_h * row as f64;
            let ours = (m.get)(&parlor);
            let theirs = peer.as_ref().and_then(|(_, p)| (m.get)(p));
            let scale = m.goal.or_else(|| {
                [ours, theirs]
                    .into_iter()
                    .flatten()
                    .fold(None, |a: Option<f64>, v| Some(a.map_or(v, |a| a.max(v))))
            });
            let _ = writeln!(
                svg,
                r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                label_w - 8.0,
                y + 15.0,
                escape(&format!("{} ({})", m.name, m.unit))
            );
            let bars = [("Parlor", ours, "#4F46E5")].into_iter().chain(
                peer.as_ref()
                    .map(|(name, _)| (name.as_str(), theirs, "#EA580C")),
            );
            for (i, (_name, value, color)) in bars.enumerate() {
                let by = y + 4.0 + 18.0 * i as f64;
                let Some(value) = value else {
                    let _ = writeln!(
                        svg,
                        r##"<text x="{}" y="{}" fill="#888">not measured</text>"##,
                        label_w + 4.0,
                        by + 11.0
                    );
                    continue;
                };
                let share = scale.map_or(0.0, |s| if s > 0.0 { value / s } else { 0.0 });
                let w = (share * bar_w * 0.5).clamp(1.0, bar_w);
                let _ = writeln!(
                    svg,
                    r#"<rect x="{label_w}" y="{by}" width="{w:.1}" height="14" fill="{color}"/>"#
                );
                let _ = writeln!(
                    svg,
                    r#"<text x="{:.1}" y="{}">{}</text>"#,
                    label_w + w + 4.0,
                    by + 11.0,
                    fmt(Some(value))
                );
            }
        }
        let bottom = top + row_h * METRICS.len() as f64;
        let _ = writeln!(
            svg,
            r##"<line x1="{goal_x}" y1="{top}" x2="{goal_x}" y2="{bottom}" stroke="#333" stroke-dasharray="4 3"/>"##
        );
        let mut legend = r##"<rect x="10" y="LEGY" width="12" height="12" fill="#4F46E5"/><text x="26" y="TEXTY">Parlor</text>"##.to_string();
        if let Some((name, _)) = &peer {
            legend.push_str(&format!(
                r##"<rect x="100" y="LEGY" width="12" height="12" fill="#EA580C"/><text x="116" y="TEXTY">{}</text>"##,
                escape(name)
            ));
        }
        let _ = writeln!(
            svg,
            "{}",
            legend
                .replace("LEGY", &format!("{}", bottom + 10.0))
                .replace("TEXTY", &format!("{}", bottom + 20.0))
        );
        svg.push_str("</svg>\n");
        svg
    }
}

/// Timed requests of one kind per row: how many, and how long they took.
fn ops_table(out: &mut String, first_column: &str, ops: &[crate::history::Op]) {
    let _ = writeln!(
        out,
        "| {first_column} | requests | p50 ms | p99 ms | max ms |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for op in ops {
        let _ = writeln!(
            out,
            "| {} | {} | {:.2} | {:.2} | {:.2} |",
            op.name,
            op.requests,
            op.ms(0.5),
            op.ms(0.99),
            op.latency_us.max() as f64 / 1000.0
        );
    }
}

fn headline_json(h: &Headline) -> serde_json::Value {
    json!({
        "sqlite_send_per_s": h.sqlite_send_per_s,
        "postgres_send_per_s": h.postgres_send_per_s,
        "fanout_p99_ms": h.fanout_p99_ms,
        "stress_fanout_p99_ms": h.stress_fanout_p99_ms,
        "idle_bytes_per_socket": h.idle_bytes_per_socket,
        "max_idle_sockets": h.max_idle_sockets,
        "history_page_p99_ms": h.history_page_p99_ms,
        "channel_list_p99_ms": h.channel_list_p99_ms,
        "sqlite_search_p99_ms": h.sqlite_search_p99_ms,
        "postgres_search_p99_ms": h.postgres_search_p99_ms,
        "sqlite_index_cost_pct": h.sqlite_index_cost_pct,
        "postgres_index_cost_pct": h.postgres_index_cost_pct,
        "first_paint_ms": h.first_paint_ms,
        "first_interactive_ms": h.first_interactive_ms,
        "first_wasm_kb": h.first_wasm_kb,
        "wrk_sqlite_per_s": h.wrk_sqlite_per_s,
        "wrk_postgres_per_s": h.wrk_postgres_per_s,
        "wrk_ratio": h.wrk_ratio,
        "wrk_cpu_us_per_send": h.wrk_cpu_us_per_send,
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `a / b` to two places, or a dash when either is missing or `b` is 0.
fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b != 0.0 => format!("{:.2}", a / b),
        _ => "–".into(),
    }
}
