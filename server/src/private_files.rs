//! Files only the server's own user may read: the database, the secret key
//! and uploaded files hold what a firm's clients said, so another account on
//! the same machine must not be able to open them, whatever its umask.

use std::io;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};

const DIR_MODE: u32 = 0o700;
const FILE_MODE: u32 = 0o600;

/// `std::fs::create_dir_all`, with every directory it makes private.
pub fn create_dir_all(path: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(DIR_MODE);
    builder.create(path)
}

/// `tokio::fs::create_dir_all`, with every directory it makes private.
pub async fn create_dir_all_async(path: &Path) -> io::Result<()> {
    let mut builder = tokio::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(DIR_MODE);
    builder.create(path).await
}

/// Options that create a new file private (the caller adds read or write).
pub fn new_file() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.create_new(true);
    #[cfg(unix)]
    options.mode(FILE_MODE);
    options
}

/// Creates `path` empty and private unless it exists. SQLite gives its
/// `-wal` and `-shm` files the mode of the database file, so creating the
/// database this way before SQLite opens it makes all three private.
pub fn touch(path: &Path) -> io::Result<()> {
    match new_file().write(true).open(path) {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(err),
    }
}
