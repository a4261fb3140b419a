//! Bad input everywhere gets a 4xx with a code and a message, never a 500,
//! and changes nothing.

use serde_json::{json, Value};

use crate::helpers::{collect_pages, TestApp};

#[tokio::test]
async fn unknown_ids_are_not_found() {
    let app = TestApp::spawn().await;
    for path in [
        "/v1/clients/nope",
        "/v1/companies/nope",
        "/v1/internal-users/nope",
        "/v1/message-channels/nope",
        "/v1/messages/nope",
        "/v1/messages?channelId=nope",
        "/v1/invitations/nope",
        "/v1/no-such-route",
    ] {
        app.admin.get(path).await.assert_error(404, path);
    }
    for (path, body) in [
        ("/v1/messages", json!({ "channelId": "nope", "text": "hi" })),
        ("/v1/message-channels/nope/read", json!({})),
        (
            "/v1/message-channels",
            json!({ "membershipType": "individual", "clientId": "nope" }),
        ),
    ] {
        app.admin.post(path, body).await.assert_error(404, path);
    }
    app.admin
        .patch("/v1/clients/nope", json!({ "givenName": "X" }))
        .await
        .assert_error(404, "patching an unknown client");
    app.admin
        .delete("/v1/companies/nope")
        .await
        .assert_error(404, "deleting an unknown company");
}

#[tokio::test]
async fn missing_fields_wrong_types_and_bad_values_are_refused() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    let cases: Vec<(&str, Value, u16)> = vec![
        (
            "/v1/clients",
            json!({ "givenName": "Ann", "familyName": "Lee" }),
            422,
        ),
        (
            "/v1/clients",
            json!({ "givenName": 5, "familyName": "Lee", "email": "a@example.com" }),
            422,
        ),
        (
            "/v1/clients",
            json!({ "givenName": "Ann", "familyName": "Lee", "email": "not-an-email" }),
            422,
        ),
        (
            "/v1/clients",
            json!({ "givenName": "   ", "familyName": "Lee", "email": "b@example.com" }),
            422,
        ),
        (
            "/v1/clients",
            json!({ "givenName": "x".repeat(201), "familyName": "Lee", "email": "c@example.com" }),
            422,
        ),
        (
            "/v1/clients",
            json!({ "givenName": "Ann\u{0}", "familyName": "Lee", "email": "d@example.com" }),
            422,
        ),
        ("/v1/companies", json!({}), 422),
        (
            "/v1/companies",
            json!({ "name": "Acme", "fallbackColor": "blue" }),
            422,
        ),
        (
            "/v1/companies",
            json!({ "name": "Acme", "iconImageUrl": "javascript:alert(1)" }),
            422,
        ),
        (
            "/v1/message-channels",
            json!({ "membershipType": "party" }),
            422,
        ),
        (
            "/v1/message-channels",
            json!({ "membershipType": "individual" }),
            422,
        ),
        (
            "/v1/message-channels",
            json!({ "membershipType": "company" }),
            422,
        ),
        (
            "/v1/message-channels",
            json!({ "membershipType": "group", "memberIds": [client["id"]] }),
            422,
        ),
        ("/v1/messages", json!({ "channelId": channel }), 422),
        (
            "/v1/messages",
            json!({ "channelId": channel, "text": "" }),
            422,
        ),
        (
            "/v1/messages",
            json!({ "channelId": channel, "text": ["a"] }),
            422,
        ),
        (
            "/v1/messages",
            json!({ "channelId": channel, "text": "x".repeat(10_001) }),
            413,
        ),
        (
            "/v1/mass-messages",
            json!({ "clientIds": "everyone", "text": "hi" }),
            422,
        ),
        (
            "/v1/internal-users",
            json!({ "givenName": "A", "familyName": "B", "email": "s@example.com", "role": "boss" }),
            422,
        ),
        (
            "/v1/internal-users",
            json!({ "givenName": "A", "familyName": "B", "email": "s@example.com", "role": "staff", "password": "chosen by the admin" }),
            422,
        ),
    ];
    for (path, body, status) in cases {
        let context = format!(
            "POST {path} {}",
            &body.to_string().chars().take(120).collect::<String>()
        );
        app.admin
            .post(path, body)
            .await
            .assert_error(status, &context);
    }
    assert_eq!(
        collect_pages(&app.admin, "/v1/clients").await.len(),
        1,
        "no refused client was stored"
    );
    assert!(
        collect_pages(&app.admin, "/v1/companies?isPlaceholder=false")
            .await
            .is_empty(),
        "no refused company was stored"
    );
    assert_eq!(
        app.all_messages(&app.admin, &channel, 100).await.len(),
        1,
        "no refused message was stored"
    );
}

#[tokio::test]
async fn malformed_json_and_oversized_bodies_are_refused() {
    let app = TestApp::spawn().await;
    let malformed = app
        .admin
        .request(reqwest::Method::POST, "/v1/companies")
        .header("content-type", "application/json")
        .body("{\"name\":");
    app.admin
        .send(malformed)
        .await
        .assert_error(400, "malformed JSON");
    let not_json = app
        .admin
        .request(reqwest::Method::POST, "/v1/companies")
        .body("name=Acme");
    let response = app.admin.send(not_json).await;
    assert!(
        response.status == 400 || response.status == 415,
        "a body that is not JSON: {}",
        response.status
    );
    response.assert_error(response.status, "a body that is not JSON");
    let huge = json!({ "name": "x".repeat(2 * 1024 * 1024) });
    app.admin
        .post("/v1/companies", huge)
        .await
        .assert_error(413, "a 2 MiB body");
    assert!(collect_pages(&app.admin, "/v1/companies").await.is_empty());
}

#[tokio::test]
async fn bad_paging_parameters_are_refused() {
    let app = TestApp::spawn().await;
    for path in [
        "/v1/clients?limit=0",
        "/v1/clients?limit=1001",
        "/v1/clients?limit=abc",
        "/v1/clients?nextToken=bogus",
        "/v1/companies?isPlaceholder=maybe",
        "/v1/messages",
    ] {
        app.admin.get(path).await.assert_error(400, path);
    }
    app.create_client("Ann", None).await;
    app.create_client("Bob", None).await;
    let page = app.admin.get("/v1/clients?limit=1").await;
    let token = page.body["nextToken"]
        .as_str()
        .expect("a next page")
        .to_string();
    app.admin
        .get(&format!("/v1/companies?nextToken={token}"))
        .await
        .assert_error(400, "a token from another list");
}

/// Text the server cannot store faithfully or that would lie about itself
/// on screen: NUL bytes (PostgreSQL refuses them), UTF-16 surrogates with no
/// partner (no such character exists), and in names the controls that
/// reverse how text is shown ("Ann" U+202E "gnp.exe" shows as "Annexe.png").
#[tokio::test]
async fn bad_text_is_a_clear_4xx_on_every_stored_field_never_a_500() {
    let app = TestApp::spawn().await;
    let company = app.create_company("Acme").await;
    let client = app.create_client("Ann", Some(&company)).await;
    let client_id = client["id"].as_str().unwrap().to_string();
    let channel = app.individual_channel(&client_id).await;
    let message = app.admin.send_message(&channel, "hello").await.id();
    let staff_id = app.staff(None).await.0;

    // `{}` is where the bad text goes, as it is written inside a JSON string.
    let names: Vec<(&str, String, &str)> = vec![
        (
            "POST",
            "/v1/clients".into(),
            r#"{"givenName":"A{}","familyName":"Lee","email":"a@example.com"}"#,
        ),
        (
            "POST",
            "/v1/clients".into(),
            r#"{"givenName":"Ann","familyName":"{}Lee","email":"b@example.com"}"#,
        ),
        (
            "PATCH",
            format!("/v1/clients/{client_id}"),
            r#"{"givenName":"A{}"}"#,
        ),
        ("POST", "/v1/companies".into(), r#"{"name":"Acme{}"}"#),
        (
            "PATCH",
            format!("/v1/companies/{company}"),
            r#"{"name":"Acme{}"}"#,
        ),
        (
            "POST",
            "/v1/internal-users".into(),
            r#"{"givenName":"S{}","familyName":"T","email":"s@example.com","role":"staff","password":"long enough pw"}"#,
        ),
        (
            "PATCH",
            format!("/v1/internal-users/{staff_id}"),
            r#"{"familyName":"T{}"}"#,
        ),
        (
            "PATCH",
            "/v1/workspaces".into(),
            r#"{"brandName":"Ledger{}"}"#,
        ),
        (
            "POST",
            "/v1/notifications".into(),
            r#"{"senderId":"{sender}","recipientClientId":"{client}","deliveryTargets":{"inProduct":{"title":"T{}"}}}"#,
        ),
    ];
    let texts: Vec<(&str, String, &str)> = vec![
        (
            "POST",
            "/v1/messages".into(),
            r#"{"channelId":"{channel}","text":"hi{}"}"#,
        ),
        (
            "PATCH",
            format!("/v1/messages/{message}"),
            r#"{"text":"hi{}"}"#,
        ),
        (
            "POST",
            "/v1/mass-messages".into(),
            r#"{"clientIds":["{client}"],"text":"hi{}"}"#,
        ),
        (
            "PATCH",
            "/v1/settings/messaging".into(),
            r#"{"welcomeMessage":"Hi{}"}"#,
        ),
        (
            "POST",
            "/v1/notifications".into(),
            r#"{"senderId":"{sender}","recipientClientId":"{client}","deliveryTargets":{"inProduct":{"title":"T","body":"b{}"}}}"#,
        ),
        (
            "POST",
            "/v1/messages".into(),
            r#"{"channelId":"{channel}{}","text":"hi"}"#,
        ),
        (
            "POST",
            "/v1/message-channels".into(),
            r#"{"membershipType":"individual","clientId":"{client}{}"}"#,
        ),
    ];
    let sender = app.owner_id.clone();
    let bad_anywhere = [r"\u0000", r"\ud800", r"\udfff", r"x\ud800\u0041"];
    let bad_in_names = [r"\u202e", r"\u202a", r"\u2066", r"\u2069"];
    let cases = names
        .iter()
        .flat_map(|case| {
            bad_anywhere
                .iter()
                .chain(&bad_in_names)
                .map(move |bad| (case, *bad))
        })
        .chain(
            texts
                .iter()
                .flat_map(|case| bad_anywhere.iter().map(move |bad| (case, *bad))),
        );
    for ((method, path, template), bad) in cases {
        let body = template
            .replace("{sender}", &sender)
            .replace("{client}", &client_id)
            .replace("{channel}", &channel)
            .replace("{}", bad);
        let request = app
            .admin
            .request(method.parse().unwrap(), path)
            .header("content-type", "application/json")
            .body(body.clone());
        let response = app.admin.send(request).await;
        let context = format!("{method} {path} {body}");
        assert!(
            (400..500).contains(&response.status),
            "{context}: {} {}",
            response.status,
            response.body
        );
        response.assert_error(response.status, &context);
    }

    for path in [
        "/v1/clients/%00".to_string(),
        "/v1/clients?givenName=%00".into(),
        "/v1/clients?email=a%00%40example.com".into(),
        "/v1/companies?name=Acme%00".into(),
        "/v1/companies/x%00y".into(),
        format!("/v1/messages?channelId={channel}%00"),
        "/v1/message-channels?clientId=%00".into(),
        "/v1/invitations/%00".into(),
    ] {
        app.admin
            .get(&path)
            .await
            .assert_error(400, &format!("GET {path}"));
    }

    let stored = collect_pages(&app.admin, "/v1/clients").await;
    assert_eq!(stored.len(), 1, "no refused client was stored");
    assert_eq!(stored[0]["givenName"], "Ann");
}
