//! Replies by e-mail: the reply address each e-mail about a conversation
//! carries, and what happens to an e-mail that arrives at one.
//!
//! A reply address (`reply+TOKEN@REPLY-DOMAIN`) stands for one person and
//! one channel. A reply posts as that person only while all of this holds:
//! they still see the channel (asked of `authz`, like every other door), the
//! e-mail's `From` is their address, and no machine sent it. A forged
//! `From` is refused and the person — never the claimed sender — hears of
//! it, at most once a day. Nothing here ever writes to the sender of a
//! refused e-mail: refusals are SMTP answers in the session, so no
//! backscatter reaches a forged address.

use bytes::Bytes;

use super::{attachments, messages, sessions, workspace, Context};
use crate::auth::tokens::reply_token;
use crate::auth::Actor;
use crate::authz;
use crate::domain::UserType;
use crate::error::{Error, Result};
use crate::inbound::parse::IncomingEmail;
use crate::storage::{self, now_ms, Conn};

/// The local part's prefix of every reply address.
const PREFIX: &str = "reply+";
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The reply address of `user_id` for `channel_id`, recorded so a reply can
/// be traced back; None when replies by e-mail are off (no reply domain).
pub async fn reply_address(
    ctx: &Context,
    conn: &mut Conn,
    user_id: &str,
    channel_id: &str,
) -> Result<Option<String>> {
    let Some(domain) = &ctx.config.inbound.reply_domain else {
        return Ok(None);
    };
    let token = reply_token(&ctx.config.secret_key, user_id, channel_id);
    storage::reply_addresses::remember(conn, &token, user_id, channel_id, now_ms()).await?;
    Ok(Some(format!("{PREFIX}{token}@{domain}")))
}

/// The token of an address at the reply domain, in lower case.
fn token_of(ctx: &Context, address: &str) -> Option<String> {
    let domain = ctx.config.inbound.reply_domain.as_deref()?;
    let (local, at) = address.trim().rsplit_once('@')?;
    if !at.eq_ignore_ascii_case(domain) {
        return None;
    }
    let local = local.to_ascii_lowercase();
    let token = local.strip_prefix(PREFIX)?;
    (!token.is_empty() && token.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| token.to_string())
}

/// Whom a reply address lets post, and where.
pub struct ReplyTarget {
    pub actor: Actor,
    pub user_id: String,
    pub email: String,
    pub given_name: String,
    pub channel_id: String,
}

/// The person and channel of a reply address, while the person exists and
/// still sees the channel; None for any other address.
pub async fn target(ctx: &Context, address: &str) -> Result<Option<ReplyTarget>> {
    let Some(token) = token_of(ctx, address) else {
        return Ok(None);
    };
    let mut conn = ctx.store.reader().await?;
    let Some((user_id, channel_id)) = storage::reply_addresses::find(&mut conn, &token).await?
    else {
        return Ok(None);
    };
    let person = match storage::clients::get(&mut conn, &user_id).await? {
        Some(client) => Some((UserType::Client, client.email, client.given_name)),
        None => storage::internal_users::get(&mut conn, &user_id)
            .await?
            .map(|staff| (UserType::InternalUser, staff.email, staff.given_name)),
    };
    let Some((kind, email, given_name)) = person else {
        return Ok(None);
    };
    let Some(actor) = sessions::load_actor(&mut conn, &user_id, kind).await? else {
        return Ok(None);
    };
    let sees_channel = storage::channels::visible(&mut conn, &authz::scope(&actor), &channel_id)
        .await?
        .is_some();
    Ok(sees_channel.then_some(ReplyTarget {
        actor,
        user_id,
        email,
        given_name,
        channel_id,
    }))
}

/// What became of an e-mail sent to one reply address.
#[derive(Debug)]
pub enum Delivery {
    /// It is a message of the conversation now.
    Posted { message_id: String },
    /// Taken and dropped on purpose, without a word to the sender: replies
    /// of machines (which would answer back and loop) and second deliveries.
    Dropped(String),
    /// Refused; the SMTP client is told with this answer (a permanent one).
    Refused(Refusal),
}

/// An SMTP refusal: code, enhanced status and text.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub code: u16,
    pub status: &'static str,
    pub reason: String,
}

impl Refusal {
    fn new(code: u16, status: &'static str, reason: impl Into<String>) -> Refusal {
        Refusal {
            code,
            status,
            reason: reason.into(),
        }
    }
}

/// Posts a reply that arrived for `recipient` (a reply address), sent with
/// the envelope sender `return_path` (empty for bounces).
#[tracing::instrument(skip_all)]
pub async fn receive(
    ctx: &Context,
    return_path: &str,
    recipient: &str,
    email: &IncomingEmail,
) -> Result<Delivery> {
    if return_path.trim().is_empty() {
        return Ok(Delivery::Dropped(
            "a bounce or machine reply (empty return path)".into(),
        ));
    }
    if let Some(why) = &email.automatic {
        return Ok(Delivery::Dropped(format!("sent by a machine: {why}")));
    }
    let Some(target) = target(ctx, recipient).await? else {
        return Ok(Delivery::Refused(Refusal::new(
            550,
            "5.1.1",
            "no such reply address",
        )));
    };
    let from_matches = email
        .from
        .as_deref()
        .is_some_and(|from| from.eq_ignore_ascii_case(target.email.trim()));
    if !from_matches {
        // Taken and dropped, not refused: a relay in front of Parlor that
        // already accepted it would bounce a refusal to the sender, who may
        // be forged. The person hears of it instead.
        tell_of_forgery(ctx, &target, email.from.as_deref()).await?;
        return Ok(Delivery::Dropped(
            "the sender is not the person this reply address belongs to".into(),
        ));
    }
    let key = idempotency_key(&email.message_id);
    {
        let mut conn = ctx.store.reader().await?;
        if storage::messages::by_idempotency_key(&mut conn, &target.user_id, &key)
            .await?
            .is_some()
        {
            return Ok(Delivery::Dropped(
                "delivered before (same Message-ID)".into(),
            ));
        }
    }
    let mut uploaded = Vec::with_capacity(email.files.len());
    let posted = async {
        for file in &email.files {
            let body = futures_util::stream::iter([Ok(Bytes::from(file.bytes.clone()))]);
            uploaded.push(
                attachments::upload(ctx, &target.actor, &file.name, body)
                    .await?
                    .id,
            );
        }
        messages::send_by_email(
            ctx,
            &target.actor,
            &target.channel_id,
            &email.text,
            uploaded.clone(),
            &key,
        )
        .await
    }
    .await;
    match posted {
        Ok(message) => Ok(Delivery::Posted {
            message_id: message.id,
        }),
        Err(Error::Internal(err)) => {
            discard(ctx, &target.actor, &uploaded).await;
            Err(Error::Internal(err))
        }
        // The same e-mail posted meanwhile by another delivery of it: its
        // key is taken, by a message with the other delivery's files.
        Err(Error::Conflict(_)) => {
            discard(ctx, &target.actor, &uploaded).await;
            Ok(Delivery::Dropped(
                "delivered at the same time by another connection (same Message-ID)".into(),
            ))
        }
        Err(refused) => {
            discard(ctx, &target.actor, &uploaded).await;
            Ok(Delivery::Refused(refusal_for(&refused)))
        }
    }
}

/// Removes the files of a reply that could not be posted.
async fn discard(ctx: &Context, actor: &Actor, ids: &[String]) {
    if ids.is_empty() {
        return;
    }
    if let Err(err) = attachments::discard(ctx, actor, ids).await {
        tracing::warn!(error = %err, "discarding the files of a refused reply failed; housekeeping will");
    }
}

/// The SMTP answer for a reply the rules refused.
fn refusal_for(error: &Error) -> Refusal {
    match error {
        Error::PayloadTooLarge(reason) | Error::QuotaExceeded(reason) => {
            Refusal::new(552, "5.3.4", reason.clone())
        }
        Error::RateLimited { .. } => {
            Refusal::new(451, "4.7.1", "too many files at once; try later")
        }
        other => Refusal::new(550, "5.6.0", other.to_string()),
    }
}

/// The idempotency key of an e-mail: its Message-ID, within the length
/// the messages' keys allow.
fn idempotency_key(message_id: &str) -> String {
    let key = format!("email:{message_id}");
    match key.char_indices().nth(messages::MAX_IDEMPOTENCY_KEY_CHARS) {
        Some((end, _)) => key[..end].to_string(),
        None => key,
    }
}

/// Tells the person a reply address belongs to that an e-mail from another
/// address was refused — once a day at most, through the outbox's dedupe
/// key, however many forged e-mails arrive.
async fn tell_of_forgery(
    ctx: &Context,
    target: &ReplyTarget,
    claimed_from: Option<&str>,
) -> Result<()> {
    // Named only when it looks like an address: the forger chooses it, and
    // the notice goes out under the workspace's name.
    let claimed_from = claimed_from
        .filter(|from| {
            from.len() <= 254
                && from.contains('@')
                && !from.chars().any(|c| c.is_whitespace() || c.is_control())
        })
        .unwrap_or("another address");
    let day = now_ms().div_euclid(DAY_MS);
    let key = format!("reply-refused:{}:{day}", target.user_id);
    let mut tx = ctx.store.begin().await?;
    let brand = workspace::load(&mut tx).await?.brand_name;
    let channel_url = format!("{}/messages/{}", ctx.config.public_url, target.channel_id);
    let email = crate::mail::templates::reply_refused(
        &brand,
        &target.email,
        &target.given_name,
        claimed_from,
        &channel_url,
    );
    let queued = crate::mail::enqueue(&mut tx, &key, email).await?;
    ctx.commit(tx).await?;
    if queued {
        tracing::info!(user = %target.user_id, "told a person of a reply refused for its sender");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_idempotency_key_stays_within_the_limit() {
        assert_eq!(idempotency_key("abc@x"), "email:abc@x");
        let long = "m".repeat(500);
        assert_eq!(
            idempotency_key(&long).chars().count(),
            messages::MAX_IDEMPOTENCY_KEY_CHARS
        );
    }
}
