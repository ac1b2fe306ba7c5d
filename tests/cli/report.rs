//! `report`: the team lead's page. Its heat map equals the forecast cell for cell, it asks
//! for nothing from any other address, and a real browser renders it (when one is on the
//! machine; CI installs Chromium and requires it).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::{Case, NOW, followup};

/// The heat-map cells of a page: (key, date) → actions, from the `data-` attributes.
fn cells(html: &str) -> BTreeMap<(String, String), u64> {
    let attr = |tag: &str, name: &str| -> String {
        let from = tag.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        let len = tag[from..].find('"').unwrap();
        tag[from..from + len]
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&#x2f;", "/")
    };
    html.split("<rect")
        .skip(1)
        .filter(|t| t.contains("data-actions="))
        .map(|t| {
            let tag = &t[..t.find('>').unwrap()];
            (
                (attr(tag, "data-key"), attr(tag, "data-date")),
                attr(tag, "data-actions").parse().unwrap(),
            )
        })
        .collect()
}

/// The same-run forecast, from its csv.
fn forecast(rules: Option<&str>, file: &str, days: &str) -> BTreeMap<(String, String), u64> {
    let mut args = vec![];
    if let Some(r) = rules {
        args.extend(["--rules", r]);
    }
    args.extend([
        "--now", NOW, "forecast", file, "--days", days, "--format", "csv",
    ]);
    let out = followup(&args);
    assert!(out.code == 0 || out.code == 3, "{}", out.stderr);
    let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (
                (rec[1].to_string(), rec[0].to_string()),
                rec[2].parse().unwrap(),
            )
        })
        .collect()
}

fn page(rules: Option<&str>, file: &str, days: &str, out: &Path) -> String {
    let mut args = vec![];
    if let Some(r) = rules {
        args.extend(["--rules", r]);
    }
    let path = out.to_str().unwrap();
    args.extend(["--now", NOW, "report", file, "--out", path, "--days", days]);
    let run = followup(&args);
    assert!(run.code == 0 || run.code == 3, "{}", run.stderr);
    std::fs::read_to_string(out).unwrap()
}

/// Nothing on the page fetches from another address: no link, source, style or script
/// (the rules file shown in it may name addresses, as text), and its policy forbids every
/// request.
fn self_contained(html: &str) {
    let shown = html.find("<pre>").unwrap_or(html.len());
    let tags = &html[..shown];
    for bad in [
        "src=", "href=", "url(", "@import", "<script", "<link", "<iframe", "<object", "<embed",
    ] {
        assert!(!tags.contains(bad), "the page holds {bad}");
    }
    assert!(html.contains("content=\"default-src 'none'"));
}

#[test]
fn the_heat_map_equals_the_forecast_cell_for_cell() {
    let dir = tempfile::tempdir().unwrap();
    for (file, days) in [
        ("examples/accounts.csv", "28"),
        ("examples/tickets.csv", "14"),
    ] {
        let html = page(None, file, days, &dir.path().join("page.html"));
        let got = cells(&html);
        assert!(!got.is_empty(), "{file}: the page has cells");
        assert_eq!(got, forecast(None, file, days), "{file}");
        self_contained(&html);
    }
}

#[test]
fn a_generated_export_of_many_agents_keeps_to_the_forecast_and_stays_small() {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("many.csv");
    // Twenty-five agents, every state, strikes at every step, resolutions with check-ins.
    let mut text = String::from(
        "id,status,opened_at,owner,awaiting_since,attempts,last_attempt_at,resolved_at\n",
    );
    for i in 0..3000u32 {
        let day = 2 + i % 20;
        let (status, since, attempts, last, resolved) = match i % 4 {
            0 | 1 => (
                "Pending",
                format!("2026-11-{day:02}T15:00:00Z"),
                (i % 3).to_string(),
                String::new(),
                String::new(),
            ),
            2 => (
                "Open",
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ),
            _ => (
                "Resolved",
                String::new(),
                String::new(),
                String::new(),
                format!("2026-11-{day:02}T16:00:00Z"),
            ),
        };
        let last = if attempts.is_empty() || attempts == "0" {
            last
        } else {
            format!("2026-11-{:02}T15:30:00Z", day + 1)
        };
        text.push_str(&format!(
            "G{i},{status},2026-11-01T09:00:00Z,agent{:02},{since},{attempts},{last},{resolved}\n",
            i % 25
        ));
    }
    std::fs::write(&export, text).unwrap();
    let file = export.to_str().unwrap();
    let html = page(None, file, "28", &dir.path().join("page.html"));
    assert_eq!(cells(&html), forecast(None, file, "28"));
    assert!(html.len() < 2 << 20, "{} bytes", html.len());
    self_contained(&html);
}

#[test]
fn the_page_says_what_the_read_rejected_and_escapes_what_the_export_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("page.html");
    let export = "id,status,opened_at,owner,subject\n\
                  T1,Pending,2026-11-18T09:00:00Z,<script>alert(1)</script>,x\n\
                  T2,Nonsense,2026-11-18T09:00:00Z,ana,y\n";
    Case::new(&["report", "-", "--out", out.to_str().unwrap()])
        .now()
        .stdin(export)
        .code(3)
        .run();
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(!html.contains("<script>alert"), "the owner is escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt;"));
    assert!(html.contains("1 rejected"));
    assert!(html.contains("status &quot;Nonsense&quot; is not mapped"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode, 0o600,
            "the page holds customers' data: the owner's only"
        );
    }
}

#[test]
fn the_rules_file_may_replace_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("page.html");
    let rules = std::fs::read_to_string("rules.toml").unwrap()
        + "\n[report]\ntemplate = \"<p>{{ today.total }} today, {{ heat.rows | length }} agents, {{ rules_path }}</p>\"\n";
    Case::new(&[
        "report",
        "examples/tickets.csv",
        "--out",
        out.to_str().unwrap(),
    ])
    .now()
    .rules(&rules)
    .code(0)
    .run();
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.starts_with("<p>") && html.contains("today,") && html.ends_with(".toml</p>"),
        "{html}"
    );
    let broken = std::fs::read_to_string("rules.toml").unwrap()
        + "\n[report]\ntemplate = \"{% for x in %}\"\n";
    Case::new(&["rules", "check"])
        .rules(&broken)
        .code(2)
        .stderr_has("[report].template:")
        .run();
}

#[test]
fn the_page_shows_a_replay_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("page.html");
    let o = out.to_str().unwrap();
    Case::new(&[
        "--rules",
        "tests/fixtures/replay/rules.toml",
        "--now",
        "2026-03-02T06:00:00Z",
        "report",
        "tests/fixtures/replay/log.csv",
        "--out",
        o,
        "--replay",
        "2026-03-02..2026-03-16",
    ])
    .code(0)
    .run();
    Case::new(&[
        "report",
        "-",
        "--out",
        o,
        "--replay",
        "2026-03-02..2026-03-16",
    ])
    .stdin("id,status,opened_at\n")
    .code(2)
    .stderr_has("stdin cannot be read twice")
    .run();
    let html = std::fs::read_to_string(&out).unwrap();
    // The hand-worked nights (tests/fixtures/replay/README.md): 4 strikes on the 3rd, 2
    // resolutions on the 6th.
    assert!(html.contains("data-date=\"2026-03-03\" data-strikes=\"4\" data-resolutions=\"0\""));
    assert!(html.contains("data-date=\"2026-03-06\" data-strikes=\"1\" data-resolutions=\"2\""));
    assert!(html.contains("<td>awaiting ticket-days saved</td><td>23</td>"));
    self_contained(&html);
}

/// Chromium, when the machine has it; CI sets FOLLOWUP_BROWSER_TESTS=required.
fn chromium() -> Option<String> {
    let required = std::env::var("FOLLOWUP_BROWSER_TESTS").is_ok_and(|v| v == "required");
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = Command::new(name).arg("--version").output();
        if found.is_ok_and(|o| o.status.success()) {
            return Some(name.to_string());
        }
    }
    assert!(
        !required,
        "FOLLOWUP_BROWSER_TESTS=required and no Chromium found"
    );
    eprintln!("no Chromium on this machine: the browser test is skipped");
    None
}

/// Headless Chromium with no network to reach: every host resolves to nothing, and the
/// network log records any request the page makes.
fn headless(browser: &str, profile: &Path, netlog: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--window-size=1200,1800",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .arg(format!("--log-net-log={}", netlog.display()));
    c
}

/// Hosts Chromium itself calls (updates, time, accounts), whatever the page.
const BROWSER_OWN: [&str; 6] = [
    "google.com/",
    "googleapis.com/",
    "gstatic.com/",
    "gvt1.com/",
    "googleusercontent.com/",
    "chromium.org/",
];

/// The addresses a page asked for while Chromium loaded it (the browser's own calls left
/// out), from the network log; and the DOM as Chromium built it, and what it logged.
fn load(browser: &str, dir: &Path, name: &str, url: &str) -> (Vec<String>, String, String) {
    let netlog = dir.join(format!("{name}.netlog.json"));
    let out = headless(browser, &dir.join(format!("{name}.profile")), &netlog)
        .args(["--dump-dom", url])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log = std::fs::read_to_string(&netlog).unwrap_or_default();
    let mut asked: Vec<String> = log
        .split("\"url\":\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|u| !u.starts_with("file:") && !u.starts_with("data:") && !u.starts_with("about:"))
        .filter(|u| {
            !BROWSER_OWN
                .iter()
                .any(|h| u.split('?').next().unwrap_or(u).contains(h))
        })
        .map(String::from)
        .collect();
    asked.sort();
    asked.dedup();
    (
        asked,
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn the_request_check_sees_a_page_that_asks_for_an_image() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("asks.html");
    std::fs::write(&html, "<p>hi</p><img src=\"http://example.invalid/x.png\">").unwrap();
    let (asked, _, _) = load(
        &browser,
        dir.path(),
        "asks",
        &format!("file://{}", html.display()),
    );
    assert_eq!(asked, ["http://example.invalid/x.png"]);
}

#[test]
fn chromium_renders_the_page_offline_with_the_forecasts_figures() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("page.html");
    page(None, "examples/accounts.csv", "28", &html);
    let url = format!("file://{}", html.display());

    let (asked, dom, logged) = load(&browser, dir.path(), "page", &url);
    assert_eq!(asked, Vec::<String>::new(), "the page made requests");
    assert_eq!(cells(&dom), forecast(None, "examples/accounts.csv", "28"));
    assert!(
        !logged.contains(":CONSOLE"),
        "the page logged to the console: {logged}"
    );

    let shot = dir.path().join("page.png");
    let run = headless(
        &browser,
        &dir.path().join("p2"),
        &dir.path().join("shot.json"),
    )
    .arg(format!("--screenshot={}", shot.display()))
    .arg(&url)
    .output()
    .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let pixels = &buf[..info.buffer_size()];
    let step = info.color_type.samples();
    let mut colours = std::collections::HashSet::new();
    let mut dark = 0usize;
    for p in pixels.chunks(step) {
        colours.insert((p[0], p[1], p[2]));
        dark += usize::from(u32::from(p[0]) + u32::from(p[1]) + u32::from(p[2]) < 200);
    }
    assert!(
        colours.len() > 20,
        "the screenshot is blank: {} colours",
        colours.len()
    );
    assert!(
        dark > 1000,
        "the screenshot has no text or dark cells: {dark} dark pixels"
    );
}

#[test]
fn run_writes_the_page_into_the_days_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    Case::new(&["run", "examples/tickets.csv", "--out", o])
        .now()
        .code(0)
        .run();
    let html = std::fs::read_to_string(out.join("2026-11-23/report.html")).unwrap();
    // The first night: no earlier run, so the page forecasts the export as `forecast` does.
    assert_eq!(cells(&html), forecast(None, "examples/tickets.csv", "28"));
    self_contained(&html);
    let none = std::fs::read_to_string("rules.toml")
        .unwrap()
        .replace("report_days = 28", "report_days = 0");
    let out2 = dir.path().join("out2");
    Case::new(&[
        "run",
        "examples/tickets.csv",
        "--out",
        out2.to_str().unwrap(),
    ])
    .now()
    .rules(&none)
    .code(0)
    .run();
    assert!(!out2.join("2026-11-23/report.html").exists());
}

/// The page `run` writes is the one `report` writes of the same export and night (the
/// first, when the ledger knows nothing): counted in the plan's own read, or, when capacity
/// is levelled, from a read of its own. Read once, an export from stdin has its page too;
/// levelled, it cannot be read again for one, and `run` says so.
#[test]
fn the_days_page_is_the_report_of_the_same_night() {
    let dir = tempfile::tempdir().unwrap();
    let bundled = std::fs::read_to_string("rules.toml").unwrap();
    let levelled = bundled.replacen("# capacity = 8 ", "capacity = 8   ", 1);
    assert_ne!(levelled, bundled);
    let mut plain_page = String::new();
    for (name, text) in [("plain", &bundled), ("levelled", &levelled)] {
        let rules = dir.path().join(format!("{name}.toml"));
        std::fs::write(&rules, text).unwrap();
        let r = rules.to_str().unwrap();
        let out = dir.path().join(name);
        let o = out.to_str().unwrap();
        Case::new(&["--rules", r, "run", "examples/tickets.csv", "--out", o])
            .now()
            .code(0)
            .run();
        let page = dir.path().join(format!("{name}.html"));
        let p = page.to_str().unwrap();
        Case::new(&["--rules", r, "report", "examples/tickets.csv", "--out", p])
            .now()
            .code(0)
            .run();
        let want = std::fs::read_to_string(&page).unwrap();
        let got = std::fs::read_to_string(out.join("2026-11-23/report.html")).unwrap();
        assert!(got == want, "{name}: run's page differs from report's");
        let piped = dir.path().join(format!("{name}-stdin"));
        let o = piped.to_str().unwrap();
        let export = std::fs::read_to_string("examples/tickets.csv").unwrap();
        let stdin = Case::new(&["--rules", r, "run", "-", "--out", o])
            .now()
            .stdin(&export)
            .code(0);
        let from_stdin = piped.join("2026-11-23/report.html");
        if name == "plain" {
            stdin.run();
            let got = std::fs::read_to_string(&from_stdin).unwrap();
            let named = want.replace("read from examples&#x2f;tickets.csv:", "read from -:");
            assert_ne!(named, want);
            assert!(got == named, "from stdin, the page is the file's");
            plain_page = want;
        } else {
            stdin
                .stderr_has("capacity levelling reads it again for the page")
                .run();
            assert!(!from_stdin.exists());
        }
    }
    assert!(!plain_page.is_empty());
}
