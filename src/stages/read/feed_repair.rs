//! Feeds that `feed-rs` reads as empty or refuses, made readable: old
//! formats it does not know and files cut off in transfer. Each repair is
//! tried only when the feed as it is gives nothing, so a feed it reads is
//! read as before.
//!
//! Found on real feeds (chardet's test corpus of feeds from 2005–2010):
//! - **Atom 0.3** (Blogger, Movable Type until ~2006): `feed-rs` knows
//!   only the Atom 1.0 namespace and finds no entries, and its inline
//!   `application/xhtml+xml` content would come out empty. [`atom03`]
//!   rewrites the namespace, the content types and the dates to Atom 1.0.
//! - **Truncated feeds** (a crawler's size cap, a broken download): the
//!   XML is not well-formed, so the parser refuses the whole file.
//!   [`complete_prefix`] keeps the feed up to its last complete item and
//!   closes the elements still open there.
//! - **Items after `</channel>`** (some RSS 0.91 exporters): `feed-rs`
//!   reads items only inside the channel. [`items_in_channel`] moves the
//!   `</channel>` after them.
//! - **Small departures it refuses whole** (an `<rss>` without `version`,
//!   Atom content typed `application/xhtml+xml`):
//!   [`refused_feed_repairs`].
//! - **Not well-formed XML** (hand-written and CMS feeds: a `<br>` or an
//!   unclosed `<p>` written into a description unescaped, "3 < 5"): read
//!   as browsers and feedparser's loose parser read it, [`loose`].

use std::sync::LazyLock;

use quick_xml::events::Event;
use regex::Regex;

/// The Atom 0.3 namespace.
const ATOM03: &str = "http://purl.org/atom/ns#";
const ATOM10: &str = "http://www.w3.org/2005/Atom";

/// An Atom 0.3 feed rewritten as Atom 1.0 (else `None`): the namespace;
/// `issued`/`modified` as `published`/`updated`; the MIME `type` of
/// `content`, `summary` and `title` as Atom 1.0's `text`/`html`/`xhtml`.
pub fn atom03(text: &str) -> Option<String> {
    static DATES: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<(/?)(issued|modified)>").expect("valid regex"));
    static TYPED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"<(content|summary|title)(\s[^>]*?)?(/?)>"#).expect("valid regex")
    });
    static TYPE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"\btype\s*=\s*["']([^"']*)["']"#).expect("valid regex"));
    static MODE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"\bmode\s*=\s*["']([^"']*)["']"#).expect("valid regex"));
    let head = &text.as_bytes()[..text.len().min(4096)];
    memchr::memmem::find(head, ATOM03.as_bytes())?;
    let text = text.replace(ATOM03, ATOM10);
    let text = DATES.replace_all(&text, |c: &regex::Captures| {
        let name = if &c[2] == "issued" {
            "published"
        } else {
            "updated"
        };
        format!("<{}{name}>", &c[1])
    });
    let text = TYPED.replace_all(&text, |c: &regex::Captures| {
        let attrs = c.get(2).map_or("", |m| m.as_str());
        let mode = MODE.captures(attrs).map(|m| m[1].to_ascii_lowercase());
        let attrs = TYPE.replace(attrs, |t: &regex::Captures| {
            let mime = t[1].to_ascii_lowercase();
            // 0.3's default mode is inline XML; "escaped" is 1.0's html.
            let kind = match (mime.as_str(), mode.as_deref()) {
                (_, Some("base64")) => return t[0].to_string(),
                ("application/xhtml+xml", _) => "xhtml",
                ("text/html", Some("escaped")) => "html",
                ("text/html", _) => "xhtml",
                ("text/plain", _) => "text",
                _ => return t[0].to_string(),
            };
            format!(r#"type="{kind}""#)
        });
        format!("<{}{attrs}{}>", &c[1], &c[3])
    });
    Some(text.into_owned())
}

/// Repairs for a feed `feed-rs` refuses that is not cut off: an `<rss>`
/// root without `version` (it then finds "no root element"), and Atom
/// content typed `application/xhtml+xml` (it refuses the whole feed for one
/// such entry), which Atom 1.0 calls `xhtml`.
pub fn refused_feed_repairs(text: &str) -> impl Iterator<Item = String> + '_ {
    [rss_version(text), xhtml_type(text), bare_ampersands(text)]
        .into_iter()
        .flatten()
}

/// Ampersands that start no entity or character reference ("AT&T", a
/// query string in a link) escaped as `&amp;`, outside CDATA sections:
/// XML refuses them, and with them the whole feed (browsers and
/// feedparser read them as the character).
pub fn bare_ampersands(text: &str) -> Option<String> {
    static AMPERSAND: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"&(#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)?")
            .expect("valid regex")
    });
    replace_outside_cdata(text, &AMPERSAND, |c| {
        c.get(1).is_none().then(|| "&amp;".to_string())
    })
}

/// `text` with each match of `re` outside CDATA sections replaced by what
/// `with` gives for it (kept where it gives `None`); `None` when nothing
/// was replaced.
fn replace_outside_cdata(
    text: &str,
    re: &Regex,
    with: impl Fn(&regex::Captures) -> Option<String>,
) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut changed = false;
    for (outside, section) in cdata_split(text) {
        out.push_str(
            &re.replace_all(outside, |c: &regex::Captures| match with(c) {
                Some(new) => {
                    changed = true;
                    new
                }
                None => c[0].to_string(),
            }),
        );
        out.push_str(section);
    }
    changed.then_some(out)
}

/// A feed that is not well-formed XML, made so the way a browser or
/// feedparser's loose parser reads it: HTML written into an HTML-holding
/// element without escaping (`<description>…<br>…</description>`, an
/// unclosed `<p>` or `<img>`) is put into a CDATA section, since such an
/// element holds HTML as text by definition; then ampersands and `<` that
/// start no reference or tag ("AT&T", "3 < 5") are escaped. `None` when
/// nothing changed. XML refuses the whole file for any of these, and with
/// it every item, where they cost one item's markup at most.
pub fn loose(text: &str) -> Option<String> {
    let cdata = markup_as_cdata(text);
    let text = cdata.as_deref().unwrap_or(text);
    let amp = bare_ampersands(text);
    let text = amp.as_deref().unwrap_or(text);
    stray_less_thans(text).or(amp).or(cdata)
}

/// The content of each HTML-holding element (RSS `description` and
/// `content:encoded`, Atom `content` and `summary` unless typed XHTML)
/// that holds markup outside CDATA, wrapped in one CDATA section (its own
/// CDATA sections unwrapped into it). An element whose end tag is missing
/// ends the repair: the rest is cut off, which [`complete_prefix`] handles.
fn markup_as_cdata(text: &str) -> Option<String> {
    static OPEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"<(description|content:encoded|content|summary)(\s[^>]*)?>")
            .expect("valid regex")
    });
    let mut out = String::new();
    let mut done = 0;
    let mut from = 0;
    while let Some(open) = OPEN.captures_at(text, from) {
        let (whole, name) = (open.get(0).expect("match"), &open[1]);
        let attrs = open.get(2).map_or("", |m| m.as_str());
        if attrs.ends_with('/') {
            from = whole.end();
            continue;
        }
        let close = format!("</{name}>");
        let Some(len) = text[whole.end()..].find(&close) else {
            break;
        };
        let inner = &text[whole.end()..whole.end() + len];
        from = whole.end() + len + close.len();
        if typed_xml(attrs) || !has_markup(inner) {
            continue;
        }
        out.push_str(&text[done..whole.end()]);
        out.push_str("<![CDATA[");
        out.push_str(&without_cdata(inner).replace("]]>", "]]]]><![CDATA[>"));
        out.push_str("]]>");
        done = whole.end() + len;
    }
    (done > 0).then(|| {
        out.push_str(&text[done..]);
        out
    })
}

/// Whether an element's attributes type its content as XML (Atom
/// `type="xhtml"`, `application/xhtml+xml`, `text/xml`): markup that is
/// its content, not HTML to escape. `xml:lang` or `xml:base` are no type.
fn typed_xml(attrs: &str) -> bool {
    static TYPE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?:^|\s)type\s*=\s*["']([^"']*)["']"#).expect("valid regex")
    });
    TYPE.captures(attrs).is_some_and(|t| {
        let kind = t[1].to_ascii_lowercase();
        kind.contains("xhtml") || kind.contains("xml")
    })
}

/// Whether `inner` holds a `<` outside its CDATA sections.
fn has_markup(inner: &str) -> bool {
    cdata_split(inner).any(|(outside, _)| outside.contains('<'))
}

/// `inner` with its CDATA sections replaced by their text.
fn without_cdata(inner: &str) -> String {
    cdata_split(inner)
        .flat_map(|(outside, section)| {
            let body = section.strip_prefix("<![CDATA[").unwrap_or(section);
            [outside, body.strip_suffix("]]>").unwrap_or(body)]
        })
        .collect()
}

/// `text` as pairs of (text up to the next CDATA section, that section
/// with its markers); a section that never ends runs to the end of `text`.
fn cdata_split(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(start) = rest.find("<![CDATA[") else {
            return Some((std::mem::take(&mut rest), ""));
        };
        let end = rest[start..]
            .find("]]>")
            .map_or(rest.len(), |e| start + e + "]]>".len());
        let (outside, section) = (&rest[..start], &rest[start..end]);
        rest = &rest[end..];
        Some((outside, section))
    })
}

/// `<` that starts no tag, end tag, comment, CDATA section or processing
/// instruction ("3 < 5", "<-"), escaped as `&lt;`, outside CDATA sections.
fn stray_less_thans(text: &str) -> Option<String> {
    static STRAY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<([^\p{L}_:/!?]|$)").expect("valid regex"));
    replace_outside_cdata(text, &STRAY, |c| Some(format!("&lt;{}", &c[1])))
}

/// `<rss>` without a `version` attribute given `version="2.0"`, and one
/// of a version `feed-rs` does not know (it reads 0.91, 0.92 and 2.0, and
/// finds "no root element" in 0.93 and 0.94, Userland's drafts between
/// 0.92 and 2.0, or a made-up "2.01") retyped 2.0, which they are a part of.
fn rss_version(text: &str) -> Option<String> {
    static RSS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<rss(\s[^>]*)?>").expect("valid regex"));
    static VERSION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(\sversion\s*=\s*["'])([^"']*)(["'])"#).expect("valid regex")
    });
    let found = RSS.find(text)?;
    let tag = found.as_str();
    let fixed = match VERSION.captures(tag) {
        None => tag.replacen("<rss", "<rss version=\"2.0\"", 1),
        Some(v) if matches!(&v[2], "0.91" | "0.92" | "2.0" | "") => return None,
        Some(_) => VERSION.replace(tag, "${1}2.0${3}").into_owned(),
    };
    Some(format!(
        "{}{fixed}{}",
        &text[..found.start()],
        &text[found.end()..]
    ))
}

/// Atom `content`, `summary` and `title` typed `application/xhtml+xml`
/// retyped `xhtml`.
fn xhtml_type(text: &str) -> Option<String> {
    static XHTML: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r#"(<(?:content|summary|title)\s[^>]*?type\s*=\s*["'])application/xhtml\+xml(["'])"#,
        )
        .expect("valid regex")
    });
    XHTML
        .is_match(text)
        .then(|| XHTML.replace_all(text, "${1}xhtml${2}").into_owned())
}

/// The feed up to the end of its last complete `item` or `entry`, with
/// the elements open there closed, and how many items it keeps; `None`
/// when no item is complete.
pub fn complete_prefix(text: &str) -> Option<(String, usize)> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut open: Vec<String> = Vec::new();
    let mut last: Option<(usize, Vec<String>)> = None;
    let mut items = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                open.push(e.name().as_ref().to_string());
            }
            Ok(Event::End(e)) => {
                open.pop();
                if matches!(e.local_name().as_ref(), "item" | "entry") {
                    items += 1;
                    last = Some((reader.buffer_position() as usize, open.clone()));
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    let (end, open) = last?;
    let mut cut = text.get(..end)?.to_string();
    for name in open.iter().rev() {
        cut.push_str(&format!("</{name}>"));
    }
    Some((cut, items))
}

/// What to try, in order, on a feed `feed-rs` reads without error but
/// finds no items in: each repair that applies, on the text and on the
/// text cut after its last complete item (a cut-off feed of this kind
/// parses without error but still has its items outside).
/// The repairs are made lazily: the cut only if those of the whole text
/// fail.
pub fn empty_feed_repairs(text: &str) -> impl Iterator<Item = String> + '_ {
    let repairs = |t: &str| [items_in_channel(t), without_rss_namespace(t)];
    let cut = std::iter::once_with(move || complete_prefix(text).map(|(cut, _)| cut))
        .flatten()
        .flat_map(move |cut| repairs(&cut));
    repairs(text).into_iter().chain(cut).flatten()
}

/// An RSS feed with the default namespace some RSS 2.0 exporters put on
/// `<rss>` (`xmlns="http://backend.userland.com/rss2"`) taken off: with
/// it, `feed-rs` takes no element for an RSS one.
pub fn without_rss_namespace(text: &str) -> Option<String> {
    static DEFAULT_NS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(<rss\b[^>]*?)\s+xmlns\s*=\s*["'][^"']*["']"#).expect("valid regex")
    });
    let found = DEFAULT_NS.captures(text)?;
    let whole = found.get(0)?;
    Some(format!(
        "{}{}{}",
        &text[..whole.start()],
        &found[1],
        &text[whole.end()..]
    ))
}

/// An RSS feed whose items follow its `</channel>`, with the `</channel>`
/// moved to the end of the items (else `None`).
pub fn items_in_channel(text: &str) -> Option<String> {
    let close = text.find("</channel>")?;
    let first_item = text.find("<item")?;
    let rss_end = text.rfind("</rss>")?;
    if first_item < close || rss_end < first_item {
        return None;
    }
    let mut fixed = String::with_capacity(text.len());
    fixed.push_str(&text[..close]);
    fixed.push_str(&text[close + "</channel>".len()..rss_end]);
    fixed.push_str("</channel>");
    fixed.push_str(&text[rss_end..]);
    Some(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom03_becomes_atom10() {
        let feed = r#"<feed xmlns="http://purl.org/atom/ns#" version="0.3"><entry>
<issued>2005-07-29T14:32:11Z</issued><modified>2005-07-29T14:37:59Z</modified>
<summary type="text/plain">Short</summary>
<content type="text/html" mode="escaped"><![CDATA[<p>Body</p>]]></content>
<content type="application/xhtml+xml" xml:space="preserve"><div>x</div></content>
</entry></feed>"#;
        let up = atom03(feed).unwrap();
        assert!(
            up.contains(r#"xmlns="http://www.w3.org/2005/Atom""#),
            "{up}"
        );
        assert!(up.contains("<published>2005-07-29T14:32:11Z</published>"));
        assert!(up.contains("<updated>2005-07-29T14:37:59Z</updated>"));
        assert!(up.contains(r#"<summary type="text">"#), "{up}");
        assert!(
            up.contains(r#"<content type="html" mode="escaped">"#),
            "{up}"
        );
        assert!(
            up.contains(r#"<content type="xhtml" xml:space="preserve">"#),
            "{up}"
        );
        assert!(atom03(r#"<feed xmlns="http://www.w3.org/2005/Atom"/>"#).is_none());
        // The 4 KB looked at may end inside a character.
        let long = format!("<feed>{}</feed>", "売".repeat(2000));
        assert!(atom03(&long).is_none());
    }

    #[test]
    fn a_cut_feed_keeps_its_complete_items() {
        let feed = "<rss><channel><title>t</title><item><title>a</title></item>\
                    <item><title>b</title></item><item><title>c</ti";
        let (cut, items) = complete_prefix(feed).unwrap();
        assert_eq!(items, 2);
        assert!(
            cut.ends_with("<item><title>b</title></item></channel></rss>"),
            "{cut}"
        );
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id></entry><entry><content><![CDATA[<p>cut"#;
        let (cut, items) = complete_prefix(atom).unwrap();
        assert_eq!(items, 1);
        assert!(cut.ends_with("</entry></feed>"), "{cut}");
        assert!(complete_prefix("<rss><channel><item><title>a").is_none());
        assert!(super::super::sniffs_as_feed(
            "<?xml version='1.0'?><rss><channel><item><title>a"
        ));
        assert!(!super::super::sniffs_as_feed(
            "<html><body>hi</body></html>"
        ));
    }

    #[test]
    fn a_versionless_rss_and_xhtml_typed_atom_are_retyped() {
        let fixed: Vec<String> = refused_feed_repairs("<rss>\n<channel/></rss>").collect();
        assert_eq!(fixed, ["<rss version=\"2.0\">\n<channel/></rss>"]);
        let atom = r#"<feed><entry><title type="application/xhtml+xml" mode="xml"><div/></title></entry></feed>"#;
        let fixed: Vec<String> = refused_feed_repairs(atom).collect();
        assert_eq!(
            fixed,
            [r#"<feed><entry><title type="xhtml" mode="xml"><div/></title></entry></feed>"#]
        );
        assert_eq!(refused_feed_repairs(r#"<rss version="2.0"/>"#).count(), 0);
        let fixed: Vec<String> = refused_feed_repairs("<rss version='0.93' a='b'>").collect();
        assert_eq!(fixed, ["<rss version='2.0' a='b'>"]);
        let amp = "<item><title>AT&T &amp; &#38; &nbsp;</title><description><![CDATA[a & b]]> Q&A</description></item>";
        assert_eq!(
            bare_ampersands(amp).unwrap(),
            "<item><title>AT&amp;T &amp; &#38; &nbsp;</title><description><![CDATA[a & b]]> Q&amp;A</description></item>"
        );
        assert!(bare_ampersands("<t>&amp; <![CDATA[&]]></t>").is_none());
    }

    #[test]
    fn unescaped_html_and_stray_brackets_are_read_loosely() {
        let feed = "<rss><channel><title>3 < 5 & more</title><item><description>a<br>b \
                    <![CDATA[<i>c]]> <img src=x></description></item><item>\
                    <description>plain</description><description/></item>\
                    <entry><content type=\"xhtml\"><div>x<br/></div></content></entry>\
                    <item><content:encoded><p>]]> end</content:encoded></item></channel></rss>";
        assert_eq!(
            loose(feed).unwrap(),
            "<rss><channel><title>3 &lt; 5 &amp; more</title><item><description>\
             <![CDATA[a<br>b <i>c <img src=x>]]></description></item><item>\
             <description>plain</description><description/></item>\
             <entry><content type=\"xhtml\"><div>x<br/></div></content></entry>\
             <item><content:encoded><![CDATA[<p>]]]]><![CDATA[> end]]></content:encoded></item>\
             </channel></rss>"
        );
        // A description cut off: the rest is left to the cut.
        let cut = "<rss><channel><item><description><p>a</description></item><item>\
                   <description><p>b";
        assert!(loose(cut).unwrap().ends_with("<description><p>b"));
        assert!(loose("<rss><channel><item><title>a</title></item></channel></rss>").is_none());
        // `xml:lang` is no XML type: the HTML inside is still wrapped.
        assert_eq!(
            loose("<entry><content type=\"html\" xml:lang=\"en\">a<br>b</content></entry>")
                .unwrap(),
            "<entry><content type=\"html\" xml:lang=\"en\"><![CDATA[a<br>b]]></content></entry>"
        );
        assert!(loose("<t><![CDATA[3 < 5 & 6]]></t>").is_none());
    }

    #[test]
    fn items_after_the_channel_move_into_it() {
        let feed = "<rss><channel><title>t</title></channel><item><title>a</title></item></rss>";
        assert_eq!(
            items_in_channel(feed).unwrap(),
            "<rss><channel><title>t</title><item><title>a</title></item></channel></rss>"
        );
        assert!(items_in_channel("<rss><channel><item/></channel></rss>").is_none());
        // Cut off as well: the repairs are tried on the complete part too.
        let cut = "<rss><channel><title>t</title></channel><item><title>a</title></item><item><ti";
        let fixed: Vec<String> = empty_feed_repairs(cut).collect();
        assert!(
            fixed
                .iter()
                .any(|f| f.contains("<item><title>a</title></item></channel></rss>")),
            "{fixed:?}"
        );
    }

    #[test]
    fn the_userland_namespace_comes_off() {
        let feed = r#"<rss version="2.0" xmlns="http://backend.userland.com/rss2" xmlns:y="http://news.yandex.ru"><channel/></rss>"#;
        assert_eq!(
            without_rss_namespace(feed).unwrap(),
            r#"<rss version="2.0" xmlns:y="http://news.yandex.ru"><channel/></rss>"#
        );
        assert!(
            without_rss_namespace(r#"<rss version="2.0" xmlns:y="u"><channel/></rss>"#).is_none()
        );
    }
}
