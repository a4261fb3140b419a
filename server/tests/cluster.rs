//! Three Parlor nodes as one service: the real binary, three times, on one
//! PostgreSQL database, the machine's NATS and the S3-compatible test server.
//!
//! Needs PARLOR_TEST_DATABASE_URL (a cluster of SQLite nodes is not a thing
//! Parlor offers); `make test` runs this suite in its PostgreSQL pass.
//! NATS is the one at PARLOR_TEST_NATS_URL, or nats://127.0.0.1:4222.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/processes.rs"]
mod processes;
#[path = "api/s3.rs"]
mod s3;
use processes::{free_port, Api, Server, Storage};

const OWNER_EMAIL: &str = "owner@example.com";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_files_and_typing_cross_nodes_and_the_sign_in_limit_holds_across_them() {
    let Some(cluster) = Cluster::new().await else {
        return;
    };
    let [a, b, c] = cluster.three_nodes().await;
    let api_a = cluster.api(&a);
    let (client_id, channel_id, link) = cluster.invited_client(&api_a, "cora").await;
    let client_cookie = cluster.accept_invitation(&b, &link).await;

    let staff_on_b = Listener::open(&b, Credential::Key(&cluster.key), None).await;
    let staff_on_c = Listener::open(&c, Credential::Key(&cluster.key), None).await;
    let client_on_b = Listener::open(&b, Credential::Cookie(&client_cookie), None).await;

    // A message sent through A reaches B and C, once each.
    let sent = api_a
        .post(
            "/v1/messages",
            json!({ "channelId": channel_id, "text": "hello from A" }),
        )
        .await
        .expect("message sent through A");
    let id = sent["id"].as_str().unwrap();
    for listener in [&staff_on_b, &staff_on_c, &client_on_b] {
        listener.wait_for_message(id).await;
    }
    // Anything sent twice would have arrived by now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for listener in [&staff_on_b, &staff_on_c, &client_on_b] {
        assert_eq!(
            listener.message_ids().iter().filter(|m| *m == id).count(),
            1,
            "the message arrives exactly once on {}",
            listener.node
        );
    }

    // Typing on A reaches the client's socket on B.
    let staff_on_a = Listener::open(&a, Credential::Key(&cluster.key), None).await;
    staff_on_a
        .say(json!({ "type": "typing", "channelId": channel_id }))
        .await;
    let typing = client_on_b
        .wait_for(|frame| frame["type"] == "typing")
        .await;
    assert_eq!(typing["data"]["channelId"], channel_id);
    assert_eq!(typing["data"]["userId"], cluster.owner_id(&api_a).await);

    // Which conversation staff have open, on A, reaches a colleague on C
    // and never the client on B.
    let colleague = api_a
        .post(
            "/v1/internal-users",
            json!({ "givenName": "Cal", "familyName": "Node", "email": "cal@example.com", "role": "staff" }),
        )
        .await
        .expect("colleague invited");
    let colleague_cookie = cluster
        .accept_invitation(&c, colleague["inviteUrl"].as_str().expect("an invite link"))
        .await;
    let colleague_on_c = Listener::open(&c, Credential::Cookie(&colleague_cookie), None).await;
    staff_on_a
        .say(json!({ "type": "viewing", "channelId": channel_id }))
        .await;
    let viewing = colleague_on_c
        .wait_for(|frame| frame["type"] == "viewing")
        .await;
    assert_eq!(
        viewing["data"],
        json!({ "channelId": channel_id, "userId": cluster.owner_id(&api_a).await, "viewing": true })
    );
    assert!(
        !client_on_b
            .frames
            .lock()
            .unwrap()
            .iter()
            .any(|f| f["type"] == "viewing"),
        "a client is never told who on the staff is looking"
    );

    // Presence crosses too: the client, connected to B only, is online for A.
    let online = staff_on_a.ready()["data"]["online"].clone();
    assert!(
        online
            .as_array()
            .unwrap()
            .iter()
            .any(|user| *user == client_id),
        "a socket on A learns who is online on B: {online}"
    );
    // …and that the client left, when their only socket, on B, closes.
    client_on_b.close().await;
    let offline = staff_on_a
        .wait_for(|frame| frame["type"] == "presence" && frame["data"]["status"] == "offline")
        .await;
    assert_eq!(offline["data"]["userId"], client_id);

    // A file uploaded through A downloads through C.
    let bytes = b"the ledger, quarter three".to_vec();
    let uploaded: Value = upload(&a, &cluster.key, bytes.clone())
        .await
        .json()
        .await
        .unwrap();
    let file_id = uploaded["data"][0]["id"].as_str().expect("a file id");
    let downloaded = reqwest::Client::new()
        .get(format!("{}/v1/attachments/{file_id}/content", c.base))
        .header("X-API-Key", &cluster.key)
        .send()
        .await
        .unwrap();
    assert_eq!(downloaded.status(), 200);
    assert_eq!(downloaded.bytes().await.unwrap().to_vec(), bytes);

    // Three uploads a minute per person (the flag), counted across nodes:
    // with one through A already, one through B and one through C are
    // taken, and a fourth is refused whichever node it reaches.
    for (node, expected) in [(&b, 200), (&c, 200), (&a, 429), (&b, 429)] {
        let answer = upload(node, &cluster.key, b"more".to_vec()).await;
        assert_eq!(answer.status(), expected, "an upload through {}", node.base);
    }

    // Ten wrong passwords for one account, spread over the three nodes,
    // and the eleventh try is refused by any of them.
    wait_for_a_fresh_minute().await;
    let nodes = [&a, &b, &c];
    for attempt in 0..10 {
        let node = nodes[attempt % 3];
        assert_eq!(
            wrong_password(node).await,
            401,
            "wrong password {attempt}, on {}",
            node.base
        );
    }
    for node in nodes {
        assert_eq!(
            wrong_password(node).await,
            429,
            "the account's limit, reached through all three nodes, holds on each"
        );
    }
}

/// Signs in as the owner with a wrong password; the answer's status.
async fn wrong_password(node: &Server) -> u16 {
    reqwest::Client::new()
        .post(format!("{}/v1/sessions", node.base))
        .json(&json!({ "email": OWNER_EMAIL, "password": "not the password" }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// Uploads one file through `node` as the owner's API key.
async fn upload(node: &Server, key: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name("ledger.txt"),
    );
    reqwest::Client::new()
        .post(format!("{}/v1/attachments", node.base))
        .header("X-API-Key", key)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_a_node_mid_stream_loses_nothing_for_its_sockets_which_resume_on_another() {
    let Some(cluster) = Cluster::new().await else {
        return;
    };
    let [a, b, c] = cluster.three_nodes().await;
    let api_a = cluster.api(&a);
    let (_, channel_id) = cluster.client_with_channel(&api_a, "kim").await;
    let on_b = Listener::open(&b, Credential::Key(&cluster.key), None).await;

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let sender = {
        let (api, channel_id, acknowledged) =
            (api_a.clone(), channel_id.clone(), acknowledged.clone());
        tokio::spawn(async move {
            for n in 0..400 {
                let body = json!({ "channelId": channel_id, "text": format!("message {n}") });
                let message = api.post("/v1/messages", body).await.expect("A takes it");
                acknowledged
                    .lock()
                    .unwrap()
                    .push(message["id"].as_str().unwrap().to_string());
            }
        })
    };
    // Mid-stream: some messages have reached B's socket, more are coming.
    on_b.wait_until(|frames| message_ids(frames).len() >= 40)
        .await;
    assert!(
        !sender.is_finished(),
        "B is killed while messages still come"
    );
    b.kill_9().await;
    let cursor = on_b.closed_with_cursor().await;

    let on_c = Listener::open(&c, Credential::Key(&cluster.key), Some(&cursor)).await;
    sender.await.unwrap();
    let acknowledged = acknowledged.lock().unwrap().clone();
    let expected: std::collections::HashSet<_> = acknowledged.iter().cloned().collect();
    let before_kill = on_b.message_ids();
    on_c.wait_until(|frames| {
        let mut all = before_kill.clone();
        all.extend(message_ids(frames));
        expected.iter().all(|id| all.contains(id))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut all = before_kill.clone();
    all.extend(on_c.message_ids());
    let mut counts: HashMap<&String, usize> = HashMap::new();
    for id in &all {
        *counts.entry(id).or_default() += 1;
    }
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "delivered more than once: {twice:?}");
    on_b.assert_in_order();
    on_c.assert_in_order();
    let delivered = all.iter().filter(|id| expected.contains(*id)).count();
    assert_eq!(delivered, acknowledged.len(), "every message, once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_cut_off_from_nats_catches_up_from_the_event_log() {
    let Some(cluster) = Cluster::new().await else {
        return;
    };
    let a = cluster.node("a").await;
    let cut = NatsCut::start(&cluster.nats_url).await;
    let b = cluster.node_through("b", &cut.url()).await;
    let api_a = cluster.api(&a);
    let (_, channel_id) = cluster.client_with_channel(&api_a, "nils").await;
    let on_b = Listener::open(&b, Credential::Key(&cluster.key), None).await;
    let send = |text: &'static str| {
        let (api, channel_id) = (api_a.clone(), channel_id.clone());
        async move {
            let sent = api
                .post(
                    "/v1/messages",
                    json!({ "channelId": channel_id, "text": text }),
                )
                .await
                .expect("A takes it");
            sent["id"].as_str().unwrap().to_string()
        }
    };
    // Over NATS: B does not read the log by itself in this test.
    let first = send("before the cut").await;
    on_b.wait_for_message(&first).await;

    cut.cut();
    let readiness = |node: &Server| {
        let url = format!("{}/readyz", node.base);
        async move { reqwest::get(url).await.unwrap().status().as_u16() }
    };
    eventually("B says it is not ready without NATS", || async {
        readiness(&b).await == 503
    })
    .await;
    let during = send("during the cut").await;
    cut.restore();
    // NATS lost it for B: B reads it from the log once NATS is back.
    on_b.wait_for_message(&during).await;
    eventually("B is ready again once NATS is back", || async {
        readiness(&b).await == 200
    })
    .await;

    // B restarts while NATS is unreachable for it, and its socket resumes
    // on the new process from its cursor.
    cut.cut();
    let cursor = on_b.cursor();
    b.kill_9().await;
    let missed = send("while B was down").await;
    let b = cluster.node_through("b", &cut.url()).await;
    let resumed = Listener::open(&b, Credential::Key(&cluster.key), Some(&cursor)).await;
    resumed.wait_for_message(&missed).await;

    cut.restore();
    eventually("the restarted B is ready once NATS is back", || async {
        readiness(&b).await == 200
    })
    .await;
    let after = send("after the cut").await;
    resumed.wait_for_message(&after).await;
    let ids = resumed.message_ids();
    for id in [&missed, &after] {
        assert_eq!(ids.iter().filter(|m| *m == id).count(), 1);
    }
    assert!(
        !ids.contains(&during),
        "the resumed socket starts after its cursor"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_stopped_with_sigterm_finishes_its_requests_and_sends_its_sockets_elsewhere() {
    let Some(cluster) = Cluster::new().await else {
        return;
    };
    let (a, b) = (cluster.node("a").await, cluster.node("b").await);
    let api_a = cluster.api(&a);
    let (_, channel_id) = cluster.client_with_channel(&api_a, "tess").await;
    let on_b = Listener::open(&b, Credential::Key(&cluster.key), None).await;

    // A request in flight when the signal comes: an upload whose body
    // takes a second to arrive.
    let (started, upload_started) = tokio::sync::oneshot::channel();
    let upload = {
        let (url, key) = (format!("{}/v1/attachments", b.base), cluster.key.clone());
        tokio::spawn(async move {
            let mut started = Some(started);
            let chunks = futures_util::stream::iter(0..10).then(move |n| {
                let started = started.take();
                async move {
                    if let Some(started) = started {
                        let _ = started.send(());
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    Ok::<_, std::io::Error>(format!("line {n}\n"))
                }
            });
            let part = reqwest::multipart::Part::stream(reqwest::Body::wrap_stream(chunks))
                .file_name("slow.txt");
            let answer = reqwest::Client::new()
                .post(url)
                .header("X-API-Key", key)
                .multipart(reqwest::multipart::Form::new().part("file", part))
                .send()
                .await
                .expect("the upload is answered");
            (answer.status().as_u16(), answer.text().await.unwrap())
        })
    };
    upload_started.await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let base_b = b.base.clone();
    let exit = tokio::spawn(b.terminate());

    let cursor = on_b.closed_with_cursor().await;
    assert_eq!(
        on_b.close_code(),
        Some(4008),
        "told to reconnect with its cursor"
    );
    let (status, body) = upload.await.unwrap();
    assert_eq!(status, 200, "the upload in flight finished: {body}");
    let exit = exit.await.unwrap();
    assert!(exit.success(), "a clean exit: {exit:?}");
    assert!(
        reqwest::get(format!("{base_b}/healthz")).await.is_err(),
        "a stopped node takes nothing new"
    );

    let sent = api_a
        .post(
            "/v1/messages",
            json!({ "channelId": channel_id, "text": "while B is gone" }),
        )
        .await
        .expect("A takes it");
    let on_a = Listener::open(&a, Credential::Key(&cluster.key), Some(&cursor)).await;
    on_a.wait_for_message(sent["id"].as_str().unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_of_the_release_before_starts_on_a_database_the_new_release_migrated() {
    let Some(cluster) = Cluster::new().await else {
        return;
    };
    // A migration this build does not know, as a newer node leaves behind.
    let url = cluster.storage.postgres.as_ref().unwrap().url();
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99999999, 'from a newer release', TRUE, '\\x00', 0)",
    )
    .execute(&mut conn)
    .await
    .expect("a newer migration recorded");
    let node = cluster.node("older").await;
    let api = cluster.api(&node);
    let (_, channel_id) = cluster.client_with_channel(&api, "olga").await;
    api.post(
        "/v1/messages",
        json!({ "channelId": channel_id, "text": "still serving" }),
    )
    .await
    .expect("the older node serves");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_nginx_configured_as_the_deploy_guide_says_the_nodes_are_one_service() {
    let Some(cluster) = Cluster::new().await else {
        return;
    };
    let nodes = cluster.three_nodes().await;
    let proxy = Nginx::start(&nodes).await;
    let api = Api::new(&proxy.base, &cluster.key);
    let (_, channel_id) = cluster.client_with_channel(&api, "nina").await;
    // Round robin: the sockets, and the sends, land on different nodes.
    let mut sockets = Vec::new();
    for _ in 0..3 {
        sockets.push(Listener::open(&proxy, Credential::Key(&cluster.key), None).await);
    }
    let mut sent = Vec::new();
    for n in 0..6 {
        let message = api
            .post(
                "/v1/messages",
                json!({ "channelId": channel_id, "text": format!("through nginx {n}") }),
            )
            .await
            .expect("sent through nginx");
        sent.push(message["id"].as_str().unwrap().to_string());
    }
    for socket in &sockets {
        socket
            .wait_until(|frames| {
                let got = message_ids(frames);
                sent.iter().all(|id| got.contains(id))
            })
            .await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    for socket in &sockets {
        let got = socket.message_ids();
        for id in &sent {
            assert_eq!(got.iter().filter(|m| *m == id).count(), 1, "once each");
        }
        socket.assert_in_order();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sockets_one_person_may_hold_are_counted_over_every_node() {
    let Some(cluster) = Cluster::new().await else {
        return;
    };
    let cap = ["--sockets-per-person", "2"];
    let (a, b) = (
        cluster.node_with("a", &cap).await,
        cluster.node_with("b", &cap).await,
    );
    let _first = Listener::open(&a, Credential::Key(&cluster.key), None).await;
    let _second = Listener::open(&b, Credential::Key(&cluster.key), None).await;
    // A third, on either node, once the nodes have told each other.
    eventually("a third socket is refused on A", || async {
        refused_with(&a, &cluster.key).await == Some(429)
    })
    .await;
    eventually("and on B", || async {
        refused_with(&b, &cluster.key).await == Some(429)
    })
    .await;
}

/// The status a new socket is refused with, or None when it opens (it is
/// closed again at once).
async fn refused_with(node: &Server, key: &str) -> Option<u16> {
    let mut request = format!("{}/v1/realtime", node.base.replace("http://", "ws://"))
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("x-api-key", key.parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((mut socket, _)) => {
            let _ = socket.close(None).await;
            None
        }
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Some(response.status().as_u16())
        }
        Err(other) => panic!("connecting failed: {other}"),
    }
}

/// A PostgreSQL database, a bucket, a NATS subject prefix and a workspace
/// shared by the nodes of one test.
struct Cluster {
    storage: Storage,
    nats_url: String,
    flags: Vec<String>,
    key: String,
}

impl Cluster {
    /// None (and a note) without PostgreSQL: the SQLite pass runs no cluster.
    async fn new() -> Option<Cluster> {
        let storage = Storage::fresh().await;
        if storage.postgres.is_none() {
            eprintln!(
                "several nodes need PostgreSQL: set PARLOR_TEST_DATABASE_URL (make test does)"
            );
            return None;
        }
        let nats_url = std::env::var("PARLOR_TEST_NATS_URL")
            .ok()
            .filter(|url| !url.is_empty())
            .unwrap_or_else(|| "nats://127.0.0.1:4222".into());
        let bucket = s3::fresh_bucket().await;
        let prefix = format!("parlortest.t{}", uuid::Uuid::new_v4().simple());
        let flags = vec![
            "--nats-subject-prefix".into(),
            prefix,
            "--blob-store".into(),
            "s3".into(),
            "--s3-endpoint".into(),
            bucket.endpoint.unwrap(),
            "--s3-bucket".into(),
            bucket.bucket,
            "--s3-access-key-id".into(),
            "test".into(),
            "--s3-secret-access-key".into(),
            "test".into(),
            "--s3-prefix".into(),
            bucket.prefix,
            "--public-url".into(),
            "http://parlor.test".into(),
            // Not within a test: what reaches another node comes over NATS,
            // or is read from the log when NATS comes back.
            "--log-check-ms".into(),
            "3600000".into(),
            "--uploads-per-minute".into(),
            "3".into(),
        ];
        let key = storage.workspace_with_key();
        Some(Cluster {
            storage,
            nats_url,
            flags,
            key,
        })
    }

    async fn three_nodes(&self) -> [Server; 3] {
        [
            self.node("a").await,
            self.node("b").await,
            self.node("c").await,
        ]
    }

    async fn node(&self, name: &str) -> Server {
        self.node_with(name, &[]).await
    }

    /// A node reaching NATS at `nats_url`.
    async fn node_through(&self, name: &str, nats_url: &str) -> Server {
        self.start(name, nats_url, &[]).await
    }

    /// A node with these flags too.
    async fn node_with(&self, name: &str, extra: &[&str]) -> Server {
        self.start(name, &self.nats_url, extra).await
    }

    async fn start(&self, name: &str, nats_url: &str, extra: &[&str]) -> Server {
        let mut flags: Vec<&str> = self.flags.iter().map(String::as_str).collect();
        flags.extend(["--nats-url", nats_url]);
        flags.extend(extra);
        self.storage.serve_node(name, &flags).await
    }

    fn api(&self, node: &Server) -> Api {
        Api::new(&node.base, &self.key)
    }

    /// A new client (invited) and their channel.
    async fn client_with_channel(&self, api: &Api, name: &str) -> (String, String) {
        let (client, channel, _) = self.invited_client(api, name).await;
        (client, channel)
    }

    /// A new client, their channel, and their invitation link.
    async fn invited_client(&self, api: &Api, name: &str) -> (String, String, String) {
        let client = api
            .post(
                "/v1/clients?sendInvite=true",
                json!({ "givenName": name, "familyName": "Node", "email": format!("{name}@example.com") }),
            )
            .await
            .expect("client created");
        let id = client["id"].as_str().unwrap().to_string();
        let channels = api
            .get(&format!("/v1/message-channels?clientId={id}"))
            .await
            .expect("channels listed");
        let channel = channels["data"][0]["id"].as_str().unwrap().to_string();
        let link = client["inviteUrl"]
            .as_str()
            .expect("an admin is given the link")
            .to_string();
        (id, channel, link)
    }

    /// Accepts an invitation through `node`; the session cookie.
    async fn accept_invitation(&self, node: &Server, link: &str) -> String {
        let token = link.rsplit('/').next().unwrap();
        let answer = reqwest::Client::new()
            .post(format!("{}/v1/invitations/{token}/accept", node.base))
            .json(&json!({ "password": "a client's long password" }))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "invitation accepted");
        let cookie = answer
            .headers()
            .get("set-cookie")
            .expect("a session cookie")
            .to_str()
            .unwrap();
        cookie.split(';').next().unwrap().to_string()
    }

    async fn owner_id(&self, api: &Api) -> String {
        let users = api.get("/v1/internal-users").await.expect("staff listed");
        users["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|user| user["email"] == OWNER_EMAIL)
            .expect("the owner")["id"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

enum Credential<'a> {
    Key(&'a str),
    Cookie(&'a str),
}

/// A realtime socket whose frames are collected as they come.
struct Listener {
    node: String,
    frames: Arc<Mutex<Vec<Value>>>,
    /// The close code, once the socket has closed.
    closed: Arc<Mutex<Option<u16>>>,
    out: tokio::sync::mpsc::UnboundedSender<Message>,
}

impl Listener {
    /// Opens a socket (resuming after `since`) and waits for its `ready`.
    async fn open(
        node: &impl Reachable,
        credential: Credential<'_>,
        since: Option<&str>,
    ) -> Listener {
        let url = format!(
            "{}/v1/realtime{}",
            node.base().replace("http://", "ws://"),
            since.map(|c| format!("?since={c}")).unwrap_or_default()
        );
        let mut request = url.into_client_request().unwrap();
        let (name, value) = match credential {
            Credential::Key(key) => ("x-api-key", key.to_string()),
            Credential::Cookie(cookie) => ("cookie", cookie.to_string()),
        };
        request.headers_mut().insert(name, value.parse().unwrap());
        let (stream, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("the socket opens");
        let (mut sink, mut stream) = stream.split();
        let frames = Arc::new(Mutex::new(Vec::new()));
        let closed = Arc::new(Mutex::new(None));
        let (out, mut outgoing) = tokio::sync::mpsc::unbounded_channel::<Message>();
        tokio::spawn(async move {
            while let Some(message) = outgoing.recv().await {
                if sink.send(message).await.is_err() {
                    return;
                }
            }
        });
        {
            let (frames, closed) = (frames.clone(), closed.clone());
            tokio::spawn(async move {
                let code = loop {
                    match stream.next().await {
                        Some(Ok(Message::Text(text))) => frames
                            .lock()
                            .unwrap()
                            .push(serde_json::from_str(&text).expect("frames are JSON")),
                        Some(Ok(Message::Close(frame))) => {
                            break frame.map_or(1005, |f| u16::from(f.code))
                        }
                        Some(Ok(_)) => {}
                        None | Some(Err(_)) => break 1006,
                    }
                };
                *closed.lock().unwrap() = Some(code);
            });
        }
        let listener = Listener {
            node: node.base().to_string(),
            frames,
            closed,
            out,
        };
        listener.wait_for(|frame| frame["type"] == "ready").await;
        listener
    }

    async fn say(&self, frame: Value) {
        self.out
            .send(Message::Text(frame.to_string().into()))
            .expect("the socket is open");
    }

    async fn close(&self) {
        self.out
            .send(Message::Close(None))
            .expect("the socket is open");
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.closed.lock().unwrap().is_none() {
            assert!(Instant::now() < deadline, "the socket did not close");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn ready(&self) -> Value {
        self.frames
            .lock()
            .unwrap()
            .iter()
            .find(|frame| frame["type"] == "ready")
            .cloned()
            .expect("ready came")
    }

    /// The cursor of the last event received (or of `ready`).
    fn cursor(&self) -> String {
        self.frames
            .lock()
            .unwrap()
            .iter()
            .rev()
            .find_map(|frame| frame["cursor"].as_str().map(str::to_string))
            .expect("a cursor")
    }

    fn message_ids(&self) -> Vec<String> {
        message_ids(&self.frames.lock().unwrap())
    }

    /// Every event came after the one before it (`ready` restates the
    /// cursor it starts from).
    fn assert_in_order(&self) {
        let frames = self.frames.lock().unwrap();
        let cursors: Vec<i64> = frames
            .iter()
            .filter(|frame| frame["type"] != "ready")
            .filter_map(|frame| frame["cursor"].as_str()?.parse().ok())
            .collect();
        assert!(
            cursors.windows(2).all(|pair| pair[0] < pair[1]),
            "events out of order on {}: {cursors:?}",
            self.node
        );
    }

    async fn wait_until(&self, done: impl Fn(&[Value]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if done(&self.frames.lock().unwrap()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the socket on {} did not get what was expected in 30 s; it got {} frames, the last {:?}",
                self.node,
                self.frames.lock().unwrap().len(),
                self.frames.lock().unwrap().last()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn wait_for(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        self.wait_until(|frames| frames.iter().any(&wanted)).await;
        self.frames
            .lock()
            .unwrap()
            .iter()
            .find(|frame| wanted(frame))
            .cloned()
            .unwrap()
    }

    async fn wait_for_message(&self, id: &str) {
        self.wait_until(|frames| message_ids(frames).iter().any(|m| m == id))
            .await;
    }

    fn close_code(&self) -> Option<u16> {
        *self.closed.lock().unwrap()
    }

    /// Waits for the socket to close (its node is gone); its last cursor.
    async fn closed_with_cursor(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.closed.lock().unwrap().is_none() {
            assert!(Instant::now() < deadline, "the socket did not close");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.cursor()
    }
}

fn message_ids(frames: &[Value]) -> Vec<String> {
    frames
        .iter()
        .filter(|frame| frame["type"] == "message.created")
        .filter_map(|frame| frame["data"]["id"].as_str().map(str::to_string))
        .collect()
}

/// A TCP relay between one node and NATS that the test can cut and restore.
struct NatsCut {
    port: u16,
    open: Arc<std::sync::atomic::AtomicBool>,
    connections: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    relay: tokio::task::JoinHandle<()>,
}

impl NatsCut {
    async fn start(nats_url: &str) -> NatsCut {
        let upstream = nats_url
            .trim_start_matches("nats://")
            .trim_end_matches('/')
            .to_string();
        let port = free_port();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let open = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let connections = Arc::new(Mutex::new(Vec::new()));
        let relay = {
            let (open, connections) = (open.clone(), connections.clone());
            tokio::spawn(async move {
                while let Ok((mut inbound, _)) = listener.accept().await {
                    if !open.load(std::sync::atomic::Ordering::SeqCst) {
                        continue; // dropped: refused as good as
                    }
                    let upstream = upstream.clone();
                    connections.lock().unwrap().push(tokio::spawn(async move {
                        if let Ok(mut outbound) = tokio::net::TcpStream::connect(&upstream).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    }));
                }
            })
        };
        NatsCut {
            port,
            open,
            connections,
            relay,
        }
    }

    fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    /// Drops every relayed connection and refuses new ones.
    fn cut(&self) {
        self.open.store(false, std::sync::atomic::Ordering::SeqCst);
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    fn restore(&self) {
        self.open.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Drop for NatsCut {
    fn drop(&mut self) {
        self.relay.abort();
        self.cut();
    }
}

/// Sign-in windows are whole minutes: starts the counting early in one.
async fn wait_for_a_fresh_minute() {
    let second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 60;
    if second > 40 {
        tokio::time::sleep(Duration::from_secs(61 - second)).await;
    }
}

async fn eventually<F, Fut>(what: &str, check: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check().await {
        assert!(Instant::now() < deadline, "{what}: not within 30 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// nginx from Debian's packages (`make test` installs it), in front of the
/// nodes, with the `location` block of docs/deploy.md.
struct Nginx {
    base: String,
    child: tokio::process::Child,
    _dir: tempfile::TempDir,
}

impl Nginx {
    async fn start(nodes: &[Server]) -> Nginx {
        let guide =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/deploy.md"))
                .expect("docs/deploy.md");
        let start = guide
            .find("    location / {")
            .expect("the guide's nginx location");
        let end = start + guide[start..].find("\n    }\n").expect("its end") + 6;
        let location = guide[start..end].replace("http://127.0.0.1:8080", "http://parlor");
        let map = {
            let start = guide
                .find("map $http_upgrade")
                .expect("the guide's upgrade map");
            let end = start + guide[start..].find("\n}\n").expect("its end") + 2;
            guide[start..end].to_string()
        };
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let servers: String = nodes
            .iter()
            .map(|node| {
                format!(
                    "        server {};\n",
                    node.base.trim_start_matches("http://")
                )
            })
            .collect();
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| out.stdout.starts_with(b"0\n"));
        let temp = dir.path().display();
        let config = format!(
            "{user}pid {temp}/nginx.pid;\nerror_log {temp}/error.log;\nevents {{}}\nhttp {{\n    access_log off;\n    \
             client_body_temp_path {temp}/body;\n    proxy_temp_path {temp}/proxy;\n    fastcgi_temp_path {temp}/fastcgi;\n    \
             uwsgi_temp_path {temp}/uwsgi;\n    scgi_temp_path {temp}/scgi;\n    {map}\n    upstream parlor {{\n{servers}    }}\n    \
             server {{\n        listen 127.0.0.1:{port};\n    {location}\n    }}\n}}\n",
            user = if root { "user root;\n" } else { "" },
        );
        let path = dir.path().join("nginx.conf");
        std::fs::write(&path, config).unwrap();
        let child = tokio::process::Command::new("/usr/sbin/nginx")
            .args([
                "-p",
                &temp.to_string(),
                "-c",
                &path.display().to_string(),
                "-g",
                "daemon off;",
            ])
            .kill_on_drop(true)
            .spawn()
            .expect("nginx starts (make test installs Debian's nginx-light)");
        let base = format!("http://127.0.0.1:{port}");
        eventually("nginx answers", || async {
            reqwest::get(format!("{base}/healthz"))
                .await
                .is_ok_and(|r| r.status() == 200)
        })
        .await;
        Nginx {
            base,
            child,
            _dir: dir,
        }
    }
}

/// Where sockets connect: a node, or the proxy in front of the nodes.
trait Reachable {
    fn base(&self) -> &str;
}

impl Reachable for Server {
    fn base(&self) -> &str {
        &self.base
    }
}

impl Reachable for Nginx {
    fn base(&self) -> &str {
        &self.base
    }
}

impl Drop for Nginx {
    /// SIGTERM, so the master stops its workers too (SIGKILL would leave them).
    fn drop(&mut self) {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
    }
}
