//! The Account page: one's own profile, changed by `account::update_profile`.

use parlor_model as model;

use crate::auth::Actor;
use crate::error::Result;
use crate::service::account::{self, Profile, UpdateProfile};
use crate::service::{clients, internal_users, Context};

pub async fn account(ctx: &Context, actor: &Actor) -> Result<model::Account> {
    Ok(match actor {
        Actor::Internal(staff) => shown(Profile::InternalUser(
            internal_users::get(ctx, actor, &staff.id).await?,
        )),
        Actor::Client(client) => {
            shown(Profile::Client(clients::get(ctx, actor, &client.id).await?))
        }
    })
}

/// Saves the profile form: names left out stay, an empty picture address
/// removes the picture.
pub async fn save_profile(
    ctx: &Context,
    actor: &Actor,
    change: model::ProfileChange,
) -> Result<model::Account> {
    let request = UpdateProfile {
        given_name: change.given_name,
        family_name: change.family_name,
        avatar_image_url: change.avatar_image_url.map(|url| {
            let url = url.trim();
            (!url.is_empty()).then(|| url.to_string())
        }),
    };
    Ok(shown(account::update_profile(ctx, actor, &request).await?))
}

fn shown(profile: Profile) -> model::Account {
    match profile {
        Profile::InternalUser(user) => model::Account {
            given_name: user.given_name,
            family_name: user.family_name,
            email: user.email.unwrap_or_default(),
            avatar_image_url: user.avatar_image_url,
        },
        Profile::Client(client) => model::Account {
            given_name: client.given_name,
            family_name: client.family_name,
            email: client.email.unwrap_or_default(),
            avatar_image_url: client.avatar_image_url,
        },
    }
}
