//! MinHash signatures.
//!
//! Each of `num_perm` hash functions maps a shingle hash `x` to
//! `(a·x + b) mod 2⁶⁴ >> 32` (multiply-add-shift, with odd random `a`), and the
//! minimum over the document's shingles is kept: `u32` values, as datasketch
//! keeps. The probability that two signatures agree in one position is the
//! Jaccard similarity of the shingle sets, which is what LSH banding relies
//! on. datasketch uses `(a·x + b) mod (2⁶¹−1)`; the Mersenne reduction costs a
//! 128-bit product per permutation and shingle, while multiply-shift is one
//! 64-bit multiply, and shingle hashes are already uniformly mixed, so the
//! cheaper family loses nothing measurable (see the estimate test below).
//! Parameters come from a seeded generator, so signatures are the same on
//! every run and machine.

use super::shingle::avalanche;

/// Computes MinHash signatures with a fixed set of permutations.
#[derive(Debug, Clone)]
pub struct MinHasher {
    a: Vec<u64>,
    b: Vec<u64>,
}

impl MinHasher {
    pub fn new(num_perm: usize, seed: u64) -> MinHasher {
        let mut state = seed;
        let mut next = move || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            avalanche(state)
        };
        let mut a = Vec::with_capacity(num_perm);
        let mut b = Vec::with_capacity(num_perm);
        for _ in 0..num_perm {
            a.push(next() | 1);
            b.push(next());
        }
        MinHasher { a, b }
    }

    pub fn num_perm(&self) -> usize {
        self.a.len()
    }

    /// The signature of a shingle set; all `u32::MAX` for an empty set.
    ///
    /// The same loop is compiled three times: for AVX-512 (which multiplies
    /// eight 64-bit lanes in one instruction), for AVX2 (four lanes, each
    /// multiply made of 32-bit ones) and for any x86-64 or other CPU; the
    /// CPU running it picks one. Integer arithmetic, so every version gives
    /// the same signature (a test checks the ones this CPU has).
    pub fn signature(&self, shingles: &[u64]) -> Vec<u32> {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
            {
                // SAFETY: the CPU has the features the function is built for.
                return unsafe { self.signature_avx512(shingles) };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: as above.
                return unsafe { self.signature_avx2(shingles) };
            }
        }
        self.signature_with(shingles)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq")]
    fn signature_avx512(&self, shingles: &[u64]) -> Vec<u32> {
        self.signature_with(shingles)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn signature_avx2(&self, shingles: &[u64]) -> Vec<u32> {
        self.signature_with(shingles)
    }

    /// The signature loop, inlined into each CPU's version.
    ///
    /// Shingles go through the permutations four at a time, so each
    /// permutation's parameters and running minimum are loaded once per four
    /// products instead of once per product: the multiplies are the whole cost.
    #[inline(always)]
    fn signature_with(&self, shingles: &[u64]) -> Vec<u32> {
        let mut sig = vec![u32::MAX; self.a.len()];
        let h = |a: u64, b: u64, x: u64| (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
        let mut blocks = shingles.chunks_exact(4);
        for block in &mut blocks {
            let [x0, x1, x2, x3] = [block[0], block[1], block[2], block[3]];
            for (slot, (&a, &b)) in sig.iter_mut().zip(self.a.iter().zip(&self.b)) {
                let m = h(a, b, x0)
                    .min(h(a, b, x1))
                    .min(h(a, b, x2).min(h(a, b, x3)));
                *slot = (*slot).min(m);
            }
        }
        for &x in blocks.remainder() {
            for (slot, (&a, &b)) in sig.iter_mut().zip(self.a.iter().zip(&self.b)) {
                *slot = (*slot).min(h(a, b, x));
            }
        }
        sig
    }
}

/// Estimated Jaccard similarity: the share of equal positions.
pub fn estimate(a: &[u32], b: &[u32]) -> f64 {
    let equal = a.iter().zip(b).filter(|(x, y)| x == y).count();
    equal as f64 / a.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::super::shingle::jaccard;
    use super::*;

    #[test]
    fn estimate_tracks_true_jaccard() {
        let hasher = MinHasher::new(256, 7);
        let a: Vec<u64> = (0..1000u64).map(avalanche).collect();
        for overlap in [900u64, 600, 300] {
            let mut b: Vec<u64> = a[..overlap as usize].to_vec();
            b.extend((0..1000 - overlap).map(|i| avalanche(i + 5000)));
            b.sort_unstable();
            let mut a_sorted = a.clone();
            a_sorted.sort_unstable();
            let truth = jaccard(&a_sorted, &b);
            let est = estimate(&hasher.signature(&a), &hasher.signature(&b));
            assert!((truth - est).abs() < 0.08, "truth {truth} est {est}");
        }
    }

    #[test]
    fn blocked_loop_equals_the_definition() {
        let hasher = MinHasher::new(16, 3);
        for n in [0usize, 1, 3, 4, 5, 9] {
            let set: Vec<u64> = (0..n as u64).map(avalanche).collect();
            let expected: Vec<u32> = (0..16)
                .map(|i| {
                    set.iter()
                        .map(|&x| {
                            (hasher.a[i].wrapping_mul(x).wrapping_add(hasher.b[i]) >> 32) as u32
                        })
                        .min()
                        .unwrap_or(u32::MAX)
                })
                .collect();
            assert_eq!(hasher.signature(&set), expected, "{n} shingles");
        }
    }

    #[test]
    fn every_cpu_version_gives_the_same_signature() {
        let hasher = MinHasher::new(128, 11);
        for n in [0usize, 1, 3, 4, 5, 64, 1001] {
            let set: Vec<u64> = (0..n as u64).map(|i| avalanche(i * 31 + 7)).collect();
            let portable = hasher.signature_with(&set);
            assert_eq!(hasher.signature(&set), portable, "{n} shingles");
            #[cfg(target_arch = "x86_64")]
            {
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU has AVX2.
                    assert_eq!(unsafe { hasher.signature_avx2(&set) }, portable);
                }
                if std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512dq")
                {
                    // SAFETY: the CPU has AVX-512 F and DQ.
                    assert_eq!(unsafe { hasher.signature_avx512(&set) }, portable);
                }
            }
        }
    }

    #[test]
    fn same_seed_same_signature() {
        let s = [1u64, 2, 3, 99];
        assert_eq!(
            MinHasher::new(64, 1).signature(&s),
            MinHasher::new(64, 1).signature(&s)
        );
        assert_ne!(
            MinHasher::new(64, 1).signature(&s),
            MinHasher::new(64, 2).signature(&s)
        );
    }
}
