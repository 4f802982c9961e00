//! The object-store side of [`super`], on the `object_store` crate; built
//! with the `cloud` feature only (its HTTP and TLS stack compiles slowly).

use std::io::{Read, Write};
use std::path::Path;
use std::sync::Arc;

use futures::StreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutMode, PutPayload, UpdateVersion, WriteMultipart};

use super::{Remote, StorageError, Version};
use crate::discover::InputFile;
use crate::write::manifest::Manifest;

/// A store, the key prefix under it, and a runtime to wait on it.
pub(super) struct Store {
    store: Arc<dyn ObjectStore>,
    prefix: String,
    url: String,
    runtime: tokio::runtime::Runtime,
}

impl Store {
    pub(super) fn open(remote: &Remote) -> Result<Store, StorageError> {
        let fail = |message: String| StorageError {
            url: remote.url.clone(),
            message,
            refused: false,
        };
        let url = url::Url::parse(&remote.url).map_err(|e| fail(e.to_string()))?;
        let options = std::env::vars()
            .filter(|(k, _)| {
                k.starts_with("AWS_") || k.starts_with("GOOGLE_") || k.starts_with("AZURE_")
            })
            .map(|(k, v)| (k.to_ascii_lowercase(), v));
        let (store, prefix) =
            object_store::parse_url_opts(&url, options).map_err(|e| fail(e.to_string()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| fail(e.to_string()))?;
        Ok(Store {
            store: Arc::from(store),
            prefix: prefix.to_string(),
            url: remote.url.clone(),
            runtime,
        })
    }

    fn fail(&self, key: &str, e: impl std::fmt::Display) -> StorageError {
        StorageError {
            url: format!("{}/{key}", self.url),
            message: e.to_string(),
            refused: false,
        }
    }

    fn key(&self, relative: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(relative)
        } else {
            ObjectPath::from(format!("{}/{relative}", self.prefix))
        }
    }

    /// Keys under the prefix, relative to it, sorted.
    fn list(&self) -> Result<Vec<String>, StorageError> {
        Ok(self.list_meta()?.into_iter().map(|(k, _)| k).collect())
    }

    /// Keys under the prefix (relative to it, sorted) with their metadata.
    pub(super) fn list_meta(
        &self,
    ) -> Result<Vec<(String, object_store::ObjectMeta)>, StorageError> {
        let prefix = (!self.prefix.is_empty()).then(|| ObjectPath::from(self.prefix.as_str()));
        let metas: Vec<_> = self
            .runtime
            .block_on(async { self.store.list(prefix.as_ref()).collect::<Vec<_>>().await });
        let mut keys = Vec::new();
        for meta in metas {
            let meta = meta.map_err(|e| self.fail("", e))?;
            let key = meta.location.to_string();
            let relative = match self.prefix.as_str() {
                "" => key,
                p => key
                    .strip_prefix(p)
                    .map(|k| k.trim_start_matches('/').to_string())
                    .unwrap_or(key),
            };
            keys.push((relative, meta));
        }
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(keys)
    }

    /// Streams object `relative` into `path`; `Ok(false)` when it does not exist.
    pub(super) fn download(&self, relative: &str, path: &Path) -> Result<bool, StorageError> {
        let fail = |e: &dyn std::fmt::Display| self.fail(relative, e);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail(&e))?;
        }
        self.runtime.block_on(async {
            let result = match self.store.get(&self.key(relative)).await {
                Ok(result) => result,
                Err(object_store::Error::NotFound { .. }) => return Ok(false),
                Err(e) => return Err(fail(&e)),
            };
            let modified: std::time::SystemTime = result.meta.last_modified.into();
            let mut file = std::fs::File::create(path).map_err(|e| fail(&e))?;
            let mut stream = result.into_stream();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk.map_err(|e| fail(&e))?;
                file.write_all(&chunk).map_err(|e| fail(&e))?;
            }
            // The object's time, so an unchanged object looks unchanged to
            // the next run (`release::plan_inputs`) and is not fetched again.
            file.set_modified(modified).map_err(|e| fail(&e))?;
            file.sync_all().map_err(|e| fail(&e))?;
            Ok(true)
        })
    }

    /// Writes file `path` as object `relative`: in one request up to
    /// [`PART_BYTES`], else streamed from the file in parts of that size, so
    /// that an upload holds a few parts in memory whatever the file's size
    /// (a shard's sketches or cleaned documents can be large).
    pub(super) fn upload(&self, relative: &str, path: &Path) -> Result<(), StorageError> {
        let fail = |e: &dyn std::fmt::Display| self.fail(relative, e);
        let mut file = std::fs::File::open(path).map_err(|e| fail(&e))?;
        let size = file.metadata().map_err(|e| fail(&e))?.len();
        let key = self.key(relative);
        if size <= PART_BYTES as u64 {
            let mut bytes = Vec::with_capacity(size as usize);
            file.read_to_end(&mut bytes).map_err(|e| fail(&e))?;
            self.runtime
                .block_on(self.store.put(&key, PutPayload::from(bytes)))
                .map_err(|e| fail(&e))?;
            return Ok(());
        }
        self.runtime.block_on(async {
            let upload = self.store.put_multipart(&key).await.map_err(|e| fail(&e))?;
            let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
            let mut buffer = vec![0; PART_BYTES];
            let streamed: Result<(), StorageError> = async {
                loop {
                    let n = read_full(&mut file, &mut buffer).map_err(|e| fail(&e))?;
                    if n == 0 {
                        return Ok(());
                    }
                    writer
                        .wait_for_capacity(PARTS_IN_FLIGHT)
                        .await
                        .map_err(|e| fail(&e))?;
                    writer.write(&buffer[..n]);
                }
            }
            .await;
            match streamed {
                Ok(()) => writer.finish().await.map(|_| ()).map_err(|e| fail(&e)),
                Err(e) => {
                    // No half-uploaded parts left to be billed for.
                    let _ = writer.abort().await;
                    Err(e)
                }
            }
        })
    }

    /// Object `relative` and its version; `None` when it does not exist.
    pub(super) fn read(&self, relative: &str) -> Result<Option<(Vec<u8>, Version)>, StorageError> {
        let fail = |e: object_store::Error| self.fail(relative, e);
        self.runtime.block_on(async {
            let result = match self.store.get(&self.key(relative)).await {
                Ok(result) => result,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(fail(e)),
            };
            let version = Version {
                e_tag: result.meta.e_tag.clone(),
                version: result.meta.version.clone(),
            };
            let bytes = result.bytes().await.map_err(fail)?;
            Ok(Some((bytes.to_vec(), version)))
        })
    }

    /// Writes `relative` only if it does not exist (`expected` is `None`:
    /// S3 `If-None-Match: *`) or is still at version `expected` (`If-Match`
    /// on its ETag). `Ok(None)` when that condition failed.
    pub(super) fn put_if(
        &self,
        relative: &str,
        bytes: Vec<u8>,
        expected: Option<&Version>,
    ) -> Result<Option<Version>, StorageError> {
        let mode = match expected {
            None => PutMode::Create,
            Some(v) => PutMode::Update(UpdateVersion {
                e_tag: v.e_tag.clone(),
                version: v.version.clone(),
            }),
        };
        let key = self.key(relative);
        let put = self
            .store
            .put_opts(&key, PutPayload::from(bytes), mode.into());
        match self.runtime.block_on(put) {
            Ok(done) => Ok(Some(Version {
                e_tag: done.e_tag,
                version: done.version,
            })),
            Err(
                object_store::Error::AlreadyExists { .. }
                | object_store::Error::Precondition { .. },
            ) => Ok(None),
            Err(e @ object_store::Error::NotImplemented) => Err(self.fail(
                relative,
                format!(
                    "{e}: the dataset's lock needs conditional writes (S3 If-None-Match/If-Match)"
                ),
            )),
            Err(e) => Err(self.fail(relative, e)),
        }
    }

    pub(super) fn delete(&self, relative: &str) -> Result<(), StorageError> {
        match self
            .runtime
            .block_on(self.store.delete(&self.key(relative)))
        {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.fail(relative, e)),
        }
    }
}

/// Bytes of an upload's parts (S3 wants at least 5 MiB but for the last).
const PART_BYTES: usize = 16 << 20;
/// Parts of one upload in flight at once.
const PARTS_IN_FLIGHT: usize = 4;

/// Fills `buffer` from `file` as far as it goes; the bytes read (fewer only
/// at the end of the file).
fn read_full(file: &mut std::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

pub fn fetch_inputs(remote: &Remote, cache: &Path) -> Result<Vec<InputFile>, StorageError> {
    let store = Store::open(remote)?;
    let mut inputs = Vec::new();
    for (key, meta) in store.list_meta()? {
        let path = cache.join(&key);
        let modified: std::time::SystemTime = meta.last_modified.into();
        let cached = std::fs::metadata(&path)
            .is_ok_and(|m| m.len() == meta.size && m.modified().ok() == Some(modified));
        if !cached {
            store.download(&key, &path)?;
        }
        inputs.push(InputFile {
            display: format!("{}/{key}", remote.url),
            path,
        });
    }
    Ok(inputs)
}

pub fn pull_release(remote: &Remote, mirror: &Path) -> Result<(), StorageError> {
    let store = Store::open(remote)?;
    let manifest = mirror.join("manifest.json");
    // The store's manifest, never one a mirror kept from an earlier run.
    match std::fs::remove_file(&manifest) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(store.fail("manifest.json", e)),
    }
    if !store.download("manifest.json", &manifest)? {
        let laid_out: Vec<String> = store
            .list()?
            .into_iter()
            .filter(|k| k.contains("/run=") && k.ends_with(".parquet"))
            .collect();
        if !laid_out.is_empty() {
            return Err(StorageError {
                url: remote.url.clone(),
                message: format!(
                    "{} object(s) are laid out like a release ({}…) but there is no \
                     manifest.json, so nothing proves gleaner wrote them; gleaner changed \
                     nothing. Restore the manifest, or write to an empty prefix",
                    laid_out.len(),
                    laid_out[0]
                ),
                refused: true,
            });
        }
        return Ok(());
    }
    let m = Manifest::load(mirror).map_err(|message| StorageError {
        url: format!("{}/manifest.json", remote.url),
        message,
        refused: true,
    })?;
    let needed = m
        .state
        .values()
        .chain(m.tables.get("entities"))
        .flat_map(|t| &t.parts);
    for part in needed {
        store.download(&part.file, &mirror.join(&part.file))?;
    }
    Ok(())
}

pub fn push_release(
    mirror: &Path,
    remote: &Remote,
    before: Option<&Manifest>,
) -> Result<(), StorageError> {
    let store = Store::open(remote)?;
    let after = Manifest::load(mirror).map_err(|message| StorageError {
        url: remote.url.clone(),
        message,
        refused: false,
    })?;
    let had: std::collections::HashSet<&str> = before
        .map(|m| m.parts().map(|(_, p)| p.file.as_str()).collect())
        .unwrap_or_default();
    for (_, part) in after.parts() {
        if !had.contains(part.file.as_str()) {
            store.upload(&part.file, &mirror.join(&part.file))?;
        }
    }
    store.upload("manifest.json", &mirror.join("manifest.json"))?;
    for file in crate::release::superseded_files(before, &after) {
        store.delete(&file)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A store in memory under prefix `p`.
    fn memory() -> Store {
        Store {
            store: Arc::new(object_store::memory::InMemory::new()),
            prefix: "p".into(),
            url: "memory://p".into(),
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
        }
    }

    #[test]
    fn a_large_file_is_uploaded_in_parts_and_comes_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let store = memory();
        for size in [0, 1000, PART_BYTES, PART_BYTES + 1, 2 * PART_BYTES + 12_345] {
            let bytes: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
            let path = dir.path().join(format!("in-{size}"));
            std::fs::write(&path, &bytes).unwrap();
            store.upload(&format!("x/{size}"), &path).unwrap();
            let back = dir.path().join(format!("out-{size}"));
            assert!(store.download(&format!("x/{size}"), &back).unwrap());
            assert!(std::fs::read(&back).unwrap() == bytes, "{size} bytes");
        }
        let keys: Vec<String> = store
            .list_meta()
            .unwrap()
            .into_iter()
            .map(|(k, _)| k)
            .collect();
        assert_eq!(keys.len(), 5, "{keys:?}");
        assert!(keys.iter().all(|k| k.starts_with("x/")), "{keys:?}");
    }
}
