//! The period summary of SPEC §9 (six-monthly and yearly reports), as pure
//! aggregation: the caller streams one day of stored results at a time and
//! this module keeps O(sites × (rules + months)) state, so a year of
//! results never sits in memory.
//!
//! Definitions the figures rest on:
//! - Only days from `max(from, covered_from)` to `to` are counted; days
//!   before the store's first day are "not covered" and shown as such, never
//!   as zeros.
//! - A day without a stored result for a (site, rule) is "not checked"
//!   (chưa kiểm tra), never compliant.
//! - Compliance of a site = share of its checked (rule, day) results that
//!   passed, over rules of severity warning or violation (an `info` rule such
//!   as `site.crawlable` informs, it does not make a site non-compliant);
//!   `unknown` counts as not passed. "Fully compliant" = checked at least
//!   once, and no such result failed or was unknown.
//! - A legal document's delay = working days after the signing day up to and
//!   including the posting day (signed Friday, posted Monday = 1).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use super::csv::{BOM, cell, csv_error};
use super::{Format, rule_name_vi, rule_order, vi_date};
use crate::model::{KnownDocument, KnownItem};
use crate::model::{ResultRecord, Severity, Status};

pub struct PeriodInput<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// E.g. "tỉnh Tiền Giang", for the overview an officer pastes into the official report.
    pub province: Option<&'a str>,
    /// (id, display name) of the sites to report on, in registry order;
    /// results of other sites are ignored.
    pub sites: &'a [(String, String)],
    pub is_working_day: &'a dyn Fn(NaiveDate) -> bool,
    /// Per site id: the items the store knows.
    pub items: &'a [(String, Vec<KnownItem>)],
    /// Per site id: the legal documents the store knows.
    pub documents: &'a [(String, Vec<KnownDocument>)],
    /// The earliest day the store still holds results for.
    pub covered_from: Option<NaiveDate>,
    /// `rules.legal_documents.max_working_days`.
    pub max_doc_delay_working_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodSummary {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub province: Option<String>,
    pub covered_from: Option<NaiveDate>,
    /// First counted day; `None` when no day of the period is covered by the store.
    pub effective_from: Option<NaiveDate>,
    pub covered_days: u32,
    pub fully_compliant: usize,
    /// Sites with no stored check at all in the period.
    pub sites_not_checked: usize,
    /// Most common violations first.
    pub top_violations: Vec<ViolationCount>,
    /// Site ids from least to most compliant (never-checked sites first).
    pub ranking: Vec<String>,
    /// In the order of the input's `sites`.
    pub sites: Vec<SiteSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViolationCount {
    pub rule: String,
    /// Sites that failed it on at least one day.
    pub sites: u32,
    /// (site, day) pairs that failed it.
    pub site_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteSummary {
    pub site: String,
    pub name: String,
    /// 1 = least compliant.
    pub rank: usize,
    /// Days with at least one stored result for the site.
    pub days_checked: u32,
    pub days_not_checked: u32,
    /// Whether the update rules apply (the site had `update.*` results):
    /// the update and document figures mean nothing for an aggregator.
    pub update_applies: bool,
    pub working_days: u32,
    pub working_days_with_item: u32,
    pub documents: DocumentStats,
    /// 0.0..=1.0; `None` when never checked.
    pub compliance: Option<f64>,
    pub heaviest_rule: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleSummary>,
    pub months: Vec<MonthSummary>,
}

impl SiteSummary {
    pub fn update_share(&self) -> Option<f64> {
        (self.working_days > 0).then(|| f64::from(self.working_days_with_item) / f64::from(self.working_days))
    }
    pub fn fully_compliant(&self) -> bool {
        self.days_checked > 0
            && self
                .rules
                .iter()
                .filter(|r| r.severity >= Severity::Warning)
                .all(|r| r.days_failed == 0 && r.days_unknown == 0)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DocumentStats {
    /// Posted within the counted days.
    pub posted: u32,
    /// Posted more than `max_doc_delay_working_days` working days after signing.
    pub late: u32,
    pub median_delay: Option<f64>,
    pub worst_delay: Option<i64>,
    /// Number (or title when it has none) and URL of the most delayed document.
    pub worst_document: Option<String>,
    pub worst_url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleSummary {
    pub rule: String,
    pub severity: Severity,
    pub days_checked: u32,
    pub days_passed: u32,
    pub days_failed: u32,
    pub days_unknown: u32,
    pub days_not_checked: u32,
    pub first_failure: Option<NaiveDate>,
    pub last_failure: Option<NaiveDate>,
    /// The status on the last checked day, and that day (which may be before `to`).
    pub end_status: Option<Status>,
    pub end_status_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthSummary {
    pub year: i32,
    pub month: u32,
    /// Counted days of the month inside the period.
    pub days: u32,
    pub working_days: u32,
    pub working_days_with_item: u32,
    pub days_checked: u32,
    /// Days with at least one failed rule of severity warning or violation.
    pub days_with_failure: u32,
}

struct SiteAcc {
    rules: Vec<RuleSummary>,
    last_day: Option<NaiveDate>,
    days_checked: u32,
    months: BTreeMap<(i32, u32), MonthSummary>,
}

/// Working days after `signed` up to and including `posted`.
pub fn delay_working_days(signed: NaiveDate, posted: NaiveDate, is_working_day: &dyn Fn(NaiveDate) -> bool) -> i64 {
    let n = (posted - signed).num_days();
    if n <= 0 {
        return 0;
    }
    // A mistyped year on a listing must not make us walk centuries day by day.
    if n > 3700 {
        return n * 5 / 7;
    }
    (1..=n)
        .filter_map(|i| signed.checked_add_signed(Duration::days(i)))
        .filter(|d| is_working_day(*d))
        .count() as i64
}

fn days_in(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

pub fn summarize(input: &PeriodInput, results: impl Iterator<Item = (NaiveDate, Vec<ResultRecord>)>) -> PeriodSummary {
    let eff_from = input.covered_from.map_or(input.from, |c| c.max(input.from));
    let effective_from = (eff_from <= input.to).then_some(eff_from);
    let covered_days = effective_from.map_or(0, |f| (input.to - f).num_days() + 1) as u32;

    // Month skeleton with working days, shared by every site.
    let mut month_skeleton: BTreeMap<(i32, u32), MonthSummary> = BTreeMap::new();
    let mut working: HashSet<NaiveDate> = HashSet::new();
    if let Some(f) = effective_from {
        for d in days_in(f, input.to) {
            let m = month_skeleton.entry((d.year(), d.month())).or_insert(MonthSummary {
                year: d.year(),
                month: d.month(),
                days: 0,
                working_days: 0,
                working_days_with_item: 0,
                days_checked: 0,
                days_with_failure: 0,
            });
            m.days += 1;
            if (input.is_working_day)(d) {
                m.working_days += 1;
                working.insert(d);
            }
        }
    }

    let index: HashMap<&str, usize> = input.sites.iter().enumerate().map(|(i, (id, _))| (id.as_str(), i)).collect();
    let mut accs: Vec<SiteAcc> = input
        .sites
        .iter()
        .map(|_| SiteAcc {
            rules: Vec::new(),
            last_day: None,
            days_checked: 0,
            months: month_skeleton.clone(),
        })
        .collect();

    for (day, records) in results {
        let Some(f) = effective_from else { break };
        if day < f || day > input.to {
            continue;
        }
        let mut failed_today: HashSet<usize> = HashSet::new();
        for r in &records {
            let Some(&si) = index.get(r.site.as_str()) else {
                continue;
            };
            let Some(acc) = accs.get_mut(si) else {
                continue;
            };
            let month_key = (day.year(), day.month());
            if acc.last_day != Some(day) {
                acc.last_day = Some(day);
                acc.days_checked += 1;
                if let Some(m) = acc.months.get_mut(&month_key) {
                    m.days_checked += 1;
                }
            }
            let rs = match acc.rules.iter().position(|x| x.rule == r.rule) {
                Some(p) => &mut acc.rules[p],
                None => {
                    acc.rules.push(RuleSummary {
                        rule: r.rule.clone(),
                        severity: r.severity,
                        days_checked: 0,
                        days_passed: 0,
                        days_failed: 0,
                        days_unknown: 0,
                        days_not_checked: 0,
                        first_failure: None,
                        last_failure: None,
                        end_status: None,
                        end_status_date: None,
                    });
                    let last = acc.rules.len() - 1;
                    &mut acc.rules[last]
                }
            };
            // The same day twice (a re-run of `check`) counts once.
            if rs.end_status_date == Some(day) {
                continue;
            }
            rs.severity = r.severity;
            rs.days_checked += 1;
            match r.status {
                Status::Pass => rs.days_passed += 1,
                Status::Unknown => rs.days_unknown += 1,
                Status::Fail => {
                    rs.days_failed += 1;
                    rs.first_failure = Some(rs.first_failure.map_or(day, |d| d.min(day)));
                    rs.last_failure = Some(rs.last_failure.map_or(day, |d| d.max(day)));
                    if r.severity >= Severity::Warning
                        && failed_today.insert(si)
                        && let Some(m) = acc.months.get_mut(&month_key)
                    {
                        m.days_with_failure += 1;
                    }
                }
            }
            if rs.end_status_date.is_none_or(|d| day > d) {
                rs.end_status = Some(r.status);
                rs.end_status_date = Some(day);
            }
        }
    }

    let mut sites: Vec<SiteSummary> = Vec::with_capacity(input.sites.len());
    for ((id, name), acc) in input.sites.iter().zip(accs) {
        let SiteAcc {
            mut rules,
            days_checked,
            mut months,
            ..
        } = acc;
        rules.sort_by(|a, b| rule_order(&a.rule).cmp(&rule_order(&b.rule)));
        for r in &mut rules {
            r.days_not_checked = covered_days.saturating_sub(r.days_checked);
        }

        // Days with a new item (news or document), within the counted days.
        let mut item_days: HashSet<NaiveDate> = HashSet::new();
        let in_range = |d: NaiveDate| effective_from.is_some_and(|f| d >= f && d <= input.to);
        for (_, items) in input.items.iter().filter(|(s, _)| s == id) {
            item_days.extend(items.iter().map(KnownItem::day).filter(|d| in_range(*d)));
        }
        let mut delays: Vec<(i64, &KnownDocument)> = Vec::new();
        for (_, docs) in input.documents.iter().filter(|(s, _)| s == id) {
            for doc in docs {
                let posted = doc.doc.posted.unwrap_or(doc.first_seen);
                if in_range(posted) {
                    item_days.insert(posted);
                    delays.push((delay_working_days(doc.doc.signed, posted, input.is_working_day), doc));
                }
            }
        }
        let mut working_days_with_item = 0;
        for d in item_days.iter().filter(|d| working.contains(d)) {
            working_days_with_item += 1;
            if let Some(m) = months.get_mut(&(d.year(), d.month())) {
                m.working_days_with_item += 1;
            }
        }
        delays.sort_by_key(|(d, _)| *d);
        let median_delay = match delays.len() {
            0 => None,
            n if n % 2 == 1 => delays.get(n / 2).map(|(d, _)| *d as f64),
            n => match (delays.get(n / 2 - 1), delays.get(n / 2)) {
                (Some(a), Some(b)) => Some((a.0 + b.0) as f64 / 2.0),
                _ => None,
            },
        };
        let worst = delays.last();
        let documents = DocumentStats {
            posted: delays.len() as u32,
            late: delays.iter().filter(|(d, _)| *d > input.max_doc_delay_working_days).count() as u32,
            median_delay,
            worst_delay: worst.map(|(d, _)| *d),
            worst_document: worst.map(|(_, doc)| {
                if doc.doc.number.trim().is_empty() {
                    doc.doc.title.clone()
                } else {
                    doc.doc.number.clone()
                }
            }),
            worst_url: worst.map(|(_, doc)| doc.doc.url.clone()),
        };

        let weighed: Vec<&RuleSummary> = rules.iter().filter(|r| r.severity >= Severity::Warning).collect();
        let checked: u32 = weighed.iter().map(|r| r.days_checked).sum();
        let passed: u32 = weighed.iter().map(|r| r.days_passed).sum();
        let compliance = (checked > 0).then(|| f64::from(passed) / f64::from(checked));
        let heaviest_rule = weighed
            .iter()
            .filter(|r| r.days_failed > 0)
            .min_by(|a, b| {
                b.days_failed
                    .cmp(&a.days_failed)
                    .then(b.severity.cmp(&a.severity))
                    .then(rule_order(&a.rule).cmp(&rule_order(&b.rule)))
            })
            .map(|r| r.rule.clone());
        let update_applies = rules.iter().any(|r| r.rule.starts_with("update."));

        sites.push(SiteSummary {
            site: id.clone(),
            name: name.clone(),
            rank: 0,
            days_checked,
            days_not_checked: covered_days.saturating_sub(days_checked),
            update_applies,
            working_days: working.len() as u32,
            working_days_with_item,
            documents,
            compliance,
            heaviest_rule,
            rules,
            months: months.into_values().collect(),
        });
    }

    let mut order: Vec<usize> = (0..sites.len()).collect();
    order.sort_by(|&a, &b| {
        let (sa, sb) = (&sites[a], &sites[b]);
        let fails = |s: &SiteSummary| s.rules.iter().map(|r| r.days_failed).sum::<u32>();
        sa.compliance
            .is_some()
            .cmp(&sb.compliance.is_some())
            .then(sa.compliance.unwrap_or(0.0).total_cmp(&sb.compliance.unwrap_or(0.0)))
            .then(fails(sb).cmp(&fails(sa)))
            .then(a.cmp(&b))
    });
    for (rank, &i) in order.iter().enumerate() {
        if let Some(s) = sites.get_mut(i) {
            s.rank = rank + 1;
        }
    }
    let ranking = order.iter().filter_map(|&i| sites.get(i)).map(|s| s.site.clone()).collect();

    let mut top: BTreeMap<(usize, String), ViolationCount> = BTreeMap::new();
    for s in &sites {
        for r in s.rules.iter().filter(|r| r.severity >= Severity::Warning && r.days_failed > 0) {
            let (o, _) = rule_order(&r.rule);
            let e = top.entry((o, r.rule.clone())).or_insert(ViolationCount {
                rule: r.rule.clone(),
                sites: 0,
                site_days: 0,
            });
            e.sites += 1;
            e.site_days += r.days_failed;
        }
    }
    let mut top_violations: Vec<ViolationCount> = top.into_values().collect();
    top_violations.sort_by(|a, b| b.sites.cmp(&a.sites).then(b.site_days.cmp(&a.site_days)));

    PeriodSummary {
        from: input.from,
        to: input.to,
        province: input.province.map(String::from),
        covered_from: input.covered_from,
        effective_from,
        covered_days,
        fully_compliant: sites.iter().filter(|s| s.fully_compliant()).count(),
        sites_not_checked: sites.iter().filter(|s| s.days_checked == 0).count(),
        top_violations,
        ranking,
        sites,
    }
}

/// Renders a period summary; JUnit has no meaning for a period.
pub fn render(summary: &PeriodSummary, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Jsonl => render_jsonl(summary, out),
        Format::Csv => render_csv(summary, out),
        Format::Html => out.write_all(super::summary_html::render(summary).as_bytes()),
        Format::Junit => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the period summary is written as html, csv or jsonl, not junit",
        )),
    }
}

#[derive(Serialize)]
struct PeriodLine<'a> {
    kind: &'static str,
    from: NaiveDate,
    to: NaiveDate,
    province: &'a Option<String>,
    covered_from: Option<NaiveDate>,
    effective_from: Option<NaiveDate>,
    covered_days: u32,
    sites: usize,
    fully_compliant: usize,
    sites_not_checked: usize,
    top_violations: &'a [ViolationCount],
    ranking: &'a [String],
}

#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    kind: &'static str,
    #[serde(flatten)]
    body: &'a T,
}

#[derive(Serialize)]
struct RuleLine<'a> {
    kind: &'static str,
    site: &'a str,
    #[serde(flatten)]
    body: &'a RuleSummary,
}

/// JSONL: a `"kind":"period"` line, then per site a `"kind":"site"` line
/// followed by its `"kind":"rule"` lines (each with `site` and `rule`).
pub fn render_jsonl(s: &PeriodSummary, out: &mut dyn Write) -> std::io::Result<()> {
    let period = PeriodLine {
        kind: "period",
        from: s.from,
        to: s.to,
        province: &s.province,
        covered_from: s.covered_from,
        effective_from: s.effective_from,
        covered_days: s.covered_days,
        sites: s.sites.len(),
        fully_compliant: s.fully_compliant,
        sites_not_checked: s.sites_not_checked,
        top_violations: &s.top_violations,
        ranking: &s.ranking,
    };
    serde_json::to_writer(&mut *out, &period)?;
    out.write_all(b"\n")?;
    for site in &s.sites {
        let mut head = site.clone();
        head.rules.clear();
        serde_json::to_writer(&mut *out, &Tagged { kind: "site", body: &head })?;
        out.write_all(b"\n")?;
        for r in &site.rules {
            serde_json::to_writer(
                &mut *out,
                &RuleLine {
                    kind: "rule",
                    site: &site.site,
                    body: r,
                },
            )?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// Vietnamese number style (decimal comma), as Excel in a Vietnamese locale reads it.
pub(crate) fn vi_num(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replace('.', ",")
}

pub(crate) fn pct(x: f64) -> String {
    vi_num(x * 100.0, 1)
}

pub const SUMMARY_HEADERS: [&str; 25] = [
    "Hạng (1 = kém tuân thủ nhất)",
    "Mã trang",
    "Tên trang",
    "Từ ngày",
    "Đến ngày",
    "Tỷ lệ tuân thủ (%)",
    "Ngày làm việc",
    "Ngày làm việc có tin mới",
    "Tỷ lệ ngày làm việc có tin mới (%)",
    "Văn bản đã đăng",
    "Văn bản đăng trễ",
    "Độ trễ trung vị (ngày làm việc)",
    "Độ trễ lớn nhất (ngày làm việc)",
    "Mã quy tắc",
    "Quy tắc",
    "Mức độ",
    "Số ngày đã kiểm tra",
    "Số ngày đạt",
    "Số ngày không đạt",
    "Số ngày chưa xác định",
    "Số ngày chưa kiểm tra",
    "Lần không đạt đầu tiên",
    "Lần không đạt cuối cùng",
    "Kết quả cuối kỳ",
    "Ngày của kết quả cuối kỳ",
];

/// Label for a rule's end-of-period status.
pub(crate) fn end_label(r: &RuleSummary) -> &'static str {
    r.end_status.map_or("Chưa kiểm tra", |s| s.label_vi())
}

/// CSV: one row per site and rule; a site never checked gets one row saying so.
pub fn render_csv(s: &PeriodSummary, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(BOM)?;
    let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(out);
    w.write_record(SUMMARY_HEADERS).map_err(csv_error)?;
    let opt_date = |d: Option<NaiveDate>| d.map(vi_date).unwrap_or_default();
    let covered = s.effective_from.is_some();
    for rank_site in &s.ranking {
        let Some(site) = s.sites.iter().find(|x| &x.site == rank_site) else {
            continue;
        };
        let site_cols = |w: &mut Vec<String>| {
            w.push(site.rank.to_string());
            w.push(cell(&site.site));
            w.push(cell(&site.name));
            w.push(vi_date(s.from));
            w.push(vi_date(s.to));
            w.push(site.compliance.map(pct).unwrap_or_default());
            let upd = covered && site.update_applies;
            w.push(if upd { site.working_days.to_string() } else { String::new() });
            w.push(if upd {
                site.working_days_with_item.to_string()
            } else {
                String::new()
            });
            w.push(if upd {
                site.update_share().map(pct).unwrap_or_default()
            } else {
                String::new()
            });
            w.push(if upd { site.documents.posted.to_string() } else { String::new() });
            w.push(if upd { site.documents.late.to_string() } else { String::new() });
            w.push(site.documents.median_delay.map(|m| vi_num(m, 1)).unwrap_or_default());
            w.push(site.documents.worst_delay.map(|m| m.to_string()).unwrap_or_default());
        };
        if site.rules.is_empty() {
            let mut row = Vec::with_capacity(SUMMARY_HEADERS.len());
            site_cols(&mut row);
            row.resize(SUMMARY_HEADERS.len() - 2, String::new());
            row.push(match s.covered_from {
                Some(c) if !covered => {
                    format!("Ngoài phạm vi dữ liệu (kho chỉ còn lưu từ {})", vi_date(c))
                }
                _ => "Chưa kiểm tra".to_string(),
            });
            row.push(String::new());
            w.write_record(&row).map_err(csv_error)?;
            continue;
        }
        for r in &site.rules {
            let mut row = Vec::with_capacity(SUMMARY_HEADERS.len());
            site_cols(&mut row);
            row.push(cell(&r.rule));
            row.push(cell(rule_name_vi(&r.rule)));
            row.push(r.severity.label_vi().to_string());
            for n in [r.days_checked, r.days_passed, r.days_failed, r.days_unknown, r.days_not_checked] {
                row.push(n.to_string());
            }
            row.push(opt_date(r.first_failure));
            row.push(opt_date(r.last_failure));
            row.push(end_label(r).to_string());
            row.push(opt_date(r.end_status_date));
            w.write_record(&row).map_err(csv_error)?;
        }
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::LegalDocument;
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
        items: Vec<(String, Vec<KnownItem>)>,
        documents: Vec<(String, Vec<KnownDocument>)>,
    }

    fn fixture() -> Fixture {
        let (from, to) = (day(2026, 1, 1), day(2026, 6, 30));
        let all: Vec<NaiveDate> = days_in(from - Duration::days(10), to + Duration::days(3)).collect();
        let sites = ["moi", "tot", "ngung", "sap", "tre", "thua"]
            .iter()
            .map(|s| (s.to_string(), format!("Trang {s}")))
            .collect();
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
        Fixture { sites, items, documents }
    }

    fn run(fx: &Fixture, covered_from: Option<NaiveDate>, dup: bool) -> PeriodSummary {
        let (from, to) = (day(2026, 1, 1), day(2026, 6, 30));
        let input = PeriodInput {
            from,
            to,
            province: Some("tỉnh Tiền Giang"),
            sites: &fx.sites,
            is_working_day: &is_wd,
            items: &fx.items,
            documents: &fx.documents,
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
}
