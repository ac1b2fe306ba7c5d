//! `replay`: a policy tried night by night on an event log, against answers worked by hand
//! (`tests/fixtures/replay/README.md`) and a plain recount of a real log.

use std::collections::HashMap;

use crate::{Case, followup};

const RULES: &str = "tests/fixtures/replay/rules.toml";
const LOG: &str = "tests/fixtures/replay/log.csv";
const RANGE: [&str; 4] = ["--from", "2026-03-02", "--to", "2026-03-16"];

fn replay_json(rules: &str, log: &str, range: &[&str], more: &[&str]) -> serde_json::Value {
    let mut args = vec!["--rules", rules, "replay", log];
    args.extend(range);
    args.extend(["--format", "json"]);
    args.extend(more);
    let out = followup(&args);
    assert!(out.code == 0 || out.code == 3, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn a_hand_worked_event_log_replays_night_by_night() {
    let want = std::fs::read_to_string("tests/fixtures/replay/expected.csv").unwrap();
    let mut args = vec!["--rules", RULES, "replay", LOG];
    args.extend(RANGE);
    args.extend(["--by", "owner", "--format", "csv"]);
    Case::new(&args)
        .code(0)
        .stdout(&want)
        .stderr_has("4 auto-resolutions, 1 premature (25.0%), 23 awaiting ticket-days saved")
        .run();
}

#[test]
fn each_auto_resolution_meets_what_the_customer_and_the_desk_did_after() {
    let v = replay_json(RULES, LOG, &RANGE, &[]);
    let got: Vec<String> = v["policy"]["resolutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} premature={} replied_after={} desk={} saved={} inside={}",
                r["ticket"].as_str().unwrap(),
                r["date"].as_str().unwrap(),
                r["premature"],
                r["replied_after_days"],
                r["resolved_by_desk_at"].as_str().unwrap_or("never"),
                r["days_saved"],
                r["first_seen_inside"]
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            "T1 2026-03-06 premature=false replied_after=null desk=2026-03-16T10:00:00+00:00 saved=10 inside=false",
            "T3 2026-03-06 premature=true replied_after=2 desk=2026-03-10T11:00:00+00:00 saved=4 inside=false",
            "T2 2026-03-11 premature=false replied_after=null desk=2026-03-20T10:00:00+00:00 saved=9 inside=false",
            "T5 2026-03-16 premature=false replied_after=null desk=never saved=null inside=true",
        ]
    );
    let t = &v["policy"]["totals"];
    assert_eq!(t["actions"]["strike"], 15);
    assert_eq!(t["auto_resolutions"], 4);
    assert_eq!(t["premature_resolutions"], 1);
    assert_eq!(t["premature_rate"], 0.25);
    assert_eq!(t["awaiting_days_saved"], 23);
    assert_eq!(t["never_resolved_in_log"], 1);
    assert_eq!(t["first_seen_inside"]["auto_resolutions"], 1);
    assert_eq!(
        t["busiest_agent_day"],
        serde_json::json!({"assignee": "ana", "date": "2026-03-03", "actions": 2})
    );
    assert_eq!(v["log"]["tickets"], 5);
    assert_eq!(v["log"]["first_seen_inside"], 1);
    let assumed = v["assumptions"].to_string();
    assert!(
        assumed.contains("replies inferred from state changes"),
        "{assumed}"
    );
    assert!(
        assumed.contains("attempts: the log records none"),
        "{assumed}"
    );
}

#[test]
fn two_strikes_against_three_resolve_sooner_and_say_so_ticket_by_ticket() {
    let v = replay_json(
        RULES,
        LOG,
        &RANGE,
        &["--against", "tests/fixtures/replay/count2.toml"],
    );
    let b = &v["against"]["totals"];
    assert_eq!(b["actions"]["strike"], 11);
    assert_eq!(b["auto_resolutions"], 4);
    assert_eq!(b["premature_resolutions"], 1);
    assert_eq!(b["awaiting_days_saved"], 26);
    let d = &v["difference"];
    assert_eq!(d["totals"]["actions"]["strike"], -4);
    assert_eq!(d["totals"]["auto_resolutions"], 0);
    assert_eq!(d["totals"]["awaiting_days_saved"], 3);
    let moved: Vec<String> = d["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!(
                "{} {} -> {}",
                t["ticket"].as_str().unwrap(),
                t["policy"]["date"].as_str().unwrap(),
                t["against"]["date"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        moved,
        [
            "T1 2026-03-06 -> 2026-03-05",
            "T2 2026-03-11 -> 2026-03-10",
            "T3 2026-03-06 -> 2026-03-05",
            "T5 2026-03-16 -> 2026-03-13",
        ]
    );
    let t3 = v["against"]["resolutions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ticket"] == "T3")
        .unwrap()
        .clone();
    assert_eq!(t3["replied_after_days"], 3);
    assert_eq!(t3["premature"], true);
}

#[test]
fn the_same_rules_against_themselves_differ_in_nothing() {
    for (rules, log, range) in [
        (RULES, LOG, RANGE),
        (
            "examples/servicenow-eventlog.toml",
            "tests/fixtures/real/servicenow_eventlog.csv",
            ["--from", "2016-02-29", "--to", "2016-03-10"],
        ),
    ] {
        let v = replay_json(rules, log, &range, &["--against", rules]);
        assert_eq!(v["policy"]["nights"], v["against"]["nights"]);
        assert_eq!(v["policy"]["totals"], v["against"]["totals"]);
        assert_eq!(v["difference"]["tickets"], serde_json::json!([]));
        let d = &v["difference"]["totals"];
        assert_eq!(d["auto_resolutions"], 0);
        assert_eq!(d["awaiting_days_saved"], 0);
        assert!(d["actions"].as_object().unwrap().values().all(|x| *x == 0));
    }
}

#[test]
fn a_real_servicenow_log_replays_as_a_plain_recount_of_it_says() {
    let v = replay_json(
        "examples/servicenow-eventlog.toml",
        "tests/fixtures/real/servicenow_eventlog.csv",
        &["--from", "2016-02-29", "--to", "2016-03-10"],
        &[],
    );
    // The log read plainly: each incident's rows as (time, state), in file order.
    let mut rows: HashMap<String, Vec<(chrono::NaiveDateTime, String)>> = HashMap::new();
    let mut r = csv::Reader::from_path("tests/fixtures/real/servicenow_eventlog.csv").unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (number, state, updated) = (col("number"), col("incident_state"), col("sys_updated_at"));
    for rec in r.records() {
        let rec = rec.unwrap();
        let at = chrono::NaiveDateTime::parse_from_str(&rec[updated], "%d/%m/%Y %H:%M").unwrap();
        rows.entry(rec[number].to_string())
            .or_default()
            .push((at, rec[state].to_string()));
    }
    for v in rows.values_mut() {
        v.sort_by_key(|r| r.0);
    }
    let resolved: Vec<(String, String)> = v["policy"]["resolutions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ticket"].as_str().unwrap().to_string(),
                r["night"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(!resolved.is_empty(), "the cut has tickets to resolve");
    // Awaiting each night: the incidents whose newest row by 06:00 awaits the user, less
    // those the policy resolved on an earlier night.
    for night in v["policy"]["nights"].as_array().unwrap() {
        let date = night["date"].as_str().unwrap();
        let at = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(6, 0, 0)
            .unwrap();
        let awaiting = rows
            .iter()
            .filter(|(id, _)| !resolved.iter().any(|(t, n)| t == *id && n.as_str() < date))
            .filter(|(_, v)| {
                v.iter()
                    .rev()
                    .find(|r| r.0 <= at)
                    .is_some_and(|r| r.1 == "Awaiting User Info")
            })
            .count();
        assert_eq!(night["awaiting"], awaiting as u64, "{date}");
    }
    // What the desk really did: the first move to Resolved or Closed after the night.
    for r in v["policy"]["resolutions"].as_array().unwrap() {
        let id = r["ticket"].as_str().unwrap();
        let night = chrono::NaiveDate::parse_from_str(r["night"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap()
            .and_hms_opt(6, 0, 0)
            .unwrap();
        let real = rows[id]
            .iter()
            .find(|x| x.0 > night && (x.1 == "Resolved" || x.1 == "Closed"))
            .map(|x| format!("{}:00+00:00", x.0.format("%Y-%m-%dT%H:%M")));
        assert_eq!(
            r["resolved_by_desk_at"].as_str().map(String::from),
            real,
            "{id}"
        );
    }
}

#[test]
fn the_table_shows_totals_assumptions_and_the_busy_nights() {
    let mut args = vec!["--rules", RULES, "replay", LOG];
    args.extend(RANGE);
    args.extend([
        "--against",
        "tests/fixtures/replay/count2.toml",
        "--format",
        "table",
    ]);
    let out = Case::new(&args).code(0).run();
    insta::assert_snapshot!(out.stdout);
}

#[test]
fn bad_ranges_and_logs_are_refused_with_the_fix() {
    for (input, from, to, why) in [
        (
            LOG,
            "2026-03-16",
            "2026-03-02",
            "--to 2026-03-02 is before --from 2026-03-16",
        ),
        (
            LOG,
            "2026-3-x",
            "2026-03-02",
            "is not a date; write YYYY-MM-DD",
        ),
        (LOG, "2016-01-01", "2026-03-02", "replay at most 3660"),
        (
            "-",
            "2026-03-02",
            "2026-03-03",
            "no updated_at column; map it with [input.columns] updated_at",
        ),
    ] {
        Case::new(&[
            "--rules", RULES, "replay", input, "--from", from, "--to", to,
        ])
        .stdin("id,status,opened_at\nT1,Pending,2026-02-27 09:00\n")
        .code(2)
        .stderr_has(why)
        .run();
    }
    let text = std::fs::read_to_string(RULES).unwrap() + "\n[replay]\nreopen_window = \"5bd\"\n";
    Case::new(&["replay", LOG, "--from", "2026-03-02", "--to", "2026-03-03"])
        .rules(&text)
        .code(2)
        .stderr_has("[replay].reopen_window: \"5bd\" is not a length of time")
        .run();
}

#[test]
fn a_rejected_row_hides_its_ticket_while_it_is_the_newest() {
    // T1's row of Wednesday 08:00 does not read: from Thursday's night on it is T1's newest
    // row, so T1 is planned no more, and the replay says which row and why, exiting 3.
    let log = std::fs::read_to_string(LOG).unwrap()
        + "T1,Pending,2026-02-27 09:00,2026-03-03 08:00,ana\nT1,Bogus,2026-02-27 09:00,2026-03-04 08:00,ana\n";
    let out = Case::new(&[
        "--rules",
        RULES,
        "replay",
        "-",
        "--from",
        "2026-03-02",
        "--to",
        "2026-03-16",
        "--format",
        "json",
    ])
    .stdin(&log)
    .code(3)
    .stderr_has("status \"Bogus\" is not mapped to a state")
    .run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let nights = v["policy"]["nights"].as_array().unwrap();
    let awaiting: Vec<u64> = nights
        .iter()
        .map(|n| n["awaiting"].as_u64().unwrap())
        .collect();
    // From Thursday on T1 is not planned (its newest row was rejected); the others as before.
    assert_eq!(awaiting[..5], [0, 4, 3, 1, 2]);
    assert!(
        !v["policy"]["resolutions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ticket"] == "T1")
    );
}

mod invariants {
    //! Invariants over random event logs: a ticket is auto-resolved once at most, only on a
    //! night its newest row awaits the customer; the nights add up to the totals; a
    //! premature resolution had a reply within the window; a policy equals itself.

    use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
    use followup::config::Rules;
    use followup::engine::Kind;
    use followup::engine::replay::{Knows, Log, Totals, replay};
    use followup::ticket::{State, Ticket};
    use proptest::prelude::*;

    const STATES: [State; 4] = [
        State::Open,
        State::AwaitingCustomer,
        State::Resolved,
        State::Closed,
    ];

    fn start() -> DateTime<Utc> {
        "2026-03-02T00:00:00Z".parse().unwrap()
    }

    /// Up to eight tickets, each a few updates: (hours after the start, state).
    fn logs() -> impl Strategy<Value = Vec<Vec<(u32, usize)>>> {
        prop::collection::vec(
            prop::collection::vec((0u32..24 * 21, 0usize..4), 1..7),
            1..9,
        )
    }

    fn tickets(log: &[Vec<(u32, usize)>]) -> Vec<Ticket> {
        let mut out = Vec::new();
        for (i, rows) in log.iter().enumerate() {
            for &(h, s) in rows {
                let mut t = Ticket::new(&format!("T{i}"), STATES[s], start());
                t.updated_at = Some(start() + TimeDelta::hours(i64::from(h)));
                t.owner = Some(["ana", "ben"][i % 2].into());
                out.push(t);
            }
        }
        out
    }

    /// A ticket's state by its newest row at `at` (ties: the later in the log).
    fn state_at(rows: &[(u32, usize)], at: DateTime<Utc>) -> Option<State> {
        let mut best: Option<(u32, usize, usize)> = None;
        for (k, &(h, s)) in rows.iter().enumerate() {
            if start() + TimeDelta::hours(i64::from(h)) <= at
                && best.is_none_or(|b| (h, k) >= (b.0, b.2))
            {
                best = Some((h, s, k));
            }
        }
        best.map(|b| STATES[b.1])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(200)
        ))]

        #[test]
        fn replayed_nights_keep_their_invariants(log in logs(), count in 1u32..4) {
            let text = std::fs::read_to_string(super::RULES)
                .unwrap()
                .replace("count = 3", &format!("count = {count}"));
            let rules = Rules::parse("p.toml", &text).unwrap();
            let nights: Vec<(NaiveDate, DateTime<Utc>)> = (0..21)
                .map(|k| {
                    let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap() + TimeDelta::days(k);
                    (d, d.and_hms_opt(6, 0, 0).unwrap().and_utc())
                })
                .collect();
            let day = TimeDelta::hours(24);
            let built = Log::new(tickets(&log), Vec::new(), Knows::default());
            let r = replay(&built, &rules, &nights, day);
            let again = replay(&Log::new(tickets(&log), Vec::new(), Knows::default()), &rules, &nights, day);
            prop_assert_eq!(&r, &again);

            let mut seen = std::collections::HashSet::new();
            for x in &r.resolved {
                prop_assert!(seen.insert(x.ticket.clone()), "{} resolved twice", x.ticket);
                let i: usize = x.ticket[1..].parse().unwrap();
                let at = nights.iter().find(|n| n.0 == x.night).unwrap().1;
                prop_assert_eq!(state_at(&log[i], at), Some(State::AwaitingCustomer), "{} resolved while not awaiting", x.ticket);
                if x.premature {
                    let (when, _) = x.reply.expect("a premature resolution has a reply");
                    prop_assert!(when > at && when - at <= rules.replay.reopen_window);
                }
                if let Some((_, days)) = x.real {
                    prop_assert!(days >= 0);
                }
            }
            let totals = Totals::of(&r);
            let by_nights: u64 = r.nights.iter().map(|n| u64::from(n.count(Kind::Resolve))).sum();
            prop_assert_eq!(totals.resolutions, by_nights);
            prop_assert_eq!(totals.premature, r.nights.iter().map(|n| u64::from(n.premature)).sum::<u64>());
            for n in &r.nights {
                let at = nights.iter().find(|x| x.0 == n.date).unwrap().1;
                let resolved_before = |i: usize| r.resolved.iter().any(|x| x.ticket == format!("T{i}") && x.night < n.date);
                let awaiting = (0..log.len())
                    .filter(|&i| !resolved_before(i) && state_at(&log[i], at) == Some(State::AwaitingCustomer))
                    .count();
                prop_assert_eq!(n.awaiting as usize, awaiting, "{}", n.date);
                let actions: u32 = n.kinds.iter().sum();
                prop_assert_eq!(actions, n.by_assignee.values().sum::<u32>());
                prop_assert!(n.count(Kind::Strike) + n.count(Kind::Resolve) <= n.awaiting);
            }
        }
    }
}

#[test]
fn resolutions_beyond_the_safety_limit_are_held_back_as_run_holds_them() {
    // The 6th resolves two tickets (T1, T3): with a limit of one, run would hold both.
    let text = std::fs::read_to_string(RULES).unwrap() + "\n[run]\nmax_resolutions = 1\n";
    let out = Case::new(&["replay", LOG, "--from", "2026-03-02", "--to", "2026-03-06", "--format", "json"])
        .rules(&text)
        .code(0)
        .stderr_has("on 1 night more auto-resolutions were due than [run].max_resolutions (1) allows, and 2 were held back")
        .run();
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let held = &v["policy"]["totals"]["held_by_max_resolutions"];
    assert_eq!(held, &serde_json::json!({"resolutions": 2, "nights": 1}));
    assert_eq!(v["policy"]["totals"]["auto_resolutions"], 0);
}
