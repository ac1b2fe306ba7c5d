//! Zone offsets, remembered per thread. chrono-tz searches a zone's transitions on every
//! conversion, and planning converts a few instants per ticket, mostly in the same zones
//! and days. A day whose offset is the same at its first and last second keeps it all day
//! (zones change their offset at most a few times a year); other days are converted
//! instant by instant, as before. The results are those of chrono-tz, only sooner.

use std::cell::RefCell;
use std::hash::{BuildHasher, Hash};

use chrono::{DateTime, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// Entries per table: a run meets a few dozen zones over months of days (dates opened,
/// awaited, due); with 1024, misses cost a run 2% more instructions.
const SLOTS: usize = 8192;

/// A direct-mapped table: each key has one slot, and a newer key takes it over.
struct Table<K, V>(Vec<Option<(K, V)>>);

impl<K: Hash + Eq + Copy, V: Copy> Table<K, V> {
    const fn new() -> Self {
        Table(Vec::new())
    }

    fn get_or(&mut self, key: K, compute: impl FnOnce() -> V) -> V {
        if self.0.is_empty() {
            self.0 = vec![None; SLOTS];
        }
        let slot = rustc_hash::FxBuildHasher.hash_one(key) as usize % SLOTS;
        match self.0[slot] {
            Some((k, v)) if k == key => v,
            _ => {
                let v = compute();
                self.0[slot] = Some((key, v));
                v
            }
        }
    }
}

thread_local! {
    /// (zone, UTC day) → the offset in seconds when it holds all that day.
    static UTC_DAYS: RefCell<Table<(Tz, i64), Option<i32>>> = const { RefCell::new(Table::new()) };
    /// (zone, local date) → the UTC second of local midnight when one offset holds all day.
    static LOCAL_DAYS: RefCell<Table<(Tz, NaiveDate), Option<i64>>> =
        const { RefCell::new(Table::new()) };
}

thread_local! {
    /// The last (zone, UTC day) that kept one offset all day, and the offset.
    static LAST: std::cell::Cell<Option<((Tz, i64), i32)>> = const { std::cell::Cell::new(None) };
}

const DAY: i64 = 86_400;

fn offset_of(tz: Tz, t: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

/// The zone's offset from UTC at `t`, in seconds (`local_minus_utc`).
pub fn utc_offset(tz: Tz, t: DateTime<Utc>) -> i32 {
    let day = t.timestamp().div_euclid(DAY);
    // The same zone and day as the last call, most often (one ticket's instants).
    if let Some(off) = LAST.with(|l| l.get().filter(|x| x.0 == (tz, day)).map(|x| x.1)) {
        return off;
    }
    let whole = UTC_DAYS.with(|m| {
        m.borrow_mut().get_or((tz, day), || {
            let at = |s: i64| DateTime::from_timestamp(s, 0).map(|x| offset_of(tz, x));
            match (at(day * DAY), at(day * DAY + DAY - 1)) {
                (Some(a), Some(b)) if a == b => Some(a),
                _ => None,
            }
        })
    });
    match whole {
        Some(off) => {
            LAST.with(|l| l.set(Some(((tz, day), off))));
            off
        }
        None => offset_of(tz, t),
    }
}

/// The UTC second of the local midnight starting `date`, when the zone keeps one offset
/// from that midnight to the next.
pub fn steady_midnight(tz: Tz, date: NaiveDate) -> Option<i64> {
    LOCAL_DAYS.with(|m| {
        m.borrow_mut().get_or((tz, date), || {
            let offset = |d: NaiveDate| {
                tz.offset_from_local_datetime(&d.and_time(NaiveTime::MIN))
                    .single()
                    .map(|o| o.fix().local_minus_utc())
            };
            match (offset(date), date.succ_opt().and_then(offset)) {
                (Some(a), Some(b)) if a == b => {
                    Some(date.and_time(NaiveTime::MIN).and_utc().timestamp() - i64::from(a))
                }
                _ => None,
            }
        })
    })
}
