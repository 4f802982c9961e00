//! clean: raw document body → article text, plus an audit of every line removed.
//!
//! Per document ([`Cleaner::clean`], pure and parallel): normalize each line,
//! then apply section rules (a heading such as "Related articles" removes
//! the list under it, up to the next paragraph of prose), line rules, and
//! for text dumps (not extracted main content) the repeated-line rule, the
//! menu block rule; then the line classifier ([`classify`]: text density
//! in context, the densest block; dumps only) removes what the rules
//! missed, and the body pass ([`body`]) keeps every prose
//! paragraph and the tables and lists inside the body whatever their
//! position. A dateline or byline in the head fills [`Cleaned::published`]
//! and [`Cleaned::author`] ([`meta`]). Across documents
//! ([`frequent::remove_frequent_lines`]): drop short lines common to many pages
//! of one site. What is left, joined by newlines, is `documents.text`; what is
//! removed goes to `boilerplate.parquet` with the rule's name as reason.

pub mod body;
pub mod classify;
pub mod frequent;
pub mod lines;
pub mod meta;
pub mod normalize;
pub mod shape;
pub mod words;
pub mod wrapped;

use std::borrow::Cow;

use rustc_hash::FxHashSet;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::config::InvalidValue;
use lines::{LineRule, MenuShape, Scope};
pub use meta::DateOrder;
pub use normalize::{fold_quotes, normalize_line, normalize_line_keeping_quotes};

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
    /// How a numeric dateline such as 06.09.2019 is read.
    pub date_order: DateOrder,
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
            date_order: DateOrder::DayFirst,
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
    /// `line` (default) or `rest` (the line and what follows it, up to the
    /// next paragraph of prose).
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
    /// The line as `documents.text` holds it: normalized (NFC, spacing,
    /// invisible characters), typographic quotes as written; a code line
    /// as read. [`fold_quotes`] of it is what rules and counts match.
    pub text: String,
    /// The line as read, trimmed.
    pub raw: String,
    /// Inside a fenced code block (fences included), where blank lines
    /// are part of the code.
    #[serde(default)]
    pub code: bool,
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
    /// In line order (the frequent-line pass keeps it so).
    pub removed: Vec<RemovedLine>,
    /// Date of a dateline in the document's head (midnight UTC,
    /// microseconds since the epoch), for a document whose container gave none.
    #[serde(default)]
    pub published: Option<i64>,
    /// Author named by a byline in the document's head.
    #[serde(default)]
    pub author: Option<String>,
    /// The body is Markdown (`text_format = "markdown"`): [`Cleaned::text`]
    /// keeps a blank line between blocks, which ends a paragraph there.
    #[serde(default)]
    pub blocks: bool,
}

impl Cleaned {
    /// The article text: kept lines joined by newlines. In a Markdown body
    /// ([`Cleaned::blocks`]) two lines that had a blank line between them
    /// keep one (without it, Markdown reads two paragraphs as one), and
    /// the lines of one code block keep every blank line between them.
    pub fn text(&self) -> String {
        let removed_before = |n: u32| self.removed.partition_point(|r| r.line_no < n);
        let mut out = String::new();
        let mut last: Option<&KeptLine> = None;
        for line in &self.kept {
            if let Some(last) = last {
                out.push('\n');
                if self.blocks {
                    // The lines between the two were blank or removed.
                    let between = line.line_no - last.line_no - 1;
                    let gone = removed_before(line.line_no) - removed_before(last.line_no + 1);
                    let blank = (between as usize).saturating_sub(gone);
                    let blank = if last.code && line.code {
                        blank
                    } else {
                        blank.min(1)
                    };
                    out.extend(std::iter::repeat_n('\n', blank));
                }
            }
            out.push_str(&line.text);
            last = Some(line);
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
    date_order: DateOrder,
    /// Extracted bodies are Markdown (see [`Cleaner::with_markdown`]).
    markdown: bool,
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
                builtin: false,
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
            date_order: config.date_order,
            markdown: false,
        })
    }

    /// Says that extracted bodies (HTML pages, feed items) are Markdown
    /// (`[read] text_format = "markdown"`), so that their text keeps its
    /// blank lines between blocks ([`Cleaned::blocks`]).
    pub fn with_markdown(mut self, markdown: bool) -> Cleaner {
        self.markdown = markdown;
        self
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
    /// The menu rule is for dumps too: in extracted text a run of short
    /// title-case lines is a list or the headings of short sections (a
    /// caterer's "Buffet", "Outdoor BBQ"; a product's feature list), since
    /// extraction dropped the page's navigation with its markup. On the
    /// WCXB dev pages, 3,317 of the 4,628 lines it removed there were in
    /// the ground truth.
    pub fn clean_document(&self, body: &str, extracted: bool) -> Cleaned {
        let physical: Vec<&str> = body.lines().collect();
        let physical_code = fenced_code(&physical);
        // A hard-wrapped dump's paragraphs are read, and kept, as one line
        // each (`wrapped`); `line_no` stays the paragraph's first line.
        let paragraphs = if extracted {
            None
        } else {
            wrapped::paragraphs(&physical, &physical_code)
        };
        let joined: Vec<Cow<str>> = match &paragraphs {
            Some(p) => p
                .iter()
                .map(|r| match &physical[r.clone()] {
                    [one] => Cow::Borrowed(*one),
                    many => Cow::Owned(wrapped::join(many)),
                })
                .collect(),
            None => physical.iter().map(|&l| Cow::Borrowed(l)).collect(),
        };
        let line_no = |i: usize| paragraphs.as_ref().map_or(i, |p| p[i].start) as u32 + 1;
        let raw: Vec<&str> = joined.iter().map(|l| l.as_ref()).collect();
        // Code lines are never joined: a paragraph is code when its first
        // line is.
        let code: Vec<bool> = match &paragraphs {
            Some(p) => p.iter().map(|r| physical_code[r.start]).collect(),
            None => physical_code,
        };
        // Code keeps its indentation and spacing: normalizing it would
        // break a Python block or a YAML sample. The text keeps its quotes
        // as written; rules and counts see them folded to ASCII.
        let shown: Vec<Option<String>> = raw
            .iter()
            .zip(&code)
            .map(|(l, &code)| {
                let n = if code {
                    l.trim_end().to_string()
                } else {
                    normalize_line_keeping_quotes(l)
                };
                Some(n).filter(|n| !n.trim().is_empty())
            })
            .collect();
        let norm: Vec<Option<Cow<str>>> = shown
            .iter()
            .zip(&code)
            .map(|(l, &code)| {
                let l = l.as_deref()?;
                Some(if code {
                    Cow::Borrowed(l)
                } else {
                    fold_quotes(l)
                })
            })
            .collect();
        let lines: Vec<&str> = norm.iter().map(|l| l.as_deref().unwrap_or("")).collect();
        let mut reason: Vec<Option<&str>> = vec![None; raw.len()];

        // Section rules first: the list under a "Founding Funders" or
        // "Related articles" heading is gone, whatever else it looks like,
        // up to the next paragraph of prose. A heading near the top of a
        // dump must not take the article below it.
        let mut section: Option<&str> = None;
        for (i, line) in norm.iter().enumerate() {
            let Some(line) = line.as_deref() else {
                continue;
            };
            let heading = self
                .rules
                .iter()
                .find(|r| r.scope == Scope::Rest && r.regex.is_match(line));
            if let Some(rule) = heading {
                section = Some(rule.name.as_str());
            } else if section.is_some()
                && (matches!(shape::shape(line), shape::Shape::Prose | shape::Shape::Row)
                    || shape::is_sentence(line))
            {
                // A paragraph, or a table row (a link list has no numbers
                // in columns), is the article again; so is a sentence that
                // is not prose by its words (a short Kazakh one: the list
                // under "Тағы оқыңыз" took them) since a list's links read
                // as headlines. The line is left to the other rules.
                section = None;
            }
            reason[i] = section;
        }
        // A table rendered as `cell | cell` rows is content, not a menu.
        let table = shape::pipe_tables(&lines);
        for (i, line) in norm.iter().enumerate() {
            if reason[i].is_some() {
                continue;
            }
            if let Some(line) = line {
                reason[i] = self
                    .rules
                    .iter()
                    .find(|r| {
                        r.scope == Scope::Line && !(table[i] && r.builtin) && r.regex.is_match(line)
                    })
                    .map(|r| r.name.as_str());
            }
        }
        // Repeated lines next, so that the menu rule sees the lines that
        // will survive as one sequence: blank and removed lines do not break
        // a menu run. That keeps cleaning idempotent (the cleaned text has no
        // blank lines, so a run broken only by one would join on a second pass).
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        for (i, line) in norm.iter().enumerate() {
            if let (None, Some(text)) = (reason[i], line) {
                if self.drop_repeated && !extracted && !seen.insert(&**text) {
                    reason[i] = Some("repeated_line");
                }
            }
        }
        if let Some(shape) = self.menu.filter(|_| !extracted) {
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
            let named: Vec<bool> = reason.iter().map(Option::is_some).collect();
            let verdicts = classify::classify_after_rules(&lines, &named, &classify::MODEL);
            for (i, verdict) in verdicts.into_iter().enumerate() {
                if !verdict.keep && reason[i].is_none() && norm[i].is_some() {
                    reason[i] = Some(verdict.reason);
                }
            }
        }

        // A date inside a code block is the code's, not the article's.
        let head = norm
            .iter()
            .enumerate()
            .filter(|(i, _)| !code[*i])
            .filter_map(|(i, l)| Some((i, l.as_deref()?)));
        let meta = meta::head_metadata(head, self.date_order);
        for &i in meta.datelines.iter().chain(&meta.bylines) {
            // The date and author are metadata now; whatever scored the
            // line, it is not text.
            reason[i] = reason[i].or(Some("dateline_byline"));
        }
        // A fenced code block (Markdown `text_format`, or a dump holding
        // Markdown) is content whatever its lines look like.
        for (r, &code) in reason.iter_mut().zip(&code) {
            if code {
                *r = None;
            }
        }
        let mut out = Cleaned {
            published: meta.published,
            author: meta.author,
            blocks: extracted && self.markdown,
            ..Cleaned::default()
        };
        for (i, line) in shown.into_iter().enumerate() {
            let Some(text) = line else { continue };
            let kept = KeptLine {
                line_no: line_no(i),
                text,
                raw: raw[i].trim().to_string(),
                code: code[i],
            };
            match reason[i] {
                Some(name) => out.removed.push(kept.removed(name)),
                None => out.kept.push(kept),
            }
        }
        out
    }
}

/// Which lines belong to a fenced code block (fences included): from a
/// line starting with three backticks or tildes to the next line starting
/// with the same fence, or to the end.
fn fenced_code(raw: &[&str]) -> Vec<bool> {
    let mut open: Option<&str> = None;
    raw.iter()
        .map(|line| {
            let t = line.trim_start();
            let fence = ["```", "~~~"].into_iter().find(|f| t.starts_with(f));
            match (open, fence) {
                (None, Some(f)) => open = Some(f),
                (Some(o), Some(f)) if o == f => open = None,
                (None, None) => return false,
                _ => {}
            }
            true
        })
        .collect()
}

/// A case-insensitive regex from one of the stage's own patterns (they are
/// constants, so a failure is a bug caught by every test).
fn case_insensitive(pattern: &str) -> regex::Regex {
    lines::case_insensitive(pattern)
        .unwrap_or_else(|e| panic!("built-in clean regex {pattern:?}: {e}"))
}

/// [`case_insensitive`] with every `\\b` rewritten (see
/// [`no_word_boundaries`]): for patterns only ever used with `is_match`.
fn case_insensitive_no_word_boundaries(pattern: &str) -> regex::Regex {
    case_insensitive(&no_word_boundaries(pattern))
}

/// Rewrites `\b` as `(?:^|\W)` (before a word) or `(?:\W|$)` (after one).
/// For `is_match` this is the same test, but Unicode `\b` keeps the regex
/// crate off its fast DFA on non-ASCII text (5x slower overall).
fn no_word_boundaries(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 64);
    let mut rest = p;
    while let Some(pos) = rest.find(r"\b") {
        let before = &rest[..pos];
        out.push_str(before);
        let prev = out.chars().last();
        let leading =
            matches!(prev, None | Some('|') | Some('(') | Some(' ')) || out.ends_with(r"\s");
        out.push_str(if leading { r"(?:^|\W)" } else { r"(?:\W|$)" });
        rest = &rest[pos + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries_are_rewritten() {
        assert_eq!(
            no_word_boundaries(r"\b(?:a|b)\b|x"),
            r"(?:^|\W)(?:a|b)(?:\W|$)|x"
        );
        assert_eq!(no_word_boundaries(r"^(?:by)s?\b"), r"^(?:by)s?(?:\W|$)");
    }

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
            "Title of the story\nThe first paragraph, with \u{201C}quotes\u{201D}.\nThe second paragraph."
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

    /// A specification wrapped at 70 columns, as RFCs and README files are
    /// (written for this test, in the style of dpkg's trigger spec).
    const WRAPPED: &str = "\
Triggers
========

Introduction
------------

A trigger is a facility that allows events caused by one package
but of interest to another package to be recorded and aggregated, and
processed later by the interested package.  This feature simplifies
various registration and system-update tasks and reduces duplication
of processing.

(NB: Triggers are meant for events that occur during package
installation, not for events in general.)

Share on Facebook Share on Twitter

Concepts
--------

Each trigger is named, and at any time zero or more packages may be
interested in it.  We expect two kinds of triggers: file triggers,
which are activated when a file is installed, and explicit triggers,
which are activated by a package asking for them.
";

    #[test]
    fn a_hard_wrapped_text_keeps_its_paragraphs_as_lines() {
        // Read a line at a time, the fragments were teasers and menus to
        // the classifier: most of the file went as boilerplate.
        let cleaned = cleaner().clean(WRAPPED);
        let text = cleaned.text();
        for paragraph in [
            "A trigger is a facility that allows events caused by one package but of interest to another package to be recorded and aggregated, and processed later by the interested package. This feature simplifies various registration and system-update tasks and reduces duplication of processing.",
            "Each trigger is named, and at any time zero or more packages may be interested in it. We expect two kinds of triggers: file triggers, which are activated when a file is installed, and explicit triggers, which are activated by a package asking for them.",
        ] {
            assert!(text.lines().any(|l| l == paragraph), "{paragraph}\n---\n{text}");
        }
        let share = cleaned
            .removed
            .iter()
            .find(|r| r.text.starts_with("Share on"))
            .unwrap();
        assert_eq!(
            (share.line_no, share.reason.as_str()),
            (16, "share_buttons")
        );
        // Cleaned again, the text (no blank lines) is not joined further.
        assert_eq!(cleaner().clean(&text).text(), text);
    }

    #[test]
    fn configured_rules_apply_and_builtins_can_be_disabled() {
        // The classifier is off: this is about the rules alone (it would
        // take "Comments are closed." as the site line it is).
        let config: CleanConfig = toml::from_str(
            "classifier = false\n\
             disable = [\"comments_closed\", \"related_articles\"]\n\
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
    fn pipe_tables_are_not_menus() {
        // Extraction renders a table row as `cell | cell`: the header and
        // the rows stay, a menu of the same shape without numbers goes.
        let body = "Help | RSS | Subscribe\n\
                    The standings after the race are below.\n\
                    Pos. | Driver | Points | Wins\n\
                    1 | Kyle Busch | 5040 | 5\n\
                    2 | Martin Truex Jr. | 5035 | 7\n";
        let page = cleaner().clean_document(body, true);
        assert_eq!(
            page.text(),
            "The standings after the race are below.\n\
             Pos. | Driver | Points | Wins\n\
             1 | Kyle Busch | 5040 | 5\n\
             2 | Martin Truex Jr. | 5035 | 7"
        );
        assert_eq!(page.removed.len(), 1);
        assert_eq!(page.removed[0].reason, "nav_menu");
        // A configured rule applies to table lines as written.
        let config: CleanConfig =
            toml::from_str("[[rules]]\nname = \"standings\"\npattern = '^pos\\. \\|'\n").unwrap();
        let page = Cleaner::new(&config).unwrap().clean_document(body, true);
        assert!(page.removed.iter().any(|r| r.reason == "standings"));
    }

    #[test]
    fn markdown_bodies_keep_a_blank_line_between_blocks() {
        // As extraction lays out Markdown: blocks apart, list items and
        // table rows line by line, code with its own blank lines.
        let body = "# Install\n\n\
                    The tool needs a recent compiler, and it builds in a minute.\n\n\
                    Comments are closed.\n\n\
                    - fast\n- small\n\n\
                    ```\nfn main() {\n\n\n    run();\n}\n```\n\n\
                    | a | b |\n| --- | --- |\n| 1 | 2 |\n";
        let markdown = rules_only().with_markdown(true);
        let page = markdown.clean_document(body, true);
        assert_eq!(page.removed.len(), 1, "{:?}", page.removed);
        assert_eq!(
            page.text(),
            "# Install\n\n\
             The tool needs a recent compiler, and it builds in a minute.\n\n\
             - fast\n- small\n\n\
             ```\nfn main() {\n\n\n    run();\n}\n```\n\n\
             | a | b |\n| --- | --- |\n| 1 | 2 |"
        );
        // Cleaning its own text again changes nothing.
        assert_eq!(
            markdown.clean_document(&page.text(), true).text(),
            page.text()
        );
        // Plain bodies, and text dumps, are one block a line as before.
        let plain = rules_only().clean_document(body, true);
        assert!(!plain.text().contains("\n\n"));
        assert!(!markdown.clean_document(body, false).text().contains("\n\n"));
    }

    #[test]
    fn the_text_keeps_its_quotes_and_the_rules_see_them_folded() {
        let body = "\u{201C}It\u{2019}s  fine,\u{201D} she said.\nDon\u{2019}t miss out\n";
        let config: CleanConfig =
            toml::from_str("[[rules]]\nname = \"promo\"\npattern = \"^don't miss\"\n").unwrap();
        let page = Cleaner::new(&config).unwrap().clean_document(body, true);
        assert_eq!(page.text(), "\u{201C}It\u{2019}s fine,\u{201D} she said.");
        assert_eq!(page.removed[0].reason, "promo");
    }

    #[test]
    fn extracted_bodies_keep_their_lists_of_short_lines() {
        // A service page's list of offers, as extraction renders it.
        let body =
            "We cater events of every size.\nBuffet\nOutdoor BBQ\nSmall Plates\nPlated Dinner\n";
        let dump = cleaner().clean_document(body, false);
        let page = cleaner().clean_document(body, true);
        assert!(dump.removed.iter().any(|r| r.reason == "menu_block"));
        assert!(page.removed.is_empty(), "{:?}", page.removed);
        assert_eq!(page.text(), body.trim_end());
    }

    #[test]
    fn extracted_bodies_keep_repeats_and_skip_the_classifier() {
        let body = "Step one\nMix well.\nStep one\nShort line\n";
        let dump = cleaner().clean_document(body, false);
        let page = cleaner().clean_document(body, true);
        assert!(dump.removed.iter().any(|r| r.reason == "repeated_line"));
        assert_eq!(page.text(), "Step one\nMix well.\nStep one\nShort line");
    }

    /// Real paragraphs (from the sample's articles).
    const PROSE: &[&str] = &[
        "The world has endured many challenges this year. The conflict in Ukraine, in particular, has impacted the whole planet.",
        "We also learned valuable lessons from the tragic events in January. Many of the participants of those riots received an amnesty.",
        "The domestic and foreign policy course taken by Kazakhstan has opened the door to enhanced cooperation with South Africa.",
        "Newly elected Kazakh President Kassym-Jomart Tokayev has very big shoes to fill.",
        "The presidential elections were organized within weeks of Nazarbayev's decision to step down, which was announced in March.",
        "Tokayev understands the winds of change well. He was the first Kazakh politician to use Twitter.",
        "An orderly transition of power is doubly important given that various fundamental Islamic elements continuously push to radicalize the Muslim majority in Kazakhstan.",
        "2023 will be another significant year for Kazakhstan. Parliamentary elections will be held within the first six months.",
        "Мир пережил в этом году много испытаний, и конфликт на Украине затронул всю планету.",
        "«Мы уже работаем над этим, и первые результаты появятся весной, — сказал министр.",
        "Но всё когда-нибудь меняется, и мы обязательно найдём способ защититься от этого».",
        "Бұл жыл әлем үшін өте қиын болды, және қақтығыс бүкіл планетаға әсер етті деп айтты ол.",
        "Олар келер жылы Түпқараған және Мұнайлы ауданында іске қосылады деп күтілуде.",
    ];
    /// Site lines of the issue and of real pages; each is removed by a rule
    /// or by the classifier.
    const SITE: &[&str] = &[
        "Comments are closed.",
        "Share on Facebook Share on Twitter",
        "Advertisement",
        "Story continues below advertisement",
        "Sign in Register",
        "Help | RSS | Subscribe",
        "Follow us on Facebook and Twitter",
        "Read more: Kazakhstan to join Abraham Accords",
        "Subscribe to our daily newsletter and never miss our top stories!",
        "0 reviews",
        "Реклама",
        "Поделиться",
        "Подписывайтесь на наш канал в Telegram",
        "Теги: политика, экономика",
        "Фото: пресс-служба акимата",
        "Жарнама",
        "Пікірлер (0)",
        "Барлық құқықтар қорғалған",
    ];
    /// A section heading and the headlines under it.
    const SECTIONS: &[&str] = &[
        "Related articles",
        "Read more",
        "Related Stories",
        "Founding Funders",
        "Читайте также",
        "Тағы оқыңыз",
    ];
    const HEADLINES: &[&str] = &[
        "Kazakhstan to join Abraham Accords",
        "New Kazakh president says he urged Iran to recognize Israel",
        "Israel-Kazakhstan relations continue to expand under new president",
        "Президент подписал закон о республиканском бюджете",
        "Елордада жаңа мектеп ашылды",
    ];

    #[derive(Debug, Clone)]
    enum Block {
        Prose(usize),
        Site(usize),
        Section(usize, Vec<usize>),
    }

    fn block() -> impl proptest::strategy::Strategy<Value = Block> {
        use proptest::prelude::*;
        prop_oneof![
            3 => (0..PROSE.len()).prop_map(Block::Prose),
            3 => (0..SITE.len()).prop_map(Block::Site),
            1 => (0..SECTIONS.len(), prop::collection::vec(0..HEADLINES.len(), 1..4))
                .prop_map(|(h, l)| Block::Section(h, l)),
        ]
    }

    proptest::proptest! {
        /// The clean stage never erases prose by position: whatever site
        /// lines and sections surround or split the paragraphs, every
        /// paragraph stays and every site line goes; the cleaned text
        /// cleans to itself.
        #[test]
        fn prose_survives_any_boilerplate(blocks in proptest::collection::vec(block(), 1..16)) {
            let mut lines: Vec<&str> = Vec::new();
            for b in &blocks {
                match b {
                    Block::Prose(i) => lines.push(PROSE[*i]),
                    Block::Site(i) => lines.push(SITE[*i]),
                    Block::Section(h, items) => {
                        lines.push(SECTIONS[*h]);
                        lines.extend(items.iter().map(|&i| HEADLINES[i]));
                    }
                }
            }
            let body = lines.join("\n");
            let cleaned = cleaner().clean(&body);
            let kept: std::collections::HashSet<&str> = cleaned.kept.iter().map(|l| l.text.as_str()).collect();
            for b in &blocks {
                match b {
                    Block::Prose(i) => proptest::prop_assert!(kept.contains(PROSE[*i]), "prose lost: {}\n{body}", PROSE[*i]),
                    Block::Site(i) => proptest::prop_assert!(!kept.contains(SITE[*i]), "kept: {}\n{body}", SITE[*i]),
                    Block::Section(h, _) => proptest::prop_assert!(!kept.contains(SECTIONS[*h])),
                }
            }
            let once = cleaned.text();
            proptest::prop_assert_eq!(cleaner().clean(&once).text(), once);
        }
    }

    #[test]
    fn a_section_ends_at_the_next_paragraph() {
        let body = format!(
            "Related articles\nKazakhstan to join Abraham Accords\n{}\n{}\nRead more\nOther story",
            PROSE[0], PROSE[1]
        );
        let cleaned = rules_only().clean(&body);
        assert_eq!(cleaned.text(), format!("{}\n{}", PROSE[0], PROSE[1]));
        let reasons: Vec<&str> = cleaned.removed.iter().map(|r| r.reason.as_str()).collect();
        assert_eq!(reasons, ["related_articles"; 4]);
    }

    #[test]
    fn a_section_ends_at_a_sentence_that_is_not_prose() {
        // Short Kazakh sentences have few listed function words: not
        // prose, but no headline of the list either.
        let body = "Тағы оқыңыз\nЕлордада жаңа мектеп ашылды\nБірақ әзірге сұраныс аз.\nОсы бағыттағы жоспарды тыңдауым қажет.";
        let cleaned = rules_only().clean(body);
        assert_eq!(
            cleaned.text(),
            "Бірақ әзірге сұраныс аз.\nОсы бағыттағы жоспарды тыңдауым қажет."
        );
        assert_eq!(cleaned.removed.len(), 2);
    }

    #[test]
    fn fenced_code_keeps_its_indentation_and_every_line() {
        let body = format!(
            "{}\n```python\ndef main():\n    for x in  range(3):\n        print(x)   # Share on Facebook\n\nRead more\n```\n{}\nRead more",
            PROSE[0], PROSE[1]
        );
        let cleaned = cleaner().clean(&body);
        let text = cleaned.text();
        assert!(
            text.contains("```python\ndef main():\n    for x in  range(3):\n        print(x)   # Share on Facebook\nRead more\n```"),
            "{text}"
        );
        assert!(!text.ends_with("Read more"), "{text}");
        // A date at the top of a code block is not the article's dateline.
        let dated = "```\n15 December 2022\nx = 1\n```\n".to_string() + PROSE[0];
        let cleaned = cleaner().clean(&dated);
        assert_eq!(cleaned.published, None);
        assert!(cleaned.text().starts_with("```\n15 December 2022\n"));
        assert_eq!(cleaner().clean(&text).text(), text);
        assert_eq!(
            fenced_code(&["a", "~~~", "```", "~~~", "b", "```", "c"]),
            [false, true, true, true, false, true, true]
        );
    }

    #[test]
    fn results_tables_inside_a_body_are_kept() {
        let body = "SOCCER - ENGLISH LEAGUE RESULTS\nLONDON 1996-08-30\nResults of English league matches on Friday:\n\
                    Division two\nPlymouth 2 Preston 1\nDivision three\nSwansea 1 Lincoln 2\n\
                    Manchester United beat Arsenal in the late match, and the champions moved to the top of the table.\n\
                    Standings:\nManchester United 4 3 1 0 9 2 10\nArsenal 4 2 1 1 6 4 7\nChelsea 4 1 2 1 5 5 5\n";
        let cleaned = cleaner().clean(body);
        let text = cleaned.text();
        for line in [
            "Plymouth 2 Preston 1",
            "Swansea 1 Lincoln 2",
            "Arsenal 4 2 1 1 6 4 7",
            "Division three",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} lost:\n{text}");
        }
        assert!(!text.contains("LONDON 1996-08-30"), "{text}");
        assert_eq!(
            cleaned.published,
            crate::document::parse_timestamp("1996-08-30")
        );
        // Every entity mention of the table lines survives cleaning (the
        // named-entity view of the same test: CoNLL's sports and market
        // items lost 31 % of their mentions to the old line rules).
        let tagger = crate::entities::EntityTagger::new(&crate::entities::EntityConfig::default());
        let kept: Vec<String> = tagger.tag(&text).into_iter().map(|m| m.surface).collect();
        let table = "Plymouth 2 Preston 1\nSwansea 1 Lincoln 2\nManchester United 4 3 1 0 9 2 10\nArsenal 4 2 1 1 6 4 7\nChelsea 4 1 2 1 5 5 5";
        let wanted = tagger.tag(table);
        assert!(wanted.len() >= 5, "{wanted:?}");
        for m in wanted {
            assert!(kept.contains(&m.surface), "{} lost: {kept:?}", m.surface);
        }
        // A wire item that is only a table keeps it too.
        let wire = "Soccer - Dutch first division results\nAjax 3 Feyenoord 1\nPSV Eindhoven 2 Twente 2\nVitesse 0 Utrecht 1\n";
        let text = cleaner().clean(wire).text();
        assert!(
            text.contains("Ajax 3 Feyenoord 1\nPSV Eindhoven 2 Twente 2"),
            "{text}"
        );
    }

    #[test]
    fn datelines_and_bylines_become_metadata() {
        let body = format!(
            "Kazakhstan's foreign policy opens door for cooperation\nBy Kanat Tumysh, Ambassador of the Republic of Kazakhstan\n15 December 2022\n{}\n{}",
            PROSE[0], PROSE[1]
        );
        let cleaned = cleaner().clean(&body);
        assert_eq!(cleaned.author.as_deref(), Some("Kanat Tumysh"));
        assert_eq!(
            cleaned.published,
            crate::document::parse_timestamp("2022-12-15")
        );
        assert!(!cleaned.text().contains("15 December 2022"));
        // Russian and Kazakh: month names, "Автор:", "NAME, тілші"; a short
        // byline leaves the text with the dateline.
        for (body, date, author) in [
            (
                "Казахстан и ЮАР расширяют сотрудничество\nАвтор: Иван Петров\n15 декабря 2022, 14:35\n\
                 Мир пережил в этом году много испытаний, и конфликт на Украине затронул всю планету.\n\
                 Мы также извлекли ценные уроки из трагических событий января, сказал он журналистам.",
                "2022-12-15",
                "Иван Петров",
            ),
            (
                "Қазақстан мен Оңтүстік Африка ынтымақтастығы\nАйгерім Нұрланқызы, тілші\n2022 жылғы 15 желтоқсан\n\
                 Бұл жыл әлем үшін өте қиын болды, және қақтығыс бүкіл планетаға әсер етті деп айтты ол.\n\
                 Біз қаңтар оқиғаларынан да маңызды сабақ алдық, деді министр журналистерге.",
                "2022-12-15",
                "Айгерім Нұрланқызы",
            ),
        ] {
            let cleaned = cleaner().clean(body);
            assert_eq!(cleaned.author.as_deref(), Some(author), "{body}");
            assert_eq!(
                cleaned.published,
                crate::document::parse_timestamp(date),
                "{body}"
            );
            let text = cleaned.text();
            assert!(text.lines().count() == 3, "{text}");
            assert!(!text.contains(author) && !text.contains("2022"), "{text}");
        }
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
