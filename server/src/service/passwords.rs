//! Passwords people choose themselves: changing one's own, reset links
//! (asked for on the sign-in page or sent by an admin), and the sessions
//! that end with an old password.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::audit::{self, Place, Source};
use super::sessions::{self, NewSession};
use super::{views, workspace, Context};
use crate::auth::tokens::{self, LinkPurpose, SignedLink};
use crate::auth::Authenticated;
use crate::auth::{password, Actor};
use crate::authz;
use crate::domain::audit::{Action, Target};
use crate::domain::{Email, Password, Timestamp, UserType};
use crate::error::{Error, Result};
use crate::storage::auth::PasswordHolder;
use crate::storage::{self, now_ms, Conn};

/// How long a reset link works.
pub const RESET_LIFETIME_MS: i64 = 60 * 60 * 1000;
/// At most one e-mail per person and password in this window, however often
/// "Forgot password?" is asked: an inbox cannot be flooded through it.
const FORGOT_EMAIL_WINDOW_MS: i64 = 15 * 60 * 1000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChangePassword {
    #[schema(format = Password)]
    pub current_password: String,
    #[schema(format = Password)]
    pub new_password: String,
}

/// Changes the signed-in person's password. The session `keep` (a token
/// digest) stays signed in; their other sessions end, and so do reset links
/// sent before.
#[tracing::instrument(skip_all)]
pub async fn change_own(
    ctx: &Context,
    auth: &Authenticated,
    request: &ChangePassword,
    place: &Place,
) -> Result<()> {
    // An API key acts as the owner but is not them: it changes no password.
    if auth.session.is_none() {
        return Err(Error::BadRequest(
            "only a person signed in with a session changes their password".into(),
        ));
    }
    let (actor, keep) = (&auth.actor, auth.digest.as_str());
    let new_password = Password::parse(&request.new_password)?;
    let holder = {
        let mut conn = ctx.store.reader().await?;
        storage::auth::holder_by_id(&mut conn, actor.id())
            .await?
            .ok_or(Error::Unauthorized)?
    };
    // Guessing the current password from a borrowed session counts as
    // guessing at the sign-in page.
    let address = place.client_address()?;
    ctx.throttle.attempt(&holder.email, address).await?;
    if !password::verify(&request.current_password, holder.password_hash.clone()).await? {
        return Err(Error::forbidden("the current password is not right"));
    }
    let hash = password::hash(&new_password).await?;
    let mut tx = ctx.store.begin().await?;
    if !storage::auth::set_password(&mut tx, &holder, &hash, now_ms()).await? {
        return Err(Error::Conflict(
            "the password changed meanwhile; try again".into(),
        ));
    }
    let ended = storage::auth::delete_sessions_of(&mut tx, &holder.id, Some(keep)).await?;
    audit::record(
        &mut tx,
        &auth.source(place.clone()),
        Action::PasswordChanged,
        Some(audit::person(actor)),
        json!({ "otherSessionsEnded": ended }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ForgotPassword {
    pub email: String,
}

/// "Forgot password?": e-mails a reset link to whoever has this address and
/// a password. The caller learns nothing: the answer is the same whether
/// the address exists or not, and it comes before the lookup is made, so
/// its timing tells nothing either.
#[tracing::instrument(skip_all)]
pub async fn forgot(ctx: &Context, request: &ForgotPassword, address: IpAddr) -> Result<()> {
    ctx.throttle.attempt(&request.email, address).await?;
    let Ok(email) = Email::parse("email", &request.email) else {
        return Ok(());
    };
    let ctx = ctx.clone();
    tokio::spawn(async move {
        if let Err(err) = send_forgotten(&ctx, email.as_str()).await {
            tracing::warn!(error = %err, "queueing a password reset e-mail");
        }
    });
    Ok(())
}

async fn send_forgotten(ctx: &Context, email: &str) -> Result<()> {
    let mut tx = ctx.store.begin().await?;
    let Some(holder) = storage::auth::holder_by_email(&mut tx, email).await? else {
        return Ok(());
    };
    // Someone who never chose a password is waiting for an invitation, not
    // a reset.
    if holder.password_hash.is_none() {
        return Ok(());
    }
    let window = now_ms() / FORGOT_EMAIL_WINDOW_MS;
    let dedupe = format!("reset:{}:{}:{window}", holder.id, holder.password_version);
    queue_reset(ctx, &mut tx, &holder, &dedupe).await?;
    ctx.commit(tx).await
}

async fn queue_reset(
    ctx: &Context,
    conn: &mut Conn,
    holder: &PasswordHolder,
    dedupe: &str,
) -> Result<()> {
    let link = SignedLink {
        user_id: holder.id.clone(),
        expires_at_ms: now_ms() + RESET_LIFETIME_MS,
    };
    let url = views::link_url(
        ctx,
        "reset",
        &link,
        LinkPurpose::PasswordReset,
        holder.password_version,
    );
    let brand = workspace::load(conn).await?.brand_name;
    let email =
        crate::mail::templates::password_reset(&brand, &holder.email, &holder.given_name, &url);
    crate::mail::enqueue(conn, dedupe, email).await?;
    Ok(())
}

/// An admin sends someone a link to choose a new password. A team member
/// who never chose one gets a new invitation instead; a client who has not
/// accepted theirs is re-invited from the client's page.
#[tracing::instrument(skip_all)]
pub async fn send_reset(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    user_type: UserType,
    id: &str,
) -> Result<()> {
    authz::require_admin(actor)?;
    let mut tx = ctx.store.begin().await?;
    let holder = storage::auth::holder_by_id(&mut tx, id)
        .await?
        .filter(|holder| holder.user_type == user_type)
        .ok_or(Error::NotFound(match user_type {
            UserType::Client => "client",
            UserType::InternalUser => "internal user",
        }))?;
    let target = Target::new(user_type.as_str(), id, None);
    if holder.password_hash.is_some() {
        let dedupe = format!("reset:{}:{}", holder.id, tokens::random_token());
        queue_reset(ctx, &mut tx, &holder, &dedupe).await?;
        let action = Action::PasswordResetLinkSent;
        audit::record(&mut tx, source, action, Some(target), json!({})).await?;
    } else if user_type == UserType::Client {
        return Err(Error::Conflict(
            "this client has not accepted their invitation yet: invite them again instead".into(),
        ));
    } else {
        super::internal_users::reinvite(ctx, &mut tx, id).await?;
        let action = Action::InternalUserInvitationResent;
        audit::record(&mut tx, source, action, Some(target), json!({})).await?;
    }
    ctx.commit(tx).await
}

/// What the reset page shows before the person chooses a new password.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordResetInfo {
    #[schema(value_type = String, example = "passwordReset")]
    pub object: &'static str,
    pub given_name: String,
    pub email: String,
    pub workspace_name: String,
    pub expires_at: Timestamp,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResetPassword {
    #[schema(format = Password)]
    pub password: String,
}

/// Checks a reset token against the person it names and their password's
/// current version.
async fn check_reset(
    conn: &mut Conn,
    ctx: &Context,
    token: &str,
) -> Result<(PasswordHolder, SignedLink)> {
    let invalid = || Error::NotFound("password reset");
    let (link, signature) = SignedLink::read(token).ok_or_else(invalid)?;
    let holder = storage::auth::holder_by_id(conn, &link.user_id)
        .await?
        .ok_or_else(invalid)?;
    if !link.verify(
        &ctx.config.secret_key,
        LinkPurpose::PasswordReset,
        holder.password_version,
        signature,
    ) {
        return Err(invalid());
    }
    if link.expires_at_ms <= now_ms() {
        return Err(Error::forbidden(
            "this link has expired; ask for a new one on the sign-in page",
        ));
    }
    Ok((holder, link))
}

#[tracing::instrument(skip_all)]
pub async fn reset_info(ctx: &Context, token: &str) -> Result<PasswordResetInfo> {
    let mut conn = ctx.store.reader().await?;
    let (holder, link) = check_reset(&mut conn, ctx, token).await?;
    let workspace = workspace::load(&mut conn).await?;
    Ok(PasswordResetInfo {
        object: "passwordReset",
        given_name: holder.given_name,
        email: holder.email,
        workspace_name: workspace.brand_name,
        expires_at: Timestamp(link.expires_at_ms),
    })
}

/// Sets the new password, uses up the link, ends every session of the
/// person (whoever held one must sign in again) and signs them in here.
#[tracing::instrument(skip_all)]
pub async fn reset(
    ctx: &Context,
    token: &str,
    request: &ResetPassword,
    place: &Place,
) -> Result<NewSession> {
    let password = Password::parse(&request.password)?;
    // The token is checked before any hashing: a forged link costs nothing.
    {
        let mut conn = ctx.store.reader().await?;
        check_reset(&mut conn, ctx, token).await?;
    }
    let hash = password::hash(&password).await?;
    let mut tx = ctx.store.begin().await?;
    // Again, in the transaction; and the update only takes the version the
    // link was signed for, so of two uses racing here only one wins.
    let (holder, _) = check_reset(&mut tx, ctx, token).await?;
    if !storage::auth::set_password(&mut tx, &holder, &hash, now_ms()).await? {
        return Err(Error::NotFound("password reset"));
    }
    let ended = storage::auth::delete_sessions_of(&mut tx, &holder.id, None).await?;
    let actor = sessions::load_actor(&mut tx, &holder.id, holder.user_type)
        .await?
        .ok_or(Error::NotFound("password reset"))?;
    let session = sessions::start(&mut tx, &actor).await?;
    audit::record(
        &mut tx,
        &Source::anonymous(place.clone()).now_as(&actor),
        Action::PasswordReset,
        Some(audit::person(&actor)),
        json!({ "sessionsEnded": ended }),
    )
    .await?;
    tx.commit().await?;
    Ok(session)
}
