use super::Conn;
use crate::error::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkspaceRow {
    pub id: String,
    pub brand_name: String,
    pub default_channel_type: String,
    pub welcome_message: String,
    /// Bytes one person may keep uploaded; None: no quota.
    pub person_file_quota_bytes: Option<i64>,
    /// Bytes the workspace may store; None: no quota.
    pub workspace_file_quota_bytes: Option<i64>,
    /// The accent colour, `#RRGGBB`.
    pub brand_color: String,
    pub logo_image_url: Option<String>,
    /// The display name in e-mails' `From`; None: the brand name.
    pub email_sender_name: Option<String>,
    /// The `Reply-To` of e-mails; None: no such header.
    pub email_reply_to: Option<String>,
    /// 1 when e-mails about unread messages quote their text.
    pub email_includes_message_text: i64,
    /// Months messages are kept; None: forever.
    pub retention_months: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn get(conn: &mut Conn) -> Result<Option<WorkspaceRow>> {
    Ok(sqlx::query_as(
        "SELECT id, brand_name, default_channel_type, welcome_message, person_file_quota_bytes, \
         workspace_file_quota_bytes, brand_color, logo_image_url, email_sender_name, email_reply_to, \
         email_includes_message_text, retention_months, created_at, updated_at FROM workspace",
    )
    .fetch_optional(conn)
    .await?)
}

pub async fn insert(conn: &mut Conn, row: &WorkspaceRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO workspace (id, brand_name, default_channel_type, welcome_message, brand_color, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&row.id)
    .bind(&row.brand_name)
    .bind(&row.default_channel_type)
    .bind(&row.welcome_message)
    .bind(&row.brand_color)
    .bind(row.created_at)
    .bind(row.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update(conn: &mut Conn, row: &WorkspaceRow) -> Result<()> {
    sqlx::query(
        "UPDATE workspace SET brand_name = $1, default_channel_type = $2, welcome_message = $3, \
         person_file_quota_bytes = $4, workspace_file_quota_bytes = $5, brand_color = $6, \
         logo_image_url = $7, email_sender_name = $8, email_reply_to = $9, updated_at = $10, \
         email_includes_message_text = $12, retention_months = $13 WHERE id = $11",
    )
    .bind(&row.brand_name)
    .bind(&row.default_channel_type)
    .bind(&row.welcome_message)
    .bind(row.person_file_quota_bytes)
    .bind(row.workspace_file_quota_bytes)
    .bind(&row.brand_color)
    .bind(&row.logo_image_url)
    .bind(&row.email_sender_name)
    .bind(&row.email_reply_to)
    .bind(row.updated_at)
    .bind(&row.id)
    .bind(row.email_includes_message_text)
    .bind(row.retention_months)
    .execute(conn)
    .await?;
    Ok(())
}
