//! Reactions on messages (migrations/*/0020_reactions.sql).

use super::{placeholders, Conn};
use crate::domain::reaction::Reacted;
use crate::error::Result;

/// Lists bound into `IN (…)` go in slices of this many.
const BATCH: usize = 500;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReactionRow {
    pub message_id: String,
    pub user_id: String,
    pub emoji: String,
    pub created_at: i64,
}

impl ReactionRow {
    pub fn reacted(self) -> Reacted {
        Reacted {
            user_id: self.user_id,
            emoji: self.emoji,
            created_at: self.created_at,
        }
    }
}

/// Puts a person's emoji on a message; false when it was there already.
pub async fn add(
    conn: &mut Conn,
    message_id: &str,
    user_id: &str,
    emoji: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO message_reactions (message_id, user_id, emoji, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (message_id, user_id, emoji) DO NOTHING",
    )
    .bind(message_id)
    .bind(user_id)
    .bind(emoji)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Takes a person's emoji off a message; false when it was not there.
pub async fn remove(conn: &mut Conn, message_id: &str, user_id: &str, emoji: &str) -> Result<bool> {
    let done = sqlx::query(
        "DELETE FROM message_reactions WHERE message_id = $1 AND user_id = $2 AND emoji = $3",
    )
    .bind(message_id)
    .bind(user_id)
    .bind(emoji)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Every reaction of a deleted message goes with its content.
pub async fn remove_from_message(conn: &mut Conn, message_id: &str) -> Result<()> {
    sqlx::query("DELETE FROM message_reactions WHERE message_id = $1")
        .bind(message_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The reactions on these messages, in one query per slice of ids.
pub async fn of_messages(conn: &mut Conn, message_ids: &[&str]) -> Result<Vec<ReactionRow>> {
    let mut rows = Vec::new();
    for batch in message_ids.chunks(BATCH) {
        let sql = format!(
            "SELECT message_id, user_id, emoji, created_at FROM message_reactions \
             WHERE message_id IN ({}) ORDER BY message_id, created_at, user_id, emoji",
            placeholders(1, batch.len())
        );
        let mut query = sqlx::query_as(&sql);
        for id in batch {
            query = query.bind(*id);
        }
        rows.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(rows)
}
