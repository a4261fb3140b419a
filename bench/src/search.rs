//! Search over the seeded workspace (a million messages in the full run):
//! a common word, a rare one, two words, a phrase and a prefix, as the
//! owner (who sees every channel and so every match) and as a client of the
//! big company (who sees two channels of the workspace's thousands). Each
//! query asks for the first page (20), newest first, as the web app does.

use std::time::Instant;

use crate::history::{op, Op};
use crate::server::Server;
use crate::words::{word, Zipf};

/// The session cookie the seed gives one client of the big company.
pub const CLIENT_COOKIE: &str = "bench-search-client";

pub struct Search {
    pub backend: &'static str,
    pub messages: usize,
    pub ops: Vec<Op>,
}

impl Search {
    /// The slowest query kind's p99: the goal is about every search.
    pub fn p99_ms(&self) -> f64 {
        self.ops.iter().map(|op| op.ms(0.99)).fold(0.0, f64::max)
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "backend": self.backend,
            "messages": self.messages,
            "operations": self.ops.iter().map(Op::to_json).collect::<Vec<_>>(),
        })
    }
}

/// Makes the `i`th query of a kind.
type MakeQuery = Box<dyn FnMut(usize) -> String>;

/// `rounds` queries of each kind.
pub async fn run(
    server: &Server,
    backend: &'static str,
    messages: usize,
    rounds: usize,
) -> anyhow::Result<Search> {
    eprintln!("search ({backend}): {rounds} queries of each kind");
    let mut zipf = Zipf::new(99);
    let mut mid = move || word(50 + zipf.rank() % 450);
    let kinds: Vec<(&'static str, MakeQuery, bool)> = vec![
        ("a common word", Box::new(|i| word(i % 5)), false),
        ("a rare word", Box::new(|i| word(3_000 + i)), false),
        (
            "two words",
            Box::new(move |i| format!("{} {}", word(i % 20), word(100 + i))),
            false,
        ),
        (
            "a phrase",
            Box::new(move |i| format!("\"{} {}\"", word(i % 10), word(i % 7))),
            false,
        ),
        (
            "a prefix",
            Box::new(move |_| format!("{}*", &mid()[..4])),
            false,
        ),
        (
            "a common word, as a client",
            Box::new(|i| word(i % 5)),
            true,
        ),
        (
            "a rare word, as a client",
            Box::new(|i| word(3_000 + i)),
            true,
        ),
    ];
    let cookie = format!("parlor_session={CLIENT_COOKIE}");
    let mut ops = Vec::new();
    for (name, mut query, as_client) in kinds {
        let mut timed = op(name)?;
        for i in 0..rounds {
            let q = query(i);
            let path = format!("/v1/search?limit=20&q={}", encode(&q));
            let start = Instant::now();
            let page = if as_client {
                server.get_with(&path, ("Cookie", &cookie)).await?
            } else {
                server.get(&path).await?
            };
            timed.record(start.elapsed())?;
            anyhow::ensure!(page["data"].is_array(), "search {q:?}: {page}");
        }
        ops.push(timed);
    }
    Ok(Search {
        backend,
        messages,
        ops,
    })
}

fn encode(q: &str) -> String {
    q.replace('%', "%25")
        .replace(' ', "%20")
        .replace('"', "%22")
        .replace('*', "%2A")
}
