//! mentions → `entities.parquet`: one row per canonical entity with its totals.
//!
//! The totals are a group-by over the mentions of a chunk of documents,
//! merged over chunks (and runs) with [`merge`]. A hash map does it: the
//! keys are short strings already in memory, and a data-frame library cost
//! more to build (and 60 MB of binary) than the group-by itself. The display
//! name of an entity is chosen by the entity stage (it is the same for
//! every mention of a key), so the aggregation only counts.

use std::collections::HashMap;

use crate::entities::variants::{self, Variant};
use crate::entities::Mention;
use crate::stages::Processed;

/// One row of `entities.parquet`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityRow {
    pub entity_key: String,
    pub label: String,
    pub name: String,
    /// The language of the document of its first mention.
    pub lang: Option<String>,
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
/// sorted by entity key. Label and name are those of a key's first mention.
pub fn aggregate(docs: &[Processed], mentions: &[Vec<Mention>]) -> Vec<EntityRow> {
    // Each row with the number of the last document counted in its n_docs.
    let mut rows: HashMap<&str, (EntityRow, usize)> = HashMap::new();
    for (d, (p, ms)) in docs.iter().zip(mentions).enumerate() {
        let published = p.doc.published;
        for m in ms {
            let (row, last_doc) = rows.entry(&m.entity_key).or_insert_with(|| {
                let row = EntityRow {
                    entity_key: m.entity_key.clone(),
                    label: m.label.as_str().to_string(),
                    name: m.name.clone(),
                    lang: m
                        .lang
                        .map(str::to_string)
                        .or_else(|| p.signals.lang.clone()),
                    n_docs: 0,
                    n_mentions: 0,
                    first_seen: None,
                    last_seen: None,
                    canonical_key: m.entity_key.clone(),
                    canonical_name: m.name.clone(),
                };
                (row, usize::MAX)
            });
            row.n_mentions += 1;
            if *last_doc != d {
                *last_doc = d;
                row.n_docs += 1;
                row.first_seen = widen(row.first_seen, published, i64::min);
                row.last_seen = widen(row.last_seen, published, i64::max);
            }
        }
    }
    let mut rows: Vec<EntityRow> = rows.into_values().map(|(row, _)| row).collect();
    rows.sort_unstable_by(|a, b| a.entity_key.cmp(&b.entity_key));
    rows
}

/// Merges the rows of [`aggregate`] over disjoint sets of documents (chunks
/// of one run): counts add up, first/last seen widen, label and name are those
/// of the first part an entity appears in — what one aggregate over all the
/// documents in order would give.
pub fn merge(parts: Vec<Vec<EntityRow>>) -> Vec<EntityRow> {
    let mut totals = Totals::default();
    for part in parts {
        totals.add(part);
    }
    totals.into_rows()
}

/// Entity totals merged part by part, in order (see [`merge`]). Why not
/// keep the parts and merge at the end: the write pass makes a part every
/// 1,024 documents, each repeating the common entities, so the parts grew
/// with the input while the totals grow with the distinct entities only.
#[derive(Debug, Default)]
pub struct Totals {
    rows: std::collections::BTreeMap<String, EntityRow>,
}

impl Totals {
    /// Adds the rows of the next part.
    pub fn add(&mut self, part: Vec<EntityRow>) {
        for row in part {
            match self.rows.get_mut(&row.entity_key) {
                None => {
                    self.rows.insert(row.entity_key.clone(), row);
                }
                Some(m) => {
                    m.n_docs += row.n_docs;
                    m.n_mentions += row.n_mentions;
                    m.first_seen = widen(m.first_seen, row.first_seen, i64::min);
                    m.last_seen = widen(m.last_seen, row.last_seen, i64::max);
                }
            }
        }
    }

    /// The merged rows, by entity key.
    pub fn into_rows(self) -> Vec<EntityRow> {
        self.rows.into_values().collect()
    }
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
            lang: r.lang.as_deref(),
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

/// One row of `canonical_entities.parquet`: a canonical entity with the
/// totals of all its spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRow {
    pub canonical_key: String,
    pub label: String,
    pub name: String,
    /// Documents that mention any of its spellings, each counted once.
    pub n_docs: u32,
    pub n_mentions: u32,
    pub first_seen: Option<i64>,
    pub last_seen: Option<i64>,
    /// Its spellings, the most mentioned first.
    pub variants: Vec<VariantTotals>,
}

/// One spelling of a canonical entity: an entity key and its own totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantTotals {
    pub entity_key: String,
    pub name: String,
    pub lang: Option<String>,
    pub n_docs: u32,
    pub n_mentions: u32,
}

/// Totals per canonical entity, built from the linked rows of `entities`
/// (after [`link_variants`]) and every document's set of entity keys.
///
/// Mentions add up and first/last seen widen over a group's spellings, but
/// documents do not: a document that says "Tokayev" and "Kassym-Jomart
/// Tokayev" is one document of that person, not two. So `n_docs` is
/// counted from the documents themselves ([`add_document`]), one at a
/// time, in memory the size of the entity table. The groups depend on the
/// whole corpus (a new spelling can join two), so every run counts over
/// all released documents again rather than adding to the last totals.
///
/// [`add_document`]: CanonicalTotals::add_document
pub struct CanonicalTotals<'a> {
    /// Group number of each entity key.
    group_of: HashMap<&'a str, u32>,
    groups: Vec<CanonicalRow>,
    /// The groups of the document being counted (reused).
    seen: Vec<u32>,
}

impl<'a> CanonicalTotals<'a> {
    /// Groups `rows` by canonical key, with every total but `n_docs`.
    pub fn new(rows: &'a [EntityRow]) -> CanonicalTotals<'a> {
        let mut by_key: std::collections::BTreeMap<&str, Vec<&EntityRow>> = Default::default();
        for row in rows {
            by_key.entry(&row.canonical_key).or_default().push(row);
        }
        let mut group_of = HashMap::with_capacity(rows.len());
        let mut groups = Vec::with_capacity(by_key.len());
        for (g, (key, mut members)) in by_key.into_iter().enumerate() {
            members.sort_by(|a, b| {
                b.n_mentions
                    .cmp(&a.n_mentions)
                    .then_with(|| a.entity_key.cmp(&b.entity_key))
            });
            let head = members
                .iter()
                .find(|r| r.entity_key == key)
                .unwrap_or(&members[0]);
            let mut row = CanonicalRow {
                canonical_key: key.to_string(),
                label: head.label.clone(),
                name: head.canonical_name.clone(),
                n_docs: 0,
                n_mentions: 0,
                first_seen: None,
                last_seen: None,
                variants: Vec::with_capacity(members.len()),
            };
            for m in &members {
                group_of.insert(m.entity_key.as_str(), g as u32);
                row.n_mentions += m.n_mentions;
                row.first_seen = widen(row.first_seen, m.first_seen, i64::min);
                row.last_seen = widen(row.last_seen, m.last_seen, i64::max);
                row.variants.push(VariantTotals {
                    entity_key: m.entity_key.clone(),
                    name: m.name.clone(),
                    lang: m.lang.clone(),
                    n_docs: m.n_docs,
                    n_mentions: m.n_mentions,
                });
            }
            groups.push(row);
        }
        CanonicalTotals {
            group_of,
            groups,
            seen: Vec::new(),
        }
    }

    /// Counts one document that mentions `keys` (in any order, repeats
    /// allowed): each canonical entity among them gains one document.
    pub fn add_document<'k>(&mut self, keys: impl IntoIterator<Item = &'k str>) {
        self.seen.clear();
        self.seen.extend(
            keys.into_iter()
                .filter_map(|k| self.group_of.get(k).copied()),
        );
        self.seen.sort_unstable();
        self.seen.dedup();
        for &g in &self.seen {
            self.groups[g as usize].n_docs += 1;
        }
    }

    /// The rows, by canonical key.
    pub fn finish(self) -> Vec<CanonicalRow> {
        self.groups
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
            lang: None,
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
        let rows = aggregate(&docs, &mentions);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].entity_key, "PERSON:a");
        assert_eq!((rows[0].n_docs, rows[0].n_mentions), (1, 1));
        let b = &rows[1];
        assert_eq!((b.n_docs, b.n_mentions), (3, 4));
        assert_eq!((b.first_seen, b.last_seen), (Some(50), Some(100)));
        assert_eq!(b.label, "PERSON");
    }

    #[test]
    fn totals_added_part_by_part_are_one_aggregate_of_all() {
        let docs: Vec<Processed> = (0..5).map(|i| processed(i, Some(10 * i as i64))).collect();
        let mentions = vec![
            vec![mention("PERSON:a", "A"), mention("PERSON:b", "B")],
            vec![mention("PERSON:b", "Bee")],
            vec![],
            vec![mention("PERSON:a", "A"), mention("PERSON:a", "A")],
            vec![mention("PERSON:c", "C"), mention("PERSON:b", "B")],
        ];
        let whole = aggregate(&docs, &mentions);
        let mut totals = Totals::default();
        for (d, m) in [(0..2), (2..3), (3..5)].map(|r| (&docs[r.clone()], &mentions[r])) {
            totals.add(aggregate(d, m));
        }
        assert_eq!(totals.into_rows(), whole);
    }

    #[test]
    fn a_document_with_two_spellings_counts_once_for_their_entity() {
        let docs = [processed(0, Some(10)), processed(1, Some(20))];
        let mentions = vec![
            vec![
                mention("PERSON:kassym jomart tokayev", "Kassym-Jomart Tokayev"),
                mention("PERSON:kassym jomart tokayev", "Kassym-Jomart Tokayev"),
                mention("PERSON:kassym jomart tokayev", "Kassym-Jomart Tokayev"),
                mention("PERSON:tokayev", "Tokayev"),
            ],
            vec![mention("PERSON:tokayev", "Tokayev")],
        ];
        let mut rows = aggregate(&docs, &mentions);
        link_variants(&mut rows);
        assert!(rows
            .iter()
            .all(|r| r.canonical_key == "PERSON:kassym jomart tokayev"));
        let mut totals = CanonicalTotals::new(&rows);
        for ms in &mentions {
            totals.add_document(ms.iter().map(|m| m.entity_key.as_str()));
        }
        let canonical = totals.finish();
        assert_eq!(canonical.len(), 1);
        let c = &canonical[0];
        assert_eq!((c.n_docs, c.n_mentions), (2, 5));
        assert_eq!((c.first_seen, c.last_seen), (Some(10), Some(20)));
        assert_eq!(c.name, "Kassym-Jomart Tokayev");
        // Its spellings, the most mentioned first, with their own totals.
        let v: Vec<(&str, u32, u32)> = c
            .variants
            .iter()
            .map(|v| (v.entity_key.as_str(), v.n_docs, v.n_mentions))
            .collect();
        assert_eq!(
            v,
            [
                ("PERSON:kassym jomart tokayev", 1, 3),
                ("PERSON:tokayev", 2, 2)
            ]
        );
    }

    #[test]
    fn no_mentions_no_rows() {
        assert!(aggregate(&[processed(0, None)], &[vec![]]).is_empty());
    }
}
