//! The body of a text dump: what the line classifier must not remove.
//!
//! The classifier scores lines by shape and position, and its densest-block
//! context removes whatever lies outside the main run of prose. On real
//! dumps that erased paragraphs split off by an "Advertisement" line or a
//! block of teasers, and the results tables and lists inside a body (short
//! lines full of numbers read as menus). This pass states what the body is
//! and restores it after the classifier:
//!
//! 1. a prose paragraph ([`Shape::Prose`]) is kept when it is chained to a
//!    kept paragraph across interruptions (an ad slot, a "Related articles"
//!    box, a table, a list, one section heading: a listicle's sections,
//!    each a heading, a list and a paragraph, chain too), or when the classifier
//!    kept no paragraph at all, unless an explicit signal names it (a
//!    comment section, a boilerplate phrase);
//! 2. between the first and the last kept prose paragraph, every line no
//!    rule or explicit signal names is kept: the other paragraphs, a
//!    listicle's entries (a name, a place and a category over each
//!    paragraph, more lines than the chain crosses), a table of contents,
//!    the labels of a fact box ("Location: Barcelona"), section headings,
//!    table rows and list items (a line a rule removed stays removed);
//! 3. a table that directly follows the last paragraph or precedes the
//!    first one (a wire item ending in standings) belongs to the body too;
//! 4. a document without prose whose lines are mostly a table (a wire item
//!    of results) keeps its table;
//! 5. a page without an article (a listing, an index, a collection: under
//!    [`MIN_ARTICLE_WORDS`] words of kept prose and rows, and under
//!    [`MIN_ARTICLE_SHARE`] of the page's words) keeps every line no rule
//!    or explicit signal names: its content is the short lines (headlines,
//!    standfirsts, product names) the classifier is there to remove around
//!    an article.
//!
//! Lists outside the prose span are not extended to: "Related articles" and
//! link lists below an article are lists too.

use super::shape::Shape;

/// One text line as the body pass sees it.
#[derive(Debug, Clone, Copy)]
pub struct BodyLine {
    pub shape: Shape,
    /// The classifier (or an earlier stage of this pass) keeps the line.
    pub kept: bool,
    /// An explicit boilerplate signal (a link, a boilerplate phrase, a
    /// caption credit, a comment section): never restored.
    pub explicit: bool,
    /// A rule already removed the line (an ad slot, a share line, a
    /// "Related articles" box): an interruption of the article, not an end.
    pub named: bool,
    /// Words in the line.
    pub words: f32,
}

/// Fewest rows that make a table outside the prose span.
const MIN_TABLE_ROWS: usize = 2;

/// Lines in a row, neither prose nor named, that a chain of paragraphs
/// crosses: a section's heading. On WCXB dev's article bodies wrapped as
/// text dumps (`benches/clean/run.sh`), ending the chain at any such line
/// lost more than a tenth of the prose of 44 % of the documents (listicles
/// and how-tos, a heading over every section); one line brings that to
/// 33 % with AEB's whole pages (where a chain must stop at teasers) as
/// good as before; two, 26 %, but AEB's pages lose 0.006 F1 to teasers.
const MAX_HEADINGS: usize = 1;

/// Fewer words of kept prose and table rows than this (about four
/// sentences), and under [`MIN_ARTICLE_SHARE`] of the page, is a page
/// without an article. Chosen on WCXB dev's pages dumped to text
/// (`benches/wcxb/textdump.sh`, classifier threshold 0.62: 30 words 0.791,
/// 50 0.795, 80 0.800 against 0.782 without; listing pages 0.454 → 0.577),
/// AEB's whole pages (0.899 → 0.898) and the clean bench's dev corpora
/// (site lines removed within 0.1 point).
const MIN_ARTICLE_WORDS: f32 = 80.0;

/// A short article among long site lines (a two-paragraph item under
/// teasers that are real sentences) holds more than this share of the
/// page's words; a listing's one standfirst does not. Without it a
/// one-paragraph news item kept all its site lines.
const MIN_ARTICLE_SHARE: f32 = 0.1;

/// Marks the body's lines as kept (see the module doc).
pub fn protect(lines: &mut [BodyLine]) {
    protect_article(lines);
    let article: f32 = lines
        .iter()
        .filter(|l| l.kept && matches!(l.shape, Shape::Prose | Shape::Row))
        .map(|l| l.words)
        .sum();
    let page: f32 = lines.iter().map(|l| l.words).sum();
    if article < MIN_ARTICLE_WORDS && article < MIN_ARTICLE_SHARE * page {
        for l in lines.iter_mut().filter(|l| !l.explicit && !l.named) {
            l.kept = true;
        }
    }
}

/// Steps 1–4 of the module doc: the article's paragraphs, and the tables,
/// lists and headings inside it.
fn protect_article(lines: &mut [BodyLine]) {
    let prose = |l: &BodyLine| l.shape == Shape::Prose && !l.explicit;
    let core: Vec<usize> = (0..lines.len())
        .filter(|&k| lines[k].kept && prose(&lines[k]))
        .collect();
    if core.is_empty() {
        // Nothing the classifier trusts: a document that has prose keeps it.
        for l in lines.iter_mut().filter(|l| prose(l)) {
            l.kept = true;
        }
    } else {
        // Paragraphs chained to the kept ones across interruptions: lines
        // a rule or an explicit signal names, tables and lists, and one
        // other line (a section's heading). Two other lines in a row (a
        // headline over a standfirst, an author's name over a bio) end the
        // chain: prose past them is another text on the page (teasers, a
        // bio, comments) and the classifier's to judge. On whole pages
        // rendered to text (AEB) protecting all prose cost 0.03 F1.
        let interruption = |l: &BodyLine| {
            l.named || l.explicit || matches!(l.shape, Shape::Row | Shape::Item | Shape::Lead)
        };
        for backwards in [false, true] {
            let mut chained = false;
            let mut headings = 0;
            for j in 0..lines.len() {
                let k = if backwards { lines.len() - 1 - j } else { j };
                if prose(&lines[k]) {
                    lines[k].kept |= chained;
                    chained = lines[k].kept;
                    headings = 0;
                } else if !interruption(&lines[k]) {
                    headings += 1;
                    if headings > MAX_HEADINGS {
                        chained = false;
                    }
                } else if !lines[k].named && !lines[k].explicit {
                    // A table or list of the body between two headings:
                    // they are not in a row.
                    headings = 0;
                }
            }
        }
    }
    let prose: Vec<usize> = (0..lines.len())
        .filter(|&k| lines[k].kept && lines[k].shape == Shape::Prose)
        .collect();
    let (Some(&first), Some(&last)) = (prose.first(), prose.last()) else {
        keep_tables(lines, 0, lines.len());
        return;
    };
    // A paragraph between two of the article's is the article's, however
    // many short lines head it: a listicle's entry has a name, a place
    // and a category over its paragraph, which the chain reads as a
    // teaser's headline and author.
    for l in &mut lines[first..=last] {
        if l.shape == Shape::Prose && !l.explicit {
            l.kept = true;
        }
    }
    // Everything else between them is the article's too, unless a rule or
    // a signal names it (an ad slot, a "Read more" link): on WCXB dev's
    // article bodies as text dumps, keeping only a section's heading (a
    // line over the next paragraph) lost more than a tenth of the prose of
    // 14.2 % of the documents (a table of contents, a fact box's "Date:" and
    // "Location:" lines); keeping every such line, 8.7 %, with as many
    // site lines removed, and WCXB dev's whole pages dumped to text scored
    // 0.801 → 0.804 F1.
    // Rows and items count as the article's even where a rule named them,
    // for step 5's measure of the article (the line itself stays removed).
    for l in &mut lines[first..=last] {
        if !l.kept && !l.explicit {
            l.kept = !l.named || matches!(l.shape, Shape::Row | Shape::Item);
        }
    }
    // A table right below the last paragraph or right above the first.
    let below = table_run(lines, last + 1, 1);
    keep_range(lines, below);
    let above = table_run(lines, first, -1);
    keep_range(lines, above);
}

/// The table run starting next to `from` in direction `step` (+1: lines
/// `from..`, -1: lines `..from` backwards): rows, with the headings and
/// leads that sit right above a row; empty unless it has
/// [`MIN_TABLE_ROWS`] rows.
fn table_run(lines: &[BodyLine], from: usize, step: isize) -> std::ops::Range<usize> {
    let shape_at = |k: isize| {
        usize::try_from(k)
            .ok()
            .and_then(|k| lines.get(k))
            .map(|l| l.shape)
    };
    let mut k = if step > 0 {
        from as isize
    } else {
        from as isize - 1
    };
    let (mut rows, mut first, mut last) = (0usize, None, None);
    while let Some(shape) = shape_at(k) {
        if lines[k as usize].explicit {
            break;
        }
        // A heading ("Division two") or a lead ("Standings:") belongs to
        // the table below it; a lead may also stand above a heading.
        let heads_table = shape_at(k + 1) == Some(Shape::Row)
            || (shape == Shape::Lead
                && shape_at(k + 1) == Some(Shape::Short)
                && shape_at(k + 2) == Some(Shape::Row));
        match shape {
            Shape::Row => rows += 1,
            Shape::Short | Shape::Lead if heads_table => {}
            _ => break,
        }
        first.get_or_insert(k);
        last = Some(k);
        k += step;
    }
    match (first, last) {
        (Some(a), Some(b)) if rows >= MIN_TABLE_ROWS => {
            let (lo, hi) = (a.min(b) as usize, a.max(b) as usize);
            // A run ends on a row, not on a heading without its table.
            let hi = (lo..=hi)
                .rev()
                .find(|&i| lines[i].shape == Shape::Row)
                .unwrap_or(hi);
            lo..hi + 1
        }
        _ => 0..0,
    }
}

fn keep_range(lines: &mut [BodyLine], range: std::ops::Range<usize>) {
    for l in &mut lines[range] {
        l.kept = true;
    }
}

/// A document without prose: keep its tables when they are most of it.
fn keep_tables(lines: &mut [BodyLine], from: usize, to: usize) {
    let rows = lines[from..to]
        .iter()
        .filter(|l| l.shape == Shape::Row && !l.explicit)
        .count();
    let text = lines[from..to]
        .iter()
        .filter(|l| !l.explicit && l.shape != Shape::Short)
        .count();
    if rows < MIN_TABLE_ROWS || rows * 2 < text {
        return;
    }
    let mut k = from;
    while k < to {
        let run = table_run(lines, k, 1);
        if run.is_empty() {
            k += 1;
        } else {
            k = run.end;
            keep_range(lines, run);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::shape::shape;

    fn run(lines: &[(&str, bool)]) -> Vec<bool> {
        let mut body: Vec<BodyLine> = lines
            .iter()
            .map(|&(t, kept)| BodyLine {
                shape: shape(t),
                kept,
                explicit: false,
                named: t == "Advertisement",
                words: t.split_whitespace().count() as f32,
            })
            .collect();
        protect(&mut body);
        body.iter().map(|l| l.kept).collect()
    }

    const P1: &str = "The council voted on Tuesday to expand the bus network, officials said.";
    const P2: &str = "The new routes would start in March, and fares would stay the same.";

    #[test]
    fn prose_is_kept_wherever_it_sits() {
        // Nothing kept: every paragraph is.
        // (A line between two paragraphs heads the second.)
        let kept = run(&[
            ("Related articles", false),
            (P1, false),
            ("How it works", false),
            (P2, false),
        ]);
        assert_eq!(kept, [false, true, true, true]);
        // A paragraph past an ad slot continues the article, and so does
        // one past a section's heading; past two unnamed lines (a teaser's
        // headline and its author) it is the classifier's.
        let kept = run(&[(P1, true), ("Advertisement", false), (P2, false)]);
        assert_eq!(kept, [true, false, true]);
        let kept = run(&[
            (P1, true),
            ("How the routes were chosen", false),
            (P2, false),
        ]);
        assert_eq!(kept, [true, true, true]);
        let kept = run(&[
            (P1, true),
            ("Teaser headline here", false),
            ("Jane Doe", false),
            (P2, false),
        ]);
        assert_eq!(kept, [true, false, false, false]);
    }

    #[test]
    fn headings_with_a_list_between_them_do_not_end_the_article() {
        // A listicle: each section is a heading, a list and a paragraph.
        // Two headings with a list between are not in a row.
        let kept = run(&[
            (P1, true),
            ("1. The first agency", false),
            ("- raise taxes on fuel", false),
            ("- cut the bus fares", false),
            ("Key results", false),
            (P2, false),
        ]);
        assert_eq!(kept, [true; 6]);
        // An ad slot between them does not part them.
        let kept = run(&[
            (P1, true),
            ("Teaser headline here", false),
            ("Advertisement", false),
            ("Jane Doe", false),
            (P2, false),
        ]);
        assert_eq!(kept, [true, false, false, false, false]);
    }

    #[test]
    fn a_paragraph_between_two_of_the_article_is_kept() {
        // A listicle's entries: a name, a place and a category over each
        // paragraph; the chain stops at two such lines, the span does not,
        // and keeps the entries' lines with their paragraphs. Past the
        // article's last paragraph the teaser is the classifier's.
        let kept = run(&[
            (P1, true),
            ("Agi's Counter", false),
            ("Crown Heights", false),
            ("European", false),
            (P2, false),
            ("Alta Calidad", false),
            ("Prospect Heights", false),
            (P1, true),
            ("Teaser headline here", false),
            ("Jane Doe", false),
            (P2, false),
        ]);
        assert_eq!(
            kept,
            [true, true, true, true, true, true, true, true, false, false, false]
        );
    }

    #[test]
    fn a_table_of_contents_and_a_fact_box_inside_the_body_are_kept() {
        // Short lines in a row between two paragraphs of the article (its
        // contents, an event's "Date:" and "Location:") are its text; an
        // ad slot a rule names is not.
        let kept = run(&[
            (P1, true),
            ("Cherry Servers (SMB)", false),
            ("Leaseweb (SMB)", false),
            ("Advertisement", false),
            ("AWS Outposts (Hyperscaler)", false),
            ("Location: Barcelona, Spain", false),
            ("Focus: Mobile tech, telecom, 5G", false),
            (P2, false),
            (P1, true),
        ]);
        assert_eq!(
            kept,
            [true, true, true, false, true, true, true, true, true]
        );
    }

    #[test]
    fn rows_and_items_inside_the_body_are_kept() {
        let kept = run(&[
            ("Home", false),
            (P1, true),
            ("Results on Friday:", false),
            ("Plymouth 2 Preston 1", false),
            ("Division two", false),
            ("Swansea 1 Lincoln 2", false),
            ("- raise taxes on fuel", false),
            (P2, true),
            ("Arsenal 10 7 2 1 20 8 23", false),
            ("Chelsea 10 6 2 2 18 9 20", false),
            ("Share this", false),
        ]);
        assert_eq!(
            kept,
            [false, true, true, true, true, true, true, true, true, true, false]
        );
    }

    #[test]
    fn lists_outside_the_prose_are_left_to_the_classifier() {
        let kept = run(&[
            (P1, true),
            ("• Story one here", false),
            ("• Story two here", false),
        ]);
        assert_eq!(kept, [true, false, false]);
    }

    #[test]
    fn a_page_without_an_article_keeps_its_short_lines() {
        // A listing: headlines and one standfirst, no article. Its lines
        // are its content; a rule's removals stay removed.
        let mut listing = vec![("Advertisement", false)];
        for _ in 0..12 {
            listing.push(("Council approves the new bus routes", false));
            listing.push(("Stadium plans go to a public vote", false));
        }
        listing.push((P1, true));
        let kept = run(&listing);
        assert!(!kept[0]);
        assert!(kept[1..].iter().all(|&k| k));
        // A short article among site lines is an article: the classifier's
        // removals stand.
        let kept = run(&[
            ("Home News Sport", false),
            (P1, true),
            (P2, true),
            ("Stadium plans go to a public vote", false),
        ]);
        assert_eq!(kept, [false, true, true, false]);
    }

    #[test]
    fn a_wire_table_without_prose_is_kept() {
        let kept = run(&[
            ("Soccer - English league results", false),
            ("Plymouth 2 Preston 1", false),
            ("Swansea 1 Lincoln 2", false),
            ("Arsenal 2 Chelsea 1", false),
        ]);
        // The heading above the rows is the table's.
        assert_eq!(kept, [true, true, true, true]);
    }
}
