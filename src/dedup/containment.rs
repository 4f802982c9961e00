//! Containment: a short text (a feed excerpt, a lead paragraph) inside a
//! longer document.
//!
//! MinHash LSH cannot find these: an excerpt of a fifth of an article has a
//! Jaccard similarity near 0.2 with it. Instead every document's sample
//! values with at least [`ANCHOR_LEVEL`] leading zeros (about one shingle in
//! eight) go into an inverted index. If A is inside B, each of A's anchors is
//! also one of B's, because the choice depends only on the shingle hash. So
//! for each document A we look up its few smallest anchors (a consistent
//! choice too), read the posting lists of the rarest of them,
//! keep the longer documents found in nearly all of them, and verify each by
//! the containment estimate of the two samples. A is linked to its single best
//! container only: a short generic text must not bridge unrelated articles
//! into one cluster.

use rayon::prelude::*;

use super::sample::{containment_estimate, Sample};

/// Anchors keep shingles with at least this many leading zero bits (1 in 8).
pub const ANCHOR_LEVEL: u8 = 3;
/// Anchors looked up per document: its smallest values (those are also
/// anchors at every higher level, so a container has them too).
const LOOKUPS: usize = 8;
/// Posting lists read per document: the rarest of those looked up.
const PROBES: usize = 4;
/// Anchors in more documents than this are boilerplate, not evidence.
const MAX_POSTINGS: usize = 50_000;

/// What containment search needs of each document.
pub struct Candidate<'a> {
    pub sample: &'a Sample,
    pub n_shingles: u32,
    /// False for documents that take no part (no text, or an exact copy).
    pub active: bool,
}

/// For each document, its best container `(index, containment)`: the longer
/// document that holds at least `threshold` of its shingles, preferring the
/// highest containment, then the longest, then the smallest index.
/// Documents with fewer than `min_shingles` shingles are never contained.
pub fn best_containers(
    docs: &[Candidate<'_>],
    threshold: f64,
    min_shingles: usize,
) -> Vec<Option<(u32, f64)>> {
    fn anchors<'s>(d: &Candidate<'s>) -> &'s [u32] {
        d.sample.at_level(d.sample.level().max(ANCHOR_LEVEL))
    }
    let mut index: Vec<u64> = docs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.active)
        .flat_map(|(i, d)| anchors(d).iter().map(move |&v| (v as u64) << 32 | i as u64))
        .collect();
    index.par_sort_unstable();
    let postings = |v: u32| {
        let start = index.partition_point(|&e| (e >> 32) < v as u64);
        let end = index.partition_point(|&e| (e >> 32) <= v as u64);
        &index[start..end]
    };
    docs.par_iter()
        .enumerate()
        .map(|(a, doc)| {
            if !doc.active || (doc.n_shingles as usize) < min_shingles {
                return None;
            }
            let own = anchors(doc);
            let mut lists: Vec<&[u64]> = own[..own.len().min(LOOKUPS)]
                .iter()
                .map(|&v| postings(v))
                .filter(|p| p.len() <= MAX_POSTINGS)
                .collect();
            if lists.is_empty() {
                return None;
            }
            lists.sort_by_key(|p| p.len());
            lists.truncate(PROBES);
            // One missing anchor is forgiven when there are three or more.
            let required = if lists.len() >= 3 {
                lists.len() - 1
            } else {
                lists.len()
            };
            // Only longer documents can contain it: filter before sorting.
            let mut found: Vec<u32> = lists
                .iter()
                .flat_map(|p| p.iter().map(|&e| e as u32))
                .filter(|&b| docs[b as usize].n_shingles > doc.n_shingles)
                .collect();
            found.sort_unstable();
            let mut best: Option<(u32, f64)> = None;
            for run in found.chunk_by(|x, y| x == y) {
                let b = run[0];
                let container = &docs[b as usize];
                if run.len() < required || b as usize == a || container.n_shingles <= doc.n_shingles
                {
                    continue;
                }
                let score = containment_estimate(doc.sample, container.sample);
                if score < threshold {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((c, s)) => {
                        let current = docs[c as usize].n_shingles;
                        score > s || (score == s && container.n_shingles > current)
                    }
                };
                if better {
                    best = Some((b, score));
                }
            }
            best
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::shingle::avalanche;
    use super::*;

    fn sample(range: std::ops::Range<u64>) -> (Sample, u32) {
        let mut v: Vec<u64> = range.map(avalanche).collect();
        v.sort_unstable();
        (Sample::new(&v, 256), v.len() as u32)
    }

    #[test]
    fn excerpt_finds_its_article_and_only_it() {
        let docs = [
            sample(0..600),         // article
            sample(10_000..10_600), // unrelated article
            sample(100..180),       // excerpt of the article
            sample(20_000..20_080), // unrelated short text
            sample(0..590),         // near copy of the article, shorter
        ];
        let input: Vec<Candidate<'_>> = docs
            .iter()
            .map(|(s, n)| Candidate {
                sample: s,
                n_shingles: *n,
                active: true,
            })
            .collect();
        let found = best_containers(&input, 0.8, 20);
        assert_eq!(found[2].map(|(b, _)| b), Some(0), "longest container wins");
        assert_eq!(found[3], None);
        assert_eq!(found[1], None);
        assert_eq!(found[4].map(|(b, _)| b), Some(0));
        assert_eq!(found[0], None, "nothing is longer than the article");
        // Too short to judge:
        assert_eq!(best_containers(&input, 0.8, 100)[2], None);
    }
}
