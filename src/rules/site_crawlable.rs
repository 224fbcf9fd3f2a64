//! `site.crawlable`: robots.txt lets the `sitewarden` agent read the home page.
//!
//! Basis: RFC 9309 (Robots Exclusion Protocol), which the checker obeys;
//! information only: a site may refuse robots, but then it cannot be checked.

use crate::crawler::RobotsStatus;
use crate::model::{Evidence, Severity};

use super::{ALL_KINDS, RuleContext, RuleDef, Verdict, law};

pub const RULE: RuleDef = RuleDef {
    id: "site.crawlable",
    name: "Cho phép kiểm tra tự động (robots.txt)",
    applies_to: ALL_KINDS,
    severity: Severity::Info,
    law: law::CRAWLABLE,
    needs_home: false,
    check,
};

fn check(ctx: &RuleContext) -> Verdict {
    let robots = &ctx.crawl.robots;
    match &robots.status {
        RobotsStatus::Unavailable(f) => Verdict::unknown(
            "Chưa xác định được vì không đọc được tệp robots.txt",
            vec![Evidence::new(
                &robots.url,
                format!(
                    "không đọc được robots.txt ({}): theo RFC 9309 §2.3.1.4, lần này không được tải trang nào",
                    f.describe()
                ),
            )],
        ),
        RobotsStatus::Missing(code) => Verdict::pass(
            "Tệp robots.txt không chặn trang chủ",
            vec![Evidence::new(
                &robots.url,
                format!("robots.txt trả về mã HTTP {code}: coi như cho phép tất cả"),
            )],
        ),
        RobotsStatus::Parsed if robots.home_allowed => Verdict::pass(
            "Tệp robots.txt không chặn trang chủ",
            vec![Evidence::new(&robots.url, "robots.txt cho phép sitewarden đọc trang chủ")],
        ),
        RobotsStatus::Parsed => {
            let line = robots.rule_line.as_deref().unwrap_or("(không ghi nhận được dòng Disallow)");
            Verdict::fail(
                "Tệp robots.txt chặn công cụ kiểm tra truy cập trang chủ",
                vec![Evidence::new(
                    &robots.url,
                    format!("robots.txt không cho sitewarden đọc trang chủ: \"{line}\""),
                )],
                "Cho phép tác tử \"sitewarden\" đọc trang chủ trong tệp robots.txt (bỏ hoặc thu hẹp dòng Disallow tương ứng).",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FailureKind, Status};
    use crate::rules::testkit::*;

    #[test]
    fn disallowed_home_fails_quoting_the_line() {
        let mut fx = Fx::government();
        fx.crawl.robots.status = RobotsStatus::Parsed;
        fx.crawl.robots.home_allowed = false;
        fx.crawl.robots.rule_line = Some("Disallow: /".into());
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(ev(&v).contains("\"Disallow: /\""));
    }

    #[test]
    fn allowed_or_missing_robots_passes() {
        let mut fx = Fx::government();
        assert_eq!(fx.run(&RULE).status, Status::Pass);
        fx.crawl.robots.status = RobotsStatus::Parsed;
        assert_eq!(fx.run(&RULE).status, Status::Pass);
    }

    #[test]
    fn unavailable_robots_is_unknown_and_says_so() {
        let mut fx = Fx::government();
        fx.crawl.robots.status = RobotsStatus::Unavailable(failure(FailureKind::HttpStatus, Some(503)));
        fx.crawl.robots.home_allowed = false;
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Unknown);
        assert!(ev(&v).contains("không đọc được robots.txt (http_status 503"), "{}", ev(&v));
    }
}
