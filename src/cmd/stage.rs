//! `gleaner stage`: one task of a planned pass.

use gleaner::executors::remote_work::RemoteTask;
use gleaner::executors::sharded::{self, StageDone};
use gleaner::storage::Remote;

use crate::cli::{LogFormat, StageArgs};
use crate::cmd::run::{failure, report};
use crate::cmd::Failure;
use crate::progress::StageBars;

pub fn execute(args: StageArgs, format: LogFormat) -> Result<(), Failure> {
    let (shard, tasks) = args.shard;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .map_err(|e| Failure::Runtime(format!("cannot start worker threads: {e}")))?;
    // A work directory on an object store: the task runs in a local copy.
    let remote = match Remote::parse(&args.work.to_string_lossy()) {
        Some(url) => Some(RemoteTask::pull(&url, args.pass, shard).map_err(failure)?),
        None => None,
    };
    let work = remote
        .as_ref()
        .map_or(args.work.as_path(), RemoteTask::work_dir);
    let plan = sharded::load_plan(work).map_err(failure)?.0;
    if plan.shards.len() != tasks {
        return Err(Failure::Config(format!(
            "the plan in {} has {} shard(s), not {tasks}",
            args.work.display(),
            plan.shards.len()
        )));
    }
    let bars = StageBars::new(format == LogFormat::Json);
    let result = pool.install(|| match remote {
        Some(task) => task.run(&bars).map(|(done, moved)| (done, Some(moved))),
        None => sharded::run_stage(args.pass, shard, &args.work, &bars).map(|done| (done, None)),
    });
    bars.finish();
    let (done, moved) = result.map_err(failure)?;
    if let Some(moved) = moved {
        eprintln!("gleaner: {moved}");
    }
    match done {
        StageDone::Committed(summary) => report(&summary, format, "from the plan"),
        StageDone::Task { dedup_read } => {
            let read = dedup_read.map_or(String::new(), |b| {
                format!(" ({b} bytes of sketches and band keys read)")
            });
            eprintln!(
                "gleaner: pass {} shard {shard}/{tasks} done{read}",
                args.pass.name()
            )
        }
    }
    Ok(())
}
