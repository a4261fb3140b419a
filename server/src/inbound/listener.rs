//! The SMTP session: just enough of RFC 5321 for mail servers to hand over
//! replies. It takes no relay, no authentication and no TLS (an MTA or a
//! forwarding rule in front of it does those when wanted). Recipients other
//! than live reply addresses are refused at RCPT time; the SIZE a client
//! announces and the bytes of DATA are both held to the limit; a reply is
//! posted (or refused) before DATA is answered, so the sending server learns
//! the outcome in the session and Parlor never sends a bounce of its own.

use std::borrow::Cow;
use std::net::SocketAddr;
use std::sync::Arc;

use smtp_proto::request::receiver::{DataReceiver, DummyDataReceiver, RequestReceiver};
use smtp_proto::{EhloResponse, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::service::email_replies::{self, Delivery};
use crate::service::Context;

/// Recipients one e-mail may have; a reply has one.
const MAX_RECIPIENTS: usize = 10;
/// The longest one session may last, however it keeps itself busy.
const SESSION_LIMIT: std::time::Duration = std::time::Duration::from_secs(600);
/// Commands refused in one session before it is closed.
const MAX_ERRORS: u32 = 10;

/// Accepts SMTP connections until aborted.
pub async fn run(ctx: Context, listener: TcpListener) {
    let sessions = Arc::new(tokio::sync::Semaphore::new(
        ctx.config.inbound.max_sessions.max(1),
    ));
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(err) => {
                tracing::warn!(error = %err, "accepting an SMTP connection failed");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(permit) = sessions.clone().try_acquire_owned() else {
            // Full: said at once, so a mail server tries again later rather
            // than waiting on a connection nobody reads.
            tokio::spawn(async move {
                let mut stream = stream;
                let _ = stream
                    .write_all(b"421 4.3.2 Too busy; try again later\r\n")
                    .await;
            });
            continue;
        };
        let ctx = ctx.clone();
        tokio::spawn(async move {
            let session = Session::new(ctx, peer).serve(stream);
            match tokio::time::timeout(SESSION_LIMIT, session).await {
                Ok(Err(err)) => {
                    tracing::debug!(%peer, error = %err, "an SMTP session ended with an error");
                }
                Err(_) => tracing::info!(%peer, "closed an SMTP session that went on too long"),
                Ok(Ok(())) => {}
            }
            drop(permit);
        });
    }
}

/// What is being read from the client.
enum Reading {
    Commands,
    Data(DataReceiver, Vec<u8>),
    /// The rest of an e-mail already over the size limit.
    Discarding(DummyDataReceiver),
}

struct Session {
    ctx: Context,
    peer: SocketAddr,
    greeted: bool,
    /// The envelope sender: Some("") for `MAIL FROM:<>`.
    return_path: Option<String>,
    recipients: Vec<String>,
    errors: u32,
}

/// What the session does after answering.
enum Next {
    Continue,
    Close,
}

impl Session {
    fn new(ctx: Context, peer: SocketAddr) -> Session {
        Session {
            ctx,
            peer,
            greeted: false,
            return_path: None,
            recipients: Vec::new(),
            errors: 0,
        }
    }

    fn hostname(&self) -> String {
        self.ctx
            .config
            .inbound
            .reply_domain
            .clone()
            .unwrap_or_else(|| "parlor".into())
    }

    fn reset(&mut self) {
        self.return_path = None;
        self.recipients.clear();
    }

    async fn serve(mut self, mut stream: TcpStream) -> std::io::Result<()> {
        let idle = self.ctx.config.inbound.idle_timeout;
        let max_bytes = self.ctx.config.inbound.max_message_bytes;
        stream
            .write_all(format!("220 {} ESMTP Parlor\r\n", self.hostname()).as_bytes())
            .await?;
        let mut requests = RequestReceiver::default();
        let mut reading = Reading::Commands;
        let mut chunk = vec![0u8; 16 * 1024];
        loop {
            let read = match tokio::time::timeout(idle, stream.read(&mut chunk)).await {
                Ok(read) => read?,
                Err(_) => {
                    stream.write_all(b"421 4.4.2 Idle for too long\r\n").await?;
                    return Ok(());
                }
            };
            if read == 0 {
                return Ok(());
            }
            let mut bytes = chunk[..read].iter();
            loop {
                match &mut reading {
                    Reading::Commands => {
                        let request = match requests.ingest(&mut bytes) {
                            Ok(request) => request.into_owned(),
                            Err(smtp_proto::Error::NeedsMoreData { .. }) => break,
                            Err(err) => {
                                let answer = self.syntax_error(&err);
                                stream.write_all(answer.as_bytes()).await?;
                                if self.errors >= MAX_ERRORS {
                                    stream.write_all(b"421 4.7.0 Too many errors\r\n").await?;
                                    return Ok(());
                                }
                                continue;
                            }
                        };
                        let (answer, next, data) = self.command(request).await;
                        stream.write_all(answer.as_bytes()).await?;
                        if data {
                            reading = Reading::Data(DataReceiver::new(), Vec::new());
                        }
                        if matches!(next, Next::Close) || self.errors >= MAX_ERRORS {
                            if self.errors >= MAX_ERRORS {
                                stream.write_all(b"421 4.7.0 Too many errors\r\n").await?;
                            }
                            return Ok(());
                        }
                    }
                    Reading::Data(receiver, message) => {
                        let complete = receiver.ingest(&mut bytes, message);
                        if message.len() > max_bytes {
                            tracing::warn!(peer = %self.peer, limit = max_bytes, "dropped an e-mail: larger than the limit");
                            reading = Reading::Discarding(DummyDataReceiver::new_data(receiver));
                            if complete {
                                stream.write_all(too_large().as_bytes()).await?;
                                self.reset();
                                reading = Reading::Commands;
                            }
                            continue;
                        }
                        if !complete {
                            break;
                        }
                        let message = std::mem::take(message);
                        reading = Reading::Commands;
                        let answer = self.deliver(message).await;
                        self.reset();
                        stream.write_all(answer.as_bytes()).await?;
                    }
                    Reading::Discarding(receiver) => {
                        if !receiver.ingest(&mut bytes) {
                            break;
                        }
                        stream.write_all(too_large().as_bytes()).await?;
                        self.reset();
                        reading = Reading::Commands;
                    }
                }
                if bytes.as_slice().is_empty() && matches!(reading, Reading::Commands) {
                    break;
                }
            }
        }
    }

    fn syntax_error(&mut self, err: &smtp_proto::Error) -> String {
        self.errors += 1;
        match err {
            smtp_proto::Error::UnknownCommand => "500 5.5.2 Unknown command\r\n".into(),
            smtp_proto::Error::ResponseTooLong => "500 5.5.2 Line too long\r\n".into(),
            smtp_proto::Error::InvalidSenderAddress => "501 5.1.7 Bad sender address\r\n".into(),
            smtp_proto::Error::InvalidRecipientAddress => {
                "501 5.1.3 Bad recipient address\r\n".into()
            }
            smtp_proto::Error::UnsupportedParameter { .. } => {
                "555 5.5.4 Unsupported parameter\r\n".into()
            }
            _ => "501 5.5.4 Syntax error\r\n".into(),
        }
    }

    /// Answers one command; the flag says DATA begins.
    async fn command(&mut self, request: Request<String>) -> (String, Next, bool) {
        let max_bytes = self.ctx.config.inbound.max_message_bytes;
        let answer = |text: &str| (format!("{text}\r\n"), Next::Continue, false);
        match request {
            Request::Ehlo { .. } => {
                self.greeted = true;
                self.reset();
                let mut ehlo = EhloResponse::new(self.hostname());
                ehlo.capabilities = smtp_proto::EXT_SIZE
                    | smtp_proto::EXT_8BIT_MIME
                    | smtp_proto::EXT_PIPELINING
                    | smtp_proto::EXT_ENHANCED_STATUS_CODES
                    | smtp_proto::EXT_SMTP_UTF8;
                ehlo.size = max_bytes;
                let mut out = Vec::new();
                if ehlo.write(&mut out).is_err() {
                    return answer("451 4.3.0 Try again later");
                }
                (
                    String::from_utf8_lossy(&out).into_owned(),
                    Next::Continue,
                    false,
                )
            }
            Request::Helo { .. } => {
                self.greeted = true;
                self.reset();
                answer(&format!("250 {}", self.hostname()))
            }
            Request::Lhlo { .. } => {
                self.errors += 1;
                answer("500 5.5.1 This is SMTP, not LMTP")
            }
            Request::Mail { from } => {
                if !self.greeted {
                    self.errors += 1;
                    return answer("503 5.5.1 Say EHLO first");
                }
                if self.return_path.is_some() {
                    self.errors += 1;
                    return answer("503 5.5.1 MAIL already given");
                }
                if from.size > max_bytes {
                    return answer(&format!(
                        "552 5.3.4 The limit is {max_bytes} bytes per e-mail"
                    ));
                }
                self.return_path = Some(from.address.to_ascii_lowercase());
                answer("250 2.1.0 OK")
            }
            Request::Rcpt { to } => {
                if self.return_path.is_none() {
                    self.errors += 1;
                    return answer("503 5.5.1 MAIL first");
                }
                if self.recipients.len() >= MAX_RECIPIENTS {
                    return answer("452 4.5.3 Too many recipients");
                }
                match email_replies::target(&self.ctx, &to.address).await {
                    Ok(Some(_)) => {
                        self.recipients.push(to.address);
                        answer("250 2.1.5 OK")
                    }
                    Ok(None) => {
                        self.errors += 1;
                        tracing::info!(peer = %self.peer, recipient = %to.address,
                            "refused a recipient: not a live reply address");
                        answer("550 5.1.1 No such reply address")
                    }
                    Err(err) => {
                        tracing::warn!(error = %err, "looking up a reply address failed");
                        answer("451 4.3.0 Try again later")
                    }
                }
            }
            Request::Data => {
                if self.return_path.is_none() || self.recipients.is_empty() {
                    self.errors += 1;
                    return answer("503 5.5.1 RCPT first");
                }
                (
                    "354 Go ahead; end with <CRLF>.<CRLF>\r\n".into(),
                    Next::Continue,
                    true,
                )
            }
            Request::Rset => {
                self.reset();
                answer("250 2.0.0 OK")
            }
            Request::Noop { .. } => answer("250 2.0.0 OK"),
            Request::Vrfy { .. } => answer("252 2.5.2 Cannot verify; try RCPT"),
            Request::Quit => ("221 2.0.0 Bye\r\n".into(), Next::Close, false),
            // Not announced: a client sending BDAT would follow it with raw
            // bytes this session cannot tell from commands.
            Request::Bdat { .. } => ("502 5.5.1 No CHUNKING\r\n".into(), Next::Close, false),
            Request::StartTls
            | Request::Auth { .. }
            | Request::Expn { .. }
            | Request::Help { .. }
            | Request::Etrn { .. }
            | Request::Atrn { .. }
            | Request::Burl { .. } => {
                self.errors += 1;
                answer("502 5.5.1 Not implemented")
            }
        }
    }

    /// Parses an e-mail and posts it for each recipient; the answer to DATA.
    async fn deliver(&self, raw: Vec<u8>) -> String {
        let return_path = self.return_path.clone().unwrap_or_default();
        // Parsing and stripping work through the whole e-mail: off the
        // threads that serve requests.
        let parsed = tokio::task::spawn_blocking(move || super::parse::parse(&raw)).await;
        let Ok(Some(email)) = parsed else {
            tracing::warn!(peer = %self.peer, "refused an e-mail: not a readable message");
            return "550 5.6.0 Not a readable e-mail\r\n".into();
        };
        let mut refusal = None;
        let mut taken = false;
        for recipient in &self.recipients {
            match email_replies::receive(&self.ctx, &return_path, recipient, &email).await {
                Ok(Delivery::Posted { message_id }) => {
                    tracing::info!(peer = %self.peer, message = %message_id, "a reply by e-mail was posted");
                    taken = true;
                }
                Ok(Delivery::Dropped(reason)) => {
                    tracing::info!(peer = %self.peer, from = ?email.from, %reason, "dropped an e-mail");
                    taken = true;
                }
                Ok(Delivery::Refused(refused)) => {
                    tracing::warn!(peer = %self.peer, from = ?email.from, reason = %refused.reason,
                        "refused an e-mail");
                    refusal.get_or_insert(refused);
                }
                Err(err) => {
                    tracing::warn!(peer = %self.peer, error = %err, "posting a reply by e-mail failed");
                    return "451 4.3.0 Try again later\r\n".into();
                }
            }
        }
        match (taken, refusal) {
            (false, Some(refused)) => format!(
                "{} {} {}\r\n",
                refused.code,
                refused.status,
                one_line(&refused.reason)
            ),
            _ => "250 2.0.0 OK\r\n".into(),
        }
    }
}

fn too_large() -> String {
    "552 5.3.4 The e-mail is larger than the limit\r\n".into()
}

/// A reason fit for one SMTP reply line.
fn one_line(reason: &str) -> Cow<'_, str> {
    if reason.contains(['\r', '\n']) || reason.len() > 400 {
        let flat: String = reason
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(400)
            .collect();
        Cow::Owned(flat)
    } else {
        Cow::Borrowed(reason)
    }
}
