//! Number and status labels the formats share.

use super::types::RuleSummary;

/// Vietnamese number style (decimal comma), as Excel in a Vietnamese locale reads it.
pub(crate) fn vi_num(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replace('.', ",")
}

pub(crate) fn pct(x: f64) -> String {
    vi_num(x * 100.0, 1)
}

/// Label for a rule's end-of-period status.
pub(crate) fn end_label(r: &RuleSummary) -> &'static str {
    r.end_status.map_or("Chưa kiểm tra", |s| s.label_vi())
}
