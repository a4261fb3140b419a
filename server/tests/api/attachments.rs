//! Files: uploads streamed to both blob stores and back byte for byte, who
//! may read them, limits, interrupted uploads, thumbnails, hostile names,
//! safe serving, ranges and caching, and clean-up when messages go.

use std::io::Cursor;
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::helpers::{eventually, Caller, Response, TestApp};

const MIB: usize = 1024 * 1024;

/// A multipart body written by hand, so file names reach the server exactly
/// as given (HTTP clients would escape the interesting ones).
fn multipart(files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "parlor-test-boundary-7d41";
    let mut body = Vec::new();
    for (name, bytes) in files {
        let quoted = name.replace('"', "\\\"");
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(b"Content-Disposition: form-data; name=\"file\"; filename=\"");
        body.extend_from_slice(quoted.as_bytes());
        body.extend_from_slice(b"\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub(crate) async fn upload(caller: &Caller, files: &[(&str, &[u8])]) -> Response {
    let (content_type, body) = multipart(files);
    caller
        .send(
            caller
                .request(Method::POST, "/v1/attachments")
                .header("content-type", content_type)
                .body(body),
        )
        .await
}

/// Uploads one file and returns its attachment object.
async fn upload_one(caller: &Caller, name: &str, bytes: &[u8]) -> Value {
    let response = upload(caller, &[(name, bytes)]).await;
    assert_eq!(response.status, 200, "uploading {name}: {}", response.body);
    response.body["data"][0].clone()
}

struct Download {
    status: u16,
    headers: HeaderMap,
    bytes: Bytes,
}

impl Download {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or_default()
    }
}

/// GETs an absolute URL the API gave (or a path), with extra headers.
async fn download(app: &TestApp, caller: &Caller, url: &str, headers: &[(&str, &str)]) -> Download {
    let path = url.strip_prefix(&app.base).unwrap_or(url);
    let mut request = caller.request(Method::GET, path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("download reaches the server");
    Download {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        bytes: response.bytes().await.expect("the whole body"),
    }
}

pub(crate) async fn send_files(
    caller: &Caller,
    channel_id: &str,
    text: &str,
    ids: &[&str],
) -> Response {
    caller
        .post(
            "/v1/messages",
            json!({ "channelId": channel_id, "text": text, "attachmentIds": ids }),
        )
        .await
}

/// Rows in the attachments table and the blob ledger, and the stored blobs.
async fn stored(app: &TestApp) -> (i64, i64, Vec<String>) {
    let mut conn = app.ctx.store.reader().await.unwrap();
    let (attachments,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM attachments")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    let (blobs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM blobs")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    (attachments, blobs, app.ctx.blobs.keys().await.unwrap())
}

/// A client in a company with their individual channel.
pub(crate) async fn client_with_channel(app: &TestApp) -> (Value, String) {
    let company = app.create_company("Acme").await;
    let client = app.create_client("Ann", Some(&company)).await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    (client, channel)
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([(x % 256) as u8, (y % 256) as u8, 200, 180])
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

// ---------------------------------------------------------------- round trips

async fn small_files_round_trip(app: TestApp) {
    let (_, channel) = client_with_channel(&app).await;
    let text = "Tax form attached: é ✓\n".repeat(50);
    let binary: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let one_byte = b"x".to_vec();
    let files: [(&str, &[u8]); 3] = [
        ("notes.txt", text.as_bytes()),
        ("data.bin", &binary),
        ("tiny.txt", &one_byte),
    ];
    let uploaded = upload(&app.admin, &files).await;
    assert_eq!(uploaded.status, 200, "{}", uploaded.body);
    let data = uploaded.body["data"].as_array().unwrap().clone();
    assert_eq!(data.len(), 3);
    let ids: Vec<&str> = data.iter().map(|a| a["id"].as_str().unwrap()).collect();

    let sent = send_files(&app.admin, &channel, "Here you go", &ids).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    assert_eq!(sent.body["isAttachmentIncluded"], true);
    let fetched = app.admin.get(&format!("/v1/messages/{}", sent.id())).await;
    let attachments = fetched.body["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 3, "{}", fetched.body);
    for ((name, bytes), attachment) in files.iter().zip(attachments) {
        assert_eq!(attachment["object"], "attachment");
        assert_eq!(attachment["name"], *name);
        assert_eq!(attachment["size"], bytes.len() as u64);
        assert_eq!(attachment["messageId"], sent.id());
        let got = download(
            &app,
            &app.admin,
            attachment["downloadUrl"].as_str().unwrap(),
            &[],
        )
        .await;
        assert_eq!(got.status, 200, "{name}");
        assert_eq!(
            sha256_hex(&got.bytes),
            sha256_hex(bytes),
            "{name} comes back byte for byte"
        );
        assert_eq!(got.header("content-length"), bytes.len().to_string());
    }
    assert_eq!(attachments[0]["contentType"], "text/plain");
    assert_eq!(attachments[1]["contentType"], "application/octet-stream");
}

#[tokio::test]
async fn small_files_round_trip_on_the_local_store() {
    small_files_round_trip(TestApp::spawn().await).await;
}

#[tokio::test]
async fn small_files_round_trip_on_s3() {
    small_files_round_trip(TestApp::spawn_on_s3().await).await;
}

/// A line of /proc/self/status in bytes, e.g. `VmHWM` (peak resident memory
/// of this process, which the server runs inside) or `VmRSS`.
fn memory_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .unwrap_or_else(|| panic!("no {field} line"));
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}

/// Resets the peak to the current resident size (Linux: clear_refs 5), so
/// an earlier test's peak cannot hide this one's; returns the new baseline.
fn reset_peak_memory() -> u64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    memory_bytes("VmHWM:")
}

/// One large test at a time, so each measures its own peak memory.
pub(crate) static LARGE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn large_file_round_trip(app: TestApp, backend: &str) {
    let _one_at_a_time = LARGE.lock().await;
    const SIZE: usize = 200 * MIB + 12_345;
    let (_, channel) = client_with_channel(&app).await;
    // One pseudo-random block, stamped with its index so every chunk differs
    // and a lost, repeated or reordered chunk changes the hash.
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let block: Vec<u8> = (0..MIB / 8)
        .flat_map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()
        })
        .collect();
    let sent_hash = std::sync::Arc::new(std::sync::Mutex::new(Sha256::new()));
    let hash = sent_hash.clone();
    let chunks = (0..SIZE.div_ceil(MIB)).map(move |i| {
        let len = MIB.min(SIZE - i * MIB);
        let mut chunk = BytesMut::from(&block[..len]);
        chunk[..8].copy_from_slice(&(i as u64).to_le_bytes());
        hash.lock().unwrap().update(&chunk);
        Ok::<Bytes, std::io::Error>(chunk.freeze())
    });
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    let part = reqwest::multipart::Part::stream_with_length(body, SIZE as u64)
        .file_name("archive.bin")
        .mime_str("application/octet-stream")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("file", part);

    let before = reset_peak_memory();
    let heap_before = crate::memory::reset_peak();
    let started = Instant::now();
    let uploaded = app
        .admin
        .send(
            app.admin
                .request(Method::POST, "/v1/attachments")
                .multipart(form),
        )
        .await;
    let upload_time = started.elapsed();
    assert_eq!(uploaded.status, 200, "{}", uploaded.body);
    let attachment = &uploaded.body["data"][0];
    assert_eq!(attachment["size"], SIZE as u64);
    let sent = send_files(
        &app.admin,
        &channel,
        "",
        &[attachment["id"].as_str().unwrap()],
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.body);

    let started = Instant::now();
    let url = attachment["downloadUrl"].as_str().unwrap();
    let response = app
        .admin
        .request(Method::GET, url.strip_prefix(&app.base).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut received = Sha256::new();
    let mut received_bytes = 0usize;
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("the download completes");
        received_bytes += chunk.len();
        received.update(&chunk);
    }
    let download_time = started.elapsed();
    let growth = memory_bytes("VmHWM:").saturating_sub(before);
    let heap_growth = crate::memory::peak().saturating_sub(heap_before);
    eprintln!(
        "large file on {backend}: {} MiB up in {upload_time:?}, down in {download_time:?}; \
         peak heap grew by {:.1} MiB (from {:.1} MiB), peak resident memory by {:.1} MiB \
         (from {:.1} MiB)",
        SIZE / MIB,
        heap_growth as f64 / MIB as f64,
        heap_before as f64 / MIB as f64,
        growth as f64 / MIB as f64,
        before as f64 / MIB as f64,
    );
    assert_eq!(received_bytes, SIZE);
    let sent_hash = format!("{:x}", sent_hash.lock().unwrap().clone().finalize());
    assert_eq!(
        format!("{:x}", received.finalize()),
        sent_hash,
        "the same bytes come back"
    );
    // The heap is counted for the whole process, other tests running
    // alongside included; holding the file would add 200 MiB.
    assert!(
        heap_growth < 64 * MIB,
        "uploading and downloading {} MiB must not hold the file in memory: the heap grew {} MiB",
        SIZE / MIB,
        heap_growth / MIB
    );
}

#[tokio::test]
async fn a_200_mib_file_streams_through_the_local_store_in_bounded_memory() {
    let app = TestApp::spawn_with(|config| config.files.max_file_bytes = 256 * MIB as u64).await;
    large_file_round_trip(app, "the local store").await;
}

#[tokio::test]
async fn a_200_mib_file_streams_through_s3_in_bounded_memory() {
    let app =
        TestApp::spawn_on_s3_with(|config| config.files.max_file_bytes = 256 * MIB as u64).await;
    large_file_round_trip(app, "S3").await;
}

// ---------------------------------------------------------------- who may read

#[tokio::test]
async fn only_members_of_the_channel_may_read_its_files() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let bob = app.create_client("Bob", Some(&globex)).await;
    let ann_channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let acme_channel = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "company", "companyId": acme }),
        )
        .await
        .id();
    let roles = app.every_role(&acme, &globex, &ann, &bob).await;
    let (ann_session, bob_session) = (roles[5].1.clone(), roles[6].1.clone());
    //                    admin key, admin session, staff full, staff Acme, staff Globex, Ann, Bob, anonymous
    let acme_readers = [200, 200, 200, 200, 404, 200, 404, 401];

    let image = png(600, 300);
    for (label, channel) in [
        ("Ann's channel", &ann_channel),
        ("the Acme channel", &acme_channel),
    ] {
        let file = upload_one(&app.admin, "scan.png", &image).await;
        let id = file["id"].as_str().unwrap();
        let sent = send_files(&app.admin, channel, "", &[id]).await;
        assert_eq!(sent.status, 200, "{}", sent.body);
        let urls = [
            format!("/v1/attachments/{id}"),
            format!("/v1/attachments/{id}/content"),
            format!("/v1/attachments/{id}/thumbnail"),
        ];
        for url in &urls {
            for ((role, caller), expected) in roles.iter().zip(acme_readers) {
                let got = download(&app, caller, url, &[]).await;
                assert_eq!(got.status, expected, "{url} in {label} as {role}");
                if expected == 200 && url.ends_with("/content") {
                    assert_eq!(got.bytes.as_ref(), image.as_slice(), "{role}");
                }
                if expected != 200 {
                    let body: Value = serde_json::from_slice(&got.bytes).unwrap();
                    assert!(body["code"].is_string() && body["message"].is_string());
                }
            }
        }
    }

    // An upload not sent yet belongs to its uploader alone, admins included.
    let draft = upload_one(&ann_session, "draft.txt", b"not sent yet").await;
    let draft_url = format!("/v1/attachments/{}/content", draft["id"].as_str().unwrap());
    for ((role, caller), expected) in roles.iter().zip([404, 404, 404, 404, 404, 200, 404, 401]) {
        let got = download(&app, caller, &draft_url, &[]).await;
        assert_eq!(got.status, expected, "an unsent upload of Ann's, as {role}");
    }
    // Nobody else can send it, and it goes only where its uploader may write.
    let stolen = send_files(
        &bob_session,
        &ann_channel,
        "mine now",
        &[draft["id"].as_str().unwrap()],
    )
    .await;
    assert_eq!(
        stolen.status, 404,
        "Bob cannot even see Ann's channel: {}",
        stolen.body
    );
    let bob_channel = app.individual_channel(bob["id"].as_str().unwrap()).await;
    let stolen = send_files(
        &bob_session,
        &bob_channel,
        "mine now",
        &[draft["id"].as_str().unwrap()],
    )
    .await;
    stolen.assert_error(422, "sending someone else's upload");
    let own = send_files(
        &ann_session,
        &ann_channel,
        "",
        &[draft["id"].as_str().unwrap()],
    )
    .await;
    assert_eq!(
        own.status, 200,
        "a client sends a file of their own: {}",
        own.body
    );
    assert_eq!(own.body["text"], "", "a message may be files only");

    // Uploading needs credentials, and a session needs its CSRF token.
    let (content_type, body) = multipart(&[("a.txt", b"hello")]);
    for (who, caller, expected) in [
        ("no credentials", app.anonymous(), 401),
        (
            "a session without CSRF token",
            ann_session.without_csrf(),
            403,
        ),
    ] {
        let response = caller
            .send(
                caller
                    .request(Method::POST, "/v1/attachments")
                    .header("content-type", content_type.clone())
                    .body(body.clone()),
            )
            .await;
        response.assert_error(expected, who);
    }

    // The workspace's usage is for internal users.
    for ((role, caller), expected) in roles.iter().zip([200, 200, 200, 200, 200, 403, 403, 401]) {
        let usage = caller.get("/v1/attachments/usage").await;
        assert_eq!(usage.status, expected, "usage as {role}: {}", usage.body);
    }
}

// ---------------------------------------------------------------- limits

#[tokio::test]
async fn files_over_the_size_limit_are_refused_with_413_and_leave_nothing() {
    let app = TestApp::spawn_with(|config| {
        config.files.max_file_bytes = MIB as u64;
        config.files.max_files_per_message = 3;
    })
    .await;
    let just_right = vec![7u8; MIB];
    let ok = upload(&app.admin, &[("fits.bin", &just_right)]).await;
    assert_eq!(
        ok.status, 200,
        "a file of exactly the limit is fine: {}",
        ok.body
    );

    let too_big = vec![7u8; MIB + 1];
    let (attachments_before, blobs_before, _) = stored(&app).await;
    let refused = upload(
        &app.admin,
        &[("small.txt", b"fine"), ("huge.bin", &too_big)],
    )
    .await;
    refused.assert_error(413, "a file one byte over the limit");
    let message = refused.body["message"].as_str().unwrap();
    assert!(
        message.contains("huge.bin") && message.contains("1 MiB"),
        "a clear message: {message}"
    );

    // Far larger than the limit: refused from its Content-Length alone.
    let way_too_big = vec![7u8; 5 * MIB];
    upload(&app.admin, &[("a.bin", &way_too_big)])
        .await
        .assert_error(413, "a request larger than any allowed upload");

    // Nothing of the refused requests stays, not even the file that fitted.
    eventually("the refused uploads are cleaned up", || async {
        let (attachments, blobs, keys) = stored(&app).await;
        attachments == attachments_before && blobs == blobs_before && keys.len() as i64 == blobs
    })
    .await;

    // Too many files for one message, or one request.
    let one = b"1".as_slice();
    upload(
        &app.admin,
        &[("1", one), ("2", one), ("3", one), ("4", one)],
    )
    .await
    .assert_error(422, "four files when three are allowed");
    let (_, channel) = client_with_channel(&app).await;
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(
            upload_one(&app.admin, "n.txt", b"n").await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    send_files(&app.admin, &channel, "four", &ids)
        .await
        .assert_error(422, "four attachments on one message");
    send_files(&app.admin, &channel, "twice", &[ids[0], ids[0]])
        .await
        .assert_error(422, "the same attachment twice");
    send_files(&app.admin, &channel, "", &[])
        .await
        .assert_error(422, "no text and no files");
    let sent = send_files(&app.admin, &channel, "", &ids[..3]).await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    send_files(&app.admin, &channel, "again", &[ids[0]])
        .await
        .assert_error(422, "a file already sent");
}

#[tokio::test]
async fn empty_files_and_requests_without_files_are_refused() {
    let app = TestApp::spawn().await;
    let empty = upload(&app.admin, &[("empty.txt", b"")]).await;
    empty.assert_error(422, "an empty file");
    assert!(empty.body["message"].as_str().unwrap().contains("empty"));
    let no_file = upload(&app.admin, &[]).await;
    no_file.assert_error(422, "a form without files");
    let not_multipart = app
        .admin
        .post("/v1/attachments", json!({ "file": "x" }))
        .await;
    not_multipart.assert_error(400, "a JSON body");
    eventually("the empty upload left nothing", || async {
        stored(&app).await == (0, 0, vec![])
    })
    .await;
}

// ---------------------------------------------------------------- interruptions

async fn upload_cut_off_midway(app: TestApp, min_bytes_before_cut: usize) {
    let address = app.base.strip_prefix("http://").unwrap().to_string();
    let key = app
        .admin
        .api_key()
        .expect("the admin calls with a key")
        .to_string();
    let boundary = "cut-off-boundary";
    // A first file that arrives whole, then a second cut off midway: the
    // request keeps all its files or none.
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"whole.txt\"\r\n\r\n\
         this one arrived whole\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cut.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    );
    let announced = head.len() + 50 * MIB + format!("\r\n--{boundary}--\r\n").len();
    let request = format!(
        "POST /v1/attachments HTTP/1.1\r\nHost: {address}\r\nX-API-Key: {key}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {announced}\r\n\r\n{head}"
    );
    let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
    socket.write_all(request.as_bytes()).await.unwrap();
    let chunk = vec![0xA5u8; MIB];
    let mut written = 0;
    while written < min_bytes_before_cut {
        socket.write_all(&chunk).await.unwrap();
        written += chunk.len();
    }
    // The upload is under way: the first file is stored, the second's blob
    // is in the ledger, not yet complete.
    eventually("the server is storing the upload", || async {
        let mut conn = app.ctx.store.reader().await.unwrap();
        let (complete, incomplete): (i64, i64) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(is_complete), 0) AS BIGINT), \
             CAST(COUNT(*) - COALESCE(SUM(is_complete), 0) AS BIGINT) FROM blobs",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        (complete, incomplete) == (1, 1)
    })
    .await;
    assert_eq!(stored(&app).await.0, 1, "the first file was stored");
    socket.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(socket);

    eventually(
        "no row and no bytes of the cut-off upload remain",
        || async { stored(&app).await == (0, 0, vec![]) },
    )
    .await;
    if let parlor::config::BlobLocation::Local(dir) = &app.config.files.store {
        let leftovers: Vec<_> = std::fs::read_dir(dir.join("tmp")).unwrap().collect();
        assert!(
            leftovers.is_empty(),
            "no partial file in the store's tmp/: {leftovers:?}"
        );
    }
    if let parlor::config::BlobLocation::S3(s3) = &app.config.files.store {
        // The parts already sent are dropped with the multipart upload.
        let endpoint = s3.endpoint.clone().unwrap();
        let bucket = s3.bucket.clone();
        eventually("the multipart upload is aborted", || {
            let url = format!("{endpoint}/{bucket}?uploads");
            async move {
                let listing = reqwest::get(url).await.unwrap().text().await.unwrap();
                !listing.contains("<UploadId>")
            }
        })
        .await;
    }
    let usage = app.admin.get("/v1/attachments/usage").await;
    assert_eq!(usage.body["storedBytes"], 0, "{}", usage.body);
    assert_eq!(usage.body["attachmentCount"], 0);
}

#[tokio::test]
async fn an_upload_cut_off_midway_leaves_nothing_in_the_local_store() {
    upload_cut_off_midway(TestApp::spawn().await, 3 * MIB).await;
}

#[tokio::test]
async fn an_upload_cut_off_midway_leaves_nothing_in_s3() {
    // More than one multipart part (8 MiB), so parts reach S3 before the cut.
    upload_cut_off_midway(TestApp::spawn_on_s3().await, 20 * MIB).await;
}

#[tokio::test]
async fn uploads_never_sent_are_deleted_after_a_while() {
    let app = TestApp::spawn().await;
    let (_, channel) = client_with_channel(&app).await;
    let kept = upload_one(&app.admin, "kept.png", &png(500, 500)).await;
    send_files(&app.admin, &channel, "", &[kept["id"].as_str().unwrap()]).await;
    let forgotten = upload_one(&app.admin, "forgotten.png", &png(500, 500)).await;
    let (_, blobs, keys) = stored(&app).await;
    assert_eq!((blobs, keys.len()), (4, 4), "two files and two thumbnails");

    let now = parlor::storage::now_ms();
    parlor::service::attachments::collect_garbage(&app.ctx, now)
        .await
        .unwrap();
    assert_eq!(
        stored(&app).await.1,
        4,
        "a fresh upload waits for its message"
    );

    let later = now + app.config.files.unsent_ttl.as_millis() as i64 + 1000;
    let deleted = parlor::service::attachments::collect_garbage(&app.ctx, later)
        .await
        .unwrap();
    assert_eq!(deleted, 2, "the unsent file and its thumbnail");
    let (attachments, blobs, keys) = stored(&app).await;
    assert_eq!((attachments, blobs, keys.len()), (1, 2, 2));
    let gone = app
        .admin
        .get(&format!(
            "/v1/attachments/{}",
            forgotten["id"].as_str().unwrap()
        ))
        .await;
    gone.assert_error(404, "an expired upload");
    let sent = download(&app, &app.admin, kept["downloadUrl"].as_str().unwrap(), &[]).await;
    assert_eq!(sent.status, 200, "a sent file stays");
}

// ---------------------------------------------------------------- images

#[tokio::test]
async fn jpeg_and_png_images_get_their_size_and_a_thumbnail() {
    let app = TestApp::spawn().await;
    for (name, bytes, content_type, (width, height), thumb_type, thumb_size) in [
        (
            "photo.jpg",
            jpeg(1200, 800),
            "image/jpeg",
            (1200, 800),
            "image/jpeg",
            (400, 267),
        ),
        (
            "diagram.png",
            png(300, 900),
            "image/png",
            (300, 900),
            "image/png",
            (133, 400),
        ),
        (
            "icon.png",
            png(64, 48),
            "image/png",
            (64, 48),
            "image/png",
            (64, 48),
        ),
    ] {
        let file = upload_one(&app.admin, name, &bytes).await;
        assert_eq!(file["contentType"], content_type, "{name}");
        assert_eq!(file["width"], width, "{name}");
        assert_eq!(file["height"], height, "{name}");
        let thumbnail_url = file["thumbnailUrl"].as_str().expect("a thumbnail URL");
        let thumb = download(&app, &app.admin, thumbnail_url, &[]).await;
        assert_eq!(thumb.status, 200, "{name}");
        assert_eq!(thumb.header("content-type"), thumb_type, "{name}");
        assert!(thumb.header("content-disposition").starts_with("inline"));
        let preview = image::load_from_memory(&thumb.bytes).expect("the thumbnail is an image");
        assert_eq!((preview.width(), preview.height()), thumb_size, "{name}");

        let original = download(&app, &app.admin, file["downloadUrl"].as_str().unwrap(), &[]).await;
        assert_eq!(original.header("content-type"), content_type);
        assert!(
            original
                .header("content-disposition")
                .starts_with("inline;"),
            "safe raster images are shown inline"
        );
        assert_eq!(original.bytes.as_ref(), bytes.as_slice());
    }
    // A file that is not an image gets neither size nor thumbnail.
    let text = upload_one(&app.admin, "fake.png", b"just text pretending").await;
    assert_eq!(
        text["contentType"], "text/plain",
        "the name does not decide the type"
    );
    assert!(text["width"].is_null() && text["thumbnailUrl"].is_null());
    let missing = download(
        &app,
        &app.admin,
        &format!("/v1/attachments/{}/thumbnail", text["id"].as_str().unwrap()),
        &[],
    )
    .await;
    assert_eq!(missing.status, 404);
}

// ---------------------------------------------------------------- names and types

#[tokio::test]
async fn hostile_file_names_are_stored_and_served_safely() {
    let app = TestApp::spawn().await;
    let long = format!("{}.pdf", "a".repeat(3000));
    let cases: [(&str, &str); 8] = [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\config", "config"),
        ("tab\there.txt", "tabhere.txt"),
        ("next\u{85}line.txt", "nextline.txt"),
        ("invoice\u{202E}fdp.exe", "invoicefdp.exe"),
        ("quote\"; filename=evil.html", "quote_; filename=evil.html"),
        ("..", "file"),
        (&long, ""),
    ];
    for (raw, expected) in cases {
        let file = upload_one(&app.admin, raw, b"harmless content").await;
        let name = file["name"].as_str().unwrap();
        if expected.is_empty() {
            assert!(
                name.len() <= 255 && name.ends_with(".pdf"),
                "a long name is cut: {}",
                name.len()
            );
        } else {
            assert_eq!(name, expected, "{raw:?}");
        }
        let got = download(&app, &app.admin, file["downloadUrl"].as_str().unwrap(), &[]).await;
        assert_eq!(got.status, 200, "{raw:?}");
        let disposition = got.header("content-disposition");
        assert!(
            disposition.starts_with("attachment; filename=\""),
            "{disposition}"
        );
        assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
        assert_eq!(
            disposition.matches('"').count(),
            2,
            "one quoted name: {disposition}"
        );
        assert!(
            !disposition.contains('/') && !disposition.contains('\\'),
            "{disposition}"
        );
    }
    // Storage keys never come from names: every blob is 64 hex digits, and
    // nothing was written outside the store.
    let keys = app.ctx.blobs.keys().await.unwrap();
    assert_eq!(keys.len(), cases.len());
    for key in &keys {
        assert!(
            key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()),
            "{key}"
        );
    }
    let mut found = Vec::new();
    let mut dirs = vec![app.config.data_dir.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                dirs.push(entry.path());
            } else {
                found.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
    }
    assert!(
        !found
            .iter()
            .any(|f| f == "passwd" || f == "config" || f.contains("..")),
        "{found:?}"
    );
}

#[tokio::test]
async fn html_svg_and_disguised_files_are_never_served_inline() {
    let app = TestApp::spawn().await;
    let cases: [(&str, &[u8], &str, &str); 4] = [
        (
            "page.png",
            b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>",
            "text/html",
            "application/octet-stream",
        ),
        (
            "logo.svg",
            b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
            "text/plain",
            "text/plain",
        ),
        (
            "feed.xml",
            b"<?xml version=\"1.0\"?><x/>",
            "text/xml",
            "application/octet-stream",
        ),
        (
            "report.pdf",
            b"%PDF-1.7\n%binary",
            "application/pdf",
            "application/pdf",
        ),
    ];
    for (name, bytes, sniffed, served) in cases {
        let file = upload_one(&app.admin, name, bytes).await;
        assert_eq!(file["contentType"], sniffed, "{name} is typed by its bytes");
        let got = download(&app, &app.admin, file["downloadUrl"].as_str().unwrap(), &[]).await;
        assert_eq!(got.header("content-type"), served, "{name}");
        assert!(
            got.header("content-disposition").starts_with("attachment;"),
            "{name}"
        );
        assert_eq!(got.header("x-content-type-options"), "nosniff");
        assert!(got.header("content-security-policy").contains("sandbox"));
    }
    // A real PNG named .html is still a PNG, and shown as one.
    let image = png(10, 10);
    let file = upload_one(&app.admin, "not-really.html", &image).await;
    let got = download(&app, &app.admin, file["downloadUrl"].as_str().unwrap(), &[]).await;
    assert_eq!(got.header("content-type"), "image/png");
    assert!(got.header("content-disposition").starts_with("inline;"));
}

// ---------------------------------------------------------------- ranges and caching

#[tokio::test]
async fn downloads_support_ranges_and_caching() {
    let app = TestApp::spawn().await;
    let bytes: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    let file = upload_one(&app.admin, "data.bin", &bytes).await;
    let url = file["downloadUrl"].as_str().unwrap();

    let full = download(&app, &app.admin, url, &[]).await;
    assert_eq!(full.status, 200);
    assert_eq!(full.header("accept-ranges"), "bytes");
    assert_eq!(
        full.header("cache-control"),
        "private, max-age=31536000, immutable"
    );
    let etag = full.header("etag").to_string();
    assert_eq!(etag, format!("\"{}\"", sha256_hex(&bytes)));

    for (range, start, end) in [
        ("bytes=0-99", 0, 99),
        ("bytes=9990-", 9990, 9999),
        ("bytes=-10", 9990, 9999),
        ("bytes=5000-20000", 5000, 9999),
    ] {
        let part = download(&app, &app.admin, url, &[("range", range)]).await;
        assert_eq!(part.status, 206, "{range}");
        assert_eq!(
            part.header("content-range"),
            format!("bytes {start}-{end}/10000"),
            "{range}"
        );
        assert_eq!(part.bytes.as_ref(), &bytes[start..=end], "{range}");
    }
    for range in [
        "bytes=10000-",
        "bytes=20000-30000",
        "bytes=500-100",
        "bytes=-0",
        "bytes=abc",
    ] {
        let refused = download(&app, &app.admin, url, &[("range", range)]).await;
        assert_eq!(refused.status, 416, "{range}");
        assert_eq!(refused.header("content-range"), "bytes */10000", "{range}");
    }
    let stale = download(
        &app,
        &app.admin,
        url,
        &[("range", "bytes=0-9"), ("if-range", "\"other\"")],
    )
    .await;
    assert_eq!(
        stale.status, 200,
        "If-Range with another ETag gets the whole file"
    );
    let fresh = download(
        &app,
        &app.admin,
        url,
        &[("range", "bytes=0-9"), ("if-range", &etag)],
    )
    .await;
    assert_eq!(fresh.status, 206);

    let cached = download(&app, &app.admin, url, &[("if-none-match", &etag)]).await;
    assert_eq!(cached.status, 304);
    assert!(cached.bytes.is_empty());
    let changed = download(&app, &app.admin, url, &[("if-none-match", "\"nope\"")]).await;
    assert_eq!(changed.status, 200);
}

// ---------------------------------------------------------------- lifecycle

#[tokio::test]
async fn deleting_a_message_or_channel_deletes_its_files() {
    let app = TestApp::spawn().await;
    let (client, channel) = client_with_channel(&app).await;
    let first = upload_one(&app.admin, "a.png", &png(500, 200)).await;
    let second = upload_one(&app.admin, "b.txt", b"bee").await;
    let message = send_files(
        &app.admin,
        &channel,
        "two files",
        &[
            first["id"].as_str().unwrap(),
            second["id"].as_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(message.status, 200);
    assert_eq!(stored(&app).await.2.len(), 3, "two files and one thumbnail");
    let deleted = app
        .admin
        .delete(&format!("/v1/messages/{}", message.id()))
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    assert_eq!(
        deleted.body["attachments"],
        json!([]),
        "a tombstone keeps no files"
    );
    assert_eq!(deleted.body["isAttachmentIncluded"], false);
    assert_eq!(
        stored(&app).await,
        (0, 0, vec![]),
        "the files are gone from storage"
    );
    let gone = download(
        &app,
        &app.admin,
        first["downloadUrl"].as_str().unwrap(),
        &[],
    )
    .await;
    assert_eq!(gone.status, 404);

    // A channel's files go with it.
    let third = upload_one(&app.admin, "c.txt", b"sea").await;
    send_files(&app.admin, &channel, "", &[third["id"].as_str().unwrap()]).await;
    assert_eq!(stored(&app).await.2.len(), 1);
    let removed = app
        .admin
        .delete(&format!("/v1/message-channels/{channel}"))
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_eq!(stored(&app).await, (0, 0, vec![]));

    // And so do those of a deleted client's channel.
    let company = app.create_company("Globex").await;
    let bob = app.create_client("Bob", Some(&company)).await;
    let bob_channel = app.individual_channel(bob["id"].as_str().unwrap()).await;
    let fourth = upload_one(&app.admin, "d.txt", b"dee").await;
    send_files(
        &app.admin,
        &bob_channel,
        "",
        &[fourth["id"].as_str().unwrap()],
    )
    .await;
    app.admin
        .delete(&format!("/v1/clients/{}", bob["id"].as_str().unwrap()))
        .await;
    assert_eq!(stored(&app).await, (0, 0, vec![]));
    let _ = client;
}

#[tokio::test]
async fn mass_messages_deliver_the_files_to_everyone_and_share_the_bytes() {
    let app = TestApp::spawn().await;
    let company = app.create_company("Acme").await;
    let ann = app.create_client("Ann", Some(&company)).await;
    let amy = app.create_client("Amy", Some(&company)).await;
    let file = upload_one(&app.admin, "newsletter.pdf", b"%PDF-1.4 news").await;
    let sent = app
        .admin
        .post(
            "/v1/mass-messages",
            json!({ "clientIds": [ann["id"], amy["id"]], "attachmentIds": [file["id"]] }),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let deliveries = sent.body["data"].as_array().unwrap();
    let mut message_ids = Vec::new();
    for (delivery, client) in deliveries.iter().zip([&ann, &amy]) {
        let message = &delivery["message"];
        assert_eq!(message["attachments"].as_array().unwrap().len(), 1);
        let url = message["attachments"][0]["downloadUrl"].as_str().unwrap();
        let session = app.client_session(client).await;
        let got = download(&app, &session, url, &[]).await;
        assert_eq!(got.status, 200);
        assert_eq!(got.bytes.as_ref(), b"%PDF-1.4 news");
        message_ids.push(message["id"].as_str().unwrap().to_string());
    }
    let usage = app.admin.get("/v1/attachments/usage").await;
    assert_eq!(
        usage.body["storedBytes"], 13,
        "one copy of the bytes: {}",
        usage.body
    );
    assert_eq!(usage.body["attachmentCount"], 2);

    app.admin
        .delete(&format!("/v1/messages/{}", message_ids[0]))
        .await;
    assert_eq!(
        stored(&app).await.2.len(),
        1,
        "still used by the other message"
    );
    app.admin
        .delete(&format!("/v1/messages/{}", message_ids[1]))
        .await;
    assert_eq!(
        stored(&app).await,
        (0, 0, vec![]),
        "gone with the last message"
    );
}

#[tokio::test]
async fn realtime_events_carry_the_attachments() {
    let app = TestApp::spawn().await;
    let (client, channel) = client_with_channel(&app).await;
    let session = app.client_session(&client).await;
    let (mut socket, _) = session.ready_socket(None).await;
    let file = upload_one(&app.admin, "contract.pdf", b"%PDF-1.7 contract").await;
    let sent = send_files(
        &app.admin,
        &channel,
        "Please sign",
        &[file["id"].as_str().unwrap()],
    )
    .await;
    assert_eq!(sent.status, 200);
    let event = socket
        .next_where(|f| f["type"] == "message.created" && f["data"]["id"] == sent.body["id"])
        .await;
    assert_eq!(event["data"]["attachments"], sent.body["attachments"]);
    assert_eq!(event["data"]["attachments"][0]["name"], "contract.pdf");
    assert_eq!(event["data"]["isAttachmentIncluded"], true);
}

#[tokio::test]
async fn usage_reports_the_bytes_stored() {
    let app = TestApp::spawn_with(|config| config.files.max_file_bytes = 5 * MIB as u64).await;
    let usage = app.admin.get("/v1/attachments/usage").await;
    assert_eq!(usage.status, 200);
    assert_eq!(usage.body["object"], "fileUsage");
    assert_eq!(usage.body["storedBytes"], 0);
    assert_eq!(usage.body["maxFileBytes"], 5 * MIB);
    upload_one(&app.admin, "a.txt", &[b'a'; 1000]).await;
    upload_one(&app.admin, "b.txt", &[b'b'; 234]).await;
    let usage = app.admin.get("/v1/attachments/usage").await;
    assert_eq!(usage.body["storedBytes"], 1234);
    assert_eq!(usage.body["storedBlobs"], 2);
    assert_eq!(usage.body["attachmentCount"], 2);
}

/// A valid PNG of a few dozen bytes whose header claims `width` × `height`
/// pixels (its one row of data is all there is): a "decompression bomb" as
/// far as a decoder that trusts the header is concerned.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
            }
        }
        !crc
    }
    let mut bytes = png(1, 1);
    // The IHDR chunk: length (4), "IHDR" (4), width, height, …, CRC over type and data.
    bytes[16..20].copy_from_slice(&width.to_be_bytes());
    bytes[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

#[tokio::test]
async fn twenty_uploads_of_a_png_claiming_8000_by_8000_pixels_leave_the_server_responsive_in_bounded_memory(
) {
    let _one_at_a_time = LARGE.lock().await;
    let app = TestApp::spawn().await;
    let (_, channel) = client_with_channel(&app).await;
    let bomb = png_claiming(8000, 8000);
    assert!(bomb.len() < 100, "the file itself is tiny");

    let heap_before = crate::memory::reset_peak();
    let names: Vec<String> = (0..20).map(|i| format!("bomb-{i}.png")).collect();
    let uploads = futures_util::future::join_all(
        names.iter().map(|name| upload_one(&app.admin, name, &bomb)),
    );
    let meanwhile = async {
        let health = app.anonymous().get("/healthz").await;
        let sent = app.admin.send_message(&channel, "still here").await;
        (health.status, sent.status)
    };
    let (stored, (health, sent)) = tokio::join!(uploads, meanwhile);
    let heap_growth = crate::memory::peak().saturating_sub(heap_before);

    assert_eq!(health, 200, "/healthz answers during the uploads");
    assert_eq!(sent, 200, "a message is sent during the uploads");
    for attachment in &stored {
        assert_eq!(attachment["contentType"], "image/png", "{attachment}");
        assert_eq!(
            attachment["thumbnailUrl"],
            Value::Null,
            "stored without a thumbnail: {attachment}"
        );
    }
    // One 8000 × 8000 RGBA buffer alone is 244 MiB.
    assert!(
        heap_growth < 64 * MIB,
        "decoding the claimed images must not allocate their pixels: the heap grew {} MiB",
        heap_growth / MIB
    );
}

#[tokio::test]
async fn images_being_uploaded_are_not_held_in_memory_while_they_arrive() {
    let _one_at_a_time = LARGE.lock().await;
    let app = TestApp::spawn().await;
    const SIZE: usize = 16 * MIB;
    // Each upload is a PNG's first bytes and then padding, small enough to
    // be previewed, streamed from one shared block so the test's own side
    // allocates nothing per upload.
    let block = Bytes::from(vec![0u8; MIB]);
    let head = Bytes::from(png(1, 1));
    let form = |i: usize| {
        let (length, block) = ((head.len() + SIZE) as u64, block.clone());
        let chunks =
            std::iter::once(head.clone()).chain((0..SIZE / MIB).map(move |_| block.clone()));
        let body = reqwest::Body::wrap_stream(futures_util::stream::iter(
            chunks.map(Ok::<Bytes, std::io::Error>),
        ));
        let part = reqwest::multipart::Part::stream_with_length(body, length)
            .file_name(format!("scan-{i}.png"))
            .mime_str("image/png")
            .unwrap();
        reqwest::multipart::Form::new().part("file", part)
    };

    let heap_before = crate::memory::reset_peak();
    let uploads = (0..20).map(|i| {
        app.admin.send(
            app.admin
                .request(Method::POST, "/v1/attachments")
                .multipart(form(i)),
        )
    });
    let stored = futures_util::future::join_all(uploads).await;
    let heap_growth = crate::memory::peak().saturating_sub(heap_before);

    for answer in &stored {
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.body["data"][0]["contentType"], "image/png");
    }
    // Twenty images held while they stream in would be 320 MiB (the heap
    // grew 147 MiB when they were); read back for their previews a few at a
    // time, they are a few times 16 MiB (57 MiB on two cores).
    assert!(
        heap_growth < 96 * MIB,
        "uploads in flight must not each hold their image: the heap grew {} MiB",
        heap_growth / MIB
    );
}
