//! The whole pipeline on data/sample, checked by reading the tables back.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use arrow::array::{Array, BooleanArray, TimestampMicrosecondArray};
use common::*;
use gleaner::clean::normalize_line;

/// The sample is run once per test binary; tests only read its output.
fn sample() -> &'static Path {
    static OUT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("sample");
        let output = run_sample(&out, &["--threads", "2"]);
        assert!(
            output.status.success(),
            "run failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        (dir, out)
    });
    path
}

const FEED: &str = "data/sample/001_42ba832608c624e1.txt";

#[test]
fn nine_documents_and_feed_articles_with_metadata() {
    let docs = read_table(sample(), "documents");
    assert_eq!(docs.num_rows(), 9);
    let sources = texts(&docs, "source");
    let titles = strings(&docs, "title");
    let urls = strings(&docs, "url");
    let published: TimestampMicrosecondArray = column(&docs, "published");
    let feed: Vec<usize> = (0..docs.num_rows())
        .filter(|&i| sources[i] == FEED)
        .collect();
    assert_eq!(feed.len(), 5);
    let expected = [
        (
            "Kazakhstan to join Abraham Accords",
            "https://www.israelhayom.com/2025/11/06/kazakhstan-expected-to-join-abraham-accords/",
            "Thu, 06 Nov 2025 17:57:27 +0000",
        ),
        (
            "Kazakhstan plays Iranian national anthem for Syrian basketball team",
            "https://www.israelhayom.com/2021/11/29/kazakhstan-plays-iranian-national-anthem-for-syrian-basketball-team/",
            "Mon, 29 Nov 2021 10:06:54 +0000",
        ),
        (
            "Israel-Kazakhstan relations continue to expand under new president",
            "https://www.israelhayom.com/2019/10/25/israel-kazakhstan-relations-continue-to-expand-under-new-president/",
            "Fri, 25 Oct 2019 07:13:24 +0000",
        ),
        (
            "'The future of Kazakhstan-Israel ties is very bright'",
            "https://www.israelhayom.com/2019/06/20/the-future-of-kazakhstan-israel-ties-is-very-bright/",
            "Thu, 20 Jun 2019 08:40:42 +0000",
        ),
        (
            "New Kazakh president says he urged Iran to recognize Israel",
            "https://www.israelhayom.com/2019/06/13/new-kazakh-president-says-he-urged-iran-to-recognize-israel/",
            "Thu, 13 Jun 2019 09:14:48 +0000",
        ),
    ];
    for (&i, (title, url, date)) in feed.iter().zip(expected) {
        assert_eq!(titles[i].as_deref(), Some(title));
        assert_eq!(urls[i].as_deref(), Some(url));
        assert_eq!(
            Some(published.value(i)),
            gleaner::document::parse_timestamp(date),
            "{title}"
        );
    }
    // The other four files are one document each.
    let others: HashSet<&String> = sources.iter().filter(|s| *s != FEED).collect();
    assert_eq!(others.len(), 4);
}

/// Every labelled article line survives; every labelled boilerplate line is gone.
#[test]
fn datelines_and_bylines_fill_published_and_author() {
    let docs = read_table(sample(), "documents");
    let sources = texts(&docs, "source");
    let authors = strings(&docs, "author");
    let published: TimestampMicrosecondArray = column(&docs, "published");
    let day = |i: usize| {
        chrono::DateTime::from_timestamp_micros(published.value(i))
            .unwrap()
            .format("%Y-%m-%d")
            .to_string()
    };
    let find = |prefix: &str| {
        (0..docs.num_rows())
            .find(|&i| sources[i].starts_with(&format!("data/sample/{prefix}")))
            .unwrap()
    };
    let page = find("000_");
    assert!(published.is_valid(page));
    assert_eq!(
        day(page),
        "2019-06-26",
        "from the dateline \"26.06.2019, …\""
    );
    let op_ed = find("004_");
    assert_eq!(day(op_ed), "2022-12-15");
    assert_eq!(authors[op_ed].as_deref(), Some("Kanat Tumysh"));
}

#[test]
fn article_text_kept_and_boilerplate_removed() {
    let docs = read_table(sample(), "documents");
    let lines: HashSet<String> = texts(&docs, "text")
        .iter()
        .flat_map(|t| t.lines().map(normalize_line).collect::<Vec<_>>())
        .collect();
    let labels = std::fs::read_to_string(repo().join("tests/data/sample_lines.tsv")).unwrap();
    let (mut kept, mut removed) = (0, 0);
    for row in labels.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = row.splitn(4, '\t').collect();
        let (label, place, text) = (fields[0], format!("{}:{}", fields[1], fields[2]), fields[3]);
        let line = normalize_line(text);
        match label {
            "keep" => {
                assert!(lines.contains(&line), "article line lost ({place}): {text}");
                kept += 1;
            }
            "remove" => {
                assert!(!lines.contains(&line), "boilerplate kept ({place}): {text}");
                removed += 1;
            }
            _ => {}
        }
    }
    assert!(
        kept > 150 && removed > 50,
        "labels file read: {kept} {removed}"
    );
    assert!(
        lines.iter().all(|l| !l.ends_with("[…]")),
        "a feed excerpt survived"
    );
    // Each kind of boilerplate in the issue is recorded with its own reason.
    let boilerplate = read_table(sample(), "boilerplate");
    let reasons: HashSet<String> = texts(&boilerplate, "reason").into_iter().collect();
    for reason in [
        "language_switcher",
        "sign_in",
        "menu_block",
        "social_follow",
        "feed_footer",
        "cdata_debris",
        "bare_url",
        "paywall",
        "comments_closed",
        "rating_widget",
        "donor_list",
        "feed_excerpt",
    ] {
        assert!(reasons.contains(reason), "no line removed as {reason}");
    }
}

#[test]
fn interview_repost_is_the_only_cluster() {
    let docs = read_table(sample(), "documents");
    let ids = texts(&docs, "doc_id");
    let sources = texts(&docs, "source");
    let records = u32s(&docs, "record");
    let clusters = texts(&docs, "cluster_id");
    let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in clusters.iter().enumerate() {
        members.entry(c).or_default().push(i);
    }
    let multi: Vec<&Vec<usize>> = members.values().filter(|m| m.len() > 1).collect();
    assert_eq!(multi.len(), 1, "exactly one duplicate cluster");
    let pair: HashSet<(&str, u32)> = multi[0]
        .iter()
        .map(|&i| (sources[i].as_str(), records[i]))
        .collect();
    let expected: HashSet<(&str, u32)> =
        [("data/sample/000_4f724775d4944109.txt", 0), (FEED, 3)].into();
    assert_eq!(pair, expected);

    let dups = read_table(sample(), "duplicates");
    assert_eq!(dups.num_rows(), 1);
    let rep = texts(&dups, "representative_id")[0].clone();
    let dup = texts(&dups, "doc_id")[0].clone();
    assert_eq!(texts(&dups, "kind")[0], "near");
    // The dated feed article is the representative; the undated re-post its duplicate.
    let rep_i = ids.iter().position(|d| *d == rep).unwrap();
    let dup_i = ids.iter().position(|d| *d == dup).unwrap();
    assert_eq!((sources[rep_i].as_str(), records[rep_i]), (FEED, 3));
    let flags: BooleanArray = column(&docs, "is_representative");
    assert!(flags.value(rep_i) && !flags.value(dup_i));
    assert_eq!(flags.iter().filter(|f| *f == Some(true)).count(), 8);
}

#[test]
fn pattern_entities_are_found() {
    let mentions = read_table(sample(), "mentions");
    let found: HashSet<(String, String)> = texts(&mentions, "surface")
        .into_iter()
        .zip(texts(&mentions, "label"))
        .collect();
    for (surface, label) in [("71%", "PERCENT"), ("98%", "PERCENT"), ("June 9", "DATE")] {
        assert!(
            found.contains(&(surface.to_string(), label.to_string())),
            "{label} {surface} not in mentions"
        );
    }
    // "$5" is only in the paywall teaser, and "26.06.2019" only in a dateline
    // ("either" in tests/data/sample_lines.tsv), which cleaning removes; the
    // pattern recognizer finds them in the raw pages.
    let tagger = gleaner::entities::EntityTagger::new(&Default::default());
    for (file, surface, label) in [
        ("002_5a1d4225f717a5ab.txt", "$5", "MONEY"),
        ("000_4f724775d4944109.txt", "26.06.2019", "DATE"),
    ] {
        let raw = std::fs::read_to_string(repo().join("data/sample").join(file)).unwrap();
        assert!(tagger
            .tag(&raw)
            .iter()
            .any(|m| m.surface == surface && m.label.as_str() == label));
    }
}

#[test]
fn mention_offsets_point_into_document_text() {
    let docs = read_table(sample(), "documents");
    let text_of: BTreeMap<String, String> = texts(&docs, "doc_id")
        .into_iter()
        .zip(texts(&docs, "text"))
        .collect();
    let mentions = read_table(sample(), "mentions");
    assert!(mentions.num_rows() > 50, "names and patterns found");
    let (starts, ends) = (u32s(&mentions, "start"), u32s(&mentions, "end"));
    for (i, (doc, surface)) in texts(&mentions, "doc_id")
        .iter()
        .zip(texts(&mentions, "surface"))
        .enumerate()
    {
        let text = &text_of[doc];
        let slice: String = text
            .chars()
            .skip(starts[i] as usize)
            .take((ends[i] - starts[i]) as usize)
            .collect();
        assert_eq!(slice, surface);
    }
    let labels: HashSet<String> = texts(&mentions, "label").into_iter().collect();
    for label in ["PERSON", "ORG", "LOCATION"] {
        assert!(labels.contains(label), "no {label} mention");
    }
    let entities = read_table(sample(), "entities");
    assert!(entities.num_rows() > 10);
    let n_mentions: u32 = u32s(&entities, "n_mentions").iter().sum();
    assert_eq!(n_mentions as usize, mentions.num_rows());
}

#[test]
fn spelling_variants_share_a_canonical_entity() {
    // The sample spells the president "Kassym-Jomart Tokayev" (within each
    // document "Tokayev" and "Jomart Tokayev" link to that) and once, in
    // another document, "Kasymzhomart Tokayev".
    let entities = read_table(sample(), "entities");
    let canonical: BTreeMap<String, String> = texts(&entities, "entity_key")
        .into_iter()
        .zip(texts(&entities, "canonical_key"))
        .collect();
    let full = "PERSON:kassym jomart tokayev";
    assert_eq!(canonical[full], full);
    assert_eq!(canonical["PERSON:kasymzhomart tokayev"], full);
    // A bare surname is linked within its document, or else across the corpus.
    if let Some(canon) = canonical.get("PERSON:tokayev") {
        assert_eq!(canon, full);
    }
    // Different names of one city stay apart without an alias.
    for (key, canon) in &canonical {
        if key.starts_with("LOCATION:") {
            assert!(
                key.contains("astana") == canon.contains("astana"),
                "{key} → {canon}"
            );
        }
    }
}

#[test]
fn russian_and_kazakh_pages_about_tokayev_join_the_english_entity() {
    // The same story in Russian and Kazakh next to an English sample page:
    // each is tagged by its own language's model, and "Касым-Жомарт
    // Токаев" and "Қасым-Жомарт Тоқаев" share the canonical entity of
    // "Kassym-Jomart Tokayev".
    let w = Workspace::new();
    w.add(
        "en.txt",
        &repo().join("data/sample/000_4f724775d4944109.txt"),
    );
    let langs = repo().join("tests/data/languages");
    w.add("ru.txt", &langs.join("tokayev_ru.txt"));
    w.add("kk.txt", &langs.join("tokayev_kk.txt"));
    w.run(&[]);
    let documents = read_table(&w.ds(), "documents");
    let lang_of: BTreeMap<String, String> = texts(&documents, "doc_id")
        .into_iter()
        .zip(texts(&documents, "lang"))
        .collect();
    let mentions = read_table(&w.ds(), "mentions");
    let entities = read_table(&w.ds(), "entities");
    let canonical: BTreeMap<String, String> = texts(&entities, "entity_key")
        .into_iter()
        .zip(texts(&entities, "canonical_key"))
        .collect();
    let english = &canonical["PERSON:kassym jomart tokayev"];
    let mut joined: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ((doc, surface), (label, key)) in texts(&mentions, "doc_id")
        .into_iter()
        .zip(texts(&mentions, "surface"))
        .zip(
            texts(&mentions, "label")
                .into_iter()
                .zip(texts(&mentions, "entity_key")),
        )
    {
        if label == "PERSON" && &canonical[&key] == english {
            joined
                .entry(lang_of[&doc].clone())
                .or_default()
                .push(surface);
        }
    }
    assert!(
        joined["rus"].iter().any(|s| s == "Касым-Жомарт Токаев"),
        "{joined:?}"
    );
    assert!(
        joined["kaz"].iter().any(|s| s == "Қасым-Жомарт Тоқаев"),
        "{joined:?}"
    );
    assert!(joined.contains_key("eng"), "{joined:?}");
    // One row for him in canonical_entities, with all three spellings.
    let canonical_rows = read_table(&w.ds(), "canonical_entities");
    let keys = texts(&canonical_rows, "canonical_key");
    let row = keys.iter().position(|k| k == english).unwrap();
    let variants = canonical_rows
        .column_by_name("variants")
        .unwrap()
        .as_any()
        .downcast_ref::<arrow::array::ListArray>()
        .unwrap()
        .value(row);
    let variants = variants
        .as_any()
        .downcast_ref::<arrow::array::StructArray>()
        .unwrap();
    let names = variants
        .column_by_name("name")
        .unwrap()
        .as_any()
        .downcast_ref::<arrow::array::StringArray>()
        .unwrap();
    let names: HashSet<&str> = names.iter().flatten().collect();
    for name in [
        "Kassym-Jomart Tokayev",
        "Касым-Жомарт Токаев",
        "Қасым-Жомарт Тоқаев",
    ] {
        assert!(names.contains(name), "{names:?}");
    }
    assert_eq!(u32s(&canonical_rows, "n_docs")[row], 3);
}

#[test]
fn a_mixed_page_tags_its_russian_and_kazakh_paragraphs_with_their_own_models() {
    // An English page (its language told from its first kilobyte) that
    // quotes the Russian and the Kazakh story: each paragraph's names come
    // from its own language's model and carry that language, where the
    // English model alone finds "persons" such as "Казахстана Касым-Жомарт
    // Токаев".
    let w = Workspace::new();
    let english =
        std::fs::read_to_string(repo().join("data/sample/000_4f724775d4944109.txt")).unwrap();
    let langs = repo().join("tests/data/languages");
    let ru = std::fs::read_to_string(langs.join("tokayev_ru.txt")).unwrap();
    let kk = std::fs::read_to_string(langs.join("tokayev_kk.txt")).unwrap();
    std::fs::write(w.input("mixed.txt"), format!("{english}\n\n{ru}\n\n{kk}")).unwrap();
    w.run(&[]);
    let documents = read_table(&w.ds(), "documents");
    assert_eq!(texts(&documents, "lang"), ["eng"]);
    let mentions = read_table(&w.ds(), "mentions");
    let persons: Vec<(String, String)> = texts(&mentions, "surface")
        .into_iter()
        .zip(texts(&mentions, "lang"))
        .zip(texts(&mentions, "label"))
        .filter(|(_, label)| label == "PERSON")
        .map(|(m, _)| m)
        .collect();
    for (surface, lang) in [
        ("Kassym-Jomart Tokayev", "eng"),
        ("Касым-Жомарт Токаев", "rus"),
        ("Қасым-Жомарт Тоқаев", "kaz"),
    ] {
        assert!(
            persons.iter().any(|p| p.0 == surface && p.1 == lang),
            "{surface} ({lang}) in {persons:?}"
        );
    }
    assert!(
        !persons.iter().any(|p| p.0.starts_with("Казахстана")),
        "{persons:?}"
    );
    let counts = &w.manifest()["counts"];
    assert_eq!(counts["documents_mixed_languages"], 1, "{counts}");
    assert_eq!(counts["documents_names_eng"], 1, "{counts}");
}

#[test]
fn manifest_matches_tables_and_verify_passes() {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(sample().join("manifest.json")).unwrap())
            .unwrap();
    for table in TABLES {
        let rows = read_table(sample(), table).num_rows() as u64;
        assert_eq!(manifest["tables"][table]["rows"], rows, "{table}");
    }
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 5);
    assert_eq!(manifest["counts"]["documents"], 9);
    assert!(manifest["config_hash"].as_str().unwrap().len() == 32);
    gleaner().arg("verify").arg(sample()).assert().success();
    let stats = gleaner().arg("stats").arg(sample()).assert().success();
    let out = String::from_utf8_lossy(&stats.get_output().stdout).to_string();
    assert!(out.contains("documents 9"), "{out}");
    assert!(out.contains("feed_footer"), "{out}");
    assert!(out.contains("spellings"), "{out}");
}

#[test]
fn verify_catches_a_changed_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ds");
    assert!(run_sample(&out, &[]).status.success());
    std::fs::copy(table_file(&out, "mentions"), table_file(&out, "entities")).unwrap();
    gleaner().arg("verify").arg(&out).assert().code(4);
}

#[test]
fn output_is_identical_for_one_and_four_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (one, four) = (dir.path().join("one"), dir.path().join("four"));
    assert!(run_sample(&one, &["--threads", "1"]).status.success());
    assert!(run_sample(&four, &["--threads", "4"]).status.success());
    for table in TABLES {
        let a = std::fs::read(table_file(&one, table)).unwrap();
        let b = std::fs::read(table_file(&four, table)).unwrap();
        assert!(a == b, "{table} differs between 1 and 4 threads");
    }
}

#[test]
fn output_does_not_depend_on_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("elsewhere");
    let status = gleaner()
        .current_dir(dir.path())
        .arg("run")
        .arg("--config")
        .arg(repo().join("pipeline.toml"))
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success());
    for table in ["documents", "mentions", "boilerplate"] {
        let here = std::fs::read(table_file(sample(), table)).unwrap();
        let there = std::fs::read(table_file(&out, table)).unwrap();
        assert!(here == there, "{table} depends on the working directory");
    }
}
