//! WARC archives (`.warc`, `.warc.gz` with one gzip member per record):
//! one document per HTTP response (or resource) record whose payload is
//! HTML or plain text.
//!
//! Records are split here (WARC framing is a header block and a
//! `Content-Length`; the crates that do it allocate whatever length a
//! corrupt header claims, which untrusted input must not be able to make
//! us do) and the HTTP message inside a response by `httparse`; the
//! payload then goes through the same HTML or text reading as a file would. The target URI is the document's URL; its
//! publication time is the page's own (`<meta>`, `<time>`) when it has one,
//! else the record's `WARC-Date` (when it was fetched). Request, metadata
//! and warcinfo records are skipped; a record that cannot be used is a
//! warning and the archive's other records are still read.

use std::io::Read;

use super::decode::text_of;
use super::html::read_html;
use crate::document::{doc_id, parse_timestamp, Document};

/// What one archive gave.
#[derive(Debug, Default)]
pub struct WarcRead {
    pub documents: Vec<Document>,
    /// Invalid UTF-8 sequences replaced, over all payloads.
    pub repaired: u64,
}

/// One WARC record: its named header fields and its content block.
#[derive(Debug)]
struct WarcRecord<'a> {
    header: Vec<(&'a str, &'a str)>,
    content: &'a [u8],
}

/// Splits the next record off `data`: `Ok(None)` at the end.
fn next_record<'a>(data: &mut &'a [u8]) -> Result<Option<WarcRecord<'a>>, String> {
    // Records are separated by blank lines; tolerate extra ones.
    while let Some(rest) = data
        .strip_prefix(b"\r\n")
        .or_else(|| data.strip_prefix(b"\n"))
    {
        *data = rest;
    }
    if data.is_empty() {
        return Ok(None);
    }
    let end = data
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no end of header block")?;
    let block = std::str::from_utf8(&data[..end]).map_err(|_| "header block is not UTF-8")?;
    let mut lines = block.split("\r\n");
    if !lines.next().unwrap_or("").starts_with("WARC/") {
        return Err("not a WARC record (no WARC/ version line)".into());
    }
    let header: Vec<(&str, &str)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect();
    let length: usize = header
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("Content-Length"))
        .and_then(|(_, v)| v.parse().ok())
        .ok_or("no valid Content-Length")?;
    let body = &data[end + 4..];
    let content = body
        .get(..length)
        .ok_or_else(|| format!("Content-Length {length} runs past the end of the file"))?;
    *data = &body[length..];
    Ok(Some(WarcRecord { header, content }))
}

/// Reads the records of an uncompressed WARC stream.
pub fn read_warc(source: &str, bytes: &[u8], warnings: &mut Vec<String>) -> WarcRead {
    let mut out = WarcRead::default();
    let mut data = bytes;
    for index in 0.. {
        let record = match next_record(&mut data) {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(e) => {
                // Without a trustworthy length the next record cannot be found.
                warnings.push(format!(
                    "WARC record {index}: {e}; rest of the file skipped"
                ));
                break;
            }
        };
        match payload(&record) {
            Ok(Some((kind, body))) => match text_of(&body) {
                Ok((text, repaired)) => {
                    out.repaired += repaired;
                    out.documents
                        .push(document(source, index as u32, &record, kind, &text));
                }
                Err(e) => warnings.push(format!("WARC record {index}: {e}")),
            },
            Ok(None) => {}
            Err(why) => warnings.push(format!("WARC record {index}: {why}")),
        }
    }
    out
}

fn header<'r>(record: &WarcRecord<'r>, name: &str) -> Option<&'r str> {
    record
        .header
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| *v)
        .filter(|v| !v.is_empty())
}

/// Whether a payload is a page or plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Html,
    Text,
}

fn kind_of(content_type: Option<&str>, body: &[u8]) -> Option<Kind> {
    let mime = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "text/html" | "application/xhtml+xml" => Some(Kind::Html),
        "text/plain" => Some(Kind::Text),
        "" => {
            let head = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_lowercase();
            (head.contains("<html") || head.contains("<!doctype html")).then_some(Kind::Html)
        }
        _ => None,
    }
}

/// The page inside a record: `None` for records that hold no page
/// (requests, metadata, non-2xx responses, images, scripts).
fn payload(record: &WarcRecord<'_>) -> Result<Option<(Kind, Vec<u8>)>, String> {
    match header(record, "WARC-Type") {
        Some("response") => {}
        Some("resource") => {
            let kind = kind_of(header(record, "Content-Type"), record.content);
            return Ok(kind.map(|k| (k, record.content.to_vec())));
        }
        _ => return Ok(None),
    }
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    let start = match response.parse(record.content) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err("truncated HTTP header".into()),
        Err(e) => return Err(format!("bad HTTP header: {e}")),
    };
    if !(200..300).contains(&response.code.unwrap_or(0)) {
        return Ok(None);
    }
    let field = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
    };
    let mut body = record.content[start..].to_vec();
    if field("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        body = dechunk(&body).ok_or("broken chunked transfer encoding")?;
    }
    match field("content-encoding").as_deref().map(str::trim) {
        None | Some("") | Some("identity") => {}
        Some("gzip") | Some("x-gzip") => {
            let mut out = Vec::new();
            flate2::read::MultiGzDecoder::new(&body[..])
                .read_to_end(&mut out)
                .map_err(|e| format!("gzip payload: {e}"))?;
            body = out;
        }
        Some(other) => return Err(format!("unsupported content encoding {other}")),
    }
    Ok(kind_of(field("content-type").as_deref(), &body).map(|k| (k, body)))
}

/// Undoes `Transfer-Encoding: chunked`.
fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..).unwrap_or(&[]);
    }
}

fn document(source: &str, record: u32, warc: &WarcRecord<'_>, kind: Kind, text: &str) -> Document {
    let uri = header(warc, "WARC-Target-URI").map(|u| u.trim_matches(['<', '>']));
    let mut doc = match kind {
        Kind::Html => read_html(source, text, uri),
        Kind::Text => Document::new(source, record, text.to_string()),
    };
    doc.record = record;
    doc.doc_id = doc_id(source, record);
    doc.id = header(warc, "WARC-Record-ID").map(str::to_string);
    if let Some(uri) = uri {
        doc.url = Some(uri.to_string());
    }
    if doc.published.is_none() {
        doc.published = header(warc, "WARC-Date").and_then(parse_timestamp);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// One WARC record with `headers` and `content`.
    fn record(kind: &str, uri: &str, extra: &str, content: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{uri}>\r\n\
             WARC-Date: 2024-03-05T10:00:00Z\r\nWARC-Target-URI: {uri}\r\n{extra}\
             Content-Length: {}\r\n\r\n",
            content.len()
        )
        .into_bytes();
        r.extend_from_slice(content);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn http(headers: &str, body: &[u8]) -> Vec<u8> {
        let mut r = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
        r.extend_from_slice(body);
        r
    }

    const PAGE: &str = "<html><head><title>Tokayev visits Israel</title></head><body>\
        <nav>Home | World</nav><article><p>Kazakhstan's president arrived in Jerusalem \
        on Tuesday for talks on trade and water technology.</p></article></body></html>";

    fn archive() -> Vec<u8> {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"Plain text from a gzipped response.")
            .unwrap();
        let gzipped = gz.finish().unwrap();
        let mut w = Vec::new();
        w.extend(record("warcinfo", "x", "", b"software: test"));
        w.extend(record(
            "request",
            "http://a.kz/1",
            "",
            b"GET /1 HTTP/1.1\r\n\r\n",
        ));
        w.extend(record(
            "response",
            "http://a.kz/1",
            "",
            &http(
                "Content-Type: text/html; charset=utf-8\r\n",
                PAGE.as_bytes(),
            ),
        ));
        w.extend(record(
            "response",
            "http://a.kz/logo.png",
            "",
            &http("Content-Type: image/png\r\n", b"\x89PNG"),
        ));
        w.extend(record(
            "response",
            "http://a.kz/2.txt",
            "",
            &http(
                "Content-Type: text/plain\r\nContent-Encoding: gzip\r\n",
                &gzipped,
            ),
        ));
        w.extend(record(
            "response",
            "http://a.kz/3",
            "",
            &http(
                "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n",
                b"6\r\nChunky\r\n7\r\n bacon.\r\n0\r\n\r\n",
            ),
        ));
        w.extend(record("metadata", "http://a.kz/1", "", b"fetchTimeMs: 12"));
        w
    }

    #[test]
    fn response_records_become_documents() {
        let mut warnings = Vec::new();
        let read = read_warc("crawl.warc", &archive(), &mut warnings);
        assert!(warnings.is_empty(), "{warnings:?}");
        let docs = &read.documents;
        assert_eq!(docs.len(), 3, "{docs:#?}");
        assert_eq!(docs[0].url.as_deref(), Some("http://a.kz/1"));
        assert_eq!(docs[0].title.as_deref(), Some("Tokayev visits Israel"));
        assert!(docs[0].body.contains("arrived in Jerusalem"));
        assert!(!docs[0].body.contains("<p>"));
        assert_eq!(
            docs[0].published,
            parse_timestamp("2024-03-05T10:00:00Z"),
            "WARC-Date when the page has none"
        );
        assert_eq!(docs[1].body, "Plain text from a gzipped response.");
        assert_eq!(docs[2].body, "Chunky bacon.");
        // Ids follow the record's place in the archive.
        assert_eq!(docs[0].record, 2);
        assert_eq!(docs[0].doc_id, doc_id("crawl.warc", 2));
        assert_ne!(docs[1].doc_id, docs[2].doc_id);
    }

    #[test]
    fn per_record_gzip_is_read_whole() {
        // Each record its own gzip member, as crawlers write .warc.gz.
        let mut members = Vec::new();
        for r in [
            record("warcinfo", "x", "", b"software: test"),
            record(
                "response",
                "http://a.kz/1",
                "",
                &http("Content-Type: text/html\r\n", PAGE.as_bytes()),
            ),
            record(
                "resource",
                "file:///notes.txt",
                "Content-Type: text/plain\r\n",
                b"A resource record of plain text.",
            ),
        ] {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&r).unwrap();
            members.extend(gz.finish().unwrap());
        }
        let (bytes, inner) =
            super::super::decode::decompress(std::path::Path::new("c.warc.gz"), &members).unwrap();
        assert_eq!(inner, "c.warc");
        let mut warnings = Vec::new();
        let docs = read_warc("c.warc.gz", &bytes, &mut warnings).documents;
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[1].body, "A resource record of plain text.");
        assert_eq!(docs[1].url.as_deref(), Some("file:///notes.txt"));
    }

    #[test]
    fn a_broken_record_is_a_warning_and_earlier_records_stay() {
        let mut bytes = archive();
        bytes.extend_from_slice(
            b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999\r\n\r\nshort",
        );
        let mut warnings = Vec::new();
        let read = read_warc("crawl.warc", &bytes, &mut warnings);
        assert_eq!(read.documents.len(), 3);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("record 7"), "{warnings:?}");
        assert!(warnings[0].contains("runs past the end"), "{warnings:?}");
        // A length no file could hold is refused, not allocated.
        let mut huge = archive();
        huge.extend_from_slice(b"WARC/1.0\r\nContent-Length: 18446744073709551615\r\n\r\nx");
        let read = read_warc("crawl.warc", &huge, &mut Vec::new());
        assert_eq!(read.documents.len(), 3);
    }
}
