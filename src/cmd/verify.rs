//! `gleaner verify`: check a dataset's tables against its manifest.

use gleaner::write::manifest::Manifest;

use crate::cli::DatasetArg;
use crate::cmd::Failure;

pub fn execute(args: DatasetArg) -> Result<(), Failure> {
    let manifest = Manifest::load(&args.dataset).map_err(Failure::Runtime)?;
    let problems = manifest.verify(&args.dataset);
    if problems.is_empty() {
        println!(
            "{}: {} tables match the manifest",
            args.dataset.display(),
            manifest.tables.len()
        );
        Ok(())
    } else {
        Err(Failure::Mismatch(problems.join("\n")))
    }
}
