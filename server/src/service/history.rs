//! Reading a message's history: the texts its edits replaced and, once
//! deleted, what it said last. For staff who see the message
//! (`authz::history`); the texts are written by `messages::edit` and
//! `messages::delete`, in the transaction of the change.

use super::{messages, Context, Page, PageRequest};
use crate::auth::Actor;
use crate::authz;
use crate::domain::message_version::{MessageVersion, VersionChange};
use crate::domain::Timestamp;
use crate::error::Result;
use crate::storage::{self, message_versions::VersionRow};

/// A message's earlier versions, oldest first: none when it was never
/// edited or deleted. Clients are refused; staff who do not see the message
/// find nothing, as for the message itself.
#[tracing::instrument(skip_all)]
pub async fn versions(
    ctx: &Context,
    actor: &Actor,
    message_id: &str,
    page: PageRequest,
) -> Result<Page<MessageVersion>> {
    authz::require_history_reader(actor)?;
    let mut conn = ctx.store.reader().await?;
    let message = messages::visible_message(&mut conn, actor, message_id).await?;
    let rows =
        storage::message_versions::of_message(&mut conn, &message.id, page.after(), page.limit + 1)
            .await?;
    let (rows, next_token) = page.split(rows, |r| r.version);
    Ok(Page {
        data: rows.into_iter().map(version).collect(),
        next_token,
    })
}

fn version(row: VersionRow) -> MessageVersion {
    MessageVersion {
        object: "messageVersion",
        message_id: row.message_id,
        version: row.version,
        text: row.text,
        change: VersionChange::from_stored(&row.change),
        edited_by: row.edited_by,
        edited_at: Timestamp(row.edited_at),
    }
}
