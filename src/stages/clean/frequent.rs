//! Cross-document frequent-line removal (the CCNet idea).
//!
//! A short line that appears in many documents of one site — a slogan, a
//! "follow us" line with a new wording, a footer — is boilerplate even when no
//! rule names it. Only short lines are counted, so that the paragraphs of a
//! syndicated article, which repeat across copies, are left for dedup to judge.

use std::collections::{HashMap, HashSet};

use super::Cleaned;

/// Reason recorded in `boilerplate.parquet` for lines removed here.
pub const REASON: &str = "frequent_line";

/// Counts, per group, how many documents each short line appears in. Fed
/// one chunk of documents at a time; holds one entry per distinct
/// (group, short line), keyed by hashes rather than text.
#[derive(Debug, Default)]
pub struct FrequentLineCounter {
    max_words: usize,
    groups: HashMap<String, u32>,
    counts: HashMap<(u32, u64), u32>,
}

/// The lines found frequent: apply to each document.
#[derive(Debug, Default)]
pub struct FrequentLines {
    groups: HashMap<String, u32>,
    frequent: HashSet<(u32, u64)>,
}

fn line_hash(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

impl FrequentLineCounter {
    /// Counts lines of at most `max_words` words.
    pub fn new(max_words: usize) -> FrequentLineCounter {
        FrequentLineCounter {
            max_words,
            ..FrequentLineCounter::default()
        }
    }

    /// Distinct short-line hashes of one document (pure; run it in parallel
    /// and pass the result to [`FrequentLineCounter::add`]).
    pub fn short_lines(&self, doc: &Cleaned) -> Vec<u64> {
        let mut hashes: Vec<u64> = doc
            .kept
            .iter()
            .map(|l| l.text.as_str())
            .filter(|t| t.split_whitespace().count() <= self.max_words)
            // A table row repeats its shape, not its numbers: a row found
            // in several documents is the same result reported twice.
            .filter(|t| !super::shape::is_table_row(t))
            .map(line_hash)
            .collect();
        hashes.sort_unstable();
        hashes.dedup();
        hashes
    }

    /// Counts one document of `group` by its [`short_lines`](Self::short_lines).
    pub fn add(&mut self, group: &str, short_lines: &[u64]) {
        let next = self.groups.len() as u32;
        let group = *self.groups.entry(group.to_string()).or_insert(next);
        for &h in short_lines {
            *self.counts.entry((group, h)).or_default() += 1;
        }
    }

    /// Adds `docs` documents of `group` that had the line hashed `hash`:
    /// counts an earlier run kept (see [`FrequentLineCounter::counts`]).
    pub fn add_count(&mut self, group: &str, hash: u64, docs: u32) {
        let next = self.groups.len() as u32;
        let group = *self.groups.entry(group.to_string()).or_insert(next);
        *self.counts.entry((group, hash)).or_default() += docs;
    }

    /// Every (group, line hash, documents) counted so far, sorted, so that a
    /// later run can go on counting from them.
    pub fn counts(&self) -> Vec<(&str, u64, u32)> {
        let names: HashMap<u32, &str> = self.groups.iter().map(|(n, &g)| (g, n.as_str())).collect();
        let mut rows: Vec<(&str, u64, u32)> = self
            .counts
            .iter()
            .map(|(&(g, h), &n)| (names[&g], h, n))
            .collect();
        rows.sort_unstable();
        rows
    }

    /// The lines seen in at least `min_docs` documents of their group
    /// (none when `min_docs` < 2: a line in one document is not "frequent").
    pub fn finish(self, min_docs: usize) -> FrequentLines {
        let frequent = if min_docs < 2 {
            HashSet::new()
        } else {
            self.counts
                .into_iter()
                .filter(|&(_, n)| n as usize >= min_docs)
                .map(|(k, _)| k)
                .collect()
        };
        FrequentLines {
            groups: self.groups,
            frequent,
        }
    }
}

impl FrequentLines {
    /// The text `doc` will have once [`apply`](Self::apply)'d, without
    /// changing it: kept lines that are not frequent, joined by newlines.
    pub fn kept_text(&self, group: &str, doc: &Cleaned) -> String {
        let group = self.groups.get(group).copied();
        let mut out = String::new();
        let mut first = true;
        for line in &doc.kept {
            if let Some(g) = group {
                if !self.frequent.is_empty() && self.frequent.contains(&(g, line_hash(&line.text)))
                {
                    continue;
                }
            }
            if !first {
                out.push('\n');
            }
            out.push_str(&line.text);
            first = false;
        }
        out
    }

    /// Moves the frequent lines of `doc` (of `group`) to its removed lines;
    /// returns how many.
    pub fn apply(&self, group: &str, doc: &mut Cleaned) -> u64 {
        let Some(&group) = self.groups.get(group) else {
            return 0;
        };
        if self.frequent.is_empty() {
            return 0;
        }
        let gone = |t: &str| self.frequent.contains(&(group, line_hash(t)));
        if !doc.kept.iter().any(|l| gone(&l.text)) {
            return 0;
        }
        let mut removed = 0;
        for line in std::mem::take(&mut doc.kept) {
            if gone(&line.text) {
                doc.removed.push(line.removed(REASON));
                removed += 1;
            } else {
                doc.kept.push(line);
            }
        }
        doc.removed.sort_by_key(|r| r.line_no);
        removed
    }
}

/// Finds lines of at most `max_words` words that occur in at least `min_docs`
/// documents of the same group, and moves them to the removed lines.
///
/// `groups[i]` is the site/source group of document `i`. Counting is over
/// distinct documents, so a line repeated inside one page counts once.
pub fn remove_frequent_lines(
    docs: &mut [Cleaned],
    groups: &[String],
    min_docs: usize,
    max_words: usize,
) -> u64 {
    let mut counter = FrequentLineCounter::new(max_words);
    for (doc, group) in docs.iter().zip(groups) {
        let lines = counter.short_lines(doc);
        counter.add(group, &lines);
    }
    let frequent = counter.finish(min_docs);
    docs.iter_mut()
        .zip(groups)
        .map(|(doc, group)| frequent.apply(group, doc))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::super::KeptLine;
    use super::*;

    fn doc(lines: &[&str]) -> Cleaned {
        Cleaned {
            kept: lines
                .iter()
                .enumerate()
                .map(|(i, t)| KeptLine {
                    line_no: i as u32 + 1,
                    text: t.to_string(),
                    raw: t.to_string(),
                })
                .collect(),
            ..Cleaned::default()
        }
    }

    #[test]
    fn removes_short_lines_seen_in_many_docs_of_a_group() {
        let mut docs = vec![
            doc(&["Story one.", "Read more at Site"]),
            doc(&["Story two.", "Read more at Site"]),
            doc(&["Story three.", "Read more at Site"]),
            doc(&["Other site.", "Read more at Site"]),
        ];
        let groups = ["a", "a", "a", "b"].map(String::from);
        let n = remove_frequent_lines(&mut docs, &groups, 3, 12);
        assert_eq!(n, 3);
        assert_eq!(docs[0].kept.len(), 1);
        assert_eq!(docs[0].removed[0].reason, REASON);
        assert_eq!(docs[3].kept.len(), 2, "other group untouched");
    }

    #[test]
    fn long_lines_are_never_frequent() {
        let long = "word ".repeat(20);
        let mut docs = vec![doc(&[&long]), doc(&[&long]), doc(&[&long])];
        let groups = ["a", "a", "a"].map(String::from);
        assert_eq!(remove_frequent_lines(&mut docs, &groups, 2, 12), 0);
    }
}
