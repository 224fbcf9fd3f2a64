//! `disclosure.service_type`: an aggregator's home page shows the service
//! type "trang thông tin điện tử tổng hợp" at its top, under or beside the
//! site's name.
//!
//! Basis: Decree 147/2024/NĐ-CP Art. 24(9)(a) ("Phải ghi rõ tên trang và
//! tên loại hình dịch vụ … Tên loại hình dịch vụ phải ghi ở ngay dưới tên
//! trang") and (b) ("Tên trang và tên loại hình dịch vụ đặt trên đầu trang
//! chủ"), in force from 25/12/2024; no result before. Only the home page
//! counts. The words in the footer, or lower on the page, are a fail whose
//! evidence says where they are. The 2/3 letter height cannot be judged
//! from HTML and is not checked; a logo image whose alt text carries the
//! words is taken as the words shown at the top, and the evidence says so.

use crate::extract::Placement;
use crate::model::{Evidence, Severity};

use super::{AGGREGATOR, RuleContext, RuleDef, Verdict, law};

pub const RULE: RuleDef = RuleDef {
    id: "disclosure.service_type",
    name: "Ghi loại hình dịch vụ dưới tên trang",
    applies_to: AGGREGATOR,
    severity: Severity::Violation,
    law: law::SERVICE_TYPE,
    needs_home: true,
    check,
};

const HINT: &str = "Ghi \"Trang thông tin điện tử tổng hợp\" ngay dưới tên trang, ở đầu trang chủ (phần đầu trang, trước nội dung chính), cỡ chữ bằng 2/3 cỡ chữ của tên trang.";

fn check(ctx: &RuleContext) -> Verdict {
    let Some(home) = ctx.crawl.home_page() else {
        return Verdict::unknown(
            "Chưa kiểm tra được vì kết quả thu thập không có trang chủ",
            vec![Evidence::new(&ctx.crawl.home_url, "không có trang chủ trong kết quả thu thập")],
        );
    };
    let url = home.final_url.as_str();
    let masthead = &home.facts.masthead;
    let marks = &masthead.service_type;
    if let Some(top) = marks.iter().find(|m| m.placement == Placement::Top) {
        let detail = if top.in_image {
            format!("đầu trang chủ, trên ảnh logo (theo chữ thay thế alt của ảnh): \"{}\"", top.snippet)
        } else {
            format!("đầu trang chủ: \"{}\"", top.snippet)
        };
        return Verdict::pass(
            "Trang chủ ghi loại hình dịch vụ \"trang thông tin điện tử tổng hợp\" ở đầu trang",
            vec![Evidence::new(url, detail)],
        );
    }
    let mut evidence: Vec<Evidence> = masthead
        .names
        .iter()
        .take(1)
        .map(|n| Evidence::new(url, format!("tên trang ở đầu trang: \"{}\", không kèm loại hình dịch vụ", n.value)))
        .collect();
    if home.facts.text_chars == 0 {
        evidence.push(Evidence::new(
            url,
            "không tìm thấy chữ nào trong HTML của trang chủ (nội dung do JavaScript vẽ hoặc là ảnh); cần kiểm tra bằng trình duyệt",
        ));
        return Verdict::fail(
            "Không tìm thấy loại hình dịch vụ \"trang thông tin điện tử tổng hợp\" ở đầu trang chủ",
            evidence,
            HINT,
        );
    }
    for m in marks {
        let detail = match m.placement {
            Placement::Footer => format!("chỉ có ở chân trang: \"{}\"", m.snippet),
            Placement::Body => format!("có ở phần giữa trang chủ, không phải đầu trang: \"{}\"", m.snippet),
            Placement::Top => continue,
        };
        evidence.push(Evidence::new(url, detail));
    }
    let in_footer = marks.iter().any(|m| m.placement == Placement::Footer);
    let in_body = marks.iter().any(|m| m.placement == Placement::Body);
    let message = match (in_footer, in_body) {
        (true, false) => {
            "Loại hình dịch vụ \"trang thông tin điện tử tổng hợp\" chỉ ghi ở chân trang, không ở đầu trang chủ dưới tên trang"
        }
        (_, true) => "Loại hình dịch vụ \"trang thông tin điện tử tổng hợp\" không ghi ở đầu trang chủ dưới tên trang",
        (false, false) => {
            evidence.push(Evidence::new(
                url,
                "không có cụm từ \"trang thông tin điện tử tổng hợp\" ở đầu trang, thân trang hay chân trang của trang chủ",
            ));
            "Trang chủ không ghi loại hình dịch vụ \"trang thông tin điện tử tổng hợp\""
        }
    };
    Verdict::fail(message, evidence, HINT)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{Found, ServiceTypeMark};
    use crate::model::{Kind, Status};
    use crate::rules::testkit::*;

    fn mark(placement: Placement, snippet: &str) -> ServiceTypeMark {
        ServiceTypeMark {
            placement,
            in_image: false,
            snippet: snippet.into(),
        }
    }

    #[test]
    fn at_the_top_passes() {
        let mut fx = Fx::aggregator();
        fx.home().masthead.service_type = vec![
            mark(Placement::Top, "Biển Xanh - Trang thông tin điện tử tổng hợp"),
            mark(Placement::Footer, "Trang thông tin điện tử tổng hợp Biển Xanh"),
        ];
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("đầu trang chủ: \"Biển Xanh"), "{}", ev(&v));
    }

    #[test]
    fn only_in_the_footer_fails_saying_where() {
        let mut fx = Fx::aggregator();
        fx.home().masthead.names.push(Found {
            label: "logo".into(),
            value: "Tin Nhanh Phố Núi".into(),
            snippet: String::new(),
        });
        fx.home().masthead.service_type = vec![mark(Placement::Footer, "Trang thông tin điện tử tổng hợp Tin Nhanh Phố Núi")];
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.contains("chỉ ghi ở chân trang"), "{}", v.message);
        assert!(
            ev(&v).contains("chỉ có ở chân trang") && ev(&v).contains("Tin Nhanh Phố Núi"),
            "{}",
            ev(&v)
        );
        assert!(v.hint.as_deref().is_some_and(|h| h.contains("dưới tên trang")));
    }

    #[test]
    fn absent_or_js_drawn_fails() {
        let mut fx = Fx::aggregator();
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(ev(&v).contains("không có cụm từ"), "{}", ev(&v));
        fx.home().text_chars = 0;
        let v = fx.run(&RULE);
        assert!(ev(&v).contains("JavaScript"), "{}", ev(&v));
    }

    #[test]
    fn unknown_without_a_home_page() {
        let mut fx = Fx::aggregator();
        fx.crawl.home = Err(failure(crate::model::FailureKind::Timeout, None));
        assert_eq!(fx.run(&RULE).status, Status::Unknown);
    }

    #[test]
    fn no_result_before_25_december_2024_and_never_for_government() {
        let checked_at = chrono::Utc::now().with_timezone(&crate::model::vn_offset());
        let mut fx = Fx::aggregator();
        fx.as_of = d(2024, 12, 24);
        let rules: Vec<String> = crate::rules::evaluate(&fx.ctx(), checked_at).into_iter().map(|r| r.rule).collect();
        assert!(!rules.contains(&RULE.id.to_string()), "{rules:?}");
        fx.as_of = d(2024, 12, 25);
        let rules: Vec<String> = crate::rules::evaluate(&fx.ctx(), checked_at).into_iter().map(|r| r.rule).collect();
        assert!(rules.contains(&RULE.id.to_string()), "{rules:?}");
        assert_eq!(RULE.basis(Kind::Government, d(2026, 11, 25), None), None);
    }
}
