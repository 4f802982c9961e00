//! Trains and scores gleaner's entity model on CoNLL-format data.
//!
//!   cargo run --release --example ner -- train --data DIR --resources DIR --out data/models/ner-en.bin
//!   cargo run --release --example ner -- eval --data DIR [--model FILE] [--json OUT]
//!
//! `scripts/ner/train.sh` and `scripts/ner/eval.sh` fetch the data and call
//! these; see data/models/README.md.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use gleaner::entities::ner::conll::{self, Document, Scores};
use gleaner::entities::ner::features::{Gazetteers, Lexicon, Resources, MAX_LISTS};
use gleaner::entities::ner::model::{self, Example, Model, TrainConfig, TYPES};
use gleaner::entities::ner::tokens;

#[derive(Parser)]
#[command(about = "Train and evaluate gleaner's entity model on CoNLL-format data")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Train on eng.train (and eng.testa with --with-dev); without --with-dev
    /// report dev F1 after every epoch of every run.
    Train {
        /// Directory with eng.train, eng.testa (scripts/ner/fetch_data.sh).
        #[arg(long)]
        data: PathBuf,
        /// Directory with lexicon.tsv, gazetteer.<NAME>.txt and gazetteers.txt
        /// (scripts/ner/build_resources.py).
        #[arg(long)]
        resources: PathBuf,
        /// Where to write the model.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 12)]
        epochs: usize,
        /// Shuffle seed of the first run (run k uses seed + 1000·k).
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Runs with different shuffles whose weights are averaged.
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Also train on the dev set (for the final model, once features are fixed).
        #[arg(long)]
        with_dev: bool,
    },
    /// Tag the text on stdin and print each sentence's tokens with their labels.
    Tag {
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Score a model on eng.testa, eng.testb and wikigold.conll.txt (those present).
    Eval {
        #[arg(long)]
        data: PathBuf,
        /// Model file (default: the one built into gleaner).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Also write the figures as JSON.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

fn read_corpus(path: &Path) -> Result<Vec<Document>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    conll::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn examples(docs: &[Document]) -> Result<Vec<Vec<Example>>> {
    docs.iter()
        .map(|doc| {
            doc.iter()
                .map(|s| {
                    let spans = s
                        .chunks()
                        .into_iter()
                        .map(|(a, b, ty)| match TYPES.iter().position(|t| *t == ty) {
                            Some(k) => Ok((a, b, k)),
                            None => bail!("unknown entity type {ty}"),
                        })
                        .collect::<Result<Vec<_>>>()?;
                    Ok(Example {
                        words: s.words.clone(),
                        labels: model::encode(s.words.len(), &spans),
                    })
                })
                .collect()
        })
        .collect()
}

/// The lexicon and the gazetteers, in the order listed in `gazetteers.txt`
/// (the order the model's list bits follow; every listed file must exist).
fn load_resources(dir: &Path) -> Result<Resources> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
    };
    let lexicon = Lexicon::from_tsv(&read("lexicon.tsv")?)
        .map_err(|e| anyhow::anyhow!("{}: {e}", dir.join("lexicon.tsv").display()))?;
    let mut gazetteers = Gazetteers::default();
    for name in read("gazetteers.txt")?.split_whitespace() {
        if gazetteers.names.len() == MAX_LISTS {
            bail!("more than {MAX_LISTS} gazetteers in gazetteers.txt");
        }
        let n = gazetteers.add(name, &read(&format!("gazetteer.{name}.txt"))?);
        eprintln!("gazetteer {name}: {n} phrases");
    }
    eprintln!("lexicon: {} words", lexicon.entries.len());
    Ok(Resources {
        lexicon,
        gazetteers,
    })
}

/// Scores and tagging time of a model on a corpus (gold tokens).
fn score(model: &Model, docs: &[Document]) -> (Scores, usize, f64) {
    let mut scores = Scores::default();
    let mut tokens = 0;
    let mut seconds = 0.0;
    for doc in docs {
        let words: Vec<Vec<&str>> = doc
            .iter()
            .map(|s| s.words.iter().map(String::as_str).collect())
            .collect();
        let t = Instant::now();
        let labels = model.tag_document(&words);
        seconds += t.elapsed().as_secs_f64();
        for (s, labels) in doc.iter().zip(&labels) {
            tokens += s.words.len();
            let predicted: Vec<conll::Chunk> = model::decode(labels)
                .into_iter()
                .map(|(a, b, k)| (a, b, TYPES[k].to_string()))
                .collect();
            scores.add(&s.chunks(), &predicted);
        }
    }
    (scores, tokens, seconds)
}

/// A model file, or the one built into gleaner; with its size in bytes.
fn load_model(path: Option<&Path>) -> Result<(Model, usize)> {
    Ok(match path {
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("reading {}", p.display()))?;
            (Model::read(&bytes[..])?, bytes.len())
        }
        None => (
            gleaner::entities::ner::embedded().clone(),
            gleaner::entities::ner::embedded_size(),
        ),
    })
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Train {
            data,
            resources,
            out,
            epochs,
            seed,
            runs,
            with_dev,
        } => {
            let mut train_docs = read_corpus(&data.join("eng.train"))?;
            let dev = read_corpus(&data.join("eng.testa"))?;
            if with_dev {
                train_docs.extend(dev.iter().cloned());
            }
            let res = load_resources(&resources)?;
            let n_tokens: usize = train_docs.iter().flatten().map(|s| s.words.len()).sum();
            eprintln!(
                "training on {} documents, {n_tokens} tokens",
                train_docs.len()
            );
            let t = Instant::now();
            let mut report = |run: usize, epoch: usize, m: &Model| {
                let (s, _, _) = score(m, &dev);
                eprintln!(
                    "run {} epoch {epoch:2}  {:6.1}s  {} features  dev {}",
                    run + 1,
                    t.elapsed().as_secs_f64(),
                    m.n_features(),
                    s.line()
                );
            };
            let model = model::train(
                &examples(&train_docs)?,
                res,
                TrainConfig { epochs, seed, runs },
                if with_dev { None } else { Some(&mut report) },
            );
            eprintln!(
                "trained in {:.1}s: {} features",
                t.elapsed().as_secs_f64(),
                model.n_features()
            );
            if !with_dev {
                eprintln!("final dev {}", score(&model, &dev).0.line());
            }
            let mut model = model;
            model.info.push_str(if with_dev {
                ", trained on eng.train + eng.testa"
            } else {
                ", trained on eng.train"
            });
            let file = std::fs::File::create(&out)
                .with_context(|| format!("creating {}", out.display()))?;
            model.write(std::io::BufWriter::new(file))?;
            eprintln!(
                "wrote {} ({} bytes)",
                out.display(),
                std::fs::metadata(&out)?.len()
            );
        }
        Command::Tag { model } => {
            let (model, _) = load_model(model.as_deref())?;
            let text = std::io::read_to_string(std::io::stdin())?;
            let sentences = tokens::sentences(&text);
            let words: Vec<Vec<&str>> = sentences
                .iter()
                .map(|s| s.iter().map(|&(a, b)| &text[a..b]).collect())
                .collect();
            for (words, labels) in words.iter().zip(model.tag_document(&words)) {
                let line: Vec<String> = words
                    .iter()
                    .zip(&labels)
                    .map(|(w, &l)| match l {
                        0 => w.to_string(),
                        l => format!(
                            "{w}/{}{}",
                            ["B", "I", "L", "U"][(l as usize - 1) % 4],
                            TYPES[model::kind(l)]
                        ),
                    })
                    .collect();
                println!("{}", line.join(" "));
            }
        }
        Command::Eval { data, model, json } => {
            let t = Instant::now();
            let (model, size) = load_model(model.as_deref())?;
            let load_ms = t.elapsed().as_secs_f64() * 1000.0;
            println!(
                "model: {} ({} features, {:.1} MB, loaded in {load_ms:.0} ms)",
                model.info,
                model.n_features(),
                size as f64 / 1e6
            );
            let mut report = serde_json::Map::new();
            report.insert("model".into(), model.info.clone().into());
            report.insert("load_ms".into(), load_ms.into());
            report.insert("size_bytes".into(), size.into());
            for (name, file) in [
                ("dev", "eng.testa"),
                ("test", "eng.testb"),
                ("wikigold", "wikigold.conll.txt"),
            ] {
                let path = data.join(file);
                if !path.exists() {
                    continue;
                }
                let docs = read_corpus(&path)?;
                let (s, tokens, seconds) = score(&model, &docs);
                println!(
                    "{name:9} {}  {:.0} tok/s",
                    s.line(),
                    tokens as f64 / seconds
                );
                let mut entry = serde_json::Map::new();
                let o = s.overall();
                entry.insert("f1".into(), o.f1.into());
                entry.insert("precision".into(), o.precision.into());
                entry.insert("recall".into(), o.recall.into());
                for ty in TYPES {
                    let t = s.of_type(ty);
                    entry.insert(ty.into(), t.f1.into());
                    entry.insert(format!("{ty}_p"), t.precision.into());
                    entry.insert(format!("{ty}_r"), t.recall.into());
                }
                entry.insert("tokens".into(), tokens.into());
                entry.insert("tokens_per_s".into(), (tokens as f64 / seconds).into());
                if name == "test" {
                    // The pipeline path: raw text through our tokenizer too.
                    let text: String = docs
                        .iter()
                        .flatten()
                        .map(|s| s.words.join(" ") + "\n")
                        .collect();
                    let t = Instant::now();
                    let found = model.find_names(&text).len();
                    let secs = t.elapsed().as_secs_f64();
                    println!(
                        "{:9} raw text through tokenizer + tagger: {found} names, {:.0} tok/s",
                        "",
                        tokens as f64 / secs
                    );
                    entry.insert(
                        "raw_text_tokens_per_s".into(),
                        (tokens as f64 / secs).into(),
                    );
                }
                report.insert(name.into(), entry.into());
            }
            if let Some(path) = json {
                std::fs::write(&path, serde_json::to_string_pretty(&report)?)?;
            }
        }
    }
    Ok(())
}
