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
use unicode_segmentation::UnicodeSegmentation;

use crate::clean::frequent::{FrequentLineCounter, FrequentLines};
use crate::clean::Cleaner;
use crate::config::{Config, InvalidValue};
use crate::dedup::{self, DocKey, Sketch, Sketcher};
use crate::discover::{discover, InputFile};
use crate::document::Processed;
use crate::entities::{EntityTagger, Mention};
use crate::entity_table;
use crate::lock::{DatasetLock, LockError};
use crate::quality::{self, Action, Signals};
use crate::read::{FileRead, ReadError, Reader};
use crate::spill::{CleanedDoc, SpillError, SpillStore};
use crate::write::manifest::{InputRecord, Manifest, SkippedInput, TableRecord};
use crate::write::sink::ROW_GROUP_ROWS;
use crate::write::{self, schema, DatasetSink, Verdicts, WriteError};

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
    /// Bytes of cleaned documents held in memory between passes before
    /// chunks spill to disk, and input bytes per chunk; `None`: the defaults.
    /// The tables do not depend on either.
    pub memory_budget: Option<usize>,
    pub chunk_bytes: Option<u64>,
    /// Wait for another run's lock on the dataset instead of failing.
    pub wait_for_lock: bool,
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
    #[error("{0}")]
    Spill(#[from] SpillError),
    #[error("{0}")]
    Locked(#[from] LockError),
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

/// Input bytes read per chunk: several files' worth, so reading is parallel,
/// but small enough that a chunk's raw text is a small part of memory.
const CHUNK_BYTES: u64 = 64 << 20;
/// Bytes of cleaned documents kept in memory between passes; chunks beyond
/// it are spilled to scratch files.
const MEMORY_BUDGET: usize = 512 << 20;
/// Documents whose word lists are held at once in the quality/sketch pass.
const WORD_BATCH: usize = 4096;
/// Rows per row group of `documents.parquet` (long texts: keep groups small).
const DOCUMENT_ROWS_PER_GROUP: usize = 8 * 1024;

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
    let output = output_dir(config, options);
    let lock = DatasetLock::acquire(&output, options.wait_for_lock)?;
    let mut lock_warnings: Vec<String> = lock
        .stale
        .iter()
        .map(|s| format!("took over the lock of a run that did not finish ({s})"))
        .collect();
    let removed = lock.remove_leftovers(&output);
    if removed > 0 {
        lock_warnings.push(format!(
            "removed {removed} staging/scratch director(ies) of unfinished runs"
        ));
    }

    // pass 1: read and clean chunk by chunk; count short lines per site
    let reader = Reader::new(&config.read).map_err(RunError::Config)?;
    let cleaner = Cleaner::new(&config.clean).map_err(RunError::Config)?;
    let mut store = SpillStore::new(
        output.join(format!(".scratch-{}", std::process::id())),
        options.memory_budget.unwrap_or(MEMORY_BUDGET),
    );
    let mut counter = FrequentLineCounter::new(config.clean.frequent_max_words);
    let mut inputs = Vec::new();
    let mut n_docs = 0usize;
    progress.stage("read", files.len() as u64);
    for range in chunk_files(&files, options.chunk_bytes.unwrap_or(CHUNK_BYTES)) {
        let chunk = &files[range];
        let reads: Vec<Result<FileRead, ReadError>> =
            chunk.par_iter().map(|f| reader.read(f)).collect();
        let (chunk_inputs, docs) = collect_reads(chunk, reads, &mut skipped);
        inputs.extend(chunk_inputs);
        let cleaned: Vec<CleanedDoc> = docs
            .into_par_iter()
            .map(|mut doc| {
                let cleaned = cleaner.clean(&doc.body);
                doc.body = String::new();
                CleanedDoc { doc, cleaned }
            })
            .collect();
        let short: Vec<Vec<u64>> = cleaned
            .par_iter()
            .map(|d| counter.short_lines(&d.cleaned))
            .collect();
        for (d, lines) in cleaned.iter().zip(&short) {
            counter.add(&site_group(&d.doc), lines);
        }
        n_docs += cleaned.len();
        if !cleaned.is_empty() {
            store.push(cleaned)?;
        }
        progress.advance(chunk.len() as u64);
    }
    if options.strict && !skipped.is_empty() {
        return Err(RunError::Inputs(skipped));
    }
    if n_docs == 0 {
        return Err(RunError::NoDocuments);
    }
    let frequent = counter.finish(config.clean.frequent_min_docs);
    lap("read_clean", &mut timings);

    // pass 2: final text → quality → dedup sketch; the text is dropped again
    let sketcher = Sketcher::new(&config.dedup);
    let drop_flagged = config.quality.action == Action::Drop;
    let mut signals: Vec<Option<Signals>> = Vec::with_capacity(n_docs);
    let mut keys: Vec<DocKey> = Vec::new();
    let mut sketches: Vec<Sketch> = Vec::new();
    let mut sketch_seconds = 0.0;
    progress.stage("sketch", n_docs as u64);
    for i in 0..store.len() {
        let (texts, chunk_keys): (Vec<String>, Vec<DocKey>) = store.with_chunk(i, |docs| {
            let texts = docs
                .par_iter()
                .map(|d| frequent.kept_text(&site_group(&d.doc), &d.cleaned))
                .collect();
            let keys = docs
                .iter()
                .map(|d| DocKey {
                    doc_id: d.doc.doc_id.clone(),
                    published: d.doc.published,
                })
                .collect();
            (texts, keys)
        })?;
        // Words are split once, for quality and for dedup, a batch at a time
        // (a chunk's word lists would be several times its text).
        let mut assessed: Vec<Signals> = Vec::with_capacity(texts.len());
        let mut chunk_sketches: Vec<Option<Sketch>> = Vec::with_capacity(texts.len());
        for batch in texts.chunks(WORD_BATCH) {
            let words: Vec<Vec<&str>> = batch
                .par_iter()
                .map(|t| t.unicode_words().collect())
                .collect();
            let signals: Vec<Signals> = batch
                .par_iter()
                .zip(&words)
                .map(|(t, w)| quality::assess_words(t, w, &config.quality))
                .collect();
            // Sketching is timed on its own: it is the dedup work proper.
            let sketch_started = Instant::now();
            chunk_sketches.par_extend(words.par_iter().zip(&signals).map(|(w, s)| {
                (!(drop_flagged && s.flag.is_some())).then(|| sketcher.sketch_words(w))
            }));
            sketch_seconds += sketch_started.elapsed().as_secs_f64();
            assessed.extend(signals);
        }
        for ((s, sketch), key) in assessed.into_iter().zip(chunk_sketches).zip(chunk_keys) {
            let keep = sketch.is_some();
            if keep {
                keys.push(key);
            }
            sketches.extend(sketch);
            signals.push(keep.then_some(s));
        }
        progress.advance(store.chunk_len(i) as u64);
    }
    let dropped = signals.iter().filter(|s| s.is_none()).count() as u64;
    lap("quality_sketch", &mut timings);
    timings.insert("sketch".to_string(), sketch_seconds);

    // pass 3: dedup on the sketches alone
    progress.stage("dedup", 0);
    let dedup = dedup::deduplicate_sketches(&keys, &sketches, &config.dedup);
    drop(sketches);
    lap("dedup", &mut timings);

    // pass 4: entities and tables, chunk by chunk
    let mut sink = DatasetSink::create(
        &output,
        vec![
            ("gleaner.version".into(), env!("CARGO_PKG_VERSION").into()),
            ("gleaner.config_hash".into(), config.hash()),
        ],
    )?;
    let tagger = EntityTagger::new(&config.entities);
    let mut tallies = Tallies::default();
    progress.stage("entities+write", n_docs as u64);
    let written = write_chunks(
        &mut sink,
        &mut store,
        &frequent,
        &mut signals,
        &tagger,
        &keys,
        &dedup,
        &mut tallies,
        progress,
    );
    let mut tables = match written {
        Ok(t) => t,
        Err(e) => {
            sink.abandon();
            return Err(e);
        }
    };
    lap("entities_write", &mut timings);

    let removed_by_reason = std::mem::take(&mut tallies.removed_by_reason);
    let mut counts = BTreeMap::new();
    counts.insert("files".to_string(), inputs.len() as u64);
    counts.insert("skipped_files".to_string(), skipped.len() as u64);
    counts.insert("documents".to_string(), keys.len() as u64);
    counts.insert("dropped_low_quality".to_string(), dropped);
    counts.insert("flagged_low_quality".to_string(), tallies.flagged);
    counts.insert(
        "removed_lines".to_string(),
        removed_by_reason.values().sum(),
    );
    counts.insert("clusters".to_string(), dedup.stats.clusters);
    counts.insert("duplicates".to_string(), dedup.duplicates.len() as u64);
    counts.insert("mentions".to_string(), tallies.mentions);
    counts.insert("entities".to_string(), tables["entities"].rows);
    let mut warnings: Vec<String> = inputs
        .iter()
        .flat_map(|i| i.warnings.iter().map(move |w| format!("{}: {w}", i.path)))
        .collect();
    warnings.append(&mut lock_warnings);
    let manifest = Manifest {
        gleaner_version: env!("CARGO_PKG_VERSION").to_string(),
        dataset: config.dataset.name.clone(),
        config_hash: config.hash(),
        config: serde_json::to_value(config).unwrap_or_default(),
        threads,
        inputs,
        skipped: skipped.clone(),
        tables: std::mem::take(&mut tables),
        counts: counts.clone(),
        removed_by_reason,
        dedup: dedup.stats,
        timings,
    };
    let json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    if let Err(e) = sink.write_file("manifest.json", &json) {
        sink.abandon();
        return Err(e.into());
    }
    let output = sink.commit()?;
    drop(lock);
    Ok(Summary {
        output,
        files: counts["files"],
        skipped,
        warnings,
        counts,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Totals gathered while writing.
#[derive(Debug, Default)]
struct Tallies {
    removed_by_reason: BTreeMap<String, u64>,
    flagged: u64,
    mentions: u64,
}

/// Consecutive runs of files of about `bytes` input bytes (at least one file).
fn chunk_files(files: &[InputFile], bytes: u64) -> Vec<std::ops::Range<usize>> {
    let mut chunks = Vec::new();
    let (mut start, mut size) = (0, 0u64);
    for (i, f) in files.iter().enumerate() {
        let len = std::fs::metadata(&f.path).map(|m| m.len()).unwrap_or(0);
        if i > start && size + len > bytes {
            chunks.push(start..i);
            (start, size) = (i, 0);
        }
        size += len;
    }
    if start < files.len() {
        chunks.push(start..files.len());
    }
    chunks
}

/// Pass 4: takes each chunk out of the store, finishes its documents, tags
/// entities and appends to the tables; then writes duplicates and entities.
#[allow(clippy::too_many_arguments)]
fn write_chunks(
    sink: &mut DatasetSink,
    store: &mut SpillStore,
    frequent: &FrequentLines,
    signals: &mut [Option<Signals>],
    tagger: &EntityTagger,
    keys: &[DocKey],
    dedup: &dedup::Dedup,
    tallies: &mut Tallies,
    progress: &dyn Progress,
) -> Result<BTreeMap<String, TableRecord>, RunError> {
    let mut documents =
        sink.open_table("documents", schema::documents(), DOCUMENT_ROWS_PER_GROUP)?;
    let mut mentions_table = sink.open_table("mentions", schema::mentions(), ROW_GROUP_ROWS)?;
    let mut boilerplate = sink.open_table("boilerplate", schema::boilerplate(), ROW_GROUP_ROWS)?;
    let mut partials = Vec::new();
    let (mut seen, mut kept) = (0usize, 0usize);
    for i in 0..store.len() {
        let chunk = store.take(i)?;
        let chunk_len = chunk.len() as u64;
        let chunk_signals = &mut signals[seen..seen + chunk.len()];
        seen += chunk.len();
        let processed: Vec<Processed> = chunk
            .into_par_iter()
            .zip(chunk_signals.par_iter_mut())
            .filter_map(|(mut d, signals)| {
                let signals = signals.take()?;
                frequent.apply(&site_group(&d.doc), &mut d.cleaned);
                Some(Processed {
                    text: d.cleaned.text(),
                    removed: d.cleaned.removed,
                    doc: d.doc,
                    signals,
                })
            })
            .collect();
        let mentions: Vec<Vec<Mention>> =
            processed.par_iter().map(|p| tagger.tag(&p.text)).collect();
        let range = kept..kept + processed.len();
        debug_assert!(processed
            .iter()
            .zip(&keys[range.clone()])
            .all(|(p, k)| p.doc.doc_id == k.doc_id));
        documents.write(&write::documents_batch(
            &processed,
            Verdicts::of(dedup, range),
        )?)?;
        mentions_table.write(&write::mentions_batch(&processed, &mentions)?)?;
        boilerplate.write(&write::boilerplate_batch(&processed)?)?;
        partials.push(entity_table::aggregate(&processed, &mentions)?);
        for p in &processed {
            for r in &p.removed {
                *tallies
                    .removed_by_reason
                    .entry(r.reason.clone())
                    .or_default() += 1;
            }
            tallies.flagged += p.signals.flag.is_some() as u64;
        }
        tallies.mentions += mentions.iter().map(|m| m.len() as u64).sum::<u64>();
        kept += processed.len();
        progress.advance(chunk_len);
    }
    let entity_rows = entity_table::merge(partials);
    let mut tables = BTreeMap::new();
    for (name, table, schema) in [
        ("documents", documents, schema::documents()),
        ("mentions", mentions_table, schema::mentions()),
        ("boilerplate", boilerplate, schema::boilerplate()),
    ] {
        let rows = table.rows();
        let staged = table.finish()?;
        tables.insert(
            name.to_string(),
            TableRecord::describe(&staged, rows, &schema),
        );
    }
    for (name, batch) in [
        ("duplicates", write::duplicates_batch(keys, dedup)?),
        ("entities", write::entities_batch(&entity_rows)?),
    ] {
        let schema = batch.schema();
        let staged = sink.write_table(name, schema.clone(), std::slice::from_ref(&batch))?;
        tables.insert(
            name.to_string(),
            TableRecord::describe(&staged, batch.num_rows() as u64, &schema),
        );
    }
    debug_assert_eq!(tables.len(), schema::all().len());
    Ok(tables)
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
