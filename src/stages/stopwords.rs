//! Small stop-word lists for the main languages of gleaner's inputs.
//!
//! Function words are what prose is made of and menus are not, so their
//! share tells article text from boilerplate (the line classifier) and
//! natural language from lists and code (the quality signal).

use std::collections::HashSet;
use std::sync::OnceLock;

use rustc_hash::FxBuildHasher;

/// Small stop-word lists (lower case) for the main languages of the inputs;
/// Korean and Japanese are covered by the CJK share and length features.
const STOP_WORDS: &str = "
a about after all also an and any are as at be been but by can could did do does for from had has have he her his how i if in into is it its just more most my no not of on one or our out over said she so some than that the their them then there these they this to up was we were what when which who will with would you your
o a os as um uma de do da dos das em no na nos nas por para com que se não mais mas como foi ser ao à e é ele ela eles seu sua pelo pela entre também já muito quando sobre isso este esta
el la los las un una y en del al es por con para se lo su sus como pero más fue ha son
le les des une et est pour dans sur qui pas au avec ce il elle sont
der die das und ist nicht mit den dem ein eine zu von auf für sich auch es im
и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее мне было вот от меня еще нет о из ему теперь когда даже ну ли если уже или ни быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того потому этого какой совсем ним здесь этом один почти мой тем чтобы нее были куда зачем всех никогда можно при наконец два об другой хоть после над больше тот через эти нас про всего них какая много разве три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда конечно всю между это также года
yang dan di ke dari ini itu untuk dengan tidak ada dalam akan pada juga oleh sebagai adalah karena bisa atau sudah saat telah mereka kami kita ia tersebut lebih hanya jika namun
";

/// Kazakh function words, a list apart: only the prose test of the clean
/// stage ([`crate::clean::shape`]) reads it. The line classifier's weights
/// (and the HTML line model's) were fitted with the lists above, where a
/// Kazakh line has no stop words; counting these there moved its scores
/// (Kazakh bench: list items kept 63 % -> 40 %, prose recall 98.4 -> 98.0).
const KAZAKH_STOP_WORDS: &str = "
және мен бен пен да де та те бұл осы сол ол олар оның оны оған оларды бір үшін туралы бойынша арқылы кейін дейін бері қарай сияқты сайын ғана тек әрі немесе бірақ алайда сондықтан себебі егер онда мұнда қазір енді тағы ал яғни деп деген еді екен болып болды болады бар жоқ емес өз өзі біз сіз барлық әр кезде сондай ретінде
";

/// The stop-word set and the length of its longest word. Every word of
/// every line is looked up (the line classifier, the shape tests, the
/// quality signal), so the set is hashed with FxHash rather than SipHash
/// (its keys are fixed, not attacker-chosen), and words longer than any
/// stop word are answered without a look-up.
struct StopWords {
    set: HashSet<&'static str, FxBuildHasher>,
    /// The ASCII words, each packed into an integer ([`pack`]): most words
    /// looked up are ASCII, and an integer is hashed and compared at once.
    /// No ASCII stop word is longer than 8 bytes (a test checks).
    ascii: HashSet<u64, FxBuildHasher>,
    /// Characters of the longest stop word.
    max_chars: usize,
    /// Bytes of the longest stop word.
    max_bytes: usize,
}

impl StopWords {
    fn of(words: &'static str) -> StopWords {
        let set: HashSet<&'static str, FxBuildHasher> = words.split_whitespace().collect();
        StopWords {
            max_chars: set.iter().map(|w| w.chars().count()).max().unwrap_or(0),
            max_bytes: set.iter().map(|w| w.len()).max().unwrap_or(0),
            ascii: set
                .iter()
                .filter(|w| w.is_ascii() && w.len() <= 8)
                .map(|w| pack(w.as_bytes()))
                .collect(),
            set,
        }
    }
}

/// Up to 8 ASCII bytes as one integer, lower-cased, zero past the end, and
/// the length in the top bits of the first four bytes (which ASCII leaves
/// 0), so that "them" and "them\0" differ too.
///
/// The bytes are read straight into a register (two overlapping loads), not
/// copied into a buffer on the stack: reading 8 bytes back just after
/// writing fewer stalled every look-up (the store cannot be forwarded to
/// the load), a quarter of the function's samples.
#[inline]
fn pack(word: &[u8]) -> u64 {
    let n = word.len();
    debug_assert!(n <= 8 && word.is_ascii());
    let bytes = match n {
        0 => 0,
        // Byte 0, the middle one and the last: every byte of 1 to 3.
        1..=3 => {
            u64::from(word[0])
                | u64::from(word[n / 2]) << (8 * (n / 2))
                | u64::from(word[n - 1]) << (8 * (n - 1))
        }
        // The first four and the last four, overlapping.
        _ => {
            let first = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
            let last = u32::from_le_bytes([word[n - 4], word[n - 3], word[n - 2], word[n - 1]]);
            u64::from(first) | u64::from(last) << (8 * (n - 4))
        }
    };
    // Lower-case 'A'..='Z' in every byte at once: each byte is below 0x80,
    // so adding to it carries into its own top bit only.
    let at_least_a = bytes.wrapping_add(0x3F3F_3F3F_3F3F_3F3F);
    let past_z = bytes.wrapping_add(0x2525_2525_2525_2525);
    let upper = at_least_a & !past_z & 0x8080_8080_8080_8080;
    let lower = bytes | upper >> 2;
    let len = n as u64;
    let len_bits = (len & 1) << 7 | (len >> 1 & 1) << 15 | (len >> 2 & 1) << 23 | (len >> 3) << 31;
    lower | len_bits
}

fn stop_words() -> &'static StopWords {
    static SET: OnceLock<StopWords> = OnceLock::new();
    SET.get_or_init(|| StopWords::of(STOP_WORDS))
}

fn kazakh_stop_words() -> &'static StopWords {
    static SET: OnceLock<StopWords> = OnceLock::new();
    SET.get_or_init(|| StopWords::of(KAZAKH_STOP_WORDS))
}

/// Bytes of the buffer a short word is lower-cased into; more than any stop
/// word has (a test checks).
const LOWER_BUFFER: usize = 32;

/// [`is_stop_word`] for a word in any case, without allocating: a word with
/// more characters than the longest stop word is none (lower-casing never
/// makes a word shorter in characters), and a shorter one is lower-cased
/// into a buffer on the stack. `char::to_lowercase` differs from
/// `str::to_lowercase` only for a final Greek sigma, and no stop word has a
/// sigma, so the answer is the same.
pub fn is_stop_word_any_case(word: &str) -> bool {
    in_any_case(stop_words(), word)
}

/// [`is_stop_word_any_case`] or a Kazakh function word ("және", "үшін",
/// "бұл"): for telling Kazakh sentences from headlines and lists.
pub fn is_function_word_any_case(word: &str) -> bool {
    is_function_word_given(word, is_stop_word_any_case(word))
}

/// [`is_function_word_any_case`] of a word whose
/// [`is_stop_word_any_case`] the caller already knows (`stop`).
pub fn is_function_word_given(word: &str, stop: bool) -> bool {
    stop || (!word.is_ascii() && in_any_case(kazakh_stop_words(), word))
}

#[inline]
fn in_any_case(stop: &StopWords, word: &str) -> bool {
    if word.is_ascii() {
        // Most words: ASCII lower-cases byte for byte, and every ASCII
        // stop word is in `ascii`.
        return word.len() <= 8 && stop.ascii.contains(&pack(word.as_bytes()));
    }
    non_ascii_in_any_case(stop, word)
}

/// [`in_any_case`] of a word with a non-ASCII character, apart so that the
/// ASCII look-up, most of them, sets up no buffer.
#[inline(never)]
fn non_ascii_in_any_case(stop: &StopWords, word: &str) -> bool {
    let mut buf = [0u8; LOWER_BUFFER];
    if word.chars().nth(stop.max_chars).is_some() {
        return false;
    }
    if !word.chars().any(char::is_uppercase) {
        return stop.set.contains(word);
    }
    let mut len = 0;
    for c in word.chars().flat_map(char::to_lowercase) {
        if len + c.len_utf8() > stop.max_bytes {
            return false;
        }
        len += c.encode_utf8(&mut buf[len..]).len();
    }
    // Whole characters were written, so the bytes are UTF-8.
    std::str::from_utf8(&buf[..len]).is_ok_and(|lower| stop.set.contains(lower))
}

/// Whether a lower-case word is a stop word of English, Portuguese, Spanish,
/// French, German, Russian or Indonesian.
pub fn is_stop_word(lower: &str) -> bool {
    let stop = stop_words();
    lower.len() <= stop.max_bytes && stop.set.contains(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kazakh_function_words_are_apart() {
        for w in ["және", "Үшін", "БҰЛ", "the", "что"] {
            assert!(is_function_word_any_case(w), "{w}");
        }
        assert!(!is_stop_word_any_case("және") && !is_function_word_any_case("Қазақстан"));
        let kazakh = kazakh_stop_words();
        assert!(kazakh.max_bytes <= LOWER_BUFFER);
        for w in KAZAKH_STOP_WORDS.split_whitespace() {
            let title: String = w
                .chars()
                .take(1)
                .flat_map(char::to_uppercase)
                .chain(w.chars().skip(1))
                .collect();
            for form in [w.to_string(), w.to_uppercase(), title] {
                assert_eq!(
                    in_any_case(kazakh, &form),
                    kazakh.set.contains(form.to_lowercase().as_str()),
                    "{form}"
                );
            }
        }
    }

    #[test]
    fn packing_is_lower_casing_bytes() {
        // Every ASCII byte at every place, against the plain way.
        let plain = |w: &[u8]| {
            let mut bytes = [0u8; 8];
            bytes[..w.len()].copy_from_slice(w);
            bytes.make_ascii_lowercase();
            let len = w.len() as u64;
            u64::from_le_bytes(bytes)
                | (len & 1) << 7
                | (len >> 1 & 1) << 15
                | (len >> 2 & 1) << 23
                | (len >> 3) << 31
        };
        for n in 0..=8 {
            for b in 0u8..128 {
                for at in 0..n {
                    let mut w: Vec<u8> = (0..n as u8).map(|i| b"aZq@[`{~"[i as usize]).collect();
                    w[at] = b;
                    assert_eq!(pack(&w), plain(&w), "{w:?}");
                }
            }
        }
        assert_ne!(pack(b"them"), pack(b"them\0"));
    }

    #[test]
    fn every_ascii_stop_word_is_packed() {
        for (words, set) in [
            (STOP_WORDS, stop_words()),
            (KAZAKH_STOP_WORDS, kazakh_stop_words()),
        ] {
            let ascii: HashSet<&str> = words.split_whitespace().filter(|w| w.is_ascii()).collect();
            assert!(ascii.iter().all(|w| w.len() <= 8 && !w.contains('\0')));
            assert_eq!(set.ascii.len(), ascii.len());
        }
        assert!(is_stop_word_any_case("tersebut") && is_stop_word_any_case("TERSEBUT"));
        for w in ["", "th", "thee", "them\0", "tersebuts", "kazakhstan"] {
            assert!(!is_stop_word_any_case(w), "{w:?}");
        }
    }

    #[test]
    fn knows_function_words_of_several_languages() {
        for w in ["the", "não", "und", "что", "yang"] {
            assert!(is_stop_word(w), "{w}");
        }
        assert!(!is_stop_word("kazakhstan") && !is_stop_word("The"));
        assert!(is_stop_word_any_case("The") && is_stop_word_any_case("ЧТО"));
        assert!(!is_stop_word_any_case("Kazakhstan"));
    }

    /// A word without capitals is looked up as it is. That is lower-casing
    /// it only if no character that is not upper case lower-cases into a
    /// character of a stop word (title-case letters such as `ǅ` do lower-case).
    #[test]
    fn only_capitals_lower_case_into_stop_word_letters() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if c.is_uppercase() || c.to_lowercase().eq([c]) {
                continue;
            }
            for l in c.to_lowercase() {
                assert!(!STOP_WORDS.contains(l), "{c:?} lower-cases to {l:?}");
                assert!(!KAZAKH_STOP_WORDS.contains(l), "{c:?} lower-cases to {l:?}");
            }
        }
    }

    #[test]
    fn any_case_agrees_with_lower_casing_the_whole_word() {
        assert!(stop_words().max_bytes <= LOWER_BUFFER);
        let mut words: Vec<String> = STOP_WORDS.split_whitespace().map(str::to_owned).collect();
        let upper: Vec<String> = words.iter().map(|w| w.to_uppercase()).collect();
        let title: Vec<String> = words
            .iter()
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
            })
            .collect();
        words.extend(upper);
        words.extend(title);
        words.extend(
            [
                "İN",
                "KAZAKHSTAN",
                "ΣΟΣ",
                "Ǆ",
                "THE\u{0301}",
                "ẞ",
                "Ａ",
                "",
                "AND_",
                "THEIRS",
            ]
            .map(str::to_owned),
        );
        for w in &words {
            assert_eq!(
                is_stop_word_any_case(w),
                is_stop_word(&w.to_lowercase()),
                "{w}"
            );
        }
    }
}
