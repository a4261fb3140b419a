use serde_json::json;

use crate::helpers::{collect_pages, TestApp};

#[tokio::test]
async fn the_welcome_message_template_applies_to_the_next_new_client() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let changed = app
        .admin
        .patch("/v1/settings/messaging", json!({ "welcomeMessage": "Hi {{client.givenName}} {{client.familyName}} of {{company.name}}, welcome to {{workspace.name}}." }))
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(
        app.admin.get("/v1/settings/messaging").await.body["welcomeMessage"],
        changed.body["welcomeMessage"]
    );
    let ann = app.create_client("Ann", Some(&acme)).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let welcome = &app.all_messages(&app.admin, &channel, 10).await[0];
    assert_eq!(
        welcome["text"],
        "Hi Ann Client of Acme, welcome to Ledger & Co."
    );
}

#[tokio::test]
async fn with_company_as_the_default_a_new_client_joins_the_company_channel() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let set = app
        .admin
        .patch(
            "/v1/settings/messaging",
            json!({ "defaultChannelType": "company" }),
        )
        .await;
    assert_eq!(set.body["defaultChannelType"], "company");
    let ann = app.create_client("Ann", Some(&acme)).await;
    let amy = app.create_client("Amy", Some(&acme)).await;
    let ann_id = ann["id"].as_str().unwrap();
    assert!(
        collect_pages(
            &app.admin,
            &format!("/v1/message-channels?clientId={ann_id}")
        )
        .await
        .is_empty(),
        "no individual channel"
    );
    let company = collect_pages(&app.admin, "/v1/message-channels?membershipType=company").await;
    assert_eq!(
        company.len(),
        1,
        "one company channel, made for the first client and joined by the second"
    );
    assert_eq!(company[0]["companyId"].as_str().unwrap(), acme);
    assert_eq!(company[0]["memberIds"], json!([ann["id"], amy["id"]]));
    let ann_session = app.client_session(&ann).await;
    let visible = collect_pages(&ann_session, "/v1/message-channels").await;
    assert_eq!(visible.len(), 1);
    let welcome = app
        .all_messages(&ann_session, visible[0]["id"].as_str().unwrap(), 10)
        .await;
    assert_eq!(
        welcome.len(),
        1,
        "the company channel opened with one welcome message"
    );
    assert!(
        welcome[0]["text"].as_str().unwrap().contains("everyone"),
        "a channel of many greets everyone: {}",
        welcome[0]["text"]
    );

    app.admin
        .patch(
            "/v1/settings/messaging",
            json!({ "defaultChannelType": "individual" }),
        )
        .await;
    let bob = app.create_client("Bob", Some(&acme)).await;
    assert_eq!(
        collect_pages(
            &app.admin,
            &format!(
                "/v1/message-channels?clientId={}",
                bob["id"].as_str().unwrap()
            )
        )
        .await
        .len(),
        1
    );
}

#[tokio::test]
async fn an_empty_welcome_template_opens_channels_without_a_message() {
    let app = TestApp::spawn().await;
    app.admin
        .patch("/v1/settings/messaging", json!({ "welcomeMessage": "" }))
        .await;
    let ann = app.create_client("Ann", None).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    assert!(app.all_messages(&app.admin, &channel, 10).await.is_empty());
}

#[tokio::test]
async fn bad_settings_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let before = app.admin.get("/v1/settings/messaging").await.body;
    for (body, status) in [
        (json!({ "welcomeMessage": "Hi {{client.password}}" }), 422),
        (json!({ "welcomeMessage": "Hi {{client.givenName" }), 422),
        (json!({ "defaultChannelType": "group" }), 422),
        (json!({ "welcomeMessage": 5 }), 422),
    ] {
        app.admin
            .patch("/v1/settings/messaging", body.clone())
            .await
            .assert_error(status, &body.to_string());
    }
    assert_eq!(app.admin.get("/v1/settings/messaging").await.body, before);
}
