//! Hard-wrapped text: paragraphs broken into lines at a fixed width.
//!
//! Files written for terminals and mail (RFCs, READMEs, release notes,
//! specifications, mailing-list archives, Project Gutenberg books) break
//! every paragraph into lines of at most 70 or 80 characters. Read a line
//! at a time, each is a fragment: "even when the first field happens to be
//! a pointer, but sparse" has no sentence end, "been corrected." repeats
//! an earlier fragment, and the classifier took them for teasers and
//! menus. dpkg's trigger specification lost two thirds of its text and
//! git's release notes came out as broken sentences. So the lines of a
//! hard-wrapped paragraph are joined into one before any rule or the
//! classifier reads them, and `documents.text` holds the paragraph as one
//! line, as it holds a web page's.
//!
//! A line continues on the next when the next line's first word would
//! have fitted on it no more (the test a text wrapper applies), at the
//! width most lines stay within, or when a sentence runs on from it in
//! lower case (text wrapped by hand is ragged). A document is hard-wrapped only when that
//! joins a good share of its lines; a dump of a web page (one block a
//! line, many longer than the width) never is. Without blank lines (OCR
//! output, some mail archives) a paragraph ends at its short last line,
//! and the test is stricter: most lines fill the width and continue, most
//! continuations in lower case, so that a list of headlines of one length
//! is not read as text, nor the cleaned text (a paragraph a line) again.

use std::ops::Range;

use super::shape::starts_bullet;
use crate::stages::script::is_spaceless_char;

/// Fewest non-blank lines of a hard-wrapped document.
const MIN_LINES: usize = 8;

/// The width most lines stay within (the 95th percentile of their
/// lengths) must lie in this range of characters: 72 and 80 are usual,
/// some tools wrap at 100; a page dump's lines run to hundreds.
const WIDTHS: Range<usize> = 40..101;

/// Share of non-blank lines that must continue on the next one: a page
/// whose lines happen to reach the width now and then is not wrapped.
const MIN_JOINED_SHARE: f32 = 0.25;

/// Share of lines that must fill four fifths of the width, and share that
/// must continue, in a hard-wrapped text without blank lines.
const NO_BLANK_SHARE: f32 = 0.5;

/// The lines of each paragraph of a hard-wrapped document, in order,
/// covering every line (a line that continues nowhere is its own range),
/// or `None` when the document is not hard-wrapped. `code[i]` marks lines
/// of fenced code, which are never joined.
pub fn paragraphs(lines: &[&str], code: &[bool]) -> Option<Vec<Range<usize>>> {
    // Most dumps fail the cheap test: few lines.
    let blank = lines.iter().filter(|l| l.trim().is_empty()).count();
    if lines.len() - blank < MIN_LINES {
        return None;
    }
    let lengths: Vec<usize> = lines.iter().map(|l| l.trim_end().chars().count()).collect();
    let mut widths: Vec<usize> = lengths.iter().copied().filter(|&n| n > 0).collect();
    widths.sort_unstable();
    let width = widths[(widths.len() - 1) * 95 / 100];
    if !WIDTHS.contains(&width) {
        return None;
    }
    let continues = |i: usize| {
        let (this, next) = (lines[i].trim(), lines[i + 1].trim());
        !this.is_empty()
            && !next.is_empty()
            && !code[i]
            && !code[i + 1]
            && !starts_block(next)
            && !is_rule(this)
            && !is_columns(this)
            && !is_columns(next)
            && indent(lines[i + 1]) <= indent(lines[i]) + MAX_INDENT_STEP
            // Text, not indentation, fills half the width: a browser's
            // nested menu is indented that far.
            && 2 * this.chars().count() >= width
            && (lengths[i] + 1 + first_word_chars(next) > width || breaks_a_sentence(this, next))
    };
    let joined: Vec<bool> = (0..lines.len().saturating_sub(1)).map(continues).collect();
    let joins = joined.iter().filter(|&&j| j).count();
    if (joins as f32) < MIN_JOINED_SHARE * widths.len() as f32 {
        return None;
    }
    // Without blank lines (OCR output, some mail archives) nothing parts
    // the paragraphs but their short last lines, and a list of headlines
    // of about one length could pass for text: most lines must then fill
    // the width, as a wrapper fills them, and continue, and most of those
    // continue a sentence in lower case (a headline starts upper case).
    if blank == 0 {
        let full = lengths.iter().filter(|&&n| n * 5 >= width * 4).count();
        let lower = (0..joined.len())
            .filter(|&i| joined[i] && lines[i + 1].trim_start().starts_with(char::is_lowercase))
            .count();
        let share = |n: usize| n as f32 / widths.len() as f32;
        if share(full) < NO_BLANK_SHARE || share(joins) < NO_BLANK_SHARE || 2 * lower < joins {
            return None;
        }
    }
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..lines.len() {
        if !joined.get(i).copied().unwrap_or(false) {
            out.push(start..i + 1);
            start = i + 1;
        }
    }
    Some(out)
}

/// The lines of one paragraph as one line: trimmed and joined by a space,
/// except where both sides are of a script written without spaces
/// (Chinese, Japanese, Thai), where a space would split a word.
pub fn join(lines: &[&str]) -> String {
    let mut out = String::new();
    for line in lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
        let spaceless = |c: Option<char>| c.is_some_and(is_spaceless_char);
        let glued = spaceless(out.chars().last()) && spaceless(line.chars().next());
        if !out.is_empty() && !glued {
            out.push(' ');
        }
        out.push_str(line);
    }
    out
}

/// A line that starts a block of its own: a list item, a heading, a quoted
/// line, a table row or a heading's underline.
fn starts_block(t: &str) -> bool {
    let mut chars = t.chars();
    let c0 = chars.next().unwrap_or(' ');
    let c1 = chars.next().unwrap_or(' ');
    let c2 = chars.next().unwrap_or(' ');
    // A list item as the shape tests read one, or "o Item": the
    // second-level bullet of text browsers (inscriptis, lynx), not the
    // Portuguese article "o governo".
    let bullet = starts_bullet(t) || (c0 == 'o' && c1 == ' ' && !c2.is_lowercase());
    let numbered = {
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        // "1. Item", not "2.27, which" (a version wrapped to the line start).
        digits > 0
            && digits <= 3
            && (t[digits..].starts_with(". ") || t[digits..].starts_with(") "))
    };
    bullet || numbered || matches!(c0, '#' | '>' | '|') || is_rule(t)
}

/// Most columns a continuation line is indented past its first line: a
/// list item's text lines up under the item's words; a code sample or a
/// quotation is indented further.
const MAX_INDENT_STEP: usize = 3;

/// Leading whitespace, a tab counting as eight.
fn indent(line: &str) -> usize {
    line.chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| if c == '\t' { 8 } else { 1 })
        .sum()
}

/// A line laid out in columns (a file list, a table): a run of three
/// spaces or a tab between its words. Prose has at most two, after a full
/// stop.
fn is_columns(t: &str) -> bool {
    t.trim().contains("   ") || t.trim().contains('\t')
}

/// A line of punctuation only: a heading's underline or a separator.
fn is_rule(t: &str) -> bool {
    !t.is_empty()
        && t.chars()
            .all(|c| matches!(c, '=' | '-' | '~' | '_' | '*' | '#'))
}

/// A sentence broken across two lines: this one does not end it and the
/// next goes on in lower case. Text wrapped by hand is ragged (a line may
/// stop well short of the width), but a sentence still runs on.
fn breaks_a_sentence(this: &str, next: &str) -> bool {
    !this.ends_with(['.', '!', '?', ':', ';']) && next.starts_with(|c: char| c.is_lowercase())
}

fn first_word_chars(t: &str) -> usize {
    t.split_whitespace().next().map_or(0, |w| w.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(text: &str) -> Option<Vec<Range<usize>>> {
        let lines: Vec<&str> = text.lines().collect();
        paragraphs(&lines, &vec![false; lines.len()])
    }

    /// Release notes wrapped at 70 columns (written for this test, in the
    /// style of git's).
    const WRAPPED: &str = "\
Tool 2.28 Release Notes
=======================

Updates since v2.27
-------------------

 * The \"fetch.writeIndex\" option is deemed to be still a bit too risky
   and is no longer part of the \"feature.experimental\" set.

 * The network client has been taught to honor the configuration of
   the remote helper and the fetch process when the server side fails
   to respond, which has been corrected.

The \"--no-checkout\" option of \"tool clone\" was changed accidentally in
2.27, which has been corrected; the behaviour in 2.26 is restored and
the test suite checks it now.
";

    #[test]
    fn a_wrapped_paragraph_is_one_range() {
        let p = paras(WRAPPED).expect("wrapped");
        let lines: Vec<&str> = WRAPPED.lines().collect();
        let joined: Vec<String> = p
            .iter()
            .map(|r| {
                lines[r.clone()]
                    .iter()
                    .map(|l| l.trim())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        // Headings and their underlines stay apart; each item and each
        // paragraph is one.
        assert!(joined.contains(&"Tool 2.28 Release Notes".to_string()));
        assert!(joined.contains(&"=======================".to_string()));
        assert!(joined
            .iter()
            .any(|j| j.starts_with("* The \"fetch.writeIndex\"")
                && j.ends_with("\"feature.experimental\" set.")));
        assert!(joined.iter().any(|j| j.starts_with("The \"--no-checkout\"")
            && j.ends_with("the test suite checks it now.")));
        // Every line is in exactly one range, in order.
        let flat: Vec<usize> = p.iter().flat_map(|r| r.clone()).collect();
        assert_eq!(flat, (0..lines.len()).collect::<Vec<_>>());
    }

    #[test]
    fn lines_join_with_a_space_except_inside_a_spaceless_script() {
        assert_eq!(
            join(&["  The council met", "on Tuesday.  "]),
            "The council met on Tuesday."
        );
        assert_eq!(
            join(&["北京市今天发布了新的", "交通规则。"]),
            "北京市今天发布了新的交通规则。"
        );
        assert_eq!(
            join(&["版本 2.28 的", "release notes"]),
            "版本 2.28 的 release notes"
        );
    }

    /// Wrapped at 64 columns without blank lines (as OCR output comes),
    /// written for this test.
    const NO_BLANKS: &str = "\
The council met on Tuesday evening to discuss the new bus
network, which officials say will connect the northern suburbs
with the city centre for the first time in twenty years.
Residents had asked for the change since the old tram line
closed.
Members of the transport committee asked for more time to read
the plan, and the vote was moved to the spring session. A
spokesman said the delay would not change the opening date of
the first routes.
Fares will stay the same for at least two years.";

    #[test]
    fn a_wrapped_text_without_blank_lines_is_parted_at_short_last_lines() {
        let p = paras(NO_BLANKS).expect("wrapped");
        assert_eq!(p, [0..5, 5..9, 9..10]);
        // Its cleaned text (a paragraph a line) is not joined again.
        let lines: Vec<&str> = NO_BLANKS.lines().collect();
        let cleaned: Vec<String> = p.iter().map(|r| join(&lines[r.clone()])).collect();
        assert_eq!(paras(&cleaned.join("\n")), None);
        // Headlines of about one length, one a line, are not a text.
        let headlines = "\
Council delays vote on the new bus network until the spring
Fares to stay the same for two years, transport chief says
Residents of northern suburbs welcome plans for new routes
Old tram line to become a cycle path by the end of next year
Transport committee asks for more time to read the proposal
City centre traffic falls for the third month in a row
Spokesman says delay will not change opening of first routes
New timetable for night buses published on Monday morning";
        assert_eq!(paras(headlines), None);
    }

    #[test]
    fn page_dumps_and_cleaned_text_are_not_wrapped() {
        // One block a line, longer than any wrap width.
        let long = "The council voted on Tuesday to expand the bus network across the city, and officials said the new routes would start in March with fares unchanged.";
        let page =
            format!("Home\nNews\n\n{long}\n{long}\nShare this\n\n{long}\n{long}\n{long}\nSport");
        assert_eq!(paras(&page), None);
        // The cleaned text of a wrapped document: no blank lines.
        let cleaned: String = WRAPPED
            .lines()
            .filter(|l| !l.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(paras(&cleaned), None);
        // Short lines that never reach a width: a menu, a list.
        let menu = "Home\nNews\nSport\n\nWeather\nBusiness\nTechnology\nScience\nHealth\nArts";
        assert_eq!(paras(menu), None);
    }
}
