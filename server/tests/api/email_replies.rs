//! Replies by e-mail (issue 17): digests carry a Reply-To of their
//! recipient and channel; a reply delivered over SMTP to Parlor's own
//! listener lands in the conversation as that person's message. Outgoing
//! mail goes to the SMTP test sink (see `email.rs`); replies are sent with
//! lettre, as a mail server would hand them over.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde_json::{json, Value};

use crate::email::SmtpSink;
use crate::helpers::TestApp;

const REPLY_DOMAIN: &str = "replies.ledger.test";

async fn spawn(sink: &SmtpSink) -> TestApp {
    TestApp::spawn_with(|config| {
        sink.configure(config);
        config.mail.unread_delay = Duration::from_secs(1);
        config.inbound.reply_domain = Some(REPLY_DOMAIN.into());
        config.inbound.smtp_listen = Some("127.0.0.1:0".parse().unwrap());
        config.inbound.max_message_bytes = 512 * 1024;
    })
    .await
}

/// An invited client (digests go to invited clients only), in `company`
/// when given: `(id, e-mail address)`.
async fn invited_client(
    app: &TestApp,
    given_name: &str,
    company: Option<&str>,
) -> (String, String) {
    let email = format!(
        "{}.{}@client.test",
        given_name.to_lowercase(),
        &uuid::Uuid::new_v4().simple().to_string()[..8]
    );
    let mut body = json!({ "givenName": given_name, "familyName": "Client", "email": email });
    if let Some(company) = company {
        body["companyId"] = json!(company);
    }
    let response = app.admin.post("/v1/clients?sendInvite=true", body).await;
    assert_eq!(response.status, 200, "{}", response.body);
    (response.id(), email)
}

async fn post(app: &TestApp, channel_id: &str, text: &str) {
    let sent = app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": channel_id, "text": text }),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);
}

/// The e-mails `to` received so far whose text contains `marker`.
fn received(sink: &SmtpSink, to: &str, marker: &str) -> Vec<String> {
    sink.messages()
        .into_iter()
        .filter(|m| m.starts_with(&format!("X-Envelope-To: {to}\r\n")) && m.contains(marker))
        .collect()
}

/// Waits for the `count`th e-mail to `to` containing `marker`; returns them all.
async fn wait_for(sink: &SmtpSink, to: &str, marker: &str, count: usize) -> Vec<String> {
    for _ in 0..300 {
        let found = received(sink, to, marker);
        if found.len() >= count {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "expected {count} e-mail(s) to {to} with {marker:?} within 15 s, got {}",
        received(sink, to, marker).len()
    );
}

/// A header's value in a received e-mail.
fn header(message: &str, name: &str) -> String {
    let (head, _) = message.split_once("\r\n\r\n").expect("a header and a body");
    head.split("\r\n")
        .find_map(|line| line.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("no {name} header: {message}"))
        .to_string()
}

/// Waits for the digest about `channel_id` to `to`; returns its Reply-To.
async fn reply_address(sink: &SmtpSink, to: &str, channel_id: &str) -> String {
    let digests = wait_for(sink, to, &format!("/messages/{channel_id}"), 1).await;
    let digest = digests.last().unwrap();
    assert!(
        digest.contains("Reply to this e-mail to answer in the portal."),
        "{digest}"
    );
    assert_eq!(
        header(digest, "Auto-Submitted"),
        "auto-generated",
        "auto-responders must not answer into the reply address"
    );
    let address = header(digest, "Reply-To");
    let local = address
        .strip_suffix(&format!("@{REPLY_DOMAIN}"))
        .unwrap_or_else(|| panic!("a reply address at the reply domain: {address}"));
    assert!(local.starts_with("reply+") && local.len() <= 64, "{local}");
    address
}

/// Hands an e-mail to Parlor's SMTP listener, as the client's mail server would.
async fn deliver(app: &TestApp, message: Message) -> Result<(), lettre::transport::smtp::Error> {
    transport(app).send(message).await.map(|_| ())
}

fn transport(app: &TestApp) -> AsyncSmtpTransport<Tokio1Executor> {
    let address = app.inbound.expect("an SMTP listener");
    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(address.ip().to_string())
        .port(address.port())
        .timeout(Some(Duration::from_secs(20)))
        .build()
}

/// A plain reply: `text` followed by a Gmail-style quote of the digest.
fn reply(from: &str, to: &str, text: &str) -> Message {
    Message::builder()
        .from(from.parse().unwrap())
        .to(to.parse().unwrap())
        .subject("Re: 1 unread message in Ledger & Co")
        .body(quoting(text, to))
        .unwrap()
}

fn quoting(text: &str, reply_to: &str) -> String {
    format!(
        "{text}\n\nOn Tue, 4 Nov 2025 at 09:14, Ledger & Co <{reply_to}> wrote:\n\n\
         > Hello,\n>\n> You have 1 unread message in Ledger & Co:\n>   - 1 from Olivia Owner\n"
    )
}

async fn messages_of(app: &TestApp, channel_id: &str) -> Vec<Value> {
    app.all_messages(&app.admin, channel_id, 100).await
}

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

#[tokio::test]
async fn a_reply_to_a_digest_lands_in_its_channel_with_its_file_and_without_the_quote() {
    let sink = SmtpSink::start().await;
    let app = spawn(&sink).await;
    let (client_id, email) = invited_client(&app, "Ann", None).await;
    let channel_id = app.individual_channel(&client_id).await;
    post(
        &app,
        &channel_id,
        "Could you send the signed engagement letter?",
    )
    .await;
    let address = reply_address(&sink, &email, &channel_id).await;

    let text = SinglePart::plain(quoting("Here it is, signed.", &address));
    let file = Attachment::new("engagement-letter.pdf".into())
        .body(PDF.to_vec(), ContentType::parse("application/pdf").unwrap());
    let message = Message::builder()
        .from(email.parse().unwrap())
        .to(address.parse().unwrap())
        .subject("Re: 1 unread message in Ledger & Co")
        .multipart(MultiPart::mixed().singlepart(text).singlepart(file))
        .unwrap();
    deliver(&app, message.clone())
        .await
        .expect("the reply is taken");

    let messages = messages_of(&app, &channel_id).await;
    let newest = &messages[0];
    assert_eq!(newest["senderId"], client_id.as_str(), "{newest}");
    assert_eq!(newest["senderType"], "client");
    assert_eq!(newest["text"], "Here it is, signed.", "the quote is gone");
    assert_eq!(newest["sentVia"], "email");
    let files = newest["attachments"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{newest}");
    assert_eq!(files[0]["name"], "engagement-letter.pdf");
    assert_eq!(files[0]["size"], PDF.len());
    let content = app
        .admin
        .request(
            reqwest::Method::GET,
            &format!(
                "/v1/attachments/{}/content",
                files[0]["id"].as_str().unwrap()
            ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(content.status(), 200);
    assert_eq!(
        content.bytes().await.unwrap().as_ref(),
        PDF,
        "the file's bytes are the attachment's"
    );
    assert!(
        messages[1].get("sentVia").is_none(),
        "a message sent in the portal has no sentVia: {}",
        messages[1]
    );

    // The same e-mail handed over again (a mail server retrying) is one message.
    deliver(&app, message).await.expect("taken again");
    assert_eq!(messages_of(&app, &channel_id).await.len(), messages.len());
}

#[tokio::test]
async fn a_forged_sender_is_refused_and_the_real_person_is_told_once_a_day() {
    let sink = SmtpSink::start().await;
    let app = spawn(&sink).await;
    let (client_id, email) = invited_client(&app, "Bea", None).await;
    let channel_id = app.individual_channel(&client_id).await;
    post(&app, &channel_id, "Your return is ready to sign.").await;
    let address = reply_address(&sink, &email, &channel_id).await;
    let before = messages_of(&app, &channel_id).await.len();

    let forged = reply(
        "mallory@evil.test",
        &address,
        "Please wire the refund to my new account.",
    );
    // Taken and dropped rather than refused, so that no relay in front
    // bounces it to the forged sender.
    deliver(&app, forged).await.expect("taken, to be dropped");
    assert_eq!(messages_of(&app, &channel_id).await.len(), before);
    let notices = wait_for(&sink, &email, "was refused", 1).await;
    assert!(notices[0].contains("mallory@evil.test"), "{}", notices[0]);

    let again = reply("mallory@evil.test", &address, "Second try.");
    deliver(&app, again).await.expect("taken, to be dropped");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        received(&sink, &email, "was refused").len(),
        1,
        "one notice a day"
    );
    assert!(
        received(&sink, "mallory@evil.test", "").is_empty(),
        "no backscatter to the forged sender"
    );
    assert_eq!(messages_of(&app, &channel_id).await.len(), before);
}

#[tokio::test]
async fn a_sender_hidden_behind_a_second_from_or_mailbox_does_not_post() {
    let sink = SmtpSink::start().await;
    let app = spawn(&sink).await;
    let (client_id, email) = invited_client(&app, "Dee", None).await;
    let channel_id = app.individual_channel(&client_id).await;
    post(&app, &channel_id, "Please confirm the figures.").await;
    let address = reply_address(&sink, &email, &channel_id).await;
    let before = messages_of(&app, &channel_id).await.len();
    let envelope = Envelope::new(
        Some("mallory@evil.test".parse().unwrap()),
        vec![address.parse().unwrap()],
    )
    .unwrap();
    for from in [
        format!("From: mallory@evil.test\r\nFrom: {email}"),
        format!("From: {email}\r\nFrom: mallory@evil.test"),
        format!("From: mallory@evil.test, {email}"),
        format!("From: {email}, mallory@evil.test"),
    ] {
        let raw = format!(
            "{from}\r\nTo: {address}\r\nSubject: Re: figures\r\nMessage-ID: <{}@evil.test>\r\n\r\nConfirmed, pay to account 123.\r\n",
            uuid::Uuid::new_v4().simple()
        );
        transport(&app)
            .send_raw(&envelope, raw.as_bytes())
            .await
            .expect("taken, to be dropped");
    }
    assert_eq!(
        messages_of(&app, &channel_id).await.len(),
        before,
        "an ambiguous sender never posts"
    );
}

#[tokio::test]
async fn auto_replies_and_bounces_are_dropped() {
    let sink = SmtpSink::start().await;
    let app = spawn(&sink).await;
    let (client_id, email) = invited_client(&app, "Cal", None).await;
    let channel_id = app.individual_channel(&client_id).await;
    post(&app, &channel_id, "We need your bank statements.").await;
    let address = reply_address(&sink, &email, &channel_id).await;
    let before = messages_of(&app, &channel_id).await.len();

    let out_of_office = Message::builder()
        .from(email.parse().unwrap())
        .to(address.parse().unwrap())
        .subject("Automatic reply: 1 unread message in Ledger & Co")
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-replied".into(),
        ))
        .body("I am out of the office until Monday.".to_string())
        .unwrap();
    deliver(&app, out_of_office)
        .await
        .expect("taken (and dropped): refusing would only bounce back to a machine");

    let list = Message::builder()
        .from(email.parse().unwrap())
        .to(address.parse().unwrap())
        .subject("Digest of the newsletter")
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Precedence"),
            "bulk".into(),
        ))
        .body("News of the week.".to_string())
        .unwrap();
    deliver(&app, list).await.expect("taken and dropped");

    // A bounce: the empty return path.
    let bounce = reply(&email, &address, "Delivery failed.");
    transport(&app)
        .send_raw(
            &Envelope::new(None, vec![address.parse().unwrap()]).unwrap(),
            &bounce.formatted(),
        )
        .await
        .expect("taken and dropped");

    assert_eq!(
        messages_of(&app, &channel_id).await.len(),
        before,
        "nothing landed"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        received(&sink, &email, "was refused").is_empty(),
        "a machine's e-mail is not a forgery to report"
    );
}

#[tokio::test]
async fn a_token_stops_working_when_its_person_loses_the_channel() {
    let sink = SmtpSink::start().await;
    let app = spawn(&sink).await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let (client_id, email) = invited_client(&app, "Dee", Some(&acme)).await;
    let channel = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "company", "companyId": acme }),
        )
        .await;
    assert_eq!(channel.status, 200, "{}", channel.body);
    let channel_id = channel.id();
    post(&app, &channel_id, "Acme's accounts are due on Friday.").await;
    let address = reply_address(&sink, &email, &channel_id).await;

    // While she is at Acme, her reply lands.
    deliver(&app, reply(&email, &address, "Noted, thanks."))
        .await
        .expect("taken");
    assert_eq!(
        messages_of(&app, &channel_id).await[0]["text"],
        "Noted, thanks."
    );

    let moved = app
        .admin
        .patch(
            &format!("/v1/clients/{client_id}"),
            json!({ "companyIds": [globex] }),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.body);
    let before = messages_of(&app, &channel_id).await.len();
    let refused = deliver(&app, reply(&email, &address, "One more thing.")).await;
    assert!(
        refused.as_ref().is_err_and(|err| err.is_permanent()),
        "refused at RCPT: {refused:?}"
    );
    assert_eq!(messages_of(&app, &channel_id).await.len(), before);

    // Unknown addresses are refused at RCPT time too.
    let unknown = reply(
        &email,
        &format!("reply+aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@{REPLY_DOMAIN}"),
        "Hello?",
    );
    assert!(deliver(&app, unknown).await.is_err());
    let elsewhere = reply(&email, "someone@elsewhere.test", "Relay me.");
    assert!(deliver(&app, elsewhere).await.is_err(), "no relaying");
}

#[tokio::test]
async fn an_e_mail_over_the_size_limit_is_refused() {
    let sink = SmtpSink::start().await;
    let app = spawn(&sink).await;
    let (client_id, email) = invited_client(&app, "Eve", None).await;
    let channel_id = app.individual_channel(&client_id).await;
    post(&app, &channel_id, "Send the scans when you can.").await;
    let address = reply_address(&sink, &email, &channel_id).await;
    let before = messages_of(&app, &channel_id).await.len();

    let big = Attachment::new("scan.bin".into()).body(
        vec![7u8; 600 * 1024],
        ContentType::parse("application/octet-stream").unwrap(),
    );
    let message = Message::builder()
        .from(email.parse().unwrap())
        .to(address.parse().unwrap())
        .subject("Re: scans")
        .multipart(
            MultiPart::mixed()
                .singlepart(SinglePart::plain("The scans.".to_string()))
                .singlepart(big),
        )
        .unwrap();
    let refused = deliver(&app, message).await;
    assert!(
        refused.as_ref().is_err_and(|err| err.is_permanent()),
        "{refused:?}"
    );
    assert_eq!(messages_of(&app, &channel_id).await.len(), before);
}

#[tokio::test]
async fn the_workspace_chooses_whether_e_mails_include_the_message_text() {
    let sink = SmtpSink::start().await;
    let app = spawn(&sink).await;
    let (client_id, email) = invited_client(&app, "Fay", None).await;
    let channel_id = app.individual_channel(&client_id).await;

    let settings = app.admin.get("/v1/workspaces").await;
    assert_eq!(
        settings.body["emailIncludesMessageText"], false,
        "off by default"
    );
    post(&app, &channel_id, "The refund is 1,234 <b>pounds</b>.").await;
    let first = wait_for(&sink, &email, "unread message", 1).await;
    assert!(first[0].contains("1 from Olivia Owner"), "{}", first[0]);
    assert!(
        !first[0].contains("1,234"),
        "off: counts and names only: {}",
        first[0]
    );

    let on = app
        .admin
        .patch(
            "/v1/workspaces",
            json!({ "emailIncludesMessageText": true }),
        )
        .await;
    assert_eq!(on.status, 200, "{}", on.body);
    assert_eq!(on.body["emailIncludesMessageText"], true);
    post(&app, &channel_id, "The refund is 5,678 <b>pounds</b>.").await;
    let second = wait_for(&sink, &email, "unread message", 2).await;
    let digest = &second[1];
    assert!(
        digest.contains("The refund is 5,678 <b>pounds</b>."),
        "the text part quotes the message: {digest}"
    );
    assert!(
        digest.contains("The refund is 5,678 &lt;b&gt;pounds&lt;/b&gt;."),
        "the HTML part escapes it: {digest}"
    );
}

/// Reads one SMTP reply (all its lines).
async fn smtp_reply(reader: &mut tokio::io::BufReader<tokio::net::tcp::OwnedReadHalf>) -> String {
    use tokio::io::AsyncBufReadExt;
    let mut reply = String::new();
    loop {
        let mut line = String::new();
        let read = tokio::time::timeout(Duration::from_secs(10), reader.read_line(&mut line))
            .await
            .expect("an SMTP reply in time")
            .expect("reading the reply");
        assert!(
            read > 0,
            "the listener closed the connection after {reply:?}"
        );
        reply.push_str(&line);
        // The last line of a reply has a space after its code.
        if line.as_bytes().get(3) != Some(&b'-') {
            return reply;
        }
    }
}

#[tokio::test]
async fn the_listener_announces_its_size_limit_and_refuses_what_it_cannot_take() {
    use tokio::io::AsyncWriteExt;
    let sink = SmtpSink::start().await;
    let app = spawn(&sink).await;
    let stream = tokio::net::TcpStream::connect(app.inbound.unwrap())
        .await
        .unwrap();
    let (read, mut write) = stream.into_split();
    let mut reader = tokio::io::BufReader::new(read);
    assert!(smtp_reply(&mut reader).await.starts_with("220 "));

    write
        .write_all(b"MAIL FROM:<a@client.test>\r\n")
        .await
        .unwrap();
    assert!(
        smtp_reply(&mut reader).await.starts_with("503 "),
        "EHLO first"
    );

    write.write_all(b"EHLO mx.client.test\r\n").await.unwrap();
    let ehlo = smtp_reply(&mut reader).await;
    assert!(ehlo.contains("SIZE 524288"), "{ehlo}");
    assert!(
        !ehlo.contains("STARTTLS") && !ehlo.contains("AUTH"),
        "{ehlo}"
    );

    write
        .write_all(b"MAIL FROM:<a@client.test> SIZE=600000\r\n")
        .await
        .unwrap();
    assert!(
        smtp_reply(&mut reader).await.starts_with("552 "),
        "over SIZE"
    );

    // Pipelined, as mail servers send them.
    write
        .write_all(
            b"MAIL FROM:<a@client.test> SIZE=1000\r\nRCPT TO:<someone@elsewhere.test>\r\n\
              RCPT TO:<reply+zzzz@replies.ledger.test>\r\nDATA\r\n",
        )
        .await
        .unwrap();
    assert!(smtp_reply(&mut reader).await.starts_with("250 "));
    assert!(
        smtp_reply(&mut reader).await.starts_with("550 "),
        "no relay"
    );
    assert!(
        smtp_reply(&mut reader).await.starts_with("550 "),
        "unknown token"
    );
    assert!(
        smtp_reply(&mut reader).await.starts_with("503 "),
        "no recipient, no DATA"
    );

    write.write_all(b"QUIT\r\n").await.unwrap();
    assert!(smtp_reply(&mut reader).await.starts_with("221 "));
}

#[tokio::test]
async fn staff_reply_by_e_mail_while_their_access_lets_them_see_the_channel() {
    let sink = SmtpSink::start().await;
    let app = spawn(&sink).await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let client = app.create_client("Gil", Some(&acme)).await;
    let client_id = client["id"].as_str().unwrap().to_string();
    let channel_id = app.individual_channel(&client_id).await;
    let (staff_id, _) = app.staff(Some(&[&acme])).await;
    let staff = app
        .admin
        .get(&format!("/v1/internal-users/{staff_id}"))
        .await;
    let staff_email = staff.body["email"].as_str().unwrap().to_string();

    // Staff hear about clients' messages.
    let gil = app.client_session(&client).await;
    let sent = gil.send_message(&channel_id, "Is my return filed?").await;
    assert_eq!(sent.status, 200, "{}", sent.body);
    let address = reply_address(&sink, &staff_email, &channel_id).await;

    deliver(
        &app,
        reply(&staff_email, &address, "Yes, filed this morning."),
    )
    .await
    .expect("taken");
    let newest = &messages_of(&app, &channel_id).await[0];
    assert_eq!(newest["senderId"], staff_id.as_str(), "{newest}");
    assert_eq!(newest["senderType"], "internalUser");
    assert_eq!(newest["text"], "Yes, filed this morning.");
    assert_eq!(newest["sentVia"], "email");

    let limited = app
        .admin
        .patch(
            &format!("/v1/internal-users/{staff_id}"),
            json!({ "companyAccessList": [globex] }),
        )
        .await;
    assert_eq!(limited.status, 200, "{}", limited.body);
    let refused = deliver(&app, reply(&staff_email, &address, "And the invoice?")).await;
    assert!(
        refused.as_ref().is_err_and(|err| err.is_permanent()),
        "no longer Acme's: {refused:?}"
    );
    assert_eq!(
        messages_of(&app, &channel_id).await[0]["text"],
        "Yes, filed this morning."
    );
}
