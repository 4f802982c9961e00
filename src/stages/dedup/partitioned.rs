//! Dedup in partitions: the steps of [`deduplicate_with_released`] cut so
//! that no one task holds every sketch, for runs larger than one machine.
//!
//! ```text
//! bucket_edges  (task t of N)  LSH buckets whose key falls in t: exact
//!                              copies, candidate near-duplicate pairs
//! containment_candidates       an anchor index of the documents task t
//!               (task t of N)  holds: candidate containers of every query
//! carry         (task t of N)  the candidates whose first document t holds,
//!                              with its sample, sent to the other's holder
//! check         (task t of N)  those pairs against the samples t holds:
//!                              verified near-duplicates, containers
//! cluster       (one task)     union-find over those edges, held only for
//!                              documents in an edge; representatives
//! describe      (task t of N)  duplicates rows: each member against its
//!                              representative
//! ```
//!
//! A document is *held* by one task (its shard's), which alone reads its
//! sample: candidates travel to samples, in two hops, rather than every
//! task reading every sample. The result is the one
//! [`deduplicate_with_released`] gives, whatever N: a bucket is whole in
//! the task that owns its key; the containment probes are chosen from
//! posting-list lengths counted over every document; and the best
//! container is a total order, so the best of all checked containers is
//! the best. Ranks are the run's order (released documents first, then the
//! new ones in input order) and break ties there as positions do in memory.
//!
//! [`deduplicate_with_released`]: super::deduplicate_with_released

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::cluster::UnionFind;
use super::containment::{self, AnchorIndex, Candidate, ANCHOR_LEVEL};
use super::sample::{hash_bits, PLACE_BITS};
use super::{describe, DedupConfig, DocKey, Duplicate, RepresentativeFacts, Sketch};

/// Task `index` of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub index: usize,
    pub count: usize,
}

impl Partition {
    /// The whole: one task owns everything.
    pub const WHOLE: Partition = Partition { index: 0, count: 1 };

    pub fn owns(self, x: u64) -> bool {
        Partition::owner(x, self.count) == self.index
    }

    /// The task of `count` that owns `x` (a band key or a rank).
    pub fn owner(x: u64, count: usize) -> usize {
        (x % count as u64) as usize
    }
}

/// One document as the steps see it.
pub struct Row<'a> {
    /// Its place in the run's order: released documents first.
    pub rank: u32,
    pub key: &'a DocKey,
    pub sketch: &'a Sketch,
    /// The cluster id an earlier run gave it; `None` for a new document.
    pub released_cluster: Option<&'a str>,
}

/// What a step reads of each document's sketch. A store skips the rest:
/// band keys and samples are most of a sketch's bytes, and at scale every
/// task reads every document, so what it does not read matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SketchFields {
    /// Key, released cluster, content hash and shingle count; `bands` and
    /// `sample` are left empty.
    Keys,
    /// The keys and the LSH band keys; `sample` is left empty.
    Bands,
    /// The keys and the sample (verification, containment); `bands` is
    /// left empty.
    Sample,
}

impl SketchFields {
    pub fn bands(self) -> bool {
        self == SketchFields::Bands
    }

    pub fn sample(self) -> bool {
        self == SketchFields::Sample
    }
}

/// Every document's sketch, streamed in rank order.
pub trait Rows: Sync {
    type Error: Send;
    /// Documents released before this run: ranks `0..released()`.
    fn released(&self) -> usize;
    /// Calls `f` on every document in rank order, or on the released ones
    /// only, with `fields` of its sketch.
    fn each(
        &self,
        released_only: bool,
        fields: SketchFields,
        f: &mut dyn FnMut(Row<'_>),
    ) -> Result<(), Self::Error>;
    /// Calls `f` on documents `ranks` (sorted) in rank order. A store that
    /// can skip to them overrides this.
    fn some(
        &self,
        ranks: &[u32],
        fields: SketchFields,
        f: &mut dyn FnMut(Row<'_>),
    ) -> Result<(), Self::Error> {
        self.each(false, fields, &mut |row| {
            if ranks.binary_search(&row.rank).is_ok() {
                f(row);
            }
        })
    }
    /// Calls `f(rank, n_shingles, anchors)` on every document in rank
    /// order; with `queries`, on the new ones only and with only their
    /// [`lookups`]. A store that keeps the anchors apart overrides this:
    /// they are a fraction of a sample, and the lookups a few values.
    fn anchors(
        &self,
        queries: bool,
        f: &mut dyn FnMut(u32, u32, &[u32]),
    ) -> Result<(), Self::Error> {
        let released = self.released() as u32;
        self.each(false, SketchFields::Sample, &mut |row| {
            let anchors = anchors_of(row.sketch);
            if !queries {
                f(row.rank, row.sketch.n_shingles, anchors);
            } else if row.rank >= released {
                f(row.rank, row.sketch.n_shingles, lookups(anchors));
            }
        })
    }
    /// Calls `f(key, rank, content_hash)` for every LSH band key that `part`
    /// owns, in any order. A store that keeps band keys by owner overrides
    /// this so a task reads only its own.
    fn bands(&self, part: Partition, f: &mut dyn FnMut(u64, u32, u128)) -> Result<(), Self::Error> {
        self.each(false, SketchFields::Bands, &mut |row| {
            for &key in row.sketch.bands.iter().filter(|&&k| part.owns(k)) {
                f(key, row.rank, row.sketch.content_hash);
            }
        })
    }
}

/// A document's containment anchors: an eighth of its sample, all that
/// the anchor counts and a query's probes read.
pub fn anchors_of(sketch: &Sketch) -> &[u32] {
    containment::anchors(&Candidate {
        sample: &sketch.sample,
        n_shingles: sketch.n_shingles,
        active: true,
    })
}

/// The anchors a query looks up: the first of `anchors`, all that
/// [`containment::probes`] reads of a query.
pub fn lookups(anchors: &[u32]) -> &[u32] {
    &anchors[..anchors.len().min(containment::LOOKUPS)]
}

/// The sketches of documents `ranks` (sorted), in that order.
fn sketches_of<R: Rows>(rows: &R, ranks: &[u32]) -> Result<Vec<Sketch>, R::Error> {
    let mut out = Vec::with_capacity(ranks.len());
    rows.some(ranks, SketchFields::Sample, &mut |row| {
        out.push(row.sketch.clone())
    })?;
    Ok(out)
}

/// What one partition of LSH buckets found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BucketEdges {
    /// `(first, copy)`: a copy of the first document with the same words.
    pub copies: Vec<(u32, u32)>,
    /// Candidate pairs `(a, b)`, `a < b`, `b` new, to be [`check`]ed.
    pub candidates: Vec<(u32, u32)>,
    /// Distinct candidate pairs of this partition's buckets (a pair whose
    /// documents share buckets of two partitions counts in both).
    pub candidate_pairs: u64,
}

/// Exact copies and candidate near-duplicate pairs from the LSH buckets
/// whose key `part` owns. The candidates are checked where their
/// documents' samples are (see [`carry`] and [`check`]), not here: a
/// bucket task would have to read every sample.
///
/// An exact copy has the band keys of the first document with its words, so
/// it meets that document in every bucket it is in: each bucket tells its
/// copies apart on its own, and only the first of each text is paired.
pub fn bucket_edges<R: Rows>(
    rows: &R,
    part: Partition,
    config: &DedupConfig,
) -> Result<BucketEdges, R::Error> {
    let released = rows.released() as u32;
    let mut entries: Vec<(u64, u32, u128)> = Vec::new();
    rows.bands(part, &mut |key, rank, hash| entries.push((key, rank, hash)))?;
    entries.par_sort_unstable_by_key(|e| (e.0, e.1));
    let mut copies = Vec::new();
    let mut pairs = Vec::new();
    let mut texts: Vec<(u128, u32)> = Vec::new();
    for bucket in entries.chunk_by(|x, y| x.0 == y.0) {
        if bucket.len() < 2 {
            continue;
        }
        texts.clear();
        texts.extend(bucket.iter().map(|e| (e.2, e.1)));
        texts.sort_unstable();
        let mut active: Vec<u32> = Vec::with_capacity(texts.len());
        for same in texts.chunk_by(|x, y| x.0 == y.0) {
            active.push(same[0].1);
            copies.extend(same[1..].iter().map(|c| (same[0].1, c.1)));
        }
        active.sort_unstable();
        if active.len() < 2 {
            continue;
        }
        if active.len() > config.max_bucket {
            pairs.extend(active[1..].iter().map(|&d| (active[0], d)));
        } else {
            for (n, &x) in active.iter().enumerate() {
                pairs.extend(active[n + 1..].iter().map(|&y| (x, y)));
            }
        }
    }
    drop(entries);
    copies.par_sort_unstable();
    copies.dedup();
    pairs.par_sort_unstable();
    pairs.dedup();
    let candidate_pairs = pairs.len() as u64;
    // Pairs of two released documents were judged when they were released.
    pairs.retain(|&(_, b)| b >= released);
    Ok(BucketEdges {
        copies,
        candidates: pairs,
        candidate_pairs,
    })
}

/// A document found inside a longer one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Contained {
    pub doc: u32,
    pub container: u32,
    /// Share of the document's sample inside the container's.
    pub score: f64,
    pub container_shingles: u32,
    /// The pair is a near-duplicate too (then it is not counted as contained).
    pub near: bool,
}

impl Contained {
    /// Sorts first for the better container: highest containment, then
    /// longest, then first in rank (the order `best_containers` keeps).
    fn order(&self) -> (std::cmp::Reverse<u64>, std::cmp::Reverse<u32>, u32) {
        (
            std::cmp::Reverse(self.score.to_bits()),
            std::cmp::Reverse(self.container_shingles),
            self.container,
        )
    }
}

/// Anchor-count slots: anchors are below 2^(32 − ANCHOR_LEVEL) with their
/// place bits clear.
const ANCHOR_SLOTS: usize = 1 << (32 - ANCHOR_LEVEL as u32 - PLACE_BITS);
/// Query documents held at once.
const QUERY_BATCH: usize = 4096;

/// Containment candidates `(query, container)`: for every new document,
/// the longer documents held by task `part.index` (`holder(rank)`) found
/// in enough of its anchors' posting lists. `copies` are the ranks of
/// exact copies (sorted): they take no part, as in memory.
///
/// Reads anchors only (every document's, for the posting counts; every new
/// document's lookups, as queries); the candidates are [`check`]ed where
/// the queries' samples are. Holds its own documents' anchors and one
/// posting count per anchor value (2 bytes × 2^26 = 128 MiB, whatever the
/// input).
pub fn containment_candidates<R: Rows>(
    rows: &R,
    part: Partition,
    holder: &(dyn Fn(u32) -> usize + Sync),
    copies: &[u32],
    config: &DedupConfig,
) -> Result<Vec<(u32, u32)>, R::Error> {
    if config.containment <= 0.0 {
        return Ok(Vec::new());
    }
    let released = rows.released() as u32;
    let active =
        |rank: u32, n_shingles: u32| n_shingles > 0 && copies.binary_search(&rank).is_err();
    let mut counts = vec![0u16; ANCHOR_SLOTS];
    let mut entries: Vec<u64> = Vec::new();
    // Its own documents' lengths: only a longer document can contain
    // another, so shorter ones found are no candidates.
    let mut lengths: Vec<(u32, u32)> = Vec::new();
    rows.anchors(false, &mut |rank, n_shingles, anchors| {
        if !active(rank, n_shingles) {
            return;
        }
        let owned = holder(rank) == part.index;
        if owned {
            lengths.push((rank, n_shingles));
        }
        for &v in anchors {
            let slot = (hash_bits(v) >> PLACE_BITS) as usize;
            counts[slot] = counts[slot].saturating_add(1);
            if owned {
                entries.push((hash_bits(v) as u64) << 32 | rank as u64);
            }
        }
    })?;
    let index = AnchorIndex::new(entries);
    let postings = |v: u32| counts[(v >> PLACE_BITS) as usize] as usize;
    let length = |b: u32| lengths[lengths.partition_point(|l| l.0 < b)].1;
    let find = |(rank, n_shingles, anchors): &(u32, u32, Vec<u32>)| {
        let (probes, required) = containment::probes(anchors, postings)?;
        let lists: Vec<&[u64]> = probes.iter().map(|&v| index.postings(v)).collect();
        let found = containment::found_in(&lists, required);
        let pairs: Vec<(u32, u32)> = found
            .into_iter()
            .filter(|&b| length(b) > *n_shingles)
            .map(|b| (*rank, b))
            .collect();
        (!pairs.is_empty()).then_some(pairs)
    };
    let mut candidates: Vec<(u32, u32)> = Vec::new();
    let mut queries: Vec<(u32, u32, Vec<u32>)> = Vec::with_capacity(QUERY_BATCH);
    rows.anchors(true, &mut |rank, n_shingles, anchors| {
        if rank < released
            || !active(rank, n_shingles)
            || (n_shingles as usize) < config.containment_min_words
        {
            return;
        }
        queries.push((rank, n_shingles, anchors.to_vec()));
        if queries.len() == QUERY_BATCH {
            candidates.par_extend(queries.par_iter().filter_map(find).flatten());
            queries.clear();
        }
    })?;
    candidates.par_extend(queries.par_iter().filter_map(find).flatten());
    Ok(candidates)
}

/// What a carried pair is checked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// `(held, other)` is a candidate near-duplicate pair `(a, b)`.
    Near,
    /// `held` is a candidate container of the query `other`.
    Contains,
}

/// A candidate pair on its way to its check, with the sketch (sample and
/// length) of the document the task that sent it holds; the task that
/// checks it holds the other.
#[derive(Debug, Clone)]
pub struct Carried {
    pub check: Check,
    pub held: u32,
    pub other: u32,
    pub sketch: Sketch,
}

/// The first hop of the check: `near` pairs `(a, b)` whose `a`, and
/// `contains` pairs `(query, container)` whose container, this task holds,
/// with those documents' samples. Each pair then goes to the task that
/// holds its other document, so no task reads samples it does not hold.
pub fn carry<R: Rows>(
    rows: &R,
    near: &[(u32, u32)],
    contains: &[(u32, u32)],
) -> Result<Vec<Carried>, R::Error> {
    let mut needed: Vec<u32> = near
        .iter()
        .map(|p| p.0)
        .chain(contains.iter().map(|p| p.1))
        .collect();
    needed.par_sort_unstable();
    needed.dedup();
    let sketches = sketches_of(rows, &needed)?;
    let sketch = |d: u32| sketches[needed.binary_search(&d).unwrap_or_default()].clone();
    let near = near.iter().map(|&(a, b)| Carried {
        check: Check::Near,
        held: a,
        other: b,
        sketch: sketch(a),
    });
    let contains = contains.iter().map(|&(q, c)| Carried {
        check: Check::Contains,
        held: c,
        other: q,
        sketch: sketch(c),
    });
    Ok(near.chain(contains).collect())
}

/// What a task's checks passed.
#[derive(Debug, Default)]
pub struct Checked {
    /// Verified near-duplicate pairs.
    pub near: Vec<(u32, u32)>,
    /// For each query, every container that passed (the cluster step
    /// keeps the best: highest containment, then longest, then first).
    pub contained: Vec<Contained>,
}

/// The second hop: checks `carried` pairs against the samples of their
/// other documents, which this task holds.
pub fn check<R: Rows>(
    rows: &R,
    carried: &[Carried],
    config: &DedupConfig,
) -> Result<Checked, R::Error> {
    let mut needed: Vec<u32> = carried.iter().map(|c| c.other).collect();
    needed.par_sort_unstable();
    needed.dedup();
    let sketches = sketches_of(rows, &needed)?;
    let sketch = |d: u32| &sketches[needed.binary_search(&d).unwrap_or_default()];
    let near = carried
        .par_iter()
        .filter(|c| c.check == Check::Near)
        .filter(|c| config.near_test(&c.sketch, sketch(c.other)).1.is_some())
        .map(|c| (c.held, c.other))
        .collect();
    let contained = carried
        .par_iter()
        .filter(|c| c.check == Check::Contains)
        .filter_map(|c| {
            let query = sketch(c.other);
            let doc = Candidate {
                sample: &query.sample,
                n_shingles: query.n_shingles,
                active: true,
            };
            let container = |_: u32| (&c.sketch.sample, c.sketch.n_shingles);
            let (_, score) = containment::best_of(&doc, &[c.held], container, config.containment)?;
            Some(Contained {
                doc: c.other,
                container: c.held,
                score,
                container_shingles: c.sketch.n_shingles,
                near: config.near_test(query, &c.sketch).1.is_some(),
            })
        })
        .collect();
    Ok(Checked { near, contained })
}

/// A new document in a cluster of two or more.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub rank: u32,
    pub doc_id: String,
    pub cluster_id: String,
    pub representative: u32,
    pub representative_id: String,
    /// The container it was found in, when that made it a duplicate.
    pub contained_in: Option<u32>,
}

impl Member {
    pub fn is_representative(&self) -> bool {
        self.rank == self.representative
    }
}

/// The clusters of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clusters {
    /// New documents in clusters, by rank.
    pub members: Vec<Member>,
    /// Clusters with a new member.
    pub clusters: u64,
    /// Documents counted as contained.
    pub contained: u64,
}

/// What the cluster step keeps of a document in an edge.
struct Node {
    key: DocKey,
    n_shingles: u32,
    released_cluster: Option<String>,
}

/// Clusters from every partition's edges: `pairs` (copies and verified
/// pairs) and `contained` (each partition's best containers). Holds only
/// the documents in an edge.
pub fn cluster<R: Rows>(
    rows: &R,
    pairs: Vec<(u32, u32)>,
    contained: Vec<Contained>,
    config: &DedupConfig,
) -> Result<Clusters, R::Error> {
    let released = rows.released() as u32;
    // The best container of each document over all partitions.
    let mut contained = contained;
    contained.par_sort_unstable_by_key(|c| (c.doc, c.order()));
    contained.dedup_by_key(|c| c.doc);
    let mut nodes: Vec<u32> = pairs
        .iter()
        .flat_map(|&(a, b)| [a, b])
        .chain(contained.iter().flat_map(|c| [c.doc, c.container]))
        .collect();
    nodes.par_sort_unstable();
    nodes.dedup();
    let at = |rank: u32| nodes.binary_search(&rank).unwrap_or_default() as u32;
    let mut sets = UnionFind::new(nodes.len());
    for &(a, b) in &pairs {
        sets.union(at(a), at(b));
    }
    drop(pairs);
    let mut contained_in: Vec<Option<u32>> = vec![None; nodes.len()];
    for c in &contained {
        sets.union(at(c.doc), at(c.container));
        if !c.near {
            contained_in[at(c.doc) as usize] = Some(c.container);
        }
    }
    let n_contained = contained.iter().filter(|c| !c.near).count() as u64;
    drop(contained);
    let mut info: Vec<Node> = Vec::with_capacity(nodes.len());
    rows.some(&nodes, SketchFields::Keys, &mut |row| {
        info.push(Node {
            key: row.key.clone(),
            n_shingles: row.sketch.n_shingles,
            released_cluster: row.released_cluster.map(str::to_string),
        });
    })?;
    let groups: Vec<Vec<u32>> = sets
        .groups()
        .into_iter()
        .filter(|g| g.iter().any(|&m| nodes[m as usize] >= released))
        .collect();
    // Released representatives by id (the last released document of an
    // id, as a map built over all of them would keep).
    let mut wanted: Vec<&str> = groups
        .iter()
        .flatten()
        .filter(|&&m| nodes[m as usize] < released)
        .filter_map(|&m| info[m as usize].released_cluster.as_deref())
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut by_id: std::collections::HashMap<String, (u32, Node)> = Default::default();
    if !wanted.is_empty() {
        rows.each(true, SketchFields::Keys, &mut |row| {
            if wanted.binary_search(&row.key.doc_id.as_str()).is_ok() {
                let node = Node {
                    key: row.key.clone(),
                    n_shingles: row.sketch.n_shingles,
                    released_cluster: row.released_cluster.map(str::to_string),
                };
                by_id.insert(row.key.doc_id.clone(), (row.rank, node));
            }
        })?;
    }
    let mut members = Vec::new();
    for group in &groups {
        let n_released = group.partition_point(|&m| nodes[m as usize] < released);
        // Candidates for representative: (rank, node, contained).
        let candidates: Vec<(u32, &Node, bool)> = if n_released == 0 {
            group
                .iter()
                .map(|&m| {
                    (
                        nodes[m as usize],
                        &info[m as usize],
                        contained_in[m as usize].is_some(),
                    )
                })
                .collect()
        } else {
            let mut reps: Vec<(u32, &Node, bool)> = group[..n_released]
                .iter()
                .filter_map(|&m| info[m as usize].released_cluster.as_deref())
                .filter_map(|id| by_id.get(id))
                .map(|(rank, node)| (*rank, node, false))
                .collect();
            reps.sort_unstable_by_key(|r| r.0);
            reps.dedup_by_key(|r| r.0);
            if reps.is_empty() {
                // An index without its representatives: stand for the match.
                let first = group[0] as usize;
                reps.push((nodes[first], &info[first], false));
            }
            reps
        };
        fn facts<'a>(c: &(u32, &'a Node, bool)) -> RepresentativeFacts<'a> {
            RepresentativeFacts {
                key: &c.1.key,
                n_shingles: c.1.n_shingles,
                contained: c.2,
            }
        }
        let prefs = &config.representative;
        let rep = candidates
            .iter()
            .min_by(|a, b| facts(a).rank(prefs).cmp(&facts(b).rank(prefs)))
            .expect("a group has members");
        let cluster_id = match (&rep.1.released_cluster, rep.0 < released) {
            (Some(id), true) => id.clone(),
            _ => rep.1.key.doc_id.clone(),
        };
        for &m in &group[n_released..] {
            members.push(Member {
                rank: nodes[m as usize],
                doc_id: info[m as usize].key.doc_id.clone(),
                cluster_id: cluster_id.clone(),
                representative: rep.0,
                representative_id: rep.1.key.doc_id.clone(),
                contained_in: contained_in[m as usize],
            });
        }
    }
    members.sort_unstable_by_key(|m| m.rank);
    Ok(Clusters {
        clusters: groups.len() as u64,
        contained: n_contained,
        members,
    })
}

/// The `duplicates` rows of `members` (sorted by rank; representatives
/// are skipped): each against its representative.
pub fn describe_members<R: Rows>(
    rows: &R,
    members: &[Member],
    config: &DedupConfig,
) -> Result<Vec<Duplicate>, R::Error> {
    let members: Vec<&Member> = members.iter().filter(|m| !m.is_representative()).collect();
    let mut needed: Vec<u32> = members
        .iter()
        .flat_map(|m| [m.rank, m.representative])
        .collect();
    needed.par_sort_unstable();
    needed.dedup();
    let sketches = sketches_of(rows, &needed)?;
    let sketch = |d: u32| &sketches[needed.binary_search(&d).unwrap_or_default()];
    Ok(members
        .par_iter()
        .map(|m| {
            describe(
                (m.rank as usize, sketch(m.rank)),
                (m.representative as usize, sketch(m.representative)),
                &m.cluster_id,
                m.contained_in,
                config,
            )
        })
        .collect())
}

/// The whole partitioned dedup in one process, for tests: every step of
/// `count` partitions, their outputs routed and merged as the executor
/// does (documents held by rank modulo `count`).
pub fn run_partitioned<R: Rows>(
    rows: &R,
    count: usize,
    config: &DedupConfig,
) -> Result<(Clusters, Vec<Duplicate>), R::Error> {
    let parts: Vec<Partition> = (0..count).map(|index| Partition { index, count }).collect();
    let holder = |rank: u32| Partition::owner(rank as u64, count);
    let mut pairs = Vec::new();
    let mut copies = Vec::new();
    let mut candidates: Vec<Vec<(u32, u32)>> = vec![Vec::new(); count];
    for &part in &parts {
        let edges = bucket_edges(rows, part, config)?;
        copies.extend(edges.copies.iter().map(|c| c.1));
        pairs.extend(edges.copies);
        for pair in edges.candidates {
            candidates[holder(pair.0)].push(pair);
        }
    }
    copies.sort_unstable();
    copies.dedup();
    let mut carried: Vec<Vec<Carried>> = vec![Vec::new(); count];
    for &part in &parts {
        let near = &mut candidates[part.index];
        near.sort_unstable();
        near.dedup();
        let contains = containment_candidates(rows, part, &holder, &copies, config)?;
        for c in carry(rows, near, &contains)? {
            carried[holder(c.other)].push(c);
        }
    }
    let mut contained = Vec::new();
    for part in &parts {
        let checked = check(rows, &carried[part.index], config)?;
        pairs.extend(checked.near);
        contained.extend(checked.contained);
    }
    let clusters = cluster(rows, pairs, contained, config)?;
    let mut duplicates = Vec::new();
    for part in parts {
        let mine: Vec<Member> = clusters
            .members
            .iter()
            .filter(|m| part.owns(m.rank as u64))
            .cloned()
            .collect();
        duplicates.extend(describe_members(rows, &mine, config)?);
    }
    duplicates.sort_unstable_by_key(|d| d.doc);
    Ok((clusters, duplicates))
}

#[cfg(test)]
mod tests {
    use super::super::{deduplicate_with_released, Sketcher};
    use super::*;

    /// Documents held in memory, released ones first.
    struct VecRows {
        keys: Vec<DocKey>,
        sketches: Vec<Sketch>,
        released: Vec<String>,
    }

    impl Rows for VecRows {
        type Error = std::convert::Infallible;
        fn released(&self) -> usize {
            self.released.len()
        }
        /// Gives only `fields`, as a store that skips columns does, so
        /// a step that asks for too little finds less than memory does.
        fn each(
            &self,
            released_only: bool,
            fields: SketchFields,
            f: &mut dyn FnMut(Row<'_>),
        ) -> Result<(), Self::Error> {
            let n = if released_only {
                self.released.len()
            } else {
                self.keys.len()
            };
            for i in 0..n {
                let whole = &self.sketches[i];
                let sketch = Sketch {
                    content_hash: whole.content_hash,
                    n_shingles: whole.n_shingles,
                    bands: if fields.bands() {
                        whole.bands.clone()
                    } else {
                        Box::default()
                    },
                    sample: if fields.sample() {
                        whole.sample.clone()
                    } else {
                        super::super::sample::Sample::from_parts(0, Vec::new())
                    },
                };
                f(Row {
                    rank: i as u32,
                    key: &self.keys[i],
                    sketch: &sketch,
                    released_cluster: self.released.get(i).map(String::as_str),
                });
            }
            Ok(())
        }
    }

    /// A corpus with every kind of duplicate: `n` documents from a few
    /// stories, copied, edited, cut into excerpts and repeated.
    fn corpus(n: usize, seed: u64) -> Vec<(DocKey, String)> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % m
        };
        let stories: Vec<Vec<String>> = (0..n / 4 + 1)
            .map(|_| {
                (0..80 + next(200))
                    .map(|_| format!("w{}", next(3000)))
                    .collect()
            })
            .collect();
        (0..n)
            .map(|_| {
                let story = &stories[next(stories.len() as u64) as usize];
                let words: Vec<String> = match next(5) {
                    0 => story.clone(),
                    1 => story
                        .iter()
                        .enumerate()
                        .map(|(k, w)| {
                            if k % 12 == 5 {
                                format!("e{}", next(99))
                            } else {
                                w.clone()
                            }
                        })
                        .collect(),
                    2 => story[..story.len() / 3].to_vec(),
                    3 => (0..60 + next(100))
                        .map(|_| format!("w{}", next(3000)))
                        .collect(),
                    _ => story[5..].to_vec(),
                };
                let key = DocKey {
                    doc_id: format!("d{:03}", next(1000)),
                    published: (next(3) > 0).then(|| next(50) as i64),
                };
                (key, words.join(" "))
            })
            .collect()
    }

    #[test]
    fn partitions_find_what_memory_finds_whatever_their_number() {
        for (seed, n, released) in [(1, 120, 0), (2, 200, 60), (3, 90, 30)] {
            let config = DedupConfig {
                max_bucket: 6,
                ..DedupConfig::default()
            };
            let docs = corpus(n, seed);
            let sketcher = Sketcher::new(&config);
            let keys: Vec<DocKey> = docs.iter().map(|d| d.0.clone()).collect();
            let sketches: Vec<Sketch> = docs.iter().map(|d| sketcher.sketch(&d.1)).collect();
            // The released documents' verdicts, from a run over them alone.
            let first =
                deduplicate_with_released(&keys[..released], &sketches[..released], &[], &config);
            let released_ids = first.cluster_id;
            let whole = deduplicate_with_released(&keys, &sketches, &released_ids, &config);
            let kinds: std::collections::BTreeSet<&str> =
                whole.duplicates.iter().map(|d| d.kind.as_str()).collect();
            assert_eq!(kinds.len(), 3, "exact, near and contained: {kinds:?}");
            assert!(whole.stats.contained > 0 && whole.stats.clusters > 3);
            let rows = VecRows {
                keys: keys.clone(),
                sketches,
                released: released_ids,
            };
            for count in 1..=5 {
                let (clusters, duplicates) = run_partitioned(&rows, count, &config).unwrap();
                assert_eq!(
                    duplicates, whole.duplicates,
                    "seed {seed}, {count} partition(s)"
                );
                assert_eq!(clusters.clusters, whole.stats.clusters);
                assert_eq!(clusters.contained, whole.stats.contained);
                for (i, key) in keys.iter().enumerate().skip(released) {
                    let member = clusters.members.iter().find(|m| m.rank == i as u32);
                    let (id, rep) = member.map_or((key.doc_id.as_str(), true), |m| {
                        (m.cluster_id.as_str(), m.is_representative())
                    });
                    assert_eq!(id, whole.cluster_id[i], "doc {i}, {count} partition(s)");
                    assert_eq!(rep, whole.is_representative[i], "doc {i}");
                }
            }
        }
    }
}
