//! Who sees and manages saved replies: as the SQL condition of every query
//! that lists or reads them, and in memory for what is decided on a reply
//! already read.
//!
//! Saved replies are the team's: clients never see one. Every internal user
//! sees the shared replies and their own, never a colleague's own (not even
//! admins: a personal reply is a private draft, like a notification is
//! personal). Admins manage the shared ones; each person their own. API
//! keys act as the owner, so theirs are the owner's.

use crate::auth::{Actor, StaffActor};
use crate::domain::internal_user::Role;
use crate::error::{Error, Result};

/// The rule as SQL: `r` is the saved reply, `$1` the reader's id (an
/// internal user, `saved_reply_reader`).
macro_rules! saved_reply_visible {
    () => {
        "(r.owner_id IS NULL OR r.owner_id = $1)"
    };
}
pub(crate) use saved_reply_visible;

/// The same rule in memory, for a reply whose `owner_id` is known.
pub fn sees_saved_reply(reader: &StaffActor, owner_id: Option<&str>) -> bool {
    owner_id.is_none_or(|owner| owner == reader.id)
}

/// Only internal users read or use saved replies.
pub fn saved_reply_reader(actor: &Actor) -> Result<&StaffActor> {
    match actor {
        Actor::Internal(staff) => Ok(staff),
        Actor::Client(_) => Err(Error::forbidden(
            "saved replies are for the team: only internal users may use them",
        )),
    }
}

/// Making, changing or deleting a reply: admins the shared ones, each
/// person their own. A colleague's own reply is not seen at all (404,
/// decided by `saved_reply_visible!` before this).
pub fn may_manage_saved_reply(actor: &Actor, owner_id: Option<&str>) -> Result<()> {
    let staff = saved_reply_reader(actor)?;
    if !sees_saved_reply(staff, owner_id) {
        return Err(Error::NotFound("saved reply"));
    }
    if owner_id.is_none() && staff.role != Role::Admin {
        return Err(Error::forbidden(
            "only admins may make, change or delete shared saved replies",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::ClientActor;
    use crate::authz::tests::staff;

    fn internal(actor: &Actor) -> &StaffActor {
        saved_reply_reader(actor).unwrap()
    }

    #[test]
    fn everyone_on_staff_sees_shared_replies_and_only_their_own() {
        for actor in [
            staff(Role::Admin, false),
            staff(Role::Staff, false),
            staff(Role::Staff, true),
        ] {
            let reader = internal(&actor);
            assert!(sees_saved_reply(reader, None));
            assert!(sees_saved_reply(reader, Some("s")));
            assert!(
                !sees_saved_reply(reader, Some("colleague")),
                "{:?} must not see a colleague's own reply",
                reader.role
            );
        }
        let client = Actor::Client(ClientActor { id: "c".into() });
        assert!(saved_reply_reader(&client).is_err());
        assert!(may_manage_saved_reply(&client, Some("c")).is_err());
    }

    #[test]
    fn admins_manage_shared_replies_and_everyone_their_own() {
        let admin = staff(Role::Admin, false);
        let member = staff(Role::Staff, true);
        assert!(may_manage_saved_reply(&admin, None).is_ok());
        assert!(may_manage_saved_reply(&member, None).is_err());
        assert!(may_manage_saved_reply(&member, Some("s")).is_ok());
        assert!(may_manage_saved_reply(&admin, Some("s")).is_ok());
        assert!(matches!(
            may_manage_saved_reply(&admin, Some("colleague")),
            Err(Error::NotFound(_))
        ));
    }
}
