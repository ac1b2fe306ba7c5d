//! The canonical ticket: what the engine knows of one export row, whatever system wrote it.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// A medium of contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Channel {
    Phone,
    Email,
    Chat,
    Portal,
    Mail,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Phone,
        Channel::Email,
        Channel::Chat,
        Channel::Portal,
        Channel::Mail,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Channel::Phone => "phone",
            Channel::Email => "email",
            Channel::Chat => "chat",
            Channel::Portal => "portal",
            Channel::Mail => "mail",
        }
    }

    pub fn from_name(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Index into per-channel tables.
    pub fn index(self) -> usize {
        self as usize
    }
}

impl std::fmt::Display for Channel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Channels in order of preference, each at most once: at most five, kept inline, so an
/// action's channels cost no allocation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Channels {
    len: u8,
    items: [Channel; 5],
}

impl Channels {
    pub const NONE: Channels = Channels {
        len: 0,
        items: [Channel::Phone; 5],
    };
}

impl FromIterator<Channel> for Channels {
    /// Keeps the first of each channel.
    fn from_iter<I: IntoIterator<Item = Channel>>(iter: I) -> Channels {
        let mut cs = Channels::NONE;
        for c in iter {
            if !cs.contains(&c) {
                cs.items[cs.len as usize] = c;
                cs.len += 1;
            }
        }
        cs
    }
}

impl std::ops::Deref for Channels {
    type Target = [Channel];

    fn deref(&self) -> &[Channel] {
        &self.items[..self.len as usize]
    }
}

impl std::fmt::Debug for Channels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq<Vec<Channel>> for Channels {
    fn eq(&self, other: &Vec<Channel>) -> bool {
        **self == other[..]
    }
}

/// Where the customer reached us from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Origin {
    /// No channel in the export.
    Absent,
    Known(Channel),
    /// A value no mapping knows; planned with the `default` ladder and counted in a warning.
    Unknown(String),
}

impl Origin {
    pub fn channel(&self) -> Option<Channel> {
        match self {
            Origin::Known(c) => Some(*c),
            _ => None,
        }
    }
}

/// The lifecycle state a raw status maps to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum State {
    Open,
    AwaitingCustomer,
    OnHold,
    Resolved,
    Closed,
    Canceled,
}

impl State {
    pub const ALL: [State; 6] = [
        State::Open,
        State::AwaitingCustomer,
        State::OnHold,
        State::Resolved,
        State::Closed,
        State::Canceled,
    ];

    pub fn name(self) -> &'static str {
        match self {
            State::Open => "open",
            State::AwaitingCustomer => "awaiting_customer",
            State::OnHold => "on_hold",
            State::Resolved => "resolved",
            State::Closed => "closed",
            State::Canceled => "canceled",
        }
    }

    pub fn from_name(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|x| x.name() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    Business,
    Consumer,
}

pub use crate::time::DateOrTime;

/// What the export says of the customer's contact details: the columns it has, and which
/// of them this ticket fills. A column the export lacks is no evidence (the agent looks the
/// number up in the ticket system); a blank one is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reach {
    /// Per channel that needs one (phone, e-mail, mail): the export has its column.
    pub known: u8,
    /// ... and this ticket's value is not blank.
    pub has: u8,
}

impl Reach {
    /// The bit of the contact a channel needs; none for chat and the portal, which reach the
    /// customer through the ticket.
    pub fn bit(c: Channel) -> u8 {
        match c {
            Channel::Phone => 1,
            Channel::Email => 2,
            Channel::Mail => 4,
            Channel::Chat | Channel::Portal => 0,
        }
    }

    /// The field that holds a channel's contact.
    pub fn field(c: Channel) -> Option<Field> {
        match c {
            Channel::Phone => Some(Field::CustomerPhone),
            Channel::Email => Some(Field::CustomerEmail),
            Channel::Mail => Some(Field::CustomerAddress),
            Channel::Chat | Channel::Portal => None,
        }
    }

    /// The export has the column for the channel's contact, and this ticket's is blank.
    pub fn lacks(self, c: Channel) -> bool {
        let b = Reach::bit(c);
        self.known & b != 0 && self.has & b == 0
    }

    /// The bit of what we ask the customer: `pending_info` or `last_public_comment`.
    pub const ASK: u8 = 8;

    /// The export has a column for what we wait for from the customer (or what we last told
    /// them), and this ticket's is blank: a strike has nothing recorded to ask.
    pub fn asks_nothing(self) -> bool {
        self.known & Reach::ASK != 0 && self.has & Reach::ASK == 0
    }
}

/// One ticket, with every value parsed. Optional fields are `None` when the export left
/// them blank or null.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Ticket {
    /// Ids, statuses, types and owners are short: inline, they cost a row no allocation.
    pub id: CompactString,
    /// The status as the export wrote it.
    pub status: CompactString,
    pub state: State,
    #[serde(with = "pack::instant")]
    pub opened_at: DateTime<Utc>,
    pub kind: Option<CompactString>,
    pub origin: Origin,
    pub subject: Option<String>,
    pub customer: Option<String>,
    pub customer_email: Option<String>,
    pub customer_phone: Option<String>,
    pub customer_address: Option<String>,
    /// The customer's language (`de`, `pt-BR`): it chooses the templates of that language.
    pub language: Option<String>,
    /// Which contact details the export has for the customer.
    pub reach: Reach,
    #[serde(with = "pack::zone_opt")]
    pub customer_tz: Option<Tz>,
    pub segment: Option<Segment>,
    #[serde(with = "pack::day_opt")]
    pub customer_ooo_until: Option<NaiveDate>,
    pub callback_requested: bool,
    /// Local minute of the day.
    pub preferred_time: Option<u16>,
    /// Index of `Rules::calendar`: the ticket's calendar, else its customer's country's.
    pub calendar: Option<usize>,
    /// The customer's country or subdivision code, as the export wrote it.
    pub customer_country: Option<CompactString>,
    pub owner: Option<CompactString>,
    #[serde(with = "pack::instant_opt")]
    pub updated_at: Option<DateTime<Utc>>,
    #[serde(with = "pack::instant_opt")]
    pub awaiting_since: Option<DateTime<Utc>>,
    #[serde(with = "pack::instant_opt")]
    pub last_customer_reply_at: Option<DateTime<Utc>>,
    pub attempts: Option<u32>,
    #[serde(with = "pack::instant_opt")]
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub reactivation_at: Option<DateOrTime>,
    #[serde(with = "pack::instant_opt")]
    pub resolved_at: Option<DateTime<Utc>>,
    #[serde(with = "pack::instant_opt")]
    pub last_followup_at: Option<DateTime<Utc>>,
    pub last_note: Option<String>,
    /// What we are waiting for from the customer ("a screenshot of the error").
    pub pending_info: Option<String>,
    /// The latest comment the customer was shown: may be quoted to them.
    pub last_public_comment: Option<String>,
    /// The latest internal note: never in a draft the customer sees.
    pub last_work_note: Option<String>,
    /// The strikes earlier runs issued (from the ledger), in order: each one's day and
    /// first channel, for the resolution note.
    #[serde(with = "pack::log")]
    pub attempt_log: Vec<(NaiveDate, Option<Channel>)>,
    /// The account's own recurrence (SPEC §10), parsed when read.
    pub cadence: Option<crate::time::Span>,
    /// Columns the mapping does not use, by export name, for templates and conditions.
    pub extra: Vec<(Arc<str>, String)>,
    /// Extra columns the rules count from (`from`), parsed.
    pub dates: Vec<(Arc<str>, DateOrTime)>,
    /// Extra columns the rules test (`only_if`), parsed.
    pub flags: Vec<(Arc<str>, bool)>,
}

impl Ticket {
    /// A field's value as text, times in the zone `tz` (RFC 3339), `None` when absent.
    pub fn text(&self, f: Field, tz: Tz) -> Option<String> {
        self.text_ref(f, tz).map(Cow::into_owned)
    }

    /// `text`, borrowing the fields held as text.
    pub fn text_ref<'t>(&'t self, f: Field, tz: Tz) -> Option<Cow<'t, str>> {
        let time = |x: Option<DateTime<Utc>>| x.map(|v| crate::time::rfc3339_in(v, tz));
        let made = |x: Option<String>| x.map(Cow::Owned);
        let text = |x: &'t Option<String>| x.as_deref().map(Cow::Borrowed);
        match f {
            Field::Id => Some(Cow::Borrowed(&self.id)),
            Field::Status => Some(Cow::Borrowed(&self.status)),
            Field::OpenedAt => made(time(Some(self.opened_at))),
            Field::Type => self.kind.as_deref().map(Cow::Borrowed),
            Field::Channel => match &self.origin {
                Origin::Absent => None,
                Origin::Known(c) => Some(Cow::Owned(c.to_string())),
                Origin::Unknown(raw) => Some(Cow::Borrowed(raw.as_str())),
            },
            Field::Subject => text(&self.subject),
            Field::Customer => text(&self.customer),
            Field::CustomerEmail => text(&self.customer_email),
            Field::CustomerPhone => text(&self.customer_phone),
            Field::CustomerTz => made(self.customer_tz.map(|z| z.name().to_string())),
            Field::CustomerSegment => made(self.segment.map(|s| match s {
                Segment::Business => "business".to_string(),
                Segment::Consumer => "consumer".to_string(),
            })),
            Field::CustomerOooUntil => made(self.customer_ooo_until.map(|d| d.to_string())),
            Field::CallbackRequested => made(self.callback_requested.then(|| "true".to_string())),
            Field::PreferredTime => made(self.preferred_time.map(crate::time::fmt_minutes)),
            Field::Calendar => None,
            Field::Owner => self.owner.as_deref().map(Cow::Borrowed),
            Field::UpdatedAt => made(time(self.updated_at)),
            Field::AwaitingSince => made(time(self.awaiting_since)),
            Field::LastCustomerReplyAt => made(time(self.last_customer_reply_at)),
            Field::Attempts => made(self.attempts.map(|n| n.to_string())),
            Field::LastAttemptAt => made(time(self.last_attempt_at)),
            Field::ReactivationAt => made(self.reactivation_at.map(|r| match r {
                DateOrTime::Date(d) => d.to_string(),
                DateOrTime::Time(x) => crate::time::rfc3339_in(x, tz),
            })),
            Field::ResolvedAt => made(time(self.resolved_at)),
            Field::LastFollowupAt => made(time(self.last_followup_at)),
            Field::LastNote => text(&self.last_note),
            Field::Cadence => made(self.cadence.map(|c| c.to_string())),
            Field::StatusDetail => None,
            Field::PendingInfo => text(&self.pending_info),
            Field::LastPublicComment => text(&self.last_public_comment),
            Field::LastWorkNote => text(&self.last_work_note),
            Field::CustomerAddress => text(&self.customer_address),
            Field::Language => text(&self.language),
            Field::CustomerCountry => self.customer_country.as_deref().map(Cow::Borrowed),
        }
    }

    /// An extra column's value, by exact name, else case-insensitively.
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extra
            .iter()
            .find(|(k, _)| &**k == name)
            .or_else(|| {
                self.extra
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
            })
            .map(|(_, v)| v.as_str())
    }

    /// A ticket with only the required fields; the rest absent.
    pub fn new(id: &str, state: State, opened_at: DateTime<Utc>) -> Ticket {
        Ticket {
            id: id.into(),
            status: CompactString::const_new(state.name()),
            state,
            opened_at,
            kind: None,
            origin: Origin::Absent,
            subject: None,
            customer: None,
            customer_email: None,
            customer_phone: None,
            customer_address: None,
            language: None,
            reach: Reach::default(),
            customer_tz: None,
            segment: None,
            customer_ooo_until: None,
            callback_requested: false,
            preferred_time: None,
            calendar: None,
            customer_country: None,
            owner: None,
            updated_at: None,
            awaiting_since: None,
            last_customer_reply_at: None,
            attempts: None,
            last_attempt_at: None,
            reactivation_at: None,
            resolved_at: None,
            last_followup_at: None,
            last_note: None,
            pending_info: None,
            last_public_comment: None,
            last_work_note: None,
            attempt_log: Vec::new(),
            cadence: None,
            extra: Vec::new(),
            dates: Vec::new(),
            flags: Vec::new(),
        }
    }
}

/// The canonical fields of SPEC §2, in table order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Id,
    Status,
    OpenedAt,
    Type,
    Channel,
    Subject,
    Customer,
    CustomerEmail,
    CustomerPhone,
    CustomerTz,
    CustomerSegment,
    CustomerOooUntil,
    CallbackRequested,
    PreferredTime,
    Calendar,
    Owner,
    UpdatedAt,
    AwaitingSince,
    LastCustomerReplyAt,
    Attempts,
    LastAttemptAt,
    ReactivationAt,
    ResolvedAt,
    LastFollowupAt,
    LastNote,
    Cadence,
    StatusDetail,
    PendingInfo,
    LastPublicComment,
    LastWorkNote,
    CustomerAddress,
    Language,
    /// The customer's country or subdivision code (`DE`, `DE-BY`): their calendar when the
    /// ticket names none.
    CustomerCountry,
}

impl Field {
    pub const ALL: [Field; 33] = [
        Field::Id,
        Field::Status,
        Field::OpenedAt,
        Field::Type,
        Field::Channel,
        Field::Subject,
        Field::Customer,
        Field::CustomerEmail,
        Field::CustomerPhone,
        Field::CustomerTz,
        Field::CustomerSegment,
        Field::CustomerOooUntil,
        Field::CallbackRequested,
        Field::PreferredTime,
        Field::Calendar,
        Field::Owner,
        Field::UpdatedAt,
        Field::AwaitingSince,
        Field::LastCustomerReplyAt,
        Field::Attempts,
        Field::LastAttemptAt,
        Field::ReactivationAt,
        Field::ResolvedAt,
        Field::LastFollowupAt,
        Field::LastNote,
        Field::Cadence,
        Field::StatusDetail,
        Field::PendingInfo,
        Field::LastPublicComment,
        Field::LastWorkNote,
        Field::CustomerAddress,
        Field::Language,
        Field::CustomerCountry,
    ];

    pub const REQUIRED: [Field; 3] = [Field::Id, Field::Status, Field::OpenedAt];

    /// A text only drafts and `explain` show: read as it is, never checked.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            Field::Subject
                | Field::Customer
                | Field::CustomerEmail
                | Field::CustomerPhone
                | Field::LastNote
                | Field::PendingInfo
                | Field::LastPublicComment
                | Field::LastWorkNote
                | Field::CustomerAddress
                | Field::Language
        )
    }

    /// A customer's phone, e-mail or postal address: what a channel needs to reach them.
    pub fn is_contact(self) -> bool {
        matches!(
            self,
            Field::CustomerPhone | Field::CustomerEmail | Field::CustomerAddress
        )
    }

    /// A text whose presence decides a plan (a channel's contact, what a strike asks for):
    /// read even when texts are not.
    pub fn decides(self) -> bool {
        self.is_contact()
            || matches!(
                self,
                Field::PendingInfo | Field::LastPublicComment | Field::LastNote
            )
    }

    pub fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::Status => "status",
            Field::OpenedAt => "opened_at",
            Field::Type => "type",
            Field::Channel => "channel",
            Field::Subject => "subject",
            Field::Customer => "customer",
            Field::CustomerEmail => "customer_email",
            Field::CustomerPhone => "customer_phone",
            Field::CustomerTz => "customer_tz",
            Field::CustomerSegment => "customer_segment",
            Field::CustomerOooUntil => "customer_ooo_until",
            Field::CallbackRequested => "callback_requested",
            Field::PreferredTime => "preferred_time",
            Field::Calendar => "calendar",
            Field::Owner => "owner",
            Field::UpdatedAt => "updated_at",
            Field::AwaitingSince => "awaiting_since",
            Field::LastCustomerReplyAt => "last_customer_reply_at",
            Field::Attempts => "attempts",
            Field::LastAttemptAt => "last_attempt_at",
            Field::ReactivationAt => "reactivation_at",
            Field::ResolvedAt => "resolved_at",
            Field::LastFollowupAt => "last_followup_at",
            Field::LastNote => "last_note",
            Field::Cadence => "cadence",
            Field::StatusDetail => "status_detail",
            Field::PendingInfo => "pending_info",
            Field::LastPublicComment => "last_public_comment",
            Field::LastWorkNote => "last_work_note",
            Field::CustomerAddress => "customer_address",
            Field::Language => "language",
            Field::CustomerCountry => "customer_country",
        }
    }

    pub fn from_name(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == s)
    }

    /// Fields holding an instant (or, for `reactivation_at`, a date), usable as anchors.
    pub fn is_time(self) -> bool {
        matches!(
            self,
            Field::OpenedAt
                | Field::UpdatedAt
                | Field::AwaitingSince
                | Field::LastCustomerReplyAt
                | Field::LastAttemptAt
                | Field::ReactivationAt
                | Field::ResolvedAt
                | Field::LastFollowupAt
        )
    }
}

/// A ticket kept for later (drafting after every action is planned), packed: a fifth of the
/// memory of the ticket itself with its texts. Shared by the ticket's actions.
#[derive(Clone, Debug)]
pub struct Packed(Arc<[u8]>);

impl Packed {
    pub fn of(t: &Ticket) -> Packed {
        thread_local! {
            // Written here first, so that the packed ticket is allocated once, at its size.
            static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        BUFFER.with_borrow_mut(|buffer| {
            buffer.clear();
            // Every field of a ticket can be written: a failure is a bug, and the ticket
            // then unpacks to an error that says so.
            match postcard::to_extend(t, std::mem::take(buffer)) {
                Ok(bytes) => {
                    let packed = Packed(Arc::from(&bytes[..]));
                    *buffer = bytes;
                    packed
                }
                Err(_) => Packed(Arc::from(&[][..])),
            }
        })
    }

    pub fn unpack(&self) -> Result<Ticket, String> {
        postcard::from_bytes(&self.0)
            .map_err(|e| format!("a ticket kept for drafting cannot be read back: {e}"))
    }

    /// Whether nothing was packed (writing the ticket failed).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// How a packed ticket writes its dates, instants and zone: as numbers, not as text, and
/// as the calendar's parts (year and day of the year), which read back without arithmetic.
pub(crate) mod pack {
    use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};
    use chrono_tz::{TZ_VARIANTS, Tz};
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::Channel;

    type Day = (i32, u32);
    type Instant = (i32, u32, u32, u32);

    fn to_day(d: &NaiveDate) -> Day {
        (d.year(), d.ordinal())
    }

    fn from_day<E: Error>((year, ordinal): Day) -> Result<NaiveDate, E> {
        NaiveDate::from_yo_opt(year, ordinal).ok_or_else(|| E::custom("a date out of range"))
    }

    fn to_instant(x: &DateTime<Utc>) -> Instant {
        let (d, t) = (x.date_naive(), x.time());
        (
            d.year(),
            d.ordinal(),
            t.num_seconds_from_midnight(),
            t.nanosecond(),
        )
    }

    fn from_instant<E: Error>((year, ordinal, secs, nanos): Instant) -> Result<DateTime<Utc>, E> {
        let d = from_day((year, ordinal))?;
        let t = NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)
            .ok_or_else(|| E::custom("a time of day out of range"))?;
        Ok(d.and_time(t).and_utc())
    }

    pub mod instant {
        use super::*;

        pub fn serialize<S: Serializer>(x: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
            to_instant(x).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
            from_instant(Deserialize::deserialize(d)?)
        }
    }

    pub mod instant_opt {
        use super::*;

        pub fn serialize<S: Serializer>(
            x: &Option<DateTime<Utc>>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            x.as_ref().map(to_instant).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<DateTime<Utc>>, D::Error> {
            Option::<Instant>::deserialize(d)?
                .map(from_instant)
                .transpose()
        }
    }

    pub mod day {
        use super::*;

        pub fn serialize<S: Serializer>(x: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
            to_day(x).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
            from_day(Deserialize::deserialize(d)?)
        }
    }

    pub mod day_opt {
        use super::*;

        pub fn serialize<S: Serializer>(x: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
            x.as_ref().map(to_day).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
            Option::<Day>::deserialize(d)?.map(from_day).transpose()
        }
    }

    /// A zone as its place in chrono-tz's list of zones (a test checks the places).
    pub mod zone_opt {
        use super::*;

        pub fn serialize<S: Serializer>(x: &Option<Tz>, s: S) -> Result<S::Ok, S::Error> {
            x.map(|z| z as u16).serialize(s)
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Tz>, D::Error> {
            Option::<u16>::deserialize(d)?
                .map(|i| {
                    TZ_VARIANTS
                        .get(usize::from(i))
                        .copied()
                        .ok_or_else(|| D::Error::custom("a zone out of range"))
                })
                .transpose()
        }
    }

    pub mod log {
        use super::*;

        pub fn serialize<S: Serializer>(
            x: &[(NaiveDate, Option<Channel>)],
            s: S,
        ) -> Result<S::Ok, S::Error> {
            s.collect_seq(x.iter().map(|(d, c)| (to_day(d), c)))
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Vec<(NaiveDate, Option<Channel>)>, D::Error> {
            Vec::<(Day, Option<Channel>)>::deserialize(d)?
                .into_iter()
                .map(|(d, c)| Ok((from_day(d)?, c)))
                .collect()
        }
    }

    #[cfg(test)]
    mod tests {
        use chrono_tz::TZ_VARIANTS;

        #[test]
        fn every_zone_is_at_its_place_in_the_list_of_zones() {
            for (i, z) in TZ_VARIANTS.iter().enumerate() {
                assert_eq!(*z as usize, i, "{}", z.name());
            }
        }
    }
}
