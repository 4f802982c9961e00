//! Expands the inputs a user names (files, directories, globs) into a sorted
//! list of files.
//!
//! Sorting here is what makes the rest of the run independent of the order in
//! which inputs were given or the file system lists them. Only regular files
//! are inputs: a FIFO, socket or device (named, matched by a glob or found in
//! a directory) is a problem with its true reason, decided from metadata
//! without opening it, since opening a FIFO blocks and `/dev/zero` never
//! ends. A symlink inside an input directory (or matched by a glob) that
//! leads out of that directory is not followed unless asked: a link to
//! `/etc` must not put `/etc/shadow` into the tables. A path named directly
//! is used whatever it links to.

use std::borrow::Cow;
use std::fs::FileType;
use std::path::{Component, Path, PathBuf};

use walkdir::WalkDir;

/// One input file, with the name used for it in the tables.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    /// Path as shown in `documents.source` and the manifest; bytes of a
    /// name that are not UTF-8 are written `\xNN`, so two such names stay
    /// two names.
    pub display: String,
    pub path: PathBuf,
}

impl InputFile {
    /// The bytes document ids are derived from: the display name for a
    /// UTF-8 path (ids as they always were), else the raw bytes of the same
    /// path components, so names differing only in invalid bytes never share
    /// ids (the escaped display name could, with a name that spells `\xNN`).
    pub fn id_key(&self) -> Cow<'_, [u8]> {
        #[cfg(unix)]
        if self.path.to_str().is_none() {
            use std::os::unix::ffi::OsStrExt;
            // The display name is the path's last components, `.` dropped.
            let n = Path::new(&self.display).components().count();
            let parts: Vec<Component> = self
                .path
                .components()
                .filter(|c| *c != Component::CurDir)
                .collect();
            let tail: PathBuf = parts[parts.len().saturating_sub(n)..].iter().collect();
            return Cow::Owned(tail.as_os_str().as_bytes().to_vec());
        }
        Cow::Borrowed(self.display.as_bytes())
    }
}

/// An input that could not be used at all (missing path, bad glob, not a
/// regular file, a symlink out of its directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    pub path: String,
    pub reason: String,
}

/// How inputs are expanded.
#[derive(Debug, Clone, Copy, Default)]
pub struct DiscoverOptions {
    /// Follow symlinks that lead out of the directory being walked (or
    /// out of a glob's directory).
    pub follow_symlinks: bool,
}

/// Why a symlink was not followed.
pub const OUTSIDE: &str = "symlink outside the input directory";

/// Expands `inputs` (each relative to `base` unless absolute) into files.
///
/// Directories are walked recursively; hidden files and directories (names
/// starting with `.`) are skipped. The result is sorted and free of repeats.
pub fn discover(
    inputs: &[String],
    base: &Path,
    options: &DiscoverOptions,
) -> (Vec<InputFile>, Vec<InputProblem>) {
    let mut found = Found::default();
    for input in inputs {
        let joined = base.join(input);
        if is_glob(input) {
            expand_glob(&joined, input, base, options, &mut found);
            continue;
        }
        // Named directly: a symlink is followed wherever it leads.
        match std::fs::metadata(&joined) {
            Ok(meta) if meta.is_dir() => walk_dir(&joined, base, options, &mut found),
            Ok(meta) if meta.is_file() => found.files.push(input_file(joined, base)),
            Ok(meta) => found.problem(&joined, not_regular(meta.file_type())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                found.problem(&joined, "no such file or directory".into())
            }
            Err(e) => found.problem(&joined, e.to_string()),
        }
    }
    let Found {
        mut files,
        problems,
    } = found;
    files.sort();
    files.dedup();
    (files, problems)
}

/// Files and problems gathered so far.
#[derive(Default)]
struct Found {
    files: Vec<InputFile>,
    problems: Vec<InputProblem>,
}

impl Found {
    fn problem(&mut self, path: &Path, reason: String) {
        self.problems.push(InputProblem {
            path: display_name(path),
            reason,
        });
    }
}

/// What kind of file system object a file type is, for messages.
pub fn kind_name(t: FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "FIFO";
        }
        if t.is_socket() {
            return "socket";
        }
        if t.is_char_device() {
            return "character device";
        }
        if t.is_block_device() {
            return "block device";
        }
    }
    if t.is_dir() {
        "directory"
    } else if t.is_symlink() {
        "symlink"
    } else if t.is_file() {
        "regular file"
    } else {
        "unknown file type"
    }
}

fn not_regular(t: FileType) -> String {
    format!("not a regular file ({})", kind_name(t))
}

/// Modification time in seconds since the Unix epoch (0 when unknown), as
/// the manifest records it and incremental runs compare it.
pub fn mtime(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64)
}

fn is_glob(input: &str) -> bool {
    input.contains(['*', '?', '['])
}

/// The display name is relative to `base`, so a config run from any working
/// directory names (and ids) its documents the same way; `.` components are
/// dropped, so `./a.txt`, `a.txt` and a walk of `.` name one file alike.
fn input_file(path: PathBuf, base: &Path) -> InputFile {
    let shown: PathBuf = path
        .strip_prefix(base)
        .unwrap_or(&path)
        .components()
        .filter(|c| *c != Component::CurDir)
        .collect();
    InputFile {
        display: display_name(&shown),
        path,
    }
}

/// A path as text: exact when it is UTF-8, else with each invalid byte
/// written `\xNN` (not U+FFFD, which would make different names one).
fn display_name(path: &Path) -> String {
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        let mut out = String::with_capacity(bytes.len());
        for chunk in bytes.utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                let _ = write!(out, "\\x{b:02x}");
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
}

/// Whether `link` (a symlink) resolves to a place inside `root` (itself
/// resolved). A broken link counts as inside: the walk reports it.
fn leads_inside(link: &Path, root: Option<&Path>) -> bool {
    match (root, std::fs::canonicalize(link)) {
        (Some(root), Ok(target)) => target.starts_with(root),
        _ => true,
    }
}

/// The directory a glob searches: its components before the first one with
/// a wildcard.
fn glob_root(pattern: &Path) -> PathBuf {
    let root: PathBuf = pattern
        .components()
        .take_while(|c| !is_glob(&c.as_os_str().to_string_lossy()))
        .collect();
    if root.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        root
    }
}

fn expand_glob(
    pattern: &Path,
    input: &str,
    base: &Path,
    options: &DiscoverOptions,
    found: &mut Found,
) {
    let entries = match glob::glob(&pattern.display().to_string()) {
        Ok(entries) => entries,
        Err(e) => {
            found.problems.push(InputProblem {
                path: input.to_string(),
                reason: format!("invalid glob: {e}"),
            });
            return;
        }
    };
    let root = std::fs::canonicalize(glob_root(pattern)).ok();
    let before = (found.files.len(), found.problems.len());
    for entry in entries {
        let path = match entry {
            Ok(path) => path,
            Err(e) => {
                found.problem(e.path(), e.error().to_string());
                continue;
            }
        };
        let is_link = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link && !options.follow_symlinks && !leads_inside(&path, root.as_deref()) {
            found.problem(&path, OUTSIDE.into());
            continue;
        }
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk_dir(&path, base, options, found),
            Ok(meta) if meta.is_file() => found.files.push(input_file(path, base)),
            Ok(meta) => found.problem(&path, not_regular(meta.file_type())),
            Err(e) => found.problem(&path, e.to_string()),
        }
    }
    if (found.files.len(), found.problems.len()) == before {
        found.problems.push(InputProblem {
            path: input.to_string(),
            reason: "glob matched no files".to_string(),
        });
    }
}

fn walk_dir(dir: &Path, base: &Path, options: &DiscoverOptions, found: &mut Found) {
    // Symlinks inside the directory are followed (walkdir reports a link
    // loop as an error, not a hang); those leading out of it only when asked.
    let root = std::fs::canonicalize(dir).ok();
    let mut outside = Vec::new();
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            let out = e.path_is_symlink()
                && !options.follow_symlinks
                && !leads_inside(e.path(), root.as_deref());
            if out {
                outside.push(e.path().to_path_buf());
            }
            !out
        });
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => found.files.push(input_file(e.into_path(), base)),
            Ok(e) if e.file_type().is_dir() => {}
            Ok(e) => found.problem(e.path(), not_regular(e.file_type())),
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                found.problem(&path, e.to_string());
            }
        }
    }
    for path in outside {
        found.problem(&path, OUTSIDE.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_dirs_sorted_and_reports_missing() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("b.txt"), "b").unwrap();
        std::fs::write(dir.path().join("sub/a.txt"), "a").unwrap();
        std::fs::write(dir.path().join(".hidden"), "h").unwrap();
        let inputs = vec![".".to_string(), "missing.txt".to_string()];
        let (files, problems) = discover(&inputs, dir.path(), &DiscoverOptions::default());
        let names: Vec<_> = files
            .iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        assert_eq!(names, ["b.txt", "a.txt"]);
        let shown: Vec<&str> = files.iter().map(|f| f.display.as_str()).collect();
        assert_eq!(shown, ["b.txt", "sub/a.txt"], "relative to the base");
        assert_eq!(problems.len(), 1);
        assert!(problems[0].path.ends_with("missing.txt"));
    }

    #[cfg(unix)]
    #[test]
    fn symlinked_files_are_inputs_and_loops_are_problems() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        std::fs::create_dir(dir.path().join("links")).unwrap();
        std::fs::write(dir.path().join("real/a.jsonl"), "{}").unwrap();
        std::os::unix::fs::symlink(
            dir.path().join("real/a.jsonl"),
            dir.path().join("links/a.jsonl"),
        )
        .unwrap();
        std::os::unix::fs::symlink(dir.path().join("links"), dir.path().join("links/loop"))
            .unwrap();
        let follow = DiscoverOptions {
            follow_symlinks: true,
        };
        let (files, problems) = discover(&["links".to_string()], dir.path(), &follow);
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(problems.len(), 1, "the loop is reported: {problems:?}");
        // By default the link out of `links/` is not followed; the loop
        // (inside it) still is, and reported.
        let (files, problems) = discover(
            &["links".to_string()],
            dir.path(),
            &DiscoverOptions::default(),
        );
        assert!(files.is_empty(), "{files:?}");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems
            .iter()
            .any(|p| p.path.ends_with("links/a.jsonl") && p.reason == OUTSIDE));
        // Named directly, a link is used wherever it leads.
        let (files, _) = discover(
            &["links/a.jsonl".to_string()],
            dir.path(),
            &DiscoverOptions::default(),
        );
        assert_eq!(files.len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn links_inside_the_directory_are_followed_and_globs_stay_in_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("in/sub")).unwrap();
        std::fs::write(d.join("in/sub/a.txt"), "a").unwrap();
        std::fs::write(d.join("secret.txt"), "s").unwrap();
        std::os::unix::fs::symlink(d.join("in/sub/a.txt"), d.join("in/b.txt")).unwrap();
        std::os::unix::fs::symlink(d.join("secret.txt"), d.join("in/c.txt")).unwrap();
        let options = DiscoverOptions::default();
        let (files, problems) = discover(&["in".to_string()], d, &options);
        let shown: Vec<&str> = files.iter().map(|f| f.display.as_str()).collect();
        assert_eq!(shown, ["in/b.txt", "in/sub/a.txt"]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let (files, problems) = discover(&["in/*.txt".to_string()], d, &options);
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(problems[0].reason, OUTSIDE);
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_problems_from_every_route() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("in")).unwrap();
        std::fs::write(d.join("in/a.txt"), "a").unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(d.join("in/pipe.txt"))
            .status()
            .unwrap();
        assert!(status.success());
        let options = DiscoverOptions::default();
        for input in ["in", "in/*.txt", "in/pipe.txt"] {
            let (files, problems) = discover(&[input.to_string()], d, &options);
            let want = if input == "in/pipe.txt" { 0 } else { 1 };
            assert_eq!(files.len(), want, "{input}");
            assert_eq!(problems.len(), 1, "{input}: {problems:?}");
            assert_eq!(problems[0].reason, "not a regular file (FIFO)", "{input}");
            assert!(problems[0].path.ends_with("pipe.txt"));
        }
        let (files, problems) = discover(&["/dev/zero".to_string()], d, &options);
        assert!(files.is_empty());
        assert_eq!(problems[0].reason, "not a regular file (character device)");
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_stay_distinct() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        for name in [&b"a\xff.txt"[..], b"a\xfe.txt", b"plain.txt"] {
            let path = dir.path().join(std::ffi::OsStr::from_bytes(name));
            std::fs::write(path, "x").unwrap();
        }
        let (files, _) = discover(&[".".to_string()], dir.path(), &DiscoverOptions::default());
        let shown: Vec<&str> = files.iter().map(|f| f.display.as_str()).collect();
        assert_eq!(shown, ["a\\xfe.txt", "a\\xff.txt", "plain.txt"]);
        let keys: Vec<Vec<u8>> = files.iter().map(|f| f.id_key().into_owned()).collect();
        assert_eq!(keys[0], b"a\xfe.txt");
        assert_eq!(keys[1], b"a\xff.txt");
        assert_eq!(keys[2], b"plain.txt", "UTF-8 names keep their ids");
        // Through a base directory too: the key is the shown part only.
        let sub = InputFile {
            display: "d/a\\xff.txt".into(),
            path: dir
                .path()
                .join("./d")
                .join(std::ffi::OsStr::from_bytes(b"a\xff.txt")),
        };
        assert_eq!(sub.id_key().as_ref(), b"d/a\xff.txt");
    }

    #[test]
    fn globs_expand_and_empty_glob_is_a_problem() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.jsonl"), "{}").unwrap();
        std::fs::write(dir.path().join("y.txt"), "y").unwrap();
        let (files, problems) = discover(
            &["*.jsonl".to_string()],
            dir.path(),
            &DiscoverOptions::default(),
        );
        assert_eq!(files.len(), 1);
        assert!(problems.is_empty());
        let (files, problems) = discover(
            &["*.warc".to_string()],
            dir.path(),
            &DiscoverOptions::default(),
        );
        assert!(files.is_empty());
        assert_eq!(problems.len(), 1);
    }
}
