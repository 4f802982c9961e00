//! clean: raw document body → article text, plus an audit of every line removed.
//!
//! Per document ([`Cleaner::clean`], pure and parallel): normalize each line,
//! then apply section rules (drop the rest of the page), line rules, the
//! repeated-line rule and the menu block rule; then the line classifier
//! ([`classify`]: text density in context, the densest block) removes what
//! the rules missed. Across documents
//! ([`frequent::remove_frequent_lines`]): drop short lines common to many pages
//! of one site. What is left, joined by newlines, is `documents.text`; what is
//! removed goes to `boilerplate.parquet` with the rule's name as reason.

pub mod classify;
pub mod frequent;
pub mod lines;
pub mod normalize;

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::config::InvalidValue;
use lines::{LineRule, MenuShape, Scope};
pub use normalize::normalize_line;

/// Settings of the clean stage (`[clean]` in pipeline.toml).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CleanConfig {
    /// Names of built-in rules to turn off.
    pub disable: Vec<String>,
    /// Extra rules, applied after the built-in ones.
    pub rules: Vec<RuleConfig>,
    /// Fewest consecutive short title-case lines that count as a menu (0 = off).
    pub menu_min_lines: usize,
    /// Most words in a menu item.
    pub menu_max_words: usize,
    /// Drop a line repeated inside one document (repeated headlines).
    pub drop_repeated_lines: bool,
    /// A short line in at least this many documents of one site is boilerplate (0 = off).
    pub frequent_min_docs: usize,
    /// Only lines of at most this many words are counted as frequent.
    pub frequent_max_words: usize,
    /// Run the line classifier after the rules (removes menus, teasers and
    /// link lists no rule names, from their length, words and neighbours).
    pub classifier: bool,
}

impl Default for CleanConfig {
    fn default() -> Self {
        CleanConfig {
            disable: Vec::new(),
            rules: Vec::new(),
            menu_min_lines: 3,
            menu_max_words: 4,
            drop_repeated_lines: true,
            frequent_min_docs: 3,
            frequent_max_words: 12,
            classifier: true,
        }
    }
}

/// One rule from `[[clean.rules]]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Reason written to `boilerplate.parquet`.
    pub name: String,
    /// Regex over one normalized line, case-insensitive.
    pub pattern: Spanned<String>,
    /// `line` (default) or `rest` (the line and all after it).
    #[serde(default)]
    pub scope: Scope,
}

impl CleanConfig {
    pub(crate) fn validate(&self) -> Result<(), InvalidValue> {
        Cleaner::new(self).map(|_| ())
    }
}

/// A line that stays in the text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeptLine {
    /// 1-based line number in the document body.
    pub line_no: u32,
    /// Normalized text.
    pub text: String,
    /// The line as read, trimmed.
    pub raw: String,
}

impl KeptLine {
    fn removed(self, reason: &str) -> RemovedLine {
        RemovedLine {
            line_no: self.line_no,
            text: self.raw,
            reason: reason.to_string(),
        }
    }
}

/// A line removed as boilerplate, for `boilerplate.parquet`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RemovedLine {
    pub line_no: u32,
    /// The line as read, trimmed.
    pub text: String,
    pub reason: String,
}

/// The result of cleaning one document.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cleaned {
    pub kept: Vec<KeptLine>,
    pub removed: Vec<RemovedLine>,
}

impl Cleaned {
    /// The article text: kept lines joined by newlines.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (i, line) in self.kept.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&line.text);
        }
        out
    }
}

/// The compiled clean settings; cheap to share across threads.
#[derive(Debug)]
pub struct Cleaner {
    rules: Vec<LineRule>,
    menu: Option<MenuShape>,
    drop_repeated: bool,
    classifier: bool,
}

impl Cleaner {
    pub fn new(config: &CleanConfig) -> Result<Cleaner, InvalidValue> {
        let mut rules = lines::builtin_rules(&config.disable);
        for (i, rule) in config.rules.iter().enumerate() {
            let regex = lines::case_insensitive(rule.pattern.get_ref()).map_err(|e| {
                InvalidValue::new(format!("clean.rules[{i}].pattern"), &rule.pattern, e)
            })?;
            rules.push(LineRule {
                name: rule.name.clone(),
                regex,
                scope: rule.scope,
            });
        }
        let menu = (config.menu_min_lines > 0).then_some(MenuShape {
            min_lines: config.menu_min_lines,
            max_words: config.menu_max_words,
        });
        Ok(Cleaner {
            rules,
            menu,
            drop_repeated: config.drop_repeated_lines,
            classifier: config.classifier,
        })
    }

    /// Cleans one document body. Blank lines are dropped without a record.
    pub fn clean(&self, body: &str) -> Cleaned {
        self.clean_document(body, false)
    }

    /// Cleans a body; `extracted` says it is main content already chosen
    /// from markup. There the line classifier (made for whole-page text
    /// dumps) would only remove article lines, and a repeated line is
    /// content (a table's headings, a recipe's steps), since extraction
    /// already dropped repeated link lists; on AEB the two cost 0.007 F1.
    pub fn clean_document(&self, body: &str, extracted: bool) -> Cleaned {
        let raw: Vec<&str> = body.lines().collect();
        let norm: Vec<Option<String>> = raw
            .iter()
            .map(|l| Some(normalize_line(l)).filter(|n| !n.is_empty()))
            .collect();
        let mut reason: Vec<Option<&str>> = vec![None; raw.len()];

        // Section rules first: everything after a "Founding Funders" is gone,
        // whatever else it looks like.
        let section = norm.iter().enumerate().find_map(|(i, line)| {
            let line = line.as_deref()?;
            self.rules
                .iter()
                .find(|r| r.scope == Scope::Rest && r.regex.is_match(line))
                .map(|r| (i, r.name.as_str()))
        });
        if let Some((start, name)) = section {
            for r in &mut reason[start..] {
                *r = Some(name);
            }
        }
        for (i, line) in norm.iter().enumerate() {
            if reason[i].is_some() {
                continue;
            }
            if let Some(line) = line {
                reason[i] = self
                    .rules
                    .iter()
                    .find(|r| r.scope == Scope::Line && r.regex.is_match(line))
                    .map(|r| r.name.as_str());
            }
        }
        // Repeated lines next, so that the menu rule sees the lines that
        // will survive as one sequence: blank and removed lines do not break
        // a menu run. That keeps cleaning idempotent (the cleaned text has no
        // blank lines, so a run broken only by one would join on a second pass).
        let mut seen: HashSet<&str> = HashSet::new();
        for (i, line) in norm.iter().enumerate() {
            if let (None, Some(text)) = (reason[i], line) {
                if self.drop_repeated && !extracted && !seen.insert(text.as_str()) {
                    reason[i] = Some("repeated_line");
                }
            }
        }
        if let Some(shape) = self.menu {
            let survivors: Vec<(usize, &str)> = norm
                .iter()
                .enumerate()
                .filter(|(i, _)| reason[*i].is_none())
                .filter_map(|(i, l)| Some((i, l.as_deref()?)))
                .collect();
            let texts: Vec<&str> = survivors.iter().map(|(_, l)| *l).collect();
            for k in lines::menu_blocks(&texts, shape) {
                reason[survivors[k].0] = Some("menu_block");
            }
        }

        // The classifier sees every line, boilerplate included: menus and
        // teasers around a paragraph are what tell it apart.
        if self.classifier && !extracted {
            let lines: Vec<&str> = norm.iter().map(|l| l.as_deref().unwrap_or("")).collect();
            for (i, verdict) in classify::classify(&lines).into_iter().enumerate() {
                if !verdict.keep && reason[i].is_none() && norm[i].is_some() {
                    reason[i] = Some(verdict.reason);
                }
            }
        }

        let mut out = Cleaned::default();
        for (i, line) in norm.iter().enumerate() {
            let Some(text) = line else { continue };
            let kept = KeptLine {
                line_no: i as u32 + 1,
                text: text.clone(),
                raw: raw[i].trim().to_string(),
            };
            match reason[i] {
                Some(name) => out.removed.push(kept.removed(name)),
                None => out.kept.push(kept),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaner() -> Cleaner {
        Cleaner::new(&CleanConfig::default()).unwrap()
    }

    /// The rules alone: the toy bodies below are too short for the classifier.
    fn rules_only() -> Cleaner {
        Cleaner::new(&CleanConfig {
            classifier: false,
            ..CleanConfig::default()
        })
        .unwrap()
    }

    #[test]
    fn removes_boilerplate_and_keeps_paragraphs() {
        let body = "Title of the story\nрус \u{a0} | eng\nSign in   Register\nNews\nWorld News\nContact Us\n\n\
                    Title of the story\n\nThe first paragraph, with \u{201C}quotes\u{201D}.\n\
                    Follow Us on Facebook and Twitter\nThe second paragraph.\n\
                    Founding Funders\nThe Gottesman Fund\n";
        let cleaned = rules_only().clean(body);
        assert_eq!(
            cleaned.text(),
            "Title of the story\nThe first paragraph, with \"quotes\".\nThe second paragraph."
        );
        let reasons: Vec<(u32, &str)> = cleaned
            .removed
            .iter()
            .map(|r| (r.line_no, r.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (2, "language_switcher"),
                (3, "sign_in"),
                (4, "menu_block"),
                (5, "menu_block"),
                (6, "menu_block"),
                (8, "repeated_line"),
                (11, "social_follow"),
                (13, "donor_list"),
                (14, "donor_list"),
            ]
        );
        assert_eq!(cleaned.removed[1].text, "Sign in   Register");
    }

    #[test]
    fn configured_rules_apply_and_builtins_can_be_disabled() {
        let config: CleanConfig = toml::from_str(
            "disable = [\"comments_closed\"]\n\
             [[rules]]\nname = \"related\"\npattern = '^related articles$'\nscope = \"rest\"\n",
        )
        .unwrap();
        let cleaned = Cleaner::new(&config)
            .unwrap()
            .clean("Body text here.\nComments are closed.\nRelated Articles\nOther story");
        assert_eq!(cleaned.text(), "Body text here.\nComments are closed.");
        assert_eq!(cleaned.removed.len(), 2);
        assert_eq!(cleaned.removed[0].reason, "related");
    }

    #[test]
    fn cleaning_is_idempotent() {
        // The second body is the fuzz case where short lines apart only by
        // blank lines and repeats formed a menu block on the second pass.
        for body in [
            "Menu JTA Search\nA story.\n\nAnother line of the story.\n]]>\n",
            "Type: x\n\nWARC/1.0\nType: x\n\nAWARC/1.0\nType: x\n\nA\n",
        ] {
            let once = rules_only().clean(body).text();
            assert_eq!(rules_only().clean(&once).text(), once, "{body:?}");
        }
    }

    #[test]
    fn extracted_bodies_keep_repeats_and_skip_the_classifier() {
        let body = "Step one\nMix well.\nStep one\nShort line\n";
        let dump = cleaner().clean_document(body, false);
        let page = cleaner().clean_document(body, true);
        assert!(dump.removed.iter().any(|r| r.reason == "repeated_line"));
        assert_eq!(page.text(), "Step one\nMix well.\nStep one\nShort line");
    }

    #[test]
    fn classifier_removes_what_no_rule_names() {
        let para = |topic: &str| {
            format!("The council voted on Tuesday to expand the {topic} network, adding three routes that connect the northern suburbs with the hospital district, officials said.")
        };
        let body = format!(
            "Weather\nMarkets\nCrime\n{}\n{}\n{}\nMost Read\nYou may also like this » more\n",
            para("bus"),
            para("tram"),
            para("ferry")
        );
        let with = cleaner().clean(&body);
        assert_eq!(with.kept.len(), 3, "{:?}", with.text());
        assert!(with.kept.iter().all(|l| l.text.starts_with("The council")));
        // Rule reasons stay; the classifier names its own.
        assert!(with.removed.iter().any(|r| r.reason == "menu_block"));
        assert!(with
            .removed
            .iter()
            .any(|r| r.line_no == 8 && !r.reason.is_empty()));
        let without = rules_only().clean(&body);
        assert!(without.kept.len() > 3);
    }
}
