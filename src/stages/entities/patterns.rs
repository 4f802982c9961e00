//! DATE, MONEY, PERCENT, URL and EMAIL mentions found by regular expression.
//!
//! These entities have a fixed surface shape, so regexes find them more
//! reliably than the name rules, and each gets a normalized value so that
//! "26.06.2019" and "June 26, 2019" share a key. Normalized values:
//! - DATE: ISO 8601 where possible: `2019-06-26`; month and year `2019-03`;
//!   year `1995`; day and month without a year `--06-09` (ISO 8601 "no year"
//!   form). Times after a date are part of the surface but not of the value.
//!   Numeric dates are read day-first (`d.m.Y`); slashed dates are skipped as
//!   ambiguous. A bare year counts only after in/since/from/by/until/before/
//!   after/during, or in a list that follows one ("in 1995, 2000, and 2013").
//! - MONEY: currency sign or code + amount without separators, multipliers
//!   expanded: `$5`, `$1200000`, `£10000000000`, `ILS 30`. "pounds" alone
//!   is not money (it is usually weight).
//! - PERCENT: `71%`, key `PERCENT:71`. URL: as written minus trailing
//!   punctuation; key without scheme/`www.` and with the host lower-cased.
//!   EMAIL: lower-cased.
//!
//! All word boundaries are ASCII (`(?-u:\b)`) so that the regex engine can
//! stay on its fast DFA path on non-ASCII text.

use regex::Regex;

use super::Label;

/// One pattern entity, in byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternMatch {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// DATE, MONEY, PERCENT, URL or EMAIL.
    pub label: Label,
    /// Normalized value (the mention's `name`).
    pub value: String,
    /// Entity key, `LABEL:...`.
    pub key: String,
}

const MONTH: &str = r"(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)";
const WEEKDAY: &str = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?,?\s+)?";
const TIME: &str = r"(?:\s+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?:\s*(?:[+-][0-9]{4}|GMT|UTC))?)?";
const YEAR: &str = r"((?:1[5-9]|20)[0-9]{2})";

/// Compiled pattern regexes; build once, share between threads.
#[derive(Debug)]
pub struct Patterns {
    email: Regex,
    url: Regex,
    numeric_date: Regex,
    iso_date: Regex,
    day_month: Regex,
    month_day: Regex,
    month_year: Regex,
    cued_year: Regex,
    next_year: Regex,
    money_sign: Regex,
    money_word: Regex,
    percent: Regex,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("built-in entity pattern must compile")
}

impl Default for Patterns {
    fn default() -> Self {
        Self::new()
    }
}

impl Patterns {
    /// Compiles all regexes.
    pub fn new() -> Self {
        let b = r"(?-u:\b)";
        Patterns {
            email: re(&format!(
                r"{b}[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{{2,}}{b}"
            )),
            url: re(&format!(r#"(?i){b}(?:https?://|www\.)[^\s<>"“”‘’]+"#)),
            numeric_date: re(&format!(
                r"{b}([0-9]{{1,2}})\.([0-9]{{1,2}})\.([0-9]{{4}}){b}"
            )),
            iso_date: re(&format!(r"{b}([0-9]{{4}})-([0-9]{{2}})-([0-9]{{2}}){b}")),
            day_month: re(&format!(
                r"{b}{WEEKDAY}([0-9]{{1,2}})\s+{MONTH}\.?(?:,?\s+([0-9]{{4}}){b}{TIME})?{b}"
            )),
            month_day: re(&format!(
                r"{b}{WEEKDAY}{MONTH}\.?\s+([0-9]{{1,2}})(?:st|nd|rd|th)?{b}(?:,?\s+([0-9]{{4}}){b}{TIME})?"
            )),
            month_year: re(&format!(r"{b}{MONTH}\.?,?\s+{YEAR}{b}")),
            cued_year: re(&format!(
                r"(?i:{b}(?:in|since|from|by|until|before|after|during)\s+){YEAR}{b}"
            )),
            next_year: re(&format!(r"^,?\s*(?:and\s+|or\s+)?{YEAR}{b}")),
            money_sign: re(&format!(
                r"(?:US\$|\$|€|£|¥|{b}(?:USD|EUR|GBP|ILS|NIS|KZT|RUB|JPY)\s?)([0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+)(\.[0-9]+)?(?:\s?(million|billion|trillion|thousand){b}|(bn|mn|tn|m|k|b){b})?"
            )),
            money_word: re(&format!(
                r"{b}([0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+)(\.[0-9]+)?(?:\s(million|billion|trillion|thousand))?\s(?:US\s)?(dollars?|euros?|pounds sterling|yen|shekels?|tenge|roubles?|rubles?){b}"
            )),
            percent: re(&format!(
                r"{b}([0-9]+(?:\.[0-9]+)?)(?:\s?%|\s?(?:percent|per\s+cent){b})"
            )),
        }
    }

    /// All pattern entities in `text`, sorted by start, non-overlapping (the
    /// earliest, then longest match wins).
    pub fn find(&self, text: &str) -> Vec<PatternMatch> {
        let mut out = Vec::new();
        for m in self.email.find_iter(text) {
            let v = m.as_str().to_lowercase();
            out.push(pm(m.start(), m.end(), Label::Email, v.clone(), v));
        }
        for m in self.url.find_iter(text) {
            let url = trim_url(m.as_str());
            if url.len() > 4 {
                let key = url_key(url);
                out.push(pm(
                    m.start(),
                    m.start() + url.len(),
                    Label::Url,
                    url.into(),
                    key,
                ));
            }
        }
        self.dates(text, &mut out);
        self.money(text, &mut out);
        for c in self.percent.captures_iter(text) {
            let (Some(all), Some(n)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let v = format!("{}%", n.as_str());
            out.push(pm(
                all.start(),
                all.end(),
                Label::Percent,
                v,
                n.as_str().into(),
            ));
        }
        out.sort_by(|a, b| {
            a.start
                .cmp(&b.start)
                .then(b.end.cmp(&a.end))
                .then(a.label.cmp(&b.label))
        });
        let mut kept: Vec<PatternMatch> = Vec::with_capacity(out.len());
        for m in out {
            if kept.last().is_none_or(|k| m.start >= k.end) {
                kept.push(m);
            }
        }
        kept
    }

    fn dates(&self, text: &str, out: &mut Vec<PatternMatch>) {
        let mut push = |s: usize, e: usize, y: Option<&str>, mo: u32, d: Option<&str>| {
            let day = match d.map(str::parse::<u32>) {
                None => None,
                Some(Ok(d @ 1..=31)) => Some(d),
                Some(_) => return,
            };
            if !(1..=12).contains(&mo) {
                return;
            }
            let v = match (y, day) {
                (Some(y), Some(d)) => format!("{y}-{mo:02}-{d:02}"),
                (Some(y), None) => format!("{y}-{mo:02}"),
                (None, Some(d)) => format!("--{mo:02}-{d:02}"),
                (None, None) => return,
            };
            out.push(pm(s, e, Label::Date, v.clone(), v));
        };
        for c in self.numeric_date.captures_iter(text) {
            let Some(all) = c.get(0) else { continue };
            let mo = g(&c, 2).and_then(|m| m.parse().ok()).unwrap_or(0);
            push(all.start(), all.end(), g(&c, 3), mo, g(&c, 1));
        }
        for c in self.iso_date.captures_iter(text) {
            let Some(all) = c.get(0) else { continue };
            let mo = g(&c, 2).and_then(|m| m.parse().ok()).unwrap_or(0);
            push(all.start(), all.end(), g(&c, 1), mo, g(&c, 3));
        }
        for c in self.day_month.captures_iter(text) {
            let Some(all) = c.get(0) else { continue };
            push(
                all.start(),
                all.end(),
                g(&c, 3),
                month_number(g(&c, 2)),
                g(&c, 1),
            );
        }
        for c in self.month_day.captures_iter(text) {
            let Some(all) = c.get(0) else { continue };
            push(
                all.start(),
                all.end(),
                g(&c, 3),
                month_number(g(&c, 1)),
                g(&c, 2),
            );
        }
        for c in self.month_year.captures_iter(text) {
            let Some(all) = c.get(0) else { continue };
            push(
                all.start(),
                all.end(),
                g(&c, 2),
                month_number(g(&c, 1)),
                None,
            );
        }
        for c in self.cued_year.captures_iter(text) {
            let Some(first) = c.get(1) else { continue };
            let (mut ys, mut ye) = (first.start(), first.end());
            loop {
                let v = text[ys..ye].to_string();
                out.push(pm(ys, ye, Label::Date, v.clone(), v));
                match self.next_year.captures(&text[ye..]).and_then(|n| n.get(1)) {
                    Some(n) => (ys, ye) = (ye + n.start(), ye + n.end()),
                    None => break,
                }
            }
        }
    }

    fn money(&self, text: &str, out: &mut Vec<PatternMatch>) {
        for c in self.money_sign.captures_iter(text) {
            let (Some(all), Some(int)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let s = all.as_str();
            let sign = ["US$", "$", "€", "£", "¥"]
                .into_iter()
                .find(|p| s.starts_with(p))
                .map(|p| {
                    if p == "US$" {
                        "$".to_string()
                    } else {
                        p.to_string()
                    }
                })
                .unwrap_or_else(|| format!("{} ", normal_code(&s[..3])));
            let mult = c.get(3).or(c.get(4)).map_or("", |m| m.as_str());
            let amount = expand(int.as_str(), c.get(2).map_or("", |m| m.as_str()), mult);
            let v = format!("{sign}{amount}");
            out.push(pm(all.start(), all.end(), Label::Money, v.clone(), v));
        }
        for c in self.money_word.captures_iter(text) {
            let (Some(all), Some(int), Some(cur)) = (c.get(0), c.get(1), c.get(4)) else {
                continue;
            };
            let sign = match cur.as_str().as_bytes()[0] {
                b'd' => "$",
                b'e' => "€",
                b'p' => "£",
                b'y' => "¥",
                b's' => "ILS ",
                b't' => "KZT ",
                _ => "RUB ",
            };
            let mult = c.get(3).map_or("", |m| m.as_str());
            let amount = expand(int.as_str(), c.get(2).map_or("", |m| m.as_str()), mult);
            let v = format!("{sign}{amount}");
            out.push(pm(all.start(), all.end(), Label::Money, v.clone(), v));
        }
    }
}

fn g<'t>(c: &regex::Captures<'t>, i: usize) -> Option<&'t str> {
    c.get(i).map(|m| m.as_str())
}

fn pm(start: usize, end: usize, label: Label, value: String, key: String) -> PatternMatch {
    let key = format!("{}:{key}", label.as_str());
    PatternMatch {
        start,
        end,
        label,
        value,
        key,
    }
}

fn normal_code(code: &str) -> &str {
    if code == "NIS" {
        "ILS"
    } else {
        code
    }
}

/// Month number from an English month name or abbreviation; 0 if unknown.
pub fn month_number(name: Option<&str>) -> u32 {
    let Some(name) = name else { return 0 };
    let n = name.get(..3).unwrap_or("");
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    months
        .iter()
        .position(|m| *m == n)
        .map_or(0, |i| i as u32 + 1)
}

/// `"1,200"`, `".5"`, `"million"` → `"1200500"`: amount without thousands
/// separators and with the multiplier applied exactly (no floating point).
fn expand(int: &str, frac: &str, mult: &str) -> String {
    let zeros = match mult.to_ascii_lowercase().as_str() {
        "thousand" | "k" => 3,
        "million" | "mn" | "m" => 6,
        "billion" | "bn" | "b" => 9,
        "trillion" | "tn" => 12,
        _ => 0,
    };
    let int: String = int.chars().filter(|c| c.is_ascii_digit()).collect();
    let frac = frac.trim_start_matches('.');
    if zeros == 0 {
        return if frac.is_empty() {
            int
        } else {
            format!("{int}.{frac}")
        };
    }
    let mut s = int;
    if frac.len() <= zeros {
        s.push_str(frac);
        s.extend(std::iter::repeat_n('0', zeros - frac.len()));
    } else {
        s.push_str(&frac[..zeros]);
        s.push('.');
        s.push_str(&frac[zeros..]);
    }
    let trimmed = s.trim_start_matches('0');
    if trimmed.is_empty() || trimmed.starts_with('.') {
        format!("0{trimmed}")
    } else {
        trimmed.to_string()
    }
}

/// Drops trailing sentence punctuation, and a closing bracket that has no
/// opening one inside the URL.
fn trim_url(url: &str) -> &str {
    let mut u = url;
    loop {
        let Some(last) = u.chars().last() else {
            return u;
        };
        let unbalanced = |open, close| u.matches(open).count() < u.matches(close).count();
        let drop = match last {
            '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '"' | '’' | '”' => true,
            ')' => unbalanced('(', ')'),
            ']' => unbalanced('[', ']'),
            _ => false,
        };
        if !drop {
            return u;
        }
        u = &u[..u.len() - last.len_utf8()];
    }
}

fn url_key(url: &str) -> String {
    let lower = url.to_ascii_lowercase();
    let mut rest = url;
    for prefix in ["https://", "http://", "www."] {
        if lower[url.len() - rest.len()..].starts_with(prefix) {
            rest = &rest[prefix.len()..];
        }
    }
    let host_end = rest.find('/').unwrap_or(rest.len());
    let mut key = rest[..host_end].to_ascii_lowercase();
    key.push_str(rest[host_end..].trim_end_matches('/'));
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str) -> Vec<(Label, String, String)> {
        Patterns::new()
            .find(text)
            .into_iter()
            .map(|m| (m.label, text[m.start..m.end].to_string(), m.value))
            .collect()
    }

    fn one(label: Label, surface: &str, value: &str) -> (Label, String, String) {
        (label, surface.to_string(), value.to_string())
    }

    #[test]
    fn dates() {
        assert_eq!(
            find("26.06.2019, Israel and the World"),
            [one(Label::Date, "26.06.2019", "2019-06-26")]
        );
        assert_eq!(
            find("elections on June 9, to"),
            [one(Label::Date, "June 9", "--06-09")]
        );
        assert_eq!(
            find("in Astana, December 14, 2016. GPO"),
            [one(Label::Date, "December 14, 2016", "2016-12-14")]
        );
        assert_eq!(
            find("on 15 December 2022 it"),
            [one(Label::Date, "15 December 2022", "2022-12-15")]
        );
        assert_eq!(
            find("ended Aug. 31, Peres"),
            [one(Label::Date, "Aug. 31", "--08-31")]
        );
        assert_eq!(
            find("since March 2019."),
            [one(Label::Date, "March 2019", "2019-03")]
        );
        assert_eq!(
            find("Thu, 06 Nov 2025 17:57:27 +0000"),
            [one(
                Label::Date,
                "Thu, 06 Nov 2025 17:57:27 +0000",
                "2025-11-06"
            )]
        );
        assert_eq!(
            find("06 Nov 2025"),
            [one(Label::Date, "06 Nov 2025", "2025-11-06")]
        );
        assert!(find("32.13.2019 and 45.01.2020").is_empty());
    }

    #[test]
    fn years_need_context() {
        let got = find("at least three times: in 1995, 2000, and 2013, with 2014 people");
        let years: Vec<_> = got.iter().map(|m| m.2.as_str()).collect();
        assert_eq!(years, ["1995", "2000", "2013"]);
        assert!(find("He paid 1995 for 2000 items.").is_empty());
        assert_eq!(find("Since 1991 it grew")[0].2, "1991");
    }

    #[test]
    fn money() {
        assert_eq!(
            find("now for just $5 and upgrade"),
            [one(Label::Money, "$5", "$5")]
        );
        assert_eq!(find("a $1.2 million deal")[0].2, "$1200000");
        assert_eq!(find("cost €30.")[0].2, "€30");
        assert_eq!(find("raised £10bn in")[0].2, "£10000000000");
        assert_eq!(
            find("paid 5 dollars")[0],
            one(Label::Money, "5 dollars", "$5")
        );
        assert_eq!(find("$1,250,000")[0].2, "$1250000");
        assert!(find("donated 75 kilograms (160 pounds) of dates").is_empty());
    }

    #[test]
    fn percent() {
        let got = find("won only 71% of the votes, about 98 % and 3 percent or 12.5 per cent");
        let v: Vec<_> = got.iter().map(|m| (m.1.as_str(), m.2.as_str())).collect();
        assert_eq!(
            v,
            [
                ("71%", "71%"),
                ("98 %", "98%"),
                ("3 percent", "3%"),
                ("12.5 per cent", "12.5%")
            ]
        );
        let m = &Patterns::new().find("71%")[0];
        assert_eq!(m.key, "PERCENT:71");
        assert!(find("71 percentage").is_empty());
    }

    #[test]
    fn urls_and_emails() {
        let got = find(
            "See https://www.jpost.com/Israel-News/a-1(x), or www.jns.org. Mail Desk@JNS.org.",
        );
        assert_eq!(got[0].1, "https://www.jpost.com/Israel-News/a-1(x)");
        assert_eq!(got[1], one(Label::Url, "www.jns.org", "www.jns.org"));
        assert_eq!(got[2], one(Label::Email, "Desk@JNS.org", "desk@jns.org"));
        let m = &Patterns::new().find("(see https://JPost.com/News/)")[0];
        assert_eq!(m.key, "URL:jpost.com/News");
        assert_eq!(m.value, "https://JPost.com/News/");
    }

    #[test]
    fn expand_amounts() {
        assert_eq!(expand("1", ".25", "bn"), "1250000000");
        assert_eq!(expand("0", ".5", "k"), "500");
        assert_eq!(expand("2", ".1234", "thousand"), "2123.4");
        assert_eq!(expand("1,000", "", ""), "1000");
    }
}
