//! Settings → Webhooks (admins).

use axum::http::request::Parts;
use parlor_app::api::WebhookCalls;
use parlor_model::{DeliverySummary, NewWebhook, WebhookSummary, WebhookWithSecret, Webhooks};

use super::{Answer, WebPortal};
use crate::service::{screens, webhooks};

#[async_trait::async_trait]
impl WebhookCalls for WebPortal {
    async fn load_webhooks(&self, request: &Parts) -> Answer<Webhooks> {
        let (actor, credential) = self.read_credential(request).await?;
        Ok(screens::webhooks_page(&self.ctx, &actor, credential).await?)
    }

    async fn add_webhook(&self, request: &Parts, webhook: NewWebhook) -> Answer<WebhookWithSecret> {
        let (actor, credential, source) = self.audited_writer(request).await?;
        Ok(screens::add_webhook(&self.ctx, &actor, credential, &source, webhook).await?)
    }

    async fn send_webhook_test(&self, request: &Parts, id: String) -> Answer<DeliverySummary> {
        let (actor, credential) = self.writer(request).await?;
        Ok(screens::send_webhook_test(&self.ctx, &actor, credential, &id).await?)
    }

    async fn set_webhook_enabled(
        &self,
        request: &Parts,
        id: String,
        enabled: bool,
    ) -> Answer<WebhookSummary> {
        let (actor, credential, source) = self.audited_writer(request).await?;
        let changed =
            screens::set_webhook_enabled(&self.ctx, &actor, credential, &source, &id, enabled);
        Ok(changed.await?)
    }

    async fn rotate_webhook_secret(
        &self,
        request: &Parts,
        id: String,
    ) -> Answer<WebhookWithSecret> {
        let (actor, credential, source) = self.audited_writer(request).await?;
        Ok(screens::rotate_webhook_secret(&self.ctx, &actor, credential, &source, &id).await?)
    }

    async fn remove_webhook(&self, request: &Parts, id: String) -> Answer<()> {
        let (actor, credential, source) = self.audited_writer(request).await?;
        Ok(webhooks::delete(&self.ctx, &actor, credential, &source, &id).await?)
    }
}
