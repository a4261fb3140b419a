use serde::Serialize;
use utoipa::ToSchema;

use super::Timestamp;

/// The one workspace of a deployment.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    pub id: String,
    #[schema(value_type = String, example = "workspace")]
    pub object: &'static str,
    pub brand_name: String,
    /// Where clients and staff sign in.
    pub portal_url: String,
    pub is_companies_enabled: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
