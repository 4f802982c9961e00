//! WARC framing: records out of a byte stream, one at a time, and the way
//! back into step after damage.
//!
//! A record is a header block and `Content-Length` bytes. The crates that
//! split records trust that length (allocating what a corrupt header
//! claims) and stop at the first bad record; an archive is worth more than
//! that. Here a record over `read.max_document_bytes` is skipped without
//! being held, a length that does not end at a record boundary costs its
//! record only (reading resumes at the next line starting `WARC/1.`), and in
//! a per-record `.warc.gz` a corrupt gzip member costs its record only
//! (reading resumes at the next `1f 8b 08` member header, see [`Members`]).

use std::io::{self, BufRead, Read, Seek, SeekFrom};

use memchr::memmem;

use super::decode::{read_line_capped, Line};

/// The start of a record header line, after the previous line's `\n`.
const NEXT_RECORD: &[u8] = b"\nWARC/1.";
/// Longest header line, and most header bytes, of a record.
const MAX_HEADER_LINE: u64 = 64 * 1024;
const MAX_HEADER: usize = 1024 * 1024;
/// Least bytes kept, while skipping an over-cap record, for reading again
/// the records a wrong length swallowed.
const RESCUE: usize = 1024 * 1024;
/// Bytes looked at per step when searching for the next record.
const SCAN: usize = 64 * 1024;

/// One WARC record: its named header fields and its content block.
#[derive(Debug)]
pub struct Record {
    pub header: Vec<(String, String)>,
    pub content: Vec<u8>,
}

impl Record {
    /// A header field (case-insensitive name), when not empty.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

/// A record over `read.max_document_bytes`, skipped whole.
pub(super) fn over_cap(length: u64, max: u64) -> Next {
    Next::Skipped(format!(
        "{}; skipped",
        super::over_document(length as usize, max)
    ))
}

/// Why a record's length field was wrong, or `None` when it was right:
/// `left` of its `length` bytes were missing at the end of the file, or
/// what follows the record is not the next one (`at_boundary`).
pub(super) fn length_fault(
    field: &str,
    length: u64,
    left: u64,
    at_boundary: impl FnOnce() -> io::Result<bool>,
) -> io::Result<Option<String>> {
    Ok(if left > 0 {
        Some(format!("{field} {length} runs past the end of the file"))
    } else if at_boundary()? {
        None
    } else {
        Some(format!(
            "{field} {length} does not end at a record boundary"
        ))
    })
}

/// A source of records: WARC here, ARC in [`super::arc_framing`].
pub trait RecordStream {
    /// The next record. I/O errors (of the file, of a decompressor, the
    /// file cap) are the caller's to report; damage inside the archive is
    /// a [`Next::Skipped`].
    fn next_record(&mut self) -> io::Result<Next>;
}

/// What the next step of a WARC stream gave.
#[derive(Debug)]
pub enum Next {
    Record(Record),
    /// A record that was skipped or broken, and why; the stream goes on.
    Skipped(String),
    /// The last record of a file cut short: its content as far as it goes,
    /// and a warning.
    Cut(Record, String),
    End,
}

/// The records of a WARC stream.
pub struct Records<R> {
    stream: Rewind<R>,
    max_content: u64,
    line: Vec<u8>,
}

impl<R: BufRead> Records<R> {
    /// Records of `stream`, keeping contents of at most `max_content` bytes.
    pub fn new(stream: R, max_content: u64) -> Records<R> {
        Records {
            stream: Rewind::new(stream),
            max_content,
            line: Vec::new(),
        }
    }

    /// The version line and the named fields of a header block, or why
    /// there is none.
    fn header(&mut self) -> io::Result<Result<Vec<(String, String)>, String>> {
        let mut header = Vec::new();
        let mut bytes = 0;
        for n in 0.. {
            let line = match read_line_capped(&mut self.stream, &mut self.line, MAX_HEADER_LINE)? {
                Line::Read => self.line.strip_suffix(b"\r").unwrap_or(&self.line),
                Line::TooLong(_) => return Ok(Err("header line too long".into())),
                Line::End => return Ok(Err("header cut short by the end of the file".into())),
            };
            if n == 0 {
                if !line.starts_with(b"WARC/") {
                    return Ok(Err("not a WARC record (no WARC/ version line)".into()));
                }
                continue;
            }
            if line.is_empty() {
                return Ok(Ok(header));
            }
            // The next record's version line, or a line that is no field:
            // this block is damaged; the search for the next record starts
            // at that line, so a record that follows is not swallowed.
            let continuation = line.starts_with(b" ") || line.starts_with(b"\t");
            if line.starts_with(b"WARC/") || !(continuation || line.contains(&b':')) {
                let mut again = line.to_vec();
                again.push(b'\n');
                self.stream.unread(&again);
                return Ok(Err("damaged header block".into()));
            }
            bytes += line.len();
            if bytes > MAX_HEADER {
                return Ok(Err("header block too long".into()));
            }
            let line = String::from_utf8_lossy(line);
            if let Some((k, v)) = line.split_once(':') {
                header.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        unreachable!("the loop returns")
    }

    /// Skips the content of a record over the cap without holding it.
    ///
    /// While skipping, the bytes from the first `WARC/1.` line on are kept
    /// (up to the cap, or 1 MiB): if the length turns out wrong, the records
    /// it swallowed are read from there.
    fn skip_content(&mut self, length: u64) -> io::Result<Next> {
        let (mut left, mut rescue, mut rescuing) = (length, Vec::new(), false);
        while left > 0 {
            let chunk = self.stream.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let n = (chunk.len() as u64).min(left) as usize;
            let chunk = &chunk[..n];
            let from = if rescuing {
                Some(0)
            } else {
                memmem::find(chunk, NEXT_RECORD).map(|i| i + 1)
            };
            if let Some(from) = from {
                rescuing = true;
                let room = (self.max_content as usize)
                    .max(RESCUE)
                    .saturating_sub(rescue.len());
                let part = &chunk[from..];
                rescue.extend_from_slice(&part[..part.len().min(room)]);
            }
            self.stream.consume(n);
            left -= n as u64;
        }
        let Some(why) = length_fault("Content-Length", length, left, || self.at_boundary())? else {
            return Ok(over_cap(length, self.max_content));
        };
        if rescue.is_empty() {
            return self.resync(why);
        }
        self.stream.unread(&rescue);
        Ok(Next::Skipped(format!(
            "{why}; resumed at the next WARC/1. header"
        )))
    }

    /// Whether the stream is at the end or, after blank lines, at a `WARC/`
    /// header: what must follow a record whose length was right.
    fn at_boundary(&mut self) -> io::Result<bool> {
        let mut want = 64;
        loop {
            let head = self.stream.peek(want)?;
            let rest = trim_blank_lines(head);
            if rest.is_empty() {
                if head.len() < want || want >= SCAN {
                    return Ok(true);
                }
                want *= 4;
                continue;
            }
            return Ok(if rest.len() >= 5 {
                rest.starts_with(b"WARC/")
            } else {
                b"WARC/".starts_with(rest)
            });
        }
    }

    /// Moves to the next line starting `WARC/1.` and reports `why` the
    /// record was skipped.
    fn resync(&mut self, why: String) -> io::Result<Next> {
        let found = self.find_next_record()?;
        Ok(Next::Skipped(if found {
            format!("{why}; resumed at the next WARC/1. header")
        } else {
            format!("{why}; no record after it")
        }))
    }

    fn find_next_record(&mut self) -> io::Result<bool> {
        if self.stream.peek(7)?.starts_with(&NEXT_RECORD[1..]) {
            return Ok(true);
        }
        loop {
            let window = self.stream.peek(SCAN)?;
            if let Some(i) = memmem::find(window, NEXT_RECORD) {
                self.stream.consume(i + 1);
                return Ok(true);
            }
            if window.len() < NEXT_RECORD.len() {
                let n = window.len();
                self.stream.consume(n);
                return Ok(false);
            }
            // Keep a marker's length minus one: it may straddle the window.
            let n = window.len() - (NEXT_RECORD.len() - 1);
            self.stream.consume(n);
        }
    }
}

fn trim_blank_lines(mut bytes: &[u8]) -> &[u8] {
    loop {
        if let Some(rest) = bytes.strip_prefix(b"\r\n") {
            bytes = rest;
        } else if let Some(rest) = bytes.strip_prefix(b"\n") {
            bytes = rest;
        } else {
            return bytes;
        }
    }
}

impl<R: BufRead> RecordStream for Records<R> {
    fn next_record(&mut self) -> io::Result<Next> {
        // Records are separated by blank lines; tolerate extra ones.
        loop {
            let head = self.stream.peek(2)?;
            if head.is_empty() {
                return Ok(Next::End);
            }
            let blank = if head.starts_with(b"\r\n") {
                2
            } else if head[0] == b'\n' {
                1
            } else {
                break;
            };
            self.stream.consume(blank);
        }
        let header = match self.header()? {
            Ok(header) => header,
            Err(why) => return self.resync(why),
        };
        let length = header
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Content-Length"))
            .and_then(|(_, v)| v.parse::<u64>().ok());
        let Some(length) = length else {
            return self.resync("no valid Content-Length".into());
        };
        if length > self.max_content {
            return self.skip_content(length);
        }
        let mut content = Vec::with_capacity(length as usize);
        (&mut self.stream).take(length).read_to_end(&mut content)?;
        let short = length - content.len() as u64;
        if let Some(why) = length_fault("Content-Length", length, short, || self.at_boundary())? {
            // A length too long swallowed the next records: read them again.
            if let Some(i) = memmem::find(&content, NEXT_RECORD) {
                self.stream.unread(&content[i + 1..]);
                return Ok(Next::Skipped(format!(
                    "{why}; resumed at the next WARC/1. header"
                )));
            }
            return self.resync(why);
        }
        Ok(Next::Record(Record { header, content }))
    }
}

/// A buffered stream that can look ahead any distance and take bytes back.
pub(super) struct Rewind<R> {
    front: Vec<u8>,
    at: usize,
    inner: R,
}

impl<R: BufRead> Rewind<R> {
    pub(super) fn new(inner: R) -> Rewind<R> {
        Rewind {
            front: Vec::new(),
            at: 0,
            inner,
        }
    }

    /// Puts `bytes` back in front of what is still unread.
    pub(super) fn unread(&mut self, bytes: &[u8]) {
        let mut front = bytes.to_vec();
        front.extend_from_slice(&self.front[self.at..]);
        self.front = front;
        self.at = 0;
    }

    /// At least `n` unread bytes (fewer only at the end), without consuming.
    pub(super) fn peek(&mut self, n: usize) -> io::Result<&[u8]> {
        while self.front.len() - self.at < n {
            let chunk = self.inner.fill_buf()?;
            if chunk.is_empty() {
                break;
            }
            let take = chunk.len().min(n - (self.front.len() - self.at));
            self.front.drain(..self.at);
            self.at = 0;
            self.front.extend_from_slice(&chunk[..take]);
            self.inner.consume(take);
        }
        Ok(&self.front[self.at..])
    }
}

impl<R: BufRead> Read for Rewind<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Rewind<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.at < self.front.len() {
            return Ok(&self.front[self.at..]);
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        if self.at < self.front.len() {
            self.at += n;
            if self.at >= self.front.len() {
                self.front.clear();
                self.at = 0;
            }
        } else {
            self.inner.consume(n);
        }
    }
}

/// A compression whose per-record archives are runs of independent frames,
/// one per record: gzip members (`.warc.gz`), zstd frames (`.warc.zst`).
pub trait Frames<R> {
    /// One frame being decompressed.
    type Frame: Read;
    /// The bytes every frame starts with: where reading resumes after a
    /// bad one.
    const MAGIC: &'static [u8];
    /// What a frame is called in warnings.
    const NAME: &'static str;
    fn open(&self, raw: R) -> io::Result<Self::Frame>;
    /// The raw stream, just after the frame.
    fn close(frame: Self::Frame) -> R;
}

/// Gzip members.
pub struct GzipMembers;

impl<R: BufRead> Frames<R> for GzipMembers {
    type Frame = flate2::bufread::GzDecoder<R>;
    const MAGIC: &'static [u8] = &super::decode::GZIP_MAGIC;
    const NAME: &'static str = "gzip member";

    fn open(&self, raw: R) -> io::Result<Self::Frame> {
        Ok(flate2::bufread::GzDecoder::new(raw))
    }

    fn close(frame: Self::Frame) -> R {
        frame.into_inner()
    }
}

/// Zstd frames, each decoded with the archive's dictionary if it has one.
pub struct ZstdFrames<'d> {
    pub dictionary: Option<&'d zstd::dict::DecoderDictionary<'d>>,
}

impl<'d, R: BufRead> Frames<R> for ZstdFrames<'d> {
    type Frame = zstd::stream::read::Decoder<'d, R>;
    const MAGIC: &'static [u8] = &super::decode::ZSTD_MAGIC;
    const NAME: &'static str = "zstd frame";

    fn open(&self, raw: R) -> io::Result<Self::Frame> {
        let frame = match self.dictionary {
            Some(d) => zstd::stream::read::Decoder::with_prepared_dictionary(raw, d)?,
            None => zstd::stream::read::Decoder::with_buffer(raw)?,
        };
        Ok(frame.single_frame())
    }

    fn close(frame: Self::Frame) -> R {
        frame.finish()
    }
}

/// The concatenated frames of a per-record archive (see [`Frames`]),
/// decompressed, with a corrupt frame skipped: reading resumes at the next
/// frame header after the start of the bad one (the raw file is seekable,
/// so a frame the bad one ran into is not lost). Each skip is a warning,
/// and a line break is put between the damaged output and the next
/// frame's, so the record that starts there is found at the start of a
/// line.
pub struct Members<R, C: Frames<R>> {
    codec: C,
    state: Option<MemberState<R, C::Frame>>,
    member_start: u64,
    line_break: bool,
    pub warnings: Vec<String>,
}

enum MemberState<R, F> {
    Between(R),
    In(F),
}

impl<R: BufRead + Seek, C: Frames<R>> Members<R, C> {
    pub fn new(raw: R, codec: C) -> Members<R, C> {
        Members {
            codec,
            state: Some(MemberState::Between(raw)),
            member_start: 0,
            line_break: false,
            warnings: Vec::new(),
        }
    }
}

impl<R: BufRead + Seek, C: Frames<R>> Read for Members<R, C> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if std::mem::take(&mut self.line_break) {
                buf[0] = b'\n';
                return Ok(1);
            }
            // `None` only after an I/O error was returned: nothing more.
            let Some(state) = self.state.take() else {
                return Ok(0);
            };
            match state {
                MemberState::Between(mut raw) => {
                    if raw.fill_buf()?.is_empty() {
                        self.state = Some(MemberState::Between(raw));
                        return Ok(0);
                    }
                    self.member_start = raw.stream_position()?;
                    self.state = Some(MemberState::In(self.codec.open(raw)?));
                }
                MemberState::In(mut member) => match member.read(buf) {
                    Ok(0) => self.state = Some(MemberState::Between(C::close(member))),
                    Ok(n) => {
                        self.state = Some(MemberState::In(member));
                        return Ok(n);
                    }
                    Err(e) => {
                        let mut raw = C::close(member);
                        let next = next_member(&mut raw, self.member_start + 1, C::MAGIC)?;
                        let (start, name) = (self.member_start, C::NAME);
                        self.warnings.push(match next {
                            Some(at) => format!(
                                "{name} at byte {start}: {e}; resumed at the next {name} (byte {at})"
                            ),
                            None => format!("{name} at byte {start}: {e}; no {name} after it"),
                        });
                        self.state = Some(MemberState::Between(raw));
                        self.line_break = true;
                    }
                },
            }
        }
    }
}

/// Positions `raw` at the first frame header (`magic`) at or after `from`
/// (its offset), or at the end.
fn next_member<R: BufRead + Seek>(raw: &mut R, from: u64, magic: &[u8]) -> io::Result<Option<u64>> {
    raw.seek(SeekFrom::Start(from))?;
    loop {
        // Seeking drops the buffer: each step looks at a full one.
        let at = raw.stream_position()?;
        raw.seek(SeekFrom::Start(at))?;
        let window = raw.fill_buf()?;
        if let Some(i) = memmem::find(window, magic) {
            raw.consume(i);
            return Ok(Some(at + i as u64));
        }
        if window.len() < magic.len() {
            let n = window.len();
            raw.consume(n);
            return Ok(None);
        }
        let n = window.len() - (magic.len() - 1);
        raw.consume(n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn record(body: &str) -> Vec<u8> {
        format!(
            "WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
            body.len()
        )
        .into_bytes()
    }

    /// Contents of the records read, and the skip messages.
    fn split(bytes: &[u8], max: u64) -> (Vec<String>, Vec<String>) {
        let mut records = Records::new(bytes, max);
        let (mut contents, mut skipped) = (Vec::new(), Vec::new());
        loop {
            match records.next_record().unwrap() {
                Next::Record(r) => contents.push(String::from_utf8(r.content).unwrap()),
                Next::Skipped(why) => skipped.push(why),
                Next::Cut(..) => unreachable!("WARC records are never cut"),
                Next::End => return (contents, skipped),
            }
        }
    }

    #[test]
    fn a_bad_content_length_costs_its_record_only() {
        for bad in ["9", "900", "x", "18446744073709551615", "70"] {
            let mut bytes = record("first");
            bytes.extend(
                format!("WARC/1.0\r\nContent-Length: {bad}\r\n\r\nbroken body\r\n\r\n").as_bytes(),
            );
            bytes.extend(record("third"));
            bytes.extend(record("fourth"));
            let (contents, skipped) = split(&bytes, 64);
            assert_eq!(contents, ["first", "third", "fourth"], "{bad}: {skipped:?}");
            assert_eq!(skipped.len(), 1, "{bad}: {skipped:?}");
            assert!(
                skipped[0].contains("resumed at the next WARC/1. header"),
                "{skipped:?}"
            );
        }
    }

    #[test]
    fn a_record_over_the_cap_is_skipped_unheld() {
        let mut bytes = record("first");
        bytes.extend(record(&"x".repeat(1000)));
        bytes.extend(record("third"));
        let (contents, skipped) = split(&bytes, 100);
        assert_eq!(contents, ["first", "third"]);
        assert_eq!(
            skipped,
            ["1000 bytes, over read.max_document_bytes (100); skipped"]
        );
    }

    #[test]
    fn garbage_is_skipped_and_costs_the_record_it_follows() {
        let mut bytes = b"junk line\r\nmore junk\r\n".to_vec();
        bytes.extend(record("first"));
        bytes.extend(record("second"));
        // Bytes after a content block mean its length was wrong (a
        // length too short looks just like this): that record is dropped.
        bytes.extend(b"\r\nstray bytes\r\n");
        bytes.extend(record("third"));
        let (contents, skipped) = split(&bytes, 100);
        assert_eq!(contents, ["first", "third"]);
        assert_eq!(skipped.len(), 2, "{skipped:?}");
        assert!(skipped[1].starts_with("Content-Length 6 does not end at a record boundary"));
    }

    #[test]
    fn a_truncated_last_record_is_reported() {
        let mut bytes = record("first");
        bytes.extend(b"WARC/1.0\r\nContent-Length: 999\r\n\r\nshort");
        let (contents, skipped) = split(&bytes, 10_000);
        assert_eq!(contents, ["first"]);
        assert_eq!(
            skipped,
            ["Content-Length 999 runs past the end of the file; no record after it"]
        );
    }

    #[test]
    fn a_corrupt_gzip_member_costs_its_record_only() {
        let members: Vec<Vec<u8>> = ["one", "two", "three", "four"]
            .iter()
            .map(|b| crate::read::decode::gzip(&record(&b.repeat(50))))
            .collect();
        for damage in ["flip", "cut"] {
            let mut file = Vec::new();
            for (i, m) in members.iter().enumerate() {
                let mut m = m.clone();
                if i == 1 {
                    match damage {
                        "flip" => m[20] ^= 0xFF,
                        _ => m.truncate(m.len() / 2),
                    }
                }
                file.extend(m);
            }
            let mut gz = Members::new(Cursor::new(file), GzipMembers);
            let mut text = Vec::new();
            gz.read_to_end(&mut text).unwrap();
            assert_eq!(gz.warnings.len(), 1, "{damage}: {:?}", gz.warnings);
            let (contents, _) = split(&text, 10_000);
            assert_eq!(
                contents,
                ["one".repeat(50), "three".repeat(50), "four".repeat(50)],
                "{damage}"
            );
        }
    }

    #[test]
    fn rewind_peeks_and_unreads() {
        let mut r = Rewind::new(&b"abcdef"[..]);
        assert_eq!(r.peek(3).unwrap(), b"abc");
        let mut two = [0; 2];
        r.read_exact(&mut two).unwrap();
        r.unread(b"XY");
        let mut rest = Vec::new();
        r.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"XYcdef");
        assert_eq!(r.peek(10).unwrap(), b"");
    }
}
