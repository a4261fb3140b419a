use serde::Serialize;
use utoipa::ToSchema;

use super::Timestamp;

/// A company that clients belong to.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Company {
    pub id: String,
    #[schema(value_type = String, example = "company")]
    pub object: &'static str,
    pub name: String,
    pub fallback_color: String,
    pub icon_image_url: Option<String>,
    /// True for the company made automatically for a client who has none.
    pub is_placeholder: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
