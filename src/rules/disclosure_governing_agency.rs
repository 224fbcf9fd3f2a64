//! `disclosure.governing_agency`: the site names its governing agency (cơ
//! quan chủ quản) or the organisation that manages it, and that name is the
//! registry's `agency` when one is registered.
//!
//! Basis: Decree 72/2013/NĐ-CP as amended by Decree 27/2018/NĐ-CP and
//! Circular 09/2014/TT-BTTTT (aggregators, home page); Decree
//! 42/2022/NĐ-CP Art. 4 and the provincial directives (state agencies, home
//! page or one hop). Names compare folded, with UBND, HĐND, TT&TT, TTĐT,
//! BBT and TP. expanded.

use crate::extract::PageFacts;
use crate::model::{Evidence, Severity, Status};

use super::{ALL_KINDS, Hit, Part, RuleContext, RuleDef, Verdict, check_disclosure, disclosure_pages, law, same_name};

pub const RULE: RuleDef = RuleDef {
    id: "disclosure.governing_agency",
    name: "Ghi tên cơ quan chủ quản",
    applies_to: ALL_KINDS,
    severity: Severity::Violation,
    law: law::DISCLOSURE,
    needs_home: true,
    check,
};

fn find(facts: &PageFacts) -> Option<Hit> {
    let d = &facts.disclosures;
    d.governing_agency
        .as_ref()
        .or(d.managing_organisation.as_ref())
        .map(Hit::from_found)
}

const PARTS: &[Part] = &[Part {
    vi: "tên cơ quan chủ quản hoặc đơn vị quản lý trang",
    find,
}];

fn check(ctx: &RuleContext) -> Verdict {
    let (mut verdict, spots) = check_disclosure(ctx, PARTS, "Trang có tên cơ quan chủ quản");
    let (Some(expected), Some(Some(spot))) = (ctx.site.agency.as_deref(), spots.first()) else {
        return verdict;
    };
    // Any name on any looked-at page may carry the registry's name: a site
    // often shows the managing unit in the footer and the agency above it.
    let names: Vec<&str> = disclosure_pages(ctx.crawl)
        .flat_map(|p| [&p.facts.disclosures.governing_agency, &p.facts.disclosures.managing_organisation])
        .flatten()
        .map(|f| f.value.as_str())
        .collect();
    if names.iter().any(|n| same_name(expected, n)) {
        return verdict;
    }
    verdict.evidence.push(Evidence::new(
        &spot.page.final_url,
        format!("hồ sơ đăng ký ghi \"{expected}\"; trang ghi \"{}\"", spot.hit.value),
    ));
    if verdict.status != Status::Fail {
        verdict = Verdict::fail(
            format!(
                "Tên cơ quan chủ quản trên trang (\"{}\") khác với đăng ký (\"{expected}\")",
                spot.hit.value
            ),
            verdict.evidence,
            "Ghi đúng tên cơ quan chủ quản trên trang chủ, hoặc đề nghị cơ quan quản lý cập nhật hồ sơ đăng ký nếu tên đã thay đổi.",
        );
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testkit::*;

    #[test]
    fn agency_or_managing_organisation_passes() {
        let mut fx = Fx::government();
        fx.home().disclosures.managing_organisation = Some(found("Đơn vị quản lý", "Văn phòng UBND tỉnh X"));
        assert_eq!(fx.run(&RULE).status, Status::Pass);
        let mut fx = Fx::aggregator();
        fx.home().disclosures.governing_agency = Some(found("Cơ quan của", "TW Hội Khuyến học Việt Nam"));
        assert_eq!(fx.run(&RULE).status, Status::Pass);
    }

    #[test]
    fn registry_name_matches_through_abbreviation() {
        let mut fx = Fx::government();
        fx.site.agency = Some("Ủy ban nhân dân tỉnh Tiền Giang".into());
        fx.home().disclosures.governing_agency = Some(found("Cơ quan chủ quản", "UBND TỈNH TIỀN GIANG"));
        assert_eq!(fx.run(&RULE).status, Status::Pass);
    }

    #[test]
    fn registry_mismatch_fails_with_both_names() {
        let mut fx = Fx::government();
        fx.site.agency = Some("Ủy ban nhân dân tỉnh Tiền Giang".into());
        fx.home().disclosures.governing_agency = Some(found("Cơ quan chủ quản", "Sở Thông tin và Truyền thông tỉnh Tiền Giang"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(
            v.message.contains("Sở Thông tin và Truyền thông tỉnh Tiền Giang") && v.message.contains("Ủy ban nhân dân tỉnh Tiền Giang")
        );
        assert!(
            ev(&v).contains("hồ sơ đăng ký ghi \"Ủy ban nhân dân tỉnh Tiền Giang\""),
            "{}",
            ev(&v)
        );
    }

    #[test]
    fn aggregator_agency_only_one_hop_away_fails() {
        let mut fx = Fx::aggregator();
        fx.linked("ve-chung-toi").disclosures.governing_agency = Some(found("Cơ quan chủ quản", "Công ty Y"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(ev(&v).contains("https://x.gov.vn/ve-chung-toi"));
    }
}
