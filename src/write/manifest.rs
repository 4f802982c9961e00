//! `manifest.json`: what a run read, how it was configured and what it wrote.
//!
//! It is the record that makes a release rebuildable (config + its hash, every
//! input's fingerprint, gleaner's version) and checkable (row count and hash of
//! every table, see `gleaner verify`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use arrow::datatypes::SchemaRef;

use super::sink::StagedTable;

/// The manifest of one dataset directory: the release as of its last run.
///
/// A dataset grows by runs. Every table is a set of Hive-style partitions,
/// one per run (`documents/run=3/part-0.parquet`); `entities` holds the
/// totals over all runs, rewritten by each. The manifest is renamed into
/// place last, so it is the commit point: a file it does not list belongs
/// to no release (an interrupted run's, removed by the next run).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub gleaner_version: String,
    pub dataset: String,
    /// [`Config::hash`](crate::config::Config::hash): the whole config.
    pub config_hash: String,
    /// [`Config::processing_hash`](crate::config::Config::processing_hash):
    /// the config without its input list. A run whose config has this hash
    /// adds to the release even if its inputs changed. Absent in releases
    /// made before it was recorded: their runs compare `config_hash` until
    /// a run writes this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_hash: Option<String>,
    pub config: serde_json::Value,
    /// [`built_in_models`](crate::stages::built_in_models): the models the
    /// tables were made with, file name → hash. A run adds to the release
    /// only with the same models, as with the same version and config.
    /// Absent in releases made before it was recorded (by gleaner 0.6 and
    /// older, whose releases a later version rebuilds anyway).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub models: BTreeMap<String, String>,
    /// Every run in the release, oldest first; the last wrote this manifest.
    pub runs: Vec<RunRecord>,
    /// Every input in the release, sorted by path, as last read.
    pub inputs: Vec<InputRecord>,
    /// Inputs the last run skipped, with the reason.
    pub skipped: Vec<SkippedInput>,
    /// Table name → its partitions.
    pub tables: BTreeMap<String, TableRecord>,
    /// What later runs build on (dedup index, line counts), same form.
    pub state: BTreeMap<String, TableRecord>,
    /// Counters, dedup figures, threads and seconds per stage of the last run.
    pub counts: RunCounts,
    pub removed_by_reason: BTreeMap<String, u64>,
    pub dedup: crate::dedup::DedupStats,
    pub threads: usize,
    pub timings: BTreeMap<String, f64>,
}

/// The model files on which `recorded` (a release's or a plan's models,
/// file name → hash) and `now` differ: changed, added or gone; every one of
/// `now` when nothing was recorded (made before models were).
pub fn other_models(
    recorded: &BTreeMap<String, String>,
    now: &BTreeMap<String, String>,
) -> Vec<String> {
    if recorded.is_empty() {
        return vec!["none recorded".to_string()];
    }
    let names: std::collections::BTreeSet<&String> = recorded.keys().chain(now.keys()).collect();
    names
        .into_iter()
        .filter(|name| recorded.get(*name) != now.get(*name))
        .cloned()
        .collect()
}

/// Declares [`RunCounts`]: every field a `u64` that adds up.
macro_rules! run_counts {
    ($($(#[$doc:meta])* $field:ident,)*) => {
        /// What a run did, as numbers that add up: a pass (and, on a
        /// cluster, each shard of it) returns its own and the executor
        /// merges them with `+=`. Written into the manifest and the summary
        /// under these names.
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(default)]
        pub struct RunCounts {
            $($(#[$doc])* pub $field: u64,)*
        }

        impl std::ops::AddAssign for RunCounts {
            fn add_assign(&mut self, other: RunCounts) {
                $(self.$field += other.$field;)*
            }
        }
    };
}

run_counts! {
    /// Input files read.
    files,
    /// Released inputs that looked unchanged and were not read.
    unchanged_files,
    /// Inputs skipped, with their reason in the manifest.
    skipped_files,
    /// Documents this run added.
    documents,
    /// Records read whose text was released before.
    already_released,
    /// Documents in the release after this run.
    released_documents,
    dropped_low_quality,
    flagged_low_quality,
    /// Boilerplate lines removed.
    removed_lines,
    /// Duplicate clusters and their non-representative members.
    clusters,
    duplicates,
    mentions,
    /// Rows of the entity totals after this run.
    entities,
    /// Rows of the totals per canonical entity after this run.
    canonical_entities,
    /// Documents whose names were tagged, and documents in a language no
    /// name model knows (pattern entities only).
    documents_names_tagged,
    documents_no_name_model,
    /// Documents whose names were tagged, by the model's language.
    documents_names_eng,
    documents_names_rus,
    documents_names_kaz,
    /// Documents with paragraphs in another script whose names came from
    /// another language's model (or none): mixed pages.
    documents_mixed_languages,
}

/// One run of a release.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RunRecord {
    pub run: u32,
    /// When it committed (RFC 3339, UTC).
    pub finished: String,
    /// Whether it rebuilt everything (first run, `--full`, changed config).
    pub full: bool,
    /// Input files it read, and documents it added.
    pub inputs: u64,
    pub documents: u64,
}

/// One input file that was read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputRecord {
    pub path: String,
    /// The run that last read it.
    pub run: u32,
    pub format: String,
    pub size: u64,
    pub mtime: i64,
    pub hash: String,
    /// Modified in the second it was read: a same-size rewrite later in
    /// that second keeps `size` and `mtime`, so the next run compares the
    /// content hash too before it takes the file as unchanged.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recheck: bool,
    pub documents: u64,
    pub repaired_utf8: u64,
    pub warnings: Vec<String>,
}

/// One input that was skipped.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SkippedInput {
    pub path: String,
    pub reason: String,
}

/// One table (or state store) and its partitions.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TableRecord {
    /// Rows over all partitions.
    pub rows: u64,
    /// Column name → Arrow type.
    pub schema: Vec<(String, String)>,
    pub parts: Vec<PartRecord>,
}

/// One Parquet file of a table.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PartRecord {
    /// Path relative to the dataset directory.
    pub file: String,
    pub run: u32,
    pub rows: u64,
    /// xxh3-128 of the file's bytes, hex.
    pub hash: String,
}

impl TableRecord {
    /// An empty table of `schema`.
    pub fn new(schema: &SchemaRef) -> TableRecord {
        TableRecord {
            rows: 0,
            schema: schema
                .fields()
                .iter()
                .map(|f| (f.name().clone(), f.data_type().to_string()))
                .collect(),
            parts: Vec::new(),
        }
    }

    /// Adds a staged file (`file` relative to the dataset) written by `run`.
    pub fn add(&mut self, file: String, run: u32, table: &StagedTable, rows: u64) {
        self.rows += rows;
        self.parts.push(PartRecord {
            file,
            run,
            rows,
            hash: table.hash.clone(),
        });
    }
}

/// xxh3-128 of a file's bytes, hex.
pub fn file_hash(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(format!("{:032x}", hasher.digest128()))
}

impl Manifest {
    /// Whether a run whose config has these hashes may add to this release:
    /// the same config, or the same settings with other inputs (a feed
    /// directory added to `dataset.inputs` is read as new files are). A
    /// release made before the settings' hash was recorded needs the same
    /// config.
    pub fn takes_config(&self, config_hash: &str, processing_hash: &str) -> bool {
        self.config_hash == config_hash || self.processing_hash.as_deref() == Some(processing_hash)
    }

    /// The models of `models` (file name → hash) this release was not made
    /// with (see [`other_models`]). Empty: a run with `models` may add to it.
    pub fn other_models(&self, models: &BTreeMap<String, String>) -> Vec<String> {
        other_models(&self.models, models)
    }

    /// Reads `manifest.json` from a dataset directory.
    pub fn load(dataset: &Path) -> Result<Manifest, String> {
        let path = dataset.join("manifest.json");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Every file the release consists of: table partitions, then state.
    pub fn parts(&self) -> impl Iterator<Item = (&str, &PartRecord)> {
        self.tables
            .iter()
            .chain(&self.state)
            .flat_map(|(name, t)| t.parts.iter().map(move |p| (name.as_str(), p)))
    }

    /// The files of `table`, as paths under `dataset`.
    pub fn table_files(&self, dataset: &Path, table: &str) -> Vec<std::path::PathBuf> {
        self.tables
            .get(table)
            .map(|t| t.parts.iter().map(|p| dataset.join(&p.file)).collect())
            .unwrap_or_default()
    }

    /// The id of the last run (0 for none).
    pub fn last_run(&self) -> u32 {
        self.runs.last().map_or(0, |r| r.run)
    }

    /// Re-hashes every file of the release and lists the ones that differ
    /// from the manifest or are missing.
    pub fn verify(&self, dataset: &Path) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, part) in self.parts() {
            let path = dataset.join(&part.file);
            match file_hash(&path) {
                Ok(hash) if hash == part.hash => {}
                Ok(hash) => problems.push(format!(
                    "{name}: {}: hash {hash} differs from manifest {}",
                    part.file, part.hash
                )),
                Err(e) => problems.push(format!("{name}: {}: {e}", path.display())),
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_and_keep_their_names() {
        let mut a = RunCounts {
            documents: 2,
            mentions: 5,
            ..RunCounts::default()
        };
        a += RunCounts {
            documents: 3,
            files: 1,
            ..RunCounts::default()
        };
        assert_eq!((a.documents, a.mentions, a.files), (5, 5, 1));
        let json = serde_json::to_value(a).unwrap();
        assert_eq!(json["documents"], 5);
        // A manifest of an older layout, with keys this one lacks, loads.
        let old: RunCounts = serde_json::from_str(r#"{"run": 3, "documents": 1}"#).unwrap();
        assert_eq!(old.documents, 1);
    }
}
