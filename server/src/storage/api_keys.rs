//! API keys: only their digests are stored, with the limits they were made
//! with and when they were last used.

use super::Conn;
use crate::error::Result;

const COLUMNS: &str = "id, name, created_at, expires_at, last_used_at, read_only, send_as_others";

#[derive(Debug, sqlx::FromRow)]
pub struct ApiKeyRow {
    pub id: String,
    pub name: String,
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub read_only: i64,
    pub send_as_others: i64,
}

pub struct NewApiKey<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub key_hash: &'a str,
    pub internal_user_id: &'a str,
    pub now: i64,
    pub expires_at: Option<i64>,
    pub read_only: bool,
    pub send_as_others: bool,
}

pub async fn insert(conn: &mut Conn, key: &NewApiKey<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO api_keys (id, name, key_hash, internal_user_id, created_at, expires_at, \
         read_only, send_as_others) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(key.id)
    .bind(key.name)
    .bind(key.key_hash)
    .bind(key.internal_user_id)
    .bind(key.now)
    .bind(key.expires_at)
    .bind(super::flag(key.read_only))
    .bind(super::flag(key.send_as_others))
    .execute(conn)
    .await?;
    Ok(())
}

/// Every key, expired ones included, oldest first.
pub async fn list(conn: &mut Conn) -> Result<Vec<ApiKeyRow>> {
    let sql = format!("SELECT {COLUMNS} FROM api_keys ORDER BY created_at, id");
    Ok(sqlx::query_as(&sql).fetch_all(conn).await?)
}

pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<ApiKeyRow>> {
    let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

pub async fn by_name(conn: &mut Conn, name: &str) -> Result<Option<ApiKeyRow>> {
    let sql = format!("SELECT {COLUMNS} FROM api_keys WHERE name = $1");
    Ok(sqlx::query_as(&sql).bind(name).fetch_optional(conn).await?)
}

/// Deletes a key; true if it existed.
pub async fn delete(conn: &mut Conn, id: &str) -> Result<bool> {
    let removed = sqlx::query("DELETE FROM api_keys WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(removed == 1)
}

/// Records that keys were used, never moving a time back (another node may
/// have recorded a later use).
pub async fn record_uses(conn: &mut Conn, uses: &[(String, i64)]) -> Result<()> {
    for (id, at) in uses {
        sqlx::query(
            "UPDATE api_keys SET last_used_at = $2 \
             WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $2)",
        )
        .bind(id)
        .bind(*at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
