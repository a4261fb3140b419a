//! What the event log records: each kind is the `type` of a realtime frame.

/// The kinds of logged events. `AccessChanged` is never sent to a socket:
/// it tells the hub to close a person's sockets so they reconnect with their
/// new rights. The directory kinds (clients, companies, internal users) are
/// logged for webhooks only: they name no channel and no recipient, so no
/// socket receives them; their payload is `{data, previousAttributes?}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    MessageCreated,
    MessageUpdated,
    MessageDeleted,
    /// Someone reacted to a message or took a reaction back; the payload is
    /// the whole message, as `message.updated`'s is.
    MessageReactions,
    ChannelCreated,
    ChannelUpdated,
    ChannelDeleted,
    ChannelRead,
    /// The staff's handling of a conversation changed (staff only).
    ConversationUpdated,
    NotificationCreated,
    NotificationUpdated,
    NotificationDeleted,
    AccessChanged,
    ClientCreated,
    ClientUpdated,
    ClientDeleted,
    CompanyCreated,
    CompanyUpdated,
    CompanyDeleted,
    InternalUserCreated,
    InternalUserUpdated,
    InternalUserDeleted,
}

impl EventKind {
    const ALL: [EventKind; 22] = [
        EventKind::MessageCreated,
        EventKind::MessageUpdated,
        EventKind::MessageDeleted,
        EventKind::MessageReactions,
        EventKind::ChannelCreated,
        EventKind::ChannelUpdated,
        EventKind::ChannelDeleted,
        EventKind::ChannelRead,
        EventKind::ConversationUpdated,
        EventKind::NotificationCreated,
        EventKind::NotificationUpdated,
        EventKind::NotificationDeleted,
        EventKind::AccessChanged,
        EventKind::ClientCreated,
        EventKind::ClientUpdated,
        EventKind::ClientDeleted,
        EventKind::CompanyCreated,
        EventKind::CompanyUpdated,
        EventKind::CompanyDeleted,
        EventKind::InternalUserCreated,
        EventKind::InternalUserUpdated,
        EventKind::InternalUserDeleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::MessageCreated => "message.created",
            EventKind::MessageUpdated => "message.updated",
            EventKind::MessageDeleted => "message.deleted",
            EventKind::MessageReactions => "message.reactions",
            EventKind::ChannelCreated => "channel.created",
            EventKind::ChannelUpdated => "channel.updated",
            EventKind::ChannelDeleted => "channel.deleted",
            EventKind::ChannelRead => "channel.read",
            EventKind::ConversationUpdated => "conversation.updated",
            EventKind::NotificationCreated => "notification.created",
            EventKind::NotificationUpdated => "notification.updated",
            EventKind::NotificationDeleted => "notification.deleted",
            EventKind::AccessChanged => "access.changed",
            EventKind::ClientCreated => "client.created",
            EventKind::ClientUpdated => "client.updated",
            EventKind::ClientDeleted => "client.deleted",
            EventKind::CompanyCreated => "company.created",
            EventKind::CompanyUpdated => "company.updated",
            EventKind::CompanyDeleted => "company.deleted",
            EventKind::InternalUserCreated => "internalUser.created",
            EventKind::InternalUserUpdated => "internalUser.updated",
            EventKind::InternalUserDeleted => "internalUser.deleted",
        }
    }

    /// The kind of a stored event; `None` for one this build does not know
    /// (written by a newer node sharing the database).
    pub fn from_stored(value: &str) -> Option<EventKind> {
        EventKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }
}

#[cfg(test)]
mod tests {
    use super::EventKind;

    #[test]
    fn every_kind_reads_back_as_itself() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::from_stored(kind.as_str()), Some(kind));
        }
        assert_eq!(EventKind::from_stored("message.exploded"), None);
    }
}
