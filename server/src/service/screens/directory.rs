//! The Companies screens, and the steps of the Clients screens that use
//! more than one use case.

use parlor_model as model;

use super::every;
use super::people::{client_summary, company_index, company_summary};
use crate::auth::Actor;
use crate::authz;
use crate::domain::{Email, Name};
use crate::error::Result;
use crate::service::clients::{self, CreateClient, ListClients, UpdateClient};
use crate::service::companies::{self, CreateCompany, ListCompanies};
use crate::service::paging::PageRequest;
use crate::service::Context;

/// One company and the clients of it the actor may see, sorted by name.
pub async fn company_page(
    ctx: &Context,
    actor: &Actor,
    company_id: &str,
) -> Result<model::CompanyPage> {
    authz::require_internal(actor)?;
    let company = companies::get(ctx, actor, company_id).await?;
    let filter = ListClients {
        company_id: Some(company_id),
        email: None,
        given_name: None,
        family_name: None,
    };
    let found = every("clients", |page| clients::list(ctx, actor, &filter, page)).await?;
    let index = company_index(ctx, actor).await?;
    let mut clients: Vec<model::ClientSummary> = found
        .into_iter()
        .map(|c| client_summary(c, &index))
        .collect();
    clients.sort_by_key(|c| c.name.to_lowercase());
    Ok(model::CompanyPage {
        company: company_summary(company, clients.len()),
        clients,
    })
}

/// A client added on the Clients page: to the companies chosen and, when
/// a new company's name is typed, to that company, made for them unless a
/// company of that name exists (so that trying again after a refusal does
/// not trip over the company the first try made).
pub async fn add_client(
    ctx: &Context,
    actor: &Actor,
    client: model::NewClient,
) -> Result<model::ClientSummary> {
    authz::require_internal(actor)?;
    // The client's own fields are checked before a company is made for them.
    Name::parse("givenName", &client.given_name)?;
    Name::parse("familyName", &client.family_name)?;
    Email::parse("email", &client.email)?;
    let mut company_ids: Vec<String> = client
        .company_id
        .into_iter()
        .chain(client.company_ids)
        .filter(|id| !id.is_empty())
        .collect();
    let new_company = client.new_company.as_deref().map(str::trim);
    if let Some(name) = new_company.filter(|name| !name.is_empty()) {
        company_ids.push(company_named(ctx, actor, name).await?);
    }
    let create = CreateClient {
        given_name: client.given_name,
        family_name: client.family_name,
        email: client.email,
        company_id: None,
        company_ids: Some(company_ids),
    };
    let created = clients::create(ctx, actor, &create, false).await?;
    super::client(ctx, actor, created).await
}

/// The real company of this name, made if there is none.
async fn company_named(ctx: &Context, actor: &Actor, name: &str) -> Result<String> {
    let filter = ListCompanies {
        name: Some(name),
        is_placeholder: Some(false),
    };
    let found = companies::list(
        ctx,
        actor,
        &filter,
        PageRequest::parse("companies", Some(1), None)?,
    )
    .await?;
    if let Some(company) = found.data.into_iter().next() {
        return Ok(company.id);
    }
    let request = CreateCompany {
        name: name.to_string(),
        icon_image_url: None,
        fallback_color: None,
    };
    Ok(companies::create(ctx, actor, &request).await?.id)
}

/// A client renamed and moved between companies on their page.
pub async fn update_client(
    ctx: &Context,
    actor: &Actor,
    client_id: &str,
    changes: model::ClientChanges,
) -> Result<model::ClientSummary> {
    let update = UpdateClient {
        given_name: Some(changes.given_name),
        family_name: Some(changes.family_name),
        company_id: None,
        company_ids: Some(
            changes
                .company_ids
                .into_iter()
                .filter(|id| !id.is_empty())
                .collect(),
        ),
    };
    let updated = clients::update(ctx, actor, client_id, &update, false).await?;
    super::client(ctx, actor, updated).await
}
