//! The workspace's brand and e-mail settings (admins choose them; e-mails
//! carry the sender name and Reply-To), and what everyone signed in may
//! change about themselves: their profile, and their sessions everywhere.

use parlor::auth::tokens;
use parlor::service::account::{self, Profile, UpdateProfile};
use parlor::service::audit::{Place, Source, Via};
use parlor::service::sessions;
use serde_json::{json, Value};

use crate::email::SmtpSink;
use crate::helpers::{Caller, TestApp, OWNER_EMAIL, PASSWORD};

#[tokio::test]
async fn admins_set_the_brand_and_everyone_reads_it_back() {
    let app = TestApp::spawn().await;
    let initial = app.admin.get("/v1/workspaces").await;
    assert_eq!(initial.status, 200, "{}", initial.body);
    assert_eq!(initial.body["brandColor"], "#2F4AC0", "the default accent");
    assert_eq!(initial.body["logoImageUrl"], Value::Null);
    assert_eq!(initial.body["emailSenderName"], Value::Null);
    assert_eq!(initial.body["emailReplyTo"], Value::Null);

    let admin_session = app.sign_in(OWNER_EMAIL, PASSWORD).await;
    let changed = admin_session
        .patch(
            "/v1/workspaces",
            json!({
                "brandColor": "#1a7f5a",
                "logoImageUrl": "https://cdn.example.com/ledger.png",
                "emailSenderName": "Ledger Support",
                "emailReplyTo": " Help@Ledger.example ",
            }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(changed.body["brandColor"], "#1A7F5A", "stored upper-case");
    assert_eq!(changed.body["brandName"], "Ledger & Co", "left out: kept");
    assert_eq!(changed.body["emailReplyTo"], "help@ledger.example");

    let client = app.create_client("Ann", None).await;
    let ann = app.client_session(&client).await;
    let (_, staff) = app.staff(None).await;
    for caller in [&app.admin, &staff, &ann] {
        let read = caller.get("/v1/workspaces").await;
        assert_eq!(read.status, 200, "{}", read.body);
        assert_eq!(read.body["brandColor"], "#1A7F5A");
        assert_eq!(
            read.body["logoImageUrl"],
            "https://cdn.example.com/ledger.png"
        );
        assert_eq!(read.body["emailSenderName"], "Ledger Support");
        assert_eq!(read.body["emailReplyTo"], "help@ledger.example");
    }

    // `null` clears what may be cleared.
    let cleared = app
        .admin
        .patch(
            "/v1/workspaces",
            json!({ "logoImageUrl": null, "emailSenderName": null, "emailReplyTo": null }),
        )
        .await;
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    assert_eq!(cleared.body["logoImageUrl"], Value::Null);
    assert_eq!(cleared.body["emailSenderName"], Value::Null);
    assert_eq!(cleared.body["emailReplyTo"], Value::Null);
    assert_eq!(cleared.body["brandColor"], "#1A7F5A");
}

#[tokio::test]
async fn staff_and_clients_may_not_change_the_brand() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let ann = app.client_session(&client).await;
    let (_, staff) = app.staff(None).await;
    let before = app.admin.get("/v1/workspaces").await.body;
    for (who, caller) in [("staff", &staff), ("client", &ann)] {
        let refused = caller
            .patch(
                "/v1/workspaces",
                json!({ "brandColor": "#000000", "emailSenderName": "Mallory" }),
            )
            .await;
        refused.assert_error(403, who);
    }
    assert_eq!(app.admin.get("/v1/workspaces").await.body, before);
}

#[tokio::test]
async fn bad_brand_settings_get_422_naming_the_field_and_change_nothing() {
    let app = TestApp::spawn().await;
    let set = app
        .admin
        .patch(
            "/v1/workspaces",
            json!({ "brandColor": "#123456", "emailSenderName": "Ledger" }),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    let before = set.body;
    let cases = [
        (
            json!({ "brandColor": "blue" }),
            "brandColor must be a colour like #2F4AC0",
        ),
        (
            json!({ "brandColor": "#12345" }),
            "brandColor must be a colour like #2F4AC0",
        ),
        (
            json!({ "logoImageUrl": "javascript:alert(1)" }),
            "logoImageUrl must be an http(s) URL",
        ),
        (
            json!({ "logoImageUrl": "https://example.com/a\"onerror=x" }),
            "logoImageUrl must be an http(s) URL",
        ),
        (
            json!({ "emailReplyTo": "not an address" }),
            "emailReplyTo is not a valid e-mail address",
        ),
        (
            json!({ "emailSenderName": "" }),
            "emailSenderName must not be empty",
        ),
        (
            json!({ "emailSenderName": "Ledger\r\nBcc: x@example.com" }),
            "emailSenderName must not contain control characters",
        ),
        // One bad field refuses the whole change, good fields included.
        (
            json!({ "brandName": "Renamed", "brandColor": "#000000", "emailReplyTo": "nope" }),
            "emailReplyTo is not a valid e-mail address",
        ),
    ];
    for (body, message) in cases {
        let refused = app.admin.patch("/v1/workspaces", body.clone()).await;
        refused.assert_error(422, &format!("{body}"));
        let said = refused.body["message"].as_str().unwrap_or_default();
        assert!(said.starts_with(message), "{body}: {said}");
        assert_eq!(app.admin.get("/v1/workspaces").await.body, before, "{body}");
    }
}

#[tokio::test]
async fn e_mails_carry_the_sender_name_and_reply_to() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(|config| {
        sink.configure(config);
        config.mail.from = "Parlor <portal@ledger.example>".into();
    })
    .await;

    // By default the sender's name is the brand name, with no Reply-To.
    invite(&app, "Ann").await;
    let first = &sink.wait_for(1).await[0];
    let from = header(first, "From").expect("a From");
    assert_eq!(display_name(&from), "Ledger & Co", "{from}");
    assert!(from.ends_with("<portal@ledger.example>"), "{from}");
    assert_eq!(header(first, "Reply-To"), None, "{first}");

    let set = app
        .admin
        .patch(
            "/v1/workspaces",
            json!({ "emailSenderName": "Ledger Support", "emailReplyTo": "help@ledger.example" }),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    invite(&app, "Bob").await;
    let second = &sink.wait_for(2).await[1];
    assert!(
        second.contains("X-Envelope-To: bob@example.com"),
        "{second}"
    );
    let from = header(second, "From").expect("a From");
    assert_eq!(display_name(&from), "Ledger Support", "{from}");
    assert!(
        from.ends_with("<portal@ledger.example>"),
        "the address stays --mail-from's: {from}"
    );
    assert_eq!(
        header(second, "Reply-To").as_deref(),
        Some("help@ledger.example"),
        "{second}"
    );
}

/// The value of a message's header `name`, if it has one.
fn header(message: &str, name: &str) -> Option<String> {
    let head = message.split("\r\n\r\n").next().unwrap_or(message);
    let prefix = format!("{}:", name.to_lowercase());
    head.lines()
        .find(|line| line.to_lowercase().starts_with(&prefix))
        .map(|line| line[prefix.len()..].trim().to_string())
}

/// The display name of a `From` value, decoded when it came as an RFC 2047
/// encoded word (as names with characters such as `&` do).
fn display_name(mailbox: &str) -> String {
    use base64::Engine;
    let name = mailbox.split('<').next().unwrap_or_default().trim();
    match name
        .strip_prefix("=?utf-8?b?")
        .and_then(|rest| rest.strip_suffix("?="))
    {
        Some(encoded) => String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .expect("base64"),
        )
        .expect("UTF-8"),
        None => name.trim_matches('"').to_string(),
    }
}

async fn invite(app: &TestApp, given_name: &str) {
    let response = app
        .admin
        .post(
            "/v1/clients?sendInvite=true",
            json!({
                "givenName": given_name,
                "familyName": "Client",
                "email": format!("{}@example.com", given_name.to_lowercase()),
            }),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
}

/// The actor behind a signed-in caller's session cookie, and the digest of
/// its token (what the web app's server functions hold).
async fn actor_of(app: &TestApp, caller: &Caller) -> (parlor::auth::Actor, String) {
    let cookie = caller.cookie.as_deref().expect("a session cookie");
    let token = cookie.split_once('=').expect("name=value").1;
    let (actor, _) = sessions::actor_for_session(&app.ctx, token)
        .await
        .expect("session lookup")
        .expect("a live session");
    (actor, tokens::digest(token))
}

#[tokio::test]
async fn everyone_changes_their_own_profile_and_no_one_elses() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let client_id = client["id"].as_str().unwrap().to_string();
    let ann = app.client_session(&client).await;
    let other = app.create_client("Bob", None).await;
    let (staff_id, staff) = app.staff(None).await;

    // A client: their names and picture, no one else's.
    let (actor, _) = actor_of(&app, &ann).await;
    let change = UpdateProfile {
        given_name: Some(" Annie ".into()),
        family_name: Some("Lee".into()),
        avatar_image_url: Some(Some("https://cdn.example.com/annie.png".into())),
    };
    let Profile::Client(updated) = account::update_profile(&app.ctx, &actor, &change)
        .await
        .expect("a client changes their profile")
    else {
        panic!("a client's profile is a client")
    };
    assert_eq!(updated.id, client_id);
    let read = app.admin.get(&format!("/v1/clients/{client_id}")).await;
    assert_eq!(read.body["givenName"], "Annie");
    assert_eq!(read.body["familyName"], "Lee");
    assert_eq!(
        read.body["avatarImageUrl"],
        "https://cdn.example.com/annie.png"
    );
    let untouched = app
        .admin
        .get(&format!("/v1/clients/{}", other["id"].as_str().unwrap()))
        .await;
    assert_eq!(untouched.body["givenName"], "Bob");

    // Removing the picture, names left out stay.
    let removed = UpdateProfile {
        avatar_image_url: Some(None),
        ..UpdateProfile::default()
    };
    account::update_profile(&app.ctx, &actor, &removed)
        .await
        .expect("removing the picture");
    let read = app.admin.get(&format!("/v1/clients/{client_id}")).await;
    assert_eq!(read.body["avatarImageUrl"], Value::Null);
    assert_eq!(read.body["givenName"], "Annie");

    // Staff: their own record.
    let (actor, _) = actor_of(&app, &staff).await;
    let change = UpdateProfile {
        given_name: Some("Samantha".into()),
        ..UpdateProfile::default()
    };
    let Profile::InternalUser(updated) = account::update_profile(&app.ctx, &actor, &change)
        .await
        .expect("staff change their profile")
    else {
        panic!("a staff member's profile is an internal user")
    };
    assert_eq!(updated.id, staff_id);
    let read = app
        .admin
        .get(&format!("/v1/internal-users/{staff_id}"))
        .await;
    assert_eq!(read.body["givenName"], "Samantha");
    assert_eq!(read.body["familyName"], "Staff");
    let owner = app
        .admin
        .get(&format!("/v1/internal-users/{}", app.owner_id))
        .await;
    assert_eq!(owner.body["givenName"], "Olivia");

    // Bad values: 422 naming the field, and nothing changes.
    let bad = [
        (
            UpdateProfile {
                given_name: Some("Ok".into()),
                family_name: Some("   ".into()),
                ..UpdateProfile::default()
            },
            "familyName must not be empty",
        ),
        (
            UpdateProfile {
                given_name: Some("Ok".into()),
                avatar_image_url: Some(Some("file:///etc/passwd".into())),
                ..UpdateProfile::default()
            },
            "avatarImageUrl must be an http(s) URL",
        ),
    ];
    for (change, message) in bad {
        let err = account::update_profile(&app.ctx, &actor, &change)
            .await
            .expect_err("refused");
        assert_eq!(err.status().as_u16(), 422, "{err}");
        assert!(err.to_string().starts_with(message), "{err}");
    }
    let read = app
        .admin
        .get(&format!("/v1/internal-users/{staff_id}"))
        .await;
    assert_eq!(read.body["givenName"], "Samantha");
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_other_session_and_its_sockets() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let here = app.client_session(&client).await;
    let email = client["email"].as_str().unwrap();
    let elsewhere = app.sign_in(email, PASSWORD).await;
    let (mut kept, _) = here.ready_socket(None).await;
    let (mut ended, _) = elsewhere.ready_socket(None).await;
    // Someone else's session is not theirs to end.
    let owner = app.sign_in(OWNER_EMAIL, PASSWORD).await;

    let (actor, digest) = actor_of(&app, &here).await;
    let from_her_browser = Place::request(Via::Web, [127, 0, 0, 1].into(), None);
    let source = Source::anonymous(from_her_browser).now_as(&actor);
    let count = sessions::end_all(&app.ctx, &actor, Some(&digest), &source)
        .await
        .expect("signs out elsewhere");
    assert_eq!(count, 1, "the other session of Ann's");
    assert_eq!(elsewhere.get("/v1/sessions/current").await.status, 401);
    assert_eq!(here.get("/v1/sessions/current").await.status, 200);
    assert_eq!(owner.get("/v1/sessions/current").await.status, 200);
    let (code, reason) = ended.closed().await;
    assert_eq!(code, 4001, "{reason}");
    kept.send_json(json!({ "type": "ping" })).await;
    let pong = kept.next_where(|f| f["type"] == "pong").await;
    assert_eq!(pong["type"], "pong", "the session kept keeps its socket");

    // Without a session to keep, every one ends, this one's socket too.
    let count = sessions::end_all(&app.ctx, &actor, None, &source)
        .await
        .expect("signs out everywhere");
    assert_eq!(count, 1);
    assert_eq!(here.get("/v1/sessions/current").await.status, 401);
    let (code, reason) = kept.closed().await;
    assert_eq!(code, 4001, "{reason}");
    assert_eq!(owner.get("/v1/sessions/current").await.status, 200);
}
