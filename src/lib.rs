//! gleaner: raw scraped text → clean, de-duplicated, entity-annotated Parquet.
//!
//! The library holds the stages and the [`pipeline`] that wires them; the
//! `gleaner` binary is a thin command-line layer over it. See `DESIGN.md`-style
//! overview in the README for the data flow and the tables.

pub mod clean;
pub mod config;
pub mod dedup;
pub mod discover;
pub mod document;
pub mod entities;
pub mod entity_table;
pub mod executors;
pub mod lock;
pub mod passes;
pub mod pipeline;
pub mod quality;
pub mod read;
pub mod release;
pub mod spill;
pub mod state;
pub mod stats;
pub mod stopwords;
pub mod write;
