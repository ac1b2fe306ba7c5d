//! Messages on stderr: errors, warnings, the progress spinner, and what `-v` adds. Colour
//! only on a terminal (and never with `NO_COLOR`).

use std::io::{self, IsTerminal, Write};

/// A line on stderr. A closed stderr (`followup … 2>&1 | head`) loses the line, never the
/// run: `eprintln!` would panic. Control characters a value brought are written escaped.
pub fn line(msg: &str) {
    let _ = writeln!(io::stderr(), "{}", crate::util::printable(msg, true));
}

use crate::cli::{Cli, Color};

/// How messages reach stderr.
pub struct Ui {
    pub quiet: bool,
    verbose: bool,
    color: bool,
}

impl Ui {
    pub fn new(cli: &Cli) -> Ui {
        let color = match cli.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        Ui {
            quiet: cli.quiet,
            verbose: cli.verbose,
            color,
        }
    }

    /// A label, coloured: the one escape sequence stderr carries on purpose.
    fn labelled(&self, label: &str, code: &str, msg: &str) {
        let msg = crate::util::printable(msg, true);
        let _ = if self.color {
            writeln!(io::stderr(), "\x1b[{code}m{label}\x1b[0m {msg}")
        } else {
            writeln!(io::stderr(), "{label} {msg}")
        };
    }

    pub fn error(&self, msg: &str) {
        self.labelled("error:", "1;31", msg);
    }

    pub fn warn(&self, msg: &str) {
        if !self.quiet {
            self.labelled("warning:", "1;33", msg);
        }
    }

    /// A line of its own, unless `-q`.
    pub fn say(&self, msg: &str) {
        if !self.quiet {
            line(msg);
        }
    }

    /// A spinner counting rows on a terminal; hidden elsewhere and with `-q`.
    pub fn progress(&self, what: &str) -> indicatif::ProgressBar {
        if self.quiet || !io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new_spinner();
        if let Ok(style) =
            indicatif::ProgressStyle::with_template("{spinner} {msg}: {human_pos} ({per_sec})")
        {
            bar.set_style(style);
        }
        bar.set_message(what.to_string());
        // No ticking thread of its own: the spinner moves as rows are counted.
        bar
    }

    pub fn info(&self, msg: &str) {
        if self.verbose {
            line(msg);
        }
    }
}
