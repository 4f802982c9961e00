//! Language id gives exactly the answers of upstream whatlang 0.18.0.
//!
//! gleaner builds whatlang from `vendor/whatlang`, patched for speed
//! (`vendor/whatlang/PATCHES.md`); a path dependency's own tests do not run
//! under gleaner's `cargo test`, so this one does. Every table depends on the
//! language and its confidence, so the answers must agree bit for bit.
//! `tests/data/languages/whatlang_answers.tsv` holds the answers of the
//! unpatched crate for texts built here from files in the repo: many
//! languages and scripts, prefixes, mixtures, garbled and long text.
//! `GLEANER_BLESS_LANGID=1 cargo test --test test_language_id` rewrites it
//! (only ever from an unpatched whatlang).

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const ANSWERS: &str = "tests/data/languages/whatlang_answers.tsv";

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The files of a directory tree with the given extension, sorted.
fn files(dir: &str, ext: &str) -> Vec<String> {
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(repo(dir))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// A small fixed-seed generator, so the texts never change.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// The texts asked about, in a fixed order.
fn texts() -> Vec<String> {
    let examples: BTreeMap<String, String> = serde_json::from_str(
        &std::fs::read_to_string(repo("tests/data/languages/whatlang_examples.json")).unwrap(),
    )
    .unwrap();
    let examples: Vec<String> = examples.into_values().collect();
    let news = files("tests/data/news", "txt");
    let mut local = files("data/sample", "txt");
    local.extend(files("tests/data/languages", "txt"));

    let mut rng = Lcg(0x5eed);
    let mut texts: Vec<String> = [
        "",
        " ",
        "a",
        "ab",
        "abc",
        "I",
        "12345",
        "...!?",
        "ß",
        "Ж",
        "日本",
        "日本語のテキスト",
        "한국어",
        "אב",
        "عربي",
        "हिन्दी",
        "Ελληνικά",
        "ok ок",
        "e-mail: test@example.com, http://example.com/a/b?c=d",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();

    for text in &examples {
        let words: Vec<&str> = text.split_whitespace().collect();
        // Every word prefix: short texts, where few trigrams decide.
        for n in 1..=words.len() {
            texts.push(words[..n].join(" "));
        }
        let chars: Vec<char> = text.chars().collect();
        texts.push(chars.iter().rev().collect());
        texts.push(chars.iter().step_by(2).collect());
        texts.push(text.to_uppercase());
        let mut shuffled = chars.clone();
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i + 1));
        }
        texts.push(shuffled.into_iter().collect());
        // Digits and punctuation between the words.
        texts.push(words.join(" 42, — "));
        // Long: more distinct trigrams than the 600 a text profile keeps.
        texts.push(text.repeat(1 + 3000 / text.len().max(1)));
    }
    // Two languages in one text, in both orders and at different shares.
    for _ in 0..600 {
        let a = &examples[rng.below(examples.len())];
        let b = &examples[rng.below(examples.len())];
        let cut = a
            .char_indices()
            .map(|(i, _)| i)
            .nth(rng.below(a.chars().count()))
            .unwrap_or(0);
        texts.push(format!("{} {b}", &a[cut..]));
    }
    // Real documents: whole, their first KB (the quality stage's sample),
    // each paragraph (the entity stage) and each line.
    for doc in news.iter().chain(&local) {
        texts.push(doc.clone());
        texts.push(gleaner::quality::language_sample(doc).to_string());
        texts.extend(doc.split("\n\n").map(str::to_string));
        texts.extend(doc.lines().filter(|l| l.len() > 40).map(str::to_string));
    }
    // English with foreign sentences spliced in.
    for doc in news.iter().take(40) {
        let cut = doc.floor_char_boundary(rng.below(doc.len()));
        let insert = &examples[rng.below(examples.len())];
        texts.push(format!("{}{insert}{}", &doc[..cut], &doc[cut..]));
    }
    let mut seen = HashSet::new();
    texts.retain(|t| seen.insert(t.clone()));
    texts
}

fn answer(text: &str) -> String {
    let hash = xxhash_rust::xxh3::xxh3_64(text.as_bytes());
    match whatlang::detect(text) {
        Some(info) => format!(
            "{hash:016x}\t{}\t{:?}\t{:016x}",
            info.lang().code(),
            info.script(),
            info.confidence().to_bits()
        ),
        None => format!("{hash:016x}\tnone"),
    }
}

#[test]
fn whatlang_answers_are_upstream_answers() {
    let texts = texts();
    let mut answers = String::new();
    for text in &texts {
        writeln!(answers, "{}", answer(text)).unwrap();
    }
    if std::env::var_os("GLEANER_BLESS_LANGID").is_some() {
        std::fs::write(repo(ANSWERS), &answers).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(repo(ANSWERS)).unwrap();
    assert_eq!(expected.lines().count(), texts.len(), "texts changed");
    for ((text, got), want) in texts.iter().zip(answers.lines()).zip(expected.lines()) {
        assert_eq!(got, want, "language id changed on {text:?}");
    }
}
