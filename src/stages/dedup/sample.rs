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
//!
//! The lowest [`PLACE_BITS`] bits of a stored value say where in the
//! document the shingle first occurs (which eighth), not its hash: values
//! match on the hash bits alone ([`hash_bits`]). Where the matches lie is
//! what tells a copy edited everywhere (matches in every part) from an
//! article that shares a paragraph or two with another (matches in one
//! place): see [`spread`]. It costs no space, and with the 29 hash bits
//! left two different shingles match by chance once in 5·10⁸ pairs of
//! values (about once in 8,000 pairs of full 256-value samples).

/// Highest level: keeps one shingle in 2²⁹ (beyond any real document; a
/// level's bound `2³²⁻ˡᵉᵛᵉˡ` must stay above the place bits).
const MAX_LEVEL: u8 = 29;
/// Low bits of a stored value that hold the shingle's place.
pub const PLACE_BITS: u32 = 3;
/// Parts a document is cut into for [`spread`].
pub const PLACES: usize = 1 << PLACE_BITS;
const PLACE_MASK: u32 = (1 << PLACE_BITS) - 1;

/// The hash bits of a stored value (its place cleared): what matches.
#[inline]
pub fn hash_bits(v: u32) -> u32 {
    v & !PLACE_MASK
}

/// The place (0..[`PLACES`]) of a stored value.
#[inline]
pub fn place(v: u32) -> usize {
    (v & PLACE_MASK) as usize
}

/// A consistent sample of a document's shingle hashes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sample {
    level: u8,
    values: Box<[u32]>,
}

impl Sample {
    /// Samples sorted, distinct `shingles`, keeping at most about `max`;
    /// `places[i]` (0..[`PLACES`]) is where `shingles[i]` first occurs, or
    /// `places` is empty when that is unknown (all in place 0).
    pub fn new(shingles: &[u64], places: &[u8], max: usize) -> Sample {
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
            .enumerate()
            .filter(|(_, h)| h.leading_zeros() >= level as u32)
            .map(|(i, h)| {
                let place = places.get(i).map_or(0, |&p| p as u32 & PLACE_MASK);
                hash_bits((h >> 32) as u32) | place
            })
            .collect();
        // Sorted u64s give values sorted by hash bits; values with equal
        // hash bits are merged (the first place is kept).
        values.dedup_by_key(|v| hash_bits(*v));
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

/// Calls `matched(i, j)` for every value `x[i]` whose hash bits equal
/// those of `y[j]` (both sorted, distinct in hash bits); returns how many.
fn merge(x: &[u32], y: &[u32], mut matched: impl FnMut(usize, usize)) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < x.len() && j < y.len() {
        match hash_bits(x[i]).cmp(&hash_bits(y[j])) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                matched(i, j);
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common
}

/// Estimated Jaccard similarity of the documents behind two samples.
pub fn jaccard_estimate(a: &Sample, b: &Sample) -> f64 {
    let level = a.level.max(b.level);
    let (x, y) = (a.at_level(level), b.at_level(level));
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    let common = merge(x, y, |_, _| {});
    common as f64 / (x.len() + y.len() - common) as f64
}

/// Estimated share of `a`'s shingles that are also in `b`; 0 when `a`'s
/// sample is empty at the common level (nothing to judge by).
pub fn containment_estimate(a: &Sample, b: &Sample) -> f64 {
    let level = a.level.max(b.level);
    let (x, y) = (a.at_level(level), b.at_level(level));
    if x.is_empty() {
        return 0.0;
    }
    merge(x, y, |_, _| {}) as f64 / x.len() as f64
}

/// How evenly two documents' shared shingles spread over each of them: for
/// `a` and for `b`, the share of its places (eighths) holding sampled
/// shingles in which at least `share` of them are also in the other. A copy
/// with words edited everywhere scores near 1 on both; an article that
/// shares one paragraph of eight with another scores near 1/8, however
/// long that paragraph. Samples with fewer than [`PLACES`] values at the
/// common level score 0: too few to say.
pub fn spread(a: &Sample, b: &Sample, share: f64) -> (f64, f64) {
    let level = a.level.max(b.level);
    let (x, y) = (a.at_level(level), b.at_level(level));
    if x.len() < PLACES || y.len() < PLACES {
        return (0.0, 0.0);
    }
    let (mut in_x, mut in_y) = ([0u32; PLACES], [0u32; PLACES]);
    merge(x, y, |i, j| {
        in_x[place(x[i])] += 1;
        in_y[place(y[j])] += 1;
    });
    let covered = |values: &[u32], matched: &[u32; PLACES]| {
        let mut total = [0u32; PLACES];
        for &v in values {
            total[place(v)] += 1;
        }
        let parts = total.iter().filter(|&&t| t > 0).count();
        let good = (0..PLACES)
            .filter(|&k| total[k] > 0 && matched[k] as f64 >= share * total[k] as f64)
            .count();
        good as f64 / parts.max(1) as f64
    };
    (covered(x, &in_x), covered(y, &in_y))
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
        let sample = Sample::new(&s, &[], 256);
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
            Sample::new(&a, &[], 256),
            Sample::new(&b, &[], 256),
            Sample::new(&short, &[], 256),
        );
        assert!(sa.level() >= 4, "level {}", sa.level());
        assert!(sa.at_level(sa.level()).len() <= 256);
        let j = jaccard_estimate(&sa, &sb);
        assert!((j - 0.6).abs() < 0.08, "jaccard estimate {j}");
        assert_eq!(containment_estimate(&ss, &sa), 1.0);
        let c = containment_estimate(&sa, &ss);
        assert!((c - 0.1).abs() < 0.06, "containment estimate {c}");
    }

    /// Places of `n` shingles laid out in order (shingle `i` of `n`).
    fn places_in_order(shingles: &[u64], order: &[u64]) -> Vec<u8> {
        shingles
            .iter()
            .map(|h| {
                let i = order.iter().position(|o| o == h).unwrap();
                (i * PLACES / order.len()) as u8
            })
            .collect()
    }

    #[test]
    fn places_do_not_change_matching() {
        let a = set(0..400);
        let order: Vec<u64> = (0..400).map(avalanche).collect();
        let mut reversed = order.clone();
        reversed.reverse();
        let sa = Sample::new(&a, &places_in_order(&a, &order), 256);
        let sb = Sample::new(&a, &places_in_order(&a, &reversed), 256);
        assert_ne!(sa, sb);
        assert_eq!(jaccard_estimate(&sa, &sb), 1.0);
        assert_eq!(containment_estimate(&sa, &sb), 1.0);
    }

    #[test]
    fn spread_tells_edits_everywhere_from_one_shared_part() {
        // 800 shingles in order; an edited copy keeps every other one
        // everywhere; an article that shares a part keeps the first 100.
        let order: Vec<u64> = (0..800).map(avalanche).collect();
        let sample_of = |kept: Vec<u64>| {
            let mut sorted = kept.clone();
            sorted.sort_unstable();
            Sample::new(&sorted, &places_in_order(&sorted, &kept), 256)
        };
        let original = sample_of(order.clone());
        let edited = sample_of(order.iter().step_by(2).copied().collect());
        let shared: Vec<u64> = order[..100]
            .iter()
            .copied()
            .chain((5000..5700).map(avalanche))
            .collect();
        let shared = sample_of(shared);
        let (x, y) = spread(&original, &edited, 0.25);
        assert!(x >= 0.99 && y >= 0.99, "{x} {y}");
        let (x, y) = spread(&original, &shared, 0.25);
        assert!(x <= 0.25 && y <= 0.25, "{x} {y}");
    }

    #[test]
    fn higher_levels_are_prefixes() {
        let sample = Sample::new(&set(0..1000), &[], 2000);
        let mut last = usize::MAX;
        for level in 0..8 {
            let n = sample.at_level(level).len();
            assert!(n <= last);
            last = n;
        }
        assert!(last > 0 && last < 20, "{last}");
    }
}
