//! The period summary as one printable HTML file (SPEC §9): a one-page
//! overview an officer can paste into the official report, the ranking,
//! then one section per site with a per-month chart and a per-rule table.

use std::fmt::Write as _;

use super::shared::{end_label, pct, vi_num};
use super::types::{PeriodSummary, SiteSummary};
use crate::report::html::{BASE_CSS, link, site_anchor, status_class};
use crate::report::{html_escape as esc, rule_name_vi, vi_date};

const EXTRA_CSS: &str = r#"
.overview{break-after:page}
.overview p.lead{font-size:15px}
.facts td:first-child{width:55%}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;vertical-align:middle}
"#;

fn opt_pct(x: Option<f64>) -> String {
    x.map(|v| format!("{} %", pct(v))).unwrap_or_else(|| "—".to_string())
}

/// Per month: share of working days with a new item (when the update rules
/// apply), share of days with a failure, share of days not checked.
fn month_chart(s: &SiteSummary) -> String {
    if s.months.is_empty() {
        return String::new();
    }
    let (group, bw, left, top, ph) = (60u32, 14u32, 30u32, 14u32, 80u32);
    let width = left + group * s.months.len() as u32 + 10;
    let height = top + ph + 40;
    let base = top + ph;
    let mut h = String::new();
    let _ = write!(
        h,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{0}"><title>{0}</title>"#,
        esc(&format!("Biểu đồ theo tháng của {}", s.name))
    );
    for (y, label) in [(top, "100%"), (top + ph / 2, "50%"), (base, "0")] {
        let _ = write!(
            h,
            r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#ddd"/><text x="{}" y="{}" font-size="9" text-anchor="end">{label}</text>"##,
            width - 10,
            left - 3,
            y + 3
        );
    }
    for (i, m) in s.months.iter().enumerate() {
        let x0 = left + group * i as u32 + 6;
        let days = m.days.max(1);
        let bars = [
            (
                "#2e6da4",
                s.update_applies
                    .then(|| f64::from(m.working_days_with_item) / f64::from(m.working_days.max(1))),
                "ngày làm việc có tin mới",
            ),
            ("#c0392b", Some(f64::from(m.days_with_failure) / f64::from(days)), "ngày có vi phạm"),
            (
                "#9e9e9e",
                Some(f64::from(m.days.saturating_sub(m.days_checked)) / f64::from(days)),
                "ngày chưa kiểm tra",
            ),
        ];
        for (j, (color, share, what)) in bars.iter().enumerate() {
            let Some(share) = share else { continue };
            let share = share.clamp(0.0, 1.0);
            let bh = (share * f64::from(ph)).round() as u32;
            let x = x0 + (bw + 2) * j as u32;
            let _ = write!(
                h,
                r#"<rect x="{x}" y="{}" width="{bw}" height="{bh}" fill="{color}"><title>{}</title></rect><text x="{}" y="{}" font-size="8" text-anchor="middle">{}</text>"#,
                base - bh,
                esc(&format!("Tháng {}/{}: {} % {what}", m.month, m.year, pct(share))),
                x + bw / 2,
                base - bh - 2,
                (share * 100.0).round()
            );
        }
        let _ = write!(
            h,
            r#"<text x="{}" y="{}" font-size="10" text-anchor="middle">T{}/{}</text>"#,
            x0 + 23,
            base + 13,
            m.month,
            m.year
        );
    }
    let ly = base + 30;
    let _ = write!(
        h,
        r##"<rect x="{left}" y="{}" width="9" height="9" fill="#2e6da4"/><text x="{}" y="{ly}" font-size="10">% ngày làm việc có tin mới</text><rect x="{}" y="{}" width="9" height="9" fill="#c0392b"/><text x="{}" y="{ly}" font-size="10">% ngày có vi phạm</text><rect x="{}" y="{}" width="9" height="9" fill="#9e9e9e"/><text x="{}" y="{ly}" font-size="10">% ngày chưa kiểm tra</text></svg>"##,
        ly - 8,
        left + 12,
        left + 160,
        ly - 8,
        left + 172,
        left + 275,
        ly - 8,
        left + 287
    );
    h
}

pub fn render(s: &PeriodSummary) -> String {
    let mut h = String::with_capacity(32_768 + s.sites.len() * 4096);
    let place = s.province.as_deref().map(|p| format!(" {p}")).unwrap_or_default();
    let title = format!(
        "Báo cáo tổng hợp kết quả kiểm tra trang thông tin điện tử{place} từ {} đến {}",
        vi_date(s.from),
        vi_date(s.to)
    );
    let _ = write!(
        h,
        r#"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{}</title><style>{BASE_CSS}{EXTRA_CSS}</style></head><body>"#,
        esc(&title)
    );

    // One-page overview.
    let _ = write!(h, r#"<section class="overview" id="tong-quan"><h1>{}</h1>"#, esc(&title));
    let Some(eff) = s.effective_from else {
        let why = match s.covered_from {
            Some(c) => format!(
                "Kỳ báo cáo nằm ngoài phạm vi dữ liệu còn lưu: kho dữ liệu chỉ còn lưu kết quả từ ngày {}, nên không có dữ liệu để tổng hợp cho kỳ này.",
                vi_date(c)
            ),
            None => "Kỳ báo cáo không hợp lệ: ngày bắt đầu sau ngày kết thúc, không có dữ liệu để tổng hợp.".to_string(),
        };
        let _ = write!(h, r#"<p class="lead fail">{}</p></section></body></html>"#, esc(&why));
        return h;
    };
    if eff > s.from {
        let _ = write!(
            h,
            r#"<p class="unknown">Kho dữ liệu chỉ còn lưu kết quả từ ngày {0}: số liệu dưới đây tính từ {0} đến {1} ({2} ngày); những ngày trước đó không có dữ liệu, không được tính là đạt.</p>"#,
            vi_date(eff),
            vi_date(s.to),
            s.covered_days
        );
    }
    let checked_sites = s.sites.len() - s.sites_not_checked;
    let _ = write!(
        h,
        r#"<p class="lead">Trong kỳ từ ngày {} đến ngày {}, hệ thống đã theo dõi <b>{}</b> trang thông tin điện tử{}, trong đó <b>{}</b> trang có kết quả kiểm tra. Số trang tuân thủ đầy đủ (không có ngày nào vi phạm hoặc chưa xác định trong các ngày đã kiểm tra): <b>{}</b>. Số trang chưa được kiểm tra ngày nào: <b>{}</b>.</p>"#,
        vi_date(eff),
        vi_date(s.to),
        s.sites.len(),
        esc(&place),
        checked_sites,
        s.fully_compliant,
        s.sites_not_checked
    );
    h.push_str("<h3>Các vi phạm phổ biến nhất</h3>");
    if s.top_violations.is_empty() {
        h.push_str(r#"<p>Không ghi nhận vi phạm nào trong các ngày đã kiểm tra.</p>"#);
    } else {
        h.push_str(r#"<table><thead><tr><th>Quy tắc</th><th class="num">Số trang vi phạm</th><th class="num">Tổng số ngày vi phạm (cộng dồn các trang)</th></tr></thead><tbody>"#);
        for v in &s.top_violations {
            let _ = write!(
                h,
                r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
                esc(rule_name_vi(&v.rule)),
                v.sites,
                v.site_days
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>");

    // Ranking.
    h.push_str(r#"<section id="xep-hang"><h2>Xếp hạng các trang (từ kém tuân thủ nhất đến tuân thủ tốt nhất)</h2><p class="meta">Tỷ lệ tuân thủ: tỷ lệ kết quả “Đạt” trên tổng số kết quả đã kiểm tra của các quy tắc mức vi phạm hoặc cảnh báo; “Chưa xác định” không được tính là đạt. Trang chưa được kiểm tra ngày nào đứng đầu danh sách.</p><table><thead><tr><th class="num">Hạng</th><th>Trang</th><th class="num">Tỷ lệ tuân thủ</th><th class="num">Ngày đã kiểm tra</th><th class="num">Ngày chưa kiểm tra</th><th>Quy tắc ảnh hưởng nhiều nhất</th></tr></thead><tbody>"#);
    for id in &s.ranking {
        let Some(site) = s.sites.iter().find(|x| &x.site == id) else {
            continue;
        };
        let heaviest = match (&site.heaviest_rule, site.compliance) {
            (Some(r), _) => {
                let days = site.rules.iter().find(|x| &x.rule == r).map_or(0, |x| x.days_failed);
                format!("{} ({} ngày không đạt)", rule_name_vi(r), days)
            }
            (None, None) => "Chưa kiểm tra".to_string(),
            (None, Some(_)) => "—".to_string(),
        };
        let _ = write!(
            h,
            r##"<tr><td class="num">{}</td><td><a href="#{}">{}</a></td><td class="num{}">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td></tr>"##,
            site.rank,
            site_anchor(&site.site),
            esc(&site.name),
            match site.compliance {
                None => " unknown",
                Some(c) if c < 1.0 => " fail",
                Some(_) => " pass",
            },
            site.compliance
                .map_or_else(|| "Chưa kiểm tra".to_string(), |c| format!("{} %", pct(c))),
            site.days_checked,
            site.days_not_checked,
            esc(&heaviest)
        );
    }
    h.push_str("</tbody></table></section>");

    // Per site.
    for id in &s.ranking {
        let Some(site) = s.sites.iter().find(|x| &x.site == id) else {
            continue;
        };
        let _ = write!(
            h,
            r#"<section class="site" id="{}"><h2>{}. {} <span class="muted">({})</span></h2><table class="facts"><tbody>"#,
            site_anchor(&site.site),
            site.rank,
            esc(&site.name),
            esc(&site.site)
        );
        let row = |h: &mut String, k: &str, v: String| {
            let _ = write!(h, "<tr><td>{k}</td><td>{v}</td></tr>");
        };
        row(
            &mut h,
            "Số ngày đã kiểm tra / chưa kiểm tra",
            format!("{} / {}", site.days_checked, site.days_not_checked),
        );
        row(&mut h, "Tỷ lệ tuân thủ", opt_pct(site.compliance));
        if site.update_applies {
            row(
                &mut h,
                "Ngày làm việc trong kỳ / có tin mới",
                format!(
                    "{} / {} ({})",
                    site.working_days,
                    site.working_days_with_item,
                    opt_pct(site.update_share())
                ),
            );
            let d = &site.documents;
            row(
                &mut h,
                "Văn bản quy phạm pháp luật đã đăng / đăng trễ hạn",
                format!("{} / {}", d.posted, d.late),
            );
            row(
                &mut h,
                "Độ trễ trung vị (ngày làm việc)",
                d.median_delay
                    .map_or("—".to_string(), |m| vi_num(m, if m.fract() == 0.0 { 0 } else { 1 })),
            );
            let worst = match (d.worst_delay, &d.worst_document, &d.worst_url) {
                (Some(w), Some(doc), Some(url)) => format!("{w} ({}: {})", esc(doc), link(url)),
                (Some(w), _, _) => w.to_string(),
                _ => "—".to_string(),
            };
            row(&mut h, "Độ trễ lớn nhất (ngày làm việc)", worst);
        } else {
            row(
                &mut h,
                "Cập nhật thông tin, văn bản",
                "Không áp dụng cho loại trang này".to_string(),
            );
        }
        h.push_str("</tbody></table>");
        if site.days_checked == 0 {
            h.push_str(r#"<p class="unknown">Trang chưa được kiểm tra ngày nào trong kỳ: không có kết quả, không được coi là tuân thủ.</p></section>"#);
            continue;
        }
        h.push_str("<h3>Theo tháng</h3>");
        h.push_str(&month_chart(site));
        h.push_str("<h3>Theo quy tắc</h3>");
        if site.rules.iter().any(|r| r.applies_from.is_some() || r.applies_until.is_some()) {
            h.push_str(r#"<p class="meta">Mỗi quy tắc chỉ được tính trong những ngày văn bản làm căn cứ của nó có hiệu lực đối với loại trang này; ngoài những ngày đó, quy tắc không được tính là đã kiểm tra, chưa xác định hay chưa kiểm tra.</p>"#);
        }
        h.push_str(r#"<table><thead><tr><th>Quy tắc</th><th>Mức độ</th><th class="num">Đã kiểm tra</th><th class="num">Không đạt</th><th class="num">Chưa xác định</th><th class="num">Chưa kiểm tra</th><th>Lần đầu không đạt</th><th>Lần cuối không đạt</th><th>Kết quả cuối kỳ</th></tr></thead><tbody>"#);
        for r in &site.rules {
            let end_class = r.end_status.map_or("unknown", status_class);
            let end_when = match r.end_status_date {
                Some(d) if d < s.to => {
                    format!(" <span class=\"muted\">(ngày {})</span>", vi_date(d))
                }
                _ => String::new(),
            };
            // A rule whose text came into force (or ended) within the period
            // was counted on part of it only: say which part.
            let mut applies = Vec::new();
            if let Some(d) = r.applies_from {
                applies.push(format!("áp dụng từ {}", vi_date(d)));
            }
            if let Some(d) = r.applies_until {
                applies.push(format!("áp dụng đến {}", vi_date(d)));
            }
            let applies = if applies.is_empty() {
                String::new()
            } else {
                format!(r#"<br><span class="muted">({})</span>"#, applies.join(", "))
            };
            let _ = write!(
                h,
                r#"<tr><td>{}{applies}</td><td>{}</td><td class="num">{}</td><td class="num{}">{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td><td>{}</td><td class="{end_class}">{}{end_when}</td></tr>"#,
                esc(rule_name_vi(&r.rule)),
                r.severity.label_vi(),
                r.days_checked,
                if r.days_failed > 0 { " fail" } else { "" },
                r.days_failed,
                r.days_unknown,
                r.days_not_checked,
                r.first_failure.map_or("—".to_string(), vi_date),
                r.last_failure.map_or("—".to_string(), vi_date),
                end_label(r)
            );
        }
        h.push_str("</tbody></table></section>");
    }
    h.push_str("</body></html>\n");
    h
}
