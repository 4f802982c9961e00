//! The sharded executor (`gleaner plan` + `gleaner stage`) writes the
//! tables `gleaner run` writes, whatever the number of shards, adds to a
//! release the same way, survives a task run twice or killed half way,
//! and refuses to commit over a release that moved since the plan.

use std::path::Path;

mod common;
use common::Workspace;

/// Every table's rows in the manifest's part order, and the hash of each
/// single-file table: what "the same tables" means across shard counts
/// (per-document tables are split into one part per shard).
fn tables(ds: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for table in common::TABLES {
        let batch = common::read_table(ds, table);
        out.push((table.to_string(), format!("{batch:?}")));
    }
    let manifest = gleaner::write::manifest::Manifest::load(ds).unwrap();
    // The dedup index, row by row (a part per shard).
    let mut index = gleaner::state::Released::default();
    for path in gleaner::release::state_files(ds, &manifest, "index") {
        gleaner::state::read_index(&path, &mut index).unwrap();
    }
    let rows: Vec<_> = index.keys.iter().zip(&index.cluster_id).collect();
    out.push(("index".to_string(), format!("{rows:?}")));
    // Every document's entity keys, row by row (a part per shard).
    let mut docs = Vec::new();
    for path in gleaner::release::state_files(ds, &manifest, "entity_docs") {
        gleaner::state::each_entity_doc(&path, |keys| docs.push(keys.join(" "))).unwrap();
    }
    out.push(("entity_docs".to_string(), format!("{docs:?}")));
    // The short-line counts, as a set (a part per `lines` task, each a
    // range of line hashes).
    let mut lines = Vec::new();
    for path in gleaner::release::state_files(ds, &manifest, "lines") {
        gleaner::state::read_lines(&path, |g, h, d| lines.push((g.to_string(), h, d))).unwrap();
    }
    lines.sort();
    out.push(("lines".to_string(), format!("{lines:?}")));
    for (name, record) in manifest.state.iter().chain(&manifest.tables) {
        if [
            "documents",
            "mentions",
            "boilerplate",
            "duplicates",
            "index",
            "entity_docs",
            "lines",
        ]
        .contains(&name.as_str())
        {
            continue;
        }
        for part in &record.parts {
            out.push((part.file.clone(), part.hash.clone()));
        }
    }
    out
}

/// `gleaner plan` for the workspace with `tasks` shards into `plan`.
/// Asserts two `tables` results are equal, naming the first table that is not.
fn assert_same(got: &[(String, String)], expected: &[(String, String)], what: &str) {
    let names = |t: &[(String, String)]| t.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(names(got), names(expected), "{what}");
    for (g, e) in got.iter().zip(expected) {
        assert!(
            g.1 == e.1,
            "{what}: table {} differs:\n{}\nexpected:\n{}",
            g.0,
            g.1,
            e.1
        );
    }
}

/// A committed dataset: no staging area left (a run's or the shards'),
/// and `verify` passes.
fn assert_committed_clean(ds: &Path) {
    let staging: Vec<_> = std::fs::read_dir(ds)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".shards") || n.starts_with(".staging"))
        .collect();
    assert!(staging.is_empty(), "{staging:?}");
    ok(common::gleaner().arg("verify").arg(ds).output().unwrap());
}

fn plan(w: &Workspace, tasks: usize, plan: &Path, extra: &[&str]) -> std::process::Output {
    common::gleaner()
        .args(["plan", "--scheduler", "none", "--config"])
        .arg(w.config())
        .args(["--tasks", &tasks.to_string(), "--out"])
        .arg(plan)
        .args(extra)
        .output()
        .unwrap()
}

fn stage(pass: &str, shard: usize, tasks: usize, plan: &Path) -> std::process::Output {
    common::gleaner()
        .args([
            "stage",
            pass,
            "--shard",
            &format!("{shard}/{tasks}"),
            "--work",
        ])
        .arg(plan.join("work"))
        .output()
        .unwrap()
}

fn ok(out: std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "failed: {stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs every task of a plan in order, as run-local.sh does.
fn run_all(tasks: usize, plan: &Path) -> String {
    run_all_reading(tasks, plan).0
}

/// What the dedup tasks read: bytes of sketches and band keys by pass (all
/// its tasks), and the bytes of the sketch files they read from.
#[derive(Debug, Default)]
struct Reads {
    by_pass: std::collections::BTreeMap<String, u64>,
    sketch_files: u64,
}

/// [`run_all`], and what its dedup tasks say they read.
fn run_all_reading(tasks: usize, plan: &Path) -> (String, Reads) {
    let mut summary = String::new();
    let mut reads = Reads::default();
    for pass in [
        "scan", "lines", "sketch", "buckets", "contain", "verify", "cluster", "write", "commit",
    ] {
        let n = if [
            "scan", "lines", "sketch", "buckets", "contain", "verify", "write",
        ]
        .contains(&pass)
        {
            tasks
        } else {
            1
        };
        for i in 0..n {
            let out = stage(pass, i, tasks, plan);
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            if let Some(bytes) = stderr
                .split_once(" done (")
                .and_then(|(_, rest)| rest.split_once(" bytes of sketches"))
            {
                *reads.by_pass.entry(pass.to_string()).or_default() +=
                    bytes.0.parse::<u64>().unwrap();
            }
            summary = ok(out);
        }
        if pass == "sketch" {
            for i in 0..tasks {
                let file = plan.join(format!("work/parts/sketch-{i}.parquet"));
                reads.sketch_files += std::fs::metadata(file).unwrap().len();
            }
        }
    }
    (summary, reads)
}

#[test]
fn dedup_tasks_read_only_what_they_use() {
    let w = Workspace::with_articles(40);
    w.add("dup.txt", &common::articles()[3]);
    let p = w.path("plan");
    ok(plan(&w, 4, &p, &[]));
    let (_, reads) = run_all_reading(4, &p);
    let sketches = reads.sketch_files;
    let read = |pass: &str| reads.by_pass[pass];
    // Before, every buckets and contain task streamed every sketch file
    // twice, and the cluster task once.
    assert!(read("buckets") < 4 * sketches, "{reads:?}");
    assert!(read("contain") < 4 * sketches, "{reads:?}");
    assert!(read("verify") < sketches, "{reads:?}");
    // The cluster task reads document keys, not band keys or samples.
    assert!(read("cluster") * 4 < sketches, "{reads:?}");
}

#[test]
fn any_number_of_shards_writes_the_tables_of_a_local_run() {
    let local = Workspace::with_articles(12);
    local.add("dup.txt", &common::articles()[3]);
    local.run(&[]);
    let expected = tables(&local.ds());
    for tasks in [1, 4, 5] {
        let w = Workspace::with_articles(12);
        w.add("dup.txt", &common::articles()[3]);
        let p = w.path("plan");
        ok(plan(&w, tasks, &p, &[]));
        let summary = run_all(tasks, &p);
        assert!(summary.contains("run 1:"), "{summary}");
        assert_same(&tables(&w.ds()), &expected, &format!("{tasks} shard(s)"));
        assert!(
            !p.join("work/parts").exists(),
            "work parts removed after the commit"
        );
        assert_committed_clean(&w.ds());
    }
}

#[test]
fn a_sharded_run_adds_to_a_release_as_a_local_run_does() {
    let local = Workspace::with_articles(8);
    let sharded = Workspace::with_articles(8);
    local.run(&[]);
    sharded.run(&[]);
    for w in [&local, &sharded] {
        for (i, article) in common::articles().iter().skip(8).take(5).enumerate() {
            w.add(&format!("b{i}.txt"), article);
        }
        // A re-post of a released article: dedup must see the release.
        w.add("b-dup.txt", &common::articles()[2]);
    }
    local.run(&[]);
    let p = sharded.path("plan");
    ok(plan(&sharded, 2, &p, &[]));
    run_all(2, &p);
    assert_same(&tables(&sharded.ds()), &tables(&local.ds()), "added");
    let manifest = sharded.manifest();
    assert_eq!(manifest["runs"].as_array().unwrap().len(), 2);
    assert!(manifest["counts"]["duplicates"].as_u64().unwrap() >= 1);
}

#[test]
fn a_run_over_its_memory_limit_runs_as_partitions_with_the_same_tables() {
    let local = Workspace::with_articles(8);
    let limited = Workspace::with_articles(8);
    local.run(&[]);
    let partitioned = |w: &Workspace| {
        let out = w.try_run(&["--max-memory", "1M"]);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{stderr}");
        assert!(stderr.contains("partitions, one after another"), "{stderr}");
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert!(partitioned(&limited).contains("run 1:"));
    assert_same(&tables(&limited.ds()), &tables(&local.ds()), "first run");
    for w in [&local, &limited] {
        for (i, article) in common::articles().iter().skip(8).take(5).enumerate() {
            w.add(&format!("b{i}.txt"), article);
        }
        // A re-post of a released article: dedup must see the release.
        w.add("b-dup.txt", &common::articles()[2]);
    }
    local.run(&[]);
    assert!(partitioned(&limited).contains("run 2:"));
    assert_same(&tables(&limited.ds()), &tables(&local.ds()), "added");
    assert!(limited.manifest()["counts"]["duplicates"].as_u64().unwrap() >= 1);
    assert_committed_clean(&limited.ds());
    // Nothing new: the limit changes nothing there either.
    assert!(limited.run(&["--max-memory", "1M"]).contains("nothing new"));
}

#[test]
fn a_plan_adds_an_input_added_to_the_config() {
    let w = Workspace::with_articles(2);
    w.run(&[]);
    // Before, the changed input list made `gleaner plan` exit 6 until --full.
    std::fs::create_dir(w.path("feed")).unwrap();
    std::fs::copy(&common::articles()[2], w.path("feed/f0.txt")).unwrap();
    std::fs::write(
        w.config(),
        "[dataset]\nname = \"news\"\ninputs = [\"in\", \"feed\"]\noutput = \"ds\"\n",
    )
    .unwrap();
    let p = w.path("plan");
    ok(plan(&w, 2, &p, &[]));
    run_all(2, &p);
    let manifest = w.manifest();
    assert_eq!(manifest["runs"].as_array().unwrap().len(), 2);
    assert_eq!(manifest["runs"][1]["full"], false);
    assert_eq!(manifest["counts"]["released_documents"], 3);
    common::gleaner()
        .arg("verify")
        .arg(w.ds())
        .assert()
        .success();
}

#[test]
fn a_task_killed_half_way_is_run_again_and_nothing_is_lost_or_doubled() {
    let local = Workspace::with_articles(10);
    local.run(&[]);
    let w = Workspace::with_articles(10);
    let p = w.path("plan");
    ok(plan(&w, 3, &p, &[]));
    for i in 0..3 {
        ok(stage("scan", i, 3, &p));
    }
    // Scan task 1 died before its report: the next pass must not start.
    std::fs::remove_file(p.join("work/parts/scan-1.json")).unwrap();
    let out = stage("lines", 0, 3, &p);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("pass scan has not finished"), "{stderr}");
    ok(stage("scan", 1, 3, &p));
    // A lines task that ran twice.
    for i in [0, 1, 1, 2] {
        ok(stage("lines", i, 3, &p));
    }
    for i in 0..3 {
        ok(stage("sketch", i, 3, &p));
    }
    // A buckets task that ran twice, and a contain task killed before
    // its report: verify waits for it.
    for i in [0, 1, 1, 2] {
        ok(stage("buckets", i, 3, &p));
    }
    for i in 0..3 {
        ok(stage("contain", i, 3, &p));
    }
    std::fs::remove_file(p.join("work/parts/contain-2.json")).unwrap();
    let out = stage("verify", 0, 3, &p);
    assert!(!out.status.success());
    ok(stage("contain", 2, 3, &p));
    // A verify task that ran twice.
    for i in [0, 1, 2, 2] {
        ok(stage("verify", i, 3, &p));
    }
    ok(stage("cluster", 0, 3, &p));
    // A write task that ran twice (its first attempt's files replaced).
    for i in [0, 1, 1, 2] {
        ok(stage("write", i, 3, &p));
    }
    ok(stage("commit", 0, 3, &p));
    assert_same(&tables(&w.ds()), &tables(&local.ds()), "killed");
    // The commit task requeued after its commit: nothing changes.
    let before = common::part_hashes(&w.ds());
    let out = stage("commit", 0, 3, &p);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    ok(out);
    assert!(stderr.contains("committed already"), "{stderr}");
    assert_eq!(common::part_hashes(&w.ds()), before);
}

#[test]
fn a_plan_does_not_commit_over_a_release_that_moved() {
    let w = Workspace::with_articles(6);
    w.run(&[]);
    w.add("new.txt", &common::articles()[7]);
    let p = w.path("plan");
    ok(plan(&w, 2, &p, &[]));
    // Meanwhile a local run adds the new file.
    w.run(&[]);
    let before = common::part_hashes(&w.ds());
    let out = stage("scan", 0, 2, &p);
    assert_eq!(out.status.code(), Some(6));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("changed since this plan was made"),
        "{stderr}"
    );
    assert_eq!(common::part_hashes(&w.ds()), before);
}

/// Nodes of a cluster may hold other builds of one version: a task run by
/// a build whose models differ from the planner's refuses, so one run's
/// shards are never tagged by two models.
#[test]
fn a_task_of_a_build_with_other_models_refuses_the_plan() {
    let w = Workspace::with_articles(3);
    let p = w.path("plan");
    ok(plan(&w, 2, &p, &[]));
    let path = p.join("work").join("plan.json");
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    json["models"]["ner-ru.bin"] = "0".repeat(32).into();
    std::fs::write(&path, serde_json::to_vec_pretty(&json).unwrap()).unwrap();
    let out = stage("scan", 0, 2, &p);
    assert_eq!(out.status.code(), Some(6));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("other models"), "{stderr}");
    assert!(stderr.contains("(ner-ru.bin;"), "names the model: {stderr}");
    assert!(!w.ds().join("manifest.json").exists(), "nothing released");
}

#[test]
fn plan_writes_chained_slurm_jobs() {
    let w = Workspace::with_articles(3);
    let p = w.path("plan");
    let out = common::gleaner()
        .args(["plan", "--config"])
        .arg(w.config())
        .args(["--tasks", "4", "--sbatch=--partition=cpu", "--out"])
        .arg(&p)
        .output()
        .unwrap();
    let stdout = ok(out);
    assert!(stdout.contains("submit.sh"), "{stdout}");
    let scan = std::fs::read_to_string(p.join("scan.sbatch")).unwrap();
    assert!(scan.contains("#SBATCH --array=0-3"), "{scan}");
    assert!(scan.contains("#SBATCH --partition=cpu"), "{scan}");
    let submit = std::fs::read_to_string(p.join("submit.sh")).unwrap();
    assert!(submit.contains("--dependency=afterok"), "{submit}");
    // Refusals are those of `gleaner run`: a config the release was not
    // made with stops the plan too.
    w.run(&[]);
    std::fs::write(
        w.config(),
        "[dataset]\nname = \"news\"\ninputs = [\"in\"]\noutput = \"ds\"\n[dedup]\nthreshold = 0.6\n",
    )
    .unwrap();
    let out = plan(&w, 2, &w.path("plan2"), &[]);
    assert_eq!(out.status.code(), Some(6));
    // An object-store output without the `cloud` feature is refused as
    // `gleaner run` refuses it, not taken for a local directory named `s3:`
    // (with it, scripts/s3/test.sh plans onto a local S3 server).
    if !cfg!(feature = "cloud") {
        let out = plan(&w, 2, &w.path("plan3"), &["--output", "s3://bucket/ds"]);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("without object-store support"), "{stderr}");
        assert!(!common::repo().join("s3:").exists());
        // So is an object-store work directory, for a plan and for a task.
        let out = plan(&w, 2, Path::new("s3://bucket/plan"), &[]);
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(
                "s3://bucket/plan/work: this gleaner was built without object-store support"
            ),
            "{stderr}"
        );
        let out = stage("scan", 0, 2, Path::new("s3://bucket/plan"));
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("without object-store support"), "{stderr}");
        assert!(!common::repo().join("s3:").exists());
    }
}
