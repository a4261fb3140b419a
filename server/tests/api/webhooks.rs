//! Webhooks delivered to a real HTTP receiver on loopback: signed as
//! Assembly signs them, retried, in order, durable across a restart, never
//! to private addresses unless the operator allows it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::attachments::client_with_channel;
use crate::helpers::{eventually, Caller, TestApp};

/// One delivery as the receiver got it.
#[derive(Clone, Debug)]
struct Received {
    raw: Vec<u8>,
    body: Value,
    signature: String,
}

#[derive(Default)]
struct Inbox {
    received: Mutex<Vec<Received>>,
    /// Statuses to answer with, in order; 200 once they run out.
    answers: Mutex<VecDeque<u16>>,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    delay: Mutex<Duration>,
}

/// A webhook receiver: a small HTTP server in the test.
struct Receiver {
    url: String,
    inbox: Arc<Inbox>,
    server: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start() -> Receiver {
        Self::answering(&[]).await
    }

    /// A receiver that answers these statuses first, then 200.
    async fn answering(statuses: &[u16]) -> Receiver {
        let inbox = Arc::new(Inbox::default());
        inbox.answers.lock().unwrap().extend(statuses);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks/parlor", listener.local_addr().unwrap());
        let router = axum::Router::new()
            .route("/hooks/parlor", axum::routing::post(receive))
            .with_state(inbox.clone());
        let server = tokio::spawn(async move {
            axum::serve(listener, router).await.unwrap();
        });
        Receiver { url, inbox, server }
    }

    fn slow_down(&self, delay: Duration) {
        *self.inbox.delay.lock().unwrap() = delay;
    }

    fn answer_next(&self, statuses: &[u16]) {
        self.inbox.answers.lock().unwrap().extend(statuses);
    }

    fn received(&self) -> Vec<Received> {
        self.inbox.received.lock().unwrap().clone()
    }

    /// Waits up to 10 s until `count` deliveries have arrived.
    async fn wait_for(&self, count: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {count} deliveries; got {:?}",
                received.iter().map(|r| &r.body).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn receive(State(inbox): State<Arc<Inbox>>, headers: HeaderMap, raw: Bytes) -> StatusCode {
    let now = inbox.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    inbox.most_in_flight.fetch_max(now, Ordering::SeqCst);
    let delay = *inbox.delay.lock().unwrap();
    tokio::time::sleep(delay).await;
    let status = inbox.answers.lock().unwrap().pop_front().unwrap_or(200);
    inbox.received.lock().unwrap().push(Received {
        raw: raw.to_vec(),
        body: serde_json::from_slice(&raw).unwrap_or(Value::Null),
        signature: headers
            .get("x-copilot-signature")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string(),
    });
    inbox.in_flight.fetch_sub(1, Ordering::SeqCst);
    StatusCode::from_u16(status).unwrap()
}

/// What a receiver computes to check a delivery: the hex HMAC-SHA256 of the
/// raw body with the signing secret.
fn expected_signature(secret: &str, raw: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(raw);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn add_webhook(caller: &Caller, url: &str, event_types: &[&str]) -> Value {
    let made = caller
        .post(
            "/v1/webhooks",
            json!({ "url": url, "eventTypes": event_types }),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    made.body
}

async fn deliveries(app: &TestApp, webhook_id: &str) -> Vec<Value> {
    let listed = app
        .admin
        .get(&format!("/v1/webhooks/{webhook_id}/deliveries"))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    listed.body["data"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_sent_message_reaches_the_webhook_signed_with_its_secret() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let webhook = add_webhook(&app.admin, &receiver.url, &["message.sent"]).await;
    let secret = webhook["signingSecret"].as_str().unwrap().to_string();
    assert!(secret.len() > 30, "a long secret: {secret}");
    assert_eq!(webhook["eventTypes"], json!(["message.sent"]));
    assert_eq!(webhook["enabled"], true);

    // The secret is shown once: never in a read.
    let read = app
        .admin
        .get(&format!("/v1/webhooks/{}", webhook["id"].as_str().unwrap()))
        .await;
    assert_eq!(read.status, 200);
    assert!(read.body.get("signingSecret").is_none(), "{}", read.body);
    let listed = app.admin.get("/v1/webhooks").await;
    assert_eq!(listed.body["data"].as_array().unwrap().len(), 1);
    assert!(listed.body["data"][0].get("signingSecret").is_none());
    // Made with an API key: the admins hear of it.
    let admin = app
        .sign_in(crate::helpers::OWNER_EMAIL, crate::helpers::PASSWORD)
        .await;
    let told = admin.get("/v1/notifications").await.body.to_string();
    assert!(told.contains("An integration added a webhook"), "{told}");

    // The client made now is not subscribed to: only messages arrive, the
    // channel's welcome first.
    let (_client, channel) = client_with_channel(&app).await;
    let sent = app
        .admin
        .send_message(&channel, "Your return is filed")
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);

    let got = receiver.wait_for(2).await;
    assert_eq!(got[0].body["data"]["isWelcome"], true);
    let delivery = &got[1];
    assert_eq!(
        delivery.signature,
        expected_signature(&secret, &delivery.raw),
        "the signature verifies with the secret"
    );
    assert_ne!(
        delivery.signature,
        expected_signature("another secret", &delivery.raw)
    );
    assert_eq!(delivery.body["eventType"], "message.sent");
    assert_eq!(delivery.body["object"], "message");
    assert!(delivery.body["id"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));
    assert!(delivery.body["created"].as_str().is_some());
    // `data` is the message exactly as the REST API shows it.
    let shown = app.admin.get(&format!("/v1/messages/{}", sent.id())).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(delivery.body["data"], shown.body);

    let webhook_id = webhook["id"].as_str().unwrap();
    eventually("both deliveries are recorded", || async {
        deliveries(&app, webhook_id).await.len() == 2
    })
    .await;
    let record = deliveries(&app, webhook_id).await;
    assert_eq!(record[0]["eventType"], "message.sent");
    assert_eq!(record[0]["eventId"], delivery.body["id"]);
    assert_eq!(record[0]["statusCode"], 200);
    assert_eq!(record[0]["succeeded"], true);
    assert_eq!(record[0]["attempt"], 1);
    assert!(record[0]["durationMs"].as_i64().is_some());
    assert_eq!(receiver.received().len(), 2, "nothing unsubscribed arrived");
}

#[tokio::test]
async fn internal_notes_reach_only_webhooks_that_ask_for_notes_by_name() {
    let app = TestApp::spawn().await;
    let (_client, channel) = client_with_channel(&app).await;
    let messages = Receiver::start().await;
    add_webhook(&app.admin, &messages.url, &["message.sent"]).await;
    let notes = Receiver::start().await;
    add_webhook(&app.admin, &notes.url, &["internalNote.sent"]).await;

    let note = app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": channel, "text": "Check the invoice first", "isInternal": true }),
        )
        .await;
    assert_eq!(note.status, 200, "{}", note.body);
    let sent = app
        .admin
        .send_message(&channel, "Your return is filed")
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);

    // A receiver written for messages, which may pass them on to clients,
    // gets the message after the note and never the note.
    let got = messages.wait_for(1).await;
    assert_eq!(got[0].body["data"]["id"], sent.id().as_str());
    let got = notes.wait_for(1).await;
    assert_eq!(got[0].body["eventType"], "internalNote.sent");
    assert_eq!(got[0].body["data"]["id"], note.id().as_str());
    assert_eq!(got[0].body["data"]["isInternal"], true);
    // The message was logged after the note: once it is delivered, the
    // note had its chance, and neither receiver got the other's event.
    eventually("the message reaches its receiver", || async {
        messages.received().len() == 1
    })
    .await;
    assert_eq!(notes.received().len(), 1, "{:?}", notes.received());
    assert_eq!(messages.received().len(), 1);
}

#[tokio::test]
async fn a_receiver_that_fails_twice_gets_the_event_on_the_third_try() {
    let app = TestApp::spawn().await;
    let (_client, channel) = client_with_channel(&app).await;
    let receiver = Receiver::answering(&[500, 503]).await;
    let webhook = add_webhook(&app.admin, &receiver.url, &["message.sent"]).await;
    app.admin.send_message(&channel, "Try, try again").await;

    let got = receiver.wait_for(3).await;
    let ids: Vec<&Value> = got.iter().map(|r| &r.body["id"]).collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "every attempt carries the same event id to deduplicate on: {ids:?}"
    );
    assert_eq!(got[2].body["data"]["text"], "Try, try again");

    let webhook_id = webhook["id"].as_str().unwrap();
    eventually("the third attempt is recorded", || async {
        deliveries(&app, webhook_id).await.len() == 3
    })
    .await;
    let record = deliveries(&app, webhook_id).await;
    // Newest first.
    let attempts: Vec<(i64, i64, bool)> = record
        .iter()
        .map(|d| {
            (
                d["attempt"].as_i64().unwrap(),
                d["statusCode"].as_i64().unwrap(),
                d["succeeded"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        attempts,
        vec![(3, 200, true), (2, 503, false), (1, 500, false)]
    );
    assert!(record[1]["error"]
        .as_str()
        .is_some_and(|e| e.contains("503")));
    let shown = app.admin.get(&format!("/v1/webhooks/{webhook_id}")).await;
    assert_eq!(shown.body["failedAttempts"], 0, "{}", shown.body);
    assert_eq!(receiver.wait_for(3).await.len(), 3);
}

#[tokio::test]
async fn deliveries_go_one_at_a_time_in_event_order() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    receiver.slow_down(Duration::from_millis(60));
    let (_client, channel) = client_with_channel(&app).await;
    add_webhook(&app.admin, &receiver.url, &["message.sent"]).await;
    let texts: Vec<String> = (1..=6).map(|n| format!("message {n}")).collect();
    for text in &texts {
        app.admin.send_message(&channel, text).await;
    }
    let got = receiver.wait_for(texts.len()).await;
    let delivered: Vec<&str> = got
        .iter()
        .map(|r| r.body["data"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(delivered, texts);
    assert_eq!(receiver.inbox.most_in_flight.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn private_addresses_are_refused_without_the_flag() {
    let app = TestApp::spawn_with(|config| config.webhooks.allow_private_targets = false).await;
    let receiver = Receiver::start().await;
    const PRIVATE: &str = "--allow-private-webhook-targets";
    for (url, why) in [
        (receiver.url.as_str(), PRIVATE),
        ("http://localhost:8080/hook", PRIVATE),
        ("http://169.254.169.254/latest/meta-data", PRIVATE),
        ("http://10.0.0.8/hook", PRIVATE),
        ("http://[::1]:8080/hook", PRIVATE),
        ("http://[::ffff:127.0.0.1]/hook", PRIVATE),
        ("http://0.0.0.0/hook", PRIVATE),
        ("ftp://hooks.example.com/", "only http and https"),
        ("https://user:secret@hooks.example.com/", "no user name"),
        ("not an address", "not an address"),
    ] {
        let refused = app
            .admin
            .post(
                "/v1/webhooks",
                json!({ "url": url, "eventTypes": ["message.sent"] }),
            )
            .await;
        refused.assert_error(422, url);
        assert!(
            refused.body["message"]
                .as_str()
                .is_some_and(|m| m.contains(why)),
            "{url}: {}",
            refused.body
        );
    }
    // Nothing was made, and an address cannot be changed to a private one.
    assert_eq!(app.admin.get("/v1/webhooks").await.body["data"], json!([]));
    let public = app
        .admin
        .post(
            "/v1/webhooks",
            json!({ "url": "http://93.184.216.34/hook", "eventTypes": ["client.created"] }),
        )
        .await;
    assert_eq!(public.status, 200, "{}", public.body);
    let moved = app
        .admin
        .patch(
            &format!("/v1/webhooks/{}", public.id()),
            json!({ "url": receiver.url }),
        )
        .await;
    moved.assert_error(422, "changing to a loopback address");
}

#[tokio::test]
async fn event_types_must_be_known() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    for (types, why) in [
        (json!([]), "at least one"),
        (json!(["message.exploded"]), "message.exploded"),
    ] {
        let refused = app
            .admin
            .post(
                "/v1/webhooks",
                json!({ "url": receiver.url, "eventTypes": types }),
            )
            .await;
        refused.assert_error(422, why);
        assert!(refused.body["message"].as_str().unwrap().contains(why));
    }
}

#[tokio::test]
async fn deleting_a_webhook_stops_its_deliveries() {
    let app = TestApp::spawn().await;
    let doomed = Receiver::start().await;
    let control = Receiver::start().await;
    let (_client, channel) = client_with_channel(&app).await;
    let webhook = add_webhook(&app.admin, &doomed.url, &["message.sent"]).await;
    add_webhook(&app.admin, &control.url, &["message.sent"]).await;
    app.admin.send_message(&channel, "first").await;
    doomed.wait_for(1).await;
    control.wait_for(1).await;

    let id = webhook["id"].as_str().unwrap();
    let deleted = app.admin.delete(&format!("/v1/webhooks/{id}")).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(deleted.body["deleted"], true);
    app.admin
        .get(&format!("/v1/webhooks/{id}"))
        .await
        .assert_error(404, "a deleted webhook");

    app.admin.send_message(&channel, "second").await;
    // The dispatcher has passed the second message once the control has it.
    let control_got = control.wait_for(2).await;
    assert_eq!(control_got[1].body["data"]["text"], "second");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let doomed_got = doomed.received();
    assert_eq!(doomed_got.len(), 1, "{doomed_got:?}");
    assert_eq!(doomed_got[0].body["data"]["text"], "first");
}

#[tokio::test]
async fn a_delivery_waiting_when_the_server_stops_is_sent_after_the_restart() {
    let mut app = TestApp::spawn().await;
    // Down for now: every attempt fails until it answers 200.
    let (_client, channel) = client_with_channel(&app).await;
    let receiver = Receiver::answering(&[503; 1000]).await;
    let webhook = add_webhook(&app.admin, &receiver.url, &["message.sent"]).await;
    app.admin.send_message(&channel, "Still there?").await;
    receiver.wait_for(1).await;

    app.restart_with(|_| {}).await;
    receiver.inbox.answers.lock().unwrap().clear();
    let id = webhook["id"].as_str().unwrap();
    eventually(
        "the waiting event is delivered after the restart",
        || async {
            receiver
                .received()
                .last()
                .is_some_and(|r| r.body["data"]["text"] == "Still there?")
                && deliveries(&app, id)
                    .await
                    .first()
                    .is_some_and(|d| d["succeeded"] == true)
        },
    )
    .await;
}

#[tokio::test]
async fn a_webhook_failing_too_long_is_disabled_the_admins_told_and_it_resumes_when_enabled() {
    let app = TestApp::spawn_with(|config| {
        config.webhooks.give_up_after = Duration::from_millis(600);
    })
    .await;
    let (_client, channel) = client_with_channel(&app).await;
    let receiver = Receiver::answering(&[500; 1000]).await;
    let webhook = add_webhook(&app.admin, &receiver.url, &["message.sent"]).await;
    let id = webhook["id"].as_str().unwrap().to_string();
    app.admin.send_message(&channel, "Anyone?").await;

    eventually("the webhook is disabled", || async {
        app.admin.get(&format!("/v1/webhooks/{id}")).await.body["enabled"] == false
    })
    .await;
    let shown = app.admin.get(&format!("/v1/webhooks/{id}")).await.body;
    assert!(
        shown["disabledReason"]
            .as_str()
            .is_some_and(|r| r.contains("failed")),
        "{shown}"
    );
    let admin = app
        .sign_in(crate::helpers::OWNER_EMAIL, crate::helpers::PASSWORD)
        .await;
    let told = admin.get("/v1/notifications").await;
    let titles: Vec<&str> = told.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["deliveryTargets"]["inProduct"]["title"].as_str())
        .collect();
    assert!(titles.contains(&"A webhook was disabled"), "{}", told.body);

    // Disabled: nothing more is tried.
    let attempts = receiver.received().len();
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(receiver.received().len(), attempts);

    // Fixed and enabled again: it resumes with the event it stopped at.
    receiver.inbox.answers.lock().unwrap().clear();
    let enabled = app
        .admin
        .patch(&format!("/v1/webhooks/{id}"), json!({ "enabled": true }))
        .await;
    assert_eq!(enabled.status, 200, "{}", enabled.body);
    assert_eq!(enabled.body["enabled"], true);
    assert!(enabled.body.get("disabledReason").is_none());
    let got = receiver.wait_for(attempts + 1).await;
    assert_eq!(got[attempts].body["data"]["text"], "Anyone?");
}

#[tokio::test]
async fn events_the_log_no_longer_holds_when_a_webhook_is_enabled_again_are_reported_not_hidden() {
    let app = TestApp::spawn_with(|config| config.event_retention = Duration::from_millis(1)).await;
    let (_client, channel) = client_with_channel(&app).await;
    let receiver = Receiver::start().await;
    let webhook = add_webhook(&app.admin, &receiver.url, &["message.sent"]).await;
    let id = webhook["id"].as_str().unwrap();
    app.admin
        .patch(&format!("/v1/webhooks/{id}"), json!({ "enabled": false }))
        .await;
    for text in ["lost 1", "lost 2", "kept"] {
        app.admin.send_message(&channel, text).await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    // Housekeeping forgets events past the retention (all but the newest).
    let forgotten = parlor::service::events::forget_old(&app.ctx).await.unwrap();
    assert!(forgotten >= 2, "{forgotten}");

    app.admin
        .patch(&format!("/v1/webhooks/{id}"), json!({ "enabled": true }))
        .await;
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].body["data"]["text"], "kept");
    eventually("the gap is recorded among the deliveries", || async {
        deliveries(&app, id)
            .await
            .iter()
            .any(|d| d["eventType"] == "events.skipped")
    })
    .await;
    let record = deliveries(&app, id).await;
    let gap = record
        .iter()
        .find(|d| d["eventType"] == "events.skipped")
        .unwrap();
    assert!(
        gap["error"].as_str().unwrap().contains("no longer kept"),
        "{gap}"
    );
    let admin = app
        .sign_in(crate::helpers::OWNER_EMAIL, crate::helpers::PASSWORD)
        .await;
    let told = admin.get("/v1/notifications").await.body.to_string();
    assert!(told.contains("A webhook missed events"), "{told}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        receiver.received().len(),
        1,
        "reported once, not on every pass"
    );
    assert_eq!(
        deliveries(&app, id)
            .await
            .iter()
            .filter(|d| d["eventType"] == "events.skipped")
            .count(),
        1
    );
}

#[tokio::test]
async fn directory_changes_arrive_as_the_rest_api_shows_them_with_previous_attributes() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    add_webhook(
        &app.admin,
        &receiver.url,
        &[
            "client.created",
            "client.updated",
            "company.created",
            "client.deleted",
        ],
    )
    .await;
    let company = app.create_company("Acme").await;
    let client = app.create_client("Ann", Some(&company)).await;
    let client_id = client["id"].as_str().unwrap();
    let renamed = app
        .admin
        .patch(
            &format!("/v1/clients/{client_id}"),
            json!({ "givenName": "Annabel" }),
        )
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let shown = app
        .admin
        .get(&format!("/v1/clients/{client_id}"))
        .await
        .body;
    app.admin.delete(&format!("/v1/clients/{client_id}")).await;

    let got = receiver.wait_for(4).await;
    let types: Vec<&str> = got
        .iter()
        .map(|r| r.body["eventType"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "company.created",
            "client.created",
            "client.updated",
            "client.deleted"
        ]
    );
    assert_eq!(got[0].body["object"], "company");
    assert_eq!(got[0].body["data"]["id"], company.as_str());
    assert_eq!(got[1].body["object"], "client");
    assert_eq!(got[1].body["data"]["givenName"], "Ann");
    assert_eq!(
        got[2].body["data"], shown,
        "data is the client as the API shows it"
    );
    assert_eq!(
        got[2].body["previousAttributes"],
        json!({ "givenName": "Ann" })
    );
    assert_eq!(got[3].body["data"]["id"], client_id);
}

#[tokio::test]
async fn a_test_event_is_sent_on_request_and_a_rotated_secret_signs_from_then_on() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let webhook = add_webhook(&app.admin, &receiver.url, &["message.sent"]).await;
    let id = webhook["id"].as_str().unwrap();
    let old_secret = webhook["signingSecret"].as_str().unwrap();

    let tested = app
        .admin
        .post(&format!("/v1/webhooks/{id}/test"), json!({}))
        .await;
    assert_eq!(tested.status, 200, "{}", tested.body);
    assert_eq!(tested.body["eventType"], "webhook.test");
    assert_eq!(tested.body["statusCode"], 200);
    assert_eq!(tested.body["succeeded"], true);
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].body["eventType"], "webhook.test");
    assert_eq!(
        got[0].signature,
        expected_signature(old_secret, &got[0].raw)
    );

    let rotated = app
        .admin
        .post(&format!("/v1/webhooks/{id}/rotate-secret"), json!({}))
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let new_secret = rotated.body["signingSecret"].as_str().unwrap();
    assert_ne!(new_secret, old_secret);
    receiver.answer_next(&[418]);
    let failed = app
        .admin
        .post(&format!("/v1/webhooks/{id}/test"), json!({}))
        .await;
    assert_eq!(failed.body["statusCode"], 418);
    assert_eq!(failed.body["succeeded"], false);
    let got = receiver.wait_for(2).await;
    assert_eq!(
        got[1].signature,
        expected_signature(new_secret, &got[1].raw)
    );
    let record = deliveries(&app, id).await;
    assert_eq!(record.len(), 2, "tests are kept among the deliveries");
}

#[tokio::test]
async fn a_read_only_key_may_read_webhooks_but_not_change_them() {
    let app = TestApp::spawn().await;
    let receiver = Receiver::start().await;
    let webhook = add_webhook(&app.admin, &receiver.url, &["message.sent"]).await;
    let admin = app
        .sign_in(crate::helpers::OWNER_EMAIL, crate::helpers::PASSWORD)
        .await;
    let key = admin
        .post(
            "/v1/api-keys",
            json!({ "name": "reader", "readOnly": true }),
        )
        .await;
    assert_eq!(key.status, 200, "{}", key.body);
    let reader = app.with_key(key.body["key"].as_str().unwrap());
    assert_eq!(reader.get("/v1/webhooks").await.status, 200);
    reader
        .post(
            "/v1/webhooks",
            json!({ "url": receiver.url, "eventTypes": ["message.sent"] }),
        )
        .await
        .assert_error(403, "a read-only key making a webhook");
    reader
        .delete(&format!("/v1/webhooks/{}", webhook["id"].as_str().unwrap()))
        .await
        .assert_error(403, "a read-only key deleting a webhook");
}
