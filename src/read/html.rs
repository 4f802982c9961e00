//! HTML page → document: main text plus title, canonical URL and date from
//! the page's metadata.
//!
//! Main-content choice is readability's core idea in small: every paragraph
//! credits its parent (fully) and grandparent (half) with its text length minus
//! its link text, and the best-credited element is taken as the article. Inside
//! it, text is laid out one block element per line, so the line-level cleaner
//! works on HTML and on plain text dumps alike.

use std::collections::HashMap;

use ego_tree::NodeId;
use scraper::{ElementRef, Html, Node, Selector};

use crate::document::{parse_timestamp, Document};

/// Elements whose whole subtree is never article text.
const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form",
    "button", "select", "iframe", "head",
];

/// Elements that start a new line of text.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "br",
    "tr",
    "table",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "dd",
    "dt",
    "dl",
    "hr",
];

/// Reads one HTML page as one document.
pub fn read_html(source: &str, text: &str) -> Document {
    let page = Html::parse_document(text);
    let root = main_content(&page).unwrap_or_else(|| page.root_element());
    let mut lines = Vec::new();
    let mut line = String::new();
    layout(root, &mut lines, &mut line);
    flush(&mut lines, &mut line);
    let mut doc = Document::new(source, 0, lines.join("\n"));
    doc.title = meta(&page, "meta[property='og:title']", "content")
        .or_else(|| first_text(&page, "title"))
        .or_else(|| first_text(&page, "h1"));
    doc.url = meta(&page, "link[rel='canonical']", "href")
        .or_else(|| meta(&page, "meta[property='og:url']", "content"));
    doc.published = [
        ("meta[property='article:published_time']", "content"),
        ("meta[name='date']", "content"),
        ("meta[name='pubdate']", "content"),
        ("time[datetime]", "datetime"),
    ]
    .iter()
    .filter_map(|(sel, attr)| meta(&page, sel, attr))
    .find_map(|value| parse_timestamp(&value));
    doc
}

/// The element with the most paragraph text credited to it.
fn main_content(page: &Html) -> Option<ElementRef<'_>> {
    let paragraphs = Selector::parse("p, pre, blockquote").ok()?;
    let links = Selector::parse("a").ok()?;
    let mut score: HashMap<NodeId, f64> = HashMap::new();
    for p in page.select(&paragraphs) {
        let len = p.text().map(str::len).sum::<usize>() as f64;
        let link_len = p
            .select(&links)
            .flat_map(|a| a.text())
            .map(str::len)
            .sum::<usize>() as f64;
        let credit = (len - link_len).max(0.0);
        if credit < 25.0 {
            continue;
        }
        let mut ancestors = p.ancestors().filter(|n| n.value().is_element());
        if let Some(parent) = ancestors.next() {
            *score.entry(parent.id()).or_default() += credit;
        }
        if let Some(grandparent) = ancestors.next() {
            *score.entry(grandparent.id()).or_default() += credit / 2.0;
        }
    }
    // Ties go to the element first in the document: NodeIds follow parse order.
    let best = score
        .into_iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
    page.tree.get(best.0).and_then(ElementRef::wrap)
}

/// Appends the text under `element`, one block per line.
fn layout(element: ElementRef<'_>, lines: &mut Vec<String>, line: &mut String) {
    for child in element.children() {
        match child.value() {
            Node::Text(t) => {
                if !line.is_empty() && !line.ends_with(' ') && t.starts_with(char::is_whitespace) {
                    line.push(' ');
                }
                line.push_str(&t.split_whitespace().collect::<Vec<_>>().join(" "));
                if t.ends_with(char::is_whitespace) {
                    line.push(' ');
                }
            }
            Node::Element(e) => {
                let name = e.name();
                if SKIP.contains(&name) {
                    continue;
                }
                let Some(child) = ElementRef::wrap(child) else {
                    continue;
                };
                let block = BLOCK.contains(&name);
                if block {
                    flush(lines, line);
                }
                layout(child, lines, line);
                if block {
                    flush(lines, line);
                }
            }
            _ => {}
        }
    }
}

fn flush(lines: &mut Vec<String>, line: &mut String) {
    let trimmed = line.trim();
    if !trimmed.is_empty() {
        lines.push(trimmed.to_string());
    }
    line.clear();
}

fn meta(page: &Html, selector: &str, attr: &str) -> Option<String> {
    let sel = Selector::parse(selector).ok()?;
    page.select(&sel)
        .filter_map(|e| e.value().attr(attr))
        .map(str::trim)
        .find(|v| !v.is_empty())
        .map(str::to_string)
}

fn first_text(page: &Html, selector: &str) -> Option<String> {
    let sel = Selector::parse(selector).ok()?;
    page.select(&sel)
        .map(|e| e.text().collect::<Vec<_>>().join(" "))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .find(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html><html><head>
        <title>Site | Peres visits Almaty</title>
        <meta property="og:title" content="Peres visits Almaty">
        <link rel="canonical" href="https://news.example/peres">
        <meta property="article:published_time" content="1996-09-05T10:00:00Z">
        <script>var x = "not text";</script></head>
        <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
        <div class="sidebar"><p><a href="/a">A related story with a long link title here</a></p></div>
        <article><h1>Peres visits Almaty</h1>
          <p>Israel's Foreign Minister Shimon Peres paid a two-day visit to Kazakhstan last week.</p>
          <p>During the visit, Peres and his <b>Kazakh</b> counterpart signed agreements on trade.</p>
        </article><footer>Copyright 2024</footer></body></html>"#;

    #[test]
    fn extracts_main_text_and_metadata() {
        let doc = read_html("p.html", PAGE);
        assert_eq!(doc.title.as_deref(), Some("Peres visits Almaty"));
        assert_eq!(doc.url.as_deref(), Some("https://news.example/peres"));
        assert_eq!(doc.published, parse_timestamp("1996-09-05T10:00:00Z"));
        let lines: Vec<&str> = doc.body.lines().collect();
        assert_eq!(lines[0], "Peres visits Almaty");
        assert!(
            lines[2].contains("his Kazakh counterpart signed"),
            "{lines:?}"
        );
        assert!(!doc.body.contains("Home"));
        assert!(!doc.body.contains("Copyright"));
        assert!(!doc.body.contains("not text"));
        assert!(!doc.body.contains("related story"));
    }

    #[test]
    fn page_without_paragraphs_uses_whole_body() {
        let doc = read_html("x.html", "<html><body><div>Just a line</div></body></html>");
        assert_eq!(doc.body, "Just a line");
    }
}
