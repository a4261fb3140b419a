//! A message's history: the texts its edits replaced, the text its delete
//! removed, and who deleted it. It is the firm's record, so it is for the
//! same people as notes (staff who see the message), never for a client,
//! even the author: a client who deleted something has taken it back from
//! the conversation, and the record of it is the firm's.
//!
//! Only staff's reads carry it: a message's events go to everyone who sees
//! the message (clients too, and webhooks that may pass them on), so they
//! never hold it; the web app fetches the staff's view when it needs it.

use super::notes::sees_notes;
use crate::auth::Actor;
use crate::error::{Error, Result};

/// Whether a message's history is for this actor (who sees the message).
pub fn sees_history(actor: &Actor) -> bool {
    sees_notes(actor)
}

/// Refuses a client at the door to a message's history, before anything is
/// looked up, so the answer says nothing of which messages exist.
pub fn require_history_reader(actor: &Actor) -> Result<()> {
    if sees_history(actor) {
        Ok(())
    } else {
        Err(Error::forbidden(
            "a message's earlier versions are for internal users",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::ClientActor;
    use crate::authz::tests::staff;
    use crate::domain::internal_user::Role;

    #[test]
    fn staff_read_history_and_clients_never_do() {
        assert!(sees_history(&staff(Role::Admin, false)));
        assert!(sees_history(&staff(Role::Staff, true)));
        let client = Actor::Client(ClientActor { id: "c".into() });
        assert!(!sees_history(&client));
        assert!(require_history_reader(&client).is_err());
    }
}
