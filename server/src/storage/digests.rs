//! What the unread-digest scan reads and records (see `crate::mail::digests`).

use super::Conn;
use crate::auth::{Actor, ClientActor, StaffActor};
use crate::authz::Scope;
use crate::domain::internal_user::Role;
use crate::domain::UserType;
use crate::error::Result;

/// Locks the scan's row (one node scans at a time) and says how far it got.
pub async fn lock_scan(conn: &mut Conn) -> Result<i64> {
    let (seq,): (i64,) = sqlx::query_as(
        "UPDATE email_digest_scan SET last_seq = last_seq WHERE id = 1 RETURNING last_seq",
    )
    .fetch_one(conn)
    .await?;
    Ok(seq)
}

pub async fn set_scan(conn: &mut Conn, seq: i64) -> Result<()> {
    sqlx::query("UPDATE email_digest_scan SET last_seq = $1 WHERE id = 1")
        .bind(seq)
        .execute(conn)
        .await?;
    Ok(())
}

/// Messages after `after` that were created at `cutoff` or before, oldest
/// first: `(seq, channel_id)`.
pub async fn messages_due(
    conn: &mut Conn,
    after: i64,
    cutoff: i64,
    limit: u32,
) -> Result<Vec<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT seq, channel_id FROM messages WHERE seq > $1 AND created_at <= $2 ORDER BY seq LIMIT $3",
    )
    .bind(after)
    .bind(cutoff)
    .bind(i64::from(limit))
    .fetch_all(conn)
    .await?)
}

/// A message someone has not read, for their digest.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnreadMessage {
    pub seq: i64,
    pub sender_id: String,
    pub sender_type: String,
    pub created_at: i64,
    /// Quoted in the e-mail only when the workspace chose so.
    pub text: String,
}

impl UnreadMessage {
    pub fn sender_type(&self) -> UserType {
        UserType::from_stored(&self.sender_type)
    }
}

/// The messages of a channel up to `upto` that `user_id` (whose scope is
/// `reader`) may see and has neither read nor been e-mailed about, sent by
/// others; welcome messages and deleted ones do not count.
pub async fn unread_for(
    conn: &mut Conn,
    reader: &Scope,
    channel_id: &str,
    user_id: &str,
    upto: i64,
) -> Result<Vec<UnreadMessage>> {
    Ok(sqlx::query_as(concat!(
        "SELECT m.seq, m.sender_id, m.sender_type, m.created_at, m.text FROM messages m \
         WHERE m.channel_id = $1 AND m.seq <= $3 AND m.sender_id <> $2 \
           AND m.is_welcome = 0 AND m.deleted_at IS NULL AND ",
        crate::authz::note_visible!("m", "$4"),
        " \
           AND m.seq > COALESCE((SELECT r.last_read_seq FROM read_states r \
                                 WHERE r.channel_id = $1 AND r.user_id = $2), 0) \
           AND m.seq > COALESCE((SELECT d.last_emailed_seq FROM email_digest_marks d \
                                 WHERE d.channel_id = $1 AND d.user_id = $2), 0) \
         ORDER BY m.seq"
    ))
    .bind(channel_id)
    .bind(user_id)
    .bind(upto)
    .bind(reader.params().0)
    .fetch_all(conn)
    .await?)
}

/// Records that `user_id`'s e-mails about a channel now reach `seq`.
pub async fn set_mark(conn: &mut Conn, channel_id: &str, user_id: &str, seq: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO email_digest_marks (channel_id, user_id, last_emailed_seq) VALUES ($1, $2, $3) \
         ON CONFLICT (channel_id, user_id) DO UPDATE SET last_emailed_seq = excluded.last_emailed_seq",
    )
    .bind(channel_id)
    .bind(user_id)
    .bind(seq)
    .execute(conn)
    .await?;
    Ok(())
}

/// Someone who may get a digest.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Recipient {
    pub id: String,
    pub email: String,
    pub given_name: String,
    pub family_name: String,
    #[sqlx(try_from = "String")]
    pub user_type: UserType,
    /// An internal user's role.
    pub role: Option<String>,
    pub is_client_access_limited: i64,
    pub unread_messages: Option<String>,
}

impl Recipient {
    /// Who the recipient is to the authorisation rules.
    pub fn actor(&self) -> Actor {
        match self.user_type {
            UserType::Client => Actor::Client(ClientActor {
                id: self.id.clone(),
            }),
            UserType::InternalUser => Actor::Internal(StaffActor {
                id: self.id.clone(),
                role: Role::from_stored(self.role.as_deref().unwrap_or_default()),
                is_client_access_limited: self.is_client_access_limited != 0,
            }),
        }
    }
}

/// Every internal user, with their e-mail preference.
pub async fn internal_users(conn: &mut Conn) -> Result<Vec<Recipient>> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.email, u.given_name, u.family_name, CAST('internalUser' AS TEXT) AS user_type, u.role, u.is_client_access_limited, \
         p.unread_messages FROM internal_users u LEFT JOIN email_preferences p ON p.user_id = u.id \
         ORDER BY u.seq",
    )
    .fetch_all(conn)
    .await?)
}

/// A client who was invited (or is active), with their e-mail preference.
pub async fn invited_client(conn: &mut Conn, id: &str) -> Result<Option<Recipient>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.email, c.given_name, c.family_name, CAST('client' AS TEXT) AS user_type, CAST(NULL AS TEXT) AS role, CAST(0 AS BIGINT) AS is_client_access_limited, \
         p.unread_messages FROM clients c LEFT JOIN email_preferences p ON p.user_id = c.id \
         WHERE c.id = $1 AND c.status <> 'notInvited'",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// Someone's choice for e-mail about unread messages, if they made one.
pub async fn preference(conn: &mut Conn, user_id: &str) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT unread_messages FROM email_preferences WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(conn)
            .await?;
    Ok(row.map(|(value,)| value))
}

/// Sets someone's preference for e-mail about unread messages.
pub async fn set_preference(conn: &mut Conn, user_id: &str, value: &str, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO email_preferences (user_id, unread_messages, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET unread_messages = excluded.unread_messages, \
         updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(value)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether someone (client or internal user) exists.
pub async fn person_exists(conn: &mut Conn, id: &str) -> Result<bool> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM clients WHERE id = $1) + (SELECT COUNT(*) FROM internal_users WHERE id = $1)",
    )
    .bind(id)
    .fetch_one(conn)
    .await?;
    Ok(count > 0)
}
