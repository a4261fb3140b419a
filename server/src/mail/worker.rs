//! The mail worker: claims due e-mails from the outbox, sends them over SMTP,
//! marks them sent, and on failure tries again later with exponential backoff.

use std::time::Duration;

use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::cli::SmtpTls;
use crate::config::{MailConfig, SmtpConfig};
use crate::domain::new_id;
use crate::service::Context;
use crate::storage::outbox::{self, OutboxEmail};
use crate::storage::workspace::WorkspaceRow;
use crate::storage::{self, now_ms};

/// E-mails claimed at a time.
const BATCH: u32 = 20;

/// Runs until aborted. Without an SMTP server configured it says so once and
/// leaves the outbox alone: e-mail waits there until a server is configured.
pub async fn run(ctx: Context) {
    let config = ctx.config.mail.clone();
    let Some(smtp) = config.smtp.clone() else {
        tracing::warn!("no --smtp-host configured: e-mail stays queued in the outbox");
        return;
    };
    let transport = match transport(&smtp) {
        Ok(transport) => transport,
        Err(err) => {
            tracing::error!(error = %err, "the SMTP settings are unusable: e-mail stays queued");
            return;
        }
    };
    let worker = new_id();
    // What was claimed is sent before the server stops (another node would
    // send it again only once the claim ran out); nothing new is claimed.
    while !ctx.stopping.is_cancelled() {
        if let Err(err) = super::digests::scan(&ctx).await {
            tracing::warn!(error = %err, "the unread-digest scan failed");
        }
        let sent = match deliver_due(&ctx, &config, &transport, &worker).await {
            Ok(count) => count,
            Err(err) => {
                tracing::warn!(error = %err, "the mail worker could not read the outbox");
                0
            }
        };
        // A full batch may mean more are due; otherwise wait to be woken.
        if sent < BATCH as usize {
            tokio::select! {
                _ = tokio::time::sleep(config.poll_interval) => {}
                _ = ctx.mail_wakeup.notified() => {}
                _ = ctx.stopping.cancelled() => {}
            }
        }
    }
}

fn transport(smtp: &SmtpConfig) -> anyhow::Result<AsyncSmtpTransport<Tokio1Executor>> {
    let builder = match smtp.tls {
        SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?,
        SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
    };
    let mut builder = builder
        .port(smtp.port)
        .timeout(Some(Duration::from_secs(30)));
    if let Some(username) = &smtp.username {
        builder = builder.credentials(Credentials::new(
            username.clone(),
            smtp.password.clone().unwrap_or_default(),
        ));
    }
    Ok(builder.build())
}

/// Claims and sends one batch; returns how many e-mails it claimed.
#[tracing::instrument(skip_all)]
async fn deliver_due(
    ctx: &Context,
    config: &MailConfig,
    transport: &AsyncSmtpTransport<Tokio1Executor>,
    worker: &str,
) -> anyhow::Result<usize> {
    let now = now_ms();
    let lease_until = now + config.claim_lease.as_millis() as i64;
    // Most rounds find nothing due; they find it without the write lock,
    // which on SQLite is the one connection every write waits for.
    if !outbox::any_due(&mut *ctx.store.reader().await?, now).await? {
        return Ok(0);
    }
    let claimed = {
        let mut tx = ctx.store.begin().await?;
        let claimed = outbox::claim_due(&mut tx, worker, now, lease_until, BATCH).await?;
        tx.commit().await?;
        claimed
    };
    let count = claimed.len();
    if count == 0 {
        return Ok(0);
    }
    // Read per batch, so a changed sender name or Reply-To applies from the
    // next batch on, including to e-mail queued before the change.
    let sender = {
        let mut conn = ctx.store.reader().await?;
        Sender::of(storage::workspace::get(&mut conn).await?.as_ref())
    };
    for email in claimed {
        let result = match build(config, &sender, &email) {
            Ok(message) => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(anyhow::Error::from),
            Err(err) => Err(err),
        };
        let mut tx = ctx.store.begin().await?;
        match result {
            Ok(()) => {
                outbox::mark_sent(&mut tx, &email.id, worker, now_ms()).await?;
                tracing::info!(id = %email.id, key = %email.dedupe_key, "e-mail sent");
            }
            Err(err) => {
                let wait = backoff(config, email.attempts);
                tracing::warn!(id = %email.id, attempts = email.attempts + 1, retry_in_ms = wait.as_millis() as u64,
                    error = %err, "sending an e-mail failed; it will be tried again");
                let next = now_ms() + wait.as_millis() as i64;
                outbox::mark_failed(&mut tx, &email.id, worker, &format!("{err:#}"), next).await?;
            }
        }
        tx.commit().await?;
    }
    Ok(count)
}

/// The wait before the next attempt after `attempts` failed ones: the base,
/// doubled per earlier failure, up to the maximum.
pub fn backoff(config: &MailConfig, attempts: i64) -> Duration {
    crate::retry::backoff(config.retry_base, config.retry_max, attempts)
}

/// What the workspace chose for its e-mails' sender.
#[derive(Debug, Default)]
pub struct Sender {
    /// The display name of `From`: the chosen sender name, else the brand
    /// name; None (no workspace yet) keeps `--mail-from`'s.
    pub name: Option<String>,
    pub reply_to: Option<String>,
}

impl Sender {
    pub fn of(workspace: Option<&WorkspaceRow>) -> Sender {
        workspace.map_or_else(Sender::default, |row| Sender {
            name: Some(
                row.email_sender_name
                    .clone()
                    .unwrap_or_else(|| row.brand_name.clone()),
            ),
            reply_to: row.email_reply_to.clone(),
        })
    }
}

/// The message for an outbox row. The address of `From` is always
/// `--mail-from`'s (the one the SMTP server lets Parlor send as); only its
/// display name is the workspace's.
fn build(config: &MailConfig, sender: &Sender, email: &OutboxEmail) -> anyhow::Result<Message> {
    let mut from: Mailbox = config.from.parse()?;
    if let Some(name) = &sender.name {
        from.name = Some(name.clone());
    }
    let to: Mailbox = email.recipient.parse()?;
    let domain = from.email.domain().to_string();
    let mut builder = Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject.clone())
        .message_id(Some(format!("<{}@{}>", email.id, domain)));
    // Every e-mail Parlor sends is made by a machine (RFC 3834): vacation
    // responders keep quiet instead of answering into a reply address.
    builder = builder.raw_header(HeaderValue::new(
        HeaderName::new_from_ascii_str("Auto-Submitted"),
        "auto-generated".into(),
    ));
    let mut headers: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&email.headers)?;
    // An e-mail's own reply address (a reply by e-mail lands in its
    // conversation) wins over the workspace's Reply-To.
    let own_reply_to = match headers.remove(super::templates::REPLY_TO) {
        Some(serde_json::Value::String(address)) => Some(address),
        _ => None,
    };
    if let Some(reply_to) = own_reply_to.as_ref().or(sender.reply_to.as_ref()) {
        builder = builder.reply_to(Mailbox::new(None, reply_to.parse()?));
    }
    for (name, value) in headers {
        if let serde_json::Value::String(value) = value {
            builder =
                builder.raw_header(HeaderValue::new(HeaderName::new_from_ascii(name)?, value));
        }
    }
    Ok(builder.multipart(MultiPart::alternative_plain_html(
        email.text_body.clone(),
        email.html_body.clone(),
    ))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_after_each_failure_up_to_the_maximum() {
        let config = MailConfig {
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            ..MailConfig::default()
        };
        assert_eq!(backoff(&config, 0), Duration::from_secs(30));
        assert_eq!(backoff(&config, 1), Duration::from_secs(60));
        assert_eq!(backoff(&config, 3), Duration::from_secs(240));
        assert_eq!(backoff(&config, 10), Duration::from_secs(3600));
        assert_eq!(backoff(&config, 1_000), Duration::from_secs(3600));
    }
}
