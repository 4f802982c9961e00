//! The input side: files that are not files, symlinks out of the corpus,
//! compression bombs, damaged WARC archives, legacy charsets, odd dates,
//! names that are not UTF-8 and JSON the strict parsers refuse.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use arrow::array::{Array, TimestampMicrosecondArray};

use crate::common::*;

/// A scratch directory with `in/` for inputs and `out` for the dataset.
struct Case {
    dir: tempfile::TempDir,
}

impl Case {
    fn new() -> Case {
        let case = Case {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(case.input()).unwrap();
        case
    }

    fn input(&self) -> PathBuf {
        self.dir.path().join("in")
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.input().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// A config with the shipped settings but other `[read]` caps.
    fn config(&self, file_cap: u64, document_cap: u64) -> PathBuf {
        let shipped = std::fs::read_to_string(repo().join("pipeline.toml")).unwrap();
        let text = shipped
            .replace(
                "max_file_bytes = 268435456",
                &format!("max_file_bytes = {file_cap}"),
            )
            .replace(
                "max_document_bytes = 16777216",
                &format!("max_document_bytes = {document_cap}"),
            );
        let path = self.dir.path().join("pipeline.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// `gleaner run` with `args` into `out`; a run that hangs fails the test.
    fn run(&self, config: &Path, args: &[&std::ffi::OsStr]) -> Output {
        gleaner()
            .args(["run", "--config"])
            .arg(config)
            .arg("--output")
            .arg(self.out())
            .args(args)
            .timeout(Duration::from_secs(120))
            .output()
            .unwrap()
    }

    fn shipped(&self) -> PathBuf {
        repo().join("pipeline.toml")
    }

    /// Checks the release verifies, and gives the documents' text by source.
    fn texts(&self) -> Vec<(String, String)> {
        gleaner().arg("verify").arg(self.out()).assert().success();
        let docs = read_table(&self.out(), "documents");
        texts(&docs, "source")
            .into_iter()
            .zip(texts(&docs, "text"))
            .collect()
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const ARTICLE: &str = "A headline\n\nThe council met on Tuesday to discuss the budget for the \
    coming year, and members agreed on most of the proposals put before them.\n";

const ARTICLE_LINE: &str = "The council met on Tuesday to discuss the budget for the coming \
    year, and members agreed on most of the proposals put before them.";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn fifos_and_devices_are_skipped_with_their_reason_not_opened() {
    let case = Case::new();
    case.write("good.txt", ARTICLE);
    mkfifo(&case.input().join("pipe.txt"));
    let glob = case.input().join("*.txt");
    let out = case.run(
        &case.shipped(),
        &[
            glob.as_os_str(),
            case.input().as_os_str(),
            "/dev/zero".as_ref(),
            "/dev/urandom".as_ref(),
        ],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for warning in [
        "pipe.txt: not a regular file (FIFO)",
        "/dev/zero: not a regular file (character device)",
        "/dev/urandom: not a regular file (character device)",
    ] {
        assert!(err.contains(warning), "no {warning:?} in {err}");
    }
    let texts = case.texts();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].1.contains("council met"));
    // --strict makes them fatal (exit 3), still without blocking.
    let out = case.run(&case.shipped(), &["--strict".as_ref(), glob.as_os_str()]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("not a regular file (FIFO)"));
}

#[test]
fn symlinks_out_of_an_input_directory_need_follow_symlinks() {
    let case = Case::new();
    case.write("good.txt", ARTICLE);
    let secret = case.dir.path().join("secret.txt");
    std::fs::write(&secret, "root:$6$secret-hash:19000:0:99999:7:::\n").unwrap();
    std::os::unix::fs::symlink(&secret, case.input().join("shadow.txt")).unwrap();
    let out = case.run(&case.shipped(), &[case.input().as_os_str()]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("shadow.txt: symlink outside the input directory"),
        "{err}"
    );
    let texts = case.texts();
    assert_eq!(texts.len(), 1);
    assert!(texts[0].0.ends_with("good.txt"), "{texts:?}");
    // Followed when asked (a full rebuild: the flag is not part of the config).
    let out = case.run(
        &case.shipped(),
        &[
            "--follow-symlinks".as_ref(),
            "--full".as_ref(),
            case.input().as_os_str(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let texts = case.texts();
    assert!(
        texts.iter().any(|(s, _)| s.ends_with("shadow.txt")),
        "{texts:?}"
    );
    // And a link named on the command line is used as it is.
    let named = case.dir.path().join("named");
    std::fs::create_dir(&named).unwrap();
    let link = named.join("article.txt");
    std::os::unix::fs::symlink(case.input().join("good.txt"), &link).unwrap();
    let out = gleaner()
        .args(["run", "--config"])
        .arg(case.shipped())
        .arg("--output")
        .arg(case.dir.path().join("out2"))
        .arg(&link)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn compression_bombs_and_huge_records_are_skipped_at_the_caps() {
    let case = Case::new();
    case.write("good.txt", ARTICLE);
    // 8 MiB of text lines from ~8 KB: over a 1 MiB file cap.
    case.write(
        "bomb.txt.gz",
        gzip(&b"all work and no play makes a dull corpus\n".repeat(200_000)),
    );
    // Zeros: binary after the first buffer, whatever the cap.
    let zeros = zstd::encode_all(&vec![0u8; 64 << 20][..], 19).unwrap();
    case.write("zeros.jsonl.zst", zeros);
    // One line over the document cap between two good ones.
    let long = format!(
        "{{\"text\":\"{ARTICLE_LINE}\"}}\n{{\"text\":\"{}\"}}\n{{\"text\":\"The third record: {ARTICLE_LINE}\"}}\n",
        "x".repeat(300_000)
    );
    case.write("long.jsonl", long);
    let out = case.run(&case.config(1 << 20, 64 << 10), &[case.input().as_os_str()]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for warning in [
        "bomb.txt.gz: decompressed size over read.max_file_bytes (1048576 bytes)",
        "zeros.jsonl.zst: binary file",
    ] {
        assert!(err.contains(warning), "no {warning:?} in {err}");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.out().join("manifest.json")).unwrap())
            .unwrap();
    let long = manifest["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["path"].as_str().unwrap().ends_with("long.jsonl"))
        .unwrap();
    assert_eq!(
        long["warnings"][0],
        "line 2: 300011 bytes, over read.max_document_bytes (65536); skipped"
    );
    let texts = case.texts();
    let sources: Vec<&str> = texts.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(sources.len(), 3, "{sources:?}");
    assert!(texts.iter().any(|(_, t)| t.contains("The third record")));
}

/// One WARC response record holding `body` with `headers`.
fn warc_record(uri: &str, headers: &str, body: &[u8]) -> Vec<u8> {
    let mut http = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
    http.extend_from_slice(body);
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\n\
         WARC-Date: 2024-03-05T10:00:00Z\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .into_bytes();
    r.extend(http);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn page(n: usize) -> String {
    format!(
        "<html><body><article><p>Story number {n}: the council met on Tuesday to discuss \
         the budget for the coming year, and members agreed on most proposals.</p></article></body></html>"
    )
}

#[test]
fn a_warc_with_a_gzip_bomb_body_keeps_its_other_records() {
    let case = Case::new();
    let mut bomb = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    for _ in 0..32 {
        bomb.write_all(&[b' '; 1 << 20]).unwrap();
    }
    let mut warc = warc_record(
        "http://a.kz/bomb",
        "Content-Type: text/html\r\nContent-Encoding: gzip\r\n",
        &bomb.finish().unwrap(),
    );
    warc.extend(warc_record(
        "http://a.kz/1",
        "Content-Type: text/html\r\n",
        page(1).as_bytes(),
    ));
    case.write("crawl.warc", warc);
    let out = case.run(&case.config(64 << 20, 1 << 20), &[case.input().as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let texts = case.texts();
    assert_eq!(texts.len(), 1);
    assert!(texts[0].1.contains("Story number 1"));
}

#[test]
fn a_corrupt_gzip_member_or_bad_length_costs_one_warc_record() {
    let case = Case::new();
    let mut members: Vec<Vec<u8>> = (0..4)
        .map(|n| {
            gzip(&warc_record(
                &format!("http://a.kz/{n}"),
                "Content-Type: text/html\r\n",
                page(n).as_bytes(),
            ))
        })
        .collect();
    let at = members[1].len() / 2;
    members[1][at] ^= 0x55;
    members[1][at + 1] ^= 0xAA;
    case.write("crawl.warc.gz", members.concat());
    let mut plain = Vec::new();
    for n in 0..3 {
        let mut r = warc_record(
            &format!("http://b.kz/{n}"),
            "Content-Type: text/html\r\n",
            page(10 + n).as_bytes(),
        );
        if n == 1 {
            let text = String::from_utf8(r).unwrap();
            r = text
                .replacen("Content-Length: ", "Content-Length: 9", 1)
                .into_bytes();
        }
        plain.extend(r);
    }
    case.write("other.warc", plain);
    let out = case.run(&case.shipped(), &[case.input().as_os_str()]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let texts = case.texts();
    let stories: Vec<bool> = [0, 1, 2, 3, 10, 11, 12]
        .iter()
        .map(|n| {
            texts
                .iter()
                .any(|(_, t)| t.contains(&format!("Story number {n}:")))
        })
        .collect();
    assert_eq!(
        stories,
        [true, false, true, true, true, false, true],
        "{err}"
    );
    let manifest = std::fs::read_to_string(case.out().join("manifest.json")).unwrap();
    assert!(
        manifest.contains("resumed at the next gzip member"),
        "{manifest}"
    );
    assert!(
        manifest.contains("resumed at the next WARC/1. header"),
        "{manifest}"
    );
}

const RUSSIAN: &str = "Президент Казахстана прибыл в Иерусалим для переговоров о торговле, \
    водных технологиях и сотрудничестве в области сельского хозяйства. Стороны подписали \
    несколько соглашений, а министры обсудили прямые авиарейсы между двумя странами.";
const KAZAKH: &str = "Қазақстан Республикасының Президенті Иерусалимге сапармен барды. Екі ел \
    сауда, су технологиялары және ауыл шаруашылығы саласындағы ынтымақтастық туралы \
    келісімдерге қол қойды, министрлер тікелей әуе рейстерін талқылады.";
const FRENCH: &str = "Le président du Kazakhstan est arrivé à Jérusalem mardi pour des \
    entretiens sur le commerce et l'eau. Les deux pays ont signé plusieurs accords, \
    notamment sur l'agriculture, la santé et les vols réguliers entre les deux capitales.";

fn encode(text: &str, encoding: &'static encoding_rs::Encoding) -> Vec<u8> {
    encoding.encode(text).0.into_owned()
}

#[test]
fn legacy_charsets_come_out_right() {
    let case = Case::new();
    case.write("cp1251.txt", encode(RUSSIAN, encoding_rs::WINDOWS_1251));
    case.write("koi8.txt", encode(RUSSIAN, encoding_rs::KOI8_R));
    case.write("latin1.txt", encode(FRENCH, encoding_rs::WINDOWS_1252));
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(KAZAKH.encode_utf16().flat_map(u16::to_le_bytes));
    case.write("kazakh.txt", utf16);
    let html = format!(
        "<html><head><meta charset=\"windows-1251\"><title>Визит</title></head>\
         <body><article><p>{RUSSIAN}</p></article></body></html>"
    );
    case.write("page.html", encode(&html, encoding_rs::WINDOWS_1251));
    let out = case.run(&case.shipped(), &[case.input().as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let texts = case.texts();
    assert_eq!(texts.len(), 5, "{texts:?}");
    for (source, text) in &texts {
        let want = if source.ends_with("kazakh.txt") {
            "Қазақстан Республикасының"
        } else if source.ends_with("latin1.txt") {
            "Le président du Kazakhstan est arrivé à Jérusalem"
        } else {
            "Президент Казахстана прибыл в Иерусалим"
        };
        assert!(text.contains(want), "{source}: {text}");
        assert!(!text.contains('\u{FFFD}'), "{source}: {text}");
    }
    let docs = read_table(&case.out(), "documents");
    let langs = strings(&docs, "lang");
    assert!(langs.iter().all(Option::is_some), "{langs:?}");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case.out().join("manifest.json")).unwrap())
            .unwrap();
    for input in manifest["inputs"].as_array().unwrap() {
        assert_eq!(input["repaired_utf8"], 0, "{input}");
    }
}

#[test]
fn numeric_and_implausible_dates() {
    let case = Case::new();
    let lines = [
        "{\"text\":\"seconds since the epoch as a number\",\"published\":1700000000}",
        "{\"text\":\"milliseconds since the epoch as a string\",\"published\":\"1700000000000\"}",
        "{\"text\":\"a date in the year 248068\",\"published\":7765000000000000}",
        "{\"text\":\"a date before 1800\",\"published\":\"1700-01-01\"}",
    ];
    case.write("dates.jsonl", lines.join("\n"));
    let out = case.run(&case.shipped(), &[case.input().as_os_str()]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let docs = read_table(&case.out(), "documents");
    let published: TimestampMicrosecondArray = column(&docs, "published");
    let values: Vec<Option<i64>> = (0..published.len())
        .map(|i| (!published.is_null(i)).then(|| published.value(i)))
        .collect();
    let want = 1_700_000_000_000_000;
    assert_eq!(values, [Some(want), Some(want), None, None]);
    let manifest = std::fs::read_to_string(case.out().join("manifest.json")).unwrap();
    assert!(
        manifest.contains("line 3: `published` is out of range"),
        "{manifest}"
    );
    assert!(
        manifest.contains("line 4: `published` is out of range"),
        "{manifest}"
    );
    gleaner().arg("verify").arg(case.out()).assert().success();
}

#[test]
fn names_that_are_not_utf8_get_their_own_ids_and_are_not_reread() {
    use std::os::unix::ffi::OsStrExt;
    let case = Case::new();
    for (name, what) in [(&b"a\xff.txt"[..], "one"), (b"a\xfe.txt", "two")] {
        let path = case.input().join(std::ffi::OsStr::from_bytes(name));
        std::fs::write(path, ARTICLE.replace("council", what)).unwrap();
    }
    let out = case.run(&case.shipped(), &[case.input().as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docs = read_table(&case.out(), "documents");
    let ids = texts(&docs, "doc_id");
    let sources = texts(&docs, "source");
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    assert_ne!(sources[0], sources[1]);
    assert!(sources.iter().all(|s| s.contains("\\x")), "{sources:?}");
    gleaner().arg("verify").arg(case.out()).assert().success();
    // The next run finds both unchanged.
    let out = case.run(&case.shipped(), &[case.input().as_os_str()]);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("nothing new (2 file(s) unchanged"),
        "{summary}"
    );
}

#[test]
fn a_json_lone_surrogate_is_read_as_a_replacement_character() {
    let case = Case::new();
    case.write(
        "s.jsonl",
        "{\"text\":\"A record with a lone surrogate \\ud800 in the middle of it.\"}\n",
    );
    let out = case.run(&case.shipped(), &[case.input().as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let texts = case.texts();
    assert_eq!(texts.len(), 1);
    assert!(texts[0].1.contains("surrogate \u{FFFD} in"), "{texts:?}");
}

#[test]
fn read_caps_are_range_checked_naming_the_key() {
    let case = Case::new();
    for (file_cap, doc_cap, key) in [
        (100, 10, "read.max_file_bytes"),
        (1 << 20, 0, "read.max_document_bytes"),
        (1 << 20, 2 << 20, "read.max_document_bytes"),
    ] {
        let config = case.config(file_cap, doc_cap);
        let out = gleaner()
            .args(["check-config", "--config"])
            .arg(&config)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{key}");
        assert!(stderr(&out).contains(key), "{key}: {}", stderr(&out));
        let out = case.run(&config, &[case.input().as_os_str()]);
        assert_eq!(out.status.code(), Some(2), "{key}");
    }
}

#[test]
fn a_parser_panic_costs_its_file_not_the_run() {
    // feed-rs 3 panics in quick-xml on an XML declaration naming a legacy
    // encoding past the first bytes of the text. gleaner starts a feed at
    // its declaration when one is in the first 64 KB; past that the panic
    // still happens, and costs this file only (it ended the run, exit 101).
    let case = Case::new();
    case.write("a.txt", ARTICLE);
    let feed = format!(
        "{}\n<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<rss version=\"2.0\"><channel>\
         <item><title>t</title><description>{ARTICLE_LINE}</description></item></channel></rss>",
        "<!-- a long comment -->\n".repeat(3000)
    );
    case.write("late.rss", &feed);
    // Within the first 64 KB the feed is read.
    case.write(
        "early.rss",
        format!(
            "<br />\n<b>Notice</b>: Undefined index\n{}",
            &feed[72_000..]
        ),
    );
    let out = case.run(&case.shipped(), &[case.input().as_os_str()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("skipped") && err.contains("late.rss: the reader failed on this file"),
        "{err}"
    );
    let texts = case.texts();
    assert!(texts.iter().any(|(s, _)| s.ends_with("a.txt")), "{texts:?}");
    assert!(
        texts.iter().any(|(s, _)| s.ends_with("early.rss")),
        "{texts:?}"
    );
    // --strict makes the skip fatal, as for any unreadable input.
    let strict = case.run(
        &case.shipped(),
        &[
            case.input().as_os_str(),
            "--strict".as_ref(),
            "--full".as_ref(),
        ],
    );
    assert_eq!(strict.status.code(), Some(3), "{}", stderr(&strict));
    // With JSON logs, the panic is a JSON line too, as is every other.
    let json = gleaner()
        .args(["--log-format", "json", "run", "--config"])
        .arg(case.shipped())
        .arg("--output")
        .arg(case.out())
        .args([case.input().as_os_str(), "--full".as_ref()])
        .timeout(Duration::from_secs(120))
        .output()
        .unwrap();
    assert!(json.status.success(), "{}", stderr(&json));
    let err = stderr(&json);
    let events: Vec<serde_json::Value> = err
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    assert!(events.iter().any(|e| e["event"] == "panic"), "{err}");
}
