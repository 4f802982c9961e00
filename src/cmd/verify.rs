//! `gleaner verify`: check a dataset's tables against its manifest.

use gleaner::write::manifest::Manifest;

use crate::cli::DatasetArg;
use crate::cmd::Failure;

pub fn execute(args: DatasetArg) -> Result<(), Failure> {
    let manifest = Manifest::load(&args.dataset).map_err(Failure::Runtime)?;
    let problems = manifest.verify(&args.dataset);
    if problems.is_empty() {
        let stray = gleaner::release::untracked_files(&args.dataset, Some(&manifest));
        for file in &stray {
            eprintln!("note: {file} is not part of the release (left by a run that did not commit; the next run removes it)");
        }
        println!(
            "{}: {} files of {} tables and {} state stores ({} runs) match the manifest",
            args.dataset.display(),
            manifest.parts().count(),
            manifest.tables.len(),
            manifest.state.len(),
            manifest.runs.len()
        );
        Ok(())
    } else {
        Err(Failure::Mismatch(problems.join("\n")))
    }
}
