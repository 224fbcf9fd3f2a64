//! The texts each rule rests on, by date and kind of site (RULES.md, "The
//! texts by date"). A result cites the text in force on its as-of date; a
//! rule whose text did not exist yet gives no result.
//!
//! Periods are inclusive on both ends. The edges that matter: Decree
//! 42/2022 from 15/8/2022 (Decree 43/2011 until 14/8/2022); Decree 147/2024
//! from 25/12/2024 (repealing 72/2013 and 27/2018); Decrees 174/2026 and
//! 224/2026 from 1/7/2026 (224/2026 ending 42/2022).

use chrono::NaiveDate;

use crate::model::Kind;

/// One text (or set of texts) in force over a period, for some kinds of site.
#[derive(Debug, Clone, Copy)]
pub struct Law {
    pub kinds: &'static [Kind],
    /// First day in force; None: since before anything sitewarden checks.
    pub from: Option<NaiveDate>,
    /// Last day in force; None: still in force.
    pub until: Option<NaiveDate>,
    /// Vietnamese, with article and clause, as officers cite it.
    pub text: &'static str,
    /// The province's directive (`[rules] directive`) is named first.
    pub directive: bool,
}

impl Law {
    fn covers(&self, kind: Kind, day: NaiveDate) -> bool {
        self.kinds.contains(&kind) && self.from.is_none_or(|f| f <= day) && self.until.is_none_or(|u| day <= u)
    }
}

/// Named where no directive is configured, so the basis still says where
/// the duty comes from and what the operator should fill in.
pub const DIRECTIVE_UNNAMED: &str =
    "Chỉ thị của Ủy ban nhân dân tỉnh về cổng/trang thông tin điện tử (chưa ghi số hiệu trong cấu hình [rules] directive)";

/// The row in force for `kind` on `day`: the first that covers it. None
/// when no text applied to that kind on that day.
pub fn in_force(laws: &[Law], kind: Kind, day: NaiveDate) -> Option<&Law> {
    laws.iter().find(|l| l.covers(kind, day))
}

/// The basis of a rule for `kind` on `day`: the text of the row in force.
/// None when no text applied to that kind on that day.
pub fn basis_on(laws: &[Law], kind: Kind, day: NaiveDate, directive: Option<&str>) -> Option<String> {
    let law = in_force(laws, kind, day)?;
    Some(if law.directive {
        let named = directive.map(str::trim).filter(|d| !d.is_empty()).unwrap_or(DIRECTIVE_UNNAMED);
        if law.text.is_empty() {
            named.to_string()
        } else {
            format!("{named}; {}", law.text)
        }
    } else {
        law.text.to_string()
    })
}

const fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(x) => x,
        // Evaluated at compile time for the constants below only.
        None => panic!("invalid date in the law table"),
    }
}

/// Circular 32/2017 in force (replacing Circular 26/2009).
pub const C32_2017: NaiveDate = day(2018, 6, 1);
/// Decree 43/2011's last day; Decree 42/2022 in force the day after.
pub const D43_2011_LAST: NaiveDate = day(2022, 8, 14);
pub const D42_2022: NaiveDate = day(2022, 8, 15);
/// Decree 147/2024 in force; Decrees 72/2013 and 27/2018 repealed.
pub const D147_2024: NaiveDate = day(2024, 12, 25);
pub const BEFORE_D147_2024: NaiveDate = day(2024, 12, 24);
/// Decrees 174/2026 and 224/2026 in force; Decree 42/2022 ended.
pub const D174_2026: NaiveDate = day(2026, 7, 1);
pub const BEFORE_D174_2026: NaiveDate = day(2026, 6, 30);

const GOV: &[Kind] = &[Kind::Government];
const AGG: &[Kind] = &[Kind::Aggregator];
const ALL: &[Kind] = &[Kind::Government, Kind::Aggregator];

const fn row(kinds: &'static [Kind], from: Option<NaiveDate>, until: Option<NaiveDate>, text: &'static str) -> Law {
    Law {
        kinds,
        from,
        until,
        text,
        directive: false,
    }
}

const fn directive_row(kinds: &'static [Kind], from: Option<NaiveDate>, until: Option<NaiveDate>, text: &'static str) -> Law {
    Law {
        kinds,
        from,
        until,
        text,
        directive: true,
    }
}

/// What every website shows about itself (governing agency, person
/// responsible, address, telephone and e-mail).
pub const DISCLOSURE: &[Law] = &[
    // Government sites.
    row(
        GOV,
        Some(C32_2017),
        Some(D43_2011_LAST),
        "Thông tư 32/2017/TT-BTTTT, Điều 16 khoản 3 điểm c",
    ),
    row(
        GOV,
        Some(D42_2022),
        Some(BEFORE_D147_2024),
        "Nghị định 42/2022/NĐ-CP, Điều 4; Thông tư 32/2017/TT-BTTTT, Điều 16 khoản 3 điểm c",
    ),
    row(
        GOV,
        Some(D147_2024),
        Some(BEFORE_D174_2026),
        "Nghị định 147/2024/NĐ-CP, Điều 24 khoản 9 điểm a; Nghị định 42/2022/NĐ-CP, Điều 4",
    ),
    row(
        GOV,
        Some(D174_2026),
        None,
        "Nghị định 147/2024/NĐ-CP, Điều 24 khoản 9 điểm a; Nghị định 174/2026/NĐ-CP, Điều 93 khoản 1",
    ),
    // Aggregators: on the home page itself.
    row(
        AGG,
        None,
        Some(BEFORE_D147_2024),
        "Nghị định 72/2013/NĐ-CP (sửa đổi bởi Nghị định 27/2018/NĐ-CP); Thông tư 09/2014/TT-BTTTT, Điều 4 khoản 3",
    ),
    row(
        AGG,
        Some(D147_2024),
        Some(BEFORE_D174_2026),
        "Nghị định 147/2024/NĐ-CP, Điều 24 khoản 9 điểm a, b",
    ),
    row(
        AGG,
        Some(D174_2026),
        None,
        "Nghị định 147/2024/NĐ-CP, Điều 24 khoản 9 điểm a, b; Nghị định 174/2026/NĐ-CP, Điều 93 khoản 1",
    ),
];

/// The editorial board is the province's directive's own demand.
pub const EDITORIAL_BOARD: &[Law] = &[directive_row(GOV, None, None, "")];

/// The licence of an aggregator, with its date, issuer and term from 147/2024.
pub const LICENSE: &[Law] = &[
    row(
        AGG,
        None,
        Some(BEFORE_D147_2024),
        "Nghị định 72/2013/NĐ-CP (sửa đổi bởi Nghị định 27/2018/NĐ-CP); Thông tư 09/2014/TT-BTTTT, Điều 4 khoản 3",
    ),
    row(
        AGG,
        Some(D147_2024),
        Some(BEFORE_D174_2026),
        "Nghị định 147/2024/NĐ-CP, Điều 24 khoản 9 điểm a và khoản 7 điểm a",
    ),
    row(
        AGG,
        Some(D174_2026),
        None,
        "Nghị định 147/2024/NĐ-CP, Điều 24 khoản 9 điểm a và khoản 7 điểm a; Nghị định 174/2026/NĐ-CP, Điều 93 khoản 1",
    ),
];

/// Updating every working day: the directive, which took the duty from
/// Circular 26/2009 Art. 12.
pub const UPDATE_DAILY: &[Law] = &[
    directive_row(
        GOV,
        None,
        Some(BEFORE_D174_2026),
        "nghĩa vụ lấy từ Thông tư 26/2009/TT-BTTTT, Điều 12 (được thay thế bởi Thông tư 32/2017/TT-BTTTT từ 01/6/2018)",
    ),
    directive_row(
        GOV,
        Some(D174_2026),
        None,
        "nghĩa vụ lấy từ Thông tư 26/2009/TT-BTTTT, Điều 12 (được thay thế bởi Thông tư 32/2017/TT-BTTTT từ 01/6/2018); Nghị định 224/2026/NĐ-CP, Điều 9 khoản 3",
    ),
];

/// Legal documents within two working days of signing.
pub const LEGAL_DOCUMENTS: &[Law] = &[
    row(GOV, None, Some(D43_2011_LAST), "Nghị định 43/2011/NĐ-CP, Điều 17 khoản 1 điểm c"),
    directive_row(
        GOV,
        Some(D42_2022),
        None,
        "hạn hai ngày làm việc như Nghị định 43/2011/NĐ-CP, Điều 17 khoản 1 điểm c (hết hiệu lực từ 15/8/2022) đã quy định",
    ),
];

/// Naming the source of a reproduced article, and what goes with it.
pub const ATTRIBUTION: &[Law] = &[
    row(
        AGG,
        None,
        Some(BEFORE_D147_2024),
        "Nghị định 72/2013/NĐ-CP (sửa đổi bởi Nghị định 27/2018/NĐ-CP), Điều 20 khoản 2",
    ),
    row(AGG, Some(D147_2024), None, "Nghị định 147/2024/NĐ-CP, Điều 28 khoản 1 điểm đ"),
];

/// The link to the source article, new with 147/2024.
pub const ATTRIBUTION_LINK: &[Law] = &[row(AGG, Some(D147_2024), None, "Nghị định 147/2024/NĐ-CP, Điều 28 khoản 1 điểm đ")];

/// At least one hour after the source, new with 147/2024.
pub const ATTRIBUTION_DELAY: &[Law] = &[row(AGG, Some(D147_2024), None, "Nghị định 147/2024/NĐ-CP, Điều 28 khoản 1 điểm b")];

/// No reader comments on reproduced articles.
pub const ATTRIBUTION_COMMENTS: &[Law] = &[
    row(AGG, None, Some(BEFORE_D147_2024), "Thông tư 09/2014/TT-BTTTT, Điều 4 khoản 4"),
    row(AGG, Some(D147_2024), None, "Nghị định 147/2024/NĐ-CP, Điều 28 khoản 1 điểm d"),
];

/// The service type under the site's name, new with 147/2024.
pub const SERVICE_TYPE: &[Law] = &[row(
    AGG,
    Some(D147_2024),
    None,
    "Nghị định 147/2024/NĐ-CP, Điều 24 khoản 9 điểm a, b",
)];

/// No press words in the site's name or domain, new with 147/2024.
pub const SITE_NAME: &[Law] = &[row(
    AGG,
    Some(D147_2024),
    None,
    "Nghị định 147/2024/NĐ-CP, Điều 24 khoản 9 điểm a; Điều 26 khoản 1",
)];

/// Reachability and robots.txt rest on no text: they are preconditions.
pub const REACHABLE: &[Law] = &[row(
    ALL,
    None,
    None,
    "Điều kiện để kiểm tra các quy định khác (không có điều khoản riêng)",
)];
pub const CRAWLABLE: &[Law] = &[row(
    ALL,
    None,
    None,
    "RFC 9309 (Robots Exclusion Protocol); điều kiện để kiểm tra tự động",
)];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).expect("valid date")
    }

    fn basis(laws: &[Law], kind: Kind, day: NaiveDate) -> Option<String> {
        basis_on(laws, kind, day, Some("Chỉ thị số 11/CT-UBND"))
    }

    #[test]
    fn decree_147_takes_over_aggregators_on_25_december_2024() {
        let before = basis(DISCLOSURE, Kind::Aggregator, d(2024, 12, 24)).unwrap_or_default();
        let after = basis(DISCLOSURE, Kind::Aggregator, d(2024, 12, 25)).unwrap_or_default();
        assert!(before.contains("72/2013") && !before.contains("147/2024"), "{before}");
        assert!(after.contains("147/2024") && !after.contains("72/2013"), "{after}");
        let a_before = basis(ATTRIBUTION, Kind::Aggregator, d(2024, 12, 24)).unwrap_or_default();
        let a_after = basis(ATTRIBUTION, Kind::Aggregator, d(2024, 12, 25)).unwrap_or_default();
        assert!(a_before.contains("Điều 20 khoản 2"), "{a_before}");
        assert!(a_after.contains("Điều 28 khoản 1 điểm đ"), "{a_after}");
        let c_before = basis(ATTRIBUTION_COMMENTS, Kind::Aggregator, d(2024, 12, 24)).unwrap_or_default();
        let c_after = basis(ATTRIBUTION_COMMENTS, Kind::Aggregator, d(2024, 12, 25)).unwrap_or_default();
        assert!(c_before.contains("09/2014") && c_after.contains("Điều 28 khoản 1 điểm d"));
    }

    #[test]
    fn rules_new_with_147_give_no_result_before_it() {
        for laws in [ATTRIBUTION_LINK, ATTRIBUTION_DELAY, SERVICE_TYPE, SITE_NAME] {
            assert_eq!(basis(laws, Kind::Aggregator, d(2024, 12, 24)), None);
            assert!(basis(laws, Kind::Aggregator, d(2024, 12, 25)).is_some_and(|b| b.contains("147/2024")));
            assert_eq!(basis(laws, Kind::Government, d(2026, 11, 24)), None);
        }
    }

    #[test]
    fn decree_174_and_224_from_1_july_2026() {
        for kind in [Kind::Government, Kind::Aggregator] {
            let before = basis(DISCLOSURE, kind, d(2026, 6, 30)).unwrap_or_default();
            let after = basis(DISCLOSURE, kind, d(2026, 7, 1)).unwrap_or_default();
            assert!(!before.contains("174/2026"), "{before}");
            assert!(after.contains("Nghị định 174/2026/NĐ-CP, Điều 93 khoản 1"), "{after}");
            assert!(!after.contains("42/2022"), "{after}");
        }
        assert!(basis(DISCLOSURE, Kind::Government, d(2026, 6, 30)).is_some_and(|b| b.contains("42/2022")));
        let upd_before = basis(UPDATE_DAILY, Kind::Government, d(2026, 6, 30)).unwrap_or_default();
        let upd_after = basis(UPDATE_DAILY, Kind::Government, d(2026, 7, 1)).unwrap_or_default();
        assert!(!upd_before.contains("224/2026") && upd_after.contains("Nghị định 224/2026/NĐ-CP, Điều 9 khoản 3"));
        let lic = basis(LICENSE, Kind::Aggregator, d(2026, 7, 1)).unwrap_or_default();
        assert!(lic.contains("174/2026"), "{lic}");
    }

    #[test]
    fn decree_43_2011_ends_on_14_august_2022() {
        let last = basis(LEGAL_DOCUMENTS, Kind::Government, d(2022, 8, 14)).unwrap_or_default();
        let next = basis(LEGAL_DOCUMENTS, Kind::Government, d(2022, 8, 15)).unwrap_or_default();
        assert!(last.starts_with("Nghị định 43/2011/NĐ-CP, Điều 17 khoản 1 điểm c"), "{last}");
        assert!(next.starts_with("Chỉ thị số 11/CT-UBND"), "{next}");
        let g_last = basis(DISCLOSURE, Kind::Government, d(2022, 8, 14)).unwrap_or_default();
        let g_next = basis(DISCLOSURE, Kind::Government, d(2022, 8, 15)).unwrap_or_default();
        assert!(!g_last.contains("42/2022") && g_next.contains("Nghị định 42/2022/NĐ-CP, Điều 4"));
    }

    #[test]
    fn the_directive_is_named_in_update_and_editorial_board() {
        let b = basis(UPDATE_DAILY, Kind::Government, d(2026, 11, 24)).unwrap_or_default();
        assert!(b.starts_with("Chỉ thị số 11/CT-UBND; "), "{b}");
        assert!(b.contains("Thông tư 26/2009/TT-BTTTT, Điều 12"), "{b}");
        assert_eq!(
            basis(EDITORIAL_BOARD, Kind::Government, d(2026, 11, 24)).as_deref(),
            Some("Chỉ thị số 11/CT-UBND")
        );
        let unnamed = basis_on(EDITORIAL_BOARD, Kind::Government, d(2026, 11, 24), None).unwrap_or_default();
        assert_eq!(unnamed, DIRECTIVE_UNNAMED);
    }

    #[test]
    fn the_row_in_force_says_since_when() {
        let gov = |day| in_force(DISCLOSURE, Kind::Government, day).and_then(|l| l.from);
        assert_eq!(gov(d(2026, 11, 24)), Some(D174_2026));
        assert_eq!(gov(d(2026, 6, 30)), Some(D147_2024));
        assert_eq!(gov(d(2022, 8, 15)), Some(D42_2022));
        assert!(in_force(DISCLOSURE, Kind::Government, d(2018, 5, 31)).is_none());
        // Older than anything checked: in force, with no first day.
        let agg = in_force(DISCLOSURE, Kind::Aggregator, d(2020, 1, 1));
        assert!(agg.is_some_and(|l| l.from.is_none()));
        assert!(in_force(ATTRIBUTION_LINK, Kind::Aggregator, d(2024, 12, 24)).is_none());
        assert_eq!(
            in_force(ATTRIBUTION_LINK, Kind::Aggregator, d(2024, 12, 25)).and_then(|l| l.from),
            Some(D147_2024)
        );
    }

    #[test]
    fn no_repealed_text_is_cited_as_current() {
        // 72/2013 and 27/2018 were repealed on 25/12/2024; 42/2022 ended on 1/7/2026.
        for laws in [
            DISCLOSURE,
            LICENSE,
            ATTRIBUTION,
            ATTRIBUTION_COMMENTS,
            UPDATE_DAILY,
            LEGAL_DOCUMENTS,
            EDITORIAL_BOARD,
        ] {
            for kind in [Kind::Government, Kind::Aggregator] {
                if let Some(b) = basis(laws, kind, d(2026, 11, 24)) {
                    assert!(!b.contains("72/2013") && !b.contains("42/2022"), "{b}");
                }
            }
        }
    }
}
