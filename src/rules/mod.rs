//! The rules of SPEC §5, one module per rule id (`update.daily` lives in
//! `update_daily.rs`), each with its legal basis beside it.

pub mod calendar;

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::config::RulesConfig;
use crate::crawler::SiteCrawl;
use crate::extract::LegalDocument;
use crate::model::{Evidence, Kind, ResultRecord, Severity, Status};
use crate::registry::Site;

/// An item (news or document) the store knows for a site, from this crawl or
/// an earlier one.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownItem {
    pub url: String,
    pub title: String,
    /// Publication day from the page, feed or sitemap, if it showed one.
    pub published: Option<NaiveDate>,
    /// The day sitewarden first saw the item (Asia/Ho_Chi_Minh).
    pub first_seen: NaiveDate,
    /// Where the item was seen (listing, feed or sitemap URL), for evidence.
    pub seen_on: String,
}

impl KnownItem {
    /// The item's day as SPEC §5 defines it.
    pub fn day(&self) -> NaiveDate {
        self.published.unwrap_or(self.first_seen)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct KnownDocument {
    pub doc: LegalDocument,
    pub first_seen: NaiveDate,
    pub seen_on: String,
}

/// What a rule may look at.
pub struct RuleContext<'a> {
    pub site: &'a Site,
    pub crawl: &'a SiteCrawl,
    pub items: &'a [KnownItem],
    pub documents: &'a [KnownDocument],
    pub as_of: NaiveDate,
    pub config: &'a RulesConfig,
    pub calendar: &'a calendar::Calendar,
}

/// A rule's decision before it is stamped with site, date and basis.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub status: Status,
    /// Vietnamese, one sentence an officer understands.
    pub message: String,
    pub evidence: Vec<Evidence>,
    /// Vietnamese, for a fail: what to add where.
    pub hint: Option<String>,
}

/// A rule: its id, who it applies to, its weight and its legal basis.
pub struct RuleDef {
    pub id: &'static str,
    pub applies_to: &'static [Kind],
    pub severity: Severity,
    pub basis: &'static str,
    pub check: fn(&RuleContext) -> Verdict,
}

pub const ALL_KINDS: &[Kind] = &[Kind::Government, Kind::Aggregator];

/// Every rule, in the order of SPEC §5 (reports list them in this order).
pub fn all() -> &'static [RuleDef] {
    &[]
}

pub fn find(id: &str) -> Option<&'static RuleDef> {
    all().iter().find(|r| r.id == id)
}

/// Decide every rule that applies to the site's kind.
pub fn evaluate(ctx: &RuleContext, checked_at: DateTime<FixedOffset>) -> Vec<ResultRecord> {
    all()
        .iter()
        .filter(|r| r.applies_to.contains(&ctx.site.kind))
        .map(|r| {
            let v = (r.check)(ctx);
            ResultRecord {
                site: ctx.site.id.clone(),
                rule: r.id.to_string(),
                status: v.status,
                severity: r.severity,
                as_of: ctx.as_of,
                checked_at,
                basis: r.basis.to_string(),
                message: v.message,
                evidence: v.evidence,
                hint: if v.status == Status::Fail { v.hint } else { None },
            }
        })
        .collect()
}
