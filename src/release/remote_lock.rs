//! One writer per object-store dataset, across machines.
//!
//! The OS lock of [`super::lock`] keeps out a second run on the same
//! machine only. Two hosts writing one object-store dataset would each
//! upload a manifest built on the same release, and the second upload would
//! drop the first run. So a run on an object-store dataset also holds a
//! lock object, `<prefix>/.gleaner.lock` (a dot file like the local lock,
//! listed by no manifest, so readers and `pull_release` never see it), from
//! before it pulls the release until its manifest is uploaded:
//!
//! - it is created with a conditional create (S3 `If-None-Match: *`): of two
//!   runs that start together, one creates it and the other is refused;
//! - it holds a lease, since no kernel drops it when its holder dies. The
//!   holder rewrites it every third of the lease, each time conditional on
//!   the ETag it wrote last. Once a lease has ended the lock is stale and
//!   the next run replaces it, conditional on the ETag it read, so of two
//!   runs taking it over only one wins (and a holder that was only slow
//!   finds out at its next renewal, before its manifest upload);
//! - the holder deletes it after the manifest upload, or when its run fails;
//!   a killed run leaves it, and it keeps the dataset until its lease ends.
//!
//! The lease's end is written in UTC by the holder's clock and compared
//! with the clocks of other hosts, which must therefore agree to well
//! within a lease (NTP does). Its length is [`DEFAULT_LEASE`], or
//! `GLEANER_LOCK_LEASE` seconds.

use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::lock::{LockError, LOCK_FILE};
use crate::storage::{ObjectHandle, Remote, Version};

/// How long a lease lasts unless renewed: long enough that a holder whose
/// renewals fail for a minute or two (a network blip) keeps it, short
/// enough that a killed run blocks the dataset for minutes, not hours.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(600);
/// Environment variable overriding the lease, in seconds.
pub const LEASE_ENV: &str = "GLEANER_LOCK_LEASE";
/// How often `--wait` looks again: object stores cannot notify a waiter.
const WAIT_POLL: Duration = Duration::from_secs(5);
const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

/// The lock object's content: who holds the lock and until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub host: String,
    pub pid: u32,
    /// A random id of the holding run, unique where host and pid may not be
    /// (containers), so a holder recognises its own lock.
    pub run: String,
    /// When the holder took the lock (UTC).
    pub since: String,
    /// When the lease ends unless renewed (UTC).
    pub until: String,
}

impl Lease {
    fn new(run: &str, now: DateTime<Utc>, length: Duration) -> Lease {
        Lease {
            host: host_name(),
            pid: std::process::id(),
            run: run.to_string(),
            since: now.format(TIME_FORMAT).to_string(),
            until: end_of(now, length),
        }
    }

    fn parse(bytes: &[u8]) -> Result<Lease, String> {
        let lease: Lease = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        lease.end()?;
        Ok(lease)
    }

    fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("a lease serialises")
    }

    fn end(&self) -> Result<DateTime<Utc>, String> {
        DateTime::parse_from_rfc3339(&self.until)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| format!("until {:?}: {e}", self.until))
    }

    /// Whether the lease has ended at `now`: its holder stopped renewing
    /// it, so it died or lost touch with the store.
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.end().map_or(true, |end| end <= now)
    }

    /// The holder, for messages: host, pid, run, since, lease end.
    pub fn describe(&self) -> String {
        format!(
            "host {}, pid {}, run {}, since {}, lease until {}",
            self.host, self.pid, self.run, self.since, self.until
        )
    }
}

fn end_of(now: DateTime<Utc>, length: Duration) -> String {
    let length = chrono::Duration::from_std(length).unwrap_or(chrono::Duration::MAX);
    (now + length).format(TIME_FORMAT).to_string()
}

/// The lease length `value` (of [`LEASE_ENV`]) asks for: whole seconds, at
/// least 3 so that renewing every third of it is at most once a second.
pub fn lease_length(value: Option<&str>) -> Result<Duration, LockError> {
    let Some(value) = value else {
        return Ok(DEFAULT_LEASE);
    };
    match value.trim().parse::<u64>() {
        Ok(seconds) if seconds >= 3 => Ok(Duration::from_secs(seconds)),
        _ => Err(LockError::Setting(format!(
            "{LEASE_ENV}={value:?}: expected a whole number of seconds, at least 3"
        ))),
    }
}

/// The held lock object; renewed by a thread while held, deleted on
/// [`RemoteLock::release`] or drop.
pub struct RemoteLock {
    /// The dataset's URL.
    url: String,
    shared: Arc<Shared>,
    renewer: Option<JoinHandle<()>>,
    /// The lease of a run that stopped renewing it, when this run took
    /// the lock over.
    pub stale: Option<Lease>,
}

struct Shared {
    held: Mutex<Held>,
    stop: Condvar,
}

struct Held {
    object: ObjectHandle,
    lease: Lease,
    version: Version,
    length: Duration,
    /// Why the lock is no longer ours, once a renewal found it replaced.
    lost: Option<String>,
    stopped: bool,
}

impl Held {
    /// Extends the lease, conditional on the version this holder wrote last.
    fn renew(&mut self) -> Result<(), LockError> {
        if let Some(why) = &self.lost {
            return Err(LockError::Lost(why.clone()));
        }
        let mut next = self.lease.clone();
        next.until = end_of(Utc::now(), self.length);
        match self.object.put_if(next.to_bytes(), Some(&self.version))? {
            Some(version) => {
                self.version = version;
                self.lease = next;
                Ok(())
            }
            // A write whose reply was lost and that the client retried
            // fails its condition against itself: the object holds `next`.
            None if self.holds(&next)? => Ok(()),
            None => {
                let why = format!(
                    "{}: another run took the lock over after this run's lease (until {}) ended \
                     without a renewal; this run uploads nothing more",
                    self.object.url(),
                    self.lease.until
                );
                self.lost = Some(why.clone());
                Err(LockError::Lost(why))
            }
        }
    }

    /// Whether the lock object holds `lease` (adopting its version if so).
    fn holds(&mut self, lease: &Lease) -> Result<bool, LockError> {
        let Some((bytes, version)) = self.object.read()? else {
            return Ok(false);
        };
        if Lease::parse(&bytes).ok().as_ref() != Some(lease) {
            return Ok(false);
        }
        self.version = version;
        self.lease = lease.clone();
        Ok(true)
    }
}

impl RemoteLock {
    /// Takes the lock of the object-store dataset at `remote`. With `wait`,
    /// polls until the holder releases it or its lease ends; without, fails
    /// at once with [`LockError::Held`] naming the holder.
    pub fn acquire(remote: &Remote, wait: bool) -> Result<RemoteLock, LockError> {
        let length = lease_length(std::env::var(LEASE_ENV).ok().as_deref())?;
        let object = ObjectHandle::open(remote, LOCK_FILE)?;
        let run = run_id();
        let mut stale = None;
        let (lease, version) = loop {
            let mine = Lease::new(&run, Utc::now(), length);
            if let Some(version) = object.put_if(mine.to_bytes(), None)? {
                break (mine, version);
            }
            let Some((bytes, seen)) = object.read()? else {
                continue; // released since: create it again
            };
            let other = Lease::parse(&bytes).map_err(|e| LockError::Held {
                path: PathBuf::from(&remote.url),
                holder: format!(
                    "{} is unreadable ({e}); delete it if no gleaner run is writing the dataset",
                    object.url()
                ),
            })?;
            if other.run == run && other.pid == mine.pid {
                // Our own create, retried by the client after its reply
                // was lost.
                break (other, seen);
            }
            if other.expired(Utc::now()) {
                if let Some(version) = object.put_if(mine.to_bytes(), Some(&seen))? {
                    stale = Some(other);
                    break (mine, version);
                }
                continue; // another run took it over first, or the holder renewed
            }
            if !wait {
                return Err(LockError::Held {
                    path: PathBuf::from(&remote.url),
                    holder: other.describe(),
                });
            }
            std::thread::sleep(WAIT_POLL);
        };
        let shared = Arc::new(Shared {
            held: Mutex::new(Held {
                object,
                lease,
                version,
                length,
                lost: None,
                stopped: false,
            }),
            stop: Condvar::new(),
        });
        let renewer = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("gleaner-lock-lease".into())
                .spawn(move || renew_until_stopped(&shared))
                .map_err(|source| LockError::Io {
                    path: PathBuf::from(&remote.url),
                    source,
                })?
        };
        Ok(RemoteLock {
            url: remote.url.clone(),
            shared,
            renewer: Some(renewer),
            stale,
        })
    }

    /// The warning that the lock was taken over from a run that stopped
    /// renewing its lease, if it was.
    pub fn took_over(&self) -> Option<String> {
        self.stale.as_ref().map(|s| {
            format!(
                "took over the lock of {} from a run whose lease had ended ({})",
                self.url,
                s.describe()
            )
        })
    }

    /// Renews the lease now, proving the lock is still this run's: called
    /// before the upload that commits, so a run whose lease ran out and
    /// was taken over uploads nothing.
    pub fn confirm(&self) -> Result<(), LockError> {
        guard(&self.shared.held).renew()
    }

    /// Stops renewing and deletes the lock object, if it is still ours.
    /// A failure to delete it is a warning, not an error: the run's work is
    /// done, and the object only keeps the dataset until its lease ends.
    pub fn release(mut self) -> Option<String> {
        self.stop()
            .err()
            .map(|e| format!("{e}; the lock stays until its lease ends"))
    }

    fn stop(&mut self) -> Result<(), LockError> {
        let Some(renewer) = self.renewer.take() else {
            return Ok(());
        };
        guard(&self.shared.held).stopped = true;
        self.shared.stop.notify_all();
        let _ = renewer.join();
        let held = guard(&self.shared.held);
        if held.lost.is_some() {
            return Ok(());
        }
        // Ours unless a renewal failed for a whole lease and another run
        // took it over: then it is theirs to delete.
        let ours = held
            .object
            .read()?
            .and_then(|(bytes, _)| Lease::parse(&bytes).ok())
            .is_some_and(|l| l.run == held.lease.run && l.pid == held.lease.pid);
        if ours {
            held.object.delete()?;
        }
        Ok(())
    }
}

impl Drop for RemoteLock {
    fn drop(&mut self) {
        // A failed run releases too; only a killed one leaves the lease
        // to run out.
        let _ = self.stop();
    }
}

fn guard(held: &Mutex<Held>) -> std::sync::MutexGuard<'_, Held> {
    held.lock().unwrap_or_else(|e| e.into_inner())
}

/// The lease thread: renews every third of the lease until stopped or the
/// lock is lost. A failed renewal (the store unreachable) is tried again
/// at the next tick; the lease leaves two more before it ends.
fn renew_until_stopped(shared: &Shared) {
    let mut held = guard(&shared.held);
    loop {
        let tick = held.length / 3;
        held = shared
            .stop
            .wait_timeout(held, tick)
            .unwrap_or_else(|e| e.into_inner())
            .0;
        if held.stopped || held.lost.is_some() {
            return;
        }
        let _ = held.renew();
    }
}

/// A random id for this run's lease: std's hasher keys are random per
/// process, which is all the randomness it needs.
fn run_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    format!("{:08x}", hasher.finish() as u32)
}

fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is writable for its whole length.
        if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            if end > 0 {
                return String::from_utf8_lossy(&buf[..end]).into_owned();
            }
        }
    }
    std::env::var("HOSTNAME")
        .or_else(|_| std::env::var("COMPUTERNAME"))
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_lease_ends_its_length_after_it_was_written() {
        let lease = Lease::new("ab12cd34", at("2026-01-02T03:04:05Z"), DEFAULT_LEASE);
        assert_eq!(lease.since, "2026-01-02T03:04:05Z");
        assert_eq!(lease.until, "2026-01-02T03:14:05Z");
        assert!(!lease.expired(at("2026-01-02T03:14:04Z")));
        assert!(lease.expired(at("2026-01-02T03:14:05Z")));
        assert_eq!(Lease::parse(&lease.to_bytes()), Ok(lease.clone()));
        let said = lease.describe();
        assert!(
            said.contains("run ab12cd34, since 2026-01-02T03:04:05Z"),
            "{said}"
        );
        assert!(said.contains("lease until 2026-01-02T03:14:05Z"), "{said}");
    }

    #[test]
    fn an_unreadable_lock_object_is_not_a_lease() {
        assert!(Lease::parse(b"pid 4242 since yesterday").is_err());
        let mut lease = Lease::new("x", Utc::now(), DEFAULT_LEASE);
        lease.until = "soon".into();
        assert!(Lease::parse(&lease.to_bytes()).is_err());
        assert!(lease.expired(Utc::now()), "no end is no lease");
    }

    #[test]
    fn the_lease_length_comes_from_the_environment_or_defaults() {
        assert_eq!(lease_length(None).unwrap(), DEFAULT_LEASE);
        assert_eq!(lease_length(Some("90")).unwrap(), Duration::from_secs(90));
        for bad in ["2", "ten", "-5", ""] {
            let message = lease_length(Some(bad)).unwrap_err().to_string();
            assert!(message.contains(LEASE_ENV), "{message}");
        }
    }

    #[test]
    fn run_ids_differ() {
        assert_ne!(run_id(), run_id());
        assert_eq!(run_id().len(), 8);
    }
}
