//! Where inputs and datasets live: local paths, or object stores
//! (`s3://bucket/prefix`, `gs://…`, `az://…`) through the `object_store`
//! crate when gleaner is built with the `cloud` feature.
//!
//! The pipeline itself reads and writes local files. An object-store input
//! is downloaded, object by object, into a cache directory first (its
//! documents keep the object's URL as their source, so ids do not depend on
//! the cache). An object-store dataset is mirrored: the manifest and the
//! state a run builds on are downloaded, the run commits into the mirror as
//! it would locally, and the new files are uploaded, the manifest last:
//! on an object store the commit point is the manifest's write (there is no
//! rename), and objects of a run that never wrote its manifest belong to
//! no release. A plan's work directory on an object store is handled
//! object by object ([`ObjectDir`]). Credentials and endpoint come from the
//! standard variables
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP`, and the GCS/Azure equivalents).

#[cfg(feature = "cloud")]
mod object;

use std::path::Path;

use crate::discover::InputFile;
use crate::write::manifest::Manifest;

/// An object-store location: scheme, bucket and key prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    /// The URL as given, without a trailing `/`.
    pub url: String,
}

impl Remote {
    /// The location `text` names, when it is an object-store URL.
    pub fn parse(text: &str) -> Option<Remote> {
        let (scheme, rest) = text.split_once("://")?;
        if !matches!(scheme, "s3" | "s3a" | "gs" | "az" | "abfs" | "abfss") || rest.is_empty() {
            return None;
        }
        Some(Remote {
            url: text.trim_end_matches('/').to_string(),
        })
    }
}

/// Why a transfer failed.
#[derive(Debug, thiserror::Error)]
#[error("{url}: {message}")]
pub struct StorageError {
    pub url: String,
    pub message: String,
    /// The store holds what a run must not touch (a release without its
    /// manifest): nothing was changed.
    pub refused: bool,
}

#[cfg(not(feature = "cloud"))]
fn no_cloud(remote: &Remote) -> StorageError {
    StorageError {
        url: remote.url.clone(),
        message: "this gleaner was built without object-store support; build it with \
                  `cargo install --path . --features cloud`"
            .into(),
        refused: false,
    }
}

/// The version of an object (its ETag) that a conditional write is made
/// against.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(not(feature = "cloud"), allow(dead_code))]
pub struct Version {
    e_tag: Option<String>,
    version: Option<String>,
}

/// One object under a dataset's prefix, read and written conditionally so
/// that runs on several machines can agree on who writes the dataset
/// ([`crate::release::remote_lock`]).
pub struct ObjectHandle {
    url: String,
    #[cfg(feature = "cloud")]
    name: String,
    #[cfg(feature = "cloud")]
    store: object::Store,
}

impl ObjectHandle {
    /// The object `name` under the prefix of `remote`.
    pub fn open(remote: &Remote, name: &str) -> Result<ObjectHandle, StorageError> {
        #[cfg(feature = "cloud")]
        return Ok(ObjectHandle {
            url: format!("{}/{name}", remote.url),
            name: name.to_string(),
            store: object::Store::open(remote)?,
        });
        #[cfg(not(feature = "cloud"))]
        {
            let _ = name;
            Err(no_cloud(remote))
        }
    }

    /// The object's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The object's bytes and version; `None` when it does not exist.
    pub fn read(&self) -> Result<Option<(Vec<u8>, Version)>, StorageError> {
        #[cfg(feature = "cloud")]
        return self.store.read(&self.name);
        #[cfg(not(feature = "cloud"))]
        unreachable!("{}: opened without the cloud feature", self.url)
    }

    /// Writes the object if it does not exist (`expected` is `None`) or is
    /// still at version `expected`; `Ok(None)` when it exists, or has
    /// changed, so another writer came first.
    pub fn put_if(
        &self,
        bytes: Vec<u8>,
        expected: Option<&Version>,
    ) -> Result<Option<Version>, StorageError> {
        #[cfg(feature = "cloud")]
        return self.store.put_if(&self.name, bytes, expected);
        #[cfg(not(feature = "cloud"))]
        {
            let _ = (bytes, expected);
            unreachable!("{}: opened without the cloud feature", self.url)
        }
    }

    /// Deletes the object (nothing to do when it does not exist).
    pub fn delete(&self) -> Result<(), StorageError> {
        #[cfg(feature = "cloud")]
        return self.store.delete(&self.name);
        #[cfg(not(feature = "cloud"))]
        unreachable!("{}: opened without the cloud feature", self.url)
    }
}

/// An object under an [`ObjectDir`]'s prefix.
#[derive(Debug, Clone)]
pub struct ObjectInfo {
    /// Its key under the prefix (`parts/scan-0.json`).
    pub key: String,
    pub size: u64,
    /// When it was written. A download gets this time, so that a local copy
    /// can be told unchanged without reading it.
    pub modified: std::time::SystemTime,
}

/// The objects under a prefix, handled as files one by one: listed,
/// downloaded, uploaded, deleted. A plan's work directory on an object
/// store is one ([`crate::executors::remote_work`]).
pub struct ObjectDir {
    url: String,
    #[cfg(feature = "cloud")]
    store: object::Store,
}

impl ObjectDir {
    pub fn open(remote: &Remote) -> Result<ObjectDir, StorageError> {
        #[cfg(feature = "cloud")]
        return Ok(ObjectDir {
            url: remote.url.clone(),
            store: object::Store::open(remote)?,
        });
        #[cfg(not(feature = "cloud"))]
        Err(no_cloud(remote))
    }

    /// The prefix's URL, without a trailing `/`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every object under the prefix, sorted by key.
    pub fn list(&self) -> Result<Vec<ObjectInfo>, StorageError> {
        #[cfg(feature = "cloud")]
        return Ok(self
            .store
            .list_meta()?
            .into_iter()
            .map(|(key, meta)| ObjectInfo {
                key,
                size: meta.size,
                modified: meta.last_modified.into(),
            })
            .collect());
        #[cfg(not(feature = "cloud"))]
        unreachable!("{}: opened without the cloud feature", self.url)
    }

    /// Streams object `key` into `path` (its parents are made), with the
    /// object's time; `Ok(false)` when there is no such object.
    pub fn download(&self, key: &str, path: &Path) -> Result<bool, StorageError> {
        #[cfg(feature = "cloud")]
        return self.store.download(key, path);
        #[cfg(not(feature = "cloud"))]
        {
            let _ = (key, path);
            unreachable!("{}: opened without the cloud feature", self.url)
        }
    }

    /// Writes file `path` as object `key`, replacing it.
    pub fn upload(&self, key: &str, path: &Path) -> Result<(), StorageError> {
        #[cfg(feature = "cloud")]
        return self.store.upload(key, path);
        #[cfg(not(feature = "cloud"))]
        {
            let _ = (key, path);
            unreachable!("{}: opened without the cloud feature", self.url)
        }
    }

    /// Deletes object `key` (nothing to do when it does not exist).
    pub fn delete(&self, key: &str) -> Result<(), StorageError> {
        #[cfg(feature = "cloud")]
        return self.store.delete(key);
        #[cfg(not(feature = "cloud"))]
        {
            let _ = key;
            unreachable!("{}: opened without the cloud feature", self.url)
        }
    }
}

/// Downloads every object under `remote` into `cache` and returns them as
/// inputs, sorted by URL, each named by its URL.
pub fn fetch_inputs(remote: &Remote, cache: &Path) -> Result<Vec<InputFile>, StorageError> {
    #[cfg(feature = "cloud")]
    return object::fetch_inputs(remote, cache);
    #[cfg(not(feature = "cloud"))]
    {
        let _ = cache;
        Err(no_cloud(remote))
    }
}

/// Downloads what a run on the dataset at `remote` builds on into `mirror`:
/// the manifest and the files of its state and entity totals. Refuses, as a
/// local run does, objects laid out like a release without a manifest.
pub fn pull_release(remote: &Remote, mirror: &Path) -> Result<(), StorageError> {
    #[cfg(feature = "cloud")]
    return object::pull_release(remote, mirror);
    #[cfg(not(feature = "cloud"))]
    {
        let _ = mirror;
        Err(no_cloud(remote))
    }
}

/// Uploads the release committed in `mirror` to `remote`: the files its
/// manifest lists that `before` did not, then the manifest (the commit
/// point), then removes the objects `before` listed that it no longer does.
pub fn push_release(
    mirror: &Path,
    remote: &Remote,
    before: Option<&Manifest>,
) -> Result<(), StorageError> {
    #[cfg(feature = "cloud")]
    return object::push_release(mirror, remote, before);
    #[cfg(not(feature = "cloud"))]
    {
        let _ = (mirror, before);
        Err(no_cloud(remote))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_store_urls_are_told_from_paths() {
        assert_eq!(
            Remote::parse("s3://bucket/news/").map(|r| r.url),
            Some("s3://bucket/news".into())
        );
        assert!(Remote::parse("gs://b/p").is_some());
        assert!(Remote::parse("data/sample").is_none());
        assert!(Remote::parse("/abs/path").is_none());
        assert!(Remote::parse("http://example.com/x").is_none());
        assert!(Remote::parse("s3://").is_none());
    }
}
