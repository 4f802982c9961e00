//! HTML page → document: the main article text ([`super::article`]) plus
//! title, author, publication time and canonical URL from the page's metadata.

use crate::document::{parse_timestamp, Document};

use super::article;
/// The line model's file as built in (its hash is checked in a test).
#[cfg(test)]
pub(crate) use super::article::LINE_MODEL;
pub use super::article::{
    page_lines, parse_page, PageLine, Params as ExtractParams, TextFormat, LINE_FEATURES,
};

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

    use crate::read::article::tests::PAGE;

    #[test]
    fn extracts_main_text_and_metadata() {
        let doc = read_html("p.html", PAGE, None);
        assert_eq!(doc.title.as_deref(), Some("Peres visits Almaty"));
        assert_eq!(doc.author.as_deref(), Some("Jane Roe"));
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

    #[test]
    fn text_format_is_plain_or_markdown() {
        let parse = |t: &str| toml::from_str::<crate::read::ReadConfig>(t);
        assert_eq!(parse("").unwrap().text_format, TextFormat::Plain);
        let md = parse("text_format = \"markdown\"").unwrap();
        assert_eq!(md.text_format, TextFormat::Markdown);
        let err = parse("text_format = \"html\"").unwrap_err().to_string();
        assert!(err.contains("plain") && err.contains("markdown"), "{err}");
    }

    #[test]
    fn markdown_marks_headings_items_and_rows() {
        let page = "<html><body><article><h2>Specs</h2><p>A lamp that is bright enough for forest trails at night.</p>\
            <ul><li>USB-C charging</li><li>IPX6 rating</li></ul>\
            <table><tr><th>Weight</th><td>68 g</td></tr></table></article></body></html>";
        let doc = read_html_as("p.html", page, None, TextFormat::Markdown);
        assert!(doc.body.contains("## Specs"), "{}", doc.body);
        assert!(
            doc.body.contains("- USB-C charging\n- IPX6 rating"),
            "{}",
            doc.body
        );
        assert!(
            doc.body.contains("| Weight | 68 g |\n|---|---|"),
            "{}",
            doc.body
        );
    }
}
