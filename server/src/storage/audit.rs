//! The audit log: entries are inserted and read, never changed or deleted
//! (the database's triggers refuse both; see migrations/*/0022).

use super::Conn;
use crate::error::Result;

const COLUMNS: &str = "seq, id, action, actor_type, actor_id, actor_name, target_type, target_id, \
     target_name, via, ip_address, user_agent, details, created_at";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub id: String,
    pub action: String,
    pub actor_type: String,
    pub actor_id: Option<String>,
    pub actor_name: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    pub via: String,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    /// A JSON object.
    pub details: String,
    pub created_at: i64,
}

pub async fn insert(conn: &mut Conn, row: &AuditRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_events (id, action, actor_type, actor_id, actor_name, target_type, \
         target_id, target_name, via, ip_address, user_agent, details, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(&row.id)
    .bind(&row.action)
    .bind(&row.actor_type)
    .bind(&row.actor_id)
    .bind(&row.actor_name)
    .bind(&row.target_type)
    .bind(&row.target_id)
    .bind(&row.target_name)
    .bind(&row.via)
    .bind(&row.ip_address)
    .bind(&row.user_agent)
    .bind(&row.details)
    .bind(row.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Which entries a list holds; `None` is no condition.
#[derive(Debug, Default)]
pub struct AuditFilter<'a> {
    pub action: Option<&'a str>,
    pub actor_id: Option<&'a str>,
    pub target_id: Option<&'a str>,
    /// At or after, in milliseconds.
    pub since: Option<i64>,
    /// Before, in milliseconds.
    pub until: Option<i64>,
}

/// Newest first: entries below `before`, at most `limit + 1`. Only the
/// conditions asked for are in the statement, so each can use its index.
pub async fn list(
    conn: &mut Conn,
    filter: &AuditFilter<'_>,
    before: i64,
    limit: u32,
) -> Result<Vec<AuditRow>> {
    let mut conditions = vec!["seq < $1".to_string()];
    let texts = [
        ("action", filter.action),
        ("actor_id", filter.actor_id),
        ("target_id", filter.target_id),
    ];
    let texts: Vec<(&str, &str)> = texts
        .into_iter()
        .filter_map(|(column, value)| value.map(|v| (column, v)))
        .collect();
    let moments: Vec<(&str, i64)> = [(">=", filter.since), ("<", filter.until)]
        .into_iter()
        .filter_map(|(op, value)| value.map(|v| (op, v)))
        .collect();
    let mut next = 2;
    for (column, _) in &texts {
        conditions.push(format!("{column} = ${next}"));
        next += 1;
    }
    for (op, _) in &moments {
        conditions.push(format!("created_at {op} ${next}"));
        next += 1;
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_events WHERE {} ORDER BY seq DESC LIMIT ${next}",
        conditions.join(" AND ")
    );
    let mut query = sqlx::query_as(&sql).bind(before);
    for (_, value) in texts {
        query = query.bind(value);
    }
    for (_, value) in moments {
        query = query.bind(value);
    }
    Ok(query.bind(i64::from(limit) + 1).fetch_all(conn).await?)
}

pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<AuditRow>> {
    let sql = format!("SELECT {COLUMNS} FROM audit_events WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// The name an actor or target goes by now, to keep with an entry: a
/// person's full name, a company's or an API key's name.
pub async fn name_of(conn: &mut Conn, kind: &str, id: &str) -> Result<Option<String>> {
    let sql = match kind {
        "internalUser" => {
            "SELECT given_name || ' ' || family_name FROM internal_users WHERE id = $1"
        }
        "client" => "SELECT given_name || ' ' || family_name FROM clients WHERE id = $1",
        "company" => "SELECT name FROM companies WHERE id = $1",
        "apiKey" => "SELECT name FROM api_keys WHERE id = $1",
        _ => return Ok(None),
    };
    Ok(sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(conn)
        .await?)
}
