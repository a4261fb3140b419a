//! The workspace's settings, its API keys and its audit log.

use crate::model::{
    ApiKeyInfo, AuditLog, Brand, EmailSender, NewApiKey, Settings, WorkspaceSettings,
};

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
    /// Admins: a page of the audit log, newest first, of one action and one
    /// person when given (empty: all); `next_token` continues with older ones.
    fn load_audit_log(action: String, actor_id: String, next_token: String) -> AuditLog;
}
