//! Corpus-wide spelling variants: which entity keys name the same entity.
//!
//! Within a document the tagger links "Tokayev" to "Kassym-Jomart Tokayev".
//! Across documents the same person is spelled "Kasymzhomart Tokayev",
//! "Kassym-Jomart Tokayev" or "Jomart Tokayev", depending on the outlet's
//! transliteration. Every entity key gets a canonical key here, written to
//! `entities.parquet`, so users can group by person rather than by spelling.
//!
//! Two keys join when their *skeletons* are equal: folded names with common
//! transliteration differences removed (zh/j, kh/k, y/i, -ayev/-aev, doubled letters,
//! hyphens and spaces inside given names). A PERSON key also joins a fuller
//! name with the same surname skeleton whose given names contain its own
//! ("Jomart Tokayev" ⊂ "Kassym-Jomart Tokayev"; an initial matches a name),
//! but only when exactly one such person exists, so "J. Smith" never merges
//! "John Smith" and "Jane Smith". Different spellings that are not variants
//! ("Nur-Sultan", "Astana") stay apart unless configured as aliases.
//!
//! Cyrillic names are transliterated before their skeleton is taken (a
//! BGN/PCGN-style table, Kazakh letters folded to their nearest Russian
//! ones), so "Токаев", "Тоқаев" and "Tokayev" share one. A Cyrillic place
//! or organisation name in a case form ("Астанада", "Астане", "Газпрома",
//! "Большого театра") joins the one group whose name it is with Russian
//! or Kazakh case endings taken off (or the endings they replaced put
//! back), and only when exactly one group fits. A person's full name
//! joins when every word is declined ("Владимира Путина", "Марии
//! Шараповой") or, in a Kazakh document, when its last word carries a
//! Kazakh case ending ("Қасым-Жомарт Тоқаевтың"). A lone surname is not
//! stemmed: "Иванова" is another person than "Иванов" as often as it is
//! his genitive, and it joins through the full names it is part of.

use std::collections::BTreeMap;

use super::canonical::fold;

/// One entity key with what the linker needs to know about it.
#[derive(Debug, Clone, Copy)]
pub struct Variant<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub name: &'a str,
    pub n_mentions: u32,
    /// The language of the document of its first mention.
    pub lang: Option<&'a str>,
}

/// A folded (lower-case, diacritics removed) word in Latin letters:
/// Cyrillic transliterated, anything else kept.
fn latin(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        out.push_str(match c {
            'а' | 'ә' => "a",
            'б' => "b",
            'в' => "v",
            'г' | 'ғ' | 'ґ' => "g",
            'д' => "d",
            'е' | 'э' => "e",
            'є' => "ye",
            'ж' => "zh",
            'з' => "z",
            // `й` folds to `и`; `і` is Kazakh and Ukrainian.
            'и' | 'і' | 'ї' => "i",
            'к' | 'қ' => "k",
            'л' => "l",
            'м' => "m",
            'н' | 'ң' => "n",
            'о' | 'ө' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' | 'ұ' | 'ү' => "u",
            'ф' => "f",
            'х' => "kh",
            'һ' => "h",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            _ => {
                out.push(c);
                continue;
            }
        });
    }
    out
}

fn is_cyrillic(name: &str) -> bool {
    name.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

/// Kazakh case and possessive endings (folded), longest first: the
/// locative-attributive, genitive, ablative, instrumental, dative,
/// locative and accusative a Kazakh name takes on its last word
/// ("Астанада", "Тоқаевтың", "Назарбаевқа").
const KAZAKH_CASE_ENDINGS: [&str; 37] = [
    "дағы", "дегі", "тағы", "тегі", "ның", "нің", "дың", "дің", "тың", "тің", "нан", "нен", "дан",
    "ден", "тан", "тен", "мен", "бен", "пен", "ға", "ге", "қа", "ке", "на", "не", "да", "де", "та",
    "те", "ны", "ні", "ды", "ді", "ты", "ті", "ын", "ін",
];

/// Russian noun endings (folded: `й` is `и` after [`fold`]) and the base
/// form endings they may stand for (every ending that fits is tried):
/// "Газпрома" → "Газпром", "Москвой" → "Москва", "Россией" → "Россия", "Израиля" → "Израиль"
/// (the soft sign is no letter of the skeleton), "Кремлем" → "Кремль",
/// "Министерства" → "Министерство".
const RUSSIAN_NOUN_ENDINGS: [(&str, &[&str]); 21] = [
    // Nouns in -ай (folded -аи): "Китая", "Китаем", "Китае", "Китаю".
    ("аем", &["аи"]),
    ("ая", &["аи"]),
    ("ае", &["аи"]),
    ("аю", &["аи"]),
    ("ого", &[""]),
    ("ому", &[""]),
    ("еи", &["я"]),
    ("ои", &["а", ""]),
    ("ою", &["а"]),
    ("ею", &["я"]),
    ("ом", &["", "о"]),
    ("ем", &["ь"]),
    ("ым", &[""]),
    ("ам", &[""]),
    ("а", &["", "о"]),
    ("у", &["", "а", "о"]),
    ("е", &["", "а", "я", "о"]),
    ("ы", &["", "а"]),
    ("и", &["", "а", "я"]),
    ("ю", &["я", "ь"]),
    ("я", &["ь"]),
];

/// Russian adjective endings (folded) and the nominative endings they may
/// stand for: "Большого театра" → "Большой театр", "Южной Кореи" →
/// "Южная Корея".
const RUSSIAN_ADJECTIVE_ENDINGS: [(&str, &[&str]); 8] = [
    ("ого", &["ои", "ыи", "ии"]),
    ("ому", &["ои", "ыи", "ии"]),
    ("ым", &["ыи"]),
    ("им", &["ии"]),
    ("ом", &["ои", "ыи", "ии"]),
    ("ои", &["ая"]),
    ("ую", &["ая"]),
    ("ых", &["ые"]),
];

/// Russian endings of a person's given name, patronymic or surname
/// (folded) and the nominative endings they may stand for, both genders:
/// "Владимира Путина", "Владимиром Путиным", "Андрея", "Игорем",
/// "Дмитрия", "Вертинского", "Никиты", "Марии Шараповой".
const RUSSIAN_NAME_ENDINGS: [(&str, &[&str]); 14] = [
    ("ого", &["ии", "ои", "ыи"]),
    ("ому", &["ии", "ои", "ыи"]),
    ("ским", &["скии"]),
    ("ым", &[""]),
    ("ом", &[""]),
    ("ем", &["", "и", "ь"]),
    ("ои", &["а"]),
    ("а", &[""]),
    ("у", &["", "а"]),
    ("е", &["", "и", "ь", "а"]),
    ("ы", &["а"]),
    ("и", &["а", "я"]),
    ("я", &["и", "ь"]),
    ("ю", &["и", "ь", "я"]),
];

/// Male given names (folded) whose genitive and dative are a female name
/// in the nominative and accusative: "Александра Иванова" is Alexander
/// Ivanov's genitive as often as it is Alexandra Ivanova. Their forms in
/// -а, -я, -у, -ю never join.
const GIVEN_NAMES_OF_BOTH: [&str; 30] = [
    "александр",
    "евгении",
    "валентин",
    "ярослав",
    "станислав",
    "владислав",
    "мирослав",
    "святослав",
    "вячеслав",
    "богдан",
    "ян",
    "мартин",
    "юлиан",
    "даниэл",
    "августин",
    "антонин",
    "руслан",
    "милан",
    "ренат",
    "алан",
    "эрик",
    "камил",
    "карим",
    "амир",
    "самир",
    "азиз",
    "малик",
    "фарид",
    "рашид",
    "динар",
];

/// Forms `word` may be a case form of, by `endings`: each ending taken
/// off and each of its base endings put on, leaving a stem of at least
/// three letters.
fn replace_endings(word: &str, endings: &[(&str, &[&str])]) -> Vec<String> {
    let mut out = Vec::new();
    for (ending, bases) in endings {
        if let Some(stem) = word.strip_suffix(ending) {
            if stem.chars().count() >= 3 {
                // A soft sign follows a consonant only: "Израиля" is
                // "Израиль", "Россия" no case form of "Россиь" (which
                // would be the skeleton of "России").
                let vowel_stem = stem.ends_with(['а', 'е', 'и', 'о', 'у', 'ы', 'э', 'ю', 'я']);
                out.extend(
                    bases
                        .iter()
                        .filter(|b| !(vowel_stem && **b == "ь"))
                        .map(|b| format!("{stem}{b}")),
                );
            }
        }
    }
    out
}

/// The base forms a folded Cyrillic word of a place or organisation may
/// be a case form of.
fn base_forms(word: &str) -> Vec<String> {
    let mut out = replace_endings(word, &RUSSIAN_NOUN_ENDINGS);
    out.extend(replace_endings(word, &RUSSIAN_ADJECTIVE_ENDINGS));
    for ending in KAZAKH_CASE_ENDINGS {
        if let Some(stem) = word.strip_suffix(ending) {
            if stem.chars().count() >= 3 {
                out.push(stem.to_string());
            }
        }
    }
    out
}

/// The nominatives a folded word of a Russian person name may be a case
/// form of; none for the forms of [`GIVEN_NAMES_OF_BOTH`] that are also a
/// woman's name.
fn name_base_forms(word: &str) -> Vec<String> {
    let mut out = replace_endings(word, &RUSSIAN_NAME_ENDINGS);
    let ambiguous = ["а", "я", "у", "ю"].iter().any(|e| {
        word.strip_suffix(e).is_some_and(|stem| {
            GIVEN_NAMES_OF_BOTH.contains(&stem)
                || GIVEN_NAMES_OF_BOTH.contains(&format!("{stem}и").as_str())
        })
    });
    if ambiguous {
        out.clear();
    }
    out
}

/// Whether a word of a Russian name ends as names that do not decline do
/// ("Порошенко", "Шойгу", "Мураками", "Черных", the "Уго" of "Уго
/// Чавеса").
fn indeclinable(word: &str) -> bool {
    word.ends_with(['о', 'и', 'у', 'э']) || word.ends_with("ых") || word.ends_with("их")
}

/// The names a Cyrillic `variant` may be a case form of, folded, each as
/// its words: one list of choices per word of the name, whose every
/// combination but the name itself is a candidate.
fn case_form_choices(v: &Variant) -> Option<Vec<Vec<String>>> {
    if !is_cyrillic(v.name) {
        return None;
    }
    // Words as written: a hyphenated name declines at its end
    // ("Касым-Жомарта").
    let words: Vec<String> = v.name.split_whitespace().map(fold).collect();
    let last = words.len().checked_sub(1)?;
    let choices: Vec<Vec<String>> = match v.label {
        "LOCATION" | "ORG" => words
            .iter()
            .map(|w| std::iter::once(w.clone()).chain(base_forms(w)).collect())
            .collect(),
        // Kazakh declines a name at its end only ("Қасым-Жомарт
        // Тоқаевтың"), with endings a Russian name never has.
        "PERSON" if v.lang == Some("kaz") => {
            let mut choices: Vec<Vec<String>> = words.iter().map(|w| vec![w.clone()]).collect();
            for ending in KAZAKH_CASE_ENDINGS {
                if let Some(stem) = words[last].strip_suffix(ending) {
                    if stem.chars().count() >= 3 {
                        choices[last].push(stem.to_string());
                    }
                }
            }
            choices
        }
        // Russian declines every word of a full name; a single surname
        // ("Иванова": his genitive or her name) is left to the full names
        // it is part of.
        "PERSON" if last > 0 => words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                let mut forms = name_base_forms(w);
                // An initial or an indeclinable word stays as it is; a
                // given name in -и is rather a declined -ия ("Марии").
                if w.chars().count() == 1 || indeclinable(w) && (i == last || !w.ends_with('и')) {
                    forms.push(w.clone());
                }
                forms
            })
            .collect(),
        _ => return None,
    };
    let combinations = choices.iter().map(Vec::len).product::<usize>();
    (1..=MAX_CASE_FORM_CANDIDATES)
        .contains(&combinations)
        .then_some(choices)
}

/// Most candidate base names tried for one variant: a four-word name with
/// several readings of each word stays well under it.
const MAX_CASE_FORM_CANDIDATES: usize = 512;

/// Every combination of `choices`, one word from each, as a folded name.
fn combinations(choices: &[Vec<String>]) -> Vec<String> {
    let mut names = vec![String::new()];
    for words in choices {
        names = names
            .iter()
            .flat_map(|name| {
                words.iter().map(move |w| {
                    if name.is_empty() {
                        w.clone()
                    } else {
                        format!("{name} {w}")
                    }
                })
            })
            .collect();
    }
    names
}

/// Spelling of one folded word with transliteration differences removed.
fn skeleton(word: &str) -> String {
    let mut s = latin(word);
    for (from, to) in [
        // -ayev / -aev, -oyev / -oev: a glide between vowels.
        ("aye", "ae"),
        ("oye", "oe"),
        ("uye", "ue"),
        ("dzh", "j"),
        ("zh", "j"),
        ("dj", "j"),
        ("kh", "k"),
        ("ph", "f"),
        ("ck", "k"),
        ("q", "k"),
        ("c", "k"),
        ("w", "v"),
        ("ou", "u"),
        ("y", "i"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// The key two spellings of one entity share: a person's given names and
/// surname as [`PersonName::whole`], an acronym its letters transliterated,
/// any other name word by word.
fn skeleton_key(label: &str, name: &str) -> String {
    if label == "PERSON" {
        if let Some(p) = PersonName::of(name) {
            return p.whole();
        }
    }
    if is_acronym(name) {
        return latin(&fold(name));
    }
    fold(name)
        .split(' ')
        .map(skeleton)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether `name` is an acronym: one word of two to six capitals. Its
/// letters are not a spelling to normalize: a doubled one is another
/// acronym ("ЕЭС" is not "ЕС", "ВВС" not "ВС", "СССР" not "ССР").
fn is_acronym(name: &str) -> bool {
    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
    (2..=6).contains(&letters)
        && !name.contains(char::is_whitespace)
        && name.chars().all(|c| !c.is_lowercase())
}

/// Given names and surname of a person, as skeletons.
struct PersonName {
    given: Vec<String>,
    surname: String,
}

impl PersonName {
    fn of(name: &str) -> Option<PersonName> {
        let mut words: Vec<String> = fold(name).split(' ').map(skeleton).collect();
        let surname = words.pop().filter(|s| !s.is_empty())?;
        Some(PersonName {
            given: words,
            surname,
        })
    }

    fn whole(&self) -> String {
        self.given.concat() + " " + &self.surname
    }

    /// Whether `self`'s given names are found, in order, in `fuller`'s: each
    /// is one of its given names, several run together ("kasimjomart"), or
    /// an initial.
    fn within(&self, fuller: &PersonName) -> bool {
        if self.given.is_empty() || self.given.concat() == fuller.given.concat() {
            return true;
        }
        let mut k = 0;
        for part in &self.given {
            let found = (k..fuller.given.len()).find_map(|start| {
                if part.chars().count() == 1 {
                    return fuller.given[start]
                        .starts_with(part.as_str())
                        .then_some(start + 1);
                }
                let mut joined = String::new();
                for (end, g) in fuller.given.iter().enumerate().skip(start) {
                    joined.push_str(g);
                    if joined == *part {
                        return Some(end + 1);
                    }
                    if !part.starts_with(&joined) {
                        break;
                    }
                }
                None
            });
            match found {
                Some(next) => k = next,
                None => return false,
            }
        }
        true
    }
}

/// The canonical variant (an index into `variants`) of every variant.
pub fn canonical_of(variants: &[Variant]) -> Vec<usize> {
    let mut parent: Vec<usize> = (0..variants.len()).collect();
    // Equal skeletons, any label: "Kazakstan" = "Kazakhstan".
    let mut by_skeleton: BTreeMap<(&str, String), Vec<usize>> = BTreeMap::new();
    let persons: Vec<Option<PersonName>> = variants
        .iter()
        .map(|v| {
            if v.label == "PERSON" {
                PersonName::of(v.name)
            } else {
                None
            }
        })
        .collect();
    for (i, v) in variants.iter().enumerate() {
        by_skeleton
            .entry((v.label, skeleton_key(v.label, v.name)))
            .or_default()
            .push(i);
    }
    for group in by_skeleton.values() {
        for &i in &group[1..] {
            union(&mut parent, group[0], i);
        }
    }
    // Cyrillic names in a case form, into the one group of their base
    // form. Each round judges every fit against the groups as the round
    // before left them, so the order of the variants does not matter; a
    // later round settles what an earlier one could not ("Россию" fits
    // "Россия" and "России" until "России" has joined "Россия").
    let mut inflected = vec![false; variants.len()];
    let candidates: Vec<Vec<String>> = variants
        .iter()
        .map(|v| {
            let Some(choices) = case_form_choices(v) else {
                return Vec::new();
            };
            let folded = fold(v.name);
            let mut keys: Vec<String> = combinations(&choices)
                .into_iter()
                .filter(|name| *name != folded)
                .map(|name| skeleton_key(v.label, &name))
                .collect();
            keys.sort_unstable();
            keys.dedup();
            keys
        })
        .collect();
    loop {
        let mut joins = Vec::new();
        for (i, v) in variants.iter().enumerate() {
            if inflected[i] || candidates[i].is_empty() {
                continue;
            }
            let own = find(&mut parent, i);
            let mut fits: Vec<usize> = Vec::new();
            for key in &candidates[i] {
                if let Some(group) = by_skeleton.get(&(v.label, key.clone())) {
                    let root = find(&mut parent, group[0]);
                    if root != own {
                        fits.push(root);
                    }
                }
            }
            fits.sort_unstable();
            fits.dedup();
            if let [only] = fits[..] {
                joins.push((only, i));
            }
        }
        if joins.is_empty() {
            break;
        }
        for (base, i) in joins {
            union(&mut parent, base, i);
            inflected[i] = true;
        }
    }
    // Shorter person names into the one fuller name they fit.
    let mut by_surname: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in persons.iter().enumerate() {
        if let Some(p) = p {
            by_surname.entry(p.surname.as_str()).or_default().push(i);
        }
    }
    for group in by_surname.values() {
        let given_len = |i: usize| persons[i].as_ref().map_or(0, |p| p.given.concat().len());
        let mut order = group.clone();
        order.sort_by_key(|&i| (std::cmp::Reverse(given_len(i)), variants[i].key));
        for (n, &i) in order.iter().enumerate() {
            let me = persons[i].as_ref().expect("grouped persons have names");
            let mut fits: Vec<usize> = order[..n]
                .iter()
                .filter(|&&j| given_len(j) > given_len(i))
                .filter(|&&j| me.within(persons[j].as_ref().expect("person")))
                .map(|&j| find(&mut parent, j))
                .collect();
            fits.sort_unstable();
            fits.dedup();
            if let [only] = fits[..] {
                union(&mut parent, only, i);
            }
        }
    }
    // The representative: a base form before a case form, then most
    // mentions, then the longest name, then the key.
    let mut best: BTreeMap<usize, usize> = BTreeMap::new();
    for i in 0..variants.len() {
        let root = find(&mut parent, i);
        let rank = |k: usize| {
            let v = &variants[k];
            (
                !inflected[k],
                v.n_mentions,
                v.name.len(),
                std::cmp::Reverse(v.key),
            )
        };
        let e = best.entry(root).or_insert(i);
        if rank(i) > rank(*e) {
            *e = i;
        }
    }
    (0..variants.len())
        .map(|i| best[&find(&mut parent, i)])
        .collect()
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// Joins two sets; the smaller root wins, so the result does not depend on
/// the order of unions.
fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    let (lo, hi) = (ra.min(rb), ra.max(rb));
    parent[hi] = lo;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The canonical name of each `(label, name, n_mentions, lang)`.
    fn canon_with(names: &[(&str, &str, u32, Option<&str>)]) -> Vec<String> {
        let keys: Vec<String> = names
            .iter()
            .map(|(l, n, _, _)| format!("{l}:{}", fold(n)))
            .collect();
        let variants: Vec<Variant> = names
            .iter()
            .zip(&keys)
            .map(|(&(label, name, n_mentions, lang), key)| Variant {
                key,
                label,
                name,
                n_mentions,
                lang,
            })
            .collect();
        canonical_of(&variants)
            .into_iter()
            .map(|i| variants[i].name.to_string())
            .collect()
    }

    /// [`canon_with`] of `(label, name, n_mentions)`, language unknown.
    fn canon(names: &[(&str, &str, u32)]) -> Vec<String> {
        let names: Vec<_> = names.iter().map(|&(l, n, m)| (l, n, m, None)).collect();
        canon_with(&names)
    }

    #[test]
    fn transliterations_and_partial_names_join() {
        let got = canon(&[
            ("PERSON", "Kassym-Jomart Tokayev", 5),
            ("PERSON", "Kasymzhomart Tokayev", 2),
            ("PERSON", "Jomart Tokayev", 1),
            ("PERSON", "Tokayev", 3),
            ("PERSON", "K. Tokaev", 1),
            ("LOCATION", "Nur-Sultan", 2),
            ("LOCATION", "Astana", 4),
            ("LOCATION", "Kazakhstan", 9),
            ("LOCATION", "Kazakstan", 1),
        ]);
        let full = "Kassym-Jomart Tokayev";
        assert_eq!(&got[..5], [full, full, full, full, full]);
        assert_eq!(&got[5..7], ["Nur-Sultan", "Astana"]);
        assert_eq!(&got[7..], ["Kazakhstan", "Kazakhstan"]);
        // A tail of a given name is no match ("Art" in "Jomart"), and with a
        // second Tokayev around the bare surname is ambiguous.
        let got = canon(&[
            ("PERSON", "Kassym-Jomart Tokayev", 5),
            ("PERSON", "Art Tokayev", 1),
            ("PERSON", "Tokayev", 3),
        ]);
        assert_eq!(got, [full, "Art Tokayev", "Tokayev"]);
    }

    #[test]
    fn cyrillic_and_latin_spellings_join_and_case_forms_find_their_base() {
        let full = "Kassym-Jomart Tokayev";
        let got = canon(&[
            ("PERSON", full, 5),
            ("PERSON", "Касым-Жомарт Токаев", 2),
            ("PERSON", "Қасым-Жомарт Тоқаев", 1),
            ("PERSON", "Токаев", 3),
            ("PERSON", "Tokayev", 1),
            ("LOCATION", "Astana", 4),
            ("LOCATION", "Астана", 2),
            ("LOCATION", "Астанада", 1),
            ("LOCATION", "Астане", 1),
            ("LOCATION", "Kazakhstan", 9),
            ("LOCATION", "Қазақстан", 2),
            ("LOCATION", "Казахстана", 1),
            ("ORG", "Газпром", 2),
            ("ORG", "Газпрома", 1),
        ]);
        assert_eq!(&got[..5], [full; 5]);
        assert_eq!(&got[5..9], ["Astana"; 4]);
        assert_eq!(&got[9..12], ["Kazakhstan"; 3]);
        assert_eq!(&got[12..], ["Газпром"; 2]);
        // A case form that fits two bases ("Бора": "Бор" or "Боро"?)
        // and a lone surname stay apart; the base form names the group.
        let got = canon(&[
            ("LOCATION", "Бора", 1),
            ("LOCATION", "Бор", 1),
            ("LOCATION", "Боро", 1),
            ("PERSON", "Иванов", 2),
            ("PERSON", "Иванова", 1),
        ]);
        assert_eq!(got, ["Бора", "Бор", "Боро", "Иванов", "Иванова"]);
    }

    /// [`canon_with`] of `(label, name, lang)`, one mention each.
    fn canon_in(names: &[(&str, &str, &str)]) -> Vec<String> {
        let names: Vec<_> = names.iter().map(|&(l, n, g)| (l, n, 1, Some(g))).collect();
        canon_with(&names)
    }

    /// Checks that the names of each group, all of `label` in documents of
    /// `lang`, join the group's first name, and no other.
    fn assert_groups(label: &str, lang: &str, groups: &[&[&str]]) {
        let names: Vec<(&str, &str, &str)> = groups
            .iter()
            .flat_map(|g| g.iter().map(|n| (label, *n, lang)))
            .collect();
        let want: Vec<&str> = groups.iter().flat_map(|g| vec![g[0]; g.len()]).collect();
        assert_eq!(canon_in(&names), want);
    }

    #[test]
    fn declined_names_join_their_nominative() {
        assert_groups(
            "LOCATION",
            "rus",
            &[
                &["Россия", "России", "Россию", "Россией"],
                &["Москва", "Москвой"],
                &["Израиль", "Израиля"],
                &["Китай", "Китаем"],
                &["Южная Корея", "Южной Кореи"],
            ],
        );
        assert_groups(
            "ORG",
            "rus",
            &[
                &["Большой театр", "Большого театра"],
                &["Министерство финансов", "Министерства финансов"],
            ],
        );
        assert_groups(
            "PERSON",
            "rus",
            &[
                &[
                    "Владимир Путин",
                    "Владимира Путина",
                    "Владимиром Путиным",
                    "Владимиру Путину",
                    "Путина",
                    "Путиным",
                ],
                &["Дмитрий Медведев", "Дмитрия Медведева"],
                &["Мария Шарапова", "Марии Шараповой"],
                &["Петр Порошенко", "Петра Порошенко"],
                &["Уго Чавес", "Уго Чавеса"],
            ],
        );
        // Kazakh declines the last word of a name only.
        assert_groups(
            "PERSON",
            "kaz",
            &[&[
                "Қасым-Жомарт Тоқаев",
                "Қасым-Жомарт Тоқаевтың",
                "Қасым-Жомарт Тоқаевқа",
                "Тоқаевтың",
            ]],
        );
    }

    #[test]
    fn forms_that_may_be_another_persons_name_stay_apart() {
        // Alexander Ivanov's genitive and dative are also Alexandra
        // Ivanova and her accusative (and so for Ruslan Aliev); a Russian
        // name whose given name is in the nominative is no case form;
        // Kazakh endings come off the names of Kazakh documents only.
        let apart: [&[&str]; 9] = [
            &["Александр Иванов"],
            &["Александра Иванова"],
            &["Александру Иванову"],
            &["Руслана Алиева"],
            &["Руслан Алиев"],
            &["Олег Ивановна"],
            &["Олег Иванов"],
            &["Али Алиев"],
            &["Али Алиевтің"],
        ];
        assert_groups("PERSON", "rus", &apart);
    }

    #[test]
    fn acronyms_keep_their_doubled_letters() {
        let got = canon(&[
            ("ORG", "ЕС", 3),
            ("ORG", "ЕЭС", 1),
            ("ORG", "ВВС", 2),
            ("ORG", "ВС", 1),
            ("LOCATION", "СССР", 4),
            ("LOCATION", "ССР", 1),
            ("ORG", "NATO", 2),
            ("ORG", "НАТО", 1),
            ("ORG", "Nato", 1),
        ]);
        assert_eq!(
            got,
            ["ЕС", "ЕЭС", "ВВС", "ВС", "СССР", "ССР", "NATO", "NATO", "NATO"]
        );
    }

    #[test]
    fn ambiguous_short_names_stay_apart() {
        let got = canon(&[
            ("PERSON", "John Smith", 3),
            ("PERSON", "Jane Smith", 2),
            ("PERSON", "J. Smith", 1),
            ("PERSON", "Smith", 4),
            ("ORG", "Smith", 1),
        ]);
        assert_eq!(
            got,
            ["John Smith", "Jane Smith", "J. Smith", "Smith", "Smith"]
        );
    }

    #[test]
    fn representative_does_not_depend_on_input_order() {
        let a = canon(&[
            ("PERSON", "Jomart Tokayev", 2),
            ("PERSON", "Kassym-Jomart Tokayev", 2),
        ]);
        let b = canon(&[
            ("PERSON", "Kassym-Jomart Tokayev", 2),
            ("PERSON", "Jomart Tokayev", 2),
        ]);
        assert_eq!(a, ["Kassym-Jomart Tokayev"; 2]);
        assert_eq!(a, b);
    }
}
