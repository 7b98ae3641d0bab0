//! The `medreview` command: parses the command line and maps the result of
//! [`medreview::run`] to an exit status. Everything else is library code.

use clap::Parser;

fn main() {
    let cli = medreview::cli::Cli::parse();
    std::process::exit(medreview::run(cli));
}
