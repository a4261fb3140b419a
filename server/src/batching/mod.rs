//! How Parlor goes fast: work that many requests ask for at the same moment
//! is done once for all of them, and each is still answered only when its
//! own part is done. What each piece gained is measured in
//! docs/performance.md.
//!
//! - `writer`: text messages sent together are checked one by one and
//!   stored in one transaction.
//! - `lookup`: API keys and session cookies arriving together are read
//!   with one query.
//! - `group_commit`: on SQLite, commits made together reach the disk with
//!   one fsync.
//!
//! None of them decides anything: the rules stay where they live
//! (`service::sending` for messages, `authz` for who sees what).

pub(crate) mod group_commit;
pub mod lookup;
pub mod writer;
