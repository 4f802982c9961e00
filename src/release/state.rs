//! What an incremental run builds on, kept as Parquet inside the dataset.
//!
//! - the dedup index (`_state/index`): every released document's id, cluster,
//!   body hash and dedup sketch, so tonight's documents are compared with
//!   everything released before without reading any old text;
//! - frequent-line counts (`_state/lines`): per site, how many documents had
//!   each short line, so a site's boilerplate found over many nights is
//!   still removed from one night's few pages.
//!
//! Each run appends one partition of each, like the public tables, and the
//! manifest lists them; the entity totals are read back from the released
//! `entities` table itself.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, FixedSizeBinaryArray, Int64Array, ListArray, StringArray,
    UInt32Array, UInt64Array, UInt8Array,
};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{
    DataType, Field, Int64Type, Schema, SchemaRef, TimestampMicrosecondType, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ProjectionMask;
use rustc_hash::FxBuildHasher;

use crate::dedup::partitioned::SketchFields;
use crate::dedup::sample::Sample;
use crate::dedup::{DocKey, Sketch};
use crate::entity_table::EntityRow;

/// A state file that could not be read back.
#[derive(Debug, thiserror::Error)]
#[error("reading {}: {message} (run with --full to rebuild the dataset)", path.display())]
pub struct StateError {
    pub path: PathBuf,
    pub message: String,
}

/// Every record batch of a Parquet file.
pub fn read_batches(path: &Path) -> Result<Vec<RecordBatch>, StateError> {
    let fail = |message: String| StateError {
        path: path.to_path_buf(),
        message,
    };
    let file = File::open(path).map_err(|e| fail(e.to_string()))?;
    ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| fail(e.to_string()))?
        .build()
        .map_err(|e| fail(e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail(e.to_string()))
}

/// Released documents as dedup needs them, in release order.
#[derive(Debug, Default)]
pub struct Released {
    pub keys: Vec<DocKey>,
    pub cluster_id: Vec<String>,
    /// xxh3-64 of each document's body as read, before cleaning: tells a
    /// re-read record that was already released from a revised one.
    pub body_hash: Vec<u64>,
    pub sketches: Vec<Sketch>,
}

/// Body hashes of the released documents, by `doc_id`: what the `scan`
/// pass asks of the release (is this record released already, with this
/// very text?). Kept apart from [`Released`] because the scan needs only
/// this, and a whole sketch per document (about 3 KB with its id and
/// cluster) held for the scan made every incremental run's memory grow
/// with the release; here a document costs a 128-bit hash of its id and
/// its body hash, about 50 bytes with the table's slack.
#[derive(Debug, Default)]
pub struct ReleasedBodies {
    /// xxh3-128 of the `doc_id` → body hash. 128 bits: two ids of a
    /// release that shared a key would make a record a revision of the
    /// other, and at 10^10 ids the chance is about 10^-19.
    by_id: HashMap<u128, u64, FxBuildHasher>,
}

impl ReleasedBodies {
    fn key(doc_id: &str) -> u128 {
        xxhash_rust::xxh3::xxh3_128(doc_id.as_bytes())
    }

    /// Records `doc_id`'s body hash.
    pub fn insert(&mut self, doc_id: &str, body_hash: u64) {
        self.by_id.insert(Self::key(doc_id), body_hash);
    }

    /// The body hash `doc_id` was released with, if it was.
    pub fn get(&self, doc_id: &str) -> Option<u64> {
        self.by_id.get(&Self::key(doc_id)).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }
}

/// Adds the body hashes of an index partition to `into`, reading only its
/// key columns (not the band keys and samples, most of its bytes).
pub fn read_bodies(path: &Path, into: &mut ReleasedBodies) -> Result<(), StateError> {
    each_index_row_in(path, None, Some(SketchFields::Keys), |row| {
        into.insert(&row.key.doc_id, row.body_hash);
    })
    .map(|_| ())
}

/// Schema of a dedup index partition.
pub fn index_schema() -> SchemaRef {
    let list = |name: &str, item: DataType| {
        Field::new(
            name,
            DataType::List(Arc::new(Field::new("item", item, false))),
            false,
        )
    };
    Arc::new(Schema::new(vec![
        Field::new("doc_id", DataType::Utf8, false),
        Field::new("cluster_id", DataType::Utf8, false),
        Field::new("published", DataType::Int64, true),
        Field::new("body_hash", DataType::UInt64, false),
        Field::new("content_hash", DataType::FixedSizeBinary(16), false),
        Field::new("n_shingles", DataType::UInt32, false),
        list("bands", DataType::UInt64),
        Field::new("sample_level", DataType::UInt8, false),
        list("sample", DataType::UInt32),
    ]))
}

fn list_array<T: Copy>(
    item: DataType,
    rows: impl Iterator<Item = impl AsRef<[T]>>,
    values: impl Fn(Vec<T>) -> ArrayRef,
) -> ArrayRef {
    let mut flat = Vec::new();
    let mut lengths = Vec::new();
    for row in rows {
        flat.extend_from_slice(row.as_ref());
        lengths.push(row.as_ref().len());
    }
    Arc::new(ListArray::new(
        Arc::new(Field::new("item", item, false)),
        OffsetBuffer::from_lengths(lengths),
        values(flat),
        None,
    ))
}

/// One index partition: `keys[i]` was given `cluster_id[i]`.
pub fn index_batch(
    keys: &[DocKey],
    cluster_id: &[String],
    body_hash: &[u64],
    sketches: &[Sketch],
) -> Result<RecordBatch, arrow::error::ArrowError> {
    let hashes: Vec<[u8; 16]> = sketches
        .iter()
        .map(|s| s.content_hash.to_le_bytes())
        .collect();
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(
            keys.iter().map(|k| k.doc_id.as_str()),
        )),
        Arc::new(StringArray::from_iter_values(
            cluster_id.iter().map(String::as_str),
        )),
        Arc::new(keys.iter().map(|k| k.published).collect::<Int64Array>()),
        Arc::new(UInt64Array::from(body_hash.to_vec())),
        // Built from one flat buffer, not `try_from_iter`, which refuses an
        // empty partition (a run whose new files gave no document).
        Arc::new(FixedSizeBinaryArray::try_new(
            16,
            hashes.concat().into(),
            None,
        )?),
        Arc::new(UInt32Array::from_iter_values(
            sketches.iter().map(|s| s.n_shingles),
        )),
        list_array(
            DataType::UInt64,
            sketches.iter().map(|s| &s.bands[..]),
            |v| Arc::new(UInt64Array::from(v)),
        ),
        Arc::new(UInt8Array::from_iter_values(
            sketches.iter().map(|s| s.sample.level()),
        )),
        list_array(
            DataType::UInt32,
            sketches.iter().map(|s| s.sample.values()),
            |v| Arc::new(UInt32Array::from(v)),
        ),
    ];
    RecordBatch::try_new(index_schema(), columns)
}

/// Appends the documents of an index partition to `into`.
pub fn read_index(path: &Path, into: &mut Released) -> Result<(), StateError> {
    each_index_row(path, |row| {
        into.keys.push(row.key);
        into.cluster_id.push(row.cluster_id.to_string());
        into.body_hash.push(row.body_hash);
        into.sketches.push(row.sketch);
    })
}

/// One document of an index partition.
pub struct IndexRow<'a> {
    pub key: DocKey,
    pub cluster_id: &'a str,
    pub body_hash: u64,
    pub sketch: Sketch,
}

/// Calls `f` on every document of an index partition, in order, holding
/// one row group at a time (a partition may hold millions of sketches).
pub fn each_index_row(path: &Path, f: impl FnMut(IndexRow<'_>)) -> Result<(), StateError> {
    each_index_row_in(path, None, None, f).map(|_| ())
}

/// Row counts of each row group of a Parquet file, from its footer.
pub fn row_group_rows(path: &Path) -> Result<Vec<usize>, StateError> {
    let fail = |message: String| StateError {
        path: path.to_path_buf(),
        message,
    };
    let file = File::open(path).map_err(|e| fail(e.to_string()))?;
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| fail(e.to_string()))?;
    Ok(builder
        .metadata()
        .row_groups()
        .iter()
        .map(|g| g.num_rows() as usize)
        .collect())
}

/// [`each_index_row`] over row groups `groups` only (all when `None`),
/// reading only the columns `fields` names (all when `None`; the others are
/// left empty in the sketch). Returns the compressed bytes it read.
pub fn each_index_row_in(
    path: &Path,
    groups: Option<Vec<usize>>,
    fields: Option<SketchFields>,
    mut f: impl FnMut(IndexRow<'_>),
) -> Result<u64, StateError> {
    let fail = |message: &str| StateError {
        path: path.to_path_buf(),
        message: message.to_string(),
    };
    let file = File::open(path).map_err(|e| fail(&e.to_string()))?;
    let mut builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| fail(&e.to_string()))?;
    if builder.schema().fields() != index_schema().fields() {
        return Err(fail("not a dedup index written by this gleaner"));
    }
    // Root columns: keys 0–5, bands 6, sample level and values 7–8.
    let wanted = |root: usize| match fields {
        None => true,
        Some(fields) => {
            root <= 5 || (root == 6 && fields.bands()) || (root >= 7 && fields.sample())
        }
    };
    let roots: Vec<usize> = (0..9).filter(|&r| wanted(r)).collect();
    let schema = builder.parquet_schema();
    let mask = ProjectionMask::roots(schema, roots);
    let leaves: Vec<usize> = (0..schema.num_columns())
        .filter(|&c| wanted(schema.get_column_root_idx(c)))
        .collect();
    let meta = builder.metadata().clone();
    let groups = groups.unwrap_or_else(|| (0..meta.num_row_groups()).collect());
    let read: i64 = groups
        .iter()
        .flat_map(|&g| leaves.iter().map(move |&c| (g, c)))
        .map(|(g, c)| meta.row_group(g).column(c).compressed_size())
        .sum();
    builder = builder.with_projection(mask).with_row_groups(groups);
    let reader = builder.build().map_err(|e| fail(&e.to_string()))?;
    for batch in reader {
        let batch = batch.map_err(|e| fail(&e.to_string()))?;
        let c = |name: &str| batch.column_by_name(name);
        let column = |name: &str| c(name).ok_or_else(|| fail(&format!("no column {name}")));
        let doc_id = column("doc_id")?.as_string::<i32>();
        let cluster = column("cluster_id")?.as_string::<i32>();
        let published = column("published")?.as_primitive::<Int64Type>();
        let body = column("body_hash")?.as_primitive::<UInt64Type>();
        let content = column("content_hash")?.as_fixed_size_binary();
        let n_shingles = column("n_shingles")?.as_primitive::<UInt32Type>();
        let bands = c("bands").map(|a| a.as_list::<i32>());
        let level = c("sample_level").map(|a| a.as_primitive::<UInt8Type>());
        let sample = c("sample").map(|a| a.as_list::<i32>());
        for i in 0..batch.num_rows() {
            let hash: [u8; 16] = content
                .value(i)
                .try_into()
                .map_err(|_| fail("content_hash is not 16 bytes"))?;
            let values =
                |list: Option<&arrow::array::ListArray>, i: usize| list.map(|l| l.value(i));
            f(IndexRow {
                key: DocKey {
                    doc_id: doc_id.value(i).to_string(),
                    published: (!published.is_null(i)).then(|| published.value(i)),
                },
                cluster_id: cluster.value(i),
                body_hash: body.value(i),
                sketch: Sketch {
                    content_hash: u128::from_le_bytes(hash),
                    n_shingles: n_shingles.value(i),
                    bands: values(bands, i).map_or_else(Box::default, |b| {
                        b.as_primitive::<UInt64Type>().values().to_vec().into()
                    }),
                    sample: Sample::from_parts(
                        level.map_or(0, |l| l.value(i)),
                        values(sample, i).map_or_else(Vec::new, |s| {
                            s.as_primitive::<UInt32Type>().values().to_vec()
                        }),
                    ),
                },
            });
        }
    }
    Ok(read as u64)
}

/// Calls `f` on every record batch of `path`, one row group at a time,
/// after checking it has `schema` (`what` names the store in the error).
fn each_batch(
    path: &Path,
    schema: &SchemaRef,
    what: &str,
    mut f: impl FnMut(&RecordBatch) -> Result<(), StateError>,
) -> Result<(), StateError> {
    let fail = |message: String| StateError {
        path: path.to_path_buf(),
        message,
    };
    let file = File::open(path).map_err(|e| fail(e.to_string()))?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| fail(e.to_string()))?
        .build()
        .map_err(|e| fail(e.to_string()))?;
    for batch in reader {
        let batch = batch.map_err(|e| fail(e.to_string()))?;
        if batch.schema().fields() != schema.fields() {
            return Err(fail(format!("not {what} written by this gleaner")));
        }
        f(&batch)?;
    }
    Ok(())
}

/// Schema of an entity-documents partition: the entity keys each document
/// mentions (distinct, sorted), for the totals per canonical entity.
pub fn entity_docs_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("doc_id", DataType::Utf8, false),
        Field::new(
            "entity_keys",
            DataType::List(Arc::new(Field::new("item", DataType::Utf8, false))),
            false,
        ),
    ]))
}

/// The entity-documents rows of `docs` (`mentions[i]` are in `docs[i]`);
/// documents without mentions have none.
pub fn entity_docs_batch(
    docs: &[crate::stages::Processed],
    mentions: &[Vec<crate::entities::Mention>],
) -> Result<RecordBatch, arrow::error::ArrowError> {
    let mut ids = Vec::new();
    let mut keys: Vec<&str> = Vec::new();
    let mut lengths = Vec::new();
    let mut own: Vec<&str> = Vec::new();
    for (p, ms) in docs.iter().zip(mentions) {
        if ms.is_empty() {
            continue;
        }
        own.clear();
        own.extend(ms.iter().map(|m| m.entity_key.as_str()));
        own.sort_unstable();
        own.dedup();
        keys.extend_from_slice(&own);
        ids.push(p.doc.doc_id.as_str());
        lengths.push(own.len());
    }
    let list = ListArray::new(
        Arc::new(Field::new("item", DataType::Utf8, false)),
        OffsetBuffer::from_lengths(lengths),
        Arc::new(StringArray::from_iter_values(keys)),
        None,
    );
    RecordBatch::try_new(
        entity_docs_schema(),
        vec![Arc::new(StringArray::from_iter_values(ids)), Arc::new(list)],
    )
}

/// Calls `f` with the entity keys of every document of an entity-documents
/// partition, holding one row group at a time.
pub fn each_entity_doc(path: &Path, mut f: impl FnMut(&[&str])) -> Result<(), StateError> {
    each_batch(
        path,
        &entity_docs_schema(),
        "an entity-documents table",
        |batch| {
            let lists = batch.column(1).as_list::<i32>();
            let values = lists.values().as_string::<i32>();
            let offsets = lists.value_offsets();
            let mut keys: Vec<&str> = Vec::new();
            for w in offsets.windows(2) {
                keys.clear();
                keys.extend((w[0] as usize..w[1] as usize).map(|j| values.value(j)));
                f(&keys);
            }
            Ok(())
        },
    )
}

/// The schema of state store `store` (one of `release::STATE_STORES`).
pub fn schema_of(store: &str) -> SchemaRef {
    match store {
        "index" => index_schema(),
        "entity_docs" => entity_docs_schema(),
        _ => lines_schema(),
    }
}

/// Schema of a frequent-line partition: for each short line of a site, the
/// hashes of (up to a few of) the distinct documents it was found in.
pub fn lines_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("group", DataType::Utf8, false),
        Field::new("line_hash", DataType::UInt64, false),
        Field::new("doc_hash", DataType::UInt64, false),
    ]))
}

/// Schema of the line counts releases kept before documents were counted by
/// their text: (group, line hash, documents).
fn counted_lines_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("group", DataType::Utf8, false),
        Field::new("line_hash", DataType::UInt64, false),
        Field::new("docs", DataType::UInt32, false),
    ]))
}

/// Pseudo-documents made from one counted row at most: the counter keeps
/// only `max(min_docs, 8)` per line, and expanding a count of millions on
/// every incremental run would be work for nothing.
const COUNTED_DOCS_CAP: u64 = 1024;

/// One frequent-line partition: (group, line hash, document hash) rows.
pub fn lines_batch(rows: &[(&str, u64, u64)]) -> Result<RecordBatch, arrow::error::ArrowError> {
    RecordBatch::try_new(
        lines_schema(),
        vec![
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0))),
            Arc::new(UInt64Array::from_iter_values(rows.iter().map(|r| r.1))),
            Arc::new(UInt64Array::from_iter_values(rows.iter().map(|r| r.2))),
        ],
    )
}

/// Calls `add(group, line_hash, doc_hash)` for every row of a frequent-line
/// partition.
///
/// A partition of a release made before documents were counted by their
/// text holds a count n instead: it is read as n documents with hashes made
/// from the partition's place in the dataset (`run=N/part-0.parquet`) and
/// 0..n, so that it counts as much as it did and two such partitions add
/// up, as they did.
pub fn read_lines(path: &Path, mut add: impl FnMut(&str, u64, u64)) -> Result<(), StateError> {
    let place: Vec<String> = path
        .iter()
        .rev()
        .take(2)
        .map(|c| c.to_string_lossy().into_owned())
        .collect();
    let seed = xxhash_rust::xxh3::xxh3_64(place.join("/").as_bytes());
    for batch in read_batches(path)? {
        each_line_row(path, &batch, seed, &mut add)?;
    }
    Ok(())
}

/// Calls `add(group, line_hash, doc_hash)` for every row of one batch of a
/// line table (a work file's, or a partition's; `seed` makes the documents
/// of a count, see [`read_lines`]). `path` names the file in errors.
pub fn each_line_row(
    path: &Path,
    batch: &RecordBatch,
    seed: u64,
    add: &mut impl FnMut(&str, u64, u64),
) -> Result<(), StateError> {
    let fields = batch.schema().fields().clone();
    let counted = fields == *counted_lines_schema().fields();
    if !counted && fields != *lines_schema().fields() {
        return Err(StateError {
            path: path.to_path_buf(),
            message: "not a line-count table written by this gleaner".into(),
        });
    }
    let group = batch.column(0).as_string::<i32>();
    let hash = batch.column(1).as_primitive::<UInt64Type>();
    if counted {
        let docs = batch.column(2).as_primitive::<UInt32Type>();
        for i in 0..batch.num_rows() {
            // Past the cap more documents decide nothing the cap does not
            // (min_docs above it counts these lines as fewer: kept, not lost).
            for n in 0..u64::from(docs.value(i)).min(COUNTED_DOCS_CAP) {
                let doc = xxhash_rust::xxh3::xxh3_64_with_seed(&n.to_le_bytes(), seed);
                add(group.value(i), hash.value(i), doc);
            }
        }
    } else {
        let docs = batch.column(2).as_primitive::<UInt64Type>();
        for i in 0..batch.num_rows() {
            add(group.value(i), hash.value(i), docs.value(i));
        }
    }
    Ok(())
}

/// The rows of a released `entities` table, to add this run's counts to.
pub fn read_entities(path: &Path) -> Result<Vec<EntityRow>, StateError> {
    let mut rows = Vec::new();
    for batch in read_batches(path)? {
        if batch.schema().fields() != crate::write::schema::entities().fields() {
            return Err(StateError {
                path: path.to_path_buf(),
                message: "not an entities table written by this gleaner".into(),
            });
        }
        let s = |i: usize| batch.column(i).as_string::<i32>();
        let (key, label, name, lang) = (s(0), s(1), s(2), s(3));
        let n_docs = batch.column(4).as_primitive::<UInt32Type>();
        let n_mentions = batch.column(5).as_primitive::<UInt32Type>();
        let first = batch.column(6).as_primitive::<TimestampMicrosecondType>();
        let last = batch.column(7).as_primitive::<TimestampMicrosecondType>();
        let opt = |a: &arrow::array::PrimitiveArray<TimestampMicrosecondType>, i: usize| {
            (!a.is_null(i)).then(|| a.value(i))
        };
        for i in 0..batch.num_rows() {
            rows.push(EntityRow {
                entity_key: key.value(i).to_string(),
                label: label.value(i).to_string(),
                name: name.value(i).to_string(),
                lang: (!lang.is_null(i)).then(|| lang.value(i).to_string()),
                n_docs: n_docs.value(i),
                n_mentions: n_mentions.value(i),
                first_seen: opt(first, i),
                last_seen: opt(last, i),
                // Recomputed over all rows by `link_variants` on every run.
                canonical_key: key.value(i).to_string(),
                canonical_name: name.value(i).to_string(),
            });
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::{DedupConfig, Sketcher};

    fn write(dir: &Path, batch: &RecordBatch) -> PathBuf {
        let path = dir.join("part.parquet");
        let mut sink = crate::write::DatasetSink::create(dir, vec![]).unwrap();
        sink.write_table("part.parquet", batch.schema(), std::slice::from_ref(batch))
            .unwrap();
        sink.commit(&[]).unwrap();
        path
    }

    #[test]
    fn index_round_trips() {
        let sketcher = Sketcher::new(&DedupConfig::default());
        let long: String = (0..900).map(|i| format!("w{i} ")).collect();
        let sketches = vec![
            sketcher.sketch("a short text of a few words only"),
            sketcher.sketch(&long),
            sketcher.sketch(""),
        ];
        assert!(sketches[1].sample.level() > 0, "the long text is sampled");
        let keys: Vec<DocKey> = ["a", "b", "c"]
            .iter()
            .zip([Some(5), None, Some(-7)])
            .map(|(id, published)| DocKey {
                doc_id: id.to_string(),
                published,
            })
            .collect();
        let clusters = vec!["a".to_string(), "a".to_string(), "c".to_string()];
        let batch = index_batch(&keys, &clusters, &[1, 2, u64::MAX], &sketches).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), &batch);
        let mut back = Released::default();
        read_index(&path, &mut back).unwrap();
        assert_eq!(back.keys, keys);
        assert_eq!(back.cluster_id, clusters);
        assert_eq!(back.body_hash, [1, 2, u64::MAX]);
        for (a, b) in back.sketches.iter().zip(&sketches) {
            assert_eq!(a.content_hash, b.content_hash);
            assert_eq!(a.n_shingles, b.n_shingles);
            assert_eq!(a.bands, b.bands);
            assert_eq!(a.sample, b.sample);
        }
    }

    #[test]
    fn body_hashes_are_read_by_id_without_the_sketches() {
        let sketcher = Sketcher::new(&DedupConfig::default());
        let keys: Vec<DocKey> = ["a", "b"]
            .iter()
            .map(|id| DocKey {
                doc_id: id.to_string(),
                published: None,
            })
            .collect();
        let sketches = vec![sketcher.sketch("one text"), sketcher.sketch("another")];
        let clusters = vec!["a".to_string(), "b".to_string()];
        let batch = index_batch(&keys, &clusters, &[7, u64::MAX], &sketches).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut bodies = ReleasedBodies::default();
        read_bodies(&write(dir.path(), &batch), &mut bodies).unwrap();
        assert_eq!(bodies.len(), 2);
        assert_eq!(bodies.get("a"), Some(7));
        assert_eq!(bodies.get("b"), Some(u64::MAX));
        assert_eq!(bodies.get("c"), None);
        assert_eq!(bodies.get("A"), None);
    }

    #[test]
    fn line_counts_round_trip_and_other_tables_are_refused() {
        let rows = [("a.com", 7u64, 3u64), ("b.org", u64::MAX, 1)];
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), &lines_batch(&rows).unwrap());
        let mut back = Vec::new();
        read_lines(&path, |g, h, d| back.push((g.to_string(), h, d))).unwrap();
        assert_eq!(
            back,
            [
                ("a.com".to_string(), 7, 3),
                ("b.org".to_string(), u64::MAX, 1)
            ]
        );
        let err = read_entities(&path).unwrap_err().to_string();
        assert!(err.contains("not an entities table"), "{err}");
        assert!(err.contains("--full"), "{err}");
    }

    #[test]
    fn counts_of_an_earlier_release_are_read_as_that_many_documents() {
        let counted = RecordBatch::try_new(
            counted_lines_schema(),
            vec![
                Arc::new(StringArray::from_iter_values(["a.com", "a.com"])),
                Arc::new(UInt64Array::from_iter_values([7, 8])),
                Arc::new(UInt32Array::from_iter_values([3, 1])),
            ],
        )
        .unwrap();
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        // Every run's partition is `run=N/part-0.parquet`.
        let docs = |dir: &tempfile::TempDir, run: &str| {
            std::fs::create_dir_all(dir.path().join(run)).unwrap();
            let path = dir.path().join(run).join("part-0.parquet");
            let mut w = parquet::arrow::ArrowWriter::try_new(
                File::create(&path).unwrap(),
                counted.schema(),
                None,
            )
            .unwrap();
            w.write(&counted).unwrap();
            w.close().unwrap();
            let mut back = Vec::new();
            read_lines(&path, |g, h, d| back.push((g.to_string(), h, d))).unwrap();
            back
        };
        let first = docs(&one, "run=1");
        assert_eq!(first.iter().filter(|r| r.1 == 7).count(), 3);
        assert_eq!(first.iter().filter(|r| r.1 == 8).count(), 1);
        let mut distinct: Vec<u64> = first.iter().map(|r| r.2).collect();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 3, "n documents are n distinct hashes");
        // Another run's partition adds its own documents, as counts added.
        let second = docs(&two, "run=2");
        assert!(second.iter().all(|r| !first.iter().any(|f| f.2 == r.2)));
        assert_eq!(first, docs(&two, "run=1"), "deterministic");
    }
}
