use sqlx::Row;

use super::Conn;
use crate::authz::Scope;
use crate::domain::message_version::VersionChange;
use crate::error::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageRow {
    pub seq: i64,
    pub id: String,
    pub channel_id: String,
    pub sender_id: String,
    pub sender_type: String,
    pub text: String,
    pub is_welcome: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub deleted_at: Option<i64>,
    /// `email` for a reply by e-mail; None for the portal and the API.
    pub sent_via: Option<String>,
    /// 1 for an internal note, which only staff see.
    pub is_internal: i64,
    /// The key its sender gave to make retries safe, if any.
    pub idempotency_key: Option<String>,
    /// When its text was last edited.
    pub edited_at: Option<i64>,
    /// Who deleted it (staff only: `authz::sees_history`).
    pub deleted_by: Option<String>,
}

pub(crate) const COLUMNS: &str =
    "seq, id, channel_id, sender_id, sender_type, text, is_welcome, created_at, \
     updated_at, deleted_at, sent_via, is_internal, idempotency_key, edited_at, deleted_by";

/// Keeps internal notes out of what is read for someone who may not see
/// them: `$n` holds the reader's scope kind (`authz::note_visible`).
macro_rules! for_reader {
    ($kind:literal) => {
        crate::authz::note_visible!("m", $kind)
    };
}

impl MessageRow {
    /// The row a new message will have once stored (its `seq` unknown yet).
    pub fn unsaved(message: &NewMessage<'_>) -> MessageRow {
        MessageRow {
            seq: 0,
            id: message.id.to_string(),
            channel_id: message.channel_id.to_string(),
            sender_id: message.sender_id.to_string(),
            sender_type: message.sender_type.to_string(),
            text: message.text.to_string(),
            is_welcome: super::flag(message.is_welcome),
            created_at: message.now,
            updated_at: message.now,
            deleted_at: None,
            sent_via: message.sent_via.map(str::to_string),
            is_internal: super::flag(message.is_internal),
            idempotency_key: message.idempotency_key.map(str::to_string),
            edited_at: None,
            deleted_by: None,
        }
    }
}

pub struct NewMessage<'a> {
    pub id: &'a str,
    pub channel_id: &'a str,
    pub sender_id: &'a str,
    pub sender_type: &'a str,
    pub text: &'a str,
    pub is_welcome: bool,
    pub idempotency_key: Option<&'a str>,
    /// `email` for a reply by e-mail; None for the portal and the API.
    pub sent_via: Option<&'a str>,
    pub is_internal: bool,
    pub now: i64,
}

/// The columns a new message is stored with, in the order `NewMessage::bind`
/// binds them.
pub(super) const NEW_COLUMNS: &str =
    "id, channel_id, sender_id, sender_type, text, is_welcome, idempotency_key, sent_via, is_internal, \
     created_at, updated_at";
/// How many values `NewMessage::bind` binds.
pub(super) const NEW_WIDTH: usize = 11;

impl<'a> NewMessage<'a> {
    /// Binds the message's values for `NEW_COLUMNS`.
    pub(super) fn bind(&self, query: super::Query<'a>) -> super::Query<'a> {
        query
            .bind(self.id)
            .bind(self.channel_id)
            .bind(self.sender_id)
            .bind(self.sender_type)
            .bind(self.text)
            .bind(super::flag(self.is_welcome))
            .bind(self.idempotency_key)
            .bind(self.sent_via)
            .bind(super::flag(self.is_internal))
            .bind(self.now)
            .bind(self.now)
    }
}

/// Stores a message and moves its channel's last-message date (for its
/// clients too unless it is a note); returns its seq.
pub async fn insert(conn: &mut Conn, message: &NewMessage<'_>) -> Result<i64> {
    let sql = format!(
        "INSERT INTO messages ({NEW_COLUMNS}) VALUES ({}) RETURNING seq",
        super::placeholders(1, NEW_WIDTH)
    );
    let row = message
        .bind(sqlx::query(&sql))
        .fetch_one(&mut *conn)
        .await?;
    let seq: i64 = row.try_get(0)?;
    let writer = match (message.is_internal, message.sender_type) {
        (true, _) => super::channels::Writer::Note,
        (false, "client") => super::channels::Writer::Client,
        (false, _) => super::channels::Writer::Staff,
    };
    super::channels::touch(conn, message.channel_id, message.now, writer).await?;
    Ok(seq)
}

pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<MessageRow>> {
    let sql = format!("SELECT {COLUMNS} FROM messages WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

pub async fn by_idempotency_key(
    conn: &mut Conn,
    sender_id: &str,
    key: &str,
) -> Result<Option<MessageRow>> {
    let sql =
        format!("SELECT {COLUMNS} FROM messages WHERE sender_id = $1 AND idempotency_key = $2");
    Ok(sqlx::query_as(&sql)
        .bind(sender_id)
        .bind(key)
        .fetch_optional(conn)
        .await?)
}

/// Newest first, starting below `before`: those of them `reader` may see
/// (the caller decided they see the channel).
pub async fn list(
    conn: &mut Conn,
    reader: &Scope,
    channel_id: &str,
    before: i64,
    limit: u32,
) -> Result<Vec<MessageRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM messages m WHERE channel_id = $1 AND seq < $2 AND {} \
         ORDER BY seq DESC LIMIT $3",
        for_reader!("$4")
    );
    Ok(sqlx::query_as(&sql)
        .bind(channel_id)
        .bind(before)
        .bind(i64::from(limit) + 1)
        .bind(reader.params().0)
        .fetch_all(conn)
        .await?)
}

/// Oldest first, after `after`: those of them `reader` may see, without
/// deleted ones (the caller decided they see the channel). A transcript
/// reads a conversation this way.
pub async fn oldest_first(
    conn: &mut Conn,
    reader: &Scope,
    channel_id: &str,
    after: i64,
    limit: u32,
) -> Result<Vec<MessageRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM messages m WHERE channel_id = $1 AND seq > $2 \
         AND deleted_at IS NULL AND {} ORDER BY seq LIMIT $3",
        for_reader!("$4")
    );
    Ok(sqlx::query_as(&sql)
        .bind(channel_id)
        .bind(after)
        .bind(i64::from(limit))
        .bind(reader.params().0)
        .fetch_all(conn)
        .await?)
}

/// Every message of the workspace after `after`, oldest first: notes and
/// deleted ones too (the workspace's export, for admins).
pub async fn every_after(conn: &mut Conn, after: i64, limit: u32) -> Result<Vec<MessageRow>> {
    let sql = format!("SELECT {COLUMNS} FROM messages WHERE seq > $1 ORDER BY seq LIMIT $2");
    Ok(sqlx::query_as(&sql)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await?)
}

/// Gives a message new text, keeping the text it replaces as an earlier
/// version (`message_versions`); false when it was deleted meanwhile.
pub async fn edit(conn: &mut Conn, id: &str, text: &str, editor: &str, now: i64) -> Result<bool> {
    if !lock_undeleted(conn, id).await? {
        return Ok(false);
    }
    super::message_versions::keep(conn, id, VersionChange::Edit, editor, now).await?;
    sqlx::query("UPDATE messages SET text = $1, edited_at = $2, updated_at = $2 WHERE id = $3")
        .bind(text)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(true)
}

/// Deletes a message's content (its text, and the search text of its
/// files, which go with it) but keeps its place in history, and what it
/// said as its last earlier version, for staff; false when it was deleted
/// already.
pub async fn tombstone(conn: &mut Conn, id: &str, deleter: &str, now: i64) -> Result<bool> {
    if !lock_undeleted(conn, id).await? {
        return Ok(false);
    }
    super::message_versions::keep(conn, id, VersionChange::Delete, deleter, now).await?;
    sqlx::query(
        "UPDATE messages SET text = '', files_text = '', deleted_at = $1, deleted_by = $2, \
         updated_at = $1 WHERE id = $3",
    )
    .bind(now)
    .bind(deleter)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(true)
}

/// Locks a message's row for a change, unless it is deleted. On PostgreSQL
/// a concurrent change of the same message waits here for the first to
/// commit, and its next statement then reads the text the first left, so
/// each kept version is the text its change replaced. (SQLite's writers
/// take turns anyway.)
async fn lock_undeleted(conn: &mut Conn, id: &str) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE messages SET updated_at = updated_at WHERE id = $1 AND deleted_at IS NULL",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The `seq` and id of a channel's newest message that `reader` may see,
/// at `upto` or before.
pub async fn latest(
    conn: &mut Conn,
    reader: &Scope,
    channel_id: &str,
    upto: i64,
) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as(concat!(
        "SELECT seq, id FROM messages m WHERE channel_id = $1 AND seq <= $2 AND ",
        for_reader!("$3"),
        " ORDER BY seq DESC LIMIT 1"
    ))
    .bind(channel_id)
    .bind(upto)
    .bind(reader.params().0)
    .fetch_optional(conn)
    .await?)
}

/// Moves a reader's marker forward (never back).
pub async fn mark_read(
    conn: &mut Conn,
    channel_id: &str,
    user_id: &str,
    seq: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO read_states (channel_id, user_id, last_read_seq, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (channel_id, user_id) DO UPDATE SET \
         last_read_seq = CASE WHEN excluded.last_read_seq > read_states.last_read_seq \
                              THEN excluded.last_read_seq ELSE read_states.last_read_seq END, \
         updated_at = excluded.updated_at",
    )
    .bind(channel_id)
    .bind(user_id)
    .bind(seq)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Puts a reader's marker just before `seq`, even if it was further on: the
/// message at `seq` and what follows count as unread again.
pub async fn mark_unread_from(
    conn: &mut Conn,
    channel_id: &str,
    user_id: &str,
    seq: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO read_states (channel_id, user_id, last_read_seq, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (channel_id, user_id) DO UPDATE SET \
         last_read_seq = excluded.last_read_seq, updated_at = excluded.updated_at",
    )
    .bind(channel_id)
    .bind(user_id)
    .bind(seq - 1)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The `seq` and id of the newest message `reader` (`user_id`) may see
/// that someone else sent to a channel (not deleted).
pub async fn newest_from_others(
    conn: &mut Conn,
    reader: &Scope,
    channel_id: &str,
    user_id: &str,
) -> Result<Option<(i64, String)>> {
    Ok(sqlx::query_as(concat!(
        "SELECT seq, id FROM messages m WHERE channel_id = $1 AND sender_id <> $2 \
         AND deleted_at IS NULL AND ",
        for_reader!("$3"),
        " ORDER BY seq DESC LIMIT 1"
    ))
    .bind(channel_id)
    .bind(user_id)
    .bind(reader.params().0)
    .fetch_optional(conn)
    .await?)
}

/// The newest message `reader` (`user_id`) may see of those someone else
/// has read in a channel.
pub async fn newest_read_by_others(
    conn: &mut Conn,
    reader: &Scope,
    channel_id: &str,
    user_id: &str,
) -> Result<Option<String>> {
    let row: Option<(String,)> = sqlx::query_as(concat!(
        "SELECT id FROM messages m WHERE channel_id = $1 AND seq <= \
         (SELECT MAX(last_read_seq) FROM read_states WHERE channel_id = $1 AND user_id <> $2) AND ",
        for_reader!("$3"),
        " ORDER BY seq DESC LIMIT 1"
    ))
    .bind(channel_id)
    .bind(user_id)
    .bind(reader.params().0)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(id,)| id))
}
