//! The writer that commits many senders' messages in one transaction.
//!
//! Every send used to be a transaction of its own: nine statements on the one
//! write connection, each a round trip to SQLite's worker thread, and an
//! fsync. Here sends queue for one task, and everything that arrived while
//! the previous batch was being written goes into the next one: each message
//! is checked on its own by the rules every message obeys
//! (`service::sending`), then the batch is stored with one multi-row insert of messages, one
//! of events, one update of the channels' last-message dates and one commit.
//! A lone send is a batch of one and waits for no company.
//!
//! Each request is still answered only after the commit that holds its
//! message is durable. One bad message does not sink the others: a refusal
//! is that message's answer, and if the batch's write fails, each message is
//! tried again in a transaction of its own.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot};

use crate::authz::{self, Scope};
use crate::domain::event::EventKind;
use crate::domain::message::Message;
use crate::domain::new_id;
use crate::error::{Error, Result};
use crate::realtime::Hub;
use crate::service::sending::{self, Admission, Draft};
use crate::service::{events, views};
use crate::storage::messages::{MessageRow, NewMessage};
use crate::storage::sends::{self, SendTx, Sent};
use crate::storage::{now_ms, Committed, Conn, Store, WriteConn};

/// Messages per transaction, at most.
const MAX_BATCH: usize = 256;
/// Sends waiting for the writer, at most; further senders wait to queue.
const QUEUE: usize = 4 * MAX_BATCH;

struct Job {
    draft: Draft,
    answer: oneshot::Sender<Result<Message>>,
}

/// The queue in front of the writer task. The task ends when the last
/// handle is dropped.
#[derive(Clone)]
pub struct MessageWriter {
    queue: mpsc::Sender<Job>,
}

impl MessageWriter {
    /// Starts the writer task; needs a running Tokio runtime.
    pub fn start(store: Store, hub: Arc<Hub>, public_url: String) -> MessageWriter {
        let (queue, jobs) = mpsc::channel(QUEUE);
        let writer = Writer {
            store,
            hub,
            public_url,
        };
        tokio::spawn(writer.run(jobs));
        MessageWriter { queue }
    }

    /// Writes a message (`Draft::is_batchable`); resolves once it is
    /// durable (or refused).
    pub async fn send(&self, draft: Draft) -> Result<Message> {
        let (answer, answered) = oneshot::channel();
        self.queue
            .send(Job { draft, answer })
            .await
            .map_err(|_| anyhow::anyhow!("the message writer has stopped"))?;
        answered
            .await
            .map_err(|_| anyhow::anyhow!("the message writer dropped a send"))?
    }
}

struct Writer {
    store: Store,
    hub: Arc<Hub>,
    public_url: String,
}

impl Writer {
    async fn run(self, mut queue: mpsc::Receiver<Job>) {
        let mut waiting = Vec::with_capacity(MAX_BATCH);
        loop {
            while waiting.len() < MAX_BATCH {
                let Ok(job) = queue.try_recv() else { break };
                waiting.push(job);
            }
            if waiting.is_empty() && queue.recv_many(&mut waiting, MAX_BATCH).await == 0 {
                return;
            }
            let batch = waiting.drain(..batch_size(waiting.len())).collect();
            self.write(batch).await;
        }
    }

    async fn write(&self, jobs: Vec<Job>) {
        let mut conn = match self.store.write_conn().await {
            Ok(conn) => conn,
            Err(err) => return fail_all(jobs, err),
        };
        let drafts: Vec<&Draft> = jobs.iter().map(|job| &job.draft).collect();
        match self.commit(&mut conn, &drafts).await {
            Ok((outcomes, committed)) => {
                // The next batch is written while this one reaches the disk.
                tokio::spawn(self.answer_when_durable(jobs, outcomes, committed));
            }
            // Without a usable connection there is nothing to retry on.
            Err(err) if jobs.len() == 1 || !conn.is_reusable() => fail_all(jobs, err),
            Err(err) => {
                tracing::warn!(error = %err, messages = jobs.len(), "a batch of sends failed; writing them one by one");
                let mut jobs = jobs.into_iter();
                // Until a failure leaves the connection unusable.
                while conn.is_reusable() {
                    let Some(job) = jobs.next() else { break };
                    match self.commit(&mut conn, &[&job.draft]).await {
                        Ok((outcomes, committed)) => {
                            self.answer_when_durable(vec![job], outcomes, committed)
                                .await
                        }
                        Err(err) => {
                            let _ = job.answer.send(Err(err));
                        }
                    }
                }
                fail_each(jobs, &err);
            }
        }
    }

    fn answer_when_durable(
        &self,
        jobs: Vec<Job>,
        outcomes: Vec<Result<Message>>,
        committed: Committed,
    ) -> impl std::future::Future<Output = ()> + Send + 'static {
        let hub = self.hub.clone();
        async move {
            let durable = committed.durable().await;
            // Sends queue no e-mail of their own: the unread digests they
            // lead to come due minutes later, and the mail worker's own
            // rounds find them. Waking it here cost every batch a round.
            if durable.is_ok() {
                hub.notify();
            }
            for (job, outcome) in jobs.into_iter().zip(outcomes) {
                let outcome = match &durable {
                    Ok(()) => outcome,
                    Err(err) => Err(Error::Internal(anyhow::anyhow!(
                        "the commit did not reach the disk: {err}"
                    ))),
                };
                // The sender may have gone (client disconnected); the
                // message is stored either way.
                let _ = job.answer.send(outcome);
            }
        }
    }

    /// One transaction for all of `drafts`: the outcome of each, or the
    /// error that failed the whole transaction.
    async fn commit(
        &self,
        conn: &mut WriteConn,
        drafts: &[&Draft],
    ) -> Result<(Vec<Result<Message>>, Committed)> {
        let scopes: Vec<Scope> = drafts
            .iter()
            .map(|draft| authz::scope(&draft.author))
            .collect();
        let asked: Vec<(&Scope, &str)> = scopes
            .iter()
            .zip(drafts)
            .map(|(scope, draft)| (scope, draft.channel_id.as_str()))
            .collect();
        let (mut tx, visible) = sends::begin(conn, &asked).await?;
        let mut batch = Batch::new(now_ms());
        let mut outcomes = Vec::with_capacity(drafts.len());
        for (draft, visible) in drafts.iter().zip(visible) {
            match batch.add(&mut tx, &self.public_url, draft, visible).await {
                Err(Error::Internal(err)) => {
                    let _ = tx.rollback().await;
                    return Err(Error::Internal(err));
                }
                outcome => outcomes.push(outcome),
            }
        }
        tracing::debug!(messages = drafts.len(), "committing a batch of sends");
        Ok((outcomes, batch.commit(tx).await?))
    }
}

/// How many of the `waiting` sends go into the next batch: the largest
/// power of two that is not more. A batch's statements are as long as the
/// batch, and SQLite's statement cache (a hundred statements per
/// connection) keeps the few sizes this allows, where every size up to
/// 256 would crowd each other out and be parsed again each time.
fn batch_size(waiting: usize) -> usize {
    match waiting {
        0 => 0,
        n => 1 << n.ilog2(),
    }
}

/// Answers each job with the error that stopped its batch: a lone job with
/// the error itself.
fn fail_all(mut jobs: Vec<Job>, err: Error) {
    if jobs.len() == 1 {
        if let Some(job) = jobs.pop() {
            let _ = job.answer.send(Err(err));
        }
    } else {
        fail_each(jobs, &err);
    }
}

/// Answers each job with an internal error that names `err`.
fn fail_each(jobs: impl IntoIterator<Item = Job>, err: &Error) {
    for job in jobs {
        let _ = job.answer.send(Err(Error::Internal(anyhow::anyhow!(
            "the message could not be stored: {err}"
        ))));
    }
}

/// The messages of one transaction, checked and waiting to be stored.
struct Batch {
    now: i64,
    messages: Vec<Message>,
    /// Idempotency keys used in this batch, by sender: the message they made.
    keys: HashMap<(String, String), usize>,
}

impl Batch {
    fn new(now: i64) -> Batch {
        Batch {
            now,
            messages: Vec::new(),
            keys: HashMap::new(),
        }
    }

    /// Checks a draft and adds its message; a refusal is the draft's
    /// outcome. `visible` says whether its author may see its channel.
    async fn add(
        &mut self,
        conn: &mut Conn,
        public_url: &str,
        draft: &Draft,
        visible: bool,
    ) -> Result<Message> {
        let sender = match sending::admit(conn, draft, Some(visible)).await? {
            Admission::Repeat(earlier) => {
                let earlier = views::message_at(public_url, conn, *earlier).await?;
                return sending::same_request(earlier, draft);
            }
            Admission::New(sender) => sender,
        };
        let key = draft
            .idempotency_key
            .as_ref()
            .map(|key| (sender.id().to_string(), key.clone()));
        if let Some(index) = key.as_ref().and_then(|key| self.keys.get(key)) {
            return sending::same_request(self.messages[*index].clone(), draft);
        }
        let id = new_id();
        let row = MessageRow::unsaved(&draft.row(&id, &sender, self.now));
        let message = views::message_with(public_url, row, Vec::new());
        if let Some(key) = key {
            self.keys.insert(key, self.messages.len());
        }
        self.messages.push(message.clone());
        Ok(message)
    }

    /// Stores the batch's messages, their events and their channels' dates,
    /// and commits.
    async fn commit(&self, tx: SendTx<'_>) -> Result<Committed> {
        let payloads = match self
            .messages
            .iter()
            .map(events::payload)
            .collect::<Result<Vec<_>>>()
        {
            Ok(payloads) => payloads,
            Err(err) => {
                let _ = tx.rollback().await;
                return Err(err);
            }
        };
        let sent: Vec<Sent<'_>> = self
            .messages
            .iter()
            .zip(&payloads)
            .map(|(message, payload)| Sent {
                message: NewMessage {
                    id: &message.id,
                    channel_id: &message.channel_id,
                    sender_id: &message.sender_id,
                    sender_type: message.sender_type.as_str(),
                    text: &message.text,
                    is_welcome: false,
                    idempotency_key: message.idempotency_key.as_deref(),
                    sent_via: None,
                    is_internal: false,
                    now: self.now,
                },
                event: events::message_event(EventKind::MessageCreated, message, payload),
            })
            .collect();
        tx.commit(&sent, self.now).await
    }
}

#[cfg(test)]
mod tests {
    use super::batch_size;

    /// A batch takes the largest power of two of the waiting sends, so that
    /// there are only nine sizes of batch, and more than half of what waits.
    #[test]
    fn a_batch_is_the_largest_power_of_two_of_what_waits() {
        assert_eq!(batch_size(0), 0);
        for waiting in 1..=super::MAX_BATCH {
            let size = batch_size(waiting);
            assert!(size.is_power_of_two(), "{waiting} waiting: {size}");
            assert!(
                size <= waiting && size * 2 > waiting,
                "{waiting} waiting: {size}"
            );
        }
    }
}
