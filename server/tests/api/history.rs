//! Message history: an edit keeps the text it replaced and a delete the
//! text it removed, with who and when; everyone sees that a message was
//! edited, only the staff who see it read what it said before and who
//! deleted it, and nothing of that reaches a client through any door: REST
//! reads, the web app's calls, realtime frames live and on replay, search.

use serde_json::{json, Value};

use crate::helpers::{Caller, TestApp};
use crate::notes::call_server_function;

/// Acme's client Ann in her channel, a colleague limited to Acme, staff
/// limited to Globex, and Globex's client Bob.
struct Scene {
    app: TestApp,
    channel: String,
    ann: Caller,
    ann_id: String,
    colleague: Caller,
    globex_staff: Caller,
    bob: Caller,
}

impl Scene {
    async fn build() -> Scene {
        let app = TestApp::spawn().await;
        let acme = app.create_company("Acme").await;
        let globex = app.create_company("Globex").await;
        let ann_client = app.create_client("Ann", Some(&acme)).await;
        let bob_client = app.create_client("Bob", Some(&globex)).await;
        let ann_id = ann_client["id"].as_str().unwrap().to_string();
        let channel = app.individual_channel(&ann_id).await;
        let ann = app.client_session(&ann_client).await;
        let bob = app.client_session(&bob_client).await;
        let (_, colleague) = app.staff(Some(&[&acme])).await;
        let (_, globex_staff) = app.staff(Some(&[&globex])).await;
        Scene {
            app,
            channel,
            ann,
            ann_id,
            colleague,
            globex_staff,
            bob,
        }
    }

    async fn send(&self, by: &Caller, text: &str) -> String {
        let sent = by.send_message(&self.channel, text).await;
        assert_eq!(sent.status, 200, "{}", sent.body);
        sent.id()
    }
}

async fn edit(by: &Caller, id: &str, text: &str) -> Value {
    let edited = by
        .patch(&format!("/v1/messages/{id}"), json!({ "text": text }))
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    edited.body
}

async fn delete(by: &Caller, id: &str) -> Value {
    let deleted = by.delete(&format!("/v1/messages/{id}")).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    deleted.body
}

/// The earlier versions `by` reads of a message, oldest first.
async fn versions(by: &Caller, id: &str) -> Vec<Value> {
    let listed = by.get(&format!("/v1/messages/{id}/versions")).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    listed.body["data"].as_array().unwrap().clone()
}

fn texts(versions: &[Value]) -> Vec<&str> {
    versions
        .iter()
        .map(|v| v["text"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn an_edit_keeps_the_text_it_replaced_with_who_edited_it_and_when() {
    let s = Scene::build().await;
    let id = s.send(&s.app.admin, "Meeting at 3").await;
    let sent = s.app.admin.get(&format!("/v1/messages/{id}")).await.body;
    assert!(sent["editedAt"].is_null(), "not edited yet: {sent}");
    assert!(versions(&s.app.admin, &id).await.is_empty());

    let edited = edit(&s.app.admin, &id, "Meeting at 4").await;
    assert_eq!(edited["text"], "Meeting at 4");
    assert!(edited["editedAt"].is_string(), "{edited}");

    let kept = versions(&s.colleague, &id).await;
    assert_eq!(texts(&kept), ["Meeting at 3"]);
    assert_eq!(kept[0]["object"], "messageVersion");
    assert_eq!(kept[0]["messageId"], id.as_str());
    assert_eq!(kept[0]["version"], 1);
    assert_eq!(kept[0]["change"], "edit");
    assert_eq!(kept[0]["editedBy"], s.app.owner_id.as_str());
    assert_eq!(kept[0]["editedAt"], edited["editedAt"]);
}

#[tokio::test]
async fn two_edits_give_two_versions_in_order_and_saving_the_same_text_gives_none() {
    let s = Scene::build().await;
    let id = s.send(&s.ann, "Invoice 1042 is wrong").await;
    let first = edit(&s.ann, &id, "Invoice 1043 is wrong").await;
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let second = edit(&s.ann, &id, "Invoice 1043 is wrong, sorry").await;
    let unchanged = edit(&s.ann, &id, "Invoice 1043 is wrong, sorry").await;
    assert_eq!(
        unchanged["editedAt"], second["editedAt"],
        "saving what it says already is no edit"
    );

    let kept = versions(&s.app.admin, &id).await;
    assert_eq!(
        texts(&kept),
        ["Invoice 1042 is wrong", "Invoice 1043 is wrong"]
    );
    let numbers: Vec<i64> = kept
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2]);
    assert_eq!(kept[0]["editedAt"], first["editedAt"]);
    assert_eq!(kept[1]["editedAt"], second["editedAt"]);
    for version in &kept {
        assert_eq!(
            version["editedBy"],
            s.ann_id.as_str(),
            "the client edited it"
        );
    }

    // Paged oldest first, like every list.
    let page = s
        .app
        .admin
        .get(&format!("/v1/messages/{id}/versions?limit=1"))
        .await;
    assert_eq!(
        texts(page.body["data"].as_array().unwrap()),
        ["Invoice 1042 is wrong"]
    );
    let token = page.body["nextToken"].as_str().unwrap();
    let rest = s
        .app
        .admin
        .get(&format!(
            "/v1/messages/{id}/versions?limit=1&nextToken={token}"
        ))
        .await;
    assert_eq!(
        texts(rest.body["data"].as_array().unwrap()),
        ["Invoice 1043 is wrong"]
    );
    assert!(rest.body.get("nextToken").is_none(), "{}", rest.body);
}

#[tokio::test]
async fn edits_at_the_same_moment_each_keep_the_text_they_replaced() {
    let s = Scene::build().await;
    let id = s.send(&s.app.admin, "draft 0").await;
    let edits: Vec<String> = (1..=6).map(|n| format!("draft {n}")).collect();
    let path = format!("/v1/messages/{id}");
    let answers = futures_util::future::join_all(
        edits
            .iter()
            .map(|text| s.app.admin.patch(&path, json!({ "text": text }))),
    )
    .await;
    for answer in &answers {
        assert_eq!(answer.status, 200, "{}", answer.body);
    }

    let kept = versions(&s.app.admin, &id).await;
    let now = s.app.admin.get(&format!("/v1/messages/{id}")).await.body;
    let mut every_text: Vec<&str> = texts(&kept);
    every_text.push(now["text"].as_str().unwrap());
    every_text.sort();
    let mut expected: Vec<&str> = edits.iter().map(String::as_str).collect();
    expected.push("draft 0");
    expected.sort();
    assert_eq!(
        every_text, expected,
        "each text is kept once, none lost to an edit beside it"
    );
    assert_eq!(kept[0]["text"], "draft 0");
}

#[tokio::test]
async fn a_client_sees_that_a_message_was_edited_but_never_what_it_said() {
    let s = Scene::build().await;
    let id = s.send(&s.app.admin, "Your fee is 900").await;
    edit(&s.app.admin, &id, "Your fee is 1,200").await;

    let read = s.ann.get(&format!("/v1/messages/{id}")).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["text"], "Your fee is 1,200");
    assert!(read.body["editedAt"].is_string(), "{}", read.body);
    let listed = s.app.all_messages(&s.ann, &s.channel, 100).await;
    assert!(listed
        .iter()
        .any(|m| m["id"] == id.as_str() && m["editedAt"].is_string()));
    // The old words, not only "900": a random id may hold those digits.
    assert!(!format!("{listed:?}").contains("fee is 900"), "{listed:?}");

    s.ann
        .get(&format!("/v1/messages/{id}/versions"))
        .await
        .assert_error(403, "a client of the channel reading versions");
    s.bob
        .get(&format!("/v1/messages/{id}/versions"))
        .await
        .assert_error(403, "a client of another company reading versions");
    s.globex_staff
        .get(&format!("/v1/messages/{id}/versions"))
        .await
        .assert_error(404, "staff who do not see the channel reading versions");

    // The web app's doors say the same.
    let opened = call_server_function(
        &s.app,
        &s.ann,
        "open_conversation",
        &[("channel_id", s.channel.as_str())],
    )
    .await;
    assert!(!opened.to_string().contains("fee is 900"), "{opened}");
    assert!(opened.to_string().contains("editedAt"), "{opened}");
}

#[tokio::test]
async fn staff_see_who_deleted_a_message_and_what_it_said_while_clients_see_the_tombstone_as_before(
) {
    let s = Scene::build().await;
    let id = s.send(&s.app.admin, "The password is hunter2").await;
    edit(&s.app.admin, &id, "The password is hunter3").await;
    let answer = delete(&s.app.admin, &id).await;
    assert_eq!(answer["deletedBy"], s.app.owner_id.as_str(), "{answer}");

    let seen_by_staff = s.colleague.get(&format!("/v1/messages/{id}")).await.body;
    assert_eq!(seen_by_staff["deletedBy"], s.app.owner_id.as_str());
    assert_eq!(seen_by_staff["text"], "");
    assert!(seen_by_staff["deletedAt"].is_string());
    let kept = versions(&s.colleague, &id).await;
    assert_eq!(
        texts(&kept),
        ["The password is hunter2", "The password is hunter3"]
    );
    assert_eq!(kept[1]["change"], "delete");
    assert_eq!(kept[1]["editedBy"], s.app.owner_id.as_str());
    assert_eq!(kept[1]["editedAt"], seen_by_staff["deletedAt"]);

    // The client's tombstone: what a deleted message always was to them.
    let seen_by_client = s.ann.get(&format!("/v1/messages/{id}")).await.body;
    assert_eq!(seen_by_client["text"], "");
    assert!(seen_by_client["deletedAt"].is_string());
    assert!(seen_by_client["editedAt"].is_null(), "{seen_by_client}");
    assert!(
        seen_by_client.get("deletedBy").is_none(),
        "{seen_by_client}"
    );
    assert_eq!(seen_by_client["attachments"], json!([]));
    assert_eq!(seen_by_client["reactions"], json!([]));
    let mut fields: Vec<&String> = seen_by_client.as_object().unwrap().keys().collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "attachments",
            "channelId",
            "createdAt",
            "deletedAt",
            "editedAt",
            "id",
            "isAttachmentIncluded",
            "isInternal",
            "isWelcome",
            "object",
            "reactions",
            "senderId",
            "senderType",
            "text",
            "updatedAt"
        ]
    );
    let listed = s.app.all_messages(&s.ann, &s.channel, 100).await;
    assert!(!format!("{listed:?}").contains("hunter"), "{listed:?}");

    // The web app: staff read who deleted it, the client does not.
    let for_staff = call_server_function(
        &s.app,
        &s.colleague,
        "read_message",
        &[("message_id", id.as_str())],
    )
    .await;
    assert_eq!(for_staff["deletedBy"], s.app.owner_id.as_str());
    let for_client = call_server_function(
        &s.app,
        &s.ann,
        "read_message",
        &[("message_id", id.as_str())],
    )
    .await;
    assert!(for_client.get("deletedBy").is_none(), "{for_client}");
    let opened = call_server_function(
        &s.app,
        &s.ann,
        "open_conversation",
        &[("channel_id", s.channel.as_str())],
    )
    .await;
    assert!(!opened.to_string().contains("hunter"), "{opened}");
    assert!(!opened.to_string().contains("deletedBy"), "{opened}");
    let kept_for_app = call_server_function(
        &s.app,
        &s.colleague,
        "message_versions",
        &[("message_id", id.as_str())],
    )
    .await;
    assert_eq!(kept_for_app[1]["change"], "delete", "{kept_for_app}");
    assert_eq!(kept_for_app[1]["text"], "The password is hunter3");
}

#[tokio::test]
async fn a_client_who_deletes_their_message_learns_nothing_new_and_staff_see_it_was_them() {
    let s = Scene::build().await;
    let id = s.send(&s.ann, "My card number is 4242").await;
    let answer = delete(&s.ann, &id).await;
    assert!(answer.get("deletedBy").is_none(), "{answer}");
    assert_eq!(answer["text"], "");
    s.ann
        .get(&format!("/v1/messages/{id}/versions"))
        .await
        .assert_error(403, "the author, a client, reading what they deleted");

    let seen_by_staff = s.app.admin.get(&format!("/v1/messages/{id}")).await.body;
    assert_eq!(seen_by_staff["deletedBy"], s.ann_id.as_str());
    let kept = versions(&s.app.admin, &id).await;
    assert_eq!(texts(&kept), ["My card number is 4242"]);
    assert_eq!(kept[0]["editedBy"], s.ann_id.as_str());
}

#[tokio::test]
async fn a_notes_versions_are_never_visible_to_a_client() {
    let s = Scene::build().await;
    let note = s
        .app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": s.channel, "text": "Ann pays late", "isInternal": true }),
        )
        .await;
    assert_eq!(note.status, 200, "{}", note.body);
    let note = note.id();
    edit(&s.app.admin, &note, "Ann pays late; chase her").await;

    assert_eq!(
        texts(&versions(&s.colleague, &note).await),
        ["Ann pays late"]
    );
    for (who, caller) in [("Ann", &s.ann), ("Bob", &s.bob)] {
        let refused = caller.get(&format!("/v1/messages/{note}/versions")).await;
        refused.assert_error(403, who);
        assert!(!refused.body.to_string().contains("pays late"));
    }
    s.globex_staff
        .get(&format!("/v1/messages/{note}/versions"))
        .await
        .assert_error(404, "staff who do not see the channel");

    delete(&s.app.admin, &note).await;
    assert_eq!(
        versions(&s.colleague, &note).await[1]["change"],
        "delete",
        "the note's staff read what it said last"
    );
    s.ann
        .get(&format!("/v1/messages/{note}/versions"))
        .await
        .assert_error(403, "Ann, after the note's deletion");
}

#[tokio::test]
async fn the_frames_a_client_receives_for_an_edit_and_a_delete_carry_nothing_staff_only() {
    let s = Scene::build().await;
    let (mut ann, ready) = s.ann.ready_socket(None).await;
    let (mut colleague, _) = s.colleague.ready_socket(None).await;
    let cursor = ready["cursor"].as_str().unwrap().to_string();

    let id = s.send(&s.app.admin, "Deadline is Friday").await;
    edit(&s.app.admin, &id, "Deadline is Monday").await;
    delete(&s.app.admin, &id).await;

    let mut heard = Vec::new();
    for expected in ["message.created", "message.updated", "message.deleted"] {
        let frame = ann.next_event().await;
        assert_eq!(frame["type"], expected, "{frame}");
        heard.push(frame);
    }
    let updated = &heard[1]["data"];
    assert_eq!(updated["text"], "Deadline is Monday");
    assert!(
        updated["editedAt"].is_string(),
        "everyone sees it was edited: {updated}"
    );
    let deleted = &heard[2]["data"];
    assert_eq!(deleted["text"], "");
    assert!(deleted.get("deletedBy").is_none(), "{deleted}");
    assert!(deleted["editedAt"].is_null(), "{deleted}");
    let after_send = format!("{:?}", &heard[1..]);
    assert!(
        !after_send.contains("Friday"),
        "no earlier text: {after_send}"
    );
    assert!(!after_send.contains("versions"), "{after_send}");

    // Staff hear the same frames; who deleted it they read with the message.
    colleague.next_event().await;
    colleague.next_event().await;
    let staff_deleted = colleague.next_event().await;
    assert_eq!(staff_deleted["type"], "message.deleted");
    assert!(staff_deleted["data"].get("deletedBy").is_none());

    // A note's edit and delete never reach the client at all.
    let note = s
        .app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": s.channel, "text": "Secret plan", "isInternal": true }),
        )
        .await
        .id();
    edit(&s.app.admin, &note, "Secret plan B").await;
    delete(&s.app.admin, &note).await;
    let marker = s.send(&s.app.admin, "After the note").await;
    let next = ann.next_event().await;
    assert_eq!(next["data"]["id"], marker.as_str(), "{next}");

    // Nor does a replay hold more: after the message as it was sent, only
    // what it says now.
    let replayed: Vec<Value> = s
        .ann
        .socket(Some(&cursor))
        .await
        .replay()
        .await
        .into_iter()
        .filter(|f| f["type"].as_str().unwrap().starts_with("message."))
        .collect();
    let kinds: Vec<&str> = replayed
        .iter()
        .map(|f| f["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "message.created",
            "message.updated",
            "message.deleted",
            "message.created"
        ],
        "{replayed:?}"
    );
    let after_sending = format!("{:?}", &replayed[1..]);
    for secret in ["Friday", "Secret plan", "deletedBy"] {
        assert!(
            !after_sending.contains(secret),
            "{secret} in {after_sending}"
        );
    }
}

/// The ids of the messages `caller` finds searching for one word.
async fn found(caller: &Caller, word: &str) -> Vec<String> {
    let answer = caller.get(&format!("/v1/search?q={word}")).await;
    assert_eq!(answer.status, 200, "{word}: {}", answer.body);
    answer.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["message"]["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn search_finds_what_a_message_says_now_never_what_it_said() {
    let s = Scene::build().await;
    let id = s.send(&s.app.admin, "Quarterly figures are due").await;
    edit(&s.app.admin, &id, "Annual figures are due").await;
    let uploaded = crate::attachments::upload(&s.app.admin, &[("payslips.txt", b"Overtime")]).await;
    assert_eq!(uploaded.status, 200, "{}", uploaded.body);
    let with_file = s
        .app
        .admin
        .post(
            "/v1/messages",
            json!({
                "channelId": s.channel, "text": "Confidential salaries",
                "attachmentIds": [uploaded.body["data"][0]["id"]],
            }),
        )
        .await;
    assert_eq!(with_file.status, 200, "{}", with_file.body);
    let with_file = with_file.id();
    for word in ["payslips", "Overtime"] {
        assert_eq!(
            found(&s.ann, word).await,
            [with_file.as_str()],
            "{word} before the delete"
        );
    }
    delete(&s.app.admin, &with_file).await;

    for (who, caller) in [("staff", &s.app.admin), ("Ann", &s.ann)] {
        assert_eq!(found(caller, "Annual").await, [id.as_str()], "{who}");
        for gone in ["Quarterly", "Confidential", "payslips", "Overtime"] {
            assert!(found(caller, gone).await.is_empty(), "{who} finds {gone}");
        }
    }
}
