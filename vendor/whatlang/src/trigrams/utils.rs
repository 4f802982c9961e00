#[cfg(test)]
use hashbrown::HashMap;

use super::TEXT_TRIGRAMS_SIZE;
#[cfg(test)]
use super::Trigram;
use super::PackedMap;
use crate::core::LowercaseText;
use crate::utils::is_stop_char;

#[cfg(test)]
pub struct TrigramsWithPositions {
    pub(crate) _total_trigrams: u32,
    pub(crate) trigram_positions: HashMap<Trigram, u32>,
}

/// The text's trigrams by position: most frequent first, ties broken by the
/// greater trigram first, at most TEXT_TRIGRAMS_SIZE; the order
/// `trigram_occurances_to_positions` gives them. Sorted as packed keys
/// (count, then the packed trigram: three chars in 21-bit fields,
/// [`super::pack_chars`]), which order exactly as the `(count, Trigram)`
/// tuples do, in a fraction of the time; returned as packed trigrams in
/// position order, a vector, not a map, since the positions are only
/// iterated.
///
/// PATCH (gleaner): most trigrams of a text occur once, and they come
/// last. Those are packed without their count into 64 bits (three 21-bit
/// fields, the same order) and only as many as there is room for are
/// picked (`select_nth_unstable`) and sorted; the others are sorted as
/// before. The same trigrams in the same order as one sort of all.
#[inline]
pub fn get_trigrams_by_position(text: &LowercaseText) -> Vec<u64> {
    let CountResult {
        trigram_occurances, ..
    } = count(text);
    let mut repeated: Vec<u128> = Vec::new();
    let mut once: Vec<u64> = Vec::with_capacity(trigram_occurances.len());
    for (key, count) in trigram_occurances {
        if count == 1 {
            once.push(key);
        } else {
            repeated.push((count as u128) << 64 | key as u128);
        }
    }
    repeated.sort_unstable_by(|a, b| b.cmp(a));
    repeated.truncate(TEXT_TRIGRAMS_SIZE);
    let room = TEXT_TRIGRAMS_SIZE - repeated.len();
    if once.len() > room {
        if room > 0 {
            once.select_nth_unstable_by(room - 1, |a, b| b.cmp(a));
        }
        once.truncate(room);
    }
    once.sort_unstable_by(|a, b| b.cmp(a));
    repeated
        .into_iter()
        .map(|key| key as u64)
        .chain(once)
        .collect()
}

#[cfg(test)]
#[inline]
pub fn get_trigrams_with_positions(text: &LowercaseText) -> TrigramsWithPositions {
    let CountResult {
        total_trigrams,
        trigram_occurances,
    } = count(text);
    let trigram_occurances = trigram_occurances
        .into_iter()
        .map(|(key, count)| (super::unpack(key), count))
        .collect();
    let trigram_positions = trigram_occurances_to_positions(trigram_occurances);
    TrigramsWithPositions {
        _total_trigrams: total_trigrams,
        trigram_positions,
    }
}

#[cfg(test)]
#[inline]
#[allow(clippy::unnecessary_sort_by)]
fn trigram_occurances_to_positions(
    trigram_occurances: HashMap<Trigram, u32>,
) -> HashMap<Trigram, u32> {
    // Sort in descending order by number of occurrences and trigrams
    let mut count_vec: Vec<_> = trigram_occurances
        .into_iter()
        .map(|(trigram, count)| (count, trigram))
        .collect();
    count_vec.sort_unstable_by(|a, b| b.cmp(a));

    count_vec
        .into_iter()
        .take(TEXT_TRIGRAMS_SIZE) // we're interested only in the first 600 (2 * MAX_TRIGRAM_DISTANCE)
        .enumerate()
        .map(|(i, (_, trigram))| (trigram, i as u32))
        .collect()
}

struct CountResult {
    #[cfg_attr(not(test), allow(dead_code))]
    total_trigrams: u32,
    /// Occurrences by packed trigram ([`super::pack_chars`]).
    trigram_occurances: PackedMap<u32>,
}

#[inline]
fn count(text: &LowercaseText) -> CountResult {
    let hash_capacity = calculate_initial_hash_capacity(text);
    let mut trigram_occurances: PackedMap<u32> =
        PackedMap::with_capacity_and_hasher(hash_capacity, Default::default());
    let mut total_trigrams = 0;

    // iterate through the string and count trigrams
    let mut chars_iter = text
        .chars()
        .map(to_trigram_char)
        //.flat_map(char::to_lowercase)
        .chain(Some(' '));
    let mut c1 = ' ';
    // unwrap is safe, because we always chain a space character on the end of the iterator
    let mut c2 = chars_iter.next().unwrap();
    for cur_char in chars_iter {
        let c3 = cur_char;
        if !(c2 == ' ' && (c1 == ' ' || c3 == ' ')) {
            let count = trigram_occurances
                .entry(super::pack_chars(c1, c2, c3))
                .or_insert(0);
            *count += 1;
            total_trigrams += 1;
        }
        c1 = c2;
        c2 = c3;
    }

    CountResult {
        total_trigrams,
        trigram_occurances,
    }
}

// Convert punctuations and digits to a space.
#[inline]
fn to_trigram_char(ch: char) -> char {
    if is_stop_char(ch) { ' ' } else { ch }
}

// In order to improve performance, define the initial capacity for trigrams hash map,
// based on the size of the input text.
#[inline]
fn calculate_initial_hash_capacity(text: &str) -> usize {
    const MAX_INITIAL_HASH_CAPACITY: usize = 2048;

    let len = text.len();
    if len > MAX_INITIAL_HASH_CAPACITY {
        MAX_INITIAL_HASH_CAPACITY
    } else {
        len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_valuable_trigram_chars(chars: &[char]) {
        for &ch in chars.iter() {
            assert_eq!(to_trigram_char(ch), ch);
        }
    }

    fn assert_not_valuable_trigram_chars(chars: &[char]) {
        for &ch in chars.iter() {
            assert_eq!(to_trigram_char(ch), ' ');
        }
    }

    #[test]
    fn test_to_trigram_char() {
        // valuable chars, that matters
        assert_valuable_trigram_chars(&['a', 'z', 'A', 'Z', 'Ж', 'ß']);

        // punctuations, digits, etc..
        //
        // 0x00 - 0x40
        assert_not_valuable_trigram_chars(&['\t', '\n', ' ', '.', '0', '9', ',', '@']);
        // 0x5B - 0x60
        assert_not_valuable_trigram_chars(&['[', ']', '^', '\\', '`']);
        // 0x7B - 0x7E
        assert_not_valuable_trigram_chars(&['[', '|', '{', '}', '~']);
    }

    fn assert_count(text: &str, pairs: &[(&str, u32)]) {
        let lowercase_text = LowercaseText::new(text);
        let CountResult {
            total_trigrams: _,
            trigram_occurances,
        } = count(&lowercase_text);
        for &(trigram_str, expected_n) in pairs.iter() {
            let chars: Vec<char> = trigram_str.chars().collect();
            let trigram = Trigram(chars[0], chars[1], chars[2]);
            let actual_n = trigram_occurances[&trigram.pack()];
            assert_eq!(
                actual_n, expected_n,
                "trigram '{:?}' expected to occur {} times, got {}",
                trigram, expected_n, actual_n
            );
        }
        assert_eq!(trigram_occurances.len(), pairs.len());
    }

    #[test]
    fn test_count() {
        assert_count("", &[]);
        assert_count(",", &[]);
        assert_count("a", &[(" a ", 1)]);
        assert_count("-a-", &[(" a ", 1)]);
        assert_count("yes", &[(" ye", 1), ("yes", 1), ("es ", 1)]);
        assert_count(
            "Give - IT...",
            &[
                (" gi", 1),
                ("giv", 1),
                ("ive", 1),
                ("ve ", 1),
                (" it", 1),
                ("it ", 1),
            ],
        );
    }

    #[test]
    fn test_get_trigrams_with_positions() {
        let lowercase_text = LowercaseText::new("xaaaaabbbb    d");
        let TrigramsWithPositions {
            _total_trigrams,
            trigram_positions,
        } = get_trigrams_with_positions(&lowercase_text);

        assert_eq!(trigram_positions[&Trigram('a', 'a', 'a')], 0);
        assert_eq!(trigram_positions[&Trigram('b', 'b', 'b')], 1);
        assert_eq!(_total_trigrams, 11);
    }

    #[test]
    fn test_get_trigrams_by_position_matches_positions() {
        let texts = [
            "",
            "a",
            "xaaaaabbbb    d",
            "Die Ordnung muss für immer in diesem Codebase bleiben",
            "Та нічого, все нормально. А в тебе як?",
            "日本語のテキスト 한국어 עברית عربي हिन्दी 😀 ẞ ǅ",
        ];
        let long: String = (0..3000u32)
            .map(|i| char::from_u32(0x61 + (i * 7919 % 97)).unwrap_or(' '))
            .collect();
        for text in texts.iter().copied().chain([long.as_str()]) {
            let lowercase_text = LowercaseText::new(text);
            let by_position = get_trigrams_by_position(&lowercase_text);
            let TrigramsWithPositions {
                trigram_positions, ..
            } = get_trigrams_with_positions(&lowercase_text);
            assert_eq!(by_position.len(), trigram_positions.len());
            for (position, &key) in by_position.iter().enumerate() {
                let trigram = crate::trigrams::unpack(key);
                assert_eq!(trigram_positions[&trigram], position as u32, "{text:?}");
            }
        }
    }
}
