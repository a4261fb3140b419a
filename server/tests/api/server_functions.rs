//! Every door of the web app against every kind of caller: one row per
//! server function the server registers, with the status each role gets.
//! A server function without a row fails the test. The rows aim at what the
//! REST rows of `doors.rs` aim at: Ann's channel and messages, Acme.

use std::collections::BTreeMap;

use serde_json::json;

use crate::door_fixture::Fixture;
use crate::helpers::{Caller, Response, TestApp, OWNER_EMAIL};

/// A 200 answer of nothing (`null`): done, or for `open_conversation`, no
/// such conversation for this caller, the same whether it exists or not.
const NOTHING: u16 = 204;

//  admin key, admin session, staff full, staff Acme, staff Globex, Ann, Bob, Cat (Acme and Globex), nobody
const SIGNED_IN: [u16; 9] = [200, 200, 200, 200, 200, 200, 200, 200, 401];
const ACME_READERS: [u16; 9] = [200, 200, 200, 200, 404, 200, 404, 404, 401];
const ACME_READERS_DONE: [u16; 9] = [
    NOTHING, NOTHING, NOTHING, NOTHING, 404, NOTHING, 404, 404, 401,
];
/// Ann's notices: hers, and admins'.
const ANNS_OWN: [u16; 9] = [NOTHING, NOTHING, 404, 404, 404, NOTHING, 404, 404, 401];
const ACME_STAFF: [u16; 9] = [200, 200, 200, 200, 404, 403, 403, 403, 401];
/// The owner's own scheduled message: nobody else's to touch.
const OWNERS_OWN_DONE: [u16; 9] = [NOTHING, NOTHING, 404, 404, 404, 404, 404, 404, 401];
const ACME_STAFF_DONE: [u16; 9] = [NOTHING, NOTHING, NOTHING, NOTHING, 404, 403, 403, 403, 401];
/// Staff whose client access is not limited to some companies.
const UNLIMITED_STAFF: [u16; 9] = [200, 200, 200, 403, 403, 403, 403, 403, 401];
const STAFF: [u16; 9] = [200, 200, 200, 200, 200, 403, 403, 403, 401];
/// Admins signed in: API keys may not manage keys.
const ADMIN_SESSIONS: [u16; 9] = [403, 200, 403, 403, 403, 403, 403, 403, 401];
const ADMINS: [u16; 9] = [200, 200, 403, 403, 403, 403, 403, 403, 401];
const ADMINS_DONE: [u16; 9] = [NOTHING, NOTHING, 403, 403, 403, 403, 403, 403, 401];
/// Open to anyone, and refused for a forged token or a wrong password.
const NOBODY_GETS_IN: [u16; 9] = [404, 404, 404, 404, 404, 404, 404, 404, 404];

/// The arguments of one call of `function`, form-encoded as the app sends
/// them.
async fn arguments(f: &Fixture, function: &str) -> Vec<(String, String)> {
    let pairs: Vec<(&str, String)> = match function {
        "sign_in" => vec![
            ("email", OWNER_EMAIL.into()),
            ("password", "wrong password".into()),
        ],
        "read_invitation" => vec![("token", "forged".into())],
        "accept_invitation" => {
            vec![
                ("token", "forged".into()),
                ("password", "long enough pw".into()),
            ]
        }
        "set_up" => vec![
            ("token", "forged".into()),
            ("setup[workspaceName]", "W".into()),
            ("setup[givenName]", "G".into()),
            ("setup[familyName]", "F".into()),
            ("setup[email]", "g@example.com".into()),
            ("setup[password]", "long enough pw".into()),
        ],
        "search_messages" => vec![("query[q]", "terms".into())],
        "open_conversation" | "mark_read" | "mark_unread" => {
            vec![("channel_id", f.ann_channel.clone())]
        }
        "assign_conversation" => vec![
            ("channel_id", f.ann_channel.clone()),
            ("assignee_id", String::new()),
        ],
        "set_conversation_state" => vec![
            ("channel_id", f.ann_channel.clone()),
            ("state", "waiting".into()),
        ],
        "snooze_conversation" => vec![
            ("channel_id", f.ann_channel.clone()),
            ("minutes", "60".into()),
        ],
        "list_scheduled" => vec![("channel_id", f.ann_channel.clone())],
        "schedule_message" => vec![
            ("channel_id", f.ann_channel.clone()),
            ("text", "Later".into()),
            (
                "scheduled_at",
                crate::helpers::moment_in(std::time::Duration::from_secs(3600)),
            ),
            ("time_zone", "Europe/Paris".into()),
        ],
        "cancel_scheduled" => {
            let made = f
                .app
                .admin
                .post(
                    "/v1/scheduled-messages",
                    json!({ "channelId": f.ann_channel, "text": "Later", "scheduledAt": crate::helpers::moment_in(std::time::Duration::from_secs(3600)) }),
                )
                .await;
            vec![("id", made.id())]
        }
        "load_audit_log" => vec![
            ("action", "settings.updated".into()),
            ("actor_id", String::new()),
            ("next_token", String::new()),
        ],
        "older_messages" => vec![
            ("channel_id", f.ann_channel.clone()),
            ("next_token", String::new()),
        ],
        "send_message" => vec![
            ("channel_id", f.ann_channel.clone()),
            ("text", "hello".into()),
            ("idempotency_key", uuid::Uuid::new_v4().to_string()),
        ],
        "mark_notice" => vec![("id", f.notification.clone()), ("read", "true".into())],
        "delete_notice" => vec![("id", f.fresh_notification().await)],
        "save_email_preferences" => vec![("preferences[unreadMessages]", "digest".into())],
        "edit_message" => vec![
            ("message_id", f.message.clone()),
            ("text", "Your terms".into()),
        ],
        "delete_message" => {
            let sent = f.app.admin.send_message(&f.ann_channel, "to delete").await;
            vec![("message_id", sent.id())]
        }
        "read_message" | "message_versions" => vec![("message_id", f.message.clone())],
        "react" => vec![
            ("message_id", f.message.clone()),
            ("emoji", "👍".into()),
            ("on", "true".into()),
        ],
        "add_client" => vec![
            ("client[givenName]", "C".into()),
            ("client[familyName]", "D".into()),
            (
                "client[email]",
                format!("c.{}@example.com", uuid::Uuid::new_v4().simple()),
            ),
            ("client[companyId]", f.acme.clone()),
        ],
        "load_client_channels" => vec![("client_id", f.ann_id().to_string())],
        "start_conversation" => vec![
            ("client_ids[0]", f.ann_id().to_string()),
            ("client_ids[1]", f.fresh_client().await),
        ],
        "send_mass_message" => vec![
            ("client_ids[0]", f.ann_id().to_string()),
            ("text", "Tax season".into()),
        ],
        "save_settings" => vec![
            ("settings[defaultChannelType]", "individual".into()),
            ("settings[welcomeMessage]", "Welcome".into()),
            // Roomy: the rows after this one must not run into it.
            ("settings[personFileQuotaBytes]", (1u64 << 30).to_string()),
            (
                "settings[workspaceFileQuotaBytes]",
                (1u64 << 40).to_string(),
            ),
        ],
        "preview_welcome" => vec![("template", "Hello {{client.givenName}}".into())],
        "change_password" => vec![
            ("current_password", "not the password".into()),
            ("new_password", "a new long password".into()),
        ],
        "create_api_key" => vec![
            (
                "key[name]",
                format!("Key {}", uuid::Uuid::new_v4().simple()),
            ),
            ("key[readOnly]", "false".into()),
            ("key[sendAsOthers]", "false".into()),
        ],
        "revoke_api_key" => {
            let name = format!("Key {}", uuid::Uuid::new_v4().simple());
            let made = f.roles[1]
                .1
                .post("/v1/api-keys", json!({ "name": name }))
                .await;
            vec![("id", made.id())]
        }
        "forgot_password" => vec![("email", "nobody@example.com".into())],
        "invite_client" => vec![("client_id", f.fresh_client().await)],
        "update_client" => vec![
            ("client_id", f.fresh_client().await),
            ("client[givenName]", "Eve".into()),
            ("client[familyName]", "Moved".into()),
            ("client[companyIds][0]", f.acme.clone()),
        ],
        "delete_client" => vec![("client_id", f.fresh_client().await)],
        "legal_hold" => {
            // Held, so that those who may read it get it.
            let path = format!("/v1/clients/{}/legal-hold", f.ann_id());
            f.app.admin.put(&path, json!({})).await;
            vec![("client_id", f.ann_id().to_string())]
        }
        "set_legal_hold" => vec![
            ("client_id", f.ann_id().to_string()),
            ("held", "true".into()),
        ],
        "load_company" | "open_company_conversation" => vec![("company_id", f.acme.clone())],
        "create_company" => vec![(
            "company[name]",
            format!("Firm {}", uuid::Uuid::new_v4().simple()),
        )],
        "update_company" => vec![
            ("company_id", f.acme.clone()),
            ("company[name]", "Acme".into()),
            (
                "company[iconImageUrl]",
                "https://example.com/acme.png".into(),
            ),
        ],
        "delete_company" => {
            let name = format!("Gone {}", uuid::Uuid::new_v4().simple());
            vec![("company_id", f.app.create_company(&name).await)]
        }
        "read_password_reset" => vec![("token", "forged".into())],
        "invite_team_member" => vec![
            ("invite[givenName]", "Tia".into()),
            ("invite[familyName]", "Team".into()),
            ("invite[email]", fresh_email("team")),
            ("invite[role]", "staff".into()),
            ("invite[isClientAccessLimited]", "true".into()),
            ("invite[companyIds][0]", f.acme.clone()),
        ],
        "change_team_access" => vec![
            ("id", fresh_member(f).await),
            ("access[role]", "staff".into()),
            ("access[isClientAccessLimited]", "true".into()),
            ("access[companyIds][0]", f.acme.clone()),
        ],
        "remove_team_member" | "resend_team_invitation" => vec![("id", fresh_member(f).await)],
        "save_brand" => vec![
            ("brand[brandName]", "Parlor".into()),
            ("brand[brandColor]", "#2f4ac0".into()),
            ("brand[logoImageUrl]", String::new()),
        ],
        "save_email_sender" => vec![
            ("sender[emailSenderName]", String::new()),
            ("sender[emailReplyTo]", "office@example.com".into()),
        ],
        "save_profile" => vec![("profile[avatarImageUrl]", String::new())],
        "add_webhook" => vec![
            ("webhook[url]", "http://127.0.0.1:9/hook".into()),
            ("webhook[eventTypes][0]", "client.deleted".into()),
        ],
        "send_webhook_test" | "rotate_webhook_secret" | "remove_webhook" => {
            vec![("id", fresh_webhook(f).await)]
        }
        "set_webhook_enabled" => vec![("id", fresh_webhook(f).await), ("enabled", "false".into())],
        "save_saved_reply" => vec![
            (
                "reply[title]",
                format!("Reply {}", uuid::Uuid::new_v4().simple()),
            ),
            ("reply[text]", "Hi {{client.givenName}}".into()),
        ],
        "remove_saved_reply" => vec![("id", fresh_saved_reply(f).await)],
        "insert_saved_reply" => vec![
            ("id", fresh_saved_reply(f).await),
            ("channel_id", f.ann_channel.clone()),
        ],
        "reset_password" => vec![
            ("token", "forged".into()),
            ("password", "long enough pw".into()),
        ],
        _ => vec![],
    };
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn fresh_email(kind: &str) -> String {
    format!("{kind}.{}@example.com", uuid::Uuid::new_v4().simple())
}

/// A webhook made for one row, pointing at loopback's discard port.
async fn fresh_webhook(f: &Fixture) -> String {
    f.app
        .admin
        .post(
            "/v1/webhooks",
            json!({ "url": "http://127.0.0.1:9/hook", "eventTypes": ["client.deleted"] }),
        )
        .await
        .id()
}

/// A shared saved reply made for one row.
async fn fresh_saved_reply(f: &Fixture) -> String {
    f.app
        .admin
        .post(
            "/v1/saved-replies",
            json!({
                "title": format!("Shared {}", uuid::Uuid::new_v4().simple()),
                "text": "Hi {{client.givenName}}", "isShared": true,
            }),
        )
        .await
        .id()
}

/// A team member invited for one row, who has not accepted yet.
async fn fresh_member(f: &Fixture) -> String {
    let made = f
        .app
        .admin
        .post(
            "/v1/internal-users",
            json!({
                "givenName": "Fay", "familyName": "Fresh", "email": fresh_email("fresh"),
                "role": "staff",
            }),
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    made.id()
}

/// The status each role gets from each server function.
fn decided() -> BTreeMap<&'static str, [u16; 9]> {
    BTreeMap::from([
        (
            "change_password",
            [400, 403, 403, 403, 403, 403, 403, 403, 401],
        ),
        ("create_api_key", ADMIN_SESSIONS),
        ("load_api_keys", ADMIN_SESSIONS),
        (
            "revoke_api_key",
            [403, NOTHING, 403, 403, 403, 403, 403, 403, 401],
        ),
        ("forgot_password", [NOTHING; 9]),
        (
            "invite_client",
            [200, 200, 200, 200, 404, 403, 403, 403, 401],
        ),
        ("read_password_reset", NOBODY_GETS_IN),
        ("reset_password", NOBODY_GETS_IN),
        (
            "current_session",
            [200, 200, 200, 200, 200, 200, 200, 200, NOTHING],
        ),
        ("sign_in", [401; 9]),
        ("read_invitation", NOBODY_GETS_IN),
        ("accept_invitation", NOBODY_GETS_IN),
        ("set_up", [403; 9]),
        ("sign_out", [NOTHING; 9]),
        ("list_channels", SIGNED_IN),
        (
            "open_conversation",
            [200, 200, 200, 200, NOTHING, 200, NOTHING, NOTHING, 401],
        ),
        ("older_messages", ACME_READERS),
        // What each finds is `tests/api/search.rs`'s.
        ("search_messages", SIGNED_IN),
        ("send_message", ACME_READERS),
        ("mark_read", ACME_READERS_DONE),
        ("mark_unread", ACME_READERS_DONE),
        ("assign_conversation", ACME_STAFF_DONE),
        ("list_scheduled", SIGNED_IN),
        ("schedule_message", ACME_READERS),
        ("cancel_scheduled", OWNERS_OWN_DONE),
        ("set_conversation_state", ACME_STAFF_DONE),
        ("snooze_conversation", ACME_STAFF_DONE),
        ("load_client_activity", STAFF),
        ("load_notices", SIGNED_IN),
        ("mark_notice", ANNS_OWN),
        ("delete_notice", ANNS_OWN),
        ("load_email_preferences", SIGNED_IN),
        ("save_email_preferences", SIGNED_IN),
        (
            "edit_message",
            [200, 200, 403, 403, 404, 403, 404, 404, 401],
        ),
        (
            "delete_message",
            [200, 200, 403, 403, 404, 403, 404, 404, 401],
        ),
        ("read_message", ACME_READERS),
        ("message_versions", ACME_STAFF),
        ("react", ACME_READERS),
        ("load_directory", STAFF),
        ("add_client", [200, 200, 200, 200, 422, 403, 403, 403, 401]),
        ("load_client_channels", ACME_STAFF),
        (
            "update_client",
            [200, 200, 200, 200, 404, 403, 403, 403, 401],
        ),
        (
            "delete_client",
            [NOTHING, NOTHING, NOTHING, NOTHING, 404, 403, 403, 403, 401],
        ),
        ("legal_hold", ADMINS),
        ("set_legal_hold", ADMINS),
        ("load_company", ACME_STAFF),
        ("create_company", UNLIMITED_STAFF),
        ("update_company", ACME_STAFF),
        (
            "delete_company",
            [NOTHING, NOTHING, NOTHING, 403, 403, 403, 403, 403, 401],
        ),
        ("open_company_conversation", ACME_STAFF),
        (
            "start_conversation",
            [200, 200, 200, 200, 404, 403, 403, 403, 401],
        ),
        (
            "send_mass_message",
            [200, 200, 200, 200, 422, 403, 403, 403, 401],
        ),
        ("load_settings", STAFF),
        ("save_settings", ADMINS),
        ("preview_welcome", ADMINS),
        ("load_team", STAFF),
        ("invite_team_member", ADMINS),
        ("change_team_access", ADMINS),
        ("remove_team_member", ADMINS_DONE),
        ("resend_team_invitation", ADMINS_DONE),
        ("load_workspace_settings", ADMINS),
        ("save_brand", ADMINS),
        ("save_email_sender", ADMINS),
        ("load_account", SIGNED_IN),
        ("save_profile", SIGNED_IN),
        ("load_webhooks", ADMINS),
        ("load_audit_log", ADMINS),
        ("add_webhook", ADMINS),
        ("send_webhook_test", ADMINS),
        ("set_webhook_enabled", ADMINS),
        ("rotate_webhook_secret", ADMINS),
        ("remove_webhook", ADMINS_DONE),
        ("load_saved_replies", STAFF),
        ("save_saved_reply", STAFF),
        ("remove_saved_reply", ADMINS_DONE),
        ("insert_saved_reply", ACME_STAFF),
        // An API key has no session to keep.
        (
            "sign_out_everywhere",
            [403, 200, 200, 200, 200, 200, 200, 200, 401],
        ),
    ])
}

/// The server functions the server answers, by name, with their paths.
pub fn registered() -> BTreeMap<String, String> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| {
            let name = path
                .rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(|c: char| c.is_ascii_digit());
            (name.to_string(), path.to_string())
        })
        .collect()
}

/// Calls a server function as a page of this server does.
async fn call(
    f: &Fixture,
    caller: &Caller,
    path: &str,
    arguments: &[(String, String)],
) -> Response {
    let mut request = caller
        .request(reqwest::Method::POST, path)
        .header("origin", &f.app.base)
        .form(arguments);
    if let Some(cookie) = &caller.cookie {
        request = request.header("cookie", cookie);
    }
    let mut response = caller.send(request).await;
    if response.status == 200 && response.body.is_null() {
        response.status = NOTHING;
    }
    response
}

#[tokio::test]
async fn every_server_function_answers_each_role_as_decided() {
    let f = Fixture::build().await;
    let registered = registered();
    let decided = decided();
    assert_eq!(
        registered.keys().map(String::as_str).collect::<Vec<_>>(),
        decided.keys().copied().collect::<Vec<_>>(),
        "every server function has exactly one row here"
    );

    let mut wrong = Vec::new();
    // Signing out ends the sessions the other rows use: it goes last, and
    // signing out everywhere just before it.
    const LAST: [&str; 2] = ["sign_out_everywhere", "sign_out"];
    let order = decided
        .iter()
        .filter(|(name, _)| !LAST.contains(name))
        .chain(LAST.iter().map(|name| (name, &decided[name])));
    for (name, expected) in order {
        let path = &registered[*name];
        for ((role, caller), expected) in f.roles.iter().zip(expected) {
            let arguments = arguments(&f, name).await;
            let response = call(&f, caller, path, &arguments).await;
            if response.status != *expected {
                wrong.push(format!(
                    "{name} as {role}: {} (expected {expected}): {}",
                    response.status, response.body
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn a_call_the_server_cannot_decode_is_a_bad_request_not_a_fault() {
    let f = Fixture::build().await;
    let registered = registered();
    let (_, admin) = &f.roles[1];
    for (name, arguments) in [
        (
            "send_message",
            vec![("channel_id".to_string(), f.ann_channel.clone())],
        ),
        (
            "save_settings",
            vec![("settings".to_string(), "individual".to_string())],
        ),
        (
            "mark_notice",
            vec![
                ("id".to_string(), f.notification.clone()),
                ("read".to_string(), "maybe".to_string()),
            ],
        ),
    ] {
        let response = call(&f, admin, &registered[name], &arguments).await;
        assert_eq!(
            response.status, 400,
            "{name} with {arguments:?}: {}",
            response.body
        );
    }
}

/// The upload quotas as the API reads them: per person, per workspace.
async fn quotas(app: &TestApp) -> (serde_json::Value, serde_json::Value) {
    let rest = app.admin.get("/v1/settings/messaging").await;
    (
        rest.body["personFileQuotaBytes"].clone(),
        rest.body["workspaceFileQuotaBytes"].clone(),
    )
}

#[tokio::test]
async fn admins_set_upload_quotas_on_the_settings_screen_and_nobody_else_can() {
    let f = Fixture::build().await;
    let registered = registered();
    let (save, load) = (&registered["save_settings"], &registered["load_settings"]);
    let settings = |person: Option<u64>, workspace: Option<u64>| {
        let mut form = vec![
            (
                "settings[defaultChannelType]".to_string(),
                "individual".to_string(),
            ),
            (
                "settings[welcomeMessage]".to_string(),
                "Welcome".to_string(),
            ),
        ];
        // The app leaves an empty limit out of the form.
        if let Some(bytes) = person {
            form.push(("settings[personFileQuotaBytes]".into(), bytes.to_string()));
        }
        if let Some(bytes) = workspace {
            form.push((
                "settings[workspaceFileQuotaBytes]".into(),
                bytes.to_string(),
            ));
        }
        form
    };
    let role = |name: &str| &f.roles.iter().find(|(role, _)| *role == name).unwrap().1;
    assert_eq!(
        quotas(&f.app).await,
        (json!(null), json!(null)),
        "no quotas to begin with"
    );

    for (name, caller) in &f.roles[2..] {
        let refused = call(&f, caller, save, &settings(Some(1), Some(1))).await;
        assert!(
            [401, 403].contains(&refused.status),
            "{name} set quotas: {}",
            refused.status
        );
    }
    assert_eq!(
        quotas(&f.app).await,
        (json!(null), json!(null)),
        "staff and clients changed nothing"
    );

    let admin = role("admin session");
    let saved = call(&f, admin, save, &settings(Some(5 << 20), Some(1 << 30))).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["personFileQuotaBytes"], 5 << 20);
    assert_eq!(
        quotas(&f.app).await,
        (json!(5 << 20), json!(1 << 30)),
        "the API sees them"
    );
    let shown = call(&f, admin, load, &[]).await;
    assert_eq!(
        shown.body["personFileQuotaBytes"],
        5 << 20,
        "{}",
        shown.body
    );
    assert_eq!(shown.body["workspaceFileQuotaBytes"], 1 << 30);

    // Emptied on the screen, a limit is gone.
    let cleared = call(&f, admin, save, &settings(None, Some(1 << 30))).await;
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    assert_eq!(quotas(&f.app).await, (json!(null), json!(1 << 30)));
}

#[tokio::test]
async fn a_client_added_with_a_new_company_name_is_put_in_that_company_made_in_the_same_call() {
    let f = Fixture::build().await;
    let registered = registered();
    let add = &registered["add_client"];
    let role = |name: &str| &f.roles.iter().find(|(role, _)| *role == name).unwrap().1;
    let form = |given: &str, email: &str| {
        vec![
            ("client[givenName]".to_string(), given.to_string()),
            ("client[familyName]".to_string(), "Kent".to_string()),
            ("client[email]".to_string(), email.to_string()),
            ("client[companyIds][0]".to_string(), f.acme.clone()),
            (
                "client[newCompany]".to_string(),
                " Kent Ledgers ".to_string(),
            ),
        ]
    };

    // Limited staff may not make companies: nothing is made.
    let refused = call(
        &f,
        role("staff, limited to Acme"),
        add,
        &form("Kim", "kim@example.com"),
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let listed = f.app.admin.get("/v1/companies?name=Kent%20Ledgers").await;
    assert_eq!(listed.body["data"], json!([]), "{}", listed.body);

    let admin = role("admin session");
    let kim = call(&f, admin, add, &form("Kim", "kim@example.com")).await;
    assert_eq!(kim.status, 200, "{}", kim.body);
    assert_eq!(
        kim.body["companyNames"],
        json!(["Acme", "Kent Ledgers"]),
        "{}",
        kim.body
    );
    // The same name again reuses the company rather than refusing it.
    let lou = call(&f, admin, add, &form("Lou", "lou@example.com")).await;
    assert_eq!(lou.status, 200, "{}", lou.body);
    assert_eq!(lou.body["companyIds"][1], kim.body["companyIds"][1]);
    let listed = f.app.admin.get("/v1/companies?name=Kent%20Ledgers").await;
    assert_eq!(
        listed.body["data"].as_array().unwrap().len(),
        1,
        "{}",
        listed.body
    );

    // A client refused for their own fields leaves no new company behind.
    let invalid = call(
        &f,
        admin,
        add,
        &[
            ("client[givenName]".to_string(), "Max".to_string()),
            ("client[familyName]".to_string(), "Bad".to_string()),
            ("client[email]".to_string(), "not an e-mail".to_string()),
            ("client[newCompany]".to_string(), "Never Made".to_string()),
        ],
    )
    .await;
    assert_eq!(invalid.status, 422, "{}", invalid.body);
    let listed = f.app.admin.get("/v1/companies?name=Never%20Made").await;
    assert_eq!(listed.body["data"], json!([]), "{}", listed.body);
}

/// The invitation link e-mailed to `address`: its token.
async fn emailed_invitation(app: &TestApp, address: &str) -> String {
    let emails = app.emails_to(address).await;
    let body = emails.last().expect("an invitation e-mail");
    let start = body.find("/invite/").expect("an invitation link") + "/invite/".len();
    body[start..]
        .split(|c: char| c.is_whitespace() || c == '>' || c == ')')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_member_invited_on_the_team_page_limited_to_acme_sees_only_acmes_clients() {
    let f = Fixture::build().await;
    let registered = registered();
    let (_, admin) = &f.roles[1];
    let email = fresh_email("limited");
    let invite = vec![
        ("invite[givenName]".to_string(), "Lea".to_string()),
        ("invite[familyName]".to_string(), "Limited".to_string()),
        ("invite[email]".to_string(), email.clone()),
        ("invite[role]".to_string(), "staff".to_string()),
        (
            "invite[isClientAccessLimited]".to_string(),
            "true".to_string(),
        ),
        ("invite[companyIds][0]".to_string(), f.acme.clone()),
    ];
    let invited = call(&f, admin, &registered["invite_team_member"], &invite).await;
    assert_eq!(invited.status, 200, "{}", invited.body);
    assert_eq!(invited.body["status"], "invited");
    assert_eq!(invited.body["companyNames"], json!(["Acme"]));

    let team = call(&f, admin, &registered["load_team"], &[]).await;
    let listed = team.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email.as_str())
        .expect("the invited member is listed");
    assert_eq!(listed["isClientAccessLimited"], true);

    let lea = f
        .app
        .accept_invitation(&emailed_invitation(&f.app, &email).await)
        .await;
    let directory = call(&f, &lea, &registered["load_directory"], &[]).await;
    assert_eq!(directory.status, 200, "{}", directory.body);
    let mut names: Vec<&str> = directory.body["clients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    names.sort();
    // Ann and Cat are of Acme (Cat of Globex too); Bob only of Globex.
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("Ann") || n.starts_with("Cat")),
        "{names:?}"
    );

    let team = call(&f, admin, &registered["load_team"], &[]).await;
    let listed = team.body["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == email.as_str())
        .unwrap();
    assert_eq!(listed["status"], "active", "accepting made them active");
}

#[tokio::test]
async fn sign_out_everywhere_ends_the_other_sessions_and_keeps_this_one() {
    let app = TestApp::spawn().await;
    let registered = registered();
    let here = app.sign_in(OWNER_EMAIL, crate::helpers::PASSWORD).await;
    let elsewhere = app.sign_in(OWNER_EMAIL, crate::helpers::PASSWORD).await;
    let mut request = here
        .request(reqwest::Method::POST, &registered["sign_out_everywhere"])
        .header("origin", &app.base)
        .form(&Vec::<(String, String)>::new());
    if let Some(cookie) = &here.cookie {
        request = request.header("cookie", cookie);
    }
    let ended = here.send(request).await;
    assert_eq!(ended.status, 200, "{}", ended.body);
    assert!(ended.body.as_u64().unwrap() >= 1, "{}", ended.body);
    assert_eq!(
        here.get("/v1/clients").await.status,
        200,
        "this session stays"
    );
    assert_eq!(
        elsewhere.get("/v1/clients").await.status,
        401,
        "the other one ended"
    );
}
