//! The aggregation behind the period summary, in the order [`summarize`]
//! runs its steps: the counted days and their months, the per-day
//! accumulation of stored results, each site's figures, the ranking, and
//! the most common violations. Knows no output format.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate};

use super::types::{DocumentStats, MonthSummary, PeriodInput, PeriodSummary, RuleSummary, SiteSummary, ViolationCount};
use crate::model::{Kind, KnownDocument};
use crate::model::{ResultRecord, Severity, Status};
use crate::report::rule_order;
use crate::rules::{self, ALL_KINDS};

/// The days of the period that count, shared by every site.
struct CountedDays {
    /// First counted day; `None` when no day of the period is covered by the store.
    from: Option<NaiveDate>,
    /// Number of counted days.
    count: u32,
    /// The counted days that are working days.
    working: HashSet<NaiveDate>,
    /// Month skeleton of the counted days, with days and working days filled in.
    months: BTreeMap<(i32, u32), MonthSummary>,
    /// Per kind of site and rule: the counted days the rule applied.
    applicable: HashMap<(Kind, &'static str), Applicable>,
}

/// The counted days on which a rule applied to one kind of site.
#[derive(Clone, Copy)]
struct Applicable {
    days: u32,
    first: Option<NaiveDate>,
    last: Option<NaiveDate>,
}

/// What the per-day accumulation keeps of one site.
struct SiteAcc {
    rules: Vec<RuleSummary>,
    last_day: Option<NaiveDate>,
    days_checked: u32,
    months: BTreeMap<(i32, u32), MonthSummary>,
    /// The last group of results in which the site failed a rule of
    /// severity warning or more (see [`Summarizer`]).
    failed_group: Option<u64>,
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

pub(super) fn days_in(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

pub fn summarize(input: &PeriodInput, results: impl Iterator<Item = (NaiveDate, Vec<ResultRecord>)>) -> PeriodSummary {
    let mut summarizer = Summarizer::new(input);
    for (day, records) in results {
        summarizer.next_group();
        for r in &records {
            summarizer.add(day, &r.site, std::iter::once((r.rule.as_str(), r.status, r.severity)));
        }
    }
    summarizer.finish()
}

/// The aggregation fed one site's results of a day at a time, for a
/// caller that reads them without building [`ResultRecord`]s (a year of a
/// province is millions of them): [`summarize`] over borrowed fields.
pub struct Summarizer<'i, 'a> {
    input: &'i PeriodInput<'a>,
    days: CountedDays,
    index: HashMap<&'i str, usize>,
    kinds: Vec<Option<Kind>>,
    accs: Vec<SiteAcc>,
    /// The rule met at each place of a site's results last time, looked
    /// up (see [`Summarizer::add`]).
    defs: Vec<(Box<str>, Option<&'static rules::RuleDef>)>,
    /// Counts the groups of results given (a day, in the store's order);
    /// a site counts one day with a failure per group.
    group: u64,
    last_day: Option<NaiveDate>,
}

impl<'i, 'a> Summarizer<'i, 'a> {
    pub fn new(input: &'i PeriodInput<'a>) -> Summarizer<'i, 'a> {
        let days = counted_days(input);
        let index = input.sites.iter().enumerate().map(|(i, (id, _))| (id.as_str(), i)).collect();
        let kinds = input.sites.iter().map(|(id, _)| kind_of(input, id)).collect();
        let accs = input
            .sites
            .iter()
            .map(|_| SiteAcc {
                rules: Vec::new(),
                last_day: None,
                days_checked: 0,
                months: days.months.clone(),
                failed_group: None,
            })
            .collect();
        Summarizer {
            input,
            days,
            index,
            kinds,
            accs,
            defs: Vec::new(),
            group: 0,
            last_day: None,
        }
    }

    /// Starts a new group of results: what [`summarize`] is given as one day.
    fn next_group(&mut self) {
        self.group += 1;
    }

    /// Results of `site` on `day` as (rule, status, severity). Days come in
    /// order; a change of day starts a new group.
    pub fn add<'r>(&mut self, day: NaiveDate, site: &str, results: impl IntoIterator<Item = (&'r str, Status, Severity)>) {
        if self.last_day != Some(day) {
            self.last_day = Some(day);
            self.group += 1;
        }
        let Some(f) = self.days.from else { return };
        if day < f || day > self.input.to {
            return;
        }
        let Some(&si) = self.index.get(site) else {
            return;
        };
        let kind = self.kinds.get(si).copied().flatten();
        let Some(acc) = self.accs.get_mut(si) else {
            return;
        };
        for (at, (rule, status, severity)) in results.into_iter().enumerate() {
            // A site's results come in the same order day after day: the
            // rule met at this place last time is most likely this one.
            let def = match self.defs.get(at) {
                Some((id, def)) if **id == *rule => *def,
                _ => {
                    let def = rules::find(rule);
                    let met = (Box::from(rule), def);
                    match self.defs.get_mut(at) {
                        Some(slot) => *slot = met,
                        None => self.defs.push(met),
                    }
                    def
                }
            };
            // A result stored for a day its rule did not apply (by an older
            // law table) says nothing about that day.
            if let (Some(k), Some(def)) = (kind, def)
                && !def.applies_on(k, day)
            {
                continue;
            }
            add_result(acc, at, rule, status, severity, day, self.group);
        }
    }

    pub fn finish(self) -> PeriodSummary {
        let Summarizer { input, days, accs, .. } = self;
        let mut sites: Vec<SiteSummary> = Vec::with_capacity(input.sites.len());
        for ((id, name), acc) in input.sites.iter().zip(accs) {
            sites.push(finish_site(input, &days, id, name, acc));
        }
        let ranking = rank(&mut sites);
        let top_violations = top_violations(&sites);

        PeriodSummary {
            from: input.from,
            to: input.to,
            province: input.province.map(String::from),
            covered_from: input.covered_from,
            effective_from: days.from,
            covered_days: days.count,
            fully_compliant: sites.iter().filter(|s| s.fully_compliant()).count(),
            sites_not_checked: sites.iter().filter(|s| s.days_checked == 0).count(),
            top_violations,
            ranking,
            sites,
        }
    }
}

/// The counted days, and the month skeleton with working days, shared by every site.
fn counted_days(input: &PeriodInput) -> CountedDays {
    let eff_from = input.covered_from.map_or(input.from, |c| c.max(input.from));
    let effective_from = (eff_from <= input.to).then_some(eff_from);
    let covered_days = effective_from.map_or(0, |f| (input.to - f).num_days() + 1) as u32;

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
    // A rule counts only on the days one of its texts was in force for the
    // kind of site: before 25/12/2024 an aggregator had no attribution.link
    // to keep, so those days are not "not checked" either.
    let mut applicable = HashMap::new();
    for rule in rules::all() {
        for kind in ALL_KINDS {
            let mut a = Applicable {
                days: 0,
                first: None,
                last: None,
            };
            for d in effective_from.into_iter().flat_map(|f| days_in(f, input.to)) {
                if rule.applies_on(*kind, d) {
                    a.days += 1;
                    a.first = a.first.or(Some(d));
                    a.last = Some(d);
                }
            }
            applicable.insert((*kind, rule.id), a);
        }
    }
    CountedDays {
        from: effective_from,
        count: covered_days,
        working,
        months: month_skeleton,
        applicable,
    }
}

/// The kind of a site of the input, when given.
fn kind_of(input: &PeriodInput, site: &str) -> Option<Kind> {
    input.kinds.iter().find(|(id, _)| id == site).map(|(_, k)| *k)
}

/// One stored result of a site on `day`, in the group of results `group`,
/// at place `at` among the site's results of the day.
fn add_result(acc: &mut SiteAcc, at: usize, rule: &str, status: Status, severity: Severity, day: NaiveDate, group: u64) {
    let month_key = (day.year(), day.month());
    if acc.last_day != Some(day) {
        acc.last_day = Some(day);
        acc.days_checked += 1;
        if let Some(m) = acc.months.get_mut(&month_key) {
            m.days_checked += 1;
        }
    }
    // The rules are met in the order the site's results come in.
    let found = match acc.rules.get(at) {
        Some(x) if x.rule == rule => Some(at),
        _ => acc.rules.iter().position(|x| x.rule == rule),
    };
    let rs = match found {
        Some(p) => &mut acc.rules[p],
        None => {
            acc.rules.push(RuleSummary {
                rule: rule.to_string(),
                severity,
                days_checked: 0,
                days_passed: 0,
                days_failed: 0,
                days_unknown: 0,
                days_not_checked: 0,
                days_applicable: 0,
                applies_from: None,
                applies_until: None,
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
        return;
    }
    rs.severity = severity;
    rs.days_checked += 1;
    match status {
        Status::Pass => rs.days_passed += 1,
        Status::Unknown => rs.days_unknown += 1,
        Status::Fail => {
            rs.days_failed += 1;
            rs.first_failure = Some(rs.first_failure.map_or(day, |d| d.min(day)));
            rs.last_failure = Some(rs.last_failure.map_or(day, |d| d.max(day)));
            if severity >= Severity::Warning
                && acc.failed_group != Some(group)
                && let Some(m) = acc.months.get_mut(&month_key)
            {
                m.days_with_failure += 1;
            }
            if severity >= Severity::Warning {
                acc.failed_group = Some(group);
            }
        }
    }
    if rs.end_status_date.is_none_or(|d| day > d) {
        rs.end_status = Some(status);
        rs.end_status_date = Some(day);
    }
}

/// A site's figures from its accumulator, its items and its documents; rank 0 until ranked.
fn finish_site(input: &PeriodInput, days: &CountedDays, id: &str, name: &str, acc: SiteAcc) -> SiteSummary {
    let SiteAcc {
        mut rules,
        days_checked,
        mut months,
        ..
    } = acc;
    rules.sort_by(|a, b| rule_order(&a.rule).cmp(&rule_order(&b.rule)));
    let kind = kind_of(input, id);
    for r in &mut rules {
        let known = kind
            .zip(rules::find(&r.rule))
            .and_then(|(k, rule)| days.applicable.get(&(k, rule.id)));
        match known {
            Some(a) => {
                r.days_applicable = a.days;
                r.applies_from = a.first.filter(|f| days.from.is_some_and(|from| *f > from));
                r.applies_until = a.last.filter(|l| *l < input.to);
            }
            None => r.days_applicable = days.count,
        }
        r.days_not_checked = r.days_applicable.saturating_sub(r.days_checked);
    }

    // Days with a new item (news or document), within the counted days.
    let mut item_days: HashSet<NaiveDate> = HashSet::new();
    let in_range = |d: NaiveDate| days.from.is_some_and(|f| d >= f && d <= input.to);
    item_days.extend((input.item_days)(id).into_iter().filter(|d| in_range(*d)));
    let docs = (input.documents)(id);
    let mut delays: Vec<(i64, &KnownDocument)> = Vec::new();
    for doc in &docs {
        let posted = doc.doc.posted.unwrap_or(doc.first_seen);
        if in_range(posted) {
            item_days.insert(posted);
            delays.push((delay_working_days(doc.doc.signed, posted, input.is_working_day), doc));
        }
    }
    let mut working_days_with_item = 0;
    for d in item_days.iter().filter(|d| days.working.contains(d)) {
        working_days_with_item += 1;
        if let Some(m) = months.get_mut(&(d.year(), d.month())) {
            m.working_days_with_item += 1;
        }
    }
    let documents = document_stats(delays, input.max_doc_delay_working_days);
    let (compliance, heaviest_rule) = weigh(&rules);
    let update_applies = rules.iter().any(|r| r.rule.starts_with("update."));

    SiteSummary {
        site: id.to_string(),
        name: name.to_string(),
        rank: 0,
        days_checked,
        days_not_checked: days.count.saturating_sub(days_checked),
        update_applies,
        working_days: days.working.len() as u32,
        working_days_with_item,
        documents,
        compliance,
        heaviest_rule,
        rules,
        months: months.into_values().collect(),
    }
}

/// Delay figures of the documents posted within the counted days, with
/// their delays in working days.
fn document_stats(mut delays: Vec<(i64, &KnownDocument)>, max_doc_delay_working_days: i64) -> DocumentStats {
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
    DocumentStats {
        posted: delays.len() as u32,
        late: delays.iter().filter(|(d, _)| *d > max_doc_delay_working_days).count() as u32,
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
    }
}

/// Compliance over the rules of severity warning or violation, and the rule
/// that failed on most days.
fn weigh(rules: &[RuleSummary]) -> (Option<f64>, Option<String>) {
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
    (compliance, heaviest_rule)
}

/// Sets each site's rank (1 = least compliant, never-checked sites first)
/// and returns the site ids in that order.
fn rank(sites: &mut [SiteSummary]) -> Vec<String> {
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
    order.iter().filter_map(|&i| sites.get(i)).map(|s| s.site.clone()).collect()
}

/// Rules of severity warning or violation that failed, most sites first,
/// then most (site, day) failures.
fn top_violations(sites: &[SiteSummary]) -> Vec<ViolationCount> {
    let mut top: BTreeMap<(usize, String), ViolationCount> = BTreeMap::new();
    for s in sites {
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
    top_violations
}
