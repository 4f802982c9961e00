//! quality: per-document signals and a configurable filter.
//!
//! The signals are the usual cheap ones (Gopher/C4 style): how many words, what
//! language and how sure, how much of the text is alphabetic words, how long
//! lines are, how much the text repeats itself. They go into
//! `documents.parquet` so users can filter on their own thresholds too.

use serde::{Deserialize, Serialize};

use crate::config::InvalidValue;

/// What to do with a document that fails the thresholds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Keep it, with the reason in `quality_flag`.
    #[default]
    Flag,
    /// Leave it out of every table (counted in the summary).
    Drop,
}

/// Settings of the quality stage (`[quality]` in pipeline.toml).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QualityConfig {
    /// Fewer words than this fails.
    pub min_words: usize,
    /// A smaller share of alphabetic words than this fails.
    pub min_alpha_share: f64,
    /// A larger share of repeated word 3-grams than this fails.
    pub max_repetition: f64,
    /// A smaller share of stop words ("the", "and", "не", "yang", ...) than
    /// this fails: lists, tables and code have few. 0 = off, since languages
    /// without a list (Japanese, Kazakh, ...) have none.
    pub min_stopword_share: f64,
    /// Languages to accept (ISO 639-3, e.g. `["eng", "rus"]`); empty = any.
    pub languages: Vec<String>,
    /// Language identification less sure than this counts as no language
    /// when `languages` is set.
    pub min_lang_confidence: f64,
    pub action: Action,
}

impl Default for QualityConfig {
    fn default() -> Self {
        QualityConfig {
            min_words: 20,
            min_alpha_share: 0.6,
            max_repetition: 0.5,
            min_stopword_share: 0.0,
            languages: Vec::new(),
            min_lang_confidence: 0.0,
            action: Action::Flag,
        }
    }
}

impl QualityConfig {
    pub(crate) fn validate(&self) -> Result<(), InvalidValue> {
        for (key, value) in [
            ("min_alpha_share", self.min_alpha_share),
            ("max_repetition", self.max_repetition),
            ("min_stopword_share", self.min_stopword_share),
            ("min_lang_confidence", self.min_lang_confidence),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(InvalidValue {
                    key: format!("quality.{key}"),
                    span: 0..0,
                    message: format!("must be between 0 and 1, got {value}"),
                });
            }
        }
        Ok(())
    }
}

/// The quality signals of one document.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Signals {
    pub n_words: u32,
    /// ISO 639-3 code, `None` when no language could be told.
    pub lang: Option<String>,
    pub lang_confidence: f64,
    /// Share of words made only of letters (and inner apostrophes/hyphens).
    pub alpha_share: f64,
    /// Mean characters per line.
    pub mean_line_len: f64,
    /// Share of word 3-grams that occur more than once.
    pub repetition: f64,
    /// Share of words that are stop words of a main language.
    pub stopword_share: f64,
    /// Why the document fails the thresholds, `None` when it passes.
    pub flag: Option<String>,
}

/// Computes the signals of `text` and judges them against `config`.
pub fn assess(text: &str, config: &QualityConfig) -> Signals {
    let words: Vec<&str> = crate::stages::segment::unicode_words(text).collect();
    assess_words(text, &words, config)
}

/// [`assess`] with the text's Unicode words already split (the pipeline
/// splits once for quality and dedup).
pub fn assess_words(text: &str, words: &[&str], config: &QualityConfig) -> Signals {
    let n_words = words.len();
    let alpha = words.iter().filter(|w| is_alphabetic_word(w)).count();
    let alpha_share = ratio(alpha, n_words);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let chars: usize = lines.iter().map(|l| l.chars().count()).sum();
    let mean_line_len = ratio(chars, lines.len());
    let repetition = repeated_trigram_share(words);
    let stop = words
        .iter()
        .filter(|w| crate::stopwords::is_stop_word_any_case(w))
        .count();
    let stopword_share = ratio(stop, n_words);
    let (lang, lang_confidence) = identify_language(text);
    let flag = if n_words < config.min_words {
        Some(format!("words<{}", config.min_words))
    } else if alpha_share < config.min_alpha_share {
        Some(format!("alpha_share<{}", config.min_alpha_share))
    } else if repetition > config.max_repetition {
        Some(format!("repetition>{}", config.max_repetition))
    } else if stopword_share < config.min_stopword_share {
        Some(format!("stopword_share<{}", config.min_stopword_share))
    } else if !config.languages.is_empty()
        && !lang
            .as_ref()
            .filter(|_| lang_confidence >= config.min_lang_confidence)
            .is_some_and(|l| config.languages.contains(l))
    {
        Some(format!("language not in {:?}", config.languages))
    } else {
        None
    };
    Signals {
        n_words: n_words as u32,
        lang,
        lang_confidence,
        alpha_share,
        mean_line_len,
        repetition,
        stopword_share,
        flag,
    }
}

/// Whether `word` is made only of letters, apostrophes and hyphens. An
/// ASCII word is tested a byte at a time (`char::is_alphabetic` of an
/// ASCII character is `u8::is_ascii_alphabetic`), not decoded.
fn is_alphabetic_word(word: &str) -> bool {
    if word.is_ascii() {
        word.bytes()
            .all(|b| b.is_ascii_alphabetic() || b == b'\'' || b == b'-')
    } else {
        word.chars()
            .all(|c| c.is_alphabetic() || c == '\'' || c == '-')
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Bytes of text language identification looks at. Its trigram statistics
/// settle within a couple of hundred words, and on whole articles it took a
/// fifth of the run time.
const LANGUAGE_SAMPLE_BYTES: usize = 1024;

/// The text's first [`LANGUAGE_SAMPLE_BYTES`], cut at a character boundary.
pub fn language_sample(text: &str) -> &str {
    if text.len() <= LANGUAGE_SAMPLE_BYTES {
        return text;
    }
    let mut end = LANGUAGE_SAMPLE_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Share of word 3-grams that occur more than once. Trigrams are hashed and
/// sorted rather than counted in a map of strings: same answer (but for a
/// 2⁻⁶⁴ collision), a fraction of the time.
fn repeated_trigram_share(words: &[&str]) -> f64 {
    if words.len() < 3 {
        return 0.0;
    }
    let word_hashes: Vec<u64> = words
        .iter()
        .map(|w| xxhash_rust::xxh3::xxh3_64(w.as_bytes()))
        .collect();
    let mut trigrams: Vec<u64> = word_hashes
        .windows(3)
        .map(|w| {
            w[0].rotate_left(21) ^ w[1].rotate_left(42) ^ w[2].wrapping_mul(0x9E37_79B9_7F4A_7C15)
        })
        .collect();
    trigrams.sort_unstable();
    let repeated: usize = trigrams
        .chunk_by(|a, b| a == b)
        .filter(|run| run.len() > 1)
        .map(<[u64]>::len)
        .sum();
    repeated as f64 / (words.len() - 2) as f64
}

/// Language of `text` (ISO 639-3) and how sure. whatlang has no Kazakh
/// and calls Kazakh in Cyrillic Russian (or another Cyrillic language);
/// letters only Kazakh uses among them (ә ғ қ ң ө ұ ү һ; not і, which
/// Ukrainian and Belarusian share) are a strong cue, so a
/// Cyrillic verdict with enough of them becomes `kaz`.
pub fn identify_language(text: &str) -> (Option<String>, f64) {
    const CYRILLIC: [&str; 6] = ["rus", "ukr", "bel", "bul", "mkd", "srp"];
    let Some(info) = whatlang::detect(language_sample(text)) else {
        return (None, 0.0);
    };
    let code = info.lang().code();
    if CYRILLIC.contains(&code) && is_kazakh(text) {
        return (Some("kaz".to_string()), info.confidence());
    }
    (Some(code.to_string()), info.confidence())
}

/// At least one Kazakh-only letter per 200 Cyrillic letters (Kazakh prose
/// has several per sentence; a Russian text quoting one name has few).
fn is_kazakh(text: &str) -> bool {
    let (mut cyrillic, mut kazakh) = (0usize, 0usize);
    for c in language_sample(text).chars() {
        if ('\u{0400}'..='\u{04FF}').contains(&c) {
            cyrillic += 1;
            kazakh += matches!(
                c,
                'ә' | 'Ә'
                    | 'ғ'
                    | 'Ғ'
                    | 'қ'
                    | 'Қ'
                    | 'ң'
                    | 'Ң'
                    | 'ө'
                    | 'Ө'
                    | 'ұ'
                    | 'Ұ'
                    | 'ү'
                    | 'Ү'
                    | 'һ'
                    | 'Һ'
            ) as usize;
        }
    }
    cyrillic > 0 && kazakh * 200 >= cyrillic
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_article_passes() {
        let text = "Kazakhstan is the largest country in Central Asia and the ninth-largest \
                    in the world, spanning roughly 2.7 million square kilometers. It is also \
                    the largest landlocked nation on the planet today.";
        let s = assess(text, &QualityConfig::default());
        assert_eq!(s.lang.as_deref(), Some("eng"));
        assert!(s.lang_confidence > 0.5);
        assert!(s.alpha_share > 0.9);
        assert!(
            (0.25..0.6).contains(&s.stopword_share),
            "{}",
            s.stopword_share
        );
        assert_eq!(s.flag, None);
    }

    #[test]
    fn stop_words_and_languages_can_be_required() {
        let list =
            "Apples Oranges Pears Plums Grapes Melons Kiwis Lemons Limes Figs Dates Cherries \
                    Peaches Mangoes Papayas Guavas Lychees Quinces Apricots Berries Currants";
        let config = QualityConfig {
            min_stopword_share: 0.1,
            ..QualityConfig::default()
        };
        assert_eq!(
            assess(list, &config).flag.as_deref(),
            Some("stopword_share<0.1")
        );
        let russian = "Президент Казахстана заявил, что страна готова к сотрудничеству и что \
                       переговоры с партнёрами будут продолжены в ближайшее время в столице.";
        let config = QualityConfig {
            languages: vec!["eng".into()],
            min_words: 5,
            ..QualityConfig::default()
        };
        assert!(assess(russian, &config)
            .flag
            .unwrap()
            .starts_with("language not in"));
        let config = QualityConfig {
            languages: vec!["eng".into(), "rus".into()],
            min_words: 5,
            ..QualityConfig::default()
        };
        assert_eq!(assess(russian, &config).flag, None);
    }

    #[test]
    fn short_and_repetitive_texts_are_flagged() {
        let config = QualityConfig::default();
        assert_eq!(
            assess("Too short.", &config).flag.as_deref(),
            Some("words<20")
        );
        let spam = "buy cheap pills now ".repeat(20);
        let s = assess(&spam, &config);
        assert!(s.repetition > 0.9);
        assert_eq!(s.flag.as_deref(), Some("repetition>0.5"));
        let numbers = "1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 words";
        assert!(assess(numbers, &config)
            .flag
            .unwrap()
            .starts_with("alpha_share"));
    }

    #[test]
    fn ascii_words_are_alphabetic_as_characters_are() {
        for b in 0..=127u8 {
            let word = format!("ab{}c", char::from(b));
            let by_chars = word
                .chars()
                .all(|c| c.is_alphabetic() || c == '\'' || c == '-');
            assert_eq!(is_alphabetic_word(&word), by_chars, "{word:?}");
        }
        assert!(is_alphabetic_word("Zoë's"));
        assert!(!is_alphabetic_word("Zoë2"));
    }

    #[test]
    fn kazakh_is_told_from_russian() {
        let kk = "Қазақстан Президенті Қасым-Жомарт Тоқаев Астанада Израиль премьер-министрімен кездесті. Екі ел арасындағы ынтымақтастық туралы келіссөздер өтті.";
        let ru = "Президент Казахстана Касым-Жомарт Токаев провёл переговоры с премьер-министром Израиля в Астане. Стороны обсудили сотрудничество.";
        assert_eq!(identify_language(kk).0.as_deref(), Some("kaz"));
        assert_eq!(identify_language(ru).0.as_deref(), Some("rus"));
    }
}
