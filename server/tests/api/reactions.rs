//! Reactions on messages, and the staff's "Seen by": who may react, what a
//! message shows of its reactions through every door, who hears of a
//! reaction (never a client of one on a note, live or on replay), and which
//! client read up to which message, and when.

use serde_json::{json, Value};

use crate::helpers::{Caller, Response, TestApp};
use crate::notes::call_server_function;

/// `PUT /v1/messages/{id}/reactions/{emoji}`.
pub async fn react(caller: &Caller, message: &str, emoji: &str) -> Response {
    let path = reaction_path(message, emoji);
    caller
        .send(caller.request(reqwest::Method::PUT, &path))
        .await
}

/// `DELETE /v1/messages/{id}/reactions/{emoji}`.
pub async fn unreact(caller: &Caller, message: &str, emoji: &str) -> Response {
    caller.delete(&reaction_path(message, emoji)).await
}

fn reaction_path(message: &str, emoji: &str) -> String {
    let emoji: String = url::form_urlencoded::byte_serialize(emoji.as_bytes()).collect();
    format!("/v1/messages/{message}/reactions/{emoji}")
}

/// Acme's client Ann in her channel, a colleague limited to Acme, Globex's
/// client Bob, a message of the owner's everyone in the channel sees and a
/// note only staff see.
struct Scene {
    app: TestApp,
    channel: String,
    ann: Caller,
    ann_id: String,
    colleague: Caller,
    colleague_id: String,
    bob: Caller,
    message: String,
    note: String,
}

impl Scene {
    async fn build() -> Scene {
        let app = TestApp::spawn().await;
        let acme = app.create_company("Acme").await;
        let globex = app.create_company("Globex").await;
        let ann_client = app.create_client("Ann", Some(&acme)).await;
        let ann_id = ann_client["id"].as_str().unwrap().to_string();
        let bob_client = app.create_client("Bob", Some(&globex)).await;
        let channel = app.individual_channel(&ann_id).await;
        let ann = app.client_session(&ann_client).await;
        let bob = app.client_session(&bob_client).await;
        let (colleague_id, colleague) = app.staff(Some(&[&acme])).await;
        let message = app
            .admin
            .send_message(&channel, "Your return is filed")
            .await;
        assert_eq!(message.status, 200, "{}", message.body);
        let note = app
            .admin
            .post(
                "/v1/messages",
                json!({ "channelId": channel, "text": "Ann pays late", "isInternal": true }),
            )
            .await;
        assert_eq!(note.status, 200, "{}", note.body);
        Scene {
            message: message.id(),
            note: note.id(),
            app,
            channel,
            ann,
            ann_id,
            colleague,
            colleague_id,
            bob,
        }
    }
}

/// A message's reactions as `[(emoji, [userIds])]`, checking each count.
fn reactions(message: &Value) -> Vec<(String, Vec<String>)> {
    message["reactions"]
        .as_array()
        .unwrap_or_else(|| panic!("no reactions in {message}"))
        .iter()
        .map(|r| {
            let users: Vec<String> = r["userIds"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u.as_str().unwrap().to_string())
                .collect();
            assert_eq!(r["count"], users.len(), "the count counts the people: {r}");
            (r["emoji"].as_str().unwrap().to_string(), users)
        })
        .collect()
}

fn of(pairs: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    pairs
        .iter()
        .map(|(emoji, users)| {
            (
                emoji.to_string(),
                users.iter().map(|u| u.to_string()).collect(),
            )
        })
        .collect()
}

#[tokio::test]
async fn anyone_who_sees_a_message_reacts_once_per_emoji_and_takes_it_back() {
    let s = Scene::build().await;
    let ann = s.ann_id.as_str();
    let colleague = s.colleague_id.as_str();

    let first = react(&s.ann, &s.message, "👍").await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(reactions(&first.body), of(&[("👍", &[ann])]));
    let again = react(&s.ann, &s.message, "👍").await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(
        reactions(&again.body),
        of(&[("👍", &[ann])]),
        "reacting again changes nothing"
    );

    let by_staff = react(&s.colleague, &s.message, "👍").await;
    assert_eq!(by_staff.status, 200, "{}", by_staff.body);
    // Without the emoji presentation selector, it is the same heart.
    let heart = react(&s.colleague, &s.message, "\u{2764}").await;
    assert_eq!(heart.status, 200, "{}", heart.body);
    let expected = of(&[("👍", &[ann, colleague]), ("❤️", &[colleague])]);
    assert_eq!(reactions(&heart.body), expected);

    // Every door to the message shows them alike, for everyone who sees it.
    for (who, reader) in [("admin", &s.app.admin), ("Ann", &s.ann)] {
        let read = reader.get(&format!("/v1/messages/{}", s.message)).await;
        assert_eq!(read.status, 200, "{who}: {}", read.body);
        assert_eq!(reactions(&read.body), expected, "{who} reads");
        let listed = s.app.all_messages(reader, &s.channel, 50).await;
        let in_list = listed
            .iter()
            .find(|m| m["id"] == s.message.as_str())
            .unwrap();
        assert_eq!(reactions(in_list), expected, "{who} lists");
    }
    let untouched = s.app.admin.get(&format!("/v1/messages/{}", s.note)).await;
    assert_eq!(
        reactions(&untouched.body),
        of(&[]),
        "other messages keep none"
    );

    let removed = unreact(&s.ann, &s.message, "👍").await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(
        reactions(&removed.body),
        of(&[("👍", &[colleague]), ("❤️", &[colleague])])
    );
    let removed_again = unreact(&s.ann, &s.message, "👍").await;
    assert_eq!(removed_again.status, 200, "{}", removed_again.body);
    assert_eq!(reactions(&removed_again.body), reactions(&removed.body));
    unreact(&s.colleague, &s.message, "👍").await;
    let last = unreact(&s.colleague, &s.message, "❤️").await;
    assert_eq!(
        reactions(&last.body),
        of(&[]),
        "the last one gone, none left"
    );
}

#[tokio::test]
async fn reactions_are_refused_with_the_reason() {
    let s = Scene::build().await;

    let unknown = react(&s.ann, &s.message, "💩").await;
    unknown.assert_error(400, "an emoji outside the set");
    assert!(
        unknown.body["message"]
            .as_str()
            .unwrap()
            .contains("👍 ❤️ 😂 🎉 😮 🙏"),
        "the answer names the set: {}",
        unknown.body
    );
    unreact(&s.ann, &s.message, "thumbsup")
        .await
        .assert_error(400, "taking back an emoji outside the set");

    let outsider = react(&s.bob, &s.message, "👍").await;
    outsider.assert_error(404, "a client of another company");
    let on_note = react(&s.ann, &s.note, "👍").await;
    on_note.assert_error(404, "a client on a note");
    unreact(&s.ann, &s.note, "👍")
        .await
        .assert_error(404, "a client taking back from a note");
    react(&s.ann, "no-such-message", "👍")
        .await
        .assert_error(404, "no such message");
    react(&s.app.anonymous(), &s.message, "👍")
        .await
        .assert_error(401, "no credentials");

    let key = s
        .app
        .sign_in(crate::helpers::OWNER_EMAIL, crate::helpers::PASSWORD)
        .await
        .post(
            "/v1/api-keys",
            json!({ "name": "reporting", "readOnly": true }),
        )
        .await;
    assert_eq!(key.status, 200, "{}", key.body);
    let read_only = s.app.with_key(key.body["key"].as_str().unwrap());
    react(&read_only, &s.message, "👍")
        .await
        .assert_error(403, "a read-only key");
    unreact(&read_only, &s.message, "👍")
        .await
        .assert_error(403, "a read-only key taking back");

    // A deleted message takes none, and keeps none of those it had.
    let doomed = s
        .app
        .admin
        .send_message(&s.channel, "Sent by mistake")
        .await;
    react(&s.ann, &doomed.id(), "😮").await;
    let deleted = s
        .app
        .admin
        .delete(&format!("/v1/messages/{}", doomed.id()))
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(reactions(&deleted.body), of(&[]), "{}", deleted.body);
    react(&s.ann, &doomed.id(), "👍")
        .await
        .assert_error(409, "a deleted message");
    let read = s.ann.get(&format!("/v1/messages/{}", doomed.id())).await;
    assert_eq!(reactions(&read.body), of(&[]));

    let nothing = s
        .app
        .admin
        .get(&format!("/v1/messages/{}", s.message))
        .await;
    assert_eq!(
        reactions(&nothing.body),
        of(&[]),
        "no refusal left a reaction behind"
    );
}

#[tokio::test]
async fn others_hear_a_reaction_live_and_a_repeat_tells_nobody() {
    let s = Scene::build().await;
    let (mut colleague, _) = s.colleague.ready_socket(None).await;
    let (mut ann_socket, _) = s.ann.ready_socket(None).await;

    let reacted = react(&s.ann, &s.message, "🎉").await;
    assert_eq!(reacted.status, 200, "{}", reacted.body);
    let heard = colleague.next_event().await;
    assert_eq!(heard["type"], "message.reactions", "{heard}");
    assert_eq!(heard["data"]["id"], s.message.as_str());
    assert_eq!(
        heard["data"], reacted.body,
        "the event carries the message as the API shows it"
    );
    let own = ann_socket.next_event().await;
    assert_eq!(
        own["type"], "message.reactions",
        "the reactor's other tabs hear too"
    );

    // Reacting again changes nothing and tells nobody; taking it back does.
    react(&s.ann, &s.message, "🎉").await;
    unreact(&s.ann, &s.message, "🎉").await;
    let next = colleague.next_event().await;
    assert_eq!(next["type"], "message.reactions", "{next}");
    assert_eq!(reactions(&next["data"]), of(&[]), "{next}");
    let after = s.app.admin.send_message(&s.channel, "Anything else?").await;
    let then = colleague.next_event().await;
    assert_eq!(then["type"], "message.created", "{then}");
    assert_eq!(then["data"]["id"], after.id().as_str());
}

#[tokio::test]
async fn a_client_never_hears_of_a_reaction_on_a_note_live_or_on_replay() {
    let s = Scene::build().await;
    let (mut ann_socket, ready) = s.ann.ready_socket(None).await;
    let cursor = ready["cursor"].as_str().unwrap().to_string();
    let (mut staff_socket, _) = s.app.admin.ready_socket(None).await;

    let reacted = react(&s.colleague, &s.note, "🙏").await;
    assert_eq!(reacted.status, 200, "{}", reacted.body);
    assert_eq!(reactions(&reacted.body), of(&[("🙏", &[&s.colleague_id])]));
    unreact(&s.colleague, &s.note, "🙏").await;
    react(&s.colleague, &s.note, "👍").await;
    let after = s.app.admin.send_message(&s.channel, "One more form").await;

    let heard = ann_socket.next_event().await;
    assert_eq!(heard["type"], "message.created", "{heard}");
    assert_eq!(
        heard["data"]["id"],
        after.id().as_str(),
        "the client's next event is the message after the note's reactions"
    );
    let staff_heard: Vec<Value> = vec![
        staff_socket.next_event().await,
        staff_socket.next_event().await,
        staff_socket.next_event().await,
    ];
    for frame in &staff_heard {
        assert_eq!(frame["type"], "message.reactions", "{frame}");
        assert_eq!(frame["data"]["id"], s.note.as_str());
        assert_eq!(frame["data"]["isInternal"], true);
    }

    let replayed = s.ann.socket(Some(&cursor)).await.replay().await;
    let kinds: Vec<&str> = replayed
        .iter()
        .map(|f| f["type"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["message.created"], "{replayed:?}");
    assert!(!format!("{replayed:?}").contains(&s.note));
    let staff_replay = s.colleague.socket(Some(&cursor)).await.replay().await;
    let staff_kinds: Vec<&str> = staff_replay
        .iter()
        .map(|f| f["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        staff_kinds,
        [
            "message.reactions",
            "message.reactions",
            "message.reactions",
            "message.created"
        ]
    );
}

#[tokio::test]
async fn staff_see_which_client_read_up_to_which_message_and_when() {
    let s = Scene::build().await;
    let (mut staff_socket, _) = s.colleague.ready_socket(None).await;
    let before = now_ms();
    let read = s
        .ann
        .post(
            &format!("/v1/message-channels/{}/read", s.channel),
            json!({}),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    let after = now_ms();
    // Written after Ann read: not seen by her.
    let later = s.app.admin.send_message(&s.channel, "Sign page 2").await;
    assert_eq!(later.status, 200, "{}", later.body);

    // Live: staff hear which message she read up to, and when.
    let told = staff_socket
        .next_where(|f| f["type"] == "channel.read" && f["data"]["userId"] == s.ann_id.as_str())
        .await;
    assert_eq!(
        told["data"]["lastReadMessageId"],
        s.message.as_str(),
        "her marker is on the last message she may see, never the note after it: {told}"
    );
    assert!(told["data"]["readAt"].is_string(), "{told}");

    // Opening the conversation: each client, the message, the time.
    let opened = call_server_function(
        &s.app,
        &s.colleague,
        "open_conversation",
        &[("channel_id", &s.channel)],
    )
    .await;
    let reads = opened["clientReads"].as_array().expect("clientReads");
    assert_eq!(reads.len(), 1, "{opened}");
    assert_eq!(reads[0]["userId"], s.ann_id.as_str());
    assert_eq!(reads[0]["name"], "Ann Client");
    assert_eq!(reads[0]["messageId"], s.message.as_str());
    let at = parse_ms(reads[0]["readAt"].as_str().unwrap());
    assert!(
        (before / 1000 * 1000..=after).contains(&at),
        "read between {before} and {after}, not {at}"
    );
    let told_at = parse_ms(told["data"]["readAt"].as_str().unwrap());
    assert!(
        (at - told_at).abs() < 2000,
        "{at} and {told_at}: the same read"
    );

    // A client keeps a plain "Seen": no one's reads by name and time.
    let as_client = call_server_function(
        &s.app,
        &s.ann,
        "open_conversation",
        &[("channel_id", &s.channel)],
    )
    .await;
    assert_eq!(as_client["clientReads"], json!([]), "{as_client}");
    assert!(as_client["seenUpTo"].is_null() || as_client["seenUpTo"].is_string());

    // Reading on moves her along.
    s.ann
        .post(
            &format!("/v1/message-channels/{}/read", s.channel),
            json!({}),
        )
        .await;
    let reopened = call_server_function(
        &s.app,
        &s.app.admin,
        "open_conversation",
        &[("channel_id", &s.channel)],
    )
    .await;
    assert_eq!(reopened["clientReads"][0]["messageId"], later.id().as_str());
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Milliseconds since the epoch of an RFC 3339 time with milliseconds.
fn parse_ms(at: &str) -> i64 {
    let parsed = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("{at}: {e}"));
    (parsed.unix_timestamp_nanos() / 1_000_000) as i64
}
