//! Named leases: which node does a piece of work that one node at a time
//! should do (see migrations/*/0015).

use super::Conn;
use crate::error::Result;

/// Takes the lease `name` for `holder` until `until` if it is free, lapsed
/// or already `holder`'s; whether `holder` holds it now.
pub async fn take(conn: &mut Conn, name: &str, holder: &str, now: i64, until: i64) -> Result<bool> {
    let held_by: Option<String> = sqlx::query_scalar(
        "INSERT INTO leases (name, holder, held_until) VALUES ($1, $2, $3) \
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, held_until = excluded.held_until \
         WHERE leases.held_until < $4 OR leases.holder = excluded.holder \
         RETURNING holder",
    )
    .bind(name)
    .bind(holder)
    .bind(until)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(held_by.as_deref() == Some(holder))
}
