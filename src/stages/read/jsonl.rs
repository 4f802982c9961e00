//! JSONL: one document per line, fields named in `[read.jsonl]`.
//!
//! Read as a stream, a line at a time, so memory follows the longest line
//! kept (at most `read.max_document_bytes`) rather than the file. A broken
//! line, a line over the cap or an implausible date is a warning, not a
//! failure: the other records of the file are still good data.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{self, BufRead};

use encoding_rs::Encoding;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::charset::{self, Hints};
use super::decode::{read_line_capped, Line};
use crate::document::{
    epoch_int_to_micros, epoch_to_micros, parse_timestamp_unchecked, plausible, Document,
};

/// Which JSON fields hold what. A name with dots is a path into nested
/// objects when no top-level field has that name (`metadata.url` in
/// datatrove's and Dolma's records, `meta.url` in RedPajama's,
/// `warc_headers.warc-target-uri` in OSCAR's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JsonlFields {
    pub text: String,
    pub id: String,
    pub url: String,
    pub title: String,
    pub published: String,
}

impl Default for JsonlFields {
    fn default() -> Self {
        JsonlFields {
            text: "text".into(),
            id: "id".into(),
            url: "url".into(),
            title: "title".into(),
            published: "published".into(),
        }
    }
}

impl JsonlFields {
    /// Whether `key`, a record's top-level key, is one a field is read
    /// from: a configured name, the first part of a dotted one, or an
    /// other name of a field left at its default.
    pub fn reads_key(&self, key: &str) -> bool {
        let first = |name: &str| name.split('.').next() == Some(key) || name == key;
        [
            (&self.text, &TEXT),
            (&self.id, &ID),
            (&self.url, &URL),
            (&self.title, &TITLE),
            (&self.published, &PUBLISHED),
        ]
        .iter()
        .any(|(name, alias)| first(name) || alias.others_for(name).iter().any(|o| first(o)))
    }
}

/// What a JSONL stream gave.
#[derive(Debug, Default)]
pub struct JsonlRead {
    pub documents: Vec<Document>,
    /// Invalid byte sequences and lone surrogates replaced by U+FFFD.
    pub repaired: u64,
    /// The legacy encoding of lines that were not UTF-8, if any were.
    pub encoding: Option<&'static str>,
    /// Whether any line held more than whitespace (else the file is empty).
    pub any_text: bool,
    /// The error that ended the read early (a corrupt or cut compressed
    /// stream, the file cap), and the line it came at: the records before
    /// it are in `documents`.
    pub cut: Option<(u32, io::Error)>,
    /// Whether the first line opens a value it leaves open and no record
    /// was read from it: a file that may be one JSON value, pretty-printed
    /// and over the record cap (see `Reader`'s second reading).
    pub first_left_open: bool,
}

/// Reads every line of `stream`; `record` is the 0-based line index so ids
/// do not move when an earlier line is fixed or broken. An I/O error (a
/// corrupt compressed stream, the file cap) ends the read, and is returned
/// in [`JsonlRead::cut`] with the records read before it (the line it cut
/// is not one of them).
///
/// A line that does not parse alone but opens an object that the lines
/// after it complete (a record pretty-printed among compact ones: `jq .`
/// without -c, `json.dump` with `indent`) is read as that one record, its
/// `record` the index of its first line; reading then goes on line by line.
/// If no following lines complete it as a record (a raw line break inside
/// a string, text after its closing brace, the end of the file, more than
/// `max_line` bytes), the first line is skipped with its reason and the
/// lines after it are read again one by one.
pub fn read_jsonl(
    source: &str,
    stream: impl BufRead,
    fields: &JsonlFields,
    max_line: u64,
    warnings: &mut Vec<String>,
) -> JsonlRead {
    let mut out = JsonlRead::default();
    let first_warning = warnings.len();
    let mut lines = Lines {
        stream,
        buf: Vec::new(),
        next_index: 0,
        max_line,
        legacy: None,
        again: VecDeque::new(),
        read_twice: 0,
    };
    let mut spanning = 0u32;
    let mut records = Records::new(source, fields);
    loop {
        let line = match lines.next(&mut out, warnings) {
            Next::End => break,
            Next::Cut(n, e) => {
                out.cut = Some((n, e));
                break;
            }
            Next::Blank | Next::Skipped => continue,
            Next::Text(line) => line,
        };
        let n = line.index + 1;
        let (value, label, repaired) = match parse_record(&line.text) {
            Ok((value, surrogates)) => (value, format!("line {n}"), line.repaired + surrogates),
            Err(e) => match read_spanning(&mut lines, &line, &e, &mut out, warnings) {
                Some((value, last, repaired)) => {
                    spanning += 1;
                    (value, format!("lines {n}-{}", last + 1), repaired)
                }
                None => {
                    out.repaired += line.repaired;
                    out.first_left_open |= line.index == 0 && e.is_eof();
                    warnings.push(format!("line {n}: invalid JSON: {e}"));
                    continue;
                }
            },
        };
        out.repaired += repaired;
        records.read(line.index, &value, &label, warnings, &mut out.documents);
    }
    records.note(&out.documents, first_warning, warnings);
    // Said only of records read: with none, the first warning is the
    // file's skip reason, and the reason is what each record lacked.
    if spanning > 0 && !out.documents.is_empty() {
        warnings.insert(
            first_warning,
            format!(
                "records span lines (jq . without -c, json.dump with indent): {spanning} \
                 record(s) read as the JSON object their first line opens"
            ),
        );
    }
    out
}

/// One decoded line of a JSONL stream.
struct TextLine {
    /// 0-based line index in the file.
    index: u32,
    text: String,
    /// Invalid sequences replaced decoding it (not yet counted).
    repaired: u64,
}

/// What the next line of a JSONL stream is.
enum Next {
    Text(TextLine),
    /// Only whitespace.
    Blank,
    /// Over the cap: skipped, with a warning already given.
    Skipped,
    /// The read ended early at this line (see [`JsonlRead::cut`]).
    Cut(u32, io::Error),
    End,
}

/// The lines of a JSONL stream, decoded, with room to read some again.
struct Lines<R> {
    stream: R,
    buf: Vec<u8>,
    next_index: u32,
    max_line: u64,
    /// JSON is UTF-8; a file that is not is in one legacy encoding, guessed
    /// from its first line that is not UTF-8 and kept for the rest.
    legacy: Option<&'static Encoding>,
    /// Lines taken for a record that spans lines, which they did not
    /// complete: given again, one by one, before the stream's next.
    again: VecDeque<Next>,
    /// Bytes of lines given again so far. Past [`read_twice_max`], no
    /// record that spans lines is looked for: lines that each open a value
    /// nested in the last (hostile input) would otherwise be read again
    /// and again, for time quadratic in their number.
    read_twice: u64,
}

/// Bytes of a file's lines that may be read twice while looking for
/// records that span lines: at least 64 MiB, or four records at the cap.
fn read_twice_max(max_line: u64) -> u64 {
    max_line.saturating_mul(4).max(64 << 20)
}

impl<R: BufRead> Lines<R> {
    fn next(&mut self, out: &mut JsonlRead, warnings: &mut Vec<String>) -> Next {
        if let Some(line) = self.again.pop_front() {
            return line;
        }
        let index = self.next_index;
        let n = index as usize + 1;
        match read_line_capped(&mut self.stream, &mut self.buf, self.max_line) {
            Ok(Line::End) => return Next::End,
            Ok(Line::TooLong(len)) => {
                self.next_index += 1;
                out.any_text = true;
                warnings.push(format!(
                    "line {n}: {}; skipped",
                    super::over_document(len as usize, self.max_line)
                ));
                return Next::Skipped;
            }
            Ok(Line::Read) => self.next_index += 1,
            Err(e) => return Next::Cut(index + 1, e),
        }
        let mut bytes = &self.buf[..];
        if index == 0 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        if let Some(last) = memchr::memrchr(0, bytes) {
            // NUL is never JSON. A run of NULs is the hole a crash leaves in
            // a file being appended to (its size was written, its data was
            // not); what the writer appended after the hole is whole, so it
            // is read, and what the hole took is said.
            out.any_text = true;
            warnings.push(format!(
                "line {n}: {} byte(s) up to a NUL byte dropped (a hole a crash left?)",
                last + 1
            ));
            bytes = &bytes[last + 1..];
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Next::Blank;
        }
        out.any_text = true;
        let (text, repaired) = match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), 0),
            Err(_) => {
                let d = match self.legacy {
                    Some(encoding) => charset::decode_as(bytes, encoding),
                    None => charset::decode(bytes.to_vec(), Hints::default()),
                };
                if d.encoding != encoding_rs::UTF_8 {
                    self.legacy = Some(d.encoding);
                    out.encoding.get_or_insert(d.name);
                }
                (d.text, d.repaired)
            }
        };
        Next::Text(TextLine {
            index,
            text,
            repaired,
        })
    }
}

/// The record that `first`, a line that did not parse alone (`error`),
/// opens and the lines after it close: its value, the index of its last
/// line and the replacements made reading it. `None` when `first` does not
/// open an object cut off at its end, or the lines after it do not make
/// one record of it; the lines taken are then read again.
fn read_spanning<R: BufRead>(
    lines: &mut Lines<R>,
    first: &TextLine,
    error: &serde_json::Error,
    out: &mut JsonlRead,
    warnings: &mut Vec<String>,
) -> Option<(Value, u32, u64)> {
    if !error.is_eof() || !first.text.trim_start().starts_with('{') {
        return None;
    }
    if lines.read_twice > read_twice_max(lines.max_line) {
        return None;
    }
    let mut nesting = Nesting::default();
    if nesting.feed(&first.text).is_some() || nesting.in_string {
        // Closed on its own line, or a line break inside a string: JSON
        // has none.
        return None;
    }
    let mut text = first.text.clone();
    let mut repaired = first.repaired;
    let mut taken = Vec::new();
    let done = loop {
        let line = match lines.next(out, warnings) {
            Next::Text(line) => line,
            Next::Blank => {
                text.push('\n');
                continue;
            }
            // A line too long for a record, or the end: no record here.
            Next::Skipped | Next::End => break None,
            cut @ Next::Cut(..) => {
                taken.push(cut);
                break None;
            }
        };
        // Inside an object, a line opens a member (`"key": …`, or `, "key"`
        // written comma first) or closes the object; any other is a value
        // only if its key ended the line before. Else it is the next
        // record, and the first line was broken (`{"id": 1,` cut off, or
        // `{"meta": {` with the records after it).
        let start = line.text.trim_start();
        let member = start.starts_with(['"', '}', ',']) || text.trim_end().ends_with(':');
        let stray = nesting.in_object() && !member;
        if stray || text.len() + line.text.len() >= lines.max_line as usize {
            taken.push(Next::Text(line));
            break None;
        }
        let closed = nesting.feed(&line.text);
        text.push('\n');
        text.push_str(&line.text);
        match closed {
            Some(end) if line.text[end..].trim().is_empty() => {
                let parsed = parse_record(&text);
                match parsed {
                    Ok((value, surrogates)) => {
                        break Some((value, line.index, repaired + line.repaired + surrogates))
                    }
                    Err(_) => {
                        taken.push(Next::Text(line));
                        break None;
                    }
                }
            }
            None if !nesting.in_string => {
                repaired += line.repaired;
                taken.push(Next::Text(line));
            }
            _ => {
                taken.push(Next::Text(line));
                break None;
            }
        }
    };
    if done.is_none() {
        // Read again, in order, before anything not taken yet.
        lines.read_twice += text.len() as u64;
        for line in taken.into_iter().rev() {
            lines.again.push_front(line);
        }
    }
    done
}

/// The objects and arrays open at the end of a JSON text, line by line:
/// where a record that spans lines closes, found in one pass over its
/// lines.
#[derive(Debug, Default)]
struct Nesting {
    /// `{` or `[` of each open value, outermost first.
    open: Vec<u8>,
    in_string: bool,
    escaped: bool,
}

impl Nesting {
    /// Takes one more line; returns the byte just past the bracket that
    /// closes the outermost value, if this line closes it.
    fn feed(&mut self, line: &str) -> Option<usize> {
        for (i, b) in line.bytes().enumerate() {
            if self.in_string {
                match b {
                    _ if self.escaped => self.escaped = false,
                    b'\\' => self.escaped = true,
                    b'"' => self.in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.open.push(b),
                b'}' | b']' => {
                    self.open.pop();
                    if self.open.is_empty() {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Whether the innermost open value is an object.
    fn in_object(&self) -> bool {
        self.open.last() == Some(&b'{')
    }
}

/// Turns parsed records into documents, numbering them. A record is
/// usually one document; a record that has no text field but holds an
/// array of records (an API response saved whole: NewsAPI's `articles`,
/// an Elasticsearch search's `hits.hits`) is one document per element,
/// where before the whole response was skipped for lacking `text`.
pub(super) struct Records<'a> {
    source: &'a str,
    fields: &'a JsonlFields,
    /// Elements read from arrays inside records beyond the one place each
    /// such record held: what later records' numbers move up by, so every
    /// document of a file has its own number, and a file with no such
    /// record keeps the line numbers (and ids) it always had.
    extra: u32,
    /// Records whose elements were read, and the path of the first one's
    /// array, for the note that says so.
    wrappers: u32,
    path: Option<String>,
    /// How many records had a field read under another name (see
    /// [`Alias`]), by the field's default name and the name read.
    aliased: std::collections::BTreeMap<(&'static str, &'static str), u32>,
}

impl<'a> Records<'a> {
    pub(super) fn new(source: &'a str, fields: &'a JsonlFields) -> Self {
        Records {
            source,
            fields,
            extra: 0,
            wrappers: 0,
            path: None,
            aliased: Default::default(),
        }
    }

    /// The documents of record `index` (its place in the file; `label` how
    /// warnings name it), pushed to `out`, or a warning when it has none.
    pub(super) fn read(
        &mut self,
        index: u32,
        value: &Value,
        label: &str,
        warnings: &mut Vec<String>,
        out: &mut Vec<Document>,
    ) {
        let first = index.saturating_add(self.extra);
        if TEXT.find(value, &self.fields.text).is_none() {
            if let Some((path, items)) = records_within(value, &self.fields.text) {
                for (i, item) in (0u32..).zip(items) {
                    let label = format!("{label}, `{path}` item {}", i + 1);
                    let record = first.saturating_add(i);
                    out.extend(self.document(record, item, &label, warnings));
                }
                let more = u32::try_from(items.len().saturating_sub(1)).unwrap_or(u32::MAX);
                self.extra = self.extra.saturating_add(more);
                self.wrappers += 1;
                self.path.get_or_insert(path);
                return;
            }
        }
        out.extend(self.document(first, value, label, warnings));
    }

    /// The document of one record (`index` its number in the file, `label`
    /// how warnings name it), or `None`, with a warning, when it has no
    /// text.
    fn document(
        &mut self,
        index: u32,
        value: &Value,
        label: &str,
        warnings: &mut Vec<String>,
    ) -> Option<Document> {
        let fields = self.fields;
        let Some(body) = self.lookup(&TEXT, value, &fields.text).and_then(text_of) else {
            let hint = text_field_hint(value);
            warnings.push(format!("{label}: no string field `{}`{hint}", fields.text));
            return None;
        };
        let mut doc = Document::new(self.source, index, body.into_owned());
        doc.id = self.lookup(&ID, value, &fields.id).and_then(scalar);
        doc.url = self.lookup(&URL, value, &fields.url).and_then(scalar);
        doc.title = self.lookup(&TITLE, value, &fields.title).and_then(scalar);
        doc.published = match published(self.lookup(&PUBLISHED, value, &fields.published)) {
            Ok(t) => t,
            Err(why) => {
                warnings.push(format!("{label}: `{}` {why}; left empty", fields.published));
                None
            }
        };
        Some(doc)
    }

    /// The field `name` of `value`, or the alias of `alias` it has, counted.
    fn lookup<'v>(&mut self, alias: &Alias, value: &'v Value, name: &str) -> Option<&'v Value> {
        let (found, used) = alias.find(value, name)?;
        // Said for the fields whose other names may mean another thing (a
        // `date` may be the crawl's); an `_id`, `link` or `headline` is
        // what it says.
        if let (Some(used), true) = (used, alias.said) {
            *self.aliased.entry((alias.default, used)).or_default() += 1;
        }
        Some(found)
    }

    /// Says, as the file's first warnings (at `at`), that records held
    /// arrays of records and which fields were read under other names,
    /// once some document was read.
    pub(super) fn note(&self, documents: &[Document], at: usize, warnings: &mut Vec<String>) {
        if documents.is_empty() {
            return;
        }
        for (&(default, used), n) in self.aliased.iter().rev() {
            warnings.insert(
                at,
                format!(
                    "{n} record(s) without a `{default}` field: `{used}` read as it \
                     (`[read.jsonl] {default} = \"…\"` names the field)"
                ),
            );
        }
        if let Some(path) = &self.path {
            warnings.insert(
                at,
                format!(
                    "{} record(s) held their records in an array (`{path}`): each element read as a document",
                    self.wrappers
                ),
            );
        }
    }
}

/// The array of records inside `value`, a record without a text field: of
/// the arrays of objects under its keys, three levels of objects deep, the
/// one with most elements that have the text field `text` (an
/// Elasticsearch hit's under `_source`), with its dotted path. `None` when
/// no element of any has it.
fn records_within<'v>(value: &'v Value, text: &str) -> Option<(String, &'v [Value])> {
    largest_array(value, &|item| {
        TEXT.find(item, text)
            .is_some_and(|(v, _)| text_of(v).is_some())
    })
}

/// The array under `value`'s keys (three levels of objects deep) with most
/// elements that `counts`, and its dotted path; `None` when no element of
/// any array counts.
fn largest_array<'v>(
    value: &'v Value,
    counts: &dyn Fn(&Value) -> bool,
) -> Option<(String, &'v [Value])> {
    fn visit<'v>(
        value: &'v Value,
        prefix: &str,
        depth: u32,
        counts: &dyn Fn(&Value) -> bool,
        best: &mut Option<(usize, String, &'v [Value])>,
    ) {
        let Value::Object(map) = value else {
            return;
        };
        for (key, v) in map {
            let path = format!("{prefix}{key}");
            match v {
                Value::Array(items) => {
                    let n = items.iter().filter(|item| counts(item)).count();
                    if n > best.as_ref().map_or(0, |b| b.0) {
                        *best = Some((n, path, items));
                    }
                }
                Value::Object(_) if depth < 3 => {
                    visit(v, &format!("{path}."), depth + 1, counts, best)
                }
                _ => {}
            }
        }
    }
    let mut best = None;
    visit(value, "", 1, counts, &mut best);
    best.map(|(_, path, items)| (path, items))
}

/// The hint for a record without its text field: the field that holds
/// its longest text, or, for a record holding an array of records (an API
/// response), the field of the records that does.
fn text_field_hint(value: &Value) -> String {
    let inner = largest_array(value, &Value::is_object).and_then(|(path, items)| {
        let (name, _) = items
            .iter()
            .find_map(|item| longest_string_field(item, ""))?;
        Some(format!(
            " (it holds records in `{path}`, whose longest text is `{name}`: \
             `[read.jsonl] text = \"{name}\"` reads them)"
        ))
    });
    inner
        .or_else(|| {
            longest_string_field(value, "").map(|(name, _)| {
                format!(
                    " (its longest text is `{name}`: `[read.jsonl] text = \"{name}\"` reads it)"
                )
            })
        })
        .unwrap_or_default()
}

/// The records of a file whose lines are not one record each: JSON values
/// one after another, each read as a JSONL line is (`record` is its
/// ordinal), for records that span lines (`jq .` without `-c`, a
/// `json.dump` with `indent`) or end in a bare CR. The first value that
/// does not parse ends the read, with a warning.
pub fn read_json_values(
    source: &str,
    text: &str,
    fields: &JsonlFields,
    warnings: &mut Vec<String>,
) -> Vec<Document> {
    let mut documents = Vec::new();
    let mut records = Records::new(source, fields);
    let first_warning = warnings.len();
    let values = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    for (index, value) in (0u32..).zip(values) {
        let label = format!("record {}", index + 1);
        match value {
            Ok(value) => records.read(index, &value, &label, warnings, &mut documents),
            Err(e) => {
                warnings.push(format!(
                    "the JSON values break off at record {} ({e}); the records before are kept",
                    index + 1
                ));
                break;
            }
        }
    }
    records.note(&documents, first_warning, warnings);
    if !documents.is_empty() && records.path.is_none() {
        warnings.insert(
            0,
            "records span lines (or end in a bare CR): read as JSON values one after another"
                .to_string(),
        );
    }
    documents
}

/// Whether `text` opens a JSON array of objects (`[{`, spaces between): the
/// file a Scrapy `-o items.json` export or a `json.dump(records)` writes.
pub fn opens_json_array(text: &str) -> bool {
    text.trim_start()
        .strip_prefix('[')
        .is_some_and(|rest| rest.trim_start().starts_with('{'))
}

/// The records of a JSON array, each read as a JSONL line is (fields named
/// in `[read.jsonl]`; `record` is the element's index). Elements are taken
/// one at a time, so memory follows the text and one element, not a tree
/// of the whole array. An array cut off (a crawl stopped while it wrote)
/// keeps its whole elements before the cut, with a warning.
pub fn read_json_array(
    source: &str,
    text: &str,
    fields: &JsonlFields,
    warnings: &mut Vec<String>,
) -> Vec<Document> {
    use serde::de::{Deserializer, SeqAccess, Visitor};

    struct Elements<'a, 'r> {
        records: &'a mut Records<'r>,
        warnings: &'a mut Vec<String>,
        documents: &'a mut Vec<Document>,
        /// Elements read whole, documents or not.
        whole: &'a mut u32,
    }
    impl<'de> Visitor<'de> for Elements<'_, '_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON array of records")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            for index in 0u32.. {
                let Some(value) = seq.next_element::<Value>()? else {
                    break;
                };
                let label = format!("record {}", index + 1);
                self.records
                    .read(index, &value, &label, self.warnings, self.documents);
                *self.whole += 1;
            }
            Ok(())
        }
    }

    let (mut documents, mut whole) = (Vec::new(), 0);
    let mut records = Records::new(source, fields);
    let first_warning = warnings.len();
    let mut de = serde_json::Deserializer::from_str(text);
    let read = de.deserialize_seq(Elements {
        records: &mut records,
        warnings: &mut *warnings,
        documents: &mut documents,
        whole: &mut whole,
    });
    if let Err(e) = read.and_then(|()| de.end()) {
        warnings.push(format!(
            "the JSON array breaks off after record {whole} ({e}); the records before are kept"
        ));
    }
    records.note(&documents, first_warning, warnings);
    documents
}

/// Whether `head`, a file's first bytes that hold NUL, has a line that,
/// past its last NUL byte, begins a JSON object with a key: records with a
/// hole in them (see [`read_jsonl`]), not binary data, which a `{"` just
/// after a line break or NUL byte rarely begins.
pub fn holds_records(head: &[u8]) -> bool {
    head.split(|&b| b == b'\n').any(|line| {
        let after = memchr::memrchr(0, line).map_or(line, |i| &line[i + 1..]);
        after.trim_ascii_start().starts_with(b"{\"")
    })
}

/// One line as JSON. serde_json refuses a lone UTF-16 surrogate escape
/// (`"\ud800"`, which JavaScript writes happily); such a record is read
/// with the surrogate as U+FFFD rather than dropped, and counted.
fn parse_record(line: &str) -> Result<(Value, u64), serde_json::Error> {
    match serde_json::from_str(line) {
        Ok(v) => Ok((v, 0)),
        Err(e) => {
            let (fixed, n) = replace_lone_surrogates(line);
            if n == 0 {
                return Err(e);
            }
            serde_json::from_str(&fixed).map(|v| (v, n))
        }
    }
}

/// `line` with each `\uXXXX` escape of an unpaired surrogate made `\ufffd`.
fn replace_lone_surrogates(line: &str) -> (String, u64) {
    let b = line.as_bytes();
    let unit = |at: usize| -> Option<u16> {
        let hex = b.get(at..at + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let mut out = String::with_capacity(line.len());
    let (mut i, mut start, mut n) = (0, 0, 0);
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit(i) {
            Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => i += 12,
            Some(0xD800..=0xDFFF) => {
                out.push_str(&line[start..i]);
                out.push_str("\\ufffd");
                n += 1;
                i += 6;
                start = i;
            }
            // Any other escape is two characters (`\\`, `\"`) or six.
            Some(_) => i += 6,
            None => i += 2,
        }
    }
    out.push_str(&line[start.min(line.len())..]);
    (out, n)
}

/// The publication time of a record: a date string, or seconds,
/// milliseconds or microseconds since the epoch (a number or a numeric
/// string). `Err` says why a value that is there was not used.
fn published(value: Option<&Value>) -> Result<Option<i64>, String> {
    let micros = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Number(n)) => epoch(n.as_i64(), n.as_f64()),
        Some(Value::String(s)) => {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            let number = s
                .bytes()
                .all(|c| c.is_ascii_digit() || b"+-.eE".contains(&c));
            match (s.parse::<i64>(), s.parse::<f64>()) {
                (Ok(i), _) => Some(epoch_int_to_micros(i)),
                (_, Ok(f)) if number => epoch(None, Some(f)),
                _ => parse_timestamp_unchecked(s),
            }
        }
        Some(other) => return Err(format!("is not a date: {other}")),
    };
    match micros {
        None => Ok(None),
        Some(t) => plausible(t)
            .map(Some)
            .ok_or_else(|| "is out of range (years 1800-2199)".to_string()),
    }
}

/// Epoch time from an integer when it is one (exact), else a float.
fn epoch(int: Option<i64>, float: Option<f64>) -> Option<i64> {
    match (int, float) {
        (Some(i), _) => Some(epoch_int_to_micros(i)),
        (None, Some(f)) if f.is_finite() => Some(epoch_to_micros(f)),
        _ => None,
    }
}

/// Other names of a field, read when the config leaves the field at its
/// default name and a record lacks it: the schemas gleaner is pointed at
/// without a `[read.jsonl]` table (OSCAR's and NewsAPI's `content`,
/// news-please's `maintext`, RedPajama's `raw_content`, Dolma's and
/// datatrove's `metadata.url`). Before, such a file was skipped whole for
/// its missing `text`, and its dates and URLs were left empty. The first
/// name a record has is read, and the file's warnings say which.
struct Alias {
    default: &'static str,
    others: &'static [&'static str],
    /// Whether a value can be the field (text: a string or strings).
    usable: fn(&Value) -> bool,
    /// Whether the file's warnings say the other name was read.
    said: bool,
}

const TEXT: Alias = Alias {
    default: "text",
    others: &[
        "content",
        "maintext",
        "raw_content",
        "body",
        "article",
        "full_text",
    ],
    usable: |v| text_of(v).is_some(),
    said: true,
};
const ID: Alias = Alias {
    default: "id",
    others: &["_id", "doc_id", "uuid", "guid"],
    usable: |v| scalar(v).is_some(),
    said: false,
};
const URL: Alias = Alias {
    default: "url",
    others: &[
        "link",
        "metadata.url",
        "meta.url",
        "warc_headers.warc-target-uri",
        "source_url",
        "canonical_url",
    ],
    usable: |v| scalar(v).is_some(),
    said: false,
};
const TITLE: Alias = Alias {
    default: "title",
    others: &["headline", "metadata.title"],
    usable: |v| scalar(v).is_some(),
    said: false,
};
const PUBLISHED: Alias = Alias {
    default: "published",
    others: &[
        "publishedAt",
        "published_at",
        "date_publish",
        "datePublished",
        "pubDate",
        "date",
        "created_at",
        "metadata.date",
    ],
    usable: |v| !v.is_null(),
    said: true,
};

impl Alias {
    /// The field `name` of `value` when it is usable (`"text": null` is
    /// not); else, when `name` is the default name, the first of the other
    /// names `value` has a usable field of, with that name; else the field
    /// `name` as it is, for the warning that says what is wrong with it.
    fn find<'v>(&self, value: &'v Value, name: &str) -> Option<(&'v Value, Option<&'static str>)> {
        let direct = field(value, name);
        if let Some(found) = direct.filter(|v| (self.usable)(v)) {
            return Some((found, None));
        }
        let other = self.others_for(name).iter().find_map(|&other| {
            field(value, other)
                .filter(|v| (self.usable)(v))
                .map(|v| (v, Some(other)))
        });
        other.or(direct.map(|v| (v, None)))
    }

    /// The other names a field configured as `name` is read under: its
    /// other names when `name` is the default, else none (a name the
    /// config gives is read by that name only).
    fn others_for(&self, name: &str) -> &'static [&'static str] {
        if name == self.default {
            self.others
        } else {
            &[]
        }
    }
}

/// The field `name` of a record: a top-level field of that name, else the
/// dotted path into nested objects, else the same inside its `_source`
/// (an Elasticsearch hit, as elasticdump and search responses hold them).
fn field<'a>(value: &'a Value, name: &str) -> Option<&'a Value> {
    let direct = |value: &'a Value| {
        value.get(name).or_else(|| {
            name.contains('.')
                .then(|| name.split('.').try_fold(value, |v, key| v.get(key)))
                .flatten()
        })
    };
    direct(value).or_else(|| value.get("_source").and_then(direct))
}

/// The dotted name and length of the longest string in `value` (objects
/// two levels deep), for the hint when the text field is missing: OSCAR
/// calls it `content`, other dumps `body` or `raw_content`.
fn longest_string_field(value: &Value, prefix: &str) -> Option<(String, usize)> {
    let Value::Object(map) = value else {
        return None;
    };
    map.iter()
        .filter_map(|(key, v)| {
            let name = format!("{prefix}{key}");
            match v {
                Value::String(s) => Some((name, s.len())),
                Value::Object(_) if prefix.is_empty() => {
                    longest_string_field(v, &format!("{name}."))
                }
                _ => None,
            }
        })
        .max_by_key(|(_, len)| *len)
}

/// The text of a text field: a string, or a list of strings (a record's
/// paragraphs, as some scrapers and datasets store them), its items one
/// paragraph each. Before, such a record was skipped as having no text.
fn text_of(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Array(items) if !items.is_empty() => {
            let parts: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
            Some(Cow::Owned(parts?.join("\n\n")))
        }
        _ => None,
    }
}

/// A string or number field as text.
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::parse_timestamp;

    #[test]
    fn the_keys_a_field_is_read_from() {
        let fields = JsonlFields::default();
        for key in ["text", "content", "metadata", "warc_headers", "date", "_id"] {
            assert!(fields.reads_key(key), "{key}");
        }
        assert!(!fields.reads_key("image") && !fields.reads_key("meta_url"));
        let named = JsonlFields {
            text: "doc.main".into(),
            ..JsonlFields::default()
        };
        assert!(named.reads_key("doc") && !named.reads_key("content"));
    }

    fn read(text: &[u8], fields: &JsonlFields) -> (JsonlRead, Vec<String>) {
        let mut warnings = Vec::new();
        let read = read_jsonl("a.jsonl", text, fields, 1 << 20, &mut warnings);
        (read, warnings)
    }

    #[test]
    fn a_missing_text_field_names_the_field_that_holds_the_text() {
        let fields = JsonlFields::default();
        let (read, warnings) = read(
            br#"{"story": "A story of some length.", "url": "http://a.kz/1"}
{"id": 2, "meta": {"body": "Another story, nested."}}
[1, 2]
"#,
            &fields,
        );
        assert!(read.documents.is_empty());
        assert!(
            warnings[0].contains(r#"`[read.jsonl] text = "story"` reads it"#),
            "{warnings:?}"
        );
        assert!(
            warnings[1].contains(r#"text = "meta.body""#),
            "{warnings:?}"
        );
        assert_eq!(warnings[2], "line 3: no string field `text`");
    }

    #[test]
    fn records_held_in_an_array_are_one_document_each() {
        // API responses saved whole, one per line: before, each line was
        // skipped for lacking `text`, and every article in it was lost.
        let text = concat!(
            "{\"text\":\"flat one\"}\n",
            "{\"status\":\"ok\",\"articles\":[{\"text\":\"a\",\"url\":\"u/a\"},{\"text\":\"b\"},{\"title\":\"no text\"}],\"tags\":[{\"name\":\"x\"}]}\n",
            "{\"text\":\"flat two\"}\n",
            "{\"took\":3,\"hits\":{\"hits\":[{\"_id\":\"h1\",\"_source\":{\"text\":\"hit\",\"url\":\"u/h\"}}]}}\n",
        );
        let (read, warnings) = read(text.as_bytes(), &JsonlFields::default());
        let got: Vec<(&str, u32)> = read
            .documents
            .iter()
            .map(|d| (d.body.as_str(), d.record))
            .collect();
        // Numbers stay unique, and a flat record before the first array
        // keeps its line's number (and so its id).
        assert_eq!(
            got,
            [
                ("flat one", 0),
                ("a", 1),
                ("b", 2),
                ("flat two", 4),
                ("hit", 5)
            ]
        );
        assert_eq!(read.documents[1].url.as_deref(), Some("u/a"));
        assert_eq!(read.documents[4].id.as_deref(), Some("h1"));
        assert_eq!(read.documents[4].url.as_deref(), Some("u/h"));
        assert!(
            warnings[0].starts_with("2 record(s) held their records in an array (`articles`)"),
            "{warnings:?}"
        );
        assert!(
            warnings[1].starts_with("line 2, `articles` item 3: no string field `text`"),
            "{warnings:?}"
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn a_response_whose_records_lack_the_text_field_names_their_field() {
        let (read, warnings) = read(
            br#"{"status":"ok","totalResults":1,"articles":[{"title":"T","story":"The body of the story."}]}"#,
            &JsonlFields::default(),
        );
        assert!(read.documents.is_empty());
        assert!(
            warnings[0].contains(
                "it holds records in `articles`, whose longest text is `story`: `[read.jsonl] text = \"story\"` reads them"
            ),
            "{warnings:?}"
        );
    }

    #[test]
    fn elasticdump_records_are_read_from_their_source() {
        let (read, warnings) = read(
            br#"{"_index":"news","_id":"7","_source":{"text":"Body.","title":"T","published":"2020-01-02"}}"#,
            &JsonlFields::default(),
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        let doc = &read.documents[0];
        assert_eq!(
            (doc.id.as_deref(), doc.title.as_deref()),
            (Some("7"), Some("T"))
        );
        assert!(doc.published.is_some());
    }

    #[test]
    fn a_json_array_of_responses_and_a_pretty_response_are_read() {
        let mut warnings = Vec::new();
        let array = r#"[{"data":{"items":[{"text":"one"},{"text":"two"}]}},{"text":"three"}]"#;
        let docs = read_json_array("a.json", array, &JsonlFields::default(), &mut warnings);
        let got: Vec<(&str, u32)> = docs.iter().map(|d| (d.body.as_str(), d.record)).collect();
        assert_eq!(got, [("one", 0), ("two", 1), ("three", 2)]);
        assert!(warnings[0].contains("`data.items`"), "{warnings:?}");
        let pretty =
            "{\n  \"articles\": [\n    {\"text\": \"x\"},\n    {\"text\": \"y\"}\n  ]\n}\n";
        let (read, _) = read(pretty.as_bytes(), &JsonlFields::default());
        assert_eq!(read.documents.len(), 2);
    }

    #[test]
    fn schemas_without_a_jsonl_table_are_read_by_their_own_names() {
        // news-please, OSCAR / NewsAPI and Dolma records, read with the
        // default `[read.jsonl]`: before, each file was skipped whole.
        let text = concat!(
            r#"{"maintext":"Story one.","date_publish":"2017-02-03 04:05:06","title":"One","url":"u/1"}"#,
            "\n",
            r#"{"content":"Story two.","publishedAt":"2024-05-01T10:00:00Z","link":"u/2","headline":"Two"}"#,
            "\n",
            r#"{"text":"Story three.","metadata":{"url":"u/3"},"id":"3"}"#,
            "\n",
        );
        let (all, warnings) = read(text.as_bytes(), &JsonlFields::default());
        let got: Vec<(&str, Option<&str>, Option<&str>, bool)> = all
            .documents
            .iter()
            .map(|d| {
                (
                    d.body.as_str(),
                    d.url.as_deref(),
                    d.title.as_deref(),
                    d.published.is_some(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("Story one.", Some("u/1"), Some("One"), true),
                ("Story two.", Some("u/2"), Some("Two"), true),
                ("Story three.", Some("u/3"), None, false),
            ]
        );
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(warnings.iter().any(|w| w.starts_with("1 record(s) without a `text` field: `maintext` read as it")), "{warnings:?}");
        assert!(
            warnings.iter().any(|w| w
                .starts_with("1 record(s) without a `published` field: `publishedAt` read as it")),
            "{warnings:?}"
        );
        // A field present but empty of use is passed over for another.
        let (got, _) = read(
            br#"{"text":null,"content":"Story.","published":null,"date":"2020-01-02"}"#,
            &JsonlFields::default(),
        );
        assert_eq!(got.documents[0].body, "Story.");
        assert!(got.documents[0].published.is_some());
        // A field the config names is read by that name only.
        let fields = JsonlFields {
            text: "text_body".into(),
            ..JsonlFields::default()
        };
        let (got, warnings) = read(br#"{"content":"Story."}"#, &fields);
        assert!(got.documents.is_empty());
        assert!(
            warnings[0].contains("no string field `text_body`"),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_text_given_as_a_list_of_strings_is_its_paragraphs() {
        let (read, warnings) = read(
            br#"{"text": ["First paragraph.", "Second one."]}
{"text": []}
{"text": ["A", 2]}
"#,
            &JsonlFields::default(),
        );
        assert_eq!(read.documents.len(), 1);
        assert_eq!(read.documents[0].body, "First paragraph.\n\nSecond one.");
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn reads_fields_and_skips_broken_lines() {
        let text = concat!(
            "{\"text\":\"hello\",\"id\":7,\"url\":\"https://x/1\",\"published\":\"2020-01-02\"}\n",
            "{broken\n",
            "\n",
            "{\"story\":\"no text field\"}\n",
            "{\"text\":\"world\",\"title\":\"T\"}\n"
        );
        let (read, warnings) = read(text.as_bytes(), &JsonlFields::default());
        let docs = read.documents;
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].id.as_deref(), Some("7"));
        assert!(docs[0].published.is_some());
        assert_eq!(docs[1].record, 4);
        assert_eq!(docs[1].title.as_deref(), Some("T"));
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].starts_with("line 2"));
    }

    #[test]
    fn pretty_printed_records_among_compact_ones_are_read() {
        // Before, only a file whose every line was broken was read again
        // as JSON values; here the pretty records were lost, a warning for
        // each of their lines.
        let text = concat!(
            "{\"text\":\"one\"}\n",
            "{\n",
            "  \"id\": \"2\",\n",
            "  \"text\": \"two, pretty\"\n",
            "}\n",
            "{\"text\":\"three\"}\n",
            "{broken\n",
            "{\"text\": \"cut off\n",
            "{\"id\": 1, \"meta\": {\n",
            "{\"text\":\"five\"}\n",
            "{\n",
            "  \"text\": \"six\",\n",
            "\n",
            "  \"nested\": {\"a\": [1, {\"b\": \"} {\"}]},\n",
            "  \"list\":\n",
            "  [\n",
            "    {\"k\": 2}\n",
            "  ]\n",
            "}\n",
            "{\n",
            "  \"text\": \"never closed\",\n",
        );
        let (read, warnings) = read(text.as_bytes(), &JsonlFields::default());
        let got: Vec<(u32, &str)> = read
            .documents
            .iter()
            .map(|d| (d.record, d.body.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (0, "one"),
                (1, "two, pretty"),
                (5, "three"),
                (9, "five"),
                (10, "six")
            ]
        );
        assert_eq!(read.documents[1].id.as_deref(), Some("2"));
        assert!(
            warnings[0].starts_with("records span lines") && warnings[0].contains(": 2 record(s)"),
            "{warnings:?}"
        );
        let lines: Vec<&str> = warnings[1..]
            .iter()
            .map(|w| w.split(": ").next().unwrap())
            .collect();
        // Truly broken lines keep their own reasons, the unclosed record
        // its first line's, and the line after it is read alone.
        assert_eq!(
            lines,
            ["line 7", "line 8", "line 9", "line 20", "line 21"],
            "{warnings:?}"
        );
        assert!(
            warnings[4].contains("EOF while parsing an object"),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_record_spanning_more_than_the_cap_is_not_read() {
        // Each line under the cap, the record over it.
        let members: String = (0..20)
            .map(|i| format!("  \"k{i:02}\": \"{}\",\n", "x".repeat(20)))
            .collect();
        let text = format!("{{\n{members}  \"text\": \"t\"\n}}\n{{\"text\":\"after\"}}\n");
        let mut warnings = Vec::new();
        let fields = JsonlFields::default();
        let read = read_jsonl("a", text.as_bytes(), &fields, 300, &mut warnings);
        let bodies: Vec<&str> = read.documents.iter().map(|d| d.body.as_str()).collect();
        assert_eq!(bodies, ["after"]);
        assert!(
            warnings[0].starts_with("line 1: invalid JSON"),
            "{warnings:?}"
        );
    }

    #[test]
    fn lines_that_each_open_a_nested_value_are_not_read_again_and_again() {
        // Each line opens an array inside the last one and none closes:
        // every one would look ahead to the end of the file. The lines
        // read twice are bounded (here by the 64 MiB floor: this file is
        // 2.4 MB, read twice a few dozen times at most).
        let line = format!("{{\"a\": [\"{}\", [\n", "x".repeat(40));
        let text = line.repeat(50_000);
        let mut warnings = Vec::new();
        let started = std::time::Instant::now();
        let read = read_jsonl(
            "a",
            text.as_bytes(),
            &JsonlFields::default(),
            16 << 20,
            &mut warnings,
        );
        assert!(read.documents.is_empty());
        assert_eq!(warnings.len(), 50_000);
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }

    #[test]
    fn custom_field_names() {
        let fields = JsonlFields {
            text: "content".into(),
            ..JsonlFields::default()
        };
        let (read, warnings) = read(b"{\"content\":\"x\"}", &fields);
        assert_eq!(read.documents.len(), 1);
        assert!(warnings.is_empty());
    }

    #[test]
    fn a_line_over_the_cap_is_skipped_and_the_rest_read() {
        let text = format!(
            "{{\"text\":\"first\"}}\n{{\"text\":\"{}\"}}\r\n{{\"text\":\"third\"}}\r\n",
            "x".repeat(5000)
        );
        let mut warnings = Vec::new();
        let fields = JsonlFields::default();
        let read = read_jsonl("a", text.as_bytes(), &fields, 1000, &mut warnings);
        let records: Vec<u32> = read.documents.iter().map(|d| d.record).collect();
        assert_eq!(records, [0, 2]);
        assert_eq!(read.documents[1].body, "third");
        assert_eq!(
            warnings,
            ["line 2: 5012 bytes, over read.max_document_bytes (1000); skipped"]
        );
    }

    #[test]
    fn numeric_dates_are_seconds_or_milliseconds() {
        let want = parse_timestamp("2023-11-14T22:13:20Z");
        for v in [
            "1700000000",
            "1700000000000",
            "\"1700000000\"",
            "\"1700000000000\"",
            "1700000000.0",
            "1700000000000000",
        ] {
            let line = format!("{{\"text\":\"t\",\"published\":{v}}}");
            let (read, warnings) = read(line.as_bytes(), &JsonlFields::default());
            assert_eq!(read.documents[0].published, want, "{v}");
            assert!(warnings.is_empty(), "{v}: {warnings:?}");
        }
    }

    #[test]
    fn implausible_dates_are_warnings_not_years_248068() {
        for v in [
            "7765000000000",
            "-7765000000000",
            "\"9999999999999999\"",
            "\"2300-01-01\"",
            "\"1700-05-05\"",
            "1e300",
        ] {
            let line = format!("{{\"text\":\"t\",\"published\":{v}}}");
            let (read, warnings) = read(line.as_bytes(), &JsonlFields::default());
            assert_eq!(read.documents.len(), 1, "{v}");
            assert_eq!(read.documents[0].published, None, "{v}");
            assert_eq!(warnings.len(), 1, "{v}: {warnings:?}");
            assert!(warnings[0].contains("`published`"), "{warnings:?}");
        }
    }

    #[test]
    fn a_lone_surrogate_is_replaced_not_fatal() {
        let text = concat!(
            "{\"text\":\"a \\ud800 b\"}\n",
            "{\"text\":\"pair \\ud83d\\ude00 ok \\\\ud800 literal\"}\n",
            "{\"text\":\"low \\udc00\\u0041\"}\n"
        );
        let (read, warnings) = read(text.as_bytes(), &JsonlFields::default());
        assert!(warnings.is_empty(), "{warnings:?}");
        let bodies: Vec<&str> = read.documents.iter().map(|d| d.body.as_str()).collect();
        assert_eq!(
            bodies,
            [
                "a \u{FFFD} b",
                "pair 😀 ok \\ud800 literal",
                "low \u{FFFD}A"
            ]
        );
        assert_eq!(read.repaired, 2);
    }

    #[test]
    fn legacy_encoded_lines_are_decoded() {
        let line = "{\"text\":\"Президент Казахстана прибыл в Иерусалим для переговоров о торговле и водных технологиях.\"}\n";
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(line);
        let mut bytes = b"{\"text\":\"plain ascii\"}\n".to_vec();
        bytes.extend_from_slice(&cp1251);
        bytes.extend_from_slice(&cp1251);
        let (read, warnings) = read(&bytes, &JsonlFields::default());
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(read.documents.len(), 3);
        assert!(read.documents[2].body.starts_with("Президент Казахстана"));
        assert_eq!(read.encoding, Some("windows-1251"));
        assert_eq!(read.repaired, 0);
    }

    #[test]
    fn dotted_field_names_reach_into_nested_objects() {
        let fields = JsonlFields {
            url: "metadata.url".into(),
            published: "warc_headers.warc-date".into(),
            ..JsonlFields::default()
        };
        let line = br#"{"text":"Body.","metadata":{"url":"https://a.kz/1"},"warc_headers":{"warc-date":"2021-03-04T05:06:07Z"}}"#;
        let (got, warnings) = read(line, &fields);
        assert!(warnings.is_empty(), "{warnings:?}");
        let doc = &got.documents[0];
        assert_eq!(doc.url.as_deref(), Some("https://a.kz/1"));
        assert_eq!(doc.published, parse_timestamp("2021-03-04T05:06:07Z"));
        // A top-level field whose name has a dot wins over the path.
        let fields = JsonlFields {
            url: "meta.url".into(),
            ..JsonlFields::default()
        };
        let line =
            br#"{"text":"Body.","meta.url":"https://top.kz","meta":{"url":"https://nested.kz"}}"#;
        assert_eq!(
            read(line, &fields).0.documents[0].url.as_deref(),
            Some("https://top.kz")
        );
    }
}
