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
    /// This run's dedup index partition (state for later runs).
    pub index: RecordBatch,
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
    let p = released.keys.len();
    let mut keys = released.keys;
    keys.extend(new.keys);
    let mut sketches = released.sketches;
    sketches.extend(new.sketches);
    let result = dedup::deduplicate_with_released(&keys, &sketches, &released.cluster_id, config);
    let index = state::index_batch(
        &keys[p..],
        &result.cluster_id[p..],
        &new.body_hashes,
        &sketches[p..],
    )
    .map_err(arrow_error("index"))?;
    drop(sketches);
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
