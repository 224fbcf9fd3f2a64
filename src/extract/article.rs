//! An article page's own publication time, and whether the page is an article.

use chrono::NaiveDateTime;

use super::dates;
use super::listing::short;
use super::walk::Walk;

fn meta<'a>(w: &Walk<'a>, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| w.metas.iter().find(|(mk, _)| mk.eq_ignore_ascii_case(k)).map(|(_, v)| *v))
}

static LD_DATE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r#""datePublished"[ \t\r\n]*:[ \t\r\n]*"([^"]{8,40})""#).expect("static regex"));
static LD_ARTICLE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#""@type"[ \t\r\n]*:[ \t\r\n]*"(?:News|Blog|Reportage)?(?:Article|Posting)""#).expect("static regex")
});

/// A link that starts an item of a list (a headline of its own), where a
/// page's own date is no longer looked for.
fn item_link_line(w: &Walk<'_>, after: usize) -> Option<usize> {
    w.links
        .iter()
        .filter(|l| l.line_start > after && !l.in_nav && !l.in_footer && headline(&l.text))
        .map(|l| l.line_start)
        .next()
}

fn headline(text: &str) -> bool {
    text.split_whitespace().count() >= 4
}

/// A date line right above a headline link is that card's date ("date
/// above the title" listings), not the page's.
fn card_date(w: &Walk<'_>, line: usize) -> bool {
    w.links
        .iter()
        .any(|l| (l.line_start == line + 1 || l.line_start == line + 2) && !l.in_nav && !l.in_footer && headline(&l.text))
}

/// The page's own publication time, and whether the page is an article.
///
/// An article is decided from what the page shows, not from its length: a
/// two-sentence brief with its title, date and "Nguồn:" line is one. The
/// signs are typed metadata (og:type article, JSON-LD Article types,
/// `article:published_time`) with a date, or its own heading (an h1 that is
/// not a logo or another page's headline) with its
/// own date (metadata, a `<time>` or a date line by the heading) or with a
/// source line. A date that belongs to the first item of a list below the
/// heading is not the page's own, so a listing is no article.
pub(super) fn article_date(w: &Walk<'_>, title: Option<usize>, source_line: bool) -> (Option<NaiveDateTime>, bool) {
    let published_meta = meta(w, &["article:published_time"]);
    let mut published = published_meta
        .or_else(|| meta(w, &["datepublished", "pubdate", "og:published_time", "dc.date.issued"]))
        .and_then(dates::parse_iso);
    if published.is_none() {
        published = w.json_ld.iter().find_map(|j| {
            LD_DATE
                .captures(j)
                .and_then(|c| c.get(1))
                .and_then(|m| dates::parse_iso(m.as_str()))
        });
    }
    // A date in the page's metadata is the page's own.
    let mut own_date = published.is_some();
    let first_item = title.and_then(|h1| item_link_line(w, h1)).unwrap_or(usize::MAX);
    if published.is_none() {
        let time = w
            .times
            .iter()
            .filter(|(_, line)| w.lines.get(*line).is_none_or(|l| !l.in_footer && !l.in_nav))
            .find_map(|(d, line)| dates::parse_iso(d).map(|t| (t, *line)));
        if let Some((t, line)) = time {
            published = Some(t);
            // The `<time>` of each card of a listing is no date of the page.
            own_date = title.is_some_and(|h1| line + 3 >= h1 && line <= h1 + 12) && line < first_item && !card_date(w, line);
        }
    }
    if published.is_none()
        && let Some(h1) = title
    {
        // The date line under (or just above) the title; a labelled one
        // wins. A date after the first headline link below the title, or
        // right above one, is that item's, not the page's.
        let from = h1.saturating_sub(3);
        let until = (h1 + 12).min(w.lines.len()).min(first_item);
        let mut first = None;
        for j in from..until {
            let Some(line) = w.lines.get(j) else { break };
            if j == h1 || line.in_heading || line.in_footer || !short(&line.text) || card_date(w, j) {
                continue;
            }
            let found = dates::find_dates(&line.text);
            if let Some(d) = found.iter().find(|d| d.labelled) {
                first = Some(d.at);
                break;
            }
            if first.is_none() && j > h1 {
                first = found.first().map(|d| d.at);
            }
        }
        // Nothing under the title: a short line of plain text right above
        // it that holds a date ("Thứ Hai, 23/11/2026 08:30" over the title).
        // A header clock sits above the menus, not against the title.
        if first.is_none()
            && let Some(line) = h1.checked_sub(1).and_then(|j| w.lines.get(j))
            && !line.in_heading
            && !line.in_footer
            && !line.in_nav
            && line.has_plain
            && short(&line.text)
        {
            first = dates::find_dates(&line.text).first().map(|d| d.at);
        }
        published = first;
        own_date = first.is_some();
    }
    let typed = published_meta.is_some()
        || meta(w, &["og:type"]).is_some_and(|t| t.eq_ignore_ascii_case("article"))
        || w.json_ld.iter().any(|j| LD_ARTICLE.is_match(j));
    let heading = title.is_some();
    // A page typed as an article in its metadata is one even when its body
    // is drawn by JavaScript (aggregator shells).
    let is_article = (typed && published.is_some()) || (heading && (own_date || source_line));
    (published, is_article)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use crate::extract::analyze::tests::analyze;

    #[test]
    fn article_with_labelled_date_and_attribution() {
        let body = "Nội dung bài viết về tình hình kinh tế xã hội của tỉnh. ".repeat(12);
        let f = analyze(&format!(
            "<html><head><title>Tin bài - Cổng TTĐT</title>\
             <link rel=\"alternate\" type=\"application/rss+xml\" href=\"/rss/tin-tuc.rss\"></head><body>\
             <h1>Tỉnh triển khai kế hoạch năm 2027</h1><div class=\"date\">Cập nhật: 23/11/2026 08:30</div>\
             <p>{body}</p><p>Theo đó, các sở ngành thực hiện ngay.</p>\
             <p style=\"text-align:right\"><em>Nguồn: Báo Ấp Bắc, 07:30 23/11/2026</em></p></body></html>"
        ));
        assert_eq!(
            f.published,
            NaiveDate::from_ymd_opt(2026, 11, 23).and_then(|d| d.and_hms_opt(8, 30, 0))
        );
        assert!(f.is_article);
        let a = f.attribution.expect("attribution");
        assert_eq!(a.source, "Báo Ấp Bắc");
        assert_eq!(a.original_time.map(|t| t.format("%H:%M").to_string()).as_deref(), Some("07:30"));
        assert_eq!(f.feeds, vec!["https://tiengiang.gov.vn/rss/tin-tuc.rss".to_string()]);
        assert_eq!(f.title.as_deref(), Some("Tin bài - Cổng TTĐT"));
    }

    #[test]
    fn a_short_brief_with_title_date_and_source_is_an_article() {
        let f = analyze(
            "<h1>Tỉnh phát động tết trồng cây</h1><div class=\"date\">23/11/2026 08:30</div>\
             <p>Sáng nay tỉnh phát động tết trồng cây. Hơn 2.000 cây xanh được trồng.</p><p>Nguồn: Báo Ấp Bắc</p>",
        );
        assert!(f.is_article);
        assert_eq!(f.published.map(|p| p.date()), NaiveDate::from_ymd_opt(2026, 11, 23));
        // Title and source line, no date shown: still an article.
        let f = analyze("<h1>Tỉnh phát động tết trồng cây</h1><p>Một câu.</p><p>Nguồn: Báo Ấp Bắc</p>");
        assert!(f.is_article);
        // Only typed metadata and a one-line body.
        let f = analyze(
            "<head><meta property=\"article:published_time\" content=\"2026-11-23T08:30:00+07:00\"></head>\
             <body><h1>Tin ngắn</h1><p>Một câu.</p></body>",
        );
        assert!(f.is_article);
    }

    #[test]
    fn a_listing_under_a_heading_is_no_article() {
        // Dates above each title (cards), and `<time>` in each card.
        for card in [
            "<div class=\"card\"><div>Thứ Hai, 23/11/2026</div><h3><a href=\"/a{i}.html\">Hội nghị triển khai kế hoạch số {i}</a></h3></div>",
            "<div class=\"card\"><time datetime=\"2026-11-23T08:00:00+07:00\">2 giờ trước</time><h3><a href=\"/a{i}.html\">Hội nghị triển khai kế hoạch số {i}</a></h3></div>",
            "<li><a href=\"/a{i}.html\">Hội nghị triển khai kế hoạch số {i}</a><div>Ngày đăng: 23/11/2026</div></li>",
        ] {
            let cards: String = (1..5).map(|i| card.replace("{i}", &i.to_string())).collect();
            let f = analyze(&format!("<h1>Tin tức</h1>{cards}"));
            assert!(!f.is_article, "{card}");
        }
        // A logo in the h1 with the header clock under it, and a featured
        // headline in the h1 with its date: neither is the page's title.
        let f = analyze(
            "<h1><a href=\"/\"><img alt=\"Cổng TTĐT\"></a></h1><div>Thứ Ba, ngày 24 tháng 11 năm 2026</div>\
             <p>Chào mừng bạn đến với cổng thông tin.</p>",
        );
        assert!(!f.is_article);
        let f = analyze(
            "<h1><a href=\"/tin/bai-1.html\">Ông Lý Quang Diệu từ trần, Singapore quốc tang 7 ngày</a> <span>17</span></h1>\
             <div>23/03/2015 08:06</div><p>TTO - Văn phòng Thủ tướng Singapore thông báo.</p>",
        );
        assert!(!f.is_article);
        // A logo h1 on every page before the article's own h1.
        let f = analyze(
            "<h1><a href=\"/\"><img alt=\"Cổng TTĐT\"></a></h1><ul class=\"menu\"><li><a href=\"/\">Trang chủ</a></li></ul>\
             <h1>Tỉnh phát động tết trồng cây</h1><div>23/11/2026</div><p>Một câu.</p>",
        );
        assert!(f.is_article);
        assert_eq!(f.published.map(|p| p.date()), NaiveDate::from_ymd_opt(2026, 11, 23));
        // A title linked to itself or to javascript: is the page's own.
        let f = analyze("<h1><a href=\"javascript:;\">Thanh tra vụ chặt cây xanh</a></h1><div>23/03/2015 08:06</div><p>Một câu.</p>");
        assert!(f.is_article);
    }
}
