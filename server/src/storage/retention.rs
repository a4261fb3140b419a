//! Retention's reads and deletions, and legal holds.

use super::Conn;
use crate::authz::channel_visible;
use crate::error::Result;

/// A hold on a client's conversations.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HoldRow {
    pub client_id: String,
    pub placed_by: String,
    pub placed_at: i64,
}

pub async fn hold(conn: &mut Conn, client_id: &str) -> Result<Option<HoldRow>> {
    Ok(sqlx::query_as(
        "SELECT client_id, placed_by, placed_at FROM legal_holds WHERE client_id = $1",
    )
    .bind(client_id)
    .fetch_optional(conn)
    .await?)
}

/// Places a hold; false when one was already there (it is kept as it was).
pub async fn place_hold(conn: &mut Conn, row: &HoldRow) -> Result<bool> {
    let placed = sqlx::query(
        "INSERT INTO legal_holds (client_id, placed_by, placed_at) VALUES ($1, $2, $3) \
         ON CONFLICT (client_id) DO NOTHING",
    )
    .bind(&row.client_id)
    .bind(&row.placed_by)
    .bind(row.placed_at)
    .execute(conn)
    .await?;
    Ok(placed.rows_affected() == 1)
}

/// Lifts a hold; false when there was none.
pub async fn lift_hold(conn: &mut Conn, client_id: &str) -> Result<bool> {
    let lifted = sqlx::query("DELETE FROM legal_holds WHERE client_id = $1")
        .bind(client_id)
        .execute(conn)
        .await?;
    Ok(lifted.rows_affected() == 1)
}

/// Up to `limit` messages sent before `cutoff` in conversations no held
/// client can see, oldest first: `(id, seq)`.
///
/// Messages are stored in the order they are sent, so those sent before
/// `cutoff` come before the first one sent after it: the walk stops there
/// rather than reading the whole table on every run.
pub async fn expired(conn: &mut Conn, cutoff: i64, limit: u32) -> Result<Vec<(String, i64)>> {
    let boundary: Option<(i64,)> =
        sqlx::query_as("SELECT seq FROM messages WHERE created_at >= $1 ORDER BY seq LIMIT 1")
            .bind(cutoff)
            .fetch_optional(&mut *conn)
            .await?;
    let boundary = boundary.map_or(i64::MAX, |(seq,)| seq);
    Ok(sqlx::query_as(concat!(
        "SELECT msg.id, msg.seq FROM messages msg WHERE msg.seq < $1 AND msg.created_at < $2 ",
        "AND NOT EXISTS (SELECT 1 FROM legal_holds h JOIN channels c ON c.id = msg.channel_id WHERE ",
        channel_visible!("'client'", "h.client_id"),
        ") ORDER BY msg.seq LIMIT $3"
    ))
    .bind(boundary)
    .bind(cutoff)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?)
}

/// Deletes messages; their files, earlier versions and reactions go with
/// them (the foreign keys cascade), and the search index by its triggers.
pub async fn delete_messages(conn: &mut Conn, ids: &[String]) -> Result<u64> {
    let mut deleted = 0;
    for batch in ids.chunks(500) {
        let sql = format!(
            "DELETE FROM messages WHERE id IN ({})",
            super::placeholders(1, batch.len())
        );
        let mut query = sqlx::query(&sql);
        for id in batch {
            query = query.bind(id);
        }
        deleted += query.execute(&mut *conn).await?.rows_affected();
    }
    Ok(deleted)
}
