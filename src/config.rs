//! `pipeline.toml` → one validated [`Config`].
//!
//! Every stage receives its own typed settings from here and never sees raw
//! TOML or command-line flags. Validation happens once, up front, so that a
//! typo in a key or a broken regex stops the run before any work is done, with
//! a message that names the key and the line it is on.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::clean::{CleanConfig, Cleaner};
use crate::dedup::DedupConfig;
use crate::entities::EntityConfig;
use crate::quality::QualityConfig;
use crate::read::ReadConfig;

/// The whole configuration of a run, as read from `pipeline.toml`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub dataset: DatasetConfig,
    pub read: ReadConfig,
    pub clean: CleanConfig,
    pub quality: QualityConfig,
    pub dedup: DedupConfig,
    pub entities: EntityConfig,
}

/// Where the inputs come from and where the tables go.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatasetConfig {
    /// Name of the dataset; the default output directory is `output/<name>`.
    pub name: String,
    /// Inputs used when the command line gives none: files, directories or globs,
    /// relative to the directory of the config file.
    pub inputs: Vec<String>,
    /// Output directory; relative to the directory of the config file.
    pub output: Option<String>,
}

impl Default for DatasetConfig {
    fn default() -> Self {
        DatasetConfig {
            name: "sample".to_string(),
            inputs: vec!["data/sample".to_string()],
            output: None,
        }
    }
}

/// A configuration problem, with the place in the file it comes from.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path}:{line}: `{key}`: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        key: String,
        message: String,
    },
}

pub use crate::stages::{compile_regex, InvalidValue};

impl DatasetConfig {
    /// The name becomes a directory under `output/`: it must be a plain
    /// name, so `name = "../../x"` cannot send the tables elsewhere.
    fn validate(&self) -> Result<(), InvalidValue> {
        let name = &self.name;
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if plain {
            return Ok(());
        }
        Err(InvalidValue {
            key: "dataset.name".into(),
            span: 0..0,
            message: format!(
                "must be a plain name (letters, digits, `-`, `_`, `.`; not starting with `.`), \
                 got {name:?}; set `dataset.output` to choose the directory"
            ),
        })
    }
}

/// The shipped `pipeline.toml`: the configuration a run uses when no config
/// file is found, so a run without one gives exactly what the documented
/// defaults give.
pub const SHIPPED_CONFIG: &str = include_str!("../pipeline.toml");

impl Config {
    /// The shipped `pipeline.toml`, parsed.
    pub fn builtin() -> Config {
        Config::parse(SHIPPED_CONFIG, Path::new("pipeline.toml (built in)"))
            .expect("the shipped pipeline.toml is valid (tested)")
    }

    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parses and validates config text; `path` is only used in messages.
    /// Keys the text leaves out take their value from the shipped
    /// `pipeline.toml` (tables merge key by key; an array given in the text,
    /// such as `read.splitters`, replaces the shipped one whole), so the
    /// documented defaults have one source.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        // Errors are reported against the user's own text, with its lines.
        Config::parse_alone(text, path)?;
        let parse_error = |message: String| ConfigError::Parse {
            path: path.to_path_buf(),
            message,
        };
        let mut merged: toml::Table =
            toml::from_str(SHIPPED_CONFIG).map_err(|e| parse_error(e.to_string()))?;
        let own: toml::Table = toml::from_str(text).map_err(|e| parse_error(e.to_string()))?;
        merge_tables(&mut merged, own);
        let merged = toml::to_string(&merged).map_err(|e| parse_error(e.to_string()))?;
        Config::parse_alone(&merged, path)
    }

    /// Parses and validates one config text as it is, without the shipped
    /// defaults.
    fn parse_alone(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: describe_toml_error(text, &e),
        })?;
        config.validate().map_err(|bad| ConfigError::Invalid {
            path: path.to_path_buf(),
            line: if bad.span.is_empty() {
                key_line(text, &bad.key)
            } else {
                line_of(text, bad.span.start)
            },
            key: bad.key,
            message: bad.message,
        })?;
        Ok(config)
    }

    /// Checks values that TOML types cannot: regexes compile, numbers in range.
    pub fn validate(&self) -> Result<(), InvalidValue> {
        self.dataset.validate()?;
        self.read.validate()?;
        self.clean.validate()?;
        self.quality.validate()?;
        self.dedup.validate()?;
        Ok(())
    }

    /// Stable hash of the effective configuration, written into the manifest
    /// so a release can be rebuilt with exactly the same settings.
    pub fn hash(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&json))
    }

    /// Stable hash of every setting that shapes the tables: the
    /// configuration without `dataset.inputs`. Which inputs a run reads
    /// decides what goes in, not how it is processed, so a release can take
    /// a new input (or lose one) and stay one config's output. [`Config::hash`]
    /// stays the hash of everything, as older releases and Parquet footers
    /// record it.
    pub fn processing_hash(&self) -> String {
        let mut settings = self.clone();
        settings.dataset.inputs.clear();
        settings.hash()
    }

    /// The clean stage of a run: `[clean]`, and whether extracted bodies
    /// are Markdown (`[read] text_format`), whose blank lines between
    /// blocks the text keeps.
    pub fn cleaner(&self) -> Result<Cleaner, InvalidValue> {
        let markdown = self.read.text_format == crate::read::html::TextFormat::Markdown;
        Ok(Cleaner::new(&self.clean)?.with_markdown(markdown))
    }
}

/// Lays `own` over `base`: tables merge key by key, anything else in `own`
/// replaces what `base` has.
fn merge_tables(base: &mut toml::Table, own: toml::Table) {
    for (key, value) in own {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge_tables(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Dotted keys whose values differ between two configs (as JSON, the form
/// the manifest keeps), for a message that says what changed.
pub fn differences(old: &serde_json::Value, new: &serde_json::Value) -> Vec<String> {
    fn walk(prefix: &str, a: &serde_json::Value, b: &serde_json::Value, out: &mut Vec<String>) {
        use serde_json::Value::Object;
        match (a, b) {
            (Object(x), Object(y)) => {
                let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
                for key in keys {
                    let null = serde_json::Value::Null;
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(
                        &path,
                        x.get(key).unwrap_or(&null),
                        y.get(key).unwrap_or(&null),
                        out,
                    );
                }
            }
            _ if a != b => out.push(prefix.to_string()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk("", old, new, &mut out);
    out
}

/// Renders a TOML error as `line N, column M: message (key `a.b`)`.
fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().to_string();
    match e.span() {
        Some(span) => {
            let line = line_of(text, span.start);
            let column = span.start - text[..span.start].rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

/// 1-based line number of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Line of `key`'s last segment (`dedup.threshold` → `threshold = …`), for
/// values validated without a span; line 1 when the key is not written out.
fn key_line(text: &str, key: &str) -> usize {
    let name = key.rsplit('.').next().unwrap_or(key);
    let name = name.split('[').next().unwrap_or(name);
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        let config = Config::parse("", Path::new("x.toml")).unwrap();
        assert_eq!(config.dataset.name, "sample");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let text = "[dataset]\nname = \"x\"\n\n[dedup]\nthreshhold = 0.5\n";
        let err = Config::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("threshhold"), "{err}");
        assert!(err.contains("line 5"), "{err}");
    }

    #[test]
    fn wrong_type_names_line() {
        let text = "[dedup]\nnum_perm = \"many\"\n";
        let err = Config::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn bad_regex_names_key_and_line() {
        let text = "[clean]\n\n[[clean.rules]]\nname = \"x\"\npattern = \"(unclosed\"\n";
        let err = Config::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("p.toml:5"), "{err}");
        assert!(err.contains("clean.rules[0].pattern"), "{err}");
    }

    #[test]
    fn out_of_range_value_names_its_line() {
        let text = "[dedup]\nnum_perm = 64\nthreshold = 1.5\n";
        let err = Config::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("p.toml:3: `dedup.threshold`"), "{err}");
    }

    #[test]
    fn missing_keys_take_the_shipped_value() {
        let shipped = serde_json::to_value(Config::builtin()).unwrap();
        let own = Config::parse("[dedup]\nthreshold = 0.8\n", Path::new("x.toml")).unwrap();
        let own = serde_json::to_value(own).unwrap();
        assert_eq!(differences(&shipped, &own), ["dedup.threshold"]);
        assert!(
            !Config::builtin().read.splitters.is_empty(),
            "the feed splitter ships"
        );
        let none = Config::parse("[read]\nsplitters = []\n", Path::new("x.toml")).unwrap();
        assert!(
            none.read.splitters.is_empty(),
            "an array given replaces the shipped one"
        );
    }

    #[test]
    fn dataset_name_must_be_plain() {
        for bad in ["../../x", "a/b", "", ".hidden", "x\\y"] {
            let text = format!("[dataset]\nname = {bad:?}\n");
            let err = Config::parse(&text, Path::new("p.toml"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("dataset.name"), "{err}");
        }
        Config::parse(
            "[dataset]\nname = \"news-2024_v1.2\"\n",
            Path::new("p.toml"),
        )
        .unwrap();
    }

    #[test]
    fn size_like_keys_are_range_checked_on_their_own_line() {
        let text = "[dedup]\nnum_perm = 1000000000\n";
        let err = Config::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("p.toml:2: `dedup.num_perm`"), "{err}");
        let text = "[dedup]\nnum_perm = 64\nshingle_size = 0\n";
        let err = Config::parse(text, Path::new("p.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("p.toml:3: `dedup.shingle_size`"), "{err}");
    }

    #[test]
    fn differences_name_dotted_keys() {
        let a = serde_json::json!({"dedup": {"threshold": 0.7, "seed": 1}, "x": [1]});
        let b = serde_json::json!({"dedup": {"threshold": 0.8, "seed": 1}, "x": [2]});
        assert_eq!(differences(&a, &b), ["dedup.threshold", "x"]);
    }

    #[test]
    fn hash_changes_with_settings() {
        let a = Config::default();
        let mut b = Config::default();
        b.dedup.threshold = 0.5;
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash(), Config::default().hash());
        assert_ne!(a.processing_hash(), b.processing_hash());
    }

    #[test]
    fn the_processing_hash_leaves_out_only_the_inputs() {
        let a = Config::default();
        let mut b = Config::default();
        b.dataset.inputs.push("feeds/new".into());
        assert_ne!(a.hash(), b.hash(), "the full hash is as before");
        assert_eq!(a.processing_hash(), b.processing_hash());
        b.dataset.inputs.clear();
        assert_eq!(a.processing_hash(), b.processing_hash());
        b.dataset.name = "other".into();
        assert_ne!(a.processing_hash(), b.processing_hash());
    }
}
