//! dedup_corpus: builds a labelled near-duplicate news corpus for the dedup
//! benchmark (`benches/dedup/`).
//!
//! Why generated: a real crawl has no ground truth, and a corpus of a million
//! documents cannot be made of 2095 real articles. So every *original* is
//! assembled from real BBC sentences (one category's sentence pool, real
//! titles), which keeps the vocabulary, sentence lengths and shingle
//! statistics of real news while two originals share almost no word 5-gram.
//! *Near-duplicates* copy an earlier original and apply one edit of a known
//! type and rate, and `labels.tsv` records which original each came from, so
//! precision and recall can be computed exactly.
//!
//! Why this shape: every document is a pure function of (seed, its index):
//! a plan (which slot is an original, which copies which) is drawn first
//! from the seed, then each document draws from its own ChaCha8 stream keyed
//! by (seed, kind, index). A duplicate regenerates its original from the
//! original's key instead of keeping it, so the corpus streams to disk in
//! parallel, in constant memory, with the same bytes for any thread count.

use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::Parser;
use gleaner::dedup::shingle::{intersection, jaccard};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

const LONG_ABOUT: &str = "\
Builds a labelled near-duplicate news corpus from real article text, for \
gleaner's dedup benchmark (benches/dedup/run.sh).

SOURCE is the BBC news dataset fetched by benches/dedup/fetch_news.sh \
(DIR/news/<category>/<slug>.txt or DIR/<category>/<slug>.txt: title line, \
blank line, paragraphs separated by blank lines); tests/data/news/ is a small \
copy of it.

Originals: a category, a real title from it, then 5-10 paragraphs of 2-5 \
sentences drawn from that category's pool of real sentences (~3 KB of text). \
Two originals share almost no word 5-gram (the report measures it).

Near-duplicates (--dup-share of all documents) copy an earlier original (an \
original gets 1-4 copies) and apply ONE edit, chosen uniformly; `rate` in \
labels.tsv is:
  exact          identical text, other id/url/published (wire copy); rate 0
  substitute     1-4% of words replaced by vocabulary words; share replaced
  insert_delete  1-4% of words inserted or deleted; (inserts+deletes)/words
  reorder        paragraphs shuffled (>= 2 moved); share of paragraphs moved
  boilerplate    2-5 web boilerplate lines at top and/or bottom; added words/words
  truncate       first 75-95% of the words kept; share of words kept
  excerpt        first 1-3 paragraphs only (a feed lead: containment, low
                 Jaccard); share of words kept
  word_edits     words edited in every paragraph (substituted, deleted or
                 inserted, 2:1:1) at a rate drawn from 1% to --max-edit-rate:
                 a wire rewrite or an OCR'd reprint; edits/words
  boilerplate_edited  2-5 boilerplate lines around a copy with
                 --boilerplate-edit-rate of its words edited; edits/words
Negatives (--negative-share of all documents, half of each kind) are their own cluster and must stay apart; `related` in labels.tsv says from what:
  shared_paragraphs  a new article of the same category that carries 1-2 paragraphs of an earlier original (related: that original's id); rate: share of its words copied
  template       a short new body (2-3 paragraphs) wrapped in a site template's header and footer lines, shared by ~5 documents (related: tpl-<group>); rate: template words/words
Duplicates come later in the stream than their original, interleaved with \
other documents within a window of ~10% of the corpus, on another site, \
published 10 minutes to 7 days later.

Output:
  OUT/corpus/part-NNNNN.jsonl  one JSON object a line: id (\"d0000042\"), \
title, url, published (RFC 3339), text (paragraphs joined by a blank line; \
the title is not repeated in it)
  OUT/labels.tsv  id, cluster (id of the original; an original's and a \
negative's is its own), edit (original|exact|substitute|insert_delete|reorder|\
boilerplate|truncate|excerpt|word_edits|boilerplate_edited|shared_paragraphs|\
template), rate, related (negatives only)
  OUT/report.json  parameters, counts, sizes, timing, and the mean exact word \
5-gram Jaccard (gleaner's shingles, on raw text) of each edit type with its \
original on a sample (--report-sample), also printed at the end.

The output depends only on SOURCE and the options, not on the thread count.";

/// Command line; see `LONG_ABOUT`.
#[derive(Debug, Parser)]
#[command(name = "dedup_corpus", about = "Labelled near-duplicate news corpus for the dedup benchmark", long_about = LONG_ABOUT)]
struct Args {
    /// Dataset directory (holds news/<category>/*.txt, or <category>/*.txt).
    #[arg(long)]
    source: PathBuf,
    /// Number of documents to write (originals + duplicates).
    #[arg(long)]
    docs: usize,
    /// Output directory (corpus/, labels.tsv, report.json).
    #[arg(long)]
    out: PathBuf,
    /// Seed of everything random.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of JSONL files [default: max(1, docs / 10000)].
    #[arg(long)]
    shards: Option<usize>,
    /// Share of documents that are planted near-duplicates, 0 to 0.6.
    #[arg(long, default_value_t = 0.3)]
    dup_share: f64,
    /// Share of documents that are negatives (shared paragraphs, site
    /// templates), 0 to 0.3.
    #[arg(long, default_value_t = 0.05)]
    negative_share: f64,
    /// Highest share of words a `word_edits` copy has edited (its rate is
    /// drawn from --min-edit-rate to this), up to 0.3.
    #[arg(long, default_value_t = 0.10)]
    max_edit_rate: f64,
    /// Lowest share of words a `word_edits` copy has edited.
    #[arg(long, default_value_t = 0.01)]
    min_edit_rate: f64,
    /// The edits near-duplicates get, comma-separated (default: all);
    /// `--edits word_edits --min-edit-rate 0 --max-edit-rate 0.12` is the
    /// corpus of `benches/dedup/run.sh --sweep`.
    #[arg(long, value_delimiter = ',')]
    edits: Vec<String>,
    /// Share of words edited in a `boilerplate_edited` copy, 0 to 0.3.
    #[arg(long, default_value_t = 0.02)]
    boilerplate_edit_rate: f64,
    /// Duplicates sampled for the per-edit Jaccard report (0: no report).
    #[arg(long, default_value_t = 2000)]
    report_sample: usize,
    /// Worker threads (0: one per core). The output does not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

/// The edit applied to a duplicate; `Original` for the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Edit {
    Original,
    Exact,
    Substitute,
    InsertDelete,
    Reorder,
    Boilerplate,
    Truncate,
    Excerpt,
    WordEdits,
    BoilerplateEdited,
    SharedParagraphs,
    Template,
}

/// Every kind, for counts and reports.
const ALL_EDITS: [Edit; 12] = [
    Edit::Original,
    Edit::Exact,
    Edit::Substitute,
    Edit::InsertDelete,
    Edit::Reorder,
    Edit::Boilerplate,
    Edit::Truncate,
    Edit::Excerpt,
    Edit::WordEdits,
    Edit::BoilerplateEdited,
    Edit::SharedParagraphs,
    Edit::Template,
];

/// The edits a near-duplicate gets, one chosen uniformly: all but the
/// original and the two negatives.
const EDITS: &[Edit] = ALL_EDITS.split_at(1).1.split_at(9).0;

impl Edit {
    fn as_str(self) -> &'static str {
        match self {
            Edit::Original => "original",
            Edit::Exact => "exact",
            Edit::Substitute => "substitute",
            Edit::InsertDelete => "insert_delete",
            Edit::Reorder => "reorder",
            Edit::Boilerplate => "boilerplate",
            Edit::Truncate => "truncate",
            Edit::Excerpt => "excerpt",
            Edit::WordEdits => "word_edits",
            Edit::BoilerplateEdited => "boilerplate_edited",
            Edit::SharedParagraphs => "shared_paragraphs",
            Edit::Template => "template",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Web page furniture that scrapers leave in: the `boilerplate` edit adds
/// some of these. `{site}`, `{title}` and `{year}` are filled in, so the
/// lines are not byte-identical across documents.
const BOILERPLATE: [&str; 22] = [
    "Share this article",
    "Share on Facebook Share on X Share by email",
    "Sign up for our newsletter",
    "Get the day's top headlines delivered to your inbox every morning. Sign up now.",
    "Read more: {title}",
    "Advertisement",
    "Story continues below advertisement",
    "© {year} {site} Media Ltd. All rights reserved.",
    "We use cookies to improve your experience on our site. By continuing to browse you agree to our use of cookies.",
    "Accept all cookies",
    "Related topics",
    "Follow {site} on Facebook, X and Instagram",
    "Subscribe for unlimited digital access from just £1 a week",
    "This article was originally published by {site}.",
    "Comments are closed.",
    "Skip to main content",
    "Listen to this article",
    "Most read",
    "Image copyright Getty Images",
    "Copy link",
    "Download the {site} app for breaking news alerts",
    "More on this story: {title}",
];

/// Number of fictional sites (`site-N.example`).
const SITES: u32 = 400;

/// Independent random streams, one per purpose and index.
const STREAM_PLAN: u64 = 1;
const STREAM_ORIGINAL: u64 = 2;
const STREAM_DUPLICATE: u64 = 3;
const STREAM_REPORT: u64 = 4;
const STREAM_NEGATIVE: u64 = 5;
const STREAM_TEMPLATE: u64 = 6;

/// A generator for one purpose and index: the ChaCha key is the seed, the
/// purpose and the index, so no two documents share a stream and none
/// depends on another having been generated first.
fn rng_for(seed: u64, stream: u64, index: u64) -> ChaCha8Rng {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&stream.to_le_bytes());
    key[16..24].copy_from_slice(&index.to_le_bytes());
    key[24..].copy_from_slice(b"gleaner!");
    ChaCha8Rng::from_seed(key)
}

/// One category of the source dataset.
struct Category {
    name: String,
    titles: Vec<String>,
    sentences: Vec<String>,
}

/// Real text the corpus is built from.
struct Source {
    categories: Vec<Category>,
    /// Distinct lowercase alphabetic words (≥ 3 letters), sorted.
    vocab: Vec<String>,
    articles: usize,
}

impl Source {
    fn load(dir: &Path) -> Result<Source> {
        let root = if dir.join("news").is_dir() {
            dir.join("news")
        } else {
            dir.to_path_buf()
        };
        let mut cats: Vec<PathBuf> = fs::read_dir(&root)
            .with_context(|| format!("reading {}", root.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        cats.sort();
        let mut categories = Vec::new();
        let mut vocab = BTreeSet::new();
        let mut articles = 0;
        for cat in cats {
            let mut files: Vec<PathBuf> = fs::read_dir(&cat)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "txt"))
                .collect();
            files.sort();
            let mut c = Category {
                name: cat.file_name().unwrap().to_string_lossy().into_owned(),
                titles: Vec::new(),
                sentences: Vec::new(),
            };
            for file in files {
                let raw = fs::read(&file)?;
                let text = String::from_utf8_lossy(&raw).replace("\r\n", "\n");
                let mut lines = text.splitn(2, '\n');
                let title = lines.next().unwrap_or("").trim();
                let body = lines.next().unwrap_or("");
                if title.is_empty() || body.trim().is_empty() {
                    continue;
                }
                articles += 1;
                c.titles.push(title.to_string());
                for para in body.split("\n\n") {
                    let para = para.split_whitespace().collect::<Vec<_>>().join(" ");
                    for s in split_sentences(&para) {
                        if s.split(' ').count() >= 4 {
                            c.sentences.push(s.to_string());
                        }
                    }
                    for w in para.split(' ') {
                        let w = w.trim_matches(|ch: char| !ch.is_alphabetic());
                        if w.len() >= 3 && w.chars().all(|ch| ch.is_ascii_lowercase()) {
                            vocab.insert(w.to_string());
                        }
                    }
                }
            }
            if !c.sentences.is_empty() {
                categories.push(c);
            }
        }
        if categories.is_empty() {
            bail!("no articles found under {}", root.display());
        }
        Ok(Source {
            categories,
            vocab: vocab.into_iter().collect(),
            articles,
        })
    }
}

/// Splits on `.`, `!` or `?` (plus closing quotes) followed by a space and
/// an uppercase letter or opening quote. Crude, but BBC style writes "Mr
/// Smith" without a period, so it rarely cuts a sentence in two.
fn split_sentences(para: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = para.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if matches!(chars[i].1, '.' | '!' | '?') {
            let mut j = i + 1;
            while j < chars.len() && matches!(chars[j].1, '"' | '\'' | '’' | '”' | ')') {
                j += 1;
            }
            if j + 1 < chars.len()
                && chars[j].1 == ' '
                && (chars[j + 1].1.is_uppercase() || matches!(chars[j + 1].1, '"' | '“' | '‘'))
            {
                let end = chars[j].0;
                out.push(para[start..end].trim());
                start = chars[j + 1].0;
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    let rest = para[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// An original article, regenerated on demand from (seed, index).
struct Original<'a> {
    category: &'a str,
    title: &'a str,
    site: u32,
    published: i64,
    paragraphs: Vec<String>,
}

/// Publication times of originals: 2024-01-01 to 2026-06-30 UTC.
const EPOCH_START: i64 = 1_704_067_200;
const EPOCH_SPAN: i64 = 912 * 86_400;

fn original<'a>(src: &'a Source, seed: u64, index: u32) -> Original<'a> {
    let mut rng = rng_for(seed, STREAM_ORIGINAL, index as u64);
    let cat = src.categories.choose(&mut rng).unwrap();
    let title = cat.titles.choose(&mut rng).unwrap();
    let site = rng.random_range(0..SITES);
    let published = EPOCH_START + rng.random_range(0..EPOCH_SPAN);
    let n_para = rng.random_range(5..=10);
    let paragraphs = paragraphs_of(cat, n_para, 2..=5, &mut rng);
    Original {
        category: &cat.name,
        title,
        site,
        published,
        paragraphs,
    }
}

/// `n` paragraphs of `sentences` real sentences each from `cat`'s pool.
fn paragraphs_of(
    cat: &Category,
    n: usize,
    sentences: std::ops::RangeInclusive<usize>,
    rng: &mut ChaCha8Rng,
) -> Vec<String> {
    (0..n)
        .map(|_| {
            let n_sent = rng.random_range(sentences.clone());
            let mut p = String::with_capacity(n_sent * 140);
            for k in 0..n_sent {
                if k > 0 {
                    p.push(' ');
                }
                p.push_str(cat.sentences.choose(rng).unwrap());
            }
            p
        })
        .collect()
}

/// What a negative must stay apart from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Related {
    /// The original (by index) it shares paragraphs with.
    Original(u32),
    /// The template group whose header and footer it wears.
    Template(u32),
}

/// A generated document, before serialization.
struct Doc {
    text: String,
    site: u32,
    published: i64,
    edit: Edit,
    rate: f64,
    related: Option<Related>,
}

/// Template groups: header and footer lines of a fictional site, shared by
/// the `template` negatives of the group.
fn template(seed: u64, group: u32) -> (Vec<String>, Vec<String>) {
    let mut rng = rng_for(seed, STREAM_TEMPLATE, group as u64);
    let site = SITES + group;
    let name = format!("Site{site}");
    let sections = [
        "News", "World", "Business", "Sport", "Culture", "Opinion", "Video",
    ];
    let mut nav: Vec<&str> = sections.to_vec();
    nav.shuffle(&mut rng);
    let header = vec![
        format!("Home | {} | {name} | Contact", nav[..4].join(" | ")),
        fill(BOILERPLATE.choose(&mut rng).unwrap(), site, "Today", 2025),
    ];
    let footer = vec![
        format!(
            "About {name} · Careers · Privacy policy · Terms of use · Cookie settings · Contact us"
        ),
        format!("© 2025 {name} Media Ltd. All rights reserved."),
        fill(BOILERPLATE.choose(&mut rng).unwrap(), site, "Today", 2025),
    ];
    (header, footer)
}

/// A negative at stream position `pos`, related to original `orig` (index
/// `orig_index`): half carry 1-2 of its paragraphs inside a new article of
/// its category, half are a short new body (2-3 paragraphs) in one of `groups` site
/// templates. Returns the document and the article it pretends to be.
fn negative<'a>(
    src: &'a Source,
    seed: u64,
    pos: u32,
    orig: &Original<'a>,
    orig_index: u32,
    groups: u32,
) -> (Doc, Original<'a>) {
    let mut rng = rng_for(seed, STREAM_NEGATIVE, pos as u64);
    let published = orig.published + rng.random_range(600..=7 * 86_400);
    let count = |ps: &[String]| ps.iter().map(|p| p.split(' ').count()).sum::<usize>();
    let (cat, site, paragraphs, edit, rate, related) = if rng.random_bool(0.5) {
        let cat = src
            .categories
            .iter()
            .find(|c| c.name == orig.category)
            .unwrap();
        let site = rng.random_range(0..SITES);
        let n_para = rng.random_range(5..=10);
        let mut paragraphs = paragraphs_of(cat, n_para, 2..=5, &mut rng);
        let k = rng.random_range(1..=2).min(orig.paragraphs.len());
        let from = rand::seq::index::sample(&mut rng, orig.paragraphs.len(), k);
        let to = rand::seq::index::sample(&mut rng, n_para, k);
        for (f, t) in from.iter().zip(to.iter()) {
            paragraphs[t] = orig.paragraphs[f].clone();
        }
        let copied: usize = to.iter().map(|t| paragraphs[t].split(' ').count()).sum();
        let rate = copied as f64 / count(&paragraphs) as f64;
        let related = Related::Original(orig_index);
        (cat, site, paragraphs, Edit::SharedParagraphs, rate, related)
    } else {
        let group = rng.random_range(0..groups.max(1));
        let (header, footer) = template(seed, group);
        let cat = src.categories.choose(&mut rng).unwrap();
        // At least 6 sentences: a shorter body of pool sentences turns up
        // whole inside some original of a large corpus (a true containment).
        let n_para = rng.random_range(2..=3);
        let body = paragraphs_of(cat, n_para, 3..=5, &mut rng);
        let template_words = count(&header) + count(&footer);
        let mut paragraphs = header;
        paragraphs.extend(body);
        paragraphs.extend(footer);
        let rate = template_words as f64 / count(&paragraphs) as f64;
        let related = Related::Template(group);
        (
            cat,
            SITES + group,
            paragraphs,
            Edit::Template,
            rate,
            related,
        )
    };
    let doc = Doc {
        text: paragraphs.join("\n\n"),
        site,
        published,
        edit,
        rate,
        related: Some(related),
    };
    let article = Original {
        category: &cat.name,
        title: cat.titles.choose(&mut rng).unwrap(),
        site,
        published,
        paragraphs,
    };
    (doc, article)
}

fn words_of(paragraphs: &[String]) -> Vec<Vec<String>> {
    paragraphs
        .iter()
        .map(|p| p.split(' ').map(str::to_string).collect())
        .collect()
}

fn join_words(paras: &[Vec<String>]) -> Vec<String> {
    paras
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join(" "))
        .collect()
}

/// Replaces the letters of `token` with `word`, keeping the punctuation
/// around it and an initial capital.
fn replace_core(token: &str, word: &str) -> String {
    let start = token
        .find(|c: char| c.is_alphanumeric())
        .unwrap_or(token.len());
    let end = token
        .rfind(|c: char| c.is_alphanumeric())
        .map_or(start, |i| i + token[i..].chars().next().unwrap().len_utf8());
    if start >= end {
        return word.to_string();
    }
    let capital = token[start..]
        .chars()
        .next()
        .is_some_and(char::is_uppercase);
    let mut w = word.to_string();
    if capital {
        w = w[..1].to_uppercase() + &w[1..];
    }
    format!("{}{}{}", &token[..start], w, &token[end..])
}

/// Maps a global word index to (paragraph, word in paragraph).
fn locate(paras: &[Vec<String>], mut g: usize) -> (usize, usize) {
    for (p, words) in paras.iter().enumerate() {
        if g < words.len() {
            return (p, g);
        }
        g -= words.len();
    }
    let last = paras.len() - 1;
    (last, paras[last].len())
}

fn fill(line: &str, site: u32, title: &str, year: i64) -> String {
    line.replace("{site}", &format!("Site{site}"))
        .replace("{title}", title)
        .replace("{year}", &year.to_string())
}

/// Which edits copies get and the rates of those that take one (see
/// `LONG_ABOUT`).
#[derive(Debug, Clone)]
struct Rates {
    edits: Vec<Edit>,
    min_edit: f64,
    max_edit: f64,
    boilerplate_edit: f64,
}

impl Default for Rates {
    fn default() -> Rates {
        Rates {
            edits: EDITS.to_vec(),
            min_edit: 0.01,
            max_edit: 0.10,
            boilerplate_edit: 0.02,
        }
    }
}

/// Edits about `rate` of the words of every paragraph: each edit
/// substitutes a vocabulary word (half of them), deletes the word or
/// inserts one before it. Returns the number of edits.
fn edit_words(paras: &mut [Vec<String>], rate: f64, src: &Source, rng: &mut ChaCha8Rng) -> usize {
    let mut edits = 0;
    for words in paras.iter_mut() {
        let want = rate * words.len() as f64;
        let mut k = want.floor() as usize;
        if rng.random_bool(want - k as f64) {
            k += 1;
        }
        let k = k.min(words.len());
        let mut at: Vec<usize> = rand::seq::index::sample(rng, words.len(), k).into_vec();
        // From the end, so earlier positions stay valid.
        at.sort_unstable_by(|a, b| b.cmp(a));
        for i in at {
            let word = src.vocab.choose(rng).unwrap();
            match rng.random_range(0..4) {
                0 | 1 => words[i] = replace_core(&words[i], word),
                2 if words.len() > 1 => {
                    words.remove(i);
                }
                _ => words.insert(i, word.clone()),
            }
            edits += 1;
        }
    }
    edits
}

/// Puts 2-5 boilerplate lines above and/or below `paragraphs`; returns
/// the number of words added.
fn add_boilerplate(
    paragraphs: &mut Vec<String>,
    src: &Source,
    site: u32,
    published: i64,
    rng: &mut ChaCha8Rng,
) -> usize {
    let n = rng.random_range(2..=5);
    let picks = rand::seq::index::sample(rng, BOILERPLATE.len(), n);
    let year = 1970 + published / 31_556_952;
    let other = &src.categories[rng.random_range(0..src.categories.len())];
    let other_title = other.titles.choose(rng).unwrap();
    // 0: all on top, 1: all at the bottom, 2: split.
    let place = rng.random_range(0..3);
    let split = match place {
        0 => n,
        1 => 0,
        _ => rng.random_range(1..n),
    };
    let lines: Vec<String> = picks
        .iter()
        .map(|i| fill(BOILERPLATE[i], site, other_title, year))
        .collect();
    let added = lines.iter().map(|l| l.split(' ').count()).sum();
    let mut out: Vec<String> = lines[..split].to_vec();
    out.append(paragraphs);
    out.extend(lines[split..].iter().cloned());
    *paragraphs = out;
    added
}

/// Applies one edit, chosen uniformly, to a copy of `orig`.
fn duplicate(src: &Source, seed: u64, pos: u32, orig: &Original<'_>, rates: &Rates) -> Doc {
    let mut rng = rng_for(seed, STREAM_DUPLICATE, pos as u64);
    let edit = *rates.edits.choose(&mut rng).unwrap();
    let site = (orig.site + rng.random_range(1..SITES)) % SITES;
    let published = orig.published + rng.random_range(600..=7 * 86_400);
    let n_words: usize = orig.paragraphs.iter().map(|p| p.split(' ').count()).sum();
    let (paragraphs, rate) = match edit {
        Edit::Original | Edit::Exact => (orig.paragraphs.clone(), 0.0),
        Edit::Substitute => {
            let mut paras = words_of(&orig.paragraphs);
            let target = rng.random_range(0.01..=0.04);
            let k = ((target * n_words as f64).round() as usize).clamp(1, n_words);
            for g in rand::seq::index::sample(&mut rng, n_words, k) {
                let (p, i) = locate(&paras, g);
                let word = src.vocab.choose(&mut rng).unwrap();
                paras[p][i] = replace_core(&paras[p][i], word);
            }
            (join_words(&paras), k as f64 / n_words as f64)
        }
        Edit::InsertDelete => {
            let mut paras = words_of(&orig.paragraphs);
            let target = rng.random_range(0.01..=0.04);
            let k = ((target * n_words as f64).round() as usize).max(2);
            let mut total = n_words;
            for _ in 0..k {
                if rng.random_bool(0.5) {
                    let (p, i) = locate(&paras, rng.random_range(0..total));
                    if paras[p].len() > 1 {
                        paras[p].remove(i);
                        total -= 1;
                        continue;
                    }
                }
                let (p, i) = locate(&paras, rng.random_range(0..=total));
                let word = src.vocab.choose(&mut rng).unwrap().clone();
                paras[p].insert(i, word);
                total += 1;
            }
            (join_words(&paras), k as f64 / n_words as f64)
        }
        Edit::Reorder => {
            let n = orig.paragraphs.len();
            let mut order: Vec<usize> = (0..n).collect();
            while order.iter().enumerate().all(|(i, &o)| i == o) {
                order.shuffle(&mut rng);
            }
            let moved = order.iter().enumerate().filter(|(i, o)| i != *o).count();
            let paras = order.iter().map(|&i| orig.paragraphs[i].clone()).collect();
            (paras, moved as f64 / n as f64)
        }
        Edit::Boilerplate => {
            let mut paras = orig.paragraphs.clone();
            let added = add_boilerplate(&mut paras, src, site, published, &mut rng);
            (paras, added as f64 / n_words as f64)
        }
        Edit::WordEdits => {
            let mut paras = words_of(&orig.paragraphs);
            let rate = rng.random_range(rates.min_edit..=rates.max_edit.max(rates.min_edit));
            let edits = edit_words(&mut paras, rate, src, &mut rng);
            (join_words(&paras), edits as f64 / n_words as f64)
        }
        Edit::BoilerplateEdited => {
            let mut words = words_of(&orig.paragraphs);
            let edits = edit_words(&mut words, rates.boilerplate_edit, src, &mut rng);
            let mut paras = join_words(&words);
            add_boilerplate(&mut paras, src, site, published, &mut rng);
            (paras, edits as f64 / n_words as f64)
        }
        Edit::Truncate => {
            let keep = rng.random_range(0.75..=0.95);
            let m = ((keep * n_words as f64).ceil() as usize).clamp(1, n_words);
            let mut left = m;
            let mut paras = Vec::new();
            for p in words_of(&orig.paragraphs) {
                if left == 0 {
                    break;
                }
                let take = p.len().min(left);
                left -= take;
                paras.push(p[..take].to_vec());
            }
            (join_words(&paras), m as f64 / n_words as f64)
        }
        Edit::Excerpt => {
            let k = rng.random_range(1..=3).min(orig.paragraphs.len() - 1);
            let paras: Vec<String> = orig.paragraphs[..k].to_vec();
            let kept: usize = paras.iter().map(|p| p.split(' ').count()).sum();
            (paras, kept as f64 / n_words as f64)
        }
        Edit::SharedParagraphs | Edit::Template => unreachable!("negatives are not copies"),
    };
    Doc {
        text: paragraphs.join("\n\n"),
        site,
        published,
        edit,
        rate,
        related: None,
    }
}

/// What a stream position holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SlotKind {
    Original,
    /// A near-duplicate of `orig`.
    Copy,
    /// A negative related to `orig` (see [`negative`]).
    Negative,
}

/// Which original each stream position holds or derives from.
#[derive(Debug, Clone, Copy)]
struct Slot {
    orig: u32,
    kind: SlotKind,
}

struct Plan {
    slots: Vec<Slot>,
    /// Stream position of each original.
    orig_pos: Vec<u32>,
    /// Template groups of the `template` negatives (~5 documents each).
    template_groups: u32,
}

/// Draws the plan: how many copies each original gets (1-4, for a random
/// subset of originals) and where every document goes. Originals keep their
/// order; a copy of original `o` is placed after it, uniformly within the
/// next ~10% of the originals, so duplicates are interleaved with unrelated
/// documents and the stream position says little about what is a copy.
/// Negatives relate to a random original and are placed the same way.
fn make_plan(seed: u64, docs: usize, dup_share: f64, negative_share: f64) -> Plan {
    let mut rng = rng_for(seed, STREAM_PLAN, 0);
    let n_dup = (docs as f64 * dup_share).round() as usize;
    let n_neg = ((docs as f64 * negative_share).round() as usize).min(docs - n_dup - 1);
    let n_orig = docs - n_dup - n_neg;
    let mut negatives = vec![0u8; n_orig];
    for _ in 0..n_neg {
        negatives[rng.random_range(0..n_orig)] += 1;
    }
    let mut copies = vec![0u8; n_orig];
    let mut order: Vec<u32> = (0..n_orig as u32).collect();
    order.shuffle(&mut rng);
    let mut remaining = n_dup;
    let mut first_pass = true;
    while remaining > 0 {
        for &o in &order {
            if remaining == 0 {
                break;
            }
            let c = if first_pass {
                rng.random_range(1..=4usize).min(remaining)
            } else {
                1
            };
            copies[o as usize] += c as u8;
            remaining -= c;
        }
        first_pass = false;
    }
    let window = (n_orig as f64 * 0.1).max(1000.0);
    let mut keyed: Vec<(f64, Slot)> = Vec::with_capacity(docs);
    for (o, &n_copies) in copies.iter().enumerate() {
        keyed.push((
            o as f64,
            Slot {
                orig: o as u32,
                kind: SlotKind::Original,
            },
        ));
        let span = window.min((n_orig - o) as f64);
        let kinds = std::iter::repeat_n(SlotKind::Copy, n_copies as usize).chain(
            std::iter::repeat_n(SlotKind::Negative, negatives[o] as usize),
        );
        for kind in kinds {
            let key = o as f64 + 0.5 + rng.random::<f64>() * span;
            keyed.push((
                key,
                Slot {
                    orig: o as u32,
                    kind,
                },
            ));
        }
    }
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut orig_pos = vec![0u32; n_orig];
    let slots: Vec<Slot> = keyed.into_iter().map(|(_, s)| s).collect();
    for (pos, s) in slots.iter().enumerate() {
        if s.kind == SlotKind::Original {
            orig_pos[s.orig as usize] = pos as u32;
        }
    }
    Plan {
        slots,
        orig_pos,
        template_groups: (n_neg / 10).max(1) as u32,
    }
}

#[derive(Serialize)]
struct Record<'a> {
    id: &'a str,
    title: &'a str,
    url: &'a str,
    published: &'a str,
    text: &'a str,
}

/// Everything needed to render documents.
struct Gen<'a> {
    src: &'a Source,
    seed: u64,
    plan: &'a Plan,
    id_width: usize,
    rates: Rates,
}

impl Gen<'_> {
    fn id(&self, pos: u32) -> String {
        format!("d{:0w$}", pos, w = self.id_width)
    }

    /// The document at stream position `pos`, with its category and title.
    fn doc(&self, pos: u32) -> (Doc, Original<'_>) {
        let slot = self.plan.slots[pos as usize];
        let orig = original(self.src, self.seed, slot.orig);
        match slot.kind {
            SlotKind::Copy => (
                duplicate(self.src, self.seed, pos, &orig, &self.rates),
                orig,
            ),
            SlotKind::Negative => negative(
                self.src,
                self.seed,
                pos,
                &orig,
                slot.orig,
                self.plan.template_groups,
            ),
            SlotKind::Original => {
                let doc = Doc {
                    text: orig.paragraphs.join("\n\n"),
                    site: orig.site,
                    published: orig.published,
                    edit: Edit::Original,
                    rate: 0.0,
                    related: None,
                };
                (doc, orig)
            }
        }
    }

    /// One JSONL line and one labels.tsv line.
    fn render(&self, pos: u32, json: &mut Vec<u8>, labels: &mut String) -> (Edit, usize) {
        let slot = self.plan.slots[pos as usize];
        let (doc, orig) = self.doc(pos);
        let id = self.id(pos);
        let cluster = match slot.kind {
            SlotKind::Negative => id.clone(),
            _ => self.id(self.plan.orig_pos[slot.orig as usize]),
        };
        let related = match doc.related {
            None => String::new(),
            Some(Related::Original(o)) => self.id(self.plan.orig_pos[o as usize]),
            Some(Related::Template(g)) => format!("tpl-{g}"),
        };
        let published = chrono::DateTime::from_timestamp(doc.published, 0)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let tag = xxh3_64(&[self.seed.to_le_bytes(), (pos as u64).to_le_bytes()].concat());
        let url = format!(
            "https://site-{}.example/{}/{}/{}-{:06x}",
            doc.site,
            orig.category,
            &published[..10].replace('-', "/"),
            slug(orig.title),
            tag & 0xff_ffff
        );
        let record = Record {
            id: &id,
            title: orig.title,
            url: &url,
            published: &published,
            text: &doc.text,
        };
        serde_json::to_writer(&mut *json, &record).unwrap();
        json.push(b'\n');
        labels.push_str(&format!(
            "{id}\t{cluster}\t{}\t{:.4}\t{related}\n",
            doc.edit.as_str(),
            doc.rate
        ));
        (doc.edit, doc.text.len())
    }
}

fn slug(title: &str) -> String {
    let mut s = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
        if s.len() >= 60 {
            break;
        }
    }
    s.trim_end_matches('-').to_string()
}

/// gleaner's own shingles (word 5-grams of lowercased Unicode words), so the
/// report states what gleaner's Jaccard sees.
fn shingles(text: &str) -> Vec<u64> {
    let size = gleaner::dedup::shingle::Size::from(&gleaner::dedup::DedupConfig::default());
    gleaner::dedup::shingle::shingle(text, size).shingles
}

#[derive(Serialize, Default, Clone)]
struct EditStats {
    edit: &'static str,
    n: usize,
    mean_jaccard: f64,
    min_jaccard: f64,
    /// Share with Jaccard ≥ 0.7: what a Jaccard-0.7 tool can find at best.
    share_ge_0_7: f64,
    /// |dup ∩ original| / |dup| shingles: what containment sees.
    mean_containment: f64,
}

#[derive(Serialize)]
struct PairStats {
    pairs: usize,
    mean_jaccard: f64,
    max_jaccard: f64,
}

#[derive(Serialize)]
struct Report {
    sample: usize,
    edits: Vec<EditStats>,
    random_originals: PairStats,
    same_category_originals: PairStats,
}

/// Measures what each edit does to exact word 5-gram Jaccard, on a sample of
/// duplicates, and checks that unrelated originals really are unrelated.
fn report(g: &Gen<'_>, sample: usize) -> Report {
    let dup_pos: Vec<u32> = (0..g.plan.slots.len() as u32)
        .filter(|&p| g.plan.slots[p as usize].kind == SlotKind::Copy)
        .collect();
    let mut rng = rng_for(g.seed, STREAM_REPORT, 0);
    let k = sample.min(dup_pos.len());
    let picked: Vec<u32> = rand::seq::index::sample(&mut rng, dup_pos.len(), k)
        .into_iter()
        .map(|i| dup_pos[i])
        .collect();
    let measured: Vec<(Edit, f64, f64)> = picked
        .par_iter()
        .map(|&pos| {
            let (doc, orig) = g.doc(pos);
            let a = shingles(&orig.paragraphs.join("\n\n"));
            let b = shingles(&doc.text);
            let c = intersection(&a, &b) as f64 / b.len().max(1) as f64;
            (doc.edit, jaccard(&a, &b), c)
        })
        .collect();
    let edits = g
        .rates
        .edits
        .iter()
        .map(|&e| {
            let xs: Vec<&(Edit, f64, f64)> = measured.iter().filter(|m| m.0 == e).collect();
            let n = xs.len().max(1) as f64;
            EditStats {
                edit: e.as_str(),
                n: xs.len(),
                mean_jaccard: xs.iter().map(|m| m.1).sum::<f64>() / n,
                min_jaccard: xs.iter().map(|m| m.1).fold(1.0, f64::min),
                share_ge_0_7: xs.iter().filter(|m| m.1 >= 0.7).count() as f64 / n,
                mean_containment: xs.iter().map(|m| m.2).sum::<f64>() / n,
            }
        })
        .collect();

    // Unrelated originals: random pairs, and pairs from one category (which
    // draw from the same sentence pool, the harder case).
    let n_orig = g.plan.orig_pos.len() as u32;
    let pool: Vec<u32> = (0..(2 * sample).min(n_orig as usize))
        .map(|_| rng.random_range(0..n_orig))
        .collect();
    let sketched: Vec<(&str, Vec<u64>)> = pool
        .par_iter()
        .map(|&o| {
            let orig = original(g.src, g.seed, o);
            (orig.category, shingles(&orig.paragraphs.join("\n\n")))
        })
        .collect();
    let mut random = Vec::new();
    for (i, pair) in sketched.chunks_exact(2).enumerate() {
        if pool[2 * i] != pool[2 * i + 1] {
            random.push(jaccard(&pair[0].1, &pair[1].1));
        }
    }
    let mut by_cat: Vec<(&str, usize)> =
        sketched.iter().enumerate().map(|(i, s)| (s.0, i)).collect();
    by_cat.sort();
    let mut same = Vec::new();
    for w in by_cat.chunks_exact(2) {
        if w[0].0 == w[1].0 && pool[w[0].1] != pool[w[1].1] {
            same.push(jaccard(&sketched[w[0].1].1, &sketched[w[1].1].1));
        }
    }
    let stats = |xs: &[f64]| PairStats {
        pairs: xs.len(),
        mean_jaccard: xs.iter().sum::<f64>() / xs.len().max(1) as f64,
        max_jaccard: xs.iter().copied().fold(0.0, f64::max),
    };
    Report {
        sample: k,
        edits,
        random_originals: stats(&random),
        same_category_originals: stats(&same),
    }
}

#[derive(Serialize)]
struct Summary<'a> {
    generator: &'static str,
    source: String,
    source_articles: usize,
    source_sentences: usize,
    vocabulary: usize,
    seed: u64,
    docs: usize,
    dup_share: f64,
    shards: usize,
    originals: usize,
    duplicates: usize,
    negatives: usize,
    by_edit: Vec<(&'static str, usize)>,
    jsonl_bytes: u64,
    text_bytes: u64,
    seconds: f64,
    docs_per_second: f64,
    report: Option<&'a Report>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if !(0.0..=0.6).contains(&args.dup_share) {
        bail!("--dup-share must be in 0..=0.6, got {}", args.dup_share);
    }
    if !(0.0..=0.3).contains(&args.negative_share) {
        bail!(
            "--negative-share must be in 0..=0.3, got {}",
            args.negative_share
        );
    }
    if !(0.0..=0.3).contains(&args.min_edit_rate)
        || !(args.min_edit_rate..=0.3).contains(&args.max_edit_rate)
    {
        bail!(
            "need 0 <= --min-edit-rate <= --max-edit-rate <= 0.3, got {} and {}",
            args.min_edit_rate,
            args.max_edit_rate
        );
    }
    let mut edits = Vec::new();
    for name in &args.edits {
        match EDITS.iter().find(|e| e.as_str() == name) {
            Some(&e) => edits.push(e),
            None => bail!(
                "--edits: unknown edit {name:?}; known: {}",
                EDITS
                    .iter()
                    .map(|e| e.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
    if edits.is_empty() {
        edits = EDITS.to_vec();
    }
    if !(0.0..=0.3).contains(&args.boilerplate_edit_rate) {
        bail!(
            "--boilerplate-edit-rate must be in 0..=0.3, got {}",
            args.boilerplate_edit_rate
        );
    }
    if args.docs == 0 || args.docs > u32::MAX as usize / 2 {
        bail!("--docs must be in 1..={}", u32::MAX / 2);
    }
    if args.threads > 0 {
        rayon::ThreadPoolBuilder::new()
            .num_threads(args.threads)
            .build_global()?;
    }
    let started = Instant::now();
    let src = Source::load(&args.source)?;
    let shards = args.shards.unwrap_or((args.docs / 10_000).max(1)).max(1);
    let plan = make_plan(args.seed, args.docs, args.dup_share, args.negative_share);
    let gen = Gen {
        src: &src,
        seed: args.seed,
        plan: &plan,
        id_width: args.docs.saturating_sub(1).to_string().len().max(7),
        rates: Rates {
            edits,
            min_edit: args.min_edit_rate,
            max_edit: args.max_edit_rate,
            boilerplate_edit: args.boilerplate_edit_rate,
        },
    };

    let corpus = args.out.join("corpus");
    fs::create_dir_all(&corpus)?;
    for entry in fs::read_dir(&corpus)? {
        let path = entry?.path();
        let name = path.file_name().unwrap().to_string_lossy();
        if name.starts_with("part-") && name.ends_with(".jsonl") {
            fs::remove_file(&path)?;
        }
    }
    let mut labels = BufWriter::new(File::create(args.out.join("labels.tsv"))?);
    labels.write_all(b"id\tcluster\tedit\trate\trelated\n")?;

    // Chunks of consecutive positions that never cross a shard boundary,
    // rendered in parallel a batch at a time and written in order.
    const CHUNK: usize = 1000;
    let mut chunks: Vec<(usize, u32, u32)> = Vec::new();
    for s in 0..shards {
        let (lo, hi) = (s * args.docs / shards, (s + 1) * args.docs / shards);
        let mut p = lo;
        while p < hi {
            let e = (p + CHUNK).min(hi);
            chunks.push((s, p as u32, e as u32));
            p = e;
        }
    }
    let batch = rayon::current_num_threads() * 4;
    let mut by_edit = [0usize; ALL_EDITS.len()];
    let (mut jsonl_bytes, mut text_bytes) = (0u64, 0u64);
    let mut shard_out: Option<(usize, BufWriter<File>)> = None;
    let mut done = 0usize;
    let mut next_note = args.docs / 10;
    for group in chunks.chunks(batch) {
        let rendered: Vec<(Vec<u8>, String, [usize; ALL_EDITS.len()], u64)> = group
            .par_iter()
            .map(|&(_, lo, hi)| {
                let mut json = Vec::with_capacity((hi - lo) as usize * 3500);
                let mut lab = String::new();
                let mut counts = [0usize; ALL_EDITS.len()];
                let mut text = 0u64;
                for pos in lo..hi {
                    let (edit, len) = gen.render(pos, &mut json, &mut lab);
                    counts[edit.index()] += 1;
                    text += len as u64;
                }
                (json, lab, counts, text)
            })
            .collect();
        for (&(shard, lo, hi), (json, lab, counts, text)) in group.iter().zip(rendered) {
            if shard_out.as_ref().map(|s| s.0) != Some(shard) {
                if let Some((_, mut w)) = shard_out.take() {
                    w.flush()?;
                }
                let path = corpus.join(format!("part-{shard:05}.jsonl"));
                let file = File::create(&path).with_context(|| format!("{}", path.display()))?;
                shard_out = Some((shard, BufWriter::with_capacity(1 << 20, file)));
            }
            shard_out.as_mut().unwrap().1.write_all(&json)?;
            labels.write_all(lab.as_bytes())?;
            for (a, b) in by_edit.iter_mut().zip(counts) {
                *a += b;
            }
            jsonl_bytes += json.len() as u64;
            text_bytes += text;
            done += (hi - lo) as usize;
        }
        if done >= next_note && done < args.docs {
            eprintln!(
                "dedup_corpus: {done} / {} docs, {:.0} MB, {:.1}s",
                args.docs,
                jsonl_bytes as f64 / 1e6,
                started.elapsed().as_secs_f64()
            );
            next_note += args.docs / 10;
        }
    }
    if let Some((_, mut w)) = shard_out.take() {
        w.flush()?;
    }
    labels.flush()?;
    let seconds = started.elapsed().as_secs_f64();

    let rep = (args.report_sample > 0).then(|| report(&gen, args.report_sample));
    let originals = by_edit[Edit::Original.index()];
    let negatives = by_edit[Edit::SharedParagraphs.index()] + by_edit[Edit::Template.index()];
    let summary = Summary {
        generator: "dedup_corpus",
        source: args.source.display().to_string(),
        source_articles: src.articles,
        source_sentences: src.categories.iter().map(|c| c.sentences.len()).sum(),
        vocabulary: src.vocab.len(),
        seed: args.seed,
        docs: args.docs,
        dup_share: args.dup_share,
        shards,
        originals,
        duplicates: args.docs - originals - negatives,
        negatives,
        by_edit: ALL_EDITS
            .iter()
            .map(|e| (e.as_str(), by_edit[e.index()]))
            .collect(),
        jsonl_bytes,
        text_bytes,
        seconds,
        docs_per_second: args.docs as f64 / seconds,
        report: rep.as_ref(),
    };
    fs::write(
        args.out.join("report.json"),
        serde_json::to_string_pretty(&summary)? + "\n",
    )?;

    println!(
        "dedup_corpus: {} docs ({} originals, {} duplicates, {} negatives) in {} shard(s), {:.1} MB JSONL ({:.0} B text/doc) in {:.1}s = {:.0} docs/s -> {}",
        args.docs,
        originals,
        args.docs - originals - negatives,
        negatives,
        shards,
        jsonl_bytes as f64 / 1e6,
        text_bytes as f64 / args.docs as f64,
        seconds,
        args.docs as f64 / seconds,
        args.out.display()
    );
    if let Some(r) = &rep {
        println!(
            "exact word-5-gram Jaccard with the original (raw text, {} sampled duplicates):",
            r.sample
        );
        println!(
            "  {:<14} {:>5} {:>8} {:>8} {:>9} {:>12}",
            "edit", "n", "mean J", "min J", "J>=0.7", "containment"
        );
        for e in &r.edits {
            println!(
                "  {:<14} {:>5} {:>8.3} {:>8.3} {:>8.1}% {:>12.3}",
                e.edit,
                e.n,
                e.mean_jaccard,
                e.min_jaccard,
                100.0 * e.share_ge_0_7,
                e.mean_containment
            );
        }
        println!(
            "  unrelated originals: random pairs mean J {:.4} (max {:.4}, {} pairs); same category mean J {:.4} (max {:.4}, {} pairs)",
            r.random_originals.mean_jaccard,
            r.random_originals.max_jaccard,
            r.random_originals.pairs,
            r.same_category_originals.mean_jaccard,
            r.same_category_originals.max_jaccard,
            r.same_category_originals.pairs
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_on_capitals_only() {
        let s = split_sentences("He won 4.5 points. She said: \"No.\" Then it ended! fine. ok");
        assert_eq!(
            s,
            [
                "He won 4.5 points.",
                "She said: \"No.\"",
                "Then it ended! fine. ok"
            ]
        );
    }

    #[test]
    fn plan_puts_copies_after_their_original() {
        let plan = make_plan(7, 5000, 0.3, 0.05);
        assert_eq!(plan.slots.len(), 5000);
        let count = |k| plan.slots.iter().filter(|s| s.kind == k).count();
        assert_eq!(count(SlotKind::Copy), 1500);
        assert_eq!(count(SlotKind::Negative), 250);
        for (pos, s) in plan.slots.iter().enumerate() {
            if s.kind == SlotKind::Original {
                assert_eq!(plan.orig_pos[s.orig as usize], pos as u32);
            } else {
                assert!(plan.orig_pos[s.orig as usize] < pos as u32);
            }
        }
    }

    #[test]
    fn edits_do_what_they_say() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/news");
        let src = Source::load(&dir).unwrap();
        assert_eq!(src.articles, 80);
        let orig = original(&src, 1, 0);
        let words = |t: &str| t.split_whitespace().count();
        let n = words(&orig.paragraphs.join(" "));
        let mut seen = BTreeSet::new();
        for pos in 0..200 {
            let d = duplicate(&src, 1, pos, &orig, &Rates::default());
            let j = jaccard(&shingles(&orig.paragraphs.join("\n\n")), &shingles(&d.text));
            seen.insert(d.edit);
            assert!(d.published > orig.published && d.site != orig.site);
            match d.edit {
                Edit::Exact => assert_eq!(j, 1.0),
                Edit::Substitute | Edit::InsertDelete => {
                    assert!((0.01..=0.045).contains(&d.rate), "{:?} {}", d.edit, d.rate);
                    assert!(j > 0.6 && j < 1.0);
                }
                Edit::Reorder => assert!(d.rate > 0.0 && j > 0.8 && j < 1.0),
                Edit::Boilerplate => assert!(words(&d.text) > n && j > 0.8),
                Edit::Truncate => {
                    assert!((0.75..=0.96).contains(&d.rate));
                    assert!(words(&d.text) < n);
                }
                Edit::Excerpt => assert!(d.text.split("\n\n").count() <= 3 && j < 0.7),
                Edit::WordEdits => {
                    assert!((0.005..=0.12).contains(&d.rate), "{}", d.rate);
                    assert!(j < 1.0);
                }
                Edit::BoilerplateEdited => {
                    assert!((0.005..=0.04).contains(&d.rate), "{}", d.rate);
                    assert!(j < 1.0);
                }
                Edit::Original | Edit::SharedParagraphs | Edit::Template => unreachable!(),
            }
        }
        assert_eq!(seen.len(), EDITS.len());
    }

    #[test]
    fn word_edits_reach_every_paragraph() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/news");
        let src = Source::load(&dir).unwrap();
        let orig = original(&src, 3, 1);
        let mut paras = words_of(&orig.paragraphs);
        let before = paras.clone();
        let mut rng = rng_for(3, 99, 0);
        let edits = edit_words(&mut paras, 0.1, &src, &mut rng);
        let n: usize = before.iter().map(Vec::len).sum();
        assert!(edits as f64 >= 0.05 * n as f64 && edits as f64 <= 0.15 * n as f64);
        let changed = paras.iter().zip(&before).filter(|(a, b)| a != b).count();
        assert!(changed + 1 >= before.len(), "{changed} of {}", before.len());
    }

    #[test]
    fn negatives_share_paragraphs_or_a_template_only() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/news");
        let src = Source::load(&dir).unwrap();
        let orig = original(&src, 5, 2);
        let mut kinds = BTreeSet::new();
        let mut templates: Vec<(u32, String)> = Vec::new();
        for pos in 0..60 {
            let (d, _) = negative(&src, 5, pos, &orig, 2, 3);
            kinds.insert(d.edit);
            let j = jaccard(&shingles(&orig.paragraphs.join("\n\n")), &shingles(&d.text));
            match d.related {
                Some(Related::Original(2)) => {
                    let shared = orig
                        .paragraphs
                        .iter()
                        .filter(|p| d.text.contains(p.as_str()))
                        .count();
                    assert!((1..=2).contains(&shared), "{shared}");
                    assert!(j < 0.5, "{j}");
                }
                Some(Related::Template(g)) => templates.push((g, d.text)),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(kinds.len(), 2);
        // Two documents of one template share its lines, not their bodies.
        templates.sort();
        let pair = templates.windows(2).find(|w| w[0].0 == w[1].0).unwrap();
        let (a, b) = (&pair[0].1, &pair[1].1);
        assert_eq!(a.lines().next(), b.lines().next());
        assert!(jaccard(&shingles(a), &shingles(b)) < 0.5);
    }

    #[test]
    fn replace_keeps_punctuation_and_case() {
        assert_eq!(replace_core("(Hello,", "world"), "(World,");
        assert_eq!(replace_core("end.", "stop"), "stop.");
    }
}
