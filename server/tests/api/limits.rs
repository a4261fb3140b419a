//! What one person, or a flood, may use: upload quotas and rate, realtime
//! socket caps, client frame rate, repeated presence, bounded replay, idle
//! sockets, and request headers and bodies that stop arriving.

use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::attachments::{client_with_channel, send_files, upload};
use crate::helpers::{Socket, TestApp};

const KIB: usize = 1024;

#[tokio::test]
async fn admins_set_upload_quotas_and_uploads_over_them_are_refused_naming_the_quota() {
    let app = TestApp::spawn().await;
    let (client, channel) = client_with_channel(&app).await;
    let ann = app.client_session(&client).await;

    let refused = ann
        .patch(
            "/v1/settings/messaging",
            json!({ "personFileQuotaBytes": 1 }),
        )
        .await;
    refused.assert_error(403, "a client sets no quota");
    let set = app
        .admin
        .patch(
            "/v1/settings/messaging",
            json!({ "personFileQuotaBytes": 10 * KIB }),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.body["personFileQuotaBytes"], 10 * KIB);
    assert_eq!(set.body["workspaceFileQuotaBytes"], Value::Null);

    let first = upload(&ann, &[("a.bin", &[1u8; 6 * KIB])]).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let id = first.body["data"][0]["id"].as_str().unwrap().to_string();
    // Sent or not, what a person uploaded counts.
    let sent = send_files(&ann, &channel, "", &[&id]).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let over = upload(&ann, &[("b.bin", &[2u8; 6 * KIB])]).await;
    over.assert_error(422, "over the per-person quota");
    assert_eq!(over.body["code"], "quota_exceeded");
    let message = over.body["message"].as_str().unwrap();
    assert!(
        message.contains("quota of 10 KiB") && message.contains("per-person quota"),
        "{message}"
    );
    let fits = upload(&ann, &[("c.bin", &[3u8; 3 * KIB])]).await;
    assert_eq!(
        fits.status, 200,
        "what still fits is accepted: {}",
        fits.body
    );
    // Someone else's quota is their own.
    let other = upload(&app.admin, &[("d.bin", &[4u8; 6 * KIB])]).await;
    assert_eq!(other.status, 200, "{}", other.body);

    // The workspace's quota counts everyone's files.
    let set = app
        .admin
        .patch(
            "/v1/settings/messaging",
            json!({ "personFileQuotaBytes": null, "workspaceFileQuotaBytes": 16 * KIB }),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.body["personFileQuotaBytes"], Value::Null);
    let over = upload(&ann, &[("e.bin", &[5u8; 2 * KIB])]).await;
    over.assert_error(422, "over the workspace quota");
    assert_eq!(over.body["code"], "quota_exceeded");
    assert!(
        over.body["message"]
            .as_str()
            .unwrap()
            .contains("workspace over its storage quota of 16 KiB"),
        "{}",
        over.body
    );
    // One file over the per-file limit is still a 413, whatever the quotas.
    let app_small = TestApp::spawn_with(|config| config.files.max_file_bytes = KIB as u64).await;
    let too_big = upload(&app_small.admin, &[("f.bin", &[6u8; 2 * KIB])]).await;
    too_big.assert_error(413, "one file over the per-file limit");
}

#[tokio::test]
async fn uploads_over_the_per_person_rate_get_429_with_retry_after() {
    let app = TestApp::spawn_with(|config| config.limits.uploads_per_minute = 3).await;
    let (client, _) = client_with_channel(&app).await;
    let ann = app.client_session(&client).await;
    for i in 0..3 {
        let ok = upload(&ann, &[(&format!("{i}.txt"), b"hello")]).await;
        assert_eq!(ok.status, 200, "upload {i}: {}", ok.body);
    }
    let refused = upload(&ann, &[("3.txt", b"hello")]).await;
    refused.assert_error(429, "the fourth upload in a minute");
    let retry_after: u64 = refused.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (1..=60).contains(&retry_after),
        "Retry-After: {retry_after}"
    );
    let others = upload(&app.admin, &[("mine.txt", b"hello")]).await;
    assert_eq!(others.status, 200, "another person's rate is their own");
}

/// The URL of a socket opened with the caller's API key.
fn socket_url(app: &TestApp) -> String {
    format!("{}/v1/realtime", app.admin.ws_base())
}

#[tokio::test]
async fn sockets_over_the_per_person_and_overall_caps_are_refused() {
    let app = TestApp::spawn_with(|config| {
        config.limits.sockets_per_person = 2;
        config.limits.sockets_total = 3;
    })
    .await;
    let key = app.admin.api_key().unwrap().to_string();
    let headers = [("x-api-key", key.as_str())];
    let first = Socket::connect(&socket_url(&app), &headers).await.unwrap();
    let _second = Socket::connect(&socket_url(&app), &headers).await.unwrap();
    let third = Socket::connect(&socket_url(&app), &headers).await;
    assert_eq!(third.err(), Some(429), "a third socket of one person");

    let (client, _) = client_with_channel(&app).await;
    let ann = app.client_session(&client).await;
    let (_ann_socket, _) = ann.ready_socket(None).await;
    let issued = ann.post("/v1/realtime/tokens", json!({})).await;
    let url = format!(
        "{}/v1/realtime?token={}",
        ann.ws_base(),
        issued.body["token"].as_str().unwrap()
    );
    assert_eq!(
        Socket::connect(&url, &[]).await.err(),
        Some(503),
        "a fourth socket on a server that takes three"
    );

    drop(first);
    let mut reopened = None;
    for _ in 0..50 {
        if let Ok(socket) = Socket::connect(&socket_url(&app), &headers).await {
            reopened = Some(socket);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reopened.is_some(), "a closed socket frees its place");
}

#[tokio::test]
async fn client_frames_over_the_rate_are_dropped_and_the_client_is_told() {
    let app = TestApp::spawn_with(|config| {
        config.limits.socket_frames_per_second = 1;
        config.limits.socket_frame_burst = 5;
    })
    .await;
    let (mut socket, _) = app.admin.ready_socket(None).await;
    for _ in 0..50 {
        socket.send_json(json!({ "type": "ping" })).await;
    }
    let mut pongs = 0;
    loop {
        let frame = socket.next_frame().await.expect("the socket stays open");
        match frame["type"].as_str() {
            Some("pong") => pongs += 1,
            Some("error") => {
                assert_eq!(frame["data"]["code"], "rate_limited", "{frame}");
                break;
            }
            _ => {}
        }
    }
    assert!(pongs <= 6, "only the burst is answered, not {pongs} pongs");
}

#[tokio::test]
async fn a_repeated_presence_is_not_broadcast() {
    let app = TestApp::spawn().await;
    let (_, staff) = app.staff(None).await;
    let staff_id = staff.get("/v1/sessions/current").await.body["userId"].clone();
    let (mut watcher, _) = app.admin.ready_socket(None).await;
    let (mut socket, _) = staff.ready_socket(None).await;
    let about_staff = |f: &Value| f["type"] == "presence" && f["data"]["userId"] == staff_id;
    let came = watcher.next_where(about_staff).await;
    assert_eq!(came["data"]["status"], "online");

    socket
        .send_json(json!({ "type": "presence", "status": "online" }))
        .await;
    socket
        .send_json(json!({ "type": "presence", "status": "online" }))
        .await;
    socket
        .send_json(json!({ "type": "presence", "status": "away" }))
        .await;
    let next = watcher.next_where(about_staff).await;
    assert_eq!(
        next["data"]["status"], "away",
        "an unchanged presence is dropped"
    );
    socket
        .send_json(json!({ "type": "presence", "status": "away" }))
        .await;
    socket
        .send_json(json!({ "type": "presence", "status": "online" }))
        .await;
    let next = watcher.next_where(about_staff).await;
    assert_eq!(next["data"]["status"], "online");
}

#[tokio::test]
async fn a_resume_from_further_back_than_the_replay_bound_is_told_to_reload() {
    let app = TestApp::spawn_with(|config| config.limits.replay_max_events = 3).await;
    let (_, channel) = client_with_channel(&app).await;
    // A socket that stays open tells when the server has published the
    // sends: a resume replays only what was published when it joins, and
    // gets the rest live.
    let (mut watcher, ready) = app.admin.ready_socket(None).await;
    let since = ready["cursor"].as_str().unwrap().to_string();
    let send = |text: String| {
        let (app, channel) = (&app, &channel);
        async move { app.admin.send_message(channel, &text).await.id() }
    };
    let mut last = String::new();
    for i in 0..2 {
        last = send(format!("near {i}")).await;
    }
    watcher
        .next_where(|f| f["type"] == "message.created" && f["data"]["id"] == last.as_str())
        .await;
    let mut near = app.admin.socket(Some(&since)).await;
    let first = near.next_where(|f| f["type"] != "presence").await;
    assert_eq!(
        first["type"], "message.created",
        "within the bound: replayed"
    );

    for i in 0..3 {
        last = send(format!("far {i}")).await;
    }
    watcher
        .next_where(|f| f["type"] == "message.created" && f["data"]["id"] == last.as_str())
        .await;
    let mut far = app.admin.socket(Some(&since)).await;
    let first = far.next_where(|f| f["type"] != "presence").await;
    assert_eq!(first["type"], "resync.required", "{first}");
    let ready = far.next_where(|f| f["type"] != "presence").await;
    assert_eq!(ready["type"], "ready");
    assert_eq!(ready["cursor"], first["cursor"]);
}

/// A realtime socket opened by hand that reads its `101` answer and then
/// nothing more, with a tiny receive buffer, as someone who wants the
/// server to wait on them would open it.
pub async fn socket_that_stops_reading(app: &TestApp, since: &str) -> tokio::net::TcpStream {
    let issued = app.admin.post("/v1/realtime/tokens", json!({})).await;
    assert_eq!(issued.status, 200, "{}", issued.body);
    let token = issued.body["token"].as_str().unwrap();
    let address = app.base.trim_start_matches("http://");
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(address.parse().unwrap()).await.unwrap();
    let request = format!(
        "GET /v1/realtime?token={token}&since={since} HTTP/1.1\r\nHost: {address}\r\n\
         Upgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        head.push(stream.read_u8().await.unwrap());
    }
    assert!(
        head.starts_with(b"HTTP/1.1 101"),
        "{}",
        String::from_utf8_lossy(&head)
    );
    stream
}

#[tokio::test]
async fn sockets_that_stop_reading_their_replay_hold_no_database_connection() {
    let app = TestApp::spawn().await;
    let (_, channel) = client_with_channel(&app).await;
    // More history than the kernel buffers between the server and a reader
    // hold, so each replay waits on its reader.
    let text = "x".repeat(9_000);
    for _ in 0..50 {
        futures_util::future::join_all((0..16).map(|_| app.admin.send_message(&channel, &text)))
            .await;
    }
    // More stalled replays than any backend's pool has connections.
    let mut stalled = Vec::new();
    for _ in 0..17 {
        stalled.push(socket_that_stops_reading(&app, "0").await);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let listed = app.admin.get("/v1/message-channels").await;
    assert_eq!(
        listed.status, 200,
        "everyone else is still served: {}",
        listed.body
    );
    let sent = app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": channel, "text": "still here" }),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    drop(stalled);
}

#[tokio::test]
async fn a_socket_that_answers_no_ping_is_closed_and_one_that_does_stays() {
    let app = TestApp::spawn_with(|config| {
        config.limits.socket_ping_every = Duration::from_millis(100);
        config.limits.socket_idle_timeout = Duration::from_millis(500);
    })
    .await;
    let (mut silent, _) = app.admin.ready_socket(None).await;
    let (mut lively, _) = app.admin.ready_socket(None).await;
    // Reading answers the server's pings; `silent` reads nothing meanwhile.
    for _ in 0..10 {
        lively.send_json(json!({ "type": "ping" })).await;
        let pong = lively.next_where(|f| f["type"] != "presence").await;
        assert_eq!(pong["type"], "pong", "a socket that answers stays open");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    // What waits for `silent` is at most presence, then the end: a socket
    // left open would make `next_frame` give up after ten seconds.
    while let Some(frame) = silent.next_frame().await {
        assert_eq!(
            frame["type"], "presence",
            "the silent socket was closed: {frame}"
        );
    }
}

#[tokio::test]
async fn an_upload_whose_body_stops_arriving_is_cut_off_with_408() {
    let app = TestApp::spawn_with(|config| {
        config.limits.body_read_timeout = Duration::from_millis(500);
    })
    .await;
    let address = app.base.strip_prefix("http://").unwrap();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let key = app.admin.api_key().unwrap();
    let head = format!(
        "POST /v1/attachments HTTP/1.1\r\nHost: {address}\r\nX-API-Key: {key}\r\n\
         Content-Type: multipart/form-data; boundary=slow\r\nContent-Length: 100000\r\n\r\n\
         --slow\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.bin\"\r\n\r\n\
         the first bytes, then nothing"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
            if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server answers a stalled upload");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[tokio::test]
async fn a_connection_whose_request_headers_never_finish_is_closed_and_websockets_stay_open() {
    let mut app = TestApp::spawn_with(|config| {
        config.limits.header_read_timeout = Duration::from_millis(500);
    })
    .await;
    let (mut socket, _) = app.admin.ready_socket(None).await;
    let address = app.base.strip_prefix("http://").unwrap().to_string();
    // Headers begun, then a byte now and then, never finished (slowloris);
    // and a connection that sends nothing at all.
    let mut dribbling = tokio::net::TcpStream::connect(&address).await.unwrap();
    dribbling
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let mut silent = tokio::net::TcpStream::connect(&address).await.unwrap();

    assert!(
        closed_by_server(&mut dribbling, Some(b'a')).await,
        "a request whose headers keep dribbling in is cut off"
    );
    assert!(
        closed_by_server(&mut silent, None).await,
        "a connection that never sends a request is closed"
    );

    // The WebSocket opened before has long outlived the header limit.
    socket.send_json(json!({ "type": "ping" })).await;
    let pong = socket.next_where(|f| f["type"] != "presence").await;
    assert_eq!(
        pong["type"], "pong",
        "an open WebSocket is past its headers"
    );
    // Requests whose headers come at once are served, sockets still open.
    let workspace = app.admin.get("/v1/workspaces").await;
    assert_eq!(workspace.status, 200, "{}", workspace.body);
    let (mut later, ready) = app.admin.ready_socket(None).await;
    assert_eq!(ready["type"], "ready");
    later.send_json(json!({ "type": "ping" })).await;
    let pong = later.next_where(|f| f["type"] != "presence").await;
    assert_eq!(pong["type"], "pong");

    // Stopping still works with a socket open and a connection half-way
    // through its headers.
    let mut halfway = tokio::net::TcpStream::connect(&address).await.unwrap();
    halfway.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    app.restart_with(|_| {}).await;
    let health = app.anonymous().get("/healthz").await;
    assert_eq!(health.status, 200, "{}", health.body);
}

/// Whether the server closes `stream` (within a wait far longer than any
/// limit a test sets), while the client writes `dribble` every 100 ms.
async fn closed_by_server(stream: &mut tokio::net::TcpStream, dribble: Option<u8>) -> bool {
    let waited = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buffer = [0u8; 1024];
        loop {
            tokio::select! {
                read = stream.read(&mut buffer) => match read {
                    Ok(0) | Err(_) => return,
                    Ok(n) => panic!(
                        "the server answered unfinished headers: {}",
                        String::from_utf8_lossy(&buffer[..n])
                    ),
                },
                () = tokio::time::sleep(Duration::from_millis(100)) => {
                    if let Some(byte) = dribble {
                        if stream.write_all(&[byte]).await.is_err() {
                            return;
                        }
                    }
                }
            }
        }
    })
    .await;
    waited.is_ok()
}
