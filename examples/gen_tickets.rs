//! A deterministic generator of realistic exports, for benchmarks and load tests.
//!
//! `cargo run --release --example gen_tickets -- --rows 1000000 --seed 7 [--format csv|ndjson] > tickets.csv`
//!
//! All states in realistic proportions (about 30% awaiting the customer), zones from every
//! continent, every channel and ticket type, owners with absences in the bundled rules,
//! attempts, replies, holidays and out-of-office customers, around 2026-11-23.

use std::io::{self, BufWriter, Write};

/// splitmix64: small, fast, and the same numbers on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const ZONES: [&str; 20] = [
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/Mexico_City",
    "America/St_Johns",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Moscow",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tokyo",
    "Asia/Singapore",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
];
const CHANNELS: [&str; 8] = [
    "phone",
    "email",
    "chat",
    "portal",
    "mail",
    "web",
    "self-service",
    "voice",
];
const TYPES: [&str; 7] = [
    "support",
    "support",
    "sales",
    "billing",
    "complaint",
    "suggestion",
    "",
];
const OWNERS: [&str; 12] = [
    "alice", "bob", "carol", "dan", "erin", "frank", "grace", "heidi", "ivan", "judy", "",
    "mallory",
];
const SUBJECTS: [&str; 8] = [
    "VPN drops every few minutes",
    "Invoice PDF will not open",
    "Cannot reset MFA",
    "Printer offline",
    "Charged twice",
    "Laptop battery swells",
    "Request for a quote",
    "Shared mailbox missing",
];
const FIRST: [&str; 8] = [
    "Maria", "Jonas", "Priya", "Tom", "Aroha", "Yuki", "Lucas", "Emma",
];
const LAST: [&str; 8] = [
    "Lopez", "Weber", "Raman", "Becker", "Ngata", "Tanaka", "Almeida", "Clarke",
];

/// Minutes before the base instant 2026-11-23T14:00:00Z, as RFC 3339.
fn ago(minutes: u64) -> String {
    let base = 1_795_442_400i64; // 2026-11-23T14:00:00Z
    let t = base - (minutes as i64) * 60;
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let (y, m, d) = civil(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Days since 1970-01-01 to (year, month, day) (Howard Hinnant's algorithm).
fn civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

const HEADER: [&str; 22] = [
    "id",
    "status",
    "opened_at",
    "type",
    "channel",
    "subject",
    "customer",
    "customer_email",
    "customer_tz",
    "customer_segment",
    "customer_ooo_until",
    "callback_requested",
    "owner",
    "updated_at",
    "awaiting_since",
    "last_customer_reply_at",
    "attempts",
    "last_attempt_at",
    "resolved_at",
    "last_followup_at",
    "last_note",
    "complex",
];

fn row(rng: &mut Rng, i: u64) -> Vec<String> {
    let state = match rng.below(100) {
        0..25 => rng.pick(&["New", "Open", "In Progress"]),
        25..55 => rng.pick(&["Pending", "Awaiting Caller", "Waiting for customer"]),
        55..65 => "On Hold",
        65..85 => rng.pick(&["Resolved", "Solved"]),
        85..97 => "Closed",
        _ => "Canceled",
    };
    let opened = 60 * 24 + rng.below(60 * 24 * 60);
    let updated = rng.below(opened);
    let awaiting = matches!(
        state,
        "Pending" | "Awaiting Caller" | "Waiting for customer"
    );
    let resolved = matches!(state, "Resolved" | "Solved" | "Closed");
    let first = rng.pick(&FIRST);
    let last = rng.pick(&LAST);
    let mut attempts = String::new();
    let mut last_attempt = String::new();
    let mut awaiting_since = String::new();
    let mut reply = String::new();
    if awaiting {
        let since = 60 + rng.below(60 * 24 * 10);
        awaiting_since = ago(since);
        let n = rng.below(5);
        if n > 0 {
            attempts = n.to_string();
            last_attempt = ago(rng.below(since));
        } else if rng.chance(50) {
            attempts = "0".into();
        }
        if rng.chance(15) {
            reply = ago(rng.below(since));
        }
    }
    let ooo = if rng.chance(5) {
        format!("2026-11-{:02}", 20 + rng.below(10))
    } else {
        String::new()
    };
    vec![
        format!("T{i:08}"),
        state.into(),
        ago(opened),
        rng.pick(&TYPES).into(),
        rng.pick(&CHANNELS).into(),
        rng.pick(&SUBJECTS).into(),
        format!("{first} {last}"),
        format!(
            "{}.{}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        ),
        if rng.chance(90) {
            rng.pick(&ZONES).into()
        } else {
            String::new()
        },
        rng.pick(&["business", "consumer", ""]).into(),
        ooo,
        if rng.chance(20) {
            "yes".into()
        } else {
            String::new()
        },
        rng.pick(&OWNERS).into(),
        ago(updated),
        awaiting_since,
        reply,
        attempts,
        last_attempt,
        if resolved {
            ago(rng.below(updated.max(1)))
        } else {
            String::new()
        },
        if rng.chance(20) {
            ago(rng.below(60 * 24 * 30))
        } else {
            String::new()
        },
        if rng.chance(60) {
            "Asked for the log file".into()
        } else {
            String::new()
        },
        if rng.chance(30) {
            "true".into()
        } else {
            String::new()
        },
    ]
}

fn main() -> io::Result<()> {
    let mut rows = 1000u64;
    let mut seed = 7u64;
    let mut ndjson = false;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || it.next().cloned().unwrap_or_default();
        match a.as_str() {
            "--rows" => rows = value().parse().unwrap_or(rows),
            "--seed" => seed = value().parse().unwrap_or(seed),
            "--format" => ndjson = value() == "ndjson",
            other => {
                eprintln!("unknown argument {other}; use --rows N --seed S --format csv|ndjson");
                std::process::exit(2);
            }
        }
    }
    let mut rng = Rng(seed);
    let out = io::stdout();
    let mut w = BufWriter::with_capacity(1 << 20, out.lock());
    if ndjson {
        for i in 0..rows {
            let r = row(&mut rng, i);
            let obj: serde_json::Map<String, serde_json::Value> = HEADER
                .iter()
                .zip(r)
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
                .collect();
            serde_json::to_writer(&mut w, &obj)?;
            w.write_all(b"\n")?;
        }
    } else {
        let mut c = csv::Writer::from_writer(w);
        c.write_record(HEADER)?;
        for i in 0..rows {
            c.write_record(row(&mut rng, i))?;
        }
        c.flush()?;
    }
    Ok(())
}
