//! Who is signed in, and the clients and companies staff work with.

use std::collections::HashMap;

use parlor_model as model;

use super::{channel_summaries, every};
use crate::auth::Actor;
use crate::authz;
use crate::domain::client::Client;
use crate::domain::company::Company;
use crate::domain::internal_user::Role;
use crate::error::Result;
use crate::service::clients::{self, ListClients};
use crate::service::companies::{self, ListCompanies};
use crate::service::{internal_users, workspace, Context};

/// The signed-in person, as every page knows them.
pub async fn me(ctx: &Context, actor: &Actor) -> Result<model::Me> {
    let workspace = workspace::get(ctx).await?;
    let (id, name, is_staff, is_admin) = match actor {
        Actor::Internal(staff) => {
            let user = internal_users::get(ctx, actor, &staff.id).await?;
            let name = format!("{} {}", user.given_name, user.family_name);
            (user.id, name, true, user.role == Some(Role::Admin))
        }
        Actor::Client(client) => {
            let client = clients::get(ctx, actor, &client.id).await?;
            let name = format!("{} {}", client.given_name, client.family_name);
            (client.id, name, false, false)
        }
    };
    Ok(model::Me {
        id,
        name,
        is_staff,
        is_admin,
        workspace_name: workspace.brand_name,
        brand_color: workspace.brand_color,
        csrf_token: String::new(),
        landing: None,
    })
}

/// The clients and companies a staff member may reach, sorted by name.
pub async fn directory(ctx: &Context, actor: &Actor) -> Result<model::Directory> {
    authz::require_internal(actor)?;
    let companies = company_index(ctx, actor).await?;
    let filter = ListClients {
        company_id: None,
        email: None,
        given_name: None,
        family_name: None,
    };
    let clients = every("clients", |page| clients::list(ctx, actor, &filter, page)).await?;
    let mut clients: Vec<model::ClientSummary> = clients
        .into_iter()
        .map(|c| client_summary(c, &companies))
        .collect();
    clients.sort_by_key(|c| c.name.to_lowercase());
    let mut companies: Vec<model::CompanySummary> = companies
        .into_values()
        .map(|c| {
            let count = clients
                .iter()
                .filter(|client| client.company_ids.contains(&c.id))
                .count();
            company_summary(c, count)
        })
        .collect();
    companies.sort_by_key(|c| c.name.to_lowercase());
    Ok(model::Directory { clients, companies })
}

/// One client and the channels they are in, as the client's page shows.
pub async fn client_channels(
    ctx: &Context,
    actor: &Actor,
    client_id: &str,
) -> Result<model::ClientChannels> {
    authz::require_internal(actor)?;
    let client = clients::get(ctx, actor, client_id).await?;
    let channels = channel_summaries(ctx, actor, Some(client_id)).await?;
    Ok(model::ClientChannels {
        client: client_summary(client, &company_index(ctx, actor).await?),
        channels,
    })
}

/// A client as the Clients page lists them, with their companies' names.
pub async fn client(ctx: &Context, actor: &Actor, client: Client) -> Result<model::ClientSummary> {
    Ok(client_summary(client, &company_index(ctx, actor).await?))
}

/// A company as the Companies page lists it.
pub fn company_summary(company: Company, client_count: usize) -> model::CompanySummary {
    model::CompanySummary {
        id: company.id,
        name: company.name,
        is_placeholder: company.is_placeholder,
        client_count,
        icon_image_url: company.icon_image_url,
    }
}

/// Every company the actor may see, by id.
pub(super) async fn company_index(
    ctx: &Context,
    actor: &Actor,
) -> Result<HashMap<String, Company>> {
    let filter = ListCompanies {
        name: None,
        is_placeholder: None,
    };
    let companies = every("companies", |page| {
        companies::list(ctx, actor, &filter, page)
    })
    .await?;
    Ok(companies.into_iter().map(|c| (c.id.clone(), c)).collect())
}

pub(super) fn client_summary(
    client: Client,
    companies: &HashMap<String, Company>,
) -> model::ClientSummary {
    let company_ids = client.company_ids.unwrap_or_default();
    let company_names = company_ids
        .iter()
        .filter_map(|id| companies.get(id))
        .filter(|c| !c.is_placeholder)
        .map(|c| c.name.clone())
        .collect();
    model::ClientSummary {
        name: format!("{} {}", client.given_name, client.family_name),
        given_name: client.given_name,
        family_name: client.family_name,
        id: client.id,
        email: client.email.unwrap_or_default(),
        status: client
            .status
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        company_ids,
        company_names,
        invite_url: client.invite_url,
        last_sign_in: client.last_login_date.map(|t| t.to_rfc3339()),
    }
}
