//! One module per subcommand, plus the failure type that maps to exit codes.

mod check_config;
mod plan;
mod repair;
mod run;
mod stage;
mod stats;
mod verify;

use std::fmt;
use std::path::Path;

use gleaner::config::Config;

use crate::cli::{Cli, Command};

/// A failed command and its exit code (documented in `--help`).
#[derive(Debug)]
pub enum Failure {
    /// 1: the run failed.
    Runtime(String),
    /// 2: usage or configuration error.
    Config(String),
    /// 3: input error under --strict, or no documents at all.
    Input(String),
    /// 4: verify mismatch.
    Mismatch(String),
    /// 5: another run holds the dataset's lock.
    Locked(String),
    /// 6: the run would lose or mix released data; nothing was changed.
    Refused(String),
}

impl Failure {
    pub fn exit_code(&self) -> i32 {
        match self {
            Failure::Runtime(_) => 1,
            Failure::Config(_) => 2,
            Failure::Input(_) => 3,
            Failure::Mismatch(_) => 4,
            Failure::Locked(_) => 5,
            Failure::Refused(_) => 6,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Runtime(m)
            | Failure::Config(m)
            | Failure::Input(m)
            | Failure::Mismatch(m)
            | Failure::Locked(m)
            | Failure::Refused(m) => f.write_str(m),
        }
    }
}

pub fn dispatch(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Run(args) => run::execute(args, cli.log_format),
        Command::CheckConfig(args) => check_config::execute(args),
        Command::Stats(args) => stats::execute(args),
        Command::Verify(args) => verify::execute(args),
        Command::Repair(args) => repair::execute(args),
        Command::Plan(args) => plan::execute(args),
        Command::Stage(args) => stage::execute(args, cli.log_format),
    }
}

/// Loads the config; the default `pipeline.toml` may be absent (the shipped
/// `pipeline.toml`, built in, is used then), an explicitly named file may
/// not. Returns it with a name for the summary.
pub fn load_config(path: &Path) -> Result<(Config, String), Failure> {
    if !path.exists() && path == Path::new("pipeline.toml") {
        return Ok((
            Config::builtin(),
            "built-in (the shipped pipeline.toml)".into(),
        ));
    }
    let config = Config::load(path).map_err(|e| Failure::Config(e.to_string()))?;
    Ok((config, path.display().to_string()))
}
