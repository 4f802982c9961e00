//! The run as passes: each a function from explicit inputs to explicit
//! outputs, keyed by `doc_id` where documents cross from one pass to the next.
//!
//! ```text
//! scan (per shard)     read → clean; count short lines per site      → cleaned docs, line counts
//! lines (global)       this run's counts + the released ones         → frequent lines
//! sketch (per shard)   drop frequent lines → quality → MinHash        → keys + sketches, signals by doc_id
//! cluster (global)     dedup against the released index              → verdicts by doc_id, duplicates, index
//!                      (the sharded executor runs it as the partitioned steps of
//!                      `dedup::partitioned`: buckets, contain, cluster, describe)
//! write (per shard)    documents, mentions, boilerplate partitions    → entity totals of the shard, counts
//! commit (global)      entity totals over all runs, manifest         → the release
//! ```
//!
//! A pass knows nothing of where its inputs came from: the local executor
//! (`pipeline::run`) hands them over in memory, the sharded one
//! (`shards`) through part files in a work directory, one task per shard.
//! Both call these functions, so both write the same tables.

pub mod cluster;
pub mod counts;
mod repeats;
pub mod scan;
pub mod sketch;
pub mod write;

use std::path::Path;

pub use counts::Counts;

use crate::document::Document;

/// The group a document is counted in for frequent lines: its URL's host,
/// else the directory of its source file.
pub fn site_group(doc: &Document) -> String {
    if let Some(url) = &doc.url {
        let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
        let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        if !host.is_empty() {
            return host.to_lowercase();
        }
    }
    Path::new(&doc.source)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// Receives progress; the binary draws bars, tests ignore it.
pub trait Progress: Sync {
    /// A stage starts with `total` units of work (0 when unknown).
    fn stage(&self, name: &str, total: u64);
    /// `n` more units of the current stage are done.
    fn advance(&self, n: u64);
}

/// Progress that goes nowhere.
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}

/// Why a pass failed.
#[derive(Debug, thiserror::Error)]
pub enum PassError {
    #[error("{0}")]
    Spill(#[from] crate::spill::SpillError),
    #[error("writing output: {0}")]
    Write(#[from] crate::write::WriteError),
    #[error("{0}")]
    State(#[from] crate::state::StateError),
    /// A pass's input lacks what an earlier pass should have given it
    /// (part files of another run or another plan).
    #[error("missing {0}; were the earlier passes of this plan run?")]
    Missing(String),
}

/// An Arrow error while building table `table`'s batch.
pub fn arrow_error(table: &str) -> impl FnOnce(arrow::error::ArrowError) -> PassError + '_ {
    move |source| {
        PassError::Write(crate::write::WriteError::Arrow {
            table: table.to_string(),
            source,
        })
    }
}
