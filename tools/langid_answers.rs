//! Exactness and speed of language identification across builds: writes
//! whatlang's full answer (language, script, confidence bits) for every
//! document and paragraph of the inputs, so the answers of two builds (say,
//! before and after a change to the vendored whatlang) can be compared with
//! `cmp`, and times `quality::identify_language` on the same texts.
//!
//!   cargo run --release --example langid_answers -- answers OUT.tsv INPUT...
//!   cargo run --release --example langid_answers -- time INPUT...
//!
//! An INPUT is a JSONL file (its `text` fields) or a directory of HTML
//! pages (main text extracted as `gleaner run` does). Each document is
//! looked at whole (the language sample, as the quality stage does) and
//! paragraph by paragraph (as the entity stage does).

use std::fmt::Write as _;
use std::io::BufRead;
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use gleaner::quality::{identify_language, language_sample};
use gleaner::read::html::read_html;

/// The documents of one input, in a fixed order.
fn documents(path: &Path) -> Result<Vec<String>> {
    if path.is_dir() {
        let mut pages: Vec<_> = std::fs::read_dir(path)
            .with_context(|| format!("reading {}", path.display()))?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        pages.retain(|p| p.extension().is_some_and(|e| e == "html"));
        pages.sort();
        return pages
            .iter()
            .map(|p| {
                let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
                Ok(read_html("page.html", &String::from_utf8_lossy(&bytes), None).body)
            })
            .collect();
    }
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut docs = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let record: serde_json::Value = serde_json::from_str(&line?)?;
        if let Some(text) = record.get("text").and_then(|t| t.as_str()) {
            docs.push(text.to_string());
        }
    }
    Ok(docs)
}

/// Every text language id is asked about: each document's sample, then
/// each document's non-blank paragraphs.
fn texts(inputs: &[String]) -> Result<(Vec<String>, Vec<String>)> {
    let (mut samples, mut paragraphs) = (Vec::new(), Vec::new());
    for input in inputs {
        for doc in documents(Path::new(input))? {
            samples.push(language_sample(&doc).to_string());
            paragraphs.extend(
                doc.split("\n\n")
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string),
            );
        }
    }
    Ok((samples, paragraphs))
}

/// Microseconds per text of `identify_language`, best of five passes.
fn time_per_text(texts: &[String]) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let started = Instant::now();
        let found = texts
            .iter()
            .filter(|t| identify_language(t).0.is_some())
            .count();
        std::hint::black_box(found);
        best = best.min(started.elapsed().as_secs_f64());
    }
    best * 1e6 / texts.len().max(1) as f64
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [mode, out, inputs @ ..] if mode == "answers" && !inputs.is_empty() => {
            let (mut texts, paragraphs) = texts(inputs)?;
            texts.extend(paragraphs);
            let mut table = String::new();
            for (i, text) in texts.iter().enumerate() {
                let (code, _) = identify_language(text);
                match whatlang::detect(language_sample(text)) {
                    Some(info) => writeln!(
                        table,
                        "{i}\t{:016x}\t{}\t{:?}\t{:016x}\t{}",
                        xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
                        info.lang().code(),
                        info.script(),
                        info.confidence().to_bits(),
                        code.as_deref().unwrap_or("-"),
                    )?,
                    None => writeln!(
                        table,
                        "{i}\t{:016x}\tnone",
                        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
                    )?,
                }
            }
            std::fs::write(out, table).with_context(|| format!("writing {out}"))?;
            eprintln!("{} texts", texts.len());
        }
        [mode, inputs @ ..] if mode == "time" && !inputs.is_empty() => {
            let (samples, paragraphs) = texts(inputs)?;
            println!(
                "documents: {} at {:.1} µs each; paragraphs: {} at {:.1} µs each (best of 5)",
                samples.len(),
                time_per_text(&samples),
                paragraphs.len(),
                time_per_text(&paragraphs)
            );
        }
        _ => bail!("usage: langid_answers answers OUT.tsv INPUT... | time INPUT..."),
    }
    Ok(())
}
