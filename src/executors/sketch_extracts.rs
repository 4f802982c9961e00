//! What the `sketch` pass extracts from the sketches so that the later
//! dedup passes read less than the sketches (1.3 KB a document).
//!
//! - **Band keys by owner.** A `buckets` task keeps only the band keys it
//!   owns, a 1/N share of all. Each `sketch` task writes its documents'
//!   band keys once, each owner's in row groups of their own, and the
//!   footer lists which groups are whose: a `buckets` task reads its groups
//!   of every shard's file and nothing else, so all tasks together read
//!   the band keys once.
//! - **Containment anchors.** A `contain` task counts every document's
//!   anchors and looks up every new document's smallest ones: an eighth of
//!   a sample, kept apart in rank order so the task streams those instead
//!   of whole samples, and fetches the samples of the few documents that
//!   found a container.
//!
//! A `sketch` task writes both for its own documents (ranks counted from
//! the shard's first) and for its 1/N slice of the released dedup index
//! (ranks as they are in the plan).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, FixedSizeBinaryArray, ListArray, UInt32Array, UInt64Array};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, UInt32Type, UInt64Type};
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::{ArrowWriter, ProjectionMask};

use super::grouped_files::{each_owned_batch, fail, GroupedWriter};
use crate::dedup::partitioned::{self, Partition};
use crate::dedup::Sketch;
use crate::state::{self, StateError};

/// Documents buffered before they are written out: bounds a writer's
/// memory (42 band keys × 28 bytes a document).
const CHUNK_DOCS: usize = 65_536;

fn band_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("key", DataType::UInt64, false),
        Field::new("rank", DataType::UInt32, false),
        Field::new("content_hash", DataType::FixedSizeBinary(16), false),
    ]))
}

/// Writes a band file: `add` each document, then `finish`.
struct BandWriter {
    path: PathBuf,
    writer: GroupedWriter,
    /// Buffered `(key, rank, content_hash)` by owner.
    pending: Vec<Vec<(u64, u32, u128)>>,
    pending_docs: usize,
}

impl BandWriter {
    fn create(path: PathBuf, owners: usize) -> Result<BandWriter, StateError> {
        Ok(BandWriter {
            writer: GroupedWriter::create(path.clone(), band_schema(), owners)?,
            path,
            pending: vec![Vec::new(); owners],
            pending_docs: 0,
        })
    }

    /// Adds the band keys of document `rank`.
    fn add(&mut self, rank: u32, sketch: &Sketch) -> Result<(), StateError> {
        let owners = self.pending.len();
        for &key in sketch.bands.iter() {
            self.pending[Partition::owner(key, owners)].push((key, rank, sketch.content_hash));
        }
        self.pending_docs += 1;
        if self.pending_docs == CHUNK_DOCS {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes each owner's buffered keys as row groups of their own.
    fn flush(&mut self) -> Result<(), StateError> {
        for (owner, entries) in self.pending.iter_mut().enumerate() {
            if entries.is_empty() {
                continue;
            }
            let hashes: Vec<u8> = entries.iter().flat_map(|e| e.2.to_le_bytes()).collect();
            let columns: Vec<ArrayRef> = vec![
                Arc::new(UInt64Array::from_iter_values(entries.iter().map(|e| e.0))),
                Arc::new(UInt32Array::from_iter_values(entries.iter().map(|e| e.1))),
                Arc::new(
                    FixedSizeBinaryArray::try_new(16, hashes.into(), None)
                        .map_err(|e| fail(&self.path, e))?,
                ),
            ];
            let batch =
                RecordBatch::try_new(band_schema(), columns).map_err(|e| fail(&self.path, e))?;
            self.writer.write(owner, &batch)?;
            entries.clear();
        }
        self.pending_docs = 0;
        Ok(())
    }

    fn finish(mut self) -> Result<(), StateError> {
        self.flush()?;
        self.writer.finish()
    }
}

/// Calls `f(key, rank, content_hash)` for every band key of `path` that
/// `part` owns, reading only its row groups. Returns the compressed bytes
/// read.
pub fn each_owned(
    path: &Path,
    part: Partition,
    mut f: impl FnMut(u64, u32, u128),
) -> Result<u64, StateError> {
    each_owned_batch(path, part, &band_schema(), |batch| {
        let keys = batch.column(0).as_primitive::<UInt64Type>();
        let ranks = batch.column(1).as_primitive::<UInt32Type>();
        let hashes = batch.column(2).as_fixed_size_binary();
        for i in 0..batch.num_rows() {
            let hash: [u8; 16] = hashes
                .value(i)
                .try_into()
                .map_err(|_| fail(path, "content_hash is not 16 bytes"))?;
            f(keys.value(i), ranks.value(i), u128::from_le_bytes(hash));
        }
        Ok(())
    })
}

fn anchor_schema() -> SchemaRef {
    let list = |name: &str| {
        Field::new(
            name,
            DataType::List(Arc::new(Field::new("item", DataType::UInt32, false))),
            false,
        )
    };
    // `lookups` repeats the first anchors: the query stream reads those
    // alone.
    Arc::new(Schema::new(vec![
        Field::new("rank", DataType::UInt32, false),
        Field::new("n_shingles", DataType::UInt32, false),
        list("anchors"),
        list("lookups"),
    ]))
}

fn list_array(lengths: &mut Vec<usize>, values: &mut Vec<u32>) -> ArrayRef {
    Arc::new(ListArray::new(
        Arc::new(Field::new("item", DataType::UInt32, false)),
        OffsetBuffer::from_lengths(lengths.drain(..)),
        Arc::new(UInt32Array::from(std::mem::take(values))),
        None,
    ))
}

/// Writes an anchor file, in the order documents are added.
struct AnchorWriter {
    path: PathBuf,
    tmp: PathBuf,
    writer: ArrowWriter<File>,
    ranks: Vec<u32>,
    n_shingles: Vec<u32>,
    lengths: Vec<usize>,
    anchors: Vec<u32>,
    lookup_lengths: Vec<usize>,
    lookups: Vec<u32>,
}

impl AnchorWriter {
    fn create(path: PathBuf) -> Result<AnchorWriter, StateError> {
        let tmp = path.with_extension("parquet.tmp");
        let file = File::create(&tmp).map_err(|e| fail(&tmp, e))?;
        let writer =
            ArrowWriter::try_new(file, anchor_schema(), None).map_err(|e| fail(&tmp, e))?;
        Ok(AnchorWriter {
            path,
            tmp,
            writer,
            ranks: Vec::new(),
            n_shingles: Vec::new(),
            lengths: Vec::new(),
            anchors: Vec::new(),
            lookup_lengths: Vec::new(),
            lookups: Vec::new(),
        })
    }

    fn add(&mut self, rank: u32, sketch: &Sketch) -> Result<(), StateError> {
        let anchors = partitioned::anchors_of(sketch);
        self.ranks.push(rank);
        self.n_shingles.push(sketch.n_shingles);
        self.lengths.push(anchors.len());
        self.anchors.extend_from_slice(anchors);
        let lookups = partitioned::lookups(anchors);
        self.lookup_lengths.push(lookups.len());
        self.lookups.extend_from_slice(lookups);
        if self.ranks.len() == CHUNK_DOCS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), StateError> {
        if self.ranks.is_empty() {
            return Ok(());
        }
        let columns: Vec<ArrayRef> = vec![
            Arc::new(UInt32Array::from(std::mem::take(&mut self.ranks))),
            Arc::new(UInt32Array::from(std::mem::take(&mut self.n_shingles))),
            list_array(&mut self.lengths, &mut self.anchors),
            list_array(&mut self.lookup_lengths, &mut self.lookups),
        ];
        let batch =
            RecordBatch::try_new(anchor_schema(), columns).map_err(|e| fail(&self.tmp, e))?;
        self.writer.write(&batch).map_err(|e| fail(&self.tmp, e))
    }

    fn finish(mut self) -> Result<(), StateError> {
        self.flush()?;
        self.writer.close().map_err(|e| fail(&self.tmp, e))?;
        std::fs::rename(&self.tmp, &self.path).map_err(|e| fail(&self.path, e))
    }
}

/// Calls `f(rank, n_shingles, anchors)` for every document of an anchor
/// file, in order; with `lookups_only`, reads and gives only the anchors a
/// query looks up. Returns the compressed bytes read.
pub fn each_anchored(
    path: &Path,
    lookups_only: bool,
    mut f: impl FnMut(u32, u32, &[u32]),
) -> Result<u64, StateError> {
    let file = File::open(path).map_err(|e| fail(path, e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| fail(path, e))?;
    if builder.schema().fields() != anchor_schema().fields() {
        return Err(fail(path, "not an anchor file of this gleaner"));
    }
    // Leaf columns: rank, n_shingles, anchors, lookups.
    let list = if lookups_only { 3 } else { 2 };
    let read: i64 = builder
        .metadata()
        .row_groups()
        .iter()
        .flat_map(|g| [0, 1, list].map(|c| g.column(c).compressed_size()))
        .sum();
    let mask = ProjectionMask::roots(builder.parquet_schema(), [0, 1, list]);
    let reader = builder
        .with_projection(mask)
        .build()
        .map_err(|e| fail(path, e))?;
    for batch in reader {
        let batch = batch.map_err(|e| fail(path, e))?;
        let ranks = batch.column(0).as_primitive::<UInt32Type>();
        let n_shingles = batch.column(1).as_primitive::<UInt32Type>();
        let anchors = batch.column(2).as_list::<i32>();
        for i in 0..batch.num_rows() {
            let list = anchors.value(i);
            let values = list.as_primitive::<UInt32Type>().values();
            f(ranks.value(i), n_shingles.value(i), values);
        }
    }
    Ok(read as u64)
}

/// The extract files of one set of documents.
#[derive(Debug, Clone)]
pub struct Extracts {
    pub bands: PathBuf,
    pub anchors: PathBuf,
}

/// Writes the extracts of documents as they are added.
pub struct ExtractWriter {
    bands: BandWriter,
    anchors: AnchorWriter,
}

impl ExtractWriter {
    /// Extract files for `owners` `buckets` tasks, put in place when
    /// finished (a killed writer leaves only temporary files).
    pub fn create(files: &Extracts, owners: usize) -> Result<ExtractWriter, StateError> {
        Ok(ExtractWriter {
            bands: BandWriter::create(files.bands.clone(), owners)?,
            anchors: AnchorWriter::create(files.anchors.clone())?,
        })
    }

    /// Adds document `rank` (added in rank order).
    pub fn add(&mut self, rank: u32, sketch: &Sketch) -> Result<(), StateError> {
        self.bands.add(rank, sketch)?;
        self.anchors.add(rank, sketch)
    }

    pub fn finish(self) -> Result<(), StateError> {
        self.bands.finish()?;
        self.anchors.finish()
    }
}

/// The row groups (of `groups` in the released index) that make task
/// `slice` of `of`'s slice: consecutive runs of about equal count. The one
/// rule both the writer of the slices and [`PlanSketches::holder`] follow.
///
/// [`PlanSketches::holder`]: super::exchange::PlanSketches::holder
pub fn released_slice(groups: usize, slice: usize, of: usize) -> std::ops::Range<usize> {
    groups * slice / of..groups * (slice + 1) / of
}

/// Writes the extracts of task `slice` of `of`'s share of the released
/// dedup index `index` (its row groups cut into `of` runs) to `files`,
/// with their ranks in the plan (released documents come first, in
/// `index` order).
pub fn write_released_slice(
    index: &[PathBuf],
    slice: usize,
    of: usize,
    files: &Extracts,
) -> Result<(), StateError> {
    // Every row group of the index, with the rank of its first row.
    let mut groups = Vec::new();
    let mut rank = 0u32;
    for (f, file) in index.iter().enumerate() {
        for (g, rows) in state::row_group_rows(file)?.into_iter().enumerate() {
            groups.push((f, g, rank));
            rank += rows as u32;
        }
    }
    let mine = &groups[released_slice(groups.len(), slice, of)];
    let mut writer = ExtractWriter::create(files, of)?;
    let mut failed = None;
    for &(f, g, first) in mine {
        let mut rank = first;
        state::each_index_row_in(&index[f], Some(vec![g]), None, |row| {
            if failed.is_none() {
                failed = writer.add(rank, &row.sketch).err();
            }
            rank += 1;
        })?;
    }
    match failed {
        Some(e) => Err(e),
        None => writer.finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::sample::Sample;

    #[test]
    fn each_task_reads_exactly_the_keys_it_owns_and_every_anchor_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let files = Extracts {
            bands: dir.path().join("bands-0.parquet"),
            anchors: dir.path().join("anchors-0.parquet"),
        };
        let sketch = |d: u64| Sketch {
            content_hash: d as u128 * 7,
            n_shingles: 10 + d as u32,
            bands: (0..5).map(|b| d * 1_000 + b * 13).collect(),
            sample: Sample::from_parts(0, vec![d as u32, 1 << 20, 1 << 30]),
        };
        let mut writer = ExtractWriter::create(&files, 3).unwrap();
        for d in 0..20 {
            writer.add(d as u32, &sketch(d)).unwrap();
        }
        writer.finish().unwrap();
        let mut all = Vec::new();
        for index in 0..3 {
            let part = Partition { index, count: 3 };
            each_owned(&files.bands, part, |key, rank, hash| {
                assert!(part.owns(key));
                assert_eq!(hash, rank as u128 * 7);
                all.push((key, rank));
            })
            .unwrap();
        }
        all.sort_unstable();
        let mut want: Vec<(u64, u32)> = (0..20)
            .flat_map(|d| {
                let s = sketch(d);
                s.bands.iter().map(|&k| (k, d as u32)).collect::<Vec<_>>()
            })
            .collect();
        want.sort_unstable();
        assert_eq!(all, want);
        let wrong = Partition { index: 0, count: 4 };
        assert!(each_owned(&files.bands, wrong, |_, _, _| {}).is_err());
        let mut lookups = 0;
        each_anchored(&files.anchors, true, |_, _, l| lookups += l.len()).unwrap();
        assert_eq!(lookups, 40);
        let mut seen = Vec::new();
        each_anchored(&files.anchors, false, |rank, n, anchors| {
            let s = sketch(rank as u64);
            assert_eq!(n, s.n_shingles);
            assert_eq!(anchors, partitioned::anchors_of(&s));
            assert_eq!(anchors, [rank, 1 << 20]);
            seen.push(rank);
        })
        .unwrap();
        assert_eq!(seen, (0..20).collect::<Vec<u32>>());
    }
}
