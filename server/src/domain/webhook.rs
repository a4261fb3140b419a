//! Webhooks as admins see them, the events they may subscribe to, and which
//! addresses a delivery may go to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::event::EventKind;
use super::Timestamp;
use crate::authz::Among;
use crate::error::{Error, Result};

/// The event types a webhook may subscribe to, each with the log event it
/// is made from and who among a channel's people that event was for.
/// Assembly's names where Assembly has the event (`message.sent`,
/// `messageChannel.created`, `client.*`, `company.*`); the others are
/// Parlor's own (docs/webhooks.md). Internal notes have types of their own,
/// so that an integration written for messages, which may pass them on to
/// clients, never receives a note unless it asks for notes by name.
pub const EVENT_TYPES: [(&str, EventKind, Among); 18] = [
    ("message.sent", EventKind::MessageCreated, Among::Everyone),
    (
        "message.updated",
        EventKind::MessageUpdated,
        Among::Everyone,
    ),
    (
        "message.deleted",
        EventKind::MessageDeleted,
        Among::Everyone,
    ),
    ("internalNote.sent", EventKind::MessageCreated, Among::Staff),
    (
        "internalNote.updated",
        EventKind::MessageUpdated,
        Among::Staff,
    ),
    (
        "internalNote.deleted",
        EventKind::MessageDeleted,
        Among::Staff,
    ),
    (
        "messageChannel.created",
        EventKind::ChannelCreated,
        Among::Everyone,
    ),
    (
        "messageChannel.updated",
        EventKind::ChannelUpdated,
        Among::Everyone,
    ),
    (
        "messageChannel.deleted",
        EventKind::ChannelDeleted,
        Among::Everyone,
    ),
    ("client.created", EventKind::ClientCreated, Among::Everyone),
    ("client.updated", EventKind::ClientUpdated, Among::Everyone),
    ("client.deleted", EventKind::ClientDeleted, Among::Everyone),
    (
        "company.created",
        EventKind::CompanyCreated,
        Among::Everyone,
    ),
    (
        "company.updated",
        EventKind::CompanyUpdated,
        Among::Everyone,
    ),
    (
        "company.deleted",
        EventKind::CompanyDeleted,
        Among::Everyone,
    ),
    (
        "internalUser.created",
        EventKind::InternalUserCreated,
        Among::Everyone,
    ),
    (
        "internalUser.updated",
        EventKind::InternalUserUpdated,
        Among::Everyone,
    ),
    (
        "internalUser.deleted",
        EventKind::InternalUserDeleted,
        Among::Everyone,
    ),
];

/// The event sent by "send test event"; never subscribed to.
pub const TEST_EVENT: &str = "webhook.test";

/// The webhook event type of a log event, if webhooks see it at all: read
/// receipts, notifications and access changes concern one person, not the
/// workspace, and are never delivered.
pub fn event_type_of(kind: EventKind, among: Among) -> Option<&'static str> {
    EVENT_TYPES
        .iter()
        .find(|(_, k, a)| *k == kind && *a == among)
        .map(|(name, _, _)| *name)
}

/// The `object` a webhook event names: what comes before the dot.
pub fn object_of(event_type: &str) -> &str {
    event_type.split('.').next().unwrap_or(event_type)
}

/// A webhook: where events go and which.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    pub id: String,
    #[schema(value_type = String, example = "webhook")]
    pub object: &'static str,
    pub url: String,
    #[schema(example = json!(["message.sent"]))]
    pub event_types: Vec<String>,
    /// Deliveries are made only while it is enabled.
    pub enabled: bool,
    /// Why Parlor disabled it (deliveries failed for a day); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    /// Failed attempts at the event waiting to be delivered.
    pub failed_attempts: i64,
    /// When the next attempt is due, while one is failing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// The key of `x-copilot-signature`: only in the answers that make the
    /// webhook or rotate its secret, never again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signing_secret: Option<String>,
}

/// A new webhook.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateWebhook {
    /// An http or https address on the public internet.
    pub url: String,
    /// What to deliver: names from the list in docs/webhooks.md.
    pub event_types: Vec<String>,
}

/// Changes to a webhook; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateWebhook {
    pub url: Option<String>,
    pub event_types: Option<Vec<String>>,
    /// Enabling a webhook Parlor disabled resumes with the event it stopped at.
    pub enabled: Option<bool>,
}

/// One attempt to deliver an event.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookDelivery {
    pub id: String,
    #[schema(value_type = String, example = "webhookDelivery")]
    pub object: &'static str,
    pub webhook_id: String,
    /// The delivered event's `id`: the same on every attempt.
    pub event_id: String,
    pub event_type: String,
    /// 1 for the first attempt at this event.
    pub attempt: i64,
    /// The receiver's HTTP status; absent when no answer came.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<i64>,
    pub succeeded: bool,
    pub duration_ms: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The start of the receiver's answer, at most 500 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_excerpt: Option<String>,
    pub created_at: Timestamp,
}

/// The event types of a request: known names, each once, at least one.
pub fn event_types(requested: &[String]) -> Result<Vec<String>> {
    let mut chosen: Vec<String> = Vec::new();
    for name in requested {
        let name = name.trim();
        if !EVENT_TYPES.iter().any(|(known, _, _)| *known == name) {
            return Err(Error::invalid(format!(
                "eventTypes: {name:?} is not an event type; choose from {}",
                EVENT_TYPES.map(|(n, _, _)| n).join(", ")
            )));
        }
        if !chosen.iter().any(|c| c == name) {
            chosen.push(name.to_string());
        }
    }
    if chosen.is_empty() {
        return Err(Error::invalid("eventTypes: choose at least one event type"));
    }
    Ok(chosen)
}

/// A webhook address: absolute http(s), with a host, without credentials.
pub fn target_url(value: &str) -> Result<url::Url> {
    let value = value.trim();
    let url = url::Url::parse(value)
        .map_err(|err| Error::invalid(format!("url: {value:?} is not an address ({err})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::invalid(
            "url: only http and https addresses are allowed",
        ));
    }
    if url.host().is_none() {
        return Err(Error::invalid("url: the address needs a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::invalid(
            "url: put no user name or password in the address; verify deliveries with the signature",
        ));
    }
    if value.len() > 2048 {
        return Err(Error::invalid("url: at most 2048 characters"));
    }
    Ok(url)
}

/// Whether a delivery may go to this address when private targets are not
/// allowed: only unicast addresses of the public internet. Loopback,
/// private, link-local (cloud metadata), shared, unspecified, multicast and
/// documentation ranges are refused, IPv4 ones also when mapped into IPv6.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // Protocol assignments and benchmarking.
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let segments = ip.segments();
    let first = segments[0];
    // 6to4 carries an IPv4 address in its second and third groups.
    if first == 0x2002 {
        let [a, b] = segments[1].to_be_bytes();
        let [c, d] = segments[2].to_be_bytes();
        return is_public_v4(Ipv4Addr::new(a, b, c, d));
    }
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_unique_local()
        || ip.is_unicast_link_local()
        // Documentation, 2001:db8::/32, and Teredo tunnels, 2001::/32.
        || (first == 0x2001 && (segments[1] == 0x0db8 || segments[1] == 0))
        // Deprecated site-local, fec0::/10.
        || first & 0xffc0 == 0xfec0
        // IPv4-compatible and other reserved forms under ::/8.
        || first & 0xff00 == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_unicast_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "2001:db8::1",
            "2002:a9fe:a9fe::1",
            "2002:7f00:1::",
            "2001:0:4136:e378::1",
            "fec0::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "2002:5db8:d822::1",
        ] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn addresses_must_be_http_with_a_host_and_no_credentials() {
        assert!(target_url("https://hooks.example.com/parlor").is_ok());
        assert!(target_url("http://203.0.113.9:8080/x").is_ok());
        for bad in [
            "ftp://example.com/",
            "file:///etc/passwd",
            "hooks.example.com",
            "https://user:pw@example.com/",
            "",
        ] {
            assert!(target_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn event_types_are_known_names_each_once() {
        assert_eq!(
            event_types(&["message.sent".into(), " message.sent".into()]).unwrap(),
            vec!["message.sent"]
        );
        assert!(event_types(&[]).is_err());
        assert!(event_types(&["message.exploded".into()]).is_err());
    }

    #[test]
    fn every_event_type_names_its_object_and_maps_back_from_its_kind() {
        for (name, kind, among) in EVENT_TYPES {
            assert_eq!(event_type_of(kind, among), Some(name));
        }
        assert_eq!(object_of("messageChannel.created"), "messageChannel");
        assert_eq!(event_type_of(EventKind::ChannelRead, Among::Everyone), None);
        assert_eq!(
            event_type_of(EventKind::NotificationCreated, Among::Everyone),
            None
        );
    }
}
