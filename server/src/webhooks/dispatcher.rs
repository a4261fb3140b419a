//! The dispatcher: claims the webhooks that have events waiting, delivers
//! them in log order, and after a failure waits with back-off; a webhook
//! failing for `give_up_after` is disabled and the admins are told.

use std::time::{Duration, Instant};

use futures_util::future::join_all;

use super::sender::{Attempt, Sender};
use super::{delivery_of, event_id};
use crate::config::WebhookConfig;
use crate::domain::new_id;
use crate::error::Result;
use crate::service::{notifications, Context};
use crate::storage::webhooks::{self, DeliveryRow, Progress, WebhookRow};
use crate::storage::{self, now_ms};

/// Webhooks claimed at a time, delivered to side by side.
const CLAIM: u32 = 16;
/// Events read from the log at a time for one webhook.
const EVENTS: u32 = 100;
/// How long one webhook is delivered to before its claim is given back
/// (checked before each delivery, so well inside the lease), so a slow
/// receiver delays the others' next pass by this and a timeout at most.
const BUDGET: Duration = Duration::from_secs(20);
/// The least time between passes that delivered nothing.
const QUIET_GAP: Duration = Duration::from_millis(50);

/// Runs until aborted. After a pass that delivered nothing it waits for
/// the pump to publish new events (or the poll interval, for events other
/// nodes wrote), and at least `QUIET_GAP`: under a stream of messages the
/// pump publishes many times a second, and each pass costs queries.
pub async fn run(ctx: Context) {
    let sender = ctx.webhook_sender.clone();
    let worker = new_id();
    // As the mail worker: finishes the deliveries it claimed, claims no more.
    while !ctx.stopping.is_cancelled() {
        let published = ctx.hub.published.notified();
        tokio::pin!(published);
        published.as_mut().enable();
        let delivered = match deliver_due(&ctx, &sender, &worker).await {
            Ok(delivered) => delivered,
            Err(err) => {
                tracing::warn!(error = %err, "the webhook dispatcher could not read its work");
                0
            }
        };
        if delivered == 0 {
            tokio::time::sleep(QUIET_GAP).await;
            tokio::select! {
                _ = &mut published => {}
                _ = tokio::time::sleep(ctx.config.webhooks.poll_interval) => {}
                _ = ctx.stopping.cancelled() => {}
            }
        }
    }
}

/// Claims the due webhooks and delivers to each; returns how many
/// deliveries it attempted.
pub async fn deliver_due(ctx: &Context, sender: &Sender, worker: &str) -> Result<usize> {
    let now = now_ms();
    if !webhooks::any_due(&mut *ctx.store.reader().await?, now).await? {
        return Ok(0);
    }
    let lease = ctx.config.webhooks.claim_lease;
    let claimed = {
        let mut tx = ctx.store.begin().await?;
        let claimed =
            webhooks::claim_due(&mut tx, worker, now, now + lease.as_millis() as i64, CLAIM)
                .await?;
        tx.commit().await?;
        claimed
    };
    let results = join_all(
        claimed
            .into_iter()
            .map(|webhook| deliver(ctx, sender, worker, webhook)),
    )
    .await;
    let mut attempted = 0;
    for result in results {
        match result {
            Ok(count) => attempted += count,
            Err(err) => {
                tracing::warn!(error = %err, "delivering to a webhook failed; its claim runs out");
            }
        }
    }
    Ok(attempted)
}

/// Delivers a claimed webhook's waiting events in order until they are all
/// delivered, one fails, the claim is lost (the webhook was deleted,
/// disabled or changed) or half the lease is used up; returns how many
/// deliveries it attempted.
#[tracing::instrument(skip_all, fields(webhook = %webhook.id))]
async fn deliver(
    ctx: &Context,
    sender: &Sender,
    worker: &str,
    webhook: WebhookRow,
) -> Result<usize> {
    let config = &ctx.config.webhooks;
    let started = Instant::now();
    let subscribed: Vec<String> = serde_json::from_str(&webhook.event_types).unwrap_or_default();
    let mut cursor = webhook.cursor;
    let mut attempts = webhook.attempts;
    let mut failing_since = webhook.failing_since;
    let mut attempted = 0;
    loop {
        let events = {
            let mut conn = ctx.store.reader().await?;
            storage::events::range(&mut conn, cursor, i64::MAX, EVENTS).await?
        };
        if events.is_empty() {
            break;
        }
        if events[0].seq > cursor + 1 {
            // The log no longer holds what came after the cursor (the
            // webhook was disabled for longer than events are kept): say so
            // where admins look, and go on with what is there.
            skipped(ctx, &webhook, cursor, events[0].seq).await?;
            cursor = events[0].seq - 1;
        }
        for event in events {
            if started.elapsed() > BUDGET.min(config.claim_lease / 2) {
                break;
            }
            let Some((event_type, body)) = delivery_of(&event)
                .filter(|(event_type, _)| subscribed.iter().any(|s| s == event_type))
            else {
                cursor = event.seq;
                continue;
            };
            let id = event_id(event.seq);
            let attempt = sender
                .post(&webhook.url, body, &webhook.signing_secret, &id)
                .await;
            attempted += 1;
            let mut tx = ctx.store.begin().await?;
            if !webhooks::still_claimed(&mut tx, &webhook.id, worker, now_ms()).await? {
                // Deleted, disabled or changed meanwhile: what happened is
                // not recorded against a webhook that is no longer this one.
                return Ok(attempted);
            }
            record(
                &mut tx,
                &webhook.id,
                &id,
                event_type,
                attempts + 1,
                &attempt,
            )
            .await?;
            if attempt.succeeded() {
                cursor = event.seq;
                attempts = 0;
                failing_since = None;
                webhooks::advance(&mut tx, &webhook.id, worker, cursor).await?;
                tx.commit().await?;
                continue;
            }
            let now = now_ms();
            let since = failing_since.unwrap_or(now);
            let given_up = now - since >= config.give_up_after.as_millis() as i64;
            let reason = given_up.then(|| {
                format!(
                    "deliveries failed for {} (the last: {})",
                    humanise(config.give_up_after),
                    attempt.error.as_deref().unwrap_or("no answer")
                )
            });
            let progress = Progress {
                cursor,
                attempts: attempts + 1,
                failing_since: Some(since),
                next_attempt_at: now + backoff(config, attempts).as_millis() as i64,
                disabled_reason: reason.as_deref(),
            };
            let released = webhooks::release(&mut tx, &webhook.id, worker, &progress, now).await?;
            if let (true, Some(reason)) = (released, &reason) {
                tracing::warn!(url = %webhook.url, %reason, "a webhook was disabled");
                notifications::tell_admins(
                    &mut tx,
                    "A webhook was disabled",
                    &format!(
                        "Parlor stopped delivering to {}: {reason}. Enable it again in Settings → Webhooks once the receiver is fixed; it resumes where it stopped.",
                        webhook.url
                    ),
                )
                .await?;
            }
            ctx.commit(tx).await?;
            return Ok(attempted);
        }
        if started.elapsed() > BUDGET.min(config.claim_lease / 2) {
            break;
        }
    }
    let mut tx = ctx.store.begin().await?;
    let progress = Progress {
        cursor,
        attempts,
        failing_since,
        next_attempt_at: now_ms(),
        disabled_reason: None,
    };
    webhooks::release(&mut tx, &webhook.id, worker, &progress, now_ms()).await?;
    tx.commit().await?;
    Ok(attempted)
}

/// Records, among the webhook's deliveries and for every admin, that the
/// events after `cursor` and before `next` were no longer in the log.
async fn skipped(ctx: &Context, webhook: &WebhookRow, cursor: i64, next: i64) -> Result<()> {
    let lost = next - cursor - 1;
    let error = format!(
        "{lost} events were no longer kept (the log keeps them for {}) and were not delivered",
        humanise(ctx.config.event_retention)
    );
    tracing::warn!(url = %webhook.url, lost, "a webhook missed events the log no longer held");
    let mut tx = ctx.store.begin().await?;
    webhooks::record_delivery(
        &mut tx,
        &DeliveryRow {
            id: new_id(),
            webhook_id: webhook.id.clone(),
            event_id: event_id(next - 1),
            event_type: "events.skipped".to_string(),
            attempt: 0,
            status_code: None,
            duration_ms: 0,
            error: Some(error.clone()),
            response_excerpt: None,
            created_at: now_ms(),
        },
    )
    .await?;
    notifications::tell_admins(
        &mut tx,
        "A webhook missed events",
        &format!("Deliveries to {}: {error}.", webhook.url),
    )
    .await?;
    ctx.commit(tx).await
}

async fn record(
    conn: &mut storage::Conn,
    webhook_id: &str,
    event_id: &str,
    event_type: &str,
    attempt_number: i64,
    attempt: &Attempt,
) -> Result<()> {
    webhooks::record_delivery(
        conn,
        &DeliveryRow {
            id: new_id(),
            webhook_id: webhook_id.to_string(),
            event_id: event_id.to_string(),
            event_type: event_type.to_string(),
            attempt: attempt_number,
            status_code: attempt.status_code.map(i64::from),
            duration_ms: attempt.duration_ms,
            error: attempt.error.clone(),
            response_excerpt: attempt.response_excerpt.clone(),
            created_at: now_ms(),
        },
    )
    .await
}

/// The wait before the next attempt after `failed` earlier failures: the
/// base, doubled per failure, up to the maximum.
pub fn backoff(config: &WebhookConfig, failed: i64) -> Duration {
    crate::retry::backoff(config.retry_base, config.retry_max, failed)
}

fn humanise(duration: Duration) -> String {
    let secs = duration.as_secs();
    match secs {
        s if s >= 86_400 && s % 86_400 == 0 => format!("{} days", s / 86_400),
        s if s >= 3600 && s % 3600 == 0 => format!("{} h", s / 3600),
        s if s >= 60 => format!("{} min", s / 60),
        s => format!("{s} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour_and_keep_going_for_a_day() {
        let config = WebhookConfig::default();
        assert_eq!(backoff(&config, 0), Duration::from_secs(15));
        assert_eq!(backoff(&config, 2), Duration::from_secs(60));
        assert_eq!(backoff(&config, 50), Duration::from_secs(3600));
        // Far more than Assembly's three tries before a webhook is given up.
        let mut waited = Duration::ZERO;
        let mut tries = 0;
        while waited < config.give_up_after {
            waited += backoff(&config, tries);
            tries += 1;
        }
        assert!(tries > 20, "{tries} tries in a day");
    }
}
