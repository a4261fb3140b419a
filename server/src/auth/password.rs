//! Password hashing with argon2id. A hash is deliberately slow (a core for
//! tens of milliseconds) and large (about 19 MiB), so every hash and check
//! runs through one bounded pool: a few at once on blocking threads, a
//! bounded queue waiting for them, and a 503 for anything beyond, so a flood
//! of sign-ins queues or is refused instead of taking every core and
//! gigabytes of memory.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::HashLimits;
use crate::domain::Password;
use crate::error::{Error, Result};

pub async fn hash(password: &Password) -> Result<String> {
    let password = password.expose().to_owned();
    pool()
        .run(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|hash| hash.to_string())
                .map_err(|err| anyhow::anyhow!("hashing a password: {err}"))
        })
        .await?
        .map_err(Error::from)
}

/// Checks `password` against a stored hash. With no stored hash it still does
/// the work of a check, so response times do not tell which accounts exist.
pub async fn verify(password: &str, stored: Option<String>) -> Result<bool> {
    let password = password.to_owned();
    pool()
        .run(move || {
            let known = stored.is_some();
            let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
            let Ok(parsed) = PasswordHash::new(&stored) else {
                return false;
            };
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
                && known
        })
        .await
}

/// Sizes the process's pool; only the first call counts (one server per
/// process in production; in tests, every server of a test binary asks for
/// the same size).
pub fn configure(limits: HashLimits) {
    let _ = POOL.set(HashPool::new(limits));
}

/// What the pool has done since the process started: for tests and
/// diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    /// Hashes and checks started.
    pub started: u64,
    /// Requests refused because the queue was full.
    pub refused: u64,
    /// Requests waiting for a worker now.
    pub waiting: usize,
    /// The most hashes that have run at once.
    pub peak_running: usize,
}

pub fn stats() -> PoolStats {
    let pool = pool();
    PoolStats {
        started: pool.started.load(Ordering::SeqCst),
        refused: pool.refused.load(Ordering::SeqCst),
        waiting: pool.waiting.load(Ordering::SeqCst),
        peak_running: pool.peak.load(Ordering::SeqCst),
    }
}

/// Takes every worker until the guard is dropped, so a test can fill the
/// queue and see what is refused without racing the hashes themselves.
#[doc(hidden)]
pub async fn hold_every_worker() -> OwnedSemaphorePermit {
    let pool = pool();
    let workers = u32::try_from(pool.workers).unwrap_or(u32::MAX);
    pool.running
        .clone()
        .acquire_many_owned(workers)
        .await
        .expect("the pool's semaphore is never closed")
}

static POOL: OnceLock<HashPool> = OnceLock::new();

fn pool() -> &'static HashPool {
    POOL.get_or_init(|| HashPool::new(HashLimits::default()))
}

struct HashPool {
    workers: usize,
    /// One permit per hash that may run now.
    running: Arc<Semaphore>,
    /// One permit per hash that may run or wait; without one, a request is
    /// refused at once.
    admitted: Arc<Semaphore>,
    started: AtomicU64,
    refused: AtomicU64,
    waiting: AtomicUsize,
    active: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl HashPool {
    fn new(limits: HashLimits) -> HashPool {
        let workers = limits.workers.max(1);
        HashPool {
            workers,
            running: Arc::new(Semaphore::new(workers)),
            admitted: Arc::new(Semaphore::new(workers + limits.queue)),
            started: AtomicU64::new(0),
            refused: AtomicU64::new(0),
            waiting: AtomicUsize::new(0),
            active: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        }
    }

    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
        let Ok(admitted) = self.admitted.clone().try_acquire_owned() else {
            self.refused.fetch_add(1, Ordering::SeqCst);
            return Err(Error::Busy {
                retry_after_secs: 1,
            });
        };
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let running = self.running.clone().acquire_owned().await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        let running = running.map_err(anyhow::Error::from)?;
        self.started.fetch_add(1, Ordering::SeqCst);
        let (active, peak) = (self.active.clone(), self.peak.clone());
        // The permits go with the work: a request that gives up waiting for
        // its answer does not free its worker before the hash is done.
        tokio::task::spawn_blocking(move || {
            let now = active.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            let outcome = work();
            active.fetch_sub(1, Ordering::SeqCst);
            drop((running, admitted));
            outcome
        })
        .await
        .map_err(|err| Error::Internal(err.into()))
    }
}

/// The hash of a random password nobody knows, made once.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        let secret = crate::auth::tokens::random_token();
        Argon2::default()
            .hash_password(secret.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .unwrap_or_default()
    })
}
