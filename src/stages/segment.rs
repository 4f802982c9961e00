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
//! character, and 88 % of the text's bytes are on lines without one.

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
    text.split('\n')
        .flat_map(UnicodeSegmentation::unicode_words)
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

    proptest! {
        #[test]
        fn the_same_words_for_any_text(text in "[a-zA-Z0-9 .,'’:_\\-\\n\\r\u{85}\u{301}\u{200d}\u{a0}é£ЖқタZ東]{0,60}") {
            same_as_whole(&text);
        }
    }
}
