use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{Json as Body, Path, Query};
use super::Deleted;
use crate::auth::Authenticated;
use crate::domain::channel::MessageChannel;
use crate::error::{ErrorBody, Result};
use crate::service::audit::Place;
use crate::service::channels::{self, CreateChannel, ListChannels, MarkRead};
use crate::service::client_activity::{self, ClientActivityList};
use crate::service::conversations::{self, UpdateHandling};
use crate::service::{Context, Page, PageRequest};

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(list_message_channels, create_message_channel))
        .routes(routes!(
            retrieve_message_channel,
            update_message_channel,
            delete_message_channel
        ))
        .routes(routes!(mark_channel_read))
        .routes(routes!(mark_channel_unread))
        .routes(routes!(list_client_activity))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// `individual`, `group` or `company`.
    membership_type: Option<String>,
    /// Only the individual channel of this client.
    client_id: Option<String>,
    /// Only channels this client or internal user is part of (a client may
    /// name only themselves).
    member_id: Option<String>,
    /// Deprecated alias of `clientId`.
    membership_entity_id: Option<String>,
    limit: Option<i64>,
    next_token: Option<String>,
}

/// The channels the caller is part of, oldest first.
#[utoipa::path(get, path = "/v1/message-channels", tag = "message channels", params(ListQuery),
    responses((status = 200, body = Page<MessageChannel>), (status = "4XX", body = ErrorBody)))]
async fn list_message_channels(
    State(ctx): State<Context>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page<MessageChannel>>> {
    let page = PageRequest::parse("channels", query.limit, query.next_token.as_deref())?;
    let filter = ListChannels {
        membership_type: query.membership_type.as_deref(),
        client_id: query
            .client_id
            .as_deref()
            .or(query.membership_entity_id.as_deref()),
        member_id: query.member_id.as_deref(),
    };
    Ok(Json(
        channels::list(&ctx, &auth.actor, &filter, page).await?,
    ))
}

/// Open a channel; it starts with the welcome message. Group members must share a company.
#[utoipa::path(post, path = "/v1/message-channels", tag = "message channels", request_body = CreateChannel,
    responses((status = 200, body = MessageChannel), (status = "4XX", body = ErrorBody)))]
async fn create_message_channel(
    State(ctx): State<Context>,
    auth: Authenticated,
    Body(request): Body<CreateChannel>,
) -> Result<Json<MessageChannel>> {
    Ok(Json(channels::create(&ctx, &auth.actor, &request).await?))
}

#[utoipa::path(get, path = "/v1/message-channels/{id}", tag = "message channels", params(("id" = String, Path)),
    responses((status = 200, body = MessageChannel), (status = "4XX", body = ErrorBody)))]
async fn retrieve_message_channel(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<MessageChannel>> {
    Ok(Json(channels::get(&ctx, &auth.actor, &id).await?))
}

/// Staff: assign the conversation, set its state, or snooze it. Clients
/// never see any of this.
#[utoipa::path(patch, path = "/v1/message-channels/{id}", tag = "message channels", params(("id" = String, Path)),
    request_body = UpdateHandling,
    responses((status = 200, body = MessageChannel), (status = "4XX", body = ErrorBody)))]
async fn update_message_channel(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
    Body(request): Body<UpdateHandling>,
) -> Result<Json<MessageChannel>> {
    Ok(Json(
        conversations::update(&ctx, &auth.actor, &id, &request).await?,
    ))
}

/// Delete a channel and its messages (internal users).
#[utoipa::path(delete, path = "/v1/message-channels/{id}", tag = "message channels", params(("id" = String, Path)),
    responses((status = 200, body = Deleted), (status = "4XX", body = ErrorBody)))]
async fn delete_message_channel(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
) -> Result<Json<Deleted>> {
    channels::delete(&ctx, &auth.actor, &auth.source(place), &id).await?;
    Ok(Deleted::new("messageChannel", id))
}

/// Mark the channel read for the caller, up to a message or to the newest.
#[utoipa::path(post, path = "/v1/message-channels/{id}/read", tag = "message channels", params(("id" = String, Path)),
    request_body(content = Option<MarkRead>),
    responses((status = 200, body = MessageChannel), (status = "4XX", body = ErrorBody)))]
async fn mark_channel_read(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<MessageChannel>> {
    // The body is optional: an empty one reads up to the newest message.
    let request: MarkRead = if body.iter().all(u8::is_ascii_whitespace) {
        MarkRead::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|err| crate::error::Error::BadRequest(format!("invalid JSON body: {err}")))?
    };
    Ok(Json(
        channels::mark_read(&ctx, &auth.actor, &id, &request).await?,
    ))
}

/// Mark the newest message someone else sent as unread again for the caller.
#[utoipa::path(post, path = "/v1/message-channels/{id}/unread", tag = "message channels", params(("id" = String, Path)),
    responses((status = 200, body = MessageChannel), (status = "4XX", body = ErrorBody)))]
async fn mark_channel_unread(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<MessageChannel>> {
    Ok(Json(channels::mark_unread(&ctx, &auth.actor, &id).await?))
}

/// Staff: the channels where clients wrote, newest first, each with its
/// newest client message and how many client messages the caller has not read.
#[utoipa::path(get, path = "/v1/client-activity", tag = "message channels",
    responses((status = 200, body = ClientActivityList), (status = "4XX", body = ErrorBody)))]
async fn list_client_activity(
    State(ctx): State<Context>,
    auth: Authenticated,
) -> Result<Json<ClientActivityList>> {
    Ok(Json(ClientActivityList {
        data: client_activity::recent(&ctx, &auth.actor).await?,
    }))
}
