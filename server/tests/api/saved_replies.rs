//! Saved replies: the team's templates, shared (admins) or one person's own,
//! filled in for the conversation they are inserted into, with their files
//! as fresh uploads; and mass messages whose variables are filled in for
//! each recipient.

use reqwest::Method;
use serde_json::{json, Value};

use crate::attachments::upload;
use crate::helpers::{Caller, Response, TestApp, OWNER_EMAIL, PASSWORD, WORKSPACE};

const TEMPLATE: &str =
    "Hi {{client.givenName}} {{client.familyName}} of {{company.name}}, from {{workspace.name}}";

/// Saves a reply as `caller` and answers it.
async fn save(caller: &Caller, body: Value) -> Value {
    let made = caller.post("/v1/saved-replies", body).await;
    assert_eq!(made.status, 200, "saving a reply: {}", made.body);
    made.body
}

async fn own_reply(caller: &Caller, title: &str) -> String {
    save(caller, json!({ "title": title, "text": TEMPLATE })).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn shared_reply(app: &TestApp, title: &str) -> String {
    save(
        &app.admin,
        json!({ "title": title, "text": TEMPLATE, "isShared": true }),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn render(caller: &Caller, id: &str, target: Value) -> Response {
    caller
        .post(&format!("/v1/saved-replies/{id}/render"), target)
        .await
}

fn titles(list: &Response) -> Vec<String> {
    assert_eq!(list.status, 200, "{}", list.body);
    list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["title"].as_str().unwrap().to_string())
        .collect()
}

/// The uploaded file's id, uploaded as `caller`.
async fn uploaded(caller: &Caller, name: &str, bytes: &[u8]) -> String {
    let response = upload(caller, &[(name, bytes)]).await;
    assert_eq!(response.status, 200, "uploading {name}: {}", response.body);
    response.body["data"][0]["id"].as_str().unwrap().to_string()
}

async fn bytes_of(caller: &Caller, attachment_id: &str) -> Vec<u8> {
    let response = caller
        .request(
            Method::GET,
            &format!("/v1/attachments/{attachment_id}/content"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status().as_u16(),
        200,
        "downloading {attachment_id}"
    );
    response.bytes().await.unwrap().to_vec()
}

async fn stored_blobs(app: &TestApp) -> i64 {
    let usage = app.admin.get("/v1/attachments/usage").await;
    assert_eq!(usage.status, 200, "{}", usage.body);
    usage.body["storedBlobs"].as_i64().unwrap()
}

#[tokio::test]
async fn staff_save_list_change_and_delete_their_own_replies() {
    let app = TestApp::spawn().await;
    let (staff_id, staff) = app.staff(None).await;

    let made = save(
        &staff,
        json!({ "title": "Tax checklist", "text": "Send us {{company.name}}'s receipts" }),
    )
    .await;
    assert_eq!(made["object"], "savedReply");
    assert_eq!(made["isShared"], false);
    assert_eq!(made["ownerId"], staff_id.as_str());
    let id = made["id"].as_str().unwrap();
    assert_eq!(
        titles(&staff.get("/v1/saved-replies").await),
        vec!["Tax checklist"]
    );
    let read = staff.get(&format!("/v1/saved-replies/{id}")).await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["text"], "Send us {{company.name}}'s receipts");

    let changed = staff
        .patch(
            &format!("/v1/saved-replies/{id}"),
            json!({ "title": "Receipts", "text": "Receipts, please, {{client.givenName}}" }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["title"], "Receipts");
    assert_eq!(
        staff.get(&format!("/v1/saved-replies/{id}")).await.body["text"],
        "Receipts, please, {{client.givenName}}"
    );

    let deleted = staff.delete(&format!("/v1/saved-replies/{id}")).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(deleted.body["deleted"], true);
    staff
        .get(&format!("/v1/saved-replies/{id}"))
        .await
        .assert_error(404, "a deleted reply");
    assert!(titles(&staff.get("/v1/saved-replies").await).is_empty());
}

#[tokio::test]
async fn every_role_gets_what_the_rules_say_on_every_route() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let bob = app.create_client("Bob", Some(&globex)).await;
    let ann_channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let shared = shared_reply(&app, "Shared").await;
    // API keys act as the owner: this is the owner's own reply.
    let owners = own_reply(&app.admin, "The owner's own").await;
    let roles = app.every_role(&acme, &globex, &ann, &bob).await;
    assert!(
        roles.iter().any(|(role, _)| role.starts_with("staff")),
        "need staff who are not the owner for the personal reply to mean anything"
    );

    // admin key, admin session, staff full, staff Acme, staff Globex, Ann, Bob, nobody
    let table: [(&str, [u16; 8]); 10] = [
        ("list", [200, 200, 200, 200, 200, 403, 403, 401]),
        ("create own", [200, 200, 200, 200, 200, 403, 403, 401]),
        ("create shared", [200, 200, 403, 403, 403, 403, 403, 401]),
        ("get shared", [200, 200, 200, 200, 200, 403, 403, 401]),
        (
            "get the owner's own",
            [200, 200, 404, 404, 404, 403, 403, 401],
        ),
        ("change shared", [200, 200, 403, 403, 403, 403, 403, 401]),
        (
            "change the owner's own",
            [200, 200, 404, 404, 404, 403, 403, 401],
        ),
        ("delete shared", [200, 200, 403, 403, 403, 403, 403, 401]),
        (
            "render into Ann's channel",
            [200, 200, 200, 200, 404, 403, 403, 401],
        ),
        ("render for Ann", [200, 200, 200, 200, 404, 403, 403, 401]),
    ];
    let mut wrong = Vec::new();
    for (what, expected) in table {
        for ((role, caller), expected) in roles.iter().zip(expected) {
            let title = format!("{what} by {role} {}", uuid::Uuid::new_v4().simple());
            let response = match what {
                "list" => caller.get("/v1/saved-replies").await,
                "create own" => {
                    caller
                        .post("/v1/saved-replies", json!({ "title": title, "text": "Hi" }))
                        .await
                }
                "create shared" => {
                    caller
                        .post(
                            "/v1/saved-replies",
                            json!({ "title": title, "text": "Hi", "isShared": true }),
                        )
                        .await
                }
                "get shared" => caller.get(&format!("/v1/saved-replies/{shared}")).await,
                "get the owner's own" => caller.get(&format!("/v1/saved-replies/{owners}")).await,
                "change shared" => {
                    caller
                        .patch(
                            &format!("/v1/saved-replies/{shared}"),
                            json!({ "text": "Hello" }),
                        )
                        .await
                }
                "change the owner's own" => {
                    caller
                        .patch(
                            &format!("/v1/saved-replies/{owners}"),
                            json!({ "text": "Hello" }),
                        )
                        .await
                }
                "delete shared" => {
                    let fresh = shared_reply(&app, &title).await;
                    caller.delete(&format!("/v1/saved-replies/{fresh}")).await
                }
                "render into Ann's channel" => {
                    render(caller, &shared, json!({ "channelId": ann_channel })).await
                }
                "render for Ann" => render(caller, &shared, json!({ "clientId": ann["id"] })).await,
                _ => unreachable!(),
            };
            if response.status != expected {
                wrong.push(format!(
                    "{what} as {role}: {} (expected {expected}): {}",
                    response.status, response.body
                ));
            } else if expected >= 400 {
                response.assert_error(expected, &format!("{what} as {role}"));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));

    // Whoever sees the list sees the shared replies and their own only.
    for (role, caller) in &roles[2..5] {
        let listed = titles(&caller.get("/v1/saved-replies").await);
        assert!(listed.contains(&"Shared".to_string()), "{role}: {listed:?}");
        assert!(
            !listed.contains(&"The owner's own".to_string()),
            "{role} must not see the owner's own reply: {listed:?}"
        );
    }
}

#[tokio::test]
async fn a_read_only_key_reads_saved_replies_but_changes_and_inserts_none() {
    let app = TestApp::spawn().await;
    let admin = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let id = shared_reply(&app, "Shared").await;
    let made = admin
        .post(
            "/v1/api-keys",
            json!({ "name": "reporting", "readOnly": true }),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let key = app.with_key(made.body["key"].as_str().unwrap());
    assert_eq!(titles(&key.get("/v1/saved-replies").await), vec!["Shared"]);
    key.post("/v1/saved-replies", json!({ "title": "T", "text": "x" }))
        .await
        .assert_error(403, "creating with a read-only key");
    key.patch(&format!("/v1/saved-replies/{id}"), json!({ "text": "y" }))
        .await
        .assert_error(403, "changing with a read-only key");
    render(&key, &id, json!({}))
        .await
        .assert_error(403, "inserting (it makes uploads) with a read-only key");
    key.delete(&format!("/v1/saved-replies/{id}"))
        .await
        .assert_error(403, "deleting with a read-only key");
}

#[tokio::test]
async fn a_colleagues_own_reply_can_be_neither_seen_nor_used() {
    let app = TestApp::spawn().await;
    let (_, channel) = crate::attachments::client_with_channel(&app).await;
    let (_, sam) = app.staff(None).await;
    let (_, kim) = app.staff(None).await;
    let admin = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let sams = own_reply(&sam, "Sam's shortcut").await;
    let kims = own_reply(&kim, "Kim's shortcut").await;
    assert_eq!(
        titles(&sam.get("/v1/saved-replies").await),
        vec!["Sam's shortcut"]
    );

    for (who, caller) in [
        ("Kim", &kim),
        ("an admin", &admin),
        ("the owner's key", &app.admin),
    ] {
        assert!(
            !titles(&caller.get("/v1/saved-replies").await).contains(&"Sam's shortcut".into()),
            "{who} must not list Sam's own reply"
        );
        let path = format!("/v1/saved-replies/{sams}");
        caller.get(&path).await.assert_error(404, who);
        caller
            .patch(&path, json!({ "text": "mine now" }))
            .await
            .assert_error(404, who);
        render(caller, &sams, json!({ "channelId": channel }))
            .await
            .assert_error(404, who);
        caller.delete(&path).await.assert_error(404, who);
    }
    // Still there, unchanged, for Sam.
    let read = sam.get(&format!("/v1/saved-replies/{sams}")).await;
    assert_eq!(read.body["text"], TEMPLATE, "{}", read.body);
    let rendered = render(&kim, &kims, json!({ "channelId": channel })).await;
    assert_eq!(rendered.status, 200, "Kim uses her own: {}", rendered.body);
}

#[tokio::test]
async fn inserting_fills_in_the_conversations_names_where_the_caller_may_look() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let amy = app.create_client("Amy", Some(&acme)).await;
    let bob = app.create_client("Bob", Some(&globex)).await;
    let ann_channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let bob_channel = app.individual_channel(bob["id"].as_str().unwrap()).await;
    let group = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "group", "memberIds": [ann["id"], amy["id"]] }),
        )
        .await;
    assert_eq!(group.status, 200, "{}", group.body);
    let (_, limited) = app.staff(Some(&[&acme])).await;
    let id = shared_reply(&app, "Greeting").await;

    let expected = format!("Hi Ann Client of Acme, from {WORKSPACE}");
    for target in [
        json!({ "channelId": ann_channel }),
        json!({ "clientId": ann["id"] }),
    ] {
        let rendered = render(&limited, &id, target.clone()).await;
        assert_eq!(rendered.status, 200, "{target}: {}", rendered.body);
        assert_eq!(rendered.body["object"], "renderedSavedReply");
        assert_eq!(rendered.body["text"], expected.as_str(), "{target}");
        assert_eq!(rendered.body["attachmentIds"], json!([]));
    }
    let in_group = render(&limited, &id, json!({ "channelId": group.id() })).await;
    assert_eq!(
        in_group.body["text"],
        format!("Hi everyone  of Acme, from {WORKSPACE}"),
        "a channel of several clients greets them all: {}",
        in_group.body
    );
    let as_written = render(&limited, &id, json!({})).await;
    assert_eq!(
        as_written.body["text"], TEMPLATE,
        "no conversation: the template for a mass message"
    );

    render(&limited, &id, json!({ "channelId": bob_channel }))
        .await
        .assert_error(404, "a channel outside the caller's companies");
    render(&limited, &id, json!({ "clientId": bob["id"] }))
        .await
        .assert_error(404, "a client outside the caller's companies");
    render(&limited, &id, json!({ "channelId": "no-such-channel" }))
        .await
        .assert_error(404, "a channel that does not exist");
    render(
        &limited,
        &id,
        json!({ "channelId": ann_channel, "clientId": ann["id"] }),
    )
    .await
    .assert_error(422, "both a channel and a client");
    render(
        &limited,
        "no-such-reply",
        json!({ "channelId": ann_channel }),
    )
    .await
    .assert_error(404, "a reply that does not exist");

    // A name never becomes markup or a link in the text filled in.
    let hostile = app
        .admin
        .post(
            "/v1/clients",
            json!({ "givenName": "[x](https://evil.example)", "familyName": "Lee",
                    "email": "hostile@example.com", "companyId": acme }),
        )
        .await;
    assert_eq!(hostile.status, 200, "{}", hostile.body);
    let hostile = hostile.body;
    let rendered = render(&app.admin, &id, json!({ "clientId": hostile["id"] })).await;
    let text = rendered.body["text"].as_str().unwrap();
    assert!(
        text.contains("\\[x\\](https\\://evil.example)"),
        "escaped: {text}"
    );
}

#[tokio::test]
async fn inserted_files_are_fresh_uploads_that_send_and_share_the_bytes() {
    let app = TestApp::spawn().await;
    let (_, channel) = crate::attachments::client_with_channel(&app).await;
    let (_, staff) = app.staff(None).await;
    let contract: &[u8] = b"%PDF-1.4 the engagement letter, byte for byte";
    let upload_id = uploaded(&app.admin, "engagement.pdf", contract).await;
    let made = save(
        &app.admin,
        json!({ "title": "Engagement", "text": "Here it is, {{client.givenName}}", "isShared": true,
                "attachmentIds": [upload_id] }),
    )
    .await;
    let id = made["id"].as_str().unwrap().to_string();
    assert_eq!(made["attachments"][0]["name"], "engagement.pdf");
    assert_eq!(made["attachments"][0]["size"], contract.len());
    let blobs = stored_blobs(&app).await;

    // The upload is the reply's now: it cannot also be sent on its own.
    let refused = app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": channel, "text": "x", "attachmentIds": [upload_id] }),
        )
        .await;
    refused.assert_error(422, "the reply's file is no upload to send");

    // Housekeeping of unsent uploads leaves a reply's files alone.
    let later = parlor::storage::now_ms() + app.config.files.unsent_ttl.as_millis() as i64 + 1000;
    parlor::service::attachments::collect_garbage(&app.ctx, later)
        .await
        .unwrap();
    assert_eq!(stored_blobs(&app).await, blobs, "the reply's file is kept");

    let first = render(&staff, &id, json!({ "channelId": channel })).await;
    let second = render(&staff, &id, json!({ "channelId": channel })).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let first_ids = first.body["attachmentIds"].as_array().unwrap().clone();
    let second_ids = second.body["attachmentIds"].as_array().unwrap().clone();
    assert_eq!(first_ids.len(), 1);
    assert_ne!(first_ids, second_ids, "each insert gets uploads of its own");
    assert_ne!(first_ids[0], json!(upload_id));
    assert_eq!(first.body["attachments"][0]["name"], "engagement.pdf");
    assert_eq!(
        stored_blobs(&app).await,
        blobs,
        "inserting stores no new bytes: the uploads share the reply's blob"
    );
    let fresh = first_ids[0].as_str().unwrap();
    // Fresh uploads are the inserter's own, as any upload.
    app.admin
        .get(&format!("/v1/attachments/{fresh}"))
        .await
        .assert_error(404, "someone else's unsent upload");

    let sent = staff
        .post(
            "/v1/messages",
            json!({ "channelId": channel, "text": first.body["text"], "attachmentIds": [fresh] }),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.body["text"], "Here it is, Ann");
    assert_eq!(sent.body["attachments"][0]["id"], fresh);
    assert_eq!(
        bytes_of(&app.admin, fresh).await,
        contract,
        "the sent file is the reply's, byte for byte"
    );

    // Deleting the reply keeps what a message still uses, and drops the rest.
    let deleted = app.admin.delete(&format!("/v1/saved-replies/{id}")).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(bytes_of(&app.admin, fresh).await, contract);
    assert_eq!(
        stored_blobs(&app).await,
        blobs,
        "the sent message still uses it"
    );

    let alone = uploaded(&staff, "alone.txt", b"nobody else has this").await;
    let with_file = save(
        &staff,
        json!({ "title": "Alone", "text": "", "attachmentIds": [alone] }),
    )
    .await;
    assert_eq!(stored_blobs(&app).await, blobs + 1);
    let gone = staff
        .delete(&format!(
            "/v1/saved-replies/{}",
            with_file["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(gone.status, 200, "{}", gone.body);
    assert_eq!(
        stored_blobs(&app).await,
        blobs,
        "a file nothing else uses is deleted with its reply"
    );
}

#[tokio::test]
async fn changing_a_replys_files_keeps_named_ones_and_releases_the_rest() {
    let app = TestApp::spawn().await;
    let (_, staff) = app.staff(None).await;
    let first = uploaded(&staff, "a.txt", b"first file").await;
    let second = uploaded(&staff, "b.txt", b"second file").await;
    let made = save(
        &staff,
        json!({ "title": "Pack", "text": "The pack", "attachmentIds": [first, second] }),
    )
    .await;
    let id = made["id"].as_str().unwrap();
    let blobs = stored_blobs(&app).await;
    let third = uploaded(&staff, "c.txt", b"third file").await;
    let changed = staff
        .patch(
            &format!("/v1/saved-replies/{id}"),
            json!({ "attachmentIds": [third, first] }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    let names: Vec<&str> = changed.body["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["c.txt", "a.txt"], "in the order given");
    assert_eq!(stored_blobs(&app).await, blobs, "b.txt went, c.txt came");
    let listed = staff.get("/v1/saved-replies").await;
    assert_eq!(
        listed.body["data"][0]["attachments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn mass_messages_with_variables_greet_each_client_by_name() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let bob = app.create_client("Bob", Some(&globex)).await;
    let (_, staff) = app.staff(None).await;

    let sent = staff
        .post(
            "/v1/mass-messages",
            json!({ "clientIds": [ann["id"], bob["id"]], "renderVariables": true,
                    "text": "Dear {{client.givenName}} of {{company.name}}: tax season starts" }),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    for (client, expected) in [
        (&ann, "Dear Ann of Acme: tax season starts"),
        (&bob, "Dear Bob of Globex: tax season starts"),
    ] {
        let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
        let newest = &app.all_messages(&app.admin, &channel, 1).await[0];
        assert_eq!(newest["text"], expected);
    }

    // Without the flag the text goes as written, as it always did.
    let literal = staff
        .post(
            "/v1/mass-messages",
            json!({ "clientIds": [ann["id"]], "text": "Use {{client.givenName}} in templates" }),
        )
        .await;
    assert_eq!(literal.status, 200, "{}", literal.body);
    assert_eq!(
        literal.body["data"][0]["message"]["text"],
        "Use {{client.givenName}} in templates"
    );

    let refused = staff
        .post(
            "/v1/mass-messages",
            json!({ "clientIds": [ann["id"]], "renderVariables": true,
                    "text": "Hi {{client.nickname}}" }),
        )
        .await;
    refused.assert_error(422, "an unknown variable");
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("unknown variable {{client.nickname}}"),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn a_saved_reply_goes_into_a_mass_message_filled_in_per_client() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let amy = app.create_client("Amy", Some(&acme)).await;
    let notes = uploaded(&app.admin, "notes.txt", b"season notes").await;
    let id = save(
        &app.admin,
        json!({ "title": "Season", "text": "Hello {{client.givenName}}", "attachmentIds": [notes] }),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let template = render(&app.admin, &id, json!({})).await;
    assert_eq!(template.status, 200, "{}", template.body);
    let sent = app
        .admin
        .post(
            "/v1/mass-messages",
            json!({ "clientIds": [ann["id"], amy["id"]], "renderVariables": true,
                    "text": template.body["text"], "attachmentIds": template.body["attachmentIds"] }),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let texts: Vec<&str> = sent.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["message"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, vec!["Hello Ann", "Hello Amy"]);
    for delivery in sent.body["data"].as_array().unwrap() {
        let file = &delivery["message"]["attachments"][0];
        assert_eq!(file["name"], "notes.txt");
        assert_eq!(
            bytes_of(&app.admin, file["id"].as_str().unwrap()).await,
            b"season notes"
        );
    }
}

#[tokio::test]
async fn bad_input_is_refused_with_a_message_that_names_the_field() {
    let app = TestApp::spawn().await;
    let (_, staff) = app.staff(None).await;
    let someone_elses = uploaded(&app.admin, "theirs.txt", b"theirs").await;
    let many: Vec<String> = (0..app.config.files.max_files_per_message + 1)
        .map(|n| format!("file-{n}"))
        .collect();
    let cases = [
        (json!({ "title": "", "text": "x" }), 422, "title"),
        (
            json!({ "title": "x".repeat(101), "text": "x" }),
            422,
            "title",
        ),
        (json!({ "title": "Two\nlines", "text": "x" }), 422, "title"),
        (json!({ "title": "Empty" }), 422, "text"),
        (
            json!({ "title": "Unknown", "text": "Hi {{client.password}}" }),
            422,
            "text",
        ),
        (
            json!({ "title": "Open", "text": "Hi {{client.givenName" }),
            422,
            "text",
        ),
        (
            json!({ "title": "Long", "text": "x".repeat(5_001) }),
            422,
            "text",
        ),
        (
            json!({ "title": "Link", "text": "https://{{company.name}}.example.com" }),
            422,
            "text",
        ),
        (
            json!({ "title": "Files", "text": "x", "attachmentIds": many }),
            422,
            "attachmentIds",
        ),
        (
            json!({ "title": "Twice", "text": "x", "attachmentIds": ["a", "a"] }),
            422,
            "attachmentIds",
        ),
        (
            json!({ "title": "Theirs", "text": "x", "attachmentIds": [someone_elses] }),
            422,
            "attachmentIds",
        ),
        (
            json!({ "title": "Shared", "text": "x", "isShared": true }),
            403,
            "admins",
        ),
        (json!({ "title": 7, "text": "x" }), 422, "title"),
    ];
    for (body, status, named) in cases {
        let response = staff.post("/v1/saved-replies", body.clone()).await;
        response.assert_error(status, &body.to_string());
        let message = response.body["message"].as_str().unwrap();
        assert!(message.contains(named), "{body}: {message}");
    }
    let malformed = staff
        .send(
            staff
                .request(Method::POST, "/v1/saved-replies")
                .header("content-type", "application/json")
                .body("{\"title\": "),
        )
        .await;
    malformed.assert_error(400, "malformed JSON");

    own_reply(&staff, "Taken").await;
    let again = staff
        .post(
            "/v1/saved-replies",
            json!({ "title": "Taken", "text": "x" }),
        )
        .await;
    again.assert_error(409, "a title used twice in one list");
    assert!(again.body["message"].as_str().unwrap().starts_with("title"));
    // Another person's list, or the shared one, may use it.
    let (_, kim) = app.staff(None).await;
    own_reply(&kim, "Taken").await;
    shared_reply(&app, "Taken").await;

    let id = own_reply(&staff, "Mine").await;
    let cleared = staff
        .patch(&format!("/v1/saved-replies/{id}"), json!({ "text": " " }))
        .await;
    cleared.assert_error(422, "blank text and no files");
}
