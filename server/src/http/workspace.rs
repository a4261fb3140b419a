use axum::extract::State;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::Json as Body;
use crate::auth::Authenticated;
use crate::domain::settings::MessagingSettings;
use crate::domain::workspace::Workspace;
use crate::error::{ErrorBody, Result};
use crate::service::audit::Place;
use crate::service::workspace::{self, UpdateMessagingSettings, UpdateWorkspace};
use crate::service::Context;

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(retrieve_workspace, update_workspace))
        .routes(routes!(
            retrieve_messaging_settings,
            update_messaging_settings
        ))
}

/// The workspace of this deployment.
#[utoipa::path(get, path = "/v1/workspaces", tag = "workspace",
    responses((status = 200, body = Workspace), (status = "4XX", body = ErrorBody)))]
async fn retrieve_workspace(
    State(ctx): State<Context>,
    _auth: Authenticated,
) -> Result<Json<Workspace>> {
    Ok(Json(workspace::get(&ctx).await?))
}

/// Rename the workspace, or change its brand (accent colour, logo) and
/// e-mail settings (sender name, Reply-To) (admins).
#[utoipa::path(patch, path = "/v1/workspaces", tag = "workspace", request_body = UpdateWorkspace,
    responses((status = 200, body = Workspace), (status = "4XX", body = ErrorBody)))]
async fn update_workspace(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Body(request): Body<UpdateWorkspace>,
) -> Result<Json<Workspace>> {
    Ok(Json(
        workspace::update(&ctx, &auth.actor, &auth.source(place), &request).await?,
    ))
}

/// The messaging settings (internal users).
#[utoipa::path(get, path = "/v1/settings/messaging", tag = "settings",
    responses((status = 200, body = MessagingSettings), (status = "4XX", body = ErrorBody)))]
async fn retrieve_messaging_settings(
    State(ctx): State<Context>,
    auth: Authenticated,
) -> Result<Json<MessagingSettings>> {
    Ok(Json(
        workspace::messaging_settings(&ctx, &auth.actor).await?,
    ))
}

/// Change the default channel of new clients, the welcome message or the
/// upload quotas (admins).
#[utoipa::path(patch, path = "/v1/settings/messaging", tag = "settings", request_body = UpdateMessagingSettings,
    responses((status = 200, body = MessagingSettings), (status = "4XX", body = ErrorBody)))]
async fn update_messaging_settings(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Body(request): Body<UpdateMessagingSettings>,
) -> Result<Json<MessagingSettings>> {
    Ok(Json(
        workspace::update_messaging_settings(&ctx, &auth.actor, &auth.source(place), &request)
            .await?,
    ))
}
