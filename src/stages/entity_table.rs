//! mentions → `entities.parquet`: one row per canonical entity with its totals.
//!
//! This is a group-by over the mention table, done with polars so the same
//! aggregation code scales to the cross-run totals of incremental releases.
//! The display name of an entity is chosen by the entity stage (it is the same
//! for every mention of a key), so the aggregation only counts.

use polars::prelude::*;

use crate::entities::variants::{self, Variant};
use crate::entities::Mention;
use crate::stages::Processed;

/// One row of `entities.parquet`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRow {
    pub entity_key: String,
    pub label: String,
    pub name: String,
    pub n_docs: u32,
    pub n_mentions: u32,
    /// Earliest and latest `published` of the documents it appears in (UTC µs).
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
    /// The entity this key is a spelling variant of (itself when none);
    /// set by [`link_variants`] over all rows.
    pub canonical_key: String,
    pub canonical_name: String,
}

/// Aggregates the mentions of all documents (`mentions[i]` are in `docs[i]`),
/// sorted by entity key.
pub fn aggregate(docs: &[Processed], mentions: &[Vec<Mention>]) -> PolarsResult<Vec<EntityRow>> {
    let rows: Vec<(&Processed, &Mention)> = docs
        .iter()
        .zip(mentions)
        .flat_map(|(p, ms)| ms.iter().map(move |m| (p, m)))
        .collect();
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let column = |name: &str, values: Vec<&str>| Column::new(name.into(), values);
    let frame = DataFrame::new(
        rows.len(),
        vec![
            column(
                "entity_key",
                rows.iter().map(|r| r.1.entity_key.as_str()).collect(),
            ),
            column("label", rows.iter().map(|r| r.1.label.as_str()).collect()),
            column("name", rows.iter().map(|r| r.1.name.as_str()).collect()),
            column(
                "doc_id",
                rows.iter().map(|r| r.0.doc.doc_id.as_str()).collect(),
            ),
            Column::new(
                "published".into(),
                rows.iter()
                    .map(|r| r.0.doc.published)
                    .collect::<Vec<Option<i64>>>(),
            ),
        ],
    )?;
    let out = frame
        .lazy()
        .group_by_stable([col("entity_key")])
        .agg([
            col("label").first(),
            col("name").first(),
            col("doc_id").n_unique().alias("n_docs"),
            len().alias("n_mentions"),
            col("published").min().alias("first_seen"),
            col("published").max().alias("last_seen"),
        ])
        .sort(["entity_key"], SortMultipleOptions::default())
        .collect()?;

    let keys = out.column("entity_key")?.str()?;
    let labels = out.column("label")?.str()?;
    let names = out.column("name")?.str()?;
    let n_docs = out.column("n_docs")?.cast(&DataType::UInt32)?;
    let n_mentions = out.column("n_mentions")?.cast(&DataType::UInt32)?;
    let first = out.column("first_seen")?.i64()?;
    let last = out.column("last_seen")?.i64()?;
    let (n_docs, n_mentions) = (n_docs.u32()?, n_mentions.u32()?);
    let mut result = Vec::with_capacity(out.height());
    for i in 0..out.height() {
        result.push(EntityRow {
            entity_key: keys.get(i).unwrap_or_default().to_string(),
            label: labels.get(i).unwrap_or_default().to_string(),
            name: names.get(i).unwrap_or_default().to_string(),
            n_docs: n_docs.get(i).unwrap_or_default(),
            n_mentions: n_mentions.get(i).unwrap_or_default(),
            first_seen: first.get(i),
            last_seen: last.get(i),
            canonical_key: keys.get(i).unwrap_or_default().to_string(),
            canonical_name: names.get(i).unwrap_or_default().to_string(),
        });
    }
    Ok(result)
}

/// Merges the rows of [`aggregate`] over disjoint sets of documents (chunks
/// of one run): counts add up, first/last seen widen, label and name are those
/// of the first part an entity appears in — what one aggregate over all the
/// documents in order would give.
pub fn merge(parts: Vec<Vec<EntityRow>>) -> Vec<EntityRow> {
    let mut merged: std::collections::BTreeMap<String, EntityRow> = Default::default();
    for row in parts.into_iter().flatten() {
        match merged.get_mut(&row.entity_key) {
            None => {
                merged.insert(row.entity_key.clone(), row);
            }
            Some(m) => {
                m.n_docs += row.n_docs;
                m.n_mentions += row.n_mentions;
                m.first_seen = widen(m.first_seen, row.first_seen, i64::min);
                m.last_seen = widen(m.last_seen, row.last_seen, i64::max);
            }
        }
    }
    merged.into_values().collect()
}

/// Sets every row's canonical key and name: spelling variants across the
/// corpus ("Kasymzhomart Tokayev", "Jomart Tokayev") point to one entity.
pub fn link_variants(rows: &mut [EntityRow]) {
    let variants: Vec<Variant> = rows
        .iter()
        .map(|r| Variant {
            key: &r.entity_key,
            label: &r.label,
            name: &r.name,
            n_mentions: r.n_mentions,
        })
        .collect();
    let canonical: Vec<(String, String)> = variants::canonical_of(&variants)
        .into_iter()
        .map(|i| (rows[i].entity_key.clone(), rows[i].name.clone()))
        .collect();
    for (row, (key, name)) in rows.iter_mut().zip(canonical) {
        row.canonical_key = key;
        row.canonical_name = name;
    }
}

fn widen(a: Option<i64>, b: Option<i64>, pick: fn(i64, i64) -> i64) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(pick(x, y)),
        (x, None) => x,
        (None, y) => y,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::entities::Label;
    use crate::quality::{assess, QualityConfig};

    fn processed(id: u32, published: Option<i64>) -> Processed {
        let mut doc = Document::new("s", id, String::new());
        doc.published = published;
        Processed {
            doc,
            text: String::new(),
            removed: vec![],
            signals: assess("", &QualityConfig::default()),
        }
    }

    fn mention(key: &str, name: &str) -> Mention {
        Mention {
            start: 0,
            end: 1,
            surface: name.to_string(),
            label: Label::Person,
            entity_key: key.to_string(),
            name: name.to_string(),
        }
    }

    #[test]
    fn counts_docs_mentions_and_dates() {
        let docs = [
            processed(0, Some(100)),
            processed(1, None),
            processed(2, Some(50)),
        ];
        let mentions = vec![
            vec![
                mention("PERSON:b", "B"),
                mention("PERSON:b", "B"),
                mention("PERSON:a", "A"),
            ],
            vec![mention("PERSON:b", "B")],
            vec![mention("PERSON:b", "B")],
        ];
        let rows = aggregate(&docs, &mentions).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].entity_key, "PERSON:a");
        assert_eq!((rows[0].n_docs, rows[0].n_mentions), (1, 1));
        let b = &rows[1];
        assert_eq!((b.n_docs, b.n_mentions), (3, 4));
        assert_eq!((b.first_seen, b.last_seen), (Some(50), Some(100)));
        assert_eq!(b.label, "PERSON");
    }

    #[test]
    fn no_mentions_no_rows() {
        assert!(aggregate(&[processed(0, None)], &[vec![]])
            .unwrap()
            .is_empty());
    }
}
