//! A fresh PostgreSQL database for one run, dropped afterwards.

use std::collections::HashMap;

use sqlx::{Connection, PgConnection};

pub struct Database {
    admin_url: String,
    name: String,
    pub url: String,
}

impl Database {
    /// Creates `parlor_bench_<pid>` on the server at `server_url`
    /// (postgres://user@host:port, with or without a database name).
    pub async fn create(server_url: &str) -> anyhow::Result<Database> {
        Database::create_as(server_url, "parlor_bench", "").await
    }

    /// Creates `synapse_bench_<pid>` as Synapse's PostgreSQL guide asks:
    /// UTF-8 and the C locale (Synapse refuses any other collation).
    pub async fn create_for_synapse(server_url: &str) -> anyhow::Result<Database> {
        Database::create_as(
            server_url,
            "synapse_bench",
            "ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0",
        )
        .await
    }

    async fn create_as(server_url: &str, prefix: &str, options: &str) -> anyhow::Result<Database> {
        let root = server_root(server_url);
        let admin_url = format!("{root}/postgres");
        let name = format!("{prefix}_{}", std::process::id());
        let mut conn = PgConnection::connect(&admin_url).await?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await?;
        sqlx::query(&format!("CREATE DATABASE {name} {options}"))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        Ok(Database {
            url: format!("{root}/{name}"),
            admin_url,
            name,
        })
    }

    pub async fn drop_it(self) -> anyhow::Result<()> {
        let mut conn = PgConnection::connect(&self.admin_url).await?;
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut conn)
        .await?;
        conn.close().await?;
        Ok(())
    }
}

/// What PostgreSQL did while a scenario ran: how many transactions it
/// committed, and how many of its sessions waited on a lock, on average.
pub struct Contention {
    pub commits: i64,
    pub lock_waiters: f64,
}

impl Database {
    /// Watches the database until `done` completes, sampling lock waits
    /// every 10 ms; what it saw.
    pub async fn watch(
        &self,
        done: impl std::future::Future<Output = ()>,
    ) -> anyhow::Result<Contention> {
        let mut conn = PgConnection::connect(&self.url).await?;
        let before = commits(&mut conn).await?;
        let (mut samples, mut waiting) = (0u64, 0i64);
        tokio::pin!(done);
        loop {
            tokio::select! {
                () = &mut done => break,
                () = tokio::time::sleep(std::time::Duration::from_millis(10)) => {
                    let waiters: i64 = sqlx::query_scalar(
                        "SELECT count(*) FROM pg_stat_activity \
                         WHERE datname = current_database() AND wait_event_type = 'Lock'",
                    )
                    .fetch_one(&mut conn)
                    .await?;
                    samples += 1;
                    waiting += waiters;
                }
            }
        }
        // The statistics reach pg_stat_database a moment after the commits.
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        sqlx::query("SELECT pg_stat_clear_snapshot()")
            .execute(&mut conn)
            .await?;
        let after = commits(&mut conn).await?;
        conn.close().await?;
        Ok(Contention {
            // Less the watcher's own samples (each its own transaction).
            commits: (after - before - samples as i64 - 2).max(0),
            lock_waiters: waiting as f64 / samples.max(1) as f64,
        })
    }
}

async fn commits(conn: &mut PgConnection) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
    )
    .fetch_one(conn)
    .await
}

/// `postgres://user@host:port` from a URL that may name a database.
fn server_root(url: &str) -> String {
    let url = url.trim_end_matches('/');
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('/') {
            Some((authority, _)) => format!("{scheme}://{authority}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// The CPU seconds used so far by each PostgreSQL backend serving the
/// database at `url` (PostgreSQL runs on this machine), by process id; the
/// session asking is left out. Backends are a server's pooled connections,
/// so the same ones serve a whole run.
pub async fn backend_cpu_seconds(url: &str) -> anyhow::Result<HashMap<u32, f64>> {
    let mut conn = PgConnection::connect(url).await?;
    let pids: Vec<i32> = sqlx::query_scalar(
        "SELECT pid FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .fetch_all(&mut conn)
    .await?;
    conn.close().await?;
    Ok(pids
        .into_iter()
        .filter_map(|pid| {
            let pid = u32::try_from(pid).ok()?;
            // A backend that has exited since the query has nothing to add.
            Some((pid, crate::server::cpu_seconds(pid).ok()?))
        })
        .collect())
}
