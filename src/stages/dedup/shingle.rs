//! Word n-gram shingles of normalized text.
//!
//! Near-duplicates differ in case, punctuation, quotes and spacing more often
//! than in words, so shingles are built from lowercased Unicode words only
//! (UAX #29 word boundaries). Each word is hashed once and each shingle hash is
//! mixed from its words' hashes, so no word or shingle string is ever
//! allocated: shingling runs at the speed of word segmentation. Everything
//! downstream (MinHash, samples, containment) works on the `u64` hashes.

use unicode_segmentation::UnicodeSegmentation;
use xxhash_rust::xxh3::{xxh3_64, Xxh3};

/// What shingling gives for one text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shingled {
    /// Hash of the normalized word sequence: equal for texts that differ only
    /// in case, punctuation and spacing.
    pub content_hash: u128,
    /// Sorted, distinct shingle hashes.
    pub shingles: Vec<u64>,
    /// `places[i]`: in which eighth of the text `shingles[i]` first occurs
    /// (0..8), for [`super::sample::spread`].
    pub places: Vec<u8>,
}

/// Shingles `text` into word `n`-grams. A text shorter than `n` words gives
/// one shingle of all its words; a text without words, none.
pub fn shingle(text: &str, n: usize) -> Shingled {
    shingle_words(text.unicode_words(), n)
}

/// [`shingle`] of words already split by `unicode_words`.
pub fn shingle_words<'a>(words: impl IntoIterator<Item = &'a str>, n: usize) -> Shingled {
    let n = n.max(1);
    let mut content = Xxh3::new();
    let mut lower = String::new();
    let mut word_hashes: Vec<u64> = Vec::new();
    for word in words {
        lower.clear();
        // Most words are ASCII; lowercase them without the Unicode tables.
        if word.is_ascii() {
            lower.push_str(word);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(word.chars().flat_map(char::to_lowercase));
        }
        if !word_hashes.is_empty() {
            content.update(b" ");
        }
        content.update(lower.as_bytes());
        word_hashes.push(xxh3_64(lower.as_bytes()));
    }
    // Each shingle with its place in the text (which eighth), sorted by
    // hash then place, so deduplicating keeps the first occurrence's place.
    let mut placed: Vec<(u64, u8)> = if word_hashes.is_empty() {
        Vec::new()
    } else if word_hashes.len() < n {
        vec![(combine(&word_hashes), 0)]
    } else {
        let total = word_hashes.len() - n + 1;
        word_hashes
            .windows(n)
            .enumerate()
            .map(|(i, w)| (combine(w), (i * super::sample::PLACES / total) as u8))
            .collect()
    };
    placed.sort_unstable();
    placed.dedup_by_key(|p| p.0);
    let (shingles, places) = placed.into_iter().unzip();
    Shingled {
        content_hash: content.digest128(),
        shingles,
        places,
    }
}

/// Order-sensitive mix of word hashes into one shingle hash (a polynomial in
/// a large odd constant, finished with a 64-bit avalanche so every bit of
/// the result depends on every word).
fn combine(words: &[u64]) -> u64 {
    let mut h = words.len() as u64;
    for &w in words {
        h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(w);
    }
    avalanche(h)
}

/// The murmur3/splitmix finalizer.
pub fn avalanche(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Exact Jaccard similarity of two sorted, distinct sets.
pub fn jaccard<T: Ord>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = intersection(a, b);
    common as f64 / (a.len() + b.len() - common) as f64
}

/// Size of the intersection of two sorted, distinct sets.
pub fn intersection<T: Ord>(a: &[T], b: &[T]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_punctuation_do_not_matter() {
        let a = shingle("\"Hello, World!\" said   the cat.", 2);
        let b = shingle("hello world said the cat", 2);
        assert_eq!(a, b);
        let c = shingle("ÉCOLE Über", 1);
        assert_eq!(c, shingle("école über", 1));
        assert_ne!(
            a.content_hash,
            shingle("hello world said a cat", 2).content_hash
        );
    }

    #[test]
    fn word_order_matters_inside_a_shingle() {
        assert_ne!(shingle("a b", 2).shingles, shingle("b a", 2).shingles);
    }

    #[test]
    fn shingle_counts_and_jaccard() {
        assert_eq!(shingle("a b c d e", 2).shingles.len(), 4);
        assert_eq!(shingle("a b c d e", 9).shingles.len(), 1);
        assert!(shingle(" ... ", 3).shingles.is_empty());
        let x = shingle("a b c d e", 2).shingles;
        let y = shingle("a b c d f", 2).shingles;
        // 3 shared of 5 distinct
        assert!((jaccard(&x, &y) - 0.6).abs() < 1e-9);
        assert_eq!(jaccard(&x, &x), 1.0);
        assert_eq!(intersection(&x, &y), 3);
    }
}
