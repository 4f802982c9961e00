//! Cross-document frequent-line removal (the CCNet idea).
//!
//! A short line that appears in many documents of one site — a slogan, a
//! "follow us" line with a new wording, a footer — is boilerplate even when no
//! rule names it. Only short lines are counted, so that the paragraphs of a
//! syndicated article, which repeat across copies, are left for dedup to judge.
//!
//! Documents are counted by their text, not one per record: a feed fetched
//! every night repeats its items, and the same page saved twice (or in two
//! encodings) is one document. Counting copies would find a one-line item
//! "frequent" in its own three copies and empty it. Per line the counter
//! keeps the smallest few distinct document hashes; the smallest k of a
//! union are the smallest k of the smallest k of each part, so counts from
//! shards, chunks and earlier runs merge in any order to the same answer.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::hash_map::Entry;

use super::{fold_quotes, Cleaned, KeptLine};

/// Reason recorded in `boilerplate.parquet` for lines removed here.
pub const REASON: &str = "frequent_line";

/// Distinct documents remembered per line at least, whatever `min_docs`
/// is, so that counts kept by one run still decide for a later run with a
/// higher `frequent_min_docs` (up to this many).
const KEPT_DOCS: usize = 8;

/// The short lines of one document and the hash of its whole text (pure:
/// computed in parallel by [`FrequentLineCounter::short_lines`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocLines {
    /// xxh3 of the document's kept lines: copies of one text share it.
    pub doc: u64,
    /// Distinct hashes of its short lines, ascending.
    pub lines: Vec<u64>,
}

/// Counts, per group, in how many distinct documents each short line
/// appears. Fed one chunk of documents at a time; holds one entry per
/// distinct (group, short line), keyed by hashes rather than text.
#[derive(Debug, Default)]
pub struct FrequentLineCounter {
    max_words: usize,
    /// Document hashes kept per line: `max(min_docs, KEPT_DOCS)`.
    keep: usize,
    groups: HashMap<String, u32>,
    /// Lines seen in one document so far, with that document's hash: most
    /// short lines, so they cost no more than a count did.
    once: HashMap<(u32, u64), u64>,
    /// Lines seen in two or more distinct documents: the `keep` smallest
    /// document hashes, ascending.
    many: HashMap<(u32, u64), Vec<u64>>,
}

/// The lines found frequent: apply to each document.
#[derive(Debug, Default)]
pub struct FrequentLines {
    groups: HashMap<String, u32>,
    frequent: HashSet<(u32, u64)>,
}

/// Hash of a kept line as counted: quotes folded, so that copies of a line
/// differing only in them (a slogan typed two ways) are one line, and the
/// hashes of runs before the text kept its quotes still match.
fn line_hash(text: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64(fold_quotes(text).as_bytes())
}

/// Adds `doc` to the ascending `smallest`, which keeps at most `keep`.
fn insert_smallest(smallest: &mut Vec<u64>, doc: u64, keep: usize) {
    if let Err(at) = smallest.binary_search(&doc) {
        if at < keep {
            smallest.insert(at, doc);
            smallest.truncate(keep);
        }
    }
}

impl FrequentLineCounter {
    /// Counts lines of at most `max_words` words, for a threshold of
    /// `min_docs` documents.
    pub fn new(max_words: usize, min_docs: usize) -> FrequentLineCounter {
        FrequentLineCounter {
            max_words,
            keep: min_docs.max(KEPT_DOCS),
            ..FrequentLineCounter::default()
        }
    }

    /// The document hash and distinct short-line hashes of one document.
    pub fn short_lines(&self, doc: &Cleaned) -> DocLines {
        let mut text = xxhash_rust::xxh3::Xxh3::new();
        for line in &doc.kept {
            text.update(fold_quotes(&line.text).as_bytes());
            text.update(b"\n");
        }
        let mut lines: Vec<u64> = doc
            .kept
            .iter()
            // A fenced code block is content whatever its lines look like
            // (a closing brace is in every Rust page of a site).
            .filter(|l| !l.code)
            .map(|l| l.text.as_str())
            .filter(|t| t.split_whitespace().count() <= self.max_words)
            // A table row repeats its shape, not its numbers: a row found
            // in several documents is the same result reported twice.
            .filter(|t| !super::shape::is_table_row(t))
            .map(line_hash)
            .collect();
        lines.sort_unstable();
        lines.dedup();
        DocLines {
            doc: text.digest(),
            lines,
        }
    }

    fn group_id(&mut self, group: &str) -> u32 {
        let next = self.groups.len() as u32;
        match self.groups.get(group) {
            Some(&g) => g,
            None => {
                self.groups.insert(group.to_string(), next);
                next
            }
        }
    }

    /// Counts one document of `group` by its [`short_lines`](Self::short_lines).
    pub fn add(&mut self, group: &str, doc: &DocLines) {
        let group = self.group_id(group);
        for &line in &doc.lines {
            self.add_doc((group, line), doc.doc);
        }
    }

    /// Adds that the document hashed `doc` of `group` had the line hashed
    /// `line`: a row an earlier run or another shard kept (see
    /// [`FrequentLineCounter::rows`]).
    pub fn add_row(&mut self, group: &str, line: u64, doc: u64) {
        let group = self.group_id(group);
        self.add_doc((group, line), doc);
    }

    fn add_doc(&mut self, key: (u32, u64), doc: u64) {
        if let Some(smallest) = self.many.get_mut(&key) {
            insert_smallest(smallest, doc, self.keep);
            return;
        }
        match self.once.entry(key) {
            Entry::Vacant(e) => {
                e.insert(doc);
            }
            Entry::Occupied(e) if *e.get() != doc => {
                let other = e.remove();
                self.many.insert(key, vec![other.min(doc), other.max(doc)]);
            }
            Entry::Occupied(_) => {}
        }
    }

    /// Every (group, line hash, document hash) kept so far, sorted, so that a
    /// later run or pass can go on counting from them.
    pub fn rows(&self) -> Vec<(&str, u64, u64)> {
        self.rows_where(|_| true)
    }

    /// The rows of the lines found in at least `min_docs` documents.
    pub fn frequent_rows(&self, min_docs: usize) -> Vec<(&str, u64, u64)> {
        self.rows_where(|docs| min_docs >= 2 && docs >= min_docs)
    }

    fn rows_where(&self, keep_line: impl Fn(usize) -> bool) -> Vec<(&str, u64, u64)> {
        let names: HashMap<u32, &str> = self.groups.iter().map(|(n, &g)| (g, n.as_str())).collect();
        let names = &names;
        let once = self
            .once
            .iter()
            .filter(|_| keep_line(1))
            .map(|(&(g, line), &doc)| (names[&g], line, doc));
        let many = self
            .many
            .iter()
            .filter(|(_, docs)| keep_line(docs.len()))
            .flat_map(|(&(g, line), docs)| docs.iter().map(move |&doc| (names[&g], line, doc)));
        let mut rows: Vec<(&str, u64, u64)> = once.chain(many).collect();
        rows.sort_unstable();
        rows
    }

    /// The lines seen in at least `min_docs` distinct documents of their
    /// group (none when `min_docs` < 2: a line in one document is not
    /// "frequent").
    pub fn finish(self, min_docs: usize) -> FrequentLines {
        let frequent = if min_docs < 2 {
            HashSet::default()
        } else {
            self.many
                .into_iter()
                .filter(|(_, docs)| docs.len() >= min_docs)
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
    /// changing it: kept lines that are not frequent, joined by newlines,
    /// quotes folded to ASCII. Quality and dedup read this form, so that
    /// copies differing only in their quotes are one text.
    pub fn kept_text(&self, group: &str, doc: &Cleaned) -> String {
        let group = self.groups.get(group).copied();
        let mut out = String::new();
        let mut first = true;
        for line in &doc.kept {
            if self.is_frequent(group, line) {
                continue;
            }
            if !first {
                out.push('\n');
            }
            out.push_str(&fold_quotes(&line.text));
            first = false;
        }
        out
    }

    /// Moves the frequent lines of `doc` (of `group`) to its removed lines;
    /// returns how many.
    pub fn apply(&self, group: &str, doc: &mut Cleaned) -> u64 {
        let group = self.groups.get(group).copied();
        if !doc.kept.iter().any(|l| self.is_frequent(group, l)) {
            return 0;
        }
        let mut removed = 0;
        for line in std::mem::take(&mut doc.kept) {
            if self.is_frequent(group, &line) {
                doc.removed.push(line.removed(REASON));
                removed += 1;
            } else {
                doc.kept.push(line);
            }
        }
        doc.removed.sort_by_key(|r| r.line_no);
        removed
    }

    /// Whether `line` of a document of `group` is frequent (never a line
    /// of a fenced code block).
    fn is_frequent(&self, group: Option<u32>, line: &KeptLine) -> bool {
        !line.code
            && !self.frequent.is_empty()
            && group.is_some_and(|g| self.frequent.contains(&(g, line_hash(&line.text))))
    }
}

/// Finds lines of at most `max_words` words that occur in at least `min_docs`
/// documents of the same group, and moves them to the removed lines.
///
/// `groups[i]` is the site/source group of document `i`. Counting is over
/// distinct documents: a line repeated inside one page counts once, and so
/// do copies of one text.
pub fn remove_frequent_lines(
    docs: &mut [Cleaned],
    groups: &[String],
    min_docs: usize,
    max_words: usize,
) -> u64 {
    let mut counter = FrequentLineCounter::new(max_words, min_docs);
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
                    code: false,
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
    fn a_line_typed_with_either_quotes_is_one_line() {
        let mut docs = vec![
            doc(&["Story one.", "Don't miss a story"]),
            doc(&["Story two.", "Don\u{2019}t miss a story"]),
            doc(&["Story three.", "Don't miss a story"]),
        ];
        let groups = ["a", "a", "a"].map(String::from);
        assert_eq!(remove_frequent_lines(&mut docs, &groups, 3, 12), 3);
        // A copy that differs only in its quotes is the same text.
        let mut docs = vec![
            doc(&["\u{201C}Storm\u{201D} closes the M5"]),
            doc(&["\"Storm\" closes the M5"]),
            doc(&["\"Storm\" closes the M5"]),
        ];
        assert_eq!(remove_frequent_lines(&mut docs, &groups, 3, 12), 0);
    }

    #[test]
    fn code_lines_are_never_frequent() {
        let mut docs: Vec<Cleaned> = ["One.", "Two.", "Three."]
            .iter()
            .map(|t| {
                let mut d = doc(&[t, "```", "}", "```"]);
                d.kept.iter_mut().skip(1).for_each(|l| l.code = true);
                d
            })
            .collect();
        let groups = ["a", "a", "a"].map(String::from);
        assert_eq!(remove_frequent_lines(&mut docs, &groups, 3, 12), 0);
    }

    #[test]
    fn long_lines_are_never_frequent() {
        let long = "word ".repeat(20);
        let mut docs = vec![doc(&[&long]), doc(&[&long]), doc(&[&long])];
        let groups = ["a", "a", "a"].map(String::from);
        assert_eq!(remove_frequent_lines(&mut docs, &groups, 2, 12), 0);
    }

    #[test]
    fn copies_of_one_text_count_once() {
        // One feed item in three nightly dumps: not boilerplate.
        let item = ["Storm closes the M5 near Bristol"];
        let mut docs = vec![doc(&item), doc(&item), doc(&item)];
        let groups = ["a", "a", "a"].map(String::from);
        assert_eq!(remove_frequent_lines(&mut docs, &groups, 3, 12), 0);
        assert!(docs.iter().all(|d| d.kept.len() == 1));
        // A third distinct page makes the shared line frequent again.
        docs.push(doc(&["Other story.", item[0]]));
        docs.push(doc(&["Third story.", item[0]]));
        let groups = ["a"; 5].map(String::from);
        assert_eq!(remove_frequent_lines(&mut docs, &groups, 3, 12), 5);
    }

    #[test]
    fn counts_merge_to_the_same_rows_in_any_split_and_order() {
        let docs: Vec<Cleaned> = (0..30)
            .map(|i| {
                let story = format!("Story number {i}.");
                let footer = format!("Footer {}", i % 4);
                doc(&[story.as_str(), footer.as_str(), "Follow us"])
            })
            .collect();
        let count = |docs: &[Cleaned]| {
            let mut c = FrequentLineCounter::new(12, 3);
            for d in docs {
                let lines = c.short_lines(d);
                c.add("a", &lines);
            }
            c
        };
        let whole = count(&docs);
        for split in [1, 7, 29] {
            let (left, right) = (count(&docs[..split]), count(&docs[split..]));
            for (into, from) in [(&left, &right), (&right, &left)] {
                let mut merged = FrequentLineCounter::new(12, 3);
                for (g, l, d) in into.rows().into_iter().chain(from.rows()) {
                    merged.add_row(g, l, d);
                }
                assert_eq!(merged.rows(), whole.rows(), "split at {split}");
            }
        }
        // "Follow us" is in 30 documents; 8 of them are kept.
        let follow = line_hash("Follow us");
        assert_eq!(
            whole.rows().iter().filter(|r| r.1 == follow).count(),
            KEPT_DOCS
        );
        // The four footers are in 8, 8, 7 and 7 documents.
        assert_eq!(whole.frequent_rows(3).len(), 30 + KEPT_DOCS);
    }
}
