//! `disclosure.license`: an aggregator shows its licence number on the
//! home page, and it is the one the registry holds.
//!
//! Basis: Decree 72/2013/NĐ-CP as amended by Decree 27/2018/NĐ-CP and
//! Circular 09/2014/TT-BTTTT: the home page gives the licence number, its
//! date and issuer. Numbers compare without spaces, case or diacritics
//! ("378/GP - BTTTT" is "378/GP-BTTTT").
//!
//! From 25/12/2024, Decree 147/2024/NĐ-CP Art. 24(9)(a) and 24(7)(a): the
//! date of issue and the issuing body too, and a licence issued more than
//! five years before is no longer in force (`decree147::license`).

use crate::extract::PageFacts;
use crate::model::{Evidence, Severity, Status};

use super::{AGGREGATOR, Hit, Part, RuleContext, RuleDef, Verdict, check_disclosure, law, same_license};

pub const RULE: RuleDef = RuleDef {
    id: "disclosure.license",
    name: "Hiển thị giấy phép",
    applies_to: AGGREGATOR,
    severity: Severity::Violation,
    law: law::LICENSE,
    needs_home: true,
    check: check_by_date,
};

/// From 25/12/2024 the date of issue, the issuer and the five-year term too.
fn check_by_date(ctx: &RuleContext) -> Verdict {
    super::decree147::license(ctx, check(ctx))
}

fn find(facts: &PageFacts) -> Option<Hit> {
    facts.disclosures.license.as_ref().map(|l| Hit {
        value: l.number.clone(),
        detail: if l.snippet.trim().is_empty() {
            format!("\"{}\"", l.number)
        } else {
            format!("\"{}\" (nguyên văn trên trang: \"{}\")", l.number, l.snippet.trim())
        },
    })
}

const PARTS: &[Part] = &[Part {
    vi: "số giấy phép thiết lập trang thông tin điện tử tổng hợp",
    find,
}];

fn check(ctx: &RuleContext) -> Verdict {
    let (verdict, spots) = check_disclosure(ctx, PARTS, "Trang chủ có số giấy phép");
    let (Some(expected), Some(Some(spot))) = (ctx.site.license.as_deref(), spots.first()) else {
        return verdict;
    };
    if same_license(expected, &spot.hit.value) {
        return verdict;
    }
    let mut evidence = verdict.evidence;
    evidence.push(Evidence::new(
        &spot.page.final_url,
        format!("hồ sơ đăng ký ghi giấy phép \"{expected}\"; trang ghi \"{}\"", spot.hit.value),
    ));
    if verdict.status == Status::Fail {
        return Verdict { evidence, ..verdict };
    }
    Verdict::fail(
        format!(
            "Số giấy phép trên trang chủ (\"{}\") khác với giấy phép đã cấp (\"{expected}\")",
            spot.hit.value
        ),
        evidence,
        format!("Ghi đúng số giấy phép \"{expected}\" (kèm ngày cấp và cơ quan cấp) trên trang chủ."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::License;
    use crate::rules::testkit::*;

    fn licence(number: &str) -> License {
        License {
            number: number.into(),
            issuer: Some("Bộ Thông tin và Truyền thông".into()),
            date: None,
            snippet: format!("Giấy phép số {number} do Bộ TT&TT cấp ngày 16-09-2013"),
        }
    }

    #[test]
    fn licence_on_home_matching_registry_despite_spaces_passes() {
        let mut fx = Fx::aggregator();
        // The number alone, as before 25/12/2024; decree147.rs tests date and issuer.
        fx.as_of = d(2024, 12, 20);
        fx.site.license = Some("378/GP-BTTTT".into());
        fx.home().disclosures.license = Some(licence("378/GP - BTTTT"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("378/GP - BTTTT"));
    }

    #[test]
    fn other_licence_number_fails() {
        let mut fx = Fx::aggregator();
        fx.site.license = Some("25/GP-STTTT".into());
        fx.home().disclosures.license = Some(licence("52/GP-STTTT"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(ev(&v).contains("25/GP-STTTT") && ev(&v).contains("52/GP-STTTT"));
    }

    #[test]
    fn missing_or_off_home_licence_fails() {
        let mut fx = Fx::aggregator();
        assert_eq!(fx.run(&RULE).status, Status::Fail);
        fx.linked("gioi-thieu").disclosures.license = Some(licence("25/GP-STTTT"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(v.hint.as_deref().is_some_and(|h| h.contains("trang chủ")));
    }
}
