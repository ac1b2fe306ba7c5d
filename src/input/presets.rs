//! What each ticket system's export calls things: column names (the first one an export has
//! is used, so one preset reads both a system's CSV and its JSON), status and channel values,
//! and time formats. `[input.columns]`, `[input.status]` and `[input.channels]` go over them.

use crate::ticket::{Channel, Field, State};

pub struct Preset {
    pub name: &'static str,
    pub columns: &'static [(Field, &'static [&'static str])],
    pub status: &'static [(&'static str, State)],
    pub channels: &'static [(&'static str, Channel)],
    pub date_formats: &'static [&'static str],
    pub null_values: &'static [&'static str],
}

impl Preset {
    /// The column names to try for a field, in order.
    pub fn candidates(&self, f: Field) -> Vec<&'static str> {
        match self.columns.iter().find(|(x, _)| *x == f) {
            Some((_, names)) => names.to_vec(),
            None if self.name == "generic" => vec![f.name()],
            None => Vec::new(),
        }
    }
}

pub const NAMES: [&str; 5] = ["generic", "servicenow", "zendesk", "jira", "freshdesk"];

pub fn get(name: &str) -> Option<&'static Preset> {
    [&GENERIC, &SERVICENOW, &ZENDESK, &JIRA, &FRESHDESK]
        .into_iter()
        .find(|p| p.name == name)
}

/// The canonical names of SPEC §2.
pub static GENERIC: Preset = Preset {
    name: "generic",
    columns: &[(Field::StatusDetail, &["status_detail"])],
    status: &[],
    channels: &[],
    date_formats: &[],
    null_values: &[],
};

/// ServiceNow incident list export (CSV or JSON; element names as the export writes them).
/// Times are naive, in the exporting user's zone: set `[input].timezone`. An incident "On
/// Hold" with hold reason "Awaiting Caller" reads as "On Hold - Awaiting Caller".
pub static SERVICENOW: Preset = Preset {
    name: "servicenow",
    columns: &[
        // Element names (the CSV and JSON exports), then labels (the Excel export).
        (Field::Id, &["number", "Number"]),
        (
            Field::Status,
            &["state", "incident_state", "State", "Incident state"],
        ),
        (Field::StatusDetail, &["hold_reason", "On hold reason"]),
        (
            Field::OpenedAt,
            &["opened_at", "sys_created_on", "Opened", "Created"],
        ),
        (Field::UpdatedAt, &["sys_updated_on", "Updated"]),
        (Field::Channel, &["contact_type", "Channel", "Contact type"]),
        (Field::Subject, &["short_description", "Short description"]),
        (Field::Customer, &["caller_id", "caller_id.name", "Caller"]),
        (Field::CustomerEmail, &["caller_id.email", "Caller.Email"]),
        (
            Field::CustomerPhone,
            &["caller_id.phone", "caller_id.mobile_phone"],
        ),
        (Field::CustomerTz, &["caller_id.time_zone"]),
        (
            Field::Owner,
            &["assigned_to", "assigned_to.name", "Assigned to"],
        ),
        (Field::Type, &["u_followup_type"]),
        (Field::ResolvedAt, &["resolved_at", "Resolved"]),
        (
            Field::ReactivationAt,
            &["u_reactivation_date", "reactivation_date"],
        ),
        // ServiceNow keeps what the caller sees and what only agents see apart.
        (
            Field::LastPublicComment,
            &["comments", "Additional comments"],
        ),
        (Field::LastWorkNote, &["work_notes", "Work notes"]),
        (Field::Calendar, &["u_calendar"]),
    ],
    status: &[
        ("canceled", State::Canceled),
        ("awaiting evidence", State::OnHold),
        ("awaiting problem", State::OnHold),
        ("awaiting vendor", State::OnHold),
        ("awaiting change", State::OnHold),
        ("on hold - awaiting change", State::OnHold),
        ("on hold - awaiting problem", State::OnHold),
        ("on hold - awaiting vendor", State::OnHold),
        ("on hold - awaiting evidence", State::OnHold),
        ("1", State::Open),
        ("2", State::Open),
        ("3", State::OnHold),
        ("6", State::Resolved),
        ("7", State::Closed),
        ("8", State::Canceled),
    ],
    channels: &[
        ("self-service", Channel::Portal),
        ("virtual agent", Channel::Chat),
        ("walk-in", Channel::Phone),
    ],
    date_formats: &["%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"],
    null_values: &[],
};

/// Zendesk: the API's JSON (`{"tickets": [...]}`, `via.channel`, side-loaded `requester`)
/// and the CSV export of the Reporting page.
pub static ZENDESK: Preset = Preset {
    name: "zendesk",
    columns: &[
        (Field::Id, &["id", "Id"]),
        (Field::Status, &["status", "Status"]),
        (Field::OpenedAt, &["created_at", "Created at"]),
        (Field::UpdatedAt, &["updated_at", "Updated at"]),
        (Field::Channel, &["via.channel", "Via"]),
        (Field::Subject, &["subject", "Subject"]),
        (Field::Type, &["type", "Ticket type"]),
        (
            Field::Customer,
            &[
                "requester.name",
                "Requester",
                "requester_id",
                "Requester id",
            ],
        ),
        (
            Field::CustomerEmail,
            &["requester.email", "Requester email"],
        ),
        (
            Field::CustomerPhone,
            &["requester.phone", "Requester phone"],
        ),
        (
            Field::CustomerTz,
            &["requester.time_zone", "Requester time zone"],
        ),
        // Zendesk keeps a user's language as their locale.
        (Field::Language, &["requester.locale", "Requester locale"]),
        (
            Field::Owner,
            &["assignee.name", "Assignee", "assignee_id", "Assignee id"],
        ),
        (
            Field::ResolvedAt,
            &["solved_at", "Solved at", "metric_set.solved_at"],
        ),
        (
            Field::LastCustomerReplyAt,
            &["metric_set.requester_updated_at", "Requester updated at"],
        ),
        (Field::AwaitingSince, &["metric_set.status_updated_at"]),
    ],
    status: &[("new", State::Open), ("hold", State::OnHold)],
    channels: &[
        ("web", Channel::Portal),
        ("web_widget", Channel::Portal),
        ("web form", Channel::Portal),
        ("native_messaging", Channel::Chat),
        ("chat", Channel::Chat),
        ("voice", Channel::Phone),
        ("phone call (incoming)", Channel::Phone),
        ("mail", Channel::Email),
    ],
    date_formats: &["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"],
    // The CSV export writes this for "never".
    null_values: &["1900-01-01 00:00:00"],
};

/// Jira Service Management: the issue navigator's "CSV (all fields)" export.
pub static JIRA: Preset = Preset {
    name: "jira",
    columns: &[
        (Field::Id, &["Issue key"]),
        (Field::Status, &["Status"]),
        (Field::OpenedAt, &["Created"]),
        (Field::UpdatedAt, &["Updated"]),
        (Field::Subject, &["Summary"]),
        (
            Field::Type,
            &["Custom field (Request Type)", "Request Type", "Issue Type"],
        ),
        (
            Field::Channel,
            &[
                "Custom field (Source)",
                "Custom field (Request channel type)",
            ],
        ),
        (Field::Customer, &["Reporter", "Custom field (Customer)"]),
        (Field::Owner, &["Assignee"]),
        (Field::ResolvedAt, &["Resolved"]),
        (
            Field::LastCustomerReplyAt,
            &["Custom field (Last customer comment)"],
        ),
        (Field::CustomerTz, &["Custom field (Time zone)"]),
        (Field::Language, &["Custom field (Request language)"]),
    ],
    status: &[
        ("waiting for support", State::Open),
        ("escalated", State::Open),
        ("to do", State::Open),
        ("done", State::Resolved),
        ("declined", State::Canceled),
        ("won't do", State::Canceled),
    ],
    channels: &[
        ("portal", Channel::Portal),
        ("jira", Channel::Portal),
        ("widget", Channel::Portal),
    ],
    date_formats: &["%d/%b/%y %I:%M %p", "%d/%b/%Y %I:%M %p", "%Y-%m-%d %H:%M"],
    null_values: &[],
};

/// Freshdesk: the tickets CSV export and the API's JSON (numeric status and source codes,
/// `stats.pending_since`, `stats.requester_responded_at`).
pub static FRESHDESK: Preset = Preset {
    name: "freshdesk",
    columns: &[
        (Field::Id, &["Ticket ID", "id"]),
        (Field::Status, &["Status", "status"]),
        (Field::OpenedAt, &["Created time", "created_at"]),
        (Field::UpdatedAt, &["Last update time", "updated_at"]),
        (Field::Channel, &["Source", "source"]),
        (Field::Subject, &["Subject", "subject"]),
        (Field::Type, &["Type", "type"]),
        (
            Field::Customer,
            &["Full name", "Contact", "requester.name", "requester_id"],
        ),
        (Field::CustomerEmail, &["Email", "requester.email"]),
        (
            Field::CustomerPhone,
            &["Phone", "Work phone", "requester.phone"],
        ),
        (Field::CustomerTz, &["Time zone", "requester.time_zone"]),
        (Field::Language, &["Language", "requester.language"]),
        (Field::Owner, &["Agent", "responder_id"]),
        (Field::ResolvedAt, &["Resolved time", "stats.resolved_at"]),
        (Field::AwaitingSince, &["stats.pending_since"]),
        (
            Field::LastCustomerReplyAt,
            &["stats.requester_responded_at"],
        ),
    ],
    status: &[
        ("2", State::Open),
        ("3", State::AwaitingCustomer),
        ("4", State::Resolved),
        ("5", State::Closed),
        ("6", State::AwaitingCustomer),
        ("7", State::OnHold),
        ("waiting on third party", State::OnHold),
    ],
    channels: &[
        ("1", Channel::Email),
        ("2", Channel::Portal),
        ("3", Channel::Phone),
        ("7", Channel::Chat),
        ("9", Channel::Portal),
        ("10", Channel::Email),
        ("feedback widget", Channel::Portal),
        ("outbound email", Channel::Email),
    ],
    date_formats: &["%Y-%m-%d %H:%M:%S", "%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M"],
    null_values: &[],
};
