//! The web app's server functions, answered by the same use cases and
//! authorisation as the /v1 API: each area's port (`parlor_app::api`) is
//! implemented by one module here, in a line or two per call; what a screen
//! shows is assembled by `service::screens`. Pages send the session cookie;
//! writes must also come from a page of this server (checked by `Origin`),
//! which stands in for the API's CSRF header: server functions are plain
//! same-origin POSTs.

mod account;
mod conversations;
mod directory;
mod notifications;
mod saved_replies;
mod session;
mod settings;
mod team;
mod webhooks;

use axum::http::request::Parts;
use axum::http::Method;
use parlor_model::AppError;

use crate::auth::address::request_place;
use crate::auth::extract::{authenticate, same_origin, Authenticated};
use crate::auth::{Actor, Credential};
use crate::error::{Error, Result};
use crate::service::audit::{Place, Source, Via};
use crate::service::Context;

pub struct WebPortal {
    ctx: Context,
}

type Answer<T> = std::result::Result<T, AppError>;

/// A refusal reaches the app with the API's status and message; an
/// internal cause is logged here and never sent.
impl From<Error> for AppError {
    fn from(error: Error) -> AppError {
        error.log_cause();
        AppError::new(error.status().as_u16(), error.to_string())
    }
}

impl WebPortal {
    pub fn new(ctx: Context) -> WebPortal {
        WebPortal { ctx }
    }

    /// Whoever sent the request, however they proved it.
    async fn caller(&self, request: &Parts) -> Result<Authenticated> {
        authenticate(&self.ctx, &Method::GET, &request.headers).await
    }

    /// The signed-in reader of a page.
    async fn reader(&self, request: &Parts) -> Result<Actor> {
        Ok(self.caller(request).await?.actor)
    }

    /// The signed-in reader of a page and how they proved who they are.
    async fn read_credential(&self, request: &Parts) -> Result<(Actor, Credential)> {
        let auth = self.caller(request).await?;
        Ok((auth.actor, auth.credential))
    }

    /// The signed-in author of a change, from a page of this server.
    async fn writer(&self, request: &Parts) -> Result<(Actor, Credential)> {
        let (actor, credential, _) = self.audited_writer(request).await?;
        Ok((actor, credential))
    }

    /// The signed-in author of a change the audit log records, from a page
    /// of this server, and the source of the change as the log names it.
    async fn audited_writer(&self, request: &Parts) -> Result<(Actor, Credential, Source)> {
        self.check_origin(request)?;
        let auth = self.caller(request).await?;
        crate::authz::may_write(auth.credential)?;
        let source = auth.source(self.place(request));
        Ok((auth.actor, auth.credential, source))
    }

    /// Where a call comes from, as the audit log records it.
    fn place(&self, request: &Parts) -> Place {
        request_place(request, &self.ctx, Via::Web)
    }

    /// A change anyone may ask for (signing in, a reset link) must still
    /// come from a page of this server.
    fn check_origin(&self, request: &Parts) -> Result<()> {
        same_origin(&self.ctx, &request.headers, true)
    }
}
