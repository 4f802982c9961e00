//! LSH banding: signatures → candidate pairs.
//!
//! A signature is cut into `bands` bands of `rows` values; two documents that
//! agree on a whole band become a candidate pair. The (bands, rows) split is
//! chosen the way datasketch does it: the one that minimizes the weighted
//! false-positive plus false-negative probability mass around the threshold.
//! datasketch weighs both 0.5; gleaner verifies every candidate, so its
//! default weighs false negatives 0.9 (more, shorter bands).

use std::sync::Mutex;

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// How a signature is cut into bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Banding {
    pub bands: usize,
    pub rows: usize,
}

/// The banding for `num_perm` permutations that best separates pairs above and
/// below `threshold`, with `weights` = (false positive, false negative).
///
/// About 280,000 `powf`s for 128 permutations (~20 ms of one core), asked
/// by the sketch and the cluster passes of every run: so the bands are
/// weighed in parallel, and an answer is kept for the process's later
/// questions.
pub fn optimal_banding(threshold: f64, num_perm: usize, weights: [f64; 2]) -> Banding {
    type Question = (u64, usize, [u64; 2]);
    static ANSWERS: Mutex<Vec<(Question, Banding)>> = Mutex::new(Vec::new());
    let question = (threshold.to_bits(), num_perm, weights.map(f64::to_bits));
    let answers = || {
        ANSWERS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    if let Some((_, banding)) = answers().iter().find(|(q, _)| *q == question) {
        return *banding;
    }
    let banding = weigh_bandings(threshold, num_perm, weights);
    answers().push((question, banding));
    banding
}

/// [`optimal_banding`] computed: the first (bands, rows), bands then rows
/// ascending, of least weighted error. Each band count's best is found on
/// its own thread; they are compared in order, as one loop would.
fn weigh_bandings(threshold: f64, num_perm: usize, weights: [f64; 2]) -> Banding {
    let per_bands: Vec<(f64, Banding)> = (1..=num_perm)
        .into_par_iter()
        .map(|bands| {
            let mut best = (f64::INFINITY, Banding { bands: 1, rows: 1 });
            for rows in 1..=num_perm / bands {
                let banding = Banding { bands, rows };
                let error = weighted_error(banding, threshold, weights);
                if error < best.0 {
                    best = (error, banding);
                }
            }
            best
        })
        .collect();
    let mut best = (f64::INFINITY, Banding { bands: 1, rows: 1 });
    for candidate in per_bands {
        if candidate.0 < best.0 {
            best = candidate;
        }
    }
    best.1
}

/// The false-positive probability mass below `threshold` and the
/// false-negative mass above it, weighed.
fn weighted_error(banding: Banding, threshold: f64, weights: [f64; 2]) -> f64 {
    let (b, r) = (banding.bands as f64, banding.rows as f64);
    let fp = integrate(|s| 1.0 - (1.0 - s.powf(r)).powf(b), 0.0, threshold);
    let fn_ = integrate(|s| (1.0 - s.powf(r)).powf(b), threshold, 1.0);
    weights[0] * fp + weights[1] * fn_
}

/// Simpson's rule with 100 intervals: plenty for these smooth curves.
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    const N: usize = 100;
    let h = (b - a) / N as f64;
    let mut sum = f(a) + f(b);
    for i in 1..N {
        let x = a + i as f64 * h;
        sum += if i % 2 == 1 { 4.0 } else { 2.0 } * f(x);
    }
    sum * h / 3.0
}

/// One band key per band of `signature`: integers, not strings, so the
/// per-document state stays at 8 bytes a band.
pub fn band_keys(signature: &[u32], banding: Banding) -> Vec<u64> {
    (0..banding.bands)
        .map(|band| {
            let rows = &signature[band * banding.rows..(band + 1) * banding.rows];
            let bytes: Vec<u8> = rows.iter().flat_map(|v| v.to_le_bytes()).collect();
            xxh3_64_with_seed(&bytes, band as u64)
        })
        .collect()
}

/// Candidate pairs `(i, j)`, `i < j`, sorted and distinct, of documents that
/// share a band key. `keys[d]` are the band keys of document `d`, or `None`
/// for documents that take no part (empty text, exact copies).
///
/// A bucket larger than `max_bucket` is linked as a star around its first
/// member rather than all pairs, so a flood of near-identical pages cannot
/// make the pair count quadratic.
///
/// One band at a time: band keys are seeded by band number, so buckets of
/// different bands are apart anyway, and the sorted (key, document) entries
/// are those of one band — 16 MB for a million documents, where all bands'
/// at once were 672 MB (42 bands), the dedup step's peak. The pairs found
/// so far are made distinct whenever they have doubled, as a pair of
/// near-duplicates turns up in most bands.
pub fn candidate_pairs(keys: &[Option<&[u64]>], max_bucket: usize) -> Vec<(u32, u32)> {
    let bands = keys.iter().flatten().map(|k| k.len()).max().unwrap_or(0);
    let mut entries: Vec<(u64, u32)> = Vec::new();
    let mut pairs = Vec::new();
    let mut distinct = 0;
    for band in 0..bands {
        entries.clear();
        entries.extend(
            keys.iter()
                .enumerate()
                .filter_map(|(doc, k)| Some((*k.as_ref()?.get(band)?, doc as u32))),
        );
        entries.par_sort_unstable();
        for bucket in entries.chunk_by(|x, y| x.0 == y.0) {
            if bucket.len() < 2 {
                continue;
            }
            if bucket.len() > max_bucket {
                pairs.extend(bucket[1..].iter().map(|e| (bucket[0].1, e.1)));
            } else {
                for (n, x) in bucket.iter().enumerate() {
                    pairs.extend(bucket[n + 1..].iter().map(|y| (x.1, y.1)));
                }
            }
        }
        if pairs.len() > 2 * distinct.max(1 << 16) {
            pairs.par_sort_unstable();
            pairs.dedup();
            distinct = pairs.len();
        }
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banding_follows_threshold() {
        // A higher threshold needs longer bands (fewer chance collisions).
        let even = [0.5, 0.5];
        let b = optimal_banding(0.8, 128, even);
        assert!(b.bands * b.rows <= 128);
        let loose = optimal_banding(0.3, 128, even);
        assert!(loose.rows < b.rows, "{loose:?} vs {b:?}");
        // datasketch's choice for 0.7 / 128 with equal weights.
        assert_eq!(
            optimal_banding(0.7, 128, even),
            Banding { bands: 14, rows: 9 }
        );
        // Weighing misses more gives more, shorter bands.
        let recall = optimal_banding(0.7, 128, [0.1, 0.9]);
        assert!(recall.bands > 14 && recall.rows < 9, "{recall:?}");
    }

    /// The nested loop `weigh_bandings` replaced, to check it against.
    fn one_loop(threshold: f64, num_perm: usize, weights: [f64; 2]) -> Banding {
        let mut best = (f64::INFINITY, Banding { bands: 1, rows: 1 });
        for bands in 1..=num_perm {
            for rows in 1..=num_perm / bands {
                let banding = Banding { bands, rows };
                let error = weighted_error(banding, threshold, weights);
                if error < best.0 {
                    best = (error, banding);
                }
            }
        }
        best.1
    }

    #[test]
    fn bands_weighed_in_parallel_and_kept_answer_as_one_loop_does() {
        for (threshold, num_perm, weights) in [
            (0.7, 128, [0.1, 0.9]),
            (0.35, 128, [0.1, 0.9]),
            (0.8, 64, [0.5, 0.5]),
            (0.5, 256, [0.3, 0.7]),
            (0.9, 16, [0.9, 0.1]),
            (0.0, 8, [0.5, 0.5]),
        ] {
            let expected = one_loop(threshold, num_perm, weights);
            assert_eq!(weigh_bandings(threshold, num_perm, weights), expected);
            // Asked twice: computed, then kept.
            assert_eq!(optimal_banding(threshold, num_perm, weights), expected);
            assert_eq!(optimal_banding(threshold, num_perm, weights), expected);
        }
    }

    #[test]
    fn shared_band_makes_a_pair() {
        let banding = Banding { bands: 2, rows: 2 };
        let a = band_keys(&[1, 2, 3, 4], banding);
        let b = band_keys(&[1, 2, 9, 9], banding);
        let c = band_keys(&[7, 7, 8, 8], banding);
        let pairs = candidate_pairs(&[Some(&a[..]), Some(&b[..]), Some(&c[..]), None], 10);
        assert_eq!(pairs, vec![(0, 1)]);
    }

    #[test]
    fn one_band_at_a_time_finds_the_pairs_of_all_bands_at_once() {
        // Keys from few values, tagged by band as the seeds make them, so
        // buckets of every size meet, some past max_bucket; more pairs
        // than the first clean-up of distinct pairs (65,536).
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            state >> 33
        };
        let docs: Vec<Option<Vec<u64>>> = (0..4000)
            .map(|d| (d % 11 != 0).then(|| (0..8u64).map(|b| (b << 32) | (next() % 500)).collect()))
            .collect();
        let keys: Vec<Option<&[u64]>> = docs.iter().map(|k| k.as_deref()).collect();
        let mut entries: Vec<(u64, u32)> = keys
            .iter()
            .enumerate()
            .filter_map(|(doc, k)| k.map(|k| (doc, k)))
            .flat_map(|(doc, k)| k.iter().map(move |&key| (key, doc as u32)))
            .collect();
        entries.sort_unstable();
        let mut all_at_once = Vec::new();
        for bucket in entries.chunk_by(|x, y| x.0 == y.0) {
            if bucket.len() > 12 {
                all_at_once.extend(bucket[1..].iter().map(|e| (bucket[0].1, e.1)));
            } else {
                for (n, x) in bucket.iter().enumerate() {
                    all_at_once.extend(bucket[n + 1..].iter().map(|y| (x.1, y.1)));
                }
            }
        }
        all_at_once.sort_unstable();
        all_at_once.dedup();
        assert!(all_at_once.len() > 1 << 16, "{}", all_at_once.len());
        assert_eq!(candidate_pairs(&keys, 12), all_at_once);
    }

    #[test]
    fn huge_bucket_becomes_a_star() {
        let key = [42u64];
        let keys = vec![Some(&key[..]); 5];
        assert_eq!(candidate_pairs(&keys, 3).len(), 4);
        assert_eq!(candidate_pairs(&keys, 10).len(), 10);
    }
}
