//! The workspace: first-run setup, its name, and the messaging settings.

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::audit::{self, Place, Source, Who};
use super::{views, Context};
use crate::auth::{password, tokens, Actor};
use crate::authz;
use crate::domain::audit::{Action, Target};
use crate::domain::internal_user::Role;
use crate::domain::settings::{
    validate_welcome, DefaultChannelType, MessagingSettings, DEFAULT_WELCOME,
};
use crate::domain::workspace::{Workspace, DEFAULT_BRAND_COLOR};
use crate::domain::{fallback_color, new_id, retention, Email, HexColor, ImageUrl, Name, Password};
use crate::error::{Error, Result};
use crate::storage::internal_users::NewInternalUser;
use crate::storage::workspace::WorkspaceRow;
use crate::storage::{self, now_ms, Conn};

const SETUP_TOKEN_LIFETIME_MS: i64 = 24 * 60 * 60 * 1000;

/// What first-run setup needs: the workspace and its first admin.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SetupRequest {
    pub workspace_name: String,
    pub email: String,
    #[schema(format = Password)]
    pub password: String,
    #[serde(default = "default_given_name")]
    pub given_name: String,
    #[serde(default = "default_family_name")]
    pub family_name: String,
}

fn default_given_name() -> String {
    "Workspace".into()
}

fn default_family_name() -> String {
    "Owner".into()
}

#[tracing::instrument(skip_all)]
pub async fn load(conn: &mut Conn) -> Result<WorkspaceRow> {
    storage::workspace::get(conn)
        .await?
        .ok_or_else(|| Error::Conflict("this server has not been set up yet".into()))
}

/// Creates the workspace and its owner (`parlor admin init`); refused once a
/// workspace exists. Returns the owner's id.
#[tracing::instrument(skip_all)]
pub async fn initialise(ctx: &Context, request: &SetupRequest) -> Result<String> {
    create(ctx, request, None, None).await
}

/// Whether first-run setup may still happen: the workspace does not exist
/// yet and, through the printed link, its token is valid.
async fn check_setup_allowed(conn: &mut Conn, setup_token: Option<&str>) -> Result<()> {
    if let Some(digest) = setup_token {
        if !storage::auth::setup_token_valid(conn, digest, now_ms()).await? {
            return Err(setup_link_refused());
        }
    }
    if storage::workspace::get(conn).await?.is_some() {
        return Err(Error::Conflict(
            "this server already has a workspace".into(),
        ));
    }
    Ok(())
}

fn setup_link_refused() -> Error {
    Error::forbidden("this setup link is not valid or has expired")
}

/// Creates the workspace and its owner. Everything that could refuse the
/// request is checked before the password is hashed; the checks are made
/// again in the transaction, and the setup token is used up only there.
/// The audit log records the new owner as its author when they came
/// through the setup link from `place`, else the operator.
async fn create(
    ctx: &Context,
    request: &SetupRequest,
    setup_token: Option<&str>,
    place: Option<&Place>,
) -> Result<String> {
    check_setup_allowed(&mut *ctx.store.reader().await?, setup_token).await?;
    let workspace_name = Name::parse("workspaceName", &request.workspace_name)?;
    let email = Email::parse("email", &request.email)?;
    let password = Password::parse(&request.password)?;
    let given_name = Name::parse("givenName", &request.given_name)?;
    let family_name = Name::parse("familyName", &request.family_name)?;
    let password_hash = password::hash(&password).await?;

    let mut tx = ctx.store.begin().await?;
    if let Some(digest) = setup_token {
        if !storage::auth::take_setup_token(&mut tx, digest, now_ms()).await? {
            return Err(setup_link_refused());
        }
    }
    check_setup_allowed(&mut tx, None).await?;
    let now = now_ms();
    let workspace_id = new_id();
    storage::workspace::insert(
        &mut tx,
        &WorkspaceRow {
            id: workspace_id.clone(),
            brand_name: workspace_name.as_str().to_string(),
            default_channel_type: DefaultChannelType::Individual.as_str().into(),
            welcome_message: DEFAULT_WELCOME.into(),
            person_file_quota_bytes: None,
            workspace_file_quota_bytes: None,
            brand_color: DEFAULT_BRAND_COLOR.into(),
            logo_image_url: None,
            email_sender_name: None,
            email_reply_to: None,
            email_includes_message_text: 0,
            retention_months: None,
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    let owner_id = new_id();
    storage::internal_users::insert(
        &mut tx,
        &NewInternalUser {
            id: &owner_id,
            given_name: given_name.as_str(),
            family_name: family_name.as_str(),
            email: email.as_str(),
            role: Role::Admin,
            is_client_access_limited: false,
            password_hash: Some(&password_hash),
            fallback_color: &fallback_color(&owner_id),
            invite_expires_at: None,
            now,
        },
    )
    .await?;
    let source = match place {
        Some(place) => Source {
            who: Who::InternalUser(owner_id.clone()),
            place: place.clone(),
        },
        None => Source::command_line(),
    };
    audit::record(
        &mut tx,
        &source,
        Action::WorkspaceCreated,
        Some(Target::new(
            "workspace",
            workspace_id,
            workspace_name.into_string(),
        )),
        json!({ "ownerId": owner_id, "ownerEmail": email.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(owner_id)
}

/// A one-time setup secret for a server without a workspace, or `None` once
/// it has one.
#[tracing::instrument(skip_all)]
pub async fn issue_setup_token(ctx: &Context) -> Result<Option<String>> {
    let mut tx = ctx.store.begin().await?;
    if storage::workspace::get(&mut tx).await?.is_some() {
        return Ok(None);
    }
    let token = tokens::random_token();
    storage::auth::insert_setup_token(
        &mut tx,
        &tokens::digest(&token),
        now_ms() + SETUP_TOKEN_LIFETIME_MS,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(token))
}

/// First-run setup through the printed link; the token works once.
#[tracing::instrument(skip_all)]
pub async fn setup_with_token(
    ctx: &Context,
    token: &str,
    request: &SetupRequest,
    place: &Place,
) -> Result<String> {
    create(ctx, request, Some(&tokens::digest(token)), Some(place)).await
}

#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Context) -> Result<Workspace> {
    let mut conn = ctx.store.reader().await?;
    Ok(views::workspace(ctx, &load(&mut conn).await?))
}

/// The workspace's name, brand and e-mail settings; fields left out stay as
/// they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateWorkspace {
    pub brand_name: Option<String>,
    /// The accent colour, `#RRGGBB`.
    #[schema(example = "#2F4AC0")]
    pub brand_color: Option<String>,
    /// An http(s) URL of the logo; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub logo_image_url: Option<Option<String>>,
    /// The sender's name on e-mails; `null`: the brand name.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub email_sender_name: Option<Option<String>>,
    /// The `Reply-To` address of e-mails; `null` removes it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Email)]
    pub email_reply_to: Option<Option<String>>,
    /// Whether e-mails about unread messages quote the messages' text
    /// (`false`: senders and counts only).
    pub email_includes_message_text: Option<bool>,
}

/// The settings of `request`, checked, applied to `row`: nothing is changed
/// unless every field is valid.
fn apply_update(row: &mut WorkspaceRow, request: &UpdateWorkspace) -> Result<()> {
    let brand_name = request
        .brand_name
        .as_deref()
        .map(|name| Name::parse("brandName", name))
        .transpose()?;
    let brand_color = request
        .brand_color
        .as_deref()
        .map(|color| HexColor::parse("brandColor", color))
        .transpose()?;
    let logo = optional(&request.logo_image_url, |url| {
        Ok(ImageUrl::parse("logoImageUrl", url)?.into_string())
    })?;
    let sender = optional(&request.email_sender_name, |name| {
        Ok(Name::parse("emailSenderName", name)?.into_string())
    })?;
    let reply_to = optional(&request.email_reply_to, |address| {
        Ok(Email::parse("emailReplyTo", address)?.as_str().to_string())
    })?;
    if let Some(name) = brand_name {
        row.brand_name = name.into_string();
    }
    if let Some(color) = brand_color {
        row.brand_color = color.into_string();
    }
    if let Some(logo) = logo {
        row.logo_image_url = logo;
    }
    if let Some(sender) = sender {
        row.email_sender_name = sender;
    }
    if let Some(reply_to) = reply_to {
        row.email_reply_to = reply_to;
    }
    if let Some(includes) = request.email_includes_message_text {
        row.email_includes_message_text = storage::flag(includes);
    }
    Ok(())
}

/// A field that may be left out (None), cleared (Some(None)) or set, with a
/// set value parsed by `parse`.
fn optional(
    field: &Option<Option<String>>,
    parse: impl Fn(&str) -> Result<String>,
) -> Result<Option<Option<String>>> {
    match field {
        None => Ok(None),
        Some(None) => Ok(Some(None)),
        Some(Some(raw)) => Ok(Some(Some(parse(raw)?))),
    }
}

#[tracing::instrument(skip_all)]
pub async fn update(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    request: &UpdateWorkspace,
) -> Result<Workspace> {
    authz::require_admin(actor)?;
    let mut tx = ctx.store.begin().await?;
    let mut row = load(&mut tx).await?;
    let was = row.clone();
    apply_update(&mut row, request)?;
    row.updated_at = now_ms();
    storage::workspace::update(&mut tx, &row).await?;
    record_changes(&mut tx, source, &was, &row).await?;
    tx.commit().await?;
    Ok(views::workspace(ctx, &row))
}

/// Records the settings that differ between `was` and `now`, if any do.
async fn record_changes(
    conn: &mut Conn,
    source: &Source,
    was: &WorkspaceRow,
    now: &WorkspaceRow,
) -> Result<()> {
    let changed = audit::changes(was, now, |row| {
        vec![
            ("brandName", json!(row.brand_name)),
            ("brandColor", json!(row.brand_color)),
            ("logoImageUrl", json!(row.logo_image_url)),
            ("emailSenderName", json!(row.email_sender_name)),
            ("emailReplyTo", json!(row.email_reply_to)),
            (
                "emailIncludesMessageText",
                json!(row.email_includes_message_text != 0),
            ),
            ("defaultChannelType", json!(row.default_channel_type)),
            ("welcomeMessage", json!(row.welcome_message)),
            ("personFileQuotaBytes", json!(row.person_file_quota_bytes)),
            (
                "workspaceFileQuotaBytes",
                json!(row.workspace_file_quota_bytes),
            ),
            ("retentionMonths", json!(row.retention_months)),
        ]
    });
    let Some(details) = changed else {
        return Ok(());
    };
    let target = Target::new("workspace", now.id.clone(), now.brand_name.clone());
    audit::record(conn, source, Action::SettingsUpdated, Some(target), details).await
}

#[tracing::instrument(skip_all)]
pub async fn messaging_settings(ctx: &Context, actor: &Actor) -> Result<MessagingSettings> {
    authz::require_internal(actor)?;
    let mut conn = ctx.store.reader().await?;
    Ok(views::settings(&load(&mut conn).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateMessagingSettings {
    pub default_channel_type: Option<DefaultChannelType>,
    pub welcome_message: Option<String>,
    /// Bytes one person may keep uploaded; `null` removes the quota.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u64>)]
    pub person_file_quota_bytes: Option<Option<u64>>,
    /// Bytes the workspace may store; `null` removes the quota.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u64>)]
    pub workspace_file_quota_bytes: Option<Option<u64>>,
    /// Delete messages older than this many months (1 to 1200); `null`
    /// keeps them forever.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u64>)]
    pub retention_months: Option<Option<u64>>,
}

/// Tells a field sent as `null` (Some(None)) from one left out (None).
pub(super) fn present<'de, D, T>(
    deserializer: D,
) -> std::result::Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

fn quota(field: &str, bytes: Option<u64>) -> Result<Option<i64>> {
    bytes
        .map(|bytes| {
            i64::try_from(bytes).map_err(|_| Error::invalid(format!("{field} is too large")))
        })
        .transpose()
}

#[tracing::instrument(skip_all)]
pub async fn update_messaging_settings(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    request: &UpdateMessagingSettings,
) -> Result<MessagingSettings> {
    authz::require_admin(actor)?;
    if let Some(template) = &request.welcome_message {
        validate_welcome(template)?;
    }
    let mut tx = ctx.store.begin().await?;
    let mut row = load(&mut tx).await?;
    let was = row.clone();
    if let Some(kind) = request.default_channel_type {
        row.default_channel_type = kind.as_str().into();
    }
    if let Some(template) = &request.welcome_message {
        row.welcome_message = template.clone();
    }
    if let Some(bytes) = request.person_file_quota_bytes {
        row.person_file_quota_bytes = quota("personFileQuotaBytes", bytes)?;
    }
    if let Some(bytes) = request.workspace_file_quota_bytes {
        row.workspace_file_quota_bytes = quota("workspaceFileQuotaBytes", bytes)?;
    }
    if let Some(months) = request.retention_months {
        row.retention_months = months.map(retention::parse_months).transpose()?;
    }
    row.updated_at = now_ms();
    storage::workspace::update(&mut tx, &row).await?;
    record_changes(&mut tx, source, &was, &row).await?;
    tx.commit().await?;
    Ok(views::settings(&row))
}
