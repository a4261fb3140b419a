//! The embedded SQLite backend: one file in the data directory, WAL journal,
//! and an fsync of the WAL before any commit is acknowledged, so an
//! acknowledged write survives a crash. The fsync is shared by every
//! transaction that committed while the previous one ran (group commit,
//! `group_commit.rs`), rather than made inside each COMMIT
//! (`synchronous = FULL`), which held the single write connection for the
//! length of an fsync per transaction.

use std::path::Path;

use anyhow::Context;
use sqlx::Executor;

use super::{group_commit, pool_options, Backend, Store};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

pub async fn connect(path: &Path) -> anyhow::Result<Store> {
    if let Some(dir) = path.parent() {
        crate::private_files::create_dir_all(dir)
            .with_context(|| format!("creating {}", dir.display()))?;
    }
    crate::private_files::touch(path).with_context(|| format!("creating {}", path.display()))?;
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let options = || {
        // A local file does not drop connections as a server can; pinging
        // it before each use would cost every request a round trip to
        // sqlx's worker thread.
        //
        // `temp_store = MEMORY` keeps statement journals in memory: a
        // batch's multi-row statements outgrow the 64 KiB SQLite otherwise
        // holds in memory, and each then spilled to a new temporary file
        // (found in a profile of the send benchmark, docs/performance.md).
        pool_options()
            .test_before_acquire(false)
            .after_connect(|conn, _meta| {
                Box::pin(async move {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
                         PRAGMA temp_store = MEMORY;",
                    )
                    .await?;
                    Ok(())
                })
            })
    };
    let write = options()
        .max_connections(1)
        .connect(&url)
        .await
        .with_context(|| format!("opening SQLite database {}", path.display()))?;
    MIGRATOR
        .run(&write)
        .await
        .context("migrating the SQLite database")?;
    let read = options().max_connections(4).connect(&url).await?;
    Ok(Store {
        backend: Backend::Sqlite,
        write,
        read,
        group_commit: Some(std::sync::Arc::new(group_commit::Syncer::new(
            path.to_path_buf(),
        ))),
    })
}
