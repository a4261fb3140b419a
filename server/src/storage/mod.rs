//! Storage: one interface over two real backends, SQLite and PostgreSQL.
//!
//! Both run through sqlx's `Any` driver, so every query outside the backend
//! modules is written once in SQL both understand (`$n` parameters, `RETURNING`,
//! partial indexes, integer flags and millisecond timestamps). What differs —
//! connecting, durability settings, migrations, how a write transaction
//! starts — lives in `sqlite.rs` and `postgres.rs`; `sends.rs` also runs a
//! batch of messages' transaction differently on each (two round trips to
//! SQLite's thread, each of several statements).

pub mod api_keys;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod channels;
pub mod client_reads;
pub mod clients;
pub mod companies;
pub mod digests;
pub mod events;
pub mod internal_users;
pub mod leases;
pub mod message_versions;
pub mod messages;
pub mod notifications;
pub mod outbox;
mod postgres;
pub mod rate_limits;
pub mod reactions;
pub mod reply_addresses;
pub mod retention;
pub mod saved_replies;
pub mod scheduled;
pub mod search;
pub mod sends;
pub mod sign_in_limits;
mod sqlite;
pub mod webhooks;
pub mod workspace;

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Transaction};

use crate::batching::group_commit;
use crate::config::DatabaseLocation;
use crate::error::{Error, Result};

/// A read-write transaction. Use it wherever a connection is wanted (it
/// derefs to one); `commit` returns once the transaction is durable.
pub struct Tx {
    inner: Transaction<'static, Any>,
    backend: Backend,
    group_commit: Option<Arc<group_commit::Syncer>>,
}

impl Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.inner
    }
}

impl Tx {
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Commits, and on SQLite waits for the group fsync that makes the
    /// commit durable (see `crate::batching::group_commit`).
    pub async fn commit(self) -> Result<()> {
        self.inner.commit().await?;
        Committed {
            group_commit: self.group_commit,
        }
        .durable()
        .await
    }

    pub async fn rollback(self) -> Result<()> {
        self.inner.rollback().await?;
        Ok(())
    }
}

/// The write connection, for a transaction begun and ended with plain SQL
/// rather than sqlx's `Transaction` (`sends::SendTx`).
pub struct WriteConn {
    conn: sqlx::pool::PoolConnection<Any>,
    backend: Backend,
    group_commit: Option<Arc<group_commit::Syncer>>,
    /// False once a transaction may have been left open on it.
    reusable: bool,
}

impl WriteConn {
    /// Whether the connection may start another transaction; if not, drop
    /// it (it is closed, and the pool opens a new one).
    pub fn is_reusable(&self) -> bool {
        self.reusable
    }

    fn close_on_drop(&mut self) {
        self.reusable = false;
        self.conn.close_on_drop();
    }
}

/// A transaction that has committed: others see it, and `durable` says
/// when a crash can no longer undo it.
pub struct Committed {
    group_commit: Option<Arc<group_commit::Syncer>>,
}

impl Committed {
    pub async fn durable(self) -> Result<()> {
        if let Some(syncer) = self.group_commit {
            syncer.wait().await.map_err(anyhow::Error::from)?;
        }
        Ok(())
    }
}

pub type Conn = sqlx::AnyConnection;

/// A statement with its values bound, for helpers that bind part of one.
pub(crate) type Query<'q> = sqlx::query::Query<'q, Any, sqlx::any::AnyArguments<'q>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database handle shared by the whole server.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// Writes go through here. On SQLite it holds one connection, so writers
    /// queue in the process instead of fighting over the file lock.
    write: AnyPool,
    /// Reads go through here; on PostgreSQL it is the same pool as `write`.
    read: AnyPool,
    /// SQLite: the fsync that makes commits durable, shared by all
    /// transactions that commit while one runs. PostgreSQL does its own.
    group_commit: Option<Arc<group_commit::Syncer>>,
    /// SQLite: the database's lock file, held shared until `close`.
    lock: Arc<std::sync::Mutex<Option<std::fs::File>>>,
}

impl Store {
    /// Connects and runs the backend's migrations.
    pub async fn connect(location: &DatabaseLocation) -> anyhow::Result<Store> {
        sqlx::any::install_default_drivers();
        let store = match location {
            DatabaseLocation::Sqlite(path) => sqlite::connect(path).await?,
            DatabaseLocation::Postgres(url) => postgres::connect(url).await?,
        };
        Ok(store)
    }

    /// A consistent copy of the database in a new file, while it serves.
    pub async fn backup(&self, to: &std::path::Path) -> anyhow::Result<()> {
        match self.backend {
            Backend::Sqlite => sqlite::backup(self, to).await,
            Backend::Postgres => anyhow::bail!(
                "a PostgreSQL database is backed up with pg_dump (see docs/deploy.md); \
                 `parlor admin backup` copies the embedded SQLite database"
            ),
        }
    }

    /// Puts a backup in place of the SQLite database at `location`, which
    /// must not be open; returns where the replaced one was kept.
    pub async fn restore(
        location: &DatabaseLocation,
        from: &std::path::Path,
    ) -> anyhow::Result<Option<std::path::PathBuf>> {
        match location {
            DatabaseLocation::Sqlite(path) => sqlite::restore(path, from).await,
            DatabaseLocation::Postgres(_) => anyhow::bail!(
                "a PostgreSQL database is restored with pg_restore (see docs/deploy.md)"
            ),
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a read-write transaction.
    pub async fn begin(&self) -> Result<Tx> {
        let inner = match self.backend {
            // IMMEDIATE takes the write lock up front: a deferred transaction
            // that reads first and then writes can fail with SQLITE_BUSY.
            Backend::Sqlite => self.write.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.write.begin().await?,
        };
        Ok(Tx {
            inner,
            backend: self.backend,
            group_commit: self.group_commit.clone(),
        })
    }

    /// The write connection, until the holder drops it; other writers wait
    /// for it meanwhile.
    pub async fn write_conn(&self) -> Result<WriteConn> {
        Ok(WriteConn {
            conn: self.write.acquire().await?,
            backend: self.backend,
            group_commit: self.group_commit.clone(),
            reusable: true,
        })
    }

    /// A connection for reads that need no transaction.
    pub async fn reader(&self) -> Result<sqlx::pool::PoolConnection<Any>> {
        Ok(self.read.acquire().await?)
    }

    /// The connections this store holds open: idle, and in use (on SQLite,
    /// the write connection and the readers together).
    pub fn pool_use(&self) -> PoolUse {
        let pools: &[&AnyPool] = match self.backend {
            Backend::Sqlite => &[&self.write, &self.read],
            // One pool serves both.
            Backend::Postgres => &[&self.write],
        };
        pools.iter().fold(PoolUse::default(), |total, pool| {
            let idle = pool.num_idle();
            PoolUse {
                idle: total.idle + idle,
                in_use: total.in_use + (pool.size() as usize).saturating_sub(idle),
            }
        })
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
        // Closing the file lets the lock go: a restore may run now.
        self.lock.lock().unwrap_or_else(|e| e.into_inner()).take();
    }
}

/// How many of a store's database connections are idle and in use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolUse {
    pub idle: usize,
    pub in_use: usize,
}

fn pool_options() -> AnyPoolOptions {
    AnyPoolOptions::new().acquire_timeout(std::time::Duration::from_secs(30))
}

/// Multi-row statements take at most this many rows, well inside both
/// backends' limits on bound parameters (SQLite 32,766, PostgreSQL 65,535).
pub(crate) const ROWS_PER_STATEMENT: usize = 256;

/// `$first, $first+1, …` for `count` values.
pub(crate) fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Milliseconds since the Unix epoch, the unit of every stored timestamp.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// Turns a boolean into the stored 0/1 flag.
pub fn flag(value: bool) -> i64 {
    i64::from(value)
}

/// Maps "no row" to a typed not-found error for the named resource.
pub fn found<T>(row: Option<T>, what: &'static str) -> Result<T> {
    row.ok_or(Error::NotFound(what))
}
