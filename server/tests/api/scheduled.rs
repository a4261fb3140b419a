//! Send later: a scheduled message is listed, editable and cancellable by
//! its author until its time, then sent once — across a restart, and with
//! two nodes looking at once — as its author, under the usual rules.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{eventually, Caller, TestApp};

fn in_ms(ms: u64) -> String {
    crate::helpers::moment_in(Duration::from_millis(ms))
}

async fn schedule(by: &Caller, channel: &str, text: &str, at: &str) -> Value {
    let made = by
        .post(
            "/v1/scheduled-messages",
            json!({ "channelId": channel, "text": text, "scheduledAt": at, "timeZone": "Europe/Paris" }),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    made.body
}

async fn copies(app: &TestApp, channel: &str, text: &str) -> usize {
    app.all_messages(&app.admin, channel, 100)
        .await
        .iter()
        .filter(|m| m["text"] == text)
        .count()
}

#[tokio::test]
async fn a_scheduled_message_is_the_authors_to_change_until_it_goes() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let (sam_id, sam) = app.staff(None).await;

    let later = schedule(&sam, &channel, "Reminder: sign page 3", &in_ms(3_600_000)).await;
    assert_eq!(later["object"], "scheduledMessage");
    assert_eq!(later["timeZone"], "Europe/Paris");
    let id = later["id"].as_str().unwrap();
    let mine = sam
        .get(&format!("/v1/scheduled-messages?channelId={channel}"))
        .await;
    assert_eq!(mine.body["data"].as_array().unwrap().len(), 1);
    // Nobody else sees it or changes it, admins included.
    let others = app.admin.get("/v1/scheduled-messages").await;
    assert_eq!(others.body["data"], json!([]));
    app.admin
        .patch(
            &format!("/v1/scheduled-messages/{id}"),
            json!({ "text": "x" }),
        )
        .await
        .assert_error(404, "someone else's");

    let edited = sam
        .patch(
            &format!("/v1/scheduled-messages/{id}"),
            json!({ "text": "Reminder: sign pages 3 and 4", "scheduledAt": in_ms(1_500) }),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    let cancelled = schedule(&sam, &channel, "Never mind", &in_ms(1_500)).await;
    let gone = sam
        .delete(&format!(
            "/v1/scheduled-messages/{}",
            cancelled["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(gone.status, 200, "{}", gone.body);

    eventually("the edited message goes", || async {
        copies(&app, &channel, "Reminder: sign pages 3 and 4").await == 1
    })
    .await;
    let sent = app
        .all_messages(&app.admin, &channel, 100)
        .await
        .into_iter()
        .find(|m| m["text"] == "Reminder: sign pages 3 and 4")
        .unwrap();
    assert_eq!(sent["senderId"], sam_id.as_str(), "sent as its author");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(copies(&app, &channel, "Never mind").await, 0, "cancelled");
    assert_eq!(
        copies(&app, &channel, "Reminder: sign pages 3 and 4").await,
        1
    );
    assert_eq!(
        sam.get("/v1/scheduled-messages").await.body["data"],
        json!([])
    );

    // Bad input is refused with a reason.
    for (body, why) in [
        (
            json!({ "channelId": channel, "text": "x", "scheduledAt": "2001-01-01T00:00:00Z" }),
            "the past",
        ),
        (
            json!({ "channelId": channel, "text": "x", "scheduledAt": in_ms(60_000), "timeZone": "Paris; DROP" }),
            "a bad zone",
        ),
        (
            json!({ "channelId": channel, "text": " ", "scheduledAt": in_ms(60_000) }),
            "no text",
        ),
    ] {
        sam.post("/v1/scheduled-messages", body)
            .await
            .assert_error(422, why);
    }
    let client = app.client_session(&ann).await;
    client
        .post(
            "/v1/scheduled-messages",
            json!({ "channelId": channel, "text": "x", "scheduledAt": in_ms(60_000), "isInternal": true }),
        )
        .await
        .assert_error(403, "a client's note");
    let (_, outsider) = app.staff(Some(&[])).await;
    outsider
        .post(
            "/v1/scheduled-messages",
            json!({ "channelId": channel, "text": "x", "scheduledAt": in_ms(60_000) }),
        )
        .await
        .assert_error(404, "a channel the author cannot see");
}

#[tokio::test]
async fn a_message_due_while_the_server_was_down_goes_once_after_the_restart() {
    let mut app = TestApp::spawn().await;
    let ann = app.create_client("Ann", None).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    schedule(
        &app.admin,
        &channel,
        "Sent after the restart",
        &in_ms(1_000),
    )
    .await;
    app.stop().await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    app.start().await;
    eventually("the due message goes", || async {
        copies(&app, &channel, "Sent after the restart").await == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    assert_eq!(copies(&app, &channel, "Sent after the restart").await, 1);
}

#[tokio::test]
async fn two_nodes_send_each_scheduled_message_once() {
    let app = TestApp::spawn().await;
    let (_second, _stop) = app.second_node().await;
    let ann = app.create_client("Ann", None).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let at = in_ms(1_200);
    let texts: Vec<String> = (0..8).map(|i| format!("Batch reminder {i}")).collect();
    for text in &texts {
        schedule(&app.admin, &channel, text, &at).await;
    }
    eventually("every scheduled message goes", || async {
        app.admin.get("/v1/scheduled-messages").await.body["data"] == json!([])
    })
    .await;
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    for text in &texts {
        assert_eq!(copies(&app, &channel, text).await, 1, "{text}");
    }
}

#[tokio::test]
async fn an_author_who_lost_access_is_told_why_their_message_did_not_go() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let (sam_id, sam) = app.staff(Some(&[&acme])).await;
    let made = schedule(&sam, &channel, "Too late", &in_ms(1_500)).await;
    let removed = app
        .admin
        .patch(
            &format!("/v1/internal-users/{sam_id}"),
            json!({ "companyAccessList": [] }),
        )
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let id = made["id"].as_str().unwrap().to_string();
    eventually("the failure is recorded", || async {
        sam.get(&format!("/v1/scheduled-messages/{id}")).await.body["failure"].is_string()
    })
    .await;
    assert_eq!(copies(&app, &channel, "Too late").await, 0);
}
