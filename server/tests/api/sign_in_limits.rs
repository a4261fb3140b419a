//! Sign-in throttling: what is counted together, who is believed about the
//! client's address, and that nobody can lock an owner out of their account.

use serde_json::json;

use crate::helpers::{TestApp, OWNER_EMAIL, PASSWORD};

/// A server that trusts the test (on 127.0.0.1) as its reverse proxy, with
/// `per_address` attempts per address and window.
async fn behind_a_proxy(per_address: u32) -> TestApp {
    TestApp::spawn_with(|config| {
        config.sign_in.trusted_proxies = vec!["127.0.0.1/32".parse().unwrap()];
        config.sign_in.throttle.per_address = per_address;
    })
    .await
}

fn unknown_account(i: usize) -> String {
    format!("nobody.{i}@example.com")
}

#[tokio::test]
async fn an_account_is_counted_as_it_is_looked_up() {
    let app = TestApp::spawn().await;
    let limit = app.config.sign_in.throttle.per_account as usize;
    for attempt in 0..limit {
        let response = app
            .anonymous()
            .post(
                "/v1/sessions",
                json!({ "email": " Owner@Example.com ", "password": "guess" }),
            )
            .await;
        response.assert_error(
            401,
            &format!("attempt {attempt} with a padded, capitalised e-mail"),
        );
    }
    let response = app
        .anonymous()
        .post(
            "/v1/sessions",
            json!({ "email": OWNER_EMAIL, "password": "guess" }),
        )
        .await;
    response.assert_error(429, "the plain spelling is the same account");
}

#[tokio::test]
async fn two_ipv6_addresses_in_one_64_share_a_limit() {
    let app = behind_a_proxy(3).await;
    for (i, address) in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:aaaa::3"]
        .into_iter()
        .enumerate()
    {
        app.sign_in_from(address, &unknown_account(i), "guess")
            .await
            .assert_error(401, &format!("{address} is within the limit"));
    }
    app.sign_in_from("2001:db8:1:2:ffff::9", &unknown_account(3), "guess")
        .await
        .assert_error(429, "another address of the same /64");
    app.sign_in_from("2001:db8:1:3::1", &unknown_account(4), "guess")
        .await
        .assert_error(401, "an address of another /64 has its own limit");
}

#[tokio::test]
async fn x_forwarded_for_is_ignored_without_a_trusted_proxy() {
    let app = TestApp::spawn_with(|config| config.sign_in.throttle.per_address = 3).await;
    for i in 0..3 {
        app.sign_in_from(&format!("198.51.100.{i}"), &unknown_account(i), "guess")
            .await
            .assert_error(401, "within the limit");
    }
    app.sign_in_from("198.51.100.99", &unknown_account(3), "guess")
        .await
        .assert_error(
            429,
            "a claimed address does not escape the connection's limit",
        );
}

#[tokio::test]
async fn x_forwarded_for_from_a_trusted_proxy_names_the_client() {
    let app = behind_a_proxy(3).await;
    for i in 0..3 {
        app.sign_in_from("198.51.100.1", &unknown_account(i), "guess")
            .await
            .assert_error(401, "within the limit");
    }
    app.sign_in_from("198.51.100.1", &unknown_account(3), "guess")
        .await
        .assert_error(429, "the named client is over its limit");
    app.sign_in_from("198.51.100.2", &unknown_account(4), "guess")
        .await
        .assert_error(401, "another client behind the same proxy is not");
    app.sign_in_from("198.51.100.1, 198.51.100.3", &unknown_account(5), "guess")
        .await
        .assert_error(
            401,
            "the right-most hop the proxy added is the client, not one the client wrote",
        );
}

#[tokio::test]
async fn the_owner_signs_in_from_their_own_address_while_someone_hammers_their_account() {
    let app = behind_a_proxy(1000).await;
    let home = "198.51.100.7";
    let signed_in = app.sign_in_from(home, OWNER_EMAIL, PASSWORD).await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.body);

    let per_account = app.config.sign_in.throttle.per_account;
    let mut last = None;
    for i in 0..=per_account {
        // The attacker moves between addresses, as a botnet does.
        let attacker = format!("203.0.113.{i}");
        last = Some(app.sign_in_from(&attacker, OWNER_EMAIL, "guess").await);
    }
    last.unwrap()
        .assert_error(429, "guessing at the account from elsewhere is throttled");
    app.sign_in_from("192.0.2.1", OWNER_EMAIL, PASSWORD)
        .await
        .assert_error(429, "a new address shares the strangers' limit");

    let again = app.sign_in_from(home, OWNER_EMAIL, PASSWORD).await;
    assert_eq!(
        again.status, 200,
        "the owner's own address keeps its allowance: {}",
        again.body
    );
}

#[tokio::test]
async fn nodes_sharing_a_database_share_the_limits() {
    let app = TestApp::spawn().await;
    let (second, _stop) = app.second_node().await;
    let nodes = [app.anonymous(), second.without_credentials()];
    let per_account = app.config.sign_in.throttle.per_account as usize;
    for attempt in 0..per_account {
        nodes[attempt % 2]
            .post(
                "/v1/sessions",
                json!({ "email": OWNER_EMAIL, "password": "guess" }),
            )
            .await
            .assert_error(401, &format!("attempt {attempt}, spread over two nodes"));
    }
    for (i, node) in nodes.iter().enumerate() {
        node.post(
            "/v1/sessions",
            json!({ "email": OWNER_EMAIL, "password": "guess" }),
        )
        .await
        .assert_error(
            429,
            &format!("node {i} knows the attempts made on the other"),
        );
    }
}
