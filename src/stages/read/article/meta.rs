//! Page metadata: title, author, publication date and canonical URL from
//! `<meta>`, `<link>`, `<time>`, microdata and JSON-LD.

use scraper::Node as DomNode;

use super::arena::Attrs;
use super::code_bodies::keeps_value;
use super::squash;

#[derive(Default)]
pub(super) struct Meta {
    pub(super) og_title: Option<String>,
    pub(super) title: Option<String>,
    pub(super) h1: Option<String>,
    pub(super) author: Option<String>,
    pub(super) rel_author: Option<String>,
    pub(super) published: Option<String>,
    pub(super) time: Option<String>,
    pub(super) canonical: Option<String>,
    pub(super) og_url: Option<String>,
    /// `og:type` (`article`, `product`, `website`, …).
    pub(super) og_type: Option<String>,
    pub(super) jsonld: Vec<String>,
    /// The longest `<noscript>` body (raw markup, as html5ever keeps it).
    pub(super) noscript: String,
}

#[derive(Default, Debug)]
pub(super) struct JsonLd {
    pub(super) headline: Option<String>,
    pub(super) author: Option<String>,
    pub(super) published: Option<String>,
    pub(super) url: Option<String>,
    /// Every `@type` met, for what the page says it is.
    pub(super) types: Vec<String>,
}

/// An attribute of an element the extractor reads. Only the values
/// [`keeps_value`] keeps reach the tree (the others are cut before the
/// parse), so a name it does not keep is a bug the tests catch here.
fn attr<'e>(e: &'e scraper::node::Element, name: &str) -> Option<&'e str> {
    debug_assert!(
        keeps_value(e.name().as_bytes(), name.as_bytes()),
        "{name} of <{}> is cut before the parse: add it to code_bodies::ALSO_READ",
        e.name()
    );
    e.attr(name)
}

pub(super) fn set(slot: &mut Option<String>, v: Option<&str>) {
    if slot.is_none() {
        if let Some(v) = v.map(str::trim).filter(|v| !v.is_empty()) {
            *slot = Some(v.to_string());
        }
    }
}

pub(super) fn node_text(n: ego_tree::NodeRef<'_, DomNode>) -> String {
    let mut s = String::new();
    for d in n.descendants() {
        if let DomNode::Text(t) = d.value() {
            s.push_str(t);
        }
    }
    s
}

impl Meta {
    pub(super) fn see(
        &mut self,
        name: &str,
        e: &scraper::node::Element,
        at: &Attrs,
        n: ego_tree::NodeRef<'_, DomNode>,
    ) {
        match name {
            "meta" => {
                let key = attr(e, "property")
                    .or_else(|| attr(e, "name"))
                    .or_else(|| attr(e, "itemprop"));
                let Some(key) = key else { return };
                let v = attr(e, "content");
                match key.to_ascii_lowercase().as_str() {
                    "og:title" | "twitter:title" => set(&mut self.og_title, v),
                    "og:url" => set(&mut self.og_url, v),
                    "og:type" => set(&mut self.og_type, v),
                    "author" | "article:author" | "dc.creator" | "dc:creator"
                    | "sailthru.author" | "parsely-author" | "byl"
                        if !v.is_some_and(|v| v.starts_with("http")) =>
                    {
                        set(
                            &mut self.author,
                            v.map(|v| v.trim_start_matches("By ").trim_start_matches("by ")),
                        )
                    }
                    "article:published_time"
                    | "datepublished"
                    | "pubdate"
                    | "publishdate"
                    | "date"
                    | "dc.date"
                    | "dc.date.issued"
                    | "dcterms.created"
                    | "og:published_time"
                    | "sailthru.date"
                    | "parsely-pub-date"
                    | "publish-date"
                    | "article.published" => set(&mut self.published, v),
                    _ => {}
                }
            }
            "link" => {
                let rel = attr(e, "rel").unwrap_or("").to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "canonical") {
                    set(&mut self.canonical, attr(e, "href"));
                }
            }
            "title" => {
                if self.title.is_none() {
                    set(&mut self.title, Some(&node_text(n)));
                }
            }
            "h1" => {
                if self.h1.is_none() {
                    set(&mut self.h1, Some(&squash(&node_text(n))));
                }
            }
            "time" => {
                set(&mut self.time, attr(e, "datetime"));
            }
            "noscript" => {
                let t = node_text(n);
                if t.len() > self.noscript.len() {
                    self.noscript = t;
                }
            }
            "script" => {
                if attr(e, "type").is_some_and(|t| t.contains("ld+json")) {
                    self.jsonld.push(node_text(n));
                }
            }
            _ => {
                if at.itemprop == Some("datePublished") {
                    set(
                        &mut self.published,
                        attr(e, "content").or_else(|| attr(e, "datetime")),
                    );
                }
                if at.rel == Some("author") && self.rel_author.is_none() {
                    set(&mut self.rel_author, Some(&squash(&node_text(n))));
                }
            }
        }
    }

    pub(super) fn finish_jsonld(&self) -> JsonLd {
        let mut out = JsonLd::default();
        for src in &self.jsonld {
            if let Ok(v) =
                serde_json::from_str::<serde_json::Value>(src.trim().trim_end_matches(';'))
            {
                walk_ld(&v, &mut out, 0);
            }
        }
        out
    }
}

pub(super) fn ld_str(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(o) => o.get("name").and_then(ld_str),
        serde_json::Value::Array(a) => {
            let names: Vec<String> = a.iter().filter_map(ld_str).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}

pub(super) fn walk_ld(v: &serde_json::Value, out: &mut JsonLd, depth: usize) {
    if depth > 6 {
        return;
    }
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| walk_ld(x, out, depth + 1)),
        serde_json::Value::Object(o) => {
            let ty = o.get("@type").and_then(ld_str).unwrap_or_default();
            if !ty.is_empty() && out.types.len() < 32 {
                out.types.push(ty.clone());
            }
            let article = ty.contains("Article")
                || ty.contains("Posting")
                || ty == "Report"
                || ty == "WebPage";
            if article {
                if ty != "WebPage" || out.headline.is_none() {
                    set(
                        &mut out.headline,
                        o.get("headline").and_then(ld_str).as_deref(),
                    );
                }
                set(&mut out.author, o.get("author").and_then(ld_str).as_deref());
                set(
                    &mut out.published,
                    o.get("datePublished").and_then(ld_str).as_deref(),
                );
                if ty != "WebPage" {
                    set(&mut out.url, o.get("url").and_then(ld_str).as_deref());
                }
            }
            if let Some(g) = o.get("@graph") {
                walk_ld(g, out, depth + 1);
            }
            if let Some(m) = o.get("mainEntity").or_else(|| o.get("mainEntityOfPage")) {
                if m.is_object() {
                    walk_ld(m, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}
