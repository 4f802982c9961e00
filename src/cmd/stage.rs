//! `gleaner stage`: one task of a planned pass.

use gleaner::executors::sharded::{self, StageDone};

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
    let plan = sharded::load_plan(&args.work).map_err(failure)?.0;
    if plan.shards.len() != tasks {
        return Err(Failure::Config(format!(
            "the plan in {} has {} shard(s), not {tasks}",
            args.work.display(),
            plan.shards.len()
        )));
    }
    let bars = StageBars::new(format == LogFormat::Json);
    let result = pool.install(|| sharded::run_stage(args.pass, shard, &args.work, &bars));
    bars.finish();
    match result.map_err(failure)? {
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
