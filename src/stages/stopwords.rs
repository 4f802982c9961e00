//! Small stop-word lists for the main languages of gleaner's inputs.
//!
//! Function words are what prose is made of and menus are not, so their
//! share tells article text from boilerplate (the line classifier) and
//! natural language from lists and code (the quality signal).

use std::collections::HashSet;
use std::sync::OnceLock;

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

/// [`is_stop_word`] for a word in any case; lower-cases only words that
/// have a capital, so the common case allocates nothing.
pub fn is_stop_word_any_case(word: &str) -> bool {
    if word.chars().any(char::is_uppercase) {
        is_stop_word(&word.to_lowercase())
    } else {
        is_stop_word(word)
    }
}

/// Whether a lower-case word is a stop word of English, Portuguese, Spanish,
/// French, German, Russian or Indonesian.
pub fn is_stop_word(lower: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOP_WORDS.split_whitespace().collect())
        .contains(lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_function_words_of_several_languages() {
        for w in ["the", "não", "und", "что", "yang"] {
            assert!(is_stop_word(w), "{w}");
        }
        assert!(!is_stop_word("kazakhstan") && !is_stop_word("The"));
        assert!(is_stop_word_any_case("The") && is_stop_word_any_case("ЧТО"));
        assert!(!is_stop_word_any_case("Kazakhstan"));
    }
}
