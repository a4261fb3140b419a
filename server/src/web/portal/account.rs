//! The signed-in person's own account: profile and sessions.

use axum::http::request::Parts;
use parlor_app::api::AccountCalls;
use parlor_model::{Account, ProfileChange};

use super::{Answer, WebPortal};
use crate::auth::Credential;
use crate::error::Error;
use crate::service::{screens, sessions};

#[async_trait::async_trait]
impl AccountCalls for WebPortal {
    async fn load_account(&self, request: &Parts) -> Answer<Account> {
        let actor = self.reader(request).await?;
        Ok(screens::account(&self.ctx, &actor).await?)
    }

    async fn save_profile(&self, request: &Parts, profile: ProfileChange) -> Answer<Account> {
        let (actor, _) = self.writer(request).await?;
        Ok(screens::save_profile(&self.ctx, &actor, profile).await?)
    }

    /// Keeps the session that asked, so the page stays signed in. An API
    /// key has no session to keep: keys are revoked on the Settings page.
    async fn sign_out_everywhere(&self, request: &Parts) -> Answer<u64> {
        self.check_origin(request)?;
        let auth = self.caller(request).await?;
        if auth.credential != Credential::Session {
            return Err(Error::forbidden("only a signed-in page may sign out everywhere").into());
        }
        let source = auth.source(self.place(request));
        Ok(sessions::end_all(&self.ctx, &auth.actor, Some(&auth.digest), &source).await?)
    }
}
