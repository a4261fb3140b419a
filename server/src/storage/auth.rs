//! Sessions and setup tokens. Only digests of secrets are stored.

use super::Conn;
use crate::domain::UserType;
use crate::error::Result;

/// A live session and who it belongs to.
#[derive(Debug, sqlx::FromRow)]
pub struct SessionUser {
    pub token_hash: String,
    pub user_id: String,
    #[sqlx(try_from = "String")]
    pub user_type: UserType,
    pub csrf_token: String,
    pub expires_at: i64,
    /// The internal user's role, when the session is staff's and they exist.
    pub role: Option<String>,
    pub is_client_access_limited: Option<i64>,
    /// The client, when the session is a client's and they exist.
    pub client_id: Option<String>,
}

pub async fn insert_session(
    conn: &mut Conn,
    token_hash: &str,
    user_id: &str,
    user_type: UserType,
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
    .bind(user_type.as_str())
    .bind(csrf_token)
    .bind(now)
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The sessions among `token_hashes` that have not expired at `now`, with
/// their users, in one query per `ROWS_PER_STATEMENT` sessions.
pub async fn find_sessions(
    conn: &mut Conn,
    token_hashes: &[&str],
    now: i64,
) -> Result<Vec<SessionUser>> {
    let mut found = Vec::with_capacity(token_hashes.len());
    for slice in token_hashes.chunks(super::ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT s.token_hash, s.user_id, s.user_type, s.csrf_token, s.expires_at, \
             u.role, u.is_client_access_limited, cl.id AS client_id FROM sessions s \
             LEFT JOIN internal_users u ON s.user_type <> 'client' AND u.id = s.user_id \
             LEFT JOIN clients cl ON s.user_type = 'client' AND cl.id = s.user_id \
             WHERE s.expires_at > $1 AND s.token_hash IN ({})",
            super::placeholders(2, slice.len())
        );
        let mut query = sqlx::query_as(&sql).bind(now);
        for hash in slice {
            query = query.bind(*hash);
        }
        found.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(found)
}

/// Ends a session; whether there was one.
pub async fn delete_session(conn: &mut Conn, token_hash: &str) -> Result<bool> {
    let deleted = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(conn)
        .await?;
    Ok(deleted.rows_affected() > 0)
}

pub async fn delete_expired_sessions(conn: &mut Conn, now: i64) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected())
}

pub async fn insert_setup_token(conn: &mut Conn, token_hash: &str, expires_at: i64) -> Result<()> {
    sqlx::query("INSERT INTO setup_tokens (token_hash, expires_at) VALUES ($1, $2)")
        .bind(token_hash)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether a setup token exists and has not expired.
pub async fn setup_token_valid(conn: &mut Conn, token_hash: &str, now: i64) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT expires_at FROM setup_tokens WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
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

/// Someone who signs in with a password: an internal user or a client.
#[derive(Debug, sqlx::FromRow)]
pub struct PasswordHolder {
    #[sqlx(try_from = "String")]
    pub user_type: UserType,
    pub id: String,
    pub given_name: String,
    pub email: String,
    pub password_hash: Option<String>,
    /// Goes up with every new password; reset links are signed with it.
    pub password_version: i64,
}

const HOLDERS: &str =
    "SELECT CAST('internalUser' AS TEXT) AS user_type, id, given_name, email, password_hash, \
     password_version FROM internal_users WHERE {key} = $1 \
     UNION ALL SELECT CAST('client' AS TEXT) AS user_type, id, given_name, email, password_hash, \
     password_version FROM clients WHERE {key} = $1";

/// The person with this id, staff or client (ids are unique across both).
pub async fn holder_by_id(conn: &mut Conn, id: &str) -> Result<Option<PasswordHolder>> {
    let sql = HOLDERS.replace("{key}", "id");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// The person with this (normalised) e-mail address, staff or client.
pub async fn holder_by_email(conn: &mut Conn, email: &str) -> Result<Option<PasswordHolder>> {
    let sql = HOLDERS.replace("{key}", "email");
    Ok(sqlx::query_as(&sql)
        .bind(email)
        .fetch_optional(conn)
        .await?)
}

/// Stores a new password if the person's password is still at `version`,
/// and bumps that version, which voids every reset link sent before. For
/// internal users it also uses up their invitation. False when the version
/// moved on meanwhile (the link or the change raced another one).
pub async fn set_password(
    conn: &mut Conn,
    holder: &PasswordHolder,
    password_hash: &str,
    now: i64,
) -> Result<bool> {
    let sql = if holder.user_type == UserType::Client {
        "UPDATE clients SET password_hash = $1, password_version = password_version + 1, \
         updated_at = $2 WHERE id = $3 AND password_version = $4"
    } else {
        "UPDATE internal_users SET password_hash = $1, password_version = password_version + 1, \
         invite_version = invite_version + 1, invite_expires_at = NULL, updated_at = $2 \
         WHERE id = $3 AND password_version = $4"
    };
    let updated = sqlx::query(sql)
        .bind(password_hash)
        .bind(now)
        .bind(&holder.id)
        .bind(holder.password_version)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(updated == 1)
}

/// Ends a person's sessions, all but `keep` (a token digest) when given.
pub async fn delete_sessions_of(conn: &mut Conn, user_id: &str, keep: Option<&str>) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or_default())
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
