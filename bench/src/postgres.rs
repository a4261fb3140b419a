//! A fresh PostgreSQL database for one run, dropped afterwards.

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
        let root = server_root(server_url);
        let admin_url = format!("{root}/postgres");
        let name = format!("parlor_bench_{}", std::process::id());
        let mut conn = PgConnection::connect(&admin_url).await?;
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
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
