//! The structured averaged perceptron over BILOU labels: training,
//! first-order Viterbi decoding and the binary model file.
//!
//! Why this model: a linear model over rich hashed features is the classic
//! CoNLL recipe (Ratinov & Roth 2009) and tags hundreds of thousands of
//! tokens per second per core, which neural taggers cannot approach on a
//! CPU. Labels are BILOU (Begin, Inside, Last, Unit); the decoder finds the
//! best valid label sequence of a sentence under unary and transition
//! (previous label × word / shape) scores, and training updates both where
//! the decoded sequence differs from the gold one (Collins 2002). Three
//! runs with different shuffles are averaged, which steadies the result.

use std::cell::RefCell;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::features::{
    add_document_features, edge_bases, edge_key, FeatureSet, Gazetteers, HashedMap, Heads, History,
    Resources, SentenceFeatures, TokenCache, MAX_LISTS, NEIGHBOUR_FEATURES, NEIGHBOUR_OFFSETS,
    PAD_FEATURES,
};
use super::weights::{add_row, prefetch_all, WeightTable};

/// Entity types, in label order.
pub const TYPES: [&str; 4] = ["PER", "ORG", "LOC", "MISC"];
/// `O` plus B/I/L/U for each type.
pub const N_LABELS: usize = 1 + 4 * TYPES.len();

/// Label 0 is `O`; `1 + 4·type + position` with position B=0, I=1, L=2, U=3.
pub type Label = u8;

fn position(l: Label) -> Option<u8> {
    (l > 0).then(|| (l - 1) % 4)
}

/// The type index (0..4) of an entity label, or 4 for `O`.
pub fn kind(l: Label) -> usize {
    if l == 0 {
        TYPES.len()
    } else {
        (l as usize - 1) / 4
    }
}

/// Whether `cur` may follow `prev`: after B or I only I or L of the same
/// type; elsewhere never I or L.
const fn allowed(prev: Label, cur: Label) -> bool {
    let open = prev > 0 && (prev - 1) % 4 < 2;
    let continues = cur > 0 && matches!((cur - 1) % 4, 1 | 2);
    if open {
        continues && (cur - 1) / 4 == (prev - 1) / 4
    } else {
        !continues
    }
}

/// [`allowed`] as a table: `ALLOWED[prev][cur]`.
const ALLOWED: [[bool; N_LABELS]; N_LABELS] = {
    let mut t = [[false; N_LABELS]; N_LABELS];
    let mut p = 0;
    while p < N_LABELS {
        let mut c = 0;
        while c < N_LABELS {
            t[p][c] = allowed(p as Label, c as Label);
            c += 1;
        }
        p += 1;
    }
    t
};

/// Number of `(previous, label)` pairs [`ALLOWED`] permits (97 of 289).
const N_PAIRS: usize = {
    let mut n = 0;
    let mut p = 0;
    while p < N_LABELS {
        let mut c = 0;
        while c < N_LABELS {
            n += ALLOWED[p][c] as usize;
            c += 1;
        }
        p += 1;
    }
    n
};

/// The allowed `(previous, label)` pairs in order of previous label, then
/// label: the order the decoder tries them in.
const PAIRS: [(u8, u8); N_PAIRS] = {
    let mut t = [(0u8, 0u8); N_PAIRS];
    let mut k = 0;
    let mut p = 0;
    while p < N_LABELS {
        let mut c = 0;
        while c < N_LABELS {
            if ALLOWED[p][c] {
                t[k] = (p as u8, c as u8);
                k += 1;
            }
            c += 1;
        }
        p += 1;
    }
    t
};

/// BILOU labels of a sentence from entity spans `(start, end, type index)`.
pub fn encode(len: usize, spans: &[(usize, usize, usize)]) -> Vec<Label> {
    let mut labels = vec![0; len];
    for &(s, e, ty) in spans {
        let base = 1 + 4 * ty as u8;
        if e - s == 1 {
            labels[s] = base + 3;
        } else {
            labels[s] = base;
            for l in &mut labels[s + 1..e - 1] {
                *l = base + 1;
            }
            labels[e - 1] = base + 2;
        }
    }
    labels
}

/// Entity spans `(start, end, type index)` of a label sequence. The
/// decoder only produces valid sequences, but an unfinished entity at the
/// end of a sentence is closed rather than lost.
pub fn decode(labels: &[Label]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None;
    for (i, &l) in labels.iter().enumerate() {
        let Some(pos) = position(l) else {
            if let Some((s, ty)) = open.take() {
                out.push((s, i, ty));
            }
            continue;
        };
        let ty = kind(l);
        match (pos, open) {
            (1, Some((_, t))) if t == ty => {}
            (2, Some((s, t))) if t == ty => {
                out.push((s, i + 1, ty));
                open = None;
            }
            _ => {
                if let Some((s, t)) = open.take() {
                    out.push((s, i, t));
                }
                match pos {
                    0 | 1 => open = Some((i, ty)),
                    _ => out.push((i, i + 1, ty)),
                }
            }
        }
    }
    if let Some((s, ty)) = open {
        out.push((s, labels.len(), ty));
    }
    out
}

/// Something that adds a feature's weight row to label scores.
trait Weights {
    fn add(&self, feature: u64, scores: &mut [f32; N_LABELS]);

    /// Adds the rows of `features` in groups of `group`: group `g`'s rows,
    /// in order, to `out[g]`. The sums run in the order [`add`](Self::add)
    /// would run them, so the scores are the same floats.
    fn add_groups(&self, features: &[u64], group: usize, out: &mut [[f32; N_LABELS]]) {
        for (chunk, scores) in features.chunks(group.max(1)).zip(out) {
            for &f in chunk {
                self.add(f, scores);
            }
        }
    }

    /// Adds the rows of all `features`, in order, to `scores`.
    fn add_all(&self, features: &[u64], scores: &mut [f32; N_LABELS]) {
        self.add_groups(features, features.len(), std::slice::from_mut(scores));
    }

    /// `feature`'s row, found now and added later by
    /// [`add_found`](Self::add_found). Here the feature itself: looked
    /// up when added.
    fn find(&self, feature: u64) -> Found {
        Found(feature)
    }

    /// Adds the row `found` by [`find`](Self::find) on these weights,
    /// unchanged since: the same sum as [`add`](Self::add) of its feature.
    fn add_found(&self, found: Found, scores: &mut [f32; N_LABELS]) {
        self.add(found.0, scores);
    }

    /// Asks the memory for the row `found` by [`find`](Self::find), to be
    /// added soon; it changes no score. Here nothing: there is no row yet.
    fn prefetch_found(&self, _found: Found) {}

    /// Calls `f` with the [`WordScores`] of every token of `s`, computed
    /// in `scratch` here; a model caches them per word (see [`WordCache`]).
    fn with_sentence_words<R>(
        &self,
        s: &SentenceFeatures,
        scratch: &mut WordScratch,
        f: impl FnOnce(&SentenceWords) -> R,
    ) -> R {
        let WordScratch {
            buf,
            computed,
            at,
            pad,
        } = scratch;
        computed.clear();
        computed.resize(s.len(), WordScores::default());
        for (i, out) in computed.iter_mut().enumerate() {
            word_scores(self, s, i, buf, out);
        }
        at.clear();
        at.extend((0..s.len() as u32).map(|i| i | COMPUTED));
        *pad = PAD_FEATURES.map(|f| self.find(f));
        f(&SentenceWords {
            cached: &[],
            computed,
            at,
            pad,
        })
    }
}

/// A row found by [`Weights::find`], in a form only the weights that
/// found it read: a model's table keeps the row's index and `O` weight in
/// it, so adding it takes no look-up.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Found(u64);

impl Default for Found {
    fn default() -> Found {
        Found(Found::ABSENT)
    }
}

impl Found {
    /// What a model's table gives a feature it has no row for.
    const ABSENT: u64 = u64::MAX;
}

/// Buffers for computing [`WordScores`].
#[derive(Default)]
struct WordScratch {
    buf: Vec<u64>,
    /// Scores computed for this sentence, not cached.
    computed: Vec<WordScores>,
    /// Each token's scores: an index into the cache, or into `computed`
    /// with [`COMPUTED`] set.
    at: Vec<u32>,
    pad: [Found; NEIGHBOUR_FEATURES],
}

/// Marks a [`WordScratch::at`] index into the computed scores.
const COMPUTED: u32 = 1 << 31;

/// A word the cache's index does not hold, in [`WordScratch::at`] while a
/// sentence's entries are looked up (no index or [`COMPUTED`] mark is
/// this large).
const NOT_FOUND: u32 = u32::MAX;

/// The [`WordScores`] of a sentence's tokens, wherever they are kept.
struct SentenceWords<'a> {
    cached: &'a [([u64; 3], WordScores)],
    computed: &'a [WordScores],
    at: &'a [u32],
    /// The rows of [`PAD_FEATURES`].
    pad: &'a [Found; NEIGHBOUR_FEATURES],
}

impl SentenceWords<'_> {
    /// Token `i`'s scores.
    fn get(&self, i: usize) -> &WordScores {
        let at = self.at[i];
        if at & COMPUTED != 0 {
            &self.computed[(at & !COMPUTED) as usize]
        } else {
            &self.cached[at as usize].1
        }
    }

    /// The rows of the three features token `i` gets from its neighbour
    /// at `NEIGHBOUR_OFFSETS[k]` (the padding's past an end).
    fn neighbour(&self, i: usize, k: usize) -> &[Found] {
        let rows = match i.checked_add_signed(NEIGHBOUR_OFFSETS[k]) {
            Some(j) if j < self.at.len() => &self.get(j).neighbour,
            _ => self.pad,
        };
        &rows[3 * k..3 * k + 3]
    }
}

/// The scores that depend on a token's word alone: the unary scores of its
/// [`SentenceFeatures::word_features`] and the transition scores of its
/// [`edge_bases`] for every allowed `(previous, label)` pair — only those:
/// the decoder never reads the others, and a third of the size lets the
/// [`WordCache`] hold three times the words.
///
/// It also keeps the rows of the word's
/// [`SentenceFeatures::neighbour_features`]: a token's neighbours' words
/// are a dozen of its ~27 context features, so their rows come from the
/// neighbours' cached scores instead of a dozen table look-ups.
#[derive(Clone)]
struct WordScores {
    unary: [f32; N_LABELS],
    /// `edge[k]` is the score of [`PAIRS`]`[k]`.
    edge: [f32; N_PAIRS],
    neighbour: [Found; NEIGHBOUR_FEATURES],
}

impl Default for WordScores {
    fn default() -> WordScores {
        WordScores {
            unary: [0.0; N_LABELS],
            edge: [0.0; N_PAIRS],
            neighbour: [Found::default(); NEIGHBOUR_FEATURES],
        }
    }
}

/// Computes [`WordScores`]: the sums run in the same order as the decoder
/// ran them before the cache existed, so cached and computed scores are
/// the same floats.
fn word_scores<W: Weights + ?Sized>(
    w: &W,
    s: &SentenceFeatures,
    i: usize,
    buf: &mut Vec<u64>,
    out: &mut WordScores,
) {
    buf.clear();
    s.word_features(i, buf);
    out.unary = [0.0; N_LABELS];
    w.add_all(buf, &mut out.unary);
    let bases = edge_bases(s, i);
    // The transition features of every previous label, looked up together.
    let mut keys = [bases; N_LABELS];
    for (p, keys) in keys.iter_mut().enumerate() {
        for key in keys.iter_mut() {
            *key = edge_key(*key, p as Label);
        }
    }
    let mut edges = [[0.0; N_LABELS]; N_LABELS];
    w.add_groups(keys.as_flattened(), bases.len(), &mut edges);
    for (k, &(p, l)) in PAIRS.iter().enumerate() {
        out.edge[k] = edges[p as usize][l as usize];
    }
    out.neighbour = s.neighbour_features(i).map(|f| w.find(f));
}

/// Words whose scores a thread keeps per model; at 552 bytes each,
/// 16,384 words hold 9 MB per thread and model, and being full clears the cache. Frequent words
/// (most tokens of any text) come back at once. On news text a cache of
/// 2,048 words missed 37 % of tokens, this one about 8 %: a miss costs ~60
/// weight-row look-ups, a hit one contiguous read.
const WORD_CACHE_WORDS: usize = 16_384;

/// A thread's cached [`WordScores`] and tokens (see [`TokenCache`]) of
/// one model. Why: each token needs about 60 weight-row lookups (4 word
/// features, 8 affixes, 3 transition bases × 17 previous labels) that
/// depend on its word alone, and each is a likely cache miss in a map of
/// millions of rows; most tokens repeat a word seen shortly before.
#[derive(Default)]
struct WordCache {
    /// [`Model::id`] of the model the scores came from.
    model: u64,
    /// Word hash (the first of its [`SentenceFeatures::word_key`]) →
    /// index into `scores`.
    index: HashedMap<u32>,
    /// The full word key and the scores.
    scores: Vec<([u64; 3], WordScores)>,
    /// The model's tokens of words met before (its resources are fixed
    /// once it has an id).
    tokens: TokenCache,
    /// The model's rows of [`PAD_FEATURES`].
    pad: [Found; NEIGHBOUR_FEATURES],
}

impl WordCache {
    /// The cache of `model` among a thread's `caches`, made (in place
    /// of the oldest when there are [`WORD_CACHE_MODELS`]) if it has none.
    fn of<'a>(caches: &'a mut Vec<WordCache>, model: &Model) -> &'a mut WordCache {
        let at = match caches.iter().position(|c| c.model == model.id) {
            Some(at) => at,
            None => {
                if caches.len() >= WORD_CACHE_MODELS {
                    caches.remove(0);
                }
                caches.push(WordCache {
                    model: model.id,
                    pad: PAD_FEATURES.map(|f| model.find(f)),
                    ..WordCache::default()
                });
                caches.len() - 1
            }
        };
        &mut caches[at]
    }
}

/// Models whose word scores a thread keeps at once: the English, Russian
/// and Kazakh ones, and one more. With one cache for all, a thread that
/// met a Russian document after an English one cleared the English words,
/// so a corpus of mixed languages missed on nearly every document's
/// frequent words.
const WORD_CACHE_MODELS: usize = 4;

thread_local! {
    static WORD_CACHE: RefCell<Vec<WordCache>> = RefCell::default();
}

/// Gives every model its own [`Model::id`], so a thread's [`WordCache`]
/// never serves one model's scores to another.
static NEXT_MODEL_ID: AtomicU64 = AtomicU64::new(1);

/// A trained model: resources plus one weight row per feature.
#[derive(Debug, Default, Clone)]
pub struct Model {
    /// Fixed once the model has its `id`: a thread's [`TokenCache`] of
    /// the model holds tokens made with them.
    pub resources: Arc<Resources>,
    table: WeightTable,
    /// How the model was made (printed by the eval command).
    pub info: String,
    /// Which model this is, for the [`WordCache`]; set once the weights
    /// are final (a clone shares the weights and the id).
    id: u64,
}

impl Weights for Model {
    #[inline]
    fn add(&self, feature: u64, scores: &mut [f32; N_LABELS]) {
        self.table.add(feature, scores);
    }

    fn add_groups(&self, features: &[u64], group: usize, out: &mut [[f32; N_LABELS]]) {
        self.table.add_groups(features, group, out);
    }

    fn add_all(&self, features: &[u64], scores: &mut [f32; N_LABELS]) {
        self.table.add_all(features, scores);
    }

    fn find(&self, feature: u64) -> Found {
        Found(self.table.find(feature).map_or(Found::ABSENT, |(row, o)| {
            u64::from(row) << 32 | u64::from(o.to_bits())
        }))
    }

    #[inline]
    fn add_found(&self, found: Found, scores: &mut [f32; N_LABELS]) {
        if found.0 != Found::ABSENT {
            let o = f32::from_bits(found.0 as u32);
            self.table.add_row_at((found.0 >> 32) as u32, o, scores);
        }
    }

    #[inline]
    fn prefetch_found(&self, found: Found) {
        if found.0 != Found::ABSENT {
            self.table.prefetch_row((found.0 >> 32) as u32);
        }
    }

    fn with_sentence_words<R>(
        &self,
        s: &SentenceFeatures,
        scratch: &mut WordScratch,
        f: impl FnOnce(&SentenceWords) -> R,
    ) -> R {
        WORD_CACHE.with_borrow_mut(|caches| {
            let cache = WordCache::of(caches, self);
            // Full: cleared before the sentence, so that no index taken
            // for it goes stale.
            if cache.scores.len() + s.len() > WORD_CACHE_WORDS {
                cache.index.clear();
                cache.scores.clear();
            }
            let WordScratch {
                buf, computed, at, ..
            } = scratch;
            computed.clear();
            at.clear();
            // Every token's entry is looked up and asked for first: a
            // sentence's entries are seldom in the core's own cache, and so
            // their misses overlap. `at` keeps what the look-up found.
            for i in 0..s.len() {
                let k = cache.index.get(&s.word_key(i)[0]).copied();
                if let Some(entry) = k.and_then(|k| cache.scores.get(k as usize)) {
                    prefetch_all(entry);
                }
                at.push(k.unwrap_or(NOT_FOUND));
            }
            for (i, at) in at.iter_mut().enumerate() {
                let key = s.word_key(i);
                // A word not found may have been added since, by its first
                // occurrence in this sentence.
                let looked = match *at {
                    NOT_FOUND => cache.index.get(&key[0]).copied(),
                    k => Some(k),
                };
                let k = match looked {
                    Some(k) if cache.scores[k as usize].0 == key => k,
                    // Two words with one 64-bit hash (never seen in
                    // practice), or a sentence longer than the cache:
                    // computing is always right.
                    Some(_) => COMPUTED,
                    None if cache.scores.len() >= WORD_CACHE_WORDS => COMPUTED,
                    None => {
                        let k = cache.scores.len() as u32;
                        cache.index.insert(key[0], k);
                        cache.scores.push((key, WordScores::default()));
                        let scores = &mut cache.scores.last_mut().expect("just pushed").1;
                        word_scores(self, s, i, buf, scores);
                        k
                    }
                };
                *at = if k == COMPUTED {
                    computed.push(WordScores::default());
                    word_scores(self, s, i, buf, computed.last_mut().expect("just pushed"));
                    COMPUTED | (computed.len() - 1) as u32
                } else {
                    k
                };
            }
            f(&SentenceWords {
                cached: &cache.scores,
                computed,
                at,
                pad: &cache.pad,
            })
        })
    }
}

/// Token `i`'s unary scores: its word's, then its neighbours' words',
/// then `buf`'s rows (its other context features), each sum in the order
/// of [`SentenceFeatures::word_features`] and
/// [`SentenceFeatures::context_features`].
fn unary_scores(w: &impl Weights, words: &SentenceWords, i: usize, buf: &[u64]) -> [f32; N_LABELS] {
    let mut unary = words.get(i).unary;
    for k in 0..NEIGHBOUR_OFFSETS.len() {
        for &f in words.neighbour(i, k) {
            w.add_found(f, &mut unary);
        }
    }
    w.add_all(buf, &mut unary);
    unary
}

/// Labels that may follow `O` — `O`, B-* and U-*, in label order — and
/// so follow every label that closes an entity (`O`, L-*, U-*).
const OPENING: [u8; 9] = {
    let mut t = [0u8; 9];
    let mut k = 0;
    let mut l = 0;
    while l < N_LABELS {
        if ALLOWED[0][l] {
            t[k] = l as u8;
            k += 1;
        }
        l += 1;
    }
    assert!(k == t.len());
    t
};

/// Per previous label, its first pair in [`PAIRS`] and whether it closes
/// an entity: then its pairs are the nine [`OPENING`] labels, in order
/// (checked here); else the two labels that continue its entity.
const PREVIOUS: [(usize, bool); N_LABELS] = {
    let mut t = [(0usize, false); N_LABELS];
    let mut k = 0;
    let mut p = 0;
    while p < N_LABELS {
        let closes = ALLOWED[p][0];
        t[p] = (k, closes);
        let mut n = 0;
        while k < N_PAIRS && PAIRS[k].0 as usize == p {
            assert!(!closes || PAIRS[k].1 == OPENING[n]);
            n += 1;
            k += 1;
        }
        assert!(n == if closes { OPENING.len() } else { 2 });
        p += 1;
    }
    t
};

/// One step of Viterbi: from the best scores `delta` of the previous
/// token's labels, this token's best score and best previous label for
/// every label, given its transition scores `edge` (one per [`PAIRS`])
/// and unary scores. Each label's candidates are tried in order of
/// previous label and a later one wins only when strictly better, so ties
/// go to the first, and each score is `(delta + edge) + unary` — the sums
/// and choices of trying [`PAIRS`] one by one in order, done for the nine
/// [`OPENING`] labels side by side.
fn step(
    delta: &[f32; N_LABELS],
    edge: &[f32; N_PAIRS],
    unary: &[f32; N_LABELS],
) -> ([f32; N_LABELS], [u8; N_LABELS]) {
    let mut next = [f32::NEG_INFINITY; N_LABELS];
    let mut back = [0u8; N_LABELS];
    let opening_unary = OPENING.map(|l| unary[l as usize]);
    let mut opening = [f32::NEG_INFINITY; OPENING.len()];
    let mut opening_back = [0u8; OPENING.len()];
    for (p, (&(first, closes), &base)) in PREVIOUS.iter().zip(delta).enumerate() {
        if base == f32::NEG_INFINITY {
            continue;
        }
        if closes {
            let edge: &[f32; OPENING.len()] = edge[first..first + OPENING.len()]
                .try_into()
                .expect("nine pairs");
            for j in 0..OPENING.len() {
                let v = base + edge[j] + opening_unary[j];
                let better = v > opening[j];
                opening[j] = if better { v } else { opening[j] };
                opening_back[j] = if better { p as u8 } else { opening_back[j] };
            }
        } else {
            for (k, &(_, l)) in PAIRS.iter().enumerate().skip(first).take(2) {
                let v = base + edge[k] + unary[l as usize];
                if v > next[l as usize] {
                    next[l as usize] = v;
                    back[l as usize] = p as u8;
                }
            }
        }
    }
    for (j, &l) in OPENING.iter().enumerate() {
        next[l as usize] = opening[j];
        back[l as usize] = opening_back[j];
    }
    (next, back)
}

/// Buffers reused from sentence to sentence.
#[derive(Default)]
struct Scratch {
    buf: Vec<u64>,
    word: WordScratch,
    /// With `keep`: every token's unary features, token `i`'s at
    /// `features[at[i]..at[i + 1]]`.
    features: Vec<u64>,
    at: Vec<usize>,
    back: Vec<[u8; N_LABELS]>,
}

/// The best valid label sequence of a sentence (first-order Viterbi: the
/// sentence starts after `O` and may not end inside an entity).
fn viterbi(
    w: &impl Weights,
    s: &SentenceFeatures,
    history: &History,
    sc: &mut Scratch,
    keep: bool,
) -> Vec<Label> {
    let n = s.len();
    sc.features.clear();
    sc.at.clear();
    sc.back.clear();
    if n == 0 {
        return Vec::new();
    }
    let Scratch {
        buf,
        word: word_scratch,
        features,
        at,
        back: backs,
    } = sc;
    // The sentence starts after `O`.
    let mut delta = [f32::NEG_INFINITY; N_LABELS];
    delta[0] = 0.0;
    w.with_sentence_words(s, word_scratch, |words| {
        for i in 0..n {
            // The neighbours' rows are added after this token's other
            // features are made: asked for now, they arrive meanwhile.
            for k in 0..NEIGHBOUR_OFFSETS.len() {
                for &f in words.neighbour(i, k) {
                    w.prefetch_found(f);
                }
            }
            buf.clear();
            s.sentence_features(i, buf);
            history.features(s, i, buf);
            if keep {
                at.push(features.len());
                s.word_features(i, features);
                s.neighbours_features(i, features);
                features.extend_from_slice(buf);
            }
            let word = words.get(i);
            let unary = unary_scores(w, words, i, buf);
            let (next, back) = step(&delta, &word.edge, &unary);
            backs.push(back);
            delta = next;
        }
    });
    if keep {
        at.push(features.len());
    }
    let mut best = 0;
    for l in 1..N_LABELS {
        if ALLOWED[l][0] && delta[l] > delta[best] {
            best = l;
        }
    }
    let mut labels = vec![0; n];
    labels[n - 1] = best as Label;
    for i in (1..n).rev() {
        labels[i - 1] = backs[i][labels[i] as usize];
    }
    labels
}

impl Model {
    /// Number of features with weights.
    pub fn n_features(&self) -> usize {
        self.table.len()
    }

    /// Labels of one document's sentences, in order. Document-level
    /// features look at all of them, and the prediction history carries
    /// from sentence to sentence.
    pub fn tag_document<S: AsRef<str>>(&self, sentences: &[Vec<S>]) -> Vec<Vec<Label>> {
        let mut history = History::default();
        let mut scratch = Scratch::default();
        let mut feats: Vec<SentenceFeatures> = WORD_CACHE.with_borrow_mut(|caches| {
            let tokens = &mut WordCache::of(caches, self).tokens;
            sentences
                .iter()
                .map(|w| SentenceFeatures::with_tokens(w, &self.resources, tokens))
                .collect()
        });
        add_document_features(&mut feats);
        feats
            .iter()
            .map(|s| {
                let labels = viterbi(self, s, &history, &mut scratch, false);
                history.add(s, labels.iter().map(|&l| kind(l)));
                labels
            })
            .collect()
    }

    /// Keeps the `max` features whose largest weight (in absolute value)
    /// is largest, ties broken by feature key, so the same model always
    /// keeps the same rows; a model of at most `max` features is unchanged.
    /// Returns how many were dropped.
    pub fn prune(&mut self, max: usize) -> usize {
        let n = self.table.len();
        if n <= max {
            return 0;
        }
        let size = |w: &[f32]| w.iter().fold(0f32, |m, x| m.max(x.abs()));
        let mut order: Vec<(f32, u64)> = self.table.rows().map(|(k, w)| (size(&w), k)).collect();
        order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let keep: std::collections::HashSet<u64> = order[..max].iter().map(|r| r.1).collect();
        let rows: Vec<(u64, [f32; N_LABELS])> = self
            .table
            .rows()
            .filter(|(k, _)| keep.contains(k))
            .collect();
        self.table = WeightTable::from_rows(rows).expect("one row per feature");
        self.id = NEXT_MODEL_ID.fetch_add(1, Ordering::Relaxed);
        n - max
    }

    /// A model from `(feature, weights)` rows; rows whose weights are all
    /// (nearly) zero are dropped.
    fn from_rows(
        resources: Arc<Resources>,
        info: String,
        rows: Vec<(u64, [f32; N_LABELS])>,
    ) -> Model {
        let rows = rows
            .into_iter()
            .filter(|(_, w)| w.iter().any(|x| x.abs() >= 1e-4));
        Model {
            resources,
            info,
            // The trainer's rows come from a map: one per feature.
            table: WeightTable::from_rows(rows).expect("one row per feature"),
            id: NEXT_MODEL_ID.fetch_add(1, Ordering::Relaxed),
        }
    }
}

/// One training sentence: its words and gold BILOU labels.
pub struct Example {
    pub words: Vec<String>,
    pub labels: Vec<Label>,
}

/// Training settings, written into the model's info line.
#[derive(Debug, Clone, Copy)]
pub struct TrainConfig {
    pub epochs: usize,
    /// Shuffle seed of the first run; run `k` uses `seed + 1000·k`.
    pub seed: u64,
    /// Independent runs whose averaged weights are averaged.
    pub runs: usize,
}

/// Called with `(run, epoch, averaged model so far)` during training.
pub type EpochReport<'a> = dyn FnMut(usize, usize, &Model) + 'a;

/// Trains a model on documents of examples: `config.runs` structured
/// perceptrons, each visiting the documents in a seeded shuffled order every
/// epoch with the model's own earlier labels as history (as it will tag),
/// then their averaged weights averaged. `after_epoch(run, epoch, model)`
/// sees each run's averaged model after each epoch. Deterministic: same
/// data, resources and config ⇒ same weights.
pub fn train(
    docs: &[Vec<Example>],
    resources: Resources,
    config: TrainConfig,
    mut after_epoch: Option<&mut EpochReport>,
) -> Model {
    let resources = Arc::new(resources);
    let feats: Vec<Vec<SentenceFeatures>> = docs
        .iter()
        .map(|d| {
            let words: Vec<&Vec<String>> = d.iter().map(|e| &e.words).collect();
            let mut f: Vec<SentenceFeatures> = words
                .iter()
                .map(|w| SentenceFeatures::new(w, &resources))
                .collect();
            add_document_features(&mut f);
            f
        })
        .collect();
    let runs = config.runs.max(1);
    let mut sum_rows: HashedMap<u32> = HashedMap::default();
    let mut sum: Vec<[f32; N_LABELS]> = Vec::new();
    let seeds: Vec<u64> = (0..runs as u64).map(|k| config.seed + 1000 * k).collect();
    for (run, &seed) in seeds.iter().enumerate() {
        let mut t = Trainer::default();
        let mut order: Vec<usize> = (0..docs.len()).collect();
        let mut rng = seed.max(1);
        let mut sc = Scratch::default();
        let mut edges = Vec::with_capacity(6);
        for epoch in 0..config.epochs {
            for i in (1..order.len()).rev() {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                order.swap(i, (rng % (i as u64 + 1)) as usize);
            }
            for &d in &order {
                let mut history = History::default();
                for (s, example) in feats[d].iter().zip(&docs[d]) {
                    t.step += 1;
                    let pred = viterbi(&t, s, &history, &mut sc, true);
                    let gold = &example.labels;
                    if &pred != gold {
                        for i in 0..s.len() {
                            let (g, p) = (gold[i], pred[i]);
                            let (gp, pp) = if i > 0 {
                                (gold[i - 1], pred[i - 1])
                            } else {
                                (0, 0)
                            };
                            if g != p {
                                for &f in &sc.features[sc.at[i]..sc.at[i + 1]] {
                                    t.update(f, g, 1.0);
                                    t.update(f, p, -1.0);
                                }
                            }
                            if g != p || gp != pp {
                                let bases = edge_bases(s, i);
                                edges.clear();
                                edges.extend(bases.iter().map(|&b| (edge_key(b, gp), g, 1.0)));
                                edges.extend(bases.iter().map(|&b| (edge_key(b, pp), p, -1.0)));
                                for &(f, l, delta) in &edges {
                                    t.update(f, l, delta);
                                }
                            }
                        }
                    }
                    history.add(s, pred.iter().map(|&l| kind(l)));
                }
            }
            if let Some(report) = after_epoch.as_mut() {
                let info = format!("run {}, epoch {}", run + 1, epoch + 1);
                report(
                    run,
                    epoch + 1,
                    &Model::from_rows(resources.clone(), info, t.averaged()),
                );
            }
        }
        for (key, w) in t.averaged() {
            let n = sum.len() as u32;
            let row = *sum_rows.entry(key).or_insert(n);
            if row == n {
                sum.push([0.0; N_LABELS]);
            }
            for (s, x) in sum[row as usize].iter_mut().zip(w) {
                *s += x / runs as f32;
            }
        }
    }
    let mut rows: Vec<(u64, [f32; N_LABELS])> = sum_rows
        .iter()
        .map(|(&k, &r)| (k, sum[r as usize]))
        .collect();
    rows.sort_unstable_by_key(|r| r.0);
    let seeds: Vec<String> = seeds.iter().map(u64::to_string).collect();
    let info = format!(
        "structured averaged perceptron, Viterbi, {} epochs, seeds {} averaged",
        config.epochs,
        seeds.join("/")
    );
    Model::from_rows(resources, info, rows)
}

/// Weights during training, with the bookkeeping for lazy averaging (one
/// step per sentence).
#[derive(Default)]
struct Trainer {
    rows: HashedMap<u32>,
    weights: Vec<f32>,
    totals: Vec<f64>,
    stamps: Vec<u64>,
    step: u64,
}

impl Weights for Trainer {
    #[inline]
    fn add(&self, feature: u64, scores: &mut [f32; N_LABELS]) {
        if let Some(&row) = self.rows.get(&feature) {
            add_row(scores, &self.weights[row as usize * N_LABELS..][..N_LABELS]);
        }
    }
}

impl Trainer {
    fn update(&mut self, feature: u64, label: Label, delta: f32) {
        let n = self.rows.len() as u32;
        let row = *self.rows.entry(feature).or_insert(n);
        if row == n {
            self.weights.extend([0.0; N_LABELS]);
            self.totals.extend([0.0; N_LABELS]);
            self.stamps.extend([0; N_LABELS]);
        }
        let k = row as usize * N_LABELS + label as usize;
        self.totals[k] += (self.step - self.stamps[k]) as f64 * self.weights[k] as f64;
        self.stamps[k] = self.step;
        self.weights[k] += delta;
    }

    /// The averaged weights, in key order.
    fn averaged(&self) -> Vec<(u64, [f32; N_LABELS])> {
        let mut keys: Vec<(u64, u32)> = self.rows.iter().map(|(&k, &r)| (k, r)).collect();
        keys.sort_unstable();
        let steps = self.step.max(1) as f64;
        keys.into_iter()
            .map(|(key, row)| {
                let base = row as usize * N_LABELS;
                let mut avg = [0.0; N_LABELS];
                for (l, a) in avg.iter_mut().enumerate() {
                    let k = base + l;
                    let total = self.totals[k]
                        + (self.step - self.stamps[k]) as f64 * self.weights[k] as f64;
                    *a = (total / steps) as f32;
                }
                (key, avg)
            })
            .collect()
    }
}

/// A model with the [`FeatureSet::Base`] templates (the English one).
const MAGIC: &[u8; 8] = b"GLNER\x00\x00\x02";
/// A model whose feature set follows the magic (`u32` kind, `u32`
/// parameter); the rest is laid out as after [`MAGIC`]. Base models are
/// still written with [`MAGIC`], so their bytes never change.
const MAGIC_FEATURES: &[u8; 8] = b"GLNER\x00\x00\x03";
/// Feature set kinds in a [`MAGIC_FEATURES`] file.
const KIND_INFLECTED: u32 = 1;
/// Shift of the head-noun lists' id ([`Heads::id`]) in a
/// [`KIND_INFLECTED`] parameter, whose low byte is the stem length: files
/// without lists have 0 there, Russian ones 1 (the bit such files were
/// written with before Kazakh had lists), Kazakh ones 2.
const INFLECTED_HEADS_SHIFT: u32 = 8;

/// Model file errors.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a gleaner entity model (bad magic)")]
    Magic,
    #[error("truncated or corrupt entity model: {0}")]
    Corrupt(&'static str),
    #[error("entity model: {0}")]
    Io(#[from] std::io::Error),
}

impl Model {
    /// Writes the model: zstd-compressed little-endian sections, each a
    /// column of keys in key order and then its values (weights label by
    /// label), so the same model always gives the same bytes.
    pub fn write(&self, out: impl Write) -> std::io::Result<()> {
        let mut buf: Vec<u8> = Vec::new();
        match self.resources.features {
            FeatureSet::Base => buf.extend_from_slice(MAGIC),
            FeatureSet::Inflected { stem, heads } => {
                buf.extend_from_slice(MAGIC_FEATURES);
                buf.extend_from_slice(&KIND_INFLECTED.to_le_bytes());
                let param = u32::from(stem) | u32::from(heads.id()) << INFLECTED_HEADS_SHIFT;
                buf.extend_from_slice(&param.to_le_bytes());
            }
        }
        put_str(&mut buf, &self.info);
        let mut lex: Vec<(u64, u32)> = self
            .resources
            .lexicon
            .entries
            .iter()
            .map(|(&k, &v)| (k, v))
            .collect();
        lex.sort_unstable();
        put_u64(&mut buf, lex.len() as u64);
        lex.iter().for_each(|&(k, _)| put_u64(&mut buf, k));
        lex.iter()
            .for_each(|&(_, c)| buf.extend_from_slice(&c.to_le_bytes()));
        let gaz = &self.resources.gazetteers;
        put_u64(&mut buf, gaz.names.len() as u64);
        gaz.names.iter().for_each(|n| put_str(&mut buf, n));
        let mut phrases: Vec<(u64, u16)> = gaz.phrases.iter().map(|(&k, &v)| (k, v)).collect();
        phrases.sort_unstable();
        put_u64(&mut buf, phrases.len() as u64);
        phrases.iter().for_each(|&(k, _)| put_u64(&mut buf, k));
        phrases
            .iter()
            .for_each(|&(_, m)| buf.extend_from_slice(&m.to_le_bytes()));
        let mut rows: Vec<(u64, [f32; N_LABELS])> = self.table.rows().collect();
        rows.sort_unstable_by_key(|r| r.0);
        put_u64(&mut buf, rows.len() as u64);
        rows.iter().for_each(|&(k, _)| put_u64(&mut buf, k));
        for l in 0..N_LABELS {
            for (_, w) in &rows {
                buf.extend_from_slice(&w[l].to_le_bytes());
            }
        }
        let mut enc = zstd::Encoder::new(out, 19)?;
        enc.write_all(&buf)?;
        enc.finish()?;
        Ok(())
    }

    /// Reads a model written by [`Model::write`].
    pub fn read(input: impl Read) -> Result<Model, ModelError> {
        let mut buf = Vec::new();
        zstd::Decoder::new(input)?.read_to_end(&mut buf)?;
        let mut r = Reader { buf: &buf, pos: 0 };
        let features = match r.take(8)? {
            m if m == MAGIC => FeatureSet::Base,
            m if m == MAGIC_FEATURES => {
                let kind = r.u32()?;
                let param = r.u32()?;
                let stem = (param & 0xff) as u8;
                let heads = u8::try_from(param >> INFLECTED_HEADS_SHIFT)
                    .ok()
                    .and_then(Heads::from_id);
                match (kind, heads) {
                    (KIND_INFLECTED, Some(heads)) if stem > 0 => {
                        FeatureSet::Inflected { stem, heads }
                    }
                    _ => return Err(ModelError::Corrupt("unknown feature set")),
                }
            }
            _ => return Err(ModelError::Magic),
        };
        let info = r.string()?;
        let mut resources = Resources {
            features,
            ..Resources::default()
        };
        let n = r.len(12)?;
        let keys = r.take(8 * n)?;
        let clusters = r.take(4 * n)?;
        let entries = &mut resources.lexicon.entries;
        entries.reserve(n);
        for (k, c) in keys.chunks_exact(8).zip(clusters.chunks_exact(4)) {
            entries.insert(
                le_u64(k),
                u32::from_le_bytes(c.try_into().expect("4 bytes")),
            );
        }
        let lists = r.len(8)?;
        if lists > MAX_LISTS {
            return Err(ModelError::Corrupt("too many gazetteers"));
        }
        let mut gazetteers = Gazetteers::default();
        for _ in 0..lists {
            gazetteers.names.push(r.string()?);
        }
        let n = r.len(10)?;
        let keys = r.take(8 * n)?;
        let masks = r.take(2 * n)?;
        gazetteers.phrases.reserve(n);
        for (k, m) in keys.chunks_exact(8).zip(masks.chunks_exact(2)) {
            gazetteers.phrases.insert(
                le_u64(k),
                u16::from_le_bytes(m.try_into().expect("2 bytes")),
            );
        }
        resources.gazetteers = gazetteers;
        let n = r.len(8 + 4 * N_LABELS)?;
        let keys = r.take(8 * n)?;
        let mut rows: Vec<(u64, [f32; N_LABELS])> = keys
            .chunks_exact(8)
            .map(|k| (le_u64(k), [0.0; N_LABELS]))
            .collect();
        for l in 0..N_LABELS {
            let column = r.take(4 * n)?;
            for (row, w) in rows.iter_mut().zip(column.chunks_exact(4)) {
                row.1[l] = f32::from_le_bytes(w.try_into().expect("4 bytes"));
            }
        }
        if r.pos != buf.len() {
            return Err(ModelError::Corrupt("trailing bytes"));
        }
        let model = Model {
            resources: Arc::new(resources),
            info,
            table: WeightTable::from_rows(rows)
                .map_err(|_| ModelError::Corrupt("duplicate feature"))?,
            id: NEXT_MODEL_ID.fetch_add(1, Ordering::Relaxed),
        };
        Ok(model)
    }
}

fn le_u64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b.try_into().expect("8 bytes"))
}

fn put_u64(buf: &mut Vec<u8>, x: u64) {
    buf.extend_from_slice(&x.to_le_bytes());
}

fn put_str(buf: &mut Vec<u8>, s: &str) {
    put_u64(buf, s.len() as u64);
    buf.extend_from_slice(s.as_bytes());
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.buf.len())
            .ok_or(ModelError::Corrupt("truncated"))?;
        let s = &self.buf[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u32(&mut self) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().expect("4 bytes"),
        ))
    }

    fn u64(&mut self) -> Result<u64, ModelError> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().expect("8 bytes"),
        ))
    }

    /// A count of items of `item_size` bytes each, checked against the bytes
    /// left so a corrupt count cannot make us allocate wildly.
    fn len(&mut self, item_size: usize) -> Result<usize, ModelError> {
        let n = self.u64()?;
        let left = (self.buf.len() - self.pos) as u64;
        if n.saturating_mul(item_size as u64) > left {
            return Err(ModelError::Corrupt("count larger than the file"));
        }
        Ok(n as usize)
    }

    fn string(&mut self) -> Result<String, ModelError> {
        let n = self.len(1)?;
        String::from_utf8(self.take(n)?.to_vec()).map_err(|_| ModelError::Corrupt("bad string"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::ner::features::hash_str;

    #[test]
    fn bilou_round_trip_and_constraints() {
        let spans = vec![(0, 2, 0), (2, 3, 0), (4, 7, 2)];
        let labels = encode(8, &spans);
        assert_eq!(labels, [1, 3, 4, 0, 9, 10, 11, 0]);
        assert_eq!(decode(&labels), spans);
        // An unfinished entity is closed at the end; a dangling L is a unit.
        assert_eq!(decode(&[5, 6]), [(0, 2, 1)]);
        assert_eq!(decode(&[0, 7]), [(1, 2, 1)]);
        assert!(allowed(1, 2) && allowed(1, 3) && !allowed(1, 0) && !allowed(1, 6));
        assert!(allowed(0, 1) && allowed(3, 4) && !allowed(0, 2) && !allowed(4, 2));
    }

    fn toy_corpus() -> Vec<Vec<Example>> {
        let people = ["Smith", "Jones", "Brown", "Taylor"];
        let places = ["Paris", "London", "Berlin", "Madrid"];
        let mut docs = Vec::new();
        for (i, p) in people.iter().enumerate() {
            let place = places[(i + 1) % 4];
            let words: Vec<String> = ["Mr", p, "flew", "to", place, "on", "Monday", "."]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let labels = encode(words.len(), &[(1, 2, 0), (4, 5, 2)]);
            docs.push(vec![Example { words, labels }]);
        }
        docs
    }

    #[test]
    fn allowed_table_matches_bilou_rules() {
        for p in 0..N_LABELS as Label {
            for c in 0..N_LABELS as Label {
                assert_eq!(ALLOWED[p as usize][c as usize], allowed(p, c));
            }
        }
        // I-PER may follow B-PER or I-PER only; a sentence may not end on B/I.
        assert!(ALLOWED[1][2] && ALLOWED[2][2] && !ALLOWED[0][2] && !ALLOWED[5][2]);
        assert!(ALLOWED[4][0] && ALLOWED[3][0] && !ALLOWED[1][0] && !ALLOWED[2][0]);
    }

    /// Weights from a closure, to drive the decoder directly.
    struct Fixed(fn(u64) -> Option<[f32; N_LABELS]>);
    impl Weights for Fixed {
        fn add(&self, f: u64, scores: &mut [f32; N_LABELS]) {
            if let Some(w) = (self.0)(f) {
                scores.iter_mut().zip(w).for_each(|(s, x)| *s += x);
            }
        }
    }

    #[test]
    fn viterbi_finds_the_best_valid_sequence() {
        // The bias alone prefers I-PER everywhere, which is never valid after
        // the start: the best valid sequence is B-PER I-PER L-PER.
        let weights = Fixed(|f| {
            (f == hash_str("T_bias")).then(|| {
                let mut w = [0.0; N_LABELS];
                w[1] = 1.0;
                w[2] = 3.0;
                w[3] = 1.0;
                w
            })
        });
        let s = SentenceFeatures::new(&["a", "b", "c"], &Resources::default());
        let mut sc = Scratch::default();
        let labels = viterbi(&weights, &s, &History::default(), &mut sc, true);
        assert_eq!(labels, [1, 2, 3]);
        assert_eq!(sc.at.len(), 4);
        let empty = SentenceFeatures::new::<&str>(&[], &Resources::default());
        assert!(viterbi(&weights, &empty, &History::default(), &mut sc, false).is_empty());
    }

    #[test]
    fn cached_word_scores_are_the_computed_ones_and_stay_with_their_model() {
        let config = |epochs| TrainConfig {
            epochs,
            seed: 3,
            runs: 1,
        };
        let a = train(&toy_corpus(), Resources::default(), config(2), None);
        let b = train(&toy_corpus(), Resources::default(), config(5), None);
        let words = ["Mr", "Taylor", "flew", "to", "Paris", "to", "Taylor"];
        let s = SentenceFeatures::new(&words, &a.resources);
        let mut scratch = WordScratch::default();
        let mut buf = Vec::new();
        // Interleaved, so each model meets the other's cached words.
        for _ in 0..2 {
            for model in [&a, &b] {
                model.with_sentence_words(&s, &mut scratch, |cached| {
                    for i in 0..words.len() {
                        let mut direct = WordScores::default();
                        word_scores(model, &s, i, &mut buf, &mut direct);
                        let cached = cached.get(i);
                        assert_eq!(cached.unary, direct.unary);
                        assert_eq!(cached.edge, direct.edge);
                        assert_eq!(cached.neighbour, direct.neighbour);
                    }
                });
            }
        }
    }

    /// [`step`] as the decoder did it before: [`PAIRS`] one by one.
    fn step_pair_by_pair(
        delta: &[f32; N_LABELS],
        edge: &[f32; N_PAIRS],
        unary: &[f32; N_LABELS],
    ) -> ([f32; N_LABELS], [u8; N_LABELS]) {
        let mut next = [f32::NEG_INFINITY; N_LABELS];
        let mut back = [0u8; N_LABELS];
        for (k, &(p, l)) in PAIRS.iter().enumerate() {
            let base = delta[p as usize];
            if base == f32::NEG_INFINITY {
                continue;
            }
            let v = base + edge[k] + unary[l as usize];
            if v > next[l as usize] {
                next[l as usize] = v;
                back[l as usize] = p;
            }
        }
        (next, back)
    }

    #[test]
    fn a_viterbi_step_is_the_pair_by_pair_one() {
        let mut rng = 0x2545_f491_4f6c_dd1du64;
        let mut draw = |levels: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            // Few distinct values, so that ties are common.
            (rng % levels) as f32 * 0.25 - 1.0
        };
        for round in 0..5_000 {
            let levels = if round % 2 == 0 { 5 } else { 1 << 20 };
            let mut delta: [f32; N_LABELS] = std::array::from_fn(|_| draw(levels));
            // Unreachable labels, and the first token (only `O` reached).
            for (l, d) in delta.iter_mut().enumerate() {
                if round % 3 == 0 && l % 3 == 1 || round % 7 == 0 && l > 0 {
                    *d = f32::NEG_INFINITY;
                }
            }
            let edge: [f32; N_PAIRS] = std::array::from_fn(|_| draw(levels));
            let unary: [f32; N_LABELS] = std::array::from_fn(|_| draw(levels));
            let (next, back) = step(&delta, &edge, &unary);
            let (want_next, want_back) = step_pair_by_pair(&delta, &edge, &unary);
            assert_eq!(next.map(f32::to_bits), want_next.map(f32::to_bits));
            assert_eq!(back, want_back, "round {round}");
        }
    }

    /// The weights of a model looked up one feature at a time, as the
    /// trainer's are: the decoder's reference.
    struct LookedUp<'a>(&'a Model);
    impl Weights for LookedUp<'_> {
        fn add(&self, f: u64, scores: &mut [f32; N_LABELS]) {
            self.0.add(f, scores);
        }
    }

    #[test]
    fn cached_neighbour_rows_give_the_looked_up_scores() {
        let config = TrainConfig {
            epochs: 4,
            seed: 7,
            runs: 1,
        };
        let model = train(&toy_corpus(), Resources::default(), config, None);
        let plain = LookedUp(&model);
        // Sentences of one, two and more words (the padding on either
        // side), a repeated word, and a word the model never saw.
        let sentences: [&[&str]; 4] = [
            &["Paris"],
            &["Mr", "Taylor"],
            &[
                "Mr", "Taylor", "flew", "to", "Paris", "to", "Taylor", "Zanzibar",
            ],
            &["to", "to", "to"],
        ];
        let (mut cached, mut looked_up) = (WordScratch::default(), WordScratch::default());
        let mut buf = Vec::new();
        for words in sentences {
            let s = SentenceFeatures::new(words, &model.resources);
            model.with_sentence_words(&s, &mut cached, |fast| {
                plain.with_sentence_words(&s, &mut looked_up, |slow| {
                    for i in 0..s.len() {
                        buf.clear();
                        s.sentence_features(i, &mut buf);
                        let fast = unary_scores(&model, fast, i, &buf);
                        let slow = unary_scores(&plain, slow, i, &buf);
                        // The same floats, not nearly the same.
                        assert_eq!(fast.map(f32::to_bits), slow.map(f32::to_bits));
                        // And both are the sum over every feature.
                        let mut all = Vec::new();
                        s.word_features(i, &mut all);
                        s.context_features(i, &mut all);
                        let mut sum = [0.0; N_LABELS];
                        plain.add_all(&all, &mut sum);
                        assert_eq!(fast.map(f32::to_bits), sum.map(f32::to_bits));
                    }
                });
            });
        }
    }

    fn bytes_of(model: &Model) -> Vec<u8> {
        let mut out = Vec::new();
        model.write(&mut out).unwrap();
        zstd::decode_all(&out[..]).unwrap()
    }

    #[test]
    fn prune_keeps_the_largest_rows_and_is_deterministic() {
        let config = TrainConfig {
            epochs: 5,
            seed: 7,
            runs: 2,
        };
        let model = train(&toy_corpus(), Resources::default(), config, None);
        let n = model.n_features();
        let mut same = model.clone();
        assert_eq!(same.prune(n), 0);
        assert_eq!(bytes_of(&same), bytes_of(&model));
        let size = |w: &[f32]| w.iter().fold(0f32, |m, x| m.max(x.abs()));
        let mut sizes: Vec<f32> = model.table.rows().map(|(_, w)| size(&w)).collect();
        sizes.sort_unstable_by(|a, b| b.total_cmp(a));
        let mut pruned = model.clone();
        assert_eq!(pruned.prune(n / 2), n - n / 2);
        assert_eq!(pruned.n_features(), n / 2);
        let kept = pruned.table.rows().map(|(_, w)| size(&w));
        assert!(kept.fold(f32::MAX, f32::min) >= sizes[n / 2]);
        // Every kept row keeps its weights.
        for (k, w) in pruned.table.rows() {
            let orig = model.table.rows().find(|r| r.0 == k).unwrap().1;
            assert_eq!(w, orig);
        }
        let mut again = model.clone();
        again.prune(n / 2);
        assert_eq!(bytes_of(&again), bytes_of(&pruned));
    }

    #[test]
    fn learns_a_toy_pattern_and_round_trips_through_bytes() {
        let config = TrainConfig {
            epochs: 5,
            seed: 7,
            runs: 2,
        };
        let mut res = Resources::default();
        res.gazetteers.add("LOC", "Paris\nLondon\n");
        res.lexicon = super::super::features::Lexicon::from_tsv("Paris\t6\nMonday\t9\n").unwrap();
        let mut epochs = 0;
        let model = train(
            &toy_corpus(),
            res.clone(),
            config,
            Some(&mut |_, _, _| epochs += 1),
        );
        assert_eq!(epochs, 10);
        let words = vec![vec![
            "Mr", "Taylor", "flew", "to", "Paris", "on", "Monday", ".",
        ]];
        let labels = model.tag_document(&words);
        assert_eq!(decode(&labels[0]), [(1, 2, 0), (4, 5, 2)]);
        let mut bytes = Vec::new();
        model.write(&mut bytes).unwrap();
        let again = Model::read(&bytes[..]).unwrap();
        assert_eq!(again.tag_document(&words), labels);
        assert_eq!(again.n_features(), model.n_features());
        // Same data and seed ⇒ the same bytes.
        let mut twice = Vec::new();
        train(&toy_corpus(), res, config, None)
            .write(&mut twice)
            .unwrap();
        assert_eq!(bytes, twice);
        // A base model keeps the version-2 layout (the English file's).
        assert_eq!(&bytes_of(&model)[..8], MAGIC);
        // An inflected model records its feature set and tags the same after a round trip.
        let res = Resources {
            features: FeatureSet::Inflected {
                stem: 4,
                heads: Heads::Russian,
            },
            ..Resources::default()
        };
        let inflected = train(&toy_corpus(), res, config, None);
        assert_eq!(&bytes_of(&inflected)[..8], MAGIC_FEATURES);
        let mut file = Vec::new();
        inflected.write(&mut file).unwrap();
        let again = Model::read(&file[..]).unwrap();
        assert_eq!(
            again.resources.features,
            FeatureSet::Inflected {
                stem: 4,
                heads: Heads::Russian
            }
        );
        assert_eq!(again.tag_document(&words), inflected.tag_document(&words));
        assert_ne!(inflected.n_features(), model.n_features());
        // Russian lists keep the parameter of the files written before
        // Kazakh had lists (stem | 1 << 8); Kazakh ones have id 2.
        assert_eq!(bytes_of(&inflected)[8..16], [1, 0, 0, 0, 4, 1, 0, 0]);
        let res = Resources {
            features: FeatureSet::Inflected {
                stem: 4,
                heads: Heads::Kazakh,
            },
            ..Resources::default()
        };
        let mut raw = bytes_of(&train(&toy_corpus(), res, config, None));
        assert_eq!(raw[8..16], [1, 0, 0, 0, 4, 2, 0, 0]);
        let again = Model::read(&zstd::encode_all(&raw[..], 3).unwrap()[..]).unwrap();
        assert_eq!(
            again.resources.features,
            FeatureSet::Inflected {
                stem: 4,
                heads: Heads::Kazakh
            }
        );
        // An unknown list id is an error.
        raw[13] = 9;
        assert!(Model::read(&zstd::encode_all(&raw[..], 3).unwrap()[..]).is_err());
        // A damaged file is an error, not a panic.
        assert!(Model::read(&bytes[..bytes.len() / 2]).is_err());
        assert!(matches!(
            Model::read(&b"not zstd"[..]),
            Err(ModelError::Io(_))
        ));
    }
}
