//! Channels and the messages in them.

use axum::http::request::Parts;
use parlor_app::api::ConversationCalls;
use parlor_model::{
    ChannelSummary, Conversation, Message, MessagePage, MessageVersion, Scheduled, SearchPage,
    SearchQuery,
};

use super::{Answer, WebPortal};
use crate::domain::Timestamp;
use crate::error::Error;
use crate::service::channels::{self, MarkRead};
use crate::service::conversations::{self, UpdateHandling};
use crate::service::messages::{self, EditMessage, MassMessage, SendMessage};
use crate::service::scheduled::{self, ScheduleMessage};
use crate::service::{reactions, screens};
use crate::storage::now_ms;

#[async_trait::async_trait]
impl ConversationCalls for WebPortal {
    async fn list_channels(&self, request: &Parts) -> Answer<Vec<ChannelSummary>> {
        let actor = self.reader(request).await?;
        Ok(screens::channel_list(&self.ctx, &actor).await?)
    }

    async fn open_conversation(
        &self,
        request: &Parts,
        channel_id: String,
    ) -> Answer<Option<Conversation>> {
        let actor = self.reader(request).await?;
        Ok(screens::conversation(&self.ctx, &actor, &channel_id).await?)
    }

    async fn search_messages(&self, request: &Parts, query: SearchQuery) -> Answer<SearchPage> {
        let actor = self.reader(request).await?;
        Ok(screens::search(&self.ctx, &actor, query).await?)
    }

    async fn older_messages(
        &self,
        request: &Parts,
        channel_id: String,
        next_token: String,
    ) -> Answer<MessagePage> {
        let actor = self.reader(request).await?;
        Ok(screens::history(&self.ctx, &actor, &channel_id, Some(&next_token)).await?)
    }

    async fn send_message(
        &self,
        request: &Parts,
        channel_id: String,
        text: String,
        attachment_ids: Vec<String>,
        idempotency_key: String,
        is_internal: bool,
        mention_ids: Vec<String>,
    ) -> Answer<Message> {
        let (actor, credential) = self.writer(request).await?;
        let send = SendMessage {
            text,
            channel_id,
            sender_id: None,
            attachment_ids: Some(attachment_ids).filter(|ids| !ids.is_empty()),
            is_internal,
            mention_ids: Some(mention_ids),
        };
        let key = Some(idempotency_key.as_str()).filter(|k| !k.is_empty());
        let sent = messages::send(&self.ctx, &actor, credential, &send, key).await?;
        Ok(screens::message(sent))
    }

    async fn mark_read(&self, request: &Parts, channel_id: String) -> Answer<()> {
        let (actor, _) = self.writer(request).await?;
        channels::mark_read(&self.ctx, &actor, &channel_id, &MarkRead::default()).await?;
        Ok(())
    }

    async fn list_scheduled(&self, request: &Parts, channel_id: String) -> Answer<Vec<Scheduled>> {
        let actor = self.reader(request).await?;
        let waiting = scheduled::list(&self.ctx, &actor, Some(&channel_id)).await?;
        Ok(waiting.into_iter().map(screens::scheduled).collect())
    }

    async fn schedule_message(
        &self,
        request: &Parts,
        channel_id: String,
        text: String,
        scheduled_at: String,
        time_zone: String,
        is_internal: bool,
    ) -> Answer<Scheduled> {
        let (actor, _) = self.writer(request).await?;
        let request = ScheduleMessage {
            channel_id,
            text,
            scheduled_at,
            time_zone: Some(time_zone),
            is_internal,
        };
        let made = scheduled::schedule(&self.ctx, &actor, &request).await?;
        Ok(screens::scheduled(made))
    }

    async fn cancel_scheduled(&self, request: &Parts, id: String) -> Answer<()> {
        let (actor, _) = self.writer(request).await?;
        scheduled::cancel(&self.ctx, &actor, &id).await?;
        Ok(())
    }

    async fn assign_conversation(
        &self,
        request: &Parts,
        channel_id: String,
        assignee_id: String,
    ) -> Answer<()> {
        let (actor, _) = self.writer(request).await?;
        let change = UpdateHandling {
            assignee_id: Some(Some(assignee_id).filter(|id| !id.is_empty())),
            ..UpdateHandling::default()
        };
        conversations::update(&self.ctx, &actor, &channel_id, &change).await?;
        Ok(())
    }

    async fn set_conversation_state(
        &self,
        request: &Parts,
        channel_id: String,
        state: String,
    ) -> Answer<()> {
        let (actor, _) = self.writer(request).await?;
        let state = serde_json::from_value(serde_json::Value::String(state))
            .map_err(|_| Error::invalid("state must be open, waiting or done"))?;
        let change = UpdateHandling {
            state: Some(state),
            ..UpdateHandling::default()
        };
        conversations::update(&self.ctx, &actor, &channel_id, &change).await?;
        Ok(())
    }

    async fn snooze_conversation(
        &self,
        request: &Parts,
        channel_id: String,
        minutes: i64,
    ) -> Answer<()> {
        let (actor, _) = self.writer(request).await?;
        let until = Timestamp(now_ms().saturating_add(minutes.saturating_mul(60_000)));
        let change = UpdateHandling {
            snoozed_until: Some(Some(until.to_rfc3339())),
            ..UpdateHandling::default()
        };
        conversations::update(&self.ctx, &actor, &channel_id, &change).await?;
        Ok(())
    }

    async fn mark_unread(&self, request: &Parts, channel_id: String) -> Answer<()> {
        let (actor, _) = self.writer(request).await?;
        channels::mark_unread(&self.ctx, &actor, &channel_id).await?;
        Ok(())
    }

    async fn edit_message(
        &self,
        request: &Parts,
        message_id: String,
        text: String,
    ) -> Answer<Message> {
        let (actor, _) = self.writer(request).await?;
        let edited = messages::edit(&self.ctx, &actor, &message_id, &EditMessage { text }).await?;
        Ok(screens::message(edited))
    }

    async fn delete_message(&self, request: &Parts, message_id: String) -> Answer<Message> {
        let (actor, _, source) = self.audited_writer(request).await?;
        let deleted = messages::delete(&self.ctx, &actor, &source, &message_id).await?;
        Ok(screens::message(deleted))
    }

    async fn read_message(&self, request: &Parts, message_id: String) -> Answer<Message> {
        let actor = self.reader(request).await?;
        Ok(screens::message(
            messages::get(&self.ctx, &actor, &message_id).await?,
        ))
    }

    async fn message_versions(
        &self,
        request: &Parts,
        message_id: String,
    ) -> Answer<Vec<MessageVersion>> {
        let actor = self.reader(request).await?;
        Ok(screens::message_versions(&self.ctx, &actor, &message_id).await?)
    }

    async fn react(
        &self,
        request: &Parts,
        message_id: String,
        emoji: String,
        on: bool,
    ) -> Answer<Message> {
        let (actor, _) = self.writer(request).await?;
        let message = if on {
            reactions::add(&self.ctx, &actor, &message_id, &emoji).await?
        } else {
            reactions::remove(&self.ctx, &actor, &message_id, &emoji).await?
        };
        Ok(screens::message(message))
    }

    async fn start_conversation(&self, request: &Parts, client_ids: Vec<String>) -> Answer<String> {
        let (actor, _) = self.writer(request).await?;
        let channel = channels::open_conversation(&self.ctx, &actor, &client_ids).await?;
        Ok(channel.id)
    }

    async fn send_mass_message(
        &self,
        request: &Parts,
        client_ids: Vec<String>,
        text: String,
        attachment_ids: Vec<String>,
        render_variables: bool,
    ) -> Answer<usize> {
        let (actor, _) = self.writer(request).await?;
        let mass = MassMessage {
            client_ids,
            text,
            attachment_ids: Some(attachment_ids).filter(|ids| !ids.is_empty()),
            render_variables,
        };
        Ok(messages::send_mass(&self.ctx, &actor, &mass)
            .await?
            .data
            .len())
    }
}
