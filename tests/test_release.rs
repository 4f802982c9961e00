//! Releases over time: incremental runs on a growing input directory, and
//! byte-identical rebuilds for any thread count and input order.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use arrow::array::UInt32Array;
use common::*;

mod common;

/// doc_id → (source, cluster_id) over every partition.
fn documents(ds: &Path) -> BTreeMap<String, (String, String)> {
    let docs = read_table(ds, "documents");
    let ids = texts(&docs, "doc_id");
    let rows = ids.len();
    let map: BTreeMap<String, (String, String)> = ids
        .into_iter()
        .zip(texts(&docs, "source"))
        .zip(texts(&docs, "cluster_id"))
        .map(|((id, source), cluster)| (id, (source, cluster)))
        .collect();
    assert_eq!(map.len(), rows, "doc_id is unique across partitions");
    map
}

/// The entity totals must equal a count over the mentions of all runs.
fn assert_entity_totals_match_mentions(ds: &Path) {
    let mentions = read_table(ds, "mentions");
    let mut want: BTreeMap<String, (HashSet<String>, u32)> = BTreeMap::new();
    for (key, doc) in texts(&mentions, "entity_key")
        .into_iter()
        .zip(texts(&mentions, "doc_id"))
    {
        let entry = want.entry(key).or_default();
        entry.0.insert(doc);
        entry.1 += 1;
    }
    let entities = read_table(ds, "entities");
    let n_docs = column::<UInt32Array>(&entities, "n_docs");
    let n_mentions = column::<UInt32Array>(&entities, "n_mentions");
    let keys = texts(&entities, "entity_key");
    assert_eq!(keys.len(), want.len());
    let canonical_of: BTreeMap<&String, String> =
        keys.iter().zip(texts(&entities, "canonical_key")).collect();
    let mut by_canonical: BTreeMap<String, (HashSet<String>, u32)> = BTreeMap::new();
    for (i, key) in keys.iter().enumerate() {
        let (docs, mentions) = &want[key];
        assert_eq!(n_docs.value(i) as usize, docs.len(), "{key}");
        assert_eq!(n_mentions.value(i), *mentions, "{key}");
        let entry = by_canonical.entry(canonical_of[key].clone()).or_default();
        entry.0.extend(docs.iter().cloned());
        entry.1 += mentions;
    }
    // And the totals per canonical entity count each document once.
    let canonical = read_table(ds, "canonical_entities");
    let n_docs = column::<UInt32Array>(&canonical, "n_docs");
    let n_mentions = column::<UInt32Array>(&canonical, "n_mentions");
    let keys = texts(&canonical, "canonical_key");
    assert_eq!(keys.len(), by_canonical.len());
    for (i, key) in keys.iter().enumerate() {
        let (docs, mentions) = &by_canonical[key];
        assert_eq!(n_docs.value(i) as usize, docs.len(), "{key}");
        assert_eq!(n_mentions.value(i), *mentions, "{key}");
    }
}

#[test]
fn three_runs_over_a_growing_directory() {
    let articles = articles();
    let w = Workspace::new();
    // Night 1: four articles and a JSONL feed with two records.
    for (i, a) in articles[..4].iter().enumerate() {
        w.add(&format!("a{i}.txt"), a);
    }
    let record = |id: usize, a: &Path| {
        let text = std::fs::read_to_string(a).unwrap();
        serde_json::json!({"id": format!("f{id}"), "text": text}).to_string() + "\n"
    };
    let mut feed = record(0, &articles[10]) + &record(1, &articles[11]);
    std::fs::write(w.input("feed.jsonl"), &feed).unwrap();
    let summary = w.run(&[]);
    assert!(summary.contains("run 1:"), "{summary}");
    let night1 = documents(&w.ds());
    assert_eq!(night1.len(), 6);
    assert!(w.ds().join("documents/run=1/part-0.parquet").is_file());

    // Night 2: three new articles; a re-post of a0 under another name; a0
    // touched without a change; the feed grows by one record.
    for (i, a) in articles[4..7].iter().enumerate() {
        w.add(&format!("b{i}.txt"), a);
    }
    w.add("repost.txt", &articles[0]);
    let a0 = std::fs::read(w.input("a0.txt")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    std::fs::write(w.input("a0.txt"), a0).unwrap();
    feed += &record(2, &articles[12]);
    std::fs::write(w.input("feed.jsonl"), &feed).unwrap();
    let summary = w.run(&[]);
    assert!(summary.contains("run 2:"), "{summary}");
    let manifest = w.manifest();
    assert_eq!(
        manifest["counts"]["files"], 6,
        "read: 3 new, repost, a0, feed"
    );
    assert_eq!(manifest["counts"]["unchanged_files"], 3);
    assert_eq!(manifest["counts"]["already_released"], 3, "a0, f0, f1");
    assert_eq!(manifest["counts"]["documents"], 5);
    let night2 = documents(&w.ds());
    assert_eq!(night2.len(), 11);
    for (id, v) in &night1 {
        assert_eq!(&night2[id], v, "released documents are untouched");
    }
    // The re-post is a duplicate of last night's article, which stays the
    // representative.
    let a0_id = night1
        .iter()
        .find(|(_, (source, _))| source.ends_with("a0.txt"))
        .map(|(id, _)| id.clone())
        .unwrap();
    let repost = night2
        .values()
        .find(|(source, _)| source.ends_with("repost.txt"))
        .unwrap();
    assert_eq!(repost.1, a0_id);
    let dups = read_table(&w.ds(), "duplicates");
    assert_eq!(
        texts(&dups, "representative_id"),
        std::slice::from_ref(&a0_id)
    );
    assert_eq!(texts(&dups, "kind"), ["exact"]);
    assert!(w.ds().join("duplicates/run=2/part-0.parquet").is_file());
    assert_entity_totals_match_mentions(&w.ds());
    let entities_files: Vec<String> = manifest["tables"]["entities"]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["file"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(entities_files, ["entities/run=2/part-0.parquet"]);
    assert!(
        !w.ds().join("entities/run=1").exists(),
        "superseded totals removed"
    );

    // Nothing new: nothing written.
    let before = std::fs::read(w.ds().join("manifest.json")).unwrap();
    let summary = w.run(&[]);
    assert!(
        summary.contains("nothing new (9 file(s) unchanged"),
        "{summary}"
    );
    assert_eq!(std::fs::read(w.ds().join("manifest.json")).unwrap(), before);

    // Night 3: a revised article is a new document beside the released one.
    let mut text = std::fs::read_to_string(w.input("b0.txt")).unwrap();
    text.push_str("\nThis story was updated with a correction on Tuesday evening.\n");
    std::fs::write(w.input("b0.txt"), text).unwrap();
    w.add("c0.txt", &articles[20]);
    w.run(&[]);
    let night3 = documents(&w.ds());
    assert_eq!(night3.len(), 13);
    let b0: Vec<&String> = night3
        .iter()
        .filter(|(_, (source, _))| source.ends_with("b0.txt"))
        .map(|(_, (_, cluster))| cluster)
        .collect();
    assert_eq!(b0.len(), 2, "original and revision");
    assert_eq!(
        b0[0], b0[1],
        "the revision is a near-duplicate of the original"
    );
    assert_entity_totals_match_mentions(&w.ds());
    gleaner().arg("verify").arg(w.ds()).assert().success();
    let runs: Vec<u64> = w.manifest()["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["run"].as_u64().unwrap())
        .collect();
    assert_eq!(runs, [1, 2, 3]);

    // --full rebuilds from the inputs as they are now, in one partition.
    w.run(&["--full"]);
    let manifest = w.manifest();
    assert_eq!(manifest["runs"].as_array().unwrap().len(), 1);
    assert_eq!(manifest["runs"][0]["run"], 4);
    assert_eq!(documents(&w.ds()).len(), 12, "one version of b0");
    assert!(!w.ds().join("documents/run=1").exists());
    assert!(w.ds().join("documents/run=4/part-0.parquet").is_file());
    gleaner().arg("verify").arg(w.ds()).assert().success();
}

#[test]
fn a_changed_config_stops_the_run_and_a_damaged_manifest_is_refused() {
    let articles = articles();
    let w = Workspace::new();
    w.add("a.txt", &articles[0]);
    w.run(&[]);
    let released = w.manifest();
    let config = w.dir.path().join("gleaner.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("[dedup]\nthreshold = 0.8\n");
    std::fs::write(&config, text).unwrap();
    let out = w.try_run(&[]);
    assert_eq!(out.status.code(), Some(6));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("dedup.threshold"),
        "names the key: {stderr}"
    );
    assert_eq!(w.manifest(), released, "nothing changed");
    w.run(&["--full"]);
    assert_eq!(w.manifest()["runs"][0]["full"], true);

    std::fs::write(w.ds().join("manifest.json"), "{ not json").unwrap();
    w.add("b.txt", &articles[1]);
    for extra in [&[][..], &["--full"][..]] {
        let out = w.try_run(extra);
        assert_eq!(out.status.code(), Some(6));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("gleaner repair"), "{stderr}");
    }
    w.repair();
    w.run(&[]);
    assert_eq!(documents(&w.ds()).len(), 2);
}

/// A retrained name or line model changes the tables without a change of
/// version: a release made by a build with other models is not added to
/// (the run changes nothing), `--full` rebuilds it, and `gleaner repair`
/// reads the models back from the partitions' footers.
#[test]
fn a_release_made_with_other_built_in_models_stops_the_run() {
    let articles = articles();
    let w = Workspace::new();
    w.add("a.txt", &articles[0]);
    w.run(&[]);
    let models = w.manifest()["models"].clone();
    let version = gleaner().arg("--version").output().unwrap();
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    let files = models.as_object().expect("the manifest records the models");
    assert_eq!(files.len(), 4, "{models}");
    for (file, hash) in files {
        assert!(
            version.contains(&format!("{file}  {}", hash.as_str().unwrap())),
            "`gleaner --version` lists {file}: {version}"
        );
    }
    w.edit_manifest(|m| m["models"]["ner-en.bin"] = "0".repeat(32).into());
    let released = w.manifest();
    w.add("b.txt", &articles[1]);
    let out = w.try_run(&[]);
    assert_eq!(out.status.code(), Some(6));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("other built-in models") && stderr.contains("(ner-en.bin)"),
        "names the model: {stderr}"
    );
    assert_eq!(w.manifest(), released, "nothing changed");
    w.run(&["--full"]);
    assert_eq!(w.manifest()["models"], models);
    assert_eq!(documents(&w.ds()).len(), 2);

    std::fs::remove_file(w.ds().join("manifest.json")).unwrap();
    w.repair();
    assert_eq!(w.manifest()["models"], models, "read back from the footers");
    w.add("c.txt", &articles[2]);
    w.run(&[]);
    assert_eq!(documents(&w.ds()).len(), 3);
}

#[test]
fn tables_are_identical_for_any_thread_count_and_input_order() {
    let articles = articles();
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..articles.len())
        .map(|i| format!("n{i:03}.txt"))
        .collect();
    // Two copies of the inputs, the second written in reverse order (other
    // inode and mtime order) and named on the command line shuffled.
    let (fwd, rev) = (dir.path().join("fwd"), dir.path().join("rev"));
    for d in [&fwd, &rev] {
        std::fs::create_dir(d).unwrap();
    }
    for (name, a) in names.iter().zip(&articles) {
        std::fs::copy(a, fwd.join(name)).unwrap();
    }
    for (name, a) in names.iter().zip(&articles).rev() {
        std::fs::copy(a, rev.join(name)).unwrap();
    }
    let mut shuffled: Vec<String> = names.clone();
    shuffled.sort_by_key(|n| xxhash_rust::xxh3::xxh3_64(n.as_bytes()));
    let run = |out: &str, threads: &str, inputs: Vec<String>, cwd: &Path| {
        let out = dir.path().join(out);
        let status = gleaner()
            .current_dir(cwd)
            .args(["run", "--config"])
            .arg(repo().join("pipeline.toml"))
            .args(["--threads", threads, "--output"])
            .arg(&out)
            .args(inputs)
            .output()
            .unwrap();
        assert!(status.status.success());
        part_hashes(&out)
    };
    let want = run("t1", "1", vec![".".into()], &fwd);
    assert_eq!(want.len(), 9, "6 tables + 3 state stores");
    assert_eq!(run("t2", "2", vec![".".into()], &fwd), want);
    assert_eq!(run("t8", "8", vec![".".into()], &fwd), want);
    assert_eq!(run("shuffled", "2", shuffled, &rev), want);
}

#[test]
fn a_gzipped_warc_archive_gives_one_document_per_page() {
    use std::io::Write;
    let w = Workspace::new();
    let page = |title: &str, body: &str| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><head><title>{title}</title>\
             </head><body><article><p>{body}</p></article></body></html>"
        )
    };
    let record = |kind: &str, uri: &str, content: &str| {
        format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Date: 2025-11-06T08:00:00Z\r\n\
             WARC-Record-ID: <urn:uuid:{uri}>\r\nWARC-Target-URI: {uri}\r\n\
             Content-Length: {}\r\n\r\n{content}\r\n\r\n",
            content.len()
        )
    };
    let text = std::fs::read_to_string(&articles()[3]).unwrap();
    let records = [
        record("request", "https://news.kz/a", "GET /a HTTP/1.1\r\n\r\n"),
        record("response", "https://news.kz/a", &page("First", &text)),
        record(
            "response",
            "https://news.kz/b",
            &page("Second", "Astana hosted the talks on Thursday."),
        ),
    ];
    // One gzip member per record, as crawlers write them.
    let mut file = Vec::new();
    for r in records {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(r.as_bytes()).unwrap();
        file.extend(gz.finish().unwrap());
    }
    std::fs::write(w.input("crawl.warc.gz"), file).unwrap();
    w.run(&[]);
    let docs = read_table(&w.ds(), "documents");
    assert_eq!(
        strings(&docs, "url"),
        [
            Some("https://news.kz/a".to_string()),
            Some("https://news.kz/b".to_string())
        ]
    );
    assert_eq!(
        strings(&docs, "title"),
        [Some("First".to_string()), Some("Second".to_string())]
    );
    assert!(texts(&docs, "text")[0].contains(text.lines().nth(2).unwrap().trim()));
    assert_eq!(w.manifest()["inputs"][0]["format"], "warc");
}

#[test]
fn an_rss_feed_gives_one_document_per_item() {
    let w = Workspace::new();
    let text = std::fs::read_to_string(&articles()[5]).unwrap();
    let paragraphs: String = text
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            format!(
                "<p>{}</p>",
                l.trim().replace('&', "&amp;").replace('<', "&lt;")
            )
        })
        .collect();
    let feed = format!(
        r#"<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>News</title>
<item><title>First story</title><link>https://news.kz/1</link><dc:creator>A. Writer</dc:creator>
<pubDate>Thu, 06 Nov 2025 17:57:27 +0000</pubDate><content:encoded><![CDATA[{paragraphs}]]></content:encoded></item>
<item><title>Second story</title><link>https://news.kz/2</link><description>Astana hosted the talks on Thursday, officials said.</description></item>
</channel></rss>"#
    );
    std::fs::write(w.input("news.rss"), feed).unwrap();
    w.run(&[]);
    let docs = read_table(&w.ds(), "documents");
    assert_eq!(
        strings(&docs, "title"),
        [
            Some("First story".to_string()),
            Some("Second story".to_string())
        ]
    );
    assert_eq!(strings(&docs, "author")[0].as_deref(), Some("A. Writer"));
    assert_eq!(
        strings(&docs, "url")[1].as_deref(),
        Some("https://news.kz/2")
    );
    let first = &texts(&docs, "text")[0];
    let longest = text.lines().max_by_key(|l| l.len()).unwrap().trim();
    assert!(first.contains(longest), "{first}");
    assert_eq!(w.manifest()["inputs"][0]["format"], "feed");
}

#[test]
fn a_feed_fetched_every_night_keeps_its_short_items() {
    // The same two items in three nightly dumps, and each night a story of
    // its own: copies of one item are one document to the frequent-line
    // filter, so its one-line text is not taken for the site's boilerplate,
    // while a line the three distinct stories share is.
    let w = Workspace::new();
    let item = |n: u32, text: &str| {
        format!("<item><title>Story {n}</title><link>https://news.kz/{n}</link><description>{text}</description></item>")
    };
    for night in 1..=3 {
        let feed = format!(
            r#"<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>{}{}{}</channel></rss>"#,
            item(1, "Astana hosted the talks on Thursday, officials said."),
            item(2, "The airport reopened after the storm."),
            item(
                2 + night,
                &format!("<![CDATA[<p>Night {night} had its own story.</p><p>Follow us for more news.</p>]]>"),
            ),
        );
        std::fs::write(w.input(&format!("night{night}.rss")), feed).unwrap();
    }
    w.run(&[]);
    let docs = read_table(&w.ds(), "documents");
    let texts = texts(&docs, "text");
    assert!(texts.len() >= 4, "{texts:?}");
    for (url, text) in strings(&docs, "url").iter().zip(&texts) {
        let url = url.as_deref().unwrap();
        if url.ends_with("/1") {
            assert!(text.contains("Astana hosted the talks"), "{url}: {text:?}");
        }
        if url.ends_with("/2") {
            assert!(text.contains("airport reopened"), "{url}: {text:?}");
        }
        // Three distinct stories share a line: that is boilerplate.
        if ["/3", "/4", "/5"].iter().any(|n| url.ends_with(n)) {
            assert!(text.contains("had its own story"), "{url}: {text:?}");
            assert!(!text.contains("Follow us"), "{url}: {text:?}");
        }
    }
}

#[test]
fn a_cut_off_file_completed_later_adds_only_its_missing_records() {
    // A nightly download that stopped half way: the first run keeps the
    // whole records before the cut; once the file is whole, the next run
    // adds the rest and no record twice (ids are the line numbers).
    use std::io::Write;
    let w = Workspace::new();
    let lines: String = articles()
        .iter()
        .take(40)
        .enumerate()
        .map(|(i, a)| {
            let text = std::fs::read_to_string(a).unwrap();
            serde_json::json!({"text": text, "url": format!("https://news.kz/{i}")}).to_string()
                + "\n"
        })
        .collect();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(lines.as_bytes()).unwrap();
    let whole = gz.finish().unwrap();
    std::fs::write(w.input("dump.jsonl.gz"), &whole[..whole.len() / 2]).unwrap();
    let out = w.try_run(&[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("whole records before it are kept"));
    let first = documents(&w.ds());
    assert!((5..40).contains(&first.len()), "{}", first.len());
    std::fs::write(w.input("dump.jsonl.gz"), &whole).unwrap();
    w.run(&[]);
    let second = documents(&w.ds());
    assert_eq!(second.len(), 40);
    assert!(first.keys().all(|id| second.contains_key(id)));
    let counts = &w.manifest()["counts"];
    assert_eq!(counts["already_released"], first.len());
    assert_eq!(counts["documents"], 40 - first.len());
    assert_eq!(counts["released_documents"], 40);
}

#[test]
fn copies_of_a_text_get_its_mentions_in_any_batch() {
    // 1,040 distinct records, then copies of some of them: the write pass
    // tags 1,024 documents a batch, so the copies fall in the next batch,
    // where the run takes what tagging gave the first instead of tagging
    // again (src/passes/repeats.rs).
    let articles = articles();
    let w = Workspace::new();
    let mut bodies: Vec<String> = (0..1040)
        .map(|i| {
            let article = std::fs::read_to_string(&articles[i % articles.len()]).unwrap();
            // A headline and two paragraphs: short, for a short test.
            let start: Vec<&str> = article.split("\n\n").take(3).collect();
            let start = start.join("\n\n");
            format!("{start}\n\nRecord {i} was filed by Maria Lopez of Reuters in Madrid.")
        })
        .collect();
    let copies: Vec<(usize, usize)> = (0..60)
        .map(|k| (1040 + k, k * 17 % 1040))
        .chain([(1100, 3), (1101, 1100)])
        .collect();
    for &(_, of) in &copies {
        bodies.push(bodies[of].clone());
    }
    // And copies in the batch of their first: in the first batch, and in
    // the second with nothing kept of them.
    let copies: Vec<(usize, usize)> = copies.into_iter().chain([(20, 10), (1039, 1038)]).collect();
    bodies[20] = bodies[10].clone();
    bodies[1039] = bodies[1038].clone();
    let lines: Vec<String> = bodies
        .iter()
        .enumerate()
        .map(|(i, text)| {
            // A site each: the same paragraphs on many pages of one site
            // would be its boilerplate.
            let url = format!("https://site{i}.example/story");
            serde_json::json!({"id": format!("r{i}"), "url": url, "text": text}).to_string()
        })
        .collect();
    std::fs::write(w.input("records.jsonl"), lines.join("\n")).unwrap();
    w.run(&["--threads", "2"]);
    let docs = read_table(&w.ds(), "documents");
    let doc_of: BTreeMap<String, String> = strings(&docs, "id")
        .into_iter()
        .map(Option::unwrap)
        .zip(texts(&docs, "doc_id"))
        .collect();
    let mentions = read_table(&w.ds(), "mentions");
    let mut by_doc: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    let columns = ["start", "end", "surface", "label", "entity_key", "lang"];
    let values: Vec<Vec<String>> = columns
        .iter()
        .map(|c| {
            let array = mentions.column_by_name(c).unwrap();
            (0..mentions.num_rows())
                .map(|i| arrow::util::display::array_value_to_string(array, i).unwrap())
                .collect()
        })
        .collect();
    for (i, doc) in texts(&mentions, "doc_id").into_iter().enumerate() {
        by_doc
            .entry(doc)
            .or_default()
            .push(values.iter().map(|v| v[i].clone()).collect());
    }
    let of = |record: usize| by_doc.get(&doc_of[&format!("r{record}")]).cloned();
    for (copy, original) in copies {
        let want = of(original).unwrap_or_else(|| panic!("record {original} has mentions"));
        assert!(want.iter().any(|m| m[2] == "Madrid"), "record {original}");
        assert_eq!(of(copy), Some(want), "record {copy}, a copy of {original}");
    }
}
