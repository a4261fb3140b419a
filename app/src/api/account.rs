//! The signed-in person's own account: profile and sessions. (Their
//! password: `change_password`; their e-mail: `save_email_preferences`.)

use crate::model::{Account, ProfileChange};

super::calls! {
    AccountCalls;

    fn load_account() -> Account;
    fn save_profile(profile: ProfileChange) -> Account;
    /// Ends every other session of the signed-in person; this one stays.
    /// Answers how many ended.
    fn sign_out_everywhere() -> u64;
}
