//! ARC framing: records out of an ARC file (the Internet Archive's format
//! before WARC, written by its crawls up to 2008 and by Heritrix 1), as
//! [`Record`]s with WARC field names, so that the WARC reader makes
//! documents of them the same way.
//!
//! A record is one header line and `Archive-length` bytes, then a newline.
//! The header line is `URL IP DATE TYPE LENGTH` in version 1 and
//! `URL IP DATE TYPE CODE CHECKSUM LOCATION OFFSET FILENAME LENGTH` in
//! version 2; which one is told by where the 14-digit date falls, counted
//! from the end, because some crawlers wrote URLs with spaces in them. The
//! content of an `http` record is the HTTP response, status line and
//! headers included, as in a WARC `response`. The file's first record
//! (`filedesc://`) describes the file and holds no page.
//!
//! As in [`super::warc_framing`], a damaged record costs that record only:
//! a header without a usable length, or a length that does not end where
//! the next header starts, is skipped, and reading resumes at the next line
//! that is an ARC header.

use std::io::{self, BufRead, Read};

use super::decode::{read_line_capped, Line};
use super::warc_framing::{length_fault, over_cap, Next, Record, RecordStream, Rewind};

/// Longest header line.
const MAX_HEADER_LINE: u64 = 64 * 1024;
/// Least bytes kept, while skipping an over-cap record, for reading again
/// the records a wrong length swallowed.
const RESCUE: usize = 1024 * 1024;

/// The records of an ARC stream.
pub struct ArcRecords<R> {
    stream: Rewind<R>,
    max_content: u64,
    line: Vec<u8>,
}

/// The fields of a header line gleaner uses.
#[derive(Debug, PartialEq, Eq)]
struct Header {
    url: String,
    /// `YYYYMMDDhhmmss`, as an RFC 3339 time (`WARC-Date`'s form).
    date: Option<String>,
    content_type: String,
    length: Result<u64, String>,
}

fn is_date(field: &str) -> bool {
    field.len() >= 12 && field.bytes().all(|b| b.is_ascii_digit())
}

/// The header a line holds, or `None` when it is no ARC header line (its
/// length may still be unusable: see [`Header::length`]).
fn header(line: &str) -> Option<Header> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let n = fields.len();
    // Fields after the URL: 9 in version 2, 4 in version 1.
    let after = [9, 4]
        .into_iter()
        .find(|&after| n > after && is_date(fields[n - after + 1]))?;
    let url = fields[..n - after].join(" ");
    if !url.contains(':') {
        return None;
    }
    let date = fields[n - after + 1];
    let length = fields[n - 1];
    Some(Header {
        url,
        date: (date.len() >= 14).then(|| {
            let d = &date[..14];
            format!(
                "{}-{}-{}T{}:{}:{}Z",
                &d[..4],
                &d[4..6],
                &d[6..8],
                &d[8..10],
                &d[10..12],
                &d[12..14]
            )
        }),
        content_type: fields[n - after + 2].to_string(),
        length: length
            .parse::<u64>()
            .map_err(|_| format!("Archive-length {length:?} is not a length")),
    })
}

/// Where the first header line after the content's first line starts.
fn first_header_line(content: &[u8]) -> Option<usize> {
    content
        .split(|&b| b == b'\n')
        .scan(0, |at, line| {
            let start = *at;
            *at += line.len() + 1;
            Some((start, line))
        })
        .skip(1)
        .find(|(_, line)| header(&String::from_utf8_lossy(line)).is_some())
        .map(|(start, _)| start)
}

impl Header {
    /// The record as WARC would have it: a `response` for an HTTP
    /// message, a `resource` for a bare page, else `metadata` (the file
    /// description, DNS lookups), which holds no document.
    fn record(self, content: Vec<u8>) -> Record {
        let kind = if self.url.starts_with("filedesc:") || self.url.starts_with("dns:") {
            "metadata"
        } else if content.starts_with(b"HTTP/") {
            "response"
        } else {
            "resource"
        };
        let mut header = vec![
            ("WARC-Type".to_string(), kind.to_string()),
            ("WARC-Target-URI".to_string(), self.url),
            ("Content-Type".to_string(), self.content_type),
        ];
        if let Some(date) = self.date {
            header.push(("WARC-Date".to_string(), date));
        }
        Record { header, content }
    }
}

impl<R: BufRead> ArcRecords<R> {
    /// Records of `stream`, keeping contents of at most `max_content` bytes.
    pub fn new(stream: R, max_content: u64) -> ArcRecords<R> {
        ArcRecords {
            stream: Rewind::new(stream),
            max_content,
            line: Vec::new(),
        }
    }

    /// The next non-blank line, or `None` at the end.
    fn next_line(&mut self) -> io::Result<Option<Result<String, String>>> {
        loop {
            match read_line_capped(&mut self.stream, &mut self.line, MAX_HEADER_LINE)? {
                Line::End => return Ok(None),
                Line::TooLong(n) => return Ok(Some(Err(format!("a line of {n} bytes")))),
                Line::Read => {
                    let line = String::from_utf8_lossy(&self.line).trim().to_string();
                    if !line.is_empty() {
                        return Ok(Some(Ok(line)));
                    }
                }
            }
        }
    }

    /// Whether the stream is at the end or, after blank lines, at a header
    /// line: what follows a record whose length was right.
    fn at_boundary(&mut self) -> io::Result<bool> {
        let mut want = 256;
        loop {
            let head = self.stream.peek(want)?;
            let rest = head.trim_ascii_start();
            let Some(end) = rest.iter().position(|&b| b == b'\n') else {
                if head.len() < want {
                    // The end of the file: nothing, or a last line.
                    return Ok(rest.is_empty() || header(&String::from_utf8_lossy(rest)).is_some());
                }
                if want as u64 >= MAX_HEADER_LINE {
                    return Ok(false);
                }
                want *= 4;
                continue;
            };
            return Ok(header(&String::from_utf8_lossy(&rest[..end])).is_some());
        }
    }

    /// Skips the content of a record over the cap without holding it.
    ///
    /// While skipping, the lines from the first header line on are kept (up
    /// to the cap, or 1 MiB): if the length turns out wrong, the records it
    /// swallowed are read from there.
    fn skip_content(&mut self, length: u64) -> io::Result<Next> {
        let room = (self.max_content as usize).max(RESCUE);
        let (mut rescue, mut rescuing, mut first) = (Vec::new(), false, true);
        let mut rest = (&mut self.stream).take(length);
        loop {
            let before = rest.limit();
            match read_line_capped(&mut rest, &mut self.line, MAX_HEADER_LINE)? {
                Line::End => break,
                // A rescue missing a line would be read wrong.
                Line::TooLong(_) => rescuing = false,
                Line::Read => {
                    // The content's first line is the HTTP status line.
                    if !first && rescue.is_empty() {
                        rescuing = header(&String::from_utf8_lossy(&self.line)).is_some();
                    }
                    if rescuing && rescue.len() + self.line.len() < room {
                        rescue.extend_from_slice(&self.line);
                        // The record's last line may end mid-line.
                        if before - rest.limit() > self.line.len() as u64 {
                            rescue.push(b'\n');
                        }
                    }
                }
            }
            first = false;
        }
        let left = rest.limit();
        let Some(why) = length_fault("Archive-length", length, left, || self.at_boundary())? else {
            return Ok(over_cap(length, self.max_content));
        };
        if rescue.is_empty() {
            return self.resync(why);
        }
        self.stream.unread(&rescue);
        Ok(Next::Skipped(format!(
            "{why}; resumed at the next ARC header"
        )))
    }

    /// Moves to the next header line and reports `why` the record was
    /// skipped.
    fn resync(&mut self, why: String) -> io::Result<Next> {
        while let Some(line) = self.next_line()? {
            if let Ok(line) = line {
                if header(&line).is_some() {
                    self.stream.unread(format!("{line}\n").as_bytes());
                    return Ok(Next::Skipped(format!(
                        "{why}; resumed at the next ARC header"
                    )));
                }
            }
        }
        Ok(Next::Skipped(format!("{why}; no record after it")))
    }
}

impl<R: BufRead> RecordStream for ArcRecords<R> {
    fn next_record(&mut self) -> io::Result<Next> {
        let line = match self.next_line()? {
            None => return Ok(Next::End),
            Some(Ok(line)) => line,
            Some(Err(why)) => return self.resync(format!("not an ARC header: {why}")),
        };
        let Some(head) = header(&line) else {
            let shown: String = line.chars().take(60).collect();
            return self.resync(format!("not an ARC header: {shown:?}"));
        };
        let length = match &head.length {
            Ok(length) => *length,
            Err(why) => return self.resync(why.clone()),
        };
        if length > self.max_content {
            return self.skip_content(length);
        }
        let mut content = Vec::with_capacity(length as usize);
        (&mut self.stream).take(length).read_to_end(&mut content)?;
        let short = length - content.len() as u64;
        // A file cut inside its last record (a crawl stopped, a copy cut
        // short): the page as far as it goes, as warcio reads it too.
        if short > 0 && !content.is_empty() && first_header_line(&content).is_none() {
            let why = format!(
                "Archive-length {length} runs past the end of the file ({short} bytes short); \
                 read as far as it goes"
            );
            return Ok(Next::Cut(head.record(content), why));
        }
        if let Some(why) = length_fault("Archive-length", length, short, || self.at_boundary())? {
            // A length too long swallowed the next records: read them again
            // from the first header line inside.
            if let Some(start) = first_header_line(&content) {
                self.stream.unread(&content[start..]);
                return Ok(Next::Skipped(format!(
                    "{why}; resumed at the next ARC header"
                )));
            }
            return self.resync(why);
        }
        Ok(Next::Record(head.record(content)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(data: &[u8], max: u64) -> Vec<Next> {
        let mut arc = ArcRecords::new(data, max);
        let mut out = Vec::new();
        loop {
            match arc.next_record().unwrap() {
                Next::End => return out,
                next => out.push(next),
            }
        }
    }

    fn arc_record(url: &str, content: &str) -> String {
        format!(
            "{url} 93.184.216.119 20140216050221 text/html {}\n{content}\n",
            content.len()
        )
    }

    const FILEDESC: &str =
        "filedesc://live-web-example.arc.gz 127.0.0.1 20140216050221 text/plain 75\n\
        1 0 LiveWeb Capture\nURL IP-address Archive-date Content-type Archive-length\n\n";

    #[test]
    fn header_lines_of_both_versions_and_urls_with_spaces() {
        let v1 = header("http://a.kz/x y 1.2.3.4 20140216050221 text/html 12").unwrap();
        assert_eq!(v1.url, "http://a.kz/x y");
        assert_eq!(v1.date.as_deref(), Some("2014-02-16T05:02:21Z"));
        assert_eq!(v1.length, Ok(12));
        let v2 = header(
            "http://a.kz/ 1.2.3.4 20080430204825 text/html 200 ABCD - 0 IAH-2008.arc.gz 300",
        )
        .unwrap();
        assert_eq!((v2.url.as_str(), v2.length), ("http://a.kz/", Ok(300)));
        assert_eq!(v2.content_type, "text/html");
        assert!(header("HTTP/1.1 200 OK").is_none());
        assert!(header("Content-Length: 1270").is_none());
        assert!(header("http://a.kz/ 1.2.3.4 2014 text/html 1").is_none());
        let bad = header("http://a.kz/ 1.2.3.4 201404010000000000 text/html -1").unwrap();
        assert!(bad.length.is_err());
    }

    #[test]
    fn records_become_warc_shaped_and_the_file_description_holds_no_page() {
        let http = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>Hello</p>";
        let data = format!(
            "{FILEDESC}{}\n{}",
            arc_record("http://example.com/", http),
            arc_record("http://example.com/bare", "<p>Bare</p>")
        );
        let got = records(data.as_bytes(), 1 << 20);
        let kinds: Vec<_> = got
            .iter()
            .map(|n| match n {
                Next::Record(r) => r.field("WARC-Type").unwrap().to_string(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(kinds, ["metadata", "response", "resource"]);
        let Next::Record(page) = &got[1] else {
            unreachable!()
        };
        assert_eq!(page.content, http.as_bytes());
        assert_eq!(page.field("WARC-Target-URI"), Some("http://example.com/"));
        assert_eq!(page.field("WARC-Date"), Some("2014-02-16T05:02:21Z"));
    }

    #[test]
    fn a_bad_length_costs_its_record_only() {
        let good = arc_record("http://example.com/good", "<p>Good</p>");
        // No length; a length too short; a length too long; over the cap.
        let data = format!(
            "{FILEDESC}http://example.com/ 1.2.3.4 201404010000000000 text/html -1\n\n\
             http://example.com/short 1.2.3.4 20140102000000 text/html 3\n<p>Cut</p>\n\n{good}\n\
             http://example.com/long 1.2.3.4 20140102000000 text/html 200\n<p>Long</p>\n\n{good}\n\
             {}\n{good}",
            arc_record("http://example.com/big", &"x".repeat(100))
        );
        let got = records(data.as_bytes(), 80);
        let good_pages = got
            .iter()
            .filter(|n| matches!(n, Next::Record(r) if r.content == b"<p>Good</p>"))
            .count();
        assert_eq!(good_pages, 3, "{got:?}");
        let skipped: Vec<&str> = got
            .iter()
            .filter_map(|n| match n {
                Next::Skipped(why) => Some(why.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(skipped.len(), 4, "{skipped:?}");
        assert!(matches!(&got[0], Next::Record(r) if r.field("WARC-Type") == Some("metadata")));
        assert!(
            skipped[0].contains("\"-1\" is not a length"),
            "{}",
            skipped[0]
        );
        assert!(skipped[1].contains("does not end at a record boundary"));
        assert!(
            skipped[2].contains("200 does not end at a record boundary; resumed"),
            "{}",
            skipped[2]
        );
        assert!(skipped[3].contains("max_document_bytes"), "{}", skipped[3]);
    }

    #[test]
    fn a_file_cut_inside_its_last_record_keeps_the_page_so_far() {
        let record = arc_record("http://example.com/", "<p>A page cut short</p>");
        let cut = &record[..record.len() - 6];
        let got = records(format!("{FILEDESC}{cut}").as_bytes(), 1 << 20);
        match &got[1] {
            Next::Cut(r, why) => {
                assert_eq!(r.content, b"<p>A page cut shor");
                assert!(why.contains("(5 bytes short)"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }
}
