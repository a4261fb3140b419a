//! The staff's handling of a conversation: who owns it, whether it is open,
//! waiting on the client or done, and snoozing it until a set time. A
//! client's message opens it again (`storage::channels::touch` and the
//! batched writer's update of channels); a snooze ends on its own
//! (`wake_snoozed`). None of it ever reaches a client.

use serde::Deserialize;
use utoipa::ToSchema;

use super::{events, sessions, views, Context};
use crate::auth::Actor;
use crate::authz;
use crate::domain::channel::MessageChannel;
use crate::domain::conversation::{self, ConversationState};
use crate::domain::UserType;
use crate::error::{Error, Result};
use crate::storage::{self, now_ms};

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpdateHandling {
    /// The internal user who owns the conversation; `null` unassigns it.
    #[serde(default, deserialize_with = "super::workspace::present")]
    #[schema(value_type = Option<String>)]
    pub assignee_id: Option<Option<String>>,
    /// `open`, `waiting` (on the client) or `done`. Setting it ends a snooze.
    pub state: Option<ConversationState>,
    /// Snoozes the conversation until then (RFC 3339): it opens again at
    /// that time, or when the client writes; `null` ends the snooze.
    #[serde(default, deserialize_with = "super::workspace::present")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub snoozed_until: Option<Option<String>>,
}

/// Changes how the staff handle a conversation; staff who see it only.
#[tracing::instrument(skip_all)]
pub async fn update(
    ctx: &Context,
    actor: &Actor,
    channel_id: &str,
    request: &UpdateHandling,
) -> Result<MessageChannel> {
    authz::require_internal(actor)?;
    let now = now_ms();
    let snoozed_until = match &request.snoozed_until {
        Some(Some(raw)) => Some(Some(conversation::snooze_until(
            conversation::parse_moment("snoozedUntil", raw)?,
            now,
        )?)),
        Some(None) => Some(None),
        None => None,
    };
    let scope = authz::scope(actor);
    let mut tx = ctx.store.begin().await?;
    let row = storage::found(
        storage::channels::get_visible(&mut tx, &scope, actor.id(), channel_id).await?,
        "message channel",
    )?;
    let assignee_id = match &request.assignee_id {
        Some(Some(id)) => {
            // The owner must be on staff and able to open the conversation.
            let assignee = sessions::load_actor(&mut tx, id, UserType::InternalUser)
                .await?
                .ok_or_else(|| {
                    Error::invalid(format!("assigneeId {id} is not an internal user"))
                })?;
            if storage::channels::visible(&mut tx, &authz::scope(&assignee), channel_id)
                .await?
                .is_none()
            {
                return Err(Error::invalid(format!(
                    "assigneeId {id} cannot see this conversation"
                )));
            }
            Some(id.clone())
        }
        Some(None) => None,
        None => row.assignee_id.clone(),
    };
    // A state set by hand ends a snooze; a snooze holds the conversation
    // as waiting until it ends.
    let (state, snoozed_until) = match (request.state, snoozed_until) {
        (_, Some(Some(until))) => (
            request.state.unwrap_or(ConversationState::Waiting),
            Some(until),
        ),
        (Some(state), _) => (state, None),
        (None, Some(None)) => (ConversationState::from_stored(&row.state), None),
        (None, None) => (
            ConversationState::from_stored(&row.state),
            row.snoozed_until,
        ),
    };
    storage::channels::set_handling(
        &mut tx,
        channel_id,
        assignee_id.as_deref(),
        state.as_str(),
        snoozed_until,
    )
    .await?;
    events::conversation_updated(&mut tx, channel_id).await?;
    let row = storage::found(
        storage::channels::get_visible(&mut tx, &scope, actor.id(), channel_id).await?,
        "message channel",
    )?;
    let channel = views::channel(&mut tx, row, true).await?;
    ctx.commit(tx).await?;
    Ok(channel)
}

/// Opens again the conversations whose snooze has ended; returns how many.
/// Safe on every node at once: each is woken by one update, which tells
/// the staff in the same transaction.
#[tracing::instrument(skip_all)]
pub async fn wake_snoozed(ctx: &Context) -> Result<usize> {
    let now = now_ms();
    {
        let mut conn = ctx.store.reader().await?;
        if !storage::channels::any_snooze_ended(&mut conn, now).await? {
            return Ok(0);
        }
    }
    let mut tx = ctx.store.begin().await?;
    let woken = storage::channels::wake_snoozed(&mut tx, now).await?;
    for id in &woken {
        events::conversation_updated(&mut tx, id).await?;
    }
    ctx.commit(tx).await?;
    Ok(woken.len())
}
