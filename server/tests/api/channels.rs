use serde_json::json;

use crate::helpers::{ids, TestApp};

#[tokio::test]
async fn a_new_client_gets_an_individual_channel_that_opens_with_the_welcome_message() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    let messages = app.all_messages(&app.admin, &channel, 50).await;
    assert_eq!(messages.len(), 1, "{messages:?}");
    let welcome = &messages[0];
    assert_eq!(welcome["isWelcome"], true);
    assert_eq!(
        welcome["senderId"].as_str().unwrap(),
        app.owner_id,
        "the owner signs the welcome"
    );
    let text = welcome["text"].as_str().unwrap();
    assert!(
        text.contains("Ann") && text.contains(crate::helpers::WORKSPACE),
        "rendered welcome: {text}"
    );
    assert!(!text.contains("{{"), "no variable left unrendered: {text}");
}

#[tokio::test]
async fn a_client_has_at_most_one_individual_channel() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let again = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "individual", "clientId": client["id"] }),
        )
        .await;
    again.assert_error(409, "a second individual channel");
    let listed = app
        .admin
        .get(&format!(
            "/v1/message-channels?clientId={}",
            client["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        listed.body["data"].as_array().unwrap().len(),
        1,
        "nothing was added: {}",
        listed.body
    );
}

#[tokio::test]
async fn a_group_of_clients_of_one_company_belongs_to_that_company() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let (ann, amy) = (
        app.create_client("Ann", Some(&acme)).await,
        app.create_client("Amy", Some(&acme)).await,
    );
    let created = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "group", "memberIds": [ann["id"], amy["id"]] }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert_eq!(created.body["membershipType"], "group");
    assert_eq!(created.body["companyId"].as_str().unwrap(), acme);
    let mut members: Vec<&str> = created.body["memberIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    members.sort();
    let mut expected = vec![ann["id"].as_str().unwrap(), amy["id"].as_str().unwrap()];
    expected.sort();
    assert_eq!(members, expected);
    let welcome = app.all_messages(&app.admin, &created.id(), 10).await;
    assert_eq!(welcome.len(), 1, "a group opens with its welcome message");
}

#[tokio::test]
async fn a_group_of_clients_from_different_companies_is_refused_and_nothing_is_made() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let (ann, bob) = (
        app.create_client("Ann", Some(&acme)).await,
        app.create_client("Bob", Some(&globex)).await,
    );
    let before = crate::helpers::collect_pages(&app.admin, "/v1/message-channels")
        .await
        .len();
    let refused = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "group", "memberIds": [ann["id"], bob["id"]] }),
        )
        .await;
    refused.assert_error(422, "a cross-company group");
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap()
            .contains("same company"),
        "{}",
        refused.body
    );
    let naming_acme = app
        .admin
        .post("/v1/message-channels", json!({ "membershipType": "group", "memberIds": [ann["id"], bob["id"]], "companyId": acme }))
        .await;
    naming_acme.assert_error(422, "a cross-company group naming one company");
    let after = crate::helpers::collect_pages(&app.admin, "/v1/message-channels")
        .await
        .len();
    assert_eq!(before, after, "a refused group leaves no channel behind");
}

#[tokio::test]
async fn clients_sharing_several_companies_must_say_which_one_their_group_is_for() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let mut pair = Vec::new();
    for name in ["Ann", "Amy"] {
        let client = app.create_client(name, Some(&acme)).await;
        let updated = app
            .admin
            .patch(
                &format!("/v1/clients/{}", client["id"].as_str().unwrap()),
                json!({ "companyIds": [acme, globex] }),
            )
            .await;
        assert_eq!(updated.status, 200, "{}", updated.body);
        pair.push(client["id"].clone());
    }
    let ambiguous = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "group", "memberIds": pair }),
        )
        .await;
    ambiguous.assert_error(422, "a group of clients sharing two companies");
    let chosen = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "group", "memberIds": pair, "companyId": globex }),
        )
        .await;
    assert_eq!(chosen.status, 200, "{}", chosen.body);
    assert_eq!(chosen.body["companyId"].as_str().unwrap(), globex);
}

#[tokio::test]
async fn a_company_channel_follows_clients_as_they_join_and_leave_the_company() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let channel = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "company", "companyId": acme }),
        )
        .await;
    assert_eq!(channel.status, 200, "{}", channel.body);
    let channel_id = channel.id();
    assert_eq!(channel.body["memberIds"], json!([ann["id"]]));

    let later = app.create_client("Amy", Some(&acme)).await;
    let amy_session = app.client_session(&later).await;
    let seen = app
        .admin
        .get(&format!("/v1/message-channels/{channel_id}"))
        .await;
    assert_eq!(
        seen.body["memberIds"],
        json!([ann["id"], later["id"]]),
        "a client who joins later is a member"
    );
    assert_eq!(
        amy_session
            .get(&format!("/v1/message-channels/{channel_id}"))
            .await
            .status,
        200
    );

    let moved = app
        .admin
        .patch(
            &format!("/v1/clients/{}", later["id"].as_str().unwrap()),
            json!({ "companyIds": [] }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let seen = app
        .admin
        .get(&format!("/v1/message-channels/{channel_id}"))
        .await;
    assert_eq!(
        seen.body["memberIds"],
        json!([ann["id"]]),
        "a client who leaves is no longer a member"
    );
    let gone = amy_session
        .get(&format!("/v1/message-channels/{channel_id}"))
        .await;
    gone.assert_error(404, "reading the company channel after leaving the company");

    let again = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "company", "companyId": acme }),
        )
        .await;
    again.assert_error(409, "a second company channel");
}

#[tokio::test]
async fn channels_can_be_filtered_by_type_client_and_member() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let (ann, amy) = (
        app.create_client("Ann", Some(&acme)).await,
        app.create_client("Amy", Some(&acme)).await,
    );
    let group = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "group", "memberIds": [ann["id"], amy["id"]] }),
        )
        .await
        .id();
    let company = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "company", "companyId": acme }),
        )
        .await
        .id();
    let ann_channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let amy_channel = app.individual_channel(amy["id"].as_str().unwrap()).await;

    let groups = ids(&crate::helpers::collect_pages(
        &app.admin,
        "/v1/message-channels?membershipType=group",
    )
    .await);
    assert_eq!(groups, vec![group.clone()]);
    let mut of_ann = ids(&crate::helpers::collect_pages(
        &app.admin,
        &format!(
            "/v1/message-channels?memberId={}",
            ann["id"].as_str().unwrap()
        ),
    )
    .await);
    of_ann.sort();
    let mut expected = vec![ann_channel, group, company];
    expected.sort();
    assert_eq!(
        of_ann, expected,
        "Ann's channels, without Amy's individual one ({amy_channel})"
    );
    let bad = app
        .admin
        .get("/v1/message-channels?membershipType=party")
        .await;
    bad.assert_error(422, "an unknown membership type");
}

#[tokio::test]
async fn channels_page_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    for i in 0..7 {
        app.create_client(&format!("Client{i}"), None).await;
    }
    let paged =
        ids(&crate::helpers::collect_pages(&app.admin, "/v1/message-channels?limit=2").await);
    let whole = ids(
        app.admin.get("/v1/message-channels?limit=1000").await.body["data"]
            .as_array()
            .unwrap(),
    );
    assert_eq!(whole.len(), 7);
    assert_eq!(paged, whole);
}

#[tokio::test]
async fn deleting_a_channel_removes_it_and_its_messages() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    let message = app.admin.send_message(&channel, "to be removed").await.id();
    let deleted = app
        .admin
        .delete(&format!("/v1/message-channels/{channel}"))
        .await;
    assert_eq!(
        deleted.body,
        json!({ "id": channel, "object": "messageChannel", "deleted": true })
    );
    app.admin
        .get(&format!("/v1/message-channels/{channel}"))
        .await
        .assert_error(404, "a deleted channel");
    app.admin
        .get(&format!("/v1/messages/{message}"))
        .await
        .assert_error(404, "a message of a deleted channel");
    let reopened = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "individual", "clientId": client["id"] }),
        )
        .await;
    assert_eq!(
        reopened.status, 200,
        "the client can get a new individual channel: {}",
        reopened.body
    );
}
