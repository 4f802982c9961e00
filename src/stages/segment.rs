//! Unicode words (UAX #29), the words of quality signals and dedup
//! shingles, split a line at a time.
//!
//! unicode-segmentation splits an all-ASCII string on a fast path, several
//! times faster than its table look-up per character, but only when the
//! whole string is ASCII: one "£" or curly quote in a news story sent the
//! story's every line down the slow path. A line break is always a word
//! boundary (UAX #29 rules WB3a and WB3b: break before and after CR, LF
//! and NEL), so no word spans lines, and splitting line by line gives the
//! same words in the same order; each ASCII line then takes the fast path.
//! On the pipeline bench's corpus half the documents hold a non-ASCII
//! character, and 88 % of the text's bytes are on lines without one. An
//! ASCII line is now scanned by [`AsciiWords`], which gives the crate's
//! ASCII path's words without making a segment of every space and mark.

use unicode_segmentation::UnicodeSegmentation;

/// `char::is_whitespace` of an ASCII byte: tab to CR and space. Unlike
/// `u8::is_ascii_whitespace` it counts the vertical tab (U+000B), as
/// every character path does; for code that counts or collapses ASCII
/// text a byte at a time and must agree with its character path.
pub fn is_ascii_whitespace_char(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | b' ')
}

/// The Unicode words of `text`, as `text.unicode_words()` gives them.
pub fn unicode_words(text: &str) -> impl Iterator<Item = &str> {
    text.split('\n').flat_map(LineWords::of)
}

/// The words of one line: an ASCII line by [`AsciiWords`], any other by
/// unicode-segmentation.
enum LineWords<'a> {
    Ascii(AsciiWords<'a>),
    Unicode(unicode_segmentation::UnicodeWords<'a>),
}

impl<'a> LineWords<'a> {
    fn of(line: &'a str) -> LineWords<'a> {
        if line.is_ascii() {
            LineWords::Ascii(AsciiWords { line, at: 0 })
        } else {
            LineWords::Unicode(line.unicode_words())
        }
    }
}

impl<'a> Iterator for LineWords<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        match self {
            LineWords::Ascii(words) => words.next(),
            LineWords::Unicode(words) => words.next(),
        }
    }
}

/// The UAX #29 words of an ASCII line, as unicode-segmentation's ASCII
/// path gives them, found without making a segment of every space and
/// punctuation mark only to filter it out again (that path cut a line
/// into about twice as many segments as it has words).
///
/// In ASCII a word is a run of letters, digits and `_` (WB5, WB8–WB10,
/// WB13a/b), which a `:`, `.` or `'` between two letters (WB6/WB7) or a
/// `,`, `;`, `.` or `'` between two digits (WB11/WB12) does not break; a
/// run of `_` alone has no letter or digit and is not a word.
struct AsciiWords<'a> {
    line: &'a str,
    /// Bytes of `line` already read.
    at: usize,
}

impl<'a> Iterator for AsciiWords<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let bytes = self.line.as_bytes();
        let n = bytes.len();
        let core = |b: u8| WORD_BYTE[usize::from(b)];
        let mut i = self.at;
        loop {
            while i < n && !core(bytes[i]) {
                i += 1;
            }
            if i == n {
                self.at = n;
                return None;
            }
            let start = i;
            i += 1;
            while i < n {
                let b = bytes[i];
                if core(b) {
                    i += 1;
                } else if i + 1 < n && joins(b, bytes[i - 1], bytes[i + 1]) {
                    // The mark and the letter or digit after it.
                    i += 2;
                } else {
                    break;
                }
            }
            self.at = i;
            // Only a run that begins with `_` may hold no letter or digit.
            if bytes[start] != b'_' || bytes[start..i].iter().any(u8::is_ascii_alphanumeric) {
                return Some(&self.line[start..i]);
            }
        }
    }
}

/// ASCII letters, digits and `_`, by byte: one load where the three range
/// tests took a third of the scan's instructions.
static WORD_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b as u8 == b'_';
        b += 1;
    }
    table
};

/// Whether the mark `b` between `before` and `after` stays inside a word
/// (WB6/WB7 between letters, WB11/WB12 between digits).
#[inline]
fn joins(b: u8, before: u8, after: u8) -> bool {
    match b {
        b'.' | b'\'' => {
            (before.is_ascii_alphabetic() && after.is_ascii_alphabetic())
                || (before.is_ascii_digit() && after.is_ascii_digit())
        }
        b':' => before.is_ascii_alphabetic() && after.is_ascii_alphabetic(),
        b',' | b';' => before.is_ascii_digit() && after.is_ascii_digit(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn same_as_whole(text: &str) {
        let whole: Vec<&str> = text.unicode_words().collect();
        let by_line: Vec<&str> = unicode_words(text).collect();
        assert_eq!(by_line, whole, "{text:?}");
    }

    #[test]
    fn the_same_words_as_the_whole_text() {
        for text in [
            "",
            "\n",
            "Shell paid £1m.\nIt's the firm's \u{201c}mutual\u{201d} deal.\n\n3.14 e.g. U.S.",
            "a\r\nb\rc\u{85}d\u{2028}e",
            "word\n\u{301}accent after a break\nZWJ\u{200d}\nnext",
            "Қазақстан\nTokayev\u{a0}met Токаев",
            "東京\nタワー 123\n",
            "don't\n'quoted'\n.5\n5.\n_under_score_",
        ] {
            same_as_whole(text);
        }
    }

    /// Every line of up to four characters of a set holding each class
    /// of ASCII character UAX #29 tells apart, and every pair of ASCII
    /// characters between letters and digits.
    #[test]
    fn ascii_lines_give_the_crates_words() {
        let set: Vec<char> = "aZ09_.,;:' \"-\t\r".chars().collect();
        let mut lines = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = lines
                .iter()
                .flat_map(|l| set.iter().map(move |c| format!("{l}{c}")))
                .collect();
            lines.extend(longer);
            lines.dedup();
        }
        for a in 0..128u8 {
            for b in 0..128u8 {
                for around in ["x", "1", "_"] {
                    lines.push(format!(
                        "{around}{}{}{around}",
                        char::from(a),
                        char::from(b)
                    ));
                }
            }
        }
        for line in &lines {
            let ours: Vec<&str> = AsciiWords { line, at: 0 }.collect();
            let crates: Vec<&str> = line.unicode_words().collect();
            assert_eq!(ours, crates, "{line:?}");
        }
    }

    proptest! {
        #[test]
        fn ascii_words_for_any_ascii_line(line in "[a-z0-9A-Z_.,;:'\" \t-]{0,40}") {
            let ours: Vec<&str> = AsciiWords { line: &line, at: 0 }.collect();
            let crates: Vec<&str> = line.unicode_words().collect();
            prop_assert_eq!(ours, crates);
        }

        #[test]
        fn the_same_words_for_any_text(text in "[a-zA-Z0-9 .,'’:_\\-\\n\\r\u{85}\u{301}\u{200d}\u{a0}é£ЖқタZ東]{0,60}") {
            same_as_whole(&text);
        }
    }
}
