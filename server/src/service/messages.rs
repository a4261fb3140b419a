//! Sending, reading, editing and deleting messages, and mass messages.

use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::audit::{self, Source};
use super::sending::{self, Draft, Files};
use super::template_values::MassText;
use super::{attachments, channels, events, views, Context, Page, PageRequest};
use crate::auth::{Actor, Credential};
use crate::authz;
use crate::domain::audit::{Action, Target};
use crate::domain::event::EventKind;
use crate::domain::message::{Message, MessageText, SentVia};
use crate::domain::Timestamp;
use crate::error::{Error, Result};
use crate::storage::{self, now_ms, Conn};

pub use super::sending::MAX_IDEMPOTENCY_KEY_CHARS;
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
    /// An internal note: only the internal users who see the channel ever
    /// see it, never a client. Internal users only.
    #[serde(default)]
    pub is_internal: bool,
    /// Internal users mentioned: each who can see the channel is told (in
    /// product, and by e-mail unless they turned e-mail off).
    pub mention_ids: Option<Vec<String>>,
}

#[tracing::instrument(skip_all)]
pub async fn send(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    request: &SendMessage,
    idempotency_key: Option<&str>,
) -> Result<Message> {
    let draft = Draft::new(
        ctx,
        actor,
        credential,
        &request.channel_id,
        &request.text,
        request.attachment_ids.as_deref(),
        request.sender_id.as_deref(),
        idempotency_key,
        request.is_internal,
    )?
    .mentioning(request.mention_ids.as_deref().unwrap_or_default())?;
    if draft.is_batchable() {
        return ctx.message_writer.send(draft).await;
    }
    write_alone(ctx, draft).await
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
    let mut draft = Draft::new(
        ctx,
        actor,
        Credential::Session,
        channel_id,
        text,
        Some(&attachment_ids),
        None,
        Some(idempotency_key),
        false,
    )?;
    draft.sent_via = Some(SentVia::Email);
    write_alone(ctx, draft).await
}

/// A message in a transaction of its own: attaching can refuse a file
/// after the message is written, which a shared batch could not undo.
async fn write_alone(ctx: &Context, draft: Draft) -> Result<Message> {
    let mut tx = ctx.store.begin().await?;
    let message = sending::write(ctx, &mut tx, &draft, Files::Uploads).await?;
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
    let scope = authz::scope(actor);
    let channel = storage::channels::visible(&mut conn, &scope, channel_id).await?;
    storage::found(channel, "message channel")?;
    let rows =
        storage::messages::list(&mut conn, &scope, channel_id, page.before(), page.limit).await?;
    let (rows, next_token) = page.split(rows, |r| r.seq);
    Ok(Page {
        data: views::messages_for(ctx, &mut conn, actor, rows).await?,
        next_token,
    })
}

/// A message the actor can see: through its channel, and only staff see a
/// note. Anything else is "not found", the same as a message that is not.
pub(crate) async fn visible_message(
    conn: &mut Conn,
    actor: &Actor,
    id: &str,
) -> Result<storage::messages::MessageRow> {
    let message = storage::messages::get(conn, id)
        .await?
        .filter(|m| authz::sees_message(actor, m.is_internal != 0));
    let message = storage::found(message, "message")?;
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
    let scope = authz::scope(actor);
    let channel = storage::channels::visible(&mut conn, &scope, channel_id).await?;
    storage::found(channel, "message channel")?;
    storage::messages::newest_read_by_others(&mut conn, &scope, channel_id, actor.id()).await
}

/// A client's read marker as staff see it: "Seen by Ann · 14:02".
#[derive(Debug, Clone)]
pub struct ClientRead {
    pub client_id: String,
    pub name: String,
    /// The newest message they have read (one they may see).
    pub message_id: String,
    pub read_at: Timestamp,
}

/// How far each client who is a member of a channel has read it, and when,
/// earliest reader first. Only for staff (`authz::sees_client_reads`):
/// clients get nothing here and keep `seen_up_to`.
#[tracing::instrument(skip_all)]
pub async fn client_reads(
    ctx: &Context,
    actor: &Actor,
    channel_id: &str,
) -> Result<Vec<ClientRead>> {
    let channel = channels::get(ctx, actor, channel_id).await?;
    if !authz::sees_client_reads(actor) {
        return Ok(Vec::new());
    }
    let mut conn = ctx.store.reader().await?;
    let rows = storage::client_reads::of_channel(&mut conn, &channel.id).await?;
    Ok(rows
        .into_iter()
        // Someone who left the channel (their company, say) reads no more.
        .filter(|r| channel.member_ids.contains(&r.client_id))
        .map(|r| ClientRead {
            name: format!("{} {}", r.given_name, r.family_name),
            client_id: r.client_id,
            message_id: r.message_id,
            read_at: Timestamp(r.read_at),
        })
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Context, actor: &Actor, id: &str) -> Result<Message> {
    let mut conn = ctx.store.reader().await?;
    let row = visible_message(&mut conn, actor, id).await?;
    views::message_for(ctx, &mut conn, actor, row).await
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
        return Err(already_deleted());
    }
    Ok(message)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EditMessage {
    pub text: String,
}

/// Gives one's own message new text. The text it replaces is kept, with
/// who edited it and when, in the same transaction (for staff to read);
/// everyone who sees the message sees that it was edited (`editedAt`).
#[tracing::instrument(skip_all)]
pub async fn edit(
    ctx: &Context,
    actor: &Actor,
    id: &str,
    request: &EditMessage,
) -> Result<Message> {
    let mut tx = ctx.store.begin().await?;
    let current = own_message(&mut tx, actor, id).await?;
    let has_files = !storage::attachments::of_messages(&mut tx, &[id])
        .await?
        .is_empty();
    let text =
        MessageText::parse_with_files(&request.text, ctx.config.max_message_chars, has_files)?;
    if text.as_str() == current.text {
        // Saving what it already says is no edit: nothing to keep or tell.
        return views::message_for(ctx, &mut tx, actor, current).await;
    }
    if !storage::messages::edit(&mut tx, id, text.as_str(), actor.id(), now_ms()).await? {
        return Err(already_deleted());
    }
    let message = record(ctx, &mut tx, EventKind::MessageUpdated, id).await?;
    ctx.commit(tx).await?;
    Ok(message)
}

/// Deletes one's own message: its place in history stays, empty, for
/// everyone; what it said is kept as its last earlier version, and who
/// deleted it, for staff.
#[tracing::instrument(skip_all)]
pub async fn delete(ctx: &Context, actor: &Actor, source: &Source, id: &str) -> Result<Message> {
    let mut tx = ctx.store.begin().await?;
    let row = own_message(&mut tx, actor, id).await?;
    if !storage::messages::tombstone(&mut tx, id, actor.id(), now_ms()).await? {
        return Err(already_deleted());
    }
    // Never its text: what it said is kept for staff in its history only.
    audit::record(
        &mut tx,
        source,
        Action::MessageDeleted,
        Some(Target::new("message", id, None)),
        json!({ "channelId": row.channel_id, "isInternal": row.is_internal != 0 }),
    )
    .await?;
    storage::reactions::remove_from_message(&mut tx, id).await?;
    let blobs = storage::attachments::remove_from_message(&mut tx, id).await?;
    // The event is for everyone who sees the message; the answer is the
    // deleter's own, who (on staff) may know it was them.
    let mut message = record(ctx, &mut tx, EventKind::MessageDeleted, id).await?;
    message.deleted_by = authz::sees_history(actor).then(|| actor.id().to_string());
    ctx.commit(tx).await?;
    attachments::release_blobs(ctx, blobs).await;
    Ok(message)
}

fn already_deleted() -> Error {
    Error::Conflict("this message was deleted".into())
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
        let mut draft = Draft::plain(actor, &channel_id, text);
        draft.attachment_ids = attachment_ids.clone();
        let copies = match &files {
            None => Files::Uploads,
            Some(rows) => Files::CopiesOf(rows),
        };
        let message = sending::write(ctx, &mut tx, &draft, copies).await?;
        if files.is_none() {
            files = Some(storage::attachments::of_messages(&mut tx, &[message.id.as_str()]).await?);
        }
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
