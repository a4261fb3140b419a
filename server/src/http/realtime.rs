use axum::extract::State;
use axum::Json;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::auth::Authenticated;
use crate::error::ErrorBody;
use crate::realtime::socket;
use crate::realtime::token::{self, IssuedToken};
use crate::service::Context;

pub fn router() -> OpenApiRouter<Context> {
    OpenApiRouter::new()
        .routes(routes!(socket::open))
        .routes(routes!(issue_realtime_token))
}

/// A one-minute token for opening the realtime socket with `?token=`.
#[utoipa::path(post, path = "/v1/realtime/tokens", tag = "realtime",
    responses((status = 200, body = IssuedToken), (status = "4XX", body = ErrorBody)))]
async fn issue_realtime_token(
    State(ctx): State<Context>,
    auth: Authenticated,
) -> Json<IssuedToken> {
    Json(token::issue(&ctx, &auth))
}
