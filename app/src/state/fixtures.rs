//! Messages and channels for the unit tests of this module.

use crate::model::{ChannelSummary, Message};

pub fn message(id: &str, sender: &str, text: &str, at: &str) -> Message {
    Message {
        id: id.into(),
        channel_id: "c1".into(),
        sender_id: sender.into(),
        text: text.into(),
        created_at: at.into(),
        updated_at: at.into(),
        deleted_at: None,
        edited_at: None,
        deleted_by: None,
        is_welcome: false,
        sent_via: None,
        is_internal: false,
        idempotency_key: None,
        attachments: vec![],
        reactions: vec![],
    }
}

/// A message as the server tells of it once sent with `key`.
pub fn sent_with(key: &str, id: &str, sender: &str, text: &str, at: &str) -> Message {
    Message {
        idempotency_key: Some(key.into()),
        ..message(id, sender, text, at)
    }
}

pub fn channel(id: &str, title: &str, last: Option<&str>) -> ChannelSummary {
    ChannelSummary {
        id: id.into(),
        membership_type: "individual".into(),
        title: title.into(),
        last_message_date: last.map(Into::into),
        preview: None,
        last_message_id: None,
        unread_count: 0,
        member_ids: vec![],
        assignee_id: None,
        state: None,
        awaiting_reply_since: None,
        snoozed_until: None,
    }
}
