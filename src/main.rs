//! The `gleaner` binary: parse the command line, run one subcommand, turn the
//! outcome into a documented exit code. Everything else is in the library.

mod cli;
mod cmd;
mod progress;

use clap::Parser;

/// mimalloc instead of the system allocator: parsing and tagging make many
/// short-lived small allocations, which glibc's malloc serves slowly.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args = cli::Cli::parse();
    let format = args.log_format;
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
