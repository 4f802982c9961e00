//! Spilling to disk and chunking change nothing in the tables.

use gleaner::config::Config;
use gleaner::pipeline::{self, RunOptions, Silent};

mod common;

#[test]
fn spilled_and_chunked_run_writes_the_same_tables() {
    let repo = common::repo();
    let config = Config::load(&repo.join("pipeline.toml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let run = |name: &str, memory_budget, chunk_bytes| {
        let options = RunOptions {
            config_dir: repo.clone(),
            output: Some(tmp.path().join(name)),
            threads: 2,
            memory_budget,
            chunk_bytes,
            ..RunOptions::default()
        };
        pipeline::run(&config, &options, &Silent).unwrap()
    };
    let resident = run("resident", None, None);
    // Every chunk one file, every chunk on disk.
    let spilled = run("spilled", Some(0), Some(1));
    assert_eq!(resident.counts, spilled.counts);
    assert!(resident.counts.documents > 5);
    assert_eq!(
        common::part_hashes(&tmp.path().join("resident")),
        common::part_hashes(&tmp.path().join("spilled"))
    );
    let leftovers: Vec<String> = std::fs::read_dir(tmp.path().join("spilled"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".gleaner.lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let lock = std::fs::read_to_string(tmp.path().join("spilled").join(".gleaner.lock")).unwrap();
    assert!(lock.is_empty(), "lock released cleanly: {lock:?}");
}
