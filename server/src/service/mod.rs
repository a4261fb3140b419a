//! The service layer: every use case of Parlor, called by the REST handlers
//! (and later the web app's server functions). Each write runs in one
//! transaction, so a refused or failed request leaves nothing half-done.

pub mod channels;
pub mod clients;
pub mod companies;
pub mod internal_users;
pub mod messages;
pub mod paging;
pub mod sessions;
pub mod views;
pub mod workspace;

use std::sync::Arc;

use crate::auth::throttle::LoginThrottle;
use crate::config::Config;
use crate::storage::Store;

/// What every use case needs: the database and the configuration.
#[derive(Clone)]
pub struct Context {
    pub store: Store,
    pub config: Arc<Config>,
    pub throttle: LoginThrottle,
}

pub use paging::{Page, PageRequest};
