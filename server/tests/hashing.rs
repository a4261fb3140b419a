//! Password hashing runs through one bounded pool per process. These tests
//! count and fill that pool, which tests running beside them would disturb,
//! so they have a binary of their own and take turns.
//!
//! Runs on SQLite, or on a fresh PostgreSQL database when
//! PARLOR_TEST_DATABASE_URL is set.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;
#[path = "support/postgres.rs"]
mod postgres;
#[allow(dead_code)]
#[path = "api/s3.rs"]
mod s3;

use futures_util::future::join_all;
use parlor::auth::password;
use parlor::config::HashLimits;
use serde_json::json;

use helpers::{invite_token, TestApp, PASSWORD};

/// Every server of this binary asks for this pool; the first one sizes it.
const POOL: HashLimits = HashLimits {
    workers: 1,
    queue: 4,
};

/// One test at a time: each reads the pool's counters.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn spawn() -> TestApp {
    TestApp::spawn_with(|config| config.sign_in.hashing = POOL).await
}

#[tokio::test]
async fn a_flood_of_invitation_acceptances_with_bad_tokens_hashes_nothing() {
    let _turn = TURN.lock().await;
    let app = spawn().await;
    let client = app.create_client("Ivy", None).await;
    let token = invite_token(&client);
    let forged: Vec<String> = (0..50)
        .map(|i| match i % 3 {
            0 => format!("not-a-token-{i}"),
            1 => format!("{}{i}", &token[..token.len() - 2]),
            _ => token.replacen(
                client["id"].as_str().unwrap(),
                &uuid::Uuid::new_v4().to_string(),
                1,
            ),
        })
        .collect();

    let before = password::stats();
    let caller = app.anonymous();
    let answers = join_all(forged.iter().map(|token| {
        let caller = caller.clone();
        async move {
            caller
                .post(
                    &format!("/v1/invitations/{token}/accept"),
                    json!({ "password": PASSWORD }),
                )
                .await
        }
    }))
    .await;
    for (token, answer) in forged.iter().zip(answers) {
        answer.assert_error(404, &format!("forged token {token}"));
    }
    assert_eq!(
        password::stats().started,
        before.started,
        "no password was hashed for a bad token"
    );

    let accepted = app
        .anonymous()
        .post(
            &format!("/v1/invitations/{token}/accept"),
            json!({ "password": PASSWORD }),
        )
        .await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    assert_eq!(
        password::stats().started,
        before.started + 1,
        "the genuine link hashes its password (so the count above means something)"
    );
}

#[tokio::test]
async fn a_flood_of_sign_ins_is_queued_or_refused_never_run_at_once() {
    let _turn = TURN.lock().await;
    let app = spawn().await;
    let flood = 50;
    let before = password::stats();
    let held = password::hold_every_worker().await;
    let attempts = (0..flood).map(|i| {
        let caller = app.anonymous();
        tokio::spawn(async move {
            caller
                .post(
                    "/v1/sessions",
                    json!({ "email": format!("nobody.{i}@example.com"), "password": "a guess at it" }),
                )
                .await
        })
    });
    let attempts: Vec<_> = attempts.collect();
    // With every worker held, the queue fills and the rest is refused.
    let expect_refused = (flood - POOL.workers - POOL.queue) as u64;
    tokio::time::timeout(std::time::Duration::from_secs(60), async {
        loop {
            let now = password::stats();
            if now.waiting == POOL.workers + POOL.queue
                && now.refused - before.refused == expect_refused
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the flood reaches the pool");
    drop(held);

    let mut statuses = Vec::new();
    for attempt in attempts {
        let answer = attempt.await.unwrap();
        if answer.status == 503 {
            answer.assert_error(503, "a sign-in beyond the queue");
            assert!(
                answer.headers.get("retry-after").is_some(),
                "a refusal says when to retry"
            );
        }
        statuses.push(answer.status);
    }
    let count = |status| statuses.iter().filter(|s| **s == status).count();
    assert_eq!(
        (count(401), count(503)),
        (POOL.workers + POOL.queue, flood - POOL.workers - POOL.queue),
        "the queued attempts are answered, the rest refused: {statuses:?}"
    );
    assert!(
        password::stats().peak_running <= POOL.workers,
        "never more hashes at once than workers: {:?}",
        password::stats()
    );
}

#[tokio::test]
async fn an_over_long_email_or_password_is_refused_before_it_is_checked() {
    let _turn = TURN.lock().await;
    let app = spawn().await;
    let before = password::stats();
    let long_email = format!("{}@example.com", "a".repeat(300));
    for (email, password, what) in [
        (
            long_email.as_str(),
            PASSWORD.to_string(),
            "an over-long e-mail",
        ),
        (
            helpers::OWNER_EMAIL,
            "p".repeat(100_000),
            "an over-long password",
        ),
    ] {
        app.anonymous()
            .post(
                "/v1/sessions",
                json!({ "email": email, "password": password }),
            )
            .await
            .assert_error(422, what);
    }
    assert_eq!(
        password::stats().started,
        before.started,
        "nothing was hashed for them"
    );
}

#[tokio::test]
async fn first_run_setup_hashes_nothing_once_it_is_no_longer_allowed() {
    let _turn = TURN.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let storage = parlor::cli::StorageArgs {
        data_dir: dir.path().to_path_buf(),
        database_url: None,
        database_url_file: None,
        secret_key_file: None,
    };
    let mut config =
        parlor::config::Config::new("127.0.0.1:0".parse().unwrap(), &storage, None).unwrap();
    config.sign_in.hashing = POOL;
    let server = parlor::startup::Application::build(config).await.unwrap();
    let url = server
        .setup_url
        .clone()
        .expect("a fresh server prints a setup link");
    let token = url.rsplit_once("/setup/").unwrap().1.to_string();
    let base = format!("http://{}", server.local_addr());
    let ctx = server.context().clone();
    tokio::spawn(server.run_until(std::future::pending()));
    // Someone sets the server up from the command line meanwhile.
    parlor::service::workspace::initialise(
        &ctx,
        &parlor::service::workspace::SetupRequest {
            workspace_name: "Acme Accounting".into(),
            email: "boss@example.com".into(),
            password: PASSWORD.into(),
            given_name: "Bo".into(),
            family_name: "Boss".into(),
        },
    )
    .await
    .unwrap();

    let before = password::stats();
    let http = reqwest::Client::new();
    for (token, status, what) in [
        ("wrong", 403, "a wrong setup token"),
        (
            token.as_str(),
            409,
            "the printed link once a workspace exists",
        ),
    ] {
        let answer = http
            .post(format!("{base}/v1/setup"))
            .json(&json!({ "token": token, "workspaceName": "Mallory & Co", "email": "mallory@example.com", "password": PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), status, "{what}");
    }
    assert_eq!(
        password::stats().started,
        before.started,
        "nothing was hashed for a setup that could not happen"
    );
}
