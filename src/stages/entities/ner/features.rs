//! Feature extraction for the entity model: every feature is a 64-bit hash.
//!
//! Features are never strings: a template id is mixed with the hashes of the
//! token's forms, so tagging allocates little and runs at hundreds of
//! thousands of tokens per second. The hash is our own FNV-1a + splitmix mix
//! (not `std`'s randomly seeded hasher), so a feature has the same id on
//! every machine and the shipped weights stay valid.
//!
//! The templates follow Ratinov & Roth (2009), as tuned on CoNLL-2003 dev:
//!
//! - the token: word, lower case, shape, affixes, a ±2 window of words and
//!   shapes (lower-cased and as written), bigrams, a shape trigram;
//! - the sentence: first token, all-caps headline, and its "line type" (how
//!   many numbers, any lower case: sports results and tables look alike);
//! - external knowledge ([`Resources`]): Brown clusters from a large
//!   unlabelled corpus ([`Lexicon`]) and their conjunctions with the
//!   neighbours' clusters and the shape, name lists ([`Gazetteers`]) with the
//!   match position and length; both also seen from the ±1 neighbours;
//! - the document ([`add_document_features`]): the story's topic word
//!   (Reuters opens with `SOCCER -`, `TENNIS -`), whether the same word is
//!   written in lower case or capitalised mid-sentence elsewhere, the words
//!   around its other occurrences, and the labels already given to it
//!   earlier in the document (extended prediction history, [`History`]);
//! - label transitions: the previous label, alone and with the word and
//!   shape ([`edge_bases`]), scored by the Viterbi decoder.
//!
//! A model says which templates it uses ([`FeatureSet`], stored in its
//! file). [`FeatureSet::Base`] is the set above, the English model's. For
//! highly inflected languages (Russian, Kazakh) [`FeatureSet::Inflected`]
//! adds 5- and 6-character affixes, a crude stem (the first few letters of
//! the lower-cased word, so "Путин", "Путина", "Путиным" or "Астана",
//! "Астанада" share it) as a word feature and around the token, the
//! ending of a capitalised word, and keys the document features and the
//! prediction history by the stem instead of the exact form: the same name
//! in another case is the same name.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

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
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// Hash of a whole string (word forms, gazetteer phrases).
pub fn hash_str(s: &str) -> u64 {
    fnv(FNV_OFFSET, s.as_bytes())
}

/// Combines two hashes (splitmix64 finaliser over `a ^ b·φ`).
#[inline]
pub fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(GOLDEN);
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
    T_gazetteer,
    T_gazetteer_len,
    T_line,
    T_line_next,
    T_cased_ctx,
    T_cluster_prev,
    T_cluster_next,
    T_cluster_shape,
    T_topic,
    T_topic_next,
    T_topic_cluster,
    T_topic_gazetteer,
    T_no_topic,
    T_doc_case,
    T_occ_prev,
    T_occ_next,
    T_prev_label,
    T_prev_label_word,
    T_prev_label_shape,
    T_history,
    T_pad,
    T_start,
    T_end,
    T_stem,
    T_ctx_stem,
    T_cap_suffix,
    T_stem_bigram_prev,
    T_stem_bigram_next,
    T_quote,
    T_head,
    T_head_ctx,
    T_head_prev_shape,
    T_head_next_shape,
    T_occ_head,
);

/// Russian nouns that head the description of an organisation
/// ("министерство", "партия", "компания") or of a place ("республика",
/// "улица"), as lower-case stems: a word is one of them when it is the stem
/// plus at most [`HEAD_ENDING`] letters of case ending.
const ORG_HEADS: &[&str] = &[
    "министерств",
    "ведомств",
    "комитет",
    "комисси",
    "совет",
    "служб",
    "агентств",
    "управлени",
    "департамент",
    "администраци",
    "правительств",
    "парламент",
    "дум",
    "парти",
    "движени",
    "союз",
    "фронт",
    "фракци",
    "организаци",
    "ассоциаци",
    "объединени",
    "обществ",
    "фонд",
    "банк",
    "компани",
    "корпораци",
    "концерн",
    "холдинг",
    "завод",
    "фабрик",
    "комбинат",
    "предприяти",
    "издательств",
    "газет",
    "журнал",
    "телеканал",
    "радиостанци",
    "редакци",
    "университет",
    "институт",
    "академи",
    "училищ",
    "лаборатори",
    "центр",
    "музе",
    "театр",
    "библиотек",
    "клуб",
    "команд",
    "сборн",
    "суд",
    "прокуратур",
    "полици",
    "милици",
    "палат",
    "собрани",
    "сенат",
    "конгресс",
    "церк",
    "епархи",
    "патриархи",
    "синод",
    "отдел",
    "отделени",
    "представительств",
    "посольств",
    "консульств",
    "профсоюз",
    "бирж",
    "инспекци",
    "штаб",
    "бюро",
    "трибунал",
    "федераци",
    "коллеги",
    "оао",
    "зао",
    "ооо",
    "фирм",
];
const LOC_HEADS: &[&str] = &[
    "государств",
    "республик",
    "импери",
    "королевств",
    "област",
    "кра",
    "округ",
    "район",
    "улиц",
    "проспект",
    "площад",
    "бульвар",
    "переул",
    "набережн",
    "шоссе",
    "остров",
    "полуостров",
    "мор",
    "океан",
    "рек",
    "озер",
    "гор",
    "побережь",
    "город",
    "столиц",
    "деревн",
    "сел",
    "посёл",
    "посел",
    "штат",
    "провинци",
    "регион",
    "континент",
    "пустын",
    "залив",
    "пролив",
    "долин",
    "хребт",
    "страна",
    "стран",
];
/// Letters of case ending a [`ORG_HEADS`] or [`LOC_HEADS`] word may add.
const HEAD_ENDING: usize = 3;

/// Kazakh nouns that head the name of an organisation, as lower-case stems
/// that any ending of up to [`KK_STEM_ENDING`] letters may follow
/// ("министрлі" → "министрлік", "министрлігінің"; "банк" → "банктің").
/// The head follows the name: "Ұлттық банкі", "Денсаулық сақтау
/// министрлігі". Words whose stem also begins common other words are in
/// [`KK_ORG_POSSESSED`] instead.
const KK_ORG_STEMS: &[&str] = &[
    "министрлі",
    "комитет",
    "комиссия",
    "кеңес",
    "агентті",
    "департамент",
    "басқарма",
    "әкімді",
    "үкімет",
    "парламент",
    "мәжіліс",
    "сенат",
    "партия",
    "одақ",
    "одағ",
    "ұйым",
    "қауымдасты",
    "бірлесті",
    "компания",
    "корпорация",
    "холдинг",
    "банк",
    "серіктесті",
    "университет",
    "институт",
    "академия",
    "колледж",
    "театр",
    "музей",
    "прокуратура",
    "полиция",
    "инспекция",
    "ассамблея",
    "конгресс",
    "телеарна",
    "телерадиокешен",
    "федерация",
    "фабрика",
    "комбинат",
    "ассоциация",
];
/// Kazakh organisation heads written with the 3rd-person possessive the
/// head takes after a name ("Нұр Отан партиясы", "Ұлттық қоры"), matched
/// as the form itself or the form plus a case ending ([`possessed_case`]):
/// for words whose bare stem is too short or also an adjective or another
/// word ("қор", "қорытынды"; "орталық", "Орталық Азия").
const KK_ORG_POSSESSED: &[&str] = &[
    "қоры",
    "қоғамы",
    "соты",
    "орталығы",
    "бөлімі",
    "бөлімшесі",
    "арнасы",
    "газеті",
    "журналы",
    "радиосы",
    "клубы",
    "командасы",
    "мектебі",
    "кәсіпорны",
];
/// Kazakh place heads as stems, like [`KK_ORG_STEMS`].
const KK_LOC_STEMS: &[&str] = &[
    "даңғыл",
    "провинция",
    "корольді",
    "әмірлік",
    "әуежай",
    "станция",
    "мұражай",
];
/// Kazakh place heads with the possessive, like [`KK_ORG_POSSESSED`]:
/// "Алматы облысы", "Қазақстан Республикасы", "Абай көшесі".
const KK_LOC_POSSESSED: &[&str] = &[
    "облысы",
    "ауданы",
    "ауылы",
    "қаласы",
    "өзені",
    "көлі",
    "тауы",
    "республикасы",
    "мемлекеті",
    "елі",
    "көшесі",
    "аймағы",
    "өлкесі",
    "штаты",
    "түбегі",
    "аралы",
    "теңізі",
    "мұхиты",
    "шығанағы",
    "кенті",
    "алаңы",
    "сарайы",
];
/// Letters of ending a [`KK_ORG_STEMS`] or [`KK_LOC_STEMS`] word may add:
/// enough for possessive plus case ("министрлі" + "гінің", "облыс" +
/// "ындағы") or plural plus possessive ("әмірлік" + "тері"); stems of four
/// letters or fewer take at most [`KK_SHORT_ENDING`], so that "ұйым" does
/// not reach "ұйымдастыру".
const KK_STEM_ENDING: usize = 6;
const KK_SHORT_ENDING: usize = 4;

/// `rest` is a case ending after the 3rd-person possessive: none, "н"
/// (accusative), "ның", "на", "нда", "нан", "ндағы" (and their front-vowel
/// forms) or "мен" — all but "мен" start with "н".
fn possessed_case(rest: &str) -> bool {
    rest.is_empty()
        || rest == "мен"
        || (rest.starts_with('н') && rest.chars().count() <= POSSESSED_CASE_LETTERS)
}

/// The longest case ending [`possessed_case`] takes ("ндағы").
const POSSESSED_CASE_LETTERS: usize = 5;

/// What may follow a head in a word for the word to be that head.
#[derive(Debug, Clone, Copy)]
enum Follows {
    /// Any ending of up to this many letters.
    UpTo(usize),
    /// Nothing, or a case ending after the possessive ([`possessed_case`]).
    Case,
}

impl Follows {
    fn allows(self, rest: &str) -> bool {
        match self {
            Follows::UpTo(letters) => rest.chars().count() <= letters,
            Follows::Case => possessed_case(rest),
        }
    }

    /// The most letters [`allows`](Self::allows) lets follow.
    fn longest(self) -> usize {
        match self {
            Follows::UpTo(letters) => letters,
            Follows::Case => POSSESSED_CASE_LETTERS,
        }
    }
}

/// One language's head lists as maps from head to what may follow it.
/// A word is looked up by its prefixes that leave at most `longest`
/// letters, a handful of hash look-ups a token, where scanning the lists
/// was a hundred prefix comparisons (5 % of tagging Russian).
struct HeadIndex {
    org: HashMap<&'static str, Follows>,
    loc: HashMap<&'static str, Follows>,
    /// The most letters any [`Follows`] allows.
    longest: usize,
}

impl HeadIndex {
    fn new(org: &[(&[&'static str], Follows)], loc: &[(&[&'static str], Follows)]) -> HeadIndex {
        let map = |lists: &[(&[&'static str], Follows)]| {
            let mut map = HashMap::new();
            for &(heads, follows) in lists {
                for &head in heads {
                    let old = map.insert(head, follows);
                    assert!(old.is_none(), "head {head} listed twice");
                }
            }
            map
        };
        let (org, loc) = (map(org), map(loc));
        let longest = org
            .values()
            .chain(loc.values())
            .map(|f| f.longest())
            .max()
            .unwrap_or(0);
        HeadIndex { org, loc, longest }
    }

    /// 1 for an organisation head noun, 2 for a place one, 0 otherwise.
    fn class(&self, lower: &str) -> u64 {
        let n = lower.chars().count();
        let prefixes = || {
            lower
                .char_indices()
                .map(|(i, _)| i)
                .chain([lower.len()])
                .skip(n.saturating_sub(self.longest))
                .map(|i| lower.split_at(i))
        };
        let any = |map: &HashMap<&str, Follows>| {
            prefixes().any(|(head, rest)| map.get(head).is_some_and(|f| f.allows(rest)))
        };
        if any(&self.org) {
            1
        } else if any(&self.loc) {
            2
        } else {
            0
        }
    }
}

static RU_HEADS: LazyLock<HeadIndex> = LazyLock::new(|| {
    HeadIndex::new(
        &[(ORG_HEADS, Follows::UpTo(HEAD_ENDING))],
        &[(LOC_HEADS, Follows::UpTo(HEAD_ENDING))],
    )
});

static KK_HEADS: LazyLock<HeadIndex> = LazyLock::new(|| {
    let upto = |stem: &str| {
        Follows::UpTo(if stem.chars().count() <= 4 {
            KK_SHORT_ENDING
        } else {
            KK_STEM_ENDING
        })
    };
    let stems = |list: &'static [&'static str]| -> Vec<(&'static [&'static str], Follows)> {
        list.chunks(1).map(|one| (one, upto(one[0]))).collect()
    };
    let org = [stems(KK_ORG_STEMS), vec![(KK_ORG_POSSESSED, Follows::Case)]].concat();
    let loc = [stems(KK_LOC_STEMS), vec![(KK_LOC_POSSESSED, Follows::Case)]].concat();
    HeadIndex::new(&org, &loc)
});

/// The head-noun lists an [`FeatureSet::Inflected`] model uses, stored in
/// its file as their discriminant: 0 for none, as in files from before the
/// lists; 1 for Russian, as in files from before Kazakh had them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Heads {
    /// No head-noun templates.
    #[default]
    None = 0,
    /// [`ORG_HEADS`], [`LOC_HEADS`].
    Russian = 1,
    /// [`KK_ORG_STEMS`], [`KK_ORG_POSSESSED`], [`KK_LOC_STEMS`],
    /// [`KK_LOC_POSSESSED`].
    Kazakh = 2,
}

impl Heads {
    /// Every list, in id order.
    const ALL: [Heads; 3] = [Heads::None, Heads::Russian, Heads::Kazakh];

    /// The id written in a model file.
    pub fn id(self) -> u8 {
        self as u8
    }

    /// The lists with [`Heads::id`] `id`.
    pub fn from_id(id: u8) -> Option<Heads> {
        Heads::ALL.get(usize::from(id)).copied()
    }

    /// 1 for an organisation head noun, 2 for a place one, 0 otherwise.
    fn class(self, lower: &str) -> u64 {
        match self {
            Heads::None => 0,
            Heads::Russian => RU_HEADS.class(lower),
            Heads::Kazakh => KK_HEADS.class(lower),
        }
    }
}

/// Which feature templates a model uses; written into the model file.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum FeatureSet {
    /// Ratinov & Roth's templates, as the English model has them.
    #[default]
    Base,
    /// Base plus the templates for inflected languages; `stem` is the
    /// stem length in characters; `heads` adds the head-noun templates
    /// with a language's lists ([`Heads`]).
    Inflected { stem: u8, heads: Heads },
}

impl FeatureSet {
    /// The head-noun lists, [`Heads::None`] without the templates.
    fn head_lists(self) -> Heads {
        match self {
            FeatureSet::Inflected { heads, .. } => heads,
            FeatureSet::Base => Heads::None,
        }
    }

    /// With the head-noun templates.
    fn heads(self) -> bool {
        self.head_lists() != Heads::None
    }

    /// Longest prefix and suffix, in characters, given as features.
    fn affix_chars(self) -> usize {
        match self {
            FeatureSet::Base => 4,
            FeatureSet::Inflected { .. } => MAX_AFFIX,
        }
    }
}

/// Longest affix any feature set uses.
const MAX_AFFIX: usize = 6;

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

/// Brown clusters from a large unlabelled corpus, case-sensitive: word hash
/// → cluster bit path, least significant bit first (0 = a known word
/// without a cluster).
#[derive(Debug, Default, Clone)]
pub struct Lexicon {
    pub entries: HashedMap<u32>,
}

impl Lexicon {
    /// Reads `word \t cluster` lines (further columns are ignored).
    pub fn from_tsv(text: &str) -> Result<Lexicon, String> {
        let mut entries = HashedMap::default();
        for (i, line) in text.lines().enumerate() {
            let bad = || format!("line {}: expected `word<TAB>cluster`", i + 1);
            let mut cols = line.split('\t');
            let (Some(word), Some(cluster)) = (cols.next(), cols.next()) else {
                return Err(bad());
            };
            let cluster: u32 = cluster.parse().map_err(|_| bad())?;
            entries.entry(hash_str(word)).or_insert(cluster);
        }
        Ok(Lexicon { entries })
    }

    fn get(&self, word: &str) -> Option<u32> {
        self.entries.get(&hash_str(word)).copied()
    }
}

/// Named lists of phrases (places, first names, company suffixes, …). One
/// map holds every phrase (its tokens joined by single spaces, hashed): a
/// bit per list holding it, and [`PREFIX`] when it is the start of a longer
/// phrase, so matching stops as soon as no phrase can continue.
#[derive(Debug, Default, Clone)]
pub struct Gazetteers {
    pub names: Vec<String>,
    pub phrases: HashedMap<u16>,
}

/// Flag of a phrase that begins a longer phrase of some list.
pub const PREFIX: u16 = 1 << 15;
/// Most lists a model can have (one bit each below [`PREFIX`]).
pub const MAX_LISTS: usize = 15;
/// Longest phrase, in tokens, looked up in the gazetteers.
const MAX_PHRASE: usize = 5;

impl Gazetteers {
    /// Adds a list from its text, one phrase per line; returns its number of
    /// phrases. Panics beyond [`MAX_LISTS`] lists.
    pub fn add(&mut self, name: &str, text: &str) -> usize {
        assert!(
            self.names.len() < MAX_LISTS,
            "at most {MAX_LISTS} gazetteers"
        );
        let bit = 1u16 << self.names.len();
        self.names.push(name.to_string());
        let mut n = 0;
        for line in text.lines() {
            let mut h = FNV_OFFSET;
            let mut first = true;
            for word in line.split_whitespace() {
                if !first {
                    *self.phrases.entry(h).or_default() |= PREFIX;
                    h = fnv(h, b" ");
                }
                h = fnv(h, word.as_bytes());
                first = false;
            }
            if !first {
                *self.phrases.entry(h).or_default() |= bit;
                n += 1;
            }
        }
        n
    }

    fn name_hashes(&self) -> impl Iterator<Item = u64> + '_ {
        self.names.iter().map(|n| hash_str(n))
    }
}

/// Everything the features look up besides the text itself.
#[derive(Debug, Default, Clone)]
pub struct Resources {
    pub lexicon: Lexicon,
    pub gazetteers: Gazetteers,
    /// The templates the features follow.
    pub features: FeatureSet,
}

/// One token's precomputed hashes and flags.
#[derive(Debug, Clone)]
struct Token {
    word: u64,
    lower: u64,
    shape: u64,
    /// Hashes of the 1..=6-character prefixes (`[0..6]`) and suffixes
    /// (`[6..12]`) of the lower-cased word (0 when the word is shorter or
    /// the feature set stops at 4).
    affixes: [u64; 2 * MAX_AFFIX],
    /// Key of the document features and the history: the lower-cased word
    /// ([`FeatureSet::Base`]) or its stem.
    stem: u64,
    /// Brown cluster (0: none or unknown word).
    cluster: u32,
    /// First character upper case.
    capitalised: bool,
    /// Has a lower-case letter.
    has_lower: bool,
    /// A number: digits and `.,-/:` only.
    number: bool,
    /// Could be a Reuters topic word: 3+ ASCII capitals (`SOCCER`).
    topic_like: bool,
    /// [`Heads::class`] of the lower-cased word (0 without the head-noun
    /// templates).
    head: u64,
}

/// `Xx`, `X.X.`, `d,d`: the word's characters as classes, runs collapsed.
fn shape_into(word: &str, out: &mut String) {
    out.clear();
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
}

#[cfg(test)]
fn shape(word: &str) -> String {
    let mut s = String::new();
    shape_into(word, &mut s);
    s
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

fn is_number(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_digit())
        && word
            .bytes()
            .all(|b| b.is_ascii_digit() || b".,-/:".contains(&b))
}

/// Position code of a [`loose_match`] (0–3 are B/I/L/U of exact matches).
const LOOSE: u64 = 4;
/// Letters a [`loose_match`] may cut off a word's end.
const MAX_ENDING: usize = 4;

/// The lists holding a one-word phrase that a capitalised `word` starts
/// with, the word less 1 to [`MAX_ENDING`] letters (the longest that is
/// listed; at least 3 letters kept): the lists' words in another case.
fn loose_match(word: &str, gazetteers: &Gazetteers) -> u16 {
    if !word.chars().next().is_some_and(char::is_uppercase) {
        return 0;
    }
    let bounds: Vec<usize> = word.char_indices().map(|(b, _)| b).collect();
    for cut in 1..=MAX_ENDING {
        let Some(keep) = bounds.len().checked_sub(cut).filter(|&k| k >= 3) else {
            break;
        };
        let bits = gazetteers
            .phrases
            .get(&hash_str(&word[..bounds[keep]]))
            .map_or(0, |&b| b & !PREFIX);
        if bits != 0 {
            return bits;
        }
    }
    0
}

/// Longest quoted phrase, in tokens, marked by [`quoted_phrases`].
const MAX_QUOTED: usize = 8;

/// For each token, 0 or a hash of its position (B/I/L/U) and the length of
/// the quoted phrase it is in: tokens between an opening quote («, „, “ or
/// ") and the next closing one (», “, ” or ") at most [`MAX_QUOTED`] tokens
/// later, in one sentence.
fn quoted_phrases<S: AsRef<str>>(words: &[S]) -> Vec<u64> {
    let mut out = vec![0u64; words.len()];
    let mut open: Option<usize> = None;
    for (i, w) in words.iter().enumerate() {
        let w = w.as_ref();
        let closes = matches!(w, "»" | "“" | "”" | "\"");
        let opens = matches!(w, "«" | "„" | "“" | "\"");
        match open {
            Some(o) if closes => {
                let len = i - o - 1;
                if (1..=MAX_QUOTED).contains(&len) {
                    for (j, q) in out[o + 1..i].iter_mut().enumerate() {
                        let position: u64 = match (len, j) {
                            (1, _) => 3,
                            (_, 0) => 0,
                            (n, j) if j == n - 1 => 2,
                            _ => 1,
                        };
                        *q = mix(mix(T_quote, position), len.min(4) as u64);
                    }
                }
                open = None;
            }
            _ if opens => open = Some(i),
            _ => {}
        }
    }
    out
}

/// A flat list of per-token feature lists.
#[derive(Debug, Clone, Default)]
struct Lists {
    items: Vec<u64>,
    /// Token `i`'s items are `items[at[i]..at[i + 1]]`.
    at: Vec<u32>,
}

impl Lists {
    fn get(&self, i: usize) -> &[u64] {
        match (self.at.get(i), self.at.get(i + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    fn close(&mut self) {
        if self.at.is_empty() {
            self.at.push(0);
        }
        self.at.push(self.items.len() as u32);
    }
}

/// The token of `word`: its hashes, affixes, cluster and flags, which
/// depend on the word, on whether its sentence is a headline
/// (`all_caps`) and on the model's resources alone. `buffers` are reused
/// for the lower-cased word and its shape.
fn token_of(
    word: &str,
    all_caps: bool,
    res: &Resources,
    (lower, shape): &mut (String, String),
) -> Token {
    lower.clear();
    lower.extend(word.chars().flat_map(char::to_lowercase));
    shape_into(word, shape);
    let mut affixes = [0u64; 2 * MAX_AFFIX];
    let bounds: Vec<usize> = lower.char_indices().map(|(b, _)| b).collect();
    let n = bounds.len();
    for k in 1..=res.features.affix_chars().min(n) {
        let end = bounds.get(k).copied().unwrap_or(lower.len());
        affixes[k - 1] = hash_str(&lower[..end]);
        affixes[MAX_AFFIX - 1 + k] = hash_str(&lower[bounds[n - k]..]);
    }
    // In a headline look words up title-cased: "LONDON" is used like "London".
    let form: Cow<str> = if all_caps && n > 1 {
        Cow::Owned(title_case(word))
    } else {
        Cow::Borrowed(word)
    };
    let lower_hash = hash_str(lower);
    let entry = res
        .lexicon
        .get(&form)
        .or_else(|| res.lexicon.entries.get(&lower_hash).copied());
    let stem = match res.features {
        FeatureSet::Base => lower_hash,
        FeatureSet::Inflected { stem, .. } => {
            let end = bounds.get(stem as usize).copied().unwrap_or(lower.len());
            hash_str(&lower[..end])
        }
    };
    Token {
        head: res.features.head_lists().class(lower),
        word: hash_str(word),
        lower: lower_hash,
        stem,
        shape: hash_str(shape),
        affixes,
        cluster: entry.unwrap_or(0),
        capitalised: word.chars().next().is_some_and(char::is_uppercase),
        has_lower: !all_caps && word.chars().any(char::is_lowercase),
        number: is_number(word),
        topic_like: word.len() >= 3 && word.bytes().all(|b| b.is_ascii_uppercase()),
    }
}

/// Words whose tokens a [`TokenCache`] keeps; being full clears it. At
/// about 200 bytes a word, 16,384 words are 3 MB.
const TOKEN_CACHE_WORDS: usize = 16_384;

/// Tokens of words met before, for one model's resources (outside
/// headlines). Why: a token costs ~20 hashes and look-ups of its word,
/// its affixes and its shape (a tenth of tagging), and most tokens of any
/// text repeat a word met shortly before. A word is looked up by its hash
/// and compared in full, so the features never depend on what the cache
/// held: the same tokens whatever the order of documents or threads.
#[derive(Default)]
pub struct TokenCache {
    /// Word hash → index into `entries`.
    index: HashedMap<u32>,
    /// The words, end to end.
    words: String,
    /// Each word's end in `words` and its token.
    entries: Vec<(u32, Token)>,
}

impl TokenCache {
    /// The token of `word` in a sentence that is not a headline.
    fn token(&mut self, word: &str, res: &Resources, buffers: &mut (String, String)) -> Token {
        let hash = hash_str(word);
        if let Some(&k) = self.index.get(&hash) {
            let k = k as usize;
            let start = k.checked_sub(1).map_or(0, |p| self.entries[p].0 as usize);
            let (end, token) = &self.entries[k];
            if &self.words[start..*end as usize] == word {
                return token.clone();
            }
            // Two words with one hash: computed, not cached.
            return token_of(word, false, res, buffers);
        }
        let token = token_of(word, false, res, buffers);
        if self.entries.len() >= TOKEN_CACHE_WORDS
            || self.words.len() + word.len() > u32::MAX as usize
        {
            self.index.clear();
            self.words.clear();
            self.entries.clear();
        }
        self.words.push_str(word);
        self.index.insert(hash, self.entries.len() as u32);
        self.entries.push((self.words.len() as u32, token.clone()));
        token
    }
}

/// The precomputed features of a sentence.
#[derive(Debug, Clone)]
pub struct SentenceFeatures {
    tokens: Vec<Token>,
    /// No lower-case letter anywhere: a headline, where capitals say nothing.
    all_caps: bool,
    /// Line type: `2·min(numbers, 3) + has lower case`.
    line: u64,
    /// Lexicon and gazetteer features, also given to the neighbours.
    external: Lists,
    /// Gazetteer hits (list × position), for the topic conjunctions.
    hits: Lists,
    /// Document-level features, from [`add_document_features`].
    document: Lists,
    features: FeatureSet,
    /// [`FeatureSet::Inflected`]: per token, its place in a quoted phrase
    /// (`«Единая Россия»`, a common way to write a name), 0 outside.
    quoted: Vec<u64>,
}

impl SentenceFeatures {
    pub fn new<S: AsRef<str>>(words: &[S], res: &Resources) -> SentenceFeatures {
        SentenceFeatures::with_cache(words, res, None)
    }

    /// [`new`](Self::new), taking the tokens of words met before from
    /// `cache` (which must only ever see `res`): the same features.
    pub fn with_tokens<S: AsRef<str>>(
        words: &[S],
        res: &Resources,
        cache: &mut TokenCache,
    ) -> SentenceFeatures {
        SentenceFeatures::with_cache(words, res, Some(cache))
    }

    fn with_cache<S: AsRef<str>>(
        words: &[S],
        res: &Resources,
        mut cache: Option<&mut TokenCache>,
    ) -> SentenceFeatures {
        let all_caps = !words
            .iter()
            .any(|w| w.as_ref().chars().any(char::is_lowercase));
        let mut buffers = (String::new(), String::new());
        let mut tokens = Vec::with_capacity(words.len());
        let mut external = Lists::default();
        for w in words {
            let word = w.as_ref();
            // A headline's tokens depend on it being one (title-cased
            // look-ups, no lower case): only other sentences' are cached.
            let token = match cache.as_deref_mut().filter(|_| !all_caps) {
                Some(cache) => cache.token(word, res, &mut buffers),
                None => token_of(word, all_caps, res, &mut buffers),
            };
            if token.cluster != 0 {
                for bits in [4u32, 6, 10, 20] {
                    let path = token.cluster & ((1u32 << bits) - 1);
                    external
                        .items
                        .push(mix(mix(T_cluster, bits as u64), path as u64));
                }
            } else {
                external.items.push(T_no_cluster);
            }
            external.close();
            tokens.push(token);
        }
        let numbers = tokens.iter().filter(|t| t.number).count().min(3) as u64;
        let mut s = SentenceFeatures {
            tokens,
            all_caps,
            line: numbers * 2 + u64::from(!all_caps),
            external,
            hits: Lists::default(),
            document: Lists::default(),
            features: res.features,
            quoted: Vec::new(),
        };
        if let FeatureSet::Inflected { .. } = res.features {
            s.quoted = quoted_phrases(words);
        }
        s.add_gazetteers(words, &res.gazetteers);
        s
    }

    /// Marks tokens inside gazetteer phrases with the list, their position
    /// (B/I/L/U) and the phrase length, for the longest phrase of each list
    /// starting at each token (case-sensitive; headlines title-cased).
    fn add_gazetteers<S: AsRef<str>>(&mut self, words: &[S], gazetteers: &Gazetteers) {
        let n = words.len();
        if gazetteers.names.is_empty() || n == 0 {
            return;
        }
        let forms: Vec<Cow<str>> = words
            .iter()
            .map(|w| {
                if self.all_caps {
                    Cow::Owned(title_case(w.as_ref()))
                } else {
                    Cow::Borrowed(w.as_ref())
                }
            })
            .collect();
        let lists: Vec<u64> = gazetteers.name_hashes().collect();
        // (token, external feature, hit), in match order.
        let mut found: Vec<(usize, u64, u64)> = Vec::new();
        for i in 0..n {
            let mut longest = [0usize; MAX_LISTS];
            let mut any = false;
            let mut h = FNV_OFFSET;
            for (k, form) in forms[i..n.min(i + MAX_PHRASE)].iter().enumerate() {
                if k > 0 {
                    h = fnv(h, b" ");
                }
                h = fnv(h, form.as_bytes());
                let Some(&bits) = gazetteers.phrases.get(&h) else {
                    break;
                };
                for (g, l) in longest.iter_mut().enumerate().take(lists.len()) {
                    if bits & (1 << g) != 0 {
                        *l = k + 1;
                        any = true;
                    }
                }
                if bits & PREFIX == 0 {
                    break;
                }
            }
            if !any {
                if let FeatureSet::Inflected { .. } = self.features {
                    // "Астанада", "Тоқаевтың": a case form of a listed word.
                    let bits = loose_match(&forms[i], gazetteers);
                    for (g, &list) in lists.iter().enumerate() {
                        if bits & (1 << g) != 0 {
                            let hit = mix(list, LOOSE);
                            found.push((i, mix(T_gazetteer, hit), hit));
                        }
                    }
                }
                continue;
            }
            for (g, &list) in lists.iter().enumerate() {
                let len = longest[g];
                for (j, token) in (i..i + len).enumerate() {
                    let position: u64 = match (len, j) {
                        (1, _) => 3,
                        (_, 0) => 0,
                        (n, j) if j == n - 1 => 2,
                        _ => 1,
                    };
                    let hit = mix(list, position);
                    found.push((token, mix(T_gazetteer, hit), hit));
                    found.push((token, mix(mix(T_gazetteer_len, hit), len.min(3) as u64), 0));
                }
            }
        }
        if found.is_empty() {
            return;
        }
        found.sort_by_key(|f| f.0);
        let old = std::mem::take(&mut self.external);
        let mut f = found.iter().peekable();
        for i in 0..n {
            self.external.items.extend_from_slice(old.get(i));
            while let Some(&&(_, feature, hit)) = f.peek().filter(|x| x.0 == i) {
                self.external.items.push(feature);
                if hit != 0 {
                    self.hits.items.push(hit);
                }
                f.next();
            }
            self.external.close();
            self.hits.close();
        }
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// What the word features of token `i` depend on (word, lower-cased
    /// word and shape hashes): tokens with equal keys have equal
    /// [`word_features`](Self::word_features) and [`edge_bases`].
    pub fn word_key(&self, i: usize) -> [u64; 3] {
        let t = &self.tokens[i];
        [t.word, t.lower, t.shape]
    }

    /// Appends the features of token `i` that depend on the word alone:
    /// the same for every occurrence of the word, which lets the tagger
    /// cache their scores.
    pub fn word_features(&self, i: usize, out: &mut Vec<u64>) {
        let t = &self.tokens[i];
        out.extend([
            T_bias,
            mix(T_word, t.word),
            mix(T_lower, t.lower),
            mix(T_shape, t.shape),
        ]);
        for (k, &a) in t.affixes.iter().enumerate() {
            if a != 0 {
                let template = if k < MAX_AFFIX { T_prefix } else { T_suffix };
                out.push(mix(template, a));
            }
        }
        if let FeatureSet::Inflected { .. } = self.features {
            if t.head != 0 {
                // "Министерство", "министерства": an organisation's head noun.
                out.push(mix(mix(T_head, t.head), u64::from(t.capitalised)));
            }
            out.push(mix(T_stem, t.stem));
            if t.capitalised {
                // The case ending of a capitalised word: "-ова", "-ского", "-да".
                for &a in &t.affixes[MAX_AFFIX..MAX_AFFIX + 3] {
                    if a != 0 {
                        out.push(mix(T_cap_suffix, a));
                    }
                }
            }
        }
    }

    /// The features token `j` gives the token `d` places before it
    /// (`NEIGHBOUR_OFFSETS[k]` = `d`, features `3k..3k + 3`): its lower
    /// case, shape and cased form at that offset. They depend on the word
    /// alone (its [`word_key`](Self::word_key)), which lets the tagger
    /// cache their rows with the word's scores.
    pub fn neighbour_features(&self, j: usize) -> [u64; NEIGHBOUR_FEATURES] {
        let n = &self.tokens[j];
        neighbour_features_of(|_| (n.lower, n.shape, n.word))
    }

    /// Appends the features of token `i` that look at its neighbours, its
    /// sentence and its document: for each of [`NEIGHBOUR_OFFSETS`] the
    /// neighbour's [`neighbour_features`](Self::neighbour_features) (or
    /// [`PAD_FEATURES`] past an end), then
    /// [`sentence_features`](Self::sentence_features).
    pub fn context_features(&self, i: usize, out: &mut Vec<u64>) {
        self.neighbours_features(i, out);
        self.sentence_features(i, out);
    }

    /// Appends the [`context_features`](Self::context_features) of token
    /// `i` that its neighbours' words give.
    pub fn neighbours_features(&self, i: usize, out: &mut Vec<u64>) {
        for (k, d) in NEIGHBOUR_OFFSETS.into_iter().enumerate() {
            let features = match i.checked_add_signed(d).filter(|&j| j < self.len()) {
                Some(j) => self.neighbour_features(j),
                None => *PAD_FEATURES,
            };
            out.extend_from_slice(&features[3 * k..3 * k + 3]);
        }
    }

    /// Appends the [`context_features`](Self::context_features) of token
    /// `i` that come after the neighbours' words.
    pub fn sentence_features(&self, i: usize, out: &mut Vec<u64>) {
        let t = &self.tokens[i];
        let at = |d: isize| i.checked_add_signed(d).and_then(|j| self.tokens.get(j));
        let prev = at(-1);
        let next = at(1);
        let (prev_lower, prev_shape) = prev.map_or((T_start, T_start), |p| (p.lower, p.shape));
        let (next_lower, next_shape) = next.map_or((T_end, T_end), |n| (n.lower, n.shape));
        out.push(mix(mix(T_bigram_prev, prev_lower), t.lower));
        out.push(mix(mix(T_bigram_next, t.lower), next_lower));
        out.push(mix(mix(mix(T_shape3, prev_shape), t.shape), next_shape));
        if i == 0 {
            out.push(mix(T_first, t.shape));
        }
        if self.all_caps {
            out.push(mix(T_allcaps, t.shape));
        }
        out.push(mix(mix(T_line, self.line), t.shape));
        out.push(mix(mix(mix(T_line_next, self.line), t.shape), next_shape));
        let b6 = t.cluster as u64 & 63;
        out.push(mix(
            mix(T_cluster_prev, prev.map_or(64, |p| p.cluster as u64 & 63)),
            b6,
        ));
        out.push(mix(
            mix(T_cluster_next, b6),
            next.map_or(65, |n| n.cluster as u64 & 63),
        ));
        out.push(mix(mix(T_cluster_shape, t.cluster as u64 & 1023), t.shape));
        out.extend_from_slice(self.external.get(i));
        for d in [-1isize, 1] {
            if let Some(j) = i.checked_add_signed(d).filter(|&j| j < self.len()) {
                let offset = (d as u64).wrapping_mul(GOLDEN);
                out.extend(self.external.get(j).iter().map(|&e| e ^ offset));
            }
        }
        out.extend_from_slice(self.document.get(i));
        if let FeatureSet::Inflected { .. } = self.features {
            for d in [-2isize, -1, 1, 2] {
                let stem = at(d).map_or(T_pad, |n| n.stem);
                out.push(mix(mix(T_ctx_stem, d as u64), stem));
            }
            let prev_stem = prev.map_or(T_start, |p| p.stem);
            let next_stem = next.map_or(T_end, |n| n.stem);
            out.push(mix(mix(T_stem_bigram_prev, prev_stem), t.stem));
            out.push(mix(mix(T_stem_bigram_next, t.stem), next_stem));
            if let Some(&q) = self.quoted.get(i).filter(|&&q| q != 0) {
                out.push(q);
                out.push(mix(q, t.shape));
            }
            if self.features.heads() {
                // Head nouns around the token ("Союз координационных советов",
                // "Конституционного суда"), alone and with whether they
                // are capitalised, with the token's shape.
                for d in [-2isize, -1, 1, 2] {
                    if let Some(n) = at(d).filter(|n| n.head != 0) {
                        out.push(mix(mix(T_head_ctx, d as u64), n.head));
                    }
                }
                let ph = prev.map_or(6, |p| p.head * 2 + u64::from(p.capitalised));
                let nh = next.map_or(6, |n| n.head * 2 + u64::from(n.capitalised));
                out.push(mix(mix(T_head_prev_shape, ph), t.shape));
                out.push(mix(mix(T_head_next_shape, nh), t.shape));
            }
        }
    }
}

/// Offsets of the neighbours whose words are context features, in the
/// order [`SentenceFeatures::context_features`] gives them.
pub const NEIGHBOUR_OFFSETS: [isize; 4] = [-2, -1, 1, 2];

/// Features a neighbour's word gives: three per offset.
pub const NEIGHBOUR_FEATURES: usize = 3 * NEIGHBOUR_OFFSETS.len();

/// The neighbour features where the sentence has no neighbour: padding
/// for the word and shape, the sentence's start or end for the cased form.
pub static PAD_FEATURES: LazyLock<[u64; NEIGHBOUR_FEATURES]> = LazyLock::new(|| {
    neighbour_features_of(|d| (T_pad, T_pad, if d < 0 { T_start } else { T_end }))
});

/// The neighbour features of a word whose `(lower, shape, cased)` at
/// offset `d` are `parts(d)`.
fn neighbour_features_of(parts: impl Fn(isize) -> (u64, u64, u64)) -> [u64; NEIGHBOUR_FEATURES] {
    let mut out = [0; NEIGHBOUR_FEATURES];
    for (k, d) in NEIGHBOUR_OFFSETS.into_iter().enumerate() {
        let (lower, shape, cased) = parts(d);
        out[3 * k] = mix(mix(T_ctx_word, d as u64), lower);
        out[3 * k + 1] = mix(mix(T_ctx_shape, d as u64), shape);
        out[3 * k + 2] = mix(mix(T_cased_ctx, d as u64), cased);
    }
    out
}

/// Occurrences scanned for the context of a word's other occurrences.
const MAX_OCCURRENCES: usize = 256;
/// Distinct neighbour words collected from them.
const MAX_CONTEXTS: usize = 20;

/// Adds the document-level features to the sentences of one document: the
/// topic word, how the word is cased elsewhere in the document, and the
/// words around its other capitalised occurrences.
pub fn add_document_features(sentences: &mut [SentenceFeatures]) {
    let topic = match sentences.first().and_then(|s| s.tokens.first()) {
        Some(t) if t.topic_like => t.word,
        _ => T_no_topic,
    };
    let mut lower_seen = HashedSet::default();
    let mut capitalised_inside = HashedSet::default();
    // lower-cased word → (sentence, token, previous word, next word)
    let mut occurrences: HashedMap<Vec<(u32, u32, u64, u64)>> = HashedMap::default();
    // stem → head classes (bits) of the words before its capitalised occurrences.
    let mut occ_heads: HashedMap<u64> = HashedMap::default();
    let quote = [hash_str("«"), hash_str("\""), hash_str("„"), hash_str("“")];
    for (k, s) in sentences.iter().enumerate() {
        for (j, t) in s.tokens.iter().enumerate() {
            if !t.capitalised && t.has_lower {
                lower_seen.insert(t.stem);
            }
            if t.capitalised && !s.all_caps {
                if j > 0 {
                    capitalised_inside.insert(t.stem);
                }
                let prev = if j > 0 { s.tokens[j - 1].stem } else { T_start };
                let next = s.tokens.get(j + 1).map_or(T_end, |n| n.stem);
                if s.features.heads() {
                    // "компании Vestas", "партии «Яблоко»" somewhere in the document.
                    let mut p = j.checked_sub(1);
                    if let Some(q) = p.filter(|&q| quote.contains(&s.tokens[q].word)) {
                        p = q.checked_sub(1);
                    }
                    let class = p.map_or(0, |q| s.tokens[q].head);
                    *occ_heads.entry(t.stem).or_default() |= 1 << class;
                }
                occurrences
                    .entry(t.stem)
                    .or_default()
                    .push((k as u32, j as u32, prev, next));
            }
        }
    }
    let mut seen: Vec<u64> = Vec::with_capacity(MAX_CONTEXTS + 2);
    let lists: Vec<Lists> = sentences
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let mut out = Lists::default();
            for (j, t) in s.tokens.iter().enumerate() {
                let next_shape = s.tokens.get(j + 1).map_or(T_end, |n| n.shape);
                let f = &mut out.items;
                f.push(mix(mix(T_topic, topic), t.shape));
                f.push(mix(mix(mix(T_topic_next, topic), t.shape), next_shape));
                f.push(mix(mix(T_topic_cluster, topic), t.cluster as u64 & 63));
                for &hit in s.hits.get(j) {
                    f.push(mix(mix(T_topic_gazetteer, topic), hit));
                }
                if t.capitalised {
                    let case = u64::from(lower_seen.contains(&t.stem)) * 4
                        + u64::from(capitalised_inside.contains(&t.stem)) * 2
                        + u64::from(j == 0);
                    f.push(mix(T_doc_case, case));
                    if let Some(&bits) = occ_heads.get(&t.stem) {
                        for class in 1..3 {
                            if bits & (1 << class) != 0 {
                                f.push(mix(T_occ_head, class));
                            }
                        }
                    }
                    if let Some(occ) = occurrences.get(&t.stem) {
                        seen.clear();
                        for &(kk, jj, prev, next) in occ.iter().take(MAX_OCCURRENCES) {
                            if (kk as usize, jj as usize) == (k, j) {
                                continue;
                            }
                            for x in [mix(T_occ_prev, prev), mix(T_occ_next, next)] {
                                if !seen.contains(&x) {
                                    seen.push(x);
                                    f.push(x);
                                }
                            }
                            if seen.len() > MAX_CONTEXTS {
                                break;
                            }
                        }
                    }
                }
                out.close();
            }
            out
        })
        .collect();
    for (s, l) in sentences.iter_mut().zip(lists) {
        s.document = l;
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
        for (t, kind) in s.tokens.iter().zip(kinds) {
            if t.capitalised {
                let c = self.counts.entry(t.stem).or_default();
                c[kind] = c[kind].saturating_add(1);
            }
        }
    }

    /// History features of token `i`: the share of each label, in quarters.
    pub fn features(&self, s: &SentenceFeatures, i: usize, out: &mut Vec<u64>) {
        let t = &s.tokens[i];
        if !t.capitalised {
            return;
        }
        let Some(c) = self.counts.get(&t.stem) else {
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

/// The transition features of token `i`, before the previous label is
/// mixed in with [`edge_key`]: the label alone, with the word, with the shape.
pub fn edge_bases(s: &SentenceFeatures, i: usize) -> [u64; 3] {
    let t = &s.tokens[i];
    [
        T_prev_label,
        mix(T_prev_label_word, t.lower),
        mix(T_prev_label_shape, t.shape),
    ]
}

/// A transition feature: a base from [`edge_bases`] and the previous label.
#[inline]
pub fn edge_key(base: u64, prev: u8) -> u64 {
    base ^ (prev as u64 + 1).wrapping_mul(GOLDEN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(s: &SentenceFeatures, i: usize, f: u64) -> bool {
        let mut out = Vec::new();
        s.word_features(i, &mut out);
        s.context_features(i, &mut out);
        out.contains(&f)
    }

    #[test]
    fn shapes_and_title_case() {
        assert_eq!(shape("London"), "Xx");
        assert_eq!(shape("U.S."), "X.X.");
        assert_eq!(shape("1,000"), "d,d");
        assert_eq!(title_case("LONDON"), "London");
        assert_eq!(title_case("ÉCOLE"), "École");
        assert!(is_number("1,000") && is_number("3-1") && !is_number("-") && !is_number("A1"));
    }

    #[test]
    fn hashes_are_stable_across_builds() {
        // The shipped weights are keyed by these values: they must never change.
        assert_eq!(hash_str(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash_str("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(mix(1, 2), mix(2, 1));
        assert_ne!(edge_key(T_prev_label, 0), edge_key(T_prev_label, 1));
    }

    #[test]
    fn cached_tokens_are_the_computed_ones() {
        let mut res = Resources {
            features: FeatureSet::Inflected {
                stem: 5,
                heads: Heads::None,
            },
            ..Resources::default()
        };
        res.lexicon.entries.insert(hash_str("London"), 0b1011);
        res.lexicon.entries.insert(hash_str("paris"), 0b110);
        res.gazetteers.add("LOC", "New York\n");
        let sentences: [&[&str]; 5] = [
            &["London", "and", "Paris", "in", "New", "York"],
            // A headline: its tokens are title-cased look-ups, never cached.
            &["LONDON", "AND", "PARIS"],
            &["LONDON", "and", "London", "«Москва»", "Paris"],
            &["Paris", "paris", "Astana", "Астанада", ""],
            &["London", "and", "Paris", "in", "New", "York"],
        ];
        let mut cache = TokenCache::default();
        for _ in 0..2 {
            for words in sentences {
                let computed = SentenceFeatures::new(words, &res);
                let cached = SentenceFeatures::with_tokens(words, &res, &mut cache);
                assert_eq!(format!("{cached:?}"), format!("{computed:?}"), "{words:?}");
            }
        }
        // Every word met outside the headline, once.
        assert_eq!(cache.entries.len(), 12);
        // A full cache starts again: 12 words + the first 16,372 of these
        // fill it, the last 15 are what it holds.
        let many: Vec<String> = (0..TOKEN_CACHE_WORDS + 3)
            .map(|i| format!("w{i}"))
            .collect();
        SentenceFeatures::with_tokens(&many, &res, &mut cache);
        assert_eq!(cache.entries.len(), 15);
        let words = ["w1", "London"];
        assert_eq!(
            format!(
                "{:?}",
                SentenceFeatures::with_tokens(&words, &res, &mut cache)
            ),
            format!("{:?}", SentenceFeatures::new(&words, &res))
        );
    }

    #[test]
    fn gazetteer_marks_longest_phrase_per_start() {
        let mut res = Resources::default();
        assert_eq!(
            res.gazetteers.add("LOC", "New York\nNew York City\nYork\n"),
            3
        );
        res.gazetteers.add("PERLAST", "York\n");
        let s = SentenceFeatures::new(&["in", "New", "York", "City", "today"], &res);
        let loc = hash_str("LOC");
        let gz = |pos: u64| mix(T_gazetteer, mix(loc, pos));
        let e = |i: usize| s.external.get(i).to_vec();
        assert!(e(1).contains(&gz(0)) && e(2).contains(&gz(1)) && e(3).contains(&gz(2)));
        assert!(e(2).contains(&gz(3)), "York alone starts its own match");
        assert!(e(2).contains(&mix(T_gazetteer, mix(hash_str("PERLAST"), 3))));
        assert!(e(1).contains(&mix(mix(T_gazetteer_len, mix(loc, 0)), 3)));
        assert!(!e(0).contains(&gz(3)) && !e(4).contains(&gz(3)));
        assert_eq!(s.hits.get(2).len(), 3);
        // The neighbours see a token's matches, shifted.
        assert!(has(&s, 0, gz(0) ^ 1u64.wrapping_mul(GOLDEN)));
        // "New" alone is only a prefix, not a phrase.
        let s = SentenceFeatures::new(&["New", "Delhi"], &res);
        assert!(s.hits.get(0).is_empty());
        // Headlines are matched title-cased.
        let s = SentenceFeatures::new(&["NEW", "YORK"], &res);
        assert!(s.all_caps);
        assert!(s.external.get(0).contains(&gz(0)));
    }

    #[test]
    fn inflected_features_share_a_stem_across_case_forms() {
        let res = Resources {
            features: FeatureSet::Inflected {
                stem: 5,
                heads: Heads::None,
            },
            ..Resources::default()
        };
        let s = SentenceFeatures::new(&["Путин", "Путиным", "Астанада", "Рим"], &res);
        assert_eq!(s.tokens[0].stem, s.tokens[1].stem);
        assert_eq!(s.tokens[0].stem, hash_str("путин"));
        assert_eq!(s.tokens[2].stem, hash_str("астан"));
        assert_eq!(
            s.tokens[3].stem,
            hash_str("рим"),
            "short words are their own stem"
        );
        // 6-letter suffixes, and the stem as a feature.
        assert!(has(&s, 1, mix(T_suffix, hash_str("утиным"))));
        assert!(has(&s, 1, mix(T_stem, hash_str("путин"))));
        // The base set keeps 4-letter affixes and keys by the whole word.
        let base = SentenceFeatures::new(&["Путиным"], &Resources::default());
        assert_eq!(base.tokens[0].stem, base.tokens[0].lower);
        assert!(!has(&base, 0, mix(T_suffix, hash_str("утиным"))));
        assert!(!has(&base, 0, mix(T_stem, hash_str("путин"))));
    }

    #[test]
    fn quoted_phrases_and_loose_list_matches() {
        let q = quoted_phrases(&["партия", "«", "Единая", "Россия", "»", "и", "«", "x"]);
        let at = |pos: u64, len: u64| mix(mix(T_quote, pos), len);
        assert_eq!(q, [0, 0, at(0, 2), at(2, 2), 0, 0, 0, 0]);
        let mut gazetteers = Gazetteers::default();
        gazetteers.add("Geox", "Астана\nНью Йорк\n");
        let bits = |w: &str| loose_match(w, &gazetteers);
        assert_eq!(bits("Астанада"), 1);
        assert_eq!(bits("Астанадағылар"), 0, "at most 4 letters cut");
        assert_eq!(bits("астанада"), 0, "capitalised words only");
        assert_eq!(bits("Нью"), 0, "a phrase prefix is not a phrase");
        let res = Resources {
            gazetteers,
            features: FeatureSet::Inflected {
                stem: 4,
                heads: Heads::None,
            },
            ..Resources::default()
        };
        let s = SentenceFeatures::new(&["в", "Астанада", "Астана"], &res);
        let geox = hash_str("Geox");
        assert!(s.hits.get(1) == [mix(geox, LOOSE)]);
        assert!(
            s.hits.get(2) == [mix(geox, 3)],
            "an exact match is not also loose"
        );
    }

    #[test]
    fn head_nouns_are_word_classes_with_the_heads_templates() {
        assert_eq!(Heads::Russian.class("министерства"), 1);
        assert_eq!(Heads::Russian.class("партией"), 1);
        assert_eq!(Heads::Russian.class("республике"), 2);
        assert_eq!(
            Heads::Russian.class("театральный"),
            0,
            "at most 3 letters of ending"
        );
        assert_eq!(Heads::Russian.class("путин"), 0);
        let words = ["партии", "«", "Яблоко", "»", ".", "Яблоко", "выросло"];
        for heads in [Heads::Russian, Heads::None] {
            let res = Resources {
                features: FeatureSet::Inflected { stem: 4, heads },
                ..Resources::default()
            };
            let mut doc = vec![SentenceFeatures::new(&words, &res)];
            add_document_features(&mut doc);
            let on = heads == Heads::Russian;
            assert_eq!(has(&doc[0], 0, mix(mix(T_head, 1), 0)), on);
            assert_eq!(has(&doc[0], 1, mix(mix(T_head_ctx, -1i64 as u64), 1)), on);
            // "Яблоко" after "партии «" anywhere in the document.
            assert_eq!(has(&doc[0], 5, mix(T_occ_head, 1)), on);
        }
    }

    // The lists scanned one head at a time, as first written: the
    // reference the indexed look-up must agree with.
    /// 1 for an organisation head noun, 2 for a place one, 0 otherwise.
    fn head_class(lower: &str) -> u64 {
        let n = lower.chars().count();
        let fits =
            |stem: &&str| lower.starts_with(*stem) && n - stem.chars().count() <= HEAD_ENDING;
        if ORG_HEADS.iter().any(fits) {
            1
        } else if LOC_HEADS.iter().any(fits) {
            2
        } else {
            0
        }
    }

    /// [`head_class`] for Kazakh: 1 for an organisation head noun, 2 for a
    /// place one, 0 otherwise.
    fn kk_head_class(lower: &str) -> u64 {
        let stem = |stem: &&str| {
            lower.strip_prefix(*stem).is_some_and(|rest| {
                let max = if stem.chars().count() <= 4 {
                    KK_SHORT_ENDING
                } else {
                    KK_STEM_ENDING
                };
                rest.chars().count() <= max
            })
        };
        let possessed = |form: &&str| lower.strip_prefix(*form).is_some_and(possessed_case);
        if KK_ORG_STEMS.iter().any(stem) || KK_ORG_POSSESSED.iter().any(possessed) {
            1
        } else if KK_LOC_STEMS.iter().any(stem) || KK_LOC_POSSESSED.iter().any(possessed) {
            2
        } else {
            0
        }
    }

    #[test]
    fn indexed_head_look_up_agrees_with_scanning_the_lists() {
        let heads = [
            ORG_HEADS,
            LOC_HEADS,
            KK_ORG_STEMS,
            KK_ORG_POSSESSED,
            KK_LOC_STEMS,
            KK_LOC_POSSESSED,
        ]
        .concat();
        let endings = [
            "",
            "а",
            "н",
            "ы",
            "ого",
            "мен",
            "ның",
            "нда",
            "ами",
            "ндағы",
            "нан",
            "ыми",
            "тері",
            "ының",
            "ындағы",
            "абвгде",
            "нхххххх",
            "ххххххх",
        ];
        let mut words = 0;
        for head in &heads {
            let chars: Vec<char> = head.chars().collect();
            for cut in 1..=chars.len() {
                let stem: String = chars[..cut].iter().collect();
                for ending in endings {
                    let word = format!("{stem}{ending}");
                    assert_eq!(Heads::Russian.class(&word), head_class(&word), "ru {word}");
                    assert_eq!(
                        Heads::Kazakh.class(&word),
                        kk_head_class(&word),
                        "kk {word}"
                    );
                    words += 1;
                }
            }
        }
        assert!(words > 20_000, "{words}");
    }

    #[test]
    fn kazakh_head_nouns_take_possessive_and_case_endings() {
        for (word, class, why) in [
            ("министрлігінің", 1, ""),
            ("министрлік", 1, ""),
            ("банктің", 1, ""),
            ("ұйымдастыру", 0, "a short stem takes at most 4 letters"),
            ("қоры", 1, ""),
            ("қорының", 1, ""),
            ("қорытынды", 0, "a possessed form takes only a case ending"),
            ("облысындағы", 2, ""),
            ("республикасымен", 2, ""),
            ("республикалық", 0, ""),
            ("көлік", 0, ""),
            ("тауып", 0, ""),
            ("министерства", 0, "Russian lists are not Kazakh ones"),
        ] {
            assert_eq!(Heads::Kazakh.class(word), class, "{word}: {why}");
        }
        assert_eq!(Heads::Russian.class("министерства"), 1);
        assert_eq!(Heads::None.class("министерства"), 0);
        for heads in Heads::ALL {
            assert_eq!(Heads::from_id(heads.id()), Some(heads));
        }
    }

    #[test]
    fn lexicon_reads_tsv_and_reports_bad_lines() {
        let lex = Lexicon::from_tsv("London\t678\nthe\t11\t-3.5\nzz\t0\n").unwrap();
        assert_eq!(lex.get("London"), Some(678));
        assert_eq!(lex.get("the"), Some(11));
        assert_eq!(lex.get("Paris"), None);
        assert!(Lexicon::from_tsv("x\ty\n")
            .unwrap_err()
            .starts_with("line 1"));
        // A known word without a cluster still stops the lower-case fallback.
        let res = Resources {
            lexicon: Lexicon::from_tsv("The\t0\nthe\t5\n").unwrap(),
            ..Resources::default()
        };
        let s = SentenceFeatures::new(&["The", "the"], &res);
        assert_eq!(s.external.get(0), [T_no_cluster]);
        assert_eq!(s.tokens[1].cluster, 5);
    }

    #[test]
    fn document_features_see_the_whole_document() {
        let res = Resources::default();
        let mut doc: Vec<SentenceFeatures> = [
            vec!["SOCCER", "-", "RESULTS"],
            vec!["Smith", "scored", "for", "Leeds", "."],
            vec!["Leeds", "beat", "Smith", "'s", "side", "."],
            vec!["A", "smith", "works", "."],
        ]
        .iter()
        .map(|w| SentenceFeatures::new(w, &res))
        .collect();
        add_document_features(&mut doc);
        let topic = hash_str("SOCCER");
        let xx = hash_str("Xx");
        assert!(has(&doc[1], 0, mix(mix(T_topic, topic), xx)));
        // "Smith": seen in lower case; capitalised inside a sentence; here first.
        assert!(has(&doc[1], 0, mix(T_doc_case, 4 + 2 + 1)));
        // "Leeds" (first in sentence 2) is seen capitalised mid-sentence in 1.
        assert!(has(&doc[2], 0, mix(T_doc_case, 2 + 1)));
        // The other "Leeds" was preceded by "for" and followed by ".".
        assert!(has(&doc[2], 0, mix(T_occ_prev, hash_str("for"))));
        assert!(has(&doc[2], 0, mix(T_occ_next, hash_str("."))));
        // ...but not its own context.
        assert!(!has(&doc[2], 0, mix(T_occ_prev, T_start)));
        // Lower-case tokens get no case or context features.
        assert!(!has(&doc[3], 1, mix(T_doc_case, 0)));
        // Without a topic word the topic is "none".
        let mut other = vec![SentenceFeatures::new(&["Smith", "won"], &res)];
        add_document_features(&mut other);
        assert!(has(&other[0], 0, mix(mix(T_topic, T_no_topic), xx)));
    }
}
