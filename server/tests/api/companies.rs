use serde_json::json;

use crate::helpers::{collect_pages, ids, TestApp};

#[tokio::test]
async fn companies_are_created_read_renamed_and_listed() {
    let app = TestApp::spawn().await;
    let created = app
        .admin
        .post(
            "/v1/companies",
            json!({ "name": "Acme", "fallbackColor": "#9bbfff" }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["object"], "company");
    assert_eq!(created.body["isPlaceholder"], false);
    assert_eq!(created.body["fallbackColor"], "#9BBFFF");
    let id = created.id();
    let renamed = app
        .admin
        .patch(
            &format!("/v1/companies/{id}"),
            json!({ "name": "Acme Ltd" }),
        )
        .await;
    assert_eq!(renamed.body["name"], "Acme Ltd");
    assert_eq!(
        app.admin.get(&format!("/v1/companies/{id}")).await.body["name"],
        "Acme Ltd"
    );
    let by_name = collect_pages(&app.admin, "/v1/companies?name=Acme%20Ltd").await;
    assert_eq!(ids(&by_name), vec![id]);
}

#[tokio::test]
async fn two_real_companies_cannot_share_a_name() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    app.admin
        .post("/v1/companies", json!({ "name": "Acme" }))
        .await
        .assert_error(409, "a second Acme");
    let other = app.create_company("Globex").await;
    app.admin
        .patch(&format!("/v1/companies/{other}"), json!({ "name": "Acme" }))
        .await
        .assert_error(409, "renaming onto Acme");
    assert_eq!(
        app.admin.get(&format!("/v1/companies/{acme}")).await.body["name"],
        "Acme"
    );
}

#[tokio::test]
async fn deleting_a_company_moves_its_clients_to_placeholders_and_removes_its_channels() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let amy = app.create_client("Amy", Some(&acme)).await;
    let both = app
        .admin
        .patch(
            &format!("/v1/clients/{}", amy["id"].as_str().unwrap()),
            json!({ "companyIds": [acme, globex] }),
        )
        .await;
    assert_eq!(both.status, 200);
    let company_channel = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "company", "companyId": acme }),
        )
        .await
        .id();
    let group = app.admin.post("/v1/message-channels", json!({ "membershipType": "group", "memberIds": [ann["id"], amy["id"]], "companyId": acme })).await.id();
    let ann_channel = app.individual_channel(ann["id"].as_str().unwrap()).await;

    let deleted = app.admin.delete(&format!("/v1/companies/{acme}")).await;
    assert_eq!(
        deleted.body,
        json!({ "id": acme, "object": "company", "deleted": true })
    );
    app.admin
        .get(&format!("/v1/companies/{acme}"))
        .await
        .assert_error(404, "the deleted company");
    app.admin
        .get(&format!("/v1/message-channels/{company_channel}"))
        .await
        .assert_error(404, "its company channel");
    app.admin
        .get(&format!("/v1/message-channels/{group}"))
        .await
        .assert_error(404, "its group channel");
    assert_eq!(
        app.admin
            .get(&format!("/v1/message-channels/{ann_channel}"))
            .await
            .status,
        200,
        "individual channels stay"
    );

    let ann_now = app
        .admin
        .get(&format!("/v1/clients/{}", ann["id"].as_str().unwrap()))
        .await
        .body;
    let placeholder = ann_now["companyId"].as_str().unwrap();
    assert_ne!(placeholder, acme);
    assert_eq!(
        app.admin
            .get(&format!("/v1/companies/{placeholder}"))
            .await
            .body["isPlaceholder"],
        true
    );
    let amy_now = app
        .admin
        .get(&format!("/v1/clients/{}", amy["id"].as_str().unwrap()))
        .await
        .body;
    assert_eq!(
        amy_now["companyIds"],
        json!([globex]),
        "a client with another company keeps it and gets no placeholder"
    );
}
