//! Shared helpers for the black-box tests: run the binary, read tables back.
#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{Array, StringArray, UInt32Array};
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// Every Parquet table of a dataset.
pub const TABLES: [&str; 6] = [
    "documents",
    "duplicates",
    "mentions",
    "entities",
    "canonical_entities",
    "boilerplate",
];

/// The repository root (where pipeline.toml and data/sample are).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The gleaner binary, run from the repository root.
pub fn gleaner() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("gleaner").expect("binary built");
    cmd.current_dir(repo());
    cmd
}

/// Runs the sample with the default config into `out`, with extra flags.
pub fn run_sample(out: &Path, extra: &[&str]) -> std::process::Output {
    gleaner()
        .args(["run", "--config", "pipeline.toml", "--output"])
        .arg(out)
        .args(extra)
        .output()
        .expect("gleaner runs")
}

/// All rows of every partition of `table`, as the manifest lists them, as
/// one batch.
pub fn read_table(dataset: &Path, table: &str) -> RecordBatch {
    let manifest = gleaner::write::manifest::Manifest::load(dataset).unwrap();
    let mut batches = Vec::new();
    for path in manifest.table_files(dataset, table) {
        let file = File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        for batch in reader {
            batches.push(batch.unwrap());
        }
    }
    let schema = batches
        .first()
        .map(|b| b.schema())
        .unwrap_or_else(|| std::sync::Arc::new(arrow::datatypes::Schema::empty()));
    arrow::compute::concat_batches(&schema, &batches).unwrap()
}

/// The single file of `table` in a dataset made by one run.
pub fn table_file(dataset: &Path, table: &str) -> PathBuf {
    let manifest = gleaner::write::manifest::Manifest::load(dataset).unwrap();
    let files = manifest.table_files(dataset, table);
    assert_eq!(files.len(), 1, "{table} has one partition");
    files[0].clone()
}

/// (file, hash) of every table partition and state file a dataset's
/// manifest lists, sorted: equal for two byte-identical releases.
pub fn part_hashes(dataset: &Path) -> Vec<(String, String)> {
    let manifest = gleaner::write::manifest::Manifest::load(dataset).unwrap();
    let mut parts: Vec<(String, String)> = manifest
        .parts()
        .map(|(_, p)| (p.file.clone(), p.hash.clone()))
        .collect();
    parts.sort();
    parts
}

/// A string column; nulls as `None`.
pub fn strings(batch: &RecordBatch, column: &str) -> Vec<Option<String>> {
    let array = batch
        .column_by_name(column)
        .unwrap_or_else(|| panic!("no column {column}"));
    let array = array.as_any().downcast_ref::<StringArray>().unwrap();
    (0..array.len())
        .map(|i| (!array.is_null(i)).then(|| array.value(i).to_string()))
        .collect()
}

/// A non-null string column.
pub fn texts(batch: &RecordBatch, column: &str) -> Vec<String> {
    strings(batch, column)
        .into_iter()
        .map(|s| s.expect("non-null"))
        .collect()
}

/// A column as its concrete Arrow array type.
pub fn column<T: Array + Clone + 'static>(batch: &RecordBatch, column: &str) -> T {
    batch
        .column_by_name(column)
        .unwrap_or_else(|| panic!("no column {column}"))
        .as_any()
        .downcast_ref::<T>()
        .unwrap_or_else(|| panic!("column {column} has another type"))
        .clone()
}

pub fn u32s(batch: &RecordBatch, column: &str) -> Vec<u32> {
    let array = batch.column_by_name(column).unwrap();
    let array = array.as_any().downcast_ref::<UInt32Array>().unwrap();
    array.values().to_vec()
}

/// The BBC articles of tests/data/news, sorted.
pub fn articles() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![repo().join("tests/data/news")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "txt") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A workspace: `in/` holds the inputs, `gleaner.toml` reads it into `ds/`.
pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("in")).unwrap();
        std::fs::write(
            dir.path().join("gleaner.toml"),
            "[dataset]\nname = \"news\"\ninputs = [\"in\"]\noutput = \"ds\"\n",
        )
        .unwrap();
        Workspace { dir }
    }

    /// A workspace whose `in/` holds the first `n` articles as `a<i>.txt`.
    pub fn with_articles(n: usize) -> Workspace {
        let w = Workspace::new();
        for (i, article) in articles().iter().take(n).enumerate() {
            w.add(&format!("a{i}.txt"), article);
        }
        w
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn input(&self, name: &str) -> PathBuf {
        self.path("in").join(name)
    }

    pub fn add(&self, name: &str, article: &Path) {
        std::fs::copy(article, self.input(name)).unwrap();
    }

    pub fn ds(&self) -> PathBuf {
        self.path("ds")
    }

    pub fn config(&self) -> PathBuf {
        self.path("gleaner.toml")
    }

    /// Runs gleaner on the workspace, whatever the outcome.
    pub fn try_run(&self, extra: &[&str]) -> std::process::Output {
        gleaner()
            .arg("run")
            .arg("--config")
            .arg(self.config())
            .args(extra)
            .output()
            .unwrap()
    }

    /// Runs gleaner on the workspace; it must succeed. Returns stdout.
    pub fn run(&self, extra: &[&str]) -> String {
        let out = self.try_run(extra);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "run failed: {stderr}");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// `gleaner repair` with the workspace's config, which must succeed.
    pub fn repair(&self) {
        gleaner()
            .args(["repair", "--config"])
            .arg(self.config())
            .arg(self.ds())
            .assert()
            .success();
    }

    pub fn manifest(&self) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.ds().join("manifest.json")).unwrap()).unwrap()
    }

    /// Rewrites the release's manifest through `edit` (a release made by
    /// another version, an older manifest), as a test's fault.
    pub fn edit_manifest(&self, edit: impl FnOnce(&mut serde_json::Value)) {
        let mut m = self.manifest();
        edit(&mut m);
        let path = self.ds().join("manifest.json");
        std::fs::write(path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    }
}
