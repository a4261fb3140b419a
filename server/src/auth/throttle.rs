//! Login throttling: a bounded number of attempts per e-mail and per address,
//! so passwords cannot be guessed at speed.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::error::{Error, Result};

#[derive(Clone)]
pub struct LoginThrottle {
    per_account: Arc<DefaultKeyedRateLimiter<String>>,
    per_address: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl Default for LoginThrottle {
    fn default() -> Self {
        let per_minute = |n: u32| Quota::per_minute(NonZeroU32::new(n).expect("non-zero quota"));
        LoginThrottle {
            per_account: Arc::new(RateLimiter::keyed(per_minute(10))),
            per_address: Arc::new(RateLimiter::keyed(per_minute(60))),
        }
    }
}

impl LoginThrottle {
    /// Counts one attempt; refuses it once the account or address is over quota.
    pub fn attempt(&self, account: &str, address: IpAddr) -> Result<()> {
        let now = DefaultClock::default().now();
        let account = self.per_account.check_key(&account.to_lowercase());
        let address = self.per_address.check_key(&address);
        for outcome in [account, address] {
            if let Err(not_until) = outcome {
                let wait = not_until.wait_time_from(now).as_secs().max(1);
                return Err(Error::RateLimited {
                    retry_after_secs: wait,
                });
            }
        }
        Ok(())
    }

    /// Forgets idle keys so the maps do not grow without bound.
    pub fn shrink(&self) {
        self.per_account.retain_recent();
        self.per_address.retain_recent();
    }
}
