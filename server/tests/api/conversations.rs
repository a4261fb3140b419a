//! How the staff handle a conversation: an owner, a state (open, waiting on
//! the client, done), a snooze that ends on its own, and how long a client
//! has waited. A client's message opens it again; none of it reaches a
//! client.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{eventually, Caller, TestApp};

struct Desk {
    app: TestApp,
    channel: String,
    ann: Caller,
    ann_id: String,
    colleague_id: String,
    colleague: Caller,
    outsider_id: String,
    outsider: Caller,
}

impl Desk {
    async fn build() -> Desk {
        let app = TestApp::spawn().await;
        let acme = app.create_company("Acme").await;
        let globex = app.create_company("Globex").await;
        let ann_client = app.create_client("Ann", Some(&acme)).await;
        let channel = app
            .individual_channel(ann_client["id"].as_str().unwrap())
            .await;
        let ann = app.client_session(&ann_client).await;
        let ann_id = ann_client["id"].as_str().unwrap().to_string();
        let (colleague_id, colleague) = app.staff(Some(&[&acme])).await;
        let (outsider_id, outsider) = app.staff(Some(&[&globex])).await;
        Desk {
            app,
            channel,
            ann,
            ann_id,
            colleague_id,
            colleague,
            outsider_id,
            outsider,
        }
    }

    async fn handle(&self, by: &Caller, change: Value) -> crate::helpers::Response {
        by.patch(&format!("/v1/message-channels/{}", self.channel), change)
            .await
    }

    async fn as_staff(&self) -> Value {
        let read = self
            .app
            .admin
            .get(&format!("/v1/message-channels/{}", self.channel))
            .await;
        assert_eq!(read.status, 200, "{}", read.body);
        read.body
    }
}

#[tokio::test]
async fn staff_assign_a_conversation_to_a_colleague_who_can_see_it() {
    let d = Desk::build().await;
    assert_eq!(d.as_staff().await["assigneeId"], Value::Null);
    assert_eq!(d.as_staff().await["state"], "open");

    let assigned = d
        .handle(&d.app.admin, json!({ "assigneeId": d.colleague_id }))
        .await;
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    assert_eq!(assigned.body["assigneeId"], d.colleague_id.as_str());
    let seen_by_colleague = d
        .colleague
        .get(&format!("/v1/message-channels/{}", d.channel))
        .await;
    assert_eq!(
        seen_by_colleague.body["assigneeId"],
        d.colleague_id.as_str()
    );

    // Someone who cannot open it cannot own it, nor can a client.
    d.handle(&d.app.admin, json!({ "assigneeId": d.outsider_id }))
        .await
        .assert_error(422, "an owner who cannot see the conversation");
    d.handle(&d.app.admin, json!({ "assigneeId": d.ann_id }))
        .await
        .assert_error(422, "a client as owner");
    // Only staff who see it handle it.
    d.handle(&d.outsider, json!({ "state": "done" }))
        .await
        .assert_error(404, "staff who cannot see it");
    d.handle(&d.ann, json!({ "state": "done" }))
        .await
        .assert_error(403, "a client");
    d.handle(&d.app.admin, json!({ "state": "closed" }))
        .await
        .assert_error(422, "an unknown state");
    assert_eq!(d.as_staff().await["assigneeId"], d.colleague_id.as_str());

    // Unassigning takes `null`.
    let unassigned = d.handle(&d.colleague, json!({ "assigneeId": null })).await;
    assert_eq!(unassigned.status, 200, "{}", unassigned.body);
    assert_eq!(unassigned.body["assigneeId"], Value::Null);

    // The client sees none of it, through REST or the channel list.
    d.handle(
        &d.app.admin,
        json!({ "assigneeId": d.colleague_id, "state": "waiting" }),
    )
    .await;
    let theirs = d
        .ann
        .get(&format!("/v1/message-channels/{}", d.channel))
        .await;
    assert_eq!(theirs.status, 200);
    for field in ["assigneeId", "state", "snoozedUntil", "awaitingReplySince"] {
        assert!(theirs.body.get(field).is_none(), "{field}: {}", theirs.body);
    }
    let listed = d.ann.get("/v1/message-channels").await;
    assert!(listed.body["data"][0].get("assigneeId").is_none());
}

#[tokio::test]
async fn a_clients_message_opens_a_done_conversation_and_waits_for_an_answer() {
    let d = Desk::build().await;
    let done = d.handle(&d.app.admin, json!({ "state": "done" })).await;
    assert_eq!(done.body["state"], "done");
    assert_eq!(done.body["awaitingReplySince"], Value::Null);

    // Text alone goes through the batched writer.
    let asked = d.ann.send_message(&d.channel, "One more question").await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    let reopened = d.as_staff().await;
    assert_eq!(reopened["state"], "open");
    assert_eq!(reopened["awaitingReplySince"], asked.body["createdAt"]);

    // A second message does not restart the wait; a note is no answer.
    d.ann.send_message(&d.channel, "Hello?").await;
    d.app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": d.channel, "text": "I'll take this", "isInternal": true }),
        )
        .await;
    assert_eq!(
        d.as_staff().await["awaitingReplySince"],
        asked.body["createdAt"]
    );

    // The staff's answer ends the wait.
    d.app.admin.send_message(&d.channel, "Here you go").await;
    assert_eq!(d.as_staff().await["awaitingReplySince"], Value::Null);

    // A message with a file, written on its own, opens it the same way.
    d.handle(&d.app.admin, json!({ "state": "done" })).await;
    let uploaded = crate::attachments::upload(&d.ann, &[("id.txt", b"ID")]).await;
    let with_file = d
        .ann
        .post(
            "/v1/messages",
            json!({ "channelId": d.channel, "text": "", "attachmentIds": [uploaded.body["data"][0]["id"]] }),
        )
        .await;
    assert_eq!(with_file.status, 200, "{}", with_file.body);
    let again = d.as_staff().await;
    assert_eq!(again["state"], "open");
    assert_eq!(again["awaitingReplySince"], with_file.body["createdAt"]);
}

#[tokio::test]
async fn a_snoozed_conversation_opens_again_at_its_time_and_tells_only_the_staff() {
    let d = Desk::build().await;
    let (mut staff_socket, _) = d.colleague.ready_socket(None).await;
    let (mut client_socket, _) = d.ann.ready_socket(None).await;
    let until = crate::helpers::moment_in(Duration::from_millis(1500));
    let snoozed = d
        .handle(&d.app.admin, json!({ "snoozedUntil": until }))
        .await;
    assert_eq!(snoozed.status, 200, "{}", snoozed.body);
    assert_eq!(snoozed.body["state"], "waiting");
    assert!(snoozed.body["snoozedUntil"].is_string());
    let told = staff_socket
        .next_where(|f| f["type"] == "conversation.updated")
        .await;
    assert_eq!(told["data"]["state"], "waiting");

    eventually("the snooze ends", || async {
        d.as_staff().await["state"] == "open"
    })
    .await;
    assert_eq!(d.as_staff().await["snoozedUntil"], Value::Null);
    let woken = staff_socket
        .next_where(|f| f["type"] == "conversation.updated")
        .await;
    assert_eq!(woken["data"]["state"], "open", "{woken}");

    // The client heard none of it: their next event is a message.
    let sent = d.app.admin.send_message(&d.channel, "Back to you").await;
    let next = client_socket.next_event().await;
    assert_eq!(next["data"]["id"], sent.id().as_str(), "{next}");

    // A client's message ends a snooze at once; a snooze in the past is refused.
    let later = crate::helpers::moment_in(Duration::from_secs(3600));
    d.handle(&d.app.admin, json!({ "snoozedUntil": later }))
        .await;
    d.ann.send_message(&d.channel, "Actually, now").await;
    let now = d.as_staff().await;
    assert_eq!(now["state"], "open");
    assert_eq!(now["snoozedUntil"], Value::Null);
    d.handle(
        &d.app.admin,
        json!({ "snoozedUntil": "2001-01-01T00:00:00Z" }),
    )
    .await
    .assert_error(422, "a snooze in the past");
    d.handle(&d.app.admin, json!({ "snoozedUntil": "tomorrow" }))
        .await
        .assert_error(422, "not a date");
}
