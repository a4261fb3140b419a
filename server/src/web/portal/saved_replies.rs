//! Settings → Saved replies and the composer's picker (staff).

use axum::http::request::Parts;
use parlor_app::api::SavedReplyCalls;
use parlor_model::{InsertedReply, SavedReplies, SavedReplyDraft, SavedReplySummary};

use super::{Answer, WebPortal};
use crate::service::{saved_replies, screens};

#[async_trait::async_trait]
impl SavedReplyCalls for WebPortal {
    async fn load_saved_replies(&self, request: &Parts) -> Answer<SavedReplies> {
        let actor = self.reader(request).await?;
        Ok(screens::saved_replies(&self.ctx, &actor).await?)
    }

    async fn save_saved_reply(
        &self,
        request: &Parts,
        reply: SavedReplyDraft,
    ) -> Answer<SavedReplySummary> {
        let (actor, credential) = self.writer(request).await?;
        Ok(screens::save_saved_reply(&self.ctx, &actor, credential, reply).await?)
    }

    async fn remove_saved_reply(&self, request: &Parts, id: String) -> Answer<()> {
        let (actor, credential) = self.writer(request).await?;
        Ok(saved_replies::delete(&self.ctx, &actor, credential, &id).await?)
    }

    async fn insert_saved_reply(
        &self,
        request: &Parts,
        id: String,
        channel_id: String,
    ) -> Answer<InsertedReply> {
        let (actor, credential) = self.writer(request).await?;
        Ok(screens::insert_saved_reply(&self.ctx, &actor, credential, &id, channel_id).await?)
    }
}
