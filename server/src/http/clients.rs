use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{Json as Body, Path, Query};
use super::Deleted;
use crate::auth::Authenticated;
use crate::domain::client::Client;
use crate::domain::UserType;
use crate::error::{ErrorBody, Result};
use crate::service::audit::Place;
use crate::service::clients::{self, CreateClient, ListClients, UpdateClient};
use crate::service::{passwords, Context, Page, PageRequest};

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(list_clients, create_client))
        .routes(routes!(retrieve_client, update_client, delete_client))
        .routes(routes!(send_client_password_reset))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Clients of this company.
    company_id: Option<String>,
    /// Exact e-mail address.
    email: Option<String>,
    given_name: Option<String>,
    family_name: Option<String>,
    limit: Option<i64>,
    next_token: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct InviteQuery {
    /// Mark the client invited (and renew their invitation link).
    #[serde(default)]
    send_invite: bool,
}

#[utoipa::path(get, path = "/v1/clients", tag = "clients", params(ListQuery),
    responses((status = 200, body = Page<Client>), (status = "4XX", body = ErrorBody)))]
async fn list_clients(
    State(ctx): State<Context>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page<Client>>> {
    let page = PageRequest::parse("clients", query.limit, query.next_token.as_deref())?;
    let filter = ListClients {
        company_id: query.company_id.as_deref(),
        email: query.email.as_deref(),
        given_name: query.given_name.as_deref(),
        family_name: query.family_name.as_deref(),
    };
    Ok(Json(clients::list(&ctx, &auth.actor, &filter, page).await?))
}

/// Create a client; they get the default channel of the messaging settings.
#[utoipa::path(post, path = "/v1/clients", tag = "clients", params(InviteQuery), request_body = CreateClient,
    responses((status = 200, body = Client), (status = "4XX", body = ErrorBody)))]
async fn create_client(
    State(ctx): State<Context>,
    auth: Authenticated,
    Query(invite): Query<InviteQuery>,
    Body(request): Body<CreateClient>,
) -> Result<Json<Client>> {
    Ok(Json(
        clients::create(&ctx, &auth.actor, &request, invite.send_invite).await?,
    ))
}

#[utoipa::path(get, path = "/v1/clients/{id}", tag = "clients", params(("id" = String, Path)),
    responses((status = 200, body = Client), (status = "4XX", body = ErrorBody)))]
async fn retrieve_client(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<Client>> {
    Ok(Json(clients::get(&ctx, &auth.actor, &id).await?))
}

#[utoipa::path(patch, path = "/v1/clients/{id}", tag = "clients", params(("id" = String, Path), InviteQuery),
    request_body = UpdateClient,
    responses((status = 200, body = Client), (status = "4XX", body = ErrorBody)))]
async fn update_client(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
    Query(invite): Query<InviteQuery>,
    Body(request): Body<UpdateClient>,
) -> Result<Json<Client>> {
    Ok(Json(
        clients::update(&ctx, &auth.actor, &id, &request, invite.send_invite).await?,
    ))
}

/// Delete a client and their individual channel.
#[utoipa::path(delete, path = "/v1/clients/{id}", tag = "clients", params(("id" = String, Path)),
    responses((status = 200, body = Deleted), (status = "4XX", body = ErrorBody)))]
async fn delete_client(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
) -> Result<Json<Deleted>> {
    clients::delete(&ctx, &auth.actor, &auth.source(place), &id).await?;
    Ok(Deleted::new("client", id))
}

/// E-mail a client a link to choose a new password (admins). A client who
/// has not accepted their invitation is invited again instead (`sendInvite`).
#[utoipa::path(post, path = "/v1/clients/{id}/password-reset", tag = "clients", params(("id" = String, Path)),
    responses((status = 202, description = "The e-mail is on its way"), (status = "4XX", body = ErrorBody)))]
async fn send_client_password_reset(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    passwords::send_reset(
        &ctx,
        &auth.actor,
        &auth.source(place),
        UserType::Client,
        &id,
    )
    .await?;
    Ok(StatusCode::ACCEPTED)
}
