//! E-mail: what Parlor sends (templates), the outbox it goes through, and
//! the worker that delivers it over SMTP.
//!
//! Delivery is at least once: an e-mail is marked sent right after the SMTP
//! server accepts it, and a row marked sent is never sent again. A crash (or
//! a lost database connection) between the SMTP server's acceptance and the
//! mark can send that one e-mail a second time once its claim runs out. Each
//! e-mail carries a `Message-ID` made from its outbox id, so a receiving
//! system can recognise that duplicate.

pub mod digests;
pub mod templates;
pub mod worker;

use crate::domain::new_id;
use crate::error::Result;
use crate::storage::outbox::{self, OutboxEmail};
use crate::storage::{now_ms, Conn};

/// An e-mail to queue.
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub headers: Vec<(String, String)>,
}

/// Queues an e-mail in the caller's transaction; another e-mail with the same
/// dedupe key queued before makes this a no-op. True when it was queued.
pub async fn enqueue(conn: &mut Conn, dedupe_key: &str, email: Email) -> Result<bool> {
    let headers: serde_json::Map<String, serde_json::Value> = email
        .headers
        .into_iter()
        .map(|(name, value)| (name, serde_json::Value::String(value)))
        .collect();
    let row = OutboxEmail {
        id: new_id(),
        dedupe_key: dedupe_key.to_string(),
        recipient: email.to,
        subject: email.subject,
        text_body: email.text,
        html_body: email.html,
        headers: serde_json::Value::Object(headers).to_string(),
        attempts: 0,
    };
    outbox::enqueue(conn, &row, now_ms()).await
}
