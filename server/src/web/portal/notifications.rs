//! The notification centre and how each person hears by e-mail.

use axum::http::request::Parts;
use parlor_app::api::NotificationCalls;
use parlor_model::{ClientActivity, EmailPreferences, Notice};

use super::{Answer, WebPortal};
use crate::service::{notifications, screens};

#[async_trait::async_trait]
impl NotificationCalls for WebPortal {
    async fn load_client_activity(&self, request: &Parts) -> Answer<Vec<ClientActivity>> {
        let actor = self.reader(request).await?;
        Ok(screens::client_activity(&self.ctx, &actor).await?)
    }

    async fn load_notices(&self, request: &Parts) -> Answer<Vec<Notice>> {
        let actor = self.reader(request).await?;
        Ok(screens::notices(&self.ctx, &actor).await?)
    }

    async fn mark_notice(&self, request: &Parts, id: String, read: bool) -> Answer<()> {
        let (actor, _) = self.writer(request).await?;
        if read {
            notifications::mark_read(&self.ctx, &actor, &id).await?;
        } else {
            notifications::mark_unread(&self.ctx, &actor, &id).await?;
        }
        Ok(())
    }

    async fn delete_notice(&self, request: &Parts, id: String) -> Answer<()> {
        let (actor, _) = self.writer(request).await?;
        Ok(notifications::delete(&self.ctx, &actor, &id).await?)
    }

    async fn load_email_preferences(&self, request: &Parts) -> Answer<EmailPreferences> {
        let actor = self.reader(request).await?;
        Ok(screens::email_preferences(&self.ctx, &actor).await?)
    }

    async fn save_email_preferences(
        &self,
        request: &Parts,
        preferences: EmailPreferences,
    ) -> Answer<EmailPreferences> {
        let (actor, _) = self.writer(request).await?;
        Ok(screens::save_email_preferences(&self.ctx, &actor, preferences).await?)
    }
}
