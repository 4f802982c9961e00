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
pub mod regexes;
pub mod script;
pub mod segment;
pub mod stopwords;

use std::collections::BTreeMap;

use toml::Spanned;

/// Every model built into the binary that shapes the tables (the HTML line
/// model, each name model), by its file name in `data/models/`, with the
/// xxh3-128 hash of the file. A release records them: a retrained model
/// changes `documents` or `mentions` without any change of code or version
/// number, and a release must not mix two models' output (see
/// `Manifest::models`). `build.rs` hashes the files when the binary is
/// built (a test checks the hashes against the bytes built in).
pub fn built_in_models() -> BTreeMap<String, String> {
    env!("GLEANER_MODEL_HASHES")
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .map(|(file, hash)| (file.to_string(), hash.to_string()))
        .collect()
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
    regexes::compiled(value.get_ref(), false).map_err(|e| InvalidValue::new(key, value, e))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_model_hashes_are_those_of_the_bytes_built_in() {
        let hash = |bytes: &[u8]| format!("{:032x}", xxhash_rust::xxh3::xxh3_128(bytes));
        let mut built_in = std::collections::BTreeMap::new();
        built_in.insert(
            "html-lines.json".to_string(),
            hash(super::read::html::LINE_MODEL.as_bytes()),
        );
        for language in super::entities::ner::Language::ALL {
            built_in.insert(language.file_name().to_string(), hash(language.bytes()));
        }
        assert_eq!(super::built_in_models(), built_in);
    }
}
