//! When things are due: cron slots in Asia/Ho_Chi_Minh and what a start-up
//! owes after the daemon was down.

use chrono::{DateTime, FixedOffset};

use crate::config::parse_cron;
use crate::store::CrawlState;

/// The previous slot of `expr` strictly before `now`.
pub fn previous_slot(expr: &str, now: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    parse_cron(expr).ok()?.after(&now).next_back()
}

/// The next slot of `expr` strictly after `now`.
pub fn next_slot(expr: &str, now: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    parse_cron(expr).ok()?.after(&now).next()
}

/// Whether a site must be crawled at start-up: its last crawl was
/// interrupted, or it has not finished one since the latest slot. However
/// many slots were missed, this is one crawl.
pub fn due_at_startup(state: &CrawlState, previous: Option<DateTime<FixedOffset>>) -> bool {
    if state.interrupted() {
        return true;
    }
    match previous {
        Some(p) => state.finished_at.is_none_or(|f| f < p),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::vn_offset;
    use chrono::TimeZone;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<FixedOffset> {
        vn_offset().with_ymd_and_hms(y, mo, d, h, mi, 0).single().unwrap()
    }

    #[test]
    fn slots_are_in_vietnam_time() {
        let now = at(2026, 11, 24, 8, 0);
        assert_eq!(previous_slot("0 0 1 * * *", now), Some(at(2026, 11, 24, 1, 0)));
        assert_eq!(next_slot("0 0 1 * * *", now), Some(at(2026, 11, 25, 1, 0)));
        // 01:00 in Hanoi is 18:00 UTC the day before.
        assert_eq!(
            next_slot("0 0 1 * * *", now).map(|t| t.naive_utc().to_string()),
            Some("2026-11-24 18:00:00".into())
        );
    }

    #[test]
    fn a_slot_exactly_now_is_not_next() {
        let now = at(2026, 11, 24, 1, 0);
        assert_eq!(next_slot("0 0 1 * * *", now), Some(at(2026, 11, 25, 1, 0)));
        assert_eq!(previous_slot("0 0 1 * * *", now), Some(at(2026, 11, 23, 1, 0)));
    }

    #[test]
    fn missed_days_give_one_startup_crawl() {
        let prev = Some(at(2026, 11, 24, 1, 0));
        // Off for three nights: finished long ago -> due (once: a bool).
        let old = CrawlState {
            started_at: Some(at(2026, 11, 20, 1, 0)),
            finished_at: Some(at(2026, 11, 20, 1, 5)),
        };
        assert!(due_at_startup(&old, prev));
        let fresh = CrawlState {
            started_at: Some(at(2026, 11, 24, 1, 0)),
            finished_at: Some(at(2026, 11, 24, 1, 5)),
        };
        assert!(!due_at_startup(&fresh, prev));
        let interrupted = CrawlState {
            started_at: Some(at(2026, 11, 24, 1, 0)),
            finished_at: Some(at(2026, 11, 23, 1, 5)),
        };
        assert!(due_at_startup(&interrupted, prev));
        assert!(due_at_startup(&CrawlState::default(), prev));
    }
}
