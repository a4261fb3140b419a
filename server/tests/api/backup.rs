//! `parlor admin backup` copies the SQLite database while the server runs;
//! `parlor admin restore` puts a copy back once it is stopped, keeping the
//! database it replaces. On PostgreSQL both say to use pg_dump.

use parlor::config::DatabaseLocation;

use serde_json::{json, Value};

use crate::attachments::client_with_channel;
use crate::helpers::{collect_pages, TestApp};

/// Runs `parlor admin` against the test server's storage. On a thread of its
/// own: the server shares this test's runtime, and a command waiting on a
/// lock the server holds must not stop the server from releasing it.
pub async fn admin(app: &TestApp, args: &[&str]) -> (bool, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_parlor"));
    command.arg("admin").args(args);
    command.arg("--data-dir").arg(&app.config.data_dir);
    if let DatabaseLocation::Postgres(url) = &app.config.database {
        command.args(["--database-url", url]);
    }
    // A key name in this shell's environment would stand in for a missing --name.
    command.env_remove("PARLOR_API_KEY_NAME");
    let output = tokio::task::spawn_blocking(move || command.output().expect("parlor runs"))
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

async fn rename(app: &TestApp, name: &str) {
    let renamed = app
        .admin
        .patch("/v1/workspaces", json!({ "brandName": name }))
        .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
}

async fn texts(app: &TestApp, channel: &str) -> Vec<String> {
    app.all_messages(&app.admin, channel, 100)
        .await
        .iter()
        .map(|m| m["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_once_the_server_is_stopped() {
    let mut app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let backup = dir.path().join("parlor-backup.db");
    let backup = backup.to_str().unwrap();
    if matches!(app.config.database, DatabaseLocation::Postgres(_)) {
        let (ok, said) = admin(&app, &["backup", "--to", backup]).await;
        assert!(!ok && said.contains("pg_dump"), "{said}");
        return;
    }
    let (_client, channel) = client_with_channel(&app).await;
    app.admin.send_message(&channel, "before the backup").await;
    rename(&app, "Before the backup").await;

    let (ok, said) = admin(&app, &["backup", "--to", backup]).await;
    assert!(ok, "{said}");
    let taken = app
        .admin
        .get("/v1/audit-events?action=backup.created")
        .await;
    assert_eq!(
        taken.body["data"][0]["details"]["file"], backup,
        "{}",
        taken.body
    );
    assert_eq!(taken.body["data"][0]["via"], "commandLine");
    let (ok, said) = admin(&app, &["backup", "--to", backup]).await;
    assert!(
        !ok && said.contains("exists already"),
        "never overwritten: {said}"
    );
    app.admin.send_message(&channel, "after the backup").await;
    rename(&app, "After the backup").await;

    // Not under a running server.
    let (ok, said) = admin(&app, &["restore", "--from", backup]).await;
    assert!(!ok && said.contains("stop it first"), "{said}");
    assert!(texts(&app, &channel)
        .await
        .contains(&"after the backup".to_string()));

    app.stop().await;
    let (ok, said) = admin(&app, &["restore", "--from", backup]).await;
    assert!(ok, "{said}");
    assert!(said.contains("kept as"), "{said}");
    app.start().await;
    let now = texts(&app, &channel).await;
    assert!(now.contains(&"before the backup".to_string()), "{now:?}");
    assert!(!now.contains(&"after the backup".to_string()), "{now:?}");
    // The audit log comes back as it was, and says who put it back.
    let log = collect_pages(&app.admin, "/v1/audit-events").await;
    assert_eq!(log[0]["action"], "backup.restored", "{:?}", log[0]);
    assert_eq!(log[0]["details"]["from"], backup);
    assert_eq!(log[0]["actorType"], "operator");
    let names: Vec<&Value> = log
        .iter()
        .filter(|e| e["action"] == "settings.updated")
        .map(|e| &e["details"]["changes"]["brandName"]["to"])
        .collect();
    assert_eq!(names, vec!["Before the backup"], "{log:?}");

    // Something that is not a Parlor database is refused, and nothing moves.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    app.stop().await;
    let (ok, said) = admin(&app, &["restore", "--from", junk.to_str().unwrap()]).await;
    assert!(!ok && said.contains("not a"), "{said}");
    app.start().await;
    assert!(texts(&app, &channel)
        .await
        .contains(&"before the backup".to_string()));
}
