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

/// The manifest of one dataset directory.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub gleaner_version: String,
    pub dataset: String,
    pub config_hash: String,
    pub config: serde_json::Value,
    pub threads: usize,
    pub inputs: Vec<InputRecord>,
    /// Inputs that gave no documents, with the reason.
    pub skipped: Vec<SkippedInput>,
    pub tables: BTreeMap<String, TableRecord>,
    pub counts: BTreeMap<String, u64>,
    pub removed_by_reason: BTreeMap<String, u64>,
    pub dedup: crate::dedup::DedupStats,
    /// Seconds per stage.
    pub timings: BTreeMap<String, f64>,
}

/// One input file that was read.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InputRecord {
    pub path: String,
    pub format: String,
    pub size: u64,
    pub mtime: i64,
    pub hash: String,
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

/// One table written.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableRecord {
    pub file: String,
    pub rows: u64,
    /// xxh3-128 of the file's bytes, hex.
    pub hash: String,
    /// Column name → Arrow type.
    pub schema: Vec<(String, String)>,
}

impl TableRecord {
    /// Describes a staged table written with `schema`.
    pub fn describe(table: &StagedTable, rows: u64, schema: &SchemaRef) -> TableRecord {
        TableRecord {
            file: table
                .path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default(),
            rows,
            hash: table.hash.clone(),
            schema: schema
                .fields()
                .iter()
                .map(|f| (f.name().clone(), f.data_type().to_string()))
                .collect(),
        }
    }
}

/// xxh3-128 of a file's bytes, hex.
pub fn file_hash(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&bytes)))
}

impl Manifest {
    /// Reads `manifest.json` from a dataset directory.
    pub fn load(dataset: &Path) -> Result<Manifest, String> {
        let path = dataset.join("manifest.json");
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Re-hashes every table and lists the ones that differ from the manifest.
    pub fn verify(&self, dataset: &Path) -> Vec<String> {
        let mut problems = Vec::new();
        for (name, table) in &self.tables {
            let path = dataset.join(&table.file);
            match file_hash(&path) {
                Ok(hash) if hash == table.hash => {}
                Ok(hash) => problems.push(format!(
                    "{name}: hash {hash} differs from manifest {}",
                    table.hash
                )),
                Err(e) => problems.push(format!("{name}: {}: {e}", path.display())),
            }
        }
        problems
    }
}
