//! Pass `cluster`: dedup of this run's documents against each other and
//! against everything released, in memory: it holds every sketch (about
//! 1.2 KB a document), never a text. This is `gleaner run`'s way; the
//! sharded executor reaches the same verdicts without holding every sketch
//! (`dedup::partitioned`).

use std::collections::HashMap;

use arrow::record_batch::RecordBatch;

use super::{arrow_error, PassError};
use crate::dedup::{self, DedupConfig, DedupStats, DocKey, Sketch};
use crate::state::{self, Released};
use crate::write::sink::ROW_GROUP_ROWS;
use crate::write::{self, Verdict};

/// This run's documents as the `sketch` pass left them, in input order.
#[derive(Debug, Default)]
pub struct NewSketches {
    pub keys: Vec<DocKey>,
    pub body_hashes: Vec<u64>,
    pub sketches: Vec<Sketch>,
}

/// Dedup's verdicts on this run's documents, by `doc_id`, and the tables
/// the pass writes.
pub struct Clustered {
    pub verdicts: HashMap<String, Verdict>,
    /// `duplicates` rows of this run.
    pub duplicates: RecordBatch,
    /// This run's dedup index partition (state for later runs), in
    /// batches of [`ROW_GROUP_ROWS`] documents.
    pub index: Vec<RecordBatch>,
    pub stats: DedupStats,
    /// Rows of `duplicates`.
    pub n_duplicates: u64,
}

/// Clusters `new` against `released` (whose verdicts stay as they were).
pub fn cluster(
    released: Released,
    new: NewSketches,
    config: &DedupConfig,
) -> Result<Clustered, PassError> {
    cluster_in_batches(released, new, config, ROW_GROUP_ROWS)
}

/// [`cluster`], the index in batches of `batch_rows` documents.
fn cluster_in_batches(
    released: Released,
    new: NewSketches,
    config: &DedupConfig,
    batch_rows: usize,
) -> Result<Clustered, PassError> {
    let p = released.keys.len();
    let mut keys = released.keys;
    keys.extend(new.keys);
    let mut sketches = released.sketches;
    sketches.extend(new.sketches);
    let result = dedup::deduplicate_with_released(&keys, &sketches, &released.cluster_id, config);
    // The index is built a row group at a time from the sketches, each
    // freed once in a batch: built whole while the sketches were still
    // held, it doubled the dedup state (1.2 GB more at a million documents,
    // the run's peak).
    let mut new_sketches = sketches.split_off(p).into_iter();
    drop(sketches);
    let mut index = Vec::new();
    for start in (p..keys.len()).step_by(batch_rows.max(1)) {
        let end = start.saturating_add(batch_rows.max(1)).min(keys.len());
        let chunk: Vec<Sketch> = new_sketches.by_ref().take(end - start).collect();
        let batch = state::index_batch(
            &keys[start..end],
            &result.cluster_id[start..end],
            &new.body_hashes[start - p..end - p],
            &chunk,
        )
        .map_err(arrow_error("index"))?;
        index.push(batch);
    }
    drop(new_sketches);
    let rows: Vec<write::DuplicateRow<'_>> = result
        .duplicates
        .iter()
        .map(|d| {
            let (doc, rep) = (&keys[d.doc].doc_id, &keys[d.representative].doc_id);
            (doc.as_str(), rep.as_str(), d)
        })
        .collect();
    let duplicates = write::duplicates_batch(&rows)?;
    drop(rows);
    let n_duplicates = result.duplicates.len() as u64;
    let stats = result.stats;
    let verdicts = keys
        .into_iter()
        .skip(p)
        .zip(result.content_hash.into_iter().skip(p))
        .zip(result.cluster_id.into_iter().skip(p))
        .zip(result.is_representative.into_iter().skip(p))
        .map(|(((key, content_hash), cluster_id), is_representative)| {
            let verdict = Verdict {
                content_hash,
                cluster_id,
                is_representative,
            };
            (key.doc_id, verdict)
        })
        .collect();
    Ok(Clustered {
        verdicts,
        duplicates,
        index,
        stats,
        n_duplicates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dedup::Sketcher;
    use arrow::compute::concat_batches;

    #[test]
    fn the_index_in_batches_is_the_index_whole() {
        let config = DedupConfig::default();
        let sketcher = Sketcher::new(&config);
        let texts = [
            "the quick brown fox jumps over the lazy dog near the river bank today",
            "the quick brown fox jumps over the lazy dog near the river bank today",
            "a completely different text about markets and prices in the city",
            "",
            "the quick brown fox jumps over the lazy dog near the river bank",
            "one more text that nobody else has written before in this test",
            "and a last one",
        ];
        let new = || NewSketches {
            keys: (0..texts.len())
                .map(|i| DocKey {
                    doc_id: format!("d{i}"),
                    published: Some(i as i64),
                })
                .collect(),
            body_hashes: (0..texts.len() as u64).collect(),
            sketches: texts.iter().map(|t| sketcher.sketch(t)).collect(),
        };
        let whole = cluster_in_batches(Released::default(), new(), &config, usize::MAX).unwrap();
        assert_eq!(whole.index.len(), 1);
        for rows in [1, 3, 7] {
            let batched = cluster_in_batches(Released::default(), new(), &config, rows).unwrap();
            assert_eq!(batched.index.len(), texts.len().div_ceil(rows));
            let joined = concat_batches(&state::index_schema(), &batched.index).unwrap();
            assert_eq!(joined, whole.index[0], "batches of {rows}");
            assert_eq!(batched.verdicts.len(), texts.len());
        }
        let none = cluster_in_batches(Released::default(), NewSketches::default(), &config, 3);
        assert!(none.unwrap().index.is_empty());
        // After released documents, the index holds the new ones only.
        let released = || Released {
            keys: vec![DocKey {
                doc_id: "r0".to_string(),
                published: None,
            }],
            cluster_id: vec!["r0".to_string()],
            body_hash: vec![9],
            sketches: vec![sketcher.sketch(texts[0])],
        };
        let whole = cluster_in_batches(released(), new(), &config, usize::MAX).unwrap();
        let batched = cluster_in_batches(released(), new(), &config, 2).unwrap();
        assert_eq!(batched.index.len(), 4);
        let joined = concat_batches(&state::index_schema(), &batched.index).unwrap();
        assert_eq!(joined, whole.index[0]);
        assert_eq!(joined.num_rows(), texts.len());
    }
}
