//! The transaction that stores a batch of sent messages: it opens by
//! finding which of the batch's channels each author may post in, and
//! closes by storing the messages, the events that announce them and their
//! channels' last-message dates.
//!
//! On SQLite each end is one multi-statement query to sqlx's worker thread:
//! `BEGIN` goes with the visibility check, the four stores with `COMMIT`.
//! Under load each round trip waits for that thread to be scheduled, and
//! those waits, not SQLite, limited how fast the one writer could go (see
//! docs/performance.md). PostgreSQL's extended protocol takes one statement
//! per query, so there they are sent one by one.
//!
//! The transaction is begun and ended with plain SQL rather than sqlx's
//! `Transaction`, whose `BEGIN` and `COMMIT` are round trips of their own;
//! `SendTx` therefore makes sure that a connection it leaves in an open
//! transaction is closed, never reused.

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};

use super::events::NewEvent;
use super::messages::{NewMessage, NEW_COLUMNS, NEW_WIDTH};
use super::{Backend, Committed, Conn, Query, WriteConn, ROWS_PER_STATEMENT};
use crate::authz::Scope;
use crate::error::Result;

/// A message and the event that announces it.
pub struct Sent<'a> {
    pub message: NewMessage<'a>,
    pub event: NewEvent<'a>,
}

/// An open transaction for a batch of sends. Use it as a connection for the
/// checks that need one; `commit` stores the batch and ends it.
pub struct SendTx<'c> {
    conn: &'c mut WriteConn,
    open: bool,
}

/// Begins a batch's transaction and answers, for each `(scope, channel)`
/// asked, whether that scope may see (and so post in) the channel.
pub async fn begin<'c>(
    conn: &'c mut WriteConn,
    asked: &[(&Scope, &str)],
) -> Result<(SendTx<'c>, Vec<bool>)> {
    let backend = conn.backend;
    let mut tx = SendTx { conn, open: false };
    let begin = match backend {
        // IMMEDIATE takes the write lock up front: a deferred transaction
        // that reads first and then writes can fail with SQLITE_BUSY.
        Backend::Sqlite => "BEGIN IMMEDIATE",
        Backend::Postgres => "BEGIN",
    };
    let mut checks = asked.chunks(ROWS_PER_STATEMENT).enumerate();
    // Until it is known to have ended, the transaction counts as open.
    tx.open = true;
    // On SQLite the first check rides with BEGIN; the others follow alone.
    let mut rows: Vec<(i64, String)> = match backend {
        Backend::Sqlite => match checks.next() {
            Some((_, first)) => {
                let sql = format!(
                    "{begin};\n{}",
                    visible_sql(&mut Params::Anonymous, first.len())
                );
                bind_asked(sqlx::query_as(&sql), first, 0)
                    .fetch_all(&mut *tx)
                    .await?
            }
            None => {
                sqlx::query(begin).execute(&mut *tx).await?;
                Vec::new()
            }
        },
        Backend::Postgres => {
            sqlx::query(begin).execute(&mut *tx).await?;
            Vec::new()
        }
    };
    for (chunk, asked) in checks {
        let sql = visible_sql(&mut backend.params(), asked.len());
        rows.extend(
            bind_asked(sqlx::query_as(&sql), asked, chunk * ROWS_PER_STATEMENT)
                .fetch_all(&mut *tx)
                .await?,
        );
    }
    let mut visible = vec![false; asked.len()];
    for (index, _channel) in rows {
        if let Some(seen) = usize::try_from(index).ok().and_then(|i| visible.get_mut(i)) {
            *seen = true;
        }
    }
    Ok((tx, visible))
}

/// Of the asked `(index, kind, subject, channel)` rows, those whose scope
/// may see the channel.
fn visible_sql(params: &mut Params, rows: usize) -> String {
    format!(
        "WITH w (i, kind, subject, id) AS (VALUES {}) {}",
        params.rows(rows, 4),
        super::channels::VISIBLE_TO_ASKING
    )
}

/// The visibility check's query: rows of (index asked, channel).
type VisibleQuery<'q> =
    sqlx::query::QueryAs<'q, sqlx::Any, (i64, String), sqlx::any::AnyArguments<'q>>;

fn bind_asked<'q>(
    mut query: VisibleQuery<'q>,
    asked: &'q [(&'q Scope, &'q str)],
    first_index: usize,
) -> VisibleQuery<'q> {
    for (offset, (scope, channel)) in asked.iter().enumerate() {
        let (kind, subject) = scope.params();
        query = query
            .bind((first_index + offset) as i64)
            .bind(kind)
            .bind(subject)
            .bind(*channel);
    }
    query
}

impl SendTx<'_> {
    /// Stores the messages and their events (in this order, so events take
    /// rising `seq`s), moves each channel's last-message date to `now` (for
    /// its clients too: a batch holds no notes), and commits. Nothing may be acknowledged until the answer is durable.
    pub async fn commit(mut self, sent: &[Sent<'_>], now: i64) -> Result<Committed> {
        let outcome = self.store_and_commit(sent, now).await;
        match outcome {
            Ok(()) => {
                self.open = false;
                Ok(Committed {
                    group_commit: self.conn.group_commit.clone(),
                })
            }
            Err(err) => {
                let _ = self.rollback().await;
                Err(err)
            }
        }
    }

    pub async fn rollback(mut self) -> Result<()> {
        sqlx::query("ROLLBACK").execute(&mut *self).await?;
        self.open = false;
        Ok(())
    }

    async fn store_and_commit(&mut self, sent: &[Sent<'_>], now: i64) -> Result<()> {
        let slices: Vec<(&[Sent<'_>], Channels)> = sent
            .chunks(ROWS_PER_STATEMENT)
            .map(|slice| (slice, Channels::of(slice)))
            .collect();
        match self.conn.backend {
            Backend::Sqlite => {
                let mut sql: Vec<String> = slices
                    .iter()
                    .flat_map(|(slice, _)| {
                        STATEMENTS
                            .map(|statement| statement.sql(&mut Params::Anonymous, slice.len()))
                    })
                    .collect();
                sql.push("COMMIT".to_string());
                let sql = sql.join(";\n");
                let mut query = sqlx::query(&sql);
                for (slice, channels) in &slices {
                    for statement in STATEMENTS {
                        query = statement.bind(query, slice, channels, now);
                    }
                }
                query.execute(&mut **self).await?;
            }
            Backend::Postgres => {
                for (slice, channels) in &slices {
                    for statement in STATEMENTS {
                        let sql = statement.sql(&mut Params::Numbered(0), slice.len());
                        let query = statement.bind(sqlx::query(&sql), slice, channels, now);
                        query.execute(&mut **self).await?;
                    }
                }
                sqlx::query("COMMIT").execute(&mut **self).await?;
            }
        }
        Ok(())
    }
}

/// The channels of a slice of the batch, each list repeated up to one entry
/// per message: an `IN (…)` list then has as many entries as there are
/// messages, so the statement's text depends on the batch's size alone,
/// and SQLite's statement cache serves every batch of that size.
struct Channels<'a> {
    /// Every channel written to.
    all: Vec<&'a str>,
    /// Those whose last message in the batch is a client's: they open again
    /// and wait for an answer; in the others the staff answered.
    client_last: Vec<&'a str>,
}

impl<'a> Channels<'a> {
    fn of(sent: &[Sent<'a>]) -> Channels<'a> {
        let mut last_writer: BTreeMap<&str, &str> = BTreeMap::new();
        for s in sent {
            last_writer.insert(s.message.channel_id, s.message.sender_type);
        }
        let client_last: Vec<&str> = last_writer
            .iter()
            .filter(|(_, writer)| **writer == "client")
            .map(|(channel, _)| *channel)
            .collect();
        let all: Vec<&str> = last_writer.keys().copied().collect();
        Channels {
            all: padded(&all, sent.len()),
            client_last: padded(&client_last, sent.len()),
        }
    }
}

/// `count` entries, `channels` over and over; an empty id (no channel has
/// one) when there are none.
fn padded<'a>(channels: &[&'a str], count: usize) -> Vec<&'a str> {
    if channels.is_empty() {
        return vec![""; count];
    }
    channels.iter().copied().cycle().take(count).collect()
}

impl Deref for SendTx<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.conn.conn
    }
}

impl DerefMut for SendTx<'_> {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.conn.conn
    }
}

impl Drop for SendTx<'_> {
    /// A transaction left open (a failed ROLLBACK, a panic) must not reach
    /// the next user of the connection.
    fn drop(&mut self) {
        if self.open {
            self.conn.close_on_drop();
        }
    }
}

#[derive(Clone, Copy)]
enum Statement {
    InsertMessages,
    TouchChannels,
    CountEvents,
    InsertEvents,
}

const STATEMENTS: [Statement; 4] = [
    Statement::InsertMessages,
    Statement::TouchChannels,
    Statement::CountEvents,
    Statement::InsertEvents,
];

const EVENT_WIDTH: usize = 8;

/// Parameter placeholders. PostgreSQL wants them numbered. SQLite gets
/// plain `?`s, bound in order: it looks each numbered one up by name in a
/// list, which costs the square of a batch's thousand or so parameters.
enum Params {
    /// `$n`, counting on from the last one handed out.
    Numbered(usize),
    Anonymous,
}

impl Backend {
    fn params(self) -> Params {
        match self {
            Backend::Sqlite => Params::Anonymous,
            Backend::Postgres => Params::Numbered(0),
        }
    }
}

impl Params {
    fn next(&mut self) -> String {
        match self {
            Params::Numbered(last) => {
                *last += 1;
                format!("${last}")
            }
            Params::Anonymous => "?".to_string(),
        }
    }

    /// `count` placeholders, comma-separated.
    fn list(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| self.next())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `(…), (…)`: `rows` rows of `width` placeholders.
    fn rows(&mut self, rows: usize, width: usize) -> String {
        (0..rows)
            .map(|_| format!("({})", self.list(width)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Statement {
    /// The statement for `rows` messages. Its channel list has as many
    /// entries, as `Channels::of` makes them.
    fn sql(self, params: &mut Params, rows: usize) -> String {
        match self {
            Statement::InsertMessages => format!(
                "INSERT INTO messages ({NEW_COLUMNS}) VALUES {}",
                params.rows(rows, NEW_WIDTH)
            ),
            // A client's message opens the conversation again and starts
            // (or continues) the client's wait; the staff's ends it.
            Statement::TouchChannels => {
                let (last, public, updated) = (params.next(), params.next(), params.next());
                let opened = params.list(rows);
                let unsnoozed = params.list(rows);
                let waiting = params.list(rows);
                let since = params.next();
                format!(
                    "UPDATE channels SET last_message_at = {last}, last_public_message_at = {public}, \
                     updated_at = {updated}, \
                     state = CASE WHEN id IN ({opened}) THEN 'open' ELSE state END, \
                     snoozed_until = CASE WHEN id IN ({unsnoozed}) THEN NULL ELSE snoozed_until END, \
                     awaiting_reply_since = CASE WHEN id IN ({waiting}) \
                         THEN COALESCE(awaiting_reply_since, {since}) ELSE NULL END \
                     WHERE id IN ({})",
                    params.list(rows)
                )
            }
            Statement::CountEvents => format!(
                "UPDATE event_counter SET value = value + {} WHERE id = 1",
                params.next()
            ),
            // Each event's seq is the counter (already moved past the
            // batch) less a bound offset, so the events take the counter's
            // next values in order.
            Statement::InsertEvents => {
                let rows = (0..rows)
                    .map(|_| {
                        format!(
                            "((SELECT value FROM event_counter WHERE id = 1) - {}, {})",
                            params.next(),
                            params.list(EVENT_WIDTH - 1)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "INSERT INTO events (seq, kind, channel_id, audience, recipient_id, among, \
                     payload, created_at) VALUES {rows}"
                )
            }
        }
    }

    fn bind<'q>(
        self,
        mut query: Query<'q>,
        sent: &'q [Sent<'q>],
        channels: &Channels<'q>,
        now: i64,
    ) -> Query<'q> {
        match self {
            Statement::InsertMessages => {
                for sent in sent {
                    query = sent.message.bind(query);
                }
            }
            Statement::TouchChannels => {
                query = query.bind(now).bind(now).bind(now);
                for _ in 0..3 {
                    for channel in &channels.client_last {
                        query = query.bind(*channel);
                    }
                }
                query = query.bind(now);
                for channel in &channels.all {
                    query = query.bind(*channel);
                }
            }
            Statement::CountEvents => query = query.bind(sent.len() as i64),
            Statement::InsertEvents => {
                for (index, event) in sent.iter().map(|s| &s.event).enumerate() {
                    query = query
                        .bind((sent.len() - 1 - index) as i64)
                        .bind(event.kind.as_str())
                        .bind(event.channel_id)
                        .bind(event.audience)
                        .bind(event.recipient_id)
                        .bind(event.among.as_stored())
                        .bind(event.payload)
                        .bind(event.now);
                }
            }
        }
        query
    }
}
