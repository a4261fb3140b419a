//! What clients have been writing, for staff: one entry per channel with
//! its newest client message and how many of its clients' messages the
//! staff member has not read. The web app's notification centre shows it.

use serde::Serialize;
use utoipa::ToSchema;

use super::Context;
use crate::auth::Actor;
use crate::authz;
use crate::domain::Timestamp;
use crate::error::Result;
use crate::storage;

/// Channels listed at most.
const LIMIT: u32 = 50;

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClientActivity {
    pub channel_id: String,
    /// Messages from clients in this channel the caller has not read.
    pub unread_count: i64,
    /// The newest message a client sent to this channel.
    pub message_id: String,
    pub sender_id: String,
    pub sender_name: String,
    pub text: String,
    #[schema(value_type = String)]
    pub created_at: Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ClientActivityList {
    pub data: Vec<ClientActivity>,
}

/// The channels the caller sees where clients wrote, newest first.
#[tracing::instrument(skip_all)]
pub async fn recent(ctx: &Context, actor: &Actor) -> Result<Vec<ClientActivity>> {
    let staff = authz::require_internal(actor)?;
    let scope = authz::staff_scope(staff);
    let mut conn = ctx.store.reader().await?;
    let rows = storage::channels::client_activity(&mut conn, &scope, actor.id(), LIMIT).await?;
    let mut activity = Vec::with_capacity(rows.len());
    for row in rows {
        let sender_name = storage::clients::get(&mut conn, &row.sender_id)
            .await?
            .map(|c| format!("{} {}", c.given_name, c.family_name))
            .unwrap_or_else(|| "A former client".into());
        activity.push(ClientActivity {
            channel_id: row.channel_id,
            unread_count: row.unread_count,
            message_id: row.message_id,
            sender_id: row.sender_id,
            sender_name,
            text: row.text,
            created_at: Timestamp(row.created_at),
        });
    }
    Ok(activity)
}
