//! Webhooks as Settings → Webhooks shows them, and what an admin asks there.

use serde::{Deserialize, Serialize};

/// One webhook, with its latest delivery attempts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookSummary {
    pub id: String,
    pub url: String,
    pub event_types: Vec<String>,
    pub enabled: bool,
    /// Why Parlor disabled it, if it did.
    pub disabled_reason: Option<String>,
    /// Failed attempts at the event waiting to be delivered.
    pub failed_attempts: i64,
    /// Newest first.
    pub deliveries: Vec<DeliverySummary>,
}

/// One attempt to deliver an event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeliverySummary {
    pub id: String,
    pub event_type: String,
    pub attempt: i64,
    pub status_code: Option<i64>,
    pub succeeded: bool,
    pub duration_ms: i64,
    pub error: Option<String>,
    /// RFC 3339.
    pub created_at: String,
}

/// An event type a webhook may subscribe to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventTypeChoice {
    pub name: String,
    /// What it means, in words.
    pub label: String,
}

/// The Webhooks page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Webhooks {
    pub webhooks: Vec<WebhookSummary>,
    pub event_types: Vec<EventTypeChoice>,
}

/// A webhook an admin adds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewWebhook {
    pub url: String,
    pub event_types: Vec<String>,
}

/// A webhook with its signing secret: only when it is made or its secret
/// rotated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebhookWithSecret {
    pub webhook: WebhookSummary,
    pub signing_secret: String,
}
