//! Notifications (`/v1/notifications`): sending, listing with and without
//! read ones, paging, read state and deletes; who sees which; refused
//! requests leaving nothing behind; the e-mail target over real SMTP; the
//! realtime frames reaching the recipient and no one else.

use parlor::auth::{Actor, ClientActor};
use parlor::service::{notifications, PageRequest};
use serde_json::{json, Value};

use crate::email::SmtpSink;
use crate::helpers::{collect_pages, ids, Caller, TestApp};

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_string()
}

/// An in-product notification to a client from the owner.
fn to_client(sender: &str, client: &str, title: &str) -> Value {
    json!({
        "senderId": sender,
        "recipientClientId": client,
        "deliveryTargets": { "inProduct": { "title": title, "body": "Details inside" } },
    })
}

/// An in-product notification to an internal user.
fn to_staff(sender: &str, staff: &str, title: &str) -> Value {
    json!({
        "senderId": sender,
        "recipientInternalUserId": staff,
        "deliveryTargets": { "inProduct": { "title": title } },
    })
}

/// `notification.created`, `.updated` or `.deleted`.
fn is_notification_frame(frame: &Value) -> bool {
    frame["type"]
        .as_str()
        .unwrap_or_default()
        .starts_with("notification.")
}

async fn send(app: &TestApp, body: Value) -> Value {
    let response = app.admin.post("/v1/notifications", body).await;
    assert_eq!(response.status, 200, "{}", response.body);
    response.body
}

/// Every notification a caller lists, read ones included.
async fn listed(caller: &Caller) -> Vec<String> {
    ids(&collect_pages(caller, "/v1/notifications?includeRead=true").await)
}

async fn user_id(caller: &Caller) -> String {
    let me = caller.get("/v1/sessions/current").await;
    assert_eq!(me.status, 200, "{}", me.body);
    me.body["userId"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_notification_is_sent_listed_marked_read_and_unread_and_deleted() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let ann_id = id(&ann);

    let created = send(
        &app,
        json!({
            "senderId": app.owner_id,
            "recipientClientId": ann_id,
            "deliveryTargets": { "inProduct": {
                "title": "Your return is ready", "body": "Please sign page 3",
                "ctaParams": { "tab": "files" },
            } },
        }),
    )
    .await;
    assert_eq!(created["object"], "notification");
    assert_eq!(created["senderId"], app.owner_id.as_str());
    assert_eq!(created["senderType"], "internalUser");
    assert_eq!(created["recipientClientId"], ann_id.as_str());
    assert_eq!(created["recipientId"], ann_id.as_str());
    assert_eq!(
        created["recipientCompanyId"],
        acme.as_str(),
        "a client of one company: that company"
    );
    assert!(created["recipientInternalUserId"].is_null());
    let in_product = &created["deliveryTargets"]["inProduct"];
    assert_eq!(in_product["title"], "Your return is ready");
    assert_eq!(in_product["body"], "Please sign page 3");
    assert_eq!(in_product["isRead"], false);
    assert_eq!(in_product["ctaParams"], json!({ "tab": "files" }));
    assert!(created["deliveryTargets"].get("email").is_none());
    assert!(created["createdAt"].as_str().unwrap().ends_with('Z'));
    let nid = id(&created);

    let unread = app
        .admin
        .get(&format!("/v1/notifications?recipientClientId={ann_id}"))
        .await;
    assert_eq!(unread.status, 200, "{}", unread.body);
    assert_eq!(
        unread.body["data"],
        json!([created]),
        "the list shows it as created"
    );

    let read = app
        .admin
        .post(&format!("/v1/notifications/{nid}/read"), json!({}))
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["deliveryTargets"]["inProduct"]["isRead"], true);
    assert_eq!(read.body["isRead"], true);
    assert!(read.body["readAt"].is_string());

    let without_read = app
        .admin
        .get(&format!("/v1/notifications?recipientClientId={ann_id}"))
        .await;
    assert_eq!(
        without_read.body["data"],
        json!([]),
        "read notifications are left out by default"
    );
    let explicit_false = app
        .admin
        .get(&format!(
            "/v1/notifications?recipientClientId={ann_id}&includeRead=false"
        ))
        .await;
    assert_eq!(explicit_false.body["data"], json!([]));
    let with_read = app
        .admin
        .get(&format!(
            "/v1/notifications?recipientClientId={ann_id}&includeRead=true"
        ))
        .await;
    assert_eq!(with_read.body["data"], json!([read.body]));

    let again = app
        .admin
        .post(&format!("/v1/notifications/{nid}/read"), json!({}))
        .await;
    assert_eq!(again.status, 200, "marking read twice is harmless");
    assert_eq!(
        again.body["readAt"], read.body["readAt"],
        "the first read counts"
    );

    let unread_again = app
        .admin
        .post(&format!("/v1/notifications/{nid}/unread"), json!({}))
        .await;
    assert_eq!(unread_again.status, 200, "{}", unread_again.body);
    assert_eq!(
        unread_again.body["deliveryTargets"]["inProduct"]["isRead"],
        false
    );
    assert!(unread_again.body["readAt"].is_null());
    let listed_unread = app.admin.get("/v1/notifications").await;
    assert_eq!(
        ids(listed_unread.body["data"].as_array().unwrap()),
        vec![nid.clone()]
    );

    let deleted = app.admin.delete(&format!("/v1/notifications/{nid}")).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(
        deleted.body,
        json!({ "id": nid, "object": "notification", "deleted": true })
    );
    app.admin
        .get(&format!("/v1/notifications/{nid}"))
        .await
        .assert_error(404, "a deleted notification is gone");
    app.admin
        .post(&format!("/v1/notifications/{nid}/read"), json!({}))
        .await
        .assert_error(404, "a deleted notification cannot be read");
    app.admin
        .delete(&format!("/v1/notifications/{nid}"))
        .await
        .assert_error(404, "deleting twice");
    assert!(listed(&app.admin).await.is_empty());
}

#[tokio::test]
async fn lists_are_newest_first_and_pages_neither_skip_nor_repeat() {
    let app = TestApp::spawn().await;
    let ann = app.create_client("Ann", None).await;
    let bob = app.create_client("Bob", None).await;
    let mut sent = Vec::new();
    for n in 0..7 {
        let who = if n % 2 == 0 { &ann } else { &bob };
        sent.push(id(&send(
            &app,
            to_client(&app.owner_id, &id(who), &format!("n{n}")),
        )
        .await));
    }
    sent.reverse();

    let all = collect_pages(&app.admin, "/v1/notifications?limit=2").await;
    assert_eq!(ids(&all), sent, "every notification once, newest first");

    let first = app.admin.get("/v1/notifications?limit=3").await;
    assert_eq!(first.body["data"].as_array().unwrap().len(), 3);
    let token = first.body["nextToken"]
        .as_str()
        .expect("more pages")
        .to_string();
    app.admin
        .get(&format!("/v1/clients?nextToken={token}"))
        .await
        .assert_error(400, "a notifications token on another list");
    app.admin
        .get("/v1/notifications?limit=0")
        .await
        .assert_error(400, "limit 0");

    let anns = collect_pages(
        &app.admin,
        &format!("/v1/notifications?limit=1&recipientClientId={}", id(&ann)),
    )
    .await;
    assert_eq!(anns.len(), 4);
    assert!(anns.iter().all(|n| n["recipientClientId"] == ann["id"]));
    let legacy = collect_pages(
        &app.admin,
        &format!("/v1/notifications?recipientId={}", id(&bob)),
    )
    .await;
    assert_eq!(legacy.len(), 3, "the deprecated recipientId filters too");
    let empty_filters = app
        .admin
        .get("/v1/notifications?recipientId=&recipientClientId=&recipientInternalUserId=&includeRead=false")
        .await;
    assert_eq!(
        empty_filters.body["data"].as_array().unwrap().len(),
        7,
        "the SDK sends unset filters empty: {}",
        empty_filters.body
    );
}

#[tokio::test]
async fn every_role_sees_and_changes_only_its_own_notifications() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let bob = app.create_client("Bob", Some(&globex)).await;
    let roles = app.every_role(&acme, &globex, &ann, &bob).await;

    // One notification to each person, sent by the owner.
    let mut mine: Vec<(&str, &Caller, Option<String>)> = Vec::new();
    let mut all = Vec::new();
    for (role, caller) in &roles {
        let recipient = match *role {
            "no credentials" => None,
            "admin key" => Some(app.owner_id.clone()),
            _ => Some(user_id(caller).await),
        };
        let notification = match (&recipient, *role) {
            (None, _) | (_, "admin session") => None,
            (Some(user), r) if r.starts_with("client") => {
                Some(send(&app, to_client(&app.owner_id, user, role)).await)
            }
            (Some(user), _) => Some(send(&app, to_staff(&app.owner_id, user, role)).await),
        };
        if let Some(n) = &notification {
            all.push(id(n));
        }
        mine.push((role, caller, notification.map(|n| id(&n))));
    }
    let owners = all[0].clone();
    assert!(
        all.len() >= 6,
        "the test needs several people's notifications to mean anything"
    );

    for (role, caller, own) in &mine {
        if *role == "no credentials" {
            caller
                .get("/v1/notifications")
                .await
                .assert_error(401, "listing without credentials");
            caller
                .post("/v1/notifications", to_client("x", &id(&ann), "x"))
                .await
                .assert_error(401, "sending without credentials");
            caller
                .post(&format!("/v1/notifications/{owners}/read"), json!({}))
                .await
                .assert_error(401, "marking read without credentials");
            caller
                .delete(&format!("/v1/notifications/{owners}"))
                .await
                .assert_error(401, "deleting without credentials");
            continue;
        }
        let is_admin = role.starts_with("admin");
        let mut expected = if is_admin {
            all.clone()
        } else {
            own.iter().cloned().collect::<Vec<_>>()
        };
        expected.sort();
        let mut seen = listed(caller).await;
        seen.sort();
        assert_eq!(seen, expected, "{role} lists exactly these");

        let send_attempt = caller
            .post(
                "/v1/notifications",
                to_client(&app.owner_id, &id(&ann), "from a non-admin"),
            )
            .await;
        if is_admin {
            assert_eq!(
                send_attempt.status, 200,
                "{role} may send: {}",
                send_attempt.body
            );
            let removed = app
                .admin
                .delete(&format!("/v1/notifications/{}", send_attempt.id()))
                .await;
            assert_eq!(removed.status, 200);
        } else {
            send_attempt.assert_error(403, &format!("{role} may not send notifications"));
        }

        for other in all.iter().filter(|n| Some(*n) != own.as_ref()) {
            if is_admin {
                continue;
            }
            caller
                .get(&format!("/v1/notifications/{other}"))
                .await
                .assert_error(404, &format!("{role}: retrieve another's"));
            caller
                .post(&format!("/v1/notifications/{other}/read"), json!({}))
                .await
                .assert_error(404, &format!("{role}: mark another's read"));
            caller
                .post(&format!("/v1/notifications/{other}/unread"), json!({}))
                .await
                .assert_error(404, &format!("{role}: mark another's unread"));
            caller
                .delete(&format!("/v1/notifications/{other}"))
                .await
                .assert_error(404, &format!("{role}: delete another's"));
        }
        if let Some(own) = own {
            let read = caller
                .post(&format!("/v1/notifications/{own}/read"), json!({}))
                .await;
            assert_eq!(
                read.status, 200,
                "{role} marks their own read: {}",
                read.body
            );
            let unread = caller
                .post(&format!("/v1/notifications/{own}/unread"), json!({}))
                .await;
            assert_eq!(unread.status, 200, "{role} marks their own unread");
            assert_eq!(
                caller.get(&format!("/v1/notifications/{own}")).await.status,
                200
            );
        }
    }
    // Nothing of anyone else's was changed by the refused calls.
    for n in &all {
        let shown = app.admin.get(&format!("/v1/notifications/{n}")).await;
        assert_eq!(shown.status, 200, "{n} still exists");
        assert_eq!(shown.body["isRead"], false);
    }
    // Each person may delete their own; an admin anyone's.
    for (role, caller, own) in &mine {
        if let Some(own) = own {
            let deleted = caller.delete(&format!("/v1/notifications/{own}")).await;
            assert_eq!(
                deleted.status, 200,
                "{role} deletes their own: {}",
                deleted.body
            );
        }
    }
    assert!(listed(&app.admin).await.is_empty());
}

#[tokio::test]
async fn limited_staff_never_see_notifications_about_companies_outside_their_access() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let bob = app.create_client("Bob", Some(&globex)).await;
    let (staff_id, staff) = app.staff(Some(&[acme.as_str()])).await;

    let about = |sender: &str| {
        json!({
            "senderId": sender,
            "recipientInternalUserId": staff_id,
            "deliveryTargets": { "inProduct": { "title": "A client did something" } },
        })
    };
    let from_ann = send(&app, about(&id(&ann))).await;
    assert_eq!(from_ann["senderType"], "client");
    assert_eq!(from_ann["senderCompanyId"], acme.as_str());
    let refused = app.admin.post("/v1/notifications", about(&id(&bob))).await;
    refused.assert_error(422, "a client outside the recipient's access");
    let from_globex = app.admin.post("/v1/notifications", about(&globex)).await;
    from_globex.assert_error(422, "a company outside the recipient's access");
    assert_eq!(listed(&staff).await, vec![id(&from_ann)]);

    // Access moves to Globex: what is about Acme disappears at once.
    let changed = app
        .admin
        .patch(
            &format!("/v1/internal-users/{staff_id}"),
            json!({ "companyAccessList": [globex] }),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert!(listed(&staff).await.is_empty(), "no longer theirs to see");
    staff
        .get(&format!("/v1/notifications/{}", id(&from_ann)))
        .await
        .assert_error(
            404,
            "retrieving one about a company now outside their access",
        );
    let from_bob = send(&app, about(&id(&bob))).await;
    assert_eq!(listed(&staff).await, vec![id(&from_bob)]);
}

#[tokio::test]
async fn refused_notifications_say_why_and_leave_nothing_behind() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let ann_id = id(&ann);
    let moved = app
        .admin
        .patch(
            &format!("/v1/clients/{ann_id}"),
            json!({ "companyIds": [acme, globex] }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let owner = app.owner_id.clone();
    let both = json!({
        "inProduct": { "title": "Hello" },
        "email": { "subject": "Hello", "body": "Hi" },
    });
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({ "senderId": owner, "recipientClientId": "no-such-client", "recipientCompanyId": acme, "deliveryTargets": both }),
            422,
            "an unknown client",
        ),
        (
            json!({ "senderId": owner, "recipientInternalUserId": "no-such-user", "deliveryTargets": both }),
            422,
            "an unknown internal user",
        ),
        (
            json!({ "senderId": owner, "recipientId": "nobody", "deliveryTargets": both }),
            422,
            "an unknown deprecated recipientId",
        ),
        (
            json!({ "senderId": "nobody", "recipientClientId": ann_id, "recipientCompanyId": acme, "deliveryTargets": both }),
            422,
            "an unknown sender",
        ),
        (
            json!({ "recipientClientId": ann_id, "recipientCompanyId": acme, "deliveryTargets": both }),
            422,
            "no senderId",
        ),
        (
            json!({ "senderId": owner, "deliveryTargets": both }),
            422,
            "no recipient",
        ),
        (
            json!({ "senderId": owner, "recipientClientId": ann_id, "recipientInternalUserId": owner, "deliveryTargets": both }),
            422,
            "two recipients",
        ),
        (
            json!({ "senderId": owner, "recipientClientId": ann_id, "deliveryTargets": both }),
            422,
            "a client of two companies without recipientCompanyId",
        ),
        (
            json!({ "senderId": owner, "recipientClientId": ann_id, "recipientCompanyId": "elsewhere", "deliveryTargets": both }),
            422,
            "a recipientCompanyId that is not the client's",
        ),
        (
            json!({ "senderId": owner, "recipientClientId": ann_id, "recipientCompanyId": acme }),
            422,
            "no delivery targets",
        ),
        (
            json!({ "senderId": owner, "recipientClientId": ann_id, "recipientCompanyId": acme,
                    "deliveryTargets": { "inProduct": { "body": "no title" } } }),
            422,
            "an in-product target without a title",
        ),
        (
            json!({ "senderId": owner, "recipientClientId": ann_id, "recipientCompanyId": acme,
                    "deliveryTargets": { "email": { "body": "no subject" } } }),
            422,
            "an e-mail without any subject",
        ),
        (
            json!({ "senderId": owner, "recipientClientId": ann_id, "recipientCompanyId": acme,
                    "deliveryTargets": { "inProduct": { "title": "x", "ctaParams": [1, 2] } } }),
            422,
            "ctaParams that is not an object",
        ),
        (
            json!({ "senderId": owner, "recipientClientId": ann_id, "recipientCompanyId": acme,
                    "deliveryTargets": { "inProduct": { "title": "x", "body": "y".repeat(10_001) } } }),
            413,
            "a body over 10,000 characters",
        ),
        (
            json!({ "senderId": owner, "recipientInternalUserId": owner, "recipientCompanyId": acme, "deliveryTargets": both }),
            422,
            "recipientCompanyId for an internal user",
        ),
    ];
    for (body, status, case) in cases {
        app.admin
            .post("/v1/notifications", body)
            .await
            .assert_error(status, case);
    }
    let malformed = app
        .admin
        .send(
            app.admin
                .request(reqwest::Method::POST, "/v1/notifications")
                .header("content-type", "application/json")
                .body("{\"senderId\": "),
        )
        .await;
    malformed.assert_error(400, "malformed JSON");

    assert!(
        listed(&app.admin).await.is_empty(),
        "no refused notification was stored"
    );
    let mut conn = app.ctx.store.reader().await.unwrap();
    assert_eq!(
        parlor::storage::outbox::pending_count(&mut conn)
            .await
            .unwrap(),
        0,
        "no refused notification queued an e-mail"
    );

    // The premise: the same request with the company named does go through.
    let ok = app
        .admin
        .post(
            "/v1/notifications",
            json!({ "senderId": owner, "recipientClientId": ann_id, "recipientCompanyId": globex, "deliveryTargets": both }),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(ok.body["recipientCompanyId"], globex.as_str());
    assert_eq!(
        parlor::storage::outbox::pending_count(&mut conn)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn the_email_target_arrives_over_smtp_with_the_brand_and_the_call_to_action() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(|config| sink.configure(config)).await;
    let ann = app.create_client("Ann", None).await;
    let ann_email = ann["email"].as_str().unwrap().to_string();
    let (staff_id, _) = app.staff(None).await;

    let created = send(
        &app,
        json!({
            "senderId": app.owner_id,
            "recipientClientId": id(&ann),
            "deliveryTargets": { "email": {
                "subject": "Your documents are ready",
                "header": "Documents <ready>",
                "body": "Two files wait for your signature.",
                "title": "Sign now",
                "ctaParams": { "tab": "files" },
            } },
        }),
    )
    .await;
    let email = &created["deliveryTargets"]["email"];
    assert_eq!(email["subject"], "Your documents are ready");
    assert_eq!(email["title"], "Sign now");
    assert!(created["deliveryTargets"].get("inProduct").is_none());

    // The staff member's invitation went out first.
    let messages = sink.wait_for(2).await;
    let message = messages
        .iter()
        .find(|m| m.starts_with(&format!("X-Envelope-To: {ann_email}")))
        .unwrap_or_else(|| panic!("no e-mail to Ann: {messages:?}"));
    assert!(
        message.contains("Subject: Your documents are ready"),
        "{message}"
    );
    assert!(
        message.contains("Documents &lt;ready&gt;"),
        "escaped header: {message}"
    );
    assert!(
        message.contains("Two files wait for your signature."),
        "{message}"
    );
    assert!(message.contains("Sign now"), "{message}");
    assert!(
        message.contains(&format!(
            "{}/notifications?tab=files",
            app.ctx.config.public_url
        )),
        "the call to action carries ctaParams: {message}"
    );
    assert!(message.contains("Ledger &amp; Co"), "the brand: {message}");

    // To an internal user, with only an in-product title to go by.
    send(
        &app,
        json!({
            "senderId": app.owner_id,
            "recipientInternalUserId": staff_id,
            "deliveryTargets": { "inProduct": { "title": "New upload from Ann" }, "email": {} },
        }),
    )
    .await;
    let messages = sink.wait_for(3).await;
    let staff_message = messages
        .iter()
        .find(|m| m.contains("Subject: New upload from Ann"))
        .unwrap_or_else(|| panic!("no notification e-mail to the staff member: {messages:?}"));
    assert!(
        staff_message.starts_with("X-Envelope-To: staff."),
        "{staff_message}"
    );
    assert!(
        staff_message.contains("Subject: New upload from Ann"),
        "the subject falls back to the title: {staff_message}"
    );
}

#[tokio::test]
async fn notification_frames_reach_the_recipient_and_no_one_else() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let amy = app.create_client("Amy", Some(&acme)).await;
    let (staff_id, staff) = app.staff(None).await;
    let ann_caller = app.client_session(&ann).await;
    let amy_caller = app.client_session(&amy).await;

    let (mut ann_socket, ann_ready) = ann_caller.ready_socket(None).await;
    let mut outsiders = vec![
        (
            "admin",
            app.admin.ready_socket(None).await.0,
            app.owner_id.clone(),
            true,
        ),
        (
            "staff, full access",
            staff.ready_socket(None).await.0,
            staff_id.clone(),
            true,
        ),
        (
            "Amy of the same company",
            amy_caller.ready_socket(None).await.0,
            id(&amy),
            false,
        ),
    ];

    let created = send(&app, to_client(&app.owner_id, &id(&ann), "For Ann")).await;
    let nid = id(&created);
    let frame = ann_socket.next_where(is_notification_frame).await;
    assert_eq!(frame["type"], "notification.created");
    assert_eq!(frame["data"], created, "the same JSON as the REST object");
    assert!(frame["cursor"].is_string());

    // A fence: each outsider's own notification must be the first they get.
    for (role, socket, user, staff_member) in &mut outsiders {
        let fence = if *staff_member {
            send(&app, to_staff(&app.owner_id, user, "fence")).await
        } else {
            send(&app, to_client(&app.owner_id, user, "fence")).await
        };
        let frame = socket.next_where(is_notification_frame).await;
        assert_eq!(
            frame["data"]["id"], fence["id"],
            "{role} must not get Ann's notification"
        );
    }

    let read = ann_caller
        .post(&format!("/v1/notifications/{nid}/read"), json!({}))
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    let frame = ann_socket.next_where(is_notification_frame).await;
    assert_eq!(frame["type"], "notification.updated");
    assert_eq!(frame["data"], read.body);
    assert_eq!(
        frame["data"]["deliveryTargets"]["inProduct"]["isRead"],
        true
    );

    let unread = ann_caller
        .post(&format!("/v1/notifications/{nid}/unread"), json!({}))
        .await;
    let frame = ann_socket.next_where(is_notification_frame).await;
    assert_eq!(frame["type"], "notification.updated");
    assert_eq!(frame["data"], unread.body);

    let deleted = ann_caller.delete(&format!("/v1/notifications/{nid}")).await;
    assert_eq!(deleted.status, 200);
    let frame = ann_socket.next_where(is_notification_frame).await;
    assert_eq!(frame["type"], "notification.deleted");
    assert_eq!(frame["data"], deleted.body);

    // Resuming replays Ann's four frames to her, and none of them to Amy.
    let since = ann_ready["cursor"].as_str().unwrap();
    let mut replay = ann_caller.socket(Some(since)).await;
    let mut kinds = Vec::new();
    loop {
        let frame = replay.next_frame().await.expect("open");
        if frame["type"] == "ready" {
            break;
        }
        if is_notification_frame(&frame) {
            kinds.push(frame["type"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        kinds,
        vec![
            "notification.created",
            "notification.updated",
            "notification.updated",
            "notification.deleted"
        ]
    );
    let mut amy_replay = amy_caller.socket(Some(since)).await;
    loop {
        let frame = amy_replay.next_frame().await.expect("open");
        if frame["type"] == "ready" {
            break;
        }
        if is_notification_frame(&frame) {
            assert_ne!(
                frame["data"]["id"].as_str(),
                Some(nid.as_str()),
                "Amy's replay must not carry Ann's notification"
            );
        }
    }
}

#[tokio::test]
async fn the_service_lists_and_counts_the_actors_own_in_product_notifications() {
    let app = TestApp::spawn().await;
    let ann = app.create_client("Ann", None).await;
    let bob = app.create_client("Bob", None).await;
    let ann_actor = Actor::Client(ClientActor { id: id(&ann) });
    let mut anns = Vec::new();
    for title in ["one", "two", "three"] {
        anns.push(id(
            &send(&app, to_client(&app.owner_id, &id(&ann), title)).await
        ));
    }
    send(&app, to_client(&app.owner_id, &id(&bob), "Bob's")).await;
    send(
        &app,
        json!({
            "senderId": app.owner_id, "recipientClientId": id(&ann),
            "deliveryTargets": { "email": { "subject": "e-mail only" } },
        }),
    )
    .await;

    assert_eq!(
        notifications::unread_count(&app.ctx, &ann_actor)
            .await
            .unwrap(),
        3,
        "three in-product notifications; the e-mail-only one and Bob's do not count"
    );
    let page = |token: Option<String>| {
        PageRequest::parse("notifications", Some(2), token.as_deref()).unwrap()
    };
    let first = notifications::list_for_actor(&app.ctx, &ann_actor, false, page(None))
        .await
        .unwrap();
    let second =
        notifications::list_for_actor(&app.ctx, &ann_actor, false, page(first.next_token.clone()))
            .await
            .unwrap();
    assert!(second.next_token.is_none());
    let listed: Vec<String> = first
        .data
        .iter()
        .chain(&second.data)
        .map(|n| n.id.clone())
        .collect();
    let mut newest_first = anns.clone();
    newest_first.reverse();
    assert_eq!(listed, newest_first);

    notifications::mark_read(&app.ctx, &ann_actor, &anns[0])
        .await
        .unwrap();
    assert_eq!(
        notifications::unread_count(&app.ctx, &ann_actor)
            .await
            .unwrap(),
        2
    );
    let unread_only = notifications::list_for_actor(&app.ctx, &ann_actor, false, page(None))
        .await
        .unwrap();
    assert!(unread_only.data.iter().all(|n| n.id != anns[0]));
    let with_read = notifications::list_for_actor(
        &app.ctx,
        &ann_actor,
        true,
        PageRequest::parse("notifications", None, None).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(with_read.data.len(), 3);
    notifications::mark_unread(&app.ctx, &ann_actor, &anns[0])
        .await
        .unwrap();
    notifications::delete(&app.ctx, &ann_actor, &anns[1])
        .await
        .unwrap();
    assert_eq!(
        notifications::unread_count(&app.ctx, &ann_actor)
            .await
            .unwrap(),
        2
    );
    let bob_actor = Actor::Client(ClientActor { id: id(&bob) });
    assert!(
        notifications::mark_read(&app.ctx, &bob_actor, &anns[0])
            .await
            .is_err(),
        "Bob cannot mark Ann's"
    );
}
