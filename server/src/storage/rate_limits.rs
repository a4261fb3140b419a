//! Rates shared by every node through the database (see migrations/*/0016).

use super::Conn;
use crate::error::Result;

/// Counts one request for `key` at `now` against a rate of one per
/// `interval` ms with bursts of `burst` (GCRA); `None` when it is taken,
/// or how many ms until it would be.
pub async fn take(
    conn: &mut Conn,
    key: &str,
    now: i64,
    interval: i64,
    burst: i64,
) -> Result<Option<i64>> {
    // One statement, so concurrent requests on several nodes count right:
    // the row's lock orders them.
    let taken: Option<i64> = sqlx::query_scalar(
        "INSERT INTO rate_limits (key, due_at) VALUES ($1, $2 + $3) \
         ON CONFLICT (key) DO UPDATE \
         SET due_at = (CASE WHEN rate_limits.due_at > $2 THEN rate_limits.due_at ELSE $2 END) + $3 \
         WHERE (CASE WHEN rate_limits.due_at > $2 THEN rate_limits.due_at ELSE $2 END) + $3 - $2 <= $4 \
         RETURNING due_at",
    )
    .bind(key)
    .bind(now)
    .bind(interval)
    .bind(interval * burst)
    .fetch_optional(&mut *conn)
    .await?;
    if taken.is_some() {
        return Ok(None);
    }
    let due_at: i64 = sqlx::query_scalar("SELECT due_at FROM rate_limits WHERE key = $1")
        .bind(key)
        .fetch_one(conn)
        .await?;
    Ok(Some((due_at + interval - now - interval * burst).max(1)))
}

/// Forgets the keys whose requests have all been paid for by `now`.
pub async fn forget_old(conn: &mut Conn, now: i64) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM rate_limits WHERE due_at < $1")
        .bind(now)
        .execute(conn)
        .await?
        .rows_affected())
}
