//! The statistical name recognizer: PER / ORG / LOC / MISC spans in raw text.
//!
//! A structured averaged perceptron with Viterbi decoding ([`model`]) over
//! hashed token, document and transition features ([`features`]), trained
//! on CoNLL-2003 English with Brown clusters and name lists (see
//! `data/models/README.md` for data, licences and scores).
//! The trained model ships inside the binary, so tagging needs no network
//! and no files. [`tokens`] cuts text the way the training data was cut;
//! [`conll`] reads CoNLL files and scores the `conlleval` way.

pub mod conll;
pub mod features;
pub mod model;
pub mod tokens;
mod weights;

use std::sync::OnceLock;

pub use model::{Model, ModelError};

/// A language with a name model built into gleaner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Language {
    English,
    Russian,
    Kazakh,
}

impl Language {
    /// Every language with a built-in model.
    pub const ALL: [Language; 3] = [Language::English, Language::Russian, Language::Kazakh];

    /// Its ISO 639-3 code, as language identification gives it.
    pub const fn code(self) -> &'static str {
        match self {
            Language::English => "eng",
            Language::Russian => "rus",
            Language::Kazakh => "kaz",
        }
    }

    /// The language of ISO 639-3 `code`, if it has a model.
    pub fn of(code: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The model file, zstd-compressed (`scripts/ner/train.sh` builds the
    /// English one, `scripts/ner/train_lang.sh` the Russian and Kazakh
    /// ones; data/models/README.md says how and on what).
    pub(crate) fn bytes(self) -> &'static [u8] {
        // Statics, not literals in the function: a small public function
        // may be inlined into the binary crate, and a literal inlined with
        // it is a second copy of the model in the binary (16 MB more).
        static ENGLISH: &[u8] = include_bytes!("../../../../data/models/ner-en.bin");
        static RUSSIAN: &[u8] = include_bytes!("../../../../data/models/ner-ru.bin");
        static KAZAKH: &[u8] = include_bytes!("../../../../data/models/ner-kk.bin");
        match self {
            Language::English => ENGLISH,
            Language::Russian => RUSSIAN,
            Language::Kazakh => KAZAKH,
        }
    }

    /// The name of its file in `data/models/`.
    pub const fn file_name(self) -> &'static str {
        match self {
            Language::English => "ner-en.bin",
            Language::Russian => "ner-ru.bin",
            Language::Kazakh => "ner-kk.bin",
        }
    }

    /// The model, loaded on first use (about 0.1 s) and shared.
    pub fn model(self) -> &'static Model {
        static MODELS: [OnceLock<Model>; Language::ALL.len()] =
            [const { OnceLock::new() }; Language::ALL.len()];
        MODELS[self as usize].get_or_init(|| {
            Model::read(self.bytes()).expect("the entity models built into gleaner are valid")
        })
    }

    /// Size in bytes of the built-in model file.
    pub fn size(self) -> usize {
        self.bytes().len()
    }
}

/// The English model (the one trained on CoNLL-2003).
pub fn embedded() -> &'static Model {
    Language::English.model()
}

/// Size in bytes of the built-in English model file.
pub fn embedded_size() -> usize {
    Language::English.size()
}

/// A name found in a text: byte range and type index into [`model::TYPES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameSpan {
    pub start: usize,
    pub end: usize,
    pub kind: usize,
}

impl Model {
    /// Names in `text`, in order, as byte ranges.
    ///
    /// The model reads a document whole (its document-level features look
    /// at every sentence), holding some hundreds of bytes per token. A
    /// document longer than [`WINDOW_BYTES`] is therefore tagged as windows
    /// of whole sentences of at most that many bytes, each a document to
    /// the model: a 13 MB text took 900 MB to tag whole. Texts shorter than
    /// a window, nearly every real document, are tagged as before.
    pub fn find_names(&self, text: &str) -> Vec<NameSpan> {
        let sentences = tokens::sentences(text);
        let mut out = Vec::new();
        let mut rest = &sentences[..];
        while !rest.is_empty() {
            let n = window_len(rest);
            let (window, after) = rest.split_at(n);
            self.names_in(text, window, &mut out);
            rest = after;
        }
        out
    }

    /// The names of `sentences` (token byte ranges into `text`), tagged as
    /// one document, pushed to `out`.
    fn names_in(&self, text: &str, sentences: &[Vec<(usize, usize)>], out: &mut Vec<NameSpan>) {
        let words: Vec<Vec<&str>> = sentences
            .iter()
            .map(|s| s.iter().map(|&(a, b)| &text[a..b]).collect())
            .collect();
        let labels = self.tag_document(&words);
        for (sentence, labels) in sentences.iter().zip(&labels) {
            for (s, e, kind) in model::decode(labels) {
                out.push(NameSpan {
                    start: sentence[s].0,
                    end: sentence[e - 1].1,
                    kind,
                });
            }
        }
    }
}

/// Most bytes of text the model tags as one document (see
/// [`Model::find_names`]): 1 MiB, some two hundred times a long article.
pub const WINDOW_BYTES: usize = 1 << 20;

/// How many of `sentences` (at least one) make the next window: whole
/// sentences spanning at most [`WINDOW_BYTES`] of the text.
fn window_len(sentences: &[Vec<(usize, usize)>]) -> usize {
    let start = |s: &Vec<(usize, usize)>| s.first().map_or(0, |t| t.0);
    let end = |s: &Vec<(usize, usize)>| s.last().map_or(0, |t| t.1);
    let first = start(&sentences[0]);
    sentences
        .iter()
        .position(|s| end(s).saturating_sub(first) > WINDOW_BYTES)
        .unwrap_or(sentences.len())
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_whole_sentences_of_at_most_the_window() {
        let half = WINDOW_BYTES / 2;
        let sentence = |start: usize, end: usize| vec![(start, start + 1), (end - 1, end)];
        let sentences = vec![
            sentence(0, half),
            sentence(half + 1, 2 * half),
            sentence(2 * half + 1, 3 * half),
        ];
        // The first two end within the window of the first's start.
        assert_eq!(window_len(&sentences), 2);
        assert_eq!(window_len(&sentences[2..]), 1);
        // A sentence longer than a window is a window of its own.
        let long = vec![
            sentence(0, 3 * WINDOW_BYTES),
            sentence(3 * WINDOW_BYTES + 1, 3 * WINDOW_BYTES + 9),
        ];
        assert_eq!(window_len(&long), 1);
        // A short text is one window, as before.
        assert_eq!(window_len(&sentences[..1]), 1);
    }

    #[test]
    fn a_text_over_a_window_has_its_names_found_to_the_end() {
        let line = "Kassym-Jomart Tokayev met Angela Merkel in Berlin on Tuesday.\n";
        let text = line.repeat(WINDOW_BYTES / line.len() + 40);
        let names = embedded().find_names(&text);
        let last = names.last().expect("names");
        assert!(last.start > WINDOW_BYTES, "{}", last.start);
        assert_eq!(&text[last.start..last.end], "Berlin");
    }
}
