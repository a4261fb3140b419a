//! Files: uploading them (streamed to the blob store, never held whole in
//! memory), putting them on messages, letting the right people read them,
//! and deleting them when nothing uses them any more.
//!
//! Every blob is first recorded as incomplete in the `blobs` ledger, then
//! written, then completed together with its attachment row in one
//! transaction. An upload that stops halfway — the client hangs up, a limit
//! is hit, the server crashes — therefore leaves no attachment anyone can
//! see, and its bytes are deleted at once (or by housekeeping after a crash).

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::{views, Context};
use crate::auth::Actor;
use crate::authz;
use crate::blobs::{BlobStore, ByteStream};
use crate::domain::attachment::{self, Attachment, FileName};
use crate::domain::new_id;
use crate::error::{Error, Result};
use crate::storage::attachments::AttachmentRow;
use crate::storage::{self, now_ms, Conn, Store};

/// A blob recorded in the ledger but not yet complete. Dropped before
/// `keep`, it deletes whatever was written and its ledger row.
struct Reservation {
    ctx: Context,
    blob_id: String,
    kept: bool,
}

impl Reservation {
    async fn new(ctx: &Context) -> Result<Reservation> {
        let blob_id = BlobStore::new_key();
        let mut tx = ctx.store.begin().await?;
        storage::attachments::reserve_blob(&mut tx, &blob_id, now_ms()).await?;
        tx.commit().await?;
        Ok(Reservation {
            ctx: ctx.clone(),
            blob_id,
            kept: false,
        })
    }

    fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        let (ctx, blob_id) = (self.ctx.clone(), std::mem::take(&mut self.blob_id));
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(err) = discard_incomplete(&ctx, &blob_id).await {
                    tracing::warn!(error = %err, "discarding an unfinished upload failed; housekeeping will retry");
                }
            });
        }
    }
}

/// Deletes an unfinished blob and its ledger row (a completed one is left alone).
async fn discard_incomplete(ctx: &Context, blob_id: &str) -> Result<()> {
    let mut conn = ctx.store.reader().await?;
    let complete = storage::attachments::is_blob_complete(&mut conn, blob_id).await?;
    drop(conn);
    if complete {
        return Ok(());
    }
    ctx.blobs.delete(blob_id).await?;
    let mut tx = ctx.store.begin().await?;
    storage::attachments::forget_incomplete_blob(&mut tx, blob_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Uploads per person per minute, counted in the database so that every
/// node shares the count (GCRA: the rate, with a burst of a minute's worth).
#[derive(Clone)]
pub struct UploadRate {
    store: Store,
    per_minute: u32,
}

impl UploadRate {
    pub fn new(store: Store, per_minute: u32) -> UploadRate {
        UploadRate {
            store,
            per_minute: per_minute.max(1),
        }
    }

    /// Counts one file; refused with Retry-After once the person is over the rate.
    async fn take(&self, person: &str) -> Result<()> {
        let interval = (60_000 / i64::from(self.per_minute)).max(1);
        let mut tx = self.store.begin().await?;
        let wait = storage::rate_limits::take(
            &mut tx,
            &format!("upload:{person}"),
            storage::now_ms(),
            interval,
            i64::from(self.per_minute),
        )
        .await?;
        tx.commit().await?;
        match wait {
            None => Ok(()),
            Some(wait_ms) => Err(Error::RateLimited {
                retry_after_secs: u64::try_from(wait_ms).unwrap_or(1).div_ceil(1000).max(1),
            }),
        }
    }

    /// Forgets the people whose uploads are all paid for.
    pub async fn forget_old(&self) -> Result<u64> {
        let mut tx = self.store.begin().await?;
        let forgotten = storage::rate_limits::forget_old(&mut tx, storage::now_ms()).await?;
        tx.commit().await?;
        Ok(forgotten)
    }
}

/// The upload quotas in force, and what they leave room for.
struct Quotas {
    person: Option<(i64, i64)>,
    workspace: Option<(i64, i64)>,
}

impl Quotas {
    /// The workspace's quotas and what is used of them now.
    async fn load(conn: &mut Conn, uploader_id: &str) -> Result<Quotas> {
        let settings = super::workspace::load(conn).await?;
        let person = match settings.person_file_quota_bytes {
            Some(quota) => Some((
                quota,
                storage::attachments::uploaded_by(conn, uploader_id).await?,
            )),
            None => None,
        };
        let workspace = match settings.workspace_file_quota_bytes {
            Some(quota) => Some((quota, storage::attachments::stored_bytes(conn).await?)),
            None => None,
        };
        Ok(Quotas { person, workspace })
    }

    /// Refuses `incoming` more bytes when they would go over a quota.
    fn check(&self, name: &FileName, incoming: u64) -> Result<()> {
        let incoming = i64::try_from(incoming).unwrap_or(i64::MAX);
        if let Some((quota, used)) = self.person {
            if used.saturating_add(incoming) > quota {
                return Err(Error::QuotaExceeded(format!(
                    "file {:?} would take your uploads over your quota of {} \
                     ({} in use); delete files or ask an admin to raise the per-person quota",
                    name.as_str(),
                    human_size(quota as u64),
                    human_size(used as u64),
                )));
            }
        }
        if let Some((quota, used)) = self.workspace {
            if used.saturating_add(incoming) > quota {
                return Err(Error::QuotaExceeded(format!(
                    "file {:?} would take the workspace over its storage quota of {} \
                     ({} in use); ask an admin to raise the workspace quota",
                    name.as_str(),
                    human_size(quota as u64),
                    human_size(used as u64),
                )));
            }
        }
        Ok(())
    }
}

fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// Decodes a stored file on a blocking thread: a few at a time, however
/// many uploads arrive. Each reads the file back into memory (not while its
/// upload streams in, when a slow sender would hold that memory for as long
/// as they like) and keeps a core busy while `decode` runs.
async fn decode_stored<T: Send + 'static>(
    ctx: &Context,
    blob_id: &str,
    size: u64,
    decode: impl FnOnce(Vec<u8>) -> T + Send + 'static,
) -> Result<T> {
    let _permit = ctx.file_pool.acquire().await.map_err(anyhow::Error::from)?;
    let mut stored = ctx.blobs.read(blob_id, None).await?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or_default());
    while let Some(chunk) = stored.next().await {
        bytes.extend_from_slice(&chunk.map_err(anyhow::Error::from)?);
    }
    Ok(tokio::task::spawn_blocking(move || decode(bytes))
        .await
        .map_err(anyhow::Error::from)?)
}

/// A thumbnail of a stored image, decoded up to the pixel cap.
async fn preview(
    ctx: &Context,
    blob_id: &str,
    size: u64,
) -> Result<Option<super::thumbnails::Thumbnail>> {
    let (max_px, max_pixels) = (
        ctx.config.files.thumbnail_px,
        ctx.config.limits.thumbnail_max_pixels,
    );
    decode_stored(ctx, blob_id, size, move |bytes| {
        super::thumbnails::make(&bytes, max_px, max_pixels)
    })
    .await
}

/// The text search finds a stored file by, for the kinds of file whose
/// text is read and up to the size cap.
async fn text_of(
    ctx: &Context,
    blob_id: &str,
    size: u64,
    content_type: &str,
    name: &str,
) -> Result<Option<String>> {
    if !super::file_text::is_readable(content_type, name)
        || size > ctx.config.files.max_text_source_bytes as u64
    {
        return Ok(None);
    }
    let (content_type, name) = (content_type.to_string(), name.to_string());
    decode_stored(ctx, blob_id, size, move |bytes| {
        super::file_text::extract(&bytes, &content_type, &name)
    })
    .await
}

/// Stores one uploaded file for the actor, who may then send it in a
/// message. `body` yields the file's bytes as they arrive.
#[tracing::instrument(skip_all)]
pub async fn upload<S>(
    ctx: &Context,
    actor: &Actor,
    raw_name: &str,
    mut body: S,
) -> Result<Attachment>
where
    S: Stream<Item = Result<Bytes>> + Unpin,
{
    let limits = &ctx.config.files;
    let name = FileName::parse(raw_name);
    ctx.upload_rate.take(actor.id()).await?;
    let quotas = {
        let mut conn = ctx.store.reader().await?;
        Quotas::load(&mut conn, actor.id()).await?
    };
    let reservation = Reservation::new(ctx).await?;
    let mut writer = ctx.blobs.create(&reservation.blob_id).await?;
    let mut size: u64 = 0;
    let mut hasher = Sha256::new();
    let mut head: Vec<u8> = Vec::with_capacity(attachment::SNIFF_BYTES);
    let mut sniffed: Option<String> = None;
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        size += chunk.len() as u64;
        if size > limits.max_file_bytes {
            return Err(Error::PayloadTooLarge(format!(
                "file {:?} is larger than the limit of {} per file",
                name.as_str(),
                human_size(limits.max_file_bytes)
            )));
        }
        quotas.check(&name, size)?;
        hasher.update(&chunk);
        if sniffed.is_none() {
            let wanted = (attachment::SNIFF_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..wanted]);
            if head.len() == attachment::SNIFF_BYTES {
                sniffed = Some(attachment::sniff(&head));
            }
        }
        writer.write(chunk).await?;
    }
    if size == 0 {
        return Err(Error::invalid(format!(
            "file {:?} is empty; send a file with some content",
            name.as_str()
        )));
    }
    writer.finish().await?;
    let content_type = sniffed.unwrap_or_else(|| attachment::sniff(&head));
    let thumbnail = if attachment::is_inline_image(&content_type)
        && size <= limits.max_thumbnail_source_bytes as u64
    {
        preview(ctx, &reservation.blob_id, size).await?
    } else {
        None
    };
    let text = text_of(
        ctx,
        &reservation.blob_id,
        size,
        &content_type,
        name.as_str(),
    )
    .await?;
    let stored_thumbnail = match &thumbnail {
        Some(thumb) => {
            let reservation = Reservation::new(ctx).await?;
            let mut writer = ctx.blobs.create(&reservation.blob_id).await?;
            writer.write(Bytes::copy_from_slice(&thumb.bytes)).await?;
            writer.finish().await?;
            Some(reservation)
        }
        None => None,
    };
    let row = AttachmentRow {
        seq: 0,
        id: new_id(),
        uploader_id: actor.id().to_string(),
        message_id: None,
        position: 0,
        name: name.as_str().to_string(),
        size: size as i64,
        content_type,
        width: thumbnail.as_ref().map(|t| i64::from(t.width)),
        height: thumbnail.as_ref().map(|t| i64::from(t.height)),
        sha256: format!("{:x}", hasher.finalize()),
        blob_id: reservation.blob_id.clone(),
        thumbnail_blob_id: stored_thumbnail.as_ref().map(|r| r.blob_id.clone()),
        thumbnail_type: thumbnail.as_ref().map(|t| t.content_type.to_string()),
        thumbnail_size: thumbnail.as_ref().map(|t| t.bytes.len() as i64),
        created_at: now_ms(),
    };
    let mut tx = ctx.store.begin().await?;
    // Again in the transaction that stores the file, so uploads running side
    // by side cannot each fit the quota and together exceed it.
    Quotas::load(&mut tx, actor.id())
        .await?
        .check(&name, size)?;
    storage::attachments::complete_blob(&mut tx, &row.blob_id, row.size).await?;
    if let (Some(id), Some(size)) = (&row.thumbnail_blob_id, row.thumbnail_size) {
        storage::attachments::complete_blob(&mut tx, id, size).await?;
    }
    storage::attachments::insert(&mut tx, &row).await?;
    if let Some(text) = &text {
        storage::search::set_file_text(&mut tx, &row.id, text).await?;
    }
    tx.commit().await?;
    reservation.keep();
    if let Some(reservation) = stored_thumbnail {
        reservation.keep();
    }
    Ok(views::attachment(&ctx.config.public_url, row))
}

/// Deletes uploads of the actor that were not sent (after a failed request).
#[tracing::instrument(skip_all)]
pub async fn discard(ctx: &Context, actor: &Actor, ids: &[String]) -> Result<()> {
    let mut tx = ctx.store.begin().await?;
    let blobs = storage::attachments::remove_unsent(&mut tx, actor.id(), ids).await?;
    tx.commit().await?;
    release_blobs(ctx, blobs).await;
    Ok(())
}

/// An attachment the actor may read: one on a message of a channel they
/// see, or their own upload not sent yet. Anything else is "not found".
pub async fn visible(ctx: &Context, actor: &Actor, id: &str) -> Result<AttachmentRow> {
    let mut conn = ctx.store.reader().await?;
    let row = storage::found(
        storage::attachments::get(&mut conn, id).await?,
        "attachment",
    )?;
    let allowed = match &row.message_id {
        None => row.uploader_id == actor.id(),
        // Files follow their message: through its channel, and a note's
        // only to staff.
        Some(message_id) => {
            match super::messages::visible_message(&mut conn, actor, message_id).await {
                Ok(_) => true,
                Err(Error::NotFound(_)) => false,
                Err(err) => return Err(err),
            }
        }
    };
    if !allowed {
        return Err(Error::NotFound("attachment"));
    }
    Ok(row)
}

#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Context, actor: &Actor, id: &str) -> Result<Attachment> {
    let row = visible(ctx, actor, id).await?;
    Ok(views::attachment(&ctx.config.public_url, row))
}

/// The bytes of a blob (or a range of them).
pub async fn read(
    ctx: &Context,
    blob_id: &str,
    range: Option<std::ops::Range<u64>>,
) -> Result<ByteStream> {
    Ok(ctx.blobs.read(blob_id, range).await?)
}

/// Validates the `attachmentIds` of a message: at most the configured
/// number, each once.
pub fn parse_ids(ctx: &Context, ids: Option<&[String]>) -> Result<Vec<String>> {
    let ids = ids.unwrap_or_default();
    let max = ctx.config.files.max_files_per_message;
    if ids.len() > max {
        return Err(Error::invalid(format!(
            "a message carries at most {max} files; attachmentIds lists {}",
            ids.len()
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for id in ids {
        if !seen.insert(id.as_str()) {
            return Err(Error::invalid(format!("attachmentIds lists {id} twice")));
        }
    }
    Ok(ids.to_vec())
}

/// Puts the uploader's unsent uploads on a message, in the order given.
pub(crate) async fn attach(
    conn: &mut Conn,
    uploader_id: &str,
    ids: &[String],
    message_id: &str,
) -> Result<Vec<AttachmentRow>> {
    for (position, id) in ids.iter().enumerate() {
        if !storage::attachments::attach(conn, id, uploader_id, message_id, position as i64).await?
        {
            return Err(Error::invalid(format!(
                "attachment {id} does not exist, is not an upload of yours, or was already sent"
            )));
        }
    }
    storage::attachments::of_messages(conn, &[message_id]).await
}

/// The same files on another message (a mass message's other recipients);
/// the copies share the blobs.
pub(crate) async fn copy_to(
    conn: &mut Conn,
    rows: &[AttachmentRow],
    message_id: &str,
) -> Result<()> {
    for row in rows {
        storage::attachments::copy(conn, &row.id, &new_id(), message_id).await?;
    }
    Ok(())
}

/// Deletes from the blob store the blobs among `candidates` that no
/// attachment uses any more, then their ledger rows. Called after the
/// commit that removed the attachments; a failure is logged and left to
/// housekeeping, since the removal itself has already happened.
pub async fn release_blobs(ctx: &Context, candidates: Vec<String>) {
    if candidates.is_empty() {
        return;
    }
    if let Err(err) = try_release(ctx, &candidates).await {
        tracing::warn!(error = %err, "deleting unused files failed; housekeeping will retry");
    }
}

async fn try_release(ctx: &Context, candidates: &[String]) -> Result<u64> {
    let mut conn = ctx.store.reader().await?;
    let unused = storage::attachments::unused_blobs(&mut conn, candidates).await?;
    drop(conn);
    let mut deleted = 0;
    for blob_id in unused {
        // The bytes go first: a row without bytes is harmless and retried,
        // bytes without a row would never be found again.
        ctx.blobs.delete(&blob_id).await?;
        let mut tx = ctx.store.begin().await?;
        if storage::attachments::forget_blob(&mut tx, &blob_id).await? {
            deleted += 1;
        }
        tx.commit().await?;
    }
    Ok(deleted)
}

/// Housekeeping: deletes uploads never sent within the configured time,
/// blobs nothing uses, and blobs whose upload never finished. Returns how
/// many blobs went.
#[tracing::instrument(skip_all)]
pub async fn collect_garbage(ctx: &Context, now: i64) -> Result<u64> {
    let cutoff = now - ctx.config.files.unsent_ttl.as_millis() as i64;
    let mut tx = ctx.store.begin().await?;
    storage::attachments::remove_unsent_before(&mut tx, cutoff).await?;
    tx.commit().await?;
    let mut conn = ctx.store.reader().await?;
    let unused = storage::attachments::all_unused_blobs(&mut conn, 1000).await?;
    let abandoned = storage::attachments::abandoned_blobs(&mut conn, cutoff, 1000).await?;
    drop(conn);
    let mut deleted = try_release(ctx, &unused).await?;
    for blob_id in abandoned {
        ctx.blobs.delete(&blob_id).await?;
        let mut tx = ctx.store.begin().await?;
        storage::attachments::forget_incomplete_blob(&mut tx, &blob_id).await?;
        tx.commit().await?;
        deleted += 1;
    }
    Ok(deleted)
}

/// What the workspace stores, and the limits on uploads.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct FileUsage {
    #[schema(value_type = String, example = "fileUsage")]
    pub object: &'static str,
    /// Bytes in the file store: every file once (a mass message's copies
    /// share theirs) and the thumbnails.
    pub stored_bytes: i64,
    /// Stored blobs (files and thumbnails).
    pub stored_blobs: i64,
    /// Attachments, sent or waiting to be sent.
    pub attachment_count: i64,
    pub max_file_bytes: u64,
    pub max_files_per_message: usize,
}

#[tracing::instrument(skip_all)]
pub async fn usage(ctx: &Context, actor: &Actor) -> Result<FileUsage> {
    authz::require_internal(actor)?;
    let mut conn = ctx.store.reader().await?;
    let (stored_bytes, stored_blobs, attachment_count) =
        storage::attachments::usage(&mut conn).await?;
    Ok(FileUsage {
        object: "fileUsage",
        stored_bytes,
        stored_blobs,
        attachment_count,
        max_file_bytes: ctx.config.files.max_file_bytes,
        max_files_per_message: ctx.config.files.max_files_per_message,
    })
}
