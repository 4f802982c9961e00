//! The pipeline: wires the stages together and decides threading.
//!
//! discover → read/split → clean → frequent lines → quality → dedup → entities
//! → entity totals → write. Per-document stages run with rayon over documents
//! in input order and collect in that order; global stages (frequent lines,
//! dedup, totals) are written to be order-independent. Together that makes the
//! tables byte-identical for any thread count. Nothing here prints: progress
//! goes through [`Progress`] and the outcome is a [`Summary`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

use crate::clean::frequent::{FrequentLineCounter, FrequentLines};
use crate::clean::Cleaner;
use crate::config::{Config, InvalidValue};
use crate::dedup::{self, DocKey, Sketch, Sketcher};
use crate::discover::{discover, DiscoverOptions, InputFile};
use crate::document::{Document, Processed};
use crate::entities::{EntityTagger, Mention};
use crate::entity_table;
use crate::lock::{DatasetLock, LockError};
use crate::quality::{self, Action, Signals};
use crate::read::{FileRead, ReadError, Reader};
use crate::release::{self, InputPlan, Previous};
use crate::spill::{CleanedDoc, SpillError, SpillStore};
use crate::state::{self, Released, StateError};
use crate::write::manifest::{
    InputRecord, Manifest, RunCounts, RunRecord, SkippedInput, TableRecord,
};
use crate::write::sink::{StagedTable, ROW_GROUP_ROWS};
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
    /// Rebuild the dataset from all inputs instead of adding the new ones.
    pub full: bool,
    /// With `full`: drop the released documents of inputs that are gone
    /// (without it, such a rebuild is refused).
    pub drop_vanished: bool,
    /// Follow symlinks that lead out of an input directory.
    pub follow_symlinks: bool,
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
    #[error("{0}")]
    Release(String),
    /// `--output` cannot hold a dataset (a file, `/`, inside an input).
    #[error("{0}")]
    Output(String),
    /// The run would lose or mix released data; nothing was changed.
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    State(#[from] StateError),
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
    /// The run id, or `None` when nothing was new and nothing was written.
    pub run: Option<u32>,
    /// Input files read (`counts` has the unchanged ones, and the rest).
    pub files: u64,
    pub skipped: Vec<SkippedInput>,
    pub warnings: Vec<String>,
    pub counts: RunCounts,
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
    let walk = DiscoverOptions {
        follow_symlinks: options.follow_symlinks,
    };
    let (files, problems) = if options.inputs.is_empty() {
        discover(&config.dataset.inputs, &options.config_dir, &walk)
    } else {
        discover(&options.inputs, Path::new(""), &walk)
    };
    let mut skipped: Vec<SkippedInput> = problems
        .into_iter()
        .map(|p| SkippedInput {
            path: p.path,
            reason: p.reason,
        })
        .collect();
    let output = output_dir(config, options);
    let input_paths: Vec<PathBuf> = if options.inputs.is_empty() {
        let dir = &options.config_dir;
        config.dataset.inputs.iter().map(|i| dir.join(i)).collect()
    } else {
        options.inputs.iter().map(PathBuf::from).collect()
    };
    release::check_output(&output, &input_paths).map_err(RunError::Output)?;
    let lock = DatasetLock::acquire(&output, options.wait_for_lock)?;
    let mut warnings: Vec<String> = lock
        .stale
        .iter()
        .map(|s| format!("took over the lock of a run that did not finish ({s})"))
        .collect();
    let removed = release::remove_dead_staging(&output);
    if removed > 0 {
        warnings.push(format!(
            "removed {removed} staging/scratch director(ies) of unfinished runs"
        ));
    }

    // what is released already, and what this run adds
    let config_hash = config.hash();
    let (previous, adds) = open_release(
        &output,
        options,
        config,
        &config_hash,
        &files,
        &mut warnings,
    )?;
    let base = previous.manifest().filter(|_| adds);
    let run_id = release::next_run(&output, &previous);
    let plan = match base {
        Some(m) => release::plan_inputs(files, &m.inputs),
        None => InputPlan {
            read: files,
            unchanged: Vec::new(),
        },
    };
    let files = plan.read;
    if options.strict && !skipped.is_empty() {
        return Err(RunError::Inputs(skipped));
    }
    if let (Some(m), true) = (base, files.is_empty()) {
        // Nothing new: the release stands as it is.
        return Ok(Summary {
            output,
            run: None,
            files: 0,
            skipped,
            warnings,
            counts: no_op_counts(m, plan.unchanged.len()),
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    let mut released = Released::default();
    if let Some(m) = base {
        for path in release::state_files(&output, m, "index") {
            state::read_index(&path, &mut released)?;
        }
    }
    let released_bodies: HashMap<&str, u64> = released
        .keys
        .iter()
        .zip(&released.body_hash)
        .map(|(k, &h)| (k.doc_id.as_str(), h))
        .collect();
    let mut sink = DatasetSink::create(
        &output,
        vec![
            ("gleaner.version".into(), env!("CARGO_PKG_VERSION").into()),
            ("gleaner.config_hash".into(), config_hash.clone()),
        ],
    )?;
    let mut tables = match base {
        Some(m) => m.tables.clone(),
        None => BTreeMap::new(),
    };
    // Entity totals are rewritten whole; the released ones are added to.
    let released_entities = tables.remove("entities");
    let mut state_tables = match base {
        Some(m) => m.state.clone(),
        None => BTreeMap::new(),
    };
    lap("plan", &mut timings);

    // pass 1: read and clean chunk by chunk; count short lines per site
    let reader = Reader::new(&config.read).map_err(RunError::Config)?;
    let cleaner = Cleaner::new(&config.clean).map_err(RunError::Config)?;
    let mut store = SpillStore::new(
        sink.scratch_dir()?,
        options.memory_budget.unwrap_or(MEMORY_BUDGET),
    );
    let mut counter = FrequentLineCounter::new(config.clean.frequent_max_words);
    let mut inputs = Vec::new();
    let mut n_docs = 0usize;
    let mut already_released = 0u64;
    progress.stage("read", files.len() as u64);
    for range in chunk_files(&files, options.chunk_bytes.unwrap_or(CHUNK_BYTES)) {
        let chunk = &files[range];
        let reads: Vec<Result<FileRead, ReadError>> =
            chunk.par_iter().map(|f| reader.read(f)).collect();
        let (chunk_inputs, docs) = collect_reads(chunk, reads, run_id, &mut skipped);
        inputs.extend(chunk_inputs);
        let read_count = docs.len();
        let docs = docs
            .into_par_iter()
            .filter_map(|doc| new_version(doc, &released_bodies))
            .collect::<Vec<_>>();
        already_released += (read_count - docs.len()) as u64;
        let cleaned: Vec<CleanedDoc> = docs
            .into_par_iter()
            .map(|(mut doc, body_hash)| {
                let cleaned = cleaner.clean_document(&doc.body, doc.extracted);
                doc.body = String::new();
                // A dateline or byline fills what the container left empty.
                doc.published = doc.published.or(cleaned.published);
                doc.author = doc.author.take().or_else(|| cleaned.author.clone());
                CleanedDoc {
                    doc,
                    cleaned,
                    body_hash,
                }
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
        let Some(m) = base else {
            return Err(RunError::NoDocuments);
        };
        // Files were read but gave nothing new (empty, corrupt, or records
        // released before): the release stands. Their fingerprints and the
        // skip reasons go into the manifest, so tomorrow's run does not read
        // them again and the reasons stay on record.
        let last = m.last_run();
        let inputs: Vec<InputRecord> = inputs
            .into_iter()
            .map(|r| InputRecord { run: last, ..r })
            .collect();
        let counts = RunCounts {
            files: inputs.len() as u64,
            already_released,
            skipped_files: skipped.len() as u64,
            ..no_op_counts(m, plan.unchanged.len())
        };
        warnings.extend(
            inputs
                .iter()
                .flat_map(|i| i.warnings.iter().map(move |w| format!("{}: {w}", i.path))),
        );
        let files_read = inputs.len() as u64;
        let manifest = Manifest {
            inputs: merge_inputs(base, plan.unchanged, inputs),
            skipped: skipped.clone(),
            ..m.clone()
        };
        let json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
        drop(store);
        sink.write_file("manifest.json", &json)?;
        let output = sink.commit(&[])?;
        drop(lock);
        return Ok(Summary {
            output,
            run: None,
            files: files_read,
            skipped,
            warnings,
            counts,
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    // This run's line counts become state; the released counts are added
    // before deciding which lines are frequent.
    let line_counts = state::lines_batch(&counter.counts()).map_err(arrow_error("lines"))?;
    add_state(&mut sink, &mut state_tables, "lines", run_id, &line_counts)?;
    drop(line_counts);
    if let Some(m) = base {
        for path in release::state_files(&output, m, "lines") {
            state::read_lines(&path, |g, h, n| counter.add_count(g, h, n))?;
        }
    }
    let frequent = counter.finish(config.clean.frequent_min_docs);
    lap("read_clean", &mut timings);

    // pass 2: final text → quality → dedup sketch; the text is dropped again
    let sketcher = Sketcher::new(&config.dedup);
    let drop_flagged = config.quality.action == Action::Drop;
    let mut signals: Vec<Option<Signals>> = Vec::with_capacity(n_docs);
    // Released documents first: dedup sees them and this run's as one list.
    let p = released.keys.len();
    drop(released_bodies);
    let mut keys: Vec<DocKey> = std::mem::take(&mut released.keys);
    let mut sketches: Vec<Sketch> = std::mem::take(&mut released.sketches);
    let mut body_hashes: Vec<u64> = Vec::new();
    let mut sketch_seconds = 0.0;
    progress.stage("sketch", n_docs as u64);
    for i in 0..store.len() {
        let (texts, chunk_keys): (Vec<String>, Vec<(DocKey, u64)>) =
            store.with_chunk(i, |docs| {
                let texts = docs
                    .par_iter()
                    .map(|d| frequent.kept_text(&site_group(&d.doc), &d.cleaned))
                    .collect();
                let keys = docs
                    .iter()
                    .map(|d| {
                        let key = DocKey {
                            doc_id: d.doc.doc_id.clone(),
                            published: d.doc.published,
                        };
                        (key, d.body_hash)
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
        for ((s, sketch), (key, body_hash)) in
            assessed.into_iter().zip(chunk_sketches).zip(chunk_keys)
        {
            let keep = sketch.is_some();
            if keep {
                keys.push(key);
                body_hashes.push(body_hash);
            }
            sketches.extend(sketch);
            signals.push(keep.then_some(s));
        }
        progress.advance(store.chunk_len(i) as u64);
    }
    let dropped = signals.iter().filter(|s| s.is_none()).count() as u64;
    lap("quality_sketch", &mut timings);
    timings.insert("sketch".to_string(), sketch_seconds);

    // pass 3: dedup on the sketches alone, against the released documents
    progress.stage("dedup", 0);
    let dedup =
        dedup::deduplicate_with_released(&keys, &sketches, &released.cluster_id, &config.dedup);
    let index = state::index_batch(
        &keys[p..],
        &dedup.cluster_id[p..],
        &body_hashes,
        &sketches[p..],
    )
    .map_err(arrow_error("index"))?;
    drop(sketches);
    add_state(&mut sink, &mut state_tables, "index", run_id, &index)?;
    drop(index);
    lap("dedup", &mut timings);

    // pass 4: entities and tables, chunk by chunk
    let mut entity_parts = Vec::new();
    if let Some(entities) = &released_entities {
        for part in &entities.parts {
            entity_parts.push(state::read_entities(&output.join(&part.file))?);
        }
    }
    let tagger = EntityTagger::new(&config.entities);
    let mut tallies = Tallies::default();
    progress.stage("entities+write", n_docs as u64);
    write_chunks(
        &mut sink,
        &mut tables,
        run_id,
        &mut store,
        &frequent,
        &mut signals,
        &tagger,
        (&keys, p),
        &dedup,
        entity_parts,
        &mut tallies,
        progress,
    )?;
    lap("entities_write", &mut timings);

    let added = (keys.len() - p) as u64;
    let removed_by_reason = std::mem::take(&mut tallies.removed_by_reason);
    let counts = RunCounts {
        files: inputs.len() as u64,
        unchanged_files: plan.unchanged.len() as u64,
        skipped_files: skipped.len() as u64,
        documents: added,
        already_released,
        released_documents: tables["documents"].rows,
        dropped_low_quality: dropped,
        flagged_low_quality: tallies.flagged,
        removed_lines: removed_by_reason.values().sum(),
        clusters: dedup.stats.clusters,
        duplicates: dedup.duplicates.len() as u64,
        mentions: tallies.mentions,
        entities: tables["entities"].rows,
        documents_names_tagged: tallies.names_tagged,
        documents_no_name_model: tallies.names_no_model,
    };
    warnings.splice(
        0..0,
        inputs
            .iter()
            .flat_map(|i| i.warnings.iter().map(move |w| format!("{}: {w}", i.path))),
    );
    let files_read = inputs.len() as u64;
    let mut runs = base.map(|m| m.runs.clone()).unwrap_or_default();
    runs.push(RunRecord {
        run: run_id,
        finished: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        full: base.is_none(),
        inputs: files_read,
        documents: added,
    });
    let manifest = Manifest {
        gleaner_version: env!("CARGO_PKG_VERSION").to_string(),
        dataset: config.dataset.name.clone(),
        config_hash,
        config: serde_json::to_value(config).unwrap_or_default(),
        runs,
        inputs: merge_inputs(base, plan.unchanged, inputs),
        skipped: skipped.clone(),
        tables,
        state: state_tables,
        counts,
        removed_by_reason,
        dedup: dedup.stats,
        threads,
        timings,
    };
    let json = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    sink.write_file("manifest.json", &json)?;
    let superseded = release::superseded_files(previous.manifest(), &manifest);
    let output = sink.commit(&superseded)?;
    drop(lock);
    Ok(Summary {
        output,
        run: Some(run_id),
        files: files_read,
        skipped,
        warnings,
        counts,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Loads the release in `output`, finishes or undoes a commit that an
/// interrupted run left, and decides whether this run adds to the release
/// (`true`) or rebuilds it (`false`: first run, or `--full`). It refuses,
/// changing nothing, whatever would lose or mix released data: files laid
/// out like a release but no readable manifest, a release made with another
/// config or gleaner version (unless `--full`), and a `--full` rebuild that
/// would drop the documents of inputs that are gone (unless
/// `--drop-vanished`).
fn open_release(
    output: &Path,
    options: &RunOptions,
    config: &Config,
    config_hash: &str,
    files: &[InputFile],
    warnings: &mut Vec<String>,
) -> Result<(Previous, bool), RunError> {
    let dir = output.display();
    let recovery = format!(
        "gleaner changed nothing. To recover: restore manifest.json (from a backup or \
         snapshot), or `gleaner repair {dir}` to rebuild it from the partitions, or \
         write to an empty directory with --output"
    );
    let mut previous = Previous::load(output);
    if let Previous::Unusable(why) = &previous {
        return Err(RunError::Refused(format!(
            "the manifest of {dir} cannot be read ({why}); {recovery}"
        )));
    }
    let finished = release::finish_interrupted_commit(output, previous.manifest())
        .map_err(RunError::Release)?;
    if finished > 0 {
        warnings.push(format!(
            "removed {finished} file(s) of a commit that was interrupted"
        ));
        previous = Previous::load(output);
    }
    if let Previous::Orphaned(found) = &previous {
        return Err(RunError::Refused(format!(
            "{dir} holds {} file(s) laid out like a release ({}) but no manifest.json, \
             so nothing proves gleaner wrote them; {recovery}",
            found.len(),
            sample_of(found)
        )));
    }
    let stray = release::untracked_files(output, previous.manifest());
    if !stray.is_empty() {
        warnings.push(format!(
            "{} file(s) laid out like partitions are not in the manifest and were left alone \
             (glob readers see them; `gleaner verify` lists them): {}",
            stray.len(),
            sample_of(&stray)
        ));
    }
    let Some(m) = previous.manifest() else {
        return Ok((previous, false));
    };
    let version = env!("CARGO_PKG_VERSION");
    if !options.full {
        if m.gleaner_version != version {
            return Err(RunError::Refused(format!(
                "the release in {dir} was made by gleaner {}, this is gleaner {version}; adding \
                 to it would mix two versions' output in one release. Run with --full to \
                 rebuild it (the old partitions stay until the new release commits)",
                m.gleaner_version
            )));
        }
        if m.config_hash != config_hash {
            let now = serde_json::to_value(config).unwrap_or_default();
            let keys = crate::config::differences(&m.config, &now);
            return Err(RunError::Refused(format!(
                "the config differs from the one the release in {dir} was made with ({}); \
                 adding to it would mix two configs in one release. Use the release's config \
                 (it is in manifest.json), or run with --full to rebuild with this one",
                if keys.is_empty() {
                    "hash only".to_string()
                } else {
                    keys.join(", ")
                }
            )));
        }
        return Ok((previous, true));
    }
    let present: std::collections::HashSet<&str> =
        files.iter().map(|f| f.display.as_str()).collect();
    let vanished: Vec<&InputRecord> = m
        .inputs
        .iter()
        .filter(|i| i.documents > 0 && !present.contains(i.path.as_str()))
        .collect();
    if !vanished.is_empty() {
        let documents: u64 = vanished.iter().map(|i| i.documents).sum();
        let paths: Vec<String> = vanished.iter().map(|i| i.path.clone()).collect();
        if !options.drop_vanished {
            return Err(RunError::Refused(format!(
                "--full would drop {documents} released document(s) of {} input(s) that are no \
                 longer there ({}); restore them, or add --drop-vanished to drop them",
                vanished.len(),
                sample_of(&paths)
            )));
        }
        warnings.push(format!(
            "--full --drop-vanished: {documents} released document(s) of {} vanished input(s) \
             are not in the new release",
            vanished.len()
        ));
    }
    Ok((previous, false))
}

/// The first few of `items`, for a message.
fn sample_of(items: &[String]) -> String {
    const SHOWN: usize = 3;
    let mut text = items
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > SHOWN {
        text.push_str(&format!(", … {} more", items.len() - SHOWN));
    }
    text
}

/// The document as this run should take it, with the hash of its body, or
/// `None` when that very text was released before under its id. A record
/// whose text changed since its release is a new document (a revision) and
/// gets an id of its own, so ids stay unique across the release.
fn new_version(mut doc: Document, released: &HashMap<&str, u64>) -> Option<(Document, u64)> {
    let hash = xxhash_rust::xxh3::xxh3_64(doc.body.as_bytes());
    if released.is_empty() {
        return Some((doc, hash));
    }
    match released.get(doc.doc_id.as_str()) {
        None => return Some((doc, hash)),
        Some(&h) if h == hash => return None,
        Some(_) => {}
    }
    let revision = crate::document::revision_id(&doc.doc_id, hash);
    if released.get(revision.as_str()) == Some(&hash) {
        return None;
    }
    doc.doc_id = revision;
    Some((doc, hash))
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
fn no_op_counts(release: &Manifest, unchanged: usize) -> RunCounts {
    RunCounts {
        unchanged_files: unchanged as u64,
        released_documents: release.tables.get("documents").map_or(0, |t| t.rows),
        ..RunCounts::default()
    }
}

/// Writes one state partition of run `run` and records it.
fn add_state(
    sink: &mut DatasetSink,
    records: &mut BTreeMap<String, TableRecord>,
    store: &str,
    run: u32,
    batch: &arrow::record_batch::RecordBatch,
) -> Result<(), RunError> {
    let file = release::state_file(store, run);
    let schema = batch.schema();
    let staged = sink.write_table(&file, schema.clone(), std::slice::from_ref(batch))?;
    records
        .entry(store.to_string())
        .or_insert_with(|| TableRecord::new(&schema))
        .add(file, run, &staged, batch.num_rows() as u64);
    Ok(())
}

fn arrow_error(table: &str) -> impl FnOnce(arrow::error::ArrowError) -> RunError + '_ {
    move |source| {
        RunError::Write(WriteError::Arrow {
            table: table.to_string(),
            source,
        })
    }
}

/// Totals gathered while writing.
#[derive(Debug, Default)]
struct Tallies {
    removed_by_reason: BTreeMap<String, u64>,
    flagged: u64,
    mentions: u64,
    /// Documents whose names were tagged, and documents in a language no
    /// name model knows (pattern entities only).
    names_tagged: u64,
    names_no_model: u64,
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
/// entities and appends to this run's partitions; then writes duplicates and
/// the entity totals (`released_entities` plus this run's). `keys` are the
/// documents dedup saw, the first `p` of them released before.
#[allow(clippy::too_many_arguments)]
fn write_chunks(
    sink: &mut DatasetSink,
    tables: &mut BTreeMap<String, TableRecord>,
    run: u32,
    store: &mut SpillStore,
    frequent: &FrequentLines,
    signals: &mut [Option<Signals>],
    tagger: &EntityTagger,
    (keys, p): (&[DocKey], usize),
    dedup: &dedup::Dedup,
    released_entities: Vec<Vec<entity_table::EntityRow>>,
    tallies: &mut Tallies,
    progress: &dyn Progress,
) -> Result<(), RunError> {
    let open = |sink: &mut DatasetSink, name: &str, rows: usize| {
        let schema = schema::by_name(name);
        sink.open_table(&release::part_file(name, run), schema, rows)
    };
    let mut documents = open(sink, "documents", DOCUMENT_ROWS_PER_GROUP)?;
    let mut mentions_table = open(sink, "mentions", ROW_GROUP_ROWS)?;
    let mut boilerplate = open(sink, "boilerplate", ROW_GROUP_ROWS)?;
    let mut partials = released_entities;
    let (mut seen, mut kept) = (0usize, p);
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
        let mentions: Vec<Vec<Mention>> = processed
            .par_iter()
            .map(|p| tagger.tag_in(&p.text, p.signals.lang.as_deref()))
            .collect();
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
            if crate::entities::has_name_model(p.signals.lang.as_deref(), &p.text) {
                tallies.names_tagged += 1;
            } else {
                tallies.names_no_model += 1;
            }
        }
        tallies.mentions += mentions.iter().map(|m| m.len() as u64).sum::<u64>();
        kept += processed.len();
        progress.advance(chunk_len);
    }
    let mut entity_rows = entity_table::merge(partials);
    entity_table::link_variants(&mut entity_rows);
    let mut record = |name: &str, staged: &StagedTable, rows: u64| {
        tables
            .entry(name.to_string())
            .or_insert_with(|| TableRecord::new(&schema::by_name(name)))
            .add(release::part_file(name, run), run, staged, rows);
    };
    for (name, table) in [
        ("documents", documents),
        ("mentions", mentions_table),
        ("boilerplate", boilerplate),
    ] {
        let rows = table.rows();
        record(name, &table.finish()?, rows);
    }
    for (name, batch) in [
        ("duplicates", write::duplicates_batch(keys, dedup)?),
        ("entities", write::entities_batch(&entity_rows)?),
    ] {
        let file = release::part_file(name, run);
        let staged = sink.write_table(&file, batch.schema(), std::slice::from_ref(&batch))?;
        record(name, &staged, batch.num_rows() as u64);
    }
    debug_assert_eq!(tables.len(), schema::all().len());
    Ok(())
}

/// Splits read results into manifest records and documents, in file order.
fn collect_reads(
    files: &[InputFile],
    reads: Vec<Result<FileRead, ReadError>>,
    run: u32,
    skipped: &mut Vec<SkippedInput>,
) -> (Vec<InputRecord>, Vec<crate::document::Document>) {
    let mut inputs = Vec::new();
    let mut docs = Vec::new();
    for (file, read) in files.iter().zip(reads) {
        match read {
            Ok(read) => {
                inputs.push(InputRecord {
                    path: file.display.clone(),
                    run,
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
