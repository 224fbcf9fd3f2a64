//! The period summary over a half year of fixture results: the figures of
//! the aggregation, and what each format makes of them.

use chrono::{Datelike, Duration, NaiveDate};

use super::aggregate::days_in;
use super::{PeriodInput, PeriodSummary, RuleSummary, SiteSummary, render, render_csv, summarize};
use crate::extract::LegalDocument;
use crate::model::{Kind, KnownDocument, KnownItem};
use crate::model::{ResultRecord, Status};
use crate::report::Format;
use crate::report::csv::BOM;
use crate::report::testutil::*;

const RULES: [&str; 5] = [
    "site.reachable",
    "site.crawlable",
    "update.daily",
    "update.legal_documents",
    "disclosure.contact",
];

/// Mon–Fri less 1/1, Tết 16–20/2, Hùng Kings (observed 27/4), 30/4 and 1/5.
fn is_wd(d: NaiveDate) -> bool {
    let hol = [
        day(2026, 1, 1),
        day(2026, 2, 16),
        day(2026, 2, 17),
        day(2026, 2, 18),
        day(2026, 2, 19),
        day(2026, 2, 20),
        day(2026, 4, 27),
        day(2026, 4, 30),
        day(2026, 5, 1),
    ];
    d.weekday().num_days_from_monday() < 5 && !hol.contains(&d)
}

fn between(d: NaiveDate, a: NaiveDate, b: NaiveDate) -> bool {
    d >= a && d <= b
}

/// The results a store would hold for one day.
fn day_results(d: NaiveDate) -> Vec<ResultRecord> {
    let mut v = Vec::new();
    for rule in RULES {
        // tot: always fine.
        v.push(rec("tot", rule, Status::Pass, d));
        // ngung: stops updating in March; update.daily fails from 10/3.
        let st = if rule == "update.daily" && d >= day(2026, 3, 10) {
            Status::Fail
        } else {
            Status::Pass
        };
        v.push(rec("ngung", rule, st, d));
        // sap: unreachable 6/4–19/4; every other rule unknown then.
        let down = between(d, day(2026, 4, 6), day(2026, 4, 19));
        let st = match (down, rule) {
            (false, _) => Status::Pass,
            (true, "site.reachable") => Status::Fail,
            (true, _) => Status::Unknown,
        };
        v.push(rec("sap", rule, st, d));
        // tre: late legal documents; robots.txt forbids us (info, must not weigh).
        let late = between(d, day(2026, 5, 8), day(2026, 5, 14)) || between(d, day(2026, 6, 15), day(2026, 6, 21));
        let st = match rule {
            "update.legal_documents" if late => Status::Fail,
            "site.crawlable" => Status::Fail,
            _ => Status::Pass,
        };
        v.push(rec("tre", rule, st, d));
    }
    // thua: checked on Mondays only, two rules; contact fails in June.
    if d.weekday() == chrono::Weekday::Mon {
        v.push(rec("thua", "site.reachable", Status::Pass, d));
        let st = if d.month() == 6 { Status::Fail } else { Status::Pass };
        v.push(rec("thua", "disclosure.contact", st, d));
    }
    v
}

fn item(d: NaiveDate) -> KnownItem {
    KnownItem {
        url: format!("https://x.gov.vn/tin/{d}"),
        title: "Tin".into(),
        published: Some(d),
        first_seen: d,
        seen_on: "https://x.gov.vn/tin-tuc".into(),
    }
}

fn doc(number: &str, signed: NaiveDate, posted: NaiveDate) -> KnownDocument {
    KnownDocument {
        doc: LegalDocument {
            url: format!("https://tre.gov.vn/van-ban/{number}"),
            number: number.into(),
            title: "Quyết định".into(),
            signed,
            posted: Some(posted),
        },
        first_seen: posted,
        seen_on: "https://tre.gov.vn/van-ban".into(),
    }
}

struct Fixture {
    sites: Vec<(String, String)>,
    kinds: Vec<(String, Kind)>,
    items: Vec<(String, Vec<KnownItem>)>,
    documents: Vec<(String, Vec<KnownDocument>)>,
}

fn fixture() -> Fixture {
    let (from, to) = (day(2026, 1, 1), day(2026, 6, 30));
    let all: Vec<NaiveDate> = days_in(from - Duration::days(10), to + Duration::days(3)).collect();
    let sites: Vec<(String, String)> = ["moi", "tot", "ngung", "sap", "tre", "thua"]
        .iter()
        .map(|s| (s.to_string(), format!("Trang {s}")))
        .collect();
    let kinds = sites.iter().map(|(id, _)| (id.clone(), Kind::Government)).collect();
    let items = vec![
        // Every day including weekends and days outside the period: only
        // working days inside it may count.
        ("tot".to_string(), all.iter().map(|d| item(*d)).collect()),
        (
            "ngung".to_string(),
            all.iter().filter(|d| **d <= day(2026, 3, 6)).map(|d| item(*d)).collect(),
        ),
        (
            "sap".to_string(),
            all.iter()
                .filter(|d| !between(**d, day(2026, 4, 6), day(2026, 4, 17)))
                .map(|d| item(*d))
                .collect(),
        ),
    ];
    let documents = vec![(
        "tre".to_string(),
        vec![
            doc("1/2025/QĐ-UBND", day(2025, 12, 1), day(2025, 12, 30)), // posted before the period
            doc("2/2026/QĐ-UBND", day(2026, 2, 2), day(2026, 2, 4)),    // Mon→Wed: 2
            doc("3/2026/QĐ-UBND", day(2026, 3, 6), day(2026, 3, 10)),   // Fri→Tue: Mon, Tue = 2
            doc("4/2026/QĐ-UBND", day(2026, 4, 29), day(2026, 5, 4)),   // 30/4, 1/5 off: only Mon 4/5 = 1
            doc("5/2026/QĐ-UBND", day(2026, 5, 4), day(2026, 5, 8)),    // Mon→Fri: 4, late
            doc("6/2026/QĐ-UBND", day(2026, 6, 1), day(2026, 6, 15)),   // 2–5, 8–12, 15 = 10, late
        ],
    )];
    Fixture {
        sites,
        kinds,
        items,
        documents,
    }
}

fn run(fx: &Fixture, covered_from: Option<NaiveDate>, dup: bool) -> PeriodSummary {
    let (from, to) = (day(2026, 1, 1), day(2026, 6, 30));
    let input = PeriodInput {
        from,
        to,
        province: Some("tỉnh Tiền Giang"),
        sites: &fx.sites,
        kinds: &fx.kinds,
        is_working_day: &is_wd,
        item_days: &|id| {
            fx.items
                .iter()
                .filter(|(s, _)| s == id)
                .flat_map(|(_, items)| items.iter().map(KnownItem::day))
                .collect()
        },
        documents: &|id| {
            fx.documents
                .iter()
                .filter(|(s, _)| s == id)
                .flat_map(|(_, docs)| docs.iter().cloned())
                .collect()
        },
        covered_from,
        max_doc_delay_working_days: 2,
    };
    // The store streams day by day, including days before `from` it still holds.
    let stream = days_in(day(2025, 12, 20), to).flat_map(move |d| {
        let n = if dup && d.day() == 15 { 2 } else { 1 };
        std::iter::repeat_n((d, day_results(d)), n)
    });
    summarize(&input, stream)
}

fn site<'a>(s: &'a PeriodSummary, id: &str) -> &'a SiteSummary {
    s.sites.iter().find(|x| x.site == id).unwrap()
}
fn rule<'a>(s: &'a SiteSummary, id: &str) -> &'a RuleSummary {
    s.rules.iter().find(|x| x.rule == id).unwrap()
}

#[test]
fn half_year_figures() {
    let fx = fixture();
    // Re-runs on the 15th of each month must not count twice.
    let s = run(&fx, Some(day(2026, 1, 1)), true);
    // 1/1–30/6/2026: 31+28+31+30+31+30 = 181 days.
    assert_eq!(s.covered_days, 181);
    assert_eq!(s.effective_from, Some(day(2026, 1, 1)));

    // Weekdays: Jan 22, Feb 20, Mar 22, Apr 22, May 21, Jun 22 = 129; less 9 holidays = 120.
    let tot = site(&s, "tot");
    assert_eq!((tot.working_days, tot.working_days_with_item), (120, 120));
    assert_eq!(tot.compliance, Some(1.0));
    assert!(tot.fully_compliant());
    assert_eq!(tot.heaviest_rule, None);
    assert_eq!(rule(tot, "update.daily").days_checked, 181);
    assert_eq!(rule(tot, "update.daily").days_not_checked, 0);

    // ngung: items on working days to Fri 6/3: Jan 22-1, Feb 20-5, Mar 2–6 = 5 → 41.
    let ngung = site(&s, "ngung");
    assert_eq!(ngung.working_days_with_item, 41);
    // update.daily fails 10/3–30/6: 22 + 30 + 31 + 30 = 113 days.
    let ud = rule(ngung, "update.daily");
    assert_eq!((ud.days_checked, ud.days_failed, ud.days_passed), (181, 113, 68));
    assert_eq!(
        (ud.first_failure, ud.last_failure),
        (Some(day(2026, 3, 10)), Some(day(2026, 6, 30)))
    );
    assert_eq!((ud.end_status, ud.end_status_date), (Some(Status::Fail), Some(day(2026, 6, 30))));
    assert_eq!(ngung.heaviest_rule.as_deref(), Some("update.daily"));
    // March: 22 working days, 5 with an item (2–6/3), failures 10–31/3 = 22 days.
    let mar = ngung.months.iter().find(|m| m.month == 3).unwrap();
    assert_eq!((mar.working_days, mar.working_days_with_item, mar.days_with_failure), (22, 5, 22));
    assert_eq!(ngung.months.len(), 6);

    // sap: down 6–19/4 (14 days): reachable fails, the other three weighed rules unknown.
    let sap = site(&s, "sap");
    let reach = rule(sap, "site.reachable");
    assert_eq!(
        (reach.days_failed, reach.first_failure, reach.last_failure),
        (14, Some(day(2026, 4, 6)), Some(day(2026, 4, 19)))
    );
    assert_eq!(reach.end_status, Some(Status::Pass));
    assert_eq!(rule(sap, "update.daily").days_unknown, 14);
    // No item on the 10 working days 6–10/4 and 13–17/4: 120 - 10 = 110.
    assert_eq!(sap.working_days_with_item, 110);
    assert_eq!(sap.heaviest_rule.as_deref(), Some("site.reachable"));
    assert!(!sap.fully_compliant());
    let apr = sap.months.iter().find(|m| m.month == 4).unwrap();
    assert_eq!((apr.working_days, apr.days_with_failure), (20, 14));

    // tre: documents posted in the period have delays 2, 2, 1, 4, 10 → sorted 1 2 2 4 10.
    let tre = site(&s, "tre");
    let d = &tre.documents;
    assert_eq!((d.posted, d.late, d.median_delay, d.worst_delay), (5, 2, Some(2.0), Some(10)));
    assert_eq!(d.worst_document.as_deref(), Some("6/2026/QĐ-UBND"));
    // Documents count as new items: 5 working days with one.
    assert_eq!(tre.working_days_with_item, 5);
    let lg = rule(tre, "update.legal_documents");
    assert_eq!(
        (lg.days_failed, lg.first_failure, lg.last_failure),
        (14, Some(day(2026, 5, 8)), Some(day(2026, 6, 21)))
    );
    // site.crawlable fails every day but is info: it weighs on neither compliance nor the ranking.
    assert_eq!(rule(tre, "site.crawlable").days_failed, 181);
    assert_eq!(tre.heaviest_rule.as_deref(), Some("update.legal_documents"));

    // thua: 26 Mondays checked (4+4+5+4+4+5), 155 days not checked; contact fails on the 5 Mondays of June.
    let thua = site(&s, "thua");
    assert_eq!((thua.days_checked, thua.days_not_checked), (26, 155));
    let c = rule(thua, "disclosure.contact");
    assert_eq!((c.days_checked, c.days_failed, c.days_not_checked), (26, 5, 155));
    assert_eq!(
        (c.first_failure, c.last_failure, c.end_status_date),
        (Some(day(2026, 6, 1)), Some(day(2026, 6, 29)), Some(day(2026, 6, 29)))
    );
    assert!(!thua.update_applies);

    // moi: never checked: not compliant, not "0 failures".
    let moi = site(&s, "moi");
    assert_eq!((moi.days_checked, moi.days_not_checked, moi.compliance), (0, 181, None));
    assert!(!moi.fully_compliant());

    // Compliance over the 4 weighed rules × 181 days = 724 rule-days:
    // ngung 611/724 = .844, thua 47/52 = .904, sap 668/724 = .923, tre 710/724 = .981, tot 1.
    assert!((ngung.compliance.unwrap() - 611.0 / 724.0).abs() < 1e-9);
    assert!((thua.compliance.unwrap() - 47.0 / 52.0).abs() < 1e-9);
    assert_eq!(s.ranking, vec!["moi", "ngung", "thua", "sap", "tre", "tot"]);
    assert_eq!((moi.rank, tot.rank), (1, 6));
    assert_eq!((s.fully_compliant, s.sites_not_checked), (1, 1));

    let top: Vec<(&str, u32, u32)> = s.top_violations.iter().map(|v| (v.rule.as_str(), v.sites, v.site_days)).collect();
    assert_eq!(
        top,
        vec![
            ("update.daily", 1, 113),
            ("site.reachable", 1, 14),
            ("update.legal_documents", 1, 14),
            ("disclosure.contact", 1, 5)
        ]
    );
}

#[test]
fn days_before_the_store_are_not_counted_and_an_uncovered_period_says_so() {
    let fx = fixture();
    let s = run(&fx, Some(day(2026, 3, 1)), false);
    // 1/3–30/6 = 31+30+31+30 = 122 days; weekdays 22+22+21+22 = 87 less 27/4, 30/4, 1/5 = 84.
    assert_eq!(s.covered_days, 122);
    let tot = site(&s, "tot");
    assert_eq!(rule(tot, "site.reachable").days_checked, 122);
    assert_eq!((tot.working_days, tot.working_days_with_item), (84, 84));
    assert_eq!(tot.months.len(), 4);

    let s = run(&fx, Some(day(2026, 7, 1)), false);
    assert_eq!((s.effective_from, s.covered_days), (None, 0));
    assert!(s.sites.iter().all(|x| x.compliance.is_none() && x.rules.is_empty()));
    assert_eq!(s.fully_compliant, 0);
    let mut csv = Vec::new();
    render_csv(&s, &mut csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert!(text.contains("Ngoài phạm vi dữ liệu (kho chỉ còn lưu từ 01/07/2026)"));
    let mut html = Vec::new();
    render(&s, Format::Html, &mut html).unwrap();
    let html = String::from_utf8(html).unwrap();
    assert!(html.contains("01/07/2026"));
    assert!(html.contains("không có dữ liệu"));
}

#[test]
fn csv_has_a_row_per_site_and_rule_and_jsonl_parses() {
    let fx = fixture();
    let s = run(&fx, None, false);
    let mut out = Vec::new();
    render(&s, Format::Csv, &mut out).unwrap();
    assert!(out.starts_with(BOM));
    let mut r = ::csv::Reader::from_reader(&out[BOM.len()..]);
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(headers[1], "Mã trang");
    assert!(headers.iter().any(|h| h == "Số ngày chưa kiểm tra"));
    let rows: Vec<::csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    // 4 sites × 5 rules + thua × 2 + moi × 1.
    assert_eq!(rows.len(), 23);
    assert_eq!(&rows[0][1], "moi");
    assert_eq!(&rows[0][23], "Chưa kiểm tra");
    let ngung_daily = rows.iter().find(|r| &r[1] == "ngung" && &r[13] == "update.daily").unwrap();
    assert_eq!(&ngung_daily[14], "Cập nhật thông tin hằng ngày");
    assert_eq!(&ngung_daily[18], "113");
    assert_eq!(&ngung_daily[21], "10/03/2026");
    assert_eq!(&ngung_daily[23], "Không đạt");
    assert_eq!(&ngung_daily[8], "34,2"); // 41/120

    let mut out = Vec::new();
    render(&s, Format::Jsonl, &mut out).unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["kind"], "period");
    assert_eq!(lines[0]["fully_compliant"], 1);
    assert_eq!(lines.iter().filter(|l| l["kind"] == "site").count(), 6);
    assert_eq!(lines.iter().filter(|l| l["kind"] == "rule").count(), 22);
    assert!(
        lines
            .iter()
            .any(|l| l["kind"] == "rule" && l["site"] == "ngung" && l["rule"] == "update.daily" && l["days_failed"] == 113)
    );
    assert!(render(&s, Format::Junit, &mut Vec::new()).is_err());
}

#[test]
fn html_has_overview_ranking_and_a_chart_per_checked_site() {
    let mut fx = fixture();
    fx.sites[1].1 = "<script>alert(1)</script> Trang tốt".into();
    let s = run(&fx, Some(day(2026, 1, 1)), false);
    let mut out = Vec::new();
    render(&s, Format::Html, &mut out).unwrap();
    let html = String::from_utf8(out).unwrap();
    assert!(html.contains("tỉnh Tiền Giang từ 01/01/2026 đến 30/06/2026"));
    assert!(html.contains("Số trang tuân thủ đầy đủ"));
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; Trang tốt"));
    // Five checked sites get a monthly chart; "moi" says it was never checked.
    assert_eq!(html.matches("<svg").count(), 5);
    assert!(html.contains("Trang chưa được kiểm tra ngày nào trong kỳ"));
    assert!(html.contains("T3/2026"));
    assert!(html.contains("@page{size:A4"));
    // The ranking lists least compliant first.
    let pos = |id: &str| html.find(&format!("href=\"#trang-{id}\"")).unwrap_or(usize::MAX);
    assert!(pos("moi") < pos("ngung") && pos("ngung") < pos("thua") && pos("tre") < pos("tot"));
}

/// Every day of `from..=to` with one result per (site, rule), all `status`.
fn stream(
    from: NaiveDate,
    to: NaiveDate,
    pairs: &'static [(&'static str, &'static str)],
    status: Status,
) -> impl Iterator<Item = (NaiveDate, Vec<ResultRecord>)> {
    days_in(from, to).map(move |d| (d, pairs.iter().map(|(site, rule)| rec(site, rule, status, d)).collect()))
}

fn summarize_kinds(
    from: NaiveDate,
    to: NaiveDate,
    sites: &[(&str, Kind)],
    results: impl Iterator<Item = (NaiveDate, Vec<ResultRecord>)>,
) -> PeriodSummary {
    let names: Vec<(String, String)> = sites.iter().map(|(s, _)| (s.to_string(), format!("Trang {s}"))).collect();
    let kinds: Vec<(String, Kind)> = sites.iter().map(|(s, k)| (s.to_string(), *k)).collect();
    let input = PeriodInput {
        from,
        to,
        province: None,
        sites: &names,
        kinds: &kinds,
        is_working_day: &is_wd,
        item_days: &|_| Vec::new(),
        documents: &|_| Vec::new(),
        covered_from: Some(from),
        max_doc_delay_working_days: 2,
    };
    summarize(&input, results)
}

fn html_of(s: &PeriodSummary) -> String {
    let mut out = Vec::new();
    render(s, Format::Html, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_rule_counts_only_on_the_days_its_text_was_in_force() {
    // Circular 32/2017 put the footer duty on state sites from 1/6/2018: a
    // period from 20/5 counts disclosure.contact from that day, even where
    // the store holds results for the days before (an older law table).
    let (from, to) = (day(2018, 5, 20), day(2018, 6, 10));
    let results = stream(
        from,
        to,
        &[("so", "site.reachable"), ("so", "disclosure.contact"), ("thon", "site.reachable")],
        Status::Pass,
    );
    let s = summarize_kinds(from, to, &[("so", Kind::Government), ("thon", Kind::Government)], results);
    let so = site(&s, "so");
    let contact = rule(so, "disclosure.contact");
    assert_eq!(
        (
            contact.days_applicable,
            contact.days_checked,
            contact.days_passed,
            contact.days_not_checked
        ),
        (10, 10, 10, 0)
    );
    assert_eq!((contact.applies_from, contact.applies_until), (Some(day(2018, 6, 1)), None));
    let reach = rule(so, "site.reachable");
    assert_eq!((reach.days_applicable, reach.days_checked, reach.applies_from), (22, 22, None));
    // A rule never stored for a site is not listed for it, as before.
    assert!(site(&s, "thon").rules.iter().all(|r| r.rule != "disclosure.contact"));

    let html = html_of(&s);
    assert!(html.contains("(áp dụng từ 01/06/2018)"), "{html}");
    assert_eq!(html.matches("áp dụng từ").count(), 1);
    assert!(html.contains("chỉ được tính trong những ngày văn bản làm căn cứ"));

    // A day without a result after the text came in is still "not checked".
    let gap = stream(from, to, &[("so", "disclosure.contact")], Status::Pass).filter(|(d, _)| *d != day(2018, 6, 5));
    let s = summarize_kinds(from, to, &[("so", Kind::Government)], gap);
    let contact = rule(site(&s, "so"), "disclosure.contact");
    assert_eq!((contact.days_checked, contact.days_not_checked), (9, 1));
}

#[test]
fn attribution_link_counts_for_an_aggregator_from_25_december_2024() {
    // attribution.link rests on Decree 147/2024 alone (law::ATTRIBUTION_LINK):
    // before 25/12/2024 an aggregator had no such duty.
    let Some(link) = crate::rules::find("attribution.link") else {
        // Its RuleDef comes with the rest of issue 12's new rules; until
        // then the id is unknown here and counts on every day, as any
        // unknown rule does. The dates are the law table's already.
        let a = crate::rules::law::ATTRIBUTION_LINK;
        assert!(crate::rules::law::in_force(a, Kind::Aggregator, day(2024, 12, 24)).is_none());
        assert!(crate::rules::law::in_force(a, Kind::Aggregator, day(2024, 12, 25)).is_some());
        return;
    };
    assert!(!link.applies_on(Kind::Aggregator, day(2024, 12, 24)));
    let (from, to) = (day(2024, 12, 1), day(2025, 1, 31));
    let results = stream(
        from,
        to,
        &[("tonghop", "attribution.source"), ("tonghop", "attribution.link")],
        Status::Fail,
    )
    .filter(|(d, _)| *d != day(2025, 1, 10));
    let s = summarize_kinds(from, to, &[("tonghop", Kind::Aggregator)], results);
    let agg = site(&s, "tonghop");
    let l = rule(agg, "attribution.link");
    // 25/12/2024–31/1/2025 = 7 + 31 = 38 days, one of them without a result.
    assert_eq!(l.days_applicable, 38);
    assert_eq!((l.days_checked, l.days_failed, l.days_unknown, l.days_not_checked), (37, 37, 0, 1));
    assert_eq!(
        (l.applies_from, l.first_failure),
        (Some(day(2024, 12, 25)), Some(day(2024, 12, 25)))
    );
    let src = rule(agg, "attribution.source");
    assert_eq!((src.days_applicable, src.days_checked, src.applies_from), (62, 61, None));
    assert!(html_of(&s).contains("(áp dụng từ 25/12/2024)"));
}
