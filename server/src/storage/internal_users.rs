use super::Conn;
use crate::domain::internal_user::Role;
use crate::error::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InternalUserRow {
    pub seq: i64,
    pub id: String,
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub is_client_access_limited: i64,
    pub fallback_color: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Signs the user's invitation link; accepting it bumps the version.
    pub invite_version: i64,
    /// When the invitation link expires; `None` once it was used.
    pub invite_expires_at: Option<i64>,
    /// The picture the user chose for their profile.
    pub avatar_image_url: Option<String>,
}

const COLUMNS: &str =
    "seq, id, given_name, family_name, email, role, is_client_access_limited, fallback_color, \
    created_at, updated_at, invite_version, invite_expires_at, avatar_image_url";

pub struct NewInternalUser<'a> {
    pub id: &'a str,
    pub given_name: &'a str,
    pub family_name: &'a str,
    pub email: &'a str,
    pub role: Role,
    pub is_client_access_limited: bool,
    pub password_hash: Option<&'a str>,
    pub fallback_color: &'a str,
    /// When the invitation link expires, for users invited to choose a password.
    pub invite_expires_at: Option<i64>,
    pub now: i64,
}

pub async fn insert(conn: &mut Conn, user: &NewInternalUser<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO internal_users (id, given_name, family_name, email, role, is_client_access_limited, \
         password_hash, fallback_color, invite_expires_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
    )
    .bind(user.id)
    .bind(user.given_name)
    .bind(user.family_name)
    .bind(user.email)
    .bind(user.role.as_str())
    .bind(super::flag(user.is_client_access_limited))
    .bind(user.password_hash)
    .bind(user.fallback_color)
    .bind(user.invite_expires_at)
    .bind(user.now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<InternalUserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM internal_users WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// A live API key and the internal user it acts as.
#[derive(Debug, sqlx::FromRow)]
pub struct ApiKeyUser {
    pub key_hash: String,
    pub key_id: String,
    pub read_only: i64,
    pub send_as_others: i64,
    pub last_used_at: Option<i64>,
    #[sqlx(flatten)]
    pub user: InternalUserRow,
}

/// The internal users the given API keys act as, found with their keys in
/// one query per `ROWS_PER_STATEMENT` keys; unknown keys and keys expired at
/// `now` are left out.
pub async fn by_api_keys(
    conn: &mut Conn,
    key_hashes: &[&str],
    now: i64,
) -> Result<Vec<ApiKeyUser>> {
    let columns = COLUMNS
        .split(", ")
        .map(|column| format!("u.{column}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut found = Vec::with_capacity(key_hashes.len());
    for slice in key_hashes.chunks(super::ROWS_PER_STATEMENT) {
        let sql = format!(
            "SELECT k.key_hash, k.id AS key_id, k.read_only, k.send_as_others, k.last_used_at, {columns} \
             FROM api_keys k JOIN internal_users u ON u.id = k.internal_user_id \
             WHERE (k.expires_at IS NULL OR k.expires_at > $1) AND k.key_hash IN ({})",
            super::placeholders(2, slice.len())
        );
        let mut query = sqlx::query_as(&sql).bind(now);
        for hash in slice {
            query = query.bind(*hash);
        }
        found.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(found)
}

/// The user and their password hash, for signing in.
pub async fn by_email(conn: &mut Conn, email: &str) -> Result<Option<(String, Option<String>)>> {
    Ok(
        sqlx::query_as("SELECT id, password_hash FROM internal_users WHERE email = $1")
            .bind(email)
            .fetch_optional(conn)
            .await?,
    )
}

/// The owner: the first admin ever made, who also signs welcome messages.
pub async fn owner(conn: &mut Conn) -> Result<Option<InternalUserRow>> {
    let sql =
        format!("SELECT {COLUMNS} FROM internal_users WHERE role = 'admin' ORDER BY seq LIMIT 1");
    Ok(sqlx::query_as(&sql).fetch_optional(conn).await?)
}

pub async fn list(conn: &mut Conn, after: i64, limit: u32) -> Result<Vec<InternalUserRow>> {
    let sql = format!("SELECT {COLUMNS} FROM internal_users WHERE seq > $1 ORDER BY seq LIMIT $2");
    Ok(sqlx::query_as(&sql)
        .bind(after)
        .bind(i64::from(limit) + 1)
        .fetch_all(conn)
        .await?)
}

pub async fn company_access(conn: &mut Conn, user_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT company_id FROM internal_user_company_access WHERE user_id = $1 ORDER BY company_id",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn set_company_access(
    conn: &mut Conn,
    user_id: &str,
    company_ids: &[String],
) -> Result<()> {
    sqlx::query("DELETE FROM internal_user_company_access WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for company_id in company_ids {
        sqlx::query(
            "INSERT INTO internal_user_company_access (user_id, company_id) VALUES ($1, $2)",
        )
        .bind(user_id)
        .bind(company_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn update(conn: &mut Conn, row: &InternalUserRow) -> Result<()> {
    sqlx::query(
        "UPDATE internal_users SET given_name = $1, family_name = $2, role = $3, \
         is_client_access_limited = $4, avatar_image_url = $5, updated_at = $6 WHERE id = $7",
    )
    .bind(&row.given_name)
    .bind(&row.family_name)
    .bind(row.role.as_str())
    .bind(row.is_client_access_limited)
    .bind(&row.avatar_image_url)
    .bind(row.updated_at)
    .bind(&row.id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Issues a new invitation link: voids the old one, expires at `expires_at`.
pub async fn reinvite(conn: &mut Conn, id: &str, expires_at: i64) -> Result<()> {
    sqlx::query(
        "UPDATE internal_users SET invite_version = invite_version + 1, invite_expires_at = $1 WHERE id = $2",
    )
    .bind(expires_at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every admin's id, oldest first.
pub async fn admin_ids(conn: &mut Conn) -> Result<Vec<String>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM internal_users WHERE role = 'admin' ORDER BY seq")
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

pub async fn count_admins(conn: &mut Conn) -> Result<i64> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM internal_users WHERE role = 'admin'")
            .fetch_one(conn)
            .await?;
    Ok(count)
}

pub async fn delete(conn: &mut Conn, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM internal_users WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
