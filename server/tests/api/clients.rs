use serde_json::json;

use crate::helpers::{collect_pages, ids, TestApp};

#[tokio::test]
async fn a_client_without_a_company_gets_a_placeholder_company_of_their_own() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    assert_eq!(client["object"], "client");
    assert_eq!(client["status"], "notInvited");
    let company_id = client["companyId"].as_str().unwrap();
    assert_eq!(client["companyIds"], json!([company_id]));
    let company = app.admin.get(&format!("/v1/companies/{company_id}")).await;
    assert_eq!(company.body["isPlaceholder"], true, "{}", company.body);
    let placeholders = collect_pages(&app.admin, "/v1/companies?isPlaceholder=true").await;
    assert_eq!(ids(&placeholders), vec![company_id.to_string()]);
    assert!(
        collect_pages(&app.admin, "/v1/companies?isPlaceholder=false")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn clients_can_be_found_by_company_email_and_name() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let bob = app.create_client("Bob", None).await;
    let in_acme = collect_pages(&app.admin, &format!("/v1/clients?companyId={acme}")).await;
    assert_eq!(ids(&in_acme), vec![ann["id"].as_str().unwrap().to_string()]);
    let email = bob["email"].as_str().unwrap().to_uppercase();
    let by_email = collect_pages(&app.admin, &format!("/v1/clients?email={email}")).await;
    assert_eq!(
        ids(&by_email),
        vec![bob["id"].as_str().unwrap().to_string()],
        "e-mail matching ignores case"
    );
    let by_name = collect_pages(&app.admin, "/v1/clients?givenName=Ann&familyName=Client").await;
    assert_eq!(ids(&by_name), vec![ann["id"].as_str().unwrap().to_string()]);
}

#[tokio::test]
async fn an_empty_filter_is_no_filter() {
    // The official SDK sends `companyId=` when no company is asked for.
    let app = TestApp::spawn().await;
    let ann = app.create_client("Ann", None).await;
    let email = ann["email"].as_str().unwrap();
    let listed = collect_pages(&app.admin, &format!("/v1/clients?companyId=&email={email}")).await;
    assert_eq!(ids(&listed), vec![ann["id"].as_str().unwrap().to_string()]);
    let channels = collect_pages(
        &app.admin,
        "/v1/message-channels?membershipType=individual&clientId=",
    )
    .await;
    assert_eq!(channels.len(), 1, "{channels:?}");
}

#[tokio::test]
async fn clients_page_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let mut created = Vec::new();
    for i in 0..11 {
        created.push(
            app.create_client(&format!("Client{i}"), None).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    for limit in [1, 3, 5, 11, 100] {
        let paged = ids(&collect_pages(&app.admin, &format!("/v1/clients?limit={limit}")).await);
        assert_eq!(paged, created, "paging with limit {limit}");
    }
}

#[tokio::test]
async fn an_email_address_belongs_to_one_person() {
    let app = TestApp::spawn().await;
    let ann = app.create_client("Ann", None).await;
    let again = app
        .admin
        .post(
            "/v1/clients",
            json!({ "givenName": "Other", "familyName": "Ann", "email": ann["email"] }),
        )
        .await;
    again.assert_error(409, "a second client with the same e-mail");
    let owner = app
        .admin
        .post(
            "/v1/clients",
            json!({ "givenName": "O", "familyName": "W", "email": crate::helpers::OWNER_EMAIL }),
        )
        .await;
    owner.assert_error(409, "a client with a team member's e-mail");
}

#[tokio::test]
async fn updating_a_client_changes_only_what_was_sent() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let ann = app.create_client("Ann", None).await;
    let id = ann["id"].as_str().unwrap();
    let renamed = app
        .admin
        .patch(
            &format!("/v1/clients/{id}"),
            json!({ "givenName": "Annie" }),
        )
        .await;
    assert_eq!(renamed.body["givenName"], "Annie");
    assert_eq!(renamed.body["familyName"], ann["familyName"]);
    assert_eq!(renamed.body["companyIds"], ann["companyIds"]);
    let moved = app
        .admin
        .patch(&format!("/v1/clients/{id}"), json!({ "companyId": acme }))
        .await;
    assert_eq!(moved.body["companyIds"], json!([acme]));
    assert_eq!(moved.body["givenName"], "Annie");
}

#[tokio::test]
async fn a_client_in_several_companies_lists_them_all() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let created = app
        .admin
        .post("/v1/clients", json!({ "givenName": "Ann", "familyName": "Lee", "email": "ann@example.com", "companyIds": [acme, globex] }))
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["companyIds"], json!([acme, globex]));
    assert_eq!(created.body["companyId"].as_str().unwrap(), acme);
}

#[tokio::test]
async fn deleting_a_client_deletes_their_individual_channel() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let id = client["id"].as_str().unwrap();
    let channel = app.individual_channel(id).await;
    let deleted = app.admin.delete(&format!("/v1/clients/{id}")).await;
    assert_eq!(
        deleted.body,
        json!({ "id": id, "object": "client", "deleted": true })
    );
    app.admin
        .get(&format!("/v1/clients/{id}"))
        .await
        .assert_error(404, "a deleted client");
    app.admin
        .get(&format!("/v1/message-channels/{channel}"))
        .await
        .assert_error(404, "the deleted client's channel");
    app.admin
        .delete(&format!("/v1/clients/{id}"))
        .await
        .assert_error(404, "deleting twice");
}

#[tokio::test]
async fn a_refused_client_leaves_nothing_behind() {
    let app = TestApp::spawn().await;
    let unknown = app
        .admin
        .post("/v1/clients", json!({ "givenName": "Ann", "familyName": "Lee", "email": "ann@example.com", "companyId": "no-such-company" }))
        .await;
    unknown.assert_error(422, "a client in an unknown company");
    assert!(collect_pages(&app.admin, "/v1/clients").await.is_empty());
    assert!(
        collect_pages(&app.admin, "/v1/companies").await.is_empty(),
        "no placeholder company was left"
    );
    assert!(collect_pages(&app.admin, "/v1/message-channels")
        .await
        .is_empty());
}
