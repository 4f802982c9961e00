//! CoNLL-2003 files and `conlleval` scoring.
//!
//! The model is trained and scored on CoNLL-format corpora (one token per
//! line, the NER tag in the last column, blank lines between sentences,
//! `-DOCSTART-` between documents). Tags may be IOB1 (CoNLL-2003, WikiGold)
//! or IOB2; [`chunks`] decodes both exactly like Erik Tjong Kim Sang's
//! `conlleval` perl script, so our F1 figures are comparable with published ones.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// An entity span: tokens `start..end` of a sentence, and its type (`"PER"`, …).
pub type Chunk = (usize, usize, String);

/// One sentence: its tokens and their tags as written in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub words: Vec<String>,
    pub tags: Vec<String>,
}

impl Sentence {
    /// The gold entity spans of this sentence.
    pub fn chunks(&self) -> Vec<Chunk> {
        chunks(&self.tags)
    }
}

/// A document: the sentences between two `-DOCSTART-` lines.
pub type Document = Vec<Sentence>;

/// Reads a CoNLL file's text into documents. The first column is the word and
/// the last the NER tag; a file with no `-DOCSTART-` is one document.
pub fn parse(text: &str) -> Result<Vec<Document>, String> {
    let mut docs: Vec<Document> = vec![Vec::new()];
    let mut sent = Sentence {
        words: Vec::new(),
        tags: Vec::new(),
    };
    let flush = |sent: &mut Sentence, docs: &mut Vec<Document>| {
        if !sent.words.is_empty() {
            let doc = docs.last_mut().expect("there is always a document");
            doc.push(std::mem::replace(
                sent,
                Sentence {
                    words: Vec::new(),
                    tags: Vec::new(),
                },
            ));
        }
    };
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        match cols.as_slice() {
            [] => flush(&mut sent, &mut docs),
            [first, ..] if *first == "-DOCSTART-" => {
                flush(&mut sent, &mut docs);
                if !docs.last().is_some_and(|d| d.is_empty()) {
                    docs.push(Vec::new());
                }
            }
            [_] => return Err(format!("line {}: expected `WORD ... TAG`", i + 1)),
            [word, .., tag] => {
                if *tag != "O" && !tag.contains('-') {
                    return Err(format!("line {}: `{tag}` is not an IOB tag", i + 1));
                }
                sent.words.push(word.to_string());
                sent.tags.push(tag.to_string());
            }
        }
    }
    flush(&mut sent, &mut docs);
    docs.retain(|d| !d.is_empty());
    Ok(docs)
}

fn split_tag(tag: &str) -> (&str, &str) {
    match tag.split_once('-') {
        Some((prefix @ ("B" | "I"), ty)) => (prefix, ty),
        _ => ("O", ""),
    }
}

/// Entity spans of a tag sequence, decoded the `conlleval` way: a chunk starts
/// at `B`, at `I` after `O`, or where the type changes; it ends before `B`,
/// `O` or a type change. So IOB1 and IOB2 both decode right, and a stray
/// `I-X` starts a chunk rather than being dropped. (Only B/I/O tags occur in
/// the corpora we score; anything else counts as `O`.)
pub fn chunks<S: AsRef<str>>(tags: &[S]) -> Vec<Chunk> {
    let mut out = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    let (mut prev, mut prev_ty) = ("O", "");
    for i in 0..=tags.len() {
        let (tag, ty) = tags.get(i).map_or(("O", ""), |t| split_tag(t.as_ref()));
        let end = matches!(prev, "B" | "I") && (tag != "I" || ty != prev_ty);
        let begin = tag == "B" || (tag == "I" && (prev == "O" || ty != prev_ty));
        if end {
            if let Some((s, t)) = open.take() {
                out.push((s, i, t.to_string()));
            }
        }
        if begin {
            open = Some((i, ty));
        }
        (prev, prev_ty) = (tag, ty);
    }
    out
}

/// Found / correct / gold counts per entity type.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    counts: BTreeMap<String, [usize; 3]>,
}

/// Precision, recall and F1 in percent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn of([found, correct, gold]: [usize; 3]) -> Prf {
        let precision = 100.0 * correct as f64 / found.max(1) as f64;
        let recall = 100.0 * correct as f64 / gold.max(1) as f64;
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
        }
    }
}

impl Scores {
    /// Adds one sentence: a predicted chunk is correct only when its start,
    /// end and type all equal a gold chunk's.
    pub fn add(&mut self, gold: &[Chunk], predicted: &[Chunk]) {
        for (_, _, ty) in gold {
            self.counts.entry(ty.clone()).or_default()[2] += 1;
        }
        for chunk in predicted {
            let c = self.counts.entry(chunk.2.clone()).or_default();
            c[0] += 1;
            if gold.contains(chunk) {
                c[1] += 1;
            }
        }
    }

    /// Overall figures (micro-averaged over types, as conlleval does).
    pub fn overall(&self) -> Prf {
        let mut total = [0; 3];
        for c in self.counts.values() {
            for k in 0..3 {
                total[k] += c[k];
            }
        }
        Prf::of(total)
    }

    /// Figures for one type; zeros when the type never occurs.
    pub fn of_type(&self, ty: &str) -> Prf {
        Prf::of(self.counts.get(ty).copied().unwrap_or_default())
    }

    /// One line: `F1 88.12 (P 88.50 R 87.74)  PER 92.1  ORG 80.2 ...`.
    pub fn line(&self) -> String {
        let o = self.overall();
        let mut s = format!("F1 {:5.2} (P {:5.2} R {:5.2})", o.f1, o.precision, o.recall);
        for ty in self.counts.keys() {
            let _ = write!(s, "  {ty} {:5.2}", self.of_type(ty).f1);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
    }

    fn spans(s: &str) -> Vec<(usize, usize, &'static str)> {
        chunks(&tags(s))
            .into_iter()
            .map(|(a, b, t)| (a, b, &*t.leak()))
            .collect()
    }

    #[test]
    fn iob1_and_iob2_decode_like_conlleval() {
        // IOB1: B only between two touching entities of one type.
        assert_eq!(
            spans("I-PER I-PER B-PER O I-LOC"),
            [(0, 2, "PER"), (2, 3, "PER"), (4, 5, "LOC")]
        );
        // A type change starts a new chunk; a stray I after O starts one too.
        assert_eq!(spans("I-ORG I-LOC"), [(0, 1, "ORG"), (1, 2, "LOC")]);
        assert_eq!(spans("O I-LOC"), [(1, 2, "LOC")]);
        assert_eq!(spans("B-X I-Y"), [(0, 1, "X"), (1, 2, "Y")]);
        // IOB2.
        assert_eq!(spans("B-PER I-PER O B-ORG"), [(0, 2, "PER"), (3, 4, "ORG")]);
        assert_eq!(spans("O O"), []);
    }

    #[test]
    fn parse_documents_and_sentences() {
        let text = "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\n\n\
                    Peter NNP I-NP I-PER\n\n-DOCSTART- -X- O O\n\nBonn NNP I-NP I-LOC\n";
        let docs = parse(text).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].len(), 2);
        assert_eq!(docs[0][0].words, ["EU", "rejects"]);
        assert_eq!(docs[0][0].chunks(), [(0, 1, "ORG".to_string())]);
        assert_eq!(docs[1][0].tags, ["I-LOC"]);
        // Two columns (WikiGold) work too; a bad tag is an error with its line.
        assert_eq!(parse("Paris I-LOC\n").unwrap()[0][0].words, ["Paris"]);
        assert!(parse("Paris LOC\n").unwrap_err().starts_with("line 1"));
    }

    #[test]
    fn scores_need_exact_span_and_type() {
        let mut s = Scores::default();
        let gold = chunks(&tags("I-PER I-PER O I-LOC O I-ORG"));
        let pred = chunks(&tags("I-PER O O I-LOC O I-LOC"));
        s.add(&gold, &pred);
        // 3 found, 1 correct (LOC), 3 gold.
        let o = s.overall();
        assert!((o.precision - 100.0 / 3.0).abs() < 1e-9);
        assert!((o.recall - 100.0 / 3.0).abs() < 1e-9);
        assert_eq!(s.of_type("LOC").precision, 50.0);
        assert_eq!(s.of_type("PER").f1, 0.0);
        assert!(s.line().contains("LOC 66.67"));
    }
}
