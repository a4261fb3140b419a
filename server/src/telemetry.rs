//! Structured logs with `tracing` (`RUST_LOG` picks the levels), request ids
//! and metrics (`telemetry::metrics`).
//!
//! Every request has an id, in `x-request-id`: the one a load balancer or
//! proxy sent when it is a short plain token, else a new UUID. The answer
//! carries it back, and every line logged while the request is served
//! carries it too (in its `request` span), so one request can be followed
//! through the logs of a node, and across nodes by whoever sent the id.

pub mod metrics;

use std::future::Future;

use axum::extract::{MatchedPath, Request};
use axum::http::header::HeaderName;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;

use crate::cli::LogFormat;

pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Pretty => builder.try_init(),
    };
}

/// The header that carries a request's id, in and out.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest request id taken from outside.
const MAX_REQUEST_ID: usize = 64;

tokio::task_local! {
    static CURRENT_REQUEST_ID: String;
}

/// The id of the request this task is serving, if it is serving one: for
/// work that leaves the request (an event published to the other nodes, a
/// job) to say where it came from.
pub fn current_request_id() -> Option<String> {
    CURRENT_REQUEST_ID.try_with(Clone::clone).ok()
}

/// `future` with the current request's id and log span, for a task it is
/// spawned into (a spawned task starts with neither).
pub fn in_this_request<F: Future>(future: F) -> impl Future<Output = F::Output> {
    let id = current_request_id();
    let span = tracing::Span::current();
    async move {
        match id {
            Some(id) => CURRENT_REQUEST_ID.scope(id, future).await,
            None => future.await,
        }
    }
    .instrument(span)
}

/// Whether an `x-request-id` that came with a request is kept: a short token
/// of letters, digits and `-_.:`, as proxies make them. Anything else (a
/// line break that would forge a log line, a kilobyte of text) is replaced.
fn acceptable_request_id(value: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID).contains(&value.len())
        && value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

/// Removes an `x-request-id` that is not kept (or more than one), so that
/// `SetRequestIdLayer` makes a new one.
pub async fn drop_unacceptable_request_id(mut request: Request) -> Request {
    let headers = request.headers_mut();
    let mut ids = headers.get_all(&REQUEST_ID).iter();
    let keep = match (ids.next(), ids.next()) {
        (None, _) => true,
        (Some(only), None) => acceptable_request_id(only.as_bytes()),
        (Some(_), Some(_)) => false,
    };
    if !keep {
        headers.remove(&REQUEST_ID);
    }
    request
}

fn request_id_of<B>(request: &axum::http::Request<B>) -> Option<&str> {
    request
        .headers()
        .get(&REQUEST_ID)
        .and_then(|value| value.to_str().ok())
}

/// The span every line logged while serving a request is in. It names the
/// route, not the path: paths hold ids and tokens (an invitation's, a
/// realtime token in the query) that do not belong in logs.
pub fn request_span<B>(request: &axum::http::Request<B>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!(
        "request",
        method = %request.method(),
        route,
        request_id = request_id_of(request).unwrap_or_default(),
    )
}

/// Makes the request's id `current_request_id` while it is served.
pub async fn scope_request_id(request: Request, next: Next) -> Response {
    match request_id_of(&request).map(str::to_string) {
        Some(id) => CURRENT_REQUEST_ID.scope(id, next.run(request)).await,
        None => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::acceptable_request_id;

    #[test]
    fn a_request_id_from_outside_is_kept_only_when_it_is_a_short_plain_token() {
        for (id, kept) in [
            ("0f8fad5b-d9cb-469f-a165-70867728950e", true),
            ("7c2e0a9b1d3f4e5a6b7c8d9e0f1a2b3c", true),
            ("node-a.42:7", true),
            ("", false),
            ("two words", false),
            ("forged\nlevel=ERROR", false),
            ("ünïcode", false),
            ("<script>", false),
        ] {
            assert_eq!(acceptable_request_id(id.as_bytes()), kept, "{id:?}");
        }
        assert!(acceptable_request_id("a".repeat(64).as_bytes()));
        assert!(
            !acceptable_request_id("a".repeat(65).as_bytes()),
            "too long"
        );
    }
}
