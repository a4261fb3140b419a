//! The workspace's settings, API keys, notifications and e-mail
//! preferences, as the Settings, Account and notification screens show them.

use parlor_model as model;

use crate::auth::{Actor, Credential};
use crate::authz;
use crate::domain::api_key::{ApiKey, CreateApiKey};
use crate::domain::settings::{
    render_welcome, validate_welcome, DefaultChannelType, MessagingSettings, WelcomeContext,
};
use crate::domain::workspace::Workspace;
use crate::error::{Error, Result};
use crate::service::audit::Source;
use crate::service::email_preferences::{self, EmailPreferences, UnreadMessages};
use crate::service::paging::PageRequest;
use crate::service::workspace::{self, UpdateMessagingSettings, UpdateWorkspace};
use crate::service::{api_keys, notifications, Context};

/// Integration notifications shown in the notification centre.
const NOTICES_SHOWN: i64 = 50;

pub async fn settings(ctx: &Context, actor: &Actor) -> Result<model::Settings> {
    Ok(shown(workspace::messaging_settings(ctx, actor).await?))
}

/// Saves every setting the screen shows: an empty limit removes it. Only
/// admins get this far (the use case's rule).
pub async fn save_settings(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    settings: model::Settings,
) -> Result<model::Settings> {
    let default_channel_type = match settings.default_channel_type.as_str() {
        "individual" => DefaultChannelType::Individual,
        "company" => DefaultChannelType::Company,
        other => {
            return Err(Error::invalid(format!(
                "defaultChannelType must be individual or company, not {other:?}"
            )))
        }
    };
    let update = UpdateMessagingSettings {
        default_channel_type: Some(default_channel_type),
        welcome_message: Some(settings.welcome_message),
        person_file_quota_bytes: Some(settings.person_file_quota_bytes),
        workspace_file_quota_bytes: Some(settings.workspace_file_quota_bytes),
        retention_months: Some(settings.retention_months),
    };
    Ok(shown(
        workspace::update_messaging_settings(ctx, actor, source, &update).await?,
    ))
}

/// Limits are stored as signed numbers but never below zero.
fn shown(settings: MessagingSettings) -> model::Settings {
    let limit = |bytes: Option<i64>| bytes.and_then(|b| u64::try_from(b).ok());
    model::Settings {
        default_channel_type: settings.default_channel_type.as_str().to_string(),
        welcome_message: settings.welcome_message,
        person_file_quota_bytes: limit(settings.person_file_quota_bytes),
        workspace_file_quota_bytes: limit(settings.workspace_file_quota_bytes),
        retention_months: limit(settings.retention_months),
    }
}

/// The welcome template rendered for an example client.
pub async fn preview_welcome(ctx: &Context, actor: &Actor, template: &str) -> Result<String> {
    authz::require_admin(actor)?;
    validate_welcome(template)?;
    let workspace_name = workspace::get(ctx).await?.brand_name;
    let example = WelcomeContext {
        client_given_name: "Jamie",
        client_family_name: "Rivera",
        company_name: "Rivera Design",
        workspace_name: &workspace_name,
    };
    Ok(render_welcome(template, &example))
}

pub async fn api_keys(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
) -> Result<Vec<model::ApiKeyInfo>> {
    let keys = api_keys::list(ctx, actor, credential).await?;
    Ok(keys.into_iter().map(api_key).collect())
}

pub async fn create_api_key(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    source: &Source,
    key: model::NewApiKey,
) -> Result<model::ApiKeyInfo> {
    let request = CreateApiKey {
        name: key.name,
        expires_at: None,
        expires_in_days: key.expires_in_days,
        read_only: key.read_only,
        send_as_others: key.send_as_others,
    };
    Ok(api_key(
        api_keys::create(ctx, actor, credential, source, &request).await?,
    ))
}

fn api_key(key: ApiKey) -> model::ApiKeyInfo {
    model::ApiKeyInfo {
        id: key.id,
        name: key.name,
        created_at: key.created_at.to_rfc3339(),
        expires_at: key.expires_at.map(|t| t.to_rfc3339()),
        expired: key.expired,
        last_used_at: key.last_used_at.map(|t| t.to_rfc3339()),
        read_only: key.read_only,
        send_as_others: key.send_as_others,
        key: key.key,
    }
}

/// The notifications integrations sent to the actor for the product's
/// notification centre, newest first.
pub async fn notices(ctx: &Context, actor: &Actor) -> Result<Vec<model::Notice>> {
    let page = PageRequest::parse("notifications", Some(NOTICES_SHOWN), None)?;
    let listed = notifications::list_for_actor(ctx, actor, true, page).await?;
    Ok(listed
        .data
        .into_iter()
        .filter_map(|n| {
            let shown = n.delivery_targets.in_product?;
            Some(model::Notice {
                id: n.id,
                title: shown.title,
                body: shown.body,
                is_read: n.is_read,
                created_at: n.created_at.to_rfc3339(),
            })
        })
        .collect())
}

pub async fn email_preferences(ctx: &Context, actor: &Actor) -> Result<model::EmailPreferences> {
    Ok(preferences_shown(email_preferences::get(ctx, actor).await?))
}

pub async fn save_email_preferences(
    ctx: &Context,
    actor: &Actor,
    chosen: model::EmailPreferences,
) -> Result<model::EmailPreferences> {
    let unread_messages = match chosen.unread_messages.as_str() {
        "every" => UnreadMessages::Every,
        "digest" => UnreadMessages::Digest,
        "off" => UnreadMessages::Off,
        other => {
            return Err(Error::invalid(format!(
                "unreadMessages must be every, digest or off, not {other:?}"
            )))
        }
    };
    let saved =
        email_preferences::update(ctx, actor, &EmailPreferences { unread_messages }).await?;
    Ok(preferences_shown(saved))
}

fn preferences_shown(preferences: EmailPreferences) -> model::EmailPreferences {
    model::EmailPreferences {
        unread_messages: preferences.unread_messages.as_str().to_string(),
    }
}

/// The workspace's name, look and e-mail sender. Admins only: the e-mail
/// settings are theirs to see.
pub async fn workspace_settings(ctx: &Context, actor: &Actor) -> Result<model::WorkspaceSettings> {
    authz::require_admin(actor)?;
    Ok(workspace_shown(workspace::get(ctx).await?))
}

/// Saves the "Workspace & brand" section: an empty logo address removes it.
pub async fn save_brand(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    brand: model::Brand,
) -> Result<model::WorkspaceSettings> {
    let update = UpdateWorkspace {
        brand_name: Some(brand.brand_name),
        brand_color: Some(brand.brand_color),
        logo_image_url: Some(filled(brand.logo_image_url)),
        ..UpdateWorkspace::default()
    };
    Ok(workspace_shown(
        workspace::update(ctx, actor, source, &update).await?,
    ))
}

/// Saves the "E-mail" section: an empty field is cleared.
pub async fn save_email_sender(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    sender: model::EmailSender,
) -> Result<model::WorkspaceSettings> {
    let update = UpdateWorkspace {
        email_sender_name: Some(filled(sender.email_sender_name)),
        email_reply_to: Some(filled(sender.email_reply_to)),
        email_includes_message_text: Some(sender.email_includes_message_text),
        ..UpdateWorkspace::default()
    };
    Ok(workspace_shown(
        workspace::update(ctx, actor, source, &update).await?,
    ))
}

/// A form's text field: empty (or blank) means none.
fn filled(value: String) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

fn workspace_shown(workspace: Workspace) -> model::WorkspaceSettings {
    model::WorkspaceSettings {
        brand: model::Brand {
            brand_name: workspace.brand_name,
            brand_color: workspace.brand_color,
            logo_image_url: workspace.logo_image_url.unwrap_or_default(),
        },
        email: model::EmailSender {
            email_sender_name: workspace.email_sender_name.unwrap_or_default(),
            email_reply_to: workspace.email_reply_to.unwrap_or_default(),
            email_includes_message_text: workspace.email_includes_message_text,
        },
    }
}
