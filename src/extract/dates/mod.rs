//! Vietnamese publication dates and times as real sites write them.
//!
//! Matching runs on folded text (ASCII-like, lower case) with a map back to
//! the original, so "Thứ Hai", "THỨ HAI" and NFD text parse alike. A date is
//! only ever returned with a year that is written on the page.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use regex::Regex;

use super::text::Folded;

/// A date found in a piece of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    /// Local (UTC+7) date and time; midnight when no time is given.
    pub at: NaiveDateTime,
    pub has_time: bool,
    /// Preceded by a publication label ("Đăng ngày", "Cập nhật", ...).
    pub labelled: bool,
    /// Byte range in the original text covering the date (and its time).
    pub start: usize,
    pub end: usize,
}

/// Years a publication date can plausibly carry; anniversaries (1930, 1947)
/// and typos (2202) fall outside.
const MIN_YEAR: i32 = 1995;
const MAX_YEAR: i32 = 2100;

static LONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"ngay[ \t\r\n]*([0-9]{1,2})[ \t\r\n]*thang[ \t\r\n]*([0-9]{1,2})[ \t\r\n]*,?[ \t\r\n]*nam[ \t\r\n]*([0-9]{4})")
        .expect("static regex")
});
static MONTH_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:([0-9]{1,2})[ \t\r\n]+)?thang[ \t\r\n]+(muoi mot|muoi hai|muoi|mot|gieng|hai|ba|bon|tu|nam|sau|bay|tam|chin|chap)(?-u:\b)[ \t\r\n]*([0-9]{1,2})?[ \t\r\n]*,[ \t\r\n]*([0-9]{4})",
    )
    .expect("static regex")
});
static TIME_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^[[ \t\r\n],|\-–/()]*(?:luc|vao luc|vao)?[ \t\r\n]*:?[ \t\r\n]*(?:([0-9]{1,2}):([0-9]{2})(?::[0-9]{2})?(?:[ \t\r\n]*([ap])\.?m(?-u:\b)\.?)?|([0-9]{1,2})[ \t\r\n]*(?:h|gio)[ \t\r\n]*([0-9]{1,2})?(?:[ \t\r\n]*phut)?(?-u:\b))",
    )
    .expect("static regex")
});
static TIME_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[^[0-9]:])(?:([0-9]{1,2}):([0-9]{2})(?::[0-9]{2})?(?:[ \t\r\n]*([ap])\.?m\.?)?|([0-9]{1,2})[ \t\r\n]*(?:h|gio)[ \t\r\n]*([0-9]{1,2})?(?:[ \t\r\n]*phut)?)[[ \t\r\n],|\-–/()]*(?:ngay)?[[ \t\r\n],:]*$",
    )
    .expect("static regex")
});
static LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:dang ngay|ngay dang|dang luc|ngay cap nhat|cap nhat|ngay ban hanh|ngay ky|ngay xuat ban|xuat ban|thoi gian dang|ngay gui|posted|published)[^a-z]*(?:luc|ngay)?[^a-z]*(?:thu[ \t\r\n]*[a-z0-9]+|chu nhat)?[^a-z]*$",
    )
    .expect("static regex")
});

/// "Ngày" opening the line (after a time at most), as in "Ngày 23/11/2026"
/// and "17:42 Ngày 04/06/2018": the date is the line's, hence labelled. The
/// folded text makes "Ngay 23/11/2026" the same label.
static LINE_NGAY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[^a-z]*ngay[^a-z]*$").expect("static regex"));

fn month_word(w: &str) -> Option<u32> {
    Some(match w {
        "mot" | "gieng" => 1,
        "hai" => 2,
        "ba" => 3,
        "bon" | "tu" => 4,
        "nam" => 5,
        "sau" => 6,
        "bay" => 7,
        "tam" => 8,
        "chin" => 9,
        "muoi" => 10,
        "muoi mot" => 11,
        "muoi hai" | "chap" => 12,
        _ => return None,
    })
}

fn make_date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    if !(MIN_YEAR..=MAX_YEAR).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

fn num(s: Option<regex::Match<'_>>) -> Option<u32> {
    s.and_then(|m| m.as_str().parse().ok())
}

fn time_from(c: &regex::Captures<'_>) -> Option<NaiveTime> {
    if let Some(h) = num(c.get(1)) {
        let mi = num(c.get(2)).unwrap_or(0);
        let h = match c.get(3).map(|m| m.as_str()) {
            Some("p") if h < 12 => h + 12,
            Some("a") if h == 12 => 0,
            Some(_) if h > 12 => return None,
            _ => h,
        };
        return NaiveTime::from_hms_opt(h, mi, 0);
    }
    let h = num(c.get(4))?;
    let mi = num(c.get(5)).unwrap_or(0);
    NaiveTime::from_hms_opt(h, mi, 0)
}

/// True when the byte at the boundary continues a number or a document
/// code ("28/2004/QH11", "3107/2016/QĐ-UBND").
fn bad_neighbour(folded: &str, start: usize, end: usize) -> bool {
    let before = folded[..start].chars().next_back();
    let mut after = folded[end..].chars();
    if matches!(before, Some(c) if c.is_ascii_alphanumeric() || c == '/' ) {
        return true;
    }
    // "12.3.2022.5" or "12/3/2022/QĐ": a code, not a date.
    match after.next() {
        Some(c) if c.is_ascii_alphanumeric() => true,
        Some('/') => true,
        Some('.') | Some('-') => matches!(after.next(), Some(c) if c.is_ascii_alphanumeric()),
        _ => false,
    }
}

/// Three numbers joined by two separators ("23/11/2026", "2026-11-23",
/// "17 - 05 - 2024"): byte ranges in the folded text.
struct Numeric<'f> {
    start: usize,
    end: usize,
    first: &'f str,
    sep1: &'f str,
    /// Where the middle number starts: a search resumes there.
    middle_start: usize,
    middle: &'f str,
    sep2: &'f str,
    last: &'f str,
}

/// Separators between the numbers of a date, the en dash included.
const SEPARATORS: [&str; 4] = ["/", ".", "-", "–"];

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// End of the run of bytes matching `class` that starts at `from`.
fn run_end(b: &[u8], from: usize, class: impl Fn(u8) -> bool) -> usize {
    from + b.get(from..).map_or(0, |r| r.iter().take_while(|&&c| class(c)).count())
}

/// The first "number separator number separator number" at or after `pos`
/// of folded text `f` (a number of 1–4 digits, 1–2 in the middle, the
/// last cut after 4; blanks around the separators), as the regex
/// `([0-9]{1,4})\s*([/.\-–])\s*([0-9]{1,2})\s*([/.\-–])\s*([0-9]{1,4})`
/// finds it (`\s`: ASCII space, tab, CR, LF). By hand: a regex search with
/// its groups cost more than the rest of a listing's date reading.
fn numeric_at(f: &str, pos: usize) -> Option<Numeric<'_>> {
    let b = f.as_bytes();
    let mut from = pos;
    loop {
        let run = from + b.get(from..)?.iter().position(u8::is_ascii_digit)?;
        let end = run_end(b, run, |c| c.is_ascii_digit());
        // A first number has four digits at most: in a longer run only its
        // last four can start a match, and nothing later in the run can.
        if let Some(m) = numeric_from(f, run.max(end.saturating_sub(4)), end) {
            return Some(m);
        }
        from = end;
    }
}

/// [`numeric_at`] for the first number at `start..end`, a whole run of digits.
fn numeric_from(f: &str, start: usize, end: usize) -> Option<Numeric<'_>> {
    let b = f.as_bytes();
    let separator = |at: usize| {
        let rest = f.get(at..)?;
        SEPARATORS
            .into_iter()
            .find(|s| rest.starts_with(s))
            .and_then(|s| rest.get(..s.len()))
    };
    let sep1_at = run_end(b, end, is_blank);
    let sep1 = separator(sep1_at)?;
    let middle_start = run_end(b, sep1_at + sep1.len(), is_blank);
    let middle_end = run_end(b, middle_start, |c| c.is_ascii_digit());
    if !(1..=2).contains(&(middle_end - middle_start)) {
        return None;
    }
    let sep2_at = run_end(b, middle_end, is_blank);
    let sep2 = separator(sep2_at)?;
    let last_start = run_end(b, sep2_at + sep2.len(), is_blank);
    let last_end = run_end(b, last_start, |c| c.is_ascii_digit()).min(last_start + 4);
    if last_end == last_start {
        return None;
    }
    Some(Numeric {
        start,
        end: last_end,
        first: f.get(start..end)?,
        sep1,
        middle_start,
        middle: f.get(middle_start..middle_end)?,
        sep2,
        last: f.get(last_start..last_end)?,
    })
}

/// Every date in `text` with its nearby time and whether it is labelled.
pub fn find_dates(text: &str) -> Vec<FoundDate> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Vec::new();
    }
    let folded = Folded::new(text);
    find_dates_folded(text, &folded)
}

/// The moment of the first date in `text`: what `find_dates(text).first()`
/// holds in `at`, without reading the time and label of the dates after it
/// (listings ask this of every line next to an item).
pub fn first_date_time(text: &str) -> Option<NaiveDateTime> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let folded = Folded::new(text);
    let f = folded.text.as_str();
    // The first span always opens the output: nothing ends before it.
    let &(s, e, d) = date_spans(f).first()?;
    let (time, _, _) = time_near(f, s, e);
    Some(d.and_time(time.unwrap_or(NaiveTime::MIN)))
}

/// As [`find_dates`] on an already folded text.
pub fn find_dates_folded(text: &str, folded: &Folded) -> Vec<FoundDate> {
    let f = folded.text.as_str();
    let spans = date_spans(f);
    let mut out = Vec::with_capacity(spans.len());
    let mut last_end = 0;
    for (s, e, d) in spans {
        if s < last_end {
            continue;
        }
        last_end = e;
        let (time, ds, de) = time_near(f, s, e);
        let from = ceil_char(f, ds.saturating_sub(40));
        let labelled = LABEL.is_match(&f[from..ds]) || (s <= 40 && f[..s].contains("ngay") && LINE_NGAY.is_match(&f[..s]));
        out.push(FoundDate {
            at: d.and_time(time.unwrap_or(NaiveTime::MIN)),
            has_time: time.is_some(),
            labelled,
            start: folded.orig(ds).min(text.len()),
            end: folded.orig(de).min(text.len()),
        });
        last_end = last_end.max(de);
    }
    out
}

/// The dates written in folded text `f` as (start, end, day), by start;
/// overlapping ones are all kept (the caller skips them).
fn date_spans(f: &str) -> Vec<(usize, usize, NaiveDate)> {
    let mut spans: Vec<(usize, usize, NaiveDate)> = Vec::new();
    // Raw numeric matches, valid or not, so anniversary ranges
    // ("27/7/1947 - 27/7/2022") can be recognised and skipped as a whole.
    let mut raw: Vec<(usize, usize, Option<NaiveDate>)> = Vec::new();
    let mut pos = 0;
    while pos < f.len() {
        let Some(m) = numeric_at(f, pos) else {
            break;
        };
        if m.sep1 != m.sep2 || bad_neighbour(f, m.start, m.end) {
            // Retry from the second number: "Thứ 4 - 23/11/2026".
            pos = m.middle_start;
            continue;
        }
        let (av, bv, yv) = (m.first, m.middle, m.last);
        let date = if av.len() == 4 && yv.len() <= 2 && m.sep1 == "-" {
            make_date(av.parse().unwrap_or(0), bv.parse().unwrap_or(0), yv.parse().unwrap_or(0))
        } else if av.len() <= 2 && yv.len() == 4 {
            make_date(yv.parse().unwrap_or(0), bv.parse().unwrap_or(0), av.parse().unwrap_or(0))
        } else if av.len() > 2 {
            pos = m.middle_start;
            continue;
        } else {
            None
        };
        raw.push((m.start, m.end, date));
        pos = m.end;
    }
    let is_range_gap = |g: &str| {
        let t = g.trim();
        !g.is_empty() && (t == "-" || t == "–" || t == "den")
    };
    for (i, &(s, e, d)) in raw.iter().enumerate() {
        let Some(d) = d else { continue };
        let prev_range = i > 0 && raw.get(i - 1).is_some_and(|p| is_range_gap(&f[p.1..s]));
        let next_range = raw.get(i + 1).is_some_and(|n| is_range_gap(&f[e..n.0]));
        if prev_range || next_range {
            continue;
        }
        spans.push((s, e, d));
    }
    // Both word forms spell out "thang" (month): most text has none.
    if f.contains("thang") {
        for c in LONG.captures_iter(f) {
            let Some(all) = c.get(0) else { continue };
            if let (Some(d), Some(m), Some(y)) = (num(c.get(1)), num(c.get(2)), num(c.get(3)))
                && let Some(date) = make_date(y as i32, m, d)
            {
                spans.push((all.start(), all.end(), date));
            }
        }
        for c in MONTH_NAME.captures_iter(f) {
            let Some(all) = c.get(0) else { continue };
            let day = match (num(c.get(1)), num(c.get(3))) {
                (Some(d), None) | (None, Some(d)) => d,
                _ => continue,
            };
            let Some(m) = c.get(2).and_then(|m| month_word(m.as_str())) else {
                continue;
            };
            if let Some(y) = num(c.get(4))
                && let Some(date) = make_date(y as i32, m, day)
            {
                spans.push((all.start(), all.end(), date));
            }
        }
    }
    spans.sort_by_key(|s| s.0);
    spans
}

/// The time written next to the date at `s..e` of folded text `f`, and the
/// range of date and time together.
fn time_near(f: &str, s: usize, e: usize) -> (Option<NaiveTime>, usize, usize) {
    // Both time forms start with a digit: a window without one holds none.
    let has_digit = |w: &str| w.bytes().any(|b| b.is_ascii_digit());
    // Time after the date: "13/2/2022, 16:08", "27/07/2022 | 04:04 PM".
    let after_end = floor_char(f, (e + 24).min(f.len()));
    let after = &f[e..after_end];
    if has_digit(after)
        && let Some(c) = TIME_AFTER.captures(after)
        && let Some(t) = time_from(&c)
    {
        return (Some(t), s, e + c.get(0).map(|m| m.end()).unwrap_or(0));
    }
    // Time before: "15:51 | 17/04/2020", "17:42 Ngày 04/06/2018".
    let from = ceil_char(f, s.saturating_sub(24));
    let before = &f[from..s];
    if has_digit(before)
        && let Some(c) = TIME_BEFORE.captures(before)
        && let Some(t) = time_from(&c)
    {
        return (Some(t), from + c.get(0).map(|m| m.start()).unwrap_or(0), e);
    }
    (None, s, e)
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The best publication date in a short text: a labelled one first,
/// then the first one.
pub fn parse_date_time(text: &str) -> Option<NaiveDateTime> {
    let found = find_dates(text);
    found.iter().find(|d| d.labelled).or_else(|| found.first()).map(|d| d.at)
}

/// Only the day of [`parse_date_time`].
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    parse_date_time(text).map(|d| d.date())
}

/// ISO 8601 / RFC 3339 (and the "2015-03-23 08:06 +07:00" of older CMSs),
/// converted to Vietnam local time; a value without offset is taken as local.
pub fn parse_iso(s: &str) -> Option<NaiveDateTime> {
    let s = s.trim();
    if s.len() < 10 || s.len() > 64 {
        return None;
    }
    let vn = crate::model::vn_offset();
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&vn).naive_local());
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f %:z",
        "%Y-%m-%d %H:%M:%S %:z",
        "%Y-%m-%d %H:%M %:z",
        "%Y-%m-%d %H:%M:%S%:z",
        "%Y-%m-%d %H:%M %z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Some(dt.with_timezone(&vn).naive_local());
        }
    }
    let zless = s.trim_end_matches('Z');
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(zless, fmt) {
            if zless.len() != s.len() {
                // A trailing Z means UTC.
                return Some(dt.and_utc().with_timezone(&vn).naive_local());
            }
            return Some(dt);
        }
    }
    let day = s.get(..10)?;
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .ok()
        .filter(|d| (MIN_YEAR..=MAX_YEAR).contains(&chrono::Datelike::year(d)))
        .map(|d| d.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests;
