//! Authorisation: the one place that decides what each actor may see and do.
//!
//! Reads are decided by a `Scope`, which the storage layer turns into the same
//! SQL condition for lists and single records, so a record is visible through
//! every door or through none. Writes are decided by the `require_*` checks.

use crate::auth::{Actor, Credential, StaffActor};
use crate::domain::internal_user::Role;
use crate::error::{Error, Result};

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

/// Who may see a channel, as the realtime hub checks it for connected
/// sockets. It must agree with the SQL conditions in `storage/channels.rs`;
/// the realtime tests check every role against both.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Audience {
    /// The clients who are members.
    pub client_ids: Vec<String>,
    /// The companies through which limited staff see it.
    pub company_ids: Vec<String>,
    /// Everyone signed in (used for the presence of internal users).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub everyone: bool,
}

/// What a connected socket may see, loaded when it connects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Viewer {
    /// Admins and unlimited staff.
    Everything,
    /// Limited staff, with the companies on their access list.
    Companies(std::collections::HashSet<String>),
    /// A client.
    Client(String),
}

impl Viewer {
    pub fn sees(&self, audience: &Audience) -> bool {
        if audience.everyone {
            return true;
        }
        match self {
            Viewer::Everything => true,
            Viewer::Companies(companies) => {
                audience.company_ids.iter().any(|c| companies.contains(c))
            }
            Viewer::Client(id) => audience.client_ids.iter().any(|c| c == id),
        }
    }
}

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

/// Whether staff may be told about a company: limited staff only about the
/// companies on their access list (`access`). The same rule as the SQL
/// condition in `storage/notifications.rs`, checked when one is sent.
pub fn staff_may_hear_about(limited: bool, access: &[String], company_id: Option<&str>) -> bool {
    match company_id {
        Some(company) if limited => access.iter().any(|c| c == company),
        _ => true,
    }
}

/// Internal users only: staff work such as managing clients and channels.
pub fn require_internal(actor: &Actor) -> Result<&StaffActor> {
    match actor {
        Actor::Internal(staff) => Ok(staff),
        Actor::Client(_) => Err(Error::forbidden("only internal users may do this")),
    }
}

/// Admins only: workspace settings, team members and keys.
pub fn require_admin(actor: &Actor) -> Result<&StaffActor> {
    let staff = require_internal(actor)?;
    if staff.role != Role::Admin {
        return Err(Error::forbidden("only admins may do this"));
    }
    Ok(staff)
}

/// Creating, renaming and deleting companies changes who sees what, so it is
/// kept to internal users who already see every company.
pub fn require_unlimited_staff(actor: &Actor) -> Result<&StaffActor> {
    let staff = require_internal(actor)?;
    if staff_scope(staff) != Scope::All {
        return Err(Error::forbidden(
            "your client access is limited; only staff with full access may do this",
        ));
    }
    Ok(staff)
}

/// Whether the actor may read more of a person than their public face
/// (names, colour, avatar): e-mail, role, status, login dates, companies
/// and access lists are for staff, and for each person about themselves.
pub fn sees_private_details(actor: &Actor, person_id: &str) -> bool {
    matches!(actor, Actor::Internal(_)) || actor.id() == person_id
}

/// Invitation links are credentials: only admins get them, and only in the
/// answer that issues one (creating a client, or inviting them again).
pub fn receives_invite_links(actor: &Actor) -> bool {
    matches!(actor, Actor::Internal(staff) if staff.role == Role::Admin)
}

/// Taking a client out of companies, or deleting a client (which takes them
/// out of all theirs), acts on each of those companies: limited staff may
/// do it only when their access list (`access`) grants every one. Seeing
/// the client through one shared company is not enough.
pub fn require_companies_granted(
    scope: &Scope,
    access: &[String],
    companies: &[String],
) -> Result<()> {
    if !matches!(scope, Scope::Staff(_)) {
        return Ok(());
    }
    match companies.iter().find(|c| !access.contains(c)) {
        None => Ok(()),
        Some(company) => Err(Error::forbidden(format!(
            "your client access is limited and does not include company {company} of this client"
        ))),
    }
}

/// Sending on behalf of someone else (`senderId`) is for integrations using an
/// API key made without `--no-send-as-others`; people signed in may only
/// send as themselves.
pub fn may_send_on_behalf(actor: &Actor, credential: Credential, sender_id: &str) -> Result<()> {
    if sender_id == actor.id() {
        return Ok(());
    }
    match credential {
        Credential::ApiKey(limits) if matches!(actor, Actor::Internal(_)) => {
            if limits.send_as_others {
                Ok(())
            } else {
                Err(Error::forbidden(
                    "this API key may not send as someone else: leave senderId out or name the key's own user",
                ))
            }
        }
        _ => Err(Error::forbidden(
            "senderId may only name someone else when calling with an API key",
        )),
    }
}

/// A read-only API key may read but never change anything.
pub fn may_write(credential: Credential) -> Result<()> {
    match credential {
        Credential::ApiKey(limits) if limits.read_only => Err(Error::forbidden(
            "this API key is read-only: it may not change anything",
        )),
        _ => Ok(()),
    }
}

/// API keys are managed by admins signed in, never with a key: a leaked key
/// must not be able to make itself a successor or revoke the keys of others.
pub fn require_key_manager(actor: &Actor, credential: Credential) -> Result<&StaffActor> {
    if matches!(credential, Credential::ApiKey(_)) {
        return Err(Error::forbidden(
            "API keys cannot manage API keys; sign in as an admin",
        ));
    }
    require_admin(actor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::ClientActor;

    fn staff(role: Role, limited: bool) -> Actor {
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

    #[test]
    fn viewers_see_the_channels_of_their_scope() {
        let audience = Audience {
            client_ids: vec!["ann".into()],
            company_ids: vec!["acme".into()],
            everyone: false,
        };
        assert!(Viewer::Everything.sees(&audience));
        assert!(Viewer::Companies(["acme".to_string()].into()).sees(&audience));
        assert!(!Viewer::Companies(["globex".to_string()].into()).sees(&audience));
        assert!(Viewer::Client("ann".into()).sees(&audience));
        assert!(!Viewer::Client("bob".into()).sees(&audience));
        let everyone = Audience {
            everyone: true,
            ..Audience::default()
        };
        assert!(Viewer::Client("bob".into()).sees(&everyone));
    }

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

    #[test]
    fn only_admins_pass_the_admin_check() {
        assert!(require_admin(&staff(Role::Admin, false)).is_ok());
        assert!(require_admin(&staff(Role::Staff, false)).is_err());
        assert!(require_admin(&Actor::Client(ClientActor { id: "c".into() })).is_err());
    }

    const KEY: Credential = Credential::ApiKey(crate::auth::KeyLimits::NONE);

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

    #[test]
    fn limited_staff_act_only_on_companies_they_are_granted() {
        let access = vec!["acme".to_string()];
        let both = ["acme".to_string(), "globex".to_string()];
        let limited = Scope::Staff("s".into());
        assert!(require_companies_granted(&limited, &access, &both[..1]).is_ok());
        assert!(require_companies_granted(&limited, &access, &both).is_err());
        assert!(require_companies_granted(&Scope::All, &[], &both).is_ok());
    }

    #[test]
    fn impersonation_needs_an_api_key_allowed_to_send_as_others() {
        let admin = staff(Role::Admin, false);
        assert!(may_send_on_behalf(&admin, KEY, "someone").is_ok());
        assert!(may_send_on_behalf(&admin, Credential::Session, "someone").is_err());
        assert!(may_send_on_behalf(&admin, Credential::Session, "s").is_ok());
        let client = Actor::Client(ClientActor { id: "c".into() });
        assert!(may_send_on_behalf(&client, KEY, "someone").is_err());
        let only_itself = Credential::ApiKey(crate::auth::KeyLimits {
            read_only: false,
            send_as_others: false,
        });
        assert!(may_send_on_behalf(&admin, only_itself, "someone").is_err());
        assert!(may_send_on_behalf(&admin, only_itself, "s").is_ok());
    }

    #[test]
    fn keys_are_managed_by_admins_signed_in() {
        let admin = staff(Role::Admin, false);
        assert!(require_key_manager(&admin, Credential::Session).is_ok());
        assert!(require_key_manager(&admin, KEY).is_err());
        assert!(require_key_manager(&staff(Role::Staff, false), Credential::Session).is_err());
    }
}
