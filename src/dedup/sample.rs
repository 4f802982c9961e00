//! Consistent shingle samples: the part of a document dedup keeps for
//! verification once its text is gone.
//!
//! A document keeps the shingles whose hash has at least `level` leading zero
//! bits, with the smallest `level` that keeps at most `max` of them, and stores
//! the top 32 bits of each. Because the rule depends only on the hash, two
//! samples restricted to the larger of their two levels are uniform samples of
//! the same shingles, so their Jaccard similarity and containment estimate
//! the documents' own without bias (Broder's MOD-sampling). A document with at
//! most `max` shingles keeps them all (level 0), so short texts are compared
//! exactly. Unlike a MinHash signature, a sample also answers "how much of A is
//! inside B", which is what containment needs.
//!
//! The stored values are sorted, so the values of a higher level are a prefix
//! (those below `2³²⁻ˡᵉᵛᵉˡ`): restricting costs one binary search.

use super::shingle::{intersection, jaccard};

/// Highest level: keeps one shingle in 2³¹ (beyond any real document).
const MAX_LEVEL: u8 = 31;

/// A consistent sample of a document's shingle hashes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sample {
    level: u8,
    values: Box<[u32]>,
}

impl Sample {
    /// Samples sorted, distinct `shingles`, keeping at most about `max`.
    pub fn new(shingles: &[u64], max: usize) -> Sample {
        // How many shingles have at least k leading zeros, for each k.
        let mut at_least = [0usize; 65];
        for &h in shingles {
            at_least[h.leading_zeros() as usize] += 1;
        }
        for k in (0..64).rev() {
            at_least[k] += at_least[k + 1];
        }
        let level = (0..=MAX_LEVEL)
            .find(|&k| at_least[k as usize] <= max.max(1))
            .unwrap_or(MAX_LEVEL);
        let mut values: Vec<u32> = shingles
            .iter()
            .filter(|h| h.leading_zeros() >= level as u32)
            .map(|h| (h >> 32) as u32)
            .collect();
        // Sorted u64s give sorted top halves; equal top halves are merged.
        values.dedup();
        Sample {
            level,
            values: values.into_boxed_slice(),
        }
    }

    pub fn level(&self) -> u8 {
        self.level
    }

    /// Every stored value, sorted (what [`Sample::from_parts`] takes back).
    pub fn values(&self) -> &[u32] {
        &self.values
    }

    /// A sample as stored by an earlier run: its level and sorted values.
    pub fn from_parts(level: u8, values: Vec<u32>) -> Sample {
        Sample {
            level: level.min(MAX_LEVEL),
            values: values.into_boxed_slice(),
        }
    }

    /// Bytes of heap this sample holds.
    pub fn heap_bytes(&self) -> usize {
        self.values.len() * std::mem::size_of::<u32>()
    }

    /// The sampled values at `level` (≥ this sample's level).
    pub fn at_level(&self, level: u8) -> &[u32] {
        if level <= self.level {
            return &self.values;
        }
        let bound = 1u64 << (32 - level.min(32) as u32);
        let end = self.values.partition_point(|&v| (v as u64) < bound);
        &self.values[..end]
    }
}

/// Estimated Jaccard similarity of the documents behind two samples.
pub fn jaccard_estimate(a: &Sample, b: &Sample) -> f64 {
    let level = a.level.max(b.level);
    jaccard(a.at_level(level), b.at_level(level))
}

/// Estimated share of `a`'s shingles that are also in `b`; 0 when `a`'s
/// sample is empty at the common level (nothing to judge by).
pub fn containment_estimate(a: &Sample, b: &Sample) -> f64 {
    let level = a.level.max(b.level);
    let (x, y) = (a.at_level(level), b.at_level(level));
    if x.is_empty() {
        return 0.0;
    }
    intersection(x, y) as f64 / x.len() as f64
}

#[cfg(test)]
mod tests {
    use super::super::shingle::avalanche;
    use super::*;

    fn set(range: std::ops::Range<u64>) -> Vec<u64> {
        let mut v: Vec<u64> = range.map(avalanche).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn small_sets_are_kept_whole() {
        let s = set(0..100);
        let sample = Sample::new(&s, 256);
        assert_eq!(sample.level(), 0);
        assert_eq!(sample.at_level(0).len(), 100);
        assert_eq!(jaccard_estimate(&sample, &sample), 1.0);
    }

    #[test]
    fn large_sets_are_sampled_and_estimates_stay_close() {
        let a = set(0..4000);
        let b = set(1000..5000); // true Jaccard 3000/5000 = 0.6
        let short = set(2000..2400); // wholly inside both
        let (sa, sb, ss) = (
            Sample::new(&a, 256),
            Sample::new(&b, 256),
            Sample::new(&short, 256),
        );
        assert!(sa.level() >= 4, "level {}", sa.level());
        assert!(sa.at_level(sa.level()).len() <= 256);
        let j = jaccard_estimate(&sa, &sb);
        assert!((j - 0.6).abs() < 0.08, "jaccard estimate {j}");
        assert_eq!(containment_estimate(&ss, &sa), 1.0);
        let c = containment_estimate(&sa, &ss);
        assert!((c - 0.1).abs() < 0.06, "containment estimate {c}");
    }

    #[test]
    fn higher_levels_are_prefixes() {
        let sample = Sample::new(&set(0..1000), 2000);
        let mut last = usize::MAX;
        for level in 0..8 {
            let n = sample.at_level(level).len();
            assert!(n <= last);
            last = n;
        }
        assert!(last > 0 && last < 20, "{last}");
    }
}
