//! Webhooks: made, changed and deleted by admins (with the API or in the web
//! app), their deliveries read back, and a test event on request. Delivering
//! is `crate::webhooks`'.

use serde_json::json;

use super::audit::{self, Source};
use super::Context;
use crate::auth::{tokens, Actor, Credential};
use crate::authz;
use crate::domain::audit::{Action, Target};
use crate::domain::webhook::{
    self, CreateWebhook, UpdateWebhook, Webhook, WebhookDelivery, TEST_EVENT,
};
use crate::domain::{new_id, Timestamp};
use crate::error::{Error, Result};
use crate::storage::webhooks::{DeliveryRow, WebhookRow};
use crate::storage::{self, flag, now_ms};
use crate::webhooks::body;

/// Delivery attempts shown per webhook.
pub const DELIVERIES_SHOWN: u32 = 100;
/// How long delivery attempts are kept.
const DELIVERIES_KEPT_MS: i64 = 30 * 24 * 60 * 60 * 1000;

fn view(row: WebhookRow) -> Webhook {
    let failing = row.attempts > 0 && row.enabled == 1;
    Webhook {
        object: "webhook",
        event_types: serde_json::from_str(&row.event_types).unwrap_or_default(),
        enabled: row.enabled == 1,
        disabled_reason: row.disabled_reason,
        failed_attempts: row.attempts,
        next_attempt_at: failing.then_some(Timestamp(row.next_attempt_at)),
        created_at: Timestamp(row.created_at),
        updated_at: Timestamp(row.updated_at),
        signing_secret: None,
        id: row.id,
        url: row.url,
    }
}

fn delivery_view(row: DeliveryRow) -> WebhookDelivery {
    WebhookDelivery {
        object: "webhookDelivery",
        succeeded: row.error.is_none() && row.status_code.is_some_and(|c| (200..300).contains(&c)),
        id: row.id,
        webhook_id: row.webhook_id,
        event_id: row.event_id,
        event_type: row.event_type,
        attempt: row.attempt,
        status_code: row.status_code,
        duration_ms: row.duration_ms,
        error: row.error,
        response_excerpt: row.response_excerpt,
        created_at: Timestamp(row.created_at),
    }
}

fn new_secret() -> String {
    format!("whsec_{}", tokens::random_token())
}

/// Admins, and API keys (which act as the owner): integrations register
/// their own webhooks. Changes need a key that may write.
fn require_manager(actor: &Actor, credential: Credential, writes: bool) -> Result<()> {
    authz::require_admin(actor)?;
    if writes {
        authz::may_write(credential)?;
    }
    Ok(())
}

/// A webhook address that deliveries may go to under this server's rules.
async fn checked_url(ctx: &Context, value: &str) -> Result<String> {
    let url = webhook::target_url(value)?;
    if !ctx.config.webhooks.allow_private_targets {
        match url.host() {
            Some(url::Host::Domain(name)) => {
                let port = url.port_or_known_default().unwrap_or(443);
                crate::webhooks::sender::resolves_publicly(name, port)
                    .await
                    .map_err(Error::invalid)?;
            }
            Some(url::Host::Ipv4(ip)) if !webhook::is_public(ip.into()) => {
                return Err(private(value));
            }
            Some(url::Host::Ipv6(ip)) if !webhook::is_public(ip.into()) => {
                return Err(private(value));
            }
            _ => {}
        }
    }
    Ok(url.to_string())
}

fn private(value: &str) -> Error {
    Error::invalid(format!(
        "url: {:?} is a private, loopback or link-local address; webhooks reach only public \
         addresses unless Parlor runs with --allow-private-webhook-targets",
        value.trim()
    ))
}

fn event_types_json(requested: &[String]) -> Result<String> {
    let chosen = webhook::event_types(requested)?;
    Ok(serde_json::to_string(&chosen).map_err(anyhow::Error::from)?)
}

#[tracing::instrument(skip_all)]
pub async fn list(ctx: &Context, actor: &Actor, credential: Credential) -> Result<Vec<Webhook>> {
    require_manager(actor, credential, false)?;
    let mut conn = ctx.store.reader().await?;
    Ok(storage::webhooks::list(&mut conn)
        .await?
        .into_iter()
        .map(view)
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn get(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    id: &str,
) -> Result<Webhook> {
    require_manager(actor, credential, false)?;
    let mut conn = ctx.store.reader().await?;
    Ok(view(found(storage::webhooks::get(&mut conn, id).await?)?))
}

fn found(row: Option<WebhookRow>) -> Result<WebhookRow> {
    row.ok_or(Error::NotFound("webhook"))
}

/// Makes a webhook that receives the events committed from now on; the
/// answer carries its signing secret, shown only this once.
#[tracing::instrument(skip_all)]
pub async fn create(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    source: &Source,
    request: &CreateWebhook,
) -> Result<Webhook> {
    require_manager(actor, credential, true)?;
    let event_types = event_types_json(&request.event_types)?;
    let url = checked_url(ctx, &request.url).await?;
    let now = now_ms();
    let secret = new_secret();
    let mut tx = ctx.store.begin().await?;
    let row = WebhookRow {
        id: new_id(),
        url,
        event_types,
        signing_secret: secret.clone(),
        enabled: flag(true),
        disabled_reason: None,
        cursor: storage::events::latest_seq(&mut tx).await?,
        attempts: 0,
        failing_since: None,
        next_attempt_at: now,
        created_at: now,
        updated_at: now,
    };
    storage::webhooks::insert(&mut tx, &row).await?;
    // A webhook outlives the key that made it and copies what happens from
    // then on: admins hear of one an integration adds.
    if matches!(credential, Credential::ApiKey(_)) {
        super::notifications::tell_admins(
            &mut tx,
            "An integration added a webhook",
            &format!(
                "An API key added a webhook delivering {} to {}. Review it under Settings → Webhooks.",
                request.event_types.join(", "),
                row.url
            ),
        )
        .await?;
    }
    audit::record(
        &mut tx,
        source,
        Action::WebhookCreated,
        Some(target(&row)),
        json!({ "url": row.url, "eventTypes": stored_event_types(&row) }),
    )
    .await?;
    ctx.commit(tx).await?;
    Ok(Webhook {
        signing_secret: Some(secret),
        ..view(row)
    })
}

/// The event types as stored (a JSON list), for an entry's details.
fn stored_event_types(row: &WebhookRow) -> serde_json::Value {
    serde_json::from_str(&row.event_types).unwrap_or_default()
}

/// A webhook as the target of an entry: its address names it.
fn target(row: &WebhookRow) -> Target {
    Target::new("webhook", row.id.clone(), row.url.clone())
}

/// Changes the address, the event types, or whether it is enabled. Enabling
/// resumes with the event it stopped at, tried at once.
#[tracing::instrument(skip_all)]
pub async fn update(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    source: &Source,
    id: &str,
    request: &UpdateWebhook,
) -> Result<Webhook> {
    require_manager(actor, credential, true)?;
    let url = match &request.url {
        Some(url) => Some(checked_url(ctx, url).await?),
        None => None,
    };
    let event_types = match &request.event_types {
        Some(types) => Some(event_types_json(types)?),
        None => None,
    };
    let mut tx = ctx.store.begin().await?;
    let was = found(storage::webhooks::get(&mut tx, id).await?)?;
    let now = now_ms();
    if url.is_some() || event_types.is_some() {
        let url = url.unwrap_or_else(|| was.url.clone());
        let event_types = event_types.unwrap_or_else(|| was.event_types.clone());
        storage::webhooks::set_target(&mut tx, id, &url, &event_types, now).await?;
    }
    if let Some(enabled) = request.enabled {
        storage::webhooks::set_enabled(&mut tx, id, enabled, now).await?;
    }
    let row = found(storage::webhooks::get(&mut tx, id).await?)?;
    let changed = audit::changes(&was, &row, |row| {
        vec![
            ("url", json!(row.url)),
            ("eventTypes", stored_event_types(row)),
            ("enabled", json!(row.enabled != 0)),
        ]
    });
    if let Some(details) = changed {
        audit::record(
            &mut tx,
            source,
            Action::WebhookUpdated,
            Some(target(&row)),
            details,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(view(row))
}

/// Gives the webhook a new signing secret, shown only in this answer; the
/// old one stops signing from the next delivery on.
#[tracing::instrument(skip_all)]
pub async fn rotate_secret(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    source: &Source,
    id: &str,
) -> Result<Webhook> {
    require_manager(actor, credential, true)?;
    let secret = new_secret();
    let mut tx = ctx.store.begin().await?;
    if !storage::webhooks::set_secret(&mut tx, id, &secret, now_ms()).await? {
        return Err(Error::NotFound("webhook"));
    }
    let row = found(storage::webhooks::get(&mut tx, id).await?)?;
    let action = Action::WebhookSecretRotated;
    audit::record(&mut tx, source, action, Some(target(&row)), json!({})).await?;
    tx.commit().await?;
    Ok(Webhook {
        signing_secret: Some(secret),
        ..view(row)
    })
}

/// Deletes a webhook: nothing more is delivered to it.
#[tracing::instrument(skip_all)]
pub async fn delete(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    source: &Source,
    id: &str,
) -> Result<()> {
    require_manager(actor, credential, true)?;
    let mut tx = ctx.store.begin().await?;
    let row = found(storage::webhooks::get(&mut tx, id).await?)?;
    storage::webhooks::delete(&mut tx, id).await?;
    let action = Action::WebhookDeleted;
    audit::record(&mut tx, source, action, Some(target(&row)), json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// The latest delivery attempts, newest first.
#[tracing::instrument(skip_all)]
pub async fn deliveries(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    id: &str,
) -> Result<Vec<WebhookDelivery>> {
    require_manager(actor, credential, false)?;
    let mut conn = ctx.store.reader().await?;
    found(storage::webhooks::get(&mut conn, id).await?)?;
    Ok(
        storage::webhooks::deliveries(&mut conn, id, DELIVERIES_SHOWN)
            .await?
            .into_iter()
            .map(delivery_view)
            .collect(),
    )
}

/// Sends a `webhook.test` event now, whether or not the webhook is enabled,
/// and answers with the attempt (also kept among its deliveries).
#[tracing::instrument(skip_all)]
pub async fn send_test(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    id: &str,
) -> Result<WebhookDelivery> {
    require_manager(actor, credential, true)?;
    let row = {
        let mut conn = ctx.store.reader().await?;
        found(storage::webhooks::get(&mut conn, id).await?)?
    };
    let event_id = format!("evt_test_{}", new_id());
    let now = now_ms();
    let data = serde_json::value::to_raw_value(&serde_json::json!({
        "id": row.id,
        "object": "webhook",
        "url": row.url,
        "message": "A test event sent from Parlor's webhook settings.",
    }))
    .map_err(anyhow::Error::from)?;
    let payload = body(&event_id, TEST_EVENT, now, &data, None);
    let attempt = ctx
        .webhook_sender
        .post(&row.url, payload, &row.signing_secret, &event_id)
        .await;
    let delivery = DeliveryRow {
        id: new_id(),
        webhook_id: row.id.clone(),
        event_id,
        event_type: TEST_EVENT.to_string(),
        attempt: 1,
        status_code: attempt.status_code.map(i64::from),
        duration_ms: attempt.duration_ms,
        error: attempt.error,
        response_excerpt: attempt.response_excerpt,
        created_at: now_ms(),
    };
    let mut tx = ctx.store.begin().await?;
    // Deleted while the test was under way: nothing to keep it under.
    if storage::webhooks::get(&mut tx, id).await?.is_some() {
        storage::webhooks::record_delivery(&mut tx, &delivery).await?;
        tx.commit().await?;
    }
    Ok(delivery_view(delivery))
}

/// Forgets delivery attempts older than a month; returns how many.
#[tracing::instrument(skip_all)]
pub async fn forget_old_deliveries(ctx: &Context) -> Result<u64> {
    let mut tx = ctx.store.begin().await?;
    let removed =
        storage::webhooks::prune_deliveries(&mut tx, now_ms() - DELIVERIES_KEPT_MS).await?;
    tx.commit().await?;
    Ok(removed)
}
