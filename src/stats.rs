//! `gleaner stats`: a summary of a dataset's tables.
//!
//! The tables are read with the Parquet reader gleaner already uses for
//! writing; the summaries are small group-bys over a few columns, done with
//! maps and printed as aligned text tables. (A data-frame library did this
//! once and was most of the binary.) The result is text, returned to the
//! caller to print.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use arrow::array::{Array, AsArray};
use arrow::datatypes::{ArrowPrimitiveType, Float64Type, UInt32Type};
use arrow::record_batch::RecordBatch;

/// Rows shown per label in "top entities".
const TOP_PER_LABEL: usize = 5;

/// Why stats could not be computed.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct StatsError {
    path: String,
    message: String,
}

/// One table of a dataset: every partition the manifest lists, as batches.
struct Table {
    name: &'static str,
    batches: Vec<RecordBatch>,
}

impl Table {
    fn read(dataset: &Path, name: &'static str) -> Result<Table, StatsError> {
        let manifest =
            crate::write::manifest::Manifest::load(dataset).map_err(|message| StatsError {
                path: dataset.display().to_string(),
                message,
            })?;
        let mut batches = Vec::new();
        for file in manifest.table_files(dataset, name) {
            batches.extend(crate::state::read_batches(&file).map_err(|e| StatsError {
                path: file.display().to_string(),
                message: e.message,
            })?);
        }
        Ok(Table { name, batches })
    }

    fn rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    /// The arrays of column `name`, one per batch.
    fn column(&self, name: &str) -> Result<Vec<&dyn Array>, StatsError> {
        self.batches
            .iter()
            .map(|b| {
                b.column_by_name(name)
                    .map(|a| a.as_ref())
                    .ok_or_else(|| StatsError {
                        path: self.name.to_string(),
                        message: format!("no column {name}"),
                    })
            })
            .collect()
    }

    /// Column `name` as strings (`null` for nulls).
    fn strings(&self, name: &str) -> Result<Vec<String>, StatsError> {
        let mut out = Vec::with_capacity(self.rows());
        for a in self.column(name)? {
            let a = a
                .as_string_opt::<i32>()
                .ok_or_else(|| self.bad_type(name))?;
            out.extend(a.iter().map(|v| v.unwrap_or("null").to_string()));
        }
        Ok(out)
    }

    /// Column `name` as values of Arrow type `T` (`None` for nulls).
    fn primitives<T: ArrowPrimitiveType>(
        &self,
        name: &str,
    ) -> Result<Vec<Option<T::Native>>, StatsError> {
        let mut out = Vec::with_capacity(self.rows());
        for a in self.column(name)? {
            let a = a
                .as_primitive_opt::<T>()
                .ok_or_else(|| self.bad_type(name))?;
            out.extend(a.iter());
        }
        Ok(out)
    }

    fn u32s(&self, name: &str) -> Result<Vec<u64>, StatsError> {
        let values = self.primitives::<UInt32Type>(name)?;
        Ok(values.into_iter().map(|v| v.unwrap_or(0) as u64).collect())
    }

    /// The length of each list of list column `name`.
    fn list_lengths(&self, name: &str) -> Result<Vec<usize>, StatsError> {
        let mut out = Vec::with_capacity(self.rows());
        for a in self.column(name)? {
            let a = a.as_list_opt::<i32>().ok_or_else(|| self.bad_type(name))?;
            out.extend(a.value_offsets().windows(2).map(|w| (w[1] - w[0]) as usize));
        }
        Ok(out)
    }

    fn f64s(&self, name: &str) -> Result<Vec<f64>, StatsError> {
        let values = self.primitives::<Float64Type>(name)?;
        Ok(values.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect())
    }

    fn bools(&self, name: &str) -> Result<Vec<bool>, StatsError> {
        let mut out = Vec::with_capacity(self.rows());
        for a in self.column(name)? {
            let a = a.as_boolean_opt().ok_or_else(|| self.bad_type(name))?;
            out.extend(a.iter().map(|v| v.unwrap_or(false)));
        }
        Ok(out)
    }

    fn bad_type(&self, column: &str) -> StatsError {
        StatsError {
            path: self.name.to_string(),
            message: format!("column {column} has an unexpected type"),
        }
    }
}

/// A text table: a header line, then rows; numbers right-aligned.
fn render(out: &mut String, title: &str, header: &[&str], rows: &[Vec<String>]) {
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let numeric: Vec<bool> = (0..header.len())
        .map(|c| {
            rows.iter()
                .all(|r| r[c].parse::<f64>().is_ok() || r[c] == "NaN")
        })
        .collect();
    let line = |cells: &mut dyn Iterator<Item = (usize, &str)>| {
        let text: Vec<String> = cells
            .map(|(c, cell)| {
                if numeric[c] {
                    format!("{cell:>w$}", w = width[c])
                } else {
                    format!("{cell:<w$}", w = width[c])
                }
            })
            .collect();
        text.join("  ").trim_end().to_string()
    };
    let _ = writeln!(out, "{title}");
    let _ = writeln!(out, "{}", line(&mut header.iter().copied().enumerate()));
    for row in rows {
        let _ = writeln!(
            out,
            "{}",
            line(&mut row.iter().map(String::as_str).enumerate())
        );
    }
    let _ = writeln!(out);
}

/// The text summary of a dataset directory.
pub fn summarize(dataset: &Path) -> Result<String, StatsError> {
    let documents = Table::read(dataset, "documents")?;
    let duplicates = Table::read(dataset, "duplicates")?;
    let mentions = Table::read(dataset, "mentions")?;
    let entities = Table::read(dataset, "entities")?;
    let canonical = Table::read(dataset, "canonical_entities")?;
    let boilerplate = Table::read(dataset, "boilerplate")?;
    let mut out = String::new();
    let _ = writeln!(out, "dataset {}", dataset.display());
    let _ = writeln!(
        out,
        "rows: documents {}, duplicates {}, mentions {}, entities {} ({} canonical), boilerplate {}\n",
        documents.rows(),
        duplicates.rows(),
        mentions.rows(),
        entities.rows(),
        canonical.rows(),
        boilerplate.rows()
    );
    if documents.rows() > 0 {
        let mut by_lang: BTreeMap<String, [u64; 3]> = BTreeMap::new();
        let (words, reps) = (
            documents.u32s("n_words")?,
            documents.bools("is_representative")?,
        );
        for ((lang, words), rep) in documents.strings("lang")?.into_iter().zip(words).zip(reps) {
            let t = by_lang.entry(lang).or_default();
            t[0] += 1;
            t[1] += words;
            t[2] += rep as u64;
        }
        // Whether its names were tagged (documents of an unknown language
        // are, when mostly in Latin letters: the English model's).
        let name_model = |lang: &str| {
            match crate::entities::ner::Language::of(lang) {
                Some(_) => "yes",
                None if lang == "null" => "if Latin",
                None => "no",
            }
            .to_string()
        };
        let rows: Vec<Vec<String>> = by_lang
            .into_iter()
            .map(|(lang, t)| {
                let names = name_model(&lang);
                vec![
                    lang,
                    t[0].to_string(),
                    t[1].to_string(),
                    t[2].to_string(),
                    names,
                ]
            })
            .collect();
        let header = [
            "lang",
            "documents",
            "words",
            "representatives",
            "name_model",
        ];
        render(&mut out, "documents by language", &header, &rows);
    }
    if duplicates.rows() > 0 {
        let mut by_kind: BTreeMap<String, (u64, BTreeSet<String>, f64)> = BTreeMap::new();
        let (clusters, similarity) = (
            duplicates.strings("cluster_id")?,
            duplicates.f64s("similarity")?,
        );
        for ((kind, cluster), s) in duplicates
            .strings("kind")?
            .into_iter()
            .zip(clusters)
            .zip(similarity)
        {
            let t = by_kind.entry(kind).or_default();
            t.0 += 1;
            t.1.insert(cluster);
            t.2 += s;
        }
        let rows: Vec<Vec<String>> = by_kind
            .into_iter()
            .map(|(kind, (n, clusters, sum))| {
                let mean = sum / n as f64;
                vec![
                    kind,
                    n.to_string(),
                    clusters.len().to_string(),
                    format!("{mean:.3}"),
                ]
            })
            .collect();
        let header = ["kind", "documents", "clusters", "mean_similarity"];
        render(&mut out, "duplicates by kind", &header, &rows);
    }
    if boilerplate.rows() > 0 {
        let mut by_reason: BTreeMap<String, u64> = BTreeMap::new();
        for reason in boilerplate.strings("reason")? {
            *by_reason.entry(reason).or_default() += 1;
        }
        let mut sorted: Vec<(String, u64)> = by_reason.into_iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let rows: Vec<Vec<String>> = sorted
            .into_iter()
            .map(|(reason, n)| vec![reason, n.to_string()])
            .collect();
        render(
            &mut out,
            "removed lines by reason",
            &["reason", "lines"],
            &rows,
        );
    }
    // One row per canonical entity: a person spelled three ways is one
    // person, and a document that uses two spellings counts once.
    if canonical.rows() > 0 {
        let (labels, names) = (canonical.strings("label")?, canonical.strings("name")?);
        let (n_docs, n_mentions) = (canonical.u32s("n_docs")?, canonical.u32s("n_mentions")?);
        let spellings = canonical.list_lengths("variants")?;
        let mut order: Vec<usize> = (0..labels.len()).collect();
        order.sort_by(|&a, &b| {
            labels[a]
                .cmp(&labels[b])
                .then(n_docs[b].cmp(&n_docs[a]))
                .then(n_mentions[b].cmp(&n_mentions[a]))
                .then_with(|| names[a].cmp(&names[b]))
        });
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
        for i in order {
            let n = shown.entry(&labels[i]).or_default();
            if *n < TOP_PER_LABEL {
                *n += 1;
                rows.push(vec![
                    labels[i].clone(),
                    names[i].clone(),
                    n_docs[i].to_string(),
                    n_mentions[i].to_string(),
                    spellings[i].to_string(),
                ]);
            }
        }
        let header = ["label", "name", "n_docs", "n_mentions", "spellings"];
        render(&mut out, "top entities per label", &header, &rows);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_numbers_right_and_text_left() {
        let mut out = String::new();
        let rows = vec![
            vec!["eng".to_string(), "12".to_string()],
            vec!["rus".to_string(), "3".to_string()],
        ];
        render(&mut out, "t", &["lang", "documents"], &rows);
        assert_eq!(
            out,
            "t\nlang  documents\neng          12\nrus           3\n\n"
        );
    }
}
