//! Signing in and out, invitations, API keys: everything that turns a secret
//! into an `Actor`.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::audit::{self, Place, Source};
use super::{workspace, Context};
use crate::auth::tokens::{self, LinkPurpose, SignedLink};
use crate::auth::{
    password, Actor, ClientActor, Credential, KeyLimits, StaffActor, StoredCredential,
};
use crate::batching::lookup::BatchedLookup;
use crate::domain::api_key::CreateApiKey;
use crate::domain::audit::Action;
use crate::domain::internal_user::Role;
use crate::domain::{Email, Password, Timestamp, UserType};
use crate::error::{Error, Result};
use crate::storage::auth::SessionUser;
use crate::storage::internal_users::InternalUserRow;
use crate::storage::{self, now_ms, Conn, Store};

pub const SESSION_LIFETIME_MS: i64 = 30 * 24 * 60 * 60 * 1000;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoginRequest {
    pub email: String,
    #[schema(format = Password)]
    pub password: String,
}

/// Who is signed in, as the web app needs to know.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    #[schema(value_type = String, example = "session")]
    pub object: &'static str,
    pub user_id: String,
    pub user_type: UserType,
    pub role: Option<Role>,
    /// Send this in `X-CSRF-Token` with every write made with the session cookie.
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// A new session: the secret for the cookie and what the caller may see.
pub struct NewSession {
    pub token: String,
    pub info: SessionInfo,
}

fn info(actor: &Actor, csrf_token: String, expires_at: i64) -> SessionInfo {
    SessionInfo {
        object: "session",
        user_id: actor.id().to_string(),
        user_type: actor.user_type(),
        role: match actor {
            Actor::Internal(staff) => Some(staff.role),
            Actor::Client(_) => None,
        },
        csrf_token,
        expires_at: Timestamp(expires_at),
    }
}

/// Starts a session for `actor` in the caller's transaction.
pub(crate) async fn start(conn: &mut Conn, actor: &Actor) -> Result<NewSession> {
    let token = tokens::random_token();
    let csrf_token = tokens::random_token();
    let now = now_ms();
    let expires_at = now + SESSION_LIFETIME_MS;
    storage::auth::insert_session(
        conn,
        &tokens::digest(&token),
        actor.id(),
        actor.user_type(),
        &csrf_token,
        now,
        expires_at,
    )
    .await?;
    Ok(NewSession {
        token,
        info: info(actor, csrf_token, expires_at),
    })
}

/// Signs in with e-mail and password. Nothing is hashed for a request that
/// is over-long or over its limits; an unknown account is checked against a
/// dummy hash so the answer's timing does not reveal which accounts exist
/// (it costs what a wrong password costs, inside the same limits, and its
/// refusal is recorded in the audit log the same way).
#[tracing::instrument(skip_all)]
pub async fn login(ctx: &Context, request: &LoginRequest, place: &Place) -> Result<NewSession> {
    if request.email.trim().len() > Email::MAX_LEN {
        return Err(Error::invalid(format!(
            "email must be at most {} characters",
            Email::MAX_LEN
        )));
    }
    if request.password.chars().count() > Password::MAX_CHARS {
        return Err(Password::too_long());
    }
    let address = place.client_address()?;
    ctx.throttle.attempt(&request.email, address).await?;
    let nobody = Source::anonymous(place.clone());
    let Ok(email) = Email::parse("email", &request.email) else {
        return Err(refuse_sign_in(ctx, &nobody, &request.email, None).await);
    };

    // Looked up on a reader: the write connection is not held while the
    // password waits for the hashing pool.
    let mut conn = ctx.store.reader().await?;
    let (actor, hash) = if let Some((id, hash)) =
        storage::internal_users::by_email(&mut conn, email.as_str()).await?
    {
        (
            load_actor(&mut conn, &id, UserType::InternalUser).await?,
            hash,
        )
    } else if let Some((id, hash)) = storage::clients::by_email(&mut conn, email.as_str()).await? {
        (load_actor(&mut conn, &id, UserType::Client).await?, hash)
    } else {
        (None, None)
    };
    drop(conn);
    let actor = match (password::verify(&request.password, hash).await?, actor) {
        (true, Some(actor)) => actor,
        (_, actor) => {
            return Err(refuse_sign_in(ctx, &nobody, &request.email, actor.as_ref()).await)
        }
    };
    let mut tx = ctx.store.begin().await?;
    if let Actor::Client(client) = &actor {
        storage::clients::record_login(&mut tx, &client.id, now_ms()).await?;
    }
    ctx.throttle.signed_in(&mut tx, &email, address).await?;
    let session = start(&mut tx, &actor).await?;
    audit::record(
        &mut tx,
        &nobody.now_as(&actor),
        Action::SignedIn,
        Some(audit::person(&actor)),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(session)
}

/// Records a refused sign-in, with the e-mail tried (never the password)
/// and the account it names if there is one; answers with the refusal.
async fn refuse_sign_in(
    ctx: &Context,
    nobody: &Source,
    email_tried: &str,
    account: Option<&Actor>,
) -> Error {
    let reason = if account.is_some() {
        "wrongPassword"
    } else {
        "unknownAccount"
    };
    let details = json!({ "email": email_tried.trim(), "reason": reason });
    let recorded = audit::record_alone(
        &ctx.store,
        nobody,
        Action::SignInFailed,
        account.map(audit::person),
        details,
    )
    .await;
    match recorded {
        Ok(()) => Error::InvalidCredentials("the e-mail or password is not right".into()),
        Err(err) => err,
    }
}

/// Signs in the owner that first-run setup just created, without checking
/// the password they chose a moment ago a second time.
#[tracing::instrument(skip_all)]
pub async fn start_for_new_owner(ctx: &Context, owner_id: &str) -> Result<NewSession> {
    let mut tx = ctx.store.begin().await?;
    let actor = load_actor(&mut tx, owner_id, UserType::InternalUser)
        .await?
        .ok_or(Error::NotFound("internal user"))?;
    let session = start(&mut tx, &actor).await?;
    tx.commit().await?;
    Ok(session)
}

/// Ends the session of `token`, signed out by `source` (its holder).
#[tracing::instrument(skip_all)]
pub async fn logout(ctx: &Context, token: &str, source: &Source) -> Result<()> {
    let mut tx = ctx.store.begin().await?;
    if storage::auth::delete_session(&mut tx, &tokens::digest(token)).await? {
        audit::record(&mut tx, source, Action::SignedOut, None, json!({})).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Signs the actor out everywhere: ends every session of theirs but `keep`
/// (the digest of the current session's token, `Authenticated::digest`), as
/// a new password does. Their realtime sockets on those sessions close at
/// the next credential check (`realtime::credentials`), on every node.
/// Returns how many sessions ended.
#[tracing::instrument(skip_all)]
pub async fn end_all(
    ctx: &Context,
    actor: &Actor,
    keep: Option<&str>,
    source: &Source,
) -> Result<u64> {
    let mut tx = ctx.store.begin().await?;
    let ended = storage::auth::delete_sessions_of(&mut tx, actor.id(), keep).await?;
    let details = json!({ "sessionsEnded": ended });
    audit::record(&mut tx, source, Action::SignedOutEverywhere, None, details).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Deletes sessions past their expiry; returns how many.
#[tracing::instrument(skip_all)]
pub async fn remove_expired(ctx: &Context) -> Result<u64> {
    let mut tx = ctx.store.begin().await?;
    let removed = storage::auth::delete_expired_sessions(&mut tx, now_ms()).await?;
    tx.commit().await?;
    Ok(removed)
}

/// The actor behind a stored user, or `None` if they no longer exist.
#[tracing::instrument(skip_all)]
pub async fn load_actor(
    conn: &mut Conn,
    user_id: &str,
    user_type: UserType,
) -> Result<Option<Actor>> {
    Ok(match user_type {
        UserType::Client => storage::clients::get(conn, user_id)
            .await?
            .map(|row| Actor::Client(ClientActor { id: row.id })),
        UserType::InternalUser => storage::internal_users::get(conn, user_id)
            .await?
            .map(|row| staff_actor(&row)),
    })
}

pub(crate) fn staff_actor(row: &InternalUserRow) -> Actor {
    Actor::Internal(StaffActor {
        role: row.role,
        is_client_access_limited: row.is_client_access_limited != 0,
        id: row.id.clone(),
    })
}

/// Who an API key acts as, and what it may do.
#[derive(Debug, Clone)]
pub struct KeyHolder {
    pub actor: Actor,
    pub limits: KeyLimits,
    pub key_id: String,
    last_used_at: Option<i64>,
}

/// The live key behind `key`: none if it is unknown, revoked or expired.
/// Each call reads the database (batched with concurrent ones, never
/// cached), so a key revoked a moment ago is already refused.
#[tracing::instrument(skip_all)]
pub async fn actor_for_api_key(ctx: &Context, key: &str) -> Result<Option<KeyHolder>> {
    let found = ctx.api_keys.get(tokens::digest(key)).await?;
    if let Some(holder) = &found {
        ctx.key_usage
            .used(&holder.key_id, holder.last_used_at, now_ms());
    }
    Ok(found)
}

/// Who a stored credential acts as now; `None` once it has ended (signed
/// out, password changed or reset, key revoked, person removed).
pub async fn actor_for_credential(
    ctx: &Context,
    credential: &StoredCredential,
) -> Result<Option<Actor>> {
    match credential.kind {
        Credential::ApiKey(_) => Ok(ctx
            .api_keys
            .get(credential.digest.clone())
            .await?
            .map(|holder| holder.actor)),
        Credential::Session => Ok(ctx
            .sessions
            .get(credential.digest.clone())
            .await?
            .map(|(actor, _)| actor)),
    }
}

/// Who the stored credentials of many realtime sockets act as now, found
/// together: each distinct credential once, a query per few hundred.
pub async fn actors_for_credentials<'a>(
    ctx: &Context,
    credentials: impl IntoIterator<Item = &'a StoredCredential>,
) -> Result<CredentialActors> {
    let (mut sessions, mut keys) = (HashSet::new(), HashSet::new());
    for credential in credentials {
        match credential.kind {
            Credential::Session => sessions.insert(credential.digest.as_str()),
            Credential::ApiKey(_) => keys.insert(credential.digest.as_str()),
        };
    }
    let (sessions, keys): (Vec<&str>, Vec<&str>) =
        (sessions.into_iter().collect(), keys.into_iter().collect());
    let mut conn = ctx.store.reader().await?;
    let now = now_ms();
    Ok(CredentialActors {
        sessions: find_sessions(&mut conn, &sessions, now)
            .await?
            .into_iter()
            .map(|(digest, (actor, _))| (digest, actor))
            .collect(),
        keys: find_api_keys(&mut conn, &keys, now)
            .await?
            .into_iter()
            .map(|(digest, holder)| (digest, holder.actor))
            .collect(),
    })
}

/// The answer of `actors_for_credentials`.
pub struct CredentialActors {
    sessions: HashMap<String, Actor>,
    keys: HashMap<String, Actor>,
}

impl CredentialActors {
    /// Who `credential` acts as; `None` once it has ended.
    pub fn get(&self, credential: &StoredCredential) -> Option<&Actor> {
        match credential.kind {
            Credential::Session => self.sessions.get(&credential.digest),
            Credential::ApiKey(_) => self.keys.get(&credential.digest),
        }
    }
}

/// The task that finds the users behind concurrent requests' API keys
/// together, by the keys' digests.
pub fn api_key_lookup(store: Store) -> BatchedLookup<String, KeyHolder> {
    BatchedLookup::start(move |digests: Vec<String>| {
        let store = store.clone();
        async move {
            let mut conn = store.reader().await?;
            let digests: Vec<&str> = digests.iter().map(String::as_str).collect();
            find_api_keys(&mut conn, &digests, now_ms()).await
        }
    })
}

/// The live keys among `digests`, by digest.
async fn find_api_keys(
    conn: &mut Conn,
    digests: &[&str],
    now: i64,
) -> Result<HashMap<String, KeyHolder>> {
    Ok(storage::internal_users::by_api_keys(conn, digests, now)
        .await?
        .into_iter()
        .map(|found| {
            let holder = KeyHolder {
                limits: KeyLimits {
                    read_only: found.read_only != 0,
                    send_as_others: found.send_as_others != 0,
                },
                key_id: found.key_id,
                last_used_at: found.last_used_at,
                actor: staff_actor(&found.user),
            };
            (found.key_hash, holder)
        })
        .collect())
}

/// The actor and session details behind a session cookie.
#[tracing::instrument(skip_all)]
pub async fn actor_for_session(ctx: &Context, token: &str) -> Result<Option<(Actor, SessionInfo)>> {
    ctx.sessions.get(tokens::digest(token)).await
}

/// The task that finds the live sessions behind concurrent requests'
/// cookies, and their users, together, by the tokens' digests.
pub fn session_lookup(store: Store) -> BatchedLookup<String, (Actor, SessionInfo)> {
    BatchedLookup::start(move |digests: Vec<String>| {
        let store = store.clone();
        async move {
            let mut conn = store.reader().await?;
            let digests: Vec<&str> = digests.iter().map(String::as_str).collect();
            find_sessions(&mut conn, &digests, now_ms()).await
        }
    })
}

/// The live sessions among `digests` whose users are still there, by digest.
async fn find_sessions(
    conn: &mut Conn,
    digests: &[&str],
    now: i64,
) -> Result<HashMap<String, (Actor, SessionInfo)>> {
    Ok(storage::auth::find_sessions(conn, digests, now)
        .await?
        .into_iter()
        .filter_map(|found| {
            let digest = found.token_hash.clone();
            session_actor(found).map(|session| (digest, session))
        })
        .collect())
}

/// Who a live session acts as, unless its user is gone.
fn session_actor(found: SessionUser) -> Option<(Actor, SessionInfo)> {
    let actor = if found.user_type == UserType::Client {
        Actor::Client(ClientActor {
            id: found.client_id?,
        })
    } else {
        Actor::Internal(StaffActor {
            role: Role::from_stored(&found.role?),
            is_client_access_limited: found.is_client_access_limited.unwrap_or(0) != 0,
            id: found.user_id,
        })
    };
    let info = info(&actor, found.csrf_token, found.expires_at);
    Some((actor, info))
}

/// Creates an API key without limits acting as the workspace owner; returns
/// the key, which is shown this once and stored only as a digest.
pub async fn create_api_key(ctx: &Context, name: &str) -> Result<String> {
    let request = CreateApiKey {
        name: name.to_string(),
        send_as_others: true,
        ..CreateApiKey::default()
    };
    let made = super::api_keys::create_as_operator(ctx, &request).await?;
    made.key
        .ok_or_else(|| anyhow::anyhow!("a new key came without its secret").into())
}

/// What an invitation page shows before the person chooses a password.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitationInfo {
    #[schema(value_type = String, example = "invitation")]
    pub object: &'static str,
    /// The invited person.
    pub user_type: UserType,
    pub user_id: String,
    /// The invited client (absent for an internal user).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    pub given_name: String,
    pub email: String,
    pub workspace_name: String,
    pub expires_at: Timestamp,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcceptInvitation {
    #[schema(format = Password)]
    pub password: String,
}

/// Who an invitation is for: a client, or a new member of the team.
enum Invited {
    Client(storage::clients::ClientRow),
    Staff(InternalUserRow),
}

impl Invited {
    fn user_type(&self) -> UserType {
        match self {
            Invited::Client(_) => UserType::Client,
            Invited::Staff(_) => UserType::InternalUser,
        }
    }

    fn id(&self) -> &str {
        match self {
            Invited::Client(row) => &row.id,
            Invited::Staff(row) => &row.id,
        }
    }
}

/// Checks an invitation token against the person it names.
async fn check_invitation(conn: &mut Conn, ctx: &Context, token: &str) -> Result<Invited> {
    let invalid = || Error::NotFound("invitation");
    let (link, signature) = SignedLink::read(token).ok_or_else(invalid)?;
    let (invited, purpose, version, expires_at) =
        if let Some(client) = storage::clients::get(conn, &link.user_id).await? {
            let (version, expires) = (client.invite_version, client.invite_expires_at);
            (
                Invited::Client(client),
                LinkPurpose::ClientInvitation,
                version,
                expires,
            )
        } else if let Some(staff) = storage::internal_users::get(conn, &link.user_id).await? {
            let (version, expires) = (staff.invite_version, staff.invite_expires_at);
            (
                Invited::Staff(staff),
                LinkPurpose::StaffInvitation,
                version,
                expires,
            )
        } else {
            return Err(invalid());
        };
    if expires_at != Some(link.expires_at_ms)
        || !link.verify(&ctx.config.secret_key, purpose, version, signature)
    {
        return Err(invalid());
    }
    if link.expires_at_ms <= now_ms() {
        return Err(Error::forbidden(
            "this invitation has expired; ask for a new one",
        ));
    }
    Ok(invited)
}

#[tracing::instrument(skip_all)]
pub async fn invitation(ctx: &Context, token: &str) -> Result<InvitationInfo> {
    let mut conn = ctx.store.reader().await?;
    let invited = check_invitation(&mut conn, ctx, token).await?;
    let workspace = workspace::load(&mut conn).await?;
    let user_type = invited.user_type();
    let (user_id, given_name, email, expires_at, is_client) = match invited {
        Invited::Client(row) => (
            row.id,
            row.given_name,
            row.email,
            row.invite_expires_at,
            true,
        ),
        Invited::Staff(row) => (
            row.id,
            row.given_name,
            row.email,
            row.invite_expires_at,
            false,
        ),
    };
    Ok(InvitationInfo {
        object: "invitation",
        user_type,
        client_id: is_client.then(|| user_id.clone()),
        user_id,
        given_name,
        email,
        workspace_name: workspace.brand_name,
        expires_at: Timestamp(expires_at.unwrap_or_default()),
    })
}

/// Sets the invited person's password, uses up the invitation (a client
/// becomes active) and signs them in. The token and the password's length
/// are checked before the password is hashed, and the token again in the
/// transaction that uses it up, since another request may have used it
/// meanwhile.
#[tracing::instrument(skip_all)]
pub async fn accept_invitation(
    ctx: &Context,
    token: &str,
    request: &AcceptInvitation,
    place: &Place,
) -> Result<NewSession> {
    check_invitation(&mut *ctx.store.reader().await?, ctx, token).await?;
    let password = Password::parse(&request.password)?;
    let hash = password::hash(&password).await?;
    let mut tx = ctx.store.begin().await?;
    let invited = check_invitation(&mut tx, ctx, token).await?;
    let (id, user_type) = (invited.id().to_string(), invited.user_type());
    match invited {
        Invited::Client(_) => storage::clients::activate(&mut tx, &id, &hash, now_ms()).await?,
        Invited::Staff(_) => {
            let holder = storage::auth::holder_by_id(&mut tx, &id)
                .await?
                .ok_or(Error::NotFound("invitation"))?;
            if !storage::auth::set_password(&mut tx, &holder, &hash, now_ms()).await? {
                return Err(Error::NotFound("invitation"));
            }
        }
    }
    let actor = load_actor(&mut tx, &id, user_type)
        .await?
        .ok_or(Error::NotFound("invitation"))?;
    let session = start(&mut tx, &actor).await?;
    let source = Source::anonymous(place.clone()).now_as(&actor);
    audit::record(
        &mut tx,
        &source,
        Action::InvitationAccepted,
        Some(audit::person(&actor)),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(session)
}
