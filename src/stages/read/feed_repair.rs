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
    let mut out = String::with_capacity(text.len() + 64);
    let mut changed = false;
    let mut rest = text;
    while !rest.is_empty() {
        // Up to the next CDATA section, escaped; the section as it is.
        let (outside, cdata) = match rest.find("<![CDATA[") {
            Some(start) => {
                let end = rest[start..]
                    .find("]]>")
                    .map_or(rest.len(), |e| start + e + "]]>".len());
                (&rest[..start], &rest[start..end])
            }
            None => (rest, ""),
        };
        out.push_str(&AMPERSAND.replace_all(outside, |c: &regex::Captures| {
            if c.get(1).is_some() {
                c[0].to_string()
            } else {
                changed = true;
                "&amp;".to_string()
            }
        }));
        out.push_str(cdata);
        rest = &rest[outside.len() + cdata.len()..];
    }
    changed.then_some(out)
}

/// `<rss>` without a `version` attribute given `version="2.0"`.
fn rss_version(text: &str) -> Option<String> {
    static RSS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"<rss(\s[^>]*)?>").expect("valid regex"));
    let found = RSS.find(text)?;
    if found.as_str().contains("version") {
        return None;
    }
    let at = found.start() + "<rss".len();
    Some(format!("{} version=\"2.0\"{}", &text[..at], &text[at..]))
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
        let amp = "<item><title>AT&T &amp; &#38; &nbsp;</title><description><![CDATA[a & b]]> Q&A</description></item>";
        assert_eq!(
            bare_ampersands(amp).unwrap(),
            "<item><title>AT&amp;T &amp; &#38; &nbsp;</title><description><![CDATA[a & b]]> Q&amp;A</description></item>"
        );
        assert!(bare_ampersands("<t>&amp; <![CDATA[&]]></t>").is_none());
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
