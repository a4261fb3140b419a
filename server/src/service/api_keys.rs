//! API keys: made, listed and revoked by admins signed in (the /v1 route and
//! the web app) or by the operator (`parlor admin api-key`), and when each
//! was last used.
//!
//! A key is checked on every request by `sessions::actor_for_api_key`,
//! which reads the database each time: a revoked or expired key is refused
//! from the next request on. Last use is written off the request path, at
//! most about once a minute per key (`KeyUsage`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;

use super::audit::{self, Source};
use super::Context;
use crate::auth::{tokens, Actor, Credential};
use crate::authz;
use crate::domain::api_key::{self, ApiKey, CreateApiKey};
use crate::domain::audit::{Action, Target};
use crate::domain::{new_id, Name, Timestamp};
use crate::error::{Error, Result};
use crate::storage::api_keys::{ApiKeyRow, NewApiKey};
use crate::storage::{self, now_ms, Conn};

/// A key's use is written again only when the stored one is this old.
pub const RECORD_USE_EVERY_MS: i64 = 60 * 1000;
/// How often waiting uses are written.
pub const WRITE_USES_EVERY: Duration = Duration::from_secs(15);

/// The uses of keys waiting to be written, newest per key.
#[derive(Clone, Default)]
pub struct KeyUsage {
    waiting: Arc<Mutex<HashMap<String, i64>>>,
}

impl KeyUsage {
    /// Notes that a key whose stored last use is `recorded` was used `now`;
    /// nothing is queued while the stored one is recent enough.
    pub fn used(&self, key_id: &str, recorded: Option<i64>, now: i64) {
        if recorded.is_some_and(|at| now - at < RECORD_USE_EVERY_MS) {
            return;
        }
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting.insert(key_id.to_string(), now);
    }

    fn take(&self) -> Vec<(String, i64)> {
        let mut waiting = self.waiting.lock().unwrap_or_else(|e| e.into_inner());
        waiting.drain().collect()
    }
}

/// Writes the uses waiting; returns how many keys were written.
#[tracing::instrument(skip_all)]
pub async fn write_uses(ctx: &Context) -> Result<usize> {
    let uses = ctx.key_usage.take();
    if uses.is_empty() {
        return Ok(0);
    }
    let mut tx = ctx.store.begin().await?;
    storage::api_keys::record_uses(&mut tx, &uses).await?;
    tx.commit().await?;
    Ok(uses.len())
}

/// Writes waiting uses every `WRITE_USES_EVERY`, for as long as the server runs.
pub async fn keep_writing_uses(ctx: Context) {
    let mut tick = tokio::time::interval(WRITE_USES_EVERY);
    loop {
        tick.tick().await;
        if let Err(err) = write_uses(&ctx).await {
            tracing::warn!(error = %err, "recording API key uses failed");
        }
    }
}

fn answer(row: ApiKeyRow, now: i64) -> ApiKey {
    ApiKey {
        object: "apiKey",
        expired: row.expires_at.is_some_and(|at| at <= now),
        id: row.id,
        name: row.name,
        created_at: Timestamp(row.created_at),
        expires_at: row.expires_at.map(Timestamp),
        last_used_at: row.last_used_at.map(Timestamp),
        read_only: row.read_only != 0,
        send_as_others: row.send_as_others != 0,
        key: None,
    }
}

/// Every key, oldest first, with uses up to now.
#[tracing::instrument(skip_all)]
pub async fn list(ctx: &Context, actor: &Actor, credential: Credential) -> Result<Vec<ApiKey>> {
    authz::require_key_manager(actor, credential)?;
    list_all(ctx).await
}

/// Every key, for the operator.
pub async fn list_all(ctx: &Context) -> Result<Vec<ApiKey>> {
    write_uses(ctx).await?;
    let mut conn = ctx.store.reader().await?;
    let now = now_ms();
    Ok(storage::api_keys::list(&mut conn)
        .await?
        .into_iter()
        .map(|row| answer(row, now))
        .collect())
}

#[tracing::instrument(skip_all)]
pub async fn create(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    source: &Source,
    request: &CreateApiKey,
) -> Result<ApiKey> {
    authz::require_key_manager(actor, credential)?;
    make(ctx, source, request).await
}

/// Makes a key for the operator (`parlor admin api-key create`).
#[tracing::instrument(skip_all)]
pub async fn create_as_operator(ctx: &Context, request: &CreateApiKey) -> Result<ApiKey> {
    make(ctx, &Source::command_line(), request).await
}

/// Makes a key acting as the workspace owner; the answer carries the key,
/// which is stored only as a digest (and never in the audit log).
async fn make(ctx: &Context, source: &Source, request: &CreateApiKey) -> Result<ApiKey> {
    let name = Name::parse("name", &request.name)?;
    let now = now_ms();
    let expires_at = api_key::expiry(request.expires_at.as_deref(), request.expires_in_days, now)?;
    let mut tx = ctx.store.begin().await?;
    let owner = storage::internal_users::owner(&mut tx)
        .await?
        .ok_or_else(|| {
            Error::Conflict("run `parlor admin init` first: there is no workspace owner".into())
        })?;
    if storage::api_keys::by_name(&mut tx, name.as_str())
        .await?
        .is_some()
    {
        return Err(taken(name.as_str()));
    }
    let id = new_id();
    let key = format!("parlor_{}", tokens::random_token());
    storage::api_keys::insert(
        &mut tx,
        &NewApiKey {
            id: &id,
            name: name.as_str(),
            key_hash: &tokens::digest(&key),
            internal_user_id: &owner.id,
            now,
            expires_at,
            read_only: request.read_only,
            send_as_others: request.send_as_others,
        },
    )
    .await
    // Two keys named at once: the unique index catches the second.
    .map_err(|err| match err {
        Error::Conflict(_) => taken(name.as_str()),
        other => other,
    })?;
    let row = storage::api_keys::get(&mut tx, &id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("a key just made is missing"))?;
    audit::record(
        &mut tx,
        source,
        Action::ApiKeyCreated,
        Some(target(&row)),
        json!({
            "readOnly": row.read_only != 0,
            "sendAsOthers": row.send_as_others != 0,
            "expiresAt": row.expires_at.map(|at| Timestamp(at).to_rfc3339()),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(ApiKey {
        key: Some(key),
        ..answer(row, now)
    })
}

fn target(row: &ApiKeyRow) -> Target {
    Target::new("apiKey", row.id.clone(), row.name.clone())
}

fn taken(name: &str) -> Error {
    Error::Conflict(format!(
        "an API key named {name:?} already exists; choose another name"
    ))
}

/// Revokes a key: from the next request on, it is refused.
#[tracing::instrument(skip_all)]
pub async fn revoke(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    source: &Source,
    id: &str,
) -> Result<()> {
    authz::require_key_manager(actor, credential)?;
    let mut tx = ctx.store.begin().await?;
    let row = storage::api_keys::get(&mut tx, id)
        .await?
        .ok_or(Error::NotFound("API key"))?;
    remove(&mut tx, source, &row).await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes the key with this name, for the operator.
#[tracing::instrument(skip_all)]
pub async fn revoke_by_name(ctx: &Context, name: &str) -> Result<ApiKey> {
    let mut tx = ctx.store.begin().await?;
    let row = storage::api_keys::by_name(&mut tx, name.trim())
        .await?
        .ok_or(Error::NotFound("API key"))?;
    remove(&mut tx, &Source::command_line(), &row).await?;
    tx.commit().await?;
    Ok(answer(row, now_ms()))
}

async fn remove(conn: &mut Conn, source: &Source, row: &ApiKeyRow) -> Result<()> {
    storage::api_keys::delete(conn, &row.id).await?;
    audit::record(
        conn,
        source,
        Action::ApiKeyRevoked,
        Some(target(row)),
        json!({}),
    )
    .await
}
