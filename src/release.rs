//! A dataset directory as a release that runs add to.
//!
//! Where each run's files go (Hive-style `run=<id>` partitions, so DuckDB and
//! polars read all runs of a table as one), which inputs a run must read
//! (new or changed since the release), whether it must rebuild everything,
//! and which files an interrupted run left behind. The manifest is the
//! commit point: files it does not list belong to no release.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::discover::{mtime, InputFile};
use crate::write::manifest::{InputRecord, Manifest};
use crate::write::schema;

/// Directory of the state incremental runs build on.
pub const STATE_DIR: &str = "_state";
/// The state stores under [`STATE_DIR`].
pub const STATE_STORES: [&str; 2] = ["index", "lines"];

/// Where run `run` writes table `table`: `documents/run=3/part-0.parquet`.
pub fn part_file(table: &str, run: u32) -> String {
    format!("{table}/run={run}/part-0.parquet")
}

/// Where run `run` writes state store `store`: `_state/index/run=3/part-0.parquet`.
pub fn state_file(store: &str, run: u32) -> String {
    format!("{STATE_DIR}/{}", part_file(store, run))
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
}

impl Previous {
    /// Reads the manifest of `dir`, if there is one.
    pub fn load(dir: &Path) -> Previous {
        if !dir.join("manifest.json").exists() {
            return Previous::Nothing;
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

    /// Why a run must rebuild the dataset rather than add to it, if it must:
    /// asked to, nothing released, or the release was made with another
    /// config or gleaner version (mixing them would make it unreproducible).
    pub fn rebuild_reason(&self, full: bool, config_hash: &str) -> Option<String> {
        let version = env!("CARGO_PKG_VERSION");
        match self {
            _ if full => Some("--full".into()),
            Previous::Nothing => Some("first run".into()),
            Previous::Unusable(_) => Some("--full".into()),
            Previous::Release(m) if m.config_hash != config_hash => Some(format!(
                "the config changed since the last run (hash {} → {})",
                short(&m.config_hash),
                short(config_hash)
            )),
            Previous::Release(m) if m.gleaner_version != version => Some(format!(
                "the release was made by gleaner {}, this is {version}",
                m.gleaner_version
            )),
            Previous::Release(_) => None,
        }
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
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
fn run_of(file: &str) -> Option<u32> {
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

/// Removes the [`untracked_files`] of `dir` and the partition directories
/// they leave empty; returns how many files went.
pub fn remove_untracked(dir: &Path, manifest: Option<&Manifest>) -> usize {
    let mut removed = 0;
    for file in untracked_files(dir, manifest) {
        let path = dir.join(&file);
        if std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
        // Empty `run=<id>` directories and then empty table directories.
        let mut parent = path.parent();
        while let Some(p) = parent.filter(|p| *p != dir) {
            if std::fs::remove_dir(p).is_err() {
                break;
            }
            parent = p.parent();
        }
    }
    removed
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
/// mostly old directory does no reading.
pub fn plan_inputs(files: Vec<InputFile>, released: &[InputRecord]) -> InputPlan {
    let by_path: HashMap<&str, &InputRecord> =
        released.iter().map(|r| (r.path.as_str(), r)).collect();
    let mut plan = InputPlan::default();
    for file in files {
        let same = by_path.get(file.display.as_str()).filter(|r| {
            std::fs::metadata(&file.path)
                .map(|m| m.len() == r.size && mtime(&m) == r.mtime)
                .unwrap_or(false)
        });
        match same {
            Some(record) => plan.unchanged.push((*record).clone()),
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
mod tests {
    use super::*;

    fn touch(dir: &Path, file: &str) {
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
        assert_eq!(remove_untracked(d, None), 4);
        assert!(!d.join("documents/run=2").exists(), "empty run dir removed");
        assert!(d.join("documents/notes.txt").exists(), "not ours: kept");
        assert!(d.join("documents/run=1/mine.csv").exists());
        assert!(d.join("other/run=9/part-0.parquet").exists());
        assert!(!d.join("_state").exists());
    }

    #[test]
    fn unchanged_inputs_are_known_by_size_and_mtime() {
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
                hash: String::new(),
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
    }
}
