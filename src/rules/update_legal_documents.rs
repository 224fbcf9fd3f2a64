//! `update.legal_documents`: a legal document is posted no later than
//! `max_working_days` working days after it is signed.
//!
//! Basis: Circular 26/2009/TT-BTTTT, Art. 12 ("chậm nhất là hai ngày kể từ
//! ngày ký ban hành"), counted in working days as Decree 52/2015/NĐ-CP
//! Art. 16 does for the national legal database, the reading under which a
//! `fail` is beyond dispute. The posting day is the listing's "Ngày đăng",
//! else the day sitewarden first saw the document; a document without a
//! posting date that was already there at the first crawl says nothing
//! about when it was posted and is left out.

use crate::crawler::PageRole;
use crate::model::{Evidence, Severity};

use super::{GOVERNMENT, KnownDocument, RuleContext, RuleDef, Verdict, fmt_day, law, push_capped};

pub const RULE: RuleDef = RuleDef {
    id: "update.legal_documents",
    name: "Đăng văn bản quy phạm pháp luật đúng hạn",
    applies_to: GOVERNMENT,
    severity: Severity::Violation,
    law: law::LEGAL_DOCUMENTS,
    needs_home: true,
    check,
};

fn describe(k: &KnownDocument, delay: i64) -> String {
    let number = if k.doc.number.is_empty() {
        "(không có số hiệu)"
    } else {
        k.doc.number.as_str()
    };
    let (posted, how) = match k.doc.posted {
        Some(p) => (p, "ngày đăng ghi trên danh sách"),
        None => (k.first_seen, "không ghi ngày đăng: lấy ngày phát hiện lần đầu"),
    };
    format!(
        "{number} \"{}\": ký ngày {}, đăng ngày {} ({how}), sau {delay} ngày làm việc",
        k.doc.title,
        fmt_day(k.doc.signed),
        fmt_day(posted)
    )
}

fn check(ctx: &RuleContext) -> Verdict {
    let home = ctx.crawl.home_url.as_str();
    if ctx.documents.is_empty() {
        let listings: Vec<&str> = ctx
            .crawl
            .pages
            .iter()
            .filter(|p| p.role == PageRole::DocumentListing)
            .map(|p| p.final_url.as_str())
            .collect();
        let detail = if listings.is_empty() {
            "không tìm thấy trang danh sách văn bản quy phạm pháp luật trên trang (khai báo `documents` cho trang này trong sites.toml)"
                .to_string()
        } else {
            format!(
                "đã thu thập trang danh sách văn bản nhưng không nhận ra văn bản nào có ngày ký: {}",
                listings.join(", ")
            )
        };
        return Verdict::unknown(
            "Chưa xác định được vì không tìm thấy văn bản quy phạm pháp luật nào trên trang",
            vec![Evidence::new(home, detail)],
        );
    }
    let first_crawl = ctx.documents.iter().map(|k| k.first_seen).min();
    let max = i64::from(ctx.config.max_working_days);
    let mut late = Vec::new();
    let mut on_time = Vec::new();
    let mut undatable = 0usize;
    // A check "as of" a past day judges only what was posted by then.
    let posted_by = |k: &&KnownDocument| k.doc.posted.unwrap_or(k.first_seen) <= ctx.as_of;
    for k in ctx.documents.iter().filter(posted_by) {
        if k.doc.posted.is_none() && Some(k.first_seen) == first_crawl {
            undatable += 1;
            continue;
        }
        let posted = k.doc.posted.unwrap_or(k.first_seen);
        let delay = ctx.calendar.working_days_between(k.doc.signed, posted);
        let ev = Evidence::new(&k.doc.url, describe(k, delay));
        if delay > max { late.push((delay, ev)) } else { on_time.push(ev) }
    }
    let mut evidence = Vec::new();
    if undatable > 0 {
        evidence.push(Evidence::new(
            home,
            format!("{undatable} văn bản không ghi ngày đăng đã có trong danh sách từ lần thu thập đầu tiên: không xét"),
        ));
    }
    if late.is_empty() {
        if on_time.is_empty() {
            return Verdict::unknown("Chưa xác định được vì chưa biết ngày đăng của văn bản nào", evidence);
        }
        let n = on_time.len();
        push_capped(&mut evidence, on_time, home);
        return Verdict::pass(
            format!("{n} văn bản được đăng trong vòng {max} ngày làm việc kể từ ngày ký"),
            evidence,
        );
    }
    late.sort_by_key(|(delay, _)| std::cmp::Reverse(*delay));
    let n = late.len();
    push_capped(&mut evidence, late.into_iter().map(|(_, e)| e).collect(), home);
    Verdict::fail(
        format!("{n} văn bản quy phạm pháp luật được đăng muộn hơn {max} ngày làm việc kể từ ngày ký ban hành"),
        evidence,
        format!("Đăng văn bản quy phạm pháp luật lên trang chậm nhất {max} ngày làm việc sau ngày ký ban hành, ghi rõ ngày đăng."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::LegalDocument;
    use crate::model::Status;
    use crate::rules::testkit::*;
    use chrono::NaiveDate;

    fn doc(fx: &mut Fx, number: &str, signed: NaiveDate, posted: Option<NaiveDate>, first_seen: NaiveDate) {
        fx.documents.push(KnownDocument {
            doc: LegalDocument {
                url: format!("{HOME}van-ban/{}", fx.documents.len()),
                number: number.into(),
                title: format!("Quyết định {number}"),
                signed,
                posted,
            },
            first_seen,
            seen_on: format!("{HOME}van-ban"),
        });
    }

    #[test]
    fn posting_within_two_working_days_passes_across_a_weekend() {
        let mut fx = Fx::government();
        // Signed Friday 20/11, posted Tuesday 24/11: two working days.
        doc(&mut fx, "12/2026/QĐ-UBND", d(2026, 11, 20), Some(d(2026, 11, 24)), d(2026, 11, 24));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass, "{}", ev(&v));
        assert!(ev(&v).contains("sau 2 ngày làm việc"), "{}", ev(&v));
    }

    #[test]
    fn late_posting_fails_with_number_dates_and_delay() {
        let mut fx = Fx::government();
        doc(&mut fx, "12/2026/QĐ-UBND", d(2026, 11, 20), Some(d(2026, 11, 24)), d(2026, 11, 24));
        doc(&mut fx, "13/2026/QĐ-UBND", d(2026, 11, 16), Some(d(2026, 11, 20)), d(2026, 11, 20));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.starts_with("1 văn bản"), "{}", v.message);
        let e = ev(&v);
        assert!(
            e.contains("13/2026/QĐ-UBND") && e.contains("ký ngày 16/11/2026, đăng ngày 20/11/2026") && e.contains("sau 4 ngày làm việc"),
            "{e}"
        );
        assert!(!e.contains("12/2026/QĐ-UBND"));
    }

    #[test]
    fn first_seen_stands_in_for_posting_after_the_first_crawl() {
        let mut fx = Fx::government();
        // Present at the first crawl, no posting date: cannot be judged.
        doc(&mut fx, "1/2019/QĐ-UBND", d(2019, 1, 2), None, d(2026, 11, 2));
        // Appeared later: first seen 25/11, signed 18/11: five working days.
        doc(&mut fx, "14/2026/QĐ-UBND", d(2026, 11, 18), None, d(2026, 11, 25));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        let e = ev(&v);
        assert!(
            e.contains("14/2026/QĐ-UBND") && e.contains("lấy ngày phát hiện lần đầu") && e.contains("sau 5 ngày làm việc"),
            "{e}"
        );
        assert!(
            e.contains("1 văn bản không ghi ngày đăng đã có trong danh sách từ lần thu thập đầu tiên"),
            "{e}"
        );
    }

    #[test]
    fn documents_posted_after_the_as_of_date_are_not_judged() {
        let mut fx = Fx::government();
        fx.as_of = d(2026, 11, 20);
        doc(&mut fx, "12/2026/QĐ-UBND", d(2026, 11, 18), Some(d(2026, 11, 19)), d(2026, 11, 19));
        doc(&mut fx, "13/2026/QĐ-UBND", d(2026, 11, 16), Some(d(2026, 11, 24)), d(2026, 11, 24));
        assert_eq!(fx.run(&RULE).status, Status::Pass);
    }

    #[test]
    fn no_documents_is_unknown_and_says_whether_a_listing_was_crawled() {
        let mut fx = Fx::government();
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Unknown);
        assert!(ev(&v).contains("không tìm thấy trang danh sách văn bản"), "{}", ev(&v));
        fx.page(crate::crawler::PageRole::DocumentListing, "van-ban");
        let v = fx.run(&RULE);
        assert!(ev(&v).contains("https://x.gov.vn/van-ban"), "{}", ev(&v));
    }
}
