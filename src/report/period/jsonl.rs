//! The period summary as JSON lines.

use std::io::Write;

use chrono::NaiveDate;
use serde::Serialize;

use super::types::{PeriodSummary, RuleSummary, ViolationCount};

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
