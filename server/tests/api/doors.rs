//! Every door of the REST API against every kind of caller: one row per
//! operation of the OpenAPI document the server serves, with the status each
//! role gets. A new operation without a row fails the test, so no door opens
//! without someone deciding who may come through it.
//!
//! Each row aims at something of Acme (Ann's channel, her messages and
//! files, Acme itself); rows that delete make a fresh target for each caller.

use std::future::Future;
use std::pin::Pin;

use serde_json::json;

use crate::door_fixture::Fixture;
use crate::helpers::{Caller, Response, Socket, TestApp, OWNER_EMAIL};

type Call = for<'a> fn(&'a Fixture, &'a Caller) -> Pin<Box<dyn Future<Output = Response> + 'a>>;

/// One operation, the status each of `ROLES` gets, and how to call it.
struct Door {
    operation: &'static str,
    expected: [u16; 9],
    call: Call,
}

macro_rules! door {
    ($operation:literal, $expected:expr, |$f:ident, $c:ident| $body:expr) => {
        Door {
            operation: $operation,
            expected: $expected,
            call: |$f, $c| Box::pin(async move { $body }),
        }
    };
}

//                                admin key, admin session, staff full, staff Acme, staff Globex, Ann, Bob, Cat, nobody
const EVERYONE: [u16; 9] = [200, 200, 200, 200, 200, 200, 200, 200, 401];
const ACME_READERS: [u16; 9] = [200, 200, 200, 200, 404, 200, 404, 404, 401];
const ACME_STAFF: [u16; 9] = [200, 200, 200, 200, 404, 403, 403, 403, 401];
const STAFF: [u16; 9] = [200, 200, 200, 200, 200, 403, 403, 403, 401];
const ADMINS: [u16; 9] = [200, 200, 403, 403, 403, 403, 403, 403, 401];
/// Admins signed in: API keys may not manage keys.
const ADMIN_SESSIONS: [u16; 9] = [403, 200, 403, 403, 403, 403, 403, 403, 401];
/// Admins send reset links; the link goes by e-mail, never in the answer.
const RESET_SENDERS: [u16; 9] = [202, 202, 403, 403, 403, 403, 403, 403, 401];
/// Every signed-in person, and API keys acting as the owner.
const SIGNED_IN: [u16; 9] = [200, 200, 200, 200, 200, 200, 200, 200, 401];
/// Callers with a session (an API key has none).
const SESSIONS: [u16; 9] = [401, 200, 200, 200, 200, 200, 200, 200, 401];

/// Where the doors' webhooks point: the discard port on loopback, which
/// refuses connections at once (the tests allow private targets).
const HOOK_URL: &str = "http://127.0.0.1:9/hook";

/// A fresh shared saved reply made by the admin key, for one caller's try.
async fn saved_reply(f: &Fixture) -> String {
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

/// A fresh webhook made by the admin key, for one caller's try.
async fn webhook(f: &Fixture) -> String {
    f.app
        .admin
        .post(
            "/v1/webhooks",
            json!({ "url": HOOK_URL, "eventTypes": ["client.deleted"] }),
        )
        .await
        .id()
}

/// The owner's own: what a scheduled message is to everyone else.
const OWNERS_OWN: [u16; 9] = [200, 200, 404, 404, 404, 404, 404, 404, 401];

/// A fresh message the owner scheduled for an hour from now in Ann's
/// channel, for one caller's try.
async fn scheduled(f: &Fixture) -> String {
    let at = crate::helpers::moment_in(std::time::Duration::from_secs(3600));
    f.app
        .admin
        .post(
            "/v1/scheduled-messages",
            json!({ "channelId": f.ann_channel, "text": "Later", "scheduledAt": at }),
        )
        .await
        .id()
}

// Rows whose call is long keep the braces rustfmt gives them.
#[allow(unused_braces)]
fn doors() -> Vec<Door> {
    vec![
        door!("GET /v1/workspaces", EVERYONE, |_f, c| c
            .get("/v1/workspaces")
            .await),
        door!("PATCH /v1/workspaces", ADMINS, |_f, c| {
            c.patch(
                "/v1/workspaces",
                json!({ "brandName": "Ledger & Co", "brandColor": "#2F4AC0" }),
            )
            .await
        }),
        door!("GET /v1/settings/messaging", STAFF, |_f, c| {
            c.get("/v1/settings/messaging").await
        }),
        door!("PATCH /v1/settings/messaging", ADMINS, |_f, c| {
            c.patch(
                "/v1/settings/messaging",
                json!({ "welcomeMessage": "Welcome" }),
            )
            .await
        }),
        door!("POST /v1/setup", [403; 9], |_f, c| {
            c.post(
                "/v1/setup",
                json!({ "token": "x", "workspaceName": "W", "givenName": "G", "familyName": "F", "email": "g@example.com", "password": "long enough pw" }),
            )
            .await
        }),
        door!("GET /v1/audit-events", ADMINS, |_f, c| c
            .get("/v1/audit-events")
            .await),
        door!("GET /v1/audit-events/{id}", ADMINS, |f, c| {
            let newest = f.app.admin.get("/v1/audit-events?limit=1").await;
            let id = newest.body["data"][0]["id"].as_str().unwrap().to_string();
            c.get(&format!("/v1/audit-events/{id}")).await
        }),
        // A client's export: Ann herself, and staff who see her.
        door!("GET /v1/clients/{id}/export", ACME_READERS, |f, c| c
            .get(&format!(
                "/v1/clients/{}/export",
                f.ann["id"].as_str().unwrap()
            ))
            .await),
        // Legal holds on Ann's conversations, placed afresh for each caller.
        door!("GET /v1/clients/{id}/legal-hold", ADMINS, |f, c| {
            let path = format!("/v1/clients/{}/legal-hold", f.ann["id"].as_str().unwrap());
            f.app.admin.put(&path, json!({})).await;
            c.get(&path).await
        }),
        door!("PUT /v1/clients/{id}/legal-hold", ADMINS, |f, c| c
            .put(
                &format!("/v1/clients/{}/legal-hold", f.ann["id"].as_str().unwrap()),
                json!({})
            )
            .await),
        door!("DELETE /v1/clients/{id}/legal-hold", ADMINS, |f, c| {
            let path = format!("/v1/clients/{}/legal-hold", f.ann["id"].as_str().unwrap());
            f.app.admin.put(&path, json!({})).await;
            c.delete(&path).await
        }),
        door!("GET /v1/workspaces/export", ADMINS, |_f, c| c
            .get("/v1/workspaces/export")
            .await),
        door!("GET /v1/internal-users", EVERYONE, |_f, c| c
            .get("/v1/internal-users")
            .await),
        door!("POST /v1/internal-users", ADMINS, |_f, c| {
            let email = format!("new.{}@example.com", uuid::Uuid::new_v4().simple());
            c.post(
                "/v1/internal-users",
                json!({ "givenName": "N", "familyName": "U", "email": email, "role": "staff" }),
            )
            .await
        }),
        door!("GET /v1/internal-users/{id}", EVERYONE, |f, c| {
            c.get(&format!("/v1/internal-users/{}", f.app.owner_id))
                .await
        }),
        door!("PATCH /v1/internal-users/{id}", ADMINS, |f, c| {
            c.patch(
                &format!("/v1/internal-users/{}", f.app.owner_id),
                json!({ "givenName": "Olive" }),
            )
            .await
        }),
        door!("DELETE /v1/internal-users/{id}", ADMINS, |f, c| {
            let (id, _) = f.app.staff(None).await;
            c.delete(&format!("/v1/internal-users/{id}")).await
        }),
        door!("GET /v1/companies", EVERYONE, |_f, c| c
            .get("/v1/companies")
            .await),
        door!(
            "POST /v1/companies",
            [200, 200, 200, 403, 403, 403, 403, 403, 401],
            |_f, c| {
                c.post(
                    "/v1/companies",
                    json!({ "name": format!("Co {}", uuid::Uuid::new_v4().simple()) }),
                )
                .await
            }
        ),
        door!(
            "GET /v1/companies/{id}",
            [200, 200, 200, 200, 404, 200, 404, 200, 401],
            |f, c| { c.get(&format!("/v1/companies/{}", f.acme)).await }
        ),
        door!("PATCH /v1/companies/{id}", ACME_STAFF, |f, c| {
            c.patch(
                &format!("/v1/companies/{}", f.acme),
                json!({ "name": "Acme" }),
            )
            .await
        }),
        door!(
            "DELETE /v1/companies/{id}",
            [200, 200, 200, 403, 403, 403, 403, 403, 401],
            |f, c| {
                let company = f
                    .app
                    .create_company(&format!("Gone {}", uuid::Uuid::new_v4().simple()))
                    .await;
                c.delete(&format!("/v1/companies/{company}")).await
            }
        ),
        door!("GET /v1/clients", EVERYONE, |_f, c| c
            .get("/v1/clients")
            .await),
        door!(
            "POST /v1/clients",
            [200, 200, 200, 200, 422, 403, 403, 403, 401],
            |f, c| {
                let email = format!("c.{}@example.com", uuid::Uuid::new_v4().simple());
                c.post(
                "/v1/clients",
                json!({ "givenName": "C", "familyName": "D", "email": email, "companyId": f.acme }),
            )
            .await
            }
        ),
        door!(
            "GET /v1/clients/{id}",
            [200, 200, 200, 200, 404, 200, 404, 200, 401],
            |f, c| { c.get(&format!("/v1/clients/{}", f.ann_id())).await }
        ),
        door!("PATCH /v1/clients/{id}", ACME_STAFF, |f, c| {
            c.patch(
                &format!("/v1/clients/{}", f.ann_id()),
                json!({ "givenName": "Ann" }),
            )
            .await
        }),
        door!("DELETE /v1/clients/{id}", ACME_STAFF, |f, c| {
            let client = f.fresh_client().await;
            c.delete(&format!("/v1/clients/{client}")).await
        }),
        door!(
            "GET /v1/client-activity",
            [200, 200, 200, 200, 200, 403, 403, 403, 401],
            |_f, c| { c.get("/v1/client-activity").await }
        ),
        door!("GET /v1/message-channels", EVERYONE, |_f, c| {
            c.get("/v1/message-channels").await
        }),
        door!(
            "POST /v1/message-channels",
            [200, 200, 200, 200, 404, 403, 403, 403, 401],
            |f, c| {
                let client = f.fresh_client().await;
                c.post(
                    "/v1/message-channels",
                    json!({ "membershipType": "group", "memberIds": [f.ann_id(), client] }),
                )
                .await
            }
        ),
        door!("GET /v1/message-channels/{id}", ACME_READERS, |f, c| {
            c.get(&format!("/v1/message-channels/{}", f.ann_channel))
                .await
        }),
        door!("PATCH /v1/message-channels/{id}", ACME_STAFF, |f, c| {
            c.patch(
                &format!("/v1/message-channels/{}", f.ann_channel),
                json!({ "state": "waiting" }),
            )
            .await
        }),
        door!("DELETE /v1/message-channels/{id}", ACME_STAFF, |f, c| {
            let client = f.fresh_client().await;
            let channel = f.app.individual_channel(&client).await;
            c.delete(&format!("/v1/message-channels/{channel}")).await
        }),
        door!(
            "POST /v1/message-channels/{id}/read",
            [200, 200, 200, 200, 404, 200, 404, 404, 401],
            |f, c| {
                c.post(
                    &format!("/v1/message-channels/{}/read", f.ann_channel),
                    json!({}),
                )
                .await
            }
        ),
        door!(
            "POST /v1/message-channels/{id}/unread",
            [200, 200, 200, 200, 404, 200, 404, 404, 401],
            |f, c| {
                c.post(
                    &format!("/v1/message-channels/{}/unread", f.ann_channel),
                    json!({}),
                )
                .await
            }
        ),
        door!("GET /v1/messages", ACME_READERS, |f, c| {
            c.get(&format!("/v1/messages?channelId={}", f.ann_channel))
                .await
        }),
        door!("POST /v1/messages", ACME_READERS, |f, c| {
            c.send_message(&f.ann_channel, "hello").await
        }),
        door!("GET /v1/search", ACME_READERS, |f, c| {
            holding(c.get("/v1/search?q=terms").await, &f.message)
        }),
        door!("GET /v1/messages/{id}", ACME_READERS, |f, c| {
            c.get(&format!("/v1/messages/{}", f.message)).await
        }),
        door!(
            "PATCH /v1/messages/{id}",
            [200, 200, 403, 403, 404, 403, 404, 404, 401],
            |f, c| {
                c.patch(
                    &format!("/v1/messages/{}", f.message),
                    json!({ "text": "Your terms" }),
                )
                .await
            }
        ),
        door!(
            "DELETE /v1/messages/{id}",
            [200, 200, 403, 403, 404, 403, 404, 404, 401],
            |f, c| {
                let sent = f.app.admin.send_message(&f.ann_channel, "to delete").await;
                c.delete(&format!("/v1/messages/{}", sent.id())).await
            }
        ),
        door!("GET /v1/messages/{id}/versions", ACME_STAFF, |f, c| {
            let listed = c.get(&format!("/v1/messages/{}/versions", f.message)).await;
            holding(listed, "Your terms (draft)")
        }),
        door!(
            "PUT /v1/messages/{id}/reactions/{emoji}",
            ACME_READERS,
            |f, c| { crate::reactions::react(c, &f.message, "👍").await }
        ),
        door!(
            "DELETE /v1/messages/{id}/reactions/{emoji}",
            ACME_READERS,
            |f, c| { crate::reactions::unreact(c, &f.message, "👍").await }
        ),
        door!(
            "POST /v1/mass-messages",
            [200, 200, 200, 200, 422, 403, 403, 403, 401],
            |f, c| {
                c.post(
                    "/v1/mass-messages",
                    json!({ "clientIds": [f.ann_id()], "text": "Tax season" }),
                )
                .await
            }
        ),
        door!("GET /v1/scheduled-messages", SIGNED_IN, |_f, c| {
            c.get("/v1/scheduled-messages").await
        }),
        door!("POST /v1/scheduled-messages", ACME_READERS, |f, c| {
            let at = crate::helpers::moment_in(std::time::Duration::from_secs(3600));
            c.post(
                "/v1/scheduled-messages",
                json!({ "channelId": f.ann_channel, "text": "Later", "scheduledAt": at }),
            )
            .await
        }),
        door!("GET /v1/scheduled-messages/{id}", OWNERS_OWN, |f, c| {
            let id = scheduled(f).await;
            c.get(&format!("/v1/scheduled-messages/{id}")).await
        }),
        door!("PATCH /v1/scheduled-messages/{id}", OWNERS_OWN, |f, c| {
            let id = scheduled(f).await;
            c.patch(
                &format!("/v1/scheduled-messages/{id}"),
                json!({ "text": "Later still" }),
            )
            .await
        }),
        door!("DELETE /v1/scheduled-messages/{id}", OWNERS_OWN, |f, c| {
            let id = scheduled(f).await;
            c.delete(&format!("/v1/scheduled-messages/{id}")).await
        }),
        door!("POST /v1/attachments", SIGNED_IN, |_f, c| {
            crate::attachments::upload(c, &[("notes.txt", b"Notes")]).await
        }),
        door!("GET /v1/attachments/usage", STAFF, |_f, c| {
            c.get("/v1/attachments/usage").await
        }),
        door!("GET /v1/attachments/{id}", ACME_READERS, |f, c| {
            c.get(&format!("/v1/attachments/{}", f.attachment)).await
        }),
        door!("GET /v1/attachments/{id}/content", ACME_READERS, |f, c| {
            c.get(&format!("/v1/attachments/{}/content", f.attachment))
                .await
        }),
        door!(
            "GET /v1/attachments/{id}/thumbnail",
            [404, 404, 404, 404, 404, 404, 404, 404, 401],
            |f, c| {
                c.get(&format!("/v1/attachments/{}/thumbnail", f.attachment))
                    .await
            }
        ),
        door!("GET /v1/notifications", EVERYONE, |_f, c| c
            .get("/v1/notifications")
            .await),
        door!(
            "POST /v1/notifications",
            [200, 200, 403, 403, 403, 403, 403, 403, 401],
            |f, c| {
                c.post(
                    "/v1/notifications",
                    json!({
                        "senderId": f.app.owner_id,
                        "recipientClientId": f.ann_id(),
                        "deliveryTargets": { "inProduct": { "title": "Reminder" } },
                    }),
                )
                .await
            }
        ),
        door!(
            "GET /v1/notifications/{id}",
            [200, 200, 404, 404, 404, 200, 404, 404, 401],
            |f, c| {
                c.get(&format!("/v1/notifications/{}", f.notification))
                    .await
            }
        ),
        door!(
            "DELETE /v1/notifications/{id}",
            [200, 200, 404, 404, 404, 200, 404, 404, 401],
            |f, c| {
                let id = f.fresh_notification().await;
                c.delete(&format!("/v1/notifications/{id}")).await
            }
        ),
        door!(
            "POST /v1/notifications/{id}/read",
            [200, 200, 404, 404, 404, 200, 404, 404, 401],
            |f, c| {
                c.post(
                    &format!("/v1/notifications/{}/read", f.notification),
                    json!({}),
                )
                .await
            }
        ),
        door!(
            "POST /v1/notifications/{id}/unread",
            [200, 200, 404, 404, 404, 200, 404, 404, 401],
            |f, c| {
                c.post(
                    &format!("/v1/notifications/{}/unread", f.notification),
                    json!({}),
                )
                .await
            }
        ),
        door!("GET /v1/email-preferences", SIGNED_IN, |_f, c| {
            c.get("/v1/email-preferences").await
        }),
        door!("PUT /v1/email-preferences", SIGNED_IN, |_f, c| {
            c.send(
                c.request(reqwest::Method::PUT, "/v1/email-preferences")
                    .json(&json!({ "unreadMessages": "digest" })),
            )
            .await
        }),
        door!(
            "GET /v1/email-preferences/unsubscribe",
            [404; 9],
            |_f, c| {
                c.get("/v1/email-preferences/unsubscribe?token=forged")
                    .await
            }
        ),
        door!(
            "POST /v1/email-preferences/unsubscribe",
            [404; 9],
            |_f, c| {
                c.post("/v1/email-preferences/unsubscribe?token=forged", json!({}))
                    .await
            }
        ),
        door!("GET /v1/invitations/{token}", [404; 9], |_f, c| {
            c.get("/v1/invitations/forged").await
        }),
        door!("POST /v1/invitations/{token}/accept", [404; 9], |_f, c| {
            c.post(
                "/v1/invitations/forged/accept",
                json!({ "password": "long enough pw" }),
            )
            .await
        }),
        door!("POST /v1/sessions", [401; 9], |_f, c| {
            c.post(
                "/v1/sessions",
                json!({ "email": OWNER_EMAIL, "password": "not the password" }),
            )
            .await
        }),
        door!("GET /v1/sessions/current", SESSIONS, |_f, c| {
            c.get("/v1/sessions/current").await
        }),
        // Signing out is checked last for each caller, by `sign_out_last`.
        door!(
            "DELETE /v1/sessions/current",
            [400, 204, 204, 204, 204, 204, 204, 204, 401],
            |_f, c| { c.delete("/v1/sessions/current").await }
        ),
        door!("GET /v1/api-keys", ADMIN_SESSIONS, |_f, c| c
            .get("/v1/api-keys")
            .await),
        door!("POST /v1/api-keys", ADMIN_SESSIONS, |_f, c| {
            let name = format!("Key {}", uuid::Uuid::new_v4().simple());
            c.post("/v1/api-keys", json!({ "name": name })).await
        }),
        door!("DELETE /v1/api-keys/{id}", ADMIN_SESSIONS, |f, c| {
            let name = format!("Key {}", uuid::Uuid::new_v4().simple());
            let made = f.roles[1]
                .1
                .post("/v1/api-keys", json!({ "name": name }))
                .await;
            c.delete(&format!("/v1/api-keys/{}", made.id())).await
        }),
        door!("GET /v1/webhooks", ADMINS, |_f, c| c
            .get("/v1/webhooks")
            .await),
        door!("POST /v1/webhooks", ADMINS, |_f, c| {
            c.post(
                "/v1/webhooks",
                json!({ "url": HOOK_URL, "eventTypes": ["client.deleted"] }),
            )
            .await
        }),
        door!("GET /v1/webhooks/{id}", ADMINS, |f, c| {
            c.get(&format!("/v1/webhooks/{}", webhook(f).await)).await
        }),
        door!("PATCH /v1/webhooks/{id}", ADMINS, |f, c| {
            c.patch(
                &format!("/v1/webhooks/{}", webhook(f).await),
                json!({ "enabled": false }),
            )
            .await
        }),
        door!("DELETE /v1/webhooks/{id}", ADMINS, |f, c| {
            c.delete(&format!("/v1/webhooks/{}", webhook(f).await))
                .await
        }),
        door!("POST /v1/webhooks/{id}/rotate-secret", ADMINS, |f, c| {
            c.post(
                &format!("/v1/webhooks/{}/rotate-secret", webhook(f).await),
                json!({}),
            )
            .await
        }),
        door!("GET /v1/webhooks/{id}/deliveries", ADMINS, |f, c| {
            c.get(&format!("/v1/webhooks/{}/deliveries", webhook(f).await))
                .await
        }),
        door!("POST /v1/webhooks/{id}/test", ADMINS, |f, c| {
            c.post(
                &format!("/v1/webhooks/{}/test", webhook(f).await),
                json!({}),
            )
            .await
        }),
        door!("GET /v1/saved-replies", STAFF, |_f, c| c
            .get("/v1/saved-replies")
            .await),
        door!("POST /v1/saved-replies", STAFF, |_f, c| {
            c.post(
                "/v1/saved-replies",
                json!({ "title": format!("Own {}", uuid::Uuid::new_v4().simple()), "text": "Hi {{client.givenName}}" }),
            )
            .await
        }),
        door!("GET /v1/saved-replies/{id}", STAFF, |f, c| {
            c.get(&format!("/v1/saved-replies/{}", saved_reply(f).await))
                .await
        }),
        door!("PATCH /v1/saved-replies/{id}", ADMINS, |f, c| {
            c.patch(
                &format!("/v1/saved-replies/{}", saved_reply(f).await),
                json!({ "text": "Hello {{client.givenName}}" }),
            )
            .await
        }),
        door!("DELETE /v1/saved-replies/{id}", ADMINS, |f, c| {
            c.delete(&format!("/v1/saved-replies/{}", saved_reply(f).await))
                .await
        }),
        door!("POST /v1/saved-replies/{id}/render", ACME_STAFF, |f, c| {
            c.post(
                &format!("/v1/saved-replies/{}/render", saved_reply(f).await),
                json!({ "channelId": f.ann_channel }),
            )
            .await
        }),
        door!(
            "POST /v1/internal-users/{id}/password-reset",
            RESET_SENDERS,
            |f, c| {
                c.post(
                    &format!("/v1/internal-users/{}/password-reset", f.app.owner_id),
                    json!({}),
                )
                .await
            }
        ),
        door!(
            "POST /v1/clients/{id}/password-reset",
            RESET_SENDERS,
            |f, c| {
                c.post(
                    &format!("/v1/clients/{}/password-reset", f.ann_id()),
                    json!({}),
                )
                .await
            }
        ),
        door!("POST /v1/password-resets", [202; 9], |_f, c| {
            c.post(
                "/v1/password-resets",
                json!({ "email": "nobody@example.com" }),
            )
            .await
        }),
        door!("GET /v1/password-resets/{token}", [404; 9], |_f, c| {
            c.get("/v1/password-resets/forged").await
        }),
        door!(
            "POST /v1/password-resets/{token}/accept",
            [404; 9],
            |_f, c| {
                c.post(
                    "/v1/password-resets/forged/accept",
                    json!({ "password": "long enough pw" }),
                )
                .await
            }
        ),
        door!(
            "POST /v1/sessions/current/password",
            [400, 403, 403, 403, 403, 403, 403, 403, 401],
            |_f, c| {
                c.post(
                "/v1/sessions/current/password",
                json!({ "currentPassword": "not the password", "newPassword": "a new long password" }),
            )
            .await
            }
        ),
        door!("POST /v1/realtime/tokens", EVERYONE, |_f, c| {
            c.post("/v1/realtime/tokens", json!({})).await
        }),
        door!(
            "GET /v1/realtime",
            [101, 101, 101, 101, 101, 101, 101, 101, 401],
            |_f, c| { socket_status(c).await }
        ),
    ]
}

/// Opens the realtime socket with the caller's own credentials (the API key
/// header, or the cookie from a page of this server).
/// Only the staff who see Ann's channel see its note.
const NOTE_READERS: [u16; 9] = [200, 200, 200, 200, 404, 404, 404, 404, 401];
/// Its author may change it; other staff who see it may not.
const NOTE_AUTHOR: [u16; 9] = [200, 200, 403, 403, 404, 404, 404, 404, 401];

/// The doors that lead to messages and their files, aimed at the internal
/// note: the rows above aim at a message everyone in the channel sees.
/// A list answers 200 when the note is in it and 404 when it is left out.
#[allow(unused_braces)]
fn note_doors() -> Vec<Door> {
    vec![
        door!("GET /v1/messages", NOTE_READERS, |f, c| {
            let listed = c
                .get(&format!("/v1/messages?channelId={}", f.ann_channel))
                .await;
            holding(listed, &f.note)
        }),
        door!("GET /v1/messages/{id}", NOTE_READERS, |f, c| {
            c.get(&format!("/v1/messages/{}", f.note)).await
        }),
        door!("GET /v1/search", NOTE_READERS, |f, c| {
            holding(c.get("/v1/search?q=%22check%20her%20id%22").await, &f.note)
        }),
        door!(
            "POST /v1/messages",
            [200, 200, 200, 200, 404, 403, 403, 403, 401],
            |f, c| {
                c.post(
                    "/v1/messages",
                    json!({ "channelId": f.ann_channel, "text": "noted", "isInternal": true }),
                )
                .await
            }
        ),
        door!("PATCH /v1/messages/{id}", NOTE_AUTHOR, |f, c| {
            c.patch(
                &format!("/v1/messages/{}", f.note),
                json!({ "text": "Check her ID" }),
            )
            .await
        }),
        door!("DELETE /v1/messages/{id}", NOTE_AUTHOR, |f, c| {
            let note = f
                .app
                .admin
                .post(
                    "/v1/messages",
                    json!({ "channelId": f.ann_channel, "text": "to delete", "isInternal": true }),
                )
                .await;
            c.delete(&format!("/v1/messages/{}", note.id())).await
        }),
        door!("GET /v1/messages/{id}/versions", ACME_STAFF, |f, c| {
            let listed = c.get(&format!("/v1/messages/{}/versions", f.note)).await;
            holding(listed, "Check ID")
        }),
        door!(
            "POST /v1/message-channels/{id}/read",
            NOTE_READERS,
            |f, c| {
                c.post(
                    &format!("/v1/message-channels/{}/read", f.ann_channel),
                    json!({ "messageId": f.note }),
                )
                .await
            }
        ),
        door!("GET /v1/attachments/{id}", NOTE_READERS, |f, c| {
            c.get(&format!("/v1/attachments/{}", f.note_attachment))
                .await
        }),
        door!("GET /v1/attachments/{id}/content", NOTE_READERS, |f, c| {
            c.get(&format!("/v1/attachments/{}/content", f.note_attachment))
                .await
        }),
        door!(
            "PUT /v1/messages/{id}/reactions/{emoji}",
            NOTE_READERS,
            |f, c| { crate::reactions::react(c, &f.note, "🙏").await }
        ),
        door!(
            "DELETE /v1/messages/{id}/reactions/{emoji}",
            NOTE_READERS,
            |f, c| { crate::reactions::unreact(c, &f.note, "🙏").await }
        ),
        door!("GET /v1/realtime (replay)", NOTE_READERS, |f, c| {
            replayed_note(f, c).await
        }),
    ]
}

/// A list answered as a door: 200 when it holds `wanted` (an id, a text), 404
/// when it leaves it out, and any refusal as it came.
fn holding(mut listed: Response, wanted: &str) -> Response {
    if listed.status == 200 && !listed.body.to_string().contains(wanted) {
        listed.status = 404;
        listed.body = json!({ "code": "notFound", "message": "left out of the list" });
    }
    listed
}

/// A socket resuming from before the note: 200 when its replay holds the
/// note, 404 when it does not, the refusal of the upgrade otherwise.
async fn replayed_note(f: &Fixture, caller: &Caller) -> Response {
    let issued = caller.post("/v1/realtime/tokens", json!({})).await;
    if issued.status != 200 {
        return issued;
    }
    let url = format!(
        "{}/v1/realtime?token={}&since=0",
        caller.ws_base(),
        issued.body["token"].as_str().unwrap()
    );
    let mut socket = Socket::connect(&url, &[]).await.expect("the socket opens");
    let mut frames = Vec::new();
    loop {
        let frame = socket.next_frame().await.expect("the socket is open");
        if frame["type"] == "ready" || frame["type"] == "resync.required" {
            break;
        }
        frames.push(frame);
    }
    let replay = Response {
        status: 200,
        body: json!(frames),
        headers: Default::default(),
    };
    holding(replay, &f.note)
}

#[tokio::test]
async fn every_door_to_an_internal_note_answers_each_role_as_decided() {
    let f = Fixture::build().await;
    let documented = documented(&f.app).await;
    let mut wrong = Vec::new();
    for door in note_doors() {
        let operation = door.operation.trim_end_matches(" (replay)");
        assert!(
            documented.iter().any(|d| d == operation) || operation == "GET /v1/realtime",
            "{operation} is a documented door"
        );
        for ((role, caller), expected) in f.roles.iter().zip(door.expected) {
            let response = (door.call)(&f, caller).await;
            if response.status != expected {
                wrong.push(format!(
                    "{} as {role}: {} (expected {expected}): {}",
                    door.operation, response.status, response.body
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

async fn socket_status(caller: &Caller) -> Response {
    let url = format!("{}/v1/realtime", caller.ws_base());
    let origin = caller.ws_base().replacen("ws", "http", 1);
    let mut headers = vec![];
    if let Some(key) = caller.api_key() {
        headers.push(("x-api-key", key.to_string()));
    }
    if let Some(cookie) = &caller.cookie {
        headers.push(("cookie", cookie.clone()));
        headers.push(("origin", origin));
    }
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let status = match Socket::connect(&url, &headers).await {
        Ok(_) => 101,
        Err(status) => status,
    };
    Response {
        status,
        body: json!({ "code": "refused", "message": "the upgrade was refused" }),
        headers: Default::default(),
    }
}

/// The operations the server documents, as `METHOD /path`.
async fn documented(app: &TestApp) -> Vec<String> {
    let doc = app.anonymous().get("/v1/openapi.json").await;
    assert_eq!(doc.status, 200);
    let mut operations = Vec::new();
    for (path, methods) in doc.body["paths"].as_object().unwrap() {
        for method in methods.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                operations.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    operations.sort();
    operations
}

#[tokio::test]
async fn every_documented_operation_answers_each_role_as_decided() {
    let f = Fixture::build().await;
    let doors = doors();
    let mut covered: Vec<String> = doors.iter().map(|d| d.operation.to_string()).collect();
    covered.sort();
    assert_eq!(
        covered,
        documented(&f.app).await,
        "every documented operation has exactly one row here, and every row is documented"
    );

    let mut wrong = Vec::new();
    // Signing out ends the sessions the other rows use: it goes last.
    let (sign_out, others): (Vec<&Door>, Vec<&Door>) = doors
        .iter()
        .partition(|d| d.operation == "DELETE /v1/sessions/current");
    for door in others.into_iter().chain(sign_out) {
        for ((role, caller), expected) in f.roles.iter().zip(door.expected) {
            let response = (door.call)(&f, caller).await;
            if response.status != expected {
                wrong.push(format!(
                    "{} as {role}: {} (expected {expected}): {}",
                    door.operation, response.status, response.body
                ));
            } else if response.status >= 400 {
                assert!(
                    response.body["code"].is_string() && response.body["message"].is_string(),
                    "{} as {role}: an error has a code and a message: {}",
                    door.operation,
                    response.body
                );
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}
