//! E-mail delivered over SMTP to a real SMTP server on loopback: aiosmtpd
//! (from PyPI, installed into target/smtp-venv by `make smtp-test-server`),
//! run with scripts/smtp_sink.py, which writes every message it receives to
//! a directory the test reads.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use parlor::cli::SmtpTls;
use parlor::config::{Config, SmtpConfig};
use serde_json::{json, Value};

use crate::helpers::TestApp;

/// An SMTP server on a loopback port, stopped when dropped (the
/// notifications tests use it too).
pub(crate) struct SmtpSink {
    port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl SmtpSink {
    pub(crate) async fn start() -> SmtpSink {
        Self::start_on(free_port()).await
    }

    async fn start_on(port: u16) -> SmtpSink {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
        let python = python_with_aiosmtpd();
        let dir = tempfile::tempdir().expect("temp dir");
        let child = Command::new(&python)
            .arg(format!("{root}/scripts/smtp_sink.py"))
            .arg(port.to_string())
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|err| panic!("starting the SMTP test server with {python:?}: {err}"));
        let mut sink = SmtpSink { port, dir, child };
        for _ in 0..150 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return sink;
            }
            if let Ok(Some(status)) = sink.child.try_wait() {
                panic!("the SMTP test server exited ({status}) before listening on {port}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the SMTP test server did not listen on port {port} within 15 s");
    }

    /// The messages received so far, oldest first, as text with the body's
    /// quoted-printable soft line breaks and escapes undone.
    pub(crate) fn messages(&self) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .expect("read the sink's directory")
            .map(|entry| entry.expect("directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|path| {
                decode_quoted_printable(&std::fs::read_to_string(path).expect("read message"))
            })
            .collect()
    }

    /// Waits until at least `count` messages arrived; returns them all.
    pub(crate) async fn wait_for(&self, count: usize) -> Vec<String> {
        for _ in 0..200 {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "expected {count} e-mail(s) within 10 s, got {}",
            self.messages().len()
        );
    }

    /// Points a server's configuration at this SMTP server.
    pub(crate) fn configure(&self, config: &mut Config) {
        config.mail.smtp = Some(smtp_on(self.port));
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn smtp_on(port: u16) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port,
        tls: SmtpTls::None,
        username: None,
        password: None,
    }
}

/// A Python that can import aiosmtpd: target/smtp-venv's, or else the one on
/// PATH. The tests fail, never skip, without one.
fn python_with_aiosmtpd() -> String {
    let venv = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/smtp-venv/bin/python"
    );
    for candidate in [venv, "python3"] {
        let works = Command::new(candidate)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| status.success());
        if works {
            return candidate.to_string();
        }
    }
    panic!(
        "the e-mail tests need an SMTP server: run `make smtp-test-server` (it installs \
         aiosmtpd from PyPI into target/smtp-venv), or install aiosmtpd for python3"
    );
}

/// A port free now, below the kernel's ephemeral range (32768 and up on
/// Linux): the many servers and clients of a parallel test run take their
/// ports from that range, and one of them could grab a port the SMTP sink is
/// about to bind there.
fn free_port() -> u16 {
    use std::sync::atomic::{AtomicU16, Ordering};
    static NEXT: AtomicU16 = AtomicU16::new(0);
    // Ports 10000–31999, from a place of this process's own.
    let offset = (std::process::id() % 1000) as u16 * 20;
    for _ in 0..22_000 {
        let port = 10_000 + (offset + NEXT.fetch_add(1, Ordering::Relaxed) % 22_000) % 22_000;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
    panic!("no free port below the ephemeral range")
}

/// Undoes quoted-printable in the body; the header stays as it came.
fn decode_quoted_printable(message: &str) -> String {
    let (header, body) = message.split_once("\r\n\r\n").unwrap_or((message, ""));
    format!("{header}\r\n\r\n{}", decode_body(body))
}

fn decode_body(text: &str) -> String {
    let joined = text.replace("=\r\n", "").replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

async fn create_invited_client(app: &TestApp, given_name: &str) -> Value {
    let response = app
        .admin
        .post(
            "/v1/clients?sendInvite=true",
            json!({
                "givenName": given_name,
                "familyName": "Client",
                "email": format!("{}@example.com", given_name.to_lowercase()),
            }),
        )
        .await;
    assert_eq!(response.status, 200, "{}", response.body);
    response.body
}

#[tokio::test]
async fn an_invited_client_receives_an_email_with_their_invitation_link() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(|config| sink.configure(config)).await;
    let client = create_invited_client(&app, "Ann").await;
    let invite_url = client["inviteUrl"].as_str().expect("inviteUrl").to_string();

    let messages = sink.wait_for(1).await;
    let message = &messages[0];
    assert!(
        message.starts_with("X-Envelope-To: ann@example.com"),
        "{message}"
    );
    assert!(
        message.contains("Subject: Ledger & Co invited you"),
        "{message}"
    );
    assert!(
        message.contains(&invite_url),
        "the e-mail carries the link: {message}"
    );
    assert!(
        message.contains("Ledger &amp; Co"),
        "the HTML body escapes the brand: {message}"
    );
    assert!(
        message.contains("text/plain") && message.contains("text/html"),
        "{message}"
    );

    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(sink.messages().len(), 1, "the invitation is sent once");
}

#[tokio::test]
async fn a_client_created_without_an_invitation_gets_no_email_until_invited() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(|config| sink.configure(config)).await;
    let client = app.create_client("Bea", None).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(sink.messages().is_empty(), "no invitation was asked for");

    let id = client["id"].as_str().unwrap();
    let invited = app
        .admin
        .patch(&format!("/v1/clients/{id}?sendInvite=true"), json!({}))
        .await;
    assert_eq!(invited.status, 200, "{}", invited.body);
    let messages = sink.wait_for(1).await;
    assert!(
        messages[0].contains(invited.body["inviteUrl"].as_str().unwrap()),
        "the e-mail carries the new link: {}",
        messages[0]
    );
}

#[tokio::test]
async fn an_email_queued_while_the_smtp_server_is_down_arrives_once_when_it_is_back() {
    let port = free_port();
    let app = TestApp::spawn_with(|config| config.mail.smtp = Some(smtp_on(port))).await;
    create_invited_client(&app, "Cal").await;
    // Several attempts fail meanwhile (the first retry waits 200 ms).
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let sink = SmtpSink::start_on(port).await;
    let messages = sink.wait_for(1).await;
    assert!(
        messages[0].contains("X-Envelope-To: cal@example.com"),
        "{}",
        messages[0]
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(sink.messages().len(), 1, "the e-mail arrives exactly once");
}

#[tokio::test]
async fn an_email_pending_when_the_server_stops_is_sent_after_it_restarts() {
    // No SMTP server configured: the invitation waits in the outbox.
    let mut app = TestApp::spawn().await;
    create_invited_client(&app, "Dan").await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let sink = SmtpSink::start().await;
    app.restart_with(|config| sink.configure(config)).await;
    let messages = sink.wait_for(1).await;
    assert!(
        messages[0].contains("X-Envelope-To: dan@example.com"),
        "{}",
        messages[0]
    );
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(sink.messages().len(), 1, "sent once after the restart");
}

/// The digests `to` received so far.
fn digests_to(sink: &SmtpSink, to: &str) -> Vec<String> {
    sink.messages()
        .into_iter()
        .filter(|m| {
            m.starts_with(&format!("X-Envelope-To: {to}\r\n")) && m.contains("unread message")
        })
        .collect()
}

/// Waits for the `count`th digest to `to`; returns them all.
async fn wait_for_digests(sink: &SmtpSink, to: &str, count: usize) -> Vec<String> {
    for _ in 0..200 {
        let digests = digests_to(sink, to);
        if digests.len() >= count {
            return digests;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "expected {count} digest(s) to {to} within 10 s, got {}",
        digests_to(sink, to).len()
    );
}

/// Longer than the test delay (1 s) plus a few worker rounds.
const PAST_THE_DELAY: Duration = Duration::from_millis(2500);

async fn spawn_with_digests(sink: &SmtpSink) -> TestApp {
    TestApp::spawn_with(|config| {
        sink.configure(config);
        config.mail.unread_delay = Duration::from_secs(1);
    })
    .await
}

fn header_url(message: &str, header: &str) -> String {
    let start = message
        .find(&format!("{header}:"))
        .unwrap_or_else(|| panic!("no {header}: {message}"));
    let rest = &message[start..];
    let open = rest.find('<').expect("<") + 1;
    let close = rest[open..].find('>').expect(">") + open;
    rest[open..close].to_string()
}

#[tokio::test]
async fn a_message_left_unread_is_emailed_once_after_the_delay_with_a_link_to_its_channel() {
    let sink = SmtpSink::start().await;
    let app = spawn_with_digests(&sink).await;
    let client = create_invited_client(&app, "Ann").await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    let sent = app
        .admin
        .send_message(&channel, "Your tax return is ready")
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let second = app.admin.send_message(&channel, "Please sign page 3").await;
    assert_eq!(second.status, 200, "{}", second.body);

    let digests = wait_for_digests(&sink, "ann@example.com", 1).await;
    let digest = &digests[0];
    assert!(
        digest.contains("Subject: 2 unread messages in Ledger & Co"),
        "{digest}"
    );
    assert!(digest.contains("2 from Olivia Owner"), "{digest}");
    assert!(
        digest.contains(&format!("{}/messages/{channel}", app.ctx.config.public_url)),
        "the digest links to the channel: {digest}"
    );
    assert!(
        !digest.contains("Your tax return"),
        "digests carry no message text: {digest}"
    );
    assert!(
        digest.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
        "{digest}"
    );

    tokio::time::sleep(PAST_THE_DELAY).await;
    assert_eq!(
        digests_to(&sink, "ann@example.com").len(),
        1,
        "one digest, once"
    );
    assert!(
        digests_to(&sink, crate::helpers::OWNER_EMAIL).is_empty(),
        "the sender hears nothing of their own messages"
    );
}

#[tokio::test]
async fn a_note_left_last_in_a_channel_is_never_emailed_to_its_client() {
    let sink = SmtpSink::start().await;
    let app = spawn_with_digests(&sink).await;
    let quoted = app
        .admin
        .patch(
            "/v1/workspaces",
            json!({ "emailIncludesMessageText": true }),
        )
        .await;
    assert_eq!(quoted.status, 200, "{}", quoted.body);
    let client = create_invited_client(&app, "Nia").await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    let sent = app
        .admin
        .send_message(&channel, "Your return is filed")
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let note = app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": channel, "text": "She never pays on time", "isInternal": true }),
        )
        .await;
    assert_eq!(note.status, 200, "{}", note.body);

    let digests = wait_for_digests(&sink, "nia@example.com", 1).await;
    assert!(
        digests[0].contains("Subject: 1 unread message in"),
        "the note is not counted: {}",
        digests[0]
    );
    assert!(
        digests[0].contains("Your return is filed"),
        "{}",
        digests[0]
    );
    assert!(!digests[0].contains("never pays"), "{}", digests[0]);

    // A note alone, with the client on "every message": no e-mail at all.
    let nia = app.client_session(&client).await;
    let every = nia
        .send(
            nia.request(reqwest::Method::PUT, "/v1/email-preferences")
                .json(&json!({ "unreadMessages": "every" })),
        )
        .await;
    assert_eq!(every.status, 200, "{}", every.body);
    let alone = app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": channel, "text": "Escalate to Sam", "isInternal": true }),
        )
        .await;
    assert_eq!(alone.status, 200, "{}", alone.body);
    tokio::time::sleep(PAST_THE_DELAY).await;
    let all = digests_to(&sink, "nia@example.com");
    assert_eq!(all.len(), 1, "nothing more: {all:?}");
    assert!(
        sink.messages()
            .iter()
            .all(|m| !m.contains("Escalate to Sam") && !m.contains("never pays")),
        "no e-mail to anyone quotes a note"
    );
}

#[tokio::test]
async fn a_message_read_within_the_delay_is_not_emailed_and_its_sender_never_is() {
    let sink = SmtpSink::start().await;
    let app = spawn_with_digests(&sink).await;
    let client = app.create_client("Bea", None).await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    let bea = app.client_session(&client).await;
    let email = client["email"].as_str().unwrap().to_string();

    let sent = bea.send_message(&channel, "Here are my receipts").await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let read = app
        .admin
        .post(&format!("/v1/message-channels/{channel}/read"), json!({}))
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    tokio::time::sleep(PAST_THE_DELAY).await;
    assert!(
        digests_to(&sink, crate::helpers::OWNER_EMAIL).is_empty(),
        "the owner read the message in time"
    );

    // The premise: a message the owner leaves unread does reach them.
    bea.send_message(&channel, "And one more").await;
    let digests = wait_for_digests(&sink, crate::helpers::OWNER_EMAIL, 1).await;
    assert!(digests[0].contains("1 from Bea Client"), "{}", digests[0]);
    assert!(
        digests[0].contains("Subject: 1 unread message in"),
        "only the unread one: {}",
        digests[0]
    );
    assert!(
        digests_to(&sink, &email).is_empty(),
        "the sender gets nothing"
    );
}

#[tokio::test]
async fn the_unsubscribe_link_stops_digests() {
    let sink = SmtpSink::start().await;
    let app = spawn_with_digests(&sink).await;
    let client = create_invited_client(&app, "Cy").await;
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    app.admin.send_message(&channel, "First").await;
    let digests = wait_for_digests(&sink, "cy@example.com", 1).await;
    let url = header_url(&digests[0], "List-Unsubscribe");
    let path = url
        .strip_prefix(&app.ctx.config.public_url)
        .unwrap_or_else(|| panic!("{url} is on this server"));
    assert!(digests[0].contains(&url), "the body has the same link");

    let page = app.anonymous().get(path).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .as_str()
            .unwrap()
            .contains("<form method=\"post\""),
        "{}",
        page.body
    );
    let done = app
        .anonymous()
        .send(
            app.anonymous()
                .request(reqwest::Method::POST, path)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("List-Unsubscribe=One-Click"),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);

    app.admin.send_message(&channel, "Second").await;
    tokio::time::sleep(PAST_THE_DELAY).await;
    assert_eq!(
        digests_to(&sink, "cy@example.com").len(),
        1,
        "no digest after unsubscribing"
    );

    let forged = app
        .anonymous()
        .get(&path.replace("token=", "token=x"))
        .await;
    forged.assert_error(404, "a forged token");
}

#[tokio::test]
async fn two_nodes_sharing_the_database_send_each_email_once() {
    let sink = SmtpSink::start().await;
    let app = TestApp::spawn_with(|config| sink.configure(config)).await;
    let (_second, _stop) = app.second_node().await;
    for name in ["Eve", "Fay", "Gus", "Hal", "Ivy", "Jon"] {
        create_invited_client(&app, name).await;
    }
    let messages = sink.wait_for(6).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut recipients: Vec<String> = sink
        .messages()
        .iter()
        .map(|m| m.lines().next().unwrap_or_default().to_string())
        .collect();
    recipients.sort();
    recipients.dedup();
    assert_eq!(messages.len(), 6);
    assert_eq!(
        (sink.messages().len(), recipients.len()),
        (6, 6),
        "each invitation arrives once: {recipients:?}"
    );
}

#[tokio::test]
async fn everyone_chooses_every_message_a_summary_or_no_email_and_it_is_kept() {
    let sink = SmtpSink::start().await;
    let app = spawn_with_digests(&sink).await;
    let client = create_invited_client(&app, "Cal").await;
    let cal = app.client_session(&client).await;

    let default = cal.get("/v1/email-preferences").await;
    assert_eq!(default.status, 200, "{}", default.body);
    assert_eq!(default.body, json!({ "unreadMessages": "digest" }));

    let changed = cal
        .send(
            cal.request(reqwest::Method::PUT, "/v1/email-preferences")
                .json(&json!({ "unreadMessages": "every" })),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.body);
    assert_eq!(
        cal.get("/v1/email-preferences").await.body,
        json!({ "unreadMessages": "every" })
    );

    let refused = cal
        .send(
            cal.request(reqwest::Method::PUT, "/v1/email-preferences")
                .json(&json!({ "unreadMessages": "hourly" })),
        )
        .await;
    assert!(
        refused.status == 400 || refused.status == 422,
        "an unknown choice is refused: {} {}",
        refused.status,
        refused.body
    );
    assert!(
        refused.body["message"]
            .as_str()
            .unwrap_or("")
            .contains("hourly"),
        "{}",
        refused.body
    );
    assert_eq!(
        cal.get("/v1/email-preferences").await.body,
        json!({ "unreadMessages": "every" }),
        "a refused change changes nothing"
    );
    assert_eq!(
        app.anonymous().get("/v1/email-preferences").await.status,
        401
    );

    // "Every message": two unread messages make two e-mails, not one summary.
    let channel = app.individual_channel(client["id"].as_str().unwrap()).await;
    app.admin.send_message(&channel, "First").await;
    app.admin.send_message(&channel, "Second").await;
    let emails = wait_for_digests(&sink, "cal@example.com", 2).await;
    assert!(
        emails
            .iter()
            .all(|e| e.contains("Subject: 1 unread message in")),
        "{emails:?}"
    );
    tokio::time::sleep(PAST_THE_DELAY).await;
    assert_eq!(
        digests_to(&sink, "cal@example.com").len(),
        2,
        "one e-mail per message, once"
    );
}

#[tokio::test]
async fn digests_reach_the_staff_who_may_see_the_channel_and_no_one_else() {
    let sink = SmtpSink::start().await;
    let app = spawn_with_digests(&sink).await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    let mut staff = Vec::new();
    for limited_to in [
        None,
        Some(&[acme.as_str()][..]),
        Some(&[globex.as_str()][..]),
    ] {
        let (id, _) = app.staff(limited_to).await;
        let user = app.admin.get(&format!("/v1/internal-users/{id}")).await;
        staff.push(user.body["email"].as_str().unwrap().to_string());
    }
    let [full, of_acme, of_globex] = &staff[..] else {
        unreachable!()
    };

    let sent = app
        .client_session(&ann)
        .await
        .send_message(&channel, "Here are my receipts")
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    for to in [crate::helpers::OWNER_EMAIL, full, of_acme] {
        wait_for_digests(&sink, to, 1).await;
    }
    tokio::time::sleep(PAST_THE_DELAY).await;
    assert!(
        digests_to(&sink, of_globex).is_empty(),
        "staff limited to Globex hear nothing of Acme's channels"
    );
}
