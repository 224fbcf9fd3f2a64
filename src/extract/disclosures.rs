//! The identity items a site must show about itself (SPEC §5 `disclosure.*`).
//!
//! Labels are matched on folded text, so case, diacritics, NFD and the older
//! tone placement do not matter. A label counts when a colon follows it, when
//! it stands alone on its line (value in the next cell or line), or, for the
//! press wording "Cơ quan của …", at the start of a line. Telephone numbers
//! and e-mail addresses are found with or without a label.

use std::sync::LazyLock;

use regex::Regex;

use super::contacts::{MAX_CONTACTS, add_phone, digit_groups, find_emails, find_phones, phone_key, phone_ok, split_phone};
use super::dates;
use super::facts::{Disclosures, Found, License};
use super::text::{Folded, Line, truncate_chars};

/// What a label on a line announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelKind {
    Agency,
    AgencyOf,
    Managing,
    Editorial,
    EditorialHead,
    Responsible,
    Address,
    Phone,
    Email,
    /// Fax, tax code, website...: ends the previous value; numbers in it are no phones.
    Stop,
}

/// Folded labels, longest first where one is a prefix of another.
const LABELS: &[(&str, LabelKind)] = &[
    ("co quan chu quan", LabelKind::Agency),
    ("don vi chu quan", LabelKind::Agency),
    ("chu quan", LabelKind::Agency),
    ("co quan cua", LabelKind::AgencyOf),
    ("co quan quan ly", LabelKind::Managing),
    ("don vi quan ly", LabelKind::Managing),
    ("to chuc quan ly", LabelKind::Managing),
    ("don vi van hanh", LabelKind::Managing),
    ("don vi thiet lap", LabelKind::Managing),
    ("co quan thiet lap", LabelKind::Managing),
    ("doanh nghiep quan ly", LabelKind::Managing),
    ("pho truong ban bien tap", LabelKind::EditorialHead),
    ("truong ban bien tap", LabelKind::EditorialHead),
    ("pho truong bbt", LabelKind::EditorialHead),
    ("truong bbt", LabelKind::EditorialHead),
    ("pho truong ban", LabelKind::EditorialHead),
    ("truong ban", LabelKind::EditorialHead),
    ("ban bien tap", LabelKind::Editorial),
    ("bbt", LabelKind::Editorial),
    ("nguoi chiu trach nhiem quan ly noi dung", LabelKind::Responsible),
    ("chiu trach nhiem quan ly noi dung", LabelKind::Responsible),
    ("nguoi chiu trach nhiem noi dung", LabelKind::Responsible),
    ("chiu trach nhiem noi dung", LabelKind::Responsible),
    ("chiu trach nhiem xuat ban", LabelKind::Responsible),
    ("chiu trach nhiem chinh", LabelKind::Responsible),
    ("nguoi chiu trach nhiem", LabelKind::Responsible),
    ("chiu trach nhiem", LabelKind::Responsible),
    ("pho tong bien tap", LabelKind::Stop),
    ("tong bien tap", LabelKind::Responsible),
    ("dia chi email", LabelKind::Email),
    ("dia chi e-mail", LabelKind::Email),
    ("dia chi thu dien tu", LabelKind::Email),
    ("hop thu dien tu", LabelKind::Email),
    ("thu dien tu", LabelKind::Email),
    ("hop thu", LabelKind::Email),
    ("e-mail", LabelKind::Email),
    ("email", LabelKind::Email),
    ("dia chi lien he", LabelKind::Address),
    ("dia chi", LabelKind::Address),
    ("tru so chinh", LabelKind::Address),
    ("tru so", LabelKind::Address),
    ("toa soan", LabelKind::Address),
    ("van phong", LabelKind::Address),
    ("dien thoai/fax", LabelKind::Phone),
    ("dien thoai / fax", LabelKind::Phone),
    ("dt/fax", LabelKind::Phone),
    ("dt / fax", LabelKind::Phone),
    ("tel/fax", LabelKind::Phone),
    ("tel / fax", LabelKind::Phone),
    ("so dien thoai", LabelKind::Phone),
    ("dien thoai lien he", LabelKind::Phone),
    ("dien thoai", LabelKind::Phone),
    ("duong day nong", LabelKind::Phone),
    ("hotline", LabelKind::Phone),
    ("sdt", LabelKind::Phone),
    ("dtdd", LabelKind::Phone),
    ("di dong", LabelKind::Phone),
    ("dt", LabelKind::Phone),
    ("tel", LabelKind::Phone),
    ("fax", LabelKind::Stop),
    ("ma so thue", LabelKind::Stop),
    ("mst", LabelKind::Stop),
    ("so tai khoan", LabelKind::Stop),
    ("website", LabelKind::Stop),
    ("giay phep", LabelKind::Stop),
    ("gp so", LabelKind::Stop),
];

static LABEL_RE: LazyLock<Regex> = LazyLock::new(|| {
    let alts: Vec<String> = LABELS.iter().map(|(l, _)| regex::escape(l)).collect();
    Regex::new(&format!(r"(?-u:\b)(?:{})(?-u:\b)", alts.join("|"))).expect("static regex")
});
static LICENSE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)[0-9]{1,5}[ \t\r\n]*/[ \t\r\n]*GP[ \t\r\n]*[-–][ \t\r\n]*[A-ZĐ&]{2,}(?:[-–][A-ZĐ&]{2,})?").expect("static regex")
});
static ISSUER_RE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?-u:\b)do[ \t\r\n]+(.{3,90}?)[ \t\r\n]+cap(?-u:\b)").expect("static regex"));

const MAX_VALUE_CHARS: usize = 200;
const SNIPPET_CHARS: usize = 160;

fn kind_of(folded_label: &str) -> LabelKind {
    LABELS
        .iter()
        .find(|(l, _)| *l == folded_label)
        .map(|(_, k)| *k)
        .unwrap_or(LabelKind::Stop)
}

/// A label occurrence that was accepted, with where its value lies (in the
/// original line's bytes).
struct LabelHit {
    kind: LabelKind,
    label: String,
    label_start: usize,
    value_start: usize,
    value_end: usize,
    /// The value is on the next line.
    value_next_line: bool,
}

fn trim_value(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | ';' | ',' | '|' | ':' | '.' | '·' | '•'))
}

fn label_hits(line: &Line) -> Vec<LabelHit> {
    let text = line.text.as_str();
    // Long paragraphs are article bodies; labels live in short lines.
    if text.len() > 600 {
        return Vec::new();
    }
    // Without a colon a label stands alone on its line ("BAN BIÊN TẬP") or
    // opens it ("Cơ quan của …"): a short line starting with a letter.
    if !text.contains(':') && (text.len() > 90 || !text.starts_with(char::is_alphabetic)) {
        return Vec::new();
    }
    // In a link-only line only phone/e-mail segments matter.
    if !line.has_plain && !text.contains('@') && super::contacts::ascii_digits(text) < 8 {
        return Vec::new();
    }
    let folded = Folded::new(text);
    let f = folded.text.as_str();
    let mut raw: Vec<(usize, usize, LabelKind)> = Vec::new();
    for m in LABEL_RE.find_iter(f) {
        raw.push((m.start(), m.end(), kind_of(m.as_str())));
    }
    let mut hits = Vec::new();
    for (i, &(s, e, kind)) in raw.iter().enumerate() {
        let after = &f[e..];
        let after_trim = after.trim_start();
        let colon = after_trim.starts_with(':') || after_trim.starts_with('：');
        let prefix = &f[..s];
        let at_line_start = prefix.chars().all(|c| !c.is_alphanumeric());
        // "CHO THUÊ VĂN PHÒNG : …" is a headline, not a label: a label starts
        // the line or follows a separator.
        let after_separator = prefix.trim_end().ends_with(['-', '–', '|', ';', ',', '.', ':', '•', '·', ')', '/']);
        if !(at_line_start || after_separator) {
            continue;
        }
        // Link-only lines are menus and headlines; a label there names a page.
        if !line.has_plain && !matches!(kind, LabelKind::Phone | LabelKind::Email | LabelKind::Stop) {
            continue;
        }
        let alone = at_line_start && trim_value(after).is_empty();
        let agency_of = kind == LabelKind::AgencyOf && at_line_start && !after_trim.is_empty();
        if !(colon || alone || agency_of) {
            continue;
        }
        let mut vstart = e + (after.len() - after_trim.len());
        if colon {
            vstart += after_trim.chars().next().map(char::len_utf8).unwrap_or(0);
        }
        // The value ends where the next label with a colon begins.
        let vend = raw
            .iter()
            .skip(i + 1)
            .find(|&&(ns, ne, _)| ns >= vstart && f[ne..].trim_start().starts_with(':'))
            .map(|&(ns, _, _)| ns)
            .unwrap_or(f.len());
        let (ls, le) = (folded.orig(s), folded.orig(e));
        hits.push(LabelHit {
            kind,
            label: text.get(ls..le).unwrap_or("").to_string(),
            label_start: ls,
            value_start: folded.orig(vstart.min(vend)),
            value_end: folded.orig(vend),
            value_next_line: alone,
        });
    }
    hits
}

fn snippet(text: &str, from: usize) -> String {
    let from = floor_boundary(text, from);
    truncate_chars(text.get(from..).unwrap_or(text), SNIPPET_CHARS).to_string()
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn issuer_from_code(number: &str) -> Option<String> {
    let code: String = number
        .rsplit(['-', '–'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    match code.as_str() {
        "BTTTT" => Some("Bộ Thông tin và Truyền thông".to_string()),
        "STTTT" | "STT&TT" => Some("Sở Thông tin và Truyền thông".to_string()),
        "CPTTĐT" | "CPTTTĐT" => Some("Cục Phát thanh, truyền hình và thông tin điện tử".to_string()),
        _ => None,
    }
}

fn find_license(lines: &[Line]) -> Option<License> {
    for (i, line) in lines.iter().enumerate() {
        let t = line.text.as_str();
        if !t.contains("GP") {
            continue;
        }
        let Some(m) = LICENSE_RE.find(t) else {
            continue;
        };
        let number = m.as_str().trim().to_string();
        let rest = &t[m.end()..];
        let next = lines.get(i + 1).map(|l| l.text.as_str()).unwrap_or("");
        let date = dates::find_dates(rest)
            .first()
            .map(|d| d.at.date())
            .or_else(|| dates::find_dates(truncate_chars(next, 60)).first().map(|d| d.at.date()));
        let folded_rest = Folded::new(rest);
        let issuer = ISSUER_RE
            .captures(&folded_rest.text)
            .and_then(|c| c.get(1))
            .and_then(|g| rest.get(folded_rest.orig(g.start())..folded_rest.orig(g.end())))
            .map(|s| s.trim().to_string())
            .or_else(|| issuer_from_code(&number));
        // Start the snippet at the "Giấy phép" wording when it is on the line.
        let folded = Folded::new(t);
        let start = folded
            .text
            .find("giay phep")
            .or_else(|| folded.text.find("gp so"))
            .map(|p| folded.orig(p))
            .filter(|&p| p <= m.start())
            .unwrap_or(m.start());
        return Some(License {
            number,
            issuer,
            date,
            snippet: snippet(t, start),
        });
    }
    None
}

/// The disclosures of one page from its lines, plus the `mailto:`/`tel:`
/// links as (href, text).
pub fn extract(lines: &[Line], contact_links: &[(&str, &str)]) -> Disclosures {
    let mut d = Disclosures::default();
    let mut phone_digits: Vec<String> = Vec::new();
    let mut email_keys: Vec<String> = Vec::new();

    let mut prev_hits: Vec<LabelHit> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let text = line.text.as_str();
        let hits = label_hits(line);
        for h in &hits {
            let (value, snip_from) = if h.value_next_line {
                let next = lines.get(i + 1);
                // A next line that starts with its own label is no value.
                let labelled = next.is_some_and(|l| label_hits(l).iter().any(|nh| nh.label_start <= 2));
                let next = if labelled {
                    ""
                } else {
                    next.map(|l| l.text.as_str()).unwrap_or("")
                };
                (truncate_chars(trim_value(next), MAX_VALUE_CHARS).to_string(), h.label_start)
            } else {
                let v = text.get(h.value_start..h.value_end).unwrap_or("");
                (truncate_chars(trim_value(v), MAX_VALUE_CHARS).to_string(), h.label_start)
            };
            let mut snip = snippet(text, snip_from);
            if h.value_next_line && !value.is_empty() {
                snip = truncate_chars(&format!("{snip} {value}"), SNIPPET_CHARS).to_string();
            }
            let found = Found {
                label: h.label.clone(),
                value: value.clone(),
                snippet: snip,
            };
            let slot = match h.kind {
                LabelKind::Agency | LabelKind::AgencyOf => &mut d.governing_agency,
                LabelKind::Managing => &mut d.managing_organisation,
                LabelKind::Editorial | LabelKind::EditorialHead => &mut d.editorial_board,
                LabelKind::Responsible => &mut d.responsible_person,
                // "Văn phòng: 080 43162" is the office's telephone, not its address.
                LabelKind::Address if !value.chars().any(char::is_alphabetic) => continue,
                LabelKind::Address => &mut d.address,
                LabelKind::Phone | LabelKind::Email | LabelKind::Stop => continue,
            };
            // A named head beats a bare "Ban biên tập" heading; otherwise first wins.
            let better = match slot {
                None => !value.is_empty() || h.kind == LabelKind::Editorial,
                Some(old) => old.value.is_empty() && !value.is_empty(),
            };
            if better && !(h.kind == LabelKind::Editorial && !line.has_plain && h.value_next_line) {
                *slot = Some(found);
            }
        }

        // A value line under a lone "Fax" (or tax code) label is that value.
        let under_stop = hits.is_empty() && prev_hits.iter().any(|h| h.kind == LabelKind::Stop && h.value_next_line);
        // Phones: labelled by the segment they sit in, skipped in fax/tax segments.
        for (written, digits) in find_phones(text).into_iter().filter(|_| !under_stop) {
            let key = phone_key(&digits);
            let pos = text.find(&written).unwrap_or(0);
            let seg = hits
                .iter()
                .rfind(|h| h.label_start <= pos && (pos < h.value_end || h.value_end <= h.value_start));
            if seg.is_some_and(|h| h.kind == LabelKind::Stop) {
                continue;
            }
            let label = seg
                .filter(|h| h.kind == LabelKind::Phone)
                .map(|h| h.label.clone())
                .unwrap_or_default();
            let from = seg.map(|h| h.label_start).unwrap_or(pos);
            let found = Found {
                label,
                value: written,
                snippet: snippet(text, from),
            };
            add_phone(&mut d.phones, &mut phone_digits, key, found);
        }
        // Phone label with the number on the next line / cell, or split
        // over the next lines / cells.
        for h in hits.iter().filter(|h| h.kind == LabelKind::Phone) {
            let own = if h.value_next_line {
                ""
            } else {
                text.get(h.value_start..h.value_end).unwrap_or("")
            };
            // (number as written, its digits, the page text it was read from)
            let mut found_here: Vec<(String, String, String)> = Vec::new();
            if h.value_next_line
                && let Some(next) = lines.get(i + 1)
            {
                let shown = format!("{} {}", h.label, next.text);
                found_here = find_phones(&next.text).into_iter().map(|(w, d)| (w, d, shown.clone())).collect();
            }
            if found_here.is_empty()
                && find_phones(own).is_empty()
                && (own.trim().is_empty() || digit_groups(trim_value(own)))
                && let Some((written, digits)) = split_phone(trim_value(own), lines, i + 1)
            {
                let shown = format!("{} {written}", h.label);
                found_here.push((written, digits, shown));
            }
            for (written, digits, shown) in found_here {
                let found = Found {
                    label: h.label.clone(),
                    value: written,
                    snippet: snippet(&shown, 0),
                };
                add_phone(&mut d.phones, &mut phone_digits, phone_key(&digits), found);
            }
        }
        for email in find_emails(text) {
            let key = email.to_ascii_lowercase();
            if email_keys.contains(&key) || email_keys.len() >= MAX_CONTACTS {
                continue;
            }
            let pos = text.find(&email).unwrap_or(0);
            let seg = hits.iter().rfind(|h| h.kind == LabelKind::Email && h.label_start <= pos);
            email_keys.push(key);
            d.emails.push(Found {
                label: seg.map(|h| h.label.clone()).unwrap_or_default(),
                value: email,
                snippet: snippet(text, seg.map(|h| h.label_start).unwrap_or(pos)),
            });
        }
        prev_hits = hits;
    }

    for (href, text) in contact_links {
        let lower = href.to_ascii_lowercase();
        if let Some(rest) = lower.strip_prefix("mailto:") {
            let addr = rest.split('?').next().unwrap_or("").replace("%40", "@");
            for email in find_emails(&addr) {
                let key = email.to_ascii_lowercase();
                if !email_keys.contains(&key) && email_keys.len() < MAX_CONTACTS {
                    email_keys.push(key);
                    d.emails.push(Found {
                        label: String::new(),
                        value: email,
                        snippet: truncate_chars(&format!("{href} {text}"), SNIPPET_CHARS).to_string(),
                    });
                }
            }
        } else if let Some(rest) = lower.strip_prefix("tel:") {
            let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
            if phone_ok(&digits) {
                let value = if text.is_empty() { rest.to_string() } else { text.to_string() };
                let found = Found {
                    label: String::new(),
                    value,
                    snippet: truncate_chars(&format!("{href} {text}"), SNIPPET_CHARS).to_string(),
                };
                add_phone(&mut d.phones, &mut phone_digits, phone_key(&digits), found);
            }
        }
    }
    d.license = find_license(lines);
    d
}

/// Convenience for callers and tests holding plain lines.
pub fn extract_from_text(lines: &[&str]) -> Disclosures {
    let lines: Vec<Line> = lines
        .iter()
        .map(|t| Line {
            text: super::text::clean(t),
            has_plain: true,
            ..Default::default()
        })
        .filter(|l| !l.text.is_empty())
        .collect();
    extract(&lines, &[])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn val(f: &Option<Found>) -> &str {
        f.as_ref().map(|f| f.value.as_str()).unwrap_or("")
    }

    #[test]
    fn government_footer_with_colons() {
        let d = extract_from_text(&[
            "Cơ quan chủ quản: Ủy ban nhân dân tỉnh Tiền Giang",
            "Trưởng Ban biên tập: Nguyễn Văn A - Chánh Văn phòng",
            "Địa chỉ: Số 23, đường 30/4, Phường 1, TP. Mỹ Tho - Điện thoại: 0273 3873 333 - Email: banbientap@tiengiang.gov.vn",
        ]);
        assert_eq!(val(&d.governing_agency), "Ủy ban nhân dân tỉnh Tiền Giang");
        assert_eq!(val(&d.editorial_board), "Nguyễn Văn A - Chánh Văn phòng");
        assert_eq!(val(&d.address), "Số 23, đường 30/4, Phường 1, TP. Mỹ Tho");
        assert_eq!(d.phones.len(), 1);
        assert_eq!(d.phones[0].value, "0273 3873 333");
        assert_eq!(d.phones[0].label, "Điện thoại");
        assert_eq!(d.emails.len(), 1);
        assert_eq!(d.emails[0].value, "banbientap@tiengiang.gov.vn");
        assert_eq!(d.emails[0].label, "Email");
    }

    #[test]
    fn value_in_next_cell_or_line_and_upper_case_labels() {
        let d = extract_from_text(&[
            "CƠ QUAN CHỦ QUẢN",
            "UBND tỉnh Kiên Giang",
            "Người chịu trách nhiệm:",
            "Ông Trần Văn B, Giám đốc Sở",
            "Đơn vị quản lý: Sở Thông tin và Truyền thông",
        ]);
        assert_eq!(val(&d.governing_agency), "UBND tỉnh Kiên Giang");
        assert_eq!(val(&d.responsible_person), "Ông Trần Văn B, Giám đốc Sở");
        assert_eq!(val(&d.managing_organisation), "Sở Thông tin và Truyền thông");
    }

    #[test]
    fn press_wording_and_license() {
        let d = extract_from_text(&[
            "Cơ quan của TW Hội Khuyến học Việt Nam",
            "Giấy phép hoạt động báo điện tử Dân trí trên Internet số 378/GP - BTTTT Hà Nội, ngày 16-09-2013.",
            "Tòa soạn: Số 2 (nhà 48) Giảng Võ, Quận Đống Đa, Hà Nội",
            "Điện thoại: 024-3736-6491. Fax: 024-3736-6490",
            "Tổng biên tập: Phạm Tuấn Anh",
        ]);
        assert_eq!(val(&d.governing_agency), "TW Hội Khuyến học Việt Nam");
        let lic = d.license.clone().unwrap_or_default();
        assert_eq!(lic.number, "378/GP - BTTTT");
        assert_eq!(lic.date, chrono::NaiveDate::from_ymd_opt(2013, 9, 16));
        assert_eq!(lic.issuer.as_deref(), Some("Bộ Thông tin và Truyền thông"));
        assert!(lic.snippet.starts_with("Giấy phép hoạt động"));
        assert_eq!(val(&d.address), "Số 2 (nhà 48) Giảng Võ, Quận Đống Đa, Hà Nội");
        let phones: Vec<&str> = d.phones.iter().map(|p| p.value.as_str()).collect();
        assert_eq!(phones, vec!["024-3736-6491"], "fax is not a phone");
        assert_eq!(val(&d.responsible_person), "Phạm Tuấn Anh");
    }

    #[test]
    fn license_with_issuer_and_date() {
        let d = extract_from_text(&[
            "Giấy phép thiết lập trang thông tin điện tử tổng hợp số 45/GP-STTTT do Sở Thông tin và Truyền thông tỉnh Kiên Giang cấp ngày 12/3/2021",
        ]);
        let lic = d.license.unwrap_or_default();
        assert_eq!(lic.number, "45/GP-STTTT");
        assert_eq!(lic.issuer.as_deref(), Some("Sở Thông tin và Truyền thông tỉnh Kiên Giang"));
        assert_eq!(lic.date, chrono::NaiveDate::from_ymd_opt(2021, 3, 12));
    }

    #[test]
    fn every_phone_grouping_is_recognised() {
        for (text, digits) in [
            ("0273 3873 333", "02733873333"),
            ("(0293) 3876 543", "02933876543"),
            ("0290.3567.890", "02903567890"),
            ("024-3736-6491", "02437366491"),
            ("(84.8)3.997.3838", "84839973838"),
            ("+84 24 3512 3536", "842435123536"),
            ("1900 1234", "19001234"),
            ("0942.86.11.33", "0942861133"),
            ("(024) 35123536", "02435123536"),
        ] {
            let found = find_phones(&format!("Liên hệ {text} nhé"));
            assert_eq!(found.first().map(|f| f.1.as_str()), Some(digits), "{text}");
            assert_eq!(found.first().map(|f| f.0.as_str()), Some(text), "{text}");
        }
        assert!(find_phones("Văn bản 28/2004/QH11 ngày 04.06.2018 và 1.234.567 lượt xem").is_empty());
        assert!(find_phones("Mã số thuế 0101234567").len() == 1);
        let d = extract_from_text(&["Mã số thuế: 0101234567"]);
        assert!(d.phones.is_empty(), "a tax code is not a phone");
    }

    #[test]
    fn numbers_real_footers_write() {
        let phones = |lines: &[&str]| -> Vec<(String, String)> {
            extract_from_text(lines)
                .phones
                .iter()
                .map(|p| (p.label.clone(), p.value.chars().filter(char::is_ascii_digit).collect()))
                .collect()
        };
        let one = |label: &str, digits: &str| vec![(label.to_string(), digits.to_string())];
        assert_eq!(
            phones(&["Điện thoại: 84-8-3930.6262 / 3930.3270"]),
            one("Điện thoại", "84839306262")
        );
        assert_eq!(phones(&["Văn phòng: 080 43162"]), one("", "08043162"));
        assert_eq!(phones(&["Điện thoại: (+84) 236.3822.123"]), one("Điện thoại", "842363822123"));
        assert_eq!(phones(&["ĐT/Fax: 0273 3873 333"]), one("ĐT/Fax", "02733873333"));
        assert_eq!(phones(&["Tel: 0236 3822 123"]), one("Tel", "02363822123"));
        assert_eq!(phones(&["ĐTDĐ: 0912 345 678"]), one("ĐTDĐ", "0912345678"));
        // Digit groups in cells or lines of their own.
        assert_eq!(phones(&["ĐT:", "05013", "710", "979"]), one("ĐT", "05013710979"));
        assert_eq!(phones(&["Điện thoại: 05013", "710", "979"]), one("Điện thoại", "05013710979"));
        assert_eq!(
            phones(&["Điện thoại: 05013", "710", "979 - Email: a@b.vn"]),
            one("Điện thoại", "05013710979")
        );
        // A fax with its number in the next cell is no telephone.
        assert!(phones(&["Fax", "0273 3873 334"]).is_empty());
        assert!(phones(&["Fax:", "0273 3873 334"]).is_empty());
        // "Văn phòng" holding only a number is no address.
        assert!(extract_from_text(&["Văn phòng: 080 43162"]).address.is_none());
    }

    #[test]
    fn emails_from_text_entities_and_mailto() {
        let d = extract_from_text(&["Thư điện tử: toasoan@baokiengiang.vn."]);
        assert_eq!(d.emails[0].value, "toasoan@baokiengiang.vn");
        assert_eq!(d.emails[0].label, "Thư điện tử");
        let d = extract(&[], &[("mailto:info@dantri.com.vn?subject=x", "Gửi email")]);
        assert_eq!(d.emails[0].value, "info@dantri.com.vn");
        let d = extract(&[], &[("tel:0918033133", "0918.033.133")]);
        assert_eq!(d.phones[0].value, "0918.033.133");
    }

    #[test]
    fn body_text_does_not_make_disclosures() {
        let d = extract_from_text(&[
            "Theo Sở Xây dựng Hà Nội, cơ quan chủ quản của dự án sẽ được xác định sau khi rà soát toàn bộ các hạng mục và báo cáo Ủy ban nhân dân thành phố trong tháng tới.",
            "Theo kế hoạch, địa chỉ mới sẽ được công bố.",
            "Điện thoại viên chăm sóc khách hàng",
        ]);
        assert!(d.governing_agency.is_none());
        assert!(d.address.is_none());
        assert!(d.phones.is_empty());
    }

    #[test]
    fn editorial_board_heading_and_abbreviation() {
        let d = extract_from_text(&["BAN BIÊN TẬP", "Trưởng ban: Lê Văn C"]);
        assert_eq!(val(&d.editorial_board), "Lê Văn C");
        let d = extract_from_text(&["BBT: Phòng Thông tin điện tử"]);
        assert_eq!(val(&d.editorial_board), "Phòng Thông tin điện tử");
    }

    #[test]
    fn older_tone_placement_and_nfd_labels() {
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = "Cơ quan chủ quản: Uỷ ban nhân dân huyện X".nfd().collect();
        let d = extract_from_text(&[&nfd]);
        assert_eq!(val(&d.governing_agency), "Uỷ ban nhân dân huyện X");
    }
}
