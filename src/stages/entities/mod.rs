//! Entity stage: find who, what, where and when a cleaned news text talks about.
//!
//! Downstream tables join articles on the people, organisations, places and
//! dates they mention, so every document gets a list of [`Mention`]s with a
//! stable `entity_key` that is equal for equal entities. Everything runs
//! offline and deterministically: [`patterns`] finds DATE/MONEY/PERCENT/URL/
//! EMAIL with regexes, [`ner`] is the trained name recognizer built into the
//! binary, [`tagger`] combines them, cuts titles off and links short mentions
//! ("Tokayev") to full names within a document ([`canonical`]), and
//! [`variants`] joins spelling variants across the corpus for
//! `entities.parquet`.

pub mod canonical;
mod lexicon;
pub mod ner;
pub mod patterns;
pub mod runs;
pub mod tagger;
pub mod variants;

pub use tagger::{has_name_model, name_model, EntityTagger, NAME_MODEL_LANGUAGES};

/// Settings of the entity stage (from `[entities]` in pipeline.toml).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EntityConfig {
    /// find PERSON/ORG/LOCATION/MISC names
    pub names: bool,
    /// find DATE/MONEY/PERCENT/URL/EMAIL by pattern
    pub patterns: bool,
    /// names that are the same entity, e.g. `[["Nur-Sultan", "Astana"]]`: first is canonical
    pub aliases: Vec<Vec<String>>,
}

impl Default for EntityConfig {
    fn default() -> Self {
        EntityConfig {
            names: true,
            patterns: true,
            aliases: Vec::new(),
        }
    }
}

/// Kind of an entity mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    /// A person ("Kassym-Jomart Tokayev").
    Person,
    /// An organisation, including acronyms ("FIBA").
    Org,
    /// A place: country, city, region, facility.
    Location,
    /// Other names: nationalities, religions, events, laws.
    Misc,
    /// A calendar date or year.
    Date,
    /// An amount of money.
    Money,
    /// A percentage.
    Percent,
    /// A web address.
    Url,
    /// An e-mail address.
    Email,
}

impl Label {
    /// The upper-case name used in keys and output tables, e.g. `"PERSON"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Person => "PERSON",
            Label::Org => "ORG",
            Label::Location => "LOCATION",
            Label::Misc => "MISC",
            Label::Date => "DATE",
            Label::Money => "MONEY",
            Label::Percent => "PERCENT",
            Label::Url => "URL",
            Label::Email => "EMAIL",
        }
    }
}

/// One entity mention in a document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// CHARACTER (Unicode scalar) offset into the text, inclusive.
    pub start: usize,
    /// Character offset, exclusive.
    pub end: usize,
    /// Exactly `text.chars().skip(start).take(end - start)`.
    pub surface: String,
    /// What kind of entity this is.
    pub label: Label,
    /// Canonical key, e.g. `"PERSON:kassym jomart tokayev"`, `"DATE:2019-06-26"`, `"PERCENT:71"`.
    pub entity_key: String,
    /// Canonical display name, e.g. `"Kassym-Jomart Tokayev"`; for patterns the
    /// normalized value (`"2019-06-26"`, `"71%"`, `"$5"`).
    pub name: String,
    /// The language of the paragraphs it was found in, when a mixed page's
    /// paragraphs were tagged by their own models; `None`: the document's.
    pub lang: Option<&'static str>,
}

/// Sets each mention's surface to the characters of `text` at its offsets:
/// for mentions found in a copy of `text` with the same characters but
/// some (typographic quotes folded to ASCII).
pub fn resurface(text: &str, mentions: &mut [Mention]) {
    // The byte offset of each character offset the mentions need, found
    // in one walk over the text (a table of every character's offset
    // would be eight bytes a character).
    let mut wanted: Vec<usize> = mentions.iter().flat_map(|m| [m.start, m.end]).collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut bytes = Vec::with_capacity(wanted.len());
    let mut chars = text
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .enumerate();
    for &c in &wanted {
        match chars.find(|&(k, _)| k == c) {
            Some((_, b)) => bytes.push(b),
            None => break,
        }
    }
    let byte_of = |c: usize| {
        wanted
            .binary_search(&c)
            .ok()
            .and_then(|k| bytes.get(k).copied())
    };
    for m in mentions {
        if let (Some(s), Some(e)) = (byte_of(m.start), byte_of(m.end)) {
            m.surface = text[s..e].to_string();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surfaces_are_taken_from_the_text_as_written() {
        let text = "“Zoë” met O’Brien.";
        let folded = crate::clean::fold_quotes(text);
        let start = folded.chars().position(|c| c == 'O').unwrap();
        let mut found = vec![Mention {
            start,
            end: start + 7,
            surface: "O'Brien".into(),
            label: Label::Person,
            entity_key: "PERSON:o brien".into(),
            name: "O'Brien".into(),
            lang: None,
        }];
        found.push(Mention {
            start: 1,
            end: 4,
            ..found[0].clone()
        });
        resurface(text, &mut found);
        assert_eq!(found[0].surface, "O’Brien");
        assert_eq!(found[1].surface, "Zoë");
    }

    #[test]
    fn config_defaults_and_toml() {
        let c: EntityConfig = toml::from_str("").expect("empty config parses");
        assert_eq!(c, EntityConfig::default());
        assert!(c.names && c.patterns && c.aliases.is_empty());
        let c: EntityConfig =
            toml::from_str("patterns = false\naliases = [[\"Nur-Sultan\", \"Astana\"]]")
                .expect("config parses");
        assert!(c.names && !c.patterns);
        assert_eq!(c.aliases[0][1], "Astana");
        assert!(toml::from_str::<EntityConfig>("nmaes = true").is_err());
    }

    #[test]
    fn label_names() {
        assert_eq!(Label::Person.as_str(), "PERSON");
        assert_eq!(Label::Location.as_str(), "LOCATION");
        assert_eq!(Label::Email.as_str(), "EMAIL");
    }
}
