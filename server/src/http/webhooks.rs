//! Webhooks: admins (and API keys, acting as the owner) register the
//! addresses Parlor delivers events to, in Assembly's shape.

use axum::extract::State;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{Json as Body, Path};
use super::Deleted;
use crate::auth::Authenticated;
use crate::domain::webhook::{CreateWebhook, UpdateWebhook, Webhook, WebhookDelivery};
use crate::error::{ErrorBody, Result};
use crate::service::audit::Place;
use crate::service::{webhooks, Context, Page};

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(rotate_webhook_secret))
        .routes(routes!(list_webhook_deliveries))
        .routes(routes!(send_webhook_test))
}

fn page<T>(data: Vec<T>) -> Json<Page<T>> {
    Json(Page {
        data,
        next_token: None,
    })
}

/// Every webhook, oldest first; never their signing secrets (admins).
#[utoipa::path(get, path = "/v1/webhooks", tag = "webhooks",
    responses((status = 200, body = Page<Webhook>), (status = "4XX", body = ErrorBody)))]
async fn list_webhooks(
    State(ctx): State<Context>,
    auth: Authenticated,
) -> Result<Json<Page<Webhook>>> {
    Ok(page(
        webhooks::list(&ctx, &auth.actor, auth.credential).await?,
    ))
}

/// Register a webhook for the events committed from now on. The answer's
/// `signingSecret` verifies `x-copilot-signature` and is shown only this
/// once. Private, loopback and link-local addresses are refused unless the
/// server runs with `--allow-private-webhook-targets` (admins).
#[utoipa::path(post, path = "/v1/webhooks", tag = "webhooks", request_body = CreateWebhook,
    responses((status = 200, body = Webhook), (status = "4XX", body = ErrorBody)))]
async fn create_webhook(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Body(request): Body<CreateWebhook>,
) -> Result<Json<Webhook>> {
    Ok(Json(
        webhooks::create(
            &ctx,
            &auth.actor,
            auth.credential,
            &auth.source(place),
            &request,
        )
        .await?,
    ))
}

/// One webhook (admins).
#[utoipa::path(get, path = "/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 200, body = Webhook), (status = "4XX", body = ErrorBody)))]
async fn get_webhook(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Webhook>> {
    Ok(Json(
        webhooks::get(&ctx, &auth.actor, auth.credential, &id).await?,
    ))
}

/// Change a webhook's address or event types, or disable and enable it;
/// enabling resumes with the event it stopped at (admins).
#[utoipa::path(patch, path = "/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path)),
    request_body = UpdateWebhook,
    responses((status = 200, body = Webhook), (status = "4XX", body = ErrorBody)))]
async fn update_webhook(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
    Body(request): Body<UpdateWebhook>,
) -> Result<Json<Webhook>> {
    Ok(Json(
        webhooks::update(
            &ctx,
            &auth.actor,
            auth.credential,
            &auth.source(place),
            &id,
            &request,
        )
        .await?,
    ))
}

/// Delete a webhook: nothing more is delivered to it (admins).
#[utoipa::path(delete, path = "/v1/webhooks/{id}", tag = "webhooks", params(("id" = String, Path)),
    responses((status = 200, body = Deleted), (status = "4XX", body = ErrorBody)))]
async fn delete_webhook(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
) -> Result<Json<Deleted>> {
    webhooks::delete(&ctx, &auth.actor, auth.credential, &auth.source(place), &id).await?;
    Ok(Deleted::new("webhook", id))
}

/// Give a webhook a new signing secret, shown only in this answer (admins).
#[utoipa::path(post, path = "/v1/webhooks/{id}/rotate-secret", tag = "webhooks",
    params(("id" = String, Path)),
    responses((status = 200, body = Webhook), (status = "4XX", body = ErrorBody)))]
async fn rotate_webhook_secret(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
) -> Result<Json<Webhook>> {
    Ok(Json(
        webhooks::rotate_secret(&ctx, &auth.actor, auth.credential, &auth.source(place), &id)
            .await?,
    ))
}

/// The latest 100 delivery attempts, newest first: event, status code,
/// duration, error and the start of the receiver's answer (admins).
#[utoipa::path(get, path = "/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = String, Path)),
    responses((status = 200, body = Page<WebhookDelivery>), (status = "4XX", body = ErrorBody)))]
async fn list_webhook_deliveries(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Page<WebhookDelivery>>> {
    Ok(page(
        webhooks::deliveries(&ctx, &auth.actor, auth.credential, &id).await?,
    ))
}

/// Send a `webhook.test` event now and answer with the attempt (admins).
#[utoipa::path(post, path = "/v1/webhooks/{id}/test", tag = "webhooks",
    params(("id" = String, Path)),
    responses((status = 200, body = WebhookDelivery), (status = "4XX", body = ErrorBody)))]
async fn send_webhook_test(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<WebhookDelivery>> {
    Ok(Json(
        webhooks::send_test(&ctx, &auth.actor, auth.credential, &id).await?,
    ))
}
