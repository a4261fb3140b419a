//! A large workspace written straight into a fresh database (SQLite or
//! PostgreSQL, through sqlx's `Any` driver as the server itself uses).
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

use parlor::domain::{fallback_color, new_id};
use sqlx::any::AnyArguments;
use sqlx::{Any, AnyConnection, Connection};

type Query<'q> = sqlx::query::Query<'q, Any, AnyArguments<'q>>;

/// A real company with its company channel.
pub struct Group {
    pub company_id: String,
    pub channel_id: String,
    pub clients: Vec<String>,
}

/// Who is where: every client has an individual channel; some are also in
/// a real company with a company channel; staff, if any, see everything.
pub struct Layout {
    /// The real companies, the largest first.
    pub companies: Vec<Group>,
    /// (client id, its individual channel id), for every client.
    pub individual: Vec<(String, String)>,
    /// Staff with full access (admins), each with a session of their own.
    pub staff: Vec<String>,
}

impl Layout {
    /// The stress layout: half the clients (at most 5,000) in one big
    /// company, a quarter over ten medium companies, the rest only in their
    /// own placeholder company; no staff.
    pub fn plan(clients: usize) -> Layout {
        let big_size = (clients / 2).min(5000);
        let medium_size = (clients / 4) / 10;
        let mut sizes = vec![big_size];
        sizes.extend([medium_size; 10]);
        Layout::of(clients, &sizes, 0)
    }

    /// What a client portal looks like: half the clients on their own, the
    /// other half in companies of 2 to 20 (every size in turn), and `staff`
    /// admins, who see every channel.
    pub fn portal(clients: usize, staff: usize) -> Layout {
        let mut sizes = Vec::new();
        let mut placed = 0;
        for size in (2..=20).cycle() {
            if placed + size > clients / 2 {
                break;
            }
            sizes.push(size);
            placed += size;
        }
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        Layout::of(clients, &sizes, staff)
    }

    fn of(clients: usize, company_sizes: &[usize], staff: usize) -> Layout {
        let companies: Vec<Group> = company_sizes
            .iter()
            .map(|&size| Group {
                company_id: new_id(),
                channel_id: new_id(),
                clients: (0..size).map(|_| new_id()).collect(),
            })
            .collect();
        let mut all: Vec<String> = companies
            .iter()
            .flat_map(|g| g.clients.iter().cloned())
            .collect();
        while all.len() < clients {
            all.push(new_id());
        }
        Layout {
            companies,
            individual: all.into_iter().map(|c| (c, new_id())).collect(),
            staff: (0..staff).map(|_| new_id()).collect(),
        }
    }

    /// The biggest company.
    pub fn big(&self) -> &Group {
        &self.companies[0]
    }

    pub fn channel_count(&self) -> usize {
        self.individual.len() + self.companies.len()
    }
}

/// Writes `layout` and `messages` messages into the database at `url`.
pub async fn seed(url: &str, layout: &Layout, messages: usize) -> anyhow::Result<()> {
    sqlx::any::install_default_drivers();
    let mut conn = AnyConnection::connect(url).await?;
    let sqlite = url.starts_with("sqlite:");
    if sqlite {
        // Nothing to lose if the machine dies while seeding: it starts over.
        for pragma in [
            "PRAGMA synchronous = OFF",
            "PRAGMA cache_size = -262144",
            "PRAGMA foreign_keys = ON",
        ] {
            sqlx::query(pragma).execute(&mut conn).await?;
        }
    } else {
        // A bulk load builds the search index once, at the end, as
        // PostgreSQL's documentation advises, rather than row by row.
        sqlx::query("DROP INDEX messages_search")
            .execute(&mut conn)
            .await?;
    }
    let (owner,): (String,) = sqlx::query_as("SELECT id FROM internal_users ORDER BY seq LIMIT 1")
        .fetch_one(&mut conn)
        .await?;
    let start = parlor::storage::now_ms() - 400 * 24 * 3600 * 1000;
    let mut tx = conn.begin().await?;

    // Companies: the real ones, then a placeholder for each client in none.
    let in_real: std::collections::HashSet<&str> = layout
        .companies
        .iter()
        .flat_map(|g| g.clients.iter().map(String::as_str))
        .collect();
    let mut companies: Vec<(String, String, bool, Vec<&str>)> = Vec::new();
    for (i, g) in layout.companies.iter().enumerate() {
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
        insert(
            &mut tx,
            "companies (id, name, fallback_color, is_placeholder, created_at, updated_at)",
            chunk,
            |q, (id, name, placeholder, _)| {
                q.bind(id.to_string())
                    .bind(name.to_string())
                    .bind(fallback_color(id))
                    .bind(i64::from(*placeholder))
                    .bind(start)
                    .bind(start)
            },
        )
        .await?;
    }

    let numbered: Vec<(usize, &str)> = layout
        .individual
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (i, id.as_str()))
        .collect();
    for chunk in numbered.chunks(2000) {
        insert(
            &mut tx,
            "clients (id, given_name, family_name, email, status, fallback_color, \
             first_login_at, last_login_at, created_at, updated_at)",
            chunk,
            |q, (i, id)| {
                q.bind(id.to_string())
                    .bind(format!("Client{i}"))
                    .bind("Bench")
                    .bind(format!("c{i}@bench.test"))
                    .bind("active")
                    .bind(fallback_color(id))
                    .bind(start)
                    .bind(start)
                    .bind(start)
                    .bind(start)
            },
        )
        .await?;
    }
    // A session for each client, which their sockets are opened with.
    for chunk in numbered.chunks(2000) {
        insert_sessions(&mut tx, chunk, "client", start).await?;
    }
    // Staff with full access, each with a session for their socket.
    let staff: Vec<(usize, &str)> = layout
        .staff
        .iter()
        .map(String::as_str)
        .enumerate()
        .collect();
    for chunk in staff.chunks(2000) {
        insert(
            &mut tx,
            "internal_users (id, given_name, family_name, email, role, \
             fallback_color, created_at, updated_at)",
            chunk,
            |q, (i, id)| {
                q.bind(id.to_string())
                    .bind(format!("Staff{i}"))
                    .bind("Bench")
                    .bind(format!("s{i}@bench.test"))
                    .bind("admin")
                    .bind(fallback_color(id))
                    .bind(start)
                    .bind(start)
            },
        )
        .await?;
        insert_sessions(&mut tx, chunk, "internalUser", start).await?;
    }
    // And one that searches with a cookie, as a client of the big company.
    if let Some(searcher) = layout.big().clients.first() {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, user_type, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, 'client', 'bench', $3, $4)",
        )
        .bind(parlor::auth::tokens::digest(crate::search::CLIENT_COOKIE))
        .bind(searcher.as_str())
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
        insert(
            &mut tx,
            "client_companies (client_id, company_id, position)",
            chunk,
            |q, (client, company)| {
                q.bind(client.to_string())
                    .bind(company.to_string())
                    .bind(0i64)
            },
        )
        .await?;
    }

    // Channels: company channels first, then one individual channel each.
    let mut channels: Vec<(&str, &str, Option<&str>, Option<&str>)> = Vec::new();
    for g in &layout.companies {
        channels.push((&g.channel_id, "company", None, Some(&g.company_id)));
    }
    for (client, channel) in &layout.individual {
        channels.push((channel, "individual", Some(client), None));
    }
    for chunk in channels.chunks(2000) {
        insert(
            &mut tx,
            "channels (id, membership_type, client_id, company_id, last_message_at, created_at, updated_at)",
            chunk,
            |q, (id, kind, client, company)| {
                q.bind(id.to_string())
                    .bind(kind.to_string())
                    .bind(client.map(str::to_string))
                    .bind(company.map(str::to_string))
                    .bind(start)
                    .bind(start)
                    .bind(start)
            },
        )
        .await?;
    }

    // Messages: 10% in the biggest company's channel, 20% over the other
    // companies', the rest spread over the individual channels; every other
    // message is from a client of the channel, the others from the owner.
    let mut plan: Vec<(&str, &[String], usize)> = Vec::new();
    let (big, others) = layout.companies.split_first().expect("a company");
    let big_share = messages / 10;
    plan.push((&big.channel_id, &big.clients, big_share));
    let medium_share = messages / 5 / others.len().max(1);
    for g in others {
        plan.push((&g.channel_id, &g.clients, medium_share));
    }
    let rest = messages - big_share - medium_share * others.len();
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
                .bind(channel.to_string())
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    let finish: &[&str] = if sqlite {
        &["PRAGMA wal_checkpoint(TRUNCATE)"]
    } else {
        &[
            "CREATE INDEX messages_search ON messages USING gin (search)",
            "ANALYZE",
        ]
    };
    for statement in finish {
        sqlx::query(statement).execute(&mut conn).await?;
    }
    conn.close().await?;
    Ok(())
}

/// `INSERT INTO {into} VALUES (…), (…)`, a row of placeholders per item,
/// each item's values bound by `bind` in the order of the columns.
async fn insert<T>(
    conn: &mut AnyConnection,
    into: &str,
    rows: &[T],
    bind: impl for<'q> Fn(Query<'q>, &T) -> Query<'q>,
) -> anyhow::Result<()> {
    let columns = into.matches(',').count() + 1;
    let mut sql = format!("INSERT INTO {into} VALUES ");
    for r in 0..rows.len() {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..columns {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", r * columns + c + 1));
        }
        sql.push(')');
    }
    let mut query = sqlx::query(&sql);
    for row in rows {
        query = bind(query, row);
    }
    query.execute(conn).await?;
    Ok(())
}

/// A session that never ends for each of `users` (numbered), stored under
/// the digest their sockets are opened with (`ws::session_digest`).
async fn insert_sessions(
    conn: &mut AnyConnection,
    users: &[(usize, &str)],
    user_type: &str,
    at: i64,
) -> anyhow::Result<()> {
    insert(
        conn,
        "sessions (token_hash, user_id, user_type, csrf_token, created_at, expires_at)",
        users,
        |q, (_, id)| {
            q.bind(crate::ws::session_digest(id))
                .bind(id.to_string())
                .bind(user_type.to_string())
                .bind("bench")
                .bind(at)
                .bind(i64::MAX)
        },
    )
    .await
}

async fn insert_messages(
    conn: &mut AnyConnection,
    batch: &[(String, &str, &str, &str, i64, String)],
) -> anyhow::Result<()> {
    insert(
        conn,
        "messages (id, channel_id, sender_id, sender_type, text, created_at, updated_at)",
        batch,
        |q, (id, channel, sender, kind, at, text)| {
            q.bind(id.to_string())
                .bind(channel.to_string())
                .bind(sender.to_string())
                .bind(kind.to_string())
                .bind(text.to_string())
                .bind(*at)
                .bind(*at)
        },
    )
    .await
}
