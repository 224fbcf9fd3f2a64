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

/// The page's own publication time, and whether the page is an article
/// (its own date plus a body of text).
pub(super) fn article_date(w: &Walk<'_>) -> (Option<NaiveDateTime>, bool) {
    let mut published = meta(
        w,
        &[
            "article:published_time",
            "datepublished",
            "pubdate",
            "og:published_time",
            "dc.date.issued",
        ],
    )
    .and_then(dates::parse_iso);
    if published.is_none() {
        published = w.json_ld.iter().find_map(|j| {
            LD_DATE
                .captures(j)
                .and_then(|c| c.get(1))
                .and_then(|m| dates::parse_iso(m.as_str()))
        });
    }
    if published.is_none() {
        published = w
            .times
            .iter()
            .filter(|(_, line)| w.lines.get(*line).is_none_or(|l| !l.in_footer && !l.in_nav))
            .find_map(|(d, _)| dates::parse_iso(d));
    }
    if published.is_none()
        && let Some(h1) = w.h1_line
    {
        // The date line under (or just above) the title; a labelled one wins.
        let from = h1.saturating_sub(3);
        let mut first = None;
        for j in from..(h1 + 12).min(w.lines.len()) {
            let Some(line) = w.lines.get(j) else { break };
            if j == h1 || line.in_heading || line.in_footer || !short(&line.text) {
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
        published = first;
    }
    let body_chars: usize = w
        .lines
        .iter()
        .filter(|l| l.in_paragraph && !l.in_footer && !l.in_nav && l.has_plain)
        .map(|l| l.text.chars().count())
        .sum();
    let typed_article =
        meta(w, &["og:type"]).is_some_and(|t| t.eq_ignore_ascii_case("article")) || w.json_ld.iter().any(|j| LD_ARTICLE.is_match(j));
    // A page typed as an article in its metadata is one even when its body
    // is drawn by JavaScript (aggregator shells); otherwise title plus body.
    let is_article = published.is_some() && (typed_article || (w.h1_line.is_some() && body_chars >= 400));
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
}
