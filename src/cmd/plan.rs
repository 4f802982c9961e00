//! `gleaner plan`: a run as passes of N tasks, and the job scripts.

use gleaner::executors::scripts::{self, SlurmOptions};
use gleaner::executors::sharded::{self, Pass};

use crate::cli::{PlanArgs, Scheduler};
use crate::cmd::run::{failure, options};
use crate::cmd::{load_config, Failure};

pub fn execute(args: PlanArgs) -> Result<(), Failure> {
    let (config, _) = load_config(&args.run.config.config)?;
    let tasks = args.tasks as usize;
    let out = std::path::absolute(&args.out).map_err(|e| Failure::Config(e.to_string()))?;
    let work = out.join("work");
    let plan = sharded::plan(&config, &options(args.run), tasks, &work).map_err(failure)?;
    let gleaner = std::env::current_exe()
        .map_err(|e| Failure::Runtime(format!("cannot tell where this binary is: {e}")))?;
    let logs = out.join("logs");
    let write = |name: &str, text: &str| {
        let path = out.join(name);
        std::fs::write(&path, text)
            .and_then(|_| make_executable(&path))
            .map_err(|e| Failure::Runtime(format!("{}: {e}", path.display())))
    };
    std::fs::create_dir_all(&logs)
        .map_err(|e| Failure::Runtime(format!("{}: {e}", logs.display())))?;
    write(
        "run-local.sh",
        &scripts::local_script(&gleaner, tasks, &work),
    )?;
    if args.scheduler == Scheduler::Slurm {
        let slurm = SlurmOptions {
            sbatch_args: args.sbatch,
            cpus_per_task: args.cpus_per_task,
        };
        for pass in Pass::ALL {
            let (name, text) = scripts::slurm_job(&gleaner, pass, tasks, &work, &logs, &slurm);
            write(&name, &text)?;
        }
        write("submit.sh", &scripts::submit_script(&out))?;
    }
    let files: usize = plan.shards.iter().map(Vec::len).sum();
    for warning in &plan.warnings {
        eprintln!("warning: {warning}");
    }
    for skipped in &plan.skipped {
        eprintln!("warning: skipped {}: {}", skipped.path, skipped.reason);
    }
    println!(
        "gleaner: planned run {} of {}: {files} file(s) to read in {tasks} shard(s) ({} unchanged) → {}",
        plan.run,
        plan.output.display(),
        plan.unchanged.len(),
        out.display()
    );
    match args.scheduler {
        Scheduler::Slurm => println!("submit with: bash {}/submit.sh", out.display()),
        Scheduler::None => println!("run with: bash {}/run-local.sh", out.display()),
    }
    Ok(())
}

#[cfg(unix)]
fn make_executable(path: &std::path::Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_: &std::path::Path) -> std::io::Result<()> {
    Ok(())
}
