//! Exports as ZIP downloads, streamed while they are written.

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::Path;
use crate::auth::Authenticated;
use crate::domain::attachment::{content_disposition, FileName};
use crate::error::{Error, ErrorBody, Result};
use crate::service::audit::Place;
use crate::service::export::{self, Download};
use crate::service::Context;

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(export_client))
        .routes(routes!(export_workspace))
}

/// A ZIP archive (documentation only).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct ZipBytes(Vec<u8>);

/// Everything a client can see, as one ZIP: an `index.html`, and for each
/// of their conversations a transcript (`transcript.html` and
/// `transcript.pdf`: every message the client sees, oldest first, without
/// internal notes) and its files byte for byte. Staff who may see the
/// client get the conversations they see too; a client may export their
/// own. Streamed as it is written. Recorded in the audit log. 503 with
/// `Retry-After` while the server writes as many exports as it may.
#[utoipa::path(get, path = "/v1/clients/{id}/export", tag = "exports", params(("id" = String, Path)),
    responses(
        (status = 200, body = ZipBytes, content_type = "application/zip"),
        (status = "4XX", body = ErrorBody),
        (status = 503, body = ErrorBody, description = "Exports are being written; try again after `Retry-After`")))]
async fn export_client(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
) -> Result<Response> {
    let download = export::client(&ctx, &auth.actor, &auth.source(place), &id).await?;
    zip(download)
}

/// The whole workspace as one ZIP (admins), for leaving Parlor or keeping a
/// copy: `workspace.json`, then `internal-users.json`, `companies.json`,
/// `clients.json`, `channels.json`, `messages.json` (every message, notes
/// and deleted ones included) and `audit-events.json`, each a JSON array of
/// what the API gives, and every file sent under `files/<id>/<name>`.
/// Streamed as it is written. Recorded in the audit log.
#[utoipa::path(get, path = "/v1/workspaces/export", tag = "exports",
    responses(
        (status = 200, body = ZipBytes, content_type = "application/zip"),
        (status = "4XX", body = ErrorBody),
        (status = 503, body = ErrorBody, description = "Exports are being written; try again after `Retry-After`")))]
async fn export_workspace(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
) -> Result<Response> {
    let download = export::workspace(&ctx, &auth.actor, &auth.source(place)).await?;
    zip(download)
}

fn zip(download: Download) -> Result<Response> {
    Response::builder()
        .header(header::CONTENT_TYPE, "application/zip")
        .header(
            header::CONTENT_DISPOSITION,
            content_disposition(false, &FileName::parse(&download.file_name)),
        )
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from_stream(download.body))
        .map_err(|err| Error::Internal(err.into()))
}
