//! A dataset directory as a release that runs add to.
//!
//! Where each run's files go (Hive-style `run=<id>` partitions, so DuckDB and
//! polars read all runs of a table as one), which inputs a run must read
//! (new or changed since the release), whether it must rebuild everything,
//! and which files an interrupted run left behind. The manifest is the
//! commit point: files it does not list belong to no release. gleaner
//! deletes only what it can prove it wrote: staging directories that carry
//! its marker, files a commit journal names ([`journal`]), and files the
//! previous manifest listed that the new one supersedes.

mod commit;
mod interrupt;
mod journal;
pub mod lock;
pub mod remote_lock;
pub mod repair;
pub mod state;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

pub use commit::{
    no_op_counts, released_bodies, released_index, stage_part, table_metadata, RunCommit,
};
pub use interrupt::{
    commit_guard, install_cleanup_on_signal, register_staging, unregister_staging,
};
pub use journal::{
    finish_interrupted_commit, remove_release_file, sync_dir, CommitJournal, JOURNAL_FILE,
};

use crate::discover::{mtime, InputFile};
use crate::write::manifest::{InputRecord, Manifest};
use crate::write::schema;

/// Directory of the state incremental runs build on.
pub const STATE_DIR: &str = "_state";
/// The state stores under [`STATE_DIR`]: the dedup index, the frequent
/// line counts, and the entity keys of every document (for the totals per
/// canonical entity).
pub const STATE_STORES: [&str; 3] = ["index", "lines", "entity_docs"];
/// The tables every run rewrites whole (totals over all runs): only the
/// last run's partition belongs to the release.
pub const TOTALS_TABLES: [&str; 2] = ["entities", "canonical_entities"];
/// Prefix of the staging directory a sharded run's tasks share
/// (`.shards-run3`); not removed by [`remove_dead_staging`], since its
/// tasks run without the dataset lock.
pub const SHARDS_PREFIX: &str = ".shards-run";
/// File inside a staging directory that proves a gleaner run made it.
pub const STAGING_MARKER: &str = ".gleaner-staging";

/// Whether `dir` is a staging directory a gleaner run made (it holds the
/// marker), and so may be removed once that run is gone.
pub fn is_our_staging(dir: &Path) -> bool {
    dir.join(STAGING_MARKER).is_file()
}

/// Creates the shared staging area `dir` of run `run` of a sharded run (if
/// missing) with the marker that proves it gleaner's: its first task, or a
/// run that plans itself into it, before anything else is written there.
pub fn mark_shared_staging(dir: &Path, run: u32) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let marker = dir.join(STAGING_MARKER);
    if !marker.exists() {
        std::fs::write(&marker, format!("run {run}\n"))?;
    }
    Ok(())
}

/// Removes the staging directories that dead runs left in `dir`: those with
/// gleaner's marker, and empty ones (a run killed between creating the
/// directory and writing the marker). Anything else is left alone. Safe only
/// under the dataset lock, when no other run can be using them. Returns how
/// many were removed.
pub fn remove_dead_staging(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".staging-"))
        .filter(|e| {
            let path = e.path();
            if is_our_staging(&path) {
                std::fs::remove_dir_all(&path).is_ok()
            } else {
                std::fs::remove_dir(&path).is_ok()
            }
        })
        .count()
}

/// Removes the staging directories of sharded runs (`.shards-run<id>`,
/// with gleaner's marker) whose id is at most `last_run`, the release's last
/// run: each either committed or can no longer commit (its plan was made
/// against an older release). Safe only under the dataset lock. Returns how
/// many were removed.
pub fn remove_finished_shards(dir: &Path, last_run: u32) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_prefix(SHARDS_PREFIX)
                .and_then(|id| id.parse::<u32>().ok())
                .is_some_and(|id| id <= last_run)
        })
        .filter(|e| is_our_staging(&e.path()) && std::fs::remove_dir_all(e.path()).is_ok())
        .count()
}

/// Where run `run` writes table `table`: `documents/run=3/part-0.parquet`.
pub fn part_file(table: &str, run: u32) -> String {
    shard_file(table, run, 0, 1)
}

/// Where shard `shard` of `shards` of run `run` writes its part of table
/// `table`: `documents/run=3/part-2.parquet`. Numbers are zero-padded to
/// the width of the last one, so that readers that list files by name
/// (DuckDB's and polars' globs) read the parts in shard order; one shard
/// writes `part-0`, as a local run does.
pub fn shard_file(table: &str, run: u32, shard: usize, shards: usize) -> String {
    let width = shards.saturating_sub(1).max(1).to_string().len();
    format!("{table}/run={run}/part-{shard:0width$}.parquet")
}

/// Where run `run` writes state store `store`: `_state/index/run=3/part-0.parquet`.
pub fn state_file(store: &str, run: u32) -> String {
    state_shard_file(store, run, 0, 1)
}

/// Where shard `shard` of `shards` writes its part of state store `store`.
pub fn state_shard_file(store: &str, run: u32, shard: usize, shards: usize) -> String {
    format!("{STATE_DIR}/{}", shard_file(store, run, shard, shards))
}

/// What the dataset directory held when a run started.
#[derive(Debug)]
pub enum Previous {
    /// No manifest: nothing released yet.
    Nothing,
    /// A release this run can add to.
    Release(Box<Manifest>),
    /// A manifest that cannot be read (damaged, or another gleaner's
    /// layout), with the reason.
    Unusable(String),
    /// No manifest, but files laid out like a release's (partitions whose
    /// manifest was lost, or a user's own `documents.parquet`): nothing
    /// proves gleaner wrote them, so a run must not touch them.
    Orphaned(Vec<String>),
}

impl Previous {
    /// Reads the manifest of `dir`, if there is one.
    pub fn load(dir: &Path) -> Previous {
        if !dir.join("manifest.json").exists() {
            let files = release_files(dir);
            if files.is_empty() {
                return Previous::Nothing;
            }
            return Previous::Orphaned(files);
        }
        match Manifest::load(dir) {
            Ok(m) => Previous::Release(Box::new(m)),
            Err(e) => Previous::Unusable(e),
        }
    }

    pub fn manifest(&self) -> Option<&Manifest> {
        match self {
            Previous::Release(m) => Some(m),
            _ => None,
        }
    }
}

/// The id of the next run: above every run released or left on disk, so a
/// rebuild never writes over a file the current release still lists.
pub fn next_run(dir: &Path, previous: &Previous) -> u32 {
    let released = previous.manifest().map_or(0, Manifest::last_run);
    let on_disk = release_files(dir)
        .iter()
        .filter_map(|f| run_of(f))
        .max()
        .unwrap_or(0);
    released.max(on_disk) + 1
}

/// The run id in a partition path (`…/run=3/…`).
pub(crate) fn run_of(file: &str) -> Option<u32> {
    file.split('/')
        .find_map(|part| part.strip_prefix("run="))
        .and_then(|id| id.parse().ok())
}

/// Files of `dir` laid out the way releases are (relative paths):
/// partitions of every table and state store, and the single-file tables
/// of gleaner's earlier layout (`documents.parquet`). Anything else in the
/// directory is not gleaner's and is never touched.
pub fn release_files(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let tables: Vec<&str> = schema::all().iter().map(|(name, _)| *name).collect();
    let mut roots: Vec<String> = tables.iter().map(|t| t.to_string()).collect();
    roots.extend(STATE_STORES.iter().map(|s| format!("{STATE_DIR}/{s}")));
    for root in &roots {
        let Ok(runs) = std::fs::read_dir(dir.join(root)) else {
            continue;
        };
        for run in runs.flatten() {
            let name = run.file_name().to_string_lossy().to_string();
            if !name.starts_with("run=") {
                continue;
            }
            let Ok(parts) = std::fs::read_dir(run.path()) else {
                continue;
            };
            for part in parts.flatten() {
                let file = part.file_name().to_string_lossy().to_string();
                if file.starts_with("part-") && file.ends_with(".parquet") {
                    found.push(format!("{root}/{name}/{file}"));
                }
            }
        }
    }
    for table in tables {
        let flat = format!("{table}.parquet");
        if dir.join(&flat).is_file() {
            found.push(flat);
        }
    }
    found.sort();
    found
}

/// Release files of `dir` that `manifest` does not list (all of them when
/// there is no manifest): an interrupted run's, or superseded ones.
pub fn untracked_files(dir: &Path, manifest: Option<&Manifest>) -> Vec<String> {
    let listed: BTreeSet<&str> = manifest
        .map(|m| m.parts().map(|(_, p)| p.file.as_str()).collect())
        .unwrap_or_default();
    release_files(dir)
        .into_iter()
        .filter(|f| !listed.contains(f.as_str()))
        .collect()
}

/// Checks that `output` can hold a dataset: not a file, not `/`, and not
/// inside one of the `inputs` (a run would read its own tables back as
/// input next time). `inputs` are input paths or globs; a glob counts from
/// the directory before its first wildcard.
pub fn check_output(output: &Path, inputs: &[PathBuf]) -> Result<(), String> {
    let shown = output.display();
    if output.exists() && !output.is_dir() {
        return Err(format!(
            "--output {shown} is a file, not a directory; give a directory for the dataset"
        ));
    }
    let resolved = resolve(output);
    if resolved.parent().is_none() {
        return Err(format!(
            "--output {shown} is the root directory; give a directory of its own for the dataset"
        ));
    }
    for input in inputs {
        let root = glob_root(input);
        if !root.is_dir() {
            continue;
        }
        let root = resolve(&root);
        if resolved.starts_with(&root) {
            return Err(format!(
                "--output {shown} is inside the input directory {}: the next run would read \
                 the dataset's own files as input; put the dataset outside the inputs",
                input.display()
            ));
        }
    }
    Ok(())
}

/// The directory part of a path or glob, up to its first wildcard.
fn glob_root(input: &Path) -> PathBuf {
    let mut root = PathBuf::new();
    for part in input.components() {
        if part.as_os_str().to_string_lossy().contains(['*', '?', '[']) {
            break;
        }
        root.push(part);
    }
    if root.as_os_str().is_empty() {
        root.push(".");
    }
    root
}

/// `path` made absolute with symlinks resolved, for the part of it that
/// exists (the dataset directory may not exist yet).
fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |p, c| p.join(c));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Files the `previous` release lists that `next` does not: what a commit
/// of `next` removes (the last entity totals; everything, after a rebuild).
pub fn superseded_files(previous: Option<&Manifest>, next: &Manifest) -> Vec<String> {
    let Some(previous) = previous else {
        return Vec::new();
    };
    let kept: BTreeSet<&str> = next.parts().map(|(_, p)| p.file.as_str()).collect();
    previous
        .parts()
        .map(|(_, p)| p.file.clone())
        .filter(|f| !kept.contains(f.as_str()))
        .collect()
}

/// Which inputs a run reads.
#[derive(Debug, Default)]
pub struct InputPlan {
    /// New inputs, and inputs whose size or modification time changed.
    pub read: Vec<InputFile>,
    /// Records of released inputs that look unchanged (same path, size and
    /// modification time), carried into the new manifest as they are.
    pub unchanged: Vec<InputRecord>,
}

/// Splits discovered `files` into those to read and those already released.
/// Only `stat` is needed for an unchanged file, so a run over a large,
/// mostly old directory does no reading; but a file modified in the second
/// it was read ([`InputRecord::recheck`]) is hashed as well, since a
/// same-size rewrite later in that second left its size and mtime alone
/// (once hashed the same after that second, its record loses the mark).
pub fn plan_inputs(files: Vec<InputFile>, released: &[InputRecord]) -> InputPlan {
    let by_path: HashMap<&str, &InputRecord> =
        released.iter().map(|r| (r.path.as_str(), r)).collect();
    let mut plan = InputPlan::default();
    // Before the hashes: a file hashed in its own second stays marked.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    for file in files {
        let same = by_path.get(file.display.as_str()).filter(|r| {
            let stat_same = std::fs::metadata(&file.path)
                .map(|m| m.len() == r.size && mtime(&m) == r.mtime)
                .unwrap_or(false);
            stat_same
                && (!r.recheck
                    || crate::write::manifest::file_hash(&file.path).is_ok_and(|h| h == r.hash))
        });
        match same {
            Some(record) => {
                // Hashed the same after its second ended: settled, and
                // one `stat` is enough from the next release on.
                let settled = record.mtime < now;
                plan.unchanged.push(InputRecord {
                    recheck: record.recheck && !settled,
                    ..(*record).clone()
                })
            }
            None => plan.read.push(file),
        }
    }
    plan
}

/// Paths of the partitions of state store `store` in `manifest`.
pub fn state_files(dir: &Path, manifest: &Manifest, store: &str) -> Vec<PathBuf> {
    manifest
        .state
        .get(store)
        .map(|t| t.parts.iter().map(|p| dir.join(&p.file)).collect())
        .unwrap_or_default()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn touch(dir: &Path, file: &str) {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, b"x").unwrap();
    }

    #[test]
    fn only_release_shaped_files_are_found_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "documents/run=1/part-0.parquet",
            "documents/run=2/part-0.parquet",
            "_state/index/run=2/part-0.parquet",
            "entities.parquet",
            "documents/notes.txt",
            "documents/run=1/mine.csv",
            "other/run=9/part-0.parquet",
        ] {
            touch(d, f);
        }
        assert_eq!(
            release_files(d),
            [
                "_state/index/run=2/part-0.parquet",
                "documents/run=1/part-0.parquet",
                "documents/run=2/part-0.parquet",
                "entities.parquet",
            ]
        );
        assert_eq!(next_run(d, &Previous::Nothing), 3);
        // Without a manifest, nothing proves these are gleaner's.
        assert!(matches!(Previous::load(d), Previous::Orphaned(f) if f.len() == 4));
    }

    #[test]
    fn output_may_not_be_a_file_the_root_or_inside_an_input() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        touch(d, "in/a.txt");
        touch(d, "file");
        let inputs = [d.join("in"), d.join("in2/*.txt")];
        assert!(check_output(&d.join("out/ds"), &inputs).is_ok());
        assert!(check_output(&d.join("file"), &inputs)
            .unwrap_err()
            .contains("is a file"));
        assert!(check_output(Path::new("/"), &inputs)
            .unwrap_err()
            .contains("root"));
        let inside = check_output(&d.join("in/../in/ds"), &inputs).unwrap_err();
        assert!(inside.contains("inside the input directory"), "{inside}");
        std::fs::create_dir(d.join("in2")).unwrap();
        assert!(
            check_output(&d.join("in2/ds"), &inputs).is_err(),
            "glob root counts"
        );
    }

    #[test]
    fn only_marked_or_empty_staging_directories_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        touch(d, &format!(".staging-1/{STAGING_MARKER}"));
        touch(d, ".staging-1/documents/run=3/part-0.parquet");
        std::fs::create_dir(d.join(".staging-2")).unwrap();
        touch(d, ".staging-3/users-own-file");
        assert_eq!(remove_dead_staging(d), 2);
        assert!(!d.join(".staging-1").exists());
        assert!(!d.join(".staging-2").exists());
        assert!(d.join(".staging-3/users-own-file").exists());
    }

    #[test]
    fn unchanged_inputs_are_known_by_size_and_mtime_and_by_hash_if_read_as_they_changed() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            let meta = std::fs::metadata(&path).unwrap();
            let input = InputFile {
                display: name.to_string(),
                path,
            };
            let record = InputRecord {
                path: name.to_string(),
                run: 1,
                format: "text".into(),
                size: meta.len(),
                mtime: mtime(&meta),
                hash: crate::write::manifest::file_hash(&input.path).unwrap(),
                recheck: false,
                documents: 1,
                repaired_utf8: 0,
                warnings: vec![],
            };
            (input, record)
        };
        let (a, ra) = file("a.txt", "old");
        let (b, mut rb) = file("b.txt", "grown");
        rb.size -= 1;
        let (c, _) = file("c.txt", "new");
        let plan = plan_inputs(vec![a, b.clone(), c.clone()], &[ra.clone(), rb]);
        assert_eq!(plan.read, [b, c]);
        assert_eq!(plan.unchanged.len(), 1);
        assert_eq!(plan.unchanged[0].path, ra.path);

        // Read in the second it was written, then written again in that
        // second with as many bytes: size and mtime are the same, the text
        // is not. Before, it was taken as unchanged and the new text never
        // read; the hash tells.
        let (d, mut rd) = file("d.txt", "first");
        rd.recheck = true;
        let set_mtime = |when: std::time::SystemTime| {
            let f = std::fs::File::options().write(true).open(&d.path).unwrap();
            f.set_modified(when).unwrap();
            mtime(&std::fs::metadata(&d.path).unwrap())
        };
        // The same bytes are unchanged; the mark stays while the file's
        // second lasts (here, a clock ahead), and goes once it is over.
        let now = std::time::SystemTime::now();
        let hour = std::time::Duration::from_secs(3600);
        for (when, marked) in [(now + hour, true), (now - hour, false)] {
            rd.mtime = set_mtime(when);
            let plan = plan_inputs(vec![d.clone()], std::slice::from_ref(&rd));
            assert_eq!(plan.unchanged.len(), 1);
            assert_eq!(plan.unchanged[0].recheck, marked);
        }
        std::fs::write(&d.path, "again").unwrap();
        assert_eq!(set_mtime(now - hour), rd.mtime);
        let plan = plan_inputs(vec![d.clone()], std::slice::from_ref(&rd));
        assert_eq!(plan.read, std::slice::from_ref(&d));
        // Without the mark, size and mtime are trusted (one stat a file).
        rd.recheck = false;
        assert_eq!(plan_inputs(vec![d], &[rd]).unchanged.len(), 1);
    }
}
