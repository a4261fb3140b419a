//! The HTTP front door: one route table, one OpenAPI document generated from
//! the handlers, and the layers every request passes through.

mod api_keys;
mod attachments;
mod audit;
mod channels;
mod clients;
mod companies;
pub mod connections;
mod email_preferences;
mod exports;
pub mod extract;
mod internal_users;
mod legal_holds;
mod messages;
mod notifications;
mod realtime;
mod saved_replies;
mod scheduled;
mod search;
mod sessions;
pub use sessions::session_cookie;
mod webhooks;
mod workspace;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutBody;
use tower_http::trace::TraceLayer;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;

use crate::error::Error;
use crate::service::Context;

/// Largest JSON body accepted; message text has its own, smaller limit.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Parlor API",
        description = "Messaging for client portals. Paths, fields and shapes follow the Assembly (Copilot) public API where the two share a resource.",
    ),
    modifiers(&SecuritySchemes),
    security(("apiKey" = []), ("session" = [])),
    components(schemas(crate::error::ErrorBody)),
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apiKey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::extract::SESSION_COOKIE,
                "Session cookie from POST /v1/sessions; writes also need the X-CSRF-Token header.",
            ))),
        );
    }
}

fn api() -> OpenApiRouter<Context> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(workspace::router())
        .merge(internal_users::router())
        .merge(companies::router())
        .merge(clients::router())
        .merge(channels::router())
        .merge(messages::router())
        .merge(notifications::router())
        .merge(attachments::router())
        .merge(sessions::router())
        .merge(api_keys::router())
        .merge(realtime::router())
        .merge(email_preferences::router())
        .merge(webhooks::router())
        .merge(saved_replies::router())
        .merge(scheduled::router())
        .merge(search::router())
        .merge(audit::router())
        .merge(exports::router())
        .merge(legal_holds::router())
}

/// The OpenAPI document of the REST API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api().split_for_parts().1
}

pub fn router(ctx: Context) -> Router {
    let (api, openapi) = api().split_for_parts();
    let openapi = std::sync::Arc::new(openapi);
    let api = api
        .route(
            "/v1/openapi.json",
            get(move || async move { axum::Json(openapi.as_ref().clone()) }),
        )
        .route("/v1/{*unknown}", axum::routing::any(unknown_route))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(ctx.clone())
        // What the API answers is its caller's alone (files say otherwise
        // themselves: their contents never change).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            crate::web::NO_STORE,
        ));
    let body_read_timeout = ctx.config.limits.body_read_timeout;
    let app = api
        .merge(crate::web::router(ctx))
        // No answer is read as another type than it says, and no link
        // followed out of Parlor tells where it came from (a page's address
        // can hold an invitation token or a conversation's id).
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // A body that trickles in (a byte now and then) would hold its
        // connection and upload slot for ever; one that stalls is cut off.
        .layer(axum::middleware::map_request(
            move |request: axum::extract::Request| async move {
                request.map(|body| axum::body::Body::new(TimeoutBody::new(body_read_timeout, body)))
            },
        ))
        .layer(CatchPanicLayer::custom(|_| {
            Error::Internal(anyhow::anyhow!("handler panicked")).into_response()
        }));
    observed(app)
}

/// The layers every request meets first: its id (the proxy's, when it sent
/// a fair one, else a new UUID; told back in the answer), the log span that
/// carries it, and its count and latency in the metrics
/// (`crate::telemetry`). Applied per route, where the route's pattern is
/// known.
fn observed(app: Router) -> Router {
    use crate::telemetry;
    app.layer(axum::middleware::from_fn(record_request))
        .layer(axum::middleware::from_fn(telemetry::scope_request_id))
        .layer(TraceLayer::new_for_http().make_span_with(telemetry::request_span))
        .layer(PropagateRequestIdLayer::new(telemetry::REQUEST_ID))
        .layer(SetRequestIdLayer::new(
            telemetry::REQUEST_ID,
            MakeRequestUuid,
        ))
        .layer(axum::middleware::map_request(
            telemetry::drop_unacceptable_request_id,
        ))
}

/// Counts the answer by method, route pattern and status, with its latency
/// (to its headers; a streamed body may go on after).
async fn record_request(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if !crate::telemetry::metrics::enabled() {
        return next.run(request).await;
    }
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|route| route.as_str().to_string());
    let response = next.run(request).await;
    crate::telemetry::metrics::request_served(
        &method,
        route.as_deref().unwrap_or("unmatched"),
        response.status(),
        started.elapsed(),
    );
    response
}

async fn unknown_route() -> Error {
    Error::NotFound("route")
}

use axum::response::IntoResponse;

async fn healthz() -> &'static str {
    "ok"
}

/// Whether this node can serve: its database and file store answer. For a
/// load balancer's checks, which take a node out while it answers 503.
async fn readyz(
    axum::extract::State(ctx): axum::extract::State<Context>,
) -> (axum::http::StatusCode, axum::Json<serde_json::Value>) {
    let (database, files, nats) = tokio::join!(
        crate::service::readiness::database(&ctx),
        crate::service::readiness::files(&ctx),
        crate::service::readiness::nats(&ctx),
    );
    let ready = database.is_ok() && files.is_ok() && nats.as_ref().is_none_or(Result::is_ok);
    // Anyone may ask: the answer says what is down, the log says why.
    let state = |part: &str, check: &anyhow::Result<()>| match check {
        Ok(()) => serde_json::json!({ "ok": true }),
        Err(err) => {
            tracing::warn!(part, error = %format!("{err:#}"), "not ready");
            serde_json::json!({ "ok": false })
        }
    };
    let mut checks = serde_json::json!({
        "database": state("database", &database),
        "files": state("files", &files),
    });
    if let Some(nats) = &nats {
        checks["nats"] = state("nats", nats);
    }
    let status = if ready {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        axum::Json(serde_json::json!({
            "ready": ready,
            "checks": checks,
        })),
    )
}

/// The answer to a delete, as the Assembly API gives it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deleted {
    pub id: String,
    #[schema(value_type = String)]
    pub object: &'static str,
    pub deleted: bool,
}

impl Deleted {
    pub fn new(object: &'static str, id: String) -> axum::Json<Deleted> {
        axum::Json(Deleted {
            id,
            object,
            deleted: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    /// Where the test's JSON log lines are written.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A route that logs a line and answers with `current_request_id`.
    fn app() -> axum::Router {
        super::observed(axum::Router::new().route(
            "/things/{id}",
            axum::routing::get(|| async {
                tracing::info!("working on it");
                crate::telemetry::current_request_id().unwrap_or_default()
            }),
        ))
    }

    /// Sends one request with JSON logs on; the answer's request id, its
    /// body, and the lines logged meanwhile.
    async fn request(sent_id: Option<&str>) -> (String, String, Vec<serde_json::Value>) {
        let lines = Lines::default();
        let writer = lines.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_writer(move || writer.clone())
            .finish();
        let _logging = tracing::subscriber::set_default(subscriber);
        let mut request = Request::get("/things/42");
        if let Some(id) = sent_id {
            request = request.header("x-request-id", id);
        }
        let response = app()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let id = response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_string();
        let body = axum::body::to_bytes(response.into_body(), 1024)
            .await
            .unwrap();
        let logged = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
        let logged = logged
            .lines()
            .map(|line| serde_json::from_str(line).expect("a JSON line"))
            .collect();
        (id, String::from_utf8(body.to_vec()).unwrap(), logged)
    }

    #[tokio::test]
    async fn every_line_logged_for_a_request_carries_its_id_and_its_route_not_its_path() {
        for (sent, kept) in [
            (None, false),
            (Some("lb-7f3a9c.1"), true),
            (Some("forged level=ERROR msg=\"hi\""), false),
        ] {
            let (id, body, lines) = request(sent).await;
            if kept {
                assert_eq!(Some(id.as_str()), sent, "the proxy's id is kept");
            } else {
                assert!(uuid::Uuid::parse_str(&id).is_ok(), "a new UUID: {id:?}");
            }
            assert_eq!(body, id, "current_request_id inside the handler");
            let line = lines
                .iter()
                .find(|line| line["fields"]["message"] == "working on it")
                .unwrap_or_else(|| panic!("the handler's line in {lines:?}"));
            assert_eq!(line["span"]["request_id"], id.as_str(), "{line}");
            assert_eq!(line["span"]["route"], "/things/{id}", "{line}");
            assert!(!line.to_string().contains("/things/42"), "{line}");
        }
        assert_eq!(
            crate::telemetry::current_request_id(),
            None,
            "outside a request"
        );
    }
}
