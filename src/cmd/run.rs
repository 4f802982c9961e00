//! `gleaner run`: the whole pipeline, with progress bars and a summary.

use std::path::PathBuf;

use gleaner::pipeline::{self, RunError, RunOptions};

use crate::cli::RunArgs;
use crate::cmd::{load_config, Failure};
use crate::progress::StageBars;

pub fn execute(args: RunArgs) -> Result<(), Failure> {
    let config = load_config(&args.config.config)?;
    let options = RunOptions {
        inputs: args.inputs,
        config_dir: args
            .config
            .config
            .parent()
            .map(PathBuf::from)
            .unwrap_or_default(),
        output: args.output,
        threads: args.threads,
        strict: args.strict,
        wait_for_lock: args.wait,
        ..RunOptions::default()
    };
    let bars = StageBars::new();
    let result = pipeline::run(&config, &options, &bars);
    bars.finish();
    let summary = result.map_err(|e| match e {
        RunError::Config(_) => Failure::Config(e.to_string()),
        RunError::Inputs(_) | RunError::NoDocuments => Failure::Input(e.to_string()),
        RunError::Locked(gleaner::lock::LockError::Held { .. }) => Failure::Locked(e.to_string()),
        _ => Failure::Runtime(e.to_string()),
    })?;
    for skipped in &summary.skipped {
        eprintln!("warning: skipped {}: {}", skipped.path, skipped.reason);
    }
    for warning in &summary.warnings {
        eprintln!("warning: {warning}");
    }
    let c = |key: &str| summary.counts.get(key).copied().unwrap_or(0);
    println!(
        "gleaner: {} file(s) ({} skipped) → {} documents, {} boilerplate lines removed, \
         {} duplicate cluster(s) ({} duplicates), {} mentions of {} entities in {:.2}s → {}",
        summary.files,
        summary.skipped.len(),
        c("documents"),
        c("removed_lines"),
        c("clusters"),
        c("duplicates"),
        c("mentions"),
        c("entities"),
        summary.seconds,
        summary.output.display()
    );
    Ok(())
}
