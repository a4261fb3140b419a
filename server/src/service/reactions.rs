//! Reacting to messages: anyone who sees a message may put one of the
//! offered emoji on it, once each, and take it back.

use super::{messages, views, Context};
use crate::auth::Actor;
use crate::domain::event::EventKind;
use crate::domain::message::Message;
use crate::domain::reaction::Emoji;
use crate::error::{Error, Result};
use crate::storage::{self, now_ms};

/// Adds the actor's `emoji` to a message; adding it again changes nothing.
#[tracing::instrument(skip_all)]
pub async fn add(ctx: &Context, actor: &Actor, message_id: &str, emoji: &str) -> Result<Message> {
    change(ctx, actor, message_id, emoji, Change::Add).await
}

/// Takes the actor's `emoji` off a message; taking it off again changes
/// nothing.
#[tracing::instrument(skip_all)]
pub async fn remove(
    ctx: &Context,
    actor: &Actor,
    message_id: &str,
    emoji: &str,
) -> Result<Message> {
    change(ctx, actor, message_id, emoji, Change::Remove).await
}

#[derive(Clone, Copy)]
enum Change {
    Add,
    Remove,
}

/// One change in one transaction, with its event when something changed:
/// the message as it is now, told to whoever sees it (a note's staff only).
async fn change(
    ctx: &Context,
    actor: &Actor,
    message_id: &str,
    emoji: &str,
    change: Change,
) -> Result<Message> {
    let emoji = Emoji::parse(emoji)?;
    let mut tx = ctx.store.begin().await?;
    let row = messages::visible_message(&mut tx, actor, message_id).await?;
    if row.deleted_at.is_some() {
        return Err(Error::Conflict(
            "this message was deleted; it takes no reactions".into(),
        ));
    }
    let changed = match change {
        Change::Add => {
            storage::reactions::add(&mut tx, &row.id, actor.id(), emoji.as_str(), now_ms()).await?
        }
        Change::Remove => {
            storage::reactions::remove(&mut tx, &row.id, actor.id(), emoji.as_str()).await?
        }
    };
    let message = if changed {
        messages::record(ctx, &mut tx, EventKind::MessageReactions, &row.id).await?
    } else {
        views::message(ctx, &mut tx, row).await?
    };
    ctx.commit(tx).await?;
    Ok(message)
}
