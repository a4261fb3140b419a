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

/// An SMTP server on a loopback port, stopped when dropped.
struct SmtpSink {
    port: u16,
    dir: tempfile::TempDir,
    child: Child,
}

impl SmtpSink {
    async fn start() -> SmtpSink {
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

    /// The messages received so far, oldest first, as text with
    /// quoted-printable soft line breaks and escapes undone.
    fn messages(&self) -> Vec<String> {
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
    async fn wait_for(&self, count: usize) -> Vec<String> {
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
    fn configure(&self, config: &mut Config) {
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind a free port")
        .local_addr()
        .unwrap()
        .port()
}

fn decode_quoted_printable(text: &str) -> String {
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
