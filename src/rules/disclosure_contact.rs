//! `disclosure.contact`: the site gives a telephone number and an e-mail
//! address; both are needed.
//!
//! Basis: Decree 72/2013/NĐ-CP as amended by Decree 27/2018/NĐ-CP and
//! Circular 09/2014/TT-BTTTT (aggregators: "địa chỉ liên lạc, thư điện tử,
//! số điện thoại liên hệ" on the home page); Decree 42/2022/NĐ-CP Art. 4
//! for state-agency sites (home page or one hop).

use crate::extract::PageFacts;
use crate::model::Severity;

use super::{ALL_KINDS, Hit, Part, RuleContext, RuleDef, Verdict, check_disclosure};

pub const RULE: RuleDef = RuleDef {
    id: "disclosure.contact",
    applies_to: ALL_KINDS,
    severity: Severity::Violation,
    basis: "Nghị định 72/2013/NĐ-CP (sửa đổi bởi Nghị định 27/2018/NĐ-CP); Thông tư 09/2014/TT-BTTTT; Nghị định 42/2022/NĐ-CP, Điều 4 (cơ quan nhà nước)",
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
        en: "telephone number",
        find: phone,
    },
    Part {
        vi: "địa chỉ thư điện tử liên hệ",
        en: "e-mail address",
        find: email,
    },
];

fn check(ctx: &RuleContext) -> Verdict {
    check_disclosure(ctx, PARTS, "Trang có số điện thoại và địa chỉ thư điện tử liên hệ.").0
}
