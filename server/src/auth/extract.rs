//! The `Authenticated` extractor: an API key in `X-API-Key`, or a session
//! cookie plus, for writes, the session's CSRF token in `X-CSRF-Token`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum_extra::extract::CookieJar;

use super::{tokens, Actor, Credential, StoredCredential};
use crate::error::{Error, Result};
use crate::service::audit::{Place, Source, Who};
use crate::service::sessions::{self, SessionInfo};
use crate::service::Context;

pub const SESSION_COOKIE: &str = "parlor_session";
pub const API_KEY_HEADER: &str = "x-api-key";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A caller who proved who they are.
pub struct Authenticated {
    pub actor: Actor,
    pub credential: Credential,
    /// The digest of the secret presented (API key or session cookie).
    pub digest: String,
    /// The session, when the caller came with a cookie.
    pub session: Option<SessionInfo>,
    /// The API key's id, when the caller came with one.
    pub api_key_id: Option<String>,
}

impl FromRequestParts<Context> for Authenticated {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, ctx: &Context) -> Result<Self> {
        authenticate(ctx, &parts.method, &parts.headers).await
    }
}

/// Authenticates a request from its method and headers.
pub async fn authenticate(
    ctx: &Context,
    method: &Method,
    headers: &HeaderMap,
) -> Result<Authenticated> {
    if let Some(key) = headers.get(API_KEY_HEADER) {
        let key = key.to_str().map_err(|_| Error::Unauthorized)?;
        let found = sessions::actor_for_api_key(ctx, key)
            .await?
            .ok_or(Error::Unauthorized)?;
        let credential = Credential::ApiKey(found.limits);
        if !method.is_safe() {
            crate::authz::may_write(credential)?;
        }
        return Ok(Authenticated {
            actor: found.actor,
            credential,
            digest: tokens::digest(key),
            session: None,
            api_key_id: Some(found.key_id),
        });
    }
    let jar = CookieJar::from_headers(headers);
    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return Err(Error::Unauthorized);
    };
    let (actor, session) = sessions::actor_for_session(ctx, cookie.value())
        .await?
        .ok_or(Error::Unauthorized)?;
    // A cookie rides along with cross-site requests; a header cannot be
    // set by another site, so writes must carry the session's token.
    if !method.is_safe() {
        let sent = headers
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !tokens::same_secret(sent, &session.csrf_token) {
            return Err(Error::forbidden(
                "missing or wrong X-CSRF-Token for a request made with a session cookie",
            ));
        }
    }
    Ok(Authenticated {
        actor,
        credential: Credential::Session,
        digest: tokens::digest(cookie.value()),
        session: Some(session),
        api_key_id: None,
    })
}

impl Authenticated {
    /// Who the audit log records for this caller's changes, made from `place`.
    pub fn source(&self, place: Place) -> Source {
        Source {
            who: Who::signed_in(&self.actor, self.api_key_id.as_deref()),
            place,
        }
    }

    /// The credential as the server stores it.
    pub fn stored(&self) -> StoredCredential {
        StoredCredential {
            kind: self.credential,
            digest: self.digest.clone(),
        }
    }
}

/// Whether a request carrying a session cookie comes from a page of this
/// server. Browsers send `Origin` with every POST and WebSocket; without one,
/// `required` decides (other programs do not send it).
pub fn same_origin(ctx: &Context, headers: &HeaderMap, required: bool) -> Result<()> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return if required {
            Err(Error::forbidden(
                "this request must come from a page of this server",
            ))
        } else {
            Ok(())
        };
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let allowed = origin == ctx.config.public_url
        || origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"))
            == Some(host);
    if allowed {
        Ok(())
    } else {
        Err(Error::forbidden(format!(
            "a request with a session cookie may not come from {origin}"
        )))
    }
}
