//! Text normalization shared by the cleaner and by dedup's shingler.
//!
//! Scraped text mixes NFD and NFC forms, no-break spaces, zero-width characters
//! and typographic quotes; two copies of one article often differ only in
//! these. Normalizing them first means rules, frequent-line counts and
//! duplicate hashes see the same text for the same words.

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// NFC, typographic quotes to ASCII, invisible characters dropped, runs of
/// whitespace collapsed to one space, trimmed.
pub fn normalize_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    // Most lines are already NFC (all ASCII lines are); skip recomposing them.
    let composed: Box<dyn Iterator<Item = char>> =
        if is_nfc_quick(line.chars()) == IsNormalized::Yes {
            Box::new(line.chars())
        } else {
            Box::new(line.nfc())
        };
    for c in composed {
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
            '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => continue,
            c if c.is_whitespace() => {
                pending_space = true;
                continue;
            }
            c if c.is_control() => continue,
            c => c,
        };
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_quotes_spaces_and_forms() {
        assert_eq!(
            normalize_line("  \u{201C}Yes,\u{00A0}\u{00A0}it\u{2019}s\u{200B} fine\u{201D}\t "),
            "\"Yes, it's fine\""
        );
        assert_eq!(normalize_line("Cafe\u{0301}"), "Caf\u{e9}");
    }

    #[test]
    fn is_idempotent() {
        for s in [
            "  a  b ",
            "\u{2018}x\u{2019}",
            "рус \u{a0} |\u{a0}  eng",
            "",
        ] {
            let once = normalize_line(s);
            assert_eq!(normalize_line(&once), once);
        }
    }
}
