//! Realtime delivery over `GET /v1/realtime`.
//!
//! Every change that others should see is appended to the event log inside
//! the transaction that makes it (`service::events`). One pump task per
//! server tails the log in `seq` order and hands each event to the hub, which
//! serialises it once and queues it for the sockets allowed to see it. A
//! socket resuming with `?since=` replays the log from the database up to the
//! point where it joined the hub, then goes live: nothing twice, nothing lost.

pub mod credentials;
pub mod hub;
pub mod pump;
pub mod socket;
pub mod token;

pub use hub::Hub;
