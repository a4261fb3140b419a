//! API keys: named, listed, limited, expiring and revoked, from the admin
//! route and from `parlor admin api-key`.

use serde_json::{json, Value};

use crate::helpers::{Caller, Socket, TestApp, OWNER_EMAIL, PASSWORD};

/// Makes a key through the admin route; returns its answer (with the secret).
async fn make_key(admin: &Caller, body: Value) -> Value {
    let made = admin.post("/v1/api-keys", body).await;
    assert_eq!(made.status, 200, "{}", made.body);
    made.body
}

fn secret(made: &Value) -> &str {
    made["key"].as_str().expect("the new key's secret")
}

async fn listed(admin: &Caller, name: &str) -> Option<Value> {
    let list = admin.get("/v1/api-keys").await;
    assert_eq!(list.status, 200, "{}", list.body);
    list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["name"] == name)
        .cloned()
}

#[tokio::test]
async fn a_revoked_key_is_refused_from_the_very_next_request() {
    let app = TestApp::spawn().await;
    let admin = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let made = make_key(&admin, json!({ "name": "bookkeeping sync" })).await;
    let key = app.with_key(secret(&made));
    assert_eq!(
        key.get("/v1/companies").await.status,
        200,
        "a new key works"
    );

    let revoked = admin
        .delete(&format!("/v1/api-keys/{}", made["id"].as_str().unwrap()))
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    key.get("/v1/companies")
        .await
        .assert_error(401, "a revoked key");
    assert!(
        listed(&admin, "bookkeeping sync").await.is_none(),
        "revoked keys leave the list"
    );
    admin
        .delete(&format!("/v1/api-keys/{}", made["id"].as_str().unwrap()))
        .await
        .assert_error(404, "revoking twice");
}

#[tokio::test]
async fn an_expired_key_is_refused_and_listed_as_expired() {
    let app = TestApp::spawn().await;
    let admin = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let made = make_key(&admin, json!({ "name": "month pass", "expiresInDays": 30 })).await;
    let key = app.with_key(secret(&made));
    assert_eq!(
        key.get("/v1/companies").await.status,
        200,
        "a key before its expiry works"
    );
    assert_eq!(made["expired"], false);

    // Time passes: the key's expiry is now behind us.
    let mut tx = app.ctx.store.begin().await.unwrap();
    sqlx::query("UPDATE api_keys SET expires_at = $1 WHERE name = $2")
        .bind(parlor::storage::now_ms() - 1)
        .bind("month pass")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    key.get("/v1/companies")
        .await
        .assert_error(401, "an expired key");
    let shown = listed(&admin, "month pass")
        .await
        .expect("expired keys stay listed");
    assert_eq!(shown["expired"], true, "{shown}");
}

#[tokio::test]
async fn a_read_only_key_reads_but_every_write_is_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    let admin = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let company = app.create_company("Acme").await;
    let made = make_key(&admin, json!({ "name": "reporting", "readOnly": true })).await;
    assert_eq!(made["readOnly"], true);
    let key = app.with_key(secret(&made));

    assert_eq!(
        key.get("/v1/companies").await.status,
        200,
        "reading is allowed"
    );
    for (what, answer) in [
        (
            "creating",
            key.post("/v1/companies", json!({ "name": "Globex" })).await,
        ),
        (
            "changing",
            key.patch(
                &format!("/v1/companies/{company}"),
                json!({ "name": "Acme 2" }),
            )
            .await,
        ),
        (
            "deleting",
            key.delete(&format!("/v1/companies/{company}")).await,
        ),
    ] {
        answer.assert_error(403, what);
        assert!(
            answer.body["message"]
                .as_str()
                .unwrap()
                .contains("read-only"),
            "{what}: {}",
            answer.body
        );
    }
    let still = app.admin.get(&format!("/v1/companies/{company}")).await;
    assert_eq!(still.body["name"], "Acme", "nothing changed");

    // On the realtime socket it listens, but says nothing for its owner.
    let ann = app.create_client("Ann", Some(&company)).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let mut socket = Socket::connect(
        &format!("{}/v1/realtime", app.admin.ws_base()),
        &[("x-api-key", secret(&made))],
    )
    .await
    .expect("a read-only key may listen");
    socket.next_where(|f| f["type"] == "ready").await;
    for frame in [
        json!({ "type": "typing", "channelId": channel }),
        json!({ "type": "presence", "status": "away" }),
    ] {
        socket.send_json(frame.clone()).await;
        let answer = socket.next_where(|f| f["type"] != "presence").await;
        assert_eq!(answer["type"], "error", "{frame}: {answer}");
        assert!(
            answer["data"]["message"]
                .as_str()
                .unwrap()
                .contains("read-only"),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn a_key_that_may_not_send_as_others_sends_only_as_its_owner() {
    let app = TestApp::spawn().await;
    let admin = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let ann = app.create_client("Ann", None).await;
    let ann_id = ann["id"].as_str().unwrap();
    let channel = app.individual_channel(ann_id).await;
    let made = make_key(&admin, json!({ "name": "notifier", "sendAsOthers": false })).await;
    assert_eq!(made["sendAsOthers"], false);
    let key = app.with_key(secret(&made));

    let as_ann = json!({ "channelId": channel, "text": "from Ann?", "senderId": ann_id });
    let refused = key.post("/v1/messages", as_ann.clone()).await;
    refused.assert_error(403, "sending as a client");
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("send as someone else"),
        "{}",
        refused.body
    );
    assert_eq!(
        key.send_message(&channel, "from the owner").await.status,
        200
    );
    let as_owner = json!({ "channelId": channel, "text": "signed", "senderId": app.owner_id });
    assert_eq!(
        key.post("/v1/messages", as_owner).await.status,
        200,
        "naming its own user is fine"
    );
    assert_eq!(
        app.admin.post("/v1/messages", as_ann).await.status,
        200,
        "a key without the limit still sends on someone's behalf"
    );
}

#[tokio::test]
async fn names_are_unique_and_bad_requests_say_what_is_wrong() {
    let app = TestApp::spawn().await;
    let admin = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    make_key(&admin, json!({ "name": "zapier" })).await;
    let twice = admin
        .post("/v1/api-keys", json!({ "name": " zapier " }))
        .await;
    twice.assert_error(409, "a name already taken");
    assert!(
        twice.body["message"].as_str().unwrap().contains("zapier"),
        "{}",
        twice.body
    );
    for (body, why) in [
        (json!({ "name": "" }), "an empty name"),
        (json!({ "name": "x", "expiresInDays": 0 }), "zero days"),
        (
            json!({ "name": "x", "expiresAt": "2001-01-01" }),
            "a date in the past",
        ),
        (json!({ "name": "x", "expiresAt": "soon" }), "not a date"),
        (
            json!({ "name": "x", "expiresAt": "2099-01-01", "expiresInDays": 3 }),
            "two expiries",
        ),
    ] {
        admin
            .post("/v1/api-keys", body)
            .await
            .assert_error(422, why);
    }
    let dated = make_key(
        &admin,
        json!({ "name": "dated", "expiresAt": "2099-01-31" }),
    )
    .await;
    assert_eq!(dated["expiresAt"], "2099-01-31T00:00:00.000Z");
}

#[tokio::test]
async fn last_use_is_recorded_at_most_once_a_minute_and_secrets_are_never_listed() {
    let app = TestApp::spawn().await;
    let admin = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let made = make_key(&admin, json!({ "name": "crm" })).await;
    let before = listed(&admin, "crm").await.unwrap();
    assert!(
        before.get("lastUsedAt").is_none(),
        "never used yet: {before}"
    );
    assert!(
        before.get("key").is_none(),
        "the list never carries the secret: {before}"
    );

    let key = app.with_key(secret(&made));
    assert_eq!(key.get("/v1/companies").await.status, 200);
    let first = listed(&admin, "crm").await.unwrap();
    let used_at = first["lastUsedAt"]
        .as_str()
        .expect("the use is recorded")
        .to_string();

    assert_eq!(key.get("/v1/companies").await.status, 200);
    let second = listed(&admin, "crm").await.unwrap();
    assert_eq!(
        second["lastUsedAt"],
        used_at.as_str(),
        "a use within the minute writes nothing"
    );

    let text = admin.get("/v1/api-keys").await.body.to_string();
    assert!(
        !text.contains(secret(&made)),
        "no secret in the list: {text}"
    );
}

#[tokio::test]
async fn only_admins_signed_in_may_manage_keys() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let bob = app.create_client("Bob", Some(&globex)).await;
    let admin = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let victim = make_key(&admin, json!({ "name": "victim" })).await;
    let victim_path = format!("/v1/api-keys/{}", victim["id"].as_str().unwrap());

    for (role, caller) in app.every_role(&acme, &globex, &ann, &bob).await {
        let expected = match role {
            "admin session" => continue,
            "no credentials" => 401,
            _ => 403,
        };
        let name = format!("made by {role}");
        for (door, answer) in [
            ("list", caller.get("/v1/api-keys").await),
            (
                "create",
                caller.post("/v1/api-keys", json!({ "name": name })).await,
            ),
            ("revoke", caller.delete(&victim_path).await),
        ] {
            answer.assert_error(expected, &format!("{role} may not {door} keys"));
        }
    }
    assert!(
        listed(&admin, "victim").await.is_some(),
        "nobody revoked it"
    );
    let list = admin.get("/v1/api-keys").await;
    let names: Vec<&str> = list.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tests", "victim"], "nobody else made one");
    assert_eq!(
        admin.delete(&victim_path).await.status,
        200,
        "the admin signed in may"
    );
}

/// Runs `parlor admin api-key …` against the test server's database.
async fn cli(app: &TestApp, args: &[&str]) -> (bool, String) {
    let args: Vec<&str> = ["api-key"].iter().chain(args).copied().collect();
    crate::backup::admin(app, &args).await
}

#[tokio::test]
async fn the_command_line_creates_lists_and_revokes_keys() {
    let app = TestApp::spawn().await;
    let (ok, out) = cli(
        &app,
        &[
            "create",
            "--name",
            "nightly export",
            "--expires-in",
            "30",
            "--read-only",
            "--no-send-as-others",
        ],
    )
    .await;
    assert!(ok, "{out}");
    let key = app.with_key(out.lines().last().unwrap().trim());
    assert_eq!(key.get("/v1/companies").await.status, 200);
    key.post("/v1/companies", json!({ "name": "Acme" }))
        .await
        .assert_error(403, "a read-only key from the CLI");

    let (ok, out) = cli(&app, &["list"]).await;
    assert!(ok, "{out}");
    let line = out
        .lines()
        .find(|l| l.starts_with("nightly export"))
        .unwrap_or_else(|| panic!("listed: {out}"));
    assert!(
        line.contains("read-only") && line.contains("sends only as itself"),
        "{line}"
    );
    assert!(line.matches("never").count() <= 1, "it expires: {line}");
    assert!(!out.contains("parlor_"), "no secret is listed: {out}");

    let (ok, out) = cli(&app, &["create", "--name", "nightly export"]).await;
    assert!(!ok && out.contains("already exists"), "{out}");
    let (ok, out) = cli(
        &app,
        &[
            "create",
            "--name",
            "x",
            "--expires-in",
            "3",
            "--expires-at",
            "2099-01-01",
        ],
    )
    .await;
    assert!(!ok, "two expiries are refused: {out}");

    let (ok, out) = cli(&app, &["revoke", "--name", "nightly export"]).await;
    assert!(ok, "{out}");
    key.get("/v1/companies")
        .await
        .assert_error(401, "a key revoked from the CLI");
    let (ok, out) = cli(&app, &["revoke", "--name", "nightly export"]).await;
    assert!(!ok && out.contains("not found"), "{out}");
}
