//! `gleaner verify`: check a dataset's tables against its manifest.

use gleaner::write::manifest::Manifest;

use crate::cli::DatasetArg;
use crate::cmd::Failure;

pub fn execute(args: DatasetArg) -> Result<(), Failure> {
    if !args.dataset.join("manifest.json").is_file() {
        return Err(Failure::Mismatch(format!(
            "{}: no manifest.json, so nothing can be verified (not a gleaner dataset, or its \
             manifest was lost: restore it, or `gleaner repair` rebuilds it from the partitions)",
            args.dataset.display()
        )));
    }
    let manifest = Manifest::load(&args.dataset).map_err(Failure::Mismatch)?;
    let problems = manifest.verify(&args.dataset);
    if problems.is_empty() {
        let stray = gleaner::release::untracked_files(&args.dataset, Some(&manifest));
        for file in &stray {
            eprintln!("note: {file} is not part of the release (not in the manifest: gleaner leaves it alone)");
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
