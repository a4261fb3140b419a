//! Internal notes: staff write them in any channel, the staff who see the
//! channel read them, and no client ever learns of one, through any door:
//! REST lists and reads, files, unread counts, the channel's preview and
//! date, read markers, the realtime socket live and on replay. E-mail and
//! webhooks have theirs in `email.rs` and `webhooks.rs`.

use serde_json::{json, Value};

use crate::helpers::{Caller, TestApp};

/// Acme's client Ann in her channel, a colleague limited to Acme, and a
/// message everyone sees followed by a note with a file.
struct Scene {
    app: TestApp,
    channel: String,
    ann: Caller,
    ann_id: String,
    colleague: Caller,
    public: String,
    note: String,
    note_file: String,
}

const NOTE_TEXT: &str = "Ann pays late; chase the invoice first";

impl Scene {
    async fn build() -> Scene {
        let app = TestApp::spawn().await;
        let acme = app.create_company("Acme").await;
        let ann_client = app.create_client("Ann", Some(&acme)).await;
        let ann_id = ann_client["id"].as_str().unwrap().to_string();
        let channel = app.individual_channel(&ann_id).await;
        let ann = app.client_session(&ann_client).await;
        let (_, colleague) = app.staff(Some(&[&acme])).await;
        let public = app
            .admin
            .send_message(&channel, "Your return is filed")
            .await;
        assert_eq!(public.status, 200, "{}", public.body);
        assert_eq!(public.body["isInternal"], false);
        let (note, note_file) = write_note(&app.admin, &channel, NOTE_TEXT, true).await;
        Scene {
            public: public.id(),
            note,
            note_file,
            app,
            channel,
            ann,
            ann_id,
            colleague,
        }
    }
}

/// Writes a note (with a file when `with_file`); its id and its file's.
async fn write_note(by: &Caller, channel: &str, text: &str, with_file: bool) -> (String, String) {
    let mut file = String::new();
    let mut body = json!({ "channelId": channel, "text": text, "isInternal": true });
    if with_file {
        let uploaded = crate::attachments::upload(by, &[("ledger.txt", b"Overdue: 3")]).await;
        assert_eq!(uploaded.status, 200, "{}", uploaded.body);
        file = uploaded.body["data"][0]["id"].as_str().unwrap().to_string();
        body["attachmentIds"] = json!([file]);
    }
    let note = by.post("/v1/messages", body).await;
    assert_eq!(note.status, 200, "{}", note.body);
    assert_eq!(note.body["isInternal"], true);
    (note.id(), file)
}

fn texts(messages: &[Value]) -> Vec<&str> {
    messages
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn staff_who_see_the_channel_read_a_note_and_its_file() {
    let s = Scene::build().await;
    for (who, staff) in [("admin", &s.app.admin), ("colleague", &s.colleague)] {
        let listed = s.app.all_messages(staff, &s.channel, 50).await;
        let note = listed
            .iter()
            .find(|m| m["id"] == s.note.as_str())
            .unwrap_or_else(|| panic!("{who} lists the note: {listed:?}"));
        assert_eq!(note["isInternal"], true);
        let read = staff.get(&format!("/v1/messages/{}", s.note)).await;
        assert_eq!(read.status, 200, "{who}: {}", read.body);
        let file = staff.get(&format!("/v1/attachments/{}", s.note_file)).await;
        assert_eq!(file.status, 200, "{who}: {}", file.body);
        let content = staff
            .request(
                reqwest::Method::GET,
                &format!("/v1/attachments/{}/content", s.note_file),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(content.status(), 200, "{who}");
        assert_eq!(content.bytes().await.unwrap().as_ref(), b"Overdue: 3");
    }
}

#[tokio::test]
async fn a_client_finds_no_note_through_any_rest_door() {
    let s = Scene::build().await;
    let listed = s.app.all_messages(&s.ann, &s.channel, 50).await;
    assert!(
        !texts(&listed).contains(&NOTE_TEXT),
        "the history leaves the note out: {listed:?}"
    );
    assert!(texts(&listed).contains(&"Your return is filed"));
    // Paging asks for the rows after the last one shown: still no note.
    let first_page = s
        .ann
        .get(&format!("/v1/messages?channelId={}&limit=1", s.channel))
        .await;
    assert_eq!(first_page.body["data"][0]["id"], s.public.as_str());

    for path in [
        format!("/v1/messages/{}", s.note),
        format!("/v1/attachments/{}", s.note_file),
        format!("/v1/attachments/{}/content", s.note_file),
    ] {
        let refused = s.ann.get(&path).await;
        refused.assert_error(404, &path);
    }
    let marked = s
        .ann
        .post(
            &format!("/v1/message-channels/{}/read", s.channel),
            json!({ "messageId": s.note }),
        )
        .await;
    marked.assert_error(404, "reading up to a note");

    // A client may not write one, nor an integration on a client's behalf.
    let written = s
        .ann
        .post(
            "/v1/messages",
            json!({ "channelId": s.channel, "text": "psst", "isInternal": true }),
        )
        .await;
    written.assert_error(403, "a client writing a note");
    let on_behalf = s
        .app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": s.channel, "text": "psst", "isInternal": true, "senderId": s.ann_id }),
        )
        .await;
    on_behalf.assert_error(403, "a note on a client's behalf");
    let still = s.app.all_messages(&s.app.admin, &s.channel, 50).await;
    assert!(!texts(&still).contains(&"psst"), "nothing was stored");
}

#[tokio::test]
async fn a_note_moves_neither_a_clients_unread_count_nor_their_channels_date_or_preview() {
    let s = Scene::build().await;
    let channel = s
        .ann
        .get(&format!("/v1/message-channels/{}", s.channel))
        .await;
    assert_eq!(channel.status, 200, "{}", channel.body);
    let public = s.ann.get(&format!("/v1/messages/{}", s.public)).await;
    assert_eq!(
        channel.body["lastMessageDate"], public.body["createdAt"],
        "the client's channel dates from the last message they can see"
    );
    // The welcome and the message: the note is not counted.
    assert_eq!(channel.body["unreadCount"], 2, "{}", channel.body);
    let listed = s.ann.get("/v1/message-channels").await;
    assert_eq!(listed.body["data"][0]["unreadCount"], 2);

    // Staff count it and date the channel by it.
    let staff_view = s
        .app
        .admin
        .get(&format!("/v1/message-channels/{}", s.channel))
        .await;
    let note = s.app.admin.get(&format!("/v1/messages/{}", s.note)).await;
    assert_eq!(staff_view.body["lastMessageDate"], note.body["createdAt"]);
    let colleague_view = s
        .colleague
        .get(&format!("/v1/message-channels/{}", s.channel))
        .await;
    assert_eq!(
        colleague_view.body["unreadCount"], 3,
        "the welcome, the message and the note"
    );

    // The web app's channel list previews the message, not the note.
    let summaries = call_server_function(&s.app, &s.ann, "list_channels", &[]).await;
    let summary = &summaries[0];
    assert_eq!(summary["preview"], "Your return is filed", "{summary}");
    assert_eq!(summary["lastMessageId"], s.public.as_str());
    let staff_summaries = call_server_function(&s.app, &s.colleague, "list_channels", &[]).await;
    assert_eq!(staff_summaries[0]["lastMessageId"], s.note.as_str());

    // Marking all read puts the client's marker on what they can see.
    let read = s
        .ann
        .post(
            &format!("/v1/message-channels/{}/read", s.channel),
            json!({}),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["unreadCount"], 0);
    // And when staff read up to the note, the client is shown "Seen" on
    // the message, never the note.
    let staff_read = s
        .colleague
        .post(
            &format!("/v1/message-channels/{}/read", s.channel),
            json!({}),
        )
        .await;
    assert_eq!(staff_read.status, 200, "{}", staff_read.body);
    let opened = call_server_function(
        &s.app,
        &s.ann,
        "open_conversation",
        &[("channel_id", s.channel.as_str())],
    )
    .await;
    assert_eq!(opened["seenUpTo"], s.public.as_str(), "{opened}");
    assert!(
        !opened.to_string().contains(NOTE_TEXT),
        "the opened conversation holds no note: {opened}"
    );
}

#[tokio::test]
async fn a_clients_socket_hears_nothing_of_a_note_live_while_staff_sockets_do() {
    let s = Scene::build().await;
    let (mut ann, _) = s.ann.ready_socket(None).await;
    let (mut colleague, _) = s.colleague.ready_socket(None).await;

    let (note, _) = write_note(&s.app.admin, &s.channel, "Call her accountant", false).await;
    let after = s
        .app
        .admin
        .send_message(&s.channel, "We need one more form")
        .await;

    let heard = ann.next_event().await;
    assert_eq!(heard["type"], "message.created");
    assert_eq!(
        heard["data"]["id"],
        after.id().as_str(),
        "the client's next event is the message after the note: {heard}"
    );
    let first = colleague.next_event().await;
    assert_eq!(first["data"]["id"], note.as_str());
    assert_eq!(first["data"]["isInternal"], true);
    let second = colleague.next_event().await;
    assert_eq!(second["data"]["id"], after.id().as_str());

    // Editing and deleting a note stay among staff too.
    let edited = s
        .app
        .admin
        .patch(
            &format!("/v1/messages/{note}"),
            json!({ "text": "Call her accountant on Monday" }),
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.body["isInternal"], true, "a note stays a note");
    let deleted = s.app.admin.delete(&format!("/v1/messages/{note}")).await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(colleague.next_event().await["type"], "message.updated");
    assert_eq!(colleague.next_event().await["type"], "message.deleted");

    // Staff read up to a note: the client hears of the message before it,
    // and not of the staff member's unread count, which counts notes.
    write_note(&s.app.admin, &s.channel, "Last word", false).await;
    let read = s
        .colleague
        .post(
            &format!("/v1/message-channels/{}/read", s.channel),
            json!({}),
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    let told = ann.next_event().await;
    assert_eq!(told["type"], "channel.read", "{told}");
    assert_eq!(told["data"]["lastReadMessageId"], after.id().as_str());
    assert!(told["data"].get("unreadCount").is_none(), "{told}");
    let marker = s.ann.post("/v1/realtime/tokens", json!({})).await;
    assert_eq!(marker.status, 200, "the client is still connected fine");
    let own = colleague.next_where(|f| f["type"] == "channel.read").await;
    assert_eq!(own["data"]["unreadCount"], 0, "{own}");
    assert_ne!(own["data"]["lastReadMessageId"], after.id().as_str());
}

#[tokio::test]
async fn a_client_resuming_with_an_old_cursor_replays_around_the_note() {
    let s = Scene::build().await;
    let (socket, ready) = s.ann.ready_socket(None).await;
    drop(socket);
    let cursor = ready["cursor"].as_str().unwrap().to_string();

    let (note, _) = write_note(&s.app.admin, &s.channel, "Replay me not", false).await;
    let after = s.app.admin.send_message(&s.channel, "Replay me").await;

    let replayed = s.ann.socket(Some(&cursor)).await.replay().await;
    let ids: Vec<&str> = replayed
        .iter()
        .filter(|f| f["type"] == "message.created")
        .map(|f| f["data"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [after.id().as_str()], "{replayed:?}");
    assert!(!format!("{replayed:?}").contains("Replay me not"));

    // The staff's replay holds both, in order.
    let staff_replay = s.colleague.socket(Some(&cursor)).await.replay().await;
    let staff_ids: Vec<&str> = staff_replay
        .iter()
        .filter(|f| f["type"] == "message.created")
        .map(|f| f["data"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(staff_ids, [note.as_str(), after.id().as_str()]);
}

/// Calls one of the web app's server functions as its pages do; the answer.
pub(crate) async fn call_server_function(
    app: &TestApp,
    caller: &Caller,
    name: &str,
    arguments: &[(&str, &str)],
) -> Value {
    let path = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path)
        .find(|path| {
            path.rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(|c: char| c.is_ascii_digit())
                == name
        })
        .unwrap_or_else(|| panic!("no server function {name}"));
    let mut request = caller
        .request(reqwest::Method::POST, path)
        .header("origin", &app.base)
        .form(arguments);
    if let Some(cookie) = &caller.cookie {
        request = request.header("cookie", cookie);
    }
    let response = caller.send(request).await;
    assert_eq!(response.status, 200, "{name}: {}", response.body);
    response.body
}
