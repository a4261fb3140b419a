//! E-mail preferences: how each person hears about unread messages, and
//! the one-click unsubscribe from the links in those e-mails.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{workspace, Context};
use crate::auth::tokens::verify_unsubscribe;
use crate::auth::Actor;
use crate::error::{Error, Result};
use crate::storage::{digests, now_ms};

/// How someone hears by e-mail about messages they have not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UnreadMessages {
    /// One e-mail per message still unread after the delay.
    Every,
    /// One e-mail per channel summing up what is unread (the default).
    #[default]
    Digest,
    /// None.
    Off,
}

impl UnreadMessages {
    pub fn as_str(self) -> &'static str {
        match self {
            UnreadMessages::Every => "every",
            UnreadMessages::Digest => "digest",
            UnreadMessages::Off => "off",
        }
    }

    /// The stored value; anything unknown counts as the default.
    pub fn parse(value: Option<&str>) -> UnreadMessages {
        match value {
            Some("every") => UnreadMessages::Every,
            Some("off") => UnreadMessages::Off,
            _ => UnreadMessages::Digest,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EmailPreferences {
    /// `every`, `digest` or `off`.
    pub unread_messages: UnreadMessages,
}

/// The caller's own preferences.
#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Context, actor: &Actor) -> Result<EmailPreferences> {
    let mut conn = ctx.store.reader().await?;
    let stored = digests::preference(&mut conn, actor.id()).await?;
    Ok(EmailPreferences {
        unread_messages: UnreadMessages::parse(stored.as_deref()),
    })
}

/// Changes the caller's own preferences.
#[tracing::instrument(skip_all)]
pub async fn update(
    ctx: &Context,
    actor: &Actor,
    preferences: &EmailPreferences,
) -> Result<EmailPreferences> {
    let mut tx = ctx.store.begin().await?;
    let value = preferences.unread_messages.as_str();
    digests::set_preference(&mut tx, actor.id(), value, now_ms()).await?;
    ctx.commit(tx).await?;
    Ok(preferences.clone())
}

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
    digests::set_preference(&mut tx, &user_id, UnreadMessages::Off.as_str(), now_ms()).await?;
    let brand = workspace::load(&mut tx).await?.brand_name;
    ctx.commit(tx).await?;
    tracing::info!(user = %user_id, "unsubscribed from unread digests");
    Ok(brand)
}
