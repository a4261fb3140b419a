//! Sign-in attempt counts and the addresses accounts signed in from, shared
//! by every node through the database (see migrations/*/0010).

use super::Conn;
use crate::error::Result;

/// Counts one attempt in `bucket` in the window starting at `window_start`;
/// returns the window's count including this one.
pub async fn count_attempt(conn: &mut Conn, bucket: &str, window_start: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO sign_in_attempts (bucket, window_start, attempts) VALUES ($1, $2, 1) \
         ON CONFLICT (bucket, window_start) DO UPDATE SET attempts = sign_in_attempts.attempts + 1 \
         RETURNING attempts",
    )
    .bind(bucket)
    .bind(window_start)
    .fetch_one(conn)
    .await?)
}

/// Whether `account` signed in from `address` after `since`.
pub async fn is_known_address(
    conn: &mut Conn,
    account: &str,
    address: &str,
    since: i64,
) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT last_success_at FROM sign_in_known_addresses \
         WHERE account = $1 AND address = $2 AND last_success_at > $3",
    )
    .bind(account)
    .bind(address)
    .bind(since)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

pub async fn remember_address(
    conn: &mut Conn,
    account: &str,
    address: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sign_in_known_addresses (account, address, last_success_at) VALUES ($1, $2, $3) \
         ON CONFLICT (account, address) DO UPDATE SET last_success_at = excluded.last_success_at",
    )
    .bind(account)
    .bind(address)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes windows that ended before `windows_before` and addresses last
/// used before `addresses_before`; returns how many rows went.
pub async fn forget_old(
    conn: &mut Conn,
    windows_before: i64,
    addresses_before: i64,
) -> Result<u64> {
    let windows = sqlx::query("DELETE FROM sign_in_attempts WHERE window_start < $1")
        .bind(windows_before)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    let addresses = sqlx::query("DELETE FROM sign_in_known_addresses WHERE last_success_at < $1")
        .bind(addresses_before)
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(windows + addresses)
}
