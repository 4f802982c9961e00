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

use super::sample::{containment_estimate, hash_bits, Sample};

/// Anchors keep shingles with at least this many leading zero bits (1 in 8).
pub const ANCHOR_LEVEL: u8 = 3;
/// Anchors looked up per document: its smallest values (those are also
/// anchors at every higher level, so a container has them too).
pub(super) const LOOKUPS: usize = 8;
/// Posting lists read per document: the rarest of those looked up.
const PROBES: usize = 4;
/// Anchors in more documents than this are boilerplate, not evidence.
const MAX_POSTINGS: usize = 50_000;

/// Anchor values are below 2^(32 − ANCHOR_LEVEL); the directory splits that
/// range into 2^16 buckets.
const BUCKET_SHIFT: u32 = 32 - ANCHOR_LEVEL as u32 - 16;

/// Sorted `(anchor << 32 | doc)` entries with a directory of bucket starts.
/// At a million documents the entries are ~600 MB; a plain binary search
/// over them misses the cache at every step, the directory narrows each
/// look-up to a few kilobytes first.
pub(super) struct AnchorIndex {
    entries: Vec<u64>,
    starts: Vec<usize>,
}

impl AnchorIndex {
    pub(super) fn new(mut entries: Vec<u64>) -> AnchorIndex {
        entries.par_sort_unstable();
        let buckets = 1usize << (32 - ANCHOR_LEVEL as u32 - BUCKET_SHIFT);
        let mut starts = vec![0usize; buckets + 1];
        for &e in &entries {
            let bucket = ((e >> 32) >> BUCKET_SHIFT) as usize;
            starts[bucket.min(buckets - 1) + 1] += 1;
        }
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
        AnchorIndex { entries, starts }
    }

    /// Entries of anchor value `v`, sorted by document.
    pub(super) fn postings(&self, v: u32) -> &[u64] {
        let bucket = ((v >> BUCKET_SHIFT) as usize).min(self.starts.len() - 2);
        let slice = &self.entries[self.starts[bucket]..self.starts[bucket + 1]];
        let start = slice.partition_point(|&e| (e >> 32) < v as u64);
        let end = start + slice[start..].partition_point(|&e| (e >> 32) <= v as u64);
        &slice[start..end]
    }
}

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
/// Documents with fewer than `min_shingles` shingles are never contained,
/// nor are those before `query_from` (released documents, whose verdicts an
/// incremental run keeps); they are still found as containers.
pub fn best_containers(
    docs: &[Candidate<'_>],
    threshold: f64,
    min_shingles: usize,
    query_from: usize,
) -> Vec<Option<(u32, f64)>> {
    let index = AnchorIndex::new(
        docs.iter()
            .enumerate()
            .filter(|(_, d)| d.active)
            .flat_map(|(i, d)| {
                anchors(d)
                    .iter()
                    .map(move |&v| (hash_bits(v) as u64) << 32 | i as u64)
            })
            .collect(),
    );
    docs.par_iter()
        .enumerate()
        .map(|(i, doc)| {
            if i < query_from || !doc.active || (doc.n_shingles as usize) < min_shingles {
                return None;
            }
            let (probes, required) = probes(anchors(doc), |v| index.postings(v).len())?;
            let lists: Vec<&[u64]> = probes.iter().map(|&v| index.postings(v)).collect();
            let container = |b: u32| {
                let c = &docs[b as usize];
                (c.sample, c.n_shingles)
            };
            best_of(doc, &found_in(&lists, required), container, threshold)
        })
        .collect()
}

/// The anchors (hash bits) whose posting lists are read for a document
/// with anchors `own`, rarest first, and in how many of them a container
/// must be found; `None` when every one is too common. `postings(v)` is
/// the length of anchor `v`'s list over every document, so the choice is
/// the same whether the index is held whole or in partitions.
pub(super) fn probes(own: &[u32], postings: impl Fn(u32) -> usize) -> Option<(Vec<u32>, usize)> {
    let mut probes: Vec<(usize, u32)> = own[..own.len().min(LOOKUPS)]
        .iter()
        .map(|&v| (postings(hash_bits(v)), hash_bits(v)))
        .filter(|&(n, _)| n <= MAX_POSTINGS)
        .collect();
    if probes.is_empty() {
        return None;
    }
    // Stable: equal lengths keep the order of the anchors.
    probes.sort_by_key(|p| p.0);
    probes.truncate(PROBES);
    // One missing anchor is forgiven when there are three or more.
    let required = if probes.len() >= 3 {
        probes.len() - 1
    } else {
        probes.len()
    };
    Some((probes.into_iter().map(|p| p.1).collect(), required))
}

/// The anchors of a document: its sample at [`ANCHOR_LEVEL`] or above.
pub(super) fn anchors<'s>(d: &Candidate<'s>) -> &'s [u32] {
    d.sample.at_level(d.sample.level().max(ANCHOR_LEVEL))
}

/// The best of the documents `found` (ascending) that contain `doc`:
/// highest containment, then longest, then first found. `container(b)`
/// gives document `b`'s sample and length.
pub(super) fn best_of<'s>(
    doc: &Candidate<'_>,
    found: &[u32],
    container: impl Fn(u32) -> (&'s Sample, u32),
    threshold: f64,
) -> Option<(u32, f64)> {
    let mut best: Option<(u32, f64, u32)> = None;
    for &b in found {
        let (sample, n_shingles) = container(b);
        // Only a longer document can contain it (this also skips itself).
        if n_shingles <= doc.n_shingles {
            continue;
        }
        let score = containment_estimate(doc.sample, sample);
        if score < threshold {
            continue;
        }
        let better = match best {
            None => true,
            Some((_, s, current)) => score > s || (score == s && n_shingles > current),
        };
        if better {
            best = Some((b, score, n_shingles));
        }
    }
    best.map(|(b, score, _)| (b, score))
}

/// Documents in at least `required` of `lists` (posting lists, each sorted
/// by document), ascending: a merge of the sorted lists. Sorting the
/// concatenation, or looking each document up, was the slowest part of
/// dedup at a million documents, where common anchors have long lists.
pub(super) fn found_in(lists: &[&[u64]], required: usize) -> Vec<u32> {
    let mut heads = vec![0usize; lists.len()];
    let mut found = Vec::new();
    loop {
        let next = lists
            .iter()
            .zip(&heads)
            .filter_map(|(l, &h)| l.get(h).map(|&e| e as u32))
            .min();
        let Some(doc) = next else {
            return found;
        };
        let mut count = 0;
        for (l, h) in lists.iter().zip(heads.iter_mut()) {
            if l.get(*h).is_some_and(|&e| e as u32 == doc) {
                count += 1;
                *h += 1;
            }
        }
        if count >= required {
            found.push(doc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::shingle::avalanche;
    use super::*;

    fn sample(range: std::ops::Range<u64>) -> (Sample, u32) {
        let mut v: Vec<u64> = range.map(avalanche).collect();
        v.sort_unstable();
        (Sample::new(&v, &[], 256), v.len() as u32)
    }

    #[test]
    fn merge_counts_documents_across_lists() {
        let list = |docs: &[u64]| docs.iter().map(|&d| 7u64 << 32 | d).collect::<Vec<_>>();
        let (a, b, c) = (list(&[1, 4, 9]), list(&[4, 5, 9]), list(&[2, 4]));
        assert_eq!(found_in(&[&a, &b, &c], 2), [4, 9]);
        assert_eq!(found_in(&[&a, &b, &c], 3), [4]);
        assert_eq!(found_in(&[&a], 1), [1, 4, 9]);
    }

    #[test]
    fn directory_lookups_match_a_scan() {
        let mut entries = Vec::new();
        for doc in 0..50u64 {
            for k in 0..40u64 {
                let v = (avalanche(doc * 7 + k % 9) as u32) >> ANCHOR_LEVEL;
                entries.push((v as u64) << 32 | doc);
            }
        }
        let index = AnchorIndex::new(entries.clone());
        entries.sort_unstable();
        for &e in entries.iter().step_by(13) {
            let v = (e >> 32) as u32;
            let scan: Vec<u64> = entries
                .iter()
                .copied()
                .filter(|x| x >> 32 == v as u64)
                .collect();
            assert_eq!(index.postings(v), &scan[..]);
        }
        assert!(index.postings(12345).is_empty() || index.postings(12345)[0] >> 32 == 12345);
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
        let found = best_containers(&input, 0.8, 20, 0);
        assert_eq!(found[2].map(|(b, _)| b), Some(0), "longest container wins");
        assert_eq!(found[3], None);
        assert_eq!(found[1], None);
        assert_eq!(found[4].map(|(b, _)| b), Some(0));
        assert_eq!(found[0], None, "nothing is longer than the article");
        // Released documents (before `query_from`) are containers, not queries.
        let later = best_containers(&input, 0.8, 20, 3);
        assert_eq!(later[2], None);
        assert_eq!(later[4].map(|(b, _)| b), Some(0));
        // Too short to judge:
        assert_eq!(best_containers(&input, 0.8, 100, 0)[2], None);
    }
}
