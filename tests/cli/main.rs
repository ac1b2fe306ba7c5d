//! Integration tests: the real binary on files in `tests/fixtures/`, whole outputs compared.

mod check;
mod drafts;
mod explain;
mod forecast;
mod input;
mod plan;
mod presets;
mod properties;
mod rules;
mod run;
mod summary;

use assert_cmd::Command;

/// Monday 2026-11-23, 09:00 in New York: the instant the example export is planned for.
pub const NOW: &str = "2026-11-23T14:00:00Z";

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A run of `followup` in the repository root (so `./rules.toml` is the bundled policy),
/// with no planning variables inherited from the environment.
pub struct Case {
    cmd: Command,
}

impl Case {
    pub fn new(args: &[&str]) -> Case {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_followup"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("FOLLOWUP_NOW")
            .env_remove("FOLLOWUP_RULES")
            .args(args);
        Case { cmd }
    }

    pub fn stdin(mut self, s: &str) -> Case {
        self.cmd.write_stdin(s.to_string());
        self
    }

    pub fn env(mut self, k: &str, v: &str) -> Case {
        self.cmd.env(k, v);
        self
    }

    pub fn dir(mut self, d: &std::path::Path) -> Case {
        self.cmd.current_dir(d);
        self
    }

    pub fn run(mut self) -> Out {
        let o = self.cmd.output().expect("the binary runs");
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        }
    }
}

pub fn followup(args: &[&str]) -> Out {
    Case::new(args).run()
}

/// A fixture by its path from the repository root, where every case runs, so that paths in
/// outputs are the same on every machine.
pub fn fixture(name: &str) -> String {
    format!("tests/fixtures/{name}")
}

/// A fixture by its absolute path, for cases run elsewhere.
pub fn fixture_abs(name: &str) -> String {
    format!("{}/{}", env!("CARGO_MANIFEST_DIR"), fixture(name))
}
