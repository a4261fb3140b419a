//! Internal notes: messages that only staff ever see. The rule sits on top
//! of the channel's: a note is seen by the internal users who see its
//! channel, and by no client, through any door.
//!
//! Written three times side by side: as the SQL condition every query that
//! reads messages for someone puts in (`note_visible!`), for a message
//! already read (`sees_notes`), and for the realtime hub, which routes each
//! logged event to those among the channel's viewers it is for (`Among`).
//! `tests/api/notes.rs` holds every door to the rule.

use super::{Scope, Viewer};
use crate::auth::Actor;

/// The rule as an SQL condition on a message `m`: its first argument names
/// the parameter holding the scope's kind (`Scope::params`).
macro_rules! note_visible {
    ($message:literal, $kind:literal) => {
        concat!(
            "(",
            $message,
            ".is_internal = 0 OR ",
            $kind,
            " <> 'client')"
        )
    };
}
pub(crate) use note_visible;

/// A note is written by, and as, someone on staff.
pub fn may_write_note(sender: &Actor) -> crate::error::Result<()> {
    match sender {
        Actor::Internal(_) => Ok(()),
        Actor::Client(_) => Err(crate::error::Error::forbidden(
            "internal notes are for internal users: a client may not write or send one",
        )),
    }
}

/// Whether notes are for this actor: staff, never clients.
pub fn sees_notes(actor: &Actor) -> bool {
    scope_sees_notes(&super::scope(actor))
}

/// Whether an actor who sees a message's channel may read the message:
/// anyone, unless it is a note.
pub fn sees_message(actor: &Actor, is_internal: bool) -> bool {
    !is_internal || sees_notes(actor)
}

/// Whether the staff's handling of a conversation (who owns it, its state)
/// is for this actor: the same people as notes.
pub fn sees_handling(actor: &Actor) -> bool {
    sees_notes(actor)
}

/// The same for a scope.
pub fn scope_sees_notes(scope: &Scope) -> bool {
    !matches!(scope, Scope::Client(_))
}

/// Who among the people who see a channel an event of it is for. Logged
/// with the event, so that live delivery and replay decide alike.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Among {
    /// Everyone who sees the channel.
    #[default]
    Everyone,
    /// Its staff only: a note, or what is said of one.
    Staff,
    /// Its clients only: the version of an event told to them when the
    /// staff's version names a note (see `channels::mark_read`).
    Clients,
}

impl Among {
    /// The stored form; `None` for everyone.
    pub fn as_stored(self) -> Option<&'static str> {
        match self {
            Among::Everyone => None,
            Among::Staff => Some("staff"),
            Among::Clients => Some("clients"),
        }
    }

    /// Anything unknown reads as staff, the narrowest: an event from a
    /// newer node never reaches a client by mistake.
    pub fn from_stored(stored: Option<&str>) -> Among {
        match stored {
            None => Among::Everyone,
            Some("clients") => Among::Clients,
            Some(_) => Among::Staff,
        }
    }

    /// For a message: its staff when it is a note.
    pub fn of_message(is_internal: bool) -> Among {
        if is_internal {
            Among::Staff
        } else {
            Among::Everyone
        }
    }

    /// Whether a viewer of the channel is among them.
    pub fn admits(self, viewer: &Viewer) -> bool {
        let client = matches!(viewer, Viewer::Client(_));
        match self {
            Among::Everyone => true,
            Among::Staff => !client,
            Among::Clients => client,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_reach_staff_and_never_clients() {
        let client = Viewer::Client("ann".into());
        let limited = Viewer::Companies(["acme".to_string()].into());
        for staff in [&Viewer::Everything, &limited] {
            assert!(Among::Staff.admits(staff));
            assert!(!Among::Clients.admits(staff));
            assert!(Among::Everyone.admits(staff));
        }
        assert!(!Among::Staff.admits(&client));
        assert!(Among::Clients.admits(&client));
        assert!(Among::Everyone.admits(&client));
    }

    #[test]
    fn the_stored_form_reads_back_and_unknown_is_staff() {
        for among in [Among::Everyone, Among::Staff, Among::Clients] {
            assert_eq!(Among::from_stored(among.as_stored()), among);
        }
        assert_eq!(Among::from_stored(Some("auditors")), Among::Staff);
        assert!(!scope_sees_notes(&Scope::Client("c".into())));
        assert!(scope_sees_notes(&Scope::Staff("s".into())));
        assert!(scope_sees_notes(&Scope::All));
    }
}
