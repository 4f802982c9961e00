//! Text in UTF-16 or UTF-32: full of NUL bytes, so it must be told from
//! binary data before the binary check refuses it.
//!
//! With a byte-order mark the form is certain. Without one (Notepad's and
//! Windows exports' "Unicode", some dumps) it is told by where the NUL
//! bytes fall, as chardet does: UTF-32 has a zero top byte in every code
//! unit; UTF-16 of Latin, Cyrillic or CJK text has many code units with
//! one zero byte, always on the same side; a run of zeros (a bomb, a
//! disk image) has zeros on both sides and stays binary. A guess is kept
//! only if its decoding is clean (no invalid unit, almost no control
//! characters).
//!
//! `encoding_rs` decodes UTF-16; it has no UTF-32 (the WHATWG standard
//! leaves it out), so [`decode_utf32`] does: a unit is a code point.

/// A Unicode encoding form with code units wider than a byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wide {
    Utf16Le,
    Utf16Be,
    Utf32Le,
    Utf32Be,
}

impl Wide {
    pub fn name(self) -> &'static str {
        match self {
            Wide::Utf16Le => "UTF-16LE",
            Wide::Utf16Be => "UTF-16BE",
            Wide::Utf32Le => "UTF-32LE",
            Wide::Utf32Be => "UTF-32BE",
        }
    }

    fn unit(self) -> usize {
        match self {
            Wide::Utf16Le | Wide::Utf16Be => 2,
            Wide::Utf32Le | Wide::Utf32Be => 4,
        }
    }
}

/// How many leading bytes the guess without a byte-order mark looks at.
const SNIFF: usize = 4096;

/// The wide form of `bytes` and the length of its byte-order mark (0 when
/// it has none); `None` for byte-oriented text and for binary data.
pub fn sniff(bytes: &[u8]) -> Option<(Wide, usize)> {
    // UTF-32LE's mark begins with UTF-16LE's: test it first.
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => return Some((Wide::Utf32Le, 4)),
        [0, 0, 0xFE, 0xFF, ..] => return Some((Wide::Utf32Be, 4)),
        [0xFF, 0xFE, ..] => return Some((Wide::Utf16Le, 2)),
        [0xFE, 0xFF, ..] => return Some((Wide::Utf16Be, 2)),
        _ => {}
    }
    let head = &bytes[..bytes.len().min(SNIFF) & !3];
    if head.len() < 8 || !head.contains(&0) {
        return None;
    }
    [Wide::Utf32Le, Wide::Utf32Be, Wide::Utf16Le, Wide::Utf16Be]
        .into_iter()
        .find(|&form| laid_out_as(head, form) && decodes_cleanly(head, form))
        .map(|form| (form, 0))
}

/// Whether the NUL bytes of `head` fall where `form` puts them.
fn laid_out_as(head: &[u8], form: Wide) -> bool {
    let units = head.len() / form.unit();
    let count = |f: &dyn Fn(&[u8]) -> bool| head.chunks_exact(form.unit()).filter(|u| f(u)).count();
    match form {
        // The top byte is always zero, the next at most 0x10 (planes), and
        // the code point is not zero.
        Wide::Utf32Le => count(&|u| u[3] == 0 && u[2] <= 0x10 && u[..2] != [0, 0]) == units,
        Wide::Utf32Be => count(&|u| u[0] == 0 && u[1] <= 0x10 && u[2..] != [0, 0]) == units,
        // Many units zero on one side, almost none on the other.
        Wide::Utf16Le | Wide::Utf16Be => {
            let (high, low) = if form == Wide::Utf16Le {
                (1, 0)
            } else {
                (0, 1)
            };
            count(&|u| u[high] == 0) * 5 >= units && count(&|u| u[low] == 0) * 50 <= units
        }
    }
}

/// Whether `head` decodes in `form` without an invalid unit (but for one
/// cut at the end) and with under 1 % control characters.
fn decodes_cleanly(head: &[u8], form: Wide) -> bool {
    let text = decode(head, form).0;
    let text = text.strip_suffix('\u{FFFD}').unwrap_or(&text);
    let chars = text.chars().count();
    let bad = text
        .chars()
        .filter(|&c| c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r')))
        .count();
    chars > 0 && bad * 100 < chars
}

/// `bytes` (without their byte-order mark) decoded from `form`, and how
/// many invalid units became U+FFFD.
pub fn decode(bytes: &[u8], form: Wide) -> (String, u64) {
    match form {
        Wide::Utf16Le | Wide::Utf16Be => {
            let encoding = match form {
                Wide::Utf16Le => encoding_rs::UTF_16LE,
                _ => encoding_rs::UTF_16BE,
            };
            let (text, _) = encoding.decode_without_bom_handling(bytes);
            // U+FFFD spelled in the input is not a repair.
            let spelled = match form {
                Wide::Utf16Le => [0xFD, 0xFF],
                _ => [0xFF, 0xFD],
            };
            let before = bytes.chunks_exact(2).filter(|w| *w == spelled).count() as u64;
            let after = text.matches('\u{FFFD}').count() as u64;
            (text.into_owned(), after.saturating_sub(before))
        }
        Wide::Utf32Le | Wide::Utf32Be => decode_utf32(bytes, form == Wide::Utf32Le),
    }
}

/// UTF-32: each 4-byte unit a code point; a unit that is none (a
/// surrogate, above U+10FFFF, a cut tail) becomes U+FFFD.
fn decode_utf32(bytes: &[u8], little: bool) -> (String, u64) {
    let mut text = String::with_capacity(bytes.len() / 4);
    let mut repaired = 0;
    let units = bytes.chunks_exact(4);
    let tail = !units.remainder().is_empty();
    for u in units {
        let u: [u8; 4] = u.try_into().expect("4 bytes");
        let v = if little {
            u32::from_le_bytes(u)
        } else {
            u32::from_be_bytes(u)
        };
        match char::from_u32(v) {
            Some(c) => text.push(c),
            None => {
                text.push('\u{FFFD}');
                repaired += 1;
            }
        }
    }
    if tail {
        text.push('\u{FFFD}');
        repaired += 1;
    }
    (text, repaired)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Касым-Жомарт Токаев visited Jerusalem 😀 in 2023.\n";

    fn utf16(text: &str, little: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if little {
                    u.to_le_bytes()
                } else {
                    u.to_be_bytes()
                }
            })
            .collect()
    }

    fn utf32(text: &str, little: bool) -> Vec<u8> {
        text.chars()
            .flat_map(|c| {
                let v = c as u32;
                if little {
                    v.to_le_bytes()
                } else {
                    v.to_be_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn every_form_is_told_and_decoded_with_and_without_a_mark() {
        let text = TEXT.repeat(20);
        for (form, bytes, mark) in [
            (Wide::Utf16Le, utf16(&text, true), vec![0xFF, 0xFE]),
            (Wide::Utf16Be, utf16(&text, false), vec![0xFE, 0xFF]),
            (Wide::Utf32Le, utf32(&text, true), vec![0xFF, 0xFE, 0, 0]),
            (Wide::Utf32Be, utf32(&text, false), vec![0, 0, 0xFE, 0xFF]),
        ] {
            assert_eq!(sniff(&bytes), Some((form, 0)), "{form:?}");
            assert_eq!(decode(&bytes, form), (text.clone(), 0), "{form:?}");
            let marked = [mark.clone(), bytes].concat();
            assert_eq!(sniff(&marked), Some((form, mark.len())), "{form:?}");
        }
    }

    #[test]
    fn binary_and_byte_text_are_not_wide() {
        assert_eq!(sniff(&[0u8; 8192]), None);
        assert_eq!(sniff(TEXT.as_bytes()), None);
        // Zeros at random places, as in a compressed or image file.
        let noise: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        assert_eq!(sniff(&noise), None);
        assert_eq!(
            decode_utf32(&[0, 0xD8, 0, 0, 0x41], true),
            ("\u{FFFD}\u{FFFD}".into(), 2)
        );
    }
}
