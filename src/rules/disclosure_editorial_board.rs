//! `disclosure.editorial_board`: a government site names its editorial
//! board (Ban biên tập) or the board's head.
//!
//! Basis: the provincial directives on state-agency portals (e.g. Tiền
//! Giang 11/CT-UBND 2015 §5c), with Decree 42/2022/NĐ-CP Art. 4 on the
//! information a portal shows about who runs it. Home page or one hop.

use crate::extract::PageFacts;
use crate::model::Severity;

use super::{GOVERNMENT, Hit, Part, RuleContext, RuleDef, Verdict, check_disclosure, law};

pub const RULE: RuleDef = RuleDef {
    id: "disclosure.editorial_board",
    name: "Ghi Ban biên tập",
    applies_to: GOVERNMENT,
    severity: Severity::Violation,
    law: law::EDITORIAL_BOARD,
    needs_home: true,
    check,
};

fn find(facts: &PageFacts) -> Option<Hit> {
    facts.disclosures.editorial_board.as_ref().map(Hit::from_found)
}

const PARTS: &[Part] = &[Part {
    vi: "thông tin về Ban biên tập (hoặc Trưởng Ban biên tập)",
    find,
}];

fn check(ctx: &RuleContext) -> Verdict {
    check_disclosure(ctx, PARTS, "Trang có thông tin về Ban biên tập").0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::rules::testkit::*;

    #[test]
    fn board_on_the_home_page_passes() {
        let mut fx = Fx::government();
        fx.home().disclosures.editorial_board = Some(found("Trưởng Ban biên tập", "Nguyễn Văn A"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("Nguyễn Văn A"));
    }

    #[test]
    fn board_one_hop_away_is_enough_for_a_government_site() {
        let mut fx = Fx::government();
        fx.linked("gioi-thieu/ban-bien-tap").disclosures.editorial_board = Some(found("Ban biên tập", "Trưởng ban: Trần Thị B"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("https://x.gov.vn/gioi-thieu/ban-bien-tap"), "{}", ev(&v));
    }

    #[test]
    fn no_board_anywhere_fails_naming_the_pages_looked_at() {
        let mut fx = Fx::government();
        fx.linked("lien-he");
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.contains("Ban biên tập"));
        assert!(
            ev(&v).contains("https://x.gov.vn/lien-he đã xem trang liên kết này: không có"),
            "{}",
            ev(&v)
        );
        assert!(v.hint.as_deref().is_some_and(|h| h.contains("trang chủ")));
    }
}
