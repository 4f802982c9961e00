//! Regexes compiled once per process, by pattern.
//!
//! A run builds its `Cleaner` and `Reader` twice: once when the config is
//! validated (a bad pattern is an error with its line), once to run. Their
//! patterns (the built-in line rules, case-insensitive and Unicode-aware:
//! `.{0,150}` and `\w` compile to large automata; the config's splitters)
//! were compiled both times, which made most of a small run's start: a
//! one-document run spent about a quarter of its instructions compiling
//! the same patterns a second time. A `Regex` clone shares the compiled
//! program, so the second build takes the first's.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use regex::{Regex, RegexBuilder};

/// `pattern` compiled (case-insensitive if `case_insensitive`), or the
/// copy compiled before. An error is not kept: a bad pattern is an error
/// each time.
pub fn compiled(pattern: &str, case_insensitive: bool) -> Result<Regex, regex::Error> {
    static COMPILED: OnceLock<Mutex<HashMap<(String, bool), Regex>>> = OnceLock::new();
    let cache = COMPILED.get_or_init(Default::default);
    let key = (pattern.to_string(), case_insensitive);
    if let Some(regex) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        return Ok(regex.clone());
    }
    let regex = RegexBuilder::new(pattern)
        .case_insensitive(case_insensitive)
        .build()?;
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(key, regex.clone());
    Ok(regex)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_pattern_compiles_once_and_errors_stay_errors() {
        let a = compiled(r"^related\s*:?$", true).unwrap();
        let b = compiled(r"^related\s*:?$", true).unwrap();
        assert!(a.is_match("RELATED:") && b.is_match("Related"));
        let sensitive = compiled(r"^related\s*:?$", false).unwrap();
        assert!(!sensitive.is_match("RELATED:") && sensitive.is_match("related"));
        assert!(compiled("(unclosed", true).is_err());
        assert!(compiled("(unclosed", true).is_err());
    }
}
