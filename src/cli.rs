//! Command-line types only; nothing below `cmd` sees clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  the run failed (output could not be written, internal error)
  2  usage or configuration error (the message names the key and line)
  3  input error: with --strict, an input could not be read; or no input gave any document
  4  verify found a table that does not match the manifest (or no manifest)
  5  another gleaner run holds the dataset's lock (run: without --wait)
  6  the run would lose or mix released data, and changed nothing: no manifest
     beside partitions, a config (inputs aside), gleaner version or built-in
     model other than the release's (use --full), or --full would drop documents of vanished or unreadable
     inputs (use --drop-vanished)
  130  interrupted (Ctrl-C, SIGTERM): staging removed, release unchanged";

/// Turn raw scraped text (text dumps, HTML, RSS/Atom, JSONL, CSV, Parquet, WARC/WET/ARC; .gz/.zst/.bz2/.xz) into clean,
/// de-duplicated, entity-annotated Parquet tables.
#[derive(Debug, Parser)]
#[command(name = "gleaner", version, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How messages are written: `text` for people, `json` for log
    /// collectors (one JSON object a line: warnings and errors on stderr,
    /// the run's summary on stdout; no progress bars).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

impl Cli {
    /// Parses the command line. `--version` prints `long_version` (`-V`
    /// only the version): the built-in models' hashes, which a release
    /// records and a plan's tasks must share.
    pub fn parse_with_long_version(long_version: String) -> Cli {
        use clap::{CommandFactory, FromArgMatches};
        // clap without its `string` feature takes a `&'static str`; the
        // text is made once per process.
        let long_version: &'static str = Box::leak(long_version.into_boxed_str());
        let matches = Cli::command().long_version(long_version).get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    }
}

/// See `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read, clean, dedup and annotate the inputs; add them to the dataset.
    ///
    /// The dataset directory (default output/<dataset.name>) holds the
    /// tables documents, duplicates, mentions, entities, canonical_entities
    /// and boilerplate as Hive-style partitions, one per run (documents/run=3/part-0.parquet),
    /// plus manifest.json and the state later runs build on (_state/).
    /// A run reads only inputs that are new or changed since the last run,
    /// dedups them against everything released, and adds a partition;
    /// entities (per spelling) and canonical_entities (per entity, its
    /// spellings joined) hold the totals over all runs. Nothing new: nothing is
    /// written. --full rebuilds the dataset from all inputs; a changed
    /// config, another gleaner version or other built-in models (see
    /// `gleaner --version`) stop the run (exit 6) and name
    /// the difference, since adding to the release would mix them (an
    /// input added to or removed from dataset.inputs does not: an added one
    /// is read as new files are, a removed one's documents stay). Files
    /// are staged and the manifest is renamed into place last, so a failed,
    /// interrupted or killed run leaves the previous release as it was.
    /// gleaner never deletes a file it cannot prove it wrote: with no
    /// manifest beside partitions, the run stops (exit 6) and says how to
    /// recover. Unreadable inputs are reported and skipped unless --strict
    /// is given. A run estimated to need more memory than --max-memory
    /// runs as the passes of `gleaner plan`, their tasks one after another
    /// here: slower, the same tables.
    #[command(after_help = EXIT_CODES)]
    Run(RunCommand),
    /// Check a config file: unknown keys, wrong types, invalid regexes.
    #[command(after_help = EXIT_CODES)]
    CheckConfig(ConfigArg),
    /// Print a summary of a dataset's tables (rows, languages, duplicates,
    /// removed lines, top canonical entities).
    Stats(DatasetArg),
    /// Re-hash a dataset's tables and compare them with its manifest.
    #[command(after_help = EXIT_CODES)]
    Verify(DatasetArg),
    /// Write a lost or damaged manifest.json again from the partitions on
    /// disk. Every partition's Parquet footer names the gleaner version,
    /// built-in models and config hash that wrote it (and the hash of that
    /// config without dataset.inputs, which is compared where a footer has
    /// it); they must
    /// all agree, and the config given must be that one. Input fingerprints are not recoverable: the next
    /// run reads every input again and adds only records not yet released.
    /// A damaged manifest is kept as manifest.json.damaged (or .damaged.1,
    /// .2, …: one kept before is never overwritten; the output names it).
    #[command(after_help = EXIT_CODES)]
    Repair(RepairArgs),
    /// Plan a run as passes of N tasks each, for a cluster scheduler.
    ///
    /// Checks the release as `gleaner run` would (same refusals, same exit
    /// codes), fixes the run's id and inputs, splits the inputs into N
    /// shards of about equal bytes, and writes into --out: work/plan.json,
    /// one Slurm array job per pass (scan, lines, sketch, buckets, contain,
    /// verify, cluster, write, commit; lines, cluster and commit are one
    /// task, the others N), submit.sh (sbatch with --dependency=afterok, in order),
    /// and run-local.sh (every task here, one after another). Tasks
    /// exchange part files in work/ (shared storage on a cluster) and stage
    /// table files in the dataset directory; no task holds every dedup
    /// sketch; only the commit task locks the dataset and commits. An
    /// object-store --output (s3://…, with --features cloud) is mirrored in
    /// work/ and uploaded by the commit task, the manifest last. --out may
    /// be an object store too (s3://bucket/plan, with --features cloud): the
    /// plan goes to <out>/work/ there, the job scripts and logs to
    /// --scripts, and each task works in a local copy in $GLEANER_CACHE
    /// (it downloads what its pass reads and uploads what it wrote, its
    /// report last), so the nodes need no shared file system. The tables
    /// are those `gleaner run` writes on the same inputs, whatever N.
    #[command(after_help = EXIT_CODES)]
    Plan(PlanArgs),
    /// Run one task of a planned pass: `gleaner stage scan --shard 2/4 --work DIR`.
    ///
    /// A pass refuses to start until every task of the pass before it has
    /// finished. A task that failed or was killed is simply run again; it
    /// replaces its own files. With --work on an object store
    /// (s3://bucket/plan/work), the task runs in a local copy in
    /// $GLEANER_CACHE/work/: it downloads what its pass reads, runs, then
    /// uploads the files it wrote, its report last (the report's object is
    /// what tells the next pass it finished); a failed task keeps its copy
    /// for a rerun here. A dedup task (buckets, contain, verify,
    /// cluster, write) says how many bytes of sketches it read; the commit
    /// task prints the run's summary.
    #[command(after_help = EXIT_CODES)]
    Stage(StageArgs),
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Tasks per sharded pass (scan, sketch, buckets, contain, verify, write).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub tasks: u32,
    /// Job scripts to write besides run-local.sh: `slurm` (sbatch arrays
    /// and submit.sh) or `none`.
    #[arg(long, value_enum, default_value_t = Scheduler::Slurm)]
    pub scheduler: Scheduler,
    /// Directory for the plan, the job scripts, the work files and the logs
    /// (on storage every node sees), or an object-store prefix
    /// (s3://bucket/plan) for the plan and the work files.
    #[arg(long, value_name = "DIR", default_value = "gleaner-plan")]
    pub out: PathBuf,
    /// Directory for the job scripts and the logs when --out is an object
    /// store [default: gleaner-plan]. With a local --out they go there.
    #[arg(long, value_name = "DIR")]
    pub scripts: Option<PathBuf>,
    /// `--cpus-per-task` of the sharded passes' Slurm jobs (0: Slurm's default).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub cpus_per_task: usize,
    /// An extra `#SBATCH` option for every job, e.g. `--sbatch=--partition=cpu`
    /// (repeatable).
    #[arg(long = "sbatch", value_name = "OPTION", allow_hyphen_values = true)]
    pub sbatch: Vec<String>,
}

/// See `gleaner plan --scheduler`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scheduler {
    Slurm,
    None,
}

#[derive(Debug, Args)]
pub struct StageArgs {
    /// The pass: scan, lines, sketch, buckets, contain, verify, cluster,
    /// write or commit.
    #[arg(value_enum)]
    pub pass: gleaner::executors::sharded::Pass,
    /// This task's shard and the number of shards: `I/N`, I from 0. The
    /// passes lines, cluster and commit are one task: `0/N`.
    #[arg(long, value_name = "I/N", value_parser = shard)]
    pub shard: (usize, usize),
    /// The plan's work directory (`gleaner plan --out DIR` wrote DIR/work),
    /// local or on an object store (s3://bucket/plan/work).
    #[arg(long, value_name = "DIR")]
    pub work: PathBuf,
    /// Worker threads (0 = one per core).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0, value_parser = threads)]
    pub threads: usize,
}

fn shard(value: &str) -> Result<(usize, usize), String> {
    let (i, n) = value
        .split_once('/')
        .ok_or_else(|| format!("`{value}` is not I/N"))?;
    let i: usize = i
        .trim()
        .parse()
        .map_err(|_| format!("`{i}` is not a number"))?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| format!("`{n}` is not a number"))?;
    if n == 0 || i >= n {
        return Err(format!("shard {i} of {n}: need 0 <= I < N"));
    }
    Ok((i, n))
}

#[derive(Debug, Args)]
pub struct RepairArgs {
    /// A dataset directory written by `gleaner run` whose manifest is lost.
    #[arg(value_name = "DATASET_DIR")]
    pub dataset: PathBuf,
    #[command(flatten)]
    pub config: ConfigArg,
    /// Wait for a run that holds the dataset's lock.
    #[arg(long)]
    pub wait: bool,
}

#[derive(Debug, Args)]
pub struct ConfigArg {
    /// Pipeline config. Inputs and output in it are relative to its directory.
    #[arg(long, short, value_name = "FILE", default_value = "pipeline.toml")]
    pub config: PathBuf,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Files, directories (walked recursively, sorted) or globs. Default: the
    /// `dataset.inputs` of the config. The format comes from the extension
    /// (.txt .md .html .rss .atom .jsonl .csv .tsv .warc .arc, each optionally
    /// .gz/.zst/.bz2/.xz; .parquet as it is), else from a look at the content
    /// (a JSON array of records, WARC/ARC, Parquet, a feed, HTML).
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<String>,
    #[command(flatten)]
    pub config: ConfigArg,
    /// Dataset directory that receives the tables. Default: `dataset.output`
    /// of the config, else output/<dataset.name>.
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Worker threads (0 = one per core, at most 1024). Output is identical
    /// for any value.
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0, value_parser = threads)]
    pub threads: usize,
    /// Stop with exit code 3 if any input is missing, empty, binary or corrupt.
    #[arg(long)]
    pub strict: bool,
    /// If another run holds the dataset's lock, wait for it instead of
    /// exiting with code 5. A lock left by a run that died is taken over
    /// (on an object store, once its lease ends: GLEANER_LOCK_LEASE
    /// seconds, default 600, renewed by the holder while it runs).
    #[arg(long)]
    pub wait: bool,
    /// Rebuild the dataset from all inputs instead of adding what is new
    /// (the previous release stays readable until the new one commits).
    #[arg(long)]
    pub full: bool,
    /// With --full: drop the released documents of inputs that are no longer
    /// there, or that cannot be read now. Without it, such a rebuild stops
    /// (exit 6) and says how many documents it would drop.
    #[arg(long, requires = "full")]
    pub drop_vanished: bool,
    /// Follow symlinks that lead out of an input directory (or out of a
    /// glob's directory); by default they are skipped with a warning. A
    /// path named on the command line is always followed.
    #[arg(long)]
    pub follow_symlinks: bool,
}

/// `gleaner run`: the run's arguments, which `gleaner plan` shares, and
/// what only a run in this process has.
#[derive(Debug, Args)]
pub struct RunCommand {
    #[command(flatten)]
    pub run: RunArgs,
    /// Memory the run may hold (bytes, or with K, M, G or T: 6G). A run
    /// estimated to need more (about 4 KB per released and per new
    /// document, for dedup, plus 1 GB) runs as partitions, one after
    /// another, each holding about a part of it; the tables are the same.
    /// Default: half the memory the run may use: the machine's, or a
    /// control group's limit (a Slurm job's --mem, a container's).
    #[arg(long, value_name = "SIZE", value_parser = byte_size)]
    pub max_memory: Option<u64>,
}

/// A size in bytes: a number, optionally followed by K, M, G or T (powers
/// of 1024; a trailing `B` or `iB` is allowed: 512M, 4GiB, 6G).
fn byte_size(value: &str) -> Result<u64, String> {
    let v = value.trim();
    let v = v
        .strip_suffix("iB")
        .or_else(|| v.strip_suffix('B'))
        .unwrap_or(v);
    let (digits, shift) = match v.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let shift = match c.to_ascii_uppercase() {
                'K' => 10,
                'M' => 20,
                'G' => 30,
                'T' => 40,
                _ => return Err(format!("`{value}`: the unit is K, M, G or T")),
            };
            (&v[..i], shift)
        }
        _ => (v, 0),
    };
    let n: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("`{value}` is not a size (such as 6G or 512M)"))?;
    n.checked_mul(1 << shift)
        .ok_or_else(|| format!("`{value}` is too large"))
}

/// Most worker threads a run may ask for: more only costs memory and
/// start-up time (100,000 threads never finish starting).
const MAX_THREADS: usize = 1024;

fn threads(value: &str) -> Result<usize, String> {
    let n: usize = value
        .parse()
        .map_err(|_| format!("`{value}` is not a number of threads"))?;
    if n > MAX_THREADS {
        return Err(format!("at most {MAX_THREADS} (0 = one per core)"));
    }
    Ok(n)
}

#[derive(Debug, Args)]
pub struct DatasetArg {
    /// A dataset directory written by `gleaner run`.
    #[arg(value_name = "DATASET_DIR")]
    pub dataset: PathBuf,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(byte_size("6G"), Ok(6 << 30));
        assert_eq!(byte_size("512M"), Ok(512 << 20));
        assert_eq!(byte_size("4GiB"), Ok(4 << 30));
        assert_eq!(byte_size("2kB"), Ok(2048));
        assert_eq!(byte_size("1000"), Ok(1000));
        assert_eq!(byte_size("1t"), Ok(1 << 40));
        assert!(byte_size("6X").is_err());
        assert!(byte_size("G").is_err());
        assert!(byte_size("-1G").is_err());
        assert!(byte_size("99999999999T").is_err());
    }
}
