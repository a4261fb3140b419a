//! Settings → Saved replies and the composer's picker.

use parlor_model as model;

use crate::auth::Actor;
use crate::auth::Credential;
use crate::domain::saved_reply::{
    CreateSavedReply, RenderSavedReply, SavedReply, UpdateSavedReply,
};
use crate::error::Result;
use crate::service::{saved_replies, Context};

fn summary(reply: SavedReply) -> model::SavedReplySummary {
    model::SavedReplySummary {
        id: reply.id,
        title: reply.title,
        text: reply.text,
        is_shared: reply.is_shared,
        files: reply
            .attachments
            .into_iter()
            .map(|f| model::SavedReplyFileSummary {
                id: f.id,
                name: f.name,
                size: f.size,
            })
            .collect(),
    }
}

pub async fn saved_replies(ctx: &Context, actor: &Actor) -> Result<model::SavedReplies> {
    let replies = saved_replies::list(ctx, actor).await?;
    Ok(model::SavedReplies {
        replies: replies.into_iter().map(summary).collect(),
        may_share: saved_replies::may_share(actor),
        max_files: ctx.config.files.max_files_per_message,
    })
}

pub async fn save_saved_reply(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    draft: model::SavedReplyDraft,
) -> Result<model::SavedReplySummary> {
    let saved = match draft.id {
        None => {
            let request = CreateSavedReply {
                title: draft.title,
                text: draft.text,
                is_shared: draft.is_shared,
                attachment_ids: Some(draft.attachment_ids),
            };
            saved_replies::create(ctx, actor, credential, &request).await?
        }
        Some(id) => {
            let request = UpdateSavedReply {
                title: Some(draft.title),
                text: Some(draft.text),
                attachment_ids: Some(draft.attachment_ids),
            };
            saved_replies::update(ctx, actor, credential, &id, &request).await?
        }
    };
    Ok(summary(saved))
}

pub async fn insert_saved_reply(
    ctx: &Context,
    actor: &Actor,
    credential: Credential,
    id: &str,
    channel_id: String,
) -> Result<model::InsertedReply> {
    let target = RenderSavedReply {
        channel_id: Some(channel_id),
        client_id: None,
    };
    let rendered = saved_replies::render(ctx, actor, credential, id, &target).await?;
    Ok(model::InsertedReply {
        text: rendered.text,
        attachments: rendered
            .attachments
            .into_iter()
            .map(super::conversations::attachment)
            .collect(),
    })
}
