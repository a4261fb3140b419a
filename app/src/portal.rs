//! The port through which server functions reach Parlor's service layer.
//! The server implements it with the same use cases and authorisation as
//! the /v1 API; the app only knows this trait, which keeps the app crate
//! free of storage and lets the server depend on the app, not the reverse.

use std::sync::Arc;

use http::request::Parts;

use crate::model::{
    ApiKeyInfo, AppError, ChannelSummary, ClientActivity, ClientChannels, ClientSummary,
    Conversation, Directory, EmailPreferences, Invitation, Me, Message, MessagePage, NewApiKey,
    NewClient, Notice, SessionStart, Settings, Setup,
};

/// A new session: who signed in and the cookie that carries the session.
pub struct SignedIn {
    pub me: Me,
    pub set_cookie: String,
}

#[async_trait::async_trait]
pub trait Portal: Send + Sync + 'static {
    /// Who sent `request`, if anyone, and their channels.
    async fn session_start(&self, request: &Parts) -> Result<Option<SessionStart>, AppError>;
    async fn sign_in(
        &self,
        request: &Parts,
        email: &str,
        password: &str,
    ) -> Result<SignedIn, AppError>;
    async fn invitation(&self, request: &Parts, token: &str) -> Result<Invitation, AppError>;
    /// Sets the invited person's password and signs them in.
    async fn accept_invitation(
        &self,
        request: &Parts,
        token: &str,
        password: &str,
    ) -> Result<SignedIn, AppError>;
    /// Creates the workspace and its first admin with the one-time setup token.
    async fn set_up(
        &self,
        request: &Parts,
        token: &str,
        setup: Setup,
    ) -> Result<SignedIn, AppError>;
    /// Changes the signed-in person's password; their other sessions end.
    async fn change_password(
        &self,
        request: &Parts,
        current_password: &str,
        new_password: &str,
    ) -> Result<(), AppError>;
    /// "Forgot password?": e-mails a reset link to whoever has the address.
    async fn forgot_password(&self, request: &Parts, email: &str) -> Result<(), AppError>;
    /// Whose password a reset link is for.
    async fn password_reset(&self, request: &Parts, token: &str) -> Result<Invitation, AppError>;
    /// Sets a new password with a reset link and signs them in.
    async fn reset_password(
        &self,
        request: &Parts,
        token: &str,
        password: &str,
    ) -> Result<SignedIn, AppError>;
    /// Ends the session; returns the header value that clears the cookie.
    async fn sign_out(&self, request: &Parts) -> Result<String, AppError>;
    async fn channels(&self, request: &Parts) -> Result<Vec<ChannelSummary>, AppError>;
    /// A channel opened; `None` when it does not exist or is not the
    /// reader's to see (the same thing to them).
    async fn conversation(
        &self,
        request: &Parts,
        channel_id: &str,
    ) -> Result<Option<Conversation>, AppError>;
    async fn older_messages(
        &self,
        request: &Parts,
        channel_id: &str,
        next_token: &str,
    ) -> Result<MessagePage, AppError>;
    async fn send_message(
        &self,
        request: &Parts,
        channel_id: &str,
        text: &str,
        attachment_ids: Vec<String>,
        idempotency_key: &str,
    ) -> Result<Message, AppError>;
    async fn mark_read(&self, request: &Parts, channel_id: &str) -> Result<(), AppError>;
    /// Marks the newest message from someone else unread again.
    async fn mark_unread(&self, request: &Parts, channel_id: &str) -> Result<(), AppError>;
    /// Staff: the channels where clients wrote, newest first.
    async fn client_activity(&self, request: &Parts) -> Result<Vec<ClientActivity>, AppError>;
    /// The notifications integrations sent to the caller, newest first.
    async fn notices(&self, request: &Parts) -> Result<Vec<Notice>, AppError>;
    async fn mark_notice(&self, request: &Parts, id: &str, read: bool) -> Result<(), AppError>;
    async fn delete_notice(&self, request: &Parts, id: &str) -> Result<(), AppError>;
    async fn email_preferences(&self, request: &Parts) -> Result<EmailPreferences, AppError>;
    async fn save_email_preferences(
        &self,
        request: &Parts,
        preferences: EmailPreferences,
    ) -> Result<EmailPreferences, AppError>;
    /// Changes the text of one's own message.
    async fn edit_message(
        &self,
        request: &Parts,
        message_id: &str,
        text: &str,
    ) -> Result<Message, AppError>;
    /// Deletes one's own message; its place in history stays.
    async fn delete_message(&self, request: &Parts, message_id: &str) -> Result<Message, AppError>;
    /// The clients and companies a staff member may reach.
    async fn directory(&self, request: &Parts) -> Result<Directory, AppError>;
    async fn create_client(
        &self,
        request: &Parts,
        client: NewClient,
    ) -> Result<ClientSummary, AppError>;
    /// Sends a client who has not chosen a password a new invitation (the
    /// e-mail, and a new link that voids the old one). Only an admin's
    /// answer carries the link.
    async fn invite_client(
        &self,
        request: &Parts,
        client_id: &str,
    ) -> Result<ClientSummary, AppError>;
    async fn client_channels(
        &self,
        request: &Parts,
        client_id: &str,
    ) -> Result<ClientChannels, AppError>;
    /// Opens (or makes) the conversation with these clients: one client's
    /// individual channel, or a group of several; returns its id.
    async fn start_conversation(
        &self,
        request: &Parts,
        client_ids: Vec<String>,
    ) -> Result<String, AppError>;
    /// Sends one text to each client in their own channel; returns how many
    /// were reached.
    async fn mass_message(
        &self,
        request: &Parts,
        client_ids: Vec<String>,
        text: &str,
        attachment_ids: Vec<String>,
    ) -> Result<usize, AppError>;
    async fn settings(&self, request: &Parts) -> Result<Settings, AppError>;
    async fn update_settings(
        &self,
        request: &Parts,
        settings: Settings,
    ) -> Result<Settings, AppError>;
    /// The welcome template rendered for an example client.
    async fn preview_welcome(&self, request: &Parts, template: &str) -> Result<String, AppError>;
    /// Admins signed in: every API key, never their secrets.
    async fn api_keys(&self, request: &Parts) -> Result<Vec<ApiKeyInfo>, AppError>;
    /// Admins signed in: a new key, with its secret this once.
    async fn create_api_key(&self, request: &Parts, key: NewApiKey)
        -> Result<ApiKeyInfo, AppError>;
    async fn revoke_api_key(&self, request: &Parts, id: &str) -> Result<(), AppError>;
}

/// The server's implementation, provided as context to every render and
/// server function.
pub type SharedPortal = Arc<dyn Portal>;
