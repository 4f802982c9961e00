//! Parquet: one document per row, its columns read with the `[read.jsonl]`
//! field names (and their other names: `content`, `date`, `metadata.url`,
//! …), as a JSON record with those keys would be.
//!
//! The corpora users would otherwise give datatrove or NeMo Curator are
//! Parquet shards: FineWeb (`text`, `id`, `url`, `date`), C4's and
//! RedPajama's conversions, a pandas or polars `to_parquet` of scraped
//! articles, gleaner's own `documents.parquet`. Before, such a file was
//! refused as binary and the user told to convert it to JSONL first.
//!
//! Read by the `parquet` crate's Arrow reader a row group at a time, so a
//! corrupt row group costs its rows, with a warning, not the file. Only
//! columns that can hold a field are decoded: binary columns and lists of
//! numbers (embeddings) are left on disk. The file cap
//! (`read.max_file_bytes`) bounds the uncompressed size of the columns
//! read, checked from the footer before any page is, and again on the
//! values as they are decoded (a footer may lie).

use std::fs::File;

use ::parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use ::parquet::arrow::ProjectionMask;
use arrow::array::{Array, ArrayRef, AsArray};
use arrow::datatypes::{
    DataType, Date32Type, Date64Type, Field, Float32Type, Float64Type, Int16Type, Int32Type,
    Int64Type, Int8Type, TimeUnit, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use serde_json::{Map, Number, Value};

use super::jsonl::{JsonlFields, Records};
use super::{Limits, ReadError};
use crate::document::Document;

/// Rows decoded at a time: small enough that a batch of long texts is a
/// few MB, large enough that per-batch work does not show.
const BATCH_ROWS: usize = 1024;

/// The documents of the Parquet file `file` (`source` names it): one per
/// row that has a text. `record` is the row's index in the file.
pub fn read_parquet(
    source: &str,
    file: &File,
    fields: &JsonlFields,
    limits: Limits,
    warnings: &mut Vec<String>,
) -> Result<Vec<Document>, ReadError> {
    let unreadable = |e: &dyn std::fmt::Display| ReadError::Parquet(e.to_string());
    let handle = || file.try_clone().map_err(|e| ReadError::Io(e.to_string()));
    let metadata = ArrowReaderMetadata::load(&handle()?, ArrowReaderOptions::new())
        .map_err(|e| unreadable(&e))?;
    let parquet = metadata.metadata();
    let wanted: Vec<usize> = (0..metadata.schema().fields().len())
        .filter(|&i| {
            let field = metadata.schema().field(i);
            holds_fields(field.data_type()) || named_bytes(field, fields)
        })
        .collect();
    if wanted.is_empty() {
        return Err(ReadError::NoDocuments(
            "no column of text, numbers or dates".into(),
        ));
    }
    let mask = ProjectionMask::roots(parquet.file_metadata().schema_descr(), wanted);
    let uncompressed: i64 = parquet
        .row_groups()
        .iter()
        .flat_map(|group| group.columns().iter().enumerate())
        .filter(|(leaf, _)| mask.leaf_included(*leaf))
        .map(|(_, column)| column.uncompressed_size().max(0))
        .sum();
    if uncompressed as u64 > limits.file {
        return Err(ReadError::TooLarge(format!(
            "{uncompressed} bytes of Parquet columns uncompressed, over read.max_file_bytes ({})",
            limits.file
        )));
    }
    let first_warning = warnings.len();
    let mut records = Records::new(source, fields);
    let mut documents = Vec::new();
    let mut decoded = 0u64;
    let mut row = 0u64;
    for group in 0..parquet.num_row_groups() {
        let rows = parquet.row_group(group).num_rows().max(0) as u64;
        let reader =
            ParquetRecordBatchReaderBuilder::new_with_metadata(handle()?, metadata.clone())
                .with_projection(mask.clone())
                .with_row_groups(vec![group])
                .with_batch_size(BATCH_ROWS)
                .build();
        let mut done = 0u64;
        let failed = match reader {
            Err(e) => Some(e.to_string()),
            Ok(reader) => {
                let mut failed = None;
                for batch in reader {
                    let batch = match batch {
                        Ok(batch) => batch,
                        Err(e) => {
                            failed = Some(e.to_string());
                            break;
                        }
                    };
                    let names = batch.schema();
                    let mut columns: Vec<(&str, Vec<Option<Value>>)> = names
                        .fields()
                        .iter()
                        .zip(batch.columns())
                        .filter_map(|(field, array)| Some((field.name().as_str(), values(array)?)))
                        .collect();
                    decoded += columns
                        .iter()
                        .flat_map(|(_, values)| values.iter().flatten())
                        .map(json_size)
                        .sum::<u64>();
                    if decoded > limits.file {
                        return Err(ReadError::TooLarge(format!(
                            "Parquet values decoded past read.max_file_bytes ({}) at row {}",
                            limits.file,
                            row + done + 1
                        )));
                    }
                    for i in 0..batch.num_rows() {
                        let record: Map<String, Value> = columns
                            .iter_mut()
                            .filter_map(|(name, values)| {
                                Some((name.to_string(), values[i].take()?))
                            })
                            .collect();
                        let index = u32::try_from(row + done).unwrap_or(u32::MAX);
                        let label = format!("row {}", row + done + 1);
                        records.read(
                            index,
                            &Value::Object(record),
                            &label,
                            warnings,
                            &mut documents,
                        );
                        done += 1;
                    }
                }
                failed
            }
        };
        if let Some(e) = failed {
            warnings.push(format!(
                "row group {} (rows {}-{}): {e}; its {} rows after the first {done} skipped",
                group + 1,
                row + 1,
                row + rows,
                rows.saturating_sub(done),
            ));
        }
        row += rows;
    }
    records.note(&documents, first_warning, warnings);
    Ok(documents)
}

/// A column of bytes under a field's name: Spark and Hive wrote strings
/// as bytes without saying so (`binaryAsString`), so `text` may be one.
/// Read as text where its bytes are UTF-8; other bytes columns (images,
/// raw pages in other encodings) stay on disk.
fn named_bytes(field: &Field, fields: &JsonlFields) -> bool {
    matches!(
        field.data_type(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView
    ) && fields.reads_key(field.name())
}

/// Whether a column of this type can hold a field worth decoding: not
/// bytes, not a list of numbers (an embedding), not a map.
fn holds_fields(data_type: &DataType) -> bool {
    match data_type {
        DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_)
        | DataType::FixedSizeList(..)
        | DataType::Map(..)
        | DataType::Union(..)
        | DataType::Null => false,
        DataType::List(item) | DataType::LargeList(item) | DataType::ListView(item) => {
            matches!(
                item.data_type(),
                DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Struct(_)
            ) && holds_fields(item.data_type())
        }
        DataType::Struct(children) => children.iter().any(|f| holds_fields(f.data_type())),
        _ => true,
    }
}

/// The values of a column as JSON, a row each (`None` for a null, or
/// bytes that are not UTF-8), or `None` for a column of a type
/// [`holds_fields`] leaves out (bytes are read only where
/// [`named_bytes`] projected them, or inside a struct).
fn values(array: &ArrayRef) -> Option<Vec<Option<Value>>> {
    let rows = array.len();
    let present = |i: usize| array.is_valid(i);
    let column = match array.data_type() {
        DataType::Binary => utf8(array.as_binary::<i32>().iter()),
        DataType::LargeBinary => utf8(array.as_binary::<i64>().iter()),
        DataType::BinaryView => utf8(array.as_binary_view().iter()),
        t if !holds_fields(t) => return None,
        DataType::Utf8 => strings(array.as_string::<i32>().iter()),
        DataType::LargeUtf8 => strings(array.as_string::<i64>().iter()),
        DataType::Utf8View => strings(array.as_string_view().iter()),
        DataType::Boolean => array
            .as_boolean()
            .iter()
            .map(|b| b.map(Value::Bool))
            .collect(),
        DataType::Int8 => numbers(array.as_primitive::<Int8Type>().iter()),
        DataType::Int16 => numbers(array.as_primitive::<Int16Type>().iter()),
        DataType::Int32 => numbers(array.as_primitive::<Int32Type>().iter()),
        DataType::Int64 => numbers(array.as_primitive::<Int64Type>().iter()),
        DataType::UInt8 => numbers(array.as_primitive::<UInt8Type>().iter()),
        DataType::UInt16 => numbers(array.as_primitive::<UInt16Type>().iter()),
        DataType::UInt32 => numbers(array.as_primitive::<UInt32Type>().iter()),
        DataType::UInt64 => numbers(array.as_primitive::<UInt64Type>().iter()),
        DataType::Float32 => floats(
            array
                .as_primitive::<Float32Type>()
                .iter()
                .map(|v| v.map(f64::from)),
        ),
        DataType::Float64 => floats(array.as_primitive::<Float64Type>().iter()),
        DataType::Struct(children) => {
            let structs = array.as_struct();
            let mut columns: Vec<(&Field, Vec<Option<Value>>)> = children
                .iter()
                .zip(structs.columns())
                .filter_map(|(field, child)| Some((field.as_ref(), values(child)?)))
                .collect();
            (0..rows)
                .map(|i| {
                    present(i).then(|| {
                        Value::Object(
                            columns
                                .iter_mut()
                                .filter_map(|(f, v)| Some((f.name().clone(), v[i].take()?)))
                                .collect(),
                        )
                    })
                })
                .collect()
        }
        // As ISO 8601 in UTC, whatever the zone the column names: Arrow's
        // own text needs a zone database for names such as "UTC".
        DataType::Timestamp(unit, _) => {
            let per_second: i64 = match unit {
                TimeUnit::Second => 1,
                TimeUnit::Millisecond => 1_000,
                TimeUnit::Microsecond => 1_000_000,
                TimeUnit::Nanosecond => 1_000_000_000,
            };
            let ticks = array.to_data();
            let ticks = arrow::array::Int64Array::from(
                ticks
                    .into_builder()
                    .data_type(DataType::Int64)
                    .build()
                    .ok()?,
            );
            ticks
                .iter()
                .map(|t| {
                    let t = t?;
                    let (seconds, rest) = (t.div_euclid(per_second), t.rem_euclid(per_second));
                    let nanos = rest * (1_000_000_000 / per_second);
                    let time = chrono::DateTime::from_timestamp(seconds, nanos as u32)?;
                    Some(Value::String(
                        time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                    ))
                })
                .collect()
        }
        DataType::List(_) => items(array.as_list::<i32>().iter()),
        DataType::LargeList(_) => items(array.as_list::<i64>().iter()),
        DataType::Date32 => dates(
            array
                .as_primitive::<Date32Type>()
                .iter()
                .map(|d| d.map(|days| i64::from(days) * 86_400_000)),
        ),
        DataType::Date64 => dates(array.as_primitive::<Date64Type>().iter()),
        // Categories (pandas' `category`, polars' `Categorical`): each
        // row the value its key names.
        DataType::Dictionary(..) => {
            let dictionary = array.as_any_dictionary();
            let known = values(dictionary.values())?;
            let keys = dictionary.normalized_keys();
            (0..rows)
                .map(|i| {
                    present(i)
                        .then(|| known.get(keys[i]).cloned().flatten())
                        .flatten()
                })
                .collect()
        }
        _ => return None,
    };
    Some(column)
}

fn numbers<T: Into<Value>>(values: impl Iterator<Item = Option<T>>) -> Vec<Option<Value>> {
    values.map(|v| v.map(Into::into)).collect()
}

fn floats(values: impl Iterator<Item = Option<f64>>) -> Vec<Option<Value>> {
    values
        .map(|v| v.and_then(Number::from_f64).map(Value::Number))
        .collect()
}

/// Dates as ISO 8601 days, from milliseconds since the epoch.
fn dates(values: impl Iterator<Item = Option<i64>>) -> Vec<Option<Value>> {
    values
        .map(|ms| {
            let day = chrono::DateTime::from_timestamp_millis(ms?)?.date_naive();
            Some(Value::String(day.format("%Y-%m-%d").to_string()))
        })
        .collect()
}

/// Bytes as text where they are UTF-8, else absent.
fn utf8<'a>(values: impl Iterator<Item = Option<&'a [u8]>>) -> Vec<Option<Value>> {
    values
        .map(|b| Some(Value::String(std::str::from_utf8(b?).ok()?.to_string())))
        .collect()
}

fn strings<'a>(values: impl Iterator<Item = Option<&'a str>>) -> Vec<Option<Value>> {
    values
        .map(|s| s.map(|s| Value::String(s.to_string())))
        .collect()
}

/// A list column's rows, each an array of its items' values.
fn items(lists: impl Iterator<Item = Option<ArrayRef>>) -> Vec<Option<Value>> {
    lists
        .map(|list| {
            let list = list?;
            let items = values(&list)?;
            Some(Value::Array(items.into_iter().flatten().collect()))
        })
        .collect()
}

/// About how many bytes a decoded value holds: its strings' lengths and
/// a few bytes for anything else.
fn json_size(value: &Value) -> u64 {
    match value {
        Value::String(s) => s.len() as u64,
        Value::Array(items) => items.iter().map(json_size).sum(),
        Value::Object(map) => map.iter().map(|(k, v)| k.len() as u64 + json_size(v)).sum(),
        _ => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use ::parquet::arrow::ArrowWriter;
    use ::parquet::basic::{Compression, ZstdLevel};
    use ::parquet::file::properties::WriterProperties;
    use arrow::array::{
        Date32Array, DictionaryArray, Int64Array, ListBuilder, StringArray, StringBuilder,
        StructArray, TimestampMicrosecondArray,
    };
    use arrow::datatypes::Schema;
    use arrow::record_batch::RecordBatch;

    const LIMITS: Limits = Limits {
        file: 1 << 20,
        document: 1 << 16,
    };

    /// A Parquet file of `batches` (one row group each), compressed by `codec`.
    fn write(batches: &[RecordBatch], codec: Compression) -> tempfile::NamedTempFile {
        let out = tempfile::NamedTempFile::new().unwrap();
        let properties = WriterProperties::builder()
            .set_compression(codec)
            .set_max_row_group_row_count(Some(2))
            .build();
        let mut writer =
            ArrowWriter::try_new(out.reopen().unwrap(), batches[0].schema(), Some(properties))
                .unwrap();
        for batch in batches {
            writer.write(batch).unwrap();
        }
        writer.close().unwrap();
        out
    }

    fn read(
        file: &tempfile::NamedTempFile,
        limits: Limits,
    ) -> (Result<Vec<Document>, ReadError>, Vec<String>) {
        let mut warnings = Vec::new();
        let documents = read_parquet(
            "a.parquet",
            file.as_file(),
            &JsonlFields::default(),
            limits,
            &mut warnings,
        );
        (documents, warnings)
    }

    /// Some warning starts with `start`.
    /// `columns` as one row group written with snappy, read back: the
    /// documents (the read must succeed) and the warnings.
    fn documents_of(columns: Vec<(&str, ArrayRef)>) -> (Vec<Document>, Vec<String>) {
        let batch = RecordBatch::try_from_iter(columns).unwrap();
        let file = write(&[batch], Compression::SNAPPY);
        let (documents, warnings) = read(&file, LIMITS);
        (documents.unwrap(), warnings)
    }

    fn assert_said(warnings: &[String], start: &str) {
        assert!(
            warnings.iter().any(|w| w.starts_with(start)),
            "{start} in {warnings:?}"
        );
    }

    /// FineWeb's columns (text, id, url, a timestamp), an embedding and a
    /// Dolma-like `metadata` struct.
    fn fineweb_like() -> RecordBatch {
        let text = StringArray::from(vec![
            Some("The council met on Tuesday and agreed the budget."),
            None,
            Some("Astana hosted the talks.\n\nA second paragraph."),
        ]);
        let id = Int64Array::from(vec![7, 8, 9]);
        let date = TimestampMicrosecondArray::from(vec![
            Some(1_561_507_200_000_000),
            None,
            Some(1_671_062_400_000_000),
        ])
        .with_timezone("UTC");
        let mut embedding = ListBuilder::new(arrow::array::Float32Builder::new());
        for _ in 0..3 {
            embedding.values().append_slice(&[0.5, 0.25]);
            embedding.append(true);
        }
        let url = StringArray::from(vec!["http://a.kz/1", "http://a.kz/2", "http://a.kz/3"]);
        let metadata = StructArray::from(vec![(
            Arc::new(Field::new("url", DataType::Utf8, true)),
            Arc::new(url) as ArrayRef,
        )]);
        let columns: Vec<(&str, ArrayRef)> = vec![
            ("text", Arc::new(text)),
            ("id", Arc::new(id)),
            ("date", Arc::new(date)),
            ("embedding", Arc::new(embedding.finish())),
            ("metadata", Arc::new(metadata)),
        ];
        RecordBatch::try_from_iter(columns).unwrap()
    }

    #[test]
    fn a_row_is_a_document_under_the_fields_other_names() {
        for codec in [
            Compression::SNAPPY,
            Compression::ZSTD(ZstdLevel::default()),
            Compression::GZIP(Default::default()),
            Compression::LZ4_RAW,
            Compression::UNCOMPRESSED,
        ] {
            let file = write(&[fineweb_like()], codec);
            let (documents, warnings) = read(&file, LIMITS);
            let documents = documents.unwrap();
            assert_eq!(documents.len(), 2, "{codec:?} {warnings:?}");
            let first = &documents[0];
            assert_eq!(
                first.body,
                "The council met on Tuesday and agreed the budget."
            );
            assert_eq!(first.id.as_deref(), Some("7"));
            assert_eq!(first.url.as_deref(), Some("http://a.kz/1"));
            assert_eq!(
                first.published,
                Some(1_561_507_200_000_000),
                "2019-06-26 from the timestamp column {warnings:?}"
            );
            assert_eq!(
                (documents[1].record, documents[1].id.as_deref()),
                (2, Some("9"))
            );
            assert_said(&warnings, "row 2: no string field `text`");
        }
    }

    #[test]
    fn the_file_cap_is_checked_before_the_pages_are_read() {
        let file = write(&[fineweb_like()], Compression::SNAPPY);
        let tiny = Limits {
            file: 64,
            document: 64,
        };
        let (documents, _) = read(&file, tiny);
        let Err(ReadError::TooLarge(why)) = documents else {
            panic!("{documents:?}")
        };
        assert!(why.contains("read.max_file_bytes"), "{why}");
    }

    #[test]
    fn a_text_given_as_a_list_of_paragraphs_and_other_column_names() {
        let mut paragraphs = ListBuilder::new(StringBuilder::new());
        paragraphs.values().append_value("First paragraph.");
        paragraphs.values().append_value("Second paragraph.");
        paragraphs.append(true);
        let link = StringArray::from(vec!["http://a.kz/p"]);
        // A category column (pandas' `category`) and a date of days.
        let title: DictionaryArray<Int32Type> = vec!["Budget"].into_iter().collect();
        let day = Date32Array::from(vec![18_073]);
        let (documents, warnings) = documents_of(vec![
            ("content", Arc::new(paragraphs.finish()) as ArrayRef),
            ("link", Arc::new(link) as ArrayRef),
            ("title", Arc::new(title) as ArrayRef),
            ("date", Arc::new(day) as ArrayRef),
        ]);
        assert_eq!(documents[0].body, "First paragraph.\n\nSecond paragraph.");
        assert_eq!(documents[0].url.as_deref(), Some("http://a.kz/p"));
        assert_eq!(documents[0].title.as_deref(), Some("Budget"));
        assert_eq!(documents[0].published, Some(1_561_507_200_000_000));
        assert!(
            warnings.iter().any(|w| w.contains("`content` read as it")),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_corrupt_row_group_costs_its_rows_not_the_file() {
        let file = write(&[fineweb_like(), fineweb_like()], Compression::UNCOMPRESSED);
        // The second row group's text pages, overwritten.
        let metadata =
            ArrowReaderMetadata::load(file.as_file(), ArrowReaderOptions::new()).unwrap();
        let text = metadata.metadata().row_group(1).column(0);
        let (start, length) = text.byte_range();
        let mut bytes = std::fs::read(file.path()).unwrap();
        bytes[start as usize..(start + length) as usize].fill(0xff);
        std::fs::write(file.path(), bytes).unwrap();
        let (documents, warnings) = read(&file, LIMITS);
        let documents = documents.unwrap();
        assert_said(&warnings, "row group 2 (rows 3-4)");
        assert!(
            documents.iter().all(|d| d.record < 2 || d.record >= 4),
            "{documents:?}"
        );
        assert!(documents.iter().any(|d| d.record == 0), "{documents:?}");
        assert!(documents.iter().any(|d| d.record >= 4), "{documents:?}");
    }

    #[test]
    fn a_text_stored_as_bytes_is_read_where_it_is_utf8() {
        let text = arrow::array::BinaryArray::from(vec![
            "Spark wrote this text as bytes.".as_bytes(),
            b"\xff\xfe not UTF-8",
        ]);
        let image = arrow::array::BinaryArray::from(vec![&b"\x89PNG"[..], b"\x89PNG"]);
        let (documents, warnings) = documents_of(vec![
            ("text", Arc::new(text) as ArrayRef),
            ("image", Arc::new(image) as ArrayRef),
        ]);
        assert_eq!(documents.len(), 1, "{warnings:?}");
        assert_eq!(documents[0].body, "Spark wrote this text as bytes.");
        assert_said(&warnings, "row 2: no string field `text`");
    }

    #[test]
    fn a_file_of_numbers_only_says_so() {
        let mut vectors = ListBuilder::new(arrow::array::Float32Builder::new());
        vectors.values().append_slice(&[1.0, 2.0]);
        vectors.append(true);
        let batch = RecordBatch::try_new(
            Arc::new(Schema::new(vec![Field::new(
                "embedding",
                DataType::new_list(DataType::Float32, true),
                true,
            )])),
            vec![Arc::new(vectors.finish())],
        )
        .unwrap();
        let file = write(&[batch], Compression::SNAPPY);
        let (documents, _) = read(&file, LIMITS);
        assert!(
            matches!(documents, Err(ReadError::NoDocuments(_))),
            "{documents:?}"
        );
    }
}
