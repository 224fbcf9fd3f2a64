//! `site.reachable`: the home page can be fetched.
//!
//! Basis: no legal text of its own; it is the precondition of every other
//! check (a site nobody can open informs nobody). Failures the site does
//! not cause (robots.txt, bot protection, a private address we refuse to
//! fetch) are `unknown`, never a violation (SPEC §4).

use crate::model::{Evidence, FailureKind, Severity};

use super::{ALL_KINDS, RuleContext, RuleDef, Verdict, law};

pub const RULE: RuleDef = RuleDef {
    id: "site.reachable",
    name: "Truy cập được trang",
    applies_to: ALL_KINDS,
    severity: Severity::Violation,
    law: law::REACHABLE,
    needs_home: false,
    check,
};

fn check(ctx: &RuleContext) -> Verdict {
    let crawl = ctx.crawl;
    let failure = match &crawl.home {
        Ok(()) => {
            let (url, truncated) = crawl
                .home_page()
                .map_or((crawl.home_url.as_str(), false), |p| (p.final_url.as_str(), p.truncated));
            let mut detail = format!("đã tải trang chủ: {url}");
            if truncated {
                detail.push_str(" (nội dung bị cắt ở giới hạn max_body_bytes)");
            }
            return Verdict::pass("Trang chủ truy cập được", vec![Evidence::new(url, detail)]);
        }
        Err(f) => f,
    };
    // The code first (SPEC §4), as scripts grep it, then the Vietnamese detail.
    let evidence = vec![Evidence::new(&crawl.home_url, failure.describe())];
    let hint = match failure.kind {
        FailureKind::Dns => "Kiểm tra bản ghi DNS của tên miền trang.",
        FailureKind::Connect | FailureKind::Timeout => "Kiểm tra máy chủ web và đường truyền: trang chủ phải mở được từ Internet.",
        FailureKind::Tls => "Gia hạn hoặc cài đặt đúng chứng chỉ số (HTTPS) cho tên miền của trang.",
        FailureKind::HttpStatus => "Sửa lỗi máy chủ để trang chủ trả về nội dung (mã HTTP 200).",
        FailureKind::RedirectLoop => "Sửa cấu hình chuyển hướng (redirect) đang lặp vòng của trang chủ.",
        FailureKind::TooLarge
        | FailureKind::RobotsDenied
        | FailureKind::PrivateAddress
        | FailureKind::BotProtection
        | FailureKind::Other
        | FailureKind::InternalError
        | FailureKind::LocalResource => {
            return Verdict::unknown("Chưa xác định được trang chủ có truy cập được hay không", evidence);
        }
    };
    Verdict::fail(format!("Không truy cập được trang chủ ({})", failure.kind.as_str()), evidence, hint)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::rules::testkit::*;

    #[test]
    fn fetched_home_passes_and_notes_truncation() {
        let mut fx = Fx::government();
        fx.crawl.pages[0].truncated = true;
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(
            ev(&v).contains("đã tải trang chủ") && ev(&v).contains("bị cắt ở giới hạn max_body_bytes"),
            "{}",
            ev(&v)
        );
    }

    #[test]
    fn site_faults_fail_with_the_kind() {
        for (kind, status, text) in [
            (FailureKind::Dns, None, "dns"),
            (FailureKind::Tls, None, "tls"),
            (FailureKind::HttpStatus, Some(503), "http_status 503"),
            (FailureKind::RedirectLoop, None, "redirect_loop"),
        ] {
            let mut fx = Fx::government();
            fx.crawl.home = Err(failure(kind, status));
            let v = fx.run(&RULE);
            assert_eq!(v.status, Status::Fail, "{text}");
            assert!(ev(&v).contains(text), "{}", ev(&v));
            assert!(v.hint.is_some());
        }
    }

    #[test]
    fn blocked_by_us_or_a_bot_wall_is_unknown() {
        for kind in [FailureKind::RobotsDenied, FailureKind::BotProtection, FailureKind::PrivateAddress] {
            let mut fx = Fx::aggregator();
            fx.crawl.home = Err(failure(kind, None));
            let v = fx.run(&RULE);
            assert_eq!(v.status, Status::Unknown, "{kind:?}");
            assert!(ev(&v).contains(kind.as_str()));
        }
    }
}
