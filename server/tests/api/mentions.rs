//! @mentions: a message or note that names internal users tells each of
//! them, in their notification centre and by e-mail unless they turned
//! e-mail off; only people who can see the conversation may be mentioned.

use serde_json::json;

use crate::helpers::{Caller, TestApp};

async fn email_of(app: &TestApp, id: &str) -> String {
    let user = app.admin.get(&format!("/v1/internal-users/{id}")).await;
    assert_eq!(user.status, 200, "{}", user.body);
    user.body["email"].as_str().unwrap().to_string()
}

/// The e-mails about mentions someone was sent (their invitation aside).
async fn mention_mail(app: &TestApp, id: &str) -> Vec<String> {
    let all = app.emails_to(&email_of(app, id).await).await;
    all.into_iter()
        .filter(|m| m.contains("mentioned you"))
        .collect()
}

async fn titles(caller: &Caller) -> Vec<String> {
    let listed = caller.get("/v1/notifications").await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    listed.body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            n["deliveryTargets"]["inProduct"]["title"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn a_mentioned_colleague_is_told_in_product_and_by_email_and_outsiders_cannot_be_named() {
    let app = TestApp::spawn().await;
    let acme = app.create_company("Acme").await;
    let globex = app.create_company("Globex").await;
    let ann = app.create_client("Ann", Some(&acme)).await;
    let ann_id = ann["id"].as_str().unwrap().to_string();
    let channel = app.individual_channel(&ann_id).await;
    let (sam_id, sam) = app.staff(Some(&[&acme])).await;
    let (quiet_id, quiet) = app.staff(Some(&[&acme])).await;
    let (outsider_id, outsider) = app.staff(Some(&[&globex])).await;
    let off = quiet
        .send(
            quiet
                .request(reqwest::Method::PUT, "/v1/email-preferences")
                .json(&json!({ "unreadMessages": "off" })),
        )
        .await;
    assert_eq!(off.status, 200, "{}", off.body);

    let note = app
        .admin
        .post(
            "/v1/messages",
            json!({
                "channelId": channel, "text": "@Sam Staff can you check her ID?",
                "isInternal": true, "mentionIds": [sam_id, quiet_id],
            }),
        )
        .await;
    assert_eq!(note.status, 200, "{}", note.body);

    for told in [&sam, &quiet] {
        let titles = titles(told).await;
        assert_eq!(titles, ["Olivia Owner mentioned you"], "{titles:?}");
    }
    let sams_mail = mention_mail(&app, &sam_id).await;
    assert_eq!(sams_mail.len(), 1, "{sams_mail:?}");
    assert!(
        sams_mail[0].contains("can you check her ID?"),
        "{}",
        sams_mail[0]
    );
    assert!(
        sams_mail[0].contains(&format!("/messages/{channel}")),
        "the e-mail links to the conversation: {}",
        sams_mail[0]
    );
    assert!(
        mention_mail(&app, &quiet_id).await.is_empty(),
        "e-mail off: in product only"
    );
    assert!(titles(&outsider).await.is_empty());

    // Someone who cannot see the conversation, or a client, cannot be
    // mentioned: the message is refused and nothing is told.
    for (who, id) in [("an outsider", &outsider_id), ("a client", &ann_id)] {
        let refused = app
            .admin
            .post(
                "/v1/messages",
                json!({ "channelId": channel, "text": "psst", "mentionIds": [id] }),
            )
            .await;
        refused.assert_error(422, who);
    }
    assert!(titles(&outsider).await.is_empty());
    let history = app.all_messages(&app.admin, &channel, 50).await;
    assert!(
        history.iter().all(|m| m["text"] != "psst"),
        "nothing stored"
    );

    // A client may mention the staff who see their conversation too.
    let client = app.client_session(&ann).await;
    let asked = client
        .post(
            "/v1/messages",
            json!({ "channelId": channel, "text": "@Sam Staff thanks!", "mentionIds": [sam_id] }),
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert_eq!(titles(&sam).await.len(), 2);
}
