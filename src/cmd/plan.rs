//! `gleaner plan`: a run as passes of N tasks, and the job scripts.

use std::path::PathBuf;

use gleaner::executors::remote_work;
use gleaner::executors::scripts::{self, SlurmOptions};
use gleaner::executors::sharded::{self, Pass};
use gleaner::storage::Remote;

use crate::cli::{PlanArgs, Scheduler};
use crate::cmd::run::{failure, options};
use crate::cmd::{load_config, Failure};

pub fn execute(args: PlanArgs) -> Result<(), Failure> {
    let (config, _) = load_config(&args.run.config.config)?;
    let tasks = args.tasks as usize;
    let absolute =
        |dir: &PathBuf| std::path::absolute(dir).map_err(|e| Failure::Config(e.to_string()));
    // `out`: where the scripts and logs go; `work`: the work directory
    // they name, on an object store or under `out`.
    let (out, work, plan, shown) = match Remote::parse(&args.out.to_string_lossy()) {
        None => {
            if args.scripts.is_some() {
                return Err(Failure::Config(
                    "--scripts is for an object-store --out; with a local --out the scripts go there"
                        .into(),
                ));
            }
            let out = absolute(&args.out)?;
            let work = out.join("work");
            let plan = sharded::plan(&config, &options(args.run), tasks, &work).map_err(failure)?;
            let shown = out.display().to_string();
            (out, work, plan, shown)
        }
        Some(remote) => {
            let url = Remote::parse(&format!("{}/work", remote.url)).ok_or_else(|| {
                Failure::Config(format!("{}: not an object-store URL", remote.url))
            })?;
            let out = absolute(
                &args
                    .scripts
                    .unwrap_or_else(|| PathBuf::from("gleaner-plan")),
            )?;
            let plan =
                remote_work::plan(&config, &options(args.run), tasks, &url).map_err(failure)?;
            let shown = format!("{} (scripts in {})", url.url, out.display());
            (out, PathBuf::from(&url.url), plan, shown)
        }
    };
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
        shown
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
