//! Generic cue words for the rule-based tagger: titles, organisation and
//! place head-words, prepositions, speech verbs, function words.
//!
//! They describe how English news text talks about people, organisations and
//! places; none of them names a particular entity.

/// Capitalised words that are never (part of) a name by themselves.
#[rustfmt::skip]
pub(crate) const STOP: &[&str] = &[
    "The", "A", "An", "This", "That", "These", "Those", "It", "Its", "He", "She", "We", "They", "I",
    "You", "His", "Her", "Their", "Our", "My", "Your", "Him", "Them", "Us", "In", "On", "At", "For",
    "With", "By", "From", "To", "Of", "And", "But", "Or", "Nor", "If", "As", "When", "While",
    "After", "Before", "During", "Since", "Although", "Though", "However", "Meanwhile", "Moreover",
    "There", "Here", "What", "Who", "Whom", "Whose", "Why", "How", "Where", "Which", "Also", "Yet",
    "So", "Not", "No", "Yes", "All", "Some", "Many", "Most", "Much", "More", "Last", "Next",
    "First", "Such", "Both", "Each", "Every", "Other", "Another", "Asked", "Said", "According",
    "Still", "Even", "Now", "Then", "Today", "Yesterday", "Tomorrow", "Because", "Despite", "Until",
    "Unless", "Alongside", "Amid", "Against", "Along", "Around", "Behind", "Beyond", "Like", "Upon", "Via", "Within", "Under", "Over", "About", "Between", "Among", "Into", "Without", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February", "March",
    "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Photo", "Credit", "Read", "More", "Click", "Share", "Menu", "Search", "Subscribe",
    "Advertisement", "Image", "Video", "Related", "Sign", "Login", "Register", "Home",
];
/// Titles and roles (lower case); never part of a name, but a PERSON cue.
#[rustfmt::skip]
pub(crate) const TITLES: &[&str] = &[
    "president", "minister", "rabbi", "ambassador", "mr", "mrs", "ms", "dr", "prof", "professor",
    "pope", "envoy", "ceo", "chairman", "chairwoman", "secretary", "secretary-general", "director",
    "spokesman", "spokeswoman", "spokesperson", "king", "queen", "prince", "princess", "sheikh",
    "imam", "bishop", "cardinal", "patriarch", "senator", "sen", "rep", "congressman",
    "congresswoman", "governor", "gov", "mayor", "judge", "gen", "colonel", "col", "lt", "captain",
    "capt", "sgt", "chancellor", "premier", "pm", "mp", "emir", "founder", "commissioner", "editor",
    "correspondent", "reporter", "coach", "counterpart", "host",
];
/// Words that modify a following title ("Prime Minister", "Foreign Minister").
#[rustfmt::skip]
pub(crate) const MODIFIERS: &[&str] = &[
    "prime", "deputy", "vice", "former", "foreign", "chief", "senior", "acting", "interim", "grand",
    "crown", "defense", "defence", "finance", "interior", "executive", "first",
];
#[rustfmt::skip]
pub(crate) const ORG_HEADS: &[&str] = &[
    "Federation", "Congress", "Association", "Ministry", "Embassy", "Fund", "Foundation",
    "Organization", "Organisation", "Organizations", "Union", "Party", "Council", "Bank", "Agency",
    "University", "College", "Institute", "Coalition", "Assembly", "Rabbinate", "Church", "Post",
    "News", "Times", "Inc", "Corp", "Corporation", "Company", "Committee", "Commission", "Group",
    "Society", "Center", "Centre", "League", "Alliance", "Court", "Parliament", "Senate",
    "Government", "Department", "Office", "Service", "Network", "Authority", "Board", "Bureau",
    "Forum", "Club", "Academy", "School", "Press", "Journal", "Herald", "Tribune", "Telegraph",
    "Gazette", "Daily", "Magazine", "Radio", "Television", "Airlines", "Airways", "Ltd", "LLC",
    "Army", "Navy", "Forces", "Police", "Movement", "Front", "Brigades", "Conference",
    "Congregation", "Community", "Nations", "Mission", "Cabinet", "Industries", "Media",
    "Broadcasting",
];
#[rustfmt::skip]
pub(crate) const LOC_HEADS: &[&str] = &[
    "Sea", "Ocean", "Mountains", "Mountain", "Mount", "River", "Lake", "Asia", "Republic", "City",
    "Island", "Islands", "Peninsula", "Gulf", "Bay", "Valley", "Desert", "Coast", "Province",
    "Region", "Oblast", "District", "County", "States", "Kingdom", "Emirates", "Square", "Street",
    "Avenue", "Road", "Mosque", "Synagogue", "Airport", "Stadium", "Park", "Bridge", "Canal",
    "Strait", "Steppe", "Territory", "Territories", "Strip", "Heights", "Hills", "Hotel", "Palace",
    "Tower", "House", "East", "West", "North", "South",
];
#[rustfmt::skip]
pub(crate) const EVENT_HEADS: &[&str] = &[
    "Accords", "Accord", "Agreement", "Treaty", "Act", "War", "Games", "Olympics", "Cup", "Summit",
    "Declaration", "Award", "Prize", "Festival", "Day", "Revolution", "Protocol", "Initiative",
    "Doctrine", "Resolution", "Championship", "Championships", "Expo",
];
/// Lower-case words after a name that say it is a person.
#[rustfmt::skip]
pub(crate) const SPEECH: &[&str] = &[
    "said", "says", "told", "tells", "added", "adds", "noted", "notes", "replied", "replies",
    "explained", "explains", "stated", "wrote", "writes", "asked", "asks", "insisted", "argued",
    "warned", "recalled", "stressed", "emphasized", "emphasised", "declared", "continued",
    "concluded", "commented", "acknowledged", "admitted", "believes", "thinks",
];
/// Roles in an apposition ("Firas Moualla, the head of ...").
#[rustfmt::skip]
pub(crate) const ROLES: &[&str] = &[
    "head", "leader", "member", "author", "owner", "son", "daughter", "wife", "husband",
];
/// Lower-case nouns after a name that say it is an organisation.
#[rustfmt::skip]
pub(crate) const ORG_NOUNS: &[&str] = &[
    "newspaper", "daily", "magazine", "agency", "company", "firm", "organization", "organisation",
    "party", "bank", "university", "network", "website", "channel", "broadcaster", "outlet",
    "ministry", "foundation", "association", "federation", "team", "club", "council", "committee",
    "movement", "airline", "corporation", "institute",
];
/// Words before a name that say it is a place (with weight for 1 / more words).
#[rustfmt::skip]
pub(crate) const LOC_PREPS: &[(&str, i32, i32)] = &[
    ("in", 2, 4), ("at", 2, 4), ("near", 2, 4), ("across", 2, 4), ("into", 2, 4),
    ("throughout", 2, 4), ("inside", 2, 4), ("outside", 2, 4), ("capital", 2, 4), ("visit", 2, 2),
    ("visited", 2, 2), ("visiting", 2, 2), ("visits", 2, 2), ("to", 2, 1), ("from", 2, 1),
    ("through", 2, 1), ("toward", 2, 1), ("towards", 2, 1), ("between", 1, 0),
];
/// Nouns that make "X of <name>" a place cue ("the capital of Almaty").
#[rustfmt::skip]
pub(crate) const LOC_OF: &[&str] = &[
    "capital", "city", "town", "village", "region", "province", "outskirts", "north", "south",
    "east", "west", "centre", "center", "heart", "streets", "parts", "coast", "border",
];
/// Words before "to" that make it not a place cue ("according to X").
#[rustfmt::skip]
pub(crate) const NOT_PLACE_TO: &[&str] = &[
    "according", "thanks", "due", "close", "similar", "compared", "next", "addition", "spoke",
    "talked", "wrote", "said", "told", "sent", "replied", "responded", "letter", "message",
];
/// Name particles and connectors allowed inside a run.
#[rustfmt::skip]
pub(crate) const PARTICLES: &[&str] = &[
    "de", "al", "el", "van", "von", "bin", "ibn", "da", "di", "del", "der", "du", "la", "le",
];
#[rustfmt::skip]
pub(crate) const HEAD_CONNECTORS: &[&str] = &[
    "of", "the", "for",
];
/// Lower-case words after a capitalised word that are not a noun it modifies.
#[rustfmt::skip]
pub(crate) const FUNCTION: &[&str] = &[
    "is", "was", "are", "were", "be", "been", "has", "have", "had", "will", "would", "could",
    "should", "can", "may", "might", "must", "did", "does", "do", "and", "or", "but", "of", "in",
    "on", "at", "to", "for", "with", "by", "from", "as", "that", "which", "who", "the", "a", "an",
    "said", "says", "told", "also", "not", "its", "his", "her", "their", "this", "after", "over",
    "into", "since", "than", "then", "about", "if", "s", "itself", "now", "still", "last",
];
#[rustfmt::skip]
pub(crate) const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "sen", "rep", "gov", "lt", "col",
    "capt", "mt", "no", "vs", "inc", "corp", "co", "ltd", "jan", "feb", "aug", "sept", "oct", "nov",
    "dec",
];
pub(crate) fn has(list: &[&str], word: &str) -> bool {
    list.iter().any(|w| w.eq_ignore_ascii_case(word))
}
