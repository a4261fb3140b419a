//! Saved replies and their files (see migrations/*/0019_saved_replies.sql).
//! Reads take the reader's id and apply `authz::saved_reply_visible!`.

use super::Conn;
use crate::authz::saved_reply_visible;
use crate::error::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SavedReplyRow {
    pub seq: i64,
    pub id: String,
    pub owner_id: Option<String>,
    pub title: String,
    pub text: String,
    pub created_at: i64,
    pub updated_at: i64,
}

macro_rules! columns {
    () => {
        "r.seq, r.id, r.owner_id, r.title, r.text, r.created_at, r.updated_at"
    };
}

/// A file of a saved reply: what its upload was, without a message.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SavedFileRow {
    pub id: String,
    pub saved_reply_id: String,
    pub uploader_id: String,
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

const FILE_COLUMNS: &str =
    "id, saved_reply_id, uploader_id, position, name, size, content_type, width, height, sha256, \
     blob_id, thumbnail_blob_id, thumbnail_type, thumbnail_size, created_at";

/// The replies `reader_id` sees, by title.
pub async fn list_visible(conn: &mut Conn, reader_id: &str) -> Result<Vec<SavedReplyRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM saved_replies r WHERE ",
        saved_reply_visible!(),
        " ORDER BY LOWER(r.title), r.seq"
    ))
    .bind(reader_id)
    .fetch_all(conn)
    .await?)
}

pub async fn get_visible(
    conn: &mut Conn,
    reader_id: &str,
    id: &str,
) -> Result<Option<SavedReplyRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM saved_replies r WHERE ",
        saved_reply_visible!(),
        " AND r.id = $2"
    ))
    .bind(reader_id)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// How many replies the list of `owner_id` (None: the shared list) holds.
pub async fn count(conn: &mut Conn, owner_id: Option<&str>) -> Result<i64> {
    let (count,): (i64,) = match owner_id {
        None => {
            sqlx::query_as("SELECT COUNT(*) FROM saved_replies WHERE owner_id IS NULL")
                .fetch_one(conn)
                .await?
        }
        Some(owner) => {
            sqlx::query_as("SELECT COUNT(*) FROM saved_replies WHERE owner_id = $1")
                .bind(owner)
                .fetch_one(conn)
                .await?
        }
    };
    Ok(count)
}

/// Whether another reply of the same list already has this title.
pub async fn title_taken(
    conn: &mut Conn,
    owner_id: Option<&str>,
    title: &str,
    except_id: &str,
) -> Result<bool> {
    let (count,): (i64,) = match owner_id {
        None => sqlx::query_as(
            "SELECT COUNT(*) FROM saved_replies WHERE owner_id IS NULL AND title = $1 AND id <> $2",
        )
        .bind(title)
        .bind(except_id)
        .fetch_one(conn)
        .await?,
        Some(owner) => sqlx::query_as(
            "SELECT COUNT(*) FROM saved_replies WHERE owner_id = $1 AND title = $2 AND id <> $3",
        )
        .bind(owner)
        .bind(title)
        .bind(except_id)
        .fetch_one(conn)
        .await?,
    };
    Ok(count > 0)
}

pub async fn insert(conn: &mut Conn, row: &SavedReplyRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO saved_replies (id, owner_id, title, text, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&row.id)
    .bind(&row.owner_id)
    .bind(&row.title)
    .bind(&row.text)
    .bind(row.created_at)
    .bind(row.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update(conn: &mut Conn, id: &str, title: &str, text: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE saved_replies SET title = $1, text = $2, updated_at = $3 WHERE id = $4")
        .bind(title)
        .bind(text)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Deletes a reply and its files; returns the blobs they used.
pub async fn delete(conn: &mut Conn, id: &str) -> Result<Vec<String>> {
    let blobs = blobs_of(conn, "saved_reply_id = $1", id).await?;
    sqlx::query("DELETE FROM saved_reply_files WHERE saved_reply_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM saved_replies WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(blobs)
}

/// The blobs used by one person's own replies, found before they go with
/// the person (by cascade).
pub async fn blob_ids_of_owner(conn: &mut Conn, owner_id: &str) -> Result<Vec<String>> {
    blobs_of(
        conn,
        "saved_reply_id IN (SELECT id FROM saved_replies WHERE owner_id = $1)",
        owner_id,
    )
    .await
}

async fn blobs_of(conn: &mut Conn, condition: &str, value: &str) -> Result<Vec<String>> {
    let sql = format!("SELECT blob_id, thumbnail_blob_id FROM saved_reply_files WHERE {condition}");
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as(&sql).bind(value).fetch_all(conn).await?;
    let mut ids: Vec<String> = rows
        .into_iter()
        .flat_map(|(blob, thumbnail)| std::iter::once(blob).chain(thumbnail))
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// The files of these replies, each reply's in order.
pub async fn files_of(conn: &mut Conn, reply_ids: &[&str]) -> Result<Vec<SavedFileRow>> {
    let mut rows = Vec::new();
    for batch in reply_ids.chunks(500) {
        let sql = format!(
            "SELECT {FILE_COLUMNS} FROM saved_reply_files WHERE saved_reply_id IN ({}) \
             ORDER BY saved_reply_id, position",
            super::placeholders(1, batch.len())
        );
        let mut query = sqlx::query_as(&sql);
        for id in batch {
            query = query.bind(*id);
        }
        rows.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(rows)
}

pub async fn insert_file(conn: &mut Conn, row: &SavedFileRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO saved_reply_files (id, saved_reply_id, uploader_id, position, name, size, \
         content_type, width, height, sha256, blob_id, thumbnail_blob_id, thumbnail_type, \
         thumbnail_size, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&row.id)
    .bind(&row.saved_reply_id)
    .bind(&row.uploader_id)
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

/// Removes a reply's files; returns the blobs they used.
pub async fn remove_files(conn: &mut Conn, reply_id: &str) -> Result<Vec<String>> {
    let blobs = blobs_of(conn, "saved_reply_id = $1", reply_id).await?;
    sqlx::query("DELETE FROM saved_reply_files WHERE saved_reply_id = $1")
        .bind(reply_id)
        .execute(conn)
        .await?;
    Ok(blobs)
}
