//! Hashes the models built into the binary (`data/models/`) when it is
//! built, so a run knows them (the manifest records them, `--version`
//! lists them) without reading all 16 MB of them at every start: hashing
//! them at run time touched every page, 16 MB more peak RSS for a run that
//! tags no names. `stages::built_in_models` reads the list back, and a test
//! checks it against the bytes the binary holds.

/// The files of `data/models/` that the binary includes.
const MODELS: [&str; 4] = ["html-lines.json", "ner-en.bin", "ner-kk.bin", "ner-ru.bin"];

fn main() {
    let mut hashes = Vec::new();
    for file in MODELS {
        let path = format!("data/models/{file}");
        println!("cargo:rerun-if-changed={path}");
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        hashes.push(format!(
            "{file}={:032x}",
            xxhash_rust::xxh3::xxh3_128(&bytes)
        ));
    }
    println!("cargo:rustc-env=GLEANER_MODEL_HASHES={}", hashes.join(","));
}
