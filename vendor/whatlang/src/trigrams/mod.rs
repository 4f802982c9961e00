pub mod detection;
mod profiles;
pub mod utils;

pub use profiles::*;

pub use detection::{RawOutcome, detect, raw_detect};

#[derive(Debug, Eq, PartialEq, Hash, Ord, PartialOrd, Clone, Copy)]
pub struct Trigram(pub(crate) char, pub(crate) char, pub(crate) char);

// PATCH (gleaner): trigrams are counted and looked up as one integer, its
// three chars in 21-bit fields (every char fits), hashed by one multiply:
// hashing three chars through `Hash` and probing took half the time of
// detection. The packed keys order as the trigrams do.
impl Trigram {
    #[inline]
    pub(crate) fn pack(self) -> u64 {
        pack_chars(self.0, self.1, self.2)
    }
}

#[inline]
pub(crate) fn pack_chars(c1: char, c2: char, c3: char) -> u64 {
    (c1 as u64) << 42 | (c2 as u64) << 21 | c3 as u64
}

/// The trigram a key of [`pack_chars`] holds.
#[cfg(test)]
pub(crate) fn unpack(key: u64) -> Trigram {
    let char_of = |shift: u32| char::from_u32((key >> shift & 0x1F_FFFF) as u32).expect("a packed char");
    Trigram(char_of(42), char_of(21), char_of(0))
}

/// Hashes a packed trigram by a folded 128-bit multiply, which mixes every
/// input bit into the high bits (hashbrown's tag) and the low ones (its
/// bucket).
#[derive(Default, Clone, Copy)]
pub(crate) struct PackedHasher(u64);

impl std::hash::Hasher for PackedHasher {
    #[inline]
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed");
    }

    #[inline]
    fn write_u64(&mut self, key: u64) {
        let product = u128::from(key ^ 0x243F_6A88_85A3_08D3) * 0x9E37_79B9_7F4A_7C15;
        self.0 = (product as u64) ^ (product >> 64) as u64;
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type PackedMap<V> =
    hashbrown::HashMap<u64, V, std::hash::BuildHasherDefault<PackedHasher>>;

// Maximum distance(difference) for a trigram in a language profile and text profile.
pub const MAX_TRIGRAM_DISTANCE: u32 = 300;

// 300 trigrams where each has MAX_TOTAL_DISTANCE=300, gives us 90_000.
pub const MAX_TOTAL_DISTANCE: u32 = MAX_TRIGRAM_DISTANCE * MAX_TRIGRAM_DISTANCE;

// Double MAX_TRIGRAM_DISTANCE
pub const TEXT_TRIGRAMS_SIZE: usize = 600;
