//! The averaged perceptron over BILOU labels: training, greedy decoding and
//! the binary model file.
//!
//! Why this model: a linear model over rich hashed features is the classic
//! CoNLL recipe (Ratinov & Roth 2009) and tags around a million tokens per
//! second per core with greedy left-to-right decoding, which neural taggers
//! cannot approach on a CPU. BILOU labels (Begin, Inside, Last, Unit) let
//! greedy decoding be as good as Viterbi; invalid transitions are excluded.

use std::io::{Read, Write};

use super::features::{
    hash_str, label_features, Gazetteers, HashedMap, History, Lexicon, Resources, SentenceFeatures,
};

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
fn allowed(prev: Label, cur: Label) -> bool {
    let open = matches!(position(prev), Some(0 | 1));
    let continues = matches!(position(cur), Some(1 | 2));
    if open {
        continues && kind(cur) == kind(prev)
    } else {
        !continues
    }
}

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

/// Entity spans `(start, end, type index)` of a label sequence. Greedy
/// decoding only produces valid sequences, but an unfinished entity at the
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

/// A trained model: resources plus one weight row per feature.
#[derive(Debug, Default, Clone)]
pub struct Model {
    pub resources: Resources,
    rows: HashedMap<u32>,
    weights: Vec<f32>,
    /// How the model was made (printed by the eval command).
    pub info: String,
}

impl Model {
    /// Number of features with weights.
    pub fn n_features(&self) -> usize {
        self.rows.len()
    }

    fn score(&self, features: &[u64], scores: &mut [f32; N_LABELS]) {
        *scores = [0.0; N_LABELS];
        for f in features {
            if let Some(&row) = self.rows.get(f) {
                let w = &self.weights[row as usize * N_LABELS..][..N_LABELS];
                for (s, x) in scores.iter_mut().zip(w) {
                    *s += x;
                }
            }
        }
    }

    /// Labels of one document's sentences, in order (the history carries
    /// from sentence to sentence).
    pub fn tag_document<S: AsRef<str>>(&self, sentences: &[Vec<S>]) -> Vec<Vec<Label>> {
        let mut history = History::default();
        let mut buf = Vec::with_capacity(96);
        sentences
            .iter()
            .map(|words| {
                let s = SentenceFeatures::new(words, &self.resources);
                let labels = self.tag_sentence(&s, &history, &mut buf);
                history.add(&s, labels.iter().map(|&l| kind(l)));
                labels
            })
            .collect()
    }

    fn tag_sentence(
        &self,
        s: &SentenceFeatures,
        history: &History,
        buf: &mut Vec<u64>,
    ) -> Vec<Label> {
        let mut labels: Vec<Label> = Vec::with_capacity(s.len());
        let mut scores = [0.0; N_LABELS];
        for i in 0..s.len() {
            let (prev, prev2) = previous(&labels, i);
            s.static_features(i, buf);
            label_features(s, i, prev, prev2, buf);
            history.features(s, i, buf);
            self.score(buf, &mut scores);
            labels.push(best(prev, &scores));
        }
        labels
    }
}

fn previous(labels: &[Label], i: usize) -> (Label, Label) {
    let at = |k: usize| if i >= k { labels[i - k] } else { 0 };
    (at(1), at(2))
}

/// The highest-scoring label allowed after `prev` (ties: the lowest label).
fn best(prev: Label, scores: &[f32; N_LABELS]) -> Label {
    let mut best = 0;
    let mut best_score = f32::NEG_INFINITY;
    for (l, &s) in scores.iter().enumerate() {
        if allowed(prev, l as Label) && s > best_score {
            best = l as Label;
            best_score = s;
        }
    }
    best
}

/// One training sentence: its words and gold BILOU labels.
pub struct Example {
    pub words: Vec<String>,
    pub labels: Vec<Label>,
}

/// Training settings; both are written into the model's info line.
#[derive(Debug, Clone, Copy)]
pub struct TrainConfig {
    pub epochs: usize,
    pub seed: u64,
}

/// Trains a model on documents of examples. Documents are visited in a
/// seeded shuffled order each epoch, and each token is learned with the
/// model's own (greedy) earlier labels as history, as it will be tagged.
/// Deterministic: same data, resources and config ⇒ same weights.
pub fn train(
    docs: &[Vec<Example>],
    resources: Resources,
    config: TrainConfig,
    mut after_epoch: impl FnMut(usize, &Model),
) -> Model {
    let feats: Vec<Vec<SentenceFeatures>> = docs
        .iter()
        .map(|d| {
            d.iter()
                .map(|e| SentenceFeatures::new(&e.words, &resources))
                .collect()
        })
        .collect();
    let mut t = Trainer::default();
    let mut order: Vec<usize> = (0..docs.len()).collect();
    let mut rng = config.seed | 1;
    let mut buf = Vec::new();
    let mut model = Model::default();
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
                let mut labels: Vec<Label> = Vec::with_capacity(s.len());
                for i in 0..s.len() {
                    t.step += 1;
                    let (prev, prev2) = previous(&labels, i);
                    s.static_features(i, &mut buf);
                    label_features(s, i, prev, prev2, &mut buf);
                    history.features(s, i, &mut buf);
                    let guess = best(prev, &t.scores(&buf));
                    let gold = example.labels[i];
                    if guess != gold {
                        for &f in &buf {
                            t.update(f, gold, 1.0);
                            t.update(f, guess, -1.0);
                        }
                    }
                    labels.push(guess);
                }
                history.add(s, labels.iter().map(|&l| kind(l)));
            }
        }
        model = t.averaged(
            &resources,
            format!(
                "averaged perceptron, {} epochs, seed {}",
                epoch + 1,
                config.seed
            ),
        );
        after_epoch(epoch + 1, &model);
    }
    model
}

/// Weights during training, with the bookkeeping for lazy averaging.
#[derive(Default)]
struct Trainer {
    rows: HashedMap<u32>,
    weights: Vec<f32>,
    totals: Vec<f64>,
    stamps: Vec<u64>,
    step: u64,
}

impl Trainer {
    fn scores(&self, features: &[u64]) -> [f32; N_LABELS] {
        let mut scores = [0.0; N_LABELS];
        for f in features {
            if let Some(&row) = self.rows.get(f) {
                let w = &self.weights[row as usize * N_LABELS..][..N_LABELS];
                for (s, x) in scores.iter_mut().zip(w) {
                    *s += x;
                }
            }
        }
        scores
    }

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

    /// The averaged weights; rows whose weights all round to zero are dropped.
    fn averaged(&self, resources: &Resources, info: String) -> Model {
        let mut keys: Vec<(u64, u32)> = self.rows.iter().map(|(&k, &r)| (k, r)).collect();
        keys.sort_unstable();
        let mut model = Model {
            resources: resources.clone(),
            info,
            ..Model::default()
        };
        let steps = self.step.max(1) as f64;
        for (key, row) in keys {
            let base = row as usize * N_LABELS;
            let avg: Vec<f32> = (base..base + N_LABELS)
                .map(|k| {
                    let total = self.totals[k]
                        + (self.step - self.stamps[k]) as f64 * self.weights[k] as f64;
                    (total / steps) as f32
                })
                .collect();
            if avg.iter().all(|w| w.abs() < 1e-4) {
                continue;
            }
            model.rows.insert(key, model.rows.len() as u32);
            model.weights.extend(avg);
        }
        model
    }
}

const MAGIC: &[u8; 8] = b"GLNER\x00\x00\x01";

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
    /// Writes the model: zstd-compressed little-endian sections, rows in key
    /// order, so the same model always gives the same bytes.
    pub fn write(&self, out: impl Write) -> std::io::Result<()> {
        let mut buf: Vec<u8> = Vec::new();
        buf.extend_from_slice(MAGIC);
        put_str(&mut buf, &self.info);
        let mut lex: Vec<(u64, (u32, f32))> = self
            .resources
            .lexicon
            .entries
            .iter()
            .map(|(&k, &v)| (k, v))
            .collect();
        lex.sort_unstable_by_key(|e| e.0);
        put_u64(&mut buf, lex.len() as u64);
        for (k, (c, lp)) in lex {
            put_u64(&mut buf, k);
            buf.extend_from_slice(&c.to_le_bytes());
            buf.extend_from_slice(&lp.to_le_bytes());
        }
        put_u64(&mut buf, self.resources.gazetteers.lists.len() as u64);
        for (name, set) in &self.resources.gazetteers.lists {
            put_str(&mut buf, name);
            let mut keys: Vec<u64> = set.iter().copied().collect();
            keys.sort_unstable();
            put_u64(&mut buf, keys.len() as u64);
            keys.iter().for_each(|&k| put_u64(&mut buf, k));
        }
        let mut rows: Vec<(u64, u32)> = self.rows.iter().map(|(&k, &r)| (k, r)).collect();
        rows.sort_unstable();
        put_u64(&mut buf, rows.len() as u64);
        for (k, r) in rows {
            put_u64(&mut buf, k);
            for w in &self.weights[r as usize * N_LABELS..][..N_LABELS] {
                buf.extend_from_slice(&w.to_le_bytes());
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
        if r.take(8)? != MAGIC {
            return Err(ModelError::Magic);
        }
        let info = r.string()?;
        let mut resources = Resources::default();
        let n = r.len(16)?;
        resources.lexicon = Lexicon::default();
        resources.lexicon.entries.reserve(n);
        for _ in 0..n {
            let k = r.u64()?;
            let c = u32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes"));
            let lp = f32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes"));
            resources.lexicon.entries.insert(k, (c, lp));
        }
        let lists = r.len(8)?;
        resources.gazetteers = Gazetteers::default();
        for _ in 0..lists {
            let name = r.string()?;
            let n = r.len(8)?;
            let mut set = super::features::HashedSet::default();
            set.reserve(n);
            for _ in 0..n {
                set.insert(r.u64()?);
            }
            resources.gazetteers.lists.push((name, set));
        }
        let n = r.len(8 + 4 * N_LABELS)?;
        let mut model = Model {
            resources,
            info,
            ..Model::default()
        };
        model.rows.reserve(n);
        model.weights.reserve(n * N_LABELS);
        for i in 0..n {
            model.rows.insert(r.u64()?, i as u32);
            for _ in 0..N_LABELS {
                model
                    .weights
                    .push(f32::from_le_bytes(r.take(4)?.try_into().expect("4 bytes")));
            }
        }
        if r.pos != buf.len() {
            return Err(ModelError::Corrupt("trailing bytes"));
        }
        Ok(model)
    }
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

/// Hash of a word form, for tests and tools that build lexicons.
pub fn word_key(word: &str) -> u64 {
    hash_str(word)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn learns_a_toy_pattern_and_round_trips_through_bytes() {
        let config = TrainConfig { epochs: 5, seed: 7 };
        let model = train(&toy_corpus(), Resources::default(), config, |_, _| {});
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
        train(&toy_corpus(), Resources::default(), config, |_, _| {})
            .write(&mut twice)
            .unwrap();
        assert_eq!(bytes, twice);
        // A damaged file is an error, not a panic.
        assert!(Model::read(&bytes[..bytes.len() / 2]).is_err());
        assert!(matches!(
            Model::read(&b"not zstd"[..]),
            Err(ModelError::Io(_))
        ));
    }
}
