//! Files: the `blobs` ledger of what the blob store holds, and the
//! `attachments` people see (see migrations/*/0003_attachments.sql).

use super::{placeholders, Conn};
use crate::error::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentRow {
    pub seq: i64,
    pub id: String,
    pub uploader_id: String,
    pub message_id: Option<String>,
    pub position: i64,
    pub name: String,
    pub size: i64,
    pub content_type: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub sha256: String,
    pub blob_id: String,
    pub thumbnail_blob_id: Option<String>,
    pub thumbnail_type: Option<String>,
    pub thumbnail_size: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str =
    "seq, id, uploader_id, message_id, position, name, size, content_type, width, height, \
     sha256, blob_id, thumbnail_blob_id, thumbnail_type, thumbnail_size, created_at";

/// Lists bound into `IN (…)` go in slices of this many.
const BATCH: usize = 500;

/// Whether blob `b` is in use: an attachment (sent or not) or a saved
/// reply's file names it, as its file or its thumbnail. Blobs in no use are
/// deleted.
macro_rules! blob_in_use {
    () => {
        "(EXISTS (SELECT 1 FROM attachments a WHERE a.blob_id = b.id OR a.thumbnail_blob_id = b.id) \
          OR EXISTS (SELECT 1 FROM saved_reply_files f \
                     WHERE f.blob_id = b.id OR f.thumbnail_blob_id = b.id))"
    };
}

/// Records a blob about to be written, so it is known before its first byte.
pub async fn reserve_blob(conn: &mut Conn, id: &str, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO blobs (id, size, is_complete, created_at) VALUES ($1, 0, 0, $2)")
        .bind(id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn complete_blob(conn: &mut Conn, id: &str, size: i64) -> Result<()> {
    sqlx::query("UPDATE blobs SET size = $1, is_complete = 1 WHERE id = $2")
        .bind(size)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn is_blob_complete(conn: &mut Conn, id: &str) -> Result<bool> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT is_complete FROM blobs WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    Ok(matches!(row, Some((1,))))
}

/// Forgets a blob unless something still uses it; true when forgotten.
pub async fn forget_blob(conn: &mut Conn, id: &str) -> Result<bool> {
    let done = sqlx::query(concat!(
        "DELETE FROM blobs WHERE id IN (SELECT b.id FROM blobs b WHERE b.id = $1 AND NOT ",
        blob_in_use!(),
        ")"
    ))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A copy of a stored attachment, under a new id, in another message: the
/// same blobs, and the same text for search.
pub async fn copy(conn: &mut Conn, from_id: &str, id: &str, message_id: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO attachments (id, uploader_id, message_id, position, name, size, content_type, width, height, \
         sha256, blob_id, thumbnail_blob_id, thumbnail_type, thumbnail_size, created_at, text) \
         SELECT $1, uploader_id, $2, position, name, size, content_type, width, height, \
         sha256, blob_id, thumbnail_blob_id, thumbnail_type, thumbnail_size, created_at, text \
         FROM attachments WHERE id = $3",
    )
    .bind(id)
    .bind(message_id)
    .bind(from_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert(conn: &mut Conn, row: &AttachmentRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO attachments (id, uploader_id, message_id, position, name, size, content_type, width, height, \
         sha256, blob_id, thumbnail_blob_id, thumbnail_type, thumbnail_size, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&row.id)
    .bind(&row.uploader_id)
    .bind(&row.message_id)
    .bind(row.position)
    .bind(&row.name)
    .bind(row.size)
    .bind(&row.content_type)
    .bind(row.width)
    .bind(row.height)
    .bind(&row.sha256)
    .bind(&row.blob_id)
    .bind(&row.thumbnail_blob_id)
    .bind(&row.thumbnail_type)
    .bind(row.thumbnail_size)
    .bind(row.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<AttachmentRow>> {
    let sql = format!("SELECT {COLUMNS} FROM attachments WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// The attachments of these messages, each message's in their order.
pub async fn of_messages(conn: &mut Conn, message_ids: &[&str]) -> Result<Vec<AttachmentRow>> {
    let mut rows = Vec::new();
    for batch in message_ids.chunks(BATCH) {
        let sql = format!(
            "SELECT {COLUMNS} FROM attachments WHERE message_id IN ({}) ORDER BY message_id, position",
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

/// Files sent with a message, after `after` in upload order (the
/// workspace's export).
pub async fn sent_after(conn: &mut Conn, after: i64, limit: u32) -> Result<Vec<AttachmentRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM attachments WHERE message_id IS NOT NULL AND seq > $1 \
         ORDER BY seq LIMIT $2"
    );
    Ok(sqlx::query_as(&sql)
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await?)
}

/// Puts an unsent upload of `uploader_id` on a message; false when there
/// is no such upload (unknown, someone else's, or already sent).
pub async fn attach(
    conn: &mut Conn,
    id: &str,
    uploader_id: &str,
    message_id: &str,
    position: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE attachments SET message_id = $1, position = $2 \
         WHERE id = $3 AND uploader_id = $4 AND message_id IS NULL",
    )
    .bind(message_id)
    .bind(position)
    .bind(id)
    .bind(uploader_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The blobs used by these attachments (files and thumbnails).
fn blob_ids_of(rows: &[(String, Option<String>)]) -> Vec<String> {
    let mut ids: Vec<String> = rows
        .iter()
        .flat_map(|(blob, thumbnail)| std::iter::once(blob.clone()).chain(thumbnail.clone()))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// Removes a message's attachments; returns the blobs they used.
pub async fn remove_from_message(conn: &mut Conn, message_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT blob_id, thumbnail_blob_id FROM attachments WHERE message_id = $1")
            .bind(message_id)
            .fetch_all(&mut *conn)
            .await?;
    sqlx::query("DELETE FROM attachments WHERE message_id = $1")
        .bind(message_id)
        .execute(conn)
        .await?;
    Ok(blob_ids_of(&rows))
}

/// Removes unsent uploads of one uploader; returns the blobs they used.
pub async fn remove_unsent(
    conn: &mut Conn,
    uploader_id: &str,
    ids: &[String],
) -> Result<Vec<String>> {
    let mut blobs = Vec::new();
    for id in ids {
        let row: Option<(String, Option<String>)> = sqlx::query_as(
            "DELETE FROM attachments WHERE id = $1 AND uploader_id = $2 AND message_id IS NULL \
             RETURNING blob_id, thumbnail_blob_id",
        )
        .bind(id)
        .bind(uploader_id)
        .fetch_optional(&mut *conn)
        .await?;
        blobs.extend(row);
    }
    Ok(blob_ids_of(&blobs))
}

/// The blobs used by the messages of these channels, found before the
/// channels go (their attachments go with them, by cascade).
pub async fn blob_ids_in_channels(conn: &mut Conn, channel_ids: &[String]) -> Result<Vec<String>> {
    blob_ids_where(
        conn,
        "JOIN messages m ON m.id = a.message_id WHERE m.channel_id",
        channel_ids,
    )
    .await
}

/// The blobs used by these messages, found before the messages go.
pub async fn blob_ids_of_messages(conn: &mut Conn, message_ids: &[String]) -> Result<Vec<String>> {
    blob_ids_where(conn, "WHERE a.message_id", message_ids).await
}

/// The blobs of the attachments `a` where `condition` (ending in the
/// column to match) is one of `ids`.
async fn blob_ids_where(conn: &mut Conn, condition: &str, ids: &[String]) -> Result<Vec<String>> {
    let mut rows = Vec::new();
    for batch in ids.chunks(BATCH) {
        let sql = format!(
            "SELECT a.blob_id, a.thumbnail_blob_id FROM attachments a {condition} IN ({})",
            placeholders(1, batch.len())
        );
        let mut query = sqlx::query_as(&sql);
        for id in batch {
            query = query.bind(id);
        }
        let found: Vec<(String, Option<String>)> = query.fetch_all(&mut *conn).await?;
        rows.extend(found);
    }
    Ok(blob_ids_of(&rows))
}

/// Removes uploads never sent since `before`; returns the blobs they used.
pub async fn remove_unsent_before(conn: &mut Conn, before: i64) -> Result<Vec<String>> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "DELETE FROM attachments WHERE message_id IS NULL AND created_at < $1 \
         RETURNING blob_id, thumbnail_blob_id",
    )
    .bind(before)
    .fetch_all(conn)
    .await?;
    Ok(blob_ids_of(&rows))
}

/// Of these blobs, the complete ones no attachment uses any more.
pub async fn unused_blobs(conn: &mut Conn, candidates: &[String]) -> Result<Vec<String>> {
    let mut unused = Vec::new();
    for batch in candidates.chunks(BATCH) {
        let sql = format!(
            "SELECT b.id FROM blobs b WHERE b.is_complete = 1 AND b.id IN ({}) AND NOT {}",
            placeholders(1, batch.len()),
            blob_in_use!()
        );
        let mut query = sqlx::query_as(&sql);
        for id in batch {
            query = query.bind(id);
        }
        let found: Vec<(String,)> = query.fetch_all(&mut *conn).await?;
        unused.extend(found.into_iter().map(|(id,)| id));
    }
    Ok(unused)
}

/// Complete blobs no attachment uses (left by a crash between a delete's
/// commit and the removal of its files).
pub async fn all_unused_blobs(conn: &mut Conn, limit: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(concat!(
        "SELECT b.id FROM blobs b WHERE b.is_complete = 1 AND NOT ",
        blob_in_use!(),
        " LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Blobs whose writing started before `before` and never finished.
pub async fn abandoned_blobs(conn: &mut Conn, before: i64, limit: i64) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM blobs WHERE is_complete = 0 AND created_at < $1 LIMIT $2")
            .bind(before)
            .bind(limit)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Forgets a blob that never finished.
pub async fn forget_incomplete_blob(conn: &mut Conn, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM blobs WHERE id = $1 AND is_complete = 0")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Bytes of the files one person uploaded, sent or not (or kept in a saved
/// reply), each blob once.
pub async fn uploaded_by(conn: &mut Conn, uploader_id: &str) -> Result<i64> {
    let (bytes,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM blobs \
         WHERE id IN (SELECT blob_id FROM attachments WHERE uploader_id = $1) \
            OR id IN (SELECT blob_id FROM saved_reply_files WHERE uploader_id = $1)",
    )
    .bind(uploader_id)
    .fetch_one(conn)
    .await?;
    Ok(bytes)
}

/// Bytes of every complete blob (files and thumbnails).
pub async fn stored_bytes(conn: &mut Conn) -> Result<i64> {
    let (bytes,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM blobs WHERE is_complete = 1",
    )
    .fetch_one(conn)
    .await?;
    Ok(bytes)
}

pub async fn usage(conn: &mut Conn) -> Result<(i64, i64, i64)> {
    let (bytes, blobs): (i64, i64) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT), COUNT(*) FROM blobs WHERE is_complete = 1",
    )
    .fetch_one(&mut *conn)
    .await?;
    let (attachments,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM attachments")
        .fetch_one(conn)
        .await?;
    Ok((bytes, blobs, attachments))
}
