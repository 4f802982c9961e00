//! A plan's work directory on an object store (`gleaner plan --out
//! s3://…`, `gleaner stage … --work s3://…/work`): the sharded executor
//! for a cluster whose nodes share no file system (Kubernetes Indexed
//! Jobs, cloud batch services).
//!
//! A task runs its pass exactly as on a shared work directory, in a local
//! copy of it under `$GLEANER_CACHE/work/<url>/<pass>-<shard>/` (one per
//! task, so that tasks on one node never see each other's half-written
//! files):
//!
//! - before the pass it downloads what the pass may read (`task_reads` in
//!   [`sharded`]: the plan, the dataset's mirror, the reports, and of the
//!   exchanged files the kinds its pass reads, of its own shard only where
//!   the pass reads only its own), skipping files a failed earlier attempt
//!   here left with the object's size and time, and deletes every other
//!   local file, so the copy starts as the store is;
//! - after the pass it uploads the files it wrote (new or changed since
//!   the download), deletes the objects of files it removed, and uploads
//!   its report last: a report's object says that the task finished, as the
//!   file does on a shared directory, so the next pass never starts on
//!   half the files;
//! - the commit task uploads the committed mirror of the dataset to the
//!   work directory before it uploads the release (so that, run again, it
//!   finds its own commit), and removes the work files after, the report
//!   that proves its commit (`COMMIT_PROOF` in [`sharded`]) last.
//!
//! A task that fails keeps its local copy (run again here, it downloads
//! only what changed); one that succeeds removes it. A task run again
//! replaces its own objects, as it replaces its files on a shared
//! directory.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::config::Config;
use crate::passes::Progress;
use crate::pipeline::{cache_dir, slug, RunError, RunOptions};
use crate::storage::{ObjectDir, Remote};

use super::sharded::{self, Pass, Plan, PlannedFile, StageDone, WorkHost};

/// `gleaner plan` into the work directory at `url`: the plan is made in a
/// local directory, then the objects under `url` are made to hold exactly
/// it: the old `plan.json` deleted first (no task starts on a half-replaced
/// plan), then every other object it does not hold, then every file
/// uploaded, `plan.json` last.
pub fn plan(
    config: &Config,
    options: &RunOptions,
    tasks: usize,
    url: &Remote,
) -> Result<Plan, RunError> {
    // Opened first: a gleaner without the cloud feature stops here.
    let objects = ObjectDir::open(url)?;
    // A plan replaces an older plan's objects, and nothing else: objects
    // outside a work directory's layout mean the prefix is someone else's.
    let listed = objects.list()?;
    if let Some(foreign) = listed.iter().find(|o| !sharded::in_work_layout(&o.key)) {
        return Err(RunError::Refused(format!(
            "{}/{} is not a file of a gleaner work directory, so gleaner will not replace \
             what is under {}; give `--out` a prefix of its own",
            url.url, foreign.key, url.url
        )));
    }
    let root = local_root(url, "plan")?;
    remove_dir(&root)?;
    let work = root.join("work");
    std::fs::create_dir_all(&work).map_err(|e| local_error(&work, e))?;
    let plan = sharded::plan_in(config, options, tasks, &work, Some(&url.url))?;
    let files = local_files(&work)?;
    objects.delete(PLAN)?;
    for object in listed {
        if !files.contains_key(&object.key) {
            objects.delete(&object.key)?;
        }
    }
    for key in files.keys().filter(|k| *k != PLAN) {
        objects.upload(key, &work.join(key))?;
    }
    objects.upload(PLAN, &work.join(PLAN))?;
    remove_dir(&root)?;
    Ok(plan)
}

const PLAN: &str = "plan.json";

/// One task of a plan whose work directory is on an object store, with its
/// local copy pulled.
pub struct RemoteTask {
    pass: Pass,
    shard: usize,
    /// The task's directory in the cache: the copy in `work/`, its inputs
    /// in `inputs/`.
    root: PathBuf,
    copy: LocalCopy,
}

impl RemoteTask {
    /// Pulls what task `shard` of `pass` reads from the work directory at
    /// `url` into the task's local copy.
    pub fn pull(url: &Remote, pass: Pass, shard: usize) -> Result<RemoteTask, RunError> {
        let objects = ObjectDir::open(url)?;
        let root = local_root(url, &format!("{}-{shard}", pass.name()))?;
        let copy = LocalCopy::pull(objects, root.join("work"), |file| {
            sharded::task_reads(pass, shard, file)
        })?;
        if !copy.dir.join(PLAN).is_file() {
            return Err(RunError::Pass(format!(
                "{}/{PLAN}: no such object; make a plan first (`gleaner plan --out URL` \
                 makes its work directory URL/work)",
                url.url
            )));
        }
        // The work files' directory, which the tasks but the commit write
        // into (object stores hold no empty directories). The commit task
        // must not have it when the work files are gone: that says its
        // commit finished.
        if pass != Pass::Commit {
            let parts = copy.dir.join("parts");
            std::fs::create_dir_all(&parts).map_err(|e| local_error(&parts, e))?;
        }
        Ok(RemoteTask {
            pass,
            shard,
            root,
            copy,
        })
    }

    /// The local copy of the work directory, where the task runs.
    pub fn work_dir(&self) -> &Path {
        &self.copy.dir
    }

    /// Runs the task in the local copy and uploads what it wrote (see the
    /// module's doc); removes the copy once done. Says what it moved.
    pub fn run(self, progress: &dyn Progress) -> Result<(StageDone, Transferred), RunError> {
        let work = self.copy.dir.clone();
        let (plan, _) = sharded::load_plan(&work)?;
        if plan.remote.is_some() {
            // An empty dataset's mirror has no objects.
            std::fs::create_dir_all(&plan.output).map_err(|e| local_error(&plan.output, e))?;
        }
        let host = Host {
            copy: &self.copy,
            inputs: self.root.join("inputs"),
            stores: RefCell::new(HashMap::new()),
        };
        let done = sharded::run_task(self.pass, self.shard, &work, progress, &host)?;
        let (written, removed) = self.copy.changes()?;
        match sharded::report_key(self.pass, self.shard) {
            Some(report) => {
                let (last, first): (Vec<String>, Vec<String>) =
                    written.into_iter().partition(|k| *k == report);
                if last.is_empty() {
                    return Err(RunError::Pass(format!(
                        "pass {} shard {}: {report} was not written",
                        self.pass.name(),
                        self.shard
                    )));
                }
                self.copy.upload(&first)?;
                self.copy.delete(&removed)?;
                self.copy.upload(&last)?;
            }
            // The commit task uploaded the mirror in `committed`; what is
            // left is to remove the work files, those it did not download
            // too, the proof of its commit last.
            None => {
                let mut gone: std::collections::BTreeSet<String> = removed.into_iter().collect();
                for object in self.copy.objects.list()? {
                    if sharded::removed_by_commit(&object.key) {
                        gone.insert(object.key);
                    }
                }
                let (last, first): (Vec<String>, Vec<String>) =
                    gone.into_iter().partition(|k| k == sharded::COMMIT_PROOF);
                self.copy.delete(&first)?;
                self.copy.delete(&last)?;
            }
        }
        remove_dir(&self.root)?;
        let moved = Transferred {
            url: self.copy.objects.url().to_string(),
            downloaded: self.copy.downloaded.get(),
            uploaded: self.copy.uploaded.get(),
        };
        Ok((done, moved))
    }
}

/// Objects and bytes a task downloaded (its inputs included) and uploaded:
/// what a work directory on an object store costs it.
#[derive(Debug, Clone)]
pub struct Transferred {
    url: String,
    downloaded: (u64, u64),
    uploaded: (u64, u64),
}

impl std::fmt::Display for Transferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "work directory {}: downloaded {} object(s), {} bytes; uploaded {} object(s), {} bytes",
            self.url, self.downloaded.0, self.downloaded.1, self.uploaded.0, self.uploaded.1
        )
    }
}

/// What the sharded executor asks of a task on a local copy.
struct Host<'a> {
    copy: &'a LocalCopy,
    /// Where the shard's object-store inputs are downloaded.
    inputs: PathBuf,
    /// Input prefixes opened so far, by URL.
    stores: RefCell<HashMap<String, ObjectDir>>,
}

impl WorkHost for Host<'_> {
    /// An object-store input is downloaded, whatever the plan's machine
    /// cached (this task may run anywhere); a local one is read where the
    /// plan found it, which must then be a path every task sees.
    fn input(&self, file: &PlannedFile) -> Result<PathBuf, RunError> {
        let Some((prefix, name)) = Remote::parse(&file.display)
            .and_then(|_| file.display.rsplit_once('/'))
            .and_then(|(prefix, name)| Some((Remote::parse(prefix)?, name)))
        else {
            return Ok(file.path.clone());
        };
        let mut stores = self.stores.borrow_mut();
        if !stores.contains_key(&prefix.url) {
            stores.insert(prefix.url.clone(), ObjectDir::open(&prefix)?);
        }
        // Under its own name: the name may say the format.
        let path = self.inputs.join(slug(&prefix.url)).join(name);
        if !stores[&prefix.url].download(name, &path)? {
            return Err(RunError::Pass(format!(
                "{}: the input is gone since the plan was made; make a new plan",
                file.display
            )));
        }
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        add(&self.copy.downloaded, size);
        Ok(path)
    }

    /// Uploads the committed mirror: its new and changed files, then its
    /// manifest (what makes a task run again find the commit).
    fn committed(&self, work: &Path) -> Result<(), RunError> {
        debug_assert_eq!(work, self.copy.dir);
        let (written, _) = self.copy.changes()?;
        let manifest = "mirror/manifest.json";
        let (last, first): (Vec<String>, Vec<String>) =
            written.into_iter().partition(|k| k == manifest);
        self.copy.upload(&first)?;
        self.copy.upload(&last)
    }
}

/// A local directory holding a selection of the objects under a prefix,
/// and what it held when pulled, to tell what a task changed.
struct LocalCopy {
    objects: ObjectDir,
    dir: PathBuf,
    pulled: BTreeMap<String, (u64, SystemTime)>,
    /// Objects and bytes moved each way so far.
    downloaded: Cell<(u64, u64)>,
    uploaded: Cell<(u64, u64)>,
}

fn add(moved: &Cell<(u64, u64)>, bytes: u64) {
    let (n, total) = moved.get();
    moved.set((n + 1, total + bytes));
}

impl LocalCopy {
    /// Makes `dir` hold the objects `wanted` selects and nothing else:
    /// downloads those missing here or here with another size or time,
    /// removes every other file (and the directories left empty).
    fn pull(
        objects: ObjectDir,
        dir: PathBuf,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<LocalCopy, RunError> {
        std::fs::create_dir_all(&dir).map_err(|e| local_error(&dir, e))?;
        let remote: BTreeMap<String, (u64, SystemTime)> = objects
            .list()?
            .into_iter()
            .filter(|o| wanted(&o.key))
            .map(|o| (o.key, (o.size, o.modified)))
            .collect();
        for (key, found) in local_files(&dir)? {
            if remote.get(&key) != Some(&found) {
                let path = dir.join(&key);
                std::fs::remove_file(&path).map_err(|e| local_error(&path, e))?;
            }
        }
        remove_empty_dirs(&dir)?;
        let here = local_files(&dir)?;
        let downloaded = Cell::new((0, 0));
        for (key, (size, _)) in remote.iter().filter(|(k, _)| !here.contains_key(*k)) {
            // `false`: gone since listed (a task of the pass before being
            // run again); whatever needed it finds it missing and says so.
            if objects.download(key, &dir.join(key))? {
                add(&downloaded, *size);
            }
        }
        let pulled = local_files(&dir)?;
        Ok(LocalCopy {
            objects,
            dir,
            pulled,
            downloaded,
            uploaded: Cell::new((0, 0)),
        })
    }

    /// The files written since the pull (new or with another size or time)
    /// and the pulled files removed since, each sorted.
    fn changes(&self) -> Result<(Vec<String>, Vec<String>), RunError> {
        let now = local_files(&self.dir)?;
        let written = now
            .iter()
            .filter(|(k, v)| self.pulled.get(*k) != Some(v))
            .map(|(k, _)| k.clone())
            .collect();
        let removed = self
            .pulled
            .keys()
            .filter(|k| !now.contains_key(*k))
            .cloned()
            .collect();
        Ok((written, removed))
    }

    fn upload(&self, keys: &[String]) -> Result<(), RunError> {
        for key in keys {
            let path = self.dir.join(key);
            self.objects.upload(key, &path)?;
            add(
                &self.uploaded,
                std::fs::metadata(&path).map_or(0, |m| m.len()),
            );
        }
        Ok(())
    }

    fn delete(&self, keys: &[String]) -> Result<(), RunError> {
        for key in keys {
            self.objects.delete(key)?;
        }
        Ok(())
    }
}

/// The local directory of task `task` of the work directory at `url`.
fn local_root(url: &Remote, task: &str) -> Result<PathBuf, RunError> {
    let dir = cache_dir().join("work").join(slug(&url.url)).join(task);
    std::path::absolute(&dir).map_err(|e| local_error(&dir, e))
}

/// Every file under `dir` but those [`sharded::local_only`], by its path
/// relative to it (`/`-separated), with its size and modification time.
fn local_files(dir: &Path) -> Result<BTreeMap<String, (u64, SystemTime)>, RunError> {
    let mut files = BTreeMap::new();
    if !dir.exists() {
        return Ok(files);
    }
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.map_err(|e| local_error(dir, e))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry.path();
        let meta = entry.metadata().map_err(|e| local_error(path, e))?;
        let modified = meta.modified().map_err(|e| local_error(path, e))?;
        let key: String = path
            .strip_prefix(dir)
            .map_err(|e| local_error(path, e))?
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if !sharded::local_only(&key) {
            files.insert(key, (meta.len(), modified));
        }
    }
    Ok(files)
}

/// Removes the directories under `dir` that hold no file.
fn remove_empty_dirs(dir: &Path) -> Result<(), RunError> {
    let entries = std::fs::read_dir(dir).map_err(|e| local_error(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| local_error(dir, e))?.path();
        if path.is_dir() {
            remove_empty_dirs(&path)?;
            if std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none()) {
                std::fs::remove_dir(&path).map_err(|e| local_error(&path, e))?;
            }
        }
    }
    Ok(())
}

fn remove_dir(dir: &Path) -> Result<(), RunError> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(local_error(dir, e)),
    }
}

fn local_error(path: &Path, e: impl std::fmt::Display) -> RunError {
    RunError::Pass(format!(
        "local copy of the work directory, {}: {e}",
        path.display()
    ))
}
