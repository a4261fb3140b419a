//! The team: admins and staff, and which companies limited staff may see.

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::audit::{self, Source};
use super::clients::INVITE_LIFETIME_MS;
use super::{events, views, Context, Page, PageRequest};
use crate::auth::tokens::{LinkPurpose, SignedLink};
use crate::auth::Actor;
use crate::authz;
use crate::domain::audit::{Action, Target};
use crate::domain::event::EventKind;
use crate::domain::internal_user::{InternalUser, Role};
use crate::domain::{fallback_color, new_id, Email, Name};
use crate::error::{Error, Result};
use crate::storage::internal_users::{InternalUserRow, NewInternalUser};
use crate::storage::{self, now_ms, Conn};

#[tracing::instrument(skip_all)]
pub async fn list(ctx: &Context, actor: &Actor, page: PageRequest) -> Result<Page<InternalUser>> {
    let mut conn = ctx.store.reader().await?;
    let rows = storage::internal_users::list(&mut conn, page.after(), page.limit).await?;
    let (rows, next_token) = page.split(rows, |r| r.seq);
    let mut data = Vec::with_capacity(rows.len());
    for row in rows {
        data.push(as_seen_by(
            actor,
            views::internal_user(&mut conn, row).await?,
        ));
    }
    Ok(Page { data, next_token })
}

#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Context, actor: &Actor, id: &str) -> Result<InternalUser> {
    let mut conn = ctx.store.reader().await?;
    let row = storage::found(
        storage::internal_users::get(&mut conn, id).await?,
        "internal user",
    )?;
    Ok(as_seen_by(
        actor,
        views::internal_user(&mut conn, row).await?,
    ))
}

/// A team member as this actor may see them: clients see only the public face.
fn as_seen_by(actor: &Actor, user: InternalUser) -> InternalUser {
    if authz::sees_private_details(actor, &user.id) {
        user
    } else {
        user.into_public_face()
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateInternalUser {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub role: Role,
    #[serde(default)]
    pub is_client_access_limited: bool,
    #[serde(default)]
    pub company_access_list: Vec<String>,
    /// Refused when present: admins never choose passwords for others. The
    /// new member gets an invitation e-mail and chooses their own.
    #[serde(default)]
    #[schema(ignore)]
    pub password: Option<serde_json::Value>,
}

async fn check_companies(conn: &mut Conn, ids: &[String]) -> Result<()> {
    for id in ids {
        if storage::companies::get(conn, id).await?.is_none() {
            return Err(Error::invalid(format!(
                "companyAccessList names unknown company {id}"
            )));
        }
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn create(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    request: &CreateInternalUser,
) -> Result<InternalUser> {
    authz::require_admin(actor)?;
    let given_name = Name::parse("givenName", &request.given_name)?;
    let family_name = Name::parse("familyName", &request.family_name)?;
    let email = Email::parse("email", &request.email)?;
    if request.password.is_some() {
        return Err(Error::invalid(
            "password: admins do not choose passwords for others; the new member gets an \
             invitation e-mail and chooses their own",
        ));
    }

    let mut tx = ctx.store.begin().await?;
    if storage::clients::email_taken(&mut tx, email.as_str(), "").await? {
        return Err(Error::Conflict(format!(
            "{} is already used by someone in this workspace",
            email.as_str()
        )));
    }
    check_companies(&mut tx, &request.company_access_list).await?;
    let id = new_id();
    storage::internal_users::insert(
        &mut tx,
        &NewInternalUser {
            id: &id,
            given_name: given_name.as_str(),
            family_name: family_name.as_str(),
            email: email.as_str(),
            role: request.role,
            is_client_access_limited: request.is_client_access_limited,
            password_hash: None,
            fallback_color: &fallback_color(&id),
            invite_expires_at: Some(now_ms() + INVITE_LIFETIME_MS),
            now: now_ms(),
        },
    )
    .await?;
    storage::internal_users::set_company_access(&mut tx, &id, &request.company_access_list).await?;
    let row = storage::found(
        storage::internal_users::get(&mut tx, &id).await?,
        "internal user",
    )?;
    let invite_url = queue_invitation(ctx, &mut tx, &row).await?;
    let mut user = views::internal_user(&mut tx, row).await?;
    events::directory(&mut tx, EventKind::InternalUserCreated, &user, None).await?;
    audit::record(
        &mut tx,
        source,
        Action::InternalUserInvited,
        Some(member(&user)),
        json!({
            "email": user.email,
            "role": user.role,
            "isClientAccessLimited": user.is_client_access_limited,
            "companyAccessList": user.company_access_list,
        }),
    )
    .await?;
    user.invite_url = invite_url;
    ctx.commit(tx).await?;
    Ok(user)
}

/// Issues a new invitation to a member who never chose a password (the old
/// link stops working) and e-mails it.
pub(crate) async fn reinvite(ctx: &Context, conn: &mut Conn, id: &str) -> Result<()> {
    storage::internal_users::reinvite(conn, id, now_ms() + INVITE_LIFETIME_MS).await?;
    let row = storage::found(
        storage::internal_users::get(conn, id).await?,
        "internal user",
    )?;
    queue_invitation(ctx, conn, &row).await?;
    Ok(())
}

/// An admin e-mails a new invitation to a member who has not accepted
/// theirs (the old link stops working); refused once they have.
#[tracing::instrument(skip_all)]
pub async fn resend_invitation(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    id: &str,
) -> Result<()> {
    authz::require_admin(actor)?;
    let mut tx = ctx.store.begin().await?;
    let row = storage::found(
        storage::internal_users::get(&mut tx, id).await?,
        "internal user",
    )?;
    if row.invite_expires_at.is_none() {
        return Err(Error::Conflict(
            "this member has already accepted their invitation".into(),
        ));
    }
    reinvite(ctx, &mut tx, id).await?;
    let target = Target::new("internalUser", id, None);
    let action = Action::InternalUserInvitationResent;
    audit::record(&mut tx, source, action, Some(target), json!({})).await?;
    ctx.commit(tx).await
}

/// Queues the invitation e-mail for the member's current invitation link,
/// in the transaction that issued it; returns the link.
async fn queue_invitation(
    ctx: &Context,
    conn: &mut Conn,
    row: &InternalUserRow,
) -> Result<Option<String>> {
    let Some(expires_at_ms) = row.invite_expires_at else {
        return Ok(None);
    };
    let link = SignedLink {
        user_id: row.id.clone(),
        expires_at_ms,
    };
    let url = views::link_url(
        ctx,
        "invite",
        &link,
        LinkPurpose::StaffInvitation,
        row.invite_version,
    );
    let brand = super::workspace::load(conn).await?.brand_name;
    let email = crate::mail::templates::staff_invitation(&brand, &row.email, &row.given_name, &url);
    crate::mail::enqueue(
        conn,
        &format!("staff-invite:{}:{}", row.id, row.invite_version),
        email,
    )
    .await?;
    Ok(Some(url))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInternalUser {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub role: Option<Role>,
    pub is_client_access_limited: Option<bool>,
    pub company_access_list: Option<Vec<String>>,
}

#[tracing::instrument(skip_all)]
pub async fn update(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    id: &str,
    request: &UpdateInternalUser,
) -> Result<InternalUser> {
    authz::require_admin(actor)?;
    let mut tx = ctx.store.begin().await?;
    let mut row = storage::found(
        storage::internal_users::get(&mut tx, id).await?,
        "internal user",
    )?;
    let was = views::internal_user(&mut tx, row.clone()).await?;
    if let Some(name) = &request.given_name {
        row.given_name = Name::parse("givenName", name)?.into_string();
    }
    if let Some(name) = &request.family_name {
        row.family_name = Name::parse("familyName", name)?.into_string();
    }
    if let Some(role) = request.role {
        if row.role == Role::Admin
            && role != Role::Admin
            && storage::internal_users::count_admins(&mut tx).await? <= 1
        {
            return Err(Error::Conflict(
                "the workspace needs at least one admin".into(),
            ));
        }
        row.role = role;
    }
    if let Some(limited) = request.is_client_access_limited {
        row.is_client_access_limited = storage::flag(limited);
    }
    if let Some(list) = &request.company_access_list {
        check_companies(&mut tx, list).await?;
        storage::internal_users::set_company_access(&mut tx, id, list).await?;
    }
    row.updated_at = now_ms();
    storage::internal_users::update(&mut tx, &row).await?;
    events::access_changed(&mut tx, id).await?;
    let user = views::internal_user(&mut tx, row).await?;
    events::directory(&mut tx, EventKind::InternalUserUpdated, &user, Some(&was)).await?;
    record_update(&mut tx, source, &was, &user).await?;
    ctx.commit(tx).await?;
    Ok(user)
}

/// Records what an admin changed of a member: an entry each for their name,
/// their role and their access, as far as each changed.
async fn record_update(
    conn: &mut Conn,
    source: &Source,
    was: &InternalUser,
    now: &InternalUser,
) -> Result<()> {
    type Fields = fn(&InternalUser) -> Vec<(&'static str, serde_json::Value)>;
    let changed: [(Action, Fields); 3] = [
        (Action::InternalUserRenamed, |user| {
            vec![(
                "name",
                json!(format!("{} {}", user.given_name, user.family_name)),
            )]
        }),
        (Action::InternalUserRoleChanged, |user| {
            vec![("role", json!(user.role))]
        }),
        (Action::InternalUserAccessChanged, |user| {
            let mut companies = user.company_access_list.clone().unwrap_or_default();
            companies.sort();
            vec![
                (
                    "isClientAccessLimited",
                    json!(user.is_client_access_limited),
                ),
                ("companyAccessList", json!(companies)),
            ]
        }),
    ];
    for (action, fields) in changed {
        if let Some(details) = audit::changes(was, now, fields) {
            audit::record(conn, source, action, Some(member(now)), details).await?;
        }
    }
    Ok(())
}

/// A member as the target of an entry, by their name now.
fn member(user: &InternalUser) -> Target {
    Target::new(
        "internalUser",
        user.id.clone(),
        format!("{} {}", user.given_name, user.family_name),
    )
}

#[tracing::instrument(skip_all)]
pub async fn delete(ctx: &Context, actor: &Actor, source: &Source, id: &str) -> Result<()> {
    authz::require_admin(actor)?;
    let mut tx = ctx.store.begin().await?;
    let row = storage::found(
        storage::internal_users::get(&mut tx, id).await?,
        "internal user",
    )?;
    if row.role == Role::Admin && storage::internal_users::count_admins(&mut tx).await? <= 1 {
        return Err(Error::Conflict(
            "the workspace needs at least one admin".into(),
        ));
    }
    let was = views::internal_user(&mut tx, row).await?;
    storage::channels::unassign(&mut tx, id).await?;
    // Their own saved replies go with them (by cascade), their files after.
    let blobs = storage::saved_replies::blob_ids_of_owner(&mut tx, id).await?;
    storage::internal_users::delete(&mut tx, id).await?;
    events::access_changed(&mut tx, id).await?;
    events::directory(&mut tx, EventKind::InternalUserDeleted, &was, None).await?;
    audit::record(
        &mut tx,
        source,
        Action::InternalUserDeleted,
        Some(member(&was)),
        json!({ "email": was.email, "role": was.role }),
    )
    .await?;
    ctx.commit(tx).await?;
    super::attachments::release_blobs(ctx, blobs).await;
    Ok(())
}
