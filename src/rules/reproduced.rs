//! What the rules on reproduced articles share (attribution.link,
//! attribution.delay, attribution.comments, and attribution.details from
//! 25/12/2024): which pages are articles, how they are named in evidence,
//! and how times are written for officers.

use chrono::{NaiveDateTime, NaiveTime};

use super::{RuleContext, Verdict, push_capped};
use crate::crawler::{CrawledPage, SiteCrawl};
use crate::extract::Attribution;
use crate::model::Evidence;

/// The articles that name a source, with their attribution; without any, the
/// `unknown` verdict both readings of `attribution.details` give.
pub(crate) fn attributed_articles<'a>(ctx: &RuleContext<'a>) -> Result<Vec<(&'a CrawledPage, &'a Attribution)>, Verdict> {
    let attributed: Vec<_> = ctx
        .crawl
        .pages
        .iter()
        .filter_map(|p| p.facts.attribution.as_ref().filter(|_| p.facts.is_article).map(|a| (p, a)))
        .collect();
    if attributed.is_empty() {
        return Err(Verdict::unknown(
            "Chưa xác định được vì không có bài viết nào ghi nguồn tin để kiểm tra",
            vec![Evidence::new(
                &ctx.crawl.home_url,
                "không bài viết nào đã thu thập có ghi nguồn tin",
            )],
        ));
    }
    Ok(attributed)
}

/// What one reproduced article shows for a rule judged article by article.
pub(crate) enum Judged {
    Meets(Evidence),
    Breaks(Evidence),
    /// The page lacks what the rule needs to judge it: said in evidence,
    /// never counted either way.
    Unjudged(Evidence),
}

/// How a rule judged article by article words its verdicts.
pub(crate) struct Wording {
    /// The message when articles were found but none could be judged.
    pub none_judged: &'static str,
    /// The message when every judged article meets the rule, from their count.
    pub pass: fn(usize) -> String,
    /// The message from the number that break it and the number judged.
    pub fail: fn(usize, usize) -> String,
    pub hint: &'static str,
}

/// One verdict from every article of the crawl: `unknown` without articles
/// or without one that could be judged, `fail` when any breaks the rule.
/// The evidence lists the breaking (or meeting) articles first, then those
/// not judged.
pub(crate) fn judge_articles(ctx: &RuleContext, judge: impl Fn(&SiteCrawl, &CrawledPage) -> Judged, wording: &Wording) -> Verdict {
    let home = ctx.crawl.home_url.as_str();
    let pages = articles(ctx.crawl);
    if pages.is_empty() {
        return Verdict::unknown(
            "Chưa xác định được vì không thu thập được bài viết nào",
            vec![Evidence::new(home, "không có trang bài viết nào trong kết quả thu thập")],
        );
    }
    let (mut meets, mut breaks, mut not_judged) = (Vec::new(), Vec::new(), Vec::new());
    for page in pages {
        match judge(ctx.crawl, page) {
            Judged::Meets(e) => meets.push(e),
            Judged::Breaks(e) => breaks.push(e),
            Judged::Unjudged(e) => not_judged.push(e),
        }
    }
    let judged = meets.len() + breaks.len();
    let mut evidence = Vec::new();
    if judged == 0 {
        push_capped(&mut evidence, not_judged, home);
        return Verdict::unknown(wording.none_judged, evidence);
    }
    if breaks.is_empty() {
        push_capped(&mut evidence, meets, home);
        push_capped(&mut evidence, not_judged, home);
        return Verdict::pass((wording.pass)(judged), evidence);
    }
    let n = breaks.len();
    push_capped(&mut evidence, breaks, home);
    push_capped(&mut evidence, not_judged, home);
    Verdict::fail((wording.fail)(n, judged), evidence, wording.hint)
}

/// The article pages of a crawl. An aggregator only reproduces, so every
/// article it carries is a reproduced one.
pub(crate) fn articles(crawl: &SiteCrawl) -> Vec<&CrawledPage> {
    crawl.pages.iter().filter(|p| p.facts.is_article).collect()
}

/// How an article is named in evidence: its title without the site's name
/// the page appends to it ("… - Biển Xanh"), else its address.
pub(crate) fn title(crawl: &SiteCrawl, page: &CrawledPage) -> String {
    let site = crawl.home_page().and_then(|h| h.facts.title.as_deref()).map(str::trim);
    let own = page.facts.title.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let own = match (own, site) {
        (Some(t), Some(s)) if !s.is_empty() && t.len() > s.len() => t
            .strip_suffix(s)
            .map(|rest| rest.trim_end().trim_end_matches(['-', '|', '–']).trim_end())
            .filter(|rest| !rest.is_empty())
            .or(Some(t)),
        (t, _) => t,
    };
    match own {
        Some(t) => format!("\"{}\"", crate::extract::text::truncate_chars(t, 100)),
        None => format!("bài {}", page.final_url),
    }
}

/// Midnight stands for "the day only": a page that gives no hour.
pub(crate) fn has_hour(t: NaiveDateTime) -> bool {
    t.time() != NaiveTime::MIN
}

/// "07:30 23/11/2026", or "23/11/2026" when only the day is known.
pub(crate) fn fmt_time(t: NaiveDateTime, hour: bool) -> String {
    if hour {
        t.format("%H:%M %d/%m/%Y").to_string()
    } else {
        super::fmt_day(t.date())
    }
}

/// "45 phút", "2 giờ 15 phút", "3 ngày 4 giờ".
pub(crate) fn fmt_minutes(m: i64) -> String {
    let m = m.abs();
    let (days, hours, mins) = (m / 1440, (m % 1440) / 60, m % 60);
    match (days, hours, mins) {
        (0, 0, m) => format!("{m} phút"),
        (0, h, 0) => format!("{h} giờ"),
        (0, h, m) => format!("{h} giờ {m} phút"),
        (d, 0, _) => format!("{d} ngày"),
        (d, h, _) => format!("{d} ngày {h} giờ"),
    }
}

/// The host of an absolute URL, lower case, without a leading `www.`.
pub(crate) fn host(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let h = u.host_str()?.to_ascii_lowercase();
    Some(h.strip_prefix("www.").map(str::to_string).unwrap_or(h))
}

/// A link that leads to a site's home page rather than to one of its
/// articles: no path beyond "/" (or an index file) and no query.
pub(crate) fn is_home_link(url: &str) -> bool {
    let Ok(u) = url::Url::parse(url) else {
        return false;
    };
    if u.query().is_some_and(|q| !q.is_empty()) {
        return false;
    }
    let path = u.path().trim_end_matches('/').to_ascii_lowercase();
    matches!(
        path.as_str(),
        "" | "/index.html" | "/index.htm" | "/index.php" | "/index.aspx" | "/default.aspx" | "/home" | "/trang-chu"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_read_as_officers_write_them() {
        assert_eq!(fmt_minutes(45), "45 phút");
        assert_eq!(fmt_minutes(60), "1 giờ");
        assert_eq!(fmt_minutes(-135), "2 giờ 15 phút");
        assert_eq!(fmt_minutes(3 * 1440 + 4 * 60 + 5), "3 ngày 4 giờ");
    }

    #[test]
    fn articles_are_named_without_the_site_name_suffix() {
        use crate::crawler::PageRole;
        use crate::rules::testkit::Fx;
        let mut fx = Fx::aggregator();
        fx.home().title = Some("Biển Xanh - Trang thông tin điện tử tổng hợp".into());
        fx.page(PageRole::Article, "a").title = Some("Tin một - Biển Xanh - Trang thông tin điện tử tổng hợp".into());
        fx.page(PageRole::Article, "b").title = Some("Tin hai".into());
        fx.page(PageRole::Article, "c");
        let names: Vec<String> = fx.crawl.pages.iter().skip(1).map(|p| title(&fx.crawl, p)).collect();
        assert_eq!(names, vec!["\"Tin một\"", "\"Tin hai\"", "bài https://x.gov.vn/c"]);
    }

    #[test]
    fn home_links_and_hosts() {
        assert!(is_home_link("https://baokhanhhoa.vn/"));
        assert!(is_home_link("https://baokhanhhoa.vn"));
        assert!(is_home_link("https://baokhanhhoa.vn/index.html"));
        assert!(!is_home_link("https://baokhanhhoa.vn/kinh-te/bai-123.htm"));
        assert!(!is_home_link("https://baokhanhhoa.vn/?id=123"));
        assert!(!is_home_link("not a url"));
        assert_eq!(host("https://www.BaoKhanhHoa.vn/x").as_deref(), Some("baokhanhhoa.vn"));
        assert_eq!(host("http://127.0.0.1:8080/").as_deref(), Some("127.0.0.1"));
    }
}
