//! The `followup` binary: the clock and the arguments in, an exit code out.

fn main() {
    std::process::exit(followup::run(std::env::args_os(), chrono::Utc::now));
}
