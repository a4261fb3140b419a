//! Sign-in throttling: a bounded number of attempts per client address and
//! per account in each window, counted in the database so that every node of
//! a cluster shares the counts.
//!
//! An account's limit is split so that nobody can lock its owner out: the
//! addresses an account has signed in from each get their own allowance, and
//! everyone else shares one. Someone hammering an account from elsewhere
//! slows only strangers; windows are short, so no refusal outlasts an attack
//! by more than one window (docs/decisions.md, "Sign-in limits").

use std::net::IpAddr;

use crate::config::ThrottleLimits;
use crate::domain::Email;
use crate::error::{Error, Result};
use crate::storage::{self, now_ms, Conn, Store};

#[derive(Clone)]
pub struct LoginThrottle {
    store: Store,
    limits: ThrottleLimits,
}

impl LoginThrottle {
    pub fn new(store: Store, limits: ThrottleLimits) -> LoginThrottle {
        LoginThrottle { store, limits }
    }

    /// Counts one attempt to sign in to `account` (as typed) from `address`;
    /// refuses it once the address or the account is over its limit.
    pub async fn attempt(&self, account: &str, address: IpAddr) -> Result<()> {
        let now = now_ms();
        let window = millis(self.limits.window).max(1);
        let window_start = now - now.rem_euclid(window);
        let address = address_key(address);
        let mut buckets = vec![(format!("address:{address}"), self.limits.per_address)];
        let mut tx = self.store.begin().await?;
        if let Some(account) = account_key(account) {
            let known_since = now - millis(self.limits.known_address_for);
            let known =
                storage::sign_in_limits::is_known_address(&mut tx, &account, &address, known_since)
                    .await?;
            let bucket = if known {
                format!("account-at:{account}|{address}")
            } else {
                format!("account:{account}")
            };
            buckets.push((bucket, self.limits.per_account));
        }
        let mut over = false;
        for (bucket, limit) in &buckets {
            let count =
                storage::sign_in_limits::count_attempt(&mut tx, bucket, window_start).await?;
            over |= count > i64::from(*limit);
        }
        tx.commit().await?;
        if over {
            let wait_ms = u64::try_from(window_start + window - now).unwrap_or(0);
            return Err(Error::RateLimited {
                retry_after_secs: wait_ms.div_ceil(1000).max(1),
            });
        }
        Ok(())
    }

    /// Makes `address` known to `account` after a successful sign-in, in
    /// the sign-in's transaction.
    pub async fn signed_in(&self, conn: &mut Conn, account: &Email, address: IpAddr) -> Result<()> {
        storage::sign_in_limits::remember_address(
            conn,
            account.as_str(),
            &address_key(address),
            now_ms(),
        )
        .await
    }

    /// Forgets ended windows and addresses not used for a long time.
    pub async fn forget_old(&self) -> Result<u64> {
        let now = now_ms();
        let mut tx = self.store.begin().await?;
        let removed = storage::sign_in_limits::forget_old(
            &mut tx,
            now - millis(self.limits.window),
            now - millis(self.limits.known_address_for),
        )
        .await?;
        tx.commit().await?;
        Ok(removed)
    }
}

fn millis(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// The account as sign-in looks it up (trimmed, lower-cased, length-checked
/// by `Email::parse`), or `None` when no account could have that name; then
/// only the address is counted.
fn account_key(raw: &str) -> Option<String> {
    Email::parse("email", raw)
        .ok()
        .map(|email| email.as_str().to_owned())
}

/// The unit of counting for a client address: an IPv4 address (also when it
/// arrives mapped into IPv6), or the /64 prefix of an IPv6 address, since
/// one subscriber usually holds a whole /64.
fn address_key(address: IpAddr) -> String {
    match address.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            format!("{}/64", std::net::Ipv6Addr::from(prefix))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_is_counted_as_it_is_looked_up() {
        assert_eq!(
            account_key(" Owner@Example.com "),
            Some("owner@example.com".into())
        );
        assert_eq!(account_key("not an e-mail"), None);
        assert_eq!(
            account_key(&format!("{}@example.com", "a".repeat(300))),
            None
        );
    }

    #[test]
    fn ipv6_addresses_count_by_their_64_prefix() {
        let key = |raw: &str| address_key(raw.parse().unwrap());
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:ffff::9"));
        assert_eq!(key("2001:db8:1:2::1"), "2001:db8:1:2::/64");
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7");
        assert_eq!(key("192.0.2.7"), "192.0.2.7");
    }
}
