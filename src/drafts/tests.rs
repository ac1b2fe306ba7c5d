//! Every built-in draft for a representative ticket, hostile export values, safe names.

use super::*;
use crate::engine::evaluate;
use crate::ticket::{Origin, Segment, State};
use chrono::{DateTime, Utc};

fn rules() -> Rules {
    Rules::parse("rules.toml", Rules::STARTER).unwrap()
}

/// The bundled rules with `extra` after them.
fn rules_with(extra: &str) -> Rules {
    Rules::parse("r.toml", &format!("{}\n{extra}", Rules::STARTER)).unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn ticket() -> Ticket {
    let mut t = Ticket::new(
        "INC0042",
        State::AwaitingCustomer,
        at("2026-11-18T15:40:00-05:00"),
    );
    t.kind = Some("support".into());
    t.subject = Some("VPN drops every few minutes".into());
    t.customer = Some("Maria Lopez".into());
    t.customer_email = Some("maria@acme.example".into());
    t.customer_phone = Some("+1 212 555 0143".into());
    t.owner = Some("bob".into());
    t.segment = Some(Segment::Business);
    t.awaiting_since = Some(at("2026-11-20T15:10:00-05:00"));
    t.pending_info = Some("the VPN client log from your laptop".into());
    t.last_public_comment = Some("Could you send us the VPN client log?".into());
    t.last_work_note = Some(WORK_NOTE.into());
    t.last_note = Some(WORK_NOTE.into());
    t
}

/// An internal note, which no draft the customer sees may hold.
const WORK_NOTE: &str = "Manager approval pending; reactivation set for Monday";

/// Drafts of the actions of `t` at `now`, with the channel forced to each in turn.
fn drafts_of(t: &Ticket, r: &Rules, now: &str, channels: &[Option<Channel>]) -> String {
    let d = Drafter::new(r).unwrap();
    let shared = std::sync::Arc::new(t.clone());
    let mut out = String::new();
    for mut a in evaluate(t, r, at(now), at(now), false).actions {
        for c in channels {
            if a.channel.is_some() {
                // One channel at a time: `every_channel_of_the_ladder_row_in_order` shows
                // the whole row.
                a.channel = *c;
                a.fallback_channels = crate::ticket::Channels::NONE;
            }
            let x = d.render(&a, &shared, r).unwrap();
            let ch = a.channel.map(|c| c.name()).unwrap_or("internal");
            out.push_str(&format!(
                "=== {} ({ch})\nSubject: {}\n{}\n",
                a.id(),
                x.subject,
                x.body
            ));
            if a.channel.is_none() {
                break;
            }
        }
    }
    out
}

const ALL: [Option<Channel>; 5] = [
    Some(Channel::Email),
    Some(Channel::Phone),
    Some(Channel::Chat),
    Some(Channel::Portal),
    Some(Channel::Mail),
];

#[test]
fn every_default_strike_draft() {
    let r = rules();
    let mut t = ticket();
    let mut s = drafts_of(&t, &r, "2026-11-23T14:00:00Z", &ALL);
    t.attempts = Some(2);
    t.last_attempt_at = Some(at("2026-11-20T11:00:00-05:00"));
    s.push_str(&drafts_of(&t, &r, "2026-11-23T14:00:00Z", &ALL));
    // No pending_info: what we last told them, and when we asked; then only when.
    t.pending_info = None;
    s.push_str(&drafts_of(
        &t,
        &r,
        "2026-11-23T14:00:00Z",
        &[Some(Channel::Email)],
    ));
    t.last_public_comment = None;
    s.push_str(&drafts_of(
        &t,
        &r,
        "2026-11-23T14:00:00Z",
        &[Some(Channel::Email)],
    ));
    assert!(
        !s.contains("Manager approval"),
        "a work note reached a customer:\n{s}"
    );
    insta::assert_snapshot!(s);
}

/// A work note read to a customer is a breach: `last_work_note`, and `last_note` unless
/// `[drafts].last_note = "public"`, never reach a strike or check-in, even through a rules
/// file's template; internal drafts may show them.
#[test]
fn a_work_note_never_reaches_a_customer_facing_draft() {
    let text = format!(
        "{}\n[templates.strike]\nsubject = \"S\"\nbody = \"[{{{{ ticket.last_work_note }}}}][{{{{ ticket.last_note }}}}][{{{{ ticket.last_public_comment }}}}]\"\n[templates.resolve]\nsubject = \"R\"\nbody = \"[{{{{ ticket.last_work_note }}}}]\"\n",
        Rules::STARTER
    );
    let r = Rules::parse("r.toml", &text).unwrap();
    let mut t = ticket();
    t.last_work_note = None;
    let s = drafts_of(&t, &r, "2026-11-23T14:00:00Z", &[Some(Channel::Email)]);
    assert!(
        s.contains("[][][Could you send us the VPN client log?]"),
        "{s}"
    );
    t.attempts = Some(3);
    t.last_attempt_at = Some(at("2026-11-20T11:00:00-05:00"));
    let s = drafts_of(&t, &r, "2026-11-23T14:00:00Z", &[None]);
    assert!(
        s.contains(&format!("[{WORK_NOTE}]")),
        "the resolution note may: {s}"
    );
    // A last_note that is what the customer was told may be quoted.
    let public = text.replace("last_note = \"internal\"", "last_note = \"public\"");
    let r = Rules::parse("r.toml", &public).unwrap();
    let mut t = ticket();
    t.last_work_note = None;
    t.last_public_comment = None;
    t.last_note = Some("We sent you a new VPN profile".into());
    let s = drafts_of(&t, &r, "2026-11-23T14:00:00Z", &[Some(Channel::Email)]);
    assert!(
        s.contains("[][We sent you a new VPN profile][We sent you a new VPN profile]"),
        "{s}"
    );
}

#[test]
fn every_default_check_in_draft_and_the_covering_variants() {
    let r = rules();
    let mut t = ticket();
    t.state = State::Resolved;
    t.resolved_at = Some(at("2026-11-16T10:00:00-05:00"));
    let mut s = drafts_of(&t, &r, "2026-11-23T15:00:00Z", &ALL);
    // Alice is out on the 27th: Carol covers, passing on what the customer was told, or
    // saying there is no news; never the work note.
    t.owner = Some("alice".into());
    t.resolved_at = Some(at("2026-11-20T10:00:00-05:00"));
    s.push_str(&drafts_of(
        &t,
        &r,
        "2026-11-27T15:00:00Z",
        &[Some(Channel::Email), Some(Channel::Phone)],
    ));
    t.last_public_comment = None;
    s.push_str(&drafts_of(
        &t,
        &r,
        "2026-11-27T15:00:00Z",
        &[Some(Channel::Email), Some(Channel::Phone)],
    ));
    assert!(
        !s.contains("Manager approval"),
        "a work note reached a customer:\n{s}"
    );
    insta::assert_snapshot!(s);
}

#[test]
fn internal_drafts_and_the_complaint_apology() {
    let r = rules();
    let mut t = ticket();
    t.attempts = Some(3);
    t.last_attempt_at = Some(at("2026-11-20T11:00:00-05:00"));
    let mut s = drafts_of(&t, &r, "2026-11-23T14:00:00Z", &[None]);
    t.attempts = Some(0);
    t.customer_ooo_until = Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
    s.push_str(&drafts_of(&t, &r, "2026-11-23T14:00:00Z", &[None]));
    t.customer_ooo_until = None;
    t.kind = Some("complaint".into());
    t.opened_at = at("2026-11-23T08:00:00-05:00");
    t.awaiting_since = Some(at("2026-11-20T15:10:00-05:00"));
    s.push_str(&drafts_of(
        &t,
        &r,
        "2026-11-23T14:00:00Z",
        &[Some(Channel::Email)],
    ));
    insta::assert_snapshot!(s);
}

#[test]
fn every_draft_names_the_ticket_agent_department_and_ways() {
    let r = rules();
    let d = Drafter::new(&r).unwrap();
    let mut t = ticket();
    t.origin = Origin::Known(Channel::Phone);
    for attempts in [0, 2, 3] {
        t.attempts = Some(attempts);
        t.last_attempt_at = Some(at("2026-11-20T11:00:00-05:00"));
        for a in evaluate(
            &t,
            &r,
            at("2026-11-23T14:00:00Z"),
            at("2026-11-23T14:00:00Z"),
            false,
        )
        .actions
        {
            let x = d.render(&a, &std::sync::Arc::new(t.clone()), &r).unwrap();
            for needle in ["INC0042", "Bob Okafor", "Service Desk", "+1 800 555 0100"] {
                assert!(
                    x.body.contains(needle),
                    "{} lacks {needle}:\n{}",
                    a.id(),
                    x.body
                );
            }
        }
    }
}

#[test]
fn export_values_are_data_never_template_code() {
    let r = rules();
    let mut t = ticket();
    t.customer = Some("{{ 7*7 }}".into());
    t.subject = Some("{% raw %}{% for x in y %}".into());
    t.pending_info = Some("{{ agent.name }}".into());
    let s = drafts_of(&t, &r, "2026-11-23T14:00:00Z", &[Some(Channel::Email)]);
    assert!(s.contains("Good day {{ 7*7 }},"), "{s}");
    assert!(s.contains("{% raw %}{% for x in y %}"), "{s}");
    assert!(
        s.contains("still need this from you: {{ agent.name }}."),
        "{s}"
    );
    assert!(!s.contains("49"));
}

#[test]
fn user_templates_override_by_kind_and_channel() {
    let r = rules_with(
        "[templates.strike.email]\nsubject = \"S {{ ticket.id }}\"\nbody = \"B {{ ticket.extra.region }} {{ agent.name }} {{ department }} {{ ways }}\"\n[templates.strike]\nsubject = \"K\"\nbody = \"KB\"\n",
    );
    assert!(
        r.warnings.iter().any(|w| w.message.contains("strike.body")),
        "{:?}",
        r.warnings
    );
    let mut t = ticket();
    t.extra
        .push((std::sync::Arc::from("region"), "EMEA".to_string()));
    let s = drafts_of(
        &t,
        &r,
        "2026-11-23T14:00:00Z",
        &[Some(Channel::Email), Some(Channel::Phone)],
    );
    assert!(
        s.contains("Subject: S INC0042\nE-mail\nB EMEA Bob Okafor Service Desk call us"),
        "{s}"
    );
    assert!(
        s.contains("Subject: K\nCall\nKB"),
        "kind-level for other channels: {s}"
    );
}

#[test]
fn a_users_email_template_is_not_read_out_on_a_call() {
    // Only an e-mail strike of the rules' own: a call still gets the built-in call script.
    let r = rules_with(
        "[templates.strike.email]\nsubject = \"Mail {{ ticket.id }}\"\nbody = \"Dear customer, {{ agent.name }}, {{ department }}, {{ ways }}, ticket {{ ticket.id }}\"\n",
    );
    let s = drafts_of(
        &ticket(),
        &r,
        "2026-11-23T14:00:00Z",
        &[Some(Channel::Email), Some(Channel::Phone)],
    );
    assert!(
        s.contains("(email)\nSubject: Mail INC0042\nE-mail\nDear customer"),
        "{s}"
    );
    assert!(
        s.contains("(phone)\nSubject: Call Maria Lopez about ticket INC0042"),
        "{s}"
    );
    assert!(!s.contains("(phone)\nSubject: Mail"), "{s}");
}

/// The representative ticket in another state, from another channel, with another owner
/// and number of attempts (the last on 11-20; resolved on 11-20 when it is).
fn varied(state: State, origin: Channel, owner: &str, attempts: u32) -> Ticket {
    let mut t = ticket();
    t.state = state;
    t.origin = Origin::Known(origin);
    t.owner = Some(owner.into());
    t.attempts = Some(attempts);
    t.last_attempt_at = Some(at("2026-11-20T11:00:00-05:00"));
    t.resolved_at = Some(at("2026-11-20T10:00:00-05:00"));
    t
}

mod never_a_work_note {
    use super::*;
    use proptest::prelude::*;

    const NOTE: &str = "WORKNOTE-7f3a internal only";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Whatever the ticket's state, attempts, owner (covered or not), channel and the
        /// day, no strike or check-in draft holds the work note, from `last_work_note` or an
        /// internal `last_note`.
        #[test]
        fn no_customer_facing_draft_holds_a_work_note(
            state in prop::sample::select(vec![State::AwaitingCustomer, State::Resolved, State::Open]),
            attempts in 0u32..4,
            owner in prop::sample::select(vec!["alice", "bob", "carol", "nobody"]),
            origin in prop::sample::select(vec![Channel::Email, Channel::Phone, Channel::Chat, Channel::Portal, Channel::Mail]),
            day in 23u32..30,
            hour in 0u32..24,
            in_last_note in any::<bool>(),
            public_comment in any::<bool>(),
        ) {
            let r = rules();
            let d = Drafter::new(&r).unwrap();
            let mut t = varied(state, origin, owner, attempts);
            t.pending_info = None;
            if !public_comment {
                t.last_public_comment = None;
            }
            if in_last_note {
                t.last_work_note = None;
                t.last_note = Some(NOTE.into());
            } else {
                t.last_work_note = Some(NOTE.into());
                t.last_note = None;
            }
            let now = at(&format!("2026-11-{day:02}T{hour:02}:00:00Z"));
            let shared = std::sync::Arc::new(t.clone());
            for a in evaluate(&t, &r, now, now + chrono::TimeDelta::days(3), false).actions {
                if a.kind.is_internal() {
                    continue;
                }
                let x = d.render(&a, &shared, &r).unwrap();
                prop_assert!(!x.body.contains(NOTE) && !x.subject.contains(NOTE), "{}:\n{}", a.id(), x.body);
            }
        }
    }
}

/// A Freshdesk assignee `67013469919` signed a draft as that number. A bare number `[agents]`
/// does not list is signed by the department; a listed one by its name.
#[test]
fn a_bare_number_assignee_is_signed_by_the_department() {
    let r = rules();
    let mut t = ticket();
    t.owner = Some("67013469919".into());
    let s = drafts_of(&t, &r, "2026-11-23T14:00:00Z", &ALL);
    assert!(!s.contains("67013469919"), "{s}");
    assert!(s.contains("This is the Service Desk."), "{s}");
    assert!(s.contains("Kind regards,\nService Desk\n"), "{s}");
    assert!(s.contains("Hi Maria Lopez, the Service Desk here."), "{s}");
    assert!(
        s.contains(", this is the Service Desk. I am calling"),
        "{s}"
    );
    let named = rules_with("[agents.67013469919]\nname = \"Dana Fox\"\n");
    let s = drafts_of(&t, &named, "2026-11-23T14:00:00Z", &[Some(Channel::Email)]);
    assert!(s.contains("This is Dana Fox from the Service Desk."), "{s}");
    let actions = evaluate(
        &t,
        &r,
        at("2026-11-23T14:00:00Z"),
        at("2026-11-23T14:00:00Z"),
        false,
    )
    .actions;
    assert_eq!(
        unnamed(&r, actions.iter().map(|a| a.assignee.as_str())),
        vec!["67013469919"]
    );
    assert!(unnamed(&named, actions.iter().map(|a| a.assignee.as_str())).is_empty());
}

/// Strike 1's ladder row is chat, then phone, then e-mail: its draft held only the chat, so
/// the agent whose chat went unanswered had nothing to read on the phone. It holds every
/// channel of the row in order, the call with its voicemail, each headed by its name.
#[test]
fn every_channel_of_the_ladder_row_in_order() {
    let r = rules();
    let d = Drafter::new(&r).unwrap();
    let mut t = ticket();
    t.origin = Origin::Known(Channel::Email);
    let shared = std::sync::Arc::new(t.clone());
    let a = evaluate(
        &t,
        &r,
        at("2026-11-23T14:00:00Z"),
        at("2026-11-23T14:00:00Z"),
        false,
    )
    .actions
    .remove(0);
    assert_eq!(a.channel, Some(Channel::Chat));
    assert_eq!(a.fallback_channels, vec![Channel::Phone, Channel::Email]);
    let x = d.render(&a, &shared, &r).unwrap();
    let headings: Vec<&str> = x
        .body
        .split("\n\n")
        .filter_map(|p| p.lines().next())
        .filter(|l| ["Chat", "Call", "Voicemail", "E-mail", "Letter", "Portal"].contains(l))
        .collect();
    assert_eq!(headings, ["Chat", "Call", "Voicemail", "E-mail"]);
    insta::assert_snapshot!(format!("Subject: {}\n{}", x.subject, x.body));
}

mod voicemail {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Every strike or check-in whose channels include the phone holds a voicemail with
        /// seed 004's five elements (the agent's name, the department, the ticket number,
        /// the short description, the reason for the contact), short enough to say in 30
        /// seconds (80 words at most).
        #[test]
        fn every_voicemail_holds_the_five_elements(
            state in prop::sample::select(vec![State::AwaitingCustomer, State::Resolved]),
            attempts in 0u32..3,
            owner in prop::sample::select(vec!["alice", "bob", "carol"]),
            origin in prop::sample::select(vec![Channel::Email, Channel::Phone, Channel::Chat, Channel::Portal]),
            day in 23u32..30,
            pending in any::<bool>(),
            public in any::<bool>(),
        ) {
            let r = rules();
            let d = Drafter::new(&r).unwrap();
            let mut t = varied(state, origin, owner, attempts);
            if !pending {
                t.pending_info = None;
            }
            if !public {
                t.last_public_comment = None;
            }
            let now = at(&format!("2026-11-{day:02}T14:00:00Z"));
            let shared = std::sync::Arc::new(t.clone());
            for a in evaluate(&t, &r, now, now + chrono::TimeDelta::days(3), false).actions {
                let phone = a.channel == Some(Channel::Phone) || a.fallback_channels.contains(&Channel::Phone);
                if a.kind.is_internal() || !phone {
                    continue;
                }
                let x = d.render(&a, &shared, &r).unwrap();
                let vm = x.body.split("\nVoicemail\n").nth(1);
                prop_assert!(vm.is_some(), "{}: no voicemail:\n{}", a.id(), x.body);
                let vm = vm.unwrap().split("\n\n").take(2).collect::<Vec<_>>().join("\n\n");
                let said = vm.split('"').nth(1).unwrap_or_default();
                let agent = r.agent(&a.assignee).and_then(|g| g.name.clone()).unwrap_or_default();
                for needle in [agent.as_str(), "Service Desk", "INC0042", "VPN drops every few minutes"] {
                    prop_assert!(said.contains(needle), "{}: the voicemail lacks {needle}:\n{said}", a.id());
                }
                let reason = ["we still need this from you", "We are waiting for your reply since", "We are checking that the issue is resolved"];
                prop_assert!(reason.iter().any(|r| said.contains(r)), "{}: no reason:\n{said}", a.id());
                prop_assert!(said.split_whitespace().count() <= 80, "{} words:\n{said}", said.split_whitespace().count());
            }
        }
    }
}

/// A customer's language chooses the rules' templates in it (`[templates.strike.email.de]`,
/// or `pt` for `pt-BR`), part by part over the default ones; another language gets the
/// default templates.
#[test]
fn a_customers_language_chooses_its_templates() {
    let r = rules_with(
        "[templates.strike.email.de]\nsubject = \"Ticket {{ ticket.id }}: wir brauchen Ihre Antwort\"\nbody = \"Guten Tag, hier ist {{ agent.name }} vom {{ department }}, zu Ticket {{ ticket.id }}. {{ ways }}\"\n[templates.check_in.pt]\nsubject = \"Ticket {{ ticket.id }}\"\nbody = \"Olá, {{ agent.name }}, {{ department }}, ticket {{ ticket.id }}, {{ ways }}\"\n",
    );
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let mut t = ticket();
    t.language = Some("de_DE".into());
    let s = drafts_of(
        &t,
        &r,
        "2026-11-23T14:00:00Z",
        &[Some(Channel::Email), Some(Channel::Chat)],
    );
    assert!(s.contains("Subject: Ticket INC0042: wir brauchen Ihre Antwort\nE-mail\nGuten Tag, hier ist Bob Okafor vom Service Desk"), "{s}");
    assert!(
        s.contains("(chat)\nSubject: Chat with Maria Lopez"),
        "no German chat: the default: {s}"
    );
    t.language = Some("fr".into());
    let s = drafts_of(&t, &r, "2026-11-23T14:00:00Z", &[Some(Channel::Email)]);
    assert!(s.contains("Good day Maria Lopez"), "{s}");
    t.language = Some("pt-BR".into());
    t.state = State::Resolved;
    t.resolved_at = Some(at("2026-11-16T10:00:00-05:00"));
    let s = drafts_of(&t, &r, "2026-11-23T15:00:00Z", &[Some(Channel::Phone)]);
    assert!(s.contains("Call\nOlá, Bob Okafor"), "{s}");
    // A language's templates are linted as the default ones are, and `fax` is no language.
    let r = rules_with("[templates.strike.email.de]\nsubject = \"S\"\nbody = \"Hallo\"\n");
    assert!(
        r.warnings.iter().any(|w| w
            .message
            .contains("strike.email.de.body: the draft does not name")),
        "{:?}",
        r.warnings
    );
    let fax = format!(
        "{}\n[templates.strike.fax]\nsubject = \"S\"\n",
        Rules::STARTER
    );
    assert!(Rules::parse("r.toml", &fax).is_err());
}

/// One snapshot of every kind × channel × variant: plain, covering (Alice out on the 27th),
/// last strike, complaint, no reason known, a language the rules write (German e-mail, the
/// rest falling back), and the actions only some tickets get (finding contact details, the
/// owner's follow-up when back).
#[test]
fn every_kind_channel_and_variant() {
    let r = rules_with(
        "[templates.strike.email.de]\nsubject = \"Ticket {{ ticket.id }}: wir brauchen Ihre Antwort\"\nbody = \"Guten Tag, hier ist {{ agent.name }} vom {{ department }}, zu Ticket {{ ticket.id }}. {{ ways }}\"\n",
    );
    let mut s = String::new();
    let mut variant = |name: &str, t: &Ticket, now: &str| {
        s.push_str(&format!("######## {name}\n"));
        s.push_str(&drafts_of(t, &r, now, &ALL));
    };
    let base = ticket();
    variant("strike 1", &base, "2026-11-23T14:00:00Z");
    let mut t = base.clone();
    t.attempts = Some(2);
    t.last_attempt_at = Some(at("2026-11-24T11:00:00-05:00"));
    t.owner = Some("alice".into());
    variant("last strike, covering", &t, "2026-11-27T14:00:00Z");
    let mut t = base.clone();
    t.kind = Some("complaint".into());
    variant("complaint", &t, "2026-11-23T14:00:00Z");
    let mut t = base.clone();
    t.pending_info = None;
    t.last_public_comment = None;
    t.awaiting_since = None;
    variant("no reason known", &t, "2026-11-23T14:00:00Z");
    let mut t = base.clone();
    t.language = Some("de".into());
    variant("German", &t, "2026-11-23T14:00:00Z");
    let mut t = varied(State::Resolved, Channel::Email, "bob", 0);
    t.resolved_at = Some(at("2026-11-16T10:00:00-05:00"));
    variant("check-in", &t, "2026-11-23T15:00:00Z");
    t.kind = Some("complaint".into());
    variant("check-in, complaint", &t, "2026-11-23T15:00:00Z");
    let mut t = varied(State::Resolved, Channel::Email, "alice", 0);
    t.last_followup_at = Some(at("2026-11-27T15:00:00Z"));
    variant("owner's follow-up when back", &t, "2026-11-30T15:00:00Z");
    let mut t = varied(State::Resolved, Channel::Phone, "bob", 0);
    t.resolved_at = Some(at("2026-11-16T10:00:00-05:00"));
    t.customer_phone = None;
    t.reach = crate::ticket::Reach { known: 1, has: 0 };
    let x = drafts_of(&t, &r, "2026-11-23T15:00:00Z", &[Some(Channel::Phone)]);
    s.push_str("######## no phone number: find the contact\n");
    s.push_str(&x);
    assert!(x.contains("find_contact-1 (internal)"), "{x}");
    assert!(s.contains("INC0042.owner_follow_up-1 (email)"), "{s}");
    insta::assert_snapshot!(s);
}

/// A covering draft of several channels named the owner's return in every part: it names it
/// once, in the first; the others say only that the owner is out.
#[test]
fn a_covering_draft_of_several_channels_names_the_return_once() {
    let r = rules();
    let d = Drafter::new(&r).unwrap();
    let mut t = varied(State::AwaitingCustomer, Channel::Email, "alice", 0);
    t.awaiting_since = Some(at("2026-11-25T10:00:00-05:00"));
    let a = evaluate(
        &t,
        &r,
        at("2026-11-27T14:00:00Z"),
        at("2026-11-27T14:00:00Z"),
        false,
    )
    .actions
    .remove(0);
    assert_eq!(a.covering_for.as_deref(), Some("alice"));
    assert!(a.fallback_channels.len() >= 2, "{a:?}");
    let x = d.render(&a, &std::sync::Arc::new(t), &r).unwrap();
    assert_eq!(x.body.matches("2026-11-30").count(), 1, "{}", x.body);
    assert!(x.body.matches("Alice Moreno").count() >= 3, "{}", x.body);
}

#[test]
fn every_built_in_template_renders_on_the_direct_path() {
    let r = rules();
    let d = Drafter::new(&r).unwrap();
    let missing: Vec<&str> = d
        .env
        .templates()
        .map(|(name, _)| name)
        .filter(|n| {
            n.starts_with("builtin/")
                && direct::Program::compile(&d.env, n, &mut direct::Slots::default()).is_none()
        })
        .collect();
    assert_eq!(missing, Vec::<&str>::new());
    let chosen = d.names.iter().flatten().flatten();
    let left: Vec<&str> = chosen
        .filter(|n| n.program.is_none())
        .map(|n| n.name.as_str())
        .collect();
    assert_eq!(left, Vec::<&str>::new());
}

/// Tidy as it was first written, a line at a time: the reference for the one-pass tidy.
fn tidy_by_lines(text: &str) -> String {
    let mut out = String::new();
    let mut blank = true;
    for raw in text.lines() {
        let rest = raw.trim_start();
        if rest.trim_end().is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
            continue;
        }
        out.push_str(&raw[..raw.len() - rest.len()]);
        let mut last_space = false;
        for c in rest.chars() {
            if !(c == ' ' && last_space) {
                out.push(c);
            }
            last_space = c == ' ';
        }
        out.truncate(out.trim_end().len());
        out.push('\n');
        blank = false;
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

mod tidy_in_one_pass {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn tidies_as_a_line_at_a_time(text in "[ a\t\r\n\u{3000}\u{a0}é]{0,60}") {
            prop_assert_eq!(super::super::tidy(&text), super::tidy_by_lines(&text));
        }
    }
}

mod words_copied_whole {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn reads_as_runs_of_white_space_folded(text in "[ a-z\t\n\u{a0}\u{2003}é]{0,24}") {
            let folded: Vec<&str> = text.split_whitespace().collect();
            prop_assert_eq!(words(&text), folded.join(" "));
        }
    }
}
