//! dedup: exact, near-duplicate and contained documents, clustered, one
//! representative each.
//!
//! Each document is reduced once to a compact [`Sketch`] — a hash of its
//! normalized words, its LSH band keys (integers) and a consistent sample of
//! its shingles — so the text can be dropped before dedup runs, and a million
//! documents fit in memory. Exact copies share the hash. Near-duplicates are
//! found with word shingles → MinHash → LSH banding, and every candidate pair
//! is verified on the samples (exact Jaccard for texts with at most
//! `sample_size` shingles, an unbiased estimate above) before it may join a
//! cluster, so LSH's false positives never reach the output. Short texts
//! inside longer ones are found by [`containment`]. Clusters come from
//! union-find; the representative is chosen by configurable rules with the
//! smallest `doc_id` as the final tie-break, so the result is the same whatever
//! the order or thread count.

pub mod cluster;
pub mod containment;
pub mod lsh;
pub mod minhash;
pub mod partitioned;
pub mod sample;
pub mod shingle;

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::InvalidValue;
use lsh::Banding;
use minhash::MinHasher;
use sample::{containment_estimate, jaccard_estimate, Sample};

/// How the representative of a cluster is chosen, in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preference {
    /// Earliest `published` first (documents without a date last).
    EarliestPublished,
    /// Most words first.
    Longest,
}

/// Settings of the dedup stage (`[dedup]` in pipeline.toml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DedupConfig {
    /// Words per shingle.
    pub shingle_size: usize,
    /// Characters per shingle in scripts written without spaces (Chinese,
    /// Japanese, Thai, Lao, Khmer, Myanmar; see [`shingle`]); 0 shingles
    /// them by UAX #29 words like other text. Left out of the config's
    /// serialized form (and so of its hash) at its default, so releases
    /// made before it existed keep their config hash.
    #[serde(skip_serializing_if = "is_default_char_shingle_size")]
    pub char_shingle_size: usize,
    /// MinHash permutations.
    pub num_perm: usize,
    /// Jaccard similarity at or above which two documents are near-duplicates.
    pub threshold: f64,
    /// Lower Jaccard similarity at which two documents are near-duplicates
    /// too when their shared shingles spread over both (a copy with words
    /// edited everywhere, see [`sample::spread`]); 0 turns the test off, and
    /// at or above `threshold` it adds nothing.
    pub edited_threshold: f64,
    /// Share of each document's eighths that must hold shared shingles for
    /// the `edited_threshold` test.
    pub edited_spread: f64,
    /// LSH bands and rows; derived from the lower of `threshold` and
    /// `edited_threshold` and from `num_perm` when unset.
    pub bands: Option<usize>,
    pub rows: Option<usize>,
    /// Seed of the MinHash permutations.
    pub seed: u64,
    /// Representative choice, before the final tie-break on smallest doc_id.
    pub representative: Vec<Preference>,
    /// LSH buckets larger than this are linked as a star, not all pairs.
    pub max_bucket: usize,
    /// Weights of false positives and false negatives when bands/rows are
    /// derived from the threshold. Candidates are verified, so a false
    /// positive costs one comparison and a false negative a missed duplicate.
    pub lsh_weights: [f64; 2],
    /// Shingles kept per document for verification (more: closer estimates,
    /// 4 bytes each).
    pub sample_size: usize,
    /// Share of a shorter text's shingles that must be inside a longer
    /// document for it to count as contained; 0 turns containment off.
    pub containment: f64,
    /// Texts with fewer shingles than this are never counted as contained.
    pub containment_min_words: usize,
}

/// Characters per shingle in scripts without spaces, by default.
const DEFAULT_CHAR_SHINGLE_SIZE: usize = 5;

fn is_default_char_shingle_size(size: &usize) -> bool {
    *size == DEFAULT_CHAR_SHINGLE_SIZE
}

/// Upper bounds of the size-like dedup settings (see `validate`).
const MAX_SHINGLE_SIZE: usize = 32;
const MAX_NUM_PERM: usize = 1024;
const MAX_SAMPLE_SIZE: usize = 4096;
const MAX_BUCKET: usize = 1 << 20;

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            shingle_size: 3,
            char_shingle_size: DEFAULT_CHAR_SHINGLE_SIZE,
            num_perm: 128,
            threshold: 0.7,
            edited_threshold: 0.35,
            edited_spread: 0.75,
            bands: None,
            rows: None,
            seed: 1,
            representative: vec![Preference::EarliestPublished, Preference::Longest],
            max_bucket: 64,
            lsh_weights: [0.1, 0.9],
            sample_size: 256,
            containment: 0.8,
            containment_min_words: 20,
        }
    }
}

impl DedupConfig {
    pub(crate) fn validate(&self) -> Result<(), InvalidValue> {
        let bad = |key: &str, message: String| InvalidValue {
            key: format!("dedup.{key}"),
            span: 0..0,
            message,
        };
        if !(0.0..=1.0).contains(&self.threshold) || self.threshold == 0.0 {
            return Err(bad(
                "threshold",
                format!("must be in (0, 1], got {}", self.threshold),
            ));
        }
        // Ranges bound the memory a config can ask for: the sketch of every
        // document is held for the run (num_perm, sample_size).
        for (key, value, range) in [
            ("shingle_size", self.shingle_size, 1..=MAX_SHINGLE_SIZE),
            (
                "char_shingle_size",
                self.char_shingle_size,
                0..=MAX_SHINGLE_SIZE,
            ),
            ("num_perm", self.num_perm, 1..=MAX_NUM_PERM),
            ("sample_size", self.sample_size, 1..=MAX_SAMPLE_SIZE),
            ("max_bucket", self.max_bucket, 1..=MAX_BUCKET),
        ] {
            if !range.contains(&value) {
                return Err(bad(
                    key,
                    format!(
                        "must be in {}..={}, got {value}",
                        range.start(),
                        range.end()
                    ),
                ));
            }
        }
        if !(0.0..=1.0).contains(&self.edited_threshold) {
            return Err(bad(
                "edited_threshold",
                format!("must be in [0, 1], got {}", self.edited_threshold),
            ));
        }
        if !(0.0..=1.0).contains(&self.edited_spread) {
            return Err(bad(
                "edited_spread",
                format!("must be in [0, 1], got {}", self.edited_spread),
            ));
        }
        if !(0.0..=1.0).contains(&self.containment) {
            return Err(bad(
                "containment",
                format!("must be in [0, 1], got {}", self.containment),
            ));
        }
        if self.lsh_weights.iter().any(|w| w.is_nan() || *w < 0.0)
            || self.lsh_weights.iter().sum::<f64>() <= 0.0
        {
            return Err(bad(
                "lsh_weights",
                "two non-negative weights, not both 0".into(),
            ));
        }
        if let (Some(b), Some(r)) = (self.bands, self.rows) {
            if b * r > self.num_perm || b == 0 || r == 0 {
                return Err(bad(
                    "bands",
                    format!("bands × rows must be in 1..={}", self.num_perm),
                ));
            }
        } else if self.bands.is_some() != self.rows.is_some() {
            return Err(bad("bands", "set both bands and rows, or neither".into()));
        }
        Ok(())
    }

    /// The banding in effect: configured, or derived from the lowest
    /// similarity a pair may be accepted at.
    pub fn banding(&self) -> Banding {
        match (self.bands, self.rows) {
            (Some(bands), Some(rows)) => Banding { bands, rows },
            _ => lsh::optimal_banding(self.lowest_threshold(), self.num_perm, self.lsh_weights),
        }
    }

    /// The lower of `threshold` and `edited_threshold` when that test is
    /// on (at or above `threshold` it adds nothing).
    fn lowest_threshold(&self) -> f64 {
        if self.edited_threshold > 0.0 {
            self.edited_threshold.min(self.threshold)
        } else {
            self.threshold
        }
    }

    /// The two sketches' estimated Jaccard similarity, and the test, if
    /// any, that makes them near-duplicates.
    pub(crate) fn near_test(&self, a: &Sketch, b: &Sketch) -> (f64, Option<Test>) {
        let jaccard = jaccard_estimate(&a.sample, &b.sample);
        if jaccard >= self.threshold {
            return (jaccard, Some(Test::Jaccard));
        }
        if self.edited_threshold == 0.0
            || jaccard < self.edited_threshold
            || a.n_shingles.min(b.n_shingles) < EDITED_MIN_SHINGLES
        {
            return (jaccard, None);
        }
        let (x, y) = sample::spread(&a.sample, &b.sample, PLACE_SHARE);
        (
            jaccard,
            (x.min(y) >= self.edited_spread).then_some(Test::Spread),
        )
    }
}

/// Texts shorter than this (in shingles) are never near-duplicates by the
/// spread test: too few places to judge where the matches lie.
const EDITED_MIN_SHINGLES: u32 = 40;
/// Share of a place's sampled shingles that must be shared for the place
/// to count in [`sample::spread`]. A copy with a fifth of its words edited
/// keeps about 0.8³ ≈ 51 % of its word 3-grams in every place (a tenth:
/// 0.9³ ≈ 73 %); a place the other document does not share keeps next to
/// none.
const PLACE_SHARE: f64 = 0.25;

/// Which test joined a duplicate to its representative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Test {
    /// Same normalized words.
    ContentHash,
    /// Jaccard similarity at or above `threshold`.
    Jaccard,
    /// Jaccard similarity at or above `edited_threshold` with the shared
    /// shingles spread over both documents.
    Spread,
    /// Most of its shingles are inside the representative.
    Containment,
    /// Through other members of the cluster, not directly.
    Chain,
}

impl Test {
    pub fn as_str(self) -> &'static str {
        match self {
            Test::ContentHash => "content_hash",
            Test::Jaccard => "jaccard",
            Test::Spread => "spread",
            Test::Containment => "containment",
            Test::Chain => "chain",
        }
    }
}

/// A document's dedup state once its text is gone.
#[derive(Debug, Clone, Default)]
pub struct Sketch {
    /// Hash of the normalized words (exact copies share it).
    pub content_hash: u128,
    pub n_shingles: u32,
    /// LSH band keys; empty for a text without words.
    pub bands: Box<[u64]>,
    pub sample: Sample,
}

impl Sketch {
    /// Bytes this sketch occupies, itself and its heap.
    pub fn bytes(&self) -> usize {
        std::mem::size_of::<Sketch>() + self.bands.len() * 8 + self.sample.heap_bytes()
    }
}

/// Turns texts into [`Sketch`]es; built once per run from the config.
#[derive(Debug, Clone)]
pub struct Sketcher {
    hasher: MinHasher,
    banding: Banding,
    shingle_size: shingle::Size,
    sample_size: usize,
}

impl Sketcher {
    pub fn new(config: &DedupConfig) -> Sketcher {
        Sketcher {
            hasher: MinHasher::new(config.num_perm, config.seed),
            banding: config.banding(),
            shingle_size: shingle::Size::from(config),
            sample_size: config.sample_size,
        }
    }

    pub fn sketch(&self, text: &str) -> Sketch {
        self.sketch_shingled(shingle::shingle(text, self.shingle_size))
    }

    /// The sketch of a text given as its Unicode words.
    pub fn sketch_words(&self, words: &[&str]) -> Sketch {
        self.sketch_shingled(shingle::shingle_words(
            words.iter().copied(),
            self.shingle_size,
        ))
    }

    fn sketch_shingled(&self, shingled: shingle::Shingled) -> Sketch {
        let bands = if shingled.shingles.is_empty() {
            Box::default()
        } else {
            lsh::band_keys(&self.hasher.signature(&shingled.shingles), self.banding)
                .into_boxed_slice()
        };
        Sketch {
            content_hash: shingled.content_hash,
            n_shingles: shingled.shingles.len() as u32,
            bands,
            sample: Sample::new(&shingled.shingles, &shingled.places, self.sample_size),
        }
    }
}

/// What dedup needs of a document besides its sketch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocKey {
    pub doc_id: String,
    pub published: Option<i64>,
}

/// Kind of a duplicate, as written to `duplicates.parquet`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Same normalized words.
    Exact,
    /// Jaccard similarity at or above the threshold (possibly through other
    /// members of the cluster).
    Near,
    /// Most of its shingles are inside a longer member.
    Contained,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Exact => "exact",
            Kind::Near => "near",
            Kind::Contained => "contained",
        }
    }
}

/// A non-representative member of a cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    /// Index of the document in the input.
    pub doc: usize,
    pub cluster_id: String,
    pub representative: usize,
    pub kind: Kind,
    /// Similarity with the representative: Jaccard for exact and near
    /// duplicates, the share of the document inside it for contained ones.
    pub similarity: f64,
    /// The test that joins it to the representative.
    pub test: Test,
}

/// Dedup's verdict on every document.
#[derive(Debug, Clone)]
pub struct Dedup {
    /// Per input document: its cluster id (its representative's doc_id).
    pub cluster_id: Vec<String>,
    pub is_representative: Vec<bool>,
    /// Per input document: hash of its normalized words, hex.
    pub content_hash: Vec<String>,
    pub duplicates: Vec<Duplicate>,
    pub stats: DedupStats,
}

/// Counters for the manifest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct DedupStats {
    pub bands: usize,
    pub rows: usize,
    /// Distinct candidate pairs, and those verified. A sharded run sums
    /// them over its `buckets` tasks: a pair whose documents share bands
    /// of two tasks counts in both.
    pub candidate_pairs: u64,
    pub verified_pairs: u64,
    pub contained: u64,
    /// Clusters of two or more documents.
    pub clusters: u64,
    /// Mean bytes of dedup state held per document (0 in a sharded run,
    /// where no task holds them all).
    pub state_bytes_per_doc: u64,
}

/// Finds exact, near-duplicate and contained documents among `texts`
/// (sketching them first); `keys[i]` describes `texts[i]`.
pub fn deduplicate(keys: &[DocKey], texts: &[&str], config: &DedupConfig) -> Dedup {
    let sketcher = Sketcher::new(config);
    let sketches: Vec<Sketch> = texts.par_iter().map(|t| sketcher.sketch(t)).collect();
    deduplicate_sketches(keys, &sketches, config)
}

/// Clusters documents from their sketches; `keys[i]` describes `sketches[i]`.
pub fn deduplicate_sketches(keys: &[DocKey], sketches: &[Sketch], config: &DedupConfig) -> Dedup {
    deduplicate_with_released(keys, sketches, &[], config)
}

/// Clusters documents of which the first `released.len()` were published by
/// earlier runs, `released[i]` being the cluster id each was given then.
///
/// Released verdicts are fixed: a released document is never re-clustered,
/// never becomes a duplicate, and no row is produced for it. A new document
/// that matches released ones joins the released cluster whose
/// representative the preferences rank first; new documents that match only
/// each other cluster as in a full run. Pairs of two released documents are
/// not verified again. The result has an entry for every document; only new
/// documents appear in `duplicates`.
pub fn deduplicate_with_released(
    keys: &[DocKey],
    sketches: &[Sketch],
    released: &[String],
    config: &DedupConfig,
) -> Dedup {
    let n = sketches.len();
    let p = released.len();
    let banding = config.banding();
    let mut sets = cluster::UnionFind::new(n);
    // Exact copies: link to the first document with the same hash; only that
    // first one goes on to LSH and containment.
    let mut first_with_hash: HashMap<u128, u32> = HashMap::new();
    let mut active = vec![false; n];
    for (i, s) in sketches.iter().enumerate() {
        if s.n_shingles == 0 {
            continue;
        }
        match first_with_hash.get(&s.content_hash) {
            Some(&first) => sets.union(first, i as u32),
            None => {
                first_with_hash.insert(s.content_hash, i as u32);
                active[i] = true;
            }
        }
    }
    drop(first_with_hash);

    let keys_for_lsh: Vec<Option<&[u64]>> = sketches
        .iter()
        .zip(&active)
        .map(|(s, &take)| take.then_some(&s.bands[..]))
        .collect();
    let candidates = lsh::candidate_pairs(&keys_for_lsh, config.max_bucket);
    let verified: Vec<(u32, u32)> = candidates
        .par_iter()
        .copied()
        .filter(|&(a, b)| a.max(b) as usize >= p)
        .filter(|&(a, b)| {
            config
                .near_test(&sketches[a as usize], &sketches[b as usize])
                .1
                .is_some()
        })
        .collect();
    for &(a, b) in &verified {
        sets.union(a, b);
    }

    let mut contained_in: Vec<Option<u32>> = vec![None; n];
    if config.containment > 0.0 {
        let inputs: Vec<containment::Candidate<'_>> = sketches
            .iter()
            .zip(&active)
            .map(|(s, &active)| containment::Candidate {
                sample: &s.sample,
                n_shingles: s.n_shingles,
                active,
            })
            .collect();
        let found = containment::best_containers(
            &inputs,
            config.containment,
            config.containment_min_words,
            p,
        );
        for (a, best) in found.into_iter().enumerate() {
            if let Some((b, _)) = best {
                sets.union(a as u32, b);
                // A pair this similar is a near-duplicate, whatever its length.
                if config
                    .near_test(&sketches[a], &sketches[b as usize])
                    .1
                    .is_none()
                {
                    contained_in[a] = Some(b);
                }
            }
        }
    }

    let mut cluster_id: Vec<String> = keys.iter().map(|k| k.doc_id.clone()).collect();
    cluster_id[..p].clone_from_slice(released);
    let mut is_representative: Vec<bool> = (0..n)
        .map(|i| i >= p || released[i] == keys[i].doc_id)
        .collect();
    let mut duplicates = Vec::new();
    let mut clusters = 0u64;
    let groups = sets.groups();
    // Released documents by id, built only when a group needs one.
    let mut by_id: Option<HashMap<&str, usize>> = None;
    for group in &groups {
        // Groups are sorted: released members come first.
        let n_released = group.partition_point(|&m| (m as usize) < p);
        if n_released == group.len() {
            continue;
        }
        clusters += 1;
        let rep = if n_released == 0 {
            choose_representative(group, keys, sketches, &contained_in, &config.representative)
        } else {
            let by_id = by_id.get_or_insert_with(|| {
                keys[..p]
                    .iter()
                    .enumerate()
                    .map(|(i, k)| (k.doc_id.as_str(), i))
                    .collect()
            });
            let mut reps: Vec<u32> = group[..n_released]
                .iter()
                .filter_map(|&m| by_id.get(released[m as usize].as_str()))
                .map(|&r| r as u32)
                .collect();
            reps.sort_unstable();
            reps.dedup();
            if reps.is_empty() {
                // An index without its representatives: stand for the match.
                reps.push(group[0]);
            }
            // Released documents are never contained (`contained_in` is None).
            choose_representative(&reps, keys, sketches, &contained_in, &config.representative)
        };
        let id = if rep < p {
            released[rep].clone()
        } else {
            keys[rep].doc_id.clone()
        };
        for &member in &group[n_released..] {
            let member = member as usize;
            cluster_id[member] = id.clone();
            if member == rep {
                continue;
            }
            is_representative[member] = false;
            duplicates.push(describe(
                (member, &sketches[member]),
                (rep, &sketches[rep]),
                &id,
                contained_in[member],
                config,
            ));
        }
    }
    // In document order, as the sharded executor writes them.
    duplicates.sort_unstable_by_key(|d| d.doc);
    let state: usize = sketches.iter().map(Sketch::bytes).sum::<usize>()
        + keys
            .iter()
            .map(|k| std::mem::size_of::<DocKey>() + k.doc_id.len())
            .sum::<usize>();
    Dedup {
        cluster_id,
        is_representative,
        content_hash: sketches
            .iter()
            .map(|s| format!("{:032x}", s.content_hash))
            .collect(),
        duplicates,
        stats: DedupStats {
            bands: banding.bands,
            rows: banding.rows,
            candidate_pairs: candidates.len() as u64,
            verified_pairs: verified.len() as u64,
            contained: contained_in.iter().filter(|c| c.is_some()).count() as u64,
            clusters,
            state_bytes_per_doc: (state / n.max(1)) as u64,
        },
    }
}

/// How `member` (sketch `m`) relates to its cluster's representative
/// `rep` (sketch `r`); `contained_in` is the container it was found in.
pub fn describe(
    (member, m): (usize, &Sketch),
    (rep, r): (usize, &Sketch),
    cluster_id: &str,
    contained_in: Option<u32>,
    config: &DedupConfig,
) -> Duplicate {
    let (jaccard, near) = config.near_test(m, r);
    let (kind, similarity, test) = if m.content_hash == r.content_hash {
        (Kind::Exact, 1.0, Test::ContentHash)
    } else if let Some(test) = near {
        (Kind::Near, jaccard, test)
    } else if contained_in.is_some() {
        let containment = containment_estimate(&m.sample, &r.sample);
        let test = if contained_in == Some(rep as u32) {
            Test::Containment
        } else {
            Test::Chain
        };
        (Kind::Contained, containment, test)
    } else {
        (Kind::Near, jaccard, Test::Chain)
    };
    Duplicate {
        doc: member,
        cluster_id: cluster_id.to_string(),
        representative: rep,
        kind,
        similarity,
        test,
    }
}

/// The member that sorts first by the preferences, then by smallest doc_id.
/// A member found inside another is passed over while any member is not: a
/// feed excerpt should not stand for the article it was cut from.
fn choose_representative(
    group: &[u32],
    keys: &[DocKey],
    sketches: &[Sketch],
    contained_in: &[Option<u32>],
    prefs: &[Preference],
) -> usize {
    let facts = |i: usize| RepresentativeFacts {
        key: &keys[i],
        n_shingles: sketches[i].n_shingles,
        contained: contained_in[i].is_some(),
    };
    group
        .iter()
        .map(|&i| i as usize)
        .min_by(|&a, &b| facts(a).rank(prefs).cmp(&facts(b).rank(prefs)))
        .unwrap_or(group[0] as usize)
}

/// What the choice of a representative looks at.
pub(crate) struct RepresentativeFacts<'a> {
    pub key: &'a DocKey,
    pub n_shingles: u32,
    pub contained: bool,
}

impl RepresentativeFacts<'_> {
    /// Sorts first for the member that should represent its cluster.
    pub(crate) fn rank(&self, prefs: &[Preference]) -> (Vec<i64>, &str) {
        let mut k: Vec<i64> = Vec::with_capacity(prefs.len() + 1);
        k.push(self.contained as i64);
        for p in prefs {
            k.push(match p {
                Preference::EarliestPublished => self.key.published.unwrap_or(i64::MAX),
                Preference::Longest => -(self.n_shingles as i64),
            });
        }
        (k, self.key.doc_id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Newly elected Kazakh President Kassym-Jomart Tokayev has very big shoes \
        to fill. The 66-year-old career diplomat, former foreign minister and prime minister, \
        who was elected to lead Kazakhstan earlier this month, has succeeded Nursultan \
        Nazarbayev, a political heavyweight who is considered the founder of modern Kazakhstan.";

    /// The keys of `(doc_id, published, text)` triples.
    fn keys_of(docs: &[(&str, Option<i64>, &str)]) -> Vec<DocKey> {
        docs.iter()
            .map(|(id, published, _)| DocKey {
                doc_id: id.to_string(),
                published: *published,
            })
            .collect()
    }

    /// Dedups `(doc_id, published, text)` triples.
    fn run(docs: &[(&str, Option<i64>, &str)], config: &DedupConfig) -> Dedup {
        let keys = keys_of(docs);
        let texts: Vec<&str> = docs.iter().map(|d| d.2).collect();
        deduplicate(&keys, &texts, config)
    }

    /// `paragraphs` paragraphs of 60 made-up words each, from `seed`.
    fn article(seed: u64, paragraphs: usize) -> Vec<Vec<String>> {
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..paragraphs)
            .map(|_| {
                (0..60)
                    .map(|_| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        format!("w{}", x % 5000)
                    })
                    .collect()
            })
            .collect()
    }

    fn text_of(paragraphs: &[Vec<String>]) -> String {
        let joined: Vec<String> = paragraphs.iter().map(|p| p.join(" ")).collect();
        joined.join("\n\n")
    }

    #[test]
    fn a_copy_edited_everywhere_joins_but_shared_paragraphs_do_not() {
        let original = article(1, 8);
        // Every 15th word changed, in every paragraph: 5-gram Jaccard ~0.5.
        let mut edited = original.clone();
        for p in &mut edited {
            for (i, w) in p.iter_mut().enumerate() {
                if i % 15 == 7 {
                    *w = format!("edit{i}");
                }
            }
        }
        // Two of eight paragraphs copied into another article.
        let mut sharing = article(2, 8);
        sharing[1] = original[3].clone();
        sharing[5] = original[6].clone();
        let (a, b, c) = (text_of(&original), text_of(&edited), text_of(&sharing));
        let docs = [
            ("a", Some(1), a.as_str()),
            ("b", Some(2), b.as_str()),
            ("c", Some(3), c.as_str()),
        ];
        let config = DedupConfig::default();
        let d = run(&docs, &config);
        assert_eq!(d.cluster_id, ["a", "a", "c"]);
        let dup = &d.duplicates[0];
        assert_eq!((dup.kind, dup.test), (Kind::Near, Test::Spread));
        assert!(dup.similarity < config.threshold, "{}", dup.similarity);
        // With the test off, the edited copy stays apart.
        let off = DedupConfig {
            edited_threshold: 0.0,
            ..DedupConfig::default()
        };
        assert_eq!(run(&docs, &off).cluster_id, ["a", "b", "c"]);
    }

    /// Two texts of each script without spaces on the same meeting
    /// (written for these tests), the first edited once.
    const ZH_A: &str = "哈萨克斯坦总统托卡耶夫周一在阿斯塔纳会见了以色列总理，双方讨论了农业、\
        水资源管理和网络安全领域的合作。托卡耶夫表示，哈萨克斯坦愿意学习以色列在滴灌技术方面的\
        经验，并希望两国之间的贸易额在未来五年内翻一番。以色列总理则邀请哈萨克斯坦企业参加明年在\
        特拉维夫举行的创新博览会。";
    const ZH_B: &str = "以色列代表团本周抵达阿斯塔纳，与哈萨克斯坦政府签署了一系列合作协议。\
        根据协议，两国将在医疗、教育和高科技产业方面加强交流，并开通新的直飞航线。哈萨克斯坦外交\
        部长说，这次访问标志着两国关系进入了一个新阶段，双方还同意每年举行一次经济论坛。";
    const JA_A: &str = "カザフスタンのトカエフ大統領は月曜日、アスタナでイスラエルの首相と会談し、\
        農業や水資源管理、サイバーセキュリティの分野での協力について話し合った。大統領は点滴灌漑の\
        技術を学びたいと述べ、今後五年間で両国の貿易額を倍増させたいとの考えを示した。";
    const JA_B: &str =
        "イスラエルの代表団が今週アスタナに到着し、カザフスタン政府と一連の協力協定に\
        署名した。協定によると、両国は医療や教育、ハイテク産業の分野で交流を深め、新たな直行便も\
        開設する。カザフスタンの外相は、今回の訪問で両国関係は新しい段階に入ったと語った。";
    const TH_A: &str = "ประธานาธิบดีคาซัคสถานพบกับนายกรัฐมนตรีอิสราเอลที่กรุงอัสตานาเมื่อวันจันทร์ \
        ทั้งสองฝ่ายหารือเกี่ยวกับความร่วมมือด้านการเกษตร การจัดการน้ำ และความปลอดภัยทางไซเบอร์ \
        ประธานาธิบดีกล่าวว่าคาซัคสถานต้องการเรียนรู้เทคโนโลยีการให้น้ำแบบหยดจากอิสราเอล \
        และหวังว่าการค้าระหว่างสองประเทศจะเพิ่มขึ้นเป็นสองเท่าภายในห้าปี";
    const TH_B: &str = "คณะผู้แทนจากอิสราเอลเดินทางถึงกรุงอัสตานาในสัปดาห์นี้ \
        และลงนามในข้อตกลงหลายฉบับกับรัฐบาลคาซัคสถาน ตามข้อตกลงดังกล่าว \
        ทั้งสองประเทศจะร่วมมือกันด้านการแพทย์ การศึกษา และอุตสาหกรรมเทคโนโลยีขั้นสูง \
        รวมถึงเปิดเส้นทางบินตรงใหม่ รัฐมนตรีต่างประเทศคาซัคสถานกล่าวว่าการเยือนครั้งนี้\
        เป็นจุดเริ่มต้นของความสัมพันธ์ยุคใหม่";
    /// [`STORY`] in Russian.
    const STORY_RU: &str = "Новоизбранному президенту Казахстана Касым-Жомарту Токаеву предстоит \
        соответствовать очень высокой планке. 66-летний карьерный дипломат, бывший министр \
        иностранных дел и премьер-министр, избранный руководить Казахстаном в начале этого месяца, \
        сменил Нурсултана Назарбаева, политического тяжеловеса, которого считают основателем \
        современного Казахстана.";

    #[test]
    fn spaceless_scripts_find_edited_copies_and_keep_other_texts_apart() {
        let zh_edited = ZH_A.replace("五年", "三年");
        let ja_edited = JA_A.replace("月曜日", "火曜日");
        let th_edited = TH_A.replace("วันจันทร์", "วันอังคาร");
        let docs = [
            ("zh-a", Some(1), ZH_A),
            ("zh-a2", Some(2), zh_edited.as_str()),
            ("zh-b", Some(3), ZH_B),
            ("ja-a", Some(4), JA_A),
            ("ja-a2", Some(5), ja_edited.as_str()),
            ("ja-b", Some(6), JA_B),
            ("th-a", Some(7), TH_A),
            ("th-a2", Some(8), th_edited.as_str()),
            ("th-b", Some(9), TH_B),
            ("en", Some(10), STORY),
            ("ru", Some(11), STORY_RU),
        ];
        let result = run(&docs, &DedupConfig::default());
        assert_eq!(
            result.cluster_id,
            ["zh-a", "zh-a", "zh-b", "ja-a", "ja-a", "ja-b", "th-a", "th-a", "th-b", "en", "ru"]
        );
        for dup in &result.duplicates {
            assert_eq!(dup.kind, Kind::Near);
            assert!(dup.similarity >= 0.7, "{dup:?}");
        }
        // Each edit leaves the copy well above the threshold, and texts on
        // the same meeting share next to nothing.
        let sketcher = Sketcher::new(&DedupConfig::default());
        let jaccard = |a: &str, b: &str| {
            sample::jaccard_estimate(&sketcher.sketch(a).sample, &sketcher.sketch(b).sample)
        };
        for (a, b) in [(ZH_A, ZH_B), (JA_A, JA_B), (TH_A, TH_B), (STORY, STORY_RU)] {
            assert!(jaccard(a, b) < 0.1, "{} {a:.30}", jaccard(a, b));
        }
    }

    #[test]
    fn char_shingle_size_is_serialized_only_off_its_default() {
        // Configs (and their hashes, kept in every release) made before the
        // setting existed stay the same.
        let json = serde_json::to_string(&DedupConfig::default()).unwrap();
        assert!(!json.contains("char_shingle_size"), "{json}");
        let off = DedupConfig {
            char_shingle_size: 0,
            ..DedupConfig::default()
        };
        let json = serde_json::to_string(&off).unwrap();
        assert!(json.contains("\"char_shingle_size\":0"), "{json}");
        let back: DedupConfig = serde_json::from_str(&json).unwrap();
        assert_eq!(back, off);
    }

    #[test]
    fn finds_exact_and_near_duplicates() {
        let edited = STORY.replace("very big shoes", "big shoes");
        let shouting = STORY.to_uppercase();
        let other = "Syria's sports federation has complained to basketball's world governing \
                     body after Kazakhstan welcomed its team with the Iranian national anthem.";
        let docs = [
            ("d3", Some(30), STORY),
            ("d1", Some(10), &edited),
            ("d2", None, other),
            ("d0", Some(20), &shouting),
        ];
        let result = run(&docs, &DedupConfig::default());
        assert_eq!(result.stats.clusters, 1);
        assert_eq!(result.cluster_id, ["d1", "d1", "d2", "d1"]);
        assert_eq!(result.is_representative, [false, true, true, false]);
        let kinds: Vec<(usize, Kind)> = result.duplicates.iter().map(|d| (d.doc, d.kind)).collect();
        assert_eq!(kinds, [(0, Kind::Near), (3, Kind::Near)]);
        assert_eq!(result.content_hash[0], result.content_hash[3]);
        assert!(result.duplicates[0].similarity >= 0.7);
    }

    #[test]
    fn exact_copies_cluster_and_tie_break_on_doc_id() {
        let result = run(
            &[("b", None, STORY), ("a", None, STORY)],
            &DedupConfig::default(),
        );
        assert_eq!(result.cluster_id, ["a", "a"]);
        assert_eq!(result.duplicates[0].kind, Kind::Exact);
        assert_eq!(result.duplicates[0].similarity, 1.0);
    }

    #[test]
    fn an_excerpt_is_contained_in_its_article_not_its_representative() {
        let more = "Tokayev promised continuity at home and abroad, and his first visits \
            took him to Moscow and Beijing, where he spoke of trade, pipelines and grain. \
            Analysts in Almaty expect few changes before the parliamentary elections, \
            though a younger generation of officials is waiting for its turn in government.";
        let article = format!("{STORY}\n{more}");
        let docs = [
            ("excerpt", Some(1), STORY),
            ("article", Some(5), article.as_str()),
        ];
        let result = run(&docs, &DedupConfig::default());
        assert_eq!(result.cluster_id, ["article", "article"]);
        assert_eq!(result.duplicates.len(), 1);
        let dup = &result.duplicates[0];
        assert_eq!((dup.doc, dup.kind), (0, Kind::Contained));
        assert_eq!(dup.similarity, 1.0);
        assert_eq!(result.stats.contained, 1);
        // Turned off, the excerpt stands alone.
        let off = DedupConfig {
            containment: 0.0,
            ..DedupConfig::default()
        };
        assert_eq!(run(&docs, &off).stats.clusters, 0);
    }

    #[test]
    fn new_documents_join_released_clusters_and_released_verdicts_stay() {
        let edited = STORY.replace("very big shoes", "big shoes");
        let again = STORY.replace("career diplomat", "seasoned diplomat");
        let other = "Syria's sports federation has complained to basketball's world governing \
                     body after Kazakhstan welcomed its team with the Iranian national anthem.";
        let docs = [
            // released: `old` represents its cluster, `old-copy` is its duplicate
            ("old", Some(50), STORY),
            ("old-copy", Some(60), STORY),
            ("lone", Some(70), other),
            // new: an earlier-dated near copy, and an exact copy of `lone`
            ("new", Some(10), edited.as_str()),
            ("new2", Some(20), again.as_str()),
            ("new-lone", None, other),
        ];
        let keys = keys_of(&docs);
        let sketcher = Sketcher::new(&DedupConfig::default());
        let sketches: Vec<Sketch> = docs.iter().map(|d| sketcher.sketch(d.2)).collect();
        let released = ["old".to_string(), "old".to_string(), "lone".to_string()];
        let result =
            deduplicate_with_released(&keys, &sketches, &released, &DedupConfig::default());
        // Earlier publication would make `new` the representative in a full
        // run; released verdicts win instead.
        assert_eq!(
            result.cluster_id,
            ["old", "old", "lone", "old", "old", "lone"]
        );
        assert_eq!(
            result.is_representative,
            [true, false, true, false, false, false]
        );
        let rows: Vec<(usize, usize, Kind)> = result
            .duplicates
            .iter()
            .map(|d| (d.doc, d.representative, d.kind))
            .collect();
        assert_eq!(
            rows,
            [(3, 0, Kind::Near), (4, 0, Kind::Near), (5, 2, Kind::Exact)]
        );
        assert_eq!(result.stats.clusters, 2);
        // The same documents in one full run: `new` represents.
        let full = deduplicate_sketches(&keys, &sketches, &DedupConfig::default());
        assert_eq!(full.cluster_id[0], "new");
    }

    #[test]
    fn bad_settings_are_rejected() {
        let config = DedupConfig {
            bands: Some(20),
            rows: Some(20),
            ..DedupConfig::default()
        };
        assert!(config.validate().is_err());
        let config = DedupConfig {
            threshold: 1.5,
            ..DedupConfig::default()
        };
        assert_eq!(config.validate().unwrap_err().key, "dedup.threshold");
    }
}
