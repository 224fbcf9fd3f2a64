//! CSV for Excel: UTF-8 with a BOM (so Excel reads Vietnamese correctly),
//! Vietnamese headers, one row per result. The last column keeps the raw
//! status (`pass`/`fail`/`unknown`) so filters and scripts need no Vietnamese.

use std::io::Write;

use super::{Renderer, ReportContext, SiteResults, rule_name_vi};
use crate::model::ResultRecord;

pub const BOM: &[u8] = "\u{FEFF}".as_bytes();

pub const HEADERS: [&str; 14] = [
    "Mã trang",
    "Tên trang",
    "Mã quy tắc",
    "Quy tắc",
    "Kết quả",
    "Mức độ",
    "Ngày xét",
    "Thời điểm kiểm tra",
    "Căn cứ pháp lý",
    "Nội dung",
    "Bằng chứng",
    "Hướng khắc phục",
    "Trạng thái (máy đọc)",
    "Mức độ (máy đọc)",
];

pub struct CsvRenderer;

/// Text that starts like a formula is run by Excel and LibreOffice when the
/// file is opened; site text is hostile, so such cells get a leading
/// apostrophe, which spreadsheets show as plain text.
pub(crate) fn cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

pub(crate) fn csv_error(e: ::csv::Error) -> std::io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

impl Renderer for CsvRenderer {
    fn render(&self, results: &dyn SiteResults, ctx: &ReportContext, out: &mut dyn Write) -> std::io::Result<()> {
        out.write_all(BOM)?;
        let mut w = ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(out);
        w.write_record(HEADERS).map_err(csv_error)?;
        results.each_site(&mut |rs| write_rows(&mut w, rs, ctx))?;
        w.flush()?;
        Ok(())
    }
}

fn write_rows(w: &mut ::csv::Writer<&mut dyn Write>, results: &[ResultRecord], ctx: &ReportContext) -> std::io::Result<()> {
    for r in results {
        let evidence = r
            .evidence
            .iter()
            .map(|e| {
                if e.detail.is_empty() {
                    e.url.clone()
                } else {
                    format!("{} — {}", e.url, e.detail)
                }
            })
            .collect::<Vec<_>>()
            .join("\n");
        let row = [
            cell(&r.site),
            cell(ctx.site_name(&r.site)),
            cell(&r.rule),
            cell(rule_name_vi(&r.rule)),
            r.status.label_vi().to_string(),
            r.severity.label_vi().to_string(),
            r.as_of.format("%d/%m/%Y").to_string(),
            r.checked_at.format("%d/%m/%Y %H:%M:%S").to_string(),
            cell(&r.basis),
            cell(&r.message),
            cell(&evidence),
            cell(r.hint.as_deref().unwrap_or("")),
            r.status.as_str().to_string(),
            r.severity.as_str().to_string(),
        ];
        w.write_record(&row).map_err(csv_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Evidence, Status};
    use crate::report::SiteInfo;
    use crate::report::testutil::*;

    #[test]
    fn starts_with_bom_and_parses_back_with_vietnamese_headers() {
        let d = day(2026, 11, 24);
        let mut fail = rec("tiengiang-portal", "disclosure.contact", Status::Fail, d);
        fail.evidence
            .push(Evidence::new("https://tiengiang.gov.vn/lien-he", "=HYPERLINK(\"http://evil\")"));
        fail.message = "=1+2, \"trích\"\nxuống dòng".to_string();
        let results = vec![fail, rec("tiengiang-portal", "update.daily", Status::Unknown, d)];
        let ctx = ReportContext::default().with_site(SiteInfo::named("tiengiang-portal", "Cổng Thông tin điện tử tỉnh Tiền Giang"));
        let mut out = Vec::new();
        CsvRenderer.render(&results, &ctx, &mut out).unwrap();
        assert!(out.starts_with(BOM));
        let mut r = ::csv::Reader::from_reader(&out[BOM.len()..]);
        let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(headers[0], "Mã trang");
        assert!(headers.iter().any(|h| h == "Hướng khắc phục"));
        let rows: Vec<::csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][1], "Cổng Thông tin điện tử tỉnh Tiền Giang");
        assert_eq!(&rows[0][3], "Ghi điện thoại và thư điện tử liên hệ");
        assert_eq!(&rows[0][4], "Không đạt");
        assert_eq!(&rows[0][5], "Vi phạm");
        assert_eq!(&rows[0][6], "24/11/2026");
        // Formula-looking text is neutralised but otherwise kept whole.
        assert_eq!(&rows[0][9], "'=1+2, \"trích\"\nxuống dòng");
        assert!(rows[0][10].contains("https://tiengiang.gov.vn/lien-he"));
        assert_eq!(&rows[0][11], "Thêm địa chỉ thư điện tử vào chân trang chủ");
        assert_eq!(&rows[0][12], "fail");
        assert_eq!(&rows[1][4], "Chưa xác định");
        assert_eq!(&rows[1][11], "");
    }
}
