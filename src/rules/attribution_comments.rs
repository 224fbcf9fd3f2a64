//! `attribution.comments`: readers cannot post comments under what an
//! aggregator reproduces.
//!
//! Basis: Circular 09/2014/TT-BTTTT Art. 4(4) until 24/12/2024 (which spared
//! aggregators run by a press agency; the registry does not say which those
//! are, so the rule is checked for every aggregator); from 25/12/2024
//! Decree 147/2024/NĐ-CP Art. 28(1)(d): "Không cho đăng tải ý kiến nhận
//! xét, bình luận của độc giả về nội dung tin, bài được dẫn lại".
//!
//! A comment box is a form whose text area the page offers for comments
//! ("Bình luận", "Ý kiến bạn đọc", "Gửi bình luận", "Viết bình luận"), or a
//! comment widget's mark-up (`fb-comments`, `disqus_thread`), which counts
//! even before its script fills it. Comments closed or absent pass. An
//! article whose text is drawn by JavaScript, with no widget mark-up, is not
//! judged: its comment box, if any, is not in the HTML either.

use crate::crawler::{CrawledPage, SiteCrawl};
use crate::model::{Evidence, Severity};

use super::reproduced::{Judged, Wording, judge_articles, title};
use super::{AGGREGATOR, RuleContext, RuleDef, Verdict, law};

pub const RULE: RuleDef = RuleDef {
    id: "attribution.comments",
    name: "Không cho bình luận bài dẫn lại",
    applies_to: AGGREGATOR,
    severity: Severity::Violation,
    law: law::ATTRIBUTION_COMMENTS,
    needs_home: true,
    check,
};

fn judge(crawl: &SiteCrawl, page: &CrawledPage) -> Judged {
    let url = page.final_url.as_str();
    let name = title(crawl, page);
    let c = &page.facts.comments;
    if let Some(open) = &c.open {
        return Judged::Breaks(Evidence::new(url, format!("{name}: có khung bình luận cho bạn đọc: {open}")));
    }
    if page.facts.text_chars == 0 {
        return Judged::Unjudged(Evidence::new(
            url,
            format!("{name}: không có nội dung bài trong HTML (do JavaScript vẽ), không xem được có khung bình luận hay không"),
        ));
    }
    let detail = match &c.closed {
        Some(t) => format!("{name}: bình luận đã đóng (\"{t}\")"),
        None => format!("{name}: không có khung bình luận"),
    };
    Judged::Meets(Evidence::new(url, detail))
}

fn check(ctx: &RuleContext) -> Verdict {
    judge_articles(
        ctx,
        judge,
        &Wording {
            none_judged: "Chưa xác định được vì không xem được nội dung bài viết nào",
            pass: |judged| format!("Cả {judged} bài viết dẫn lại đã xem đều không cho bạn đọc bình luận"),
            fail: |n, judged| format!("{n}/{judged} bài viết dẫn lại cho phép bạn đọc đăng bình luận"),
            hint: "Gỡ khung bình luận (biểu mẫu gửi bình luận, mã nhúng Facebook hoặc Disqus) khỏi các bài viết dẫn lại.",
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawler::PageRole;
    use crate::model::{Kind, Status};
    use crate::rules::testkit::*;

    #[test]
    fn no_box_or_closed_comments_pass() {
        let mut fx = Fx::aggregator();
        fx.page(PageRole::Article, "bai-1");
        fx.page(PageRole::Article, "bai-2").comments.closed = Some("Bình luận đã đóng".into());
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("bình luận đã đóng (\"Bình luận đã đóng\")"), "{}", ev(&v));
    }

    #[test]
    fn an_open_box_fails_naming_the_article() {
        let mut fx = Fx::aggregator();
        fx.page(PageRole::Article, "bai-1");
        fx.page(PageRole::Article, "bai-2").comments.open = Some("mã nhúng khung bình luận (\"fb-comments\")".into());
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.starts_with("1/2"), "{}", v.message);
        assert!(ev(&v).contains("bai-2") && ev(&v).contains("fb-comments"), "{}", ev(&v));
        // A widget in a script-drawn page is still a widget.
        let mut fx = Fx::aggregator();
        let shell = fx.page(PageRole::Article, "shell");
        shell.text_chars = 0;
        shell.comments.open = Some("mã nhúng khung bình luận (\"disqus_thread\")".into());
        assert_eq!(fx.run(&RULE).status, Status::Fail);
    }

    #[test]
    fn nothing_to_look_at_is_unknown() {
        let mut fx = Fx::aggregator();
        assert_eq!(fx.run(&RULE).status, Status::Unknown);
        fx.page(PageRole::Article, "shell").text_chars = 0;
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Unknown);
        assert!(ev(&v).contains("JavaScript"));
    }

    #[test]
    fn circular_09_2014_before_25_december_2024_decree_147_from_it() {
        let before = RULE.basis(Kind::Aggregator, d(2024, 12, 24), None).unwrap_or_default();
        let after = RULE.basis(Kind::Aggregator, d(2024, 12, 25), None).unwrap_or_default();
        assert!(before.contains("09/2014"), "{before}");
        assert!(after.contains("Điều 28 khoản 1 điểm d"), "{after}");
    }
}
