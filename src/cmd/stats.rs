//! `gleaner stats`: print a summary of a dataset's tables.

use crate::cli::DatasetArg;
use crate::cmd::Failure;

pub fn execute(args: DatasetArg) -> Result<(), Failure> {
    let text =
        gleaner::stats::summarize(&args.dataset).map_err(|e| Failure::Runtime(e.to_string()))?;
    print!("{text}");
    Ok(())
}
