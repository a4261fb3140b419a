//! Who is calling: credentials (API keys, session cookies, invitations) and
//! the extractors that turn a request into an `Actor`.

pub mod actor;
pub mod address;
pub mod extract;
pub mod password;
pub mod throttle;
pub mod tokens;

pub use actor::{Actor, ClientActor, Credential, KeyLimits, StaffActor, StoredCredential};
pub use extract::Authenticated;
