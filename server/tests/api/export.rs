//! Exports: a client's conversations (`GET /v1/clients/{id}/export`) and
//! the whole workspace (`GET /v1/workspaces/export`), as ZIP archives that
//! open, hold exactly what the asker may take away (files byte for byte),
//! and are in the audit log. Runs on SQLite and, with
//! PARLOR_TEST_DATABASE_URL, on PostgreSQL.

use std::collections::BTreeMap;
use std::io::Read;

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{Caller, TestApp};

const PDF: &[u8] = include_bytes!("../fixtures/tax-return-2024.pdf");

/// Every byte value, so a file that is not copied exactly shows.
fn binary() -> Vec<u8> {
    (0..70_000u32).map(|i| (i * 7 % 256) as u8).collect()
}

/// Ann is a client of Acme and of Globex; Cy of Globex alone. Ann has her
/// own conversation (with files, a note, an edit and a deletion) and is in
/// Globex's company conversation; Cy has his own.
struct Firm {
    app: TestApp,
    acme: String,
    globex: String,
    ann_id: String,
    cy_id: String,
    ann: Caller,
    cy: Caller,
}

impl Firm {
    async fn build() -> Firm {
        let app = TestApp::spawn().await;
        let acme = app.create_company("Acme").await;
        let globex = app.create_company("Globex").await;
        let ann = app.create_client("Ann", Some(&acme)).await;
        let ann_id = ann["id"].as_str().unwrap().to_string();
        let joined = app
            .admin
            .patch(
                &format!("/v1/clients/{ann_id}"),
                json!({ "companyIds": [acme, globex] }),
            )
            .await;
        assert_eq!(joined.status, 200, "{}", joined.body);
        let cy = app.create_client("Cy", Some(&globex)).await;
        let cy_id = cy["id"].as_str().unwrap().to_string();
        let firm = Firm {
            ann: app.client_session(&ann).await,
            cy: app.client_session(&cy).await,
            app,
            acme,
            globex,
            ann_id,
            cy_id,
        };
        firm.converse().await;
        firm
    }

    async fn converse(&self) {
        let admin = &self.app.admin;
        let ann_channel = self.app.individual_channel(&self.ann_id).await;
        let cy_channel = self.app.individual_channel(&self.cy_id).await;
        let asked = self
            .ann
            .send_message(&ann_channel, "Here is my **2024** question")
            .await;
        assert_eq!(asked.status, 200, "{}", asked.body);

        let uploaded = crate::attachments::upload(
            admin,
            &[("tax-return-2024.pdf", PDF), ("ledger.bin", &binary())],
        )
        .await;
        assert_eq!(uploaded.status, 200, "{}", uploaded.body);
        let files: Vec<Value> = uploaded.body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].clone())
            .collect();
        let sent = admin
            .post(
                "/v1/messages",
                json!({ "channelId": ann_channel, "text": "Your return, as filed", "attachmentIds": files }),
            )
            .await;
        assert_eq!(sent.status, 200, "{}", sent.body);

        let note = admin
            .post(
                "/v1/messages",
                json!({ "channelId": ann_channel, "text": "NOTE-FOR-STAFF", "isInternal": true }),
            )
            .await;
        assert_eq!(note.status, 200, "{}", note.body);
        let edited = admin.send_message(&ann_channel, "OLD-WORDING").await;
        let changed = admin
            .patch(
                &format!("/v1/messages/{}", edited.id()),
                json!({ "text": "NEW-WORDING" }),
            )
            .await;
        assert_eq!(changed.status, 200, "{}", changed.body);
        let deleted = admin.send_message(&ann_channel, "TAKEN-BACK").await;
        let gone = admin
            .delete(&format!("/v1/messages/{}", deleted.id()))
            .await;
        assert_eq!(gone.status, 200, "{}", gone.body);

        let company = admin
            .post(
                "/v1/message-channels",
                json!({ "membershipType": "company", "companyId": self.globex }),
            )
            .await;
        assert_eq!(company.status, 200, "{}", company.body);
        let to_globex = admin
            .send_message(&company.id(), "GLOBEX-ANNOUNCEMENT")
            .await;
        assert_eq!(to_globex.status, 200, "{}", to_globex.body);
        let to_cy = admin.send_message(&cy_channel, "CY-PRIVATE").await;
        assert_eq!(to_cy.status, 200, "{}", to_cy.body);
    }
}

/// An archive's entries by name.
struct Archive(BTreeMap<String, Vec<u8>>);

impl Archive {
    fn text(&self, name: &str) -> String {
        String::from_utf8(self.0[name].clone()).unwrap()
    }

    fn names(&self) -> Vec<&String> {
        self.0.keys().collect()
    }

    /// Everything a reader of the archive can read: every entry's bytes as
    /// text, and the text of its PDFs.
    fn readable(&self) -> String {
        let mut all = String::new();
        for (name, bytes) in &self.0 {
            all.push_str(&String::from_utf8_lossy(bytes));
            if name.ends_with("transcript.pdf") {
                all.push_str(&pdf_extract::extract_text_from_mem(bytes).unwrap());
            }
        }
        all
    }
}

/// Downloads an export and opens it.
async fn export(caller: &Caller, path: &str) -> Archive {
    let response = caller
        .request(Method::GET, path)
        .send()
        .await
        .expect("the export answers");
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(response.headers()["content-type"], "application/zip");
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains(".zip"), "{disposition}");
    let bytes = response.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("the ZIP opens");
    let mut entries = BTreeMap::new();
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        entries.insert(entry.name().unwrap().to_string(), bytes);
    }
    Archive(entries)
}

async fn status_of(caller: &Caller, path: &str) -> u16 {
    caller.get(path).await.status
}

#[tokio::test]
async fn a_clients_export_holds_their_conversations_as_they_see_them_with_every_file() {
    let firm = Firm::build().await;
    let archive = export(
        &firm.app.admin,
        &format!("/v1/clients/{}/export", firm.ann_id),
    )
    .await;

    // Her own conversation and Globex's, each with both transcripts.
    let index = archive.text("index.html");
    assert!(
        index.contains("href=\"Ann%20Client/transcript.html\""),
        "{index}"
    );
    assert!(index.contains("href=\"Globex/transcript.html\""), "{index}");
    let own = archive.text("Ann Client/transcript.html");
    assert!(
        own.contains("Here is my <strong>2024</strong> question"),
        "{own}"
    );
    assert!(own.contains("Your return, as filed"), "{own}");
    assert!(own.contains("href=\"files/tax-return-2024.pdf\""), "{own}");
    assert!(
        own.contains("NEW-WORDING") && own.contains("edited"),
        "{own}"
    );
    assert!(archive
        .text("Globex/transcript.html")
        .contains("GLOBEX-ANNOUNCEMENT"));
    let pdf = pdf_extract::extract_text_from_mem(&archive.0["Ann Client/transcript.pdf"]).unwrap();
    for words in [
        "Your return, as filed",
        "NEW-WORDING",
        "tax-return-2024.pdf",
    ] {
        assert!(pdf.contains(words), "the PDF holds {words:?}: {pdf}");
    }

    // Her files, byte for byte.
    assert_eq!(archive.0["Ann Client/files/tax-return-2024.pdf"], PDF);
    assert_eq!(archive.0["Ann Client/files/ledger.bin"], binary());

    // Nothing she cannot see: notes, earlier versions, deleted messages,
    // other clients' conversations.
    let readable = archive.readable();
    for hidden in ["NOTE-FOR-STAFF", "OLD-WORDING", "TAKEN-BACK", "CY-PRIVATE"] {
        assert!(!readable.contains(hidden), "{hidden} is not in the export");
    }
    assert_eq!(archive.0.len(), 7, "{:?}", archive.names());
}

#[tokio::test]
async fn each_asker_exports_only_what_both_they_and_the_client_see() {
    let firm = Firm::build().await;
    let path = format!("/v1/clients/{}/export", firm.ann_id);

    // Ann exports her own, as staff would.
    let hers = export(&firm.ann, &path).await;
    assert!(hers.0.contains_key("Ann Client/transcript.pdf"));
    assert!(hers.0.contains_key("Globex/transcript.pdf"));
    assert!(!hers.readable().contains("NOTE-FOR-STAFF"));

    // A colleague limited to Acme gets Ann's own conversation, not Globex's.
    let (_, acme_staff) = firm.app.staff(Some(&[&firm.acme])).await;
    let acme_view = export(&acme_staff, &path).await;
    assert!(acme_view.0.contains_key("Ann Client/transcript.html"));
    assert!(!acme_view.readable().contains("GLOBEX-ANNOUNCEMENT"));
    // One limited to Globex sees both: Ann is Globex's client too.
    let (_, globex_staff) = firm.app.staff(Some(&[&firm.globex])).await;
    let globex_view = export(&globex_staff, &path).await;
    assert!(globex_view.readable().contains("GLOBEX-ANNOUNCEMENT"));
    assert!(globex_view.readable().contains("Your return, as filed"));

    // Nobody else gets anything, not even whether the client exists.
    let cys = format!("/v1/clients/{}/export", firm.cy_id);
    assert_eq!(status_of(&firm.ann, &cys).await, 404, "another client");
    assert_eq!(
        status_of(&firm.cy, &path).await,
        404,
        "a client of a shared company"
    );
    assert_eq!(
        status_of(&acme_staff, &cys).await,
        404,
        "a client outside the colleague's companies"
    );
    assert_eq!(
        status_of(&firm.app.admin, "/v1/clients/nobody/export").await,
        404
    );
    let anonymous = firm.app.anonymous().get(&path).await;
    anonymous.assert_error(401, "no session");
}

#[tokio::test]
async fn the_workspace_export_holds_every_resource_and_file_for_admins_only() {
    let firm = Firm::build().await;
    let archive = export(&firm.app.admin, "/v1/workspaces/export").await;
    let json = |name: &str| -> Value { serde_json::from_slice(&archive.0[name]).unwrap() };

    assert_eq!(json("workspace.json")["workspace"]["object"], "workspace");
    let clients = json("clients.json");
    let client_ids: Vec<&str> = clients
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(
        client_ids.contains(&firm.ann_id.as_str()) && client_ids.contains(&firm.cy_id.as_str())
    );
    assert!(json("companies.json").as_array().unwrap().len() >= 2);
    assert!(json("channels.json").as_array().unwrap().len() >= 3);
    assert!(!json("internal-users.json").as_array().unwrap().is_empty());

    // Every message, in the order sent: notes and tombstones too.
    let messages = json("messages.json");
    let messages = messages.as_array().unwrap();
    let texts: Vec<&str> = messages
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    for text in [
        "NOTE-FOR-STAFF",
        "NEW-WORDING",
        "CY-PRIVATE",
        "GLOBEX-ANNOUNCEMENT",
    ] {
        assert!(texts.contains(&text), "{text} in {texts:?}");
    }
    assert!(
        messages.iter().any(|m| !m["deletedAt"].is_null()),
        "the deletion is kept"
    );
    let dates: Vec<&str> = messages
        .iter()
        .map(|m| m["createdAt"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "oldest first");

    // Each file under its id, byte for byte.
    let sent = messages
        .iter()
        .flat_map(|m| m["attachments"].as_array().into_iter().flatten())
        .collect::<Vec<_>>();
    assert_eq!(sent.len(), 2);
    for file in sent {
        let path = format!(
            "files/{}/{}",
            file["id"].as_str().unwrap(),
            file["name"].as_str().unwrap()
        );
        let expected = if file["name"] == "ledger.bin" {
            binary()
        } else {
            PDF.to_vec()
        };
        assert_eq!(archive.0[&path], expected, "{path}");
    }
    let events = json("audit-events.json");
    assert!(!events.as_array().unwrap().is_empty());

    // Nobody else may take the workspace away.
    let (_, staff) = firm.app.staff(None).await;
    staff
        .get("/v1/workspaces/export")
        .await
        .assert_error(403, "staff");
    firm.ann
        .get("/v1/workspaces/export")
        .await
        .assert_error(403, "a client");
    firm.app
        .anonymous()
        .get("/v1/workspaces/export")
        .await
        .assert_error(401, "no session");
}

#[tokio::test]
async fn every_export_is_in_the_audit_log() {
    let firm = Firm::build().await;
    export(&firm.ann, &format!("/v1/clients/{}/export", firm.ann_id)).await;
    export(&firm.app.admin, "/v1/workspaces/export").await;
    // A refused export is not one.
    assert_eq!(
        status_of(&firm.cy, &format!("/v1/clients/{}/export", firm.ann_id)).await,
        404
    );

    let log = firm
        .app
        .admin
        .get("/v1/audit-events?action=export.created")
        .await;
    assert_eq!(log.status, 200, "{}", log.body);
    let entries = log.body["data"].as_array().unwrap();
    assert_eq!(entries.len(), 2, "{entries:?}");
    // Newest first: the workspace, then Ann's own.
    assert_eq!(entries[0]["details"]["export"], "workspace");
    assert_eq!(entries[1]["details"]["export"], "client");
    assert_eq!(entries[1]["targetId"], firm.ann_id.as_str());
    assert_eq!(entries[1]["actorId"], firm.ann_id.as_str());
}

#[tokio::test]
async fn exports_at_once_are_bounded_and_a_download_given_up_frees_its_place() {
    let app = TestApp::spawn().await;
    let client = app.create_client("Ann", None).await;
    let id = client["id"].as_str().unwrap();
    let channel = app.individual_channel(id).await;
    // Larger than what is in flight between writer and connection.
    let big: Vec<u8> = (0..6_000_000u32).map(|i| (i % 251) as u8).collect();
    let uploaded = crate::attachments::upload(&app.admin, &[("big.bin", &big)]).await;
    assert_eq!(uploaded.status, 200, "{}", uploaded.body);
    let file = uploaded.body["data"][0]["id"].clone();
    let sent = app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": channel, "text": "big", "attachmentIds": [file] }),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.body);

    let path = format!("/v1/clients/{id}/export");
    // Two downloads started and not read: their writers wait.
    let mut waiting = Vec::new();
    for _ in 0..2 {
        let response = app.admin.request(Method::GET, &path).send().await.unwrap();
        assert_eq!(response.status(), 200);
        waiting.push(response);
    }
    let third = app.admin.get(&path).await;
    third.assert_error(503, "a third export at once");
    assert!(
        third.headers.contains_key("retry-after"),
        "{:?}",
        third.headers
    );

    // Given up: their places are free again.
    drop(waiting);
    crate::helpers::eventually("a given-up export frees its place", || async {
        app.admin
            .request(Method::GET, &path)
            .send()
            .await
            .unwrap()
            .status()
            == 200
    })
    .await;
}
