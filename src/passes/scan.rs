//! Pass `scan`: reads input files, splits them into documents, cleans each,
//! and counts its short lines per site for the `lines` pass.

use rayon::prelude::*;

use super::{site_group, Counts, PassError, Progress};
use crate::clean::frequent::{DocLines, FrequentLineCounter};
use crate::clean::Cleaner;
use crate::discover::InputFile;
use crate::document::Document;
use crate::read::{FileRead, ReadError, Reader};
use crate::spill::{CleanedDoc, SpillStore};
use crate::state::ReleasedBodies;
use crate::write::manifest::{InputRecord, SkippedInput};

/// What the pass needs besides the files.
pub struct ScanContext<'a> {
    pub reader: &'a Reader,
    pub cleaner: &'a Cleaner,
    /// Body hashes of released documents by `doc_id`: a record read again
    /// with the same text is not a new document.
    pub released: &'a ReleasedBodies,
    /// The run the documents will belong to (recorded with each input).
    pub run: u32,
    /// Input bytes read per chunk.
    pub chunk_bytes: u64,
    /// `[clean] frequent_max_words`: longest line counted.
    pub frequent_max_words: usize,
    /// `[clean] frequent_min_docs`: documents that make a line frequent.
    pub frequent_min_docs: usize,
}

/// What the pass found; the cleaned documents went into the store.
pub struct Scanned {
    /// The files read, in order.
    pub inputs: Vec<InputRecord>,
    /// The files that could not be read, with the reason.
    pub skipped: Vec<SkippedInput>,
    /// New documents cleaned into the store.
    pub documents: u64,
    pub counts: Counts,
    /// Short lines per site, counted over this pass's documents.
    pub lines: FrequentLineCounter,
}

/// Reads `files` chunk by chunk (in parallel within a chunk), cleans their
/// new documents and pushes them to `store` in file order.
pub fn scan(
    files: &[InputFile],
    ctx: &ScanContext<'_>,
    store: &mut SpillStore,
    progress: &dyn Progress,
) -> Result<Scanned, PassError> {
    let mut out = Scanned {
        inputs: Vec::new(),
        skipped: Vec::new(),
        documents: 0,
        counts: Counts::default(),
        lines: FrequentLineCounter::new(ctx.frequent_max_words, ctx.frequent_min_docs),
    };
    // Each file's size, asked once: it cuts the chunks and orders the reads.
    let sizes: Vec<u64> = files
        .iter()
        .map(|f| std::fs::metadata(&f.path).map_or(0, |m| m.len()))
        .collect();
    for range in chunk_files(&sizes, ctx.chunk_bytes) {
        let chunk = &files[range.clone()];
        let reads = read_largest_first(chunk, &sizes[range], ctx.reader);
        let docs = collect_reads(chunk, reads, ctx.run, &mut out);
        let read_count = docs.len();
        let docs = docs
            .into_par_iter()
            .filter_map(|doc| new_version(doc, ctx.released))
            .collect::<Vec<_>>();
        out.counts.run.already_released += (read_count - docs.len()) as u64;
        let cleaned: Vec<CleanedDoc> = docs
            .into_par_iter()
            .map(|(mut doc, body_hash)| {
                let cleaned = ctx.cleaner.clean_document(&doc.body, doc.extracted);
                doc.body = String::new();
                // A dateline or byline fills what the container left empty.
                doc.published = doc.published.or(cleaned.published);
                doc.author = doc.author.take().or_else(|| cleaned.author.clone());
                CleanedDoc {
                    doc,
                    cleaned,
                    body_hash,
                }
            })
            .collect();
        let short: Vec<DocLines> = cleaned
            .par_iter()
            .map(|d| out.lines.short_lines(&d.cleaned))
            .collect();
        for (d, lines) in cleaned.iter().zip(&short) {
            out.lines.add(&site_group(&d.doc), lines);
        }
        out.documents += cleaned.len() as u64;
        if !cleaned.is_empty() {
            store.push(cleaned)?;
        }
        progress.advance(chunk.len() as u64);
    }
    Ok(out)
}

/// Reads `files` (of `sizes` bytes) on the pool's threads, the largest
/// first, and returns the reads in file order. In file order, a large page
/// met last would keep one thread reading while the others wait at the end
/// of the chunk.
fn read_largest_first(
    files: &[InputFile],
    sizes: &[u64],
    reader: &Reader,
) -> Vec<Result<FileRead, ReadError>> {
    let mut order: Vec<(u64, usize)> = sizes.iter().copied().zip(0..).collect();
    order.sort_unstable_by(|a, b| b.cmp(a));
    let mut read: Vec<(usize, Result<FileRead, ReadError>)> = order
        .par_iter()
        .map(|&(_, i)| (i, reader.read(&files[i])))
        .collect();
    read.sort_unstable_by_key(|(i, _)| *i);
    read.into_iter().map(|(_, r)| r).collect()
}

/// Consecutive runs of files (of `sizes` bytes) of about `bytes` input
/// bytes (at least one file).
pub fn chunk_files(sizes: &[u64], bytes: u64) -> Vec<std::ops::Range<usize>> {
    let mut chunks = Vec::new();
    let (mut start, mut size) = (0, 0u64);
    for (i, &len) in sizes.iter().enumerate() {
        if i > start && size + len > bytes {
            chunks.push(start..i);
            (start, size) = (i, 0);
        }
        size += len;
    }
    if start < sizes.len() {
        chunks.push(start..sizes.len());
    }
    chunks
}

/// Splits read results into manifest records (or skip reasons) and
/// documents, in file order.
fn collect_reads(
    files: &[InputFile],
    reads: Vec<Result<FileRead, ReadError>>,
    run: u32,
    out: &mut Scanned,
) -> Vec<Document> {
    let mut docs = Vec::new();
    for (file, read) in files.iter().zip(reads) {
        match read {
            Ok(read) => {
                out.inputs.push(InputRecord {
                    path: file.display.clone(),
                    run,
                    format: read.format.to_string(),
                    size: read.fingerprint.size,
                    mtime: read.fingerprint.mtime,
                    hash: read.fingerprint.hash,
                    recheck: read.fingerprint.recheck,
                    documents: read.documents.len() as u64,
                    repaired_utf8: read.repaired_utf8,
                    warnings: read.warnings,
                });
                docs.extend(read.documents);
            }
            Err(e) => out.skipped.push(SkippedInput {
                path: file.display.clone(),
                reason: e.to_string(),
            }),
        }
    }
    docs
}

/// The document as this run should take it, with the hash of its body, or
/// `None` when that very text was released before under its id. A record
/// whose text changed since its release is a new document (a revision) and
/// gets an id of its own, so ids stay unique across the release.
fn new_version(mut doc: Document, released: &ReleasedBodies) -> Option<(Document, u64)> {
    let hash = xxhash_rust::xxh3::xxh3_64(doc.body.as_bytes());
    if released.is_empty() {
        return Some((doc, hash));
    }
    match released.get(&doc.doc_id) {
        None => return Some((doc, hash)),
        Some(h) if h == hash => return None,
        Some(_) => {}
    }
    let revision = crate::document::revision_id(&doc.doc_id, hash);
    if released.get(&revision) == Some(hash) {
        return None;
    }
    doc.doc_id = revision;
    Some((doc, hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, body: &str) -> Document {
        Document {
            doc_id: id.to_string(),
            ..Document::new("f.jsonl", 0, body.to_string())
        }
    }

    #[test]
    fn a_record_read_again_is_new_only_if_its_text_changed() {
        let hash = |body: &str| xxhash_rust::xxh3::xxh3_64(body.as_bytes());
        let mut released = ReleasedBodies::default();
        released.insert("a", hash("old text"));
        // Never released: taken as it is.
        let (d, h) = new_version(doc("b", "text"), &released).unwrap();
        assert_eq!((d.doc_id.as_str(), h), ("b", hash("text")));
        // Released with this very text: not new.
        assert!(new_version(doc("a", "old text"), &released).is_none());
        // Revised: a new document under an id of its own...
        let (d, _) = new_version(doc("a", "new text"), &released).unwrap();
        let revision = crate::document::revision_id("a", hash("new text"));
        assert_eq!(d.doc_id, revision);
        // ...which is not new once released.
        released.insert(&revision, hash("new text"));
        assert!(new_version(doc("a", "new text"), &released).is_none());
    }
}
