//! Accuracy and speed of gleaner's language identification
//! (`quality::identify_language`: whatlang plus the Kazakh-letter cue) on
//! labelled text: CoNLL files (one document per `-DOCSTART-`, or per
//! sentence with `--sentences`) and directories of plain-text files.
//!
//!   cargo run --release --example langid -- rus=ru/test.conll kaz=kk/test.conll eng=DIR
//!
//! Prints, per source: documents, share identified as the label, the three
//! most frequent verdicts, and documents per second on one thread.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use gleaner::quality::identify_language;

/// Documents of a CoNLL file: tokens joined by spaces, one per
/// `-DOCSTART-` (or per sentence).
fn conll_documents(path: &Path, sentences: bool) -> Result<Vec<String>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut docs = Vec::new();
    let mut current = String::new();
    let mut flush = |current: &mut String| {
        if !current.trim().is_empty() {
            docs.push(std::mem::take(current));
        }
        current.clear();
    };
    for line in text.lines() {
        let token = line.split_whitespace().next();
        match token {
            Some("-DOCSTART-") => flush(&mut current),
            None if sentences => flush(&mut current),
            None => current.push('\n'),
            Some(token) => {
                current.push_str(token);
                current.push(' ');
            }
        }
    }
    flush(&mut current);
    Ok(docs)
}

/// Every file under `dir`, sorted, as one document each.
fn text_documents(dir: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display())))
        .collect()
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sentences = args.iter().any(|a| a == "--sentences");
    println!(
        "| source | label | documents | identified as label | most frequent verdicts | docs/s |"
    );
    println!("|---|---|---|---|---|---|");
    for arg in args.iter().filter(|a| !a.starts_with("--")) {
        let Some((label, path)) = arg.split_once('=') else {
            bail!("expected LABEL=PATH, got {arg}");
        };
        let path = Path::new(path);
        let docs = if path.is_dir() {
            text_documents(path)?
        } else {
            conll_documents(path, sentences)?
        };
        let started = Instant::now();
        let verdicts: Vec<Option<String>> = docs.iter().map(|d| identify_language(d).0).collect();
        let seconds = started.elapsed().as_secs_f64();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for v in &verdicts {
            *counts
                .entry(v.clone().unwrap_or_else(|| "none".into()))
                .or_default() += 1;
        }
        let mut top: Vec<(&String, &usize)> = counts.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let right = counts.get(label).copied().unwrap_or(0);
        let top: Vec<String> = top
            .iter()
            .take(3)
            .map(|(l, n)| format!("{l} {n}"))
            .collect();
        println!(
            "| {} | {label} | {} | {:.2} % | {} | {:.0} |",
            path.display(),
            docs.len(),
            100.0 * right as f64 / docs.len().max(1) as f64,
            top.join(", "),
            docs.len() as f64 / seconds.max(1e-9)
        );
    }
    Ok(())
}
