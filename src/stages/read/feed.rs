//! RSS and Atom feeds: one document per item or entry.
//!
//! Parsing is `feed-rs` (RSS 0.9x/1.0/2.0 and Atom, `content:encoded`,
//! `dc:creator`). An item's HTML body (`content:encoded` / Atom `content`,
//! else the description or summary) goes through the same main-content
//! extraction as a page, so share buttons and "The post … appeared first"
//! footers inside it are treated like any page's. Feeds `feed-rs` reads as
//! empty or refuses (Atom 0.3, a file cut off, items after `</channel>`)
//! are repaired first ([`super::feed_repair`]).

use std::borrow::Cow;

use crate::document::Document;

use super::{article, feed_repair};

fn parse(text: &str) -> Result<feed_rs::model::Feed, feed_rs::parser::ParseFeedError> {
    feed_rs::parser::Builder::new()
        .sanitize_content(false)
        .id_generator(entry_id)
        .build()
        .parse(text.as_bytes())
}

/// The id of an entry without a guid or `<id>`: feed-rs's hash of its link
/// (or the feed's URI) and title, but none instead of feed-rs's last
/// resort, a random UUID, which would make the same input give different
/// tables.
fn entry_id(
    links: &[feed_rs::model::Link],
    title: &Option<feed_rs::model::Text>,
    uri: Option<&str>,
) -> String {
    if links.is_empty() && (uri.is_none() || title.is_none()) {
        return String::new();
    }
    feed_rs::parser::generate_id(links, title, uri)
}

/// The feed in `text`, as `feed-rs` reads it or, when it refuses the feed
/// or finds no items, as repaired ([`feed_repair`]). A feed cut off after
/// some complete items gives those, and a warning.
fn parse_or_repair(text: &str, warnings: &mut Vec<String>) -> Result<feed_rs::model::Feed, String> {
    let text = feed_repair::atom03(text).map_or(Cow::Borrowed(text), Cow::Owned);
    let feed = parse_or_mend(&text, warnings)?;
    if !feed.entries.is_empty() {
        return Ok(feed);
    }
    let fixed = feed_repair::empty_feed_repairs(&text)
        .filter_map(|t| parse(&t).ok())
        .find(|f| !f.entries.is_empty());
    Ok(fixed.unwrap_or(feed))
}

/// `text` from its XML declaration on, when something comes before it
/// in the first 64 KB: blank lines, or a notice a PHP server printed before
/// the feed. None of it is part of the feed (the declaration comes first or
/// not at all), XML refuses the file for it, and feed-rs 3 panics in
/// quick-xml on a declaration naming a legacy encoding after the first
/// 50 or so bytes, which `windows-1251` feeds of Russian and Kazakh sites
/// do name. Cut before the declaration is rewritten to UTF-8
/// ([`super::charset::declare_utf8`]), which looks for it at the start.
fn start_at_declaration(text: &mut String) {
    if let Some(at) = declaration_at(text) {
        text.drain(..at);
    }
}

/// Where the XML declaration is, when something comes before it in the
/// first 64 KB. Not when the feed has begun before it: a feed without a
/// declaration may hold one inside an item (an SVG in a description), and
/// a JSON Feed one inside a string.
fn declaration_at(text: &str) -> Option<usize> {
    let head = &text.as_bytes()[..text.len().min(64 << 10)];
    let at = memchr::memmem::find_iter(head, b"<?xml")
        .find(|&at| head.get(at + 5).is_some_and(u8::is_ascii_whitespace))
        .filter(|&at| at > 0)?;
    let before = &text[..at];
    let begun =
        before.trim_start().starts_with('{') || super::head_is_feed(&before.to_ascii_lowercase());
    (!begun).then_some(at)
}

/// Whether `text` ends with its root element closed and opens no RSS
/// `<item>` or Atom `<entry>`: a feed not cut off, just without items.
fn is_whole_without_items(text: &str) -> bool {
    let end = text.trim_end();
    // The last 12 characters hold `</rdf:RDF>`, the longest closing tag.
    let tail = end
        .char_indices()
        .rev()
        .nth(11)
        .map_or(end, |(i, _)| &end[i..]);
    let end = tail.to_ascii_lowercase();
    let closed = ["</rss>", "</feed>", "</rdf:rdf>"]
        .iter()
        .any(|t| end.ends_with(t));
    closed && !has_item(text)
}

/// Whether `text` opens an RSS `<item>` or Atom `<entry>` anywhere.
fn has_item(text: &str) -> bool {
    ["<item", "<entry"].iter().any(|tag| {
        text.match_indices(tag).any(|(i, _)| {
            text[i + tag.len()..]
                .chars()
                .next()
                .is_some_and(|c| c == '>' || c == '/' || c.is_whitespace())
        })
    })
}

/// The feed in `text`; when `feed-rs` refuses it, the first repair it
/// reads, else its part before the break.
fn parse_or_mend(text: &str, warnings: &mut Vec<String>) -> Result<feed_rs::model::Feed, String> {
    let e = match parse(text) {
        Ok(feed) => return Ok(feed),
        Err(e) => e,
    };
    if let Some(feed) = feed_repair::refused_feed_repairs(text).find_map(|t| parse(&t).ok()) {
        return Ok(feed);
    }
    let refused = || match (super::sniffs_as_feed(text), is_whole_without_items(text)) {
        (true, false) => format!("a feed cut off or broken before its first item ends: {e}"),
        (true, true) => format!("a feed with no item that feed-rs can read: {e}"),
        (false, _) => format!("not an RSS or Atom feed: {e}"),
    };
    // Read loosely, as browsers and feedparser do: HTML left unescaped
    // in a description, a bare `&` or `<`. The cut of a feed cut off is
    // made on that text too.
    let loose = feed_repair::loose(text);
    if let Some(feed) = loose.as_deref().and_then(|t| parse(t).ok()) {
        return Ok(feed);
    }
    let whole = loose.as_deref().unwrap_or(text);
    let (cut, items) = feed_repair::complete_prefix(whole).ok_or_else(refused)?;
    let feed = parse(&cut).map_err(|_| refused())?;
    warnings.push(format!(
        "the feed breaks off after item {items} ({e}); the items before that are read"
    ));
    Ok(feed)
}

/// The items of a feed, in feed order; `Err` when the text is not a feed.
/// A feed cut off after some complete items gives those, and a warning.
pub fn read_feed(
    source: &str,
    text: impl Into<String>,
    format: super::html::TextFormat,
    warnings: &mut Vec<String>,
) -> Result<Vec<Document>, String> {
    // The text is decoded already: it starts at its declaration, which
    // then names UTF-8, so no parser decodes it a second time.
    let mut text = text.into();
    start_at_declaration(&mut text);
    super::charset::declare_utf8(&mut text);
    let feed = parse_or_repair(&text, warnings)?;
    let mut docs = Vec::new();
    for (i, entry) in feed.entries.into_iter().enumerate() {
        let html = entry
            .content
            .and_then(|c| c.body)
            .or_else(|| entry.summary.map(|s| s.content))
            .unwrap_or_default();
        let link = entry.links.first().map(|l| l.href.clone());
        let page = article::extract_with(
            &format!("<html><body>{html}</body></html>"),
            link.as_deref(),
            &article::Params::default(),
            format,
        );
        let mut doc = Document::new(source, i as u32, page.text);
        doc.extracted = true;
        doc.id = Some(entry.id).filter(|id| !id.is_empty());
        doc.title = entry
            .title
            .map(|t| t.content.trim().to_string())
            .filter(|t| !t.is_empty());
        doc.url = link;
        doc.published = entry
            .published
            .or(entry.updated)
            .and_then(|t| crate::document::plausible(t.timestamp_micros()));
        let authors: Vec<String> = entry
            .authors
            .into_iter()
            .filter_map(|a| a.name)
            .filter(|n| !n.is_empty())
            .collect();
        doc.author = (!authors.is_empty()).then(|| authors.join(", "));
        docs.push(doc);
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::html::TextFormat;

    const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Israel Hayom</title><link>https://www.israelhayom.com</link>
<item>
  <title>Kazakhstan to join Abraham Accords</title>
  <link>https://www.israelhayom.com/2025/11/06/kazakhstan-abraham-accords/</link>
  <guid isPermaLink="false">https://www.israelhayom.com/?p=1</guid>
  <dc:creator><![CDATA[Ariel Kahana]]></dc:creator>
  <pubDate>Thu, 06 Nov 2025 17:57:27 +0000</pubDate>
  <description><![CDATA[Kazakhstan will join the Abraham Accords […]]]></description>
  <content:encoded><![CDATA[<p>Kazakhstan will join the Abraham Accords, President Kassym-Jomart Tokayev said on Thursday in Washington.</p>
  <p>The announcement came after a meeting with officials, who called it a step toward wider regional ties and trade.</p>
  <p>The post <a href="https://www.israelhayom.com/x">Kazakhstan to join Abraham Accords</a> appeared first on <a href="https://www.israelhayom.com">Israel Hayom</a>.</p>]]></content:encoded>
</item>
<item><title>Second</title><link>https://example.org/2</link><description>Only a short description of the second story here.</description></item>
</channel></rss>"#;

    const ATOM: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example</title><id>urn:x</id><updated>2019-06-20T08:40:42Z</updated>
<entry><title>Peres visits Almaty</title><id>urn:x:1</id><link href="https://example.org/peres"/>
<published>1996-09-05T10:00:00Z</published><updated>1996-09-06T10:00:00Z</updated><author><name>Jane Reporter</name></author>
<content type="html">&lt;p&gt;Israel's Foreign Minister Shimon Peres paid a two-day visit to Kazakhstan last week, meeting officials.&lt;/p&gt;</content>
</entry></feed>"#;

    #[test]
    fn rss_items_become_documents() {
        let docs = read_feed("f.rss", RSS, TextFormat::Plain, &mut Vec::new()).unwrap();
        assert_eq!(docs.len(), 2);
        let d = &docs[0];
        assert_eq!(
            d.title.as_deref(),
            Some("Kazakhstan to join Abraham Accords")
        );
        assert_eq!(
            d.url.as_deref(),
            Some("https://www.israelhayom.com/2025/11/06/kazakhstan-abraham-accords/")
        );
        assert_eq!(d.author.as_deref(), Some("Ariel Kahana"));
        assert_eq!(
            d.published,
            crate::document::parse_timestamp("2025-11-06T17:57:27Z")
        );
        assert!(
            d.body.contains("President Kassym-Jomart Tokayev said"),
            "{}",
            d.body
        );
        assert!(d.body.contains("wider regional ties"), "{}", d.body);
        assert_eq!((docs[0].record, docs[1].record), (0, 1));
        assert_ne!(docs[0].doc_id, docs[1].doc_id);
        assert!(
            docs[1].body.contains("short description"),
            "{}",
            docs[1].body
        );
    }

    #[test]
    fn atom_entries_become_documents() {
        let docs = read_feed("f.atom", ATOM, TextFormat::Plain, &mut Vec::new()).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].author.as_deref(), Some("Jane Reporter"));
        assert_eq!(docs[0].url.as_deref(), Some("https://example.org/peres"));
        assert_eq!(
            docs[0].published,
            crate::document::parse_timestamp("1996-09-05T10:00:00Z")
        );
        assert!(docs[0].body.contains("Shimon Peres paid a two-day visit"));
    }

    #[test]
    fn old_and_cut_off_feeds_give_their_items() {
        // Atom 0.3 (Blogger, 2005): inline XHTML content, `issued` dates.
        let atom03 = r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>b</title>
<entry><title>Post</title><link rel="alternate" type="text/html" href="http://b.example/1"/>
<issued>2005-07-29T14:32:11Z</issued><id>tag:b,2005:1</id>
<content type="application/xhtml+xml" xml:space="preserve"><div xmlns="http://www.w3.org/1999/xhtml">Israel's Foreign Minister Shimon Peres paid a two-day visit to Kazakhstan.</div></content>
</entry></feed>"#;
        let docs = read_feed("b.xml", atom03, TextFormat::Plain, &mut Vec::new()).unwrap();
        assert_eq!(docs.len(), 1);
        assert!(
            docs[0].body.contains("Shimon Peres paid"),
            "{}",
            docs[0].body
        );
        assert_eq!(
            docs[0].published,
            crate::document::parse_timestamp("2005-07-29T14:32:11Z")
        );
        // Cut off inside its second item: the first is read, and that is said.
        let cut = RSS.replacen(
            "</item>",
            "</item><item><title>Second</title><description>Cut",
            1,
        );
        let cut = &cut[..cut.find("Cut").unwrap() + 3];
        let mut warnings = Vec::new();
        let docs = read_feed("f.rss", cut, TextFormat::Plain, &mut warnings).unwrap();
        assert_eq!(docs.len(), 1, "{warnings:?}");
        assert!(docs[0].body.contains("Kassym-Jomart Tokayev"));
        assert!(
            warnings[0].contains("breaks off after item 1"),
            "{warnings:?}"
        );
        // A bare ampersand no longer costs the whole feed, cut or not.
        let amp = RSS
            .replace(
                "<title>Kazakhstan to join",
                "<title>Q&A: Kazakhstan to join",
            )
            .replace("short description", "short Q&A description");
        let docs = read_feed("f.rss", &amp, TextFormat::Plain, &mut Vec::new()).unwrap();
        assert_eq!(docs.len(), 2);
        assert!(
            docs[1].body.contains("short Q&A description"),
            "{}",
            docs[1].body
        );
        let cut = &amp[..amp.find("<item><title>Second").unwrap() + 12];
        let docs = read_feed("f.rss", cut, TextFormat::Plain, &mut Vec::new()).unwrap();
        assert_eq!(docs.len(), 1);
        assert!(docs[0].title.as_deref().unwrap().starts_with("Q&A:"));
        let err = read_feed("f.rss", &RSS[..200], TextFormat::Plain, &mut Vec::new()).unwrap_err();
        assert!(
            err.contains("cut off or broken before its first item"),
            "{err}"
        );
        let empty = "<rss version=\"2.0\">\n</rss>";
        let err = read_feed("f.rss", empty, TextFormat::Plain, &mut Vec::new()).unwrap_err();
        assert!(err.contains("a feed with no item"), "{err}");
    }

    #[test]
    fn html_left_unescaped_in_an_item_costs_no_item() {
        // The first item's body unescaped, with a `<br>` and an `<img>` that
        // XML finds unclosed, and "3 < 5" in a title: before, the whole
        // feed was refused for them.
        let broken = RSS
            .replace("<content:encoded><![CDATA[", "<content:encoded>")
            .replace(
                "</p>]]></content:encoded>",
                "<br><img src=x.jpg></p></content:encoded>",
            )
            .replace("<title>Second", "<title>3 < 5: second");
        let docs = read_feed("f.rss", &broken, TextFormat::Plain, &mut Vec::new()).unwrap();
        assert_eq!(docs.len(), 2);
        assert!(docs[0]
            .body
            .contains("President Kassym-Jomart Tokayev said"));
        assert!(!docs[0].body.contains("<br>"), "{}", docs[0].body);
        assert_eq!(docs[1].title.as_deref(), Some("3 < 5: second"));
    }

    /// `text` as [`read_feed`] parses it, from its declaration on.
    fn from_declaration(text: &str) -> String {
        let mut text = text.to_string();
        start_at_declaration(&mut text);
        text
    }

    #[test]
    fn what_comes_before_the_xml_declaration_is_no_part_of_the_feed() {
        let rss = RSS.replace("encoding=\"UTF-8\"", "encoding=\"windows-1251\"");
        // A PHP notice first: feed-rs panicked on it (the declaration names
        // a legacy encoding past its first bytes); now the feed is read.
        let noticed = format!(
            "<br />\n<b>Notice</b>: Undefined index: lang in /var/www/rss.php on line 12<br />\n{rss}"
        );
        let docs = read_feed("f.rss", &noticed, TextFormat::Plain, &mut Vec::new()).unwrap();
        assert_eq!(docs.len(), 2);
        let blank = format!("{}{rss}", "\n".repeat(80));
        assert_eq!(
            read_feed("f.rss", &blank, TextFormat::Plain, &mut Vec::new())
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            from_declaration("<?xml-stylesheet href='a'?><rss/>"),
            "<?xml-stylesheet href='a'?><rss/>"
        );
        assert_eq!(
            from_declaration("x <?xml version='1.0'?><rss/>"),
            "<?xml version='1.0'?><rss/>"
        );
        // One inside the feed is left where it is.
        let inside = "<rss><channel><item><description><![CDATA[<?xml version='1.0'?><svg/>]]>";
        assert_eq!(from_declaration(inside), inside);
        let json = r#"{"version": "https://jsonfeed.org/version/1.1", "items": [{"content_html": "<?xml version='1.0'?>"}]}"#;
        assert_eq!(from_declaration(json), json);
    }

    #[test]
    fn an_entry_without_id_or_link_gets_no_made_up_id() {
        let feed = "<rss version=\"2.0\"><channel><title>t</title><item>\
            <description>Only a short description of a story with no link.</description>\
            </item></channel></rss>";
        let ids: Vec<Option<String>> = (0..2)
            .map(|_| {
                read_feed("f.rss", feed, TextFormat::Plain, &mut Vec::new()).unwrap()[0]
                    .id
                    .clone()
            })
            .collect();
        assert_eq!(ids, [None, None]);
        // An entry with a link keeps feed-rs's id from link and title.
        let docs = read_feed("f.rss", RSS, TextFormat::Plain, &mut Vec::new()).unwrap();
        assert!(docs[1].id.is_some());
    }

    #[test]
    fn not_a_feed_is_an_error() {
        assert!(read_feed(
            "x.xml",
            "<html><body>hi</body></html>",
            TextFormat::Plain,
            &mut Vec::new()
        )
        .is_err());
        assert!(
            read_feed(
                "x.xml",
                "<rss><channel><item>",
                TextFormat::Plain,
                &mut Vec::new()
            )
            .is_err()
                || read_feed(
                    "x.xml",
                    "<rss><channel><item>",
                    TextFormat::Plain,
                    &mut Vec::new()
                )
                .unwrap()
                .len()
                    <= 1
        );
    }
}
