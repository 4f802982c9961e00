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
    /// Indices of the head's short bylines, which leave the text too
    /// ("Автор: NAME" is as much metadata as "15 декабря 2022").
    pub bylines: Vec<usize>,
}

/// Most lines of a document's head that are read (menus, share lines and a
/// "Related articles" box often come before the dateline).
const HEAD_LINES: usize = 30;
/// Most words of a byline that leaves the text (the line classifier's
/// limit for a short byline).
const BYLINE_WORDS: usize = 8;
/// Most words of a headline that reads as a sentence (see [`head_metadata`]).
const HEADLINE_WORDS: usize = 16;
/// Most words a dateline has besides its date ("Published:", a place, a section).
const DATELINE_OTHER_WORDS: usize = 5;

/// Month names and their common abbreviations: English, German, Russian
/// (nominative and genitive: "декабрь", "15 декабря") and Kazakh
/// ("желтоқсан"). [`month`] reads any of them.
const MONTHS: &str = concat!(
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?",
    "|januar|jänner|jän|februar|märz|mär|mai|juni|juli|oktober|okt|dezember|dez",
    "|январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|сентябр[ья]|октябр[ья]|ноябр[ья]|декабр[ья]",
    "|янв|фев|мар|апр|июн|июл|авг|сент?|окт|нояб?|дек",
    "|қаңтар|ақпан|наурыз|сәуір|мамыр|маусым|шілде|тамыз|қыркүйек|қазан|қараша|желтоқсан",
);

/// Prefixes of month names, per month: a name's month is the one with the
/// longest prefix of it ("мамыр" is May in Kazakh, "марта" March in
/// Russian, "маусым" June).
const MONTH_PREFIXES: [&[&str]; 12] = [
    &["jan", "jän", "янв", "қаңтар"],
    &["feb", "фев", "ақпан"],
    &["mar", "mär", "мар", "наурыз"],
    &["apr", "апр", "сәуір"],
    &["may", "mai", "май", "мая", "мамыр"],
    &["jun", "июн", "маусым"],
    &["jul", "июл", "шілде"],
    &["aug", "авг", "тамыз"],
    &["sep", "сен", "қыркүйек"],
    &["oct", "okt", "окт", "қазан"],
    &["nov", "ноя", "қараша"],
    &["dec", "dez", "дек", "желтоқсан"],
];

/// Words a Kazakh date puts after its year ("2022 жылғы 15 желтоқсан",
/// "15 желтоқсан 2022 ж.").
const YEAR_WORD: &str = r"(?:\s+жылғы|\s+ж\.)";
/// Labels of a byline that names its author after a colon
/// ("Автор: NAME", "Авторы: NAME и NAME", "Дайындаған: NAME": prepared by).
const AUTHOR_LABELS: &str = "authors?|autor(?:en|in)?|автор[ыи]?|дайындаған";
/// Nouns of a role after a name ("NAME, корреспондент", "NAME, тілші").
const ROLES: &str = concat!(
    "reporter|correspondent|editor|writer|journalist|contributor|columnist",
    "|redakteur(?:in)?|korrespondent(?:in)?|journalist(?:in)?|reporter(?:in)?|autor(?:in)?",
    "|корреспондент|журналист(?:ка)?|редактор|колумнист|тілші"
);
/// Words joining two authors' names.
const AND: &str = "and|und|и|және";

struct Res {
    ymd: Regex,
    dmy_numeric: Regex,
    dmy_text: Regex,
    mdy_text: Regex,
    ymd_text: Regex,
    by: Regex,
    labelled: Regex,
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
            // "15 December 2022", "15. Dezember 2022", "15 декабря 2022 г."
            dmy_text: ci(&format!(
                r"\b(\d{{1,2}})(?:st|nd|rd|th|\.)?\s+({MONTHS})\.?,?\s+(\d{{4}})\b"
            )),
            mdy_text: ci(&format!(
                r"\b({MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"
            )),
            // "2022 жылғы 15 желтоқсан", "2022 ж. 15 желтоқсан"
            ymd_text: ci(&format!(
                r"\b(\d{{4}}){YEAR_WORD}?,?\s+(\d{{1,2}})\s+({MONTHS})(?:\P{{L}}|$)"
            )),
            by: Regex::new(&format!(
                r"^(?i:by|written by|words by|posted by|von)\s+(?P<name>{name}(?:\s+(?i:{AND})\s+{name})?)\s*(?:$|[,|–—]\s*\S|-\s)"
            ))
            .unwrap(),
            labelled: Regex::new(&format!(
                r"^(?i:{AUTHOR_LABELS})\s*:\s*(?P<name>{name}(?:\s+(?i:{AND})\s+{name})?)\s*(?:$|[,|–—]\s*\S|-\s)"
            ))
            .unwrap(),
            // The role may have a word or two before it ("senior reporter",
            // "специальный корреспондент").
            pipe_role: Regex::new(&format!(
                r"^(?P<name>{name})\s*[|,–—]\s*(?:\p{{Ll}}[\p{{L}}-]*\s+){{0,2}}(?i:{ROLES})(?:\P{{L}}|$)"
            ))
            .unwrap(),
        }
    })
}

fn month(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    let mut best: Option<(usize, u32)> = None;
    for (i, prefixes) in MONTH_PREFIXES.iter().enumerate() {
        for p in prefixes.iter().filter(|p| lower.starts_with(**p)) {
            if best.is_none_or(|(len, _)| p.len() > len) {
                best = Some((p.len(), i as u32 + 1));
            }
        }
    }
    best.map(|(_, m)| m)
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
    } else if let Some(c) = r.ymd_text.captures(line) {
        (date(&c[1], month(&c[3])?, &c[2]), c.get(0)?.range())
    } else {
        return None;
    };
    let other =
        line[..span.start].split_whitespace().count() + line[span.end..].split_whitespace().count();
    found.filter(|_| other <= DATELINE_OTHER_WORDS)
}

/// The author named by a byline ("By NAME", "By NAME, role", "NAME |
/// Reporter", "Автор: NAME", "NAME, корреспондент"), or `None`.
pub fn parse_byline(line: &str) -> Option<String> {
    let r = res();
    let c =
        r.by.captures(line)
            .or_else(|| r.labelled.captures(line))
            .or_else(|| r.pipe_role.captures(line))?;
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
    let head: Vec<(usize, &str)> = lines.into_iter().take(HEAD_LINES).collect();
    for (k, &(i, line)) in head.iter().enumerate() {
        // A headline can read as a sentence ("Сегодня исторический день
        // для нашего спорта!"): a short one right above a dateline or
        // byline does not end the head.
        let headline = || {
            meta.published.is_none()
                && meta.author.is_none()
                && line.split_whitespace().count() <= HEADLINE_WORDS
                && head.get(k + 1).is_some_and(|&(_, next)| {
                    parse_dateline(next, order).is_some() || parse_byline(next).is_some()
                })
        };
        if is_prose(line) && !headline() {
            break;
        }
        if let Some(date) = parse_dateline(line, order) {
            meta.datelines.push(i);
            meta.published = meta.published.or_else(|| {
                date.and_hms_opt(0, 0, 0)
                    .map(|t| t.and_utc().timestamp_micros())
            });
        }
        if let Some(author) = parse_byline(line) {
            // A long byline ("By NAME, Ambassador of the Republic of …")
            // says more than who wrote: it stays in the text.
            if line.split_whitespace().count() <= BYLINE_WORDS {
                meta.bylines.push(i);
            }
            meta.author.get_or_insert(author);
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

    /// Russian (genitive and nominative), Kazakh (day first, and year
    /// first with "жылғы") and German month names, with a time, a year
    /// word or a label around them.
    #[test]
    fn datelines_with_russian_kazakh_and_german_months() {
        let day = DateOrder::DayFirst;
        for (line, want) in [
            ("15 декабря 2022", ymd(2022, 12, 15)),
            ("3 мая 2021, 10:20", ymd(2021, 5, 3)),
            ("1 марта 2019 г.", ymd(2019, 3, 1)),
            ("Опубликовано: 9 сент. 2020", ymd(2020, 9, 9)),
            ("Декабрь 5, 2019", ymd(2019, 12, 5)),
            ("15 желтоқсан 2022 ж.", ymd(2022, 12, 15)),
            ("7 мамыр 2020", ymd(2020, 5, 7)),
            ("2 маусым 2018, 14:35", ymd(2018, 6, 2)),
            ("2022 жылғы 15 қаңтар", ymd(2022, 1, 15)),
            ("2019 ж. 4 қазан", ymd(2019, 10, 4)),
            ("15. Dezember 2022", ymd(2022, 12, 15)),
            ("3. März 2021", ymd(2021, 3, 3)),
            (
                "Саммит открылся 15 декабря 2022 года в Астане, на него приехали лидеры сорока стран мира.",
                None,
            ),
            ("15 декабрист 2022", None),
            ("2022 жылғы 15 қазанда болған оқиға туралы", None),
        ] {
            assert_eq!(parse_dateline(line, day), want, "{line}");
        }
    }

    #[test]
    fn bylines_name_the_author() {
        for (line, want) in [
            ("By Kanat Tumysh, Ambassador of the Republic of Kazakhstan in the Republic of South Africa", Some("Kanat Tumysh")),
            ("By Eldad Beck", Some("Eldad Beck")),
            ("by Jane van der Berg", Some("Jane van der Berg")),
            ("Olga Ivanova | Reporter", Some("Olga Ivanova")),
            ("Jane Smith, senior political reporter", Some("Jane Smith")),
            ("Автор: Иван Петров", Some("Иван Петров")),
            ("Авторы: Иван Петров и Анна Смирнова", Some("Иван Петров и Анна Смирнова")),
            ("Иван Петров, корреспондент", Some("Иван Петров")),
            ("Айгерім Нұрланқызы, тілші", Some("Айгерім Нұрланқызы")),
            ("Дайындаған: Ерлан Сәтбаев", Some("Ерлан Сәтбаев")),
            ("Von Anna Schmidt", Some("Anna Schmidt")),
            ("Anna Schmidt, Redakteurin", Some("Anna Schmidt")),
            ("Автор: неизвестен", None),
            ("Иван Петров, корреспондентами которого были многие.", None),
            ("Автор идеи — Иван Петров.", None),
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
        // That byline is long: it names the author and stays in the text.
        assert!(meta.bylines.is_empty());
        assert_eq!(
            meta.published,
            ymd(2022, 12, 15)
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc().timestamp_micros())
        );
        // A headline that is a sentence, right above the byline.
        let doc = [
            "Сегодня исторический день для нашего спорта!",
            "Иван Петров, корреспондент",
            "14 сентября 2023",
            "После месяцев переговоров с обоими шахматистами я с удовольствием сообщаю, что матч на первенство мира состоится в Москве осенью этого года.",
            "15 сентября 2023",
        ];
        let meta = head_metadata(doc.into_iter().enumerate(), DateOrder::DayFirst);
        assert_eq!(meta.author.as_deref(), Some("Иван Петров"));
        assert_eq!((meta.bylines, meta.datelines), (vec![1], vec![2]));
        // A paragraph is no headline, whatever follows it.
        let doc = [doc[3], doc[1], doc[2]];
        let meta = head_metadata(doc.into_iter().enumerate(), DateOrder::DayFirst);
        assert_eq!((meta.author, meta.published), (None, None));
    }
}
