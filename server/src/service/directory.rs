//! Names for people and channels, as the web app shows them. Whoever may see
//! a channel may see the names (not the e-mail addresses) of its members and
//! of the workspace's staff; callers pass channels they obtained through
//! `channels::get` or `channels::list`, which decided that visibility.

use super::Context;
use crate::auth::Actor;
use crate::domain::channel::{MembershipType, MessageChannel};
use crate::error::Result;
use crate::storage::{self, Conn};

/// Someone who can appear in a conversation.
pub struct Named {
    pub id: String,
    pub name: String,
    pub is_staff: bool,
}

/// A channel with its title and its newest message.
pub struct Card {
    pub channel: MessageChannel,
    pub title: String,
    pub last_message: Option<LastMessage>,
}

/// What a channel list shows of a channel's newest message.
pub struct LastMessage {
    pub id: String,
    pub text: String,
    /// Its files' names, for a message that is only files.
    pub file_names: Vec<String>,
    pub deleted: bool,
}

/// The members of a channel and the staff, by name.
pub async fn people(ctx: &Context, channel: &MessageChannel) -> Result<Vec<Named>> {
    let mut conn = ctx.store.reader().await?;
    let mut people = Vec::new();
    for id in &channel.member_ids {
        if let Some(client) = storage::clients::get(&mut conn, id).await? {
            people.push(Named {
                id: client.id,
                name: format!("{} {}", client.given_name, client.family_name),
                is_staff: false,
            });
        }
    }
    for staff in storage::internal_users::list(&mut conn, 0, 10_000).await? {
        people.push(Named {
            id: staff.id,
            name: format!("{} {}", staff.given_name, staff.family_name),
            is_staff: true,
        });
    }
    Ok(people)
}

/// Titles and previews for a list of channels the actor sees.
pub async fn cards(
    ctx: &Context,
    actor: &Actor,
    channels: Vec<MessageChannel>,
) -> Result<Vec<Card>> {
    let mut conn = ctx.store.reader().await?;
    let scope = crate::authz::scope(actor);
    let mut cards = Vec::with_capacity(channels.len());
    for channel in channels {
        let title = title(&mut conn, actor, &channel).await?;
        let newest = storage::messages::list(&mut conn, &scope, &channel.id, i64::MAX, 1)
            .await?
            .into_iter()
            .next();
        let last_message = match newest {
            Some(m) => {
                let file_names = if m.text.trim().is_empty() {
                    storage::attachments::of_messages(&mut conn, &[m.id.as_str()])
                        .await?
                        .into_iter()
                        .map(|a| a.name)
                        .collect()
                } else {
                    Vec::new()
                };
                Some(LastMessage {
                    deleted: m.deleted_at.is_some(),
                    id: m.id,
                    text: m.text,
                    file_names,
                })
            }
            None => None,
        };
        cards.push(Card {
            channel,
            title,
            last_message,
        });
    }
    Ok(cards)
}

/// What to call a channel: a client's own channel is the workspace to them
/// and the client's name to staff; a company channel is the company; a group
/// lists its members.
async fn title(conn: &mut Conn, actor: &Actor, channel: &MessageChannel) -> Result<String> {
    match channel.membership_type {
        MembershipType::Individual if matches!(actor, Actor::Client(_)) => {
            Ok(super::workspace::load(conn).await?.brand_name)
        }
        _ => staff_title(conn, channel).await,
    }
}

/// A channel's name as the team knows it: its client's name, its group's
/// first names, or its company's name.
pub async fn staff_title(conn: &mut Conn, channel: &MessageChannel) -> Result<String> {
    match channel.membership_type {
        MembershipType::Individual | MembershipType::Group => {
            let mut names = Vec::new();
            for id in &channel.member_ids {
                if let Some(client) = storage::clients::get(conn, id).await? {
                    names.push(if channel.member_ids.len() == 1 {
                        format!("{} {}", client.given_name, client.family_name)
                    } else {
                        client.given_name
                    });
                }
            }
            Ok(names.join(", "))
        }
        MembershipType::Company => {
            let company = match &channel.company_id {
                Some(id) => storage::companies::get(conn, id).await?,
                None => None,
            };
            Ok(company.map(|c| c.name).unwrap_or_default())
        }
    }
}
