//! JSONL: one document per line, fields named in `[read.jsonl]`.
//!
//! A broken line is a warning, not a failure: the other records of the file
//! are still good data.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::document::{parse_timestamp, Document};

/// Which JSON fields hold what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JsonlFields {
    pub text: String,
    pub id: String,
    pub url: String,
    pub title: String,
    pub published: String,
}

impl Default for JsonlFields {
    fn default() -> Self {
        JsonlFields {
            text: "text".into(),
            id: "id".into(),
            url: "url".into(),
            title: "title".into(),
            published: "published".into(),
        }
    }
}

/// Reads every line of `text`; `record` is the 0-based line index so ids do not
/// move when an earlier line is fixed or broken.
pub fn read_jsonl(
    source: &str,
    text: &str,
    fields: &JsonlFields,
    warnings: &mut Vec<String>,
) -> Vec<Document> {
    let mut docs = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                warnings.push(format!("line {}: invalid JSON: {e}", index + 1));
                continue;
            }
        };
        let Some(body) = value.get(&fields.text).and_then(Value::as_str) else {
            warnings.push(format!(
                "line {}: no string field `{}`",
                index + 1,
                fields.text
            ));
            continue;
        };
        let mut doc = Document::new(source, index as u32, body.to_string());
        doc.id = scalar(&value, &fields.id);
        doc.url = scalar(&value, &fields.url);
        doc.title = scalar(&value, &fields.title);
        doc.published = match value.get(&fields.published) {
            Some(Value::Number(n)) => n.as_i64().map(|secs| secs * 1_000_000),
            Some(Value::String(s)) => parse_timestamp(s),
            _ => None,
        };
        docs.push(doc);
    }
    docs
}

/// A string or number field as text.
fn scalar(value: &Value, field: &str) -> Option<String> {
    match value.get(field)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_and_skips_broken_lines() {
        let text = concat!(
            "{\"text\":\"hello\",\"id\":7,\"url\":\"https://x/1\",\"published\":\"2020-01-02\"}\n",
            "{broken\n",
            "\n",
            "{\"body\":\"no text field\"}\n",
            "{\"text\":\"world\",\"title\":\"T\"}\n"
        );
        let mut warnings = Vec::new();
        let docs = read_jsonl("a.jsonl", text, &JsonlFields::default(), &mut warnings);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].id.as_deref(), Some("7"));
        assert!(docs[0].published.is_some());
        assert_eq!(docs[1].record, 4);
        assert_eq!(docs[1].title.as_deref(), Some("T"));
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].starts_with("line 2"));
    }

    #[test]
    fn custom_field_names() {
        let fields = JsonlFields {
            text: "content".into(),
            ..JsonlFields::default()
        };
        let mut warnings = Vec::new();
        let docs = read_jsonl("a", "{\"content\":\"x\"}", &fields, &mut warnings);
        assert_eq!(docs.len(), 1);
        assert!(warnings.is_empty());
    }
}
