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
//! and line breaks): it is kept if it also decodes to prose. UTF-16 of CJK
//! text with no ASCII character at all has no NUL byte: it is told only
//! where a legacy CJK encoding (GBK, Big5, Shift_JIS, EUC-JP, EUC-KR),
//! whose double bytes can read as UTF-16 of the same scripts, cannot be
//! the one ([`sniff_nul_free`]).
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
    if head.len() < 8 {
        return None;
    }
    if !head.contains(&0) {
        return sniff_nul_free(head).map(|form| (form, 0));
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

/// The fewest bytes [`sniff_nul_free`] decides on: shorter text is left to
/// the byte-oriented guess, as before.
const NUL_FREE_MIN: usize = 64;

/// Legacy encodings whose double bytes read as UTF-16 of CJK text: a
/// Shift_JIS lead byte 0x81-0x9F makes a CJK ideograph of UTF-16BE, EUC-KR
/// Hangul makes Hangul syllables.
const LEGACY_CJK: [&encoding_rs::Encoding; 5] = [
    encoding_rs::GBK,
    encoding_rs::BIG5,
    encoding_rs::SHIFT_JIS,
    encoding_rs::EUC_JP,
    encoding_rs::EUC_KR,
];

/// The UTF-16 form of `head`, a head with no NUL byte, if it is UTF-16 of
/// CJK text with no ASCII character (no space, digit or line break: before,
/// such text went to the legacy guess and came out garbled). Taken only
/// when all of these hold: `head` is not UTF-8; it decodes in the form
/// without an invalid unit or unpaired surrogate (a pair cut at the end
/// aside); the text is one script (Han with kana, or Hangul) but for 5 %
/// and reads as prose; and no legacy CJK encoding reads it ([`legacy_reads`]:
/// each finds an invalid sequence in every 64 bytes or more, or makes a
/// mosaic of it). UTF-16 of CJK text breaks their lead and trail byte rules
/// far more often than that; a real legacy file (GBK, Big5, Shift_JIS,
/// EUC-JP, EUC-KR) is valid in its own, and common Chinese in GBK reads as
/// Hangul in UTF-16BE, Shift_JIS kanji as CJK ideographs, EUC-KR Hangul as
/// Hangul: the legacy encoding decides those.
fn sniff_nul_free(head: &[u8]) -> Option<Wide> {
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    if head.len() < NUL_FREE_MIN || utf8 {
        return None;
    }
    let form = [Wide::Utf16Le, Wide::Utf16Be].into_iter().find(|&form| {
        let text = decode(head, form).0;
        // A surrogate pair cut by the head's end.
        let text = text.strip_suffix('\u{FFFD}').unwrap_or(&text);
        !text.contains('\u{FFFD}') && one_cjk_script(text) && reads_as_prose(head, form)
    })?;
    let legacy = LEGACY_CJK
        .into_iter()
        .any(|encoding| legacy_reads(head, encoding));
    (!legacy).then_some(form)
}

/// Whether `text` is CJK of one script: Han (with kana and bopomofo, as
/// Chinese and Japanese text mix them) or Hangul, at least 90 % of its
/// characters but CJK and general punctuation and full-width forms, and
/// under 5 % of other characters.
fn one_cjk_script(text: &str) -> bool {
    let (mut han, mut hangul, mut neutral, mut all) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars() {
        all += 1;
        match c {
            '\u{2010}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FFEF}' => {
                neutral += 1
            }
            '\u{2E80}'..='\u{2FDF}'
            | '\u{3040}'..='\u{312F}'
            | '\u{3190}'..='\u{31FF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{3FFFF}' => han += 1,
            '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{AC00}'..='\u{D7A3}' => {
                hangul += 1
            }
            _ => {}
        }
    }
    let script = han.max(hangul);
    all > neutral && script * 10 >= (all - neutral) * 9 && (script + neutral) * 100 >= all * 95
}

/// Whether `encoding` reads `head` as text it could hold: under four
/// invalid sequences, or under one in 64 bytes (a damaged byte or two of a
/// legacy file; one cut at the end is not one: the head is a file's first
/// bytes), and not a mosaic: a switch
/// between ASCII and other characters at a quarter of its characters or
/// more, or 2 % private-use characters or characters beyond the planes in
/// use. UTF-16 of CJK text read as GBK is often valid (GB18030 takes
/// almost any byte pair) but such a mosaic: the high byte of a unit,
/// 0x4E-0x7F, is a letter or a sign, and four-byte sequences land in
/// empty planes (`日本の首相` is `錯,gn0枡鴙`); legacy text has its ASCII in
/// words, numbers and spaces.
fn legacy_reads(head: &[u8], encoding: &'static encoding_rs::Encoding) -> bool {
    use encoding_rs::DecoderResult;
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let room = decoder
        .max_utf8_buffer_length_without_replacement(head.len())
        .unwrap_or(head.len() * 4);
    let mut text = String::with_capacity(room);
    let (mut rest, mut errors) = (head, 0);
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(rest, &mut text, false);
        rest = &rest[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::Malformed(..) => errors += 1,
            DecoderResult::OutputFull => text.reserve(room),
        }
    }
    if errors >= 4 && errors * 64 >= head.len() {
        return false;
    }
    let chars: Vec<char> = text.chars().collect();
    // ASCII next to other characters, and characters that are private-use
    // or beyond the planes in use (GB18030's four-byte sequences reach them).
    let switches = chars
        .windows(2)
        .filter(|w| w[0].is_ascii() != w[1].is_ascii())
        .count();
    let odd = chars
        .iter()
        .filter(|&&c| c >= '\u{40000}' || ('\u{E000}'..='\u{F8FF}').contains(&c))
        .count();
    switches * 4 < chars.len() && odd * 50 < chars.len().max(1)
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

    /// CJK text with no ASCII character (full-width punctuation): its
    /// UTF-16 has no NUL byte.
    const NUL_FREE: [&str; 4] = [
        "中华人民共和国主席在北京会见了哈萨克斯坦总统，双方讨论了经济合作与贸易问题。",
        "中華民國總統在臺北會見了哈薩克斯坦總統，雙方討論了經濟合作與貿易問題。",
        "日本の首相は東京でカザフスタンの大統領と会談し、経済協力と貿易について話し合った。",
        "한국정부는서울에서카자흐스탄의정상과회담하고경제협력과무역문제를논의했다。",
    ];

    #[test]
    fn utf16_of_cjk_text_without_a_nul_byte_is_told() {
        // Before, it went to the legacy guess and came out garbled.
        for text in NUL_FREE {
            for n in [2, 10, 100] {
                let text = text.repeat(n);
                for (form, little) in [(Wide::Utf16Le, true), (Wide::Utf16Be, false)] {
                    let bytes = utf16(&text, little);
                    assert!(!bytes.contains(&0), "{text}");
                    assert_eq!(sniff(&bytes), Some((form, 0)), "{form:?} {text}");
                    let decoded = super::super::charset::decode(bytes, Default::default());
                    assert_eq!(decoded.text, text);
                }
            }
        }
    }

    #[test]
    fn legacy_cjk_without_ascii_is_not_taken_for_utf16() {
        // Shift_JIS kanji read as UTF-16BE are CJK ideographs, EUC-KR Hangul
        // Hangul syllables: the legacy encoding that reads them cleanly wins.
        let [zh, zh_hant, ja, ko] = NUL_FREE;
        let mixed = "据新华社北京3月15日电，哈萨克斯坦总统托卡耶夫（Tokayev）访问了中国，A股上涨。";
        for (text, encoding) in [
            (mixed, encoding_rs::GBK),
            (zh, encoding_rs::GBK),
            (zh, encoding_rs::GB18030),
            (zh_hant, encoding_rs::BIG5),
            (ja, encoding_rs::SHIFT_JIS),
            (ja, encoding_rs::EUC_JP),
            (ko, encoding_rs::EUC_KR),
        ] {
            for n in [2, 100] {
                let text = text.repeat(n);
                let (bytes, _, unmappable) = encoding.encode(&text);
                assert!(!unmappable && !bytes.contains(&0), "{}", encoding.name());
                assert_eq!(sniff(&bytes), None, "{} {n}", encoding.name());
                // A head cut inside a double byte, and a damaged byte.
                let mut damaged = bytes[..bytes.len().min(SNIFF) - 1].to_vec();
                damaged[40] = 0xFF;
                assert_eq!(sniff(&damaged), None, "{} {n} damaged", encoding.name());
            }
        }
    }

    #[test]
    fn shuffled_cjk_is_utf16_only_in_utf16() {
        // Texts of each sample's characters in a scrambled order: in every
        // legacy encoding they stay legacy; in UTF-16 nearly all are told.
        let encodings = [
            encoding_rs::GBK,
            encoding_rs::BIG5,
            encoding_rs::SHIFT_JIS,
            encoding_rs::EUC_JP,
            encoding_rs::EUC_KR,
        ];
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let (mut trials, mut told) = (0, 0);
        for (text, encoding) in NUL_FREE.iter().zip([0, 1, 2, 2, 3]).flat_map(|(t, i)| {
            let pick = [[0, 0], [1, 1], [2, 3], [4, 4]][i];
            pick.map(|e| (*t, encodings[e]))
        }) {
            let chars: Vec<char> = text.chars().collect();
            for len in [40, 120, 400, 3000] {
                let scrambled: String = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        chars[(seed % chars.len() as u64) as usize]
                    })
                    .collect();
                let (bytes, _, _) = encoding.encode(&scrambled);
                assert_eq!(sniff(&bytes), None, "{} {scrambled}", encoding.name());
                for little in [true, false] {
                    trials += 1;
                    told += usize::from(sniff(&utf16(&scrambled, little)).is_some());
                }
            }
        }
        assert!(told * 10 >= trials * 9, "{told} of {trials} told");
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
