//! A large workspace written straight into a fresh SQLite file.
//!
//! The HTTP API cannot create a million messages inside the time budget
//! (every request is a durable commit), so the harness lets `parlor admin
//! init` create and migrate the database, then writes rows into the tables
//! those migrations made, in one transaction, before the server starts. The
//! rows are what the server itself would write (the search index too, by
//! the migrations' triggers): a placeholder company for each client without
//! a real one, an individual channel per client, one company channel per
//! real company, and messages with increasing `seq`, ids and timestamps,
//! words drawn as people use them (`words`), `last_message_at` set on their
//! channels. No events are written for the old messages: they are older
//! than any cursor a socket could resume from, as in a workspace that has
//! run for a while.

use std::path::Path;
use std::str::FromStr;

use parlor::domain::{fallback_color, new_id};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, QueryBuilder, Sqlite};

/// A real company with its company channel.
pub struct Group {
    pub company_id: String,
    pub channel_id: String,
    pub clients: Vec<String>,
}

/// Who is where: every client has an individual channel; some are also in
/// one big company, some in medium companies.
pub struct Layout {
    pub big: Group,
    pub medium: Vec<Group>,
    /// (client id, its individual channel id), for every client.
    pub individual: Vec<(String, String)>,
}

impl Layout {
    /// Plans `clients` clients: half (at most 5,000) in one big company, a
    /// quarter over ten medium companies, the rest only in their own
    /// placeholder company.
    pub fn plan(clients: usize) -> Layout {
        let big_size = (clients / 2).min(5000);
        let medium_size = (clients / 4) / 10;
        let group = |size: usize| Group {
            company_id: new_id(),
            channel_id: new_id(),
            clients: (0..size).map(|_| new_id()).collect(),
        };
        let big = group(big_size);
        let medium: Vec<Group> = (0..10).map(|_| group(medium_size)).collect();
        let mut all: Vec<String> = big.clients.clone();
        for m in &medium {
            all.extend(m.clients.iter().cloned());
        }
        while all.len() < clients {
            all.push(new_id());
        }
        let individual = all.into_iter().map(|c| (c, new_id())).collect();
        Layout {
            big,
            medium,
            individual,
        }
    }

    pub fn channel_count(&self) -> usize {
        self.individual.len() + 1 + self.medium.len()
    }
}

/// Writes `layout` and `messages` messages into the SQLite file at `path`.
pub async fn seed(path: &Path, layout: &Layout, messages: usize) -> anyhow::Result<()> {
    let mut conn = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .journal_mode(SqliteJournalMode::Wal)
        // Nothing to lose if the machine dies while seeding: it starts over.
        .synchronous(SqliteSynchronous::Off)
        .pragma("cache_size", "-262144")
        .foreign_keys(true)
        .connect()
        .await?;
    let (owner,): (String,) = sqlx::query_as("SELECT id FROM internal_users ORDER BY seq LIMIT 1")
        .fetch_one(&mut conn)
        .await?;
    let start = parlor::storage::now_ms() - 400 * 24 * 3600 * 1000;
    let mut tx = conn.begin().await?;

    // Companies: the real ones, then a placeholder for each client in none.
    let in_real: std::collections::HashSet<&str> = std::iter::once(&layout.big)
        .chain(&layout.medium)
        .flat_map(|g| g.clients.iter().map(String::as_str))
        .collect();
    let mut companies: Vec<(String, String, bool, Vec<&str>)> = Vec::new();
    for (i, g) in std::iter::once(&layout.big)
        .chain(&layout.medium)
        .enumerate()
    {
        companies.push((
            g.company_id.clone(),
            format!("Company {i}"),
            false,
            g.clients.iter().map(String::as_str).collect(),
        ));
    }
    for (client, _) in &layout.individual {
        if !in_real.contains(client.as_str()) {
            companies.push((new_id(), format!("Client {client}"), true, vec![client]));
        }
    }
    for chunk in companies.chunks(2000) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO companies (id, name, fallback_color, is_placeholder, created_at, updated_at) ",
        );
        q.push_values(chunk, |mut b, (id, name, placeholder, _)| {
            b.push_bind(id)
                .push_bind(name)
                .push_bind(fallback_color(id))
                .push_bind(i64::from(*placeholder))
                .push_bind(start)
                .push_bind(start);
        });
        q.build().execute(&mut *tx).await?;
    }

    for (n, chunk) in layout.individual.chunks(2000).enumerate() {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO clients (id, given_name, family_name, email, status, fallback_color, \
             first_login_at, last_login_at, created_at, updated_at) ",
        );
        q.push_values(chunk.iter().enumerate(), |mut b, (i, (id, _))| {
            let i = n * 2000 + i;
            b.push_bind(id)
                .push_bind(format!("Client{i}"))
                .push_bind("Bench")
                .push_bind(format!("c{i}@bench.test"))
                .push_bind("active")
                .push_bind(fallback_color(id))
                .push_bind(start)
                .push_bind(start)
                .push_bind(start)
                .push_bind(start);
        });
        q.build().execute(&mut *tx).await?;
    }
    // A session for each client, which their sockets are opened with.
    for chunk in layout.individual.chunks(2000) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO sessions (token_hash, user_id, user_type, csrf_token, created_at, expires_at) ",
        );
        q.push_values(chunk, |mut b, (id, _)| {
            b.push_bind(crate::ws::session_digest(id))
                .push_bind(id)
                .push_bind("client")
                .push_bind("bench")
                .push_bind(start)
                .push_bind(i64::MAX);
        });
        q.build().execute(&mut *tx).await?;
    }
    // And one that searches with a cookie, as a client of the big company.
    if let Some(searcher) = layout.big.clients.first() {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, user_type, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, 'client', 'bench', $3, $4)",
        )
        .bind(parlor::auth::tokens::digest(crate::search::CLIENT_COOKIE))
        .bind(searcher)
        .bind(start)
        .bind(i64::MAX)
        .execute(&mut *tx)
        .await?;
    }
    let memberships: Vec<(&str, &str)> = companies
        .iter()
        .flat_map(|(company, _, _, clients)| clients.iter().map(move |c| (*c, company.as_str())))
        .collect();
    for chunk in memberships.chunks(5000) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO client_companies (client_id, company_id, position) ",
        );
        q.push_values(chunk, |mut b, (client, company)| {
            b.push_bind(*client).push_bind(*company).push_bind(0i64);
        });
        q.build().execute(&mut *tx).await?;
    }

    // Channels: company channels first, then one individual channel each.
    let mut channels: Vec<(&str, &str, Option<&str>, Option<&str>)> = Vec::new();
    for g in std::iter::once(&layout.big).chain(&layout.medium) {
        channels.push((&g.channel_id, "company", None, Some(&g.company_id)));
    }
    for (client, channel) in &layout.individual {
        channels.push((channel, "individual", Some(client), None));
    }
    for chunk in channels.chunks(2000) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO channels (id, membership_type, client_id, company_id, last_message_at, created_at, updated_at) ",
        );
        q.push_values(chunk, |mut b, (id, kind, client, company)| {
            b.push_bind(*id)
                .push_bind(*kind)
                .push_bind(*client)
                .push_bind(*company)
                .push_bind(start)
                .push_bind(start)
                .push_bind(start);
        });
        q.build().execute(&mut *tx).await?;
    }

    // Messages: 10% in the big company channel, 20% over the medium ones,
    // the rest spread over the individual channels; every other message is
    // from a client of the channel, the others from the owner.
    let mut plan: Vec<(&str, &[String], usize)> = Vec::new();
    let big_share = messages / 10;
    plan.push((&layout.big.channel_id, &layout.big.clients, big_share));
    let medium_share = messages / 5 / layout.medium.len().max(1);
    for g in &layout.medium {
        plan.push((&g.channel_id, &g.clients, medium_share));
    }
    let rest = messages - big_share - medium_share * layout.medium.len();
    let per_individual = rest / layout.individual.len().max(1);
    let mut extra = rest - per_individual * layout.individual.len();
    for (client, channel) in &layout.individual {
        let n = per_individual + usize::from(extra > 0);
        extra = extra.saturating_sub(1);
        plan.push((channel, std::slice::from_ref(client), n));
    }
    // Interleave channels so seq order looks like a busy workspace.
    let total: usize = plan.iter().map(|p| p.2).sum();
    let mut cursors: Vec<usize> = vec![0; plan.len()];
    let mut batch: Vec<(String, &str, &str, &str, i64, String)> = Vec::with_capacity(1000);
    let mut words = crate::words::Zipf::new(2026);
    let mut written = 0usize;
    let mut last_at: Vec<i64> = vec![start; plan.len()];
    let step = (400 * 24 * 3600 * 1000) / total.max(1) as i64;
    while written < total {
        for (p, (channel, members, count)) in plan.iter().enumerate() {
            if cursors[p] >= *count {
                continue;
            }
            let i = cursors[p];
            cursors[p] += 1;
            let (sender, kind) = if i.is_multiple_of(2) || members.is_empty() {
                (owner.as_str(), "internalUser")
            } else {
                (members[i % members.len()].as_str(), "client")
            };
            let at = start + written as i64 * step;
            last_at[p] = at;
            batch.push((new_id(), channel, sender, kind, at, words.sentence()));
            written += 1;
            if batch.len() == 1000 {
                insert_messages(&mut tx, &batch).await?;
                batch.clear();
            }
        }
    }
    if !batch.is_empty() {
        insert_messages(&mut tx, &batch).await?;
    }
    for ((channel, _, count), at) in plan.iter().zip(&last_at) {
        if *count > 0 {
            sqlx::query("UPDATE channels SET last_message_at = $1 WHERE id = $2")
                .bind(at)
                .bind(*channel)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(())
}

async fn insert_messages(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    batch: &[(String, &str, &str, &str, i64, String)],
) -> anyhow::Result<()> {
    let mut q = QueryBuilder::<Sqlite>::new(
        "INSERT INTO messages (id, channel_id, sender_id, sender_type, text, created_at, updated_at) ",
    );
    q.push_values(batch, |mut b, (id, channel, sender, kind, at, text)| {
        b.push_bind(id.as_str())
            .push_bind(*channel)
            .push_bind(*sender)
            .push_bind(*kind)
            .push_bind(text.as_str())
            .push_bind(*at)
            .push_bind(*at);
    });
    q.build().execute(&mut **tx).await?;
    Ok(())
}
