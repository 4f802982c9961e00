//! Feature extraction for the entity model: every feature is a 64-bit hash.
//!
//! Features are never strings: a template id is mixed with the hashes of the
//! token's forms, so tagging allocates little and runs at hundreds of
//! thousands of tokens per second. The hash is our own FNV-1a + splitmix mix
//! (not `std`'s randomly seeded hasher), so a feature has the same id on
//! every machine and the shipped weights stay valid.
//!
//! The templates follow Ratinov & Roth (2009): the word, its shape, affixes
//! and a ±2 window, plus external knowledge — Brown clusters and casing
//! statistics from a large unlabelled corpus ([`Lexicon`]) and name lists
//! ([`Gazetteers`]) — and the labels already given to the same word earlier
//! in the document (extended prediction history, [`History`]).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a over bytes, continuing from `h`.
pub const fn fnv(mut h: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// Hash of a whole string (word forms, gazetteer phrases).
pub fn hash_str(s: &str) -> u64 {
    fnv(FNV_OFFSET, s.as_bytes())
}

/// Combines two hashes (splitmix64 finaliser over `a ^ b·φ`).
#[inline]
pub fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

macro_rules! templates {
    ($($name:ident),* $(,)?) => {
        $(#[allow(non_upper_case_globals)] const $name: u64 = fnv(FNV_OFFSET, stringify!($name).as_bytes());)*
    };
}
templates!(
    T_bias,
    T_word,
    T_lower,
    T_shape,
    T_prefix,
    T_suffix,
    T_ctx_word,
    T_ctx_shape,
    T_bigram_prev,
    T_bigram_next,
    T_shape3,
    T_first,
    T_allcaps,
    T_cluster,
    T_no_cluster,
    T_lp_title,
    T_lp_upper,
    T_lp_freq,
    T_gazetteer,
    T_prev_label,
    T_prev_labels,
    T_prev_label_word,
    T_prev_label_shape,
    T_history,
    T_pad,
    T_start,
    T_end,
);

/// Hasher for keys that are already hashes.
#[derive(Default, Clone, Copy)]
pub struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv(self.0, bytes);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by a precomputed hash.
pub type HashedMap<V> = HashMap<u64, V, BuildHasherDefault<IdentityHasher>>;
/// A set of precomputed hashes.
pub type HashedSet = HashSet<u64, BuildHasherDefault<IdentityHasher>>;

/// Word statistics from a large unlabelled corpus, case-sensitive: a Brown
/// cluster (bit path, least significant bit first) and a log-probability.
#[derive(Debug, Default, Clone)]
pub struct Lexicon {
    pub entries: HashedMap<(u32, f32)>,
}

/// Log-probability given to words the lexicon does not know.
const UNKNOWN_LOGPROB: f32 = -21.0;

impl Lexicon {
    /// Reads `word \t cluster \t logprob` lines.
    pub fn from_tsv(text: &str) -> Result<Lexicon, String> {
        let mut entries = HashedMap::default();
        for (i, line) in text.lines().enumerate() {
            let bad = || format!("line {}: expected `word<TAB>cluster<TAB>logprob`", i + 1);
            let mut cols = line.split('\t');
            let (Some(word), Some(cluster), Some(lp)) = (cols.next(), cols.next(), cols.next())
            else {
                return Err(bad());
            };
            let cluster: u32 = cluster.parse().map_err(|_| bad())?;
            let lp: f32 = lp.parse().map_err(|_| bad())?;
            entries.entry(hash_str(word)).or_insert((cluster, lp));
        }
        Ok(Lexicon { entries })
    }

    fn get(&self, word: &str) -> Option<(u32, f32)> {
        self.entries.get(&hash_str(word)).copied()
    }

    fn logprob(&self, word: &str) -> f32 {
        self.get(word).map_or(UNKNOWN_LOGPROB, |e| e.1)
    }
}

/// Named lists of phrases (places, first names, company suffixes, …), each
/// stored as the hashes of its phrases' tokens joined by single spaces.
#[derive(Debug, Default, Clone)]
pub struct Gazetteers {
    pub lists: Vec<(String, HashedSet)>,
}

/// Longest phrase, in tokens, looked up in the gazetteers.
const MAX_PHRASE: usize = 5;

impl Gazetteers {
    /// Adds a list from its text, one phrase per line.
    pub fn add(&mut self, name: &str, text: &str) {
        let set = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| hash_str(&l.split_whitespace().collect::<Vec<_>>().join(" ")))
            .collect();
        self.lists.push((name.to_string(), set));
    }
}

/// Everything the features look up besides the sentence itself.
#[derive(Debug, Default, Clone)]
pub struct Resources {
    pub lexicon: Lexicon,
    pub gazetteers: Gazetteers,
}

/// One token's precomputed hashes.
#[derive(Debug, Clone)]
pub struct TokenFeatures {
    word: u64,
    lower: u64,
    shape: u64,
    /// Hashes of the 1..=4-character prefixes and suffixes of the lower-cased
    /// word (0 when the word is shorter).
    affixes: [u64; 8],
    capitalised: bool,
    /// Lexicon and gazetteer features, shared with the neighbours.
    external: Vec<u64>,
}

/// `Xx`, `X.X.`, `d,d`: the word's characters as classes, runs collapsed.
fn shape(word: &str) -> String {
    let mut out = String::new();
    let mut last = '\0';
    for c in word.chars() {
        let k = if c.is_uppercase() {
            'X'
        } else if c.is_lowercase() {
            'x'
        } else if c.is_ascii_digit() {
            'd'
        } else {
            c
        };
        if k != last {
            out.push(k);
        }
        last = k;
    }
    out
}

/// `"LONDON"` → `"London"`.
fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// The precomputed features of a sentence.
pub struct SentenceFeatures {
    tokens: Vec<TokenFeatures>,
    /// No lower-case letter anywhere: a headline, where capitals say nothing.
    all_caps: bool,
}

impl SentenceFeatures {
    pub fn new<S: AsRef<str>>(words: &[S], res: &Resources) -> SentenceFeatures {
        let all_caps = !words
            .iter()
            .any(|w| w.as_ref().chars().any(char::is_lowercase));
        let mut tokens: Vec<TokenFeatures> = words
            .iter()
            .map(|w| token_features(w.as_ref(), all_caps, &res.lexicon))
            .collect();
        gazetteer_features(words, all_caps, &res.gazetteers, &mut tokens);
        SentenceFeatures { tokens, all_caps }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// The hash of token `i`'s lower-cased form, the key of the [`History`].
    pub fn lower(&self, i: usize) -> u64 {
        self.tokens[i].lower
    }

    pub fn capitalised(&self, i: usize) -> bool {
        self.tokens[i].capitalised
    }

    /// Features of token `i` that do not depend on earlier labels.
    pub fn static_features(&self, i: usize, out: &mut Vec<u64>) {
        out.clear();
        let t = &self.tokens[i];
        out.extend([
            T_bias,
            mix(T_word, t.word),
            mix(T_lower, t.lower),
            mix(T_shape, t.shape),
        ]);
        for (k, &a) in t.affixes.iter().enumerate() {
            if a != 0 {
                let template = if k < 4 { T_prefix } else { T_suffix };
                out.push(mix(template, a));
            }
        }
        let at = |d: isize| i.checked_add_signed(d).and_then(|j| self.tokens.get(j));
        for d in [-2isize, -1, 1, 2] {
            let (lower, shape) = at(d).map_or((T_pad, T_pad), |n| (n.lower, n.shape));
            out.push(mix(mix(T_ctx_word, d as u64), lower));
            out.push(mix(mix(T_ctx_shape, d as u64), shape));
        }
        let prev = at(-1).map_or((T_start, T_start), |p| (p.lower, p.shape));
        let next = at(1).map_or((T_end, T_end), |n| (n.lower, n.shape));
        out.push(mix(mix(T_bigram_prev, prev.0), t.lower));
        out.push(mix(mix(T_bigram_next, t.lower), next.0));
        out.push(mix(mix(mix(T_shape3, prev.1), t.shape), next.1));
        if i == 0 {
            out.push(mix(T_first, t.shape));
        }
        if self.all_caps {
            out.push(mix(T_allcaps, t.shape));
        }
        out.extend_from_slice(&t.external);
        for d in [-1isize, 1] {
            if let Some(n) = at(d) {
                let offset = (d as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
                out.extend(n.external.iter().map(|&e| e ^ offset));
            }
        }
    }
}

fn token_features(word: &str, all_caps: bool, lexicon: &Lexicon) -> TokenFeatures {
    let lower = word.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let mut affixes = [0u64; 8];
    for k in 1..=4.min(chars.len()) {
        let prefix: String = chars[..k].iter().collect();
        let suffix: String = chars[chars.len() - k..].iter().collect();
        affixes[k - 1] = hash_str(&prefix);
        affixes[3 + k] = hash_str(&suffix);
    }
    let mut external = Vec::with_capacity(12);
    // In a headline look words up title-cased: "LONDON" is used like "London".
    let title = title_case(word);
    let form = if all_caps && chars.len() > 1 {
        title.as_str()
    } else {
        word
    };
    match lexicon.get(form).or_else(|| lexicon.get(&lower)) {
        Some((cluster, _)) if cluster != 0 => {
            for bits in [4u32, 6, 10, 20] {
                let path = cluster & ((1u32 << bits) - 1);
                external.push(mix(mix(T_cluster, bits as u64), path as u64));
            }
        }
        _ => external.push(T_no_cluster),
    }
    let lp_lower = lexicon.logprob(&lower);
    let lp_title = lexicon.logprob(&title);
    let lp_upper = lexicon.logprob(&word.to_uppercase());
    let bucket = |x: f32| x.clamp(-6.0, 6.0).round() as i64 as u64;
    external.push(mix(T_lp_title, bucket(lp_title - lp_lower)));
    external.push(mix(T_lp_upper, bucket(lp_upper - lp_lower)));
    external.push(mix(T_lp_freq, lp_lower.max(lp_title) as i64 as u64));
    TokenFeatures {
        word: hash_str(word),
        lower: hash_str(&lower),
        shape: hash_str(&shape(word)),
        affixes,
        capitalised: is_capitalised(word),
        external,
    }
}

/// Marks tokens inside gazetteer phrases with their position (B/I/L/U) in the
/// longest phrase starting at each token.
fn gazetteer_features<S: AsRef<str>>(
    words: &[S],
    all_caps: bool,
    gazetteers: &Gazetteers,
    tokens: &mut [TokenFeatures],
) {
    if gazetteers.lists.is_empty() {
        return;
    }
    let forms: Vec<String> = words
        .iter()
        .map(|w| {
            if all_caps {
                title_case(w.as_ref())
            } else {
                w.as_ref().to_string()
            }
        })
        .collect();
    for (list_no, (_, set)) in gazetteers.lists.iter().enumerate() {
        let list = mix(T_gazetteer, list_no as u64);
        for i in 0..forms.len() {
            let mut h = FNV_OFFSET;
            let mut longest = 0;
            for (n, form) in forms[i..forms.len().min(i + MAX_PHRASE)].iter().enumerate() {
                if n > 0 {
                    h = fnv(h, b" ");
                }
                h = fnv(h, form.as_bytes());
                if set.contains(&h) {
                    longest = n + 1;
                }
            }
            for (j, token) in tokens[i..i + longest].iter_mut().enumerate() {
                let position: u64 = match (longest, j) {
                    (1, _) => 3,
                    (_, 0) => 0,
                    (n, j) if j == n - 1 => 2,
                    _ => 1,
                };
                token.external.push(mix(list, position));
            }
        }
    }
}

/// Number of entity types plus one for "no entity".
const HISTORY_KINDS: usize = 5;

/// Extended prediction history: for each capitalised word form, how often it
/// was labelled with each type earlier in the document ("Clinton" said PER
/// in the first sentence helps the third).
#[derive(Debug, Default, Clone)]
pub struct History {
    counts: HashedMap<[u16; HISTORY_KINDS]>,
}

impl History {
    /// Records the labels of a tagged sentence; `kind(label)` is the type
    /// index 0..4 of an entity label or 4 for outside.
    pub fn add(&mut self, s: &SentenceFeatures, kinds: impl Iterator<Item = usize>) {
        for (i, kind) in kinds.enumerate() {
            if s.capitalised(i) {
                let c = self.counts.entry(s.lower(i)).or_default();
                c[kind] = c[kind].saturating_add(1);
            }
        }
    }

    /// History features of token `i`: the share of each label, in quarters.
    pub fn features(&self, s: &SentenceFeatures, i: usize, out: &mut Vec<u64>) {
        if !s.capitalised(i) {
            return;
        }
        let Some(c) = self.counts.get(&s.lower(i)) else {
            return;
        };
        let total: u32 = c.iter().map(|&x| x as u32).sum();
        for (k, &n) in c.iter().enumerate() {
            if n > 0 {
                let quarters = (n as f32 / total as f32 * 4.0).round() as u64;
                out.push(mix(mix(T_history, k as u64), quarters));
            }
        }
    }
}

/// Features of the labels already chosen for the previous two tokens.
pub fn label_features(s: &SentenceFeatures, i: usize, prev: u8, prev2: u8, out: &mut Vec<u64>) {
    let t = &s.tokens[i];
    out.push(mix(T_prev_label, prev as u64));
    out.push(mix(mix(T_prev_labels, prev as u64), prev2 as u64));
    out.push(mix(mix(T_prev_label_word, prev as u64), t.lower));
    out.push(mix(mix(T_prev_label_shape, prev as u64), t.shape));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_and_title_case() {
        assert_eq!(shape("London"), "Xx");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(shape("1,000"), "d,d");
        assert_eq!(title_case("LONDON"), "London");
        assert_eq!(title_case("ÉCOLE"), "École");
    }

    #[test]
    fn hashes_are_stable_across_builds() {
        // The shipped weights are keyed by these values: they must never change.
        assert_eq!(hash_str(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash_str("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(mix(1, 2), mix(2, 1));
    }

    #[test]
    fn gazetteer_marks_longest_phrase() {
        let mut res = Resources::default();
        res.gazetteers.add("LOC", "New York\nNew York City\nYork\n");
        let s = SentenceFeatures::new(&["in", "New", "York", "City", "today"], &res);
        let list = mix(T_gazetteer, 0);
        let has = |i: usize, pos: u64| s.tokens[i].external.contains(&mix(list, pos));
        assert!(has(1, 0) && has(2, 1) && has(3, 2));
        assert!(has(2, 3), "York alone starts its own match");
        assert!(!s.tokens[0].external.contains(&mix(list, 3)));
        // Headlines are matched title-cased.
        let s = SentenceFeatures::new(&["NEW", "YORK"], &res);
        assert!(s.all_caps);
        assert!(s.tokens[0].external.contains(&mix(list, 0)));
    }

    #[test]
    fn lexicon_reads_tsv_and_reports_bad_lines() {
        let lex = Lexicon::from_tsv("London\t678\t-9.5\nthe\t11\t-3.5\n").unwrap();
        assert_eq!(lex.get("London"), Some((678, -9.5)));
        assert_eq!(lex.logprob("Paris"), UNKNOWN_LOGPROB);
        assert!(Lexicon::from_tsv("x\ty\n")
            .unwrap_err()
            .starts_with("line 1"));
    }
}
