//! `gleaner stats`: print a summary of a dataset's tables.

use crate::cli::DatasetArg;
use crate::cmd::Failure;

pub fn execute(args: DatasetArg) -> Result<(), Failure> {
    // polars elides rows past 10; the summary tables are short, show them whole.
    // Safe here: the binary is still single-threaded.
    if std::env::var_os("POLARS_FMT_MAX_ROWS").is_none() {
        std::env::set_var("POLARS_FMT_MAX_ROWS", "50");
    }
    let text =
        gleaner::stats::summarize(&args.dataset).map_err(|e| Failure::Runtime(e.to_string()))?;
    print!("{text}");
    Ok(())
}
