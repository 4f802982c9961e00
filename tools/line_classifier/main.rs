//! Trains and cross-validates gleaner's plain-text line classifier
//! (`gleaner::clean::classify`) on the Article Extraction Benchmark, the AEB
//! pages rendered to text by inscriptis (benches/aeb/train_line_classifier.sh
//! runs it all and scores the cross-validation with AEB's evaluate.py).
//!
//! ```text
//! line_classifier train --aeb DIR --rendered DIR [MORE] [--write]
//!     fit on all pages and print the weights; --write rewrites the
//!     `// BEGIN WEIGHTS` … `// END WEIGHTS` block of src/stages/clean/classify.rs
//! line_classifier cv --aeb DIR --rendered DIR [MORE] --out OUT.json
//!     page-level 5-fold cross-validation (fold = index % 5 of the sorted
//!     page ids; the threshold is tuned on the training folds); OUT.json
//!     holds the held-out predictions in AEB's output format
//! line_classifier sample
//!     keep/remove accuracy on tests/data/sample_lines.tsv of the classifier
//!     alone and of gleaner's Cleaner (rules + classifier)
//! ```
//!
//! `--aeb` is the benchmark (ground-truth.json; see benches/aeb/fetch_aeb.sh),
//! `--rendered` holds `<id>.txt` per page. MORE are further training sources,
//! in every fold's training and never held out: `--wcxb SPLIT=RENDERED`
//! (WCXB-layout pages and their renderings, `--wcxb-weight` each) and
//! `--labelled CORPUS` (a clean-bench corpus's labels.jsonl,
//! `--labelled-weight` each). Training is deterministic.

mod metric;
mod train;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use gleaner::clean::classify::{classify, Model, CTX_NAMES, LOCAL_NAMES};
use gleaner::clean::{normalize_line, CleanConfig, Cleaner};

use train::{fit, kept_text, load_pages, model_source, Page};

/// L2 penalty of every stage's logistic regression.
const L2: f64 = 1.0;
/// Folds of the cross-validation.
const FOLDS: usize = 5;

#[derive(Parser)]
#[command(about = "Train and cross-validate gleaner's line classifier on AEB")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Fit on all pages; print the weights.
    Train {
        #[command(flatten)]
        data: Data,
        /// Rewrite the weights block of src/stages/clean/classify.rs.
        #[arg(long)]
        write: bool,
    },
    /// Page-level 5-fold cross-validation.
    Cv {
        #[command(flatten)]
        data: Data,
        /// AEB output JSON of the held-out predictions.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check against the hand labels of tests/data/sample_lines.tsv.
    Sample,
}

#[derive(clap::Args)]
struct Data {
    /// The benchmark: a directory with ground-truth.json.
    #[arg(long)]
    aeb: PathBuf,
    /// The pages rendered to text: <id>.txt each.
    #[arg(long)]
    rendered: PathBuf,
    /// More training pages: a WCXB-layout split and its renderings, as
    /// SPLIT=RENDERED (always in training, never held out by `cv`).
    #[arg(long)]
    wcxb: Vec<String>,
    /// Training weight of each WCXB page (an AEB page weighs 1).
    #[arg(long, default_value_t = 1.0)]
    wcxb_weight: f64,
    /// More training documents: a clean-bench corpus directory holding
    /// labels.jsonl (benches/clean/make_corpus.py), never held out by `cv`.
    #[arg(long)]
    labelled: Vec<PathBuf>,
    /// Training weight of each labelled document.
    #[arg(long, default_value_t = 1.0)]
    labelled_weight: f64,
}

impl Data {
    /// The WCXB pages given with `--wcxb`.
    fn extra(&self) -> Result<Vec<Page>> {
        let mut pages = Vec::new();
        for spec in &self.wcxb {
            let (split, rendered) = spec
                .split_once('=')
                .with_context(|| format!("--wcxb {spec}: not SPLIT=RENDERED"))?;
            pages.extend(train::load_wcxb(
                Path::new(split),
                Path::new(rendered),
                self.wcxb_weight,
            )?);
        }
        for corpus in &self.labelled {
            pages.extend(train::load_labelled(corpus, self.labelled_weight)?);
        }
        Ok(pages)
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn main() -> Result<()> {
    match Cli::parse().cmd {
        Cmd::Train { data, write } => {
            let pages = load_pages(&data.aeb, &data.rendered)?;
            let extra = data.extra()?;
            let refs: Vec<&Page> = pages.iter().chain(&extra).collect();
            let model = fit(&refs, L2);
            print_model(&model);
            report(
                "train (all pages, in-sample)",
                &pages,
                &texts(&pages, |_| model),
            );
            if write {
                write_model(&model)?;
            }
        }
        Cmd::Cv { data, out } => {
            let pages = load_pages(&data.aeb, &data.rendered)?;
            let extra = data.extra()?;
            let mut models = Vec::new();
            for fold in 0..FOLDS {
                let train: Vec<&Page> = pages
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % FOLDS != fold)
                    .map(|(_, p)| p)
                    .chain(&extra)
                    .collect();
                let m = fit(&train, L2);
                eprintln!(
                    "fold {fold}: {} training pages, threshold {:.2}",
                    train.len(),
                    m.threshold
                );
                models.push(m);
            }
            let held_out = texts(&pages, |i| models[i % FOLDS]);
            report("cv (held-out pages)", &pages, &held_out);
            write_output(&out, &pages, held_out)?;
            eprintln!("wrote {}", out.display());
        }
        Cmd::Sample => sample_check()?,
    }
    Ok(())
}

/// The kept text of every page under the model `model_of(page index)`.
fn texts(pages: &[Page], model_of: impl Fn(usize) -> Model) -> Vec<String> {
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| kept_text(p, &model_of(i)))
        .collect()
}

/// Prints the Rust-metric F1/P/R (evaluate.py's numbers are the reference).
fn report(name: &str, pages: &[Page], texts: &[String]) {
    let res: Vec<_> = pages
        .iter()
        .zip(texts)
        .map(|(p, t)| metric::page_tpfpfn(&p.truth, t))
        .collect();
    let (f, p, r) = metric::aggregate(&res);
    println!(
        "{name}: Rust metric F1 {f:.4} P {p:.4} R {r:.4} over {} pages",
        pages.len()
    );
}

fn print_model(m: &Model) {
    println!("threshold {:.2}", m.threshold);
    for (n, w) in LOCAL_NAMES.iter().zip(&m.local) {
        println!("local {n:<22} {w:>8.3}");
    }
    for (s, c) in m.ctx.iter().enumerate() {
        for (n, w) in CTX_NAMES.iter().zip(c) {
            println!("ctx{} {n:<22} {w:>8.3}", s + 1);
        }
    }
}

/// Replaces the weights block of src/stages/clean/classify.rs (markers included).
fn write_model(model: &Model) -> Result<()> {
    const BEGIN: &str = "// BEGIN WEIGHTS";
    const END: &str = "// END WEIGHTS";
    let path = repo().join("src/stages/clean/classify.rs");
    let src =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let (Some(a), Some(b)) = (src.find(BEGIN), src.find(END)) else {
        bail!("{}: no {BEGIN} … {END} block", path.display());
    };
    let new = format!(
        "{}{}{}",
        &src[..a],
        model_source(model),
        &src[b + END.len()..]
    );
    if new == src {
        println!("{}: weights block unchanged", path.display());
    } else {
        std::fs::write(&path, new).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// AEB's output format: `{"version": …, "output": {id: {"articleBody": …}}}`.
fn write_output(out: &Path, pages: &[Page], texts: Vec<String>) -> Result<()> {
    let output: serde_json::Map<String, serde_json::Value> = pages
        .iter()
        .zip(texts)
        .map(|(p, t)| (p.id.clone(), serde_json::json!({ "articleBody": t })))
        .collect();
    let json = serde_json::json!({ "version": "line_classifier_cv", "output": output });
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(out, serde_json::to_string(&json)?)
        .with_context(|| format!("writing {}", out.display()))
}

/// The classifier alone (on the lines as the Cleaner normalizes them) and
/// gleaner's Cleaner (rules + classifier) against the hand labels; each
/// data/sample file is cleaned as one document.
fn sample_check() -> Result<()> {
    let tsv_path = repo().join("tests/data/sample_lines.tsv");
    let tsv = std::fs::read_to_string(&tsv_path)
        .with_context(|| format!("reading {}", tsv_path.display()))?;
    let cleaner = Cleaner::new(&CleanConfig::default()).expect("default clean settings are valid");
    // Per file: per line number (1-based), (classifier keeps, Cleaner keeps).
    let mut verdicts: HashMap<String, Vec<(bool, bool)>> = HashMap::new();
    let (mut n_keep, mut n_remove) = (0, 0);
    let (mut cls_keep, mut cls_remove, mut all_keep, mut all_remove) = (0, 0, 0, 0);
    for row in tsv.lines() {
        if row.starts_with('#') || row.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = row.splitn(4, '\t').collect();
        let [label, file, no, text] = f[..] else {
            bail!("bad row in {}: {row}", tsv_path.display());
        };
        if !verdicts.contains_key(file) {
            let body = std::fs::read_to_string(repo().join("data/sample").join(file))
                .with_context(|| format!("reading data/sample/{file}"))?;
            let norm: Vec<String> = body.lines().map(normalize_line).collect();
            let lines: Vec<&str> = norm.iter().map(String::as_str).collect();
            let kept: HashSet<u32> = cleaner
                .clean(&body)
                .kept
                .iter()
                .map(|k| k.line_no)
                .collect();
            let v = classify(&lines)
                .iter()
                .enumerate()
                .map(|(i, v)| (v.keep, kept.contains(&(i as u32 + 1))))
                .collect();
            verdicts.insert(file.to_string(), v);
        }
        let no: usize = no
            .parse()
            .with_context(|| format!("line number in {row}"))?;
        let Some(&(cls, all)) = verdicts[file].get(no.wrapping_sub(1)) else {
            bail!("{file} has no line {no}");
        };
        let text: String = text.chars().take(90).collect();
        match label {
            "keep" => {
                n_keep += 1;
                cls_keep += usize::from(cls);
                all_keep += usize::from(all);
                if !cls {
                    println!("classifier removes keep line {file}:{no}  {text}");
                }
                if !all {
                    println!("Cleaner removes keep line {file}:{no}  {text}");
                }
            }
            "remove" => {
                n_remove += 1;
                cls_remove += usize::from(!cls);
                all_remove += usize::from(!all);
                if cls {
                    println!("classifier keeps remove line {file}:{no}  {text}");
                }
                if all {
                    println!("Cleaner keeps remove line {file}:{no}  {text}");
                }
            }
            _ => {}
        }
    }
    let acc = |k: usize, r: usize| (k + r) as f64 / (n_keep + n_remove).max(1) as f64;
    println!(
        "classifier alone:                 keep {cls_keep}/{n_keep}, remove {cls_remove}/{n_remove}, accuracy {:.3}",
        acc(cls_keep, cls_remove)
    );
    println!(
        "Cleaner (rules + classifier):     keep {all_keep}/{n_keep}, remove {all_remove}/{n_remove}, accuracy {:.3}",
        acc(all_keep, all_remove)
    );
    Ok(())
}
