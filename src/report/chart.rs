//! The HTML findings page's chart of a site's new items per day: an inline
//! SVG, so the page stays one self-contained file that prints.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::{html_escape as esc, vi_date};

/// New items per day over the last 30 days, with non-working days shaded and
/// working days without a new item marked, so a gap is visible in print.
pub(crate) fn daily_chart(site_label: &str, days: &[(NaiveDate, u32, bool)]) -> String {
    let mut days: Vec<(NaiveDate, u32, bool)> = days.to_vec();
    days.sort_by_key(|d| d.0);
    let skip = days.len().saturating_sub(30);
    let days = &days[skip..];
    if days.is_empty() {
        return r#"<p class="muted">Chưa có dữ liệu tin mới theo ngày.</p>"#.to_string();
    }
    let (bw, left, top, ph) = (14u32, 34u32, 8u32, 70u32);
    let width = left + bw * days.len() as u32 + 8;
    let height = top + ph + 34;
    let max = days.iter().map(|d| d.1).max().unwrap_or(0).max(1);
    let missing = days.iter().filter(|d| d.2 && d.1 == 0).count();
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{}"><title>{}</title>"#,
        esc(&format!("Số tin mới mỗi ngày của {site_label}, {} ngày gần nhất", days.len())),
        esc(&format!("Số tin mới mỗi ngày của {site_label}"))
    );
    let base = top + ph;
    for (i, (d, n, working)) in days.iter().enumerate() {
        let x = left + bw * i as u32;
        if !working {
            let _ = write!(s, r##"<rect x="{x}" y="{top}" width="{bw}" height="{ph}" fill="#e3e3e3"/>"##);
        }
        let h = (*n as u64 * ph as u64 / max as u64) as u32;
        let tip = format!("{}: {} tin mới{}", vi_date(*d), n, if *working { "" } else { " (ngày nghỉ)" });
        if *n > 0 {
            let _ = write!(
                s,
                r##"<rect x="{}" y="{}" width="{}" height="{h}" fill="#2e6da4"><title>{}</title></rect>"##,
                x + 2,
                base - h,
                bw - 4,
                esc(&tip)
            );
        } else if *working {
            // A working day with nothing new: the failure update.daily is about.
            let _ = write!(
                s,
                r##"<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#8a1c12">×<title>{}</title></text>"##,
                x + bw / 2,
                base - 2,
                esc(&tip)
            );
        } else {
            let _ = write!(
                s,
                r#"<rect x="{x}" y="{top}" width="{bw}" height="{ph}" fill-opacity="0"><title>{}</title></rect>"#,
                esc(&tip)
            );
        }
    }
    let _ = write!(
        s,
        r##"<line x1="{left}" y1="{base}" x2="{}" y2="{base}" stroke="#555"/><text x="{}" y="{}" font-size="10" text-anchor="end">{max}</text><text x="{}" y="{base}" font-size="10" text-anchor="end">0</text>"##,
        left + bw * days.len() as u32,
        left - 4,
        top + 9,
        left - 4
    );
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        let _ = write!(
            s,
            r#"<text x="{left}" y="{}" font-size="10">{}</text><text x="{}" y="{}" font-size="10" text-anchor="end">{}</text>"#,
            base + 13,
            vi_date(first.0),
            left + bw * days.len() as u32,
            base + 13,
            vi_date(last.0)
        );
    }
    let _ = write!(
        s,
        r##"<rect x="{left}" y="{}" width="10" height="8" fill="#e3e3e3" stroke="#999"/><text x="{}" y="{}" font-size="10">ngày nghỉ</text><text x="{}" y="{}" font-size="10" fill="#8a1c12">× ngày làm việc không có tin mới: {missing}</text></svg>"##,
        base + 20,
        left + 14,
        base + 28,
        left + 80,
        base + 28
    );
    s
}
