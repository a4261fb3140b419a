//! API keys (a Parlor extension): admins signed in list, make and revoke
//! them. A key cannot manage keys, so a leaked one cannot keep itself alive.

use axum::extract::State;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{Json as Body, Path};
use super::Deleted;
use crate::auth::Authenticated;
use crate::domain::api_key::{ApiKey, CreateApiKey};
use crate::error::{ErrorBody, Result};
use crate::service::audit::Place;
use crate::service::{api_keys, Context, Page};

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(list_api_keys, create_api_key))
        .routes(routes!(revoke_api_key))
}

/// Every API key, oldest first, expired ones included; never their secrets
/// (admins signed in).
#[utoipa::path(get, path = "/v1/api-keys", tag = "api keys",
    responses((status = 200, body = Page<ApiKey>), (status = "4XX", body = ErrorBody)))]
async fn list_api_keys(
    State(ctx): State<Context>,
    auth: Authenticated,
) -> Result<Json<Page<ApiKey>>> {
    Ok(Json(Page {
        data: api_keys::list(&ctx, &auth.actor, auth.credential).await?,
        next_token: None,
    }))
}

/// Make an API key acting as the workspace owner; the answer's `key` is the
/// secret, shown only this once (admins signed in).
#[utoipa::path(post, path = "/v1/api-keys", tag = "api keys", request_body = CreateApiKey,
    responses((status = 200, body = ApiKey), (status = "4XX", body = ErrorBody)))]
async fn create_api_key(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Body(request): Body<CreateApiKey>,
) -> Result<Json<ApiKey>> {
    Ok(Json(
        api_keys::create(
            &ctx,
            &auth.actor,
            auth.credential,
            &auth.source(place),
            &request,
        )
        .await?,
    ))
}

/// Revoke an API key: it is refused from the next request on (admins signed in).
#[utoipa::path(delete, path = "/v1/api-keys/{id}", tag = "api keys", params(("id" = String, Path)),
    responses((status = 200, body = Deleted), (status = "4XX", body = ErrorBody)))]
async fn revoke_api_key(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
) -> Result<Json<Deleted>> {
    api_keys::revoke(&ctx, &auth.actor, auth.credential, &auth.source(place), &id).await?;
    Ok(Deleted::new("apiKey", id))
}
