//! Shared helpers for the black-box tests: run the binary, read tables back.
#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{Array, StringArray, UInt32Array};
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// Every Parquet table of a dataset.
pub const TABLES: [&str; 5] = [
    "documents",
    "duplicates",
    "mentions",
    "entities",
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

/// All rows of `<dataset>/<table>.parquet` as one batch.
pub fn read_table(dataset: &Path, table: &str) -> RecordBatch {
    let path = dataset.join(format!("{table}.parquet"));
    let file = File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<RecordBatch> = reader.collect::<Result<_, _>>().unwrap();
    let schema = batches
        .first()
        .map(|b| b.schema())
        .unwrap_or_else(|| std::sync::Arc::new(arrow::datatypes::Schema::empty()));
    arrow::compute::concat_batches(&schema, &batches).unwrap()
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
