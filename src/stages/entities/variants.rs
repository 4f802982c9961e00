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
//! or organisation name in a case form ("Астанада", "Астане", "Газпрома")
//! joins the one group whose name it is with a Russian or Kazakh case
//! ending taken off (or the final vowel it replaced put back), and only
//! when exactly one group fits. Person names are not stemmed: "Иванова" is
//! another person than "Иванов" as often as it is his genitive.

use std::collections::BTreeMap;

use super::canonical::fold;

/// One entity key with what the linker needs to know about it.
#[derive(Debug, Clone, Copy)]
pub struct Variant<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub name: &'a str,
    pub n_mentions: u32,
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

/// Russian and Kazakh case endings (folded), longest first within each
/// language: what a declined name may carry after its base form.
const CASE_ENDINGS: [&str; 44] = [
    // Kazakh: locative-attributive, genitive, ablative, instrumental,
    // dative, locative, accusative, possessive.
    "дағы", "дегі", "тағы", "тегі", "ның", "нің", "дың", "дің", "тың", "тің", "нан", "нен", "дан",
    "ден", "тан", "тен", "мен", "бен", "пен", "ға", "ге", "қа", "ке", "на", "не", "да", "де", "та",
    "те", "ны", "ні", "ды", "ді", "ты", "ті", "ын", "ін",
    // Russian: genitive, dative, instrumental, prepositional.
    "ого", "ому", "ой", "ом", "ым", "ам", "у",
];
/// Single letters a Russian case form has in place of (or after) the base
/// form's final vowel: "Астане", "Москвы", "Казахстана".
const CASE_VOWELS: [char; 6] = ['а', 'е', 'у', 'ы', 'и', 'ю'];

/// The base forms a folded Cyrillic word may be a case form of: an ending
/// taken off, or a final letter swapped for the vowel it replaced.
fn base_forms(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars = word.chars().count();
    for ending in CASE_ENDINGS {
        if let Some(stem) = word.strip_suffix(ending) {
            if stem.chars().count() >= 3 {
                out.push(stem.to_string());
            }
        }
    }
    if chars > 3 && word.ends_with(CASE_VOWELS) {
        let stem: String = word.chars().take(chars - 1).collect();
        out.push(stem.clone());
        out.push(stem.clone() + "а");
        out.push(stem + "я");
    }
    out
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
        let skel = match &persons[i] {
            Some(p) => p.whole(),
            None => fold(v.name)
                .split(' ')
                .map(skeleton)
                .collect::<Vec<_>>()
                .join(" "),
        };
        by_skeleton.entry((v.label, skel)).or_default().push(i);
    }
    for group in by_skeleton.values() {
        for &i in &group[1..] {
            union(&mut parent, group[0], i);
        }
    }
    // Cyrillic places and organisations in a case form, into the one group
    // of their base form: every fit is judged against the groups of equal
    // skeletons, before any case form joins, so the order does not matter.
    let mut inflected = vec![false; variants.len()];
    let mut joins = Vec::new();
    for (i, v) in variants.iter().enumerate() {
        if !matches!(v.label, "LOCATION" | "ORG") || !is_cyrillic(v.name) {
            continue;
        }
        let folded = fold(v.name);
        let (head, last) = folded.rsplit_once(' ').unwrap_or(("", &folded));
        let own = find(&mut parent, i);
        let mut fits: Vec<usize> = Vec::new();
        for base in base_forms(last) {
            let name = if head.is_empty() {
                base
            } else {
                format!("{head} {base}")
            };
            let skel = name.split(' ').map(skeleton).collect::<Vec<_>>().join(" ");
            if let Some(group) = by_skeleton.get(&(v.label, skel)) {
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
    for (base, i) in joins {
        union(&mut parent, base, i);
        inflected[i] = true;
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

    fn canon(names: &[(&str, &str, u32)]) -> Vec<String> {
        let keys: Vec<String> = names
            .iter()
            .map(|(l, n, _)| format!("{l}:{}", fold(n)))
            .collect();
        let variants: Vec<Variant> = names
            .iter()
            .zip(&keys)
            .map(|(&(label, name, n_mentions), key)| Variant {
                key,
                label,
                name,
                n_mentions,
            })
            .collect();
        canonical_of(&variants)
            .into_iter()
            .map(|i| variants[i].name.to_string())
            .collect()
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
        // A case form that fits two bases ("Уралы": "Урал" or "Урала"?)
        // and person names stay apart; the base form names the group.
        let got = canon(&[
            ("LOCATION", "Уралы", 1),
            ("LOCATION", "Урал", 1),
            ("LOCATION", "Урала", 1),
            ("PERSON", "Иванов", 2),
            ("PERSON", "Иванова", 1),
        ]);
        assert_eq!(got, ["Уралы", "Урал", "Урал", "Иванов", "Иванова"]);
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
