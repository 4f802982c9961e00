//! read/split: one input file → its documents.
//!
//! Decoding ([`decode`]) is shared; the container format picks the reader:
//! plain text (optionally split into records by [`split`] rules from
//! `pipeline.toml`), HTML (main text extracted, metadata from `<meta>`,
//! JSON-LD and `<time>`), RSS/Atom feeds ([`feed`]: one document per item),
//! JSONL (one document per line), WARC (one document per response record). A file that cannot be read gives a [`ReadError`]
//! that the pipeline reports and skips.

mod article;
pub mod decode;
pub mod feed;
pub mod html;
pub mod jsonl;
pub mod split;
pub mod warc;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::InvalidValue;
use crate::discover::InputFile;
use crate::document::Document;

pub use jsonl::JsonlFields;
pub use split::SplitterConfig;

/// Settings of the read/split stage (`[read]` in pipeline.toml).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReadConfig {
    /// Field names of JSONL records.
    pub jsonl: JsonlFields,
    /// Rules that split a text file holding many records (a flattened feed)
    /// into one document per record.
    pub splitters: Vec<SplitterConfig>,
    /// Use the first line of a plain-text file as its title when it is short.
    pub title_from_first_line: Option<bool>,
    /// How the main text of HTML pages is written: `"plain"` (default) or
    /// `"markdown"` (headings, list items, pipe tables, fenced code kept for
    /// readers such as language models). Any other value is a config error.
    pub text_format: html::TextFormat,
}

impl ReadConfig {
    pub(crate) fn validate(&self) -> Result<(), InvalidValue> {
        Reader::new(self).map(|_| ())
    }
}

/// Why a file gave no documents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read: {0}")]
    Io(String),
    #[error("empty file")]
    Empty,
    #[error("binary file (NUL bytes), not text")]
    Binary,
    #[error("corrupt compressed data ({0})")]
    Decompress(String),
    #[error("no documents: {0}")]
    NoDocuments(String),
}

/// Size, modification time and content hash of an input, for the manifest
/// (and, later, for deciding what an incremental run must redo).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    pub size: u64,
    /// Seconds since the Unix epoch.
    pub mtime: i64,
    /// xxh3-128 of the raw bytes, hex.
    pub hash: String,
}

/// The documents of one file and what reading it noticed.
#[derive(Debug)]
pub struct FileRead {
    pub documents: Vec<Document>,
    pub fingerprint: Fingerprint,
    pub format: &'static str,
    /// Invalid UTF-8 sequences that were replaced.
    pub repaired_utf8: u64,
    /// Problems inside the file that did not stop it (a broken JSONL line).
    pub warnings: Vec<String>,
}

/// The compiled read settings.
#[derive(Debug)]
pub struct Reader {
    fields: JsonlFields,
    splitters: Vec<split::Splitter>,
    title_from_first_line: bool,
    text_format: html::TextFormat,
}

impl Reader {
    pub fn new(config: &ReadConfig) -> Result<Reader, InvalidValue> {
        let splitters = config
            .splitters
            .iter()
            .enumerate()
            .map(|(i, s)| split::Splitter::new(s, i))
            .collect::<Result<_, _>>()?;
        Ok(Reader {
            fields: config.jsonl.clone(),
            splitters,
            title_from_first_line: config.title_from_first_line.unwrap_or(true),
            text_format: config.text_format,
        })
    }

    /// Reads one input file into documents.
    pub fn read(&self, input: &InputFile) -> Result<FileRead, ReadError> {
        let raw = std::fs::read(&input.path).map_err(|e| ReadError::Io(e.to_string()))?;
        let mtime = std::fs::metadata(&input.path).map_or(0, |m| crate::discover::mtime(&m));
        let fingerprint = Fingerprint {
            size: raw.len() as u64,
            mtime,
            hash: format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&raw)),
        };
        let source = input.display.as_str();
        let mut warnings = Vec::new();
        let (bytes, inner_name) = decode::decompress(&input.path, &raw)?;
        drop(raw);
        if inner_name.ends_with(".warc") {
            let read = warc::read_warc(source, &bytes, &mut warnings);
            if read.documents.is_empty() {
                let why = warnings.first().cloned();
                return Err(ReadError::NoDocuments(
                    why.unwrap_or_else(|| "no HTML or text response records".into()),
                ));
            }
            return Ok(FileRead {
                documents: read.documents,
                fingerprint,
                format: "warc",
                repaired_utf8: read.repaired,
                warnings,
            });
        }
        let (text, repaired) = decode::text_of(&bytes)?;
        drop(bytes);
        let format = detect_format(&inner_name, &text);
        let documents = match format {
            "jsonl" => jsonl::read_jsonl(source, &text, &self.fields, &mut warnings),
            "html" => vec![html::read_html_as(source, &text, None, self.text_format)],
            "feed" => feed::read_feed(source, &text).map_err(ReadError::NoDocuments)?,
            _ => self.read_text(source, &text),
        };
        if documents.is_empty() {
            let why = warnings
                .first()
                .cloned()
                .unwrap_or_else(|| "no text".into());
            return Err(ReadError::NoDocuments(why));
        }
        Ok(FileRead {
            documents,
            fingerprint,
            format,
            repaired_utf8: repaired,
            warnings,
        })
    }

    /// A plain-text file: split by the first splitter that applies, else one document.
    fn read_text(&self, source: &str, text: &str) -> Vec<Document> {
        for splitter in &self.splitters {
            if let Some(docs) = splitter.split(source, text) {
                return docs;
            }
        }
        let mut doc = Document::new(source, 0, text.to_string());
        if self.title_from_first_line {
            doc.title = first_line_title(text);
        }
        vec![doc]
    }
}

/// Picks the reader from the file name, falling back to a look at the content.
fn detect_format(name: &str, text: &str) -> &'static str {
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jsonl" | "ndjson" => "jsonl",
        "html" | "htm" | "xhtml" => "html",
        "rss" | "atom" => "feed",
        "txt" | "text" | "md" => "text",
        _ => {
            let head: String = text.chars().take(1024).collect::<String>().to_lowercase();
            if head.trim_start().starts_with("<!doctype html") || head.contains("<html") {
                "html"
            } else if head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf") {
                "feed"
            } else if head.trim_start().starts_with('{') {
                "jsonl"
            } else {
                "text"
            }
        }
    }
}

/// The first non-empty line, when it looks like a headline (short, no final period).
fn first_line_title(text: &str) -> Option<String> {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty())?;
    let short = line.chars().count() <= 150;
    (short && !line.ends_with('.')).then(|| line.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension_then_content() {
        assert_eq!(detect_format("a.jsonl", ""), "jsonl");
        assert_eq!(detect_format("a.HTM", ""), "html");
        assert_eq!(detect_format("a.dat", "<!DOCTYPE html><p>x"), "html");
        assert_eq!(detect_format("a", "plain words"), "text");
    }

    #[test]
    fn title_from_first_line_only_when_headline_like() {
        assert_eq!(
            first_line_title("\n  Peres Heads to Kazakhstan\n\nBody."),
            Some("Peres Heads to Kazakhstan".to_string())
        );
        assert_eq!(first_line_title("A full sentence ends here.\nMore"), None);
    }

    #[test]
    fn reads_a_text_file_with_fingerprint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "Title\n\nSome body text.").unwrap();
        let input = InputFile {
            display: "a.txt".into(),
            path,
        };
        let read = Reader::new(&ReadConfig::default())
            .unwrap()
            .read(&input)
            .unwrap();
        assert_eq!(read.documents.len(), 1);
        assert_eq!(read.documents[0].title.as_deref(), Some("Title"));
        assert_eq!(read.fingerprint.size, 22);
        assert_eq!(read.format, "text");
    }
}
