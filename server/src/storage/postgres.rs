//! The PostgreSQL backend, for deployments that outgrow one machine.

use anyhow::Context;

use super::{pool_options, Backend, Store};

pub async fn connect(url: &str) -> anyhow::Result<Store> {
    let pool = pool_options()
        .max_connections(16)
        .connect(url)
        .await
        .context("connecting to PostgreSQL")?;
    // Nodes are upgraded one at a time: a node of the release before must
    // still start on a database the new release has migrated (migrations
    // only add, docs/deploy.md), so migrations it does not know are fine.
    let mut migrator = sqlx::migrate!("./migrations/postgres");
    migrator.set_ignore_missing(true);
    migrator
        .run(&pool)
        .await
        .context("migrating the PostgreSQL database")?;
    Ok(Store {
        backend: Backend::Postgres,
        write: pool.clone(),
        read: pool,
        group_commit: None,
        lock: Default::default(),
    })
}
