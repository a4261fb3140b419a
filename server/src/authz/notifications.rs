//! Who sees a notification: as the SQL condition of every query that lists
//! or reads them, and in memory for the check made when one is sent.

use crate::auth::{Actor, StaffActor};
use crate::domain::internal_user::Role;
use crate::error::{Error, Result};

/// The rule as SQL: `n` is the notification, `$1`/`$2` the scope
/// (`NotificationScope::params`). Everyone but admins sees only their own;
/// limited staff also never see one about a company outside their access
/// list.
macro_rules! notification_visible {
    () => {
        "($1 = 'all' \
          OR ($1 = 'own' AND (n.recipient_client_id = $2 OR n.recipient_internal_user_id = $2)) \
          OR ($1 = 'staff' AND n.recipient_internal_user_id = $2 \
              AND (n.sender_company_id IS NULL OR EXISTS (SELECT 1 FROM internal_user_company_access a \
                   WHERE a.user_id = $2 AND a.company_id = n.sender_company_id))))"
    };
}
pub(crate) use notification_visible;

/// Which notifications an actor can see. Unlike clients and channels, staff
/// with full access do not see everyone's: a notification is for one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotificationScope {
    /// Admins (and API keys, which act as the owner): every notification.
    All,
    /// Staff with full access and clients: their own.
    Own(String),
    /// Staff limited to some companies: their own, except those about a
    /// company outside their access list.
    LimitedStaff(String),
}

impl NotificationScope {
    /// The `(kind, subject)` pair the storage layer binds into its conditions.
    pub fn params(&self) -> (&'static str, &str) {
        match self {
            NotificationScope::All => ("all", ""),
            NotificationScope::Own(id) => ("own", id),
            NotificationScope::LimitedStaff(id) => ("staff", id),
        }
    }
}

pub fn notification_scope(actor: &Actor) -> NotificationScope {
    match actor {
        Actor::Internal(staff) if staff.role == Role::Admin => NotificationScope::All,
        Actor::Internal(staff) if staff.is_client_access_limited => {
            NotificationScope::LimitedStaff(staff.id.clone())
        }
        Actor::Internal(staff) => NotificationScope::Own(staff.id.clone()),
        Actor::Client(client) => NotificationScope::Own(client.id.clone()),
    }
}

/// Sending notifications is for integrations (API keys) and admins.
pub fn require_notification_sender(actor: &Actor) -> Result<&StaffActor> {
    match actor {
        Actor::Internal(staff) if staff.role == Role::Admin => Ok(staff),
        _ => Err(Error::forbidden(
            "only admins and API keys may send notifications",
        )),
    }
}

/// The rule in memory, checked when a notification is sent: whether staff
/// may be told about a company. Limited staff only about the companies on
/// their access list (`access`), as `notification_visible!` reads them back.
pub fn staff_may_hear_about(limited: bool, access: &[String], company_id: Option<&str>) -> bool {
    match company_id {
        Some(company) if limited => access.iter().any(|c| c == company),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Actor, ClientActor};
    use crate::authz::tests::staff;
    use crate::domain::internal_user::Role;

    #[test]
    fn notifications_are_seen_by_their_recipient_and_admins() {
        assert_eq!(
            notification_scope(&staff(Role::Admin, true)),
            NotificationScope::All
        );
        assert_eq!(
            notification_scope(&staff(Role::Staff, false)),
            NotificationScope::Own("s".into()),
            "full access to clients is not access to colleagues' notifications"
        );
        assert_eq!(
            notification_scope(&staff(Role::Staff, true)),
            NotificationScope::LimitedStaff("s".into())
        );
        assert_eq!(
            notification_scope(&Actor::Client(ClientActor { id: "c".into() })),
            NotificationScope::Own("c".into())
        );
        assert!(require_notification_sender(&staff(Role::Admin, false)).is_ok());
        assert!(require_notification_sender(&staff(Role::Staff, false)).is_err());
        assert!(
            require_notification_sender(&Actor::Client(ClientActor { id: "c".into() })).is_err()
        );
        let access = vec!["acme".to_string()];
        assert!(staff_may_hear_about(true, &access, Some("acme")));
        assert!(!staff_may_hear_about(true, &access, Some("globex")));
        assert!(staff_may_hear_about(true, &access, None));
        assert!(staff_may_hear_about(false, &[], Some("globex")));
    }
}
