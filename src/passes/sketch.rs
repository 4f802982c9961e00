//! Pass `sketch`: each document's final text (frequent lines dropped), its
//! quality signals and its dedup sketch. The text itself is not kept: the
//! `write` pass makes it again from the cleaned document.

use std::collections::HashMap;
use std::time::Instant;

use rayon::prelude::*;

use super::{site_group, Counts, PassError, Progress};
use crate::clean::frequent::FrequentLines;
use crate::dedup::{DocKey, Sketch, Sketcher};
use crate::quality::{self, Action, QualityConfig, Signals};
use crate::spill::SpillStore;

/// Documents whose word lists are held at once.
const WORD_BATCH: usize = 4096;

/// Sketches of the documents the quality filter kept, in store order, and
/// the signals of every kept document by `doc_id`.
#[derive(Debug, Default)]
pub struct Sketched {
    pub keys: Vec<DocKey>,
    /// xxh3-64 of each kept document's body as read (`keys[i]`'s).
    pub body_hashes: Vec<u64>,
    pub sketches: Vec<Sketch>,
    /// Signals of each kept document; a dropped document has none.
    pub signals: HashMap<String, Signals>,
    pub counts: Counts,
    /// Seconds spent sketching (the dedup work proper).
    pub sketch_seconds: f64,
}

/// Assesses and sketches every document of `store`.
pub fn sketch(
    store: &SpillStore,
    frequent: &FrequentLines,
    sketcher: &Sketcher,
    config: &QualityConfig,
    progress: &dyn Progress,
) -> Result<Sketched, PassError> {
    let drop_flagged = config.action == Action::Drop;
    let mut out = Sketched::default();
    for i in 0..store.len() {
        let (texts, chunk_keys): (Vec<String>, Vec<(DocKey, u64)>) =
            store.with_chunk(i, |docs| {
                let texts = docs
                    .par_iter()
                    .map(|d| frequent.kept_text(&site_group(&d.doc), &d.cleaned))
                    .collect();
                let keys = docs
                    .iter()
                    .map(|d| {
                        let key = DocKey {
                            doc_id: d.doc.doc_id.clone(),
                            published: d.doc.published,
                        };
                        (key, d.body_hash)
                    })
                    .collect();
                (texts, keys)
            })?;
        // Words are split once, for quality and for dedup, a batch at a time
        // (a chunk's word lists would be several times its text).
        let mut assessed: Vec<Signals> = Vec::with_capacity(texts.len());
        let mut chunk_sketches: Vec<Option<Sketch>> = Vec::with_capacity(texts.len());
        for batch in texts.chunks(WORD_BATCH) {
            let words: Vec<Vec<&str>> = batch
                .par_iter()
                .map(|t| crate::segment::unicode_words(t).collect())
                .collect();
            let signals: Vec<Signals> = batch
                .par_iter()
                .zip(&words)
                .map(|(t, w)| quality::assess_words(t, w, config))
                .collect();
            let started = Instant::now();
            chunk_sketches.par_extend(words.par_iter().zip(&signals).map(|(w, s)| {
                (!(drop_flagged && s.flag.is_some())).then(|| sketcher.sketch_words(w))
            }));
            out.sketch_seconds += started.elapsed().as_secs_f64();
            assessed.extend(signals);
        }
        for ((signals, sketch), (key, body_hash)) in
            assessed.into_iter().zip(chunk_sketches).zip(chunk_keys)
        {
            let Some(sketch) = sketch else {
                out.counts.run.dropped_low_quality += 1;
                continue;
            };
            out.signals.insert(key.doc_id.clone(), signals);
            out.keys.push(key);
            out.body_hashes.push(body_hash);
            out.sketches.push(sketch);
        }
        progress.advance(store.chunk_len(i) as u64);
    }
    Ok(out)
}
