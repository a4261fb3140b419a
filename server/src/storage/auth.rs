//! Sessions, API keys and setup tokens. Only digests of secrets are stored.

use super::Conn;
use crate::error::Result;

#[derive(Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub user_id: String,
    pub user_type: String,
    pub csrf_token: String,
    pub expires_at: i64,
}

pub async fn insert_session(
    conn: &mut Conn,
    token_hash: &str,
    user_id: &str,
    user_type: &str,
    csrf_token: &str,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, user_type, csrf_token, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(user_type)
    .bind(csrf_token)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find_session(
    conn: &mut Conn,
    token_hash: &str,
    now: i64,
) -> Result<Option<SessionRow>> {
    Ok(sqlx::query_as(
        "SELECT user_id, user_type, csrf_token, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?)
}

pub async fn delete_session(conn: &mut Conn, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_expired_sessions(conn: &mut Conn, now: i64) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected())
}

pub async fn insert_api_key(
    conn: &mut Conn,
    id: &str,
    name: &str,
    key_hash: &str,
    user_id: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO api_keys (id, name, key_hash, internal_user_id, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(name)
        .bind(key_hash)
        .bind(user_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn insert_setup_token(conn: &mut Conn, token_hash: &str, expires_at: i64) -> Result<()> {
    sqlx::query("INSERT INTO setup_tokens (token_hash, expires_at) VALUES ($1, $2)")
        .bind(token_hash)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Uses up a setup token; true if it existed and had not expired.
pub async fn take_setup_token(conn: &mut Conn, token_hash: &str, now: i64) -> Result<bool> {
    let removed = sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2")
        .bind(token_hash)
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(removed == 1)
}
