//! Splitting a text file that holds many records (a feed flattened to text)
//! into one document per record.
//!
//! The rules are data, not code: each is a regex from `pipeline.toml` that
//! matches the first line of a record, with named groups `title`, `url`,
//! `published`, `id` for metadata and `rest` for text of that line that
//! belongs to the body. A file is split only when the rule matches at least
//! `min_records` lines, so ordinary pages are left whole.

use regex::Regex;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::config::{compile_regex, InvalidValue};
use crate::document::{parse_timestamp, Document};

/// One record-splitting rule as written in `[[read.splitters]]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitterConfig {
    /// Name of the rule, for messages.
    pub name: String,
    /// Regex matching the first line of each record.
    pub start: Spanned<String>,
    /// Fewest matching lines for the file to be split.
    #[serde(default = "default_min_records")]
    pub min_records: usize,
}

fn default_min_records() -> usize {
    2
}

/// A compiled splitting rule.
#[derive(Debug)]
pub struct Splitter {
    start: Regex,
    min_records: usize,
}

impl Splitter {
    pub fn new(config: &SplitterConfig, index: usize) -> Result<Splitter, InvalidValue> {
        let key = format!("read.splitters[{index}].start");
        let start = compile_regex(&key, &config.start)?;
        if config.min_records == 0 {
            return Err(InvalidValue::new(
                format!("read.splitters[{index}].min_records"),
                &config.start,
                "must be at least 1",
            ));
        }
        Ok(Splitter {
            start,
            min_records: config.min_records,
        })
    }

    /// The records of `text`, or `None` when this rule does not apply to it.
    ///
    /// Lines before the first record start are kept at the head of the first
    /// record, where the cleaner can judge them, rather than dropped silently.
    pub fn split(&self, source: &str, text: &str) -> Option<Vec<Document>> {
        let lines: Vec<&str> = text.lines().collect();
        let starts: Vec<usize> = (0..lines.len())
            .filter(|&i| self.start.is_match(lines[i]))
            .collect();
        if starts.len() < self.min_records {
            return None;
        }
        let mut docs = Vec::with_capacity(starts.len());
        for (n, &first) in starts.iter().enumerate() {
            let end = starts.get(n + 1).copied().unwrap_or(lines.len());
            let caps = self.start.captures(lines[first])?;
            let group = |name: &str| {
                caps.name(name)
                    .map(|m| m.as_str().trim().to_string())
                    .filter(|s| !s.is_empty())
            };
            let mut body = String::new();
            if n == 0 {
                for line in &lines[..first] {
                    body.push_str(line);
                    body.push('\n');
                }
            }
            if let Some(rest) = group("rest") {
                body.push_str(&rest);
                body.push('\n');
            }
            for line in &lines[first + 1..end] {
                body.push_str(line);
                body.push('\n');
            }
            let mut doc = Document::new(source, n as u32, body);
            doc.title = group("title");
            doc.url = group("url");
            doc.id = group("id");
            doc.published = group("published").and_then(|p| parse_timestamp(&p));
            docs.push(doc);
        }
        Some(docs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn splitter(pattern: &str) -> Splitter {
        let config: SplitterConfig =
            toml::from_str(&format!("name = \"t\"\nstart = '''{pattern}'''\n")).unwrap();
        Splitter::new(&config, 0).unwrap()
    }

    #[test]
    fn splits_records_with_metadata() {
        let s = splitter(
            r"^== (?P<title>.+?) (?P<url>https?://\S+) (?P<published>\d{4}-\d{2}-\d{2})(?: (?P<rest>.*))?$",
        );
        let text = "== One https://a.example/1 2024-01-02 lead one\nbody one\n\
                    == Two https://a.example/2 2024-02-03\nbody two\n";
        let docs = s.split("feed.txt", text).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].title.as_deref(), Some("One"));
        assert_eq!(docs[0].url.as_deref(), Some("https://a.example/1"));
        assert_eq!(docs[0].body, "lead one\nbody one\n");
        assert_eq!(docs[1].body, "body two\n");
        assert_eq!(docs[1].record, 1);
        assert!(docs[1].published > docs[0].published);
        assert_ne!(docs[0].doc_id, docs[1].doc_id);
    }

    #[test]
    fn too_few_records_leaves_file_whole() {
        let s = splitter(r"^== (?P<title>.+)$");
        assert!(s.split("a.txt", "== only one\ntext\n").is_none());
    }
}
