//! Parquet work files whose row groups are grouped by the task that reads
//! them.
//!
//! A pass that hands each of N next tasks its own share (band keys by
//! owner, candidate pairs by the holder of a document) writes one file
//! with each share in row groups of its own and, in the footer, which
//! groups are whose. A reading task opens every sender's file and reads its
//! groups and nothing else, so the shares are read once in all: the shuffle
//! of datatrove's and Spark's, on a shared file system.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::file::metadata::KeyValue;

use crate::dedup::partitioned::Partition;
use crate::state::StateError;

/// Footer key: for each reading task, the row groups of its share (JSON).
const GROUPS_KEY: &str = "gleaner.owner_groups";

pub(super) fn fail(path: &Path, e: impl std::fmt::Display) -> StateError {
    StateError {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Writes a grouped file: `write` each share's batches, then `finish`.
pub struct GroupedWriter {
    path: PathBuf,
    tmp: PathBuf,
    writer: ArrowWriter<File>,
    groups: Vec<Vec<usize>>,
}

impl GroupedWriter {
    /// A file for `owners` reading tasks, put in place when finished (a
    /// killed writer leaves only its temporary file).
    pub fn create(path: PathBuf, schema: SchemaRef, owners: usize) -> Result<Self, StateError> {
        let tmp = path.with_extension("parquet.tmp");
        let file = File::create(&tmp).map_err(|e| fail(&tmp, e))?;
        let writer = ArrowWriter::try_new(file, schema, None).map_err(|e| fail(&tmp, e))?;
        Ok(GroupedWriter {
            path,
            tmp,
            writer,
            groups: vec![Vec::new(); owners],
        })
    }

    /// Writes `batch` as row groups of `owner`'s share.
    pub fn write(&mut self, owner: usize, batch: &RecordBatch) -> Result<(), StateError> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let before = self.writer.flushed_row_groups().len();
        self.writer.write(batch).map_err(|e| fail(&self.tmp, e))?;
        self.writer.flush().map_err(|e| fail(&self.tmp, e))?;
        let after = self.writer.flushed_row_groups().len();
        self.groups[owner].extend(before..after);
        Ok(())
    }

    /// Writes the footer and puts the file in place.
    pub fn finish(mut self) -> Result<(), StateError> {
        let groups = serde_json::to_string(&self.groups).map_err(|e| fail(&self.tmp, e))?;
        self.writer
            .append_key_value_metadata(KeyValue::new(GROUPS_KEY.to_string(), groups));
        self.writer.close().map_err(|e| fail(&self.tmp, e))?;
        std::fs::rename(&self.tmp, &self.path).map_err(|e| fail(&self.path, e))
    }
}

/// Calls `f` on the batches of `part`'s share of the grouped file `path`
/// (written with `schema`), reading only its row groups. Returns the
/// compressed bytes read.
pub fn each_owned_batch(
    path: &Path,
    part: Partition,
    schema: &SchemaRef,
    mut f: impl FnMut(&RecordBatch) -> Result<(), StateError>,
) -> Result<u64, StateError> {
    let file = File::open(path).map_err(|e| fail(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| fail(path, e))?;
    let meta = builder.metadata().clone();
    let groups: Vec<Vec<usize>> = meta
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|k| k.key == GROUPS_KEY))
        .and_then(|k| serde_json::from_str(k.value.as_deref()?).ok())
        .ok_or_else(|| fail(path, "not a grouped work file of this gleaner"))?;
    if groups.len() != part.count || builder.schema().fields() != schema.fields() {
        return Err(fail(
            path,
            format!("a work file for {} tasks, not {}", groups.len(), part.count),
        ));
    }
    let mine = groups[part.index].clone();
    let read: i64 = mine
        .iter()
        .map(|&g| meta.row_group(g).compressed_size())
        .sum();
    let reader = builder
        .with_row_groups(mine)
        .build()
        .map_err(|e| fail(path, e))?;
    for batch in reader {
        f(&batch.map_err(|e| fail(path, e))?)?;
    }
    Ok(read as u64)
}
