//! The period summary of SPEC §9 (six-monthly and yearly reports), as pure
//! aggregation: the caller streams one day of stored results at a time and
//! the aggregation keeps O(sites × (rules + months)) state, so a year of
//! results never sits in memory.
//!
//! Definitions the figures rest on:
//! - Only days from `max(from, covered_from)` to `to` are counted; days
//!   before the store's first day are "not covered" and shown as such, never
//!   as zeros.
//! - A day without a stored result for a (site, rule) is "not checked"
//!   (chưa kiểm tra), never compliant.
//! - A rule counts for a site only on the days one of its texts was in force
//!   for the site's kind (RULES.md, "The texts by date"): `attribution.link`
//!   counts from 25/12/2024. On other days it is neither checked, unknown
//!   nor not checked, and the HTML says from (or until) when it applied.
//! - Compliance of a site = share of its checked (rule, day) results that
//!   passed, over rules of severity warning or violation (an `info` rule such
//!   as `site.crawlable` informs, it does not make a site non-compliant);
//!   `unknown` counts as not passed. "Fully compliant" = checked at least
//!   once, and no such result failed or was unknown.
//! - A legal document's delay = working days after the signing day up to and
//!   including the posting day (signed Friday, posted Monday = 1).
//!
//! Files:
//! - `types.rs`: the input and the figures ([`PeriodInput`], [`PeriodSummary`], …).
//! - `aggregate.rs`: [`summarize`], the aggregation; knows no format.
//! - `shared.rs`: number and status labels the formats share.
//! - `html.rs`, `csv.rs`, `jsonl.rs`: one file per output format, behind [`render`].

mod aggregate;
mod csv;
mod html;
mod jsonl;
mod shared;
#[cfg(test)]
mod tests;
mod types;

use std::io::Write;

pub use aggregate::{Summarizer, delay_working_days, summarize};
pub use csv::{SUMMARY_HEADERS, render_csv};
pub use html::render as render_html;
pub use jsonl::render_jsonl;
pub use types::{DocumentStats, MonthSummary, PeriodInput, PeriodSummary, RuleSummary, SiteSummary, ViolationCount};

use super::Format;

/// Renders a period summary; JUnit has no meaning for a period.
pub fn render(summary: &PeriodSummary, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Jsonl => render_jsonl(summary, out),
        Format::Csv => render_csv(summary, out),
        Format::Html => out.write_all(render_html(summary).as_bytes()),
        Format::Junit => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the period summary is written as html, csv or jsonl, not junit",
        )),
    }
}
