//! What Decree 147/2024/NĐ-CP changed in rules that existed before it, from
//! 25/12/2024 (`law::D147_2024`); before that day the rules keep their
//! older reading.
//!
//! - `attribution.details`: Art. 28(1)(đ) wants "tên tác giả và tên nguồn
//!   tin (viết đầy đủ tên nguồn tin), thời gian cơ quan báo chí đăng":
//!   the author *and* the source's name in full *and* its time, where
//!   Decree 72/2013 Art. 20(2) asked for the author *or* the source agency,
//!   and the time. An abbreviation such as "TTXVN" is still a name; a
//!   generic word ("báo", "Internet", "sưu tầm") is not. The author may
//!   stand on the source line or beside it (a byline just above it,
//!   "Tác giả: …").
//! - `disclosure.license`: Art. 24(9)(a) wants the licence "đang còn hiệu
//!   lực, ngày, tháng, năm cấp, cơ quan cấp phép", and Art. 24(7)(a) gives a
//!   licence at most five years. A licence shown as issued more than five
//!   years before the as-of date fails, unless the page also shows a later
//!   renewal or re-issue date within five years. An issuer read from the
//!   number's own code ("…/GP-BTTTT") counts as shown, and the evidence
//!   says so.

use chrono::Months;

use crate::extract::text::fold;
use crate::extract::{License, LicenseRenewal};
use crate::model::{Evidence, Status};

use super::reproduced::{fmt_time, has_hour};
use super::{RuleContext, Verdict, disclosure_pages, fmt_day, law, push_capped};

/// Whether the texts of Decree 147/2024 apply on the as-of date.
pub(crate) fn in_force(ctx: &RuleContext) -> bool {
    ctx.as_of >= law::D147_2024
}

/// Folded source names that name no source.
const GENERIC_SOURCES: &[&str] = &[
    "bao",
    "bao chi",
    "bao dien tu",
    "cac bao",
    "internet",
    "nguon internet",
    "mang",
    "mang internet",
    "mang xa hoi",
    "mxh",
    "facebook",
    "suu tam",
    "st",
    "tong hop",
    "st-th",
    "st th",
    "tong hop tu internet",
    "nhieu nguon",
    "tin tong hop",
    "ban doc",
    "ctv",
    "cong tac vien",
    "pv",
    "phong vien",
];

/// The source is named, not just called "a paper" or "the Internet".
pub(crate) fn full_source_name(source: &str) -> bool {
    let f = fold(source);
    let f = f.trim_matches(|c: char| !c.is_alphanumeric());
    !f.is_empty() && !GENERIC_SOURCES.contains(&f)
}

/// `attribution.details` from 25/12/2024: author and full source name and time.
pub(crate) fn details(ctx: &RuleContext) -> Verdict {
    let home = ctx.crawl.home_url.as_str();
    let attributed = match super::reproduced::attributed_articles(ctx) {
        Ok(a) => a,
        Err(unknown) => return unknown,
    };
    let mut complete = Vec::new();
    let mut lacking = Vec::new();
    let mut missing_any: Vec<&str> = Vec::new();
    for (page, a) in &attributed {
        let author = a.author.as_deref().or(page.facts.article_end.author.as_deref());
        let mut missing = Vec::new();
        if author.is_none() {
            missing.push("tên tác giả");
        }
        if !full_source_name(&a.source) {
            missing.push("tên đầy đủ của nguồn tin");
        }
        if a.original_time.is_none() {
            missing.push("thời gian cơ quan báo chí đăng");
        }
        if missing.is_empty() {
            let time = a.original_time.map(|t| fmt_time(t, has_hour(t))).unwrap_or_default();
            complete.push(Evidence::new(
                &page.final_url,
                format!(
                    "\"{}\": tác giả {}, nguồn \"{}\", nguồn đăng {time}",
                    a.text,
                    author.unwrap_or(""),
                    a.source
                ),
            ));
        } else {
            lacking.push(Evidence::new(
                &page.final_url,
                format!("\"{}\": ghi nguồn \"{}\" nhưng thiếu {}", a.text, a.source, missing.join(", ")),
            ));
            for m in missing {
                if !missing_any.contains(&m) {
                    missing_any.push(m);
                }
            }
        }
    }
    let mut evidence = Vec::new();
    if lacking.is_empty() {
        let n = complete.len();
        push_capped(&mut evidence, complete, home);
        return Verdict::pass(
            format!("Cả {n} bài viết ghi nguồn đều có tên tác giả, tên đầy đủ của nguồn tin và thời gian nguồn đăng"),
            evidence,
        );
    }
    let (n, total) = (lacking.len(), attributed.len());
    push_capped(&mut evidence, lacking, home);
    Verdict::fail(
        format!("{n}/{total} bài viết ghi nguồn nhưng thiếu {}", missing_any.join(", ")),
        evidence,
        "Ghi đủ tên tác giả, tên đầy đủ của nguồn tin và thời gian cơ quan báo chí đăng ở cuối bài (ví dụ \"Nguồn: Báo Khánh Hòa - Minh Anh, 07:30 23/11/2026\").",
    )
}

/// Issuers `extract` infers from the code in the number when no "do … cấp" is written.
const CODE_ISSUERS: &[&str] = &[
    "Bộ Thông tin và Truyền thông",
    "Sở Thông tin và Truyền thông",
    "Cục Phát thanh, truyền hình và thông tin điện tử",
];

/// The issuer as the page shows it, and whether it was only read from the number's code.
fn issuer(l: &License) -> Option<(String, bool)> {
    let i = l.issuer.as_deref()?;
    let from_code = CODE_ISSUERS.contains(&i) && !fold(&l.snippet).contains(&fold(i));
    Some((i.to_string(), from_code))
}

/// `disclosure.license` from 25/12/2024: adds the date of issue, the issuing
/// body and the five-year term to what the rule decided on the number.
pub(crate) fn license(ctx: &RuleContext, verdict: Verdict) -> Verdict {
    if !in_force(ctx) || verdict.status == Status::Unknown {
        return verdict;
    }
    let Some((page, l)) = disclosure_pages(ctx.crawl).find_map(|p| p.facts.disclosures.license.as_ref().map(|l| (p, l))) else {
        return verdict;
    };
    let url = page.final_url.as_str();
    let mut problems: Vec<String> = Vec::new();
    let mut notes: Vec<Evidence> = Vec::new();
    match issuer(l) {
        Some((i, false)) => notes.push(Evidence::new(url, format!("cơ quan cấp giấy phép: {i}"))),
        Some((i, true)) => notes.push(Evidence::new(
            url,
            format!(
                "cơ quan cấp giấy phép không ghi bằng chữ, suy ra từ ký hiệu của số giấy phép \"{}\": {i}",
                l.number
            ),
        )),
        None => problems.push("không ghi cơ quan cấp phép".to_string()),
    }
    match l.date {
        None => problems.push("không ghi ngày cấp".to_string()),
        Some(issued) => {
            let renewal: Option<&LicenseRenewal> = page.facts.license_renewal.as_ref().filter(|r| r.date > issued);
            let latest = renewal.map_or(issued, |r| r.date);
            let expires = latest.checked_add_months(Months::new(60));
            let lapsed = expires.is_some_and(|e| ctx.as_of > e);
            let mut shown = format!("giấy phép {} cấp ngày {}", l.number, fmt_day(issued));
            if let Some(r) = renewal {
                shown.push_str(&format!(", gia hạn/cấp lại ngày {} (\"{}\")", fmt_day(r.date), r.snippet));
            }
            if lapsed {
                problems.push(format!(
                    "cấp ngày {}{}, đã quá thời hạn 05 năm tính đến ngày {}",
                    fmt_day(issued),
                    renewal
                        .map(|r| format!(", gia hạn/cấp lại ngày {}", fmt_day(r.date)))
                        .unwrap_or_default(),
                    fmt_day(ctx.as_of)
                ));
                notes.push(Evidence::new(
                    url,
                    format!("{shown}: đã quá 05 năm, không còn là giấy phép đang còn hiệu lực"),
                ));
            } else {
                notes.push(Evidence::new(url, format!("{shown}: còn trong thời hạn 05 năm")));
            }
        }
    }
    let mut v = verdict;
    v.evidence.extend(notes);
    if problems.is_empty() || v.status == Status::Fail {
        if v.status == Status::Fail && !problems.is_empty() {
            v.evidence.push(Evidence::new(
                url,
                format!("ngoài ra, giấy phép {} {}", l.number, problems.join("; ")),
            ));
        }
        return v;
    }
    Verdict::fail(
        format!("Giấy phép {} trên trang chủ {}", l.number, problems.join("; ")),
        v.evidence,
        "Ghi đủ số giấy phép đang còn hiệu lực, ngày cấp và cơ quan cấp phép ở chân trang chủ; giấy phép đã quá 05 năm phải được cấp lại và ghi ngày cấp mới.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawler::PageRole;
    use crate::extract::Attribution;
    use crate::rules::testkit::*;
    use crate::rules::{attribution_details, disclosure_license};

    fn article(fx: &mut Fx, path: &str, source: &str, author: Option<&str>, time: bool) {
        let page = fx.page(PageRole::Article, path);
        page.attribution = Some(Attribution {
            source: source.into(),
            author: author.map(str::to_string),
            original_time: time.then(|| d(2026, 11, 23).and_hms_opt(7, 30, 0)).flatten(),
            text: format!("Nguồn: {source}"),
        });
    }

    #[test]
    fn generic_words_are_no_source_name() {
        for s in ["TTXVN", "Báo Khánh Hòa", "VnExpress", "Cổng Thông tin điện tử Chính phủ"] {
            assert!(full_source_name(s), "{s}");
        }
        for s in ["báo", "Internet", "Sưu tầm", "ST", "Tổng hợp", "", "(báo)"] {
            assert!(!full_source_name(s), "{s}");
        }
    }

    #[test]
    fn details_from_25_december_2024_want_author_and_name_and_time() {
        let mut fx = Fx::aggregator();
        article(&mut fx, "du", "TTXVN", Some("Minh Châu"), true);
        let v = fx.run(&attribution_details::RULE);
        assert_eq!(v.status, Status::Pass, "{}", ev(&v));
        assert!(ev(&v).contains("tác giả Minh Châu"), "{}", ev(&v));

        article(&mut fx, "thieu-tac-gia", "Báo Khánh Hòa", None, true);
        article(&mut fx, "chung-chung", "báo", Some("Lan Anh"), true);
        let v = fx.run(&attribution_details::RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.starts_with("2/3") && v.message.contains("tên tác giả"), "{}", v.message);
        let e = ev(&v);
        assert!(e.contains("thieu-tac-gia") && e.contains("tên đầy đủ của nguồn tin"), "{e}");
    }

    #[test]
    fn a_byline_beside_the_source_line_is_the_author() {
        let mut fx = Fx::aggregator();
        article(&mut fx, "byline", "Báo Khánh Hòa", None, true);
        fx.crawl.pages[1].facts.article_end.author = Some("Minh Anh".into());
        assert_eq!(fx.run(&attribution_details::RULE).status, Status::Pass);
    }

    #[test]
    fn details_on_24_december_2024_keep_the_or_rule() {
        let mut fx = Fx::aggregator();
        fx.as_of = d(2024, 12, 24);
        article(&mut fx, "thieu-tac-gia", "Báo Khánh Hòa", None, true);
        assert_eq!(fx.run(&attribution_details::RULE).status, Status::Pass);
        fx.as_of = d(2024, 12, 25);
        assert_eq!(fx.run(&attribution_details::RULE).status, Status::Fail);
    }

    fn licence(fx: &mut Fx, snippet: &str, issuer: Option<&str>, date: Option<chrono::NaiveDate>) {
        fx.site.license = Some("19/GP-STTTT".into());
        fx.home().disclosures.license = Some(License {
            number: "19/GP-STTTT".into(),
            issuer: issuer.map(str::to_string),
            date,
            snippet: snippet.into(),
        });
    }

    const FULL: &str = "Giấy phép số 19/GP-STTTT do Sở Thông tin và Truyền thông tỉnh Quảng Ninh cấp ngày 20/08/2023";

    #[test]
    fn licence_with_date_and_issuer_within_five_years_passes() {
        let mut fx = Fx::aggregator();
        licence(
            &mut fx,
            FULL,
            Some("Sở Thông tin và Truyền thông tỉnh Quảng Ninh"),
            Some(d(2023, 8, 20)),
        );
        let v = fx.run(&disclosure_license::RULE);
        assert_eq!(v.status, Status::Pass, "{}", ev(&v));
        assert!(ev(&v).contains("cấp ngày 20/08/2023: còn trong thời hạn 05 năm"), "{}", ev(&v));
    }

    #[test]
    fn licence_older_than_five_years_fails_with_its_date_unless_renewed() {
        let mut fx = Fx::aggregator();
        fx.as_of = d(2026, 11, 25);
        licence(
            &mut fx,
            FULL,
            Some("Sở Thông tin và Truyền thông tỉnh Quảng Ninh"),
            Some(d(2021, 11, 24)),
        );
        let v = fx.run(&disclosure_license::RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.contains("24/11/2021") && v.message.contains("05 năm"), "{}", v.message);
        assert!(v.hint.is_some());
        // Exactly five years on the as-of date is still in force.
        licence(
            &mut fx,
            FULL,
            Some("Sở Thông tin và Truyền thông tỉnh Quảng Ninh"),
            Some(d(2021, 11, 25)),
        );
        assert_eq!(fx.run(&disclosure_license::RULE).status, Status::Pass);
        licence(
            &mut fx,
            FULL,
            Some("Sở Thông tin và Truyền thông tỉnh Quảng Ninh"),
            Some(d(2019, 1, 10)),
        );
        fx.home().license_renewal = Some(LicenseRenewal {
            date: d(2024, 1, 5),
            snippet: "gia hạn ngày 05/01/2024".into(),
        });
        let v = fx.run(&disclosure_license::RULE);
        assert_eq!(v.status, Status::Pass, "{}", ev(&v));
        assert!(ev(&v).contains("gia hạn/cấp lại ngày 05/01/2024"), "{}", ev(&v));
    }

    #[test]
    fn licence_without_date_or_issuer_fails_and_code_issuers_count() {
        let mut fx = Fx::aggregator();
        licence(&mut fx, "Giấy phép số 19/GP-STTTT", None, None);
        let v = fx.run(&disclosure_license::RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(
            v.message.contains("không ghi cơ quan cấp phép") && v.message.contains("không ghi ngày cấp"),
            "{}",
            v.message
        );
        licence(
            &mut fx,
            "Giấy phép số 19/GP-STTTT ngày 20/08/2023",
            Some("Sở Thông tin và Truyền thông"),
            Some(d(2023, 8, 20)),
        );
        let v = fx.run(&disclosure_license::RULE);
        assert_eq!(v.status, Status::Pass, "{}", ev(&v));
        assert!(ev(&v).contains("suy ra từ ký hiệu"), "{}", ev(&v));
    }

    #[test]
    fn licence_on_24_december_2024_wants_the_number_only() {
        let mut fx = Fx::aggregator();
        fx.as_of = d(2024, 12, 24);
        licence(&mut fx, "Giấy phép số 19/GP-STTTT", None, Some(d(2010, 1, 1)));
        assert_eq!(fx.run(&disclosure_license::RULE).status, Status::Pass);
        fx.as_of = d(2024, 12, 25);
        assert_eq!(fx.run(&disclosure_license::RULE).status, Status::Fail);
    }

    #[test]
    fn a_wrong_number_stays_the_message_and_the_date_is_added() {
        let mut fx = Fx::aggregator();
        licence(&mut fx, FULL, None, Some(d(2015, 1, 1)));
        fx.site.license = Some("21/GP-STTTT".into());
        let v = fx.run(&disclosure_license::RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.contains("khác với giấy phép đã cấp"), "{}", v.message);
        assert!(ev(&v).contains("ngoài ra") && ev(&v).contains("01/01/2015"), "{}", ev(&v));
    }
}
