//! Operability: Prometheus metrics on a listener of their own (never on the
//! public one), and the request id every answer carries.
//!
//! The metrics recorder is the process's, so counters and histograms add up
//! what every server in this test binary does at the same time: those are
//! asserted as "grew by at least", except for requests only these tests make
//! (HEAD /healthz), asserted exactly. Gauges are read from the scraped node
//! itself at each scrape and are asserted exactly.

use std::collections::BTreeMap;
use std::net::SocketAddr;

use parlor::storage::outbox::OutboxEmail;
use serde_json::json;

use crate::helpers::{eventually, TestApp};

const REQUESTS: &str = "parlor_http_requests_total";
const DURATION: &str = "parlor_http_request_duration_seconds";

async fn spawn_with_metrics() -> TestApp {
    let app = TestApp::spawn_with(|config| {
        config.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
    })
    .await;
    let metrics = app.metrics.expect("a metrics listener");
    assert_ne!(
        metrics.to_string(),
        app.base.trim_start_matches("http://"),
        "metrics listen apart from the public listener"
    );
    app
}

/// A series: its name and its labels.
type Series = (String, BTreeMap<String, String>);

/// One scrape of `/metrics`, parsed.
struct Scrape {
    series: BTreeMap<Series, f64>,
}

impl Scrape {
    async fn of(app: &TestApp) -> Scrape {
        let address = app.metrics.expect("a metrics listener");
        let response = reqwest::get(format!("http://{address}/metrics"))
            .await
            .expect("the metrics listener answers");
        assert_eq!(response.status(), 200);
        let content_type = response.headers()["content-type"].to_str().unwrap();
        assert!(
            content_type.starts_with("text/plain; version=0.0.4"),
            "{content_type}"
        );
        let text = response.text().await.unwrap();
        Scrape {
            series: text
                .lines()
                .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
                .map(|line| parse_line(line).unwrap_or_else(|| panic!("a sample line: {line}")))
                .collect(),
        }
    }

    /// The value of one series; 0 when it has not appeared yet.
    fn get(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        let labels = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.series
            .get(&(name.to_string(), labels))
            .copied()
            .unwrap_or(0.0)
    }

    /// Every label value seen on any series of `name`, for `label`.
    fn label_values(&self, name: &str, label: &str) -> Vec<String> {
        self.series
            .keys()
            .filter(|(series, _)| series == name)
            .filter_map(|(_, labels)| labels.get(label).cloned())
            .collect()
    }
}

/// `name{a="1",b="2"} value` (label values may hold braces, as routes do).
fn parse_line(line: &str) -> Option<(Series, f64)> {
    let (series, value) = line.rsplit_once(' ')?;
    let value: f64 = value.parse().ok()?;
    let Some((name, rest)) = series.split_once('{') else {
        return Some(((series.to_string(), BTreeMap::new()), value));
    };
    let mut labels = BTreeMap::new();
    let mut rest = rest.strip_suffix('}')?;
    while !rest.is_empty() {
        let (key, after) = rest.split_once("=\"")?;
        let mut value = String::new();
        let mut chars = after.char_indices();
        let end = loop {
            match chars.next()? {
                (_, '\\') => value.push(chars.next()?.1),
                (i, '"') => break i,
                (_, c) => value.push(c),
            }
        };
        labels.insert(key.to_string(), value);
        rest = after[end + 1..].trim_start_matches(',');
    }
    Some(((name.to_string(), labels), value))
}

fn route(
    method: &'static str,
    route: &'static str,
    status: &'static str,
) -> [(&'static str, &'static str); 3] {
    [("method", method), ("route", route), ("status", status)]
}

#[tokio::test]
async fn requests_sockets_frames_and_event_lag_move_the_metrics() {
    let app = spawn_with_metrics().await;
    let ann = app.create_client("Ann", None).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let http = reqwest::Client::new();
    let before = Scrape::of(&app).await;
    assert_eq!(before.get("parlor_realtime_sockets_open", &[]), 0.0);

    for _ in 0..3 {
        let head = http
            .head(format!("{}/healthz", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), 200);
    }
    let (mut socket, _) = app.admin.ready_socket(None).await;
    let open = Scrape::of(&app).await;
    assert_eq!(
        open.get("parlor_realtime_sockets_open", &[]),
        1.0,
        "this node's one socket"
    );
    let sent = app
        .admin
        .send_message(&channel, "Your return is filed")
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let frame = socket.next_where(|f| f["type"] == "message.created").await;
    assert_eq!(frame["data"]["id"], sent.body["id"]);
    let read = app
        .admin
        .get(&format!("/v1/message-channels/{channel}"))
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    let after = Scrape::of(&app).await;

    let grew =
        |name: &str, labels: &[(&str, &str)]| after.get(name, labels) - before.get(name, labels);
    let healthz = route("HEAD", "/healthz", "200");
    assert_eq!(
        grew(REQUESTS, &healthz),
        3.0,
        "only this test sends HEAD /healthz"
    );
    let count = format!("{DURATION}_count");
    assert_eq!(grew(&count, &healthz), 3.0, "one latency per request");
    let mut inf = healthz.to_vec();
    inf.push(("le", "+Inf"));
    assert_eq!(
        after.get(&format!("{DURATION}_bucket"), &inf),
        after.get(&count, &healthz),
        "a histogram with buckets, the last holding every request"
    );
    assert!(after.get(&format!("{DURATION}_sum"), &healthz) > 0.0);
    assert!(grew(REQUESTS, &route("POST", "/v1/messages", "200")) >= 1.0);
    assert!(
        grew(REQUESTS, &route("GET", "/v1/message-channels/{id}", "200")) >= 1.0,
        "counted under the route's pattern"
    );
    let routes = after.label_values(REQUESTS, "route");
    assert!(
        !routes.iter().any(|route| route.contains(&channel)),
        "no series per id: {routes:?}"
    );
    assert!(
        grew("parlor_realtime_frames_sent_total", &[]) >= 2.0,
        "at least `ready` and `message.created`"
    );
    let lag_count = grew("parlor_realtime_event_lag_seconds_count", &[]);
    assert!(lag_count >= 1.0, "the message's event was timed");
    assert!(
        after.get("parlor_realtime_event_lag_seconds_bucket", &[("le", "10")])
            - before.get("parlor_realtime_event_lag_seconds_bucket", &[("le", "10")])
            >= 1.0,
        "within seconds"
    );
    let (idle, in_use) = (
        after.get("parlor_db_pool_connections", &[("state", "idle")]),
        after.get("parlor_db_pool_connections", &[("state", "in_use")]),
    );
    assert!(
        idle + in_use >= 1.0 && idle + in_use <= 16.0,
        "the pool holds connections: {idle} idle, {in_use} in use"
    );

    drop(socket);
    eventually("the closed socket is no longer counted", || async {
        Scrape::of(&app)
            .await
            .get("parlor_realtime_sockets_open", &[])
            == 0.0
    })
    .await;
}

fn queued_email(n: usize) -> OutboxEmail {
    OutboxEmail {
        id: uuid::Uuid::new_v4().to_string(),
        dedupe_key: format!("metrics-test-{}", uuid::Uuid::new_v4()),
        recipient: format!("reader{n}@example.com"),
        subject: "Waiting".into(),
        text_body: "Waiting to be sent".into(),
        html_body: "<p>Waiting to be sent</p>".into(),
        headers: "{}".into(),
        attempts: 0,
    }
}

#[tokio::test]
async fn the_mail_and_webhook_backlogs_are_read_from_the_database_at_each_scrape() {
    // No SMTP server is configured: queued e-mail stays queued.
    let app = spawn_with_metrics().await;
    let ann = app.create_client("Ann", None).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let pending = || async {
        let mut conn = app.ctx.store.reader().await.unwrap();
        parlor::storage::outbox::pending_count(&mut conn)
            .await
            .unwrap() as f64
    };
    let before = Scrape::of(&app).await;
    assert_eq!(
        before.get("parlor_mail_outbox_backlog", &[]),
        pending().await
    );
    assert_eq!(
        before.get("parlor_webhook_backlog", &[]),
        0.0,
        "no webhooks yet"
    );

    let mut tx = app.ctx.store.begin().await.unwrap();
    for n in 0..2 {
        let queued =
            parlor::storage::outbox::enqueue(&mut tx, &queued_email(n), parlor::storage::now_ms())
                .await
                .unwrap();
        assert!(queued);
    }
    tx.commit().await.unwrap();
    // A receiver that never answers: nothing after the first event gets through.
    let hook = app
        .admin
        .post(
            "/v1/webhooks",
            json!({ "url": "http://127.0.0.1:9/hook", "eventTypes": ["message.sent"] }),
        )
        .await;
    assert_eq!(hook.status, 200, "{}", hook.body);
    for n in 0..3 {
        let sent = app
            .admin
            .send_message(&channel, &format!("Update {n}"))
            .await;
        assert_eq!(sent.status, 200, "{}", sent.body);
    }

    let after = Scrape::of(&app).await;
    assert_eq!(
        after.get("parlor_mail_outbox_backlog", &[]),
        before.get("parlor_mail_outbox_backlog", &[]) + 2.0
    );
    assert_eq!(
        after.get("parlor_mail_outbox_backlog", &[]),
        pending().await
    );
    assert!(
        after.get("parlor_webhook_backlog", &[]) >= 3.0,
        "the three messages wait for the webhook: {}",
        after.get("parlor_webhook_backlog", &[])
    );
}

#[tokio::test]
async fn a_socket_too_slow_to_keep_up_is_dropped_and_counted() {
    let app = TestApp::spawn_with(|config| {
        config.metrics_listen = Some("127.0.0.1:0".parse().unwrap());
        // Room for one frame, and all the time in the world to send it: the
        // socket can only go because its queue is full.
        config.realtime_queue = 1;
        config.realtime_send_timeout = std::time::Duration::from_secs(600);
    })
    .await;
    let ann = app.create_client("Ann", None).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let before = Scrape::of(&app).await;
    let cursor = app.ctx.hub.last_seq().to_string();
    let _stalled = crate::limits::socket_that_stops_reading(&app, &cursor).await;
    eventually("the socket is open", || async {
        app.ctx.hub.connections() == 1
    })
    .await;
    let text = "x".repeat(9_000);
    let mut sent = 0;
    while app.ctx.hub.connections() == 1 {
        assert!(sent < 5_000, "the socket was never dropped");
        let response = app.admin.send_message(&channel, &text).await;
        assert_eq!(response.status, 200, "{}", response.body);
        sent += 1;
    }
    let after = Scrape::of(&app).await;
    assert!(
        after.get("parlor_realtime_sockets_dropped_total", &[])
            - before.get("parlor_realtime_sockets_dropped_total", &[])
            >= 1.0,
        "dropped after {sent} messages"
    );
    assert_eq!(after.get("parlor_realtime_sockets_open", &[]), 0.0);
}

#[tokio::test]
async fn metrics_are_served_only_on_their_own_listener() {
    let app = spawn_with_metrics().await;
    let without = TestApp::spawn().await;
    for (which, base) in [
        ("with a metrics listener", &app.base),
        ("without one", &without.base),
    ] {
        let public = reqwest::get(format!("{base}/metrics")).await.unwrap();
        assert_eq!(public.status(), 404, "the public listener, {which}");
        let text = public.text().await.unwrap();
        assert!(!text.contains("parlor_http_requests_total"), "{which}");
    }
    let metrics: SocketAddr = app.metrics.unwrap();
    for path in ["/", "/healthz", "/v1/message-channels", "/metrics/extra"] {
        let other = reqwest::get(format!("http://{metrics}{path}"))
            .await
            .unwrap();
        assert_eq!(other.status(), 404, "{path} on the metrics listener");
    }
    assert!(without.metrics.is_none(), "off by default");
}

#[tokio::test]
async fn every_answer_carries_a_request_id_kept_from_the_proxy_or_made_new() {
    let app = TestApp::spawn().await;
    let http = reqwest::Client::new();
    let id_of = |response: &reqwest::Response| {
        response.headers()["x-request-id"]
            .to_str()
            .unwrap()
            .to_string()
    };
    let mut made = Vec::new();
    for path in ["/healthz", "/v1/no-such-thing", "/v1/message-channels"] {
        let response = http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        let id = id_of(&response);
        assert!(
            uuid::Uuid::parse_str(&id).is_ok(),
            "{path} ({}): a new UUID, not {id:?}",
            response.status()
        );
        made.push(id);
    }
    let distinct: std::collections::HashSet<_> = made.iter().collect();
    assert_eq!(distinct.len(), 3, "one id per request: {made:?}");

    for (sent, kept) in [
        ("7c2e0a9b1d3f4e5a6b7c8d9e0f1a2b3c", true),
        ("lb-node-2.0042:17", true),
        ("has spaces in it", false),
        (&*"x".repeat(65), false),
    ] {
        let response = http
            .get(format!("{}/healthz", app.base))
            .header("x-request-id", sent)
            .send()
            .await
            .unwrap();
        let id = id_of(&response);
        if kept {
            assert_eq!(id, sent, "the proxy's id is kept");
        } else {
            assert!(
                uuid::Uuid::parse_str(&id).is_ok(),
                "{sent:?} is replaced, by {id:?}"
            );
        }
    }
}
