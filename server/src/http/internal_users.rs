use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{Json as Body, Path, Query};
use super::Deleted;
use crate::auth::Authenticated;
use crate::domain::internal_user::InternalUser;
use crate::domain::UserType;
use crate::error::{ErrorBody, Result};
use crate::service::audit::Place;
use crate::service::internal_users::{self, CreateInternalUser, UpdateInternalUser};
use crate::service::{passwords, Context, Page, PageRequest};

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(list_internal_users, create_internal_user))
        .routes(routes!(
            retrieve_internal_user,
            update_internal_user,
            delete_internal_user
        ))
        .routes(routes!(send_internal_user_password_reset))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Page size, 1 to 1000 (default 100).
    limit: Option<i64>,
    /// From the previous page's answer.
    next_token: Option<String>,
}

#[utoipa::path(get, path = "/v1/internal-users", tag = "internal users", params(ListQuery),
    responses((status = 200, body = Page<InternalUser>), (status = "4XX", body = ErrorBody)))]
async fn list_internal_users(
    State(ctx): State<Context>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page<InternalUser>>> {
    let page = PageRequest::parse("internalUsers", query.limit, query.next_token.as_deref())?;
    Ok(Json(internal_users::list(&ctx, &auth.actor, page).await?))
}

/// Add a team member (admins).
#[utoipa::path(post, path = "/v1/internal-users", tag = "internal users", request_body = CreateInternalUser,
    responses((status = 200, body = InternalUser), (status = "4XX", body = ErrorBody)))]
async fn create_internal_user(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Body(request): Body<CreateInternalUser>,
) -> Result<Json<InternalUser>> {
    Ok(Json(
        internal_users::create(&ctx, &auth.actor, &auth.source(place), &request).await?,
    ))
}

#[utoipa::path(get, path = "/v1/internal-users/{id}", tag = "internal users", params(("id" = String, Path)),
    responses((status = 200, body = InternalUser), (status = "4XX", body = ErrorBody)))]
async fn retrieve_internal_user(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<InternalUser>> {
    Ok(Json(internal_users::get(&ctx, &auth.actor, &id).await?))
}

/// Change a team member's names, role or client access (admins).
#[utoipa::path(patch, path = "/v1/internal-users/{id}", tag = "internal users", params(("id" = String, Path)),
    request_body = UpdateInternalUser,
    responses((status = 200, body = InternalUser), (status = "4XX", body = ErrorBody)))]
async fn update_internal_user(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
    Body(request): Body<UpdateInternalUser>,
) -> Result<Json<InternalUser>> {
    Ok(Json(
        internal_users::update(&ctx, &auth.actor, &auth.source(place), &id, &request).await?,
    ))
}

#[utoipa::path(delete, path = "/v1/internal-users/{id}", tag = "internal users", params(("id" = String, Path)),
    responses((status = 200, body = Deleted), (status = "4XX", body = ErrorBody)))]
async fn delete_internal_user(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
) -> Result<Json<Deleted>> {
    internal_users::delete(&ctx, &auth.actor, &auth.source(place), &id).await?;
    Ok(Deleted::new("internalUser", id))
}

/// E-mail a team member a link to choose a new password (admins); one who
/// never chose a password gets a new invitation instead.
#[utoipa::path(post, path = "/v1/internal-users/{id}/password-reset", tag = "internal users", params(("id" = String, Path)),
    responses((status = 202, description = "The e-mail is on its way"), (status = "4XX", body = ErrorBody)))]
async fn send_internal_user_password_reset(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    passwords::send_reset(
        &ctx,
        &auth.actor,
        &auth.source(place),
        UserType::InternalUser,
        &id,
    )
    .await?;
    Ok(StatusCode::ACCEPTED)
}
