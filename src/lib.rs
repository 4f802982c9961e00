//! gleaner: raw scraped text → clean, de-duplicated, entity-annotated Parquet.
//!
//! The layout is the architecture:
//!
//! - [`stages`]: read, clean, quality, dedup, entities — per-document work
//!   and the global algorithms, with their own settings, nothing else;
//! - [`passes`]: the run cut into passes (scan, lines, sketch, cluster,
//!   write, commit), each a function with explicit inputs and outputs keyed
//!   by `doc_id`;
//! - [`executors`]: what runs the passes — [`executors::local`] in one
//!   process (`gleaner run`), [`executors::sharded`] as scheduler tasks
//!   (`gleaner plan`, `gleaner stage`);
//! - [`release`]: the dataset directory — layout, manifest, state, lock,
//!   commit;
//! - [`write`]: Parquet tables (schemas, batches, the staging sink);
//! - [`storage`]: object-store inputs and datasets (feature `cloud`).
//!
//! The `gleaner` binary is a thin command-line layer over it.

pub mod config;
pub mod discover;
pub mod document;
pub mod executors;
pub mod passes;
pub mod release;
pub mod stages;
pub mod stats;
pub mod storage;
pub mod write;

// Short paths for the stages and the pieces most code uses.
pub use executors::{local as pipeline, spill};
pub use release::{lock, state};
pub use stages::{clean, dedup, entities, entity_table, quality, read, segment, stopwords};
