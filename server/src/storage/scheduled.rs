//! Messages to send later, waiting for their time (`service::scheduled`).

use super::Conn;
use crate::error::Result;

const COLUMNS: &str = "id, channel_id, author_id, author_type, text, is_internal, time_zone, \
     scheduled_at, failure, created_at, updated_at";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScheduledRow {
    pub id: String,
    pub channel_id: String,
    pub author_id: String,
    pub author_type: String,
    pub text: String,
    pub is_internal: i64,
    pub time_zone: String,
    pub scheduled_at: i64,
    pub failure: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn insert(conn: &mut Conn, row: &ScheduledRow) -> Result<()> {
    let sql = format!(
        "INSERT INTO scheduled_messages ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    );
    sqlx::query(&sql)
        .bind(&row.id)
        .bind(&row.channel_id)
        .bind(&row.author_id)
        .bind(&row.author_type)
        .bind(&row.text)
        .bind(row.is_internal)
        .bind(&row.time_zone)
        .bind(row.scheduled_at)
        .bind(&row.failure)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// One of an author's scheduled messages.
pub async fn get_own(conn: &mut Conn, author_id: &str, id: &str) -> Result<Option<ScheduledRow>> {
    let sql = format!("SELECT {COLUMNS} FROM scheduled_messages WHERE id = $1 AND author_id = $2");
    Ok(sqlx::query_as(&sql)
        .bind(id)
        .bind(author_id)
        .fetch_optional(conn)
        .await?)
}

/// An author's scheduled messages, in one channel or all, soonest first.
pub async fn list_own(
    conn: &mut Conn,
    author_id: &str,
    channel_id: Option<&str>,
) -> Result<Vec<ScheduledRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM scheduled_messages WHERE author_id = $1 \
         AND ($2 IS NULL OR channel_id = $2) ORDER BY scheduled_at, id LIMIT 500"
    );
    Ok(sqlx::query_as(&sql)
        .bind(author_id)
        .bind(channel_id)
        .fetch_all(conn)
        .await?)
}

pub async fn update(conn: &mut Conn, row: &ScheduledRow) -> Result<()> {
    sqlx::query(
        "UPDATE scheduled_messages SET text = $1, scheduled_at = $2, time_zone = $3, \
         failure = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(&row.text)
    .bind(row.scheduled_at)
    .bind(&row.time_zone)
    .bind(&row.failure)
    .bind(row.updated_at)
    .bind(&row.id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM scheduled_messages WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The ids of messages due at `now`, oldest first (a read: most checks
/// find nothing and take no lock).
pub async fn due(conn: &mut Conn, now: i64, limit: u32) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM scheduled_messages WHERE failure IS NULL AND scheduled_at <= $1 \
         ORDER BY scheduled_at, id LIMIT $2",
    )
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Takes a due message for sending: removes it and answers it, or `None`
/// when another node took it first (its removal waits for that node's
/// transaction, then finds nothing).
pub async fn take(conn: &mut Conn, id: &str) -> Result<Option<ScheduledRow>> {
    let sql = format!(
        "DELETE FROM scheduled_messages WHERE id = $1 AND failure IS NULL RETURNING {COLUMNS}"
    );
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// Records why a due message could not be sent; it stays listed for its
/// author.
pub async fn fail(conn: &mut Conn, id: &str, failure: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE scheduled_messages SET failure = $1, updated_at = $2 WHERE id = $3")
        .bind(failure)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
