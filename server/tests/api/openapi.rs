use crate::helpers::TestApp;

#[tokio::test]
async fn the_openapi_document_describes_every_public_route() {
    let app = TestApp::spawn().await;
    let doc = app.anonymous().get("/v1/openapi.json").await;
    assert_eq!(doc.status, 200);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc.body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/v1/workspaces", "get"),
        ("/v1/internal-users", "get"),
        ("/v1/internal-users/{id}", "get"),
        ("/v1/clients", "post"),
        ("/v1/clients/{id}", "delete"),
        ("/v1/companies", "get"),
        ("/v1/companies/{id}", "patch"),
        ("/v1/message-channels", "post"),
        ("/v1/message-channels/{id}", "get"),
        ("/v1/message-channels/{id}/read", "post"),
        ("/v1/messages", "post"),
        ("/v1/messages/{id}", "patch"),
        ("/v1/messages/{id}/reactions/{emoji}", "put"),
        ("/v1/messages/{id}/reactions/{emoji}", "delete"),
        ("/v1/mass-messages", "post"),
        ("/v1/notifications", "get"),
        ("/v1/notifications", "post"),
        ("/v1/notifications/{id}", "get"),
        ("/v1/notifications/{id}", "delete"),
        ("/v1/notifications/{id}/read", "post"),
        ("/v1/notifications/{id}/unread", "post"),
        ("/v1/settings/messaging", "patch"),
        ("/v1/sessions", "post"),
        ("/v1/invitations/{token}/accept", "post"),
        ("/v1/setup", "post"),
        ("/v1/attachments", "post"),
        ("/v1/attachments/usage", "get"),
        ("/v1/attachments/{id}", "get"),
        ("/v1/attachments/{id}/content", "get"),
        ("/v1/attachments/{id}/thumbnail", "get"),
        ("/v1/email-preferences/unsubscribe", "get"),
        ("/v1/email-preferences/unsubscribe", "post"),
        ("/v1/api-keys", "get"),
        ("/v1/api-keys", "post"),
        ("/v1/api-keys/{id}", "delete"),
        ("/v1/saved-replies", "get"),
        ("/v1/saved-replies", "post"),
        ("/v1/saved-replies/{id}", "get"),
        ("/v1/saved-replies/{id}", "patch"),
        ("/v1/saved-replies/{id}", "delete"),
        ("/v1/saved-replies/{id}/render", "post"),
        ("/v1/audit-events", "get"),
        ("/v1/audit-events/{id}", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is documented"
        );
    }
    let schemes = &doc.body["components"]["securitySchemes"];
    assert_eq!(schemes["apiKey"]["name"], "X-API-Key");
    assert!(
        doc.body["components"]["schemas"]["MessageChannel"]["properties"]["memberIds"].is_object()
    );
    let message = &doc.body["components"]["schemas"]["Message"]["properties"];
    assert!(
        message["attachments"].is_object(),
        "messages list their files"
    );
    assert!(
        message["sentVia"].is_object(),
        "messages say when they arrived by e-mail"
    );
    assert!(
        message["reactions"].is_object(),
        "messages carry their reactions"
    );
    assert!(
        doc.body["components"]["schemas"]["Reaction"]["properties"]["userIds"].is_object(),
        "a reaction names who reacted"
    );
    assert!(
        doc.body["components"]["schemas"]["SendMessage"]["properties"]["attachmentIds"].is_object()
    );
    let upload = &paths["/v1/attachments"]["post"]["requestBody"]["content"];
    assert!(
        upload["multipart/form-data"].is_object(),
        "uploads are multipart: {upload}"
    );
    let schemas = &doc.body["components"]["schemas"];
    for field in [
        "brandColor",
        "logoImageUrl",
        "emailSenderName",
        "emailReplyTo",
        "emailIncludesMessageText",
    ] {
        assert!(
            schemas["Workspace"]["properties"][field].is_object(),
            "the workspace shows {field}"
        );
        assert!(
            schemas["UpdateWorkspace"]["properties"][field].is_object(),
            "admins change {field}"
        );
    }
    for (schema, field) in [
        ("SavedReply", "isShared"),
        ("SavedReply", "attachments"),
        ("CreateSavedReply", "attachmentIds"),
        ("RenderSavedReply", "channelId"),
        ("RenderSavedReply", "clientId"),
        ("RenderedSavedReply", "attachmentIds"),
        ("MassMessage", "renderVariables"),
        ("AuditEvent", "action"),
        ("AuditEvent", "actorName"),
        ("AuditEvent", "targetName"),
        ("AuditEvent", "ipAddress"),
        ("AuditEvent", "details"),
    ] {
        assert!(
            schemas[schema]["properties"][field].is_object(),
            "{schema} documents {field}"
        );
    }
}
