//! Dated items of a listing page: the date printed next to each item's link.

use chrono::NaiveDateTime;

use super::dates;
use super::facts::{DateSource, Item};
use super::walk::{Walk, WalkLink};

/// Work cap that keeps a pathological page linear.
const MAX_ITEMS: usize = 500;

/// A link that can be a news item: real words of its own, not a menu, and
/// not the site's home page (a logo with the site's name).
fn is_item_link(l: &WalkLink<'_>, resolved: Option<&str>) -> bool {
    if l.in_nav || l.in_footer {
        return false;
    }
    let Some(url) = resolved else { return false };
    if is_site_root(url) {
        return false;
    }
    // Four words are enough to know: headlines run to a dozen or more.
    l.text.split_whitespace().nth(3).is_some() && l.text.chars().count() >= 20
}

/// "https://host/", "https://host/index.html": the home page.
pub(super) fn is_site_root(url: &str) -> bool {
    // Asked of every link: byte searches, not a substring searcher set up per call.
    let Some(rest) = url.as_bytes().windows(3).position(|w| w == b"://").and_then(|i| url.get(i + 3..)) else {
        return false;
    };
    let path = rest.find('/').map_or("", |i| &rest[i..]);
    let path = path.find('#').map_or(path, |i| &path[..i]);
    matches!(
        path,
        "" | "/" | "/index.html" | "/index.htm" | "/index.php" | "/default.aspx" | "/Default.aspx"
    )
}

/// A line short enough to be a date cell/label rather than a summary.
pub(super) fn short(s: &str) -> bool {
    s.chars().count() <= 70
}

/// The first date of each line, read once: both passes over the items ask
/// it of the same lines.
struct LineDates(Vec<Option<Option<NaiveDateTime>>>);

impl LineDates {
    fn new(lines: usize) -> Self {
        LineDates(vec![None; lines])
    }

    fn of(&mut self, w: &Walk<'_>, j: usize) -> Option<NaiveDateTime> {
        let line = w.lines.get(j)?;
        match self.0.get_mut(j) {
            Some(Some(d)) => *d,
            Some(slot) => *slot.insert(first_date(&line.text)),
            None => first_date(&line.text),
        }
    }
}

/// The date of a short line right above a link: a card's date when the
/// listing prints dates above the titles.
fn date_above(w: &Walk<'_>, l: &WalkLink<'_>, claimed: &[bool], linked: &[bool], dates: &mut LineDates) -> Option<(usize, NaiveDateTime)> {
    let j = l.line_start.checked_sub(1)?;
    let line = w.lines.get(j)?;
    if claimed.get(j).copied().unwrap_or(true) || line.in_heading || line.in_nav || line.in_footer || !short(&line.text) {
        return None;
    }
    // A line that holds a link is another item, not a date of this one.
    if linked.get(j).copied().unwrap_or(true) {
        return None;
    }
    dates.of(w, j).map(|d| (j, d))
}

/// A date on the link's own line: after it ("Tiêu đề (23/11/2026)") or before it.
fn same_line_date(w: &Walk<'_>, l: &WalkLink<'_>, next_start: usize) -> Option<NaiveDateTime> {
    let line = w.lines.get(l.line_end)?;
    let tail = line.text.get(l.pos_end.min(line.text.len())..).unwrap_or("");
    if !tail.is_empty()
        && short(tail)
        && next_start > l.line_end
        && let Some(d) = first_date(tail)
    {
        return Some(d);
    }
    if l.line_start == l.line_end {
        let head = line.text.get(..l.pos_start.min(line.text.len())).unwrap_or("");
        if !head.is_empty() && short(head) {
            return first_date(head);
        }
    }
    None
}

/// Dated items of a listing: the date next to each item's link (same line
/// after or before the link, or a short line right after it), never a date
/// inside a headline or a summary. Listings that print the date above each
/// title (cards) are told apart from those that print it below by which of
/// the two the first and last items have.
pub(super) fn listing_items(w: &Walk<'_>, resolved: &[Option<String>]) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut claimed: Vec<bool> = vec![false; w.lines.len()];
    let candidates: Vec<usize> = (0..w.links.len())
        .filter(|&i| is_item_link(&w.links[i], resolved.get(i).and_then(|r| r.as_deref())))
        .collect();
    let next_start_of = |k: usize| candidates.get(k + 1).map(|&j| w.links[j].line_start).unwrap_or(usize::MAX);
    // Lines that hold (part of) a link, marked once.
    let mut linked = vec![false; w.lines.len()];
    for l in &w.links {
        for j in l.line_start..=l.line_end.min(l.line_start + 50) {
            if let Some(x) = linked.get_mut(j) {
                *x = true;
            }
        }
    }
    let mut dates = LineDates::new(w.lines.len());
    // The date on each candidate's own line, for both passes.
    let own_line: Vec<Option<NaiveDateTime>> = candidates
        .iter()
        .enumerate()
        .map(|(k, &i)| same_line_date(w, &w.links[i], next_start_of(k)))
        .collect();
    // Dates on separate lines: above each title, or below it?
    let mut above = 0usize;
    let mut below = 0usize;
    for (k, &i) in candidates.iter().enumerate() {
        let l = &w.links[i];
        if own_line.get(k).copied().flatten().is_some() {
            continue;
        }
        if date_above(w, l, &claimed, &linked, &mut dates).is_some() {
            above += 1;
        }
        let next_start = next_start_of(k);
        let has_below = ((l.line_end + 1)..(l.line_end + 4).min(w.lines.len()))
            .take_while(|j| *j < next_start)
            .any(|j| {
                w.lines.get(j).is_some_and(|line| {
                    !line.in_heading && !line.in_footer && !line.in_nav && short(&line.text) && dates.of(w, j).is_some()
                })
            });
        if has_below {
            below += 1;
        }
    }
    // One date over one link (a header clock over a logo) makes no layout.
    let dates_above = above >= 2 && above > below;
    let mut urls = std::collections::HashSet::new();
    for (k, &i) in candidates.iter().enumerate() {
        if items.len() >= MAX_ITEMS {
            break;
        }
        let l = &w.links[i];
        let Some(Some(url)) = resolved.get(i) else {
            continue;
        };
        let next_start = next_start_of(k);
        let mut date = own_line.get(k).copied().flatten();
        // Cards: the line right above the title.
        if date.is_none()
            && dates_above
            && let Some((j, d)) = date_above(w, l, &claimed, &linked, &mut dates)
        {
            date = Some(d);
            if let Some(c) = claimed.get_mut(j) {
                *c = true;
            }
        }
        // Following short lines, up to the next item.
        if date.is_none() && !dates_above {
            for j in (l.line_end + 1)..(l.line_end + 4).min(w.lines.len()) {
                if j >= next_start {
                    break;
                }
                let Some(line) = w.lines.get(j) else { break };
                // Footer licence dates and menu clocks belong to no item.
                if line.in_heading || line.in_footer || line.in_nav || claimed.get(j).copied().unwrap_or(true) {
                    continue;
                }
                if short(&line.text)
                    && let Some(d) = dates.of(w, j)
                {
                    date = Some(d);
                    if let Some(c) = claimed.get_mut(j) {
                        *c = true;
                    }
                    break;
                }
            }
        }
        // Preceding short line (date above the title), if nobody took it.
        if date.is_none() && l.line_start > 0 {
            let j = l.line_start - 1;
            if let Some(line) = w.lines.get(j)
                && !claimed.get(j).copied().unwrap_or(true)
                && !line.in_heading
                && !line.in_nav
                && !line.in_footer
                && short(&line.text)
                && let Some(d) = dates.of(w, j)
            {
                // Only a line that is nothing but the date, so a header
                // clock or a neighbour's summary is not taken.
                let rest = line.text.chars().filter(|c| c.is_alphabetic()).count();
                if rest <= 12 {
                    date = Some(d);
                    if let Some(c) = claimed.get_mut(j) {
                        *c = true;
                    }
                }
            }
        }
        if let Some(d) = date
            && urls.insert(url.clone())
        {
            items.push(Item {
                url: url.clone(),
                title: l.text.clone(),
                published: Some(d),
                source: DateSource::Text,
            });
        }
    }
    items
}

fn first_date(s: &str) -> Option<NaiveDateTime> {
    dates::first_date_time(s)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use crate::extract::analyze::tests::analyze;

    #[test]
    fn listing_dates_next_to_links_not_header_clock_or_headline() {
        let f = analyze(
            r#"<html><body>
            <div class="header"><a href="/"><img alt="Cổng thông tin điện tử tỉnh Tiền Giang"></a>
              <span>Thứ Ba, ngày 24 tháng 11 năm 2026</span></div>
            <ul class="news">
              <li><a href="bai-1.html#top">Kỷ niệm 27/7/1947 - 27/7/2026: tri ân các anh hùng liệt sĩ</a> <span>(23/11/2026)</span></li>
              <li><a href="/tin/bai-2.html">Hội nghị triển khai kế hoạch chuyển đổi số năm 2027</a><div>Đăng ngày 20 - 11 - 2026 / Lượt xem: 400</div></li>
              <li><a href="/tin/bai-3.html">Tỉnh tổ chức lễ mít tinh ngày 25/4 tại quảng trường</a></li>
            </ul>
            <footer><p>Giấy phép số 12/GP-TTĐT ngày 16/09/2013</p></footer>
            </body></html>"#,
        );
        let got: Vec<(String, Option<NaiveDate>)> = f.items.iter().map(|i| (i.url.clone(), i.published.map(|p| p.date()))).collect();
        assert_eq!(
            got,
            vec![
                (
                    "https://tiengiang.gov.vn/tin-tuc/bai-1.html".to_string(),
                    NaiveDate::from_ymd_opt(2026, 11, 23)
                ),
                (
                    "https://tiengiang.gov.vn/tin/bai-2.html".to_string(),
                    NaiveDate::from_ymd_opt(2026, 11, 20)
                ),
            ]
        );
        assert!(f.links.iter().all(|l| !l.url.contains('#')));
        assert_eq!(f.published, None);
    }

    #[test]
    fn a_clock_over_the_logo_dates_nothing() {
        let f = analyze(
            "<div class=\"top\">Thứ Ba, ngày 24 tháng 11 năm 2026</div>\
             <div class=\"header\"><h1><a href=\"/\">Cổng Thông tin điện tử tỉnh Tiền Giang</a></h1></div>\
             <ul><li><a href=\"/tin/1.html\">Hội nghị triển khai kế hoạch năm 2027</a></li></ul>",
        );
        assert!(f.items.is_empty(), "{:?}", f.items);
        assert!(!f.is_article);
    }

    #[test]
    fn cards_with_the_date_above_the_title() {
        let card = |d: u32| {
            format!(
                "<div class=\"card\"><div class=\"date\">{d}/11/2026</div><h3><a href=\"/tin/{d}.html\">Hội nghị triển khai kế hoạch số {d}</a></h3>\
                 <p>Tóm tắt: các sở, ngành và địa phương đã triển khai nhiều giải pháp thiết thực trong thời gian qua.</p></div>"
            )
        };
        let f = analyze(&format!("<h1>Tin tức</h1>{}{}{}", card(23), card(20), card(19)));
        let got: Vec<(String, Option<NaiveDate>)> = f.items.iter().map(|i| (i.url.clone(), i.published.map(|p| p.date()))).collect();
        let want: Vec<(String, Option<NaiveDate>)> = [23, 20, 19]
            .iter()
            .map(|d| {
                (
                    format!("https://tiengiang.gov.vn/tin/{d}.html"),
                    NaiveDate::from_ymd_opt(2026, 11, *d),
                )
            })
            .collect();
        assert_eq!(got, want);
    }
}
