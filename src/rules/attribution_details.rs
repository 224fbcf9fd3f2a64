//! `attribution.details`: an article that names its source also gives the
//! time the source published it.
//!
//! Basis: Decree 72/2013/NĐ-CP as amended by Decree 27/2018/NĐ-CP, Art.
//! 20(2): "… tên cơ quan của nguồn tin chính thức, thời gian đã đăng, phát
//! thông tin đó". The aggregator's own date at the top of the page is not
//! the source's time. Warning only: the author is required only where the
//! source has one, and the time is often given elsewhere.
//!
//! From 25/12/2024, Decree 147/2024/NĐ-CP Art. 28(1)(đ): the author *and*
//! the source's full name *and* its time (`decree147::details`).

use crate::model::{Evidence, Severity};

use super::{AGGREGATOR, RuleContext, RuleDef, Verdict, law, push_capped};

pub const RULE: RuleDef = RuleDef {
    id: "attribution.details",
    name: "Ghi tác giả, thời gian đăng của nguồn tin",
    applies_to: AGGREGATOR,
    severity: Severity::Warning,
    law: law::ATTRIBUTION,
    needs_home: true,
    check,
};

fn check(ctx: &RuleContext) -> Verdict {
    // From 25/12/2024 the author and the source's full name are wanted too.
    if super::decree147::in_force(ctx) {
        return super::decree147::details(ctx);
    }
    let home = ctx.crawl.home_url.as_str();
    let attributed = match super::reproduced::attributed_articles(ctx) {
        Ok(a) => a,
        Err(unknown) => return unknown,
    };
    let mut complete = Vec::new();
    let mut lacking = Vec::new();
    for (page, a) in &attributed {
        match a.original_time {
            Some(t) => complete.push(Evidence::new(
                &page.final_url,
                format!("\"{}\": nguồn tin đăng lúc {}", a.text, t.format("%H:%M %d/%m/%Y")),
            )),
            None => lacking.push(Evidence::new(
                &page.final_url,
                format!("\"{}\": có tên nguồn nhưng không có thời gian nguồn tin đã đăng", a.text),
            )),
        }
    }
    let mut evidence = Vec::new();
    if lacking.is_empty() {
        let n = complete.len();
        push_capped(&mut evidence, complete, home);
        return Verdict::pass(format!("Cả {n} bài viết ghi nguồn đều có thời gian nguồn tin đã đăng"), evidence);
    }
    let (n, total) = (lacking.len(), attributed.len());
    push_capped(&mut evidence, lacking, home);
    Verdict::fail(
        format!("{n}/{total} bài viết ghi nguồn nhưng thiếu thời gian nguồn tin đã đăng"),
        evidence,
        "Ghi kèm thời gian cơ quan nguồn tin đã đăng bên cạnh tên nguồn (ví dụ \"Nguồn: Báo X, 07:30 23/11/2026\").",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Attribution;
    use crate::model::Status;
    use crate::rules::testkit::*;

    fn article(fx: &mut Fx, path: &str, text: &str, time: bool) {
        let page = fx.page(crate::crawler::PageRole::Article, path);
        page.attribution = Some(Attribution {
            source: "TTXVN".into(),
            author: None,
            original_time: time.then(|| d(2026, 11, 23).and_hms_opt(7, 30, 0)).flatten(),
            text: text.into(),
        });
    }

    #[test]
    fn source_with_time_passes() {
        let mut fx = Fx::aggregator();
        // Decree 72/2013's reading; decree147.rs tests the one from 25/12/2024.
        fx.as_of = d(2024, 12, 20);
        article(&mut fx, "bai-1", "(Theo TTXVN, 23/11/2026)", true);
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("07:30 23/11/2026"));
    }

    #[test]
    fn source_without_time_fails_as_a_warning() {
        let mut fx = Fx::aggregator();
        // Decree 72/2013's reading; decree147.rs tests the one from 25/12/2024.
        fx.as_of = d(2024, 12, 20);
        article(&mut fx, "bai-1", "(Theo TTXVN, 23/11/2026)", true);
        article(&mut fx, "bai-2", "Nguồn: TTXVN", false);
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert_eq!(RULE.severity, Severity::Warning);
        assert!(ev(&v).contains("bai-2") && !ev(&v).contains("bai-1"));
    }

    #[test]
    fn no_attributed_article_is_unknown() {
        let mut fx = Fx::aggregator();
        // Decree 72/2013's reading; decree147.rs tests the one from 25/12/2024.
        fx.as_of = d(2024, 12, 20);
        fx.page(crate::crawler::PageRole::Article, "bai-1");
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Unknown);
        assert!(ev(&v).contains("không bài viết nào đã thu thập có ghi nguồn tin"), "{}", ev(&v));
    }
}
