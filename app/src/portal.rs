//! The port through which server functions reach Parlor's service layer.
//! The server implements it with the same use cases and authorisation as
//! the /v1 API; the app only knows this trait, which keeps the app crate
//! free of storage and lets the server depend on the app, not the reverse.

use std::sync::Arc;

use http::request::Parts;

use crate::model::{
    AppError, ChannelSummary, Conversation, Invitation, Me, Message, MessagePage, Setup,
};

/// A new session: who signed in and the cookie that carries the session.
pub struct SignedIn {
    pub me: Me,
    pub set_cookie: String,
}

#[async_trait::async_trait]
pub trait Portal: Send + Sync + 'static {
    /// Who sent `request`, if anyone.
    async fn current_user(&self, request: &Parts) -> Result<Option<Me>, AppError>;
    async fn sign_in(
        &self,
        request: &Parts,
        email: &str,
        password: &str,
    ) -> Result<SignedIn, AppError>;
    async fn invitation(&self, request: &Parts, token: &str) -> Result<Invitation, AppError>;
    /// Sets the invited client's password and signs them in.
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
    /// Ends the session; returns the header value that clears the cookie.
    async fn sign_out(&self, request: &Parts) -> Result<String, AppError>;
    async fn channels(&self, request: &Parts) -> Result<Vec<ChannelSummary>, AppError>;
    async fn conversation(
        &self,
        request: &Parts,
        channel_id: &str,
    ) -> Result<Conversation, AppError>;
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
        idempotency_key: &str,
    ) -> Result<Message, AppError>;
    async fn mark_read(&self, request: &Parts, channel_id: &str) -> Result<(), AppError>;
}

/// The server's implementation, provided as context to every render and
/// server function.
pub type SharedPortal = Arc<dyn Portal>;
