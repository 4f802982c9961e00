//! What the sharded dedup passes hand each other: the plan's sketches,
//! streamed in rank order from the released index and the `sketch` parts,
//! and the Parquet work files of edges, containers and cluster members.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, StringArray, UInt32Array,
};
use arrow::datatypes::{DataType, Field, Float64Type, Schema, UInt32Type};
use arrow::record_batch::RecordBatch;

use super::sketch_extracts::{self, Extracts};
use crate::dedup::partitioned::{Contained, Member, Partition, Row, Rows, SketchFields};
use crate::state::{self, StateError};

/// Every sketch of a plan: the released index's, then each shard's.
///
/// Steps read only what they need: the columns they ask for, the row
/// groups holding the documents they ask for, and, for the LSH buckets,
/// the band files of their own keys. It counts the bytes it read, the
/// figure that decides whether a pass scales.
pub struct PlanSketches {
    files: Vec<SketchFile>,
    released_rows: usize,
    /// Shard `i`'s documents are ranks `shard_ranks[i]`.
    shard_ranks: Vec<std::ops::Range<u32>>,
    /// Each shard's extracts of its slice of the released index (ranks as
    /// they are), in rank order.
    released_extracts: Vec<Extracts>,
    /// Each shard's extracts of its own documents, and its first rank.
    shard_extracts: Vec<(Extracts, u32)>,
    read: AtomicU64,
}

/// One index file of a plan.
struct SketchFile {
    path: PathBuf,
    /// Rows of each row group.
    groups: Vec<usize>,
    /// Rank of its first document.
    first: u32,
    released: bool,
}

impl PlanSketches {
    /// `extracts[i]` are shard `i`'s extract files: of its slice of the
    /// released documents and of its own documents.
    pub fn new(
        released: Vec<PathBuf>,
        shards: Vec<PathBuf>,
        extracts: Vec<(Extracts, Extracts)>,
    ) -> Result<PlanSketches, StateError> {
        let mut files = Vec::new();
        let mut next = 0u32;
        let mut shard_ranks = Vec::new();
        let n_released = released.len();
        for (i, path) in released.into_iter().chain(shards).enumerate() {
            let groups = state::row_group_rows(&path)?;
            let first = next;
            next += groups.iter().sum::<usize>() as u32;
            let released = i < n_released;
            if !released {
                shard_ranks.push(first..next);
            }
            files.push(SketchFile {
                path,
                groups,
                first,
                released,
            });
        }
        let released_rows = shard_ranks.first().map_or(next, |r| r.start) as usize;
        let (released_extracts, own): (Vec<_>, Vec<_>) = extracts.into_iter().unzip();
        let shard_extracts = own
            .into_iter()
            .zip(shard_ranks.iter().map(|r| r.start))
            .collect();
        Ok(PlanSketches {
            files,
            released_rows,
            shard_ranks,
            released_extracts,
            shard_extracts,
            read: AtomicU64::new(0),
        })
    }

    /// The ranks of shard `shard`'s documents.
    pub fn ranks_of(&self, shard: usize) -> std::ops::Range<u32> {
        self.shard_ranks[shard].clone()
    }

    /// Compressed bytes of sketches and band keys read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }

    /// Calls `f` on the rows of `file`'s row groups `groups` (ascending),
    /// with their ranks.
    fn read_groups(
        &self,
        file: &SketchFile,
        groups: Vec<usize>,
        fields: SketchFields,
        f: &mut dyn FnMut(Row<'_>),
    ) -> Result<(), StateError> {
        // Where each chosen group starts, to give every row its rank.
        let mut starts = Vec::with_capacity(groups.len());
        let mut rank = file.first;
        for (g, &rows) in file.groups.iter().enumerate() {
            if groups.binary_search(&g).is_ok() {
                starts.push((rank, rows));
            }
            rank += rows as u32;
        }
        let (mut at, mut offset) = (0, 0);
        let read = state::each_index_row_in(&file.path, Some(groups), Some(fields), |row| {
            while offset == starts[at].1 {
                (at, offset) = (at + 1, 0);
            }
            f(Row {
                rank: starts[at].0 + offset as u32,
                key: &row.key,
                sketch: &row.sketch,
                released_cluster: file.released.then_some(row.cluster_id),
            });
            offset += 1;
        })?;
        self.read.fetch_add(read, Ordering::Relaxed);
        Ok(())
    }
}

impl Rows for PlanSketches {
    type Error = StateError;

    fn released(&self) -> usize {
        self.released_rows
    }

    fn each(
        &self,
        released_only: bool,
        fields: SketchFields,
        f: &mut dyn FnMut(Row<'_>),
    ) -> Result<(), StateError> {
        for file in self.files.iter().filter(|x| x.released || !released_only) {
            self.read_groups(file, (0..file.groups.len()).collect(), fields, f)?;
        }
        Ok(())
    }

    /// Reads only the row groups that hold one of `ranks`.
    fn some(
        &self,
        ranks: &[u32],
        fields: SketchFields,
        f: &mut dyn FnMut(Row<'_>),
    ) -> Result<(), StateError> {
        for file in &self.files {
            let mut start = file.first;
            let mut chosen = Vec::new();
            for (g, &rows) in file.groups.iter().enumerate() {
                let end = start + rows as u32;
                let i = ranks.partition_point(|&r| r < start);
                if ranks.get(i).is_some_and(|&r| r < end) {
                    chosen.push(g);
                }
                start = end;
            }
            if !chosen.is_empty() {
                self.read_groups(file, chosen, fields, &mut |row| {
                    if ranks.binary_search(&row.rank).is_ok() {
                        f(row);
                    }
                })?;
            }
        }
        Ok(())
    }

    /// Reads the band files' row groups of `part`'s keys only.
    fn bands(&self, part: Partition, f: &mut dyn FnMut(u64, u32, u128)) -> Result<(), StateError> {
        let released = self.released_extracts.iter().map(|e| (e, 0));
        let own = self.shard_extracts.iter().map(|(e, first)| (e, *first));
        for (files, first) in released.chain(own) {
            let read = sketch_extracts::each_owned(&files.bands, part, |key, rank, hash| {
                f(key, first + rank, hash)
            })?;
            self.read.fetch_add(read, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Reads the anchor files, not the samples.
    fn anchors(
        &self,
        queries: bool,
        f: &mut dyn FnMut(u32, u32, &[u32]),
    ) -> Result<(), StateError> {
        let released = self.released_extracts.iter().filter(|_| !queries);
        let released = released.map(|e| (e, 0));
        let own = self.shard_extracts.iter().map(|(e, first)| (e, *first));
        for (files, first) in released.chain(own) {
            let read = sketch_extracts::each_anchored(&files.anchors, queries, |rank, n, a| {
                f(first + rank, n, a)
            })?;
            self.read.fetch_add(read, Ordering::Relaxed);
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
