//! How long a worker waits before trying again what failed (an e-mail, a
//! webhook delivery).

use std::time::Duration;

/// The wait after `failed` earlier failures: `base`, doubled per failure,
/// up to `max`.
pub fn backoff(base: Duration, max: Duration, failed: i64) -> Duration {
    let doublings = failed.clamp(0, 20) as u32;
    base.saturating_mul(2u32.saturating_pow(doublings)).min(max)
}
