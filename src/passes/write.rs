//! Pass `write`: the final documents of a shard, with dedup's verdicts, its
//! entity mentions and its removed lines, appended to the three
//! per-document tables; the shard's entity totals go back to the executor.

use std::collections::{HashMap, VecDeque};

use rayon::prelude::*;

use super::repeats::{self, Repeats, Source};
use super::{site_group, Counts, PassError, Progress};
use crate::clean::frequent::FrequentLines;
use crate::entities::ner::Language;
use crate::entities::{EntityTagger, Mention};
use crate::entity_table::{self, EntityRow};
use crate::quality::Signals;
use crate::spill::SpillStore;
use crate::stages::Processed;
use crate::write::sink::TableWriter;
use crate::write::{self, Verdict};

/// The per-document tables of one shard, open for writing.
pub struct PartWriters {
    pub documents: TableWriter,
    pub mentions: TableWriter,
    pub boilerplate: TableWriter,
    /// The entity keys of each document (a state store: the totals per
    /// canonical entity are counted from it at every commit).
    pub entity_docs: TableWriter,
}

/// What the pass leaves for the commit.
pub struct Written {
    /// Entity totals over the shard's documents, by entity key.
    pub entities: Vec<EntityRow>,
    pub counts: Counts,
}

/// One batch of documents, finished and tagged, ready to be written.
struct Tagged {
    processed: Vec<Processed>,
    mentions: Vec<Vec<Mention>>,
    /// Per document: the name model that ran on it, if any.
    names_tagged: Vec<NamesTagged>,
    /// Documents of the chunk as stored (dropped ones included).
    stored: u64,
}

/// Documents finished, tagged and written together. Writing is serial
/// and tagging parallel, so a batch is written while the next is tagged;
/// batches smaller than a store chunk (64 MB) keep that overlap when the
/// whole run is one chunk, where before the last chunk's Parquet encoding
/// left the other cores idle. A fixed count, so the tables do not depend
/// on the thread count.
const BATCH_DOCUMENTS: usize = 1024;

/// Finishes every document of `store` that has `signals` (the quality
/// filter kept it), tags it and writes it; takes the chunks out of `store`.
///
/// Batch `i` is written while batch `i + 1` is tagged: the writer never
/// leaves the other cores idle. Batches are written in order.
pub fn write(
    store: &mut SpillStore,
    frequent: &FrequentLines,
    mut signals: HashMap<String, Signals>,
    verdicts: &HashMap<String, Verdict>,
    tagger: &EntityTagger,
    tables: &mut PartWriters,
    progress: &dyn Progress,
) -> Result<Written, PassError> {
    let mut totals = entity_table::Totals::default();
    let mut counts = Counts::default();
    let mut repeats = Repeats::new(
        signals
            .keys()
            .filter_map(|id| Some(verdicts.get(id)?.content_hash.as_str())),
    );
    // The documents of the chunks taken so far, in batches, each with the
    // stored documents it advances the progress by (a chunk's on its last).
    let mut batches = VecDeque::new();
    let mut next_chunk = 0;
    let mut tag_next = |store: &mut SpillStore| -> Result<Option<Tagged>, PassError> {
        while batches.is_empty() && next_chunk < store.len() {
            let chunk = store.take(next_chunk)?;
            next_chunk += 1;
            let stored = chunk.len() as u64;
            let docs: Vec<_> = chunk
                .into_iter()
                .filter_map(|d| Some((signals.remove(&d.doc.doc_id)?, d)))
                .collect();
            // Batches taken from the front, each its own allocation: cut
            // off the back with `split_off`, every batch kept the capacity
            // of all that followed it, quadratic in a chunk's documents (a
            // chunk of 160,000 short records then held 5 GB).
            let mut docs = docs.into_iter();
            loop {
                let batch: Vec<_> = docs.by_ref().take(BATCH_DOCUMENTS).collect();
                if docs.len() == 0 {
                    batches.push_back((batch, stored));
                    break;
                }
                batches.push_back((batch, 0));
            }
        }
        let Some((batch, stored)) = batches.pop_front() else {
            return Ok(None);
        };
        let processed: Vec<Processed> = batch
            .into_par_iter()
            .map(|(signals, mut d)| {
                frequent.apply(&site_group(&d.doc), &mut d.cleaned);
                Processed {
                    text: d.cleaned.text(),
                    removed: d.cleaned.removed,
                    doc: d.doc,
                    signals,
                }
            })
            .collect();
        // A text met before in the pass is not tagged again (see `repeats`).
        let keys: Vec<_> = processed
            .iter()
            .map(|p| {
                let hash = verdicts.get(&p.doc.doc_id)?.content_hash.as_str();
                repeats.key(hash, &p.text, p.signals.lang.as_deref())
            })
            .collect();
        let sources = repeats.sources(&keys);
        let tagged: Vec<Option<(Vec<Mention>, NamesTagged)>> = processed
            .par_iter()
            .zip(&sources)
            .map(|(p, source)| matches!(source, Source::Tag).then(|| tag_document(tagger, p)))
            .collect();
        let results = repeats::resolve(sources, tagged);
        repeats.done(&keys, &results);
        let (mentions, names_tagged): (Vec<Vec<Mention>>, Vec<NamesTagged>) =
            results.into_iter().unzip();
        Ok(Some(Tagged {
            processed,
            mentions,
            names_tagged,
            stored,
        }))
    };
    let mut write_one = |t: Tagged| -> Result<(), PassError> {
        let Tagged {
            processed,
            mentions,
            names_tagged,
            stored,
        } = t;
        let chunk_verdicts: Vec<&Verdict> = processed
            .iter()
            .map(|p| {
                verdicts
                    .get(&p.doc.doc_id)
                    .ok_or_else(|| PassError::Missing(format!("dedup verdict of {}", p.doc.doc_id)))
            })
            .collect::<Result<_, _>>()?;
        // The four tables and the entity totals are built from the same
        // documents, each on its own: the last batch, which no tagging
        // overlaps, is then written on every thread rather than one.
        let PartWriters {
            documents,
            mentions: mentions_table,
            boilerplate,
            entity_docs,
        } = &mut *tables;
        let ((documents, mentions_written), (boilerplate, (entity_docs, partial))) = rayon::join(
            || {
                rayon::join(
                    || -> Result<(), PassError> {
                        let batch = write::documents_batch(&processed, &chunk_verdicts)?;
                        Ok(documents.write(&batch)?)
                    },
                    || -> Result<(), PassError> {
                        let batch = write::mentions_batch(&processed, &mentions)?;
                        Ok(mentions_table.write(&batch)?)
                    },
                )
            },
            || {
                rayon::join(
                    || -> Result<(), PassError> {
                        let batch = write::boilerplate_batch(&processed)?;
                        Ok(boilerplate.write(&batch)?)
                    },
                    || {
                        rayon::join(
                            || -> Result<(), PassError> {
                                let batch = crate::state::entity_docs_batch(&processed, &mentions)
                                    .map_err(crate::passes::arrow_error("entity_docs"))?;
                                Ok(entity_docs.write(&batch)?)
                            },
                            || entity_table::aggregate(&processed, &mentions),
                        )
                    },
                )
            },
        );
        documents?;
        mentions_written?;
        boilerplate?;
        entity_docs?;
        totals.add(partial);
        for (p, names) in processed.iter().zip(names_tagged) {
            for r in &p.removed {
                counts.removed(&r.reason);
            }
            counts.run.flagged_low_quality += p.signals.flag.is_some() as u64;
            let run = &mut counts.run;
            run.documents_mixed_languages += names.mixed as u64;
            match names.model {
                None => run.documents_no_name_model += 1,
                Some(language) => {
                    run.documents_names_tagged += 1;
                    *match language {
                        Language::English => &mut run.documents_names_eng,
                        Language::Russian => &mut run.documents_names_rus,
                        Language::Kazakh => &mut run.documents_names_kaz,
                    } += 1;
                }
            }
        }
        counts.run.documents += processed.len() as u64;
        counts.run.mentions += mentions.iter().map(|m| m.len() as u64).sum::<u64>();
        progress.advance(stored);
        Ok(())
    };
    let mut pending = tag_next(store)?;
    while let Some(ready) = pending {
        let (written, tagged) = rayon::join(|| write_one(ready), || tag_next(store));
        written?;
        pending = tagged?;
    }
    Ok(Written {
        entities: totals.into_rows(),
        counts,
    })
}

/// How a document's names were tagged, for the counts.
#[derive(Debug, Clone, Copy)]
struct NamesTagged {
    /// The document's name model.
    model: Option<Language>,
    /// Some paragraphs were tagged by another language's model (or none).
    mixed: bool,
}

/// A document's mentions and how its names were tagged: a function of its
/// text and language alone (which `repeats` relies on).
fn tag_document(tagger: &EntityTagger, p: &Processed) -> (Vec<Mention>, NamesTagged) {
    let lang = p.signals.lang.as_deref();
    if !tagger.tags_anything() {
        // Entities off: no text to fold or read for mentions; the model
        // is still counted (folding changes no letter, so it is the same).
        let model = crate::entities::name_model(lang, &p.text);
        return (
            Vec::new(),
            NamesTagged {
                model,
                mixed: false,
            },
        );
    }
    // Names are tagged with quotes folded, as the models were trained;
    // folding keeps character offsets, and each surface is then taken from
    // the text as it is.
    let folded = crate::clean::fold_quotes(&p.text);
    let model = crate::entities::name_model(lang, &folded);
    let (mut mentions, mixed) = tag_by_paragraph(tagger, &folded, model);
    if let std::borrow::Cow::Owned(_) = folded {
        crate::entities::resurface(&p.text, &mut mentions);
    }
    (mentions, NamesTagged { model, mixed })
}

/// Mentions of a document whose name model is `model`, and whether it was
/// a mixed page: a paragraph in another script is tagged by its own
/// language's model, told by the quality stage's language id (see
/// [`crate::entities::runs`]).
fn tag_by_paragraph(
    tagger: &EntityTagger,
    text: &str,
    model: Option<Language>,
) -> (Vec<Mention>, bool) {
    if !tagger.tags_names() {
        return (tagger.tag_gated(text, model), false);
    }
    let identify = |paragraph: &str| {
        let lang = crate::quality::identify_language(paragraph).0;
        crate::entities::name_model(lang.as_deref(), paragraph)
    };
    let runs = crate::entities::runs::language_runs(text, model, &identify);
    (tagger.tag_runs(text, &runs), runs.len() > 1)
}
