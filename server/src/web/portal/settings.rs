//! The workspace's settings, its API keys and its audit log.

use axum::http::request::Parts;
use parlor_app::api::SettingsCalls;
use parlor_model::{
    ApiKeyInfo, AuditLog, Brand, EmailSender, NewApiKey, Settings, WorkspaceSettings,
};

use super::{Answer, WebPortal};
use crate::service::{api_keys, screens};

#[async_trait::async_trait]
impl SettingsCalls for WebPortal {
    async fn load_settings(&self, request: &Parts) -> Answer<Settings> {
        let actor = self.reader(request).await?;
        Ok(screens::settings(&self.ctx, &actor).await?)
    }

    async fn save_settings(&self, request: &Parts, settings: Settings) -> Answer<Settings> {
        let (actor, _, source) = self.audited_writer(request).await?;
        Ok(screens::save_settings(&self.ctx, &actor, &source, settings).await?)
    }

    async fn preview_welcome(&self, request: &Parts, template: String) -> Answer<String> {
        let actor = self.reader(request).await?;
        Ok(screens::preview_welcome(&self.ctx, &actor, &template).await?)
    }

    async fn load_api_keys(&self, request: &Parts) -> Answer<Vec<ApiKeyInfo>> {
        let (actor, credential) = self.read_credential(request).await?;
        Ok(screens::api_keys(&self.ctx, &actor, credential).await?)
    }

    async fn create_api_key(&self, request: &Parts, key: NewApiKey) -> Answer<ApiKeyInfo> {
        let (actor, credential, source) = self.audited_writer(request).await?;
        Ok(screens::create_api_key(&self.ctx, &actor, credential, &source, key).await?)
    }

    async fn revoke_api_key(&self, request: &Parts, id: String) -> Answer<()> {
        let (actor, credential, source) = self.audited_writer(request).await?;
        Ok(api_keys::revoke(&self.ctx, &actor, credential, &source, &id).await?)
    }

    async fn load_workspace_settings(&self, request: &Parts) -> Answer<WorkspaceSettings> {
        let actor = self.reader(request).await?;
        Ok(screens::workspace_settings(&self.ctx, &actor).await?)
    }

    async fn save_brand(&self, request: &Parts, brand: Brand) -> Answer<WorkspaceSettings> {
        let (actor, _, source) = self.audited_writer(request).await?;
        Ok(screens::save_brand(&self.ctx, &actor, &source, brand).await?)
    }

    async fn save_email_sender(
        &self,
        request: &Parts,
        sender: EmailSender,
    ) -> Answer<WorkspaceSettings> {
        let (actor, _, source) = self.audited_writer(request).await?;
        Ok(screens::save_email_sender(&self.ctx, &actor, &source, sender).await?)
    }

    async fn load_audit_log(
        &self,
        request: &Parts,
        action: String,
        actor_id: String,
        next_token: String,
    ) -> Answer<AuditLog> {
        let actor = self.reader(request).await?;
        let log = screens::audit_log(&self.ctx, &actor, &action, &actor_id, &next_token);
        Ok(log.await?)
    }
}
