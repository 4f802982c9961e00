//! Titles and their modifiers, cut off the front of names.
//!
//! They describe how English news text talks about people; none of them
//! names a particular entity.

/// Titles and roles (lower case); never part of a name.
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
