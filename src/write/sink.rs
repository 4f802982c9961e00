//! Atomic Parquet output.
//!
//! Tables are written into a staging directory next to the dataset and only
//! renamed into place once every table and the manifest are complete; a crash
//! or error before that leaves the previous release untouched. Rename within
//! one directory tree on one file system is atomic per file.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;

/// Errors writing output, with the path involved.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Parquet {
        path: PathBuf,
        #[source]
        source: parquet::errors::ParquetError,
    },
    #[error("building table {table}: {source}")]
    Arrow {
        table: String,
        #[source]
        source: arrow::error::ArrowError,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Hashes bytes on their way to the file, so a table's hash needs no second
/// read of what was just written.
struct HashingWriter {
    file: File,
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl std::io::Write for HashingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// A table written to the staging area.
#[derive(Debug, Clone)]
pub struct StagedTable {
    pub path: PathBuf,
    /// xxh3-128 of the file's bytes, hex (as `manifest::file_hash` computes it).
    pub hash: String,
}

/// A dataset directory being written: files go to a staging area until `commit`.
#[derive(Debug)]
pub struct DatasetSink {
    dir: PathBuf,
    staging: PathBuf,
    files: Vec<String>,
    metadata: Vec<KeyValue>,
}

/// Rows per Parquet row group: large enough for good compression, small enough
/// to bound the writer's buffer.
const ROW_GROUP_ROWS: usize = 64 * 1024;

impl DatasetSink {
    /// Prepares `dir` (created if missing) with a fresh staging directory.
    /// `metadata` is written into every Parquet footer.
    pub fn create(dir: &Path, metadata: Vec<(String, String)>) -> Result<DatasetSink, WriteError> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let staging = dir.join(format!(".staging-{}", std::process::id()));
        if staging.exists() {
            std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
        }
        std::fs::create_dir(&staging).map_err(io(&staging))?;
        Ok(DatasetSink {
            dir: dir.to_path_buf(),
            staging,
            files: Vec::new(),
            metadata: metadata
                .into_iter()
                .map(|(k, v)| KeyValue::new(k, v))
                .collect(),
        })
    }

    /// Writes one table from its batches into the staging area.
    pub fn write_table(
        &mut self,
        name: &str,
        schema: SchemaRef,
        batches: &[RecordBatch],
    ) -> Result<StagedTable, WriteError> {
        let file_name = format!("{name}.parquet");
        let path = self.staging.join(&file_name);
        let file = HashingWriter {
            file: File::create(&path).map_err(io(&path))?,
            hasher: xxhash_rust::xxh3::Xxh3::new(),
        };
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(3).unwrap_or_default()))
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_key_value_metadata(Some(self.metadata.clone()))
            .build();
        let parquet = |source| WriteError::Parquet {
            path: path.clone(),
            source,
        };
        let mut writer = ArrowWriter::try_new(file, schema, Some(props)).map_err(parquet)?;
        for batch in batches {
            writer.write(batch).map_err(parquet)?;
        }
        let file = writer.into_inner().map_err(parquet)?;
        file.file.sync_all().map_err(io(&path))?;
        let hash = format!("{:032x}", file.hasher.digest128());
        self.files.push(file_name);
        Ok(StagedTable { path, hash })
    }

    /// Writes a small non-Parquet file (the manifest) into the staging area.
    pub fn write_file(&mut self, name: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.staging.join(name);
        std::fs::write(&path, bytes).map_err(io(&path))?;
        self.files.push(name.to_string());
        Ok(())
    }

    /// Moves every staged file into the dataset directory, in the order written
    /// (the manifest last), and removes the staging directory.
    pub fn commit(self) -> Result<PathBuf, WriteError> {
        for name in &self.files {
            let from = self.staging.join(name);
            let to = self.dir.join(name);
            std::fs::rename(&from, &to).map_err(io(&to))?;
        }
        std::fs::remove_dir_all(&self.staging).map_err(io(&self.staging))?;
        Ok(self.dir.clone())
    }

    /// Drops the staged files, leaving the dataset as it was.
    pub fn abandon(self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{StringArray, UInt32Array};
    use std::sync::Arc;

    #[test]
    fn nothing_visible_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("ds");
        let schema = crate::write::schema::boilerplate();
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(vec!["d"])),
                Arc::new(UInt32Array::from(vec![1])),
                Arc::new(StringArray::from(vec!["]]>"])),
                Arc::new(StringArray::from(vec!["cdata_debris"])),
            ],
        )
        .unwrap();
        let mut sink = DatasetSink::create(&out, vec![("k".into(), "v".into())]).unwrap();
        let staged = sink.write_table("boilerplate", schema, &[batch]).unwrap();
        let on_disk = crate::write::manifest::file_hash(&staged.path).unwrap();
        assert_eq!(
            staged.hash, on_disk,
            "hash taken while writing matches the file"
        );
        assert!(!out.join("boilerplate.parquet").exists());
        sink.commit().unwrap();
        assert!(out.join("boilerplate.parquet").exists());
        let leftovers: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging directory removed");
    }

    #[test]
    fn abandon_keeps_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("manifest.json"), "old").unwrap();
        let mut sink = DatasetSink::create(dir.path(), vec![]).unwrap();
        sink.write_file("manifest.json", b"new").unwrap();
        sink.abandon();
        let text = std::fs::read_to_string(dir.path().join("manifest.json")).unwrap();
        assert_eq!(text, "old");
    }
}
