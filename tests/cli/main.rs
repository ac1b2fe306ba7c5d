//! Integration tests: the real binary on files in `tests/fixtures/`, whole outputs compared.

mod calendars;
mod check;
mod drafts;
mod explain;
mod exports;
mod faults;
mod forecast;
mod forged;
mod fuzz_corpus;
mod input;
mod limits;
mod plan;
mod presets;
mod properties;
mod replay;
mod report;
mod rules;
mod run;
mod summary;
mod workday;

use assert_cmd::Command;

/// Monday 2026-11-23, 09:00 in New York: the instant the example export is planned for.
pub const NOW: &str = "2026-11-23T14:00:00Z";

pub struct Out {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// A run of `followup` in the repository root (so `./rules.toml` is the bundled policy),
/// with no planning variables inherited from the environment, and what it must give:
///
/// ```ignore
/// Case::new(&["plan"]).now().args(&["--format", "csv"]).stdin(CSV).code(0).stdout(WANT).run();
/// ```
///
/// Expectations are checked by `run`, which also returns the output for further checks.
pub struct Case {
    cmd: Command,
    args: Vec<String>,
    stdin: Option<Vec<u8>>,
    /// A rules file written for this case (kept until the case has run).
    rules: Option<tempfile::NamedTempFile>,
    code: Option<i32>,
    stdout: Option<String>,
    stdout_has: Vec<String>,
    stderr_has: Vec<String>,
}

impl Case {
    pub fn new(args: &[&str]) -> Case {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_followup"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .env_remove("FOLLOWUP_NOW")
            .env_remove("FOLLOWUP_RULES")
            .env_remove("FOLLOWUP_THREADS");
        Case {
            cmd,
            args: args.iter().map(|a| a.to_string()).collect(),
            stdin: None,
            rules: None,
            code: None,
            stdout: None,
            stdout_has: Vec::new(),
            stderr_has: Vec::new(),
        }
    }

    /// More arguments, after those given so far.
    pub fn args(mut self, args: &[&str]) -> Case {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// Plans for `NOW`.
    pub fn now(mut self) -> Case {
        self.args
            .splice(0..0, ["--now".to_string(), NOW.to_string()]);
        self
    }

    /// The rules file's text, written to a file of its own for this case.
    pub fn rules(mut self, text: &str) -> Case {
        let f = tempfile::Builder::new()
            .suffix(".toml")
            .tempfile()
            .expect("a temporary rules file");
        std::fs::write(f.path(), text).expect("the rules are written");
        let path = f.path().to_str().expect("a UTF-8 path").to_string();
        self.args.splice(0..0, ["--rules".to_string(), path]);
        self.rules = Some(f);
        self
    }

    pub fn stdin(mut self, s: &str) -> Case {
        self.stdin = Some(s.as_bytes().to_vec());
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

    /// The exit code it must end with.
    pub fn code(mut self, code: i32) -> Case {
        self.code = Some(code);
        self
    }

    /// The whole of stdout.
    pub fn stdout(mut self, want: &str) -> Case {
        self.stdout = Some(want.to_string());
        self
    }

    /// Something stdout must hold.
    pub fn stdout_has(mut self, part: &str) -> Case {
        self.stdout_has.push(part.to_string());
        self
    }

    /// Something stderr must hold.
    pub fn stderr_has(mut self, part: &str) -> Case {
        self.stderr_has.push(part.to_string());
        self
    }

    pub fn run(mut self) -> Out {
        self.cmd.args(&self.args);
        if let Some(input) = self.stdin.take() {
            self.cmd.write_stdin(input);
        }
        let o = self.cmd.output().expect("the binary runs");
        let out = Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8(o.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(o.stderr).expect("stderr is UTF-8"),
        };
        let args = self.args.join(" ");
        if let Some(code) = self.code {
            assert_eq!(
                out.code, code,
                "exit code of `{args}`; stderr:\n{}",
                out.stderr
            );
        }
        if let Some(want) = &self.stdout {
            assert_eq!(&out.stdout, want, "stdout of `{args}`");
        }
        for part in &self.stdout_has {
            assert!(
                out.stdout.contains(part),
                "stdout of `{args}` lacks {part:?}:\n{}",
                out.stdout
            );
        }
        for part in &self.stderr_has {
            assert!(
                out.stderr.contains(part),
                "stderr of `{args}` lacks {part:?}:\n{}",
                out.stderr
            );
        }
        drop(self.rules);
        out
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
