//! Webhooks and the record of their deliveries. The events they deliver are
//! read from the event log (`storage::events`).

use super::Conn;
use crate::error::Result;

const COLUMNS: &str = "id, url, event_types, signing_secret, enabled, disabled_reason, cursor, \
                       attempts, failing_since, next_attempt_at, created_at, updated_at";

/// Not `Debug`: it holds the signing secret.
#[derive(Clone, sqlx::FromRow)]
pub struct WebhookRow {
    pub id: String,
    pub url: String,
    /// A JSON array of event type names.
    pub event_types: String,
    pub signing_secret: String,
    pub enabled: i64,
    pub disabled_reason: Option<String>,
    pub cursor: i64,
    pub attempts: i64,
    pub failing_since: Option<i64>,
    pub next_attempt_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn insert(conn: &mut Conn, row: &WebhookRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO webhooks (id, url, event_types, signing_secret, enabled, disabled_reason, \
         cursor, attempts, failing_since, next_attempt_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&row.id)
    .bind(&row.url)
    .bind(&row.event_types)
    .bind(&row.signing_secret)
    .bind(row.enabled)
    .bind(&row.disabled_reason)
    .bind(row.cursor)
    .bind(row.attempts)
    .bind(row.failing_since)
    .bind(row.next_attempt_at)
    .bind(row.created_at)
    .bind(row.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every webhook, oldest first.
pub async fn list(conn: &mut Conn) -> Result<Vec<WebhookRow>> {
    let sql = format!("SELECT {COLUMNS} FROM webhooks ORDER BY created_at, id");
    Ok(sqlx::query_as(&sql).fetch_all(conn).await?)
}

pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<WebhookRow>> {
    let sql = format!("SELECT {COLUMNS} FROM webhooks WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// Changes where it delivers and what. A node delivering for it loses its
/// claim, so the next delivery is made as changed (the one in flight may
/// still finish: at least once allows that).
pub async fn set_target(
    conn: &mut Conn,
    id: &str,
    url: &str,
    event_types: &str,
    now: i64,
) -> Result<bool> {
    let updated = sqlx::query(
        "UPDATE webhooks SET url = $1, event_types = $2, updated_at = $3, claimed_by = NULL, \
         claimed_until = NULL WHERE id = $4",
    )
    .bind(url)
    .bind(event_types)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// A new signing secret, from the next delivery on.
pub async fn set_secret(conn: &mut Conn, id: &str, secret: &str, now: i64) -> Result<bool> {
    let updated =
        sqlx::query("UPDATE webhooks SET signing_secret = $1, updated_at = $2 WHERE id = $3")
            .bind(secret)
            .bind(now)
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected();
    Ok(updated == 1)
}

/// Enables a disabled webhook, due at once, or disables one (dropping its
/// claim). Each statement touches only what the change is about, so a
/// dispatcher's progress committed meanwhile is kept.
pub async fn set_enabled(conn: &mut Conn, id: &str, enabled: bool, now: i64) -> Result<()> {
    let sql = if enabled {
        "UPDATE webhooks SET enabled = 1, disabled_reason = NULL, attempts = 0, \
         failing_since = NULL, next_attempt_at = $1, updated_at = $1 WHERE id = $2 AND enabled = 0"
    } else {
        "UPDATE webhooks SET enabled = 0, disabled_reason = NULL, claimed_by = NULL, \
         claimed_until = NULL, updated_at = $1 WHERE id = $2 AND enabled = 1"
    };
    sqlx::query(sql).bind(now).bind(id).execute(conn).await?;
    Ok(())
}

/// Deletes a webhook and its deliveries; false when there was none.
pub async fn delete(conn: &mut Conn, id: &str) -> Result<bool> {
    sqlx::query("DELETE FROM webhook_deliveries WHERE webhook_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let deleted = sqlx::query("DELETE FROM webhooks WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?
        .rows_affected();
    Ok(deleted == 1)
}

/// Whether any enabled webhook has events after its cursor and is due: a
/// read, so the dispatcher's idle polling never takes the write lock.
pub async fn any_due(conn: &mut Conn, now: i64) -> Result<bool> {
    let (due,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM webhooks WHERE enabled = 1 AND next_attempt_at <= $1 \
         AND (claimed_until IS NULL OR claimed_until < $1) \
         AND cursor < (SELECT value FROM event_counter WHERE id = 1)",
    )
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(due > 0)
}

/// Events the enabled webhooks have yet to look at, summed over them (each
/// looks at every event after its cursor, delivering those it wants).
pub async fn backlog(conn: &mut Conn) -> Result<i64> {
    let (backlog,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(c.value - w.cursor), 0) AS BIGINT) \
         FROM webhooks w, event_counter c WHERE c.id = 1 AND w.enabled = 1 AND w.cursor < c.value",
    )
    .fetch_one(conn)
    .await?;
    Ok(backlog)
}

/// Claims the due webhooks for `worker` until `lease_until`: while the
/// claim holds, no other node delivers for them. The conditions are repeated
/// on the outer UPDATE for PostgreSQL's sake, as in `outbox::claim_due`.
pub async fn claim_due(
    conn: &mut Conn,
    worker: &str,
    now: i64,
    lease_until: i64,
    limit: u32,
) -> Result<Vec<WebhookRow>> {
    let sql = format!(
        "UPDATE webhooks SET claimed_by = $1, claimed_until = $2 \
         WHERE enabled = 1 AND next_attempt_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3) \
           AND id IN (SELECT id FROM webhooks WHERE enabled = 1 AND next_attempt_at <= $3 \
                      AND (claimed_until IS NULL OR claimed_until < $3) \
                      AND cursor < (SELECT value FROM event_counter WHERE id = 1) \
                      ORDER BY next_attempt_at LIMIT $4) \
         RETURNING {COLUMNS}"
    );
    Ok(sqlx::query_as(&sql)
        .bind(worker)
        .bind(lease_until)
        .bind(now)
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await?)
}

/// What delivering changed for a claimed webhook.
pub struct Progress<'a> {
    pub cursor: i64,
    pub attempts: i64,
    pub failing_since: Option<i64>,
    pub next_attempt_at: i64,
    /// Set when Parlor disables the webhook.
    pub disabled_reason: Option<&'a str>,
}

/// Records progress and gives the claim back. Only the claim's holder may,
/// and only while the webhook is still enabled: an admin who disabled it,
/// or rewound it, in the meantime is not overwritten.
pub async fn release(
    conn: &mut Conn,
    id: &str,
    worker: &str,
    progress: &Progress<'_>,
    now: i64,
) -> Result<bool> {
    let updated = sqlx::query(
        "UPDATE webhooks SET cursor = $1, attempts = $2, failing_since = $3, next_attempt_at = $4, \
         enabled = $5, disabled_reason = $6, claimed_by = NULL, claimed_until = NULL, \
         updated_at = $7 WHERE id = $8 AND claimed_by = $9 AND enabled = 1",
    )
    .bind(progress.cursor)
    .bind(progress.attempts)
    .bind(progress.failing_since)
    .bind(progress.next_attempt_at)
    .bind(super::flag(progress.disabled_reason.is_none()))
    .bind(progress.disabled_reason)
    .bind(now)
    .bind(id)
    .bind(worker)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(updated == 1)
}

/// Records that every event up to `cursor` is done with, keeping the claim.
pub async fn advance(conn: &mut Conn, id: &str, worker: &str, cursor: i64) -> Result<()> {
    sqlx::query(
        "UPDATE webhooks SET cursor = $1, attempts = 0, failing_since = NULL \
         WHERE id = $2 AND claimed_by = $3",
    )
    .bind(cursor)
    .bind(id)
    .bind(worker)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether `worker` still holds the claim on a webhook that is still enabled.
pub async fn still_claimed(conn: &mut Conn, id: &str, worker: &str, now: i64) -> Result<bool> {
    let (held,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM webhooks WHERE id = $1 AND claimed_by = $2 AND claimed_until > $3 \
         AND enabled = 1",
    )
    .bind(id)
    .bind(worker)
    .bind(now)
    .fetch_one(conn)
    .await?;
    Ok(held == 1)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRow {
    pub id: String,
    pub webhook_id: String,
    pub event_id: String,
    pub event_type: String,
    pub attempt: i64,
    pub status_code: Option<i64>,
    pub duration_ms: i64,
    pub error: Option<String>,
    pub response_excerpt: Option<String>,
    pub created_at: i64,
}

pub async fn record_delivery(conn: &mut Conn, row: &DeliveryRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, attempt, status_code, \
         duration_ms, error, response_excerpt, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&row.id)
    .bind(&row.webhook_id)
    .bind(&row.event_id)
    .bind(&row.event_type)
    .bind(row.attempt)
    .bind(row.status_code)
    .bind(row.duration_ms)
    .bind(&row.error)
    .bind(&row.response_excerpt)
    .bind(row.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// A webhook's latest delivery attempts, newest first.
pub async fn deliveries(conn: &mut Conn, webhook_id: &str, limit: u32) -> Result<Vec<DeliveryRow>> {
    Ok(sqlx::query_as(
        "SELECT id, webhook_id, event_id, event_type, attempt, status_code, duration_ms, error, \
         response_excerpt, created_at FROM webhook_deliveries WHERE webhook_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(webhook_id)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?)
}

/// Forgets delivery records older than `before`; returns how many.
pub async fn prune_deliveries(conn: &mut Conn, before: i64) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM webhook_deliveries WHERE created_at < $1")
            .bind(before)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
