//! Sending, reading, editing and deleting messages, and mass messages.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::message_writer::Draft;
use super::template_values::MassText;
use super::{attachments, channels, events, sessions, views, Context, Page, PageRequest};
use crate::auth::{Actor, Credential};
use crate::authz;
use crate::domain::event::EventKind;
use crate::domain::message::{Message, MessageText, SentVia};
use crate::domain::new_id;
use crate::domain::UserType;
use crate::error::{Error, Result};
use crate::storage::messages::NewMessage;
use crate::storage::{self, now_ms, Conn};

pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 200;
pub const MAX_MASS_RECIPIENTS: usize = 1000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SendMessage {
    /// May be empty (or left out) when the message carries files.
    #[serde(default)]
    pub text: String,
    pub channel_id: String,
    /// Send on behalf of this channel member (API keys only).
    pub sender_id: Option<String>,
    /// Files uploaded with `POST /v1/attachments` by the caller and not sent yet.
    pub attachment_ids: Option<Vec<String>>,
}

pub(super) fn sender_type(actor: &Actor) -> UserType {
    match actor {
        Actor::Internal(_) => UserType::InternalUser,
        Actor::Client(_) => UserType::Client,
    }
}

/// The sender as an actor, who must be able to see the channel.
pub(super) async fn resolve_sender(
    conn: &mut Conn,
    actor: &Actor,
    sender_id: Option<&str>,
    channel_id: &str,
) -> Result<Actor> {
    let Some(sender_id) = sender_id.filter(|id| *id != actor.id()) else {
        return Ok(actor.clone());
    };
    let sender = match sessions::load_actor(conn, sender_id, UserType::InternalUser).await? {
        Some(staff) => Some(staff),
        None => sessions::load_actor(conn, sender_id, UserType::Client).await?,
    };
    let sender = sender.ok_or_else(|| {
        Error::invalid(format!(
            "senderId {sender_id} is not a user of this workspace"
        ))
    })?;
    if storage::channels::visible(conn, &authz::scope(&sender), channel_id)
        .await?
        .is_none()
    {
        return Err(Error::invalid(format!(
            "sender {sender_id} is not a member of channel {channel_id}"
        )));
    }
    Ok(sender)
}

#[tracing::instrument(skip_all)]
pub async fn send(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    request: &SendMessage,
    idempotency_key: Option<&str>,
) -> Result<Message> {
    let attachment_ids = attachments::parse_ids(ctx, request.attachment_ids.as_deref())?;
    let text = MessageText::parse_with_files(
        &request.text,
        ctx.config.max_message_chars,
        !attachment_ids.is_empty(),
    )?;
    if let Some(sender_id) = &request.sender_id {
        authz::may_send_on_behalf(actor, credential, sender_id)?;
    }
    if idempotency_key
        .is_some_and(|key| key.is_empty() || key.chars().count() > MAX_IDEMPOTENCY_KEY_CHARS)
    {
        return Err(Error::BadRequest(format!(
            "Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} characters"
        )));
    }
    if attachment_ids.is_empty() {
        return ctx
            .message_writer
            .send(Draft {
                actor: actor.clone(),
                channel_id: request.channel_id.clone(),
                sender_id: request.sender_id.clone(),
                text,
                idempotency_key: idempotency_key.map(str::to_string),
            })
            .await;
    }
    send_with_files(
        ctx,
        actor,
        request,
        idempotency_key,
        text,
        attachment_ids,
        None,
    )
    .await
}

/// A reply by e-mail, from the person its reply address belongs to, with
/// the files it carried already uploaded as theirs. `idempotency_key` makes
/// the same e-mail delivered twice one message.
#[tracing::instrument(skip_all)]
pub async fn send_by_email(
    ctx: &Context,
    actor: &Actor,
    channel_id: &str,
    text: &str,
    attachment_ids: Vec<String>,
    idempotency_key: &str,
) -> Result<Message> {
    let attachment_ids = attachments::parse_ids(ctx, Some(&attachment_ids))?;
    let text = MessageText::parse_with_files(
        text,
        ctx.config.max_message_chars,
        !attachment_ids.is_empty(),
    )?;
    let request = SendMessage {
        text: text.as_str().to_string(),
        channel_id: channel_id.to_string(),
        sender_id: None,
        attachment_ids: None,
    };
    send_with_files(
        ctx,
        actor,
        &request,
        Some(idempotency_key),
        text,
        attachment_ids,
        Some(SentVia::Email),
    )
    .await
}

/// A message with files, in a transaction of its own: attaching can refuse
/// a file after the message is written, which a shared batch could not undo.
/// Replies by e-mail come this way too, with or without files.
async fn send_with_files(
    ctx: &Context,
    actor: &Actor,
    request: &SendMessage,
    idempotency_key: Option<&str>,
    text: MessageText,
    attachment_ids: Vec<String>,
    sent_via: Option<SentVia>,
) -> Result<Message> {
    let mut tx = ctx.store.begin().await?;
    let channel =
        storage::channels::visible(&mut tx, &authz::scope(actor), &request.channel_id).await?;
    storage::found(channel, "message channel")?;
    let sender = resolve_sender(
        &mut tx,
        actor,
        request.sender_id.as_deref(),
        &request.channel_id,
    )
    .await?;
    if let Some(key) = idempotency_key {
        if let Some(existing) =
            storage::messages::by_idempotency_key(&mut tx, sender.id(), key).await?
        {
            let existing = views::message(ctx, &mut tx, existing).await?;
            let existing_files: Vec<&str> =
                existing.attachments.iter().map(|a| a.id.as_str()).collect();
            if existing.channel_id != request.channel_id
                || existing.text != text.as_str()
                || existing_files != attachment_ids
            {
                return Err(Error::Conflict(
                    "this Idempotency-Key was already used for a different message".into(),
                ));
            }
            return Ok(existing);
        }
    }
    let id = new_id();
    storage::messages::insert(
        &mut tx,
        &NewMessage {
            id: &id,
            channel_id: &request.channel_id,
            sender_id: sender.id(),
            sender_type: sender_type(&sender).as_str(),
            text: text.as_str(),
            is_welcome: false,
            idempotency_key,
            sent_via: sent_via.map(SentVia::as_str),
            now: now_ms(),
        },
    )
    .await?;
    attachments::attach(&mut tx, actor.id(), &attachment_ids, &id).await?;
    let message = record(ctx, &mut tx, EventKind::MessageCreated, &id).await?;
    ctx.commit(tx).await?;
    Ok(message)
}

/// Reads a message back and logs the event that tells its channel.
pub(crate) async fn record(
    ctx: &Context,
    conn: &mut Conn,
    kind: EventKind,
    id: &str,
) -> Result<Message> {
    let row = storage::found(storage::messages::get(conn, id).await?, "message")?;
    let message = views::message(ctx, conn, row).await?;
    events::message(conn, kind, &message).await?;
    Ok(message)
}

#[tracing::instrument(skip_all)]
pub async fn list(
    ctx: &Context,
    actor: &Actor,
    channel_id: &str,
    page: PageRequest,
) -> Result<Page<Message>> {
    let mut conn = ctx.store.reader().await?;
    let channel = storage::channels::visible(&mut conn, &authz::scope(actor), channel_id).await?;
    storage::found(channel, "message channel")?;
    let rows = storage::messages::list(&mut conn, channel_id, page.before(), page.limit).await?;
    let (rows, next_token) = page.split(rows, |r| r.seq);
    Ok(Page {
        data: views::messages(ctx, &mut conn, rows).await?,
        next_token,
    })
}

/// A message the actor can see (through its channel).
async fn visible_message(
    conn: &mut Conn,
    actor: &Actor,
    id: &str,
) -> Result<storage::messages::MessageRow> {
    let message = storage::found(storage::messages::get(conn, id).await?, "message")?;
    let channel =
        storage::channels::visible(conn, &authz::scope(actor), &message.channel_id).await?;
    storage::found(channel, "message")?;
    Ok(message)
}

/// The newest message of a channel that another member has read: what the
/// web app marks "Seen".
#[tracing::instrument(skip_all)]
pub async fn seen_up_to(ctx: &Context, actor: &Actor, channel_id: &str) -> Result<Option<String>> {
    let mut conn = ctx.store.reader().await?;
    let channel = storage::channels::visible(&mut conn, &authz::scope(actor), channel_id).await?;
    storage::found(channel, "message channel")?;
    storage::messages::newest_read_by_others(&mut conn, channel_id, actor.id()).await
}

#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Context, actor: &Actor, id: &str) -> Result<Message> {
    let mut conn = ctx.store.reader().await?;
    let row = visible_message(&mut conn, actor, id).await?;
    views::message(ctx, &mut conn, row).await
}

/// A message its author may change: not deleted, and theirs.
async fn own_message(
    conn: &mut Conn,
    actor: &Actor,
    id: &str,
) -> Result<storage::messages::MessageRow> {
    let message = visible_message(conn, actor, id).await?;
    if message.sender_id != actor.id() {
        return Err(Error::forbidden(
            "only the author of a message may change or delete it",
        ));
    }
    if message.deleted_at.is_some() {
        return Err(Error::Conflict("this message was deleted".into()));
    }
    Ok(message)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EditMessage {
    pub text: String,
}

#[tracing::instrument(skip_all)]
pub async fn edit(
    ctx: &Context,
    actor: &Actor,
    id: &str,
    request: &EditMessage,
) -> Result<Message> {
    let mut tx = ctx.store.begin().await?;
    own_message(&mut tx, actor, id).await?;
    let has_files = !storage::attachments::of_messages(&mut tx, &[id])
        .await?
        .is_empty();
    let text =
        MessageText::parse_with_files(&request.text, ctx.config.max_message_chars, has_files)?;
    storage::messages::edit(&mut tx, id, text.as_str(), now_ms()).await?;
    let message = record(ctx, &mut tx, EventKind::MessageUpdated, id).await?;
    ctx.commit(tx).await?;
    Ok(message)
}

#[tracing::instrument(skip_all)]
pub async fn delete(ctx: &Context, actor: &Actor, id: &str) -> Result<Message> {
    let mut tx = ctx.store.begin().await?;
    own_message(&mut tx, actor, id).await?;
    storage::messages::tombstone(&mut tx, id, now_ms()).await?;
    let blobs = storage::attachments::remove_from_message(&mut tx, id).await?;
    let message = record(ctx, &mut tx, EventKind::MessageDeleted, id).await?;
    ctx.commit(tx).await?;
    attachments::release_blobs(ctx, blobs).await;
    Ok(message)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MassMessage {
    /// The clients to reach, each in their own individual channel.
    pub client_ids: Vec<String>,
    /// May be empty (or left out) when the message carries files.
    #[serde(default)]
    pub text: String,
    /// Files uploaded by the caller and not sent yet; every recipient gets them.
    pub attachment_ids: Option<Vec<String>>,
    /// Fill in the welcome message's variables (`{{client.givenName}}`, …)
    /// for each recipient; without it the text is sent as written.
    #[serde(default)]
    pub render_variables: bool,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MassDelivery {
    pub client_id: String,
    pub channel_id: String,
    pub message: Message,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MassMessageResult {
    #[schema(value_type = String, example = "massMessage")]
    pub object: &'static str,
    /// One entry per recipient.
    pub data: Vec<MassDelivery>,
}

/// Sends one text to many clients, each in their own individual channel
/// (opened when missing), so no recipient sees another. All or nothing.
#[tracing::instrument(skip_all)]
pub async fn send_mass(
    ctx: &Context,
    actor: &Actor,
    request: &MassMessage,
) -> Result<MassMessageResult> {
    authz::require_internal(actor)?;
    let attachment_ids = attachments::parse_ids(ctx, request.attachment_ids.as_deref())?;
    let text = MessageText::parse_with_files(
        &request.text,
        ctx.config.max_message_chars,
        !attachment_ids.is_empty(),
    )?;
    let mut client_ids = request.client_ids.clone();
    let mut seen = std::collections::HashSet::new();
    client_ids.retain(|id| seen.insert(id.clone()));
    if client_ids.is_empty() || client_ids.len() > MAX_MASS_RECIPIENTS {
        return Err(Error::invalid(format!(
            "clientIds must name 1 to {MAX_MASS_RECIPIENTS} clients"
        )));
    }
    let scope = authz::scope(actor);
    let mut tx = ctx.store.begin().await?;
    let template = MassText::prepare(ctx, &mut tx, &text, request.render_variables).await?;
    let mut data = Vec::with_capacity(client_ids.len());
    let now = now_ms();
    // The first message takes the uploads; the others get copies sharing their blobs.
    let mut files: Option<Vec<storage::attachments::AttachmentRow>> = None;
    for client_id in client_ids {
        if storage::clients::get_visible(&mut tx, &scope, &client_id)
            .await?
            .is_none()
        {
            return Err(Error::invalid(format!(
                "client {client_id} does not exist or is not one of yours"
            )));
        }
        let channel_id = channels::ensure_individual(ctx, &mut tx, &client_id).await?;
        let text = template.for_client(&mut tx, &scope, &client_id).await?;
        let id = new_id();
        storage::messages::insert(
            &mut tx,
            &NewMessage {
                id: &id,
                channel_id: &channel_id,
                sender_id: actor.id(),
                sender_type: sender_type(actor).as_str(),
                text: text.as_str(),
                is_welcome: false,
                idempotency_key: None,
                sent_via: None,
                now,
            },
        )
        .await?;
        match &files {
            None => {
                files = Some(attachments::attach(&mut tx, actor.id(), &attachment_ids, &id).await?)
            }
            Some(rows) => attachments::copy_to(&mut tx, rows, &id).await?,
        }
        let message = record(ctx, &mut tx, EventKind::MessageCreated, &id).await?;
        data.push(MassDelivery {
            client_id,
            channel_id,
            message,
        });
    }
    ctx.commit(tx).await?;
    Ok(MassMessageResult {
        object: "massMessage",
        data,
    })
}
