//! Text in UTF-16 or UTF-32: full of NUL bytes, so it must be told from
//! binary data before the binary check refuses it.
//!
//! With a byte-order mark the form is certain. Without one (Notepad's and
//! Windows exports' "Unicode", some dumps) it is told by where the NUL
//! bytes fall, as chardet does: UTF-32 has a zero top byte in every code
//! unit; UTF-16 of Latin text has many code units with one zero byte,
//! always on the same side; a run of zeros (a bomb, a disk image) has
//! zeros on both sides and stays binary. A guess is kept only if its
//! decoding is clean (no invalid unit, almost no control characters).
//! UTF-16 of Cyrillic or CJK text has few such units (its spaces, digits
//! and line breaks): it is kept if it also decodes to prose.
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
        .find(|&form| match laid_out_as(head, form) {
            Layout::No => false,
            Layout::Plain => decodes_cleanly(head, form),
            Layout::Faint => decodes_cleanly(head, form) && reads_as_prose(head, form),
        })
        .map(|form| (form, 0))
}

/// How well the NUL bytes of a head fit a wide form.
#[derive(Debug, PartialEq, Eq)]
enum Layout {
    No,
    /// As text with many ASCII characters has them.
    Plain,
    /// Few, but on the right side: UTF-16 of Cyrillic, Greek or CJK text,
    /// whose NULs are only those of its spaces, digits and line breaks
    /// (before, such a file without a byte-order mark was refused as
    /// binary). Kept only if it decodes to prose.
    Faint,
}

/// Whether the NUL bytes of `head` fall where `form` puts them.
fn laid_out_as(head: &[u8], form: Wide) -> Layout {
    let units = head.len() / form.unit();
    let count = |f: &dyn Fn(&[u8]) -> bool| head.chunks_exact(form.unit()).filter(|u| f(u)).count();
    let fits = match form {
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
            let (zero_high, zero_low) = (count(&|u| u[high] == 0), count(&|u| u[low] == 0));
            if zero_low * 50 > units {
                return Layout::No;
            }
            if zero_high * 5 < units {
                return match zero_high > zero_low {
                    true => Layout::Faint,
                    false => Layout::No,
                };
            }
            true
        }
    };
    match fits {
        true => Layout::Plain,
        false => Layout::No,
    }
}

/// Whether `head` decodes in `form` to prose: at least 95 % letters,
/// digits, spaces and punctuation. Data that happens to decode without an
/// invalid unit gives a scatter of symbols, private-use and unassigned
/// code points instead.
fn reads_as_prose(head: &[u8], form: Wide) -> bool {
    let text = decode(head, form).0;
    let (mut prose, mut all) = (0usize, 0usize);
    for c in text.chars() {
        all += 1;
        let punctuation = c.is_ascii_punctuation()
            || matches!(c, '\u{00A0}'..='\u{00BF}' | '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF65}');
        if c.is_alphanumeric() || c.is_whitespace() || punctuation {
            prose += 1;
        }
    }
    all > 0 && prose * 100 >= all * 95
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
    fn utf16_with_few_ascii_characters_is_told_without_a_mark() {
        // Under 20 % spaces and line breaks: their units are the only ones
        // with a zero byte.
        let russian = "Президент Казахстана Касым-Жомарт Токаев провёл встречу с министром \
            иностранных дел в Астане. Стороны обсудили сотрудничество.\n";
        let chinese =
            "中华人民共和国主席在北京会见了哈萨克斯坦总统。双方讨论了经济合作与贸易问题。\n";
        for text in [russian, chinese] {
            for (n, form, little) in [(2, Wide::Utf16Le, true), (40, Wide::Utf16Be, false)] {
                let bytes = utf16(&text.repeat(n), little);
                assert_eq!(sniff(&bytes), Some((form, 0)), "{form:?} {text}");
            }
        }
        // Data with a few zeros on one side and no invalid unit is not
        // prose: symbols and private-use code points.
        let data: Vec<u8> = (0..2048u32)
            .flat_map(|i| match i % 97 {
                0 => [0x0A, 0x00],
                _ => [(i % 251) as u8 | 1, 0xE0 + (i % 0x1F) as u8],
            })
            .collect();
        assert_eq!(sniff(&data), None);
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
