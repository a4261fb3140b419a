//! Telling internal users that a message mentions them: a notification in
//! their notification centre, and an e-mail unless they turned e-mail about
//! messages off. Written in the message's own transaction, so a mention is
//! told exactly when its message exists.

use super::email_preferences::UnreadMessages;
use super::{events, sessions, workspace, Context};
use crate::authz;
use crate::domain::event::EventKind;
use crate::domain::message::Message;
use crate::domain::{new_id, UserType};
use crate::error::{Error, Result};
use crate::storage::notifications::NotificationRow;
use crate::storage::{self, flag, now_ms, Conn};

/// How much of the message a notification quotes.
const EXCERPT_CHARS: usize = 200;

/// Tells each of `ids` that `message` mentions them. Each must be an
/// internal user who sees the message (a note's channel included): naming
/// anyone else refuses the message.
pub async fn tell(ctx: &Context, conn: &mut Conn, message: &Message, ids: &[String]) -> Result<()> {
    let sender = sender_name(conn, message).await?;
    let excerpt = excerpt(&message.text);
    let title = format!("{sender} mentioned you");
    let brand = workspace::load(conn).await?.brand_name;
    let link = format!(
        "{}/messages/{}",
        ctx.config.public_url.trim_end_matches('/'),
        message.channel_id
    );
    for id in ids {
        let user = storage::internal_users::get(conn, id)
            .await?
            .ok_or_else(|| Error::invalid(format!("mentionIds: {id} is not an internal user")))?;
        let reader = sessions::staff_actor(&user);
        if storage::channels::visible(conn, &authz::scope(&reader), &message.channel_id)
            .await?
            .is_none()
        {
            return Err(Error::invalid(format!(
                "mentionIds: {} {} cannot see this conversation",
                user.given_name, user.family_name
            )));
        }
        let emailed =
            UnreadMessages::parse(storage::digests::preference(conn, id).await?.as_deref())
                != UnreadMessages::Off;
        let now = now_ms();
        let row = NotificationRow {
            seq: 0,
            id: new_id(),
            sender_id: message.sender_id.clone(),
            sender_type: message.sender_type.as_str().to_string(),
            sender_company_id: None,
            recipient_client_id: None,
            recipient_internal_user_id: Some(id.clone()),
            recipient_company_id: None,
            in_product: flag(true),
            in_product_title: Some(title.clone()),
            in_product_body: Some(excerpt.clone()),
            in_product_cta_params: None,
            email: flag(emailed),
            email_subject: emailed.then(|| title.clone()),
            email_header: emailed.then(|| title.clone()),
            email_title: emailed.then(|| "Open the conversation".to_string()),
            email_body: emailed.then(|| excerpt.clone()),
            email_cta_params: None,
            read_at: None,
            created_at: now,
            updated_at: now,
        };
        storage::notifications::insert(conn, &row).await?;
        if emailed {
            let email =
                crate::mail::templates::notification(&crate::mail::templates::NotificationEmail {
                    brand: &brand,
                    to: &user.email,
                    subject: &title,
                    header: &title,
                    body: Some(&excerpt),
                    cta_label: "Open the conversation",
                    cta_url: &link,
                });
            crate::mail::enqueue(conn, &format!("mention:{}:{id}", message.id), email).await?;
        }
        let notification = super::views::notification(row);
        events::notification(conn, EventKind::NotificationCreated, &notification).await?;
    }
    Ok(())
}

async fn sender_name(conn: &mut Conn, message: &Message) -> Result<String> {
    Ok(match message.sender_type {
        UserType::InternalUser => storage::internal_users::get(conn, &message.sender_id)
            .await?
            .map(|u| format!("{} {}", u.given_name, u.family_name)),
        UserType::Client => storage::clients::get(conn, &message.sender_id)
            .await?
            .map(|c| format!("{} {}", c.given_name, c.family_name)),
    }
    .unwrap_or_else(|| "Someone".into()))
}

/// The start of a message's text, on one line.
fn excerpt(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_excerpt_is_one_line_and_short() {
        assert_eq!(super::excerpt("Hi\n\n@Sam  look"), "Hi @Sam look");
        let long = "é".repeat(300);
        let cut = super::excerpt(&long);
        assert_eq!(cut.chars().count(), super::EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }
}
