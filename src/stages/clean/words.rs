//! The words of a line: the matches of the regex `\w+`, found without a
//! regex.
//!
//! The line classifier and the shape tests split every line of every
//! document into words. `Regex::find_iter` runs a forward and then a
//! reverse lazy-DFA search for each word, which took ~5 % of a dedup-only
//! run; a scan over the characters with the regex crate's own table of `\w`
//! (`regex_syntax::is_word_character`) finds the same maximal runs.

/// Iterator over the maximal runs of Unicode word characters (`\w`) of a
/// text, in order: exactly the matches of `Regex::new(r"\w+").find_iter`.
pub fn words(text: &str) -> Words<'_> {
    Words { rest: text }
}

/// See [`words`].
#[derive(Debug, Clone)]
pub struct Words<'a> {
    rest: &'a str,
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let start = self.rest.find(is_word_char)?;
        let tail = &self.rest[start..];
        let len = tail.find(|c| !is_word_char(c)).unwrap_or(tail.len());
        let (word, rest) = tail.split_at(len);
        self.rest = rest;
        Some(word)
    }
}

/// Unicode `\w`, answered for ASCII without the table's binary search
/// (most characters of most lines are ASCII, and spaces and punctuation
/// are not in the table's ASCII fast path).
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        regex_syntax::is_word_character(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn same_words_as_the_regex() {
        let re = Regex::new(r"\w+").unwrap();
        let texts = [
            "",
            "   ",
            "Hello, world!",
            "snake_case and x2 — 42.5%",
            "Café naïve (déjà vu) co\u{0301}te",
            "Қазақстан Республикасы, 2024 ж.",
            "東京都の記者 기자 입력 2024.01.02",
            "zero\u{200D}width\u{200C}join · e\u{0301}",
            "١٢٣ अनुच्छेद ‿tie‿ ¼ Ⅻ ²",
            "_leading and trailing_ ",
        ];
        for t in texts {
            let want: Vec<&str> = re.find_iter(t).map(|m| m.as_str()).collect();
            assert_eq!(words(t).collect::<Vec<_>>(), want, "{t:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn same_words_as_the_regex_on_any_text(t in "\\PC{0,40}") {
            let re = Regex::new(r"\w+").unwrap();
            let want: Vec<&str> = re.find_iter(&t).map(|m| m.as_str()).collect();
            proptest::prop_assert_eq!(words(&t).collect::<Vec<_>>(), want);
        }
    }

    #[test]
    fn ascii_word_characters_match_the_table() {
        for b in 0u8..128 {
            let c = char::from(b);
            assert_eq!(is_word_char(c), regex_syntax::is_word_character(c), "{c:?}");
        }
    }
}
