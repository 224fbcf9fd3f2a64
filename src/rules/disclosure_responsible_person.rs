//! `disclosure.responsible_person`: the site names the person responsible
//! for its content.
//!
//! Basis: Decree 72/2013/NĐ-CP as amended by Decree 27/2018/NĐ-CP and
//! Circular 09/2014/TT-BTTTT (aggregators: "tên người chịu trách nhiệm quản
//! lý nội dung" on the home page); the provincial directives and Decree
//! 42/2022/NĐ-CP Art. 4 for state-agency sites (home page or one hop).

use crate::extract::PageFacts;
use crate::model::Severity;

use super::{ALL_KINDS, Hit, Part, RuleContext, RuleDef, Verdict, check_disclosure, law};

pub const RULE: RuleDef = RuleDef {
    id: "disclosure.responsible_person",
    name: "Ghi người chịu trách nhiệm nội dung",
    applies_to: ALL_KINDS,
    severity: Severity::Violation,
    law: law::DISCLOSURE,
    needs_home: true,
    check,
};

fn find(facts: &PageFacts) -> Option<Hit> {
    facts.disclosures.responsible_person.as_ref().map(Hit::from_found)
}

const PARTS: &[Part] = &[Part {
    vi: "tên người chịu trách nhiệm quản lý nội dung",
    find,
}];

fn check(ctx: &RuleContext) -> Verdict {
    check_disclosure(ctx, PARTS, "Trang có tên người chịu trách nhiệm quản lý nội dung").0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::rules::testkit::*;

    #[test]
    fn aggregator_needs_the_person_on_the_home_page() {
        let mut fx = Fx::aggregator();
        fx.linked("gioi-thieu").disclosures.responsible_person = Some(found("Chịu trách nhiệm nội dung", "Lê Văn C"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.contains("trang chủ"), "{}", v.message);
        assert!(ev(&v).contains("https://x.gov.vn/gioi-thieu"));
        assert!(v.hint.as_deref().is_some_and(|h| h.contains("https://x.gov.vn/gioi-thieu")));
        fx.home().disclosures.responsible_person = Some(found("Chịu trách nhiệm nội dung", "Lê Văn C"));
        assert_eq!(fx.run(&RULE).status, Status::Pass);
    }

    #[test]
    fn government_may_name_the_person_one_hop_away() {
        let mut fx = Fx::government();
        fx.linked("gioi-thieu").disclosures.responsible_person = Some(found("Người chịu trách nhiệm", "Lê Văn C"));
        assert_eq!(fx.run(&RULE).status, Status::Pass);
    }

    #[test]
    fn home_page_without_text_fails_with_no_text_found() {
        let mut fx = Fx::aggregator();
        fx.home().text_chars = 0;
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(ev(&v).contains("không tìm thấy chữ nào"), "{}", ev(&v));
    }
}
