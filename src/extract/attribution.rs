//! The source line of a reproduced article ("Nguồn: Báo Kiên Giang",
//! "(Theo TTXVN, 23/11/2026)"), told apart from body sentences that merely
//! report what someone said ("Theo nguồn tin của Tuổi Trẻ, …", "Theo đó, …").

use std::sync::LazyLock;

use regex::Regex;

use super::dates;
use super::facts::Attribution;
use super::text::{Folded, Line, truncate_chars};

static NGUON: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:nguon tin|nguon bai|nguon)[ \t\r\n]*[:：][ \t\r\n]*").expect("static regex"));
static THEO: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^theo[ \t\r\n]+").expect("static regex"));
static TRAILING_PAREN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\([ \t\r\n]*(?:theo|nguon tin|nguon)[ \t\r\n]*[:：]?[ \t\r\n]*[^()]{2,120}\)[ \t\r\n]*\.?$").expect("static regex")
});

/// What follows "Theo" in a sentence that reports rather than attributes.
const REPORTING: &[&str] = &[
    "nguon tin",
    "lanh dao",
    "do",
    "ke hoach",
    "tim hieu",
    "ong",
    "ba",
    "quy dinh",
    "thong ke",
    "bao cao",
    "du bao",
    "ghi nhan",
    "chu truong",
    "y kien",
    "danh gia",
    "so lieu",
    "thong tin",
    "ket qua",
    "phong vien",
    "chuyen gia",
    "dai dien",
    "kien nghi",
    "nhu",
    "toi",
    "chung toi",
    "anh",
    "chi",
    "em",
    "cac",
    "nhieu",
    "mot so",
    "nguoi",
    "thong bao",
    "huong dan",
    "luat",
    "nghi dinh",
    "thong tu",
    "quyet dinh",
    "dieu",
    "khoan",
];

/// Longest line that can be an attribution on its own.
const MAX_LINE_CHARS: usize = 160;

fn starts_with_word(f: &str, w: &str) -> bool {
    f.strip_prefix(w)
        .is_some_and(|rest| rest.is_empty() || !rest.starts_with(|c: char| c.is_alphanumeric()))
}

/// Splits "Báo X, 07:30 23/11/2026" into source, author and time.
fn split_source(part: &str, strict: bool) -> Option<Attribution> {
    let part = part.trim().trim_end_matches(['.', ')']).trim();
    let found = dates::find_dates(part);
    let (before, original_time) = match found.first() {
        Some(d) => (part.get(..d.start).unwrap_or(""), Some(d.at)),
        None => (part, None),
    };
    let before = before.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '-' | '–' | '|' | '/' | ';'));
    let mut pieces = before.split([',', ';']).map(str::trim).filter(|p| !p.is_empty());
    let first = pieces.next()?;
    // "Báo X - Nguyễn Văn A": the author after a dash.
    let (source, author_dash) = match first.split_once(" - ") {
        Some((s, a)) => (s.trim(), Some(a.trim())),
        None => (first, None),
    };
    let rest: Vec<&str> = pieces.collect();
    if strict {
        // "Theo Bộ Y tế, số ca mắc là …": what follows the comma is a clause.
        if original_time.is_none() && !rest.is_empty() {
            return None;
        }
        if !source.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) {
            return None;
        }
    }
    let author = author_dash
        .or(rest.first().copied())
        .filter(|a| {
            let words = a.split_whitespace().count();
            (1..=6).contains(&words) && !a.chars().any(|c| c.is_ascii_digit()) && a.starts_with(|c: char| c.is_uppercase())
        })
        .map(str::to_string);
    if source.is_empty() || source.chars().count() > 80 {
        return None;
    }
    Some(Attribution {
        source: source.to_string(),
        author,
        original_time,
        text: String::new(),
    })
}

/// Parses one line as an attribution, or None when it is not one.
pub fn parse_line(text: &str) -> Option<Attribution> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let folded = Folded::new(t);
    let f = folded.text.as_str();
    // A trailing "(Theo TTXVN)" at the end of the last paragraph.
    if (t.ends_with(')') || t.ends_with(")."))
        && let Some(m) = TRAILING_PAREN.find(f)
    {
        {
            let inner_start = folded.orig(m.start()) + 1;
            let inner = t.get(inner_start..).unwrap_or("").trim_end_matches('.').trim_end_matches(')');
            let inner_folded = Folded::new(inner);
            let head = if let Some(h) = NGUON.find(&inner_folded.text) {
                h.end()
            } else if let Some(h) = THEO.find(&inner_folded.text) {
                if REPORTING.iter().any(|w| starts_with_word(&inner_folded.text[h.end()..], w)) {
                    return None;
                }
                h.end()
            } else {
                return None;
            };
            let part = inner.get(inner_folded.orig(head)..).unwrap_or("");
            let mut a = split_source(part, false)?;
            a.text = t.get(folded.orig(m.start())..).unwrap_or(t).trim().to_string();
            return Some(a);
        }
    }
    if t.chars().count() > MAX_LINE_CHARS {
        return None;
    }
    if let Some(m) = NGUON.find(f) {
        let part = t.get(folded.orig(m.end())..).unwrap_or("");
        let mut a = split_source(part, false)?;
        a.text = t.to_string();
        return Some(a);
    }
    if let Some(m) = THEO.find(f) {
        if REPORTING.iter().any(|w| starts_with_word(&f[m.end()..], w)) {
            return None;
        }
        // Attribution lines are short; a sentence goes on.
        if t.chars().count() > 100 {
            return None;
        }
        let part = t.get(folded.orig(m.end())..).unwrap_or("");
        let mut a = split_source(part, true)?;
        a.text = t.to_string();
        return Some(a);
    }
    None
}

/// The attribution of an article: the last source line of the body (after
/// the title when there is one), not in the footer or menus.
pub fn find(lines: &[Line], h1_line: Option<usize>) -> Option<Attribution> {
    find_at(lines, h1_line).map(|(_, a)| a)
}

/// [`find`], with the index in `lines` of the source line, so what stands
/// around it (the link to the source article) can be looked at.
pub fn find_at(lines: &[Line], h1_line: Option<usize>) -> Option<(usize, Attribution)> {
    let from = h1_line.unwrap_or(0);
    let body = lines.get(from..).unwrap_or_default();
    let mut best = None;
    let mut head = String::new();
    for (i, line) in body.iter().enumerate() {
        if line.in_footer || line.in_nav || line.in_heading {
            continue;
        }
        let t = line.text.as_str();
        super::text::fold_into(&mut head, truncate_chars(t, 6));
        let candidate = head.starts_with("theo")
            || head.starts_with("nguon")
            || head.starts_with("(theo")
            || head.starts_with("(nguon")
            || t.ends_with(')')
            || t.ends_with(").");
        if !candidate {
            continue;
        }
        if let Some(mut a) = parse_line(t) {
            // "Nguồn:" alone, the name (often a link) on the next line.
            if a.source.is_empty()
                && let Some(next) = body.get(i + 1)
            {
                a.source = truncate_chars(&next.text, 80).to_string();
            }
            best = Some((from + i, a));
        } else if matches!(super::text::fold(t.trim_end_matches([':', '：'])).as_str(), "nguon" | "nguon tin")
            && let Some(next) = body.get(i + 1)
            && let Some(mut a) = split_source(&next.text, false)
        {
            a.text = format!("{t} {}", next.text);
            best = Some((from + i, a));
        }
    }
    best
}

fn ld_name(v: &serde_json::Value) -> Option<(String, bool)> {
    match v {
        serde_json::Value::String(s) => Some((s.clone(), false)),
        serde_json::Value::Array(a) => a.iter().find_map(ld_name),
        serde_json::Value::Object(o) => {
            let name = o.get("name")?.as_str()?.to_string();
            let org = o.get("@type").and_then(|t| t.as_str()).is_some_and(|t| t.contains("Organization"));
            Some((name, org))
        }
        _ => None,
    }
}

fn ld_article_author(v: &serde_json::Value, depth: u8) -> Option<(String, bool)> {
    if depth > 4 {
        return None;
    }
    match v {
        serde_json::Value::Array(a) => a.iter().find_map(|x| ld_article_author(x, depth + 1)),
        serde_json::Value::Object(o) => {
            if let Some(g) = o.get("@graph")
                && let Some(r) = ld_article_author(g, depth + 1)
            {
                return Some(r);
            }
            let is_article = o
                .get("@type")
                .and_then(|t| t.as_str())
                .is_some_and(|t| t.contains("Article") || t.contains("Posting"))
                || o.contains_key("datePublished");
            if is_article { o.get("author").and_then(ld_name) } else { None }
        }
        _ => None,
    }
}

/// A source named only in machine-readable form: the JSON-LD author of the
/// article when it is an organisation, else the `<title>` suffix, else the
/// JSON-LD author person. Evidence for an officer, never a pass.
pub fn machine_source(json_ld: &[String], title: Option<&str>) -> Option<String> {
    let author = json_ld
        .iter()
        .filter(|j| j.len() < 200_000)
        .filter_map(|j| serde_json::from_str::<serde_json::Value>(j.trim()).ok())
        .find_map(|v| ld_article_author(&v, 0));
    if let Some((name, true)) = &author {
        return Some(super::text::clean(name));
    }
    let suffix = title.and_then(|t| {
        let t = t.trim();
        let idx = t.rfind(" - ").map(|i| i + 3).or_else(|| t.rfind(" | ").map(|i| i + 3))?;
        let s = t.get(idx..)?.trim();
        (!s.is_empty() && s.chars().count() <= 60).then(|| s.to_string())
    });
    suffix.or(author.map(|(n, _)| super::text::clean(&n)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn lines(texts: &[&str]) -> Vec<Line> {
        texts
            .iter()
            .map(|t| Line {
                text: t.to_string(),
                has_plain: true,
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn source_lines_are_found() {
        let a = parse_line("Nguồn: Báo Kiên Giang");
        assert_eq!(a.map(|a| a.source), Some("Báo Kiên Giang".to_string()));
        let a = parse_line("(Theo TTXVN)");
        assert_eq!(a.map(|a| a.source), Some("TTXVN".to_string()));
        let a = parse_line("Theo Báo Tin tức");
        assert_eq!(a.map(|a| a.source), Some("Báo Tin tức".to_string()));
        let a = parse_line("Nguồn tin: Cổng TTĐT tỉnh Kiên Giang");
        assert_eq!(a.map(|a| a.source), Some("Cổng TTĐT tỉnh Kiên Giang".to_string()));
    }

    #[test]
    fn original_time_and_author_are_split_off() {
        let a = parse_line("Nguồn: Báo X, 07:30 23/11/2026");
        let at = NaiveDate::from_ymd_opt(2026, 11, 23).and_then(|d| d.and_hms_opt(7, 30, 0));
        assert_eq!(a.as_ref().map(|a| a.source.as_str()), Some("Báo X"));
        assert_eq!(a.as_ref().and_then(|a| a.original_time), at);
        let a = parse_line("(Theo TTXVN, 23/11/2026)");
        assert_eq!(a.as_ref().map(|a| a.source.as_str()), Some("TTXVN"));
        assert_eq!(
            a.as_ref().and_then(|a| a.original_time).map(|t| t.date()),
            NaiveDate::from_ymd_opt(2026, 11, 23)
        );
        let a = parse_line("Nguồn: Báo Kiên Giang - Minh Anh");
        assert_eq!(a.as_ref().and_then(|a| a.author.as_deref()), Some("Minh Anh"));
        assert_eq!(a.as_ref().and_then(|a| a.original_time), None);
    }

    #[test]
    fn reporting_sentences_are_not_attribution() {
        for s in [
            "Theo nguồn tin của Tuổi Trẻ, sáng 22-3 ông Thảo chủ trì cuộc họp.",
            "Theo lãnh đạo Cục Hàng không, các chuyến bay quốc tế được khai thác bình thường.",
            "Theo đó, thành phố sẽ rà soát.",
            "Theo kế hoạch, công trình hoàn thành năm 2027.",
            "Theo tìm hiểu, liên quan đến việc thanh tra toàn diện.",
            "Theo Bộ Y tế, số ca mắc mới là 3.000.",
            "(Dân trí) - Sáng 17/3, hàng trăm phụ huynh",
            "TTO - Chiều 22-3",
        ] {
            assert!(parse_line(s).is_none(), "{s}");
        }
    }

    #[test]
    fn last_source_line_of_the_body_wins() {
        let l = lines(&[
            "Tiêu đề bài viết",
            "Theo đó, tỉnh triển khai ngay.",
            "Nội dung bài viết dài.",
            "Kết thúc bài. (Theo TTXVN)",
        ]);
        assert_eq!(find(&l, Some(0)).map(|a| a.source), Some("TTXVN".to_string()));
        let l = lines(&["Nguồn:", "Báo Kiên Giang"]);
        assert_eq!(find(&l, None).map(|a| a.source), Some("Báo Kiên Giang".to_string()));
    }

    #[test]
    fn machine_source_prefers_json_ld_organisation_author() {
        let ld = vec![
            r#"{"@type":"Organization","name":"Báo Mới"}"#.to_string(),
            r#"{"@type":"NewsArticle","datePublished":"2026-07-06T18:16:00.000+07:00","author":{"name":"Báo Tin Tức TTXVN","@type":"Organization"}}"#.to_string(),
        ];
        assert_eq!(machine_source(&ld, Some("Tin - Báo Mới")), Some("Báo Tin Tức TTXVN".to_string()));
        assert_eq!(
            machine_source(&[], Some("Việt Nam mở lại đường bay - VnExpress")),
            Some("VnExpress".to_string())
        );
        assert_eq!(machine_source(&["{not json".to_string()], None), None);
    }
}
