//! Bytes on disk → UTF-8 text: decompression, empty/binary detection and
//! lossy repair of invalid UTF-8.
//!
//! Kept apart from the format readers so every format gets the same handling of
//! `.gz`/`.zst` and the same verdict on files that are not text at all.

use std::io::Read;
use std::path::Path;

use super::ReadError;

/// How many leading bytes are inspected for NUL bytes.
const BINARY_SNIFF: usize = 8192;

/// The file's bytes with its `.gz` / `.zst` layer removed (gzip members
/// concatenated, as per-record gzipped WARC files are), and the name of
/// what is inside (`a.warc.gz` → `a.warc`).
pub fn decompress(path: &Path, raw: &[u8]) -> Result<(Vec<u8>, String), ReadError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if let Some(inner) = name.strip_suffix(".gz") {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(raw)
            .read_to_end(&mut out)
            .map_err(|e| ReadError::Decompress(format!("gzip: {e}")))?;
        Ok((out, inner.to_string()))
    } else if let Some(inner) = name
        .strip_suffix(".zst")
        .or_else(|| name.strip_suffix(".zstd"))
    {
        let out = zstd::stream::decode_all(raw)
            .map_err(|e| ReadError::Decompress(format!("zstd: {e}")))?;
        Ok((out, inner.to_string()))
    } else {
        Ok((raw.to_vec(), name))
    }
}

/// Bytes as text: a UTF-8 BOM dropped, invalid sequences replaced (and
/// counted), line ends made `\n`. Empty and binary (NUL) input is an error.
pub fn text_of(bytes: &[u8]) -> Result<(String, u64), ReadError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ReadError::Empty);
    }
    if bytes[..bytes.len().min(BINARY_SNIFF)].contains(&0) {
        return Err(ReadError::Binary);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (text, repaired) = match std::str::from_utf8(body) {
        Ok(s) => (s.to_string(), 0),
        Err(_) => {
            let before = count_replacement_chars(body);
            let text = String::from_utf8_lossy(body).into_owned();
            let repaired = text.matches('\u{FFFD}').count() as u64 - before;
            (text, repaired)
        }
    };
    Ok((text.replace("\r\n", "\n").replace('\r', "\n"), repaired))
}

fn count_replacement_chars(bytes: &[u8]) -> u64 {
    bytes
        .windows(3)
        .filter(|w| *w == "\u{FFFD}".as_bytes())
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// What reading `raw` as the file `path` gives: text, repairs, inner name.
    #[derive(Debug)]
    struct Decoded {
        text: String,
        repaired: u64,
        inner_name: String,
    }

    fn decode(path: &Path, raw: &[u8]) -> Result<Decoded, ReadError> {
        let (bytes, inner_name) = decompress(path, raw)?;
        let (text, repaired) = text_of(&bytes)?;
        Ok(Decoded {
            text,
            repaired,
            inner_name,
        })
    }

    #[test]
    fn gzip_and_zstd_round_trip() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(b"hello\r\nworld").unwrap();
        let gz = gz.finish().unwrap();
        let d = decode(Path::new("a.txt.gz"), &gz).unwrap();
        assert_eq!(d.text, "hello\nworld");
        assert_eq!(d.inner_name, "a.txt");
        let zst = zstd::stream::encode_all(&b"{\"text\":\"x\"}"[..], 3).unwrap();
        let d = decode(Path::new("b.jsonl.zst"), &zst).unwrap();
        assert_eq!(d.inner_name, "b.jsonl");
        assert!(d.text.contains("text"));
    }

    #[test]
    fn truncated_gzip_is_an_error() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&[b'a'; 10_000]).unwrap();
        let gz = gz.finish().unwrap();
        let err = decode(Path::new("a.txt.gz"), &gz[..gz.len() / 2]).unwrap_err();
        assert!(matches!(err, ReadError::Decompress(_)));
    }

    #[test]
    fn empty_binary_and_invalid_utf8() {
        assert!(matches!(
            decode(Path::new("e.txt"), b" \n "),
            Err(ReadError::Empty)
        ));
        assert!(matches!(
            decode(Path::new("b.txt"), b"PK\x03\x04\x00\x00"),
            Err(ReadError::Binary)
        ));
        let d = decode(Path::new("l.txt"), b"caf\xe9 \xef\xbf\xbd ok").unwrap();
        assert_eq!(d.repaired, 1);
        assert!(d.text.starts_with("caf\u{FFFD} "));
    }
}
