//! Companies, including the placeholder company of a client who has none.

use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::audit::{self, Source};
use super::{events, views, Context, Page, PageRequest};
use crate::auth::Actor;
use crate::authz;
use crate::domain::audit::{Action, Target};
use crate::domain::company::Company;
use crate::domain::event::EventKind;
use crate::domain::{fallback_color, new_id, ImageUrl, Name};
use crate::error::{Error, Result};
use crate::storage::companies::{CompanyFilter, CompanyRow};
use crate::storage::{self, now_ms, Conn};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateCompany {
    pub name: String,
    pub icon_image_url: Option<String>,
    /// A colour such as `#9BBFFF` for the icon when there is no image.
    pub fallback_color: Option<String>,
}

fn parse_color(raw: &str) -> Result<String> {
    let ok =
        raw.len() == 7 && raw.starts_with('#') && raw[1..].chars().all(|c| c.is_ascii_hexdigit());
    if !ok {
        return Err(Error::invalid("fallbackColor must look like #9BBFFF"));
    }
    Ok(raw.to_uppercase())
}

fn parse_icon_url(raw: &str) -> Result<String> {
    Ok(ImageUrl::parse("iconImageUrl", raw)?.into_string())
}

async fn ensure_name_free(conn: &mut Conn, name: &str, except_id: &str) -> Result<()> {
    if storage::companies::name_taken(conn, name, except_id).await? {
        return Err(Error::Conflict(format!(
            "a company named {name:?} already exists"
        )));
    }
    Ok(())
}

#[tracing::instrument(skip_all)]
pub async fn create(ctx: &Context, actor: &Actor, request: &CreateCompany) -> Result<Company> {
    authz::require_unlimited_staff(actor)?;
    let name = Name::parse("name", &request.name)?;
    let id = new_id();
    let now = now_ms();
    let row = CompanyRow {
        seq: 0,
        fallback_color: match &request.fallback_color {
            Some(color) => parse_color(color)?,
            None => fallback_color(&id),
        },
        icon_image_url: request
            .icon_image_url
            .as_deref()
            .map(parse_icon_url)
            .transpose()?,
        id,
        name: name.into_string(),
        is_placeholder: 0,
        created_at: now,
        updated_at: now,
    };
    let mut tx = ctx.store.begin().await?;
    ensure_name_free(&mut tx, &row.name, "").await?;
    storage::companies::insert(&mut tx, &row).await?;
    let company = views::company(row);
    events::directory(&mut tx, EventKind::CompanyCreated, &company, None).await?;
    ctx.commit(tx).await?;
    Ok(company)
}

/// Makes the placeholder company of a client who belongs to no company,
/// named after the client.
#[tracing::instrument(skip_all)]
pub(crate) async fn create_placeholder(
    conn: &mut Conn,
    given_name: &str,
    family_name: &str,
) -> Result<String> {
    let id = new_id();
    let now = now_ms();
    let row = CompanyRow {
        seq: 0,
        fallback_color: fallback_color(&id),
        icon_image_url: None,
        id: id.clone(),
        name: format!("{given_name} {family_name}"),
        is_placeholder: 1,
        created_at: now,
        updated_at: now,
    };
    storage::companies::insert(conn, &row).await?;
    Ok(id)
}

pub struct ListCompanies<'a> {
    pub name: Option<&'a str>,
    pub is_placeholder: Option<bool>,
}

#[tracing::instrument(skip_all)]
pub async fn list(
    ctx: &Context,
    actor: &Actor,
    filter: &ListCompanies<'_>,
    page: PageRequest,
) -> Result<Page<Company>> {
    let mut conn = ctx.store.reader().await?;
    let filter = CompanyFilter {
        name: filter.name,
        is_placeholder: filter.is_placeholder,
    };
    let rows = storage::companies::list(
        &mut conn,
        &authz::scope(actor),
        &filter,
        page.after(),
        page.limit,
    )
    .await?;
    let (rows, next_token) = page.split(rows, |r| r.seq);
    Ok(Page {
        data: rows.into_iter().map(views::company).collect(),
        next_token,
    })
}

#[tracing::instrument(skip_all)]
pub async fn get(ctx: &Context, actor: &Actor, id: &str) -> Result<Company> {
    let mut conn = ctx.store.reader().await?;
    let row = storage::companies::get_visible(&mut conn, &authz::scope(actor), id).await?;
    Ok(views::company(storage::found(row, "company")?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCompany {
    pub name: Option<String>,
    pub icon_image_url: Option<String>,
    pub fallback_color: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn update(
    ctx: &Context,
    actor: &Actor,
    id: &str,
    request: &UpdateCompany,
) -> Result<Company> {
    authz::require_internal(actor)?;
    let mut tx = ctx.store.begin().await?;
    let mut row = storage::found(
        storage::companies::get_visible(&mut tx, &authz::scope(actor), id).await?,
        "company",
    )?;
    let was = views::company(row.clone());
    if let Some(name) = &request.name {
        row.name = Name::parse("name", name)?.into_string();
        if row.is_placeholder == 0 {
            ensure_name_free(&mut tx, &row.name, &row.id).await?;
        }
    }
    if let Some(url) = &request.icon_image_url {
        row.icon_image_url = Some(parse_icon_url(url)?);
    }
    if let Some(color) = &request.fallback_color {
        row.fallback_color = parse_color(color)?;
    }
    row.updated_at = now_ms();
    storage::companies::update(&mut tx, &row).await?;
    let company = views::company(row);
    events::directory(&mut tx, EventKind::CompanyUpdated, &company, Some(&was)).await?;
    ctx.commit(tx).await?;
    Ok(company)
}

/// Deletes a company and its channels; each of its clients who has no other
/// company moves to a new placeholder company of their own.
#[tracing::instrument(skip_all)]
pub async fn delete(ctx: &Context, actor: &Actor, source: &Source, id: &str) -> Result<()> {
    authz::require_unlimited_staff(actor)?;
    let mut tx = ctx.store.begin().await?;
    let was = views::company(storage::found(
        storage::companies::get(&mut tx, id).await?,
        "company",
    )?);
    let clients = storage::companies::client_ids(&mut tx, id).await?;
    let mut affected = storage::channels::ids_of_company(&mut tx, id).await?;
    for client_id in &clients {
        affected.extend(storage::channels::ids_involving_client(&mut tx, client_id).await?);
    }
    let before = events::before(&mut tx, &affected).await?;
    for client_id in &clients {
        let remaining: Vec<String> = storage::clients::company_ids(&mut tx, client_id)
            .await?
            .into_iter()
            .filter(|company| company != id)
            .collect();
        if remaining.is_empty() {
            let client =
                storage::found(storage::clients::get(&mut tx, client_id).await?, "client")?;
            let placeholder =
                create_placeholder(&mut tx, &client.given_name, &client.family_name).await?;
            storage::clients::set_companies(&mut tx, client_id, &[placeholder]).await?;
        }
    }
    let blobs = storage::attachments::blob_ids_in_channels(&mut tx, &affected).await?;
    storage::companies::delete(&mut tx, id).await?;
    events::channels_changed(&mut tx, before, &[]).await?;
    events::directory(&mut tx, EventKind::CompanyDeleted, &was, None).await?;
    let target = Target::new("company", id, was.name.clone());
    let details = json!({ "clientIds": clients });
    audit::record(
        &mut tx,
        source,
        Action::CompanyDeleted,
        Some(target),
        details,
    )
    .await?;
    ctx.commit(tx).await?;
    super::attachments::release_blobs(ctx, blobs).await;
    Ok(())
}
