//! `attribution.delay`: an aggregator publishes what it reproduces no
//! sooner than one hour after the source did.
//!
//! Basis: Decree 147/2024/NĐ-CP Art. 28(1)(b): "nội dung dẫn lại chỉ được
//! phát hành … không sớm hơn 01 giờ tính từ thời điểm phát hành nội dung
//! nguồn", in force from 25/12/2024; no result before.
//!
//! Both times must be on the page: the article's own publication time and
//! the source's time in its attribution line. Where either is missing the
//! article is not judged, and the rule is `unknown` when none can be. A
//! time given as a day only stands for the whole day: an article is a fail
//! only if it went up less than an hour after the source even in the most
//! favourable reading, a pass only if an hour had passed in any reading;
//! between the two it is not judged. An own time equal to the source's to
//! the minute is taken for a page that copied the source's time rather than
//! giving its own, and is not judged either.

use chrono::{Duration, NaiveDateTime};

use crate::crawler::{CrawledPage, SiteCrawl};
use crate::extract::dates;
use crate::model::{Evidence, Severity};

use super::reproduced::{Judged, Wording, fmt_minutes, fmt_time, has_hour, judge_articles, title};
use super::{AGGREGATOR, RuleContext, RuleDef, Verdict, law};

pub const RULE: RuleDef = RuleDef {
    id: "attribution.delay",
    name: "Đăng lại sau nguồn ít nhất 01 giờ",
    applies_to: AGGREGATOR,
    severity: Severity::Violation,
    law: law::ATTRIBUTION_DELAY,
    needs_home: true,
    check,
};

/// The earliest and latest moment a time may stand for.
fn span(t: NaiveDateTime, hour: bool) -> (NaiveDateTime, NaiveDateTime) {
    if hour {
        (t, t)
    } else {
        let start = t.date().and_time(chrono::NaiveTime::MIN);
        (start, start + Duration::days(1) - Duration::seconds(1))
    }
}

fn judge(crawl: &SiteCrawl, page: &CrawledPage) -> Judged {
    let url = page.final_url.as_str();
    let name = title(crawl, page);
    let Some(a) = &page.facts.attribution else {
        return Judged::Unjudged(Evidence::new(
            url,
            format!("{name}: không ghi nguồn, không có thời điểm nguồn đăng"),
        ));
    };
    let Some(src) = a.original_time else {
        return Judged::Unjudged(Evidence::new(
            url,
            format!("{name}: dòng ghi nguồn \"{}\" không có thời điểm nguồn đăng", a.text),
        ));
    };
    let Some(own) = page.facts.published else {
        return Judged::Unjudged(Evidence::new(url, format!("{name}: không ghi thời điểm đăng trên trang")));
    };
    // The hour as the source line wrote it: "22/11/2026" has none, even if
    // a time of 00:00 could be read into it.
    let src_hour = dates::find_dates(&a.text).first().map_or_else(|| has_hour(src), |d| d.has_time);
    let own_hour = has_hour(own);
    let (own_s, src_s) = (fmt_time(own, own_hour), fmt_time(src, src_hour));
    if own == src {
        return Judged::Unjudged(Evidence::new(
            url,
            format!(
                "{name}: thời điểm đăng trên trang ({own_s}) trùng với thời điểm nguồn đăng (\"{}\"); có thể trang chép lại thời điểm của nguồn thay vì ghi thời điểm đăng của mình",
                a.text
            ),
        ));
    }
    let (own_lo, own_hi) = span(own, own_hour);
    let (src_lo, src_hi) = span(src, src_hour);
    let hour = Duration::hours(1);
    if own_hi < src_lo + hour {
        let gap = (own_hi - src_lo).num_minutes();
        let how = if gap < 0 {
            format!("trước cả nguồn {}", fmt_minutes(gap))
        } else {
            format!("chỉ sau nguồn {}", fmt_minutes(gap))
        };
        return Judged::Breaks(Evidence::new(
            url,
            format!(
                "{name}: đăng trên trang lúc {own_s}, nguồn đăng lúc {src_s} (\"{}\"): {how}",
                a.text
            ),
        ));
    }
    if own_lo >= src_hi + hour {
        let gap = (own_lo - src_hi).num_minutes();
        let least = if own_hour && src_hour { "" } else { "ít nhất " };
        return Judged::Meets(Evidence::new(
            url,
            format!(
                "{name}: đăng trên trang lúc {own_s}, sau thời điểm nguồn đăng ({src_s}) {least}{}",
                fmt_minutes(gap)
            ),
        ));
    }
    Judged::Unjudged(Evidence::new(
        url,
        format!(
            "{name}: đăng trên trang lúc {own_s}, nguồn đăng {src_s} (\"{}\"): không ghi giờ nên không xác định được đã đủ 01 giờ hay chưa",
            a.text
        ),
    ))
}

fn check(ctx: &RuleContext) -> Verdict {
    judge_articles(
        ctx,
        judge,
        &Wording {
            none_judged: "Chưa xác định được vì không bài viết nào ghi đủ thời điểm đăng trên trang và thời điểm nguồn đăng",
            pass: |judged| format!("Cả {judged} bài viết xác định được đều đăng lại sau nguồn ít nhất 01 giờ"),
            fail: |n, judged| format!("{n}/{judged} bài viết được đăng lại chưa đủ 01 giờ kể từ khi nguồn đăng"),
            hint: "Chỉ đăng lại nội dung sau ít nhất 01 giờ kể từ thời điểm cơ quan báo chí nguồn đăng, và ghi rõ cả thời điểm đăng của trang và của nguồn.",
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawler::PageRole;
    use crate::extract::Attribution;
    use crate::model::{Kind, Status};
    use crate::rules::testkit::*;

    fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
        d(2026, 11, day).and_hms_opt(h, m, 0).expect("valid time")
    }

    fn article(fx: &mut Fx, path: &str, own: Option<NaiveDateTime>, src: Option<NaiveDateTime>, text: &str) {
        let page = fx.page(PageRole::Article, path);
        page.published = own;
        page.attribution = Some(Attribution {
            source: "Báo X".into(),
            author: None,
            original_time: src,
            text: text.into(),
        });
    }

    #[test]
    fn an_hour_or_more_passes_exactly_one_hour_included() {
        let mut fx = Fx::aggregator();
        article(
            &mut fx,
            "bai-1",
            Some(at(23, 9, 5)),
            Some(at(23, 7, 30)),
            "Nguồn: Báo X, 07:30 23/11/2026",
        );
        article(
            &mut fx,
            "bai-2",
            Some(at(23, 8, 30)),
            Some(at(23, 7, 30)),
            "Nguồn: Báo X, 07:30 23/11/2026",
        );
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass, "{}", ev(&v));
        assert!(ev(&v).contains("1 giờ 35 phút") && ev(&v).contains("sau thời điểm nguồn đăng (07:30 23/11/2026) 1 giờ"));
    }

    #[test]
    fn less_than_an_hour_or_before_the_source_fails() {
        let mut fx = Fx::aggregator();
        article(
            &mut fx,
            "bai-1",
            Some(at(23, 8, 0)),
            Some(at(23, 7, 30)),
            "Nguồn: Báo X, 07:30 23/11/2026",
        );
        article(
            &mut fx,
            "bai-2",
            Some(at(23, 7, 0)),
            Some(at(23, 7, 30)),
            "Nguồn: Báo X, 07:30 23/11/2026",
        );
        article(
            &mut fx,
            "bai-3",
            Some(at(23, 10, 0)),
            Some(at(23, 7, 30)),
            "Nguồn: Báo X, 07:30 23/11/2026",
        );
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.starts_with("2/3"), "{}", v.message);
        let e = ev(&v);
        assert!(e.contains("chỉ sau nguồn 30 phút") && e.contains("trước cả nguồn 30 phút"), "{e}");
        assert!(v.hint.is_some());
    }

    #[test]
    fn day_only_times_decide_only_when_every_reading_agrees() {
        let mut fx = Fx::aggregator();
        // Source on 22/11 (no hour), own 20:10 the same day: not judged.
        article(
            &mut fx,
            "cung-ngay",
            Some(at(22, 20, 10)),
            Some(at(22, 0, 0)),
            "(Theo TTXVN, 22/11/2026)",
        );
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Unknown, "{}", ev(&v));
        assert!(ev(&v).contains("không ghi giờ"), "{}", ev(&v));
        // Own on the next day at 08:00: at least eight hours in any reading.
        article(
            &mut fx,
            "hom-sau",
            Some(at(23, 8, 0)),
            Some(at(22, 0, 0)),
            "(Theo TTXVN, 22/11/2026)",
        );
        assert_eq!(fx.run(&RULE).status, Status::Pass);
        // Own on 21/11, a day before the source's day: too soon in any reading.
        article(
            &mut fx,
            "hom-truoc",
            Some(at(21, 0, 0)),
            Some(at(22, 0, 0)),
            "(Theo TTXVN, 22/11/2026)",
        );
        assert_eq!(fx.run(&RULE).status, Status::Fail);
    }

    #[test]
    fn missing_times_or_copied_times_are_not_judged() {
        let mut fx = Fx::aggregator();
        assert_eq!(fx.run(&RULE).status, Status::Unknown);
        article(&mut fx, "khong-gio-nguon", Some(at(23, 9, 0)), None, "Nguồn: Báo X");
        article(
            &mut fx,
            "chep-gio",
            Some(at(23, 7, 30)),
            Some(at(23, 7, 30)),
            "Nguồn: Báo X, 07:30 23/11/2026",
        );
        let page = fx.page(PageRole::Article, "khong-nguon");
        page.published = Some(at(23, 9, 0));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Unknown);
        let e = ev(&v);
        assert!(
            e.contains("không có thời điểm nguồn đăng") && e.contains("trùng với thời điểm nguồn đăng") && e.contains("không ghi nguồn"),
            "{e}"
        );
    }

    #[test]
    fn no_result_before_25_december_2024() {
        assert_eq!(RULE.basis(Kind::Aggregator, d(2024, 12, 24), None), None);
        assert!(
            RULE.basis(Kind::Aggregator, d(2024, 12, 25), None)
                .is_some_and(|b| b.contains("điểm b"))
        );
    }
}
