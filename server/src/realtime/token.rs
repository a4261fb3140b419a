//! `POST /v1/realtime/tokens`: a one-minute token for `?token=` on the socket.

use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::tokens::RealtimeToken;
use crate::auth::Authenticated;
use crate::domain::Timestamp;
use crate::service::Context;
use crate::storage::now_ms;

pub const LIFETIME_MS: i64 = 60_000;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssuedToken {
    #[schema(value_type = String, example = "realtimeToken")]
    pub object: &'static str,
    /// Pass as `?token=` when opening `/v1/realtime`.
    pub token: String,
    pub expires_at: Timestamp,
}

/// A token acting as `auth`'s person for as long as `auth`'s credential holds.
pub fn issue(ctx: &Context, auth: &Authenticated) -> IssuedToken {
    let actor = &auth.actor;
    let expires_at_ms = now_ms() + LIFETIME_MS;
    let claims = RealtimeToken {
        user_type: actor.user_type(),
        user_id: actor.id().to_string(),
        expires_at_ms,
        credential: auth.stored(),
    };
    IssuedToken {
        object: "realtimeToken",
        token: claims.token(&ctx.config.secret_key),
        expires_at: Timestamp(expires_at_ms),
    }
}
