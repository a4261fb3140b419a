//! Retention: when the workspace keeps messages for N months
//! (`retentionMonths`), housekeeping deletes older ones with their files,
//! except in the conversations of clients under legal hold. Admins place
//! and lift holds. The audit log is never touched: it lives in a table of
//! its own that nothing here deletes from, and the database refuses it.

use serde_json::json;

use super::audit::{self, Source};
use super::{attachments, workspace, Context};
use crate::auth::Actor;
use crate::authz;
use crate::domain::audit::{Action, Target};
use crate::domain::retention::{cutoff, LegalHold};
use crate::domain::Timestamp;
use crate::error::{Error, Result};
use crate::storage::retention::HoldRow;
use crate::storage::{self, now_ms};

/// Messages deleted per transaction, so a first run over years of history
/// never holds the database for long.
const BATCH: u32 = 500;

/// Deletes what has expired at `now`; how many messages went. One entry in
/// the audit log says how many and from before when.
pub async fn apply(ctx: &Context, now: i64) -> Result<u64> {
    let months = {
        let mut conn = ctx.store.reader().await?;
        workspace::load(&mut conn).await?.retention_months
    };
    let Some(months) = months else {
        return Ok(0);
    };
    let before = cutoff(now, months);
    let mut deleted = 0;
    loop {
        let mut tx = ctx.store.begin().await?;
        let expired = storage::retention::expired(&mut tx, before, BATCH).await?;
        if expired.is_empty() {
            tx.rollback().await?;
            break;
        }
        let ids: Vec<String> = expired.into_iter().map(|(id, _)| id).collect();
        let blobs = storage::attachments::blob_ids_of_messages(&mut tx, &ids).await?;
        deleted += storage::retention::delete_messages(&mut tx, &ids).await?;
        tx.commit().await?;
        attachments::release_blobs(ctx, blobs).await;
        if ids.len() < BATCH as usize {
            break;
        }
    }
    if deleted > 0 {
        audit::record_alone(
            &ctx.store,
            &Source::system(),
            Action::RetentionApplied,
            None,
            json!({ "deletedMessages": deleted, "sentBefore": Timestamp(before) }),
        )
        .await?;
    }
    Ok(deleted)
}

/// The hold on a client's conversations (admins); 404 when there is none.
pub async fn hold(ctx: &Context, actor: &Actor, client_id: &str) -> Result<LegalHold> {
    hold_of(ctx, actor, client_id)
        .await?
        .ok_or(Error::NotFound("legal hold"))
}

/// The hold on a client's conversations, if there is one (admins).
pub async fn hold_of(ctx: &Context, actor: &Actor, client_id: &str) -> Result<Option<LegalHold>> {
    authz::require_admin(actor)?;
    let mut conn = ctx.store.reader().await?;
    Ok(storage::retention::hold(&mut conn, client_id)
        .await?
        .map(view))
}

/// Puts a client's conversations under legal hold (admins); placing it
/// again keeps the first.
pub async fn place_hold(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    client_id: &str,
) -> Result<LegalHold> {
    let admin = authz::require_admin(actor)?;
    let mut tx = ctx.store.begin().await?;
    let client = storage::clients::get(&mut tx, client_id)
        .await?
        .ok_or(Error::NotFound("client"))?;
    let row = HoldRow {
        client_id: client.id.clone(),
        placed_by: admin.id.clone(),
        placed_at: now_ms(),
    };
    if storage::retention::place_hold(&mut tx, &row).await? {
        audit::record(
            &mut tx,
            source,
            Action::LegalHoldPlaced,
            Some(target(&client)),
            json!({}),
        )
        .await?;
    }
    let held = storage::retention::hold(&mut tx, client_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the hold just placed is missing"))?;
    tx.commit().await?;
    Ok(view(held))
}

/// Lifts a client's hold (admins); 404 when there is none.
pub async fn lift_hold(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    client_id: &str,
) -> Result<()> {
    authz::require_admin(actor)?;
    let mut tx = ctx.store.begin().await?;
    let client = storage::clients::get(&mut tx, client_id)
        .await?
        .ok_or(Error::NotFound("client"))?;
    if !storage::retention::lift_hold(&mut tx, client_id).await? {
        return Err(Error::NotFound("legal hold"));
    }
    audit::record(
        &mut tx,
        source,
        Action::LegalHoldLifted,
        Some(target(&client)),
        json!({}),
    )
    .await?;
    tx.commit().await
}

fn target(client: &storage::clients::ClientRow) -> Target {
    Target::new(
        "client",
        client.id.clone(),
        format!("{} {}", client.given_name, client.family_name),
    )
}

fn view(row: HoldRow) -> LegalHold {
    LegalHold {
        object: "legalHold",
        client_id: row.client_id,
        placed_by_id: row.placed_by,
        placed_at: Timestamp(row.placed_at),
    }
}
