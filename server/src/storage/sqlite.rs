//! The embedded SQLite backend: one file in the data directory, WAL journal,
//! and an fsync of the WAL before any commit is acknowledged, so an
//! acknowledged write survives a crash. The fsync is shared by every
//! transaction that committed while the previous one ran (group commit,
//! `crate::batching::group_commit`), rather than made inside each COMMIT
//! (`synchronous = FULL`), which held the single write connection for the
//! length of an fsync per transaction.

use std::path::{Path, PathBuf};

use anyhow::Context;
use sqlx::Executor;

use super::{pool_options, Backend, Store};
use crate::batching::group_commit;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

pub async fn connect(path: &Path) -> anyhow::Result<Store> {
    if let Some(dir) = path.parent() {
        crate::private_files::create_dir_all(dir)
            .with_context(|| format!("creating {}", dir.display()))?;
    }
    crate::private_files::touch(path).with_context(|| format!("creating {}", path.display()))?;
    // Held, shared, for as long as the store is open: a restore takes it
    // alone, so it never swaps the file under a running server.
    let lock = lock_file(path)?;
    lock.lock_shared()
        .with_context(|| format!("locking {}", lock_path(path).display()))?;
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
        lock: std::sync::Arc::new(std::sync::Mutex::new(Some(lock))),
    })
}

fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn lock_file(db: &Path) -> anyhow::Result<std::fs::File> {
    let path = lock_path(db);
    crate::private_files::touch(&path).with_context(|| format!("creating {}", path.display()))?;
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))
}

/// A consistent copy of the open database in a new file (`VACUUM INTO`),
/// made while the server keeps serving: it reads one snapshot.
pub async fn backup(store: &Store, to: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(
        !to.exists(),
        "{} exists already; name a new file",
        to.display()
    );
    sqlx::query("VACUUM INTO $1")
        .bind(to.to_string_lossy().into_owned())
        .execute(&store.read)
        .await
        .with_context(|| format!("writing the backup {}", to.display()))?;
    Ok(())
}

/// Puts the backup `from` in place of the database at `db`, which must not
/// be open anywhere. Returns where the replaced database (with its WAL) was
/// kept, if there was one.
pub async fn restore(db: &Path, from: &Path) -> anyhow::Result<Option<PathBuf>> {
    check_backup(from).await?;
    let lock = lock_file(db)?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
            "Parlor has {} open (a running server or another admin command): stop it first",
            db.display()
        ),
        Err(std::fs::TryLockError::Error(err)) => {
            return Err(err).with_context(|| format!("locking {}", lock_path(db).display()))
        }
    }
    let with_suffix = |path: &Path, suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let kept = if db.exists() {
        // The database and its WAL move together, so the kept copy opens
        // with every commit it had.
        let kept = with_suffix(db, &format!(".replaced-{}", super::now_ms()));
        for suffix in ["", "-wal", "-shm"] {
            let file = with_suffix(db, suffix);
            if file.exists() {
                std::fs::rename(&file, with_suffix(&kept, suffix))
                    .with_context(|| format!("keeping {}", file.display()))?;
            }
        }
        Some(kept)
    } else {
        None
    };
    let incoming = with_suffix(db, ".restoring");
    std::fs::copy(from, &incoming).with_context(|| format!("copying {}", from.display()))?;
    std::fs::File::open(&incoming)?.sync_all()?;
    std::fs::rename(&incoming, db).with_context(|| format!("putting {} in place", db.display()))?;
    if let Some(dir) = db.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    drop(lock);
    Ok(kept)
}

/// Whether a file is a sound Parlor database.
async fn check_backup(from: &Path) -> anyhow::Result<()> {
    use sqlx::ConnectOptions;
    anyhow::ensure!(from.is_file(), "{} is not a file", from.display());
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(from)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("{} is not a SQLite database", from.display()))?;
    let (integrity,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .with_context(|| format!("{} is not a SQLite database", from.display()))?;
    anyhow::ensure!(
        integrity == "ok",
        "{} is damaged: {integrity}",
        from.display()
    );
    let parlor: Result<(i64,), _> = sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(&mut conn)
        .await;
    anyhow::ensure!(
        parlor.is_ok_and(|(applied,)| applied > 0),
        "{} is not a Parlor database",
        from.display()
    );
    Ok(())
}
