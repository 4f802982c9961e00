//! HTML page → main article text plus metadata (title, author, publication
//! date, canonical URL).
//!
//! # How the main text is found
//!
//! The page is parsed once with `scraper` (html5ever) and flattened into a
//! pre-order arena ([`Node`]), so that a node's subtree is the index range
//! `i..end[i]`. Every later step is a linear pass over that arena; nothing
//! calls `select()` on the tree.
//!
//! 1. **Flatten** ([`arena`]) – script/style/form-control/… subtrees are
//!    left out ("hard drops"). Landmarks (header, aside, dialog, hidden
//!    elements) are kept but dropped in every pass unless one holds half the
//!    page's paragraph text and at least 500 characters of it (an article
//!    set inside `<header>`, a page inside an unclosed `<aside>`); nav,
//!    footer and landmarks inside consent/ad boxes are always dropped. Elements whose
//!    class/id reads like boilerplate ([`classes`]: share, related, comment,
//!    promo, advert, newsletter, caption, byline, sidebar, widget, …) are
//!    marked "soft drops". Siblings of one template (same tag and class) are
//!    counted: cards, posts and grid items repeat, boilerplate boxes seldom do.
//! 2. **Aggregate** – one reverse pass sums, per element, its text length,
//!    link-text length, commas and counts of paragraphs/list items/images/inputs.
//! 3. **Drop by class, with guards** ([`select`]) – a soft drop is undone
//!    when the element holds half the page's paragraph text, or when it and
//!    its same-class siblings hold `group_guard` of it (a forum thread whose
//!    every post is `class="comment"`).
//! 4. **Score** (readability's idea) – each paragraph (a block that owns ≥ 25
//!    characters of non-link text) scores `1 + commas + min(len/100, 3)` and
//!    credits its ancestors with a decay by level. A candidate's final score is
//!    scaled by `1 - link density` and by class/id (`×1.25` content-like,
//!    `×0.75` boilerplate-like) and structural hints (`<article>`, `<main>`,
//!    `role=main`, `itemprop=articleBody`: `×(1 + hint_bonus)`).
//! 5. **Widen** – the best candidate is moved up to its parent while the parent
//!    holds only a little more text (`parent_gain`) or its extra text is mostly
//!    low-link paragraph text (`prose_frac`); then to the page's `<main>` when
//!    it covers less than `main_cover` of main's text (a listing's cards, a
//!    service page's sections); then, on a page without `<main>`, to the
//!    nearest wrapper below `<body>` holding `page_cover` of the page's
//!    paragraph text (the body itself when the page has `body_cover`
//!    characters of it and no block holds half); then siblings with good
//!    scores or plain prose paragraphs are added (readability).
//! 6. **Render** ([`render`]) – one block per line; a table row of inline
//!    cells is one line (`cell | cell`), a `<pre>` keeps its line breaks;
//!    readability's conditional cleaning drops link-dense boxes, except cards
//!    of one template that carry a teaser. Lines know their kind (paragraph,
//!    heading, item, row, code), so Markdown ([`TextFormat`]) can mark them.
//! 7. **Filter lines** ([`lines`]) – short boilerplate lines ("Advertisement",
//!    "Read more", …), link lines outside cards, date lines, a short lead,
//!    trailing headings and duplicates.
//!
//! 8. **Line model** ([`line_model`]) – unless the page's metadata says it
//!    is an article, the whole body is rendered one line per block and
//!    gradient-boosted trees keep or drop each line, reading the rules'
//!    choice (steps 1–7 and the fallbacks below) as one of their features.
//!
//! Fallbacks when the text is short (trafilatura's idea: a second opinion
//! only when the first is thin): the passes are re-run without the class/id
//! drops (readability's retry); a page whose content sits in `<noscript>`
//! (a crawler view) is extracted from that; finally a lenient rendering of
//! `<main>` or the body without link-density rules (front pages of link
//! cards), first with the class/id drops, then without them (cards that are
//! all `promo`/`teaser` boxes). Each fallback is taken only when it doubles
//! the text.

mod arena;
mod classes;
mod code_bodies;
mod line_model;
mod lines;
mod meta;
mod render;
mod select;

use html5ever::tendril::TendrilSink;
use scraper::Html;
use serde::{Deserialize, Serialize};

use arena::{char_len, flatten, Node};
use line_model::ModelText;
#[cfg(test)]
pub(crate) use line_model::SHIPPED as LINE_MODEL;
pub use line_model::{page_lines, PageLine, FEATURES as LINE_FEATURES};
use meta::Meta;

/// How the main text is written out (`[read] text_format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextFormat {
    /// One block per line, blank lines between blocks; table cells joined
    /// by `" | "`, code blocks with their own line breaks.
    #[default]
    Plain,
    /// The same blocks marked up for readers that take Markdown (language
    /// models): `#` headings, `- ` list items, pipe tables, fenced code.
    Markdown,
}

/// What [`extract`] returns.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Extracted {
    /// Page title (og:title, JSON-LD headline, `<title>`, first `<h1>`).
    pub title: Option<String>,
    /// Author name(s) from meta tags or JSON-LD.
    pub author: Option<String>,
    /// Publication date as found (usually ISO 8601).
    pub published: Option<String>,
    /// Canonical URL (`<link rel=canonical>`, og:url, JSON-LD url, or the given URL).
    pub canonical_url: Option<String>,
    /// Main text; paragraphs separated by `"\n\n"`.
    pub text: String,
}

/// Tunable weights. The defaults were chosen on the WCXB dev split and AEB;
/// `benches/wcxb/cv.py` reports them cross-validated by page type and by
/// site (README, "Pages of every type").
#[derive(Debug, Clone, Copy)]
pub struct Params {
    /// Minimum non-link characters for a block to count as a paragraph.
    pub min_par: u32,
    /// Bonus for `<article>`/`itemprop=articleBody`/positive content classes.
    pub hint_bonus: f32,
    /// Fraction of the best score a sibling needs to be appended.
    pub sibling_frac: f32,
    /// The parent replaces the candidate if it adds at most this fraction of
    /// the candidate's text (and has link density < 0.3).
    pub parent_gain: f32,
    /// Share of paragraph text that the extra text of a parent needs for the
    /// parent to replace the candidate.
    pub prose_frac: f32,
    /// Lines before the first line this long are dropped.
    pub lead_min: u32,
    /// Link density above which a line inside a list/short block is dropped.
    pub line_ld: f32,
    /// Forums: a boilerplate-looking element (`class="comment"`) is kept when
    /// it and its siblings of the same class hold at least this share of the
    /// page's paragraph text (0: off).
    pub group_guard: f32,
    /// Listings and service pages: the chosen block widens to the page's
    /// `<main>` when it holds less than this share of main's text (0: off).
    pub main_cover: f32,
    /// Pages without a dominant block (service and product pages of many
    /// sections): the chosen block widens to its nearest ancestor holding
    /// at least this share of the page's paragraph text (0: off).
    pub page_cover: f32,
    /// The widest link density `page_cover` accepts for the ancestor.
    pub cover_ld: f32,
    /// The paragraph text (characters) a page needs for `page_cover` to
    /// widen to the body itself, when no block holds half of it: a landing
    /// page whose sections sit straight in `<body>` (0: never the body).
    pub body_cover: u32,
    /// Headings in the lead are kept (0: off).
    pub lead_headings: f32,
    /// A link line inside a small card with a teaser is kept (0: off, 1: on).
    pub card_links: f32,
    /// A first pass shorter than this (characters) is retried without the
    /// class/id drops.
    pub retry_chars: u32,
    /// Lenient fallback ([`lenient_text`]) when the text is still shorter
    /// than `retry_chars`: 0 off, 1 with the class/id drops, 2 then also
    /// without them (front pages whose cards are all `promo` boxes).
    pub lenient: u8,
    /// The line model ([`line_model`]) decides, line by line over the whole
    /// page, starting from the rules' choice (1, the default); 0: the rules
    /// alone.
    pub line_model: f32,
}

impl Params {
    /// Overrides settings from `key=value` pairs separated by commas (for
    /// tuning runs of `tools/aeb.rs`).
    pub fn with(mut self, spec: &str) -> Result<Params, String> {
        for pair in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (k, v) = pair
                .split_once('=')
                .ok_or(format!("{pair}: not key=value"))?;
            let f: f32 = v.parse().map_err(|_| format!("{pair}: not a number"))?;
            match k {
                "min_par" => self.min_par = f as u32,
                "hint_bonus" => self.hint_bonus = f,
                "sibling_frac" => self.sibling_frac = f,
                "parent_gain" => self.parent_gain = f,
                "prose_frac" => self.prose_frac = f,
                "lead_min" => self.lead_min = f as u32,
                "line_ld" => self.line_ld = f,
                "group_guard" => self.group_guard = f,
                "main_cover" => self.main_cover = f,
                "page_cover" => self.page_cover = f,
                "cover_ld" => self.cover_ld = f,
                "body_cover" => self.body_cover = f as u32,
                "lead_headings" => self.lead_headings = f,
                "card_links" => self.card_links = f,
                "retry_chars" => self.retry_chars = f as u32,
                "lenient" => self.lenient = f as u8,
                "line_model" => self.line_model = f,
                _ => return Err(format!("{k}: unknown setting")),
            }
        }
        Ok(self)
    }
}

impl Default for Params {
    fn default() -> Self {
        Params {
            min_par: 25,
            hint_bonus: 0.25,
            sibling_frac: 0.2,
            parent_gain: 0.2,
            prose_frac: 0.5,
            lead_min: 60,
            line_ld: 0.7,
            group_guard: 0.75,
            main_cover: 0.5,
            page_cover: 0.6,
            cover_ld: 0.2,
            body_cover: 1000,
            lead_headings: 1.0,
            card_links: 1.0,
            retry_chars: 250,
            lenient: 2,
            line_model: 1.0,
        }
    }
}

/// Extracts main text (plain) and metadata from an HTML page.
#[cfg(test)]
pub fn extract(html: &str, url: Option<&str>) -> Extracted {
    extract_with(html, url, &Params::default(), TextFormat::Plain)
}

/// One pass: choose, render, filter, lay out.
fn main_text(a: &mut [Node], p: &Params, soft: bool, format: TextFormat) -> (String, Vec<usize>) {
    let roots = select::choose(a, p, soft);
    let rendered = render::render(a, &roots, p.card_links > 0.0, false);
    (
        render::layout(&lines::filter_lines(&rendered, p), format),
        roots,
    )
}

/// The last resort when the scored passes find almost nothing (a listing
/// whose every card is one link, as on news front pages): the page's
/// `<main>` region, else its body, with the class/id drops but without the
/// link-density rules, which would take every card (trafilatura's
/// baseline extraction plays the same part).
fn lenient_text(a: &mut [Node], p: &Params, format: TextFormat, soft: bool) -> String {
    select::choose(a, p, soft);
    let root = (1..a.len())
        .find(|&i| a[i].region && !a[i].drop && a[i].chars > 0)
        .or_else(|| (1..a.len()).find(|&i| a[i].tag == arena::Tag::Body))
        .unwrap_or(0);
    let rendered = render::render(a, &[root], true, true);
    let lenient = Params {
        line_ld: f32::INFINITY,
        ..*p
    };
    render::layout(&lines::filter_lines(&rendered, &lenient), format)
}

/// Most nodes a page's tree is given room for before parsing: 16 MiB at
/// 128 bytes a node, three times what the largest page of WCXB's 2,008
/// needs (22k `<`); a larger tree grows as it is built.
const MAX_ROOM_NODES: usize = 1 << 17;

/// The page's tree as html5ever builds it, less the text of its scripts
/// and style sheets, what its inline SVG and MathML drawings hold and the
/// values of attributes nothing reads ([`code_bodies`]): 57 % of the bytes
/// of 600 WCXB pages in code and drawings alone, and a quarter of the rest
/// in those values, that html5ever no longer tokenizes.
///
/// The tree is given its room first: ego_tree keeps its nodes in one
/// vector, which grew by doubling and moved every node each time (1 % of
/// an HTML run's instructions, cachegrind on 150 WCXB pages). Each `<`
/// opens at most one node, and a text node lies between two of them, so
/// twice their count is room for the page (the elements html5ever implies,
/// such as a `<tbody>`, can still grow it, as before). The room is capped:
/// a text of `<` signs alone is one node, and must not reserve gigabytes.
pub fn parse_page(html: &str) -> Html {
    let html = code_bodies::without_code(html);
    let nodes = (2 * memchr::memchr_iter(b'<', html.as_bytes()).count() + 2).min(MAX_ROOM_NODES);
    let mut doc = Html::new_document();
    doc.tree = ego_tree::Tree::with_capacity(scraper::Node::Document, nodes);
    html5ever::parse_document(scraper::HtmlTreeSink::new(doc), Default::default()).one(&*html)
}

/// [`extract`] with explicit parameters (for tuning / cross-validation).
pub fn extract_with(html: &str, url: Option<&str>, p: &Params, format: TextFormat) -> Extracted {
    extract_at(html, url, p, format, 0)
}

fn extract_at(
    html: &str,
    url: Option<&str>,
    p: &Params,
    format: TextFormat,
    depth: u8,
) -> Extracted {
    let doc = parse_page(html);
    let mut meta = Meta::default();
    let mut arena = flatten(&doc, &mut meta);
    let ld = meta.finish_jsonld();
    // The line model decides unless the page says it is an article; then
    // it needs the rules' plain text, whose lines are one of its features,
    // and lays out its own choice in `format`.
    let kind = line_model::PageKind::of(&meta, &ld);
    let model = p.line_model > 0.0 && !kind.says_article();
    let rules = Params {
        line_model: 0.0,
        ..*p
    };
    let rules_format = if model { TextFormat::Plain } else { format };
    let chosen = rules_text(&mut arena, &meta, url, &rules, rules_format, depth);
    let text = if !model {
        chosen.text
    } else {
        match line_model::model_text(
            line_model::model(),
            &mut arena,
            &meta,
            kind,
            &chosen,
            p,
            format,
        ) {
            ModelText::Text(text) => text,
            ModelText::Rules if format != TextFormat::Plain => {
                rules_text(&mut arena, &meta, url, &rules, format, depth).text
            }
            ModelText::Rules => chosen.text,
            ModelText::Noscript if depth == 0 => extract_at(&meta.noscript, url, p, format, 1).text,
            ModelText::Noscript => chosen.text,
        }
    };
    let pick = |v: [&Option<String>; 4]| {
        v.into_iter()
            .flatten()
            .find(|s| !s.trim().is_empty())
            .cloned()
    };
    Extracted {
        title: pick([&meta.og_title, &ld.headline, &meta.title, &meta.h1]).map(|s| squash(&s)),
        author: pick([&meta.author, &ld.author, &meta.rel_author, &None]).map(|s| squash(&s)),
        published: pick([&meta.published, &ld.published, &meta.time, &None])
            .map(|s| s.trim().to_string()),
        canonical_url: pick([
            &meta.canonical,
            &meta.og_url,
            &ld.url,
            &url.map(str::to_string),
        ])
        .map(|s| s.trim().to_string()),
        text,
    }
}

/// The rules' main text: the scored passes and their fallbacks.
fn rules_text(
    arena: &mut [Node],
    meta: &Meta,
    url: Option<&str>,
    p: &Params,
    format: TextFormat,
    depth: u8,
) -> RulesText {
    let (mut text, roots) = main_text(arena, p, true, format);
    let mut first_pass = Some(roots);
    let short = |t: &str| fewer_chars(t, p.retry_chars as usize);
    let take_if_longer = |text: &mut String, other: String| {
        if !fewer_chars(&other, 2 * char_len(text) + 1) {
            *text = other;
        }
    };
    if short(&text) {
        let (retry, _) = main_text(arena, p, false, format);
        first_pass = None;
        take_if_longer(&mut text, retry);
    }
    // Pages rendered by scripts (Discourse forums) put the whole page for
    // crawlers inside `<noscript>`, which html5ever keeps as raw text.
    if short(&text) && depth == 0 && meta.noscript.len() > 1000 {
        let inner = extract_at(&meta.noscript, url, p, format, 1);
        take_if_longer(&mut text, inner.text);
    }
    if short(&text) && p.lenient > 0 {
        let lenient = lenient_text(arena, p, format, true);
        first_pass = None;
        take_if_longer(&mut text, lenient);
    }
    // A front page whose every card is a `promo` or `teaser` box: the
    // same without the class drops (readability's last retry).
    if short(&text) && p.lenient > 1 {
        let lenient = lenient_text(arena, p, format, false);
        first_pass = None;
        take_if_longer(&mut text, lenient);
    }
    RulesText { text, first_pass }
}

/// What [`rules_text`] chose.
pub(super) struct RulesText {
    pub text: String,
    /// The roots of the rules' first pass while the arena still holds
    /// that pass's drops (no fallback chose again): the line model starts
    /// from that pass, and need not choose it again.
    pub first_pass: Option<Vec<usize>>,
}

/// Whether `t` has fewer than `n` non-whitespace characters
/// (`char_len(t) < n`), counting no further than `n`: the tests above ask
/// it of a whole page's text up to four times, where counting all of it
/// was 1 % of an HTML run.
fn fewer_chars(t: &str, n: usize) -> bool {
    t.chars().filter(|c| !c.is_whitespace()).take(n).count() < n
}

pub(super) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
pub(super) mod tests;
