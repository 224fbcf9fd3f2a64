//! Legal-document listings: a table headed "Số/Ký hiệu", "Trích yếu",
//! "Ngày ban hành" (or "Ngày ký"), maybe "Ngày đăng"; or a list whose items
//! carry "Ngày ban hành: …" under the document's link.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use scraper::{ElementRef, Html, Selector};

use super::dates;
use super::facts::LegalDocument;
use super::text::{Folded, Line, clean, fold};
use super::walk::Walk;

static TABLE: LazyLock<Option<Selector>> = LazyLock::new(|| Selector::parse("table").ok());
static ROW: LazyLock<Option<Selector>> = LazyLock::new(|| Selector::parse("tr").ok());
static CELL: LazyLock<Option<Selector>> = LazyLock::new(|| Selector::parse("td, th").ok());
static LINK: LazyLock<Option<Selector>> = LazyLock::new(|| Selector::parse("a[href]").ok());
static DOC_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)[0-9]{1,5}/(?:[0-9]{4}/)?[A-ZĐ][A-ZĐa-z0-9]*(?:-[A-ZĐ0-9]+)*").expect("static regex"));

const MAX_DOCUMENTS: usize = 1_000;

#[derive(Default, Debug)]
struct Columns {
    number: Option<usize>,
    title: Option<usize>,
    signed: Option<usize>,
    posted: Option<usize>,
}

fn classify(header: &[String]) -> Columns {
    let mut c = Columns::default();
    for (i, h) in header.iter().enumerate() {
        let h = h.as_str();
        let set = |slot: &mut Option<usize>| {
            if slot.is_none() {
                *slot = Some(i);
            }
        };
        if h.contains("ky hieu") || h.contains("so hieu") || h == "so" || h.contains("so van ban") {
            set(&mut c.number);
        } else if h.contains("trich yeu") || h.contains("ten van ban") || h.contains("tieu de") || h == "noi dung" {
            set(&mut c.title);
        } else if h.contains("ngay ban hanh") || h.contains("ngay ky") || h.contains("ngay van ban") || h == "ban hanh" {
            set(&mut c.signed);
        } else if h.contains("ngay dang") || h.contains("ngay cong bo") || h.contains("ngay cap nhat") {
            set(&mut c.posted);
        }
    }
    c
}

fn cell_text(el: &ElementRef<'_>) -> String {
    clean(&el.text().collect::<String>())
}

fn first_href(el: &ElementRef<'_>) -> Option<String> {
    let sel = LINK.as_ref()?;
    el.select(sel)
        .filter_map(|a| a.value().attr("href"))
        .map(str::trim)
        .find(|h| !h.is_empty() && !h.starts_with('#') && !h.to_ascii_lowercase().starts_with("javascript:"))
        .map(str::to_string)
}

fn cell_date(s: &str) -> Option<NaiveDate> {
    // Status words ("Còn hiệu lực", "Đang cập nhật") where a date should be give nothing.
    dates::find_dates(s).first().map(|d| d.at.date())
}

fn absolute(base: &url::Url, href: Option<String>) -> String {
    href.and_then(|h| base.join(&h).ok())
        .map(|mut u| {
            u.set_fragment(None);
            String::from(u)
        })
        .unwrap_or_else(|| base.to_string())
}

fn from_tables(doc: &Html, base: &url::Url) -> Vec<LegalDocument> {
    let (Some(tsel), Some(rsel), Some(csel)) = (TABLE.as_ref(), ROW.as_ref(), CELL.as_ref()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for table in doc.select(tsel) {
        let mut cols: Option<Columns> = None;
        for row in table.select(rsel) {
            let cells: Vec<ElementRef<'_>> = row.select(csel).collect();
            if cells.is_empty() {
                continue;
            }
            let Some(c) = &cols else {
                if cells.len() < 2 || cells.len() > 20 {
                    continue;
                }
                let header: Vec<String> = cells.iter().map(|c| fold(&cell_text(c))).collect();
                let c = classify(&header);
                if c.signed.is_some() && (c.number.is_some() || c.title.is_some()) {
                    cols = Some(c);
                }
                continue;
            };
            let get = |i: Option<usize>| i.and_then(|i| cells.get(i));
            let Some(signed) = get(c.signed).and_then(|e| cell_date(&cell_text(e))) else {
                continue;
            };
            let number = get(c.number).map(cell_text).unwrap_or_default();
            let title_cell = get(c.title);
            let mut title = title_cell.map(cell_text).unwrap_or_default();
            let href = title_cell
                .and_then(first_href)
                .or_else(|| get(c.number).and_then(first_href))
                .or_else(|| first_href(&row));
            if title.is_empty() {
                title = number.clone();
            }
            out.push(LegalDocument {
                url: absolute(base, href),
                number,
                title,
                signed,
                posted: get(c.posted).and_then(|e| cell_date(&cell_text(e))),
            });
            if out.len() >= MAX_DOCUMENTS {
                return out;
            }
        }
    }
    out
}

const SIGNED: &[&str] = &["ngay ban hanh", "ngay ky"];
const POSTED: &[&str] = &["ngay dang", "ngay cong bo"];
/// What a page of legal documents says somewhere in a short line.
const MENTIONS: &[&str] = &["ngay ban hanh", "ngay ky", "trich yeu"];

/// Whether folded text `f` holds one of `labels`, each starting with 'n'
/// or 't': one pass over `f` for all of them. Most short lines of every
/// page are asked, and a substring search per label had a set-up cost per
/// line larger than the search.
fn holds_label(f: &str, labels: &[&str]) -> bool {
    let b = f.as_bytes();
    memchr::memchr2_iter(b'n', b't', b).any(|i| labels.iter().any(|l| b.get(i..).is_some_and(|r| r.starts_with(l.as_bytes()))))
}

/// The date a label gives: after it on its line, with nothing but
/// punctuation between ("Ngày ban hành: 02/11/2026"), or, for a label alone
/// on its line (a `<dt>`, a cell), on the next line. A status word where
/// the date should be ("Ngày ban hành: Đang cập nhật | Ngày hiệu lực:
/// 05/11/2026") gives none. Returns the date and the line it was on.
fn labelled_date(lines: &[Line], i: usize, labels: &[&str]) -> Option<(NaiveDate, usize)> {
    let line = lines.get(i)?;
    let f = Folded::new(&line.text);
    let (pos, len) = labels.iter().filter_map(|l| f.text.find(l).map(|p| (p, l.len()))).min()?;
    let rest = line.text.get(f.orig(pos + len)..)?;
    let no_words = |s: &str| !s.chars().any(char::is_alphabetic);
    if let Some(d) = dates::find_dates(rest).first() {
        return no_words(rest.get(..d.start)?).then_some((d.at.date(), i));
    }
    if !no_words(rest) {
        return None;
    }
    let next = lines.get(i + 1)?;
    let d = dates::find_dates(&next.text).first().copied()?;
    no_words(next.text.get(..d.start)?).then_some((d.at.date(), i + 1))
}

/// Documents written as labelled values rather than under a header row:
/// cells ("<td>Ngày ban hành: 02/11/2026</td>" beside "88/QĐ-UBND"),
/// label–value lines, definition lists (`<dt>Ngày ban hành</dt><dd>…`),
/// cards ("Số: … | Ngày ký: … | Ngày đăng: …"). Each signing-date label
/// starts a record, which reaches back to the end of the previous one for
/// the document's link, number and title.
fn from_labels(w: &Walk<'_>, resolved: &[Option<String>], base: &url::Url) -> Vec<LegalDocument> {
    let lines = &w.lines;
    // (line of the label, signing date, last line of its value)
    let mut anchors: Vec<(usize, Option<NaiveDate>, usize)> = Vec::new();
    let mut buf = String::new();
    for (i, line) in lines.iter().enumerate() {
        if line.in_footer || line.text.len() > 300 {
            continue;
        }
        super::text::fold_into(&mut buf, &line.text);
        if holds_label(&buf, SIGNED) {
            let got = labelled_date(lines, i, SIGNED);
            anchors.push((i, got.map(|g| g.0), got.map_or(i, |g| g.1)));
        }
    }
    let mut out: Vec<LegalDocument> = Vec::new();
    let mut record_start = 0usize;
    for (k, &(i, signed, value_end)) in anchors.iter().enumerate() {
        let next = anchors.get(k + 1).map_or(lines.len(), |a| a.0);
        let mut end = value_end;
        let mut posted = None;
        for j in i..next.min(i + 8) {
            if let Some((d, e)) = labelled_date(lines, j, POSTED) {
                posted = Some(d);
                end = end.max(e);
                break;
            }
        }
        let start = record_start.max(i.saturating_sub(8));
        record_start = end + 1;
        let Some(signed) = signed else { continue };
        let usable =
            |(li, l): &(usize, &super::walk::WalkLink<'_>)| !l.in_nav && !l.in_footer && resolved.get(*li).is_some_and(|r| r.is_some());
        // The document's link: the nearest at or above the label within the
        // record, else the first after it.
        let link = w
            .links
            .iter()
            .enumerate()
            .filter(|(_, l)| l.line_start >= start && l.line_start <= i)
            .rfind(usable)
            .or_else(|| {
                w.links
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.line_start > i && l.line_start < next && l.line_start <= end + 3)
                    .find(usable)
            });
        let url = link
            .and_then(|(li, _)| resolved.get(li).cloned().flatten())
            .unwrap_or_else(|| base.to_string());
        let record = lines.get(start..(end + 1).min(lines.len())).unwrap_or_default();
        let number = link
            .map(|(_, l)| l.text.as_str())
            .into_iter()
            .chain(record.iter().map(|l| l.text.as_str()))
            .find_map(|t| DOC_NUMBER.find(t).map(|m| m.as_str().to_string()))
            .unwrap_or_default();
        let link_title = link.map(|(_, l)| l.text.clone()).filter(|t| t.split_whitespace().count() >= 3);
        // Otherwise the longest line of words in the record that is no label.
        let title = link_title
            .or_else(|| {
                record
                    .iter()
                    .map(|l| l.text.as_str())
                    .filter(|t| t.split_whitespace().count() >= 3 && dates::find_dates(t).is_empty())
                    .filter(|t| {
                        let f = fold(t);
                        !f.starts_with("so ky hieu") && !f.starts_with("trich yeu")
                    })
                    .max_by_key(|t| t.chars().count())
                    .map(str::to_string)
            })
            .unwrap_or_else(|| number.clone());
        if out.iter().any(|d| d.url == url && d.number == number && d.signed == signed) {
            continue;
        }
        out.push(LegalDocument {
            url,
            number,
            title,
            signed,
            posted,
        });
        if out.len() >= MAX_DOCUMENTS {
            break;
        }
    }
    out
}

/// The legal documents listed on a page; empty for any other page.
pub(crate) fn extract(doc: &Html, w: &Walk<'_>, resolved: &[Option<String>], base: &url::Url) -> Vec<LegalDocument> {
    // Column headers and "Ngày ban hành: …" labels are short lines.
    let mut buf = String::new();
    let mentions = w.lines.iter().take(20_000).any(|l| {
        l.text.len() <= 80 && {
            super::text::fold_into(&mut buf, &l.text);
            holds_label(&buf, MENTIONS)
        }
    });
    if !mentions {
        return Vec::new();
    }
    if w.has_table {
        let t = from_tables(doc, base);
        if !t.is_empty() {
            return t;
        }
    }
    from_labels(w, resolved, base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_search_finds_what_substring_search_finds() {
        for labels in [SIGNED, MENTIONS] {
            assert!(labels.iter().all(|l| l.starts_with(['n', 't'])));
            for f in [
                "",
                "ngay",
                "ngay ky",
                "xngay kyx",
                "ngay ban hanh: 1",
                "trich",
                "trich yeu",
                "n t ngay ba",
                "tngay k",
            ] {
                assert_eq!(holds_label(f, labels), labels.iter().any(|l| f.contains(l)), "{f:?}");
            }
        }
    }

    // Through the whole analysis, as a page is read in a crawl.
    fn documents_in(html: &str, base: &url::Url) -> Vec<LegalDocument> {
        crate::extract::analyze::analyze_html(base, html).documents
    }

    fn base() -> url::Url {
        url::Url::parse("https://tiengiang.gov.vn/van-ban").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn table_listing_with_posted_column_and_status_words() {
        let html = r#"<table>
          <tr><th>STT</th><th>Số/Ký hiệu</th><th>Trích yếu</th><th>Ngày ban hành</th><th>Ngày hiệu lực</th><th>Ngày đăng</th></tr>
          <tr><td>1</td><td>12/2026/QĐ-UBND</td><td><a href="/vb/12">Quyết định ban hành quy chế</a></td><td>20/11/2026</td><td>Còn hiệu lực</td><td>23/11/2026</td></tr>
          <tr><td>2</td><td>3107/2016/QĐ-UBND</td><td><a href="/vb/3107">Quyết định cũ</a></td><td>Đang cập nhật</td><td></td><td></td></tr>
          <tr><td>3</td><td>45/KH-UBND</td><td>Kế hoạch năm 2027</td><td>6/2/2026</td><td></td><td>Đang cập nhật</td></tr>
        </table>"#;
        let docs = documents_in(html, &base());
        assert_eq!(docs.len(), 2, "{docs:?}");
        assert_eq!(docs[0].number, "12/2026/QĐ-UBND");
        assert_eq!(docs[0].title, "Quyết định ban hành quy chế");
        assert_eq!(docs[0].url, "https://tiengiang.gov.vn/vb/12");
        assert_eq!(docs[0].signed, NaiveDate::from_ymd_opt(2026, 11, 20).unwrap_or_default());
        assert_eq!(docs[0].posted, NaiveDate::from_ymd_opt(2026, 11, 23));
        assert_eq!(docs[1].signed, NaiveDate::from_ymd_opt(2026, 2, 6).unwrap_or_default());
        assert_eq!(docs[1].posted, None);
        assert_eq!(docs[1].url, "https://tiengiang.gov.vn/van-ban");
    }

    #[test]
    fn ngay_ky_header_variant() {
        let html = r#"<table><tr><td><b>Số hiệu</b></td><td><b>Tên văn bản</b></td><td><b>Ngày ký</b></td></tr>
          <tr><td>01/CT-UBND</td><td><a href="ct1.pdf">Chỉ thị về phòng chống thiên tai</a></td><td>02-03-2026</td></tr></table>"#;
        let docs = documents_in(html, &base());
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].url, "https://tiengiang.gov.vn/ct1.pdf");
        assert_eq!(docs[0].signed, NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default());
    }

    #[test]
    fn list_layout() {
        let html = r#"<ul>
          <li><a href="/vb/1">Quyết định số 15/2026/QĐ-UBND về giá đất</a><div>Ngày ban hành: 17/11/2026</div><div>Ngày đăng: 19/11/2026</div></li>
          <li><a href="/vb/2">Công văn về việc tổ chức hội nghị</a><div>Ngày ban hành: Đang cập nhật</div></li>
        </ul>"#;
        let docs = documents_in(html, &base());
        assert_eq!(docs.len(), 1, "{docs:?}");
        assert_eq!(docs[0].number, "15/2026/QĐ-UBND");
        assert_eq!(docs[0].posted, NaiveDate::from_ymd_opt(2026, 11, 19));
    }

    #[test]
    fn labelled_cells_definition_lists_and_cards() {
        let want = |docs: &[LegalDocument]| {
            let got: Vec<(String, String, Option<NaiveDate>, Option<NaiveDate>)> = docs
                .iter()
                .map(|d| (d.number.clone(), d.url.clone(), Some(d.signed), d.posted))
                .collect();
            assert_eq!(
                got,
                vec![
                    (
                        "88/QĐ-UBND".to_string(),
                        "https://tiengiang.gov.vn/vb/88.pdf".to_string(),
                        NaiveDate::from_ymd_opt(2026, 11, 2),
                        NaiveDate::from_ymd_opt(2026, 11, 10)
                    ),
                    (
                        "12/2026/QĐ-UBND".to_string(),
                        "https://tiengiang.gov.vn/vb/12.pdf".to_string(),
                        NaiveDate::from_ymd_opt(2026, 11, 3),
                        NaiveDate::from_ymd_opt(2026, 11, 4)
                    ),
                ]
            );
        };
        let cells = r#"<table>
          <tr><td><a href="/vb/88.pdf">88/QĐ-UBND</a></td><td>Quyết định ban hành quy chế</td><td>Ngày ban hành: 02/11/2026</td><td>Ngày đăng: 10/11/2026</td></tr>
          <tr><td><a href="/vb/12.pdf">12/2026/QĐ-UBND</a></td><td>Quyết định về giá đất</td><td>Ngay ban hanh: 03/11/2026</td><td>Ngay dang: 04/11/2026</td></tr>
        </table>"#;
        want(&documents_in(cells, &base()));
        let dl = r#"<dl><dt>Số ký hiệu</dt><dd>88/QĐ-UBND</dd><dt>Trích yếu</dt><dd><a href="/vb/88.pdf">Quyết định ban hành quy chế làm việc</a></dd>
          <dt>Ngày ban hành</dt><dd>02/11/2026</dd><dt>Ngày đăng</dt><dd>10/11/2026</dd></dl>
          <dl><dt>Số ký hiệu</dt><dd>12/2026/QĐ-UBND</dd><dt>Trích yếu</dt><dd><a href="/vb/12.pdf">Quyết định về giá đất trên địa bàn</a></dd>
          <dt>Ngày ban hành</dt><dd>03/11/2026</dd><dt>Ngày đăng</dt><dd>04/11/2026</dd></dl>"#;
        want(&documents_in(dl, &base()));
        let cards = r#"<div><h3><a href="/vb/88.pdf">Quyết định ban hành quy chế làm việc</a></h3><div><span>Số: 88/QĐ-UBND</span> | <span>Ngày ký: 02/11/2026</span> | <span>Ngày đăng: 10/11/2026</span></div></div>
          <div><h3><a href="/vb/12.pdf">Quyết định về giá đất trên địa bàn</a></h3><div><span>Số: 12/2026/QĐ-UBND</span> | <span>Ngày ký: 03/11/2026</span> | <span>Ngày đăng: 04/11/2026</span></div></div>"#;
        want(&documents_in(cards, &base()));
    }

    #[test]
    fn ordinary_pages_have_no_documents() {
        let html = "<p>Tin tức ngày 23/11/2026</p><table><tr><td>a</td><td>b</td></tr></table>";
        assert!(documents_in(html, &base()).is_empty());
    }
}
