//! Who sees a client or a company, and how much of a person they read.

use super::channels::Audience;
use crate::auth::Actor;
use crate::domain::internal_user::Role;
use crate::error::Result;
use crate::storage::{self, Conn};

/// The clients a scope may see, as SQL: `cl` is the client, `$1`/`$2` the
/// scope (`Scope::params`). Limited staff see the clients of their
/// companies; a client sees themselves, the other clients of their own
/// companies (who share their company channel) and the members of their
/// groups (who may have left the company). What a client reads of the
/// others is their public face only (`sees_private_details`).
macro_rules! client_visible {
    () => {
        "($1 = 'all' \
          OR ($1 = 'staff' AND EXISTS (SELECT 1 FROM client_companies cc \
                JOIN internal_user_company_access a ON a.company_id = cc.company_id \
                WHERE cc.client_id = cl.id AND a.user_id = $2)) \
          OR ($1 = 'client' AND (cl.id = $2 OR EXISTS (SELECT 1 FROM client_companies x \
                JOIN client_companies y ON x.company_id = y.company_id \
                WHERE x.client_id = cl.id AND y.client_id = $2) \
             OR EXISTS (SELECT 1 FROM channel_members mx \
                JOIN channel_members my ON mx.channel_id = my.channel_id \
                WHERE mx.client_id = cl.id AND my.client_id = $2))))"
    };
}
pub(crate) use client_visible;

/// The companies a scope may see, as SQL: `co` is the company, `$1`/`$2`
/// the scope. Limited staff see those on their access list, a client those
/// they belong to.
macro_rules! company_visible {
    () => {
        "($1 = 'all' \
          OR ($1 = 'staff' AND EXISTS (SELECT 1 FROM internal_user_company_access a \
                                       WHERE a.company_id = co.id AND a.user_id = $2)) \
          OR ($1 = 'client' AND EXISTS (SELECT 1 FROM client_companies cc \
                                        WHERE cc.company_id = co.id AND cc.client_id = $2)))"
    };
}
pub(crate) use company_visible;

/// Who sees a person's presence, in the form the realtime hub routes by:
/// every internal user is seen by everyone signed in; a client by the staff
/// who see them (`client_visible!`: through any of their companies). Other
/// clients never see a client's presence.
pub async fn presence_audience(conn: &mut Conn, actor: &Actor) -> Result<Audience> {
    Ok(match actor {
        Actor::Internal(_) => Audience {
            everyone: true,
            ..Audience::default()
        },
        Actor::Client(client) => Audience {
            client_ids: Vec::new(),
            company_ids: storage::clients::company_ids(conn, &client.id).await?,
            everyone: false,
        },
    })
}

/// Whether the actor may read more of a person than their public face
/// (names, colour, avatar): e-mail, role, status, login dates, companies
/// and access lists are for staff, and for each person about themselves.
pub fn sees_private_details(actor: &Actor, person_id: &str) -> bool {
    matches!(actor, Actor::Internal(_)) || actor.id() == person_id
}

/// Which of a channel's clients read how far, and when ("Seen by Ann ·
/// 14:02"), is for the staff who see the channel; clients keep a plain
/// "Seen" (`service::messages::seen_up_to`).
pub fn sees_client_reads(actor: &Actor) -> bool {
    matches!(actor, Actor::Internal(_))
}

/// Invitation links are credentials: only admins get them, and only in the
/// answer that issues one (creating a client, or inviting them again).
pub fn receives_invite_links(actor: &Actor) -> bool {
    matches!(actor, Actor::Internal(staff) if staff.role == Role::Admin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Actor, ClientActor};
    use crate::authz::tests::staff;
    use crate::domain::internal_user::Role;

    #[test]
    fn who_read_how_far_is_for_staff() {
        assert!(sees_client_reads(&staff(Role::Staff, true)));
        assert!(sees_client_reads(&staff(Role::Admin, false)));
        assert!(!sees_client_reads(&Actor::Client(ClientActor {
            id: "ann".into()
        })));
    }

    #[test]
    fn private_details_are_for_staff_and_the_person_themselves() {
        let ann = Actor::Client(ClientActor { id: "ann".into() });
        assert!(sees_private_details(&ann, "ann"));
        assert!(!sees_private_details(&ann, "amy"));
        assert!(!sees_private_details(&ann, "s"));
        assert!(sees_private_details(&staff(Role::Staff, true), "ann"));
        assert!(receives_invite_links(&staff(Role::Admin, false)));
        assert!(!receives_invite_links(&staff(Role::Staff, false)));
        assert!(!receives_invite_links(&ann));
    }
}
