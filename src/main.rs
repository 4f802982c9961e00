//! The `gleaner` binary: parse the command line, run one subcommand, turn the
//! outcome into a documented exit code. Everything else is in the library.

mod cli;
mod cmd;
mod progress;

/// mimalloc instead of the system allocator: parsing and tagging make many
/// short-lived small allocations, which glibc's malloc serves slowly. Its
/// memory goes without transparent huge pages
/// ([`gleaner::executors::huge_pages`]).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `gleaner --version`: the version and the built-in models' hashes (what
/// a release's manifest records under `models`).
fn long_version() -> String {
    let mut text = format!(
        "{}\nbuilt-in models (xxh3-128 of the files in data/models/):",
        env!("CARGO_PKG_VERSION")
    );
    for (file, hash) in gleaner::stages::built_in_models() {
        text.push_str(&format!("\n  {file}  {hash}"));
    }
    text
}

/// With `--log-format json`, a panic is said as one JSON line too. A
/// parser's panic is contained (its file is skipped and the run goes on),
/// but the default hook's plain "thread … panicked at …" lines broke a log
/// collector's stream of JSON objects.
fn json_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = gleaner::read::panic_message(info.payload());
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()));
        eprintln!(
            "{}",
            serde_json::json!({
                "level": "error",
                "event": "panic",
                "message": message,
                "location": location,
                "thread": std::thread::current().name(),
            })
        );
    }));
}

fn main() {
    gleaner::executors::huge_pages::turn_off();
    let args = cli::Cli::parse_with_long_version(long_version());
    let format = args.log_format;
    if format == cli::LogFormat::Json {
        json_panic_hook();
    }
    let code = match cmd::dispatch(args) {
        Ok(()) => 0,
        Err(failure) => {
            let code = failure.exit_code();
            match format {
                cli::LogFormat::Text => eprintln!("error: {failure}"),
                cli::LogFormat::Json => eprintln!(
                    "{}",
                    serde_json::json!({
                        "level": "error",
                        "exit_code": code,
                        "message": failure.to_string(),
                    })
                ),
            }
            code
        }
    };
    std::process::exit(code);
}
