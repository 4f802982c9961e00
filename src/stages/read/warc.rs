//! WARC archives (`.warc`, `.warc.gz` with one gzip member per record):
//! one document per HTTP response (or resource) record whose payload is
//! HTML or plain text.
//!
//! Records come one at a time from [`super::warc_framing`] (which skips a
//! record over `read.max_document_bytes` or a broken one and finds the next),
//! the HTTP message inside a response is parsed by `httparse`, and the
//! payload (chunked and gzip/deflate transfer undone, decompressed no further
//! than the document cap) goes through the same charset decoding and HTML or
//! text reading as a file would, its HTTP `charset` first. The target URI is
//! the document's URL; its publication time is the page's own (`<meta>`,
//! `<time>`) when it has one, else the record's `WARC-Date` (when it was
//! fetched). Request, metadata and warcinfo records are skipped; a record
//! that cannot be used is a warning and the archive's other records are
//! still read. The text of a `conversion` record (Common Crawl's WET files)
//! is a plain-text document.
//!
//! ARC files (`.arc`, `.arc.gz`), WARC's predecessor, are read the same way:
//! [`super::arc_framing`] gives their records WARC's field names.

use std::io::{self, BufRead, Read};

use super::arc_framing::ArcRecords;
use super::charset::{charset_param, Hints};
use super::decode::{text_of, Limited, OverLimit};
use super::html::{read_html_as, TextFormat};
use super::warc_framing::{Next, Record, RecordStream, Records};
use crate::document::{doc_id, parse_timestamp, Document};

pub use super::warc_framing::{Frames, GzipMembers, Members, ZstdFrames};

/// What one archive gave.
#[derive(Debug, Default)]
pub struct WarcRead {
    pub documents: Vec<Document>,
    /// Invalid byte sequences replaced, over all payloads.
    pub repaired: u64,
    /// The first legacy (not UTF-8) encoding a payload was in.
    pub encoding: Option<&'static str>,
}

/// The two archive formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Archive {
    Warc,
    Arc,
}

impl Archive {
    /// The format a stream's first bytes say it is in: a WARC version line,
    /// or an ARC file's description record.
    pub fn sniff(head: &[u8]) -> Option<Archive> {
        if head.starts_with(b"WARC/1.") {
            Some(Archive::Warc)
        } else if head.starts_with(b"filedesc://") {
            Some(Archive::Arc)
        } else {
            None
        }
    }

    /// The format's name, as the manifest and warnings give it.
    pub fn name(self) -> &'static str {
        match self {
            Archive::Warc => "WARC",
            Archive::Arc => "ARC",
        }
    }
}

/// Reads the records of an uncompressed WARC or ARC stream; no record's
/// content or decompressed payload over `max_record` bytes is held. I/O
/// errors of the stream end the read (the caller skips the file).
pub fn read_warc(
    source: &str,
    archive: Archive,
    stream: impl BufRead,
    max_record: u64,
    format: TextFormat,
    warnings: &mut Vec<String>,
) -> io::Result<WarcRead> {
    let mut records: Box<dyn RecordStream> = match archive {
        Archive::Warc => Box::new(Records::new(stream, max_record)),
        Archive::Arc => Box::new(ArcRecords::new(stream, max_record)),
    };
    let label = archive.name();
    let mut out = WarcRead::default();
    for index in 0u32.. {
        let record = match records.next_record()? {
            Next::Record(r) => r,
            Next::Cut(r, why) => {
                warnings.push(format!("{label} record {index}: {why}"));
                r
            }
            Next::Skipped(why) => {
                warnings.push(format!("{label} record {index}: {why}"));
                continue;
            }
            Next::End => break,
        };
        let page = match payload(&record, max_record) {
            Ok(Some(page)) => page,
            Ok(None) => continue,
            Err(why) => {
                warnings.push(format!("{label} record {index}: {why}"));
                continue;
            }
        };
        if let Some(note) = page.note {
            warnings.push(format!("{label} record {index}: {note}"));
        }
        let uri = record
            .field("WARC-Target-URI")
            .map(|u| u.trim_matches(['<', '>']));
        let hints = Hints {
            http_charset: page.charset.as_deref(),
            url: uri,
        };
        let decoded = match text_of(page.body, hints) {
            Ok(decoded) => decoded,
            Err(e) => {
                warnings.push(format!("{label} record {index}: {e}"));
                continue;
            }
        };
        out.repaired += decoded.repaired;
        if decoded.name != "UTF-8" {
            out.encoding.get_or_insert(decoded.name);
        }
        // A panic on one page costs its record, not the archive.
        let read = super::contained::contained(|| {
            document(
                source,
                index,
                &record,
                (uri, format),
                page.kind,
                &decoded.text,
            )
        });
        match read {
            Ok(doc) => out.documents.push(doc),
            Err(e) => warnings.push(format!(
                "{label} record {index}: the reader failed on this page, a bug in gleaner \
                 or a parser it uses (please report it): {e}"
            )),
        }
    }
    Ok(out)
}

/// Whether a payload is a page or plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Html,
    Text,
}

/// The page inside a record, with the charset its headers name.
struct Payload {
    kind: Kind,
    body: Vec<u8>,
    charset: Option<String>,
    /// What was wrong with the body that did not cost it, for a warning.
    note: Option<&'static str>,
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
///
/// A `conversion` record holds a page turned into something else; in a
/// Common Crawl WET file (`.warc.wet.gz`), the page's text, a paragraph a
/// line, which is read like a resource.
fn payload(record: &Record, max_body: u64) -> Result<Option<Payload>, String> {
    match record.field("WARC-Type") {
        Some("response") => {}
        // wget stores its command line and log as resources of a
        // `metadata://` URI: the crawl's own notes, not pages.
        Some("resource")
            if record
                .field("WARC-Target-URI")
                .is_some_and(|u| u.trim_start_matches('<').starts_with("metadata:")) =>
        {
            return Ok(None)
        }
        Some("resource" | "conversion") => return Ok(as_resource(record)),
        _ => return Ok(None),
    }
    // A response that is no HTTP message is read as a resource is, by its
    // record's type: Heritrix records each host's DNS lookup as a `dns:`
    // response of type `text/dns` (no page, and no bad HTTP header to warn
    // of), and some tools write a page's bytes with no HTTP header.
    let http_typed = record.field("Content-Type").is_none_or(|t| {
        t.trim_start()
            .to_ascii_lowercase()
            .starts_with("application/http")
    });
    if !http_typed && !record.content.starts_with(b"HTTP/") {
        return Ok(as_resource(record));
    }
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    // Read as browsers read a response: a header line that is not one
    // ("X-Content Type Options: nosniff", as a Chrome-based recorder wrote
    // them) is passed over, not the end of the page; folded lines and
    // extra spaces are taken.
    let start = match httparse::ParserConfig::default()
        .ignore_invalid_headers_in_responses(true)
        .allow_spaces_after_header_name_in_responses(true)
        .allow_obsolete_multiline_headers_in_responses(true)
        .allow_multiple_spaces_in_response_status_delimiters(true)
        .parse_response(&mut response, &record.content)
    {
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
    let mut note = None;
    if field("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        match dechunk(&body) {
            Dechunked::Whole(whole) => body = whole,
            Dechunked::Cut(part) => {
                body = part;
                note = Some("chunked body cut off; the chunks before the cut are read");
            }
            // Stored de-chunked under the original header (pywb's sample
            // crawl of iana.org): read as it is, as warcio reads it.
            Dechunked::NotChunked => {}
        }
    }
    match field("content-encoding").as_deref().map(str::trim) {
        None | Some("") | Some("identity") => {}
        // Stored decoded under the original header, as above: no gzip or
        // zlib header, and markup where the compressed bytes would be.
        Some("gzip" | "x-gzip" | "deflate") if is_stored_decoded(&body) => {}
        Some(coding @ ("gzip" | "x-gzip" | "deflate" | "br")) => {
            match inflate(&body, coding, max_body) {
                Ok(inflated) => body = inflated,
                // Brotli has no header to tell a stored-decoded body by:
                // one that does not decode and opens with markup is one.
                Err(Inflate::Bad(_)) if coding == "br" && is_stored_decoded(&body) => {}
                Err(Inflate::Bad(why) | Inflate::OverCap(why)) => return Err(why),
            }
        }
        Some(other) => return Err(format!("unsupported content encoding {other}")),
    }
    let content_type = field("content-type");
    let charset = content_type
        .as_deref()
        .and_then(charset_param)
        .map(str::to_string);
    Ok(kind_of(content_type.as_deref(), &body).map(|kind| Payload {
        kind,
        body,
        charset,
        note,
    }))
}

/// Undoes a gzip, deflate or brotli `Content-Encoding`, to at most `max`
/// bytes: a 100 KB body can inflate to gigabytes.
fn inflate(body: &[u8], coding: &str, max: u64) -> Result<Vec<u8>, Inflate> {
    let decoder: Box<dyn Read + '_> = match coding {
        "deflate" if is_zlib(body) => Box::new(flate2::read::ZlibDecoder::new(body)),
        // Many servers send raw deflate for "deflate".
        "deflate" => Box::new(flate2::read::DeflateDecoder::new(body)),
        // Brotli: what browsers ask for first, so what a browser-based
        // crawler (Browsertrix, warcprox behind a browser) records.
        "br" => Box::new(brotli_decompressor::Decompressor::new(body, 4096)),
        _ => Box::new(flate2::read::MultiGzDecoder::new(body)),
    };
    let mut out = Vec::new();
    Limited::new(decoder, max)
        .read_to_end(&mut out)
        .map_err(
            |e| match e.get_ref().and_then(|i| i.downcast_ref::<OverLimit>()) {
                Some(_) => Inflate::OverCap(format!(
                    "{coding} body over read.max_document_bytes ({max}) when decompressed; skipped"
                )),
                None => Inflate::Bad(format!("{coding} payload: {e}")),
            },
        )?;
    Ok(out)
}

/// Why a compressed body was not read.
#[derive(Debug)]
enum Inflate {
    /// It decompresses to more than the document cap.
    OverCap(String),
    /// It does not decompress.
    Bad(String),
}

/// A zlib header: deflate method, and the check bits of RFC 1950.
fn is_zlib(body: &[u8]) -> bool {
    matches!(body, [cmf, flg, ..] if cmf & 0x0F == 8 && (u16::from(*cmf) << 8 | u16::from(*flg)) % 31 == 0)
}

/// The page a record holds as it is (no HTTP message around it), by the
/// record's `Content-Type` or, without one, by a look at it.
fn as_resource(record: &Record) -> Option<Payload> {
    let content_type = record.field("Content-Type");
    let kind = kind_of(content_type, &record.content)?;
    Some(Payload {
        kind,
        body: record.content.clone(),
        charset: content_type.and_then(charset_param).map(str::to_string),
        note: None,
    })
}

/// A body under `Content-Encoding: gzip` or `deflate` that is not
/// compressed: no gzip or zlib header, and it opens with markup.
fn is_stored_decoded(body: &[u8]) -> bool {
    let compressed = body.starts_with(&[0x1f, 0x8b]) || is_zlib(body);
    let opening = body.iter().find(|b| !b.is_ascii_whitespace());
    !compressed && opening == Some(&b'<')
}

/// A body under `Transfer-Encoding: chunked`, undone.
#[derive(Debug, PartialEq)]
enum Dechunked {
    /// Every chunk, up to the last (zero-size) one.
    Whole(Vec<u8>),
    /// The bytes of the chunks before the body broke off or went wrong.
    Cut(Vec<u8>),
    /// The body does not open with a chunk-size line: some WARC writers
    /// store it de-chunked and keep the header.
    NotChunked,
}

/// Undoes `Transfer-Encoding: chunked`.
fn dechunk(mut data: &[u8]) -> Dechunked {
    /// The size of the chunk whose size line opens `data`, and where its
    /// bytes start.
    fn size_line(data: &[u8]) -> Option<(usize, usize)> {
        // A size line is short: hex digits and perhaps an extension.
        let line_end = data.iter().take(256).position(|&b| b == b'\n')?;
        let line = std::str::from_utf8(&data[..line_end]).ok()?;
        let digits = line.trim_end_matches('\r').split(';').next()?.trim();
        Some((usize::from_str_radix(digits, 16).ok()?, line_end + 1))
    }
    let mut out = Vec::new();
    let mut first = true;
    loop {
        let Some((size, start)) = size_line(data) else {
            return match first && !data.is_empty() {
                true => Dechunked::NotChunked,
                false => Dechunked::Cut(out),
            };
        };
        first = false;
        data = &data[start..];
        if size == 0 {
            return Dechunked::Whole(out);
        }
        let Some(chunk) = data.get(..size) else {
            out.extend_from_slice(data);
            return Dechunked::Cut(out);
        };
        out.extend_from_slice(chunk);
        data = data.get(size..).unwrap_or(&[]);
        data = data
            .strip_prefix(b"\r\n")
            .or_else(|| data.strip_prefix(b"\n"))
            .unwrap_or(data);
        if data.is_empty() {
            // No last chunk: the body ends here, at a chunk's end.
            return Dechunked::Cut(out);
        }
    }
}

fn document(
    source: &str,
    record: u32,
    warc: &Record,
    (uri, format): (Option<&str>, TextFormat),
    kind: Kind,
    text: &str,
) -> Document {
    let mut doc = match kind {
        Kind::Html => read_html_as(source, text, uri, format),
        Kind::Text => Document::new(source, record, text.to_string()),
    };
    doc.record = record;
    doc.doc_id = doc_id(source, record);
    doc.id = warc.field("WARC-Record-ID").map(str::to_string);
    if let Some(uri) = uri {
        doc.url = Some(uri.to_string());
    }
    if doc.published.is_none() {
        doc.published = warc.field("WARC-Date").and_then(parse_timestamp);
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

    /// Reads an uncompressed archive with a 1 MiB record cap.
    fn read_all(source: &str, bytes: &[u8], warnings: &mut Vec<String>) -> WarcRead {
        read_warc(
            source,
            Archive::Warc,
            bytes,
            1 << 20,
            TextFormat::Plain,
            warnings,
        )
        .unwrap()
    }

    #[test]
    fn response_records_become_documents() {
        let mut warnings = Vec::new();
        let read = read_all("crawl.warc", &archive(), &mut warnings);
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
        let mut warnings = Vec::new();
        let stream =
            std::io::BufReader::new(Members::new(std::io::Cursor::new(members), GzipMembers));
        let docs = read_warc(
            "c.warc.gz",
            Archive::Warc,
            stream,
            1 << 20,
            TextFormat::Plain,
            &mut warnings,
        )
        .unwrap()
        .documents;
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
        let read = read_all("crawl.warc", &bytes, &mut warnings);
        assert_eq!(read.documents.len(), 3);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("record 7"), "{warnings:?}");
        assert!(warnings[0].contains("runs past the end"), "{warnings:?}");
        // A length no file could hold is refused, not allocated.
        let mut huge = archive();
        huge.extend_from_slice(b"WARC/1.0\r\nContent-Length: 18446744073709551615\r\n\r\nx");
        let read = read_all("crawl.warc", &huge, &mut Vec::new());
        assert_eq!(read.documents.len(), 3);
    }

    #[test]
    fn a_bad_record_in_the_middle_costs_that_record_only() {
        let mut bytes = record(
            "response",
            "http://a.kz/0",
            "",
            &http("Content-Type: text/plain\r\n", b"The first record is fine."),
        );
        bytes.extend(
            b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5000\r\n\r\nbroken\r\n\r\n",
        );
        bytes.extend(archive());
        let mut warnings = Vec::new();
        let read = read_all("crawl.warc", &bytes, &mut warnings);
        assert_eq!(read.documents.len(), 4, "{warnings:?}");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("resumed at the next WARC/1. header"));
    }

    #[test]
    fn a_gzip_bomb_body_is_skipped_at_the_document_cap() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        for _ in 0..64 {
            gz.write_all(&[b' '; 1 << 20]).unwrap();
        }
        let bomb = gz.finish().unwrap();
        let mut bytes = record(
            "response",
            "http://a.kz/bomb",
            "",
            &http(
                "Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
                &bomb,
            ),
        );
        bytes.extend(archive());
        let mut warnings = Vec::new();
        let read = read_warc(
            "b.warc",
            Archive::Warc,
            &bytes[..],
            1 << 20,
            TextFormat::Plain,
            &mut warnings,
        )
        .unwrap();
        assert_eq!(read.documents.len(), 3);
        assert_eq!(
            warnings,
            ["WARC record 0: gzip body over read.max_document_bytes (1048576) when decompressed; skipped"]
        );
    }

    #[test]
    fn the_http_charset_decodes_the_payload() {
        let page = "<html><body><p>Президент Казахстана прибыл в Иерусалим для переговоров о \
            торговле и водных технологиях.</p></body></html>";
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(page);
        let bytes = record(
            "response",
            "http://news.example.kz/1",
            "",
            &http("Content-Type: text/html; charset=windows-1251\r\n", &cp1251),
        );
        let mut warnings = Vec::new();
        let read = read_all("r.warc", &bytes, &mut warnings);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(
            read.documents[0]
                .body
                .contains("Президент Казахстана прибыл"),
            "{}",
            read.documents[0].body
        );
        assert_eq!(read.encoding, Some("windows-1251"));
        assert_eq!(read.repaired, 0);
    }

    #[test]
    fn chunked_bodies_are_undone_cut_or_stored_decoded() {
        let whole = b"5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n";
        assert_eq!(dechunk(whole), Dechunked::Whole(b"hello world".to_vec()));
        assert_eq!(
            dechunk(b"5\nhello\n0\n\n"),
            Dechunked::Whole(b"hello".to_vec())
        );
        assert_eq!(
            dechunk(b"5\r\nhello\r\n6\r\n wo"),
            Dechunked::Cut(b"hello wo".to_vec())
        );
        assert_eq!(
            dechunk(b"5\r\nhello\r\n"),
            Dechunked::Cut(b"hello".to_vec())
        );
        assert_eq!(dechunk(b"<!doctype html><p>x"), Dechunked::NotChunked);
        assert_eq!(dechunk(b""), Dechunked::Cut(Vec::new()));
    }

    #[test]
    fn a_body_stored_decoded_under_its_original_headers_is_read() {
        // pywb's sample crawl of iana.org: de-chunked and, elsewhere,
        // decompressed bodies kept under `Transfer-Encoding: chunked` and
        // `Content-Encoding: gzip`. Before, each such page was lost.
        let mut bytes = record(
            "response",
            "http://a.example/1",
            "",
            &http(
                "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
                PAGE.as_bytes(),
            ),
        );
        bytes.extend(record(
            "response",
            "http://a.example/2",
            "",
            &http(
                "Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
                PAGE.as_bytes(),
            ),
        ));
        let chunked = format!("{:x}\r\n{PAGE}\r\n{:x}\r\n", PAGE.len(), 10);
        bytes.extend(record(
            "response",
            "http://a.example/3",
            "",
            &http(
                "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
                chunked.as_bytes(),
            ),
        ));
        let mut warnings = Vec::new();
        let read = read_all("a.warc", &bytes, &mut warnings);
        assert_eq!(read.documents.len(), 3, "{warnings:?}");
        for doc in &read.documents {
            assert!(doc.body.contains("arrived in Jerusalem"), "{}", doc.body);
        }
        assert_eq!(
            warnings,
            ["WARC record 2: chunked body cut off; the chunks before the cut are read"]
        );
    }

    /// `data` as a brotli stream of one uncompressed meta-block (RFC 7932
    /// 9.2; no brotli encoder among the dependencies).
    fn brotli_stored(data: &[u8]) -> Vec<u8> {
        assert!(!data.is_empty() && data.len() <= 1 << 16);
        // WBITS 16 (bit 0), not last, four nibbles of MLEN - 1, uncompressed.
        let header = ((data.len() as u32 - 1) << 4) | (1 << 20);
        let mut out = header.to_le_bytes()[..3].to_vec();
        out.extend_from_slice(data);
        out.push(0b11); // the last meta-block, empty
        out
    }

    #[test]
    fn brotli_bodies_and_records_that_are_no_http_message() {
        let mut bytes = record(
            "response",
            "http://a.example/br",
            "",
            &http(
                "Content-Type: text/html\r\nContent-Encoding: br\r\n",
                &brotli_stored(PAGE.as_bytes()),
            ),
        );
        // Heritrix's DNS lookup: a response, but no HTTP message.
        bytes.extend(record(
            "response",
            "dns:a.example",
            "Content-Type: text/dns\r\n",
            b"20140325121224\na.example.\t\t1718\tIN\tA\t46.43.41.10\n",
        ));
        // Header names with spaces, as a Chrome-based recorder wrote them.
        bytes.extend(record(
            "response",
            "http://a.example/spaced",
            "",
            &http(
                "X-Content Type Options: nosniff\r\nContent-Type : text/html\r\n",
                PAGE.as_bytes(),
            ),
        ));
        // A page's bytes with no HTTP message around them.
        bytes.extend(record(
            "response",
            "http://a.example/bare",
            "Content-Type: text/html\r\n",
            PAGE.as_bytes(),
        ));
        let mut warnings = Vec::new();
        let read = read_all("a.warc", &bytes, &mut warnings);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(read.documents.len(), 3);
        for doc in &read.documents {
            assert!(doc.body.contains("arrived in Jerusalem"), "{}", doc.body);
        }
    }

    #[test]
    fn raw_and_zlib_deflate_bodies_are_inflated() {
        let text = b"Deflated plain text body.";
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(text).unwrap();
        let zlib = z.finish().unwrap();
        let mut d = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        d.write_all(text).unwrap();
        let raw = d.finish().unwrap();
        for body in [zlib, raw] {
            assert_eq!(inflate(&body, "deflate", 1000).unwrap(), text);
        }
    }

    #[test]
    fn arc_records_become_documents_like_warc_ones() {
        let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{PAGE}");
        let arc = format!(
            "filedesc://x.arc 0.0.0.0 20140216050221 text/plain 20\n1 0 LiveWeb Capture\n\n\
             dns:a.kz 1.2.3.4 20140216050220 text/dns 7\n1.2.3.4\n\
             http://a.kz/1 1.2.3.4 20140216050221 text/html {}\n{http}\n",
            http.len()
        );
        let mut warnings = Vec::new();
        let read = read_warc(
            "x.arc",
            Archive::Arc,
            arc.as_bytes(),
            1 << 20,
            TextFormat::Plain,
            &mut warnings,
        )
        .unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(read.documents.len(), 1);
        let doc = &read.documents[0];
        assert_eq!(doc.url.as_deref(), Some("http://a.kz/1"));
        assert!(doc.body.contains("arrived in Jerusalem"), "{}", doc.body);
        assert!(!doc.body.contains("HTTP/1.1"), "{}", doc.body);
        assert_eq!(doc.published, parse_timestamp("2014-02-16T05:02:21Z"));
    }

    #[test]
    fn a_wet_conversion_record_is_a_text_document() {
        let text = "Kazakhstan's president arrived in Jerusalem on Tuesday.\nTalks on trade and water followed.";
        let mut w = record("warcinfo", "x", "", b"software: Nutch");
        w.extend(record(
            "conversion",
            "http://a.kz/1",
            "Content-Type: text/plain\r\nWARC-Identified-Content-Language: eng\r\n",
            text.as_bytes(),
        ));
        let mut warnings = Vec::new();
        let read = read_all("x.warc.wet", &w, &mut warnings);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(read.documents.len(), 1);
        let doc = &read.documents[0];
        assert_eq!(doc.body, text);
        assert_eq!(doc.url.as_deref(), Some("http://a.kz/1"));
        assert!(doc.published.is_some());
    }

    #[test]
    fn wget_metadata_resources_are_not_documents() {
        let mut w = record(
            "resource",
            "metadata://gnu.org/software/wget/warc/wget.log",
            "Content-Type: text/plain\r\n",
            b"Opening WARC file 'example.com.warc.gz'.",
        );
        w.extend(record(
            "resource",
            "file:///notes.txt",
            "Content-Type: text/plain\r\n",
            b"A resource record of plain text.",
        ));
        let read = read_all("w.warc", &w, &mut Vec::new());
        assert_eq!(read.documents.len(), 1);
        assert_eq!(read.documents[0].url.as_deref(), Some("file:///notes.txt"));
    }
}
