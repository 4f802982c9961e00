//! Bytes on disk → UTF-8 text: opening only regular files, streaming
//! decompression under a size cap, empty/binary detection, and the charset
//! decoding of [`super::charset`].
//!
//! Kept apart from the format readers so every format gets the same handling
//! of `.gz`/`.zst`/`.bz2`/`.xz`, the same limits and the same verdict on
//! files that are not text at all. Nothing here reads more than the configured caps into
//! memory: a 300 KB file that inflates to 8 GB is refused once it passes
//! `read.max_file_bytes`, not after the allocation.

use std::fs::{File, Metadata};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use super::charset::{self, Decoded, Hints};
use super::ReadError;
use crate::discover::kind_name;

/// How many leading bytes are inspected for NUL bytes.
pub const BINARY_SNIFF: usize = 8192;
/// Buffer of the readers over files and decompressors.
pub const BUFFER: usize = 64 * 1024;

/// The compression layer of a file, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    Plain,
    Gzip,
    Zstd,
    /// Wikipedia's and many corpora's dumps; concatenated streams too
    /// (pbzip2's output).
    Bzip2,
    Xz,
}

impl Codec {
    fn name(self) -> &'static str {
        match self {
            Codec::Plain => "read",
            Codec::Gzip => "gzip",
            Codec::Zstd => "zstd",
            Codec::Bzip2 => "bzip2",
            Codec::Xz => "xz",
        }
    }
}

/// The first bytes of a gzip member (magic and the deflate method).
pub(super) const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];
/// The magic number of a zstd frame.
pub(super) const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// The skippable frame a zstd-compressed WARC (`.warc.zst`, as
/// ArchiveTeam's wget-at writes) starts with: it holds the dictionary every
/// record's frame was compressed with, itself zstd-compressed or not.
const DICTIONARY_FRAME: u32 = 0x184D_2A5D;
/// Largest dictionary read: a frame claiming more is refused, not allocated.
const MAX_DICTIONARY: usize = 64 << 20;

/// The magic number of an xz stream.
const XZ_MAGIC: [u8; 6] = [0xfd, b'7', b'z', b'X', b'Z', 0x00];

/// The codec a file's first bytes say, for a name that says none (a
/// renamed download, Heritrix's `.warc.gz.open`).
pub fn codec_of_magic(head: &[u8]) -> Codec {
    if head.starts_with(&GZIP_MAGIC) {
        Codec::Gzip
    } else if head.starts_with(&ZSTD_MAGIC) || head.starts_with(&DICTIONARY_FRAME.to_le_bytes()) {
        Codec::Zstd
    } else if is_bzip2(head) {
        Codec::Bzip2
    } else if head.starts_with(&XZ_MAGIC) {
        Codec::Xz
    } else {
        Codec::Plain
    }
}

/// "BZh", the block size digit, then the first block's magic (the digits
/// of pi) or the end of an empty stream's (of sqrt(pi)): "BZh9" alone is
/// ASCII a text could start with.
fn is_bzip2(head: &[u8]) -> bool {
    const BLOCK: [u8; 6] = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];
    const END: [u8; 6] = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90];
    head.len() >= 10
        && head.starts_with(b"BZh")
        && (b'1'..=b'9').contains(&head[3])
        && (head[4..10] == BLOCK || head[4..10] == END)
}

/// The first bytes of a Parquet file (and its last). A plain file that
/// starts so is read as Parquet; one found inside a compressed stream was
/// compressed whole.
pub const PARQUET_MAGIC: &[u8] = b"PAR1";

/// What a file is, when its first bytes (decompressed) say it is a
/// container or compression gleaner does not read: the true reason to skip
/// it, where "binary file" would say only what it is not.
pub fn unreadable_kind(head: &[u8]) -> Option<&'static str> {
    const KINDS: &[(usize, &[u8], &str)] = &[
        (0, b"PK\x03\x04", "a zip archive: unpack it first"),
        (257, b"ustar", "a tar archive: unpack it first"),
        (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive: unpack it first"),
        (0, b"Rar!\x1a\x07", "a RAR archive: unpack it first"),
        (
            0,
            b"\x04\x22\x4d\x18",
            "lz4-compressed, which gleaner does not read (gzip, zstd, bzip2 and xz it does)",
        ),
        (
            0,
            b"\x89LZO",
            "lzop-compressed, which gleaner does not read (gzip, zstd, bzip2 and xz it does)",
        ),
        (
            0,
            b"PARE",
            "an encrypted Parquet file (PARE), which gleaner does not decrypt",
        ),
        (
            0,
            PARQUET_MAGIC,
            "a Parquet file compressed whole: decompress it first (gleaner reads a .parquet file as it is; its pages are compressed inside)",
        ),
    ];
    KINDS
        .iter()
        .find(|(at, magic, _)| head.get(*at..).is_some_and(|h| h.starts_with(magic)))
        .map(|&(_, _, kind)| kind)
}

/// The codec of a (lower-case) file name and the name of what is inside
/// (`a.warc.gz` → `a.warc`).
pub fn codec_of(name: &str) -> (Codec, &str) {
    if let Some(inner) = name.strip_suffix(".gz") {
        (Codec::Gzip, inner)
    } else if let Some(inner) = name
        .strip_suffix(".zst")
        .or_else(|| name.strip_suffix(".zstd"))
    {
        (Codec::Zstd, inner)
    } else if let Some(inner) = name.strip_suffix(".bz2") {
        (Codec::Bzip2, inner)
    } else if let Some(inner) = name.strip_suffix(".xz") {
        (Codec::Xz, inner)
    } else {
        (Codec::Plain, name)
    }
}

/// Opens `path` if it is a regular file.
///
/// The type is checked from metadata before opening (opening a FIFO blocks
/// until a writer comes; `/dev/zero` never ends) and again on the open file,
/// so a file swapped for a FIFO in between is refused too. The open itself is
/// non-blocking for the same reason; regular files ignore the flag.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| ReadError::Io(e.to_string()))?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_name(meta.file_type())));
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options
        .open(path)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    let meta = file.metadata().map_err(|e| ReadError::Io(e.to_string()))?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_name(meta.file_type())));
    }
    Ok((file, meta))
}

/// A file read from disk whose bytes all pass once, in order, through the
/// fingerprint hash, even when a reader seeks back to retry (the WARC
/// reader does after a corrupt gzip member). Streaming the hash means a
/// file is never held whole in memory just to fingerprint it.
pub struct RawFile {
    file: File,
    pos: u64,
    hashed: u64,
    hasher: xxhash_rust::xxh3::Xxh3,
}

impl RawFile {
    pub fn new(file: File) -> RawFile {
        RawFile {
            file,
            pos: 0,
            hashed: 0,
            hasher: xxhash_rust::xxh3::Xxh3::new(),
        }
    }

    /// The file, for a reader that seeks (Parquet's footer comes last);
    /// [`RawFile::finish`] seeks back before it hashes the rest.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// The file's size on disk, if its metadata says.
    pub fn size(&self) -> Option<u64> {
        self.file.metadata().ok().map(|m| m.len())
    }

    /// What a gzip file says it holds: its trailer's size of the last
    /// member (modulo 4 GiB), read where it lies without moving the
    /// reader or its hash. A hint only: a file of several members holds
    /// more, and a broken or made-up trailer says anything, so it is
    /// believed up to deflate's largest ratio (1032 to 1) of the file.
    #[cfg(unix)]
    pub fn gzip_size(&self) -> Option<u64> {
        use std::os::unix::fs::FileExt;
        let size = self.size()?;
        let mut trailer = [0u8; 4];
        self.file
            .read_exact_at(&mut trailer, size.checked_sub(4)?)
            .ok()?;
        Some(u64::from(u32::from_le_bytes(trailer)).min(size.saturating_mul(1032)))
    }

    #[cfg(not(unix))]
    pub fn gzip_size(&self) -> Option<u64> {
        None
    }

    /// Size and xxh3-128 (hex) of the whole file: what the readers left
    /// unread is read and hashed now.
    pub fn finish(mut self) -> io::Result<(u64, String)> {
        self.seek(SeekFrom::Start(self.hashed))?;
        io::copy(&mut self, &mut io::sink())?;
        Ok((self.hashed, format!("{:032x}", self.hasher.digest128())))
    }
}

impl Read for RawFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        let end = self.pos + n as u64;
        if self.pos <= self.hashed && end > self.hashed {
            let new = (self.hashed - self.pos) as usize;
            self.hasher.update(&buf[new..n]);
            self.hashed = end;
        }
        self.pos = end;
        Ok(n)
    }
}

impl Seek for RawFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        self.pos = self.file.seek(to)?;
        Ok(self.pos)
    }
}

/// The decompressed bytes of a file are over `read.max_file_bytes`.
#[derive(Debug)]
pub struct OverLimit {
    pub limit: u64,
}

impl std::fmt::Display for OverLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "decompressed size over read.max_file_bytes ({} bytes)",
            self.limit
        )
    }
}

impl std::error::Error for OverLimit {}

/// Passes at most `limit` bytes and then fails with [`OverLimit`]: a
/// truncated file must not pass for a whole one.
#[derive(Debug)]
pub struct Limited<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R> Limited<R> {
    pub fn new(inner: R, limit: u64) -> Limited<R> {
        Limited {
            inner,
            left: limit,
            limit,
        }
    }
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        // Ask for one byte past the limit, to tell "exactly at" from "over".
        let want = buf
            .len()
            .min(self.left.saturating_add(1).min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..want])?;
        if n as u64 > self.left {
            return Err(io::Error::other(OverLimit { limit: self.limit }));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// The decompressed stream of `raw`, buffered, at most `limit` bytes.
pub fn decoder<'a, R: BufRead + 'a>(
    codec: Codec,
    raw: R,
    limit: u64,
) -> Result<Box<dyn BufRead + 'a>, ReadError> {
    let inner: Box<dyn Read + 'a> = match codec {
        Codec::Plain => Box::new(raw),
        // Members concatenated, as per-record gzipped files are.
        Codec::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(raw)),
        Codec::Zstd => {
            zstd_decoder(raw).map_err(|e| ReadError::Decompress(format!("zstd: {e}")))?
        }
        Codec::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(raw)),
        Codec::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(raw)),
    };
    Ok(Box::new(BufReader::with_capacity(
        BUFFER,
        Limited::new(inner, limit),
    )))
}

/// A zstd stream; one that starts with a dictionary frame (a `.warc.zst`)
/// is decoded with that dictionary. Without it, such a file's records would
/// fail to decode, every one of them.
fn zstd_decoder<'a, R: BufRead + 'a>(mut raw: R) -> io::Result<Box<dyn Read + 'a>> {
    Ok(match dictionary_frame(&mut raw)? {
        Some(dictionary) => Box::new(zstd::stream::read::Decoder::with_dictionary(
            raw,
            &dictionary,
        )?),
        None => Box::new(zstd::stream::read::Decoder::with_buffer(raw)?),
    })
}

/// The dictionary of a zstd stream that starts with a dictionary frame
/// (decompressed if it is compressed), `raw` left just after the frame; or
/// `None`, nothing consumed.
pub fn dictionary_frame<R: BufRead>(raw: &mut R) -> io::Result<Option<Vec<u8>>> {
    let mut header = [0u8; 8];
    let head = raw.fill_buf()?;
    if head.len() < 8 || head[..4] != DICTIONARY_FRAME.to_le_bytes() {
        return Ok(None);
    }
    header.copy_from_slice(&head[..8]);
    raw.consume(8);
    let size = u32::from_le_bytes(header[4..].try_into().expect("4 bytes")) as usize;
    if size > MAX_DICTIONARY {
        return Err(io::Error::other(format!(
            "dictionary frame of {size} bytes, over {MAX_DICTIONARY}"
        )));
    }
    let mut frame = vec![0u8; size];
    raw.read_exact(&mut frame)?;
    if !frame.starts_with(&ZSTD_MAGIC) {
        return Ok(Some(frame));
    }
    let mut out = Vec::new();
    zstd::stream::read::Decoder::new(&frame[..])?
        .take(MAX_DICTIONARY as u64 + 1)
        .read_to_end(&mut out)?;
    if out.len() > MAX_DICTIONARY {
        return Err(io::Error::other("dictionary over 64 MiB once decompressed"));
    }
    Ok(Some(out))
}

/// The [`ReadError`] for an I/O error of the decompressed stream of `codec`.
pub fn stream_error(codec: Codec, e: io::Error) -> ReadError {
    if let Some(over) = e.get_ref().and_then(|i| i.downcast_ref::<OverLimit>()) {
        return ReadError::TooLarge(over.to_string());
    }
    match codec {
        Codec::Plain => ReadError::Io(e.to_string()),
        _ => ReadError::Decompress(format!("{}: {e}", codec.name())),
    }
}

/// Refuses a stream whose first bytes hold NUL (and are not UTF-16 or
/// UTF-32 text), before the rest is read: a bomb of zeros costs one buffer.
/// A container or compression known by its magic says what it is.
pub fn check_not_binary(head: &[u8]) -> Result<(), ReadError> {
    if let Some(kind) = unreadable_kind(head) {
        return Err(ReadError::Unreadable(kind));
    }
    let head = &head[..head.len().min(BINARY_SNIFF)];
    if head.contains(&0) && !charset::is_wide(head) {
        return Err(ReadError::Binary);
    }
    Ok(())
}

/// All of a (decompressed, limited) stream, for the formats read whole.
/// `expect` is the bytes it likely holds (a plain file's size, a gzip
/// file's trailer: see [`RawFile::gzip_size`]; else 0): read into room
/// for them, a page is read in one piece and not copied again.
///
/// Otherwise, or past `expect`, it is read in pieces and joined once at
/// the end: grown by doubling, a buffer holds up to twice what it was
/// given, and at each step the old and the new buffer are both live, so a
/// `.txt.gz` refused at the 256 MiB file cap peaked at 860 MB; in pieces
/// it holds what it read, and the text at most twice.
///
/// Each piece is zeroed once and filled by `read` calls: `read_to_end`
/// through the decoders zeroed the room left at every call, and the
/// buffered reader copied what the decoder gave (with the copies of the
/// joined pieces, 2 % of an HTML run's instructions).
pub fn read_all(
    mut stream: impl BufRead,
    codec: Codec,
    expect: usize,
) -> Result<Vec<u8>, ReadError> {
    let head = stream.fill_buf().map_err(|e| stream_error(codec, e))?;
    check_not_binary(head)?;
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    // One byte past `expect` tells whether the stream ends there.
    let mut size = if expect > 0 { expect + 1 } else { 64 << 10 };
    loop {
        let piece = read_piece(&mut stream, size).map_err(|e| stream_error(codec, e))?;
        let last = piece.len() < size;
        pieces.push(piece);
        if last {
            break;
        }
        size = (size * 2).clamp(64 << 10, 16 << 20);
    }
    if pieces.len() == 1 {
        return Ok(pieces.pop().unwrap_or_default());
    }
    Ok(pieces.concat())
}

/// Up to `size` bytes of `stream`, fewer only at its end.
fn read_piece(stream: &mut impl Read, size: usize) -> io::Result<Vec<u8>> {
    let mut piece = vec![0u8; size];
    let mut filled = 0;
    while filled < size {
        match stream.read(&mut piece[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    piece.truncate(filled);
    if piece.capacity() > 2 * filled + (64 << 10) {
        // Room a wrong hint asked for is not held through the parse.
        piece.shrink_to_fit();
    }
    Ok(piece)
}

/// Bytes as text: decoded from their charset (see [`charset`]), any
/// byte-order mark dropped, line ends made `\n`. Empty and binary (NUL)
/// input is an error.
pub fn text_of(bytes: Vec<u8>, hints: Hints<'_>) -> Result<Decoded, ReadError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty);
    }
    check_not_binary(&bytes)?;
    let mut decoded = charset::decode(bytes, hints);
    if decoded.text.contains('\r') {
        decoded.text = unify_line_ends(&decoded.text);
    }
    if decoded.text.trim().is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(decoded)
}

/// `\r\n` and a lone `\r` made `\n` (as `.replace("\r\n", "\n")`
/// then `.replace('\r', "\n")` would), in one pass over the text: those two
/// copies, the first a substring search, were 1 % of an HTML run.
fn unify_line_ends(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut start = 0;
    for i in memchr::memchr_iter(b'\r', b) {
        out.push_str(&s[start..i]);
        out.push('\n');
        start = if b.get(i + 1) == Some(&b'\n') {
            i + 2
        } else {
            i + 1
        };
    }
    out.push_str(&s[start..]);
    out
}

/// What [`read_line_capped`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A line (without its `\n`) is in the buffer.
    Read,
    /// A line of this many bytes was over the cap: consumed, not kept.
    TooLong(u64),
    /// The end of the stream.
    End,
}

/// Reads one line into `buf` (cleared first), keeping at most `max` bytes of
/// it: a longer line is consumed and only its length is reported, so a
/// 200 MB line costs no 200 MB allocation.
pub fn read_line_capped(stream: &mut dyn BufRead, buf: &mut Vec<u8>, max: u64) -> io::Result<Line> {
    buf.clear();
    let mut len = 0u64;
    let mut any = false;
    loop {
        let chunk = stream.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (part, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (&chunk[..i], Some(i + 1)),
            None => (chunk, None),
        };
        len += part.len() as u64;
        if len <= max {
            buf.extend_from_slice(part);
        } else if !buf.is_empty() {
            *buf = Vec::new();
        }
        let used = done.unwrap_or(part.len());
        stream.consume(used);
        if done.is_some() {
            break;
        }
    }
    Ok(if !any {
        Line::End
    } else if len > max {
        Line::TooLong(len)
    } else {
        Line::Read
    })
}

/// `bytes` as one gzip member (tests of the readers).
#[cfg(test)]
pub(crate) fn gzip(bytes: &[u8]) -> Vec<u8> {
    compress(Codec::Gzip, bytes)
}

/// `bytes` compressed as `codec` writes them by default (tests of the
/// readers): zstd with the checksum its command line adds.
#[cfg(test)]
pub(crate) fn compress(codec: Codec, bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    fn written<W: Write>(
        mut w: W,
        bytes: &[u8],
        finish: impl FnOnce(W) -> io::Result<Vec<u8>>,
    ) -> Vec<u8> {
        w.write_all(bytes).unwrap();
        finish(w).unwrap()
    }
    match codec {
        Codec::Plain => bytes.to_vec(),
        Codec::Gzip => written(
            flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()),
            bytes,
            |w| w.finish(),
        ),
        Codec::Zstd => {
            let mut z = zstd::stream::write::Encoder::new(Vec::new(), 3).unwrap();
            z.include_checksum(true).unwrap();
            written(z, bytes, |w| w.finish())
        }
        Codec::Bzip2 => written(
            bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast()),
            bytes,
            |w| w.finish(),
        ),
        Codec::Xz => written(liblzma::write::XzEncoder::new(Vec::new(), 1), bytes, |w| {
            w.finish()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ends_are_unified_as_the_two_replaces_did() {
        for s in [
            "",
            "a",
            "\r",
            "\n",
            "\r\n",
            "\r\r\n",
            "\n\r",
            "a\r\nb\rc\n\r\r",
            "x\r\r\r\n\ny",
            "é\r\nü\r",
            "\r\n\r\n",
        ] {
            assert_eq!(
                unify_line_ends(s),
                s.replace("\r\n", "\n").replace('\r', "\n"),
                "{s:?}"
            );
        }
    }

    /// What reading `raw` as the file `name` gives, with a file cap.
    fn decode(name: &str, raw: &[u8], limit: u64) -> Result<Decoded, ReadError> {
        let (codec, _) = codec_of(name);
        let bytes = read_all(decoder(codec, raw, limit)?, codec, 0)?;
        text_of(bytes, Hints::default())
    }

    #[test]
    fn bzip2_and_xz_read_by_name_or_magic() {
        let text = b"{\"text\":\"a story\"}\n";
        // Two streams end to end, as pbzip2 writes: both are read.
        let bz2 = [compress(Codec::Bzip2, text), compress(Codec::Bzip2, text)].concat();
        let xz = compress(Codec::Xz, text);
        assert_eq!(codec_of("a.jsonl.bz2"), (Codec::Bzip2, "a.jsonl"));
        assert_eq!(codec_of("a.jsonl.xz"), (Codec::Xz, "a.jsonl"));
        assert_eq!(codec_of_magic(&bz2), Codec::Bzip2);
        assert_eq!(codec_of_magic(&xz), Codec::Xz);
        assert_eq!(
            codec_of_magic(b"BZh9 is how a bzip2 file starts"),
            Codec::Plain
        );
        assert_eq!(codec_of_magic(&compress(Codec::Bzip2, b"")), Codec::Bzip2);
        let d = decode("a.jsonl.bz2", &bz2, 1 << 20).unwrap();
        assert_eq!(d.text.matches("a story").count(), 2);
        assert!(decode("a.jsonl.xz", &xz, 1 << 20)
            .unwrap()
            .text
            .contains("a story"));
        // Over the cap, refused like any other codec.
        let big = compress(Codec::Bzip2, &vec![b'x'; 4 << 20]);
        let err = decode("big.txt.bz2", &big, 1 << 20).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge(_)), "{err}");
    }

    #[test]
    fn containers_gleaner_does_not_read_say_what_they_are() {
        let mut tar = vec![0u8; 512];
        tar[..6].copy_from_slice(b"a.json");
        tar[257..262].copy_from_slice(b"ustar");
        for (head, says) in [
            (&b"PK\x03\x04\x14\x00\x00\x00"[..], "zip archive"),
            (&tar[..], "tar archive"),
            (&b"\x04\x22\x4d\x18\x64\x40"[..], "lz4-compressed"),
            (&b"PAR1\x15\x04"[..], "Parquet file"),
            (&b"PARE\x15\x04"[..], "encrypted Parquet"),
        ] {
            let err = check_not_binary(head).unwrap_err();
            assert!(err.to_string().contains(says), "{err}");
        }
        // Text that merely starts like one of them is text.
        assert!(check_not_binary(b"PK is a pitch key").is_ok());
    }

    /// However wrong the size a stream is expected to hold, it is read
    /// whole and exactly: a hint under the truth (a gzip file of several
    /// members, whose trailer counts the last) goes on in pieces; one over
    /// it (a made-up trailer) keeps no room it did not fill.
    #[test]
    fn a_stream_is_read_whole_whatever_size_it_was_expected_to_hold() {
        let text: Vec<u8> = (0..300_000u32).map(|i| b'a' + (i % 26) as u8).collect();
        for expect in [0, 1, 1000, 299_999, 300_000, 300_001, 5_000_000] {
            let bytes = read_all(&text[..], Codec::Plain, expect).unwrap();
            assert_eq!(bytes, text, "{expect}");
            assert!(bytes.capacity() < 2 * text.len() + (64 << 10), "{expect}");
        }
        let dir = tempfile::tempdir().unwrap();
        let one = dir.path().join("one.txt.gz");
        std::fs::write(&one, gzip(&text)).unwrap();
        let raw = RawFile::new(File::open(&one).unwrap());
        assert_eq!(raw.gzip_size(), Some(300_000));
        // Two members: the trailer counts the second only.
        let two = dir.path().join("two.txt.gz");
        std::fs::write(&two, [gzip(&text), gzip(b"and more")].concat()).unwrap();
        let raw = RawFile::new(File::open(&two).unwrap());
        assert_eq!(raw.gzip_size(), Some(8));
        let mut raw = BufReader::new(raw);
        let bytes = read_all(
            decoder(Codec::Gzip, &mut raw, 1 << 20).unwrap(),
            Codec::Gzip,
            8,
        );
        assert_eq!(bytes.unwrap(), [&text[..], b"and more"].concat());
        // Reading the trailer moved nothing: the file's hash is its bytes'.
        let (size, hash) = raw.into_inner().finish().unwrap();
        assert_eq!(size, std::fs::metadata(&two).unwrap().len());
        let whole = xxhash_rust::xxh3::xxh3_128(&std::fs::read(&two).unwrap());
        assert_eq!(hash, format!("{whole:032x}"));
    }

    #[test]
    fn gzip_and_zstd_round_trip() {
        let d = decode("a.txt.gz", &gzip(b"hello\r\nworld"), 1 << 20).unwrap();
        assert_eq!(d.text, "hello\nworld");
        assert_eq!(codec_of("a.txt.gz"), (Codec::Gzip, "a.txt"));
        let zst = zstd::stream::encode_all(&b"{\"text\":\"x\"}"[..], 3).unwrap();
        assert_eq!(codec_of("b.jsonl.zst"), (Codec::Zstd, "b.jsonl"));
        assert!(decode("b.jsonl.zst", &zst, 1 << 20)
            .unwrap()
            .text
            .contains("text"));
    }

    /// A `.warc.zst` the way wget-at writes one: a skippable frame with
    /// the dictionary (compressed when `compressed`), then each record its
    /// own frame compressed with it.
    fn warc_zst(records: &[&str], dictionary: &[u8], compressed: bool) -> Vec<u8> {
        let frame = if compressed {
            zstd::stream::encode_all(dictionary, 3).unwrap()
        } else {
            dictionary.to_vec()
        };
        let mut out = DICTIONARY_FRAME.to_le_bytes().to_vec();
        out.extend((frame.len() as u32).to_le_bytes());
        out.extend(frame);
        for r in records {
            let mut c = zstd::bulk::Compressor::with_dictionary(3, dictionary).unwrap();
            out.extend(c.compress(r.as_bytes()).unwrap());
        }
        out
    }

    #[test]
    fn a_zstd_warc_with_its_dictionary_is_read() {
        let records = [
            "WARC/1.1\r\nWARC-Type: response\r\n\r\nfirst record\r\n\r\n",
            "WARC/1.1\r\nWARC-Type: response\r\n\r\nsecond record\r\n\r\n",
        ];
        // A raw-content dictionary: any bytes will do.
        let dictionary =
            "WARC/1.1\r\nWARC-Type: response\r\nContent-Type: text/html\r\n".repeat(20);
        for compressed in [false, true] {
            let file = warc_zst(&records, dictionary.as_bytes(), compressed);
            assert_eq!(codec_of_magic(&file), Codec::Zstd);
            let text = decode("crawl.warc.zst", &file, 1 << 20).unwrap().text;
            assert_eq!(
                text,
                records.concat().replace("\r\n", "\n"),
                "compressed: {compressed}"
            );
        }
        // A dictionary frame claiming more than the cap is refused, not allocated.
        let mut huge = DICTIONARY_FRAME.to_le_bytes().to_vec();
        huge.extend(u32::MAX.to_le_bytes());
        let err = decode("crawl.warc.zst", &huge, 1 << 20).unwrap_err();
        assert!(err.to_string().contains("dictionary frame"), "{err}");
    }

    #[test]
    fn truncated_gzip_is_an_error() {
        let gz = gzip(&[b'a'; 10_000]);
        let err = decode("a.txt.gz", &gz[..gz.len() / 2], 1 << 20).unwrap_err();
        assert!(matches!(err, ReadError::Decompress(_)), "{err}");
    }

    #[test]
    fn a_bomb_stops_at_the_cap() {
        let bomb = gzip(&vec![b'a'; 4 << 20]);
        let err = decode("a.txt.gz", &bomb, 1 << 20).unwrap_err();
        assert_eq!(
            err.to_string(),
            "decompressed size over read.max_file_bytes (1048576 bytes)"
        );
        // Exactly at the cap is fine.
        assert!(decode("a.txt.gz", &gzip(&[b'a'; 1024]), 1024).is_ok());
        // Zeros are refused after the first buffer, whatever the cap.
        let zeros = zstd::stream::encode_all(&vec![0u8; 8 << 20][..], 19).unwrap();
        let err = decode("z.jsonl.zst", &zeros, u64::MAX).unwrap_err();
        assert!(matches!(err, ReadError::Binary), "{err}");
    }

    #[test]
    fn empty_binary_and_invalid_utf8() {
        assert!(matches!(
            decode("e.txt", b" \n ", 99),
            Err(ReadError::Empty)
        ));
        assert!(matches!(
            decode("b.txt", b"\x01\x02\x00\x00", 99),
            Err(ReadError::Binary)
        ));
        let d = decode("l.txt", b"caf\xe9 \xef\xbf\xbd ok", 99).unwrap();
        assert_eq!(d.repaired, 1);
        assert!(d.text.starts_with("caf\u{FFFD} "));
    }

    #[test]
    fn long_lines_are_measured_not_kept() {
        let text = format!("short\n{}\nlast", "x".repeat(100));
        let mut stream = text.as_bytes();
        let mut buf = Vec::new();
        assert_eq!(
            read_line_capped(&mut stream, &mut buf, 10).unwrap(),
            Line::Read
        );
        assert_eq!(buf, b"short");
        assert_eq!(
            read_line_capped(&mut stream, &mut buf, 10).unwrap(),
            Line::TooLong(100)
        );
        assert!(buf.capacity() <= 64, "not kept");
        assert_eq!(
            read_line_capped(&mut stream, &mut buf, 10).unwrap(),
            Line::Read
        );
        assert_eq!(buf, b"last");
        assert_eq!(
            read_line_capped(&mut stream, &mut buf, 10).unwrap(),
            Line::End
        );
    }

    #[test]
    fn raw_file_hash_survives_seeking_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let mut raw = RawFile::new(File::open(&path).unwrap());
        let mut buf = vec![0; 70_000];
        raw.read_exact(&mut buf).unwrap();
        raw.seek(SeekFrom::Start(10)).unwrap();
        raw.read_exact(&mut buf).unwrap();
        let (size, hash) = raw.finish().unwrap();
        assert_eq!(size, data.len() as u64);
        assert_eq!(hash, format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&data)));
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_refused_unopened() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = open_regular(&fifo).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (FIFO)");
        let err = open_regular(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (character device)");
    }
}
