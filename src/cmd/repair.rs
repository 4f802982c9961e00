//! `gleaner repair`: write a lost or damaged manifest again from the
//! partitions on disk (see `gleaner::release::repair`).

use std::path::Path;

use gleaner::lock::DatasetLock;
use gleaner::release::repair::{rebuild_manifest, set_aside_damaged};
use gleaner::release::Previous;

use crate::cli::RepairArgs;
use crate::cmd::{load_config, Failure};

pub fn execute(args: RepairArgs) -> Result<(), Failure> {
    let (config, config_name) = load_config(&args.config.config)?;
    let dir = args.dataset.as_path();
    if !dir.is_dir() {
        return Err(Failure::Config(format!(
            "{}: no such directory",
            dir.display()
        )));
    }
    let lock = DatasetLock::acquire(dir, args.wait).map_err(|e| match e {
        gleaner::lock::LockError::Held { .. } => Failure::Locked(e.to_string()),
        _ => Failure::Runtime(e.to_string()),
    })?;
    let damaged = match Previous::load(dir) {
        Previous::Release(_) => {
            return Err(Failure::Config(format!(
                "{}: the manifest is readable, nothing to repair (`gleaner verify` checks it)",
                dir.display()
            )))
        }
        Previous::Unusable(why) => Some(why),
        Previous::Nothing | Previous::Orphaned(_) => None,
    };
    let repaired = rebuild_manifest(dir, &config).map_err(Failure::Refused)?;
    if damaged.is_some() {
        let aside = set_aside_damaged(dir).map_err(|e| {
            Failure::Runtime(format!("{}: {e}", dir.join("manifest.json").display()))
        })?;
        eprintln!("note: the damaged manifest was kept as {}", aside.display());
    }
    write_atomically(dir, &repaired.manifest)?;
    drop(lock);
    for (file, why) in &repaired.left_out {
        eprintln!("note: {file} left out of the manifest ({why}); it was not touched");
    }
    let m = &repaired.manifest;
    println!(
        "{}: manifest rebuilt from {} partition(s) of {} run(s), {} documents (gleaner {}, config {config_name}); \
         the next run reads every input again and adds only what was not released",
        dir.display(),
        m.parts().count(),
        m.runs.len(),
        m.tables.get("documents").map_or(0, |t| t.rows),
        m.gleaner_version,
    );
    Ok(())
}

fn write_atomically(
    dir: &Path,
    manifest: &gleaner::write::manifest::Manifest,
) -> Result<(), Failure> {
    let json = serde_json::to_vec_pretty(manifest).unwrap_or_default();
    let path = dir.join("manifest.json");
    gleaner::write::write_atomically(&path, &json)
        .map_err(|e| Failure::Runtime(format!("{}: {e}", path.display())))?;
    gleaner::release::sync_dir(dir);
    Ok(())
}
