//! Scripts written without spaces between words (Chinese, Japanese, Thai,
//! Lao, Khmer, Myanmar): dedup shingles them by characters, and the clean
//! stage joins their hard-wrapped lines without a space.

use unicode_script::{Script, UnicodeScript};

/// Whether a word is of a script written without spaces between words
/// (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar): it holds a letter
/// of one. Every such letter lies at or above U+0E00, so Latin, Cyrillic,
/// Greek, Arabic, Hebrew and Indic words are told by a comparison.
pub fn is_spaceless(word: &str) -> bool {
    word.chars().any(is_spaceless_char)
}

/// [`is_spaceless`] of one character.
pub fn is_spaceless_char(c: char) -> bool {
    c >= '\u{0E00}'
        && matches!(
            c.script(),
            Script::Han
                | Script::Hiragana
                | Script::Katakana
                | Script::Thai
                | Script::Lao
                | Script::Khmer
                | Script::Myanmar
        )
}
