//! Ctrl-C and `kill` (SIGINT, SIGTERM, SIGHUP) during a run.
//!
//! A run stages its files in a directory of its own; when it is interrupted
//! before its commit, that directory is removed before the process exits,
//! so an interrupted cron run leaves nothing behind. During the commit
//! itself the signal waits until the commit is done: the commit journal
//! covers a harder kill (`kill -9`), a signal need not.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Staging directories of runs in this process that have not committed.
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Held for the whole of a commit; the signal handler takes it first.
static COMMITTING: Mutex<()> = Mutex::new(());

/// Exit status for a run stopped by a signal (128 + SIGINT).
const INTERRUPTED: i32 = 130;

/// Records a staging directory to remove if the process is interrupted.
pub fn register_staging(dir: &Path) {
    if let Ok(mut dirs) = STAGING.lock() {
        dirs.push(dir.to_path_buf());
    }
}

/// Forgets a staging directory (committed or removed).
pub fn unregister_staging(dir: &Path) {
    if let Ok(mut dirs) = STAGING.lock() {
        dirs.retain(|d| d != dir);
    }
}

/// Held while a commit renames files: a signal waits for it to finish.
pub fn commit_guard() -> std::sync::MutexGuard<'static, ()> {
    COMMITTING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Removes `dir`, which the run's writer threads may still be adding
/// files to: `remove_dir_all` then fails on a directory that is not empty
/// any more, so it is tried again until the directory is gone (the
/// writers fail once it is).
fn remove_while_written(dir: &Path) {
    for _ in 0..100 {
        match std::fs::remove_dir_all(dir) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            _ => return,
        }
    }
}

/// Installs the handler: on SIGINT, SIGTERM or SIGHUP, wait for a commit in
/// progress, remove the registered staging directories, say so on stderr and
/// exit with status 130. For the binary; the library never calls it.
pub fn install_cleanup_on_signal() -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let _commit = commit_guard();
                let dirs = STAGING.lock().map(|d| d.clone()).unwrap_or_default();
                for dir in &dirs {
                    remove_while_written(dir);
                }
                eprintln!(
                    "gleaner: interrupted (signal {signal}); removed {} staging director(ies), the release is unchanged",
                    dirs.len()
                );
                std::process::exit(INTERRUPTED);
            }
        })?;
    Ok(())
}
