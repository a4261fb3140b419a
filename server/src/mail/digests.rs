//! Unread digests: when a message has waited unread for the e-mail delay,
//! each of its channel's people who has not read it gets one e-mail for that
//! channel, summing up everything unread since their last one.
//!
//! Clients hear about messages from anyone else; staff hear about messages
//! from clients (not about their colleagues' replies). Clients never invited
//! get nothing, nor does anyone who turned these e-mails off. The scan runs
//! in the mail worker: it looks at each message once, after the delay, in one
//! transaction that queues the digests and moves the marks, holding the scan
//! row's lock so that only one node scans at a time.

use std::collections::{BTreeSet, HashMap};

use super::templates::{self, DigestSummary};
use crate::auth::tokens::unsubscribe_token;
use crate::auth::Actor;
use crate::authz;
use crate::domain::UserType;
use crate::error::Result;
use crate::service::email_preferences::UnreadMessages;
use crate::service::{email_replies, workspace, Context};
use crate::storage::digests::{self, Recipient, UnreadMessage};
use crate::storage::{self, now_ms, Conn};

/// Messages looked at per scan.
const BATCH: u32 = 1000;

/// Queues the digests that are due; returns how many.
#[tracing::instrument(skip_all)]
pub async fn scan(ctx: &Context) -> Result<usize> {
    let cutoff = now_ms() - ctx.config.mail.unread_delay.as_millis() as i64;
    // Most scans find nothing; they find it without taking the write lock.
    {
        let mut conn = ctx.store.reader().await?;
        let (after,): (i64,) =
            sqlx::query_as("SELECT last_seq FROM email_digest_scan WHERE id = 1")
                .fetch_one(&mut *conn)
                .await?;
        if digests::messages_due(&mut conn, after, cutoff, 1)
            .await?
            .is_empty()
        {
            return Ok(0);
        }
    }
    let mut tx = ctx.store.begin().await?;
    let after = digests::lock_scan(&mut tx).await?;
    let due = digests::messages_due(&mut tx, after, cutoff, BATCH).await?;
    let Some(&(last, _)) = due.last() else {
        return Ok(0);
    };
    // A channel with a message due gets its digests now, and they sum up
    // everything unread there, even what is younger than the delay: two
    // messages sent a moment apart make one e-mail, not two.
    let channels: BTreeSet<String> = due.into_iter().map(|(_, channel_id)| channel_id).collect();
    let settings = workspace::load(&mut tx).await?;
    let brand = settings.brand_name;
    let includes_text = settings.email_includes_message_text != 0;
    let staff = digests::internal_users(&mut tx).await?;
    let mut names = Names::default();
    let mut queued = 0;
    for channel_id in channels {
        let Some(channel) = storage::channels::get(&mut tx, &channel_id).await? else {
            continue;
        };
        let mut recipients = Vec::new();
        for client_id in storage::channels::member_ids(&mut tx, &channel).await? {
            recipients.extend(digests::invited_client(&mut tx, &client_id).await?);
        }
        for user in &staff {
            let scope = authz::scope(&user.actor());
            if storage::channels::get_visible(&mut tx, &scope, &user.id, &channel_id)
                .await?
                .is_some()
            {
                recipients.push(user.clone());
            }
        }
        for recipient in recipients {
            let preference = UnreadMessages::parse(recipient.unread_messages.as_deref());
            if preference == UnreadMessages::Off {
                continue;
            }
            let reader = authz::scope(&recipient.actor());
            let mut unread =
                digests::unread_for(&mut tx, &reader, &channel_id, &recipient.id, i64::MAX).await?;
            if let Actor::Internal(_) = recipient.actor() {
                unread.retain(|m| m.sender_type() == UserType::Client);
            }
            let Some(newest) = unread.last().map(|m| m.seq) else {
                continue;
            };
            // A digest sums everything up; "every message" sends one e-mail each.
            let e_mails: Vec<&[UnreadMessage]> = match preference {
                UnreadMessages::Every => unread.chunks(1).collect(),
                _ => vec![&unread[..]],
            };
            // Each digest covers one channel, so its reply address is that
            // channel's (docs/decisions.md, "Replies by e-mail").
            let reply_to =
                email_replies::reply_address(ctx, &mut tx, &recipient.id, &channel_id).await?;
            for messages in e_mails {
                let senders = names.tally(&mut tx, messages).await?;
                let quoted = match includes_text {
                    true => Some(names.texts(&mut tx, messages).await?),
                    false => None,
                };
                let email = templates::unread_digest(&DigestSummary {
                    brand: &brand,
                    to: &recipient.email,
                    given_name: &recipient.given_name,
                    senders: &senders,
                    messages: quoted.as_deref(),
                    reply_to: reply_to.as_deref(),
                    channel_url: &format!("{}/messages/{channel_id}", ctx.config.public_url),
                    unsubscribe_url: &unsubscribe_url(ctx, &recipient),
                });
                let upto = messages.last().map_or(newest, |m| m.seq);
                let key = format!("digest:{}:{channel_id}:{upto}", recipient.id);
                if super::enqueue(&mut tx, &key, email).await? {
                    queued += 1;
                }
            }
            digests::set_mark(&mut tx, &channel_id, &recipient.id, newest).await?;
        }
    }
    digests::set_scan(&mut tx, last).await?;
    ctx.commit(tx).await?;
    if queued > 0 {
        tracing::info!(queued, "queued unread digests");
    }
    Ok(queued)
}

/// The one-click unsubscribe link for someone.
pub fn unsubscribe_url(ctx: &Context, recipient: &Recipient) -> String {
    format!(
        "{}/v1/email-preferences/unsubscribe?token={}",
        ctx.config.public_url,
        unsubscribe_token(&ctx.config.secret_key, &recipient.id)
    )
}

/// Senders' display names, looked up once per scan.
#[derive(Default)]
struct Names(HashMap<String, String>);

impl Names {
    async fn name(&mut self, conn: &mut Conn, message: &UnreadMessage) -> Result<String> {
        if let Some(name) = self.0.get(&message.sender_id) {
            return Ok(name.clone());
        }
        let name = if message.sender_type() == UserType::Client {
            storage::clients::get(conn, &message.sender_id)
                .await?
                .map(|c| format!("{} {}", c.given_name, c.family_name))
        } else {
            storage::internal_users::get(conn, &message.sender_id)
                .await?
                .map(|u| format!("{} {}", u.given_name, u.family_name))
        }
        .unwrap_or_else(|| "someone".into());
        self.0.insert(message.sender_id.clone(), name.clone());
        Ok(name)
    }

    /// Each message's sender name and text, oldest first.
    async fn texts(
        &mut self,
        conn: &mut Conn,
        messages: &[UnreadMessage],
    ) -> Result<Vec<(String, String)>> {
        let mut texts = Vec::with_capacity(messages.len());
        for message in messages {
            let name = self.name(conn, message).await?;
            let text = if message.text.trim().is_empty() {
                "(files)".to_string()
            } else {
                message.text.clone()
            };
            texts.push((name, text));
        }
        Ok(texts)
    }

    /// How many of the messages each sender wrote, in order of first message.
    async fn tally(
        &mut self,
        conn: &mut Conn,
        messages: &[UnreadMessage],
    ) -> Result<Vec<(String, usize)>> {
        let mut tally: Vec<(String, usize)> = Vec::new();
        for message in messages {
            let name = self.name(conn, message).await?;
            match tally.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => tally.push((name, 1)),
            }
        }
        Ok(tally)
    }
}
