use parlor::auth::tokens::{LinkPurpose, SignedLink};
use serde_json::json;

use crate::helpers::{invite_token, TestApp, PASSWORD};

#[tokio::test]
async fn an_invitation_sets_the_password_activates_the_client_and_signs_them_in() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let token = invite_token(&client);
    let info = app
        .anonymous()
        .get(&format!("/v1/invitations/{token}"))
        .await;
    assert_eq!(info.status, 200, "{}", info.body);
    assert_eq!(info.body["givenName"], "Ann");
    assert_eq!(info.body["workspaceName"], crate::helpers::WORKSPACE);

    let session = app.client_session(&client).await;
    let me = session.get("/v1/sessions/current").await;
    assert_eq!(me.body["userId"], client["id"]);
    assert_eq!(me.body["userType"], "client");
    let channels = session.get("/v1/message-channels").await;
    assert_eq!(
        channels.body["data"].as_array().unwrap().len(),
        1,
        "the client sees their channel: {}",
        channels.body
    );

    let now = app
        .admin
        .get(&format!("/v1/clients/{}", client["id"].as_str().unwrap()))
        .await
        .body;
    assert_eq!(now["status"], "active");
    assert!(now["firstLoginDate"].is_string(), "{now}");
    assert!(
        now["inviteUrl"].is_null(),
        "an active client has no invitation: {now}"
    );
    let again = app
        .sign_in(client["email"].as_str().unwrap(), PASSWORD)
        .await;
    assert_eq!(
        again.get("/v1/sessions/current").await.body["userId"],
        client["id"]
    );
}

#[tokio::test]
async fn an_invitation_works_only_once() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let token = invite_token(&client);
    app.client_session(&client).await;
    let reused = app
        .anonymous()
        .post(
            &format!("/v1/invitations/{token}/accept"),
            json!({ "password": "another password" }),
        )
        .await;
    reused.assert_error(404, "a used invitation");
    app.anonymous()
        .get(&format!("/v1/invitations/{token}"))
        .await
        .assert_error(404, "reading a used invitation");
}

#[tokio::test]
async fn forged_edited_and_expired_invitations_are_refused() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let token = invite_token(&client);
    let (claims, signature) = SignedLink::read(&token).unwrap();
    let edited = format!(
        "{}.{}.{}",
        claims.user_id,
        claims.expires_at_ms + 1000,
        signature
    );
    for (label, bad) in [
        ("edited expiry", edited),
        ("garbage", "not-a-token".to_string()),
        (
            "wrong signature",
            format!("{}.{}.AAAA", claims.user_id, claims.expires_at_ms),
        ),
    ] {
        let response = app
            .anonymous()
            .post(
                &format!("/v1/invitations/{bad}/accept"),
                json!({ "password": PASSWORD }),
            )
            .await;
        response.assert_error(404, label);
    }

    // An invitation whose date has passed: signed correctly, but too late.
    let past = parlor::storage::now_ms() - 1000;
    let mut tx = app.ctx.store.begin().await.unwrap();
    sqlx::query("UPDATE clients SET invite_expires_at = $1 WHERE id = $2")
        .bind(past)
        .bind(&claims.user_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let expired = SignedLink {
        user_id: claims.user_id.clone(),
        expires_at_ms: past,
    }
    .token(&app.ctx.config.secret_key, LinkPurpose::ClientInvitation, 0);
    let response = app
        .anonymous()
        .post(
            &format!("/v1/invitations/{expired}/accept"),
            json!({ "password": PASSWORD }),
        )
        .await;
    response.assert_error(403, "an expired invitation");
    let still = app
        .admin
        .get(&format!("/v1/clients/{}", claims.user_id))
        .await;
    assert_eq!(
        still.body["status"], "notInvited",
        "a refused invitation changes nothing"
    );
}

#[tokio::test]
async fn sending_a_new_invitation_voids_the_old_link() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let old = invite_token(&client);
    let renewed = app
        .admin
        .patch(
            &format!(
                "/v1/clients/{}?sendInvite=true",
                client["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    assert_eq!(renewed.body["status"], "invited");
    let new = invite_token(&renewed.body);
    assert_ne!(old, new);
    app.anonymous()
        .get(&format!("/v1/invitations/{old}"))
        .await
        .assert_error(404, "the replaced link");
    assert_eq!(
        app.anonymous()
            .get(&format!("/v1/invitations/{new}"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn a_short_password_is_refused_and_the_invitation_still_works() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let token = invite_token(&client);
    let short = app
        .anonymous()
        .post(
            &format!("/v1/invitations/{token}/accept"),
            json!({ "password": "short" }),
        )
        .await;
    short.assert_error(422, "a short password");
    app.client_session(&client).await;
}
