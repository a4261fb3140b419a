//! Passwords people choose themselves: changing one's own, reset links from
//! an admin or from "Forgot password?", staff invited instead of given a
//! password, and open sockets that end with the credential they rode on.

use parlor::auth::tokens::{LinkPurpose, SignedLink};
use serde_json::{json, Value};

use crate::helpers::{invite_token, Caller, TestApp, OWNER_EMAIL, PASSWORD};

const NEW_PASSWORD: &str = "a brand new password";

/// The last link to `page` (`reset` or `invite`) e-mailed to `address`.
pub async fn emailed_link(app: &TestApp, address: &str, page: &str) -> String {
    let marker = format!("/{page}/");
    let emails = app.emails_to(address).await;
    let body = emails
        .iter()
        .rev()
        .find(|body| body.contains(&marker))
        .unwrap_or_else(|| panic!("no e-mail with a {page} link to {address}: {emails:?}"));
    let start = body.find(&marker).unwrap() + marker.len();
    body[start..].split_whitespace().next().unwrap().to_string()
}

async fn staff_email(app: &TestApp, id: &str) -> String {
    let user = app.admin.get(&format!("/v1/internal-users/{id}")).await;
    user.body["email"].as_str().unwrap().to_string()
}

fn email_of(person: &Value) -> &str {
    person["email"].as_str().unwrap()
}

async fn is_signed_in(caller: &Caller) -> bool {
    caller.get("/v1/sessions/current").await.status == 200
}

async fn sign_in_status(app: &TestApp, email: &str, password: &str) -> u16 {
    app.anonymous()
        .post(
            "/v1/sessions",
            json!({ "email": email, "password": password }),
        )
        .await
        .status
}

#[tokio::test]
async fn changing_your_password_keeps_this_session_and_ends_the_others() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let here = app.client_session(&client).await;
    let elsewhere = app.sign_in(email_of(&client), PASSWORD).await;

    let changed = here
        .post(
            "/v1/sessions/current/password",
            json!({ "currentPassword": PASSWORD, "newPassword": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    assert!(is_signed_in(&here).await, "the session used stays");
    assert!(
        !is_signed_in(&elsewhere).await,
        "the other session ended with the old password"
    );
    assert_eq!(sign_in_status(&app, email_of(&client), PASSWORD).await, 401);
    assert_eq!(
        sign_in_status(&app, email_of(&client), NEW_PASSWORD).await,
        200
    );

    // Staff change theirs the same way.
    let (staff_id, staff) = app.staff(None).await;
    let changed = staff
        .post(
            "/v1/sessions/current/password",
            json!({ "currentPassword": PASSWORD, "newPassword": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    let email = staff_email(&app, &staff_id).await;
    assert_eq!(sign_in_status(&app, &email, NEW_PASSWORD).await, 200);
}

#[tokio::test]
async fn a_password_change_needs_the_current_password_a_session_and_a_valid_new_one() {
    let app = TestApp::spawn().await;
    let owner = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let other = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    owner
        .post(
            "/v1/sessions/current/password",
            json!({ "currentPassword": "not the password", "newPassword": NEW_PASSWORD }),
        )
        .await
        .assert_error(403, "a wrong current password");
    owner
        .post(
            "/v1/sessions/current/password",
            json!({ "currentPassword": PASSWORD, "newPassword": "short" }),
        )
        .await
        .assert_error(422, "a too short new password");
    app.admin
        .post(
            "/v1/sessions/current/password",
            json!({ "currentPassword": PASSWORD, "newPassword": NEW_PASSWORD }),
        )
        .await
        .assert_error(400, "an API key has no password of its own");
    owner
        .without_csrf()
        .post(
            "/v1/sessions/current/password",
            json!({ "currentPassword": PASSWORD, "newPassword": NEW_PASSWORD }),
        )
        .await
        .assert_error(403, "a change without the CSRF token");
    app.anonymous()
        .post(
            "/v1/sessions/current/password",
            json!({ "currentPassword": PASSWORD, "newPassword": NEW_PASSWORD }),
        )
        .await
        .assert_error(401, "no one signed in");
    assert!(is_signed_in(&other).await, "refused changes end no session");
    assert_eq!(sign_in_status(&app, OWNER_EMAIL, PASSWORD).await, 200);
}

#[tokio::test]
async fn an_admin_reset_link_sets_a_new_password_once_and_ends_every_session() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let client_id = client["id"].as_str().unwrap();
    let first = app.client_session(&client).await;
    let second = app.sign_in(email_of(&client), PASSWORD).await;

    let sent = app
        .admin
        .post(
            &format!("/v1/clients/{client_id}/password-reset"),
            json!({}),
        )
        .await;
    assert_eq!(sent.status, 202, "{}", sent.body);
    assert!(
        sent.body.as_str().is_some_and(str::is_empty),
        "the link goes to the person, not to the admin: {}",
        sent.body
    );
    let token = emailed_link(&app, email_of(&client), "reset").await;
    assert!(
        is_signed_in(&first).await,
        "sending a link changes nothing yet"
    );

    let info = app
        .anonymous()
        .get(&format!("/v1/password-resets/{token}"))
        .await;
    assert_eq!(info.status, 200, "{}", info.body);
    assert_eq!(info.body["givenName"], "Ann");
    assert_eq!(info.body["email"], client["email"]);

    let reset = Caller::from_reset(&app, &token, NEW_PASSWORD).await;
    assert!(is_signed_in(&reset).await, "the reset signs them in");
    assert!(!is_signed_in(&first).await, "every earlier session ends");
    assert!(!is_signed_in(&second).await, "every earlier session ends");
    assert_eq!(sign_in_status(&app, email_of(&client), PASSWORD).await, 401);
    assert_eq!(
        sign_in_status(&app, email_of(&client), NEW_PASSWORD).await,
        200
    );

    app.anonymous()
        .post(
            &format!("/v1/password-resets/{token}/accept"),
            json!({ "password": "yet another password" }),
        )
        .await
        .assert_error(404, "a used reset link");
    app.anonymous()
        .get(&format!("/v1/password-resets/{token}"))
        .await
        .assert_error(404, "reading a used reset link");

    // Staff get reset links from admins too.
    let (staff_id, staff) = app.staff(None).await;
    let sent = app
        .admin
        .post(
            &format!("/v1/internal-users/{staff_id}/password-reset"),
            json!({}),
        )
        .await;
    assert_eq!(sent.status, 202, "{}", sent.body);
    let email = staff_email(&app, &staff_id).await;
    let token = emailed_link(&app, &email, "reset").await;
    Caller::from_reset(&app, &token, NEW_PASSWORD).await;
    assert!(!is_signed_in(&staff).await);
    assert_eq!(sign_in_status(&app, &email, NEW_PASSWORD).await, 200);
}

#[tokio::test]
async fn only_admins_send_reset_links() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let client_id = client["id"].as_str().unwrap();
    app.client_session(&client).await;
    let (staff_id, staff) = app.staff(None).await;
    staff
        .post(
            &format!("/v1/clients/{client_id}/password-reset"),
            json!({}),
        )
        .await
        .assert_error(403, "staff sending a client a reset link");
    staff
        .post(
            &format!("/v1/internal-users/{}/password-reset", app.owner_id),
            json!({}),
        )
        .await
        .assert_error(403, "staff sending the owner a reset link");
    app.anonymous()
        .post(
            &format!("/v1/clients/{client_id}/password-reset"),
            json!({}),
        )
        .await
        .assert_error(401, "no credentials");
    app.admin
        .post(&format!("/v1/clients/{staff_id}/password-reset"), json!({}))
        .await
        .assert_error(404, "a staff member is no client");
    let waiting = app.create_client("Wes", None).await;
    app.admin
        .post(
            &format!(
                "/v1/clients/{}/password-reset",
                waiting["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await
        .assert_error(409, "a client who never accepted their invitation");
    assert!(
        app.emails_to(email_of(&client)).await.is_empty(),
        "no refused request sent anything"
    );
}

#[tokio::test]
async fn forged_edited_and_expired_reset_links_are_refused() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let client_id = client["id"].as_str().unwrap().to_string();
    app.client_session(&client).await;
    let key = &app.ctx.config.secret_key;
    let future = parlor::storage::now_ms() + 60_000;
    let link = |expires_at_ms| SignedLink {
        user_id: client_id.clone(),
        expires_at_ms,
    };
    let genuine = link(future).token(key, LinkPurpose::PasswordReset, 0);
    let (_, signature) = SignedLink::read(&genuine).unwrap();
    for (label, bad) in [
        (
            "edited expiry",
            format!("{client_id}.{}.{signature}", future + 1000),
        ),
        ("garbage", "not-a-token".to_string()),
        (
            "an invitation's signature",
            link(future).token(key, LinkPurpose::ClientInvitation, 0),
        ),
        (
            "another password's version",
            link(future).token(key, LinkPurpose::PasswordReset, 1),
        ),
    ] {
        app.anonymous()
            .post(
                &format!("/v1/password-resets/{bad}/accept"),
                json!({ "password": NEW_PASSWORD }),
            )
            .await
            .assert_error(404, label);
    }
    let expired = link(parlor::storage::now_ms() - 1000).token(key, LinkPurpose::PasswordReset, 0);
    app.anonymous()
        .post(
            &format!("/v1/password-resets/{expired}/accept"),
            json!({ "password": NEW_PASSWORD }),
        )
        .await
        .assert_error(403, "an expired reset link");
    app.anonymous()
        .post(
            &format!("/v1/password-resets/{genuine}/accept"),
            json!({ "password": "short" }),
        )
        .await
        .assert_error(422, "a too short password");
    assert_eq!(sign_in_status(&app, email_of(&client), PASSWORD).await, 200);
    // Changing the password voids links sent before.
    let session = app.sign_in(email_of(&client), PASSWORD).await;
    let changed = session
        .post(
            "/v1/sessions/current/password",
            json!({ "currentPassword": PASSWORD, "newPassword": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    app.anonymous()
        .post(
            &format!("/v1/password-resets/{genuine}/accept"),
            json!({ "password": PASSWORD }),
        )
        .await
        .assert_error(404, "a link sent before the password changed");
}

#[tokio::test]
async fn forgot_password_answers_the_same_whether_or_not_the_address_exists() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    app.client_session(&client).await;
    let never_invited = app.create_client("Nell", None).await;

    let mut answers = Vec::new();
    for email in [
        email_of(&client),
        "nobody@example.com",
        email_of(&never_invited),
        "not an address",
    ] {
        let answer = app
            .anonymous()
            .post("/v1/password-resets", json!({ "email": email }))
            .await;
        answers.push((answer.status, answer.body));
    }
    assert!(
        answers.iter().all(|answer| *answer == answers[0]),
        "every answer is the same: {answers:?}"
    );
    assert_eq!(answers[0].0, 202);

    // The e-mail is queued after the answer; wait for it.
    let token = loop {
        if app
            .emails_to(email_of(&client))
            .await
            .iter()
            .any(|body| body.contains("/reset/"))
        {
            break emailed_link(&app, email_of(&client), "reset").await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    Caller::from_reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(
        sign_in_status(&app, email_of(&client), NEW_PASSWORD).await,
        200
    );
    assert!(
        app.emails_to(email_of(&never_invited)).await.is_empty(),
        "someone who never chose a password gets no reset link"
    );
}

#[tokio::test]
async fn forgot_password_cannot_flood_an_inbox() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    app.client_session(&client).await;
    let mut statuses = Vec::new();
    for _ in 0..15 {
        let answer = app
            .anonymous()
            .post("/v1/password-resets", json!({ "email": email_of(&client) }))
            .await;
        statuses.push(answer.status);
    }
    assert_eq!(statuses[0], 202);
    assert_eq!(
        statuses.last(),
        Some(&429),
        "asking again and again is throttled: {statuses:?}"
    );
    // Let the queued requests finish, then count: one e-mail, however many asks.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let resets = app
        .emails_to(email_of(&client))
        .await
        .into_iter()
        .filter(|body| body.contains("/reset/"))
        .count();
    assert_eq!(resets, 1, "one reset e-mail per window");
}

#[tokio::test]
async fn admins_invite_staff_who_choose_their_own_password() {
    let app = TestApp::spawn().await;
    app.admin
        .post(
            "/v1/internal-users",
            json!({ "givenName": "Sam", "familyName": "Staff", "email": "sam@example.com",
                    "role": "staff", "password": "chosen by the admin" }),
        )
        .await
        .assert_error(422, "an admin choosing a password");

    let created = app
        .admin
        .post(
            "/v1/internal-users",
            json!({ "givenName": "Sam", "familyName": "Staff", "email": "sam@example.com", "role": "staff" }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let token = invite_token(&created.body);
    assert_eq!(
        emailed_link(&app, "sam@example.com", "invite").await,
        token,
        "the invitation is e-mailed"
    );
    let listed = app
        .admin
        .get(&format!("/v1/internal-users/{}", created.id()))
        .await;
    assert!(
        listed.body.get("inviteUrl").is_none(),
        "the link is handed out on creation only: {}",
        listed.body
    );
    assert_eq!(
        sign_in_status(&app, "sam@example.com", PASSWORD).await,
        401,
        "no password until they choose one"
    );

    let info = app
        .anonymous()
        .get(&format!("/v1/invitations/{token}"))
        .await;
    assert_eq!(info.status, 200, "{}", info.body);
    assert_eq!(info.body["userType"], "internalUser");
    assert_eq!(info.body["givenName"], "Sam");
    let sam = app.accept_invitation(&token).await;
    let me = sam.get("/v1/sessions/current").await;
    assert_eq!(me.body["userId"], created.body["id"]);
    assert_eq!(me.body["role"], "staff");
    assert_eq!(sign_in_status(&app, "sam@example.com", PASSWORD).await, 200);
    app.anonymous()
        .post(
            &format!("/v1/invitations/{token}/accept"),
            json!({ "password": NEW_PASSWORD }),
        )
        .await
        .assert_error(404, "a used staff invitation");

    // Only admins add members.
    let (_, staff) = app.staff(None).await;
    staff
        .post(
            "/v1/internal-users",
            json!({ "givenName": "Eve", "familyName": "E", "email": "eve@example.com", "role": "admin" }),
        )
        .await
        .assert_error(403, "staff adding a member");
}

#[tokio::test]
async fn a_member_who_never_chose_a_password_is_invited_again_on_reset() {
    let app = TestApp::spawn().await;
    let created = app
        .admin
        .post(
            "/v1/internal-users",
            json!({ "givenName": "Sam", "familyName": "Staff", "email": "sam@example.com", "role": "staff" }),
        )
        .await;
    let first = invite_token(&created.body);
    let sent = app
        .admin
        .post(
            &format!("/v1/internal-users/{}/password-reset", created.id()),
            json!({}),
        )
        .await;
    assert_eq!(sent.status, 202, "{}", sent.body);
    let second = emailed_link(&app, "sam@example.com", "invite").await;
    assert_ne!(first, second);
    app.anonymous()
        .get(&format!("/v1/invitations/{first}"))
        .await
        .assert_error(404, "the first invitation was replaced");
    app.accept_invitation(&second).await;
}

/// Opens a socket for `caller` both ways a socket is opened: with a token
/// from `/v1/realtime/tokens`, and with the session cookie.
async fn sockets_of(caller: &Caller) -> Vec<crate::helpers::Socket> {
    let (by_token, _) = caller.ready_socket(None).await;
    let mut sockets = vec![by_token];
    if let Some(cookie) = &caller.cookie {
        let url = format!("{}/v1/realtime", caller.ws_base());
        let by_cookie = crate::helpers::Socket::connect(&url, &[("cookie", cookie)])
            .await
            .expect("the socket opens with the cookie");
        sockets.push(by_cookie);
    }
    sockets
}

async fn assert_all_close(sockets: Vec<crate::helpers::Socket>, context: &str) {
    for mut socket in sockets {
        let (code, reason) = socket.closed().await;
        assert_eq!(code, 4001, "{context}: {reason}");
        assert!(reason.contains("sign in again"), "{context}: {reason}");
    }
}

#[tokio::test]
async fn open_sockets_end_when_their_credential_ends() {
    let app = TestApp::spawn().await;

    // Signing out.
    let owner = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let sockets = sockets_of(&owner).await;
    let signed_out = owner.delete("/v1/sessions/current").await;
    assert_eq!(signed_out.status, 204, "{}", signed_out.body);
    assert_all_close(sockets, "after signing out").await;

    // A password change: the other session's sockets end, this one's stay.
    let client = app.create_client("Ann", None).await;
    let here = app.client_session(&client).await;
    let elsewhere = app.sign_in(email_of(&client), PASSWORD).await;
    let (mut kept, _) = here.ready_socket(None).await;
    let ended = sockets_of(&elsewhere).await;
    let changed = here
        .post(
            "/v1/sessions/current/password",
            json!({ "currentPassword": PASSWORD, "newPassword": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    assert_all_close(ended, "after a password change elsewhere").await;
    kept.send_json(json!({ "type": "ping" })).await;
    let pong = kept.next_where(|f| f["type"] == "pong").await;
    assert_eq!(pong["type"], "pong", "the session that changed it stays");

    // A reset.
    let sockets = sockets_of(&here).await;
    app.admin
        .post(
            &format!(
                "/v1/clients/{}/password-reset",
                client["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    let token = emailed_link(&app, email_of(&client), "reset").await;
    Caller::from_reset(&app, &token, PASSWORD).await;
    assert_all_close(sockets, "after a reset").await;

    // A removed person.
    let (staff_id, staff) = app.staff(None).await;
    let sockets = sockets_of(&staff).await;
    let removed = app
        .admin
        .delete(&format!("/v1/internal-users/{staff_id}"))
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_all_close(sockets, "after the staff member was removed").await;

    let other = app.create_client("Bo", None).await;
    let bo = app.client_session(&other).await;
    let sockets = sockets_of(&bo).await;
    let removed = app
        .admin
        .delete(&format!("/v1/clients/{}", other["id"].as_str().unwrap()))
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_all_close(sockets, "after the client was removed").await;
}

#[tokio::test]
async fn sockets_end_on_every_server_when_signed_out_and_when_their_key_is_revoked() {
    let app = TestApp::spawn().await;
    let (node_b, _stop_b) = app.second_node().await;

    // Signed out through one server, the sockets on the other end too.
    let owner = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let issued = owner.post("/v1/realtime/tokens", json!({})).await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    let url = format!(
        "{}/v1/realtime?token={}",
        node_b.ws_base(),
        issued.body["token"].as_str().unwrap()
    );
    let on_b = crate::helpers::Socket::connect(&url, &[])
        .await
        .expect("the socket opens on the other server");
    let signed_out = owner.delete("/v1/sessions/current").await;
    assert_eq!(signed_out.status, 204, "{}", signed_out.body);
    assert_all_close(vec![on_b], "after signing out on another server").await;

    // A revoked API key.
    let admin = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let made = admin
        .post("/v1/api-keys", json!({ "name": "wallboard" }))
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    let url = format!("{}/v1/realtime", app.admin.ws_base());
    let by_key =
        crate::helpers::Socket::connect(&url, &[("x-api-key", made.body["key"].as_str().unwrap())])
            .await
            .expect("the socket opens with the key");
    let revoked = admin.delete(&format!("/v1/api-keys/{}", made.id())).await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert_all_close(vec![by_key], "after its key was revoked").await;
}

#[tokio::test]
async fn a_realtime_token_from_an_ended_session_opens_no_socket() {
    let app = TestApp::spawn().await;
    let owner = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let issued = owner.post("/v1/realtime/tokens", json!({})).await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    owner.delete("/v1/sessions/current").await;
    let url = format!(
        "{}/v1/realtime?token={}",
        owner.ws_base(),
        issued.body["token"].as_str().unwrap()
    );
    let refused = crate::helpers::Socket::connect(&url, &[]).await;
    assert_eq!(refused.err(), Some(401));
}
