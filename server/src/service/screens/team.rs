//! The Team page: everyone on the team, and an admin's changes to it, made
//! by the team use cases (`internal_users`), which hold the rules.

use std::collections::HashMap;

use parlor_model as model;

use super::{company_index, company_summary, every};
use crate::auth::Actor;
use crate::authz;
use crate::domain::company::Company;
use crate::domain::internal_user::{InternalUser, Role};
use crate::error::{Error, Result};
use crate::service::audit::Source;
use crate::service::internal_users::{self, CreateInternalUser, UpdateInternalUser};
use crate::service::Context;

/// Everyone on the team, admins first, then by name. Staff may look;
/// clients may not (they see team members only in their conversations).
pub async fn team(ctx: &Context, actor: &Actor) -> Result<model::Team> {
    let me = authz::require_internal(actor)?;
    let may_manage = me.role == Role::Admin;
    let companies = company_index(ctx, actor).await?;
    let members = every("internal users", |page| {
        internal_users::list(ctx, actor, page)
    })
    .await?;
    let mut members: Vec<model::TeamMember> = members
        .into_iter()
        .map(|m| member(m, &companies, &me.id))
        .collect();
    members.sort_by_key(|m| (m.role != "admin", m.name.to_lowercase()));
    let mut companies: Vec<model::CompanySummary> = companies
        .into_values()
        .filter(|c| !c.is_placeholder)
        // Offered as choices of access: their clients are not counted.
        .map(|c| company_summary(c, 0))
        .collect();
    companies.sort_by_key(|c| c.name.to_lowercase());
    Ok(model::Team {
        members,
        companies,
        may_manage,
    })
}

pub async fn invite(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    invite: model::TeamInvite,
) -> Result<model::TeamMember> {
    let request = CreateInternalUser {
        given_name: invite.given_name,
        family_name: invite.family_name,
        email: invite.email,
        role: role(&invite.role)?,
        is_client_access_limited: invite.is_client_access_limited,
        company_access_list: invite.company_ids,
        password: None,
    };
    let created = internal_users::create(ctx, actor, source, &request).await?;
    shown(ctx, actor, created).await
}

/// Sets a member's role and access together, as the page's form shows them.
pub async fn change_access(
    ctx: &Context,
    actor: &Actor,
    source: &Source,
    id: &str,
    access: model::TeamAccess,
) -> Result<model::TeamMember> {
    let request = UpdateInternalUser {
        given_name: None,
        family_name: None,
        role: Some(role(&access.role)?),
        is_client_access_limited: Some(access.is_client_access_limited),
        company_access_list: Some(access.company_ids),
    };
    let updated = internal_users::update(ctx, actor, source, id, &request).await?;
    shown(ctx, actor, updated).await
}

fn role(raw: &str) -> Result<Role> {
    match raw {
        "admin" => Ok(Role::Admin),
        "staff" => Ok(Role::Staff),
        other => Err(Error::invalid(format!(
            "role must be admin or staff, not {other:?}"
        ))),
    }
}

async fn shown(ctx: &Context, actor: &Actor, user: InternalUser) -> Result<model::TeamMember> {
    let me = authz::require_internal(actor)?;
    Ok(member(user, &company_index(ctx, actor).await?, &me.id))
}

fn member(user: InternalUser, companies: &HashMap<String, Company>, me: &str) -> model::TeamMember {
    let company_ids = user.company_access_list.unwrap_or_default();
    let company_names = company_ids
        .iter()
        .filter_map(|id| companies.get(id))
        .map(|c| c.name.clone())
        .collect();
    model::TeamMember {
        name: format!("{} {}", user.given_name, user.family_name),
        is_me: user.id == me,
        id: user.id,
        email: user.email.unwrap_or_default(),
        role: user.role.unwrap_or(Role::Staff).as_str().to_string(),
        status: if user.invitation_pending == Some(true) {
            "invited"
        } else {
            "active"
        }
        .to_string(),
        is_client_access_limited: user.is_client_access_limited.unwrap_or(false),
        company_ids,
        company_names,
    }
}
