//! Webhooks: delivering what happens in the workspace to other systems, in
//! the shape Assembly's webhooks have (docs/webhooks.md).
//!
//! The event log is the outbox: every change appends its event in its own
//! transaction, so nothing committed is missed and nothing rolled back is
//! sent. The dispatcher follows the log per webhook, one delivery in flight
//! per webhook, in log order, at least once: an event is marked delivered
//! after the receiver's 2xx, so a crash in between delivers it again, with
//! the same `id`.

pub mod dispatcher;
pub mod sender;

use serde_json::value::RawValue;
use serde_json::Value;

use crate::domain::event::EventKind;
use crate::domain::webhook::{event_type_of, object_of};
use crate::domain::Timestamp;
use crate::storage::events::EventRow;

/// The `id` receivers deduplicate on: the same for every attempt at an event.
pub fn event_id(seq: i64) -> String {
    format!("evt_{seq}")
}

/// The body of a delivery: `{id, eventType, created, object, data}` and,
/// for updates that know them, `previousAttributes`.
pub fn body(
    id: &str,
    event_type: &str,
    created: i64,
    data: &RawValue,
    previous: Option<&Value>,
) -> Vec<u8> {
    let mut body = serde_json::json!({
        "id": id,
        "eventType": event_type,
        "created": Timestamp(created),
        "object": object_of(event_type),
        "data": data,
    });
    if let Some(previous) = previous {
        body["previousAttributes"] = previous.clone();
    }
    body.to_string().into_bytes()
}

/// A logged event as a webhook sees it: its type and body, or None for the
/// events webhooks never see.
pub fn delivery_of(row: &EventRow) -> Option<(&'static str, Vec<u8>)> {
    let kind = EventKind::from_stored(&row.kind)?;
    let among = crate::authz::Among::from_stored(row.among.as_deref());
    let event_type = event_type_of(kind, among)?;
    let id = event_id(row.seq);
    let body = if is_directory(kind) {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Directory<'a> {
            #[serde(borrow)]
            data: &'a RawValue,
            previous_attributes: Option<Value>,
        }
        let payload: Directory<'_> = serde_json::from_str(&row.payload).ok()?;
        body(
            &id,
            event_type,
            row.created_at,
            payload.data,
            payload.previous_attributes.as_ref(),
        )
    } else {
        let data: &RawValue = serde_json::from_str(&row.payload).ok()?;
        body(&id, event_type, row.created_at, data, None)
    };
    Some((event_type, body))
}

fn is_directory(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::ClientCreated
            | EventKind::ClientUpdated
            | EventKind::ClientDeleted
            | EventKind::CompanyCreated
            | EventKind::CompanyUpdated
            | EventKind::CompanyDeleted
            | EventKind::InternalUserCreated
            | EventKind::InternalUserUpdated
            | EventKind::InternalUserDeleted
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, payload: &str) -> EventRow {
        EventRow {
            seq: 7,
            kind: kind.into(),
            channel_id: None,
            audience: None,
            recipient_id: None,
            among: None,
            payload: payload.into(),
            created_at: 0,
        }
    }

    #[test]
    fn a_sent_message_is_delivered_as_message_sent_with_the_message_as_data() {
        let (event_type, body) =
            delivery_of(&row("message.created", r#"{"id":"m1","object":"message"}"#)).unwrap();
        assert_eq!(event_type, "message.sent");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["id"], "evt_7");
        assert_eq!(body["object"], "message");
        assert_eq!(body["data"]["id"], "m1");
        assert_eq!(body["created"], "1970-01-01T00:00:00.000Z");
        assert!(body.get("previousAttributes").is_none());
    }

    #[test]
    fn an_update_carries_the_previous_attributes() {
        let (event_type, body) = delivery_of(&row(
            "client.updated",
            r#"{"data":{"id":"c1","givenName":"Ann"},"previousAttributes":{"givenName":"Anne"}}"#,
        ))
        .unwrap();
        assert_eq!(event_type, "client.updated");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["data"]["givenName"], "Ann");
        assert_eq!(body["previousAttributes"]["givenName"], "Anne");
    }

    #[test]
    fn personal_events_are_never_delivered() {
        for kind in [
            "channel.read",
            "notification.created",
            "access.changed",
            "made.up",
        ] {
            assert!(delivery_of(&row(kind, "{}")).is_none(), "{kind}");
        }
    }
}
