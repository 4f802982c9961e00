//! Canonical keys and names for entity mentions, and within-document linking.
//!
//! Two mentions of the same entity must get the same `entity_key` even when
//! they differ in case, hyphenation, diacritics or length ("Kassym-Jomart
//! Tokayev", "Tokayev"), so that tables can be joined on it. Keys are
//! `LABEL:folded name`; configured aliases map to their group's first name.

use std::collections::HashMap;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::Label;

/// Folds a name for comparison: NFKD with diacritics removed, lower case, and
/// every run of non-alphanumeric characters (hyphens, apostrophes, dots,
/// spaces) turned into one space. `"Kassym-Jomart  Tokayev"` → `"kassym jomart tokayev"`.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// The key of a name entity: `"PERSON:kassym jomart tokayev"`.
pub fn name_key(label: Label, name: &str) -> String {
    format!("{}:{}", label.as_str(), fold(name))
}

/// Configured aliases: folded alias → canonical display name (the first name
/// of its group). When a name occurs in several groups the first group wins.
#[derive(Debug, Clone, Default)]
pub struct Aliases {
    map: HashMap<String, String>,
}

impl Aliases {
    /// Builds the table from `[["Nur-Sultan", "Astana"], ...]`; empty groups are ignored.
    pub fn new(groups: &[Vec<String>]) -> Self {
        let mut map = HashMap::new();
        for group in groups {
            let Some(canonical) = group.first() else {
                continue;
            };
            for alias in group {
                let key = fold(alias);
                if !key.is_empty() {
                    map.entry(key).or_insert_with(|| canonical.clone());
                }
            }
        }
        Aliases { map }
    }

    /// The canonical display name for `name` (itself when it has no alias).
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        if self.map.is_empty() {
            return name;
        }
        self.map.get(&fold(name)).map_or(name, String::as_str)
    }
}

/// Full (multi-word) PERSON names of one document, used to resolve shorter
/// mentions such as a surname ("Tokayev") or a partial name ("Jomart
/// Tokayev") to the full name ("Kassym-Jomart Tokayev").
#[derive(Debug, Default)]
pub struct PersonIndex {
    /// (position in text, folded name, display name), in text order.
    names: Vec<(usize, String, String)>,
    /// Each shorter name a full one ends with (its words after a space of
    /// it) and the full names ending so, as indices into `names`, in text
    /// order. One look-up a mention: comparing each mention with every full
    /// name was quadratic (a 2 MB document naming people 100,000 times
    /// took a minute).
    by_tail: HashMap<String, Vec<u32>>,
}

impl PersonIndex {
    /// Records a full PERSON name mentioned at byte position `pos`. Names of
    /// a single word are ignored.
    pub fn add(&mut self, pos: usize, display: &str) {
        let folded = fold(display);
        if folded.contains(' ') {
            self.names.push((pos, folded, display.to_string()));
        }
    }

    /// Sorts the index by position and indexes the names by their tails;
    /// call once after all [`add`](Self::add)s.
    pub fn finish(&mut self) {
        self.names.sort();
        self.by_tail.clear();
        for (k, (_, full, _)) in self.names.iter().enumerate() {
            for (i, _) in full.match_indices(' ') {
                let tail = &full[i + 1..];
                if !tail.is_empty() {
                    self.by_tail
                        .entry(tail.to_string())
                        .or_default()
                        .push(k as u32);
                }
            }
        }
    }

    /// The longer name that ends with the words of `name`: the nearest one
    /// mentioned before `pos`, else the first one after it.
    pub fn resolve(&self, pos: usize, name: &str) -> Option<&str> {
        let folded = fold(name);
        let fulls = self.by_tail.get(folded.as_str())?;
        let first_after = fulls.partition_point(|&k| self.names[k as usize].0 <= pos);
        let k = if first_after > 0 {
            fulls[first_after - 1]
        } else {
            *fulls.first()?
        };
        Some(self.names[k as usize].2.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_hyphens_case_and_diacritics() {
        assert_eq!(fold("Kassym-Jomart Tokayev"), "kassym jomart tokayev");
        assert_eq!(fold("  Nur–Sultan. "), "nur sultan");
        assert_eq!(fold("Zoë Ñúñez"), "zoe nunez");
        assert_eq!(fold("O’Brien"), "o brien");
        assert_eq!(
            name_key(Label::Person, "Kassym-Jomart Tokayev"),
            "PERSON:kassym jomart tokayev"
        );
    }

    #[test]
    fn aliases_map_to_first() {
        let a = Aliases::new(&[
            vec!["Nur-Sultan".into(), "Astana".into()],
            vec![],
            vec!["Astana".into(), "Akmola".into()],
        ]);
        assert_eq!(a.canonical("Astana"), "Nur-Sultan");
        assert_eq!(a.canonical("nur sultan"), "Nur-Sultan");
        assert_eq!(a.canonical("Akmola"), "Astana");
        assert_eq!(a.canonical("Almaty"), "Almaty");
    }

    #[test]
    fn person_index_prefers_nearest_earlier() {
        let mut idx = PersonIndex::default();
        idx.add(50, "Liat Wexelman");
        idx.add(10, "Kassym-Jomart Tokayev");
        idx.add(90, "Anna Tokayev");
        idx.add(5, "Madonna");
        idx.finish();
        assert_eq!(idx.resolve(60, "Tokayev"), Some("Kassym-Jomart Tokayev"));
        assert_eq!(idx.resolve(95, "Tokayev"), Some("Anna Tokayev"));
        assert_eq!(idx.resolve(0, "Wexelman"), Some("Liat Wexelman"));
        assert_eq!(idx.resolve(0, "Madonna"), None);
        assert_eq!(idx.resolve(0, "Liat"), None);
        assert_eq!(
            idx.resolve(0, "Jomart Tokayev"),
            Some("Kassym-Jomart Tokayev")
        );
        assert_eq!(idx.resolve(0, "Kassym-Jomart Tokayev"), None);
        assert_eq!(idx.resolve(0, "xelman"), None);
    }

    /// What the index answers, found by comparing the mention with every
    /// full name, as it was before the index of tails.
    fn resolve_by_scan<'i>(idx: &'i PersonIndex, pos: usize, name: &str) -> Option<&'i str> {
        let folded = fold(name);
        if folded.is_empty() {
            return None;
        }
        let (mut before, mut after) = (None, None);
        for (p, full, display) in &idx.names {
            let tail = full.len() > folded.len()
                && full.ends_with(folded.as_str())
                && full.as_bytes()[full.len() - folded.len() - 1] == b' ';
            if tail && *p <= pos {
                before = Some(display.as_str());
            } else if tail && after.is_none() {
                after = Some(display.as_str());
            }
        }
        before.or(after)
    }

    proptest::proptest! {
        #[test]
        fn person_index_answers_as_a_scan(
            names in proptest::collection::vec((0usize..200, proptest::collection::vec(0usize..4, 1..4)), 0..30),
            queries in proptest::collection::vec((0usize..200, proptest::collection::vec(0usize..4, 0..4)), 1..30),
        ) {
            const WORDS: [&str; 4] = ["Anna", "Tokayev", "Jomart-Kassym", "ann"];
            let spell = |w: &[usize]| w.iter().map(|&k| WORDS[k]).collect::<Vec<_>>().join(" ");
            let mut idx = PersonIndex::default();
            for (pos, words) in &names {
                idx.add(*pos, &spell(words));
            }
            idx.finish();
            for (pos, words) in &queries {
                let name = spell(words);
                proptest::prop_assert_eq!(idx.resolve(*pos, &name), resolve_by_scan(&idx, *pos, &name));
            }
        }
    }
}
