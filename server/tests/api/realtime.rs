//! The realtime socket: who receives what, resuming without gaps or
//! repeats, resync, slow sockets, typing and presence.

use serde_json::{json, Value};

use crate::helpers::{Socket, TestApp};

/// Acme (Ann, Amy) and Globex (Bob), their individual channels, and callers.
struct Firm {
    app: TestApp,
    acme: String,
    ann: Value,
    amy: Value,
    bob: Value,
    ann_channel: String,
    amy_channel: String,
    bob_channel: String,
}

impl Firm {
    async fn build() -> Firm {
        let app = TestApp::spawn().await;
        let acme = app.create_company("Acme").await;
        let globex = app.create_company("Globex").await;
        let ann = app.create_client("Ann", Some(&acme)).await;
        let amy = app.create_client("Amy", Some(&acme)).await;
        let bob = app.create_client("Bob", Some(&globex)).await;
        let ann_channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
        let amy_channel = app.individual_channel(amy["id"].as_str().unwrap()).await;
        let bob_channel = app.individual_channel(bob["id"].as_str().unwrap()).await;
        Firm {
            app,
            acme,
            ann,
            amy,
            bob,
            ann_channel,
            amy_channel,
            bob_channel,
        }
    }
}

fn id(value: &Value) -> String {
    value["id"].as_str().unwrap().to_string()
}

/// The next message.created frame's text.
async fn next_message_text(socket: &mut Socket) -> String {
    let frame = socket.next_where(|f| f["type"] == "message.created").await;
    frame["data"]["text"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_new_message_reaches_every_member_live_and_no_one_else() {
    let f = Firm::build().await;
    let globex = f.bob["companyId"].as_str().unwrap().to_string();
    let (_, staff_full) = f.app.staff(None).await;
    let (_, staff_acme) = f.app.staff(Some(&[f.acme.as_str()])).await;
    let (_, staff_globex) = f.app.staff(Some(&[globex.as_str()])).await;
    let ann = f.app.client_session(&f.ann).await;
    let amy = f.app.client_session(&f.amy).await;
    let bob = f.app.client_session(&f.bob).await;

    let mut receivers = Vec::new();
    for (role, caller) in [
        ("admin", &f.app.admin),
        ("staff, full", &staff_full),
        ("staff, Acme", &staff_acme),
        ("Ann", &ann),
    ] {
        receivers.push((role, caller.ready_socket(None).await.0));
    }
    let mut outsiders = Vec::new();
    for (role, caller) in [
        ("staff, Globex", &staff_globex),
        ("Amy of Acme", &amy),
        ("Bob of Globex", &bob),
    ] {
        outsiders.push((role, caller.ready_socket(None).await.0, ()));
    }
    assert!(
        !outsiders.is_empty(),
        "the test needs people outside the channel to mean anything"
    );

    let sent = f
        .app
        .admin
        .send_message(&f.ann_channel, "Your return is ready")
        .await;
    let rest = f
        .app
        .admin
        .get(&format!("/v1/messages/{}", sent.id()))
        .await
        .body;
    for (role, socket) in &mut receivers {
        let frame = socket.next_where(|f| f["type"] == "message.created").await;
        assert_eq!(
            frame["data"], rest,
            "{role} gets the message exactly as the REST API shows it"
        );
        assert!(
            frame["cursor"].is_string(),
            "{role}: a cursor on every logged event"
        );
    }
    // Events arrive in order: a later message in a channel outsiders do see
    // proves the earlier one was never sent to them.
    for channel in [&f.bob_channel, &f.amy_channel] {
        f.app.admin.send_message(channel, "fence").await;
    }
    for (role, socket, _) in &mut outsiders {
        assert_eq!(
            next_message_text(socket).await,
            "fence",
            "{role} must not get Ann's message"
        );
    }
    let reply = ann.send_message(&f.ann_channel, "Thanks!").await;
    assert_eq!(reply.status, 200);
    let (_, admin_socket) = &mut receivers[0];
    let fences = [
        next_message_text(admin_socket).await,
        next_message_text(admin_socket).await,
    ];
    assert_eq!(
        fences,
        ["fence", "fence"],
        "admins see every channel, the fences included"
    );
    assert_eq!(
        next_message_text(admin_socket).await,
        "Thanks!",
        "the client's reply reaches staff live"
    );
}

#[tokio::test]
async fn a_socket_without_valid_credentials_is_refused() {
    let f = Firm::build().await;
    let base = f.app.admin.ws_base();
    assert_eq!(
        Socket::connect(&format!("{base}/v1/realtime"), &[])
            .await
            .err(),
        Some(401),
        "no credentials"
    );
    assert_eq!(
        Socket::connect(
            &format!("{base}/v1/realtime?token=client.x.99999999999999.AAAA"),
            &[]
        )
        .await
        .err(),
        Some(401),
        "a forged token"
    );
    assert_eq!(
        Socket::connect(
            &format!("{base}/v1/realtime"),
            &[("x-api-key", "parlor_wrong")]
        )
        .await
        .err(),
        Some(401),
        "a wrong key"
    );
    assert_eq!(
        Socket::connect(&format!("{base}/v1/realtime?since=yesterday"), &[])
            .await
            .err(),
        Some(401),
        "credentials first"
    );

    let ann = f.app.client_session(&f.ann).await;
    let cookie = ann.cookie.clone().unwrap();
    let hijack = Socket::connect(
        &format!("{base}/v1/realtime"),
        &[("cookie", &cookie), ("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(
        hijack.err(),
        Some(403),
        "a cookie from another site's page is refused"
    );
    let host = base.trim_start_matches("ws://");
    let own = Socket::connect(
        &format!("{base}/v1/realtime"),
        &[("cookie", &cookie), ("origin", &format!("http://{host}"))],
    )
    .await;
    assert!(own.is_ok(), "the server's own pages may use the cookie");
    let with_key = Socket::connect(
        &format!("{base}/v1/realtime?since=abc"),
        &[("x-api-key", "parlor_wrong")],
    )
    .await;
    assert_eq!(with_key.err(), Some(401));
}

#[tokio::test]
async fn membership_changes_take_effect_on_open_sockets() {
    let f = Firm::build().await;
    let amy = f.app.client_session(&f.amy).await;
    let bob = f.app.client_session(&f.bob).await;
    let (mut amy_socket, _) = amy.ready_socket(None).await;
    let (mut bob_socket, _) = bob.ready_socket(None).await;

    // A company channel is made: Amy sees it open, with its welcome, at once.
    let company = f
        .app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "company", "companyId": f.acme }),
        )
        .await
        .id();
    let created = amy_socket.next_event().await;
    assert_eq!(
        (created["type"].as_str(), created["data"]["id"].as_str()),
        (Some("channel.created"), Some(company.as_str()))
    );
    assert!(
        created["data"].get("unreadCount").is_none(),
        "shared events carry nothing personal"
    );
    assert!(
        next_message_text(&mut amy_socket)
            .await
            .contains("everyone"),
        "then its welcome message"
    );

    // Bob joins Acme: his open socket learns of the channel and gets its messages.
    let joined = f
        .app
        .admin
        .patch(
            &format!("/v1/clients/{}", id(&f.bob)),
            json!({ "companyIds": [f.acme] }),
        )
        .await;
    assert_eq!(joined.status, 200);
    let update = bob_socket
        .next_where(|f| f["type"] == "channel.updated" && f["data"]["id"] == company.as_str())
        .await;
    assert!(update["data"]["memberIds"]
        .as_array()
        .unwrap()
        .contains(&f.bob["id"]));
    f.app
        .admin
        .send_message(&company, "Welcome aboard, Bob")
        .await;
    assert_eq!(
        next_message_text(&mut bob_socket).await,
        "Welcome aboard, Bob"
    );

    // Amy leaves Acme: she is told, and later messages no longer reach her.
    f.app
        .admin
        .patch(
            &format!("/v1/clients/{}", id(&f.amy)),
            json!({ "companyIds": [] }),
        )
        .await;
    let amy_id = f.amy["id"].clone();
    let left = amy_socket
        .next_where(|x| {
            x["type"] == "channel.updated"
                && x["data"]["id"] == company.as_str()
                && !x["data"]["memberIds"].as_array().unwrap().contains(&amy_id)
        })
        .await;
    assert_eq!(
        left["data"]["membershipType"], "company",
        "Amy is told she left"
    );
    f.app.admin.send_message(&company, "Acme only").await;
    f.app.admin.send_message(&f.amy_channel, "fence").await;
    assert_eq!(
        next_message_text(&mut amy_socket).await,
        "fence",
        "Amy no longer receives Acme's channel"
    );

    // A group made with Amy and Ann reaches Amy's open socket.
    let acme_again = f
        .app
        .admin
        .patch(
            &format!("/v1/clients/{}", id(&f.amy)),
            json!({ "companyIds": [f.acme] }),
        )
        .await;
    assert_eq!(acme_again.status, 200);
    let group = f
        .app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "group", "memberIds": [f.ann["id"], f.amy["id"]] }),
        )
        .await
        .id();
    amy_socket
        .next_where(|f| f["type"] == "channel.created" && f["data"]["id"] == group.as_str())
        .await;
    assert!(
        next_message_text(&mut amy_socket)
            .await
            .contains("everyone"),
        "the group's welcome"
    );
    f.app.admin.send_message(&group, "Group hello").await;
    assert_eq!(next_message_text(&mut amy_socket).await, "Group hello");
}

#[tokio::test]
async fn a_resumed_socket_gets_every_missed_event_once_and_in_order() {
    let f = Firm::build().await;
    let ann = f.app.client_session(&f.ann).await;
    let (mut socket, _) = ann.ready_socket(None).await;
    f.app
        .admin
        .send_message(&f.ann_channel, "before the drop")
        .await;
    let seen = socket.next_where(|f| f["type"] == "message.created").await;
    let cursor = seen["cursor"].as_str().unwrap().to_string();
    drop(socket);

    // Messages keep coming while Ann is away and while she reconnects.
    let sender = f.app.admin.clone();
    let channel = f.ann_channel.clone();
    let background = tokio::spawn(async move {
        let mut sent = Vec::new();
        for i in 0..40 {
            let response = sender.send_message(&channel, &format!("missed {i}")).await;
            assert_eq!(response.status, 200, "{}", response.body);
            sent.push(response.id());
            if i % 7 == 0 {
                tokio::time::sleep(std::time::Duration::from_millis(3)).await;
            }
        }
        sent
    });
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let mut resumed = ann.socket(Some(&cursor)).await;
    let sent = background.await.unwrap();
    f.app.admin.send_message(&f.ann_channel, "the end").await;

    let mut received = Vec::new();
    let mut cursors = Vec::new();
    loop {
        let frame = resumed.next_where(|f| f["type"] == "message.created").await;
        if frame["data"]["text"] == "the end" {
            break;
        }
        cursors.push(frame["cursor"].as_str().unwrap().parse::<i64>().unwrap());
        received.push(id(&frame["data"]));
    }
    assert_eq!(
        received, sent,
        "every missed message, once, in the order sent"
    );
    assert!(
        cursors.windows(2).all(|w| w[0] < w[1]),
        "cursors only grow: {cursors:?}"
    );
}

#[tokio::test]
async fn a_socket_opened_after_a_write_was_answered_starts_after_it() {
    let f = Firm::build().await;
    let (node_b, _stop_b) = f.app.second_node().await;
    let (mut watching, _) = f.app.admin.ready_socket(None).await;
    let cursor = |frame: &Value| frame["cursor"].as_str().unwrap().parse::<i64>().unwrap();
    // Each socket opens the moment the answer arrives: on the node that
    // wrote, before it has handed the write to its sockets; on another,
    // before it has read the write from the log.
    for i in 0..5 {
        let sent = f
            .app
            .admin
            .send_message(&f.ann_channel, &format!("sent {i}"))
            .await;
        assert_eq!(sent.status, 200, "{}", sent.body);
        let (_, on_a) = f.app.admin.ready_socket(None).await;
        let (_, on_b) = node_b.ready_socket(None).await;
        let heard = watching
            .next_where(|f| f["type"] == "message.created")
            .await;
        assert_eq!(heard["data"]["id"], sent.id().as_str());
        for (node, ready) in [("A", on_a), ("B", on_b)] {
            assert!(
                cursor(&ready) >= cursor(&heard),
                "a socket on {node} opened after message {i} was answered starts at {ready}, before it ({heard})"
            );
        }
    }
}

#[tokio::test]
async fn a_cursor_that_can_no_longer_be_replayed_gets_resync_required() {
    let f = Firm::build().await;
    let (_, ready) = f.app.admin.ready_socket(None).await;
    let old_cursor = ready["cursor"].as_str().unwrap().to_string();
    for i in 0..3 {
        f.app
            .admin
            .send_message(&f.ann_channel, &format!("later {i}"))
            .await;
    }
    let mut tx = f.app.ctx.store.begin().await.unwrap();
    let pruned = parlor::storage::events::prune(&mut tx, parlor::storage::now_ms() + 1)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(
        pruned >= 2,
        "the log forgot the events after the old cursor"
    );

    let mut socket = f.app.admin.socket(Some(&old_cursor)).await;
    let first = socket.next_frame().await.unwrap();
    assert_eq!(first["type"], "resync.required");
    let resync_cursor: i64 = first["cursor"].as_str().unwrap().parse().unwrap();
    let ready = socket.next_frame().await.unwrap();
    assert_eq!(ready["type"], "ready", "then the socket goes live");
    f.app.admin.send_message(&f.ann_channel, "live again").await;
    // Events the server had not yet published when it answered may still
    // follow; each comes after the cursor the resync handed out.
    let live = loop {
        let live = socket.next_where(|x| x["type"] == "message.created").await;
        let cursor: i64 = live["cursor"].as_str().unwrap().parse().unwrap();
        assert!(
            cursor > resync_cursor,
            "{live} repeats what the resync covered"
        );
        if live["data"]["text"] == "live again" {
            break live;
        }
    };

    let mut future = f.app.admin.socket(Some("99999999")).await;
    assert_eq!(
        future.next_frame().await.unwrap()["type"],
        "resync.required",
        "a cursor from the future"
    );
    let current = live["cursor"].as_str().unwrap();
    let mut fresh = f.app.admin.socket(Some(current)).await;
    assert_eq!(
        fresh.next_frame().await.unwrap()["type"],
        "ready",
        "the newest cursor resumes with nothing to replay"
    );
}

#[tokio::test]
async fn a_stalled_socket_is_closed_while_others_keep_receiving() {
    let f = Firm::build().await;
    let (mut stalled, _) = f.app.admin.ready_socket(None).await;
    let (mut reader, _) = f.app.admin.ready_socket(None).await;
    assert_eq!(f.app.ctx.hub.connections(), 2);
    let text = "x".repeat(9_000);
    let mut sent = 0;
    // Send until the server gives up on the socket that never reads.
    while f.app.ctx.hub.connections() == 2 {
        assert!(sent < 5_000, "the stalled socket was never closed");
        let response = f.app.admin.send_message(&f.ann_channel, &text).await;
        assert_eq!(response.status, 200);
        sent += 1;
        let frame = reader.next_where(|f| f["type"] == "message.created").await;
        assert_eq!(
            frame["data"]["id"], response.body["id"],
            "the reading socket keeps up, message {sent}"
        );
    }
    f.app.admin.send_message(&f.ann_channel, "after").await;
    assert_eq!(
        next_message_text(&mut reader).await,
        "after",
        "the reader is unaffected"
    );
    let mut delivered = 0;
    while let Some(frame) = stalled.next_frame().await {
        if frame["type"] == "message.created" {
            delivered += 1;
        }
    }
    assert!(
        delivered < sent,
        "the stalled socket was cut off ({delivered} of {sent} delivered)"
    );
}

#[tokio::test]
async fn typing_reaches_the_other_members_and_is_never_stored() {
    let f = Firm::build().await;
    let globex = f.bob["companyId"].as_str().unwrap().to_string();
    let ann = f.app.client_session(&f.ann).await;
    let (_, staff_acme) = f.app.staff(Some(&[f.acme.as_str()])).await;
    let (_, staff_globex) = f.app.staff(Some(&[globex.as_str()])).await;
    let (mut ann_socket, ready) = ann.ready_socket(None).await;
    let cursor = ready["cursor"].as_str().unwrap().to_string();
    let (mut staff_socket, _) = staff_acme.ready_socket(None).await;
    let (mut outsider, _) = staff_globex.ready_socket(None).await;

    ann_socket
        .send_json(json!({ "type": "typing", "channelId": f.ann_channel }))
        .await;
    ann_socket
        .send_json(json!({ "type": "typing", "channelId": f.ann_channel }))
        .await;
    ann_socket
        .send_json(json!({ "type": "typing", "channelId": f.bob_channel }))
        .await;
    let typing = staff_socket
        .next_where(|f| f["type"] == "typing" || f["type"] == "message.created")
        .await;
    assert_eq!(typing["type"], "typing");
    assert_eq!(
        typing["data"],
        json!({ "channelId": f.ann_channel, "userId": f.ann["id"] })
    );
    assert!(
        typing.get("cursor").is_none(),
        "typing is not logged, so it has no cursor"
    );

    f.app.admin.send_message(&f.ann_channel, "fence").await;
    let next = staff_socket
        .next_where(|f| f["type"] == "typing" || f["type"] == "message.created")
        .await;
    assert_eq!(
        next["type"], "message.created",
        "the second typing frame within two seconds was dropped"
    );
    f.app.admin.send_message(&f.bob_channel, "fence").await;
    let next = outsider
        .next_where(|f| f["type"] == "typing" || f["type"] == "message.created")
        .await;
    assert_eq!(
        next["type"], "message.created",
        "typing never reaches non-members, even when aimed at their channel"
    );

    let mut replay = ann.socket(Some(&cursor)).await;
    let frame = replay.next_where(|f| f["type"] != "presence").await;
    assert_eq!(
        frame["type"], "message.created",
        "a replay holds no typing: {frame}"
    );
    ann_socket.send_json(json!({ "type": "dance" })).await;
    let error = ann_socket.next_where(|f| f["type"] == "error").await;
    assert_eq!(error["data"]["code"], "bad_request");
}

#[tokio::test]
async fn a_client_frame_many_times_the_read_buffer_is_read_whole() {
    let f = Firm::build().await;
    let ann = f.app.client_session(&f.ann).await;
    let (_, staff_acme) = f.app.staff(Some(&[f.acme.as_str()])).await;
    let (mut ann_socket, _) = ann.ready_socket(None).await;
    let (mut staff_socket, _) = staff_acme.ready_socket(None).await;

    // The server reads 256 bytes at a time; a frame of 40 KiB (under the
    // 64 KiB a frame may have) arrives in many reads and still counts.
    ann_socket
        .send_json(
            json!({ "type": "typing", "channelId": f.ann_channel, "note": "x".repeat(40 * 1024) }),
        )
        .await;
    let typing = staff_socket.next_where(|f| f["type"] == "typing").await;
    assert_eq!(
        typing["data"],
        json!({ "channelId": f.ann_channel, "userId": f.ann["id"] })
    );
}

#[tokio::test]
async fn staff_see_which_colleagues_have_a_conversation_open_and_clients_never_do() {
    let f = Firm::build().await;
    let globex = f.bob["companyId"].as_str().unwrap().to_string();
    let ann = f.app.client_session(&f.ann).await;
    let (carol, carol_session) = f.app.staff(Some(&[f.acme.as_str()])).await;
    let (_, dave_session) = f.app.staff(Some(&[f.acme.as_str()])).await;
    let (_, globex_session) = f.app.staff(Some(&[globex.as_str()])).await;
    let (mut ann_socket, _) = ann.ready_socket(None).await;
    let (mut carol_socket, _) = carol_session.ready_socket(None).await;
    let (mut dave_socket, _) = dave_session.ready_socket(None).await;
    let (mut outsider, _) = globex_session.ready_socket(None).await;
    let viewing_or_message = |f: &Value| f["type"] == "viewing" || f["type"] == "message.created";

    // A channel Carol cannot see counts as none: Globex's staff hear nothing.
    carol_socket
        .send_json(json!({ "type": "viewing", "channelId": f.bob_channel }))
        .await;
    f.app.admin.send_message(&f.bob_channel, "fence").await;
    assert_eq!(
        outsider.next_where(viewing_or_message).await["type"],
        "message.created"
    );

    carol_socket
        .send_json(json!({ "type": "viewing", "channelId": f.ann_channel }))
        .await;
    let opened = dave_socket.next_where(viewing_or_message).await;
    assert_eq!(
        opened["data"],
        json!({ "channelId": f.ann_channel, "userId": carol, "viewing": true })
    );
    assert!(opened.get("cursor").is_none(), "viewing is never stored");
    f.app.admin.send_message(&f.ann_channel, "fence").await;
    assert_eq!(
        ann_socket.next_where(viewing_or_message).await["type"],
        "message.created",
        "the client of the conversation is never told who on the staff looks at it"
    );
    assert_eq!(
        dave_socket.next_where(viewing_or_message).await["type"],
        "message.created"
    );

    ann_socket
        .send_json(json!({ "type": "viewing", "channelId": f.ann_channel }))
        .await;
    let refused = ann_socket.next_where(|f| f["type"] == "error").await;
    assert_eq!(refused["data"]["code"], "forbidden");

    // Closing the conversation, and closing the socket, both tell the others.
    carol_socket
        .send_json(json!({ "type": "viewing", "channelId": null }))
        .await;
    let left = dave_socket.next_where(viewing_or_message).await;
    assert_eq!(
        left["data"],
        json!({ "channelId": f.ann_channel, "userId": carol, "viewing": false })
    );
    carol_socket
        .send_json(json!({ "type": "viewing", "channelId": f.ann_channel }))
        .await;
    assert_eq!(
        dave_socket.next_where(viewing_or_message).await["data"]["viewing"],
        true
    );
    drop(carol_socket);
    let gone = dave_socket.next_where(viewing_or_message).await;
    assert_eq!(
        gone["data"],
        json!({ "channelId": f.ann_channel, "userId": carol, "viewing": false })
    );
}

#[tokio::test]
async fn presence_shows_who_is_online_to_those_allowed_to_see_them() {
    let f = Firm::build().await;
    let ann = f.app.client_session(&f.ann).await;
    let bob = f.app.client_session(&f.bob).await;
    let (_, staff_acme) = f.app.staff(Some(&[f.acme.as_str()])).await;
    let (mut staff_socket, _) = staff_acme.ready_socket(None).await;
    let (mut bob_socket, _) = bob.ready_socket(None).await;

    let staff_id = staff_acme.get("/v1/sessions/current").await.body["userId"].clone();
    let (ann_socket, ann_ready) = ann.ready_socket(None).await;
    let online = ann_ready["data"]["online"].as_array().unwrap().clone();
    assert!(
        online.contains(&staff_id),
        "Ann sees staff online: {online:?}"
    );
    assert!(
        !online.contains(&f.bob["id"]),
        "Ann never sees another company's client: {online:?}"
    );
    let came = staff_socket
        .next_where(|x| x["type"] == "presence" && x["data"]["userId"] == f.ann["id"])
        .await;
    assert_eq!(came["data"]["status"], "online");
    drop(ann_socket);
    let went = staff_socket
        .next_where(|x| x["type"] == "presence" && x["data"]["userId"] == f.ann["id"])
        .await;
    assert_eq!(went["data"]["status"], "offline");

    f.app.admin.send_message(&f.bob_channel, "fence").await;
    let next = bob_socket
        .next_where(|x| {
            x["type"] == "message.created"
                || (x["type"] == "presence" && x["data"]["userId"] == f.ann["id"])
        })
        .await;
    assert_eq!(
        next["type"], "message.created",
        "Bob of Globex is never told about Ann"
    );
}

#[tokio::test]
async fn read_receipts_reach_the_other_members() {
    let f = Firm::build().await;
    let ann = f.app.client_session(&f.ann).await;
    let (mut admin_socket, _) = f.app.admin.ready_socket(None).await;
    let sent = f
        .app
        .admin
        .send_message(&f.ann_channel, "Please sign")
        .await
        .id();
    ann.post(
        &format!("/v1/message-channels/{}/read", f.ann_channel),
        json!({}),
    )
    .await;
    let receipt = admin_socket
        .next_where(|f| f["type"] == "channel.read")
        .await;
    assert_eq!(receipt["data"]["channelId"], f.ann_channel.as_str());
    assert_eq!(receipt["data"]["userId"], f.ann["id"]);
    assert_eq!(receipt["data"]["lastReadMessageId"], sent.as_str());
}

#[tokio::test]
async fn two_servers_sharing_a_database_deliver_and_resume_each_others_events() {
    let f = Firm::build().await;
    let (node_b, _stop_b) = f.app.second_node().await;
    let (mut on_b, _) = node_b.ready_socket(None).await;
    let sent = f
        .app
        .admin
        .send_message(&f.ann_channel, "written on A")
        .await
        .id();
    let frame = on_b.next_where(|x| x["type"] == "message.created").await;
    assert_eq!(
        frame["data"]["id"],
        sent.as_str(),
        "a socket on B hears what was written on A"
    );
    let cursor = frame["cursor"].as_str().unwrap().to_string();
    drop(on_b);

    // Both nodes write at once while the socket is away.
    let write = |caller: crate::helpers::Caller, channel: String, label: &'static str| async move {
        let mut ids = Vec::new();
        for i in 0..15 {
            ids.push(
                caller
                    .send_message(&channel, &format!("{label} {i}"))
                    .await
                    .id(),
            );
        }
        ids
    };
    let (from_a, from_b) = tokio::join!(
        write(f.app.admin.clone(), f.ann_channel.clone(), "A"),
        write(node_b.clone(), f.ann_channel.clone(), "B"),
    );
    f.app.admin.send_message(&f.ann_channel, "the end").await;

    // Resuming on A with B's cursor replays all of it, once, in log order.
    let mut resumed = f.app.admin.socket(Some(&cursor)).await;
    let mut received = Vec::new();
    let mut cursors = Vec::new();
    loop {
        let frame = resumed.next_where(|x| x["type"] == "message.created").await;
        if frame["data"]["text"] == "the end" {
            break;
        }
        cursors.push(frame["cursor"].as_str().unwrap().parse::<i64>().unwrap());
        received.push(id(&frame["data"]));
    }
    assert!(
        cursors.windows(2).all(|w| w[0] < w[1]),
        "cursors only grow: {cursors:?}"
    );
    assert_eq!(
        received.len(),
        from_a.len() + from_b.len(),
        "nothing lost, nothing twice"
    );
    for (node, ids) in [("A", &from_a), ("B", &from_b)] {
        let order: Vec<&String> = received.iter().filter(|id| ids.contains(id)).collect();
        assert_eq!(
            order,
            ids.iter().collect::<Vec<_>>(),
            "what {node} wrote arrives in the order it was written"
        );
    }
}
