use parlor::storage::Backend;
use serde_json::json;

use crate::helpers::{ids, TestApp};

#[tokio::test]
async fn messages_are_listed_newest_first_and_page_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    let mut sent = Vec::new();
    for i in 0..25 {
        let response = app
            .admin
            .send_message(&channel, &format!("message {i}"))
            .await;
        assert_eq!(response.status, 200, "{}", response.body);
        sent.push(response.id());
    }
    let welcome = app
        .all_messages(&app.admin, &channel, 1000)
        .await
        .last()
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut expected: Vec<String> = sent.into_iter().rev().collect();
    expected.push(welcome);
    for limit in [1, 7, 25, 26, 100] {
        let paged = ids(&app.all_messages(&app.admin, &channel, limit).await);
        assert_eq!(paged, expected, "paging messages with limit {limit}");
    }
}

#[tokio::test]
async fn a_sent_message_has_the_assembly_shape_and_moves_the_channel_date() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    let before = app
        .admin
        .get(&format!("/v1/message-channels/{channel}"))
        .await
        .body["lastMessageDate"]
        .clone();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let message = app
        .admin
        .send_message(&channel, "Your **return** is ready")
        .await
        .body;
    for field in [
        "id",
        "senderId",
        "createdAt",
        "updatedAt",
        "channelId",
        "text",
    ] {
        assert!(message[field].is_string(), "{field} in {message}");
    }
    assert_eq!(message["object"], "message");
    assert_eq!(message["isAttachmentIncluded"], false);
    assert_eq!(message["senderId"].as_str().unwrap(), app.owner_id);
    let after = app
        .admin
        .get(&format!("/v1/message-channels/{channel}"))
        .await
        .body["lastMessageDate"]
        .clone();
    assert_eq!(after, message["createdAt"]);
    assert_ne!(before, after);
}

#[tokio::test]
async fn an_integration_can_send_on_behalf_of_a_channel_member_only() {
    let app = TestApp::spawn().await;
    let ann = app.create_client("Ann", None).await;
    let bob = app.create_client("Bob", None).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let as_ann = app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": channel, "text": "from Ann", "senderId": ann["id"] }),
        )
        .await;
    assert_eq!(as_ann.status, 200, "{}", as_ann.body);
    assert_eq!(as_ann.body["senderId"], ann["id"]);
    assert_eq!(as_ann.body["senderType"], "client");
    let as_bob = app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": channel, "text": "from Bob", "senderId": bob["id"] }),
        )
        .await;
    as_bob.assert_error(422, "sending as a non-member");
    let texts: Vec<String> = app
        .all_messages(&app.admin, &channel, 100)
        .await
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_string())
        .collect();
    assert!(!texts.contains(&"from Bob".to_string()), "{texts:?}");

    let ann_session = app.client_session(&ann).await;
    let impersonating = ann_session
        .post(
            "/v1/messages",
            json!({ "channelId": channel, "text": "as owner", "senderId": app.owner_id }),
        )
        .await;
    impersonating.assert_error(403, "a signed-in client sending as someone else");
}

#[tokio::test]
async fn a_retried_send_with_the_same_idempotency_key_is_stored_once() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    let send = || {
        let request = app
            .admin
            .request(reqwest::Method::POST, "/v1/messages")
            .header("Idempotency-Key", "draft-1")
            .json(&json!({ "channelId": channel, "text": "once" }));
        app.admin.send(request)
    };
    let (first, second) = (send().await, send().await);
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.id(), second.id());
    let onces = app
        .all_messages(&app.admin, &channel, 100)
        .await
        .iter()
        .filter(|m| m["text"] == "once")
        .count();
    assert_eq!(onces, 1);
    let reused = app
        .admin
        .request(reqwest::Method::POST, "/v1/messages")
        .header("Idempotency-Key", "draft-1")
        .json(&json!({ "channelId": channel, "text": "different" }));
    app.admin
        .send(reused)
        .await
        .assert_error(409, "a key reused for another text");
}

#[tokio::test]
async fn authors_edit_and_delete_their_own_messages_and_history_keeps_its_order() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    let ann = app.client_session(&client).await;
    let first = ann.send_message(&channel, "first").await.id();
    let second = ann.send_message(&channel, "secnod").await.id();
    let third = ann.send_message(&channel, "third").await.id();

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let edited = ann
        .patch(
            &format!("/v1/messages/{second}"),
            json!({ "text": "second" }),
        )
        .await;
    assert_eq!(edited.body["text"], "second");
    assert_ne!(
        edited.body["updatedAt"], edited.body["createdAt"],
        "an edit moves updatedAt"
    );
    app.admin
        .patch(
            &format!("/v1/messages/{second}"),
            json!({ "text": "hijacked" }),
        )
        .await
        .assert_error(403, "editing another's message");
    app.admin
        .delete(&format!("/v1/messages/{first}"))
        .await
        .assert_error(403, "deleting another's message");

    let deleted = ann.delete(&format!("/v1/messages/{first}")).await;
    assert_eq!(deleted.status, 200);
    assert!(deleted.body["deletedAt"].is_string());
    assert_eq!(deleted.body["text"], "");
    ann.patch(&format!("/v1/messages/{first}"), json!({ "text": "back" }))
        .await
        .assert_error(409, "editing a deleted message");

    let history = app.all_messages(&app.admin, &channel, 100).await;
    assert_eq!(
        ids(&history[..3]),
        vec![third, second, first],
        "order holds after edits and deletes"
    );
    assert_eq!(history[1]["text"], "second");
}

#[tokio::test]
async fn unread_counts_follow_what_each_reader_has_read() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    let ann = app.client_session(&client).await;
    let unread = |caller: crate::helpers::Caller| {
        let path = format!("/v1/message-channels/{channel}");
        async move {
            caller.get(&path).await.body["unreadCount"]
                .as_i64()
                .unwrap()
        }
    };
    assert_eq!(
        unread(ann.clone()).await,
        1,
        "the welcome message is unread"
    );
    app.admin.send_message(&channel, "one").await;
    app.admin.send_message(&channel, "two").await;
    assert_eq!(unread(ann.clone()).await, 3);
    assert_eq!(
        unread(app.admin.clone()).await,
        0,
        "your own messages are never unread"
    );

    let read = ann
        .post(&format!("/v1/message-channels/{channel}/read"), json!({}))
        .await;
    assert_eq!(read.body["unreadCount"], 0);
    ann.send_message(&channel, "thanks!").await;
    app.admin.send_message(&channel, "you're welcome").await;
    assert_eq!(unread(ann.clone()).await, 1);
    assert_eq!(
        unread(app.admin.clone()).await,
        1,
        "the owner has not read Ann's reply"
    );

    app.admin.send_message(&channel, "a").await;
    app.admin.send_message(&channel, "b").await;
    assert_eq!(unread(ann.clone()).await, 3);
    let messages = app.all_messages(&app.admin, &channel, 100).await;
    assert_eq!(messages[2]["text"], "you're welcome");
    let partial = ann
        .post(
            &format!("/v1/message-channels/{channel}/read"),
            json!({ "messageId": messages[2]["id"] }),
        )
        .await;
    assert_eq!(
        partial.body["unreadCount"], 2,
        "reading up to a message leaves later ones unread"
    );
    let oldest = messages.last().unwrap()["id"].clone();
    let back = ann
        .post(
            &format!("/v1/message-channels/{channel}/read"),
            json!({ "messageId": oldest }),
        )
        .await;
    assert_eq!(
        back.body["unreadCount"], 2,
        "a read marker never moves back"
    );
}

#[tokio::test]
async fn marking_a_channel_unread_brings_back_the_newest_message_from_someone_else() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    let ann = app.client_session(&client).await;
    let read_path = format!("/v1/message-channels/{channel}/read");
    let unread_path = format!("/v1/message-channels/{channel}/unread");
    let question = ann.send_message(&channel, "Is my return filed?").await.id();
    app.admin.send_message(&channel, "Checking now").await;
    app.admin.post(&read_path, json!({})).await;

    let (mut socket, _) = app.admin.ready_socket(None).await;
    let unread = app.admin.post(&unread_path, json!({})).await;
    assert_eq!(unread.status, 200, "{}", unread.body);
    assert_eq!(
        unread.body["unreadCount"], 1,
        "Ann's question is unread again, the owner's own reply never is"
    );
    // The read just before the socket opened may still reach it live (the
    // pump publishes a moment after the commit); the unread comes after.
    let frame = socket
        .next_where(|f| {
            f["type"] == "channel.read"
                && f["data"]["userId"] != client["id"]
                && f["data"]["unreadCount"] != 0
        })
        .await;
    assert_eq!(frame["data"]["unreadCount"], 1, "{frame}");
    assert_ne!(
        frame["data"]["lastReadMessageId"],
        json!(question),
        "the marker moved back before the question"
    );

    let read = app.admin.post(&read_path, json!({})).await;
    assert_eq!(read.body["unreadCount"], 0);
    let frame = socket
        .next_where(|f| f["type"] == "channel.read" && f["data"]["unreadCount"] == 0)
        .await;
    assert_eq!(frame["data"]["channelId"], channel.as_str());

    // Only someone who sees the channel may move their marker in it.
    let bob = app.create_client("Bob", None).await;
    let bob = app.client_session(&bob).await;
    bob.post(&unread_path, json!({}))
        .await
        .assert_error(404, "a stranger's channel");
    app.anonymous()
        .post(&unread_path, json!({}))
        .await
        .assert_error(401, "no session");
}

#[tokio::test]
async fn a_mass_message_reaches_each_client_in_their_own_channel() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let bob = app.create_client("Bob", None).await;
    // Bob has no individual channel yet: the mass message opens one.
    let bob_channel = app.individual_channel(bob["id"].as_str().unwrap()).await;
    app.admin
        .delete(&format!("/v1/message-channels/{bob_channel}"))
        .await;

    let sent = app.admin.post("/v1/mass-messages", json!({ "clientIds": [ann["id"], bob["id"], ann["id"]], "text": "Tax season starts Monday" })).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let data = sent.body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2, "duplicates are reached once: {}", sent.body);
    for (entry, client) in data.iter().zip([&ann, &bob]) {
        assert_eq!(entry["clientId"], client["id"]);
        let channel = app
            .admin
            .get(&format!(
                "/v1/message-channels/{}",
                entry["channelId"].as_str().unwrap()
            ))
            .await
            .body;
        assert_eq!(channel["membershipType"], "individual");
        assert_eq!(
            channel["memberIds"],
            json!([client["id"]]),
            "each recipient is alone in their channel"
        );
        assert_eq!(entry["message"]["text"], "Tax season starts Monday");
    }
    let bob_session = app.client_session(&bob).await;
    let bob_sees = crate::helpers::collect_pages(&bob_session, "/v1/message-channels").await;
    assert_eq!(
        ids(&bob_sees),
        vec![data[1]["channelId"].as_str().unwrap().to_string()],
        "Bob sees only his own channel"
    );
    let bob_messages = app
        .all_messages(&bob_session, data[1]["channelId"].as_str().unwrap(), 100)
        .await;
    assert_eq!(
        bob_messages.len(),
        2,
        "the new channel's welcome, then the mass message"
    );
}

#[tokio::test]
async fn a_mass_message_with_one_bad_recipient_reaches_no_one() {
    let app = TestApp::spawn().await;
    let ann = app.create_client("Ann", None).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let refused = app
        .admin
        .post(
            "/v1/mass-messages",
            json!({ "clientIds": [ann["id"], "no-such-client"], "text": "hello all" }),
        )
        .await;
    refused.assert_error(422, "a mass message to an unknown client");
    assert_eq!(
        app.all_messages(&app.admin, &channel, 100).await.len(),
        1,
        "Ann got nothing"
    );
    app.admin
        .post(
            "/v1/mass-messages",
            json!({ "clientIds": [], "text": "hello" }),
        )
        .await
        .assert_error(422, "no recipients");
}

/// Sends that arrive at the same moment are written together; each is still
/// answered for itself: a refusal stays that sender's, a retried key makes
/// one message, and every accepted message is stored and announced once.
#[tokio::test]
async fn sends_that_arrive_together_are_each_answered_for_themselves() {
    let app = TestApp::spawn().await;
    let ann = app.create_client("Ann", None).await;
    let bob = app.create_client("Bob", None).await;
    let ann_channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let bob_channel = app.individual_channel(bob["id"].as_str().unwrap()).await;
    let ann_session = app.client_session(&ann).await;
    let (mut socket, _) = app.admin.ready_socket(None).await;

    let retried = || {
        let request = app
            .admin
            .request(reqwest::Method::POST, "/v1/messages")
            .header("Idempotency-Key", "burst")
            .json(&json!({ "channelId": ann_channel, "text": "once, however often" }));
        app.admin.send(request)
    };
    let (admin_sends, ann_sends, refused, retries) = tokio::join!(
        futures_util::future::join_all((0..40).map(|i| {
            let channel = if i % 2 == 0 {
                &ann_channel
            } else {
                &bob_channel
            };
            let admin = &app.admin;
            async move { admin.send_message(channel, &format!("admin {i}")).await }
        })),
        futures_util::future::join_all((0..20).map(|i| {
            let ann = &ann_session;
            let channel = &ann_channel;
            async move { ann.send_message(channel, &format!("ann {i}")).await }
        })),
        futures_util::future::join_all((0..10).map(|i| {
            let ann = &ann_session;
            let channel = &bob_channel;
            async move { ann.send_message(channel, &format!("intruder {i}")).await }
        })),
        futures_util::future::join_all((0..10).map(|_| retried())),
    );

    for response in &refused {
        response.assert_error(404, "a client posting in another client's channel");
    }
    let retried_ids: std::collections::HashSet<String> = retries
        .iter()
        .map(|response| {
            assert_eq!(response.status, 200, "{}", response.body);
            response.id()
        })
        .collect();
    assert_eq!(retried_ids.len(), 1, "one message for one idempotency key");

    let mut accepted = std::collections::HashMap::new();
    for response in admin_sends.iter().chain(&ann_sends) {
        assert_eq!(response.status, 200, "{}", response.body);
        accepted.insert(response.id(), response.body["text"].clone());
    }
    let retried_id = retried_ids.into_iter().next().unwrap();
    accepted.insert(retried_id, json!("once, however often"));
    assert_eq!(accepted.len(), 61, "every accepted send has its own id");

    let mut stored = app.all_messages(&app.admin, &ann_channel, 100).await;
    stored.extend(app.all_messages(&app.admin, &bob_channel, 100).await);
    stored.retain(|message| message["isWelcome"] == false);
    assert_eq!(stored.len(), accepted.len(), "nothing refused was stored");
    for message in &stored {
        let id = message["id"].as_str().unwrap();
        assert_eq!(
            accepted.get(id),
            Some(&message["text"]),
            "stored {id} as answered"
        );
    }

    let mut announced = std::collections::HashSet::new();
    while announced.len() < accepted.len() {
        let event = socket
            .next_where(|frame| frame["type"] == "message.created")
            .await;
        let id = event["data"]["id"].as_str().unwrap().to_string();
        assert!(accepted.contains_key(&id), "announced {id}, never accepted");
        assert!(announced.insert(id), "each message is announced once");
    }
}

/// When the database refuses one message of a batch, the batch is written
/// again one message at a time: only that message fails, the others are
/// stored and answered. (A trigger stands in for the refusal; between
/// servers sharing a database, a retried idempotency key can do it.)
#[tokio::test]
async fn a_message_the_database_refuses_fails_alone_and_its_batch_is_stored() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    let refuse_poison = match app.ctx.store.backend() {
        Backend::Sqlite => vec![
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON messages WHEN NEW.text = 'poison' \
             BEGIN SELECT RAISE(ABORT, 'poison'); END",
        ],
        Backend::Postgres => vec![
            "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN \
             IF NEW.text = 'poison' THEN RAISE EXCEPTION 'poison'; END IF; RETURN NEW; END $$ \
             LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON messages FOR EACH ROW \
             EXECUTE FUNCTION refuse_poison()",
        ],
    };
    let mut tx = app.ctx.store.begin().await.unwrap();
    for statement in refuse_poison {
        sqlx::query(statement).execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();

    // Hold the writer up so that the sends queue and go in one batch.
    let mut hold = app.ctx.store.begin().await.unwrap();
    sqlx::query("UPDATE channels SET updated_at = updated_at")
        .execute(&mut *hold)
        .await
        .unwrap();
    let texts: Vec<String> = (0..20)
        .map(|i| {
            if i == 7 {
                "poison".into()
            } else {
                format!("fine {i}")
            }
        })
        .collect();
    let sends = futures_util::future::join_all(texts.iter().map(|text| {
        let admin = &app.admin;
        let channel = &channel;
        async move { admin.send_message(channel, text).await }
    }));
    let release = async {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        hold.rollback().await.unwrap();
    };
    let (answers, ()) = tokio::join!(sends, release);

    for (text, answer) in texts.iter().zip(&answers) {
        if text == "poison" {
            answer.assert_error(500, "the message the database refused");
        } else {
            assert_eq!(answer.status, 200, "{text}: {}", answer.body);
        }
    }
    let stored: Vec<String> = app
        .all_messages(&app.admin, &channel, 100)
        .await
        .iter()
        .filter(|m| m["isWelcome"] == false)
        .map(|m| m["text"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(stored.len(), 19, "all but the refused message: {stored:?}");
    assert!(!stored.contains(&"poison".to_string()));
}
