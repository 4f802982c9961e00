//! dedup: exact and near-duplicate clusters, one representative each.
//!
//! Exact duplicates share a hash of their normalized words. Near-duplicates
//! are found with word shingles → MinHash → LSH banding, and every candidate
//! pair is verified by exact Jaccard on the shingle sets before it may join a
//! cluster, so LSH's false positives never reach the output. Clusters come
//! from union-find; the representative is chosen by configurable rules with
//! the smallest `doc_id` as the final tie-break, so the result is the same
//! whatever the order or thread count.

pub mod cluster;
pub mod lsh;
pub mod minhash;
pub mod shingle;

use std::collections::HashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::InvalidValue;
use lsh::Banding;
use minhash::MinHasher;

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
    /// MinHash permutations.
    pub num_perm: usize,
    /// Jaccard similarity at or above which two documents are near-duplicates.
    pub threshold: f64,
    /// LSH bands and rows; derived from `threshold` and `num_perm` when unset.
    pub bands: Option<usize>,
    pub rows: Option<usize>,
    /// Seed of the MinHash permutations.
    pub seed: u64,
    /// Representative choice, before the final tie-break on smallest doc_id.
    pub representative: Vec<Preference>,
    /// LSH buckets larger than this are linked as a star, not all pairs.
    pub max_bucket: usize,
}

impl Default for DedupConfig {
    fn default() -> Self {
        DedupConfig {
            shingle_size: 5,
            num_perm: 128,
            threshold: 0.7,
            bands: None,
            rows: None,
            seed: 1,
            representative: vec![Preference::EarliestPublished, Preference::Longest],
            max_bucket: 64,
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
        if self.shingle_size == 0 || self.num_perm == 0 {
            return Err(bad(
                "num_perm",
                "shingle_size and num_perm must be positive".into(),
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

    /// The banding in effect: configured, or derived from the threshold.
    pub fn banding(&self) -> Banding {
        match (self.bands, self.rows) {
            (Some(bands), Some(rows)) => Banding { bands, rows },
            _ => lsh::optimal_banding(self.threshold, self.num_perm),
        }
    }
}

/// What dedup needs of a document.
#[derive(Debug, Clone, Copy)]
pub struct DedupInput<'a> {
    pub doc_id: &'a str,
    pub published: Option<i64>,
    pub text: &'a str,
}

/// Kind of a duplicate, as written to `duplicates.parquet`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Exact,
    Near,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Exact => "exact",
            Kind::Near => "near",
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
    /// Exact Jaccard similarity of shingle sets with the representative.
    pub similarity: f64,
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
    pub banding: Banding,
    pub candidate_pairs: u64,
    pub verified_pairs: u64,
    /// Clusters of two or more documents.
    pub clusters: u64,
}

/// Per-document state: normalized hash and shingle set.
struct Sketch {
    hash: u128,
    shingles: Vec<u64>,
}

/// Finds exact and near-duplicate clusters among `docs`.
pub fn deduplicate(docs: &[DedupInput<'_>], config: &DedupConfig) -> Dedup {
    let hasher = MinHasher::new(config.num_perm, config.seed);
    let banding = config.banding();
    let sketches: Vec<Sketch> = docs
        .par_iter()
        .map(|d| {
            let words = shingle::words(d.text);
            Sketch {
                hash: shingle::content_hash(&words),
                shingles: shingle::shingles(&words, config.shingle_size),
            }
        })
        .collect();

    let mut sets = cluster::UnionFind::new(docs.len());
    // Exact copies: link to the first document with the same hash; only that
    // first one goes on to LSH.
    let mut first_with_hash: HashMap<u128, u32> = HashMap::new();
    let mut in_lsh = vec![false; docs.len()];
    for (i, s) in sketches.iter().enumerate() {
        if s.shingles.is_empty() {
            continue;
        }
        match first_with_hash.get(&s.hash) {
            Some(&first) => sets.union(first, i as u32),
            None => {
                first_with_hash.insert(s.hash, i as u32);
                in_lsh[i] = true;
            }
        }
    }
    let keys: Vec<Option<Vec<u64>>> = sketches
        .par_iter()
        .zip(in_lsh.par_iter())
        .map(|(s, &take)| take.then(|| lsh::band_keys(&hasher.signature(&s.shingles), banding)))
        .collect();
    let candidates = lsh::candidate_pairs(&keys, config.max_bucket);
    let verified: Vec<(u32, u32)> = candidates
        .par_iter()
        .copied()
        .filter(|&(a, b)| {
            shingle::jaccard(
                &sketches[a as usize].shingles,
                &sketches[b as usize].shingles,
            ) >= config.threshold
        })
        .collect();
    for &(a, b) in &verified {
        sets.union(a, b);
    }

    let mut cluster_id: Vec<String> = docs.iter().map(|d| d.doc_id.to_string()).collect();
    let mut is_representative = vec![true; docs.len()];
    let mut duplicates = Vec::new();
    let groups = sets.groups();
    for group in &groups {
        let rep = choose_representative(group, docs, &sketches, &config.representative);
        let id = docs[rep].doc_id.to_string();
        for &member in group {
            let member = member as usize;
            cluster_id[member] = id.clone();
            if member == rep {
                continue;
            }
            is_representative[member] = false;
            let exact = sketches[member].hash == sketches[rep].hash;
            duplicates.push(Duplicate {
                doc: member,
                cluster_id: id.clone(),
                representative: rep,
                kind: if exact { Kind::Exact } else { Kind::Near },
                similarity: shingle::jaccard(&sketches[member].shingles, &sketches[rep].shingles),
            });
        }
    }
    Dedup {
        cluster_id,
        is_representative,
        content_hash: sketches
            .iter()
            .map(|s| format!("{:032x}", s.hash))
            .collect(),
        duplicates,
        banding,
        candidate_pairs: candidates.len() as u64,
        verified_pairs: verified.len() as u64,
        clusters: groups.len() as u64,
    }
}

/// The member that sorts first by the preferences, then by smallest doc_id.
fn choose_representative(
    group: &[u32],
    docs: &[DedupInput<'_>],
    sketches: &[Sketch],
    prefs: &[Preference],
) -> usize {
    let key = |i: usize| {
        let mut k: Vec<i64> = Vec::with_capacity(prefs.len());
        for p in prefs {
            k.push(match p {
                Preference::EarliestPublished => docs[i].published.unwrap_or(i64::MAX),
                Preference::Longest => -(sketches[i].shingles.len() as i64),
            });
        }
        (k, docs[i].doc_id)
    };
    group
        .iter()
        .map(|&i| i as usize)
        .min_by(|&a, &b| key(a).cmp(&key(b)))
        .unwrap_or(group[0] as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Newly elected Kazakh President Kassym-Jomart Tokayev has very big shoes \
        to fill. The 66-year-old career diplomat, former foreign minister and prime minister, \
        who was elected to lead Kazakhstan earlier this month, has succeeded Nursultan \
        Nazarbayev, a political heavyweight who is considered the founder of modern Kazakhstan.";

    fn input<'a>(id: &'a str, published: Option<i64>, text: &'a str) -> DedupInput<'a> {
        DedupInput {
            doc_id: id,
            published,
            text,
        }
    }

    #[test]
    fn finds_exact_and_near_duplicates() {
        let edited = STORY.replace("very big shoes", "big shoes");
        let shouting = STORY.to_uppercase();
        let other = "Syria's sports federation has complained to basketball's world governing \
                     body after Kazakhstan welcomed its team with the Iranian national anthem.";
        let docs = [
            input("d3", Some(30), STORY),
            input("d1", Some(10), &edited),
            input("d2", None, other),
            input("d0", Some(20), &shouting),
        ];
        let result = deduplicate(&docs, &DedupConfig::default());
        assert_eq!(result.clusters, 1);
        assert_eq!(result.cluster_id, ["d1", "d1", "d2", "d1"]);
        assert_eq!(result.is_representative, [false, true, true, false]);
        let kinds: Vec<(usize, Kind)> = result.duplicates.iter().map(|d| (d.doc, d.kind)).collect();
        assert_eq!(kinds, [(0, Kind::Near), (3, Kind::Near)]);
        assert_eq!(result.content_hash[0], result.content_hash[3]);
        assert!(result.duplicates[0].similarity >= 0.7);
    }

    #[test]
    fn exact_copies_cluster_and_tie_break_on_doc_id() {
        let docs = [input("b", None, STORY), input("a", None, STORY)];
        let result = deduplicate(&docs, &DedupConfig::default());
        assert_eq!(result.cluster_id, ["a", "a"]);
        assert_eq!(result.duplicates[0].kind, Kind::Exact);
        assert_eq!(result.duplicates[0].similarity, 1.0);
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
