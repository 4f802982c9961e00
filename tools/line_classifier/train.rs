//! Fitting the classifier's weights (deterministic: full-batch Newton
//! logistic regression, fixed folds, grid threshold search).
//!
//! Line labels come from the ground truth: a line is content when its `\w+`
//! token sequence occurs in the ground truth's, or when at least half of its
//! 4-gram shingles do. Each line is weighted by `tokens + 2`, normalized so
//! every page has the same total weight (the AEB metric averages over pages
//! and counts shingles). Context stage k+1 is trained on the stage-k
//! probabilities of the training pages. The threshold maximizes the mean,
//! over the sources in training (AEB, WCXB, labelled corpora), of each
//! source's AEB-metric F1, so the many WCXB pages do not choose it alone.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use gleaner::clean::classify::{classify_with, Doc, Model, N_CTX, N_CTX_STAGES, N_LOCAL};

use crate::metric;

/// Where a training page comes from: the threshold weighs each source
/// alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An AEB page rendered to text (the only pages `cv` holds out).
    Aeb,
    /// A WCXB-layout page rendered to text.
    Wcxb,
    /// A clean-bench document with labelled lines.
    Labelled,
}

/// One training page as text, with its line labels.
pub struct Page {
    pub id: String,
    pub text: String,
    /// Per line of `text.split('\n')`: 1 content, 0 boilerplate, -1 no token.
    pub labels: Vec<i8>,
    /// The page's main text (AEB's `articleBody`, WCXB's `main_content`,
    /// a labelled document's content lines).
    pub truth: String,
    pub source: Source,
    /// Weight of the page in training (each page's lines sum to it).
    pub weight: f64,
}

impl Page {
    pub fn lines(&self) -> Vec<&str> {
        self.text.split('\n').collect()
    }
}

/// Line labels of `text` against the ground truth `truth` (see the module doc).
pub fn line_labels(text: &str, truth: &str) -> Vec<i8> {
    let tok = metric::token_re();
    let words =
        |s: &str| -> Vec<String> { tok.find_iter(s).map(|m| m.as_str().to_string()).collect() };
    let gt = format!(" {} ", words(truth).join(" "));
    text.split('\n')
        .map(|line| {
            let t = words(line);
            if t.is_empty() {
                return -1;
            }
            let mut content = gt.contains(&format!(" {} ", t.join(" ")));
            if !content && t.len() >= 4 {
                let hits = t
                    .windows(4)
                    .filter(|w| gt.contains(&format!(" {} ", w.join(" "))))
                    .count();
                content = 2 * hits >= t.len() - 3;
            }
            i8::from(content)
        })
        .collect()
}

/// The pages of `aeb/ground-truth.json` with their renderings
/// `rendered/<id>.txt`, sorted by id.
pub fn load_pages(aeb: &Path, rendered: &Path) -> Result<Vec<Page>> {
    let path = aeb.join("ground-truth.json");
    let truth: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?,
    )
    .with_context(|| format!("parsing {}", path.display()))?;
    let mut pages = Vec::new();
    for (id, v) in truth {
        let body = v["articleBody"]
            .as_str()
            .with_context(|| format!("{id}: no articleBody"))?
            .to_string();
        let path = rendered.join(format!("{id}.txt"));
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        pages.push(Page {
            labels: line_labels(&text, &body),
            id,
            text,
            truth: body,
            weight: 1.0,
            source: Source::Aeb,
        });
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(pages)
}

/// The pages of a WCXB-layout split (`ground-truth/<id>.json`, main text
/// in `ground_truth.main_content`) with their renderings
/// `rendered/<id>.txt`, sorted by id, each of training weight `weight`.
pub fn load_wcxb(split: &Path, rendered: &Path, weight: f64) -> Result<Vec<Page>> {
    let mut pages = Vec::new();
    let dir = split.join("ground-truth");
    for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        let Some(id) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        let gt: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)
            .with_context(|| format!("parsing {}", path.display()))?;
        let body = gt["ground_truth"]["main_content"]
            .as_str()
            .unwrap_or("")
            .to_string();
        let path = rendered.join(format!("{id}.txt"));
        let text = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "reading {} (render_pages.py writes one per page)",
                path.display()
            )
        })?;
        pages.push(Page {
            labels: line_labels(&text, &body),
            id: format!("wcxb-{id}"),
            text,
            truth: body,
            weight,
            source: Source::Wcxb,
        });
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(pages)
}

/// The documents of a clean-bench corpus (`labels.jsonl` of
/// benches/clean/make_corpus.py: per document its lines, each with a kind),
/// each of training weight `weight`. Prose, titles, table rows and list
/// items are content; planted site lines are boilerplate; datelines and
/// bylines (which rules take out before the classifier) carry no label.
pub fn load_labelled(corpus: &Path, weight: f64) -> Result<Vec<Page>> {
    let path = corpus.join("labels.jsonl");
    let file =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let mut pages = Vec::new();
    for (n, row) in file.lines().enumerate() {
        let doc: serde_json::Value = serde_json::from_str(row)
            .with_context(|| format!("{}:{}: not JSON", path.display(), n + 1))?;
        let id = doc["id"].as_str().unwrap_or_default();
        let mut lines = Vec::new();
        let mut labels = Vec::new();
        let mut truth = String::new();
        for pair in doc["lines"].as_array().into_iter().flatten() {
            let (kind, text) = (
                pair[0].as_str().unwrap_or(""),
                pair[1].as_str().unwrap_or(""),
            );
            let label = match kind {
                "prose" | "title" | "table" | "list" => 1,
                "boiler" | "dateline" | "byline" => 0,
                _ => -1,
            };
            if label == 1 {
                truth.push_str(text);
                truth.push('\n');
            }
            lines.push(text);
            labels.push(label);
        }
        pages.push(Page {
            id: format!("lab-{id}"),
            text: lines.join("\n"),
            labels,
            truth,
            weight,
            source: Source::Labelled,
        });
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(pages)
}

/// Weighted L2-regularized logistic regression by Newton's method (no
/// penalty on the bias, feature 0).
fn logreg(x: &[Vec<f64>], y: &[f64], w: &[f64], l2: f64) -> Vec<f64> {
    let d = x[0].len();
    let mut beta = vec![0f64; d];
    for _ in 0..30 {
        let mut g = vec![0f64; d];
        let mut h = vec![vec![0f64; d]; d];
        for ((xi, &yi), &wi) in x.iter().zip(y).zip(w) {
            let z: f64 = xi.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let r = wi * (p - yi);
            let s = wi * p * (1.0 - p);
            for a in 0..d {
                g[a] += r * xi[a];
                if xi[a] != 0.0 {
                    let sa = s * xi[a];
                    for b in a..d {
                        h[a][b] += sa * xi[b];
                    }
                }
            }
        }
        for a in 0..d {
            let lam = if a == 0 { 1e-6 } else { l2 };
            g[a] += lam * beta[a];
            h[a][a] += lam;
            let (top, rest) = h.split_at_mut(a);
            for (b, row) in top.iter().enumerate() {
                rest[0][b] = row[a];
            }
        }
        let step = solve(h, g);
        let mut mx = 0f64;
        for (b, s) in beta.iter_mut().zip(&step) {
            *b -= s;
            mx = mx.max(s.abs());
        }
        if mx < 1e-7 {
            break;
        }
    }
    beta
}

/// Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let piv = (c..n)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .expect("non-empty range");
        a.swap(c, piv);
        b.swap(c, piv);
        let d = a[c][c];
        if d.abs() < 1e-12 {
            continue;
        }
        for r in c + 1..n {
            let f = a[r][c] / d;
            if f != 0.0 {
                let (top, bottom) = a.split_at_mut(r);
                for (x, y) in bottom[0][c..].iter_mut().zip(&top[c][c..]) {
                    *x -= f * y;
                }
                b[r] -= f * b[c];
            }
        }
    }
    let mut x = vec![0f64; n];
    for c in (0..n).rev() {
        let s: f64 = (c + 1..n).map(|k| a[c][k] * x[k]).sum();
        x[c] = if a[c][c].abs() < 1e-12 {
            0.0
        } else {
            (b[c] - s) / a[c][c]
        };
    }
    x
}

/// The text `model` keeps of a page: kept lines, trimmed, one per line.
pub fn kept_text(page: &Page, model: &Model) -> String {
    let lines = page.lines();
    let mut out = String::new();
    for (l, v) in lines.iter().zip(classify_with(&lines, model)) {
        if v.keep {
            out.push_str(l.trim());
            out.push('\n');
        }
    }
    out
}

/// Trains all stages on `pages` and tunes the threshold.
pub fn fit(pages: &[&Page], l2: f64) -> Model {
    let docs: Vec<Doc> = pages.iter().map(|p| Doc::new(&p.lines())).collect();
    // Per labelled text line: (page, text line, label, weight).
    let mut rows: Vec<(usize, usize, f64, f64)> = Vec::new();
    let mut total_lines = 0usize;
    for (pi, (page, doc)) in pages.iter().zip(&docs).enumerate() {
        let mut sum = 0f64;
        let start = rows.len();
        for (k, &i) in doc.idx.iter().enumerate() {
            let lab = page.labels.get(i).copied().unwrap_or(-1);
            if lab < 0 {
                continue;
            }
            let w = doc.info[k].tokens as f64 + 2.0;
            sum += w;
            rows.push((pi, k, lab as f64, w));
        }
        total_lines += rows.len() - start;
        for r in &mut rows[start..] {
            r.3 *= page.weight / sum;
        }
    }
    let scale = total_lines as f64 / pages.len() as f64;
    let y: Vec<f64> = rows.iter().map(|r| r.2).collect();
    let w: Vec<f64> = rows.iter().map(|r| r.3 * scale).collect();
    let x: Vec<Vec<f64>> = rows
        .iter()
        .map(|&(pi, k, _, _)| docs[pi].local[k].iter().map(|&v| v as f64).collect())
        .collect();
    let b = logreg(&x, &y, &w, l2);
    let mut model = Model {
        local: [0.0; N_LOCAL],
        ctx: [[0.0; N_CTX]; N_CTX_STAGES],
        threshold: 0.5,
    };
    for (a, v) in model.local.iter_mut().zip(&b) {
        *a = *v as f32;
    }
    // Context stages, one after another.
    for s in 0..N_CTX_STAGES {
        let ctxs: Vec<Vec<[f32; N_CTX]>> = docs
            .iter()
            .map(|d| d.context(&stage_input(d, &model, s)))
            .collect();
        let x: Vec<Vec<f64>> = rows
            .iter()
            .map(|&(pi, k, _, _)| ctxs[pi][k].iter().map(|&v| v as f64).collect())
            .collect();
        let b = logreg(&x, &y, &w, l2);
        for (a, v) in model.ctx[s].iter_mut().zip(&b) {
            *a = *v as f32;
        }
    }
    model.threshold = tune_threshold(pages, &model);
    model
}

fn sig(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

fn dotf(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Probabilities that context stage `s` sees (the local stage, then `s` context stages).
fn stage_input(d: &Doc, m: &Model, s: usize) -> Vec<f32> {
    let mut p: Vec<f32> = d.local.iter().map(|f| sig(dotf(f, &m.local))).collect();
    for w in &m.ctx[..s] {
        p = d.context(&p).iter().map(|f| sig(dotf(f, w))).collect();
    }
    p
}

/// Threshold in 0.10..=0.90 (step 0.02) with the best AEB F1 on `pages`.
fn tune_threshold(pages: &[&Page], model: &Model) -> f32 {
    let mut best = (f64::MIN, 0.5f32);
    for k in 0..=40 {
        let t = 0.10 + 0.02 * k as f32;
        let m = Model {
            threshold: t,
            ..*model
        };
        // The mean over sources (AEB, WCXB, labelled corpora) of each
        // one's F1, so that the many WCXB pages do not choose the
        // threshold alone.
        let mut by_source: [Vec<(f64, f64, f64)>; 3] = Default::default();
        for p in pages {
            let s = p.source as usize;
            by_source[s].push(metric::page_tpfpfn(&p.truth, &kept_text(p, &m)));
        }
        let scores: Vec<f64> = by_source
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| metric::aggregate(r).0)
            .collect();
        let f = scores.iter().sum::<f64>() / scores.len() as f64;
        if f > best.0 + 1e-9 {
            best = (f, t);
        }
    }
    best.1
}

/// Rust source of the `MODEL` constant, from `// BEGIN WEIGHTS` to `// END WEIGHTS`.
pub fn model_source(m: &Model) -> String {
    let fmt = |v: &[f32]| {
        v.iter()
            .map(|x| format!("{x:.5}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// BEGIN WEIGHTS (generated by `cargo run --release --example line_classifier -- train --write`; do not edit by hand)"
    );
    let _ = writeln!(
        s,
        "/// The trained model (AEB, WCXB dev, ru/kk dev corpora; benches/aeb/train_line_classifier.sh cross-validates it on AEB)."
    );
    let _ = writeln!(s, "#[rustfmt::skip]");
    let _ = writeln!(s, "pub const MODEL: Model = Model {{");
    let _ = writeln!(s, "    local: [{}],", fmt(&m.local));
    let _ = writeln!(s, "    ctx: [");
    for c in &m.ctx {
        let _ = writeln!(s, "        [{}],", fmt(c));
    }
    let _ = writeln!(s, "    ],");
    let _ = writeln!(s, "    threshold: {:.2},", m.threshold);
    s.push_str("};\n// END WEIGHTS");
    s
}
