//! The notification centre and how each person hears by e-mail.

use crate::model::{ClientActivity, EmailPreferences, Notice};

super::calls! {
    NotificationCalls;

    /// Staff: the channels where clients wrote, newest first.
    fn load_client_activity() -> Vec<ClientActivity>;
    /// The notifications integrations sent to the caller, newest first.
    fn load_notices() -> Vec<Notice>;
    fn mark_notice(id: String, read: bool) -> ();
    fn delete_notice(id: String) -> ();
    fn load_email_preferences() -> EmailPreferences;
    fn save_email_preferences(preferences: EmailPreferences) -> EmailPreferences;
}
