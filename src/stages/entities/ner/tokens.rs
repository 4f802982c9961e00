//! Raw text → sentences of CoNLL-style tokens with byte offsets.
//!
//! The model was trained on CoNLL-2003's tokenisation, so running text must
//! be cut the same way: punctuation is its own token, except the dot of an
//! abbreviation or initial ("U.S.", "Mr.", "J."); a possessive "'s" and
//! "n't" are split off; hyphenated names and numbers ("Kassym-Jomart",
//! "1,000", "3.5") stay whole. A sentence ends at a line break, or after
//! `.`, `!` or `?` when the next token does not start in lower case.

/// A token: byte range into the text.
pub type Span = (usize, usize);

/// Lower-case abbreviations that keep their dot (titles, months, company forms).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "col", "lt", "sgt", "capt", "rep",
    "sen", "gov", "rev", "inc", "corp", "ltd", "co", "bros", "vs", "no", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "approx", "est",
    "dept", "univ", "assn", "ave", "blvd",
];

fn is_abbreviation(word: &str) -> bool {
    let bare = word.trim_end_matches('.');
    // Initials and dotted acronyms: "J.", "U.S.", "e.g."
    if bare.contains('.') || bare.chars().count() == 1 && bare.chars().all(char::is_alphabetic) {
        return true;
    }
    ABBREVIATIONS.contains(&bare.to_lowercase().as_str())
}

fn is_leading_punct(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '('
            | '['
            | '{'
            | '<'
            | '«'
            | '“'
            | '‘'
            | '„'
            | '¿'
            | '¡'
            | '*'
            | '#'
            | '$'
            | '£'
            | '€'
            | '¥'
            | '@'
    )
}

fn is_trailing_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '"'
            | '\''
            | ')'
            | ']'
            | '}'
            | '>'
            | '»'
            | '”'
            | '’'
            | '…'
            | '*'
            | '%'
    )
}

/// Splits one whitespace-free piece at `offset` into tokens.
fn split_piece(piece: &str, offset: usize, out: &mut Vec<Span>) {
    let mut start = 0;
    let mut end = piece.len();
    // Leading punctuation, one character per token.
    while let Some(c) = piece[start..end].chars().next() {
        if !is_leading_punct(c) || start + c.len_utf8() == end {
            break;
        }
        out.push((offset + start, offset + start + c.len_utf8()));
        start += c.len_utf8();
    }
    // Trailing punctuation, found right to left; its tokens follow the word.
    let piece_end = end;
    while let Some(c) = piece[start..end].chars().next_back() {
        if !is_trailing_punct(c) || end - c.len_utf8() == start {
            break;
        }
        if c == '.' && is_abbreviation(&piece[start..end]) && !piece[start..end - 1].ends_with('.')
        {
            break;
        }
        end -= c.len_utf8();
    }
    let word = &piece[start..end];
    // Clitics: "Germany's" → "Germany" "'s", "don't" → "do" "n't".
    let clitic = ["'s", "’s", "n't", "n’t", "'re", "'ve", "'ll", "'d", "'m"]
        .iter()
        .find(|c| {
            word.len() > c.len()
                && word.is_char_boundary(word.len() - c.len())
                && word[word.len() - c.len()..].eq_ignore_ascii_case(c)
        });
    match clitic {
        Some(c) => {
            let cut = end - c.len();
            out.push((offset + start, offset + cut));
            out.push((offset + cut, offset + end));
        }
        None if start < end => out.push((offset + start, offset + end)),
        None => {}
    }
    // The trailing punctuation cut off above, one token a character, in
    // text order.
    out.extend(
        piece[end..piece_end]
            .char_indices()
            .map(|(i, c)| (offset + end + i, offset + end + i + c.len_utf8())),
    );
}

/// The sentences of `text`, each a list of token spans.
pub fn sentences(text: &str) -> Vec<Vec<Span>> {
    let mut out = Vec::new();
    // One buffer for every line's tokens; each sentence is then copied
    // out at its exact size (growing a vector per sentence token by token
    // cost a tenth of `ner speed`'s allocations).
    let mut tokens = Vec::new();
    for (line_start, line) in lines_with_offsets(text) {
        tokens.clear();
        for (piece_start, piece) in words_with_offsets(line) {
            split_piece(piece, line_start + piece_start, &mut tokens);
        }
        let mut first = 0;
        for (k, &(s, e)) in tokens.iter().enumerate() {
            let ends = matches!(&text[s..e], "." | "!" | "?" | "…");
            let next_lower = tokens.get(k + 1).is_some_and(|&(ns, ne)| {
                text[ns..ne].chars().next().is_some_and(char::is_lowercase)
            });
            if ends && !next_lower {
                out.push(tokens[first..=k].to_vec());
                first = k + 1;
            }
        }
        if first < tokens.len() {
            out.push(tokens[first..].to_vec());
        }
    }
    out
}

fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n').scan(0, |pos, line| {
        let start = *pos;
        *pos += line.len() + 1;
        Some((start, line))
    })
}

fn words_with_offsets(line: &str) -> impl Iterator<Item = (usize, &str)> {
    line.split(char::is_whitespace)
        .scan(0, |pos, w| {
            let start = *pos;
            *pos += w.len()
                + line[start + w.len()..]
                    .chars()
                    .next()
                    .map_or(0, char::len_utf8);
            Some((start, w))
        })
        .filter(|(_, w)| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<&str>> {
        sentences(text)
            .into_iter()
            .map(|s| s.into_iter().map(|(a, b)| &text[a..b]).collect())
            .collect()
    }

    #[test]
    fn cuts_like_conll() {
        assert_eq!(
            words("Mr. Tokayev met U.S. officials in Nur-Sultan (Kazakhstan)."),
            [vec![
                "Mr.",
                "Tokayev",
                "met",
                "U.S.",
                "officials",
                "in",
                "Nur-Sultan",
                "(",
                "Kazakhstan",
                ")",
                "."
            ]]
        );
        assert_eq!(
            words("Israel's exports rose 3.5% to $1,000, he said: \"fine\"."),
            [vec![
                "Israel", "'s", "exports", "rose", "3.5", "%", "to", "$", "1,000", ",", "he",
                "said", ":", "\"", "fine", "\"", "."
            ]]
        );
        assert_eq!(words("It doesn't."), [vec!["It", "does", "n't", "."]]);
    }

    #[test]
    fn sentences_end_at_stops_and_lines() {
        assert_eq!(
            words("He left. She stayed.\nA new line\nJ. Smith arrived, e.g. today."),
            [
                vec!["He", "left", "."],
                vec!["She", "stayed", "."],
                vec!["A", "new", "line"],
                vec!["J.", "Smith", "arrived", ",", "e.g.", "today", "."],
            ]
        );
    }

    #[test]
    fn offsets_survive_unicode_and_odd_spacing() {
        let text = "  «Астана»\u{a0}— город…\n\n";
        for s in sentences(text) {
            for (a, b) in s {
                assert!(a < b && text.is_char_boundary(a) && text.is_char_boundary(b));
            }
        }
        assert_eq!(words(text), [vec!["«", "Астана", "»", "—", "город", "…"]]);
    }
}
