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
//! 1. **Flatten** – script/style/nav/header/footer/aside/… subtrees and hidden
//!    elements are left out ("hard drops"). Elements whose class/id reads like
//!    boilerplate (generic vocabulary: share, related, comment, promo, advert,
//!    newsletter, caption, byline, sidebar, widget, …) are marked "soft drops".
//! 2. **Aggregate** – one reverse pass sums, per element, its text length,
//!    link-text length, commas and counts of paragraphs/list items/images/inputs.
//! 3. **Score** (readability's idea) – each paragraph (a block that owns ≥ 25
//!    characters of non-link text) scores `1 + commas + min(len/100, 3)` and
//!    credits its ancestors with a decay by level. A candidate's final score is
//!    scaled by `1 - link density` and by class/id (`×1.25` content-like,
//!    `×0.75` boilerplate-like) and structural hints (`<article>`, `<main>`,
//!    `role=main`, `itemprop=articleBody`: `×(1 + hint_bonus)`). The JSON-LD
//!    `articleBody` is parsed (16/181 AEB pages have one) but not used for the
//!    text: it is often truncated (5 of those 16 are ~500-char teasers).
//! 4. **Widen** – the best candidate is moved up to its parent while the parent
//!    holds only a little more text (`parent_gain`) or its extra text is mostly
//!    low-link paragraph text (`prose_frac`), e.g. an article split into
//!    sibling sections; then siblings with good scores or plain prose
//!    paragraphs are added (readability).
//! 5. **Render and filter** – the chosen subtrees are laid out one block per
//!    line, dropping link-dense lists, conditionally cleaning containers
//!    (readability's `_cleanConditionally`), and removing short boilerplate
//!    lines ("Advertisement", "Read more", …), trailing link lists and duplicates.
//!
//! If the class/id-based drops leave too little text, the pipeline is re-run
//! without them (readability's retry).

use regex::Regex;
use scraper::{Html, Node as DomNode};
use std::sync::OnceLock;

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

/// Tunable weights. The defaults are the best setting of the grid reported in
/// `RESULTS.md` (5-fold CV figure there).
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
        }
    }
}

/// Extracts main text and metadata from an HTML page.
pub fn extract(html: &str, url: Option<&str>) -> Extracted {
    extract_with(html, url, &Params::default())
}

/// [`extract`] with explicit parameters (for tuning / cross-validation).
pub fn extract_with(html: &str, url: Option<&str>, p: &Params) -> Extracted {
    let doc = Html::parse_document(html);
    let mut meta = Meta::default();
    let mut arena = flatten(&doc, &mut meta);
    let ld = meta.finish_jsonld();
    let mut text = main_text(&mut arena, p, true);
    if char_len(&text) < 250 {
        let retry = main_text(&mut arena, p, false);
        if char_len(&retry) > 2 * char_len(&text) {
            text = retry;
        }
    }
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

// ---------------------------------------------------------------------------
// Arena

const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Text,
    /// Block element that starts a new line.
    Block,
    /// `<br>`.
    Br,
    /// Inline element.
    Inline,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tag {
    P,
    /// `<h1>`: the headline, which article bodies leave out.
    H1,
    Div,
    Article,
    Main,
    Section,
    H,
    Li,
    List,
    Table,
    Td,
    Pre,
    Quote,
    A,
    Img,
    Input,
    Form,
    Figure,
    Caption,
    Body,
    Other,
}

#[derive(Debug)]
struct Node<'a> {
    kind: Kind,
    tag: Tag,
    text: &'a str,
    /// `class` and `id` attributes (for debugging).
    cls: &'a str,
    id: &'a str,
    parent: u32,
    end: u32,
    /// Class/id said boilerplate (`-1`), content (`+1`) or neither.
    class_w: i8,
    soft_drop: bool,
    /// Effective drop flag for the current pass.
    drop: bool,
    /// `<article>`, `itemprop=articleBody`, …
    hint: bool,
    in_link: bool,
    /// Nearest block ancestor (for text nodes).
    owner: u32,
    /// Text nodes: non-whitespace characters and commas (computed once).
    tchars: u32,
    tcommas: u32,
    // aggregates (set by `aggregate`)
    chars: u32,
    link_chars: u32,
    commas: u32,
    n_p: u16,
    n_li: u16,
    n_img: u16,
    n_input: u16,
    /// Has a block-level child element.
    has_block: bool,
}

fn tag_of(name: &str) -> (Kind, Tag) {
    use Kind::*;
    match name {
        "p" => (Block, Tag::P),
        "div" => (Block, Tag::Div),
        "article" => (Block, Tag::Article),
        "main" => (Block, Tag::Main),
        "section" => (Block, Tag::Section),
        "h1" => (Block, Tag::H1),
        "h2" | "h3" | "h4" | "h5" | "h6" => (Block, Tag::H),
        "li" | "dd" | "dt" => (Block, Tag::Li),
        "ul" | "ol" | "dl" => (Block, Tag::List),
        "table" => (Block, Tag::Table),
        "td" | "th" => (Block, Tag::Td),
        "tr" | "tbody" | "thead" | "center" | "hr" | "address" | "details" | "summary" => {
            (Block, Tag::Other)
        }
        "pre" => (Block, Tag::Pre),
        "blockquote" => (Block, Tag::Quote),
        "figure" => (Block, Tag::Figure),
        "figcaption" | "caption" => (Block, Tag::Caption),
        "body" => (Block, Tag::Body),
        "form" => (Block, Tag::Form),
        "br" => (Br, Tag::Other),
        "a" => (Inline, Tag::A),
        "img" | "picture" | "video" | "embed" | "object" => (Inline, Tag::Img),
        "input" | "textarea" => (Inline, Tag::Input),
        _ => (Inline, Tag::Other),
    }
}

/// Subtrees that are never article text.
fn hard_skip(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "nav"
            | "header"
            | "footer"
            | "aside"
            | "button"
            | "select"
            | "option"
            | "iframe"
            | "head"
            | "math"
            | "canvas"
            | "audio"
            | "label"
            | "menu"
            | "dialog"
            | "object"
    )
}

struct Res {
    neg_strong: Regex,
    neg_weak: Regex,
    pos: Regex,
    boiler_line: Regex,
    date_line: Regex,
}

fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| Res {
        neg_strong: Regex::new(
            r"(?:^|[^a-z])(?:ads?|adv|advert\w*|advertis\w*|adslot|adunit|dfp|sponsor\w*|promo\w*|comments?|commentlist|disqus|related\w*|recommend\w*|share|sharing|sharebar|share-?\w+|social\w*|newsletter\w*|subscri\w*|signup|cookie\w*|consent|gdpr|breadcrumbs?|pagination|pager|popup|modal|outbrain|taboola|trending|most-?popular|mostread|more-?stories|more-?news|more-?posts|more-?articles|more-?from|you-?may-?like|read-?next|up-?next|also-?read|caption|byline|sidebar|widget\w*|visually-?hidden|screen-?reader\w*|sr-only|skip-?link|paywall|jump-?link|next-?prev|prev-?next|post-?nav\w*)(?:$|[^a-z])",
        )
        .unwrap(),
        neg_weak: Regex::new(
            r"(?:^|[^a-z])(?:read-?more|credits?|author\w*|tags?|tag-?list|keywords|topics?|newsfeed|rail|toolbar|masthead|site-?header|site-?footer|footer|header|menu|navbar|nav|navigation|print-?only|login|copyright|disclaimer|rating|vote|poll|teaser|card-?list|feed|meta|extra|aside|hidden|banner|combx|community|remark|shoutbox|skyscraper|supplemental|inline-?ad|embed|photo|gallery|image|media|thumb\w*|date|time|dateline|hero|top-?bar|bottom|contact|bio|profile|follow|bookmark|print|email|tools?|utility|badge|label|icon)(?:$|[^a-z])",
        )
        .unwrap(),
        pos: Regex::new(
            r"article|body|content|entry|hentry|main|post|text|story|prose|blog|richtext|rich-text",
        )
        .unwrap(),
        boiler_line: Regex::new(
            r"(?i)^(?:advertisement|advertisements|advert|ad|ads|sponsored|sponsored content|read more|read more:?|continue reading|click here|share( this)?( article| story| post)?|share on \w+|tweet|email|print|follow us|related( articles| stories| content| posts)?|you (?:may|might) also like|recommended|more from .{0,40}|see also|image|photo|getty images|story continues below|scroll to continue|loading\.*|comments?|\d+ comments?|skip (?:to )?(?:ad|advert|content)|continue reading below|article continues below|reklama|реклама|публикация|광고|広告|iklan|publicidade|leia (?:mais|também)|baca juga)[\s:.!>»]*$",
        )
        .unwrap(),
        date_line: Regex::new(
            r"(?i)^(?:(?:posted|published|updated|modified|last updated|atualizado|publicado|опубликовано|обновлено)\b.{0,70}|\W*(?:\w+\W+){0,5}(?:19|20)\d\d\b\W*(?:\w+\W*){0,4})$",
        )
        .unwrap(),
    })
}

const F_STRONG: u8 = 1;
const F_WEAK: u8 = 2;
const F_POS: u8 = 4;

/// Vocabulary flags (`F_*`) of one class or id attribute value.
fn attr_flags(v: &str) -> u8 {
    if v.is_empty() {
        return 0;
    }
    let r = res();
    let mut l = String::with_capacity(v.len() + 8);
    let mut prev_lower = false;
    for ch in v.chars() {
        // camelCase → camel-case, snake_case → snake-case
        if ch.is_ascii_uppercase() && prev_lower {
            l.push('-');
        }
        prev_lower = ch.is_ascii_lowercase();
        l.push(if ch == '_' {
            '-'
        } else {
            ch.to_ascii_lowercase()
        });
    }
    let mut f = 0;
    if r.neg_strong.is_match(&l) {
        f |= F_STRONG;
    } else if r.neg_weak.is_match(&l) {
        f |= F_WEAK;
    }
    if r.pos.is_match(&l) {
        f |= F_POS;
    }
    f
}

/// Class/id weight from the union of both attributes' flags: `-1`
/// boilerplate, `+1` content, `0` neither or both (weak).
fn class_weight(f: u8) -> i8 {
    if f & F_STRONG != 0 {
        -1
    } else {
        match (f & F_WEAK != 0, f & F_POS != 0) {
            (true, false) => -1,
            (false, true) => 1,
            _ => 0,
        }
    }
}

fn is_hidden(e: &scraper::node::Element) -> bool {
    if e.attr("hidden").is_some() {
        return true;
    }
    if let Some(s) = e.attr("style") {
        let s = s.to_ascii_lowercase().replace(' ', "");
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    matches!(e.attr("aria-hidden"), Some("true"))
        && e.attr("class").is_some_and(|c| c.contains("hidden"))
}

fn flatten<'a>(doc: &'a Html, meta: &mut Meta) -> Vec<Node<'a>> {
    let mut arena: Vec<Node<'a>> = Vec::with_capacity(4096);
    let mut cache: std::collections::HashMap<&'a str, u8> = std::collections::HashMap::new();
    // (dom node, parent index, in_link)
    let mut stack = vec![(doc.tree.root(), NONE, false, 0u32)];
    while let Some((n, parent, in_link, owner)) = stack.pop() {
        let idx = arena.len() as u32;
        match n.value() {
            DomNode::Text(t) => {
                if parent != NONE {
                    let mut node = Node::new(Kind::Text, Tag::Other, &t.text, parent, in_link);
                    node.owner = owner;
                    let (mut c, mut cm) = (0u32, 0u32);
                    for ch in t.text.chars() {
                        if !ch.is_whitespace() {
                            c += 1;
                            cm += is_comma(ch) as u32;
                        }
                    }
                    node.tchars = c;
                    node.tcommas = cm;
                    arena.push(node);
                }
                continue;
            }
            DomNode::Element(e) => {
                let name = e.name();
                meta.see(name, e, n);
                if name == "head" {
                    // Metadata only: nothing in <head> is article text.
                    for d in n.descendants().skip(1) {
                        if let DomNode::Element(de) = d.value() {
                            meta.see(de.name(), de, d);
                        }
                    }
                    continue;
                }
                if hard_skip(name) || is_hidden(e) {
                    continue;
                }
                let (kind, tag) = tag_of(name);
                let mut node = Node::new(kind, tag, "", parent, in_link);
                node.cls = e.attr("class").unwrap_or("");
                node.id = e.attr("id").unwrap_or("");
                let mut flags = 0u8;
                for v in [node.cls, node.id] {
                    if !v.is_empty() {
                        flags |= *cache.entry(v).or_insert_with(|| attr_flags(v));
                    }
                }
                let w = class_weight(flags);
                node.class_w = w;
                node.soft_drop = w < 0 && !matches!(tag, Tag::Body | Tag::A | Tag::Main);
                let role = e.attr("role").unwrap_or("");
                if matches!(
                    role,
                    "navigation" | "complementary" | "banner" | "contentinfo" | "menu" | "dialog"
                ) {
                    continue;
                }
                node.hint = tag == Tag::Article
                    || e.attr("itemprop")
                        .is_some_and(|v| v.contains("articleBody"))
                    || role == "main"
                    || tag == Tag::Main;
                arena.push(node);
                let link = in_link || tag == Tag::A;
                let own = if kind == Kind::Block { idx } else { owner };
                for c in n.children().rev() {
                    stack.push((c, idx, link, own));
                }
            }
            DomNode::Document => {
                arena.push(Node::new(Kind::Block, Tag::Other, "", NONE, false));
                for c in n.children().rev() {
                    stack.push((c, idx, false, idx));
                }
            }
            _ => {}
        }
    }
    for (i, n) in arena.iter_mut().enumerate() {
        n.end = i as u32 + 1;
    }
    for i in (1..arena.len()).rev() {
        let p = arena[i].parent as usize;
        let e = arena[i].end;
        if arena[p].end < e {
            arena[p].end = e;
        }
    }
    arena
}

impl<'a> Node<'a> {
    fn new(kind: Kind, tag: Tag, text: &'a str, parent: u32, in_link: bool) -> Self {
        Node {
            kind,
            tag,
            text,
            cls: "",
            id: "",
            parent,
            end: 0,
            class_w: 0,
            soft_drop: false,
            drop: false,
            hint: false,
            in_link,
            owner: NONE,
            tchars: 0,
            tcommas: 0,
            chars: 0,
            link_chars: 0,
            commas: 0,
            n_p: 0,
            n_li: 0,
            n_img: 0,
            n_input: 0,
            has_block: false,
        }
    }
}

fn char_len(s: &str) -> usize {
    s.chars().filter(|c| !c.is_whitespace()).count()
}

fn is_comma(c: char) -> bool {
    matches!(c, ',' | '，' | '、' | '،' | '。' | ';')
}

/// Sums text statistics bottom-up. Elements flagged `drop` are excluded
/// from their ancestors' sums.
fn aggregate(a: &mut [Node]) {
    for n in a.iter_mut() {
        n.chars = 0;
        n.link_chars = 0;
        n.commas = 0;
        n.n_p = 0;
        n.n_li = 0;
        n.n_img = 0;
        n.n_input = 0;
        n.has_block = false;
    }
    for i in (1..a.len()).rev() {
        if a[i].kind == Kind::Text {
            let (c, cm) = (a[i].tchars, a[i].tcommas);
            a[i].chars = c;
            a[i].commas = cm;
            if a[i].in_link {
                a[i].link_chars = c;
            }
        } else {
            match a[i].tag {
                Tag::P => a[i].n_p += 1,
                Tag::Li => a[i].n_li += 1,
                Tag::Img => a[i].n_img += 1,
                Tag::Input => a[i].n_input += 1,
                _ => {}
            }
        }
        if a[i].drop {
            continue;
        }
        let p = a[i].parent as usize;
        let (c, l, cm, np, nl, ni, nin) = (
            a[i].chars,
            a[i].link_chars,
            a[i].commas,
            a[i].n_p,
            a[i].n_li,
            a[i].n_img,
            a[i].n_input,
        );
        let blk = a[i].kind == Kind::Block;
        let pn = &mut a[p];
        pn.chars += c;
        pn.link_chars += l;
        pn.commas += cm;
        pn.n_p = pn.n_p.saturating_add(np);
        pn.n_li = pn.n_li.saturating_add(nl);
        pn.n_img = pn.n_img.saturating_add(ni);
        pn.n_input = pn.n_input.saturating_add(nin);
        pn.has_block |= blk;
    }
}

fn ld(n: &Node) -> f32 {
    if n.chars == 0 {
        0.0
    } else {
        n.link_chars as f32 / n.chars as f32
    }
}

/// Whether a node is removed in the current pass.
fn dropped(n: &Node) -> bool {
    n.drop
}

/// Per-block "own" text: characters, link characters and commas of the text
/// nodes whose nearest block ancestor is that block.
fn own_text(a: &[Node]) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let n = a.len();
    let mut own = vec![0u32; n];
    let mut own_link = vec![0u32; n];
    let mut own_commas = vec![0u32; n];
    let mut i = 1;
    while i < n {
        if dropped(&a[i]) {
            i = a[i].end as usize;
            continue;
        }
        if a[i].kind == Kind::Text && a[i].chars > 0 {
            let o = a[i].owner as usize;
            own[o] += a[i].chars;
            own_link[o] += a[i].link_chars;
            own_commas[o] += a[i].commas;
        }
        i += 1;
    }
    (own, own_link, own_commas)
}

/// Paragraph mass: non-link text of the paragraphs (blocks owning at least
/// `min_par` non-link characters) in each subtree.
fn para_mass(a: &[Node], p: &Params) -> Vec<u32> {
    let (own, own_link, _) = own_text(a);
    let mut mass = vec![0u32; a.len()];
    for b in 0..a.len() {
        let good = own[b].saturating_sub(own_link[b]);
        if own[b] >= p.min_par && good >= p.min_par && a[b].tag != Tag::H {
            mass[b] = good;
        }
    }
    for i in (1..a.len()).rev() {
        let par = a[i].parent as usize;
        mass[par] += mass[i];
    }
    mass
}

fn main_text(a: &mut [Node], p: &Params, soft: bool) -> String {
    for x in a.iter_mut() {
        x.drop = false;
    }
    aggregate(a);
    if soft {
        // Size guard: a boilerplate-looking element is still kept when it
        // holds at least half of the page's paragraph text.
        let mass = para_mass(a, p);
        let total = mass[0].max(1);
        for (i, x) in a.iter_mut().enumerate() {
            x.drop = x.soft_drop && (mass[i] as f32) < 0.5 * total as f32;
        }
        aggregate(a);
    }
    let mass = para_mass(a, p);
    let n = a.len();
    let (own, own_link, own_commas) = own_text(a);
    // Readability scoring.
    let mut score = vec![0f32; n];
    let mut is_cand = vec![false; n];
    let min_par = p.min_par;
    for b in 1..n {
        let t = own[b];
        if t < min_par || t.saturating_sub(own_link[b]) < min_par {
            continue;
        }
        if matches!(a[b].tag, Tag::H | Tag::H1 | Tag::Caption) {
            continue;
        }
        let s = 1.0 + own_commas[b] as f32 + (t as f32 / 100.0).min(3.0);
        // A block with block children has its text as an implicit paragraph
        // *inside* it; otherwise the block is itself the paragraph.
        let mut anc = if a[b].has_block || a[b].tag == Tag::Div {
            b
        } else {
            a[b].parent as usize
        };
        let mut level = 0;
        while anc != NONE as usize && anc != 0 && level < 5 {
            if !is_cand[anc] {
                is_cand[anc] = true;
                score[anc] += init_score(&a[anc]);
            }
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f32 * 3.0,
            };
            score[anc] += s / div;
            anc = a[anc].parent as usize;
            level += 1;
        }
    }
    let mut best = NONE as usize;
    let mut best_s = f32::MIN;
    for i in 1..n {
        if !is_cand[i] {
            continue;
        }
        let s = score[i] * (1.0 - ld(&a[i])) * weight(&a[i], p);
        score[i] = s;
        if s > best_s {
            best_s = s;
            best = i;
        }
    }
    if best == NONE as usize {
        // No paragraphs: render the body.
        let body = (1..n).find(|&i| a[i].tag == Tag::Body).unwrap_or(0);
        return render(a, &[body], p);
    }
    // Move up while the parent mostly consists of the candidate.
    let mut top = best;
    loop {
        let par = a[top].parent as usize;
        if par == NONE as usize || par == 0 || a[par].tag == Tag::Body {
            break;
        }
        let gain = a[par].chars.saturating_sub(a[top].chars) as f32;
        let gain_link = a[par].link_chars.saturating_sub(a[top].link_chars) as f32;
        let gain_mass = mass[par].saturating_sub(mass[top]) as f32;
        let small = gain <= p.parent_gain * a[top].chars as f32 && ld(&a[par]) < 0.3;
        let prose = gain_mass >= p.prose_frac * gain && gain_link <= 0.15 * gain;
        if small || prose {
            top = par;
        } else {
            break;
        }
    }
    // Siblings.
    let mut roots = Vec::new();
    let par = a[top].parent as usize;
    if par != NONE as usize {
        let thresh = (best_s * p.sibling_frac).max(10.0);
        let mut c = par + 1;
        let end = a[par].end as usize;
        while c < end {
            let next = a[c].end as usize;
            if c == top {
                roots.push(c);
            } else if !dropped(&a[c]) && a[c].kind == Kind::Block {
                let sc = score[c];
                let ok = (is_cand[c] && sc >= thresh)
                    || (a[c].tag == Tag::P && {
                        let l = a[c].chars;
                        let d = ld(&a[c]);
                        (l > 80 && d < 0.25) || (l > 0 && d == 0.0 && l > 30)
                    });
                if ok {
                    roots.push(c);
                }
            }
            c = next.max(c + 1);
        }
    }
    if roots.is_empty() {
        roots.push(top);
    }
    render(a, &roots, p)
}

fn init_score(n: &Node) -> f32 {
    match n.tag {
        Tag::Div | Tag::Article | Tag::Main | Tag::Section => 5.0,
        Tag::Pre | Tag::Td | Tag::Quote => 3.0,
        Tag::List | Tag::Li | Tag::Form => -3.0,
        Tag::H | Tag::H1 => -5.0,
        _ => 0.0,
    }
}

/// Multiplier from class/id and structural hints.
fn weight(n: &Node, p: &Params) -> f32 {
    let hint = if n.hint { 1.0 + p.hint_bonus } else { 1.0 };
    hint * (1.0 + 0.25 * n.class_w as f32)
}

// ---------------------------------------------------------------------------
// Rendering

struct Line {
    text: String,
    chars: u32,
    link: u32,
    in_li: bool,
    heading: bool,
}

/// Readability's `_cleanConditionally`: whether a container looks like
/// boilerplate given its counts.
fn clean_conditionally(n: &Node) -> bool {
    if !matches!(
        n.tag,
        Tag::Div | Tag::Section | Tag::List | Tag::Table | Tag::Form | Tag::Figure
    ) {
        return false;
    }
    if n.commas >= 10 {
        return false;
    }
    let d = ld(n);
    let len = n.chars;
    if n.class_w < 0 && d > 0.2 {
        return true;
    }
    let p = n.n_p as u32;
    let li = n.n_li as u32;
    let img = n.n_img as u32;
    (n.tag != Tag::List && li > p + 5 && li > 2 * p.max(1) && d > 0.2)
        || n.n_input as u32 > (p / 3).max(1)
        || (len < 25 && img > 2)
        || d > 0.5
        || (d > 0.33 && len < 400)
        || (n.tag == Tag::Figure)
        || (n.tag == Tag::Form && d > 0.2)
}

fn render(a: &[Node], roots: &[usize], p: &Params) -> String {
    let mut lines: Vec<Line> = Vec::new();
    let mut cur = Line {
        text: String::new(),
        chars: 0,
        link: 0,
        in_li: false,
        heading: false,
    };
    for &r in roots {
        let mut stack_end: Vec<usize> = Vec::new(); // ends of open block elements
        let mut i = r;
        let end = a[r].end as usize;
        while i < end {
            while let Some(&e) = stack_end.last() {
                if i >= e {
                    stack_end.pop();
                    flush(&mut lines, &mut cur);
                } else {
                    break;
                }
            }
            let n = &a[i];
            if dropped(n)
                || n.tag == Tag::H1
                || (i != r && n.kind == Kind::Block && clean_conditionally(n))
            {
                i = n.end as usize;
                continue;
            }
            match n.kind {
                Kind::Text => {
                    push_text(&mut cur, n.text, n.in_link);
                }
                Kind::Br => {
                    flush(&mut lines, &mut cur);
                }
                Kind::Block => {
                    flush(&mut lines, &mut cur);
                    if n.tag == Tag::Li {
                        cur.in_li = true;
                    }
                    if n.tag == Tag::H {
                        cur.heading = true;
                    }
                    stack_end.push(n.end as usize);
                }
                Kind::Inline => {}
            }
            i += 1;
        }
        flush(&mut lines, &mut cur);
    }
    filter_lines(lines, p)
}

fn push_text(cur: &mut Line, t: &str, link: bool) {
    let mut first = true;
    let starts_ws = t.starts_with(char::is_whitespace);
    for w in t.split_whitespace() {
        if (!first || starts_ws) && !cur.text.is_empty() && !cur.text.ends_with(' ') {
            cur.text.push(' ');
        }
        if first && !starts_ws && cur.text.ends_with(' ') {
            // keep the space from the previous text
        }
        cur.text.push_str(w);
        let c = w.chars().count() as u32;
        cur.chars += c;
        if link {
            cur.link += c;
        }
        first = false;
    }
    if t.ends_with(char::is_whitespace) && !cur.text.is_empty() && !cur.text.ends_with(' ') {
        cur.text.push(' ');
    }
}

fn flush(lines: &mut Vec<Line>, cur: &mut Line) {
    let t = cur.text.trim();
    if !t.is_empty() {
        lines.push(Line {
            text: t.to_string(),
            chars: cur.chars,
            link: cur.link,
            in_li: cur.in_li,
            heading: cur.heading,
        });
    }
    cur.text.clear();
    cur.chars = 0;
    cur.link = 0;
    cur.in_li = false;
    cur.heading = false;
}

fn filter_lines(lines: Vec<Line>, p: &Params) -> String {
    let r = res();
    let mut keep: Vec<bool> = lines
        .iter()
        .map(|l| {
            let d = if l.chars == 0 {
                0.0
            } else {
                l.link as f32 / l.chars as f32
            };
            if r.boiler_line.is_match(&l.text) || (l.chars < 70 && r.date_line.is_match(&l.text)) {
                return false;
            }
            if d > p.line_ld && (l.in_li || l.chars < 80) {
                return false;
            }
            true
        })
        .collect();
    // Duplicated lines (keep the first).
    let mut seen = std::collections::HashSet::new();
    for (k, l) in keep.iter_mut().zip(&lines) {
        if *k && l.link * 2 > l.chars && !seen.insert(l.text.as_str()) {
            *k = false;
        }
    }
    // Leading short lines (datelines, counters, prompts) before the first
    // real paragraph.
    if let Some(first) = lines.iter().position(|l| l.chars >= p.lead_min) {
        let total: u32 = lines.iter().map(|l| l.chars).sum();
        let lead: u32 = lines[..first].iter().map(|l| l.chars).sum();
        if (lead as f32) < 0.1 * total as f32 {
            for k in keep.iter_mut().take(first) {
                *k = false;
            }
        }
    }
    // Trailing headings / short lines.
    while let Some(last) = (0..lines.len()).rev().find(|&i| keep[i]) {
        let more = keep[..last].iter().any(|&k| k);
        if more && (lines[last].heading || lines[last].chars < 10) {
            keep[last] = false;
        } else {
            break;
        }
    }
    let mut out = String::new();
    for (l, k) in lines.iter().zip(keep) {
        if k {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            out.push_str(&l.text.replace('\u{ad}', ""));
        }
    }
    out
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ---------------------------------------------------------------------------
// Metadata

#[derive(Default)]
struct Meta {
    og_title: Option<String>,
    title: Option<String>,
    h1: Option<String>,
    author: Option<String>,
    rel_author: Option<String>,
    published: Option<String>,
    time: Option<String>,
    canonical: Option<String>,
    og_url: Option<String>,
    jsonld: Vec<String>,
}

#[derive(Default, Debug)]
struct JsonLd {
    headline: Option<String>,
    author: Option<String>,
    published: Option<String>,
    url: Option<String>,
    body: Option<String>,
}

fn set(slot: &mut Option<String>, v: Option<&str>) {
    if slot.is_none() {
        if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
            *slot = Some(v.to_string());
        }
    }
}

fn node_text(n: ego_tree::NodeRef<'_, DomNode>) -> String {
    let mut s = String::new();
    for d in n.descendants() {
        if let DomNode::Text(t) = d.value() {
            s.push_str(t);
        }
    }
    s
}

impl Meta {
    fn see(&mut self, name: &str, e: &scraper::node::Element, n: ego_tree::NodeRef<'_, DomNode>) {
        match name {
            "meta" => {
                let key = e
                    .attr("property")
                    .or_else(|| e.attr("name"))
                    .or_else(|| e.attr("itemprop"));
                let Some(key) = key else { return };
                let v = e.attr("content");
                match key.to_ascii_lowercase().as_str() {
                    "og:title" | "twitter:title" => set(&mut self.og_title, v),
                    "og:url" => set(&mut self.og_url, v),
                    "author" | "article:author" | "dc.creator" | "dc:creator"
                    | "sailthru.author" | "parsely-author" | "byl"
                        if !v.is_some_and(|v| v.starts_with("http")) =>
                    {
                        set(
                            &mut self.author,
                            v.map(|v| v.trim_start_matches("By ").trim_start_matches("by ")),
                        )
                    }
                    "article:published_time"
                    | "datepublished"
                    | "pubdate"
                    | "publishdate"
                    | "date"
                    | "dc.date"
                    | "dc.date.issued"
                    | "dcterms.created"
                    | "og:published_time"
                    | "sailthru.date"
                    | "parsely-pub-date"
                    | "publish-date"
                    | "article.published" => set(&mut self.published, v),
                    _ => {}
                }
            }
            "link" => {
                let rel = e.attr("rel").unwrap_or("").to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical") {
                    set(&mut self.canonical, e.attr("href"));
                }
            }
            "title" => {
                if self.title.is_none() {
                    set(&mut self.title, Some(&node_text(n)));
                }
            }
            "h1" => {
                if self.h1.is_none() {
                    set(&mut self.h1, Some(&squash(&node_text(n))));
                }
            }
            "time" => {
                set(&mut self.time, e.attr("datetime"));
            }
            "script" => {
                if e.attr("type").is_some_and(|t| t.contains("ld+json")) {
                    self.jsonld.push(node_text(n));
                }
            }
            _ => {
                if e.attr("itemprop") == Some("datePublished") {
                    set(
                        &mut self.published,
                        e.attr("content").or_else(|| e.attr("datetime")),
                    );
                }
                if e.attr("rel") == Some("author") && self.rel_author.is_none() {
                    set(&mut self.rel_author, Some(&squash(&node_text(n))));
                }
            }
        }
    }

    fn finish_jsonld(&self) -> JsonLd {
        let mut out = JsonLd::default();
        for src in &self.jsonld {
            if let Ok(v) =
                serde_json::from_str::<serde_json::Value>(src.trim().trim_end_matches(';'))
            {
                walk_ld(&v, &mut out, 0);
            }
        }
        out
    }
}

fn ld_str(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(o) => o.get("name").and_then(ld_str),
        serde_json::Value::Array(a) => {
            let names: Vec<String> = a.iter().filter_map(ld_str).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}

fn walk_ld(v: &serde_json::Value, out: &mut JsonLd, depth: usize) {
    if depth > 6 {
        return;
    }
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| walk_ld(x, out, depth + 1)),
        serde_json::Value::Object(o) => {
            let ty = o.get("@type").and_then(ld_str).unwrap_or_default();
            let article = ty.contains("Article")
                || ty.contains("Posting")
                || ty == "Report"
                || ty == "WebPage";
            if article {
                if ty != "WebPage" || out.headline.is_none() {
                    set(
                        &mut out.headline,
                        o.get("headline").and_then(ld_str).as_deref(),
                    );
                }
                set(&mut out.author, o.get("author").and_then(ld_str).as_deref());
                set(
                    &mut out.published,
                    o.get("datePublished").and_then(ld_str).as_deref(),
                );
                if ty != "WebPage" {
                    set(&mut out.url, o.get("url").and_then(ld_str).as_deref());
                }
                set(
                    &mut out.body,
                    o.get("articleBody").and_then(ld_str).as_deref(),
                );
            }
            if let Some(g) = o.get("@graph") {
                walk_ld(g, out, depth + 1);
            }
            if let Some(m) = o.get("mainEntity").or_else(|| o.get("mainEntityOfPage")) {
                if m.is_object() {
                    walk_ld(m, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head>
        <title>Site | Peres visits Almaty</title>
        <meta property="og:title" content="Peres visits Almaty">
        <meta name="author" content="Jane Roe">
        <link rel="canonical" href="https://news.example/peres">
        <meta property="article:published_time" content="1996-09-05T10:00:00Z">
        <script>var x = "not text";</script></head>
        <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
        <div class="sidebar"><p><a href="/a">A related story with a long link title here</a></p></div>
        <article><h1>Peres visits Almaty</h1>
          <p>Israel's Foreign Minister Shimon Peres paid a two-day visit to Kazakhstan last week, meeting officials.</p>
          <div class="share-buttons"><a href="/fb">Facebook</a> <a href="/tw">Twitter</a></div>
          <p>During the visit, Peres and his <b>Kazakh</b> counterpart signed agreements on trade, culture and tourism.</p>
          <p>Advertisement</p>
          <ul class="related-links"><li><a href="/x">Another story that is not part of this article at all</a></li></ul>
        </article><footer>Copyright 2024</footer></body></html>"#;

    #[test]
    fn extracts_main_text() {
        let x = extract(PAGE, None);
        assert!(x.text.contains("paid a two-day visit"), "{}", x.text);
        assert!(
            x.text.contains("his Kazakh counterpart signed"),
            "{}",
            x.text
        );
        for bad in [
            "Home",
            "Copyright",
            "not text",
            "related story",
            "Facebook",
            "Advertisement",
            "Another story",
        ] {
            assert!(!x.text.contains(bad), "{bad} in {}", x.text);
        }
    }

    #[test]
    fn extracts_metadata() {
        let x = extract(PAGE, Some("https://fallback.example/"));
        assert_eq!(x.title.as_deref(), Some("Peres visits Almaty"));
        assert_eq!(x.author.as_deref(), Some("Jane Roe"));
        assert_eq!(x.published.as_deref(), Some("1996-09-05T10:00:00Z"));
        assert_eq!(
            x.canonical_url.as_deref(),
            Some("https://news.example/peres")
        );
    }

    #[test]
    fn jsonld_metadata() {
        let page = r#"<html><head><script type="application/ld+json">
          {"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"X"},
           {"@type":"NewsArticle","headline":"Big news","datePublished":"2020-01-02T03:04:05Z",
            "author":[{"@type":"Person","name":"A. Writer"}],"url":"https://x.example/a"}]}
        </script></head><body><p>Body text that is long enough to be a paragraph of the article.</p></body></html>"#;
        let x = extract(page, None);
        assert_eq!(x.title.as_deref(), Some("Big news"));
        assert_eq!(x.author.as_deref(), Some("A. Writer"));
        assert_eq!(x.published.as_deref(), Some("2020-01-02T03:04:05Z"));
        assert_eq!(x.canonical_url.as_deref(), Some("https://x.example/a"));
        assert!(x.text.contains("Body text"));
    }

    #[test]
    fn page_without_paragraphs_uses_body() {
        let x = extract("<html><body><div>Just a line</div></body></html>", None);
        assert_eq!(x.text, "Just a line");
    }
}
