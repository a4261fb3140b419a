//! Search (`GET /v1/search`): words, phrases and prefixes in messages and in
//! their files (their names and the text inside them), each asker finding
//! only what they may read, newest first, in pages that hold still while
//! messages keep arriving. Runs on SQLite and, with
//! PARLOR_TEST_DATABASE_URL, on PostgreSQL.

use serde_json::{json, Value};

use crate::helpers::{Caller, TestApp};

const PDF: &[u8] = include_bytes!("../fixtures/tax-return-2024.pdf");

/// Acme's client Ann and Globex's client Cy, each in their own channel;
/// a colleague limited to Acme.
struct Firm {
    app: TestApp,
    acme: String,
    ann_id: String,
    ann_channel: String,
    cy_channel: String,
    ann: Caller,
    cy: Caller,
    acme_staff: Caller,
}

impl Firm {
    async fn build() -> Firm {
        let app = TestApp::spawn().await;
        let acme = app.create_company("Acme").await;
        let globex = app.create_company("Globex").await;
        let ann = app.create_client("Ann", Some(&acme)).await;
        let cy = app.create_client("Cy", Some(&globex)).await;
        let ann_id = ann["id"].as_str().unwrap().to_string();
        let ann_channel = app.individual_channel(&ann_id).await;
        let cy_channel = app.individual_channel(cy["id"].as_str().unwrap()).await;
        let (_, acme_staff) = app.staff(Some(&[&acme])).await;
        Firm {
            ann: app.client_session(&ann).await,
            cy: app.client_session(&cy).await,
            app,
            acme,
            ann_id,
            ann_channel,
            cy_channel,
            acme_staff,
        }
    }

    async fn send(&self, by: &Caller, channel: &str, text: &str) -> String {
        let sent = by.send_message(channel, text).await;
        assert_eq!(sent.status, 200, "{}", sent.body);
        sent.id()
    }

    async fn send_file(&self, channel: &str, text: &str, name: &str, bytes: &[u8]) -> String {
        let uploaded = crate::attachments::upload(&self.app.admin, &[(name, bytes)]).await;
        assert_eq!(uploaded.status, 200, "{}", uploaded.body);
        let file = uploaded.body["data"][0]["id"].as_str().unwrap().to_string();
        let sent = self
            .app
            .admin
            .post(
                "/v1/messages",
                json!({ "channelId": channel, "text": text, "attachmentIds": [file] }),
            )
            .await;
        assert_eq!(sent.status, 200, "{}", sent.body);
        sent.id()
    }
}

/// The ids of the messages found, in order, for `caller` searching `query`
/// (already URL-encoded, with any filters).
async fn found(caller: &Caller, query: &str) -> Vec<String> {
    let answer = caller.get(&format!("/v1/search?q={query}")).await;
    assert_eq!(answer.status, 200, "{query}: {}", answer.body);
    ids(&answer.body)
}

fn ids(page: &Value) -> Vec<String> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["message"]["id"].as_str().unwrap().to_string())
        .collect()
}

/// The highlighted words of a result's snippet.
fn highlighted(hit: &Value) -> Vec<String> {
    hit["snippet"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|part| part["isMatch"] == true)
        .map(|part| part["text"].as_str().unwrap().to_lowercase())
        .collect()
}

#[tokio::test]
async fn words_phrases_and_prefixes_find_messages_newest_first_with_the_hit_in_context() {
    let f = Firm::build().await;
    let admin = &f.app.admin;
    let ready = f
        .send(
            admin,
            &f.ann_channel,
            "The 2024 return is ready for Acme to sign",
        )
        .await;
    let question = f
        .send(
            &f.ann,
            &f.ann_channel,
            "Thanks! What about the depreciation schedule?",
        )
        .await;
    let globex = f
        .send(admin, &f.cy_channel, "Globex: return filed, 2024 closed")
        .await;

    assert_eq!(
        found(admin, "return").await,
        vec![globex.clone(), ready.clone()]
    );
    assert_eq!(
        found(admin, "RETURN%202024").await,
        vec![globex.clone(), ready.clone()]
    );
    assert_eq!(
        found(admin, "%222024%20return%22").await,
        vec![ready.clone()],
        "a phrase needs its words side by side and in order"
    );
    assert_eq!(found(admin, "depreci*").await, vec![question.clone()]);
    assert_eq!(
        found(admin, "depreci").await,
        Vec::<String>::new(),
        "a word is whole unless it ends in *"
    );
    assert_eq!(
        found(admin, "return%20depreciation").await,
        Vec::<String>::new(),
        "every word must appear"
    );

    let answer = admin.get("/v1/search?q=%222024%20return%22").await;
    let hit = &answer.body["data"][0];
    assert_eq!(
        hit["message"]["text"],
        "The 2024 return is ready for Acme to sign"
    );
    assert_eq!(hit["message"]["channelId"], f.ann_channel.as_str());
    // One highlight or two, as each backend marks a phrase.
    assert_eq!(highlighted(hit).join(" "), "2024 return");
    let snippet: String = hit["snippet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|part| part["text"].as_str().unwrap())
        .collect();
    assert!(snippet.contains("The 2024 return is ready"), "{snippet}");
}

#[tokio::test]
async fn files_are_found_by_their_name_and_by_the_text_inside_them() {
    let f = Firm::build().await;
    let pdf = f
        .send_file(
            &f.ann_channel,
            "Signed copy attached",
            "acme-books.pdf",
            PDF,
        )
        .await;
    let notes = f
        .send_file(
            &f.ann_channel,
            "",
            "meeting-notes.txt",
            b"We agreed the invoice schedule in June",
        )
        .await;
    // Not a PDF at all, though named one: found by its name, never an error.
    let scan = f
        .send_file(
            &f.ann_channel,
            "The scan",
            "scan-0042.pdf",
            b"%PDF-1.7 \x00\x01 not really",
        )
        .await;

    let admin = &f.app.admin;
    assert_eq!(
        found(admin, "%22schedule%20attached%22").await,
        vec![pdf.clone()],
        "a phrase inside the PDF"
    );
    assert_eq!(found(admin, "depreciation").await, vec![pdf.clone()]);
    assert_eq!(
        found(admin, "books").await,
        vec![pdf.clone()],
        "the file's name"
    );
    assert_eq!(found(admin, "invoice").await, vec![notes.clone()]);
    assert_eq!(found(admin, "scan%200042").await, vec![scan.clone()]);
    assert_eq!(
        found(admin, "schedule").await,
        vec![notes.clone(), pdf.clone()]
    );
    assert_eq!(
        found(admin, "schedule&hasFiles=true").await,
        vec![notes, pdf.clone()]
    );

    // The client of the conversation finds the file too; the hit says where.
    let answer = f.ann.get("/v1/search?q=depreciation").await;
    assert_eq!(ids(&answer.body), vec![pdf]);
    assert_eq!(highlighted(&answer.body["data"][0]), vec!["depreciation"]);
    assert_eq!(
        answer.body["data"][0]["message"]["attachments"][0]["name"],
        "acme-books.pdf"
    );
}

#[tokio::test]
async fn each_asker_finds_only_what_they_may_read() {
    let f = Firm::build().await;
    let admin = &f.app.admin;
    let to_ann = f.send(admin, &f.ann_channel, "Acme payroll figures").await;
    let to_cy = f.send(admin, &f.cy_channel, "Globex payroll figures").await;
    let note = admin
        .post(
            "/v1/messages",
            json!({ "channelId": f.ann_channel, "text": "payroll: Ann is late again", "isInternal": true }),
        )
        .await;
    assert_eq!(note.status, 200, "{}", note.body);
    let note = note.id();
    let deleted = f
        .send(admin, &f.ann_channel, "payroll draft, wrong figures")
        .await;
    assert_eq!(
        admin
            .delete(&format!("/v1/messages/{deleted}"))
            .await
            .status,
        200
    );

    assert_eq!(
        found(admin, "payroll").await,
        vec![note.clone(), to_cy.clone(), to_ann.clone()],
        "staff who see everything find notes; nobody finds a deleted message"
    );
    assert_eq!(
        found(&f.acme_staff, "payroll").await,
        vec![note.clone(), to_ann.clone()],
        "staff limited to Acme find nothing of Globex"
    );
    assert_eq!(
        found(&f.ann, "payroll").await,
        vec![to_ann.clone()],
        "a client never finds a note"
    );
    assert_eq!(
        found(&f.cy, "acme").await,
        Vec::<String>::new(),
        "a client of another company finds nothing of Acme's"
    );
    assert_eq!(found(&f.cy, "payroll").await, vec![to_cy.clone()]);
    // Filters narrow; they never widen what the asker may read.
    assert_eq!(
        found(&f.cy, &format!("payroll&channelId={}", f.ann_channel)).await,
        Vec::<String>::new()
    );
    assert_eq!(
        found(&f.cy, &format!("payroll&clientId={}", f.ann_id)).await,
        Vec::<String>::new()
    );
    let nobody = reqwest::get(format!("{}/v1/search?q=payroll", f.app.base))
        .await
        .unwrap();
    assert_eq!(nobody.status(), 401);
}

#[tokio::test]
async fn filters_narrow_by_conversation_client_company_sender_and_dates() {
    let f = Firm::build().await;
    let admin = &f.app.admin;
    let from_staff = f.send(admin, &f.ann_channel, "budget for Acme").await;
    let from_ann = f.send(&f.ann, &f.ann_channel, "budget approved").await;
    let in_globex = f.send(admin, &f.cy_channel, "budget for Globex").await;

    let with = |filter: String| format!("budget&{filter}");
    assert_eq!(
        found(admin, &with(format!("channelId={}", f.cy_channel))).await,
        vec![in_globex.clone()]
    );
    assert_eq!(
        found(admin, &with(format!("clientId={}", f.ann_id))).await,
        vec![from_ann.clone(), from_staff.clone()]
    );
    assert_eq!(
        found(admin, &with(format!("companyId={}", f.acme))).await,
        vec![from_ann.clone(), from_staff.clone()]
    );
    assert_eq!(
        found(admin, &with(format!("senderId={}", f.ann_id))).await,
        vec![from_ann.clone()]
    );
    let today = time::OffsetDateTime::now_utc().date();
    let tomorrow = today.next_day().unwrap();
    assert_eq!(
        found(admin, &with(format!("since={today}&until={today}"))).await,
        vec![in_globex, from_ann, from_staff],
        "a plain date is the whole day"
    );
    assert_eq!(
        found(admin, &with(format!("since={tomorrow}"))).await,
        Vec::<String>::new()
    );
}

#[tokio::test]
async fn pages_hold_still_while_messages_keep_arriving() {
    let f = Firm::build().await;
    let admin = &f.app.admin;
    let mut sent = Vec::new();
    for i in 0..7 {
        sent.push(
            f.send(admin, &f.ann_channel, &format!("invoice number {i}"))
                .await,
        );
    }
    sent.reverse();
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let path = match &token {
            Some(token) => format!("/v1/search?q=invoice&limit=3&nextToken={token}"),
            None => "/v1/search?q=invoice&limit=3".to_string(),
        };
        let page = admin.get(&path).await;
        assert_eq!(page.status, 200, "{}", page.body);
        seen.extend(ids(&page.body));
        // Someone keeps writing between pages: new ones are for a new search.
        f.send(&f.ann, &f.ann_channel, "another invoice question")
            .await;
        match page.body["nextToken"].as_str() {
            Some(next) => token = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(
        seen, sent,
        "every message once, in order, none of the new ones"
    );
    let made_up = admin.get("/v1/search?q=invoice&nextToken=abc").await;
    assert_eq!(made_up.status, 400, "{}", made_up.body);
}

#[tokio::test]
async fn a_query_that_cannot_be_searched_gets_a_clear_error() {
    let f = Firm::build().await;
    for (query, says) in [
        ("", "q"),
        ("%22%22%20***", "no words"),
        ("ok&since=yesterday", "since"),
        ("ok&since=2024-02-01&until=2024-01-01", "before until"),
        ("ok&limit=0", "limit"),
    ] {
        let answer = f.app.admin.get(&format!("/v1/search?q={query}")).await;
        assert_eq!(answer.status, 400, "{query}: {}", answer.body);
        assert!(
            answer.body["message"].as_str().unwrap().contains(says),
            "{query}: {}",
            answer.body
        );
    }
    let missing = f.app.admin.get("/v1/search").await;
    assert_eq!(missing.status, 400, "{}", missing.body);
}
