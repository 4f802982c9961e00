//! What a line reads as: a paragraph of prose, a row of a table, an item of
//! a list, or none of these.
//!
//! The clean stage removes lines by position (a section after "Related
//! articles", lines outside the page's densest block) and by frequency. Both
//! are right for menus and link lists and wrong for the article itself, so
//! every positional rule asks these tests first: prose is never removed by
//! position, and rows and items inside the body are content. The tests are
//! deliberately strict (a headline or a teaser without a full stop is not
//! prose), because whatever passes them is protected.

use regex::Regex;
use std::sync::OnceLock;

use super::words::words;

/// The kind of one normalized line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Reads as sentences: enough words, stop words, sentence punctuation.
    Prose,
    /// A row of a results, standings or market table: several numbers.
    Row,
    /// A bulleted or numbered list item.
    Item,
    /// A line introducing what follows ("Results on Friday:").
    Lead,
    /// A short line of a few words (a heading, a label, a menu item).
    Short,
    /// Anything else.
    Other,
}

/// Fewest words of a prose line. Shorter sentences ("He denied it.") are
/// left to the classifier: a short line is as likely a caption or a teaser.
const PROSE_MIN_WORDS: usize = 6;

/// Sentences sites put around every article.
const SITE_SENTENCE: &str = concat!(
    r"cookies?\b|all rights reserved|\bnewsletter|\bsubscri(?:be|ption)|\bsign (?:up|in)\b|",
    r"\bclick here\b|\bterms of (?:use|service)|privacy (?:policy|notice)|",
    r"(?:first|originally) (?:appeared|published) (?:on|in|at)\b|\bby continuing\b|",
    r"\bsponsored\b|\badvertis(?:e|ement|ing)\b|\bjavascript\b|\byour browser\b"
);
/// Words of page navigation and counters, which carry numbers too.
const COUNTER: &str = concat!(
    r"\b(?:page|next|prev(?:ious)?|older|newer|comments?|shares?|views?|likes?|replies|",
    r"votes?|reviews?|ratings?|followers?|min(?:ute)?s? read|ago)\b"
);

struct Res {
    /// Sentences sites put around every article.
    site_sentence: Regex,
    date: Regex,
    url: Regex,
    /// Words of page navigation and counters, which carry numbers too.
    counter: Regex,
    enumerated: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let ci = super::case_insensitive;
        // `site_sentence` and `counter` are only matched, never located, so
        // their `\b` can be spelled without look-around: Unicode `\b` sends
        // every non-ASCII line to the regex crate's slow engine.
        let ci_match = super::case_insensitive_no_word_boundaries;
        Res {
            site_sentence: ci_match(SITE_SENTENCE),
            date: ci(concat!(
                r"\b\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?|\b\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\b",
                r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? (?:\d{4})?",
                r"|\b\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,? (?:\d{4})?"
            )),
            url: ci(r"https?://|www\.|\S+@\S+\.\w+"),
            counter: ci_match(COUNTER),
            enumerated: Regex::new(r"^(?:\d{1,2}|[a-zA-Z])[.)]\s+\S").unwrap(),
        }
    })
}

/// The shape of one normalized line.
pub fn shape(line: &str) -> Shape {
    let r = res();
    let t = line.trim();
    shape_with(t, || words(t), None, r)
}

/// [`shape`] of a trimmed line whose words ([`words`], the matches of `\w+`, in
/// order) the caller has already found: the classifier splits every line
/// into the same words, and a second pass over each line was a third of
/// the clean stage's time. `stops[i]`: whether `words[i]` is a stop word
/// ([`crate::stopwords::is_stop_word_any_case`]), which the classifier
/// looks up too, so that no word is looked up twice.
pub fn shape_of_words(t: &str, words: &[&str], stops: &[bool]) -> Shape {
    shape_with(t, || words.iter().copied(), Some(stops), res())
}

fn shape_with<'a, I: Iterator<Item = &'a str>>(
    t: &'a str,
    words: impl Fn() -> I,
    stops: Option<&[bool]>,
    r: &Res,
) -> Shape {
    if t.is_empty() {
        return Shape::Other;
    }
    if is_prose_words(t, words(), stops, r) {
        return Shape::Prose;
    }
    if is_row_unless_prose(t, r) {
        return Shape::Row;
    }
    if is_item_with(t, r) {
        return Shape::Item;
    }
    let words = words().count();
    if t.ends_with(':') && words >= 2 {
        Shape::Lead
    } else if words <= 5 {
        Shape::Short
    } else {
        Shape::Other
    }
}

/// True when `line` reads as a paragraph of prose: at least six words (CJK
/// characters count as half a word), ends a sentence, has function words,
/// is not mostly capitalized words (a headline) and is not one of the
/// sentences sites print around every article (cookies, newsletters).
pub fn is_prose(line: &str) -> bool {
    is_prose_with(line.trim(), res())
}

/// Fewest words of a line that ends a section's list by being a sentence
/// ([`is_sentence`]).
const SENTENCE_MIN_WORDS: usize = 4;

/// True when `line` ends as a sentence (a full stop, question or
/// exclamation mark, not a teaser's "…") and has at least four words: not
/// necessarily prose (a Kazakh sentence of six words may have no listed
/// function word), but no link of a "Related articles" list either, which
/// reads as a headline.
pub fn is_sentence(line: &str) -> bool {
    let t = line.trim();
    ends_sentence(t) && words(t).nth(SENTENCE_MIN_WORDS - 1).is_some()
}

/// True when `line` is a row of a table: at least two numbers that are not
/// parts of a date or time (or one number and a column separator), not a
/// sentence, not a page counter ("Page 2 of 5", "12 comments").
pub fn is_table_row(line: &str) -> bool {
    is_row_with(line.trim(), res())
}

/// Which of `lines` belong to a pipe table: a run of consecutive lines with
/// the same number of `|` (at least two, so three cells or a markdown row)
/// of which at least one is a table row ([`is_table_row`]). Extraction
/// renders an HTML table row as `cell | cell` (markdown: `| cell | cell |`),
/// so a table's header ("Pos | Player | Points") and its rows of names and
/// numbers read like a site menu ("Help | RSS | Subscribe") to a rule that
/// sees one line; the run and its numbers say it is a table. A blank line
/// ends a run.
pub fn pipe_tables(lines: &[&str]) -> Vec<bool> {
    let pipes: Vec<usize> = lines.iter().map(|l| l.matches('|').count()).collect();
    let mut out = vec![false; lines.len()];
    let mut start = 0;
    while start < lines.len() {
        let n = pipes[start];
        let mut end = start + 1;
        while end < lines.len() && pipes[end] == n && !lines[end].trim().is_empty() {
            end += 1;
        }
        if n >= 2 && lines[start..end].iter().any(|l| is_table_row(l)) {
            out[start..end].fill(true);
        }
        start = end;
    }
    out
}

fn ends_sentence(t: &str) -> bool {
    let mut rev = t.chars().rev();
    let last = rev.next().unwrap_or(' ');
    let end = |c: char| matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | ';');
    if cut_short(t) {
        return false;
    }
    end(last) || (matches!(last, '"' | '\'' | ')' | '»' | '”' | '’') && rev.next().is_some_and(end))
}

/// A teaser cut short ("…", "..."), not a sentence, however many it holds.
fn cut_short(t: &str) -> bool {
    t.ends_with("...") || t.ends_with('…')
}

/// Fewest words of a paragraph that does not end a sentence but holds
/// [`INNER_SENTENCES`] of them: a quote signed "– NAME, role", a
/// paragraph ending in a citation or missing its full stop.
const UNENDED_PROSE_MIN_WORDS: usize = 20;

/// Sentence ends inside a line that make it prose without a final one.
const INNER_SENTENCES: usize = 2;

/// True when `t` holds [`INNER_SENTENCES`] sentence ends followed by a
/// capitalized word ("… growing. I get …") and is not a teaser cut short.
fn holds_sentences(t: &str) -> bool {
    if cut_short(t) {
        return false;
    }
    let mut n = 0;
    let mut it = t.chars().peekable();
    while let Some(c) = it.next() {
        if matches!(c, '.' | '!' | '?') && it.next_if_eq(&' ').is_some() {
            let next = it.peek().copied().unwrap_or(' ');
            if next.is_uppercase() || matches!(next, '"' | '“' | '«') {
                n += 1;
                if n >= INNER_SENTENCES {
                    return true;
                }
            }
        }
    }
    false
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ac00}'..='\u{d7af}')
}

fn is_prose_with(t: &str, r: &Res) -> bool {
    is_prose_words(t, words(t), None, r)
}

/// [`is_prose_with`] given the line's words (they are only read when the
/// cheap tests pass), and whether each is a stop word when the caller
/// knows.
fn is_prose_words<'a>(
    t: &str,
    all_words: impl Iterator<Item = &'a str>,
    known_stops: Option<&[bool]>,
    r: &Res,
) -> bool {
    let ends = ends_sentence(t);
    // Twenty words and the spaces between take 39 bytes at the least: the
    // scan for inner sentences is skipped on the short lines that are most
    // of a page.
    let unended = || t.len() + 1 >= 2 * UNENDED_PROSE_MIN_WORDS && holds_sentences(t);
    if !(ends || unended()) || starts_bullet(t) || r.url.is_match(t) {
        return false;
    }
    let (mut words, mut stops, mut cased, mut capital, mut cjk) = (0usize, 0, 0, 0, 0usize);
    for (i, w) in all_words.enumerate() {
        let n_cjk = w.chars().filter(|&c| is_cjk(c)).count();
        if n_cjk > 0 {
            cjk += n_cjk;
            continue;
        }
        words += 1;
        let c0 = w.chars().next().unwrap_or(' ');
        if c0.is_uppercase() || c0.is_lowercase() {
            cased += 1;
            capital += usize::from(c0.is_uppercase());
        }
        stops += usize::from(match known_stops {
            Some(known) => crate::stopwords::is_function_word_given(w, known[i]),
            None => crate::stopwords::is_function_word_any_case(w),
        });
    }
    let total = words + cjk / 2;
    let fewest = if ends {
        PROSE_MIN_WORDS
    } else {
        UNENDED_PROSE_MIN_WORDS
    };
    if total < fewest || r.site_sentence.is_match(t) {
        return false;
    }
    if cjk >= 20 {
        return true;
    }
    // Headlines capitalize most words; sentences do not (a sentence full of
    // names still has its verbs and function words in lower case).
    if cased > 0 && capital * 10 > cased * 7 {
        return false;
    }
    // A long line of lower-case words, whatever its stop words: languages
    // without a list, and those whose function words are mostly endings
    // (a Kazakh sentence of 12 words may have one "және"; when only lines
    // without any listed word counted, adding Kazakh words to the lists
    // took such sentences out of prose).
    let long_lower = words >= 12 && capital * 2 < cased;
    long_lower || (stops >= 2 && stops * 100 >= words * 15)
}

pub(super) fn starts_bullet(t: &str) -> bool {
    let mut it = t.chars();
    let c0 = it.next().unwrap_or(' ');
    let c1 = it.next().unwrap_or(' ');
    matches!(
        c0,
        '•' | '▪' | '■' | '►' | '▶' | '◦' | '●' | '◆' | '✓' | '✔'
            // Check marks, crosses and arrows of pros-and-cons and
            // to-do lists ("✅ Creating a welcome sequence").
            | '✅' | '☑' | '✗' | '✘' | '❌' | '➤' | '➔' | '➜' | '▸' | '‣' | '○'
    ) || (matches!(c0, '*' | '-' | '–' | '—' | '·' | '+') && c1 == ' ')
}

/// A whitespace token that is a number: digits with separators and signs
/// ("2", "5,616.21", "-31.12", "(+0.24%)", "$82.14", "6-3").
fn is_number(tok: &str) -> bool {
    let tok = tok.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | ',' | ';'));
    let digits = tok.chars().filter(char::is_ascii_digit).count();
    digits > 0
        && tok.chars().all(|c| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    '.' | ',' | '-' | '+' | '%' | '/' | ':' | '$' | '£' | '€' | '¥' | '−' | '–'
                )
        })
}

fn is_row_with(t: &str, r: &Res) -> bool {
    !is_prose_with(t, r) && is_row_unless_prose(t, r)
}

/// [`is_row_with`] for a line already known not to be prose.
fn is_row_unless_prose(t: &str, r: &Res) -> bool {
    if is_markdown_row(t) {
        return true;
    }
    // Every number has an ASCII digit ([`is_number`]), and taking dates
    // out adds none: most lines are settled without a regex.
    if !t.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    if r.url.is_match(t) || r.counter.is_match(t) {
        return false;
    }
    // Dates and times are not table values: "Updated 12:30, June 5, 2019"
    // has three numbers and is a dateline.
    let undated = r.date.replace_all(t, " ");
    let toks: Vec<&str> = undated.split_whitespace().collect();
    if toks.is_empty() || toks.len() > 30 {
        return false;
    }
    let numbers = toks.iter().filter(|w| is_number(w)).count();
    let columns = t.contains('\t') || t.matches('|').count() >= 2;
    numbers >= 2 || (numbers >= 1 && columns)
}

/// A row of a Markdown table: framed by pipes, with at least two cells
/// (`| Company | Type |`, its `|---|---|` rule too). Text written for
/// language models (Markdown output of extractors and crawlers) holds its
/// tables so; a row of names and words has no numbers to tell it from a
/// menu ("Home | About"), but a site's menu is not framed.
fn is_markdown_row(t: &str) -> bool {
    t.len() > 2 && t.starts_with('|') && t.ends_with('|') && t.matches('|').count() >= 3
}

fn is_item_with(t: &str, r: &Res) -> bool {
    let rest = if starts_bullet(t) {
        t.chars().skip(1).collect::<String>()
    } else if r.enumerated.is_match(t) {
        t.split_once(char::is_whitespace)
            .map_or(String::new(), |(_, rest)| rest.to_string())
    } else {
        return false;
    };
    words(&rest).count() >= 2 && !r.url.is_match(t) && !r.site_sentence.is_match(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_with_a_full_stop_and_have_words() {
        for line in [
            "Бірақ әзірге сұраныс аз.",
            "Осы бағыттағы жоспарды тыңдауым қажет.",
            "Who pays for it?",
        ] {
            assert!(is_sentence(line), "{line}");
        }
        for line in [
            "Сол кісі арқылы.",
            "Kazakhstan to join Abraham Accords",
            "Президент подписал закон о бюджете…",
            "Read more...",
        ] {
            assert!(!is_sentence(line), "{line}");
        }
    }

    /// Kazakh sentences: short ones by their function words, long ones by
    /// their length and lower case, with or without a listed word.
    #[test]
    fn kazakh_sentences_are_prose() {
        for line in [
            "Бұл жоба үшін бюджеттен қаржы бөлінді.",
            "Олар келер жылы Түпқараған және Мұнайлы ауданында іске қосылады деп күтілуде.",
            "Тағы 571 үйде жөндеу жұмыстары жүргізіліп жатыр. Түнде болсын, күндіз болсын, боранда болсын.",
            "Өңірлерді дамыту бағдарламасына сәйкес 2020-сыншы жылы халықтың 80 проценті таза ауыз сумен қамтылады.",
        ] {
            assert_eq!(shape(line), Shape::Prose, "{line}");
        }
        for line in [
            "Барлық құқықтар қорғалған",
            "Қазақстан Республикасы Президентінің Жарлығы Туралы Жаңа Мәлімет Бүгін Жарияланды Елордада Өтті.",
        ] {
            assert_ne!(shape(line), Shape::Prose, "{line}");
        }
    }

    #[test]
    fn prose_is_sentences_not_headlines_or_site_lines() {
        for line in [
            "Billions of pounds spent on conflict in Iraq should have been used to reduce poverty, the cardinal said.",
            "The team asked organizers for an apology.",
            "\"It is possible, it is real, it is worth striving for,\" he said.",
            "Kazakhstan is open to a policy of cooperation with foreign countries.",
        ] {
            assert_eq!(shape(line), Shape::Prose, "{line}");
        }
        for line in [
            "Cardinal criticises Iraq war cost",
            "Comments are closed.",
            "Share on Facebook Share on Twitter",
            "We use cookies to give you the best experience on our website.",
            "The History Boys by Alan Bennett has been named best new play...",
            "The Prime Minister Says Britain Will Not Join The Euro.",
            "The digitization would not have been possible without the support of the following donors:",
        ] {
            assert_ne!(shape(line), Shape::Prose, "{line}");
        }
    }

    #[test]
    fn a_paragraph_of_sentences_without_a_final_stop_is_prose() {
        // A quote signed with its author, a paragraph missing its full stop.
        for line in [
            "Bill and Brad, hosts of the podcast, share insights on the markets. They leverage decades of investing to understand where AI is going. They also cover security. – Ken Englund, technology leader, EY",
            "The council met on Tuesday to discuss the plan. Members asked for more time to read it. A vote is expected in the spring [1]",
        ] {
            assert_eq!(shape(line), Shape::Prose, "{line}");
        }
        for line in [
            // A teaser cut short, however many sentences it holds.
            "The council met on Tuesday to discuss the plan. Members asked for more time. A vote is expected in the spring, and …",
            // Too short to be a paragraph without its full stop.
            "Top stories. Read more. Sign in",
            // One sentence end inside: a headline over its standfirst.
            "Council delays vote on bus plan. Members want more time to read the plan that officials put forward on Tuesday night",
        ] {
            assert_ne!(shape(line), Shape::Prose, "{line}");
        }
    }

    #[test]
    fn rows_carry_numbers_that_are_not_dates() {
        for line in [
            "Plymouth 2 Preston 1",
            "Barcelona 20 7 6 7 57 24 27",
            "FTSE 100 6,123.45 +12.30 (+0.20%)",
            "Dow Jones 5,616.21 -31.12",
            "Soccer - English league results. Arsenal 2 Chelsea 1",
            "| Arsenal | 2 |",
            // A Markdown table's rows are rows by their frame, numbers or not.
            "| Company type | What it really means | Well-known examples |",
            "|---|---|",
            "| Blue Shield of California | Non-Profit | CA | Yes |",
        ] {
            assert_eq!(shape(line), Shape::Row, "{line}");
        }
        for line in [
            "LONDON 1996-08-30",
            "26.06.2019, Israel and the World",
            "Updated 12:30 PM, June 5, 2019",
            "Page 2 of 5",
            "12 Comments",
            "15 December 2022",
            // A menu is not framed, and one cell is no table.
            "Home | About | Contact",
            "| Home |",
        ] {
            assert_ne!(shape(line), Shape::Row, "{line}");
        }
    }

    /// Words of the two patterns, their neighbours (letters, digits, a
    /// connector, non-ASCII letters and marks, punctuation) and spaces.
    fn fragment() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "cookie",
            "cookies",
            "s",
            "newsletter",
            "subscribe",
            "sign up",
            "sign in",
            "click here",
            "page",
            "pages",
            "ago",
            "views",
            "min read",
            "5 mins read",
            "sponsored",
            "first appeared on",
            "your browser",
            "next",
            "replies",
            "_",
            "x",
            "7",
            "é",
            "ñ",
            "\u{301}",
            "日本",
            "Ж",
            "-",
            ".",
            "£",
            " ",
            " ",
            "'",
        ])
    }

    proptest::proptest! {
        /// The patterns matched without `\\b` match exactly the lines the
        /// `\\b` spelling matches.
        #[test]
        fn word_boundaries_rewritten_match_the_same(
            parts in proptest::collection::vec(fragment(), 0..12)
        ) {
            let line = parts.concat();
            for pattern in [SITE_SENTENCE, COUNTER] {
                let with_b = super::super::case_insensitive(pattern);
                let without = super::super::case_insensitive_no_word_boundaries(pattern);
                proptest::prop_assert_eq!(with_b.is_match(&line), without.is_match(&line), "{:?}", line);
            }
        }
    }

    #[test]
    fn shape_of_words_is_shape() {
        let word = Regex::new(r"\w+").unwrap();
        for line in [
            "Billions of pounds spent on conflict in Iraq should have been used to reduce poverty, the cardinal said.",
            "Cardinal criticises Iraq war cost",
            "Barcelona 20 7 6 7 57 24 27",
            "• The Gottesman Fund",
            "Results of English league matches on Friday:",
            "Division two",
            "東京都は新しい計画を発表しました。市民の生活を改善するための多くの施策が含まれています。",
            "Page 2 of 5",
            "",
        ] {
            let t = line.trim();
            let words: Vec<&str> = word.find_iter(t).map(|m| m.as_str()).collect();
            let stops: Vec<bool> = words
                .iter()
                .map(|w| crate::stopwords::is_stop_word_any_case(w))
                .collect();
            assert_eq!(shape_of_words(t, &words, &stops), shape(line), "{line}");
        }
    }

    #[test]
    fn pipe_tables_are_runs_of_rows_with_their_header() {
        let lines = [
            "Help | RSS | Subscribe",
            "",
            "Pos. | Driver | Points | Wins",
            "1 | Kyle Busch | 5040 | 5",
            "2 | Martin Truex Jr. | 5035 | 7",
            "Home | News | About us",
            "| Team | Played |",
            "|---|---|",
            "| Arsenal | 10 |",
            "News | Sport | Weather",
            "Video | Audio | Radio",
        ];
        assert_eq!(
            pipe_tables(&lines),
            [false, false, true, true, true, false, true, true, true, false, false]
        );
    }

    #[test]
    fn items_leads_and_short_lines() {
        assert_eq!(shape("• The Gottesman Fund"), Shape::Item);
        assert_eq!(shape("1. Kassym-Jomart Tokayev"), Shape::Item);
        assert_eq!(shape("- raise taxes on fuel"), Shape::Item);
        assert_eq!(shape("✅ Publishing this post again"), Shape::Item);
        assert_eq!(shape("❌ No offline mode"), Shape::Item);
        assert_eq!(
            shape("Results of English league matches on Friday:"),
            Shape::Lead
        );
        assert_eq!(shape("Division two"), Shape::Short);
        assert_eq!(shape("• Sign up for our newsletter"), Shape::Short);
    }
}
