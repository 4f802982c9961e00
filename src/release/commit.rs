//! What one run adds to a release, gathered pass by pass and committed at
//! the end: the partitions it staged, its state, its counts, and the
//! manifest that makes them the release.
//!
//! Both executors use it: the local run in one process, and the `commit`
//! task of a sharded run, which adopts the parts its shards staged.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use super::{part_file, shard_file, state_file, state_files, state_shard_file, Previous};
use crate::config::Config;
use crate::dedup::DedupStats;
use crate::entity_table::{self, CanonicalTotals, EntityRow};
use crate::passes::cluster::Clustered;
use crate::passes::write::PartWriters;
use crate::passes::Counts;
use crate::pipeline::{RunError, Summary};
use crate::state::{self, Released, ReleasedBodies};
use crate::write::manifest::{
    InputRecord, Manifest, PartRecord, RunCounts, RunRecord, SkippedInput, TableRecord,
};
use crate::write::sink::{DOCUMENT_ROWS_PER_GROUP, ROW_GROUP_ROWS};
use crate::write::{self, schema, DatasetSink};

/// Key-value metadata written into every Parquet footer of a run: what
/// `gleaner repair` checks a config against and rebuilds a manifest from.
/// The processing hash (the config without its inputs) is what runs that
/// add inputs share; footers written before it have only the full hash.
/// `gleaner.models` is the built-in models' hashes as JSON (footers of
/// gleaner 0.6 and older have none).
pub fn table_metadata(config: &Config) -> Vec<(String, String)> {
    let models = serde_json::to_string(&crate::stages::built_in_models()).unwrap_or_default();
    vec![
        ("gleaner.version".into(), env!("CARGO_PKG_VERSION").into()),
        ("gleaner.config_hash".into(), config.hash()),
        ("gleaner.processing_hash".into(), config.processing_hash()),
        ("gleaner.models".into(), models),
    ]
}

/// The dedup index of the release `m` of `dir`.
pub fn released_index(dir: &Path, m: &Manifest) -> Result<Released, RunError> {
    let mut released = Released::default();
    for path in state_files(dir, m, "index") {
        state::read_index(&path, &mut released)?;
    }
    Ok(released)
}

/// The body hashes of every document released before `m`'s next run:
/// the `scan` pass's question of the release, answered without holding
/// the sketches (see [`ReleasedBodies`]).
pub fn released_bodies(dir: &Path, m: &Manifest) -> Result<ReleasedBodies, RunError> {
    let mut bodies = ReleasedBodies::default();
    for path in state_files(dir, m, "index") {
        state::read_bodies(&path, &mut bodies)?;
    }
    Ok(bodies)
}

/// Stages `batch` as `file` of run `run`; returns its record.
pub fn stage_part(
    sink: &mut DatasetSink,
    file: String,
    run: u32,
    batch: &RecordBatch,
) -> Result<PartRecord, RunError> {
    stage_batches(sink, file, run, batch.schema(), std::slice::from_ref(batch))
}

/// [`stage_part`] for a partition given as batches of `schema` (none for
/// an empty one).
pub fn stage_batches(
    sink: &mut DatasetSink,
    file: String,
    run: u32,
    schema: SchemaRef,
    batches: &[RecordBatch],
) -> Result<PartRecord, RunError> {
    let staged = sink.write_table(&file, schema, batches)?;
    Ok(PartRecord {
        file,
        run,
        rows: batches.iter().map(|b| b.num_rows() as u64).sum(),
        hash: staged.hash,
    })
}

/// A run of a release, between its plan and its commit.
pub struct RunCommit {
    pub run: u32,
    base: Option<Manifest>,
    /// The inputs this run read.
    pub inputs: Vec<InputRecord>,
    pub counts: Counts,
    dedup: DedupStats,
    tables: BTreeMap<String, TableRecord>,
    state: BTreeMap<String, TableRecord>,
}

impl RunCommit {
    /// Run `run`, adding to `base` (or rebuilding when `None`).
    pub fn new(base: Option<&Manifest>, run: u32) -> RunCommit {
        let mut tables = base.map(|m| m.tables.clone()).unwrap_or_default();
        // Entity totals are rewritten whole (see `add_entities`).
        for name in super::TOTALS_TABLES {
            tables.remove(name);
        }
        RunCommit {
            run,
            base: base.cloned(),
            inputs: Vec::new(),
            counts: Counts::default(),
            dedup: DedupStats::default(),
            tables,
            state: base.map(|m| m.state.clone()).unwrap_or_default(),
        }
    }

    /// Records a part staged (by this process or a shard task) as
    /// `file` of table `name`.
    pub fn record(&mut self, name: &str, part: PartRecord) {
        let (records, schema) = if super::STATE_STORES.contains(&name) {
            (&mut self.state, state::schema_of(name))
        } else {
            (&mut self.tables, schema::by_name(name))
        };
        let table = records
            .entry(name.to_string())
            .or_insert_with(|| TableRecord::new(&schema));
        // A state store's schema is that of the parts written now; the
        // reader still takes the parts of earlier releases (`_state/lines`
        // kept counts before it kept document hashes).
        table.schema = TableRecord::new(&schema).schema;
        table.rows += part.rows;
        table.parts.push(part);
    }

    /// Writes `batches` (of `schema`; none for an empty partition) as
    /// `file` and records it as a part of table or state store `name`.
    fn stage(
        &mut self,
        sink: &mut DatasetSink,
        name: &str,
        file: String,
        schema: SchemaRef,
        batches: &[RecordBatch],
    ) -> Result<(), RunError> {
        let part = stage_batches(sink, file, self.run, schema, batches)?;
        self.record(name, part);
        Ok(())
    }

    /// Stages this run's partition of state store `store`, given as
    /// batches (none for an empty partition).
    pub fn add_state_batches(
        &mut self,
        sink: &mut DatasetSink,
        store: &str,
        batches: &[RecordBatch],
    ) -> Result<(), RunError> {
        let file = state_file(store, self.run);
        self.stage(sink, store, file, state::schema_of(store), batches)
    }

    /// Stages this run's partition of state store `store`.
    pub fn add_state(
        &mut self,
        sink: &mut DatasetSink,
        store: &str,
        batch: &RecordBatch,
    ) -> Result<(), RunError> {
        let file = state_file(store, self.run);
        self.stage(
            sink,
            store,
            file,
            batch.schema(),
            std::slice::from_ref(batch),
        )
    }

    /// Stages this run's (single) partition of table `name`.
    pub fn add_table(
        &mut self,
        sink: &mut DatasetSink,
        name: &str,
        batch: &RecordBatch,
    ) -> Result<(), RunError> {
        let file = part_file(name, self.run);
        self.stage(
            sink,
            name,
            file,
            batch.schema(),
            std::slice::from_ref(batch),
        )
    }

    /// Takes dedup's figures.
    pub fn dedup(&mut self, clustered: &Clustered) {
        self.dedup_stats(clustered.stats, clustered.n_duplicates);
    }

    /// Takes dedup's figures: its stats and the rows of `duplicates`.
    pub fn dedup_stats(&mut self, stats: DedupStats, duplicates: u64) {
        self.dedup = stats;
        self.counts.run.clusters = stats.clusters;
        self.counts.run.duplicates = duplicates;
    }

    /// Opens shard `shard`'s parts of the per-document tables of run `run`.
    pub fn open_parts(
        run: u32,
        sink: &mut DatasetSink,
        shard: usize,
        shards: usize,
    ) -> Result<PartWriters, RunError> {
        let mut open = |name: &str, rows: usize| {
            let file = shard_file(name, run, shard, shards);
            sink.open_table(&file, schema::by_name(name), rows)
        };
        let documents = open("documents", DOCUMENT_ROWS_PER_GROUP)?;
        let mentions = open("mentions", ROW_GROUP_ROWS)?;
        let boilerplate = open("boilerplate", ROW_GROUP_ROWS)?;
        let entity_docs = sink.open_table(
            &state_shard_file("entity_docs", run, shard, shards),
            state::entity_docs_schema(),
            ROW_GROUP_ROWS,
        )?;
        Ok(PartWriters {
            documents,
            mentions,
            boilerplate,
            entity_docs,
        })
    }

    /// Closes shard `shard`'s parts; returns them as (table, part) records.
    pub fn close_parts(
        run: u32,
        parts: PartWriters,
        shard: usize,
        shards: usize,
    ) -> Result<Vec<(String, PartRecord)>, RunError> {
        let mut records = Vec::new();
        for (name, table) in [
            ("documents", parts.documents),
            ("mentions", parts.mentions),
            ("boilerplate", parts.boilerplate),
            ("entity_docs", parts.entity_docs),
        ] {
            let rows = table.rows();
            let staged = table.finish()?;
            let file = if name == "entity_docs" {
                state_shard_file(name, run, shard, shards)
            } else {
                shard_file(name, run, shard, shards)
            };
            let part = PartRecord {
                file,
                run,
                rows,
                hash: staged.hash,
            };
            records.push((name.to_string(), part));
        }
        Ok(records)
    }

    /// Closes and records shard `shard`'s parts.
    pub fn finish_parts(
        &mut self,
        parts: PartWriters,
        shard: usize,
        shards: usize,
    ) -> Result<(), RunError> {
        for (name, part) in Self::close_parts(self.run, parts, shard, shards)? {
            self.record(&name, part);
        }
        Ok(())
    }

    /// Stages the entity totals: the released ones of `dir` plus
    /// `partials`, this run's totals (one per shard); then the totals per
    /// canonical entity, counted over the `entity_docs` state of every run
    /// (this run's parts must be recorded first).
    pub fn add_entities(
        &mut self,
        dir: &Path,
        sink: &mut DatasetSink,
        partials: Vec<Vec<EntityRow>>,
    ) -> Result<(), RunError> {
        let mut all = Vec::new();
        if let Some(entities) = self.base.as_ref().and_then(|m| m.tables.get("entities")) {
            for part in &entities.parts {
                all.push(state::read_entities(&dir.join(&part.file))?);
            }
        }
        all.extend(partials);
        let mut rows = entity_table::merge(all);
        entity_table::link_variants(&mut rows);
        // Every document's entity keys, released and this run's, one
        // partition at a time.
        let entity_docs: Vec<PathBuf> = self
            .state
            .get("entity_docs")
            .map(|t| &t.parts[..])
            .unwrap_or_default()
            .iter()
            .map(|part| {
                if part.run == self.run {
                    sink.staged_file(&part.file)
                } else {
                    dir.join(&part.file)
                }
            })
            .collect();
        // The totals per canonical entity are counted while the entity
        // table is written: both only read `rows`.
        let (written, canonical) = rayon::join(
            || -> Result<(), RunError> {
                let batch = write::entities_batch(&rows)?;
                self.add_table(sink, "entities", &batch)
            },
            || -> Result<RecordBatch, RunError> {
                let mut totals = CanonicalTotals::new(&rows);
                for path in &entity_docs {
                    state::each_entity_doc(path, |keys| totals.add_document(keys.iter().copied()))?;
                }
                Ok(write::canonical_entities_batch(&totals.finish())?)
            },
        );
        written?;
        self.add_table(sink, "canonical_entities", &canonical?)
    }

    /// Writes the manifest and commits the run: its files replace those of
    /// `previous` that the new manifest no longer lists.
    #[allow(clippy::too_many_arguments)]
    pub fn finish(
        mut self,
        config: &Config,
        config_hash: &str,
        previous: &Previous,
        unchanged: Vec<InputRecord>,
        skipped: Vec<SkippedInput>,
        threads: usize,
        timings: BTreeMap<String, f64>,
        sink: DatasetSink,
    ) -> Result<(PathBuf, Summary), RunError> {
        let base = self.base.as_ref();
        let counts = RunCounts {
            files: self.inputs.len() as u64,
            unchanged_files: unchanged.len() as u64,
            skipped_files: skipped.len() as u64,
            released_documents: self.tables.get("documents").map_or(0, |t| t.rows),
            entities: self.tables.get("entities").map_or(0, |t| t.rows),
            canonical_entities: self.tables.get("canonical_entities").map_or(0, |t| t.rows),
            ..self.counts.run
        };
        let warnings = input_warnings(&self.inputs);
        let files_read = self.inputs.len() as u64;
        let mut runs = base.map(|m| m.runs.clone()).unwrap_or_default();
        runs.push(RunRecord {
            run: self.run,
            finished: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            full: base.is_none(),
            inputs: files_read,
            documents: counts.documents,
        });
        debug_assert_eq!(self.tables.len(), schema::all().len());
        let manifest = Manifest {
            gleaner_version: env!("CARGO_PKG_VERSION").to_string(),
            dataset: config.dataset.name.clone(),
            config_hash: config_hash.to_string(),
            processing_hash: Some(config.processing_hash()),
            config: serde_json::to_value(config).unwrap_or_default(),
            models: crate::stages::built_in_models(),
            runs,
            inputs: merge_inputs(base, unchanged, std::mem::take(&mut self.inputs)),
            skipped: skipped.clone(),
            tables: self.tables,
            state: self.state,
            counts,
            removed_by_reason: self.counts.removed_by_reason,
            dedup: self.dedup,
            threads,
            timings,
        };
        let superseded = super::superseded_files(previous.manifest(), &manifest);
        let output = commit_with(sink, &manifest, &superseded)?;
        let summary = Summary {
            output: output.clone(),
            run: Some(self.run),
            files: files_read,
            skipped,
            warnings,
            counts,
            seconds: 0.0,
        };
        Ok((output, summary))
    }

    /// Commits a run whose files were read but gave nothing new (empty,
    /// corrupt, or records released before): the release stands, and only
    /// the manifest changes. The files' fingerprints and skip reasons go
    /// into it, so tomorrow's run does not read them again and the reasons
    /// stay on record. The manifest takes this run's config (the
    /// release's, or the same settings with other inputs).
    pub fn record_inputs_only(
        self,
        config: &Config,
        m: &Manifest,
        unchanged: Vec<InputRecord>,
        skipped: Vec<SkippedInput>,
        sink: DatasetSink,
    ) -> Result<(PathBuf, Summary), RunError> {
        let last = m.last_run();
        let inputs: Vec<InputRecord> = self
            .inputs
            .into_iter()
            .map(|r| InputRecord { run: last, ..r })
            .collect();
        let counts = RunCounts {
            files: inputs.len() as u64,
            already_released: self.counts.run.already_released,
            skipped_files: skipped.len() as u64,
            ..no_op_counts(m, unchanged.len())
        };
        let warnings = input_warnings(&inputs);
        let files_read = inputs.len() as u64;
        let manifest = Manifest {
            inputs: merge_inputs(Some(m), unchanged, inputs),
            skipped: skipped.clone(),
            config_hash: config.hash(),
            processing_hash: Some(config.processing_hash()),
            config: serde_json::to_value(config).unwrap_or_default(),
            ..m.clone()
        };
        let output = commit_with(sink, &manifest, &[])?;
        let summary = Summary {
            output: output.clone(),
            run: None,
            files: files_read,
            skipped,
            warnings,
            counts,
            seconds: 0.0,
        };
        Ok((output, summary))
    }
}

/// Stages `manifest` and commits `sink` (removing `superseded`).
fn commit_with(
    mut sink: DatasetSink,
    manifest: &Manifest,
    superseded: &[String],
) -> Result<PathBuf, RunError> {
    let json = serde_json::to_vec_pretty(manifest).unwrap_or_default();
    sink.write_file("manifest.json", &json)?;
    Ok(sink.commit(superseded)?)
}

/// Each input's warnings, prefixed with its path.
fn input_warnings(inputs: &[InputRecord]) -> Vec<String> {
    inputs
        .iter()
        .flat_map(|i| i.warnings.iter().map(move |w| format!("{}: {w}", i.path)))
        .collect()
}

/// The manifest's inputs: this run's, the unchanged ones, and released inputs
/// this run did not see (they stay part of the release), sorted by path.
fn merge_inputs(
    base: Option<&Manifest>,
    unchanged: Vec<InputRecord>,
    read: Vec<InputRecord>,
) -> Vec<InputRecord> {
    let mut by_path: BTreeMap<String, InputRecord> = BTreeMap::new();
    for record in base
        .map(|m| m.inputs.clone())
        .unwrap_or_default()
        .into_iter()
        .chain(unchanged)
        .chain(read)
    {
        by_path.insert(record.path.clone(), record);
    }
    by_path.into_values().collect()
}

/// Counts reported by a run that found nothing new.
pub fn no_op_counts(release: &Manifest, unchanged: usize) -> RunCounts {
    RunCounts {
        unchanged_files: unchanged as u64,
        released_documents: release.tables.get("documents").map_or(0, |t| t.rows),
        ..RunCounts::default()
    }
}
