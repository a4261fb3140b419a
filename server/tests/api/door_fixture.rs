//! The workspace the door tables aim at (`doors.rs` for the REST API,
//! `server_functions.rs` for the web app), and the nine kinds of caller
//! each of their rows is decided for.
//!
//! Acme has Ann, whose individual channel holds a message of the owner's
//! with a file, then an internal note of the owner's with a file (each
//! edited once, so each has an earlier version), and an in-product
//! notification for her; Globex has Bob; Cat belongs to both.

use serde_json::{json, Value};

use crate::helpers::{Caller, TestApp};

pub struct Fixture {
    pub app: TestApp,
    pub acme: String,
    pub ann: Value,
    pub ann_channel: String,
    /// A message of the owner's in Ann's channel, with a file, edited once.
    pub message: String,
    pub attachment: String,
    /// An internal note of the owner's in Ann's channel, with a file,
    /// edited once.
    pub note: String,
    pub note_attachment: String,
    /// An in-product notification for Ann.
    pub notification: String,
    pub roles: Vec<(&'static str, Caller)>,
}

pub const ROLES: [&str; 9] = [
    "admin key",
    "admin session",
    "staff, full access",
    "staff, limited to Acme",
    "staff, limited to Globex",
    "client Ann of Acme",
    "client Bob of Globex",
    "client Cat of Acme and Globex",
    "no credentials",
];

impl Fixture {
    pub async fn build() -> Fixture {
        let app = TestApp::spawn().await;
        let acme = app.create_company("Acme").await;
        let globex = app.create_company("Globex").await;
        let ann = app.create_client("Ann", Some(&acme)).await;
        let bob = app.create_client("Bob", Some(&globex)).await;
        let cat = app.create_client("Cat", Some(&acme)).await;
        let cat_id = cat["id"].as_str().unwrap();
        let moved = app
            .admin
            .patch(
                &format!("/v1/clients/{cat_id}"),
                json!({ "companyIds": [acme, globex] }),
            )
            .await;
        assert_eq!(moved.status, 200, "{}", moved.body);
        let ann_id = ann["id"].as_str().unwrap().to_string();
        let ann_channel = app.individual_channel(&ann_id).await;
        let uploaded = crate::attachments::upload(&app.admin, &[("terms.txt", b"Terms")]).await;
        assert_eq!(uploaded.status, 200, "{}", uploaded.body);
        let attachment = uploaded.body["data"][0]["id"].as_str().unwrap().to_string();
        let message = app
            .admin
            .post(
                "/v1/messages",
                json!({ "channelId": ann_channel, "text": "Your terms (draft)", "attachmentIds": [attachment] }),
            )
            .await;
        assert_eq!(message.status, 200, "{}", message.body);
        let uploaded = crate::attachments::upload(&app.admin, &[("risk.txt", b"Risky")]).await;
        assert_eq!(uploaded.status, 200, "{}", uploaded.body);
        let note_attachment = uploaded.body["data"][0]["id"].as_str().unwrap().to_string();
        let note = app
            .admin
            .post(
                "/v1/messages",
                json!({ "channelId": ann_channel, "text": "Check ID", "isInternal": true, "attachmentIds": [note_attachment] }),
            )
            .await;
        assert_eq!(note.status, 200, "{}", note.body);
        for (sent, text) in [(&message, "Your terms"), (&note, "Check her ID")] {
            let edited = app
                .admin
                .patch(
                    &format!("/v1/messages/{}", sent.id()),
                    json!({ "text": text }),
                )
                .await;
            assert_eq!(edited.status, 200, "{}", edited.body);
        }
        let notification = app
            .admin
            .post(
                "/v1/notifications",
                json!({
                    "senderId": app.owner_id,
                    "recipientClientId": ann_id,
                    "deliveryTargets": { "inProduct": { "title": "Sign the terms" } },
                }),
            )
            .await;
        assert_eq!(notification.status, 200, "{}", notification.body);

        let mut roles = app.every_role(&acme, &globex, &ann, &bob).await;
        let anonymous = roles.pop().expect("no credentials last");
        roles.push((
            "client Cat of Acme and Globex",
            app.client_session(&cat).await,
        ));
        roles.push(anonymous);
        for ((name, _), expected) in roles.iter().zip(ROLES) {
            assert_eq!(*name, expected);
        }
        Fixture {
            message: message.id(),
            note: note.id(),
            note_attachment,
            notification: notification.id(),
            app,
            acme,
            ann,
            ann_channel,
            attachment,
            roles,
        }
    }

    pub fn ann_id(&self) -> &str {
        self.ann["id"].as_str().unwrap()
    }

    /// A new in-product notification for Ann, for one call that removes it.
    pub async fn fresh_notification(&self) -> String {
        self.app
            .admin
            .post(
                "/v1/notifications",
                json!({
                    "senderId": self.app.owner_id,
                    "recipientClientId": self.ann_id(),
                    "deliveryTargets": { "inProduct": { "title": "To delete" } },
                }),
            )
            .await
            .id()
    }

    /// A client of Acme made for one call that changes or removes it.
    pub async fn fresh_client(&self) -> String {
        self.app.create_client("Dan", Some(&self.acme)).await["id"]
            .as_str()
            .unwrap()
            .to_string()
    }
}
