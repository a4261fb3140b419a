//! The texts messages no longer say (migrations/*/0023_message_history.sql).
//! Nothing here is read for anyone but staff: every other door reads
//! `messages.text`, which holds only what a message says now.

use super::Conn;
use crate::domain::message_version::VersionChange;
use crate::error::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    pub message_id: String,
    pub version: i64,
    pub text: String,
    pub change: String,
    pub edited_by: String,
    pub edited_at: i64,
}

/// Keeps the text a message says now as its next earlier version, replaced
/// by `change` of `by` at `at`. Its caller holds the message's row locked
/// (see `messages::edit`), so the text copied is the newest.
pub async fn keep(
    conn: &mut Conn,
    message_id: &str,
    change: VersionChange,
    by: &str,
    at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO message_versions (message_id, version, text, change, edited_by, edited_at) \
         SELECT m.id, \
                (SELECT COALESCE(MAX(v.version), 0) + 1 FROM message_versions v WHERE v.message_id = m.id), \
                m.text, $2, $3, $4 \
         FROM messages m WHERE m.id = $1",
    )
    .bind(message_id)
    .bind(change.as_str())
    .bind(by)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A message's earlier texts after version `after`, oldest first, at most
/// `limit`.
pub async fn of_message(
    conn: &mut Conn,
    message_id: &str,
    after: i64,
    limit: u32,
) -> Result<Vec<VersionRow>> {
    Ok(sqlx::query_as(
        "SELECT message_id, version, text, change, edited_by, edited_at FROM message_versions \
         WHERE message_id = $1 AND version > $2 ORDER BY version LIMIT $3",
    )
    .bind(message_id)
    .bind(after)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?)
}
