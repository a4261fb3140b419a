//! Messages to send later: each person's own, listed, edited and cancelled
//! until they go.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{Json as Body, Path, Query};
use super::Deleted;
use crate::auth::Authenticated;
use crate::error::{ErrorBody, Result};
use crate::service::scheduled::{self, EditScheduled, ScheduleMessage, ScheduledMessage};
use crate::service::{Context, Page};

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(list_scheduled_messages, schedule_message))
        .routes(routes!(
            get_scheduled_message,
            edit_scheduled_message,
            cancel_scheduled_message
        ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only those for this channel.
    channel_id: Option<String>,
}

/// The caller's messages waiting to be sent, soonest first.
#[utoipa::path(get, path = "/v1/scheduled-messages", tag = "messages", params(ListQuery),
    responses((status = 200, body = Page<ScheduledMessage>), (status = "4XX", body = ErrorBody)))]
async fn list_scheduled_messages(
    State(ctx): State<Context>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page<ScheduledMessage>>> {
    let data = scheduled::list(&ctx, &auth.actor, query.channel_id.as_deref()).await?;
    Ok(Json(Page {
        data,
        next_token: None,
    }))
}

/// Schedules a message to be sent at `scheduledAt`, as the caller.
#[utoipa::path(post, path = "/v1/scheduled-messages", tag = "messages", request_body = ScheduleMessage,
    responses((status = 200, body = ScheduledMessage), (status = "4XX", body = ErrorBody)))]
async fn schedule_message(
    State(ctx): State<Context>,
    auth: Authenticated,
    Body(request): Body<ScheduleMessage>,
) -> Result<Json<ScheduledMessage>> {
    Ok(Json(
        scheduled::schedule(&ctx, &auth.actor, &request).await?,
    ))
}

#[utoipa::path(get, path = "/v1/scheduled-messages/{id}", tag = "messages", params(("id" = String, Path)),
    responses((status = 200, body = ScheduledMessage), (status = "4XX", body = ErrorBody)))]
async fn get_scheduled_message(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<ScheduledMessage>> {
    Ok(Json(scheduled::get(&ctx, &auth.actor, &id).await?))
}

/// Changes the text or time of one's own message before it goes.
#[utoipa::path(patch, path = "/v1/scheduled-messages/{id}", tag = "messages", params(("id" = String, Path)),
    request_body = EditScheduled,
    responses((status = 200, body = ScheduledMessage), (status = "4XX", body = ErrorBody)))]
async fn edit_scheduled_message(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
    Body(request): Body<EditScheduled>,
) -> Result<Json<ScheduledMessage>> {
    Ok(Json(
        scheduled::edit(&ctx, &auth.actor, &id, &request).await?,
    ))
}

/// Cancels one's own message before it goes.
#[utoipa::path(delete, path = "/v1/scheduled-messages/{id}", tag = "messages", params(("id" = String, Path)),
    responses((status = 200, body = Deleted), (status = "4XX", body = ErrorBody)))]
async fn cancel_scheduled_message(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Deleted>> {
    scheduled::cancel(&ctx, &auth.actor, &id).await?;
    Ok(Deleted::new("scheduledMessage", id))
}
