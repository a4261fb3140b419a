//! Prometheus metrics, served as text at `/metrics` on a listener of their
//! own (`--metrics-listen`), never on the public one.
//!
//! The `metrics` facade has one recorder per process. It is installed the
//! first time a server with a metrics listener is built, and kept (several
//! servers in one process, as in the tests, share it); without one, nothing
//! is recorded and recording costs nothing. Counters and histograms count
//! what this process did; gauges are read from this node when `/metrics` is
//! asked. No series names the node: each node serves its own `/metrics`, and
//! the scraper tells them apart (its `instance` label).

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::State;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics::{counter, gauge, histogram, Counter, Histogram, Unit};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

use crate::service::Context;

pub const HTTP_REQUESTS: &str = "parlor_http_requests_total";
pub const HTTP_DURATION: &str = "parlor_http_request_duration_seconds";
pub const SOCKETS_OPEN: &str = "parlor_realtime_sockets_open";
pub const FRAMES_SENT: &str = "parlor_realtime_frames_sent_total";
pub const SOCKETS_DROPPED: &str = "parlor_realtime_sockets_dropped_total";
pub const EVENT_LAG: &str = "parlor_realtime_event_lag_seconds";
pub const MAIL_BACKLOG: &str = "parlor_mail_outbox_backlog";
pub const WEBHOOK_BACKLOG: &str = "parlor_webhook_backlog";
pub const DB_POOL: &str = "parlor_db_pool_connections";

/// Upper bounds of the latency buckets, in seconds.
const REQUEST_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
const LAG_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often histograms are folded into their buckets between scrapes, so
/// that samples do not pile up when no one scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// How long reading the gauges from the database may take before the scrape
/// answers without them.
const SAMPLE_LIMIT: Duration = Duration::from_secs(3);

/// The installed recorder, and handles to the series recorded on hot paths
/// (registered once, so recording one is an atomic add).
struct Installed {
    handle: PrometheusHandle,
    frames_sent: Counter,
    sockets_dropped: Counter,
    event_lag: Histogram,
}

static INSTALLED: OnceLock<Result<Installed, String>> = OnceLock::new();

fn installed() -> Option<&'static Installed> {
    INSTALLED
        .get()
        .and_then(|installed| installed.as_ref().ok())
}

/// Installs the process's recorder, once; later calls return what the first did.
pub fn install() -> anyhow::Result<()> {
    INSTALLED
        .get_or_init(|| {
            let handle = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), REQUEST_BUCKETS)
                .and_then(|b| {
                    b.set_buckets_for_metric(Matcher::Full(EVENT_LAG.into()), LAG_BUCKETS)
                })
                .map_err(|err| err.to_string())?
                .install_recorder()
                .map_err(|err| format!("installing the metrics recorder: {err}"))?;
            describe();
            let upkeep = handle.clone();
            std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || loop {
                    std::thread::sleep(UPKEEP_EVERY);
                    upkeep.run_upkeep();
                })
                .map_err(|err| err.to_string())?;
            Ok(Installed {
                handle,
                frames_sent: counter!(FRAMES_SENT),
                sockets_dropped: counter!(SOCKETS_DROPPED),
                event_lag: histogram!(EVENT_LAG),
            })
        })
        .as_ref()
        .map(|_| ())
        .map_err(|err| anyhow::anyhow!("{err}"))
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by method, route (the route's pattern; `unmatched` for \
         files and unknown paths) and status."
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time from a request's arrival to its answer's headers, by method, route and status."
    );
    describe_gauge!(SOCKETS_OPEN, "Realtime sockets open on this node.");
    describe_counter!(
        FRAMES_SENT,
        "Frames written to realtime sockets (events, replays, presence, typing, pongs)."
    );
    describe_counter!(
        SOCKETS_DROPPED,
        "Realtime sockets dropped because they could not keep up (their queue was full); \
         their clients resume from their cursor."
    );
    describe_histogram!(
        EVENT_LAG,
        Unit::Seconds,
        "Time from an event's creation (its row's created_at, on the clock of the node that \
         made it) to this node handing it to its sockets."
    );
    describe_gauge!(
        MAIL_BACKLOG,
        "E-mails in the outbox not sent yet (waiting, or failing and to be retried)."
    );
    describe_gauge!(
        WEBHOOK_BACKLOG,
        "Events enabled webhooks have yet to look at, summed over the webhooks."
    );
    describe_gauge!(
        DB_POOL,
        "Database connections this node holds open, by state (idle, in_use)."
    );
}

/// Whether metrics are being recorded (a metrics listener was asked for).
pub fn enabled() -> bool {
    installed().is_some()
}

/// Counts an answered request. `route` is the matched route's pattern,
/// never the path itself: ids in paths would make a series per id.
pub fn request_served(method: &Method, route: &str, status: StatusCode, elapsed: Duration) {
    if !enabled() {
        return;
    }
    // Any token is a method to HTTP: one a client makes up must not make
    // a series of its own.
    let method = match *method {
        Method::GET
        | Method::HEAD
        | Method::POST
        | Method::PUT
        | Method::PATCH
        | Method::DELETE
        | Method::OPTIONS => method.as_str(),
        _ => "other",
    };
    let labels = [
        ("method", method.to_string()),
        ("route", route.to_string()),
        ("status", status.as_str().to_string()),
    ];
    counter!(HTTP_REQUESTS, &labels).increment(1);
    histogram!(HTTP_DURATION, &labels).record(elapsed.as_secs_f64());
}

/// A frame went out on a realtime socket.
pub fn frame_sent() {
    frames_sent(1);
}

/// Frames went out on a realtime socket, written together.
pub fn frames_sent(count: usize) {
    if let Some(installed) = installed() {
        installed.frames_sent.increment(count as u64);
    }
}

/// The hub dropped a socket that could not keep up.
pub fn socket_dropped() {
    if let Some(installed) = installed() {
        installed.sockets_dropped.increment(1);
    }
}

/// An event created at `created_at_ms` (Unix milliseconds) is being handed
/// to this node's sockets. A clock behind the creating node's counts as 0.
pub fn event_published(created_at_ms: i64) {
    if let Some(installed) = installed() {
        let lag_ms = crate::storage::now_ms()
            .saturating_sub(created_at_ms)
            .max(0);
        installed.event_lag.record(lag_ms as f64 / 1000.0);
    }
}

/// Installs the recorder and binds the metrics listener, when there is one.
pub async fn bind(address: Option<SocketAddr>) -> anyhow::Result<Option<TcpListener>> {
    let Some(address) = address else {
        return Ok(None);
    };
    install()?;
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("binding --metrics-listen {address}"))?;
    Ok(Some(listener))
}

/// Serves `GET /metrics`, and nothing else, on `listener`, until aborted.
pub async fn serve(listener: TcpListener, ctx: Context) {
    if let Ok(address) = listener.local_addr() {
        tracing::info!(%address, "serving metrics at /metrics");
    }
    let header_read_timeout = ctx.config.limits.header_read_timeout;
    let app = Router::new().route("/metrics", get(scrape)).with_state(ctx);
    crate::http::connections::serve(listener, app, header_read_timeout, std::future::pending())
        .await;
}

async fn scrape(State(ctx): State<Context>) -> Response {
    let Some(installed) = installed() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // The gauges are the process's: two servers in one process (the tests)
    // take turns, so each answer holds its own node's.
    static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _turn = ONE_AT_A_TIME.lock().await;
    sample(&ctx).await;
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        installed.handle.render(),
    )
        .into_response()
}

/// Reads this node's gauges. Those the database could not tell in time
/// read NaN (unknown) rather than keep an old value.
async fn sample(ctx: &Context) {
    gauge!(SOCKETS_OPEN).set(ctx.hub.connections() as f64);
    // Before the backlog queries take a connection of their own.
    let pool = ctx.store.pool_use();
    gauge!(DB_POOL, "state" => "idle").set(pool.idle as f64);
    gauge!(DB_POOL, "state" => "in_use").set(pool.in_use as f64);
    let backlogs = tokio::time::timeout(SAMPLE_LIMIT, async {
        let mut conn = ctx.store.reader().await?;
        let mail = crate::storage::outbox::pending_count(&mut conn).await?;
        let webhooks = crate::storage::webhooks::backlog(&mut conn).await?;
        Ok::<_, crate::error::Error>((mail, webhooks))
    })
    .await;
    let (mail, webhooks) = match backlogs {
        Ok(Ok((mail, webhooks))) => (mail as f64, webhooks as f64),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "reading the backlogs for /metrics failed");
            (f64::NAN, f64::NAN)
        }
        Err(_) => {
            tracing::warn!("reading the backlogs for /metrics took too long");
            (f64::NAN, f64::NAN)
        }
    };
    gauge!(MAIL_BACKLOG).set(mail);
    gauge!(WEBHOOK_BACKLOG).set(webhooks);
}
