//! Saved replies: the team's templates, shared or personal, and inserting
//! one, filled in for a conversation (a Parlor extension).

use axum::extract::State;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{Json as Body, Path};
use super::Deleted;
use crate::auth::Authenticated;
use crate::domain::saved_reply::{
    CreateSavedReply, RenderSavedReply, RenderedSavedReply, SavedReply, UpdateSavedReply,
};
use crate::error::{ErrorBody, Result};
use crate::service::{saved_replies, Context, Page};

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(list_saved_replies, create_saved_reply))
        .routes(routes!(
            get_saved_reply,
            update_saved_reply,
            delete_saved_reply
        ))
        .routes(routes!(render_saved_reply))
}

/// The shared saved replies and the caller's own, by title (internal users).
#[utoipa::path(get, path = "/v1/saved-replies", tag = "savedReplies",
    responses((status = 200, body = Page<SavedReply>), (status = "4XX", body = ErrorBody)))]
async fn list_saved_replies(
    State(ctx): State<Context>,
    auth: Authenticated,
) -> Result<Json<Page<SavedReply>>> {
    Ok(Json(Page {
        data: saved_replies::list(&ctx, &auth.actor).await?,
        next_token: None,
    }))
}

/// Save a reply: the caller's own, or shared with the team (`isShared`,
/// admins). Its text is a template with the welcome message's variables;
/// `attachmentIds` (unsent uploads of the caller's) become its files.
#[utoipa::path(post, path = "/v1/saved-replies", tag = "savedReplies",
    request_body = CreateSavedReply,
    responses((status = 200, body = SavedReply), (status = "4XX", body = ErrorBody)))]
async fn create_saved_reply(
    State(ctx): State<Context>,
    auth: Authenticated,
    Body(request): Body<CreateSavedReply>,
) -> Result<Json<SavedReply>> {
    Ok(Json(
        saved_replies::create(&ctx, &auth.actor, auth.credential, &request).await?,
    ))
}

/// One saved reply: shared, or the caller's own (internal users).
#[utoipa::path(get, path = "/v1/saved-replies/{id}", tag = "savedReplies",
    params(("id" = String, Path)),
    responses((status = 200, body = SavedReply), (status = "4XX", body = ErrorBody)))]
async fn get_saved_reply(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<SavedReply>> {
    Ok(Json(saved_replies::get(&ctx, &auth.actor, &id).await?))
}

/// Change a saved reply's title, text or files (admins a shared one, each
/// person their own).
#[utoipa::path(patch, path = "/v1/saved-replies/{id}", tag = "savedReplies",
    params(("id" = String, Path)), request_body = UpdateSavedReply,
    responses((status = 200, body = SavedReply), (status = "4XX", body = ErrorBody)))]
async fn update_saved_reply(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
    Body(request): Body<UpdateSavedReply>,
) -> Result<Json<SavedReply>> {
    Ok(Json(
        saved_replies::update(&ctx, &auth.actor, auth.credential, &id, &request).await?,
    ))
}

/// Delete a saved reply and its files (admins a shared one, each person
/// their own).
#[utoipa::path(delete, path = "/v1/saved-replies/{id}", tag = "savedReplies",
    params(("id" = String, Path)),
    responses((status = 200, body = Deleted), (status = "4XX", body = ErrorBody)))]
async fn delete_saved_reply(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Deleted>> {
    saved_replies::delete(&ctx, &auth.actor, auth.credential, &id).await?;
    Ok(Deleted::new("savedReply", id))
}

/// A saved reply ready to send into a conversation the caller sees: its
/// text with the variables filled in for `channelId` (an individual
/// channel's client; "everyone" and the company in a group or company
/// channel) or `clientId`, and its files as fresh unsent uploads of the
/// caller's (`attachmentIds`, for `POST /v1/messages`). With neither, the
/// template as it is, for `POST /v1/mass-messages` with `renderVariables`.
#[utoipa::path(post, path = "/v1/saved-replies/{id}/render", tag = "savedReplies",
    params(("id" = String, Path)), request_body = RenderSavedReply,
    responses((status = 200, body = RenderedSavedReply), (status = "4XX", body = ErrorBody)))]
async fn render_saved_reply(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
    Body(target): Body<RenderSavedReply>,
) -> Result<Json<RenderedSavedReply>> {
    Ok(Json(
        saved_replies::render(&ctx, &auth.actor, auth.credential, &id, &target).await?,
    ))
}
