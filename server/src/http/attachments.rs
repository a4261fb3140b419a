//! Files: upload, metadata, downloads with ranges and caching, thumbnails,
//! and the workspace's usage.

use std::time::Duration;

use axum::body::Body;
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Json;
use futures_util::StreamExt;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::Path;
use crate::auth::{Actor, Authenticated};
use crate::domain::attachment::{self, Attachment, FileName};
use crate::error::{Error, ErrorBody, Result};
use crate::service::attachments::{self, FileUsage};
use crate::service::Context;

pub fn router() -> OpenApiRouter<Context> {
    // Uploads are limited per file while they stream, not by the JSON body limit.
    let upload = OpenApiRouter::new()
        .routes(routes!(upload_attachments))
        .layer(DefaultBodyLimit::disable());
    OpenApiRouter::new()
        .merge(upload)
        .routes(routes!(file_usage))
        .routes(routes!(retrieve_attachment))
        .routes(routes!(download_attachment))
        .routes(routes!(download_thumbnail))
}

/// The multipart form of an upload (documentation only).
#[derive(ToSchema)]
#[allow(dead_code)]
struct UploadForm {
    /// One part per file, each with a filename (the part's name does not
    /// matter); repeat the part for several files.
    #[schema(value_type = Vec<String>, format = Binary)]
    file: Vec<Vec<u8>>,
}

/// The files just stored, in the order they were sent.
#[derive(Serialize, ToSchema)]
struct UploadedFiles {
    data: Vec<Attachment>,
}

/// A file's bytes (documentation only).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct FileBytes(Vec<u8>);

fn multipart_error(err: MultipartError) -> Error {
    if timed_out(&err) {
        return Error::RequestTimeout(
            "the upload stopped sending data and was cut off; send it again".into(),
        );
    }
    match err.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Error::PayloadTooLarge(err.body_text()),
        // The body stopped arriving: the client hung up or the network failed.
        StatusCode::INTERNAL_SERVER_ERROR => {
            Error::BadRequest(format!("the upload was interrupted: {}", err.body_text()))
        }
        _ => Error::BadRequest(err.body_text()),
    }
}

/// Whether the body stopped arriving for longer than the read timeout.
fn timed_out(err: &MultipartError) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(err) = cause {
        if err.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = err.source();
    }
    false
}

/// Upload files (`multipart/form-data`, one part per file). Each file is
/// streamed to storage as it arrives; the answer lists the stored files,
/// which the caller then sends with `attachmentIds` on `POST /v1/messages`
/// or `POST /v1/mass-messages`. Files never sent are deleted after a day.
/// Empty files are refused (422), files over the size limit get 413, a
/// file that would go over the person's or the workspace's quota gets 422
/// `quota_exceeded`, more files per minute than a person may upload get 429
/// with `Retry-After`, a body that stops arriving is cut off with 408, and
/// if any file of a request is refused, none of its files is kept.
#[utoipa::path(post, path = "/v1/attachments", tag = "attachments",
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 200, body = UploadedFiles), (status = "4XX", body = ErrorBody)))]
async fn upload_attachments(
    State(ctx): State<Context>,
    auth: Authenticated,
    headers: HeaderMap,
    multipart: std::result::Result<Multipart, MultipartRejection>,
) -> Result<Json<UploadedFiles>> {
    let limits = &ctx.config.files;
    // A body that cannot fit is refused before it is read (a client that
    // sent `Expect: 100-continue` then never sends it).
    let most = limits.max_files_per_message as u64 * (limits.max_file_bytes + 64 * 1024);
    if let Some(length) = content_length(&headers).filter(|length| *length > most) {
        return Err(Error::PayloadTooLarge(format!(
            "this upload is {length} bytes; one request takes at most {} files of at most {} bytes each",
            limits.max_files_per_message, limits.max_file_bytes
        )));
    }
    let mut multipart = multipart.map_err(|rejection| Error::BadRequest(rejection.body_text()))?;
    let mut stored = StoredSoFar {
        ctx: ctx.clone(),
        actor: auth.actor.clone(),
        files: Vec::new(),
    };
    match receive(&ctx, &auth.actor, &mut multipart, &mut stored.files).await {
        Ok(()) if stored.files.is_empty() => Err(Error::invalid(
            "send at least one file: a multipart part with a filename",
        )),
        Ok(()) => Ok(Json(UploadedFiles {
            data: std::mem::take(&mut stored.files),
        })),
        Err(err) => {
            if matches!(
                err,
                Error::PayloadTooLarge(_) | Error::Unprocessable(_) | Error::QuotaExceeded(_)
            ) {
                drain(&mut multipart).await;
            }
            Err(err)
        }
    }
}

/// The files of a request stored so far. Unless the request succeeds and
/// takes them, they are deleted — also when the request is dropped midway
/// because the client hung up — so a request keeps all its files or none.
struct StoredSoFar {
    ctx: Context,
    actor: Actor,
    files: Vec<Attachment>,
}

impl Drop for StoredSoFar {
    fn drop(&mut self) {
        if self.files.is_empty() {
            return;
        }
        let ids: Vec<String> = self.files.drain(..).map(|a| a.id).collect();
        let (ctx, actor) = (self.ctx.clone(), self.actor.clone());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if let Err(err) = attachments::discard(&ctx, &actor, &ids).await {
                    tracing::warn!(error = %err, "discarding the files of a failed upload failed");
                }
            });
        }
    }
}

async fn receive(
    ctx: &Context,
    actor: &Actor,
    multipart: &mut Multipart,
    stored: &mut Vec<Attachment>,
) -> Result<()> {
    let max = ctx.config.files.max_files_per_message;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        if stored.len() == max {
            return Err(Error::invalid(format!(
                "one upload takes at most {max} files"
            )));
        }
        let Some(name) = field.file_name().map(str::to_string) else {
            return Err(Error::BadRequest(
                "every part must be a file with a filename (Content-Disposition: form-data; name=\"file\"; filename=\"…\")".into(),
            ));
        };
        let body = field.map(|chunk| chunk.map_err(multipart_error));
        stored.push(attachments::upload(ctx, actor, &name, body).await?);
    }
    Ok(())
}

/// Reads (and drops) what is left of a refused upload for a moment, so the
/// client, still sending, gets to read the answer instead of a reset.
async fn drain(multipart: &mut Multipart) {
    let _ = tokio::time::timeout(Duration::from_secs(3), async {
        while let Ok(Some(mut field)) = multipart.next_field().await {
            while let Ok(Some(_)) = field.chunk().await {}
        }
    })
    .await;
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

/// What the workspace stores, and the upload limits (internal users only).
#[utoipa::path(get, path = "/v1/attachments/usage", tag = "attachments",
    responses((status = 200, body = FileUsage), (status = "4XX", body = ErrorBody)))]
async fn file_usage(State(ctx): State<Context>, auth: Authenticated) -> Result<Json<FileUsage>> {
    Ok(Json(attachments::usage(&ctx, &auth.actor).await?))
}

/// An attachment's details, for members of its message's channel (or its
/// uploader, before it is sent).
#[utoipa::path(get, path = "/v1/attachments/{id}", tag = "attachments", params(("id" = String, Path)),
    responses((status = 200, body = Attachment), (status = "4XX", body = ErrorBody)))]
async fn retrieve_attachment(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Attachment>> {
    Ok(Json(attachments::get(&ctx, &auth.actor, &id).await?))
}

/// Download a file. PNG, JPEG, GIF and WebP images are served inline; every
/// other file as a download (`Content-Disposition: attachment`), with types
/// a browser could run (HTML, SVG, XML, scripts) served as
/// `application/octet-stream`. Supports `Range` (one range), `If-Range`
/// and `If-None-Match`; files never change, so they may be cached for good.
#[utoipa::path(get, path = "/v1/attachments/{id}/content", tag = "attachments",
    params(("id" = String, Path), ("Range" = Option<String>, Header, description = "bytes=START-END")),
    responses(
        (status = 200, body = FileBytes, content_type = "application/octet-stream"),
        (status = 206, body = FileBytes, content_type = "application/octet-stream", description = "The requested range"),
        (status = 304, description = "Not modified (If-None-Match)"),
        (status = 416, body = ErrorBody, description = "The range is outside the file"),
        (status = "4XX", body = ErrorBody)))]
async fn download_attachment(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let row = attachments::visible(&ctx, &auth.actor, &id).await?;
    let file = Served {
        inline: attachment::is_inline_image(&row.content_type),
        content_type: attachment::served_type(&row.content_type).to_string(),
        etag: format!("\"{}\"", row.sha256),
        size: row.size as u64,
        name: FileName::parse(&row.name),
        blob_id: row.blob_id,
    };
    serve(&ctx, file, &headers).await
}

/// An image's preview, at most 400×400 pixels (PNG, or JPEG for photos).
#[utoipa::path(get, path = "/v1/attachments/{id}/thumbnail", tag = "attachments",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = FileBytes, content_type = "image/png"),
        (status = "4XX", body = ErrorBody)))]
async fn download_thumbnail(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response> {
    let row = attachments::visible(&ctx, &auth.actor, &id).await?;
    let (Some(blob_id), Some(content_type), Some(size)) = (
        row.thumbnail_blob_id,
        row.thumbnail_type,
        row.thumbnail_size,
    ) else {
        return Err(Error::NotFound("thumbnail"));
    };
    let file = Served {
        inline: true,
        content_type,
        etag: format!("\"{}-thumbnail\"", row.sha256),
        size: size as u64,
        name: FileName::parse(&row.name),
        blob_id,
    };
    serve(&ctx, file, &headers).await
}

struct Served {
    blob_id: String,
    size: u64,
    content_type: String,
    etag: String,
    inline: bool,
    name: FileName,
}

/// Blobs never change, so a private cache may keep them for good.
const CACHE_CONTROL: &str = "private, max-age=31536000, immutable";

async fn serve(ctx: &Context, file: Served, request: &HeaderMap) -> Result<Response> {
    let etag = HeaderValue::from_str(&file.etag).map_err(anyhow::Error::from)?;
    let cached = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| etag_matches(v, &file.etag));
    let mut builder = Response::builder()
        .header(header::ETAG, etag)
        .header(header::CACHE_CONTROL, CACHE_CONTROL)
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if cached {
        return Ok(builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .map_err(anyhow::Error::from)?);
    }
    // If-Range: the range only applies to the version the client has.
    let range_applies = request
        .get(header::IF_RANGE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v == file.etag);
    let range = match request.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(value) if range_applies => parse_range(value, file.size)?,
        _ => None,
    };
    let disposition = attachment::content_disposition(file.inline, &file.name);
    builder = builder
        .header(header::CONTENT_TYPE, &file.content_type)
        .header(header::CONTENT_DISPOSITION, disposition)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        );
    let (status, length, blob_range) = match range {
        Some((start, end)) => {
            builder = builder.header(
                header::CONTENT_RANGE,
                format!("bytes {start}-{end}/{}", file.size),
            );
            (
                StatusCode::PARTIAL_CONTENT,
                end - start + 1,
                Some(start..end + 1),
            )
        }
        None => (StatusCode::OK, file.size, None),
    };
    let stream = attachments::read(ctx, &file.blob_id, blob_range).await?;
    Ok(builder
        .status(status)
        .header(header::CONTENT_LENGTH, length)
        .body(Body::from_stream(stream))
        .map_err(anyhow::Error::from)?)
}

fn etag_matches(header: &str, etag: &str) -> bool {
    header
        .split(',')
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == etag)
}

/// A single `bytes=` range as inclusive positions. Other units, and several
/// ranges, are ignored (the whole file is sent, as RFC 9110 allows); a
/// malformed range, or one outside the file, is 416.
fn parse_range(value: &str, size: u64) -> Result<Option<(u64, u64)>> {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let unsatisfiable = || Error::RangeNotSatisfiable { size };
    let (first, last) = spec.trim().split_once('-').ok_or_else(unsatisfiable)?;
    let number = |s: &str| -> Result<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(unsatisfiable());
        }
        s.parse().map_err(|_| unsatisfiable())
    };
    let (start, end) = match (first.trim(), last.trim()) {
        ("", suffix) => {
            let length = number(suffix)?;
            if length == 0 {
                return Err(unsatisfiable());
            }
            (size.saturating_sub(length), size - 1)
        }
        (start, "") => (number(start)?, size - 1),
        (start, end) => {
            let (start, end) = (number(start)?, number(end)?);
            if end < start {
                return Err(unsatisfiable());
            }
            (start, end.min(size - 1))
        }
    };
    if start >= size {
        return Err(unsatisfiable());
    }
    Ok(Some((start, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rfc_9110() {
        let ok = [
            ("bytes=0-99", Some((0, 99))),
            ("bytes=100-", Some((100, 999))),
            ("bytes=-10", Some((990, 999))),
            ("bytes=-5000", Some((0, 999))),
            ("bytes=900-5000", Some((900, 999))),
            ("items=0-1", None),
            ("bytes=0-1,5-6", None),
        ];
        for (header, expected) in ok {
            assert_eq!(parse_range(header, 1000).unwrap(), expected, "{header}");
        }
        for bad in [
            "bytes=1000-",
            "bytes=5-1",
            "bytes=-0",
            "bytes=x-1",
            "bytes=",
            "bytes=1",
        ] {
            assert!(
                matches!(
                    parse_range(bad, 1000),
                    Err(Error::RangeNotSatisfiable { size: 1000 })
                ),
                "{bad} should be 416"
            );
        }
    }

    #[test]
    fn etags_match_strong_weak_and_star() {
        assert!(etag_matches("\"abc\"", "\"abc\""));
        assert!(etag_matches("W/\"abc\", \"x\"", "\"abc\""));
        assert!(etag_matches("*", "\"abc\""));
        assert!(!etag_matches("\"abd\"", "\"abc\""));
    }
}
