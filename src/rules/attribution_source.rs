//! `attribution.source`: every article an aggregator carries names its
//! source (press agency or official site).
//!
//! Basis: Decree 72/2013/NĐ-CP as amended by Decree 27/2018/NĐ-CP, Art.
//! 20(2): quote official sources "ghi rõ tên tác giả hoặc tên cơ quan của
//! nguồn tin chính thức". An aggregator only reproduces, so every article
//! needs one. A source named only in machine-readable form (JSON-LD, the
//! `<title>`) is not shown to readers and does not count.

use crate::model::{Evidence, Severity};

use super::{AGGREGATOR, RuleContext, RuleDef, Verdict, law, push_capped};

pub const RULE: RuleDef = RuleDef {
    id: "attribution.source",
    name: "Ghi nguồn tin",
    applies_to: AGGREGATOR,
    severity: Severity::Violation,
    law: law::ATTRIBUTION,
    needs_home: true,
    check,
};

fn check(ctx: &RuleContext) -> Verdict {
    let home = ctx.crawl.home_url.as_str();
    let articles: Vec<_> = ctx.crawl.pages.iter().filter(|p| p.facts.is_article).collect();
    if articles.is_empty() {
        return Verdict::unknown(
            "Chưa xác định được vì không thu thập được bài viết nào",
            vec![Evidence::new(home, "chưa thu thập được trang bài viết nào")],
        );
    }
    let mut with = Vec::new();
    let mut without = Vec::new();
    for page in &articles {
        let title = page.facts.title.as_deref().unwrap_or("");
        match (&page.facts.attribution, &page.facts.machine_source) {
            (Some(a), _) => with.push(Evidence::new(&page.final_url, format!("dòng ghi nguồn: \"{}\"", a.text))),
            (None, Some(m)) => without.push(Evidence::new(
                &page.final_url,
                format!(
                    "\"{title}\": không có dòng ghi nguồn hiển thị; nguồn chỉ nằm trong dữ liệu dành cho máy đọc (\"{m}\"), người đọc không thấy"
                ),
            )),
            (None, None) => without.push(Evidence::new(&page.final_url, format!("\"{title}\": không có dòng ghi nguồn"))),
        }
    }
    let mut evidence = Vec::new();
    if without.is_empty() {
        let n = with.len();
        push_capped(&mut evidence, with, home);
        return Verdict::pass(format!("Cả {n} bài viết đã xem đều ghi nguồn tin"), evidence);
    }
    let (n, total) = (without.len(), articles.len());
    push_capped(&mut evidence, without, home);
    Verdict::fail(
        format!("{n}/{total} bài viết không ghi rõ nguồn tin"),
        evidence,
        "Ghi rõ tên cơ quan nguồn tin hoặc tác giả (ví dụ \"Nguồn: Báo X\") ở cuối mỗi bài viết được tổng hợp.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Attribution;
    use crate::model::Status;
    use crate::rules::testkit::*;

    fn attribution(text: &str) -> Attribution {
        Attribution {
            source: "Báo Kiên Giang".into(),
            author: None,
            original_time: None,
            text: text.into(),
        }
    }

    #[test]
    fn every_article_attributed_passes() {
        let mut fx = Fx::aggregator();
        fx.page(crate::crawler::PageRole::Article, "bai-1").attribution = Some(attribution("Nguồn: Báo Kiên Giang"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("Nguồn: Báo Kiên Giang"));
    }

    #[test]
    fn unattributed_articles_are_listed_with_machine_sources_noted() {
        let mut fx = Fx::aggregator();
        fx.page(crate::crawler::PageRole::Article, "bai-1").attribution = Some(attribution("(Theo TTXVN)"));
        let a = fx.page(crate::crawler::PageRole::Article, "bai-2");
        a.title = Some("Bài hai".into());
        a.machine_source = Some("Báo Tin Tức TTXVN".into());
        fx.page(crate::crawler::PageRole::Article, "bai-3");
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.starts_with("2/3"), "{}", v.message);
        let e = ev(&v);
        assert!(
            e.contains("bai-2") && e.contains("dữ liệu dành cho máy đọc") && e.contains("bai-3"),
            "{e}"
        );
        assert!(!e.contains("bai-1"));
    }

    #[test]
    fn no_article_is_unknown_and_partial_pass_says_so() {
        let mut fx = Fx::aggregator();
        assert_eq!(fx.run(&RULE).status, Status::Unknown);
        fx.page(crate::crawler::PageRole::Article, "bai-1").attribution = Some(attribution("Nguồn: Báo Kiên Giang"));
        fx.crawl.partial.push("đã đạt giới hạn 60 trang".into());
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("thu thập chưa đầy đủ"), "{}", ev(&v));
    }
}
