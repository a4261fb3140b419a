//! The audit log (a Parlor extension): admins read who did what, when and
//! from where. There is no route that changes or deletes an entry.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::{Path, Query};
use crate::auth::Authenticated;
use crate::domain::audit::AuditEvent;
use crate::error::{ErrorBody, Result};
use crate::service::audit::{self, ListAuditEvents};
use crate::service::{Context, Page, PageRequest};

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(list_audit_events))
        .routes(routes!(retrieve_audit_event))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only this action, e.g. `settings.updated` (the README lists them all).
    action: Option<String>,
    /// Only what this internal user, client or API key did.
    actor_id: Option<String>,
    /// Only what was done to this person, key, webhook, message…
    target_id: Option<String>,
    /// At or after this moment (RFC 3339, or a date: its midnight UTC).
    since: Option<String>,
    /// Before this moment (RFC 3339, or a date: its midnight UTC).
    until: Option<String>,
    limit: Option<i64>,
    next_token: Option<String>,
}

/// The audit log, newest first: sign-ins and refused sign-ins, settings,
/// team, API key and webhook changes, exports, backups and deletions, each
/// with who, from which address and user agent, and what changed (admins).
/// Entries are never changed or deleted, by anyone.
#[utoipa::path(get, path = "/v1/audit-events", tag = "audit log", params(ListQuery),
    responses((status = 200, body = Page<AuditEvent>), (status = "4XX", body = ErrorBody)))]
async fn list_audit_events(
    State(ctx): State<Context>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Json<Page<AuditEvent>>> {
    let page = PageRequest::parse("audit events", query.limit, query.next_token.as_deref())?;
    let filter = ListAuditEvents {
        action: query.action,
        actor_id: query.actor_id,
        target_id: query.target_id,
        since: query.since,
        until: query.until,
    };
    Ok(Json(audit::list(&ctx, &auth.actor, &filter, page).await?))
}

/// One entry of the audit log (admins).
#[utoipa::path(get, path = "/v1/audit-events/{id}", tag = "audit log", params(("id" = String, Path)),
    responses((status = 200, body = AuditEvent), (status = "4XX", body = ErrorBody)))]
async fn retrieve_audit_event(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<AuditEvent>> {
    Ok(Json(audit::get(&ctx, &auth.actor, &id).await?))
}
