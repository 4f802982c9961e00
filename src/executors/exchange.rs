//! What the sharded dedup passes hand each other: the plan's sketches,
//! streamed in rank order from the released index and the `sketch` parts,
//! and the Parquet work files of edges, containers and cluster members.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, StringArray, UInt32Array,
};
use arrow::datatypes::{DataType, Field, Float64Type, Schema, UInt32Type};
use arrow::record_batch::RecordBatch;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::dedup::partitioned::{Contained, Member, Row, Rows};
use crate::state::{self, StateError};

/// Every sketch of a plan: the released index's, then each shard's.
pub struct PlanSketches {
    released: Vec<PathBuf>,
    released_rows: usize,
    shards: Vec<PathBuf>,
    shard_rows: Vec<usize>,
}

/// Rows of a Parquet file, from its footer.
fn rows_of(path: &Path) -> Result<usize, StateError> {
    let fail = |e: &dyn std::fmt::Display| StateError {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(|e| fail(&e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| fail(&e))?;
    Ok(builder.metadata().file_metadata().num_rows() as usize)
}

impl PlanSketches {
    pub fn new(released: Vec<PathBuf>, shards: Vec<PathBuf>) -> Result<PlanSketches, StateError> {
        let mut released_rows = 0;
        for path in &released {
            released_rows += rows_of(path)?;
        }
        let shard_rows = shards
            .iter()
            .map(|p| rows_of(p))
            .collect::<Result<_, _>>()?;
        Ok(PlanSketches {
            released,
            released_rows,
            shards,
            shard_rows,
        })
    }

    /// The ranks of shard `shard`'s documents.
    pub fn ranks_of(&self, shard: usize) -> std::ops::Range<u32> {
        let start = self.released_rows + self.shard_rows[..shard].iter().sum::<usize>();
        start as u32..(start + self.shard_rows[shard]) as u32
    }
}

impl Rows for PlanSketches {
    type Error = StateError;

    fn released(&self) -> usize {
        self.released_rows
    }

    fn each(&self, released_only: bool, f: &mut dyn FnMut(Row<'_>)) -> Result<(), StateError> {
        let mut rank = 0u32;
        let shards = if released_only {
            &[][..]
        } else {
            &self.shards[..]
        };
        for path in &self.released {
            state::each_index_row(path, |row| {
                f(Row {
                    rank,
                    key: &row.key,
                    sketch: &row.sketch,
                    released_cluster: Some(row.cluster_id),
                });
                rank += 1;
            })?;
        }
        for path in shards {
            state::each_index_row(path, |row| {
                f(Row {
                    rank,
                    key: &row.key,
                    sketch: &row.sketch,
                    released_cluster: None,
                });
                rank += 1;
            })?;
        }
        Ok(())
    }
}

fn batch(fields: Vec<Field>, columns: Vec<ArrayRef>) -> RecordBatch {
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
        .expect("columns match their schema")
}

fn u32s(values: impl Iterator<Item = u32>) -> ArrayRef {
    Arc::new(values.collect::<UInt32Array>())
}

fn strings<'a>(values: impl Iterator<Item = &'a str>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(values))
}

/// A column of a work file, of the type its writer gave it.
fn column<'b>(b: &'b RecordBatch, name: &str, path: &Path) -> Result<&'b ArrayRef, StateError> {
    b.column_by_name(name).ok_or_else(|| StateError {
        path: path.to_path_buf(),
        message: format!("no column {name}: not a work file of this gleaner"),
    })
}

/// Document pairs (copies and verified near-duplicates), by rank.
pub fn pairs_batch(pairs: &[(u32, u32)]) -> RecordBatch {
    batch(
        vec![
            Field::new("a", DataType::UInt32, false),
            Field::new("b", DataType::UInt32, false),
        ],
        vec![
            u32s(pairs.iter().map(|p| p.0)),
            u32s(pairs.iter().map(|p| p.1)),
        ],
    )
}

pub fn read_pairs(path: &Path, into: &mut Vec<(u32, u32)>) -> Result<(), StateError> {
    for b in state::read_batches(path)? {
        let a = column(&b, "a", path)?.as_primitive::<UInt32Type>();
        let c = column(&b, "b", path)?.as_primitive::<UInt32Type>();
        into.extend(a.values().iter().copied().zip(c.values().iter().copied()));
    }
    Ok(())
}

/// Each document's best container in one partition.
pub fn contained_batch(found: &[Contained]) -> RecordBatch {
    batch(
        vec![
            Field::new("doc", DataType::UInt32, false),
            Field::new("container", DataType::UInt32, false),
            Field::new("score", DataType::Float64, false),
            Field::new("container_shingles", DataType::UInt32, false),
            Field::new("near", DataType::Boolean, false),
        ],
        vec![
            u32s(found.iter().map(|c| c.doc)),
            u32s(found.iter().map(|c| c.container)),
            Arc::new(found.iter().map(|c| c.score).collect::<Float64Array>()),
            u32s(found.iter().map(|c| c.container_shingles)),
            Arc::new(found.iter().map(|c| Some(c.near)).collect::<BooleanArray>()),
        ],
    )
}

pub fn read_contained(path: &Path, into: &mut Vec<Contained>) -> Result<(), StateError> {
    for b in state::read_batches(path)? {
        let doc = column(&b, "doc", path)?.as_primitive::<UInt32Type>();
        let container = column(&b, "container", path)?.as_primitive::<UInt32Type>();
        let score = column(&b, "score", path)?.as_primitive::<Float64Type>();
        let len = column(&b, "container_shingles", path)?.as_primitive::<UInt32Type>();
        let near = column(&b, "near", path)?.as_boolean();
        for i in 0..b.num_rows() {
            into.push(Contained {
                doc: doc.value(i),
                container: container.value(i),
                score: score.value(i),
                container_shingles: len.value(i),
                near: near.value(i),
            });
        }
    }
    Ok(())
}

/// The new documents of one shard that are in clusters.
pub fn members_batch(members: &[Member]) -> RecordBatch {
    batch(
        vec![
            Field::new("rank", DataType::UInt32, false),
            Field::new("doc_id", DataType::Utf8, false),
            Field::new("cluster_id", DataType::Utf8, false),
            Field::new("representative", DataType::UInt32, false),
            Field::new("representative_id", DataType::Utf8, false),
            Field::new("contained_in", DataType::UInt32, true),
        ],
        vec![
            u32s(members.iter().map(|m| m.rank)),
            strings(members.iter().map(|m| m.doc_id.as_str())),
            strings(members.iter().map(|m| m.cluster_id.as_str())),
            u32s(members.iter().map(|m| m.representative)),
            strings(members.iter().map(|m| m.representative_id.as_str())),
            Arc::new(
                members
                    .iter()
                    .map(|m| m.contained_in)
                    .collect::<UInt32Array>(),
            ),
        ],
    )
}

pub fn read_members(path: &Path) -> Result<Vec<Member>, StateError> {
    let mut out = Vec::new();
    for b in state::read_batches(path)? {
        let rank = column(&b, "rank", path)?.as_primitive::<UInt32Type>();
        let doc_id = column(&b, "doc_id", path)?.as_string::<i32>();
        let cluster_id = column(&b, "cluster_id", path)?.as_string::<i32>();
        let rep = column(&b, "representative", path)?.as_primitive::<UInt32Type>();
        let rep_id = column(&b, "representative_id", path)?.as_string::<i32>();
        let contained_in = column(&b, "contained_in", path)?.as_primitive::<UInt32Type>();
        for i in 0..b.num_rows() {
            out.push(Member {
                rank: rank.value(i),
                doc_id: doc_id.value(i).to_string(),
                cluster_id: cluster_id.value(i).to_string(),
                representative: rep.value(i),
                representative_id: rep_id.value(i).to_string(),
                contained_in: (!contained_in.is_null(i)).then(|| contained_in.value(i)),
            });
        }
    }
    Ok(out)
}
