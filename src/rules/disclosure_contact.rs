//! `disclosure.contact`: the site gives a telephone number and an e-mail
//! address; both are needed.
//!
//! Basis: Decree 72/2013/NĐ-CP as amended by Decree 27/2018/NĐ-CP and
//! Circular 09/2014/TT-BTTTT (aggregators: "địa chỉ liên lạc, thư điện tử,
//! số điện thoại liên hệ" on the home page); Decree 42/2022/NĐ-CP Art. 4
//! for state-agency sites (home page or one hop).

use crate::extract::PageFacts;
use crate::model::Severity;

use super::{ALL_KINDS, Hit, Part, RuleContext, RuleDef, Verdict, check_disclosure, law};

pub const RULE: RuleDef = RuleDef {
    id: "disclosure.contact",
    name: "Ghi điện thoại và thư điện tử liên hệ",
    applies_to: ALL_KINDS,
    severity: Severity::Violation,
    law: law::DISCLOSURE,
    needs_home: true,
    check,
};

fn phone(facts: &PageFacts) -> Option<Hit> {
    facts.disclosures.phones.first().map(Hit::from_found)
}

fn email(facts: &PageFacts) -> Option<Hit> {
    facts.disclosures.emails.first().map(Hit::from_found)
}

const PARTS: &[Part] = &[
    Part {
        vi: "số điện thoại liên hệ",
        find: phone,
    },
    Part {
        vi: "địa chỉ thư điện tử liên hệ",
        find: email,
    },
];

fn check(ctx: &RuleContext) -> Verdict {
    check_disclosure(ctx, PARTS, "Trang có số điện thoại và địa chỉ thư điện tử liên hệ").0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::rules::testkit::*;

    #[test]
    fn phone_without_email_fails_naming_the_email() {
        let mut fx = Fx::government();
        fx.home().disclosures.phones.push(found("Điện thoại", "0273 3873 333"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert_eq!(v.message, "Không tìm thấy địa chỉ thư điện tử liên hệ");
        assert_eq!(
            v.hint.as_deref(),
            Some("Bổ sung địa chỉ thư điện tử liên hệ vào chân trang (footer) của trang chủ.")
        );
        assert!(
            ev(&v).contains("0273 3873 333") && ev(&v).contains("trang chủ không có địa chỉ thư điện tử liên hệ"),
            "{}",
            ev(&v)
        );
    }

    #[test]
    fn neither_given_names_both() {
        let v = Fx::aggregator().run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.contains("số điện thoại liên hệ và địa chỉ thư điện tử"), "{}", v.message);
    }

    #[test]
    fn both_found_passes_even_on_different_pages_for_government() {
        let mut fx = Fx::government();
        fx.home().disclosures.phones.push(found("ĐT", "(0293) 3876 543"));
        fx.linked("lien-he").disclosures.emails.push(found("Email", "banbientap@x.gov.vn"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(
            ev(&v).contains("https://x.gov.vn/lien-he trang liên kết từ trang chủ có địa chỉ thư điện tử liên hệ"),
            "{}",
            ev(&v)
        );
    }

    #[test]
    fn aggregator_email_only_on_contact_page_fails() {
        let mut fx = Fx::aggregator();
        fx.home().disclosures.phones.push(found("ĐT", "(0293) 3876 543"));
        fx.linked("lien-he").disclosures.emails.push(found("Email", "info@x.vn"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(
            v.message
                .starts_with("Địa chỉ thư điện tử liên hệ không được hiển thị trên trang chủ"),
            "{}",
            v.message
        );
    }
}
