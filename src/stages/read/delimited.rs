//! CSV and TSV: one document per row, its columns named by the header row
//! and read with the `[read.jsonl]` field names (and their other names:
//! `content`, `date`, `link`, …), as a JSON record with those keys would
//! be.
//!
//! News datasets are often shared as CSV (a Kaggle export, a pandas
//! `to_csv`: `id,title,publication,author,date,url,content`). Read as
//! plain text, such a file became one document holding every article,
//! commas and quotes included: wrong data, not a skip. Rows are parsed by
//! the `csv` crate (quoted fields with commas, quotes and line breaks
//! inside), a broken row costs that row, and the header's names say which
//! column holds the text.

use serde_json::{Map, Value};

use super::jsonl::{JsonlFields, Records};
use crate::document::Document;

/// The documents of `text`, a CSV (`delimiter` `b','`) or TSV (`b'\t'`)
/// file with a header row; `record` is the row's index after the header.
pub fn read_delimited(
    source: &str,
    text: &str,
    delimiter: u8,
    fields: &JsonlFields,
    warnings: &mut Vec<String>,
) -> Vec<Document> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(e) => {
            warnings.push(format!("the header row does not parse: {e}"));
            return Vec::new();
        }
    };
    let first_warning = warnings.len();
    let mut records = Records::new(source, fields);
    let mut documents = Vec::new();
    let mut row = csv::StringRecord::new();
    for index in 0u32.. {
        let label = format!("row {}", index + 1);
        match reader.read_record(&mut row) {
            Ok(false) => break,
            Ok(true) => {
                // Empty cells are absent fields, so a column's other
                // names are looked for as in a JSON record without it.
                let value: Map<String, Value> = headers
                    .iter()
                    .zip(row.iter())
                    .filter(|(_, cell)| !cell.trim().is_empty())
                    .map(|(name, cell)| (name.trim().to_string(), Value::String(cell.to_string())))
                    .collect();
                records.read(
                    index,
                    &Value::Object(value),
                    &label,
                    warnings,
                    &mut documents,
                );
            }
            Err(e) => {
                warnings.push(format!("{label}: {e}; skipped"));
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
            }
        }
    }
    records.note(&documents, first_warning, warnings);
    documents
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, delimiter: u8) -> (Vec<Document>, Vec<String>) {
        let mut warnings = Vec::new();
        let docs = read_delimited(
            "a.csv",
            text,
            delimiter,
            &JsonlFields::default(),
            &mut warnings,
        );
        (docs, warnings)
    }

    #[test]
    fn a_row_is_a_document_with_its_columns_as_fields() {
        let text = "id,title,date,url,content\n\
                    1,First,2017-01-02,http://a.kz/1,\"The council met, and agreed.\nA second paragraph with \"\"quotes\"\".\"\n\
                    2,Second,,http://a.kz/2,Another story.\n\
                    3,No text,2017-01-04,http://a.kz/3,\n";
        let (docs, warnings) = read(text, b',');
        assert_eq!(docs.len(), 2, "{warnings:?}");
        assert_eq!(
            docs[0].body,
            "The council met, and agreed.\nA second paragraph with \"quotes\"."
        );
        assert_eq!(docs[0].id.as_deref(), Some("1"));
        assert_eq!(docs[0].url.as_deref(), Some("http://a.kz/1"));
        assert_eq!(docs[0].title.as_deref(), Some("First"));
        assert!(docs[0].published.is_some());
        assert_eq!((docs[1].record, docs[1].published), (1, None));
        assert!(
            warnings.iter().any(|w| w.contains("`content` read as it")),
            "{warnings:?}"
        );
        assert!(
            warnings
                .iter()
                .any(|w| w.starts_with("row 3: no string field `text`")),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_tsv_reads_the_same() {
        let (docs, _) = read("text\turl\nA story.\thttp://a.kz/1\n", b'\t');
        assert_eq!(docs[0].body, "A story.");
        assert_eq!(docs[0].url.as_deref(), Some("http://a.kz/1"));
    }
}
