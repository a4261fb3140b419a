//! The workspace's settings and its API keys.

use crate::model::{ApiKeyInfo, NewApiKey, Settings};

super::calls! {
    SettingsCalls;

    fn load_settings() -> Settings;
    fn save_settings(settings: Settings) -> Settings;
    /// The welcome template rendered for an example client.
    fn preview_welcome(template: String) -> String;
    /// Admins: every API key, never their secrets.
    fn load_api_keys() -> Vec<ApiKeyInfo>;
    /// Admins: a new key, with its secret this once.
    fn create_api_key(key: NewApiKey) -> ApiKeyInfo;
    fn revoke_api_key(id: String) -> ();
}
