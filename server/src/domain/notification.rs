use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::Timestamp;

/// Key/value pairs added to the call to action's link as query parameters.
pub type CtaParams = BTreeMap<String, String>;

/// A notification to one client or internal user, as the Assembly API shapes it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    pub id: String,
    #[schema(value_type = String, example = "notification")]
    pub object: &'static str,
    /// `custom` for every notification sent through the API.
    #[schema(value_type = String, example = "custom")]
    pub event: &'static str,
    pub sender_id: String,
    /// `internalUser`, `client` or `company`.
    pub sender_type: String,
    /// The company the notification is about (a client sender's company).
    pub sender_company_id: Option<String>,
    /// Deprecated: the recipient, whichever kind it is.
    pub recipient_id: String,
    pub recipient_client_id: Option<String>,
    pub recipient_company_id: Option<String>,
    pub recipient_internal_user_id: Option<String>,
    pub delivery_targets: DeliveryTargets,
    /// Parlor: whether the recipient has read it (also in `deliveryTargets.inProduct`).
    pub is_read: bool,
    pub read_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryTargets {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_product: Option<InProductTarget>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<EmailTarget>,
}

/// Shown in the recipient's notification centre.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InProductTarget {
    pub title: String,
    pub body: Option<String>,
    pub is_read: bool,
    pub cta_params: Option<CtaParams>,
}

/// The e-mail sent to the recipient.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailTarget {
    pub subject: String,
    pub header: String,
    /// The call-to-action button's label.
    pub title: Option<String>,
    pub body: Option<String>,
    pub cta_params: Option<CtaParams>,
}
