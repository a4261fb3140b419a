//! Storing a batch of sent messages: the messages, the events that announce
//! them and their channels' last-message dates.
//!
//! On SQLite the four statements go to sqlx's worker thread as one
//! multi-statement query: one round trip to that thread instead of four.
//! Under load each round trip waits for the thread to be scheduled, and
//! those waits, not SQLite, limited how fast the one writer could go (see
//! docs/performance.md). PostgreSQL's extended protocol takes one statement
//! per query, so there they are sent one by one.

use std::collections::BTreeSet;

use super::events::NewEvent;
use super::messages::{NewMessage, NEW_COLUMNS, NEW_WIDTH};
use super::{Backend, Conn, Query, ROWS_PER_STATEMENT};
use crate::error::Result;

/// A message and the event that announces it.
pub struct Sent<'a> {
    pub message: NewMessage<'a>,
    pub event: NewEvent<'a>,
}

/// Stores the messages and their events (in this order, so events take
/// rising `seq`s), and moves each channel's last-message date to `now`.
pub async fn store(conn: &mut Conn, backend: Backend, sent: &[Sent<'_>], now: i64) -> Result<()> {
    for slice in sent.chunks(ROWS_PER_STATEMENT) {
        let channels: Vec<&str> = slice
            .iter()
            .map(|s| s.message.channel_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        match backend {
            Backend::Sqlite => {
                let sql = STATEMENTS
                    .map(|statement| {
                        statement.sql(&mut Params::Anonymous, slice.len(), channels.len())
                    })
                    .join(";\n");
                let mut query = sqlx::query(&sql);
                for statement in STATEMENTS {
                    query = statement.bind(query, slice, &channels, now);
                }
                query.execute(&mut *conn).await?;
            }
            Backend::Postgres => {
                for statement in STATEMENTS {
                    let sql = statement.sql(&mut Params::Numbered(0), slice.len(), channels.len());
                    let query = statement.bind(sqlx::query(&sql), slice, &channels, now);
                    query.execute(&mut *conn).await?;
                }
            }
        }
    }
    Ok(())
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

const EVENT_WIDTH: usize = 7;

/// Parameter placeholders. PostgreSQL wants them numbered. SQLite gets
/// plain `?`s, bound in order: it looks each numbered one up by name in a
/// list, which costs the square of a batch's thousand or so parameters.
enum Params {
    /// `$n`, counting on from the last one handed out.
    Numbered(usize),
    Anonymous,
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
    fn sql(self, params: &mut Params, rows: usize, channels: usize) -> String {
        match self {
            Statement::InsertMessages => format!(
                "INSERT INTO messages ({NEW_COLUMNS}) VALUES {}",
                params.rows(rows, NEW_WIDTH)
            ),
            Statement::TouchChannels => format!(
                "UPDATE channels SET last_message_at = {}, updated_at = {} WHERE id IN ({})",
                params.next(),
                params.next(),
                params.list(channels)
            ),
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
                    "INSERT INTO events (seq, kind, channel_id, audience, recipient_id, payload, \
                     created_at) VALUES {rows}"
                )
            }
        }
    }

    fn bind<'q>(
        self,
        mut query: Query<'q>,
        sent: &'q [Sent<'q>],
        channels: &[&'q str],
        now: i64,
    ) -> Query<'q> {
        match self {
            Statement::InsertMessages => {
                for sent in sent {
                    query = sent.message.bind(query);
                }
            }
            Statement::TouchChannels => {
                query = query.bind(now).bind(now);
                for channel in channels {
                    query = query.bind(*channel);
                }
            }
            Statement::CountEvents => query = query.bind(sent.len() as i64),
            Statement::InsertEvents => {
                for (index, event) in sent.iter().map(|s| &s.event).enumerate() {
                    query = query
                        .bind((sent.len() - 1 - index) as i64)
                        .bind(event.kind)
                        .bind(event.channel_id)
                        .bind(event.audience)
                        .bind(event.recipient_id)
                        .bind(event.payload)
                        .bind(event.now);
                }
            }
        }
        query
    }
}
