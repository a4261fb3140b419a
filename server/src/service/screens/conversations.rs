//! Channel lists, opened conversations and their messages.

use parlor_model as model;

use super::every;
use crate::auth::Actor;
use crate::domain::attachment::Attachment;
use crate::domain::channel::MessageChannel;
use crate::domain::message::Message;
use crate::error::{Error, Result};
use crate::service::channels::{self, ListChannels};
use crate::service::directory::{self, Card};
use crate::service::paging::{Page, PageRequest};
use crate::service::{client_activity, history, messages, Context};
use crate::storage;

/// Messages shown when a conversation opens; older ones load on scroll.
const FIRST_PAGE: i64 = 50;
/// Search results per page.
const SEARCH_PAGE: i64 = 20;

/// Where the realtime log stands, as a socket's cursor: read before what a
/// screen shows, so that a socket resuming from it hears of every change
/// the screen may have missed (and perhaps of some it already shows).
pub async fn realtime_cursor(ctx: &Context) -> Result<String> {
    let mut conn = ctx.store.reader().await?;
    Ok(storage::events::latest_seq(&mut conn).await?.to_string())
}

/// Every channel the actor sees, as the channel list shows them.
pub async fn channel_list(ctx: &Context, actor: &Actor) -> Result<Vec<model::ChannelSummary>> {
    channel_summaries(ctx, actor, None).await
}

/// The channels a list shows; `member_id` keeps those one person is in.
pub(super) async fn channel_summaries(
    ctx: &Context,
    actor: &Actor,
    member_id: Option<&str>,
) -> Result<Vec<model::ChannelSummary>> {
    let filter = ListChannels {
        membership_type: None,
        client_id: None,
        member_id,
    };
    let all = every("channels", |page| channels::list(ctx, actor, &filter, page)).await?;
    let cards = directory::cards(ctx, actor, all).await?;
    Ok(cards.into_iter().map(channel_summary).collect())
}

/// A channel opened: its newest messages and its people; `None` when it
/// does not exist or is no longer the reader's to see (the same to them).
pub async fn conversation(
    ctx: &Context,
    actor: &Actor,
    channel_id: &str,
) -> Result<Option<model::Conversation>> {
    match channels::get(ctx, actor, channel_id).await {
        Ok(channel) => open(ctx, actor, channel).await.map(Some),
        Err(Error::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn open(
    ctx: &Context,
    actor: &Actor,
    channel: MessageChannel,
) -> Result<model::Conversation> {
    let channel_id = channel.id.clone();
    let cursor = realtime_cursor(ctx).await?;
    let people = directory::people(ctx, &channel)
        .await?
        .into_iter()
        .map(|p| model::Person {
            id: p.id,
            name: p.name,
            is_staff: p.is_staff,
        })
        .collect();
    let history = history(ctx, actor, &channel_id, None).await?;
    let mut card = directory::cards(ctx, actor, vec![channel]).await?;
    let seen_up_to = messages::seen_up_to(ctx, actor, &channel_id).await?;
    let client_reads = messages::client_reads(ctx, actor, &channel_id)
        .await?
        .into_iter()
        .map(|read| model::ClientRead {
            user_id: read.client_id,
            name: read.name,
            message_id: read.message_id,
            read_at: read.read_at.to_rfc3339(),
        })
        .collect();
    Ok(model::Conversation {
        channel: channel_summary(card.remove(0)),
        history,
        people,
        seen_up_to,
        client_reads,
        cursor,
    })
}

/// A page of a channel's history, newest first; `next_token` continues an
/// earlier page.
pub async fn history(
    ctx: &Context,
    actor: &Actor,
    channel_id: &str,
    next_token: Option<&str>,
) -> Result<model::MessagePage> {
    let page = PageRequest::parse("messages", Some(FIRST_PAGE), next_token)?;
    let Page { data, next_token } = messages::list(ctx, actor, channel_id, page).await?;
    Ok(model::MessagePage {
        data: data.into_iter().map(message).collect(),
        next_token,
    })
}

/// Staff: the channels where clients wrote, newest first.
pub async fn client_activity(ctx: &Context, actor: &Actor) -> Result<Vec<model::ClientActivity>> {
    let recent = client_activity::recent(ctx, actor).await?;
    Ok(recent
        .into_iter()
        .map(|a| model::ClientActivity {
            channel_id: a.channel_id,
            unread_count: a.unread_count,
            message_id: a.message_id,
            sender_id: a.sender_id,
            sender_name: a.sender_name,
            text: a.text,
            created_at: a.created_at.to_rfc3339(),
        })
        .collect())
}

pub fn channel_summary(card: Card) -> model::ChannelSummary {
    let Card {
        channel,
        title,
        last_message,
    } = card;
    model::ChannelSummary {
        id: channel.id,
        membership_type: channel.membership_type.as_str().to_string(),
        title,
        last_message_date: channel.last_message_date.map(|t| t.to_rfc3339()),
        preview: last_message.as_ref().map(|m| {
            let files: Vec<&str> = m.file_names.iter().map(String::as_str).collect();
            parlor_app::state::preview_of(&m.text, &files, m.deleted)
        }),
        last_message_id: last_message.map(|m| m.id),
        unread_count: channel.unread_count.unwrap_or(0),
        member_ids: channel.member_ids,
        assignee_id: channel.assignee_id.flatten(),
        state: channel.state.map(|s| s.as_str().to_string()),
        awaiting_reply_since: channel
            .awaiting_reply_since
            .flatten()
            .map(|t| t.to_rfc3339()),
        snoozed_until: channel.snoozed_until.flatten().map(|t| t.to_rfc3339()),
    }
}

pub fn scheduled(waiting: crate::service::scheduled::ScheduledMessage) -> model::Scheduled {
    model::Scheduled {
        id: waiting.id,
        channel_id: waiting.channel_id,
        text: waiting.text,
        is_internal: waiting.is_internal,
        scheduled_at: waiting.scheduled_at.to_rfc3339(),
        time_zone: waiting.time_zone,
        failure: waiting.failure,
    }
}

pub fn message(message: Message) -> model::Message {
    model::Message {
        id: message.id,
        channel_id: message.channel_id,
        sender_id: message.sender_id,
        text: message.text,
        created_at: message.created_at.to_rfc3339(),
        updated_at: message.updated_at.to_rfc3339(),
        deleted_at: message.deleted_at.map(|t| t.to_rfc3339()),
        edited_at: message.edited_at.map(|t| t.to_rfc3339()),
        deleted_by: message.deleted_by,
        is_welcome: message.is_welcome,
        sent_via: message.sent_via.map(|via| via.as_str().to_string()),
        is_internal: message.is_internal,
        idempotency_key: message.idempotency_key,
        attachments: message.attachments.into_iter().map(attachment).collect(),
        reactions: message
            .reactions
            .into_iter()
            .map(|r| model::Reaction {
                emoji: r.emoji,
                count: r.count,
                user_ids: r.user_ids,
            })
            .collect(),
    }
}

/// Staff: every earlier text of a message, oldest first.
pub async fn message_versions(
    ctx: &Context,
    actor: &Actor,
    message_id: &str,
) -> Result<Vec<model::MessageVersion>> {
    let versions = every("messageVersions", |page| {
        history::versions(ctx, actor, message_id, page)
    })
    .await?;
    Ok(versions
        .into_iter()
        .map(|v| model::MessageVersion {
            text: v.text,
            change: v.change.as_str().to_string(),
            edited_by: v.edited_by,
            edited_at: v.edited_at.to_rfc3339(),
        })
        .collect())
}

pub(super) fn attachment(file: Attachment) -> model::Attachment {
    model::Attachment {
        id: file.id,
        name: file.name,
        size: file.size,
        content_type: file.content_type,
        width: file.width,
        height: file.height,
        download_url: file.download_url,
        thumbnail_url: file.thumbnail_url,
    }
}

/// A page of search results, each with its conversation's title and its
/// sender's name.
pub async fn search(
    ctx: &Context,
    actor: &Actor,
    query: model::SearchQuery,
) -> Result<model::SearchPage> {
    use std::collections::HashMap;

    use crate::domain::search::date_range;
    use crate::storage::search::Filters;

    let given = |value: String| (!value.is_empty()).then_some(value);
    let page = PageRequest::parse(
        "search",
        Some(SEARCH_PAGE),
        given(query.next_token).as_deref(),
    )?;
    let (since, until) = date_range(given(query.since).as_deref(), given(query.until).as_deref())?;
    let filters = Filters {
        channel_id: given(query.channel_id),
        client_id: given(query.client_id),
        company_id: given(query.company_id),
        sender_id: None,
        since,
        until,
        has_files: query.has_files,
    };
    let found = crate::service::search::search(ctx, actor, &query.q, &filters, page).await?;
    // The few conversations the page's results are in, by id.
    let mut titles: HashMap<String, String> = HashMap::new();
    let mut names: HashMap<String, String> = HashMap::new();
    for hit in &found.data {
        let channel_id = &hit.message.channel_id;
        if titles.contains_key(channel_id) {
            continue;
        }
        let channel = channels::get(ctx, actor, channel_id).await?;
        for person in directory::people(ctx, &channel).await? {
            names.entry(person.id).or_insert(person.name);
        }
        let card = directory::cards(ctx, actor, vec![channel]).await?.remove(0);
        titles.insert(channel_id.clone(), card.title);
    }
    Ok(model::SearchPage {
        data: found
            .data
            .into_iter()
            .map(|hit| model::SearchHit {
                channel_title: titles
                    .get(&hit.message.channel_id)
                    .cloned()
                    .unwrap_or_default(),
                sender_name: names
                    .get(&hit.message.sender_id)
                    .cloned()
                    .unwrap_or_else(|| "Someone".into()),
                snippet: hit
                    .snippet
                    .into_iter()
                    .map(|part| model::SnippetPart {
                        text: part.text,
                        is_match: part.is_match,
                    })
                    .collect(),
                message: message(hit.message),
            })
            .collect(),
        next_token: found.next_token,
    })
}
