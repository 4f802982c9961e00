//! `gleaner run` over its memory limit: the [`sharded`] executor's passes,
//! each task run here, one after another.
//!
//! Why: the local executor holds every dedup sketch of the run and of the
//! release (about 4 KB a document with the LSH buckets and the containment
//! index), so a nightly that keeps adding to one release needs more memory
//! every night, and a first run of many millions of documents more than the
//! machine has. The sharded passes hold a task's share of that (band keys
//! by owner, the samples a task holds, the documents in a cluster edge),
//! so N tasks one after another need about a 1/N of it, at some speed:
//! every task streams the sketches from disk (stop 21's bench: 4 tasks
//! took 1.17× the local run's time and held half its peak). The tables are
//! those of a local run whatever N (`tests/test_shards.rs`), so which way a
//! run goes changes nothing in them.

use std::path::Path;

use super::local::MEMORY_BUDGET;
use super::sharded::{self, Pass, StageDone};
use crate::config::Config;
use crate::passes::Progress;
use crate::pipeline::{RunError, RunOptions, Summary};
use crate::release;

/// What a local run holds per document, released or new: 1M documents of
/// the pipeline bench (3 KB of text each) peaked at 3.9 GB, and 100,000
/// released plus 10,000 new at 0.5 GB.
pub const LOCAL_BYTES_PER_DOCUMENT: u64 = 4 << 10;
/// Input bytes assumed per new document, for the files a run will read
/// (the bench's news JSONL: 3.2 KB). Pages of HTML give fewer documents
/// per byte: the estimate errs toward partitions, never toward memory.
const INPUT_BYTES_PER_DOCUMENT: u64 = 3 << 10;
/// What a run holds besides dedup: cleaned documents up to the spill
/// budget, the entity models, buffers.
const FIXED_BYTES: u64 = MEMORY_BUDGET as u64 + (512 << 20);
/// Most partitions a run is cut into (a task reads every sketch file, so
/// more costs reading time for little memory).
const MAX_TASKS: u64 = 256;
/// `--max-memory` when none is given and the machine's memory is unknown.
const DEFAULT_MAX_MEMORY: u64 = 8 << 30;

/// How a run that adds `input_bytes` of files to a release of
/// `released_documents` fits into `max_memory` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    /// Estimated peak of a local run.
    pub local_bytes: u64,
    /// `None`: the local run fits; else the partitions to run instead.
    pub tasks: Option<usize>,
}

/// Whether a local run fits into `max_memory`, and if not, in how many
/// partitions each holding about `max_memory` less the fixed part.
pub fn fit(released_documents: u64, input_bytes: u64, max_memory: u64) -> Fit {
    let documents = released_documents + input_bytes.div_ceil(INPUT_BYTES_PER_DOCUMENT);
    let dedup = documents.saturating_mul(LOCAL_BYTES_PER_DOCUMENT);
    let local_bytes = dedup.saturating_add(FIXED_BYTES);
    let tasks = (local_bytes > max_memory).then(|| {
        let room = max_memory.saturating_sub(FIXED_BYTES).max(64 << 20);
        dedup.div_ceil(room).clamp(2, MAX_TASKS) as usize
    });
    Fit { local_bytes, tasks }
}

/// `--max-memory` by default: half the memory this process may use (the
/// rest is the page cache's and other programs'): the machine's, or less
/// where a control group limits it (a Slurm job's `--mem`, a container's
/// limit), else 8 GiB.
pub fn default_max_memory() -> u64 {
    let machine = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb * 1024)
        });
    let group = [
        "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes",
    ]
    .iter()
    .filter_map(|path| std::fs::read_to_string(path).ok())
    .find_map(|text| group_limit(&text));
    match (machine, group) {
        (Some(m), Some(g)) => m.min(g) / 2,
        (Some(m), None) => m / 2,
        (None, Some(g)) => g / 2,
        (None, None) => DEFAULT_MAX_MEMORY,
    }
}

/// A control group's memory limit as its file says it: `max` (cgroup v2)
/// or a page-rounded 2^63 (v1) mean none.
fn group_limit(text: &str) -> Option<u64> {
    let bytes: u64 = text.trim().parse().ok()?;
    (bytes < 1 << 62).then_some(bytes)
}

/// Plans the run into `work`, a directory inside the run's shared staging
/// area, with `tasks` shards and runs every task of every pass here, in
/// order; the commit task's summary is the run's. The commit removes the
/// staging area, `work` with it; a failed or killed run leaves both, and
/// they go as any dead run's staging does (planning the same run again,
/// or a later commit), since the staging area is marked as gleaner's
/// before the first task runs.
pub fn run(
    config: &Config,
    options: &RunOptions,
    tasks: usize,
    work: &Path,
    progress: &dyn Progress,
) -> Result<Summary, RunError> {
    let plan = sharded::plan(config, options, tasks, work)?;
    if let Some(staging) = work.parent() {
        release::mark_shared_staging(staging, plan.run)
            .map_err(|e| RunError::Pass(format!("{}: {e}", staging.display())))?;
    }
    for pass in Pass::ALL {
        for shard in 0..pass.tasks(tasks) {
            if let StageDone::Committed(summary) = sharded::run_stage(pass, shard, work, progress)?
            {
                return Ok(*summary);
            }
        }
    }
    Err(RunError::Pass(
        "the plan's commit task ended without committing".to_string(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_is_partitioned_only_past_its_memory_and_in_enough_parts() {
        let gib = 1u64 << 30;
        // 100,000 documents: 0.4 GB of sketches, well inside 8 GiB.
        assert_eq!(fit(100_000, 0, 8 * gib).tasks, None);
        // 10 million released: 41 GB. In 8 GiB less the fixed 1 GiB, six
        // parts of about 6.8 GB.
        let big = fit(10_000_000, 300 << 20, 8 * gib);
        assert!(big.local_bytes > 38 * gib);
        assert_eq!(big.tasks, Some(6));
        // New input counts too: 30 GB of JSONL is about 10 million documents.
        assert_eq!(fit(0, 30 * gib, 8 * gib).tasks, Some(6));
        // A limit below the fixed part still partitions, at the most.
        assert_eq!(fit(1_000, 0, 1).tasks, Some(2));
        assert_eq!(fit(u64::MAX / 2, u64::MAX / 2, 1).tasks, Some(256));
    }

    #[test]
    fn a_control_groups_limit_is_read_and_no_limit_is_none() {
        assert_eq!(group_limit("4294967296\n"), Some(4 << 30));
        assert_eq!(group_limit("max\n"), None);
        assert_eq!(group_limit("9223372036854771712\n"), None);
        assert!(default_max_memory() > 0);
    }
}
