use super::Conn;
use crate::authz::client_visible;
use crate::authz::Scope;
use crate::error::Result;

macro_rules! columns {
    () => {
        "cl.seq, cl.id, cl.given_name, cl.family_name, cl.email, cl.status, cl.fallback_color, \
         cl.invite_version, cl.invite_expires_at, cl.first_login_at, cl.last_login_at, cl.created_at, cl.updated_at, \
         cl.avatar_image_url"
    };
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClientRow {
    pub seq: i64,
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub status: String,
    pub fallback_color: String,
    pub invite_version: i64,
    pub invite_expires_at: Option<i64>,
    pub first_login_at: Option<i64>,
    pub last_login_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// The picture the client chose for their profile.
    pub avatar_image_url: Option<String>,
}

pub async fn insert(conn: &mut Conn, row: &ClientRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO clients (id, given_name, family_name, email, status, fallback_color, invite_version, \
         invite_expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&row.id)
    .bind(&row.given_name)
    .bind(&row.family_name)
    .bind(&row.email)
    .bind(&row.status)
    .bind(&row.fallback_color)
    .bind(row.invite_version)
    .bind(row.invite_expires_at)
    .bind(row.created_at)
    .bind(row.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<ClientRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM clients cl WHERE cl.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn get_visible(conn: &mut Conn, scope: &Scope, id: &str) -> Result<Option<ClientRow>> {
    let (kind, subject) = scope.params();
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM clients cl WHERE ",
        client_visible!(),
        " AND cl.id = $3"
    ))
    .bind(kind)
    .bind(subject)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

/// The client and their password hash, for signing in.
pub async fn by_email(conn: &mut Conn, email: &str) -> Result<Option<(String, Option<String>)>> {
    Ok(
        sqlx::query_as("SELECT id, password_hash FROM clients WHERE email = $1")
            .bind(email)
            .fetch_optional(conn)
            .await?,
    )
}

/// Is the address used by any client or internal user (other than `except_id`)?
pub async fn email_taken(conn: &mut Conn, email: &str, except_id: &str) -> Result<bool> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM clients WHERE email = $1 AND id <> $2 \
         UNION ALL SELECT id FROM internal_users WHERE email = $1 AND id <> $2",
    )
    .bind(email)
    .bind(except_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

pub struct ClientFilter<'a> {
    pub company_id: Option<&'a str>,
    pub email: Option<&'a str>,
    pub given_name: Option<&'a str>,
    pub family_name: Option<&'a str>,
}

pub async fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &ClientFilter<'_>,
    after: i64,
    limit: u32,
) -> Result<Vec<ClientRow>> {
    let (kind, subject) = scope.params();
    Ok(sqlx::query_as(concat!(
        "SELECT ", columns!(), " FROM clients cl WHERE ", client_visible!(),
        // A client may look up no one else by e-mail, nor learn which other
        // companies the people they see belong to.
        " AND ($3 IS NULL OR EXISTS (SELECT 1 FROM client_companies f WHERE f.client_id = cl.id AND f.company_id = $3 \
                AND ($1 <> 'client' OR EXISTS (SELECT 1 FROM client_companies g WHERE g.client_id = $2 AND g.company_id = $3)))) \
          AND ($4 IS NULL OR (cl.email = $4 AND ($1 <> 'client' OR cl.id = $2))) AND ($5 IS NULL OR cl.given_name = $5) \
          AND ($6 IS NULL OR cl.family_name = $6) AND cl.seq > $7 ORDER BY cl.seq LIMIT $8"
    ))
    .bind(kind)
    .bind(subject)
    .bind(filter.company_id)
    .bind(filter.email)
    .bind(filter.given_name)
    .bind(filter.family_name)
    .bind(after)
    .bind(i64::from(limit) + 1)
    .fetch_all(conn)
    .await?)
}

pub async fn company_ids(conn: &mut Conn, client_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT company_id FROM client_companies WHERE client_id = $1 ORDER BY position, company_id",
    )
    .bind(client_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn set_companies(conn: &mut Conn, client_id: &str, company_ids: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM client_companies WHERE client_id = $1")
        .bind(client_id)
        .execute(&mut *conn)
        .await?;
    for (position, company_id) in company_ids.iter().enumerate() {
        sqlx::query(
            "INSERT INTO client_companies (client_id, company_id, position) VALUES ($1, $2, $3)",
        )
        .bind(client_id)
        .bind(company_id)
        .bind(position as i64)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn update(conn: &mut Conn, row: &ClientRow) -> Result<()> {
    sqlx::query(
        "UPDATE clients SET given_name = $1, family_name = $2, status = $3, invite_version = $4, \
         invite_expires_at = $5, avatar_image_url = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(&row.given_name)
    .bind(&row.family_name)
    .bind(&row.status)
    .bind(row.invite_version)
    .bind(row.invite_expires_at)
    .bind(&row.avatar_image_url)
    .bind(row.updated_at)
    .bind(&row.id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets the password and activates the client; voids their invitation.
pub async fn activate(conn: &mut Conn, id: &str, password_hash: &str, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE clients SET password_hash = $1, status = 'active', invite_version = invite_version + 1, \
         invite_expires_at = NULL, first_login_at = COALESCE(first_login_at, $2), last_login_at = $2, \
         updated_at = $2 WHERE id = $3",
    )
    .bind(password_hash)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn record_login(conn: &mut Conn, id: &str, now: i64) -> Result<()> {
    sqlx::query("UPDATE clients SET first_login_at = COALESCE(first_login_at, $1), last_login_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM clients WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
