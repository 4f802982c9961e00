//! Language runs of a mixed page: which name model tags which paragraphs.
//!
//! A page in one language often carries paragraphs in another: a Kazakh or
//! Russian news site quotes an English statement, an English page gives a
//! name in Cyrillic. The document's language (told from its first
//! kilobyte) picks one name model, and that model on a paragraph in
//! another script finds garbage ("Казахстана Касым-Жомарт Токаев" as one
//! person, from the English model). Telling the script of each paragraph is
//! one pass over its characters, so it costs next to nothing; only a
//! paragraph whose script is not the document model's is identified again
//! (by the caller's language id), and gets its own language's model, or
//! none when no model knows that language (a Ukrainian paragraph of an
//! English page is not tagged with the Russian model).

use std::ops::Range;

use super::ner::Language;

/// Letters a paragraph needs before its own script counts: shorter ones
/// (a date line, "рус | eng") stay with the document's model.
const MIN_LETTERS: usize = 20;

/// Which alphabet a text is (nearly all) written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
}

fn script_of(model: Language) -> Script {
    match model {
        Language::English => Script::Latin,
        Language::Russian | Language::Kazakh => Script::Cyrillic,
    }
}

/// The script of at least 90 % of `text`'s letters, when it has enough.
fn script(text: &str) -> Option<Script> {
    let (mut letters, mut latin, mut cyrillic) = (0usize, 0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        latin += c.is_ascii_alphabetic() as usize;
        cyrillic += ('\u{0400}'..='\u{04FF}').contains(&c) as usize;
    }
    if letters < MIN_LETTERS {
        None
    } else if latin * 10 >= letters * 9 {
        Some(Script::Latin)
    } else if cyrillic * 10 >= letters * 9 {
        Some(Script::Cyrillic)
    } else {
        None
    }
}

/// Byte ranges of `text` (covering it, in order) and the name model for
/// each. `model` is the document's; `identify` tells a paragraph's model
/// (`None`: no model for its language). A text in one script is one run
/// with `model`, without calling `identify`.
pub fn language_runs(
    text: &str,
    model: Option<Language>,
    identify: &dyn Fn(&str) -> Option<Language>,
) -> Vec<(Range<usize>, Option<Language>)> {
    let whole = vec![(0..text.len(), model)];
    let Some(main) = model else {
        // No model for the document's language: its other-script
        // paragraphs are too rare to be worth the look.
        return whole;
    };
    let mut runs: Vec<(Range<usize>, Option<Language>)> = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let end = start + line.len();
        let own = match script(line) {
            Some(s) if s != script_of(main) => identify(line),
            _ => Some(main),
        };
        match runs.last_mut() {
            Some(last) if last.1 == own => last.0.end = end,
            _ => runs.push((start..end, own)),
        }
        start = end;
    }
    if runs.len() <= 1 {
        return whole;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identify(text: &str) -> Option<Language> {
        if text.contains('ї') {
            None // Ukrainian
        } else if text.contains('қ') {
            Some(Language::Kazakh)
        } else if text.contains('ы') {
            Some(Language::Russian)
        } else {
            Some(Language::English)
        }
    }

    #[test]
    fn one_script_is_one_run_and_each_other_script_paragraph_gets_its_model() {
        let en = "Kassym-Jomart Tokayev met the Prime Minister of Israel in Astana.\n";
        let ru = "Касым-Жомарт Токаев провёл переговоры с премьер-министром Израиля.\n";
        let kk = "Қасым-Жомарт Тоқаев Астанада Израиль премьер-министрімен кездесті.\n";
        let uk = "Президент України провів переговори з прем'єр-міністром Ізраїлю.\n";
        let short = "рус | eng\n";
        let never = |_: &str| -> Option<Language> { panic!("one script needs no language id") };
        let text = format!("{short}{en}{en}");
        assert_eq!(
            language_runs(&text, Some(Language::English), &never),
            vec![(0..text.len(), Some(Language::English))]
        );
        let text = format!("{short}{en}{ru}{ru}{kk}{uk}{en}");
        let runs = language_runs(&text, Some(Language::English), &identify);
        let cut = |n: usize| [short, en, ru, ru, kk, uk, en][..n].concat().len();
        assert_eq!(
            runs,
            vec![
                (0..cut(2), Some(Language::English)),
                (cut(2)..cut(4), Some(Language::Russian)),
                (cut(4)..cut(5), Some(Language::Kazakh)),
                (cut(5)..cut(6), None),
                (cut(6)..cut(7), Some(Language::English)),
            ]
        );
        // A document with no model stays untagged whatever its paragraphs.
        assert_eq!(
            language_runs(&text, None, &identify),
            vec![(0..text.len(), None)]
        );
    }
}
