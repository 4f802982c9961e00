//! The AEB metric (the benchmark's evaluate.py) in Rust: 4-gram shingles of
//! `\w+` tokens, precision and recall macro-averaged over pages. Used for
//! threshold tuning inside the training pages and for a quick report; the
//! published numbers come from evaluate.py itself.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;

/// Python's `\w+` (evaluate.py, the line labels): letters, numbers and `_`.
/// The regex crate's `\w` also takes combining marks, so a variation
/// selector (U+FE0F after an emoji) would glue onto the next word.
pub fn token_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[\p{L}\p{N}_]+").expect("valid regex"))
}

fn shingles(text: &str) -> HashMap<Vec<&str>, u32> {
    let toks: Vec<&str> = token_re().find_iter(text).map(|m| m.as_str()).collect();
    let mut out = HashMap::new();
    let n = 4;
    let count = if toks.len() >= n {
        toks.len() - n + 1
    } else {
        1
    };
    for i in 0..count {
        let s: Vec<&str> = toks[i..(i + n).min(toks.len())].to_vec();
        if !s.is_empty() {
            *out.entry(s).or_insert(0) += 1;
        }
    }
    out
}

/// Normalized (tp, fp, fn) of one page, as evaluate.py's `string_shingle_matching`.
pub fn page_tpfpfn(truth: &str, pred: &str) -> (f64, f64, f64) {
    let t = shingles(truth);
    let p = shingles(pred);
    let (mut tp, mut fp, mut fnn) = (0f64, 0f64, 0f64);
    for (k, &tc) in &t {
        let pc = *p.get(k).unwrap_or(&0);
        tp += tc.min(pc) as f64;
        fnn += tc.saturating_sub(pc) as f64;
    }
    for (k, &pc) in &p {
        let tc = *t.get(k).unwrap_or(&0);
        fp += pc.saturating_sub(tc) as f64;
    }
    let s = tp + fp + fnn;
    if s > 0.0 {
        (tp / s, fp / s, fnn / s)
    } else {
        (0.0, 0.0, 0.0)
    }
}

fn prec(tp: f64, fp: f64, fnn: f64) -> f64 {
    if fp == 0.0 && fnn == 0.0 {
        1.0
    } else if tp == 0.0 && fp == 0.0 {
        0.0
    } else {
        tp / (tp + fp)
    }
}

/// (F1, P, R) macro-averaged over pages, as evaluate.py's `metrics_from_tp_fp_fns`.
pub fn aggregate(pages: &[(f64, f64, f64)]) -> (f64, f64, f64) {
    let ps: Vec<f64> = pages
        .iter()
        .filter(|x| x.0 + x.1 > 0.0)
        .map(|&(a, b, c)| prec(a, b, c))
        .collect();
    let rs: Vec<f64> = pages
        .iter()
        .filter(|x| x.0 + x.2 > 0.0)
        .map(|&(a, b, c)| prec(a, c, b))
        .collect();
    let p = ps.iter().sum::<f64>() / ps.len().max(1) as f64;
    let r = rs.iter().sum::<f64>() / rs.len().max(1) as f64;
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (f, p, r)
}
