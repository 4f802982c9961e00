//! Choosing the main-content subtrees: readability's paragraph scores
//! credited to ancestors, then widening to the parent and similar siblings.

use super::arena::*;
use super::Params;

/// The paragraph text (characters) a landmark needs, besides half the
/// page's, to be taken as content: a script-rendered page whose only prose
/// is a sign-up blurb in its header has no content, not that blurb.
const LANDMARK_MIN: u32 = 500;

/// Chooses the main-content subtrees for one pass; `soft` applies the
/// class/id drops. Leaves the pass's drop flags on the arena for rendering.
pub(super) fn choose(a: &mut [Node], p: &Params, soft: bool) -> Vec<usize> {
    for x in a.iter_mut() {
        x.drop = false;
    }
    aggregate(a);
    // Size guard: a landmark is kept when it holds half of the page's
    // paragraph text (and `LANDMARK_MIN` of it).
    let mass = para_mass(a, p);
    let total = mass[0].max(1) as f32;
    for (i, x) in a.iter_mut().enumerate() {
        let big = mass[i] as f32 >= 0.5 * total && mass[i] >= LANDMARK_MIN;
        x.drop = match x.landmark {
            Landmark::No => false,
            Landmark::Weighed => !big,
            Landmark::Chrome => true,
        };
    }
    aggregate(a);
    if soft {
        // The same guard for a boilerplate-looking element, against the
        // page without its landmarks.
        let mass = para_mass(a, p);
        let total = mass[0].max(1) as f32;
        let (group, across) = group_mass(a, &mass);
        let article = article_mass(a, &mass);
        // Inside a kept group (a post), nothing is dropped by class: the
        // post's body is `comment-body` too.
        let mut protected_to = 0;
        let guard = |m: u32| p.group_guard > 0.0 && m as f32 >= p.group_guard * total;
        for (i, x) in a.iter_mut().enumerate() {
            if x.drop || i < protected_to {
                continue;
            }
            let grouped = guard(group[i]) || guard(across[i]);
            // A post protects what it holds; a class shared across the
            // page (a page builder's `widget-container` around every
            // block, the comments' too) protects only the elements.
            if x.soft_drop && guard(group[i]) {
                protected_to = x.end as usize;
            }
            // Most of the paragraph text of the article it sits in is
            // that article's body, whatever its class (Barron's sets the
            // paragraphs past the lead in a `paywall` div): the guard
            // against the page alone dropped it once the article's own
            // header counted as text.
            let holds_body = |m: u32| m >= LANDMARK_MIN && 2 * m as u64 >= article[i] as u64;
            // So is most of it held by the elements of one tag and class
            // across the page, when that class says boilerplate only in a
            // weak word: a listicle's entries, each in a wrapper of its own
            // between figures, that a CMS classes `ck-block--embed`.
            // Comments and related-story boxes (strong words) that outweigh
            // the article stay out.
            let body = holds_body(mass[i]) || (!x.class_strong && holds_body(across[i]));
            x.drop = x.soft_drop && (mass[i] as f32) < 0.5 * total && !grouped && !body;
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
        // No paragraphs left by the class/id drops: nothing, so that the
        // pass without them is tried (every paragraph of a page builder's
        // template can carry a word of the vocabulary).
        if soft {
            return Vec::new();
        }
        // No paragraphs: render the body.
        let body = (1..n).find(|&i| a[i].tag == Tag::Body).unwrap_or(0);
        return vec![body];
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
    top = cover_main(a, top, p);
    top = cover_page(a, top, &mass, p);
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
    roots
}

/// For each soft-dropped element, the paragraph text of it and its
/// siblings with the same tag and class (first), and of the elements of its
/// tag and class across the page (second): the posts of a thread, each
/// `class="comment"`, together are the page, however small each one is.
///
/// Entries of a listicle are such a group too, though each sits alone in
/// a wrapper of its own (`div.field__item > div.list-item-large-image`):
/// the elements of one tag and class anywhere on the page, outermost
/// ones only, count together when there are [`PAGE_GROUP_MIN`] of them.
fn group_mass(a: &[Node], mass: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let mut sums: FxMap<(u32, Tag, &str), u32> = FxMap::default();
    // Per tag and class across the page: members, paragraph text, and the
    // end of the last member counted (a member inside it is not counted).
    let mut page: FxMap<(Tag, &str), (u32, u32, u32)> = FxMap::default();
    for (i, x) in a.iter().enumerate() {
        if !x.soft_drop {
            continue;
        }
        if x.alike >= 2 {
            *sums.entry((x.parent, x.tag, x.cls)).or_default() += mass[i];
        }
        if !x.cls.is_empty() {
            let e = page.entry((x.tag, x.cls)).or_default();
            if i as u32 >= e.2 {
                *e = (e.0 + 1, e.1 + mass[i], x.end);
            }
        }
    }
    let siblings = a
        .iter()
        .map(|x| match sums.get(&(x.parent, x.tag, x.cls)) {
            Some(&m) if x.soft_drop && x.alike >= 2 => m,
            _ => 0,
        })
        .collect();
    let across = a
        .iter()
        .map(|x| match page.get(&(x.tag, x.cls)) {
            Some(&(n, m, _)) if x.soft_drop && n >= PAGE_GROUP_MIN => m,
            _ => 0,
        })
        .collect();
    (siblings, across)
}

/// Fewest elements of one tag and class across a page that make a group.
const PAGE_GROUP_MIN: u32 = 3;

/// Readability keeps one block and the siblings that score well; a page
/// of many similar blocks (a listing's cards, a service page's sections)
/// then loses most of itself. When the page marks its content region
/// (`<main>`, `role=main`) and the chosen block holds less than
/// `main_cover` of the region's text, the region is the content; when the
/// chosen block lies outside a region that holds more text, the region
/// wins too.
fn cover_main(a: &[Node], top: usize, p: &Params) -> usize {
    if p.main_cover <= 0.0 {
        return top;
    }
    let Some(region) = (1..a.len()).find(|&i| a[i].region && !a[i].drop && a[i].chars > 0) else {
        return top;
    };
    let inside = region <= top && top < a[region].end as usize;
    if inside && region == top {
        return top;
    }
    let low_links = ld(&a[region]) < 0.5;
    if inside && (a[top].chars as f32) < p.main_cover * a[region].chars as f32 && low_links {
        return region;
    }
    if !inside && a[region].chars > a[top].chars && low_links {
        return region;
    }
    top
}

/// A page whose paragraph text is spread over many sections (a service
/// page: hero, features, steps, testimonials, each a block of its own) has
/// no block that readability's scores single out; the best one holds a
/// fraction of the page. Then the content is the nearest ancestor that
/// holds `page_cover` of the page's paragraph text, unless it is mostly
/// links (a page whose prose sits among link boxes). The body is that
/// ancestor only on a page of `body_cover` characters of paragraph text
/// or more where no block holds half of it (sections set straight in
/// `<body>`, the landmarks already dropped), unless the block lies in the
/// page's `<main>`; on a page of little prose, or beside the page's own
/// content region, what lies in the body is the site's, not the page's.
fn cover_page(a: &[Node], top: usize, mass: &[u32], p: &Params) -> usize {
    let need = p.page_cover * mass[0] as f32;
    if p.page_cover <= 0.0 || mass[top] as f32 >= need {
        return top;
    }
    // Whether the block lies in the page's own `<main>`.
    let mut in_region = false;
    let mut x = top;
    while x != NONE as usize && x != 0 {
        in_region |= a[x].region;
        x = a[x].parent as usize;
    }
    let mut anc = top;
    while anc != NONE as usize && anc != 0 {
        if mass[anc] as f32 >= need {
            let sections = p.body_cover > 0
                && mass[0] >= p.body_cover
                && 2 * mass[top] < mass[0]
                && !in_region;
            let wrapper = a[anc].tag != Tag::Body || sections;
            return if wrapper && ld(&a[anc]) < p.cover_ld {
                anc
            } else {
                top
            };
        }
        anc = a[anc].parent as usize;
    }
    top
}

/// Per node, the paragraph text of the nearest article around it (an
/// ancestor with the article hint: `<article>`, `articleBody`, the main
/// region), or `u32::MAX` where there is none, so that no node is that
/// article's body.
fn article_mass(a: &[Node], mass: &[u32]) -> Vec<u32> {
    let mut out = vec![u32::MAX; a.len()];
    for i in 1..a.len() {
        let parent = a[i].parent;
        if parent == NONE {
            continue;
        }
        let parent = parent as usize;
        out[i] = if a[parent].hint {
            mass[parent]
        } else {
            out[parent]
        };
    }
    out
}

pub(super) fn init_score(n: &Node) -> f32 {
    match n.tag {
        Tag::Div | Tag::Article | Tag::Main | Tag::Section => 5.0,
        Tag::Pre | Tag::Td | Tag::Quote => 3.0,
        Tag::List | Tag::Li | Tag::Form => -3.0,
        Tag::H | Tag::H1 => -5.0,
        _ => 0.0,
    }
}

/// Multiplier from class/id and structural hints.
pub(super) fn weight(n: &Node, p: &Params) -> f32 {
    let hint = if n.hint { 1.0 + p.hint_bonus } else { 1.0 };
    hint * (1.0 + 0.25 * n.class_w as f32)
}
