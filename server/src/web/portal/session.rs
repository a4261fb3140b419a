//! Signing in and out, invitations, passwords and first-run setup. The
//! calls that start or end a session set or clear its cookie here.

use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum_extra::extract::cookie::Cookie;
use parlor_app::api::{posted_by_plain_form, SessionCalls};
use parlor_app::state::{after_sign_in, landing};
use parlor_model::{Invitation, Me, SessionStart, Setup};

use super::{Answer, WebPortal};
use crate::auth::address::client_address;
use crate::auth::extract::SESSION_COOKIE;
use crate::error::{Error, Result};
use crate::http::session_cookie;
use crate::service::audit::Source;
use crate::service::passwords::{self, ChangePassword, ForgotPassword, ResetPassword};
use crate::service::screens;
use crate::service::sessions::{self, AcceptInvitation, LoginRequest, NewSession};
use crate::service::workspace::{self, SetupRequest};

impl WebPortal {
    /// Who signed in, with the cookie that carries their new session. A
    /// client lands on their conversation when they have just one.
    async fn signed_in(&self, session: NewSession) -> Result<Me> {
        let (actor, _) = sessions::actor_for_session(&self.ctx, &session.token)
            .await?
            .ok_or(Error::Unauthorized)?;
        let mut me = screens::me(&self.ctx, &actor).await?;
        if !me.is_staff {
            me.landing = landing(&screens::channel_list(&self.ctx, &actor).await?);
        }
        set_cookie(&session_cookie(&self.ctx, &session).to_string())?;
        Ok(me)
    }
}

/// Where a sign-in posted by the plain form (before the app's script ran)
/// goes next, as the app would go: the page that sent them to sign in
/// (`next` in the sign-in page's address), else their landing page.
fn after_plain_form(request: &Parts, landing: Option<&str>) -> String {
    let next = request
        .headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|address| address.split_once('?'))
        .and_then(|(_, query)| {
            let query = query.split('#').next().unwrap_or_default();
            form_urlencoded::parse(query.as_bytes())
                .find(|(name, _)| name == "next")
                .map(|(_, next)| next.into_owned())
        });
    match next {
        Some(next) => after_sign_in(Some(&next)),
        None => landing.unwrap_or("/messages").to_string(),
    }
}

/// Adds a `Set-Cookie` to the server function's answer.
fn set_cookie(value: &str) -> Result<()> {
    let value = HeaderValue::from_str(value).map_err(|e| Error::Internal(e.into()))?;
    let response = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("no response to set a cookie on")))?;
    response.append_header(header::SET_COOKIE, value);
    Ok(())
}

#[async_trait::async_trait]
impl SessionCalls for WebPortal {
    async fn current_session(&self, request: &Parts) -> Answer<Option<SessionStart>> {
        let auth = match self.caller(request).await {
            Ok(auth) => auth,
            Err(Error::Unauthorized) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        let cursor = screens::realtime_cursor(&self.ctx).await?;
        let mut me = screens::me(&self.ctx, &auth.actor).await?;
        me.csrf_token = auth.session.map(|s| s.csrf_token).unwrap_or_default();
        let channels = screens::channel_list(&self.ctx, &auth.actor).await?;
        Ok(Some(SessionStart {
            me,
            channels,
            cursor,
        }))
    }

    async fn sign_in(&self, request: &Parts, email: String, password: String) -> Answer<Me> {
        self.check_origin(request)?;
        let login = LoginRequest { email, password };
        let session = sessions::login(&self.ctx, &login, &self.place(request)).await?;
        let me = self.signed_in(session).await?;
        if posted_by_plain_form(request) {
            leptos_axum::redirect(&after_plain_form(request, me.landing.as_deref()));
        }
        Ok(me)
    }

    async fn read_invitation(&self, _request: &Parts, token: String) -> Answer<Invitation> {
        let info = sessions::invitation(&self.ctx, &token).await?;
        Ok(Invitation {
            given_name: info.given_name,
            email: info.email,
            workspace_name: info.workspace_name,
        })
    }

    async fn accept_invitation(
        &self,
        request: &Parts,
        token: String,
        password: String,
    ) -> Answer<Me> {
        self.check_origin(request)?;
        let accept = AcceptInvitation { password };
        let place = self.place(request);
        let session = sessions::accept_invitation(&self.ctx, &token, &accept, &place).await?;
        Ok(self.signed_in(session).await?)
    }

    async fn set_up(&self, request: &Parts, token: String, setup: Setup) -> Answer<Me> {
        self.check_origin(request)?;
        let setup = SetupRequest {
            workspace_name: setup.workspace_name,
            email: setup.email,
            password: setup.password,
            given_name: setup.given_name,
            family_name: setup.family_name,
        };
        let place = self.place(request);
        let owner_id = workspace::setup_with_token(&self.ctx, &token, &setup, &place).await?;
        let session = sessions::start_for_new_owner(&self.ctx, &owner_id).await?;
        Ok(self.signed_in(session).await?)
    }

    async fn change_password(
        &self,
        request: &Parts,
        current_password: String,
        new_password: String,
    ) -> Answer<()> {
        self.check_origin(request)?;
        let auth = self.caller(request).await?;
        let change = ChangePassword {
            current_password,
            new_password,
        };
        let place = self.place(request);
        Ok(passwords::change_own(&self.ctx, &auth, &change, &place).await?)
    }

    async fn forgot_password(&self, request: &Parts, email: String) -> Answer<()> {
        self.check_origin(request)?;
        let address = client_address(request, &self.ctx);
        Ok(passwords::forgot(&self.ctx, &ForgotPassword { email }, address).await?)
    }

    async fn read_password_reset(&self, _request: &Parts, token: String) -> Answer<Invitation> {
        let info = passwords::reset_info(&self.ctx, &token).await?;
        Ok(Invitation {
            given_name: info.given_name,
            email: info.email,
            workspace_name: info.workspace_name,
        })
    }

    async fn reset_password(&self, request: &Parts, token: String, password: String) -> Answer<Me> {
        self.check_origin(request)?;
        let reset = ResetPassword { password };
        let session = passwords::reset(&self.ctx, &token, &reset, &self.place(request)).await?;
        Ok(self.signed_in(session).await?)
    }

    async fn sign_out(&self, request: &Parts) -> Answer<()> {
        self.check_origin(request)?;
        let jar = axum_extra::extract::CookieJar::from_headers(&request.headers);
        if let Some(cookie) = jar.get(SESSION_COOKIE) {
            // A session that has already ended is signed out of again,
            // quietly: there is nobody to record.
            let source = match self.caller(request).await {
                Ok(auth) => auth.source(self.place(request)),
                Err(_) => Source::anonymous(self.place(request)),
            };
            sessions::logout(&self.ctx, cookie.value(), &source).await?;
        }
        let mut removal = Cookie::build(SESSION_COOKIE).path("/").build();
        removal.make_removal();
        Ok(set_cookie(&removal.to_string())?)
    }
}

#[cfg(test)]
mod tests {
    use super::after_plain_form;
    use axum::http::{header, Request};
    use parlor_app::state::sign_in_returning_to;

    fn posted_from(referer: &str) -> axum::http::request::Parts {
        let request = Request::post("/api/sign_in").header(header::REFERER, referer);
        request.body(()).unwrap().into_parts().0
    }

    #[test]
    fn a_plain_sign_in_goes_back_to_the_page_that_asked_for_it() {
        for here in ["/messages/ch_1", "/clients?q=a&b+c", "/messages/caf%C3%A9"] {
            let address = format!("http://parlor.test{}", sign_in_returning_to(here));
            assert_eq!(after_plain_form(&posted_from(&address), None), here);
        }
        let plain = posted_from("http://parlor.test/sign-in");
        assert_eq!(
            after_plain_form(&plain, Some("/messages/ch_9")),
            "/messages/ch_9"
        );
        assert_eq!(after_plain_form(&plain, None), "/messages");
        // Somewhere else than this app's pages is not followed.
        let away = posted_from("http://parlor.test/sign-in?next=https%3A%2F%2Fevil.test");
        assert_eq!(after_plain_form(&away, None), "/messages");
    }
}
