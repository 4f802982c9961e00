//! One run per dataset at a time.
//!
//! Two cron runs that overlap on one dataset would race on the staging area
//! and the final renames. A run therefore holds an exclusive OS file lock
//! (`flock`) on `<dataset>/.gleaner.lock` from start to commit. The kernel
//! drops the lock when the process dies, however it dies, so a lock left by a
//! killed run is never an obstacle: the file stays behind with the dead
//! run's pid in it, and the next run takes it over and says so. The file is
//! never deleted (deleting it would let a third run lock a fresh inode while a
//! second still holds the old one).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// File name of the lock inside the dataset directory.
pub const LOCK_FILE: &str = ".gleaner.lock";

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("dataset {} is locked by another gleaner run ({holder}); use --wait to wait for it", .path.display())]
    Held { path: PathBuf, holder: String },
    #[error("lock file {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The lock object of an object-store dataset could not be read or
    /// written ([`super::remote_lock`]).
    #[error("dataset lock: {0}")]
    Store(#[from] crate::storage::StorageError),
    /// `GLEANER_LOCK_LEASE` is not a lease length.
    #[error("dataset lock: {0}")]
    Setting(String),
    /// Another run took over the lock of an object-store dataset after this
    /// run's lease ended.
    #[error("lost the dataset's lock: {0}")]
    Lost(String),
}

/// The held lock; released (and marked clean) when dropped.
#[derive(Debug)]
pub struct DatasetLock {
    file: File,
    /// What a previous run that died holding the lock had written, if any.
    pub stale: Option<String>,
}

impl DatasetLock {
    /// Locks `dir` (created if missing). With `wait`, blocks until the lock
    /// is free; without, fails at once with [`LockError::Held`].
    pub fn acquire(dir: &Path, wait: bool) -> Result<DatasetLock, LockError> {
        let path = dir.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) if wait => file.lock().map_err(io)?,
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                return Err(LockError::Held {
                    path: dir.to_path_buf(),
                    holder: if holder.is_empty() {
                        "holder unknown".into()
                    } else {
                        holder.to_string()
                    },
                });
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        // Ours now. Left-over text means the last holder died before its
        // clean release (which empties the file).
        let mut previous = String::new();
        file.read_to_string(&mut previous).map_err(io)?;
        let stale = Some(previous.trim().to_string()).filter(|p| !p.is_empty());
        let me = format!(
            "pid {} since {}",
            std::process::id(),
            chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ")
        );
        file.set_len(0).map_err(io)?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        file.write_all(me.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        Ok(DatasetLock { file, stale })
    }
}

impl Drop for DatasetLock {
    fn drop(&mut self) {
        // Empty = released cleanly; the kernel lock goes with the handle.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_holder_is_refused_then_admitted() {
        let dir = tempfile::tempdir().unwrap();
        let first = DatasetLock::acquire(dir.path(), false).unwrap();
        assert_eq!(first.stale, None);
        let err = DatasetLock::acquire(dir.path(), false).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains(&format!("pid {}", std::process::id())),
            "{message}"
        );
        drop(first);
        let again = DatasetLock::acquire(dir.path(), false).unwrap();
        assert_eq!(again.stale, None, "a clean release leaves no stale note");
    }

    #[test]
    fn lock_left_by_a_dead_run_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        // A run that was killed leaves its note but no kernel lock.
        std::fs::write(dir.path().join(LOCK_FILE), "pid 4242 since yesterday").unwrap();
        let lock = DatasetLock::acquire(dir.path(), false).unwrap();
        assert_eq!(lock.stale.as_deref(), Some("pid 4242 since yesterday"));
    }
}
