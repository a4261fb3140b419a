//! Saved replies: the team's templates, shared (admins manage them) or one
//! person's own, with files; and inserting one into a message, filled in
//! for its conversation, its files as fresh uploads of the inserter's.
//! Who sees and manages what is `authz::saved_replies`.

use super::{attachments, template_values, views, Context};
use crate::auth::{Actor, Credential};
use crate::authz;
use crate::domain::saved_reply::{
    self, CreateSavedReply, RenderSavedReply, RenderedSavedReply, SavedReply, SavedReplyFile,
    UpdateSavedReply, MAX_PER_LIST,
};
use crate::domain::{new_id, Timestamp};
use crate::error::{Error, Result};
use crate::storage::attachments::AttachmentRow;
use crate::storage::saved_replies::{SavedFileRow, SavedReplyRow};
use crate::storage::{self, now_ms, Conn};

fn view(row: SavedReplyRow, files: Vec<SavedFileRow>) -> SavedReply {
    SavedReply {
        object: "savedReply",
        is_shared: row.owner_id.is_none(),
        attachments: files
            .into_iter()
            .map(|f| SavedReplyFile {
                id: f.id,
                name: f.name,
                size: f.size as u64,
                content_type: f.content_type,
            })
            .collect(),
        created_at: Timestamp(row.created_at),
        updated_at: Timestamp(row.updated_at),
        id: row.id,
        owner_id: row.owner_id,
        title: row.title,
        text: row.text,
    }
}

/// The replies with their files, in the order given.
async fn with_files(conn: &mut Conn, rows: Vec<SavedReplyRow>) -> Result<Vec<SavedReply>> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let mut files = storage::saved_replies::files_of(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (own, rest): (Vec<_>, Vec<_>) =
                files.drain(..).partition(|f| f.saved_reply_id == row.id);
            files = rest;
            view(row, own)
        })
        .collect())
}

async fn visible(conn: &mut Conn, actor: &Actor, id: &str) -> Result<SavedReplyRow> {
    let reader = authz::saved_reply_reader(actor)?;
    storage::found(
        storage::saved_replies::get_visible(conn, &reader.id, id).await?,
        "saved reply",
    )
}

/// Whether the actor may make shared replies (the web app offers it).
pub fn may_share(actor: &Actor) -> bool {
    authz::may_manage_saved_reply(actor, None).is_ok()
}

/// The shared replies and the actor's own, by title.
#[tracing::instrument(skip_all)]
pub async fn list(ctx: &Context, actor: &Actor) -> Result<Vec<SavedReply>> {
    let reader = authz::saved_reply_reader(actor)?;
    let mut conn = ctx.store.reader().await?;
    let rows = storage::saved_replies::list_visible(&mut conn, &reader.id).await?;
    with_files(&mut conn, rows).await
}

#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Context, actor: &Actor, id: &str) -> Result<SavedReply> {
    let mut conn = ctx.store.reader().await?;
    let row = visible(&mut conn, actor, id).await?;
    let mut replies = with_files(&mut conn, vec![row]).await?;
    Ok(replies.remove(0))
}

async fn refuse_taken_title(
    conn: &mut Conn,
    owner_id: Option<&str>,
    title: &str,
    except_id: &str,
) -> Result<()> {
    if storage::saved_replies::title_taken(conn, owner_id, title, except_id).await? {
        let list = match owner_id {
            None => "a shared saved reply",
            Some(_) => "one of your saved replies",
        };
        return Err(Error::Conflict(format!(
            "title: {list} is already called {title:?}"
        )));
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn create(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    request: &CreateSavedReply,
) -> Result<SavedReply> {
    let owner_id = (!request.is_shared).then(|| actor.id().to_string());
    authz::may_manage_saved_reply(actor, owner_id.as_deref())?;
    authz::may_write(credential)?;
    let title = saved_reply::title(&request.title)?;
    let file_ids = saved_reply::file_ids(
        request.attachment_ids.as_deref().unwrap_or_default(),
        ctx.config.files.max_files_per_message,
    )?;
    let text = saved_reply::text(&request.text, !file_ids.is_empty())?;
    let mut tx = ctx.store.begin().await?;
    if storage::saved_replies::count(&mut tx, owner_id.as_deref()).await? >= MAX_PER_LIST {
        return Err(Error::invalid(format!(
            "a list of saved replies holds at most {MAX_PER_LIST}; delete one first"
        )));
    }
    let now = now_ms();
    let row = SavedReplyRow {
        seq: 0,
        id: new_id(),
        owner_id,
        title,
        text,
        created_at: now,
        updated_at: now,
    };
    refuse_taken_title(&mut tx, row.owner_id.as_deref(), &row.title, &row.id).await?;
    storage::saved_replies::insert(&mut tx, &row).await?;
    let files = keep_files(&mut tx, actor, &row.id, &file_ids, Vec::new()).await?;
    tx.commit().await?;
    Ok(view(row, files))
}

/// Makes `ids` the reply's files, in that order: each one of its present
/// files (`present`) or an unsent upload of the actor's, which becomes the
/// reply's (its blob moves to the reply's file in the same transaction, so
/// it is never unused meanwhile).
async fn keep_files(
    conn: &mut Conn,
    actor: &Actor,
    reply_id: &str,
    ids: &[String],
    present: Vec<SavedFileRow>,
) -> Result<Vec<SavedFileRow>> {
    let mut kept = Vec::with_capacity(ids.len());
    for (position, id) in ids.iter().enumerate() {
        let file = match present.iter().find(|f| f.id == *id) {
            Some(file) => file.clone(),
            None => adopt_upload(conn, actor, reply_id, id).await?,
        };
        let file = SavedFileRow {
            position: position as i64,
            ..file
        };
        storage::saved_replies::insert_file(conn, &file).await?;
        kept.push(file);
    }
    Ok(kept)
}

async fn adopt_upload(
    conn: &mut Conn,
    actor: &Actor,
    reply_id: &str,
    id: &str,
) -> Result<SavedFileRow> {
    let upload = storage::attachments::get(conn, id)
        .await?
        .filter(|a| a.uploader_id == actor.id() && a.message_id.is_none())
        .ok_or_else(|| {
            Error::invalid(format!(
                "attachmentIds: {id} is not a file of this saved reply nor an unsent upload of yours"
            ))
        })?;
    // The upload is the reply's now: its row goes, its blob stays in use.
    storage::attachments::remove_unsent(conn, actor.id(), &[id.to_string()]).await?;
    Ok(SavedFileRow {
        id: upload.id,
        saved_reply_id: reply_id.to_string(),
        uploader_id: upload.uploader_id,
        position: 0,
        name: upload.name,
        size: upload.size,
        content_type: upload.content_type,
        width: upload.width,
        height: upload.height,
        sha256: upload.sha256,
        blob_id: upload.blob_id,
        thumbnail_blob_id: upload.thumbnail_blob_id,
        thumbnail_type: upload.thumbnail_type,
        thumbnail_size: upload.thumbnail_size,
        created_at: upload.created_at,
    })
}

#[tracing::instrument(skip_all)]
pub async fn update(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    id: &str,
    request: &UpdateSavedReply,
) -> Result<SavedReply> {
    authz::saved_reply_reader(actor)?;
    authz::may_write(credential)?;
    let title = request
        .title
        .as_deref()
        .map(saved_reply::title)
        .transpose()?;
    let file_ids = request
        .attachment_ids
        .as_deref()
        .map(|ids| saved_reply::file_ids(ids, ctx.config.files.max_files_per_message))
        .transpose()?;
    let mut tx = ctx.store.begin().await?;
    let row = visible(&mut tx, actor, id).await?;
    authz::may_manage_saved_reply(actor, row.owner_id.as_deref())?;
    let present = storage::saved_replies::files_of(&mut tx, &[id]).await?;
    let has_files = file_ids
        .as_ref()
        .map_or(!present.is_empty(), |ids| !ids.is_empty());
    let text = saved_reply::text(request.text.as_deref().unwrap_or(&row.text), has_files)?;
    let title = title.unwrap_or(row.title.clone());
    refuse_taken_title(&mut tx, row.owner_id.as_deref(), &title, id).await?;
    let now = now_ms();
    storage::saved_replies::update(&mut tx, id, &title, &text, now).await?;
    let (files, released) = match file_ids {
        Some(ids) => {
            let released = storage::saved_replies::remove_files(&mut tx, id).await?;
            (
                keep_files(&mut tx, actor, id, &ids, present).await?,
                released,
            )
        }
        None => (present, Vec::new()),
    };
    tx.commit().await?;
    attachments::release_blobs(ctx, released).await;
    Ok(view(
        SavedReplyRow {
            title,
            text,
            updated_at: now,
            ..row
        },
        files,
    ))
}

/// Deletes a reply; its files' blobs go unless something else uses them.
#[tracing::instrument(skip_all)]
pub async fn delete(ctx: &Context, actor: &Actor, credential: Credential, id: &str) -> Result<()> {
    authz::saved_reply_reader(actor)?;
    authz::may_write(credential)?;
    let mut tx = ctx.store.begin().await?;
    let row = visible(&mut tx, actor, id).await?;
    authz::may_manage_saved_reply(actor, row.owner_id.as_deref())?;
    let blobs = storage::saved_replies::delete(&mut tx, id).await?;
    tx.commit().await?;
    attachments::release_blobs(ctx, blobs).await;
    Ok(())
}

/// The reply as it is inserted into a message to `target`'s conversation:
/// its text filled in, and its files as fresh unsent uploads of the
/// actor's that share the reply's blobs, sent like any upload.
#[tracing::instrument(skip_all)]
pub async fn render(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    id: &str,
    target: &RenderSavedReply,
) -> Result<RenderedSavedReply> {
    authz::saved_reply_reader(actor)?;
    authz::may_write(credential)?;
    let given = |id: &Option<String>| id.clone().filter(|id| !id.is_empty());
    let scope = authz::scope(actor);
    let mut tx = ctx.store.begin().await?;
    let reply = visible(&mut tx, actor, id).await?;
    let values = match (given(&target.channel_id), given(&target.client_id)) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                "give channelId or clientId, not both: the reply goes to one conversation",
            ))
        }
        (Some(channel_id), None) => {
            let channel = storage::found(
                storage::channels::get_visible(&mut tx, &scope, actor.id(), &channel_id).await?,
                "message channel",
            )?;
            Some(template_values::for_channel(&mut tx, &scope, &channel).await?)
        }
        (None, Some(client_id)) => {
            let client = storage::found(
                storage::clients::get_visible(&mut tx, &scope, &client_id).await?,
                "client",
            )?;
            Some(template_values::for_client(&mut tx, &scope, &client).await?)
        }
        (None, None) => None,
    };
    let text = match values {
        Some(values) => values.render(&reply.text),
        None => reply.text.clone(),
    };
    let now = now_ms();
    let mut uploads = Vec::new();
    for file in storage::saved_replies::files_of(&mut tx, &[id]).await? {
        let upload = AttachmentRow {
            seq: 0,
            id: new_id(),
            uploader_id: actor.id().to_string(),
            message_id: None,
            position: 0,
            name: file.name,
            size: file.size,
            content_type: file.content_type,
            width: file.width,
            height: file.height,
            sha256: file.sha256,
            blob_id: file.blob_id,
            thumbnail_blob_id: file.thumbnail_blob_id,
            thumbnail_type: file.thumbnail_type,
            thumbnail_size: file.thumbnail_size,
            created_at: now,
        };
        storage::attachments::insert(&mut tx, &upload).await?;
        uploads.push(upload);
    }
    tx.commit().await?;
    let attachments: Vec<_> = uploads
        .into_iter()
        .map(|row| views::attachment(&ctx.config.public_url, row))
        .collect();
    Ok(RenderedSavedReply {
        object: "renderedSavedReply",
        text,
        attachment_ids: attachments.iter().map(|a| a.id.clone()).collect(),
        attachments,
    })
}
