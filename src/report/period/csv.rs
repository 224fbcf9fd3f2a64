//! The period summary as CSV, one row per site and rule.

use std::io::Write;

use chrono::NaiveDate;

use super::shared::{end_label, pct, vi_num};
use super::types::PeriodSummary;
use crate::report::csv::{BOM, cell, csv_error};
use crate::report::{rule_name_vi, vi_date};

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
