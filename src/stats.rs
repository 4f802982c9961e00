//! `gleaner stats`: a summary of a dataset's tables, computed with polars.
//!
//! The tables are read with the Parquet reader gleaner already uses for
//! writing and handed to polars as data frames; polars does the group-bys and
//! renders the tables. The result is text, returned to the caller to print.

use std::fmt::Write as _;
use std::path::Path;

use arrow::array::{Array, BooleanArray, Float64Array, StringArray, UInt32Array};
use arrow::datatypes::DataType as ArrowType;
use arrow::record_batch::RecordBatch;
use polars::prelude::*;

/// Why stats could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error("{path}: {message}")]
    Read { path: String, message: String },
    #[error("polars: {0}")]
    Polars(#[from] PolarsError),
}

/// Reads every partition of `table`, as the dataset's manifest lists them,
/// into one polars data frame.
pub fn read_table(dataset: &Path, table: &str) -> Result<DataFrame, StatsError> {
    let manifest =
        crate::write::manifest::Manifest::load(dataset).map_err(|message| StatsError::Read {
            path: dataset.display().to_string(),
            message,
        })?;
    let path = dataset.join(table);
    let fail = |message: String| StatsError::Read {
        path: path.display().to_string(),
        message,
    };
    let mut batches: Vec<RecordBatch> = Vec::new();
    for file in manifest.table_files(dataset, table) {
        let read = crate::state::read_batches(&file).map_err(|e| StatsError::Read {
            path: file.display().to_string(),
            message: e.message,
        })?;
        batches.extend(read);
    }
    let schema = match batches.first() {
        Some(b) => b.schema(),
        None => return Ok(DataFrame::empty()),
    };
    let batch =
        arrow::compute::concat_batches(&schema, &batches).map_err(|e| fail(e.to_string()))?;
    let mut columns = Vec::with_capacity(batch.num_columns());
    for (field, array) in schema.fields().iter().zip(batch.columns()) {
        columns.push(to_column(field.name(), array.as_ref()).ok_or_else(|| {
            fail(format!(
                "column {} has unsupported type {}",
                field.name(),
                field.data_type()
            ))
        })?);
    }
    Ok(DataFrame::new(batch.num_rows(), columns)?)
}

/// Converts one Arrow column of the types gleaner writes into a polars column.
fn to_column(name: &str, array: &dyn Array) -> Option<Column> {
    let name = PlSmallStr::from(name);
    let any = array.as_any();
    Some(match array.data_type() {
        ArrowType::Utf8 => {
            let a = any.downcast_ref::<StringArray>()?;
            Column::new(name, a.iter().collect::<Vec<Option<&str>>>())
        }
        ArrowType::UInt32 => {
            let a = any.downcast_ref::<UInt32Array>()?;
            Column::new(name, a.iter().collect::<Vec<Option<u32>>>())
        }
        ArrowType::Float64 => {
            let a = any.downcast_ref::<Float64Array>()?;
            Column::new(name, a.iter().collect::<Vec<Option<f64>>>())
        }
        ArrowType::Boolean => {
            let a = any.downcast_ref::<BooleanArray>()?;
            Column::new(name, a.iter().collect::<Vec<Option<bool>>>())
        }
        ArrowType::Timestamp(_, _) => {
            let a = any.downcast_ref::<arrow::array::TimestampMicrosecondArray>()?;
            Column::new(name, a.iter().collect::<Vec<Option<i64>>>())
        }
        _ => return None,
    })
}

/// The text summary of a dataset directory.
pub fn summarize(dataset: &Path) -> Result<String, StatsError> {
    let documents = read_table(dataset, "documents")?;
    let duplicates = read_table(dataset, "duplicates")?;
    let mentions = read_table(dataset, "mentions")?;
    let entities = read_table(dataset, "entities")?;
    let boilerplate = read_table(dataset, "boilerplate")?;
    let mut out = String::new();
    let _ = writeln!(out, "dataset {}", dataset.display());
    let _ = writeln!(
        out,
        "rows: documents {}, duplicates {}, mentions {}, entities {}, boilerplate {}\n",
        documents.height(),
        duplicates.height(),
        mentions.height(),
        entities.height(),
        boilerplate.height()
    );
    if documents.height() > 0 {
        let by_lang = documents
            .clone()
            .lazy()
            .group_by([col("lang")])
            .agg([
                len().alias("documents"),
                col("n_words").sum().alias("words"),
                col("is_representative").sum().alias("representatives"),
            ])
            .sort(["lang"], SortMultipleOptions::default())
            .collect()?;
        let _ = writeln!(out, "documents by language\n{by_lang}\n");
    }
    if duplicates.height() > 0 {
        let by_kind = duplicates
            .lazy()
            .group_by([col("kind")])
            .agg([
                len().alias("documents"),
                col("cluster_id").n_unique().alias("clusters"),
                col("similarity").mean().alias("mean_similarity"),
            ])
            .sort(["kind"], SortMultipleOptions::default())
            .collect()?;
        let _ = writeln!(out, "duplicates by kind\n{by_kind}\n");
    }
    if boilerplate.height() > 0 {
        let by_reason = boilerplate
            .lazy()
            .group_by([col("reason")])
            .agg([len().alias("lines")])
            .sort(
                ["lines", "reason"],
                SortMultipleOptions::default().with_order_descending_multi([true, false]),
            )
            .collect()?;
        let _ = writeln!(out, "removed lines by reason\n{by_reason}\n");
    }
    if entities.height() > 0 {
        let top = entities
            .lazy()
            .sort(
                ["label", "n_docs", "n_mentions", "name"],
                SortMultipleOptions::default()
                    .with_order_descending_multi([false, true, true, false]),
            )
            .group_by_stable([col("label")])
            .head(Some(5))
            .select([col("label"), col("name"), col("n_docs"), col("n_mentions")])
            .collect()?;
        let _ = writeln!(out, "top entities per label\n{top}");
    }
    Ok(out)
}
