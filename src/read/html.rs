//! HTML page → document: the main article text ([`super::article`]) plus
//! title, author, publication time and canonical URL from the page's metadata.

use crate::document::{parse_timestamp, Document};

use super::article;
pub use super::article::{Params as ExtractParams, TextFormat};

/// Reads one HTML page as one document. `url` is where the page came from
/// (a WARC target URI), used when the page names no canonical URL.
pub fn read_html(source: &str, text: &str, url: Option<&str>) -> Document {
    read_html_as(source, text, url, TextFormat::Plain)
}

/// [`read_html`] with the main text in the given format.
pub fn read_html_as(source: &str, text: &str, url: Option<&str>, format: TextFormat) -> Document {
    read_html_with(source, text, url, format, &ExtractParams::default())
}

/// [`read_html_as`] with explicit extraction settings (for tuning runs).
pub fn read_html_with(
    source: &str,
    text: &str,
    url: Option<&str>,
    format: TextFormat,
    params: &ExtractParams,
) -> Document {
    let page = article::extract_with(text, url, params, format);
    let mut doc = Document::new(source, 0, page.text);
    doc.title = page.title;
    doc.author = page.author;
    doc.url = page.canonical_url;
    doc.published = page.published.as_deref().and_then(parse_timestamp);
    doc.extracted = true;
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head>
        <title>Site | Peres visits Almaty</title>
        <meta property="og:title" content="Peres visits Almaty">
        <link rel="canonical" href="https://news.example/peres">
        <meta property="article:published_time" content="1996-09-05T10:00:00Z">
        <meta name="author" content="Jane Reporter">
        <script>var x = "not text";</script></head>
        <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
        <div class="sidebar"><p><a href="/a">A related story with a long link title here</a></p></div>
        <article><h1>Peres visits Almaty</h1>
          <p>Israel's Foreign Minister Shimon Peres paid a two-day visit to Kazakhstan last week, meeting the president.</p>
          <p>During the visit, Peres and his <b>Kazakh</b> counterpart signed agreements on trade, tourism and science.</p>
        </article><footer>Copyright 2024</footer></body></html>"#;

    #[test]
    fn extracts_main_text_and_metadata() {
        let doc = read_html("p.html", PAGE, None);
        assert_eq!(doc.title.as_deref(), Some("Peres visits Almaty"));
        assert_eq!(doc.author.as_deref(), Some("Jane Reporter"));
        assert_eq!(doc.url.as_deref(), Some("https://news.example/peres"));
        assert_eq!(doc.published, parse_timestamp("1996-09-05T10:00:00Z"));
        let lines: Vec<&str> = doc.body.lines().filter(|l| !l.is_empty()).collect();
        assert!(
            lines[0].starts_with("Israel's Foreign Minister"),
            "{lines:?}"
        );
        assert!(
            lines[1].contains("his Kazakh counterpart signed"),
            "{lines:?}"
        );
        for boilerplate in ["Home", "Copyright", "not text", "related story"] {
            assert!(!doc.body.contains(boilerplate), "{boilerplate}: {lines:?}");
        }
    }

    #[test]
    fn page_without_paragraphs_keeps_its_text() {
        let doc = read_html(
            "x.html",
            "<html><body><div>Just a line</div></body></html>",
            Some("https://x.org/a"),
        );
        assert_eq!(doc.body.trim(), "Just a line");
        assert_eq!(doc.url.as_deref(), Some("https://x.org/a"));
    }
}
