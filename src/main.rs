//! The `gleaner` binary: parse the command line, run one subcommand, turn the
//! outcome into a documented exit code. Everything else is in the library.

mod cli;
mod cmd;
mod progress;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    let code = match cmd::dispatch(args) {
        Ok(()) => 0,
        Err(failure) => {
            eprintln!("error: {failure}");
            failure.exit_code()
        }
    };
    std::process::exit(code);
}
