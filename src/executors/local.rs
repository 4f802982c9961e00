//! The local executor: `gleaner run`, every pass in one process.
//!
//! discover → scan → lines → sketch → cluster → write → commit (see
//! [`crate::passes`]). Per-document passes run with rayon over documents in
//! input order and collect in that order; global passes (frequent lines,
//! dedup, totals) are written to be order-independent. Together that makes
//! the tables byte-identical for any thread count. Documents go from one
//! pass to the next in memory, spilled to scratch files beyond the memory
//! budget; the sharded executor ([`crate::executors::sharded`]) runs the
//! same passes as tasks. Nothing here prints: progress goes through
//! [`Progress`] and the outcome is a [`Summary`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use arrow::record_batch::RecordBatch;

use super::partitioned_run;
use crate::clean::frequent::FrequentLineCounter;
use crate::config::{Config, InvalidValue};
use crate::dedup::Sketcher;
use crate::discover::{discover, DiscoverOptions, InputFile};
use crate::entities::EntityTagger;
use crate::lock::{DatasetLock, LockError};
use crate::passes::cluster::{self, NewSketches};
use crate::passes::scan::{self, ScanContext};
use crate::passes::{self, sketch, write, PassError};
use crate::read::Reader;
use crate::release::no_op_counts;
use crate::release::remote_lock::RemoteLock;
use crate::release::{
    self, released_bodies, released_index, table_metadata, InputPlan, Previous, RunCommit,
};
use crate::spill::{SpillError, SpillStore};
use crate::state::{self, Released, ReleasedBodies, StateError};
use crate::storage::{self, Remote, StorageError};
use crate::write::manifest::{InputRecord, Manifest, RunCounts, SkippedInput};
use crate::write::{DatasetSink, WriteError};

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
    /// Bytes a run may hold; a run estimated to need more runs as
    /// partitions ([`super::partitioned_run`]). `None`: half the memory
    /// the run may use (the machine's, or its control group's limit: see
    /// [`super::partitioned_run::default_max_memory`]). The tables do not
    /// depend on it.
    pub max_memory: Option<u64>,
}

pub use crate::passes::{Progress, Silent};

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("invalid configuration: `{}`: {}", .0.key, .0.message)]
    Config(InvalidValue),
    #[error("{} input(s) could not be read (--strict): {}", .0.len(), describe(.0))]
    Inputs(Vec<SkippedInput>),
    /// No input gave a document; the skipped ones, with their reasons.
    #[error("no documents to process: {}", no_documents(.0))]
    NoDocuments(Vec<SkippedInput>),
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
    #[error("{0}")]
    Pass(String),
    #[error("object store: {0}")]
    Storage(#[from] StorageError),
    #[error("cannot start {0} worker threads: {1}")]
    Threads(usize, String),
}

impl From<PassError> for RunError {
    fn from(e: PassError) -> RunError {
        match e {
            PassError::Spill(e) => RunError::Spill(e),
            PassError::Write(e) => RunError::Write(e),
            PassError::State(e) => RunError::State(e),
            e @ PassError::Missing(_) => RunError::Pass(e.to_string()),
        }
    }
}

/// Why a run had no document. Every reason is said, up to a point: when
/// all inputs were skipped, the reasons are the only useful part of the
/// error (a run that fails writes no manifest to list them in).
fn no_documents(skipped: &[SkippedInput]) -> String {
    const SHOWN: usize = 20;
    match skipped.len() {
        0 => "the inputs held no document".to_string(),
        n if n <= SHOWN => format!(
            "every input was skipped or held no document; {n} skipped: {}",
            describe(skipped)
        ),
        n => format!(
            "every input was skipped or held no document; {n} skipped: {}; and {} more",
            describe(&skipped[..SHOWN]),
            n - SHOWN
        ),
    }
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
    let Some(remote) = remote_output(config, options) else {
        return pool.install(|| run_in_pool(config, options, progress, threads));
    };
    // An object-store dataset: run into a local mirror of what the run
    // builds on, then upload the new files, the manifest last. The lock
    // object keeps out runs on other machines from the pull to the upload.
    let lock = RemoteLock::acquire(&remote, options.wait_for_lock)?;
    let mirror = cache_dir().join("datasets").join(slug(&remote.url));
    std::fs::create_dir_all(&mirror)
        .map_err(|e| RunError::Output(format!("{}: {e}", mirror.display())))?;
    storage::pull_release(&remote, &mirror).map_err(|e| match e.refused {
        true => RunError::Refused(e.to_string()),
        false => RunError::Storage(e),
    })?;
    let before = Manifest::load(&mirror).ok();
    let local = RunOptions {
        output: Some(mirror.clone()),
        ..options.clone()
    };
    let mut summary = pool.install(|| run_in_pool(config, &local, progress, threads))?;
    let after = Manifest::load(&mirror).ok();
    if after.as_ref().map(|m| (m.last_run(), m.inputs.len()))
        != before.as_ref().map(|m| (m.last_run(), m.inputs.len()))
    {
        lock.confirm()?;
        storage::push_release(&mirror, &remote, before.as_ref())?;
    }
    if let Some(m) = &after {
        keep_only_state(&mirror, m);
    }
    summary.output = PathBuf::from(&remote.url);
    summary.warnings.extend(lock.took_over());
    summary.warnings.extend(lock.release());
    Ok(summary)
}

/// The dataset's object-store location, when `--output` (or
/// `dataset.output`) is one.
pub(crate) fn remote_output(config: &Config, options: &RunOptions) -> Option<Remote> {
    match &options.output {
        Some(out) => Remote::parse(&out.to_string_lossy()),
        None => config.dataset.output.as_deref().and_then(Remote::parse),
    }
}

/// Where object-store inputs and dataset mirrors are kept between runs:
/// `$GLEANER_CACHE`, else `$XDG_CACHE_HOME/gleaner`, else `~/.cache/gleaner`.
pub(crate) fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("GLEANER_CACHE") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME") {
        return PathBuf::from(dir).join("gleaner");
    }
    std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cache").join("gleaner"))
        .unwrap_or_else(|| std::env::temp_dir().join("gleaner"))
}

/// A directory name for a URL.
pub(crate) fn slug(url: &str) -> String {
    url.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Empties a dataset mirror of what a later run does not build on (the
/// per-document partitions, uploaded already): the mirror stays small.
fn keep_only_state(mirror: &Path, m: &Manifest) {
    for (name, record) in &m.tables {
        if name == "entities" {
            continue;
        }
        for part in &record.parts {
            let _ = std::fs::remove_file(mirror.join(&part.file));
        }
    }
}

/// Input bytes read per chunk: several files' worth, so reading is parallel,
/// but small enough that a chunk's raw text is a small part of memory.
pub const CHUNK_BYTES: u64 = 64 << 20;
/// Bytes of cleaned documents kept in memory between passes; chunks beyond
/// it are spilled to scratch files.
pub(crate) const MEMORY_BUDGET: usize = 512 << 20;

/// Times the stages of a run for the manifest.
pub(crate) struct Laps {
    pub timings: BTreeMap<String, f64>,
    clock: Instant,
}

impl Laps {
    pub fn new() -> Laps {
        Laps {
            timings: BTreeMap::new(),
            clock: Instant::now(),
        }
    }

    /// Records the time since the last lap under `name`.
    pub fn lap(&mut self, name: &str) {
        self.timings
            .insert(name.to_string(), self.clock.elapsed().as_secs_f64());
        self.clock = Instant::now();
    }
}

/// The local executor: every pass in this process, handing documents from
/// one pass to the next in memory (spilled to scratch files beyond the
/// memory budget).
fn run_in_pool(
    config: &Config,
    options: &RunOptions,
    progress: &dyn Progress,
    threads: usize,
) -> Result<Summary, RunError> {
    let started = Instant::now();
    let mut laps = Laps::new();

    let Opened {
        output,
        lock,
        mut warnings,
        mut skipped,
        config_hash,
        previous,
        adds,
        run: run_id,
        plan,
    } = open_run(config, options)?;
    let base = previous.manifest().filter(|_| adds);
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
    // The scan needs only the released body hashes; the sketches are
    // read after it, for the cluster pass: the two are never held at once.
    let fit = partitioned_run::fit(
        base.and_then(|m| m.state.get("index"))
            .map_or(0, |t| t.rows),
        files
            .iter()
            .filter_map(|f| std::fs::metadata(&f.path).ok())
            .map(|m| m.len())
            .sum(),
        options
            .max_memory
            .unwrap_or_else(partitioned_run::default_max_memory),
    );
    if let Some(tasks) = fit.tasks {
        // Planned again from the start, under the lock the plan takes; the
        // work files go inside the run's shared staging area, which the
        // commit removes.
        drop(lock);
        let work = std::path::absolute(&output)
            .unwrap_or_else(|_| output.clone())
            .join(format!("{}{run_id}", release::SHARDS_PREFIX))
            .join("work");
        let mut summary = partitioned_run::run(config, options, tasks, &work, progress)?;
        summary.warnings.push(format!(
            "this run would hold about {} MB, over --max-memory: it ran as {tasks} \
             partitions, one after another (the passes of `gleaner plan`; same tables)",
            fit.local_bytes >> 20
        ));
        summary.seconds = started.elapsed().as_secs_f64();
        summary.output = output;
        return Ok(summary);
    }
    let released_bodies = match base {
        Some(m) => released_bodies(&output, m)?,
        None => ReleasedBodies::default(),
    };
    let mut sink = DatasetSink::create(&output, table_metadata(config))?;
    let mut commit = RunCommit::new(base, run_id);
    laps.lap("plan");

    // pass scan
    let reader = Reader::new(&config.read).map_err(RunError::Config)?;
    let cleaner = config.cleaner().map_err(RunError::Config)?;
    let mut store = SpillStore::new(
        sink.scratch_dir()?,
        options.memory_budget.unwrap_or(MEMORY_BUDGET),
    );
    progress.stage("read", files.len() as u64);
    let scanned = scan::scan(
        &files,
        &ScanContext {
            reader: &reader,
            cleaner: &cleaner,
            released: &released_bodies,
            run: run_id,
            chunk_bytes: options.chunk_bytes.unwrap_or(CHUNK_BYTES),
            frequent_max_words: config.clean.frequent_max_words,
            frequent_min_docs: config.clean.frequent_min_docs,
        },
        &mut store,
        progress,
    )?;
    drop(released_bodies);
    skipped.extend(scanned.skipped);
    commit.inputs = scanned.inputs;
    commit.counts.merge(scanned.counts);
    if options.strict && !skipped.is_empty() {
        return Err(RunError::Inputs(skipped));
    }
    if !adds {
        check_rebuild_read(
            previous.manifest(),
            &skipped,
            options.drop_vanished,
            &mut warnings,
        )?;
    }
    if scanned.documents == 0 {
        let Some(m) = base else {
            return Err(RunError::NoDocuments(skipped));
        };
        drop(store);
        let (output, summary) =
            commit.record_inputs_only(config, m, plan.unchanged, skipped, sink)?;
        drop(lock);
        return Ok(Summary {
            output,
            warnings: [warnings, summary.warnings].concat(),
            seconds: started.elapsed().as_secs_f64(),
            ..summary
        });
    }

    // pass lines: this run's counts become state; the released counts are
    // added before deciding which lines are frequent.
    let mut counter = scanned.lines;
    commit.add_state(&mut sink, "lines", &line_counts_batch(&counter)?)?;
    if let Some(m) = base {
        add_released_lines(&output, m, &mut counter)?;
    }
    let frequent = counter.finish(config.clean.frequent_min_docs);
    laps.lap("read_clean");

    // pass sketch
    progress.stage("sketch", scanned.documents);
    let sketched = sketch::sketch(
        &store,
        &frequent,
        &Sketcher::new(&config.dedup),
        &config.quality,
        progress,
    )?;
    commit.counts.merge(sketched.counts);
    laps.lap("quality_sketch");
    laps.timings
        .insert("sketch".to_string(), sketched.sketch_seconds);

    // pass cluster, against the released documents
    progress.stage("dedup", 0);
    let released = match base {
        Some(m) => released_index(&output, m)?,
        None => Released::default(),
    };
    let new = NewSketches {
        keys: sketched.keys,
        body_hashes: sketched.body_hashes,
        sketches: sketched.sketches,
    };
    // The tagger loads its name models (about 0.1 s each) while the
    // clustering runs: each is mostly one thread's work, so on two cores
    // neither waits for the other.
    let languages = sketched.signals.values().map(|s| s.lang.as_deref());
    let (clustered, tagger) = rayon::join(
        || cluster::cluster(released, new, &config.dedup),
        || EntityTagger::with_models_for(&config.entities, languages),
    );
    let clustered = clustered?;
    commit.add_state_batches(&mut sink, "index", &clustered.index)?;
    commit.add_table(&mut sink, "duplicates", &clustered.duplicates)?;
    commit.dedup(&clustered);
    let verdicts = clustered.verdicts;
    laps.lap("dedup");

    // pass write
    progress.stage("entities+write", scanned.documents);
    let mut parts = RunCommit::open_parts(run_id, &mut sink, 0, 1)?;
    let written = write::write(
        &mut store,
        &frequent,
        sketched.signals,
        &verdicts,
        &tagger,
        &mut parts,
        progress,
    )?;
    commit.finish_parts(parts, 0, 1)?;
    commit.counts.merge(written.counts);
    commit.add_entities(&output, &mut sink, vec![written.entities])?;
    laps.lap("entities_write");

    // commit
    let (output, mut summary) = commit.finish(
        config,
        &config_hash,
        &previous,
        plan.unchanged,
        skipped,
        threads,
        laps.timings,
        sink,
    )?;
    drop(lock);
    summary.warnings.extend(warnings);
    summary.output = output;
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// A run's start: its inputs, its dataset locked, the release checked.
pub(crate) struct Opened {
    pub output: PathBuf,
    pub lock: DatasetLock,
    pub warnings: Vec<String>,
    /// Inputs that could not be found or walked.
    pub skipped: Vec<SkippedInput>,
    pub config_hash: String,
    pub previous: Previous,
    /// Whether the run adds to the release in place (else it rebuilds).
    pub adds: bool,
    /// The run's id.
    pub run: u32,
    /// The inputs it reads, and those unchanged since their release.
    pub plan: InputPlan,
}

/// Discovers the inputs, locks the dataset, removes dead runs' staging,
/// checks the release ([`open_release`]) and decides the run's id and its
/// inputs. `--strict` is checked by the caller.
pub(crate) fn open_run(config: &Config, options: &RunOptions) -> Result<Opened, RunError> {
    let walk = DiscoverOptions {
        follow_symlinks: options.follow_symlinks,
    };
    let (given, base) = if options.inputs.is_empty() {
        (&config.dataset.inputs, options.config_dir.as_path())
    } else {
        (&options.inputs, Path::new(""))
    };
    // Object-store inputs are fetched into the cache; the rest are walked.
    let (remote, local): (Vec<&String>, Vec<&String>) =
        given.iter().partition(|i| Remote::parse(i).is_some());
    let local: Vec<String> = local.into_iter().cloned().collect();
    let (mut files, problems) = discover(&local, base, &walk);
    for url in remote.into_iter().filter_map(|i| Remote::parse(i)) {
        let cache = cache_dir().join("inputs").join(slug(&url.url));
        files.extend(storage::fetch_inputs(&url, &cache)?);
    }
    let skipped: Vec<SkippedInput> = problems
        .into_iter()
        .map(|p| SkippedInput {
            path: p.path,
            reason: p.reason,
        })
        .collect();
    let output = output_dir(config, options);
    let input_paths: Vec<PathBuf> = local.iter().map(|i| base.join(i)).collect();
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
    let config_hash = config.hash();
    let (previous, adds) = open_release(
        &output,
        options,
        config,
        &config_hash,
        &files,
        &mut warnings,
    )?;
    let last_run = previous.manifest().map_or(0, Manifest::last_run);
    let removed = release::remove_finished_shards(&output, last_run);
    if removed > 0 {
        warnings.push(format!(
            "removed {removed} staging director(ies) of sharded runs that can no longer commit"
        ));
    }
    let run = release::next_run(&output, &previous);
    let plan = match previous.manifest().filter(|_| adds) {
        Some(m) => release::plan_inputs(files, &m.inputs),
        None => InputPlan {
            read: files,
            unchanged: Vec::new(),
        },
    };
    Ok(Opened {
        output,
        lock,
        warnings,
        skipped,
        config_hash,
        previous,
        adds,
        run,
        plan,
    })
}

/// Loads the release in `output`, finishes or undoes a commit that an
/// interrupted run left, and decides whether this run adds to the release
/// (`true`) or rebuilds it (`false`: first run, or `--full`). It refuses,
/// changing nothing, whatever would lose or mix released data: files laid
/// out like a release but no readable manifest, a release made with another
/// config, gleaner version or built-in model (unless `--full`), and a `--full` rebuild that
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
        if !m.takes_config(config_hash, &config.processing_hash()) {
            return Err(RunError::Refused(config_refusal(&dir, m, config)));
        }
        let other = m.other_models(&crate::stages::built_in_models());
        if !other.is_empty() {
            return Err(RunError::Refused(format!(
                "the release in {dir} was made with other built-in models than this gleaner's \
                 ({}); adding to it would mix two models' output in one release. Run with \
                 --full to rebuild it (the old partitions stay until the new release commits)",
                other.join(", ")
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
    let paths = vanished.iter().map(|i| i.path.clone()).collect();
    keep_or_drop(
        &vanished,
        paths,
        "that are no longer found (gone, or no longer among the inputs)",
        "restore them",
        options.drop_vanished,
        warnings,
    )?;
    Ok((previous, false))
}

/// Why a run may not add to the release `m` of `dir` with `config`: keys
/// other than `dataset.inputs` differ (inputs may change: a new one is read
/// as new files are, a removed one is kept as vanished files are), or only
/// the inputs do but the release was made before gleaner recorded the hash
/// that leaves them out.
fn config_refusal(dir: &impl std::fmt::Display, m: &Manifest, config: &Config) -> String {
    let now = serde_json::to_value(config).unwrap_or_default();
    let mut keys = crate::config::differences(&m.config, &now);
    if m.processing_hash.is_none() && keys == ["dataset.inputs"] {
        return format!(
            "dataset.inputs differs from the release's in {dir}, which was made before \
             gleaner recorded a hash of the config without its inputs, so nothing shows that \
             the other settings are the same. Restore the release's inputs (in manifest.json's \
             config) until a run writes the manifest (it then records that hash, and later \
             runs read added inputs as new files), or run with --full to rebuild"
        );
    }
    keys.retain(|k| k != "dataset.inputs");
    format!(
        "the config differs from the one the release in {dir} was made with ({}); \
         adding to it would mix two configs in one release. Use the release's config \
         (it is in manifest.json), or run with --full to rebuild with this one",
        if keys.is_empty() {
            "hash only".to_string()
        } else {
            keys.join(", ")
        }
    )
}

/// Refuses a `--full` rebuild that would drop the released documents of
/// `inputs` (unless `--drop-vanished`, which only warns): inputs that are
/// gone, or that are still there but gave the rebuild nothing. `labels`
/// name them in the message.
fn keep_or_drop(
    inputs: &[&InputRecord],
    labels: Vec<String>,
    what: &str,
    remedy: &str,
    drop_vanished: bool,
    warnings: &mut Vec<String>,
) -> Result<(), RunError> {
    if inputs.is_empty() {
        return Ok(());
    }
    let documents: u64 = inputs.iter().map(|i| i.documents).sum();
    if !drop_vanished {
        return Err(RunError::Refused(format!(
            "--full would drop {documents} released document(s) of {} input(s) {what} ({}); \
             {remedy}, or add --drop-vanished to drop them",
            inputs.len(),
            sample_of(&labels)
        )));
    }
    warnings.push(format!(
        "--full --drop-vanished: {documents} released document(s) of {} input(s) {what} \
         are not in the new release",
        inputs.len()
    ));
    Ok(())
}

/// After a rebuild's scan: refuses it (unless `--drop-vanished`) when
/// released inputs still on disk could not be read this time (permission
/// denied, an I/O error, damage since, or a new config's cap). Their
/// documents would leave the release as surely as a vanished input's
/// (they did, before this check, with no more than a warning).
pub(crate) fn check_rebuild_read(
    previous: Option<&Manifest>,
    skipped: &[SkippedInput],
    drop_vanished: bool,
    warnings: &mut Vec<String>,
) -> Result<(), RunError> {
    let Some(m) = previous else {
        return Ok(());
    };
    let reasons: HashMap<&str, &str> = skipped
        .iter()
        .map(|s| (s.path.as_str(), s.reason.as_str()))
        .collect();
    let unread: Vec<&InputRecord> = m
        .inputs
        .iter()
        .filter(|i| i.documents > 0 && reasons.contains_key(i.path.as_str()))
        .collect();
    let labels = unread
        .iter()
        .map(|i| format!("{}: {}", i.path, reasons[i.path.as_str()]))
        .collect();
    keep_or_drop(
        &unread,
        labels,
        "that could not be read now",
        "fix them and run again",
        drop_vanished,
        warnings,
    )
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

/// This run's short-line counts as a state partition.
pub(crate) fn line_counts_batch(counter: &FrequentLineCounter) -> Result<RecordBatch, RunError> {
    state::lines_batch(&counter.rows())
        .map_err(passes::arrow_error("lines"))
        .map_err(RunError::from)
}

/// Adds the short-line counts the release `m` of `dir` kept to `counter`.
pub(crate) fn add_released_lines(
    dir: &Path,
    m: &Manifest,
    counter: &mut FrequentLineCounter,
) -> Result<(), RunError> {
    for path in release::state_files(dir, m, "lines") {
        state::read_lines(&path, |g, h, d| counter.add_row(g, h, d))?;
    }
    Ok(())
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
