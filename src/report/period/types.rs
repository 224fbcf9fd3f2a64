//! The public figures of a period summary (SPEC §9): what the aggregation
//! takes in and what every format writes out.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::{Kind, KnownDocument};
use crate::model::{Severity, Status};

pub struct PeriodInput<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// E.g. "tỉnh Tiền Giang", for the overview an officer pastes into the official report.
    pub province: Option<&'a str>,
    /// (id, display name) of the sites to report on, in registry order;
    /// results of other sites are ignored.
    pub sites: &'a [(String, String)],
    /// Per site id: its kind. A rule counts for a site only on the days one
    /// of its texts was in force for that kind (RULES.md, "The texts by
    /// date"); for a site not listed here, on every counted day.
    pub kinds: &'a [(String, Kind)],
    pub is_working_day: &'a dyn Fn(NaiveDate) -> bool,
    /// A site's item days (an item's day: published, else first seen; each
    /// day once is enough). Asked once per site, when its figures are made,
    /// so a year of a province's items is never in memory at once.
    pub item_days: &'a dyn Fn(&str) -> Vec<NaiveDate>,
    /// A site's legal documents, asked likewise.
    pub documents: &'a dyn Fn(&str) -> Vec<KnownDocument>,
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
    /// Counted days on which the rule applied, without a stored result.
    pub days_not_checked: u32,
    /// Counted days on which the rule applied to the site's kind. On the
    /// other days it is neither checked nor unknown nor "not checked".
    pub days_applicable: u32,
    /// The first counted day the rule applied, when later than the first
    /// counted day (its text came into force during the period).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applies_from: Option<NaiveDate>,
    /// The last counted day the rule applied, when earlier than the end of
    /// the period (its text ended during the period).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applies_until: Option<NaiveDate>,
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
