//! The dataset directory: lost manifests, files gleaner did not write,
//! changed configs and versions, vanished inputs, runs with nothing new,
//! interrupted runs and unusable options.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::*;

fn doc_ids(w: &Workspace) -> Vec<String> {
    let mut ids = texts(&read_table(&w.ds(), "documents"), "doc_id");
    ids.sort();
    ids
}

fn assert_verifies(w: &Workspace) {
    gleaner().arg("verify").arg(w.ds()).assert().success();
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// Every file under `dir`, relative, with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if !path.ends_with(gleaner::lock::LOCK_FILE) {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// A new version's tables may differ (0.8.0 keeps typographic quotes and
/// more of an article): a release made by another gleaner version is not
/// added to, and no byte of it changes, until `--full` rebuilds it.
#[test]
fn a_release_made_by_another_version_stops_the_run_and_stays_whole() {
    let w = Workspace::with_articles(1);
    w.run(&[]);
    w.edit_manifest(|m| m["gleaner_version"] = "0.7.0".into());
    let before = snapshot(&w.ds());
    w.add("b.txt", &articles()[1]);
    let out = w.try_run(&[]);
    assert_eq!(out.status.code(), Some(6));
    assert!(
        stderr(&out).contains("made by gleaner 0.7.0") && stderr(&out).contains("--full"),
        "names the version and the way out: {}",
        stderr(&out)
    );
    assert_eq!(snapshot(&w.ds()), before, "every file, byte for byte");
    w.run(&["--full"]);
    assert_eq!(w.manifest()["gleaner_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc_ids(&w).len(), 2);
    assert_verifies(&w);
}

#[test]
fn a_lost_manifest_stops_the_run_and_repair_brings_the_release_back() {
    let w = Workspace::with_articles(3);
    w.run(&[]);
    let released = doc_ids(&w);
    std::fs::remove_file(w.ds().join("manifest.json")).unwrap();
    let before = snapshot(&w.ds());
    for extra in [&[][..], &["--full"][..]] {
        let out = w.try_run(extra);
        assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
        let message = stderr(&out);
        assert!(message.contains("no manifest.json"), "{message}");
        assert!(
            message.contains("gleaner repair"),
            "names the recovery: {message}"
        );
        assert_eq!(snapshot(&w.ds()), before, "not a file touched");
    }
    let out = gleaner().arg("verify").arg(w.ds()).output().unwrap();
    assert_eq!(out.status.code(), Some(4), "verify without a manifest");
    w.repair();
    assert_verifies(&w);
    assert_eq!(doc_ids(&w), released);
    // The next run reads the inputs again and adds nothing twice.
    std::fs::copy(&articles()[5], w.input("new.txt")).unwrap();
    w.run(&[]);
    assert_verifies(&w);
    let ids = doc_ids(&w);
    assert_eq!(ids.len(), released.len() + 1, "{ids:?}");
}

#[test]
fn a_second_repair_keeps_the_damaged_manifest_the_first_kept() {
    let w = Workspace::with_articles(2);
    w.run(&[]);
    let names = [
        "manifest.json.damaged",
        "manifest.json.damaged.1",
        "manifest.json.damaged.2",
    ];
    for (n, name) in names.iter().enumerate() {
        std::fs::write(w.ds().join("manifest.json"), format!("{{ damaged {n}")).unwrap();
        let out = gleaner()
            .args(["repair", "--config"])
            .arg(w.config())
            .arg(w.ds())
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let kept = format!("kept as {}", w.ds().join(name).display());
        assert!(stderr(&out).contains(&kept), "{}", stderr(&out));
        assert_verifies(&w);
    }
    // Before, the second repair renamed over the first one's copy.
    for (n, name) in names.iter().enumerate() {
        let text = std::fs::read_to_string(w.ds().join(name)).unwrap();
        assert_eq!(text, format!("{{ damaged {n}"));
    }
}

#[test]
fn files_gleaner_did_not_write_are_never_deleted() {
    let w = Workspace::with_articles(2);
    for own in [
        "ds/documents.parquet",
        "ds/documents/run=2024/part-0.parquet",
    ] {
        let path = w.path(own);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, b"the user's own file").unwrap();
    }
    let before = snapshot(&w.ds());
    let out = w.try_run(&[]);
    assert_eq!(out.status.code(), Some(6));
    assert!(
        stderr(&out).contains("documents.parquet"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&w.ds()), before);
}

#[test]
fn an_untracked_partition_is_left_alone_and_an_interrupted_commit_is_undone() {
    let w = Workspace::with_articles(2);
    w.run(&[]);
    // A commit that renamed one partition in and was killed before its
    // manifest: the journal proves the file is gleaner's.
    let interrupted = "documents/run=7/part-0.parquet";
    let file = w.ds().join(interrupted);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, b"half a commit").unwrap();
    gleaner::release::CommitJournal {
        moved: vec![interrupted.into()],
        superseded: vec![],
    }
    .write(&w.ds())
    .unwrap();
    // A partition no journal names: not provably gleaner's.
    let stray = w.ds().join("mentions/run=9/part-0.parquet");
    std::fs::create_dir_all(stray.parent().unwrap()).unwrap();
    std::fs::write(&stray, b"someone's").unwrap();
    std::fs::copy(&articles()[4], w.input("b.txt")).unwrap();
    let out = w.try_run(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("removed 1 file(s) of a commit that was interrupted"),
        "{message}"
    );
    assert!(message.contains("left alone"), "{message}");
    assert!(!file.exists());
    assert!(stray.exists());
    assert_verifies(&w);
}

#[test]
fn a_changed_config_or_version_stops_the_run_and_changes_nothing() {
    let w = Workspace::with_articles(2);
    w.run(&[]);
    let before = snapshot(&w.ds());
    let mut text = std::fs::read_to_string(w.config()).unwrap();
    text.push_str("[quality]\nmin_words = 5\n");
    std::fs::write(w.config(), &text).unwrap();
    let out = w.try_run(&[]);
    assert_eq!(out.status.code(), Some(6));
    assert!(
        stderr(&out).contains("quality.min_words"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&w.ds()), before);

    // Another gleaner version made the release.
    let text = text.replace("[quality]\nmin_words = 5\n", "");
    std::fs::write(w.config(), &text).unwrap();
    let manifest = w.ds().join("manifest.json");
    let json = std::fs::read_to_string(&manifest).unwrap();
    let version = format!("\"gleaner_version\": \"{}\"", env!("CARGO_PKG_VERSION"));
    std::fs::write(
        &manifest,
        json.replace(&version, "\"gleaner_version\": \"0.0.1\""),
    )
    .unwrap();
    let out = w.try_run(&[]);
    assert_eq!(out.status.code(), Some(6));
    assert!(
        stderr(&out).contains("made by gleaner 0.0.1"),
        "{}",
        stderr(&out)
    );
    assert_verifies(&w);
    w.run(&["--full"]);
    assert_verifies(&w);
}

/// A workspace config reading `inputs`, with `extra` TOML after it.
fn config_with_inputs(w: &Workspace, inputs: &[&str], extra: &str) {
    let list: Vec<String> = inputs.iter().map(|i| format!("{i:?}")).collect();
    let text = format!(
        "[dataset]\nname = \"news\"\ninputs = [{}]\noutput = \"ds\"\n{extra}",
        list.join(", ")
    );
    std::fs::write(w.config(), text).unwrap();
}

#[test]
fn an_input_added_to_the_config_is_read_incrementally_and_one_removed_is_kept() {
    let w = Workspace::with_articles(2);
    w.run(&[]);
    let first_hash = w.manifest()["config_hash"].clone();
    // A feed directory added to dataset.inputs: before, the whole config's
    // hash changed and the nightly stopped with exit 6 until --full.
    std::fs::create_dir(w.path("feed")).unwrap();
    std::fs::copy(&articles()[2], w.path("feed/f0.txt")).unwrap();
    config_with_inputs(&w, &["in", "feed"], "");
    let out = w.try_run(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 file(s) read (2 unchanged"), "{stdout}");
    let m = w.manifest();
    assert_eq!(m["runs"].as_array().unwrap().len(), 2);
    assert_eq!(m["runs"][1]["full"], false, "added to, not rebuilt");
    assert_ne!(
        m["config_hash"], first_hash,
        "the manifest has the new config"
    );
    assert!(m["processing_hash"].is_string());
    assert_eq!(doc_ids(&w).len(), 3);
    assert_verifies(&w);

    // The feed leaves the inputs: its documents stay, as a vanished file's do.
    config_with_inputs(&w, &["in"], "");
    std::fs::copy(&articles()[3], w.input("a2.txt")).unwrap();
    w.run(&[]);
    assert_eq!(doc_ids(&w).len(), 4);
    // … and --full will not drop them without --drop-vanished.
    let before = snapshot(&w.ds());
    let out = w.try_run(&["--full"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("would drop 1 released document(s)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(&w.ds()), before);

    // Another setting still stops the run, named without the inputs.
    config_with_inputs(&w, &["in", "feed"], "[quality]\nmin_words = 5\n");
    let out = w.try_run(&[]);
    assert_eq!(out.status.code(), Some(6));
    let message = stderr(&out);
    assert!(message.contains("(quality.min_words)"), "{message}");
    assert_eq!(snapshot(&w.ds()), before);

    // Its partitions carry two full config hashes but one processing hash:
    // repair takes them as one release.
    config_with_inputs(&w, &["in", "feed"], "");
    std::fs::remove_file(w.ds().join("manifest.json")).unwrap();
    w.repair();
    assert_verifies(&w);
    assert_eq!(doc_ids(&w).len(), 4);
}

#[test]
fn a_release_without_the_processing_hash_needs_its_inputs_until_a_run_records_it() {
    let w = Workspace::with_articles(2);
    w.run(&[]);
    // A manifest written before the processing hash was recorded.
    w.edit_manifest(|m| {
        m.as_object_mut()
            .unwrap()
            .remove("processing_hash")
            .unwrap();
    });
    std::fs::create_dir(w.path("feed")).unwrap();
    std::fs::copy(&articles()[2], w.path("feed/f0.txt")).unwrap();
    config_with_inputs(&w, &["in", "feed"], "");
    let before = snapshot(&w.ds());
    let out = w.try_run(&[]);
    assert_eq!(out.status.code(), Some(6));
    let message = stderr(&out);
    assert!(message.contains("dataset.inputs differs"), "{message}");
    assert!(
        message.contains("Restore the release's inputs"),
        "{message}"
    );
    assert_eq!(snapshot(&w.ds()), before);
    // With the release's inputs, a run that writes the manifest records it.
    config_with_inputs(&w, &["in"], "");
    std::fs::copy(&articles()[3], w.input("a2.txt")).unwrap();
    w.run(&[]);
    assert!(w.manifest()["processing_hash"].is_string());
    config_with_inputs(&w, &["in", "feed"], "");
    w.run(&[]);
    assert_eq!(doc_ids(&w).len(), 4);
    assert_verifies(&w);
}

#[test]
fn without_a_config_file_the_shipped_config_is_used_and_named() {
    let w = Workspace::with_articles(2);
    let ds = w.ds();
    gleaner()
        .args(["run", "--config", "pipeline.toml", "--output"])
        .arg(&ds)
        .arg(w.path("in"))
        .assert()
        .success();
    // From a directory with no pipeline.toml: the same config, built in,
    // so the release is simply up to date.
    let out = gleaner()
        .current_dir(w.path("in"))
        .args(["run", "--output"])
        .arg(&ds)
        .arg(w.path("in"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("nothing new"), "{stdout}");
    assert!(stdout.contains("config: built-in"), "{stdout}");
}

#[test]
fn a_full_rebuild_that_would_drop_vanished_inputs_needs_a_flag() {
    let w = Workspace::with_articles(3);
    w.run(&[]);
    std::fs::remove_file(w.input("a0.txt")).unwrap();
    let out = w.try_run(&["--full"]);
    assert_eq!(out.status.code(), Some(6));
    let message = stderr(&out);
    assert!(
        message.contains("would drop 1 released document(s)"),
        "{message}"
    );
    assert!(message.contains("--drop-vanished"), "{message}");
    assert_eq!(doc_ids(&w).len(), 3);
    w.run(&["--full", "--drop-vanished"]);
    assert_eq!(doc_ids(&w).len(), 2);
    // Without --full, a vanished input stays in the release.
    std::fs::remove_file(w.input("a1.txt")).unwrap();
    w.run(&[]);
    assert_eq!(doc_ids(&w).len(), 2);
}

#[test]
fn a_full_rebuild_that_cannot_read_a_released_input_needs_the_flag_too() {
    let w = Workspace::with_articles(3);
    w.run(&[]);
    // Still there, but unreadable now: damaged since its release (or a
    // permission lost, an I/O error, a new config's cap).
    std::fs::write(w.input("a0.txt"), [0u8, 1, 2, 0, 255]).unwrap();
    let before = snapshot(&w.ds());
    let out = w.try_run(&["--full"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let message = stderr(&out);
    assert!(
        message.contains("would drop 1 released document(s) of 1 input(s) that could not be read now (in/a0.txt: binary file"),
        "{message}"
    );
    assert!(message.contains("--drop-vanished"), "{message}");
    assert_eq!(snapshot(&w.ds()), before, "not a file touched");
    let staging = std::fs::read_dir(w.ds())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|name| name.starts_with(".staging"))
        .count();
    assert_eq!(staging, 0, "no staging left");
    // Adding to the release keeps what it has.
    w.run(&[]);
    assert_eq!(doc_ids(&w).len(), 3);
    let out = w.try_run(&["--full", "--drop-vanished"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("could not be read now are not in the new release"));
    assert_eq!(doc_ids(&w).len(), 2);
    assert_verifies(&w);
}

#[test]
fn a_file_rewritten_in_the_second_it_was_read_is_read_again() {
    let w = Workspace::new();
    let path = w.input("latest.jsonl");
    let line = |n: u32| {
        format!("{{\"id\":\"x\",\"text\":\"Story number {n} from Almaty, of some length.\"}}\n")
    };
    // The writer's second: that of the run's read (a future mtime makes it
    // so whenever the test runs; a clock skewed by an NFS server does too).
    let second = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    let write = |n: u32| {
        std::fs::write(&path, line(n)).unwrap();
        let f = std::fs::File::options().write(true).open(&path).unwrap();
        f.set_modified(second).unwrap();
    };
    write(1);
    w.run(&[]);
    assert_eq!(w.manifest()["inputs"][0]["recheck"], true);
    // Nothing changed: still nothing new, and the release is not rewritten.
    let before = snapshot(&w.ds());
    assert!(w.run(&[]).contains("nothing new (1 file(s) unchanged"));
    assert_eq!(snapshot(&w.ds()), before);
    // The same size, the same mtime, another text: before, taken as
    // unchanged and never read.
    write(2);
    w.run(&[]);
    let texts = texts(&read_table(&w.ds(), "documents"), "text");
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(
        texts.iter().any(|t| t.contains("Story number 2")),
        "{texts:?}"
    );
    assert_verifies(&w);
}

#[test]
fn new_files_with_no_new_document_do_not_stop_the_nightly() {
    let w = Workspace::with_articles(2);
    std::fs::write(
        w.input("feed.jsonl"),
        "{\"text\": \"The first record of a feed, long enough to be a document of its own.\"}\n",
    )
    .unwrap();
    w.run(&[]);
    let released = doc_ids(&w);
    std::fs::write(w.input("empty.txt"), "").unwrap();
    std::fs::write(w.input("binary.txt"), [0u8, 1, 2, 0, 255]).unwrap();
    // The same lines written again (new mtime): nothing new in it.
    let feed = std::fs::read(w.input("feed.jsonl")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(w.input("feed.jsonl"), feed).unwrap();
    for night in 0..2 {
        let out = w.try_run(&[]);
        assert!(out.status.success(), "night {night}: {}", stderr(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("nothing new"), "{stdout}");
        let message = stderr(&out);
        assert!(message.contains("empty.txt: empty file"), "{message}");
        assert!(message.contains("binary.txt"), "{message}");
    }
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.ds().join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        manifest["skipped"].as_array().unwrap().len(),
        2,
        "reasons kept"
    );
    assert_eq!(doc_ids(&w), released);
    assert_verifies(&w);
    // --strict makes the bad inputs fatal.
    let out = w.try_run(&["--strict"]);
    assert_eq!(out.status.code(), Some(3));
}

#[test]
fn unusable_options_are_refused_before_any_work() {
    let w = Workspace::with_articles(1);
    let out = w.try_run(&["--threads", "100000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("at most 1024"), "{}", stderr(&out));

    std::fs::write(w.path("file"), "x").unwrap();
    let out = w.try_run(&["--output", w.path("file").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is a file, not a directory"),
        "{}",
        stderr(&out)
    );

    let out = w.try_run(&["--output", "/"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("root directory"), "{}", stderr(&out));

    let out = w.try_run(&["--output", w.input("ds").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("inside the input directory"),
        "{}",
        stderr(&out)
    );

    for (toml, key) in [
        ("[dataset]\nname = \"../../x\"\n", "dataset.name"),
        ("[dedup]\nnum_perm = 1000000000\n", "dedup.num_perm"),
        ("[dedup]\nshingle_size = 0\n", "dedup.shingle_size"),
    ] {
        std::fs::write(w.path("bad.toml"), toml).unwrap();
        for command in ["check-config", "run"] {
            let out = gleaner()
                .args([command, "--config"])
                .arg(w.path("bad.toml"))
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{command} {toml}");
            let message = stderr(&out);
            assert!(
                message.contains(&format!("bad.toml:2: `{key}`")),
                "{message}"
            );
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(w.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(!w.ds().exists(), "nothing written: {leftovers:?}");
}

#[test]
fn sigterm_removes_the_staging_directory_and_keeps_the_release() {
    let w = Workspace::with_articles(2);
    w.run(&[]);
    let before = snapshot(&w.ds());
    // Enough new input that the run is still working when the signal comes.
    let mut lines = String::new();
    for i in 0..20_000 {
        lines.push_str(&format!(
            "{{\"text\": \"Record {i} of a long feed. It says something about the weather in town {i} and the markets, in a few sentences.\"}}\n"
        ));
    }
    std::fs::write(w.input("big.jsonl"), lines).unwrap();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("gleaner"))
        .current_dir(repo())
        .arg("run")
        .arg("--config")
        .arg(w.config())
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the run has staged something, then stop it.
    let started = std::time::Instant::now();
    let staging = || {
        std::fs::read_dir(w.ds())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".staging-"))
    };
    while !staging() && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let pid = child.id().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        eprintln!("the run finished before the signal; nothing to check");
        return;
    }
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert!(!staging(), "staging removed");
    assert_eq!(snapshot(&w.ds()), before, "release unchanged");
    assert_verifies(&w);
}
