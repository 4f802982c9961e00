//! A trained model's weight rows, laid out for the decoder's look-ups.
//!
//! Decoding a token adds the weight rows of about 40 hashed features (four
//! in five of which the model has); the English tables hold 13 MB, so most
//! look-ups miss the cache. Looked up one by one in a `HashMap`, each miss
//! waited for the one before: whether a feature has a row is a branch no
//! predictor guesses, and a mispredicted branch throws away the loads
//! issued after it. Here the decoder asks for a token's features at once:
//! every feature's slot is prefetched, then the slots are probed and the
//! rows found are prefetched, then the rows are added, so the misses of a
//! step overlap. Same sums in the same order: the same labels (tagging
//! +1 to +4 % on news text, `ner speed`: the misses overlap, they are no
//! fewer). Keeping only a row's non-zero weights (3.4 of 17 on
//! average) was tried: a fifth of the memory, but the scattered adds cost
//! more than the misses they saved.
//!
//! A row of 17 floats is 68 bytes, so stored end to end every row spanned
//! two cache lines, and a found feature cost three: its slot and two for
//! its row. The slot had 4 bytes of padding, so now the `O` weight lives
//! there and the other 16 are one aligned 64-byte line: two lines a found
//! feature. Each label's sum still adds the same floats in the same order.

use super::model::N_LABELS;

/// One slot of the open-addressing index: a feature, its row and the
/// row's weight of label 0 (`O`), which fills what was padding.
#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// The feature's hash; 0 marks an empty slot (a feature hashed to 0
    /// lives in [`WeightTable::zero`]).
    key: u64,
    row: u32,
    o: f32,
}

/// Weights of a row past label 0: one cache line.
const REST: usize = N_LABELS - 1;

/// The weights of labels 1.. of a row, aligned so that they are one
/// cache line.
#[derive(Debug, Clone, Copy)]
#[repr(C, align(64))]
struct Rest([f32; REST]);

const _: () = assert!(std::mem::size_of::<Rest>() == 64 && std::mem::size_of::<Slot>() == 16);

/// Feature → weight row (`N_LABELS` floats), read-only once built.
#[derive(Debug, Clone, Default)]
pub(super) struct WeightTable {
    /// Linear probing, at most 70 % full: a feature the model lacks is
    /// found absent after two or three probes, nearly always in one line.
    slots: Vec<Slot>,
    /// Shift that takes a mixed key to a slot (`64 - log2(slots)`).
    shift: u32,
    /// The row and `O` weight of feature 0, which the empty-slot marker
    /// cannot hold.
    zero: Option<(u32, f32)>,
    /// Each row's weights of labels 1.. (label 0's is in its slot).
    rest: Vec<Rest>,
    /// Keys in row order (for writing the model back).
    keys: Vec<u64>,
}

/// Features looked up together; a token has about 40.
const BATCH: usize = 64;

impl WeightTable {
    /// A table of `rows`, each a feature and its weights; row `i` is
    /// the `i`-th given. A feature given twice is an error (its name).
    pub fn from_rows(
        rows: impl IntoIterator<Item = (u64, [f32; N_LABELS])>,
    ) -> Result<WeightTable, u64> {
        let rows = rows.into_iter();
        let mut t = WeightTable::default();
        let (lower, _) = rows.size_hint();
        t.keys.reserve(lower);
        t.rest.reserve(lower);
        let mut o = Vec::with_capacity(lower);
        for (key, w) in rows {
            t.keys.push(key);
            o.push(w[0]);
            t.rest.push(Rest(std::array::from_fn(|l| w[l + 1])));
        }
        let bits = (t.keys.len() * 10 / 7 + 1)
            .max(16)
            .next_power_of_two()
            .trailing_zeros();
        t.shift = 64 - bits;
        t.slots = vec![Slot::default(); 1 << bits];
        for (row, (&key, &o)) in t.keys.iter().zip(&o).enumerate() {
            let row = row as u32;
            if key == 0 {
                if t.zero.replace((row, o)).is_some() {
                    return Err(key);
                }
                continue;
            }
            let mut i = t.home(key);
            loop {
                let slot = &mut t.slots[i];
                if slot.key == 0 {
                    *slot = Slot { key, row, o };
                    break;
                }
                if slot.key == key {
                    return Err(key);
                }
                i = (i + 1) & (t.slots.len() - 1);
            }
        }
        Ok(t)
    }

    /// Number of features with a row.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Every feature and its weights, in row order.
    pub fn rows(&self) -> impl Iterator<Item = (u64, [f32; N_LABELS])> + '_ {
        self.keys.iter().map(|&key| {
            let (row, o) = self.find(key).expect("every key has a slot");
            let rest = &self.rest[row as usize].0;
            (
                key,
                std::array::from_fn(|l| if l == 0 { o } else { rest[l - 1] }),
            )
        })
    }

    /// The slot where a search for `key` starts (Fibonacci hashing: the
    /// features are hashes already, the multiply spreads any pattern).
    #[inline]
    fn home(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize
    }

    /// `key`'s row and its weight of label 0.
    #[inline]
    pub fn find(&self, key: u64) -> Option<(u32, f32)> {
        if key == 0 {
            return self.zero;
        }
        let mask = self.slots.len().checked_sub(1)?;
        let mut i = self.home(key);
        loop {
            let slot = self.slots[i];
            if slot.key == key {
                return Some((slot.row, slot.o));
            }
            if slot.key == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds `feature`'s row, if it has one, to `scores`.
    #[inline]
    pub fn add(&self, feature: u64, scores: &mut [f32; N_LABELS]) {
        if let Some((row, o)) = self.find(feature) {
            add_split(scores, o, &self.rest[row as usize]);
        }
    }

    /// Adds row `row`, whose weight of label 0 is `o` (as
    /// [`find`](Self::find) gave them), to `scores`: the same sum as
    /// [`add`](Self::add) of its feature.
    #[inline]
    pub fn add_row_at(&self, row: u32, o: f32, scores: &mut [f32; N_LABELS]) {
        add_split(scores, o, &self.rest[row as usize]);
    }

    /// Asks the memory for row `row`, to be added soon.
    #[inline]
    pub fn prefetch_row(&self, row: u32) {
        if let Some(rest) = self.rest.get(row as usize) {
            prefetch(rest);
        }
    }

    /// Adds the rows of all `features`, in order, to `scores`: what
    /// [`add_groups`](Self::add_groups) does with one group (the same
    /// sums), without counting groups — a token's context features are
    /// one group, and the counting cost a tenth of the look-ups.
    pub fn add_all(&self, features: &[u64], scores: &mut [f32; N_LABELS]) {
        self.add_rows(features, || (), |(), o, rest| add_split(scores, o, rest));
    }

    /// Adds the rows of `features` in groups of `group`: group `g`'s rows,
    /// in order, to `out[g]` — the same sums in the same order as
    /// [`add`](Self::add) one feature at a time, so the same floats.
    pub fn add_groups(&self, features: &[u64], group: usize, out: &mut [[f32; N_LABELS]]) {
        let group = group.max(1);
        let (mut g, mut in_group) = (0usize, 0);
        let next_group = || {
            let this = g;
            in_group += 1;
            if in_group == group {
                (g, in_group) = (g + 1, 0);
            }
            this
        };
        self.add_rows(features, next_group, |g, o, rest| {
            add_split(&mut out[g], o, rest)
        });
    }

    /// The batched look-up of [`add_all`](Self::add_all) and
    /// [`add_groups`](Self::add_groups): `tag()` is called once per
    /// feature, in order, and `add(tag, o, rest)` once per feature with a
    /// row, in order, after every slot of its batch was prefetched and
    /// probed and every row found prefetched.
    #[inline(always)]
    fn add_rows<T: Copy + Default>(
        &self,
        features: &[u64],
        mut tag: impl FnMut() -> T,
        mut add: impl FnMut(T, f32, &Rest),
    ) {
        if self.slots.is_empty() {
            return;
        }
        let mut found = [(T::default(), 0u32, 0f32); BATCH];
        for chunk in features.chunks(BATCH) {
            for &f in chunk {
                prefetch(&self.slots[self.home(f)]);
            }
            let mut n = 0;
            for &f in chunk {
                let t = tag();
                if let Some((row, o)) = self.find(f) {
                    prefetch(&self.rest[row as usize]);
                    found[n] = (t, row, o);
                    n += 1;
                }
            }
            for &(t, row, o) in &found[..n] {
                add(t, o, &self.rest[row as usize]);
            }
        }
    }
}

/// Adds a weight row to label scores: the one sum the model's tables and
/// the trainer's share, so both give the same floats.
#[inline]
pub(super) fn add_row(scores: &mut [f32; N_LABELS], row: &[f32]) {
    for (s, x) in scores.iter_mut().zip(row) {
        *s += x;
    }
}

/// [`add_row`] for a row kept as its `O` weight and the rest: each label
/// gets the same one addition.
///
/// The other 16 are added four lanes at a time, written out: where the
/// decoder adds a neighbour's rows the compiler had made 16 scalar
/// load-add-stores of them. A lane's sum is the same one IEEE addition.
#[inline]
fn add_split(scores: &mut [f32; N_LABELS], o: f32, rest: &Rest) {
    scores[0] += o;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE is part of every x86_64 CPU; each unaligned load and
    // store stays inside `scores[1..17]` and `rest.0[0..16]`.
    unsafe {
        use std::arch::x86_64::{_mm_add_ps, _mm_loadu_ps, _mm_storeu_ps};
        let s = scores.as_mut_ptr().add(1);
        let x = rest.0.as_ptr();
        for k in (0..REST).step_by(4) {
            _mm_storeu_ps(
                s.add(k),
                _mm_add_ps(_mm_loadu_ps(s.add(k)), _mm_loadu_ps(x.add(k))),
            );
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    for (s, x) in scores[1..].iter_mut().zip(&rest.0) {
        *s += x;
    }
}

/// Asks the CPU to bring every cache line of `x` closer; a hint, nothing
/// more.
#[inline(always)]
pub(super) fn prefetch_all<T>(x: &T) {
    let bytes = (x as *const T).cast::<u8>();
    // The first line, then each line that starts inside `x`.
    prefetch_at(bytes);
    let first = 64 - (bytes as usize & 63);
    for offset in (first..std::mem::size_of::<T>()).step_by(64) {
        prefetch_at(bytes.wrapping_add(offset));
    }
}

/// Asks the CPU to bring `x`'s cache line closer; a hint, nothing more.
#[inline(always)]
fn prefetch<T>(x: &T) {
    prefetch_at((x as *const T).cast());
}

/// [`prefetch`] of the line holding address `at`.
#[inline(always)]
fn prefetch_at(at: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint: it never faults, whatever the address,
    // and writes nothing.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(at.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(x: f32) -> [f32; N_LABELS] {
        std::array::from_fn(|l| x + l as f32)
    }

    #[test]
    fn finds_every_row_and_nothing_else() {
        // Enough keys for runs of probes, and feature 0.
        let keys: Vec<u64> = (1..1000u64)
            .map(|k| k << 54)
            .chain([0, 7, u64::MAX])
            .collect();
        let t = WeightTable::from_rows(keys.iter().map(|&k| (k, row(k as f32)))).unwrap();
        assert_eq!(t.len(), keys.len());
        for &k in &keys {
            let mut s = [0.0; N_LABELS];
            t.add(k, &mut s);
            assert_eq!(s, row(k as f32));
        }
        let mut s = [0.0; N_LABELS];
        for k in [1u64, 3 << 54 | 1, 12345] {
            t.add(k, &mut s);
        }
        assert_eq!(s, [0.0; N_LABELS]);
        assert_eq!(
            WeightTable::from_rows([(5, row(1.0)), (5, row(2.0))]).unwrap_err(),
            5
        );
        assert!(WeightTable::from_rows([]).unwrap().rows().next().is_none());
        // The rows come back as given, in row order.
        let back: Vec<(u64, Vec<f32>)> = t.rows().map(|(k, w)| (k, w.to_vec())).collect();
        let given: Vec<(u64, Vec<f32>)> =
            keys.iter().map(|&k| (k, row(k as f32).to_vec())).collect();
        assert_eq!(back, given);
    }

    #[test]
    fn grouped_sums_are_the_one_by_one_sums() {
        let t =
            WeightTable::from_rows((1..200u64).map(|k| (k * 7919, row(1.0 / k as f32)))).unwrap();
        // More features than a batch, half of them absent, groups of 3.
        let features: Vec<u64> = (0..150u64).map(|k| k * 7919 + (k % 2)).collect();
        let mut grouped = vec![[0.0; N_LABELS]; 50];
        t.add_groups(&features, 3, &mut grouped);
        for (g, chunk) in features.chunks(3).enumerate() {
            let mut s = [0.0; N_LABELS];
            for &f in chunk {
                t.add(f, &mut s);
            }
            assert_eq!(grouped[g], s, "group {g}");
        }
        let mut empty = [[0.0; N_LABELS]];
        WeightTable::default().add_groups(&features, 150, &mut empty);
        assert_eq!(empty[0], [0.0; N_LABELS]);
        // One group: add_all, the same floats as one by one.
        let (mut all, mut one_by_one) = ([0.5; N_LABELS], [0.5; N_LABELS]);
        t.add_all(&features, &mut all);
        for &f in &features {
            t.add(f, &mut one_by_one);
        }
        assert_eq!(all.map(f32::to_bits), one_by_one.map(f32::to_bits));
        WeightTable::default().add_all(&features, &mut empty[0]);
        assert_eq!(empty[0], [0.0; N_LABELS]);
    }
}
