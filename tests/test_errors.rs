//! Error paths: bad config, bad input files, --strict, and a failed run
//! leaving the previous output untouched.

mod common;

use std::io::Write;
use std::path::Path;

use common::*;

fn write_config(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("bad.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn check_config(config: &Path) -> std::process::Output {
    gleaner()
        .args(["check-config", "--config"])
        .arg(config)
        .output()
        .unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

#[test]
fn unknown_key_is_a_config_error_naming_key_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(
        dir.path(),
        "[dataset]\nname = \"x\"\n\n[dedup]\nthreshhold = 0.8\n",
    );
    for sub in ["check-config", "run"] {
        let out = gleaner()
            .arg(sub)
            .arg("--config")
            .arg(&config)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{sub}");
        let err = stderr(&out);
        assert!(
            err.contains("threshhold") && err.contains("line 5"),
            "{err}"
        );
    }
}

#[test]
fn wrong_type_and_bad_regex_name_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "[quality]\nmin_words = \"twenty\"\n");
    let out = check_config(&config);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("line 2"), "{}", stderr(&out));

    let config = write_config(
        dir.path(),
        "[clean]\n[[clean.rules]]\nname = \"x\"\npattern = \"([a-z\"\n",
    );
    let out = check_config(&config);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(":4:") && err.contains("clean.rules[0].pattern"),
        "{err}"
    );
}

#[test]
fn good_config_checks_ok() {
    let out = gleaner()
        .args(["check-config", "--config", "pipeline.toml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok"));
}

/// A directory with one good file of each format and several bad ones.
fn mixed_inputs(dir: &Path) {
    let article = "A headline\n\nThe council met on Tuesday to discuss the budget for the coming \
                   year, and members agreed on most of the proposals put before them.\n";
    std::fs::write(dir.join("good.txt"), article).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(article.replace("council", "committee").as_bytes())
        .unwrap();
    std::fs::write(dir.join("good.txt.gz"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        dir.join("records.jsonl"),
        "{\"text\":\"First record with enough words to be a document.\",\"id\":\"r1\"}\n{oops\n",
    )
    .unwrap();
    std::fs::write(dir.join("empty.txt"), "").unwrap();
    std::fs::write(
        dir.join("image.png"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    )
    .unwrap();
    std::fs::write(dir.join("broken.txt.gz"), b"\x1f\x8b\x08\x00garbage").unwrap();
    std::fs::write(dir.join("latin1.txt"), b"Caf\xe9 au lait, a short note.\n").unwrap();
}

#[test]
fn bad_inputs_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    mixed_inputs(&inputs);
    let out_dir = dir.path().join("out");
    let out = gleaner()
        .args(["run", "--config", "pipeline.toml", "--output"])
        .arg(&out_dir)
        .arg(&inputs)
        .arg(dir.path().join("missing.txt"))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for name in [
        "empty.txt",
        "image.png",
        "broken.txt.gz",
        "missing.txt",
        "records.jsonl: line 2",
    ] {
        assert!(err.contains(name), "no warning about {name}: {err}");
    }
    let docs = read_table(&out_dir, "documents");
    assert_eq!(
        docs.num_rows(),
        4,
        "good.txt, good.txt.gz, one JSONL record, latin1.txt"
    );
    assert!(strings(&docs, "id").contains(&Some("r1".to_string())));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_dir.join("manifest.json")).unwrap())
            .unwrap();
    let skipped = manifest["skipped"].as_array().unwrap();
    assert_eq!(skipped.len(), 4, "{skipped:?}");
    let reasons: Vec<String> = skipped
        .iter()
        .map(|s| s["reason"].as_str().unwrap().to_string())
        .collect();
    assert!(reasons.iter().any(|r| r.contains("empty")));
    assert!(reasons.iter().any(|r| r.contains("binary")));
    assert!(reasons.iter().any(|r| r.contains("gzip")));
    assert!(reasons.iter().any(|r| r.contains("no such file")));
    let latin = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"].as_str().unwrap().ends_with("latin1.txt"))
        .unwrap();
    // Latin-1 is now decoded as such (windows-1252), not repaired.
    assert_eq!(latin["repaired_utf8"], 0);
}

#[test]
fn strict_makes_bad_input_fatal_and_keeps_previous_output() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    assert!(run_sample(&out_dir, &[]).status.success());
    let before = std::fs::read(common::table_file(&out_dir, "documents")).unwrap();
    let manifest_before = std::fs::read(out_dir.join("manifest.json")).unwrap();

    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    mixed_inputs(&inputs);
    let out = gleaner()
        .args(["run", "--strict", "--config", "pipeline.toml", "--output"])
        .arg(&out_dir)
        .arg(&inputs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("empty.txt"));
    assert_eq!(
        std::fs::read(common::table_file(&out_dir, "documents")).unwrap(),
        before
    );
    assert_eq!(
        std::fs::read(out_dir.join("manifest.json")).unwrap(),
        manifest_before
    );
    let leftovers: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with('.') && n != ".gleaner.lock")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let lock = std::fs::read_to_string(out_dir.join(".gleaner.lock")).unwrap();
    assert!(lock.is_empty(), "lock released cleanly: {lock:?}");
}

#[test]
fn no_usable_input_is_an_input_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    let out = gleaner()
        .args(["run", "--config", "pipeline.toml", "--output"])
        .arg(dir.path().join("out"))
        .arg(dir.path().join("empty.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(!dir.path().join("out/manifest.json").exists());
    // The error says why each input was skipped: a failed run writes no
    // manifest to list them in.
    let err = stderr(&out);
    assert!(
        err.contains("1 skipped:") && err.contains("empty.txt: empty file"),
        "{err}"
    );

    // Past the 20 the error names, every reason is still said, a warning
    // line each: before, the rest were "and 5 more" and said nowhere.
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    for i in 0..25 {
        std::fs::write(inputs.join(format!("empty-{i:02}.txt")), "").unwrap();
    }
    let out = gleaner()
        .args(["run", "--config", "pipeline.toml", "--output"])
        .arg(dir.path().join("out"))
        .arg(&inputs)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(err.contains("and 5 more"), "{err}");
    for i in 0..25 {
        let said = format!(
            "warning: skipped {}: empty file",
            inputs.join(format!("empty-{i:02}.txt")).display()
        );
        assert!(err.contains(&said), "{said} in {err}");
    }
}

#[test]
fn help_documents_exit_codes() {
    let out = gleaner().args(["run", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("Exit codes"), "{help}");
    assert!(help.contains("--strict"));
}

#[test]
fn a_locked_dataset_exits_5_and_wait_waits() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("ds");
    // Another run holds the lock.
    let holder = gleaner::lock::DatasetLock::acquire(&out_dir, false).unwrap();
    let out = common::run_sample(&out_dir, &[]);
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("locked by another gleaner run"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains(&format!("pid {}", std::process::id())));
    assert!(!out_dir.join("manifest.json").exists());

    // With --wait it runs once the holder lets go.
    let mut waiting = std::process::Command::new(assert_cmd::cargo::cargo_bin("gleaner"))
        .current_dir(common::repo())
        .args(["run", "--config", "pipeline.toml", "--wait", "--output"])
        .arg(&out_dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(waiting.try_wait().unwrap().is_none(), "still waiting");
    drop(holder);
    assert!(waiting.wait().unwrap().success());
    assert!(out_dir.join("manifest.json").exists());
}

#[test]
fn a_lock_left_by_a_killed_run_is_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("ds");
    std::fs::create_dir_all(&out_dir).unwrap();
    std::fs::write(
        out_dir.join(".gleaner.lock"),
        "pid 999999 since 2026-01-01T00:00:00Z",
    )
    .unwrap();
    let out = common::run_sample(&out_dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("took over the lock of a run that did not finish (pid 999999"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn json_log_format_gives_one_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_sample(&dir.path().join("ds"), &["--log-format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let summary: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["counts"]["documents"], 9);
    for line in stderr(&out).lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("stderr is JSON lines");
        assert_eq!(v["level"], "warning");
    }

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[dedup]\nthreshhold = 0.5\n").unwrap();
    let out = gleaner()
        .args(["--log-format", "json", "run", "--config"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let error: serde_json::Value = serde_json::from_str(stderr(&out).trim()).unwrap();
    assert_eq!(error["exit_code"], 2);
    assert!(error["message"].as_str().unwrap().contains("threshhold"));
}
