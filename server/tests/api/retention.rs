//! Retention: with `retentionMonths` set, housekeeping deletes older
//! messages with their files, except what a client under legal hold can
//! see; the audit log is never deleted. Runs on SQLite and, with
//! PARLOR_TEST_DATABASE_URL, on PostgreSQL.

use parlor::service::retention;
use parlor::storage::now_ms;
use serde_json::{json, Value};

use crate::helpers::{collect_pages, TestApp};

const MONTH_MS: i64 = 31 * 24 * 3600 * 1000;

/// Makes every message so far look sent `months` months earlier, as in a
/// workspace that has run that long (the server keeps the date a message
/// was sent; this is the only way to have old messages today).
async fn age_everything(app: &TestApp, months: i64) {
    let mut tx = app.ctx.store.begin().await.unwrap();
    sqlx::query("UPDATE messages SET created_at = created_at - $1")
        .bind(months * MONTH_MS)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn texts(app: &TestApp, channel: &str) -> Vec<String> {
    app.all_messages(&app.admin, channel, 100)
        .await
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_string())
        .collect()
}

async fn keep_for(app: &TestApp, months: Value) {
    let set = app
        .admin
        .patch(
            "/v1/settings/messaging",
            json!({ "retentionMonths": months }),
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
}

async fn audit_ids(app: &TestApp) -> Vec<String> {
    collect_pages(&app.admin, "/v1/audit-events?limit=1000")
        .await
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn old_messages_and_their_files_go_except_what_a_held_client_can_see() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let bob = app.create_client("Bob", Some(&acme)).await;
    let cy = app.create_client("Cy", Some(&globex)).await;
    let id = |c: &Value| c["id"].as_str().unwrap().to_string();
    let ann_channel = app.individual_channel(&id(&ann)).await;
    let bob_channel = app.individual_channel(&id(&bob)).await;
    let cy_channel = app.individual_channel(&id(&cy)).await;
    let acme_channel = app
        .admin
        .post(
            "/v1/message-channels",
            json!({ "membershipType": "company", "companyId": acme }),
        )
        .await
        .id();

    let uploaded = crate::attachments::upload(&app.admin, &[("old-return.pdf", b"%PDF old")]).await;
    let file = uploaded.body["data"][0]["id"].as_str().unwrap().to_string();
    let ann_old = app
        .admin
        .post(
            "/v1/messages",
            json!({ "channelId": ann_channel, "text": "ANN-OLD", "attachmentIds": [file] }),
        )
        .await
        .id();
    assert!(!ann_old.is_empty());
    for (channel, text) in [
        (&bob_channel, "BOB-OLD"),
        (&acme_channel, "ACME-OLD"),
        (&cy_channel, "CY-OLD"),
    ] {
        app.admin.send_message(channel, text).await;
    }
    age_everything(&app, 13).await;
    app.admin.send_message(&ann_channel, "ANN-NEW").await;
    keep_for(&app, json!(12)).await;
    let held = app
        .admin
        .put(&format!("/v1/clients/{}/legal-hold", id(&bob)), json!({}))
        .await;
    assert_eq!(held.status, 200, "{}", held.body);
    let audit_before = audit_ids(&app).await;

    // Ann's and Cy's old messages, each after their welcome message.
    assert_eq!(retention::apply(&app.ctx, now_ms()).await.unwrap(), 4);

    // Ann's and Cy's old messages are gone, with Ann's file; her new one stays.
    assert!(!texts(&app, &ann_channel)
        .await
        .contains(&"ANN-OLD".to_string()));
    assert!(texts(&app, &ann_channel)
        .await
        .contains(&"ANN-NEW".to_string()));
    assert!(!texts(&app, &cy_channel)
        .await
        .contains(&"CY-OLD".to_string()));
    let download = app
        .admin
        .get(&format!("/v1/attachments/{file}/content"))
        .await;
    download.assert_error(404, "the file of a deleted message");
    let found = app.admin.get("/v1/search?q=ANN-OLD").await;
    assert_eq!(found.body["data"], json!([]), "search forgets it too");
    // Bob is held: his own conversation and his company's are kept.
    assert!(texts(&app, &bob_channel)
        .await
        .contains(&"BOB-OLD".to_string()));
    assert!(texts(&app, &acme_channel)
        .await
        .contains(&"ACME-OLD".to_string()));

    // The audit log lost nothing and says what retention did, and as whom.
    let audit_after = audit_ids(&app).await;
    assert!(audit_before.iter().all(|e| audit_after.contains(e)));
    let applied = app
        .admin
        .get("/v1/audit-events?action=retention.applied")
        .await;
    let entry = &applied.body["data"][0];
    assert_eq!(entry["details"]["deletedMessages"], 4, "{entry}");
    assert_eq!(entry["actorType"], "system");
    assert_eq!(entry["via"], "server");

    // Lifted, the hold keeps nothing.
    let lifted = app
        .admin
        .delete(&format!("/v1/clients/{}/legal-hold", id(&bob)))
        .await;
    assert_eq!(lifted.status, 200, "{}", lifted.body);
    assert!(retention::apply(&app.ctx, now_ms()).await.unwrap() >= 2);
    assert!(!texts(&app, &bob_channel)
        .await
        .contains(&"BOB-OLD".to_string()));
    assert!(!texts(&app, &acme_channel)
        .await
        .contains(&"ACME-OLD".to_string()));
    for action in ["legalHold.placed", "legalHold.lifted"] {
        let logged = app
            .admin
            .get(&format!("/v1/audit-events?action={action}"))
            .await;
        assert_eq!(
            logged.body["data"][0]["targetId"],
            id(&bob).as_str(),
            "{action}"
        );
    }
}

#[tokio::test]
async fn without_a_retention_period_nothing_is_deleted_and_the_audit_log_never_is() {
    let app = TestApp::spawn().await;
    let ann = app.create_client("Ann", None).await;
    let channel = app.individual_channel(ann["id"].as_str().unwrap()).await;
    app.admin.send_message(&channel, "ANCIENT").await;
    age_everything(&app, 1000).await;
    assert_eq!(retention::apply(&app.ctx, now_ms()).await.unwrap(), 0);
    assert!(texts(&app, &channel).await.contains(&"ANCIENT".to_string()));

    // The shortest period, run a century from now: every message goes,
    // every audit entry stays.
    keep_for(&app, json!(1)).await;
    let audit_before = audit_ids(&app).await;
    assert!(
        retention::apply(&app.ctx, now_ms() + 1200 * MONTH_MS)
            .await
            .unwrap()
            >= 2
    );
    assert!(texts(&app, &channel).await.is_empty());
    let audit_after = audit_ids(&app).await;
    assert!(audit_before.iter().all(|e| audit_after.contains(e)));
    assert_eq!(
        audit_after.len(),
        audit_before.len() + 1,
        "one entry for the run"
    );
}

#[tokio::test]
async fn the_retention_period_is_checked_shown_and_recorded() {
    let app = TestApp::spawn().await;
    for wrong in [json!(0), json!(1201)] {
        let refused = app
            .admin
            .patch(
                "/v1/settings/messaging",
                json!({ "retentionMonths": wrong }),
            )
            .await;
        refused.assert_error(422, &format!("retentionMonths {wrong}"));
    }
    let refused = app
        .admin
        .patch(
            "/v1/settings/messaging",
            json!({ "retentionMonths": "a year" }),
        )
        .await;
    assert!(
        refused.status == 400 || refused.status == 422,
        "{}",
        refused.body
    );

    keep_for(&app, json!(24)).await;
    let shown = app.admin.get("/v1/settings/messaging").await;
    assert_eq!(shown.body["retentionMonths"], 24);
    // Other settings saved later leave it as it is.
    let other = app
        .admin
        .patch(
            "/v1/settings/messaging",
            json!({ "welcomeMessage": "Hello" }),
        )
        .await;
    assert_eq!(other.body["retentionMonths"], 24, "{}", other.body);
    keep_for(&app, Value::Null).await;
    let shown = app.admin.get("/v1/settings/messaging").await;
    assert!(shown.body["retentionMonths"].is_null());

    let logged = app
        .admin
        .get("/v1/audit-events?action=settings.updated")
        .await;
    let changes: Vec<&Value> = logged.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["details"]["changes"].get("retentionMonths"))
        .collect();
    assert_eq!(changes.len(), 2, "{}", logged.body);

    // A hold on nobody is refused; a second hold keeps the first.
    let nobody = app
        .admin
        .put("/v1/clients/nobody/legal-hold", json!({}))
        .await;
    nobody.assert_error(404, "a hold on no client");
    let ann = app.create_client("Ann", None).await;
    let path = format!("/v1/clients/{}/legal-hold", ann["id"].as_str().unwrap());
    app.admin.get(&path).await.assert_error(404, "no hold yet");
    let first = app.admin.put(&path, json!({})).await;
    let again = app.admin.put(&path, json!({})).await;
    assert_eq!(first.body["placedAt"], again.body["placedAt"]);
    assert_eq!(app.admin.get(&path).await.body["clientId"], ann["id"]);
    app.admin.delete(&path).await;
    app.admin
        .delete(&path)
        .await
        .assert_error(404, "no hold to lift");
}
