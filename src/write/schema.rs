//! The Arrow schema of every output table, in one place.
//!
//! Writers build batches against these, and tests read them back to check that
//! DuckDB and polars see exactly these columns and types.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

fn utf8(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Utf8, nullable)
}

fn timestamp(name: &str) -> Field {
    Field::new(
        name,
        DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        true,
    )
}

/// `documents.parquet`: one row per document.
pub fn documents() -> SchemaRef {
    Arc::new(Schema::new(vec![
        utf8("doc_id", false),
        utf8("source", false),
        Field::new("record", DataType::UInt32, false),
        utf8("id", true),
        utf8("url", true),
        utf8("title", true),
        utf8("author", true),
        timestamp("published"),
        utf8("text", false),
        Field::new("n_words", DataType::UInt32, false),
        utf8("lang", true),
        Field::new("lang_confidence", DataType::Float64, false),
        Field::new("alpha_share", DataType::Float64, false),
        Field::new("mean_line_len", DataType::Float64, false),
        Field::new("repetition", DataType::Float64, false),
        Field::new("stopword_share", DataType::Float64, false),
        utf8("quality_flag", true),
        utf8("content_hash", false),
        utf8("cluster_id", false),
        Field::new("is_representative", DataType::Boolean, false),
    ]))
}

/// `duplicates.parquet`: one row per non-representative member of a cluster.
pub fn duplicates() -> SchemaRef {
    Arc::new(Schema::new(vec![
        utf8("cluster_id", false),
        utf8("doc_id", false),
        utf8("representative_id", false),
        utf8("kind", false),
        Field::new("similarity", DataType::Float64, false),
        // Which test joined it to the representative: content_hash,
        // jaccard, spread (a copy edited everywhere), containment, or chain
        // (through other members).
        utf8("test", false),
    ]))
}

/// `mentions.parquet`: one row per entity mention; offsets are characters of `documents.text`.
pub fn mentions() -> SchemaRef {
    Arc::new(Schema::new(vec![
        utf8("doc_id", false),
        Field::new("start", DataType::UInt32, false),
        Field::new("end", DataType::UInt32, false),
        utf8("surface", false),
        utf8("label", false),
        utf8("entity_key", false),
        // The document's language, or on a mixed page the language of
        // the paragraphs whose model found the name: names are tagged only
        // in languages with a name model, so a query can tell "no names"
        // from "not looked for".
        utf8("lang", true),
    ]))
}

/// `entities.parquet`: one row per entity key, with the canonical entity
/// its spelling variants share.
pub fn entities() -> SchemaRef {
    Arc::new(Schema::new(vec![
        utf8("entity_key", false),
        utf8("label", false),
        utf8("name", false),
        // The language of the document its first mention is in.
        utf8("lang", true),
        Field::new("n_docs", DataType::UInt32, false),
        Field::new("n_mentions", DataType::UInt32, false),
        timestamp("first_seen"),
        timestamp("last_seen"),
        utf8("canonical_key", false),
        utf8("canonical_name", false),
    ]))
}

/// The fields of one item of `canonical_entities.variants`: an entity key
/// that is a spelling of the canonical entity, with its own totals.
pub fn variant_fields() -> arrow::datatypes::Fields {
    vec![
        utf8("entity_key", false),
        utf8("name", false),
        utf8("lang", true),
        Field::new("n_docs", DataType::UInt32, false),
        Field::new("n_mentions", DataType::UInt32, false),
    ]
    .into()
}

/// `canonical_entities.parquet`: one row per canonical entity (the groups
/// of `entities` by `canonical_key`), with totals that count a document
/// once however many spellings it uses, and its spellings as a list.
pub fn canonical_entities() -> SchemaRef {
    Arc::new(Schema::new(vec![
        utf8("canonical_key", false),
        utf8("label", false),
        utf8("name", false),
        Field::new("n_docs", DataType::UInt32, false),
        Field::new("n_mentions", DataType::UInt32, false),
        timestamp("first_seen"),
        timestamp("last_seen"),
        Field::new(
            "variants",
            DataType::List(Arc::new(Field::new(
                "item",
                DataType::Struct(variant_fields()),
                false,
            ))),
            false,
        ),
    ]))
}

/// `boilerplate.parquet`: one row per removed line.
pub fn boilerplate() -> SchemaRef {
    Arc::new(Schema::new(vec![
        utf8("doc_id", false),
        Field::new("line_no", DataType::UInt32, false),
        utf8("text", false),
        utf8("reason", false),
    ]))
}

/// Every table: file stem and schema.
pub fn all() -> Vec<(&'static str, SchemaRef)> {
    vec![
        ("documents", documents()),
        ("duplicates", duplicates()),
        ("mentions", mentions()),
        ("entities", entities()),
        ("canonical_entities", canonical_entities()),
        ("boilerplate", boilerplate()),
    ]
}

/// The schema of table `name` (one of [`all`]).
pub fn by_name(name: &str) -> SchemaRef {
    all()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s)
        .unwrap_or_else(|| panic!("no table named {name}"))
}
