//! `gleaner check-config`: validate a config without running anything.

use crate::cli::ConfigArg;
use crate::cmd::{load_config, Failure};

pub fn execute(args: ConfigArg) -> Result<(), Failure> {
    if !args.config.exists() {
        return Err(Failure::Config(format!(
            "{}: no such config file",
            args.config.display()
        )));
    }
    let (config, _) = load_config(&args.config)?;
    println!(
        "{}: ok (dataset `{}`, {} input(s), {} splitter(s), {} extra clean rule(s), config hash {})",
        args.config.display(),
        config.dataset.name,
        config.dataset.inputs.len(),
        config.read.splitters.len(),
        config.clean.rules.len(),
        &config.hash()[..12]
    );
    Ok(())
}
