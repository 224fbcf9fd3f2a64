//! The nightly findings page for officers (SPEC §8): one self-contained,
//! printable HTML file in Vietnamese. Summary first, then what changed since
//! the previous day, then the site × rule matrix whose failures link to
//! their evidence, then the legal texts applied (each result names its own
//! and since when it applies), then one section per site.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write;

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::chart::daily_chart;
use super::{
    ChangeTracker, Changes, Renderer, ReportContext, SiteResults, SiteRule, anchor_part, basis_since, html_escape as esc, rule_name_vi,
    rule_order, safe_href, vi_date,
};
use crate::model::{Kind, ResultRecord, Severity, Status};

pub struct HtmlRenderer;

/// Shared by the daily report and the period summary; prints on A4 with
/// colours kept, and never relies on colour alone (every cell has text).
pub(crate) const BASE_CSS: &str = r#"
:root{--pass:#d6f0d8;--pass-ink:#145a1e;--fail:#f9d3cf;--fail-ink:#8a1c12;--unk:#ece7c9;--unk-ink:#5c5210;--line:#c8c8c8}
*{box-sizing:border-box}
body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;font-size:14px;line-height:1.45;color:#1b1b1b;margin:0 auto;max-width:1200px;padding:16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;border-bottom:2px solid #1f4e79;padding-bottom:2px;margin-top:28px;color:#1f4e79}
h3{font-size:15px;margin:12px 0 4px}
table{border-collapse:collapse;margin:8px 0;width:100%}
th,td{border:1px solid var(--line);padding:4px 6px;vertical-align:top;text-align:left}
th{background:#eef2f7;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{background:var(--pass);color:var(--pass-ink)}
.fail{background:var(--fail);color:var(--fail-ink);font-weight:600}
.unknown{background:var(--unk);color:var(--unk-ink)}
.na{color:#888;text-align:center}
.matrix td{text-align:center;white-space:nowrap;font-size:12px}
.matrix th.rule{font-size:11px;font-weight:600;vertical-align:bottom}
.matrix td.site{text-align:left;white-space:normal;font-size:13px;min-width:13em}
.matrix a{color:inherit}
.meta{color:#444;margin:2px 0}
.muted{color:#666}
.badge{display:inline-block;padding:0 6px;border-radius:3px;font-size:12px;margin-left:6px;border:1px solid currentColor}
.result{border-left:4px solid var(--line);padding:4px 10px;margin:8px 0;break-inside:avoid}
.result.fail{border-left-color:var(--fail-ink);background:#fff6f5;font-weight:normal;color:inherit}
.result.pass{border-left-color:var(--pass-ink);background:#fbfefb;color:inherit}
.result.unknown{border-left-color:var(--unk-ink);background:#fdfcf3;color:inherit}
.result h3 code{font-size:11px;color:#555;font-weight:normal}
.hint{background:#fff;border:1px dashed #8a1c12;padding:3px 6px}
.evidence{margin:4px 0 0 0;padding-left:18px;font-size:13px;word-break:break-word}
.site{break-before:auto}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}
.card{border:1px solid var(--line);border-radius:4px;padding:6px 12px;min-width:140px}
.card b{display:block;font-size:22px}
svg{display:block;max-width:100%;height:auto}
a{color:#1f4e79}
@page{size:A4;margin:12mm}
@media print{body{max-width:none;padding:0;font-size:11pt}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
h2{break-after:avoid}section.site{break-before:page}.no-print{display:none}a{text-decoration:none}}
"#;

pub(crate) fn status_class(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Unknown => "unknown",
    }
}

pub(crate) fn result_anchor(site: &str, rule: &str) -> String {
    format!("kq-{}--{}", anchor_part(site), anchor_part(rule))
}

/// A URL as a link when it is http(s), as plain text otherwise.
pub(crate) fn link(url: &str) -> String {
    match safe_href(url) {
        Some(href) => format!(r#"<a href="{}" rel="noopener noreferrer">{}</a>"#, esc(href), esc(url)),
        None => format!("<span>{}</span>", esc(url)),
    }
}

impl Renderer for HtmlRenderer {
    /// Two walks over the day: the first gathers what the summary, the
    /// changes, the matrix and the legal texts show (statuses and counts, not
    /// messages or evidence); the second writes each site's section as it
    /// is read. The page goes out a section at a time.
    fn render(&self, results: &dyn SiteResults, ctx: &ReportContext, out: &mut dyn Write) -> std::io::Result<()> {
        let mut o = Overview::default();
        let mut tracker = ctx.previous.as_ref().map(ChangeTracker::new);
        results.each_site(&mut |rs| {
            o.add_site(rs, ctx);
            if let Some(t) = tracker.as_mut() {
                t.site(rs);
            }
            Ok(())
        })?;
        let changes = tracker.map(|t| ctx.finish_changes(t));
        let date = ctx.date.or(o.first_as_of);
        o.write_head(ctx, date, changes.as_ref(), out)?;
        let mut h = String::new();
        results.each_site(&mut |rs| {
            h.clear();
            site_section(&mut h, rs, ctx);
            out.write_all(h.as_bytes())
        })?;
        if o.sites.is_empty() {
            out.write_all(r#"<p class="muted">Không có kết quả kiểm tra nào cho ngày này.</p>"#.as_bytes())?;
        }
        out.write_all(b"</body></html>\n")
    }
}

/// What the parts above the per-site sections show, gathered site by site.
#[derive(Default)]
struct Overview {
    /// Each site, in report order, with its row of the matrix: (index into
    /// `rules`, status).
    sites: Vec<(String, Vec<(usize, Status)>)>,
    /// The rules met, in order of appearance (sorted for the columns).
    rules: Vec<String>,
    counts: [usize; 3],
    sites_failing: usize,
    /// Per rule, in SPEC order: (fails, unknowns, severity).
    fails_by_rule: BTreeMap<(usize, String), (usize, usize, Severity)>,
    last_checked: Option<DateTime<FixedOffset>>,
    first_as_of: Option<NaiveDate>,
    basis_rows: Vec<BasisRow>,
    /// Results seen so far: orders the legal texts as a sort of all results
    /// by rule would.
    seen: usize,
}

/// A row of "Căn cứ pháp lý".
struct BasisRow {
    basis: String,
    since: Option<NaiveDate>,
    rules: Vec<String>,
    kinds: Vec<Kind>,
    /// (rule order, position in the day) of its first result.
    first: ((usize, String), usize),
}

impl Overview {
    fn add_site(&mut self, rs: &[ResultRecord], ctx: &ReportContext) {
        let Some(site) = rs.first().map(|r| r.site.clone()) else { return };
        let mut row = Vec::with_capacity(rs.len());
        let mut failing = false;
        for r in rs {
            let col = match self.rules.iter().position(|x| *x == r.rule) {
                Some(i) => i,
                None => {
                    self.rules.push(r.rule.clone());
                    self.rules.len() - 1
                }
            };
            row.push((col, r.status));
            let (order, id) = rule_order(&r.rule);
            let e = self.fails_by_rule.entry((order, id.to_string())).or_insert((0, 0, r.severity));
            match r.status {
                Status::Pass => self.counts[0] += 1,
                Status::Fail => {
                    self.counts[1] += 1;
                    e.0 += 1;
                    failing |= r.severity >= Severity::Warning;
                }
                Status::Unknown => {
                    self.counts[2] += 1;
                    e.1 += 1;
                }
            }
            self.last_checked = self.last_checked.max(Some(r.checked_at));
            self.first_as_of.get_or_insert(r.as_of);
            self.add_basis(r, ctx);
            self.seen += 1;
        }
        self.sites_failing += usize::from(failing);
        self.sites.push((site, row));
    }

    fn add_basis(&mut self, r: &ResultRecord, ctx: &ReportContext) {
        let kind = ctx.site_kind(&r.site);
        let since = basis_since(r, kind);
        let (order, id) = rule_order(&r.rule);
        let first = ((order, id.to_string()), self.seen);
        let row = match self.basis_rows.iter().position(|x| x.basis == r.basis && x.since == since) {
            Some(i) => &mut self.basis_rows[i],
            None => {
                self.basis_rows.push(BasisRow {
                    basis: r.basis.clone(),
                    since,
                    rules: Vec::new(),
                    kinds: Vec::new(),
                    first: first.clone(),
                });
                let last = self.basis_rows.len() - 1;
                &mut self.basis_rows[last]
            }
        };
        row.first = row.first.clone().min(first);
        if !row.rules.contains(&r.rule) {
            row.rules.push(r.rule.clone());
        }
        if let Some(k) = kind.filter(|k| !row.kinds.contains(k)) {
            row.kinds.push(k);
        }
    }

    /// Everything before the per-site sections, written out as it grows: the
    /// matrix of a province is megabytes.
    fn write_head(
        &mut self,
        ctx: &ReportContext,
        date: Option<NaiveDate>,
        changes: Option<&Changes>,
        out: &mut dyn Write,
    ) -> std::io::Result<()> {
        const CHUNK: usize = 1 << 16;
        let mut h = String::with_capacity(2 * CHUNK);
        let title = match (&ctx.province, date) {
            (Some(p), Some(d)) => format!("Kết quả kiểm tra trang thông tin điện tử {p} ngày {}", vi_date(d)),
            (None, Some(d)) => format!("Kết quả kiểm tra trang thông tin điện tử ngày {}", vi_date(d)),
            (Some(p), None) => format!("Kết quả kiểm tra trang thông tin điện tử {p}"),
            (None, None) => "Kết quả kiểm tra trang thông tin điện tử".to_string(),
        };
        let _ = write!(
            h,
            r#"<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{}</title><style>{BASE_CSS}</style></head><body>"#,
            esc(&title)
        );
        let _ = write!(h, "<header><h1>{}</h1>", esc(&title));
        if let Some(last) = self.last_checked {
            let _ = write!(
                h,
                r#"<p class="meta">Thời điểm kiểm tra gần nhất: {} (giờ Việt Nam). Báo cáo do sitewarden tạo tự động; mỗi kết quả “Không đạt” có bằng chứng kèm đường dẫn để kiểm chứng.</p>"#,
                last.format("%H:%M %d/%m/%Y")
            );
        }
        h.push_str("</header>");

        // Summary.
        let _ = write!(
            h,
            r#"<section id="tong-hop"><h2>Tổng hợp</h2><div class="cards"><div class="card"><b>{}</b>trang đã kiểm tra</div><div class="card"><b>{}</b>trang có vi phạm hoặc cảnh báo</div><div class="card pass"><b>{}</b>kết quả đạt</div><div class="card fail"><b>{}</b>kết quả không đạt</div><div class="card unknown"><b>{}</b>kết quả chưa xác định</div></div>"#,
            self.sites.len(),
            self.sites_failing,
            self.counts[0],
            self.counts[1],
            self.counts[2]
        );
        h.push_str(r#"<table><thead><tr><th>Quy tắc</th><th>Mức độ</th><th class="num">Số trang không đạt</th><th class="num">Số trang chưa xác định</th></tr></thead><tbody>"#);
        for ((_, rule), (fails, unknowns, sev)) in &self.fails_by_rule {
            let _ = write!(
                h,
                r#"<tr><td>{} <span class="muted">({})</span></td><td>{}</td><td class="num{}">{fails}</td><td class="num">{unknowns}</td></tr>"#,
                esc(rule_name_vi(rule)),
                esc(rule),
                sev.label_vi(),
                if *fails > 0 { " fail" } else { "" }
            );
        }
        h.push_str("</tbody></table></section>");

        // Changes since the previous day.
        h.push_str(r#"<section id="thay-doi"><h2>Thay đổi so với lần kiểm tra trước</h2>"#);
        match changes {
            None => h.push_str(r#"<p class="muted">Không có kết quả của ngày trước để so sánh.</p>"#),
            Some(c) => {
                if let Some(pd) = c.previous_date {
                    let _ = write!(h, r#"<p class="meta">So với kết quả ngày {}.</p>"#, vi_date(pd));
                }
                let list = |h: &mut String, heading: &str, items: &[SiteRule], empty: &str, linked: bool| {
                    let _ = write!(h, "<h3>{heading} ({})</h3>", items.len());
                    if items.is_empty() {
                        let _ = write!(h, r#"<p class="muted">{empty}</p>"#);
                        return;
                    }
                    h.push_str("<ul>");
                    for p in items {
                        let label = format!("{} — {}", ctx.site_name(&p.site), rule_name_vi(&p.rule));
                        if linked {
                            let _ = write!(
                                h,
                                r##"<li><a href="#{}">{}</a></li>"##,
                                result_anchor(&p.site, &p.rule),
                                esc(&label)
                            );
                        } else {
                            let _ = write!(h, "<li>{}</li>", esc(&label));
                        }
                    }
                    h.push_str("</ul>");
                };
                list(&mut h, "Vi phạm mới", &c.new_violations, "Không có vi phạm mới.", true);
                list(&mut h, "Đã khắc phục", &c.resolved, "Không có vi phạm nào được khắc phục.", false);
            }
        }
        h.push_str("</section>");

        // Matrix.
        let mut columns: Vec<usize> = (0..self.rules.len()).collect();
        columns.sort_by_key(|&c| rule_order(&self.rules[c]));
        h.push_str(r#"<section id="bang-ket-qua"><h2>Kết quả theo trang và quy tắc</h2><p class="meta">Bấm vào ô “Không đạt” để xem bằng chứng. “—”: quy tắc không áp dụng cho loại trang này.</p><table class="matrix"><thead><tr><th>Trang</th>"#);
        for &c in &columns {
            let rule = &self.rules[c];
            let _ = write!(h, r#"<th class="rule" title="{}">{}</th>"#, esc(rule), esc(rule_name_vi(rule)));
        }
        h.push_str("</tr></thead><tbody>");
        for (site, row) in &self.sites {
            let _ = write!(
                h,
                r##"<tr><td class="site"><a href="#{}">{}</a></td>"##,
                site_anchor(site),
                esc(ctx.site_name(site))
            );
            for &c in &columns {
                match row.iter().find(|(col, _)| *col == c) {
                    None => h.push_str(r#"<td class="na" title="Không áp dụng">—</td>"#),
                    Some((_, status)) => {
                        let _ = write!(
                            h,
                            r##"<td class="{}"><a href="#{}">{}</a></td>"##,
                            status_class(*status),
                            result_anchor(site, &self.rules[c]),
                            status.label_vi()
                        );
                    }
                }
            }
            h.push_str("</tr>");
            if h.len() >= CHUNK {
                out.write_all(h.as_bytes())?;
                h.clear();
            }
        }
        h.push_str("</tbody></table></section>");

        if !self.sites.is_empty() {
            self.legal_basis_section(&mut h, date);
        }
        out.write_all(h.as_bytes())
    }

    /// "Căn cứ pháp lý": the distinct texts the day's results cite, each with
    /// since when it applies, the rules that rest on it and for which kinds
    /// of site, so an officer sees at a glance which law the report applied.
    fn legal_basis_section(&mut self, h: &mut String, date: Option<NaiveDate>) {
        self.basis_rows.sort_by(|a, b| a.first.cmp(&b.first));
        h.push_str(r#"<section id="can-cu-phap-ly"><h2>Căn cứ pháp lý</h2>"#);
        let on = date.map(|d| format!(" ngày {}", vi_date(d))).unwrap_or_default();
        let _ = write!(
            h,
            r#"<p class="meta">Các văn bản đang có hiệu lực{on} mà kết quả kiểm tra dựa vào, theo loại trang. Mỗi kết quả chỉ viện dẫn văn bản có hiệu lực vào ngày xét; quy tắc mà văn bản chưa có hiệu lực vào ngày đó thì không được kiểm tra. “—” ở cột “Áp dụng từ”: điều kiện kỹ thuật, hoặc văn bản đã có hiệu lực từ trước mọi ngày được kiểm tra.</p>"#
        );
        h.push_str(
            r#"<table><thead><tr><th>Văn bản áp dụng</th><th>Áp dụng từ</th><th>Quy tắc</th><th>Loại trang</th></tr></thead><tbody>"#,
        );
        for row in &mut self.basis_rows {
            row.kinds.sort();
            row.rules.sort_by(|a, b| rule_order(a).cmp(&rule_order(b)));
            let rules = row.rules.iter().map(|r| rule_name_vi(r)).collect::<Vec<_>>().join("; ");
            let kinds = row.kinds.iter().map(|k| kind_label(*k)).collect::<Vec<_>>().join("; ");
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&row.basis),
                row.since.map_or_else(|| "—".to_string(), vi_date),
                esc(&rules),
                if kinds.is_empty() { "—".to_string() } else { esc(&kinds) }
            );
        }
        h.push_str("</tbody></table></section>");
    }
}

/// One site's section: its chart of new items and each result in full.
fn site_section(h: &mut String, rs: &[ResultRecord], ctx: &ReportContext) {
    let Some(site) = rs.first().map(|r| r.site.as_str()) else { return };
    let name = ctx.site_name(site);
    let _ = write!(
        h,
        r#"<section class="site" id="{}"><h2>{} <span class="muted">({})</span></h2>"#,
        site_anchor(site),
        esc(name),
        esc(site)
    );
    if let Some(days) = ctx.daily_items(site) {
        h.push_str("<h3>Tin mới theo ngày (30 ngày gần nhất)</h3>");
        h.push_str(&daily_chart(name, days));
    }
    let mut rs: Vec<&ResultRecord> = rs.iter().collect();
    rs.sort_by_key(|r| rule_order(&r.rule));
    for r in rs {
        let _ = write!(
            h,
            r#"<article class="result {}" id="{}"><h3>{} <code>{}</code><span class="badge">{}</span><span class="badge">{}</span></h3><p>{}</p>"#,
            status_class(r.status),
            result_anchor(&r.site, &r.rule),
            esc(rule_name_vi(&r.rule)),
            esc(&r.rule),
            r.status.label_vi(),
            r.severity.label_vi(),
            esc(&r.message)
        );
        if let Some(hint) = &r.hint {
            let _ = write!(h, r#"<p class="hint"><b>Hướng khắc phục:</b> {}</p>"#, esc(hint));
        }
        if !r.evidence.is_empty() {
            h.push_str(r#"<div><b>Bằng chứng:</b><ul class="evidence">"#);
            for e in &r.evidence {
                let _ = write!(h, "<li>{}", link(&e.url));
                if !e.detail.is_empty() {
                    let _ = write!(h, " — {}", esc(&e.detail));
                }
                h.push_str("</li>");
            }
            h.push_str("</ul></div>");
        }
        let since = basis_since(r, ctx.site_kind(&r.site))
            .map(|d| format!(" (áp dụng từ {})", vi_date(d)))
            .unwrap_or_default();
        let _ = write!(
            h,
            r#"<p class="meta muted">Căn cứ: {}{since} · Ngày xét {} · Kiểm tra lúc {}</p></article>"#,
            esc(&r.basis),
            vi_date(r.as_of),
            r.checked_at.format("%H:%M %d/%m/%Y")
        );
    }
    h.push_str("</section>");
}

/// The kinds of site as RULES.md names them, for the legal-basis table.
fn kind_label(kind: Kind) -> &'static str {
    match kind {
        Kind::Government => "cổng/trang thông tin điện tử của cơ quan nhà nước",
        Kind::Aggregator => "trang thông tin điện tử tổng hợp",
    }
}

pub(crate) fn site_anchor(site: &str) -> String {
    format!("trang-{}", anchor_part(site))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Evidence;
    use crate::report::testutil::*;
    use crate::report::{PreviousDay, SiteInfo};

    fn sample() -> (Vec<ResultRecord>, ReportContext) {
        let d = day(2026, 11, 24);
        let mut evil = rec("evil-site", "disclosure.contact", Status::Fail, d);
        evil.message = "<script>alert('x')</script> & \"trích\"".to_string();
        evil.evidence = vec![
            Evidence::new("javascript:alert(1)", "<img src=x onerror=alert(2)>"),
            Evidence::new("https://evil.example.vn/lien-he?a=1&b=\"2\"", "chân trang"),
        ];
        evil.hint = Some("Thêm <b>email</b>".to_string());
        let results = vec![
            rec("tiengiang-portal", "site.reachable", Status::Pass, d),
            rec("tiengiang-portal", "update.daily", Status::Fail, d),
            rec("tiengiang-portal", "disclosure.contact", Status::Unknown, d),
            evil,
            rec("evil-site", "site.reachable", Status::Pass, d),
        ];
        let daily = (0..35)
            .map(|i| {
                let dd = d - chrono::Duration::days(35 - i);
                let wd = chrono::Datelike::weekday(&dd).num_days_from_monday() < 5;
                (dd, if wd && i % 4 != 0 { 3 } else { 0 }, wd)
            })
            .collect();
        let mut portal = SiteInfo::named("tiengiang-portal", "Cổng Thông tin điện tử tỉnh Tiền Giang");
        portal.kind = Some(Kind::Government);
        portal.daily_items = Some(daily);
        let mut evil_site = SiteInfo::named("evil-site", "<b onmouseover=alert(3)>Trang độc</b>");
        evil_site.kind = Some(Kind::Aggregator);
        let ctx = ReportContext {
            date: Some(d),
            province: Some("tỉnh Tiền Giang".into()),
            previous: Some(PreviousDay::from_results(&[rec(
                "tiengiang-portal",
                "update.daily",
                Status::Pass,
                d - chrono::Duration::days(1),
            )])),
            ..ReportContext::default()
        }
        .with_site(portal)
        .with_site(evil_site);
        (results, ctx)
    }

    fn render(results: &[ResultRecord], ctx: &ReportContext) -> String {
        let mut out = Vec::new();
        HtmlRenderer.render(&results.to_vec(), ctx, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn hostile_text_is_escaped_and_bad_urls_are_not_links() {
        let (results, ctx) = sample();
        let html = render(&results, &ctx);
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<img"));
        assert!(!html.contains("<b onmouseover"));
        assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assert!(!html.contains(r#"href="javascript:"#));
        assert!(html.contains(r#"href="https://evil.example.vn/lien-he?a=1&amp;b=&quot;2&quot;""#));
        assert!(html.contains("Thêm &lt;b&gt;email&lt;/b&gt;"));
        // No external assets.
        assert!(!html.contains("<link"));
        assert!(!html.contains(r#"src=""#));
    }

    #[test]
    fn every_failure_links_to_its_evidence_section() {
        let (results, ctx) = sample();
        let html = render(&results, &ctx);
        for r in results.iter().filter(|r| r.status == Status::Fail) {
            let anchor = result_anchor(&r.site, &r.rule);
            assert!(html.contains(&format!(r##"href="#{anchor}">Không đạt</a>"##)), "{anchor}");
            assert_eq!(html.matches(&format!(r#"id="{anchor}""#)).count(), 1, "{anchor}");
        }
        assert!(html.contains("Cập nhật thông tin hằng ngày"));
        // Changes: update.daily went from pass to fail.
        let changes = html.split(r#"id="thay-doi""#).nth(1).unwrap_or("");
        assert!(changes.contains("Vi phạm mới (2)"));
        assert!(changes.contains("Đã khắc phục (0)"));
    }

    #[test]
    fn the_law_applied_is_named_with_since_when() {
        let d = day(2026, 11, 24);
        let rule = crate::rules::find("disclosure.contact").unwrap();
        let mut results = Vec::new();
        for (site, kind) in [("tiengiang-portal", Kind::Government), ("evil-site", Kind::Aggregator)] {
            let mut r = rec(site, "disclosure.contact", Status::Fail, d);
            r.basis = rule.basis(kind, d, None).unwrap();
            results.push(r);
        }
        let mut reach = rec("tiengiang-portal", "site.reachable", Status::Pass, d);
        reach.basis = crate::rules::find("site.reachable")
            .unwrap()
            .basis(Kind::Government, d, None)
            .unwrap();
        results.push(reach);
        let (_, ctx) = sample();
        let html = render(&results, &ctx);
        let gov = "Nghị định 147/2024/NĐ-CP, Điều 24 khoản 9 điểm a; Nghị định 174/2026/NĐ-CP, Điều 93 khoản 1";
        let agg = "Nghị định 147/2024/NĐ-CP, Điều 24 khoản 9 điểm a, b; Nghị định 174/2026/NĐ-CP, Điều 93 khoản 1";
        // Each result names its text and since when it applies.
        assert!(html.contains(&format!("Căn cứ: {gov} (áp dụng từ 01/07/2026)")), "{html}");
        assert!(html.contains(&format!("Căn cứ: {agg} (áp dụng từ 01/07/2026)")), "{html}");
        // One row per distinct text in the legal-basis section, before the sites.
        let section = html.split(r#"<section id="can-cu-phap-ly">"#).nth(1).unwrap_or("");
        let section = section.split("</section>").next().unwrap_or("");
        assert!(section.contains("<h2>Căn cứ pháp lý</h2>"), "{section}");
        assert!(section.contains("ngày 24/11/2026"), "{section}");
        assert!(section.contains(&format!("<tr><td>{gov}</td><td>01/07/2026</td><td>Ghi điện thoại và thư điện tử liên hệ</td><td>cổng/trang thông tin điện tử của cơ quan nhà nước</td></tr>")), "{section}");
        assert!(section.contains(&format!("<tr><td>{agg}</td><td>01/07/2026</td>")), "{section}");
        // A precondition rests on no dated text: no date, no "áp dụng từ".
        assert!(
            section.contains("<td>Điều kiện để kiểm tra các quy định khác (không có điều khoản riêng)</td><td>—</td>"),
            "{section}"
        );
        assert_eq!(section.matches("<tr><td>").count(), 3, "{section}");
        assert!(html.find("can-cu-phap-ly") < html.find(r#"<section class="site""#));
    }

    #[test]
    fn chart_shows_thirty_days_with_days_off_shaded() {
        let (results, ctx) = sample();
        let html = render(&results, &ctx);
        assert_eq!(html.matches("<svg").count(), 1);
        let svg = &html[html.find("<svg").unwrap_or(0)..];
        // 30 days shown: 30 per-day tooltips ending in the last day.
        assert_eq!(svg.matches("tin mới").count() - svg.matches("không có tin mới").count() - 2, 30);
        assert!(svg.contains("23/11/2026: 3 tin mới") || svg.contains("23/11/2026: 0 tin mới"));
        assert!(svg.contains(r##"fill="#e3e3e3""##));
    }
}
