//! Text normalization shared by the cleaner and by dedup's shingler.
//!
//! Scraped text mixes NFD and NFC forms, no-break spaces, zero-width characters
//! and typographic quotes; two copies of one article often differ only in
//! these. Normalizing them first means rules, frequent-line counts and
//! duplicate hashes see the same text for the same words.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::stages::segment::is_ascii_whitespace_char;

/// What one character becomes in a normalized line.
enum Out {
    Char(char),
    Space,
    Drop,
    /// ZWNJ or ZWJ: kept only between two characters of a script or of
    /// emoji that use it (see [`normalize_line`]).
    Joiner(char),
}

/// The ASCII quote a typographic one stands for, if `c` is one.
fn ascii_quote(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => Some('"'),
        _ => None,
    }
}

/// `s` with typographic quotes made ASCII, character for character (so
/// character offsets into the one are offsets into the other). Borrowed
/// when `s` has none.
///
/// Every quote folded is U+2018..U+201F or U+2032..U+2033, three bytes
/// `E2 80 xx` in UTF-8, so the text is searched for the byte `E2` (memchr)
/// rather than decoded a character at a time.
pub fn fold_quotes(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let quote_at = |i: usize| -> Option<u8> {
        match bytes.get(i + 1..i + 3)? {
            [0x80, 0x98..=0x9B | 0xB2] => Some(b'\''),
            [0x80, 0x9C..=0x9F | 0xB3] => Some(b'"'),
            _ => None,
        }
    };
    let mut quotes = memchr::memchr_iter(0xE2, bytes).filter_map(|i| Some((i, quote_at(i)?)));
    let Some(first) = quotes.next() else {
        return Cow::Borrowed(s);
    };
    let mut out = Vec::with_capacity(bytes.len());
    let mut from = 0;
    for (i, quote) in std::iter::once(first).chain(quotes) {
        out.extend_from_slice(&bytes[from..i]);
        out.push(quote);
        from = i + 3;
    }
    out.extend_from_slice(&bytes[from..]);
    // Three bytes of one character became one ASCII byte: still UTF-8.
    Cow::Owned(String::from_utf8(out).expect("quotes folded at character boundaries"))
}

fn out_of(c: char) -> Out {
    match c {
        '\u{200C}' | '\u{200D}' => Out::Joiner(c),
        '\u{200B}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => Out::Drop,
        c if c.is_whitespace() => Out::Space,
        c if c.is_control() => Out::Drop,
        c => Out::Char(c),
    }
}

/// NFC, typographic quotes to ASCII, invisible characters dropped, runs of
/// whitespace collapsed to one space, trimmed: the form rules match and
/// lines are counted in, so that two copies differing only in these are
/// the same line.
///
/// A zero-width non-joiner or joiner is text where a script needs it: the
/// ZWNJ of Persian "می‌خواهم" and of Indic conjuncts, the ZWJ inside an
/// emoji sequence. It is kept between two non-ASCII characters and dropped
/// elsewhere (stray ones in Latin text are copy-paste or tracking junk).
pub fn normalize_line(line: &str) -> String {
    let kept = normalize_line_keeping_quotes(line);
    match fold_quotes(&kept) {
        Cow::Borrowed(_) => kept,
        Cow::Owned(folded) => folded,
    }
}

/// [`normalize_line`] keeping typographic quotes as written: the form of a
/// line in `documents.text`, whose quotes are the author's, not ours to
/// rewrite. [`fold_quotes`] of it is [`normalize_line`] of the same line.
pub fn normalize_line_keeping_quotes(line: &str) -> String {
    if line.is_ascii() {
        normalize_ascii_line(line)
    } else {
        normalize_chars(line)
    }
}

/// [`normalize_line_keeping_quotes`] a character at a time, for any line.
fn normalize_chars(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    // Most lines are already NFC (all ASCII lines are); skip recomposing them.
    let composed: Box<dyn Iterator<Item = char>> =
        if is_nfc_quick(line.chars()) == IsNormalized::Yes {
            Box::new(line.chars())
        } else {
            Box::new(line.nfc())
        };
    let mut chars = composed.peekable();
    let mut last: Option<char> = None;
    while let Some(c) = chars.next() {
        let c = match out_of(c) {
            Out::Char(c) => c,
            Out::Space => {
                pending_space = true;
                continue;
            }
            Out::Drop => continue,
            Out::Joiner(j) => {
                // A typographic quote counts as the ASCII one it folds to,
                // so that folding this form gives `normalize_line`'s.
                let joins =
                    |c: Option<char>| c.is_some_and(|c| !c.is_ascii() && ascii_quote(c).is_none());
                let next = chars.peek().and_then(|&n| match out_of(n) {
                    Out::Char(n) => Some(n),
                    _ => None,
                });
                if pending_space || !joins(last) || !joins(next) {
                    continue;
                }
                j
            }
        };
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
        last = Some(c);
    }
    out
}

/// [`normalize_line_keeping_quotes`] of an ASCII line (most lines), a byte
/// at a time: ASCII is NFC and holds no quote to keep, joiner or
/// invisible character, so only whitespace and the other controls are
/// left to handle.
fn normalize_ascii_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    for &b in line.as_bytes() {
        match b {
            _ if is_ascii_whitespace_char(b) => pending_space = true,
            _ if b.is_ascii_control() => {}
            _ => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(char::from(b));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The ASCII path gives what the character path gives.
        #[test]
        fn ascii_lines_normalize_as_characters_do(line in "[\\x00-\\x7f]{0,40}") {
            prop_assert_eq!(normalize_ascii_line(&line), normalize_chars(&line));
        }
    }

    #[test]
    fn normalizes_quotes_spaces_and_forms() {
        assert_eq!(
            normalize_line("  \u{201C}Yes,\u{00A0}\u{00A0}it\u{2019}s\u{200B} fine\u{201D}\t "),
            "\"Yes, it's fine\""
        );
        assert_eq!(normalize_line("Cafe\u{0301}"), "Caf\u{e9}");
    }

    #[test]
    fn keeps_the_joiners_a_script_needs() {
        // Persian "I want": the ZWNJ keeps می apart from خواهم.
        assert_eq!(normalize_line("می\u{200C}خواهم"), "می\u{200C}خواهم");
        // A family emoji is three emoji joined by ZWJ.
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(normalize_line(family), family);
        // Stray ones in Latin text, or at a word's edge, go.
        assert_eq!(
            normalize_line("zero\u{200D}width\u{200C}join"),
            "zerowidthjoin"
        );
        assert_eq!(normalize_line("می\u{200C} خواهم\u{200C}"), "می خواهم");
    }

    #[test]
    fn is_idempotent() {
        for s in [
            "  a  b ",
            "\u{2018}x\u{2019}",
            "рус \u{a0} |\u{a0}  eng",
            "",
            "\u{6cc}\u{200c}\u{200d}",
            "\u{6cc}\u{200c}\u{2019}",
            "\u{6cc}\u{200c}\u{200b}\u{62e}",
            "\u{6cc} \u{200c}\u{62e}",
        ] {
            let once = normalize_line(s);
            assert_eq!(normalize_line(&once), once);
        }
    }

    #[test]
    fn keeps_quotes_as_written_where_asked() {
        let line = "  \u{201C}Yes,\u{00A0}it\u{2019}s\u{200B} fine\u{201D} ";
        assert_eq!(
            normalize_line_keeping_quotes(line),
            "\u{201C}Yes, it\u{2019}s fine\u{201D}"
        );
        assert_eq!(
            fold_quotes(&normalize_line_keeping_quotes(line)),
            normalize_line(line)
        );
        // Every character whose UTF-8 begins with the byte E2.
        for c in '\u{2000}'..='\u{2FFF}' {
            let line = format!("a{c}b{c}");
            let by_chars: String = line.chars().map(|c| ascii_quote(c).unwrap_or(c)).collect();
            assert_eq!(fold_quotes(&line), by_chars, "{c:?}");
        }
        assert!(matches!(fold_quotes("it's"), Cow::Borrowed(_)));
        assert!(matches!(fold_quotes("Zoë"), Cow::Borrowed(_)));
    }

    /// Lines of any characters, rich in the ones normalizing handles.
    fn scraped_line() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::{Just, Strategy};
        proptest::collection::vec(
            proptest::prop_oneof![
                proptest::char::any(),
                Just('\u{200C}'),
                Just('\u{200D}'),
                Just('\u{2019}'),
                Just('\u{201C}'),
                Just('é'),
                Just(' '),
            ],
            0..24,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    proptest::proptest! {
        #[test]
        fn folding_the_kept_quotes_is_normalizing(line in scraped_line()) {
            let kept = normalize_line_keeping_quotes(&line);
            proptest::prop_assert_eq!(fold_quotes(&kept).into_owned(), normalize_line(&line));
            proptest::prop_assert_eq!(fold_quotes(&kept).chars().count(), kept.chars().count());
        }

        #[test]
        fn quotes_fold_as_their_characters_do(line in scraped_line()) {
            let by_chars: String = line.chars().map(|c| ascii_quote(c).unwrap_or(c)).collect();
            proptest::prop_assert_eq!(fold_quotes(&line).into_owned(), by_chars);
        }

        #[test]
        fn is_idempotent_on_any_text(line in scraped_line()) {
            let once = normalize_line(&line);
            proptest::prop_assert_eq!(normalize_line(&once), once);
        }
    }
}
