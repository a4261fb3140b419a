//! The embedded SQLite backend: one file in the data directory, WAL journal,
//! and a full fsync at every commit so an acknowledged write survives a crash.

use std::path::Path;

use anyhow::Context;
use sqlx::Executor;

use super::{pool_options, Backend, Store};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

pub async fn connect(path: &Path) -> anyhow::Result<Store> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let options = || {
        pool_options().after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
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
    })
}
