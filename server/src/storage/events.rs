//! The event log: appended inside the transaction that makes the change, read
//! in `seq` order by the realtime pump and by sockets that resume.

use super::Conn;
use crate::authz::Among;
use crate::domain::event::EventKind;
use crate::error::Result;

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRow {
    pub seq: i64,
    pub kind: String,
    pub channel_id: Option<String>,
    pub audience: Option<String>,
    /// For events meant for one person only (notifications).
    pub recipient_id: Option<String>,
    /// Who among the channel's viewers it is for (`authz::Among`); absent
    /// for everyone.
    #[serde(default)]
    pub among: Option<String>,
    pub payload: String,
    pub created_at: i64,
}

pub struct NewEvent<'a> {
    pub kind: EventKind,
    pub channel_id: Option<&'a str>,
    pub audience: Option<&'a str>,
    pub recipient_id: Option<&'a str>,
    pub among: Among,
    pub payload: &'a str,
    pub now: i64,
}

/// Appends an event; its `seq` comes from the counter row, whose lock orders
/// concurrent writers by commit (see the migration).
pub async fn append(conn: &mut Conn, event: &NewEvent<'_>) -> Result<i64> {
    let (seq,): (i64,) =
        sqlx::query_as("UPDATE event_counter SET value = value + 1 WHERE id = 1 RETURNING value")
            .fetch_one(&mut *conn)
            .await?;
    sqlx::query(
        "INSERT INTO events (seq, kind, channel_id, audience, recipient_id, among, payload, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(seq)
    .bind(event.kind.as_str())
    .bind(event.channel_id)
    .bind(event.audience)
    .bind(event.recipient_id)
    .bind(event.among.as_stored())
    .bind(event.payload)
    .bind(event.now)
    .execute(conn)
    .await?;
    Ok(seq)
}

/// Events after `after`, up to and including `until`, oldest first.
pub async fn range(conn: &mut Conn, after: i64, until: i64, limit: u32) -> Result<Vec<EventRow>> {
    Ok(sqlx::query_as(
        "SELECT seq, kind, channel_id, audience, recipient_id, among, payload, created_at \
         FROM events \
         WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
    )
    .bind(after)
    .bind(until)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?)
}

/// The newest `seq` handed out (0 when there are no events yet).
pub async fn latest_seq(conn: &mut Conn) -> Result<i64> {
    let (value,): (i64,) = sqlx::query_as("SELECT value FROM event_counter WHERE id = 1")
        .fetch_one(conn)
        .await?;
    Ok(value)
}

/// The oldest `seq` still kept, if any.
pub async fn oldest_seq(conn: &mut Conn) -> Result<Option<i64>> {
    let (seq,): (Option<i64>,) = sqlx::query_as("SELECT MIN(seq) FROM events")
        .fetch_one(conn)
        .await?;
    Ok(seq)
}

/// Forgets events older than `before`, keeping at least the newest one so
/// the oldest kept `seq` still tells which cursors can resume.
pub async fn prune(conn: &mut Conn, before: i64) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM events WHERE created_at < $1 AND seq < (SELECT MAX(seq) FROM events)",
    )
    .bind(before)
    .execute(conn)
    .await?
    .rows_affected())
}
