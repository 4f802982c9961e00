//! Texts that come again within one write pass, tagged once.
//!
//! A document's mentions are a function of its text and its language: the
//! tagger reads nothing else. So a text met again in the pass takes a copy
//! of what tagging it gave the first time, the same values. Crawls and
//! feeds hold many exact copies (a wire story on several sites, a page
//! under two URLs, an item in two feeds); the pipeline bench's corpus has
//! 261 in 5,000 documents, where tagging is most of the run.
//!
//! Which texts can come again is known before the pass: dedup gave every
//! document the hash of its words, and a text is only met again under the
//! same hash. So only documents whose hash two or more of the pass's
//! documents share are kept, and only until the last of them is written:
//! memory follows the copies still to come, and at most
//! [`MAX_HELD`] results are kept (a text past that is tagged again, the same
//! values, so the tables never depend on it).

use std::collections::HashMap;

use xxhash_rust::xxh3::Xxh3;

/// Most results kept at once: about 7 KB each on news text (43 mentions
/// a document on the bench corpus), so at most about 30 MB.
pub const MAX_HELD: usize = 4_096;

/// A text and its language as the tagger sees them.
pub type TextKey = u128;

/// The key of `text` in language `lang`.
pub fn text_key(text: &str, lang: Option<&str>) -> TextKey {
    let mut h = Xxh3::new();
    h.update(text.as_bytes());
    // 0xFF and 0xFE are never bytes of UTF-8: no text and language run
    // into another, and no language is taken for none.
    h.update(&[0xFF]);
    if let Some(lang) = lang {
        h.update(&[0xFE]);
        h.update(lang.as_bytes());
    }
    h.digest128()
}

/// Where a document's result comes from.
#[derive(Debug, Clone)]
pub enum Source<T> {
    /// Tag it.
    Tag,
    /// A copy of a result kept from an earlier batch.
    Kept(T),
    /// The result of document `i` of the same batch, which comes before it.
    Earlier(usize),
}

/// Results of texts whose hash has documents still to come.
#[derive(Debug)]
pub struct Repeats<T> {
    /// Documents still to be written, per content hash that two or more
    /// of the pass's documents share.
    left: HashMap<String, u32>,
    /// Results by content hash, then text key (one text nearly always).
    held: HashMap<String, Vec<(TextKey, T)>>,
    held_count: usize,
}

impl<T: Clone> Repeats<T> {
    /// For a pass over documents with these content hashes.
    pub fn new<'a>(content_hashes: impl IntoIterator<Item = &'a str>) -> Self {
        let mut left: HashMap<String, u32> = HashMap::new();
        for hash in content_hashes {
            *left.entry(hash.to_string()).or_default() += 1;
        }
        left.retain(|_, n| *n > 1);
        Repeats {
            left,
            held: HashMap::new(),
            held_count: 0,
        }
    }

    /// A document's key if its text may come again: its content hash is
    /// shared, so it may.
    pub fn key<'a>(
        &self,
        content_hash: &'a str,
        text: &str,
        lang: Option<&str>,
    ) -> Option<(&'a str, TextKey)> {
        self.left
            .contains_key(content_hash)
            .then(|| (content_hash, text_key(text, lang)))
    }

    /// Where each document of a batch (given by its [`key`](Self::key))
    /// takes its result from: a text kept from before, the first of the
    /// batch with its text, or tagging.
    pub fn sources(&self, keys: &[Option<(&str, TextKey)>]) -> Vec<Source<T>> {
        let mut first: HashMap<TextKey, usize> = HashMap::new();
        keys.iter()
            .enumerate()
            .map(|(i, key)| {
                let Some((hash, key)) = key else {
                    return Source::Tag;
                };
                let kept = self
                    .held
                    .get(*hash)
                    .and_then(|texts| texts.iter().find(|(k, _)| k == key).map(|(_, t)| t.clone()));
                if let Some(t) = kept {
                    return Source::Kept(t);
                }
                match first.entry(*key) {
                    std::collections::hash_map::Entry::Occupied(e) => Source::Earlier(*e.get()),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(i);
                        Source::Tag
                    }
                }
            })
            .collect()
    }

    /// Takes note that a batch was done (`results[i]` is document `i`'s):
    /// keeps what documents still to come may need, drops what none can.
    pub fn done(&mut self, keys: &[Option<(&str, TextKey)>], results: &[T]) {
        for (hash, _) in keys.iter().flatten() {
            if let Some(n) = self.left.get_mut(*hash) {
                *n = n.saturating_sub(1);
            }
        }
        for (key, result) in keys.iter().zip(results) {
            let Some((hash, key)) = key else { continue };
            if self.left.get(*hash).is_none_or(|&n| n == 0) || self.held_count >= MAX_HELD {
                continue;
            }
            let texts = self.held.entry(hash.to_string()).or_default();
            if texts.iter().all(|(k, _)| k != key) {
                texts.push((*key, result.clone()));
                self.held_count += 1;
            }
        }
        for (hash, _) in keys.iter().flatten() {
            if self.left.get(*hash) == Some(&0) {
                self.left.remove(*hash);
                if let Some(texts) = self.held.remove(*hash) {
                    self.held_count -= texts.len();
                }
            }
        }
    }

    /// Results kept now.
    #[cfg(test)]
    fn held(&self) -> usize {
        self.held_count
    }
}

/// Each document's result: `tagged[i]` where `sources[i]` is
/// [`Source::Tag`] (tagging may run in parallel), else a copy.
pub fn resolve<T: Clone>(sources: Vec<Source<T>>, tagged: Vec<Option<T>>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(sources.len());
    for (source, tagged) in sources.into_iter().zip(tagged) {
        let result = match source {
            Source::Tag => tagged.expect("a document to tag was tagged"),
            Source::Kept(t) => t,
            Source::Earlier(i) => out[i].clone(),
        };
        out.push(result);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One batch through `Repeats`, "tagging" a text as its length and
    /// counting the calls.
    fn batch(
        repeats: &mut Repeats<usize>,
        docs: &[(&'static str, &'static str)],
        calls: &mut usize,
    ) -> Vec<usize> {
        let keys: Vec<_> = docs
            .iter()
            .map(|(hash, text)| repeats.key(hash, text, Some("eng")))
            .collect();
        let sources = repeats.sources(&keys);
        let tagged = sources
            .iter()
            .zip(docs)
            .map(|(s, (_, text))| {
                matches!(s, Source::Tag).then(|| {
                    *calls += 1;
                    text.len()
                })
            })
            .collect();
        let results = resolve(sources, tagged);
        repeats.done(&keys, &results);
        results
    }

    #[test]
    fn a_text_met_again_is_tagged_once_and_let_go_after_its_last_copy() {
        // Hash "a": three documents, two texts; "b": one; "c": two.
        let docs = [
            ("a", "one text"),
            ("b", "alone"),
            ("a", "one text"),
            ("c", "twice"),
            ("a", "other words"),
            ("c", "twice"),
        ];
        let mut repeats = Repeats::new(docs.iter().map(|d| d.0));
        let mut calls = 0;
        // Within a batch: the copy takes the first one's result.
        let out = batch(&mut repeats, &docs[..3], &mut calls);
        assert_eq!((out, calls), (vec![8, 5, 8], 2));
        // "a" has one document to come, of another text: kept anyway
        // (the hash does not say which text comes).
        assert_eq!(repeats.held(), 1);
        // Across batches: "c" is tagged, then copied; "a"'s other text
        // is tagged; then nothing is held.
        let out = batch(&mut repeats, &docs[3..5], &mut calls);
        assert_eq!((out, calls), (vec![5, 11], 4));
        assert_eq!(repeats.held(), 1, "c still has a document to come");
        let out = batch(&mut repeats, &docs[5..], &mut calls);
        assert_eq!((out, calls), (vec![5], 4));
        assert_eq!(repeats.held(), 0);
    }

    #[test]
    fn the_language_is_part_of_the_key() {
        assert_ne!(
            text_key("Astana", Some("eng")),
            text_key("Astana", Some("rus"))
        );
        assert_ne!(text_key("Astana", None), text_key("Astana", Some("")));
        assert_ne!(text_key("ab", Some("c")), text_key("a", Some("bc")));
    }
}
