//! What the server leaves on disk is readable by its own user only: the
//! SQLite database (and its -wal and -shm files), the secret key, and the
//! directory of uploaded files with everything in it.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use parlor::blobs::BlobStore;
use parlor::cli::StorageArgs;
use parlor::config::Config;
use parlor::startup::Application;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

#[tokio::test]
async fn the_database_the_key_and_the_files_are_private_to_the_server() {
    let parent = tempfile::tempdir().unwrap();
    let data_dir = parent.path().join("data");
    let storage = StorageArgs {
        data_dir: data_dir.clone(),
        database_url: None,
        database_url_file: None,
        secret_key_file: None,
    };
    let config = Config::new("127.0.0.1:0".parse().unwrap(), &storage, None).unwrap();
    let app = Application::build(config).await.expect("server builds");
    let mut blob = app
        .context()
        .blobs
        .create(&BlobStore::new_key())
        .await
        .unwrap();
    blob.write("what a client said".into()).await.unwrap();
    blob.finish().await.unwrap();

    let mut dirs = vec![data_dir.clone()];
    let mut files = vec![];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path.clone());
                assert_eq!(mode(&path), 0o700, "{}", path.display());
            } else {
                assert_eq!(mode(&path), 0o600, "{}", path.display());
                files.push(path);
            }
        }
    }
    assert_eq!(mode(&data_dir), 0o700);
    let names: Vec<_> = files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for expected in ["parlor.db", "parlor.db-wal", "parlor.db-shm", "secret.key"] {
        assert!(
            names.iter().any(|n| n == expected),
            "no {expected} in {names:?}"
        );
    }
    assert!(
        files.iter().any(|f| f.starts_with(data_dir.join("blobs"))),
        "no uploaded file in {files:?}"
    );
}
