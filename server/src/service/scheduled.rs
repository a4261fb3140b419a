//! Messages to send later. Their author lists, edits and cancels them
//! until they go; at their time the timers send each once (whichever node
//! removes its row first writes the message in the same transaction), as
//! its author, through the same rules as any message: an author who can
//! no longer post there sees why instead.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::sending::{self, Draft, Files};
use super::{sessions, Context};
use crate::auth::Actor;
use crate::authz;
use crate::domain::conversation::{parse_moment, MAX_SNOOZE_MS};
use crate::domain::message::MessageText;
use crate::domain::{new_id, Timestamp, UserType};
use crate::error::{Error, Result};
use crate::storage::scheduled::ScheduledRow;
use crate::storage::{self, flag, now_ms};

/// Scheduled messages one person may have waiting.
const MAX_WAITING: usize = 500;

/// A message waiting to be sent, as its author sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledMessage {
    pub id: String,
    #[schema(value_type = String, example = "scheduledMessage")]
    pub object: &'static str,
    pub channel_id: String,
    pub text: String,
    pub is_internal: bool,
    /// When it goes.
    pub scheduled_at: Timestamp,
    /// The time zone its author chose the time in (IANA name).
    pub time_zone: String,
    /// Why it could not be sent when it was due, if it could not.
    pub failure: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

fn view(row: ScheduledRow) -> ScheduledMessage {
    ScheduledMessage {
        object: "scheduledMessage",
        is_internal: row.is_internal != 0,
        scheduled_at: Timestamp(row.scheduled_at),
        created_at: Timestamp(row.created_at),
        updated_at: Timestamp(row.updated_at),
        id: row.id,
        channel_id: row.channel_id,
        text: row.text,
        time_zone: row.time_zone,
        failure: row.failure,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduleMessage {
    pub channel_id: String,
    pub text: String,
    /// When to send it (RFC 3339), within a year.
    #[schema(format = DateTime)]
    pub scheduled_at: String,
    /// The IANA time zone the time was chosen in, shown back with it
    /// (default `UTC`).
    pub time_zone: Option<String>,
    /// An internal note (internal users only).
    #[serde(default)]
    pub is_internal: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EditScheduled {
    pub text: Option<String>,
    #[schema(format = DateTime)]
    pub scheduled_at: Option<String>,
    pub time_zone: Option<String>,
}

fn when(raw: &str, now: i64) -> Result<i64> {
    let at = parse_moment("scheduledAt", raw)?;
    if at <= now {
        return Err(Error::invalid("scheduledAt must be in the future"));
    }
    if at - now > MAX_SNOOZE_MS {
        return Err(Error::invalid("scheduledAt may be at most a year away"));
    }
    Ok(at)
}

/// An IANA time zone name as a browser reports it ("Europe/Paris").
fn time_zone(raw: Option<&str>) -> Result<String> {
    let zone = raw
        .map(str::trim)
        .filter(|z| !z.is_empty())
        .unwrap_or("UTC");
    let shaped = zone.len() <= 64
        && zone
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c));
    if !shaped {
        return Err(Error::invalid(
            "timeZone must be an IANA time zone name such as Europe/Paris",
        ));
    }
    Ok(zone.to_string())
}

#[tracing::instrument(skip_all)]
pub async fn schedule(
    ctx: &Context,
    actor: &Actor,
    request: &ScheduleMessage,
) -> Result<ScheduledMessage> {
    let now = now_ms();
    let text = MessageText::parse(&request.text, ctx.config.max_message_chars)?;
    let scheduled_at = when(&request.scheduled_at, now)?;
    let time_zone = time_zone(request.time_zone.as_deref())?;
    if request.is_internal {
        authz::may_write_note(actor)?;
    }
    let mut tx = ctx.store.begin().await?;
    storage::found(
        storage::channels::visible(&mut tx, &authz::scope(actor), &request.channel_id).await?,
        "message channel",
    )?;
    if storage::scheduled::list_own(&mut tx, actor.id(), None)
        .await?
        .len()
        >= MAX_WAITING
    {
        return Err(Error::Conflict(format!(
            "you have {MAX_WAITING} messages waiting to be sent; send or cancel some first"
        )));
    }
    let row = ScheduledRow {
        id: new_id(),
        channel_id: request.channel_id.clone(),
        author_id: actor.id().to_string(),
        author_type: actor.user_type().as_str().to_string(),
        text: text.as_str().to_string(),
        is_internal: flag(request.is_internal),
        time_zone,
        scheduled_at,
        failure: None,
        created_at: now,
        updated_at: now,
    };
    storage::scheduled::insert(&mut tx, &row).await?;
    tx.commit().await?;
    Ok(view(row))
}

/// The caller's messages waiting to be sent (in one channel, or all).
pub async fn list(
    ctx: &Context,
    actor: &Actor,
    channel_id: Option<&str>,
) -> Result<Vec<ScheduledMessage>> {
    let mut conn = ctx.store.reader().await?;
    let rows = storage::scheduled::list_own(&mut conn, actor.id(), channel_id).await?;
    Ok(rows.into_iter().map(view).collect())
}

pub async fn get(ctx: &Context, actor: &Actor, id: &str) -> Result<ScheduledMessage> {
    let mut conn = ctx.store.reader().await?;
    let row = storage::scheduled::get_own(&mut conn, actor.id(), id).await?;
    Ok(view(storage::found(row, "scheduled message")?))
}

/// Changes the text or the time of one's own message before it goes; a
/// failed one may be given a new time to try again.
#[tracing::instrument(skip_all)]
pub async fn edit(
    ctx: &Context,
    actor: &Actor,
    id: &str,
    request: &EditScheduled,
) -> Result<ScheduledMessage> {
    let now = now_ms();
    let mut tx = ctx.store.begin().await?;
    let mut row = storage::found(
        storage::scheduled::get_own(&mut tx, actor.id(), id).await?,
        "scheduled message",
    )?;
    if let Some(text) = &request.text {
        row.text = MessageText::parse(text, ctx.config.max_message_chars)?
            .as_str()
            .to_string();
    }
    if let Some(at) = &request.scheduled_at {
        row.scheduled_at = when(at, now)?;
        row.failure = None;
    }
    if request.time_zone.is_some() {
        row.time_zone = time_zone(request.time_zone.as_deref())?;
    }
    row.updated_at = now;
    storage::scheduled::update(&mut tx, &row).await?;
    tx.commit().await?;
    Ok(view(row))
}

/// Cancels one's own message before it goes.
pub async fn cancel(ctx: &Context, actor: &Actor, id: &str) -> Result<()> {
    let mut tx = ctx.store.begin().await?;
    storage::found(
        storage::scheduled::get_own(&mut tx, actor.id(), id).await?,
        "scheduled message",
    )?;
    storage::scheduled::delete(&mut tx, id).await?;
    tx.commit().await?;
    Ok(())
}

/// Sends the messages whose time has come; returns how many went.
#[tracing::instrument(skip_all)]
pub async fn send_due(ctx: &Context) -> Result<usize> {
    let due = {
        let mut conn = ctx.store.reader().await?;
        storage::scheduled::due(&mut conn, now_ms(), 100).await?
    };
    let mut sent = 0;
    for id in due {
        if send_one(ctx, &id).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Sends one due message in the transaction that removes it. A refusal
/// (the author may no longer post there) is recorded for the author.
async fn send_one(ctx: &Context, id: &str) -> Result<bool> {
    let mut tx = ctx.store.begin().await?;
    let Some(row) = storage::scheduled::take(&mut tx, id).await? else {
        return Ok(false);
    };
    let outcome = match author(&mut tx, &row).await? {
        Some(author) => {
            let mut draft = Draft::plain(
                &author,
                &row.channel_id,
                MessageText::parse(&row.text, usize::MAX)?,
            );
            draft.is_internal = row.is_internal != 0;
            // Sent at most once, whatever happens after the commit.
            draft.idempotency_key = Some(format!("scheduled:{}", row.id));
            sending::write(ctx, &mut tx, &draft, Files::Uploads).await
        }
        None => Err(Error::NotFound("author")),
    };
    match outcome {
        Ok(_) => {
            ctx.commit(tx).await?;
            Ok(true)
        }
        Err(Error::Internal(err)) => Err(Error::Internal(err)),
        Err(refusal) => {
            let _ = tx.rollback().await;
            let mut tx = ctx.store.begin().await?;
            let why = format!("not sent: {refusal}");
            storage::scheduled::fail(&mut tx, id, &why, now_ms()).await?;
            tx.commit().await?;
            tracing::info!(id, %refusal, "a scheduled message could not be sent");
            Ok(false)
        }
    }
}

async fn author(conn: &mut crate::storage::Conn, row: &ScheduledRow) -> Result<Option<Actor>> {
    sessions::load_actor(
        conn,
        &row.author_id,
        UserType::from_stored(&row.author_type),
    )
    .await
}
