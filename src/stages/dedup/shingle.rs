//! Shingles of normalized text: word n-grams where the script separates
//! words with spaces, character n-grams where it does not.
//!
//! Near-duplicates differ in case, punctuation, quotes and spacing more often
//! than in words, so shingles are built from lowercased Unicode words only
//! (UAX #29 word boundaries). Each word is hashed once and each shingle hash is
//! mixed from its words' hashes, so no word or shingle string is ever
//! allocated: shingling runs at the speed of word segmentation. Everything
//! downstream (MinHash, samples, containment) works on the `u64` hashes.
//!
//! Chinese, Japanese, Thai, Lao, Khmer and Myanmar are written without
//! spaces between words, and UAX #29 has no dictionary: it cuts them into
//! single characters, except runs such as Katakana words or numbers, so a
//! "word 5-gram" there is an arbitrary mix of 5 characters and whole words.
//! datatrove met this (its issue 234) and now loads a dictionary word
//! tokenizer per language (jieba, SudachiPy, pythainlp); gleaner instead
//! shingles those scripts by characters (grapheme clusters), which needs no
//! dictionary and no language id, and works for a page that mixes scripts:
//! a word of these scripts ([`is_spaceless`]) gives one unit per character,
//! any other word one unit, and a shingle spans `n` words or `n_chars`
//! characters (a mixed shingle weighs each word as `n_chars / n`
//! characters). Text without these scripts never reaches that code: its
//! shingles and content hash are those of word shingling, bit for bit, so
//! released sketches stay valid. Hangul is written with spaces and stays
//! word-based. A translation shares no shingles with its original (other
//! words, often another script), so it is never a near-duplicate.
//!
//! Character 5-grams by default (data-juicer's choice for Chinese too):
//! Han, Hiragana and Thai text shingles as UAX #29 already cut it, so
//! released sketches of such text mostly stay valid; Katakana words and
//! numbers or Latin words inside such text are what change. Measured by
//! `benches/dedup/scripts/run.sh` (UD PUD Chinese and Thai, 200
//! five-sentence documents each; Botchan, 255 paragraphs; each with one copy
//! with a share of its letters substituted): with 10 % of letters edited,
//! words find 90 / 87 / 99.5 % of the Chinese / Japanese / Thai copies,
//! character 5-grams 90 / 91 / 99.5 %, 4-grams 99.5 / 98 / 100 %, 3-grams
//! all; with 3–6 % edited every setting finds all; no setting joined a
//! distinct pair (paragraphs of one novel included). Smaller n raises the
//! Jaccard of unrelated texts (Thai code-point 3-grams: up to 0.14 between
//! PUD documents), and same-topic news is likelier to share 3- or 4-grams
//! than these texts, so 5 stays the default and `dedup.char_shingle_size`
//! trades recall for precision.

use unicode_segmentation::UnicodeSegmentation;

use crate::stages::script::is_spaceless;
use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

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

/// Shingle lengths: `words` per shingle, and `chars` per shingle in scripts
/// written without spaces (0: those are shingled by words too, each UAX #29
/// word being then mostly one character).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub words: usize,
    pub chars: usize,
}

impl From<&super::DedupConfig> for Size {
    fn from(config: &super::DedupConfig) -> Size {
        Size {
            words: config.shingle_size,
            chars: config.char_shingle_size,
        }
    }
}

/// Shingles `text` into word `n`-grams, and runs of scripts without spaces
/// into character n-grams. A text shorter than one shingle gives one
/// shingle of all its units; a text without words, none.
pub fn shingle(text: &str, size: Size) -> Shingled {
    shingle_words(crate::stages::segment::unicode_words(text), size)
}

/// [`shingle`] of words already split by [`crate::stages::segment::unicode_words`].
pub fn shingle_words<'a>(words: impl IntoIterator<Item = &'a str>, size: Size) -> Shingled {
    let n = size.words.max(1);
    // The lowercased words joined by spaces, hashed whole at the end: the
    // same content hash as feeding a streaming hasher word by word, without
    // its per-call cost (a tenth of shingling's instructions), and each
    // word is lowercased straight into it.
    let mut joined = String::new();
    // Hash of each unit (a word, or a character of a spaceless word), and
    // whether it is a character: set only once one is seen, so text without
    // spaceless scripts shingles as it always did.
    let mut unit_hashes: Vec<u64> = Vec::new();
    let mut is_char: Vec<bool> = Vec::new();
    for word in words {
        if !unit_hashes.is_empty() {
            joined.push(' ');
        }
        let start = joined.len();
        // Most words are ASCII; lowercase them without the Unicode tables.
        let ascii = word.is_ascii();
        if ascii {
            joined.push_str(word);
            joined[start..].make_ascii_lowercase();
        } else {
            joined.extend(word.chars().flat_map(char::to_lowercase));
        }
        let lower = &joined[start..];
        if size.chars == 0 || ascii || !is_spaceless(lower) {
            unit_hashes.push(xxh3_64(lower.as_bytes()));
            if !is_char.is_empty() {
                is_char.push(false);
            }
        } else {
            if is_char.is_empty() {
                is_char.resize(unit_hashes.len(), false);
            }
            for grapheme in lower.graphemes(true) {
                unit_hashes.push(xxh3_64(grapheme.as_bytes()));
                is_char.push(true);
            }
        }
    }
    // Each shingle with its place in the text (which eighth), sorted by
    // hash then place, so deduplicating keeps the first occurrence's place.
    let place = |i: usize, total: usize| (i * super::sample::PLACES / total) as u8;
    let mut placed: Vec<(u64, u8)> = if !is_char.is_empty() {
        let windows = mixed_windows(&is_char, n, size.chars);
        let total = windows.len();
        windows
            .into_iter()
            .enumerate()
            .map(|(i, (start, end))| (combine(&unit_hashes[start..end]), place(i, total)))
            .collect()
    } else if unit_hashes.is_empty() {
        Vec::new()
    } else if unit_hashes.len() < n {
        vec![(combine(&unit_hashes), 0)]
    } else {
        let total = unit_hashes.len() - n + 1;
        unit_hashes
            .windows(n)
            .enumerate()
            .map(|(i, w)| (combine(w), place(i, total)))
            .collect()
    };
    placed.sort_unstable();
    placed.dedup_by_key(|p| p.0);
    let (shingles, places) = placed.into_iter().unzip();
    Shingled {
        content_hash: xxh3_128(joined.as_bytes()),
        shingles,
        places,
    }
}

/// The shingles of a text with characters among its units: from each unit,
/// the shortest run that weighs a full shingle, a word weighing `chars` and
/// a character `words`, so a shingle is `words` words or `chars`
/// characters; all units when the whole text weighs less.
fn mixed_windows(is_char: &[bool], words: usize, chars: usize) -> Vec<(usize, usize)> {
    let weight = |c: bool| if c { words } else { chars };
    let full = words * chars;
    let mut windows = Vec::new();
    let (mut end, mut sum) = (0, 0);
    for start in 0..is_char.len() {
        while end < is_char.len() && sum < full {
            sum += weight(is_char[end]);
            end += 1;
        }
        if sum < full {
            break;
        }
        windows.push((start, end));
        sum -= weight(is_char[start]);
    }
    if windows.is_empty() && !is_char.is_empty() {
        windows.push((0, is_char.len()));
    }
    windows
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

    /// Word `n`-grams, and character 5-grams where there are no spaces.
    fn words(n: usize) -> Size {
        Size { words: n, chars: 5 }
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        let a = shingle("\"Hello, World!\" said   the cat.", words(2));
        let b = shingle("hello world said the cat", words(2));
        assert_eq!(a, b);
        let c = shingle("ÉCOLE Über", words(1));
        assert_eq!(c, shingle("école über", words(1)));
        assert_ne!(
            a.content_hash,
            shingle("hello world said a cat", words(2)).content_hash
        );
    }

    #[test]
    fn word_order_matters_inside_a_shingle() {
        assert_ne!(
            shingle("a b", words(2)).shingles,
            shingle("b a", words(2)).shingles
        );
    }

    #[test]
    fn shingle_counts_and_jaccard() {
        assert_eq!(shingle("a b c d e", words(2)).shingles.len(), 4);
        assert_eq!(shingle("a b c d e", words(9)).shingles.len(), 1);
        assert!(shingle(" ... ", words(3)).shingles.is_empty());
        let x = shingle("a b c d e", words(2)).shingles;
        let y = shingle("a b c d f", words(2)).shingles;
        // 3 shared of 5 distinct
        assert!((jaccard(&x, &y) - 0.6).abs() < 1e-9);
        assert_eq!(jaccard(&x, &x), 1.0);
        assert_eq!(intersection(&x, &y), 3);
    }

    /// Word shingling as it was before scripts without spaces were
    /// shingled by characters, kept verbatim to prove that other text
    /// shingles bit for bit as before.
    fn word_shingles(text: &str, n: usize) -> Shingled {
        let n = n.max(1);
        let mut content = xxhash_rust::xxh3::Xxh3::new();
        let mut lower = String::new();
        let mut word_hashes: Vec<u64> = Vec::new();
        for word in text.unicode_words() {
            lower.clear();
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
        let mut placed: Vec<(u64, u8)> = if word_hashes.is_empty() {
            Vec::new()
        } else if word_hashes.len() < n {
            vec![(combine(&word_hashes), 0)]
        } else {
            let total = word_hashes.len() - n + 1;
            word_hashes
                .windows(n)
                .enumerate()
                .map(|(i, w)| (combine(w), (i * super::super::sample::PLACES / total) as u8))
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

    /// Texts in scripts written with spaces, and the marks around them.
    const SPACED: &[&str] = &[
        "Newly elected Kazakh President Kassym-Jomart Tokayev has very big shoes to fill.",
        "Президент Казахстана Касым-Жомарт Токаев провёл переговоры с премьер-министром \
         Израиля Биньямином Нетаньяху в Астане.",
        "Қазақстан Президенті Қасым-Жомарт Тоқаев Астанада Израиль премьер-министрімен кездесті.",
        "ÉCOLE Über straße İstanbul ΣΊΣΥΦΟΣ Ωραία ǅemal ﬁnance naïve café 3.14 1,000,000 U.S.A.",
        "Ἀθῆναι ἡ πόλις; العربية لغة رسمية؛ עברית היא שפה; हिन्दी भाषा है। 한국어 문장입니다 서울",
        "  \"Quoted\" — dashes… (brackets) [1] «ёлки» „Gänsefüßchen“ 'single' \t\n\n tabs ",
        "emoji 😀 👍🏽 flags 🇰🇿 math ∑ ∫ ≈ ½ ² ⅓ ① Ⅻ ｆｕｌｌｗｉｄｔｈ ﬀ",
        "",
        " ... ",
        "a",
        "ab cd",
    ];

    #[test]
    fn text_without_spaceless_scripts_shingles_as_before() {
        let mut all = String::new();
        for text in SPACED {
            all.push_str(text);
            all.push('\n');
            for n in 1..=8 {
                for chars in [0, 2, 5, 9] {
                    let size = Size { words: n, chars };
                    assert_eq!(shingle(text, size), word_shingles(text, n), "{text:?} {n}");
                }
            }
        }
        for n in 1..=8 {
            assert_eq!(shingle(&all, words(n)), word_shingles(&all, n));
        }
        // With character shingles off, every text shingles as before.
        let mixed = "東京都は2024年3月15日に新しいコンピューターを導入した。ภาษาไทย";
        assert_eq!(
            shingle(mixed, Size { words: 5, chars: 0 }),
            word_shingles(mixed, 5)
        );
    }

    proptest::proptest! {
        /// Any text of letters, digits, marks and spaces outside the
        /// spaceless scripts shingles bit for bit as before.
        #[test]
        fn spaced_text_is_unchanged(
            text in "[a-zA-Z0-9 .,'’\\-\u{00C0}-\u{024F}\u{0370}-\u{03FF}\u{0400}-\u{04FF}\u{0590}-\u{06FF}\u{0900}-\u{097F}\u{AC00}-\u{AC40}\u{1F600}-\u{1F610}\u{0300}-\u{036F}\n]{0,200}",
            n in 1usize..8,
        ) {
            proptest::prop_assert_eq!(shingle(&text, words(n)), word_shingles(&text, n));
        }
    }

    #[test]
    fn spaceless_scripts_are_told_apart() {
        for word in [
            "東",
            "ひ",
            "コンピューター",
            "ｱ",
            "ก\u{e48}",
            "ພ",
            "ភា",
            "မြ",
            "々",
        ] {
            assert!(is_spaceless(word), "{word}");
        }
        for word in [
            "word",
            "слово",
            "한국어",
            "ー",
            "2024",
            "हिन्दी",
            "ελληνικά",
            "〆",
        ] {
            assert!(!is_spaceless(word), "{word}");
        }
    }

    #[test]
    fn characters_make_the_shingles_where_there_are_no_spaces() {
        // 11 characters, 7 character 5-grams, whatever UAX #29 makes of
        // them (one Katakana word, single ideographs).
        let text = "新しいコンピューターを";
        assert_eq!(text.chars().count(), 11);
        assert_eq!(shingle(text, words(5)).shingles.len(), 11 - 5 + 1);
        // Thai graphemes (a consonant and its tone mark are one).
        let thai = "แม้ว่าการเปลี่ยน";
        let graphemes = thai.graphemes(true).count();
        assert_eq!(shingle(thai, words(5)).shingles.len(), graphemes - 5 + 1);
        // Punctuation and spacing still do not matter.
        assert_eq!(
            shingle("東京、大阪。 名古屋！", words(5)),
            shingle("東京大阪名古屋", words(5))
        );
        // With shingles of 2 words or 4 characters a word weighs 2
        // characters: "iphone 15" is one shingle, "15 発売" another, and
        // "発売日" (3 characters) too light to be one.
        let size = Size { words: 2, chars: 4 };
        let mixed = shingle("iPhone 15発売日", size);
        assert_eq!(mixed.shingles.len(), 2);
    }
}
