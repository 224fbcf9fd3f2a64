//! Dated items of a listing page: the date printed next to each item's link.

use chrono::NaiveDateTime;

use super::dates;
use super::facts::{DateSource, Item};
use super::walk::{Walk, WalkLink};

/// Work cap that keeps a pathological page linear.
const MAX_ITEMS: usize = 500;

/// A link that can be a news item: real words of its own, not a menu.
fn is_item_link(l: &WalkLink<'_>) -> bool {
    if l.in_nav || l.in_footer {
        return false;
    }
    let words = l.text.split_whitespace().count();
    words >= 4 && l.text.chars().count() >= 20
}

/// A line short enough to be a date cell/label rather than a summary.
pub(super) fn short(s: &str) -> bool {
    s.chars().count() <= 70
}

/// Dated items of a listing: the date next to each item's link (same line
/// after or before the link, or a short line right after it), never a date
/// inside a headline or a summary.
pub(super) fn listing_items(w: &Walk<'_>, resolved: &[Option<String>]) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut claimed: Vec<bool> = vec![false; w.lines.len()];
    let candidates: Vec<usize> = (0..w.links.len())
        .filter(|&i| is_item_link(&w.links[i]) && resolved.get(i).is_some_and(|r| r.is_some()))
        .collect();
    let mut urls = std::collections::HashSet::new();
    for (k, &i) in candidates.iter().enumerate() {
        if items.len() >= MAX_ITEMS {
            break;
        }
        let l = &w.links[i];
        let Some(Some(url)) = resolved.get(i) else {
            continue;
        };
        let next_start = candidates.get(k + 1).map(|&j| w.links[j].line_start).unwrap_or(usize::MAX);
        let mut date = None;
        // Same line, after the link: "Tiêu đề (23/11/2026)".
        if let Some(line) = w.lines.get(l.line_end) {
            let tail = line.text.get(l.pos_end.min(line.text.len())..).unwrap_or("");
            if !tail.is_empty() && short(tail) && next_start > l.line_end {
                date = first_date(tail);
            }
            if date.is_none() && l.line_start == l.line_end {
                let head = line.text.get(..l.pos_start.min(line.text.len())).unwrap_or("");
                if !head.is_empty() && short(head) {
                    date = first_date(head);
                }
            }
        }
        // Following short lines, up to the next item.
        if date.is_none() {
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
                    && let Some(d) = first_date(&line.text)
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
                && let Some(d) = first_date(&line.text)
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
    dates::find_dates(s).first().map(|d| d.at)
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
}
