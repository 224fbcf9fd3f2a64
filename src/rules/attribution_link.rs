//! `attribution.link`: every reproduced article ends with a link to the
//! source article.
//!
//! Basis: Decree 147/2024/NĐ-CP Art. 28(1)(đ): "đặt đường dẫn liên kết đến
//! bài viết nguồn ngay cuối bài dẫn lại", in force from 25/12/2024; no
//! result before. The link is looked for at the article's end (on the
//! source line, the line before it, or the few lines after it, outside
//! menus, related-article lists and the footer; without a source line, the
//! last paragraph). It must lead to another site, and to an article there:
//! a link to the source's home page only is not the source article. An
//! article whose text is drawn by JavaScript cannot be judged; the rule is
//! `unknown` when no article can.

use crate::crawler::{CrawledPage, SiteCrawl};
use crate::model::{Evidence, Severity};

use super::reproduced::{Judged, Wording, host, is_home_link, judge_articles, title};
use super::{AGGREGATOR, RuleContext, RuleDef, Verdict, law};

pub const RULE: RuleDef = RuleDef {
    id: "attribution.link",
    name: "Liên kết đến bài viết gốc",
    applies_to: AGGREGATOR,
    severity: Severity::Violation,
    law: law::ATTRIBUTION_LINK,
    needs_home: true,
    check,
};

fn judge(crawl: &SiteCrawl, page: &CrawledPage) -> Judged {
    let url = page.final_url.as_str();
    let name = title(crawl, page);
    let end = &page.facts.article_end;
    if page.facts.text_chars == 0 || !end.anchored {
        return Judged::Unjudged(Evidence::new(
            url,
            format!("{name}: không có nội dung bài trong HTML (do JavaScript vẽ), không xác định được cuối bài"),
        ));
    }
    let own = host(url);
    let elsewhere: Vec<_> = end
        .links
        .iter()
        .filter(|l| host(&l.url).is_some_and(|h| Some(&h) != own.as_ref()))
        .collect();
    if let Some(l) = elsewhere.iter().find(|l| !is_home_link(&l.url)) {
        return Judged::Meets(Evidence::new(
            url,
            format!("{name}: cuối bài có liên kết đến bài viết gốc {} (\"{}\")", l.url, l.text),
        ));
    }
    let source = page
        .facts
        .attribution
        .as_ref()
        .map(|a| format!(" (dòng ghi nguồn \"{}\")", a.text))
        .unwrap_or_default();
    let detail = match elsewhere.first() {
        Some(l) => format!(
            "{name}: liên kết cuối bài {} chỉ dẫn về trang chủ của nguồn, không phải bài viết gốc{source}",
            l.url
        ),
        None => format!("{name}: cuối bài không có liên kết đến bài viết gốc trên trang của nguồn{source}"),
    };
    Judged::Breaks(Evidence::new(url, detail))
}

fn check(ctx: &RuleContext) -> Verdict {
    judge_articles(
        ctx,
        judge,
        &Wording {
            none_judged: "Chưa xác định được vì không xem được cuối bài của bài viết nào",
            pass: |judged| format!("Cả {judged} bài viết dẫn lại đã xem đều có liên kết đến bài viết gốc ở cuối bài"),
            fail: |n, judged| format!("{n}/{judged} bài viết dẫn lại không có liên kết đến bài viết gốc ở cuối bài"),
            hint: "Đặt đường dẫn liên kết đến bài viết gốc (trên trang của cơ quan báo chí nguồn, không phải trang chủ của họ) ngay cuối mỗi bài dẫn lại, cạnh dòng ghi nguồn.",
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawler::PageRole;
    use crate::extract::{ArticleEnd, Attribution, Link};
    use crate::model::{Kind, Status};
    use crate::rules::testkit::*;

    fn article(fx: &mut Fx, path: &str, links: &[&str]) {
        let page = fx.page(PageRole::Article, path);
        page.title = Some(format!("Bài {path}"));
        page.attribution = Some(Attribution {
            source: "Báo Khánh Hòa".into(),
            author: None,
            original_time: None,
            text: "Nguồn: Báo Khánh Hòa".into(),
        });
        page.article_end = ArticleEnd {
            anchored: true,
            links: links
                .iter()
                .map(|u| Link {
                    url: u.to_string(),
                    text: "Xem bài gốc".into(),
                })
                .collect(),
            author: None,
        };
    }

    #[test]
    fn a_link_to_the_source_article_elsewhere_passes() {
        let mut fx = Fx::aggregator();
        article(&mut fx, "bai-1", &["https://baokhanhhoa.vn/kinh-te/bai-goc-1.htm"]);
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("bai-goc-1.htm"), "{}", ev(&v));
    }

    #[test]
    fn home_page_only_own_site_or_nothing_fails() {
        let mut fx = Fx::aggregator();
        article(&mut fx, "bai-1", &["https://baokhanhhoa.vn/kinh-te/bai-goc-1.htm"]);
        article(&mut fx, "bai-2", &["https://baokhanhhoa.vn/"]);
        article(&mut fx, "bai-3", &["https://x.gov.vn/tin/bai-khac.html"]);
        article(&mut fx, "bai-4", &[]);
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.starts_with("3/4"), "{}", v.message);
        let e = ev(&v);
        assert!(
            e.contains("chỉ dẫn về trang chủ của nguồn") && e.contains("bai-3") && e.contains("bai-4"),
            "{e}"
        );
        assert!(!e.contains("bai-goc-1"), "{e}");
        assert!(v.hint.is_some());
    }

    #[test]
    fn no_article_or_only_script_drawn_ones_is_unknown() {
        let mut fx = Fx::aggregator();
        assert_eq!(fx.run(&RULE).status, Status::Unknown);
        let shell = fx.page(PageRole::Article, "shell");
        shell.text_chars = 0;
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Unknown);
        assert!(ev(&v).contains("JavaScript"), "{}", ev(&v));
    }

    #[test]
    fn no_result_before_25_december_2024() {
        assert_eq!(RULE.basis(Kind::Aggregator, d(2024, 12, 24), None), None);
        assert!(
            RULE.basis(Kind::Aggregator, d(2024, 12, 25), None)
                .is_some_and(|b| b.contains("điểm đ"))
        );
    }
}
