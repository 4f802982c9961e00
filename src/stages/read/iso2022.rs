//! The 7-bit ISO-2022 encodings of Japanese and Korean mail and news
//! (ISO-2022-JP, RFC 1468; ISO-2022-KR, RFC 1557).
//!
//! Their bytes are all ASCII, so they pass for UTF-8 and would be read as
//! escape sequences and Latin letters (`$B%F%9%H` for テスト). Browsers do
//! not guess them for web pages, and chardetng is told not to; but text
//! dumps of mail and newsgroup archives are written in them, and their
//! escape sequences say so without doubt: `ESC $ B` or `ESC $ @` switch to
//! JIS X 0208, `ESC $ ) C` announces KS X 1001. encoding_rs decodes
//! ISO-2022-JP; ISO-2022-KR it maps to `replacement` (a browser's defence),
//! so it is turned here into the EUC-KR it shifts into, which encoding_rs
//! decodes.

use encoding_rs::{Encoding, EUC_KR, ISO_2022_JP};
use memchr::memmem;

const ESC: u8 = 0x1B;
/// Shift out (to KS X 1001) and shift in (back to ASCII).
const SO: u8 = 0x0E;
const SI: u8 = 0x0F;
const KR_DESIGNATION: &[u8] = b"\x1b$)C";
/// The designations of the two-byte Japanese sets (JIS X 0208-1978/1983)
/// and of JIS X 0201 Roman and katakana.
const JP_DESIGNATIONS: [&[u8]; 4] = [b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I"];

/// Which of the two `bytes` are in, when they are all ASCII and carry
/// its escape sequences.
pub fn sniff(bytes: &[u8]) -> Option<Iso2022> {
    if memchr::memchr(ESC, bytes).is_none() || !bytes.is_ascii() {
        return None;
    }
    if memmem::find(bytes, KR_DESIGNATION).is_some() {
        return Some(Iso2022::Kr);
    }
    JP_DESIGNATIONS
        .iter()
        .any(|d| memmem::find(bytes, d).is_some())
        .then_some(Iso2022::Jp)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Iso2022 {
    Jp,
    Kr,
}

impl Iso2022 {
    pub fn name(self) -> &'static str {
        match self {
            Iso2022::Jp => "ISO-2022-JP",
            Iso2022::Kr => "ISO-2022-KR",
        }
    }

    /// The text, and how many sequences could not be decoded (U+FFFD).
    pub fn decode(self, bytes: &[u8]) -> (String, u64) {
        let (encoding, bytes): (&'static Encoding, Vec<u8>) = match self {
            Iso2022::Jp => (ISO_2022_JP, bytes.to_vec()),
            Iso2022::Kr => (EUC_KR, kr_to_euc(bytes)),
        };
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes);
        let repaired = if had_errors {
            text.matches('\u{FFFD}').count() as u64
        } else {
            0
        };
        (text.into_owned(), repaired)
    }
}

/// ISO-2022-KR as EUC-KR: the designation dropped, and between SO and SI
/// (or the end of the line, where RFC 1557 returns to ASCII) each byte
/// with its high bit set.
fn kr_to_euc(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut shifted = false;
    let mut rest = bytes;
    while let Some((&b, tail)) = rest.split_first() {
        if b == ESC && rest.starts_with(KR_DESIGNATION) {
            rest = &rest[KR_DESIGNATION.len()..];
            continue;
        }
        match b {
            SO => shifted = true,
            SI => shifted = false,
            b'\n' | b'\r' => {
                shifted = false;
                out.push(b);
            }
            0x21..=0x7E if shifted => out.push(b | 0x80),
            _ => out.push(b),
        }
        rest = tail;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_and_korean_escapes_are_decoded() {
        let (jp, _, _) = ISO_2022_JP.encode("東京のニュース: テスト");
        assert_eq!(sniff(&jp), Some(Iso2022::Jp));
        assert_eq!(Iso2022::Jp.decode(&jp).0, "東京のニュース: テスト");
        // "한국어 뉴스" in EUC-KR, shifted to 7 bits between SO and SI.
        let (euc, _, _) = EUC_KR.encode("한국어 뉴스");
        let mut kr = b"\x1b$)C\n".to_vec();
        kr.push(SO);
        for &b in euc.iter() {
            if b == b' ' {
                kr.extend([SI, b' ', SO]);
            } else {
                kr.push(b & 0x7F);
            }
        }
        kr.extend([SI, b'\n', b'o', b'k']);
        assert_eq!(sniff(&kr), Some(Iso2022::Kr));
        assert_eq!(
            Iso2022::Kr.decode(&kr),
            ("\n한국어 뉴스\nok".to_string(), 0)
        );
    }

    #[test]
    fn plain_ascii_and_terminal_escapes_are_not_iso_2022() {
        assert_eq!(sniff(b"plain text"), None);
        assert_eq!(sniff(b"\x1b[1mbold\x1b[0m"), None);
        assert_eq!(sniff("caf\u{e9} \x1b$B".as_bytes()), None, "not ASCII");
    }
}
