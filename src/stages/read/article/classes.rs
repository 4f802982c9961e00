//! Class/id vocabulary: what an attribute value says about its element
//! (boilerplate, content or neither), and the line patterns that mark short
//! boilerplate lines. Generic words only; no rule names a site.

use regex::Regex;
use std::sync::OnceLock;

pub(super) struct Res {
    pub(super) neg_strong: Regex,
    pub(super) neg_weak: Regex,
    pub(super) pos: Regex,
    pub(super) boiler_line: Regex,
    pub(super) date_line: Regex,
}

pub(super) fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| Res {
        neg_strong: Regex::new(
            r"(?:^|[^a-z])(?:ads?|adv|advert\w*|advertis\w*|adslot|adunit|dfp|sponsor\w*|promo\w*|comments?|commentlist|disqus|related\w*|recommend\w*|share|sharing|sharebar|share-?\w+|social\w*|newsletter\w*|subscri\w*|signup|cookie\w*|consent|gdpr|breadcrumbs?|pagination|pager|popup|modal|outbrain|taboola|trending|most-?popular|mostread|more-?stories|more-?news|more-?posts|more-?articles|more-?from|you-?may-?like|read-?next|up-?next|also-?read|caption|byline|sidebar|widget\w*|visually-?hidden|screen-?reader\w*|sr-only|skip-?link|jump-?link|next-?prev|prev-?next|post-?nav\w*)(?:$|[^a-z])",
        )
        .unwrap(),
        neg_weak: Regex::new(
            r"(?:^|[^a-z])(?:read-?more|credits?|author\w*|tags?|tag-?list|keywords|topics?|newsfeed|rail|toolbar|masthead|site-?header|site-?footer|footer|header|menu|navbar|nav|navigation|print-?only|login|copyright|disclaimer|rating|vote|poll|teaser|card-?list|feed|meta|extra|aside|hidden|banner|combx|community|remark|shoutbox|skyscraper|supplemental|inline-?ad|embed|photo|gallery|image|media|thumb\w*|date|time|dateline|hero|top-?bar|contact|bio|profile|follow|bookmark|print|email|tools?|utility|badge|label|icon)(?:$|[^a-z])",
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

pub(super) const F_STRONG: u8 = 1;
pub(super) const F_WEAK: u8 = 2;
pub(super) const F_POS: u8 = 4;

/// Vocabulary flags (`F_*`) of one class or id attribute value.
pub(super) fn attr_flags(v: &str) -> u8 {
    if v.is_empty() {
        return 0;
    }
    let r = res();
    let l = semantic_words(v);
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

/// The words of a class/id value that can say what an element is, lower
/// case and hyphen-separated (`camelCase`, `snake_case` → `camel-case`,
/// `snake-case`). Left out is what only says how it looks: utility
/// classes (`overflow-hidden`, `padding-bottom`, `bg-header-gray`,
/// `has-hero-image`), variants (`lg:flex`, `hover:underline`), `hidden`
/// beside a variant that shows the element (on phones only, or in an open
/// tab or accordion: `hidden group-[.active]:block`) and hash fragments of
/// generated class names (`css-1c02ad`, `jXK9ad`), where a vocabulary
/// word is a coincidence. A variant that hides the element on wide screens
/// (`md:hidden`, not `max-lg:hidden`) with none that shows it reads as
/// `hidden`: the page as a desktop reader sees it.
pub(super) fn semantic_words(v: &str) -> String {
    let shown = v.split_whitespace().any(|t| {
        t.split_once(':').is_some_and(|(_, d)| {
            matches!(
                d,
                "block"
                    | "flex"
                    | "grid"
                    | "inline"
                    | "inline-block"
                    | "inline-flex"
                    | "table"
                    | "contents"
            )
        })
    });
    let mut out = String::with_capacity(v.len() + 8);
    let mut l = String::with_capacity(32);
    for token in v.split_whitespace() {
        let wide_hidden = token.rsplit_once(':').is_some_and(|(variant, d)| {
            // A breakpoint (`md`, `minlg`), not a selector (`[&_a]`).
            d == "hidden"
                && !variant.starts_with("max")
                && variant
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
        let token = if wide_hidden && !shown {
            "hidden"
        } else {
            token
        };
        if token.contains([':', '[', '!', '/', '@'])
            || (shown && token == "hidden")
            || is_utility(token)
        {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        l.clear();
        let mut prev_lower = false;
        for ch in token.chars() {
            // camelCase → camel-case, snake_case → snake-case, v8Modal → v8-modal
            if ch.is_ascii_uppercase() && prev_lower {
                l.push('-');
            }
            prev_lower = ch.is_ascii_lowercase() || ch.is_ascii_digit();
            l.push(if ch == '_' {
                '-'
            } else {
                ch.to_ascii_lowercase()
            });
        }
        for (k, seg) in l.split('-').enumerate() {
            if k > 0 {
                out.push('-');
            }
            // A digit before a letter: a hash, not a word (`c02ad`, `k9ad`);
            // trailing digits number a word (`sidebar2`, `ad1`).
            let hash = seg
                .trim_end_matches(|c: char| c.is_ascii_digit())
                .contains(|c: char| c.is_ascii_digit());
            out.push_str(if hash { "0" } else { seg });
        }
    }
    out
}

/// A utility class: a CSS property word and its value (`overflow-hidden`,
/// `padding-bottom`, `mb-4`, `bg-header-gray`), or a `has-`/`no-`/`with-`
/// flag about the element's look (`has-hero-image`, `no-image-border`).
fn is_utility(token: &str) -> bool {
    const PROPERTIES: [&str; 21] = [
        "overflow",
        "padding",
        "margin",
        "space",
        "spacing",
        "gap",
        "bg",
        "background",
        "border",
        "rounded",
        "shadow",
        "has",
        "no",
        "with",
        "without",
        "mb",
        "mt",
        "pb",
        "pt",
        "mg",
        // Typography: `font-utility-2`, `font-meta`, `font-header` name a
        // typeface style (a training plan's table cells were `font-utility-2`).
        "font",
    ];
    let first = token.split(['-', '_']).next().unwrap_or("");
    token.len() > first.len() && PROPERTIES.iter().any(|p| first.eq_ignore_ascii_case(p))
}

/// Class/id weight from the union of both attributes' flags: `-1`
/// boilerplate, `+1` content, `0` neither or both (weak).
pub(super) fn class_weight(f: u8) -> i8 {
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
