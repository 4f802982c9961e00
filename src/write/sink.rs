//! Atomic Parquet output.
//!
//! Tables are written into a staging directory next to the dataset and only
//! renamed into place once every table and the manifest are complete; a crash
//! or error before that leaves the previous release untouched. Rename within
//! one directory tree on one file system is atomic per file.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_writer::{compute_leaves, ArrowColumnChunk, ArrowRowGroupWriterFactory};
use parquet::arrow::{add_encoded_arrow_schema_to_metadata, ArrowSchemaConverter};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;

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

/// Parquet's error writing `path`. An I/O error it wraps (a full disk) is
/// said as one: "No space left on device", not parquet's "External: …".
fn parquet(path: &Path) -> impl FnOnce(parquet::errors::ParquetError) -> WriteError + '_ {
    use parquet::errors::ParquetError;
    move |source| match source {
        ParquetError::External(e) => match e.downcast::<std::io::Error>() {
            Ok(e) => io(path)(*e),
            Err(e) => WriteError::Parquet {
                path: path.to_path_buf(),
                source: ParquetError::External(e),
            },
        },
        source => WriteError::Parquet {
            path: path.to_path_buf(),
            source,
        },
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

/// Bytes of full row groups a [`TableWriter`] holds before it encodes
/// them, however many threads could: rows of long texts are encoded
/// sooner, fewer at a time.
const HELD_BYTES: usize = 256 << 20;

/// One table being written into the staging area: a Parquet file written
/// batch by batch, its row groups encoded several at a time.
///
/// Encoding, zstd above all, is most of writing a table, and an
/// `ArrowWriter` encodes each batch as it comes, so the `documents` table
/// of a run was written on one core while the other had little to do
/// (the write pass ran at about 1.1 cores). Here the rows of a row group
/// are gathered, and once as many row groups are full as the pool has
/// threads, each is encoded by its own task into column chunks, which are
/// then appended to the file in order. Each row group's rows, and the
/// calls that encode them, are those `ArrowWriter` makes (rows fill a
/// group to `row_group_rows`, a batch split at the boundary), so the file
/// is the same, byte for byte, whatever the thread count (a test checks
/// against `ArrowWriter`). Memory: the rows of up to one row group per
/// thread ([`HELD_BYTES`] at most, but for the last group added), plus
/// the one being filled.
pub struct TableWriter {
    writer: SerializedFileWriter<HashingWriter>,
    factory: ArrowRowGroupWriterFactory,
    schema: SchemaRef,
    row_group_rows: usize,
    /// Rows of the row group being filled.
    filling: Vec<RecordBatch>,
    filling_rows: usize,
    /// Full row groups not yet encoded.
    full: Vec<Vec<RecordBatch>>,
    path: PathBuf,
    rows: u64,
}

impl TableWriter {
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), WriteError> {
        self.rows += batch.num_rows() as u64;
        let mut rest = batch.clone();
        while rest.num_rows() > 0 {
            let room = self.row_group_rows - self.filling_rows;
            let take = room.min(rest.num_rows());
            self.filling.push(rest.slice(0, take));
            self.filling_rows += take;
            rest = rest.slice(take, rest.num_rows() - take);
            if self.filling_rows == self.row_group_rows {
                self.full.push(std::mem::take(&mut self.filling));
                self.filling_rows = 0;
            }
        }
        let held: usize = self
            .full
            .iter()
            .flatten()
            .map(|b| b.get_array_memory_size())
            .sum();
        if self.full.len() >= rayon::current_num_threads() || held >= HELD_BYTES {
            self.encode_full()?;
        }
        Ok(())
    }

    /// Encodes the full row groups, one task each, and appends them in order.
    fn encode_full(&mut self) -> Result<(), WriteError> {
        use rayon::prelude::*;
        let first = self.writer.flushed_row_groups().len();
        let groups = std::mem::take(&mut self.full);
        let (factory, schema) = (&self.factory, &self.schema);
        let chunks: Vec<Vec<ArrowColumnChunk>> = groups
            .par_iter()
            .enumerate()
            .map(|(i, batches)| encode_row_group(factory, schema, first + i, batches))
            .collect::<Result<_, _>>()
            .map_err(parquet(&self.path))?;
        for group in chunks {
            append_row_group(&mut self.writer, group).map_err(parquet(&self.path))?;
        }
        Ok(())
    }

    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Closes the file (footer, fsync) and returns where it is and its hash.
    pub fn finish(mut self) -> Result<StagedTable, WriteError> {
        if self.filling_rows > 0 {
            self.full.push(std::mem::take(&mut self.filling));
        }
        self.encode_full()?;
        let path = self.path;
        let file = self.writer.into_inner().map_err(parquet(&path))?;
        file.file.sync_all().map_err(io(&path))?;
        let hash = format!("{:032x}", file.hasher.digest128());
        Ok(StagedTable { path, hash })
    }
}

/// Appends one encoded row group to the file, as `ArrowWriter::flush` does.
fn append_row_group(
    writer: &mut SerializedFileWriter<HashingWriter>,
    chunks: Vec<ArrowColumnChunk>,
) -> parquet::errors::Result<()> {
    let mut row_group = writer.next_row_group()?;
    for chunk in chunks {
        chunk.append_to_row_group(&mut row_group)?;
    }
    row_group.close()?;
    Ok(())
}

/// The column chunks of row group `index` holding `batches`, encoded as
/// `ArrowWriter` encodes a row group: each batch's leaves in turn.
fn encode_row_group(
    factory: &ArrowRowGroupWriterFactory,
    schema: &SchemaRef,
    index: usize,
    batches: &[RecordBatch],
) -> parquet::errors::Result<Vec<ArrowColumnChunk>> {
    let mut writers = factory.create_column_writers(index)?;
    for batch in batches {
        let mut column_writers = writers.iter_mut();
        for (field, column) in schema.fields().iter().zip(batch.columns()) {
            for leaf in compute_leaves(field.as_ref(), column)? {
                let writer = column_writers.next().ok_or_else(|| {
                    parquet::errors::ParquetError::General("more leaves than columns".into())
                })?;
                writer.write(&leaf)?;
            }
        }
    }
    writers.into_iter().map(|w| w.close()).collect()
}

/// A dataset directory being written: files go to a staging area until `commit`.
#[derive(Debug)]
pub struct DatasetSink {
    dir: PathBuf,
    staging: PathBuf,
    files: Vec<String>,
    metadata: Vec<KeyValue>,
    committed: bool,
    /// A staging area shared by the tasks of a sharded run: one task's
    /// failure must not remove what the others staged.
    shared: bool,
}

/// Rows per Parquet row group: large enough for good compression, small enough
/// to bound the writer's buffer.
pub const ROW_GROUP_ROWS: usize = 64 * 1024;
/// Rows per row group of `documents.parquet` (long texts: keep groups small).
pub const DOCUMENT_ROWS_PER_GROUP: usize = 8 * 1024;

/// Writer settings of every table: zstd level 3, row groups of
/// `row_group_rows`, `metadata` in the footer.
fn table_properties(metadata: Vec<KeyValue>, row_group_rows: usize) -> WriterProperties {
    WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::try_new(3).unwrap_or_default()))
        .set_max_row_group_row_count(Some(row_group_rows))
        .set_key_value_metadata(Some(metadata))
        .build()
}

impl DatasetSink {
    /// Prepares `dir` (created if missing) with a fresh staging directory.
    /// `metadata` is written into every Parquet footer.
    pub fn create(dir: &Path, metadata: Vec<(String, String)>) -> Result<DatasetSink, WriteError> {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        let staging = dir.join(format!(".staging-{}", std::process::id()));
        if crate::release::is_our_staging(&staging) {
            std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
        }
        // Registered before it exists: a signal between the two must not
        // leave it behind.
        crate::release::register_staging(&staging);
        std::fs::create_dir(&staging).map_err(io(&staging))?;
        // The marker is what lets a later run prove the directory is ours
        // before it removes it (see `release::remove_dead_staging`).
        let marker = staging.join(crate::release::STAGING_MARKER);
        std::fs::write(&marker, format!("pid {}\n", std::process::id())).map_err(io(&marker))?;
        Ok(DatasetSink::over(dir, staging, metadata, false))
    }

    fn over(
        dir: &Path,
        staging: PathBuf,
        metadata: Vec<(String, String)>,
        shared: bool,
    ) -> DatasetSink {
        DatasetSink {
            dir: dir.to_path_buf(),
            staging,
            files: Vec::new(),
            metadata: metadata
                .into_iter()
                .map(|(k, v)| KeyValue::new(k, v))
                .collect(),
            committed: false,
            shared,
        }
    }

    /// The staging area of run `run` of a sharded run, shared by its tasks
    /// (`.shards-run<run>` in `dir`, created by the first): each task
    /// stages its own files, and the commit task adopts them all
    /// ([`adopt`](Self::adopt)). Dropping it leaves the files; `gleaner
    /// plan` and the commit remove the directory (it carries the marker).
    pub fn shared(
        dir: &Path,
        run: u32,
        metadata: Vec<(String, String)>,
    ) -> Result<DatasetSink, WriteError> {
        let staging = dir.join(format!("{}{run}", crate::release::SHARDS_PREFIX));
        crate::release::mark_shared_staging(&staging, run).map_err(io(&staging))?;
        Ok(DatasetSink::over(dir, staging, metadata, true))
    }

    /// Takes files other tasks staged in this (shared) staging area into
    /// the commit, after checking each is there.
    pub fn adopt(&mut self, files: impl IntoIterator<Item = String>) -> Result<(), WriteError> {
        for file in files {
            let path = self.staging.join(&file);
            std::fs::metadata(&path).map_err(io(&path))?;
            self.files.push(file);
        }
        Ok(())
    }

    /// Writes one table from its batches into the staging area, as `file`
    /// (a path relative to the dataset directory).
    pub fn write_table(
        &mut self,
        file: &str,
        schema: SchemaRef,
        batches: &[RecordBatch],
    ) -> Result<StagedTable, WriteError> {
        let mut table = self.open_table(file, schema, ROW_GROUP_ROWS)?;
        for batch in batches {
            table.write(batch)?;
        }
        table.finish()
    }

    /// Starts a table file (`file`, relative to the dataset directory; parent
    /// directories are created) in the staging area, written batch by batch, so
    /// a table larger than memory never has to be held whole. Row groups of
    /// `row_group_rows` rows bound the writer's buffer (use fewer rows for
    /// tables of long texts).
    pub fn open_table(
        &mut self,
        file: &str,
        schema: SchemaRef,
        row_group_rows: usize,
    ) -> Result<TableWriter, WriteError> {
        let path = self.staged_path(file)?;
        let out = HashingWriter {
            file: File::create(&path).map_err(io(&path))?,
            hasher: xxhash_rust::xxh3::Xxh3::new(),
        };
        let row_group_rows = row_group_rows.max(1);
        let mut props = table_properties(self.metadata.clone(), row_group_rows);
        // What `ArrowWriter::try_new` does: the Parquet schema converted
        // from the Arrow one, and the Arrow schema in the footer.
        let parquet_schema = ArrowSchemaConverter::new()
            .with_coerce_types(props.coerce_types())
            .convert(&schema)
            .map_err(parquet(&path))?;
        add_encoded_arrow_schema_to_metadata(&schema, &mut props);
        let writer =
            SerializedFileWriter::new(out, parquet_schema.root_schema_ptr(), Arc::new(props))
                .map_err(parquet(&path))?;
        let factory = ArrowRowGroupWriterFactory::new(&writer, schema.clone());
        self.files.push(file.to_string());
        Ok(TableWriter {
            writer,
            factory,
            schema,
            row_group_rows,
            filling: Vec::new(),
            filling_rows: 0,
            full: Vec::new(),
            path,
            rows: 0,
        })
    }

    /// Directory for scratch files that go away with the staging area.
    pub fn scratch_dir(&self) -> Result<PathBuf, WriteError> {
        let dir = self.staging.join("scratch");
        create_inside(&self.staging, &dir).map_err(io(&dir))?;
        Ok(dir)
    }

    /// Writes a small non-Parquet file (the manifest) into the staging area.
    pub fn write_file(&mut self, name: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let path = self.staged_path(name)?;
        let mut file = File::create(&path).map_err(io(&path))?;
        std::io::Write::write_all(&mut file, bytes).map_err(io(&path))?;
        file.sync_all().map_err(io(&path))?;
        self.files.push(name.to_string());
        Ok(())
    }

    /// Where `file` is staged; its parent directories are created.
    /// Where `file`, staged by this run (or adopted), is until the commit.
    pub fn staged_file(&self, file: &str) -> PathBuf {
        self.staging.join(file)
    }

    fn staged_path(&self, file: &str) -> Result<PathBuf, WriteError> {
        let path = self.staging.join(file);
        if let Some(parent) = path.parent() {
            create_inside(&self.staging, parent).map_err(io(parent))?;
        }
        Ok(path)
    }

    /// Moves every staged file into the dataset directory, in the order written
    /// (the manifest last: it is the commit point), removes the `superseded`
    /// files (listed by the release this one replaces) and the staging
    /// directory. A file already in place under the same name is replaced.
    ///
    /// Before the first rename, a commit journal names every file this
    /// commit moves in and every file it will remove: a run killed half way
    /// leaves files that the journal proves are gleaner's, and the next run
    /// removes exactly those the manifest then in place does not list
    /// (`release::finish_interrupted_commit`). Nothing else is ever deleted.
    pub fn commit(mut self, superseded: &[String]) -> Result<PathBuf, WriteError> {
        // A signal now must not remove the staging directory half way
        // through the renames: from here the journal covers an interruption.
        let _guard = crate::release::commit_guard();
        let _ = std::fs::remove_dir_all(self.staging.join("scratch"));
        let moved: Vec<String> = self
            .files
            .iter()
            .filter(|f| f.as_str() != "manifest.json")
            .cloned()
            .collect();
        let journal = crate::release::CommitJournal {
            moved,
            superseded: superseded.to_vec(),
        };
        let journal_path = self.dir.join(crate::release::JOURNAL_FILE);
        journal.write(&self.dir).map_err(io(&journal_path))?;
        // From the first rename on, the journal (not this sink) undoes an
        // unfinished commit; before it, dropping the sink removes staging.
        self.committed = true;
        for name in &self.files {
            let from = self.staging.join(name);
            let to = self.dir.join(name);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(io(parent))?;
            }
            if self.shared && name != "manifest.json" {
                // A shared staging area keeps its files until the manifest
                // is in place: a commit task killed half way is run again
                // and finds every file where its shards left it. The
                // manifest, the commit point, is renamed as always.
                let _ = std::fs::remove_file(&to);
                std::fs::hard_link(&from, &to)
                    .or_else(|_| std::fs::copy(&from, &to).map(drop))
                    .map_err(io(&to))?;
            } else {
                std::fs::rename(&from, &to).map_err(io(&to))?;
            }
        }
        crate::release::sync_dir(&self.dir);
        for file in superseded {
            crate::release::remove_release_file(&self.dir, file);
        }
        crate::release::CommitJournal::remove(&self.dir);
        std::fs::remove_dir_all(&self.staging).map_err(io(&self.staging))?;
        crate::release::unregister_staging(&self.staging);
        Ok(self.dir.clone())
    }

    /// Drops the staged files, leaving the dataset as it was (what dropping
    /// an uncommitted sink does too).
    pub fn abandon(self) {}
}

impl Drop for DatasetSink {
    fn drop(&mut self) {
        if !self.committed && !self.shared {
            let _ = std::fs::remove_dir_all(&self.staging);
            crate::release::unregister_staging(&self.staging);
        }
    }
}

/// Creates `dir` and its parents up to `root`, which must exist: a staging
/// area removed by the signal handler is not made again by a writer thread
/// that had not stopped yet (`create_dir_all` would).
fn create_inside(root: &Path, dir: &Path) -> std::io::Result<()> {
    let mut path = root.to_path_buf();
    for part in dir.strip_prefix(root).unwrap_or(dir).components() {
        path.push(part);
        match std::fs::create_dir(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => return Err(e),
            _ => {}
        }
    }
    if path.as_os_str().is_empty() || !root.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "the staging directory is gone",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{StringArray, UInt32Array};
    use parquet::arrow::ArrowWriter;

    #[test]
    fn a_full_disk_under_parquet_is_said_as_an_io_error() {
        use parquet::errors::ParquetError;
        let full = ParquetError::External(Box::new(std::io::Error::from_raw_os_error(28)));
        let err = parquet(Path::new("t/part-0.parquet"))(full);
        assert!(matches!(err, WriteError::Io { .. }));
        assert!(
            err.to_string()
                .starts_with("t/part-0.parquet: No space left on device"),
            "{err}"
        );
        let other = parquet(Path::new("p"))(ParquetError::General("bad".into()));
        assert!(matches!(other, WriteError::Parquet { .. }), "{other}");
    }

    /// The same bytes as `ArrowWriter` with the same settings, for batches
    /// smaller than, equal to and larger than a row group, on one thread
    /// and on three.
    #[test]
    fn row_groups_encoded_together_give_arrow_writers_file() {
        let schema = crate::write::schema::boilerplate();
        let batch = |start: usize, n: usize| {
            let ids: Vec<String> = (start..start + n)
                .map(|i| format!("doc-{}", i % 7))
                .collect();
            let lines: Vec<u32> = (start..start + n).map(|i| i as u32).collect();
            let texts: Vec<String> = (start..start + n)
                .map(|i| "Related articles ".repeat(i % 5) + &i.to_string())
                .collect();
            RecordBatch::try_new(
                schema.clone(),
                vec![
                    Arc::new(StringArray::from(ids)),
                    Arc::new(UInt32Array::from(lines)),
                    Arc::new(StringArray::from(texts)),
                    Arc::new(StringArray::from(vec!["related_articles"; n])),
                ],
            )
            .unwrap()
        };
        let sizes = [3, 10, 1, 0, 25, 7, 7, 40, 2];
        let metadata = vec![("k".to_string(), "v".to_string())];
        for row_group_rows in [1, 8, 10, 1000] {
            let mut expected = ArrowWriter::try_new(
                Vec::new(),
                schema.clone(),
                Some(table_properties(
                    vec![KeyValue::new("k".into(), "v".to_string())],
                    row_group_rows,
                )),
            )
            .unwrap();
            let mut start = 0;
            for &n in &sizes {
                expected.write(&batch(start, n)).unwrap();
                start += n;
            }
            let expected = expected.into_inner().unwrap();
            for threads in [1, 3] {
                let dir = tempfile::tempdir().unwrap();
                let mut sink = DatasetSink::create(dir.path(), metadata.clone()).unwrap();
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap();
                let staged = pool.install(|| {
                    let mut table = sink
                        .open_table("t/part-0.parquet", schema.clone(), row_group_rows)
                        .unwrap();
                    let mut start = 0;
                    for &n in &sizes {
                        table.write(&batch(start, n)).unwrap();
                        start += n;
                    }
                    table.finish().unwrap()
                });
                let written = std::fs::read(&staged.path).unwrap();
                assert!(
                    written == expected,
                    "{row_group_rows} rows a group, {threads} threads"
                );
            }
        }
    }

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
        let staged = sink
            .write_table("boilerplate/run=1/part-0.parquet", schema, &[batch])
            .unwrap();
        let on_disk = crate::write::manifest::file_hash(&staged.path).unwrap();
        assert_eq!(
            staged.hash, on_disk,
            "hash taken while writing matches the file"
        );
        let part = out.join("boilerplate/run=1/part-0.parquet");
        assert!(!part.exists());
        sink.commit(&[]).unwrap();
        assert!(part.exists());
        let leftovers: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging directory removed");
        assert!(leftovers[0]
            .as_ref()
            .unwrap()
            .path()
            .ends_with("boilerplate"));
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
