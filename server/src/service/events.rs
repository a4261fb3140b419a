//! Recording what others should see, inside the transaction that changes it.
//! The realtime pump publishes these after commit (see `realtime`).

use std::collections::BTreeMap;

use serde::Serialize;

use super::views;
use crate::authz::{audience, Among, Audience};
use crate::domain::event::EventKind;
use crate::domain::message::Message;
use crate::domain::notification::Notification;
use crate::error::Result;
use crate::realtime::hub::ChannelAudience;
use crate::storage::events::NewEvent;
use crate::storage::{self, now_ms, Conn};

fn json<T: Serialize>(value: &T) -> Result<String> {
    Ok(serde_json::to_string(value).map_err(anyhow::Error::from)?)
}

/// `message.created`, `message.updated` or `message.deleted`.
pub async fn message(conn: &mut Conn, kind: EventKind, message: &Message) -> Result<()> {
    let payload = payload(message)?;
    storage::events::append(conn, &message_event(kind, message, &payload)).await?;
    Ok(())
}

/// What a message event carries: the message as the API shows it.
pub fn payload(message: &Message) -> Result<String> {
    json(message)
}

/// The event telling a message's channel about it, with its `payload`.
pub fn message_event<'a>(kind: EventKind, message: &'a Message, payload: &'a str) -> NewEvent<'a> {
    NewEvent {
        kind,
        channel_id: Some(&message.channel_id),
        audience: None,
        recipient_id: None,
        among: Among::of_message(message.is_internal),
        payload,
        now: now_ms(),
    }
}

/// Who sees each of these channels now, to compare after a change.
pub struct Before(BTreeMap<String, Audience>);

pub async fn before(conn: &mut Conn, channel_ids: &[String]) -> Result<Before> {
    let mut audiences = BTreeMap::new();
    for id in channel_ids {
        if let Some(row) = storage::channels::get(conn, id).await? {
            audiences.insert(id.clone(), audience(conn, &row).await?);
        }
    }
    Ok(Before(audiences))
}

/// Records `channel.created`, `channel.updated` or `channel.deleted` for every
/// channel in `before` and `also` whose audience changed.
pub async fn channels_changed(conn: &mut Conn, before: Before, also: &[String]) -> Result<()> {
    let mut ids: Vec<String> = before.0.keys().cloned().collect();
    ids.extend(also.iter().cloned());
    ids.sort();
    ids.dedup();
    for id in ids {
        let previous = before.0.get(&id).cloned();
        match storage::channels::get(conn, &id).await? {
            Some(row) => {
                let now = audience(conn, &row).await?;
                if previous.as_ref() == Some(&now) {
                    continue;
                }
                let kind = if previous.is_some() {
                    EventKind::ChannelUpdated
                } else {
                    EventKind::ChannelCreated
                };
                let payload = json(&views::channel(conn, row, false).await?.for_everyone())?;
                record_channel(
                    conn,
                    kind,
                    &id,
                    ChannelAudience {
                        now: Some(now),
                        before: previous,
                    },
                    &payload,
                )
                .await?;
            }
            None => {
                if let Some(previous) = previous {
                    channel_deleted(conn, &id, previous).await?;
                }
            }
        }
    }
    Ok(())
}

pub async fn channel_created(conn: &mut Conn, id: &str) -> Result<()> {
    channels_changed(conn, Before(BTreeMap::new()), &[id.to_string()]).await
}

pub async fn channel_deleted(conn: &mut Conn, id: &str, previous: Audience) -> Result<()> {
    let payload =
        json(&serde_json::json!({ "id": id, "object": "messageChannel", "deleted": true }))?;
    record_channel(
        conn,
        EventKind::ChannelDeleted,
        id,
        ChannelAudience {
            now: None,
            before: Some(previous),
        },
        &payload,
    )
    .await
}

async fn record_channel(
    conn: &mut Conn,
    kind: EventKind,
    id: &str,
    audience: ChannelAudience,
    payload: &str,
) -> Result<()> {
    let audience = json(&audience)?;
    storage::events::append(
        conn,
        &NewEvent {
            kind,
            channel_id: Some(id),
            audience: Some(&audience),
            recipient_id: None,
            among: Among::Everyone,
            payload,
            now: now_ms(),
        },
    )
    .await?;
    Ok(())
}

/// `channel.read`: someone read a channel up to a message, told to `among`
/// the channel's viewers.
pub async fn channel_read(
    conn: &mut Conn,
    channel_id: &str,
    user_id: &str,
    message_id: Option<&str>,
    unread_count: Option<i64>,
    among: Among,
) -> Result<()> {
    let mut payload = serde_json::json!({
        "object": "channelRead",
        "channelId": channel_id,
        "userId": user_id,
        "lastReadMessageId": message_id,
        "readAt": crate::domain::Timestamp(now_ms()),
    });
    if let Some(count) = unread_count {
        payload["unreadCount"] = count.into();
    }
    let payload = json(&payload)?;
    storage::events::append(
        conn,
        &NewEvent {
            kind: EventKind::ChannelRead,
            channel_id: Some(channel_id),
            audience: None,
            recipient_id: None,
            among,
            payload: &payload,
            now: now_ms(),
        },
    )
    .await?;
    Ok(())
}

/// `conversation.updated`: the staff's handling of a conversation changed;
/// told to its staff only, with the channel as they see it.
pub async fn conversation_updated(conn: &mut Conn, channel_id: &str) -> Result<()> {
    let Some(row) = storage::channels::get(conn, channel_id).await? else {
        return Ok(());
    };
    let mut channel = views::channel(conn, row, true).await?;
    channel.unread_count = None;
    let payload = json(&channel)?;
    storage::events::append(
        conn,
        &NewEvent {
            kind: EventKind::ConversationUpdated,
            channel_id: Some(channel_id),
            audience: None,
            recipient_id: None,
            among: Among::Staff,
            payload: &payload,
            now: now_ms(),
        },
    )
    .await?;
    Ok(())
}

/// `notification.created` or `notification.updated`, for its recipient only.
pub async fn notification(
    conn: &mut Conn,
    kind: EventKind,
    notification: &Notification,
) -> Result<()> {
    let payload = json(notification)?;
    notification_event(conn, kind, &notification.recipient_id, &payload).await
}

/// `notification.deleted`, for its recipient only.
pub async fn notification_deleted(conn: &mut Conn, id: &str, recipient_id: &str) -> Result<()> {
    let payload =
        json(&serde_json::json!({ "id": id, "object": "notification", "deleted": true }))?;
    notification_event(conn, EventKind::NotificationDeleted, recipient_id, &payload).await
}

async fn notification_event(
    conn: &mut Conn,
    kind: EventKind,
    recipient_id: &str,
    payload: &str,
) -> Result<()> {
    channelless(conn, kind, Some(recipient_id), payload).await
}

/// An event about no channel: for one recipient, or (with none) for no
/// socket at all.
async fn channelless(
    conn: &mut Conn,
    kind: EventKind,
    recipient_id: Option<&str>,
    payload: &str,
) -> Result<()> {
    storage::events::append(
        conn,
        &NewEvent {
            kind,
            channel_id: None,
            audience: None,
            recipient_id,
            among: Among::Everyone,
            payload,
            now: now_ms(),
        },
    )
    .await?;
    Ok(())
}

/// `access.changed`: a user's rights changed; their sockets reconnect.
pub async fn access_changed(conn: &mut Conn, user_id: &str) -> Result<()> {
    let payload = json(&serde_json::json!({ "object": "accessChange", "userId": user_id }))?;
    channelless(conn, EventKind::AccessChanged, None, &payload).await
}

/// A client, company or internal user was made, changed or deleted: logged
/// for webhooks (it names no channel or recipient, so no socket receives
/// it). An update records the attributes it changed as they were before,
/// and is not logged when nothing a reader sees changed.
pub async fn directory<T: Serialize>(
    conn: &mut Conn,
    kind: EventKind,
    now: &T,
    before: Option<&T>,
) -> Result<()> {
    let data = serde_json::to_value(now).map_err(anyhow::Error::from)?;
    let mut payload = serde_json::json!({ "data": data });
    if let Some(before) = before {
        let before = serde_json::to_value(before).map_err(anyhow::Error::from)?;
        let changed = previous_attributes(&before, &payload["data"]);
        if changed.is_empty() {
            return Ok(());
        }
        payload["previousAttributes"] = serde_json::Value::Object(changed);
    }
    channelless(conn, kind, None, &json(&payload)?).await
}

/// The top-level attributes that differ, with their values before; when it
/// was updated is not an attribute that changed.
fn previous_attributes(
    before: &serde_json::Value,
    now: &serde_json::Value,
) -> serde_json::Map<String, serde_json::Value> {
    let (Some(before), Some(now)) = (before.as_object(), now.as_object()) else {
        return serde_json::Map::new();
    };
    let mut keys: Vec<&String> = before.keys().chain(now.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|key| key.as_str() != "updatedAt" && before.get(*key) != now.get(*key))
        .map(|key| {
            (
                key.clone(),
                before.get(key).cloned().unwrap_or(serde_json::Value::Null),
            )
        })
        .collect()
}

/// Forgets events older than the retention period; returns how many.
#[tracing::instrument(skip_all)]
pub async fn forget_old(ctx: &super::Context) -> Result<u64> {
    let before = now_ms() - ctx.config.event_retention.as_millis() as i64;
    let mut tx = ctx.store.begin().await?;
    let removed = storage::events::prune(&mut tx, before).await?;
    tx.commit().await?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::previous_attributes;

    #[test]
    fn previous_attributes_are_the_changed_ones_as_they_were() {
        let before = json!({ "id": "c1", "givenName": "Anne", "familyName": "Lee", "updatedAt": "1", "avatarImageUrl": "a" });
        let now = json!({ "id": "c1", "givenName": "Ann", "familyName": "Lee", "updatedAt": "2" });
        assert_eq!(
            serde_json::Value::Object(previous_attributes(&before, &now)),
            json!({ "givenName": "Anne", "avatarImageUrl": "a" })
        );
    }
}
