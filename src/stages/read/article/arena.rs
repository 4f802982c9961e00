//! The page as a flat pre-order arena of nodes, so that a node's subtree is
//! the index range `i..end[i]` and every later step is a linear pass with no
//! tree walking. Flattening also leaves out what is never main content
//! (scripts, navigation, hidden elements) and reads class/id vocabulary once
//! per distinct attribute value.

use scraper::{Html, Node as DomNode};

use crate::stages::segment::is_ascii_whitespace_char;

use super::classes::{attr_flags, class_weight, F_STRONG};
use super::meta::Meta;
use super::Params;

pub(super) const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Text,
    /// Block element that starts a new line.
    Block,
    /// `<br>`.
    Br,
    /// Inline element.
    Inline,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(super) enum Tag {
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
    /// `<tr>`: one line of cells when its cells hold no blocks.
    Tr,
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
pub(super) struct Node<'a> {
    pub(super) kind: Kind,
    pub(super) tag: Tag,
    pub(super) text: &'a str,
    /// `class` and `id` attributes (for debugging).
    pub(super) cls: &'a str,
    pub(super) id: &'a str,
    pub(super) parent: u32,
    pub(super) end: u32,
    /// Class/id said boilerplate (`-1`), content (`+1`) or neither.
    pub(super) class_w: i8,
    /// Class/id said boilerplate in a strong word (ads, comments, related
    /// stories, share bars), not only a weak one (`embed`, `media`, `meta`).
    pub(super) class_strong: bool,
    pub(super) soft_drop: bool,
    /// Whether the element is a page landmark, and which kind.
    pub(super) landmark: Landmark,
    /// Effective drop flag for the current pass.
    pub(super) drop: bool,
    /// `<article>`, `itemprop=articleBody`, …
    pub(super) hint: bool,
    /// `<main>` or `role=main`: the page says its content is here.
    pub(super) region: bool,
    /// Siblings (itself included) with the same tag and class; 0 without a class.
    pub(super) alike: u16,
    pub(super) in_link: bool,
    /// Nearest block ancestor (for text nodes).
    pub(super) owner: u32,
    /// Text nodes: non-whitespace characters and commas (computed once).
    pub(super) tchars: u32,
    pub(super) tcommas: u32,
    // aggregates (set by `aggregate`)
    pub(super) chars: u32,
    pub(super) link_chars: u32,
    pub(super) commas: u32,
    pub(super) n_p: u16,
    pub(super) n_li: u16,
    pub(super) n_img: u16,
    pub(super) n_input: u16,
    /// Has a block-level child element.
    pub(super) has_block: bool,
    /// Heading level (2–6 for `<h2>`–`<h6>`), 0 otherwise.
    pub(super) level: u8,
}

pub(super) fn tag_of(name: &str) -> (Kind, Tag) {
    use Kind::*;
    match name {
        "p" => (Block, Tag::P),
        "div" => (Block, Tag::Div),
        "article" => (Block, Tag::Article),
        "main" => (Block, Tag::Main),
        "section" | "header" | "footer" | "aside" | "nav" | "dialog" => (Block, Tag::Section),
        "h1" => (Block, Tag::H1),
        "h2" | "h3" | "h4" | "h5" | "h6" => (Block, Tag::H),
        "li" | "dd" | "dt" => (Block, Tag::Li),
        "ul" | "ol" | "dl" => (Block, Tag::List),
        "table" => (Block, Tag::Table),
        "td" | "th" => (Block, Tag::Td),
        "tr" => (Block, Tag::Tr),
        "tbody" | "thead" | "center" | "hr" | "address" | "details" | "summary" => {
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

/// Page landmarks hold the site's chrome, not its content. They are
/// dropped like boilerplate classes, but kept in the arena: pages get them
/// wrong (a Webflow blog sets its article inside `<header>`, an unclosed
/// `<aside>` banner swallows the page, a streamed React page ships its
/// content `hidden` until a script shows it), and a landmark that holds
/// most of the page's prose is the content after all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Landmark {
    No,
    /// Dropped in every pass unless it holds most of the page's prose.
    Weighed,
    /// Dropped whatever its size: navigation, the footer (whose legal text
    /// is often the only prose of a script-rendered page), and any landmark
    /// inside a consent, ad or modal box.
    Chrome,
}

/// Whether a `<header>` is the page's banner: per HTML-AAM, one inside
/// sectioning content (`article`, `section`, `aside`, `nav`) or `main` is
/// that section's header (its headline, standfirst and byline), not a
/// landmark, and the article's lead is content.
fn is_banner(header: ego_tree::NodeRef<'_, DomNode>) -> bool {
    !header.ancestors().any(|a| {
        a.value()
            .as_element()
            .is_some_and(|e| matches!(e.name(), "article" | "section" | "aside" | "nav" | "main"))
    })
}

/// The landmark an element is; `banner` says it is a `<header>` that
/// [`is_banner`].
fn landmark(name: &str, at: &Attrs, in_chrome: bool, banner: bool) -> Landmark {
    let role = at.role.unwrap_or("");
    if matches!(name, "nav" | "footer" | "menu")
        || matches!(role, "navigation" | "contentinfo" | "menu")
    {
        Landmark::Chrome
    } else if banner
        || matches!(name, "aside" | "dialog")
        || matches!(role, "complementary" | "banner" | "dialog")
        || is_hidden(at)
    {
        if in_chrome {
            Landmark::Chrome
        } else {
            Landmark::Weighed
        }
    } else {
        Landmark::No
    }
}

/// A map keyed by short strings hashed for every element: FxHash, where
/// SipHash was 1 % of a whole HTML run.
pub(super) type FxMap<K, V> = std::collections::HashMap<K, V, rustc_hash::FxBuildHasher>;

/// Subtrees that are never article text. A ruby annotation (`<rt>`, and
/// the `<rp>` parentheses for browsers without ruby) is a reading printed
/// above its base text: inline it would split every annotated word
/// ("子こども"), so the base text alone is kept, as trafilatura does.
pub(super) fn hard_skip(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "rt"
            | "rp"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "button"
            | "select"
            | "option"
            | "iframe"
            | "head"
            | "math"
            | "canvas"
            | "audio"
            | "label"
            | "object"
    )
}

pub(super) fn is_hidden(at: &Attrs) -> bool {
    if at.hidden {
        return true;
    }
    if let Some(s) = at.style {
        // Lower case without spaces, in one buffer (not two Strings).
        let s: Vec<u8> = s
            .bytes()
            .filter(|&b| b != b' ')
            .map(|b| b.to_ascii_lowercase())
            .collect();
        if memchr::memmem::find(&s, b"display:none").is_some()
            || memchr::memmem::find(&s, b"visibility:hidden").is_some()
        {
            return true;
        }
    }
    matches!(at.aria_hidden, Some("true")) && at.class.is_some_and(|c| c.contains("hidden"))
}

/// The attributes the flattening and [`Meta::see`] read of every element,
/// found in one pass over its attributes. `Element::attr` makes an atom of
/// the name (a hash look-up) and binary-searches for it at every call:
/// eight calls an element were 4 % of a whole HTML run.
#[derive(Default)]
pub(super) struct Attrs<'a> {
    pub(super) class: Option<&'a str>,
    pub(super) id: Option<&'a str>,
    pub(super) role: Option<&'a str>,
    pub(super) itemprop: Option<&'a str>,
    pub(super) style: Option<&'a str>,
    pub(super) aria_hidden: Option<&'a str>,
    pub(super) rel: Option<&'a str>,
    pub(super) hidden: bool,
}

impl<'a> Attrs<'a> {
    pub(super) fn of(e: &'a scraper::node::Element) -> Self {
        let mut at = Attrs::default();
        for (q, v) in &e.attrs {
            // `Element::attr` matches only attributes without prefix or
            // namespace (not SVG's `xlink:href`); so does this.
            if q.prefix.is_some() || !q.ns.is_empty() {
                continue;
            }
            let v: &'a str = v;
            match &*q.local {
                "class" => at.class = Some(v),
                "id" => at.id = Some(v),
                "role" => at.role = Some(v),
                "itemprop" => at.itemprop = Some(v),
                "style" => at.style = Some(v),
                "aria-hidden" => at.aria_hidden = Some(v),
                "rel" => at.rel = Some(v),
                "hidden" => at.hidden = true,
                _ => continue,
            }
            debug_assert!(
                Self::NAMES.contains(&&*q.local),
                "{} is read: add it to Attrs::NAMES",
                &*q.local
            );
        }
        at
    }

    /// The attributes [`Attrs::of`] reads; their values are kept when the
    /// page is cut before the parse ([`super::code_bodies::keeps_value`]).
    pub(super) const NAMES: &'static [&'static str] = &[
        "class",
        "id",
        "role",
        "itemprop",
        "style",
        "aria-hidden",
        "rel",
        "hidden",
    ];
}

pub(super) fn flatten<'a>(doc: &'a Html, meta: &mut Meta) -> Vec<Node<'a>> {
    let mut arena: Vec<Node<'a>> = Vec::with_capacity(4096);
    let mut cache: FxMap<&'a str, u8> = FxMap::default();
    // (dom node, parent index, in_link, owner block, inside a landmark,
    // inside strong boilerplate)
    let mut stack = vec![(doc.tree.root(), NONE, false, 0u32, false, false)];
    while let Some((n, parent, in_link, owner, in_landmark, in_chrome)) = stack.pop() {
        let idx = arena.len() as u32;
        match n.value() {
            DomNode::Text(t) => {
                if parent != NONE {
                    let mut node = Node::new(Kind::Text, Tag::Other, &t.text, parent, in_link);
                    node.owner = owner;
                    (node.tchars, node.tcommas) = text_counts(&t.text);
                    arena.push(node);
                }
                continue;
            }
            DomNode::Element(e) => {
                let name = e.name();
                let at = Attrs::of(e);
                if !in_landmark {
                    meta.see(name, e, &at, n);
                }
                if name == "head" {
                    // Metadata only: nothing in <head> is article text.
                    for d in n.descendants().skip(1) {
                        if let DomNode::Element(de) = d.value() {
                            meta.see(de.name(), de, &Attrs::of(de), d);
                        }
                    }
                    continue;
                }
                if hard_skip(name) {
                    continue;
                }
                let (kind, tag) = tag_of(name);
                let mut node = Node::new(kind, tag, "", parent, in_link);
                if tag == Tag::H {
                    node.level = name.as_bytes()[1] - b'0';
                }
                node.cls = at.class.unwrap_or("");
                node.id = at.id.unwrap_or("");
                let mut flags = 0u8;
                for v in [node.cls, node.id] {
                    if !v.is_empty() {
                        flags |= *cache.entry(v).or_insert_with(|| attr_flags(v));
                    }
                }
                let w = class_weight(flags);
                node.class_w = w;
                node.class_strong = flags & F_STRONG != 0;
                node.soft_drop = w < 0 && !matches!(tag, Tag::Body | Tag::A | Tag::Main);
                // Inside a consent dialog or an ad slot, every landmark is
                // chrome whatever its size.
                let chrome = in_chrome || flags & F_STRONG != 0;
                node.landmark = landmark(name, &at, chrome, name == "header" && is_banner(n));
                let role = at.role.unwrap_or("");
                node.region = tag == Tag::Main || role == "main";
                node.hint = tag == Tag::Article
                    || at.itemprop.is_some_and(|v| v.contains("articleBody"))
                    || role == "main"
                    || tag == Tag::Main;
                let in_landmark = in_landmark || node.landmark != Landmark::No;
                arena.push(node);
                let link = in_link || tag == Tag::A;
                let own = if kind == Kind::Block { idx } else { owner };
                for c in n.children().rev() {
                    stack.push((c, idx, link, own, in_landmark, chrome));
                }
            }
            DomNode::Document => {
                arena.push(Node::new(Kind::Block, Tag::Other, "", NONE, false));
                for c in n.children().rev() {
                    stack.push((c, idx, false, idx, false, false));
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
    count_alike(&mut arena);
    arena
}

/// Sets [`Node::alike`]: how many siblings (itself included) share an
/// element's tag and class. Cards of a listing, posts of a thread and items
/// of a product grid repeat one template; boilerplate boxes seldom do.
fn count_alike(arena: &mut [Node]) {
    let mut counts: FxMap<(u32, Tag, &str), u16> = FxMap::default();
    for n in arena.iter() {
        if n.kind == Kind::Block && !n.cls.is_empty() {
            let c = counts.entry((n.parent, n.tag, n.cls)).or_default();
            *c = c.saturating_add(1);
        }
    }
    for n in arena.iter_mut() {
        if n.kind == Kind::Block && !n.cls.is_empty() {
            n.alike = counts[&(n.parent, n.tag, n.cls)];
        }
    }
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
            class_strong: false,
            soft_drop: false,
            landmark: Landmark::No,
            drop: false,
            hint: false,
            region: false,
            alike: 0,
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
            level: 0,
        }
    }
}

/// The characters of `text` that are not whitespace, and the commas
/// ([`is_comma`]) among them. Most text is ASCII, whose bytes are counted
/// without decoding characters (decoding and `char::is_whitespace` were a
/// third of the flattening).
fn text_counts(text: &str) -> (u32, u32) {
    let (mut chars, mut commas) = (0u32, 0u32);
    if text.is_ascii() {
        for &b in text.as_bytes() {
            chars += u32::from(!is_ascii_whitespace_char(b));
            commas += u32::from(is_comma(char::from(b)));
        }
        return (chars, commas);
    }
    for ch in text.chars() {
        if !ch.is_whitespace() {
            chars += 1;
            commas += u32::from(is_comma(ch));
        }
    }
    (chars, commas)
}

/// The characters of `s` that are not whitespace ([`text_counts`]).
pub(super) fn char_len(s: &str) -> usize {
    text_counts(s).0 as usize
}

pub(super) fn is_comma(c: char) -> bool {
    matches!(c, ',' | '，' | '、' | '،' | '。' | ';')
}

/// Sums text statistics bottom-up. Elements flagged `drop` are excluded
/// from their ancestors' sums.
pub(super) fn aggregate(a: &mut [Node]) {
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

pub(super) fn ld(n: &Node) -> f32 {
    if n.chars == 0 {
        0.0
    } else {
        n.link_chars as f32 / n.chars as f32
    }
}

/// Whether a node is removed in the current pass.
pub(super) fn dropped(n: &Node) -> bool {
    n.drop
}

/// Per-block "own" text: characters, link characters and commas of the text
/// nodes whose nearest block ancestor is that block.
pub(super) fn own_text(a: &[Node]) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
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
pub(super) fn para_mass(a: &[Node], p: &Params) -> Vec<u32> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The ASCII count is the character count: every ASCII character
    /// alone and in runs, and texts with other letters, spaces and commas.
    #[test]
    fn text_counts_agree_with_counting_characters() {
        let by_chars = |t: &str| {
            let shown = t.chars().filter(|c| !c.is_whitespace());
            (
                shown.clone().count() as u32,
                shown.filter(|&c| is_comma(c)).count() as u32,
            )
        };
        let ascii: String = (0u8..128).map(char::from).collect();
        let mut texts: Vec<String> = ascii.chars().map(String::from).collect();
        texts.push(ascii.repeat(3));
        texts.extend(
            [
                "One, two; three.\r\n\tFour\x0bfive\x0c",
                "Один, два、三，四。 ٥، six\u{a0}seven\u{2003}eight\u{85}",
                "",
                " \t\n",
            ]
            .map(String::from),
        );
        for t in &texts {
            assert_eq!(text_counts(t), by_chars(t), "{t:?}");
        }
    }
}
