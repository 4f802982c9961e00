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

use std::sync::OnceLock;

pub use model::{Model, ModelError};

/// The model file, zstd-compressed, built by `scripts/ner/train.sh`.
static EMBEDDED: &[u8] = include_bytes!("../../../../data/models/ner-en.bin");

/// The shipped model, loaded on first use (about 0.1 s) and shared.
pub fn embedded() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        Model::read(EMBEDDED).expect("the entity model built into gleaner is valid")
    })
}

/// Size in bytes of the built-in model file.
pub fn embedded_size() -> usize {
    EMBEDDED.len()
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
    pub fn find_names(&self, text: &str) -> Vec<NameSpan> {
        let sentences = tokens::sentences(text);
        let words: Vec<Vec<&str>> = sentences
            .iter()
            .map(|s| s.iter().map(|&(a, b)| &text[a..b]).collect())
            .collect();
        let labels = self.tag_document(&words);
        let mut out = Vec::new();
        for (sentence, labels) in sentences.iter().zip(&labels) {
            for (s, e, kind) in model::decode(labels) {
                out.push(NameSpan {
                    start: sentence[s].0,
                    end: sentence[e - 1].1,
                    kind,
                });
            }
        }
        out
    }
}
