//! Legal holds: a client's conversations kept from retention (admins).

use axum::extract::State;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::extract::Path;
use super::Deleted;
use crate::auth::Authenticated;
use crate::domain::retention::LegalHold;
use crate::error::{ErrorBody, Result};
use crate::service::audit::Place;
use crate::service::{retention, Context};

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new().routes(routes!(
        retrieve_legal_hold,
        place_legal_hold,
        lift_legal_hold
    ))
}

/// The legal hold on a client's conversations (admins); 404 when there is
/// none.
#[utoipa::path(get, path = "/v1/clients/{id}/legal-hold", tag = "retention", params(("id" = String, Path)),
    responses((status = 200, body = LegalHold), (status = "4XX", body = ErrorBody)))]
async fn retrieve_legal_hold(
    State(ctx): State<Context>,
    auth: Authenticated,
    Path(id): Path<String>,
) -> Result<Json<LegalHold>> {
    Ok(Json(retention::hold(&ctx, &auth.actor, &id).await?))
}

/// Put a client's conversations under legal hold (admins): while it lasts,
/// the retention rule deletes nothing the client can see. Placing it again
/// keeps the first hold. Recorded in the audit log.
#[utoipa::path(put, path = "/v1/clients/{id}/legal-hold", tag = "retention", params(("id" = String, Path)),
    responses((status = 200, body = LegalHold), (status = "4XX", body = ErrorBody)))]
async fn place_legal_hold(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
) -> Result<Json<LegalHold>> {
    Ok(Json(
        retention::place_hold(&ctx, &auth.actor, &auth.source(place), &id).await?,
    ))
}

/// Lift a client's legal hold (admins): their old messages are deleted at
/// the next housekeeping if the retention rule says so. Recorded in the
/// audit log.
#[utoipa::path(delete, path = "/v1/clients/{id}/legal-hold", tag = "retention", params(("id" = String, Path)),
    responses((status = 200, body = Deleted), (status = "4XX", body = ErrorBody)))]
async fn lift_legal_hold(
    State(ctx): State<Context>,
    auth: Authenticated,
    place: Place,
    Path(id): Path<String>,
) -> Result<Json<Deleted>> {
    retention::lift_hold(&ctx, &auth.actor, &auth.source(place), &id).await?;
    Ok(Deleted::new("legalHold", id))
}
