//! Settings → Webhooks: every webhook with its latest deliveries.

use parlor_model::{
    DeliverySummary, EventTypeChoice, NewWebhook, WebhookSummary, WebhookWithSecret, Webhooks,
};

use crate::auth::{Actor, Credential};
use crate::domain::webhook::{CreateWebhook, Webhook, WebhookDelivery, EVENT_TYPES};
use crate::error::Result;
use crate::service::audit::Source;
use crate::service::{webhooks, Context};

/// Deliveries shown under each webhook.
const SHOWN: usize = 20;

fn delivery(delivery: WebhookDelivery) -> DeliverySummary {
    DeliverySummary {
        id: delivery.id,
        event_type: delivery.event_type,
        attempt: delivery.attempt,
        status_code: delivery.status_code,
        succeeded: delivery.succeeded,
        duration_ms: delivery.duration_ms,
        error: delivery.error,
        created_at: delivery.created_at.to_rfc3339(),
    }
}

async fn summary(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    webhook: Webhook,
) -> Result<WebhookSummary> {
    let mut deliveries = webhooks::deliveries(ctx, actor, credential, &webhook.id).await?;
    deliveries.truncate(SHOWN);
    Ok(WebhookSummary {
        id: webhook.id,
        url: webhook.url,
        event_types: webhook.event_types,
        enabled: webhook.enabled,
        disabled_reason: webhook.disabled_reason,
        failed_attempts: webhook.failed_attempts,
        deliveries: deliveries.into_iter().map(delivery).collect(),
    })
}

/// What each event type means, for the page's checkboxes.
fn label(name: &str) -> &'static str {
    match name {
        "message.sent" => "A message is sent",
        "message.updated" => "A message is edited",
        "message.deleted" => "A message is deleted",
        "internalNote.sent" => "An internal note is written",
        "internalNote.updated" => "An internal note is edited",
        "internalNote.deleted" => "An internal note is deleted",
        "messageChannel.created" => "A conversation is created",
        "messageChannel.updated" => "A conversation's members change",
        "messageChannel.deleted" => "A conversation is deleted",
        "client.created" => "A client is added",
        "client.updated" => "A client is changed",
        "client.deleted" => "A client is deleted",
        "company.created" => "A company is added",
        "company.updated" => "A company is changed",
        "company.deleted" => "A company is deleted",
        "internalUser.created" => "Someone joins the team",
        "internalUser.updated" => "A team member is changed",
        "internalUser.deleted" => "Someone leaves the team",
        _ => "",
    }
}

pub async fn webhooks_page(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
) -> Result<Webhooks> {
    let mut shown = Vec::new();
    for webhook in webhooks::list(ctx, actor, credential).await? {
        shown.push(summary(ctx, actor, credential, webhook).await?);
    }
    Ok(Webhooks {
        webhooks: shown,
        event_types: EVENT_TYPES
            .iter()
            .map(|(name, _, _)| EventTypeChoice {
                name: name.to_string(),
                label: label(name).to_string(),
            })
            .collect(),
    })
}

pub async fn add_webhook(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    source: &Source,
    request: NewWebhook,
) -> Result<WebhookWithSecret> {
    let made = webhooks::create(
        ctx,
        actor,
        credential,
        source,
        &CreateWebhook {
            url: request.url,
            event_types: request.event_types,
        },
    )
    .await?;
    with_secret(ctx, actor, credential, made).await
}

pub async fn rotate_webhook_secret(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    source: &Source,
    id: &str,
) -> Result<WebhookWithSecret> {
    let rotated = webhooks::rotate_secret(ctx, actor, credential, source, id).await?;
    with_secret(ctx, actor, credential, rotated).await
}

async fn with_secret(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    mut webhook: Webhook,
) -> Result<WebhookWithSecret> {
    let signing_secret = webhook.signing_secret.take().unwrap_or_default();
    Ok(WebhookWithSecret {
        webhook: summary(ctx, actor, credential, webhook).await?,
        signing_secret,
    })
}

pub async fn set_webhook_enabled(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    source: &Source,
    id: &str,
    enabled: bool,
) -> Result<WebhookSummary> {
    let changed = webhooks::update(
        ctx,
        actor,
        credential,
        source,
        id,
        &crate::domain::webhook::UpdateWebhook {
            enabled: Some(enabled),
            ..Default::default()
        },
    )
    .await?;
    summary(ctx, actor, credential, changed).await
}

pub async fn send_webhook_test(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    id: &str,
) -> Result<DeliverySummary> {
    Ok(delivery(
        webhooks::send_test(ctx, actor, credential, id).await?,
    ))
}
