//! Trains and scores gleaner's entity model on CoNLL-format data.
//!
//!   cargo run --release --example ner -- train --data DIR --resources DIR --out data/models/ner-en.bin
//!   cargo run --release --example ner -- eval --data DIR [--model FILE] [--json OUT]
//!
//! `scripts/ner/train.sh` and `scripts/ner/eval.sh` fetch the data and call
//! these; see data/models/README.md. Other corpora (any CoNLL files with
//! PER/ORG/LOC/MISC tags) go in with `--train-file`/`--dev-file`, without
//! resources if there are none for the language, and are scored with
//! `--file NAME=PATH`; `scripts/ner/train_lang.sh` does so for Russian and
//! Kazakh:
//!
//!   cargo run --release --example ner -- train --train-file A.conll [--train-file B.conll] \
//!       [--dev-file DEV.conll [--with-dev]] [--resources DIR] --out FILE
//!   cargo run --release --example ner -- eval --model FILE --file test=TEST.conll --per-type

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use gleaner::entities::ner::conll::{self, Document, Scores};
use gleaner::entities::ner::features::{
    FeatureSet, Gazetteers, Heads, Lexicon, Resources, MAX_LISTS,
};
use gleaner::entities::ner::model::{self, Example, Model, TrainConfig, TYPES};
use gleaner::entities::ner::tokens;

/// The allocator the `gleaner` binary runs the tagger with (see
/// `src/main.rs`), and without transparent huge pages as there, so that
/// `speed` measures what a run gets.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        /// Directory with eng.train, eng.testa (scripts/ner/fetch_data.sh);
        /// not needed when --train-file is given.
        #[arg(long, required_unless_present = "train_file")]
        data: Option<PathBuf>,
        /// A training corpus in CoNLL format, instead of DATA/eng.train
        /// (repeatable: the files' documents are concatenated in order).
        #[arg(long)]
        train_file: Vec<PathBuf>,
        /// The dev corpus, instead of DATA/eng.testa. Without a dev set
        /// (neither this nor --data) no dev F1 is reported.
        #[arg(long)]
        dev_file: Option<PathBuf>,
        /// Directory with lexicon.tsv, gazetteer.<NAME>.txt and gazetteers.txt
        /// (scripts/ner/build_resources.py). Without it the model has no
        /// resources: no Brown clusters and no name lists.
        #[arg(long)]
        resources: Option<PathBuf>,
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
        /// Text appended to the model's info line (e.g. the corpus and its licence).
        #[arg(long)]
        info: Option<String>,
        /// Feature templates: `base` (the English model's) or `inflected`
        /// (adds stems and longer affixes, for Russian and Kazakh).
        #[arg(long, default_value = "base", value_parser = ["base", "inflected"])]
        features: String,
        /// Stem length in characters of the `inflected` features.
        #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u8).range(1..))]
        stem: u8,
        /// Add the head-noun templates to the `inflected` features, with
        /// one language's lists of organisation and place nouns: `ru`
        /// ("министерство", "улица"; also `--heads` alone) or `kk`
        /// ("министрлігі", "облысы").
        #[arg(long, num_args = 0..=1, default_missing_value = "ru", value_parser = ["ru", "kk"])]
        heads: Option<String>,
        /// Keep at most this many features: those whose largest weight
        /// (absolute) is largest, to bound the model's size.
        #[arg(long)]
        max_features: Option<usize>,
    },
    /// Time the tagger on raw text: each line of FILE is a document (a JSON
    /// object's "text" field when the line is one, else the line itself).
    /// Prints tokens/s and a digest of the names found, so a change meant
    /// to be faster can be checked to find the same names.
    Speed {
        file: PathBuf,
        #[arg(long)]
        model: Option<PathBuf>,
        /// Passes over the file; the fastest is reported.
        #[arg(long, default_value_t = 3)]
        repeat: usize,
    },
    /// Tag the text on stdin and print each sentence's tokens with their labels.
    Tag {
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Score a model on eng.testa, eng.testb and wikigold.conll.txt (those
    /// present in --data), then on each --file.
    Eval {
        #[arg(long, required_unless_present = "file")]
        data: Option<PathBuf>,
        /// Also score the CoNLL file PATH, reported as NAME (repeatable).
        #[arg(long, value_name = "NAME=PATH", value_parser = named_path)]
        file: Vec<(String, PathBuf)>,
        /// Print precision, recall and F1 of every entity type, conlleval-style.
        #[arg(long)]
        per_type: bool,
        /// Model file (default: the one built into gleaner).
        #[arg(long)]
        model: Option<PathBuf>,
        /// Also write the figures as JSON.
        #[arg(long)]
        json: Option<PathBuf>,
        /// Also write each scored corpus's tokens with their gold and
        /// predicted tags (`WORD<TAB>GOLD<TAB>PREDICTED`, BIO, a
        /// `-DOCSTART-` line before each document) to PREFIX.NAME.conll,
        /// for error analysis.
        #[arg(long, value_name = "PREFIX")]
        predictions: Option<PathBuf>,
    },
}

/// `NAME=PATH` of `eval --file`.
fn named_path(arg: &str) -> Result<(String, PathBuf), String> {
    match arg.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => {
            Ok((name.to_string(), PathBuf::from(path)))
        }
        _ => Err(format!("expected NAME=PATH, got `{arg}`")),
    }
}

/// A file's name, for the model's info line.
fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
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
        ..Resources::default()
    })
}

/// Scores and tagging time of a model on a corpus (gold tokens).
fn score(model: &Model, docs: &[Document]) -> (Scores, usize, f64) {
    let (scores, tokens, seconds, _) = score_counted(model, docs);
    (scores, tokens, seconds)
}

/// Entities found and in the gold standard, per type.
type Counts = BTreeMap<String, [usize; 2]>;

/// [`score`], with the found / gold entity counts per type.
fn score_counted(model: &Model, docs: &[Document]) -> (Scores, usize, f64, Counts) {
    let mut scores = Scores::default();
    let mut counts = Counts::new();
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
            let gold = s.chunks();
            for (k, chunks) in [&predicted, &gold].into_iter().enumerate() {
                for (_, _, ty) in chunks {
                    counts.entry(ty.clone()).or_default()[k] += 1;
                }
            }
            scores.add(&gold, &predicted);
        }
    }
    (scores, tokens, seconds, counts)
}

/// `WORD<TAB>GOLD<TAB>PREDICTED` lines of a corpus, the predictions as BIO
/// tags, `-DOCSTART-` before each document and a blank line after each
/// sentence.
fn predictions_conll(model: &Model, docs: &[Document]) -> String {
    let mut out = String::new();
    for doc in docs {
        out.push_str("-DOCSTART-\tO\tO\n\n");
        let words: Vec<Vec<&str>> = doc
            .iter()
            .map(|s| s.words.iter().map(String::as_str).collect())
            .collect();
        for (s, labels) in doc.iter().zip(model.tag_document(&words)) {
            let mut tags = vec!["O".to_string(); s.words.len()];
            for (a, b, k) in model::decode(&labels) {
                for (i, tag) in tags.iter_mut().enumerate().take(b).skip(a) {
                    *tag = format!("{}-{}", if i == a { "B" } else { "I" }, TYPES[k]);
                }
            }
            for ((w, gold), pred) in s.words.iter().zip(&s.tags).zip(&tags) {
                out.push_str(&format!("{w}\t{gold}\t{pred}\n"));
            }
            out.push('\n');
        }
    }
    out
}

/// conlleval's per-type lines: precision, recall, F1, found and gold counts.
fn print_per_type(scores: &Scores, counts: &Counts) {
    for (ty, [found, gold]) in counts {
        let t = scores.of_type(ty);
        println!(
            "{:12}{ty:5} P {:6.2}  R {:6.2}  F1 {:6.2}  found {found:6}  gold {gold:6}",
            "", t.precision, t.recall, t.f1
        );
    }
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
    gleaner::executors::huge_pages::turn_off();
    match Cli::parse().command {
        Command::Train {
            data,
            train_file,
            dev_file,
            resources,
            out,
            epochs,
            seed,
            runs,
            with_dev,
            info,
            features,
            stem,
            heads,
            max_features,
        } => {
            // clap requires --data unless --train-file is given.
            let train_files = match (&data, train_file.is_empty()) {
                (Some(data), true) => vec![data.join("eng.train")],
                _ => train_file,
            };
            let dev_file = dev_file.or_else(|| data.as_ref().map(|d| d.join("eng.testa")));
            let mut train_docs = Vec::new();
            for path in &train_files {
                train_docs.extend(read_corpus(path)?);
            }
            let dev = match &dev_file {
                Some(path) => read_corpus(path)?,
                None if with_dev => bail!("--with-dev needs a dev set: --dev-file or --data"),
                None => Vec::new(),
            };
            if with_dev {
                train_docs.extend(dev.iter().cloned());
            }
            let mut res = match &resources {
                Some(dir) => load_resources(dir)?,
                None => {
                    eprintln!("no resources: no lexicon, no gazetteers");
                    Resources::default()
                }
            };
            let heads = match heads.as_deref() {
                None => Heads::None,
                Some("kk") => Heads::Kazakh,
                Some(_) => Heads::Russian,
            };
            if features == "inflected" {
                res.features = FeatureSet::Inflected { stem, heads };
            } else if heads != Heads::None {
                bail!("--heads needs --features inflected");
            }
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
                if with_dev || dev_file.is_none() {
                    None
                } else {
                    Some(&mut report)
                },
            );
            eprintln!(
                "trained in {:.1}s: {} features",
                t.elapsed().as_secs_f64(),
                model.n_features()
            );
            if !with_dev && dev_file.is_some() {
                eprintln!("final dev {}", score(&model, &dev).0.line());
            }
            let mut model = model;
            if let Some(max) = max_features {
                let dropped = model.prune(max);
                eprintln!("pruned {dropped} features: {} left", model.n_features());
                if dropped > 0 {
                    model
                        .info
                        .push_str(&format!(", pruned to the {max} largest features"));
                }
            }
            // ", trained on eng.train + eng.testa" for the English model.
            let mut names: Vec<String> = train_files.iter().map(|p| file_name(p)).collect();
            if let (true, Some(dev)) = (with_dev, &dev_file) {
                names.push(file_name(dev));
            }
            model.info.push_str(", trained on ");
            model.info.push_str(&names.join(" + "));
            if resources.is_none() {
                model.info.push_str(", no resources");
            }
            if let FeatureSet::Inflected { stem, heads } = model.resources.features {
                let heads = match heads {
                    Heads::None => "",
                    Heads::Russian => ", head nouns",
                    Heads::Kazakh => ", Kazakh head nouns",
                };
                model
                    .info
                    .push_str(&format!(", inflected features (stem {stem}{heads})"));
            }
            if let Some(info) = info {
                model.info.push_str(", ");
                model.info.push_str(&info);
            }
            let file = std::fs::File::create(&out)
                .with_context(|| format!("creating {}", out.display()))?;
            model.write(std::io::BufWriter::new(file))?;
            eprintln!(
                "wrote {} ({} bytes)",
                out.display(),
                std::fs::metadata(&out)?.len()
            );
        }
        Command::Speed {
            file,
            model,
            repeat,
        } => {
            let (model, _) = load_model(model.as_deref())?;
            let raw = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let docs: Vec<String> = raw
                .lines()
                .map(|line| {
                    serde_json::from_str::<serde_json::Value>(line)
                        .ok()
                        .and_then(|v| v.get("text")?.as_str().map(str::to_string))
                        .unwrap_or_else(|| line.to_string())
                })
                .collect();
            let tokens: usize = docs
                .iter()
                .map(|d| tokens::sentences(d).iter().map(Vec::len).sum::<usize>())
                .sum();
            let mut best = f64::INFINITY;
            let mut digest = 0u64;
            for _ in 0..repeat.max(1) {
                let t = Instant::now();
                // FNV-1a over every name's start, end and kind.
                let mut h = 0xcbf2_9ce4_8422_2325u64;
                let mut names = 0usize;
                for d in &docs {
                    for n in model.find_names(d) {
                        names += 1;
                        for x in [n.start as u64, n.end as u64, n.kind as u64] {
                            h = (h ^ x).wrapping_mul(0x100_0000_01b3);
                        }
                    }
                }
                best = best.min(t.elapsed().as_secs_f64());
                digest = h ^ names as u64;
            }
            println!(
                "{} documents, {tokens} tokens: {:.0} tok/s (best of {repeat}), names digest {digest:016x}",
                docs.len(),
                tokens as f64 / best
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
        Command::Eval {
            data,
            file,
            per_type,
            model,
            json,
            predictions,
        } => {
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
            let mut corpora: Vec<(String, PathBuf)> = Vec::new();
            if let Some(data) = &data {
                for (name, file) in [
                    ("dev", "eng.testa"),
                    ("test", "eng.testb"),
                    ("wikigold", "wikigold.conll.txt"),
                ] {
                    let path = data.join(file);
                    if path.exists() {
                        corpora.push((name.to_string(), path));
                    }
                }
            }
            corpora.extend(file);
            for (name, path) in corpora {
                let docs = read_corpus(&path)?;
                let (s, tokens, seconds, counts) = score_counted(&model, &docs);
                println!(
                    "{name:9} {}  {:.0} tok/s",
                    s.line(),
                    tokens as f64 / seconds
                );
                if per_type {
                    print_per_type(&s, &counts);
                }
                if let Some(prefix) = &predictions {
                    let mut path = prefix.clone().into_os_string();
                    path.push(format!(".{name}.conll"));
                    std::fs::write(&path, predictions_conll(&model, &docs))
                        .with_context(|| format!("writing {}", Path::new(&path).display()))?;
                }
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
                report.insert(name, entry.into());
            }
            if let Some(path) = json {
                std::fs::write(&path, serde_json::to_string_pretty(&report)?)?;
            }
        }
    }
    Ok(())
}
