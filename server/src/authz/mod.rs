//! Authorisation: the one place that decides what each actor may see and do.
//!
//! Reads are decided by a `Scope`. For each resource its module holds the
//! rule as the SQL condition the storage layer puts into every query that
//! lists or reads it (so a record is visible through every door or through
//! none) and, where something is decided outside the database, as the
//! in-memory predicate next to it: `channels` (realtime routing),
//! `people` (clients, companies, what is read of a person, presence) and
//! `notifications`; `notes` narrows a channel's messages to its staff for
//! internal notes; `history` keeps a message's earlier versions and its
//! deleter to the same people; `saved_replies` keeps the team's templates
//! to the team.
//! Writes are decided by the checks in `acting`.
//!
//! The doors are held to these rules by tests: `tests/api/doors.rs` (every
//! /v1 operation × every role), `tests/api/server_functions.rs` (every
//! server function × every role), `tests/api/visibility.rs` (SQL and
//! in-memory forms agree on generated workspaces, live and on replay) and
//! the digest tests in `tests/api/email.rs`.

mod acting;
mod channels;
mod history;
mod notes;
mod notifications;
mod people;
mod saved_replies;

pub use acting::*;
pub(crate) use channels::channel_visible;
pub use channels::{audience, every_visible_channel, Audience, Viewer};
pub use history::{require_history_reader, sees_history};
pub(crate) use notes::note_visible;
pub use notes::{may_write_note, scope_sees_notes, sees_handling, sees_message, sees_notes, Among};
pub(crate) use notifications::notification_visible;
pub use notifications::{
    notification_scope, require_notification_sender, staff_may_hear_about, NotificationScope,
};
pub(crate) use people::{client_visible, company_visible};
pub use people::{
    presence_audience, receives_invite_links, sees_client_reads, sees_private_details,
};
pub(crate) use saved_replies::saved_reply_visible;
pub use saved_replies::{may_manage_saved_reply, saved_reply_reader, sees_saved_reply};

use crate::auth::{Actor, StaffActor};
use crate::domain::internal_user::Role;

/// Which clients, companies and channels an actor can see.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// Admins and staff without limits: everything.
    All,
    /// Staff limited to the companies on their access list.
    Staff(String),
    /// A client: their own companies and the channels they are a member of.
    Client(String),
}

impl Scope {
    /// The `(kind, subject)` pair the storage layer binds into its conditions.
    pub fn params(&self) -> (&'static str, &str) {
        match self {
            Scope::All => ("all", ""),
            Scope::Staff(id) => ("staff", id),
            Scope::Client(id) => ("client", id),
        }
    }
}

pub fn scope(actor: &Actor) -> Scope {
    match actor {
        Actor::Internal(staff) => staff_scope(staff),
        Actor::Client(client) => Scope::Client(client.id.clone()),
    }
}

pub fn staff_scope(staff: &StaffActor) -> Scope {
    if staff.role == Role::Admin || !staff.is_client_access_limited {
        Scope::All
    } else {
        Scope::Staff(staff.id.clone())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::auth::ClientActor;

    /// An internal user `s` for the rules' tests.
    pub fn staff(role: Role, limited: bool) -> Actor {
        Actor::Internal(StaffActor {
            id: "s".into(),
            role,
            is_client_access_limited: limited,
        })
    }

    #[test]
    fn scopes_follow_role_and_limits() {
        assert_eq!(
            scope(&staff(Role::Admin, true)),
            Scope::All,
            "admins are never limited"
        );
        assert_eq!(scope(&staff(Role::Staff, false)), Scope::All);
        assert_eq!(scope(&staff(Role::Staff, true)), Scope::Staff("s".into()));
        assert_eq!(
            scope(&Actor::Client(ClientActor { id: "c".into() })),
            Scope::Client("c".into())
        );
    }
}
