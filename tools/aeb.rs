//! gleaner's side of the Article Extraction Benchmark (benches/aeb/run.sh).
//!
//!   aeb html AEB_DIR OUT.json        main-content extraction of each page
//!   aeb html+clean AEB_DIR OUT.json  extraction, then the clean stage with
//!                                    the shipped pipeline.toml's [clean]
//!                                    (AEB_REMOVED=FILE: its removals too)
//!   aeb text AEB_DIR TEXT_DIR OUT.json   the clean stage on pages already
//!                                        rendered to text (TEXT_DIR/<id>.txt)
//!   aeb wcxb SPLIT_DIR OUT.json [plain|markdown]
//!                                    extraction of a WCXB split
//!                                    (benches/wcxb/run.sh)
//!   aeb wcxb-lines SPLIT_DIR OUT.jsonl   every line of every page with the
//!   aeb html-lines AEB_DIR OUT.jsonl     line model's features, for
//!                                        benches/wcxb/line_model.py
//!
//! Pages are loaded into memory first; the timed loop is one thread, as the
//! peer tools are run. Writes AEB's output format (WCXB's `{id: text}` for
//! `wcxb`) and prints `<name> <pages> <seconds>` (the median of three timed
//! runs); `wcxb` also times the html5ever parse alone (`html5ever_parse`), the
//! floor that extraction is measured against.

use std::io::Read;
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use gleaner::clean::Cleaner;
use gleaner::config::Config;
use gleaner::read::html::{parse_page, read_html_with, ExtractParams, TextFormat};

fn pages(dir: &Path) -> Result<Vec<(String, String, Option<String>)>> {
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json"))?)?;
    let mut out = Vec::new();
    for (id, p) in gzipped_pages(dir)? {
        let mut html = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&p)?).read_to_string(&mut html)?;
        let url = truth[&id]["url"].as_str().map(str::to_string);
        out.push((id, html, url));
    }
    Ok(out)
}

/// The gzipped pages under `dir/html`, sorted, with their file id (the
/// name before the first dot).
fn gzipped_pages(dir: &Path) -> Result<Vec<(String, std::path::PathBuf)>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir.join("html"))
        .with_context(|| format!("reading {}/html", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    Ok(paths
        .into_iter()
        .map(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            (name.split('.').next().unwrap_or_default().to_string(), p)
        })
        .collect())
}

/// The pages of one WCXB split: `(file id, html, url)`. Bytes are decoded
/// as UTF-8 with replacement, as the Python peers read them.
fn wcxb_pages(split: &Path) -> Result<Vec<(String, String, Option<String>)>> {
    let mut out = Vec::new();
    for (id, p) in gzipped_pages(split)? {
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&p)?).read_to_end(&mut bytes)?;
        let truth: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
            split.join("ground-truth").join(format!("{id}.json")),
        )?)?;
        let url = truth["url"].as_str().map(str::to_string);
        out.push((id, String::from_utf8_lossy(&bytes).into_owned(), url));
    }
    Ok(out)
}

/// Extraction settings: the defaults, changed by `GLEANER_EXTRACT`.
fn extract_params() -> Result<ExtractParams> {
    let spec = std::env::var("GLEANER_EXTRACT").unwrap_or_default();
    ExtractParams::default()
        .with(&spec)
        .map_err(|e| anyhow::anyhow!("GLEANER_EXTRACT: {e}"))
}

/// Runs `f` over every input three times; the outputs of the last run and
/// the median time.
fn timed<T>(inputs: &[T], mut f: impl FnMut(&T) -> String) -> (Vec<String>, f64) {
    let mut times = Vec::new();
    let mut outputs = Vec::new();
    let runs = std::env::var("AEB_RUNS").map_or(3, |v| v.parse().unwrap_or(3));
    for _ in 0..runs {
        let start = Instant::now();
        outputs = inputs.iter().map(&mut f).collect();
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (outputs, times[times.len() / 2])
}

fn write(
    out: &Path,
    name: &str,
    ids: impl Iterator<Item = String>,
    texts: Vec<String>,
) -> Result<()> {
    let output: serde_json::Map<String, serde_json::Value> = ids
        .zip(texts)
        .map(|(id, text)| (id, serde_json::json!({ "articleBody": text })))
        .collect();
    std::fs::write(
        out,
        serde_json::to_string(&serde_json::json!({ "version": name, "output": output }))?,
    )?;
    Ok(())
}

/// With `AEB_REMOVED=FILE`, `html+clean` also writes every line the clean
/// stage removed, one JSON object a line (`id`, `line_no`, `reason`,
/// `text`): what to read when cleaning costs recall.
fn write_removed(
    out: &Path,
    pages: &[(String, String, Option<String>)],
    params: &ExtractParams,
    cleaner: &Cleaner,
) -> Result<()> {
    let mut lines = String::new();
    for (id, html, url) in pages {
        let doc = read_html_with("page.html", html, url.as_deref(), TextFormat::Plain, params);
        for r in cleaner.clean_document(&doc.body, doc.extracted).removed {
            let row = serde_json::json!({
                "id": id, "line_no": r.line_no, "reason": r.reason, "text": r.text,
            });
            lines.push_str(&row.to_string());
            lines.push('\n');
        }
    }
    std::fs::write(out, lines).with_context(|| format!("writing {}", out.display()))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The shipped pipeline.toml's [clean], as `gleaner run` uses it without
    // a config file: the bench measures the pipeline's own path.
    let cleaner = Cleaner::new(&Config::builtin().clean).expect("the shipped [clean] is valid");
    match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        [mode @ ("html" | "html+clean"), dir, out] => {
            let pages = pages(Path::new(dir))?;
            let params = extract_params()?;
            let clean = mode == "html+clean";
            if clean {
                if let Ok(path) = std::env::var("AEB_REMOVED") {
                    write_removed(Path::new(&path), &pages, &params, &cleaner)?;
                }
            }
            let (texts, secs) = timed(&pages, |(_, html, url)| {
                let doc = read_html_with(
                    "page.html",
                    html,
                    url.as_deref(),
                    TextFormat::Plain,
                    &params,
                );
                if clean {
                    cleaner.clean_document(&doc.body, doc.extracted).text()
                } else {
                    doc.body
                }
            });
            let name = if clean {
                "gleaner_html_clean"
            } else {
                "gleaner_html"
            };
            write(
                Path::new(out),
                name,
                pages.iter().map(|p| p.0.clone()),
                texts,
            )?;
            println!("{name} {} {secs:.3}", pages.len());
        }
        ["text", dir, text_dir, out] => {
            let ids: Vec<String> = pages(Path::new(dir))?.into_iter().map(|p| p.0).collect();
            let texts: Vec<String> = ids
                .iter()
                .map(|id| std::fs::read_to_string(Path::new(text_dir).join(format!("{id}.txt"))))
                .collect::<std::io::Result<_>>()
                .context("reading the rendered pages")?;
            let (cleaned, secs) = timed(&texts, |t| cleaner.clean(t).text());
            write(Path::new(out), "gleaner_text", ids.into_iter(), cleaned)?;
            println!("gleaner_text {} {secs:.3}", texts.len());
        }
        ["wcxb", split, out, ref format @ ..] => {
            let format = match format {
                [] | ["plain"] => TextFormat::Plain,
                ["markdown"] => TextFormat::Markdown,
                _ => bail!("wcxb: the text format is plain or markdown"),
            };
            let pages = wcxb_pages(Path::new(split))?;
            let params = extract_params()?;
            let (_, parse_secs) = timed(&pages, |(_, html, _)| {
                parse_page(html).tree.nodes().count().to_string()
            });
            let (texts, secs) = timed(&pages, |(_, html, url)| {
                read_html_with("page.html", html, url.as_deref(), format, &params).body
            });
            let output: serde_json::Map<String, serde_json::Value> = pages
                .iter()
                .zip(texts)
                .map(|(p, text)| (p.0.clone(), serde_json::Value::String(text)))
                .collect();
            std::fs::write(out, serde_json::to_string(&output)?)?;
            println!("gleaner {} {secs:.3}", pages.len());
            println!("html5ever_parse {} {parse_secs:.3}", pages.len());
        }
        [mode @ ("wcxb-lines" | "html-lines"), dir, out] => {
            // Every line of every page with the line model's features
            // (JSON lines: page id, text, features), for training it.
            let pages = if mode == "wcxb-lines" {
                wcxb_pages(Path::new(dir))?
            } else {
                pages(Path::new(dir))?
            };
            let params = extract_params()?;
            let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
            use std::io::Write;
            writeln!(
                w,
                "{}",
                serde_json::json!({ "features": gleaner::read::html::LINE_FEATURES })
            )?;
            for (id, html, _) in &pages {
                let lines = gleaner::read::html::page_lines(html, &params);
                let rows: Vec<_> = lines
                    .iter()
                    .map(|l| serde_json::json!([l.text, l.features]))
                    .collect();
                writeln!(w, "{}", serde_json::json!({ "page": id, "lines": rows }))?;
            }
        }
        _ => bail!(
            "usage: aeb html|html+clean AEB_DIR OUT.json | aeb text AEB_DIR TEXT_DIR OUT.json \
             | aeb wcxb SPLIT_DIR OUT.json [plain|markdown] \
             | aeb wcxb-lines SPLIT_DIR OUT.jsonl | aeb html-lines AEB_DIR OUT.jsonl"
        ),
    }
    Ok(())
}
