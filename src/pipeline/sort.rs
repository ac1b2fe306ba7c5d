//! The order of SPEC §7 over every action kept, on two threads.

use chrono::{DateTime, NaiveDate, Utc};

use crate::engine::Ordered;

/// The order of SPEC §7, as indices: `order[i]` is the action that comes `i`th. Equal keys
/// keep their order, as a stable sort would. Only indices are sorted, on two threads, next
/// to what settles most comparisons (the dates, the time and the id's first bytes).
pub fn order<A: Ordered + Sync>(actions: &[A], threads: usize) -> Vec<usize> {
    type Entry = ((NaiveDate, DateTime<Utc>, u128), usize);
    let entry = |(i, a): (usize, &A)| -> Entry {
        let (due_date, suggested_at, id, ..) = a.sort_key();
        // Sixteen bytes hold most ids whole: many actions share a date and a time.
        let mut head = [0u8; 16];
        let id = id.as_bytes();
        let n = id.len().min(16);
        head[..n].copy_from_slice(&id[..n]);
        ((due_date, suggested_at, u128::from_be_bytes(head)), i)
    };
    let all = actions;
    // A total order: ties end at the index.
    let cmp = |x: &Entry, y: &Entry| {
        x.0.cmp(&y.0)
            .then_with(|| all[x.1].sort_key().cmp(&all[y.1].sort_key()))
            .then(x.1.cmp(&y.1))
    };
    if threads <= 1 {
        let mut e: Vec<Entry> = actions.iter().enumerate().map(entry).collect();
        e.sort_unstable_by(cmp);
        return e.into_iter().map(|(_, i)| i).collect();
    }
    let mid = actions.len() / 2;
    // Each half is gathered and sorted on a thread of its own.
    let half = |from: usize, to: usize| {
        let mut e: Vec<Entry> = (from..to).map(|i| entry((i, &actions[i]))).collect();
        e.sort_unstable_by(cmp);
        e
    };
    let (left, right) = std::thread::scope(|scope| {
        let left = scope.spawn(|| half(0, mid));
        let right = half(mid, actions.len());
        (left.join().unwrap_or_else(|_| half(0, mid)), right)
    });
    // The halves merge on two threads too: the first half of the order takes the `i`
    // smallest of `left` and the `n / 2 - i` smallest of `right`, found by bisection.
    let n = actions.len();
    let first = n / 2;
    let (mut lo, mut hi) = (first.saturating_sub(right.len()), first.min(left.len()));
    while lo < hi {
        let i = (lo + hi) / 2;
        // Too few from `left` while its next is smaller than what `right` would give up.
        if cmp(&left[i], &right[first - i - 1]).is_lt() {
            lo = i + 1;
        } else {
            hi = i;
        }
    }
    let (l1, l2) = left.split_at(lo);
    let (r1, r2) = right.split_at(first - lo);
    let merge = |a: &[Entry], b: &[Entry], out: &mut [usize]| {
        let (mut i, mut j) = (0, 0);
        for slot in out {
            let take_a = j == b.len() || (i < a.len() && cmp(&a[i], &b[j]).is_lt());
            if take_a {
                *slot = a[i].1;
                i += 1;
            } else {
                *slot = b[j].1;
                j += 1;
            }
        }
    };
    let mut order = vec![0; n];
    let (o1, o2) = order.split_at_mut(first);
    std::thread::scope(|scope| {
        scope.spawn(|| merge(l1, r1, o1));
        merge(l2, r2, o2);
    });
    order
}

#[cfg(test)]
mod tests {
    use crate::config::Rules;
    use crate::ticket::{State, Ticket};
    use chrono::{DateTime, TimeDelta, Utc};

    /// The order on two threads is the order on one, and a stable sort's.
    #[test]
    fn two_threads_sort_as_one_and_as_a_stable_sort() {
        let rules = Rules::parse("rules.toml", Rules::STARTER).unwrap();
        let now = DateTime::parse_from_rfc3339("2026-11-23T14:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut actions = Vec::new();
        for i in 0..500u32 {
            let opened = now - TimeDelta::hours(i64::from(i % 97) * 7);
            let mut t = Ticket::new(&format!("T{}", i % 41), State::AwaitingCustomer, opened);
            t.attempts = Some(i % 3);
            t.last_attempt_at = (i % 3 > 0).then_some(opened);
            actions.extend(crate::engine::evaluate(&t, &rules, now, now, false).actions);
        }
        assert!(actions.len() > 400);
        let mut stable = actions.clone();
        crate::engine::sort(&mut stable);
        for threads in [1, 2, 8] {
            let order = super::order(&actions, threads);
            let sorted: Vec<_> = order.iter().map(|&i| actions[i].clone()).collect();
            assert_eq!(sorted, stable, "{threads} threads");
        }
    }
}
