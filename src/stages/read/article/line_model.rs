//! The line model: every line of a page, what it reads about each line,
//! and the trees that decide which lines are the main content.
//!
//! The rules ([`super::select`], [`super::lines`]) choose one region and
//! trim it; what they miss is content outside that region (a listing's
//! second column, a product's spec table) and boilerplate inside it. The
//! model renders the whole body, one line per block, and decides line by
//! line from the rules' choice (its strongest feature), the line's own shape,
//! where it sits and what its ancestors say (landmarks, class words, cards).
//!
//! The trees are gradient-boosted (scikit-learn's histogram GBM), trained
//! on the WCXB dev split by `benches/wcxb/line_model.py`, which also reports
//! them cross-validated by site and by page type; they ship as
//! `data/models/html-lines.json` (README, "Pages of every type").

use super::arena::*;
use super::classes::res;
use super::render::{clean_conditionally, layout, render, Line, LineKind};
use super::{select, Params, TextFormat};
use crate::stages::stopwords::is_stop_word_any_case;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// One rendered line of the whole page and its features (for training).
#[derive(Debug, Clone)]
pub struct PageLine {
    pub text: String,
    /// See [`FEATURES`] for the names, in order.
    pub features: Vec<f32>,
}

/// Feature names, in the order of [`PageLine::features`].
pub const FEATURES: &[&str] = &[
    "selected",
    "in_root",
    "pass_drop",
    "cond_clean",
    "kind_para",
    "kind_heading",
    "kind_item",
    "kind_row",
    "kind_code",
    "ln_chars",
    "link_density",
    "ln_words",
    "ln_commas",
    "sentences",
    "digit_share",
    "capital_share",
    "in_card",
    "chrome",
    "weighed",
    "soft_drop",
    "class_boiler",
    "class_content",
    "hint",
    "region",
    "ln_alike",
    "ln_depth",
    "position",
    "char_position",
    "ln_page_chars",
    "page_selected_share",
    "boiler_line",
    "date_line",
    "sel_prev",
    "sel_next",
    "sel_prev2",
    "sel_next2",
    "ld_prev",
    "ld_next",
    "ln_chars_prev",
    "ln_chars_next",
    "ln_sel_distance",
    "inside_selected_span",
    "container_ld",
    "ln_container_chars",
    "ends_punct",
    "heading_level",
    "root_share",
    "tag_p",
    "tag_li",
    "tag_td",
    "tag_div",
    "tag_quote",
    "ln_own_alike",
    "own_class",
    "container_sel_share",
    "outer_sel_share",
    "outer_ld",
    "ln_outer_chars",
    "function_words",
    "words_vs_median",
    "ln_lines",
    "og_article",
    "og_product",
    "ld_article",
    "ld_product",
    "ld_list",
    "ld_forum",
    "dated",
    "prose_share",
    "selected_prose_share",
];

/// What the page says it is (its metadata), the same for all its lines:
/// the rules' choice is right on articles far more often than on listings,
/// and a comment thread is content on a forum page but not under an article.
#[derive(Clone, Copy, Default)]
pub(super) struct PageKind {
    og_article: bool,
    og_product: bool,
    ld_article: bool,
    ld_product: bool,
    ld_list: bool,
    ld_forum: bool,
    dated: bool,
}

impl PageKind {
    /// The page's metadata calls it an article: the rules, made for
    /// articles, decide alone. Trained on all pages, the model adds the
    /// comment threads and link lists that WCXB counts as content of forums
    /// and listings; on AEB's articles that cost 0.02 F1.
    ///
    /// `og:type` is often the site's default, set on every page (Al
    /// Jazeera's and Allrecipes' section fronts say "article"); JSON-LD is
    /// written for the page. So a page whose JSON-LD calls it a list, a
    /// forum thread or a product is not an article, whatever its `og:type`.
    pub(super) fn says_article(&self) -> bool {
        let other = self.ld_list || self.ld_forum || self.ld_product;
        self.ld_article || (self.og_article && !other)
    }

    pub(super) fn of(meta: &super::meta::Meta, ld: &super::meta::JsonLd) -> PageKind {
        let og = meta.og_type.as_deref().unwrap_or("").to_ascii_lowercase();
        let any = |f: &dyn Fn(&str) -> bool| ld.types.iter().any(|t| f(t));
        PageKind {
            og_article: og == "article",
            og_product: og.contains("product"),
            ld_article: any(&|t| {
                t.contains("Article") || t.contains("BlogPosting") || t == "Report"
            }),
            ld_product: any(&|t| t.contains("Product") || t == "Offer"),
            ld_list: any(&|t| {
                t.contains("ItemList")
                    || t.contains("CollectionPage")
                    || t.contains("SearchResults")
            }),
            ld_forum: any(&|t| {
                t.contains("DiscussionForum") || t.contains("QAPage") || t == "Question"
            }),
            dated: meta.published.is_some() || ld.published.is_some() || meta.time.is_some(),
        }
    }
}

/// How many features a line has.
const N: usize = FEATURES.len();

/// Every line of `html`'s body with its features (the training data of
/// `aeb wcxb-lines`). The rules run without the model, as in training.
pub fn page_lines(html: &str, p: &Params) -> Vec<PageLine> {
    let rules = Params {
        line_model: 0.0,
        ..*p
    };
    let chosen = super::extract_with(html, None, &rules, TextFormat::Plain).text;
    page_lines_in(html, &chosen, p, true)
}

/// [`page_lines`] of one document; `outer` says whether its `<noscript>`
/// may stand in for a nearly empty body (once, as in `extract_at`).
fn page_lines_in(html: &str, chosen: &str, p: &Params, outer: bool) -> Vec<PageLine> {
    let doc = super::parse_page(html);
    let mut meta = super::meta::Meta::default();
    let mut a = flatten(&doc, &mut meta);
    let kind = PageKind::of(&meta, &meta.finish_jsonld());
    let noscript = if outer { meta.noscript.as_str() } else { "" };
    match lines_of(&mut a, None, noscript, kind, chosen, p) {
        Page::Lines(lines, features) => to_page_lines(lines, features),
        Page::Noscript => page_lines_in(noscript, chosen, p, false),
    }
}

fn to_page_lines(lines: Vec<Line>, features: Vec<[f32; N]>) -> Vec<PageLine> {
    lines
        .into_iter()
        .zip(features)
        .map(|(l, f)| PageLine {
            text: l.text,
            features: f.to_vec(),
        })
        .collect()
}

/// What the line model made of a page.
#[derive(Debug, PartialEq)]
pub(super) enum ModelText {
    /// The lines it kept, laid out.
    Text(String),
    /// It kept no line of a page the rules found text in: the rules' text
    /// stands. The model never empties a page (a refit once dropped pages
    /// of one line, "Just a line", that the rules had whole).
    Rules,
    /// The body is nearly empty and `<noscript>` holds the page.
    Noscript,
}

/// The main text the trees `m` (the shipped ones: [`model`]) choose, laid
/// out in `format`, given what the rules chose (`chosen`: their plain
/// text, and their first pass if `a` still holds it).
pub(super) fn model_text(
    m: &Model,
    a: &mut [Node],
    meta: &super::meta::Meta,
    kind: PageKind,
    chosen: &super::RulesText,
    p: &Params,
    format: TextFormat,
) -> ModelText {
    let first_pass = chosen.first_pass.as_deref();
    let (lines, features) = match lines_of(a, first_pass, &meta.noscript, kind, &chosen.text, p) {
        Page::Lines(lines, features) => (lines, features),
        Page::Noscript => return ModelText::Noscript,
    };
    let kept: Vec<&Line> = lines
        .iter()
        .zip(&features)
        .filter(|(_, f)| m.content(f.as_slice()))
        .map(|(l, _)| l)
        .collect();
    if kept.is_empty() && !chosen.text.trim().is_empty() {
        return ModelText::Rules;
    }
    ModelText::Text(layout(&kept, format))
}

enum Page {
    Lines(Vec<Line>, Vec<[f32; N]>),
    /// The body is nearly empty and `<noscript>` holds the page.
    Noscript,
}

/// Renders the whole body of the flattened page and computes each line's
/// features; `chosen` is the rules' plain text, whose lines are "selected".
/// `first_pass`: the roots of the rules' first pass when `a` holds its
/// drops (chosen again when `None`).
fn lines_of(
    a: &mut [Node],
    first_pass: Option<&[usize]>,
    noscript: &str,
    kind: PageKind,
    chosen: &str,
    p: &Params,
) -> Page {
    if a.is_empty() {
        return Page::Lines(Vec::new(), Vec::new());
    }
    // The rules' first pass: its roots, its drops and the boxes
    // readability's cleaning would take out.
    let roots = match first_pass {
        Some(roots) => roots.to_vec(),
        None => select::choose(a, p, true),
    };
    let n = a.len();
    let mut in_root = vec![false; n];
    for &r in &roots {
        in_root[r..a[r].end as usize].fill(true);
    }
    let root_chars: u32 = roots.iter().map(|&r| a[r].chars).sum();
    let mut anc = vec![Ancestry::default(); n];
    for i in 0..n {
        let par = a[i].parent;
        let mut x = if i == 0 || par == NONE {
            Ancestry::default()
        } else {
            anc[par as usize]
        };
        let node = &a[i];
        x.depth += 1;
        x.pass_drop |= node.drop;
        x.cond_clean |= node.kind == Kind::Block && clean_conditionally(node, true);
        x.chrome |= node.landmark == Landmark::Chrome;
        x.weighed |= node.landmark == Landmark::Weighed;
        x.soft |= node.soft_drop;
        x.boiler |= node.class_w < 0;
        x.content |= node.class_w > 0;
        x.hint |= node.hint;
        x.region |= node.region;
        x.alike = x.alike.max(node.alike);
        anc[i] = x;
    }
    for x in a.iter_mut() {
        x.drop = false;
    }
    aggregate(a);
    let body = (1..n).find(|&i| a[i].tag == Tag::Body).unwrap_or(0);
    let lines = render(a, &[body], true, true);
    // Pages rendered by scripts keep their crawler view in `<noscript>`
    // (as the rules do, see `extract_at`).
    let chars: u32 = lines.iter().map(|l| l.chars).sum();
    if chars < p.retry_chars && noscript.len() > 1000 {
        return Page::Noscript;
    }
    let selected = selected_lines(&lines, chosen);
    let page = PageFacts {
        a,
        lines: &lines,
        selected: &selected,
        in_root: &in_root,
        anc: &anc,
        root_chars,
        kind,
    };
    let features = page.features();
    Page::Lines(lines, features)
}

/// Which rendered lines the rules' text holds (each text line used once).
fn selected_lines(lines: &[Line], chosen: &str) -> Vec<bool> {
    let mut wanted: HashMap<&str, u32> = HashMap::new();
    for l in chosen.lines().map(str::trim).filter(|l| !l.is_empty()) {
        *wanted.entry(l).or_default() += 1;
    }
    lines
        .iter()
        .map(|l| {
            let text = l.text.replace('\u{ad}', "");
            text.lines()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .all(|t| match wanted.get_mut(t) {
                    Some(c) if *c > 0 => {
                        *c -= 1;
                        true
                    }
                    _ => false,
                })
        })
        .collect()
}

/// The trees, as `benches/wcxb/line_model.py --write` exports them.
#[derive(Deserialize, Clone)]
#[serde(from = "Exported")]
pub(super) struct Model {
    features: Vec<String>,
    init: f64,
    /// Probability of content a line needs to be kept…
    threshold: f64,
    /// …or, for a line the rules chose, to stay.
    keep_threshold: f64,
    /// The trees as exported (their links are checked by tests).
    #[cfg(test)]
    trees: Vec<Tree>,
    /// The same trees, each padded to a complete tree of `depth` levels
    /// (what [`Model::raw`] walks): every walk is then `depth` steps whose
    /// next node is computed, not branched to. Lines fall either way at
    /// random, and the mispredicted branches of the walk node by node were
    /// most of its cost.
    walk: CompleteTrees,
}

#[derive(Deserialize)]
struct Exported {
    features: Vec<String>,
    init: f64,
    threshold: f64,
    keep_threshold: f64,
    trees: Vec<Tree>,
}

/// Trees of one depth in heap order: tree `t`'s split `i` is at
/// `t * splits + i`, with its children at `2i + 1` and `2i + 2`, and its
/// leaf `j` (the `j`th from the left) at `t * (splits + 1) + j`.
#[derive(Clone)]
struct CompleteTrees {
    depth: u32,
    /// `2^depth - 1`.
    splits: usize,
    feature: Vec<u16>,
    threshold: Vec<f64>,
    leaf: Vec<f64>,
}

/// Deepest tree the walk pads to: a tree of depth `d` takes `2^d` leaves.
const MAX_DEPTH: u32 = 10;

impl CompleteTrees {
    fn new(trees: &[Tree]) -> CompleteTrees {
        let depth = trees.iter().map(|t| t.depth(0)).max().unwrap_or(0);
        assert!(
            depth <= MAX_DEPTH,
            "the line model's trees are {depth} deep, more than {MAX_DEPTH}"
        );
        let splits = (1usize << depth) - 1;
        let mut walk = CompleteTrees {
            depth,
            splits,
            feature: Vec::with_capacity(trees.len() * splits),
            threshold: Vec::with_capacity(trees.len() * splits),
            leaf: Vec::with_capacity(trees.len() * (splits + 1)),
        };
        for t in trees {
            walk.feature.resize(walk.feature.len() + splits, 0);
            walk.threshold.resize(walk.threshold.len() + splits, 0.0);
            let base = walk.feature.len() - splits;
            walk.place(t, 0, 0, base);
        }
        walk
    }

    /// Copies `t`'s node `node` to split `slot` of the tree at `base`. A
    /// leaf above the last level fills every leaf under its slot; the
    /// splits under it keep feature 0 and threshold 0: whichever way they
    /// send a line, it reaches the same value.
    fn place(&mut self, t: &Tree, node: usize, slot: usize, base: usize) {
        if t.feature[node] < 0 {
            // A split on level `l` has `2^(depth - l)` leaves under it, a
            // leaf slot (level `depth`) itself. The walk takes left before
            // right, so leaves are pushed in their order from the left.
            let level = (slot + 1).ilog2();
            self.leaf.extend(std::iter::repeat_n(
                t.value[node],
                1 << (self.depth - level),
            ));
            return;
        }
        self.feature[base + slot] =
            u16::try_from(t.feature[node]).expect("a line feature's index fits 16 bits");
        self.threshold[base + slot] = t.threshold[node];
        self.place(t, t.left[node] as usize, 2 * slot + 1, base);
        self.place(t, t.right[node] as usize, 2 * slot + 2, base);
    }
}

impl Tree {
    /// Levels of splits under node `i`.
    fn depth(&self, i: usize) -> u32 {
        if self.feature[i] < 0 {
            0
        } else {
            1 + self
                .depth(self.left[i] as usize)
                .max(self.depth(self.right[i] as usize))
        }
    }
}

impl From<Exported> for Model {
    fn from(e: Exported) -> Model {
        Model {
            walk: CompleteTrees::new(&e.trees),
            features: e.features,
            init: e.init,
            threshold: e.threshold,
            keep_threshold: e.keep_threshold,
            #[cfg(test)]
            trees: e.trees,
        }
    }
}

/// One regression tree: node `i` is a leaf when `feature[i]` is -1, else
/// goes `left` when the feature is at most `threshold[i]`.
#[derive(Deserialize, Clone)]
struct Tree {
    feature: Vec<i32>,
    threshold: Vec<f64>,
    left: Vec<u32>,
    right: Vec<u32>,
    value: Vec<f64>,
}

/// The shipped trees as their file holds them (`data/models/html-lines.json`,
/// trained by `benches/wcxb/line_model.sh`). A static: a `const` is
/// copied into every place that uses it.
pub static SHIPPED: &str = include_str!("../../../../data/models/html-lines.json");

pub(super) fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| {
        let m: Model = serde_json::from_str(SHIPPED).expect("the shipped line model is valid JSON");
        assert!(
            m.features
                .iter()
                .map(String::as_str)
                .eq(FEATURES.iter().copied()),
            "the shipped line model was trained on other features"
        );
        m
    })
}

/// The shipped trees with thresholds no line reaches: a model that keeps
/// nothing (for tests).
#[cfg(test)]
pub(super) fn keeping_nothing() -> Model {
    Model {
        threshold: 2.0,
        keep_threshold: 2.0,
        ..model().clone()
    }
}

/// Loads the shipped model and checks every tree's node links, and that
/// the complete trees [`Model::raw`] walks give the very score of the
/// trees walked node by node, on lines whose features sit on, just under
/// and just over the thresholds, or are NaN; returns how many trees it
/// has (for tests).
#[cfg(test)]
pub(super) fn check_model() -> usize {
    let m = model();
    for t in &m.trees {
        let n = t.feature.len();
        assert!(
            [
                t.threshold.len(),
                t.left.len(),
                t.right.len(),
                t.value.len()
            ] == [n; 4]
        );
        for i in 0..n {
            if t.feature[i] >= 0 {
                assert!((t.feature[i] as usize) < N);
                assert!((t.left[i] as usize) < n && (t.right[i] as usize) < n);
                assert!(
                    t.left[i] as usize > i && t.right[i] as usize > i,
                    "a tree loops"
                );
            }
        }
    }
    let mut values: Vec<Vec<f32>> = vec![vec![0.0, f32::NAN]; N];
    for t in &m.trees {
        for (&f, &x) in t.feature.iter().zip(&t.threshold) {
            if f >= 0 {
                let x = x as f32;
                values[f as usize].extend([x, x.next_down(), x.next_up()]);
            }
        }
    }
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(16);
    for _ in 0..20_000 {
        let x: Vec<f32> = values
            .iter()
            .map(|v| v[rng.random_range(0..v.len())])
            .collect();
        let mut node_by_node = m.init;
        for t in &m.trees {
            let mut i = 0;
            while t.feature[i] >= 0 {
                let f = t.feature[i] as usize;
                i = if f64::from(x[f]) <= t.threshold[i] {
                    t.left[i]
                } else {
                    t.right[i]
                } as usize;
            }
            node_by_node += t.value[i];
        }
        assert_eq!(m.raw(&x).to_bits(), node_by_node.to_bits(), "{x:?}");
    }
    m.trees.len()
}

impl Model {
    /// The raw score (log-odds of content).
    fn raw(&self, x: &[f32]) -> f64 {
        let w = &self.walk;
        let mut s = self.init;
        for ((feature, threshold), leaf) in w
            .feature
            .chunks_exact(w.splits)
            .zip(w.threshold.chunks_exact(w.splits))
            .zip(w.leaf.chunks_exact(w.splits + 1))
        {
            let mut i = 0;
            for _ in 0..w.depth {
                // Left (`2i + 1`) when the feature is at most the
                // threshold, as the trees were trained; else (a NaN too)
                // right.
                let left = f64::from(x[usize::from(feature[i])]) <= threshold[i];
                i = 2 * i + 2 - usize::from(left);
            }
            s += leaf[i - w.splits];
        }
        s
    }

    fn content(&self, x: &[f32]) -> bool {
        let p = 1.0 / (1.0 + (-self.raw(x)).exp());
        let selected = x[0] > 0.0;
        p >= if selected {
            self.keep_threshold
        } else {
            self.threshold
        }
    }
}

#[derive(Clone, Copy, Default)]
struct Ancestry {
    depth: u32,
    /// Dropped by the rules' first pass (landmark or class).
    pass_drop: bool,
    /// Inside a box readability's cleaning would take out.
    cond_clean: bool,
    chrome: bool,
    weighed: bool,
    soft: bool,
    boiler: bool,
    content: bool,
    hint: bool,
    region: bool,
    alike: u16,
}

/// Sentence-like pieces longer than 20 bytes.
fn sentence_count(text: &str) -> f32 {
    text.split_inclusive(['.', '!', '?'])
        .filter(|s| s.len() > 20)
        .count() as f32
}

fn ln(x: f32) -> f32 {
    (1.0 + x).ln()
}

fn flag(b: bool) -> f32 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// What one page's lines are judged against.
struct PageFacts<'p, 'a> {
    a: &'p [Node<'a>],
    lines: &'p [Line],
    selected: &'p [bool],
    in_root: &'p [bool],
    anc: &'p [Ancestry],
    root_chars: u32,
    kind: PageKind,
}

impl PageFacts<'_, '_> {
    fn features(&self) -> Vec<[f32; N]> {
        let PageFacts {
            a,
            lines,
            selected,
            in_root,
            anc,
            root_chars,
            kind: page,
        } = *self;
        let r = res();
        let total: u32 = lines.iter().map(|l| l.chars).sum();
        let sel_chars: u32 = lines
            .iter()
            .zip(selected)
            .filter(|(_, s)| **s)
            .map(|(l, _)| l.chars)
            .sum();
        let first_sel = selected.iter().position(|&s| s);
        let last_sel = selected.iter().rposition(|&s| s);
        let sel_at = |i: isize| -> f32 {
            if i < 0 || i as usize >= selected.len() {
                0.0
            } else {
                flag(selected[i as usize])
            }
        };
        let line_at = |i: isize| -> Option<&Line> {
            if i < 0 {
                None
            } else {
                lines.get(i as usize)
            }
        };
        // Characters of lines, and of selected lines, under each element.
        // Each line's characters go to its own element, then every
        // element's to its parent, from the last element back (a child
        // comes after its parent in the arena): one pass, where a walk up
        // from every line was quadratic on deeply nested text.
        let mut under = vec![(0u32, 0u32); a.len()];
        for (l, &s) in lines.iter().zip(selected) {
            let i = if l.node == NONE { 0 } else { l.node as usize };
            under[i].0 += l.chars;
            if s {
                under[i].1 += l.chars;
            }
        }
        for i in (1..a.len()).rev() {
            let par = a[i].parent;
            if par != NONE {
                let (chars, sel) = under[i];
                under[par as usize].0 += chars;
                under[par as usize].1 += sel;
            }
        }
        let mut nwords: Vec<usize> = lines
            .iter()
            .map(|l| l.text.split_whitespace().count())
            .collect();
        nwords.sort_unstable();
        let median = nwords.get(nwords.len() / 2).copied().unwrap_or(1).max(1) as f32;
        let sel_share = |i: usize, l: &Line, s: bool| -> f32 {
            let (t, sc) = under[i];
            let (t, sc) = (t - l.chars.min(t), sc - if s { l.chars.min(sc) } else { 0 });
            if t == 0 {
                -1.0
            } else {
                sc as f32 / t as f32
            }
        };
        // Lines to the nearest selected line (1000 when none is).
        let mut sel_distance = vec![1000usize; lines.len()];
        let mut last: Option<usize> = None;
        for k in 0..lines.len() {
            if selected[k] {
                last = Some(k);
            }
            if let Some(j) = last {
                sel_distance[k] = k - j;
            }
        }
        last = None;
        for k in (0..lines.len()).rev() {
            if selected[k] {
                last = Some(k);
            }
            if let Some(j) = last {
                sel_distance[k] = sel_distance[k].min(j - k);
            }
        }
        // Characters in lines of prose (two sentences or more), of the page
        // and of the rules' choice.
        let prose: Vec<bool> = lines
            .iter()
            .map(|l| sentence_count(&l.text) >= 2.0)
            .collect();
        let prose_chars: u32 = lines
            .iter()
            .zip(&prose)
            .filter(|(_, p)| **p)
            .map(|(l, _)| l.chars)
            .sum();
        let sel_prose: u32 = lines
            .iter()
            .zip(&prose)
            .zip(selected)
            .filter(|((_, p), s)| **p && **s)
            .map(|((l, _), _)| l.chars)
            .sum();
        let mut before = 0u32;
        let mut out = Vec::with_capacity(lines.len());
        for (k, l) in lines.iter().enumerate() {
            let node = if l.node == NONE { 0 } else { l.node as usize };
            let x = anc[node];
            let words: Vec<&str> = l.text.split_whitespace().collect();
            let nw = words.len().max(1) as f32;
            let caps = words
                .iter()
                .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
                .count() as f32;
            let nch = l.text.chars().count().max(1) as f32;
            let digits = l.text.chars().filter(char::is_ascii_digit).count() as f32;
            let commas = l.text.chars().filter(|&c| is_comma(c)).count() as f32;
            let sentences = sentence_count(&l.text);
            let ki = k as isize;
            let dist = sel_distance[k] as f32;
            // The smallest block around the line holding more than it.
            let mut c = node;
            while c != 0 && a[c].chars <= l.chars + 10 && a[c].parent != NONE {
                c = a[c].parent as usize;
            }
            let outer = if c != 0 && a[c].parent != NONE {
                a[c].parent as usize
            } else {
                c
            };
            let function = words
                .iter()
                .filter(|w| is_stop_word_any_case(w.trim_matches(|ch: char| !ch.is_alphanumeric())))
                .count() as f32;
            let own = &a[node];
            let ld_at = |i: isize| line_at(i).map_or(0.0, |l| l.link_density());
            let ch_at = |i: isize| line_at(i).map_or(0.0, |l| ln(l.chars as f32));
            let kind = l.kind;
            let f = [
                flag(selected[k]),
                flag(in_root[node]),
                flag(x.pass_drop),
                flag(x.cond_clean),
                flag(kind == LineKind::Para),
                flag(matches!(kind, LineKind::Heading(_))),
                flag(kind == LineKind::Item),
                flag(kind == LineKind::Row),
                flag(kind == LineKind::Code),
                ln(l.chars as f32),
                l.link_density(),
                ln(nw),
                ln(commas),
                sentences,
                digits / nch,
                caps / nw,
                flag(l.in_card),
                flag(x.chrome),
                flag(x.weighed),
                flag(x.soft),
                flag(x.boiler),
                flag(x.content),
                flag(x.hint),
                flag(x.region),
                ln(x.alike as f32),
                ln(x.depth as f32),
                k as f32 / lines.len().max(1) as f32,
                before as f32 / total.max(1) as f32,
                ln(total as f32),
                sel_chars as f32 / total.max(1) as f32,
                flag(r.boiler_line.is_match(&l.text)),
                flag(l.chars < 70 && r.date_line.is_match(&l.text)),
                sel_at(ki - 1),
                sel_at(ki + 1),
                sel_at(ki - 2),
                sel_at(ki + 2),
                ld_at(ki - 1),
                ld_at(ki + 1),
                ch_at(ki - 1),
                ch_at(ki + 1),
                ln(dist),
                flag(first_sel.is_some_and(|f| f <= k) && last_sel.is_some_and(|e| k <= e)),
                ld(&a[c]),
                ln(a[c].chars as f32),
                flag(l.text.trim_end().ends_with(['.', '!', '?', ':', ';'])),
                match kind {
                    LineKind::Heading(h) => h as f32,
                    _ => 0.0,
                },
                root_chars as f32 / total.max(1) as f32,
                flag(own.tag == Tag::P),
                flag(own.tag == Tag::Li),
                flag(own.tag == Tag::Td),
                flag(own.tag == Tag::Div),
                flag(own.tag == Tag::Quote),
                ln(own.alike as f32),
                own.class_w as f32,
                sel_share(c, l, selected[k]),
                sel_share(outer, l, selected[k]),
                ld(&a[outer]),
                ln(a[outer].chars as f32),
                function / nw,
                nw / median,
                ln(lines.len() as f32),
                flag(page.og_article),
                flag(page.og_product),
                flag(page.ld_article),
                flag(page.ld_product),
                flag(page.ld_list),
                flag(page.ld_forum),
                flag(page.dated),
                prose_chars as f32 / total.max(1) as f32,
                sel_prose as f32 / prose_chars.max(1) as f32,
            ];
            before += l.chars;
            out.push(f);
        }
        out
    }
}
