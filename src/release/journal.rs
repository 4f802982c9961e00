//! What a commit moves in and removes, written down before it starts.
//!
//! A commit renames staged partitions into the dataset, then the manifest
//! (the commit point), then removes the files the new release supersedes.
//! A run killed in the middle leaves files behind; the journal is the proof
//! that they are gleaner's, so the next run removes exactly the ones the
//! manifest then in place does not list — a commit that did not reach its
//! manifest is undone, one that did is finished — and never a file gleaner
//! cannot prove it wrote (a user's own `documents.parquet`, partitions whose
//! manifest was lost).

use std::collections::BTreeSet;
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use crate::write::manifest::Manifest;

/// File name of the journal inside the dataset directory.
pub const JOURNAL_FILE: &str = ".gleaner-commit.json";

/// The files one commit touches (paths relative to the dataset directory).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitJournal {
    /// Staged files renamed into the dataset (the manifest apart).
    pub moved: Vec<String>,
    /// Files of the previous release that the new one no longer lists.
    pub superseded: Vec<String>,
}

impl CommitJournal {
    /// Writes the journal durably (temp file, fsync, rename) before the
    /// first rename of the commit.
    pub fn write(&self, dir: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::write::write_atomically(&dir.join(JOURNAL_FILE), &json)?;
        sync_dir(dir);
        Ok(())
    }

    /// Reads the journal a commit left, if any.
    pub fn load(dir: &Path) -> Result<Option<CommitJournal>, String> {
        let path = dir.join(JOURNAL_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Removes the journal once its commit is complete.
    pub fn remove(dir: &Path) {
        let _ = std::fs::remove_file(dir.join(JOURNAL_FILE));
        let _ = std::fs::remove_file(dir.join(format!("{JOURNAL_FILE}.tmp")));
        sync_dir(dir);
    }
}

/// Completes or undoes the commit an interrupted run left in `dir`: every
/// file its journal names that `manifest` (the release now in place) does
/// not list is removed. Returns how many files went.
pub fn finish_interrupted_commit(dir: &Path, manifest: Option<&Manifest>) -> Result<usize, String> {
    let Some(journal) = CommitJournal::load(dir)? else {
        return Ok(0);
    };
    let listed: BTreeSet<&str> = manifest
        .map(|m| m.parts().map(|(_, p)| p.file.as_str()).collect())
        .unwrap_or_default();
    let removed = journal
        .moved
        .iter()
        .chain(&journal.superseded)
        .filter(|f| !listed.contains(f.as_str()))
        .filter(|f| remove_release_file(dir, f))
        .count();
    CommitJournal::remove(dir);
    Ok(removed)
}

/// Removes `file` (relative to `dir`) and the partition directories it
/// leaves empty. Only plain relative paths inside `dir` are accepted, so a
/// damaged journal cannot point outside the dataset. Returns whether a file
/// was removed.
pub fn remove_release_file(dir: &Path, file: &str) -> bool {
    let relative = Path::new(file);
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return false;
    }
    let path = dir.join(relative);
    let removed = std::fs::remove_file(&path).is_ok();
    // Empty `run=<id>` directories, then empty table directories.
    let mut parent = path.parent();
    while let Some(p) = parent.filter(|p| *p != dir) {
        if std::fs::remove_dir(p).is_err() {
            break;
        }
        parent = p.parent();
    }
    removed
}

/// Flushes a directory's entries (the renames in it) to disk; best effort.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::tests::touch;

    #[test]
    fn an_uncommitted_commit_is_undone_and_nothing_else_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for f in [
            "documents/run=2/part-0.parquet",
            "entities/run=1/part-0.parquet",
            "documents/run=9/part-0.parquet",
        ] {
            touch(d, f);
        }
        CommitJournal {
            moved: vec!["documents/run=2/part-0.parquet".into(), "../escape".into()],
            superseded: vec!["entities/run=1/part-0.parquet".into()],
        }
        .write(d)
        .unwrap();
        // No manifest lists run 2: it did not commit. Nothing lists run 9
        // either, but no journal proves it is gleaner's: it stays.
        assert_eq!(finish_interrupted_commit(d, None).unwrap(), 2);
        assert!(!d.join("documents/run=2").exists());
        assert!(d.join("documents/run=9/part-0.parquet").exists());
        assert!(!d.join(JOURNAL_FILE).exists());
        assert_eq!(finish_interrupted_commit(d, None).unwrap(), 0);
    }
}
