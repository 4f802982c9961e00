//! The pipeline: wires the stages together and decides threading.
//!
//! discover → read/split → clean → frequent lines → quality → dedup → entities
//! → entity totals → write. Per-document stages run with rayon over documents
//! in input order and collect in that order; global stages (frequent lines,
//! dedup, totals) are written to be order-independent. Together that makes the
//! tables byte-identical for any thread count. Nothing here prints: progress
//! goes through [`Progress`] and the outcome is a [`Summary`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::clean::{frequent, Cleaned, Cleaner};
use crate::config::{Config, InvalidValue};
use crate::dedup::{self, DedupInput};
use crate::discover::{discover, InputFile};
use crate::document::Processed;
use crate::entities::{EntityTagger, Mention};
use crate::entity_table;
use crate::quality::{self, Action};
use crate::read::{FileRead, ReadError, Reader};
use crate::write::manifest::{DedupRecord, InputRecord, Manifest, SkippedInput, TableRecord};
use crate::write::{self, schema, DatasetSink, WriteError};

/// What to run on, beyond the config.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Inputs from the command line (relative to the working directory); when
    /// empty, the config's inputs (relative to `config_dir`) are used.
    pub inputs: Vec<String>,
    /// Directory the config file is in.
    pub config_dir: PathBuf,
    /// Dataset directory; default from the config.
    pub output: Option<PathBuf>,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Make unreadable inputs fatal.
    pub strict: bool,
}

/// Receives progress; the binary draws bars, tests ignore it.
pub trait Progress: Sync {
    /// A stage starts with `total` units of work (0 when unknown).
    fn stage(&self, name: &str, total: u64);
    /// `n` more units of the current stage are done.
    fn advance(&self, n: u64);
}

/// Progress that goes nowhere.
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("invalid configuration: `{}`: {}", .0.key, .0.message)]
    Config(InvalidValue),
    #[error("{} input(s) could not be read (--strict): {}", .0.len(), describe(.0))]
    Inputs(Vec<SkippedInput>),
    #[error("no documents to process (all inputs were skipped or empty)")]
    NoDocuments,
    #[error("writing output: {0}")]
    Write(#[from] WriteError),
    #[error("aggregating entities: {0}")]
    Aggregate(#[from] polars::error::PolarsError),
    #[error("cannot start {0} worker threads: {1}")]
    Threads(usize, String),
}

fn describe(skipped: &[SkippedInput]) -> String {
    skipped
        .iter()
        .map(|s| format!("{}: {}", s.path, s.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The outcome of a run, for the summary line and tests.
#[derive(Debug, Clone)]
pub struct Summary {
    pub output: PathBuf,
    pub files: u64,
    pub skipped: Vec<SkippedInput>,
    pub warnings: Vec<String>,
    pub counts: BTreeMap<String, u64>,
    pub seconds: f64,
}

/// Runs the whole pipeline and writes the dataset.
pub fn run(
    config: &Config,
    options: &RunOptions,
    progress: &dyn Progress,
) -> Result<Summary, RunError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(|e| RunError::Threads(options.threads, e.to_string()))?;
    let threads = pool.current_num_threads();
    pool.install(|| run_in_pool(config, options, progress, threads))
}

fn run_in_pool(
    config: &Config,
    options: &RunOptions,
    progress: &dyn Progress,
    threads: usize,
) -> Result<Summary, RunError> {
    let started = Instant::now();
    let mut timings = BTreeMap::new();
    let mut clock = Instant::now();
    let mut lap = |name: &str, timings: &mut BTreeMap<String, f64>| {
        timings.insert(name.to_string(), clock.elapsed().as_secs_f64());
        clock = Instant::now();
    };

    // discover
    let (files, problems) = if options.inputs.is_empty() {
        discover(&config.dataset.inputs, &options.config_dir)
    } else {
        discover(&options.inputs, Path::new(""))
    };
    let mut skipped: Vec<SkippedInput> = problems
        .into_iter()
        .map(|p| SkippedInput {
            path: p.path,
            reason: p.reason,
        })
        .collect();

    // read/split
    let reader = Reader::new(&config.read).map_err(RunError::Config)?;
    progress.stage("read", files.len() as u64);
    let reads: Vec<Result<FileRead, ReadError>> = files
        .par_iter()
        .map(|f| {
            let r = reader.read(f);
            progress.advance(1);
            r
        })
        .collect();
    let (inputs, mut docs) = collect_reads(&files, reads, &mut skipped);
    if options.strict && !skipped.is_empty() {
        return Err(RunError::Inputs(skipped));
    }
    if docs.is_empty() {
        return Err(RunError::NoDocuments);
    }
    lap("read", &mut timings);

    // clean, per document then across documents
    let cleaner = Cleaner::new(&config.clean).map_err(RunError::Config)?;
    progress.stage("clean", docs.len() as u64);
    let mut cleaned: Vec<Cleaned> = docs
        .par_iter()
        .map(|d| {
            let c = cleaner.clean(&d.body);
            progress.advance(1);
            c
        })
        .collect();
    let groups: Vec<String> = docs.iter().map(site_group).collect();
    frequent::remove_frequent_lines(
        &mut cleaned,
        &groups,
        config.clean.frequent_min_docs,
        config.clean.frequent_max_words,
    );
    lap("clean", &mut timings);

    // quality
    progress.stage("quality", docs.len() as u64);
    let mut processed: Vec<Processed> = docs
        .par_drain(..)
        .zip(cleaned.into_par_iter())
        .map(|(doc, c)| {
            let text = c.text();
            let signals = quality::assess(&text, &config.quality);
            progress.advance(1);
            Processed {
                doc,
                text,
                removed: c.removed,
                signals,
            }
        })
        .collect();
    let before = processed.len();
    if config.quality.action == Action::Drop {
        processed.retain(|p| p.signals.flag.is_none());
    }
    let dropped = (before - processed.len()) as u64;
    lap("quality", &mut timings);

    // dedup
    progress.stage("dedup", 0);
    let inputs_for_dedup: Vec<DedupInput<'_>> = processed
        .iter()
        .map(|p| DedupInput {
            doc_id: &p.doc.doc_id,
            published: p.doc.published,
            text: &p.text,
        })
        .collect();
    let dedup = dedup::deduplicate(&inputs_for_dedup, &config.dedup);
    lap("dedup", &mut timings);

    // entities
    let tagger = EntityTagger::new(&config.entities);
    progress.stage("entities", processed.len() as u64);
    let mentions: Vec<Vec<Mention>> = processed
        .par_iter()
        .map(|p| {
            let m = tagger.tag(&p.text);
            progress.advance(1);
            m
        })
        .collect();
    let entity_rows = entity_table::aggregate(&processed, &mentions)?;
    lap("entities", &mut timings);

    // write
    progress.stage("write", 5);
    let output = output_dir(config, options);
    let mut sink = DatasetSink::create(
        &output,
        vec![
            ("gleaner.version".into(), env!("CARGO_PKG_VERSION").into()),
            ("gleaner.config_hash".into(), config.hash()),
        ],
    )?;
    let written = write_tables(
        &mut sink,
        &processed,
        &dedup,
        &mentions,
        &entity_rows,
        progress,
    );
    let tables = match written {
        Ok(t) => t,
        Err(e) => {
            sink.abandon();
            return Err(e.into());
        }
    };
    lap("write", &mut timings);

    let removed_by_reason = processed.iter().flat_map(|p| &p.removed).fold(
        BTreeMap::new(),
        |mut m: BTreeMap<String, u64>, r| {
            *m.entry(r.reason.clone()).or_default() += 1;
            m
        },
    );
    let mut counts = BTreeMap::new();
    counts.insert("files".to_string(), inputs.len() as u64);
    counts.insert("skipped_files".to_string(), skipped.len() as u64);
    counts.insert("documents".to_string(), processed.len() as u64);
    counts.insert("dropped_low_quality".to_string(), dropped);
    counts.insert(
        "flagged_low_quality".to_string(),
        processed
            .iter()
            .filter(|p| p.signals.flag.is_some())
            .count() as u64,
    );
    counts.insert(
        "removed_lines".to_string(),
        removed_by_reason.values().sum(),
    );
    counts.insert("clusters".to_string(), dedup.clusters);
    counts.insert("duplicates".to_string(), dedup.duplicates.len() as u64);
    counts.insert(
        "mentions".to_string(),
        mentions.iter().map(|m| m.len() as u64).sum(),
    );
    counts.insert("entities".to_string(), entity_rows.len() as u64);
    let warnings: Vec<String> = inputs
        .iter()
        .flat_map(|i| i.warnings.iter().map(move |w| format!("{}: {w}", i.path)))
        .collect();
    let manifest = Manifest {
        gleaner_version: env!("CARGO_PKG_VERSION").to_string(),
        dataset: config.dataset.name.clone(),
        config_hash: config.hash(),
        config: serde_json::to_value(config).unwrap_or_default(),
        threads,
        inputs,
        skipped: skipped.clone(),
        tables,
        counts: counts.clone(),
        removed_by_reason,
        dedup: DedupRecord {
            bands: dedup.banding.bands,
            rows: dedup.banding.rows,
            candidate_pairs: dedup.candidate_pairs,
            verified_pairs: dedup.verified_pairs,
            clusters: dedup.clusters,
        },
        timings,
    };
    let json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    if let Err(e) = sink.write_file("manifest.json", &json) {
        sink.abandon();
        return Err(e.into());
    }
    let output = sink.commit()?;
    Ok(Summary {
        output,
        files: counts["files"],
        skipped,
        warnings,
        counts,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Splits read results into manifest records and documents, in file order.
fn collect_reads(
    files: &[InputFile],
    reads: Vec<Result<FileRead, ReadError>>,
    skipped: &mut Vec<SkippedInput>,
) -> (Vec<InputRecord>, Vec<crate::document::Document>) {
    let mut inputs = Vec::new();
    let mut docs = Vec::new();
    for (file, read) in files.iter().zip(reads) {
        match read {
            Ok(read) => {
                inputs.push(InputRecord {
                    path: file.display.clone(),
                    format: read.format.to_string(),
                    size: read.fingerprint.size,
                    mtime: read.fingerprint.mtime,
                    hash: read.fingerprint.hash,
                    documents: read.documents.len() as u64,
                    repaired_utf8: read.repaired_utf8,
                    warnings: read.warnings,
                });
                docs.extend(read.documents);
            }
            Err(e) => skipped.push(SkippedInput {
                path: file.display.clone(),
                reason: e.to_string(),
            }),
        }
    }
    (inputs, docs)
}

/// The group a document is counted in for frequent lines: its URL's host,
/// else the directory of its source file.
fn site_group(doc: &crate::document::Document) -> String {
    if let Some(url) = &doc.url {
        let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        if !host.is_empty() {
            return host.to_lowercase();
        }
    }
    Path::new(&doc.source)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// The dataset directory: `--output`, else `dataset.output`, else `output/<name>`
/// (both relative to the config's directory).
pub fn output_dir(config: &Config, options: &RunOptions) -> PathBuf {
    if let Some(out) = &options.output {
        return out.clone();
    }
    match &config.dataset.output {
        Some(out) => options.config_dir.join(out),
        None => options.config_dir.join("output").join(&config.dataset.name),
    }
}

fn write_tables(
    sink: &mut DatasetSink,
    processed: &[Processed],
    dedup: &dedup::Dedup,
    mentions: &[Vec<Mention>],
    entity_rows: &[entity_table::EntityRow],
    progress: &dyn Progress,
) -> Result<BTreeMap<String, TableRecord>, WriteError> {
    let batches = [
        ("documents", write::documents_batch(processed, dedup)?),
        ("duplicates", write::duplicates_batch(processed, dedup)?),
        ("mentions", write::mentions_batch(processed, mentions)?),
        ("entities", write::entities_batch(entity_rows)?),
        ("boilerplate", write::boilerplate_batch(processed)?),
    ];
    let mut tables = BTreeMap::new();
    for (name, batch) in batches {
        let schema = batch.schema();
        let staged = sink.write_table(name, schema.clone(), std::slice::from_ref(&batch))?;
        let record = TableRecord::describe(&staged, batch.num_rows() as u64, &schema);
        tables.insert(name.to_string(), record);
        progress.advance(1);
    }
    debug_assert_eq!(tables.len(), schema::all().len());
    Ok(tables)
}
