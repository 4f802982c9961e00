//! Expands the inputs a user names (files, directories, globs) into a sorted
//! list of files.
//!
//! Sorting here is what makes the rest of the run independent of the order in
//! which inputs were given or the file system lists them.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// One input file, with the name used for it in the tables.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputFile {
    /// Path as shown in `documents.source` and the manifest.
    pub display: String,
    pub path: PathBuf,
}

/// An input that could not be used at all (missing path, bad glob).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    pub path: String,
    pub reason: String,
}

/// Expands `inputs` (each relative to `base` unless absolute) into files.
///
/// Directories are walked recursively; hidden files and directories (names
/// starting with `.`) are skipped. The result is sorted and free of repeats.
pub fn discover(inputs: &[String], base: &Path) -> (Vec<InputFile>, Vec<InputProblem>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for input in inputs {
        let joined = base.join(input);
        if is_glob(input) {
            expand_glob(&joined, input, base, &mut files, &mut problems);
        } else if joined.is_dir() {
            walk_dir(&joined, base, &mut files, &mut problems);
        } else if joined.is_file() {
            files.push(input_file(joined, base));
        } else {
            problems.push(InputProblem {
                path: joined.display().to_string(),
                reason: "no such file or directory".to_string(),
            });
        }
    }
    files.sort();
    files.dedup();
    (files, problems)
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
        .filter(|c| *c != std::path::Component::CurDir)
        .collect();
    InputFile {
        display: shown.display().to_string(),
        path: path.clone(),
    }
}

fn expand_glob(
    pattern: &Path,
    input: &str,
    base: &Path,
    files: &mut Vec<InputFile>,
    problems: &mut Vec<InputProblem>,
) {
    let entries = match glob::glob(&pattern.display().to_string()) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(InputProblem {
                path: input.to_string(),
                reason: format!("invalid glob: {e}"),
            });
            return;
        }
    };
    let before = files.len();
    for entry in entries {
        match entry {
            Ok(path) if path.is_dir() => walk_dir(&path, base, files, problems),
            Ok(path) => files.push(input_file(path, base)),
            Err(e) => problems.push(InputProblem {
                path: e.path().display().to_string(),
                reason: e.error().to_string(),
            }),
        }
    }
    if files.len() == before {
        problems.push(InputProblem {
            path: input.to_string(),
            reason: "glob matched no files".to_string(),
        });
    }
}

fn walk_dir(dir: &Path, base: &Path, files: &mut Vec<InputFile>, problems: &mut Vec<InputProblem>) {
    // Symlinks are followed (a corpus is often a directory of links into
    // dumps elsewhere); walkdir reports a link loop as an error, not a hang.
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => files.push(input_file(e.into_path(), base)),
            Ok(_) => {}
            Err(e) => problems.push(InputProblem {
                path: e
                    .path()
                    .map_or_else(|| dir.display().to_string(), |p| p.display().to_string()),
                reason: e.to_string(),
            }),
        }
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
        let (files, problems) = discover(&inputs, dir.path());
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
        let (files, problems) = discover(&["links".to_string()], dir.path());
        assert_eq!(files.len(), 1, "{files:?}");
        assert_eq!(problems.len(), 1, "the loop is reported: {problems:?}");
    }

    #[test]
    fn globs_expand_and_empty_glob_is_a_problem() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.jsonl"), "{}").unwrap();
        std::fs::write(dir.path().join("y.txt"), "y").unwrap();
        let (files, problems) = discover(&["*.jsonl".to_string()], dir.path());
        assert_eq!(files.len(), 1);
        assert!(problems.is_empty());
        let (files, problems) = discover(&["*.warc".to_string()], dir.path());
        assert!(files.is_empty());
        assert_eq!(problems.len(), 1);
    }
}
