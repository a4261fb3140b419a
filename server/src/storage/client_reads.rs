//! How far each client has read a channel: the staff's "Seen by Ann · 14:02".

use super::Conn;
use crate::error::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClientReadRow {
    pub client_id: String,
    pub given_name: String,
    pub family_name: String,
    /// The newest message the client may see at or before their marker.
    pub message_id: String,
    /// When they last read the channel.
    pub read_at: i64,
}

/// Every client with a read marker in the channel that reaches a message
/// they may see, earliest reader first. Clients who are no longer members
/// are the caller's to leave out (a company channel's members are computed).
pub async fn of_channel(conn: &mut Conn, channel_id: &str) -> Result<Vec<ClientReadRow>> {
    let rows = sqlx::query_as(concat!(
        "SELECT client_id, given_name, family_name, message_id, read_at FROM (\
         SELECT r.user_id AS client_id, c.given_name, c.family_name, r.updated_at AS read_at, \
         (SELECT m.id FROM messages m WHERE m.channel_id = r.channel_id \
          AND m.seq <= r.last_read_seq AND ",
        // The marker of someone who marked a message unread sits just
        // before it, where a note may be: name what the client saw.
        crate::authz::note_visible!("m", "'client'"),
        " ORDER BY m.seq DESC LIMIT 1) AS message_id \
         FROM read_states r JOIN clients c ON c.id = r.user_id WHERE r.channel_id = $1\
         ) reads WHERE message_id IS NOT NULL ORDER BY read_at, client_id"
    ))
    .bind(channel_id)
    .fetch_all(conn)
    .await?;
    Ok(rows)
}
