//! The sharded executor: a run cut into passes that run as tasks.
//!
//! `gleaner plan` checks the release as `gleaner run` would, fixes the
//! run's id and inputs, splits the inputs into N shards (contiguous, of
//! about equal bytes, so shard order is input order) and writes
//! `plan.json` into a work directory. Then each pass runs as tasks
//! `gleaner stage PASS --shard I/N --work DIR`, in this order:
//!
//! | pass | tasks | reads | writes |
//! |---|---|---|---|
//! | scan | N | its shard's inputs | cleaned documents, line counts |
//! | lines | N | its range of line hashes from every shard's line counts and the released ones | frequent lines of its range; its `_state/lines` part |
//! | sketch | N | its cleaned documents, frequent lines | sketches, signals by doc_id |
//! | buckets | N | every sketch; keeps the LSH buckets whose key is its own | exact copies, verified near-duplicate pairs |
//! | contain | N | every sketch; indexes the documents of its own ranks | each document's best container among them |
//! | cluster | 1 | the pairs and containers; sketches of documents in one | cluster members by shard |
//! | write | N | its cleaned documents, signals, members; sketches of its representatives | `documents`, `mentions`, `boilerplate`, `duplicates`, `_state/index` parts, entity totals |
//! | commit | 1 | every task's report | `entities`, `manifest.json`: the release |
//!
//! No task holds every sketch: dedup runs as the partitioned steps of
//! [`crate::dedup::partitioned`], each task streaming the sketch parts and
//! keeping what its partition needs; the one global step, `cluster`, holds
//! only the documents in an edge.
//!
//! Tasks hold no lock: table files go to a staging directory of the run
//! inside the dataset (`.shards-run<id>`), each task under names of its
//! own, and only the commit task takes the dataset's lock, checks that the
//! release is still the one planned against, and commits. A task that
//! dies is run again: it replaces its own files, and a pass refuses to
//! start until every task of the pass before it has written its report.
//!
//! The work directory is on a file system every task sees, or on an object
//! store: then each task runs here on a local copy that
//! [`super::remote_work`] downloads and uploads (`task_reads` says what a
//! task may read, [`WorkHost`] what else it needs from its copy).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::clean::frequent::{FrequentLineCounter, FrequentLines};
use crate::config::Config;
use crate::dedup::partitioned::{self, Member, Partition, SketchFields};
use crate::dedup::DedupStats;
use crate::dedup::Sketcher;
use crate::discover::InputFile;
use crate::entities::EntityTagger;
use crate::lock::DatasetLock;
use crate::passes::scan::{self, ScanContext};
use crate::passes::{sketch, write, Counts, Progress};
use crate::pipeline::{
    check_rebuild_read, line_counts_batch, open_run, Opened, RunError, RunOptions, Summary,
    CHUNK_BYTES,
};
use crate::quality::Signals;
use crate::read::Reader;
use crate::release::remote_lock::RemoteLock;
use crate::release::{self, released_bodies, table_metadata, Previous, RunCommit};
use crate::spill::SpillStore;
use crate::state::{self, Released, ReleasedBodies};
use crate::storage::{self, Remote};
use crate::write::manifest::{InputRecord, Manifest, PartRecord, SkippedInput};
use crate::write::{DatasetSink, Verdict};

use super::exchange::{self, PlanSketches};
use super::grouped_files;
use super::sketch_extracts::{self, ExtractWriter, Extracts};

/// The passes, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pass {
    Scan,
    Lines,
    Sketch,
    Buckets,
    Contain,
    Verify,
    Cluster,
    Write,
    Commit,
}

impl Pass {
    pub const ALL: [Pass; 9] = [
        Pass::Scan,
        Pass::Lines,
        Pass::Sketch,
        Pass::Buckets,
        Pass::Contain,
        Pass::Verify,
        Pass::Cluster,
        Pass::Write,
        Pass::Commit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Pass::Scan => "scan",
            Pass::Lines => "lines",
            Pass::Sketch => "sketch",
            Pass::Buckets => "buckets",
            Pass::Contain => "contain",
            Pass::Verify => "verify",
            Pass::Cluster => "cluster",
            Pass::Write => "write",
            Pass::Commit => "commit",
        }
    }

    /// Whether the pass runs as one task per shard (else as a single task).
    pub fn per_shard(self) -> bool {
        matches!(
            self,
            Pass::Scan
                | Pass::Lines
                | Pass::Sketch
                | Pass::Buckets
                | Pass::Contain
                | Pass::Verify
                | Pass::Write
        )
    }

    /// The pass's task count in a plan of `shards` shards.
    pub fn tasks(self, shards: usize) -> usize {
        if self.per_shard() {
            shards
        } else {
            1
        }
    }
}

/// What `gleaner plan` decided; every task reads it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    pub gleaner_version: String,
    /// The built-in models of the gleaner that made the plan: every task
    /// must run a build with the same ones (nodes of a cluster can hold
    /// other builds of one version), or shards of one run would be tagged
    /// by different models.
    #[serde(default)]
    pub models: std::collections::BTreeMap<String, String>,
    /// The effective config, as TOML.
    pub config: String,
    pub config_hash: String,
    /// The dataset directory (absolute).
    pub output: PathBuf,
    pub run: u32,
    /// The last run of the release in place when planned (`None`: none),
    /// and whether this run adds to it (else it rebuilds).
    pub previous_run: Option<u32>,
    pub adds: bool,
    /// Input files of each shard, in input order.
    pub shards: Vec<Vec<PlannedFile>>,
    pub unchanged: Vec<InputRecord>,
    pub skipped: Vec<SkippedInput>,
    pub warnings: Vec<String>,
    pub strict: bool,
    /// `--drop-vanished`: a rebuild may drop the released documents of
    /// inputs it could not read (checked at the commit, once every scan
    /// task has said what it skipped).
    #[serde(default)]
    pub drop_vanished: bool,
    /// The object-store dataset `output` mirrors, when the dataset is one.
    #[serde(default)]
    pub remote: Option<String>,
    /// The work directory's object-store URL, when it is on one: each task
    /// then runs in a local copy of it ([`super::remote_work`]), and a
    /// mirrored dataset's `output` is that copy's `mirror/`, wherever the
    /// task runs ([`load_plan`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_url: Option<String>,
}

/// The release an object-store plan was made against, as pulled (in the
/// work directory): what the commit's upload compares with.
const REMOTE_BASE: &str = "remote-base-manifest.json";

/// An input file of a plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PlannedFile {
    pub display: String,
    pub path: PathBuf,
}

/// What a scan task leaves for the later passes.
#[derive(Debug, Serialize, Deserialize)]
struct ScanReport {
    inputs: Vec<InputRecord>,
    skipped: Vec<SkippedInput>,
    documents: u64,
    counts: Counts,
    seconds: f64,
}

#[derive(Debug, Serialize, Deserialize)]
struct LinesReport {
    part: PartRecord,
    seconds: f64,
}

#[derive(Debug, Serialize, Deserialize)]
struct SketchReport {
    /// Signals of the documents the quality filter kept, in input order.
    signals: Vec<(String, Signals)>,
    counts: Counts,
    seconds: f64,
    sketch_seconds: f64,
}

#[derive(Debug, Serialize, Deserialize)]
struct BucketsReport {
    candidate_pairs: u64,
    seconds: f64,
    read_bytes: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct ContainReport {
    /// Containment candidates found, and pairs carried to their check.
    found: u64,
    carried: u64,
    seconds: f64,
    read_bytes: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct VerifyReport {
    verified_pairs: u64,
    contained: u64,
    seconds: f64,
    read_bytes: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct ClusterReport {
    clusters: u64,
    contained: u64,
    seconds: f64,
    read_bytes: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct WriteReport {
    parts: Vec<(String, PartRecord)>,
    counts: Counts,
    seconds: f64,
}

/// Rows per row group of a work file.
const WORK_ROWS_PER_GROUP: usize = 4096;

/// The work directory of a plan: `plan.json` and the pass outputs under
/// `parts/`.
struct Work {
    dir: PathBuf,
    /// The object-store URL `dir` is a copy of, if any: what messages name.
    url: Option<String>,
}

impl Work {
    fn part(&self, name: impl AsRef<str>) -> PathBuf {
        self.dir.join("parts").join(name.as_ref())
    }

    /// Writes the report of task `shard` of `pass`, its last file.
    fn write_report<T: Serialize>(
        &self,
        pass: Pass,
        shard: usize,
        value: &T,
    ) -> Result<(), RunError> {
        let path = self.part(report_name(pass, shard));
        let bytes = serde_json::to_vec(value).map_err(|e| work_error(&path, e))?;
        crate::write::write_atomically(&path, &bytes).map_err(|e| work_error(&path, e))
    }

    /// A report of an earlier pass; missing means that task has not finished.
    fn read_report<T: DeserializeOwned>(&self, pass: Pass, shard: usize) -> Result<T, RunError> {
        let name = report_name(pass, shard);
        let path = self.part(&name);
        let bytes = std::fs::read(&path).map_err(|_| {
            let shown = match &self.url {
                Some(url) => format!("{url}/parts/{name}"),
                None => path.display().to_string(),
            };
            RunError::Pass(format!(
                "pass {} has not finished: {shown} is missing; run its tasks first",
                pass.name()
            ))
        })?;
        serde_json::from_slice(&bytes).map_err(|e| work_error(&path, e))
    }

    fn write_batch(
        &self,
        name: &str,
        batch: &arrow::record_batch::RecordBatch,
    ) -> Result<(), RunError> {
        let path = self.part(name);
        let tmp = self.part(format!("{name}.tmp"));
        let file = std::fs::File::create(&tmp).map_err(|e| work_error(&tmp, e))?;
        // Small row groups: a later pass that streams the file holds one
        // row group at a time (a shard's sketches are ~1.3 KB a document),
        // and one that fetches some documents reads only their groups.
        let props = parquet::file::properties::WriterProperties::builder()
            .set_max_row_group_row_count(Some(WORK_ROWS_PER_GROUP))
            .build();
        let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), Some(props))
            .map_err(|e| work_error(&tmp, e))?;
        writer.write(batch).map_err(|e| work_error(&tmp, e))?;
        writer.close().map_err(|e| work_error(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| work_error(&path, e))
    }
}

/// The report file (under `parts/`) task `shard` of `pass` writes last:
/// its existence says the task finished. The commit task writes none.
fn report_name(pass: Pass, shard: usize) -> String {
    match pass.per_shard() {
        true => format!("{}-{shard}.json", pass.name()),
        false => format!("{}.json", pass.name()),
    }
}

/// The report of task `shard` of `pass`, as a path under the work
/// directory (`parts/scan-3.json`); `None` for the commit task.
pub(crate) fn report_key(pass: Pass, shard: usize) -> Option<String> {
    (pass != Pass::Commit).then(|| format!("parts/{}", report_name(pass, shard)))
}

/// The report that shows a commit of this plan finished: while it is in the
/// work directory the commit checks its parts against the release, once it
/// is gone the work files are ([`committed_by_this_plan`]). Removed last.
/// It is `report_key(Pass::Write, 0)` (a test checks).
pub(crate) const COMMIT_PROOF: &str = "parts/write-0.json";

/// Whether task `shard` of `pass` may read the work file `file` (a path
/// under the work directory): what a task on a copy of an object-store
/// work directory downloads ([`super::remote_work`]). The table of the
/// module's doc, by kind of file (`sketch-3.parquet` is of kind `sketch`,
/// `scan-3/…` holds shard 3's cleaned documents): `plan.json`, the
/// dataset's mirror and the reports go to every task, the table files
/// staged in the mirror to the commit alone; a file of a kind not named
/// here goes to every task.
pub(crate) fn task_reads(pass: Pass, shard: usize, file: &str) -> bool {
    let staged = format!("mirror/{}", release::SHARDS_PREFIX);
    if file.starts_with(&staged) || file == REMOTE_BASE {
        return pass == Pass::Commit;
    }
    let Some(name) = file.strip_prefix("parts/") else {
        return true;
    };
    if let Some((dir, _)) = name.split_once('/') {
        // A spill directory, `scan-I/`: read by shard I's sketch and write.
        return dir == format!("scan-{shard}") && matches!(pass, Pass::Sketch | Pass::Write);
    }
    let Some(stem) = name.strip_suffix(".parquet") else {
        return true;
    };
    let (kind, owner) = match stem.rsplit_once('-') {
        Some((kind, i)) if i.parse::<usize>().is_ok() => (kind, Some(i)),
        _ => (stem, None),
    };
    // What [`plan_sketches`] reads.
    let dedup = matches!(
        pass,
        Pass::Buckets | Pass::Contain | Pass::Verify | Pass::Cluster | Pass::Write
    );
    match kind {
        "lines" => pass == Pass::Lines,
        "frequent" => matches!(pass, Pass::Sketch | Pass::Write),
        "sketch" | "bands" | "anchors" | "released-bands" | "released-anchors" => dedup,
        "copies" => matches!(pass, Pass::Contain | Pass::Cluster),
        "candidates" => pass == Pass::Contain,
        "carried" => pass == Pass::Verify,
        "near" | "contained" => pass == Pass::Cluster,
        "members" => pass == Pass::Write && owner == Some(&shard.to_string()),
        "entities" => pass == Pass::Commit,
        _ => true,
    }
}

/// Whether `file` (a path relative to a work directory) is where a plan
/// and its tasks write: the plan, the mirror of an object-store dataset
/// and its manifest, and the exchanged parts. A plan replaces only these.
pub(crate) fn in_work_layout(file: &str) -> bool {
    file == "plan.json"
        || file == REMOTE_BASE
        || file.starts_with("parts/")
        || file.starts_with("mirror/")
}

/// Whether the commit removes work file `file` once the run is committed:
/// the exchanged parts, and the staged table files (committed by then).
pub(crate) fn removed_by_commit(file: &str) -> bool {
    file.starts_with("parts/") || file.starts_with(&format!("mirror/{}", release::SHARDS_PREFIX))
}

/// Whether `file` of a work directory belongs to the machine it is on, so a
/// local copy never uploads it: the mirror's lock file, a `flock` that
/// means nothing on another machine.
pub(crate) fn local_only(file: &str) -> bool {
    file == format!("mirror/{}", crate::lock::LOCK_FILE)
}

fn work_error(path: &Path, e: impl std::fmt::Display) -> RunError {
    RunError::Pass(format!("work file {}: {e}", path.display()))
}

/// Splits `files` into `n` consecutive runs of about equal bytes.
fn split_shards(files: Vec<InputFile>, n: usize) -> Vec<Vec<PlannedFile>> {
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(&f.path).map_or(0, |m| m.len()).max(1))
        .collect();
    let total: u64 = sizes.iter().sum();
    let mut shards: Vec<Vec<PlannedFile>> = vec![Vec::new(); n];
    let mut before = 0u64;
    for (file, size) in files.into_iter().zip(sizes) {
        // The shard the middle of this file falls in.
        let middle = before + size / 2;
        let shard = ((middle as u128 * n as u128) / total.max(1) as u128) as usize;
        before += size;
        let path = std::path::absolute(&file.path).unwrap_or(file.path);
        shards[shard.min(n - 1)].push(PlannedFile {
            display: file.display,
            path,
        });
    }
    shards
}

/// `gleaner plan`: checks the release and writes `plan.json` for `tasks`
/// shards into `work`. Holds the dataset's lock only while it checks.
pub fn plan(
    config: &Config,
    options: &RunOptions,
    tasks: usize,
    work: &Path,
) -> Result<Plan, RunError> {
    plan_in(config, options, tasks, work, None)
}

/// [`plan`] into `work`, a local copy of the object-store work directory
/// `work_url` when there is one (the caller uploads it).
pub(crate) fn plan_in(
    config: &Config,
    options: &RunOptions,
    tasks: usize,
    work: &Path,
    work_url: Option<&str>,
) -> Result<Plan, RunError> {
    // An object-store dataset: the tasks share a mirror of what the run
    // builds on in the work directory, and the commit task uploads.
    let remote = crate::pipeline::remote_output(config, options);
    // Held, like the local lock, while the plan reads the release.
    let remote_lock = remote
        .as_ref()
        .map(|r| RemoteLock::acquire(r, options.wait_for_lock))
        .transpose()?;
    let mirrored;
    let options = match &remote {
        None => options,
        Some(remote) => {
            let mirror = work.join("mirror");
            std::fs::create_dir_all(&mirror).map_err(|e| work_error(&mirror, e))?;
            storage::pull_release(remote, &mirror).map_err(|e| match e.refused {
                true => RunError::Refused(e.to_string()),
                false => RunError::Storage(e),
            })?;
            let base = work.join(REMOTE_BASE);
            match std::fs::read(mirror.join("manifest.json")) {
                Ok(bytes) => crate::write::write_atomically(&base, &bytes),
                Err(_) => std::fs::remove_file(&base).or_else(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => Ok(()),
                    _ => Err(e),
                }),
            }
            .map_err(|e| work_error(&base, e))?;
            mirrored = RunOptions {
                output: Some(mirror),
                ..options.clone()
            };
            &mirrored
        }
    };
    let Opened {
        output,
        lock,
        mut warnings,
        skipped,
        config_hash,
        previous,
        adds,
        run,
        plan,
    } = open_run(config, options)?;
    if options.strict && !skipped.is_empty() {
        return Err(RunError::Inputs(skipped));
    }
    let output = std::path::absolute(&output).unwrap_or(output);
    // A plan made again for the same run starts from a clean staging area.
    let staging = output.join(format!("{}{run}", release::SHARDS_PREFIX));
    if release::is_our_staging(&staging) {
        std::fs::remove_dir_all(&staging).map_err(|e| work_error(&staging, e))?;
    }
    if let Some(lock) = remote_lock {
        warnings.extend(lock.took_over());
        warnings.extend(lock.release());
    }
    let plan = Plan {
        gleaner_version: env!("CARGO_PKG_VERSION").to_string(),
        models: crate::stages::built_in_models(),
        config: toml::to_string(config).map_err(|e| RunError::Pass(format!("config: {e}")))?,
        config_hash,
        output,
        run,
        previous_run: previous.manifest().map(Manifest::last_run),
        adds,
        shards: split_shards(plan.read, tasks.max(1)),
        unchanged: plan.unchanged,
        skipped,
        warnings,
        strict: options.strict,
        drop_vanished: options.drop_vanished,
        remote: remote.map(|r| r.url),
        work_url: work_url.map(str::to_string),
    };
    drop(lock);
    let parts = work.join("parts");
    if parts.exists() {
        std::fs::remove_dir_all(&parts).map_err(|e| work_error(&parts, e))?;
    }
    std::fs::create_dir_all(&parts).map_err(|e| work_error(&parts, e))?;
    let path = work.join("plan.json");
    let json = serde_json::to_vec_pretty(&plan).map_err(|e| work_error(&path, e))?;
    crate::write::write_atomically(&path, &json).map_err(|e| work_error(&path, e))?;
    Ok(plan)
}

/// Loads the plan in `work` and the config it was made with.
pub fn load_plan(work: &Path) -> Result<(Plan, Config), RunError> {
    let path = work.join("plan.json");
    let bytes = std::fs::read(&path).map_err(|e| {
        RunError::Pass(format!(
            "{}: {e}; make a plan with `gleaner plan` first",
            path.display()
        ))
    })?;
    let mut plan: Plan = serde_json::from_slice(&bytes).map_err(|e| work_error(&path, e))?;
    if plan.work_url.is_some() && plan.remote.is_some() {
        // The plan's mirror of the dataset, in this task's copy of the work
        // directory rather than where the plan was made.
        let work = std::path::absolute(work).map_err(|e| work_error(work, e))?;
        plan.output = work.join("mirror");
    }
    if plan.gleaner_version != env!("CARGO_PKG_VERSION") {
        return Err(RunError::Refused(format!(
            "the plan in {} was made by gleaner {}, this is gleaner {}; make a new plan",
            work.display(),
            plan.gleaner_version,
            env!("CARGO_PKG_VERSION")
        )));
    }
    let other =
        crate::write::manifest::other_models(&plan.models, &crate::stages::built_in_models());
    if !other.is_empty() {
        return Err(RunError::Refused(format!(
            "the plan in {} was made by a gleaner {} built with other models than this one's \
             ({}; `gleaner --version` lists this one's); run one build on every node, or \
             make a new plan",
            work.display(),
            plan.gleaner_version,
            other.join(", ")
        )));
    }
    let config = Config::parse(&plan.config, &path).map_err(|e| work_error(&path, e))?;
    if config.hash() != plan.config_hash {
        return Err(RunError::Pass(format!(
            "{}: the config in the plan does not hash to the plan's config_hash",
            path.display()
        )));
    }
    Ok((plan, config))
}

/// The release a task builds on: the one planned against, unchanged.
fn base_release(plan: &Plan) -> Result<Option<Manifest>, RunError> {
    let previous = Previous::load(&plan.output);
    let now = previous.manifest().map(Manifest::last_run);
    if now != plan.previous_run {
        return Err(RunError::Refused(format!(
            "the release in {} changed since this plan was made (its last run was {:?}, now \
             {:?}); make a new plan",
            plan.output.display(),
            plan.previous_run,
            now
        )));
    }
    Ok(previous.manifest().filter(|_| plan.adds).cloned())
}

/// The commit task's hold on an object-store dataset: its lock object,
/// waited for as the local lock is. Under it, the dataset must still hold
/// the release the plan was made against (the mirror's check cannot see
/// runs of other machines), or the one this plan's commit uploaded already
/// (a requeued task uploads it again).
fn hold_remote(plan: &Plan) -> Result<Option<(Remote, RemoteLock)>, RunError> {
    let Some(url) = &plan.remote else {
        return Ok(None);
    };
    let remote = Remote::parse(url)
        .ok_or_else(|| RunError::Pass(format!("{url}: not an object-store URL")))?;
    let lock = RemoteLock::acquire(&remote, true)?;
    let manifest = storage::ObjectHandle::open(&remote, "manifest.json")?.read()?;
    let last_run = match &manifest {
        Some((bytes, _)) => Some(
            serde_json::from_slice::<Manifest>(bytes)
                .map_err(|e| RunError::Refused(format!("{url}/manifest.json: {e}")))?
                .last_run(),
        ),
        None => None,
    };
    let ours = || {
        std::fs::read(plan.output.join("manifest.json"))
            .is_ok_and(|m| manifest.as_ref().is_some_and(|(bytes, _)| *bytes == m))
    };
    if last_run != plan.previous_run && !ours() {
        return Err(RunError::Refused(format!(
            "the release in {url} changed since this plan was made (its last run was {:?}, \
             now {last_run:?}); make a new plan",
            plan.previous_run
        )));
    }
    Ok(Some((remote, lock)))
}

/// Uploads the release committed in the mirror, when the dataset is on an
/// object store: the new files, then the manifest (the commit point), under
/// the lock object [`hold_remote`] took, which it then releases.
/// Run again by a requeued commit task, it uploads the same objects again.
fn push_remote(
    plan: &Plan,
    work: &Work,
    mut summary: Summary,
    remote: Option<(Remote, RemoteLock)>,
) -> Result<Summary, RunError> {
    let Some((remote, lock)) = remote else {
        return Ok(summary);
    };
    let base = work.dir.join(REMOTE_BASE);
    let before = match std::fs::read(&base) {
        Ok(bytes) => {
            Some(serde_json::from_slice::<Manifest>(&bytes).map_err(|e| work_error(&base, e))?)
        }
        Err(_) => None,
    };
    if summary.run.is_some() {
        lock.confirm()?;
        storage::push_release(&plan.output, &remote, before.as_ref())?;
    }
    summary.warnings.extend(lock.took_over());
    summary.warnings.extend(lock.release());
    summary.output = PathBuf::from(&remote.url);
    Ok(summary)
}

/// The release as this plan's commit left it, when that commit got past
/// its commit point but was killed (or its task requeued) before it
/// reported: the run is in the manifest with the parts the write tasks
/// staged. Removes what the commit had left to remove.
fn committed_by_this_plan(plan: &Plan, work: &Work) -> Option<Summary> {
    let Previous::Release(m) = Previous::load(&plan.output) else {
        return None;
    };
    if m.last_run() != plan.run || plan.previous_run == Some(plan.run) {
        return None;
    }
    let ours = match work.read_report::<WriteReport>(Pass::Write, 0) {
        Ok(report) => report.parts.iter().all(|(name, part)| {
            let record = m.tables.get(name).or_else(|| m.state.get(name));
            record.is_some_and(|t| t.parts.contains(part))
        }),
        // The work files go last: a commit that removed them had finished.
        Err(_) => !work.dir.join("parts").exists(),
    };
    if !ours {
        return None;
    }
    let staging = plan
        .output
        .join(format!("{}{}", release::SHARDS_PREFIX, plan.run));
    if release::is_our_staging(&staging) {
        let _ = std::fs::remove_dir_all(&staging);
    }
    let _ = std::fs::remove_dir_all(work.dir.join("parts"));
    Some(Summary {
        output: plan.output.clone(),
        run: Some(plan.run),
        files: m.runs.last().map_or(0, |r| r.inputs),
        skipped: m.skipped.clone(),
        warnings: vec![format!("run {} was committed already", plan.run)],
        counts: m.counts,
        seconds: 0.0,
    })
}

/// What a task did.
#[derive(Debug)]
pub enum StageDone {
    /// Its outputs are in the work directory. `dedup_read`: compressed
    /// bytes of sketches and band keys a dedup task read (what decides how
    /// far the dedup passes scale).
    Task { dedup_read: Option<u64> },
    /// The `commit` task committed the release.
    Committed(Box<Summary>),
}

/// What a task needs from where its work directory is kept, besides the
/// files: nothing on a shared file system; on a local copy of an
/// object-store work directory, see [`super::remote_work`].
pub trait WorkHost {
    /// The file to read for planned input `file`.
    fn input(&self, file: &PlannedFile) -> Result<PathBuf, RunError>;
    /// Called by the commit task once the run is committed into the
    /// dataset's mirror, before the release is uploaded: a copy of the work
    /// directory must hold that commit first, so that the task, run again
    /// after the upload began, finds its own commit.
    fn committed(&self, work: &Path) -> Result<(), RunError>;
}

/// A work directory every task sees as it is.
struct SharedWork;

impl WorkHost for SharedWork {
    fn input(&self, file: &PlannedFile) -> Result<PathBuf, RunError> {
        Ok(file.path.clone())
    }

    fn committed(&self, _: &Path) -> Result<(), RunError> {
        Ok(())
    }
}

/// Runs task `shard` of pass `pass` of the plan in `work`. Single-task
/// passes take shard 0.
pub fn run_stage(
    pass: Pass,
    shard: usize,
    work: &Path,
    progress: &dyn Progress,
) -> Result<StageDone, RunError> {
    run_task(pass, shard, work, progress, &SharedWork)
}

/// [`run_stage`] with the work directory kept by `host`.
pub(crate) fn run_task(
    pass: Pass,
    shard: usize,
    work: &Path,
    progress: &dyn Progress,
    host: &dyn WorkHost,
) -> Result<StageDone, RunError> {
    let (plan, config) = load_plan(work)?;
    let n = plan.shards.len();
    let limit = pass.tasks(n);
    if shard >= limit {
        return Err(RunError::Pass(format!(
            "pass {} has {limit} task(s); there is no shard {shard}",
            pass.name()
        )));
    }
    let work = Work {
        dir: work.to_path_buf(),
        url: plan.work_url.clone(),
    };
    let started = Instant::now();
    let mut remote = None;
    if pass == Pass::Commit {
        remote = hold_remote(&plan)?;
        if let Some(summary) = committed_by_this_plan(&plan, &work) {
            return push_remote(&plan, &work, summary, remote)
                .map(|s| StageDone::Committed(Box::new(s)));
        }
    }
    let base = base_release(&plan)?;
    let shared = || DatasetSink::shared(&plan.output, plan.run, table_metadata(&config));
    let mut read = None;
    // This task's partition of the dedup passes' work.
    let part = Partition {
        index: shard,
        count: n,
    };
    match pass {
        Pass::Scan => {
            let files: Vec<InputFile> = plan.shards[shard]
                .iter()
                .map(|f| {
                    Ok(InputFile {
                        display: f.display.clone(),
                        path: host.input(f)?,
                    })
                })
                .collect::<Result<_, RunError>>()?;
            let bodies = match &base {
                Some(m) => released_bodies(&plan.output, m)?,
                None => ReleasedBodies::default(),
            };
            let reader = Reader::new(&config.read).map_err(RunError::Config)?;
            let cleaner = config.cleaner().map_err(RunError::Config)?;
            let mut store = SpillStore::persistent(work.part(format!("scan-{shard}")))?;
            progress.stage("read", files.len() as u64);
            let scanned = scan::scan(
                &files,
                &ScanContext {
                    reader: &reader,
                    cleaner: &cleaner,
                    released: &bodies,
                    run: plan.run,
                    chunk_bytes: CHUNK_BYTES,
                    frequent_max_words: config.clean.frequent_max_words,
                    frequent_min_docs: config.clean.frequent_min_docs,
                },
                &mut store,
                progress,
            )?;
            store.seal()?;
            write_line_shares(
                work.part(format!("lines-{shard}.parquet")),
                &scanned.lines,
                n,
            )?;
            let report = ScanReport {
                inputs: scanned.inputs,
                skipped: scanned.skipped,
                documents: scanned.documents,
                counts: scanned.counts,
                seconds: started.elapsed().as_secs_f64(),
            };
            work.write_report(pass, shard, &report)?;
        }
        Pass::Lines => {
            // This task counts the lines of its hash range
            // (`Partition::owner` of the line hash): no task holds every
            // site's lines.
            let mut counter = FrequentLineCounter::new(
                config.clean.frequent_max_words,
                config.clean.frequent_min_docs,
            );
            let schema = state::lines_schema();
            for i in 0..n {
                work.read_report::<ScanReport>(Pass::Scan, i)?;
                let path = work.part(format!("lines-{i}.parquet"));
                grouped_files::each_owned_batch(&path, part, &schema, |batch| {
                    state::each_line_row(&path, batch, 0, &mut |g, h, d| counter.add_row(g, h, d))
                })?;
            }
            // This run's counts are state; the released ones are added
            // before deciding which lines are frequent.
            let mut sink = shared()?;
            let file = release::state_shard_file("lines", plan.run, shard, n);
            let staged =
                release::stage_part(&mut sink, file, plan.run, &line_counts_batch(&counter)?)?;
            if let Some(m) = &base {
                for path in release::state_files(&plan.output, m, "lines") {
                    state::read_lines(&path, |g, h, d| {
                        // This task counts one range of line hashes,
                        // every site's: a line's documents all meet here.
                        if part.owns(h) {
                            counter.add_row(g, h, d)
                        }
                    })?;
                }
            }
            let frequent = counter.frequent_rows(config.clean.frequent_min_docs);
            let batch = state::lines_batch(&frequent)
                .map_err(crate::passes::arrow_error("lines"))
                .map_err(RunError::from)?;
            work.write_batch(&format!("frequent-{shard}.parquet"), &batch)?;
            let seconds = started.elapsed().as_secs_f64();
            let report = LinesReport {
                part: staged,
                seconds,
            };
            work.write_report(pass, shard, &report)?;
        }
        Pass::Sketch => {
            let frequent = frequent_lines(&work, &config, n)?;
            let store = SpillStore::open(work.part(format!("scan-{shard}")))?;
            progress.stage("sketch", 0);
            let sketched = sketch::sketch(
                &store,
                &frequent,
                &Sketcher::new(&config.dedup),
                &config.quality,
                progress,
            )?;
            let placeholder = vec![String::new(); sketched.keys.len()];
            let batch = state::index_batch(
                &sketched.keys,
                &placeholder,
                &sketched.body_hashes,
                &sketched.sketches,
            )
            .map_err(crate::passes::arrow_error("index"))
            .map_err(RunError::from)?;
            work.write_batch(&format!("sketch-{shard}.parquet"), &batch)?;
            // What the later dedup passes read instead of whole sketches:
            // this shard's and its slice of the released documents'.
            let (released, own) = extract_files(&work, shard);
            let mut extracts = ExtractWriter::create(&own, n)?;
            for (i, sketch) in sketched.sketches.iter().enumerate() {
                extracts.add(i as u32, sketch)?;
            }
            extracts.finish()?;
            sketch_extracts::write_released_slice(
                &released_index_files(&plan, &base),
                shard,
                n,
                &released,
            )?;
            let mut signals = sketched.signals;
            let report = SketchReport {
                signals: sketched
                    .keys
                    .iter()
                    .filter_map(|k| Some((k.doc_id.clone(), signals.remove(&k.doc_id)?)))
                    .collect(),
                counts: sketched.counts,
                seconds: started.elapsed().as_secs_f64(),
                sketch_seconds: sketched.sketch_seconds,
            };
            work.write_report(pass, shard, &report)?;
        }
        Pass::Buckets => {
            let sketches = plan_sketches(&plan, &base, &work)?;
            let edges = partitioned::bucket_edges(&sketches, part, &config.dedup)?;
            work.write_batch(
                &format!("copies-{shard}.parquet"),
                &exchange::pairs_batch(&edges.copies),
            )?;
            // Each candidate to the task holding its first document.
            exchange::write_grouped_pairs(
                work.part(format!("candidates-{shard}.parquet")),
                n,
                &edges.candidates,
                |p| sketches.holder(p.0),
            )?;
            let report = BucketsReport {
                candidate_pairs: edges.candidate_pairs,
                seconds: started.elapsed().as_secs_f64(),
                read_bytes: sketches.bytes_read(),
            };
            read = Some(report.read_bytes);
            work.write_report(pass, shard, &report)?;
        }
        Pass::Contain => {
            let sketches = plan_sketches(&plan, &base, &work)?;
            let mut copies = Vec::new();
            let mut near = Vec::new();
            for i in 0..n {
                work.read_report::<BucketsReport>(Pass::Buckets, i)?;
                exchange::read_pairs(&work.part(format!("copies-{i}.parquet")), &mut copies)?;
                let path = work.part(format!("candidates-{i}.parquet"));
                sketches.add_read(exchange::read_grouped_pairs(&path, part, &mut near)?);
            }
            let mut copies: Vec<u32> = copies.into_iter().map(|c| c.1).collect();
            copies.sort_unstable();
            copies.dedup();
            // A pair in buckets of several tasks came from each.
            near.sort_unstable();
            near.dedup();
            let holder = |rank: u32| sketches.holder(rank);
            let contains = partitioned::containment_candidates(
                &sketches,
                part,
                &holder,
                &copies,
                &config.dedup,
            )?;
            let found = contains.len() as u64;
            let path = work.part(format!("carried-{shard}.parquet"));
            let carried = carry_in_chunks(&sketches, near, contains, path, n)?;
            let report = ContainReport {
                found,
                carried,
                seconds: started.elapsed().as_secs_f64(),
                read_bytes: sketches.bytes_read(),
            };
            read = Some(report.read_bytes);
            work.write_report(pass, shard, &report)?;
        }
        Pass::Verify => {
            let sketches = plan_sketches(&plan, &base, &work)?;
            let mut carried = Vec::new();
            for i in 0..n {
                work.read_report::<ContainReport>(Pass::Contain, i)?;
                let path = work.part(format!("carried-{i}.parquet"));
                sketches.add_read(exchange::read_carried(&path, part, &mut carried)?);
            }
            let checked = partitioned::check(&sketches, &carried, &config.dedup)?;
            let (near, contained) = (checked.near, checked.contained);
            work.write_batch(
                &format!("near-{shard}.parquet"),
                &exchange::pairs_batch(&near),
            )?;
            work.write_batch(
                &format!("contained-{shard}.parquet"),
                &exchange::contained_batch(&contained),
            )?;
            let report = VerifyReport {
                verified_pairs: near.len() as u64,
                contained: contained.len() as u64,
                seconds: started.elapsed().as_secs_f64(),
                read_bytes: sketches.bytes_read(),
            };
            read = Some(report.read_bytes);
            work.write_report(pass, shard, &report)?;
        }
        Pass::Cluster => {
            let mut pairs = Vec::new();
            let mut contained = Vec::new();
            for i in 0..n {
                work.read_report::<VerifyReport>(Pass::Verify, i)?;
                exchange::read_pairs(&work.part(format!("copies-{i}.parquet")), &mut pairs)?;
                exchange::read_pairs(&work.part(format!("near-{i}.parquet")), &mut pairs)?;
                exchange::read_contained(
                    &work.part(format!("contained-{i}.parquet")),
                    &mut contained,
                )?;
            }
            let sketches = plan_sketches(&plan, &base, &work)?;
            let clusters = partitioned::cluster(&sketches, pairs, contained, &config.dedup)?;
            let mut members = clusters.members.as_slice();
            for i in 0..n {
                let end = sketches.ranks_of(i).end;
                let mine = members.partition_point(|m| m.rank < end);
                work.write_batch(
                    &format!("members-{i}.parquet"),
                    &exchange::members_batch(&members[..mine]),
                )?;
                members = &members[mine..];
            }
            let report = ClusterReport {
                clusters: clusters.clusters,
                contained: clusters.contained,
                seconds: started.elapsed().as_secs_f64(),
                read_bytes: sketches.bytes_read(),
            };
            read = Some(report.read_bytes);
            work.write_report(pass, shard, &report)?;
        }
        Pass::Write => {
            work.read_report::<ClusterReport>(Pass::Cluster, 0)?;
            let frequent = frequent_lines(&work, &config, n)?;
            let sketched: SketchReport = work.read_report(Pass::Sketch, shard)?;
            let members = exchange::read_members(&work.part(format!("members-{shard}.parquet")))?;
            let sketches = plan_sketches(&plan, &base, &work)?;
            let mut sink = shared()?;
            let mut parts =
                dedup_parts(&plan, &config, &work, &sketches, &members, shard, &mut sink)?;
            let verdicts = verdicts_of(&work, &sketches, &members, shard)?;
            read = Some(sketches.bytes_read());
            drop(members);
            let mut store = SpillStore::open(work.part(format!("scan-{shard}")))?;
            let tagger = EntityTagger::new(&config.entities);
            let mut writers = RunCommit::open_parts(plan.run, &mut sink, shard, n)?;
            progress.stage("entities+write", 0);
            let written = write::write(
                &mut store,
                &frequent,
                sketched.signals.into_iter().collect(),
                &verdicts,
                &tagger,
                &mut writers,
                progress,
            )?;
            parts.extend(RunCommit::close_parts(plan.run, writers, shard, n)?);
            let batch = crate::write::entities_batch(&written.entities)?;
            work.write_batch(&format!("entities-{shard}.parquet"), &batch)?;
            let report = WriteReport {
                parts,
                counts: written.counts,
                seconds: started.elapsed().as_secs_f64(),
            };
            work.write_report(pass, shard, &report)?;
        }
        Pass::Commit => {
            let summary = commit(&plan, &config, base, &work, started)?;
            host.committed(&work.dir)?;
            return push_remote(&plan, &work, summary, remote)
                .map(|s| StageDone::Committed(Box::new(s)));
        }
    }
    Ok(StageDone::Task { dedup_read: read })
}

/// Candidate pairs carried to their checks at a time: memory holds one
/// chunk's samples, whatever the number of candidates.
const CARRY_CHUNK: usize = 65_536;

/// Carries `near` pairs `(a, b)` and `contains` pairs `(query, container)`
/// to the tasks holding their other documents, through the grouped file
/// `path`, [`CARRY_CHUNK`] pairs at a time in the order of the document
/// this task holds (so each chunk reads a run of its row groups). Returns
/// the number of pairs carried.
fn carry_in_chunks(
    sketches: &PlanSketches,
    near: Vec<(u32, u32)>,
    contains: Vec<(u32, u32)>,
    path: PathBuf,
    n: usize,
) -> Result<u64, RunError> {
    // (held, other, is_contains), in held order.
    let mut pairs: Vec<(u32, u32, bool)> = near.into_iter().map(|(a, b)| (a, b, false)).collect();
    pairs.extend(contains.into_iter().map(|(q, c)| (c, q, true)));
    pairs.sort_unstable();
    let mut writer = exchange::CarriedWriter::create(path, n)?;
    for chunk in pairs.chunks(CARRY_CHUNK) {
        let near: Vec<(u32, u32)> = chunk.iter().filter(|p| !p.2).map(|p| (p.0, p.1)).collect();
        let contains: Vec<(u32, u32)> = chunk.iter().filter(|p| p.2).map(|p| (p.1, p.0)).collect();
        let carried = partitioned::carry(sketches, &near, &contains)?;
        writer.add(&carried, |rank| sketches.holder(rank))?;
    }
    writer.finish()?;
    Ok(pairs.len() as u64)
}

/// Every sketch of the plan: the released index's, then each shard's
/// (every `sketch` task must have finished).
fn plan_sketches(
    plan: &Plan,
    base: &Option<Manifest>,
    work: &Work,
) -> Result<PlanSketches, RunError> {
    let n = plan.shards.len();
    for i in 0..n {
        work.read_report::<serde_json::Value>(Pass::Sketch, i)?;
    }
    let shards = (0..n)
        .map(|i| work.part(format!("sketch-{i}.parquet")))
        .collect();
    let extracts = (0..n).map(|i| extract_files(work, i)).collect();
    Ok(PlanSketches::new(
        released_index_files(plan, base),
        shards,
        extracts,
    )?)
}

/// Shard `shard`'s extract files: of its slice of the released index, and
/// of its own documents.
fn extract_files(work: &Work, shard: usize) -> (Extracts, Extracts) {
    let files = |prefix: &str| Extracts {
        bands: work.part(format!("{prefix}bands-{shard}.parquet")),
        anchors: work.part(format!("{prefix}anchors-{shard}.parquet")),
    };
    (files("released-"), files(""))
}

/// The dedup index files of the release the plan builds on.
fn released_index_files(plan: &Plan, base: &Option<Manifest>) -> Vec<PathBuf> {
    match base {
        Some(m) => release::state_files(&plan.output, m, "index"),
        None => Vec::new(),
    }
}

/// Stages shard `shard`'s parts of `duplicates` and of the dedup index;
/// returns their records.
fn dedup_parts(
    plan: &Plan,
    config: &Config,
    work: &Work,
    sketches: &PlanSketches,
    members: &[Member],
    shard: usize,
    sink: &mut DatasetSink,
) -> Result<Vec<(String, PartRecord)>, RunError> {
    let n = plan.shards.len();
    let duplicates = partitioned::describe_members(sketches, members, &config.dedup)?;
    let rows: Vec<crate::write::DuplicateRow<'_>> = duplicates
        .iter()
        .map(|d| {
            let m = &members[members.partition_point(|m| (m.rank as usize) < d.doc)];
            (m.doc_id.as_str(), m.representative_id.as_str(), d)
        })
        .collect();
    let batch = crate::write::duplicates_batch(&rows)?;
    let file = release::shard_file("duplicates", plan.run, shard, n);
    let mut parts = vec![(
        "duplicates".to_string(),
        release::stage_part(sink, file, plan.run, &batch)?,
    )];
    let mut released = Released::default();
    state::read_index(&work.part(format!("sketch-{shard}.parquet")), &mut released)?;
    // The sketch parts hold no cluster ids yet: a document stands alone
    // unless it is a member.
    for (id, key) in released.cluster_id.iter_mut().zip(&released.keys) {
        id.clone_from(&key.doc_id);
    }
    let first = sketches.ranks_of(shard).start as usize;
    for m in members {
        released.cluster_id[m.rank as usize - first] = m.cluster_id.clone();
    }
    let batch = state::index_batch(
        &released.keys,
        &released.cluster_id,
        &released.body_hash,
        &released.sketches,
    )
    .map_err(crate::passes::arrow_error("index"))
    .map_err(RunError::from)?;
    let file = release::state_shard_file("index", plan.run, shard, n);
    parts.push((
        "index".to_string(),
        release::stage_part(sink, file, plan.run, &batch)?,
    ));
    Ok(parts)
}

/// Dedup's verdict on every document of shard `shard`: alone unless it is
/// one of `members`.
fn verdicts_of(
    work: &Work,
    sketches: &PlanSketches,
    members: &[Member],
    shard: usize,
) -> Result<HashMap<String, Verdict>, RunError> {
    let mut rank = sketches.ranks_of(shard).start;
    let mut verdicts = HashMap::new();
    let path = work.part(format!("sketch-{shard}.parquet"));
    state::each_index_row_in(&path, None, Some(SketchFields::Keys), |row| {
        let member = members
            .binary_search_by_key(&rank, |m| m.rank)
            .ok()
            .map(|i| &members[i]);
        let verdict = Verdict {
            content_hash: format!("{:032x}", row.sketch.content_hash),
            cluster_id: member.map_or_else(|| row.key.doc_id.clone(), |m| m.cluster_id.clone()),
            is_representative: member.is_none_or(Member::is_representative),
        };
        verdicts.insert(row.key.doc_id, verdict);
        rank += 1;
    })?;
    Ok(verdicts)
}

/// The frequent lines the `lines` tasks found, each in its hash range.
fn frequent_lines(work: &Work, config: &Config, n: usize) -> Result<FrequentLines, RunError> {
    let mut counter = FrequentLineCounter::new(
        config.clean.frequent_max_words,
        config.clean.frequent_min_docs,
    );
    for i in 0..n {
        work.read_report::<LinesReport>(Pass::Lines, i)?;
        state::read_lines(&work.part(format!("frequent-{i}.parquet")), |g, h, d| {
            counter.add_row(g, h, d)
        })?;
    }
    Ok(counter.finish(config.clean.frequent_min_docs))
}

/// Rows per row group of a scan task's line file.
const LINE_ROWS_PER_GROUP: usize = 65_536;

/// Writes a scan task's short-line rows to `path`, each `lines` task's
/// share in row groups of its own.
fn write_line_shares(
    path: PathBuf,
    counter: &FrequentLineCounter,
    n: usize,
) -> Result<(), RunError> {
    let mut shares: Vec<Vec<(&str, u64, u64)>> = vec![Vec::new(); n];
    for row in counter.rows() {
        shares[Partition::owner(row.1, n)].push(row);
    }
    let mut file = grouped_files::GroupedWriter::create(path, state::lines_schema(), n)?;
    for (owner, rows) in shares.iter().enumerate() {
        for rows in rows.chunks(LINE_ROWS_PER_GROUP) {
            let batch = state::lines_batch(rows)
                .map_err(crate::passes::arrow_error("lines"))
                .map_err(RunError::from)?;
            file.write(owner, &batch)?;
        }
    }
    Ok(file.finish()?)
}

/// The `commit` pass: gathers every task's report and commits the run
/// under the dataset's lock, if the release is still the one planned
/// against.
fn commit(
    plan: &Plan,
    config: &Config,
    base: Option<Manifest>,
    work: &Work,
    started: Instant,
) -> Result<Summary, RunError> {
    let n = plan.shards.len();
    let scans: Vec<ScanReport> = (0..n)
        .map(|i| work.read_report(Pass::Scan, i))
        .collect::<Result<_, _>>()?;
    let mut skipped = plan.skipped.clone();
    let mut commit = RunCommit::new(base.as_ref(), plan.run);
    let mut timings = BTreeMap::new();
    let mut time =
        |pass: &str, seconds: f64| *timings.entry(pass.to_string()).or_default() += seconds;
    let mut documents = 0;
    for scan in scans {
        skipped.extend(scan.skipped);
        commit.inputs.extend(scan.inputs);
        commit.counts.merge(scan.counts);
        documents += scan.documents;
        time("scan", scan.seconds);
    }
    if plan.strict && !skipped.is_empty() {
        return Err(RunError::Inputs(skipped));
    }
    let lock = DatasetLock::acquire(&plan.output, true)?;
    // A commit task killed half way left files its journal names: undo
    // them (the staging area still holds every one).
    let previous = Previous::load(&plan.output);
    release::finish_interrupted_commit(&plan.output, previous.manifest())
        .map_err(RunError::Release)?;
    let previous = Previous::load(&plan.output);
    base_release(plan)?;
    let mut rebuild_warnings = Vec::new();
    if !plan.adds {
        check_rebuild_read(
            previous.manifest(),
            &skipped,
            plan.drop_vanished,
            &mut rebuild_warnings,
        )?;
    }
    let mut sink = DatasetSink::shared(&plan.output, plan.run, table_metadata(config))?;
    let (output, summary) = if documents == 0 {
        let Some(m) = &base else {
            return Err(RunError::NoDocuments(skipped));
        };
        commit.record_inputs_only(config, m, plan.unchanged.clone(), skipped, sink)?
    } else {
        for i in 0..n {
            let lines: LinesReport = work.read_report(Pass::Lines, i)?;
            time("lines", lines.seconds);
            sink.adopt([lines.part.file.clone()])?;
            commit.record("lines", lines.part);
        }
        for i in 0..n {
            let report: SketchReport = work.read_report(Pass::Sketch, i)?;
            commit.counts.merge(report.counts);
            time("sketch", report.seconds);
        }
        let banding = config.dedup.banding();
        let mut stats = DedupStats {
            bands: banding.bands,
            rows: banding.rows,
            ..DedupStats::default()
        };
        for i in 0..n {
            let report: BucketsReport = work.read_report(Pass::Buckets, i)?;
            stats.candidate_pairs += report.candidate_pairs;
            time("buckets", report.seconds);
            let report: ContainReport = work.read_report(Pass::Contain, i)?;
            time("contain", report.seconds);
            let report: VerifyReport = work.read_report(Pass::Verify, i)?;
            stats.verified_pairs += report.verified_pairs;
            time("verify", report.seconds);
        }
        let cluster: ClusterReport = work.read_report(Pass::Cluster, 0)?;
        time("cluster", cluster.seconds);
        stats.clusters = cluster.clusters;
        stats.contained = cluster.contained;
        let mut partials = Vec::new();
        let mut parts = Vec::new();
        for i in 0..n {
            let report: WriteReport = work.read_report(Pass::Write, i)?;
            commit.counts.merge(report.counts);
            time("write", report.seconds);
            parts.extend(report.parts);
            partials.push(state::read_entities(
                &work.part(format!("entities-{i}.parquet")),
            )?);
        }
        let n_duplicates = parts
            .iter()
            .filter(|(name, _)| name == "duplicates")
            .map(|(_, part)| part.rows)
            .sum();
        commit.dedup_stats(stats, n_duplicates);
        for (name, part) in parts {
            sink.adopt([part.file.clone()])?;
            commit.record(&name, part);
        }
        commit.add_entities(&plan.output, &mut sink, partials)?;
        time("commit", started.elapsed().as_secs_f64());
        commit.finish(
            config,
            &plan.config_hash,
            &previous,
            plan.unchanged.clone(),
            skipped,
            n,
            timings,
            sink,
        )?
    };
    drop(lock);
    let parts = work.dir.join("parts");
    let _ = std::fs::remove_dir_all(&parts);
    let mut summary = Summary {
        output,
        seconds: started.elapsed().as_secs_f64(),
        ..summary
    };
    summary.warnings.extend(plan.warnings.iter().cloned());
    summary.warnings.extend(rebuild_warnings);
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commit_proof_is_the_first_write_tasks_report() {
        assert_eq!(report_key(Pass::Write, 0).as_deref(), Some(COMMIT_PROOF));
        assert_eq!(
            report_key(Pass::Cluster, 0).as_deref(),
            Some("parts/cluster.json")
        );
        assert_eq!(
            report_key(Pass::Lines, 2).as_deref(),
            Some("parts/lines-2.json")
        );
    }

    #[test]
    fn a_plan_replaces_only_the_files_of_a_work_directory() {
        for ours in [
            "plan.json",
            REMOTE_BASE,
            "parts/scan-0.json",
            "mirror/manifest.json",
        ] {
            assert!(in_work_layout(ours), "{ours}");
        }
        for theirs in ["notes.txt", "partsX/a", "data/x.parquet", "plan.json.bak"] {
            assert!(!in_work_layout(theirs), "{theirs}");
        }
    }

    #[test]
    fn a_task_reads_what_its_pass_reads() {
        let reads = |pass, shard, file| task_reads(pass, shard, file);
        for pass in Pass::ALL {
            assert!(reads(pass, 0, "plan.json"));
            assert!(reads(pass, 0, "mirror/manifest.json"));
            assert!(reads(pass, 0, "mirror/_state/index/run=1/part-0.parquet"));
            assert!(
                reads(pass, 1, "parts/scan-0.json"),
                "reports go to every task"
            );
        }
        // Cleaned documents: only the shard's own sketch and write tasks.
        assert!(reads(Pass::Sketch, 1, "parts/scan-1/chunks.json"));
        assert!(reads(Pass::Write, 1, "parts/scan-1/chunk-000000.jsonl.zst"));
        assert!(!reads(Pass::Write, 0, "parts/scan-1/chunks.json"));
        assert!(!reads(Pass::Commit, 0, "parts/scan-0/chunks.json"));
        // Staged tables and the base manifest: the commit alone.
        let staged = format!(
            "mirror/{}3/documents/run=3/part-0.parquet",
            release::SHARDS_PREFIX
        );
        assert!(reads(Pass::Commit, 0, &staged));
        assert!(!reads(Pass::Write, 0, &staged));
        assert!(reads(Pass::Commit, 0, REMOTE_BASE));
        // Exchanged parts, by kind.
        assert!(reads(Pass::Lines, 0, "parts/lines-1.parquet"));
        assert!(!reads(Pass::Sketch, 0, "parts/lines-1.parquet"));
        assert!(reads(Pass::Buckets, 0, "parts/released-bands-1.parquet"));
        assert!(reads(Pass::Cluster, 0, "parts/sketch-1.parquet"));
        assert!(!reads(Pass::Commit, 0, "parts/sketch-1.parquet"));
        assert!(reads(Pass::Write, 1, "parts/members-1.parquet"));
        assert!(!reads(Pass::Write, 1, "parts/members-0.parquet"));
        assert!(reads(Pass::Commit, 0, "parts/entities-1.parquet"));
        assert!(reads(Pass::Scan, 0, "parts/unknown-kind-0.parquet"));
        assert!(reads(Pass::Commit, 0, COMMIT_PROOF));
        assert!(local_only(&format!("mirror/{}", crate::lock::LOCK_FILE)));
        assert!(removed_by_commit("parts/scan-0/chunks.json"));
        assert!(removed_by_commit(&staged));
        assert!(!removed_by_commit("mirror/manifest.json"));
    }
}
