//! The e-mail outbox: rows written in the transaction that causes an e-mail,
//! claimed, sent and marked by the mail worker (`crate::mail::worker`).

use super::Conn;
use crate::error::Result;

/// An e-mail waiting in (or sent from) the outbox.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxEmail {
    pub id: String,
    pub dedupe_key: String,
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// A JSON object of extra header names and values.
    pub headers: String,
    pub attempts: i64,
}

/// Queues an e-mail unless one with the same dedupe key was queued before;
/// true when this call queued it.
pub async fn enqueue(conn: &mut Conn, email: &OutboxEmail, now: i64) -> Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO outbox_emails (id, dedupe_key, recipient, subject, text_body, html_body, headers, \
         attempts, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $8) \
         ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(&email.id)
    .bind(&email.dedupe_key)
    .bind(&email.recipient)
    .bind(&email.subject)
    .bind(&email.text_body)
    .bind(&email.html_body)
    .bind(&email.headers)
    .bind(now)
    .execute(conn)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// An unsent e-mail due at `$now` that no worker holds: what the worker
/// claims, and what `any_due` looks for.
macro_rules! due {
    ($now:literal) => {
        concat!(
            "sent_at IS NULL AND next_attempt_at <= ",
            $now,
            " AND (claimed_until IS NULL OR claimed_until < ",
            $now,
            ")"
        )
    };
}

/// Claims up to `limit` due, unsent e-mails for `worker` until `lease_until`.
///
/// One statement both picks and claims. The claim conditions are repeated on
/// the outer UPDATE: when two PostgreSQL nodes pick the same row, the second
/// one's UPDATE waits for the first to commit, re-checks those conditions on
/// the claimed row, and skips it. On SQLite the single writer serialises it.
pub async fn claim_due(
    conn: &mut Conn,
    worker: &str,
    now: i64,
    lease_until: i64,
    limit: u32,
) -> Result<Vec<OutboxEmail>> {
    Ok(sqlx::query_as(concat!(
        "UPDATE outbox_emails SET claimed_by = $1, claimed_until = $2 WHERE ",
        due!("$3"),
        " AND id IN (SELECT id FROM outbox_emails WHERE ",
        due!("$3"),
        " ORDER BY next_attempt_at LIMIT $4) \
         RETURNING id, dedupe_key, recipient, subject, text_body, html_body, headers, attempts",
    ))
    .bind(worker)
    .bind(lease_until)
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?)
}

/// Whether any e-mail is due and unclaimed at `now`: what `claim_due` would
/// take, asked without a write.
pub async fn any_due(conn: &mut Conn, now: i64) -> Result<bool> {
    let found: Option<(i32,)> = sqlx::query_as(concat!(
        "SELECT 1 FROM outbox_emails WHERE ",
        due!("$1"),
        " LIMIT 1"
    ))
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Records that the e-mail went out; it is never sent again.
pub async fn mark_sent(conn: &mut Conn, id: &str, worker: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE outbox_emails SET sent_at = $1, attempts = attempts + 1, claimed_by = NULL, \
         claimed_until = NULL, last_error = NULL WHERE id = $2 AND claimed_by = $3",
    )
    .bind(now)
    .bind(id)
    .bind(worker)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a failed attempt and when to try again.
pub async fn mark_failed(
    conn: &mut Conn,
    id: &str,
    worker: &str,
    error: &str,
    next_attempt_at: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE outbox_emails SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, \
         claimed_by = NULL, claimed_until = NULL WHERE id = $3 AND claimed_by = $4 AND sent_at IS NULL",
    )
    .bind(error)
    .bind(next_attempt_at)
    .bind(id)
    .bind(worker)
    .execute(conn)
    .await?;
    Ok(())
}

/// E-mails not sent yet.
pub async fn pending_count(conn: &mut Conn) -> Result<i64> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM outbox_emails WHERE sent_at IS NULL")
            .fetch_one(conn)
            .await?;
    Ok(count)
}
