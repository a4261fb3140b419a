//! The audit log: every change it covers leaves an entry naming who did it,
//! to what and from where, never a secret; admins read it filtered and
//! paged; and nobody, through any route or straight in the database,
//! changes or deletes an entry.

use std::collections::BTreeSet;

use parlor::domain::audit::Action;
use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{collect_pages, Caller, Response, TestApp, OWNER_EMAIL, PASSWORD};

/// Where the people of these tests work, as the proxy the server trusts
/// names it, and the browser they use.
const OFFICE: &str = "198.51.100.7";
const BROWSER: &str = "Mozilla/5.0 (audit test)";
const NEW_PASSWORD: &str = "a brand new password";

/// A server behind a reverse proxy on 127.0.0.1 (the test itself), so that
/// `X-Forwarded-For` names the client.
async fn behind_a_proxy() -> TestApp {
    TestApp::spawn_with(|config| {
        config.sign_in.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
    })
    .await
}

/// Sends a request as `caller` from the office's browser.
async fn office_request(caller: &Caller, method: Method, path: &str, body: Value) -> Response {
    let mut request = caller
        .request(method, path)
        .header("X-Forwarded-For", OFFICE)
        .header("User-Agent", BROWSER);
    if !body.is_null() {
        request = request.json(&body);
    }
    caller.send(request).await
}

/// Sends a request as `caller` from the office's browser; it must succeed.
async fn from_office(caller: &Caller, method: Method, path: &str, body: Value) -> Response {
    let response = office_request(caller, method.clone(), path, body).await;
    assert!(
        response.status < 300,
        "{method} {path}: {} {}",
        response.status,
        response.body
    );
    response
}

/// The newest entry of `action` by `actor_id`.
async fn entry(app: &TestApp, action: &str, actor_id: &str) -> Value {
    let listed = app
        .admin
        .get(&format!(
            "/v1/audit-events?action={action}&actorId={actor_id}&limit=1"
        ))
        .await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    listed.body["data"][0].clone()
}

/// The id of the API key named `name`, as an admin signed in lists them.
async fn key_id(admin_session: &Caller, name: &str) -> String {
    let keys = admin_session.get("/v1/api-keys").await;
    let key = keys.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == name)
        .unwrap_or_else(|| panic!("no key {name}: {}", keys.body));
    key["id"].as_str().unwrap().to_string()
}

/// An entry a test expects: action, actor type, actor, target, address.
type Expected<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, &'a str);

#[tokio::test]
async fn every_change_is_recorded_with_who_made_it_on_what_and_from_where() {
    let app = behind_a_proxy().await;
    let owner = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let key = key_id(&owner, "tests").await;
    let company = app.create_company("Acme").await;
    let ann = app.create_client("Ann", Some(&company)).await;
    let ann_id = ann["id"].as_str().unwrap().to_string();
    let ann_session = app.client_session(&ann).await;
    let channel = app.individual_channel(&ann_id).await;
    let (staff_id, staff) = app.staff(None).await;

    // The staff member changes their password before they leave the team.
    from_office(
        &staff,
        Method::POST,
        "/v1/sessions/current/password",
        json!({ "currentPassword": PASSWORD, "newPassword": NEW_PASSWORD }),
    )
    .await;
    // The owner, signed in, changes settings and the team.
    from_office(
        &owner,
        Method::PATCH,
        "/v1/workspaces",
        json!({ "brandName": "Ledger & Partners" }),
    )
    .await;
    from_office(
        &owner,
        Method::PATCH,
        "/v1/settings/messaging",
        json!({ "welcomeMessage": "Hello {{client.givenName}}" }),
    )
    .await;
    let member = format!("/v1/internal-users/{staff_id}");
    for change in [
        json!({ "role": "admin" }),
        json!({ "isClientAccessLimited": true, "companyAccessList": [company] }),
        json!({ "givenName": "Samantha" }),
    ] {
        from_office(&owner, Method::PATCH, &member, change).await;
    }
    let invited = from_office(
        &owner,
        Method::POST,
        "/v1/internal-users",
        json!({ "givenName": "Ivy", "familyName": "Invited", "email": "ivy@example.com", "role": "staff" }),
    )
    .await
    .id();
    for person in [&invited, &app.owner_id] {
        let path = format!("/v1/internal-users/{person}/password-reset");
        from_office(&owner, Method::POST, &path, json!({})).await;
    }
    let made = from_office(
        &owner,
        Method::POST,
        "/v1/api-keys",
        json!({ "name": "Zapier", "readOnly": true }),
    )
    .await;
    let secret_key = made.body["key"].as_str().unwrap().to_string();
    let zapier = made.id();
    from_office(
        &owner,
        Method::DELETE,
        &format!("/v1/api-keys/{zapier}"),
        Value::Null,
    )
    .await;
    // An integration, with the admin key, manages webhooks.
    let hook = from_office(
        &app.admin,
        Method::POST,
        "/v1/webhooks",
        json!({ "url": "http://127.0.0.1:9/hook", "eventTypes": ["client.deleted"] }),
    )
    .await;
    let signing_secret = hook.body["signingSecret"].as_str().unwrap().to_string();
    let hook = format!("/v1/webhooks/{}", hook.id());
    from_office(
        &app.admin,
        Method::PATCH,
        &hook,
        json!({ "enabled": false }),
    )
    .await;
    from_office(
        &app.admin,
        Method::POST,
        &format!("{hook}/rotate-secret"),
        json!({}),
    )
    .await;
    from_office(&app.admin, Method::DELETE, &hook, Value::Null).await;
    // Deletions, of the smallest thing first.
    let ann_message = ann_session.send_message(&channel, "Thanks!").await.id();
    let deleted = format!("/v1/messages/{ann_message}");
    from_office(&ann_session, Method::DELETE, &deleted, Value::Null).await;
    let other = app.create_client("Bob", None).await;
    let other_id = other["id"].as_str().unwrap().to_string();
    let other_channel = app.individual_channel(&other_id).await;
    let deleted = format!("/v1/message-channels/{other_channel}");
    from_office(&owner, Method::DELETE, &deleted, Value::Null).await;
    let deleted = format!("/v1/clients/{other_id}");
    from_office(&owner, Method::DELETE, &deleted, Value::Null).await;
    let gone = app.create_company("Globex").await;
    let deleted = format!("/v1/companies/{gone}");
    from_office(&owner, Method::DELETE, &deleted, Value::Null).await;
    from_office(&owner, Method::DELETE, &member, Value::Null).await;
    // The owner signs out everywhere else in the web app, then here, resets
    // their password, and signs in again.
    in_the_web_app(&app, &owner, "sign_out_everywhere", &[]).await;
    from_office(&owner, Method::DELETE, "/v1/sessions/current", Value::Null).await;
    let token = crate::passwords::emailed_link(&app, OWNER_EMAIL, "reset").await;
    let reset = format!("/v1/password-resets/{token}/accept");
    from_office(
        &app.anonymous(),
        Method::POST,
        &reset,
        json!({ "password": NEW_PASSWORD }),
    )
    .await;
    let sign_in = |password| json!({ "email": OWNER_EMAIL, "password": password });
    let nobody = app.anonymous();
    from_office(&nobody, Method::POST, "/v1/sessions", sign_in(NEW_PASSWORD)).await;
    office_request(&nobody, Method::POST, "/v1/sessions", sign_in(PASSWORD))
        .await
        .assert_error(401, "the old password");

    let owner_id = app.owner_id.as_str();
    let ann_channel = channel.as_str();
    #[rustfmt::skip]
    let expected: Vec<Expected> = vec![
        // action, actor type, actor, target, address
        ("session.signedIn", "internalUser", Some(owner_id), Some(owner_id), OFFICE),
        ("session.signInFailed", "anonymous", None, Some(owner_id), OFFICE),
        ("session.signedOut", "internalUser", Some(owner_id), None, OFFICE),
        ("session.signedOutEverywhere", "internalUser", Some(owner_id), None, OFFICE),
        ("password.changed", "internalUser", Some(&staff_id), Some(&staff_id), OFFICE),
        ("password.resetLinkSent", "internalUser", Some(owner_id), Some(owner_id), OFFICE),
        ("password.reset", "internalUser", Some(owner_id), Some(owner_id), OFFICE),
        ("invitation.accepted", "client", Some(&ann_id), Some(&ann_id), "127.0.0.1"),
        ("invitation.accepted", "internalUser", Some(&staff_id), Some(&staff_id), "127.0.0.1"),
        ("settings.updated", "internalUser", Some(owner_id), None, OFFICE),
        ("internalUser.invited", "internalUser", Some(owner_id), Some(&invited), OFFICE),
        ("internalUser.invitationResent", "internalUser", Some(owner_id), Some(&invited), OFFICE),
        ("internalUser.renamed", "internalUser", Some(owner_id), Some(&staff_id), OFFICE),
        ("internalUser.roleChanged", "internalUser", Some(owner_id), Some(&staff_id), OFFICE),
        ("internalUser.accessChanged", "internalUser", Some(owner_id), Some(&staff_id), OFFICE),
        ("internalUser.deleted", "internalUser", Some(owner_id), Some(&staff_id), OFFICE),
        ("apiKey.created", "internalUser", Some(owner_id), Some(&zapier), OFFICE),
        ("apiKey.revoked", "internalUser", Some(owner_id), Some(&zapier), OFFICE),
        ("webhook.created", "apiKey", Some(&key), None, OFFICE),
        ("webhook.updated", "apiKey", Some(&key), None, OFFICE),
        ("webhook.secretRotated", "apiKey", Some(&key), None, OFFICE),
        ("webhook.deleted", "apiKey", Some(&key), None, OFFICE),
        ("message.deleted", "client", Some(&ann_id), Some(&ann_message), OFFICE),
        ("messageChannel.deleted", "internalUser", Some(owner_id), Some(&other_channel), OFFICE),
        ("client.deleted", "internalUser", Some(owner_id), Some(&other_id), OFFICE),
        ("company.deleted", "internalUser", Some(owner_id), Some(&gone), OFFICE),
    ];
    let mut wrong = Vec::new();
    for (action, actor_type, actor, target, address) in &expected {
        let found = entry(&app, action, actor.unwrap_or_default()).await;
        let context = format!("{action} by {actor_type} {actor:?}: {found}");
        if found.is_null() {
            wrong.push(format!("{action} by {actor:?}: no entry"));
            continue;
        }
        if found["actorType"] != *actor_type
            || found["ipAddress"] != *address
            || target.is_some_and(|t| found["targetId"] != t)
        {
            wrong.push(context.clone());
        }
        if *address == OFFICE && found["userAgent"] != BROWSER {
            wrong.push(format!("user agent of {context}"));
        }
        let door = match *action {
            "session.signedOutEverywhere" => "web",
            _ => "api",
        };
        if found["via"] != door {
            wrong.push(format!("via of {context}"));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));

    let log = collect_pages(&app.admin, "/v1/audit-events").await;
    let recorded: BTreeSet<&str> = log.iter().filter_map(|e| e["action"].as_str()).collect();
    // Recorded, and tested, where they are made: export.rs, backup.rs and
    // retention.rs.
    let elsewhere = [
        Action::ExportCreated,
        Action::BackupCreated,
        Action::BackupRestored,
        Action::RetentionApplied,
        Action::LegalHoldPlaced,
        Action::LegalHoldLifted,
    ];
    for action in Action::ALL.iter().filter(|a| !elsewhere.contains(a)) {
        assert!(
            recorded.contains(action.as_str()),
            "{} is recorded by what this test did; recorded: {recorded:?}",
            action.as_str()
        );
    }

    // Details say what changed, and names stay as they were.
    let settings = entry(&app, "settings.updated", owner_id).await;
    assert_eq!(
        settings["details"]["changes"]["welcomeMessage"]["to"],
        "Hello {{client.givenName}}"
    );
    let renamed = entry(&app, "internalUser.renamed", owner_id).await;
    assert_eq!(
        renamed["details"]["changes"]["name"],
        json!({ "from": "Sam Staff", "to": "Samantha Staff" })
    );
    let role = entry(&app, "internalUser.roleChanged", owner_id).await;
    assert_eq!(
        role["details"]["changes"]["role"],
        json!({ "from": "staff", "to": "admin" })
    );
    let joined = entry(&app, "invitation.accepted", &staff_id).await;
    assert_eq!(
        joined["actorName"], "Sam Staff",
        "readable after they were removed: {joined}"
    );
    let removed = entry(&app, "internalUser.deleted", owner_id).await;
    assert_eq!(removed["targetName"], "Samantha Staff", "{removed}");
    assert_eq!(removed["actorName"], "Olivia Owner");
    let client = entry(&app, "client.deleted", owner_id).await;
    assert_eq!(client["targetName"], "Bob Client", "{client}");
    let hook = entry(&app, "webhook.created", &key).await;
    assert_eq!(hook["actorName"], "tests", "an API key by its name: {hook}");
    assert_eq!(hook["targetName"], "http://127.0.0.1:9/hook");
    let deleted = entry(&app, "message.deleted", &ann_id).await;
    assert_eq!(deleted["details"]["channelId"], ann_channel);

    // Never a secret.
    let everything = serde_json::to_string(&log).unwrap();
    for secret in [PASSWORD, NEW_PASSWORD, &secret_key, &signing_secret, &token] {
        assert!(
            !everything.contains(secret),
            "the log holds no password, key, signing secret or link"
        );
    }
}

#[tokio::test]
async fn a_refused_sign_in_records_the_email_tried_and_the_address_never_the_password() {
    let app = TestApp::spawn_with(|config| {
        config.sign_in.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        config.sign_in.throttle.per_address = 2;
    })
    .await;
    let guess = "hunter2 is my guess";
    let refused = app.sign_in_from(OFFICE, "Nobody@Example.com", guess).await;
    refused.assert_error(401, "an unknown account");
    let refused = app.sign_in_from("203.0.113.9", OWNER_EMAIL, guess).await;
    refused.assert_error(401, "a wrong password");

    let failures = app
        .admin
        .get("/v1/audit-events?action=session.signInFailed")
        .await;
    assert_eq!(failures.status, 200, "{}", failures.body);
    let failures = failures.body["data"].as_array().unwrap().clone();
    assert_eq!(failures.len(), 2, "{failures:?}");
    let (wrong, unknown) = (&failures[0], &failures[1]);
    assert_eq!(unknown["details"]["email"], "Nobody@Example.com");
    assert_eq!(unknown["details"]["reason"], "unknownAccount");
    assert_eq!(unknown["ipAddress"], OFFICE);
    assert!(unknown["targetId"].is_null(), "{unknown}");
    assert_eq!(unknown["actorType"], "anonymous");
    assert_eq!(wrong["details"]["email"], OWNER_EMAIL);
    assert_eq!(wrong["details"]["reason"], "wrongPassword");
    assert_eq!(wrong["targetId"], app.owner_id.as_str());
    assert_eq!(wrong["targetName"], "Olivia Owner");
    assert_eq!(wrong["ipAddress"], "203.0.113.9");

    let mut conn = app.ctx.store.reader().await.unwrap();
    let stored: Vec<(String,)> = sqlx::query_as("SELECT details FROM audit_events")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert!(
        stored.iter().all(|(details,)| !details.contains(guess)),
        "the password tried is never stored: {stored:?}"
    );

    // Past the limit, attempts are refused before anything is checked, and
    // the limits count them: the log does not fill with them.
    for _ in 0..3 {
        let refused = app.sign_in_from(OFFICE, OWNER_EMAIL, guess).await;
        assert!([401, 429].contains(&refused.status), "{}", refused.body);
    }
    let failures = collect_pages(&app.admin, "/v1/audit-events?action=session.signInFailed").await;
    assert_eq!(
        failures.len(),
        3,
        "two from the office were checked, the rest refused by the limit"
    );
}

#[tokio::test]
async fn the_log_is_read_newest_first_filtered_and_paged() {
    let app = TestApp::spawn().await;
    let mut names = Vec::new();
    for n in 0..5 {
        let name = format!("Ledger {n}");
        let changed = app
            .admin
            .patch("/v1/workspaces", json!({ "brandName": name }))
            .await;
        assert_eq!(changed.status, 200, "{}", changed.body);
        names.push(name);
    }
    let client = app.create_client("Cy", None).await;
    let client_id = client["id"].as_str().unwrap();
    assert_eq!(
        app.admin
            .delete(&format!("/v1/clients/{client_id}"))
            .await
            .status,
        200
    );

    let settings = collect_pages(
        &app.admin,
        "/v1/audit-events?action=settings.updated&limit=2",
    )
    .await;
    let shown: Vec<&str> = settings
        .iter()
        .map(|e| e["details"]["changes"]["brandName"]["to"].as_str().unwrap())
        .collect();
    let newest_first: Vec<&str> = names.iter().rev().map(String::as_str).collect();
    assert_eq!(
        shown, newest_first,
        "two at a time, newest first, none twice"
    );

    let everything = collect_pages(&app.admin, "/v1/audit-events?limit=3").await;
    assert_eq!(
        everything[0]["action"], "client.deleted",
        "the newest first"
    );
    let oldest = &everything[everything.len() - 1];
    assert_eq!(oldest["action"], "workspace.created", "the oldest last");
    assert_eq!(
        oldest["actorType"], "operator",
        "`parlor admin init` made it"
    );
    assert_eq!(oldest["via"], "commandLine");
    assert!(oldest["ipAddress"].is_null(), "{oldest}");

    let about = app
        .admin
        .get(&format!("/v1/audit-events?targetId={client_id}"))
        .await;
    assert_eq!(about.status, 200, "{}", about.body);
    let actions: Vec<&Value> = about.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["action"])
        .collect();
    assert_eq!(
        actions,
        vec!["client.deleted"],
        "only what was done to the client"
    );

    let created = everything
        .iter()
        .find(|e| e["action"] == "apiKey.created")
        .expect("the test key was made");
    let key = created["targetId"].as_str().unwrap();
    let by_key = collect_pages(&app.admin, &format!("/v1/audit-events?actorId={key}")).await;
    assert_eq!(
        by_key.len(),
        6,
        "the key's five changes of name and one deletion"
    );
    assert!(by_key.iter().all(|e| e["actorId"] == key));

    let one = app
        .admin
        .get(&format!(
            "/v1/audit-events/{}",
            everything[0]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.body, everything[0], "one entry reads as it is listed");
    app.admin
        .get("/v1/audit-events/no-such-entry")
        .await
        .assert_error(404, "an unknown entry");

    // A range of time: all of it, a range after it, and one before it.
    let first = everything[everything.len() - 1]["createdAt"]
        .as_str()
        .unwrap();
    let in_range = collect_pages(&app.admin, &format!("/v1/audit-events?since={first}")).await;
    assert_eq!(in_range.len(), everything.len(), "since is inclusive");
    let until_first = app
        .admin
        .get(&format!("/v1/audit-events?until={first}"))
        .await;
    assert_eq!(until_first.body["data"], json!([]), "until is exclusive");
    let later = app.admin.get("/v1/audit-events?since=2999-01-01").await;
    assert_eq!(
        later.body["data"],
        json!([]),
        "a date alone is its midnight"
    );

    for (query, why) in [
        ("action=session.hacked", "an unknown action"),
        ("since=yesterday", "a moment that is not a date"),
        ("until=2020-13-01", "a moment that is not a date"),
        (
            "since=2026-02-01&until=2026-01-01",
            "a range that ends before it starts",
        ),
        ("limit=0", "a limit out of range"),
        ("nextToken=garbage", "a token from nowhere"),
    ] {
        app.admin
            .get(&format!("/v1/audit-events?{query}"))
            .await
            .assert_error(400, why);
    }
}

#[tokio::test]
async fn no_route_changes_or_deletes_an_entry_not_even_an_admins() {
    let app = TestApp::spawn().await;
    let session = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let before = collect_pages(&app.admin, "/v1/audit-events").await;
    let id = before[0]["id"].as_str().unwrap();
    let item = format!("/v1/audit-events/{id}");
    for caller in [&app.admin, &session] {
        for (method, path) in [
            (Method::PATCH, "/v1/audit-events"),
            (Method::PUT, "/v1/audit-events"),
            (Method::DELETE, "/v1/audit-events"),
            (Method::POST, "/v1/audit-events"),
            (Method::PATCH, item.as_str()),
            (Method::PUT, item.as_str()),
            (Method::DELETE, item.as_str()),
            (Method::POST, item.as_str()),
        ] {
            let answer = caller
                .send(
                    caller
                        .request(method.clone(), path)
                        .json(&json!({ "action": "nothing.happened" })),
                )
                .await;
            assert_eq!(
                answer.status, 405,
                "{method} {path} is not allowed: {}",
                answer.body
            );
        }
    }
    let after = collect_pages(&app.admin, "/v1/audit-events").await;
    assert_eq!(after, before, "nothing was added, changed or removed");
}

#[tokio::test]
async fn the_database_itself_refuses_to_change_or_delete_an_entry() {
    let app = TestApp::spawn().await;
    let before = collect_pages(&app.admin, "/v1/audit-events").await;
    assert!(!before.is_empty(), "the setup left entries to tamper with");
    let mut statements = vec![
        "UPDATE audit_events SET action = 'nothing.happened'",
        "UPDATE audit_events SET actor_name = 'Someone Else' WHERE seq = 1",
        "DELETE FROM audit_events",
        "DELETE FROM audit_events WHERE seq = 1",
    ];
    if app.ctx.store.backend() == parlor::storage::Backend::Postgres {
        statements.push("TRUNCATE audit_events");
    }
    for statement in statements {
        let mut tx = app.ctx.store.begin().await.unwrap();
        let refused = sqlx::query(statement).execute(&mut *tx).await;
        let error = refused.expect_err(statement).to_string();
        assert!(error.contains("append-only"), "{statement}: {error}");
        tx.rollback().await.unwrap();
    }
    assert_eq!(collect_pages(&app.admin, "/v1/audit-events").await, before);
}

#[tokio::test]
async fn what_the_operator_does_at_the_command_line_is_recorded_as_from_the_command_line() {
    let app = TestApp::spawn().await;
    let (ok, said) =
        crate::backup::admin(&app, &["api-key", "create", "--name", "nightly export"]).await;
    assert!(ok, "{said}");
    let secret = said.lines().last().unwrap().trim().to_string();
    let (ok, said) =
        crate::backup::admin(&app, &["api-key", "revoke", "--name", "nightly export"]).await;
    assert!(ok, "{said}");

    let log = collect_pages(&app.admin, "/v1/audit-events").await;
    for action in ["apiKey.revoked", "apiKey.created", "workspace.created"] {
        let found = log
            .iter()
            .find(|e| e["action"] == action)
            .unwrap_or_else(|| panic!("{action} in {log:?}"));
        assert_eq!(found["actorType"], "operator", "{found}");
        assert_eq!(found["via"], "commandLine", "{found}");
        assert!(
            found["actorId"].is_null() && found["ipAddress"].is_null(),
            "{found}"
        );
    }
    assert_eq!(log[0]["targetName"], "nightly export");
    assert!(!serde_json::to_string(&log).unwrap().contains(&secret));
}

/// Calls the web app's server function `name` as a page of this server
/// does, from the office's browser.
async fn in_the_web_app(
    app: &TestApp,
    caller: &Caller,
    name: &str,
    arguments: &[(&str, &str)],
) -> Response {
    let path = crate::server_functions::registered()
        .remove(name)
        .unwrap_or_else(|| panic!("no server function {name}"));
    let request = caller
        .request(Method::POST, &path)
        .header("origin", &app.base)
        .header("cookie", caller.cookie.as_deref().unwrap())
        .header("X-Forwarded-For", OFFICE)
        .header("User-Agent", BROWSER)
        .form(arguments);
    let response = caller.send(request).await;
    assert_eq!(response.status, 200, "{name}: {}", response.body);
    response
}

#[tokio::test]
async fn a_change_in_the_web_app_is_recorded_as_made_there_and_reads_in_words() {
    let app = behind_a_proxy().await;
    let owner = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    in_the_web_app(
        &app,
        &owner,
        "save_brand",
        &[
            ("brand[brandName]", "Ledger Online"),
            ("brand[brandColor]", "#2f4ac0"),
            ("brand[logoImageUrl]", ""),
        ],
    )
    .await;

    let recorded = entry(&app, "settings.updated", &app.owner_id).await;
    assert_eq!(recorded["via"], "web", "{recorded}");
    assert_eq!(recorded["ipAddress"], OFFICE);
    assert_eq!(recorded["userAgent"], BROWSER);

    let shown = in_the_web_app(
        &app,
        &owner,
        "load_audit_log",
        &[
            ("action", "settings.updated"),
            ("actor_id", ""),
            ("next_token", ""),
        ],
    )
    .await;
    let entries = shown.body["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "only settings changes: {}", shown.body);
    let line = &entries[0];
    assert_eq!(line["who"], "Olivia Owner");
    assert_eq!(line["whoKind"], "Team member");
    assert_eq!(line["what"], "Changed settings");
    assert_eq!(line["target"], "Workspace Ledger Online");
    assert_eq!(line["place"], format!("{OFFICE} · web app"));
    assert_eq!(
        line["details"],
        json!([format!(
            "brandName: {} → Ledger Online",
            crate::helpers::WORKSPACE
        )])
    );
    let people: Vec<&Value> = shown.body["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["label"])
        .collect();
    assert!(people.contains(&&json!("Olivia Owner")), "{people:?}");
    assert!(people.contains(&&json!("API key tests")), "{people:?}");
    let actions = shown.body["actions"].as_array().unwrap();
    assert_eq!(
        actions.len(),
        Action::ALL.len(),
        "every action may be chosen"
    );
}
