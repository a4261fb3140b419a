//! Notifications: one recipient each, read state, and the visibility
//! condition `authz::NotificationScope` binds.

use super::Conn;
use crate::authz::notification_visible;
use crate::authz::NotificationScope;
use crate::error::Result;

macro_rules! columns {
    () => {
        "n.seq, n.id, n.sender_id, n.sender_type, n.sender_company_id, n.recipient_client_id, \
         n.recipient_internal_user_id, n.recipient_company_id, n.in_product, n.in_product_title, \
         n.in_product_body, n.in_product_cta_params, n.email, n.email_subject, n.email_header, \
         n.email_title, n.email_body, n.email_cta_params, n.read_at, n.created_at, n.updated_at"
    };
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRow {
    pub seq: i64,
    pub id: String,
    pub sender_id: String,
    /// `internalUser`, `client` or `company`.
    pub sender_type: String,
    pub sender_company_id: Option<String>,
    pub recipient_client_id: Option<String>,
    pub recipient_internal_user_id: Option<String>,
    pub recipient_company_id: Option<String>,
    pub in_product: i64,
    pub in_product_title: Option<String>,
    pub in_product_body: Option<String>,
    /// A JSON object of strings.
    pub in_product_cta_params: Option<String>,
    pub email: i64,
    pub email_subject: Option<String>,
    pub email_header: Option<String>,
    pub email_title: Option<String>,
    pub email_body: Option<String>,
    pub email_cta_params: Option<String>,
    pub read_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl NotificationRow {
    /// The client or internal user it is for.
    pub fn recipient_id(&self) -> &str {
        self.recipient_client_id
            .as_deref()
            .or(self.recipient_internal_user_id.as_deref())
            .unwrap_or_default()
    }
}

pub async fn insert(conn: &mut Conn, row: &NotificationRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO notifications (id, sender_id, sender_type, sender_company_id, recipient_client_id, \
         recipient_internal_user_id, recipient_company_id, in_product, in_product_title, in_product_body, \
         in_product_cta_params, email, email_subject, email_header, email_title, email_body, \
         email_cta_params, read_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)",
    )
    .bind(&row.id)
    .bind(&row.sender_id)
    .bind(&row.sender_type)
    .bind(&row.sender_company_id)
    .bind(&row.recipient_client_id)
    .bind(&row.recipient_internal_user_id)
    .bind(&row.recipient_company_id)
    .bind(row.in_product)
    .bind(&row.in_product_title)
    .bind(&row.in_product_body)
    .bind(&row.in_product_cta_params)
    .bind(row.email)
    .bind(&row.email_subject)
    .bind(&row.email_header)
    .bind(&row.email_title)
    .bind(&row.email_body)
    .bind(&row.email_cta_params)
    .bind(row.read_at)
    .bind(row.created_at)
    .bind(row.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get_visible(
    conn: &mut Conn,
    scope: &NotificationScope,
    id: &str,
) -> Result<Option<NotificationRow>> {
    let (kind, subject) = scope.params();
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM notifications n WHERE ",
        notification_visible!(),
        " AND n.id = $3"
    ))
    .bind(kind)
    .bind(subject)
    .bind(id)
    .fetch_optional(conn)
    .await?)
}

pub struct NotificationFilter<'a> {
    /// Only those for this client or internal user.
    pub recipient_id: Option<&'a str>,
    /// Read ones too (otherwise only unread ones).
    pub include_read: bool,
    /// Only those with the in-product delivery target.
    pub in_product_only: bool,
}

/// Newest first: rows below `before`, at most `limit + 1`.
pub async fn list(
    conn: &mut Conn,
    scope: &NotificationScope,
    filter: &NotificationFilter<'_>,
    before: i64,
    limit: u32,
) -> Result<Vec<NotificationRow>> {
    let (kind, subject) = scope.params();
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM notifications n WHERE ",
        notification_visible!(),
        " AND ($3 IS NULL OR n.recipient_client_id = $3 OR n.recipient_internal_user_id = $3) \
          AND ($4 = 1 OR n.read_at IS NULL) AND ($5 = 0 OR n.in_product = 1) \
          AND n.seq < $6 ORDER BY n.seq DESC LIMIT $7"
    ))
    .bind(kind)
    .bind(subject)
    .bind(filter.recipient_id)
    .bind(super::flag(filter.include_read))
    .bind(super::flag(filter.in_product_only))
    .bind(before)
    .bind(i64::from(limit) + 1)
    .fetch_all(conn)
    .await?)
}

/// Unread in-product notifications for one recipient that the scope sees.
pub async fn count_unread(
    conn: &mut Conn,
    scope: &NotificationScope,
    recipient_id: &str,
) -> Result<i64> {
    let (kind, subject) = scope.params();
    let (count,): (i64,) = sqlx::query_as(concat!(
        "SELECT COUNT(*) FROM notifications n WHERE ",
        notification_visible!(),
        " AND (n.recipient_client_id = $3 OR n.recipient_internal_user_id = $3) \
          AND n.read_at IS NULL AND n.in_product = 1"
    ))
    .bind(kind)
    .bind(subject)
    .bind(recipient_id)
    .fetch_one(conn)
    .await?;
    Ok(count)
}

pub async fn set_read_at(
    conn: &mut Conn,
    id: &str,
    read_at: Option<i64>,
    updated_at: i64,
) -> Result<()> {
    sqlx::query("UPDATE notifications SET read_at = $1, updated_at = $2 WHERE id = $3")
        .bind(read_at)
        .bind(updated_at)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete(conn: &mut Conn, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM notifications WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
