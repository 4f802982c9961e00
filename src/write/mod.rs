//! write: pipeline results → Arrow record batches → Parquet tables + manifest.
//!
//! This module only lays data out in the schemas of [`schema`]; [`sink`] does
//! the atomic file handling. Rows are emitted in a fixed order (documents in
//! input order, mentions by document then offset, entities by key) so that the
//! bytes of every table depend only on the input and the config.

pub mod manifest;
pub mod schema;
pub mod sink;

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BooleanArray, Float64Array, ListArray, StringArray, StructArray,
    TimestampMicrosecondArray, UInt32Array,
};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;

use crate::dedup::Duplicate;
use crate::entities::Mention;
use crate::entity_table::{CanonicalRow, EntityRow, VariantTotals};
use crate::stages::Processed;
pub use sink::{DatasetSink, TableWriter, WriteError};

fn batch(
    table: &str,
    schema: SchemaRef,
    columns: Vec<ArrayRef>,
) -> Result<RecordBatch, WriteError> {
    RecordBatch::try_new(schema, columns).map_err(|source| WriteError::Arrow {
        table: table.to_string(),
        source,
    })
}

fn strings<'a>(values: impl Iterator<Item = &'a str>) -> ArrayRef {
    Arc::new(StringArray::from_iter_values(values))
}

fn opt_strings<'a>(values: impl Iterator<Item = Option<&'a str>>) -> ArrayRef {
    Arc::new(values.collect::<StringArray>())
}

fn u32s(values: impl Iterator<Item = u32>) -> ArrayRef {
    Arc::new(values.collect::<UInt32Array>())
}

fn f64s(values: impl Iterator<Item = f64>) -> ArrayRef {
    Arc::new(values.collect::<Float64Array>())
}

fn timestamps(values: impl Iterator<Item = Option<i64>>) -> ArrayRef {
    Arc::new(
        values
            .collect::<TimestampMicrosecondArray>()
            .with_timezone("UTC"),
    )
}

/// Dedup's verdict on one document.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Verdict {
    /// Hash of its normalized words, hex.
    pub content_hash: String,
    /// Its cluster id (its representative's doc_id).
    pub cluster_id: String,
    pub is_representative: bool,
}

/// `documents.parquet` rows, in input order; `verdicts[i]` is `docs[i]`'s.
pub fn documents_batch(
    docs: &[Processed],
    verdicts: &[&Verdict],
) -> Result<RecordBatch, WriteError> {
    let v = || verdicts.iter();
    let d = || docs.iter();
    batch(
        "documents",
        schema::documents(),
        vec![
            strings(d().map(|p| p.doc.doc_id.as_str())),
            strings(d().map(|p| p.doc.source.as_str())),
            u32s(d().map(|p| p.doc.record)),
            opt_strings(d().map(|p| p.doc.id.as_deref())),
            opt_strings(d().map(|p| p.doc.url.as_deref())),
            opt_strings(d().map(|p| p.doc.title.as_deref())),
            opt_strings(d().map(|p| p.doc.author.as_deref())),
            timestamps(d().map(|p| p.doc.published)),
            strings(d().map(|p| p.text.as_str())),
            u32s(d().map(|p| p.signals.n_words)),
            opt_strings(d().map(|p| p.signals.lang.as_deref())),
            f64s(d().map(|p| p.signals.lang_confidence)),
            f64s(d().map(|p| p.signals.alpha_share)),
            f64s(d().map(|p| p.signals.mean_line_len)),
            f64s(d().map(|p| p.signals.repetition)),
            f64s(d().map(|p| p.signals.stopword_share)),
            opt_strings(d().map(|p| p.signals.flag.as_deref())),
            strings(v().map(|v| v.content_hash.as_str())),
            strings(v().map(|v| v.cluster_id.as_str())),
            Arc::new(
                v().map(|v| Some(v.is_representative))
                    .collect::<BooleanArray>(),
            ),
        ],
    )
}

/// A `duplicates.parquet` row: a duplicate's doc_id, its representative's,
/// and how they relate.
pub type DuplicateRow<'a> = (&'a str, &'a str, &'a Duplicate);

/// `duplicates.parquet` rows, in document order.
pub fn duplicates_batch(rows: &[DuplicateRow<'_>]) -> Result<RecordBatch, WriteError> {
    batch(
        "duplicates",
        schema::duplicates(),
        vec![
            strings(rows.iter().map(|r| r.2.cluster_id.as_str())),
            strings(rows.iter().map(|r| r.0)),
            strings(rows.iter().map(|r| r.1)),
            strings(rows.iter().map(|r| r.2.kind.as_str())),
            f64s(rows.iter().map(|r| r.2.similarity)),
            strings(rows.iter().map(|r| r.2.test.as_str())),
        ],
    )
}

/// `mentions.parquet` rows: `mentions[i]` belong to `docs[i]`.
pub fn mentions_batch(
    docs: &[Processed],
    mentions: &[Vec<Mention>],
) -> Result<RecordBatch, WriteError> {
    let rows: Vec<(&Processed, &Mention)> = docs
        .iter()
        .zip(mentions)
        .flat_map(|(p, ms)| ms.iter().map(move |m| (p, m)))
        .collect();
    batch(
        "mentions",
        schema::mentions(),
        vec![
            strings(rows.iter().map(|r| r.0.doc.doc_id.as_str())),
            u32s(rows.iter().map(|r| r.1.start as u32)),
            u32s(rows.iter().map(|r| r.1.end as u32)),
            strings(rows.iter().map(|r| r.1.surface.as_str())),
            strings(rows.iter().map(|r| r.1.label.as_str())),
            strings(rows.iter().map(|r| r.1.entity_key.as_str())),
            opt_strings(
                rows.iter()
                    .map(|r| r.1.lang.or(r.0.signals.lang.as_deref())),
            ),
        ],
    )
}

/// `entities.parquet` rows, already sorted by key.
pub fn entities_batch(rows: &[EntityRow]) -> Result<RecordBatch, WriteError> {
    batch(
        "entities",
        schema::entities(),
        vec![
            strings(rows.iter().map(|r| r.entity_key.as_str())),
            strings(rows.iter().map(|r| r.label.as_str())),
            strings(rows.iter().map(|r| r.name.as_str())),
            opt_strings(rows.iter().map(|r| r.lang.as_deref())),
            u32s(rows.iter().map(|r| r.n_docs)),
            u32s(rows.iter().map(|r| r.n_mentions)),
            timestamps(rows.iter().map(|r| r.first_seen)),
            timestamps(rows.iter().map(|r| r.last_seen)),
            strings(rows.iter().map(|r| r.canonical_key.as_str())),
            strings(rows.iter().map(|r| r.canonical_name.as_str())),
        ],
    )
}

/// `canonical_entities.parquet` rows, already sorted by canonical key.
pub fn canonical_entities_batch(rows: &[CanonicalRow]) -> Result<RecordBatch, WriteError> {
    let variants: Vec<&VariantTotals> = rows.iter().flat_map(|r| &r.variants).collect();
    let items = StructArray::new(
        schema::variant_fields(),
        vec![
            strings(variants.iter().map(|v| v.entity_key.as_str())),
            strings(variants.iter().map(|v| v.name.as_str())),
            opt_strings(variants.iter().map(|v| v.lang.as_deref())),
            u32s(variants.iter().map(|v| v.n_docs)),
            u32s(variants.iter().map(|v| v.n_mentions)),
        ],
        None,
    );
    let list = ListArray::new(
        Arc::new(arrow::datatypes::Field::new(
            "item",
            items.data_type().clone(),
            false,
        )),
        OffsetBuffer::from_lengths(rows.iter().map(|r| r.variants.len())),
        Arc::new(items),
        None,
    );
    batch(
        "canonical_entities",
        schema::canonical_entities(),
        vec![
            strings(rows.iter().map(|r| r.canonical_key.as_str())),
            strings(rows.iter().map(|r| r.label.as_str())),
            strings(rows.iter().map(|r| r.name.as_str())),
            u32s(rows.iter().map(|r| r.n_docs)),
            u32s(rows.iter().map(|r| r.n_mentions)),
            timestamps(rows.iter().map(|r| r.first_seen)),
            timestamps(rows.iter().map(|r| r.last_seen)),
            Arc::new(list),
        ],
    )
}

/// `boilerplate.parquet` rows, by document then line.
pub fn boilerplate_batch(docs: &[Processed]) -> Result<RecordBatch, WriteError> {
    let rows: Vec<(&str, &crate::clean::RemovedLine)> = docs
        .iter()
        .flat_map(|p| p.removed.iter().map(move |r| (p.doc.doc_id.as_str(), r)))
        .collect();
    batch(
        "boilerplate",
        schema::boilerplate(),
        vec![
            strings(rows.iter().map(|r| r.0)),
            u32s(rows.iter().map(|r| r.1.line_no)),
            strings(rows.iter().map(|r| r.1.text.as_str())),
            strings(rows.iter().map(|r| r.1.reason.as_str())),
        ],
    )
}

/// Writes `bytes` to `path` through a temporary file (`path` + `.tmp`),
/// flushed to disk, and a rename, so a reader sees the old file or the whole
/// new one, never a part. When a step after its creation fails (a full
/// disk) the temporary file is removed: nothing of the attempt is left, and
/// nothing gleaner did not create is touched.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = std::path::PathBuf::from(tmp);
    let mut file = std::fs::File::create(&tmp)?;
    // From here the temporary file is ours: removed if the write fails.
    let written = std::io::Write::write_all(&mut file, bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_failed_atomic_write_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("manifest.json");
        super::write_atomically(&path, b"one").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        // The rename fails: a non-empty directory stands where the file goes.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir_all(blocked.join("inside")).unwrap();
        assert!(super::write_atomically(&blocked, b"two").is_err());
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["blocked", "manifest.json"]);
    }
}
