use serde_json::json;

use crate::helpers::{TestApp, OWNER_EMAIL, PASSWORD};

#[tokio::test]
async fn staff_sign_in_and_out_with_a_session_cookie() {
    let app = TestApp::spawn().await;
    let session = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let me = session.get("/v1/sessions/current").await;
    assert_eq!(me.body["userId"].as_str().unwrap(), app.owner_id);
    assert_eq!(me.body["role"], "admin");
    let signed_out = session.delete("/v1/sessions/current").await;
    assert_eq!(signed_out.status, 204);
    session
        .get("/v1/sessions/current")
        .await
        .assert_error(401, "after signing out");
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site() {
    let app = TestApp::spawn().await;
    let response = app
        .anonymous()
        .post(
            "/v1/sessions",
            json!({ "email": OWNER_EMAIL, "password": PASSWORD }),
        )
        .await;
    let cookie = response
        .headers
        .get("set-cookie")
        .expect("a session cookie")
        .to_str()
        .unwrap()
        .to_string();
    assert!(cookie.starts_with("parlor_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(response.body["csrfToken"]
        .as_str()
        .is_some_and(|t| t.len() >= 32));
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_account_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let wrong = app
        .anonymous()
        .post(
            "/v1/sessions",
            json!({ "email": OWNER_EMAIL, "password": "not the password" }),
        )
        .await;
    wrong.assert_error(401, "a wrong password");
    let unknown = app
        .anonymous()
        .post(
            "/v1/sessions",
            json!({ "email": "nobody@example.com", "password": PASSWORD }),
        )
        .await;
    unknown.assert_error(401, "an unknown account");
    assert_eq!(
        wrong.body, unknown.body,
        "the answers must not tell which accounts exist"
    );
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_throttled() {
    let app = TestApp::spawn().await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let response = app
            .anonymous()
            .post(
                "/v1/sessions",
                json!({ "email": OWNER_EMAIL, "password": "guess" }),
            )
            .await;
        statuses.push(response.status);
        if response.status == 429 {
            response.assert_error(429, "a throttled sign-in");
            assert!(
                response.headers.get("retry-after").is_some(),
                "a throttled answer says when to retry"
            );
        }
    }
    assert!(
        statuses[..10].iter().all(|s| *s == 401),
        "the first attempts are answered: {statuses:?}"
    );
    assert_eq!(
        statuses[10..],
        [429, 429],
        "then the account is throttled: {statuses:?}"
    );
    let right = app
        .anonymous()
        .post(
            "/v1/sessions",
            json!({ "email": OWNER_EMAIL, "password": PASSWORD }),
        )
        .await;
    assert_eq!(
        right.status, 429,
        "even the right password waits out the throttle"
    );
}

#[tokio::test]
async fn a_wrong_or_missing_api_key_is_refused() {
    let app = TestApp::spawn().await;
    app.with_key("parlor_not-a-real-key")
        .get("/v1/clients")
        .await
        .assert_error(401, "a wrong key");
    app.anonymous()
        .get("/v1/clients")
        .await
        .assert_error(401, "no key");
    app.with_key("")
        .get("/v1/clients")
        .await
        .assert_error(401, "an empty key");
}

#[tokio::test]
async fn api_keys_that_arrive_together_are_each_checked_for_themselves() {
    // Keys of concurrent requests are looked up together, in one query.
    let app = TestApp::spawn().await;
    let second = parlor::service::sessions::create_api_key(&app.ctx, "second")
        .await
        .expect("a second key");
    let callers: Vec<(crate::helpers::Caller, u16)> = (0..60)
        .map(|i| match i % 3 {
            0 => (app.admin.clone(), 200),
            1 => (app.with_key(&second), 200),
            _ => (app.with_key(&format!("parlor_wrong-{i}")), 401),
        })
        .collect();
    let statuses = futures_util::future::join_all(
        callers
            .iter()
            .map(|(caller, _)| async move { caller.get("/v1/clients").await.status }),
    )
    .await;
    let expected: Vec<u16> = callers.iter().map(|(_, status)| *status).collect();
    assert_eq!(statuses, expected);
}

#[tokio::test]
async fn session_cookies_that_arrive_together_are_each_checked_for_themselves() {
    // Cookies of concurrent requests are looked up together, in one query.
    let app = TestApp::spawn().await;
    let owner = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let (staff_id, staff) = app.staff(None).await;
    let client = app.create_client("Cora", None).await;
    let client_id = client["id"].as_str().unwrap().to_string();
    let client = app.client_session(&client).await;
    let gone = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    assert_eq!(gone.delete("/v1/sessions/current").await.status, 204);

    let callers = [
        (&owner, Some(app.owner_id.as_str())),
        (&staff, Some(staff_id.as_str())),
        (&client, Some(client_id.as_str())),
        (&gone, None),
    ];
    let requests = (0..15).flat_map(|_| callers.iter());
    let answers = futures_util::future::join_all(
        requests
            .clone()
            .map(|(caller, _)| caller.get("/v1/sessions/current")),
    )
    .await;
    for ((_, expected), answer) in requests.zip(answers) {
        match expected {
            Some(user_id) => {
                assert_eq!(answer.status, 200, "{}", answer.body);
                assert_eq!(answer.body["userId"], *user_id);
            }
            None => answer.assert_error(401, "a signed-out session"),
        }
    }
}

#[tokio::test]
async fn a_session_acts_with_its_users_rights_as_they_are_now() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let ann_id = ann["id"].as_str().unwrap().to_string();
    let channel = format!(
        "/v1/message-channels/{}",
        app.individual_channel(&ann_id).await
    );
    let (staff_id, staff) = app.staff(None).await;
    assert_eq!(staff.get(&channel).await.status, 200);

    // Limited to no company: the same session no longer sees Ann's channel.
    let limited = app
        .admin
        .patch(
            &format!("/v1/internal-users/{staff_id}"),
            json!({ "isClientAccessLimited": true, "companyAccessList": [] }),
        )
        .await;
    assert_eq!(limited.status, 200, "{}", limited.body);
    staff
        .get(&channel)
        .await
        .assert_error(404, "staff limited since signing in");

    // A removed user's session ends with them.
    let client = app.client_session(&ann).await;
    assert_eq!(client.get("/v1/sessions/current").await.status, 200);
    assert!(
        app.admin
            .delete(&format!("/v1/clients/{ann_id}"))
            .await
            .status
            < 300
    );
    client
        .get("/v1/sessions/current")
        .await
        .assert_error(401, "a deleted client's session");
    assert!(
        app.admin
            .delete(&format!("/v1/internal-users/{staff_id}"))
            .await
            .status
            < 300
    );
    staff
        .get("/v1/sessions/current")
        .await
        .assert_error(401, "a deleted staff member's session");
}

#[tokio::test]
async fn first_run_setup_works_once_with_the_printed_link() {
    // A server with no workspace prints a setup link.
    let dir = tempfile::tempdir().unwrap();
    let storage = parlor::cli::StorageArgs {
        data_dir: dir.path().to_path_buf(),
        database_url: None,
        database_url_file: None,
        secret_key_file: None,
    };
    let config =
        parlor::config::Config::new("127.0.0.1:0".parse().unwrap(), &storage, None).unwrap();
    let server = parlor::startup::Application::build(config).await.unwrap();
    let url = server
        .setup_url
        .clone()
        .expect("a fresh server prints a setup link");
    let base = format!("http://{}", server.local_addr());
    let token = url.rsplit_once("/setup/").unwrap().1.to_string();
    tokio::spawn(server.run_until(std::future::pending()));
    let http = reqwest::Client::new();
    let setup = |token: String| {
        let http = http.clone();
        let base = base.clone();
        async move {
            http.post(format!("{base}/v1/setup"))
                .json(&json!({ "token": token, "workspaceName": "Acme Accounting", "email": "boss@example.com", "password": PASSWORD }))
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(
        setup("wrong".into()).await.status(),
        403,
        "a wrong setup token is refused"
    );
    let first = setup(token.clone()).await;
    assert_eq!(first.status(), 200);
    assert!(
        first.headers().get("set-cookie").is_some(),
        "setup signs the new admin in"
    );
    assert_eq!(setup(token).await.status(), 403, "the link works once");
}
