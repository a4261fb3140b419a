//! What an actor may do: the checks every write passes before it changes
//! anything.

use super::{staff_scope, Scope};
use crate::auth::{Actor, Credential, StaffActor};
use crate::domain::internal_user::Role;
use crate::error::{Error, Result};

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
    use crate::auth::{Actor, ClientActor};
    use crate::authz::tests::staff;
    use crate::domain::internal_user::Role;

    #[test]
    fn only_admins_pass_the_admin_check() {
        assert!(require_admin(&staff(Role::Admin, false)).is_ok());
        assert!(require_admin(&staff(Role::Staff, false)).is_err());
        assert!(require_admin(&Actor::Client(ClientActor { id: "c".into() })).is_err());
    }

    const KEY: Credential = Credential::ApiKey(crate::auth::KeyLimits::NONE);

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
