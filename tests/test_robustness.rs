//! Every per-document stage on random and mangled text: no panic, and the
//! invariants the tables rely on hold (offsets slice the text, cleaning is
//! idempotent). A small, deterministic generator keeps this fast and
//! reproducible; the heavy fuzzing belongs to a later issue.

use gleaner::clean::{CleanConfig, Cleaner};
use gleaner::dedup::{deduplicate, DedupConfig, DocKey};
use gleaner::entities::{EntityConfig, EntityTagger};
use gleaner::quality::{assess, QualityConfig};

/// xorshift64*: enough randomness for input generation, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Pieces that exercise the rules: sample fragments, markup debris, odd Unicode.
const PIECES: &[&str] = &[
    "Kassym-Jomart Tokayev",
    " said ",
    "President ",
    "71%",
    "$5",
    "26.06.2019",
    "June 9",
    "https://www.israelhayom.com/x/feed/",
    "]]>",
    "[…]",
    "\n",
    "\n\n",
    " | ",
    "рус",
    "Q: ",
    "\u{201C}",
    "\u{2019}",
    "\u{00A0}",
    "\u{200B}",
    "e\u{0301}",
    "😀",
    "\t",
    ".",
    ",",
    "Mr. ",
    "The post X appeared first on Y.",
    "Founding Funders",
    "Follow us on Facebook",
    "—",
    "UN",
    "of the",
    "Sea",
    "in ",
    "\r\n",
    "A",
    "ß",
    "İ",
    "\u{FFFD}",
    "1995",
    "per cent",
];

fn random_text(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(60) {
        if rng.below(4) == 0 {
            // a random scalar value, including controls and astral planes
            let c = char::from_u32(rng.below(0x2FFFF) as u32).unwrap_or('?');
            s.push(c);
        } else {
            s.push_str(PIECES[rng.below(PIECES.len())]);
        }
    }
    s
}

#[test]
fn stages_survive_random_text() {
    let cleaner = Cleaner::new(&CleanConfig::default()).unwrap();
    let tagger = EntityTagger::new(&EntityConfig::default());
    let quality = QualityConfig::default();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut texts = Vec::new();
    for _ in 0..3000 {
        let raw = random_text(&mut rng);
        let cleaned = cleaner.clean(&raw);
        let text = cleaned.text();
        // A second pass may remove more (the classifier weighs lines against
        // their neighbours) but never adds or changes a line.
        let mut rest = text.lines();
        for line in cleaner.clean(&text).kept {
            assert!(
                rest.any(|l| l == line.text),
                "second clean added {:?} on {raw:?}",
                line.text
            );
        }
        let _ = assess(&text, &quality);
        for m in tagger.tag(&text) {
            assert!(m.start < m.end, "{m:?}");
            let slice: String = text.chars().skip(m.start).take(m.end - m.start).collect();
            assert_eq!(slice, m.surface, "bad offsets in {text:?}");
        }
        texts.push(text);
    }
    let keys: Vec<DocKey> = (0..texts.len())
        .map(|i| DocKey {
            doc_id: format!("{i:08}"),
            published: None,
        })
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let result = deduplicate(&keys, &refs, &DedupConfig::default());
    assert_eq!(result.cluster_id.len(), texts.len());
}
