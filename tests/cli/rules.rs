//! The rules file: `rules check`, `show`, `init`, and errors with file, line and column.

use crate::{Case, fixture, fixture_abs, followup};

fn check_text(text: &str) -> crate::Out {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("rules.toml");
    std::fs::write(&p, text).unwrap();
    Case::new(&["rules", "check"]).dir(dir.path()).run()
}

#[test]
fn the_bundled_rules_are_valid() {
    let out = followup(&["rules", "check"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "rules.toml: valid (1 calendar, 3 strikes, 3 agents)\n"
    );
}

#[test]
fn every_problem_is_reported_with_line_and_column() {
    let out = followup(&["--rules", &fixture("broken_rules.toml"), "rules", "check"]);
    assert_eq!(out.code, 2);
    let stderr = out.stderr.replace(&fixture(""), "");
    insta::assert_snapshot!(stderr);
}

#[test]
fn unknown_keys_and_type_errors_point_at_the_key() {
    let out = check_text("[defaults]\ntimezone = \"UTC\"\ncolour = \"blue\"\n");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("rules.toml:3:1: unknown field `colour`"),
        "{}",
        out.stderr
    );
    let out = check_text("[strikes]\ncount = -1\n");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("rules.toml:2:9:"), "{}", out.stderr);
    let out = check_text("[strikes]\ncount = 0\n");
    assert!(
        out.stderr
            .contains("rules.toml:2:9: [strikes].count: must be at least 1"),
        "{}",
        out.stderr
    );
    let out = check_text("[hours\n");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("rules.toml:1:"), "{}", out.stderr);
}

#[test]
fn quiet_hours_that_leave_a_channel_no_window_are_an_error() {
    let out = check_text("[quiet_hours]\nphone = [\"08:00-18:00\"]\n");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("rules.toml:2:1: [quiet_hours]: channel phone has no window left"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_ladder_shorter_than_the_count_is_an_error() {
    let out = check_text(
        "[strikes]\ncount = 3\n[strikes.ladder]\ndefault = [[\"email\"], [\"email\"]]\n",
    );
    assert!(
        out.stderr
            .contains("rules.toml:4:11: [strikes.ladder].default: 2 rows for 3 strikes"),
        "{}",
        out.stderr
    );
    let out = check_text("[strikes.ladder]\ndefault = [[\"phone\"], [\"email\"], [\"email\"]]\n");
    assert!(
        out.stderr
            .contains("portal customers are called only on request"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_empty_rules_file_is_the_default_policy() {
    let out = check_text("");
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn show_prints_effective_rules_that_check_again() {
    let out = followup(&["rules", "show"]);
    assert_eq!(out.code, 0);
    assert!(
        out.stdout.contains("null_values = ["),
        "defaults are filled in"
    );
    let again = check_text(&out.stdout);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let out = Case::new(&["rules", "show"])
        .dir(tempfile::tempdir().unwrap().path())
        .env("FOLLOWUP_RULES", &fixture_abs("mapped.toml"))
        .run();
    assert!(
        out.stdout.contains("timezone = \"Europe/London\""),
        "FOLLOWUP_RULES is read: {}",
        out.stdout
    );
}

#[test]
fn init_writes_the_bundled_policy_and_never_overwrites_silently() {
    let dir = tempfile::tempdir().unwrap();
    let out = Case::new(&["rules", "init"]).dir(dir.path()).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    let written = std::fs::read_to_string(dir.path().join("rules.toml")).unwrap();
    assert_eq!(written, std::fs::read_to_string("rules.toml").unwrap());
    let out = Case::new(&["rules", "init"]).dir(dir.path()).run();
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--force"));
    let out = Case::new(&["rules", "init", "--force"])
        .dir(dir.path())
        .run();
    assert_eq!(out.code, 0);
}

/// `rules check` stopped at the first unknown key. Every mistake of a file with several is
/// reported in one pass, each with its line and column: unknown keys and tables, values of
/// the wrong type, unknown keys inside inline tables, and the checks of the values read.
#[test]
fn every_mistake_of_a_rules_file_is_reported_in_one_pass() {
    let out = check_text(
        "top = 1\n\
         [defaults]\n\
         timezone = \"Europe/Berln\"\n\
         colour = \"blue\"\n\
         [defautls]\n\
         x = 1\n\
         [strikes]\n\
         count = \"three\"\n\
         [types.billing]\n\
         steps = [{ after = \"4d\", from = \"opened_at\", bogus = 1 }, { after = 5, from = \"opened_at\" }]\n\
         [agents.alice]\n\
         nmae = \"Alice\"\n",
    );
    assert_eq!(out.code, 2);
    let at: Vec<&str> = out
        .stderr
        .lines()
        .map(|l| {
            let l = l.strip_prefix("error: ").unwrap_or(l);
            l.split(": ").next().unwrap()
        })
        .collect();
    assert_eq!(
        at,
        [
            "rules.toml:1:1",
            "rules.toml:3:12",
            "rules.toml:4:1",
            "rules.toml:5:2",
            "rules.toml:8:9",
            "rules.toml:10:46",
            "rules.toml:10:69",
            "rules.toml:12:1"
        ],
        "{}",
        out.stderr
    );
    for says in [
        "unknown field `top`",
        "unknown time zone \"Europe/Berln\"; did you mean \"Europe/Berlin\"?",
        "unknown field `colour`",
        "unknown field `defautls`",
        "did you mean `defaults`?",
        "invalid type: string \"three\", expected u32",
        "unknown field `bogus`",
        "invalid type: integer `5`, expected a string",
        "unknown field `nmae`",
        "did you mean `name`?",
    ] {
        assert!(out.stderr.contains(says), "{says}: {}", out.stderr);
    }
}

#[test]
fn a_run_mode_that_would_expose_drafts_or_an_unknown_layout_is_refused() {
    let out = check_text("[run]\nmode = \"0666\"\ndrafts = \"pdf\"\n");
    assert_eq!(out.code, 2, "{}", out.stderr);
    for part in [
        "rules.toml:2:8: [run].mode: \"0666\" is not a file mode followup writes with; use \"0600\" (the owner only), \"0640\"",
        "rules.toml:3:10: [run].drafts: \"pdf\" is not a choice; use \"by_assignee\", \"per_action\" or \"none\"",
    ] {
        assert!(out.stderr.contains(part), "{part}\n{}", out.stderr);
    }
    for bad in ["0700", "0644x", "0400", "04600", "0602"] {
        let out = check_text(&format!("[run]\nmode = \"{bad}\"\n"));
        assert_eq!(out.code, 2, "{bad}: {}", out.stderr);
    }
    for good in ["0600", "600", "0640", "0660", "0644"] {
        let out = check_text(&format!("[run]\nmode = \"{good}\"\n"));
        assert_eq!(out.code, 0, "{good}: {}", out.stderr);
    }
}

#[test]
fn a_template_that_cannot_finish_fails_the_check() {
    let bundled = std::fs::read_to_string(fixture_abs("../../rules.toml")).unwrap();
    let out = check_text(&format!(
        "{bundled}\n[templates.strike.email]\nsubject = \"x\"\nbody = \"\"\"{{% for a in range(10000) %}}{{% for b in range(10000) %}}{{% endfor %}}{{% endfor %}}\"\"\"\n\
         [templates.check_in.email]\nsubject = \"y\"\nbody = \"\"\"{{% for a in range(1000) %}}{{{{ 'x' * 100000 }}}}{{% endfor %}}\"\"\"\n"
    ));
    assert_eq!(out.code, 2, "{}", out.stderr);
    for part in [
        "a template cannot be drafted under [drafts]:",
        "strike (by email, on a sample ticket): template strike.email.body runs out of [drafts].fuel = 50000",
        "check_in (by email, on a sample ticket): template check_in.email.body renders more than [drafts].max_bytes = 65536 bytes",
    ] {
        assert!(out.stderr.contains(part), "{part}\n{}", out.stderr);
    }
}
