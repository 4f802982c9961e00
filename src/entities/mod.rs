//! TEMPORARY stub until the entities module lands.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EntityConfig {
    pub names: bool,
    pub patterns: bool,
    pub aliases: Vec<Vec<String>>,
}
impl Default for EntityConfig {
    fn default() -> Self {
        EntityConfig {
            names: true,
            patterns: true,
            aliases: vec![],
        }
    }
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    Person,
    Org,
    Location,
    Misc,
    Date,
    Money,
    Percent,
    Url,
    Email,
}
impl Label {
    pub fn as_str(self) -> &'static str {
        "PERSON"
    }
}
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub surface: String,
    pub label: Label,
    pub entity_key: String,
    pub name: String,
}
pub struct EntityTagger;
impl EntityTagger {
    pub fn new(_c: &EntityConfig) -> Self {
        EntityTagger
    }
    pub fn tag(&self, _t: &str) -> Vec<Mention> {
        vec![]
    }
}
