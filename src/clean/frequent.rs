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
    if min_docs < 2 {
        return 0;
    }
    let mut counts: HashMap<(&str, &str), usize> = HashMap::new();
    for (doc, group) in docs.iter().zip(groups) {
        let distinct: HashSet<&str> = doc
            .kept
            .iter()
            .map(|l| l.text.as_str())
            .filter(|t| t.split_whitespace().count() <= max_words)
            .collect();
        for line in distinct {
            *counts.entry((group.as_str(), line)).or_default() += 1;
        }
    }
    // Decide with borrowed text first, then move lines: no per-line copies.
    let drop: Vec<Vec<bool>> = docs
        .iter()
        .zip(groups)
        .map(|(doc, group)| {
            doc.kept
                .iter()
                .map(|l| counts.get(&(group.as_str(), l.text.as_str())) >= Some(&min_docs))
                .collect()
        })
        .collect();
    let mut removed = 0;
    for (doc, drop) in docs.iter_mut().zip(drop) {
        if !drop.contains(&true) {
            continue;
        }
        let lines = std::mem::take(&mut doc.kept);
        for (line, gone) in lines.into_iter().zip(drop) {
            if gone {
                doc.removed.push(line.removed(REASON));
                removed += 1;
            } else {
                doc.kept.push(line);
            }
        }
        doc.removed.sort_by_key(|r| r.line_no);
    }
    removed
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
            removed: Vec::new(),
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
