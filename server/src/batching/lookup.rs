//! Lookups that concurrent requests share: one query for all of them.
//!
//! Every request with an API key used to read its key on a reader
//! connection of its own: on SQLite a round trip to that connection's
//! worker thread, which under load cost the server more than the request's
//! own work (docs/performance.md, section 5). Here lookups queue for one
//! task, and whatever queued while the previous query ran is answered by
//! the next one.
//!
//! Nothing is cached. A query starts only after every lookup it answers
//! was asked, so each answer is at least as fresh as a query made by the
//! request itself: a removed user or a changed role counts from the next
//! request on, as before.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::Hash;

use tokio::sync::{mpsc, oneshot};

use crate::error::{Error, Result};

/// Distinct keys per query, at most.
const MAX_BATCH: usize = 256;

struct Job<K, V> {
    key: K,
    answer: oneshot::Sender<Result<Option<V>>>,
}

/// The queue in front of a lookup task. The task ends when the last handle
/// is dropped.
pub struct BatchedLookup<K, V> {
    queue: mpsc::Sender<Job<K, V>>,
}

impl<K, V> Clone for BatchedLookup<K, V> {
    fn clone(&self) -> Self {
        BatchedLookup {
            queue: self.queue.clone(),
        }
    }
}

impl<K, V> BatchedLookup<K, V>
where
    K: Eq + Hash + Clone + Send + 'static,
    V: Clone + Send + 'static,
{
    /// Starts the task; `lookup` finds the values of distinct keys (those it
    /// leaves out are answered `None`). Needs a running Tokio runtime.
    pub fn start<F, Fut>(lookup: F) -> BatchedLookup<K, V>
    where
        F: Fn(Vec<K>) -> Fut + Send + 'static,
        Fut: Future<Output = Result<HashMap<K, V>>> + Send + 'static,
    {
        let (queue, jobs) = mpsc::channel(4 * MAX_BATCH);
        tokio::spawn(run(lookup, jobs));
        BatchedLookup { queue }
    }

    pub async fn get(&self, key: K) -> Result<Option<V>> {
        let (answer, answered) = oneshot::channel();
        self.queue
            .send(Job { key, answer })
            .await
            .map_err(|_| anyhow::anyhow!("a lookup task has stopped"))?;
        answered
            .await
            .map_err(|_| anyhow::anyhow!("a lookup task dropped a request"))?
    }
}

async fn run<K, V, F, Fut>(lookup: F, mut queue: mpsc::Receiver<Job<K, V>>)
where
    K: Eq + Hash + Clone,
    V: Clone,
    F: Fn(Vec<K>) -> Fut,
    Fut: Future<Output = Result<HashMap<K, V>>>,
{
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let keys: HashSet<K> = jobs.iter().map(|job| job.key.clone()).collect();
        let found = lookup(keys.into_iter().collect()).await;
        for job in jobs.drain(..) {
            let answer = match &found {
                Ok(values) => Ok(values.get(&job.key).cloned()),
                // Each waiting request gets the cause, for its own log line.
                Err(Error::Internal(cause)) => {
                    Err(anyhow::anyhow!("lookup failed: {cause:#}").into())
                }
                Err(err) => Err(anyhow::anyhow!("lookup failed: {err}").into()),
            };
            // The request may have gone; nothing to undo.
            let _ = job.answer.send(answer);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// A lookup over a shared map that records each query's keys; the first
    /// query reads the map, then waits for `gate` before answering.
    fn lookup_over(
        map: Arc<Mutex<HashMap<u32, &'static str>>>,
        queries: Arc<Mutex<Vec<Vec<u32>>>>,
        gate: Arc<tokio::sync::Notify>,
    ) -> BatchedLookup<u32, &'static str> {
        BatchedLookup::start(move |mut keys: Vec<u32>| {
            let (map, queries, gate) = (map.clone(), queries.clone(), gate.clone());
            async move {
                keys.sort_unstable();
                let found: HashMap<u32, &str> = {
                    let map = map.lock().unwrap();
                    keys.iter()
                        .filter_map(|key| map.get(key).map(|value| (*key, *value)))
                        .collect()
                };
                let first = {
                    let mut queries = queries.lock().unwrap();
                    queries.push(keys);
                    queries.len() == 1
                };
                if first {
                    gate.notified().await;
                }
                Ok(found)
            }
        })
    }

    #[tokio::test]
    async fn lookups_asked_while_a_query_runs_share_the_next_query_and_see_what_changed() {
        let map = Arc::new(Mutex::new(HashMap::from([(1, "before")])));
        let queries = Arc::new(Mutex::new(Vec::new()));
        let gate = Arc::new(tokio::sync::Notify::new());
        let lookup = lookup_over(map.clone(), queries.clone(), gate.clone());

        let first = tokio::spawn({
            let lookup = lookup.clone();
            async move { lookup.get(1).await }
        });
        while queries.lock().unwrap().is_empty() {
            tokio::task::yield_now().await;
        }
        // Changed after the first query read, before the others were asked.
        map.lock().unwrap().extend([(1, "after"), (2, "two")]);
        let later: Vec<_> = [1, 2, 2, 3]
            .into_iter()
            .map(|key| {
                let lookup = lookup.clone();
                tokio::spawn(async move { lookup.get(key).await })
            })
            .collect();
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        gate.notify_one();

        assert_eq!(first.await.unwrap().unwrap(), Some("before"));
        let mut answers = Vec::new();
        for answer in later {
            answers.push(answer.await.unwrap().unwrap());
        }
        assert_eq!(answers, [Some("after"), Some("two"), Some("two"), None]);
        assert_eq!(
            *queries.lock().unwrap(),
            [vec![1], vec![1, 2, 3]],
            "the four lookups asked meanwhile made one query, each key once"
        );
    }

    #[tokio::test]
    async fn a_failed_query_fails_each_of_its_lookups() {
        let lookup: BatchedLookup<u32, u32> =
            BatchedLookup::start(|_keys| async { Err(anyhow::anyhow!("disk on fire").into()) });
        let (a, b) = tokio::join!(lookup.get(1), lookup.get(2));
        for answer in [a, b] {
            match answer {
                Err(Error::Internal(cause)) => {
                    assert!(cause.to_string().contains("disk on fire"), "{cause}")
                }
                other => panic!("expected the query's failure, got {other:?}"),
            }
        }
    }
}
