//! Group commit for SQLite: many transactions, one fsync.
//!
//! The write connection runs with `synchronous = NORMAL`, so a commit writes
//! the WAL but does not wait for the disk, and the next transaction can start
//! at once. The request that committed does not answer until `Syncer::wait`
//! says the WAL has reached the disk: the first waiter becomes the leader and
//! fsyncs the WAL file, which covers every transaction committed before the
//! fsync began; the waiters that arrive meanwhile wait for the next round.
//! Acknowledged still means durable, but one fsync now serves every commit
//! that happened while the previous one ran.
//!
//! Checkpoints need no help: with `synchronous = NORMAL` SQLite syncs the WAL
//! before copying it into the database and the database after.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::{watch, Mutex};

pub struct Syncer {
    wal: PathBuf,
    db: PathBuf,
    /// Commits finished so far.
    committed: AtomicU64,
    /// Commits known to be on disk.
    synced: watch::Sender<u64>,
    /// Held by the waiter that is running an fsync.
    leader: Mutex<()>,
}

impl Syncer {
    pub fn new(db: PathBuf) -> Syncer {
        let mut wal = db.clone().into_os_string();
        wal.push("-wal");
        Syncer {
            wal: wal.into(),
            db,
            committed: AtomicU64::new(0),
            synced: watch::channel(0).0,
            leader: Mutex::new(()),
        }
    }

    /// Called right after a commit returns; resolves once that commit is on
    /// disk.
    pub async fn wait(&self) -> std::io::Result<()> {
        let ticket = self.committed.fetch_add(1, Ordering::SeqCst) + 1;
        let mut synced = self.synced.subscribe();
        loop {
            if *synced.borrow_and_update() >= ticket {
                return Ok(());
            }
            if let Ok(leading) = self.leader.try_lock() {
                if *self.synced.borrow() >= ticket {
                    return Ok(());
                }
                let target = self.committed.load(Ordering::SeqCst);
                let (wal, db) = (self.wal.clone(), self.db.clone());
                let outcome = tokio::task::spawn_blocking(move || fsync(&wal, &db))
                    .await
                    .map_err(std::io::Error::other)
                    .and_then(|synced| synced);
                // Give up the lead before waking the others: a waiter woken
                // while it is still held would find it taken and wait for a
                // wake-up that no one is left to send.
                drop(leading);
                match outcome {
                    Ok(()) => self
                        .synced
                        .send_modify(|synced| *synced = (*synced).max(target)),
                    Err(err) => {
                        // The others try again themselves.
                        self.synced.send_modify(|_| {});
                        return Err(err);
                    }
                }
                continue;
            }
            // Someone else is syncing; their result (or our turn) wakes us.
            if synced.changed().await.is_err() {
                return Err(std::io::Error::other("syncer closed"));
            }
        }
    }
}

/// Flushes the WAL (and, if there is none, the database file) to disk.
fn fsync(wal: &std::path::Path, db: &std::path::Path) -> std::io::Result<()> {
    match std::fs::File::open(wal) {
        Ok(file) => file.sync_data(),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            std::fs::File::open(db)?.sync_data()
        }
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::Syncer;

    /// Every commit's wait ends, however the waiters interleave: none is
    /// left waiting for a wake-up that never comes.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_waiter_is_released_when_many_commit_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("parlor.db");
        std::fs::write(&db, b"").unwrap();
        std::fs::write(dir.path().join("parlor.db-wal"), b"").unwrap();
        let syncer = Arc::new(Syncer::new(db));
        for _round in 0..20 {
            let waiters: Vec<_> = (0..50)
                .map(|_| {
                    let syncer = syncer.clone();
                    tokio::spawn(async move { syncer.wait().await })
                })
                .collect();
            for waiter in waiters {
                tokio::time::timeout(std::time::Duration::from_secs(30), waiter)
                    .await
                    .expect("a waiter was never released")
                    .unwrap()
                    .unwrap();
            }
        }
        assert_eq!(
            *syncer.synced.borrow(),
            1000,
            "all 1,000 commits are on disk"
        );
    }
}
