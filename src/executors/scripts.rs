//! Job scripts for a plan: one Slurm array job per pass, chained with
//! `--dependency=afterok`, and a script that runs every task here, one
//! after another (for a machine without a scheduler, and for tests).

use std::path::Path;

use super::sharded::Pass;

/// Options of the generated Slurm jobs.
#[derive(Debug, Clone, Default)]
pub struct SlurmOptions {
    /// Extra `#SBATCH` lines' arguments for every job (`--partition=cpu`).
    pub sbatch_args: Vec<String>,
    /// `--cpus-per-task` of the per-shard passes (0: leave it to Slurm).
    pub cpus_per_task: usize,
}

fn quote(path: &Path) -> String {
    let s = path.display().to_string();
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// The command of task `shard` of `pass`.
fn stage_command(gleaner: &Path, pass: Pass, shard: &str, tasks: usize, work: &Path) -> String {
    format!(
        "{} stage {} --shard {shard}/{tasks} --work {}",
        quote(gleaner),
        pass.name(),
        quote(work)
    )
}

/// `run-local.sh`: every task of every pass, in order, on this machine.
pub fn local_script(gleaner: &Path, tasks: usize, work: &Path) -> String {
    let mut s = String::from(
        "#!/usr/bin/env bash\n# Runs every task of the plan here, one after another.\nset -euo pipefail\n",
    );
    for pass in Pass::ALL {
        if pass.per_shard() {
            s.push_str(&format!(
                "for i in $(seq 0 {}); do {}; done\n",
                tasks - 1,
                stage_command(gleaner, pass, "$i", tasks, work)
            ));
        } else {
            s.push_str(&stage_command(gleaner, pass, "0", tasks, work));
            s.push('\n');
        }
    }
    s
}

/// The `sbatch` script of `pass` (file name, text).
pub fn slurm_job(
    gleaner: &Path,
    pass: Pass,
    tasks: usize,
    work: &Path,
    logs: &Path,
    options: &SlurmOptions,
) -> (String, String) {
    let mut s = format!("#!/bin/bash\n#SBATCH --job-name=gleaner-{}\n", pass.name());
    let shard = if pass.per_shard() {
        s.push_str(&format!("#SBATCH --array=0-{}\n", tasks - 1));
        s.push_str(&format!(
            "#SBATCH --output={}/{}-%a.log\n",
            logs.display(),
            pass.name()
        ));
        if options.cpus_per_task > 0 {
            s.push_str(&format!(
                "#SBATCH --cpus-per-task={}\n",
                options.cpus_per_task
            ));
        }
        "${SLURM_ARRAY_TASK_ID}"
    } else {
        s.push_str(&format!(
            "#SBATCH --output={}/{}.log\n",
            logs.display(),
            pass.name()
        ));
        "0"
    };
    for arg in &options.sbatch_args {
        s.push_str(&format!("#SBATCH {arg}\n"));
    }
    s.push_str(&format!(
        "exec {}\n",
        stage_command(gleaner, pass, shard, tasks, work)
    ));
    (format!("{}.sbatch", pass.name()), s)
}

/// `submit.sh`: submits the passes' jobs, each after the one before it
/// succeeded; prints the job ids, the last one (the commit) last.
pub fn submit_script(dir: &Path) -> String {
    let mut s = format!(
        "#!/usr/bin/env bash\n# Submits the plan's jobs to Slurm, each pass after the last one succeeded.\nset -euo pipefail\ncd {}\nprevious=\n",
        quote(dir)
    );
    for pass in Pass::ALL {
        s.push_str(&format!(
            "job=$(sbatch --parsable ${{previous:+--dependency=afterok:$previous}} {}.sbatch)\nprevious=${{job%%;*}}\necho \"{} $previous\"\n",
            pass.name(),
            pass.name()
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_shard_passes_are_arrays_and_the_chain_follows_the_passes() {
        let (name, job) = slurm_job(
            Path::new("/bin/gleaner"),
            Pass::Scan,
            4,
            Path::new("/w/work"),
            Path::new("/w/logs"),
            &SlurmOptions::default(),
        );
        assert_eq!(name, "scan.sbatch");
        assert!(job.contains("#SBATCH --array=0-3\n"), "{job}");
        assert!(job.contains("stage scan --shard ${SLURM_ARRAY_TASK_ID}/4"));
        let (_, commit) = slurm_job(
            Path::new("/bin/gleaner"),
            Pass::Commit,
            4,
            Path::new("/w/work"),
            Path::new("/w/logs"),
            &SlurmOptions::default(),
        );
        assert!(!commit.contains("--array"), "{commit}");
        let submit = submit_script(Path::new("/w"));
        let order: Vec<usize> = Pass::ALL
            .iter()
            .map(|p| submit.find(&format!("{}.sbatch", p.name())).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{submit}");
    }
}
