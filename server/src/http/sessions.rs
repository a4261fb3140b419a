//! Signing in and out, first-run setup and invitations.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{Json as Body, Path};
use crate::auth::address::ClientAddress;
use crate::auth::extract::SESSION_COOKIE;
use crate::auth::Authenticated;
use crate::error::{Error, ErrorBody, Result};
use crate::service::audit::Place;
use crate::service::passwords::{
    self, ChangePassword, ForgotPassword, PasswordResetInfo, ResetPassword,
};
use crate::service::sessions::{
    self, AcceptInvitation, InvitationInfo, LoginRequest, NewSession, SessionInfo,
};
use crate::service::workspace::{self, SetupRequest};
use crate::service::Context;

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(sign_in))
        .routes(routes!(current_session, sign_out))
        .routes(routes!(setup))
        .routes(routes!(retrieve_invitation))
        .routes(routes!(accept_invitation))
        .routes(routes!(change_password))
        .routes(routes!(forgot_password))
        .routes(routes!(retrieve_password_reset))
        .routes(routes!(accept_password_reset))
}

pub fn session_cookie(ctx: &Context, session: &NewSession) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, session.token.clone()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(ctx.config.public_url.starts_with("https://"))
        .path("/")
        .max_age(time::Duration::milliseconds(sessions::SESSION_LIFETIME_MS))
        .build()
}

fn signed_in(ctx: &Context, jar: CookieJar, session: NewSession) -> (CookieJar, Json<SessionInfo>) {
    let cookie = session_cookie(ctx, &session);
    (jar.add(cookie), Json(session.info))
}

/// Sign in with e-mail and password; sets the session cookie.
#[utoipa::path(post, path = "/v1/sessions", tag = "sessions", request_body = LoginRequest, security(()),
    responses((status = 200, body = SessionInfo), (status = "4XX", body = ErrorBody),
        (status = 503, description = "Too many passwords are being checked; retry after `Retry-After` seconds", body = ErrorBody)))]
async fn sign_in(
    State(ctx): State<Context>,
    place: Place,
    jar: CookieJar,
    Body(request): Body<LoginRequest>,
) -> Result<(CookieJar, Json<SessionInfo>)> {
    let session = sessions::login(&ctx, &request, &place).await?;
    Ok(signed_in(&ctx, jar, session))
}

/// The signed-in session, with its CSRF token.
#[utoipa::path(get, path = "/v1/sessions/current", tag = "sessions",
    responses((status = 200, body = SessionInfo), (status = "4XX", body = ErrorBody)))]
async fn current_session(auth: Authenticated) -> Result<Json<SessionInfo>> {
    auth.session.map(Json).ok_or(Error::Unauthorized)
}

/// Sign out: ends the session and clears the cookie.
#[utoipa::path(delete, path = "/v1/sessions/current", tag = "sessions",
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn sign_out(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    jar: CookieJar,
) -> Result<(CookieJar, StatusCode)> {
    if auth.session.is_none() {
        return Err(Error::BadRequest(
            "only a session cookie can be signed out".into(),
        ));
    }
    if let Some(cookie) = jar.get(SESSION_COOKIE) {
        sessions::logout(&ctx, cookie.value(), &auth.source(place)).await?;
    }
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        StatusCode::NO_CONTENT,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
struct SetupWithToken {
    /// The secret from the setup link printed at first start.
    token: String,
    #[serde(flatten)]
    setup: SetupRequest,
}

/// First-run setup: create the workspace and its first admin, and sign in.
#[utoipa::path(post, path = "/v1/setup", tag = "sessions", request_body = SetupWithToken, security(()),
    responses((status = 200, body = SessionInfo), (status = "4XX", body = ErrorBody),
        (status = 503, description = "Too many passwords are being hashed; retry after `Retry-After` seconds", body = ErrorBody)))]
async fn setup(
    State(ctx): State<Context>,
    place: Place,
    jar: CookieJar,
    Body(request): Body<SetupWithToken>,
) -> Result<(CookieJar, Json<SessionInfo>)> {
    let owner_id =
        workspace::setup_with_token(&ctx, &request.token, &request.setup, &place).await?;
    let session = sessions::start_for_new_owner(&ctx, &owner_id).await?;
    Ok(signed_in(&ctx, jar, session))
}

/// Who an invitation is for, to greet them before they choose a password.
#[utoipa::path(get, path = "/v1/invitations/{token}", tag = "sessions", params(("token" = String, Path)), security(()),
    responses((status = 200, body = InvitationInfo), (status = "4XX", body = ErrorBody)))]
async fn retrieve_invitation(
    State(ctx): State<Context>,
    Path(token): Path<String>,
) -> Result<Json<InvitationInfo>> {
    Ok(Json(sessions::invitation(&ctx, &token).await?))
}

/// Accept an invitation: set a password, activate the client, sign in. Works once.
#[utoipa::path(post, path = "/v1/invitations/{token}/accept", tag = "sessions", params(("token" = String, Path)),
    request_body = AcceptInvitation, security(()),
    responses((status = 200, body = SessionInfo), (status = "4XX", body = ErrorBody),
        (status = 503, description = "Too many passwords are being hashed; retry after `Retry-After` seconds", body = ErrorBody)))]
async fn accept_invitation(
    State(ctx): State<Context>,
    Path(token): Path<String>,
    place: Place,
    jar: CookieJar,
    Body(request): Body<AcceptInvitation>,
) -> Result<(CookieJar, Json<SessionInfo>)> {
    let session = sessions::accept_invitation(&ctx, &token, &request, &place).await?;
    Ok(signed_in(&ctx, jar, session))
}

/// Change your own password (the current one is required). This session
/// stays signed in; your other sessions and their open sockets end.
#[utoipa::path(post, path = "/v1/sessions/current/password", tag = "sessions", request_body = ChangePassword,
    responses((status = 204), (status = "4XX", body = ErrorBody)))]
async fn change_password(
    State(ctx): State<Context>,
    place: Place,
    auth: Authenticated,
    Body(request): Body<ChangePassword>,
) -> Result<StatusCode> {
    passwords::change_own(&ctx, &auth, &request, &place).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// "Forgot password?": e-mails a link to choose a new password to whoever
/// has this address. The answer is the same whether anyone has it or not.
#[utoipa::path(post, path = "/v1/password-resets", tag = "sessions", request_body = ForgotPassword, security(()),
    responses((status = 202, description = "If someone has this address, a link is on its way"),
              (status = "4XX", body = ErrorBody)))]
async fn forgot_password(
    State(ctx): State<Context>,
    ClientAddress(address): ClientAddress,
    Body(request): Body<ForgotPassword>,
) -> Result<StatusCode> {
    passwords::forgot(&ctx, &request, address).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Whose password a reset link is for, to greet them before they choose one.
#[utoipa::path(get, path = "/v1/password-resets/{token}", tag = "sessions", params(("token" = String, Path)), security(()),
    responses((status = 200, body = PasswordResetInfo), (status = "4XX", body = ErrorBody)))]
async fn retrieve_password_reset(
    State(ctx): State<Context>,
    Path(token): Path<String>,
) -> Result<Json<PasswordResetInfo>> {
    Ok(Json(passwords::reset_info(&ctx, &token).await?))
}

/// Use a reset link: set a new password, end every session of that person,
/// sign in. Works once.
#[utoipa::path(post, path = "/v1/password-resets/{token}/accept", tag = "sessions", params(("token" = String, Path)),
    request_body = ResetPassword, security(()),
    responses((status = 200, body = SessionInfo), (status = "4XX", body = ErrorBody)))]
async fn accept_password_reset(
    State(ctx): State<Context>,
    Path(token): Path<String>,
    place: Place,
    jar: CookieJar,
    Body(request): Body<ResetPassword>,
) -> Result<(CookieJar, Json<SessionInfo>)> {
    let session = passwords::reset(&ctx, &token, &request, &place).await?;
    Ok(signed_in(&ctx, jar, session))
}
