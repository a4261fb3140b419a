//! What everyone signed in may change about themselves: their own profile.
//! (Their password: `passwords`; their sessions: `sessions::end_all`.)

use serde::Serialize;

use super::{events, views, Context};
use crate::auth::Actor;
use crate::domain::client::Client;
use crate::domain::event::EventKind;
use crate::domain::internal_user::InternalUser;
use crate::domain::{ImageUrl, Name};
use crate::error::{Error, Result};
use crate::storage::{self, now_ms};

/// Changes to one's own profile; fields left out stay as they are.
#[derive(Debug, Default, Clone)]
pub struct UpdateProfile {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// An http(s) URL of one's picture; `Some(None)` removes it.
    pub avatar_image_url: Option<Option<String>>,
}

/// One's own record after a change, as the API shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Profile {
    InternalUser(InternalUser),
    Client(Client),
}

/// The checked values of a profile change: all are checked before any is
/// applied, so a refused change changes nothing.
struct Checked {
    given_name: Option<String>,
    family_name: Option<String>,
    avatar_image_url: Option<Option<String>>,
}

impl Checked {
    /// Staff and clients keep these in rows of their own kinds.
    fn apply(self, given: &mut String, family: &mut String, avatar: &mut Option<String>) {
        if let Some(name) = self.given_name {
            *given = name;
        }
        if let Some(name) = self.family_name {
            *family = name;
        }
        if let Some(url) = self.avatar_image_url {
            *avatar = url;
        }
    }
}

fn check(request: &UpdateProfile) -> Result<Checked> {
    let name = |field: &str, raw: &Option<String>| -> Result<Option<String>> {
        raw.as_deref()
            .map(|raw| Ok(Name::parse(field, raw)?.into_string()))
            .transpose()
    };
    Ok(Checked {
        given_name: name("givenName", &request.given_name)?,
        family_name: name("familyName", &request.family_name)?,
        avatar_image_url: match &request.avatar_image_url {
            None => None,
            Some(None) => Some(None),
            Some(Some(url)) => Some(Some(ImageUrl::parse("avatarImageUrl", url)?.into_string())),
        },
    })
}

/// Changes the actor's own names and picture, and nothing of anyone else's.
///
/// No realtime event is recorded: neither an admin's change of a client's
/// or a staff member's names records one (the only event of a staff update,
/// `access.changed`, is for a changed role or company list, and it closes
/// the person's sockets so they reconnect with their new rights; a new name
/// changes no rights).
#[tracing::instrument(skip_all)]
pub async fn update_profile(
    ctx: &Context,
    actor: &Actor,
    request: &UpdateProfile,
) -> Result<Profile> {
    let checked = check(request)?;
    let mut tx = ctx.store.begin().await?;
    let now = now_ms();
    let profile = match actor {
        Actor::Internal(staff) => {
            let mut row = storage::internal_users::get(&mut tx, &staff.id)
                .await?
                .ok_or(Error::Unauthorized)?;
            let was = views::internal_user(&mut tx, row.clone()).await?;
            checked.apply(
                &mut row.given_name,
                &mut row.family_name,
                &mut row.avatar_image_url,
            );
            row.updated_at = now;
            storage::internal_users::update(&mut tx, &row).await?;
            let user = views::internal_user(&mut tx, row).await?;
            events::directory(&mut tx, EventKind::InternalUserUpdated, &user, Some(&was)).await?;
            Profile::InternalUser(user)
        }
        Actor::Client(client) => {
            let mut row = storage::clients::get(&mut tx, &client.id)
                .await?
                .ok_or(Error::Unauthorized)?;
            let was = views::client(ctx, &mut tx, row.clone(), false).await?;
            checked.apply(
                &mut row.given_name,
                &mut row.family_name,
                &mut row.avatar_image_url,
            );
            row.updated_at = now;
            storage::clients::update(&mut tx, &row).await?;
            let client = views::client(ctx, &mut tx, row, false).await?;
            events::directory(&mut tx, EventKind::ClientUpdated, &client, Some(&was)).await?;
            Profile::Client(client)
        }
    };
    ctx.commit(tx).await?;
    Ok(profile)
}
