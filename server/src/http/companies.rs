use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{Json as Body, Path, Query};
use super::Deleted;
use crate::auth::Authenticated;
use crate::domain::company::Company;
use crate::error::{ErrorBody, Result};
use crate::service::audit::Place;
use crate::service::companies::{self, CreateCompany, ListCompanies, UpdateCompany};
use crate::service::{Context, Page, PageRequest};

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(list_companies, create_company))
        .routes(routes!(retrieve_company, update_company, delete_company))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Exact company name.
    name: Option<String>,
    /// Only placeholder companies (true) or only real ones (false).
    is_placeholder: Option<bool>,
    limit: Option<i64>,
    next_token: Option<String>,
}

#[utoipa::path(get, path = "/v1/companies", tag = "companies", params(ListQuery),
    responses((status = 200, body = Page<Company>), (status = "4XX", body = ErrorBody)))]
async fn list_companies(
    State(ctx): State<Context>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page<Company>>> {
    let page = PageRequest::parse("companies", query.limit, query.next_token.as_deref())?;
    let filter = ListCompanies {
        name: query.name.as_deref(),
        is_placeholder: query.is_placeholder,
    };
    Ok(Json(
        companies::list(&ctx, &auth.actor, &filter, page).await?,
    ))
}

#[utoipa::path(post, path = "/v1/companies", tag = "companies", request_body = CreateCompany,
    responses((status = 200, body = Company), (status = "4XX", body = ErrorBody)))]
async fn create_company(
    State(ctx): State<Context>,
    auth: Authenticated,
    Body(request): Body<CreateCompany>,
) -> Result<Json<Company>> {
    Ok(Json(companies::create(&ctx, &auth.actor, &request).await?))
}

#[utoipa::path(get, path = "/v1/companies/{id}", tag = "companies", params(("id" = String, Path)),
    responses((status = 200, body = Company), (status = "4XX", body = ErrorBody)))]
async fn retrieve_company(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Company>> {
    Ok(Json(companies::get(&ctx, &auth.actor, &id).await?))
}

#[utoipa::path(patch, path = "/v1/companies/{id}", tag = "companies", params(("id" = String, Path)),
    request_body = UpdateCompany,
    responses((status = 200, body = Company), (status = "4XX", body = ErrorBody)))]
async fn update_company(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
    Body(request): Body<UpdateCompany>,
) -> Result<Json<Company>> {
    Ok(Json(
        companies::update(&ctx, &auth.actor, &id, &request).await?,
    ))
}

/// Delete a company and its channels; its clients move to placeholder companies.
#[utoipa::path(delete, path = "/v1/companies/{id}", tag = "companies", params(("id" = String, Path)),
    responses((status = 200, body = Deleted), (status = "4XX", body = ErrorBody)))]
async fn delete_company(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
) -> Result<Json<Deleted>> {
    companies::delete(&ctx, &auth.actor, &auth.source(place), &id).await?;
    Ok(Deleted::new("company", id))
}
