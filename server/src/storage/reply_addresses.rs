//! Reply addresses handed out in e-mails: which person and channel each
//! token stands for (see `crate::service::email_replies`).

use super::Conn;
use crate::error::Result;

/// Records a token when it is first handed out; later calls change nothing.
pub async fn remember(
    conn: &mut Conn,
    token: &str,
    user_id: &str,
    channel_id: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO reply_addresses (token, user_id, channel_id, created_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (token) DO NOTHING",
    )
    .bind(token)
    .bind(user_id)
    .bind(channel_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The person and channel of a token, if it was ever handed out.
pub async fn find(conn: &mut Conn, token: &str) -> Result<Option<(String, String)>> {
    Ok(
        sqlx::query_as("SELECT user_id, channel_id FROM reply_addresses WHERE token = $1")
            .bind(token)
            .fetch_optional(conn)
            .await?,
    )
}
