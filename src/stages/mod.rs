//! The stages: each turns documents into documents, or documents into a
//! verdict, and knows nothing of passes, executors, releases or the command
//! line. Each takes its own typed settings (`CleanConfig`, `DedupConfig`,
//! …), which `config` gathers into one file; a setting that fails a stage's
//! validation is an [`InvalidValue`], which `config` turns into a message
//! with the file's line.

pub mod clean;
pub mod dedup;
pub mod entities;
pub mod entity_table;
pub mod quality;
pub mod read;
pub mod stopwords;

use std::collections::BTreeMap;

use toml::Spanned;

/// Every model built into the binary that shapes the tables (the HTML line
/// model, each name model), by its file name in `data/models/`, with the
/// xxh3-128 hash of the file. A release records them: a retrained model
/// changes `documents` or `mentions` without any change of code or version
/// number, and a release must not mix two models' output (see
/// `Manifest::models`). Hashing the 16 MB takes a few milliseconds.
pub fn built_in_models() -> BTreeMap<String, String> {
    let hash = |bytes: &[u8]| format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes));
    let mut models = BTreeMap::new();
    models.insert(
        "html-lines.json".to_string(),
        hash(read::html::LINE_MODEL.as_bytes()),
    );
    for language in entities::ner::Language::ALL {
        models.insert(language.file_name().to_string(), hash(language.bytes()));
    }
    models
}

/// A document after cleaning and quality assessment: what the entity stage
/// and the writer need.
#[derive(Debug, Clone)]
pub struct Processed {
    pub doc: crate::document::Document,
    /// Cleaned text (`documents.text`).
    pub text: String,
    pub removed: Vec<clean::RemovedLine>,
    pub signals: quality::Signals,
}

/// A setting whose validation failed, before the file path and line are known.
#[derive(Debug)]
pub struct InvalidValue {
    pub key: String,
    pub span: std::ops::Range<usize>,
    pub message: String,
}

impl InvalidValue {
    /// An error about a spanned value in the file.
    pub fn new<T>(key: impl Into<String>, value: &Spanned<T>, message: impl ToString) -> Self {
        InvalidValue {
            key: key.into(),
            span: value.span(),
            message: message.to_string(),
        }
    }
}

/// Compiles a regex from a spanned setting, naming the key on failure.
pub fn compile_regex(key: &str, value: &Spanned<String>) -> Result<regex::Regex, InvalidValue> {
    regex::Regex::new(value.get_ref()).map_err(|e| InvalidValue::new(key, value, e))
}
