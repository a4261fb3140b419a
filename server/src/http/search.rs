use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::Query;
use crate::auth::Authenticated;
use crate::domain::search::{date_range, SearchResult};
use crate::error::{ErrorBody, Result};
use crate::service::{search, Context, Page, PageRequest};
use crate::storage::search::Filters;

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new().routes(routes!(search_messages))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct SearchQuery {
    /// What to find: words (all must appear), `"a phrase"`, `prefix*`.
    q: String,
    /// Only this conversation.
    channel_id: Option<String>,
    /// Only conversations this client is in.
    client_id: Option<String>,
    /// Only this company's conversations and its clients' own.
    company_id: Option<String>,
    /// Only messages from this person.
    sender_id: Option<String>,
    /// Sent on or after: a date (`2024-01-01`) or a date and time.
    since: Option<String>,
    /// Sent on or before a date (the whole day), or before a date and time.
    until: Option<String>,
    /// Only messages with files.
    has_files: Option<bool>,
    limit: Option<i64>,
    next_token: Option<String>,
}

/// Search the messages and files the caller may read, newest first: each
/// result is the message and the words around the hit. Internal notes are
/// found by staff only.
#[utoipa::path(get, path = "/v1/search", tag = "search", params(SearchQuery),
    responses((status = 200, body = Page<SearchResult>), (status = "4XX", body = ErrorBody)))]
async fn search_messages(
    State(ctx): State<Context>,
    auth: Authenticated,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Page<SearchResult>>> {
    let page = PageRequest::parse("search", query.limit, query.next_token.as_deref())?;
    let (since, until) = date_range(query.since.as_deref(), query.until.as_deref())?;
    let filters = Filters {
        channel_id: query.channel_id,
        client_id: query.client_id,
        company_id: query.company_id,
        sender_id: query.sender_id,
        since,
        until,
        has_files: query.has_files.unwrap_or(false),
    };
    Ok(Json(
        search::search(&ctx, &auth.actor, &query.q, &filters, page).await?,
    ))
}
