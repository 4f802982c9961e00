//! Chunks of cleaned documents between the passes of a run.
//!
//! The pipeline reads its inputs once but looks at the cleaned documents
//! three times: to count frequent lines, to sketch them for dedup, and to
//! write them once dedup has spoken. Corpora larger than memory cannot stay
//! resident for that, so chunks are kept in memory up to a byte budget and
//! the rest go to zstd-compressed JSON-lines files in a scratch directory
//! (inside the dataset's staging area, so they vanish with it). Small runs
//! never touch the disk.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::clean::Cleaned;
use crate::document::Document;

/// A document after cleaning, before the cross-document passes; its raw body
/// has been dropped.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CleanedDoc {
    pub doc: Document,
    pub cleaned: Cleaned,
    /// xxh3-64 of the body as read (kept in the dedup index).
    pub body_hash: u64,
}

impl CleanedDoc {
    /// Rough bytes held, for the memory budget.
    fn size(&self) -> usize {
        let lines: usize = self
            .cleaned
            .kept
            .iter()
            .map(|l| l.text.len() + l.raw.len() + 64)
            .sum();
        let removed: usize = self
            .cleaned
            .removed
            .iter()
            .map(|l| l.text.len() + l.reason.len() + 48)
            .sum();
        lines + removed + 256
    }
}

enum Slot {
    Memory(Vec<CleanedDoc>),
    Disk { path: PathBuf, docs: usize },
}

/// Chunks in arrival order, some in memory, some on disk.
pub struct SpillStore {
    slots: Vec<Slot>,
    dir: PathBuf,
    budget: usize,
    resident: usize,
    /// Part files another pass (another process) reads: kept on drop.
    kept: bool,
}

/// The chunks of a persisted store, in order: file name and documents.
const INDEX_FILE: &str = "chunks.json";

/// Errors of the scratch files, with the path.
#[derive(Debug, thiserror::Error)]
#[error("scratch file {path}: {source}")]
pub struct SpillError {
    path: PathBuf,
    #[source]
    source: std::io::Error,
}

fn err(path: &Path) -> impl FnOnce(std::io::Error) -> SpillError + '_ {
    move |source| SpillError {
        path: path.to_path_buf(),
        source,
    }
}

impl SpillStore {
    /// A store that keeps up to `budget` bytes in memory and spills the rest
    /// into `dir` (created when first needed).
    pub fn new(dir: PathBuf, budget: usize) -> SpillStore {
        SpillStore {
            slots: Vec::new(),
            dir,
            budget,
            resident: 0,
            kept: false,
        }
    }

    /// A store whose every chunk goes to `dir` and stays there for a later
    /// pass in another process: the part files of a sharded run. Files of
    /// an earlier attempt at the same shard are replaced.
    pub fn persistent(dir: PathBuf) -> Result<SpillStore, SpillError> {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(err(&dir))?;
        }
        std::fs::create_dir_all(&dir).map_err(err(&dir))?;
        let mut store = SpillStore::new(dir, 0);
        store.kept = true;
        Ok(store)
    }

    /// Writes the list of chunks, the last step of the pass that filled a
    /// [`persistent`](Self::persistent) store: without it, [`open`](Self::open)
    /// fails, so a pass killed half way is never read as complete.
    pub fn seal(&self) -> Result<(), SpillError> {
        let chunks: Vec<(String, usize)> = self
            .slots
            .iter()
            .map(|slot| match slot {
                Slot::Disk { path, docs } => Ok((
                    path.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    *docs,
                )),
                Slot::Memory(_) => Err(err(&self.dir)(std::io::Error::other(
                    "a chunk of a persistent store is in memory",
                ))),
            })
            .collect::<Result<_, _>>()?;
        let path = self.dir.join(INDEX_FILE);
        let json = serde_json::to_vec(&chunks).map_err(|e| err(&path)(e.into()))?;
        crate::write::write_atomically(&path, &json).map_err(err(&path))
    }

    /// Opens a store an earlier pass [`seal`](Self::seal)ed in `dir`; its
    /// files stay when the store is dropped, and [`take`](Self::take) leaves
    /// them too (a failed later pass can be run again).
    pub fn open(dir: PathBuf) -> Result<SpillStore, SpillError> {
        let path = dir.join(INDEX_FILE);
        let json = std::fs::read(&path).map_err(err(&path))?;
        let chunks: Vec<(String, usize)> =
            serde_json::from_slice(&json).map_err(|e| err(&path)(e.into()))?;
        let slots = chunks
            .into_iter()
            .map(|(name, docs)| Slot::Disk {
                path: dir.join(name),
                docs,
            })
            .collect();
        Ok(SpillStore {
            slots,
            dir,
            budget: 0,
            resident: 0,
            kept: true,
        })
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Chunks written to disk so far.
    pub fn spilled(&self) -> usize {
        self.slots
            .iter()
            .filter(|s| matches!(s, Slot::Disk { .. }))
            .count()
    }

    /// Adds the next chunk.
    pub fn push(&mut self, chunk: Vec<CleanedDoc>) -> Result<(), SpillError> {
        let size: usize = chunk.iter().map(CleanedDoc::size).sum();
        if self.resident + size <= self.budget {
            self.resident += size;
            self.slots.push(Slot::Memory(chunk));
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir).map_err(err(&self.dir))?;
        let path = self
            .dir
            .join(format!("chunk-{:06}.jsonl.zst", self.slots.len()));
        let file = File::create(&path).map_err(err(&path))?;
        let mut out = zstd::Encoder::new(BufWriter::new(file), 1).map_err(err(&path))?;
        for doc in &chunk {
            serde_json::to_writer(&mut out, doc).map_err(|e| err(&path)(e.into()))?;
            out.write_all(b"\n").map_err(err(&path))?;
        }
        out.finish()
            .and_then(|mut w| w.flush())
            .map_err(err(&path))?;
        self.slots.push(Slot::Disk {
            path,
            docs: chunk.len(),
        });
        Ok(())
    }

    /// Documents in chunk `i`.
    pub fn chunk_len(&self, i: usize) -> usize {
        match &self.slots[i] {
            Slot::Memory(docs) => docs.len(),
            Slot::Disk { docs, .. } => *docs,
        }
    }

    /// Runs `f` on chunk `i`, loading it from disk if it was spilled.
    pub fn with_chunk<T>(
        &self,
        i: usize,
        f: impl FnOnce(&[CleanedDoc]) -> T,
    ) -> Result<T, SpillError> {
        match &self.slots[i] {
            Slot::Memory(docs) => Ok(f(docs)),
            Slot::Disk { path, .. } => Ok(f(&load(path)?)),
        }
    }

    /// Takes chunk `i` out of the store (the last look at it).
    pub fn take(&mut self, i: usize) -> Result<Vec<CleanedDoc>, SpillError> {
        match std::mem::replace(&mut self.slots[i], Slot::Memory(Vec::new())) {
            Slot::Memory(docs) => Ok(docs),
            Slot::Disk { path, .. } => {
                let docs = load(&path)?;
                if !self.kept {
                    let _ = std::fs::remove_file(&path);
                }
                Ok(docs)
            }
        }
    }
}

impl Drop for SpillStore {
    /// Scratch files never outlive the run, whether it succeeds or fails.
    fn drop(&mut self) {
        if self.kept {
            return;
        }
        if self.spilled() > 0 || self.dir.exists() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn load(path: &Path) -> Result<Vec<CleanedDoc>, SpillError> {
    let file = File::open(path).map_err(err(path))?;
    let reader = BufReader::new(zstd::Decoder::new(file).map_err(err(path))?);
    let mut docs = Vec::new();
    for line in reader.lines() {
        let line = line.map_err(err(path))?;
        let doc = serde_json::from_str(&line).map_err(|e| err(path)(e.into()))?;
        docs.push(doc);
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::{CleanConfig, Cleaner};

    fn chunk(n: u32) -> Vec<CleanedDoc> {
        let cleaner = Cleaner::new(&CleanConfig::default()).unwrap();
        (0..n)
            .map(|i| CleanedDoc {
                doc: Document::new("src", i, String::new()),
                cleaned: cleaner.clean(&format!("Paragraph {i} of a story.\nShare this")),
                body_hash: u64::from(i) << 40,
            })
            .collect()
    }

    #[test]
    fn spilled_chunks_come_back_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = SpillStore::new(dir.path().join("scratch"), 2_000);
        let (a, b) = (chunk(3), chunk(40));
        store.push(a.clone()).unwrap();
        store.push(b.clone()).unwrap();
        assert_eq!(store.spilled(), 1, "the second chunk is over budget");
        assert_eq!(store.chunk_len(1), 40);
        let seen = store
            .with_chunk(1, |docs| {
                docs.iter()
                    .map(|d| d.doc.doc_id.clone())
                    .collect::<Vec<_>>()
            })
            .unwrap();
        assert_eq!(seen.len(), 40);
        let back = store.take(1).unwrap();
        assert_eq!(back.len(), b.len());
        for (x, y) in back.iter().zip(&b) {
            assert_eq!(x.doc, y.doc);
            assert_eq!(x.cleaned, y.cleaned);
        }
        assert_eq!(store.take(0).unwrap()[2].doc, a[2].doc);
        drop(store);
        assert!(!dir.path().join("scratch").exists(), "scratch removed");
    }
}
