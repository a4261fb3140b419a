//! What the web app's screens show, assembled from the use cases: the
//! shapes of `parlor_model`, built here rather than in the web adapter so
//! that one place turns Parlor's records into what a person sees, and the
//! integration tests reach it through the server functions.

mod account;
mod audit;
mod conversations;
mod directory;
mod people;
mod saved_replies;
mod settings;
mod team;
mod webhooks;

pub use account::*;
pub use audit::*;
pub use conversations::*;
pub use directory::*;
pub use people::*;
pub use saved_replies::*;
pub use settings::*;
pub use team::*;
pub use webhooks::*;

use std::future::Future;

use crate::error::Result;
use crate::service::paging::{self, Page, PageRequest};

/// Every row of a paged list, for screens that show them all.
async fn every<T, F, Fut>(kind: &'static str, list: F) -> Result<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    paging::every(kind, list).await
}
