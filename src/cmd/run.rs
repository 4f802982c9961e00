//! `gleaner run`: the whole pipeline, with progress bars and a summary.

use std::path::PathBuf;

use gleaner::pipeline::{self, RunError, RunOptions, Summary};
use gleaner::write::manifest::SkippedInput;

use serde_json::json;

use crate::cli::{LogFormat, RunArgs, RunCommand};
use crate::cmd::{load_config, Failure};
use crate::progress::StageBars;

pub fn execute(args: RunCommand, format: LogFormat) -> Result<(), Failure> {
    let (config, config_name) = load_config(&args.run.config.config)?;
    let options = RunOptions {
        max_memory: args.max_memory,
        ..options(args.run)
    };
    if let Err(e) = gleaner::release::install_cleanup_on_signal() {
        eprintln!("warning: cannot watch for Ctrl-C/SIGTERM ({e}); an interrupted run leaves its staging directory to the next run");
    }
    let bars = StageBars::new(format == LogFormat::Json);
    let result = pipeline::run(&config, &options, &bars);
    bars.finish();
    let summary = match result {
        Ok(summary) => summary,
        Err(e) => {
            // A run that fails writes no manifest: the reason of every
            // skipped input is said here or nowhere (the error names the
            // first 20; --strict's error names them all).
            if let RunError::NoDocuments(skipped) = &e {
                say_warnings(skipped.iter().map(skipped_line), format);
            }
            return Err(failure(e));
        }
    };
    report(&summary, format, &config_name);
    Ok(())
}

/// The run options of `args`.
pub fn options(args: RunArgs) -> RunOptions {
    RunOptions {
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
        full: args.full,
        drop_vanished: args.drop_vanished,
        follow_symlinks: args.follow_symlinks,
        ..RunOptions::default()
    }
}

/// The exit code of a failed run.
pub fn failure(e: RunError) -> Failure {
    match e {
        RunError::Config(_) | RunError::Output(_) => Failure::Config(e.to_string()),
        RunError::Release(_) | RunError::State(_) => Failure::Runtime(e.to_string()),
        RunError::Refused(_) => Failure::Refused(e.to_string()),
        RunError::Inputs(_) | RunError::NoDocuments(_) => Failure::Input(e.to_string()),
        RunError::Locked(gleaner::lock::LockError::Held { .. }) => Failure::Locked(e.to_string()),
        RunError::Locked(gleaner::lock::LockError::Setting(_)) => Failure::Config(e.to_string()),
        _ => Failure::Runtime(e.to_string()),
    }
}

/// The warning of a skipped input.
fn skipped_line(s: &SkippedInput) -> String {
    format!("skipped {}: {}", s.path, s.reason)
}

/// Warnings on stderr, a line each, as `format` says.
fn say_warnings(warnings: impl Iterator<Item = String>, format: LogFormat) {
    for warning in warnings {
        match format {
            LogFormat::Json => eprintln!("{}", json!({"level": "warning", "message": warning})),
            LogFormat::Text => eprintln!("warning: {warning}"),
        }
    }
}

/// Prints a run's warnings and its summary.
pub fn report(summary: &Summary, format: LogFormat, config_name: &str) {
    let warnings = summary
        .skipped
        .iter()
        .map(skipped_line)
        .chain(summary.warnings.iter().cloned());
    say_warnings(warnings, format);
    if format == LogFormat::Json {
        println!(
            "{}",
            json!({
                "level": "info",
                "event": "summary",
                "output": summary.output.display().to_string(),
                "config": config_name,
                "run": summary.run,
                "files": summary.files,
                "skipped_files": summary.skipped.len(),
                "counts": summary.counts,
                "seconds": summary.seconds,
            })
        );
        return;
    }
    let c = summary.counts;
    let Some(run) = summary.run else {
        println!(
            "gleaner: nothing new ({} file(s) unchanged, {} read with no new document, {} skipped); \
             {} documents released in {:.2}s → {} (config: {config_name})",
            c.unchanged_files,
            summary.files,
            summary.skipped.len(),
            c.released_documents,
            summary.seconds,
            summary.output.display()
        );
        return;
    };
    println!(
        "gleaner: run {run}: {} file(s) read ({} unchanged, {} skipped) → {} new documents \
         ({} released), {} boilerplate lines removed, {} duplicate cluster(s) ({} duplicates), \
         {} mentions; {} entities in {:.2}s → {} (config: {config_name})",
        summary.files,
        c.unchanged_files,
        summary.skipped.len(),
        c.documents,
        c.released_documents,
        c.removed_lines,
        c.clusters,
        c.duplicates,
        c.mentions,
        c.entities,
        summary.seconds,
        summary.output.display()
    );
}
