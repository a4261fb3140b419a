use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{Json as Body, Path, Query};
use crate::auth::Authenticated;
use crate::domain::message::Message;
use crate::domain::message_version::MessageVersion;
use crate::error::{Error, ErrorBody, Result};
use crate::service::audit::Place;
use crate::service::messages::{self, EditMessage, MassMessage, MassMessageResult, SendMessage};
use crate::service::{history, reactions};
use crate::service::{Context, Page, PageRequest};

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(list_messages, send_message))
        .routes(routes!(retrieve_message, edit_message, delete_message))
        .routes(routes!(list_message_versions))
        .routes(routes!(add_reaction, remove_reaction))
        .routes(routes!(send_mass_message))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// The channel to read.
    channel_id: String,
    limit: Option<i64>,
    next_token: Option<String>,
}

/// A channel's messages, newest first.
#[utoipa::path(get, path = "/v1/messages", tag = "messages", params(ListQuery),
    responses((status = 200, body = Page<Message>), (status = "4XX", body = ErrorBody)))]
async fn list_messages(
    State(ctx): State<Context>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page<Message>>> {
    let page = PageRequest::parse("messages", query.limit, query.next_token.as_deref())?;
    Ok(Json(
        messages::list(&ctx, &auth.actor, &query.channel_id, page).await?,
    ))
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<&str>> {
    headers
        .get("idempotency-key")
        .map(|value| {
            value
                .to_str()
                .map_err(|_| Error::BadRequest("Idempotency-Key must be visible ASCII".into()))
        })
        .transpose()
}

/// Send a message. With an `Idempotency-Key` header, a retry returns the
/// message already sent instead of sending it twice.
#[utoipa::path(post, path = "/v1/messages", tag = "messages", request_body = SendMessage,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe")),
    responses((status = 200, body = Message), (status = "4XX", body = ErrorBody)))]
async fn send_message(
    State(ctx): State<Context>,
    auth: Authenticated,
    headers: HeaderMap,
    Body(request): Body<SendMessage>,
) -> Result<Json<Message>> {
    let key = idempotency_key(&headers)?;
    Ok(Json(
        messages::send(&ctx, &auth.actor, auth.credential, &request, key).await?,
    ))
}

#[utoipa::path(get, path = "/v1/messages/{id}", tag = "messages", params(("id" = String, Path)),
    responses((status = 200, body = Message), (status = "4XX", body = ErrorBody)))]
async fn retrieve_message(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Message>> {
    Ok(Json(messages::get(&ctx, &auth.actor, &id).await?))
}

/// Edit your own message.
#[utoipa::path(patch, path = "/v1/messages/{id}", tag = "messages", params(("id" = String, Path)),
    request_body = EditMessage,
    responses((status = 200, body = Message), (status = "4XX", body = ErrorBody)))]
async fn edit_message(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
    Body(request): Body<EditMessage>,
) -> Result<Json<Message>> {
    Ok(Json(
        messages::edit(&ctx, &auth.actor, &id, &request).await?,
    ))
}

/// Delete your own message; it stays in history as a tombstone.
#[utoipa::path(delete, path = "/v1/messages/{id}", tag = "messages", params(("id" = String, Path)),
    responses((status = 200, body = Message), (status = "4XX", body = ErrorBody)))]
async fn delete_message(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
) -> Result<Json<Message>> {
    Ok(Json(
        messages::delete(&ctx, &auth.actor, &auth.source(place), &id).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct VersionsQuery {
    limit: Option<i64>,
    next_token: Option<String>,
}

/// A message's earlier versions, oldest first: each text an edit replaced
/// and, on a deleted message, the text it had (`change: delete`), with who
/// made the change and when. Internal users who see the message only.
#[utoipa::path(get, path = "/v1/messages/{id}/versions", tag = "messages",
    params(("id" = String, Path), VersionsQuery),
    responses((status = 200, body = Page<MessageVersion>), (status = "4XX", body = ErrorBody)))]
async fn list_message_versions(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
    Query(query): Query<VersionsQuery>,
) -> Result<Json<Page<MessageVersion>>> {
    let page = PageRequest::parse("messageVersions", query.limit, query.next_token.as_deref())?;
    Ok(Json(history::versions(&ctx, &auth.actor, &id, page).await?))
}

/// React to a message with one of 👍 ❤️ 😂 🎉 😮 🙏 (URL-encoded): anyone
/// who sees the message may, once per emoji; again changes nothing.
#[utoipa::path(put, path = "/v1/messages/{id}/reactions/{emoji}", tag = "messages",
    params(("id" = String, Path), ("emoji" = String, Path, description = "One of 👍 ❤️ 😂 🎉 😮 🙏")),
    responses((status = 200, body = Message), (status = "4XX", body = ErrorBody)))]
async fn add_reaction(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path((id, emoji)): Path<(String, String)>,
) -> Result<Json<Message>> {
    Ok(Json(reactions::add(&ctx, &auth.actor, &id, &emoji).await?))
}

/// Take your reaction back; when there is none, nothing changes.
#[utoipa::path(delete, path = "/v1/messages/{id}/reactions/{emoji}", tag = "messages",
    params(("id" = String, Path), ("emoji" = String, Path, description = "One of 👍 ❤️ 😂 🎉 😮 🙏")),
    responses((status = 200, body = Message), (status = "4XX", body = ErrorBody)))]
async fn remove_reaction(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path((id, emoji)): Path<(String, String)>,
) -> Result<Json<Message>> {
    Ok(Json(
        reactions::remove(&ctx, &auth.actor, &id, &emoji).await?,
    ))
}

/// Send one text to many clients, each in their own individual channel.
#[utoipa::path(post, path = "/v1/mass-messages", tag = "messages", request_body = MassMessage,
    responses((status = 200, body = MassMessageResult), (status = "4XX", body = ErrorBody)))]
async fn send_mass_message(
    State(ctx): State<Context>,
    auth: Authenticated,
    Body(request): Body<MassMessage>,
) -> Result<Json<MassMessageResult>> {
    Ok(Json(
        messages::send_mass(&ctx, &auth.actor, &request).await?,
    ))
}
