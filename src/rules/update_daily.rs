//! `update.daily`: a state-agency site puts up at least one new item every
//! working day.
//!
//! Basis: Circular 26/2009/TT-BTTTT, Art. 12 (legal databases list it as no
//! longer in force; the design asks for it by name). The window is the
//! `window_working_days` working days strictly before the as-of date, so a
//! site is judged on finished days only. An item's day is its publication
//! date, or the day sitewarden first saw it when the page shows none.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::model::{Evidence, Severity};

use super::{GOVERNMENT, RuleContext, RuleDef, Verdict, fmt_day, law};
use crate::model::KnownItem;

pub const RULE: RuleDef = RuleDef {
    id: "update.daily",
    name: "Cập nhật thông tin hằng ngày",
    applies_to: GOVERNMENT,
    severity: Severity::Violation,
    law: law::UPDATE_DAILY,
    needs_home: true,
    check,
};

fn describe(item: &KnownItem) -> String {
    let dated = match item.published {
        Some(_) => "ngày đăng ghi trên trang",
        None => "trang không ghi ngày đăng: lấy ngày phát hiện lần đầu",
    };
    format!("{}: \"{}\" ({dated}; thấy tại {})", fmt_day(item.day()), item.title, item.seen_on)
}

/// The day of the week as officers write it ("thứ Hai" … "Chủ nhật").
fn weekday_vi(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "thứ Hai",
        Weekday::Tue => "thứ Ba",
        Weekday::Wed => "thứ Tư",
        Weekday::Thu => "thứ Năm",
        Weekday::Fri => "thứ Sáu",
        Weekday::Sat => "thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

/// Days off inside the window, so the officer sees why they were skipped.
fn days_off(ctx: &RuleContext, window: &[NaiveDate]) -> Vec<Evidence> {
    let Some(oldest) = window.last() else {
        return Vec::new();
    };
    oldest
        .iter_days()
        .take_while(|d| *d < ctx.as_of)
        .filter_map(|d| ctx.calendar.holiday_name(d).map(|name| (d, name)))
        .map(|(d, name)| {
            let detail = format!("{} là ngày nghỉ ({name}): không tính vào các ngày được xét", fmt_day(d));
            Evidence::new(&ctx.crawl.home_url, detail)
        })
        .collect()
}

fn check(ctx: &RuleContext) -> Verdict {
    let home = ctx.crawl.home_url.as_str();
    if ctx.items.is_empty() {
        let detail = "không tìm thấy tin, bài, văn bản nào trên trang, kể cả trong feed và sitemap";
        return Verdict::unknown(
            "Chưa xác định được vì không tìm thấy tin, bài nào có ngày đăng",
            vec![Evidence::new(home, detail)],
        );
    }
    let window = (ctx.calendar).working_days_before(ctx.as_of, ctx.config.window_working_days as usize);
    // Items without a date that were already there when watching began may
    // belong to any earlier day: days before that cannot be called empty.
    let watch_start = ctx.items.iter().map(|i| i.first_seen).min();
    let undated_at_start = ctx
        .items
        .iter()
        .filter(|i| i.published.is_none() && Some(i.first_seen) == watch_start)
        .count();
    let (mut found, mut missing, mut undecided) = (Vec::new(), Vec::new(), Vec::new());
    for day in &window {
        // Prefer an item whose date the page states over one dated by first sight.
        let mut on_day = ctx.items.iter().filter(|i| i.day() == *day);
        match on_day.clone().find(|i| i.published.is_some()).or_else(|| on_day.next()) {
            Some(item) => found.push(Evidence::new(&item.url, describe(item))),
            None if undated_at_start > 0 && watch_start.is_some_and(|s| *day < s) => undecided.push(*day),
            None => missing.push(*day),
        }
    }
    let mut evidence = days_off(ctx, &window);
    if !undecided.is_empty() {
        let start = watch_start.map_or_else(String::new, fmt_day);
        let days = undecided.iter().map(|d| fmt_day(*d)).collect::<Vec<_>>().join(", ");
        let detail = format!(
            "{days}: trước ngày sitewarden bắt đầu theo dõi ({start}); {undated_at_start} tin, bài thấy lúc đó không ghi ngày đăng nên có thể thuộc những ngày này"
        );
        evidence.push(Evidence::new(home, detail));
    }
    if missing.is_empty() && undecided.is_empty() {
        evidence.extend(found);
        let message = format!(
            "Trang có tin, bài mới trong mỗi ngày làm việc của {} ngày làm việc gần nhất",
            window.len()
        );
        return Verdict::pass(message, evidence);
    }
    if missing.is_empty() {
        evidence.extend(found);
        return Verdict::unknown(
            "Chưa xác định được vì một số ngày làm việc trước khi bắt đầu theo dõi, và tin trên trang không ghi ngày đăng",
            evidence,
        );
    }
    for d in &missing {
        let detail = format!(
            "ngày làm việc {} ({}): không có tin, bài mới nào đăng ngày này",
            fmt_day(*d),
            weekday_vi(*d)
        );
        evidence.push(Evidence::new(home, detail));
    }
    if let Some(latest) = ctx.items.iter().filter(|i| i.day() < ctx.as_of).max_by_key(|i| i.day()) {
        let detail = format!("tin, bài gần nhất trước ngày {}: {}", fmt_day(ctx.as_of), describe(latest));
        evidence.push(Evidence::new(&latest.url, detail));
    }
    evidence.extend(found);
    let days = missing.iter().map(|d| fmt_day(*d)).collect::<Vec<_>>().join(", ");
    Verdict::fail(
        format!("Không có tin, bài mới trong ngày làm việc: {days}"),
        evidence,
        "Đăng ít nhất một tin, bài mới (kèm ngày đăng) trên trang mỗi ngày làm việc.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::Calendar;
    use crate::model::Status;
    use crate::rules::testkit::*;
    use std::path::Path;

    /// as_of 25/11/2026 with 24/11 off: the window is 23, 20, 19, 18, 17 Nov.
    fn fx_with_24_off() -> Fx {
        let mut fx = Fx::government();
        fx.calendar = Calendar::parse(Path::new("holidays.toml"), "off = [\"2026-11-24\"]\n").unwrap();
        fx
    }

    #[test]
    fn every_working_day_covered_passes_skipping_the_holiday() {
        let mut fx = fx_with_24_off();
        for day in [23, 20, 19, 18, 17] {
            fx.item(&format!("tin-{day}"), Some(d(2026, 11, day)), d(2026, 11, 25));
        }
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass, "{}", ev(&v));
        assert!(ev(&v).contains("23/11/2026: \"Tin tin-23\""), "{}", ev(&v));
    }

    #[test]
    fn days_without_items_are_listed() {
        let mut fx = fx_with_24_off();
        for day in [23, 19, 18] {
            fx.item(&format!("tin-{day}"), Some(d(2026, 11, day)), d(2026, 11, 25));
        }
        // Weekend and holiday items do not stand in for a working day.
        fx.item("tin-21", Some(d(2026, 11, 21)), d(2026, 11, 21));
        fx.item("tin-24", Some(d(2026, 11, 24)), d(2026, 11, 24));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert_eq!(v.message, "Không có tin, bài mới trong ngày làm việc: 20/11/2026, 17/11/2026");
        assert!(ev(&v).contains("ngày làm việc 20/11/2026 (thứ Sáu)"), "{}", ev(&v));
    }

    #[test]
    fn without_holidays_file_24_november_is_a_working_day() {
        let mut fx = Fx::government();
        for day in [23, 20, 19, 18, 17] {
            fx.item(&format!("tin-{day}"), Some(d(2026, 11, day)), d(2026, 11, 25));
        }
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.contains("24/11/2026"));
    }

    #[test]
    fn first_seen_day_counts_when_the_page_shows_no_date() {
        let mut fx = Fx::government();
        fx.config.window_working_days = 1;
        fx.item("khong-ngay", None, d(2026, 11, 24));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("lấy ngày phát hiện lần đầu"), "{}", ev(&v));
    }

    #[test]
    fn undated_items_from_the_first_crawl_leave_earlier_days_undecided() {
        let mut fx = Fx::government();
        fx.config.window_working_days = 4;
        // Window 24, 23, 20, 19 Nov. Watching began 20/11 and the listing shows no dates.
        fx.item("cu", None, d(2026, 11, 20));
        fx.item("moi", None, d(2026, 11, 24));
        let v = fx.run(&RULE);
        // 23/11 is after watching began and has nothing: a real gap.
        assert_eq!(v.status, Status::Fail);
        assert_eq!(v.message, "Không có tin, bài mới trong ngày làm việc: 23/11/2026");
        assert!(
            ev(&v).contains("19/11/2026: trước ngày sitewarden bắt đầu theo dõi (20/11/2026)"),
            "{}",
            ev(&v)
        );
        fx.item("moi-23", None, d(2026, 11, 23));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Unknown, "{}", ev(&v));
    }

    #[test]
    fn days_off_in_the_window_are_named() {
        let mut fx = fx_with_24_off();
        fx.item("tin", Some(d(2026, 11, 23)), d(2026, 11, 23));
        let v = fx.run(&RULE);
        assert!(ev(&v).contains("24/11/2026 là ngày nghỉ (Ngày nghỉ theo thông báo"), "{}", ev(&v));
    }

    #[test]
    fn no_items_at_all_is_unknown_and_partial_crawl_is_noted() {
        let mut fx = Fx::government();
        fx.crawl.partial.push("đã đạt giới hạn 60 trang".into());
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Unknown);
        assert!(
            ev(&v).contains("không tìm thấy tin, bài") && ev(&v).contains("thu thập chưa đầy đủ"),
            "{}",
            ev(&v)
        );
    }
}
