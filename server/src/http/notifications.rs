use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{Json as Body, Path, Query};
use super::Deleted;
use crate::auth::Authenticated;
use crate::domain::notification::Notification;
use crate::error::{Error, ErrorBody, Result};
use crate::service::notifications::{self, CreateNotification, ListNotifications};
use crate::service::{Context, Page, PageRequest};

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(list_notifications, create_notification))
        .routes(routes!(retrieve_notification, delete_notification))
        .routes(routes!(mark_notification_read))
        .routes(routes!(mark_notification_unread))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only notifications for this client.
    recipient_client_id: Option<String>,
    /// Only notifications for this internal user.
    recipient_internal_user_id: Option<String>,
    /// Deprecated: only notifications for this client or internal user.
    recipient_id: Option<String>,
    /// Read notifications too (by default only unread ones).
    include_read: Option<bool>,
    limit: Option<i64>,
    next_token: Option<String>,
}

/// List notifications, newest first: admins and API keys see everyone's,
/// everyone else their own.
#[utoipa::path(get, path = "/v1/notifications", tag = "notifications", params(ListQuery),
    responses((status = 200, body = Page<Notification>), (status = "4XX", body = ErrorBody)))]
async fn list_notifications(
    State(ctx): State<Context>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page<Notification>>> {
    let page = PageRequest::parse("notifications", query.limit, query.next_token.as_deref())?;
    let mut recipients = [
        &query.recipient_client_id,
        &query.recipient_internal_user_id,
        &query.recipient_id,
    ]
    .into_iter()
    .flatten()
    .map(String::as_str)
    .collect::<Vec<_>>();
    recipients.dedup();
    if recipients.len() > 1 {
        return Err(Error::BadRequest(
            "give one of recipientClientId, recipientInternalUserId and recipientId".into(),
        ));
    }
    let filter = ListNotifications {
        recipient_id: recipients.first().copied(),
        include_read: query.include_read.unwrap_or(false),
    };
    Ok(Json(
        notifications::list(&ctx, &auth.actor, &filter, page).await?,
    ))
}

/// Send a notification to a client or an internal user (admins and API keys).
#[utoipa::path(post, path = "/v1/notifications", tag = "notifications",
    request_body = CreateNotification,
    responses((status = 200, body = Notification), (status = "4XX", body = ErrorBody)))]
async fn create_notification(
    State(ctx): State<Context>,
    auth: Authenticated,
    Body(request): Body<CreateNotification>,
) -> Result<Json<Notification>> {
    Ok(Json(
        notifications::create(&ctx, &auth.actor, &request).await?,
    ))
}

#[utoipa::path(get, path = "/v1/notifications/{id}", tag = "notifications",
    params(("id" = String, Path)),
    responses((status = 200, body = Notification), (status = "4XX", body = ErrorBody)))]
async fn retrieve_notification(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Notification>> {
    Ok(Json(notifications::get(&ctx, &auth.actor, &id).await?))
}

#[utoipa::path(delete, path = "/v1/notifications/{id}", tag = "notifications",
    params(("id" = String, Path)),
    responses((status = 200, body = Deleted), (status = "4XX", body = ErrorBody)))]
async fn delete_notification(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Deleted>> {
    notifications::delete(&ctx, &auth.actor, &id).await?;
    Ok(Deleted::new("notification", id))
}

#[utoipa::path(post, path = "/v1/notifications/{id}/read", tag = "notifications",
    params(("id" = String, Path)),
    responses((status = 200, body = Notification), (status = "4XX", body = ErrorBody)))]
async fn mark_notification_read(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Notification>> {
    Ok(Json(
        notifications::mark_read(&ctx, &auth.actor, &id).await?,
    ))
}

#[utoipa::path(post, path = "/v1/notifications/{id}/unread", tag = "notifications",
    params(("id" = String, Path)),
    responses((status = 200, body = Notification), (status = "4XX", body = ErrorBody)))]
async fn mark_notification_unread(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Notification>> {
    Ok(Json(
        notifications::mark_unread(&ctx, &auth.actor, &id).await?,
    ))
}
