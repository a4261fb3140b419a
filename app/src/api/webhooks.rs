//! Webhooks (admins): where Parlor delivers what happens, and how those
//! deliveries went.

use crate::model::{DeliverySummary, NewWebhook, WebhookSummary, WebhookWithSecret, Webhooks};

super::calls! {
    WebhookCalls;

    /// Every webhook with its latest deliveries, and the event types offered.
    fn load_webhooks() -> Webhooks;
    /// Adds a webhook; the answer carries its signing secret, shown once.
    fn add_webhook(webhook: NewWebhook) -> WebhookWithSecret;
    /// Sends a test event now and answers with the attempt.
    fn send_webhook_test(id: String) -> DeliverySummary;
    /// Stops or resumes deliveries.
    fn set_webhook_enabled(id: String, enabled: bool) -> WebhookSummary;
    /// A new signing secret, shown once.
    fn rotate_webhook_secret(id: String) -> WebhookWithSecret;
    /// Deletes a webhook: nothing more is delivered to it.
    fn remove_webhook(id: String) -> ();
}
