//! Server functions: the web app's calls to the server. Each is a thin door
//! onto the `Portal`, which runs the same use cases and authorisation as the
//! /v1 API.

use leptos::prelude::*;

use crate::model::{
    ApiKeyInfo, ChannelSummary, ClientActivity, ClientChannels, ClientSummary, Conversation,
    Directory, EmailPreferences, Invitation, Me, Message, MessagePage, NewApiKey, NewClient,
    Notice, SessionStart, Settings, Setup,
};

#[cfg(feature = "ssr")]
mod door {
    use http::request::Parts;
    use leptos::prelude::*;

    use crate::model::AppError;
    use crate::portal::SharedPortal;

    /// The portal and the request being served.
    pub fn open() -> Result<(SharedPortal, Parts), ServerFnError> {
        let portal = use_context::<SharedPortal>()
            .ok_or_else(|| ServerFnError::new("the server did not provide its portal"))?;
        let request =
            use_context::<Parts>().ok_or_else(|| ServerFnError::new("no request to answer"))?;
        Ok((portal, request))
    }

    /// Answers with the API's status and message.
    pub fn refuse(error: AppError) -> ServerFnError {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = http::StatusCode::from_u16(error.status) {
                response.set_status(status);
            }
        }
        ServerFnError::new(error.message)
    }
}

/// Who is signed in, if anyone, and their channels: one call for what every
/// signed-in page starts from.
#[server]
pub async fn current_session() -> Result<Option<SessionStart>, ServerFnError> {
    let (portal, request) = door::open()?;
    portal.session_start(&request).await.map_err(door::refuse)
}

#[server]
pub async fn sign_in(email: String, password: String) -> Result<Me, ServerFnError> {
    let (portal, request) = door::open()?;
    let signed_in = portal
        .sign_in(&request, &email, &password)
        .await
        .map_err(door::refuse)?;
    set_cookie(&signed_in.set_cookie)?;
    crate::pages::sign_in::after_plain_form(signed_in.me.landing.as_deref());
    Ok(signed_in.me)
}

#[server]
pub async fn read_invitation(token: String) -> Result<Invitation, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .invitation(&request, &token)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn accept_invitation(token: String, password: String) -> Result<Me, ServerFnError> {
    let (portal, request) = door::open()?;
    let signed_in = portal
        .accept_invitation(&request, &token, &password)
        .await
        .map_err(door::refuse)?;
    set_cookie(&signed_in.set_cookie)?;
    Ok(signed_in.me)
}

#[server]
pub async fn set_up(token: String, setup: Setup) -> Result<Me, ServerFnError> {
    let (portal, request) = door::open()?;
    let signed_in = portal
        .set_up(&request, &token, setup)
        .await
        .map_err(door::refuse)?;
    set_cookie(&signed_in.set_cookie)?;
    Ok(signed_in.me)
}

#[server]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .change_password(&request, &current_password, &new_password)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn forgot_password(email: String) -> Result<(), ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .forgot_password(&request, &email)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn read_password_reset(token: String) -> Result<Invitation, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .password_reset(&request, &token)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn reset_password(token: String, password: String) -> Result<Me, ServerFnError> {
    let (portal, request) = door::open()?;
    let signed_in = portal
        .reset_password(&request, &token, &password)
        .await
        .map_err(door::refuse)?;
    set_cookie(&signed_in.set_cookie)?;
    Ok(signed_in.me)
}

#[server]
pub async fn sign_out() -> Result<(), ServerFnError> {
    let (portal, request) = door::open()?;
    let cleared = portal.sign_out(&request).await.map_err(door::refuse)?;
    set_cookie(&cleared)
}

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) -> Result<(), ServerFnError> {
    let response = expect_context::<leptos_axum::ResponseOptions>();
    let value =
        http::HeaderValue::from_str(value).map_err(|e| ServerFnError::new(e.to_string()))?;
    response.append_header(http::header::SET_COOKIE, value);
    Ok(())
}

#[server]
pub async fn list_channels() -> Result<Vec<ChannelSummary>, ServerFnError> {
    let (portal, request) = door::open()?;
    portal.channels(&request).await.map_err(door::refuse)
}

#[server]
pub async fn open_conversation(channel_id: String) -> Result<Option<Conversation>, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .conversation(&request, &channel_id)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn older_messages(
    channel_id: String,
    next_token: String,
) -> Result<MessagePage, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .older_messages(&request, &channel_id, &next_token)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn send_message(
    channel_id: String,
    text: String,
    // An empty list is left out of the form encoding.
    #[server(default)] attachment_ids: Vec<String>,
    idempotency_key: String,
) -> Result<Message, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .send_message(
            &request,
            &channel_id,
            &text,
            attachment_ids,
            &idempotency_key,
        )
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn mark_read(channel_id: String) -> Result<(), ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .mark_read(&request, &channel_id)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn mark_unread(channel_id: String) -> Result<(), ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .mark_unread(&request, &channel_id)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn load_client_activity() -> Result<Vec<ClientActivity>, ServerFnError> {
    let (portal, request) = door::open()?;
    portal.client_activity(&request).await.map_err(door::refuse)
}

#[server]
pub async fn load_notices() -> Result<Vec<Notice>, ServerFnError> {
    let (portal, request) = door::open()?;
    portal.notices(&request).await.map_err(door::refuse)
}

#[server]
pub async fn mark_notice(id: String, read: bool) -> Result<(), ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .mark_notice(&request, &id, read)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn delete_notice(id: String) -> Result<(), ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .delete_notice(&request, &id)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn load_email_preferences() -> Result<EmailPreferences, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .email_preferences(&request)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn save_email_preferences(
    preferences: EmailPreferences,
) -> Result<EmailPreferences, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .save_email_preferences(&request, preferences)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn edit_message(message_id: String, text: String) -> Result<Message, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .edit_message(&request, &message_id, &text)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn delete_message(message_id: String) -> Result<Message, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .delete_message(&request, &message_id)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn load_directory() -> Result<Directory, ServerFnError> {
    let (portal, request) = door::open()?;
    portal.directory(&request).await.map_err(door::refuse)
}

#[server]
pub async fn add_client(client: NewClient) -> Result<ClientSummary, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .create_client(&request, client)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn invite_client(client_id: String) -> Result<ClientSummary, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .invite_client(&request, &client_id)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn load_client_channels(client_id: String) -> Result<ClientChannels, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .client_channels(&request, &client_id)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn start_conversation(
    #[server(default)] client_ids: Vec<String>,
) -> Result<String, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .start_conversation(&request, client_ids)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn send_mass_message(
    #[server(default)] client_ids: Vec<String>,
    text: String,
    #[server(default)] attachment_ids: Vec<String>,
) -> Result<usize, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .mass_message(&request, client_ids, &text, attachment_ids)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn load_settings() -> Result<Settings, ServerFnError> {
    let (portal, request) = door::open()?;
    portal.settings(&request).await.map_err(door::refuse)
}

#[server]
pub async fn save_settings(settings: Settings) -> Result<Settings, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .update_settings(&request, settings)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn preview_welcome(template: String) -> Result<String, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .preview_welcome(&request, &template)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn load_api_keys() -> Result<Vec<ApiKeyInfo>, ServerFnError> {
    let (portal, request) = door::open()?;
    portal.api_keys(&request).await.map_err(door::refuse)
}

#[server]
pub async fn create_api_key(key: NewApiKey) -> Result<ApiKeyInfo, ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .create_api_key(&request, key)
        .await
        .map_err(door::refuse)
}

#[server]
pub async fn revoke_api_key(id: String) -> Result<(), ServerFnError> {
    let (portal, request) = door::open()?;
    portal
        .revoke_api_key(&request, &id)
        .await
        .map_err(door::refuse)
}
