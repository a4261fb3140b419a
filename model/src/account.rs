//! The signed-in person's own account.

use serde::{Deserialize, Serialize};

/// One's own profile as the Account page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub given_name: String,
    pub family_name: String,
    pub email: String,
    pub avatar_image_url: Option<String>,
}

/// Changes to one's profile; fields left out stay as they are, an empty
/// picture address removes the picture.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileChange {
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub family_name: Option<String>,
    #[serde(default)]
    pub avatar_image_url: Option<String>,
}
