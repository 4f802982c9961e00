//! The page without the bodies of its scripts, style sheets and inline
//! drawings, and without the attribute values nothing reads, before
//! html5ever parses it.
//!
//! Half the bytes of a modern page are code: on 300 WCXB pages, 26 % script
//! and 24 % style sheet. The extractor reads none of it but JSON-LD, yet
//! html5ever tokenizes it a run at a time (a token per line break), copies
//! it into text nodes and frees them again. Inline SVG is 6 % more (on
//! 600 WCXB pages; 12 % of what is left), an element per path with its
//! long `d` attribute, and the extractor skips every `<svg>` and `<math>`
//! element whole. Of what is left, a quarter is the values of attributes
//! nothing reads ([`keeps_value`]). [`without_code`] cuts all of that
//! out, so that html5ever builds the same tree less the text inside
//! `<script>` and `<style>` elements, less what is inside `<svg>` and
//! `<math>` elements, and with those attribute values empty.
//!
//! That only holds where the scan reads the page as the tokenizer does, so
//! it follows the tokenizer's states that decide where a body ends:
//! comments, bogus comments, tags with quoted attributes (a `>` inside a
//! value does not end a tag), the raw text of `<title>`, `<textarea>`,
//! `<noscript>` and their kin (kept as they are), script escapes
//! (`<!--` … `<script>` … `</script>` inside a script), and SVG and MathML,
//! where `<style>` and `<script>` are markup rather than raw text. Wherever
//! the page leaves what this scan follows — a tag that breaks out of SVG, a
//! tag inside an SVG `<title>`, a frameset, `<plaintext>`, a double-escaped
//! script — the rest of the page is passed on unchanged: slower, never
//! different.

use std::borrow::Cow;

use memchr::{memchr, memmem};

use super::arena::Attrs;

/// `html` with the text of every `<style>` element and of every `<script>`
/// element whose start tag does not say JSON (JSON-LD is read for the
/// page's metadata) left out, and the content of every `<svg>` and `<math>`
/// element that its end tag closes, and the quoted values of the
/// attributes of HTML start tags that [`keeps_value`] does not keep; the
/// page itself when there is none. An SVG or MathML element is cut only at
/// its end tag, so one the page breaks out of (a `<p>` inside it closes
/// it) keeps all it holds.
pub(crate) fn without_code(html: &str) -> Cow<'_, str> {
    let b = html.as_bytes();
    let mut out = String::new();
    // `b[copied..]` is not in `out` yet.
    let mut copied = 0;
    // Open SVG / MathML elements, lower-cased; empty in HTML content.
    let mut foreign: Vec<&[u8]> = Vec::new();
    // Inside an SVG `<title>`/`<desc>`/`<foreignObject>` or a MathML text
    // element, where start tags are HTML again: only text is followed there.
    let mut integration = false;
    // Just past the start tag of the outermost open SVG / MathML element:
    // its content is cut once its end tag closes it.
    let mut foreign_body = 0;
    // Whether drawings may be cut: their text also tells the parser that a
    // later `<frameset>` comes too late to replace the body, so a page with
    // one after its first drawing keeps them (asked at the first cut).
    let mut cut_foreign: Option<bool> = None;
    // The quoted attribute values of the tag last read.
    let mut values = Vec::new();
    let mut i = 0;
    while let Some(at) = memchr(b'<', &b[i..]) {
        let lt = i + at;
        let Some(&next) = b.get(lt + 1) else { break };
        i = match next {
            b'!' => markup_declaration_end(b, lt + 2, !foreign.is_empty()),
            b'?' => gt_after(b, lt + 2),
            b'/' => match b.get(lt + 2) {
                Some(c) if c.is_ascii_alphabetic() => {
                    let Some(tag) = Tag::read(b, lt + 2, &mut values) else {
                        break;
                    };
                    if !foreign.is_empty() {
                        if tag.is(b"p") || tag.is(b"br") {
                            break;
                        }
                        // An end tag pops the nearest open element of its
                        // name; one not open in SVG/MathML reaches the HTML
                        // around it, which this scan does not follow.
                        let Some(k) = foreign.iter().rposition(|n| tag.is(n)) else {
                            break;
                        };
                        foreign.truncate(k);
                        integration = false;
                        if foreign.is_empty()
                            && foreign_body < lt
                            && *cut_foreign.get_or_insert_with(|| !has_frameset(&b[lt..]))
                        {
                            cut(&mut out, &mut copied, html, foreign_body, lt);
                        }
                    }
                    tag.end
                }
                Some(b'>') => lt + 3,
                Some(_) => gt_after(b, lt + 2),
                None => break,
            },
            c if c.is_ascii_alphabetic() => {
                let Some(tag) = Tag::read(b, lt + 1, &mut values) else {
                    break;
                };
                if foreign.is_empty() {
                    for v in &values {
                        if !v.value.is_empty() && !keeps_value(tag.name, &b[v.name.clone()]) {
                            cut(&mut out, &mut copied, html, v.value.start, v.value.end);
                        }
                    }
                }
                if !foreign.is_empty() {
                    if integration || BREAKOUT.iter().any(|n| tag.is(n)) {
                        break;
                    }
                    if !tag.self_closing {
                        integration = INTEGRATION.iter().any(|n| tag.is(n));
                        foreign.push(tag.name);
                    }
                    tag.end
                } else if tag.is(b"svg") || tag.is(b"math") {
                    if !tag.self_closing {
                        foreign.push(tag.name);
                        foreign_body = tag.end;
                    }
                    tag.end
                } else if tag.is(b"frameset") || tag.is(b"plaintext") {
                    break;
                } else if let Some(&raw) = RAW_TEXT.iter().find(|n| tag.is(n)) {
                    let Some(body_end) = raw_end(b, tag.end, raw) else {
                        break;
                    };
                    let body = &b[tag.end..body_end];
                    let cut_body = match raw {
                        b"style" => true,
                        b"script" => {
                            // `<!--` then `<script` makes `</script>` text
                            // until a second one: followed no further.
                            let escape = memmem::find(body, b"<!--");
                            if escape.is_some_and(|e| {
                                find_ignoring_case(&body[e..], b"<script").is_some()
                            }) {
                                break;
                            }
                            find_ignoring_case(&b[lt..tag.end], b"json").is_none()
                        }
                        _ => false,
                    };
                    if cut_body {
                        cut(&mut out, &mut copied, html, tag.end, body_end);
                    }
                    body_end
                } else {
                    tag.end
                }
            }
            _ => lt + 1,
        };
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// Leaves `html[from..to]` out of `out`, which holds `html[..copied]` less
/// the earlier cuts.
fn cut(out: &mut String, copied: &mut usize, html: &str, from: usize, to: usize) {
    if from == to {
        return;
    }
    if *copied == 0 {
        // Reserved once, at the first cut: a page without code is passed
        // on without a copy.
        out.reserve(html.len());
    }
    out.push_str(&html[*copied..from]);
    *copied = to;
}

/// Whether a `<frameset` tag starts anywhere in `b` (in a comment too: a
/// cheap, safe over-estimate).
fn has_frameset(b: &[u8]) -> bool {
    memchr::memchr_iter(b'<', b).any(|k| {
        b.get(k + 1..k + 9)
            .is_some_and(|n| n.eq_ignore_ascii_case(b"frameset"))
    })
}

/// Elements whose text the tokenizer reads raw up to their end tag (with
/// scripting enabled, as scraper parses, `<noscript>` is one); the bodies
/// of the first two are cut.
const RAW_TEXT: &[&[u8]] = &[
    b"script",
    b"style",
    b"title",
    b"textarea",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
];

/// Start tags that close SVG and MathML and go on as HTML.
const BREAKOUT: &[&[u8]] = &[
    b"b",
    b"big",
    b"blockquote",
    b"body",
    b"br",
    b"center",
    b"code",
    b"dd",
    b"div",
    b"dl",
    b"dt",
    b"em",
    b"embed",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"head",
    b"hr",
    b"i",
    b"img",
    b"li",
    b"listing",
    b"menu",
    b"meta",
    b"nobr",
    b"ol",
    b"p",
    b"pre",
    b"ruby",
    b"s",
    b"small",
    b"span",
    b"strong",
    b"strike",
    b"sub",
    b"sup",
    b"table",
    b"tt",
    b"u",
    b"ul",
    b"var",
    b"font",
];

/// SVG and MathML elements whose content is parsed as HTML (the HTML and
/// MathML text integration points).
const INTEGRATION: &[&[u8]] = &[
    b"foreignobject",
    b"desc",
    b"title",
    b"annotation-xml",
    b"mi",
    b"mo",
    b"mn",
    b"ms",
    b"mtext",
];

/// A quoted attribute value of a tag: where its attribute's name and the
/// value between the quotes lie in the page.
struct QuotedValue {
    name: std::ops::Range<usize>,
    value: std::ops::Range<usize>,
}

/// Attributes whose values are kept besides those the flattening reads
/// ([`Attrs::NAMES`]): those [`super::meta::Meta`] reads and those that
/// change the tree html5ever builds (an `<input type=hidden>` in a table,
/// a `<template shadowrootmode>`, a `<meta charset>`); `href` is read on
/// `<link>` elements only. The values of all other attributes of HTML
/// start tags are cut: a quarter of what html5ever reads once code and
/// drawings are cut (`srcset`, `src`, an `<a>`'s `href`, `data-…` JSON),
/// copied into the tree for nothing.
pub(super) const ALSO_READ: &[&str] = &[
    "property",
    "name",
    "content",
    "datetime",
    "type",
    "shadowrootmode",
    "charset",
    "http-equiv",
];

/// Whether the value of attribute `attr` of an HTML element `element` is
/// kept ([`Attrs::NAMES`], [`ALSO_READ`]); both as written, of any ASCII
/// case.
pub(super) fn keeps_value(element: &[u8], attr: &[u8]) -> bool {
    Attrs::NAMES
        .iter()
        .chain(ALSO_READ)
        .any(|k| attr.eq_ignore_ascii_case(k.as_bytes()))
        || (attr.eq_ignore_ascii_case(b"href") && element.eq_ignore_ascii_case(b"link"))
}

/// A start or end tag as the tokenizer reads it.
struct Tag<'a> {
    /// As written; compared without regard to ASCII case.
    name: &'a [u8],
    self_closing: bool,
    /// Just past its `>`.
    end: usize,
}

impl<'a> Tag<'a> {
    /// The tag whose name starts at `b[at]`, or `None` when the page ends
    /// inside it (the tokenizer then drops it). Follows the tokenizer's
    /// attribute states, which decide where a tag ends: a quoted value may
    /// hold `>`, and a quote is a value's only after an attribute name's `=`
    /// (`<a ="x>">` ends at the first `>`).
    fn read(b: &'a [u8], at: usize, values: &mut Vec<QuotedValue>) -> Option<Tag<'a>> {
        values.clear();
        // The attribute name last read, whose value a quote may start.
        let mut attr = (0, 0);
        #[derive(Clone, Copy)]
        enum State {
            BeforeName,
            Name,
            AfterName,
            BeforeValue,
            Unquoted,
            AfterQuoted,
            SelfClosing,
        }
        let mut i = run(b, at, |c| is_space(c) || c == b'/' || c == b'>');
        let name = &b[at..i];
        let mut state = State::BeforeName;
        loop {
            let c = *b.get(i)?;
            i += 1;
            state = match (state, c) {
                (State::SelfClosing, b'>') => {
                    return Some(Tag {
                        name,
                        self_closing: true,
                        end: i,
                    })
                }
                (_, b'>') => {
                    return Some(Tag {
                        name,
                        self_closing: false,
                        end: i,
                    })
                }
                (State::Unquoted, c) if is_space(c) => State::BeforeName,
                (State::Unquoted, _) => State::Unquoted,
                (State::BeforeValue, c) if is_space(c) => State::BeforeValue,
                (State::BeforeValue, q @ (b'"' | b'\'')) => {
                    let len = memchr(q, &b[i..])?;
                    values.push(QuotedValue {
                        name: attr.0..attr.1,
                        value: i..i + len,
                    });
                    i += len + 1;
                    State::AfterQuoted
                }
                (State::BeforeValue, _) => {
                    i = run(b, i, |c| is_space(c) || c == b'>');
                    State::Unquoted
                }
                (State::Name | State::AfterName, b'=') => State::BeforeValue,
                (State::Name | State::AfterName | State::AfterQuoted, b'/') => State::SelfClosing,
                (State::BeforeName | State::SelfClosing, b'/') => State::SelfClosing,
                (State::Name, c) if is_space(c) => State::AfterName,
                (State::AfterName, c) if is_space(c) => State::AfterName,
                (_, c) if is_space(c) => State::BeforeName,
                // Any other character is (or starts) an attribute name,
                // an `=` in "before attribute name" included.
                _ => {
                    let start = i - 1;
                    i = run(b, i, |c| is_space(c) || matches!(c, b'/' | b'>' | b'='));
                    attr = (start, i);
                    State::Name
                }
            };
        }
    }

    fn is(&self, name: &[u8]) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// Where the run of bytes from `i` up to the first that `stop` accepts
/// ends (the page's end without one): a name or an unquoted value in one
/// tight loop, not a state step per byte.
#[inline(always)]
fn run(b: &[u8], i: usize, stop: impl Fn(u8) -> bool) -> usize {
    b[i.min(b.len())..]
        .iter()
        .position(|&c| stop(c))
        .map_or(b.len(), |k| i + k)
}

fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// Past the first `>` at or after `from` (a bogus comment or a doctype), or
/// the end of the page.
fn gt_after(b: &[u8], from: usize) -> usize {
    memchr(b'>', &b[from.min(b.len())..]).map_or(b.len(), |k| from + k + 1)
}

/// Past a markup declaration whose `<!` ends just before `at`: a comment
/// ends at the first `-->` or `--!>` (or at once with `<!-->` and `<!--->`),
/// a CDATA section in SVG/MathML at `]]>`, anything else at `>`.
fn markup_declaration_end(b: &[u8], at: usize, foreign: bool) -> usize {
    let rest = &b[at.min(b.len())..];
    if let Some(comment) = rest.strip_prefix(b"--") {
        let start = at + 2;
        if comment.starts_with(b">") {
            return start + 1;
        }
        if comment.starts_with(b"->") {
            return start + 2;
        }
        // `--!>` is looked for only before the first `-->`: searching the
        // rest of the page for it at every comment was quadratic.
        let close = memmem::find(comment, b"-->");
        let before = &comment[..close.unwrap_or(comment.len())];
        return match (memmem::find(before, b"--!>"), close) {
            (Some(k), _) => start + k + 4,
            (None, Some(k)) => start + k + 3,
            (None, None) => b.len(),
        };
    }
    if foreign && rest.starts_with(b"[CDATA[") {
        return memmem::find(rest, b"]]>").map_or(b.len(), |k| at + k + 3);
    }
    gt_after(b, at)
}

/// Where the raw text that starts at `from` ends: the first `</name`
/// followed by a space, `/` or `>`; `None` when the page ends first.
fn raw_end(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    loop {
        let lt = i + memchr(b'<', &b[i..])?;
        let after = lt + 2 + name.len();
        if b.get(lt + 1) == Some(&b'/')
            && b.len() > after
            && b[lt + 2..after].eq_ignore_ascii_case(name)
            && (is_space(b[after]) || b[after] == b'/' || b[after] == b'>')
        {
            return Some(lt);
        }
        i = lt + 1;
    }
}

fn find_ignoring_case(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::{keeps_value, without_code};
    use proptest::prelude::*;
    use scraper::{Html, Node};

    /// The parsed tree as text, one node a line (namespace, name, attributes,
    /// text), leaving out only the text inside HTML `<script>` and `<style>`
    /// and what is inside SVG and MathML elements (the elements themselves
    /// stay, and so does whatever the page breaks out of them), with the
    /// values of attributes nothing reads empty.
    fn tree(html: &str) -> String {
        let doc = Html::parse_document(html);
        let mut out = String::new();
        for n in doc.tree.root().descendants() {
            let in_foreign = n.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| &*e.name.ns != "http://www.w3.org/1999/xhtml")
            });
            if in_foreign {
                continue;
            }
            let line = match n.value() {
                Node::Element(e) => {
                    // Values nothing reads are left out on both sides (the
                    // name as the page wrote it: `xlink:type` is not `type`).
                    let mut attrs: Vec<(String, &str)> = e
                        .attrs
                        .iter()
                        .map(|(q, v)| {
                            let name = match &q.prefix {
                                Some(p) => format!("{}:{}", &**p, &*q.local),
                                None => q.local.to_string(),
                            };
                            let keep = keeps_value(e.name().as_bytes(), name.as_bytes());
                            (name, if keep { &**v } else { "" })
                        })
                        .collect();
                    attrs.sort();
                    format!("<{} {} {attrs:?}>", e.name.ns, e.name())
                }
                Node::Text(t) => {
                    let parent = n.parent().and_then(|p| p.value().as_element());
                    let code = parent.is_some_and(|e| {
                        &*e.name.ns == "http://www.w3.org/1999/xhtml"
                            && matches!(e.name(), "script" | "style")
                    });
                    if code {
                        continue;
                    }
                    format!("{:?}", &**t)
                }
                Node::Comment(c) => format!("<!--{:?}-->", &**c),
                other => format!("{other:?}"),
            };
            out.push_str(&" ".repeat(n.ancestors().count()));
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    fn same_tree(html: &str) {
        let cut = without_code(html);
        assert!(cut.len() <= html.len());
        assert_eq!(tree(html), tree(&cut), "input: {html:?}\ncut: {cut:?}");
    }

    #[test]
    fn script_and_style_bodies_go_the_rest_stays() {
        let page = "<p>a</p><script>var x = '<p>' + \"</p>\";</script>\
                    <style>p { color: red }</style><p>b</p>";
        assert_eq!(
            without_code(page),
            "<p>a</p><script></script><style></style><p>b</p>"
        );
        same_tree(page);
    }

    #[test]
    fn drawings_keep_their_element_not_its_content() {
        let page = "<p>a<svg viewBox='0 0 9 9'><path d='M0 0L9 9'/><title>x</title>\
                    </svg>b</p><math><mi>y</mi></math><svg/><p>c</p>";
        assert_eq!(
            without_code(page),
            "<p>a<svg viewBox=''></svg>b</p><math></math><svg/><p>c</p>"
        );
        same_tree(page);
        // A breakout tag closes the drawing: what follows is the page's.
        let page = "<svg><path/><p>kept</p></svg>";
        assert_eq!(without_code(page), page);
    }

    #[test]
    fn values_nothing_reads_go_the_rest_stay() {
        let page = "<link rel=canonical href='/a'><div class=\"c\" data-x='{\"k\":1}'>\
                    <a href=\"/b\" title=x>t</a><img srcset=\"a.jpg 1x\" alt=\"\">\
                    <input type='hidden' value=\"v\"></div>";
        assert_eq!(
            without_code(page),
            "<link rel=canonical href='/a'><div class=\"c\" data-x=''>\
             <a href=\"\" title=x>t</a><img srcset=\"\" alt=\"\">\
             <input type='hidden' value=\"\"></div>"
        );
        same_tree(page);
    }

    #[test]
    fn json_ld_is_kept() {
        let page = r#"<script type="application/ld+json">{"@type":"NewsArticle"}</script>"#;
        assert_eq!(without_code(page), page);
    }

    #[test]
    fn what_the_tokenizer_reads_otherwise_is_followed() {
        for page in [
            // A comment, a quoted `>` and a raw-text element hide tags.
            "<!-- <style> --><p>x</p><style>y</style>",
            "<div title='a>b' data-x=\"<style>\"><style>x</style></div>",
            "<a =\"x><style>y</style>\">z</a><style>w</style>",
            "<a =\"x><textarea>\"><style>y</style></textarea>",
            "<textarea><style>x</style></textarea><style>y</style>",
            "<title></title ><style>x</style>",
            // In SVG, `<style>` is markup; after it, raw text again.
            "<svg><style>.a{}</style><g><style><b>x</b></style></g></svg><style>z</style>",
            "<math><mi><style>x</style></mi></math>",
            "<svg><title><textarea></svg><style>x</style></textarea>",
            "<svg><![CDATA[</svg>]]><style>x</style></svg>",
            // A breakout tag ends SVG.
            "<svg><p><style>x</style>",
            "<svg></p><style>x</style>",
            "<div><svg></div><style>x</style>",
            // Script escapes.
            "<script><!-- if (a) {} --></script><style>x</style>",
            "<script><!--<script></script>--></script><style>x</style>",
            // The page ends inside raw text or a tag.
            "<p>a<script>var x = 1;",
            "<p>a<style>x</style><div class='",
            "<plaintext><style>x</style>",
            "<frameset><style>x</style>",
            // Text in a drawing makes a later `<frameset>` come too late.
            "<svg>a</svg><frameset>",
            "<math><mi>a</mi></math><style>x</style><frameset>",
            "<math>a</math><svg><foreignObject><frameset>",
        ] {
            same_tree(page);
        }
    }

    /// Pieces that move the tokenizer and tree builder between states.
    const PIECES: &[&str] = &[
        "<script>",
        "<script type=\"application/ld+json\">",
        "<SCRIPT src=x>",
        "</script>",
        "</script ",
        "</SCRIPT>",
        "<style>",
        "</style>",
        "</style/",
        "<svg>",
        "<svg/>",
        "</svg>",
        "<math>",
        "</math>",
        "<mi>",
        "</mi>",
        "<title>",
        "</title>",
        "<desc>",
        "<foreignObject>",
        "<textarea>",
        "</textarea>",
        "<noscript>",
        "</noscript>",
        "<iframe>",
        "<select>",
        "</select>",
        "<table>",
        "<template>",
        "</template>",
        "<p>",
        "</p>",
        "<div class=\"",
        "<b ",
        "<a =\"",
        "</br>",
        "<font color=red>",
        "<!--",
        "-->",
        "--!>",
        "<!-->",
        "<![CDATA[",
        "]]>",
        "<!doctype html>",
        "<?x ",
        "</>",
        "</ ",
        "<",
        ">",
        "/",
        "=",
        "\"",
        "'",
        " ",
        "\n",
        "x",
        "&amp;",
        "<frameset>",
        " data-x=\"",
        " href='",
        "<link ",
        "<input type=\"hidden\" value=\"",
        "<template shadowrootmode=\"open\">",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn any_page_parses_to_the_same_tree(pieces in prop::collection::vec(0..PIECES.len(), 0..40)) {
            let page: String = pieces.iter().map(|&k| PIECES[k]).collect();
            same_tree(&page);
        }
    }

    /// Every page under `GLEANER_HTML_PAGES` (a directory, walked), e.g. the
    /// WCXB and AEB pages: `GLEANER_HTML_PAGES=data/external cargo test
    /// --release --lib code_bodies -- --ignored`.
    #[test]
    #[ignore]
    fn real_pages_parse_to_the_same_tree() {
        let root = std::env::var("GLEANER_HTML_PAGES").expect("GLEANER_HTML_PAGES");
        let (mut paths, mut dirs) = (Vec::new(), vec![std::path::PathBuf::from(root)]);
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "html" || e == "htm") {
                    paths.push(path);
                }
            }
        }
        paths.sort();
        // With GLEANER_TREE_DUMP=FILE, every page's whole tree goes to FILE,
        // so that two builds of the parser can be compared
        // (vendor/html5ever/PATCHES.md).
        let mut dump = std::env::var_os("GLEANER_TREE_DUMP")
            .map(|f| std::io::BufWriter::new(std::fs::File::create(f).unwrap()));
        let mut cut = 0;
        for path in &paths {
            let bytes = std::fs::read(path).unwrap();
            let html = String::from_utf8_lossy(&bytes);
            let page_cut = without_code(&html);
            cut += html.len() - page_cut.len();
            assert_eq!(tree(&html), tree(&page_cut), "{}", path.display());
            if let Some(out) = dump.as_mut() {
                use std::io::Write;
                let whole = format!("{:?}", Html::parse_document(&html).tree);
                writeln!(out, "{}\n{whole}", path.display()).unwrap();
            }
        }
        eprintln!(
            "{} pages, the same trees; {cut} bytes of code left out",
            paths.len()
        );
    }
}
