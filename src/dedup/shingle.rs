//! Word n-gram shingles of normalized text.
//!
//! Near-duplicates differ in case, punctuation, quotes and spacing more often
//! than in words, so shingles are built from lowercased Unicode words only.
//! Each shingle is hashed to a `u64` once; everything downstream (MinHash,
//! exact Jaccard) works on those hashes.

use unicode_segmentation::UnicodeSegmentation;
use xxhash_rust::xxh3::xxh3_64;

/// Lowercased Unicode words of `text`, punctuation dropped.
pub fn words(text: &str) -> Vec<String> {
    text.unicode_words().map(str::to_lowercase).collect()
}

/// Hash of the normalized text: equal for texts that differ only in case,
/// punctuation and spacing.
pub fn content_hash(words: &[String]) -> u128 {
    xxhash_rust::xxh3::xxh3_128(words.join(" ").as_bytes())
}

/// Sorted, distinct hashes of the word `n`-grams of `words`. A text shorter
/// than `n` words gives one shingle of all its words; an empty text, none.
pub fn shingles(words: &[String], n: usize) -> Vec<u64> {
    let n = n.max(1);
    let mut buf = Vec::new();
    let mut hash = |gram: &[String]| {
        buf.clear();
        for (i, w) in gram.iter().enumerate() {
            if i > 0 {
                buf.push(0x1f);
            }
            buf.extend_from_slice(w.as_bytes());
        }
        xxh3_64(&buf)
    };
    let mut out: Vec<u64> = if words.is_empty() {
        Vec::new()
    } else if words.len() < n {
        vec![hash(words)]
    } else {
        words.windows(n).map(&mut hash).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// Exact Jaccard similarity of two sorted, distinct shingle sets.
pub fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
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
    common as f64 / (a.len() + b.len() - common) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_punctuation_do_not_matter() {
        let a = words("\"Hello, World!\" said   the cat.");
        let b = words("hello world said the cat");
        assert_eq!(a, b);
        assert_eq!(content_hash(&a), content_hash(&b));
        assert_eq!(shingles(&a, 2), shingles(&b, 2));
    }

    #[test]
    fn shingle_counts_and_jaccard() {
        let w = words("a b c d e");
        assert_eq!(shingles(&w, 2).len(), 4);
        assert_eq!(shingles(&w, 9).len(), 1);
        assert!(shingles(&[], 3).is_empty());
        let x = shingles(&words("a b c d e"), 2);
        let y = shingles(&words("a b c d f"), 2);
        // 3 shared of 5 distinct
        assert!((jaccard(&x, &y) - 0.6).abs() < 1e-9);
        assert_eq!(jaccard(&x, &x), 1.0);
    }
}
