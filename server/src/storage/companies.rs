use super::Conn;
use crate::authz::company_visible;
use crate::authz::Scope;
use crate::error::Result;

macro_rules! columns {
    () => {
        "co.seq, co.id, co.name, co.fallback_color, co.icon_image_url, co.is_placeholder, co.created_at, co.updated_at"
    };
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CompanyRow {
    pub seq: i64,
    pub id: String,
    pub name: String,
    pub fallback_color: String,
    pub icon_image_url: Option<String>,
    pub is_placeholder: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn insert(conn: &mut Conn, row: &CompanyRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO companies (id, name, fallback_color, icon_image_url, is_placeholder, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&row.id)
    .bind(&row.name)
    .bind(&row.fallback_color)
    .bind(&row.icon_image_url)
    .bind(row.is_placeholder)
    .bind(row.created_at)
    .bind(row.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: &str) -> Result<Option<CompanyRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM companies co WHERE co.id = $1"
    ))
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub async fn get_visible(conn: &mut Conn, scope: &Scope, id: &str) -> Result<Option<CompanyRow>> {
    let (kind, subject) = scope.params();
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM companies co WHERE ",
        company_visible!(),
        " AND co.id = $3"
    ))
    .bind(kind)
    .bind(subject)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub struct CompanyFilter<'a> {
    pub name: Option<&'a str>,
    pub is_placeholder: Option<bool>,
}

pub async fn list(
    conn: &mut Conn,
    scope: &Scope,
    filter: &CompanyFilter<'_>,
    after: i64,
    limit: u32,
) -> Result<Vec<CompanyRow>> {
    let (kind, subject) = scope.params();
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM companies co WHERE ",
        company_visible!(),
        " AND ($3 IS NULL OR co.name = $3) AND ($4 IS NULL OR co.is_placeholder = $4) \
          AND co.seq > $5 ORDER BY co.seq LIMIT $6"
    ))
    .bind(kind)
    .bind(subject)
    .bind(filter.name)
    .bind(filter.is_placeholder.map(super::flag))
    .bind(after)
    .bind(i64::from(limit) + 1)
    .fetch_all(conn)
    .await?)
}

/// Is this name used by another real (non-placeholder) company?
pub async fn name_taken(conn: &mut Conn, name: &str, except_id: &str) -> Result<bool> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM companies WHERE name = $1 AND is_placeholder = 0 AND id <> $2",
    )
    .bind(name)
    .bind(except_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.is_some())
}

pub async fn update(conn: &mut Conn, row: &CompanyRow) -> Result<()> {
    sqlx::query(
        "UPDATE companies SET name = $1, icon_image_url = $2, fallback_color = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(&row.name)
    .bind(&row.icon_image_url)
    .bind(&row.fallback_color)
    .bind(row.updated_at)
    .bind(&row.id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM companies WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// The clients of a company, in the order they joined.
pub async fn client_ids(conn: &mut Conn, company_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT cc.client_id FROM client_companies cc JOIN clients cl ON cl.id = cc.client_id \
         WHERE cc.company_id = $1 ORDER BY cl.seq",
    )
    .bind(company_id)
    .fetch_all(conn)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
