//! E-mail preferences: for now, one-click unsubscribe from unread digests.

use super::{workspace, Context};
use crate::auth::tokens::verify_unsubscribe;
use crate::error::{Error, Result};
use crate::storage::{digests, now_ms};

/// Checks an unsubscribe token; answers the workspace's brand name.
#[tracing::instrument(skip_all)]
pub async fn unsubscribe_target(ctx: &Context, token: &str) -> Result<String> {
    let user_id = verify_unsubscribe(&ctx.config.secret_key, token)
        .ok_or(Error::NotFound("unsubscribe link"))?;
    let mut conn = ctx.store.reader().await?;
    if !digests::person_exists(&mut conn, &user_id).await? {
        return Err(Error::NotFound("unsubscribe link"));
    }
    Ok(workspace::load(&mut conn).await?.brand_name)
}

/// Turns off e-mail about unread messages for the token's person; answers
/// the workspace's brand name. Doing it twice is fine.
#[tracing::instrument(skip_all)]
pub async fn unsubscribe(ctx: &Context, token: &str) -> Result<String> {
    let user_id = verify_unsubscribe(&ctx.config.secret_key, token)
        .ok_or(Error::NotFound("unsubscribe link"))?;
    let mut tx = ctx.store.begin().await?;
    if !digests::person_exists(&mut tx, &user_id).await? {
        return Err(Error::NotFound("unsubscribe link"));
    }
    digests::set_preference(&mut tx, &user_id, "off", now_ms()).await?;
    let brand = workspace::load(&mut tx).await?.brand_name;
    ctx.commit(tx).await?;
    tracing::info!(user = %user_id, "unsubscribed from unread digests");
    Ok(brand)
}
