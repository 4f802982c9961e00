//! The unit that flows through the pipeline.
//!
//! A [`Document`] is created by a reader with its provenance (`source`, `record`)
//! and whatever metadata the container had; later stages add to it but never
//! change where it came from, so `doc_id` stays stable across runs.

use chrono::{DateTime, NaiveDate, Utc};

/// One document, as read from its container.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Document {
    /// Stable id: hash of `source` and `record` (16 hex digits).
    pub doc_id: String,
    /// The input path the document came from, as given (directories expanded).
    pub source: String,
    /// Index of the document within its source (0 for single-document files).
    pub record: u32,
    /// The record's own id, when the container has one (JSONL `id`, feed guid).
    pub id: Option<String>,
    pub url: Option<String>,
    pub title: Option<String>,
    /// Author(s), from page metadata.
    pub author: Option<String>,
    /// Publication time, microseconds since the Unix epoch, UTC.
    pub published: Option<i64>,
    /// Text before cleaning, one paragraph or block per line.
    pub body: String,
    /// The body is main content already chosen from markup (HTML pages, feed
    /// items), so the clean stage applies its rules but not the line
    /// classifier, which is for text dumped from whole pages.
    pub extracted: bool,
}

impl Document {
    /// A document with only provenance and body; metadata is filled in by the reader.
    pub fn new(source: &str, record: u32, body: String) -> Document {
        Document {
            doc_id: doc_id(source, record),
            source: source.to_string(),
            record,
            id: None,
            url: None,
            title: None,
            author: None,
            published: None,
            body,
            extracted: false,
        }
    }
}

/// The stable id of record `record` of `source`.
///
/// Derived from provenance rather than content, so an edit to one file never
/// renumbers documents of another, and a re-read gives the same id.
pub fn doc_id(source: &str, record: u32) -> String {
    doc_id_of(source.as_bytes(), record)
}

/// [`doc_id`] of a source named by raw bytes: a file name that is not UTF-8
/// is hashed as it is on disk, so two such names never share ids (for a
/// UTF-8 name the bytes are the name's, and the id is [`doc_id`]'s).
pub fn doc_id_of(source: &[u8], record: u32) -> String {
    hash_id(source, &record.to_le_bytes())
}

/// 16 hex digits of xxh3-64 over `name`, a NUL and `tail`.
fn hash_id(name: &[u8], tail: &[u8]) -> String {
    let mut key = Vec::with_capacity(name.len() + 1 + tail.len());
    key.extend_from_slice(name);
    key.push(0);
    key.extend_from_slice(tail);
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(&key))
}

/// The id of a revised record: `doc_id`'s record whose body now hashes to
/// `body_hash`. A released document keeps its id; its revision is a new
/// document beside it.
pub fn revision_id(doc_id: &str, body_hash: u64) -> String {
    hash_id(doc_id.as_bytes(), &body_hash.to_le_bytes())
}

/// 1800-01-01T00:00:00Z and 2200-01-01T00:00:00Z in microseconds: the
/// publication times taken as real. Fixed rather than "now + a day" so a
/// rebuild gives the same tables on any day; a year like 248068 or −244128
/// (a timestamp in the wrong unit) is refused, not sorted as "earliest".
const EARLIEST: i64 = -5_364_662_400 * 1_000_000;
const LATEST: i64 = 7_258_118_400 * 1_000_000;

/// `micros` if it is a plausible publication time (years 1800–2199).
pub fn plausible(micros: i64) -> Option<i64> {
    (EARLIEST..LATEST).contains(&micros).then_some(micros)
}

/// Microseconds from a number of seconds, milliseconds or microseconds since
/// the epoch, told apart by size: below 10^11 seconds (up to year 5138),
/// below 10^14 milliseconds, else microseconds. Times between 1966 and 1973
/// given in milliseconds read as seconds and then fail [`plausible`]: lost,
/// never wrong. Out-of-range values saturate (and fail `plausible`).
pub fn epoch_to_micros(x: f64) -> i64 {
    let abs = x.abs();
    let micros = if abs < 1e11 {
        x * 1e6
    } else if abs < 1e14 {
        x * 1e3
    } else {
        x
    };
    micros.round() as i64
}

/// [`epoch_to_micros`] of an integer, exactly.
pub fn epoch_int_to_micros(i: i64) -> i64 {
    let abs = i.unsigned_abs();
    if abs < 100_000_000_000 {
        i * 1_000_000
    } else if abs < 100_000_000_000_000 {
        i * 1_000
    } else {
        i
    }
}

/// Parses the date formats feeds and JSONL dumps use into UTC microseconds.
///
/// Accepts RFC 3339, RFC 2822, `YYYY-MM-DD[ HH:MM:SS]` and `DD.MM.YYYY`; anything
/// else, or a date outside years 1800–2199, gives `None` (an unknown date is
/// better than a wrong one).
pub fn parse_timestamp(s: &str) -> Option<i64> {
    parse_timestamp_unchecked(s).and_then(plausible)
}

/// [`parse_timestamp`] without the range check, for callers that warn.
pub fn parse_timestamp_unchecked(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc).timestamp_micros());
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        return Some(t.with_timezone(&Utc).timestamp_micros());
    }
    for format in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, format) {
            return Some(t.and_utc().timestamp_micros());
        }
    }
    for format in ["%Y-%m-%d", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, format) {
            return d
                .and_hms_opt(0, 0, 0)
                .map(|t| t.and_utc().timestamp_micros());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_id_depends_on_source_and_record() {
        let a = doc_id("data/a.txt", 0);
        assert_eq!(a.len(), 16);
        assert_eq!(a, doc_id("data/a.txt", 0));
        assert_ne!(a, doc_id("data/a.txt", 1));
        assert_ne!(a, doc_id("data/b.txt", 0));
    }

    #[test]
    fn parses_feed_dates() {
        let rfc2822 = parse_timestamp("Thu, 20 Jun 2019 08:40:42 +0000").unwrap();
        let rfc3339 = parse_timestamp("2019-06-20T08:40:42Z").unwrap();
        assert_eq!(rfc2822, rfc3339);
        assert_eq!(parse_timestamp("26.06.2019"), parse_timestamp("2019-06-26"));
        assert!(parse_timestamp("yesterday").is_none());
        assert!(parse_timestamp("2200-01-01").is_none());
        assert!(parse_timestamp("1799-12-31").is_none());
        assert!(parse_timestamp("1800-01-01").is_some());
    }

    #[test]
    fn plausible_bounds_are_the_years_they_say() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().timestamp_micros();
        assert_eq!(EARLIEST, at("1800-01-01T00:00:00Z"));
        assert_eq!(LATEST, at("2200-01-01T00:00:00Z"));
        assert_eq!(epoch_int_to_micros(1_700_000_000), 1_700_000_000_000_000);
        assert_eq!(
            epoch_int_to_micros(1_700_000_000_123),
            1_700_000_000_123_000
        );
        assert_eq!(epoch_to_micros(1_700_000_000.5), 1_700_000_000_500_000);
        assert_eq!(plausible(epoch_int_to_micros(i64::MAX)), None);
        assert_eq!(plausible(epoch_to_micros(-1e300)), None);
    }

    #[test]
    fn raw_name_bytes_give_the_utf8_id_for_utf8_names() {
        assert_eq!(doc_id_of(b"data/a.txt", 3), doc_id("data/a.txt", 3));
        assert_ne!(doc_id_of(b"a\xff", 0), doc_id_of(b"a\xfe", 0));
    }
}
