//! The PostgreSQL backend, for deployments that outgrow one machine.

use anyhow::Context;

use super::{pool_options, Backend, Store};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

pub async fn connect(url: &str) -> anyhow::Result<Store> {
    let pool = pool_options()
        .max_connections(16)
        .connect(url)
        .await
        .context("connecting to PostgreSQL")?;
    MIGRATOR
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
