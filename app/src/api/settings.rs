//! The workspace's settings and its API keys.

use crate::model::{ApiKeyInfo, Brand, EmailSender, NewApiKey, Settings, WorkspaceSettings};

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
    /// Admins: the workspace's name, look and e-mail sender.
    fn load_workspace_settings() -> WorkspaceSettings;
    /// Admins: the workspace's name, accent colour and logo.
    fn save_brand(brand: Brand) -> WorkspaceSettings;
    /// Admins: the sender's name and reply-to address of e-mails.
    fn save_email_sender(sender: EmailSender) -> WorkspaceSettings;
}
