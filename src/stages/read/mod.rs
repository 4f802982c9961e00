//! read/split: one input file → its documents.
//!
//! Decoding ([`decode`]) is shared; the container format picks the reader:
//! plain text (optionally split into records by [`split`] rules from
//! `pipeline.toml`), HTML (main text extracted, metadata from `<meta>`,
//! JSON-LD and `<time>`), RSS/Atom feeds ([`feed`]: one document per item),
//! JSONL (one document per line), CSV/TSV and Parquet (one per row), WARC
//! (one document per response record). A file that cannot be read gives a
//! [`ReadError`] that the pipeline reports and skips.
//!
//! Memory is bounded by `[read]` settings, not by the input: decompressed
//! bytes per file (`max_file_bytes`) and per document (`max_document_bytes`).
//! JSONL and WARC are read as streams, a record at a time, and Parquet a row
//! group at a time; the other formats are read whole, up to the file cap.

mod arc_framing;
mod article;
pub mod charset;
mod contained;
pub mod decode;
mod delimited;
pub mod feed;
mod feed_repair;
pub mod html;
mod iso2022;
pub mod jsonl;
mod parquet_rows;
pub mod split;
pub mod warc;
mod warc_framing;
mod wide;

use std::io::{self, BufRead, BufReader, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::config::InvalidValue;
use crate::discover::InputFile;
use crate::document::Document;
use charset::Hints;
use decode::{Codec, RawFile};

pub use contained::message as panic_message;
pub use jsonl::JsonlFields;
pub use split::SplitterConfig;

/// Default of `read.max_file_bytes`: 256 MiB. The formats read whole hold
/// a file's bytes and then its text (about twice the size at the peak), so
/// this keeps any single input well under 1 GB of memory, and a bomb, which
/// stops at the cap, under ~300 MB. Far larger than any page or feed; big
/// JSONL and WARC dumps need it raised (their documents are kept for the
/// run: memory grows with the text they hold).
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 << 20;
/// Default of `read.max_document_bytes`: 16 MiB, a hundred times a long
/// article; past it a "document" is a dump or an attack, and cleaning it
/// would take many times its size.
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 16 << 20;
/// Upper bound of both caps in `validate` (a typo of a few digits must not
/// let one file take the machine).
const MAX_CAP: u64 = 64 << 30;

/// Settings of the read/split stage (`[read]` in pipeline.toml).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReadConfig {
    /// Most decompressed bytes read from one file; a larger file is skipped.
    pub max_file_bytes: u64,
    /// Most bytes of one document or record (a JSONL line, a WARC record, a
    /// page, a decompressed HTTP body); a larger one is skipped with a warning.
    pub max_document_bytes: u64,
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

impl Default for ReadConfig {
    fn default() -> Self {
        ReadConfig {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            jsonl: JsonlFields::default(),
            splitters: Vec::new(),
            title_from_first_line: None,
            text_format: html::TextFormat::Plain,
        }
    }
}

impl ReadConfig {
    pub(crate) fn validate(&self) -> Result<(), InvalidValue> {
        let invalid = |key: &str, message: String| InvalidValue {
            key: format!("read.{key}"),
            span: 0..0,
            message,
        };
        if !(1024..=MAX_CAP).contains(&self.max_file_bytes) {
            return Err(invalid(
                "max_file_bytes",
                format!("must be between 1024 and {MAX_CAP} bytes"),
            ));
        }
        if !(1..=self.max_file_bytes).contains(&self.max_document_bytes) {
            return Err(invalid(
                "max_document_bytes",
                "must be between 1 and read.max_file_bytes".to_string(),
            ));
        }
        Reader::new(self).map(|_| ())
    }
}

/// Why a file gave no documents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read: {0}")]
    Io(String),
    #[error("not a regular file ({0})")]
    NotRegular(&'static str),
    /// Over a `[read]` cap; the message names the key.
    #[error("{0}")]
    TooLarge(String),
    #[error("empty file")]
    Empty,
    #[error("binary file (NUL bytes), not text")]
    Binary,
    /// A container or compression gleaner does not read, known by its
    /// magic: what it is and what to do.
    #[error("{0}")]
    Unreadable(&'static str),
    #[error("corrupt compressed data ({0})")]
    Decompress(String),
    #[error("no documents: {0}")]
    NoDocuments(String),
    /// A Parquet file whose footer does not parse.
    #[error("not a readable Parquet file: {0}")]
    Parquet(String),
    /// A parser panicked on the file (see [`contained`]).
    #[error("the reader failed on this file, a bug in gleaner or a parser it uses (please report it with the file): {0}")]
    Panicked(String),
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
    /// Modified in the second it was opened (or later, by a skewed clock):
    /// a rewrite of the same size later in that second keeps this size and
    /// mtime, so only the hash can tell the file unchanged.
    pub recheck: bool,
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
    /// The character encoding of the text when it was not UTF-8 (the first
    /// one, for containers of many records).
    pub encoding: Option<&'static str>,
}

/// The compiled read settings.
#[derive(Debug)]
pub struct Reader {
    fields: JsonlFields,
    splitters: Vec<split::Splitter>,
    title_from_first_line: bool,
    limits: Limits,
    text_format: html::TextFormat,
}

/// The `[read]` caps, as the format readers take them.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub file: u64,
    pub document: u64,
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
            limits: Limits {
                file: config.max_file_bytes,
                document: config.max_document_bytes,
            },
            text_format: config.text_format,
        })
    }

    /// Reads one input file into documents. A panic while reading it
    /// costs this file only ([`contained`]).
    pub fn read(&self, input: &InputFile) -> Result<FileRead, ReadError> {
        contained::contained(|| self.read_file(input))
            .unwrap_or_else(|e| Err(ReadError::Panicked(e)))
    }

    fn read_file(&self, input: &InputFile) -> Result<FileRead, ReadError> {
        // Taken before the stat: a file modified in this second or later
        // may be written again with this same second as its mtime.
        let opened = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let (file, meta) = decode::open_regular(&input.path)?;
        if meta.len() == 0 {
            // Said as what it is: a crawler that died before its first
            // write leaves `x.jsonl.gz` empty, which is no corrupt gzip.
            return Err(ReadError::Empty);
        }
        let mtime = crate::discover::mtime(&meta);
        let name = input
            .path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let (mut codec, inner) = decode::codec_of(&name);
        let mut raw = BufReader::with_capacity(decode::BUFFER, RawFile::new(file));
        if codec == Codec::Plain {
            let head = raw.fill_buf().map_err(|e| ReadError::Io(e.to_string()))?;
            codec = decode::codec_of_magic(head);
        }
        // Common Crawl's text and metadata extracts are WARC files too
        // (`.warc.wet.gz`, `.warc.wat.gz`).
        let archive = if [".warc", ".wet", ".wat"].iter().any(|e| inner.ends_with(e)) {
            Some(warc::Archive::Warc)
        } else if inner.ends_with(".arc") {
            Some(warc::Archive::Arc)
        } else {
            None
        };
        // Parquet is read where it lies (its footer first), not as a stream.
        let parquet = codec == Codec::Plain
            && (inner.ends_with(".parquet")
                || raw
                    .fill_buf()
                    .is_ok_and(|head| head.starts_with(decode::PARQUET_MAGIC)));
        let mut parsed = if let Some(archive) = archive {
            self.read_warc(input, archive, codec, &mut raw)?
        } else if parquet {
            self.read_parquet(input, raw.get_ref())?
        } else {
            self.read_other(input, codec, inner, &mut raw)?
        };
        let (size, hash) = raw
            .into_inner()
            .finish()
            .map_err(|e| ReadError::Io(e.to_string()))?;
        let key = input.id_key();
        if key.as_ref() != input.display.as_bytes() {
            // A name that is not UTF-8: ids from its raw bytes (the display
            // name escapes them, which two names could share).
            for doc in &mut parsed.documents {
                doc.doc_id = crate::document::doc_id_of(&key, doc.record);
            }
        }
        if parsed.documents.is_empty() {
            let why = parsed.warnings.first().cloned();
            return Err(ReadError::NoDocuments(
                why.unwrap_or_else(|| parsed.empty_reason.into()),
            ));
        }
        Ok(FileRead {
            documents: parsed.documents,
            fingerprint: Fingerprint {
                size,
                mtime,
                hash,
                recheck: mtime >= opened,
            },
            format: parsed.format,
            repaired_utf8: parsed.repaired,
            warnings: parsed.warnings,
            encoding: parsed.encoding,
        })
    }

    /// A Parquet file, a document per row ([`parquet_rows`]).
    fn read_parquet(&self, input: &InputFile, raw: &RawFile) -> Result<Parsed, ReadError> {
        let mut warnings = Vec::new();
        let documents = parquet_rows::read_parquet(
            &input.display,
            raw.file(),
            &self.fields,
            self.limits,
            &mut warnings,
        )?;
        Ok(Parsed {
            documents: self.within_cap(documents, &mut warnings),
            format: "parquet",
            repaired: 0,
            warnings,
            encoding: None,
            empty_reason: "no rows",
        })
    }

    /// A WARC or ARC archive, record by record.
    fn read_warc(
        &self,
        input: &InputFile,
        archive: warc::Archive,
        codec: Codec,
        raw: &mut BufReader<RawFile>,
    ) -> Result<Parsed, ReadError> {
        // Per-record gzip or zstd: a corrupt frame costs its record only.
        match codec {
            // Per-record bzip2 or xz is not a convention: read as one stream.
            Codec::Plain | Codec::Bzip2 | Codec::Xz => {
                let stream = decode::decoder(codec, &mut *raw, self.limits.file)?;
                self.read_records(&input.display, archive, stream, codec)
            }
            Codec::Gzip => self.read_frames(input, archive, codec, raw, warc::GzipMembers),
            Codec::Zstd => {
                let dictionary = decode::dictionary_frame(raw)
                    .map_err(|e| ReadError::Decompress(format!("zstd: {e}")))?
                    .map(|d| zstd::dict::DecoderDictionary::copy(&d));
                let frames = warc::ZstdFrames {
                    dictionary: dictionary.as_ref(),
                };
                self.read_frames(input, archive, codec, raw, frames)
            }
        }
    }

    /// The records of a per-record compressed archive, frame by frame.
    fn read_frames<C: for<'r> warc::Frames<&'r mut BufReader<RawFile>>>(
        &self,
        input: &InputFile,
        archive: warc::Archive,
        codec: Codec,
        raw: &mut BufReader<RawFile>,
        frames: C,
    ) -> Result<Parsed, ReadError> {
        let mut members = warc::Members::new(&mut *raw, frames);
        let stream = decode::Limited::new(&mut members, self.limits.file);
        let stream = BufReader::with_capacity(decode::BUFFER, stream);
        let mut parsed = self.read_records(&input.display, archive, stream, codec)?;
        parsed.warnings.splice(0..0, members.warnings);
        Ok(parsed)
    }

    /// The records of an archive's decompressed `stream`.
    fn read_records(
        &self,
        source: &str,
        archive: warc::Archive,
        stream: impl BufRead,
        codec: Codec,
    ) -> Result<Parsed, ReadError> {
        let mut warnings = Vec::new();
        let read = warc::read_warc(
            source,
            archive,
            stream,
            self.limits.document,
            self.text_format,
            &mut warnings,
        )
        .map_err(|e| decode::stream_error(codec, e))?;
        Ok(Parsed {
            documents: read.documents,
            format: match archive {
                warc::Archive::Warc => "warc",
                warc::Archive::Arc => "arc",
            },
            repaired: read.repaired,
            warnings,
            encoding: read.encoding,
            empty_reason: "no HTML or text response, resource or conversion records",
        })
    }

    /// Every format but WARC: JSONL streamed by line, the rest read whole.
    fn read_other(
        &self,
        input: &InputFile,
        codec: Codec,
        inner: &str,
        raw: &mut BufReader<RawFile>,
    ) -> Result<Parsed, ReadError> {
        let source = input.display.as_str();
        // A plain file read whole holds its size in bytes, a gzip file
        // (one member, the usual) what its trailer says; up to the cap.
        let expect = match codec {
            Codec::Plain => raw.get_ref().size(),
            Codec::Gzip => raw.get_ref().gzip_size(),
            _ => None,
        }
        .map_or(0, |size| size.min(self.limits.file) as usize);
        let mut stream = decode::decoder(codec, &mut *raw, self.limits.file)?;
        let head = stream
            .fill_buf()
            .map_err(|e| decode::stream_error(codec, e))?;
        // An archive by its first bytes, whatever its name: Heritrix's
        // `.warc.gz.open` while it writes, a download saved as `.dat`.
        if let Some(archive) = warc::Archive::sniff(head) {
            // Read from the start as an archive named so is: compressed per
            // record, frame by frame, so a corrupt frame costs its record.
            drop(stream);
            raw.seek(SeekFrom::Start(0))
                .map_err(|e| ReadError::Io(e.to_string()))?;
            return self.read_warc(input, archive, codec, raw);
        }
        let jsonl = matches!(format_of_name(inner), Some("jsonl")) && !charset::is_wide(head);
        // A JSONL file with a hole of NULs (a crash while it was appended
        // to) is read around the hole, not refused whole for good.
        let holed = match decode::check_not_binary(head) {
            Err(ReadError::Binary) if jsonl && jsonl::holds_records(head) => true,
            checked => {
                checked?;
                false
            }
        };
        let mut warnings = Vec::new();
        if jsonl {
            let mut read = jsonl::read_jsonl(
                source,
                stream,
                &self.fields,
                self.limits.document,
                &mut warnings,
            );
            if let Some((line, e)) = read.cut.take() {
                // A file cut off (a download or copy that stopped) decodes
                // to a true prefix: its whole records are kept and the loss
                // is said. Damage inside the stream is another matter: a
                // flipped bit decodes to plausible but wrong records until
                // the checksum at the end fails, so such a file is refused
                // whole, as is one over the file cap. Trials of both:
                // `a_cut_off_compressed_jsonl_keeps_its_whole_records`.
                let cut_off = e.kind() == io::ErrorKind::UnexpectedEof;
                let err = decode::stream_error(codec, e);
                if !cut_off || matches!(err, ReadError::TooLarge(_)) || read.documents.is_empty() {
                    return Err(err);
                }
                warnings.push(format!(
                    "{err}: the file is cut off at line {line}; the {} whole records before it are kept",
                    read.documents.len()
                ));
            }
            if read.documents.is_empty() && holed {
                return Err(ReadError::Binary);
            }
            if read.documents.is_empty() && !warnings.is_empty() || read.first_left_open {
                // Every line broken, or a first line that opens a value no
                // lines after it closed within the cap: records that end in
                // a bare CR (one line to the reader), values the line reader
                // could not take one at a time (records that span lines are
                // read by `read_jsonl` itself), or one object over the
                // record cap holding an array of records (an API response
                // saved pretty). Read again, whole, as a stream of JSON
                // values; the reading that gives more documents wins.
                raw.seek(SeekFrom::Start(0))
                    .map_err(|e| ReadError::Io(e.to_string()))?;
                let stream = decode::decoder(codec, &mut *raw, self.limits.file)?;
                let bytes = decode::read_all(stream, codec, 0)?;
                let decoded = decode::text_of(bytes, Hints::default())?;
                let more = self.more_as_json_values(source, &decoded.text, read.documents.len());
                if let Some((documents, mut again)) = more {
                    return Ok(Parsed {
                        documents: self.within_cap(documents, &mut again),
                        format: "jsonl",
                        repaired: decoded.repaired,
                        warnings: again,
                        encoding: (decoded.name != "UTF-8").then_some(decoded.name),
                        empty_reason: "no records",
                    });
                }
            }
            if read.documents.is_empty() && !read.any_text {
                return Err(ReadError::Empty);
            }
            return Ok(Parsed {
                documents: read.documents,
                format: "jsonl",
                repaired: read.repaired,
                warnings,
                encoding: read.encoding,
                empty_reason: "no records",
            });
        }
        let bytes = decode::read_all(stream, codec, expect)?;
        let decoded = decode::text_of(bytes, Hints::default())?;
        let encoding = (decoded.name != "UTF-8").then_some(decoded.name);
        let text = decoded.text;
        let format = detect_format(inner, &text);
        let too_big = text.len() as u64 > self.limits.document;
        let documents = match format {
            "jsonl" => {
                // From memory: nothing can cut the read.
                let read = jsonl::read_jsonl(
                    source,
                    text.as_bytes(),
                    &self.fields,
                    self.limits.document,
                    &mut warnings,
                );
                // Read again as JSON values, as above. One JSON object over
                // the record cap (an API response saved pretty, its records
                // in an array) gave, line by line, only the array's last
                // element; as JSON values every element is a record.
                let more = (read.documents.is_empty() || read.first_left_open)
                    .then(|| self.more_as_json_values(source, &text, read.documents.len()))
                    .flatten();
                match more {
                    Some((documents, again)) => {
                        warnings = again;
                        documents
                    }
                    None => read.documents,
                }
            }
            "json" => jsonl::read_json_array(source, &text, &self.fields, &mut warnings),
            "csv" | "tsv" => {
                let delimiter = if format == "csv" { b',' } else { b'\t' };
                delimited::read_delimited(source, &text, delimiter, &self.fields, &mut warnings)
            }
            // Parsing markup takes many times its size: refuse it first.
            "html" | "feed" if too_big => {
                return Err(ReadError::TooLarge(over_document(
                    text.len(),
                    self.limits.document,
                )))
            }
            "html" => vec![html::read_html_as(source, &text, None, self.text_format)],
            "feed" => feed::read_feed(source, text, self.text_format, &mut warnings)
                .map_err(ReadError::NoDocuments)?,
            _ => self.read_text(source, text),
        };
        let documents = self.within_cap(documents, &mut warnings);
        Ok(Parsed {
            documents,
            format,
            repaired: decoded.repaired,
            warnings,
            encoding,
            empty_reason: "no text",
        })
    }

    /// `text` read as JSON values one after another, with its warnings,
    /// when that gives more documents than the line reading's `than`
    /// (the second reading of a JSONL file, streamed or in memory).
    fn more_as_json_values(
        &self,
        source: &str,
        text: &str,
        than: usize,
    ) -> Option<(Vec<Document>, Vec<String>)> {
        let mut warnings = Vec::new();
        let documents = jsonl::read_json_values(source, text, &self.fields, &mut warnings);
        (documents.len() > than).then_some((documents, warnings))
    }

    /// Drops documents over `max_document_bytes`, each with a warning.
    fn within_cap(&self, documents: Vec<Document>, warnings: &mut Vec<String>) -> Vec<Document> {
        documents
            .into_iter()
            .filter(|d| {
                let ok = d.body.len() as u64 <= self.limits.document;
                if !ok {
                    warnings.push(format!(
                        "record {}: {}; skipped",
                        d.record,
                        over_document(d.body.len(), self.limits.document)
                    ));
                }
                ok
            })
            .collect()
    }

    /// A plain-text file: split by the first splitter that applies, else one document.
    fn read_text(&self, source: &str, text: String) -> Vec<Document> {
        for splitter in &self.splitters {
            if let Some(docs) = splitter.split(source, &text) {
                return docs;
            }
        }
        let title = self
            .title_from_first_line
            .then(|| first_line_title(&text))
            .flatten();
        let mut doc = Document::new(source, 0, text);
        doc.title = title;
        vec![doc]
    }
}

/// What a format reader gave, before the file's fingerprint is added.
struct Parsed {
    documents: Vec<Document>,
    format: &'static str,
    repaired: u64,
    warnings: Vec<String>,
    encoding: Option<&'static str>,
    /// Why the file gave nothing, when no warning says.
    empty_reason: &'static str,
}

/// The name of an encoding worth recording (not UTF-8).
/// The message for a document over `read.max_document_bytes`.
pub(crate) fn over_document(size: usize, limit: u64) -> String {
    format!("{size} bytes, over read.max_document_bytes ({limit})")
}

/// The format an extension names, if it names one.
fn format_of_name(name: &str) -> Option<&'static str> {
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "jsonl" | "ndjson" => Some("jsonl"),
        "csv" => Some("csv"),
        "tsv" => Some("tsv"),
        "html" | "htm" | "xhtml" => Some("html"),
        "rss" | "atom" => Some("feed"),
        "txt" | "text" | "md" => Some("text"),
        _ => None,
    }
}

/// Picks the reader from the file name, falling back to a look at the content.
fn detect_format(name: &str, text: &str) -> &'static str {
    if let Some(format) = format_of_name(name) {
        return format;
    }
    let head = lower_head(text);
    if head.trim_start().starts_with("<!doctype html") || head.contains("<html") {
        "html"
    } else if head_is_feed(&head) || is_json_feed(&head) {
        "feed"
    } else if head.trim_start().starts_with('{') {
        "jsonl"
    } else if jsonl::opens_json_array(&head) {
        "json"
    } else {
        "text"
    }
}

/// The first 1024 characters of `text`, lower-cased: what the format is
/// sniffed from.
fn lower_head(text: &str) -> String {
    text.chars().take(1024).collect::<String>().to_lowercase()
}

fn head_is_feed(head: &str) -> bool {
    head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf")
}

/// A JSON Feed (jsonfeed.org: Micro.blog, Hugo and WordPress sites
/// publish `feed.json`): an object naming its version URL near its top.
/// feed-rs reads it like RSS; read as JSON records, it held no `text`
/// field and the whole feed was skipped.
fn is_json_feed(head: &str) -> bool {
    static VERSION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"^\{\s*(?:"[^"]*"\s*:\s*(?:"[^"]*"|[^",{}\[\]]*)\s*,\s*)*"version"\s*:\s*"https?://jsonfeed\.org/version/"#)
            .expect("valid regex")
    });
    VERSION.is_match(head.trim_start())
}

/// Whether `text` opens with a feed's root, as [`detect_format`] sniffs it
/// (a feed it cannot parse is then said to be broken, not "not a feed").
pub(crate) fn sniffs_as_feed(text: &str) -> bool {
    head_is_feed(&lower_head(text))
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
    fn an_archive_is_known_by_its_first_bytes_whatever_its_name() {
        let page = "<html><body><p>Kazakhstan's president arrived in Jerusalem on Tuesday for talks on trade.</p></body></html>";
        let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{page}");
        let warc = format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://a.kz/1\r\n\
             Content-Length: {}\r\n\r\n{http}\r\n\r\n",
            http.len()
        );
        let arc = format!(
            "filedesc://x.arc 0.0.0.0 20140216050221 text/plain 4\n1 0 \n\n\
             http://a.kz/1 1.2.3.4 20140216050221 text/html {}\n{http}\n",
            http.len()
        );
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes, format) in [
            ("crawl.warc.open", warc.clone().into_bytes(), "warc"),
            ("crawl.warc.gz.open", decode::gzip(warc.as_bytes()), "warc"),
            ("old-crawl.dat", arc.into_bytes(), "arc"),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let input = InputFile {
                display: name.into(),
                path,
            };
            let read = Reader::new(&ReadConfig::default())
                .unwrap()
                .read(&input)
                .unwrap();
            assert_eq!(read.format, format);
            assert_eq!(read.documents.len(), 1, "{name}");
            assert_eq!(read.documents[0].url.as_deref(), Some("http://a.kz/1"));
        }
    }

    /// WARC response record `n`, a page with one story.
    fn story_record(n: usize) -> String {
        let http = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Story number \
             {n}: Kazakhstan's president arrived in Jerusalem on Tuesday for talks.</p></body></html>"
        );
        format!(
            "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://a.kz/{n}\r\n\
             Content-Length: {}\r\n\r\n{http}\r\n\r\n",
            http.len()
        )
    }

    #[test]
    fn a_sniffed_gzipped_archive_loses_only_its_corrupt_member() {
        let mut members: Vec<Vec<u8>> = (0..3)
            .map(|n| decode::gzip(story_record(n).as_bytes()))
            .collect();
        let at = members[1].len() / 2;
        members[1][at] ^= 0x55;
        members[1][at + 1] ^= 0xAA;
        // Named as neither WARC nor gzip: known by its first bytes.
        let read = read_bytes("crawl.dat", &members.concat()).unwrap();
        assert_eq!(read.format, "warc");
        assert_lost_only_the_middle_record(&read, "resumed at the next gzip member");
        // The fingerprint is the whole file's, as for any other.
        assert_eq!(read.fingerprint.size, members.concat().len() as u64);
    }

    /// `read` holds records 0 and 2 of three [`story_record`]s, the middle
    /// one corrupt, and says it resumed after it (`says`).
    fn assert_lost_only_the_middle_record(read: &FileRead, says: &str) {
        let urls: Vec<_> = read
            .documents
            .iter()
            .filter_map(|d| d.url.as_deref())
            .collect();
        assert_eq!(urls, ["http://a.kz/0", "http://a.kz/2"]);
        assert!(
            read.warnings.iter().any(|w| w.contains(says)),
            "{:?}",
            read.warnings
        );
    }

    #[test]
    fn a_zstd_archive_loses_only_its_corrupt_frame() {
        // As wget-at writes them: a dictionary frame, then a frame per record.
        let dictionary =
            "WARC/1.1\r\nWARC-Type: response\r\nContent-Type: text/html\r\n".repeat(20);
        let mut file = 0x184D_2A5Du32.to_le_bytes().to_vec();
        file.extend((dictionary.len() as u32).to_le_bytes());
        file.extend(dictionary.as_bytes());
        let mut frames: Vec<Vec<u8>> = (0..3)
            .map(|n| {
                zstd::bulk::Compressor::with_dictionary(3, dictionary.as_bytes())
                    .unwrap()
                    .compress(story_record(n).as_bytes())
                    .unwrap()
            })
            .collect();
        let at = frames[1].len() / 2;
        frames[1][at] ^= 0x55;
        frames[1][at + 1] ^= 0xAA;
        file.extend(frames.concat());
        for name in ["crawl.warc.zst", "crawl.warc.zst.open"] {
            let read = read_bytes(name, &file).unwrap();
            assert_lost_only_the_middle_record(&read, "resumed at the next zstd frame");
        }
    }

    /// Trials, each at a pseudo-random byte of a gzip, zstd (with the
    /// checksum zstd's command line writes), bzip2 and xz file: cut off
    /// there, the file keeps exactly its whole records before the cut; one
    /// byte damaged there, it is refused whole or read whole, never read
    /// with a wrong record (a damaged deflate stream decodes to plausible
    /// text until its checksum fails).
    #[test]
    fn a_cut_off_compressed_jsonl_keeps_its_whole_records() {
        let story = |i: usize| {
            // A number per line that does not repeat, so the file does not
            // compress to a few bytes.
            let tag = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            format!("Story {i} ({tag:x}): Kazakhstan's president arrived in Jerusalem.")
        };
        let lines: String = (0..2000)
            .map(|i| format!("{{\"text\":\"{}\"}}\n", story(i)))
            .collect();
        let is_prefix = |read: &FileRead| {
            read.documents
                .iter()
                .enumerate()
                .all(|(i, d)| d.record == i as u32 && d.body == story(i))
        };
        let mut at: u64 = 7;
        for name in ["a.jsonl.gz", "a.jsonl.zst", "a.jsonl.bz2", "a.jsonl.xz"] {
            let file = decode::compress(decode::codec_of(name).0, lines.as_bytes());
            let (mut cut_kept, mut kept, mut refused) = (0, 0, 0);
            for trial in 0..100 {
                at = at
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let at = 64 + (at >> 33) as usize % (file.len() - 64);
                match read_bytes(name, &file[..at]) {
                    Ok(read) => {
                        assert!(is_prefix(&read), "{name} cut at {at}");
                        let n = read.documents.len();
                        assert!(n <= 2000, "{name} cut at {at}");
                        let said = format!("the {n} whole records before it are kept");
                        assert!(
                            read.warnings.iter().any(|w| w.contains(&said)),
                            "{:?}",
                            read.warnings
                        );
                        cut_kept += 1;
                    }
                    // Cut before its first whole record, or inside the
                    // first block (zstd's and bzip2's decode whole or not
                    // at all): nothing to keep.
                    Err(e) => assert!(
                        matches!(e, ReadError::Decompress(_)),
                        "{name} cut at {at}: {e}"
                    ),
                }
                let mut damaged = file.clone();
                damaged[at] ^= 1 << (trial % 8);
                match read_bytes(name, &damaged) {
                    Ok(read) => {
                        assert!(
                            is_prefix(&read) && read.documents.len() == 2000,
                            "{name} damaged at {at}"
                        );
                        kept += 1;
                    }
                    // Refused by its checksum, or by what it decoded to
                    // (NUL bytes, say).
                    Err(_) => refused += 1,
                }
            }
            assert!(
                cut_kept > 10,
                "{name}: {cut_kept} of 100 cut files kept records"
            );
            assert!(
                refused > 90,
                "{name}: {refused} of 100 damaged files refused, {kept} read whole"
            );
        }
        // Over the file cap, the file is refused as before.
        let capped = ReadConfig {
            max_file_bytes: 10_000,
            ..ReadConfig::default()
        };
        let err =
            read_bytes_with(&capped, "big.jsonl.gz", &decode::gzip(lines.as_bytes())).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge(_)), "{err}");
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

    fn read_bytes(name: &str, bytes: &[u8]) -> Result<FileRead, ReadError> {
        read_bytes_with(&ReadConfig::default(), name, bytes)
    }

    /// What reading `bytes` as the file `name` gives under `config`.
    fn read_bytes_with(
        config: &ReadConfig,
        name: &str,
        bytes: &[u8],
    ) -> Result<FileRead, ReadError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let input = InputFile {
            display: name.into(),
            path,
        };
        Reader::new(config).unwrap().read(&input)
    }

    #[test]
    fn a_jsonl_file_with_a_hole_of_nuls_keeps_the_records_around_it() {
        let record = |i: usize| format!("{{\"id\":\"{i}\",\"text\":\"Story {i} from Almaty.\"}}\n");
        // A crash while the file was appended to: record 2's bytes read as
        // zeros, and the writer went on after them. Before, the NULs in the
        // first 8 KB refused the file whole as binary, on every later night
        // too; a hole further on cost the record appended after it.
        for (name, before) in [("a.jsonl", 1), ("a.jsonl.gz", 1), ("big.jsonl", 200)] {
            let mut bytes: Vec<u8> = (0..before).flat_map(|i| record(i).into_bytes()).collect();
            bytes.extend(vec![0u8; record(before).len()]);
            bytes.extend((before + 1..before + 3).flat_map(|i| record(i).into_bytes()));
            if name.ends_with(".gz") {
                bytes = decode::compress(Codec::Gzip, &bytes);
            }
            let read = read_bytes(name, &bytes).unwrap();
            let ids: Vec<_> = read
                .documents
                .iter()
                .map(|d| d.id.clone().unwrap())
                .collect();
            let want: Vec<String> = (0..before)
                .chain(before + 1..before + 3)
                .map(|i| i.to_string())
                .collect();
            assert_eq!(ids, want, "{name}");
            assert!(
                read.warnings[0].contains(&format!(
                    "line {}: {} byte(s) up to a NUL",
                    before + 1,
                    record(before).len()
                )),
                "{name}: {:?}",
                read.warnings
            );
        }
        // Binary data is still binary, whatever its name.
        for bytes in [vec![0u8; 20_000], b"\x89PNG\0\0\n{\0\x01".repeat(100)] {
            assert!(matches!(
                read_bytes("a.jsonl", &bytes),
                Err(ReadError::Binary)
            ));
        }
        // Where `{"` happens to follow a line break, it is read, and is
        // binary for holding no record.
        let bytes = b"\x89PNG\0\0\n{\"\0\x01\n".repeat(100);
        assert!(matches!(
            read_bytes("a.jsonl", &bytes),
            Err(ReadError::Binary)
        ));
    }

    #[test]
    fn a_json_array_of_records_gives_a_document_per_record() {
        // Scrapy's `-o items.json`: before, the whole array, brackets and
        // keys, was one text document.
        let record = |i: u32| {
            format!("{{\"url\": \"https://a.kz/{i}\", \"text\": \"Story {i} from Almaty.\"}}")
        };
        let items = format!(
            "[\n{}\n]\n",
            (0..3).map(record).collect::<Vec<_>>().join(",\n")
        );
        let read = read_bytes("items.json", items.as_bytes()).unwrap();
        assert_eq!(read.format, "json");
        let bodies: Vec<&str> = read.documents.iter().map(|d| d.body.as_str()).collect();
        assert_eq!(
            bodies,
            [
                "Story 0 from Almaty.",
                "Story 1 from Almaty.",
                "Story 2 from Almaty."
            ]
        );
        assert_eq!(read.documents[2].url.as_deref(), Some("https://a.kz/2"));
        assert_eq!(read.documents[2].record, 2);
        assert!(read.warnings.is_empty(), "{:?}", read.warnings);
        // A crawl stopped while it wrote: the whole records are kept.
        let cut = &items[..items.len() - 20];
        let read = read_bytes("items.json", cut.as_bytes()).unwrap();
        assert_eq!(read.documents.len(), 2);
        assert!(
            read.warnings[0].contains("breaks off after record 2"),
            "{:?}",
            read.warnings
        );
        // Elements without the text field say which field holds it.
        let err = read_bytes("x.json", br#"[{"story": "A story."}]"#).unwrap_err();
        assert!(
            err.to_string().contains("record 1: no string field `text`"),
            "{err}"
        );
    }

    #[test]
    fn jsonl_records_that_span_lines_are_read_as_json_values() {
        // `jq .` without -c, or old Mac line ends: before, every line was
        // a broken record and the file was skipped, its records lost.
        let pretty = "{\n  \"id\": \"1\",\n  \"text\": \"Story one.\"\n}\n{\n  \"id\": \"2\",\n  \"text\": \"Story two.\"\n}\n";
        let cr = "{\"id\": \"1\", \"text\": \"Story one.\"}\r{\"id\": \"2\", \"text\": \"Story two.\"}\r";
        for (name, bytes) in [
            ("a.jsonl", pretty.as_bytes().to_vec()),
            (
                "a.jsonl.gz",
                decode::compress(Codec::Gzip, pretty.as_bytes()),
            ),
            ("a", pretty.as_bytes().to_vec()),
            ("b.jsonl", cr.as_bytes().to_vec()),
        ] {
            let read = read_bytes(name, &bytes).unwrap();
            let bodies: Vec<&str> = read.documents.iter().map(|d| d.body.as_str()).collect();
            assert_eq!(bodies, ["Story one.", "Story two."], "{name}");
            assert_eq!(read.format, "jsonl");
            assert!(
                read.warnings[0].contains("records span lines"),
                "{name}: {:?}",
                read.warnings
            );
            assert_eq!(read.warnings.len(), 1, "{name}: {:?}", read.warnings);
        }
        // Lines that are records but lack the text field still say so.
        let err = read_bytes("c.jsonl", b"{\"story\": \"x\"}\n").unwrap_err();
        assert!(
            err.to_string().contains("line 1: no string field `text`"),
            "{err}"
        );
    }

    #[test]
    fn a_file_of_no_bytes_is_empty_whatever_its_name() {
        for name in [
            "a.jsonl.gz",
            "a.jsonl.zst",
            "a.bz2",
            "a.xz",
            "a.warc.gz",
            "a.warc",
            "a.html",
        ] {
            let err = read_bytes(name, b"").unwrap_err();
            assert!(matches!(err, ReadError::Empty), "{name}: {err}");
        }
    }

    #[test]
    fn a_legacy_feed_after_a_server_notice_is_not_decoded_twice() {
        let feed =
            "<br />\n<b>Notice</b>: Undefined index: lang in /var/www/rss.php on line 12<br />\n\
            <?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<rss version=\"2.0\">\
            <channel><title>Новости</title><item><title>Визит президента</title>\
            <description>Президент Казахстана прибыл в Иерусалим для переговоров о торговле \
            и водных технологиях.</description></item></channel></rss>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(feed);
        let read = read_bytes("news.rss", &bytes).unwrap();
        assert_eq!(read.documents[0].title.as_deref(), Some("Визит президента"));
        assert!(read.documents[0].body.contains("Президент Казахстана"));
    }

    #[test]
    fn a_json_object_without_text_is_skipped_for_that_reason() {
        // One object spanning lines, its records in a nested array, their
        // text in a field of no known name. The reason given is the
        // missing field, not that the record spans lines.
        let api = "{\n  \"status\": \"ok\",\n  \"articles\": [\n    {\"title\": \"A\", \
                   \"story\": \"Body.\"}\n  ]\n}\n";
        let err = read_bytes("news.json", api.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("no string field `text`"), "{err}");
        // NewsAPI's own response, its text in `content`, is read whole.
        let read = read_bytes("news.json", api.replace("story", "content").as_bytes()).unwrap();
        assert_eq!(read.documents[0].body, "Body.");
    }

    #[test]
    fn a_json_feed_gives_a_document_per_item() {
        let feed = r#"{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Example",
  "items": [
    {"id": "2", "url": "https://example.org/2", "date_published": "2024-03-05T10:00:00Z",
     "content_text": "The council met on Tuesday to discuss the budget for the coming year."},
    {"id": "1", "url": "https://example.org/1", "title": "Talks in Astana",
     "content_html": "<p>Astana hosted the talks on Monday, where ministers agreed on trade.</p>"}
  ]
}"#;
        let read = read_bytes("feed.json", feed.as_bytes()).unwrap();
        assert_eq!(read.format, "feed");
        // A record that only mentions the URL stays a record.
        let record = r#"{"text": "See https://jsonfeed.org/version/1.1 for the format.", "id": 2}"#;
        assert_eq!(detect_format("a", record), "jsonl");
        assert_eq!(
            detect_format(
                "a",
                r#"{"title": "T", "version": "https://jsonfeed.org/version/1"}"#
            ),
            "feed"
        );
        let docs = &read.documents;
        assert_eq!(docs.len(), 2);
        assert!(docs[0].body.contains("The council met"), "{}", docs[0].body);
        assert_eq!(docs[0].url.as_deref(), Some("https://example.org/2"));
        assert!(docs[0].published.is_some());
        assert_eq!(docs[1].title.as_deref(), Some("Talks in Astana"));
        assert!(
            docs[1].body.contains("Astana hosted the talks"),
            "{}",
            docs[1].body
        );
    }

    #[test]
    fn a_legacy_feed_is_not_decoded_twice() {
        let feed = "<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<rss version=\"2.0\">\
            <channel><title>Новости</title><item><title>Визит президента</title>\
            <description>Президент Казахстана прибыл в Иерусалим для переговоров о торговле \
            и водных технологиях.</description></item></channel></rss>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(feed);
        let read = read_bytes("news.rss", &bytes).unwrap();
        assert_eq!(read.encoding, Some("windows-1251"));
        let doc = &read.documents[0];
        assert_eq!(doc.title.as_deref(), Some("Визит президента"));
        assert!(doc.body.contains("Президент Казахстана"), "{}", doc.body);
    }

    #[test]
    fn a_page_over_the_document_cap_is_refused_before_parsing() {
        let page = format!("<html><body><p>{}</p></body></html>", "word ".repeat(1000));
        let capped = ReadConfig {
            max_document_bytes: 1000,
            ..ReadConfig::default()
        };
        let err = read_bytes_with(&capped, "p.html", page.as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "5033 bytes, over read.max_document_bytes (1000)"
        );
    }

    #[test]
    fn an_api_response_over_the_record_cap_gives_every_record() {
        // NewsAPI's response saved with `json.dump(indent=1)`: one object
        // over the record cap. Read line by line, only the array's last
        // element (the one not followed by a comma) was a record.
        let item = |i: u32| format!(" {{\n  \"text\": \"Story {i} from Almaty.\"\n }}");
        let items: Vec<String> = (0..40).map(item).collect();
        let text = format!(
            "{{\n \"status\": \"ok\",\n \"articles\": [\n{}\n ]\n}}\n",
            items.join(",\n")
        );
        let capped = ReadConfig {
            max_document_bytes: 1000,
            ..ReadConfig::default()
        };
        for name in ["response.json", "response.jsonl"] {
            let read = read_bytes_with(&capped, name, text.as_bytes()).unwrap();
            assert_eq!(read.documents.len(), 40, "{name}: {:?}", read.warnings);
            assert_eq!(read.documents[39].record, 39);
            assert!(
                read.warnings[0].contains("(`articles`)"),
                "{:?}",
                read.warnings
            );
        }
    }

    #[test]
    fn caps_are_range_checked() {
        let mut config = ReadConfig {
            max_file_bytes: 10,
            ..ReadConfig::default()
        };
        assert_eq!(config.validate().unwrap_err().key, "read.max_file_bytes");
        config.max_file_bytes = 1 << 20;
        config.max_document_bytes = 2 << 20;
        assert_eq!(
            config.validate().unwrap_err().key,
            "read.max_document_bytes"
        );
        assert!(ReadConfig::default().validate().is_ok());
    }
}
