//! `disclosure.address`: the site gives a contact address.
//!
//! Basis: every website shows "địa chỉ liên lạc" (Decree 147/2024/NĐ-CP
//! Art. 24(9)(a); before it Decree 72/2013 and Circular 09/2014 for
//! aggregators, Circular 32/2017 Art. 16(3)(c) and Decree 42/2022 Art. 4
//! for state agencies). Labels "Địa chỉ", "Trụ sở", "Tòa soạn", "Văn phòng";
//! the value must read as an address (a street or house number, a
//! commune/ward, a district or a province), so "Văn phòng: Phòng Hành chính"
//! is not one. Where to look is that of every disclosure rule (SPEC §5).

use crate::extract::PageFacts;
use crate::extract::text::fold;
use crate::model::{Evidence, Severity, Status};

use super::{ALL_KINDS, Hit, Part, RuleContext, RuleDef, Verdict, check_disclosure, disclosure_pages, law};

pub const RULE: RuleDef = RuleDef {
    id: "disclosure.address",
    name: "Ghi địa chỉ liên hệ",
    applies_to: ALL_KINDS,
    severity: Severity::Violation,
    law: law::DISCLOSURE,
    needs_home: true,
    check,
};

/// Folded words of a Vietnamese address (and the English some sites use).
const ADDRESS_WORDS: &[&str] = &[
    "so",
    "duong",
    "pho",
    "phuong",
    "xa",
    "thi tran",
    "thi xa",
    "quan",
    "huyen",
    "tinh",
    "thanh pho",
    "tp",
    "ap",
    "thon",
    "khom",
    "khu pho",
    "to dan pho",
    "ngo",
    "ngach",
    "hem",
    "kiet",
    "lo",
    "toa nha",
    "tang",
    "khu do thi",
    "khu cong nghiep",
    "kcn",
    "street",
    "road",
    "ward",
    "district",
    "province",
    "city",
    "floor",
];

/// Provinces and centrally-run cities, before and after the 2025 merger, folded.
const PROVINCES: &[&str] = &[
    "an giang",
    "ba ria",
    "vung tau",
    "bac giang",
    "bac kan",
    "bac lieu",
    "bac ninh",
    "ben tre",
    "binh dinh",
    "binh duong",
    "binh phuoc",
    "binh thuan",
    "ca mau",
    "can tho",
    "cao bang",
    "da nang",
    "dak lak",
    "dak nong",
    "dien bien",
    "dong nai",
    "dong thap",
    "gia lai",
    "ha giang",
    "ha nam",
    "ha noi",
    "ha tinh",
    "hai duong",
    "hai phong",
    "hau giang",
    "hoa binh",
    "hung yen",
    "khanh hoa",
    "kien giang",
    "kon tum",
    "lai chau",
    "lam dong",
    "lang son",
    "lao cai",
    "long an",
    "nam dinh",
    "nghe an",
    "ninh binh",
    "ninh thuan",
    "phu tho",
    "phu yen",
    "quang binh",
    "quang nam",
    "quang ngai",
    "quang ninh",
    "quang tri",
    "soc trang",
    "son la",
    "tay ninh",
    "thai binh",
    "thai nguyen",
    "thanh hoa",
    "hue",
    "thua thien hue",
    "tien giang",
    "tra vinh",
    "tuyen quang",
    "vinh long",
    "vinh phuc",
    "yen bai",
    "ho chi minh",
    "sai gon",
];

/// Whether a labelled value reads as a postal address: an address word or
/// a province as whole words, or a house number followed by a street name.
pub fn looks_like_address(value: &str) -> bool {
    let folded = fold(value);
    let words: Vec<&str> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let spaced = format!(" {} ", words.join(" "));
    if ADDRESS_WORDS.iter().chain(PROVINCES).any(|w| spaced.contains(&format!(" {w} "))) {
        return true;
    }
    // "60A Hoàng Văn Thụ", "12/3 Lê Lợi": a house number, then a name.
    let first_is_number = words
        .first()
        .is_some_and(|w| w.starts_with(|c: char| c.is_ascii_digit()) && w.len() <= 6);
    let then_a_name = words.get(1).is_some_and(|w| w.starts_with(char::is_alphabetic));
    first_is_number && then_a_name && words.len() >= 3
}

fn find(facts: &PageFacts) -> Option<Hit> {
    facts
        .disclosures
        .address
        .as_ref()
        .filter(|a| looks_like_address(&a.value))
        .map(Hit::from_found)
}

const PARTS: &[Part] = &[Part {
    vi: "địa chỉ liên hệ",
    find,
}];

fn check(ctx: &RuleContext) -> Verdict {
    let (mut v, _) = check_disclosure(ctx, PARTS, "Trang có địa chỉ liên hệ");
    if v.status == Status::Fail {
        // A label with something else after it: say what was read, so the
        // officer sees why it was not taken for an address.
        for page in disclosure_pages(ctx.crawl) {
            if let Some(a) = &page.facts.disclosures.address
                && !looks_like_address(&a.value)
            {
                let detail = if a.value.trim().is_empty() {
                    format!("có nhãn \"{}\" nhưng không có nội dung đi kèm", a.label)
                } else {
                    format!(
                        "có nhãn \"{}\" nhưng nội dung \"{}\" không có số nhà, tên đường, xã/phường hay tỉnh/thành phố",
                        a.label, a.value
                    )
                };
                v.evidence.push(Evidence::new(&page.final_url, detail));
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testkit::*;

    #[test]
    fn addresses_as_sites_write_them() {
        for a in [
            "Số 23, đường 30/4, Phường 1, TP. Mỹ Tho",
            "60A, Hoàng Văn Thụ, Phường 9, Quận Phú Nhuận, Thành Phố Hồ Chí Minh",
            "Số 2 (nhà 48) Giảng Võ, Quận Đống Đa, Hà Nội",
            "ấp Tân Hiệp, xã Tân Hoà, tỉnh An Giang",
            "25 Trần Phú, Nha Trang",
            "SO 1 NGUYEN TAT THANH, PHUONG THANH SEN",
            "Hà Nội",
            "Floor 5, 123 Nguyen Hue Street, District 1",
        ] {
            assert!(looks_like_address(a), "{a}");
        }
        for a in [
            "Phòng Hành chính - Tổng hợp",
            "Chánh Văn phòng",
            "",
            "0258 3812 345",
            "lienhe@bienxanh.vn",
        ] {
            assert!(!looks_like_address(a), "{a}");
        }
    }

    #[test]
    fn address_on_the_home_page_passes() {
        let mut fx = Fx::aggregator();
        fx.home().disclosures.address = Some(found("Địa chỉ", "25 Trần Phú, phường Nha Trang, tỉnh Khánh Hòa"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("25 Trần Phú"), "{}", ev(&v));
    }

    #[test]
    fn government_one_hop_passes_aggregator_one_hop_fails_naming_the_page() {
        let mut fx = Fx::government();
        fx.linked("lien-he").disclosures.address = Some(found("Trụ sở", "Số 15 Trần Hưng Đạo, tỉnh Lâm Đồng"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Pass);
        assert!(ev(&v).contains("lien-he"), "{}", ev(&v));

        let mut fx = Fx::aggregator();
        fx.linked("lien-he").disclosures.address = Some(found("Địa chỉ", "Số 15 Trần Hưng Đạo, tỉnh Lâm Đồng"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(
            v.hint.as_deref().is_some_and(|h| h.contains("trang chủ") && h.contains("lien-he")),
            "{:?}",
            v.hint
        );
    }

    #[test]
    fn no_address_or_a_label_with_no_address_fails() {
        let mut fx = Fx::government();
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert_eq!(v.message, "Không tìm thấy địa chỉ liên hệ");
        fx.home().disclosures.address = Some(found("Văn phòng", "Phòng Hành chính - Tổng hợp"));
        let v = fx.run(&RULE);
        assert_eq!(v.status, Status::Fail);
        assert!(ev(&v).contains("không có số nhà, tên đường"), "{}", ev(&v));
    }

    #[test]
    fn unreachable_home_is_unknown() {
        let mut fx = Fx::government();
        fx.crawl.home = Err(failure(crate::model::FailureKind::Dns, None));
        assert_eq!(fx.run(&RULE).status, Status::Unknown);
    }

    #[test]
    fn in_force_for_every_kind_on_both_sides_of_25_december_2024() {
        for kind in [crate::model::Kind::Government, crate::model::Kind::Aggregator] {
            let before = RULE.basis(kind, d(2024, 12, 24), None).unwrap_or_default();
            let after = RULE.basis(kind, d(2024, 12, 25), None).unwrap_or_default();
            assert!(!before.is_empty() && !before.contains("147/2024"), "{before}");
            assert!(after.contains("147/2024"), "{after}");
        }
    }
}
