//! Datelines and bylines: metadata, not text.
//!
//! Text dumps carry their date and author as lines above the article
//! ("26.06.2019, Israel and the World", "LONDON 1996-08-30", "By Kanat
//! Tumysh, Ambassador of …" then "15 December 2022"). The cleaner takes the
//! dateline out of the text; this module reads the values so that the
//! document's `published` and `author` can be filled when its container gave
//! none. Only the head of a document is read (the lines above its first
//! paragraph of prose): a date inside the article is about something else.

use chrono::NaiveDate;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

use super::shape::is_prose;

/// How a numeric date whose day and month could be swapped ("06.09.2019",
/// "06/09/2019") is read. A part above 12 decides on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    /// 06.09.2019 is 6 September (most of the world).
    #[default]
    DayFirst,
    /// 06/09/2019 is June 9 (United States).
    MonthFirst,
}

/// Metadata read from a document's head.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadMeta {
    /// Midnight UTC of the dateline's day, microseconds since the epoch.
    pub published: Option<i64>,
    pub author: Option<String>,
    /// Indices (as given) of the head's datelines: they leave the text (all
    /// of them, so that cleaning the cleaned text finds none to remove).
    pub datelines: Vec<usize>,
}

/// Most lines of a document's head that are read (menus, share lines and a
/// "Related articles" box often come before the dateline).
const HEAD_LINES: usize = 30;
/// Most words a dateline has besides its date ("Published:", a place, a section).
const DATELINE_OTHER_WORDS: usize = 5;

const MONTHS: &str = "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

struct Res {
    ymd: Regex,
    dmy_numeric: Regex,
    dmy_text: Regex,
    mdy_text: Regex,
    by: Regex,
    pipe_role: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let ci = super::case_insensitive;
        // A name: two to five capitalized words, with particles and initials.
        let name = r"\p{Lu}[\p{L}'.-]*(?:\s+(?:\p{Lu}[\p{L}'.-]*|de|da|di|van|von|der|den|del|la|le|bin|al|ibn|y)){1,4}";
        Res {
            ymd: Regex::new(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b").unwrap(),
            dmy_numeric: Regex::new(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b").unwrap(),
            dmy_text: ci(&format!(
                r"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({MONTHS})\.?,?\s+(\d{{4}})\b"
            )),
            mdy_text: ci(&format!(
                r"\b({MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
            )),
            by: Regex::new(&format!(
                r"^(?i:by|written by|words by|posted by)\s+(?P<name>{name}(?:\s+(?i:and)\s+{name})?)\s*(?:$|[,|–—]\s*\S|-\s)"
            ))
            .unwrap(),
            pipe_role: Regex::new(&format!(
                r"^(?P<name>{name})\s*[|,–—]\s*(?i:(?:senior |chief |staff |political |foreign )?(?:reporter|correspondent|editor|writer|journalist|contributor|columnist))"
            ))
            .unwrap(),
        }
    })
}

fn month(name: &str) -> Option<u32> {
    let lower = name.to_ascii_lowercase();
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months
        .iter()
        .position(|m| lower.starts_with(m))
        .map(|i| i as u32 + 1)
}

fn date(y: &str, m: u32, d: &str) -> Option<NaiveDate> {
    let y: i32 = y.parse().ok()?;
    if !(1900..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d.parse().ok()?)
}

/// The date of a dateline, or `None` when `line` is not one (too many other
/// words: a sentence or a headline that mentions a date).
pub fn parse_dateline(line: &str, order: DateOrder) -> Option<NaiveDate> {
    // Every form needs ASCII digits to parse (`\d` also matches other
    // scripts' digits, which `parse` refuses): most head lines stop here.
    if !line.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let r = res();
    let (found, span) = if let Some(c) = r.ymd.captures(line) {
        let m: u32 = c[2].parse().ok()?;
        (date(&c[1], m, &c[3]), c.get(0)?.range())
    } else if let Some(c) = r.dmy_numeric.captures(line) {
        let (a, b): (u32, u32) = (c[1].parse().ok()?, c[2].parse().ok()?);
        let day_first = a > 12 || (b <= 12 && order == DateOrder::DayFirst);
        let (d, m) = if day_first { (a, b) } else { (b, a) };
        (date(&c[3], m, &d.to_string()), c.get(0)?.range())
    } else if let Some(c) = r.dmy_text.captures(line) {
        (date(&c[3], month(&c[2])?, &c[1]), c.get(0)?.range())
    } else if let Some(c) = r.mdy_text.captures(line) {
        (date(&c[3], month(&c[1])?, &c[2]), c.get(0)?.range())
    } else {
        return None;
    };
    let other =
        line[..span.start].split_whitespace().count() + line[span.end..].split_whitespace().count();
    found.filter(|_| other <= DATELINE_OTHER_WORDS)
}

/// The author named by a byline ("By NAME", "By NAME, role", "NAME |
/// Reporter"), or `None`.
pub fn parse_byline(line: &str) -> Option<String> {
    let r = res();
    let c = r.by.captures(line).or_else(|| r.pipe_role.captures(line))?;
    Some(c["name"].trim_end_matches([',', '.']).to_string())
}

/// Reads the first dateline and byline among the head lines of a document:
/// its non-blank normalized lines, with their indices, above the first
/// prose paragraph.
pub fn head_metadata<'a>(
    lines: impl IntoIterator<Item = (usize, &'a str)>,
    order: DateOrder,
) -> HeadMeta {
    let mut meta = HeadMeta::default();
    for (i, line) in lines.into_iter().take(HEAD_LINES) {
        if is_prose(line) {
            break;
        }
        if let Some(date) = parse_dateline(line, order) {
            meta.datelines.push(i);
            meta.published = meta.published.or_else(|| {
                date.and_hms_opt(0, 0, 0)
                    .map(|t| t.and_utc().timestamp_micros())
            });
        }
        if meta.author.is_none() {
            meta.author = parse_byline(line);
        }
    }
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn datelines_in_common_forms() {
        let day = DateOrder::DayFirst;
        for (line, want) in [
            ("26.06.2019, Israel and the World", ymd(2019, 6, 26)),
            ("LONDON 1996-08-30", ymd(1996, 8, 30)),
            ("15 December 2022", ymd(2022, 12, 15)),
            ("June 9, 2019", ymd(2019, 6, 9)),
            ("Published: Dec. 5, 2019 10:30 am EDT", ymd(2019, 12, 5)),
            ("06.09.2019", ymd(2019, 9, 6)),
            (
                "The summit opened on 15 December 2022 in Astana with leaders of forty countries.",
                None,
            ),
            ("Kazakhstan 2023 elections", None),
            // Digits of other scripts match `\d` but are no date to parse.
            ("٢٠١٩-٠٦-٢٦", None),
            ("२६.०६.२०१९, World", None),
        ] {
            assert_eq!(parse_dateline(line, day), want, "{line}");
        }
        assert_eq!(
            parse_dateline("06/09/2019", DateOrder::MonthFirst),
            ymd(2019, 6, 9)
        );
        assert_eq!(
            parse_dateline("13/09/2019", DateOrder::MonthFirst),
            ymd(2019, 9, 13)
        );
    }

    #[test]
    fn bylines_name_the_author() {
        for (line, want) in [
            ("By Kanat Tumysh, Ambassador of the Republic of Kazakhstan in the Republic of South Africa", Some("Kanat Tumysh")),
            ("By Eldad Beck", Some("Eldad Beck")),
            ("by Jane van der Berg", Some("Jane van der Berg")),
            ("Olga Ivanova | Reporter", Some("Olga Ivanova")),
            ("By the end of the year prices had doubled.", None),
            ("Bylaws of the club", None),
        ] {
            assert_eq!(parse_byline(line).as_deref(), want, "{line}");
        }
    }

    #[test]
    fn only_the_head_is_read() {
        let doc = [
            "Kazakhstan's domestic and foreign policy opens door for greater cooperation",
            "By Kanat Tumysh, Ambassador of the Republic of Kazakhstan",
            "15 December 2022",
            "The world has endured many challenges this year, and the conflict had an impact.",
            "By John Smith",
            "1 January 2020",
        ];
        let meta = head_metadata(doc.into_iter().enumerate(), DateOrder::DayFirst);
        assert_eq!(meta.author.as_deref(), Some("Kanat Tumysh"));
        assert_eq!(meta.datelines, [2]);
        assert_eq!(
            meta.published,
            ymd(2022, 12, 15)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc().timestamp_micros())
        );
    }
}
