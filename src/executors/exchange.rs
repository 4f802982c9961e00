//! What the sharded dedup passes hand each other: the plan's sketches,
//! streamed in rank order from the released index and the `sketch` parts,
//! and the Parquet work files of edges, containers and cluster members.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Float64Array, ListArray, StringArray, UInt32Array,
    UInt8Array,
};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, Float64Type, Schema, SchemaRef, UInt32Type, UInt8Type};
use arrow::record_batch::RecordBatch;

use super::grouped_files::{each_owned_batch, GroupedWriter};
use super::sketch_extracts::{self, Extracts};
use crate::dedup::partitioned::{
    Carried, Check, Contained, Member, Partition, Row, Rows, SketchFields,
};
use crate::dedup::sample::Sample;
use crate::dedup::Sketch;
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
    /// First rank of each task's slice of the released documents.
    released_slices: Vec<u32>,
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
        // The released index's row groups cut into one run per task, as
        // `write_released_slice` cuts them.
        let mut group_starts = Vec::new();
        for file in files.iter().filter(|f| f.released) {
            let mut rank = file.first;
            for &rows in &file.groups {
                group_starts.push(rank);
                rank += rows as u32;
            }
        }
        let n = shard_ranks.len();
        let released_slices = (0..n)
            .map(|s| {
                let first = sketch_extracts::released_slice(group_starts.len(), s, n).start;
                group_starts
                    .get(first)
                    .copied()
                    .unwrap_or(released_rows as u32)
            })
            .collect();
        let (released_extracts, own): (Vec<_>, Vec<_>) = extracts.into_iter().unzip();
        let shard_extracts = own
            .into_iter()
            .zip(shard_ranks.iter().map(|r| r.start))
            .collect();
        Ok(PlanSketches {
            files,
            released_rows,
            shard_ranks,
            released_slices,
            released_extracts,
            shard_extracts,
            read: AtomicU64::new(0),
        })
    }

    /// The ranks of shard `shard`'s documents.
    pub fn ranks_of(&self, shard: usize) -> std::ops::Range<u32> {
        self.shard_ranks[shard].clone()
    }

    /// The task that holds document `rank` (and alone reads its sample in
    /// the checks): its shard's, or for a released document the task whose
    /// slice of the released index it is in.
    pub fn holder(&self, rank: u32) -> usize {
        if (rank as usize) < self.released_rows {
            self.released_slices.partition_point(|&s| s <= rank) - 1
        } else {
            self.shard_ranks.partition_point(|r| r.end <= rank)
        }
    }

    /// Counts bytes read from work files besides the sketches.
    pub fn add_read(&self, bytes: u64) {
        self.read.fetch_add(bytes, Ordering::Relaxed);
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

fn pair_fields() -> Vec<Field> {
    vec![
        Field::new("a", DataType::UInt32, false),
        Field::new("b", DataType::UInt32, false),
    ]
}

/// Document pairs (copies, candidates, verified near-duplicates), by rank.
pub fn pairs_batch(pairs: &[(u32, u32)]) -> RecordBatch {
    batch(
        pair_fields(),
        vec![
            u32s(pairs.iter().map(|p| p.0)),
            u32s(pairs.iter().map(|p| p.1)),
        ],
    )
}

/// Writes `pairs` to `path`, each in the share of `owner(pair)` of
/// `owners` tasks.
pub fn write_grouped_pairs(
    path: PathBuf,
    owners: usize,
    pairs: &[(u32, u32)],
    owner: impl Fn(&(u32, u32)) -> usize,
) -> Result<(), StateError> {
    let mut shares = vec![Vec::new(); owners];
    for p in pairs {
        shares[owner(p)].push(*p);
    }
    let mut writer = GroupedWriter::create(path, Arc::new(Schema::new(pair_fields())), owners)?;
    for (i, share) in shares.iter().enumerate() {
        writer.write(i, &pairs_batch(share))?;
    }
    writer.finish()
}

/// Appends `part`'s share of the grouped pairs file `path` to `into`;
/// returns the bytes read.
pub fn read_grouped_pairs(
    path: &Path,
    part: Partition,
    into: &mut Vec<(u32, u32)>,
) -> Result<u64, StateError> {
    let schema = Arc::new(Schema::new(pair_fields()));
    each_owned_batch(path, part, &schema, |b| {
        let a = column(b, "a", path)?.as_primitive::<UInt32Type>();
        let c = column(b, "b", path)?.as_primitive::<UInt32Type>();
        into.extend(a.values().iter().copied().zip(c.values().iter().copied()));
        Ok(())
    })
}

fn carried_schema() -> SchemaRef {
    Arc::new(Schema::new(vec![
        Field::new("contains", DataType::Boolean, false),
        Field::new("held", DataType::UInt32, false),
        Field::new("other", DataType::UInt32, false),
        Field::new("n_shingles", DataType::UInt32, false),
        Field::new("sample_level", DataType::UInt8, false),
        Field::new(
            "sample",
            DataType::List(Arc::new(Field::new("item", DataType::UInt32, false))),
            false,
        ),
    ]))
}

fn carried_batch(carried: &[&Carried]) -> Result<RecordBatch, StateError> {
    let values: Vec<u32> = carried
        .iter()
        .flat_map(|c| c.sketch.sample.values().iter().copied())
        .collect();
    let sample = ListArray::new(
        Arc::new(Field::new("item", DataType::UInt32, false)),
        OffsetBuffer::from_lengths(carried.iter().map(|c| c.sketch.sample.values().len())),
        Arc::new(UInt32Array::from(values)),
        None,
    );
    let columns: Vec<ArrayRef> = vec![
        Arc::new(
            carried
                .iter()
                .map(|c| Some(c.check == Check::Contains))
                .collect::<BooleanArray>(),
        ),
        u32s(carried.iter().map(|c| c.held)),
        u32s(carried.iter().map(|c| c.other)),
        u32s(carried.iter().map(|c| c.sketch.n_shingles)),
        Arc::new(UInt8Array::from_iter_values(
            carried.iter().map(|c| c.sketch.sample.level()),
        )),
        Arc::new(sample),
    ];
    RecordBatch::try_new(carried_schema(), columns).map_err(|e| StateError {
        path: PathBuf::new(),
        message: e.to_string(),
    })
}

/// Writes carried pairs, a batch at a time, each in the share of the task
/// that holds its other document.
pub struct CarriedWriter {
    writer: GroupedWriter,
    owners: usize,
}

impl CarriedWriter {
    pub fn create(path: PathBuf, owners: usize) -> Result<CarriedWriter, StateError> {
        Ok(CarriedWriter {
            writer: GroupedWriter::create(path, carried_schema(), owners)?,
            owners,
        })
    }

    pub fn add(
        &mut self,
        carried: &[Carried],
        holder: impl Fn(u32) -> usize,
    ) -> Result<(), StateError> {
        let mut shares: Vec<Vec<&Carried>> = vec![Vec::new(); self.owners];
        for c in carried {
            shares[holder(c.other)].push(c);
        }
        for (i, share) in shares.iter().enumerate() {
            self.writer.write(i, &carried_batch(share)?)?;
        }
        Ok(())
    }

    pub fn finish(self) -> Result<(), StateError> {
        self.writer.finish()
    }
}

/// Appends `part`'s share of the carried pairs file `path` to `into`;
/// returns the bytes read.
pub fn read_carried(
    path: &Path,
    part: Partition,
    into: &mut Vec<Carried>,
) -> Result<u64, StateError> {
    each_owned_batch(path, part, &carried_schema(), |b| {
        let contains = b.column(0).as_boolean();
        let held = b.column(1).as_primitive::<UInt32Type>();
        let other = b.column(2).as_primitive::<UInt32Type>();
        let n_shingles = b.column(3).as_primitive::<UInt32Type>();
        let level = b.column(4).as_primitive::<UInt8Type>();
        let sample = b.column(5).as_list::<i32>();
        for i in 0..b.num_rows() {
            let values = sample.value(i);
            into.push(Carried {
                check: if contains.value(i) {
                    Check::Contains
                } else {
                    Check::Near
                },
                held: held.value(i),
                other: other.value(i),
                sketch: Sketch {
                    content_hash: 0,
                    n_shingles: n_shingles.value(i),
                    bands: Box::default(),
                    sample: Sample::from_parts(
                        level.value(i),
                        values.as_primitive::<UInt32Type>().values().to_vec(),
                    ),
                },
            });
        }
        Ok(())
    })
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
