//! `/readyz`: a load balancer's question whether this node can serve. It
//! answers 200 while the database and the file store answer, and 503,
//! naming the part that is down, when one does not.

use parlor::config::BlobLocation;
use serde_json::json;

use crate::helpers::TestApp;

#[tokio::test]
async fn a_node_whose_database_and_files_answer_is_ready() {
    for app in [TestApp::spawn().await, TestApp::spawn_on_s3().await] {
        let ready = app.anonymous().get("/readyz").await;
        assert_eq!(ready.status, 200, "{}", ready.body);
        assert_eq!(
            ready.body,
            json!({ "ready": true, "checks": { "database": { "ok": true }, "files": { "ok": true } } })
        );
    }
}

#[tokio::test]
async fn a_node_whose_file_store_is_unreachable_is_not_ready_and_says_which_part() {
    let mut location = crate::s3::fresh_bucket().await;
    // Nothing listens on the discard port.
    location.endpoint = Some("http://127.0.0.1:9".into());
    let app = TestApp::spawn_with(|config| config.files.store = BlobLocation::S3(location)).await;
    let ready = app.anonymous().get("/readyz").await;
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert_eq!(ready.body["ready"], false);
    assert_eq!(ready.body["checks"]["database"]["ok"], true);
    assert_eq!(ready.body["checks"]["files"]["ok"], false);
    // Why is in the log, not in an answer anyone may read.
    assert!(
        !ready.body.to_string().contains("127.0.0.1"),
        "{}",
        ready.body
    );
    // Health is another question: the process is up.
    assert_eq!(app.anonymous().get("/healthz").await.status, 200);
}
