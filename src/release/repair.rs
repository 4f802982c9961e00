//! `gleaner repair`: a manifest rebuilt from the partitions on disk.
//!
//! A manifest can be lost (deleted by hand, by a sync tool, a half-restored
//! backup) while every partition is intact. Runs then refuse to touch the
//! directory, because nothing proves the files are gleaner's. Repair is the
//! way back: every partition's Parquet footer records the gleaner version
//! and config hash that wrote it, so the release can be listed again —
//! partitions, row counts, file hashes, runs — provided one config (the one
//! given, whose hash must match the footers) made them all. Footers that
//! also carry the processing hash (the config without its inputs) match a
//! config by that: runs that added an input to `dataset.inputs` belong to
//! the same release.
//!
//! What a lost manifest took with it cannot be recovered: the inputs'
//! fingerprints. The next run therefore reads every input again, and the
//! records already released are recognised through the dedup index (same
//! id, same text) and not added twice.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};

use super::{release_files, run_of, STATE_DIR};
use crate::config::Config;
use crate::write::manifest::{file_hash, Manifest, PartRecord, RunCounts, RunRecord, TableRecord};
use crate::write::schema;

/// What repair found and wrote.
#[derive(Debug)]
pub struct Repaired {
    pub manifest: Manifest,
    /// Release-shaped files left out of the manifest, with the reason.
    pub left_out: Vec<(String, String)>,
}

/// A partition's footer facts.
struct Footer {
    version: String,
    config_hash: String,
    /// Empty in footers written before it was recorded.
    processing_hash: String,
    /// The built-in models' hashes (JSON); empty in footers written before
    /// they were recorded.
    models: String,
    rows: u64,
}

impl Footer {
    /// Whether `config` made this partition: by the processing hash when
    /// the footer has one, else by the whole config's hash.
    fn made_by(&self, config: &Config) -> bool {
        if self.processing_hash.is_empty() {
            self.config_hash == config.hash()
        } else {
            self.processing_hash == config.processing_hash()
        }
    }

    /// The gleaner build that wrote this partition, for a message: its
    /// version and a short hash of its built-in models' hashes.
    fn build(&self) -> String {
        if self.models.is_empty() {
            return self.version.clone();
        }
        let hash = xxhash_rust::xxh3::xxh3_64(self.models.as_bytes());
        format!("{} (models {hash:016x})", self.version)
    }

    /// The settings that made this partition, for a message.
    fn maker(&self) -> String {
        if self.processing_hash.is_empty() {
            format!("config hash {}", self.config_hash)
        } else {
            format!("processing hash {}", self.processing_hash)
        }
    }
}

fn footer(path: &Path) -> Result<Footer, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let reader = SerializedFileReader::new(file).map_err(|e| e.to_string())?;
    let meta = reader.metadata().file_metadata();
    let value = |key: &str| {
        meta.key_value_metadata()
            .and_then(|kv| kv.iter().find(|k| k.key == key))
            .and_then(|k| k.value.clone())
            .unwrap_or_default()
    };
    Ok(Footer {
        version: value("gleaner.version"),
        config_hash: value("gleaner.config_hash"),
        processing_hash: value("gleaner.processing_hash"),
        models: value("gleaner.models"),
        rows: meta.num_rows().max(0) as u64,
    })
}

/// Moves the damaged `manifest.json` of `dir` aside, to the first of
/// `manifest.json.damaged`, `manifest.json.damaged.1`, `….2`, … that does
/// not exist, and returns that path. A damaged manifest set aside by an
/// earlier repair is never overwritten (before, a second repair replaced
/// it): each name is taken with a hard link, which fails rather than
/// replace a file, and then the manifest's own name is removed. On a file
/// system without hard links the name is checked, then renamed to (repair
/// holds the dataset lock, so no gleaner run races it).
pub fn set_aside_damaged(dir: &Path) -> std::io::Result<std::path::PathBuf> {
    let manifest = dir.join("manifest.json");
    for n in 0u32.. {
        let aside = match n {
            0 => dir.join("manifest.json.damaged"),
            n => dir.join(format!("manifest.json.damaged.{n}")),
        };
        match std::fs::hard_link(&manifest, &aside) {
            Ok(()) => {
                std::fs::remove_file(&manifest)?;
                return Ok(aside);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) if std::fs::symlink_metadata(&aside).is_ok() => continue,
            Err(_) => {
                std::fs::rename(&manifest, &aside)?;
                return Ok(aside);
            }
        }
    }
    unreachable!("a free name below u32::MAX")
}

/// Rebuilds the manifest of `dir` from its partitions, checked against
/// `config`, and returns it (the caller writes it). Fails, naming why, when
/// the partitions were not all made by one gleaner version and config, or
/// when the config given is not the one that made them.
pub fn rebuild_manifest(dir: &Path, config: &Config) -> Result<Repaired, String> {
    let mut left_out = Vec::new();
    let mut found: Vec<(String, String, u32, Footer)> = Vec::new(); // file, store, run, footer
    for file in release_files(dir) {
        let Some(run) = run_of(&file) else {
            left_out.push((
                file,
                "not a run partition (an older layout or not gleaner's)".into(),
            ));
            continue;
        };
        let store = file.split("/run=").next().unwrap_or_default().to_string();
        match footer(&dir.join(&file)) {
            Ok(f) if f.version.is_empty() => {
                left_out.push((file, "no gleaner version in its Parquet footer".into()))
            }
            Ok(f) => found.push((file, store, run, f)),
            Err(e) => left_out.push((file, format!("unreadable Parquet: {e}"))),
        }
    }
    if found.is_empty() {
        return Err(format!(
            "{}: no partition written by gleaner to rebuild a manifest from",
            dir.display()
        ));
    }
    // A build is its version and its built-in models: partitions of two
    // builds of one version may hold two models' output.
    let builds: BTreeSet<(&str, &str)> = found
        .iter()
        .map(|(_, _, _, f)| (f.version.as_str(), f.models.as_str()))
        .collect();
    let others: BTreeSet<String> = found
        .iter()
        .filter(|(_, _, _, f)| !f.made_by(config))
        .map(|(_, _, _, f)| f.maker())
        .collect();
    if builds.len() > 1 || others.len() > 1 {
        let list: Vec<String> = found
            .iter()
            .map(|(_, _, _, f)| format!("gleaner {} with {}", f.build(), f.maker()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        return Err(format!(
            "the partitions were made by more than one gleaner build (version and built-in models) or config ({}); move the ones that do not belong elsewhere, then repair",
            list.join("; ")
        ));
    }
    if let Some(maker) = others.first() {
        let n = found
            .iter()
            .filter(|(_, _, _, f)| !f.made_by(config))
            .count();
        return Err(format!(
            "{n} of the {} partition(s) were made with {maker}, the config given has config hash {} (processing hash {}); repair needs the config they were made with (--config FILE; the processing hash leaves out dataset.inputs)",
            found.len(),
            config.hash(),
            config.processing_hash()
        ));
    }
    let (version, models) = builds.into_iter().next().unwrap_or_default();
    // Each run rewrites the entity totals: only the last run's belong.
    let last_totals: BTreeMap<&str, u32> = super::TOTALS_TABLES
        .iter()
        .filter_map(|&name| {
            let last = found
                .iter()
                .filter(|(_, store, _, _)| store == name)
                .map(|(_, _, run, _)| *run)
                .max()?;
            Some((name, last))
        })
        .collect();
    let mut tables: BTreeMap<String, TableRecord> = BTreeMap::new();
    let mut state: BTreeMap<String, TableRecord> = BTreeMap::new();
    let mut runs: BTreeMap<u32, u64> = BTreeMap::new();
    for (file, store, run, f) in &found {
        if last_totals
            .get(store.as_str())
            .is_some_and(|last| last != run)
        {
            left_out.push((
                file.clone(),
                "entity totals of an earlier run (superseded)".into(),
            ));
            continue;
        }
        let record = if let Some(name) = store.strip_prefix(&format!("{STATE_DIR}/")) {
            let schema = crate::state::schema_of(name);
            state
                .entry(name.to_string())
                .or_insert_with(|| TableRecord::new(&schema))
        } else {
            tables
                .entry(store.clone())
                .or_insert_with(|| TableRecord::new(&schema::by_name(store)))
        };
        let hash = file_hash(&dir.join(file)).map_err(|e| format!("{file}: {e}"))?;
        record.rows += f.rows;
        record.parts.push(PartRecord {
            file: file.clone(),
            run: *run,
            rows: f.rows,
            hash,
        });
        let documents = runs.entry(*run).or_default();
        if store == "documents" {
            *documents += f.rows;
        }
    }
    for (name, schema) in schema::all() {
        tables
            .entry(name.to_string())
            .or_insert_with(|| TableRecord::new(&schema));
    }
    let first = runs.keys().next().copied().unwrap_or(0);
    let runs = runs
        .into_iter()
        .map(|(run, documents)| RunRecord {
            run,
            finished: "unknown (manifest rebuilt by gleaner repair)".into(),
            full: run == first,
            inputs: 0,
            documents,
        })
        .collect();
    let counts = RunCounts {
        released_documents: tables["documents"].rows,
        ..RunCounts::default()
    };
    let manifest = Manifest {
        gleaner_version: version.to_string(),
        dataset: config.dataset.name.clone(),
        config_hash: config.hash(),
        processing_hash: Some(config.processing_hash()),
        config: serde_json::to_value(config).unwrap_or_default(),
        models: serde_json::from_str(models).unwrap_or_default(),
        runs,
        inputs: Vec::new(),
        skipped: Vec::new(),
        tables,
        state,
        counts,
        removed_by_reason: BTreeMap::new(),
        dedup: Default::default(),
        threads: 0,
        timings: BTreeMap::new(),
    };
    Ok(Repaired { manifest, left_out })
}
